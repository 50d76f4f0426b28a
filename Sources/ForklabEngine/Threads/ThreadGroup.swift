import Glibc
import CForklabSystem

/// The threads an experiment started with pthread_create. The main thread
/// waits for them with poll(2) on the self-pipe rather than in
/// pthread_join, which no signal interrupts: so a Ctrl-C is seen at once.
struct ThreadGroup {
    private var started: [Started] = []
    private var stackSpace = ThreadStacks()
    let crew: Crew

    /// A thread started and not yet joined.
    private struct Started {
        let thread: pthread_t
        /// Given back once the thread is joined.
        let stack: ThreadStacks.Stack
        /// The worker, as the thread reads it: freed by the main thread
        /// once the thread is joined, so that a worker thread neither
        /// allocates nor frees (its first would give it a malloc cache of
        /// its own to set up, and to empty when it ends).
        let worker: UnsafeMutablePointer<any ThreadWorker>
    }

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
        let stack: ThreadStacks.Stack
        do {
            stack = try stackSpace.take()
        } catch {
            _ = fl_restore_mask(&saved)
            throw error
        }
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        result = pthread_attr_setstack(&attributes, stack.base, ThreadStacks.size)
        guard result == 0 else {
            stackSpace.giveBack(stack)
            _ = fl_restore_mask(&saved)
            throw Errno(rawValue: result)
        }
        crew.starting()
        // The worker as an existential already: a cast to one in the thread
        // would look up the conformance there, in every thread.
        let slot = UnsafeMutablePointer<any ThreadWorker>.allocate(capacity: 1)
        slot.initialize(to: worker)
        var thread = pthread_t()
        result = pthread_create(&thread, &attributes, { raw in
            // Non-capturing, so nothing is inferred @MainActor or sent.
            let worker = raw!.assumingMemoryBound(to: (any ThreadWorker).self).pointee
            let life = worker.life
            var tid: Int32 = 0
            life?.report(FL_EVENT_THREAD_START, tid: &tid)
            worker.run()
            // The end is when the work ended: reporting it is not part of it.
            let ended = fl_monotonic_ns()
            life?.report(FL_EVENT_THREAD_END, at: ended, tid: &tid)
            worker.crew.finished(at: ended)
            return nil
        }, slot)
        _ = fl_restore_mask(&saved)
        guard result == 0 else {
            slot.deinitialize(count: 1)
            slot.deallocate()
            crew.finished()
            stackSpace.giveBack(stack)
            throw Errno(rawValue: result)
        }
        started.append(Started(thread: thread, stack: stack, worker: slot))
    }

    /// Sends SIGURG to every thread, so that a write(2) blocked on a pipe
    /// nobody reads returns EINTR and the thread sees the stop.
    func nudgeAll() {
        for one in started { _ = fl_thread_nudge(one.thread) }
    }

    /// Joins every thread. Call once `crew.runningCount` is 0.
    mutating func joinAll() {
        for one in started {
            // A stack is given back only by a thread known to be gone; a
            // join that failed (it cannot, for threads of ours) leaks it.
            guard pthread_join(one.thread, nil) == 0 else { continue }
            stackSpace.giveBack(one.stack)
            one.worker.deinitialize(count: 1)
            one.worker.deallocate()
        }
        stackSpace.release()
        started.removeAll()
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

/// A thread's place in its experiment, and the sink's lines for its start,
/// its end and each of its sleeps (empty in the book's text).
struct ThreadLife: Sendable {
    let role: ThreadRole
    let number: Int
    let startLine: LineTemplate
    let endLine: LineTemplate
    /// See `Sleeper`.
    let sleepLine: LineTemplate
    let recording: ThreadRecording
    let console: ThreadConsole

    /// Records the thread's start or end, from the thread, and writes its
    /// line.
    /// - Parameter tid: the thread's id once read (0 before), kept for the
    ///   thread's next report.
    func report(_ kind: fl_event_kind, at time: UInt64? = nil, tid: inout Int32) {
        let line = kind == FL_EVENT_THREAD_START ? startLine : endLine
        guard line.isEmpty else {
            _ = LineRenderer(line, recording: recording, kind: kind, role: role)
                .write(to: console, thread: number, at: time)
            return
        }
        // No line (the book's text): only the event, with nothing to
        // allocate for it.
        guard let log = recording.log else { return }
        if tid == 0 { tid = fl_thread_id() }
        let now = (time ?? fl_monotonic_ns()) &- recording.started
        var event = fl_event(time: now, pid: recording.pid, tid: tid, kind: UInt16(kind.rawValue), role: role.rawValue,
                             a: Int32(truncatingIfNeeded: number), b: 0, c: 0)
        fl_log_add(log.raw, &event)
    }
}
