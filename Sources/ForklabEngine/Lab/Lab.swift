import Glibc
import CForklabSystem

/// Where children's stdin comes from.
public enum ChildInput: Hashable, Sendable {
    /// forklab's own stdin (a terminal, or commands from `-c` or a FILE).
    case inherit
    /// `/dev/null`: forklab reads its commands from a piped stdin, which a
    /// child must not swallow.
    case null
}

/// Runs experiments for real and hands what happens to a sink.
/// Not thread-safe: one command at a time, from the main thread, which is
/// also what makes forking it safe.
public final class Lab {
    public var sink: any TraceSink
    public let childInput: ChildInput
    /// Where `spawn` looks for a program that is not in PATH (the project's
    /// `scripts/` folder), or nil.
    public let programDirectory: String?

    /// How long children get after a Ctrl-C (or SIGTERM) passed on to them
    /// before they get SIGKILL; a second request cuts it short.
    public var killGrace: UInt64 = 3_000_000_000

    private var nullDescriptor: Int32 = -1
    /// Set when the output failed or a Ctrl-C came: the experiment stops
    /// starting new work, and finishes reaping what it started.
    var stop: LabError?
    /// Set when a write failed or was interrupted: nothing more is written
    /// in this command (a blocked pipe would block again).
    var outputStopped = false
    var started: UInt64 = 0
    /// Where children and threads record their events; nil when it could
    /// not be mapped (then there is no timeline, but experiments still run).
    let log: EventLog?
    /// What forklab execs to run an experiment as a program of its own
    /// (`exit after T`): itself.
    public var programPath = "/proc/self/exe"
    /// Set in a program of its own (`runAsProgram`), nil in forklab.
    let program: OwnProgram?
    /// What the parent emitted in this experiment, as it happened; in memory
    /// that forks leave out, so that recording costs no page fault after a fork.
    /// Mapped at the first experiment, not at start-up.
    private lazy var parentEvents = ParentOnlyBuffer<Occurrence>(minimumCapacity: 4096)
    /// The pids a `Reaper` waits for, kept from one to the next (see `Reaper`).
    private(set) lazy var reaperPIDs = ParentOnlyBuffer<pid_t>(minimumCapacity: 1024)
    /// forklab's pid, read once a command.
    private(set) var pid: Int32 = 0
    /// The processes of the command under way (see `Family`).
    lazy var family = Family(root: getpid())
    /// How many children the last `spawn` started: Enter's repeat numbers
    /// its children on from there.
    public internal(set) var childrenSpawned = 0
    /// Children `noreap` left as zombies, in the order forked, until
    /// `reapZombies` (Lab+Zombies.swift).
    var zombies: [pid_t] = []
    /// The most zombies `noreap` may hold at once.
    public var zombieLimit = 1000
    /// The last experiment that ran, and when its summary came.
    private var lastExperiment: Experiment?
    private var lastDuration: UInt64 = 0

    /// Makes forklab a child subreaper, so that the orphans of the
    /// processes it starts come back to it and not to init, which on some
    /// systems never reaps them: a command ends them all (see `Family`).
    /// Call once, at start-up. The corresponding C function is `prctl` with
    /// PR_SET_CHILD_SUBREAPER.
    public static func adoptOrphans() throws(Errno) {
        _ = try valueOrErrno { fl_become_subreaper() }
    }

    public init(sink: any TraceSink, childInput: ChildInput, programDirectory: String?) {
        self.sink = sink
        self.childInput = childInput
        self.programDirectory = programDirectory
        log = EventLog()
        program = nil
    }

    /// The Lab of a program of its own: forklab's record, attached, and
    /// forklab's start of the command, which every time counts from.
    init(sink: any TraceSink, log: EventLog?, started: UInt64) {
        self.sink = sink
        childInput = .inherit
        programDirectory = nil
        self.log = log
        program = OwnProgram()
        self.started = started
        pid = getpid()
    }

    deinit {
        if nullDescriptor >= 0 { System.close(nullDescriptor) }
    }

    /// Runs one experiment to its end. Whatever happens, every child it
    /// started has been reaped when this returns.
    /// - Throws: why it did not complete; a child that exits non-zero is a
    ///   result, not an error.
    public func run(_ experiment: Experiment) throws(LabError) {
        try checkZombieRoom(for: experiment)
        beginCommand()
        log?.reset()
        parentEvents.removeAll()
        started = System.now()
        lastExperiment = experiment
        defer {
            lastDuration = parentEvents.last?.time ?? (System.now() &- started)
            // Only spawn's programs can leave processes behind, and it ends
            // them before its summary; this makes sure of every command.
            _ = family.endLeftovers()
        }
        switch experiment {
        case let .fork(count, buffered, noreap): try runFork(count: count, buffered: buffered, noreap: noreap)
        case let .forkExit(count, buffered, noreap): try runForkExit(count: count, buffered: buffered, noreap: noreap)
        case let .spawn(plan): try runSpawn(plan)
        case let .threads(plan): try runThreads(plan)
        case let .produce(plan): try runProduce(plan)
        case let .race(threads, count): try runRace(threads: threads, count: count)
        case let .deadlock(plan): try runDeadlock(plan)
        case let .tree(plan): try runTree(plan)
        }
    }

    /// What every command starts from: no stop yet, output working, and
    /// forklab's pid read once.
    func beginCommand() {
        stop = nil
        outputStopped = false
        pid = getpid()
        family = Family(root: pid)
    }

    /// Records an event, and hands it to the sink unless output already
    /// failed or stalled. `printed` false: the book prints no line for it.
    func emit(_ event: TraceEvent, printed: Bool = true) {
        let time = System.now() &- started
        parentEvents.append(Occurrence(time: time, pid: pid, tid: pid, what: printed ? .trace(event) : .unprinted(event)))
        guard !outputStopped else { return }
        do {
            try sink.emit(TraceRecord(time: time, pid: pid, event: event, printed: printed))
        } catch {
            outputStopped = true
            if error != .interrupted {
                stop = LabError(error)
            } else if stop == nil {
                checkStop()
            }
        }
    }

    /// The last experiment's record: the parent's events and what children
    /// and threads recorded, in time order; nil before the first.
    /// Built when asked for, not kept: until then the events stay in the
    /// shared log, which costs a fork nothing, rather than in private
    /// memory that every fork would copy the page tables of.
    /// - Throws: `.notEnoughMemory` when the address space it needs (see
    ///   `ViewMemory.toBuildRecord`) cannot be had; nothing is built then.
    public func lastRecord() throws(ViewError) -> ExperimentRecord? {
        guard let lastExperiment else { return nil }
        let counts = log?.counts ?? (lives: 0, marks: 0, droppedMarks: 0)
        let total = parentEvents.count + counts.lives + counts.marks
        try ViewMemory.require(ViewMemory.toBuildRecord(events: total), events: total)
        // One array, sorted in place: the record is the largest thing a
        // view holds, so it is never copied.
        var events: [Occurrence] = []
        events.reserveCapacity(total)
        parentEvents.withElements { events.append(contentsOf: $0) }
        log?.read(into: &events, lives: counts.lives, marks: counts.marks)
        // Stable: events of one time keep the parent's order first.
        var order = Array(0..<UInt32(events.count))
        order.sort { (events[Int($0)].time, $0) < (events[Int($1)].time, $1) }
        events.permute(by: &order)
        return ExperimentRecord(
            experiment: lastExperiment, parent: pid, duration: lastDuration, events: events,
            keptMarks: counts.marks, droppedMarks: counts.droppedMarks)
    }

    /// Whether to stop starting new work: output failed, Ctrl-C came, or
    /// forklab was asked to end. A pending Ctrl-C or termination request
    /// becomes the command's `stop` here.
    @discardableResult
    func checkStop() -> Bool {
        if stop == nil || stop == .interrupted, let signal = Interruption.termination {
            stop = .terminated(signal: signal)
        } else if stop == nil && Interruption.requested {
            stop = .interrupted
        }
        return stop != nil
    }

    /// Ends an experiment: a Ctrl-C or an output failure at any point,
    /// even while reaping, wins over `failure`.
    func finish(_ failure: LabError?) throws(LabError) {
        if checkStop(), let stop { throw stop }
        if let failure { throw failure }
    }

    /// A close-on-exec descriptor on /dev/null for children's stdin; an
    /// error names `experiment`.
    func childStdin(for experiment: String) throws(LabError) -> Int32 {
        guard childInput == .null else { return -1 }
        if nullDescriptor < 0 {
            do {
                nullDescriptor = try System.open("/dev/null", O_RDONLY)
            } catch {
                throw .system(call: "\(experiment): open /dev/null", error)
            }
        }
        return nullDescriptor
    }
}
