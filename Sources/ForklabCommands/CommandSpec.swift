/// A command of the language: its grammar and its help, side by side so
/// that the help cannot drift from what the parser accepts.
public struct CommandSpec: Sendable {
    public let name: String
    /// Other names for the same command (`quit` for `q`).
    public let aliases: [String]
    /// `fork [N]`.
    public let usage: String
    /// One line for the `help` list.
    public let summary: String
    /// The book program it reproduces, for experiments.
    public let book: String?
    /// What it does and what it teaches, for `help NAME`.
    public let details: String
    /// Words that may follow the name, for TAB completion.
    public let keywords: [String]
    /// Parses the words after the name.
    let parse: @Sendable (_ spec: CommandSpec, _ arguments: ArraySlice<Word>) throws(ParseError) -> Command

    public var isExperiment: Bool { book != nil }

    /// The text `help NAME` prints.
    public var helpText: String {
        var text = "usage: \(usage)\n"
        if let book { text += "book:  \(book)\n" }
        return text + "\n" + details + "\n"
    }
}

extension CommandSpec {
    /// Refuses any word beyond those a command takes.
    func expectEnd(_ rest: ArraySlice<Word>) throws(ParseError) {
        if let extra = rest.first {
            throw ParseError(.unexpectedWord(command: name, word: extra.text, usage: usage))
        }
    }

    /// `[N]` and nothing after it: N, or 1 when it is left out.
    func optionalCount(_ arguments: ArraySlice<Word>) throws(ParseError) -> Int {
        guard let first = arguments.first else { return 1 }
        let count = try number(first, name: "N", in: Limits.processes)
        try expectEnd(arguments.dropFirst())
        return count
    }

    /// A count such as fork's N: plain decimal, `1_000` allowed, within `range`.
    func number(_ word: Word, name label: String, in range: ClosedRange<Int>) throws(ParseError) -> Int {
        guard let value = parseInteger(word.text), range.contains(value) else {
            let got = looksNumeric(word.text) ? display(word.text) : "'\(display(word.text))'"
            throw ParseError(.badNumber(command: name, name: label, range: range, got: got))
        }
        return value
    }
}

/// A decimal integer, optionally negative, with single `_` between digits;
/// nil for anything else, and for values that do not fit an Int.
func parseInteger(_ text: String) -> Int? {
    var digits = Substring(text)
    var negative = false
    if digits.first == "-" {
        negative = true
        digits = digits.dropFirst()
    }
    guard let first = digits.first, first.isASCII, first.isNumber, digits.last != "_" else { return nil }
    var value = 0
    var previousUnderscore = false
    for character in digits {
        if character == "_" {
            if previousUnderscore { return nil }
            previousUnderscore = true
            continue
        }
        guard character.isASCII, let digit = character.wholeNumberValue else { return nil }
        previousUnderscore = false
        let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
        let (sum, overflow2) = times10.addingReportingOverflow(digit)
        if overflow1 || overflow2 { return nil }
        value = sum
    }
    return negative ? -value : value
}

/// Whether a word is made of digits (with a sign or `_`), so that an error
/// shows it as a number: `got 0`, `got -3`, but `got 'abc'`.
func looksNumeric(_ text: String) -> Bool {
    let body = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
    return !body.isEmpty && body.first != "_" && body.allSatisfy { ($0.isASCII && $0.isNumber) || $0 == "_" }
}
