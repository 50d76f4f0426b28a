import Testing
@testable import ForklabCommands

/// Random lines from a seeded generator: docs/commands.md, *What always holds*,
/// "any line, any bytes, any length gives an error line or a result".
private struct LineGenerator {
    var rng: Xorshift

    static let fragments = [
        "fork", "forkexit", "spawn", "help", "set", "repeat", "format", "json", "book", "on", "off",
        "threads", "produce", "consume", "race", "count", "nolock", "nojoin", "messages", "capacity", "1000000",
        "10000000", "100000000", "broken", "if", "onecv", "timeout", "quiz", "seed", "0.1", "ordered", "deadlock", "after",
        "timeline", "width", "ascii", "unicode", "save", "force", "40", "1001",
        "q", "quit", "exit", "frok", "--", "-l", "-3", "child.sh", "/tmp/", " ", "  ", "\t", ";", ";;", "#",
        "'", "\"", "\\", "\\\\", "''", "0", "1", "7", "10000", "10001", "1_000", "1__0", "_", "-",
        "99999999999999999999", "\u{0}", "\r", "\n", "\r\n", "\u{301}", "é", "e\u{301}", "🙂", "👨‍👩‍👧",
        "🇫🇷", "\u{200d}", "\u{202e}", "\u{fffd}", "\u{7f}", "\u{85}", "\u{1b}[31m", "日本",
    ]

    init(seed: UInt64) { rng = Xorshift(seed: seed) }

    mutating func int(_ range: Range<Int>) -> Int { Int.random(in: range, using: &rng) }

    /// Any Unicode scalar, weighted toward ASCII and the BMP.
    mutating func scalar() -> Unicode.Scalar {
        while true {
            let value: UInt32
            switch int(0..<10) {
            case 0..<5: value = UInt32(int(0..<0x80))
            case 5..<7: value = UInt32(int(0x80..<0x800))
            case 7..<9: value = UInt32(int(0x800..<0x10000))
            default: value = UInt32(int(0x10000..<0x110000))
            }
            if let scalar = Unicode.Scalar(value) { return scalar }
        }
    }

    static let commandWords = [
        "fork", "forkexit", "spawn", "threads", "produce", "consume", "race", "bench", "timeline", "save", "help", "set", "q",
        "quit", "exit", "frok", "book",
    ]
    static let argumentWords = [
        "1", "3", "0", "10000", "10001", "1_000", "-2", "abc", "ls", "child.sh", "--", "-l", "repeat", "format",
        "on", "off", "json", "book", "fork", "launch", "threading", "'a b'", "''", "\"x\"", "#c", "é", "🙂", "count",
        "nolock", "nojoin",
        "produce", "consume", "messages", "capacity", "1000", "1001", "10000000", "width", "40", "39", "ascii",
        "unicode", "force", "run.json", "./force", "posix_spawn", "mutex", "pipe", "all", "1000000", "1000001",
    ]

    /// A line of blank-separated words that mostly look like commands.
    mutating func plausibleLine() -> String {
        var commands: [String] = []
        for _ in 0..<int(1..<4) {
            var words = [Self.commandWords[int(0..<Self.commandWords.count)]]
            for _ in 0..<int(0..<4) {
                words.append(int(0..<8) == 0 ? String(scalar()) : Self.argumentWords[int(0..<Self.argumentWords.count)])
            }
            commands.append(words.joined(separator: " "))
        }
        return commands.joined(separator: "; ")
    }

    /// Any mix of scalars and fragments of the language, half the time
    /// shaped like commands.
    mutating func line(maxParts: Int = 24) -> String {
        if int(0..<2) == 0 { return plausibleLine() }
        var line = ""
        for _ in 0..<int(0..<maxParts) {
            if int(0..<3) == 0 {
                line.unicodeScalars.append(scalar())
            } else {
                line += Self.fragments[int(0..<Self.fragments.count)]
            }
        }
        return line
    }
}

/// Checks what holds for any line: an error is one short, printable line.
private func checkMessage(_ error: ParseError, line: String) {
    let text = error.description
    #expect(!text.isEmpty)
    #expect(text.unicodeScalars.count <= 400, "message too long for \(line.debugDescription)")
    #expect(
        !text.unicodeScalars.contains { $0.value < 0x20 || (0x7f..<0xa0).contains($0.value) },
        "control character in \(text.debugDescription) for \(line.debugDescription)")
}

/// Checks what holds for any parsed command: counts within limits, spawn's
/// program and arguments carry no NUL and the program is not empty.
private func checkCommand(_ command: Command) {
    switch command {
    case let .fork(count, _, _), let .forkExit(count, _, _):
        #expect(Limits.processes.contains(count))
    case let .spawn(program, count, arguments, _):
        #expect(!program.isEmpty)
        #expect(count.map(Limits.processes.contains) ?? true)
        #expect(!([program] + (arguments ?? [])).contains { $0.utf8.contains(0) })
    case let .deadlock(threads, _, timeout):
        #expect(Limits.deadlockThreads.contains(threads))
        #expect((Limits.deadlockTimeoutLeast...Limits.deadlockTimeoutSeconds * 1_000_000_000).contains(timeout))
    case let .help(topic):
        #expect(topic.map { Catalog.spec(named: $0) != nil } ?? true)
    case let .threads(count, lines, _, joined, sleep, exitAfter):
        #expect(joined || exitAfter == nil)
        #expect(exitAfter.map { (0...Limits.exitAfterSeconds * 1_000_000_000).contains($0) } ?? true)
        #expect(Limits.processes.contains(count))
        #expect(Limits.count.contains(lines))
        #expect((0...Limits.sleepSeconds * 1_000_000_000).contains(sleep))
    case let .produce(producers, consumers, messages, capacity, sleep, exitAfter, broken, timeout):
        #expect(broken == nil || exitAfter == nil)
        #expect((Limits.deadlockTimeoutLeast...Limits.deadlockTimeoutSeconds * 1_000_000_000).contains(timeout))
        #expect(exitAfter.map { (0...Limits.exitAfterSeconds * 1_000_000_000).contains($0) } ?? true)
        #expect((0...Limits.sleepSeconds * 1_000_000_000).contains(sleep))
        #expect(Limits.workers.contains(producers))
        #expect(Limits.workers.contains(consumers))
        #expect(Limits.messages.contains(messages))
        #expect(capacity.map(Limits.capacity.contains) ?? true)
        #expect(producers * messages <= Limits.totalMessages)
    case let .race(threads, count):
        #expect(Limits.processes.contains(threads))
        #expect(Limits.count.contains(count))
    case let .tree(.list(actions), _, _):
        #expect(Limits.treeActions.contains(actions.count))
    case let .tree(.random(count, _, forkPercent), _, _):
        #expect(Limits.treeActions.contains(count))
        #expect(Limits.treeForkPercent.contains(forkPercent))
    case let .timeline(width, _):
        #expect(width.map(Limits.timelineWidth.contains) ?? true)
    case let .bench(_, runs):
        #expect(runs.map(Limits.benchRuns.contains) ?? true)
    case let .save(path, _):
        #expect(!path.isEmpty && path != "force")
        #expect(!path.utf8.contains(0))
    case let .quiz(_, count, seed):
        #expect(Limits.quizQuestions.contains(count))
        #expect(seed.map { $0 <= UInt64(Limits.quizSeed.upperBound) } ?? true)
    case let .book(program):
        #expect(program.map(BookProgram.all.contains) ?? true)
    case .set, .ps, .reap, .quit:
        break
    }
}

/// Parses `line` and checks every outcome; returns how many commands parsed
/// and how many errors were reported, so that a fuzz test can tell that it
/// reached both.
@discardableResult
private func checkParse(_ line: String) -> (commands: Int, errors: Int) {
    var outcome = (commands: 0, errors: 0)
    do {
        let results = try Parser.parse(line: line)
        #expect(results.count <= line.unicodeScalars.filter { $0 == ";" }.count + 1)
        for result in results {
            switch result {
            case let .success(command):
                checkCommand(command)
                outcome.commands += 1
            case let .failure(error):
                checkMessage(error, line: line)
                outcome.errors += 1
            }
        }
    } catch {
        checkMessage(error, line: line)
        outcome.errors += 1
    }
    return outcome
}

/// A completer whose closures answer oddly on purpose: candidates that do not
/// start with the prefix, duplicates, directories, names that need escaping.
private func oddCompleter() -> Completer {
    Completer(
        programs: { prefix in [prefix + "x", prefix + "x", prefix + "y z", "zzz"] },
        paths: { prefix in [prefix, prefix + "/", prefix + "a;b 'c\"", "", "\u{0}"] })
}

private func checkCompletion(_ line: String) {
    for completer in [oddCompleter(), FakeFileSystem(programs: ["ls"], paths: ["a b/"]).completer] {
        let result = completer.complete(line)
        if !result.candidates.isEmpty {
            #expect(result.insertion.isEmpty)
            #expect(result.candidates.count > 1)
            #expect(result.candidates == result.candidates.sorted())
            #expect(Set(result.candidates).count == result.candidates.count)
        }
    }
}

@Suite("Fuzz: random input never crashes the parser or the completer")
struct FuzzTests {
    @Test(.timeLimit(.minutes(2)), arguments: [1, 2, 3, 4] as [UInt64])
    func randomLinesParseToResultsOrShortErrors(seed: UInt64) {
        var generator = LineGenerator(seed: seed)
        var commands = 0, errors = 0
        for _ in 0..<2500 {
            let outcome = checkParse(generator.line())
            commands += outcome.commands
            errors += outcome.errors
        }
        #expect(commands > 100, "the generator should make some valid commands")
        #expect(errors > 100, "the generator should make some errors")
    }

    @Test(.timeLimit(.minutes(2)), arguments: [5, 6] as [UInt64])
    func randomLinesAndTheirPrefixesComplete(seed: UInt64) {
        var generator = LineGenerator(seed: seed)
        for _ in 0..<1000 {
            let line = generator.line(maxParts: 12)
            checkCompletion(line)
            let cut = generator.int(0..<(line.count + 1))
            checkCompletion(String(line.prefix(cut)))
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func randomWordListsParseToResultsOrShortErrors() {
        var generator = LineGenerator(seed: 7)
        for _ in 0..<3000 {
            var words: [Word] = []
            for index in 0..<generator.int(0..<6) {
                let text = generator.int(0..<2) == 0
                    ? LineGenerator.fragments[generator.int(0..<LineGenerator.fragments.count)]
                    : generator.line(maxParts: 3)
                words.append(Word(text, column: index + 1))
            }
            do {
                checkCommand(try Parser.parse(words: words))
            } catch {
                checkMessage(error, line: "\(words.map(\.text))")
            }
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func randomCommandLinesMadeOfValidPartsParse() throws {
        var generator = LineGenerator(seed: 8)
        let valid = [
            ("fork", Command.fork(count: 1)), ("fork 2", .fork(count: 2)), ("forkexit 1_000", .forkExit(count: 1000)),
            ("spawn ls", .spawn(program: "ls", count: nil, arguments: nil)),
            ("spawn child.sh 3 -- a b", .spawn(program: "child.sh", count: 3, arguments: ["a", "b"])),
            ("help spawn", .help(topic: "spawn")), ("set format json", .set(.format(.json))), ("q", .quit),
            ("threads 5 count 5 nolock nojoin", .threads(count: 5, lines: 5, locked: false, joined: false)),
            ("consume 2 produce 4", .produce(producers: 4, consumers: 2, messages: 4, capacity: nil)),
            ("produce 8 capacity 1_000", .produce(producers: 8, consumers: 2, messages: 4, capacity: 1000)),
            ("race 4 count 10", .race(threads: 4, count: 10)),
        ]
        for _ in 0..<1000 {
            var line = ""
            var expected: [Command] = []
            for _ in 0..<generator.int(1..<6) {
                let (text, command) = valid[generator.int(0..<valid.count)]
                line += String(repeating: " ", count: generator.int(0..<3)) + text + String(repeating: ";", count: generator.int(1..<3))
                expected.append(command)
            }
            let parsed = try Parser.parse(line: line).map { try $0.get() }
            #expect(parsed == expected, "\(line)")
        }
    }
}

@Suite("Fuzz: quoting round trips")
struct RoundTripTests {
    /// Characters that stay one Character next to a quote or a backslash.
    static let alphabet: [Character] = Array(
        " \t!\"#$%&'()*+,-./0123456789:;<=>?@ABCXYZ[\\]^_`abcxyz{|}~éüß日本🙂Ω€\u{a0}")

    /// Quotes a word one of three ways a user might: in single quotes, in
    /// double quotes, or with a backslash before every character.
    static func quote(_ word: String, style: Int) -> String {
        switch style {
        case 0: return "'" + word.replacingAll("'", with: "'\\''") + "'"
        case 1: return "\"" + word.replacingAll("\\", with: "\\\\").replacingAll("\"", with: "\\\"") + "\""
        default: return word.isEmpty ? "''" : word.map { "\\" + String($0) }.joined()
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func quotedWordsTokenizeBackToThemselves() throws {
        var rng = Xorshift(seed: 42)
        for _ in 0..<2000 {
            var commands: [[String]] = []
            var line = ""
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                var words: [String] = []
                for _ in 0..<Int.random(in: 1...4, using: &rng) {
                    let word = String((0..<Int.random(in: 0...8, using: &rng)).map { _ in Self.alphabet.randomElement(using: &rng)! })
                    words.append(word)
                    line += Self.quote(word, style: Int.random(in: 0...2, using: &rng))
                    line += [" ", "  ", "\t"].randomElement(using: &rng)!
                }
                commands.append(words)
                line += ";"
            }
            #expect(try words(line) == commands, "\(line.debugDescription)")
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func aCompletedPathTokenizesBackToThePath() throws {
        var rng = Xorshift(seed: 43)
        for _ in 0..<2000 {
            let name = String((0..<Int.random(in: 1...10, using: &rng)).map { _ in Self.alphabet.randomElement(using: &rng)! })
            let fs = FakeFileSystem(paths: [name])
            let line = "spawn cat -- "
            let completed = line + fs.completer.complete(line).insertion
            #expect(try words(completed) == [["spawn", "cat", "--", name]], "\(name.debugDescription)")
        }
    }
}

@Suite("Fuzz: a 200 KB line")
struct LongLineTests {
    static let size = 200_000

    @Test(.timeLimit(.minutes(1)))
    func aHugeNumberIsRefusedWithAShortMessage() throws {
        let results = try Parser.parse(line: "fork " + String(repeating: "9", count: Self.size))
        #expect(throws: ParseError.self) { try results[0].get() }
        if case let .failure(error) = results[0] {
            #expect(error.description == "fork: N must be 1…10000, got \(String(repeating: "9", count: 40))…")
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func aHugeWordIsAnUnknownCommandWithoutSuggestion() {
        let word = String(repeating: "forkexit", count: Self.size / 8)
        #expect(message(word) == "unknown command '\(String(word.prefix(40)))…' (type 'help' for the commands)")
        #expect(message("help " + word) == "help: no command '\(String(word.prefix(40)))…' (type 'help' for the commands)")
    }

    @Test(.timeLimit(.minutes(1)))
    func aHugeUnterminatedQuoteIsReportedAtItsColumn() {
        #expect(tokenizerMessage("spawn '" + String(repeating: "a", count: Self.size)) == "missing closing ' for the quote at column 7")
    }

    @Test(.timeLimit(.minutes(1)))
    func tensOfThousandsOfCommandsOnOneLineAllParse() throws {
        let line = String(repeating: "fork 1;", count: Self.size / 7)
        let results = try Parser.parse(line: line)
        #expect(results.count == Self.size / 7)
        #expect(results.allSatisfy { (try? $0.get()) == .fork(count: 1) })
    }

    @Test(.timeLimit(.minutes(1)))
    func aHundredThousandArgumentsAllParse() throws {
        let line = "spawn ls --" + String(repeating: " a", count: Self.size / 2)
        #expect(try command(line) == .spawn(program: "ls", count: nil, arguments: Array(repeating: "a", count: Self.size / 2)))
    }

    @Test(.timeLimit(.minutes(1)))
    func aHugeRandomLineParsesAndCompletes() {
        var generator = LineGenerator(seed: 99)
        var line = ""
        while line.utf8.count < Self.size { line += generator.line() }
        checkParse(line)
        checkCompletion(line)
    }

    @Test(.timeLimit(.minutes(1)))
    func hugeLinesComplete() {
        let completer = FakeFileSystem(programs: ["ls"], paths: ["x"]).completer
        #expect(completer.complete(String(repeating: "f", count: Self.size)) == Completer.Result(insertion: "", candidates: []))
        #expect(completer.complete("spawn ls -- '" + String(repeating: "a b", count: Self.size / 3)).candidates.isEmpty)
        #expect(completer.complete(String(repeating: "fork 1;", count: Self.size / 7) + "sp").insertion == "awn ")
    }
}

private extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var result = ""
        for character in self {
            if character == target { result += replacement } else { result.append(character) }
        }
        return result
    }
}
