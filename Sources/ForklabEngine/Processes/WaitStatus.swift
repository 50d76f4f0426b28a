/// A raw status from waitpid(2), decoded the way the W* macros of
/// `<sys/wait.h>` decode it (those are macros, which Swift cannot call).
public struct WaitStatus: Hashable, Sendable {
    /// The status exactly as waitpid stored it: what the book prints.
    public var rawValue: Int32

    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// A status for a process that called `_exit(code)`.
    public static func exited(_ code: Int32) -> WaitStatus { WaitStatus(rawValue: (code & 0xff) << 8) }

    /// A status for a process killed by `signal`, with or without a core dump.
    public static func killed(_ signal: Int32, coreDumped: Bool = false) -> WaitStatus {
        WaitStatus(rawValue: (signal & 0x7f) | (coreDumped ? 0x80 : 0))
    }

    /// `status >> 8`, as the book computes the exit code (0 for a signal death).
    public var shiftedCode: Int32 { rawValue >> 8 }

    /// The exit code when the process exited normally. `WIFEXITED`/`WEXITSTATUS`.
    public var exitCode: Int32? { rawValue & 0x7f == 0 ? (rawValue >> 8) & 0xff : nil }

    /// The signal that ended the process, if one did. `WIFSIGNALED`/`WTERMSIG`.
    public var terminatingSignal: Int32? {
        let signal = rawValue & 0x7f
        return signal != 0 && signal != 0x7f ? signal : nil
    }

    /// Whether the kernel wrote a core file. `WCOREDUMP`.
    public var coreDumped: Bool { terminatingSignal != nil && rawValue & 0x80 != 0 }
}
