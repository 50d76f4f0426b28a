import CForklabSystem
import Synchronization

extension Lab {
    /// `produce P consume C`: P producer threads each put M messages on one
    /// FIFO queue; C consumer threads take them off and print
    /// `consumer C got => [producer id=P, count=K]`. When the last producer
    /// is done it closes the queue, so consumers end once it is empty, with
    /// no sleep; then the main thread prints `Main thread exit`. Producers
    /// wait at a gate until every thread is created, so that creating
    /// threads and handing messages over are measured apart.
    ///
    /// `exit after T`: forklab runs this as a program of its own, whose
    /// main thread ends it after T, as the book's does.
    func runProduce(_ plan: ProducePlan) throws(LabError) {
        if let flaw = plan.flaw { return try runBrokenQueue(plan, flaw: flaw) }
        if let exitAfter = plan.exitAfter, program == nil { return try runProduceAsProgram(plan, exitAfter: exitAfter) }
        let crew = Crew()
        let line = sink.threadLine(for: .consumed)
        let console = threadConsole(fd: line.fd, locked: true, crew: crew)
        let recording = ThreadRecording(log: log, started: started, batches: program == nil)
        let putLine = sink.threadLine(for: .put)
        let queue = WorkQueue<Message>(capacity: plan.capacity)
        let producing = Producing(queue: queue)
        let gate = Gate()
        let pacer = Pacer(interval: plan.sleep)
        var group = ThreadGroup(crew: crew)
        var consumers: [ConsumerThread] = []
        var producers: [ProducerThread] = []
        var failure: LabError?
        let wanted = plan.producers + plan.consumers
        func refused(_ error: Errno) {
            failure = .threadFailed(experiment: "produce", made: consumers.count + producers.count, wanted: wanted, error)
            crew.requestStop()
            queue.cancel()
        }
        // Consumers first, as the book starts them: they wait on the empty queue.
        for id in 0..<plan.consumers where failure == nil && !checkStop() {
            let consumer = ConsumerThread(crew: crew, pacer: pacer, console: console, queue: queue, line: line, id: id,
                                          life: threadLife(.consumer, id, recording, console))
            do throws(Errno) {
                try group.start(consumer)
                consumers.append(consumer)
            } catch {
                refused(error)
            }
        }
        for id in 0..<plan.producers where failure == nil && !checkStop() {
            let producer = ProducerThread(crew: crew, producing: producing, gate: gate, pacer: pacer, console: console,
                                          line: putLine, id: id,
                                          messages: plan.messages, life: threadLife(.producer, id, recording, console))
            producing.starting()
            do throws(Errno) {
                try group.start(producer)
                producers.append(producer)
            } catch {
                producing.done()
                refused(error)
            }
        }
        producing.done()  // the main thread's own hold: now the last producer closes the queue
        let opened = System.now()
        pacer.setOff(at: opened)
        gate.open()
        if let exitAfter = plan.exitAfter {
            if let failure { throw failure }
            let main = LineRenderer(sink.threadLine(for: .mainExit), recording: recording, kind: FL_EVENT_MAIN_PRINTED)
            exitProgram(at: opened &+ exitAfter, console: console, mainLine: main) {
                // Nothing is put or taken from here on: the counts hold at the exit.
                let counts = queue.holdForExit()
                log?.note(.produced, counts.puts)
                log?.note(.queued, counts.queued)
                log?.note(.threads, consumers.count + producers.count)
            }
        }
        awaitThreads(&group) {
            queue.cancel()
            pacer.stop()
        }
        if !crew.stopRequested && !checkStop() {
            _ = LineRenderer(sink.threadLine(for: .mainExit), recording: recording, kind: FL_EVENT_MAIN_PRINTED)
                .writeFromMainThread(to: console)
        }
        console.finish()
        adoptOutputFailure(of: console)
        let statistics = queue.statistics
        if statistics.outOfMemory && failure == nil {
            failure = .queueOutOfMemory(experiment: "produce", queued: statistics.peak)
        }
        emit(.summary(.produce(ProduceOutcome(
            producers: producers.count, consumers: consumers.count,
            produced: producers.reduce(0) { $0 + $1.produced },
            consumed: consumers.reduce(0) { $0 + $1.printed } - console.unwrittenLines,
            unprinted: consumers.reduce(0) { $0 + $1.taken - $1.printed } + console.unwrittenLines,
            queue: statistics, capacity: plan.capacity, elapsed: System.now() &- started,
            startup: opened &- started, running: crew.lastEnded > opened ? crew.lastEnded &- opened : 0))))
        try finish(failure)
    }
}

extension Lab {
    /// forklab's side of `produce … exit after T`: runs the program and
    /// tells, from its record, where every message was when it exited.
    /// After a stop the program noted nothing: what was produced and not
    /// consumed is counted as left in the queue.
    private func runProduceAsProgram(_ plan: ProducePlan, exitAfter: UInt64) throws(LabError) {
        let run = try runOwnProgram(.produce(plan), exitAfter: exitAfter)
        let exited = run.exit.exited
        let consumed = log?.total(of: FL_EVENT_GOT) ?? 0
        let produced = exited ? log?.read(.produced) ?? 0 : log?.total(of: FL_EVENT_PUT) ?? 0
        emit(.summary(.produceExited(ProduceExit(
            producers: plan.producers, consumers: plan.consumers, expected: plan.producers * plan.messages,
            produced: produced, consumed: consumed,
            queued: exited ? log?.read(.queued) ?? 0 : max(0, produced - consumed), program: run.exit))))
        try finishProgram(run)
    }
}

/// What a producer puts on the queue: the book's string
/// `[producer id=P, count=K]`, kept as its two numbers until a consumer
/// prints it.
struct Message: BitwiseCopyable {
    var producer: Int32
    var count: Int32
}

/// The producers still at work, and the main thread while it starts them:
/// the last to finish closes the queue.
final class Producing: Sendable {
    let queue: WorkQueue<Message>
    private let holders = Atomic<Int>(1)

    init(queue: WorkQueue<Message>) { self.queue = queue }

    func starting() { holders.add(1, ordering: .relaxed) }

    func done() {
        if holders.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 { queue.close() }
    }
}

/// One producer: puts its messages, then lets go of the queue.
final class ProducerThread: ThreadWorker, @unchecked Sendable {
    // @unchecked: `produced` is written by the worker thread alone while it
    // runs, and read by the main thread after pthread_join.
    let crew: Crew
    private let producing: Producing
    private let gate: Gate
    private let pacer: Pacer
    private let sleeper: Sleeper
    private let console: ThreadConsole
    private let renderer: LineRenderer
    private let id: Int32
    private let messages: Int
    let life: ThreadLife?
    private(set) var produced = 0

    init(crew: Crew, producing: Producing, gate: Gate, pacer: Pacer, console: ThreadConsole, line: LineTemplate, id: Int,
         messages: Int, life: ThreadLife) {
        self.crew = crew
        self.producing = producing
        self.gate = gate
        self.pacer = pacer
        sleeper = Sleeper(pacer: pacer, life: life)
        self.console = console
        renderer = LineRenderer(line, recording: life.recording, kind: FL_EVENT_PUT, role: life.role)
        self.id = Int32(id)
        self.messages = messages
        self.life = life
    }

    func run() {
        gate.wait()
        var produced = 0  // a local in the loop; see CountingThread.run
        defer {
            self.produced = produced
            renderer.commitRecords()
            producing.done()
        }
        // time.sleep(idnum) before each put: the book's ids start at 0, so producer 0 never waits.
        let (interval, overflow) = pacer.interval.multipliedReportingOverflow(by: UInt64(id))
        for count in 0..<messages {
            if crew.stopRequested { return }
            if interval > 0 || overflow,
               !sleeper.sleep(until: overflow ? .max : pacer.due(every: interval, times: count + 1)) { return }
            // The time before the put: a consumer may take the message (and
            // record its get) before this thread records the put.
            let now = renderer.timestamp()
            guard producing.queue.put(Message(producer: id, count: Int32(count))) else {
                crew.requestStop()  // cancelled already, or out of memory: everyone stops
                return
            }
            produced += 1
            guard renderer.write(to: console, thread: Int(id), index: count, at: now) else { return }
        }
    }
}

/// One consumer: takes messages until the queue is closed and empty.
final class ConsumerThread: ThreadWorker, @unchecked Sendable {
    // @unchecked: as for ProducerThread.
    let crew: Crew
    private let pacer: Pacer
    private let sleeper: Sleeper
    private let console: ThreadConsole
    private let queue: WorkQueue<Message>
    private let renderer: LineRenderer
    private let id: Int
    let life: ThreadLife?
    private(set) var taken = 0
    private(set) var printed = 0

    init(crew: Crew, pacer: Pacer, console: ThreadConsole, queue: WorkQueue<Message>, line: LineTemplate, id: Int,
         life: ThreadLife) {
        self.crew = crew
        self.pacer = pacer
        sleeper = Sleeper(pacer: pacer, life: life)
        self.console = console
        self.queue = queue
        renderer = LineRenderer(line, recording: life.recording, kind: FL_EVENT_GOT, role: life.role)
        self.id = id
        self.life = life
    }

    func run() {
        var taken = 0, printed = 0  // locals in the loop; see CountingThread.run
        defer { (self.taken, self.printed) = (taken, printed) }
        let interval = pacer.interval / 10  // the book's time.sleep(0.1) before each get
        while !crew.stopRequested, interval == 0 || sleeper.sleep(for: interval),
              let message = queue.take() {
            taken += 1
            guard renderer.write(to: console, thread: id, index: Int(message.count), producer: Int(message.producer))
            else { return }
            printed += 1
        }
    }
}
