/// TAB completion over the command language: command names first, then
/// each command's keywords, programs after `spawn`, and file paths. The
/// file system comes in as closures so that tests can hand in another.
public struct Completer {
    /// Program names (in PATH and scripts/) that start with a prefix.
    public var programs: (String) -> [String]
    /// Paths that start with a prefix; directories end with `/`.
    public var paths: (String) -> [String]

    public init(programs: @escaping (String) -> [String], paths: @escaping (String) -> [String]) {
        self.programs = programs
        self.paths = paths
    }

    /// What TAB does with the text before the cursor.
    public struct Result: Hashable {
        /// Text to insert at the cursor (already escaped for the line).
        public var insertion: String
        /// Candidates to show when the insertion alone cannot decide.
        public var candidates: [String]
    }

    public func complete(_ beforeCursor: String) -> Result {
        let scan = Scan(beforeCursor)
        var words = scan.commands.last ?? []
        var prefix = ""
        if scan.endsInWord || scan.openQuote != nil, let last = words.popLast() {
            prefix = last.text
        }
        let matches = candidates(after: words.map(\.text), prefix: prefix).sorted()
        var unique: [String] = []
        for match in matches where unique.last != match { unique.append(match) }
        guard let first = unique.first else { return Result(insertion: "", candidates: []) }

        let common = unique.dropFirst().reduce(first) { commonPrefix($0, $1) }
        var added = String(common.dropFirst(prefix.count))
        if unique.count == 1 && !common.hasSuffix("/") { added += scan.openQuote.map { String($0) + " " } ?? " " }
        let insertion = scan.openQuote == nil ? escape(added, keepingTrailingSpace: unique.count == 1) : added
        return Result(insertion: insertion, candidates: unique.count > 1 && added.isEmpty ? unique : [])
    }

    private func candidates(after words: [String], prefix: String) -> [String] {
        guard let command = words.first else {
            return Catalog.names.filter { $0.count > 1 && $0.hasPrefix(prefix) }
        }
        guard let spec = Catalog.spec(named: command) else { return [] }
        switch spec.name {
        case "help" where words.count == 1:
            return Catalog.names.filter { $0.count > 1 && $0.hasPrefix(prefix) }
        case "spawn" where words.count == 1:
            return prefix.contains("/") ? paths(prefix) : programs(prefix)
        case "spawn":
            if !words.contains("--") && words.count == 2 && "--".hasPrefix(prefix) && !prefix.isEmpty {
                return ["--"]
            }
            return paths(prefix)
        case "set" where words.count == 1:
            return ["repeat", "format"].filter { $0.hasPrefix(prefix) }
        case "set" where words.count == 2:
            let values = words[1] == "repeat" ? ["on", "off"] : words[1] == "format" ? TraceFormat.allCases.map(\.rawValue) : []
            return values.filter { $0.hasPrefix(prefix) }
        default:
            return spec.keywords.filter { $0.hasPrefix(prefix) && !words.contains($0) }
        }
    }
}

private func commonPrefix(_ a: String, _ b: String) -> String {
    String(zip(a, b).prefix { $0 == $1 }.map(\.0))
}

/// Escapes what the tokenizer would otherwise split or interpret.
private func escape(_ text: String, keepingTrailingSpace: Bool) -> String {
    var body = Substring(text)
    var tail = ""
    if keepingTrailingSpace && body.hasSuffix(" ") {
        body = body.dropLast()
        tail = " "
    }
    var escaped = ""
    for character in body {
        if " \t;'\"\\#".contains(character) { escaped.append("\\") }
        escaped.append(character)
    }
    return escaped + tail
}
