import Testing
@testable import ForklabCommands

/// `race N [count C]`: N required, C 100000 by default.
@Suite("Parser: race")
struct ParserRaceTests {
    static let usage = "race N [count C]"

    @Test func countDefaultsToAHundredThousand() throws {
        #expect(try command("race 4") == .race(threads: 4, count: 100_000))
    }

    @Test func countSetsTheAdditionsPerThread() throws {
        #expect(try command("race 4 count 10") == .race(threads: 4, count: 10))
    }

    @Test func countMayComeBeforeN() throws {
        #expect(try command("race count 10 4") == .race(threads: 4, count: 10))
    }

    @Test func nIsAcceptedAtItsEdgesAndRefusedPastThem() throws {
        #expect(try command("race 1") == .race(threads: 1, count: 100_000))
        #expect(try command("race 10000") == .race(threads: 10000, count: 100_000))
        #expect(message("race 0") == "race: N must be 1…10000, got 0")
        #expect(message("race 10001") == "race: N must be 1…10000, got 10001")
    }

    @Test func countIsAcceptedAtItsEdgesAndRefusedPastThem() throws {
        #expect(try command("race 2 count 1") == .race(threads: 2, count: 1))
        #expect(try command("race 2 count 1000000") == .race(threads: 2, count: 1_000_000))
        #expect(message("race 2 count 0") == "race: C must be 1…1000000, got 0")
        #expect(message("race 2 count 1000001") == "race: C must be 1…1000000, got 1000001")
    }

    @Test func numbersAcceptUnderscores() throws {
        #expect(try command("race 1_000 count 1_000_000") == .race(threads: 1000, count: 1_000_000))
    }

    @Test func withoutNItIsRefused() {
        #expect(message("race") == "race: missing N (usage: \(Self.usage))")
        #expect(message("race count 5") == "race: missing N (usage: \(Self.usage))")
    }

    @Test func countWithoutANumberIsRefused() {
        #expect(message("race 2 count") == "race: missing C after 'count' (usage: \(Self.usage))")
    }

    @Test func aWordWhereNIsExpectedIsRefusedAsN() {
        #expect(message("race many") == "race: N must be 1…10000, got 'many'")
    }

    @Test func countGivenTwiceIsRefused() {
        #expect(message("race 2 count 1 count 2") == "race: 'count' given twice")
    }

    @Test func aSecondNIsRefused() {
        #expect(message("race 2 3") == "race: unexpected '3' (usage: \(Self.usage))")
    }

    @Test func threadsFlagsAreUnknownToRace() {
        #expect(message("race 2 nolock") == "race: unexpected 'nolock' (usage: \(Self.usage))")
    }

    @Test func raceIsAnExperiment() throws {
        #expect(try command("race 2").isExperiment)
    }
}
