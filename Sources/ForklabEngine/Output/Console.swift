import Glibc

/// A descriptor that forklab writes whole lines to with write(2): never
/// through a stdio buffer, so nothing is left in a buffer for fork to copy.
public final class Console {
    public let fd: Int32
    /// Set once a write fails; later writes are skipped.
    public var failure: OutputError? { storedFailure }
    private var storedFailure: OutputError?
    /// Whether a write to `fd` can never wait for room: a regular file, or
    /// /dev/null, /dev/zero or /dev/full. poll(2) reports those writable at
    /// once, always, so waiting in it first would change nothing (and cost
    /// a system call a line). Decided once: what a descriptor is open on
    /// never changes, and forklab never dup2s over its own.
    private let neverBlocks: Bool
    /// Where the parent renders its usual lines (`writeLine`): no allocation,
    /// and no page fault after a fork (see `ParentOnlyBuffer`). Mapped at
    /// the first such line: stderr's console, and a script that runs no
    /// experiment, never need it.
    private lazy var scratch = ParentOnlyBuffer<UInt8>(minimumCapacity: 4000)

    public init(fd: Int32) {
        self.fd = fd
        neverBlocks = System.neverBlocksWriting(fd)
    }

    /// Writes the bytes in one write(2) where the kernel takes them whole.
    /// A write blocked on a full pipe ends when a Ctrl-C arrives.
    public func write(_ bytes: [UInt8]) throws(OutputError) {
        let error = bytes.withUnsafeBytes { write($0) }
        if let error { throw error }
    }

    public func write(_ text: String) throws(OutputError) {
        try write(Array(text.utf8))
    }

    /// Renders a line with `render` into a buffer kept for the purpose and
    /// writes it as `write` does.
    func writeLine(_ render: (ParentOnlyBuffer<UInt8>) -> Void) throws(OutputError) {
        scratch.removeAll()
        render(scratch)
        if let error = write(scratch.bytes) { throw error }
    }

    /// Writes `buffer`; the error, if any, after noting a lasting one.
    private func write(_ buffer: UnsafeRawBufferPointer) -> OutputError? {
        if let storedFailure { return storedFailure }
        guard let error = writeAll(buffer) else { return nil }
        if error != .interrupted { storedFailure = error }  // the next command may write again
        return error
    }

    private func writeAll(_ buffer: UnsafeRawBufferPointer) -> OutputError? {
        var offset = 0
        while offset < buffer.count {
            // Wait for room in poll(2), which a Ctrl-C ends whenever it
            // lands, rather than in write(2), which a Ctrl-C landing just
            // before it would not; after a stop, write only if room comes
            // within the grace (`System.stopGraceMilliseconds`).
            if !neverBlocks && !System.awaitWritable(fd) { return .interrupted }
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
            if errno.rawValue == EAGAIN {
                // stdout made non-blocking by someone sharing it: wait for
                // room as for a blocking descriptor.
                if neverBlocks && !System.awaitWritable(fd) { return .interrupted }
                continue
            }
            if errno.rawValue == EIO && Interruption.noteHangUp(writing: fd) { return .interrupted }
            return errno == .brokenPipe ? .closed : .failed(errno)
        }
        return nil
    }
}

extension ParentOnlyBuffer where Element == UInt8 {
    /// The bytes, valid until the buffer next changes.
    var bytes: UnsafeRawBufferPointer { withElements { UnsafeRawBufferPointer($0) } }

    func append(_ text: StaticString) {
        text.withUTF8Buffer { for byte in $0 { append(byte) } }
    }

    func append(utf8 text: String) {
        for byte in text.utf8 { append(byte) }
    }

    /// The decimal digits of `value`, with a minus sign when negative, as
    /// Swift's `"\(value)"` writes them (see `DecimalWriter`).
    func append(decimal value: Int64) {
        // Room for the longest number (`DecimalWriter.maximumLength`), on the stack.
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutablePointer(to: &digits) { room in
            room.withMemoryRebound(to: UInt8.self, capacity: 3 * MemoryLayout<UInt64>.size) { start in
                let end = DecimalWriter.write(value, at: start)
                for byte in UnsafeBufferPointer(start: start, count: end - start) { append(byte) }
            }
        }
    }
}
