import Testing
@testable import ForklabCommands

/// `threads N [count C] [sleep S] [nolock] [nojoin]`: N required, the rest in any order.
@Suite("Parser: threads")
struct ParserThreadsTests {
    static let usage = "threads N [count C] [sleep S] [nolock] [nojoin | exit after T]"

    @Test func countDefaultsToFiveLockedAndJoined() throws {
        #expect(try command("threads 3") == .threads(count: 3, lines: 5, locked: true, joined: true))
    }

    @Test func nolockAndNojoinTurnOffTheMutexAndTheWait() throws {
        #expect(try command("threads 3 nolock") == .threads(count: 3, lines: 5, locked: false, joined: true))
        #expect(try command("threads 3 nojoin") == .threads(count: 3, lines: 5, locked: true, joined: false))
    }

    @Test func theBooksThreeProgramsParse() throws {
        #expect(try command("threads 5 count 5 nolock nojoin") == .threads(count: 5, lines: 5, locked: false, joined: false))
        #expect(try command("threads 5 count 5 nojoin") == .threads(count: 5, lines: 5, locked: true, joined: false))
        #expect(try command("threads 10 count 100") == .threads(count: 10, lines: 100, locked: true, joined: true))
    }

    @Test func wordsComeInAnyOrder() throws {
        let expected = Command.threads(count: 2, lines: 7, locked: false, joined: false)
        #expect(try command("threads 2 count 7 nolock nojoin") == expected)
        #expect(try command("threads nojoin count 7 nolock 2") == expected)
        #expect(try command("threads count 7 2 nojoin nolock") == expected)
    }

    @Test func nIsAcceptedAtItsEdgesAndRefusedPastThem() throws {
        #expect(try command("threads 1") == .threads(count: 1, lines: 5, locked: true, joined: true))
        #expect(try command("threads 10000") == .threads(count: 10000, lines: 5, locked: true, joined: true))
        #expect(message("threads 0") == "threads: N must be 1…10000, got 0")
        #expect(message("threads 10001") == "threads: N must be 1…10000, got 10001")
    }

    @Test func countIsAcceptedAtItsEdgesAndRefusedPastThem() throws {
        #expect(try command("threads 2 count 1") == .threads(count: 2, lines: 1, locked: true, joined: true))
        #expect(try command("threads 2 count 1000000") == .threads(count: 2, lines: 1_000_000, locked: true, joined: true))
        #expect(message("threads 2 count 0") == "threads: C must be 1…1000000, got 0")
        #expect(message("threads 2 count 1000001") == "threads: C must be 1…1000000, got 1000001")
    }

    @Test func numbersAcceptUnderscores() throws {
        #expect(try command("threads 1_000 count 1_000_000") == .threads(count: 1000, lines: 1_000_000, locked: true, joined: true))
    }

    @Test func aWordWhereNIsExpectedIsRefusedAsN() {
        #expect(message("threads abc") == "threads: N must be 1…10000, got 'abc'")
        #expect(message("threads -2") == "threads: N must be 1…10000, got -2")
    }

    @Test func withoutNItIsRefused() {
        #expect(message("threads") == "threads: missing N (usage: \(Self.usage))")
        #expect(message("threads count 3 nolock") == "threads: missing N (usage: \(Self.usage))")
    }

    @Test func countWithoutANumberIsRefused() {
        #expect(message("threads 2 count") == "threads: missing C after 'count' (usage: \(Self.usage))")
        #expect(message("threads 2 count nolock") == "threads: missing C after 'count' (usage: \(Self.usage))")
    }

    @Test func countFollowedByAWordIsRefusedAsC() {
        #expect(message("threads 2 count many") == "threads: C must be 1…1000000, got 'many'")
    }

    @Test(arguments: ["nolock", "nojoin"])
    func aFlagGivenTwiceIsRefused(flag: String) {
        #expect(message("threads 2 \(flag) \(flag)") == "threads: '\(flag)' given twice")
        #expect(errorKind("threads 2 \(flag) \(flag)") == .givenTwice(command: "threads", word: flag))
    }

    @Test func countGivenTwiceIsRefused() {
        #expect(message("threads 2 count 3 count 4") == "threads: 'count' given twice")
        #expect(message("threads 2 count 3 count") == "threads: 'count' given twice")
    }

    @Test func aSecondNIsRefused() {
        #expect(message("threads 2 3") == "threads: unexpected '3' (usage: \(Self.usage))")
    }

    @Test func anUnknownWordIsRefused() {
        #expect(message("threads 2 fast") == "threads: unexpected 'fast' (usage: \(Self.usage))")
        #expect(message("threads 2 NOLOCK") == "threads: unexpected 'NOLOCK' (usage: \(Self.usage))")
    }

    @Test func theFirstMistakeIsTheOneReported() {
        #expect(message("threads 0 count 0") == "threads: N must be 1…10000, got 0")
        #expect(message("threads count 0 0") == "threads: C must be 1…1000000, got 0")
    }

    @Test func sleepTakesDecimalSecondsAsNanoseconds() throws {
        #expect(try command("threads 3 sleep 1") == .threads(count: 3, lines: 5, locked: true, joined: true, sleep: 1_000_000_000))
        #expect(try command("threads 3 sleep 0.05 count 2 nojoin")
            == .threads(count: 3, lines: 2, locked: true, joined: false, sleep: 50_000_000))
        #expect(try command("threads sleep 2.5 3") == .threads(count: 3, lines: 5, locked: true, joined: true, sleep: 2_500_000_000))
        #expect(try command("threads 3 sleep 0.000000001") == .threads(count: 3, lines: 5, locked: true, joined: true, sleep: 1))
        #expect(try command("threads 3 sleep 60") == .threads(count: 3, lines: 5, locked: true, joined: true, sleep: 60_000_000_000))
        #expect(try command("threads 3 sleep 60.000") == .threads(count: 3, lines: 5, locked: true, joined: true, sleep: 60_000_000_000))
    }

    @Test func sleepOutOfRangeOrNotSecondsIsRefusedNamingTheRange() {
        let range = "more than 0 and at most 60 (sleep 1, sleep 0.05)"
        #expect(message("threads 3 sleep 0") == "threads: S must be seconds, \(range), got 0")
        #expect(message("threads 3 sleep 0.0") == "threads: S must be seconds, \(range), got 0.0")
        #expect(message("threads 3 sleep 61") == "threads: S must be seconds, \(range), got 61")
        #expect(message("threads 3 sleep 60.000000001") == "threads: S must be seconds, \(range), got 60.000000001")
        #expect(message("threads 3 sleep -1") == "threads: S must be seconds, \(range), got -1")
        #expect(message("threads 3 sleep x") == "threads: S must be seconds, \(range), got 'x'")
        #expect(message("threads 3 sleep 1.5.2") == "threads: S must be seconds, \(range), got '1.5.2'")
        #expect(message("threads 3 sleep .5") == "threads: S must be seconds, \(range), got '.5'")
        #expect(message("threads 3 sleep 1e3") == "threads: S must be seconds, \(range), got '1e3'")
        #expect(message("threads 3 sleep 0.0000000001") == "threads: S must be seconds, \(range), got '0.0000000001'")
        #expect(errorKind("threads 3 sleep 0") == .badSeconds(command: "threads", name: "S", range: .sleep, got: "0"))
    }

    @Test func sleepWithoutSecondsOrTwiceIsRefused() {
        #expect(message("threads 3 sleep") == "threads: missing S after 'sleep' (usage: \(Self.usage))")
        #expect(message("threads 3 sleep nolock") == "threads: missing S after 'sleep' (usage: \(Self.usage))")
        #expect(message("threads 3 sleep 1 sleep 2") == "threads: 'sleep' given twice")
    }

    @Test func exitAfterTakesZeroToSixHundredDecimalSeconds() throws {
        #expect(try command("threads 5 count 5 sleep 1 nolock exit after 6")
            == .threads(count: 5, lines: 5, locked: false, joined: true, sleep: 1_000_000_000, exitAfter: 6_000_000_000))
        #expect(try command("threads 2 exit after 0") == .threads(count: 2, lines: 5, locked: true, joined: true, exitAfter: 0))
        #expect(try command("threads exit after 0.25 2")
            == .threads(count: 2, lines: 5, locked: true, joined: true, exitAfter: 250_000_000))
        #expect(try command("threads 2 exit after 600") == .threads(count: 2, lines: 5, locked: true, joined: true, exitAfter: 600_000_000_000))
        #expect(try command("threads 2") == .threads(count: 2, lines: 5, locked: true, joined: true, exitAfter: nil))
    }

    @Test func exitAfterOutOfRangeOrMisspeltIsRefusedNamingWhatIsAllowed() {
        let range = "0 or more and at most 600 (exit after 6, exit after 0.5)"
        #expect(message("threads 2 exit after -1") == "threads: T must be seconds, \(range), got -1")
        #expect(message("threads 2 exit after 601") == "threads: T must be seconds, \(range), got 601")
        #expect(message("threads 2 exit after soon") == "threads: T must be seconds, \(range), got 'soon'")
        #expect(message("threads 2 exit 5") == "threads: missing 'after T' after 'exit' (usage: \(Self.usage))")
        #expect(message("threads 2 exit") == "threads: missing 'after T' after 'exit' (usage: \(Self.usage))")
        #expect(message("threads 2 exit after") == "threads: missing T after 'exit after' (usage: \(Self.usage))")
        #expect(message("threads 2 exit after 1 exit after 2") == "threads: 'exit' given twice")
        #expect(message("threads 2 after 1") == "threads: unexpected 'after' (usage: \(Self.usage))")
    }

    @Test func nojoinWithExitAfterSaysToChooseOne() {
        let expected = "threads: 'nojoin' and 'exit after' given together; choose one (usage: \(Self.usage))"
        #expect(message("threads 2 nojoin exit after 1") == expected)
        #expect(message("threads 2 exit after 1 nojoin") == expected)
    }

    @Test func threadsIsAnExperiment() throws {
        #expect(try command("threads 2").isExperiment)
    }

    @Test func theCountLimitIsOneToAMillion() {
        #expect(Limits.count == 1...1_000_000)
    }
}
