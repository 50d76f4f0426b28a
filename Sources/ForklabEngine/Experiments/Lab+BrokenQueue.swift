import Glibc
import CForklabSystem
import Synchronization

// `produce … broken if|onecv`: the producer/consumer queue written wrong
// (Threads/BrokenQueue.swift), in a program of its own, because with onecv
// every thread can end up waiting forever in pthread_cond_wait. Its threads
// say in the record's waiters table what they wait for; forklab watches
// (Lab+Watchdog.swift) and, when nothing moves for T, every thread still
// running waits and the kernel shows each asleep, prints who waits on what,
// kills the program and reaps it (docs/commands.md, "produce").

/// A `produce … broken` event forklab reports from the record and the kernel.
public enum StuckEvent: Hashable, Sendable {
    /// `producer 0 waits on cond: the queue was full`.
    case waiting(role: ThreadRole, number: Int, condition: String, full: Bool)
    /// `stuck: every thread is waiting, and no one is left to signal`.
    case stuck(threads: Int)
}

/// How a `produce … broken` run ended.
public struct BrokenQueueOutcome: Hashable, Sendable {
    public var flaw: QueueFlaw
    public var producers: Int
    public var consumers: Int
    /// P × M.
    public var expected: Int
    public var produced: Int
    public var consumed: Int
    /// `broken if`: consumers woken to an empty queue not closed.
    public var emptyWakeups: Int
    /// Threads caught waiting; 0 when the program was not stuck.
    public var stuck: Int
    /// When forklab caught it, since the command began (ns); nil when it did not.
    public var caughtAfter: UInt64?
    /// The program's pid.
    public var program: Int32
}

extension Lab {
    /// `produce … broken`: in forklab, starts the program and watches it;
    /// in the program, runs the producers and consumers on the broken
    /// queue and exits when every thread has ended.
    func runBrokenQueue(_ plan: ProducePlan, flaw: QueueFlaw) throws(LabError) {
        guard program != nil else { return try watchBrokenQueue(plan, flaw: flaw) }
        let crew = Crew()
        let line = sink.threadLine(for: .consumed)
        let console = threadConsole(fd: line.fd, locked: true, crew: crew)
        let recording = ThreadRecording(log: log, started: started, batches: false)
        let queue = BrokenQueue<Message>(flaw: flaw, capacity: plan.capacity)
        let producing = BrokenProducing(queue: queue, producers: plan.producers)
        let firstEmptyWakeup = FirstTime()
        let gate = Gate()
        let pacer = Pacer(interval: plan.sleep)
        var group = ThreadGroup(crew: crew)
        let wanted = plan.producers + plan.consumers
        func start(_ worker: some ThreadWorker, made: Int) throws(LabError) {
            do throws(Errno) {
                try group.start(worker)
            } catch {
                throw .threadFailed(experiment: "produce", made: made, wanted: wanted, error)
            }
        }
        // Consumers first, as the book starts them: they wait on the empty queue.
        for id in 0..<plan.consumers {
            let life = threadLife(.consumer, id, recording, console)
            try start(BrokenConsumer(
                crew: crew, pacer: pacer, console: console, queue: queue, line: line,
                wakeupLine: sink.threadLine(for: .emptyWakeup), firstEmptyWakeup: firstEmptyWakeup, id: id,
                slot: id, life: life), made: id)
        }
        for id in 0..<plan.producers {
            let life = threadLife(.producer, id, recording, console)
            try start(BrokenProducer(
                crew: crew, producing: producing, gate: gate, pacer: pacer, console: console,
                line: sink.threadLine(for: .put), id: id, slot: plan.consumers + id, messages: plan.messages,
                life: life), made: plan.consumers + id)
        }
        log?.note(.threads, wanted)
        pacer.setOff(at: System.now())
        gate.open()
        // pthread_join, blocking: a stuck queue ends only by forklab's
        // SIGKILL, or a Ctrl-C.
        group.joinAll()
        _ = LineRenderer(sink.threadLine(for: .mainExit), recording: recording, kind: FL_EVENT_MAIN_PRINTED)
            .writeFromMainThread(to: console)
        console.finish()
        log?.note(.exited, 1)
        _exit(0)
    }

    /// forklab's side: starts the program, watches it for every thread
    /// waiting, and tells how it ended.
    private func watchBrokenQueue(_ plan: ProducePlan, flaw: QueueFlaw) throws(LabError) {
        let slots = plan.consumers + plan.producers
        let run = try runWatched(.produce(plan), timeout: plan.timeout, kind: .stuckQueue) { log, pid in
            log.everyoneWaiting(pid: pid, consumers: plan.consumers, slots: slots, flaw: flaw,
                                expected: plan.producers * plan.messages).map { ($0, $0.count) }
        }
        let pid = run.pid, caught = run.caught
        let stopped = checkStop()
        if let caught, !stopped {
            for waiting in caught.found { emit(.stuck(waiting)) }
            emit(.stuck(.stuck(threads: caught.found.count)))
        }
        emit(.summary(.brokenQueue(BrokenQueueOutcome(
            flaw: flaw, producers: plan.producers, consumers: plan.consumers, expected: plan.producers * plan.messages,
            produced: log?.total(of: FL_EVENT_PUT) ?? 0, consumed: log?.total(of: FL_EVENT_GOT) ?? 0,
            emptyWakeups: log?.total(of: FL_EVENT_EMPTY_WAKEUP) ?? 0,
            stuck: stopped ? 0 : caught?.found.count ?? 0, caughtAfter: stopped ? nil : caught?.at, program: pid))))
        if stopped, let stop { throw stop }
        if caught != nil || log?.read(.exited) == 1 { return try finish(nil) }
        try finish(programFailure("produce", run.status))
    }
}

extension EventLog {
    /// Who waits on what, when every thread of the program that has not
    /// ended waits on a condition variable (the waiters table), the kernel
    /// shows each asleep (/proc/PID/task/TID/stat), and fewer than
    /// `expected` messages were consumed; nil otherwise.
    func everyoneWaiting(pid: Int32, consumers: Int, slots: Int, flaw: QueueFlaw, expected: Int) -> [StuckEvent]? {
        guard total(of: FL_EVENT_GOT) < expected else { return nil }
        var producers: [StuckEvent] = [], waiting: [StuckEvent] = []
        for slot in 0..<slots {
            var tid: Int32 = 0
            let state = fl_log_waiter(raw, Int32(slot), &tid)
            if state == Int32(FL_WAITER_ENDED.rawValue) { continue }
            guard state == Int32(FL_WAITER_EMPTY.rawValue) || state == Int32(FL_WAITER_FULL.rawValue) else { return nil }
            var stat = fl_process_stat()
            guard fl_thread_stat(pid, tid, &stat) == 0, stat.state == CChar(UInt8(ascii: "S")) else { return nil }
            let full = state == Int32(FL_WAITER_FULL.rawValue)
            let condition = flaw == .oneCondition ? "cond" : full ? "notFull" : "notEmpty"
            if slot < consumers {
                waiting.append(.waiting(role: .consumer, number: slot, condition: condition, full: full))
            } else {
                producers.append(.waiting(role: .producer, number: slot - consumers, condition: condition, full: full))
            }
        }
        let all = producers + waiting
        return all.isEmpty ? nil : all
    }
}

/// The producers still at work: the last to finish closes the queue.
final class BrokenProducing: Sendable {
    let queue: BrokenQueue<Message>
    private let left: Atomic<Int>

    init(queue: BrokenQueue<Message>, producers: Int) {
        self.queue = queue
        left = Atomic(producers)
    }

    func done() {
        if left.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 { queue.close() }
    }
}

/// One producer of the broken queue: puts its messages, then lets go.
final class BrokenProducer: ThreadWorker, @unchecked Sendable {
    // @unchecked: everything is set before the thread starts.
    let crew: Crew
    let life: ThreadLife?
    private let producing: BrokenProducing
    private let gate: Gate
    private let pacer: Pacer
    private let sleeper: Sleeper
    private let console: ThreadConsole
    private let renderer: LineRenderer
    private let id: Int
    private let slot: Int
    private let messages: Int
    private let recording: ThreadRecording

    init(crew: Crew, producing: BrokenProducing, gate: Gate, pacer: Pacer, console: ThreadConsole, line: LineTemplate,
         id: Int, slot: Int, messages: Int, life: ThreadLife) {
        self.crew = crew
        self.life = life
        self.producing = producing
        self.gate = gate
        self.pacer = pacer
        sleeper = Sleeper(pacer: pacer, life: life)
        self.console = console
        renderer = LineRenderer(line, recording: life.recording, kind: FL_EVENT_PUT, role: life.role)
        self.id = id
        self.slot = slot
        self.messages = messages
        recording = life.recording
    }

    func run() {
        var notes = WaitNotes(recording: recording, role: .producer, number: id, slot: slot)
        notes.begin()
        defer {
            producing.done()
            notes.end()
        }
        gate.wait()
        // As the correct queue's producers: producer I sleeps I × S before each put.
        let (interval, overflow) = pacer.interval.multipliedReportingOverflow(by: UInt64(id))
        for count in 0..<messages {
            if interval > 0 || overflow,
               !sleeper.sleep(until: overflow ? .max : pacer.due(every: interval, times: count + 1)) { return }
            let now = renderer.timestamp()
            producing.queue.put(Message(producer: Int32(id), count: Int32(count)), notes: notes)
            guard renderer.write(to: console, thread: id, index: count, at: now) else { return }
        }
    }
}

/// Says yes once: to the first consumer that woke to an empty queue.
final class FirstTime: Sendable {
    private let taken = Atomic<Bool>(false)

    func claim() -> Bool { !taken.exchange(true, ordering: .relaxed) }
}

/// One consumer of the broken queue: takes messages until it is closed
/// and empty; with `broken if`, records each empty wake-up and prints the
/// first, then tries again.
final class BrokenConsumer: ThreadWorker, @unchecked Sendable {
    // @unchecked: everything is set before the thread starts.
    let crew: Crew
    let life: ThreadLife?
    private let pacer: Pacer
    private let sleeper: Sleeper
    private let console: ThreadConsole
    private let queue: BrokenQueue<Message>
    private let renderer: LineRenderer
    private let wakeupRenderer: LineRenderer
    private let firstEmptyWakeup: FirstTime
    private let id: Int
    private let slot: Int
    private let recording: ThreadRecording

    init(crew: Crew, pacer: Pacer, console: ThreadConsole, queue: BrokenQueue<Message>, line: LineTemplate,
         wakeupLine: LineTemplate, firstEmptyWakeup: FirstTime, id: Int, slot: Int, life: ThreadLife) {
        self.crew = crew
        self.life = life
        self.pacer = pacer
        sleeper = Sleeper(pacer: pacer, life: life)
        self.console = console
        self.queue = queue
        renderer = LineRenderer(line, recording: life.recording, kind: FL_EVENT_GOT, role: life.role)
        wakeupRenderer = LineRenderer(wakeupLine, recording: life.recording, kind: FL_EVENT_EMPTY_WAKEUP,
                                      role: life.role)
        self.firstEmptyWakeup = firstEmptyWakeup
        self.id = id
        self.slot = slot
        recording = life.recording
    }

    func run() {
        var notes = WaitNotes(recording: recording, role: .consumer, number: id, slot: slot)
        notes.begin()
        defer { notes.end() }
        let interval = pacer.interval / 10  // as the correct queue's consumers
        while interval == 0 || sleeper.sleep(for: interval) {
            switch queue.take(notes: notes) {
            case let .element(message):
                guard renderer.write(to: console, thread: id, index: Int(message.count), producer: Int(message.producer))
                else { return }
            case .emptyWakeup:
                if firstEmptyWakeup.claim() {
                    guard wakeupRenderer.write(to: console, thread: id) else { return }
                } else {
                    notes.emptyWakeup()
                }
            case .closed:
                return
            }
        }
    }
}
