/// Everything one experiment did, in time order: what the parent emitted,
/// and what its children and threads recorded themselves in the shared
/// `EventLog`. The timeline and the Chrome trace export are views of it.
public struct ExperimentRecord: Hashable, Sendable {
    /// What ran.
    public var experiment: Experiment
    /// forklab's pid: the parent of every child, the process of every thread
    /// (its main thread's tid is the same number).
    public var parent: Int32
    /// From the start of the command to its summary, in nanoseconds.
    public var duration: UInt64
    /// Sorted by time (ties keep the order they were read in).
    public var events: [Occurrence]
    /// Marks (lines, puts, gets of threads) kept, and those past the
    /// record's capacity that were dropped: the timeline says so.
    public var keptMarks: Int
    public var droppedMarks: Int

    public init(experiment: Experiment, parent: Int32, duration: UInt64, events: [Occurrence],
                keptMarks: Int, droppedMarks: Int) {
        self.experiment = experiment
        self.parent = parent
        self.duration = duration
        self.events = events
        self.keptMarks = keptMarks
        self.droppedMarks = droppedMarks
    }
}

extension ExperimentRecord {
    /// What its marks are, for a note that some were dropped: `lines, puts
    /// and gets`, with sleeps when the experiment paced its threads and waits
    /// when its threads noted them (`deadlock`, `produce … broken`).
    var marksName: String {
        switch experiment {
        case .deadlock:
            return "lines, lock waits and holds"
        case let .produce(plan) where plan.flaw != nil:
            return plan.sleep > 0 ? "lines, puts, gets, sleeps and waits" : "lines, puts, gets and waits"
        case let .threads(plan) where plan.sleep > 0:
            return "lines, puts, gets and sleeps"
        case let .produce(plan) where plan.sleep > 0:
            return "lines, puts, gets and sleeps"
        default:
            return "lines, puts and gets"
        }
    }
}

/// One event with when and where it happened.
public struct Occurrence: Hashable, Sendable {
    /// Nanoseconds since the command started (CLOCK_MONOTONIC).
    public var time: UInt64
    /// The process that recorded it.
    public var pid: Int32
    /// The thread that recorded it (gettid); a process's main thread has
    /// its pid.
    public var tid: Int32
    public var what: Happening

    public init(time: UInt64, pid: Int32, tid: Int32, what: Happening) {
        self.time = time
        self.pid = pid
        self.tid = tid
        self.what = what
    }
}

/// What happened.
public enum Happening: Hashable, Sendable {
    /// The parent's events, as it emitted them: `forked(parent:child:)`
    /// and `spawned(child:)` start a child's life, `reaped` ends it; also
    /// `raced` and the summary. Recorded in the parent's main thread.
    case trace(TraceEvent)
    /// A parent's event that the book prints no line for: `fork`'s reaps
    /// (the book's parent never waits; forklab reaps quietly) and
    /// `forkexit`'s forks.
    case unprinted(TraceEvent)
    /// A forked child wrote its line; `exitStat` is forkexit's counter.
    /// `lost`: the line was still in the child's buffer when it called
    /// _exit (`fork N buffered`), so it never reached stdout.
    case childPrinted(exitStat: Int32?, lost: Bool = false)
    /// A forked child is about to exec its program (`spawn`).
    case exec
    /// A forked child is about to call _exit with `code`.
    case exit(code: Int32)
    /// A thread began running; `number` is its place among its role (0-based).
    case threadStarted(ThreadRole, number: Int32)
    /// A thread is about to return.
    case threadEnded(ThreadRole, number: Int32)
    /// The main thread wrote its line (`Main thread exiting...`, `Main thread exit`).
    case mainPrinted
    /// `threads`: thread `thread` wrote `[thread] => index`.
    case threadPrinted(thread: Int32, index: Int32)
    /// `produce`: producer `producer` put its message number `count`.
    case put(producer: Int32, count: Int32)
    /// `produce`: consumer `consumer` took producer `producer`'s message `count`.
    case got(consumer: Int32, producer: Int32, count: Int32)
    /// `sleep S` (`threads`, `produce`): thread `number` of its `role`
    /// slept `duration` nanoseconds from the event's time, before a line, a
    /// put or a get; `stopped`: a stop woke it before its deadline. (The
    /// duration comes first so that an event stays 32 bytes.)
    case slept(duration: UInt64, number: Int32, role: ThreadRole, stopped: Bool = false)
    /// `deadlock`: thread `thread` of the ring is about to lock mutex
    /// `mutex` (pthread_mutex_lock), holds it (the lock returned), or
    /// released it. See Waits.swift for the stretches they make.
    case lockWait(thread: Int32, mutex: Int32)
    case lockHeld(thread: Int32, mutex: Int32)
    case lockReleased(thread: Int32, mutex: Int32)
    /// `produce … broken`: thread `number` of `role` is about to wait on
    /// `condition` (pthread_cond_wait) because the queue was full (else empty).
    case conditionWait(number: Int32, role: ThreadRole, condition: WaitCondition, full: Bool)
    /// The same thread woke from that wait, with `queued` messages in the queue.
    case conditionWoke(number: Int32, role: ThreadRole, condition: WaitCondition, queued: Int32)
    /// `produce … broken if`: consumer `consumer` woke to an empty queue.
    case emptyWakeup(consumer: Int32)
    /// forklab's watchdog caught its program stuck (`what`), `threads` threads
    /// caught, and is about to kill it. Recorded by forklab's main thread.
    case caught(StuckProgram, threads: Int32)
}

/// A condition variable a thread of `produce … broken` waits on (fl_condition).
public enum WaitCondition: Int32, Hashable, Sendable {
    case notEmpty = 0, notFull = 1
    /// The one condition of `broken onecv`, for producers and consumers alike.
    case one = 2

    /// `not_empty`, `not_full`, `cond`: as the JSON and the trace name it.
    public var name: String {
        switch self {
        case .notEmpty: "not_empty"
        case .notFull: "not_full"
        case .one: "cond"
        }
    }
}

/// What forklab's watchdog caught (FL_EVENT_CAUGHT's a).
public enum StuckProgram: Int32, Hashable, Sendable {
    /// `deadlock`: a cycle of threads, each waiting for the next one's mutex.
    case deadlockCycle = 0
    /// `produce … broken`: a queue where every thread waits on a condition.
    case stuckQueue = 1

    /// `deadlock`, `stuck_queue`: as the JSON and the trace name it.
    public var name: String { self == .deadlockCycle ? "deadlock" : "stuck_queue" }
}

/// What a thread of an experiment does.
public enum ThreadRole: UInt16, Hashable, Sendable {
    /// `threads`: prints `[t] => i`.
    case counting = 1
    case producer = 2
    case consumer = 3
    /// `race`: adds to the counter without, or with, the mutex.
    case racer = 4
    case lockedRacer = 5

    /// The name of a thread's lane: `thread 3`, `producer 0`, `racer 2 (mutex)`.
    public func laneName(_ number: Int32) -> String {
        switch self {
        case .counting: return "thread \(number)"
        case .producer: return "producer \(number)"
        case .consumer: return "consumer \(number)"
        case .racer: return "racer \(number)"
        case .lockedRacer: return "racer \(number) (mutex)"
        }
    }
}

extension Array {
    /// Rearranges the elements in place so that place i holds the element
    /// that was at `order[i]`, one cycle of the permutation at a time: no
    /// second array. `order`, a permutation of the indices (each below
    /// 2³¹), is used up.
    mutating func permute(by order: inout [UInt32]) {
        precondition(order.count == count && count <= 1 << 31, "not a permutation of the indices")
        let visited: UInt32 = 1 << 31
        withUnsafeMutableBufferPointer { elements in
            for start in elements.indices where order[start] & visited == 0 {
                let first = elements[start]
                var place = start
                while true {
                    let from = Int(order[place])
                    order[place] |= visited
                    if from == start {
                        elements[place] = first
                        break
                    }
                    elements[place] = elements[from]
                    place = from
                }
            }
        }
    }
}
