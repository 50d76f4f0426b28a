import Testing
@testable import ForklabCommands

/// `produce P consume C [messages M] [capacity K] [sleep S]`: either keyword starts the
/// command, every pair is optional, the pairs come in any order.
@Suite("Parser: produce and consume")
struct ParserProduceTests {
    static let usage = "produce P consume C [messages M] [capacity K] [sleep S] [exit after T | broken if|onecv [timeout T]]"
    static let book = Command.produce(producers: 4, consumers: 2, messages: 4, capacity: nil)

    @Test func produceAloneIsTheBooksFourProducersTwoConsumersFourMessages() throws {
        #expect(try command("produce") == Self.book)
    }

    @Test func exitAfterEndsTheBooksProgram() throws {
        #expect(try command("produce 4 consume 2 sleep 1 exit after 13")
            == .produce(producers: 4, consumers: 2, messages: 4, capacity: nil, sleep: 1_000_000_000,
                        exitAfter: 13_000_000_000))
        #expect(try command("consume exit after 0") == .produce(producers: 4, consumers: 2, messages: 4, capacity: nil, exitAfter: 0))
        #expect(message("produce 4 exit after 600.5")
            == "produce: T must be seconds, 0 or more and at most 600 (exit after 6, exit after 0.5), got 600.5")
        #expect(message("produce 4 exit 5") == "produce: missing 'after T' after 'exit' (usage: \(Self.usage))")
    }

    @Test func brokenIfAndOnecvAreTheTwoWrongQueues() throws {
        #expect(try command("produce 1 consume 3 capacity 1 broken if")
            == .produce(producers: 1, consumers: 3, messages: 4, capacity: 1, broken: .ifWait))
        #expect(try command("produce 2 consume 2 capacity 1 broken onecv timeout 0.2")
            == .produce(producers: 2, consumers: 2, messages: 4, capacity: 1, broken: .oneCondition, timeout: 200_000_000))
        // broken may come anywhere, even before the first keyword's number.
        #expect(try command("consume broken onecv 3")
            == .produce(producers: 4, consumers: 3, messages: 4, capacity: nil, broken: .oneCondition))
        #expect(try command("produce timeout 60 broken if sleep 0.5")
            == .produce(producers: 4, consumers: 2, messages: 4, capacity: nil, sleep: 500_000_000, broken: .ifWait,
                        timeout: 60_000_000_000))
    }

    @Test func aBrokenQueueMisspelledOrIncompleteIsRefused() {
        #expect(message("produce 1 broken") == "produce: missing 'if' or 'onecv' after 'broken' (usage: \(Self.usage))")
        #expect(message("produce 1 broken capacity 1")
            == "produce: missing 'if' or 'onecv' after 'broken' (usage: \(Self.usage))")
        #expect(message("produce 1 broken while") == "produce: unknown broken queue 'while' (one of if, onecv)")
        #expect(message("produce 1 broken onecb")
            == "produce: unknown broken queue 'onecb' (did you mean 'onecv'? one of if, onecv)")
        #expect(message("produce 1 broken if broken onecv") == "produce: 'broken' given twice")
        #expect(message("produce 1 broken if exit after 2")
            == "produce: 'broken' and 'exit after' given together; choose one (usage: \(Self.usage))")
        #expect(message("produce 1 timeout 2")
            == "produce: 'timeout' goes with 'broken if' or 'broken onecv', the queues that can get stuck (usage: \(Self.usage))")
        #expect(message("produce 1 broken if timeout 0.05")
            == "produce: T must be seconds, at least 0.1 and at most 60 (timeout 1, timeout 0.2), got 0.05")
    }

    @Test func sleepPacesTheBooksProgram() throws {
        #expect(try command("produce 4 consume 2 sleep 1")
            == .produce(producers: 4, consumers: 2, messages: 4, capacity: nil, sleep: 1_000_000_000))
        #expect(try command("consume sleep 0.05 produce 3")
            == .produce(producers: 3, consumers: 2, messages: 4, capacity: nil, sleep: 50_000_000))
        #expect(try command("produce sleep 60") == .produce(producers: 4, consumers: 2, messages: 4, capacity: nil, sleep: 60_000_000_000))
    }

    @Test func sleepOutOfRangeOrMissingIsRefused() {
        let range = "more than 0 and at most 60 (sleep 1, sleep 0.05)"
        #expect(message("produce sleep 0") == "produce: S must be seconds, \(range), got 0")
        #expect(message("consume 2 sleep 61") == "consume: S must be seconds, \(range), got 61")
        #expect(message("produce 4 sleep x") == "produce: S must be seconds, \(range), got 'x'")
        #expect(message("produce 4 sleep") == "produce: missing S after 'sleep' (usage: \(Self.usage))")
        #expect(message("produce 4 sleep 1 sleep 1") == "produce: 'sleep' given twice")
    }

    @Test func consumeAloneIsTheBooksProgramToo() throws {
        #expect(try command("consume") == Self.book)
    }

    @Test func theBooksProgramSpelledOut() throws {
        #expect(try command("produce 4 consume 2 messages 4") == Self.book)
    }

    @Test func aNumberAfterProduceIsP() throws {
        #expect(try command("produce 8") == .produce(producers: 8, consumers: 2, messages: 4, capacity: nil))
    }

    @Test func aNumberAfterConsumeIsC() throws {
        #expect(try command("consume 3") == .produce(producers: 4, consumers: 3, messages: 4, capacity: nil))
    }

    @Test func consumeFirstIsTheSameExperiment() throws {
        #expect(try command("consume 2 produce 4") == command("produce 4 consume 2"))
        #expect(try command("consume 5 produce 3") == .produce(producers: 3, consumers: 5, messages: 4, capacity: nil))
    }

    @Test func thePairsComeInAnyOrder() throws {
        let expected = Command.produce(producers: 3, consumers: 5, messages: 7, capacity: 10)
        #expect(try command("produce 3 consume 5 messages 7 capacity 10") == expected)
        #expect(try command("produce 3 capacity 10 messages 7 consume 5") == expected)
        #expect(try command("consume 5 messages 7 produce 3 capacity 10") == expected)
    }

    @Test func theNameNeedsNoNumberBeforeAnotherPair() throws {
        #expect(try command("produce consume 3") == .produce(producers: 4, consumers: 3, messages: 4, capacity: nil))
        #expect(try command("consume messages 8") == .produce(producers: 4, consumers: 2, messages: 8, capacity: nil))
    }

    @Test func capacityBoundsTheQueue() throws {
        #expect(try command("produce capacity 1") == .produce(producers: 4, consumers: 2, messages: 4, capacity: 1))
    }

    @Test func pIsAcceptedAtItsEdgesAndRefusedPastThem() throws {
        #expect(try command("produce 1") == .produce(producers: 1, consumers: 2, messages: 4, capacity: nil))
        #expect(try command("produce 1000") == .produce(producers: 1000, consumers: 2, messages: 4, capacity: nil))
        #expect(message("produce 0") == "produce: P must be 1…1000, got 0")
        #expect(message("produce 1001") == "produce: P must be 1…1000, got 1001")
        #expect(message("consume 2 produce 1001") == "consume: P must be 1…1000, got 1001")
    }

    @Test func cIsAcceptedAtItsEdgesAndRefusedPastThem() throws {
        #expect(try command("produce consume 1") == .produce(producers: 4, consumers: 1, messages: 4, capacity: nil))
        #expect(try command("produce consume 1000") == .produce(producers: 4, consumers: 1000, messages: 4, capacity: nil))
        #expect(message("produce 4 consume 0") == "produce: C must be 1…1000, got 0")
        #expect(message("produce 4 consume 1001") == "produce: C must be 1…1000, got 1001")
    }

    @Test func mIsAcceptedAtItsEdgesAndRefusedPastThem() throws {
        #expect(try command("produce 1 messages 1") == .produce(producers: 1, consumers: 2, messages: 1, capacity: nil))
        #expect(try command("produce 1 messages 10000000")
            == .produce(producers: 1, consumers: 2, messages: 10_000_000, capacity: nil))
        #expect(message("produce messages 0") == "produce: M must be 1…10000000, got 0")
        #expect(message("produce 1 messages 10000001") == "produce: M must be 1…10000000, got 10000001")
    }

    @Test func kIsAcceptedAtItsEdgesAndRefusedPastThem() throws {
        #expect(try command("produce capacity 1000000")
            == .produce(producers: 4, consumers: 2, messages: 4, capacity: 1_000_000))
        #expect(message("produce capacity 0") == "produce: K must be 1…1000000, got 0")
        #expect(message("produce capacity 1000001") == "produce: K must be 1…1000000, got 1000001")
    }

    @Test func numbersAcceptUnderscores() throws {
        #expect(try command("produce 1_000 consume 1_000 messages 1_000 capacity 1_000_000")
            == .produce(producers: 1000, consumers: 1000, messages: 1000, capacity: 1_000_000))
    }

    @Test func exactlyAHundredMillionMessagesInAllAreAccepted() throws {
        #expect(try command("produce 10 messages 10_000_000")
            == .produce(producers: 10, consumers: 2, messages: 10_000_000, capacity: nil))
        #expect(try command("produce 1000 messages 100000")
            == .produce(producers: 1000, consumers: 2, messages: 100_000, capacity: nil))
    }

    @Test func moreThanAHundredMillionMessagesInAllAreRefused() {
        #expect(message("produce 11 messages 10000000")
            == "produce: producers × messages must be at most 100000000, got 11 × 10000000")
        #expect(message("produce 1000 messages 10000000")
            == "produce: producers × messages must be at most 100000000, got 1000 × 10000000")
        #expect(errorKind("produce 1000 messages 100001")
            == .tooManyMessages(command: "produce", producers: 1000, messages: 100_001, limit: 100_000_000))
    }

    @Test func theTotalCountsTheDefaultProducers() throws {
        // P is 4 when left out, and 4 × 10000000 is within the total.
        #expect(try command("produce messages 10000000")
            == .produce(producers: 4, consumers: 2, messages: 10_000_000, capacity: nil))
    }

    @Test func aKeywordWithoutANumberIsRefused() {
        #expect(message("produce 4 consume") == "produce: missing C after 'consume' (usage: \(Self.usage))")
        #expect(message("produce messages capacity 3") == "produce: missing M after 'messages' (usage: \(Self.usage))")
        #expect(message("consume 2 produce") == "consume: missing P after 'produce' (usage: \(Self.usage))")
        #expect(message("produce capacity") == "produce: missing K after 'capacity' (usage: \(Self.usage))")
    }

    @Test func aWordAfterAKeywordIsRefusedAsItsNumber() {
        #expect(message("produce x") == "produce: P must be 1…1000, got 'x'")
        #expect(message("consume -1") == "consume: C must be 1…1000, got -1")
        #expect(message("produce 4 messages lots") == "produce: M must be 1…10000000, got 'lots'")
    }

    @Test func aPairGivenTwiceIsRefused() {
        #expect(message("produce 4 produce 5") == "produce: 'produce' given twice")
        #expect(message("produce produce 5") == "produce: 'produce' given twice")
        #expect(message("consume 2 consume 3") == "consume: 'consume' given twice")
        #expect(message("produce messages 2 messages 3") == "produce: 'messages' given twice")
        #expect(message("produce capacity 2 capacity 3") == "produce: 'capacity' given twice")
        #expect(errorKind("produce 4 consume 1 consume 2") == .givenTwice(command: "produce", word: "consume"))
    }

    @Test func anUnknownWordIsRefused() {
        #expect(message("produce 4 consumers 2") == "produce: unexpected 'consumers' (usage: \(Self.usage))")
        #expect(message("produce 4 nolock") == "produce: unexpected 'nolock' (usage: \(Self.usage))")
    }

    @Test func aSecondNumberIsRefused() {
        #expect(message("produce 4 5") == "produce: unexpected '5' (usage: \(Self.usage))")
        #expect(message("produce consume 2 4") == "produce: unexpected '4' (usage: \(Self.usage))")
    }

    /// As `quit now` is quit's error, not q's: the message names the word typed,
    /// and the usage stays the one that shows both names.
    @Test func errorsNameTheCommandAsTyped() {
        #expect(message("consume 0") == "consume: C must be 1…1000, got 0")
        #expect(message("consume 2 extra") == "consume: unexpected 'extra' (usage: \(Self.usage))")
        #expect(message("consume 2 produce 1000 messages 10000000")
            == "consume: producers × messages must be at most 100000000, got 1000 × 10000000")
        #expect(errorKind("consume 2 2") == .unexpectedWord(command: "consume", word: "2", usage: Self.usage))
    }

    @Test(arguments: ["produce", "consume"])
    func produceIsAnExperiment(name: String) throws {
        #expect(try command(name).isExperiment)
    }

    @Test func theProduceLimits() {
        #expect(Limits.workers == 1...1_000)
        #expect(Limits.messages == 1...10_000_000)
        #expect(Limits.capacity == 1...1_000_000)
        #expect(Limits.totalMessages == 100_000_000)
    }
}
