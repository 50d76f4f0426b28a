import CForklabSystem

// The waits and holds of `deadlock`'s and `produce … broken`'s threads, as
// the views show them: each thread notes in the record (Threads/WaitNotes.swift)
// when it is about to lock a mutex or wait on a condition, when it holds the
// mutex or woke, and when it released the mutex; here those notes become
// stretches of its life. A wait its thread never came back from (the program
// was killed: a deadlock) runs to the thread's end, its cut-off.

extension Happening {
    /// The wait, hold or catch in a slot of the record; nil for any other kind.
    init?(wait raw: fl_event) {
        switch fl_event_kind(rawValue: UInt32(raw.kind)) {
        case FL_EVENT_LOCK_WAIT: self = .lockWait(thread: raw.a, mutex: raw.b)
        case FL_EVENT_LOCK_HELD: self = .lockHeld(thread: raw.a, mutex: raw.b)
        case FL_EVENT_LOCK_RELEASED: self = .lockReleased(thread: raw.a, mutex: raw.b)
        case FL_EVENT_COND_WAIT, FL_EVENT_COND_WOKE:
            guard let role = ThreadRole(rawValue: raw.role), let condition = WaitCondition(rawValue: raw.b) else {
                return nil
            }
            self = raw.kind == UInt16(FL_EVENT_COND_WAIT.rawValue)
                ? .conditionWait(number: raw.a, role: role, condition: condition, full: raw.c != 0)
                : .conditionWoke(number: raw.a, role: role, condition: condition, queued: raw.c)
        case FL_EVENT_EMPTY_WAKEUP: self = .emptyWakeup(consumer: raw.a)
        case FL_EVENT_CAUGHT:
            guard let stuck = StuckProgram(rawValue: raw.a) else { return nil }
            self = .caught(stuck, threads: raw.b)
        default: return nil
        }
    }
}

/// A stretch of a thread's life spent waiting for a mutex or on a
/// condition, or holding a mutex.
struct WaitStretch: Hashable, Sendable {
    enum Kind: Hashable, Sendable {
        /// Waits for mutex m<mutex> (pthread_mutex_lock).
        case lock(mutex: Int32)
        /// Holds mutex m<mutex>.
        case hold(mutex: Int32)
        /// Waits on `condition` (pthread_cond_wait) because the queue was full, else empty.
        case condition(WaitCondition, full: Bool)
    }

    var kind: Kind
    var start: UInt64
    /// When it ended; for one that never did, its thread's end.
    var end: UInt64
    /// False: the thread never came back from it (its program was killed).
    var ended: Bool
    /// A condition wait that ended: the messages queued when it woke.
    var queued: Int32?

    /// A wait, not a hold.
    var isWait: Bool { if case .hold = kind { false } else { true } }

    /// `waits for m1`, `holds m0`, `waits on not_empty (queue empty)`: a
    /// slice's name in the saved trace.
    var name: String {
        switch kind {
        case let .lock(mutex): "waits for m\(mutex)"
        case let .hold(mutex): "holds m\(mutex)"
        case let .condition(condition, full): "waits on \(condition.name) (queue \(full ? "full" : "empty"))"
        }
    }

    /// One thread's waits and holds, in the order they began, from its
    /// events in time order: a lock wait ends when the thread holds that
    /// mutex, a hold when it released it, a condition wait when the thread
    /// woke. Those still open at the end run to `end` (the thread's end;
    /// nil: its last event), not ended.
    static func stretches<Events: Sequence<Occurrence>>(of events: Events, end: UInt64?) -> [WaitStretch] {
        var stretches: [WaitStretch] = []
        var lockWaits: [Int32: Int] = [:], holds: [Int32: Int] = [:]
        var conditionWait: Int?
        var last: UInt64 = 0
        func open(_ kind: Kind, _ time: UInt64) -> Int {
            stretches.append(WaitStretch(kind: kind, start: time, end: time, ended: false))
            return stretches.count - 1
        }
        func close(_ index: Int?, _ time: UInt64) {
            guard let index else { return }
            stretches[index].end = time
            stretches[index].ended = true
        }
        for occurrence in events {
            let time = occurrence.time
            last = max(last, time)
            switch occurrence.what {
            case let .lockWait(_, mutex):
                lockWaits[mutex] = open(.lock(mutex: mutex), time)
            case let .lockHeld(_, mutex):
                close(lockWaits.removeValue(forKey: mutex), time)
                holds[mutex] = open(.hold(mutex: mutex), time)
            case let .lockReleased(_, mutex):
                close(holds.removeValue(forKey: mutex), time)
            case let .conditionWait(_, _, condition, full):
                conditionWait = open(.condition(condition, full: full), time)
            case let .conditionWoke(_, _, _, queued):
                if let index = conditionWait { stretches[index].queued = queued }
                close(conditionWait, time)
                conditionWait = nil
            default:
                break
            }
        }
        let stop = end ?? last
        for index in stretches.indices where !stretches[index].ended {
            stretches[index].end = max(stop, stretches[index].start)
        }
        return stretches
    }
}

extension ExperimentRecord {
    /// How many of its events open a wait or a hold: a bound on the
    /// stretches `waitStretches` gives, for the views' memory (ViewMemory).
    var waitOpenings: Int {
        events.count { occurrence in
            switch occurrence.what {
            case .lockWait, .lockHeld, .conditionWait: true
            default: false
            }
        }
    }

    /// The waits and holds of a thread's life, in the order they began;
    /// those it never came back from run to its end (its cut-off).
    func waitStretches(of life: Life) -> [WaitStretch] {
        WaitStretch.stretches(of: life.events.lazy.map { self.events[Int($0)] }, end: life.end)
    }
}
