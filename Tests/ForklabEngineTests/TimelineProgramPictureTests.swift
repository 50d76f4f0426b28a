// Exact timelines of a program of its own: `threads 3 count 2 sleep 0.05
// exit after 0.12`, whose main thread's exit cuts off two of its threads, at
// 80 columns in Unicode and in ASCII.
import Testing
@testable import ForklabEngine

extension TimelinePictures {
    /// forklab 7000 spawns program 7001, which starts three threads; thread 0
    /// prints its two lines and returns, thread 1 prints one, thread 2 none,
    /// when the main thread prints its line and exits; forklab reaps it.
    static let threadsProgram = record(
        .threads(ThreadsPlan(threads: 3, count: 2, locked: true, joined: true, sleep: 50_000_000,
                             exitAfter: 120_000_000)),
        parent: 7000, duration: 400, [
            at(20, 7000, .unprinted(.spawned(child: 7001))),
            at(60, 7001, .exec),
            at(100, 7001, tid: 7002, .threadStarted(.counting, number: 0)),
            at(104, 7001, tid: 7003, .threadStarted(.counting, number: 1)),
            at(108, 7001, tid: 7004, .threadStarted(.counting, number: 2)),
            at(160, 7001, tid: 7002, .threadPrinted(thread: 0, index: 0)),
            at(200, 7001, tid: 7003, .threadPrinted(thread: 1, index: 0)),
            at(220, 7001, tid: 7002, .threadPrinted(thread: 0, index: 1)),
            at(230, 7001, tid: 7002, .threadEnded(.counting, number: 0)),
            at(300, 7001, .mainPrinted),
            at(340, 7000, .unprinted(.reaped(child: 7001, status: .exited(0)))),
            at(360, 7000, .trace(.summary(.threadsExited(ThreadsExit(
                wanted: 3, printed: 3, expected: 6,
                program: ProgramExit(pid: 7001, after: 120_000_000, exited: true, threads: 3, stillRunning: 2,
                                     elapsed: µs(340)))))))
        ])

    @Suite struct Program {
        @Test("a program of its own is a process lane, each of its threads a lane, cut off at its exit, in Unicode")
        func threadsProgramAt80Unicode() {
            #expect(Timeline(record: threadsProgram, width: 80, unicode: true).render() == """
            timeline of threads 3 count 2 sleep 0.05 exit after 0.12 (400 µs)

            forklab 7000 ──F───────────────────────────────────────────────R──#
            program 7001   F─────E───────────────────────────────────*─────R         exit 0
            thread 0                   ├────────*────────*┤                          2 lines
            thread 1                    ├─────────────*──────────────✗               1 line
            thread 2                    ├────────────────────────────✗               0 lines
                         └─────────────┴──────────────┴──────────────┴─────────────┴
                         0             100 µs         200 µs         300 µs        400 µs

            ─── alive   F fork: a child begins   ├ a thread starts   ┤ the thread returns
            ✗ cut off: its program ended while the thread ran
            E exec: the child becomes the program (forklab --as-program)   * printed a line
            R reaped by the parent (waitpid)   # the summary line

            """)
        }

        @Test("a program of its own is a process lane, each of its threads a lane, cut off at its exit, in ASCII")
        func threadsProgramAt80ASCII() {
            #expect(Timeline(record: threadsProgram, width: 80, unicode: false).render() == """
            timeline of threads 3 count 2 sleep 0.05 exit after 0.12 (400 us)

            forklab 7000 --F-----------------------------------------------R--#
            program 7001   F-----E-----------------------------------*-----R         exit 0
            thread 0                   [--------*--------*]                          2 lines
            thread 1                    [-------------*--------------/               1 line
            thread 2                    [----------------------------/               0 lines
                         +-------------+--------------+--------------+-------------+
                         0             100 us         200 us         300 us        400 us

            --- alive   F fork: a child begins   [ a thread starts   ] the thread returns
            / cut off: its program ended while the thread ran
            E exec: the child becomes the program (forklab --as-program)   * printed a line
            R reaped by the parent (waitpid)   # the summary line

            """)
        }

        @Test("a thread's line in the column of its cut-off moves one column left, towards when it was printed")
        func aLineInTheCutOffColumnMovesLeft() {
            var record = threadsProgram
            // Thread 1's line just before the main line: the same column as its cut-off.
            record.events = record.events.map { occurrence in
                guard case .threadPrinted(1, _) = occurrence.what else { return occurrence }
                var moved = occurrence
                moved.time = µs(299)
                return moved
            }
            let lane = Timeline(record: record, width: 80, unicode: false).render()
                .split(separator: "\n").first { $0.hasPrefix("thread 1") }
            #expect(lane == "thread 1                    [---------------------------*/               1 line")
        }
    }
}
