import Glibc
import CForklabSystem
import Synchronization

extension Lab {
    /// `bench PRIMITIVE [N]`: times N operations of `primitive` after a
    /// warm-up, and hands the sink one `BenchResult` per line it measures.
    /// A Ctrl-C stops it with nothing printed; every child and thread it
    /// started has been reaped or joined when this returns.
    public func bench(_ primitive: BenchPrimitive, runs: Int? = nil, progress: (any BenchProgress)? = nil) throws(LabError) {
        beginCommand()
        let started = System.now()
        let runs = runs ?? primitive.defaultRuns
        let results: [BenchResult]
        do {
            defer {
                progress?.end()  // the bar is wiped before the lines, and after a stop
                _ = family.endLeftovers()  // none is expected: /bin/true starts nothing
            }
            results = try measure(primitive, runs: runs, progress: progress)
        }
        for result in results {
            do {
                try sink.emit(bench: result, time: System.now() &- started, pid: pid)
            } catch {
                throw LabError(error)
            }
        }
    }

    private func measure(
        _ primitive: BenchPrimitive, runs: Int, progress: (any BenchProgress)?
    ) throws(LabError) -> [BenchResult] {
        let names = primitive.names
        switch primitive {
        case .fork:
            return [try measure(names[0], runs, progress) { () throws(LabError) in try forkOnce() }]
        case .spawn, .vfork, .posixSpawn:
            let how = primitive == .spawn ? FL_BENCH_FORK_EXEC : primitive == .vfork ? FL_BENCH_VFORK : FL_BENCH_POSIX_SPAWN
            let program = try BenchProgram(path: "/bin/true", how: how, primitive: primitive)
            return [try measure(names[0], runs, progress) { () throws(LabError) in try program.runOnce() }]
        case .thread:
            let stack = try BenchStack()
            return [try measure(names[0], runs, progress) { () throws(LabError) in
                let took = fl_bench_thread(stack.base, stack.size)
                guard took >= 0 else { throw .system(call: "bench thread: pthread_create", Errno(rawValue: Int32(-took))) }
                return UInt64(took)
            }]
        case .mutex:
            return [try uncontendedMutex(names[0], runs, progress), try contendedMutex(names[1], runs, progress)]
        case .queue:
            return [try queueHandOff(names[0], runs, progress)]
        case .pipe:
            return [try pipeRoundTrips(names[0], runs, progress)]
        }
    }

    /// Runs `operation` for the warm-up and the N runs, each timed on its
    /// own, until done or a stop.
    private func measure(
        _ name: String, _ runs: Int, _ progress: (any BenchProgress)?,
        _ operation: () throws(LabError) -> UInt64
    ) throws(LabError) -> BenchResult {
        var measurement = Measurement(name, runs: runs, progress: progress)
        while measurement.done < measurement.total {
            try stopIfAsked()
            do {
                measurement.record(try operation())
            } catch {
                // A Ctrl-C at the terminal also kills the program being
                // timed (SIGINT, status 2): that is the stop, not a failure.
                // The handler has run by the time its status is seen: the
                // kernel signals the whole group before the child can end.
                try stopIfAsked()
                throw error
            }
        }
        return measurement.result
    }

    /// Throws the stop a Ctrl-C or SIGTERM asked for.
    private func stopIfAsked() throws(LabError) {
        if checkStop(), let stop { throw stop }
    }

    private func forkOnce() throws(LabError) -> UInt64 {
        var status: Int32 = 0
        let took = fl_bench_fork(&status)
        guard took >= 0 else { throw .system(call: "bench fork: fork", Errno(rawValue: Int32(-took))) }
        return UInt64(took)
    }

    private func uncontendedMutex(_ name: String, _ runs: Int, _ progress: (any BenchProgress)?) throws(LabError) -> BenchResult {
        let mutex = PthreadMutex()
        var shared: UInt64 = 0
        var measurement = Measurement(name, runs: runs, progress: progress)
        while measurement.done < measurement.total {
            try stopIfAsked()
            measurement.recordBatch { count in fl_bench_mutex(mutex.raw, &shared, Int32(count)) }
        }
        return measurement.result
    }

    /// Two threads, this one and another, each lock and unlock the same
    /// mutex half of the N times.
    private func contendedMutex(_ name: String, _ runs: Int, _ progress: (any BenchProgress)?) throws(LabError) -> BenchResult {
        let crew = Crew()
        let contest = MutexContest(crew: crew, runs: (runs + 1) / 2, name: name)
        var group = ThreadGroup(crew: crew)
        do throws(Errno) {
            try group.start(contest)
        } catch {
            throw .system(call: "bench mutex: pthread_create", error)
        }
        var measurement = Measurement(name, runs: runs / 2, progress: progress)
        contest.startTogether(unless: { checkStop() })
        while measurement.done < measurement.total && !checkStop() {
            measurement.recordBatch { count in fl_bench_mutex(contest.mutex.raw, contest.shared, Int32(count)) }
        }
        awaitThreads(&group) {}
        group.joinAll()
        try stopIfAsked()
        measurement.merge(contest.measurement)
        return measurement.result
    }

    /// One thread puts N messages on a `WorkQueue`, this one takes them.
    private func queueHandOff(_ name: String, _ runs: Int, _ progress: (any BenchProgress)?) throws(LabError) -> BenchResult {
        let crew = Crew()
        var measurement = Measurement(name, runs: runs, progress: progress)
        let producer = QueueFeeder(crew: crew, messages: measurement.total)
        var group = ThreadGroup(crew: crew)
        do throws(Errno) {
            try group.start(producer)
        } catch {
            throw .system(call: "bench queue: pthread_create", error)
        }
        var ended = false
        while measurement.done < measurement.total && !ended && !checkStop() {
            measurement.recordBatch { count in
                let start = System.now()
                for _ in 0..<count where producer.queue.take() == nil {
                    ended = true
                    break
                }
                return System.now() &- start
            }
        }
        producer.queue.cancel()
        awaitThreads(&group) { producer.queue.cancel() }
        group.joinAll()
        try stopIfAsked()
        if producer.outOfMemory { throw .queueOutOfMemory(experiment: "bench queue", queued: measurement.done) }
        return measurement.result
    }

    private func pipeRoundTrips(_ name: String, _ runs: Int, _ progress: (any BenchProgress)?) throws(LabError) -> BenchResult {
        var partner = fl_pipe_partner()
        var failedCall: UnsafePointer<CChar>?
        let started = fl_bench_pipe_start(&partner, &failedCall)
        guard started == 0 else {
            throw .system(call: "bench pipe: " + String(cString: failedCall!), Errno(rawValue: -started))
        }
        var failure: LabError?
        var measurement = Measurement(name, runs: runs, progress: progress)
        while measurement.done < measurement.total && !checkStop() {
            let took = fl_bench_pipe_round_trip(&partner)
            guard took >= 0 else {
                // A partner gone at a Ctrl-C is the stop, not a failure.
                if !checkStop() { failure = .system(call: "bench pipe: read or write", Errno(rawValue: Int32(-took))) }
                break
            }
            measurement.record(UInt64(took))
        }
        var status: Int32 = 0
        _ = fl_bench_pipe_stop(&partner, &status)
        try stopIfAsked()
        if let failure { throw failure }
        return measurement.result
    }
}

/// The program that `bench spawn`, `vfork` and `posix_spawn` start, with
/// its arguments and environment as C strings for the call.
private struct BenchProgram: ~Copyable {
    let primitive: BenchPrimitive
    private var plan: fl_bench_spawn_plan
    private let argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>

    init(path: String, how: fl_bench_spawn_how, primitive: BenchPrimitive) throws(LabError) {
        guard access(path, X_OK) == 0 else {
            throw .benchFailed(primitive: primitive.rawValue, reason: "cannot run \(path): \(Errno.current)")
        }
        self.primitive = primitive
        argv = .allocate(capacity: 2)
        argv[0] = strdup(path)
        argv[1] = nil
        plan = fl_bench_spawn_plan(how: Int32(how.rawValue), path: argv[0], argv: argv, envp: environ)
    }

    deinit {
        free(argv[0])
        argv.deallocate()
    }

    func runOnce() throws(LabError) -> UInt64 {
        var status: Int32 = 0
        let took = withUnsafePointer(to: plan) { fl_bench_spawn($0, &status) }
        guard took >= 0 else {
            throw .system(call: "bench \(primitive.rawValue): \(primitive == .posixSpawn ? "posix_spawn" : "fork")",
                          Errno(rawValue: Int32(-took)))
        }
        guard status == 0 else {
            let program = String(cString: argv[0]!)
            throw .benchFailed(primitive: primitive.rawValue, reason: "\(program) ended with status \(status), not exit 0")
        }
        return UInt64(took)
    }
}

/// The stack every `bench thread` thread runs on in turn: each is joined
/// before the next starts. Ours, so that glibc keeps no cache of stacks
/// mapped afterwards, which would make every later fork dearer.
private struct BenchStack: ~Copyable {
    let base: UnsafeMutableRawPointer
    let size = 256 << 10

    init() throws(LabError) {
        let mapped = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0)
        guard let mapped, mapped != MAP_FAILED else { throw .system(call: "bench thread: mmap", Errno.current) }
        base = mapped
    }

    deinit { munmap(base, size) }
}

/// The second thread of `bench mutex`: locks and unlocks the shared mutex
/// its half of the times, timing batches as the main thread does.
private final class MutexContest: ThreadWorker, @unchecked Sendable {
    // @unchecked: `measurement` is the worker's alone until it is joined;
    // `shared` is only touched with `mutex` held.
    let crew: Crew
    let mutex = PthreadMutex()
    let shared: UnsafeMutablePointer<UInt64>
    var measurement: Measurement

    /// The start: the worker says it is ready, then waits for the go, so
    /// that the two threads lock the mutex at the same time, not one after
    /// the other.
    private let ready = Atomic<Bool>(false)
    private let go = Atomic<Bool>(false)

    init(crew: Crew, runs: Int, name: String) {
        self.crew = crew
        shared = .allocate(capacity: 1)
        shared.initialize(to: 0)
        // Its progress is not shown: the main thread's stands for both.
        measurement = Measurement(name, runs: runs, progress: nil)
    }

    deinit { shared.deallocate() }

    /// From the main thread: waits until the worker is ready, then lets
    /// both go.
    func startTogether(unless stopping: () -> Bool) {
        while !ready.load(ordering: .acquiring) && !stopping() { sched_yield() }
        go.store(true, ordering: .releasing)
    }

    func run() {
        ready.store(true, ordering: .releasing)
        while !go.load(ordering: .acquiring) && !crew.stopRequested { sched_yield() }
        while measurement.done < measurement.total && !crew.stopRequested {
            measurement.recordBatch { count in fl_bench_mutex(mutex.raw, shared, Int32(count)) }
        }
    }
}

/// The producer of `bench queue`: puts its messages as fast as it can.
private final class QueueFeeder: ThreadWorker, @unchecked Sendable {
    // @unchecked: `outOfMemory` is written by the worker and read after join.
    let crew: Crew
    let queue = WorkQueue<Int>()
    let messages: Int
    var outOfMemory = false

    init(crew: Crew, messages: Int) {
        self.crew = crew
        self.messages = messages
    }

    func run() {
        for message in 0..<messages where !queue.put(message) {
            outOfMemory = !crew.stopRequested && queue.statistics.outOfMemory
            break
        }
    }
}
