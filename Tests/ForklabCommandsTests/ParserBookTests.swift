import Testing
@testable import ForklabCommands

/// `book [NAME]`: the seven programs of the posts, each with the command
/// that runs it as the book publishes it.
@Suite("Parser: book")
struct ParserBookTests {
    @Test func bookAloneIsTheListing() throws {
        #expect(try command("book") == .book(nil))
    }

    @Test(arguments: ["fork", "forkexit", "launch", "thread", "mutex", "threading", "queue"])
    func bookNameIsThatProgram(name: String) throws {
        let program = try #require(BookProgram.named(name))
        #expect(try command("book \(name)") == .book(program))
        #expect(program.name == name)
    }

    @Test func theSevenProgramsComeInTheBooksOrderWithTheirTitles() {
        #expect(BookProgram.all.map(\.name) == ["fork", "forkexit", "launch", "thread", "mutex", "threading", "queue"])
        #expect(BookProgram.all.map(\.title) == [
            "Basic Forking", "Fork Exit Status", "Launch Another Program", "_thread Basic", "_thread Mutex",
            "threading Thread", "Producer/Consumer",
        ])
    }

    /// Each word is the book's: see the comments on `BookProgram.all`.
    @Test(arguments: [
        ("fork", "fork 1 buffered", Command.fork(count: 1, buffered: true)),
        ("forkexit", "forkexit 1 buffered", .forkExit(count: 1, buffered: true)),
        ("launch", "spawn child.py 1", .spawn(program: "child.py", count: 1, arguments: nil)),
        ("thread", "threads 5 count 5 sleep 1 nolock exit after 6",
         .threads(count: 5, lines: 5, locked: false, joined: true, sleep: 1_000_000_000, exitAfter: 6_000_000_000)),
        ("mutex", "threads 5 count 5 sleep 1 exit after 6",
         .threads(count: 5, lines: 5, locked: true, joined: true, sleep: 1_000_000_000, exitAfter: 6_000_000_000)),
        ("threading", "threads 10 count 100", .threads(count: 10, lines: 100, locked: true, joined: true)),
        ("queue", "produce 4 consume 2 sleep 1 exit after 13",
         .produce(producers: 4, consumers: 2, messages: 4, capacity: nil, sleep: 1_000_000_000,
                  exitAfter: 13_000_000_000)),
    ])
    func everyListedCommandParsesToTheBooksProgram(name: String, text: String, expected: Command) throws {
        let program = try #require(BookProgram.named(name))
        #expect(program.command == text)
        #expect(try program.parsed() == expected)
        #expect(try command(text) == expected)
    }

    @Test func everyProgramIsOneCommandThatParses() throws {
        for program in BookProgram.all {
            #expect(try Parser.parse(line: program.command).count == 1, "\(program.name)")
            #expect(try program.parsed().isExperiment, "\(program.name)")
        }
    }

    @Test func theAnnouncementNamesTheProgramAndTheCommand() throws {
        #expect(try #require(BookProgram.named("thread")).announcement
            == "book: _thread Basic: threads 5 count 5 sleep 1 nolock exit after 6\n")
        #expect(try #require(BookProgram.named("fork")).announcement == "book: Basic Forking: fork 1 buffered\n")
    }

    @Test func theListingIsTheTableAlignedWithin80ColumnsThenHowToRunOne() {
        #expect(BookProgram.listing == """
            NAME       PROGRAM                 COMMAND
            fork       Basic Forking           fork 1 buffered
            forkexit   Fork Exit Status        forkexit 1 buffered
            launch     Launch Another Program  spawn child.py 1
            thread     _thread Basic           threads 5 count 5 sleep 1 nolock exit after 6
            mutex      _thread Mutex           threads 5 count 5 sleep 1 exit after 6
            threading  threading Thread        threads 10 count 100
            queue      Producer/Consumer       produce 4 consume 2 sleep 1 exit after 13
            "book NAME" prints the command and runs it, as if typed; Enter repeats it.

            """)
        #expect(BookProgram.listing.split(separator: "\n").allSatisfy { $0.count <= 80 })
    }

    @Test func theHelpTextShowsTheTableAndNoBookProgramOfItsOwn() throws {
        let spec = try #require(Catalog.spec(named: "book"))
        #expect(spec.book == nil)
        #expect(!spec.isExperiment)
        let text = spec.helpText
        #expect(text.hasPrefix("usage: book [NAME]\n\n"))
        #expect(text.contains("\n" + BookProgram.table + "\n"))
        #expect(text.contains("  book: TITLE: COMMAND\n"))
    }

    @Test func anUnknownNameIsNamedWithTheNamesAndASuggestion() {
        #expect(message("book frok") == "book: unknown program 'frok' (did you mean 'fork'? "
            + "one of fork, forkexit, launch, thread, mutex, threading, queue)")
        #expect(message("book threads") == "book: unknown program 'threads' (did you mean 'thread'? "
            + "one of fork, forkexit, launch, thread, mutex, threading, queue)")
        #expect(message("book xyzzy")
            == "book: unknown program 'xyzzy' (one of fork, forkexit, launch, thread, mutex, threading, queue)")
    }

    @Test func aFileNameOrATitleIsNotAName() {
        #expect(message("book fork1.py")?.hasPrefix("book: unknown program 'fork1.py'") == true)
        #expect(message("book 'Basic Forking'")?.hasPrefix("book: unknown program 'Basic Forking'") == true)
        #expect(message("book Fork")?.hasPrefix("book: unknown program 'Fork' (did you mean 'fork'?") == true)
    }

    @Test func twoNamesAreRefused() {
        #expect(message("book fork mutex") == "book: unexpected 'mutex' (usage: book [NAME])")
        #expect(message("book fork 3") == "book: unexpected '3' (usage: book [NAME])")
    }

    @Test func bookIsNotItselfAnExperiment() throws {
        #expect(try !command("book").isExperiment)
        #expect(try !command("book fork").isExperiment)
    }
}
