import Glibc

/// A first-in, first-out queue that threads share: one pthread mutex and two
/// condition variables, as Python's `queue.Queue` is built. Unbounded, or
/// bounded so that `put` blocks while the queue is full.
///
/// Producers `put`; consumers `take` until it returns nil. When the last
/// producer is done, `close()` lets consumers take what is left and then
/// end: nobody has to guess with a sleep when the work is over. `cancel()`
/// ends everything at once (Ctrl-C).
///
/// Its ring lives in pages of its own (mmap), unmapped when it grows or
/// goes: an unbounded queue can reach hundreds of MB, and memory malloc
/// kept afterwards would make every later fork dearer.
final class WorkQueue<Element: BitwiseCopyable>: @unchecked Sendable {
    // @unchecked: every access to `state` happens with `mutex` held.
    private let mutex = PthreadMutex()
    private let notEmpty = PthreadCondition()
    private let notFull = PthreadCondition()
    private let state: UnsafeMutablePointer<State>

    /// Kept behind a pointer rather than in stored properties: a class's
    /// mutable properties pay a run-time exclusivity check on every access.
    private struct State {
        /// A ring of `allocated` slots; `count` elements from `head` on.
        var storage: UnsafeMutablePointer<Element>
        var allocated: Int
        var head = 0
        var count = 0
        /// The most elements it holds at once; Int.max when unbounded.
        let limit: Int
        var closed = false
        var cancelled = false
        /// How often a producer found the queue full, a consumer empty.
        var producerWaits = 0
        var consumerWaits = 0
        /// The most elements it held at once.
        var peak = 0
    }

    /// - Parameter capacity: the most elements it holds; nil for no limit.
    init(capacity: Int? = nil) {
        let limit = capacity ?? .max
        let allocated = min(limit, 1024)
        state = .allocate(capacity: 1)
        state.initialize(to: State(storage: Self.map(allocated), allocated: allocated, limit: limit))
    }

    deinit {
        Self.unmap(state.pointee.storage, state.pointee.allocated)
        state.deinitialize(count: 1)
        state.deallocate()
    }

    /// Adds `element` at the tail, waiting while the queue is full.
    /// - Returns: false, without adding it, once the queue is cancelled.
    func put(_ element: Element) -> Bool {
        mutex.lock()
        defer { mutex.unlock() }
        var waited = false
        while state.pointee.count >= state.pointee.limit && !state.pointee.cancelled {
            if !waited { state.pointee.producerWaits += 1 }
            waited = true
            notFull.wait(mutex)
        }
        if state.pointee.cancelled { return false }
        if state.pointee.count == state.pointee.allocated { grow() }
        let tail = (state.pointee.head + state.pointee.count) % state.pointee.allocated
        (state.pointee.storage + tail).initialize(to: element)
        state.pointee.count += 1
        state.pointee.peak = max(state.pointee.peak, state.pointee.count)
        notEmpty.signal()
        return true
    }

    /// Removes the element at the head, waiting while the queue is empty.
    /// - Returns: nil once the queue is closed and empty, or cancelled.
    func take() -> Element? {
        mutex.lock()
        defer { mutex.unlock() }
        var waited = false
        while state.pointee.count == 0 && !state.pointee.closed && !state.pointee.cancelled {
            if !waited { state.pointee.consumerWaits += 1 }
            waited = true
            notEmpty.wait(mutex)
        }
        if state.pointee.cancelled || state.pointee.count == 0 { return nil }
        let element = state.pointee.storage[state.pointee.head]
        state.pointee.head = (state.pointee.head + 1) % state.pointee.allocated
        state.pointee.count -= 1
        notFull.signal()
        return element
    }

    /// No more puts will come: consumers take what is left, then get nil.
    func close() {
        mutex.withLock { state.pointee.closed = true }
        notEmpty.broadcast()
    }

    /// Stops everything now: waiting puts and takes return at once, and
    /// elements still queued stay there (counted by `count`).
    func cancel() {
        mutex.withLock { state.pointee.cancelled = true }
        notEmpty.broadcast()
        notFull.broadcast()
    }

    /// What the queue holds, how often threads waited, and its high mark.
    var statistics: QueueStatistics {
        mutex.withLock {
            QueueStatistics(
                left: state.pointee.count, producerWaits: state.pointee.producerWaits,
                consumerWaits: state.pointee.consumerWaits, peak: state.pointee.peak)
        }
    }

    /// Doubles the ring (unbounded, or bounded above 1024), keeping order.
    private func grow() {
        let old = state.pointee
        let allocated = old.allocated > old.limit / 2 ? old.limit : old.allocated * 2
        let storage = Self.map(allocated)
        let first = min(old.count, old.allocated - old.head)
        storage.moveInitialize(from: old.storage + old.head, count: first)
        (storage + first).moveInitialize(from: old.storage, count: old.count - first)
        Self.unmap(old.storage, old.allocated)
        state.pointee.storage = storage
        state.pointee.allocated = allocated
        state.pointee.head = 0
    }
}

extension WorkQueue {
    /// Room for `count` elements in fresh pages. Out of memory ends forklab,
    /// as it would in malloc; the limit on P × M keeps a queue far below it.
    private static func map(_ count: Int) -> UnsafeMutablePointer<Element> {
        let bytes = max(count * MemoryLayout<Element>.stride, 1)
        let pages = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let pages, pages != MAP_FAILED else { fatalError("out of memory for a queue of \(count)") }
        return pages.bindMemory(to: Element.self, capacity: count)
    }

    private static func unmap(_ storage: UnsafeMutablePointer<Element>, _ count: Int) {
        munmap(storage, max(count * MemoryLayout<Element>.stride, 1))
    }
}

/// A queue's counts at the end of an experiment.
public struct QueueStatistics: Hashable, Sendable {
    /// Elements still queued (after a Ctrl-C; 0 when the work was done).
    public var left: Int
    /// How many puts found the queue full and waited; how many takes found
    /// it empty and waited.
    public var producerWaits: Int
    public var consumerWaits: Int
    /// The most elements queued at once.
    public var peak: Int

    public init(left: Int, producerWaits: Int, consumerWaits: Int, peak: Int) {
        self.left = left
        self.producerWaits = producerWaits
        self.consumerWaits = consumerWaits
        self.peak = peak
    }
}
