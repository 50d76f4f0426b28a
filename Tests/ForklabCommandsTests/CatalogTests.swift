import Testing
@testable import ForklabCommands

@Suite("Catalog and help texts")
struct CatalogTests {
    // These tests name the commands that exist today and allow more (bench,
    // docs/commands.md's *Measuring a primitive*, came later).
    static let known = ["fork", "forkexit", "spawn", "threads", "produce", "race", "timeline", "save", "help", "set", "q"]

    @Test func theCommandsAreListedInHelpOrder() {
        #expect(Catalog.commands.map(\.name).filter(Self.known.contains) == Self.known)
    }

    @Test func experimentsComeBeforeSessionCommands() throws {
        let experiments = Catalog.commands.map(\.isExperiment)
        let firstSession = try #require(experiments.firstIndex(of: false))
        #expect(!experiments[firstSession...].contains(true))
    }

    @Test func namesIncludeEveryAliasAfterTheNames() {
        let expected = [
            "fork", "forkexit", "spawn", "threads", "produce", "consume", "race", "timeline", "save", "help", "set", "q",
            "quit", "exit",
        ]
        #expect(Catalog.names.filter(expected.contains) == expected)
        #expect(Catalog.names.count == Catalog.commands.count + Catalog.commands.map(\.aliases.count).reduce(0, +))
    }

    @Test func noTwoCommandsShareAName() {
        #expect(Set(Catalog.names).count == Catalog.names.count)
    }

    @Test(arguments: Catalog.names)
    func everyNameFindsItsSpec(name: String) throws {
        let spec = try #require(Catalog.spec(named: name))
        #expect(spec.name == name || spec.aliases.contains(name))
    }

    @Test func quitAndExitAreAliasesOfQ() {
        #expect(Catalog.spec(named: "quit")?.name == "q")
        #expect(Catalog.spec(named: "exit")?.name == "q")
    }

    @Test func consumeIsAnAliasOfProduce() {
        #expect(Catalog.spec(named: "consume")?.name == "produce")
    }

    @Test func helpConsumeGivesProducesHelp() throws {
        #expect(try command("help consume") == .help(topic: "consume"))
        let consume = try #require(Catalog.spec(named: "consume"))
        let produce = try #require(Catalog.spec(named: "produce"))
        #expect(consume.helpText == produce.helpText)
    }

    @Test func anUnknownNameHasNoSpec() {
        #expect(Catalog.spec(named: "frok") == nil)
        #expect(Catalog.spec(named: "") == nil)
        #expect(Catalog.spec(named: "Fork") == nil)
    }

    @Test func theOverviewListsEveryCommandsUsageAndSummary() {
        let overview = Catalog.overview
        for spec in Catalog.commands {
            #expect(overview.contains(Catalog.wrapUsage(spec.usage, first: 2, then: 4)), "missing usage of \(spec.name)")
            #expect(overview.contains(spec.summary), "missing summary of \(spec.name)")
        }
    }

    @Test func theOverviewPutsExperimentsThenMeasurementsThenSessionCommands() throws {
        let lines = Catalog.overview.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let experiments = try #require(lines.firstIndex(of: "Experiments (each runs the real system calls):"))
        let measurements = try #require(lines.firstIndex(of: "Measurements:"))
        let session = try #require(lines.firstIndex(of: "Session:"))
        #expect(experiments < measurements && measurements < session)
        for spec in Catalog.commands {
            let usage = Catalog.wrapUsage(spec.usage, first: 2, then: 4).prefix { $0 != "\n" }
            let line = try #require(lines.firstIndex { $0 == "  " + usage || $0.hasPrefix("  " + usage + " ") })
            if spec.isExperiment {
                #expect(experiments < line && line < measurements, "\(spec.name) is not under Experiments")
            } else if spec.isMeasurement {
                #expect(measurements < line && line < session, "\(spec.name) is not under Measurements")
            } else {
                #expect(session < line, "\(spec.name) is not under Session")
            }
        }
    }

    @Test func theOverviewAlignsTheSummariesWithin80Columns() {
        let lines = Catalog.overview.split(separator: "\n").map(String.init)
        // A usage too long for its column has its summary on the next line.
        let columns = Catalog.commands.compactMap { spec -> Int? in
            guard let line = lines.first(where: { $0.hasSuffix(spec.summary) }),
                  let range = line.firstRange(of: spec.summary) else { return nil }
            return line.distance(from: line.startIndex, to: range.lowerBound)
        }
        #expect(columns.count == Catalog.commands.count)
        #expect(Set(columns).count == 1)
        #expect(lines.allSatisfy { $0.count <= 80 })
    }

    @Test func theOverviewTellsHowToGetHelpOnACommand() {
        #expect(Catalog.overview.contains("\"help COMMAND\""))
    }

    @Test(arguments: Catalog.commands.map(\.name))
    func everyHelpTextStartsWithItsUsage(name: String) throws {
        let spec = try #require(Catalog.spec(named: name))
        #expect(spec.helpText.hasPrefix("usage: \(Catalog.wrapUsage(spec.usage, first: 7, then: 9))\n"))
    }

    @Test func aUsageTooLongFor80ColumnsBreaksBetweenGroupsNeverInsideOne() throws {
        let usage = try #require(Catalog.spec(named: "produce")?.usage)
        #expect(Catalog.wrapUsage(usage, first: 7, then: 9) == """
            produce P consume C [messages M] [capacity K] [sleep S]
                     [exit after T | broken if|onecv [timeout T]]
            """)
        #expect(Catalog.wrapUsage("fork [N] [buffered] [noreap]", first: 7, then: 9) == "fork [N] [buffered] [noreap]")
    }

    @Test(arguments: Catalog.commands.map(\.name))
    func everyUsageStartsWithTheCommandName(name: String) throws {
        let spec = try #require(Catalog.spec(named: name))
        #expect(spec.usage == spec.name || spec.usage.hasPrefix(spec.name + " "))
    }

    @Test(arguments: Catalog.commands.map(\.name))
    func everyHelpTextEndsWithItsDetails(name: String) throws {
        let spec = try #require(Catalog.spec(named: name))
        #expect(!spec.details.isEmpty)
        #expect(spec.helpText.hasSuffix("\n\n" + spec.details + "\n"))
    }

    @Test(arguments: [
        ("fork", "Python Basic Forking"),
        ("forkexit", "Python Fork() Exit Status"),
        ("spawn", "Use Python to Launch Another Program"),
        ("threads", "_thread Basic, _thread Mutex, Python Threading"),
        ("produce", "Python Producer Consumer with Queue"),
        ("race", "not in the book: the lost update the mutex prevents"),
    ])
    func experimentsNameTheirBookProgram(name: String, book: String) throws {
        let spec = try #require(Catalog.spec(named: name))
        #expect(spec.isExperiment)
        #expect(spec.book == book)
        #expect(spec.helpText.hasPrefix("usage: \(Catalog.wrapUsage(spec.usage, first: 7, then: 9))\nbook:  \(book)\n\n"))
    }

    @Test(arguments: ["timeline", "save", "help", "set", "q"])
    func sessionCommandsHaveNoBookLine(name: String) throws {
        let spec = try #require(Catalog.spec(named: name))
        #expect(!spec.isExperiment)
        #expect(spec.book == nil)
        #expect(!spec.helpText.contains("book:"))
        #expect(spec.helpText.hasPrefix("usage: \(spec.usage)\n\n"))
    }

    @Test(arguments: [
        ("fork", "fork [N] [buffered] [noreap]"), ("forkexit", "forkexit [N] [buffered] [noreap]"),
        ("spawn", "spawn PROGRAM [N] [noreap] [-- ARG…]"),
        ("threads", "threads N [count C] [sleep S] [nolock] [nojoin | exit after T]"),
        ("produce", "produce P consume C [messages M] [capacity K] [sleep S] [exit after T | broken if|onecv [timeout T]]"), ("race", "race N [count C]"),
        ("timeline", "timeline [width W] [ascii|unicode]"), ("save", "save FILE.json [force]"),
        ("book", "book [NAME]"), ("help", "help [COMMAND]"), ("set", "set repeat on|off | set format book|json"), ("q", "q"),
        ("ps", "ps"), ("reap", "reap"),
    ])
    func theUsagesAreExact(name: String, usage: String) {
        #expect(Catalog.spec(named: name)?.usage == usage)
    }

    @Test func theSpecAndTheParsedCommandAgreeOnBeingAnExperiment() throws {
        let samples = [
            "fork", "forkexit", "spawn ls", "threads 2", "produce", "consume 2", "race 2", "book", "book fork",
            "timeline", "save x.json",
            "help", "set repeat on", "q",
        ]
        for line in samples {
            let spec = try #require(Catalog.spec(named: String(line.prefix { $0 != " " })))
            #expect(try command(line).isExperiment == spec.isExperiment, "\(line)")
        }
    }

    @Test(arguments: Catalog.commands.map(\.name))
    func everyHelpTextFitsIn80Columns(name: String) throws {
        let spec = try #require(Catalog.spec(named: name))
        for line in spec.helpText.split(separator: "\n") {
            #expect(line.count <= 80, "\(name): \(line)")
        }
    }

    @Test func theThreadsHelpNamesTheBooksThreeProgramsAndTheirCommands() throws {
        let text = try #require(Catalog.spec(named: "threads")).helpText
        for program in ["_thread Basic", "_thread Mutex", "threading.Thread"] {
            #expect(text.contains(program), "missing \(program)")
        }
        for line in ["[t] => i", "Main thread exiting...", "nolock", "nojoin", "pthread_create", "pthread_join"] {
            #expect(text.contains(line), "missing \(line)")
        }
    }

    @Test func theProduceHelpShowsTheBooksLinesAndTheLimits() throws {
        let text = try #require(Catalog.spec(named: "produce")).helpText
        for line in [
            "Python Producer Consumer with Queue", "consumer ID got => DATA", "Main thread exit", "capacity K",
            "\"consume 2 produce 4\"", "lost", "M is 1…10000000", "100000000",
        ] {
            #expect(text.contains(line), "missing \(line)")
        }
    }

    @Test func bookIsListedFirstAmongTheSessionCommands() throws {
        let lines = Catalog.overview.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let session = try #require(lines.firstIndex(of: "Session:"))
        #expect(lines[session + 1] == "  book [NAME]                   list the book's seven programs, or run one")
    }

    @Test func theRaceHelpShowsBothLines() throws {
        let text = try #require(Catalog.spec(named: "race")).helpText
        #expect(text.contains("race nolock: expected X got Y lost Z"))
        #expect(text.contains("race lock: expected X got X lost 0"))
    }

    @Test(arguments: [
        ("thread", "threads"), ("thraeds", "threads"), ("rcae", "race"), ("rase", "race"),
        ("prodcue", "produce"), ("produse", "produce"), ("consme", "consume"), ("comsume", "consume"),
        ("timline", "timeline"), ("tiemline", "timeline"), ("sav", "save"), ("svae", "save"),
    ])
    func aNearMissOfANewCommandIsSuggested(typed: String, meant: String) {
        #expect(Catalog.suggestion(for: typed) == meant)
    }

    @Test func editDistanceCountsInsertionsDeletionsSubstitutionsAndSwaps() {
        #expect(editDistance("fork", "fork", limit: 2) == 0)
        #expect(editDistance("frk", "fork", limit: 2) == 1)
        #expect(editDistance("forkk", "fork", limit: 2) == 1)
        #expect(editDistance("fark", "fork", limit: 2) == 1)
        // Two neighbours swapped is one edit: quti is nearer quit than quiz.
        #expect(editDistance("frok", "fork", limit: 2) == 1)
        #expect(editDistance("quti", "quit", limit: 2) == 1)
        #expect(editDistance("quti", "quiz", limit: 2) == 2)
        #expect(editDistance("ab", "ba", limit: 2) == 1)
        #expect(editDistance("", "set", limit: 3) == 3)
        #expect(editDistance("set", "", limit: 3) == 3)
    }

    @Test func editDistanceGivesUpPastTheLimitOnLength() {
        #expect(editDistance(String(repeating: "x", count: 100_000), "fork", limit: 2) == 3)
    }
}
