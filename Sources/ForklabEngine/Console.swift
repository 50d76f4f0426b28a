import Glibc

/// A descriptor that forklab writes whole lines to with write(2): never
/// through a stdio buffer, so nothing is left in a buffer for fork to copy.
public final class Console {
    public let fd: Int32
    /// Set once a write fails; later writes are skipped.
    public private(set) var failure: OutputError?

    public init(fd: Int32) { self.fd = fd }

    /// Writes the bytes in one write(2) where the kernel takes them whole.
    /// A write blocked on a full pipe ends when a Ctrl-C arrives.
    public func write(_ bytes: [UInt8]) throws(OutputError) {
        if let failure { throw failure }
        let error: OutputError? = bytes.withUnsafeBytes { buffer -> OutputError? in
            var offset = 0
            while offset < buffer.count {
                // Once a stop is requested, a write that would block on a
                // pipe nobody reads is not started: no signal would end it.
                if Interruption.stopRequested && !writable() { return .interrupted }
                let written = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written >= 0 {
                    offset += written
                    continue
                }
                let errno = Errno.current
                if errno == .interrupted {
                    if Interruption.stopRequested { return .interrupted }
                    continue
                }
                return errno == .brokenPipe ? .closed : .failed(errno)
            }
            return nil
        }
        guard let error else { return }
        if error != .interrupted { failure = error }  // the next command may write again
        throw error
    }

    /// Whether a write would not block now.
    private func writable() -> Bool {
        var entry = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        return poll(&entry, 1, 0) == 1
    }

    public func write(_ text: String) throws(OutputError) {
        try write(Array(text.utf8))
    }
}
