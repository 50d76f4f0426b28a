/// Why a view of the last experiment could not be made.
public enum ViewError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Making it needs more address space than forklab can have now
    /// (RLIMIT_AS, `ulimit -v`); `events` is the record's size. Nothing
    /// was drawn or written.
    case notEnoughMemory(events: Int)

    public var description: String {
        switch self {
        case let .notEnoughMemory(events):
            return "not enough memory for the last experiment's \(events) events; "
                + "raise the address-space limit (ulimit -v) or run a smaller experiment"
        }
    }
}

/// The memory a view needs at most, and the check, made before it starts,
/// that it can be had.
///
/// Swift ends the process when an allocation fails, so rather than fail
/// half-way a view first asks the kernel for address space that covers
/// everything it will allocate (`System.canMap`), and gives it back at
/// once: nothing else runs in forklab meanwhile, so what was there a moment
/// ago is there when the view allocates. The bounds are computed from the
/// record's size, its events and its lives, a sum of what each allocates
/// at its peak, growth of arrays included (see docs/performance.md, "What a
/// view costs in memory", for the figures measured against them).
enum ViewMemory {
    /// Fails unless `bytes` more address space can be had now.
    static func require(_ bytes: Int, events: Int) throws(ViewError) {
        guard System.canMap(bytes) else { throw .notEnoughMemory(events: events) }
    }

    /// Room for what does not grow with the record: the stack, the
    /// runtime's metadata, malloc's padding, the lines of a picture, the
    /// pieces of a trace, a few long names.
    static let base = 2 << 20

    /// What `Lab.lastRecord()` needs for `events` events: the record (32
    /// bytes an event), and while it is sorted an index of 4 and the
    /// sort's scratch of up to 4.
    static func toBuildRecord(events: Int) -> Int {
        base + events * (MemoryLayout<Occurrence>.stride + 16)
    }

    /// What counting the lives needs (`ExperimentRecord.lifeCountBound`):
    /// four bit sets of 512 KiB.
    static let toCountLives = base + 4 << 19

    /// What the lives need beyond the record (`ExperimentRecord.lives`):
    /// each event's index in its life (4 bytes, up to 12 while an array
    /// grows); each life's 88 bytes, up to 4 copies while the list grows
    /// and is put in order, its name, its list's header, its place in the
    /// table of open lives.
    static func forLives(events: Int, lives: Int) -> Int {
        events * 12 + lives * 640
    }

    /// What `Timeline.render()` needs beyond the record: the lives; the
    /// marks of the lanes drawn (16 bytes each, and 4 for each one's event); while a lane is drawn, its
    /// marks by column (4 bytes, 12 while growing) and one column's
    /// temporaries (up to 24). A sleep is no mark: its 16 bytes among the
    /// lane's sleeps (32 while growing) stay within what a mark may take.
    /// A thread's waits and holds (`waits` of them at most, one for each
    /// event that opens one): all of its stretches and the waits kept of
    /// them, each list up to twice its size while it grows.
    static func toDrawTimeline(events: Int, lives: Int, waits: Int = 0) -> Int {
        base + forLives(events: events, lives: lives) + events * (16 + 4 + 12 + 24)
            + waits * 4 * MemoryLayout<WaitStretch>.stride
    }

    /// What `ChromeTrace.write(_:to:)` needs beyond the record: the lives;
    /// for a record out of time order, an index of the events and its
    /// sort's scratch (16 bytes); for each life its slice, its place in the
    /// slices' order, its lane's name and place, the program's name of a
    /// spawned child.
    /// A wait or hold (`waits` at most) is a slice too: its stretch while a
    /// thread's are paired, then its slice (up to twice while the list
    /// grows) and its place in the slices' order.
    static func toWriteTrace(events: Int, lives: Int, programBytes: Int, waits: Int = 0) -> Int {
        base + forLives(events: events, lives: lives) + events * 16 + lives * (512 + programBytes)
            + waits * (2 * MemoryLayout<WaitStretch>.stride + 2 * ChromeTrace.sliceBytes + 16)
    }
}

extension Timeline {
    /// Fails unless the memory that `render()` needs can be had now.
    public func requireMemory() throws(ViewError) {
        let events = record.events.count
        try ViewMemory.require(ViewMemory.toCountLives, events: events)
        try ViewMemory.require(
            ViewMemory.toDrawTimeline(events: events, lives: record.lifeCountBound, waits: record.waitOpenings),
            events: events)
    }
}

extension ChromeTrace {
    /// Fails unless the memory that `write(_:to:)` needs for `record` can be had now.
    public static func requireMemory(for record: ExperimentRecord) throws(ViewError) {
        let events = record.events.count
        try ViewMemory.require(ViewMemory.toCountLives, events: events)
        var programBytes = 0
        if case let .spawn(plan) = record.experiment { programBytes = plan.program.utf8.count }
        try ViewMemory.require(
            ViewMemory.toWriteTrace(events: events, lives: record.lifeCountBound, programBytes: programBytes,
                                    waits: record.waitOpenings),
            events: events)
    }
}
