import Glibc
import CForklabSystem

// forklab's watchdog over a program of its own whose threads may never
// return (`deadlock`, `produce … broken`): forklab itself never blocks on
// them; it polls the shared record, and when nothing has moved for T and the
// record and the kernel show the program stuck, it kills it (docs/commands.md,
// "deadlock" and "produce").

/// What the watchdog caught, for `FL_EVENT_CAUGHT`'s a.
enum CaughtKind: Int32 {
    case deadlock = 0
    case stuckQueue = 1
}

extension Lab {
    /// Polls the record of program `pid` every 10 ms, and the self-pipe so
    /// that a Ctrl-C is seen at once, until the program ends or a stop
    /// comes. When no event has been added for `timeout`, asks `stuck`;
    /// when it answers, records the moment (FL_EVENT_CAUGHT, with `kind`
    /// and how many threads it caught) and kills the program with SIGKILL.
    /// Returns what `stuck` found and when, since the command began; nil
    /// when the program ended (or was stopped) first. Nothing is reaped here.
    func watch<Found>(_ pid: pid_t, timeout: UInt64, kind: CaughtKind,
                      stuck: (EventLog) -> (found: Found, threads: Int)?) -> (found: Found, at: UInt64)? {
        guard let log else { return nil }
        var progress = -1
        var movedAt = System.now()
        while !Interruption.stopRequested {
            // Look without reaping: the caller reaps and reports it.
            if (try? System.hasEnded(pid)) ?? true { return nil }
            let now = System.now()
            let counts = log.counts
            let events = counts.lives + counts.marks + counts.droppedMarks
            if events != progress {
                progress = events
                movedAt = now
            } else if now &- movedAt >= timeout {
                if let (found, threads) = stuck(log) {
                    let at = now &- started
                    log.add(FL_EVENT_CAUGHT, time: at, pid: getpid(), tid: fl_thread_id(), kind.rawValue, Int32(threads))
                    System.signal(pid, SIGKILL)
                    return (found, at)
                }
                movedAt = now  // not stuck (yet): look again after another T
            }
            System.awaitWakeUp(timeoutMilliseconds: 10)
        }
        return nil
    }
}

/// A watched program of its own, reaped: its pid, how it ended, and what
/// the watchdog caught and when (nil when the program ended first).
struct WatchedRun<Found> {
    let pid: pid_t
    let status: WaitStatus
    let caught: (found: Found, at: UInt64)?
}

extension Lab {
    /// Starts `experiment` as a program of its own, watches it (`watch`,
    /// with `stuck` given the record and the program's pid), reaps it, and
    /// writes the waits its threads noted (`emitWaits`).
    /// - Throws: why it could not be started or reaped.
    func runWatched<Found>(_ experiment: Experiment, timeout: UInt64, kind: CaughtKind,
                           stuck: (EventLog, pid_t) -> (found: Found, threads: Int)?) throws(LabError)
        -> WatchedRun<Found> {
        var program = try startProgram(experiment)
        let pid = program.pid
        let caught = program.execError == nil ? watch(pid, timeout: timeout, kind: kind) { stuck($0, pid) } : nil
        let result = reapProgram(&program)
        if let execError = program.execError { throw .cannotRun(program: programPath, execError) }
        guard let result else { throw .system(call: "\(experiment.name): waitpid", .noChild) }
        emitWaits(of: pid)
        return WatchedRun(pid: pid, status: result.status, caught: caught)
    }
}
