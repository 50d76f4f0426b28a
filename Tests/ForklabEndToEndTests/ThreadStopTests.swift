import Foundation
import Testing

/// What stops a thread experiment: Ctrl-C at a terminal and in a script,
/// SIGTERM, a blocked write, a closed stdout; and all that came out is whole.
extension EndToEnd.ThreadExperiments {
    @Suite struct Stops {
        @Test("forklab | tee at a terminal: Ctrl-C stops threads; every line handed over is out, whole, as the summary counts; one thread left")
        func interruptWithStdoutPiped() throws {
            let output = makePipe()
            let live = LiveForklab(terminal: [], stdout: output.write)
            close(output.write)
            let reader = PipeReader(output.read)
            live.expect("forklab> ")
            live.send("threads 4 count 1000000\r")
            // Wait until a gathered buffer went out, then stop.
            #expect(reader.wait { $0.count > 65536 })
            live.send("\u{3}")
            live.expect("forklab: interrupted\r\n")
            live.expect("forklab> ")
            #expect(settledThreadCount(of: live.pid) == 1)
            live.send("threads 2 count 3\r")
            live.expect("forklab> ")
            live.send("q\r")
            #expect(live.waitForExit() == Ending(exitCode: 0))
            let text = reader.finish()
            let parts = text.split(separator: Array("# threads: ".utf8), omittingEmptySubsequences: false)
            try #require(parts.count == 3)
            let stopped = countedLines(Array(parts[0]), threads: 4)
            #expect(stopped.malformed == 0)
            let written = stopped.perThread.reduce(0, +)
            #expect(written > 0 && written < 4_000_000)
            // The summary counts exactly the lines that came out, and starts a line of its own.
            let summary = String(decoding: parts[1].prefix { $0 != 0x0a }, as: UTF8.self)
            #expect(summary.hasPrefix("4 threads started and joined, \(written) of 4000000 lines written"), "\(summary)")
            #expect(parts[0].last == 0x0a)
            let next = countedLines(Array(parts[1].drop { $0 != 0x0a }.dropFirst()), threads: 2)
            #expect(next.malformed == 0 && next.perThread == [3, 3])
        }

        @Test("Ctrl-C at the terminal during threads 4 count 1000000 and a long produce: prompt back, one thread")
        func interruptAtTerminal() {
            let live = LiveForklab(terminal: [])
            live.expect("forklab> ")
            live.send("threads 4 count 1000000\r")
            live.expect("] => 1000\r\n")
            live.send("\u{3}")
            live.expect("forklab: interrupted\r\n")
            live.expect("forklab> ")
            #expect(settledThreadCount(of: live.pid) == 1)
            live.send("produce 4 consume 2 messages 10000000 capacity 1000\r")
            live.expect("consumer ")
            live.send("\u{3}")
            live.expect("forklab: interrupted\r\n")
            live.expect("forklab> ")
            #expect(settledThreadCount(of: live.pid) == 1)
            live.send("fork 1\r")
            live.expect("# fork: 1 child forked, 1 reaped, 0 left")
            live.send("q\r")
            #expect(live.waitForExit() == Ending(exitCode: 0))
        }

        @Test("Ctrl-C during a long produce in a script stops it: no main line, no next command, status 130")
        func interruptProduce() {
            let live = LiveForklab(pipes: [])
            live.send("produce 4 consume 2 messages 10000000 capacity 100\nfork 1\n")
            guard live.expect("consumer ") != nil else { return }
            kill(live.pid, SIGINT)
            #expect(live.waitForExit() == Ending(exitCode: 130))
            #expect(live.stderrText == "forklab: line 1: interrupted\n")
            #expect(!live.unconsumed.contains("Hello from parent"))
            #expect(!live.unconsumed.contains("Main thread exit"))
            // Each message at most once, every line whole, as many as the summary says were consumed.
            let text = live.transcript.split(separator: Array("# produce: ".utf8), omittingEmptySubsequences: false)
            let consumed = consumerLines(Array(text[0]), producers: 4, messages: 10_000_000)
            #expect(consumed.malformed == 0 && consumed.repeated == 0)
            if text.count > 1 {
                let summary = String(decoding: text[1].prefix { $0 != 0x0a }, as: UTF8.self)
                #expect(summary.contains(" produced, \(consumed.lines) consumed, 0 lost"), "\(summary)")
            }
        }

        @Test("SIGTERM during a long threads run: forklab ends by SIGTERM, quietly, running nothing more")
        func terminated() {
            let live = LiveForklab(pipes: [])
            live.send("threads 4 count 1000000\nfork 1\n")
            guard live.expect("] => ") != nil else { return }
            kill(live.pid, SIGTERM)
            #expect(live.waitForExit() == Ending(exitCode: nil, signal: SIGTERM))
            #expect(live.stderrText == "")
            #expect(!live.unconsumed.contains("Hello from parent"))
            // What the threads handed over before the stop all came out, whole.
            let text = live.transcript.split(separator: Array("# threads: ".utf8), omittingEmptySubsequences: false)
            let lines = countedLines(Array(text[0]), threads: 4)
            #expect(lines.malformed == 0)
            if text.count > 1 {
                let written = lines.perThread.reduce(0, +)
                #expect(text[1].starts(with: Array("4 threads started and joined, \(written) of 4000000 lines written".utf8)))
            }
        }

        @Test("Ctrl-C during nolock: a line cut short is ended, so the summary starts a line of its own")
        func interruptNolock() {
            let live = LiveForklab(pipes: [])
            live.send("threads 8 count 1000000 nolock\n")
            guard live.expect("] => 1000") != nil else { return }
            kill(live.pid, SIGINT)
            #expect(live.waitForExit() == Ending(exitCode: 130))
            #expect(live.stderrText == "forklab: line 1: interrupted\n")
            let lines = String(decoding: live.transcript, as: UTF8.self).split(separator: "\n")
            #expect(lines.last?.hasPrefix("# threads: 8 threads started and joined, ") == true)
            #expect(lines.filter { $0.contains("#") }.count == 1)
        }

        @Test("Ctrl-C ends a thread's write blocked on a full pipe nobody reads")
        func interruptBlockedThreadWrite() {
            let home = temporaryFolder()
            defer { try? FileManager.default.removeItem(at: home) }
            guard let stalled = startStalled(["-c", "threads 4 count 1000000"], home: home) else { return }
            kill(stalled.pid, SIGINT)
            let ending = reap(stalled.pid, within: 30)
            close(stalled.output)
            #expect(ending == Ending(exitCode: 130))
            #expect(readToEnd(stalled.errors) == "forklab: line 1: interrupted\n")
        }

        @Test("a closed stdout ends a thread experiment quietly (forklab … | head -1)")
        func closedStdout() {
            let output = makePipe()
            let errors = makePipe()
            let home = temporaryFolder()
            defer { try? FileManager.default.removeItem(at: home) }
            let pid = spawnProcess(forklabPath, ["-c", "threads 4 count 1000000; fork 1"],
                                   environment: testEnvironment(home: home),
                                   stdin: -1, stdout: output.write, stderr: errors.write)
            close(output.write)
            close(errors.write)
            var byte: UInt8 = 0
            #expect(read(output.read, &byte, 1) == 1)  // one byte, as head -c 1 reads
            close(output.read)
            #expect(reap(pid, within: 30) == Ending(exitCode: 141))
            #expect(readToEnd(errors.read) == "")
        }
    }
}
