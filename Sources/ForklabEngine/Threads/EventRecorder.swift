import Glibc
import CForklabSystem

/// What the threads of one experiment need to report their events: the
/// shared log and the command's start, which every timestamp counts from.
final class ThreadRecording: Sendable {
    let log: EventLog?
    let started: UInt64
    let pid: Int32
    /// Whether a thread's marks (puts) wait in a batch of its own before
    /// they go to the log. Not in a program of its own, whose exit would
    /// take the batch with it.
    let batches: Bool

    init(log: EventLog?, started: UInt64, batches: Bool = true) {
        self.log = log
        self.started = started
        self.batches = batches
        pid = getpid()
    }
}

/// Records one kind of event for the thread that owns it, into the
/// experiment's log: marks (a line, a put, a get) batched and sent
/// `batchCapacity` at a time, the rest at once. Used by one thread only;
/// `free()` it when done.
struct EventRecorder {
    /// The log, as the pointer the C calls take: holding the `EventLog`
    /// itself would retain and release it, an atomic add on a count every
    /// thread shares, for each line. The Lab's log outlives its experiments.
    let log: OpaquePointer?
    let kind: fl_event_kind
    private let role: ThreadRole.RawValue
    private let pid: Int32
    /// See `ThreadRecording.batches`.
    private let batches: Bool
    /// Whether the event is a mark (a line, a put, a get), which the
    /// record keeps only while it has room.
    let isMark: Bool
    /// What changes as the thread records, on cache lines of its own: next
    /// to another thread's it would bounce between the cores at every line.
    private let state: UnsafeMutablePointer<State>
    private static let batchCapacity = 256

    private struct State {
        /// The recording thread's id, read on first use (in that thread).
        var tid: Int32 = 0
        /// Whether this recorder saw the record's marks full: they stay
        /// full until the next experiment, and this recorder's ends first.
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

    init(recording: ThreadRecording, kind: fl_event_kind, role: ThreadRole?) {
        log = recording.log?.raw
        self.kind = kind
        self.role = role?.rawValue ?? 0
        pid = recording.pid
        batches = recording.batches
        isMark = kind.rawValue >= FL_EVENT_FIRST_MARK.rawValue
        state = allocateOnOwnCacheLines(State.self)
        state.initialize(to: State())
    }

    /// Sends what is batched, then gives the memory back.
    func free() {
        commit()
        state.pointee.batch?.deallocate()
        state.deallocate()
    }

    /// The kernel's id of the calling thread (gettid), read once.
    @inline(__always)
    func threadID() -> Int32 {
        if state.pointee.tid == 0 { state.pointee.tid = fl_thread_id() }
        return state.pointee.tid
    }

    /// CLOCK_MONOTONIC now, when anything needs it: 0 when neither the
    /// line shows it (`showsTime`) nor the record has room for the event
    /// (reading the clock costs about as much as the rest of a line).
    @inline(__always)
    func timestamp(showsTime: Bool) -> UInt64 {
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

    /// The event to record, of the calling thread, `now` nanoseconds into
    /// the command.
    @inline(__always)
    func event(_ now: UInt64, _ thread: Int, _ index: Int, _ producer: Int) -> fl_event {
        guard log != nil else { return fl_event() }
        // Past the record's room only the kind matters: the event is counted.
        if isMark && state.pointee.marksFull { return fl_event(time: 0, pid: 0, tid: 0, kind: UInt16(kind.rawValue), role: 0, a: 0, b: 0, c: 0) }
        return fl_event(time: now, pid: pid, tid: threadID(), kind: UInt16(kind.rawValue), role: role,
                        a: Int32(truncatingIfNeeded: thread), b: Int32(truncatingIfNeeded: index),
                        c: Int32(truncatingIfNeeded: producer))
    }

    /// Records `event`: a mark into the batch (or only counted, once the
    /// record is full), anything else at once.
    @inline(__always)
    func record(_ event: fl_event) {
        guard event.kind != 0, let log else { return }
        guard isMark && batches else { return withUnsafePointer(to: event) { fl_log_add(log, $0) } }
        if state.pointee.marksFull {
            state.pointee.dropped &+= 1
            return
        }
        if state.pointee.batch == nil { state.pointee.batch = .allocate(capacity: Self.batchCapacity) }
        state.pointee.batch![state.pointee.batched] = event
        state.pointee.batched += 1
        if state.pointee.batched == Self.batchCapacity { commit() }
    }

    /// Sends the events waiting in the batch to the log, and counts those
    /// dropped. The thread calls it before it ends.
    func commit() {
        guard let log else { return }
        if let batch = state.pointee.batch, state.pointee.batched > 0 {
            fl_log_add_many(log, batch, state.pointee.batched)
            state.pointee.batched = 0
        }
        fl_log_count_dropped(log, UInt16(kind.rawValue), state.pointee.dropped)
        state.pointee.dropped = 0
    }
}
