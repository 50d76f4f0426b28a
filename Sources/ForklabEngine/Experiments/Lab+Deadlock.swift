import Glibc
import CForklabSystem

// `deadlock N`: N threads and N mutexes in a ring, in a program of its own,
// because a thread blocked in pthread_mutex_lock can be ended by nothing but
// its process's end (docs/commands.md, "deadlock"). The program's threads note
// in the shared record each mutex they wait for and hold; forklab watches the
// record, and when nothing moves for T and the kernel shows every thread
// asleep, it prints the cycle and kills the program with SIGKILL.

/// What `deadlock` runs.
public struct DeadlockPlan: Hashable, Sendable {
    /// Threads, and mutexes, in the ring.
    public var threads: Int
    /// Each thread takes the lower-numbered of its two mutexes first, with
    /// no barrier: no cycle can form.
    public var ordered: Bool
    /// How long nothing may move before forklab looks for a cycle, in nanoseconds.
    public var timeout: UInt64

    public init(threads: Int, ordered: Bool, timeout: UInt64) {
        self.threads = threads
        self.ordered = ordered
        self.timeout = timeout
    }
}

/// A `deadlock` event forklab reports from the record and the kernel.
public enum DeadlockEvent: Hashable, Sendable {
    /// `[0] holds m0, waits for m1`.
    case waiting(thread: Int, holds: Int, waitsFor: Int)
    /// `deadlock: a cycle of N threads, each waiting for the next`.
    case cycle(threads: Int)
}

/// How a `deadlock` run ended.
public struct DeadlockOutcome: Hashable, Sendable {
    public var threads: Int
    public var ordered: Bool
    /// Threads that printed their line (took both mutexes).
    public var finished: Int
    /// Threads in the cycle caught; 0 when none was.
    public var cycle: Int
    /// When forklab caught the cycle, since the command began (ns); nil when none was.
    public var detectedAfter: UInt64?
    /// The program's pid.
    public var program: Int32
}

extension Lab {
    /// `deadlock N`: in forklab, starts the program and watches it; in the
    /// program, runs the ring and exits when every thread has finished.
    func runDeadlock(_ plan: DeadlockPlan) throws(LabError) {
        guard program != nil else { return try watchDeadlock(plan) }
        let crew = Crew()
        let line = sink.threadLine(for: .holdsBoth)
        let console = threadConsole(fd: line.fd, locked: true, crew: crew)
        let recording = ThreadRecording(log: log, started: started, batches: false)
        let mutexes = (0..<plan.threads).map { _ in PthreadMutex() }
        let barrier = plan.ordered ? nil : Barrier(parties: plan.threads)
        var group = ThreadGroup(crew: crew)
        for thread in 0..<plan.threads {
            let worker = RingThread(
                crew: crew, console: console, line: line, thread: thread, mutexes: mutexes, ordered: plan.ordered,
                barrier: barrier, life: threadLife(.counting, thread, recording, console))
            do {
                try group.start(worker)
            } catch {
                throw .threadFailed(experiment: "deadlock", made: thread, wanted: plan.threads, error)
            }
        }
        log?.note(.threads, plan.threads)
        // pthread_join, blocking: nothing here watches the self-pipe, and
        // a deadlocked ring ends only by forklab's SIGKILL or a Ctrl-C.
        group.joinAll()
        console.finish()
        log?.note(.exited, 1)
        _exit(0)
    }

    /// forklab's side: starts the program and watches it (`watch`) until
    /// it ends or nothing has moved for the plan's timeout with a cycle in place.
    private func watchDeadlock(_ plan: DeadlockPlan) throws(LabError) {
        let run = try runWatched(.deadlock(plan), timeout: plan.timeout, kind: .deadlock) { log, pid in
            log.lockCycle(pid: pid, threads: plan.threads).map { ($0, $0.count) }
        }
        let pid = run.pid
        let cycle = run.caught?.found
        let detectedAt = run.caught?.at ?? 0
        let stopped = checkStop()
        if let cycle, !stopped {
            for state in cycle {
                emit(.deadlock(.waiting(thread: state.thread, holds: state.holds, waitsFor: state.waitsFor)))
            }
            emit(.deadlock(.cycle(threads: cycle.count)))
        }
        let exited = log?.read(.exited) == 1
        emit(.summary(.deadlock(DeadlockOutcome(
            threads: plan.threads, ordered: plan.ordered, finished: log?.total(of: FL_EVENT_THREAD_PRINTED) ?? 0,
            cycle: stopped ? 0 : cycle?.count ?? 0, detectedAfter: stopped ? nil : cycle.map { _ in detectedAt },
            program: pid))))
        if stopped, let stop { throw stop }
        if cycle != nil || exited { return try finish(nil) }
        try finish(programFailure("deadlock", run.status))
    }
}

/// One thread of the ring, as the record and the kernel show it.
struct LockState: Hashable {
    let thread: Int
    let holds: Int
    let waitsFor: Int
}

extension EventLog {
    /// The ring's cycle, when the record shows each of `threads` threads
    /// holding its own mutex and waiting for the next one's, and the kernel
    /// shows each of them asleep (/proc/PID/task/TID/stat); nil otherwise.
    func lockCycle(pid: Int32, threads: Int) -> [LockState]? {
        var holding = [Set<Int>](repeating: [], count: threads)
        var waiting = [Int?](repeating: nil, count: threads)
        var tids = [Int32](repeating: 0, count: threads)
        var slot = fl_event()
        // Each thread's events are in its own order in the marks region.
        for index in 0..<UInt64(counts.marks) where fl_log_event(raw, FL_LOG_MARKS, index, &slot) != 0 {
            let thread = Int(slot.a), mutex = Int(slot.b)
            guard thread >= 0 && thread < threads else { continue }
            switch fl_event_kind(rawValue: UInt32(slot.kind)) {
            case FL_EVENT_LOCK_WAIT:
                waiting[thread] = mutex
                tids[thread] = slot.tid
            case FL_EVENT_LOCK_HELD:
                holding[thread].insert(mutex)
                if waiting[thread] == mutex { waiting[thread] = nil }
            default: continue
            }
        }
        var cycle: [LockState] = []
        for thread in 0..<threads {
            let next = (thread + 1) % threads
            guard holding[thread] == [thread], waiting[thread] == next else { return nil }
            var stat = fl_process_stat()
            guard fl_thread_stat(pid, tids[thread], &stat) == 0, stat.state == CChar(UInt8(ascii: "S")) else {
                return nil
            }
            cycle.append(LockState(thread: thread, holds: thread, waitsFor: next))
        }
        return cycle
    }
}

/// Waits until `parties` threads have arrived, then lets them all go.
final class Barrier: @unchecked Sendable {
    // @unchecked: `arrived` is only touched with `mutex` held.
    private let mutex = PthreadMutex()
    private let condition = PthreadCondition()
    private let parties: Int
    private var arrived = 0

    init(parties: Int) { self.parties = parties }

    func arriveAndWait() {
        mutex.lock()
        arrived += 1
        if arrived == parties { condition.broadcast() }
        while arrived < parties { condition.wait(mutex) }
        mutex.unlock()
    }
}

/// Thread i of the ring: locks m<i>, waits at the barrier (unless
/// `ordered`), locks m<i+1>, prints its line, unlocks both. `ordered`
/// takes the lower-numbered of the two first.
final class RingThread: ThreadWorker, @unchecked Sendable {
    // @unchecked: everything is set before the thread starts and only read after.
    let crew: Crew
    let life: ThreadLife?
    private let console: ThreadConsole
    private let renderer: LineRenderer
    private let thread: Int
    private let mutexes: [PthreadMutex]
    private let ordered: Bool
    private let barrier: Barrier?
    private let recording: ThreadRecording

    init(crew: Crew, console: ThreadConsole, line: LineTemplate, thread: Int, mutexes: [PthreadMutex], ordered: Bool,
         barrier: Barrier?, life: ThreadLife) {
        self.crew = crew
        self.life = life
        self.console = console
        renderer = LineRenderer(line, recording: life.recording, kind: FL_EVENT_THREAD_PRINTED, role: life.role)
        self.thread = thread
        self.mutexes = mutexes
        self.ordered = ordered
        self.barrier = barrier
        recording = life.recording
    }

    func run() {
        var notes = WaitNotes(recording: recording, role: .counting, number: thread)
        notes.begin()
        let next = (thread + 1) % mutexes.count
        let (first, second) = ordered ? (min(thread, next), max(thread, next)) : (thread, next)
        lock(first, notes)
        barrier?.arriveAndWait()
        lock(second, notes)
        _ = renderer.write(to: console, thread: thread, index: next)
        mutexes[second].unlock()
        notes.lockReleased(second)
        mutexes[first].unlock()
        notes.lockReleased(first)
    }

    /// Notes "waits for m", locks it, notes "holds m".
    private func lock(_ mutex: Int, _ notes: WaitNotes) {
        notes.lockWait(mutex)
        mutexes[mutex].lock()
        notes.lockHeld(mutex)
    }
}
