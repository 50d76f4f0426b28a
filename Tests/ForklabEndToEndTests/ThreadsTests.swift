import Foundation
import Testing

/// threads end to end: the book's _thread programs, joined or not, locked or
/// not, every line there and each thread's lines in order.
extension EndToEnd.ThreadExperiments {
    @Suite struct Threads {
        @Test("threads 10 count 100: exactly the 1000 lines, each thread in order, the main line last",
              arguments: Sink.allCases)
        func threadingProgram(sink: Sink) {
            let result = forklab("threads 10 count 100", RunOptions(stdoutToFile: sink == .file))
            #expect(result.status == 0)
            #expect(result.stderr == "")
            let lines = result.traceLines
            #expect(lines.count == 1001)
            #expect(lines.last == "Main thread exiting...")
            var next = [Int](repeating: 0, count: 10)
            for line in lines.dropLast() {
                guard let match = try? /\[(\d)\] => (\d+)/.wholeMatch(in: line) else {
                    Issue.record("not a whole line: \(line.debugDescription)")
                    continue
                }
                let thread = Int(match.1)!
                #expect(Int(match.2)! == next[thread])
                next[thread] += 1
            }
            #expect(next == [Int](repeating: 100, count: 10))
            #expect(result.stdoutLines.last?.hasPrefix("# threads: 10 threads started and joined, 1000 lines written; ") == true)
        }

        @Test("threads … nojoin: the main line comes first, once, as in the _thread programs")
        func nojoin() {
            let result = forklab("threads 10 count 100 nojoin")
            #expect(result.status == 0)
            let lines = result.traceLines
            #expect(lines.count == 1001)
            #expect(lines.first == "Main thread exiting...")
            #expect(lines.filter { $0 == "Main thread exiting..." }.count == 1)
        }

        @Test("threads 5 count 5 nolock nojoin (_thread Basic): every piece of text arrives, one newline a line")
        func threadBasic() {
            let result = forklab("threads 5 count 5 nolock nojoin")
            #expect(result.status == 0)
            #expect(result.stdout.hasPrefix("Main thread exiting...\n"))
            let trace = result.stdout.prefix { $0 != "#" }
            #expect(trace.filter { $0 == "\n" }.count == 26)
            let pieces = trace.replacingOccurrences(of: "\n", with: "")
                .replacingOccurrences(of: "[", with: "\n[").replacingOccurrences(of: "Main", with: "\nMain")
                .split(separator: "\n").map(String.init)
            var expected = (0..<5).flatMap { thread in (0..<5).map { "[\(thread)] => \($0)" } }
            expected.append("Main thread exiting...")
            #expect(pieces.sorted() == expected.sorted())
        }
    }
}
