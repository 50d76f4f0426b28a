import Glibc
import CForklabSystem
import Synchronization

/// stdout as the threads of one experiment share it. Lines go out with
/// write(2), never through a stdio buffer, in one of three modes (`Mode`):
/// gathered under a mutex, one write per line under the mutex, or unlocked.
/// The modes' writes are in `ThreadConsole+Gathering.swift` and
/// `ThreadConsole+Writes.swift`.
final class ThreadConsole: @unchecked Sendable {
    // @unchecked: the gathered lines are only touched with `mutex` held, but
    // for the events a writer hands off to itself to record after it let go
    // of the mutex (`record`), which nobody else touches until it says so
    // under the mutex; the rest is immutable or atomic.
    let fd: Int32
    let crew: Crew
    let mode: Mode
    /// The log as the pointer C takes (see `EventRecorder.log`).
    let log: OpaquePointer?
    /// Adaptive: held a few dozen instructions per line, by many threads.
    let mutex = PthreadMutex(adaptive: true)
    /// 0 while writes work; -1 once the reader left (EPIPE); else the errno.
    let failure = Atomic<Int32>(0)
    /// Lines a stop cut short: their text went out, their newline did not.
    let openLines = Atomic<Int>(0)
    /// Lines the threads handed over that never went out (counted lines
    /// only: `[t] => i` and a consumer's line).
    let unwritten = Atomic<Int>(0)
    /// In a program of its own (`exit after T`): held by a worker while it
    /// writes and records a line, and by the main thread from its exit on,
    /// so that the exit finds every line either out and recorded or not
    /// out at all, and the lines never printed are counted exactly. An
    /// unlocked line's text and newline take it apart, so lines still tear.
    let exitGuard: PthreadMutex?

    /// How the console writes the lines it is handed; decided once, when
    /// it is made.
    enum Mode {
        /// Locked, not at a terminal: whole lines are gathered in one
        /// 64 KiB buffer under the mutex, in the order threads took it, and
        /// the buffer is written when the next line would not fit and when
        /// the command ends (`finish`). A line's event is recorded once the
        /// write that carried it succeeded.
        case gathering(UnsafeMutablePointer<GatheredLines>)
        /// Locked, at a terminal (or with no memory left for the buffer):
        /// one write per line under the mutex, so that each line shows as
        /// it is printed.
        case lineAtATime
        /// No mutex. `tears`: as Python's print writes a line, the text,
        /// then the newline, two writes; otherwise the line in one write
        /// (a JSON object, which must not tear).
        case unlocked(tears: Bool)
    }

    /// - Parameters:
    ///   - tears: whether an unlocked line goes out as text, then newline
    ///     (the book's text) or in one write all the same.
    ///   - gathers: whether a locked console gathers lines in its buffer;
    ///     false at a terminal, where each line is written when printed.
    ///   - log: where the events of lines that went out are recorded.
    init(fd: Int32, locked: Bool, tears: Bool = true, gathers: Bool, crew: Crew, log: EventLog?,
         exitGuard: PthreadMutex? = nil) {
        self.fd = fd
        self.crew = crew
        self.log = log?.raw
        self.exitGuard = exitGuard
        if !locked {
            mode = .unlocked(tears: tears)
        } else if gathers, let lines = GatheredLines.make() {
            mode = .gathering(lines)
        } else {
            mode = .lineAtATime
        }
    }

    deinit {
        guard case .gathering(let lines) = mode else { return }
        lines.pointee.release()
        lines.deallocate()
    }

    /// Whether lines are gathered rather than written one by one.
    var gathers: Bool {
        if case .gathering = mode { return true }
        return false
    }

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

    @inline(__always)
    private func write(_ line: UnsafeRawBufferPointer, event: fl_event, mainThread: Bool) -> Bool {
        if let exitGuard, !mainThread {
            if case .unlocked(tears: true) = mode {
                return writeTextThenNewline(line, event: event, mainThread: false, exitGuard: exitGuard)
            }
            exitGuard.lock()
            defer { exitGuard.unlock() }
            return writeNow(line, event: event, mainThread: false)
        }
        return writeNow(line, event: event, mainThread: mainThread)
    }

    @inline(__always)
    private func writeNow(_ line: UnsafeRawBufferPointer, event: fl_event, mainThread: Bool) -> Bool {
        switch mode {
        case .gathering(let lines):
            return gather(line, event: event, into: lines, mainThread: mainThread)
        case .lineAtATime:
            mutex.lock()
            defer { mutex.unlock() }
            return writeWhole(line, event: event, mainThread: mainThread)
        case .unlocked(tears: false):
            return writeWhole(line, event: event, mainThread: mainThread)
        case .unlocked(tears: true):
            return writeTextThenNewline(line, event: event, mainThread: mainThread)
        }
    }

    /// After the threads are joined, from the main thread: writes what is
    /// gathered, then ends a line that a stop cut short, so that what comes
    /// next (the summary) starts a line of its own. After a Ctrl-C or
    /// SIGTERM what is gathered still goes out while the reader makes room
    /// (a second one gives up at once, as does a reader that takes nothing
    /// for `System.stopGraceMilliseconds`).
    func finish() {
        if case .gathering(let lines) = mode { finishGathering(lines) }
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
}
