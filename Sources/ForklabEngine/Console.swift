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
                // Wait for room in poll(2), which a Ctrl-C ends whenever it
                // lands, rather than in write(2), which a Ctrl-C landing just
                // before it would not; after a stop, write only if there is room.
                if !System.awaitWritable(fd) { return .interrupted }
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

    public func write(_ text: String) throws(OutputError) {
        try write(Array(text.utf8))
    }
}
