import Foundation
import Testing

/// The waits of `deadlock` in `timeline`, `save` and `--json`: a caught
/// ring's threads wait for good, up to their cut-off, and forklab's catch
/// is drawn and written; an `ordered` ring's waits all end.
extension EndToEnd.ThreadExperiments {
    @Suite struct DeadlockViews {
        private func objects(_ result: RunResult) throws -> [[String: Any]] {
            try result.stdoutLines.map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        }

        /// The saved trace's events.
        private func savedTrace(_ commands: String) throws -> (events: [[String: Any]], parent: Int) {
            let path = temporaryFolder().appendingPathComponent("trace.json").path
            let result = forklab("\(commands); save \(path)")
            #expect(result.status == 0)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))
                as? [String: Any])
            let parent = try #require((object["otherData"] as? [String: Any])?["parent"] as? Int)
            return (try #require(object["traceEvents"] as? [[String: Any]]), parent)
        }

        /// Each ring thread's tid by its number, from its life's slice (`thread 2`, `thread 2 (cut off)`).
        private func threadTids(_ events: [[String: Any]], _ n: Int) throws -> [Int] {
            try (0..<n).map { number in
                let life = try #require(events.first {
                    $0["ph"] as? String == "X" && ($0["name"] as? String)?.hasPrefix("thread \(number)") == true
                })
                return try #require((life["args"] as? [String: Any])?["tid"] as? Int)
            }
        }

        private func nanoseconds(_ microseconds: Any?) -> Int {
            Int((((microseconds as? NSNumber)?.doubleValue ?? -1) * 1000).rounded())
        }

        @Test("timeline after deadlock 3 timeout 0.1: each thread's lane waits ░ (: in ASCII) up to its cut-off ✗, forklab's lane shows the catch !, and the legend says both")
        func timelineShowsWaitsToTheCutOffAndTheCatch() {
            let result = forklab("deadlock 3 timeout 0.1; timeline width 100 unicode; timeline width 100 ascii")
            #expect(result.status == 0)
            let lines = result.stdoutLines
            for (wait, cut) in [("░", "✗"), (":", "/")] {
                let lanes = (0..<3).map { number in lines.filter { $0.hasPrefix("thread \(number) ") && $0.contains(cut) } }
                for (number, lane) in lanes.enumerated() {
                    #expect(lane.count == 1 && lane[0].contains(wait + cut) && lane[0].hasSuffix(" 0 lines"),
                            "thread \(number): \(lane)")
                }
                #expect(lines.contains { $0.contains("\(wait)\(wait)\(wait) waits for a mutex (pthread_mutex_lock)") })
            }
            #expect(lines.filter { $0.hasPrefix("forklab ") && $0.contains("!") }.count == 2)
            #expect(lines.filter { $0.contains("! forklab catches the deadlock: each thread waits for the next") }.count == 2)
        }

        @Test("save after deadlock 3 timeout 0.1: each thread holds m<i> and waits for m<i+1> to its cut-off, ended false; the catch is an instant on forklab's track")
        func savedDeadlockHasWaitsToTheCutOff() throws {
            let (events, parent) = try savedTrace("deadlock 3 timeout 0.1")
            let tids = try threadTids(events, 3)
            for (number, tid) in tids.enumerated() {
                let life = try #require(events.first { $0["ph"] as? String == "X" && $0["name"] as? String == "thread \(number) (cut off)" })
                let cutOff = nanoseconds(life["ts"]) + nanoseconds(life["dur"])
                let own = events.filter { $0["ph"] as? String == "X" && $0["tid"] as? Int == tid }
                for name in ["holds m\(number)", "waits for m\((number + 1) % 3)"] {
                    let slice = try #require(own.first { $0["name"] as? String == name }, "thread \(number): \(name)")
                    #expect((slice["args"] as? [String: Any])?["ended"] as? Bool == false, "\(name)")
                    #expect(abs(nanoseconds(slice["ts"]) + nanoseconds(slice["dur"]) - cutOff) <= 1, "\(name)")
                }
            }
            let caught = events.filter { $0["name"] as? String == "caught" }
            try #require(caught.count == 1)
            #expect(caught[0]["ph"] as? String == "i" && caught[0]["pid"] as? Int == parent && caught[0]["tid"] as? Int == parent)
            let args = caught[0]["args"] as? [String: Any]
            #expect(args?["what"] as? String == "deadlock" && args?["threads"] as? Int == 3)
        }

        @Test("save after deadlock 3 ordered: each thread's two waits end where its holds of the same mutexes begin, and its holds end; no catch")
        func savedOrderedRingHasWaitsThatEnd() throws {
            let (events, _) = try savedTrace("deadlock 3 ordered")
            for (number, tid) in try threadTids(events, 3).enumerated() {
                let own = events.filter { $0["ph"] as? String == "X" && $0["tid"] as? Int == tid }
                let waits = own.filter { ($0["name"] as? String)?.hasPrefix("waits for m") == true }
                let holds = own.filter { ($0["name"] as? String)?.hasPrefix("holds m") == true }
                let mutexes = [number, (number + 1) % 3].sorted()
                #expect(waits.compactMap { ($0["args"] as? [String: Any])?["mutex"] as? Int } == mutexes, "thread \(number)")
                #expect(holds.compactMap { ($0["args"] as? [String: Any])?["mutex"] as? Int } == mutexes, "thread \(number)")
                for slice in waits + holds { #expect((slice["args"] as? [String: Any])?["ended"] == nil) }
                for (wait, hold) in zip(waits, holds) {
                    #expect(abs(nanoseconds(wait["ts"]) + nanoseconds(wait["dur"]) - nanoseconds(hold["ts"])) <= 1)
                }
            }
            #expect(!events.contains { $0["name"] as? String == "caught" })
        }

        @Test("--json deadlock 3 timeout 0.1: after the program's wait object, forklab writes each thread's lock_wait and lock_hold, those it never came back from ended false, and the caught object at the summary's detected_ns")
        func jsonCarriesWaitsHoldsAndTheCatch() throws {
            let result = forklab("set format json; deadlock 3 timeout 0.1")
            #expect(result.status == 0)
            let objects = try objects(result)
            let names = objects.map { $0["event"] as? String ?? "" }
            let reaped = try #require(names.firstIndex(of: "wait")), cycle = try #require(names.firstIndex(of: "deadlock_wait"))
            let program = try #require(objects[reaped]["child"] as? Int)
            let waits = objects.enumerated().filter { ["lock_wait", "lock_hold", "caught"].contains(names[$0.offset]) }
            #expect(waits.allSatisfy { $0.offset > reaped && $0.offset < cycle })
            #expect(waits.allSatisfy { $0.element["program"] as? Int == program })
            for number in 0..<3 {
                let own = objects.filter { $0["thread"] as? Int == number && $0["thread_tid"] != nil }
                let lockWaits = own.filter { $0["event"] as? String == "lock_wait" }
                let holds = own.filter { $0["event"] as? String == "lock_hold" }
                #expect(lockWaits.map { $0["mutex"] as? Int } == [number, (number + 1) % 3], "thread \(number)")
                #expect(lockWaits.map { $0["ended"] as? Bool } == [nil, false], "thread \(number)")
                #expect(lockWaits.first?["ns"] is Int && lockWaits.last?["ns"] == nil)
                #expect(holds.map { $0["mutex"] as? Int } == [number] && holds.first?["ended"] as? Bool == false)
            }
            let caught = try #require(objects.first { $0["event"] as? String == "caught" })
            #expect(caught["what"] as? String == "deadlock" && caught["threads"] as? Int == 3)
            #expect(caught["t"] as? Int == objects.last?["detected_ns"] as? Int)
        }

        @Test("--json deadlock 3 ordered: two lock_wait and two lock_hold objects a thread, each with its ns, none ended false, no caught")
        func jsonOrderedWaitsAllEnd() throws {
            let result = forklab("set format json; deadlock 3 ordered")
            #expect(result.status == 0)
            let objects = try objects(result)
            for number in 0..<3 {
                let own = objects.filter { $0["thread"] as? Int == number && $0["thread_tid"] != nil }
                let mutexes = [number, (number + 1) % 3].sorted()
                for event in ["lock_wait", "lock_hold"] {
                    let mine = own.filter { $0["event"] as? String == event }
                    #expect(mine.map { $0["mutex"] as? Int } == mutexes, "thread \(number) \(event)")
                    #expect(mine.allSatisfy { $0["ns"] is Int && $0["ended"] == nil }, "thread \(number) \(event)")
                }
            }
            #expect(!objects.contains { $0["event"] as? String == "caught" })
        }
    }
}
