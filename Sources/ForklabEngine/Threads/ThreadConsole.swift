import Glibc
import CForklabSystem
import Synchronization

/// stdout as the threads of one experiment share it. Lines go out with
/// write(2), never through a stdio buffer: in locked mode whole, one write
/// each under one process-wide mutex; unlocked, as Python's print writes
/// them: the text, then the newline, two writes, no mutex.
final class ThreadConsole: Sendable {
    let fd: Int32
    let locked: Bool
    /// Whether an unlocked line goes out as text, then newline (the book's
    /// text) or in one write all the same (a JSON object is never torn).
    let tears: Bool
    let crew: Crew
    private let mutex = PthreadMutex()
    /// 0 while writes work; -1 once the reader left (EPIPE); else the errno.
    private let failure = Atomic<Int32>(0)
    /// Lines a stop cut short: their text went out, their newline did not.
    private let openLines = Atomic<Int>(0)

    init(fd: Int32, locked: Bool, tears: Bool = true, crew: Crew) {
        self.fd = fd
        self.locked = locked
        self.tears = tears
        self.crew = crew
    }

    /// Writes one line (ending in a newline) from a worker thread, as the
    /// mode says. A write blocked on a pipe nobody reads is ended by the
    /// main thread's SIGURG.
    /// - Returns: false when the experiment is stopping (a Ctrl-C, or
    ///   output that failed here or in another thread): the thread stops.
    @inline(__always)
    func write(_ line: UnsafeRawBufferPointer) -> Bool { write(line, mainThread: false) }

    /// Writes one line from the main thread, which no SIGURG reaches: it
    /// waits for room in poll(2), with the self-pipe, rather than in write(2).
    func writeFromMainThread(_ line: UnsafeRawBufferPointer) -> Bool { write(line, mainThread: true) }

    /// After the threads are joined: ends a line that a stop cut short, so
    /// that what comes next (the summary) starts a line of its own.
    func endOpenLine() {
        guard openLines.exchange(0, ordering: .relaxed) > 0, outputError == nil else { return }
        let newline: UInt8 = 0x0a
        guard System.awaitWritable(fd) else { return }
        _ = withUnsafeBytes(of: newline) { Glibc.write(fd, $0.baseAddress!, 1) }
    }

    /// Why output stopped, once a write failed.
    var outputError: OutputError? {
        switch failure.load(ordering: .relaxed) {
        case 0: return nil
        case -1: return .closed
        case let code: return .failed(Errno(rawValue: code))
        }
    }

    @inline(__always)
    private func write(_ line: UnsafeRawBufferPointer, mainThread: Bool) -> Bool {
        if locked {
            mutex.lock()
            defer { mutex.unlock() }
            let written = writeAll(line, mainThread: mainThread)
            if written == line.count { return true }
            if written > 0 { openLines.add(1, ordering: .relaxed) }
            return false
        }
        if !tears {
            let written = writeAll(line, mainThread: mainThread)
            if written > 0 && written < line.count { openLines.add(1, ordering: .relaxed) }
            return written == line.count
        }
        let text = UnsafeRawBufferPointer(rebasing: line.dropLast())
        let written = writeAll(text, mainThread: mainThread)
        if written < text.count {
            if written > 0 { openLines.add(1, ordering: .relaxed) }
            return false
        }
        let newline: UInt8 = 0x0a
        if withUnsafeBytes(of: newline, { writeAll($0, mainThread: mainThread) }) == 1 { return true }
        openLines.add(1, ordering: .relaxed)
        return false
    }

    /// Writes until done or a stop. Returns how many bytes went out.
    private func writeAll(_ bytes: UnsafeRawBufferPointer, mainThread: Bool) -> Int {
        var offset = 0
        while offset < bytes.count {
            // Checked before each write: after a stop nothing new starts.
            if crew.stopRequested || fl_stop_requests() > 0 { return offset }
            if mainThread && !System.awaitWritable(fd) { return offset }
            let written = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if written >= 0 {
                offset += written
                continue
            }
            let error = errno
            if error == EINTR { continue }
            failure.store(error == EPIPE ? -1 : error, ordering: .relaxed)
            crew.requestStop()
            return offset
        }
        return offset
    }
}
