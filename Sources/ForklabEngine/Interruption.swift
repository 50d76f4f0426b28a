import Glibc
import CForklabSystem

/// forklab's signal handling: Ctrl-C is counted, not fatal; SIGCHLD wakes a
/// waiting parent; SIGPIPE is ignored so that a closed stdout is an EPIPE.
public enum Interruption {
    /// Installs the handlers. Call once, before the first experiment.
    public static func install() throws(Errno) {
        _ = try valueOrErrno { fl_signals_install() }
    }

    /// Whether Ctrl-C (SIGINT) arrived since the last `clear()`.
    public static var requested: Bool { fl_interrupts() > 0 }

    /// SIGTERM or SIGHUP, once either asked forklab to end: experiments stop
    /// and reap as after Ctrl-C, and forklab then ends by that signal.
    public static var termination: Int32? {
        let signal = fl_termination()
        return signal == 0 ? nil : signal
    }

    /// A Ctrl-C or a termination request is pending.
    public static var stopRequested: Bool { fl_stop_requests() > 0 }

    /// Forgets earlier Ctrl-Cs: a new command starts uninterrupted. A
    /// termination request is never forgotten.
    public static func clear() { fl_interrupts_clear() }
}
