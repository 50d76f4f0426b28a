import Glibc
import CForklabSystem

/// The children an experiment started and has not reaped yet. Reaps only
/// its own pids (never wait(-1), which would steal other children).
/// Every Reaper ends with `reapAll`, which leaves its pids empty for the next.
struct Reaper {
    /// In the order they were started; parent-only memory (see
    /// `ParentOnlyBuffer`), so that adding a pid costs no page fault after a fork.
    private let running: ParentOnlyBuffer<pid_t>
    private var forwardedInterrupts: UInt32 = 0
    private var forwardedTermination = false
    private var killDeadline: UInt64?

    /// How long children get to end after a Ctrl-C before SIGKILL.
    let grace: UInt64

    /// `pids`: an empty buffer for the pids (`Lab.reaperPIDs`), reused from
    /// one Reaper to the next so that making one allocates nothing.
    init(grace: UInt64, pids: ParentOnlyBuffer<pid_t>) {
        self.grace = grace
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
                return error.rawValue == ECHILD  // not ours after all: nothing to wait for
            }
        }
    }

    /// Waits until every child has ended, reporting each as it ends.
    /// A Ctrl-C is passed on to the children (a terminal's Ctrl-C already
    /// reached them), as is SIGTERM or SIGHUP; children still running 3 s
    /// later, or at a second request, get SIGKILL, so that nothing is left
    /// behind and nothing hangs.
    mutating func reapAll(_ onReap: (pid_t, WaitStatus) -> Void) {
        while true {
            reapEnded(onReap)
            if running.isEmpty { return }
            var timeout: Int32 = -1
            if Interruption.stopRequested {
                timeout = escalate()
            }
            System.awaitWakeUp(timeoutMilliseconds: timeout)
        }
    }

    /// Passes the request on, then SIGKILL once the grace period ends or a
    /// second request comes. Returns how long to wait before looking again.
    private mutating func escalate() -> Int32 {
        let now = System.now()
        let fromUser = fl_interrupts_not_from_terminal()
        if fromUser > forwardedInterrupts {
            running.withElements { for pid in $0 { System.signal(pid, SIGINT) } }
            forwardedInterrupts = fromUser
        }
        let termination = Interruption.termination
        if let termination, !forwardedTermination {
            running.withElements { for pid in $0 { System.signal(pid, termination) } }
            forwardedTermination = true
        }
        if fl_stop_requests() > 1 {
            killDeadline = now  // asked twice: no more grace
        } else if killDeadline == nil {
            killDeadline = now + grace
        }
        let deadline = killDeadline!
        if now >= deadline {
            running.withElements { for pid in $0 { System.signal(pid, SIGKILL) } }
            return -1
        }
        return Int32(min((deadline - now) / 1_000_000 + 1, 60_000))
    }
}
