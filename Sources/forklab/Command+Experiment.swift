import ForklabCommands
import ForklabEngine

extension Command {
    /// The engine's form of an experiment command; nil for any other.
    var experiment: Experiment? {
        switch self {
        case let .fork(count, buffered, noreap):
            return .fork(count: count, buffered: buffered, noreap: noreap)
        case let .forkExit(count, buffered, noreap):
            return .forkExit(count: count, buffered: buffered, noreap: noreap)
        case let .spawn(program, count, arguments, noreap):
            return .spawn(SpawnPlan(
                program: program, count: count ?? 1, numbered: count != nil && arguments == nil,
                arguments: arguments ?? [], noreap: noreap))
        case let .threads(count, lines, locked, joined, sleep, exitAfter):
            return .threads(ThreadsPlan(
                threads: count, count: lines, locked: locked, joined: joined, sleep: UInt64(sleep),
                exitAfter: exitAfter.map { UInt64($0) }))
        case let .produce(producers, consumers, messages, capacity, sleep, exitAfter, broken, timeout):
            return .produce(ProducePlan(
                producers: producers, consumers: consumers, messages: messages, capacity: capacity, sleep: UInt64(sleep),
                exitAfter: exitAfter.map { UInt64($0) }, flaw: broken.flatMap { QueueFlaw(rawValue: $0.rawValue) },
                timeout: UInt64(timeout)))
        case let .race(threads, count):
            return .race(threads: threads, count: count)
        case let .deadlock(threads, ordered, timeout):
            return .deadlock(DeadlockPlan(threads: threads, ordered: ordered, timeout: UInt64(timeout)))
        case let .tree(source, local, steps):
            switch source {
            case let .list(actions):
                return .tree(TreePlan(actions: actions.map(\.step), local: local, steps: steps))
            case let .random(count, seed, forkPercent):
                // No seed given: a new one each run, printed with the list.
                let seed = seed ?? UInt64.random(in: 0...UInt64(Int.max))
                let actions = TreeActions.random(count: count, seed: seed, forkPercent: forkPercent)
                return .tree(TreePlan(
                    actions: actions.map(\.step), local: local, steps: steps,
                    origin: TreePlan.Origin(count: count, seed: seed, forkPercent: forkPercent)))
            }
        case .timeline, .save, .bench, .help, .set, .ps, .reap, .quit, .book, .quiz:
            return nil
        }
    }
}

extension TreeAction {
    /// The engine's form of an action.
    var step: TreePlan.Action {
        switch self {
        case let .fork(parent, child): return .fork(parent: parent, child: child)
        case let .exit(name): return .exit(name)
        }
    }
}
