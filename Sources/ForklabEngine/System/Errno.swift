import Glibc

/// An error number from a failed system call, with the C library's text.
public struct Errno: Error, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: Int32

    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// The calling thread's `errno`.
    static var current: Errno { Errno(rawValue: errno) }

    // The codes the engine tests for, by name.
    /// EINTR: a signal ended the call.
    public static let interrupted = Errno(rawValue: EINTR)
    /// EPIPE: the reader went away.
    public static let brokenPipe = Errno(rawValue: EPIPE)
    /// EAGAIN: a non-blocking descriptor has no room (or nothing) now.
    public static let wouldBlock = Errno(rawValue: EAGAIN)
    /// EIO: an input/output error, as a terminal that hung up gives.
    public static let ioError = Errno(rawValue: EIO)
    /// ECHILD: no such child to wait for.
    public static let noChild = Errno(rawValue: ECHILD)
    /// EEXIST: the file exists (an exclusive create).
    public static let exists = Errno(rawValue: EEXIST)
    /// EISDIR: the path is a directory.
    public static let isDirectory = Errno(rawValue: EISDIR)
    /// ENXIO: no such device or address, as opening a FIFO that nobody
    /// reads for writing without waiting gives.
    public static let noReader = Errno(rawValue: ENXIO)

    /// The text `strerror` gives, such as "No such file or directory".
    public var description: String {
        guard let text = strerror(rawValue) else { return "error \(rawValue)" }
        return String(cString: text)
    }
}
