import Foundation
import Testing

/// The thread experiments run by the built binary: through pipes, files and
/// a pseudo-terminal, with /proc checked for leftover threads.
extension EndToEnd {
    @Suite struct ThreadExperiments {
        enum Sink: CaseIterable { case pipe, file }

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
            #expect(throughPipe == 3)
            piped.closeInput()
            #expect(piped.waitForExit() == Ending(exitCode: 0))
        }

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

        @Test("after every thread command forklab is back to one thread, and fork still works")
        func oneThreadAfterEach() {
            let live = LiveForklab(pipes: [])
            for (command, summary) in [
                ("threads 8 count 200", "# threads: 8 threads started and joined"),
                ("threads 8 count 200 nolock nojoin", "# threads: 8 threads started and joined"),
                ("produce 8 consume 8 messages 100 capacity 3", "# produce: 800 produced, 800 consumed, 0 lost"),
                ("race 8 count 10000", "# race: 8 threads"),
                ("fork 3", "# fork: 3 children forked, 3 reaped, 0 left"),
            ] {
                live.send(command + "\n")
                live.expect(summary)
                #expect(settledThreadCount(of: live.pid) == 1, "after \(command)")
                #expect(children(of: live.pid).isEmpty, "after \(command)")
            }
            live.closeInput()
            #expect(live.waitForExit() == Ending(exitCode: 0))
        }

        @Test("thread experiments leave no thread stacks, malloc arenas or queue pages mapped")
        func nothingLeftMapped() {
            // Every mapping left behind makes each later fork dearer. Thread
            // stacks and malloc arenas come with inaccessible (---p) guard
            // mappings, which must not appear even the first time; and once
            // each command has run (the runtime may keep a small allocation
            // from its first use), running it again must leave exactly the
            // same anonymous mappings: no queue segment, no stack.
            let live = LiveForklab(pipes: [])
            func anonymous() -> [String] {
                ((try? String(contentsOfFile: "/proc/\(live.pid)/maps", encoding: .utf8)) ?? "")
                    .split(separator: "\n").map(String.init)
                    .filter { $0.split(separator: " ", omittingEmptySubsequences: true).count == 5 }
            }
            let commands = [
                ("threads 50 count 100", "# threads: 50 threads started and joined"),
                ("produce 4 consume 2 messages 100000 capacity 200000", "# produce: 400000 produced"),
                ("race 4 count 10000", "# race: 4 threads"),
            ]
            live.send("fork 1\n")
            live.expect("# fork: 1 child forked")
            let guards = anonymous().filter { $0.contains(" ---p ") }
            for (command, summary) in commands {
                live.send(command + "\n")
                live.expect(summary, within: 60)
                #expect(anonymous().filter { $0.contains(" ---p ") } == guards, "after \(command)")
            }
            let warm = anonymous()
            for (command, summary) in commands {
                live.send(command + "\n")
                live.expect(summary, within: 60)
                let now = anonymous()
                #expect(now == warm, "after \(command) again: \(Set(now).symmetricDifference(warm).sorted())")
            }
            live.closeInput()
            #expect(live.waitForExit() == Ending(exitCode: 0))
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

        @Test("an unbounded queue that runs out of memory stops produce with an error, not a crash")
        func queueOutOfMemory() throws {
            // 80 MB of address space: the queue of 8-byte messages fills it
            // long before 100 million are put.
            let home = temporaryFolder()
            defer { try? FileManager.default.removeItem(at: home) }
            let null = open("/dev/null", O_WRONLY | O_CLOEXEC)
            let errors = makePipe()
            let pid = spawnProcess("/usr/bin/prlimit", ["--as=80000000", forklabPath, "-c",
                                   "produce 10 consume 1 messages 10000000; race 1 count 1"],
                                   environment: testEnvironment(home: home),
                                   stdin: -1, stdout: null, stderr: errors.write)
            close(null)
            close(errors.write)
            let ending = reap(pid, within: 120)
            let stderr = readToEnd(errors.read)
            #expect(ending == Ending(exitCode: 1))
            #expect(try /forklab: line 1: produce: no memory left for the queue with \d+ messages in it; bound it with capacity K\n/.wholeMatch(in: stderr) != nil, "\(stderr)")
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

        @Test("under a thread limit, race and produce stop, join what they started and say how far they got")
        func threadLimit() throws {
            // Threads that wait make the limit bind for sure: race's wait at
            // their gate until all are started, consumers on the empty queue.
            let result = try runUnderTaskLimit(["-c", "race 100 count 1; produce 50 consume 50; race 1 count 1"], room: 6)
            #expect(result.status == 1)
            let errors = result.stderrLines
            try #require(errors.count == 2)
            let race = (0..<100).first { errors[0] == "forklab: line 1: race: " + threadFailedPartWay(made: $0, of: 100) }
            #expect(race != nil, "\(errors[0])")
            #expect(result.stdoutLines.contains("# race: 100 threads × 1 increment; no run completed"))
            let produce = try #require((0..<100).first { errors[1] == "forklab: line 1: produce: " + threadFailedPartWay(made: $0, of: 100) })
            #expect(result.stdoutLines.contains { $0.hasPrefix("# produce: 0 produced, 0 consumed, 0 lost; 0 producers and \(produce) consumers joined") })
            // The script went on: race ran with its one thread.
            #expect(result.traceLines.contains("race lock: expected 1 got 1 lost 0"))
        }
    }
}

/// The `[t] => i` lines in `bytes` (other lines, a main line or a summary,
/// are skipped): how many each of `threads` threads wrote, if each thread's
/// counts run from 0 with no gap, and how many lines were torn, out of
/// order or from another thread. Bytes, not Strings: a million lines must
/// be quick in a debug build.
func countedLines(_ bytes: [UInt8], threads: Int) -> (perThread: [Int], malformed: Int) {
    var next = [Int](repeating: 0, count: threads)
    var malformed = 0
    for line in bytes.split(separator: 0x0a) {
        guard line.first == 0x5b else {
            if line.contains(0x5b) { malformed += 1 }  // a piece of a counted line
            continue
        }
        guard let close = line.firstIndex(of: 0x5d), let thread = decimal(line[(line.startIndex + 1)..<close]),
              line[close...].starts(with: Array("] => ".utf8)), let index = decimal(line[(close + 5)...]),
              thread < threads, index == next[thread] else {
            malformed += 1
            continue
        }
        next[thread] += 1
    }
    return (next, malformed)
}

/// The `consumer C got => [producer id=P, count=K]` lines in `bytes`: how
/// many, how many repeated a message seen before, and how many lines that
/// are not a main line or a summary do not have that form.
func consumerLines(_ bytes: [UInt8], producers: Int, messages: Int) -> (lines: Int, repeated: Int, malformed: Int) {
    var seen = [Bool](repeating: false, count: producers * messages)
    var lines = 0, repeated = 0, malformed = 0
    let got = Array(" got => [producer id=".utf8), count = Array(", count=".utf8)
    for line in bytes.split(separator: 0x0a) {
        if line.starts(with: Array("Main thread".utf8)) || line.first == 0x23 { continue }
        guard line.starts(with: Array("consumer ".utf8)), line.last == 0x5d,
              let gotAt = firstRange(of: got, in: line), decimal(line[(line.startIndex + 9)..<gotAt.lowerBound]) != nil,
              let countAt = firstRange(of: count, in: line),
              let producer = decimal(line[gotAt.upperBound..<countAt.lowerBound]),
              let index = decimal(line[countAt.upperBound..<(line.endIndex - 1)]),
              producer < producers, index < messages else {
            malformed += 1
            continue
        }
        lines += 1
        if seen[producer * messages + index] { repeated += 1 }
        seen[producer * messages + index] = true
    }
    return (lines, repeated, malformed)
}

private func decimal(_ digits: ArraySlice<UInt8>) -> Int? {
    guard !digits.isEmpty, digits.count < 19, digits.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
    return digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
}

private func firstRange(of needle: [UInt8], in line: ArraySlice<UInt8>) -> Range<Int>? {
    guard needle.count <= line.count else { return nil }
    for start in line.startIndex...(line.endIndex - needle.count)
    where line[start..<(start + needle.count)].elementsEqual(needle) {
        return start..<(start + needle.count)
    }
    return nil
}

/// How many write(2) calls a process made so far (`syscw` in /proc/PID/io).
func writeCalls(of pid: pid_t) -> Int? {
    guard let io = try? String(contentsOfFile: "/proc/\(pid)/io", encoding: .utf8),
          let line = io.split(separator: "\n").first(where: { $0.hasPrefix("syscw: ") }) else { return nil }
    return Int(line.dropFirst(7))
}

/// Reads a pipe to its end on a thread of its own, so that the writer
/// never blocks on it.
final class PipeReader: @unchecked Sendable {
    // @unchecked: `bytes` is guarded by `lock`.
    private let lock = NSCondition()
    private var bytes: [UInt8] = []
    private var ended = false
    private let thread: Thread

    init(_ fd: Int32) {
        let box = Box()
        thread = Thread { box.reader?.run(fd) }
        box.reader = self
        thread.start()
    }

    private final class Box: @unchecked Sendable { weak var reader: PipeReader? }

    private func run(_ fd: Int32) {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            lock.lock()
            if n > 0 { bytes += buffer[0..<n] } else { ended = true }
            lock.broadcast()
            lock.unlock()
            if n <= 0 { break }
        }
        close(fd)
    }

    /// Waits (30 s at most) until what was read satisfies `condition`.
    func wait(_ condition: ([UInt8]) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(30)
        lock.lock()
        defer { lock.unlock() }
        while !condition(bytes) && !ended {
            if !lock.wait(until: deadline) { break }
        }
        return condition(bytes)
    }

    /// Waits for the pipe's end (every writer closed it) and returns all it held.
    func finish() -> [UInt8] {
        _ = wait { _ in false }
        lock.lock()
        defer { lock.unlock() }
        return bytes
    }
}
