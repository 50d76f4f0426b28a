/// What an experiment did, counted, and what it cost.
public enum Summary: Hashable, Sendable {
    /// `fork`: children forked and reaped; with `buffered`, how the
    /// children's buffers went; with `noreap`, the children left as zombies.
    case fork(children: Int, reaped: Int, elapsed: UInt64, buffered: BufferedLines? = nil, zombies: Int = 0)
    /// `forkexit`: the exit codes the children returned (code → how many),
    /// and the parent's own exitstat afterwards; `zombies` as for fork.
    case forkExit(children: Int, reaped: Int, exitCodes: [Int32: Int], parentExitStat: Int32, elapsed: UInt64,
                  buffered: BufferedLines? = nil, zombies: Int = 0)
    /// `spawn`: children started and how each ended; `zombies` as for fork.
    case spawn(children: Int, reaped: Int, outcomes: SpawnOutcomes, elapsed: UInt64, zombies: Int = 0)
    /// `threads`: threads started (of those wanted) and joined, and the
    /// lines they wrote (of those they would have without a stop).
    /// Of `elapsed`, `startup` went to creating the threads, before the gate
    /// let them run, and `running` from the gate to the last thread's end
    /// (0: not measured apart).
    case threads(started: Int, wanted: Int, lines: Int, expectedLines: Int, elapsed: UInt64,
                 startup: UInt64 = 0, running: UInt64 = 0)
    /// `produce`: what went through the queue.
    case produce(ProduceOutcome)
    /// `race`: the runs that completed, without the mutex and then with it.
    case race(threads: Int, count: Int, runs: [RaceRun])
    /// `threads … exit after T`: what its program printed before its main
    /// thread's exit ended it.
    case threadsExited(ThreadsExit)
    /// `produce … exit after T`: where the messages were when its
    /// program's main thread exited.
    case produceExited(ProduceExit)
    /// `tree`: what the processes did.
    case tree(TreeOutcome)
    /// `deadlock`: the cycle caught, or the threads that finished.
    case deadlock(DeadlockOutcome)
    /// `produce … broken`: how the broken queue went, stuck or not.
    case brokenQueue(BrokenQueueOutcome)
}

/// How a program of its own (`exit after T`) ended, from its record.
public struct ProgramExit: Hashable, Sendable {
    public var pid: Int32
    /// T, in nanoseconds.
    public var after: UInt64
    /// Whether its main thread exited after T, as planned; false when a
    /// stop or a failure ended it first.
    public var exited: Bool
    /// Threads started (created: at an early exit some may not have run
    /// yet), and those that had not ended when the program did.
    public var threads: Int
    public var stillRunning: Int
    /// From the command's start to the program's reaping.
    public var elapsed: UInt64

    public init(pid: Int32, after: UInt64, exited: Bool, threads: Int, stillRunning: Int, elapsed: UInt64) {
        self.pid = pid
        self.after = after
        self.exited = exited
        self.threads = threads
        self.stillRunning = stillRunning
        self.elapsed = elapsed
    }
}

/// `threads … exit after T`: lines printed of those the threads would
/// print; the rest were never printed.
public struct ThreadsExit: Hashable, Sendable {
    public var wanted: Int
    public var printed: Int
    public var expected: Int
    public var program: ProgramExit

    public init(wanted: Int, printed: Int, expected: Int, program: ProgramExit) {
        self.wanted = wanted
        self.printed = printed
        self.expected = expected
        self.program = program
    }

    public var neverPrinted: Int { expected - printed }
}

/// `produce … exit after T`: every message the producers would put is in
/// one place when the program exits: consumed (printed), taken by a
/// consumer and not printed yet, still queued, or never produced.
public struct ProduceExit: Hashable, Sendable {
    public var producers: Int
    public var consumers: Int
    /// P × M.
    public var expected: Int
    public var produced: Int
    public var consumed: Int
    public var queued: Int
    public var program: ProgramExit

    public init(producers: Int, consumers: Int, expected: Int, produced: Int, consumed: Int, queued: Int,
                program: ProgramExit) {
        self.producers = producers
        self.consumers = consumers
        self.expected = expected
        self.produced = produced
        self.consumed = consumed
        self.queued = queued
        self.program = program
    }

    /// Taken off the queue by a consumer that had not printed it yet.
    public var inHand: Int { max(0, produced - consumed - queued) }
    public var neverProduced: Int { expected - produced }
}

/// How `fork N buffered`'s children buffered their lines, and how many
/// lines their `_exit` threw away, as the children recorded it.
public struct BufferedLines: Hashable, Sendable {
    public var buffering: StdioBuffering
    /// Lines still in a child's buffer when it called _exit.
    public var lost: Int

    public init(buffering: StdioBuffering, lost: Int) {
        self.buffering = buffering
        self.lost = lost
    }
}

/// How stdio buffers a stream: decided once by the parent, before it forks.
public struct StdioBuffering: Hashable, Sendable {
    /// stdout is a terminal: flushed at each newline.
    public var lineBuffered: Bool
    /// The buffer's bytes; a block-buffered stream is flushed when it fills.
    public var size: Int

    public init(lineBuffered: Bool, size: Int) {
        self.lineBuffered = lineBuffered
        self.size = size
    }
}

/// What went through `produce`'s queue.
public struct ProduceOutcome: Hashable, Sendable {
    /// Threads started and joined.
    public var producers: Int
    public var consumers: Int
    /// Messages put on the queue.
    public var produced: Int
    /// Messages taken off and printed.
    public var consumed: Int
    /// Messages taken off but not printed: the stop came first.
    public var unprinted: Int
    public var queue: QueueStatistics
    public var capacity: Int?
    public var elapsed: UInt64
    /// Of `elapsed`: creating the threads, before the gate let the
    /// producers run; and from the gate to the last thread's end (0: not
    /// measured apart).
    public var startup: UInt64
    public var running: UInt64

    public init(producers: Int, consumers: Int, produced: Int, consumed: Int, unprinted: Int,
                queue: QueueStatistics, capacity: Int?, elapsed: UInt64, startup: UInt64 = 0, running: UInt64 = 0) {
        self.producers = producers
        self.consumers = consumers
        self.produced = produced
        self.consumed = consumed
        self.unprinted = unprinted
        self.queue = queue
        self.capacity = capacity
        self.elapsed = elapsed
        self.startup = startup
        self.running = running
    }

    /// Messages put but neither consumed, nor taken, nor still queued: a
    /// queue that loses nothing keeps this at 0.
    public var lost: Int { produced - consumed - unprinted - queue.left }
}

/// How a spawn's children ended.
public struct SpawnOutcomes: Hashable, Sendable {
    public var exitedZero = 0
    public var exitedNonZero = 0
    public var killed = 0
    public var couldNotRun = 0
    /// Processes the children left running when they ended (a program's
    /// own children, say), which forklab then ended.
    public var leftRunning = 0

    public init() {}
}
