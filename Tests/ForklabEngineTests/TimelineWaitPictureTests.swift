// The waits of `deadlock` and `produce … broken` in the views, on hand-made
// records: a thread waiting for a mutex or on a condition is a stretch of
// its own (`░░░`, `:::` in ASCII) up to when it got the mutex or woke, or
// to its cut-off when it never did; forklab's catch is a mark (`!`) on its
// lane, an empty wake-up a mark (`?`) on the consumer's.
import Testing
@testable import ForklabEngine

extension TimelinePictures {
    /// `deadlock 2`: forklab 8000 spawns program 8001; thread 0 takes m0
    /// and thread 1 m1, each then waits for the other's, for good; forklab
    /// catches the cycle at 300 µs, kills the program and reaps it.
    static let deadlockRing = record(
        .deadlock(DeadlockPlan(threads: 2, ordered: false, timeout: 100_000_000)),
        parent: 8000, duration: 400, [
            at(20, 8000, .unprinted(.spawned(child: 8001))),
            at(60, 8001, .exec),
            at(100, 8001, tid: 8002, .threadStarted(.counting, number: 0)),
            at(101, 8001, tid: 8002, .lockWait(thread: 0, mutex: 0)),
            at(102, 8001, tid: 8002, .lockHeld(thread: 0, mutex: 0)),
            at(104, 8001, tid: 8003, .threadStarted(.counting, number: 1)),
            at(105, 8001, tid: 8003, .lockWait(thread: 1, mutex: 1)),
            at(106, 8001, tid: 8003, .lockHeld(thread: 1, mutex: 1)),
            at(130, 8001, tid: 8003, .lockWait(thread: 1, mutex: 0)),
            at(131, 8001, tid: 8002, .lockWait(thread: 0, mutex: 1)),
            at(300, 8000, .caught(.deadlockCycle, threads: 2)),
            at(340, 8000, .unprinted(.reaped(child: 8001, status: .killed(9)))),
            at(370, 8000, .trace(.summary(.deadlock(DeadlockOutcome(
                threads: 2, ordered: false, finished: 0, cycle: 2, detectedAfter: µs(300), program: 8001))))),
        ])

    /// A queue stuck on one condition variable (`produce … broken onecv`, as
    /// the record shows it): consumer 0 waits on the empty queue until
    /// producer 0 puts, takes the message, waits again; the producer fills
    /// the queue and waits; the consumer wakes to an empty queue (the
    /// producer's signal woke the other waiter), waits again, and nobody is
    /// left to signal. forklab catches the stuck queue and kills the program.
    static let stuckQueue = record(
        .produce(ProducePlan(producers: 1, consumers: 1, messages: 4, capacity: 1, exitAfter: 1_000_000_000)),
        parent: 9000, duration: 400, [
            at(20, 9000, .unprinted(.spawned(child: 9001))),
            at(60, 9001, .exec),
            at(100, 9001, tid: 9002, .threadStarted(.consumer, number: 0)),
            at(105, 9001, tid: 9002, .conditionWait(number: 0, role: .consumer, condition: .one, full: false)),
            at(110, 9001, tid: 9003, .threadStarted(.producer, number: 0)),
            at(150, 9001, tid: 9003, .put(producer: 0, count: 0)),
            at(160, 9001, tid: 9002, .conditionWoke(number: 0, role: .consumer, condition: .one, queued: 1)),
            at(165, 9001, tid: 9002, .got(consumer: 0, producer: 0, count: 0)),
            at(170, 9001, tid: 9002, .conditionWait(number: 0, role: .consumer, condition: .one, full: false)),
            at(180, 9001, tid: 9003, .put(producer: 0, count: 1)),
            at(190, 9001, tid: 9003, .conditionWait(number: 0, role: .producer, condition: .one, full: true)),
            at(200, 9001, tid: 9002, .conditionWoke(number: 0, role: .consumer, condition: .one, queued: 0)),
            at(201, 9001, tid: 9002, .emptyWakeup(consumer: 0)),
            at(210, 9001, tid: 9002, .conditionWait(number: 0, role: .consumer, condition: .one, full: false)),
            at(330, 9000, .caught(.stuckQueue, threads: 2)),
            at(360, 9000, .unprinted(.reaped(child: 9001, status: .killed(9)))),
        ])

    @Suite struct Waits {
        @Test("deadlock 2: each thread's lane waits ░ from its wait for the other's mutex to its cut-off, forklab's shows the catch !, in Unicode")
        func deadlockRingAt80Unicode() {
            #expect(Timeline(record: deadlockRing, width: 80, unicode: true).render() == """
            timeline of deadlock 2 timeout 0.1 (400 µs)

            forklab 8000 ──F─────────────────────────────────────────!─────R───#
            program 8001   F─────E─────────────────────────────────────────R         SIGKILL
            thread 0                   ├────░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░✗         0 lines
            thread 1                    ├───░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░✗         0 lines
                         └─────────────┴──────────────┴──────────────┴─────────────┴
                         0             100 µs         200 µs         300 µs        400 µs

            ─── alive   ░░░ waits for a mutex (pthread_mutex_lock)   F fork: a child begins
            ├ a thread starts   ✗ cut off: its program ended while the thread ran
            E exec: the child becomes the program (forklab --as-program)
            ! forklab catches the deadlock: each thread waits for the next
            R reaped by the parent (waitpid)   # the summary line

            """)
        }

        @Test("deadlock 2: each thread's lane waits : to its cut-off, forklab's shows the catch !, in ASCII")
        func deadlockRingAt80ASCII() {
            #expect(Timeline(record: deadlockRing, width: 80, unicode: false).render() == """
            timeline of deadlock 2 timeout 0.1 (400 us)

            forklab 8000 --F-----------------------------------------!-----R---#
            program 8001   F-----E-----------------------------------------R         SIGKILL
            thread 0                   [----:::::::::::::::::::::::::::::::/         0 lines
            thread 1                    [---:::::::::::::::::::::::::::::::/         0 lines
                         +-------------+--------------+--------------+-------------+
                         0             100 us         200 us         300 us        400 us

            --- alive   ::: waits for a mutex (pthread_mutex_lock)   F fork: a child begins
            [ a thread starts   / cut off: its program ended while the thread ran
            E exec: the child becomes the program (forklab --as-program)
            ! forklab catches the deadlock: each thread waits for the next
            R reaped by the parent (waitpid)   # the summary line

            """)
        }

        @Test("a stuck queue: condition waits ░ that end where the thread woke, an empty wake-up ?, waits that never end run to the cut-off, the catch !, in Unicode")
        func stuckQueueAt80Unicode() {
            #expect(Timeline(record: stuckQueue, width: 80, unicode: true).render() == """
            timeline of produce 1 consume 1 capacity 1 exit after 1 (400 µs)

            forklab 9000 ──F─────────────────────────────────────────────!────R─────
            program 9001   F─────E────────────────────────────────────────────R      SIGKILL
            consumer 0                 ├░░░░░░░░─0░░░░?░░░░░░░░░░░░░░░░░░░░░░░✗      got 1
            producer 0                   ├─────0───0─░░░░░░░░░░░░░░░░░░░░░░░░░✗      put 2
                         └─────────────┴──────────────┴──────────────┴─────────────┴
                         0             100 µs         200 µs         300 µs        400 µs

            ─── alive   ░░░ waits on a condition (pthread_cond_wait)
            F fork: a child begins   ├ a thread starts
            ✗ cut off: its program ended while the thread ran
            E exec: the child becomes the program (forklab --as-program)
            0-9 put (producer) or got (consumer) a message of producer 0-9
            ? woke to an empty queue (if, not while)
            ! forklab catches the stuck queue: every thread waits
            R reaped by the parent (waitpid)

            """)
        }

        @Test("a stuck queue in ASCII: condition waits are :, the empty wake-up ?, the catch !")
        func stuckQueueAt80ASCII() {
            #expect(Timeline(record: stuckQueue, width: 80, unicode: false).render() == """
            timeline of produce 1 consume 1 capacity 1 exit after 1 (400 us)

            forklab 9000 --F---------------------------------------------!----R-----
            program 9001   F-----E--------------------------------------------R      SIGKILL
            consumer 0                 [::::::::-0::::?:::::::::::::::::::::::/      got 1
            producer 0                   [-----0---0-:::::::::::::::::::::::::/      put 2
                         +-------------+--------------+--------------+-------------+
                         0             100 us         200 us         300 us        400 us

            --- alive   ::: waits on a condition (pthread_cond_wait)
            F fork: a child begins   [ a thread starts
            / cut off: its program ended while the thread ran
            E exec: the child becomes the program (forklab --as-program)
            0-9 put (producer) or got (consumer) a message of producer 0-9
            ? woke to an empty queue (if, not while)
            ! forklab catches the stuck queue: every thread waits
            R reaped by the parent (waitpid)

            """)
        }
    }
}
