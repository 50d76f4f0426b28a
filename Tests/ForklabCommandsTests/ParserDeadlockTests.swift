import Testing
@testable import ForklabCommands

/// `deadlock N [ordered] [timeout T]`: N required (2…100), T 1 s by default (0.1…60).
@Suite("Parser: deadlock")
struct ParserDeadlockTests {
    static let usage = "deadlock N [ordered] [timeout T]"

    @Test func timeoutDefaultsToOneSecondAndOrderedToOff() throws {
        #expect(try command("deadlock 2") == .deadlock(threads: 2, ordered: false, timeout: 1_000_000_000))
    }

    @Test func orderedAndTimeoutComeInEitherOrder() throws {
        #expect(try command("deadlock 5 ordered timeout 0.2") == .deadlock(threads: 5, ordered: true, timeout: 200_000_000))
        #expect(try command("deadlock timeout 0.2 ordered 5") == .deadlock(threads: 5, ordered: true, timeout: 200_000_000))
    }

    @Test func nIsAcceptedAtItsEdgesAndRefusedPastThem() throws {
        #expect(try command("deadlock 2") == .deadlock(threads: 2, ordered: false, timeout: 1_000_000_000))
        #expect(try command("deadlock 100") == .deadlock(threads: 100, ordered: false, timeout: 1_000_000_000))
        #expect(message("deadlock 1") == "deadlock: N must be 2…100, got 1")
        #expect(message("deadlock 101") == "deadlock: N must be 2…100, got 101")
        #expect(message("deadlock two") == "deadlock: N must be 2…100, got 'two'")
    }

    @Test func timeoutIsAcceptedAtItsEdgesAndRefusedPastThem() throws {
        #expect(try command("deadlock 2 timeout 0.1") == .deadlock(threads: 2, ordered: false, timeout: 100_000_000))
        #expect(try command("deadlock 2 timeout 60") == .deadlock(threads: 2, ordered: false, timeout: 60_000_000_000))
        let refused = "deadlock: T must be seconds, at least 0.1 and at most 60 (timeout 1, timeout 0.2), got"
        #expect(message("deadlock 2 timeout 0.05") == "\(refused) 0.05")
        #expect(message("deadlock 2 timeout 0") == "\(refused) 0")
        #expect(message("deadlock 2 timeout 60.5") == "\(refused) 60.5")
    }

    @Test func withoutNItIsRefused() {
        #expect(message("deadlock") == "deadlock: missing N (usage: \(Self.usage))")
        #expect(message("deadlock ordered") == "deadlock: missing N (usage: \(Self.usage))")
    }

    @Test func unknownAndRepeatedWordsAreRefused() {
        #expect(message("deadlock 2 fast") == "deadlock: unexpected 'fast' (usage: \(Self.usage))")
        #expect(message("deadlock 2 ordered ordered") == "deadlock: 'ordered' given twice")
        #expect(message("deadlock 2 timeout 1 timeout 2") == "deadlock: 'timeout' given twice")
    }
}
