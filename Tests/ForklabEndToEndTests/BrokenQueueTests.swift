import Foundation
import Testing

/// `produce … broken if|onecv [timeout T]`: the queue written wrong, in a
/// program of its own that forklab watches (docs/commands.md, "broken if and
/// broken onecv").
extension EndToEnd.ThreadExperiments {
    @Suite struct BrokenQueue {
        /// The JSON objects of a run, one a line.
        private func objects(_ result: RunResult) throws -> [[String: Any]] {
            try result.stdoutLines.map {
                try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
            }
        }

        /// Every (producer, count) a `get` object carries, in order.
        private func gets(_ objects: [[String: Any]]) -> [[Int]] {
            objects.filter { $0["event"] as? String == "get" }.map {
                [$0["producer"] as? Int ?? -1, $0["count"] as? Int ?? -1]
            }
        }

        /// The program's pid from a summary, and that it is gone.
        private func expectProgramGone(_ summary: [String: Any]) {
            let program = summary["program"] as? Int ?? 0
            #expect(program > 0)
            #expect(kill(pid_t(program), 0) == -1 && errno == ESRCH)
        }

        @Test("broken if, 1 producer, 3 consumers, capacity 1, 1000 messages, three runs: empty wake-ups are counted, the first is printed once, and every message is consumed exactly once")
        func anIfCountsEmptyWakeupsAndLosesNothing() throws {
            let all = (0..<1000).map { [0, $0] }
            for _ in 0..<3 {
                let result = forklab("set format json; produce 1 consume 3 capacity 1 messages 1000 broken if")
                #expect(result.status == 0)
                #expect(result.stderr == "")
                let objects = try objects(result)
                #expect(gets(objects).sorted { ($0[0], $0[1]) < ($1[0], $1[1]) } == all)
                // One object a wake-up, from the record, each naming a consumer.
                let wakeups = objects.filter { $0["event"] as? String == "empty_wakeup" }
                #expect(wakeups.allSatisfy { (0..<3).contains($0["consumer"] as? Int ?? -1) })
                let summary = try #require(objects.last)
                #expect(summary["empty_wakeups"] as? Int == wakeups.count)
                #expect(summary["experiment"] as? String == "produce")
                #expect(summary["broken"] as? String == "if")
                #expect(summary["consumed"] as? Int == 1000)
                #expect(summary["produced"] as? Int == 1000)
                #expect(summary["stuck"] as? Int == 0)
                #expect((summary["empty_wakeups"] as? Int ?? 0) >= 1)
                #expect(summary["caught_ns"] == nil)
                expectProgramGone(summary)
            }
        }

        @Test("broken if in the book's text into a file: the wake-up line at most once, the summary counts what it saw and says what while does")
        func anIfExplainsItselfInText() {
            let result = forklab("produce 1 consume 3 capacity 1 messages 200 broken if", RunOptions(stdoutToFile: true))
            #expect(result.status == 0)
            let wakeups = result.traceLines.filter { $0.hasSuffix(" woke up and the queue was empty: an if, not a while") }
            #expect(wakeups.count <= 1)
            #expect(wakeups.allSatisfy { (try? /consumer [012] woke up and the queue was empty: an if, not a while/.wholeMatch(in: $0)) != nil })
            #expect(result.traceLines.filter { $0.hasPrefix("consumer ") && $0.contains(" got => ") }.count == 200)
            #expect(result.traceLines.last == "Main thread exit")
            let summary = result.stdoutLines.last ?? ""
            #expect(summary.hasPrefix("# produce broken if: 1 producer, 3 consumers, 200 of 200 messages consumed; "))
            #expect(summary.hasSuffix("; the correct queue waits in a while loop, so a consumer woken to an empty queue waits again"))
            #expect(summary.contains("no consumer woke to an empty queue this time") == wakeups.isEmpty)
        }

        @Test("broken onecv, 2 producers, 2 consumers, capacity 1, ten runs: each completes or is caught with every thread waiting, and no program is left")
        func oneConditionCompletesOrIsCaught() throws {
            var caught = 0
            for _ in 0..<10 {
                let result = forklab("set format json; produce 2 consume 2 capacity 1 broken onecv timeout 0.1")
                #expect(result.status == 0)
                #expect(result.stderr == "")
                let objects = try objects(result)
                let summary = try #require(objects.last)
                #expect(summary["broken"] as? String == "onecv")
                expectProgramGone(summary)
                let consumed = summary["consumed"] as? Int ?? -1
                #expect(consumed == gets(objects).count)
                let waits = objects.filter { $0["event"] as? String == "stuck_wait" }
                if summary["stuck"] as? Int == 0 {
                    #expect(consumed == 8)
                    #expect(waits.isEmpty)
                    #expect(summary["caught_ns"] == nil)
                    continue
                }
                caught += 1
                // Every thread that has not returned waits on the one condition: the
                // producers still with messages to put, then both consumers (they end
                // only once the queue is closed).
                let names = waits.map { "\($0["role"] as? String ?? "") \($0["thread"] as? Int ?? -1)" }
                #expect(names.suffix(2) == ["consumer 0", "consumer 1"])
                #expect(Set(names.dropLast(2)).isSubset(of: ["producer 0", "producer 1"]) && names.count >= 3)
                #expect(waits.allSatisfy { $0["condition"] as? String == "cond" })
                #expect(waits.filter { $0["role"] as? String == "producer" }.allSatisfy { $0["because"] as? String == "full" })
                #expect(objects.contains { $0["event"] as? String == "stuck" && $0["threads"] as? Int == waits.count })
                #expect(summary["stuck"] as? Int == waits.count)
                #expect(consumed < 8)
                #expect((summary["caught_ns"] as? Int ?? 0) >= 100_000_000)
                #expect(!objects.contains { $0["event"] as? String == "main" })
            }
            // What this shape does on this kernel (29 of 30 runs stuck when
            // measured): a run of ten that never got stuck means the watchdog
            // no longer catches it.
            #expect(caught > 0)
        }

        @Test("broken onecv caught, in the book's text: one line a thread, the stuck line, the summary with what two conditions do")
        func oneConditionExplainsItselfInText() {
            // Until one run gets stuck (nearly every run does).
            for _ in 0..<20 {
                let result = forklab("produce 2 consume 2 capacity 1 broken onecv timeout 0.1")
                #expect(result.status == 0)
                let summary = result.stdoutLines.last ?? ""
                guard summary.contains("stuck after") else { continue }
                let stuck = result.traceLines.filter { $0.contains(" waits on cond: the queue was ") }
                let producers = stuck.filter { $0.hasPrefix("producer ") }
                #expect((1...2).contains(producers.count))
                #expect(producers.allSatisfy { (try? /producer [01] waits on cond: the queue was full/.wholeMatch(in: $0)) != nil })
                #expect(stuck.suffix(2).map { String($0.prefix(31)) } == ["consumer 0 waits on cond: the q", "consumer 1 waits on cond: the q"])
                #expect(result.traceLines.suffix(stuck.count + 1) == stuck + ["stuck: every thread is waiting, and no one is left to signal"])
                #expect(summary.hasPrefix("# produce broken onecv: 2 producers, 2 consumers, stuck after "))
                #expect(summary.contains(" messages consumed, "))
                #expect(summary.hasSuffix(" killed; the correct queue has two condition variables, so a take wakes a producer and a put a consumer, never one of their own"))
                return
            }
            Issue.record("no run of 20 got stuck")
        }

        @Test("Ctrl-C at the terminal while every thread waits: interrupted at once, no child left, one thread in forklab")
        func interruptEndsAStuckQueue() throws {
            let live = LiveForklab(terminal: [])
            live.expect("forklab> ")
            // A watchdog that will not look for a minute: only the Ctrl-C ends it.
            live.send("produce 2 consume 2 capacity 1 messages 1000 broken onecv timeout 60\r")
            let program = try #require(childrenNamed("forklab", of: live.pid).first)
            for _ in 0..<200 where threadCount(of: program.pid) < 5 { usleep(10_000) }
            live.send("\u{3}")
            live.expect("forklab: interrupted\r\n")
            live.expect("forklab> ")
            #expect(children(of: live.pid).isEmpty)
            #expect(kill(program.pid, 0) == -1 && errno == ESRCH)
            #expect(threadCount(of: live.pid) == 1)
            live.send("q\r")
            #expect(live.waitForExit() == Ending(exitCode: 0))
        }

        @Test("SIGTERM to a piped forklab while the queue is stuck: the program is killed and reaped, nothing is left")
        func sigtermEndsAStuckQueue() throws {
            let live = LiveForklab(pipes: [])
            live.send("produce 2 consume 2 capacity 1 messages 1000 broken onecv timeout 60\nfork 1\n")
            let program = try #require(childrenNamed("forklab", of: live.pid).first)
            for _ in 0..<200 where threadCount(of: program.pid) < 5 { usleep(10_000) }
            kill(live.pid, SIGTERM)
            #expect(live.waitForExit() == Ending(exitCode: nil, signal: SIGTERM))
            #expect(kill(program.pid, 0) == -1 && errno == ESRCH)
            #expect(!live.unconsumed.contains("Hello from parent"))
        }
    }
}
