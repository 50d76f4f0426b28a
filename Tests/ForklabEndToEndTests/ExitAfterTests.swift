import Foundation
import Testing

/// `exit after T` on threads and produce: the experiment runs as a program
/// of its own, whose main thread's exit ends the threads still running; the
/// summary counts what never got out, exactly.
extension EndToEnd.ThreadExperiments {
    @Suite struct ExitAfter {
        /// The numbers in `# threads: N threads started, P of E lines printed…`.
        private func threadsSummary(_ line: String?) -> (started: Int, printed: Int, expected: Int)? {
            guard let line, let match = try? /# threads: (\d+) threads? started, (\d+) of (\d+) lines printed.*/
                .wholeMatch(in: line) else { return nil }
            return (Int(match.1)!, Int(match.2)!, Int(match.3)!)
        }

        /// Waits (2 s at most) for `pid`'s child: the program of its own.
        private func programOf(_ pid: pid_t) -> ProcessInfoEntry? {
            childrenNamed("forklab", of: pid).first
        }

        @Test("threads 4 count 50 sleep 0.05 exit after 0.12 through a pipe: the lines out are exactly those the summary counts, the rest never printed")
        func linesCutOffAreCountedExactly() {
            let result = forklab("threads 4 count 50 sleep 0.05 exit after 0.12")
            #expect(result.status == 0)
            #expect(result.stderr == "")
            let lines = result.traceLines
            #expect(lines.last == "Main thread exiting...")
            let threadLines = lines.dropLast()
            // Each thread's lines come in its own order, 0 on, none twice.
            var next = [Int](repeating: 0, count: 4)
            for line in threadLines {
                guard let match = try? /\[([0-3])\] => (\d+)/.wholeMatch(in: line) else {
                    Issue.record("unexpected line \(line.debugDescription)")
                    continue
                }
                let thread = Int(match.1)!
                #expect(Int(match.2)! == next[thread])
                next[thread] += 1
            }
            let printed = threadLines.count
            // The last lines are due 2.5 s in: the exit at 0.12 s cuts them off.
            #expect(printed < 200)
            let summary = result.stdoutLines.last ?? ""
            #expect(threadsSummary(summary)?.started == 4)
            #expect(threadsSummary(summary)?.printed == printed)
            #expect(threadsSummary(summary)?.expected == 200)
            #expect(summary.contains(", \(200 - printed) never printed; the program (pid "))
            #expect(summary.hasSuffix("exited after 0.12 s without joining its threads, 4 of them still running"))
        }

        @Test("threads 3 count 1000000 exit after 0.3 into a file: the count stays exact past the record's room for lines")
        func theCountIsExactPastTheRecordsRoom() {
            let result = forklab("threads 3 count 1000000 exit after 0.3", RunOptions(stdoutToFile: true))
            #expect(result.status == 0)
            let printed = result.traceLines.filter { $0.contains("] => ") }.count
            #expect(threadsSummary(result.stdoutLines.last)?.printed == printed)
            #expect(result.stdoutLines.last?.contains(", \(3_000_000 - printed) never printed;") == true)
        }

        @Test("threads 3 count 2 sleep 0.05 exit after 0.6: the work is done before the exit, so every line is out and no thread is left running")
        func anExitAfterTheWorkLosesNothing() {
            let result = forklab("threads 3 count 2 sleep 0.05 exit after 0.6")
            #expect(result.status == 0)
            #expect(result.stderr == "")
            #expect(result.traceLines.count == 7)
            #expect(Set(result.traceLines.dropLast()) == Set((0..<3).flatMap { t in (0..<2).map { "[\(t)] => \($0)" } }))
            #expect(result.traceLines.last == "Main thread exiting...")
            let summary = result.stdoutLines.last ?? ""
            #expect(summary.hasPrefix("# threads: 3 threads started, 6 of 6 lines printed; the program (pid "))
            #expect(summary.hasSuffix(") exited after 0.6 s without joining its threads, none of them still running"))
        }

        @Test("threads 2 count 3 nolock exit after 0: a line counts as printed once its newline is out; its text alone may be out too")
        func unlockedLinesCountOnceTheirNewlineIsOut() {
            let result = forklab("threads 2 count 3 nolock exit after 0")
            #expect(result.status == 0)
            let texts = result.stdout.components(separatedBy: "] => ").count - 1
            let counted = threadsSummary(result.stdoutLines.last)?.printed
            #expect(counted != nil)
            // At most one line per thread can be cut between its text and its newline.
            if let counted { #expect((counted...counted + 2).contains(texts)) }
            #expect(result.stdout.contains("Main thread exiting...\n"))
        }

        @Test("--json: the program is a process of its own, forked and reaped by forklab, and its threads and main line carry its pid")
        func theProgramIsAProcessOfItsOwn() throws {
            let result = runForklab(["--json", "-c", "threads 2 count 1 exit after 0.3"])
            #expect(result.status == 0)
            let events = result.stdoutLines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            #expect(events.count == result.stdoutLines.count)
            let spawn = try #require(events.first { $0["event"] as? String == "spawn" })
            let program = try #require(spawn["child"] as? Int)
            #expect(spawn["pid"] as? Int == Int(result.pid))
            #expect(spawn["text"] == nil)
            let starts = events.filter { $0["event"] as? String == "start" }
            #expect(starts.count == 2)
            #expect(starts.allSatisfy { $0["pid"] as? Int == program && $0["tid"] as? Int != program })
            let main = try #require(events.first { $0["event"] as? String == "main" })
            #expect(main["pid"] as? Int == program)
            #expect(main["tid"] as? Int == program)
            let wait = try #require(events.first { $0["event"] as? String == "wait" })
            #expect(wait["child"] as? Int == program)
            #expect(wait["code"] as? Int == 0)
            let summary = try #require(events.last)
            #expect(summary["event"] as? String == "summary")
            #expect(summary["program"] as? Int == program)
            #expect(summary["exited"] as? Bool == true)
            #expect(summary["printed"] as? Int == 2)
            #expect(summary["never_printed"] as? Int == 0)
            #expect(summary["still_running"] as? Int == 0)
        }

        @Test("Ctrl-C at the terminal while the program's main thread sleeps 60 s: interrupted, the program is gone, prompt back")
        func interruptWhileTheMainThreadSleeps() throws {
            let live = LiveForklab(terminal: [])
            live.expect("forklab> ")
            live.send("threads 3 count 2 sleep 0.05 exit after 60\r")
            let program = try #require(programOf(live.pid))
            live.expect("[2] => 1\r\n")  // the threads' work is done or nearly; the main thread sleeps on
            live.send("\u{3}")
            // How many threads had recorded their end by then is the scheduler's.
            live.expect("the program (pid \(program.pid)) was ended before its main thread's exit, with ")
            live.expect(" still running\r\n")
            live.expect("forklab: interrupted\r\n")
            live.expect("forklab> ")
            #expect(children(of: live.pid).isEmpty)
            live.send("q\r")
            #expect(live.waitForExit() == Ending(exitCode: 0))
        }

        @Test("kill -INT on a piped run while produce's main thread waits 60 s: status 130, the program ended and reaped, nothing more run")
        func interruptPipedProduce() throws {
            let live = LiveForklab(pipes: [])
            live.send("produce 2 consume 1 messages 2 exit after 60\nfork 1\n")
            let program = try #require(programOf(live.pid))
            kill(live.pid, SIGINT)
            #expect(live.waitForExit() == Ending(exitCode: 130))
            #expect(live.stderrText == "forklab: line 1: interrupted\n")
            #expect(kill(program.pid, 0) == -1 && errno == ESRCH)
            #expect(!live.unconsumed.contains("Hello from parent"))
            #expect(!live.unconsumed.contains("Main thread exit"))
        }

        @Test("SIGTERM on a piped run while the program's main thread waits 60 s: forklab ends by SIGTERM and the program with it")
        func terminatedWhileTheMainThreadWaits() throws {
            let live = LiveForklab(pipes: [])
            live.send("threads 2 count 1 exit after 60\nfork 1\n")
            let program = try #require(programOf(live.pid))
            kill(live.pid, SIGTERM)
            #expect(live.waitForExit() == Ending(exitCode: nil, signal: SIGTERM))
            #expect(kill(program.pid, 0) == -1 && errno == ESRCH)
            #expect(!live.unconsumed.contains("Hello from parent"))
        }

        @Test("produce 3 consume 2 messages 20 sleep 0.05 exit after 0.3: every message is consumed, in a consumer's hands, queued or never produced, and the consumer lines are those consumed")
        func everyMessageIsAccountedFor() throws {
            let result = forklab("produce 3 consume 2 messages 20 sleep 0.05 exit after 0.3")
            #expect(result.status == 0)
            #expect(result.stderr == "")
            #expect(result.traceLines.last == "Main thread exit")
            let got = result.traceLines.dropLast()
            #expect(got.allSatisfy { (try? /consumer [01] got => \[producer id=[0-2], count=\d+\]/.wholeMatch(in: $0)) != nil })
            #expect(Set(got).count == got.count)
            let summary = try #require(result.stdoutLines.last)
            let match = try #require(try /# produce: (\d+) of 60 messages produced, (\d+) consumed(?:, (\d+) taken but not printed)?(?:, (\d+) left in the queue)?(?:, (\d+) never produced)?; the program \(pid \d+\) exited after 0.3 s without joining its threads, (\d+) of them still running/.wholeMatch(in: summary))
            let produced = Int(match.1)!, consumed = Int(match.2)!
            let inHand = match.3.map { Int($0)! } ?? 0, queued = match.4.map { Int($0)! } ?? 0
            let never = match.5.map { Int($0)! } ?? 0
            #expect(consumed == got.count)
            #expect(produced == consumed + inHand + queued)
            #expect(produced + never == 60)
            // Producer 2 puts one message every 0.1 s: 20 take 2 s, far past the exit.
            #expect(never > 0)
            #expect(Int(match.6)! >= 1)
        }

        @Test("produce 2 consume 1 messages 3 sleep 0.05 exit after 0.6: the book's ending with time to spare loses nothing")
        func theBooksEndingWithTimeToSpare() {
            let result = forklab("produce 2 consume 1 messages 3 sleep 0.05 exit after 0.6")
            #expect(result.status == 0)
            #expect(result.traceLines.count == 7)
            #expect(result.traceLines.last == "Main thread exit")
            #expect(result.stdoutLines.last?.hasPrefix("# produce: 6 of 6 messages produced, 6 consumed; the program (pid ") == true)
            #expect(result.stdoutLines.last?.hasSuffix("none of them still running") == true)
        }
    }
}
