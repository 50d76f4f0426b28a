import Glibc
import Synchronization

extension Lab {
    /// `race N count C`: N threads each add one to a shared counter C times,
    /// first without the mutex, then with it; prints what each run got.
    func runRace(threads: Int, count: Int) throws(LabError) {
        var runs: [RaceRun] = []
        for locked in [false, true] {
            let (run, failure) = raceOnce(threads: threads, count: count, locked: locked)
            if let run {
                runs.append(run)
                emit(.raced(locked: locked, expected: run.expected, got: run.got))
            }
            if failure != nil || checkStop() {
                emit(.summary(.race(threads: threads, count: count, runs: runs)))
                try finish(failure)
                return
            }
        }
        emit(.summary(.race(threads: threads, count: count, runs: runs)))
        try finish(nil)
    }

    /// One run: starts the threads held at a gate, opens it so that they
    /// all run at once, and waits for them.
    private func raceOnce(threads: Int, count: Int, locked: Bool) -> (RaceRun?, LabError?) {
        let crew = Crew()
        let shared = RaceCounter(gate: Gate())
        let recording = ThreadRecording(log: log, started: started)
        let console = threadConsole(fd: sink.threadLine(for: .started(.racer)).fd, locked: true, crew: crew)
        var group = ThreadGroup(crew: crew)
        var workers: [RaceThread] = []
        var failure: LabError?
        for _ in 0..<threads where !checkStop() {
            let worker = RaceThread(crew: crew, shared: shared, count: count, locked: locked,
                                    life: threadLife(locked ? .lockedRacer : .racer, workers.count, recording, console))
            do throws(Errno) {
                try group.start(worker)
                workers.append(worker)
            } catch {
                failure = .threadFailed(experiment: "race", made: workers.count, wanted: threads, error)
                crew.requestStop()
                break
            }
        }
        shared.expectArrivals(workers.count)
        let opened = System.now()
        shared.gate.open()
        awaitThreads(&group) { shared.gate.open() }
        // To the last thread's end: not its join, nor the report of its end.
        let elapsed = max(crew.lastEnded, opened) &- opened
        console.finish()
        adoptOutputFailure(of: console)
        guard failure == nil else { return (nil, failure) }
        let expected = workers.reduce(0) { $0 + $1.added }
        return (RaceRun(locked: locked, expected: expected, got: shared.value, elapsed: elapsed), nil)
    }
}

/// The counter the threads race on, and the mutex that makes them take turns.
final class RaceCounter: Sendable {
    let gate: Gate
    private let counter = Atomic<Int>(0)
    private let mutex = PthreadMutex()
    /// Threads past the gate, and how many are coming.
    private let arrived = Atomic<Int>(0)
    private let arriving = Atomic<Int>(.max)

    init(gate: Gate) { self.gate = gate }

    /// Tells the threads how many of them there are, before the gate opens.
    func expectArrivals(_ count: Int) { arriving.store(count, ordering: .releasing) }

    /// Waits, yielding the CPU, until every thread is past the gate (or a
    /// stop came). The gate's broadcast wakes threads one after another,
    /// tens of microseconds apart, and 100000 increments take about that
    /// long: without this, each thread would often run alone and lose
    /// nothing. With it, the threads start adding together.
    func arriveAndWaitForAll(_ crew: Crew) {
        arrived.add(1, ordering: .acquiringAndReleasing)
        while arrived.load(ordering: .acquiring) < arriving.load(ordering: .acquiring) && !crew.stopRequested {
            sched_yield()
        }
    }

    var value: Int { counter.load(ordering: .relaxed) }

    /// Adds one as `counter += 1` does without a lock: a load, then a store.
    /// Each is atomic, so the program is well defined, and the optimizer
    /// cannot merge them across iterations; but another thread's store can
    /// land between the two, and then one update is lost.
    @inline(__always)
    func addUnlocked() {
        let value = counter.load(ordering: .relaxed)
        counter.store(value &+ 1, ordering: .relaxed)
    }

    /// The same load and store with the mutex held: no store can come
    /// between them.
    @inline(__always)
    func addLocked() {
        mutex.lock()
        addUnlocked()
        mutex.unlock()
    }
}

/// One thread of `race`.
final class RaceThread: ThreadWorker, @unchecked Sendable {
    // @unchecked: `added` is written by the worker thread alone while it
    // runs, and read by the main thread after pthread_join.
    let crew: Crew
    private let shared: RaceCounter
    private let count: Int
    private let locked: Bool
    let life: ThreadLife?
    private(set) var added = 0

    init(crew: Crew, shared: RaceCounter, count: Int, locked: Bool, life: ThreadLife) {
        self.crew = crew
        self.shared = shared
        self.count = count
        self.locked = locked
        self.life = life
    }

    func run() {
        shared.gate.wait()
        shared.arriveAndWaitForAll(crew)
        var added = 0
        defer { self.added = added }
        for _ in 0..<count {
            if crew.stopRequested { return }
            if locked { shared.addLocked() } else { shared.addUnlocked() }
            added += 1
        }
    }
}

/// One run of `race`: what the counter should read and what it read.
public struct RaceRun: Hashable, Sendable {
    public var locked: Bool
    /// Increments the threads made (threads × count unless interrupted).
    public var expected: Int
    public var got: Int
    /// From opening the gate to the last thread's end.
    public var elapsed: UInt64

    public init(locked: Bool, expected: Int, got: Int, elapsed: UInt64) {
        self.locked = locked
        self.expected = expected
        self.got = got
        self.elapsed = elapsed
    }

    public var lost: Int { expected - got }
}
