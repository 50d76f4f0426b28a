import Glibc
import CForklabSystem

/// The threads an experiment started with pthread_create. The main thread
/// waits for them with poll(2) on the self-pipe rather than in
/// pthread_join, which no signal interrupts: so a Ctrl-C is seen at once.
struct ThreadGroup {
    private(set) var threads: [pthread_t] = []
    /// Each thread's stack, unmapped once it is joined.
    private var stacks: [UnsafeMutableRawPointer] = []
    let crew: Crew

    /// 1 MiB, of which a thread touches a few pages; the lowest page is a
    /// guard. Our own stacks rather than glibc's: glibc keeps up to 40 MiB
    /// of old stacks mapped for reuse, and every mapping left behind makes
    /// each later fork dearer (see docs/design.md).
    static let stackSize = 1 << 20

    init(crew: Crew) { self.crew = crew }

    /// Starts a thread that runs `Worker.run` on `worker`, with every
    /// signal but SIGURG and the faults blocked (they are the main thread's
    /// to handle).
    /// - Throws: pthread_create's error (EAGAIN under a thread limit); then
    ///   no thread was started.
    mutating func start<Worker: ThreadWorker>(_ worker: Worker) throws(Errno) {
        // The thread reports its end to worker.crew: it must be ours, or the
        // wait for the group would never end.
        precondition(worker.crew === crew, "a worker of another crew")
        var saved = sigset_t()
        var result = fl_block_for_workers(&saved)
        guard result == 0 else { throw Errno(rawValue: result) }
        let stack = mmap(nil, Self.stackSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0)
        guard let stack, stack != MAP_FAILED else {
            let error = Errno.current
            _ = fl_restore_mask(&saved)
            throw error
        }
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        result = pthread_attr_setstack(&attributes, stack, Self.stackSize)
        if result == 0 && mprotect(stack, Int(getpagesize()), PROT_NONE) != 0 { result = errno }
        guard result == 0 else {
            munmap(stack, Self.stackSize)
            _ = fl_restore_mask(&saved)
            throw Errno(rawValue: result)
        }
        crew.starting()
        let context = Unmanaged.passRetained(worker).toOpaque()
        var thread = pthread_t()
        result = pthread_create(&thread, &attributes, { raw in
            // Non-capturing, so nothing is inferred @MainActor or sent.
            let worker = Unmanaged<AnyObject>.fromOpaque(raw!).takeRetainedValue() as! any ThreadWorker
            worker.life?.report(FL_EVENT_THREAD_START)
            worker.run()
            // The end is when the work ended: reporting it is not part of it.
            let ended = fl_monotonic_ns()
            worker.life?.report(FL_EVENT_THREAD_END, at: ended)
            worker.crew.finished(at: ended)
            return nil
        }, context)
        _ = fl_restore_mask(&saved)
        guard result == 0 else {
            Unmanaged<Worker>.fromOpaque(context).release()
            crew.finished()
            munmap(stack, Self.stackSize)
            throw Errno(rawValue: result)
        }
        threads.append(thread)
        stacks.append(stack)
    }

    /// Sends SIGURG to every thread, so that a write(2) blocked on a pipe
    /// nobody reads returns EINTR and the thread sees the stop.
    func nudgeAll() {
        for thread in threads { _ = fl_thread_nudge(thread) }
    }

    /// Joins every thread. Call once `crew.runningCount` is 0.
    mutating func joinAll() {
        for (thread, stack) in zip(threads, stacks) {
            // A stack is unmapped only under a thread known to be gone;
            // a join that failed (it cannot, for threads of ours) leaks it.
            if pthread_join(thread, nil) == 0 { munmap(stack, Self.stackSize) }
        }
        threads.removeAll()
        stacks.removeAll()
        // Memory the threads freed goes back to the kernel now, not at
        // some later malloc: a smaller process forks faster.
        fl_release_free_memory()
    }
}

/// The body of a worker thread.
protocol ThreadWorker: AnyObject, Sendable {
    var crew: Crew { get }
    /// Its place in the experiment, whose start and end the thread records
    /// and writes the sink's lines for; nil for none.
    var life: ThreadLife? { get }
    func run()
}

extension ThreadWorker {
    var life: ThreadLife? { nil }
}

/// A thread's place in its experiment, and the sink's lines for its start
/// and end (empty in the book's text).
struct ThreadLife: Sendable {
    let role: ThreadRole
    let number: Int
    let startLine: LineTemplate
    let endLine: LineTemplate
    let recording: ThreadRecording
    let console: ThreadConsole

    /// Records the thread's start or end, from the thread, and writes its line.
    func report(_ kind: fl_event_kind, at time: UInt64? = nil) {
        let line = kind == FL_EVENT_THREAD_START ? startLine : endLine
        _ = LineRenderer(line, recording: recording, kind: kind, role: role)
            .write(to: console, thread: number, at: time)
    }
}
