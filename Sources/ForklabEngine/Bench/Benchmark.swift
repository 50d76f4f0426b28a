/// A primitive `bench` measures, as lmbench's `lat_proc`, `lat_pipe` and
/// `perf bench sched pipe` do: one operation repeated N times, each timed.
public enum BenchPrimitive: String, CaseIterable, Hashable, Sendable {
    /// fork; the child calls _exit(0); waitpid.
    case fork
    /// fork; the child execs /bin/true; waitpid.
    case spawn
    /// vfork; the child execs /bin/true; waitpid.
    case vfork
    /// posix_spawn of /bin/true; waitpid.
    case posixSpawn = "posix_spawn"
    /// pthread_create of a thread that returns at once; pthread_join.
    case thread
    /// pthread_mutex_lock and unlock, alone and with a second thread.
    case mutex
    /// A message put on forklab's queue by one thread and taken by another.
    case queue
    /// One byte to another process through a pipe and back through another.
    case pipe

    /// How many operations when N is not given: enough for a stable p99,
    /// few enough that each takes well under a second here.
    public var defaultRuns: Int {
        switch self {
        case .fork: return 2_000
        case .spawn: return 500
        case .vfork, .posixSpawn: return 1_000
        case .thread: return 10_000
        case .mutex, .queue: return 1_000_000
        case .pipe: return 20_000
        }
    }

    /// What each line measures, as lmbench names it.
    var names: [String] {
        switch self {
        case .fork: return ["fork+exit+wait"]
        case .spawn: return ["fork+exec+wait"]
        case .vfork: return ["vfork+exec+wait"]
        case .posixSpawn: return ["posix_spawn+wait"]
        case .thread: return ["pthread_create+join"]
        case .mutex: return ["mutex lock+unlock", "mutex lock+unlock, 2 threads"]
        case .queue: return ["queue put+get, 2 threads"]
        case .pipe: return ["pipe round trip, 2 processes"]
        }
    }
}

/// What `bench` measured of one primitive: nanoseconds per operation.
public struct BenchResult: Hashable, Sendable {
    /// `fork+exit+wait`.
    public var name: String
    /// Operations measured (the warm-up not counted).
    public var runs: Int
    public var mean: Double
    public var min: Double
    public var p50: Double
    public var p99: Double

    public init(name: String, runs: Int, mean: Double, min: Double, p50: Double, p99: Double) {
        self.name = name
        self.runs = runs
        self.mean = mean
        self.min = min
        self.p50 = p50
        self.p99 = p99
    }

    /// The lmbench-style line, without its newline:
    /// `fork+exit+wait: 312.4 µs  (min 280.1, p50 312.4, p99 520.7; 2000 runs)`.
    /// Every figure in the unit of the mean.
    public var text: String {
        let (scale, unit) = scaleAndUnit
        func shown(_ value: Double) -> String { oneDecimal(value / scale) }
        return "\(name): \(shown(mean)) \(unit)  (min \(shown(min)), p50 \(shown(p50)), p99 \(shown(p99)); "
            + "\(runs) \(runs == 1 ? "run" : "runs"))"
    }

    /// The unit `text` uses: ns below a microsecond, µs up to 100 ms (so
    /// that a fork and an exec of 1100 µs read in one unit), ms beyond.
    public var unit: String { scaleAndUnit.unit }

    private var scaleAndUnit: (scale: Double, unit: String) {
        mean < 1e3 ? (1, "ns") : mean < 1e8 ? (1e3, "µs") : (1e6, "ms")
    }
}

/// Told how a measurement goes, from the main thread, so that a terminal
/// can show a progress bar; forklab itself prints nothing while it measures.
public protocol BenchProgress: AnyObject {
    /// `done` of `total` operations of `name` are measured (warm-up
    /// included). Called when a measurement starts, every 50 ms or so, and
    /// once all are done.
    func update(_ name: String, done: Int, of total: Int)
    /// The measurement ended; its line comes next.
    func end()
}
