/// An experiment's record in the Chrome Trace Event Format, the JSON object
/// form (`{"traceEvents": [...]}`) that the Perfetto UI and chrome://tracing
/// open.
///
/// Lanes: forklab's main thread (pid = tid = the parent) carries the whole
/// experiment as one complete event named like the command, and the
/// parent's own events (fork, spawn, reap, race, summary, its lines). Each
/// child is a process of its own (pid = tid = the child), alive from its
/// fork to its reap; each thread is a lane of forklab's process, alive from
/// its start to its end. A program of its own (`exit after T`) is a process
/// like a child, whose main track is its main thread and whose threads are
/// tracks of it; a thread its program's end cut off ends there, its slice
/// named `… (cut off)` with `"cutOff":true`. Prints, puts, gets, execs and exits are instant
/// events on the lane that recorded them, with the book's line as `text`.
/// Each process of `tree` is a process too, named `b 4101`, alive from its
/// fork to its exit; its forks, its adoption and its exit are instants on
/// its track (the root's fork on forklab's), args holding both pids and
/// both names (an exit's parent: the one that reaped it).
///
/// Timestamps are microseconds since the command started, with the
/// nanoseconds as three decimals; `displayTimeUnit` only asks viewers to
/// show nanoseconds. Field order is chosen for streaming readers: `ph` and
/// `ts` come before any string an event carries, and no event holds an array.
public enum ChromeTrace {
    /// The whole trace as one string.
    public static func json(for record: ExperimentRecord) -> String {
        var bytes: [UInt8] = []
        write(record) { (piece: UnsafeRawBufferPointer) throws(Never) in bytes.append(contentsOf: piece) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The trace, handed to `output` in pieces of about `pieceBytes`, in
    /// order: the same bytes as `json(for:)`, without ever holding them all.
    /// Stops at the first error `output` throws.
    public static func write<Failure: Error>(
        _ record: ExperimentRecord, pieceBytes: Int = 1 << 16,
        to output: (UnsafeRawBufferPointer) throws(Failure) -> Void
    ) throws(Failure) {
        try writeInPieces(Builder(record: record), pieceBytes: pieceBytes, to: output)
    }

    /// The bytes a slice takes (see ViewMemory).
    static let sliceBytes = MemoryLayout<Slice>.stride

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

/// A complete event (a slice): the command's, a life's, or a thread's wait or hold.
private struct Slice {
    enum Of {
        case command
        /// Index into the lives.
        case life(Int)
        case wait(WaitStretch)
    }

    var lane: Track
    var start: UInt64
    var duration: UInt64
    var of: Of
}

private struct Builder: PieceRenderer {
    let record: ExperimentRecord
    let main: Track

    init(record: ExperimentRecord) {
        self.record = record
        main = Track(pid: record.parent, tid: record.parent)
    }

    /// A slice's name: a spawned child is named by its program, a thread
    /// its program's end cut off says so.
    func name(of life: Life) -> String {
        if case .child = life.kind, case let .spawn(plan) = record.experiment { return "\(plan.program) (\(life.pid))" }
        return life.cutOff ? life.name + " (cut off)" : life.name
    }

    /// The metadata, then the slices and instants in the order a streaming
    /// reader wants them: per lane, time never goes back. By time; at one
    /// time a slice before the instants at its start, and an enclosing
    /// slice before those it encloses; otherwise in the order they were made
    /// (the command's slice, the lives', then the record's events).
    func render<Failure: Error>(_ out: (String) throws(Failure) -> Void) throws(Failure) {
        let parent = record.parent
        // Nothing ends after the last thing recorded, nor before the command's end.
        let last = record.events.last?.time ?? 0
        let end = max(record.duration, last)

        // Children and threads, in the order they started.
        var lives = record.lives
        lives.removeFirst()  // the main thread's, drawn as the command's slice
        // Each exec's child: its place among the children, for its argv.
        var execChild: [Int: Int] = [:]
        if case .spawn = record.experiment {
            for life in lives where life.kind == .child {
                guard let child = life.child else { continue }
                for index in life.events where record.events[Int(index)].what == .exec { execChild[Int(index)] = child }
            }
        }

        // Lanes in the order their first life started.
        var processOrder: [Int32] = []
        var threadOrder: [Int32] = []
        // The threads of each program of its own, in the order they started.
        var programThreads: [Int32: [Int32]] = [:]
        var names: [Track: [String]] = [:]
        for life in lives {
            // A track is named by its life, not by how its slice ends.
            let lane = Track(pid: life.pid, tid: life.tid), name = life.cutOff ? life.name : name(of: life)
            if names[lane] == nil {
                if lane.pid == parent {
                    threadOrder.append(lane.tid)
                } else if lane.tid == lane.pid {
                    processOrder.append(lane.pid)
                } else {
                    programThreads[lane.pid, default: []].append(lane.tid)
                }
            }
            if !(names[lane]?.contains(name) ?? false) { names[lane, default: []].append(name) }
        }
        try out("{\"traceEvents\":[\n")
        try out(Self.meta("process_name", main, name: "forklab"))
        for line in [Self.meta("process_sort_index", main, sortIndex: 0), Self.meta("thread_name", main, name: "main thread"),
                     Self.meta("thread_sort_index", main, sortIndex: 0)] {
            try out(",\n" + line)
        }
        for (index, tid) in threadOrder.enumerated() where tid != parent {
            let lane = Track(pid: parent, tid: tid)
            // A tid the kernel gave again (race runs twice): every name it had.
            try out(",\n" + Self.meta("thread_name", lane, name: names[lane]!.joined(separator: " / ")))
            try out(",\n" + Self.meta("thread_sort_index", lane, sortIndex: index + 1))
        }
        for (index, pid) in processOrder.enumerated() {
            let lane = Track(pid: pid, tid: pid)
            let name = names[lane]!.joined(separator: " / ")
            try out(",\n" + Self.meta("process_name", lane, name: name))
            try out(",\n" + Self.meta("process_sort_index", lane, sortIndex: index + 1))
            guard let threads = programThreads.removeValue(forKey: pid) else {
                try out(",\n" + Self.meta("thread_name", lane, name: name))
                continue
            }
            try writeProgramTracks(lane, threads: threads, names: names, out)
        }
        // Threads of a process whose own life is not in the record (only a hand-made one).
        for pid in programThreads.keys.sorted() {
            try writeProgramTracks(Track(pid: pid, tid: pid), threads: programThreads[pid]!, names: names, out)
        }
        names = [:]

        // The slices, few (one a life), sorted; the instants, one an event,
        // come in the record's time order and are merged in as they come.
        var slices = [Slice(lane: main, start: 0, duration: end, of: .command)]
        slices.reserveCapacity(lives.count + 1)
        for (index, life) in lives.enumerated() {
            let stop = life.end ?? end
            let lane = Track(pid: life.pid, tid: life.tid)
            slices.append(Slice(lane: lane, start: life.start, duration: stop >= life.start ? stop - life.start : 0,
                                of: .life(index)))
            // Its waits and holds, inside its slice; one it never came back from ends with it.
            guard case .thread = life.kind else { continue }
            for stretch in record.waitStretches(of: life) {
                slices.append(Slice(lane: lane, start: stretch.start, duration: stretch.end - stretch.start,
                                    of: .wait(stretch)))
            }
        }
        let sortedSlices = slices.indices.sorted { a, b in
            let x = slices[a], y = slices[b]
            if x.start != y.start { return x.start < y.start }
            if x.duration != y.duration { return x.duration > y.duration }
            return a < b
        }
        let command = record.experiment.command
        func sliceJSON(_ slice: Slice) -> String {
            var args: String
            var name = command
            if case let .wait(stretch) = slice.of {
                name = stretch.name
                switch stretch.kind {
                case let .lock(mutex), let .hold(mutex): args = "{\"mutex\":\(mutex)"
                case let .condition(condition, full):
                    args = "{\"condition\":\"\(condition.name)\",\"full\":\(full)"
                        + (stretch.queued.map { ",\"queued\":\($0)" } ?? "")
                }
                args += ",\"ns\":\(slice.duration)" + (stretch.ended ? "}" : ",\"ended\":false}")
            } else if case let .life(index) = slice.of {
                let life = lives[index]
                name = self.name(of: life)
                if life.kind == .tree {
                    args = "{\"pid\":\(life.pid)" + (life.end == nil ? ",\"exited\":false" : "") + "}"
                } else if life.pid != parent && life.tid == life.pid {
                    args = "{\"pid\":\(life.pid)" + (life.end == nil ? ",\"reaped\":false" : "") + "}"
                } else {
                    args = "{\"tid\":\(life.tid)" + (life.end == nil ? ",\"ended\":false" : "")
                        + (life.cutOff ? ",\"cutOff\":true" : "") + "}"
                }
            } else {
                args = "{\"command\":\(command.jsonQuoted)}"
            }
            return Self.complete(slice.lane, name: name, start: slice.start, duration: slice.duration, args: args)
        }
        // tree's processes (their tracks), and each one's parent so far.
        let treePIDs = Set(lives.lazy.filter { $0.kind == .tree }.map(\.pid))
        var treeParents: [Int32: TreeMember] = [:]
        var nextSlice = 0
        let order = instantOrder()
        for step in record.events.indices {
            let position = order?[step] ?? step
            let occurrence = record.events[position]
            let json: String
            if case let .slept(duration, _, _, stopped) = occurrence.what {
                // A slice of its own, inside its thread's, made as it comes:
                // one a line would make the slices as many as the lines.
                json = Self.complete(Track(pid: occurrence.pid, tid: occurrence.tid), name: "sleep",
                                     start: occurrence.time, duration: duration,
                                     args: "{\"ns\":\(duration)" + (stopped ? ",\"stopped\":true}" : "}"))
            } else if let (lane, name, args) = treeInstant(occurrence, pids: treePIDs, parents: &treeParents) {
                json = "{\"ph\":\"i\",\"ts\":\(ChromeTrace.microseconds(occurrence.time)),"
                    + "\"pid\":\(lane.pid),\"tid\":\(lane.tid),\"name\":\(name.jsonQuoted),"
                    + "\"s\":\"t\",\"args\":\(args)}"
            } else {
                guard let (name, args) = instant(occurrence, child: execChild[position]) else { continue }
                json = "{\"ph\":\"i\",\"ts\":\(ChromeTrace.microseconds(occurrence.time)),"
                    + "\"pid\":\(occurrence.pid),\"tid\":\(occurrence.tid),\"name\":\(name.jsonQuoted),"
                    + "\"s\":\"t\",\"args\":\(args)}"
            }
            while nextSlice < sortedSlices.count && slices[sortedSlices[nextSlice]].start <= occurrence.time {
                try out(",\n" + sliceJSON(slices[sortedSlices[nextSlice]]))
                nextSlice += 1
            }
            try out(",\n" + json)
        }
        for index in sortedSlices[nextSlice...] { try out(",\n" + sliceJSON(slices[index])) }

        var other = "{\"command\":\(command.jsonQuoted),\"parent\":\(parent),\"duration_ns\":\(record.duration),"
            + "\"keptMarks\":\(record.keptMarks)"
        if record.droppedMarks > 0 {
            other += ",\"droppedMarks\":\(record.droppedMarks),\"note\":"
                + "\("\(record.droppedMarks) \(record.marksName) past the record's capacity were dropped".jsonQuoted)"
        }
        other += "}"
        try out("\n],\n\"displayTimeUnit\":\"ns\",\n\"otherData\":\(other)}\n")
    }

    /// The tracks of a program of its own (`lane` is its main thread's)
    /// after its process's name: its main thread, then its threads in the
    /// order they started, named by role.
    func writeProgramTracks<Failure: Error>(_ lane: Track, threads: [Int32], names: [Track: [String]],
                                            _ out: (String) throws(Failure) -> Void) throws(Failure) {
        try out(",\n" + Self.meta("thread_name", lane, name: "main thread"))
        try out(",\n" + Self.meta("thread_sort_index", lane, sortIndex: 0))
        for (index, tid) in threads.enumerated() {
            let track = Track(pid: lane.pid, tid: tid)
            try out(",\n" + Self.meta("thread_name", track, name: names[track]!.joined(separator: " / ")))
            try out(",\n" + Self.meta("thread_sort_index", track, sortIndex: index + 1))
        }
    }

    /// The record's events by time, ties in the record's order; nil when
    /// that is the record's own order, as it is for every record a Lab
    /// makes (`ExperimentRecord.events`), and only a record built by hand
    /// may differ.
    func instantOrder() -> [Int]? {
        let events = record.events
        if zip(events, events.dropFirst()).allSatisfy({ $0.time <= $1.time }) { return nil }
        return events.indices.sorted { (events[$0].time, $0) < (events[$1].time, $1) }
    }

    /// A `tree` fork, adoption or exit as an instant on its process's track
    /// (a fork on its parent's, forklab's for the root), with both pids and
    /// both names; nil for any other event. `parents`: each process's
    /// parent so far, kept up to date here, which names an exit's reaper.
    func treeInstant(_ occurrence: Occurrence, pids: Set<Int32>, parents: inout [Int32: TreeMember])
        -> (Track, String, String)? {
        let event: TreeEvent, printed: Bool
        switch occurrence.what {
        case let .trace(.tree(tree)): (event, printed) = (tree, true)
        case let .unprinted(.tree(tree)): (event, printed) = (tree, false)
        default: return nil
        }
        func track(_ pid: Int32) -> Track { pids.contains(pid) ? Track(pid: pid, tid: pid) : main }
        func member(_ key: String, _ member: TreeMember) -> String {
            ",\"\(key)\":\(member.pid),\"\(key)_name\":\(member.name.jsonQuoted)"
        }
        let fields: String, lane: Track
        switch event {
        case let .forked(parent, child):
            parents[child.pid] = parent
            lane = track(parent.pid)
            fields = member("parent", parent) + member("child", child)
        case let .orphaned(orphan, parent):
            parents[orphan.pid] = parent
            lane = track(orphan.pid)
            fields = ",\"process\":\(orphan.pid),\"name\":\(orphan.name.jsonQuoted)" + member("parent", parent)
        case let .exited(process):
            lane = track(process.pid)
            fields = ",\"process\":\(process.pid),\"name\":\(process.name.jsonQuoted)"
                + (parents.removeValue(forKey: process.pid).map { member("parent", $0) } ?? "")
        case .list, .drawn:
            return nil
        }
        let args = printed ? "{\"text\":\(event.text.jsonQuoted)" + fields + "}" : "{" + fields.dropFirst() + "}"
        return (lane, JSONLines.treeName(event), args)
    }

    /// An instant event's name and args, or nil for an event drawn as a
    /// life or a slice (a sleep).
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
            case let .tree(event): return (JSONLines.treeName(event), args())
            case let .deadlock(event): return (event.jsonName, args())
            case let .stuck(event): return (event.jsonName, args())
            case .summary: return ("summary", args())
            }
        case let .childPrinted(exitStat, lost):
            let line = "Hello from child \(occurrence.pid)" + (exitStat.map { " \($0)" } ?? "")
            // A line _exit threw away: its args say so, and the name too.
            return lost ? ("print (lost in buffer)", text(line, ",\"lost\":true")) : ("print", text(line))
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
        case .threadStarted, .threadEnded, .slept, .lockWait, .lockHeld, .lockReleased, .conditionWait, .conditionWoke:
            return nil  // drawn as lives and slices
        case let .emptyWakeup(consumer):
            return ("empty_wakeup", "{\"consumer\":\(consumer)}")
        case let .caught(stuck, threads):
            return ("caught", "{\"what\":\"\(stuck.name)\",\"threads\":\(threads)}")
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

    static func complete(_ lane: Track, name: String, start: UInt64, duration: UInt64, args: String) -> String {
        "{\"ph\":\"X\",\"ts\":\(ChromeTrace.microseconds(start)),\"dur\":\(ChromeTrace.microseconds(duration)),"
            + "\"pid\":\(lane.pid),\"tid\":\(lane.tid),\"name\":\(name.jsonQuoted),\"args\":\(args)}"
    }
}
