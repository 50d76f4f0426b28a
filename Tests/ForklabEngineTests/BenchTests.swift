// `bench` run through the Lab with a recording sink: what each primitive
// reports, that it leaves nothing behind, and how its lines read.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Testing
@testable import ForklabEngine

/// Remembers what a measurement told its progress bar.
final class ProgressLog: BenchProgress {
    var updates: [(name: String, done: Int, total: Int)] = []
    var ends = 0

    func update(_ name: String, done: Int, of total: Int) { updates.append((name, done, total)) }
    func end() { ends += 1 }
}

@Suite("bench: measurements", .serialized)
struct BenchTests {
    /// Whether this process has any child, running or a zombie.
    func hasChildren() -> Bool {
        waitpid(-1, nil, WNOHANG) != -1 || errno != ECHILD
    }

    @Test(arguments: BenchPrimitive.allCases)
    func everyPrimitiveReportsItsLinesWithNRunsAndOrderedFigures(primitive: BenchPrimitive) throws {
        prepareLab()
        let recorder = Recorder()
        let lab = Lab(sink: recorder, childInput: .inherit, programDirectory: nil)
        try lab.bench(primitive, runs: 30)
        #expect(recorder.benchResults.map(\.name) == primitive.names)
        for result in recorder.benchResults {
            #expect(result.runs == 30, "\(result.name)")
            #expect(result.min > 0 && result.min <= result.p50 && result.p50 <= result.p99, "\(result)")
            #expect(result.mean >= result.min, "\(result)")
        }
        #expect(!hasChildren(), "a child of bench \(primitive) was left")
    }

    @Test func theNamesAreLmbenchsAndEveryPrimitiveHasOne() {
        #expect(BenchPrimitive.allCases.map(\.rawValue)
            == ["fork", "spawn", "vfork", "posix_spawn", "thread", "mutex", "queue", "pipe"])
        #expect(BenchPrimitive.fork.names == ["fork+exit+wait"])
        #expect(BenchPrimitive.spawn.names == ["fork+exec+wait"])
        #expect(BenchPrimitive.mutex.names == ["mutex lock+unlock", "mutex lock+unlock, 2 threads"])
    }

    @Test func oneRunIsMeasuredAfterItsWarmUp() throws {
        prepareLab()
        let recorder = Recorder()
        let progress = ProgressLog()
        let lab = Lab(sink: recorder, childInput: .inherit, programDirectory: nil)
        try lab.bench(.fork, runs: 1, progress: progress)
        #expect(recorder.benchResults.map(\.runs) == [1])
        // One warm-up fork, then the one measured.
        #expect(progress.updates.first?.done == 0)
        #expect(progress.updates.last?.done == 2 && progress.updates.last?.total == 2)
    }

    @Test func progressStartsAtZeroEndsAtTheTotalAndEndsOnceBeforeTheLine() throws {
        prepareLab()
        let recorder = Recorder()
        let progress = ProgressLog()
        let lab = Lab(sink: recorder, childInput: .inherit, programDirectory: nil)
        try lab.bench(.thread, runs: 200, progress: progress)
        #expect(progress.updates.first.map { ($0.name, $0.done, $0.total) } ?? ("", -1, -1)
            == ("pthread_create+join", 0, 220))
        #expect(progress.updates.last.map { ($0.done, $0.total) } ?? (-1, -1) == (220, 220))
        let dones = progress.updates.map(\.done)
        #expect(dones == dones.sorted())
        #expect(progress.ends == 1)
    }

    @Test func mutexCountsBothThreadsRunsAsN() throws {
        prepareLab()
        let recorder = Recorder()
        let lab = Lab(sink: recorder, childInput: .inherit, programDirectory: nil)
        try lab.bench(.mutex, runs: 1001)
        #expect(recorder.benchResults.map(\.runs) == [1001, 1001])
    }
}

@Suite("bench: its lines")
struct BenchLineTests {
    @Test func theLineGivesMeanMinP50P99AndRunsInOneUnit() {
        let result = BenchResult(name: "fork+exit+wait", runs: 2000, mean: 312_400, min: 280_140, p50: 312_360,
                                 p99: 520_700)
        #expect(result.text == "fork+exit+wait: 312.4 µs  (min 280.1, p50 312.4, p99 520.7; 2000 runs)")
    }

    @Test func belowAMicrosecondItIsNanosecondsAndUpTo100MillisecondsMicroseconds() {
        let mutex = BenchResult(name: "mutex lock+unlock", runs: 100, mean: 18.34, min: 17.9, p50: 18.1, p99: 25)
        #expect(mutex.text == "mutex lock+unlock: 18.3 ns  (min 17.9, p50 18.1, p99 25.0; 100 runs)")
        let exec = BenchResult(name: "fork+exec+wait", runs: 5, mean: 1_063_240, min: 812_000, p50: 905_000,
                               p99: 3_600_000)
        #expect(exec.text == "fork+exec+wait: 1063.2 µs  (min 812.0, p50 905.0, p99 3600.0; 5 runs)")
        let slow = BenchResult(name: "x", runs: 1, mean: 250_000_000, min: 250_000_000, p50: 250_000_000,
                               p99: 250_000_000)
        #expect(slow.text == "x: 250.0 ms  (min 250.0, p50 250.0, p99 250.0; 1 run)")
    }
}
