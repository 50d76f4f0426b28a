/// What an experiment did, counted, and what it cost.
public enum Summary: Hashable, Sendable {
    /// `fork`: children forked and reaped.
    case fork(children: Int, reaped: Int, elapsed: UInt64)
    /// `forkexit`: the exit codes the children returned (code → how many),
    /// and the parent's own exitstat afterwards.
    case forkExit(children: Int, reaped: Int, exitCodes: [Int32: Int], parentExitStat: Int32, elapsed: UInt64)
    /// `spawn`: children started and how each ended.
    case spawn(children: Int, reaped: Int, outcomes: SpawnOutcomes, elapsed: UInt64)
}

/// How a spawn's children ended.
public struct SpawnOutcomes: Hashable, Sendable {
    public var exitedZero = 0
    public var exitedNonZero = 0
    public var killed = 0
    public var couldNotRun = 0

    public init() {}
}
