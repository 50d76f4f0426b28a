import CForklabSystem

/// The bounded queue of `produce … broken`, written wrong on purpose
/// (docs/lessons.md): one pthread mutex and condition variables, as
/// `WorkQueue`, but small and plain, since its point is the waits it gets
/// wrong, not speed. Every wait and wake-up is noted (`WaitNotes`), so that
/// the views draw them and forklab's watchdog sees who waits.
///
/// - `broken if`: a consumer waits with `if (empty) wait`, not `while`. Woken
///   by a put whose message another consumer took first, it finds the queue
///   empty: instead of taking from nothing, `take` says so (`.emptyWakeup`).
/// - `broken onecv`: one condition variable for "not empty" and "not full",
///   and `signal`, not `broadcast`: a take may wake a consumer, not the
///   producer waiting for room, and then every thread can end up waiting.
///
/// Closing is done right in both: the last producer closes the queue and
/// wakes everyone, so a queue that did not get stuck always finishes.
final class BrokenQueue<Element>: @unchecked Sendable {
    // @unchecked: `elements`, `head` and `closed` are only touched with `mutex` held.
    private let flaw: QueueFlaw
    private let mutex = PthreadMutex()
    /// `broken if`: consumers wait here. `broken onecv`: everyone does.
    private let notEmpty = PthreadCondition()
    /// `broken if`: producers wait here, in a `while`. Unused with onecv.
    private let notFull = PthreadCondition()
    private let limit: Int
    private var elements: [Element] = []
    /// Where the queue starts in `elements`: taken elements before it are
    /// dropped in one go once they are many.
    private var head = 0
    private var closed = false

    /// What a take found.
    enum Taken {
        case element(Element)
        /// `broken if`: woken, and the queue was empty and not closed.
        case emptyWakeup
        /// The queue is closed and empty: the consumer is done.
        case closed
    }

    /// - Parameter capacity: the most elements it holds; nil for no limit.
    init(flaw: QueueFlaw, capacity: Int?) {
        self.flaw = flaw
        limit = capacity ?? .max
    }

    private var count: Int { elements.count - head }

    /// The condition a producer waits on for room.
    private var roomCondition: (PthreadCondition, fl_condition) {
        flaw == .oneCondition ? (notEmpty, FL_CONDITION_ONE) : (notFull, FL_CONDITION_NOT_FULL)
    }

    /// The condition a consumer waits on for a message.
    private var messageCondition: (PthreadCondition, fl_condition) {
        (notEmpty, flaw == .oneCondition ? FL_CONDITION_ONE : FL_CONDITION_NOT_EMPTY)
    }

    /// Adds `element`, waiting in a `while` while the queue is full (both
    /// flaws wait right here), then signals one waiter.
    func put(_ element: Element, notes: WaitNotes) {
        mutex.lock()
        let (room, name) = roomCondition
        while count >= limit {
            notes.conditionWait(name, full: true)
            room.wait(mutex)
            notes.conditionWoke(name, queued: count)
        }
        elements.append(element)
        messageCondition.0.signal()
        mutex.unlock()
    }

    /// Takes the element at the head, waiting while the queue is empty: in
    /// an `if` with `broken if`, in a `while` with `broken onecv`. Then
    /// signals one waiter: with onecv, whoever waits on the one condition.
    func take(notes: WaitNotes) -> Taken {
        mutex.lock()
        defer { mutex.unlock() }
        let (message, name) = messageCondition
        if flaw == .ifWait {
            if count == 0 && !closed {
                notes.conditionWait(name, full: false)
                message.wait(mutex)
                notes.conditionWoke(name, queued: count)
            }
            // Where the wrong code would take from an empty queue: the
            // consumer records the wake-up (and prints the first).
            if count == 0 && !closed { return .emptyWakeup }
        } else {
            while count == 0 && !closed {
                notes.conditionWait(name, full: false)
                message.wait(mutex)
                notes.conditionWoke(name, queued: count)
            }
        }
        if count == 0 { return .closed }
        let element = elements[head]
        head += 1
        if head >= 1024 && head * 2 >= elements.count {
            elements.removeFirst(head)
            head = 0
        }
        roomCondition.0.signal()
        return .element(element)
    }

    /// No more puts will come: everyone waiting wakes, consumers take what
    /// is left and then get `.closed`.
    func close() {
        mutex.withLock { closed = true }
        notEmpty.broadcast()
        notFull.broadcast()
    }
}
