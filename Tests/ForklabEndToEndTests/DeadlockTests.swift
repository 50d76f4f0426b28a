import Foundation
import Testing

/// `deadlock N [ordered] [timeout T]`: a ring of N threads and N mutexes in a
/// program of its own; forklab catches the cycle, kills the program and
/// succeeds, or, `ordered`, sees every thread finish.
extension EndToEnd.ThreadExperiments {
    @Suite struct Deadlock {
        /// The lines forklab prints for a caught ring of `n`.
        private func cycleLines(_ n: Int) -> [String] {
            (0..<n).map { "[\($0)] holds m\($0), waits for m\(($0 + 1) % n)" }
                + ["deadlock: a cycle of \(n) threads, each waiting for the next"]
        }

        @Test("deadlock 2 timeout 0.2, five runs through a pipe: each catches the cycle [0] m0→m1, [1] m1→m0, kills the program and succeeds")
        func twoThreadsAreCaughtEveryTime() {
            for _ in 0..<5 {
                let result = forklab("deadlock 2 timeout 0.2")
                #expect(result.status == 0)
                #expect(result.stderr == "")
                #expect(result.traceLines == cycleLines(2))
                let summary = result.stdoutLines.last ?? ""
                #expect(summary.hasPrefix("# deadlock: 2 threads, 0 finished; a cycle of 2 caught after "))
                #expect(summary.hasSuffix(" killed"))
            }
        }

        @Test("deadlock 5 timeout 0.2, three runs into a file: each catches the whole ring of 5, in order")
        func fiveThreadsAreCaughtEveryTime() {
            for _ in 0..<3 {
                let result = forklab("deadlock 5 timeout 0.2", RunOptions(stdoutToFile: true))
                #expect(result.status == 0)
                #expect(result.traceLines == cycleLines(5))
                #expect(result.stdoutLines.last?.hasPrefix("# deadlock: 5 threads, 0 finished; a cycle of 5 caught after ") == true)
            }
        }

        @Test("deadlock 5 ordered: every thread takes both mutexes and prints once, the program exits, the summary says no cycle can form")
        func orderedFinishes() {
            let result = forklab("deadlock 5 ordered")
            #expect(result.status == 0)
            #expect(result.stderr == "")
            #expect(result.traceLines.sorted() == (0..<5).map { "[\($0)] has m\($0) and m\(($0 + 1) % 5)" })
            #expect(result.stdoutLines.last == "# deadlock ordered: 5 threads, 5 finished; no cycle can form: every thread takes the lower-numbered mutex first")
        }

        @Test("deadlock 3 timeout 0.2 in JSON: three deadlock_wait objects, a deadlock_cycle, and a summary with the cycle's fields")
        func jsonGivesTheCycleAndTheSummaryFields() throws {
            let result = forklab("set format json; deadlock 3 timeout 0.2")
            #expect(result.status == 0)
            let objects = try result.stdoutLines.map {
                try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
            }
            let waits = objects.filter { $0["event"] as? String == "deadlock_wait" }
            #expect(waits.map { $0["thread"] as? Int } == [0, 1, 2])
            #expect(waits.map { $0["waits_for"] as? Int } == [1, 2, 0])
            #expect(objects.contains { $0["event"] as? String == "deadlock_cycle" && $0["threads"] as? Int == 3 })
            let summary = try #require(objects.last)
            #expect(summary["experiment"] as? String == "deadlock")
            #expect(summary["threads"] as? Int == 3)
            #expect(summary["ordered"] as? Bool == false)
            #expect(summary["finished"] as? Int == 0)
            #expect(summary["cycle"] as? Int == 3)
            #expect((summary["detected_ns"] as? Int ?? 0) >= 200_000_000)
        }

        @Test("Ctrl-C at the terminal during a deadlocked ring: interrupted at once, no child left, one thread in forklab")
        func interruptEndsADeadlockedRun() throws {
            let live = LiveForklab(terminal: [])
            live.expect("forklab> ")
            live.send("deadlock 4 timeout 60\r")
            let program = try #require(childrenNamed("forklab", of: live.pid).first)
            // Until the ring is formed: its 4 threads and its main thread.
            for _ in 0..<200 where threadCount(of: program.pid) < 5 { usleep(10_000) }
            live.send("\u{3}")
            live.expect("# deadlock: 4 threads, 0 finished; no cycle caught\r\n")
            live.expect("forklab: interrupted\r\n")
            live.expect("forklab> ")
            #expect(children(of: live.pid).isEmpty)
            #expect(kill(program.pid, 0) == -1 && errno == ESRCH)
            #expect(threadCount(of: live.pid) == 1)
            live.send("q\r")
            #expect(live.waitForExit() == Ending(exitCode: 0))
        }

        @Test("bad words are refused before anything runs, status 1")
        func badWordsAreRefused() {
            let result = forklab("deadlock 1; deadlock 2 timeout 0.05; deadlock 2 fast")
            #expect(result.status == 1)
            #expect(result.stdout == "")
            #expect(result.stderrLines == [
                "forklab: line 1: deadlock: N must be 2…100, got 1",
                "forklab: line 1: deadlock: T must be seconds, at least 0.1 and at most 60 (timeout 1, timeout 0.2), got 0.05",
                "forklab: line 1: deadlock: unexpected 'fast' (usage: deadlock N [ordered] [timeout T])",
            ])
        }
    }
}
