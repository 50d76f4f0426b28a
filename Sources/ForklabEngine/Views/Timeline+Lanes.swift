/// One row of the timeline: a process or a thread, from the start of its
/// life to its end, with what it did on the way.
struct Lane {
    /// Something a process or thread did, at a time.
    enum Mark: Hashable {
        /// `lost`: a line a child printed into its buffer, which its _exit
        /// threw away (`fork N buffered`).
        case fork, exec, printed, lost, exit, reaped, summary
        /// A process of `tree` orphaned: the kernel gave it a new parent.
        case adopted
        case threadStart, threadEnd
        /// A thread of a program of its own ended by its program's end.
        case cutOff
        case put(producer: Int32), got(producer: Int32)
        /// `produce … broken if`: a consumer woke to an empty queue.
        case emptyWakeup
        /// forklab's watchdog caught its program stuck (a deadlock, a stuck queue).
        case caught

        /// Which mark a column with several shows: the most telling.
        var rank: Int {
            switch self {
            case .summary: return 12
            // Over the reap that follows it at once (which its program's lane shows too).
            case .caught: return 11
            case .reaped: return 10
            case .fork: return 9
            case .exit: return 8
            case .adopted: return 7
            case .exec: return 6
            // Over the line it cut short: the program's end is the lesson.
            case .cutOff: return 5
            case .got, .put, .emptyWakeup: return 4
            case .printed, .lost: return 3
            case .threadEnd: return 2
            case .threadStart: return 1
            }
        }
    }

    /// How a life is drawn from a time on.
    enum Stretch { case alive, program, zombie }

    var label: String
    var start: UInt64
    /// Nil while no end (reap, thread end, summary) was recorded.
    var end: UInt64?
    var note = ""
    var marks: [(time: UInt64, mark: Mark)] = []
    /// The record's event behind each mark, by place in `marks` (what the
    /// saved page shows on hover); -1, or past its end, for a mark drawn
    /// from the life itself (a child's fork at its start, its reap, a cut-off).
    var markEvents: [Int32] = []
    var stretches: [(time: UInt64, stretch: Stretch)] = []
    /// A thread's sleeps (`sleep S`), in time order: drawn over its
    /// alive stretch.
    var sleeps: [(start: UInt64, end: UInt64)] = []
    /// A thread's waits for a mutex or on a condition (not its holds), in
    /// the order they began: drawn over its alive stretch. One it never
    /// came back from runs to its end.
    var waits: [WaitStretch] = []

    /// Where the drawn life ends: its recorded end, else its last mark.
    var last: UInt64 { end ?? max(start, marks.lazy.map(\.time).max() ?? start) }

    /// A life's lane: its marks, what it runs from each time on, and the
    /// note at its right.
    init(_ life: Life, of record: ExperimentRecord) {
        label = life.name
        start = life.start
        end = life.end
        stretches = [(start, .alive)]
        // A child may print before the parent records its fork: the fork
        // is drawn where its life starts.
        if life.kind == .child || life.kind == .program || life.kind == .tree, life.child != nil {
            marks.append((start, .fork))
        }
        var exitCode: Int32?
        marks.reserveCapacity(life.events.count + 2)
        markEvents.reserveCapacity(life.events.count + 2)
        markEvents = Array(repeating: -1, count: marks.count)
        for index in life.events {
            defer { while markEvents.count < marks.count { markEvents.append(index) } }
            let occurrence = record.events[Int(index)], time = occurrence.time
            switch (life.kind, occurrence.what) {
            case (.main, .trace(.forked)), (.main, .trace(.spawned)), (.main, .unprinted(.forked)),
                 (.main, .unprinted(.spawned)), (.main, .trace(.tree(.forked))), (.main, .unprinted(.tree(.forked))),
                 (.tree, .trace(.tree(.forked))), (.tree, .unprinted(.tree(.forked))):
                marks.append((time, .fork))
            case (.tree, .trace(.tree(.orphaned))), (.tree, .unprinted(.tree(.orphaned))):
                marks.append((time, .adopted))
            case (.tree, .trace(.tree(.exited))), (.tree, .unprinted(.tree(.exited))):
                marks.append((time, .exit))
            case (.main, .trace(.reaped)), (.main, .unprinted(.reaped)):
                marks.append((time, .reaped))
            case (.main, .trace(.raced)), (.main, .mainPrinted):
                marks.append((time, .printed))
            case (.main, .trace(.summary)):
                marks.append((time, .summary))
            case let (.child, .childPrinted(_, lost)):
                marks.append((time, lost ? .lost : .printed))
            case (.child, .exec):
                marks.append((time, .exec))
                // An exec'd program records nothing more; a child that does
                // record its exit after the exec is one whose exec failed.
                let failed = life.events.contains { if case .exit = record.events[Int($0)].what { true } else { false } }
                if !failed { stretches.append((time, .program)) }
            case (.program, .exec):
                // forklab becomes the program, whose own events are recorded: alive, not `═══`.
                marks.append((time, .exec))
            case (.program, .mainPrinted):
                marks.append((time, .printed))
            case let (.child, .exit(code)), let (.program, .exit(code)):
                exitCode = code
                marks.append((time, .exit))
                stretches.append((time, .zombie))
            case (.thread, .threadStarted):
                marks.append((time, .threadStart))
            case (.thread, .threadEnded):
                marks.append((time, .threadEnd))
            case (.thread, .threadPrinted):
                marks.append((time, .printed))
            case let (.thread, .put(producer, _)):
                marks.append((time, .put(producer: producer)))
            case let (.thread, .got(_, producer, _)):
                marks.append((time, .got(producer: producer)))
            case let (.thread, .slept(duration, _, _, _)):
                sleeps.append((time, time &+ duration))
            case (.thread, .emptyWakeup):
                marks.append((time, .emptyWakeup))
            case (.main, .caught):
                marks.append((time, .caught))
            default:
                break
            }
        }
        switch life.kind {
        case .main:
            if end == nil { end = max(record.duration, record.events.lazy.map(\.time).max() ?? 0) }
        case .child, .program:
            if let status = life.status, let end {
                marks.append((end, .reaped))
                if let code = status.exitCode {
                    note = "exit \(code)"
                } else if let signal = status.terminatingSignal {
                    note = signalName(signal) + (status.coreDumped ? ", core" : "")
                }
            }
            // `fork` reaps without a trace event: its children end at _exit.
            if note.isEmpty, let exitCode { note = "exit \(exitCode)" }
            if life.status == nil && record.experiment.leavesZombies {
                // noreap: still a zombie when the record ends (an exec'd
                // program records no exit: its lane stops at the exec).
                if exitCode != nil, end == nil { end = max(record.duration, record.events.lazy.map(\.time).max() ?? 0) }
                note += note.isEmpty ? "zombie" : ", zombie"
            }
        case .tree:
            // Killed at a stop: alive to the end of the record, with no exit.
            if end == nil { end = max(record.duration, record.events.lazy.map(\.time).max() ?? 0) }
        case let .thread(role):
            if life.cutOff, let end { marks.append((end, .cutOff)) }
            waits = record.waitStretches(of: life).filter(\.isWait)
            let printed = marks.count(where: { $0.mark == .printed })
            let put = marks.count(where: { if case .put = $0.mark { true } else { false } })
            let got = marks.count(where: { if case .got = $0.mark { true } else { false } })
            // A thread whose start was not recorded is known by its marks.
            if role == .counting || (role == nil && printed > 0) {
                note = printed == 1 ? "1 line" : "\(printed) lines"
            } else if role == .producer || (role == nil && put > 0) {
                note = "put \(put)"
            } else if role == .consumer || (role == nil && got > 0) {
                note = "got \(got)"
            }
        }
    }
}
