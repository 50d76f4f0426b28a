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
    private let buffer: UnsafeMutablePointer<UInt8>
    private let recording: ThreadRecording
    /// The log, as the pointer the C calls take: holding the `EventLog`
    /// itself would retain and release it, an atomic add on a count every
    /// thread shares, for each line. The Lab's log outlives its experiments.
    private let log: OpaquePointer?
    private let kind: fl_event_kind
    private let role: ThreadRole?
    /// Whether the line shows the time, which must then be read for it
    /// even when the record has no room left.
    private let showsTime: Bool
    /// Whether the event is a mark (a line, a put, a get), which the
    /// record keeps only while it has room.
    private let isMark: Bool
    /// What changes as the thread writes, on cache lines of its own: next
    /// to another thread's renderer it would bounce between the cores at
    /// every line. A class's own stored properties cannot be placed so.
    private let state: UnsafeMutablePointer<State>
    private static let batchCapacity = 256

    private struct State {
        /// The writing thread's id, read on first use (in that thread).
        var tid: Int32 = 0
        /// Whether this renderer saw the record's marks full: they stay
        /// full until the next experiment, and this renderer's ends first.
        var marksFull = false
        /// Events until the next look at whether the record is full: a
        /// look every line cost as much as the clock.
        var untilLook = 0
        /// Events this thread recorded itself (puts) wait here and go to
        /// the log `batchCapacity` at a time: one atomic add on the log's
        /// shared counter per batch, not per event.
        var batch: UnsafeMutablePointer<fl_event>?
        var batched = 0
        /// Events recorded once the record was full: only counted.
        var dropped: UInt64 = 0
    }

    /// `count` bytes of the template from `start`, then the placeholder
    /// `slot`.
    private struct Piece {
        var start: Int
        var count: Int
        var slot: Slot
    }

    /// A placeholder, decoded once: `LineTemplate`'s bytes are static
    /// properties, which a switch would load and compare one by one, at
    /// every piece of every line.
    private enum Slot: UInt8 {
        case none, thread, index, producer, pid, elapsed, tid, color

        init?(_ byte: UInt8) {
            switch byte {
            case LineTemplate.thread: self = .thread
            case LineTemplate.index: self = .index
            case LineTemplate.producer: self = .producer
            case LineTemplate.pid: self = .pid
            case LineTemplate.elapsed: self = .elapsed
            case LineTemplate.tid: self = .tid
            case LineTemplate.color: self = .color
            default: return nil
            }
        }
    }

    init(_ line: LineTemplate, recording: ThreadRecording, kind: fl_event_kind, role: ThreadRole? = nil) {
        // Both buffers have `slack` bytes more than they need: see `copy`.
        template = .allocate(capacity: line.bytes.count + Self.slack)
        template.initialize(repeating: 0)
        _ = template.update(fromContentsOf: line.bytes)
        var cut: [Piece] = []
        var start = 0
        for (offset, byte) in line.bytes.enumerated() {
            guard let slot = Slot(byte) else { continue }
            cut.append(Piece(start: start, count: offset - start, slot: slot))
            start = offset + 1
        }
        if start < line.bytes.count { cut.append(Piece(start: start, count: line.bytes.count - start, slot: .none)) }
        pieces = .allocate(capacity: cut.count)
        _ = pieces.initialize(from: cut)
        // Each placeholder becomes at most 20 digits and a sign, or a colour.
        // Written at every line: on cache lines of its own, as `state` is.
        let bytes = (line.bytes.count * 21 + Self.slack + 63) / 64 * 64
        buffer = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
            .bindMemory(to: UInt8.self, capacity: bytes)
        state = allocateOnOwnCacheLines(State.self)
        state.initialize(to: State())
        self.recording = recording
        log = recording.log?.raw
        self.kind = kind
        self.role = role
        showsTime = cut.contains { $0.slot == .elapsed }
        isMark = kind.rawValue >= FL_EVENT_FIRST_MARK.rawValue
    }

    deinit {
        commitRecords()
        state.pointee.batch?.deallocate()
        state.deallocate()
        template.deallocate()
        pieces.deallocate()
        buffer.deallocate()
    }

    /// CLOCK_MONOTONIC now, when anything needs it: 0 when neither the
    /// line shows it nor the record has room for the event (reading the
    /// clock costs about as much as the rest of a line).
    @inline(__always)
    func timestamp() -> UInt64 {
        if showsTime { return fl_monotonic_ns() }
        guard let log, !state.pointee.marksFull else { return 0 }
        if isMark {
            state.pointee.untilLook &-= 1
            if state.pointee.untilLook <= 0 {
                state.pointee.untilLook = 64
                if fl_log_has_room(log, FL_LOG_MARKS) == 0 {
                    state.pointee.marksFull = true
                    return 0
                }
            }
        }
        return fl_monotonic_ns()
    }

    /// Sends the events waiting in this thread's batch to the log. The
    /// thread calls it before it ends.
    func commitRecords() {
        guard let log else { return }
        if let batch = state.pointee.batch, state.pointee.batched > 0 {
            fl_log_add_many(log, batch, state.pointee.batched)
            state.pointee.batched = 0
        }
        fl_log_count_dropped(log, FL_LOG_MARKS, state.pointee.dropped)
        state.pointee.dropped = 0
    }

    /// Records the event and writes its line with `thread`, `index` and
    /// `producer` in their places (an empty line is not written). A line
    /// (`[t] => i`, a get, the main line) is recorded only once it is out:
    /// the console records it when the write that carried it succeeded,
    /// with the time it was handed over. Anything else (a start, an end, a
    /// put) happened whether or not its line could be written, and is
    /// recorded here either way.
    /// - Parameter time: when it happened (`timestamp()`), if not now.
    /// - Returns: what `console.write` returns: false means stop.
    @inline(__always)
    func write(to console: ThreadConsole, thread: Int = 0, index: Int = 0, producer: Int = 0,
               at time: UInt64? = nil) -> Bool {
        // The buffer belongs to self, which is alive for this call.
        let absolute = time ?? timestamp()
        let now = absolute == 0 ? 0 : absolute &- recording.started
        let event = self.event(now, thread, index, producer)
        if pieces.isEmpty {
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
        if pieces.isEmpty {
            record(event)
            return true
        }
        return console.writeFromMainThread(render(now, thread: 0, index: 0, producer: 0), event: event)
    }

    /// The event to record, of the calling thread.
    @inline(__always)
    private func event(_ now: UInt64, _ thread: Int, _ index: Int, _ producer: Int) -> fl_event {
        guard log != nil else { return fl_event() }
        // Past the record's room only the kind matters: the event is counted.
        if isMark && state.pointee.marksFull { return fl_event(time: 0, pid: 0, tid: 0, kind: UInt16(kind.rawValue), role: 0, a: 0, b: 0, c: 0) }
        if state.pointee.tid == 0 { state.pointee.tid = fl_thread_id() }
        return fl_event(time: now, pid: recording.pid, tid: state.pointee.tid, kind: UInt16(kind.rawValue), role: role?.rawValue ?? 0,
                        a: Int32(truncatingIfNeeded: thread), b: Int32(truncatingIfNeeded: index),
                        c: Int32(truncatingIfNeeded: producer))
    }

    @inline(__always)
    private func record(_ event: fl_event) {
        guard event.kind != 0, let log else { return }
        guard isMark else { return withUnsafePointer(to: event) { fl_log_add(log, $0) } }
        if state.pointee.marksFull {
            state.pointee.dropped &+= 1
            return
        }
        if state.pointee.batch == nil { state.pointee.batch = .allocate(capacity: Self.batchCapacity) }
        state.pointee.batch![state.pointee.batched] = event
        state.pointee.batched += 1
        if state.pointee.batched == Self.batchCapacity { commitRecords() }
    }

    @inline(__always)
    private func render(_ now: UInt64, thread: Int, index: Int, producer: Int) -> UnsafeRawBufferPointer {
        let start = buffer
        var out = start
        for piece in pieces {
            if piece.count > 0 {
                Self.copy(template.baseAddress! + piece.start, to: out, count: piece.count)
                out += piece.count
            }
            switch piece.slot {
            case .none: break
            case .thread: out = Self.put(thread, at: out)
            case .index: out = Self.put(index, at: out)
            case .producer: out = Self.put(producer, at: out)
            case .pid: out = Self.put(Int(recording.pid), at: out)
            case .elapsed: out = Self.put(Int(truncatingIfNeeded: now), at: out)
            case .tid:
                if state.pointee.tid == 0 { state.pointee.tid = fl_thread_id() }
                out = Self.put(Int(state.pointee.tid), at: out)
            case .color: out = Self.putColor(for: thread, at: out)
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

    /// What `copy` may read and write past the bytes it copies.
    private static let slack = 16

    /// Copies `count` bytes 16 at a time: a run of a line's text takes a
    /// load and a store or two rather than a call to memmove. Reads and
    /// writes up to `slack` - 1 bytes past `count`, which both of this
    /// renderer's buffers have room for.
    @inline(__always)
    private static func copy(_ source: UnsafePointer<UInt8>, to target: UnsafeMutablePointer<UInt8>, count: Int) {
        let from = UnsafeRawPointer(source), to = UnsafeMutableRawPointer(target)
        var offset = 0
        repeat {
            to.storeBytes(of: from.loadUnaligned(fromByteOffset: offset, as: SIMD16<UInt8>.self), toByteOffset: offset,
                          as: SIMD16<UInt8>.self)
            offset &+= 16
        } while offset < count
    }

    /// Writes `value` in decimal at `out`; returns the place after it.
    /// Two digits at a time, from a table: each division is a multiply
    /// whose result the next one waits for.
    @inline(__always)
    private static func put(_ value: Int, at out: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        // Thread, consumer and producer numbers are mostly one digit.
        if UInt(bitPattern: value) < 10 {
            out.pointee = 0x30 &+ UInt8(truncatingIfNeeded: value)
            return out + 1
        }
        var out = out
        if value < 0 {
            out.pointee = 0x2d
            out += 1
        }
        var magnitude = UInt64(value.magnitude)
        let digits = decimalDigits(magnitude)
        let digitPairs = digitPairs.utf8Start
        var at = out + digits
        while magnitude >= 100 {
            let pair = Int(truncatingIfNeeded: magnitude % 100) &* 2
            magnitude /= 100
            at -= 2
            at[0] = digitPairs[pair]
            at[1] = digitPairs[pair &+ 1]
        }
        if magnitude >= 10 {
            let pair = Int(truncatingIfNeeded: magnitude) &* 2
            at[-2] = digitPairs[pair]
            at[-1] = digitPairs[pair &+ 1]
        } else {
            at[-1] = 0x30 &+ UInt8(truncatingIfNeeded: magnitude)
        }
        return out + digits
    }

    /// How many decimal digits `value` has.
    @inline(__always)
    private static func decimalDigits(_ value: UInt64) -> Int {
        var digits = 1
        var rest = value
        while rest >= 10_000 {
            rest /= 10_000
            digits &+= 4
        }
        if rest >= 1000 { return digits &+ 3 }
        if rest >= 100 { return digits &+ 2 }
        if rest >= 10 { return digits &+ 1 }
        return digits
    }
}

/// "00", "01", … "99": the two digits of each number below 100, in the
/// binary's constant data (no initialisation, nothing shared to guard).
private let digitPairs: StaticString =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"
