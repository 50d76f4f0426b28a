import Foundation
import Testing

/// `deadlock` with both cores kept busy by two CPU loops: issue 15 asks that
/// a ring of 2 and of 5 be caught every time (20 runs each) within T plus a
/// margin, with the right cycle, that `ordered` never deadlock, and that
/// nothing be left after each run. One forklab reads the commands through a
/// pipe, one at a time, with `--json`, so that /proc can be checked between
/// runs and the whole stays quick.
extension EndToEnd.ThreadExperiments {
    @Suite(.serialized) struct DeadlockUnderLoad {
        /// Two CPU loops, one per core here, killed and reaped by `end`
        /// (and by deinit, when a `#require` leaves the test early). Each
        /// may use 60 s of CPU at most (`ulimit -t`), so that even a test
        /// that crashes leaves no loop spinning for ever.
        final class BusyCores {
            let pids: [pid_t]

            init(_ count: Int = 2) {
                pids = (0..<count).map { _ in
                    spawnProcess("/bin/sh", ["-c", "ulimit -t 60; while :; do :; done"], environment: [:],
                                 stdin: -1, stdout: -1, stderr: -1)
                }
            }

            /// Whether every loop is still running (not ended, not a zombie).
            var allRunning: Bool {
                let running = Set(allProcesses().filter { $0.state != "Z" }.map(\.pid))
                return pids.allSatisfy(running.contains)
            }

            /// Kills and reaps them; safe to call twice.
            func end() {
                for pid in pids where kill(pid, SIGKILL) == 0 { _ = reap(pid) }
            }

            deinit { end() }
        }

        /// One run in the live session: the command sent, the JSON objects
        /// it printed up to and including its summary.
        private func run(_ command: String, in live: LiveForklab) throws -> [[String: Any]] {
            live.send(command + "\n")
            // The deadline is against a hang, not a speed claim: T is 0.1 s.
            let seen = try #require(live.expect("\"event\":\"summary\"", within: 10))
                + (live.expect("\n", within: 10) ?? "")
            return try seen.split(separator: "\n").map {
                try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
            }
        }

        /// What every run must leave: its program gone (reaped, no such
        /// process), forklab without a child and with one thread.
        private func expectNothingLeft(_ summary: [String: Any], by live: LiveForklab, after command: String) {
            let program = pid_t(summary["program"] as? Int ?? 0)
            #expect(program > 0, "\(command): the summary names the program")
            #expect(kill(program, 0) == -1 && errno == ESRCH, "\(command): program \(program) still exists")
            #expect(children(of: live.pid).isEmpty, "\(command): forklab has a child left")
            #expect(threadCount(of: live.pid) == 1, "\(command): forklab has more than one thread")
        }

        @Test("both cores busy, one --json session: deadlock 2 and deadlock 5 timeout 0.1 are caught 20 times each, with the exact cycle, detected after at least T and within 10 s, the program reaped, forklab left with no child and one thread")
        func ringsAreCaughtEveryTimeUnderLoad() throws {
            let load = BusyCores()
            defer { load.end() }
            let live = LiveForklab(pipes: ["--json"])
            for n in [2, 5] {
                let cycle = (0..<n).map { "[\($0)] holds m\($0), waits for m\(($0 + 1) % n)" }
                for run in 1...20 {
                    let command = "deadlock \(n) timeout 0.1"
                    let objects = try self.run(command, in: live)
                    let label = "\(command), run \(run)"
                    #expect(objects.filter { $0["event"] as? String == "deadlock_wait" }.map { $0["text"] as? String }
                        == cycle, "\(label)")
                    #expect(objects.filter { $0["event"] as? String == "deadlock_cycle" }.map { $0["text"] as? String }
                        == ["deadlock: a cycle of \(n) threads, each waiting for the next"], "\(label)")
                    #expect(!objects.contains { $0["event"] as? String == "holds_both" }, "\(label)")
                    let summary = try #require(objects.last)
                    #expect(summary["experiment"] as? String == "deadlock", "\(label)")
                    #expect(summary["finished"] as? Int == 0, "\(label)")
                    #expect(summary["cycle"] as? Int == n, "\(label)")
                    // Nothing may be caught before nothing has moved for T.
                    let detected = summary["detected_ns"] as? Int ?? 0
                    #expect(detected >= 100_000_000 && detected < 10_000_000_000, "\(label): detected after \(detected) ns")
                    expectNothingLeft(summary, by: live, after: label)
                }
            }
            #expect(load.allRunning, "a busy loop ended early: the runs were not under load")
            live.closeInput()
            #expect(live.waitForExit() == Ending(exitCode: 0))
            #expect(live.stderrText == "")
        }

        @Test("both cores busy, one --json session: deadlock 5 ordered finishes 20 times, every thread prints its line, no cycle is reported, nothing is left after each")
        func orderedNeverDeadlocksUnderLoad() throws {
            let load = BusyCores()
            defer { load.end() }
            let live = LiveForklab(pipes: ["--json"])
            let lines = (0..<5).map { "[\($0)] has m\($0) and m\(($0 + 1) % 5)" }
            for run in 1...20 {
                let objects = try self.run("deadlock 5 ordered", in: live)
                let label = "deadlock 5 ordered, run \(run)"
                #expect(objects.filter { $0["event"] as? String == "holds_both" }.compactMap { $0["text"] as? String }
                    .sorted() == lines, "\(label)")
                #expect(!objects.contains { ($0["event"] as? String)?.hasPrefix("deadlock_") == true }, "\(label)")
                let summary = try #require(objects.last)
                #expect(summary["ordered"] as? Bool == true, "\(label)")
                #expect(summary["finished"] as? Int == 5, "\(label)")
                #expect(summary["cycle"] as? Int == 0, "\(label)")
                #expect(summary["detected_ns"] == nil, "\(label)")
                expectNothingLeft(summary, by: live, after: label)
            }
            #expect(load.allRunning, "a busy loop ended early: the runs were not under load")
            live.closeInput()
            #expect(live.waitForExit() == Ending(exitCode: 0))
            #expect(live.stderrText == "")
        }
    }
}
