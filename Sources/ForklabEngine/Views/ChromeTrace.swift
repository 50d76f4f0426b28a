/// An experiment's record in the Chrome Trace Event Format, the JSON object
/// form (`{"traceEvents": [...]}`) that the Perfetto UI and chrome://tracing
/// open.
///
/// Lanes: forklab's main thread (pid = tid = the parent) carries the whole
/// experiment as one complete event named like the command, and the
/// parent's own events (fork, spawn, reap, race, summary, its lines). Each
/// child is a process of its own (pid = tid = the child), alive from its
/// fork to its reap; each thread is a lane of forklab's process, alive from
/// its start to its end. Prints, puts, gets, execs and exits are instant
/// events on the lane that recorded them, with the book's line as `text`.
///
/// Timestamps are microseconds since the command started, with the
/// nanoseconds as three decimals; `displayTimeUnit` only asks viewers to
/// show nanoseconds. Field order is chosen for streaming readers: `ph` and
/// `ts` come before any string an event carries, and no event holds an array.
public enum ChromeTrace {
    public static func json(for record: ExperimentRecord) -> String {
        Builder(record: record).render()
    }

    /// `ns` as microseconds, a plain JSON number: `1234.567`, `12`, `0.5`.
    static func microseconds(_ ns: UInt64) -> String {
        let whole = ns / 1000
        var fraction = ns % 1000
        if fraction == 0 { return "\(whole)" }
        var digits = 3
        while fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        let text = "\(fraction)"
        return "\(whole)." + String(repeating: "0", count: digits - text.count) + text
    }
}

/// Where an event is drawn: a process and one of its threads.
private struct Track: Hashable {
    var pid: Int32
    var tid: Int32
}

private enum Phase: Int {
    case metadata = 0, complete = 1, instant = 2
}

private struct Entry {
    var lane: Track
    var phase: Phase
    var time: UInt64
    var duration: UInt64
    /// The event's JSON object.
    var json: String
}

private struct Builder {
    let record: ExperimentRecord
    let main: Track

    init(record: ExperimentRecord) {
        self.record = record
        main = Track(pid: record.parent, tid: record.parent)
    }

    /// A slice's name: a spawned child is named by its program.
    func name(of life: Life) -> String {
        if case .child = life.kind, case let .spawn(plan) = record.experiment { return "\(plan.program) (\(life.pid))" }
        return life.name
    }

    func render() -> String {
        let parent = record.parent
        // Nothing ends after the last thing recorded, nor before the command's end.
        let last = record.events.last?.time ?? 0
        let end = max(record.duration, last)
        var entries: [Entry] = []
        var metadata: [String] = []

        // Children and threads, in the order they started; each child's
        // place among the children, by the events it recorded.
        let lives = record.lives.filter { $0.kind != .main }
        var child = [Int?](repeating: nil, count: record.events.count)
        for life in lives where life.kind == .child {
            for index in life.events { child[index] = life.child }
        }

        // Lanes in the order their first life started.
        var processOrder: [Int32] = []
        var threadOrder: [Int32] = []
        var names: [Track: [String]] = [:]
        for life in lives {
            let lane = Track(pid: life.pid, tid: life.tid), name = name(of: life)
            if names[lane] == nil {
                if lane.pid == parent { threadOrder.append(lane.tid) } else { processOrder.append(lane.pid) }
            }
            if !(names[lane]?.contains(name) ?? false) { names[lane, default: []].append(name) }
        }
        metadata.append(Self.meta("process_name", main, name: "forklab"))
        metadata.append(Self.meta("process_sort_index", main, sortIndex: 0))
        metadata.append(Self.meta("thread_name", main, name: "main thread"))
        metadata.append(Self.meta("thread_sort_index", main, sortIndex: 0))
        for (index, tid) in threadOrder.enumerated() where tid != parent {
            let lane = Track(pid: parent, tid: tid)
            // A tid the kernel gave again (race runs twice): every name it had.
            metadata.append(Self.meta("thread_name", lane, name: names[lane]!.joined(separator: " / ")))
            metadata.append(Self.meta("thread_sort_index", lane, sortIndex: index + 1))
        }
        for (index, pid) in processOrder.enumerated() {
            let lane = Track(pid: pid, tid: pid)
            let name = names[lane]!.joined(separator: " / ")
            metadata.append(Self.meta("process_name", lane, name: name))
            metadata.append(Self.meta("process_sort_index", lane, sortIndex: index + 1))
            metadata.append(Self.meta("thread_name", lane, name: name))
        }

        let command = record.experiment.command
        entries.append(Self.complete(main, name: command, start: 0, end: end,
                                     args: "{\"command\":\(command.jsonQuoted)}"))

        for life in lives {
            var args = ""
            if life.pid != parent {
                args = "{\"pid\":\(life.pid)" + (life.end == nil ? ",\"reaped\":false" : "") + "}"
            } else {
                args = "{\"tid\":\(life.tid)" + (life.end == nil ? ",\"ended\":false" : "") + "}"
            }
            entries.append(Self.complete(Track(pid: life.pid, tid: life.tid), name: name(of: life), start: life.start,
                                         end: life.end ?? end, args: args))
        }

        for (position, occurrence) in record.events.enumerated() {
            let lane = Track(pid: occurrence.pid, tid: occurrence.tid)
            guard let (name, args) = instant(occurrence, child: child[position]) else { continue }
            entries.append(Entry(lane: lane, phase: .instant, time: occurrence.time, duration: 0,
                                 json: "{\"ph\":\"i\",\"ts\":\(ChromeTrace.microseconds(occurrence.time)),"
                                     + "\"pid\":\(lane.pid),\"tid\":\(lane.tid),\"name\":\(name.jsonQuoted),"
                                     + "\"s\":\"t\",\"args\":\(args)}"))
        }

        // Per lane, time never goes back: by time, a slice before the instants
        // at its start, and an enclosing slice before those it encloses.
        let sorted = entries.enumerated().sorted { a, b in
            if a.element.time != b.element.time { return a.element.time < b.element.time }
            if a.element.phase != b.element.phase { return a.element.phase.rawValue < b.element.phase.rawValue }
            if a.element.duration != b.element.duration { return a.element.duration > b.element.duration }
            return a.offset < b.offset
        }.map(\.element.json)

        var other = "{\"command\":\(command.jsonQuoted),\"parent\":\(parent),\"duration_ns\":\(record.duration),"
            + "\"keptMarks\":\(record.keptMarks)"
        if record.droppedMarks > 0 {
            other += ",\"droppedMarks\":\(record.droppedMarks),\"note\":"
                + "\("\(record.droppedMarks) lines, puts and gets past the record's capacity were dropped".jsonQuoted)"
        }
        other += "}"

        return "{\"traceEvents\":[\n" + (metadata + sorted).joined(separator: ",\n") + "\n],\n"
            + "\"displayTimeUnit\":\"ns\",\n\"otherData\":\(other)}\n"
    }

    /// An instant event's name and args, or nil for an event drawn as a life.
    /// `child`: the place among the children of the child that recorded it.
    func instant(_ occurrence: Occurrence, child: Int?) -> (String, String)? {
        func text(_ line: String, _ more: String = "") -> String { "{\"text\":\(line.jsonQuoted)\(more)}" }
        switch occurrence.what {
        case let .trace(event), let .unprinted(event):
            // Only what the book prints has a text.
            let printed = if case .trace = occurrence.what { true } else { false }
            let line = BookText.line(for: event)
            func args(_ more: String = "") -> String { printed ? text(line, more) : "{" + more.dropFirst() + "}" }
            switch event {
            case let .forked(_, child): return ("fork", args(",\"child\":\(child)"))
            case let .spawned(child): return ("spawn", args(",\"child\":\(child)"))
            case let .reaped(child, status):
                return ("reap", args(",\"child\":\(child),\"status\":\(status.rawValue)"))
            case .raced: return ("race", args())
            case .summary: return ("summary", args())
            }
        case let .childPrinted(exitStat):
            return ("print", text("Hello from child \(occurrence.pid)" + (exitStat.map { " \($0)" } ?? "")))
        case .exec:
            var args = ""
            if case let .spawn(plan) = record.experiment {
                args = "{\"program\":\(plan.program.jsonQuoted)"
                if let child {
                    args += ",\"argv\":\(plan.argv(child: child).joined(separator: " ").jsonQuoted)"
                }
                args += "}"
            }
            return ("exec", args.isEmpty ? "{}" : args)
        case let .exit(code):
            return ("exit", "{\"code\":\(code)}")
        case .threadStarted, .threadEnded:
            return nil
        case .mainPrinted:
            switch record.experiment {
            case .threads: return ("print", text("Main thread exiting..."))
            case .produce: return ("print", text("Main thread exit"))
            default: return ("print", "{}")
            }
        case let .threadPrinted(thread, index):
            return ("print", text("[\(thread)] => \(index)"))
        case let .put(producer, count):
            return ("put", "{\"producer\":\(producer),\"count\":\(count)}")
        case let .got(consumer, producer, count):
            return ("got", text("consumer \(consumer) got => [producer id=\(producer), count=\(count)]",
                                ",\"consumer\":\(consumer),\"producer\":\(producer),\"count\":\(count)"))
        }
    }

    static func meta(_ kind: String, _ lane: Track, name: String) -> String {
        "{\"ph\":\"M\",\"pid\":\(lane.pid),\"tid\":\(lane.tid),\"name\":\"\(kind)\",\"args\":{\"name\":\(name.jsonQuoted)}}"
    }

    static func meta(_ kind: String, _ lane: Track, sortIndex: Int) -> String {
        "{\"ph\":\"M\",\"pid\":\(lane.pid),\"tid\":\(lane.tid),\"name\":\"\(kind)\",\"args\":{\"sort_index\":\(sortIndex)}}"
    }

    static func complete(_ lane: Track, name: String, start: UInt64, end: UInt64, args: String) -> Entry {
        let duration = end >= start ? end - start : 0
        return Entry(lane: lane, phase: .complete, time: start, duration: duration,
                     json: "{\"ph\":\"X\",\"ts\":\(ChromeTrace.microseconds(start)),"
                         + "\"dur\":\(ChromeTrace.microseconds(duration)),"
                         + "\"pid\":\(lane.pid),\"tid\":\(lane.tid),\"name\":\(name.jsonQuoted),\"args\":\(args)}")
    }
}
