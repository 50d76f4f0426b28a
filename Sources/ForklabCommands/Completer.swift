/// TAB completion over the command language: command names first, then
/// each command's keywords, programs after `spawn`, and file paths (after
/// spawn's program and for save's FILE). The
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
        if scan.endsInComment { return Result(insertion: "", candidates: []) }
        var words = scan.commands.last ?? []
        var prefix = ""
        if scan.endsInWord || scan.openQuote != nil, let last = words.popLast() {
            prefix = last.text
        }
        // A name with a control character cannot be typed back; leave it out.
        let matches = candidates(after: words.map(\.text), prefix: prefix)
            .filter { !$0.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\t") || $0.value == 0x7f } }
            .sorted()
        var unique: [String] = []
        for match in matches where unique.last != match { unique.append(match) }
        guard let first = unique.first else { return Result(insertion: "", candidates: []) }

        let common = unique.dropFirst().reduce(first) { commonPrefix($0, $1) }
        let added = String(String.UnicodeScalarView(common.unicodeScalars.dropFirst(prefix.unicodeScalars.count)))
        let finished = unique.count == 1 && !common.hasSuffix("/")
        var insertion: String
        switch scan.openQuote {
        case "'":
            insertion = escape(added, "'", as: "'\\''") + (finished ? "' " : "")
        case "\"":
            insertion = escape(escape(added, "\\", as: "\\\\"), "\"", as: "\\\"") + (finished ? "\" " : "")
        default:
            insertion = escapeSpecials(added) + (finished ? " " : "")
        }
        // The line already ends with the backslash that escapes the next character.
        if scan.danglingEscape && insertion.hasPrefix("\\") { insertion.removeFirst() }
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
            if !words.contains("--") && prefix.hasPrefix("-") && "--".hasPrefix(prefix) {
                return ["--"]
            }
            // noreap comes before `--`, once, after the program and its N.
            if !words.contains("--") && !words.contains("noreap") && words.count <= 3 && !prefix.isEmpty
                && "noreap".hasPrefix(prefix) {
                return ["noreap"] + paths(prefix)
            }
            return paths(prefix)
        case "quiz" where words.last == "seed":
            return []  // S
        case "quiz":
            // A topic first, if any; then seed once.
            let topics = words.count == 1 ? QuizTopic.allCases.map(\.rawValue) : []
            return (topics + (words.contains("seed") ? [] : ["seed"])).filter { $0.hasPrefix(prefix) }
        case "book" where words.count == 1:
            return BookProgram.names.filter { $0.hasPrefix(prefix) }
        case "book":
            return []
        case "set" where words.count == 1:
            return ["repeat", "format"].filter { $0.hasPrefix(prefix) }
        case "set" where words.count == 2:
            let values = words[1] == "repeat" ? ["on", "off"] : words[1] == "format" ? TraceFormat.allCases.map(\.rawValue) : []
            return values.filter { $0.hasPrefix(prefix) }
        case "set":
            return []
        case "timeline":
            // After `width` comes a number; ascii and unicode go one at a time.
            if words.last == "width" { return [] }
            let charsets = TimelineCharset.allCases.map(\.rawValue)
            let taken = words.contains(where: charsets.contains) ? charsets : []
            return spec.keywords.filter { $0.hasPrefix(prefix) && !words.contains($0) && !taken.contains($0) }
        case "bench" where words.count == 1:
            return spec.keywords.filter { $0.hasPrefix(prefix) }
        case "bench":
            return []  // N
        case "save" where words.count == 1:
            return paths(prefix)
        case "save" where words.count == 2 && words[1] != "force":
            return spec.keywords.filter { $0.hasPrefix(prefix) }
        case "save":
            return []
        case "tree" where words.count == 1:
            return "random".hasPrefix(prefix) ? ["random"] : []  // else ACTIONS
        case "tree" where words.last == "seed" || words.last == "forks" || words == ["tree", "random"]:
            return []  // a number
        case "tree":
            let keywords = words[1] == "random" ? ["local", "steps", "seed", "forks"] : ["local", "steps"]
            return keywords.filter { $0.hasPrefix(prefix) && !words.contains($0) }
        case _ where words.last == "exit":
            return "after".hasPrefix(prefix) ? ["after"] : []  // exit after T
        case "produce" where words.last == "broken":
            return BrokenQueue.allCases.map(\.rawValue).filter { $0.hasPrefix(prefix) }
        default:
            // `after` only follows `exit`; `nojoin` and `exit after` exclude each
            // other, as `broken` and `exit after` do; produce's `timeout` goes with `broken`.
            var excluded: Set<String> = words.contains("nojoin") ? ["after", "exit"]
                : words.contains("exit") ? ["after", "nojoin", "broken"] : ["after"]
            if spec.name == "produce" && words.contains("broken") { excluded.insert("exit") }
            if spec.name == "produce" && !words.contains("broken") { excluded.insert("timeout") }
            return spec.keywords.filter { $0.hasPrefix(prefix) && !words.contains($0) && !excluded.contains($0) }
        }
    }
}

private func commonPrefix(_ a: String, _ b: String) -> String {
    var shared = String.UnicodeScalarView()
    for (x, y) in zip(a.unicodeScalars, b.unicodeScalars) {
        guard x == y else { break }
        shared.append(x)
    }
    return String(shared)
}

/// Replaces every `character` in `text` with `replacement`.
private func escape(_ text: String, _ character: Unicode.Scalar, as replacement: String) -> String {
    var result = ""
    for scalar in text.unicodeScalars {
        if scalar == character { result += replacement } else { result.unicodeScalars.append(scalar) }
    }
    return result
}

/// Escapes, outside quotes, what the tokenizer would otherwise split or read.
private func escapeSpecials(_ text: String) -> String {
    var escaped = ""
    for scalar in text.unicodeScalars {
        if " \t;'\"\\#".unicodeScalars.contains(scalar) { escaped += "\\" }
        escaped.unicodeScalars.append(scalar)
    }
    return escaped
}
