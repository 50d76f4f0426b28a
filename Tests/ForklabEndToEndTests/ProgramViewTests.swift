import Foundation
import Testing

/// `timeline` and `save` after a program of its own (`exit after T`), run
/// for real: the program is a process, each of its threads a lane, and the
/// threads its exit ended are marked cut off.
extension EndToEnd {
    @Suite struct ProgramViews {
        @Test("after threads … exit after T, timeline draws the program and a lane per thread, each cut off; save holds the program as a process")
        func threadsCutOffByTheirProgramsExit() throws {
            let folder = temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let path = folder.appendingPathComponent("program.json").path
            // 20 lines 0.05 s apart take 1 s: every thread is still running at 0.12 s.
            let result = forklab("threads 3 count 20 sleep 0.05 exit after 0.12; timeline width 120 ascii; save \(path)")
            #expect(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)")
            let summary = try #require(result.stdoutLines.first { $0.hasPrefix("# threads: ") })
            let pidText = try #require(summary.split(separator: "(pid ").last?.prefix { $0.isNumber })
            let program = try #require(Int(pidText))

            let lanes = result.stdoutLines.drop { !$0.hasPrefix("timeline of threads 3") }
            #expect(lanes.filter { $0.hasPrefix("forklab \(result.pid) ") }.count == 1)
            let programLane = try #require(lanes.first { $0.hasPrefix("program \(program) ") })
            #expect(programLane.contains("E") && programLane.contains("*") && programLane.contains("R"), "\(programLane)")
            for thread in 0..<3 {
                let lane = lanes.filter { $0.hasPrefix("thread \(thread) ") }
                #expect(lane.count == 1, "\(lanes)")
                // Started, never returned, cut off: `thread 0`, then `[`…`/` with no `]`, then its note.
                let words = lane.first?.split(separator: " ").map(String.init) ?? []
                #expect(words.count == 5, "\(lane)")
                let drawn = words.count > 2 ? words[2] : ""
                #expect(drawn.first == "[" && drawn.last == "/" && !drawn.contains("]"), "\(lane)")
            }
            #expect(lanes.contains { $0.contains("/ cut off: its program ended while the thread ran") })

            let trace = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
            let events = trace["traceEvents"] as! [[String: Any]]
            func meta(_ kind: String) -> [[String: Any]] {
                events.filter { $0["ph"] as? String == "M" && $0["name"] as? String == kind }
            }
            func name(_ event: [String: Any]) -> String? { (event["args"] as? [String: Any])?["name"] as? String }
            let processes = meta("process_name").map { ($0["pid"] as! Int, name($0)!) }
            #expect(processes.map(\.0) == [Int(result.pid), program])
            #expect(processes.map(\.1) == ["forklab", "program \(program)"])
            let threads = meta("thread_name").filter { $0["pid"] as? Int == program && $0["tid"] as? Int != program }
            #expect(Set(threads.compactMap(name)) == ["thread 0", "thread 1", "thread 2"])
            let cut = events.filter { $0["ph"] as? String == "X" && ($0["args"] as? [String: Any])?["cutOff"] as? Bool == true }
            #expect(Set(cut.compactMap { $0["name"] as? String })
                    == ["thread 0 (cut off)", "thread 1 (cut off)", "thread 2 (cut off)"])
            #expect(cut.allSatisfy { $0["pid"] as? Int == program })
        }
    }
}
