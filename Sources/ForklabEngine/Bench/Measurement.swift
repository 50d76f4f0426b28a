import Histogram

/// The times of one primitive's operations as they are measured: the
/// warm-up first, not kept, then every operation in an HdrHistogram, from
/// which come the percentiles.
struct Measurement {
    let name: String
    /// Operations to run before any is kept: caches, page tables and the
    /// scheduler settle in them.
    let warmUp: Int
    let runs: Int
    private var histogram: Histogram<UInt32>
    /// Nanoseconds of the kept operations, for an exact mean.
    private var sum: Double = 0
    /// Operations done so far, warm-up included.
    private(set) var done = 0
    private let progress: (any BenchProgress)?
    private var lastReport: UInt64

    /// Values are kept in picoseconds, so that a batch of 100 mutex
    /// operations of 18.3 ns each keeps its decimal; 3 significant digits
    /// (0.1%) from 1 ps up to 100 s, in about 150 KiB.
    private static let scale: UInt64 = 1_000
    private static let highest: UInt64 = 100 * 1_000_000_000 * scale

    var total: Int { warmUp + runs }

    /// Operations a mutex or queue measurement times together: a clock read
    /// costs as much as one of them, or more.
    static let batch = 100

    /// Times the next batch: `operation` does `count` operations (`batch`,
    /// fewer at the end) and returns the nanoseconds they took together.
    mutating func recordBatch(_ operation: (_ count: Int) -> UInt64) {
        let count = min(Self.batch, total - done)
        record(operation(count), operations: count)
    }

    init(_ name: String, runs: Int, progress: (any BenchProgress)?) {
        self.name = name
        self.runs = runs
        // A tenth more, at least one: lmbench too throws its first runs away.
        warmUp = max(1, runs / 10)
        histogram = Histogram(highestTrackableValue: Self.highest, numberOfSignificantValueDigits: .three)
        self.progress = progress
        lastReport = System.now()
        progress?.update(name, done: 0, of: warmUp + runs)
    }

    /// Counts `operations` that took `nanoseconds` together (one value for
    /// the histogram: their mean), and tells the progress bar now and then.
    mutating func record(_ nanoseconds: UInt64, operations: Int = 1) {
        let kept = min(operations, max(0, done + operations - warmUp))
        done += operations
        if kept > 0 {
            let perOperation = nanoseconds.multipliedReportingOverflow(by: Self.scale).partialValue / UInt64(operations)
            _ = histogram.record(min(perOperation, Self.highest), count: UInt32(kept))
            sum += Double(nanoseconds) * Double(kept) / Double(operations)
        }
        guard let progress else { return }
        let now = System.now()
        if now &- lastReport >= 50_000_000 || done >= total {
            lastReport = now
            progress.update(name, done: done, of: total)
        }
    }

    /// Adds what another thread measured, with no warm-up of its own left.
    mutating func merge(_ other: Measurement) {
        histogram.add(other.histogram)
        sum += other.sum
    }

    /// Operations kept.
    var kept: Int { Int(histogram.totalCount) }

    var result: BenchResult {
        let ns = { (value: UInt64) in Double(value) / Double(Self.scale) }
        return BenchResult(
            name: name, runs: kept, mean: kept > 0 ? sum / Double(kept) : 0, min: ns(histogram.min),
            p50: ns(histogram.valueAtPercentile(50)), p99: ns(histogram.valueAtPercentile(99)))
    }
}
