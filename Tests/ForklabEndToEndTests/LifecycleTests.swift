import CTestSupport
import Foundation
import Testing

/// Orphans come back to the test process, where a test can see them.
let subreaper: Bool = ts_become_subreaper() == 0

/// Processes named `name` that a run left behind (reparented to the test).
func leftBehind(named name: String) -> [ProcessInfoEntry] {
    children(of: getpid()).filter { $0.name == name }
}

extension EndToEnd {
    @Suite struct Lifecycle {
        @Test("at every prompt forklab has no child, running or zombie, and one thread")
        func nothingLeftBetweenCommands() {
            let live = LiveForklab(pipes: [])
            for (command, summary) in [
                ("fork 20", "# fork: 20 children forked, 20 reaped, 0 left"),
                ("forkexit 5", "# forkexit: 5 children reaped"),
                ("spawn child.sh 5", "# spawn: 5 children started, 5 reaped, 0 left"),
                ("spawn nosuch-program", "# spawn: 1 child started, 1 reaped, 0 left"),
                ("spawn sh 3 -- -c 'kill -9 $$'", "# spawn: 3 children started, 3 reaped, 0 left"),
            ] {
                live.send(command + "\n")
                live.expect(summary)
                #expect(children(of: live.pid).isEmpty, "after \(command)")
                #expect(threadCount(of: live.pid) == 1, "after \(command)")
            }
            live.closeInput()
            #expect(live.waitForExit() == Ending(exitCode: 1))  // the nosuch-program line failed
        }

        @Test("Ctrl-C (SIGINT) in a script stops spawn sleep 60, reaps it, exits 130")
        func interruptedScript() throws {
            let live = LiveForklab(pipes: [])
            live.send("fork 1\nspawn sleep -- 60\n")
            guard let seen = live.expect("Child is ") else { return }
            _ = seen
            // The check of /proc must see the running child, or it checks nothing.
            let running = childrenNamed("sleep", of: live.pid)
            #expect(running.count == 1)
            live.send("fork 2\n")  // must not run: the script stops at the interrupt
            kill(live.pid, SIGINT)
            #expect(live.waitForExit() == Ending(exitCode: 130))
            #expect(live.stderrText == "forklab: line 2: interrupted\n")
            #expect(live.unconsumed.contains("(killed by SIGINT)"))
            #expect(!live.unconsumed.contains("Hello from parent"))
            for child in running {
                #expect(kill(child.pid, 0) != 0, "sleep \(child.pid) still exists")
            }
        }

        @Test("SIGTERM during spawn sleep 60: the child gets it too, is reaped, and forklab ends by SIGTERM")
        func terminated() {
            let live = LiveForklab(pipes: [])
            live.send("spawn sleep -- 60\nfork 1\n")
            guard live.expect("Child is ") != nil else { return }
            let running = childrenNamed("sleep", of: live.pid)
            #expect(running.count == 1)
            kill(live.pid, SIGTERM)
            #expect(live.waitForExit() == Ending(exitCode: nil, signal: SIGTERM))
            #expect(live.unconsumed.contains("(killed by SIGTERM)"))
            #expect(!live.unconsumed.contains("Hello from parent"))
            #expect(live.stderrText == "")
            for child in running { #expect(kill(child.pid, 0) != 0, "sleep \(child.pid) still exists") }
        }

        @Test("Ctrl-C ends a write blocked on a full pipe nobody reads; every child is reaped")
        func interruptBlockedWrite() throws {
            #expect(subreaper)
            let home = temporaryFolder()
            defer { try? FileManager.default.removeItem(at: home) }
            guard let stalled = startStalled(["-c", "fork 10000"], home: home) else { return }
            kill(stalled.pid, SIGINT)
            let ending = reap(stalled.pid, within: 30)
            // Only now: a child still blocked on the pipe would end here, and
            // keep stderr open no longer.
            close(stalled.output)
            #expect(ending == Ending(exitCode: 130))
            #expect(readToEnd(stalled.errors) == "forklab: line 1: interrupted\n")
            #expect(leftBehind(named: "forklab").isEmpty)
        }

        @Test("after a Ctrl-C the summary and the interrupted line wait for a reader that is slow but reads")
        func interruptWaitsForSlowReader() throws {
            let home = temporaryFolder()
            defer { try? FileManager.default.removeItem(at: home) }
            guard let stalled = startStalled(["-c", "fork 10000"], home: home, errorsToOutput: true) else { return }
            kill(stalled.pid, SIGINT)
            // The reader comes back a moment later, well within forklab's grace.
            usleep(100_000)
            let output = readToEnd(stalled.output)
            #expect(reap(stalled.pid, within: 30) == Ending(exitCode: 130))
            #expect(output.contains("\n# fork: "), "the summary")
            #expect(output.hasSuffix("\nforklab: line 1: interrupted\n"), "\(output.suffix(200).debugDescription)")
        }

        @Test("SIGTERM while help is blocked on a pipe nobody reads: forklab ends by SIGTERM")
        func terminatedWhileBlocked() throws {
            let home = temporaryFolder()
            defer { try? FileManager.default.removeItem(at: home) }
            let commands = Array(repeating: "help", count: 300).joined(separator: "; ")
            guard let stalled = startStalled(["-c", commands], home: home) else { return }
            kill(stalled.pid, SIGTERM)
            let ending = reap(stalled.pid, within: 30)
            close(stalled.output)
            #expect(ending == Ending(exitCode: nil, signal: SIGTERM))
            #expect(readToEnd(stalled.errors) == "")
        }

        @Test("a write error other than a closed pipe is an error line and status 1")
        func fullDisk() throws {
            for commands in ["fork 3", "help"] {
                let (ending, stderr) = try runToFullDisk(["-c", commands + "; fork 1"])
                #expect(ending == Ending(exitCode: 1), "\(commands)")
                #expect(stderr == "forklab: line 1: cannot write to stdout: No space left on device\n", "\(commands)")
            }
        }

        @Test("a closed stdout ends forklab quietly, with its children reaped")
        func closedStdout() {
            #expect(subreaper)
            let output = makePipe()
            let errors = makePipe()
            let home = temporaryFolder()
            defer { try? FileManager.default.removeItem(at: home) }
            let pid = spawnProcess(forklabPath, ["-c", "fork 1000"], environment: testEnvironment(home: home),
                                   stdin: -1, stdout: output.write, stderr: errors.write)
            close(output.write)
            close(errors.write)
            var byte: UInt8 = 0
            var firstLine: [UInt8] = []
            while read(output.read, &byte, 1) == 1 && byte != 0x0a { firstLine.append(byte) }
            close(output.read)  // as `head -1` does
            let ending = reap(pid, within: 30)
            let stderr = readToEnd(errors.read)
            #expect(String(decoding: firstLine, as: UTF8.self).hasPrefix("Hello from "))
            #expect(ending == Ending(exitCode: 141))
            #expect(stderr.isEmpty)
            #expect(leftBehind(named: "forklab").isEmpty)
        }

        @Test("the limit reached at the first child, or after one, is said in words", .enabled(if: geteuid() == 0))
        func processLimitAtNoneOrOne() throws {
            // A user no other process has, so that the limit binds exactly: forklab
            // itself is its one task. The children sleep, so none ends before the next fork.
            let idle: uid_t = 54329
            let first = try runUnderTaskLimit(["-c", "spawn sleep 50 -- 0.2; spawn true; threads 50"], room: 1, user: idle)
            #expect(first.stderrLines == [
                "forklab: line 1: spawn: fork failed at the first of 50 children (Resource temporarily unavailable)",
                "forklab: line 1: spawn: fork failed (Resource temporarily unavailable)",
                "forklab: line 1: threads: pthread_create failed at the first of 50 threads (Resource temporarily unavailable)",
            ])
            let one = try runUnderTaskLimit(["-c", "spawn sleep 50 -- 0.2; threads 50"], room: 2, user: idle)
            #expect(one.stderrLines == [
                "forklab: line 1: spawn: fork failed after 1 of 50 children (Resource temporarily unavailable); that one was reaped",
                "forklab: line 1: threads: pthread_create failed after 1 of 50 threads (Resource temporarily unavailable); that one was joined",
            ])
        }

        @Test("under a process limit, fork stops, reaps what it made and says how far it got")
        func processLimit() throws {
            let result = try runUnderTaskLimit(["-c", "fork 200; forkexit 1"], room: 4)
            #expect(result.status == 1)
            let lines = result.stderrLines
            #expect(lines.count == 1)
            let made = try #require((0..<200).first { lines.first == "forklab: line 1: fork: " + forkFailedPartWay(made: $0, of: 200) })
            #expect(result.traceLines.filter { $0.hasPrefix("Hello from parent ") }.count == made)
            #expect(result.stdoutLines.contains { $0.hasPrefix("# fork: \(made) \(made == 1 ? "child" : "children") forked, \(made) reaped, 0 left") })
            // The script went on after the failure: forkexit ran.
            #expect(result.stdoutLines.contains { $0.hasPrefix("# forkexit: 1 child reaped") })
        }
    }
}

/// Runs forklab with `arguments` and /dev/full as its stdout: how it ended,
/// and what it wrote on stderr.
func runToFullDisk(_ arguments: [String]) throws -> (Ending, String) {
    let full = open("/dev/full", O_WRONLY | O_CLOEXEC)
    try #require(full >= 0)
    defer { close(full) }
    let errors = makePipe()
    let home = temporaryFolder()
    defer { try? FileManager.default.removeItem(at: home) }
    let pid = spawnProcess(forklabPath, arguments, environment: testEnvironment(home: home),
                           stdin: -1, stdout: full, stderr: errors.write)
    close(errors.write)
    let stderr = readToEnd(errors.read)
    return (reap(pid, within: 30), stderr)
}

/// forklab started with `arguments`, its stdout a pipe nobody reads, once
/// that pipe is full and forklab (one of its threads) is asleep on it: in
/// write(2), or in the poll(2) that waits for room; nil (and a failure) if
/// it never is. With `errorsToOutput`, stderr is that pipe too (and
/// `errors` is -1).
func startStalled(_ arguments: [String], home: URL, errorsToOutput: Bool = false)
    -> (pid: pid_t, output: Int32, errors: Int32)? {
    let output = makePipe()
    let errors = errorsToOutput ? (read: Int32(-1), write: output.write) : makePipe()
    let pid = spawnProcess(forklabPath, arguments, environment: testEnvironment(home: home),
                           stdin: -1, stdout: output.write, stderr: errors.write)
    close(output.write)
    if !errorsToOutput { close(errors.write) }
    for _ in 0..<1000 {
        // A pipe counts as full when every page holds something, however little.
        let full = ts_queued_bytes(output.read) >= 32768
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        let asleep = tasks.contains { task in
            let wchan = (try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/wchan", encoding: .utf8)) ?? ""
            return wchan.contains("pipe_write") || wchan.contains("poll")
        }
        if full && asleep { return (pid, output.read, errors.read) }
        usleep(10_000)
    }
    Issue.record("forklab never blocked on the pipe")
    kill(pid, SIGKILL)
    _ = reap(pid)
    close(output.read)
    if errors.read >= 0 { close(errors.read) }
    return nil
}

/// Runs forklab with RLIMIT_NPROC set to leave `room` more tasks (processes
/// and threads, which it counts alike) than its user has. The limit does not
/// bind root, so as root it runs as `user` (nobody by default), from a copy
/// of the binary that the user can reach.
func runUnderTaskLimit(_ arguments: [String], room: Int, user: uid_t = 65534) throws -> RunResult {
    let folder = temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    chmod(folder.path, 0o755)
    let copy = folder.appendingPathComponent("forklab")
    try FileManager.default.copyItem(atPath: forklabPath, toPath: copy.path)
    chmod(copy.path, 0o755)
    var options = RunOptions(binary: copy.path)
    if geteuid() == 0 {
        options.user = (user, user)
        options.processLimit = room
    } else {
        options.processLimit = tasksOfCurrentUser() + room
    }
    options.environment = ["PATH": "/usr/bin:/bin", "HOME": folder.path]
    return runForklab(arguments, options)
}

/// Tasks (threads count) of the real user, which RLIMIT_NPROC counts.
private func tasksOfCurrentUser() -> Int {
    let uid = getuid()
    return allProcesses().reduce(0) { total, process in
        guard let status = try? String(contentsOfFile: "/proc/\(process.pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Uid:") }),
              line.split(separator: "\t").dropFirst().first == Substring("\(uid)") else { return total }
        return total + threadCount(of: process.pid)
    }
}

/// The end of fork's message when it failed after `made` children: the rule
/// of docs/commands.md, *Limits and refusals*.
func forkFailedPartWay(made: Int, of wanted: Int) -> String {
    failedPartWay("fork", made: made, of: wanted, "children", then: "reaped")
}

/// The end of pthread_create's message when it failed after `made` threads.
func threadFailedPartWay(made: Int, of wanted: Int) -> String {
    failedPartWay("pthread_create", made: made, of: wanted, "threads", then: "joined")
}

private func failedPartWay(_ call: String, made: Int, of wanted: Int, _ things: String, then done: String) -> String {
    let errno = "(Resource temporarily unavailable)"
    switch made {
    case 0 where wanted == 1: return "\(call) failed \(errno)"
    case 0: return "\(call) failed at the first of \(wanted) \(things) \(errno)"
    case 1: return "\(call) failed after 1 of \(wanted) \(things) \(errno); that one was \(done)"
    default: return "\(call) failed after \(made) of \(wanted) \(things) \(errno); those \(made) were \(done)"
    }
}
