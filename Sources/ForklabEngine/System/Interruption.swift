import Glibc
import CForklabSystem

/// forklab's signal handling: Ctrl-C is counted, not fatal; SIGTERM, SIGHUP
/// and SIGQUIT are requests to end; SIGCHLD wakes a waiting parent; SIGPIPE
/// and SIGXFSZ are ignored so that a closed stdout is an EPIPE and a file
/// too large an EFBIG.
public enum Interruption {
    /// Installs the handlers. Call once, before the first experiment.
    public static func install() throws(Errno) {
        _ = try valueOrErrno { fl_signals_install() }
    }

    /// Whether Ctrl-C (SIGINT) arrived since the last `clear()`.
    public static var requested: Bool { fl_interrupts() > 0 }

    /// SIGTERM, SIGHUP or SIGQUIT, once one asked forklab to end:
    /// experiments stop and reap as after Ctrl-C, and forklab then ends by
    /// that signal.
    public static var termination: Int32? {
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
        guard tcgetattr(fd, &modes) != 0 && errno == EIO else { return false }
        return fl_note_hangup() != 0
    }

    /// A Ctrl-C or a termination request is pending.
    public static var stopRequested: Bool { fl_stop_requests() > 0 }

    /// Forgets earlier Ctrl-Cs: a new command starts uninterrupted. A
    /// termination request is never forgotten.
    public static func clear() { fl_interrupts_clear() }
}
