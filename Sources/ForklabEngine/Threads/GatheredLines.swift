import Glibc
import CForklabSystem

/// The lines a gathering `ThreadConsole` holds until it writes them, and
/// the events to record once they are out: the buffer, the lines' ends and
/// their events in one mapping of its own, given back once the command is
/// over. Touched only with the console's mutex held.
struct GatheredLines {
    /// The buffer's size: it is written when the next line would not fit.
    static let capacity = 1 << 16
    /// The most lines it holds: more than 64 KiB of the book's shortest
    /// line (`[0] => 0`, 9 bytes) could make, so the bytes always fill first.
    static let lineCapacity = capacity / 8

    /// `capacity` bytes.
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
        capacity + lineCapacity * (MemoryLayout<Int32>.stride + 2 * MemoryLayout<fl_event>.stride)
    }

    /// A buffer in pages of its own, touched only as lines fill it; nil
    /// when the kernel has no memory for it.
    static func make() -> UnsafeMutablePointer<GatheredLines>? {
        let pages = mmap(nil, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let pages, pages != MAP_FAILED else { return nil }
        let events = pages.bindMemory(to: fl_event.self, capacity: 2 * lineCapacity)
        let ends = UnsafeMutableRawPointer(events + 2 * lineCapacity).bindMemory(to: Int32.self, capacity: lineCapacity)
        let bytes = UnsafeMutableRawPointer(ends + lineCapacity)
        let gathered = allocateOnOwnCacheLines(GatheredLines.self)
        gathered.initialize(to: GatheredLines(bytes: bytes, ends: ends, events: events,
                                              spare: events + lineCapacity, pages: pages))
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
