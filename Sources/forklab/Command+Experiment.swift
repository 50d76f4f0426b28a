import ForklabCommands
import ForklabEngine

extension Command {
    /// The engine's form of an experiment command; nil for any other.
    var experiment: Experiment? {
        switch self {
        case let .fork(count, buffered):
            return .fork(count: count, buffered: buffered)
        case let .forkExit(count, buffered):
            return .forkExit(count: count, buffered: buffered)
        case let .spawn(program, count, arguments):
            return .spawn(SpawnPlan(
                program: program, count: count ?? 1, numbered: count != nil && arguments == nil,
                arguments: arguments ?? []))
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
        case .timeline, .save, .bench, .help, .set, .quit, .book:
            return nil
        }
    }
}
