/// One row of the timeline: a process or a thread, from the start of its
/// life to its end, with what it did on the way.
struct Lane {
    enum Kind { case parent, child, thread(ThreadRole?) }

    /// Something a process or thread did, at a time.
    enum Mark: Hashable {
        case fork, exec, printed, exit, reaped, summary
        case threadStart, threadEnd
        case put(producer: Int32), got(producer: Int32)

        /// Which mark a column with several shows: the most telling.
        var rank: Int {
            switch self {
            case .summary: return 9
            case .reaped: return 8
            case .fork: return 7
            case .exit: return 6
            case .exec: return 5
            case .got, .put: return 4
            case .printed: return 3
            case .threadEnd: return 2
            case .threadStart: return 1
            }
        }
    }

    /// How a life is drawn from a time on.
    enum Stretch { case alive, program, zombie }

    var kind: Kind
    var label: String
    /// The child's pid, or the thread's tid.
    var id: Int32
    var start: UInt64
    /// Nil while no end (reap, thread end, summary) was recorded.
    var end: UInt64?
    var note = ""
    /// The code a child passed to _exit, when it recorded it.
    var exitCode: Int32?
    var marks: [(time: UInt64, mark: Mark)] = []
    var stretches: [(time: UInt64, stretch: Stretch)] = []
    /// Order of discovery, to sort lanes that start together.
    var order = 0

    init(kind: Kind, label: String, id: Int32, start: UInt64) {
        self.kind = kind
        self.label = label
        self.id = id
        self.start = start
    }

    /// Where the drawn life ends: its recorded end, else its last mark.
    var last: UInt64 { end ?? max(start, marks.map(\.time).max() ?? start) }

    /// The lanes of a record: the parent's (or main thread's) first, then
    /// children and threads in the order they started.
    static func lanes(of record: ExperimentRecord) -> [Lane] {
        var builder = Builder(record: record)
        for occurrence in record.events { builder.add(occurrence) }
        for occurrence in builder.childEvents { builder.addChild(occurrence) }
        var others = builder.lanes
        for index in others.indices {
            others[index].order = index
            others[index].finish()
        }
        others.sort { ($0.start, $0.order) < ($1.start, $1.order) }
        var parent = builder.parent
        if parent.end == nil { parent.end = max(record.duration, record.events.map(\.time).max() ?? 0) }
        return [parent] + others
    }

    /// The note at the right of the lane, and the fork mark at the very
    /// start (a child may print before the parent records its fork).
    private mutating func finish() {
        switch kind {
        case .parent:
            break
        case .child:
            if let index = marks.firstIndex(where: { $0.mark == .fork }) { marks[index].time = start }
            // `fork` reaps without a trace event: its children end at _exit.
            if note.isEmpty, let code = exitCode { note = "exit \(code)" }
        case let .thread(role):
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

    private struct Builder {
        let record: ExperimentRecord
        var parent: Lane
        var lanes: [Lane] = []
        /// Children's own events, placed once every child's lane exists.
        var childEvents: [Occurrence] = []
        var openThreads: [Int32: Int] = [:]

        init(record: ExperimentRecord) {
            self.record = record
            let threaded: Bool
            switch record.experiment {
            case .threads, .produce, .race: threaded = true
            case .fork, .forkExit, .spawn: threaded = false
            }
            parent = Lane(kind: .parent, label: threaded ? "main thread" : "parent \(record.parent)",
                          id: record.parent, start: 0)
            parent.stretches.append((0, .alive))
        }

        mutating func add(_ occurrence: Occurrence) {
            let time = occurrence.time
            if occurrence.pid != record.parent {
                childEvents.append(occurrence)
            } else if occurrence.tid == record.parent {
                switch occurrence.what {
                case let .trace(.forked(_, child)), let .trace(.spawned(child)), let .unprinted(.forked(_, child)):
                    parent.marks.append((time, .fork))
                    var lane = Lane(kind: .child, label: "child \(child)", id: child, start: time)
                    lane.marks.append((time, .fork))
                    lane.stretches.append((time, .alive))
                    lanes.append(lane)
                case let .trace(.reaped(child, status)), let .unprinted(.reaped(child, status)):
                    parent.marks.append((time, .reaped))
                    let index = lanes.lastIndex { $0.id == child && $0.end == nil && $0.kind.isChild }
                        ?? newChild(child, at: time)
                    lanes[index].end = time
                    lanes[index].marks.append((time, .reaped))
                    if let code = status.exitCode {
                        lanes[index].note = "exit \(code)"
                    } else if let signal = status.terminatingSignal {
                        lanes[index].note = signalName(signal) + (status.coreDumped ? ", core" : "")
                    }
                case .trace(.raced), .mainPrinted:
                    parent.marks.append((time, .printed))
                case .trace(.summary):
                    parent.marks.append((time, .summary))
                    parent.end = time
                default:
                    break
                }
            } else {
                addThread(occurrence)
            }
        }

        private mutating func addThread(_ occurrence: Occurrence) {
            let tid = occurrence.tid, time = occurrence.time
            switch occurrence.what {
            case let .threadStarted(role, number):
                var lane = Lane(kind: .thread(role), label: role.laneName(number), id: tid, start: time)
                lane.marks.append((time, .threadStart))
                lane.stretches.append((time, .alive))
                lanes.append(lane)
                openThreads[tid] = lanes.count - 1
            case .threadEnded:
                let index = openThreads.removeValue(forKey: tid) ?? newThread(occurrence)
                lanes[index].end = time
                lanes[index].marks.append((time, .threadEnd))
            case .threadPrinted:
                lanes[openThreads[tid] ?? newThread(occurrence)].marks.append((time, .printed))
            case let .put(producer, _):
                lanes[openThreads[tid] ?? newThread(occurrence)].marks.append((time, .put(producer: producer)))
            case let .got(_, producer, _):
                lanes[openThreads[tid] ?? newThread(occurrence)].marks.append((time, .got(producer: producer)))
            default:
                break
            }
        }

        /// A lane for a thread whose start was not recorded.
        private mutating func newThread(_ occurrence: Occurrence) -> Int {
            let label: String
            switch occurrence.what {
            case let .threadEnded(role, number): label = role.laneName(number)
            case let .threadPrinted(thread, _): label = "thread \(thread)"
            case let .put(producer, _): label = "producer \(producer)"
            case let .got(consumer, _, _): label = "consumer \(consumer)"
            default: label = "tid \(occurrence.tid)"
            }
            var lane = Lane(kind: .thread(nil), label: label, id: occurrence.tid, start: occurrence.time)
            lane.stretches.append((occurrence.time, .alive))
            lanes.append(lane)
            openThreads[occurrence.tid] = lanes.count - 1
            return lanes.count - 1
        }

        /// A lane for a child whose fork was not recorded.
        private mutating func newChild(_ pid: Int32, at time: UInt64) -> Int {
            var lane = Lane(kind: .child, label: "child \(pid)", id: pid, start: time)
            lane.stretches.append((time, .alive))
            lanes.append(lane)
            return lanes.count - 1
        }

        /// A child's own event, in the lane of the last child with its pid
        /// forked before it (or the first, when the child wrote before the
        /// parent recorded the fork).
        mutating func addChild(_ occurrence: Occurrence) {
            let pid = occurrence.pid, time = occurrence.time
            let candidates = lanes.indices.filter { lanes[$0].id == pid && lanes[$0].kind.isChild }
            let index = candidates.last { lanes[$0].start <= time } ?? candidates.first ?? newChild(pid, at: time)
            lanes[index].start = min(lanes[index].start, time)
            switch occurrence.what {
            case .childPrinted:
                lanes[index].marks.append((time, .printed))
            case .exec:
                lanes[index].marks.append((time, .exec))
                lanes[index].stretches.append((time, .program))
            case let .exit(code):
                lanes[index].exitCode = code
                lanes[index].marks.append((time, .exit))
                lanes[index].stretches.append((time, .zombie))
            default:
                break
            }
            if let first = lanes[index].stretches.indices.first {
                lanes[index].stretches[first].time = lanes[index].start
            }
        }
    }
}

extension Lane.Kind {
    var isChild: Bool { if case .child = self { true } else { false } }
}
