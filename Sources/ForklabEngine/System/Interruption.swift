import Glibc
import CForklabSystem

/// forklab's signal handling: Ctrl-C is counted, not fatal; SIGTERM, SIGHUP
/// and SIGQUIT are requests to end; SIGCHLD wakes a waiting parent; SIGPIPE
/// and SIGXFSZ are ignored so that a closed stdout is an EPIPE and a file
/// too large an EFBIG.
///
/// The handlers (C, in CForklabSystem's signals.c) count what arrived and
/// write a byte to a self-pipe, so that a wait can include "a signal came"
/// in its poll(2). The executable reads those counts and that pipe through
/// this type alone. The public members are `@inlinable`: each compiles to
/// one call into the C shim wherever it is used, the wait loops included.
public enum Interruption {
    /// Installs the handlers. Call once, before the first experiment.
    public static func install() throws(Errno) {
        _ = try valueOrErrno { fl_signals_install() }
    }

    /// Whether Ctrl-C (SIGINT) arrived since the last `clear()`.
    @inlinable public static var requested: Bool { fl_interrupts() > 0 }

    /// SIGTERM, SIGHUP or SIGQUIT, once one asked forklab to end:
    /// experiments stop and reap as after Ctrl-C, and forklab then ends by
    /// that signal.
    @inlinable public static var termination: Int32? {
        let signal = fl_termination()
        return signal == 0 ? nil : signal
    }

    /// Whether the termination came from the terminal (Ctrl-\, a hang-up),
    /// which sent it to a whole process group, rather than from kill(1).
    static var terminationFromTerminal: Bool { fl_termination_from_terminal() != 0 }

    /// A write to `fd` failed with EIO: when `fd` is a terminal that hung
    /// up, forklab takes it as the SIGHUP that comes (or came) with a
    /// hang-up, so that it ends by SIGHUP whichever it saw first. Returns
    /// whether it did; false for another EIO, or when SIGHUP is ignored
    /// (nohup), and the write error then stands.
    static func noteHangUp(writing fd: Int32) -> Bool {
        // A terminal that hung up answers every request with EIO; one that
        // merely refused a background write still answers tcgetattr.
        var modes = termios()
        guard tcgetattr(fd, &modes) != 0 && Errno.current == .ioError else { return false }
        return fl_note_hangup() != 0
    }

    /// Ctrl-Cs since the last `clear()` plus termination requests: non-zero
    /// means stop waiting, more than one means stop at once (no grace).
    @inlinable public static var stopRequests: UInt32 { fl_stop_requests() }

    /// A Ctrl-C or a termination request is pending.
    @inlinable public static var stopRequested: Bool { fl_stop_requests() > 0 }

    /// How many Ctrl-Cs (SIGINTs) arrived since the last `clear()`.
    static var interrupts: UInt32 { fl_interrupts() }

    /// How many of `interrupts` did not come from the terminal (kill(1)
    /// rather than Ctrl-C): only those still have to reach the children.
    static var interruptsNotFromTerminal: UInt32 { fl_interrupts_not_from_terminal() }

    /// Forgets earlier Ctrl-Cs: a new command starts uninterrupted. A
    /// termination request is never forgotten.
    public static func clear() { fl_interrupts_clear() }

    /// The read end of the self-pipe: readable once a signal forklab
    /// handles (SIGINT, SIGCHLD, a termination request) arrived, or a
    /// worker thread woke the main thread. Poll it beside what a wait is
    /// for, so that a signal landing just before the wait still ends it;
    /// then `drainWakeUps()`.
    @inlinable public static var wakeDescriptor: Int32 { fl_wake_fd() }

    /// Empties the self-pipe without blocking, once a wait saw it readable.
    @inlinable public static func drainWakeUps() { fl_wake_drain() }
}
