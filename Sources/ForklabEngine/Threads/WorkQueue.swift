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
/// The elements live in a chain of 64 KiB segments, each in pages of its own
/// (mmap), unmapped as soon as consumers empty it: an unbounded queue can
/// hold hundreds of MB, and it should neither copy them to grow nor leave
/// memory behind that would make every later fork dearer. When no memory is
/// left, `put` fails instead of the process.
final class WorkQueue<Element: BitwiseCopyable>: @unchecked Sendable {
    // @unchecked: every access to `state` happens with `mutex` held.
    /// Adaptive: held a few dozen instructions per put or take, by every
    /// producer and consumer.
    private let mutex = PthreadMutex(adaptive: true)
    private let notEmpty = PthreadCondition()
    private let notFull = PthreadCondition()
    private let state: UnsafeMutablePointer<State>

    /// Kept behind a pointer rather than in stored properties: a class's
    /// mutable properties pay a run-time exclusivity check on every access.
    private struct State {
        /// Consumers take from `head` at `headIndex`; producers put into
        /// `tail` at `tailIndex`. Both nil until the first put.
        var head: Segment?
        var headIndex = 0
        var tail: Segment?
        var tailIndex = 0
        /// One emptied segment kept for the next, so that a queue hovering
        /// at a segment's edge does not map and unmap on every message.
        var spare: Segment?
        var count = 0
        /// The most elements it holds at once; Int.max when unbounded.
        let limit: Int
        var closed = false
        var cancelled = false
        var outOfMemory = false
        /// How often a producer found the queue full, a consumer empty.
        var producerWaits = 0
        var consumerWaits = 0
        /// The most elements it held at once.
        var peak = 0
        /// Elements put, ever.
        var puts = 0
    }

    /// - Parameter capacity: the most elements it holds; nil for no limit.
    init(capacity: Int? = nil) {
        state = allocateOnOwnCacheLines(State.self)
        state.initialize(to: State(limit: capacity ?? .max))
    }

    deinit {
        var segment = state.pointee.head
        while let current = segment {
            segment = current.next
            current.unmap()
        }
        state.pointee.spare?.unmap()
        state.deinitialize(count: 1)
        state.deallocate()
    }

    /// Adds `element` at the tail, waiting while the queue is full.
    /// - Returns: false, without adding it, once the queue is cancelled or
    ///   no memory is left for it (which cancels it).
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
        if state.pointee.tail == nil || state.pointee.tailIndex == Segment.slots {
            guard let segment = state.pointee.spare ?? Segment.map() else {
                state.pointee.outOfMemory = true
                state.pointee.cancelled = true
                notEmpty.broadcast()
                notFull.broadcast()
                return false
            }
            state.pointee.spare = nil
            segment.next = nil
            if let tail = state.pointee.tail {
                tail.next = segment
            } else {
                state.pointee.head = segment
                state.pointee.headIndex = 0
            }
            state.pointee.tail = segment
            state.pointee.tailIndex = 0
        }
        state.pointee.tail!.elements[state.pointee.tailIndex] = element
        state.pointee.tailIndex += 1
        state.pointee.count += 1
        state.pointee.puts += 1
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
        if state.pointee.headIndex == Segment.slots {
            // This segment is used up, and count > 0 means a next one exists.
            let emptied = state.pointee.head!
            state.pointee.head = emptied.next
            state.pointee.headIndex = 0
            if state.pointee.spare == nil { state.pointee.spare = emptied } else { emptied.unmap() }
        }
        let element = state.pointee.head!.elements[state.pointee.headIndex]
        state.pointee.headIndex += 1
        state.pointee.count -= 1
        // Only a bounded queue has producers waiting for room.
        if state.pointee.limit != .max { notFull.signal() }
        return element
    }

    /// No more puts will come: consumers take what is left, then get nil.
    func close() {
        mutex.withLock { state.pointee.closed = true }
        notEmpty.broadcast()
    }

    /// Stops everything now: waiting puts and takes return at once, and
    /// elements still queued stay there (counted by `statistics.left`).
    func cancel() {
        mutex.withLock { state.pointee.cancelled = true }
        notEmpty.broadcast()
        notFull.broadcast()
    }

    /// For a program of its own about to exit: takes the mutex and keeps
    /// it, so that nothing is put or taken after the counts it returns:
    /// elements put so far, and still queued.
    func holdForExit() -> (puts: Int, queued: Int) {
        mutex.lock()
        return (state.pointee.puts, state.pointee.count)
    }

    /// What the queue holds, how often threads waited, and its high mark.
    var statistics: QueueStatistics {
        mutex.withLock {
            QueueStatistics(
                left: state.pointee.count, producerWaits: state.pointee.producerWaits,
                consumerWaits: state.pointee.consumerWaits, peak: state.pointee.peak,
                outOfMemory: state.pointee.outOfMemory)
        }
    }

    /// 64 KiB of queue in pages of its own: a link to the next segment,
    /// then as many elements as fit.
    private struct Segment {
        let base: UnsafeMutableRawPointer

        static var bytes: Int { 1 << 16 }
        /// Where the elements start: after the link, suitably aligned.
        static var offset: Int {
            let link = MemoryLayout<UnsafeMutableRawPointer?>.stride
            let alignment = MemoryLayout<Element>.alignment
            return (link + alignment - 1) / alignment * alignment
        }
        static var slots: Int { max(1, (bytes - offset) / max(1, MemoryLayout<Element>.stride)) }
        static var mapped: Int { max(bytes, offset + slots * MemoryLayout<Element>.stride) }

        /// A fresh segment, or nil when the kernel has no memory for it.
        static func map() -> Segment? {
            let pages = mmap(nil, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
            guard let pages, pages != MAP_FAILED else { return nil }
            return Segment(base: pages)
        }

        func unmap() { munmap(base, Self.mapped) }

        var next: Segment? {
            get { base.load(as: UnsafeMutableRawPointer?.self).map(Segment.init(base:)) }
            nonmutating set { base.storeBytes(of: newValue?.base, as: UnsafeMutableRawPointer?.self) }
        }

        var elements: UnsafeMutablePointer<Element> {
            (base + Self.offset).assumingMemoryBound(to: Element.self)
        }
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
    /// A put found no memory left for the queue, which stopped it.
    public var outOfMemory: Bool

    public init(left: Int, producerWaits: Int, consumerWaits: Int, peak: Int, outOfMemory: Bool = false) {
        self.left = left
        self.producerWaits = producerWaits
        self.consumerWaits = consumerWaits
        self.peak = peak
        self.outOfMemory = outOfMemory
    }
}
