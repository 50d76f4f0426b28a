import Foundation
import Testing

/// `fork N buffered` and `forkexit N buffered` as the book's program behaves:
/// through a pipe or into a file no child line comes, at a terminal all do.
extension EndToEnd {
    @Suite struct BufferedFork {
        enum Sink: CaseIterable { case pipe, file }

        @Test("fork 3 buffered through a pipe and into a file: no child line, and the summary counts 3 lost",
              arguments: Sink.allCases)
        func noChildLineOutsideATerminal(sink: Sink) {
            let result = forklab("fork 3 buffered", RunOptions(stdoutToFile: sink == .file))
            #expect(result.status == 0)
            #expect(result.stderr == "")
            let lines = result.traceLines.compactMap(TraceLine.init)
            #expect(lines.count == 3)
            #expect(lines.allSatisfy { $0.kind == .parentHello })
            let summary = result.stdoutLines.last ?? ""
            #expect(summary.hasPrefix("# fork: 3 children forked, 3 reaped, 0 left; 3 child lines lost in buffers that "
                + "_exit threw away (stdout is not a terminal, so block-buffered, 4096 bytes); "))
        }

        @Test("forkexit 2 buffered through a pipe: only the parent's lines, exit codes as ever, 2 lost",
              arguments: Sink.allCases)
        func forkExitLosesOnlyChildLines(sink: Sink) {
            let result = forklab("forkexit 2 buffered", RunOptions(stdoutToFile: sink == .file))
            #expect(result.status == 0)
            let lines = result.traceLines.compactMap(TraceLine.init)
            #expect(lines.count == 2)
            #expect(lines.allSatisfy { $0.kind == .parentGot && $0.numbers.dropFirst() == [256, 1] })
            #expect(result.stdoutLines.last?.contains("; 2 child lines lost in buffers that _exit threw away") == true)
        }

        @Test("fork 3 buffered in JSON through a pipe: no child or exit object; the summary has lost 6")
        func jsonLosesTheChildrensObjects() throws {
            let result = runForklab(["--json", "-c", "fork 3 buffered"])
            #expect(result.status == 0)
            let events = result.stdoutLines.map { line in
                line.split(separator: ",").first { $0.hasPrefix("\"event\":") } ?? ""
            }
            #expect(multiset(events) == ["\"event\":\"fork\"": 3, "\"event\":\"wait\"": 3, "\"event\":\"summary\"": 1])
            let summary = try #require(result.stdoutLines.last)
            #expect(summary.contains(",\"experiment\":\"fork\",\"buffering\":\"block\",\"buffer\":4096,\"lost\":6,"))
        }

        @Test("fork 3 buffered at a terminal: every child line comes, none lost")
        func everyChildLineAtATerminal() {
            let home = temporaryFolder()
            defer { try? FileManager.default.removeItem(at: home) }
            let live = LiveForklab(terminal: ["-c", "fork 3 buffered"],
                                   environment: testEnvironment(home: home, extra: ["NO_COLOR": "1"]))
            #expect(live.waitForExit() == Ending(exitCode: 0))
            let text = String(decoding: live.transcript, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
            let lines = text.split(separator: "\n").map(String.init)
            let parsed = lines.compactMap(TraceLine.init)
            let parents = parsed.filter { $0.kind == .parentHello }.map { $0.numbers[1] }
            let children = parsed.filter { $0.kind == .childHello }.map { $0.numbers[0] }
            #expect(parents.count == 3)
            #expect(multiset(children) == multiset(parents))
            #expect(lines.last?.hasPrefix("# fork: 3 children forked, 3 reaped, 0 left; no child line lost: stdout is "
                + "a terminal, so each child's buffer was flushed at its newline, before _exit; ") == true)
        }

        @Test("TAB completes buffered, and Enter repeats fork 2 buffered as typed")
        func completedAndRepeated() {
            let live = LiveForklab(terminal: [])
            live.expect("forklab> ")
            live.send("fork 2 buf\t\r")
            live.expect("# fork: 2 children forked, 2 reaped, 0 left; no child line lost: stdout is a terminal")
            live.expect("forklab> ")
            live.send("\r")
            guard let repeated = live.expect("forklab> ") else { return }
            #expect(repeated.contains("# fork: 2 children forked, 2 reaped, 0 left; no child line lost: stdout is a terminal"))
            live.send("q\r")
            #expect(live.waitForExit() == Ending(exitCode: 0))
        }
    }
}

