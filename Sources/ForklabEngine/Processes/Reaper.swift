import Glibc

/// The children an experiment started and has not reaped yet. Reaps only
/// its own pids (never wait(-1), which would steal other children).
/// Every Reaper ends with `reapAll`, which leaves its pids empty for the next.
struct Reaper {
    /// In the order they were started; parent-only memory (see
    /// `ParentOnlyBuffer`), so that adding a pid costs no page fault after a fork.
    private let running: ParentOnlyBuffer<pid_t>
    /// The command's processes, the children's own children included: what
    /// a stop reaches.
    private let family: Family
    private var forwardedInterrupts: UInt32 = 0
    private var forwardedUserInterrupts: UInt32 = 0
    private var forwardedTermination = false
    private var killedEveryone = false
    private var killDeadline: UInt64?

    /// How long children get to end after a Ctrl-C before SIGKILL.
    let grace: UInt64

    /// `pids`: an empty buffer for the pids (`Lab.reaperPIDs`), reused from
    /// one Reaper to the next so that making one allocates nothing.
    init(grace: UInt64, pids: ParentOnlyBuffer<pid_t>, family: Family) {
        self.grace = grace
        self.family = family
        running = pids
        running.removeAll()
    }

    /// Adds a child just forked. When a Ctrl-C came in the moment before the
    /// fork, the terminal's SIGINT missed this child: it gets one now.
    mutating func add(_ pid: pid_t) {
        running.append(pid)
        if Interruption.stopRequested { System.signal(pid, Interruption.termination ?? SIGINT) }
    }

    /// Reaps the oldest children that have already ended, stopping at the
    /// first still running: cheap enough to call after every fork.
    mutating func reapOldestEnded(_ onReap: (pid_t, WaitStatus) -> Void) {
        var ended = 0
        while ended < running.count {
            let pid = running[ended]
            guard let status = try? System.reapIfEnded(pid) else { break }
            onReap(pid, status)
            ended += 1
        }
        running.removeFirst(ended)
    }

    /// Reaps every child that has ended, in any order.
    mutating func reapEnded(_ onReap: (pid_t, WaitStatus) -> Void) {
        running.removeAll { pid in
            do throws(Errno) {
                guard let status = try System.reapIfEnded(pid) else { return false }
                onReap(pid, status)
                return true
            } catch {
                return error == .noChild  // not ours after all: nothing to wait for
            }
        }
    }

    /// `noreap`: waits until every child has ended without reaping any,
    /// so that each stays a zombie. Children end about in the order they
    /// were forked, so each look starts at the first not seen ended.
    /// - Returns: false at a stop (Ctrl-C, SIGTERM), which `reapAll` then
    ///   handles as for any command; true when every child has ended.
    mutating func awaitEnded() -> Bool {
        var next = 0
        while next < running.count {
            if Interruption.stopRequested { return false }
            let pid = running[next]
            let ended: Bool
            do throws(Errno) {
                ended = try System.hasEnded(pid)
            } catch {
                ended = true  // not a child after all: nothing to wait for
            }
            if ended {
                next += 1
            } else {
                System.awaitWakeUp(timeoutMilliseconds: -1)
            }
        }
        return true
    }

    /// Hands over every child not reaped, in the order they were started,
    /// and forgets them: the caller reaps them later.
    mutating func release() -> [pid_t] {
        var pids: [pid_t] = []
        running.withElements { pids.append(contentsOf: $0) }
        running.removeAll()
        return pids
    }

    /// Waits until every child has ended, reporting each as it ends.
    /// A Ctrl-C is passed on to the children and everything below them (a
    /// terminal's Ctrl-C already reached those in forklab's process
    /// group), as is SIGTERM, SIGHUP or SIGQUIT; whatever is still running
    /// 3 s later, or at a second request, gets SIGKILL, so that nothing is
    /// left behind and nothing hangs. After a stop, the processes the
    /// children left behind get the same time to end; what children leave
    /// running when they end by themselves is `Family.endLeftovers`'s.
    mutating func reapAll(_ onReap: (pid_t, WaitStatus) -> Void) {
        while true {
            reapEnded(onReap)
            if running.isEmpty { break }
            var timeout: Int32 = -1
            if Interruption.stopRequested {
                timeout = escalate()
            }
            System.awaitWakeUp(timeoutMilliseconds: timeout)
        }
        if Interruption.stopRequested { awaitOrphans() }
    }

    /// After a stop, once the children are reaped: waits for what they left
    /// behind (orphans that came back to forklab, and what is below them)
    /// to end by the signal passed on, reaping each orphan as it ends,
    /// until the grace ends and SIGKILL reaches them too.
    private mutating func awaitOrphans() {
        while let orphans = family.children(), !orphans.isEmpty {
            var running = false
            for pid in orphans {
                do throws(Errno) {
                    if try System.reapIfEnded(pid) == nil { running = true }
                } catch {
                    return  // not a child after all: nothing to wait for
                }
            }
            if !running { continue }  // look again: an orphan's own children may have come back
            System.awaitWakeUp(timeoutMilliseconds: escalate())
        }
    }

    /// Passes the request on, then SIGKILL once the grace period ends or a
    /// second request comes. Returns how long to wait before looking again.
    private mutating func escalate() -> Int32 {
        let now = System.now()
        let interrupts = Interruption.interrupts
        let fromUser = Interruption.interruptsNotFromTerminal
        if interrupts > forwardedInterrupts {
            // kill(1) reached forklab alone: everyone gets it. A terminal's
            // Ctrl-C reached its foreground group: those outside it get it.
            signalEveryone(SIGINT, outsideGroup: fromUser == forwardedUserInterrupts)
            forwardedInterrupts = interrupts
            forwardedUserInterrupts = fromUser
        }
        let termination = Interruption.termination
        if let termination, !forwardedTermination {
            // SIGTERM and SIGHUP go to everyone (a hang-up reaches the session
            // leader, which forklab may be, and not its group); Ctrl-\ from
            // the terminal reached the foreground group, as Ctrl-C does.
            signalEveryone(termination, outsideGroup: termination == SIGQUIT && Interruption.terminationFromTerminal)
            forwardedTermination = true
        }
        if Interruption.stopRequests > 1 {
            killDeadline = now  // asked twice: no more grace
        } else if killDeadline == nil {
            killDeadline = now + grace
        }
        let deadline = killDeadline!
        if now >= deadline {
            // Once for all the command's processes, which can then fork no
            // more; the children again at every wake-up, as they always were.
            if !killedEveryone {
                signalEveryone(SIGKILL)
                killedEveryone = true
            } else {
                running.withElements { for pid in $0 { System.signal(pid, SIGKILL) } }
            }
            return -1
        }
        return Int32(min((deadline - now) / 1_000_000 + 1, 60_000))
    }

    /// Sends `signal` to the command's processes (see `Family.signal`); to
    /// the children alone when /proc cannot be read.
    private func signalEveryone(_ signal: Int32, outsideGroup: Bool = false) {
        if family.signal(signal, outsideGroup: outsideGroup) { return }
        guard !outsideGroup else { return }
        running.withElements { for pid in $0 { System.signal(pid, signal) } }
    }
}
