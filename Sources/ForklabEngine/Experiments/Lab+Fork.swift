import Glibc
import CForklabSystem

extension Lab {
    /// `fork N`: each iteration forks a child that writes
    /// `Hello from child PID` and leaves with `_exit(0)`, while the parent
    /// prints `Hello from parent PPID PID`. Unlike the book, the parent reaps
    /// every child.
    func runFork(count: Int) throws(LabError) {
        var reaper = Reaper(grace: killGrace, pids: reaperPIDs, family: family)
        var forked = 0
        var reaped = 0
        var failure: LabError?
        let parent = getpid()
        withChildPlan(for: .hello, counter: nil) { plan in
            while forked < count && !shouldStop {
                plan.log_index = log?.claim(2) ?? 0
                let pid = fl_fork_child(&plan)
                if pid < 0 {
                    failure = .forkFailed(experiment: "fork", made: forked, wanted: count, .current)
                    break
                }
                forked += 1
                reaper.add(pid)
                emit(.forked(parent: parent, child: pid))
                // Keeps zombies from piling up under a process limit.
                reaper.reapOldestEnded { pid, status in
                    reaped += 1
                    emit(.reaped(child: pid, status: status), printed: false)
                }
            }
        }
        reaper.reapAll { pid, status in
            reaped += 1
            emit(.reaped(child: pid, status: status), printed: false)
        }
        emit(.summary(.fork(children: forked, reaped: reaped, elapsed: System.now() &- started)))
        try finish(failure)
    }

    /// `forkexit N`: each child adds one to its copy of exitstat, writes
    /// `Hello from child PID EXITSTAT` and exits with it; the parent waits
    /// and prints `Parent got PID STATUS CODE`. The parent's exitstat stays
    /// 0, as the summary shows.
    func runForkExit(count: Int) throws(LabError) {
        let exitstat = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
        defer { exitstat.deallocate() }
        exitstat.initialize(to: 0)
        var forked = 0
        var reaped = 0
        var codes: [Int32: Int] = [:]
        var failure: LabError?
        // One for the whole loop: a Reaper per child would allocate per child.
        var reaper = Reaper(grace: killGrace, pids: reaperPIDs, family: family)
        withChildPlan(for: .exitStat, counter: exitstat) { plan in
            while forked < count && !shouldStop {
                plan.log_index = log?.claim(2) ?? 0
                let pid = fl_fork_child(&plan)
                if pid < 0 {
                    failure = .forkFailed(experiment: "forkexit", made: forked, wanted: count, .current)
                    break
                }
                forked += 1
                emit(.forked(parent: self.pid, child: pid), printed: false)
                reaper.add(pid)
                reaper.reapAll { pid, status in
                    reaped += 1
                    if let code = status.exitCode { codes[code, default: 0] += 1 }
                    emit(.reaped(child: pid, status: status))
                }
            }
        }
        emit(.summary(.forkExit(
            children: forked, reaped: reaped, exitCodes: codes, parentExitStat: exitstat.pointee,
            elapsed: System.now() &- started)))
        try finish(failure)
    }

    /// Calls `body` with a plan for children that write the sink's line for
    /// `event`; the line's bytes live for the call.
    private func withChildPlan(
        for event: ChildEvent, counter: UnsafeMutablePointer<Int32>?, _ body: (inout fl_child_plan) -> Void
    ) {
        let line = sink.childLine(for: event)
        let exit = sink.childLine(for: .exit)
        line.withCChars { chars in
            exit.withCChars { exitChars in
                var plan = fl_child_plan(
                    line: chars.baseAddress, line_length: chars.count,
                    exit_line: exitChars.baseAddress, exit_line_length: exitChars.count, out_fd: line.fd,
                    counter: counter, exit_code: 0, start_ns: started, log: log?.raw, log_index: 0)
                body(&plan)
            }
        }
    }
}
