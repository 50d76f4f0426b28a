import CForklabSystem
import Synchronization

// The gathering mode: whole lines gathered under the mutex, written 64 KiB
// at a time (see `ThreadConsole.Mode.gathering`).
extension ThreadConsole {
    /// Takes a line into the buffer, writing the buffer first when the
    /// line would not fit.
    @inline(__always)
    func gather(_ line: UnsafeRawBufferPointer, event: fl_event, into lines: UnsafeMutablePointer<GatheredLines>,
                mainThread: Bool) -> Bool {
        // Checked for each line, before the lock, which it keeps short:
        // after a stop nothing new is taken.
        if failure.load(ordering: .relaxed) != 0 || crew.stopRequested || Interruption.stopRequested { return false }
        mutex.lock()
        guard lines.pointee.isOpen else {
            // Handed over after `finish` (no line is): it goes out by itself.
            defer { mutex.unlock() }
            return writeWhole(line, event: event, mainThread: mainThread)
        }
        var written: Written?
        let accepted = append(line, event: event, to: lines, mainThread: mainThread, written: &written)
        mutex.unlock()
        if let written { record(written, of: lines) }
        return accepted
    }

    /// The end of the command: writes what is gathered, counts what a stop
    /// or a failure left, and gives the buffer back.
    func finishGathering(_ lines: UnsafeMutablePointer<GatheredLines>) {
        mutex.lock()
        defer { mutex.unlock() }
        _ = flush(lines, mainThread: true)
        let buffer = lines.pointee
        if buffer.used > buffer.sent {
            // Given up: a line cut short needs its newline, and what
            // never went out is counted, not recorded.
            if buffer.sent > 0 && buffer.bytes.load(fromByteOffset: buffer.sent - 1, as: UInt8.self) != 0x0a {
                openLines.add(1, ordering: .relaxed)
            }
            drop(lines)
        }
        // Given back now, not when the console goes: every mapping left
        // makes the next fork dearer, and the command is over.
        lines.pointee.release()
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
    private func record(_ written: Written, of lines: UnsafeMutablePointer<GatheredLines>) {
        fl_log_add_many(log, written.events, written.count)
        mutex.withLock { lines.pointee.spareInUse = false }
    }

    /// Appends a line to the buffer, with `mutex` held, writing the buffer
    /// first when the line would not fit.
    /// - Parameter written: set when a worker's write of the buffer left
    ///   events to record after the mutex is let go.
    @inline(__always)
    private func append(_ line: UnsafeRawBufferPointer, event: fl_event, to lines: UnsafeMutablePointer<GatheredLines>,
                        mainThread: Bool, written: inout Written?) -> Bool {
        if lines.pointee.used + line.count > GatheredLines.capacity || lines.pointee.lines == GatheredLines.lineCapacity {
            guard flush(lines, mainThread: mainThread, written: &written) else { return false }
        }
        // Longer than the buffer (no thread line is): written on its own.
        if line.count > GatheredLines.capacity { return writeWhole(line, event: event, mainThread: mainThread) }
        lines.pointee.append(line, event: event)
        return true
    }

    /// Writes what is gathered, with `mutex` held. Lines whose every byte
    /// went out have their events recorded: now, or, when `written` is
    /// given and the buffer went out whole, by the caller once it let go
    /// of the mutex.
    /// - Returns: true when all of it went out; false when a stop or a
    ///   failure cut it short. What a stop left stays for `finish`; what a
    ///   failure left is dropped.
    private func flush(_ lines: UnsafeMutablePointer<GatheredLines>, mainThread: Bool) -> Bool {
        var written: Written?
        return flush(lines, mainThread: mainThread, written: &written)
    }

    private func flush(_ lines: UnsafeMutablePointer<GatheredLines>, mainThread: Bool, written: inout Written?) -> Bool {
        let buffer = lines.pointee
        if buffer.used == buffer.sent {
            lines.pointee.commit(to: log)
            lines.pointee.empty()
            return true
        }
        if failure.load(ordering: .relaxed) != 0 {
            drop(lines)
            return false
        }
        let rest = UnsafeRawBufferPointer(start: buffer.bytes + buffer.sent, count: buffer.used - buffer.sent)
        let sent = mainThread ? writeRestFromMainThread(rest) : writeAll(rest, mainThread: false)
        lines.pointee.sent += sent
        if lines.pointee.sent == buffer.used {
            if !mainThread, log != nil, let events = lines.pointee.handOff() {
                written = Written(events: events.baseAddress!, count: events.count)
            } else {
                lines.pointee.commit(to: log)
            }
            lines.pointee.empty()
            return true
        }
        lines.pointee.commit(to: log)
        if failure.load(ordering: .relaxed) != 0 { drop(lines) }
        return false
    }

    /// Gives up on what is gathered and not yet out: counted, not recorded.
    private func drop(_ lines: UnsafeMutablePointer<GatheredLines>) {
        unwritten.add(lines.pointee.countedLinesLeft, ordering: .relaxed)
        lines.pointee.empty()
    }
}
