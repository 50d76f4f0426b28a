import CTestSupport
import Foundation
import ForklabWords
import Testing

/// Whether `pid` still exists, running or a zombie. The test process is a
/// child subreaper (`subreaper`), so a process forklab left behind comes
/// back to it and stays visible here until the test reaps it.
func exists(_ pid: pid_t) -> Bool {
    kill(pid, 0) == 0 || errno == EPERM
}

/// Ends and reaps processes a failed test left behind (they came back to
/// the test process), so that one failure does not leave a machine full.
func cleanUp(_ pids: [pid_t]) {
    for pid in pids where exists(pid) {
        kill(pid, SIGKILL)
        _ = waitpid(pid, nil, 0)
    }
}

/// The pid in the first line of `text` that starts with `prefix`.
func pid(after prefix: String, in lines: [String]) -> pid_t? {
    lines.first { $0.hasPrefix(prefix) }.flatMap { pid_t($0.dropFirst(prefix.count)) }
}

/// The children of `parent` named `name`, once one exists (up to 2 s).
func grandchildren(named name: String, of parent: pid_t) -> [pid_t] {
    childrenNamed(name, of: parent).map(\.pid)
}

/// Runs forklab with `limits` applied by prlimit(1) (`--fsize=1`, …).
func runLimited(_ limits: [String], _ commands: String, stdout: Int32, in folder: URL) -> (Ending, String) {
    let errors = makePipe()
    let pid = spawnProcess("/usr/bin/prlimit", limits + ["--", forklabPath, "-c", commands],
                           environment: testEnvironment(home: folder), stdin: -1, stdout: stdout,
                           stderr: errors.write)
    close(errors.write)
    let stderr = readToEnd(errors.read)
    return (reap(pid, within: 60), stderr)
}

extension EndToEnd {
    /// forklab under faults: what its children leave behind, signals it
    /// did not handle, limits, non-blocking output, a hang-up.
    @Suite struct Faults {
        // MARK: - Nothing left behind

        @Test("what a spawned program leaves running is ended and reaped when the command ends, and the summary counts it")
        func leftRunningIsEnded() throws {
            #expect(subreaper)
            let result = forklab("spawn sh -- -c 'sleep 31 & echo left $!; exit 0'")
            let left = try #require(pid(after: "left ", in: result.stdoutLines))
            defer { cleanUp([left]) }
            #expect(result.status == 0)
            #expect(result.stdoutLines.contains {
                $0.hasPrefix("# spawn: 1 child started, 1 reaped, 0 left (1 exited 0); 1 process left running by a child was ended; ")
            }, "\(result.stdoutLines)")
            #expect(!exists(left), "sleep \(left) outlived the command")
        }

        @Test("a process left running with children of its own is ended with them, each counted")
        func leftRunningTreeIsEnded() throws {
            #expect(subreaper)
            let folder = temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let fifo = folder.appendingPathComponent("ready").path
            try #require(mkfifo(fifo, 0o600) == 0)
            // The background subshell forks sleep, says so through the FIFO
            // and waits; its parent exits once it has heard, so the subshell
            // is left running with a child of its own.
            let result = forklab("spawn sh -- -c '(sleep 31 & echo $! > \(fifo); wait) & echo sub $!; read x < \(fifo); echo left $x; exit 0'")
            let subshell = try #require(pid(after: "sub ", in: result.stdoutLines))
            let sleeper = try #require(pid(after: "left ", in: result.stdoutLines))
            defer { cleanUp([sleeper, subshell]) }
            #expect(result.status == 0)
            #expect(result.stdoutLines.contains {
                $0.hasPrefix("# spawn: 1 child started, 1 reaped, 0 left (1 exited 0); 2 processes left running by children were ended; ")
            }, "\(result.stdoutLines)")
            #expect(!exists(subshell))
            #expect(!exists(sleeper))
        }

        @Test("SIGTERM or SIGINT to forklab alone during spawn reaches the program's own child too; nothing outlives forklab",
              arguments: [(SIGTERM, Ending(exitCode: nil, signal: SIGTERM)), (SIGINT, Ending(exitCode: 130))])
        func stopReachesGrandchildren(signal: Int32, ending: Ending) throws {
            #expect(subreaper)
            let live = LiveForklab(pipes: [])
            live.send("spawn sh -- -c 'sleep 32; true'\nfork 1\n")
            guard live.expect("Child is ") != nil else { return }
            let shell = try #require(childrenNamed("sh", of: live.pid).first)
            let sleeper = try #require(grandchildren(named: "sleep", of: shell.pid).first)
            defer { cleanUp([sleeper]) }
            kill(live.pid, signal)
            #expect(live.waitForExit() == ending)
            #expect(live.unconsumed.contains("(killed by \(signal == SIGINT ? "SIGINT" : "SIGTERM"))"))
            #expect(!live.unconsumed.contains("Hello from parent"), "the script stops there")
            #expect(!exists(sleeper), "sleep \(sleeper) outlived forklab")
        }

        @Test("Ctrl-C at the terminal: a program and its child that ignore it are ended 3 s later, and none keeps the terminal")
        func ignoredInterruptEndsWholeTree() throws {
            #expect(subreaper)
            let live = LiveForklab(terminal: [])
            live.expect("forklab> ")
            live.send("spawn sh -- -c 'trap \"\" INT; sleep 34; true'\r")
            guard live.expect("Child is ") != nil else { return }
            let shell = try #require(childrenNamed("sh", of: live.pid).first)
            let sleeper = try #require(grandchildren(named: "sleep", of: shell.pid).first)
            defer { cleanUp([sleeper]) }
            live.send("\u{3}")
            guard let seen = live.expect("forklab: interrupted\r\n") else { return }
            #expect(seen.contains("Parent got \(shell.pid) 9 0 (killed by SIGKILL)"))
            live.expect("forklab> ")
            #expect(!exists(sleeper), "sleep \(sleeper) outlived the command")
            // Nothing but forklab is left in its process group, the
            // terminal's foreground, to read the terminal or catch its keys.
            let group = allProcesses().filter { $0.group == live.pid && $0.pid != live.pid }
            #expect(group.isEmpty, "\(group.map(\.name))")
            live.send("q\r")
            #expect(live.waitForExit() == Ending(exitCode: 0))
        }

        @Test("Ctrl-C at the terminal reaches a program in a session of its own at once, through forklab")
        func interruptReachesOtherSessions() throws {
            let live = LiveForklab(terminal: [])
            live.expect("forklab> ")
            live.send("spawn setsid -- sleep 35\r")
            guard let started = live.expect("Child is ") else { return }
            _ = started
            guard let line = live.expect("\r\n") else { return }
            let child = try #require(pid_t(line.filter(\.isNumber)))
            defer { cleanUp([child]) }
            // Wait for setsid to have made the new session before the Ctrl-C.
            for _ in 0..<100 where allProcesses().first(where: { $0.pid == child })?.session != child { usleep(20_000) }
            live.send("\u{3}")
            live.expect("Parent got \(child) 2 0 (killed by SIGINT)")
            live.expect("forklab> ")
            live.send("q\r")
            #expect(live.waitForExit() == Ending(exitCode: 0))
        }

        @Test("SIGQUIT to forklab alone during spawn ends and reaps its children, then forklab ends by SIGQUIT")
        func quitIsHandledAsTermination() throws {
            #expect(subreaper)
            var before = rlimit()
            getrlimit(__rlimit_resource_t(RLIMIT_CORE.rawValue), &before)
            var noCore = rlimit(rlim_cur: 0, rlim_max: before.rlim_max)
            setrlimit(__rlimit_resource_t(RLIMIT_CORE.rawValue), &noCore)  // no core file from forklab's end
            defer { setrlimit(__rlimit_resource_t(RLIMIT_CORE.rawValue), &before) }
            let live = LiveForklab(pipes: [])
            live.send("spawn sleep 3 -- 36\nfork 1\n")
            guard let seen = live.expect("Child is ") else { return }
            _ = seen
            let sleepers = childrenNamed("sleep", of: live.pid).map(\.pid)
            defer { cleanUp(sleepers) }
            #expect(!sleepers.isEmpty)
            kill(live.pid, SIGQUIT)
            #expect(live.waitForExit() == Ending(exitCode: nil, signal: SIGQUIT))
            #expect(live.unconsumed.contains("(killed by SIGQUIT)"))
            #expect(!live.unconsumed.contains("Hello from parent"))
            #expect(live.stderrText == "")
            for sleeper in sleepers { #expect(!exists(sleeper), "sleep \(sleeper) outlived forklab") }
        }

        // MARK: - Limits

        @Test("past RLIMIT_FSIZE a write is an error line and status 1, not a SIGXFSZ death")
        func fileSizeLimitOnStdout() throws {
            #expect(subreaper)
            let folder = temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let file = folder.appendingPathComponent("out").path
            let out = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            try #require(out >= 0)
            let (ending, stderr) = runLimited(["--fsize=1"], "spawn true 3", stdout: out, in: folder)
            close(out)
            #expect(ending == Ending(exitCode: 1))
            #expect(stderr == "forklab: line 1: cannot write to stdout: File too large\n")
            #expect(leftBehind(named: "true").isEmpty)
        }

        @Test("save past RLIMIT_FSIZE says so, status 1, and removes the file it created")
        func fileSizeLimitOnSave() throws {
            let folder = temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let trace = folder.appendingPathComponent("t.json").path
            let null = open("/dev/null", O_WRONLY | O_CLOEXEC)
            defer { close(null) }
            let (ending, stderr) = runLimited(["--fsize=100"], "fork 3; save \(trace); fork 1", stdout: null, in: folder)
            #expect(ending == Ending(exitCode: 1))
            #expect(stderr == "forklab: line 1: save: cannot write '\(display(trace))': File too large\n")
            #expect(!FileManager.default.fileExists(atPath: trace))
        }

        // MARK: - Output never lost

        @Test("stdout made non-blocking, read slowly: fork, threads and produce wait for room and lose no line", arguments: [
            ("fork 3000", 6001), ("threads 10 count 20000", 200_002), ("produce 4 consume 2 messages 20000", 80_002),
        ])
        func nonBlockingStdout(command: String, lines: Int) {
            let output = makePipe()
            let errors = makePipe()
            // O_NONBLOCK is a flag of the open pipe, which forklab shares.
            _ = fcntl(output.write, F_SETFL, fcntl(output.write, F_GETFL) | O_NONBLOCK)
            let home = temporaryFolder()
            defer { try? FileManager.default.removeItem(at: home) }
            let pid = spawnProcess(forklabPath, ["-c", command], environment: testEnvironment(home: home),
                                   stdin: -1, stdout: output.write, stderr: errors.write)
            close(output.write)
            close(errors.write)
            // A reader slower than forklab: the pipe fills, and writes meet EAGAIN.
            var count = 0
            var lastLine: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                usleep(500)
                let n = read(output.read, &buffer, buffer.count)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                for byte in buffer[0..<n] {
                    if byte == 0x0a {
                        count += 1
                        lastLine = []
                    } else {
                        lastLine.append(byte)
                    }
                }
            }
            close(output.read)
            #expect(reap(pid, within: 60) == Ending(exitCode: 0), "\(command)")
            #expect(readToEnd(errors.read) == "", "\(command)")
            #expect(count == lines, "\(command)")
            #expect(lastLine.isEmpty, "\(command): the output ends with a whole line")
        }

        @Test("a program that leaves the terminal non-blocking: at the next prompt it is blocking again, as forklab found it")
        func terminalBlockingAgain() throws {
            let live = LiveForklab(terminal: [])
            live.expect("forklab> ")
            /// O_NONBLOCK (04000) in the flags of forklab's stdin, from /proc.
            func nonBlocking() throws -> Bool {
                let info = try String(contentsOfFile: "/proc/\(live.pid)/fdinfo/0", encoding: .utf8)
                let flags = try #require(info.split(separator: "\n").first { $0.hasPrefix("flags:") })
                let octal = try #require(Int(flags.dropFirst("flags:".count).trimmingCharacters(in: .whitespaces), radix: 8))
                return octal & 0o4000 != 0
            }
            #expect(try !nonBlocking())
            live.send("spawn python3 -- -c 'import fcntl; fcntl.fcntl(0, fcntl.F_SETFL, fcntl.fcntl(0, fcntl.F_GETFL) | 0o4000)'\r")
            live.expect("# spawn: 1 child started, 1 reaped, 0 left (1 exited 0)")
            live.expect("forklab> ")
            #expect(try !nonBlocking())
            live.send("q\r")
            #expect(live.waitForExit() == Ending(exitCode: 0))
        }

        // MARK: - A hang-up

        @Test("a hang-up during spawn, fork or threads ends forklab by SIGHUP, its children reaped", arguments: [
            ("spawn sleep 5 -- 100", "Child is "), ("fork 10000", "Hello from "), ("threads 20 count 20000", "] => "),
        ])
        func hangUpDuringCommand(command: String, seen: String) {
            #expect(subreaper)
            let live = LiveForklab(terminal: [])
            live.expect("forklab> ")
            live.send(command + "\r")
            guard live.expect(seen) != nil else { return }
            let children = children(of: live.pid).map(\.pid)
            defer { cleanUp(children) }
            live.hangUp()
            #expect(live.waitForExit() == Ending(exitCode: nil, signal: SIGHUP), "\(command)")
            for child in children { #expect(!exists(child), "\(command): child \(child) outlived forklab") }
        }

        // MARK: - Right words

        @Test("Ctrl-C at the terminal during bench spawn, vfork and posix_spawn is an interrupt, not a failure of /bin/true")
        func benchSpawnInterrupted() {
            let home = temporaryFolder()
            let live = LiveForklab(terminal: [], environment: testEnvironment(
                home: home, extra: ["FORKLAB_PROGRESS_AFTER_MS": "0"]))
            live.expect("forklab> ")
            for _ in 0..<3 {
                for (primitive, name) in [("spawn", "fork+exec+wait"), ("vfork", "vfork+exec+wait"),
                                          ("posix_spawn", "posix_spawn+wait")] {
                    live.send("bench \(primitive) 1000000\r")
                    live.expect("\r\(name) [")
                    live.send("\u{3}")
                    guard let seen = live.expect("forklab> ") else { return }
                    #expect(seen.contains("forklab: interrupted\r\n"), "bench \(primitive): \(seen.debugDescription)")
                    #expect(!seen.contains("ended with status"), "bench \(primitive)")
                }
            }
            live.send("q\r")
            #expect(live.waitForExit() == Ending(exitCode: 0))
        }
    }
}
