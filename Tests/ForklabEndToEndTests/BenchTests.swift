import Foundation
import Testing

/// `bench` end to end: its lines through a pipe and in JSON, its progress
/// bar at a terminal and nowhere else, Ctrl-C, and what it leaves behind.
extension EndToEnd {
    @Suite struct Bench {
        /// `NAME: 12.3 µs  (min 1.0, p50 2.0, p99 3.0; 20 runs)`, the figures masked.
        static func shape(of line: String) -> String {
            line.replacing(/\d+\.\d/, with: "X")
        }

        static let names = [
            "fork+exit+wait", "fork+exec+wait", "vfork+exec+wait", "posix_spawn+wait", "pthread_create+join",
            "mutex lock+unlock", "mutex lock+unlock, 2 threads", "queue put+get, 2 threads",
            "pipe round trip, 2 processes",
        ]

        @Test("bench all 20 prints one lmbench line per primitive through a pipe, and no progress bar")
        func everyPrimitiveThroughAPipe() {
            let home = temporaryFolder()
            // Even with the bar due at once, none is drawn off a terminal.
            let result = forklab("bench all 20", RunOptions(
                environment: testEnvironment(home: home, extra: ["FORKLAB_PROGRESS_AFTER_MS": "0"])))
            #expect(result.status == 0)
            #expect(result.stderr == "")
            #expect(!result.stdout.contains("\r") && !result.stdout.contains("\u{1b}"))
            let lines = result.stdoutLines
            #expect(lines.count == Self.names.count, "\(lines)")
            for (line, name) in zip(lines, Self.names) {
                let shape = Self.shape(of: line)
                #expect(shape == "\(name): X ns  (min X, p50 X, p99 X; 20 runs)"
                    || shape == "\(name): X µs  (min X, p50 X, p99 X; 20 runs)", "\(line)")
            }
        }

        @Test("bench pipe says pipe2 failed, not fork, when a pipe cannot be made", arguments: [6, 8])
        func pipeOutOfDescriptors(limit: Int) {
            // Under 6 the first pipe fails, under 8 the second.
            let result = forklab("bench pipe 10", RunOptions(descriptorLimit: limit))
            #expect(result.status == 1)
            #expect(result.stderrLines == ["forklab: line 1: bench pipe: pipe2 failed: Too many open files"])
            #expect(result.stdout == "")
        }

        @Test("each primitive alone prints its own lines, to a file too")
        func eachPrimitiveAloneToAFile() {
            for (primitive, names) in [
                ("fork", ["fork+exit+wait"]), ("spawn", ["fork+exec+wait"]), ("vfork", ["vfork+exec+wait"]),
                ("posix_spawn", ["posix_spawn+wait"]), ("thread", ["pthread_create+join"]),
                ("mutex", ["mutex lock+unlock", "mutex lock+unlock, 2 threads"]),
                ("queue", ["queue put+get, 2 threads"]),
                ("pipe", ["pipe round trip, 2 processes"]),
            ] {
                let result = forklab("bench \(primitive) 3", RunOptions(stdoutToFile: true))
                #expect(result.status == 0, "bench \(primitive)")
                #expect(result.stdoutLines.map { String($0.prefix { $0 != ":" }) } == names, "bench \(primitive)")
                #expect(result.stdoutLines.allSatisfy { $0.hasSuffix("; 3 runs)") }, "\(result.stdoutLines)")
            }
        }

        @Test("a bad N or primitive is refused with one line, like every other count, and the script goes on")
        func badInputIsRefused() {
            let result = forklab("bench fork 0\nbench fork 1000001\nbench forks\nbench\nbench fork 1")
            #expect(result.stderrLines == [
                "forklab: line 1: bench: N must be 1…1000000, got 0",
                "forklab: line 2: bench: N must be 1…1000000, got 1000001",
                "forklab: line 3: bench: unknown primitive 'forks' (did you mean 'fork'? "
                    + "one of fork, spawn, vfork, posix_spawn, thread, mutex, queue, pipe, all)",
                "forklab: line 4: bench: missing PRIMITIVE, one of fork, spawn, vfork, posix_spawn, thread, mutex, "
                    + "queue, pipe, all (usage: bench PRIMITIVE [N])",
            ])
            #expect(result.stdoutLines.count == 1 && result.stdoutLines[0].hasPrefix("fork+exit+wait: "))
            #expect(result.status == 1)
        }

        @Test("in JSON each line is a bench object with the figures in nanoseconds and the line as text")
        func json() throws {
            let result = runForklab(["--json", "-c", "bench mutex 200"])
            #expect(result.status == 0)
            #expect(result.stdoutLines.count == 2)
            for (line, name) in zip(result.stdoutLines, ["mutex lock+unlock", "mutex lock+unlock, 2 threads"]) {
                let object = try #require(
                    try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
                #expect(object["v"] as? Int == 1)
                #expect(object["event"] as? String == "bench")
                #expect(object["pid"] as? Int == Int(result.pid))
                #expect(object["name"] as? String == name)
                #expect(object["runs"] as? Int == 200)
                let figures = ["min", "p50", "p99", "mean"].compactMap { object[$0] as? Double }
                #expect(figures.count == 4 && figures[0] <= figures[1] && figures[1] <= figures[2])
                #expect((object["text"] as? String)?.hasPrefix(name + ": ") == true)
            }
        }

        @Test("at a terminal the progress bar is drawn, then wiped before the line")
        func progressBarAtATerminal() {
            let home = temporaryFolder()
            let live = LiveForklab(terminal: [], environment: testEnvironment(
                home: home, extra: ["FORKLAB_PROGRESS_AFTER_MS": "0"]))
            live.expect("forklab> ")
            live.send("bench fork 50\r")
            live.expect("\rfork+exit+wait [")
            guard let rest = live.expect("forklab> ") else { return }
            // The bar reaches 100%, is wiped, and the line starts at column 0.
            #expect(rest.contains("100%"))
            #expect(rest.contains("\r\u{1b}[Kfork+exit+wait: "))
            #expect(rest.contains("; 50 runs)\r\n"))
            live.send("q\r")
            #expect(live.waitForExit() == Ending(exitCode: 0))
        }

        @Test("Ctrl-C at the terminal stops bench fork and bench pipe: prompt back, no child, one thread")
        func interruptAtTerminal() {
            let home = temporaryFolder()
            let live = LiveForklab(terminal: [], environment: testEnvironment(
                home: home, extra: ["FORKLAB_PROGRESS_AFTER_MS": "0"]))
            live.expect("forklab> ")
            for (command, name) in [("bench fork 1000000", "fork+exit+wait"),
                                    ("bench pipe 1000000", "pipe round trip, 2 processes"),
                                    ("bench thread 1000000", "pthread_create+join")] {
                live.send(command + "\r")
                live.expect("\r\(name) [")
                live.send("\u{3}")
                guard let seen = live.expect("forklab: interrupted\r\n") else { return }
                #expect(!seen.contains("runs)"), "\(command) printed a result after Ctrl-C")
                live.expect("forklab> ")
                #expect(children(of: live.pid).isEmpty, "after \(command)")
                #expect(settledThreadCount(of: live.pid) == 1, "after \(command)")
            }
            live.send("bench fork 2\r")
            live.expect("; 2 runs)")
            live.send("q\r")
            #expect(live.waitForExit() == Ending(exitCode: 0))
        }

        @Test("SIGINT to forklab alone during bench pipe in a script stops it with status 130")
        func interruptInAScript() {
            let live = LiveForklab(pipes: [])
            live.send("bench pipe 1000000\nbench fork 1\n")
            // The ping-pong partner exists: the measurement is under way.
            let deadline = Date().addingTimeInterval(30)
            while children(of: live.pid).isEmpty && Date() < deadline { usleep(10_000) }
            #expect(!children(of: live.pid).isEmpty)
            kill(live.pid, SIGINT)
            #expect(live.waitForExit() == Ending(exitCode: 130))
            #expect(String(decoding: live.errorText, as: UTF8.self) == "forklab: line 1: interrupted\n")
            #expect(!String(decoding: live.transcript, as: UTF8.self).contains("runs)"))
        }

        @Test("bench leaves no thread stack, guard page or queue page mapped")
        func nothingLeftMapped() {
            // glibc caches the stacks of joined threads: bench thread runs
            // its threads on one stack of its own, unmapped at the end.
            let live = LiveForklab(pipes: [])
            func anonymous() -> [String] { anonymousMappings(of: live.pid) }
            let commands = ["bench thread 2000", "bench mutex 10000", "bench queue 100000", "bench pipe 100"]
            live.send("fork 1\n")
            live.expect("# fork: 1 child forked")
            let guards = anonymous().filter { $0.contains(" ---p ") }
            for command in commands {
                live.send(command + "\n")
                live.expect(" runs)\n", within: 60)
                if command.contains("mutex") { live.expect(" runs)\n", within: 60) }
                #expect(anonymous().filter { $0.contains(" ---p ") } == guards, "after \(command)")
            }
            let warm = anonymous()
            for command in commands {
                live.send(command + "\n")
                live.expect(" runs)\n", within: 60)
                if command.contains("mutex") { live.expect(" runs)\n", within: 60) }
                let now = anonymous()
                #expect(now == warm, "after \(command) again: \(Set(now).symmetricDifference(warm).sorted())")
            }
            #expect(settledThreadCount(of: live.pid) == 1)
            live.closeInput()
            #expect(live.waitForExit() == Ending(exitCode: 0))
        }

        @Test("TAB after bench completes the primitives")
        func completion() {
            let live = LiveForklab(terminal: [])
            live.expect("forklab> ")
            live.send("bench po\t")
            live.expect("six_spawn ")
            live.send("3\r")
            live.expect("posix_spawn+wait: ")
            live.expect("; 3 runs)")
            live.send("q\r")
            #expect(live.waitForExit() == Ending(exitCode: 0))
        }
    }
}
