import Foundation
import Testing

/// How the threads' lines reach stdout: whole, never torn, through a pipe and
/// a file; one write(2) a line at a terminal, gathered through a pipe.
extension EndToEnd.ThreadExperiments {
    @Suite struct Writes {
        @Test("locked: 8 threads × 5000 lines arrive as 40000 whole lines, through a pipe and a file",
              arguments: Sink.allCases)
        func lockedNeverTears(sink: Sink) {
            let result = forklab("threads 8 count 5000", RunOptions(stdoutToFile: sink == .file))
            #expect(result.status == 0)
            let lines = result.traceLines
            #expect(lines.count == 40_001)
            #expect(lines.last == "Main thread exiting...")
            // Every line whole, each thread's counts in order from 0, none missing.
            let counted = countedLines(Array(result.stdout.utf8), threads: 8)
            #expect(counted.malformed == 0)
            #expect(counted.perThread == [Int](repeating: 5000, count: 8))
        }

        @Test("at a terminal each line is its own write(2); through a pipe the lines are gathered into one")
        func writesAtATerminalAndThroughAPipe() throws {
            let terminal = LiveForklab(terminal: [])
            terminal.expect("forklab> ")
            let before = try #require(writeCalls(of: terminal.pid))
            terminal.send("threads 3 count 50\r")
            let seen = terminal.expect("# threads: 3 threads started and joined, 150 lines written") ?? ""
            terminal.expect("forklab> ")
            let atTerminal = try #require(writeCalls(of: terminal.pid)) - before
            let shown = countedLines(Array(seen.replacingOccurrences(of: "\r\n", with: "\n").utf8), threads: 3)
            #expect(shown.perThread == [50, 50, 50])
            // 150 lines and the main line, each written when printed; the echo and prompt come on top.
            #expect(atTerminal >= 151)
            terminal.send("q\r")
            #expect(terminal.waitForExit() == Ending(exitCode: 0))

            let piped = LiveForklab(pipes: [])
            piped.send("fork 1\n")
            piped.expect("# fork: 1 child forked")
            let start = try #require(writeCalls(of: piped.pid))
            piped.send("threads 3 count 50\n")
            piped.expect("# threads: 3 threads started and joined, 150 lines written")
            let throughPipe = try #require(writeCalls(of: piped.pid)) - start
            // The 151 lines in one write, the summary in another, and the
            // last thread's wake-up of the main thread through its self-pipe.
            // That last write is a thread's: once in a full-suite run it was
            // not yet in the process's count when the summary was read (2),
            // so the count is 2 or 3; one write a line would make it 151+.
            #expect((2...3).contains(throughPipe))
            piped.closeInput()
            #expect(piped.waitForExit() == Ending(exitCode: 0))
        }
    }
}
