import Glibc
import CForklabSystem

extension Lab {
    /// `threads N`: N pthreads each print `[t] => i` for i = 0…count-1;
    /// the main thread prints `Main thread exiting...` after joining them
    /// (or, `nojoin`, right after starting them, as the _thread programs
    /// do; forklab still joins them before the command ends). The threads
    /// wait at a gate until all are created (and, `nojoin`, the main thread
    /// has printed), so that they run at once: creating a thread takes
    /// longer than printing a few lines.
    ///
    /// `exit after T`: forklab runs this as a program of its own
    /// (`runOwnProgram`), whose main thread ends it after T (`exitProgram`).
    func runThreads(_ plan: ThreadsPlan) throws(LabError) {
        if let exitAfter = plan.exitAfter, program == nil { return try runThreadsAsProgram(plan, exitAfter: exitAfter) }
        let crew = Crew()
        let gate = Gate()
        let line = sink.threadLine(for: .counted)
        let console = threadConsole(fd: line.fd, locked: plan.locked, tears: sink.splitsUnlockedLines, crew: crew)
        let recording = ThreadRecording(log: log, started: started, batches: program == nil)
        let pacer = Pacer(interval: plan.sleep)
        var group = ThreadGroup(crew: crew)
        var workers: [CountingThread] = []
        var failure: LabError?
        for thread in 0..<plan.threads where !checkStop() && !crew.stopRequested {
            let worker = CountingThread(
                crew: crew, gate: gate, pacer: pacer, console: console, line: line, thread: thread, count: plan.count,
                life: threadLife(.counting, thread, recording, console))
            do {
                try group.start(worker)
            } catch {
                failure = .threadFailed(experiment: "threads", made: workers.count, wanted: plan.threads, error)
                crew.requestStop()
                break
            }
            workers.append(worker)
        }
        let main = LineRenderer(sink.threadLine(for: .mainExiting), recording: recording, kind: FL_EVENT_MAIN_PRINTED)
        // As in the book: its threads wait for the interpreter lock the main
        // thread holds, so its line comes first; ours wait at the gate.
        if !plan.joined && !crew.stopRequested && !checkStop() { _ = main.writeFromMainThread(to: console) }
        let opened = System.now()
        pacer.setOff(at: opened)
        gate.open()
        if let exitAfter = plan.exitAfter {
            if let failure { throw failure }
            exitProgram(at: opened &+ exitAfter, console: console, mainLine: main) { log?.note(.threads, workers.count) }
        }
        awaitThreads(&group) {
            gate.open()
            pacer.stop()
        }
        if plan.joined && !crew.stopRequested && !checkStop() { _ = main.writeFromMainThread(to: console) }
        console.finish()
        adoptOutputFailure(of: console)
        emit(.summary(.threads(
            started: workers.count, wanted: plan.threads,
            lines: workers.reduce(0) { $0 + $1.written } - console.unwrittenLines,
            expectedLines: plan.threads * plan.count, elapsed: System.now() &- started, startup: opened &- started,
            running: crew.lastEnded > opened ? crew.lastEnded &- opened : 0)))
        try finish(failure)
    }

    /// forklab's side of `threads … exit after T`: runs the program and
    /// counts, from its record, the lines printed and the threads its exit
    /// ended.
    private func runThreadsAsProgram(_ plan: ThreadsPlan, exitAfter: UInt64) throws(LabError) {
        let run = try runOwnProgram(.threads(plan), exitAfter: exitAfter)
        emit(.summary(.threadsExited(ThreadsExit(
            wanted: plan.threads, printed: log?.total(of: FL_EVENT_THREAD_PRINTED) ?? 0,
            expected: plan.threads * plan.count, program: run.exit))))
        try finishProgram(run)
    }

    /// Waits until every thread of `group` has ended, then joins them.
    /// A Ctrl-C, SIGTERM or a failed write stops them: `wakeWaiters` ends
    /// any wait of theirs on a condition variable (a gate, a queue, the
    /// sleeps of a `Pacer`), and SIGURG any write
    /// blocked on a pipe nobody reads, until the last has ended.
    func awaitThreads(_ group: inout ThreadGroup, wakeWaiters: () -> Void) {
        var stopping = false
        while group.crew.runningCount > 0 {
            if !stopping && (group.crew.stopRequested || checkStop()) {
                stopping = true
                group.crew.requestStop()
                wakeWaiters()
            }
            // Again and again: a SIGURG that lands just before the thread
            // enters write(2) interrupts nothing.
            if stopping { group.nudgeAll() }
            System.awaitWakeUp(timeoutMilliseconds: stopping ? 20 : -1)
        }
        group.joinAll()
    }

    /// The console the threads of an experiment share: locked consoles
    /// gather lines unless `fd` is a terminal, where each line shows as
    /// it is printed, or this is a program of its own, which a Ctrl-C ends
    /// at once, with whatever is gathered.
    func threadConsole(fd: Int32, locked: Bool, tears: Bool = true, crew: Crew) -> ThreadConsole {
        ThreadConsole(fd: fd, locked: locked, tears: tears, gathers: program == nil && isatty(fd) == 0, crew: crew,
                      log: log, exitGuard: program?.exitGuard)
    }

    /// A thread's role and number, with the sink's lines for its start, its
    /// end and its sleeps.
    func threadLife(_ role: ThreadRole, _ number: Int, _ recording: ThreadRecording, _ console: ThreadConsole) -> ThreadLife {
        ThreadLife(role: role, number: number, startLine: sink.threadLine(for: .started(role)),
                   endLine: sink.threadLine(for: .ended(role)), sleepLine: sink.threadLine(for: .slept(role)),
                   recording: recording, console: console)
    }

    /// After a thread's write failed, nothing more is written in this
    /// command, and the failure is why the command stopped.
    func adoptOutputFailure(of console: ThreadConsole) {
        guard let error = console.outputError else { return }
        outputStopped = true
        if stop == nil { stop = LabError(error) }
    }
}

/// One thread of `threads`: prints its count, line by line.
final class CountingThread: ThreadWorker, @unchecked Sendable {
    // @unchecked: `renderer` and `written` are used by the worker thread
    // alone while it runs, and read by the main thread after pthread_join.
    let crew: Crew
    private let gate: Gate
    private let pacer: Pacer
    private let sleeper: Sleeper
    private let console: ThreadConsole
    private let renderer: LineRenderer
    private let thread: Int
    private let count: Int
    let life: ThreadLife?
    private(set) var written = 0

    init(crew: Crew, gate: Gate, pacer: Pacer, console: ThreadConsole, line: LineTemplate, thread: Int, count: Int,
         life: ThreadLife) {
        self.crew = crew
        self.gate = gate
        self.pacer = pacer
        sleeper = Sleeper(pacer: pacer, life: life)
        self.console = console
        renderer = LineRenderer(line, recording: life.recording, kind: FL_EVENT_THREAD_PRINTED, role: life.role)
        self.thread = thread
        self.count = count
        self.life = life
    }

    func run() {
        gate.wait()
        // Counted in a local: a class property in the loop could cost a
        // run-time exclusivity check on every line.
        var written = 0
        defer { self.written = written }
        let interval = pacer.interval
        for index in 0..<count {
            // Line i comes (i+1) × S after the gate opened, as time.sleep(1) before each print.
            if interval > 0 && !sleeper.sleep(until: pacer.due(every: interval, times: index + 1)) { return }
            guard renderer.write(to: console, thread: thread, index: index) else { return }
            written += 1
        }
    }
}
