/// Ceilings that protect the machine (docs/commands.md, *Limits and refusals*).
public enum Limits {
    /// `N` of fork, forkexit, spawn, threads and race.
    public static let processes: ClosedRange<Int> = 1...10_000
    /// Zombies `noreap` may hold at once, until `reap`: each keeps a slot
    /// of the process table and counts against the user's process limit.
    public static let heldZombies = 1_000
    /// `count C` of threads and race: lines a thread prints, additions it makes.
    public static let count: ClosedRange<Int> = 1...1_000_000
    /// `produce P` and `consume C`: producer and consumer threads.
    public static let workers: ClosedRange<Int> = 1...1_000
    /// `messages M`: messages each producer puts on the queue.
    public static let messages: ClosedRange<Int> = 1...10_000_000
    /// `capacity K`: messages a bounded queue holds.
    public static let capacity: ClosedRange<Int> = 1...1_000_000
    /// The most messages one produce command makes (P × M): an unbounded
    /// queue may hold them all at once, 8 bytes each, 800 MB at most.
    public static let totalMessages = 100_000_000
    /// `sleep S` of threads and produce: S is more than 0 and at most this
    /// many seconds, a decimal number (`sleep 1`, `sleep 0.05`).
    public static let sleepSeconds = 60
    /// `exit after T` of threads and produce: T is 0 or more and at most
    /// this many seconds, a decimal number (`exit after 6`).
    public static let exitAfterSeconds = 600
    /// `bench PRIMITIVE N`: operations timed.
    public static let benchRuns: ClosedRange<Int> = 1...1_000_000
    /// `tree`: processes alive at once, the root included.
    public static let treeAlive = 100
    /// `tree`: actions in a list, and `tree random N`'s N.
    public static let treeActions: ClosedRange<Int> = 1...1_000
    /// `tree random N forks P`: the percentage of actions that fork.
    public static let treeForkPercent: ClosedRange<Int> = 0...100
    /// `timeline width W`: columns the drawing takes (by default the
    /// terminal's width, 80 when stdout is not a terminal).
    public static let timelineWidth: ClosedRange<Int> = 40...1_000
    /// `quiz N`: questions in a round.
    public static let quizQuestions: ClosedRange<Int> = 1...50
    /// `quiz … seed S`.
    public static let quizSeed: ClosedRange<Int> = 0...999_999_999
    /// `deadlock N`: threads (and mutexes) in the ring.
    public static let deadlockThreads: ClosedRange<Int> = 2...100
    /// `deadlock … timeout T`: T seconds without progress, at most this many.
    public static let deadlockTimeoutSeconds = 60
    /// `deadlock … timeout T`: T is at least 0.1 s, in nanoseconds.
    public static let deadlockTimeoutLeast = 100_000_000
}
