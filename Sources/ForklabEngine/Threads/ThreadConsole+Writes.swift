import Glibc
import CForklabSystem
import Synchronization

// The writes of a line as it comes (one at a time, with or without the
// mutex; text then newline when unlocked lines tear), and the write(2)
// loops every mode, gathering included, goes through.
extension ThreadConsole {
    /// What the main thread writes at once: a pipe that poll(2) finds
    /// writable takes that much without blocking.
    static let mainThreadChunk = Int(PIPE_BUF)

    /// One write of a whole line (with `mutex` held, unless unlocked).
    func writeWhole(_ line: UnsafeRawBufferPointer, event: fl_event, mainThread: Bool) -> Bool {
        let written = writeAll(line, mainThread: mainThread)
        if written == line.count { return recorded(event) }
        if written > 0 { openLines.add(1, ordering: .relaxed) }
        return false
    }

    /// As Python's print writes a line: the text, then the newline, two
    /// writes, no mutex (but `exitGuard`, taken for each write apart, in a
    /// program of its own: see `ThreadConsole.exitGuard`).
    func writeTextThenNewline(_ line: UnsafeRawBufferPointer, event: fl_event, mainThread: Bool,
                              exitGuard: PthreadMutex? = nil) -> Bool {
        let text = UnsafeRawBufferPointer(rebasing: line.dropLast())
        exitGuard?.lock()
        let written = writeAll(text, mainThread: mainThread)
        exitGuard?.unlock()
        if written < text.count {
            if written > 0 { openLines.add(1, ordering: .relaxed) }
            return false
        }
        let newline: UInt8 = 0x0a
        exitGuard?.lock()
        defer { exitGuard?.unlock() }
        if withUnsafeBytes(of: newline, { writeAll($0, mainThread: mainThread) }) == 1 { return recorded(event) }
        openLines.add(1, ordering: .relaxed)
        return false
    }

    /// Records the event of a line that went out; true.
    @inline(__always)
    private func recorded(_ event: fl_event) -> Bool {
        if event.kind != 0, let log {
            withUnsafePointer(to: event) { fl_log_add(log, $0) }
        }
        return true
    }

    /// Writes until done or a stop. Returns how many bytes went out.
    func writeAll(_ bytes: UnsafeRawBufferPointer, mainThread: Bool) -> Int {
        var offset = 0
        while offset < bytes.count {
            // Checked before each write: after a stop nothing new starts.
            if crew.stopRequested || Interruption.stopRequested { return offset }
            if mainThread && !System.awaitWritable(fd) { return offset }
            guard let written = writeOnce(bytes.baseAddress! + offset, bytes.count - offset, mainThread: mainThread)
            else { return offset }
            offset += written
        }
        return offset
    }

    /// The main thread's write of what is gathered: at most a page at a
    /// time, ending at a line's end where one is in it, each once poll(2)
    /// finds room, so that it never sleeps in write(2). A stop does not
    /// drop what threads handed over: it goes out while the reader makes
    /// room, until a second stop or a grace with no room.
    /// Returns how many bytes went out.
    func writeRestFromMainThread(_ bytes: UnsafeRawBufferPointer) -> Int {
        var offset = 0
        while offset < bytes.count {
            guard System.awaitWritable(fd) else { return offset }
            var chunk = min(bytes.count - offset, Self.mainThreadChunk)
            if offset + chunk < bytes.count {
                var end = chunk
                while end > 0 && bytes[offset + end - 1] != 0x0a { end -= 1 }
                if end > 0 { chunk = end }
            }
            guard let written = writeOnce(bytes.baseAddress! + offset, chunk, mainThread: true) else { return offset }
            offset += written
        }
        return offset
    }

    /// One write(2): how many bytes went out (0 when a signal interrupted
    /// it, or stdout is non-blocking and had no room, so that the caller
    /// looks at the stop again), or nil once it failed, which stops every
    /// thread.
    private func writeOnce(_ start: UnsafeRawPointer, _ count: Int, mainThread: Bool) -> Int? {
        let written = Glibc.write(fd, start, count)
        if written >= 0 { return written }
        let error = Errno.current
        if error == .interrupted { return 0 }
        if error == .wouldBlock {
            // stdout made non-blocking by someone sharing it: a worker waits
            // for room in poll(2), which the main thread's SIGURG ends at a
            // stop; the main thread's callers wait in poll with the self-pipe.
            if !mainThread {
                var entry = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                _ = poll(&entry, 1, -1)
            }
            return 0
        }
        if error == .ioError && Interruption.noteHangUp(writing: fd) {
            // The terminal hung up: a stop, as SIGHUP's, not an output failure.
            crew.requestStop()
            return nil
        }
        fail(error)
        return nil
    }

    private func fail(_ error: Errno) {
        failure.store(error == .brokenPipe ? -1 : error.rawValue, ordering: .relaxed)
        crew.requestStop()
    }
}
