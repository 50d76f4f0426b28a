import CTestSupport
import Foundation
import Testing

/// What `timeline` and `save` need on top of what forklab holds, and what
/// they do when they cannot have it.
extension EndToEnd {
    @Suite struct ViewMemory {
        /// forklab's address space now (VmSize in /proc/PID/status), in bytes.
        static func addressSpace(_ pid: pid_t) -> Int? {
            guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
                  let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmSize:") }),
                  let kilobytes = Int(line.split(separator: " ", omittingEmptySubsequences: true)[1])
            else { return nil }
            return kilobytes * 1024
        }

        /// Sets forklab's RLIMIT_AS (the soft limit; the hard one stays) with prlimit(2).
        static func limitAddressSpace(_ pid: pid_t, to bytes: Int) -> Bool {
            ts_limit_address_space(pid, UInt64(bytes)) == 0
        }

        /// A forklab through pipes that has run `threads 10 count 20000`,
        /// which fills the record's 131072 marks, and whose address space is
        /// now limited to what it holds plus `headroom` bytes.
        static func afterFullRecord(headroom: Int) throws -> LiveForklab {
            let live = LiveForklab(pipes: [])
            live.send("threads 10 count 20000\n")
            try #require(live.expect("# threads: 10 threads started and joined", within: 120) != nil)
            live.expect("\n")
            let held = try #require(addressSpace(live.pid))
            try #require(limitAddressSpace(live.pid, to: held + headroom))
            return live
        }

        static let fullRecordEvents = 131_094  // 131072 lines, 10 starts and ends, the main thread's line, the summary

        @Test("after 131072 lines, timeline and save each need at most 20 MB more than forklab holds")
        func viewsFitInTwentyMegabytes() throws {
            let folder = temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let path = folder.appendingPathComponent("full.json").path
            let live = try Self.afterFullRecord(headroom: 20_000_000)
            live.send("timeline width 100 ascii\n")
            live.expect("timeline of threads 10 count 20000")
            live.expect("Only the first 131072 of 200000 lines, puts and gets were recorded")
            live.expect("] the thread returns")
            live.send("save \(path)\nfork 1\nq\n")
            live.expect("# fork: 1 child forked, 1 reaped, 0 left")
            #expect(live.waitForExit() == Ending(exitCode: 0))
            #expect(live.stderrText == "")
            let trace = try Data(contentsOf: URL(fileURLWithPath: path))
            #expect(trace.starts(with: Array("{\"traceEvents\":[\n".utf8)))
            #expect(String(decoding: trace.suffix(300), as: UTF8.self).contains(
                "\"keptMarks\":131072,\"droppedMarks\":68928,\"note\":\"68928 lines, puts and gets past the record's capacity were dropped\"}}\n"))
            #expect(trace.count > 10_000_000)
        }

        @Test("with too little memory, timeline and save each say so in one line, save leaves no file, and the session goes on")
        func viewsWithoutMemoryFailInOneLine() throws {
            let folder = temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let path = folder.appendingPathComponent("full.json").path
            let live = try Self.afterFullRecord(headroom: 1_000_000)
            live.send("timeline\nsave \(path)\nfork 1\nq\n")
            live.expect("# fork: 1 child forked, 1 reaped, 0 left")
            #expect(live.waitForExit() == Ending(exitCode: 1))
            let advice = "not enough memory for the last experiment's \(Self.fullRecordEvents) events; "
                + "raise the address-space limit (ulimit -v) or run a smaller experiment"
            #expect(live.stderrText == "forklab: line 2: timeline: \(advice)\nforklab: line 3: save: \(advice)\n")
            #expect(!FileManager.default.fileExists(atPath: path))
            #expect(!live.unconsumed.contains("timeline of"))
        }

        @Test("under any limit from what forklab holds to 8 MB more, a view is drawn or refused in one line, never a crash")
        func everyLimitDrawsOrRefuses() throws {
            let folder = temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let path = folder.appendingPathComponent("t.json").path
            // 4000 lines: each view needs a few MB, so the steps cross
            // the point where the check starts to pass.
            let live = LiveForklab(pipes: [])
            live.send("threads 4 count 1000\n")
            try #require(live.expect("# threads: 4 threads started and joined", within: 60) != nil)
            live.expect("\n")
            var drawn = 0, saved = 0, refused = 0
            for step in 1...32 {
                let held = try #require(Self.addressSpace(live.pid))
                try #require(Self.limitAddressSpace(live.pid, to: held + step * 250_000))
                // help is no experiment: the record stays. Its text marks the end.
                live.send("timeline width 60 ascii\nsave \(path) force\nhelp q\n")
                let output = try #require(live.expect("usage: q\n"), "step \(step)")
                if output.contains("timeline of threads 4 count 1000") { drawn += 1 }
                if FileManager.default.fileExists(atPath: path) {
                    saved += 1
                    try FileManager.default.removeItem(atPath: path)
                }
            }
            live.send("q\n")
            #expect(live.waitForExit() == Ending(exitCode: drawn + saved < 64 ? 1 : 0))
            let lines = live.stderrText.split(separator: "\n")
            for line in lines {
                #expect(line.contains(": not enough memory for the last experiment's 4010 events; raise"), "\(line)")
                refused += 1
            }
            #expect(drawn + saved + refused == 64)
            #expect(drawn > 0 && saved > 0 && refused > 0, "drawn \(drawn), saved \(saved), refused \(refused)")
        }
    }
}
