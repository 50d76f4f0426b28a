import Glibc

/// `noreap` and `reap`: children left as zombies on purpose, as the book's
/// parents leave them, held by pid until `reap`, the session's end or a
/// Ctrl-C at the prompt reaps them. Nothing else reaps or signals them:
/// they are left out of every later command's `Family`, and forklab never
/// calls wait(-1).
extension Lab {
    /// How many zombies `noreap` left that have not been reaped.
    public var zombiesHeld: Int { zombies.count }

    /// Refuses a `noreap` experiment that would hold more than
    /// `zombieLimit` zombies, before anything is forked.
    func checkZombieRoom(for experiment: Experiment) throws(LabError) {
        let (name, wanted): (String, Int)
        switch experiment {
        case let .fork(count, _, true): (name, wanted) = ("fork", count)
        case let .forkExit(count, _, true): (name, wanted) = ("forkexit", count)
        case let .spawn(plan) where plan.noreap: (name, wanted) = ("spawn", plan.count)
        default: return
        }
        if zombies.count + wanted > zombieLimit {
            throw .tooManyZombies(experiment: name, held: zombies.count, wanted: wanted, limit: zombieLimit)
        }
    }

    /// `noreap`: waits until every child of `reaper` has ended, without
    /// reaping it, then holds them all as zombies. A stop (Ctrl-C, SIGTERM)
    /// before then holds none: `reaper` still has them, for `reapAll`.
    /// - Returns: how many it holds.
    func holdZombies(_ reaper: inout Reaper) -> Int {
        guard reaper.awaitEnded() else { return 0 }
        let pids = reaper.release()
        zombies += pids
        family.leave(pids)
        return pids.count
    }

    /// `reap`: reaps every zombie held, in the order they were forked,
    /// each handed to the sink as a reap (`Parent got PID STATUS CODE`,
    /// JSON `wait`) unless `reported` is false (forklab's end). Not
    /// recorded: the last experiment's record stays as it was.
    /// - Returns: how many it reaped.
    /// - Throws: when the output failed; every zombie is reaped even so.
    @discardableResult
    public func reapZombies(reported: Bool = true) throws(LabError) -> Int {
        let start = System.now()
        let me = getpid()
        var failure: LabError?
        var reaped = 0
        for pid in zombies {
            guard let status = reapHeld(pid) else { continue }
            reaped += 1
            guard reported, failure == nil else { continue }
            do {
                try sink.emit(TraceRecord(time: System.now() &- start, pid: me, event: .reaped(child: pid, status: status)))
            } catch {
                failure = LabError(error)
            }
        }
        zombies.removeAll()
        if let failure { throw failure }
        return reaped
    }

    /// Reaps held zombie `pid`: at once, as it has ended. Should it not
    /// have (it cannot, short of a bug), it gets SIGKILL first: forklab
    /// leaves nothing behind. Nil when it was not forklab's child after all.
    private func reapHeld(_ pid: pid_t) -> WaitStatus? {
        var killed = false
        while true {
            do throws(Errno) {
                if let status = try System.reapIfEnded(pid) { return status }
            } catch {
                return nil
            }
            if !killed {
                System.signal(pid, SIGKILL)
                killed = true
            }
            System.awaitWakeUp(timeoutMilliseconds: 100)
        }
    }
}
