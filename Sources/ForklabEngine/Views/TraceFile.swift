import Glibc
import ForklabWords

/// Writes a trace (or any text) to a new file, without ever clobbering one
/// that exists unless asked to.
public enum TraceFile {
    /// Creates `path` (mode 0644 before the umask) and writes `text` to it,
    /// as `write(to:force:contents:)` does.
    public static func write(_ text: String, to path: String, force: Bool) throws(SaveError) {
        try write(to: path, force: force) { (output) throws(Errno) in
            var bytes = text
            var failure: Errno?
            bytes.withUTF8 { buffer in
                do throws(Errno) { try output(UnsafeRawBufferPointer(buffer)) } catch { failure = error }
            }
            if let failure { throw failure }
        }
    }

    /// Creates `path` (mode 0644 before the umask) and writes to it what
    /// `contents` hands to the `output` it is given, piece by piece.
    /// Without `force` the file must not exist: it is created with O_EXCL,
    /// so a file that appears meanwhile is not overwritten either. With
    /// `force` an existing file is truncated and rewritten.
    ///
    /// Every byte is written (short writes continued, EINTR retried) and
    /// close's result is checked. A file this call created and could not
    /// fill is removed again; one it truncated (`force`) stays, partial.
    /// Only a regular file is written: a FIFO or a device could block the
    /// write for ever (a FIFO nobody reads), a file of /proc or /sys would
    /// change the system, and no trace belongs there. With `force` the file
    /// is truncated only once it is known to be a regular file.
    /// - Throws: `.exists` without `force`; `.notAFile` for a FIFO, a device
    ///   or a socket; `.kernelFile` for a file of /proc, /sys and the like;
    ///   `.cannotWrite` with the errno of the call that failed
    ///   (a missing folder, a directory, no permission), or that `contents`
    ///   threw.
    public static func write(
        to path: String, force: Bool,
        contents: (_ output: (UnsafeRawBufferPointer) throws(Errno) -> Void) throws(Errno) -> Void
    ) throws(SaveError) {
        let fd: Int32
        do {
            fd = try System.create(path, replacing: force)
        } catch {
            if error == .exists {
                // O_EXCL refuses a directory with EEXIST too; say what it is.
                if System.isDirectory(path) { throw .cannotWrite(path: path, .isDirectory) }
                throw .exists(path: path)
            }
            if error == .noReader { throw .notAFile(path: path) }  // a FIFO nobody reads
            throw .cannotWrite(path: path, error)
        }
        guard System.isRegularFile(fd) else {
            System.close(fd)
            throw .notAFile(path: path)
        }
        // /proc/self/comm is a regular file too: look at the file system
        // before a byte is written, or the file truncated.
        if let system = System.kernelFileSystem(fd) {
            System.close(fd)
            if !force { System.remove(path) }  // O_EXCL: this call made it
            throw .kernelFile(path: path, fileSystem: system)
        }
        do throws(Errno) {
            if force { try System.truncate(fd) }
            try contents { (buffer) throws(Errno) in
                var done = 0
                while done < buffer.count {
                    let written = try System.write(fd, buffer.baseAddress! + done, count: buffer.count - done)
                    if written == 0 { throw Errno.ioError }
                    done += written
                }
            }
        } catch {
            System.close(fd)
            if !force { System.remove(path) }
            throw .cannotWrite(path: path, error)
        }
        do {
            try System.closeReporting(fd)
        } catch {
            if !force { System.remove(path) }
            throw .cannotWrite(path: path, error)
        }
    }
}

/// Why `save` wrote nothing (or, `force`, not all of it).
public enum SaveError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file exists and `force` was not given; it was left as it was.
    case exists(path: String)
    /// Opening, writing or closing `path` failed with this errno.
    case cannotWrite(path: String, Errno)
    /// `path` is a FIFO, a device or a socket: nothing was written.
    case notAFile(path: String)
    /// `path` is a file of a kernel interface such as /proc or /sys
    /// (`fileSystem`: proc, sysfs, …): nothing was written or truncated.
    case kernelFile(path: String, fileSystem: String)

    public var description: String {
        switch self {
        case let .exists(path):
            return "'\(display(path))' exists; add 'force' to overwrite it"
        case let .cannotWrite(path, errno):
            return "cannot write '\(display(path))': \(errno)"
        case let .notAFile(path):
            return "'\(display(path))' is not a regular file; a trace is saved to a file only"
        case let .kernelFile(path, fileSystem):
            return "'\(display(path))' is a kernel interface (\(fileSystem)), not a regular file; a trace is saved to a file only"
        }
    }
}
