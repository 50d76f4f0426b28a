import Glibc
import CForklabSystem
import Synchronization

/// stdout as the threads of one experiment share it. Lines go out with
/// write(2), never through a stdio buffer.
///
/// - Locked, not at a terminal: whole lines are gathered in one 64 KiB
///   buffer under one process-wide mutex, in the order threads took it, and
///   the buffer is written when the next line would not fit and when the
///   command ends (`finish`). A line's event is recorded once the write
///   that carried it succeeded.
/// - Locked, at a terminal: one write per line under the mutex, so each
///   line shows as it is printed.
/// - Unlocked: as Python's print writes a line: the text, then the
///   newline, two writes, no mutex (one write for a JSON object, which
///   must not tear).
final class ThreadConsole: @unchecked Sendable {
    // @unchecked: `gathered` is only touched with `mutex` held, but for the
    // events a writer hands off to itself to record after it let go of the
    // mutex (`record`), which nobody else touches until it says so under
    // the mutex; the rest is immutable or atomic.
    let fd: Int32
    let locked: Bool
    /// Whether an unlocked line goes out as text, then newline (the book's
    /// text) or in one write all the same (a JSON object is never torn).
    let tears: Bool
    let crew: Crew
    /// The log as the pointer C takes (see `LineRenderer.log`).
    private let log: OpaquePointer?
    /// Adaptive: held a few dozen instructions per line, by many threads.
    private let mutex = PthreadMutex(adaptive: true)
    /// The gathered lines; nil when lines go out one by one (unlocked, at a
    /// terminal, or when no memory was left for the buffer).
    private let gathered: UnsafeMutablePointer<Gathered>?
    /// 0 while writes work; -1 once the reader left (EPIPE); else the errno.
    private let failure = Atomic<Int32>(0)
    /// Lines a stop cut short: their text went out, their newline did not.
    private let openLines = Atomic<Int>(0)
    /// Lines the threads handed over that never went out (counted lines
    /// only: `[t] => i` and a consumer's line).
    private let unwritten = Atomic<Int>(0)

    /// The buffer's size: it is written when the next line would not fit.
    static let capacity = 1 << 16
    /// The most lines it holds: more than 64 KiB of the book's shortest
    /// line (`[0] => 0`, 9 bytes) could make, so the bytes always fill first.
    static let lineCapacity = capacity / 8
    /// What the main thread writes at once: a pipe that poll(2) finds
    /// writable takes that much without blocking.
    static let mainThreadChunk = Int(PIPE_BUF)

    /// - Parameters:
    ///   - gathers: whether a locked console gathers lines in its buffer;
    ///     false at a terminal, where each line is written when printed.
    ///   - log: where the events of lines that went out are recorded.
    init(fd: Int32, locked: Bool, tears: Bool = true, gathers: Bool, crew: Crew, log: EventLog?) {
        self.fd = fd
        self.locked = locked
        self.tears = tears
        self.crew = crew
        self.log = log?.raw
        gathered = locked && gathers ? Gathered.make() : nil
    }

    deinit {
        guard let gathered else { return }
        gathered.pointee.release()
        gathered.deallocate()
    }

    /// Whether lines are gathered rather than written one by one.
    var gathers: Bool { gathered != nil }

    /// Hands one line (ending in a newline) from a worker thread to the
    /// console, as the mode says: gathered, or written now. A write
    /// blocked on a pipe nobody reads is ended by the main thread's SIGURG.
    /// - Parameter event: recorded once the line went out; its kind 0 for none.
    /// - Returns: false when the experiment is stopping (a Ctrl-C, or
    ///   output that failed here or in another thread): the thread stops.
    @inline(__always)
    func write(_ line: UnsafeRawBufferPointer, event: fl_event) -> Bool {
        write(line, event: event, mainThread: false)
    }

    /// Hands one line to the console from the main thread, which no SIGURG
    /// reaches: it waits for room in poll(2), with the self-pipe, rather
    /// than in write(2).
    func writeFromMainThread(_ line: UnsafeRawBufferPointer, event: fl_event) -> Bool {
        write(line, event: event, mainThread: true)
    }

    /// After the threads are joined, from the main thread: writes what is
    /// gathered, then ends a line that a stop cut short, so that what comes
    /// next (the summary) starts a line of its own. After a Ctrl-C or
    /// SIGTERM what is gathered still goes out while the reader makes room
    /// (a second one gives up at once, as does a reader that takes nothing
    /// for `System.stopGraceMilliseconds`).
    func finish() {
        if let gathered {
            mutex.lock()
            _ = flush(gathered, mainThread: true)
            let buffer = gathered.pointee
            if buffer.used > buffer.sent {
                // Given up: a line cut short needs its newline, and what
                // never went out is counted, not recorded.
                if buffer.sent > 0 && buffer.bytes.load(fromByteOffset: buffer.sent - 1, as: UInt8.self) != 0x0a {
                    openLines.add(1, ordering: .relaxed)
                }
                drop(gathered)
            }
            // Given back now, not when the console goes: every mapping left
            // makes the next fork dearer, and the command is over.
            gathered.pointee.release()
            mutex.unlock()
        }
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

    /// Lines (`[t] => i`, a consumer's) that threads handed over and that
    /// never went out: a write failed, or a stop came before the buffer
    /// holding them could be written. Read after `finish`.
    var unwrittenLines: Int { unwritten.load(ordering: .relaxed) }

    @inline(__always)
    private func write(_ line: UnsafeRawBufferPointer, event: fl_event, mainThread: Bool) -> Bool {
        if let gathered {
            // Checked for each line, before the lock, which it keeps short:
            // after a stop nothing new is taken.
            if failure.load(ordering: .relaxed) != 0 || crew.stopRequested || fl_stop_requests() > 0 { return false }
            mutex.lock()
            guard gathered.pointee.isOpen else {
                // Handed over after `finish` (no line is): it goes out by itself.
                defer { mutex.unlock() }
                return writeLocked(line, event: event, mainThread: mainThread)
            }
            var written: Written?
            let accepted = gather(line, event: event, into: gathered, mainThread: mainThread, written: &written)
            mutex.unlock()
            if let written { record(written, of: gathered) }
            return accepted
        }
        if locked {
            mutex.lock()
            defer { mutex.unlock() }
            return writeLocked(line, event: event, mainThread: mainThread)
        }
        if !tears {
            let written = writeAll(line, mainThread: mainThread)
            if written > 0 && written < line.count { openLines.add(1, ordering: .relaxed) }
            return written == line.count && recorded(event)
        }
        let text = UnsafeRawBufferPointer(rebasing: line.dropLast())
        let written = writeAll(text, mainThread: mainThread)
        if written < text.count {
            if written > 0 { openLines.add(1, ordering: .relaxed) }
            return false
        }
        let newline: UInt8 = 0x0a
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

    /// One write of a whole line, with `mutex` held.
    private func writeLocked(_ line: UnsafeRawBufferPointer, event: fl_event, mainThread: Bool) -> Bool {
        let written = writeAll(line, mainThread: mainThread)
        if written == line.count { return recorded(event) }
        if written > 0 { openLines.add(1, ordering: .relaxed) }
        return false
    }

    /// The events of lines a worker's write carried, to record once it let
    /// go of the mutex.
    private struct Written {
        let events: UnsafeMutablePointer<fl_event>
        let count: Int
    }

    /// Records the events of a buffer that went out, without the mutex:
    /// their first records touch fresh pages of the log, and other threads
    /// need not wait for that. Then the array is free for the next write.
    private func record(_ written: Written, of gathered: UnsafeMutablePointer<Gathered>) {
        fl_log_add_many(log, written.events, written.count)
        mutex.withLock { gathered.pointee.spareInUse = false }
    }

    /// Appends a line to the buffer, with `mutex` held, writing the buffer
    /// first when the line would not fit.
    /// - Parameter written: set when a worker's write of the buffer left
    ///   events to record after the mutex is let go.
    @inline(__always)
    private func gather(_ line: UnsafeRawBufferPointer, event: fl_event,
                        into gathered: UnsafeMutablePointer<Gathered>, mainThread: Bool,
                        written: inout Written?) -> Bool {
        if gathered.pointee.used + line.count > Self.capacity || gathered.pointee.lines == Self.lineCapacity {
            guard flush(gathered, mainThread: mainThread, written: &written) else { return false }
        }
        // Longer than the buffer (no thread line is): written on its own.
        if line.count > Self.capacity { return writeLocked(line, event: event, mainThread: mainThread) }
        gathered.pointee.append(line, event: event)
        return true
    }

    /// Writes what is gathered, with `mutex` held. Lines whose every byte
    /// went out have their events recorded: now, or, when `written` is
    /// given and the buffer went out whole, by the caller once it let go
    /// of the mutex.
    /// - Returns: true when all of it went out; false when a stop or a
    ///   failure cut it short. What a stop left stays for `finish`; what a
    ///   failure left is dropped.
    private func flush(_ gathered: UnsafeMutablePointer<Gathered>, mainThread: Bool) -> Bool {
        var written: Written?
        return flush(gathered, mainThread: mainThread, written: &written)
    }

    private func flush(_ gathered: UnsafeMutablePointer<Gathered>, mainThread: Bool, written: inout Written?) -> Bool {
        let buffer = gathered.pointee
        if buffer.used == buffer.sent {
            gathered.pointee.commit(to: log)
            gathered.pointee.empty()
            return true
        }
        if failure.load(ordering: .relaxed) != 0 {
            drop(gathered)
            return false
        }
        let rest = UnsafeRawBufferPointer(start: buffer.bytes + buffer.sent, count: buffer.used - buffer.sent)
        let sent = mainThread ? writeRestFromMainThread(rest) : writeAll(rest, mainThread: false)
        gathered.pointee.sent += sent
        if gathered.pointee.sent == buffer.used {
            if !mainThread, log != nil, let events = gathered.pointee.handOff() {
                written = Written(events: events.baseAddress!, count: events.count)
            } else {
                gathered.pointee.commit(to: log)
            }
            gathered.pointee.empty()
            return true
        }
        gathered.pointee.commit(to: log)
        if failure.load(ordering: .relaxed) != 0 { drop(gathered) }
        return false
    }

    /// Gives up on what is gathered and not yet out: counted, not recorded.
    private func drop(_ gathered: UnsafeMutablePointer<Gathered>) {
        unwritten.add(gathered.pointee.countedLinesLeft, ordering: .relaxed)
        gathered.pointee.empty()
    }

    /// Writes until done or a stop. Returns how many bytes went out.
    private func writeAll(_ bytes: UnsafeRawBufferPointer, mainThread: Bool) -> Int {
        var offset = 0
        while offset < bytes.count {
            // Checked before each write: after a stop nothing new starts.
            if crew.stopRequested || fl_stop_requests() > 0 { return offset }
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
    private func writeRestFromMainThread(_ bytes: UnsafeRawBufferPointer) -> Int {
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
        let error = errno
        if error == EINTR { return 0 }
        if error == EAGAIN {
            // stdout made non-blocking by someone sharing it: a worker waits
            // for room in poll(2), which the main thread's SIGURG ends at a
            // stop; the main thread's callers wait in poll with the self-pipe.
            if !mainThread {
                var entry = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                _ = poll(&entry, 1, -1)
            }
            return 0
        }
        if error == EIO && Interruption.noteHangUp(writing: fd) {
            // The terminal hung up: a stop, as SIGHUP's, not an output failure.
            crew.requestStop()
            return nil
        }
        fail(error)
        return nil
    }

    private func fail(_ error: Int32) {
        failure.store(error == EPIPE ? -1 : error, ordering: .relaxed)
        crew.requestStop()
    }
}

/// The lines a locked console gathered, and the events to record once
/// they are out: the buffer, the lines' ends and their events in one
/// mapping of its own, given back once the command is over.
private struct Gathered {
    /// `ThreadConsole.capacity` bytes.
    private(set) var bytes: UnsafeMutableRawPointer
    /// For each line in the buffer: the offset just past its newline.
    private var ends: UnsafeMutablePointer<Int32>
    /// For each line: its event (kind 0 for none). Two arrays take turns:
    /// while a thread records the events of a buffer that went out, from
    /// one, the next buffer's lines fill the other.
    private var events: UnsafeMutablePointer<fl_event>
    private var spare: UnsafeMutablePointer<fl_event>
    /// Whether `spare` still holds events being recorded.
    var spareInUse = false
    /// Where the mapping starts.
    private let pages: UnsafeMutableRawPointer
    /// Whether the mapping is still there.
    private(set) var isOpen = true
    /// Bytes in the buffer; of those, bytes written already (a write a
    /// stop cut short leaves the rest).
    var used = 0
    var sent = 0
    /// Lines in the buffer; of those, lines whose events are recorded.
    private(set) var lines = 0
    private var committed = 0

    private static var mapped: Int {
        ThreadConsole.capacity + ThreadConsole.lineCapacity * (MemoryLayout<Int32>.stride + 2 * MemoryLayout<fl_event>.stride)
    }

    /// A buffer in pages of its own, touched only as lines fill it; nil
    /// when the kernel has no memory for it.
    static func make() -> UnsafeMutablePointer<Gathered>? {
        let pages = mmap(nil, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let pages, pages != MAP_FAILED else { return nil }
        let events = pages.bindMemory(to: fl_event.self, capacity: 2 * ThreadConsole.lineCapacity)
        let ends = UnsafeMutableRawPointer(events + 2 * ThreadConsole.lineCapacity)
            .bindMemory(to: Int32.self, capacity: ThreadConsole.lineCapacity)
        let bytes = UnsafeMutableRawPointer(ends + ThreadConsole.lineCapacity)
        let gathered = allocateOnOwnCacheLines(Gathered.self)
        gathered.initialize(to: Gathered(bytes: bytes, ends: ends, events: events,
                                         spare: events + ThreadConsole.lineCapacity, pages: pages))
        return gathered
    }

    /// Unmaps the buffer, once.
    mutating func release() {
        guard isOpen else { return }
        munmap(pages, Self.mapped)
        isOpen = false
    }

    @inline(__always)
    mutating func append(_ line: UnsafeRawBufferPointer, event: fl_event) {
        (bytes + used).copyMemory(from: line.baseAddress!, byteCount: line.count)
        used += line.count
        ends[lines] = Int32(truncatingIfNeeded: used)
        events[lines] = event
        lines += 1
    }

    /// Records the events of the lines that are out now.
    mutating func commit(to log: OpaquePointer?) {
        var last = committed
        while last < lines && Int(ends[last]) <= sent { last += 1 }
        if let log, last > committed { fl_log_add_many(log, events + committed, last - committed) }
        committed = last
    }

    /// When every line is out and the other array is free: the events to
    /// record, left where they are, while the lines to come use the other
    /// array. Nil when the other array is still being recorded from.
    mutating func handOff() -> UnsafeMutableBufferPointer<fl_event>? {
        guard !spareInUse else { return nil }
        let out = UnsafeMutableBufferPointer(start: events + committed, count: lines - committed)
        swap(&events, &spare)
        spareInUse = true
        committed = lines
        return out
    }

    /// Counted lines not yet out.
    var countedLinesLeft: Int {
        var count = 0
        for index in committed..<lines {
            let kind = fl_event_kind(rawValue: UInt32(events[index].kind))
            if kind == FL_EVENT_THREAD_PRINTED || kind == FL_EVENT_GOT { count += 1 }
        }
        return count
    }

    mutating func empty() {
        used = 0
        sent = 0
        lines = 0
        committed = 0
    }
}
