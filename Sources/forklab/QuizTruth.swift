import ForklabCommands
import ForklabEngine

extension QuizQuestion {
    /// The true answer, read from the record of the run just made: the
    /// events its processes and threads recorded, its summary, and the
    /// tree `tree` read from the kernel. nil when the record does not hold
    /// it (a run stopped before its end).
    func truth(from record: ExperimentRecord) -> QuizAnswer? {
        let summary = record.events.lazy.compactMap { occurrence -> Summary? in
            if case let .trace(.summary(summary)) = occurrence.what { return summary }
            return nil
        }.last
        switch ask {
        case .forkLines:
            // The parent's `Hello from parent` lines and the children's own.
            let lines = record.events.filter {
                switch $0.what {
                case .trace(.forked): true
                case let .childPrinted(_, lost): !lost
                default: false
                }
            }
            return .number(lines.count)
        case .forkChildren:
            guard case let .fork(children, _, _, _, _) = summary else { return nil }
            return .number(children)
        case .forkExitStatus, .exitStatus, .killedStatus:
            // Every `Parent got` line: the question holds when they agree.
            let statuses = record.events.compactMap { occurrence -> WaitStatus? in
                if case let .trace(.reaped(_, status)) = occurrence.what { return status }
                return nil
            }
            guard let first = statuses.first, statuses.allSatisfy({ $0 == first }) else { return nil }
            return .statusAndCode(status: Int(first.rawValue), code: Int(first.shiftedCode))
        case .forkExitParent:
            guard case let .forkExit(_, _, _, parentExitStat, _, _, _) = summary else { return nil }
            return .number(Int(parentExitStat))
        case .treeAlive:
            return lastTree(record).map { .number($0.rows.count) }
        case let .treeParent(_, _, _, name):
            guard let drawing = lastTree(record) else { return nil }
            return drawing.parent(of: name).map { .name($0) }
        case .threadLines:
            guard case let .threads(_, _, lines, _, _, _, _) = summary else { return nil }
            return .number(lines)
        case .produceConsumed:
            guard case let .produce(outcome) = summary else { return nil }
            return .number(outcome.consumed)
        case .raceLockedExact:
            guard case let .race(_, _, runs) = summary, let run = runs.first(where: \.locked) else { return nil }
            return .yes(run.got == run.expected)
        case .raceUnlockedAbove:
            guard case let .race(_, _, runs) = summary, let run = runs.first(where: { !$0.locked }) else { return nil }
            return .yes(run.got > run.expected)
        case .bufferedChildLines:
            let lines = record.events.filter {
                if case let .childPrinted(_, lost) = $0.what { return !lost }
                return false
            }
            return .number(lines.count)
        case .deadlockFinishes:
            guard case let .deadlock(outcome) = summary else { return nil }
            return .yes(outcome.finished == outcome.threads)
        }
    }

    /// The tree `tree` drew from the kernel after its last action.
    private func lastTree(_ record: ExperimentRecord) -> TreeDrawing? {
        record.events.lazy.compactMap { occurrence -> TreeDrawing? in
            if case let .trace(.tree(.drawn(drawing))) = occurrence.what { return drawing }
            return nil
        }.last
    }
}

extension TreeDrawing {
    /// The name of `name`'s parent in the drawing: the nearest row above
    /// it one level up; `forklab` for a top row (the root); nil when no
    /// row is `name`.
    func parent(of name: String) -> String? {
        guard let index = rows.firstIndex(where: { $0.member.name == name }) else { return nil }
        let depth = rows[index].lasts.count
        guard depth > 0 else { return "forklab" }
        return rows[..<index].last(where: { $0.lasts.count == depth - 1 })?.member.name
    }
}
