// Exact timelines of paced threads (`sleep S`): a sleeping thread's lane is
// drawn with its own fill, in Unicode and in ASCII, and the legend says so.
import Testing
@testable import ForklabEngine

extension TimelinePictures {
    /// `threads 2 count 3 sleep 0.05`: each thread sleeps 50 ms before
    /// each line, the sleeps keeping time from the gate.
    static let pacedThreads2: ExperimentRecord = {
        let main: Int32 = 9100
        let tids: [Int32] = [9101, 9102]
        var events = [
            at(100, main, tid: tids[0], .threadStarted(.counting, number: 0)),
            at(150, main, tid: tids[1], .threadStarted(.counting, number: 1)),
            at(150_020, main, tid: tids[0], .threadEnded(.counting, number: 0)),
            at(150_050, main, tid: tids[1], .threadEnded(.counting, number: 1)),
            at(150_200, main, .mainPrinted),
            at(150_300, main, .trace(.summary(.threads(started: 2, wanted: 2, lines: 6, expectedLines: 6,
                                                       elapsed: µs(150_300))))),
        ]
        // (thread, sleep's start, its end, the line's time), in µs.
        let rounds: [(Int32, UInt64, UInt64, UInt64)] = [
            (0, 300, 50_000, 50_020), (0, 50_040, 100_000, 100_030), (0, 100_050, 150_000, 150_010),
            (1, 320, 50_020, 50_060), (1, 50_080, 100_020, 100_070), (1, 100_090, 150_020, 150_040),
        ]
        for (index, (number, start, end, line)) in rounds.enumerated() {
            let tid = tids[Int(number)]
            events.append(at(start, main, tid: tid, .slept(duration: µs(end - start), number: number, role: .counting)))
            events.append(at(line, main, tid: tid, .threadPrinted(thread: number, index: Int32(index % 3))))
        }
        return record(.threads(ThreadsPlan(threads: 2, count: 3, locked: true, joined: true, sleep: 50_000_000)),
                      parent: main, duration: 150_300, events)
    }()

    /// `produce 2 consume 1 messages 2 sleep 0.05`: producer 1 sleeps 50 ms
    /// before each put, producer 0 never; the consumer sleeps 5 ms before
    /// each get, then waits on the empty queue, awake.
    static let pacedProduce: ExperimentRecord = {
        let main: Int32 = 9200, consumer: Int32 = 9201, producer: [Int32] = [9202, 9203]
        var events = [
            at(100, main, tid: consumer, .threadStarted(.consumer, number: 0)),
            at(150, main, tid: producer[0], .threadStarted(.producer, number: 0)),
            at(200, main, tid: producer[1], .threadStarted(.producer, number: 1)),
            at(320, main, tid: producer[0], .put(producer: 0, count: 0)),
            at(340, main, tid: producer[0], .put(producer: 0, count: 1)),
            at(360, main, tid: producer[0], .threadEnded(.producer, number: 0)),
            at(50_310, main, tid: producer[1], .put(producer: 1, count: 0)),
            at(100_310, main, tid: producer[1], .put(producer: 1, count: 1)),
            at(100_330, main, tid: producer[1], .threadEnded(.producer, number: 1)),
            at(105_340, main, tid: consumer, .threadEnded(.consumer, number: 0)),
            at(105_500, main, .mainPrinted),
        ]
        for (start, end) in [(UInt64(310), UInt64(50_300)), (50_320, 100_300)] {
            events.append(at(start, main, tid: producer[1], .slept(duration: µs(end - start), number: 1, role: .producer)))
        }
        for start: UInt64 in [250, 5_270, 10_290, 50_340, 100_330] {
            events.append(at(start, main, tid: consumer, .slept(duration: µs(5_000), number: 0, role: .consumer)))
        }
        for (time, from, count) in [(UInt64(5_260), Int32(0), Int32(0)), (10_280, 0, 1), (50_330, 1, 0), (100_320, 1, 1)] {
            events.append(at(time, main, tid: consumer, .got(consumer: 0, producer: from, count: count)))
        }
        let outcome = ProduceOutcome(producers: 2, consumers: 1, produced: 4, consumed: 4, unprinted: 0,
                                     queue: QueueStatistics(left: 0, producerWaits: 0, consumerWaits: 2, peak: 2),
                                     capacity: nil, elapsed: µs(105_600))
        events.append(at(105_600, main, .trace(.summary(.produce(outcome)))))
        return record(.produce(ProducePlan(producers: 2, consumers: 1, messages: 2, capacity: nil, sleep: 50_000_000)),
                      parent: main, duration: 105_600, events)
    }()

    @Suite struct Sleeps {
        @Test("a sleeping thread's lane is drawn ┄ from each sleep's start to its line, and the legend says asleep, at 80 columns in Unicode") func pacedThreadsAt80Unicode() {
            #expect(Timeline(record: pacedThreads2, width: 80, unicode: true).render() == """
            timeline of threads 2 count 3 sleep 0.05 (150 ms)

            main thread ──────────────────────────────────────────────────────────*#
            thread 0    ├┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄*┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄*┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄* 3 lines
            thread 1    ├┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄*┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄*┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄* 3 lines
                        └──────────────────┴───────────────────┴───────────────────┴
                        0                  50 ms               100 ms              150 ms

            ─── alive   ┄┄┄ asleep (sleep S)   ├ a thread starts   * printed a line
            # the summary line

            """)
        }

        @Test("a sleeping thread's lane is drawn ~ from each sleep's start to its line, and the legend says asleep, at 80 columns in ASCII") func pacedThreadsAt80ASCII() {
            #expect(Timeline(record: pacedThreads2, width: 80, unicode: false).render() == """
            timeline of threads 2 count 3 sleep 0.05 (150 ms)

            main thread ----------------------------------------------------------*#
            thread 0    [~~~~~~~~~~~~~~~~~~*~~~~~~~~~~~~~~~~~~~*~~~~~~~~~~~~~~~~~~~* 3 lines
            thread 1    [~~~~~~~~~~~~~~~~~~*~~~~~~~~~~~~~~~~~~~*~~~~~~~~~~~~~~~~~~~* 3 lines
                        +------------------+-------------------+-------------------+
                        0                  50 ms               100 ms              150 ms

            --- alive   ~~~ asleep (sleep S)   [ a thread starts   * printed a line
            # the summary line

            """)
        }

        @Test("a consumer's short sleeps are ┄ and its waits on the empty queue ─; producer 0 never sleeps, at 80 columns in Unicode") func pacedProduceAt80Unicode() {
            #expect(Timeline(record: pacedProduce, width: 80, unicode: true).render() == """
            timeline of produce 2 consume 1 messages 2 sleep 0.05 (106 ms)

            main thread ────────────────────────────────────────────────────────────*#
            consumer 0  ├┄┄0┄┄0┄─────────────────────1┄┄──────────────────────────1┄┄┤ got 4
            producer 0  0┤                                                             put 2
            producer 1  ├┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄1┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄1┤   put 2
                        └──────────┴───────────┴───────────┴──────────┴───────────┴───
                        0          20 ms       40 ms       60 ms      80 ms       100 ms

            ─── alive   ┄┄┄ asleep (sleep S)   ├ a thread starts   ┤ the thread returns
            * printed a line
            0-9 put (producer) or got (consumer) a message of producer 0-9
            # the summary line

            """)
        }

        @Test("a consumer's short sleeps are ~ and its waits on the empty queue -; producer 0 never sleeps, at 80 columns in ASCII") func pacedProduceAt80ASCII() {
            #expect(Timeline(record: pacedProduce, width: 80, unicode: false).render() == """
            timeline of produce 2 consume 1 messages 2 sleep 0.05 (106 ms)

            main thread ------------------------------------------------------------*#
            consumer 0  [~~0~~0~---------------------1~~--------------------------1~~] got 4
            producer 0  0]                                                             put 2
            producer 1  [~~~~~~~~~~~~~~~~~~~~~~~~~~~~1~~~~~~~~~~~~~~~~~~~~~~~~~~~~1]   put 2
                        +----------+-----------+-----------+----------+-----------+---
                        0          20 ms       40 ms       60 ms      80 ms       100 ms

            --- alive   ~~~ asleep (sleep S)   [ a thread starts   ] the thread returns
            * printed a line
            0-9 put (producer) or got (consumer) a message of producer 0-9
            # the summary line

            """)
        }

        @Test("when a paced run's marks were dropped, the note counts sleeps among them")
        func droppedMarksOfAPacedRunIncludeSleeps() {
            var record = pacedThreads2
            record.droppedMarks = 5
            let lines = Timeline(record: record, width: 120, unicode: true).render().split(separator: "\n")
            #expect(lines[1] == "Only the first 12 of 17 lines, puts, gets and sleeps were recorded: the rest are not drawn.")
        }
    }
}
