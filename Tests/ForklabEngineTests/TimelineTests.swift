// The timeline of fixed, hand-made records: exact pictures at 80 and 120
// columns, in Unicode and in ASCII, and the limits every picture keeps.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Testing
@testable import ForklabEngine
import ForklabWords

// MARK: - Records

/// Microseconds, in the record's nanoseconds.
private func µs(_ value: UInt64) -> UInt64 { value * 1000 }

/// An event at `time` µs written by process `pid`, thread `tid` (its main thread by default).
private func at(_ time: UInt64, _ pid: Int32, tid: Int32? = nil, _ what: Happening) -> Occurrence {
    Occurrence(time: µs(time), pid: pid, tid: tid ?? pid, what: what)
}

private func record(_ experiment: Experiment, parent: Int32, duration: UInt64, _ events: [Occurrence],
                    dropped: Int = 0) -> ExperimentRecord {
    let sorted = events.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)
    let marks = sorted.count { event in
        switch event.what {
        case .threadPrinted, .put, .got: true
        default: false
        }
    }
    return ExperimentRecord(experiment: experiment, parent: parent, duration: µs(duration), events: sorted,
                            keptMarks: marks, droppedMarks: dropped)
}

/// `fork 3`: each child prints and exits at once; the third writes its
/// line before the parent records the fork. `fork` reaps without an event.
private let fork3 = record(.fork(count: 3), parent: 4242, duration: 520, [
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
private let forkExit2 = record(.forkExit(count: 2), parent: 5000, duration: 400, [
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
private let spawn3: ExperimentRecord = {
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
private let threads3: ExperimentRecord = {
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
private let produce2: ExperimentRecord = {
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
private let race2: ExperimentRecord = {
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
private let droppedLines: ExperimentRecord = {
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
private let threads40: ExperimentRecord = {
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

private let empty = ExperimentRecord(experiment: .fork(count: 1), parent: 1, duration: 0, events: [],
                                     keptMarks: 0, droppedMarks: 0)

private let allRecords = [fork3, forkExit2, spawn3, threads3, produce2, race2, droppedLines, threads40, empty]

// MARK: - Exact pictures

@Suite struct TimelinePictures {
    @Test("a forked child prints and exits right after its fork, one after another, at 80 columns in Unicode") func fork3At80Unicode() {
        #expect(Timeline(record: fork3, width: 80, unicode: true).render() == """
        timeline of fork 3 (520 µs)

        parent 4242 ────F────────────────F───────────────F──────────────────────#
        child 4243      F──────*X                                                 exit 0
        child 4244                       F────*─X                                 exit 0
        child 4245                                       F*────X                  exit 0
                    └──────────┴───────────┴───────────┴──────────┴───────────┴──
                    0          100 µs      200 µs      300 µs     400 µs      500 µs

        ─── alive   F fork: a child begins   * printed a line   X _exit: the child ends
        # the summary line

        """)
    }

    @Test("a forked child prints and exits right after its fork, one after another, at 80 columns in ASCII") func fork3At80ASCII() {
        #expect(Timeline(record: fork3, width: 80, unicode: false).render() == """
        timeline of fork 3 (520 us)

        parent 4242 ----F----------------F---------------F----------------------#
        child 4243      F------*X                                                 exit 0
        child 4244                       F----*-X                                 exit 0
        child 4245                                       F*----X                  exit 0
                    +----------+-----------+-----------+----------+-----------+--
                    0          100 us      200 us      300 us     400 us      500 us

        --- alive   F fork: a child begins   * printed a line   X _exit: the child ends
        # the summary line

        """)
    }

    @Test("a forked child prints and exits right after its fork, one after another, at 120 columns in Unicode") func fork3At120Unicode() {
        #expect(Timeline(record: fork3, width: 120, unicode: true).render() == """
        timeline of fork 3 (520 µs)

        parent 4242 ───────F──────────────────────────F───────────────────────────F─────────────────────────────────────#
        child 4243         F──────────*──X                                                                                exit 0
        child 4244                                    F─────────*──X                                                      exit 0
        child 4245                                                               F*─────────X                             exit 0
                    └──────────────────┴──────────────────┴───────────────────┴──────────────────┴───────────────────┴───
                    0                  100 µs             200 µs              300 µs             400 µs              500 µs

        ─── alive   F fork: a child begins   * printed a line   X _exit: the child ends   # the summary line

        """)
    }

    @Test("a forked child prints and exits right after its fork, one after another, at 120 columns in ASCII") func fork3At120ASCII() {
        #expect(Timeline(record: fork3, width: 120, unicode: false).render() == """
        timeline of fork 3 (520 us)

        parent 4242 -------F--------------------------F---------------------------F-------------------------------------#
        child 4243         F----------*--X                                                                                exit 0
        child 4244                                    F---------*--X                                                      exit 0
        child 4245                                                               F*---------X                             exit 0
                    +------------------+------------------+-------------------+------------------+-------------------+---
                    0                  100 us             200 us              300 us             400 us              500 us

        --- alive   F fork: a child begins   * printed a line   X _exit: the child ends   # the summary line

        """)
    }

    @Test("the three spawned children overlap on the timeline, and the killed one says so, at 80 columns in Unicode") func spawn3At80Unicode() {
        #expect(Timeline(record: spawn3, width: 80, unicode: true).render() == """
        timeline of spawn child.sh 3 (2.65 ms)

        parent 6000 ─F─F─F─────────────────────────R────────────────────R─────R#
        child 6001   FE═════════════════════════════════════════════════R        exit 0
        child 6002     FE══════════════════════════R                             SIGKILL
        child 6003       FE═══════════════════════════════════════════════════R  exit 0
                    └──────────┴──────────┴──────────┴───────────┴──────────┴───
                    0          500 µs     1 ms       1.5 ms      2 ms       2.5 ms

        ─── alive   F fork: a child begins   E execvp: the child becomes child.sh
        ═══ running child.sh   R reaped by the parent (waitpid)   # the summary line

        """)
    }

    @Test("the three spawned children overlap on the timeline, and the killed one says so, at 80 columns in ASCII") func spawn3At80ASCII() {
        #expect(Timeline(record: spawn3, width: 80, unicode: false).render() == """
        timeline of spawn child.sh 3 (2.65 ms)

        parent 6000 -F-F-F-------------------------R--------------------R-----R#
        child 6001   FE=================================================R        exit 0
        child 6002     FE==========================R                             SIGKILL
        child 6003       FE===================================================R  exit 0
                    +----------+----------+----------+-----------+----------+---
                    0          500 us     1 ms       1.5 ms      2 ms       2.5 ms

        --- alive   F fork: a child begins   E execvp: the child becomes child.sh
        === running child.sh   R reaped by the parent (waitpid)   # the summary line

        """)
    }

    @Test("the three spawned children overlap on the timeline, and the killed one says so, at 120 columns in Unicode") func spawn3At120Unicode() {
        #expect(Timeline(record: spawn3, width: 120, unicode: true).render() == """
        timeline of spawn child.sh 3 (2.65 ms)

        parent 6000 ─F───F───F──────────────────────────────────────────R─────────────────────────────────R───────────R#
        child 6001   F──E═════════════════════════════════════════════════════════════════════════════════R              exit 0
        child 6002       F─E════════════════════════════════════════════R                                                SIGKILL
        child 6003           F─E══════════════════════════════════════════════════════════════════════════════════════R  exit 0
                    └─────────────────┴──────────────────┴──────────────────┴──────────────────┴──────────────────┴─────
                    0                 500 µs             1 ms               1.5 ms             2 ms               2.5 ms

        ─── alive   F fork: a child begins   E execvp: the child becomes child.sh   ═══ running child.sh
        R reaped by the parent (waitpid)   # the summary line

        """)
    }

    @Test("the three spawned children overlap on the timeline, and the killed one says so, at 120 columns in ASCII") func spawn3At120ASCII() {
        #expect(Timeline(record: spawn3, width: 120, unicode: false).render() == """
        timeline of spawn child.sh 3 (2.65 ms)

        parent 6000 -F---F---F------------------------------------------R---------------------------------R-----------R#
        child 6001   F--E=================================================================================R              exit 0
        child 6002       F-E============================================R                                                SIGKILL
        child 6003           F-E======================================================================================R  exit 0
                    +-----------------+------------------+------------------+------------------+------------------+-----
                    0                 500 us             1 ms               1.5 ms             2 ms               2.5 ms

        --- alive   F fork: a child begins   E execvp: the child becomes child.sh   === running child.sh
        R reaped by the parent (waitpid)   # the summary line

        """)
    }

    @Test("the threads' lines interleave on their lanes, at 80 columns in Unicode") func threads3At80Unicode() {
        #expect(Timeline(record: threads3, width: 80, unicode: true).render() == """
        timeline of threads 3 count 4 (200 µs)

        main thread ──────────────────────────────────────────────────────*────#
        thread 0          ├*──────────**───────────────────*┤                    4 lines
        thread 1             ├──*───────────*─────*──────────────*┤              4 lines
        thread 2                 ├─*───────────*─────*──────────────*┤           4 lines
                    └──────────────┴──────────────┴──────────────┴─────────────┴
                    0              50 µs          100 µs         150 µs        200 µs

        ─── alive   ├ a thread starts   ┤ the thread returns   * printed a line
        # the summary line

        """)
    }

    @Test("the threads' lines interleave on their lanes, at 80 columns in ASCII") func threads3At80ASCII() {
        #expect(Timeline(record: threads3, width: 80, unicode: false).render() == """
        timeline of threads 3 count 4 (200 us)

        main thread ------------------------------------------------------*----#
        thread 0          [*----------**-------------------*]                    4 lines
        thread 1             [--*-----------*-----*--------------*]              4 lines
        thread 2                 [-*-----------*-----*--------------*]           4 lines
                    +--------------+--------------+--------------+-------------+
                    0              50 us          100 us         150 us        200 us

        --- alive   [ a thread starts   ] the thread returns   * printed a line
        # the summary line

        """)
    }

    @Test("the threads' lines interleave on their lanes, at 120 columns in Unicode") func threads3At120Unicode() {
        #expect(Timeline(record: threads3, width: 120, unicode: true).render() == """
        timeline of threads 3 count 4 (200 µs)

        main thread ──────────────────────────────────────────────────────────────────────────────────────────*────────#
        thread 0              ├─*─────────────────*─*────────────────────────────────*─┤                                 4 lines
        thread 1                   ├────*───────────────────*─────────*────────────────────────*─┤                       4 lines
        thread 2                          ├──*───────────────────*─────────*────────────────────────*─┤                  4 lines
                    └─────────┴─────────┴─────────┴─────────┴─────────┴─────────┴─────────┴─────────┴─────────┴────────┴
                    0         20 µs     40 µs     60 µs     80 µs     100 µs    120 µs    140 µs    160 µs    180 µs   200 µs

        ─── alive   ├ a thread starts   ┤ the thread returns   * printed a line   # the summary line

        """)
    }

    @Test("the threads' lines interleave on their lanes, at 120 columns in ASCII") func threads3At120ASCII() {
        #expect(Timeline(record: threads3, width: 120, unicode: false).render() == """
        timeline of threads 3 count 4 (200 us)

        main thread ------------------------------------------------------------------------------------------*--------#
        thread 0              [-*-----------------*-*--------------------------------*-]                                 4 lines
        thread 1                   [----*-------------------*---------*------------------------*-]                       4 lines
        thread 2                          [--*-------------------*---------*------------------------*-]                  4 lines
                    +---------+---------+---------+---------+---------+---------+---------+---------+---------+--------+
                    0         20 us     40 us     60 us     80 us     100 us    120 us    140 us    160 us    180 us   200 us

        --- alive   [ a thread starts   ] the thread returns   * printed a line   # the summary line

        """)
    }

    @Test("each consumer shows which producer's message it took, at 80 columns in Unicode") func produce2At80Unicode() {
        #expect(Timeline(record: produce2, width: 80, unicode: true).render() == """
        timeline of produce 2 consume 2 (90.0 µs)

        main thread ───────────────────────────────────────────────────────*─────#
        producer 0        ├─────────────0──────0──────0──────0┤                    put 4
        producer 1            ├─────────────1──────1─────1──────1┤                 put 4
        consumer 0               ├────────0───────0────0───1──────1──┤             got 5
        consumer 1                   ├────────1──────1────────0─────┤              got 3
                    └────────────┴─────────────┴─────────────┴─────────────┴──────
                    0            20 µs         40 µs         60 µs         80 µs

        ─── alive   ├ a thread starts   ┤ the thread returns   * printed a line
        0-9 put (producer) or got (consumer) a message of producer 0-9
        # the summary line

        """)
    }

    @Test("each consumer shows which producer's message it took, at 80 columns in ASCII") func produce2At80ASCII() {
        #expect(Timeline(record: produce2, width: 80, unicode: false).render() == """
        timeline of produce 2 consume 2 (90.0 us)

        main thread -------------------------------------------------------*-----#
        producer 0        [-------------0------0------0------0]                    put 4
        producer 1            [-------------1------1-----1------1]                 put 4
        consumer 0               [--------0-------0----0---1------1--]             got 5
        consumer 1                   [--------1------1--------0-----]              got 3
                    +------------+-------------+-------------+-------------+------
                    0            20 us         40 us         60 us         80 us

        --- alive   [ a thread starts   ] the thread returns   * printed a line
        0-9 put (producer) or got (consumer) a message of producer 0-9
        # the summary line

        """)
    }

    @Test("each consumer shows which producer's message it took, at 120 columns in Unicode") func produce2At120Unicode() {
        #expect(Timeline(record: produce2, width: 120, unicode: true).render() == """
        timeline of produce 2 consume 2 (90.0 µs)

        main thread ──────────────────────────────────────────────────────────────────────────────────────────*──────────#
        producer 0             ├──────────────────────0──────────0──────────0───────────0┤                                 put 4
        producer 1                   ├─────────────────────1───────────1──────────1──────────1┤                            put 4
        consumer 0                        ├─────────────0────────────0────────0──────1───────────1───┤                     got 5
        consumer 1                              ├──────────────1──────────1───────────────0────────┤                       got 3
                    └──────────┴──────────┴───────────┴──────────┴──────────┴───────────┴──────────┴──────────┴──────────┴
                    0          10 µs      20 µs       30 µs      40 µs      50 µs       60 µs      70 µs      80 µs      90 µs

        ─── alive   ├ a thread starts   ┤ the thread returns   * printed a line
        0-9 put (producer) or got (consumer) a message of producer 0-9   # the summary line

        """)
    }

    @Test("each consumer shows which producer's message it took, at 120 columns in ASCII") func produce2At120ASCII() {
        #expect(Timeline(record: produce2, width: 120, unicode: false).render() == """
        timeline of produce 2 consume 2 (90.0 us)

        main thread ------------------------------------------------------------------------------------------*----------#
        producer 0             [----------------------0----------0----------0-----------0]                                 put 4
        producer 1                   [---------------------1-----------1----------1----------1]                            put 4
        consumer 0                        [-------------0------------0--------0------1-----------1---]                     got 5
        consumer 1                              [--------------1----------1---------------0--------]                       got 3
                    +----------+----------+-----------+----------+----------+-----------+----------+----------+----------+
                    0          10 us      20 us       30 us      40 us      50 us       60 us      70 us      80 us      90 us

        --- alive   [ a thread starts   ] the thread returns   * printed a line
        0-9 put (producer) or got (consumer) a message of producer 0-9   # the summary line

        """)
    }
}

// MARK: - What every picture keeps

@Suite struct TimelineLimits {
    private static func lines(_ record: ExperimentRecord, _ width: Int, _ unicode: Bool) -> [Substring] {
        let text = Timeline(record: record, width: width, unicode: unicode).render()
        #expect(text.hasSuffix("\n"))
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
    }

    @Test("no line is wider than the terminal, from 40 to 1000 columns",
          arguments: [40, 41, 57, 80, 99, 120, 200, 1000])
    func fitsTheWidth(width: Int) {
        for record in allRecords {
            for unicode in [true, false] {
                for line in Self.lines(record, width, unicode) {
                    #expect(line.count <= width, "\(record.experiment.command) at \(width): \(line)")
                }
            }
        }
    }

    @Test("ASCII pictures use only printable ASCII", arguments: [40, 80, 120, 1000])
    func asciiIsPlain(width: Int) {
        for record in allRecords {
            let text = Timeline(record: record, width: width, unicode: false).render()
            #expect(text.utf8.allSatisfy { $0 == 0x0a || (0x20...0x7e).contains($0) }, "\(record.experiment.command)")
        }
    }

    @Test("a width out of range is taken as 40 or 1000")
    func widthIsClamped() {
        #expect(Timeline(record: threads3, width: 10, unicode: true).render()
            == Timeline(record: threads3, width: 40, unicode: true).render())
        #expect(Timeline(record: threads3, width: 5000, unicode: false).render()
            == Timeline(record: threads3, width: 1000, unicode: false).render())
    }

    @Test("when the record dropped lines, the timeline says how many it shows")
    func droppedMarksAreAnnounced() {
        let lines = Self.lines(droppedLines, 120, true)
        #expect(lines[1] == "Only the first 6 of 10000000 lines, puts and gets were recorded: the rest are not drawn.")
        #expect(!Self.lines(threads3, 120, true).contains { $0.hasPrefix("Only the first") })
    }

    @Test("past 24 lanes the first ones by start time are drawn and the rest are counted")
    func lanesAreCapped() {
        let lines = Self.lines(threads40, 80, true)
        let lanes = lines.filter { $0.hasPrefix("main thread") || $0.hasPrefix("thread ") }
        #expect(lanes.count == 24)
        #expect(lanes.first?.hasPrefix("main thread") == true)
        #expect(lanes.last?.hasPrefix("thread 22 ") == true)
        #expect(lines.contains("… and 17 more lanes not shown"))
        #expect(Self.lines(threads40, 80, false).contains("... and 17 more lanes not shown"))
    }

    @Test("race draws each run's threads on their own lanes, even when a thread id comes back")
    func raceRunsAreSeparateLanes() {
        let labels = Self.lines(race2, 80, false).compactMap { line -> String? in
            line.hasPrefix("racer") || line.hasPrefix("main") ? String(line.prefix(15)) : nil
        }
        #expect(labels == ["main thread    ", "racer 0        ", "racer 1        ", "racer 0 (mutex)", "racer 1 (mutex)"])
    }

    @Test("a forkexit child is a zombie between its _exit and its reap")
    func zombieBetweenExitAndReap() {
        let lines = Self.lines(forkExit2, 80, false)
        #expect(lines.contains("child 5001      F--------*-X...........R                                  exit 1"))
        #expect(lines.contains("... zombie: ended, not yet reaped   R reaped by the parent (waitpid)"))
    }

    @Test("an empty record still draws its axis and lane")
    func emptyRecord() {
        #expect(Timeline(record: empty, width: 40, unicode: false).render() == """
            timeline of fork 1 (0 ns)

            parent 1 -
                     +-----------------------------+
                     0                          1 ns

            --- alive

            """)
    }

    @Test("the header names the experiment as it was typed")
    func titles() {
        #expect(Experiment.spawn(SpawnPlan(program: "ls", count: 1, numbered: false, arguments: [])).command == "spawn ls")
        #expect(Experiment.spawn(SpawnPlan(program: "echo", count: 2, numbered: false, arguments: ["a", "b"])).command
            == "spawn echo 2 -- a b")
        #expect(Experiment.threads(ThreadsPlan(threads: 5, count: 5, locked: false, joined: false)).command
            == "threads 5 count 5 nolock nojoin")
        #expect(Experiment.produce(ProducePlan(producers: 4, consumers: 2, messages: 8, capacity: 3)).command
            == "produce 4 consume 2 messages 8 capacity 3")
        #expect(Experiment.forkExit(count: 2).command == "forkexit 2")
    }

    @Test("durations read with three digits and ticks exactly")
    func timeFormats() {
        #expect(formatDuration(840, micro: "µs") == "840 ns")
        #expect(formatDuration(1_244_900, micro: "µs") == "1.24 ms")
        #expect(formatDuration(999_700, micro: "us") == "1.00 ms")
        #expect(formatDuration(910_200_000, micro: "µs") == "910 ms")
        #expect(formatTick(1_500_000, micro: "µs") == "1.5 ms")
        #expect(formatTick(250_000, micro: "us") == "250 us")
        #expect(formatTick(2_000_000_000, micro: "µs") == "2 s")
    }

    @Test("a program's name is shown without its control characters, and in ASCII without anything else")
    func programNamesCannotReachTheTerminal() {
        let program = "evil\u{1b}[2J\tnamé"
        let spawn = record(.spawn(SpawnPlan(program: program, count: 1, numbered: false, arguments: [])),
                           parent: 7000, duration: 100, [
            at(10, 7000, .trace(.spawned(child: 7001))),
            at(20, 7001, .exec),
            at(90, 7000, .trace(.reaped(child: 7001, status: .exited(0)))),
        ])
        let unicode = Timeline(record: spawn, width: 120, unicode: true).render()
        #expect(!unicode.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        #expect(unicode.contains("timeline of spawn evil?[2J?namé") && unicode.contains("the child becomes evil?[2J?namé"))
        let ascii = Timeline(record: spawn, width: 120, unicode: false).render()
        #expect(ascii.utf8.allSatisfy { $0 == 0x0a || (0x20...0x7e).contains($0) })
        #expect(ascii.contains("timeline of spawn evil?[2J?nam?"))
    }

    @Test("a byte of a program's name that is not UTF-8 is drawn as U+FFFD, in ASCII as ?")
    func programNameBytesThatAreNotUTF8() {
        let program = "a" + String(rawBytes: [0xff]) + "b"
        let spawn = record(.spawn(SpawnPlan(program: program, count: 1, numbered: false, arguments: [])),
                           parent: 7000, duration: 100, [
            at(10, 7000, .trace(.spawned(child: 7001))),
            at(20, 7001, .exec),
            at(90, 7000, .trace(.reaped(child: 7001, status: .exited(0)))),
        ])
        #expect(Timeline(record: spawn, width: 120, unicode: true).render().contains("timeline of spawn a\u{fffd}b"))
        #expect(Timeline(record: spawn, width: 120, unicode: false).render().contains("timeline of spawn a?b"))
    }

    @Test("a child whose exec failed is drawn alive, not running the program, up to its exit 127")
    func failedExec() {
        let spawn = record(.spawn(SpawnPlan(program: "nosuch", count: 1, numbered: false, arguments: [])),
                           parent: 7000, duration: 100, [
            at(10, 7000, .trace(.spawned(child: 7001))),
            at(20, 7001, .exec),
            at(60, 7001, .exit(code: 127)),
            at(90, 7000, .trace(.reaped(child: 7001, status: .exited(127)))),
        ])
        let picture = Timeline(record: spawn, width: 80, unicode: true).render()
        let lane = picture.split(separator: "\n").first { $0.hasPrefix("child 7001") }
        #expect(lane?.contains("E") == true && lane?.contains("X") == true && lane?.hasSuffix("exit 127") == true)
        #expect(lane?.contains("═") == false)
        #expect(picture.contains("E execvp: the child tries to become nosuch") && !picture.contains("running nosuch"))
    }
}
