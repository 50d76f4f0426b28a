import Glibc
import CForklabSystem

extension Lab {
    /// `fork N`: each iteration forks a child that writes
    /// `Hello from child PID` and leaves with `_exit(0)`, while the parent
    /// prints `Hello from parent PPID PID`. Unlike the book, the parent reaps
    /// every child. `buffered`: the children print into a stdio-like buffer
    /// that their `_exit` may throw away, as the book's do. `noreap`: as the
    /// book, the parent does not wait; forklab waits for the children to
    /// end and holds them as zombies (`holdZombies`).
    func runFork(count: Int, buffered: Bool, noreap: Bool = false) throws(LabError) {
        let buffering = buffered ? System.stdioBuffering(sink.childLine(for: .hello).fd) : nil
        var reaper = Reaper(grace: killGrace, pids: reaperPIDs, family: family)
        var reaped = 0
        let (forked, failure) = forkChildren(count, experiment: "fork", writing: .hello, counter: nil, buffering: buffering) { pid in
            reaper.add(pid)
            emit(.forked(parent: self.pid, child: pid))
            // Keeps zombies from piling up under a process limit.
            if !noreap {
                reaper.reapOldestEnded { pid, status in
                    reaped += 1
                    emit(.reaped(child: pid, status: status), printed: false)
                }
            }
        }
        let zombies = noreap ? holdZombies(&reaper) : 0
        reaper.reapAll { pid, status in
            reaped += 1
            emit(.reaped(child: pid, status: status), printed: false)
        }
        emit(.summary(.fork(children: forked, reaped: reaped, elapsed: System.now() &- started,
                            buffered: lostLines(buffering), zombies: zombies)))
        try finish(failure)
    }

    /// `forkexit N`: each child adds one to its copy of exitstat, writes
    /// `Hello from child PID EXITSTAT` and exits with it; the parent waits
    /// and prints `Parent got PID STATUS CODE`. The parent's exitstat stays
    /// 0, as the summary shows. `buffered` and `noreap` as for `fork`; with
    /// `noreap` no `Parent got` line comes until `reap`.
    func runForkExit(count: Int, buffered: Bool, noreap: Bool = false) throws(LabError) {
        let buffering = buffered ? System.stdioBuffering(sink.childLine(for: .exitStat).fd) : nil
        let exitstat = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
        defer { exitstat.deallocate() }
        exitstat.initialize(to: 0)
        var reaped = 0
        var codes: [Int32: Int] = [:]
        // One for the whole loop: a Reaper per child would allocate per child.
        var reaper = Reaper(grace: killGrace, pids: reaperPIDs, family: family)
        let (forked, failure) = forkChildren(count, experiment: "forkexit", writing: .exitStat, counter: exitstat,
                                              buffering: buffering) { pid in
            emit(.forked(parent: self.pid, child: pid), printed: false)
            reaper.add(pid)
            if noreap { return }
            reaper.reapAll { pid, status in
                reaped += 1
                if let code = status.exitCode { codes[code, default: 0] += 1 }
                emit(.reaped(child: pid, status: status))
            }
        }
        let zombies = noreap ? holdZombies(&reaper) : 0
        // After a stop that came before noreap's children were held.
        reaper.reapAll { pid, status in
            reaped += 1
            if let code = status.exitCode { codes[code, default: 0] += 1 }
            emit(.reaped(child: pid, status: status))
        }
        emit(.summary(.forkExit(
            children: forked, reaped: reaped, exitCodes: codes, parentExitStat: exitstat.pointee,
            elapsed: System.now() &- started, buffered: lostLines(buffering), zombies: zombies)))
        try finish(failure)
    }

    /// With `buffering`, the lines the children recorded as lost when they
    /// called _exit (read after every child is reaped); nil without it, or
    /// without a record to count from.
    private func lostLines(_ buffering: StdioBuffering?) -> BufferedLines? {
        guard let buffering, let log else { return nil }
        return BufferedLines(buffering: buffering, lost: log.lostChildLines())
    }

    /// Forks up to `count` children that write the sink's line for `event`
    /// and exit (see `fl_fork_child`), calling `forkedOne` with each pid as
    /// soon as it is forked; stops early at a stop request or a failed
    /// fork. Returns how many it forked, and the failure.
    private func forkChildren(
        _ count: Int, experiment: String, writing event: ChildEvent, counter: UnsafeMutablePointer<Int32>?,
        buffering: StdioBuffering?, _ forkedOne: (pid_t) -> Void
    ) -> (forked: Int, failure: LabError?) {
        var forked = 0
        var failure: LabError?
        withChildPlan(for: event, counter: counter, buffering: buffering) { plan in
            while forked < count && !checkStop() {
                plan.log_index = log?.claim(2) ?? 0
                let pid = fl_fork_child(&plan)
                if pid < 0 {
                    failure = .forkFailed(experiment: experiment, made: forked, wanted: count, .current)
                    break
                }
                forked += 1
                forkedOne(pid)
            }
        }
        return (forked, failure)
    }

    /// Calls `body` with a plan for children that write the sink's line for
    /// `event`; the line's bytes live for the call. With `buffering` the
    /// children print into a buffer of that size (at most BUFSIZ).
    private func withChildPlan(
        for event: ChildEvent, counter: UnsafeMutablePointer<Int32>?, buffering: StdioBuffering?,
        _ body: (inout fl_child_plan) -> Void
    ) {
        let line = sink.childLine(for: event)
        let exit = sink.childLine(for: .exit)
        line.withCChars { chars in
            exit.withCChars { exitChars in
                var plan = fl_child_plan(
                    line: chars.baseAddress, line_length: chars.count,
                    exit_line: exitChars.baseAddress, exit_line_length: exitChars.count, out_fd: line.fd,
                    counter: counter, exit_code: 0, start_ns: started, log: log?.raw, log_index: 0,
                    buffer_size: buffering.map { min($0.size, Int(FL_CHILD_BUFFER_MAX)) } ?? 0,
                    line_buffered: buffering?.lineBuffered == true ? 1 : 0)
                body(&plan)
            }
        }
    }
}
