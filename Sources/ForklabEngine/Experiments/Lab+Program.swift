import Glibc
import CForklabSystem

// `exit after T`: a thread experiment run as a program of its own, as
// python3 runs the book's _thread programs. forklab execs itself with the
// experiment and the record's descriptor; the program's main thread starts
// the threads, sleeps T, prints its line and exits, and its exit (exit_group)
// ends every thread still running, for real. forklab waits for it as for any
// child, and counts from the shared record what was printed and what never
// was. See docs/commands.md, "threads" and "produce".

/// What a program of its own needs that forklab itself does not: the lock
/// its main thread takes at the exit (`ThreadConsole.exitGuard`).
final class OwnProgram: Sendable {
    let exitGuard = PthreadMutex()
}

extension Lab {
    /// In a program of its own (`forklab --as-program`): runs the thread
    /// part of `experiment` and exits the way its main thread decides,
    /// status 0; status 1, after a line on stderr, when it could not start
    /// its threads. The record is the one forklab made (`descriptor`, its
    /// memfd), its times counted from forklab's `started`.
    public static func runAsProgram(
        _ experiment: Experiment, recordDescriptor descriptor: Int32, started: UInt64, sink: any TraceSink
    ) -> Never {
        _ = fl_name_process("forklab")  // not `exe`, from /proc/self/exe, in ps
        let lab = Lab(sink: sink, log: EventLog(attaching: descriptor), started: started)
        guard experiment.runsAsProgram else {
            complain("--as-program runs 'threads … exit after T', 'produce … exit after T', 'produce … broken' or 'deadlock N', not '\(experiment.command)'")
            _exit(2)
        }
        do {
            switch experiment {
            case let .threads(plan): try lab.runThreads(plan)
            case let .produce(plan): try lab.runProduce(plan)
            case let .deadlock(plan): try lab.runDeadlock(plan)
            default: break
            }
        } catch {
            complain("\(error)")
        }
        _exit(1)  // the experiments exit themselves, but for a failure
    }

    /// The end of a program of its own, on its main thread: sleeps until
    /// `deadline` (the book's time.sleep(T)), takes the exit guard so that
    /// no line is half out, runs `atExit` (which notes what only the program
    /// knows), prints the main thread's line, and exits: every thread still
    /// running ends here, wherever it is.
    func exitProgram(at deadline: UInt64, console: ThreadConsole, mainLine: LineRenderer,
                     atExit: () -> Void = {}) -> Never {
        var due = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
        while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &due, nil) == EINTR {}
        console.exitGuard?.lock()  // kept: nothing is written after this but the main line
        atExit()
        _ = mainLine.writeFromMainThread(to: console)
        console.finish()
        log?.note(.exited, 1)
        _exit(0)
    }

    /// forklab's side: starts the program, waits for it (a Ctrl-C or
    /// SIGTERM reaches it as any child's, and SIGKILL after the grace), and
    /// returns how it ended, from its record: whether its main thread
    /// exited after `exitAfter`, the threads it made and those still running.
    /// - Throws: why it could not be started.
    func runOwnProgram(_ experiment: Experiment, exitAfter: UInt64) throws(LabError) -> OwnProgramRun {
        let (pid, status, ended) = try startAndReap(experiment)
        let exited = log?.read(.exited) == 1
        // Threads made, as the program noted; after a stop, those that ran.
        let threads = exited ? log?.read(.threads) ?? 0 : log?.total(of: FL_EVENT_THREAD_START) ?? 0
        let stillRunning = threads - (log?.total(of: FL_EVENT_THREAD_END) ?? 0)
        return OwnProgramRun(
            experiment: experiment.name, status: status,
            exit: ProgramExit(pid: pid, after: exitAfter, exited: exited, threads: threads, stillRunning: stillRunning,
                              elapsed: ended))
    }

    /// Ends the command of a program of its own: a stop, or the program's
    /// ending otherwise than by its main thread's exit, makes it fail.
    func finishProgram(_ run: OwnProgramRun) throws(LabError) {
        try finish(run.exit.exited ? nil : programFailure(run.experiment, run.status))
    }

    /// Forks and execs the program, and reaps it: its pid, how it ended,
    /// and when it was reaped.
    private func startAndReap(_ experiment: Experiment) throws(LabError) -> (pid: pid_t, status: WaitStatus, ended: UInt64) {
        var program = try startProgram(experiment)
        let result = reapProgram(&program)
        if let execError = program.execError { throw .cannotRun(program: programPath, execError) }
        guard let result else { throw .system(call: "\(experiment.name): waitpid", .noChild) }
        return (program.pid, result.status, result.ended)
    }

    /// Reaps the program, passing on a stop, and ends what it left running:
    /// how it ended and when it was reaped; nil if it was no child after all.
    func reapProgram(_ program: inout StartedProgram) -> (status: WaitStatus, ended: UInt64)? {
        var result: (status: WaitStatus, ended: UInt64)?
        let pid = program.pid
        program.reaper.reapAll { _, status in
            result = (status, System.now() &- started)
            emit(.reaped(child: pid, status: status), printed: false)
        }
        _ = family.endLeftovers()
        return result
    }

    /// Forks and execs the program: its pid, the reaper that waits for it,
    /// and why the exec failed, if it did.
    func startProgram(_ experiment: Experiment) throws(LabError) -> StartedProgram {
        let name = experiment.name
        guard let log, let descriptor = log.descriptor else {
            throw .system(call: "\(name): memfd_create for the program's record", Errno(rawValue: ENOSYS))
        }
        let stdinFD = try childStdin(for: name)
        let pipe: (read: Int32, write: Int32)
        do {
            pipe = try System.closeOnExecPipe()
        } catch {
            throw .system(call: "\(name): pipe2", error)
        }
        let argv = ["forklab", "--as-program", "\(descriptor)", "\(started)"]
            + sink.programOptions + ["-c", experiment.command]
        var forkErrno = Errno(rawValue: 0)
        let pid = withCStrings([programPath] + argv) { strings in
            let candidates = [UnsafePointer(strings[0])]
            let vector = Array(strings.dropFirst()) + [nil]
            // Never used: forklab is no script. fl_exec_plan wants one all the same.
            var script: [UnsafeMutablePointer<CChar>?] = [nil, nil] + strings.dropFirst(2) + [nil]
            return candidates.withUnsafeBufferPointer { candidates in
                vector.withUnsafeBufferPointer { vector in
                    script.withUnsafeMutableBufferPointer { script in
                        var plan = fl_exec_plan(
                            candidates: candidates.baseAddress, candidate_count: 1, fallback_path: nil, argv: vector.baseAddress,
                            script_argv: script.baseAddress, stdin_fd: stdinFD, stdout_fd: -1, status_fd: pipe.write,
                            exec_line: nil, exec_line_length: 0, exit_line: nil, exit_line_length: 0, out_fd: -1,
                            start_ns: started, log: log.raw, log_index: log.claim(2), inherit_fd: descriptor,
                            death_signal: SIGKILL)
                        let pid = fl_fork_exec(&plan)
                        forkErrno = .current
                        return pid
                    }
                }
            }
        }
        System.close(pipe.write)
        if pid < 0 {
            System.close(pipe.read)
            throw .forkFailed(experiment: name, made: 0, wanted: 1, forkErrno)
        }
        var reaper = Reaper(grace: killGrace, pids: reaperPIDs, family: family)
        reaper.add(pid)
        emit(.spawned(child: pid), printed: false)
        let execError = readExecError(pipe.read)
        System.close(pipe.read)
        return StartedProgram(pid: pid, reaper: reaper, execError: execError)
    }

    /// Why a program of its own ended other than by its main thread's
    /// exit: a stop (Ctrl-C, SIGTERM), which wins, or its own failure.
    func programFailure(_ name: String, _ status: WaitStatus) -> LabError? {
        if checkStop(), let stop { return stop }
        if status.terminatingSignal == SIGPIPE { return .output(.closed) }
        return .programFailed(experiment: name, status: status)
    }
}

/// A program of its own, started and not yet reaped.
struct StartedProgram {
    let pid: pid_t
    var reaper: Reaper
    /// Why its exec failed; nil when it runs.
    let execError: Errno?
}

/// A program of its own, reaped: how its record says it ended, and its
/// wait status.
struct OwnProgramRun {
    let experiment: String
    let status: WaitStatus
    let exit: ProgramExit
}

extension Experiment {
    /// The command's name: `threads`, `produce`, …
    var name: String { String(command.prefix { $0 != " " }) }

    /// Whether it runs as a program of its own: `threads` and `produce`
    /// with `exit after T`, `produce … broken`, and `deadlock`.
    var runsAsProgram: Bool {
        switch self {
        case let .threads(plan): plan.exitAfter != nil
        case let .produce(plan): plan.exitAfter != nil || plan.flaw != nil
        case .deadlock: true
        default: false
        }
    }
}

/// Writes `forklab: MESSAGE` on stderr, as a program of its own says why it failed.
private func complain(_ message: String) {
    let line = "forklab: \(message)\n"
    _ = line.utf8CString.withUnsafeBufferPointer { Glibc.write(2, $0.baseAddress!, $0.count - 1) }
}

/// Calls `body` with each string as a C string that lives for the call.
private func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
    let copies = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    return body(copies)
}
