import Testing
@testable import ForklabCommands

@Suite("Parser: spawn")
struct ParserSpawnTests {
    static let usage = "spawn PROGRAM [N] [noreap] [-- ARG…]"

    @Test func programAloneRunsOnceWithNoArgument() throws {
        #expect(try command("spawn ls") == .spawn(program: "ls", count: nil, arguments: nil))
    }

    @Test func programAndCountRunsNChildren() throws {
        #expect(try command("spawn child.sh 3") == .spawn(program: "child.sh", count: 3, arguments: nil))
    }

    @Test func argumentsFollowDoubleDash() throws {
        #expect(try command("spawn ls -- -l /tmp") == .spawn(program: "ls", count: nil, arguments: ["-l", "/tmp"]))
    }

    @Test func countAndArgumentsTogether() throws {
        #expect(try command("spawn child.sh 3 -- a b") == .spawn(program: "child.sh", count: 3, arguments: ["a", "b"]))
    }

    @Test func doubleDashWithNothingAfterItGivesZeroArguments() throws {
        #expect(try command("spawn ls --") == .spawn(program: "ls", count: nil, arguments: []))
    }

    @Test func wordsAfterDoubleDashAreTakenVerbatimEvenDoubleDashAndNumbers() throws {
        #expect(try command("spawn ls -- -- 3 0 abc") == .spawn(program: "ls", count: nil, arguments: ["--", "3", "0", "abc"]))
    }

    @Test func quotedProgramAndArgumentsKeepTheirBlanks() throws {
        #expect(try command("spawn './my prog' -- 'a b' \"c;d\" ''")
            == .spawn(program: "./my prog", count: nil, arguments: ["a b", "c;d", ""]))
    }

    @Test func theFirstWordAfterSpawnIsTheProgramEvenWhenNumeric() throws {
        #expect(try command("spawn 3") == .spawn(program: "3", count: nil, arguments: nil))
    }

    @Test func theCountAcceptsUnderscores() throws {
        #expect(try command("spawn ls 1_000") == .spawn(program: "ls", count: 1000, arguments: nil))
    }

    @Test func withoutProgramItIsRefused() {
        #expect(message("spawn") == "spawn: missing PROGRAM (usage: \(Self.usage))")
    }

    @Test func anEmptyProgramIsRefusedAsMissing() {
        #expect(message("spawn ''") == "spawn: missing PROGRAM (usage: \(Self.usage))")
        #expect(message("spawn \"\" -- a") == "spawn: missing PROGRAM (usage: \(Self.usage))")
    }

    @Test func anOptionWithoutDoubleDashGetsAHint() {
        #expect(message("spawn ls -l")
            == "spawn: unexpected '-l' after the program; arguments go after '--': spawn ls -- -l")
    }

    @Test func aPathWithoutDoubleDashGetsAHint() {
        #expect(message("spawn ls /tmp")
            == "spawn: unexpected '/tmp' after the program; arguments go after '--': spawn ls -- /tmp")
    }

    @Test func theHintShowsWordsEscapedAndShortened() {
        let long = String(repeating: "p", count: 50)
        let shown = String(repeating: "p", count: 40) + "…"
        #expect(message("spawn \(long) 'a\tb'")
            == "spawn: unexpected 'a\\x09b' after the program; arguments go after '--': spawn \(shown) -- a\\x09b")
    }

    @Test func aZeroCountIsRefused() {
        #expect(message("spawn ls 0") == "spawn: N must be 1…10000, got 0")
    }

    @Test func aNegativeCountIsRefused() {
        #expect(message("spawn ls -3") == "spawn: N must be 1…10000, got -3")
    }

    @Test func aCountAboveTheCeilingIsRefused() {
        #expect(message("spawn ls 10001") == "spawn: N must be 1…10000, got 10001")
        #expect(message("spawn ls 99999999999999999999") == "spawn: N must be 1…10000, got 99999999999999999999")
    }

    @Test func aMalformedCountIsRefused() {
        #expect(message("spawn ls 1__0") == "spawn: N must be 1…10000, got 1__0")
        #expect(message("spawn ls 1_") == "spawn: N must be 1…10000, got 1_")
    }

    @Test func aSecondCountIsRefused() {
        #expect(message("spawn ls 3 4") == "spawn: unexpected '4' (usage: \(Self.usage))")
    }

    @Test func aWordAfterTheCountThatIsNotDoubleDashIsRefused() {
        #expect(message("spawn ls 3 -l") == "spawn: unexpected '-l' (usage: \(Self.usage))")
    }

    @Test func aNulByteInTheProgramIsRefused() {
        #expect(message("spawn a\u{0}b") == "spawn: a word holds a NUL byte, which no program argument can carry")
    }

    @Test func aNulByteInAnArgumentIsRefused() {
        #expect(message("spawn ls -- ok 'x\u{0}'") == "spawn: a word holds a NUL byte, which no program argument can carry")
        #expect(errorKind("spawn ls 2 -- \u{0}") == .nulByte(command: "spawn"))
    }

    @Test func aShellCommandIsPassedAsOneArgument() throws {
        #expect(try command("spawn sh -- -c 'echo $$; exit 3'")
            == .spawn(program: "sh", count: nil, arguments: ["-c", "echo $$; exit 3"]))
    }

    @Test func theChildNumberPlaceholderIsKeptVerbatimForTheEngine() throws {
        #expect(try command("spawn python3 3 -- child.py {}")
            == .spawn(program: "python3", count: 3, arguments: ["child.py", "{}"]))
    }

    @Test func theChildNumberPlaceholderAsProgramIsRefusedWithWhereItGoes() {
        let expected = "spawn: '{}' cannot be PROGRAM; it stands for the child's number in an argument after '--': "
            + "spawn python3 3 -- child.py {}"
        #expect(message("spawn {}") == expected)
        #expect(message("spawn {} 3") == expected)
        #expect(message("spawn '{}' 3 -- child.py {}") == expected)
        #expect(errorKind("spawn {} ls") == .numberAsProgram)
    }

    @Test func spawnIsAnExperiment() throws {
        #expect(try command("spawn ls").isExperiment)
    }

    @Test func bufferedIsRefusedOnSpawnNamingWhereItBelongs() throws {
        let expected = "spawn: 'buffered' is for fork and forkexit; a spawned program buffers its output its own way"
            + " (to pass the word to it: spawn child.sh -- buffered)"
        #expect(message("spawn child.sh buffered") == expected)
        #expect(message("spawn child.sh 3 buffered") == expected)
        #expect(try command("spawn child.sh -- buffered") == .spawn(program: "child.sh", count: nil, arguments: ["buffered"]))
    }
}
