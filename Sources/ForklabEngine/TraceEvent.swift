/// Something an experiment's parent saw happen, as a value. Renderers turn
/// events into the book's lines (or, later, JSON and a timeline); tests
/// compare them with `==`.
public enum TraceEvent: Hashable, Sendable {
    /// `fork`: the parent forked `child`. Book line: `Hello from parent PARENT CHILD`.
    case forked(parent: Int32, child: Int32)
    /// `spawn`: the parent started `child`. Book line: `Child is CHILD`.
    case spawned(child: Int32)
    /// The parent reaped `child` with waitpid. Book line: `Parent got CHILD STATUS CODE`.
    case reaped(child: Int32, status: WaitStatus)
    /// What the experiment did and what it cost; the book has no such line.
    case summary(Summary)
}

/// An event a forked child writes itself, with write(2), before `_exit`.
/// The parent cannot see these happen; a sink describes them as a line with
/// placeholders that the child fills in (see `ChildLine`).
public enum ChildEvent: Hashable, Sendable {
    /// `fork`'s child. Book line: `Hello from child PID`.
    case hello
    /// `forkexit`'s child, after it added one to its copy of exitstat.
    /// Book line: `Hello from child PID EXITSTAT`.
    case exitStat
}

/// An event with when it happened and which process wrote it.
public struct TraceRecord: Hashable, Sendable {
    /// Nanoseconds since the command started (CLOCK_MONOTONIC).
    public var time: UInt64
    /// The process that saw the event.
    public var pid: Int32
    public var event: TraceEvent

    public init(time: UInt64, pid: Int32, event: TraceEvent) {
        self.time = time
        self.pid = pid
        self.event = event
    }
}
