import CForklabSystem

/// One thread's sleeps of a `Pacer`, each recorded once it ends: when it
/// began, how long it lasted and whether a stop cut it short, a mark in the
/// experiment's log (`FL_EVENT_SLEPT`, `FL_EVENT_SLEEP_STOPPED`); and a
/// sleep that lasted to its deadline is written as the sink's line for it
/// (JSON's `sleep` object; the book prints nothing). Made by the main
/// thread with its worker, used by the worker thread alone.
final class Sleeper {
    let pacer: Pacer
    private let life: ThreadLife
    /// The log, as the pointer the C calls take (see `EventRecorder.log`).
    private let log: OpaquePointer?
    /// The sink's line, ready to fill in; nil when the sink writes nothing
    /// for a sleep, or the thread never sleeps.
    private let text: LineText?
    /// The thread's id, read at its first sleep (in the thread).
    private var tid: Int32 = 0

    init(pacer: Pacer, life: ThreadLife) {
        self.pacer = pacer
        self.life = life
        log = life.recording.log?.raw
        text = pacer.interval > 0 && !life.sleepLine.isEmpty ? LineText(life.sleepLine) : nil
    }

    deinit { text?.free() }

    /// Sleeps until CLOCK_MONOTONIC reads `deadline`, as
    /// `Pacer.sleep(until:)`, and records the sleep.
    /// - Returns: false when a stop ended the sleep (or came before it), or
    ///   its line could not be written: the thread must stop.
    func sleep(until deadline: UInt64) -> Bool {
        sleep(from: fl_monotonic_ns(), until: deadline)
    }

    /// Sleeps `interval` nanoseconds from now (a consumer's S/10), as
    /// `sleep(until:)`.
    func sleep(for interval: UInt64) -> Bool {
        let now = fl_monotonic_ns()
        let (deadline, overflow) = now.addingReportingOverflow(interval)
        return sleep(from: now, until: overflow ? .max : deadline)
    }

    private func sleep(from began: UInt64, until deadline: UInt64) -> Bool {
        let (ended, finished) = pacer.sleep(from: began, until: deadline)
        let recording = life.recording
        let start = began &- recording.started, duration = ended &- began
        if let log {
            var event = fl_event(
                time: start, pid: recording.pid, tid: threadID(),
                kind: UInt16((finished ? FL_EVENT_SLEPT : FL_EVENT_SLEEP_STOPPED).rawValue), role: life.role.rawValue,
                a: Int32(truncatingIfNeeded: life.number), b: Int32(bitPattern: UInt32(truncatingIfNeeded: duration >> 32)),
                c: Int32(bitPattern: UInt32(truncatingIfNeeded: duration)))
            // At once, not batched: one sleep a line is rare next to the lines.
            fl_log_add(log, &event)
        }
        // A sleep a stop cut short has no line: after a stop nothing is written.
        guard finished, let text else { return finished }
        let line = text.render(start, thread: life.number, index: Int(truncatingIfNeeded: duration), producer: 0,
                               recording: recording, threadID: { threadID() })
        return life.console.write(line, event: fl_event())
    }

    private func threadID() -> Int32 {
        if tid == 0 { tid = fl_thread_id() }
        return tid
    }
}
