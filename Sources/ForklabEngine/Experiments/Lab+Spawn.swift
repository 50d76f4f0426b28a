import Glibc
import CForklabSystem
import ForklabWords

extension Lab {
    /// `spawn PROGRAM [N]`: the book's launcher. Each child execs the
    /// program (child i with its number, `plan.first` on, where the plan
    /// asks); the parent prints `Child is PID`, learns through a
    /// close-on-exec pipe whether exec worked, and once all are started
    /// reaps them in the order they end.
    func runSpawn(_ plan: SpawnPlan) throws(LabError) {
        childrenSpawned = 0
        let stdinFD = try childStdin(for: "spawn")
        // Once for every child: PATH does not change during a command.
        let search = ProgramSearch(program: plan.program.rawBytes, programDirectory: programDirectory?.rawBytes)
        var reaper = Reaper(grace: killGrace, pids: reaperPIDs, family: family)
        var launched = 0
        var reaped = 0
        var outcomes = SpawnOutcomes()
        var failure: LabError?
        var failedPID: pid_t = -1

        while launched < plan.count && !checkStop() {
            let pipe: (read: Int32, write: Int32)
            do {
                pipe = try System.closeOnExecPipe()
            } catch {
                failure = .system(call: "spawn: pipe2", error)
                break
            }
            var forkErrno = Errno(rawValue: 0)
            let pid = withExecPlan(plan, child: launched + 1, search: search, stdin: stdinFD, status: pipe.write) {
                let pid = fl_fork_exec($0)
                forkErrno = .current  // before the plan's strings are freed
                return pid
            }
            System.close(pipe.write)
            if pid < 0 {
                System.close(pipe.read)
                failure = .forkFailed(experiment: "spawn", made: launched, wanted: plan.count, forkErrno)
                break
            }
            launched += 1
            reaper.add(pid)
            emit(.spawned(child: pid))
            let execError = readExecError(pipe.read)
            System.close(pipe.read)
            if let execError {
                failure = .cannotRun(program: plan.program, execError)
                failedPID = pid
                break  // the others would fail the same way
            }
        }

        // noreap: not when exec failed, which reports the child's end.
        let zombies = plan.noreap && failure == nil ? holdZombies(&reaper) : 0
        reaper.reapAll { pid, status in
            reaped += 1
            if pid == failedPID {
                outcomes.couldNotRun += 1
            } else if status.terminatingSignal != nil {
                outcomes.killed += 1
            } else if status.exitCode == 0 {
                outcomes.exitedZero += 1
            } else {
                outcomes.exitedNonZero += 1
            }
            emit(.reaped(child: pid, status: status))
        }
        childrenSpawned = launched
        outcomes.leftRunning = family.endLeftovers()
        emit(.summary(.spawn(
            children: launched, reaped: reaped, outcomes: outcomes, elapsed: System.now() &- started,
            zombies: zombies)))
        try finish(failure)
    }

    /// The exec errno a child sent, or nil when the pipe closed empty (exec
    /// worked). A Ctrl-C does not end this wait: the child resolves its exec
    /// at once either way.
    func readExecError(_ fd: Int32) -> Errno? {
        var code: Int32 = 0
        var got = 0
        while got < MemoryLayout<Int32>.size {
            let n = withUnsafeMutableBytes(of: &code) { buffer in
                try? System.read(fd, into: buffer.baseAddress! + got, count: buffer.count - got)
            }
            guard let n, n > 0 else { break }
            got += n
        }
        return got == MemoryLayout<Int32>.size ? Errno(rawValue: code) : nil
    }

    /// Calls `body` with an exec plan whose C strings live for the call.
    private func withExecPlan(
        _ plan: SpawnPlan, child: Int, search: ProgramSearch, stdin: Int32, status: Int32,
        _ body: (UnsafePointer<fl_exec_plan>) -> pid_t
    ) -> pid_t {
        // The bytes the user typed, not their String's UTF-8: see ForklabWords.
        let argv = plan.argv(child: child).map { $0.withRawCString { strdup($0) } }
        defer { argv.forEach { free($0) } }
        let vector = argv + [nil]
        // /bin/sh's vector for a file without #!: the child fills in the first two.
        var script = [nil, nil] + argv.dropFirst() + [nil]
        let line = sink.childLine(for: .exec(program: plan.program))
        let exit = sink.childLine(for: .exit)
        return vector.withUnsafeBufferPointer { vector in
            script.withUnsafeMutableBufferPointer { script in
                search.withCStrings { candidates, fallback in
                    line.withCChars { chars in
                        exit.withCChars { exitChars in
                            var exec = fl_exec_plan(
                                candidates: candidates, candidate_count: search.candidates.count,
                                fallback_path: fallback, argv: vector.baseAddress, script_argv: script.baseAddress,
                                stdin_fd: stdin, stdout_fd: sink.programOutput ?? -1, status_fd: status,
                                exec_line: chars.baseAddress, exec_line_length: chars.count,
                                exit_line: exitChars.baseAddress, exit_line_length: exitChars.count,
                                out_fd: line.fd, start_ns: started, log: log?.raw, log_index: log?.claim(2) ?? 0,
                                inherit_fd: -1, death_signal: 0)
                            return body(&exec)
                        }
                    }
                }
            }
        }
    }
}
