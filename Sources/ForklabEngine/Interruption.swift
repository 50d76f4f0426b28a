#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
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

    /// Forgets earlier Ctrl-Cs: a new command starts uninterrupted.
    public static func clear() { fl_interrupts_clear() }
}
