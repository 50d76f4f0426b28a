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
        case let .produce(producers, consumers, messages, capacity, sleep, exitAfter):
            return .produce(ProducePlan(
                producers: producers, consumers: consumers, messages: messages, capacity: capacity, sleep: UInt64(sleep),
                exitAfter: exitAfter.map { UInt64($0) }))
        case let .race(threads, count):
            return .race(threads: threads, count: count)
        case .timeline, .save, .bench, .help, .set, .ps, .reap, .quit, .book:
            return nil
        }
    }
}
