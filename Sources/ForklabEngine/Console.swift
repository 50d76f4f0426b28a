/// A descriptor that forklab writes whole lines to with write(2): never
/// through a stdio buffer, so nothing is left in a buffer for fork to copy.
public final class Console {
    public let fd: Int32
    /// Set once a write fails; later writes are skipped.
    public private(set) var failure: OutputError?

    public init(fd: Int32) { self.fd = fd }

    /// Writes the bytes in one write(2) where the kernel takes them whole.
    public func write(_ bytes: [UInt8]) throws(OutputError) {
        if let failure { throw failure }
        let error: Errno? = bytes.withUnsafeBytes { buffer -> Errno? in
            do throws(Errno) {
                try System.writeAll(fd, buffer)
                return nil
            } catch {
                return error
            }
        }
        if let error {
            let failure: OutputError = error == .brokenPipe ? .closed : .failed(error)
            self.failure = failure
            throw failure
        }
    }

    public func write(_ text: String) throws(OutputError) {
        try write(Array(text.utf8))
    }
}
