/// Every command of the language, in the order `help` lists them.
public enum Catalog {
    public static let commands: [CommandSpec] = [
        .fork, .forkExit, .spawn, .threads, .produce, .race, .deadlock, .tree, .bench, .book, .quiz, .timeline, .save, .ps,
        .reap, .help, .set, .quit,
    ]

    /// Every name a command answers to, for completion and suggestions.
    public static var names: [String] { commands.flatMap { [$0.name] + $0.aliases } }

    public static func spec(named name: String) -> CommandSpec? {
        commands.first { $0.name == name || $0.aliases.contains(name) }
    }

    /// The closest command name to a mistyped word, if one is close:
    /// at most two edits away, or one edit for words of three letters or fewer.
    public static func suggestion(for word: String) -> String? {
        closest(to: word, among: names.filter { $0.count > 1 })
    }

    /// `usage` within 80 columns, after `first` columns taken on its first
    /// line: broken between bracketed groups, never inside one, each further
    /// line indented by `then` spaces.
    static func wrapUsage(_ usage: String, first: Int, then indent: Int) -> String {
        var lines: [String] = [], line = "", depth = 0, group = ""
        func place(_ group: String) {
            let taken = lines.isEmpty ? first : indent
            if !line.isEmpty && taken + line.count + 1 + group.count > 80 {
                lines.append(line)
                line = group
            } else {
                line += (line.isEmpty ? "" : " ") + group
            }
        }
        for character in usage {
            if character == " " && depth == 0 {
                place(group)
                group = ""
                continue
            }
            if character == "[" { depth += 1 }
            if character == "]" { depth -= 1 }
            group.append(character)
        }
        if !group.isEmpty { place(group) }
        lines.append(line)
        return lines.joined(separator: "\n" + String(repeating: " ", count: indent))
    }

    /// The text `help` prints, within 80 columns: a usage too long for the
    /// column gets its summary on the next line.
    public static var overview: String {
        let column = 30
        func row(_ spec: CommandSpec) -> String {
            if spec.usage.count < column { return "  " + pad(spec.usage, column) + spec.summary + "\n" }
            return "  " + wrapUsage(spec.usage, first: 2, then: 4) + "\n  " + pad("", column) + spec.summary + "\n"
        }
        var text = "Experiments (each runs the real system calls):\n"
        for spec in commands where spec.isExperiment { text += row(spec) }
        text += "\nMeasurements:\n"
        for spec in commands where spec.isMeasurement { text += row(spec) }
        text += "\nSession:\n"
        for spec in commands where !spec.isExperiment && !spec.isMeasurement { text += row(spec) }
        text += """

            "help COMMAND" tells what a command shows and which book program it reproduces.
            Separate commands with ';'. Quote words as in a shell:
              spawn sh -- -c 'echo $$'
            At the prompt an empty line repeats the last experiment; Ctrl-C stops one.

            """
        return text
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.count))
    }
}

/// The closest of `names` to a mistyped word, if one is close: at most two
/// edits away, or one edit for words of three letters or fewer.
func closest(to word: String, among names: [String]) -> String? {
    let allowed = word.count <= 3 ? 1 : 2
    var best: (name: String, distance: Int)?
    for name in names {
        let distance = editDistance(word, name, limit: allowed)
        if distance <= allowed && distance < (best?.distance ?? .max) { best = (name, distance) }
    }
    return best?.name
}

/// Edit distance counting two neighbours swapped as one edit, the commonest
/// typo (`quti` is one from `quit`, two from `quiz`): Levenshtein's with
/// transpositions (optimal string alignment). Gives up (returning limit + 1)
/// past `limit`.
func editDistance(_ a: String, _ b: String, limit: Int) -> Int {
    let a = Array(a.prefix(64)), b = Array(b)
    if abs(a.count - b.count) > limit { return limit + 1 }
    var beforePrevious: [Int] = []
    var previous = Array(0...b.count)
    for i in 1...max(a.count, 1) where !a.isEmpty {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in 1...max(b.count, 1) where !b.isEmpty {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                current[j] = min(current[j], beforePrevious[j - 2] + 1)
            }
        }
        beforePrevious = previous
        previous = current
    }
    return previous[b.count]
}
