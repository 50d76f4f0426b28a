import CForklabSystem
import Synchronization

/// What the threads of one experiment share to coordinate with the main
/// thread: whether to stop, and how many are still running.
final class Crew: Sendable {
    private let stopping = Atomic<Bool>(false)
    private let running = Atomic<Int>(0)
    private let ended = Atomic<UInt64>(0)

    /// Whether the threads must stop at their next step.
    var stopRequested: Bool { stopping.load(ordering: .relaxed) }

    /// Asks every thread to stop, and wakes the main thread.
    func requestStop() {
        stopping.store(true, ordering: .relaxed)
        fl_wake()
    }

    /// Threads not yet at their end.
    var runningCount: Int { running.load(ordering: .acquiring) }

    /// Counts a thread about to be started.
    func starting() { running.add(1, ordering: .relaxed) }

    /// A thread's last act, its work having ended at `time`: the last one
    /// wakes the main thread.
    func finished(at time: UInt64 = fl_monotonic_ns()) {
        ended.max(time, ordering: .relaxed)
        if running.subtract(1, ordering: .releasing).newValue == 0 { fl_wake() }
    }

    /// CLOCK_MONOTONIC nanoseconds when the last thread's work ended.
    var lastEnded: UInt64 { ended.load(ordering: .relaxed) }
}
