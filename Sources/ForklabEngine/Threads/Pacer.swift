import Glibc
import CForklabSystem
import Synchronization

/// The sleeps of `sleep S` (the book's `time.sleep`), which a stop ends at
/// once: a thread sleeps in a timed wait on a condition variable that
/// `stop` broadcasts, so a Ctrl-C or SIGTERM need not wait out a sleep of
/// up to a minute.
final class Pacer: @unchecked Sendable {
    // @unchecked: the condition lives in memory of its own and is used only
    // through pthread calls, as PthreadCondition's is.
    private let mutex = PthreadMutex()
    private let condition: UnsafeMutablePointer<pthread_cond_t>
    private let stopped = Atomic<Bool>(false)
    private let start = Atomic<UInt64>(0)
    /// The pace: `sleep S` in nanoseconds, 0 for none.
    let interval: UInt64

    init(interval: UInt64) {
        self.interval = interval
        condition = allocateOnOwnCacheLines(pthread_cond_t.self)
        condition.initialize(to: pthread_cond_t())
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        // Deadlines on CLOCK_MONOTONIC, as fl_monotonic_ns: a change of the
        // wall clock neither shortens nor stretches a sleep.
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        condition.deallocate()
    }

    /// When the threads set off (the gate opened): the sleeps of `threads`
    /// and of the producers keep time from it, so that printing does not
    /// make the rounds drift apart.
    var epoch: UInt64 { start.load(ordering: .relaxed) }

    /// Sets `epoch`; call before opening the gate the threads wait at,
    /// which publishes it to them.
    func setOff(at time: UInt64) { start.store(time, ordering: .relaxed) }

    /// `epoch` + `step` × `times`, or the end of time when that does not
    /// fit (60 s × producer 999 × message 10000000 does not).
    func due(every step: UInt64, times: Int) -> UInt64 {
        let (offset, overflow) = step.multipliedReportingOverflow(by: UInt64(times))
        let (deadline, past) = epoch.addingReportingOverflow(offset)
        return overflow || past ? .max : deadline
    }

    /// Sleeps until CLOCK_MONOTONIC reads `deadline` (nanoseconds, as
    /// `fl_monotonic_ns`). False when `stop` ended the sleep, or had
    /// before it began: the thread must stop.
    func sleep(until deadline: UInt64) -> Bool {
        sleep(from: fl_monotonic_ns(), until: deadline).finished
    }

    /// Sleeps until CLOCK_MONOTONIC reads `deadline`, from `now`, a reading
    /// of it taken just before.
    /// - Returns: when the sleep ended, a reading of the clock no earlier
    ///   than `now`, and no earlier than `deadline` when `finished`;
    ///   `finished` false when `stop` ended the sleep, or had before it
    ///   began: the thread must stop.
    func sleep(from now: UInt64, until deadline: UInt64) -> (ended: UInt64, finished: Bool) {
        var time = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
        var now = now
        mutex.lock()
        defer { mutex.unlock() }
        while !stopped.load(ordering: .relaxed) {
            if now >= deadline { return (now, true) }
            // ETIMEDOUT, a spurious wake or the broadcast of `stop`: the loop tells which.
            _ = pthread_cond_timedwait(condition, mutex.raw, &time)
            now = fl_monotonic_ns()
        }
        return (fl_monotonic_ns(), false)
    }

    /// Ends every sleep, now and to come.
    func stop() {
        mutex.withLock { stopped.store(true, ordering: .relaxed) }
        pthread_cond_broadcast(condition)
    }
}
