// The queue of `produce` on its own: FIFO order, exactly-once delivery under
// many producers and consumers, blocking at capacity, close and cancel. The
// threads are real pthreads, started the way the experiments start theirs.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Testing
@testable import ForklabEngine

/// A worker thread that runs a closure (tests only).
final class ClosureThread: ThreadWorker, @unchecked Sendable {
    // @unchecked: `body` is called once, by the worker thread.
    let crew: Crew
    private let body: () -> Void

    init(crew: Crew, _ body: @escaping () -> Void) {
        self.crew = crew
        self.body = body
    }

    func run() { body() }
}

/// Waits (at most 10 s, then fails) until `condition` holds: a wait for a
/// state, never a measure of time.
func eventually(_ what: String, _ condition: () -> Bool, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
    for _ in 0..<10_000 {
        if condition() { return true }
        usleep(1_000)
    }
    Issue.record("never happened: \(what)", sourceLocation: sourceLocation)
    return false
}

/// Elements a consumer thread took, in the order it took them.
final class Taken: @unchecked Sendable {
    // @unchecked: written by one consumer thread, read after it is joined.
    var messages: [Message] = []
}

@Suite struct WorkQueueBehaviour {
    @Test("one thread gets back what it put, in order, then nil once closed")
    func fifoOrder() {
        let queue = WorkQueue<Int>()
        for value in 0..<100 { #expect(queue.put(value)) }
        queue.close()
        var out: [Int] = []
        while let value = queue.take() { out.append(value) }
        #expect(out == Array(0..<100))
        #expect(queue.take() == nil)
    }

    @Test("FIFO order holds across many 64 KiB segments, filled and emptied in turns")
    func segmentsInOrder() {
        let queue = WorkQueue<Int>()
        var next = 0
        var expected = 0
        // 8192 Ints fill a segment: these rounds cross boundaries while
        // the queue is empty, full of segments, and in between.
        for (puts, takes) in [(1000, 500), (20_000, 20_000), (8192, 100), (50_000, 30_000), (1, 1)] {
            for _ in 0..<puts { #expect(queue.put(next)); next += 1 }
            for _ in 0..<takes { #expect(queue.take() == expected); expected += 1 }
        }
        queue.close()
        while let value = queue.take() {
            #expect(value == expected)
            expected += 1
        }
        #expect(expected == next)
        #expect(queue.statistics.left == 0)
    }

    @Test("a queue that hovers at a segment's edge keeps its order")
    func hoversAtEdge() {
        let queue = WorkQueue<Int>()
        var next = 0
        var expected = 0
        for _ in 0..<8191 { _ = queue.put(next); next += 1 }
        for _ in 0..<10_000 {
            _ = queue.put(next); next += 1
            _ = queue.put(next); next += 1
            #expect(queue.take() == expected); expected += 1
            #expect(queue.take() == expected); expected += 1
        }
        #expect(queue.statistics.left == 8191)
    }

    @Test("larger elements than Int keep their order and values across segments")
    func largeElements() {
        struct Wide: BitwiseCopyable, Equatable { var a: Int; var b: Int; var c: Int }
        let queue = WorkQueue<Wide>()
        for i in 0..<10_000 { #expect(queue.put(Wide(a: i, b: -i, c: i * 3))) }
        queue.close()
        var i = 0
        while let value = queue.take() {
            #expect(value == Wide(a: i, b: -i, c: i * 3))
            i += 1
        }
        #expect(i == 10_000)
    }

    @Test("8 producers and 8 consumers: every message exactly once, each producer's in order",
          arguments: [nil, 1, 16] as [Int?])
    func exactlyOnce(capacity: Int?) throws {
        let producers = 8, consumers = 8, messages = 20_000
        let queue = WorkQueue<Message>(capacity: capacity)
        let producing = Producing(queue: queue)
        let crew = Crew()
        var group = ThreadGroup(crew: crew)
        var taken: [Taken] = []
        for _ in 0..<consumers {
            let mine = Taken()
            taken.append(mine)
            try group.start(ClosureThread(crew: crew) {
                while let message = queue.take() { mine.messages.append(message) }
            })
        }
        for producer in 0..<producers {
            producing.starting()
            try group.start(ClosureThread(crew: crew) {
                for count in 0..<messages {
                    _ = queue.put(Message(producer: Int32(producer), count: Int32(count)))
                }
                producing.done()
            })
        }
        producing.done()
        group.joinAll()

        var seen = [[Int]](repeating: [Int](repeating: 0, count: messages), count: producers)
        for consumer in taken {
            var last = [Int32](repeating: -1, count: producers)
            for message in consumer.messages {
                seen[Int(message.producer)][Int(message.count)] += 1
                #expect(message.count > last[Int(message.producer)], "out of order")
                last[Int(message.producer)] = message.count
            }
        }
        #expect(seen.allSatisfy { $0.allSatisfy { $0 == 1 } })
        #expect(taken.reduce(0) { $0 + $1.messages.count } == producers * messages)
        #expect(queue.statistics.left == 0)
        if let capacity { #expect(queue.statistics.peak <= capacity) }
    }

    @Test("a put blocks while the queue is full and goes on when a take makes room")
    func blocksAtCapacity() throws {
        let queue = WorkQueue<Int>(capacity: 2)
        let crew = Crew()
        var group = ThreadGroup(crew: crew)
        try group.start(ClosureThread(crew: crew) {
            for value in 0..<3 { _ = queue.put(value) }
        })
        guard eventually("the third put waits", { queue.statistics.producerWaits == 1 }) else {
            queue.cancel()
            group.joinAll()
            return
        }
        #expect(queue.statistics.left == 2)
        #expect(crew.runningCount == 1)
        #expect(queue.take() == 0)
        _ = eventually("the producer ends", { crew.runningCount == 0 })
        group.joinAll()
        #expect(queue.statistics.left == 2)
        #expect(queue.take() == 1)
        #expect(queue.take() == 2)
    }

    @Test("close and cancel each wake a consumer waiting on the empty queue, which then gets nil",
          arguments: ["close", "cancel"])
    func endingWakesConsumers(ending: String) throws {
        let queue = WorkQueue<Int>()
        let crew = Crew()
        var group = ThreadGroup(crew: crew)
        let got = Taken()
        try group.start(ClosureThread(crew: crew) {
            if queue.take() != nil { got.messages.append(Message(producer: 0, count: 0)) }
        })
        _ = eventually("the consumer waits", { queue.statistics.consumerWaits == 1 })
        if ending == "close" { queue.close() } else { queue.cancel() }
        group.joinAll()
        #expect(got.messages.isEmpty)
    }

    @Test("cancel ends a blocked put and any take at once, and leaves what was queued")
    func cancelStopsEverything() throws {
        let queue = WorkQueue<Int>(capacity: 3)
        for value in 0..<3 { #expect(queue.put(value)) }
        let crew = Crew()
        var group = ThreadGroup(crew: crew)
        let refused = Taken()
        try group.start(ClosureThread(crew: crew) {
            if !queue.put(3) { refused.messages.append(Message(producer: 0, count: 3)) }
        })
        _ = eventually("the fourth put waits", { queue.statistics.producerWaits == 1 })
        queue.cancel()
        group.joinAll()
        #expect(refused.messages.count == 1)
        #expect(queue.take() == nil)
        #expect(!queue.put(4))
        #expect(queue.statistics.left == 3)
    }
}
