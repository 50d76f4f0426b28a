import ForklabWords

/// An experiment the engine can run, with its parameters already checked
/// against `Limits`.
public enum Experiment: Hashable, Sendable {
    /// The book's Basic Forking loop, `count` times. `buffered`: each child
    /// prints into a stdio-like buffer and `_exit`s, as the book's does.
    /// `noreap`: the parent does not wait, as the book's does not; its
    /// children are held as zombies until `reapZombies`.
    case fork(count: Int, buffered: Bool = false, noreap: Bool = false)
    /// The book's Fork() Exit Status loop, `count` times; `buffered` and
    /// `noreap` as for fork.
    case forkExit(count: Int, buffered: Bool = false, noreap: Bool = false)
    /// The book's launcher: `count` children exec `program`. Child i runs
    /// `program i` when `numbered`, else `program arguments…` with each
    /// `{}` replaced by i (see `SpawnPlan`).
    case spawn(SpawnPlan)
    /// The book's thread programs: `threads` threads each print `count`
    /// lines (_thread Basic, _thread Mutex, Python Threading).
    case threads(ThreadsPlan)
    /// The book's producer/consumer on a FIFO queue.
    case produce(ProducePlan)
    /// `threads` threads each add one to a shared counter `count` times,
    /// first without the mutex, then with it.
    case race(threads: Int, count: Int)
    /// Real processes fork and exit as a list says (OSTEP's fork.py).
    case tree(TreePlan)
    /// `threads` threads lock `threads` mutexes in a ring, in a program of
    /// its own that forklab watches for a deadlock.
    case deadlock(DeadlockPlan)
}

extension Experiment {
    /// The command that runs it, as one would type it: `fork 3`,
    /// `threads 2 count 2 nolock`, `spawn echo 2 -- a b`; defaults left out.
    public var command: String {
        switch self {
        case let .fork(count, buffered, noreap):
            return "fork \(count)" + (buffered ? " buffered" : "") + (noreap ? " noreap" : "")
        case let .forkExit(count, buffered, noreap):
            return "forkexit \(count)" + (buffered ? " buffered" : "") + (noreap ? " noreap" : "")
        case let .spawn(plan):
            var text = "spawn \(plan.program)"
            if plan.numbered || plan.count != 1 { text += " \(plan.count)" }
            if plan.noreap { text += " noreap" }
            if !plan.numbered && !plan.arguments.isEmpty { text += " -- " + plan.arguments.joined(separator: " ") }
            return text
        case let .threads(plan):
            return "threads \(plan.threads) count \(plan.count)" + pacing(plan.sleep)
                + (plan.locked ? "" : " nolock") + (plan.joined ? "" : " nojoin") + ending(plan.exitAfter)
        case let .produce(plan):
            return "produce \(plan.producers) consume \(plan.consumers)"
                + (plan.messages == 4 ? "" : " messages \(plan.messages)")
                + (plan.capacity.map { " capacity \($0)" } ?? "") + pacing(plan.sleep) + ending(plan.exitAfter)
                + (plan.flaw.map { " broken \($0.rawValue)" + watching(plan.timeout) } ?? "")
        case let .race(threads, count): return "race \(threads) count \(count)"
        case let .deadlock(plan):
            return "deadlock \(plan.threads)" + (plan.ordered ? " ordered" : "")
                + watching(plan.timeout)
        case let .tree(plan):
            guard let origin = plan.origin else { return "tree \(plan.list)" + plan.flags }
            return "tree random \(origin.count) seed \(origin.seed) forks \(origin.forkPercent)" + plan.flags
        }
    }
}

/// ` sleep S` for a pace of `nanoseconds`, S in decimal seconds
/// (` sleep 0.05`); nothing for 0.
private func pacing(_ nanoseconds: UInt64) -> String {
    guard nanoseconds > 0 else { return "" }
    return " sleep " + decimalSeconds(nanoseconds)
}

/// ` timeout T` for a watchdog's `nanoseconds`; nothing for the default, 1 s.
private func watching(_ nanoseconds: UInt64) -> String {
    nanoseconds == 1_000_000_000 ? "" : " timeout " + decimalSeconds(nanoseconds)
}

/// ` exit after T` for an ending after `nanoseconds`; nothing for nil.
private func ending(_ nanoseconds: UInt64?) -> String {
    guard let nanoseconds else { return "" }
    return " exit after " + decimalSeconds(nanoseconds)
}

/// Nanoseconds as the decimal seconds a command takes: `1`, `0.05`.
func decimalSeconds(_ nanoseconds: UInt64) -> String {
    var fraction = String(nanoseconds % 1_000_000_000)
    fraction = String(repeating: "0", count: 9 - fraction.count) + fraction
    while fraction.last == "0" { fraction.removeLast() }
    return "\(nanoseconds / 1_000_000_000)" + (fraction.isEmpty ? "" : ".\(fraction)")
}

/// What `threads` runs.
public struct ThreadsPlan: Hashable, Sendable {
    public var threads: Int
    /// Lines each thread prints: `[t] => 0` … `[t] => count-1`.
    public var count: Int
    /// One process-wide mutex guards the console; without it each line is
    /// written in two writes, as Python's print does, and lines can tear.
    public var locked: Bool
    /// The main thread prints its line after joining the threads; when
    /// false, right after starting them (forklab still joins them before
    /// the command ends).
    public var joined: Bool
    /// `sleep S` in nanoseconds: each thread sleeps this long before each
    /// of its lines, as the book's `time.sleep(1)`; 0 for no pacing.
    public var sleep: UInt64
    /// `exit after T` in nanoseconds: the _thread programs' ending. The
    /// experiment runs as a program of its own, whose main thread does not
    /// join: it sleeps T, prints its line and exits, ending every thread
    /// still running. nil: the main thread joins (or, not `joined`, waits
    /// as Python waits for its threads).
    public var exitAfter: UInt64?

    public init(threads: Int, count: Int, locked: Bool, joined: Bool, sleep: UInt64 = 0, exitAfter: UInt64? = nil) {
        self.threads = threads
        self.count = count
        self.locked = locked
        self.joined = joined
        self.sleep = sleep
        self.exitAfter = exitAfter
    }
}

/// What `produce` runs.
public struct ProducePlan: Hashable, Sendable {
    public var producers: Int
    public var consumers: Int
    /// Messages each producer puts.
    public var messages: Int
    /// The most messages the queue holds; nil for no limit.
    public var capacity: Int?
    /// `sleep S` in nanoseconds: producer i sleeps i × S before each put
    /// (the book's `time.sleep(idnum)`, ids from 0), each consumer S/10
    /// before each get (the book's 0.1); 0 for no pacing.
    public var sleep: UInt64
    /// `exit after T` in nanoseconds: the book's ending, a fixed sleep and
    /// then the program's exit, whatever is still queued or unproduced (a
    /// program of its own, as for `ThreadsPlan.exitAfter`); nil: the main
    /// thread waits until every message is consumed.
    public var exitAfter: UInt64?
    /// `broken if` or `broken onecv`: the queue written wrong, in a program
    /// of its own that forklab watches; nil for the correct queue.
    public var flaw: QueueFlaw?
    /// With a flaw: how long nothing may move before forklab looks for
    /// every thread waiting, in nanoseconds.
    public var timeout: UInt64

    public init(producers: Int, consumers: Int, messages: Int, capacity: Int?, sleep: UInt64 = 0,
                exitAfter: UInt64? = nil, flaw: QueueFlaw? = nil, timeout: UInt64 = 1_000_000_000) {
        self.producers = producers
        self.consumers = consumers
        self.messages = messages
        self.capacity = capacity
        self.sleep = sleep
        self.exitAfter = exitAfter
        self.flaw = flaw
        self.timeout = timeout
    }
}

/// How `produce … broken` writes the queue wrong (docs/lessons.md).
public enum QueueFlaw: String, Hashable, Sendable {
    /// `broken if`: consumers wait with `if (empty) wait`, not `while`.
    case ifWait = "if"
    /// `broken onecv`: one condition variable for "not empty" and "not
    /// full", woken with signal, not broadcast.
    case oneCondition = "onecv"
}

/// What `spawn` runs.
public struct SpawnPlan: Hashable, Sendable {
    /// The word that stands for the child's number in `arguments`.
    public static let numberPlaceholder = "{}"

    public var program: String
    public var count: Int
    /// When true child i gets its number as its one argument, as the book
    /// passes `spawned_children`; when false every child gets `arguments`,
    /// each `{}` in them replaced by its number.
    public var numbered: Bool
    public var arguments: [String]
    /// The first child's number: 1, or where the last run stopped when
    /// Enter repeats it, as the book's counter keeps growing.
    public var first: Int
    /// The parent does not wait: the children are held as zombies once
    /// they end, until `reapZombies` (the book's launcher never waits).
    public var noreap: Bool

    public init(program: String, count: Int, numbered: Bool, arguments: [String], first: Int = 1,
                noreap: Bool = false) {
        self.program = program
        self.count = count
        self.numbered = numbered
        self.arguments = arguments
        self.first = first
        self.noreap = noreap
    }

    /// The number of child `index` (1-based place in this run).
    public func number(child index: Int) -> Int { first &+ (index &- 1) }

    /// The argument vector of child `index` (1-based place in this run),
    /// argv[0] included.
    public func argv(child index: Int) -> [String] {
        let number = String(number(child: index))
        if numbered { return [program, number] }
        return [program] + arguments.map { $0 == Self.numberPlaceholder ? number : $0 }
    }
}

/// Why an experiment did not complete.
public enum LabError: Error, Hashable, Sendable, CustomStringConvertible {
    /// fork(2) failed after `made` children (EAGAIN under a process limit).
    case forkFailed(experiment: String, made: Int, wanted: Int, Errno)
    /// pthread_create failed after `made` threads (EAGAIN under a limit).
    case threadFailed(experiment: String, made: Int, wanted: Int, Errno)
    /// The unbounded queue of `produce` found no memory for more messages.
    case queueOutOfMemory(experiment: String, queued: Int)
    /// exec of `program` failed in the child; the child exited 127 or 126.
    case cannotRun(program: String, Errno)
    /// Ctrl-C (SIGINT) stopped it; everything it started was reaped.
    case interrupted
    /// SIGTERM or SIGHUP stopped it; everything it started was reaped.
    case terminated(signal: Int32)
    /// stdout was closed or failed; everything it started was reaped.
    case output(OutputFailure)
    /// A system call the parent needed failed; `call` names the command
    /// too: `spawn: pipe2`.
    case system(call: String, Errno)
    /// `bench PRIMITIVE` could not measure, for `reason`.
    case benchFailed(primitive: String, reason: String)
    /// A program of its own (`exit after T`) ended otherwise than by its
    /// main thread's exit: it could not start its threads (and said why on
    /// stderr), or something killed it.
    case programFailed(experiment: String, status: WaitStatus)
    /// `noreap` would hold more zombies than `limit`; nothing was forked.
    case tooManyZombies(experiment: String, held: Int, wanted: Int, limit: Int)
    /// A process of `tree` ended or stopped answering without being told
    /// to (killed from outside); the whole tree was ended and reaped.
    case treeProcessLost(name: String, pid: Int32)

    public var description: String {
        switch self {
        case let .forkFailed(experiment, made, wanted, errno):
            return "\(experiment): " + failedPartWay("fork", made: made, of: wanted, "children", errno, then: "reaped")
        case let .threadFailed(experiment, made, wanted, errno):
            return "\(experiment): " + failedPartWay("pthread_create", made: made, of: wanted, "threads", errno, then: "joined")
        case let .queueOutOfMemory(experiment, queued):
            return "\(experiment): no memory left for the queue with \(queued) messages in it; bound it with capacity K"
        case let .cannotRun(program, errno):
            return "cannot run '\(display(program))': \(errno)"
        case .interrupted:
            return "interrupted"
        case let .terminated(signal):
            return "ended by \(signalName(signal))"
        case .output(.closed):
            return "stdout closed"
        case let .output(.failed(errno)):
            return "cannot write to stdout: \(errno)"
        case let .system(call, errno):
            return "\(call) failed: \(errno)"
        case let .benchFailed(primitive, reason):
            return "bench \(primitive): \(reason)"
        case let .treeProcessLost(name, pid):
            return "tree: process \(name) \(pid) ended without being told to; the whole tree was ended and reaped"
        case let .programFailed(experiment, status):
            if let signal = status.terminatingSignal {
                return "\(experiment): its program was killed by \(signalName(signal)) before its main thread exited"
            }
            return "\(experiment): its program exited with status \(status.exitCode ?? 0) before its main thread's exit"
        case let .tooManyZombies(experiment, held, wanted, limit):
            return "\(experiment): noreap would hold \(held + wanted) zombies, at most \(limit) are allowed"
                + (held > 0 ? " (\(held) held now); reap them first, or ask for fewer" : "; ask for fewer")
        }
    }
}

extension LabError {
    /// What a write that ended with `error` means for the command: a
    /// Ctrl-C that ended a blocked write is the command interrupted.
    init(_ error: OutputError) {
        switch error {
        case .closed: self = .output(.closed)
        case let .failed(errno): self = .output(.failed(errno))
        case .interrupted: self = .interrupted
        }
    }
}

/// How far a command got before `call` failed, and what became of what it
/// made: `fork failed after 3 of 10 children (…); those 3 were reaped`;
/// `that one was reaped` after one; at the first, nothing to say about none.
private func failedPartWay(
    _ call: String, made: Int, of wanted: Int, _ things: String, _ errno: Errno, then done: String
) -> String {
    switch made {
    case 0 where wanted == 1:
        return "\(call) failed (\(errno))"
    case 0:
        return "\(call) failed at the first of \(wanted) \(things) (\(errno))"
    case 1:
        return "\(call) failed after 1 of \(wanted) \(things) (\(errno)); that one was \(done)"
    default:
        return "\(call) failed after \(made) of \(wanted) \(things) (\(errno)); those \(made) were \(done)"
    }
}
