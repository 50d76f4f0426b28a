// The sleeps of `sleep S` on their own: a stop ends them, a deadline past
// ends them at once, and a deadline too far to count saturates.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CForklabSystem
import Synchronization
import Testing
@testable import ForklabEngine

@Suite("Pacer")
struct PacerTests {
    @Test("a deadline already past returns at once, true: the thread goes on")
    func pastDeadline() {
        let pacer = Pacer(interval: 1_000_000_000)
        pacer.setOff(at: fl_monotonic_ns())
        #expect(pacer.sleep(until: 0))
        #expect(pacer.sleep(until: pacer.epoch))
    }

    @Test("stop wakes a thread asleep until the end of time, and its sleep says stop")
    func stopEndsASleep() throws {
        let pacer = Pacer(interval: 60_000_000_000)
        let crew = Crew()
        let result = Atomic<Int>(0)  // 0 asleep, 1 woke to go on, 2 woke to stop
        let sleeper = Atomic<Bool>(false)
        var group = ThreadGroup(crew: crew)
        try group.start(ClosureThread(crew: crew) {
            sleeper.store(true, ordering: .releasing)
            result.store(pacer.sleep(until: .max) ? 1 : 2, ordering: .releasing)
        })
        #expect(eventually("the thread started") { sleeper.load(ordering: .acquiring) })
        pacer.stop()
        // A sleep the stop does not end is left behind, rather than hang the run.
        guard eventually("the sleep ended", { result.load(ordering: .acquiring) != 0 }) else { return }
        #expect(result.load(ordering: .acquiring) == 2)
        #expect(!pacer.sleep(until: .max))  // and every sleep after the stop ends at once
        while crew.runningCount > 0 { usleep(1_000) }
        group.joinAll()
    }

    @Test("due is epoch + step × times, and the end of time when that overflows")
    func dueSaturates() {
        let pacer = Pacer(interval: 1)
        pacer.setOff(at: 1_000)
        #expect(pacer.due(every: 200_000_000, times: 3) == 600_001_000)
        #expect(pacer.due(every: 60_000_000_000 * 999, times: 10_000_000) == .max)
        pacer.setOff(at: .max - 5)
        #expect(pacer.due(every: 10, times: 1) == .max)
    }
}
