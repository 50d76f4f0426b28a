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
    /// `race`: the shared counter after every thread added to it.
    /// Book-style line: `race nolock: expected X got Y lost Z`.
    /// Indirect, as `summary`: they come once or twice a command, and
    /// stored inline they would make every event of a record 136 bytes
    /// instead of 32 (see "The event record and its views" in docs/internals.md).
    indirect case raced(locked: Bool, expected: Int, got: Int)
    /// `tree`: a process forked, exited or was orphaned, or the tree drawn.
    indirect case tree(TreeEvent)
    /// `deadlock`: a thread of the cycle caught, or the cycle.
    indirect case deadlock(DeadlockEvent)
    /// `produce … broken`: a thread caught waiting, or every thread.
    indirect case stuck(StuckEvent)
    /// What the experiment did and what it cost; the book has no such line.
    indirect case summary(Summary)
}

/// An event a forked child writes itself, with write(2), before `_exit`.
/// The parent cannot see these happen; a sink describes them as a line with
/// placeholders that the child fills in (see `LineTemplate`).
public enum ChildEvent: Hashable, Sendable {
    /// `fork`'s child. Book line: `Hello from child PID`.
    case hello
    /// `forkexit`'s child, after it added one to its copy of exitstat.
    /// Book line: `Hello from child PID EXITSTAT`.
    case exitStat
    /// Any forked child, just before `_exit`. No book line.
    case exit
    /// `spawn`'s child, just before it execs its program. No book line.
    case exec(program: String)
}

/// An event a thread of a thread experiment writes itself, main thread
/// included, while other threads may be writing: a sink describes it as a
/// line with placeholders (`LineTemplate`) that the thread fills in.
public enum ThreadEvent: Hashable, Sendable {
    /// `threads`: thread T counted I. Book line: `[T] => I`.
    case counted
    /// `threads`: the main thread's last line. Book line: `Main thread exiting...`.
    case mainExiting
    /// `produce`: consumer T took producer P's message number I off the
    /// queue. Book line: `consumer T got => [producer id=P, count=I]`.
    case consumed
    /// `produce`: every thread has ended. Book line: `Main thread exit`.
    case mainExit
    /// `produce`: producer P put its message number I. No book line.
    case put
    /// A thread began running, or is about to return. No book line.
    case started(ThreadRole)
    case ended(ThreadRole)
    /// `sleep S`: a thread woke from a sleep that lasted to its deadline;
    /// the line's time is when the sleep began, and the `index`
    /// placeholder is how long it lasted, in nanoseconds. No book line.
    case slept(ThreadRole)
    /// `deadlock`: thread T took its second mutex I. Line: `[T] has mT and mI`.
    case holdsBoth
    /// `produce … broken if`: consumer T woke to an empty queue (the first
    /// such wake-up only). Line: `consumer T woke up and the queue was
    /// empty: an if, not a while`.
    case emptyWakeup
}

/// An event with when it happened and which process wrote it.
public struct TraceRecord: Hashable, Sendable {
    /// Nanoseconds since the command started (CLOCK_MONOTONIC).
    public var time: UInt64
    /// The process that saw the event.
    public var pid: Int32
    public var event: TraceEvent
    /// Whether the book prints a line for it; when false the book's text
    /// shows nothing, and JSON an object without `text`.
    public var printed: Bool

    public init(time: UInt64, pid: Int32, event: TraceEvent, printed: Bool = true) {
        self.time = time
        self.pid = pid
        self.event = event
        self.printed = printed
    }
}
