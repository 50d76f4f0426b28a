extension Summary {
    /// The children `noreap` left as zombies (held until `reap`); 0 for
    /// any other command, or when a stop had them reaped after all.
    public var zombies: Int {
        switch self {
        case let .fork(_, _, _, _, zombies), let .forkExit(_, _, _, _, _, _, zombies),
             let .spawn(_, _, _, _, zombies):
            return zombies
        default:
            return 0
        }
    }
}

/// What a summary adds after `N left` when those children are zombies:
/// ` as zombies (ps shows them, reap ends them)`; nothing for none.
func zombiesText(_ zombies: Int) -> String {
    zombies > 0 ? " as zombies (ps shows them, reap ends them)" : ""
}

extension Experiment {
    /// Whether it is run with `noreap`: its children stay zombies.
    public var leavesZombies: Bool {
        switch self {
        case let .fork(_, _, noreap), let .forkExit(_, _, noreap): return noreap
        case let .spawn(plan): return plan.noreap
        default: return false
        }
    }
}
