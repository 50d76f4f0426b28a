import Glibc
import CForklabSystem

/// What the threads of one experiment need to report their events: the
/// shared log and the command's start, which every timestamp counts from.
final class ThreadRecording: Sendable {
    let log: EventLog?
    let started: UInt64
    let pid: Int32

    init(log: EventLog?, started: UInt64) {
        self.log = log
        self.started = started
        pid = getpid()
    }
}

/// Records one kind of thread event and writes the sink's line for it:
/// fills a `LineTemplate`'s placeholders with the thread's numbers, in a
/// buffer of its own, so nothing is allocated per line. Used by one thread only.
final class LineRenderer {
    /// The template's text, and the template cut into pieces: a run of
    /// text, then a placeholder. Cut once, so that a line is a few copies
    /// rather than a test of every byte.
    private let template: UnsafeMutableBufferPointer<UInt8>
    private let pieces: UnsafeMutableBufferPointer<Piece>
    private let buffer: UnsafeMutableBufferPointer<UInt8>
    private let recording: ThreadRecording
    private let kind: fl_event_kind
    private let role: ThreadRole?
    /// The writing thread's id, read on first use (in that thread).
    private var tid: Int32 = 0

    /// `count` bytes of the template from `start`, then the placeholder
    /// `slot` (0: none, at the end).
    private struct Piece {
        var start: Int
        var count: Int
        var slot: UInt8
    }

    init(_ line: LineTemplate, recording: ThreadRecording, kind: fl_event_kind, role: ThreadRole? = nil) {
        template = .allocate(capacity: line.bytes.count)
        _ = template.initialize(from: line.bytes)
        var cut: [Piece] = []
        var start = 0
        for (offset, byte) in line.bytes.enumerated() where Self.slots.contains(byte) {
            cut.append(Piece(start: start, count: offset - start, slot: byte))
            start = offset + 1
        }
        if start < line.bytes.count { cut.append(Piece(start: start, count: line.bytes.count - start, slot: 0)) }
        pieces = .allocate(capacity: cut.count)
        _ = pieces.initialize(from: cut)
        // Each placeholder becomes at most 20 digits and a sign, or a colour.
        buffer = .allocate(capacity: line.bytes.count * 21)
        self.recording = recording
        self.kind = kind
        self.role = role
    }

    deinit {
        template.deallocate()
        pieces.deallocate()
        buffer.deallocate()
    }

    private static let slots: Set<UInt8> = [
        LineTemplate.thread, LineTemplate.index, LineTemplate.producer, LineTemplate.pid, LineTemplate.elapsed,
        LineTemplate.tid, LineTemplate.color,
    ]

    /// Records the event and writes its line with `thread`, `index` and
    /// `producer` in their places (an empty line is not written). A line
    /// (`[t] => i`, a get, the main line) is recorded only once it is out:
    /// the console records it when the write that carried it succeeded,
    /// with the time it was handed over. Anything else (a start, an end, a
    /// put) happened whether or not its line could be written, and is
    /// recorded here either way.
    /// - Parameter time: when it happened (CLOCK_MONOTONIC), if not now.
    /// - Returns: what `console.write` returns: false means stop.
    @inline(__always)
    func write(to console: ThreadConsole, thread: Int = 0, index: Int = 0, producer: Int = 0,
               at time: UInt64? = nil) -> Bool {
        // The buffer belongs to self, which is alive for this call.
        let now = (time ?? fl_monotonic_ns()) &- recording.started
        let event = self.event(now, thread, index, producer)
        if template.isEmpty {
            record(event)
            return !console.crew.stopRequested
        }
        if isLine { return console.write(render(now, thread: thread, index: index, producer: producer), event: event) }
        record(event)
        return console.write(render(now, thread: thread, index: index, producer: producer), event: fl_event())
    }

    /// Whether the event is the line itself, rather than something the line reports.
    private var isLine: Bool {
        kind == FL_EVENT_THREAD_PRINTED || kind == FL_EVENT_GOT || kind == FL_EVENT_MAIN_PRINTED
    }

    /// Records the event and writes its line from the main thread (see
    /// `ThreadConsole.writeFromMainThread`).
    func writeFromMainThread(to console: ThreadConsole) -> Bool {
        let now = fl_monotonic_ns() &- recording.started
        let event = self.event(now, 0, 0, 0)
        if template.isEmpty {
            record(event)
            return true
        }
        return console.writeFromMainThread(render(now, thread: 0, index: 0, producer: 0), event: event)
    }

    /// The event to record, of the calling thread.
    @inline(__always)
    private func event(_ now: UInt64, _ thread: Int, _ index: Int, _ producer: Int) -> fl_event {
        guard recording.log != nil else { return fl_event() }
        if tid == 0 { tid = fl_thread_id() }
        return fl_event(time: now, pid: recording.pid, tid: tid, kind: UInt16(kind.rawValue), role: role?.rawValue ?? 0,
                        a: Int32(truncatingIfNeeded: thread), b: Int32(truncatingIfNeeded: index),
                        c: Int32(truncatingIfNeeded: producer))
    }

    @inline(__always)
    private func record(_ event: fl_event) {
        guard event.kind != 0, let log = recording.log else { return }
        withUnsafePointer(to: event) { fl_log_add(log.raw, $0) }
    }

    @inline(__always)
    private func render(_ now: UInt64, thread: Int, index: Int, producer: Int) -> UnsafeRawBufferPointer {
        let start = buffer.baseAddress!
        var out = start
        for piece in pieces {
            if piece.count > 0 {
                out.update(from: template.baseAddress! + piece.start, count: piece.count)
                out += piece.count
            }
            switch piece.slot {
            case 0: break
            case LineTemplate.thread: out = Self.put(thread, at: out)
            case LineTemplate.index: out = Self.put(index, at: out)
            case LineTemplate.producer: out = Self.put(producer, at: out)
            case LineTemplate.pid: out = Self.put(Int(recording.pid), at: out)
            case LineTemplate.elapsed: out = Self.put(Int(truncatingIfNeeded: now), at: out)
            case LineTemplate.tid:
                if tid == 0 { tid = fl_thread_id() }
                out = Self.put(Int(tid), at: out)
            default: out = Self.putColor(for: thread, at: out)
            }
        }
        return UnsafeRawBufferPointer(start: start, count: out - start)
    }

    /// `ESC [ N m`: one of six colours, by the thread's number.
    @inline(__always)
    private static func putColor(for thread: Int, at out: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        let (tens, units) = palette[thread % palette.count]
        out[0] = 0x1b
        out[1] = 0x5b
        out[2] = tens
        out[3] = units
        out[4] = 0x6d
        return out + 5
    }

    /// Green, yellow, blue, magenta, cyan, bright blue: not red, which is for errors.
    private static let palette: [(UInt8, UInt8)] = [(0x33, 0x32), (0x33, 0x33), (0x33, 0x34), (0x33, 0x35), (0x33, 0x36), (0x39, 0x34)]

    /// Writes `value` in decimal at `out`; returns the place after it.
    @inline(__always)
    private static func put(_ value: Int, at out: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        var out = out
        if value < 0 {
            out.pointee = 0x2d
            out += 1
        }
        var magnitude = value.magnitude
        var digits = 1
        var rest = magnitude
        while rest >= 10 {
            rest /= 10
            digits += 1
        }
        var at = out + digits
        repeat {
            at -= 1
            at.pointee = 0x30 &+ UInt8(truncatingIfNeeded: magnitude % 10)
            magnitude /= 10
        } while magnitude != 0
        return out + digits
    }
}
