import Glibc
import CForklabSystem

/// The shared mapping that children and threads record their events in
/// (see log.c), made once, before the first fork, and emptied before each
/// experiment. Fixed-size: process and thread lives up to `livesCapacity`,
/// lines, puts, gets and sleeps up to `marksCapacity`; past that, marks are
/// counted and dropped, so a run of ten million lines keeps memory bounded.
final class EventLog: @unchecked Sendable {
    // @unchecked: the mapping is written through fl_log_add, which is safe
    // from any thread or child; reading and resetting happen on the main
    // thread while no child or thread of the experiment runs.
    let raw: OpaquePointer

    /// Enough for 10000 children's fork, line, exit and reap, or two race
    /// runs of 10000 threads.
    static let livesCapacity: UInt32 = 65536
    /// 4 MiB of 32-byte events.
    static let marksCapacity: UInt32 = 131072

    init?(lives: UInt32 = livesCapacity, marks: UInt32 = marksCapacity) {
        guard let raw = fl_log_create(lives, marks) else { return nil }
        self.raw = raw
    }

    /// The record forklab made, in a program of its own that inherited its
    /// descriptor (`descriptor`); nil when `descriptor` holds none.
    init?(attaching descriptor: Int32) {
        guard let raw = fl_log_attach(descriptor) else { return nil }
        self.raw = raw
    }

    /// The memfd a program of its own maps the record from, or nil.
    var descriptor: Int32? {
        let fd = fl_log_fd(raw)
        return fd >= 0 ? fd : nil
    }

    /// What a program of its own notes for forklab before it exits.
    enum Note: Int32 {
        /// 1 once the program's main thread wrote its notes: it ended as
        /// planned, not killed.
        case exited = 0
        /// `produce`: messages put on the queue, and still queued, read
        /// with the queue's mutex held, at the exit.
        case produced = 1
        case queued = 2
        /// Threads created (pthread_create returned), some of which may not
        /// have run yet at an early exit, and so recorded no start.
        case threads = 3
    }

    func note(_ note: Note, _ value: Int) { fl_log_note(raw, note.rawValue, Int64(value)) }

    func read(_ note: Note) -> Int { Int(fl_log_read_note(raw, note.rawValue)) }

    /// How many events of `kind` were recorded, those dropped for want of
    /// room included (marks), or kept (lives).
    func total(of kind: fl_event_kind) -> Int {
        let code = UInt16(kind.rawValue)
        var total = Int(fl_log_dropped_of_kind(raw, code))
        let region = kind.rawValue >= FL_EVENT_FIRST_MARK.rawValue ? FL_LOG_MARKS : FL_LOG_LIVES
        let counts = counts
        var slot = fl_event()
        for index in 0..<UInt64(region == FL_LOG_MARKS ? counts.marks : counts.lives)
        where fl_log_event(raw, region, index, &slot) != 0 && slot.kind == code {
            total += 1
        }
        return total
    }

    deinit { fl_log_destroy(raw) }

    func reset() { fl_log_reset(raw) }

    /// Records an event of the calling thread.
    @inline(__always)
    func add(_ kind: fl_event_kind, time: UInt64, pid: Int32, tid: Int32, role: ThreadRole? = nil,
             _ a: Int32 = 0, _ b: Int32 = 0, _ c: Int32 = 0) {
        var event = fl_event(time: time, pid: pid, tid: tid, kind: UInt16(kind.rawValue),
                             role: role?.rawValue ?? 0, a: a, b: b, c: c)
        fl_log_add(raw, &event)
    }

    /// Claims `count` consecutive lives slots for a child about to be forked
    /// and returns the first: the child fills them in with fl_log_put and
    /// does not touch the page of the log's counters.
    @inline(__always)
    func claim(_ count: UInt64) -> UInt64 { fl_log_claim(raw, count) }

    /// How many slots each region holds, and how many marks were dropped.
    var counts: (lives: Int, marks: Int, droppedMarks: Int) {
        var lives: UInt64 = 0, marks: UInt64 = 0, claimed: UInt64 = 0
        fl_log_counts(raw, FL_LOG_LIVES, &lives, &claimed)
        fl_log_counts(raw, FL_LOG_MARKS, &marks, &claimed)
        return (Int(lives), Int(marks), Int(claimed - marks))
    }

    /// The lines forked children recorded as still in their buffers when
    /// they called _exit (`fork N buffered`): the truth from each child,
    /// not a count worked out by the parent.
    func lostChildLines() -> Int {
        var slot = fl_event()
        var lost = 0
        for index in 0..<UInt64(counts.lives) where fl_log_event(raw, FL_LOG_LIVES, index, &slot) != 0 {
            if slot.kind == UInt16(FL_EVENT_CHILD_PRINTED.rawValue) { lost += Int(slot.c) }
        }
        return lost
    }

    /// What was recorded, lives then marks, unsorted; and how many marks were dropped.
    func read() -> (events: [Occurrence], keptMarks: Int, droppedMarks: Int) {
        let counts = counts
        var events: [Occurrence] = []
        events.reserveCapacity(counts.lives + counts.marks)
        read(into: &events, lives: counts.lives, marks: counts.marks)
        return (events, counts.marks, counts.droppedMarks)
    }

    /// Appends what was recorded to `events`, unsorted: the first `lives`
    /// slots of the lives region, then the first `marks` of the marks region
    /// (`counts`), leaving out slots never filled in.
    func read(into events: inout [Occurrence], lives: Int, marks: Int) {
        var slot = fl_event()
        for (region, count) in [(FL_LOG_LIVES, lives), (FL_LOG_MARKS, marks)] {
            for index in 0..<UInt64(count) where fl_log_event(raw, region, index, &slot) != 0 {
                if let occurrence = Occurrence(slot) { events.append(occurrence) }
            }
        }
    }
}

extension Occurrence {
    /// The event in a slot, or nil for a slot never filled in (a child
    /// killed between claiming it and writing it).
    init?(_ raw: fl_event) {
        let what: Happening
        switch fl_event_kind(rawValue: UInt32(raw.kind)) {
        case FL_EVENT_CHILD_PRINTED: what = .childPrinted(exitStat: raw.b != 0 ? raw.a : nil, lost: raw.c != 0)
        case FL_EVENT_EXEC: what = .exec
        case FL_EVENT_EXIT: what = .exit(code: raw.a)
        case FL_EVENT_THREAD_START, FL_EVENT_THREAD_END:
            guard let role = ThreadRole(rawValue: raw.role) else { return nil }
            what = raw.kind == UInt16(FL_EVENT_THREAD_START.rawValue)
                ? .threadStarted(role, number: raw.a) : .threadEnded(role, number: raw.a)
        case FL_EVENT_MAIN_PRINTED: what = .mainPrinted
        case FL_EVENT_THREAD_PRINTED: what = .threadPrinted(thread: raw.a, index: raw.b)
        case FL_EVENT_PUT: what = .put(producer: raw.a, count: raw.b)
        case FL_EVENT_GOT: what = .got(consumer: raw.a, producer: raw.c, count: raw.b)
        case FL_EVENT_SLEPT, FL_EVENT_SLEEP_STOPPED:
            guard let role = ThreadRole(rawValue: raw.role) else { return nil }
            let duration = UInt64(UInt32(bitPattern: raw.b)) << 32 | UInt64(UInt32(bitPattern: raw.c))
            what = .slept(duration: duration, number: raw.a, role: role,
                          stopped: raw.kind == UInt16(FL_EVENT_SLEEP_STOPPED.rawValue))
        default:
            guard let wait = Happening(wait: raw) else { return nil }
            what = wait
        }
        self.init(time: raw.time, pid: raw.pid, tid: raw.tid, what: what)
    }
}
