import Foundation
import Testing

/// `sleep S` on threads and produce: the book's time.sleep pacing, and a
/// stop that ends the sleeps at once.
extension EndToEnd.ThreadExperiments {
    @Suite struct Pacing {
        /// Waits (2 s at most) until `pid` runs `count` threads or more: the
        /// experiment's threads are started, and asleep a moment later.
        private func awaitThreads(_ count: Int, of pid: pid_t) -> Bool {
            for _ in 0..<100 {
                if threadCount(of: pid) >= count { return true }
                usleep(20_000)
            }
            return false
        }

        @Test("threads 3 count 3 sleep 0.2: every thread's line of round k comes before any thread's line of round k+1")
        func threadsKeepTheirRounds() {
            let result = forklab("threads 3 count 3 sleep 0.2")
            #expect(result.status == 0)
            #expect(result.stderr == "")
            let lines = result.traceLines
            #expect(lines.last == "Main thread exiting...")
            let rounds = lines.dropLast().compactMap { line -> Int? in
                guard let match = try? /\[[0-2]\] => ([0-2])/.wholeMatch(in: line) else {
                    Issue.record("unexpected line \(line.debugDescription)")
                    return nil
                }
                return Int(match.1)
            }
            #expect(rounds == [0, 0, 0, 1, 1, 1, 2, 2, 2])
            #expect(Set(lines.dropLast()).count == 9)
        }

        @Test("produce 2 consume 1 messages 3 sleep 0.2: producer 0 never waits, producer 1 puts every 0.2 s, so producer 0's messages all come first")
        func producerZeroDoesNotWait() {
            let result = forklab("produce 2 consume 1 messages 3 sleep 0.2")
            #expect(result.status == 0)
            #expect(result.stderr == "")
            #expect(result.traceLines == (0..<2).flatMap { p in
                (0..<3).map { "consumer 0 got => [producer id=\(p), count=\($0)]" }
            } + ["Main thread exit"])
            #expect(result.stdoutLines.last?.hasPrefix("# produce: 6 produced, 6 consumed, 0 lost;") == true)
        }

        @Test("Ctrl-C at the terminal while threads and producers sleep 60 s: interrupted, prompt back, one thread")
        func interruptWhileAsleep() {
            let live = LiveForklab(terminal: [])
            live.expect("forklab> ")
            live.send("threads 3 count 2 sleep 60\r")
            #expect(awaitThreads(4, of: live.pid))
            live.send("\u{3}")
            live.expect("forklab: interrupted\r\n")
            live.expect("forklab> ")
            #expect(settledThreadCount(of: live.pid) == 1)
            live.send("produce 2 consume 2 sleep 60\r")
            // Main, two consumers, producer 1 (producer 0 may be done already).
            #expect(awaitThreads(4, of: live.pid))
            live.send("\u{3}")
            live.expect("forklab: interrupted\r\n")
            live.expect("forklab> ")
            #expect(settledThreadCount(of: live.pid) == 1)
            live.send("q\r")
            #expect(live.waitForExit() == Ending(exitCode: 0))
        }

        @Test("kill -INT on a piped run while threads sleep 60 s: interrupted, status 130, no next command")
        func interruptPipedWhileAsleep() {
            let live = LiveForklab(pipes: [])
            live.send("threads 3 count 2 sleep 60\nfork 1\n")
            #expect(awaitThreads(4, of: live.pid))
            kill(live.pid, SIGINT)
            #expect(live.waitForExit() == Ending(exitCode: 130))
            #expect(live.stderrText == "forklab: line 1: interrupted\n")
            #expect(!live.unconsumed.contains("Hello from parent"))
            #expect(!live.unconsumed.contains("] => "))
        }

        @Test("SIGTERM on a piped run while producers sleep 60 s: forklab ends by SIGTERM, quietly, running nothing more")
        func terminatedWhileAsleep() {
            let live = LiveForklab(pipes: [])
            live.send("produce 2 consume 1 messages 2 sleep 60\nfork 1\n")
            // Main, the consumer (asleep 6 s before each get) and producer 1
            // (60 s before each put); producer 0 never waits, and may be done.
            #expect(awaitThreads(3, of: live.pid))
            kill(live.pid, SIGTERM)
            #expect(live.waitForExit() == Ending(exitCode: nil, signal: SIGTERM))
            #expect(live.stderrText == "")
            #expect(!live.unconsumed.contains("Hello from parent"))
            #expect(!live.unconsumed.contains("Main thread exit"))
        }
    }
}
