import Testing
@testable import ForklabCommands

/// `bench PRIMITIVE [N]`: PRIMITIVE required, N 1…1000000 or the default.
@Suite("Parser: bench")
struct ParserBenchTests {
    static let usage = "bench PRIMITIVE [N]"
    static let choices = "one of fork, spawn, vfork, posix_spawn, thread, mutex, queue, pipe, all"

    @Test(arguments: BenchTarget.allCases)
    func everyPrimitiveParsesAloneWithTheDefaultN(target: BenchTarget) throws {
        #expect(try command("bench \(target.rawValue)") == .bench(target, runs: nil))
    }

    @Test func nSetsTheRuns() throws {
        #expect(try command("bench fork 20") == .bench(.fork, runs: 20))
        #expect(try command("bench posix_spawn 1_000") == .bench(.posixSpawn, runs: 1000))
        #expect(try command("bench all 5") == .bench(.all, runs: 5))
    }

    @Test func nIsAcceptedAtItsEdgesAndRefusedPastThemLikeEveryCount() throws {
        #expect(try command("bench mutex 1") == .bench(.mutex, runs: 1))
        #expect(try command("bench mutex 1000000") == .bench(.mutex, runs: 1_000_000))
        #expect(message("bench mutex 0") == "bench: N must be 1…1000000, got 0")
        #expect(message("bench mutex 1000001") == "bench: N must be 1…1000000, got 1000001")
        #expect(message("bench fork -3") == "bench: N must be 1…1000000, got -3")
        #expect(message("bench fork lots") == "bench: N must be 1…1000000, got 'lots'")
    }

    @Test func withoutAPrimitiveItIsRefusedWithTheChoices() {
        #expect(message("bench") == "bench: missing PRIMITIVE, \(Self.choices) (usage: \(Self.usage))")
    }

    @Test func anUnknownPrimitiveIsRefusedWithTheChoicesAndTheClosestOne() {
        #expect(message("bench forks") == "bench: unknown primitive 'forks' (did you mean 'fork'? \(Self.choices))")
        #expect(message("bench posix-spawn") == "bench: unknown primitive 'posix-spawn' (did you mean 'posix_spawn'? \(Self.choices))")
        #expect(message("bench everything") == "bench: unknown primitive 'everything' (\(Self.choices))")
        // N first is not a primitive either.
        #expect(message("bench 100 fork") == "bench: unknown primitive '100' (\(Self.choices))")
    }

    @Test func aWordAfterNIsRefused() {
        #expect(message("bench fork 10 20") == "bench: unexpected '20' (usage: \(Self.usage))")
        #expect(message("bench pipe 10 fast") == "bench: unexpected 'fast' (usage: \(Self.usage))")
    }

    @Test func benchIsNotAnExperimentSoAnEmptyLineDoesNotRepeatIt() throws {
        #expect(try !command("bench fork").isExperiment)
    }
}
