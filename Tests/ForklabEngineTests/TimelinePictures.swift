// The timeline of fixed, hand-made records: exact pictures at 80 and 120
// columns, in Unicode and in ASCII, and the limits every picture keeps.
// The records are here; the suites nested in TimelinePictures name them
// without a prefix (TimelineProcessPictureTests, TimelineThreadPictureTests,
// TimelineLimitTests, TimelineLabelTests).
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Testing
@testable import ForklabEngine

@Suite struct TimelinePictures {
    /// Microseconds, in the record's nanoseconds.
    static func µs(_ value: UInt64) -> UInt64 { value * 1000 }

    /// An event at `time` µs written by process `pid`, thread `tid` (its main thread by default).
    static func at(_ time: UInt64, _ pid: Int32, tid: Int32? = nil, _ what: Happening) -> Occurrence {
        Occurrence(time: µs(time), pid: pid, tid: tid ?? pid, what: what)
    }

    static func record(_ experiment: Experiment, parent: Int32, duration: UInt64, _ events: [Occurrence],
                       dropped: Int = 0) -> ExperimentRecord {
        let sorted = events.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)
        let marks = sorted.count { event in
            switch event.what {
            case .threadPrinted, .put, .got, .slept: true
            default: false
            }
        }
        return ExperimentRecord(experiment: experiment, parent: parent, duration: µs(duration), events: sorted,
                                keptMarks: marks, droppedMarks: dropped)
    }

    /// `fork 3`: each child prints and exits at once; the third writes its
    /// line before the parent records the fork. `fork` reaps without an event.
    static let fork3 = record(.fork(count: 3), parent: 4242, duration: 520, [
        at(40, 4242, .trace(.forked(parent: 4242, child: 4243))),
        at(95, 4243, .childPrinted(exitStat: nil)),
        at(110, 4243, .exit(code: 0)),
        at(180, 4242, .trace(.forked(parent: 4242, child: 4244))),
        at(230, 4244, .childPrinted(exitStat: nil)),
        at(245, 4244, .exit(code: 0)),
        at(318, 4245, .childPrinted(exitStat: nil)),
        at(320, 4242, .trace(.forked(parent: 4242, child: 4245))),
        at(372, 4245, .exit(code: 0)),
        at(520, 4242, .trace(.summary(.fork(children: 3, reaped: 3, elapsed: µs(520))))),
    ])

    /// `forkexit 2`: the parent waits for each child before forking the next.
    static let forkExit2 = record(.forkExit(count: 2), parent: 5000, duration: 400, [
        at(30, 5000, .trace(.forked(parent: 5000, child: 5001))),
        at(90, 5001, .childPrinted(exitStat: 1)),
        at(100, 5001, .exit(code: 1)),
        at(180, 5000, .trace(.reaped(child: 5001, status: .exited(1)))),
        at(220, 5000, .trace(.forked(parent: 5000, child: 5002))),
        at(270, 5002, .childPrinted(exitStat: 1)),
        at(280, 5002, .exit(code: 1)),
        at(350, 5000, .trace(.reaped(child: 5002, status: .exited(1)))),
        at(400, 5000, .trace(.summary(.forkExit(children: 2, reaped: 2, exitCodes: [1: 2], parentExitStat: 0,
                                                elapsed: µs(400))))),
    ])

    /// `spawn child.sh 3`: three children run child.sh at once; the second is killed.
    static let spawn3: ExperimentRecord = {
        var outcomes = SpawnOutcomes()
        outcomes.exitedZero = 2
        outcomes.killed = 1
        return record(.spawn(SpawnPlan(program: "child.sh", count: 3, numbered: true, arguments: [])),
                      parent: 6000, duration: 2650, [
            at(50, 6000, .trace(.spawned(child: 6001))),
            at(120, 6001, .exec),
            at(150, 6000, .trace(.spawned(child: 6002))),
            at(210, 6002, .exec),
            at(250, 6000, .trace(.spawned(child: 6003))),
            at(300, 6003, .exec),
            at(1400, 6000, .trace(.reaped(child: 6002, status: .killed(SIGKILL)))),
            at(2300, 6000, .trace(.reaped(child: 6001, status: .exited(0)))),
            at(2600, 6000, .trace(.reaped(child: 6003, status: .exited(0)))),
            at(2650, 6000, .trace(.summary(.spawn(children: 3, reaped: 3, outcomes: outcomes, elapsed: µs(2650))))),
        ])
    }()

    /// `threads 3 count 4`: the locked console lets one thread print at a time.
    static let threads3: ExperimentRecord = {
        let main: Int32 = 7000
        func thread(_ number: Int32) -> Int32 { main + 1 + number }
        var events = [
            at(20, main, tid: thread(0), .threadStarted(.counting, number: 0)),
            at(30, main, tid: thread(1), .threadStarted(.counting, number: 1)),
            at(45, main, tid: thread(2), .threadStarted(.counting, number: 2)),
            at(135, main, tid: thread(0), .threadEnded(.counting, number: 0)),
            at(155, main, tid: thread(1), .threadEnded(.counting, number: 1)),
            at(165, main, tid: thread(2), .threadEnded(.counting, number: 2)),
            at(180, main, .mainPrinted),
            at(200, main, .trace(.summary(.threads(started: 3, wanted: 3, lines: 12, expectedLines: 12, elapsed: µs(200))))),
        ]
        let lines: [(UInt64, Int32, Int32)] = [
            (25, 0, 0), (40, 1, 0), (50, 2, 0), (60, 0, 1), (65, 0, 2), (80, 1, 1),
            (90, 2, 1), (100, 1, 2), (110, 2, 2), (130, 0, 3), (150, 1, 3), (160, 2, 3),
        ]
        for (time, number, index) in lines {
            events.append(at(time, main, tid: thread(number), .threadPrinted(thread: number, index: index)))
        }
        return record(.threads(ThreadsPlan(threads: 3, count: 4, locked: true, joined: true)),
                      parent: main, duration: 200, events)
    }()

    /// `produce 2 consume 2`: consumer 0 takes five messages, consumer 1 three.
    static let produce2: ExperimentRecord = {
        let main: Int32 = 8000
        let producer: [Int32] = [8001, 8002], consumer: [Int32] = [8003, 8004]
        var events = [
            at(10, main, tid: producer[0], .threadStarted(.producer, number: 0)),
            at(15, main, tid: producer[1], .threadStarted(.producer, number: 1)),
            at(20, main, tid: consumer[0], .threadStarted(.consumer, number: 0)),
            at(25, main, tid: consumer[1], .threadStarted(.consumer, number: 1)),
            at(61, main, tid: producer[0], .threadEnded(.producer, number: 0)),
            at(66, main, tid: producer[1], .threadEnded(.producer, number: 1)),
            at(70, main, tid: consumer[1], .threadEnded(.consumer, number: 1)),
            at(72, main, tid: consumer[0], .threadEnded(.consumer, number: 0)),
            at(80, main, .mainPrinted),
        ]
        for count in Int32(0)..<4 {
            events.append(at(30 + 10 * UInt64(count), main, tid: producer[0], .put(producer: 0, count: count)))
            events.append(at(35 + 10 * UInt64(count), main, tid: producer[1], .put(producer: 1, count: count)))
        }
        let gets: [(UInt64, Int, Int32, Int32)] = [
            (32, 0, 0, 0), (38, 1, 1, 0), (44, 0, 0, 1), (48, 1, 1, 1),
            (52, 0, 0, 2), (58, 0, 1, 2), (62, 1, 0, 3), (68, 0, 1, 3),
        ]
        for (time, taker, from, count) in gets {
            events.append(at(time, main, tid: consumer[taker], .got(consumer: Int32(taker), producer: from, count: count)))
        }
        let outcome = ProduceOutcome(producers: 2, consumers: 2, produced: 8, consumed: 8, unprinted: 0,
                                     queue: QueueStatistics(left: 0, producerWaits: 0, consumerWaits: 3, peak: 2), capacity: nil, elapsed: µs(90))
        events.append(at(90, main, .trace(.summary(.produce(outcome)))))
        return record(.produce(ProducePlan(producers: 2, consumers: 2, messages: 4, capacity: nil)),
                      parent: main, duration: 90, events)
    }()

    /// `race 2 count 100000`: two racers without the mutex, then two with it.
    static let race2: ExperimentRecord = {
        let main: Int32 = 9000
        return record(.race(threads: 2, count: 100_000), parent: main, duration: 4100, [
            at(50, main, tid: 9001, .threadStarted(.racer, number: 0)),
            at(60, main, tid: 9002, .threadStarted(.racer, number: 1)),
            at(900, main, tid: 9001, .threadEnded(.racer, number: 0)),
            at(950, main, tid: 9002, .threadEnded(.racer, number: 1)),
            at(1000, main, .trace(.raced(locked: false, expected: 200_000, got: 131_072))),
            at(1100, main, tid: 9003, .threadStarted(.lockedRacer, number: 0)),
            at(1110, main, tid: 9001, .threadStarted(.lockedRacer, number: 1)),
            at(3900, main, tid: 9003, .threadEnded(.lockedRacer, number: 0)),
            at(4000, main, tid: 9001, .threadEnded(.lockedRacer, number: 1)),
            at(4050, main, .trace(.raced(locked: true, expected: 200_000, got: 200_000))),
            at(4100, main, .trace(.summary(.race(threads: 2, count: 100_000, runs: [])))),
        ])
    }()

    /// `threads 2 count 5000000`: only the first lines fit in the record.
    static let droppedLines: ExperimentRecord = {
        let main: Int32 = 7100
        var events = [
            at(10, main, tid: 7101, .threadStarted(.counting, number: 0)),
            at(12, main, tid: 7102, .threadStarted(.counting, number: 1)),
            at(900_000, main, tid: 7101, .threadEnded(.counting, number: 0)),
            at(910_000, main, tid: 7102, .threadEnded(.counting, number: 1)),
            at(910_100, main, .mainPrinted),
            at(910_200, main, .trace(.summary(.threads(started: 2, wanted: 2, lines: 10_000_000,
                                                       expectedLines: 10_000_000, elapsed: µs(910_200))))),
        ]
        for index in Int32(0)..<3 {
            events.append(at(20 + UInt64(index) * 30_000, main, tid: 7101, .threadPrinted(thread: 0, index: index)))
            events.append(at(25 + UInt64(index) * 30_000, main, tid: 7102, .threadPrinted(thread: 1, index: index)))
        }
        return record(.threads(ThreadsPlan(threads: 2, count: 5_000_000, locked: true, joined: true)),
                      parent: main, duration: 910_200, events, dropped: 9_999_994)
    }()

    /// `threads 40 count 1`: more threads than lanes.
    static let threads40: ExperimentRecord = {
        let main: Int32 = 7200
        var events: [Occurrence] = []
        for number in Int32(0)..<40 {
            let tid = main + 1 + number, start = 10 + 20 * UInt64(number)
            events.append(at(start, main, tid: tid, .threadStarted(.counting, number: number)))
            events.append(at(start + 5, main, tid: tid, .threadPrinted(thread: number, index: 0)))
            events.append(at(start + 8, main, tid: tid, .threadEnded(.counting, number: number)))
        }
        events.append(at(830, main, .mainPrinted))
        events.append(at(840, main, .trace(.summary(.threads(started: 40, wanted: 40, lines: 40, expectedLines: 40,
                                                             elapsed: µs(840))))))
        return record(.threads(ThreadsPlan(threads: 40, count: 1, locked: true, joined: true)),
                      parent: main, duration: 840, events)
    }()

    static let empty = ExperimentRecord(experiment: .fork(count: 1), parent: 1, duration: 0, events: [],
                                        keptMarks: 0, droppedMarks: 0)

    static let allRecords = [fork3, forkExit2, spawn3, threads3, produce2, race2, droppedLines, threads40, empty]
}
