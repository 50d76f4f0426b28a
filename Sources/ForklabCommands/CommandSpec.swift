import ForklabWords

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
    /// Whether it times a primitive rather than run an experiment or
    /// steer the session (`bench`): `help` lists it apart.
    public var isMeasurement = false
    /// Parses the words after the name. `spec` is this spec under the name
    /// the command was typed with (see `named(_:)`), so that its errors name
    /// that word and a command with two names (`produce`, `consume`) can tell
    /// which one began it.
    let parse: @Sendable (_ spec: CommandSpec, _ arguments: ArraySlice<Word>) throws(ParseError) -> Command

    public var isExperiment: Bool { book != nil }

    /// The text `help NAME` prints.
    public var helpText: String {
        var text = "usage: \(Catalog.wrapUsage(usage, first: 7, then: 9))\n"
        if let book { text += "book:  \(book)\n" }
        return text + "\n" + details + "\n"
    }
}

extension CommandSpec {
    /// This spec under `typed`, one of its names, as its parse closure sees
    /// it. A usage that is just the name (q's) becomes `typed` as well, so
    /// that `quit now` gives `quit: unexpected 'now' (usage: quit)`.
    func named(_ typed: String) -> CommandSpec {
        CommandSpec(
            name: typed, aliases: aliases, usage: usage == name ? typed : usage, summary: summary,
            book: book, details: details, keywords: keywords, isMeasurement: isMeasurement, parse: parse)
    }

    /// Refuses any word beyond those a command takes.
    func expectEnd(_ rest: ArraySlice<Word>) throws(ParseError) {
        if let extra = rest.first {
            throw ParseError(.unexpectedWord(command: name, word: extra.text, usage: usage))
        }
    }

    /// `[N] [buffered] [noreap]`, as fork and forkexit take (the two words
    /// in either order, each once): N (1 when left out), and which words
    /// were given.
    func countAndFlags(_ arguments: ArraySlice<Word>) throws(ParseError) -> (count: Int, buffered: Bool, noreap: Bool) {
        var rest = arguments
        var count = 1
        if let first = rest.first, first.text != "buffered", first.text != "noreap" {
            count = try number(first, name: "N", in: Limits.processes)
            rest = rest.dropFirst()
        }
        var buffered = false
        var noreap = false
        for word in rest {
            switch word.text {
            case "buffered":
                if buffered { throw ParseError(.givenTwice(command: name, word: "buffered")) }
                buffered = true
            case "noreap":
                if noreap { throw ParseError(.givenTwice(command: name, word: "noreap")) }
                noreap = true
            default:
                throw ParseError(.unexpectedWord(command: name, word: word.text, usage: usage))
            }
        }
        return (count, buffered, noreap)
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

/// A keyword and the number that follows it, such as threads' `count C`.
struct NumberOption {
    let keyword: String
    /// What messages call the number: `C`.
    let name: String
    let range: ClosedRange<Int>
}

/// A keyword and the seconds that follow it, such as threads' `sleep S`
/// or `exit after T`: a decimal number within `range`.
struct SecondsOption {
    let keyword: String
    /// A word that must come between the keyword and the number: `after`.
    var then: String? = nil
    /// What messages call the number: `S`.
    let name: String
    var range: SecondsRange = .sleep
}

extension SecondsOption {
    /// `exit after T`, of threads and produce.
    static let exitAfter = SecondsOption(keyword: "exit", then: "after", name: "T", range: .exitAfter)
}

/// Which decimal seconds an option takes, and how its errors show them.
public struct SecondsRange: Hashable, Sendable {
    /// Whether 0 is allowed (`exit after 0`) or only more than 0 (`sleep`).
    public var allowsZero: Bool
    /// The most whole seconds.
    public var maximum: Int
    /// Two examples for the error line: `sleep 1, sleep 0.05`.
    public var examples: String
    /// The fewest nanoseconds, when more than 0 (`timeout T`: 0.1 s), and
    /// how the error line writes it: `0.1`.
    public var least: (nanoseconds: Int, text: String)? = nil

    public static func == (a: SecondsRange, b: SecondsRange) -> Bool {
        a.allowsZero == b.allowsZero && a.maximum == b.maximum && a.examples == b.examples
            && a.least?.nanoseconds == b.least?.nanoseconds
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(allowsZero)
        hasher.combine(maximum)
        hasher.combine(examples)
        hasher.combine(least?.nanoseconds)
    }

    /// `sleep S`: 0 < S ≤ `Limits.sleepSeconds`.
    public static let sleep = SecondsRange(allowsZero: false, maximum: Limits.sleepSeconds, examples: "sleep 1, sleep 0.05")
    /// `exit after T`: 0 ≤ T ≤ `Limits.exitAfterSeconds`.
    public static let exitAfter = SecondsRange(
        allowsZero: true, maximum: Limits.exitAfterSeconds, examples: "exit after 6, exit after 0.5")
    /// `deadlock … timeout T`: `Limits.deadlockTimeout`.
    public static let deadlockTimeout = SecondsRange(
        allowsZero: false, maximum: Limits.deadlockTimeoutSeconds, examples: "timeout 1, timeout 0.2",
        least: (Limits.deadlockTimeoutLeast, "0.1"))

    func contains(_ nanoseconds: Int) -> Bool {
        (allowsZero || nanoseconds > 0) && nanoseconds >= (least?.nanoseconds ?? 0)
            && nanoseconds <= maximum * 1_000_000_000
    }
}

/// What `options` found among a command's words.
struct Options {
    /// The number after each keyword that was given, by keyword.
    var numbers: [String: Int] = [:]
    /// The seconds after each seconds keyword that was given, in nanoseconds.
    var nanoseconds: [String: Int] = [:]
    /// The flags that were given.
    var flags: Set<String> = []
    /// The number given with no keyword before it (threads' N), if any.
    var free: Int?
}

extension CommandSpec {
    /// Words that may come in any order: each keyword of `numbers` followed by
    /// its number, each of `flags` alone, and, when `free` says what it is, one
    /// number with no keyword before it (threads' N). Each keyword and flag
    /// may come once; `given` holds keywords that count as given already.
    /// Of each group of `oneOf` (timeline's `ascii` and `unicode`) one flag
    /// at most may come. A keyword followed by nothing or by another keyword
    /// is missing its number; a word that is none of these is unexpected.
    func options(
        _ arguments: ArraySlice<Word>, numbers: [NumberOption], seconds: [SecondsOption] = [], flags: [String] = [],
        oneOf: [[String]] = [], free: (name: String, range: ClosedRange<Int>)? = nil, given: Set<String> = []
    ) throws(ParseError) -> Options {
        let keywords = Set(numbers.map(\.keyword) + seconds.map(\.keyword) + flags)
        var found = Options()
        var seen = given
        var rest = arguments
        while let word = rest.popFirst() {
            if keywords.contains(word.text), !seen.insert(word.text).inserted {
                throw ParseError(.givenTwice(command: name, word: word.text))
            }
            for group in oneOf where group.contains(word.text) {
                if let other = group.first(where: { $0 != word.text && seen.contains($0) }) {
                    throw ParseError(.givenTogether(command: name, first: other, second: word.text, usage: usage))
                }
            }
            if let option = numbers.first(where: { $0.keyword == word.text }) {
                guard let value = rest.popFirst(), !keywords.contains(value.text) else {
                    throw ParseError(.missingWord(
                        command: name, what: "\(option.name) after '\(option.keyword)'", usage: usage))
                }
                found.numbers[option.keyword] = try number(value, name: option.name, in: option.range)
            } else if let option = seconds.first(where: { $0.keyword == word.text }) {
                let spelled = [option.keyword, option.then].compactMap { $0 }.joined(separator: " ")
                if let then = option.then {
                    guard rest.first?.text == then else {
                        throw ParseError(.missingWord(
                            command: name, what: "'\(then) \(option.name)' after '\(option.keyword)'", usage: usage))
                    }
                    rest = rest.dropFirst()
                }
                guard let value = rest.popFirst(), !keywords.contains(value.text) else {
                    throw ParseError(.missingWord(
                        command: name, what: "\(option.name) after '\(spelled)'", usage: usage))
                }
                guard let nanoseconds = parseNanoseconds(value.text), option.range.contains(nanoseconds) else {
                    let got = parseNanoseconds(value.text) != nil || looksNumeric(value.text)
                        ? display(value.text) : "'\(display(value.text))'"
                    throw ParseError(.badSeconds(command: name, name: option.name, range: option.range, got: got))
                }
                found.nanoseconds[option.keyword] = nanoseconds
            } else if flags.contains(word.text) {
                found.flags.insert(word.text)
            } else if let free, found.free == nil {
                found.free = try number(word, name: free.name, in: free.range)
            } else {
                throw ParseError(.unexpectedWord(command: name, word: word.text, usage: usage))
            }
        }
        return found
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

/// Decimal seconds as nanoseconds: `1`, `0.05`, `2.5`, at most nine
/// digits after the point; nil for anything else (a sign, an exponent,
/// `.5`, `1.`) and for more than nine digits before the point.
func parseNanoseconds(_ text: String) -> Int? {
    let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
    let whole = parts[0]
    let fraction = parts.count == 2 ? parts[1] : ""
    guard !whole.isEmpty, whole.count <= 9, parts.count == 1 || !fraction.isEmpty, fraction.count <= 9,
          (whole + fraction).allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
    var value = 0
    for character in whole + fraction + String(repeating: "0", count: 9 - fraction.count) {
        value = value * 10 + (character.wholeNumberValue ?? 0)
    }
    return value
}

/// Whether a word is made of digits (with a sign or `_`), so that an error
/// shows it as a number: `got 0`, `got -3`, but `got 'abc'`.
func looksNumeric(_ text: String) -> Bool {
    let body = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
    return !body.isEmpty && body.first != "_" && body.allSatisfy { ($0.isASCII && $0.isNumber) || $0 == "_" }
}
