import Foundation
import Testing

/// produce end to end: each message consumed once, whole, then the main
/// line; unbounded or with a bounded queue.
extension EndToEnd.ThreadExperiments {
    @Suite struct Produce {
        @Test("produce 4 consume 2 messages 10000: each of the 40000 messages once, whole, then the main line, through a pipe and a file",
              arguments: Sink.allCases)
        func produceGathered(sink: Sink) {
            let result = forklab("produce 4 consume 2 messages 10000", RunOptions(stdoutToFile: sink == .file))
            #expect(result.status == 0)
            #expect(result.stderr == "")
            let lines = result.traceLines
            #expect(lines.count == 40_001)
            #expect(lines.last == "Main thread exit")
            // 40000 whole lines, none repeated, each a message that was put: each message exactly once.
            let consumed = consumerLines(Array(result.stdout.utf8), producers: 4, messages: 10_000)
            #expect(consumed.malformed == 0 && consumed.repeated == 0 && consumed.lines == 40_000)
            #expect(result.stdoutLines.last?.hasPrefix("# produce: 40000 produced, 40000 consumed, 0 lost; 4 producers and 2 consumers joined") == true)
        }

        @Test("produce 4 consume 2: 16 messages, each consumed once, then Main thread exit", arguments: Sink.allCases)
        func producerConsumer(sink: Sink) {
            let result = forklab("produce 4 consume 2", RunOptions(stdoutToFile: sink == .file))
            #expect(result.status == 0)
            #expect(result.stderr == "")
            let lines = result.traceLines
            #expect(lines.last == "Main thread exit")
            var seen: [String] = []
            for line in lines.dropLast() {
                guard let match = try? /consumer ([01]) got => \[producer id=([0-3]), count=([0-3])\]/.wholeMatch(in: line) else {
                    Issue.record("unexpected line \(line.debugDescription)")
                    continue
                }
                seen.append("\(match.2) \(match.3)")
            }
            #expect(seen.sorted() == (0..<4).flatMap { p in (0..<4).map { "\(p) \($0)" } }.sorted())
            #expect(result.stdoutLines.last?.hasPrefix("# produce: 16 produced, 16 consumed, 0 lost; 4 producers and 2 consumers joined") == true)
        }

        @Test("consume 3 produce 2 messages 100 capacity 5: the pairs in any order, a bounded queue")
        func boundedAnyOrder() {
            let result = forklab("consume 3 produce 2 messages 100 capacity 5")
            #expect(result.status == 0)
            #expect(result.traceLines.count == 201)
            #expect(Set(result.traceLines.dropLast()).count == 200)
            let summary = result.stdoutLines.last ?? ""
            #expect(summary.hasPrefix("# produce: 200 produced, 200 consumed, 0 lost; 2 producers and 3 consumers joined; the queue held at most "))
            #expect(summary.contains(" of 5, producers waited "))
        }
    }
}
