import Foundation
import Testing

/// race end to end: the locked count exact, the unlocked one never above it.
extension EndToEnd.ThreadExperiments {
    @Suite struct Race {
        @Test("race: the locked count is exact, the unlocked one never above it")
        func race() throws {
            let result = forklab("race 4 count 100000")
            #expect(result.status == 0)
            let lines = result.traceLines
            try #require(lines.count == 2)
            let unlocked = try #require(try /race nolock: expected 400000 got (\d+) lost (\d+)/.wholeMatch(in: lines[0]))
            let got = try #require(Int(unlocked.1))
            #expect(got <= 400_000 && got > 0)
            #expect(Int(unlocked.2) == 400_000 - got)
            #expect(lines[1] == "race lock: expected 400000 got 400000 lost 0")
            #expect(result.stdoutLines.last?.hasPrefix("# race: 4 threads × 100000 increments; without the mutex ") == true)
        }
    }
}
