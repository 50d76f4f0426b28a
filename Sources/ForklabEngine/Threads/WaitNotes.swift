import CForklabSystem

/// What a thread of `deadlock` or `produce … broken` notes about its locks
/// and condition waits, as it happens: into the shared record (marks that the
/// views draw as waits and holds) and, for `produce … broken`, into the
/// record's waiters table that forklab's watchdog reads while the program
/// runs. One per thread, used by that thread alone.
struct WaitNotes {
    let recording: ThreadRecording
    let role: ThreadRole
    /// The thread's number in its role: thread i of the ring, consumer i.
    let number: Int32
    /// Its slot in the waiters table; nil for a thread that has none.
    let slot: Int32?
    /// The thread's kernel id, read on first use in that thread.
    private(set) var tid: Int32 = 0

    init(recording: ThreadRecording, role: ThreadRole, number: Int, slot: Int? = nil) {
        self.recording = recording
        self.role = role
        self.number = Int32(number)
        self.slot = slot.map(Int32.init)
    }

    /// Reads the thread's id: call first, in the thread.
    mutating func begin() {
        tid = fl_thread_id()
        setWaiter(FL_WAITER_RUNNING)
    }

    /// About to lock `mutex` (pthread_mutex_lock).
    func lockWait(_ mutex: Int) { add(FL_EVENT_LOCK_WAIT, Int32(mutex)) }
    /// Holds `mutex`.
    func lockHeld(_ mutex: Int) { add(FL_EVENT_LOCK_HELD, Int32(mutex)) }
    /// Released `mutex`.
    func lockReleased(_ mutex: Int) { add(FL_EVENT_LOCK_RELEASED, Int32(mutex)) }

    /// About to wait on `condition` because the queue was full (or empty).
    func conditionWait(_ condition: fl_condition, full: Bool) {
        setWaiter(full ? FL_WAITER_FULL : FL_WAITER_EMPTY)
        add(FL_EVENT_COND_WAIT, Int32(condition.rawValue), full ? 1 : 0)
    }

    /// Woke from a wait on `condition`, with `queued` messages in the queue.
    func conditionWoke(_ condition: fl_condition, queued: Int) {
        setWaiter(FL_WAITER_RUNNING)
        add(FL_EVENT_COND_WOKE, Int32(condition.rawValue), Int32(clamping: queued))
    }

    /// Woke, with `if` not `while`, to an empty queue not closed.
    func emptyWakeup() { add(FL_EVENT_EMPTY_WAKEUP) }

    /// Returns: the watchdog no longer counts it among the threads that could run.
    func end() { setWaiter(FL_WAITER_ENDED) }

    private func add(_ kind: fl_event_kind, _ b: Int32 = 0, _ c: Int32 = 0) {
        recording.log?.add(kind, time: System.now() &- recording.started, pid: recording.pid, tid: tid, role: role,
                           number, b, c)
    }

    private func setWaiter(_ state: fl_waiter_state) {
        guard let slot, let log = recording.log else { return }
        fl_log_set_waiter(log.raw, slot, tid, Int32(state.rawValue))
    }
}
