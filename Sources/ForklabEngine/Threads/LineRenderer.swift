import CForklabSystem

/// Records one kind of thread event and writes the sink's line for it:
/// the line rendered by a `LineText`, the event recorded by an
/// `EventRecorder`, both the thread's own, so that nothing is allocated
/// per line. Used by one thread only.
final class LineRenderer {
    private let text: LineText
    private let recorder: EventRecorder
    private let recording: ThreadRecording

    init(_ line: LineTemplate, recording: ThreadRecording, kind: fl_event_kind, role: ThreadRole? = nil) {
        text = LineText(line)
        recorder = EventRecorder(recording: recording, kind: kind, role: role)
        self.recording = recording
    }

    deinit {
        recorder.free()
        text.free()
    }

    /// CLOCK_MONOTONIC now, when anything needs it: 0 when neither the
    /// line shows it nor the record has room for the event (reading the
    /// clock costs about as much as the rest of a line).
    @inline(__always)
    func timestamp() -> UInt64 { recorder.timestamp(showsTime: text.showsTime) }

    /// Sends the events waiting in this thread's batch to the log. The
    /// thread calls it before it ends.
    func commitRecords() { recorder.commit() }

    /// Records the event and writes its line with `thread`, `index` and
    /// `producer` in their places (an empty line is not written). A line
    /// (`[t] => i`, a get, the main line) is recorded only once it is out:
    /// the console records it when the write that carried it succeeded,
    /// with the time it was handed over. Anything else (a start, an end, a
    /// put) happened whether or not its line could be written, and is
    /// recorded here either way.
    /// - Parameter time: when it happened (`timestamp()`), if not now.
    /// - Returns: what `console.write` returns: false means stop.
    @inline(__always)
    func write(to console: ThreadConsole, thread: Int = 0, index: Int = 0, producer: Int = 0,
               at time: UInt64? = nil) -> Bool {
        let absolute = time ?? timestamp()
        let now = absolute == 0 ? 0 : absolute &- recording.started
        let event = recorder.event(now, thread, index, producer)
        if text.isEmpty {
            recorder.record(event)
            return !console.crew.stopRequested
        }
        if isLine { return console.write(render(now, thread: thread, index: index, producer: producer), event: event) }
        recorder.record(event)
        return console.write(render(now, thread: thread, index: index, producer: producer), event: fl_event())
    }

    /// Whether the event is the line itself, rather than something the line reports.
    private var isLine: Bool {
        let kind = recorder.kind
        return kind == FL_EVENT_THREAD_PRINTED || kind == FL_EVENT_GOT || kind == FL_EVENT_MAIN_PRINTED
    }

    /// Records the event and writes its line from the main thread (see
    /// `ThreadConsole.writeFromMainThread`).
    func writeFromMainThread(to console: ThreadConsole) -> Bool {
        let now = fl_monotonic_ns() &- recording.started
        let event = recorder.event(now, 0, 0, 0)
        if text.isEmpty {
            recorder.record(event)
            return true
        }
        return console.writeFromMainThread(render(now, thread: 0, index: 0, producer: 0), event: event)
    }

    @inline(__always)
    private func render(_ now: UInt64, thread: Int, index: Int, producer: Int) -> UnsafeRawBufferPointer {
        text.render(now, thread: thread, index: index, producer: producer, recording: recording,
                    threadID: { recorder.threadID() })
    }
}
