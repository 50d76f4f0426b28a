import Foundation
import Testing

/// A small seeded generator, so that a failure can be replayed.
private struct SplitMix {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

extension EndToEnd {
    @Suite struct Fuzz {
        /// What a run of any input may end with: a result or error lines.
        private func expectSurvived(_ result: RunResult, _ label: String) {
            #expect(result.ending.timedOut == false, "\(label): hung")
            #expect(result.ending.signal == nil, "\(label): \(result.ending)")
            #expect(result.status == 0 || result.status == 1, "\(label): \(result.ending)")
            for line in result.stderrLines {
                #expect(line.hasPrefix("forklab: line "), "\(label): \(line.debugDescription)")
                #expect(line.utf8.count < 400, "\(label): a long error line")
            }
        }

        @Test("random bytes on stdin never crash or hang forklab", arguments: [1, 2, 3, 4] as [UInt64])
        func randomBytes(seed: UInt64) {
            var random = SplitMix(state: seed)
            var bytes: [UInt8] = []
            for _ in 0..<16_384 {
                let byte = UInt8(truncatingIfNeeded: random.next())
                bytes.append(byte == UInt8(ascii: "q") ? UInt8(ascii: "x") : byte)  // keep going to the end
            }
            expectSurvived(runForklab([], RunOptions(stdin: bytes)), "seed \(seed)")
        }

        @Test("random lines of the language's own words never crash or hang forklab", arguments: [11, 12, 13] as [UInt64])
        func randomWords(seed: UInt64) {
            var random = SplitMix(state: seed)
            let words = ["fork", "forkexit", "spawn", "help", "set", "repeat", "format", "book", "json", "on",
                         "off", "1", "2", "0", "-1", "10001", "99999999999999999999999", "1_0", "--", "'", "\"",
                         ";", "#", "\\", "nosuch-program-forklab", "\u{0}", "\u{ff}", "é", "\u{301}", "\t"]
            var script = ""
            for _ in 0..<300 {
                let count = random.below(6)
                script += (0..<count).map { _ in words[random.below(words.count)] }.joined(separator: " ") + "\n"
            }
            expectSurvived(runForklab([], RunOptions(stdin: Array(script.utf8))), "seed \(seed)")
        }

        @Test("a 200 KB line gives one short error line")
        func hugeLine() {
            let line = String(repeating: "x", count: 200_000) + "\nfork 1\n"
            let result = runForklab([], RunOptions(stdin: Array(line.utf8)))
            #expect(result.status == 1)
            #expect(result.stderrLines == ["forklab: line 1: unknown command '\(String(repeating: "x", count: 40))…' (type 'help' for the commands)"])
            #expect(result.stdoutLines.contains { $0.hasPrefix("# fork: 1 child forked") })
        }

        @Test("a line over 1 MiB is skipped with one error line, and the script goes on")
        func overlongLine() {
            var input = [UInt8](repeating: UInt8(ascii: "x"), count: 3_000_000)
            input += Array("\nfork 1\n".utf8) + [UInt8](repeating: UInt8(ascii: "y"), count: 2_000_000)
            let result = runForklab([], RunOptions(stdin: input))
            #expect(result.status == 1)
            #expect(result.stderrLines == [
                "forklab: line 1: line longer than 1048576 bytes; skipped",
                "forklab: line 3: line longer than 1048576 bytes; skipped",
            ])
            #expect(result.stdoutLines.contains { $0.hasPrefix("# fork: 1 child forked") })
        }

        @Test("from a FILE, a line one byte over 1 MiB is skipped too; one of exactly 1 MiB is read")
        func limitIsExact() throws {
            let folder = temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let script = folder.appendingPathComponent("long.lab")
            let atLimit = "#" + String(repeating: "x", count: 1_048_575)  // a comment: no error
            let overLimit = String(repeating: "y", count: 1_048_577)
            try (atLimit + "\n" + overLimit + "\nfork 1\n").write(to: script, atomically: true, encoding: .utf8)
            let result = runForklab([script.path])
            #expect(result.status == 1)
            #expect(result.stderrLines == ["forklab: line 2: line longer than 1048576 bytes; skipped"])
            #expect(result.stdoutLines.contains { $0.hasPrefix("# fork: 1 child forked") })
        }

        @Test("invalid UTF-8 and control bytes are shown escaped, not passed through")
        func invalidUTF8() {
            let bytes: [UInt8] = Array("frok".utf8) + [0xff, 0xfe, 0x1b, 0x07] + [0x0a]
            let result = runForklab([], RunOptions(stdin: bytes))
            #expect(result.status == 1)
            #expect(result.stderrLines == ["forklab: line 1: unknown command 'frok\\xff\\xfe\\x1b\\x07' (type 'help' for the commands)"])
        }
    }
}
