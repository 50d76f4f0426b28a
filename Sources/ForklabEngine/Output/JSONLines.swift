/// Renders events as JSON, one object a line and one write(2) an object
/// (the schema is docs/json.md). Children and threads write their own
/// objects from the templates below, so an object's `pid` and `tid` are
/// those of the process and thread that wrote it.
public final class JSONLines: TraceSink {
    /// The schema's version: the `"v"` of every object.
    public static let version = 1

    let console: Console

    public init(console: Console) { self.console = console }

    public var splitsUnlockedLines: Bool { false }

    /// stderr: a spawned program prints what it likes, and stdout must stay
    /// one JSON object a line.
    public var programOutput: Int32? { 2 }

    public var programOptions: [String] { ["--json"] }

    public func emit(_ record: TraceRecord) throws(OutputError) {
        var object = "{\"v\":\(Self.version),\"event\":\"\(Self.name(of: record.event))\",\"pid\":\(record.pid),"
            + "\"tid\":\(record.pid),\"t\":\(record.time)"
        for (key, value) in Self.fields(of: record.event) { object += ",\"\(key)\":\(value)" }
        if record.printed { object += ",\"text\":" + BookText.line(for: record.event).jsonQuoted }
        try console.write(object + "}\n")
    }

    /// `{"v":1,"event":"bench",…,"name":"fork+exit+wait","runs":2000,"mean":…,"min":…,"p50":…,"p99":…,"text":…}`,
    /// the figures in nanoseconds.
    public func emit(bench result: BenchResult, time: UInt64, pid: Int32) throws(OutputError) {
        var object = "{\"v\":\(Self.version),\"event\":\"bench\",\"pid\":\(pid),\"tid\":\(pid),\"t\":\(time)"
        object += ",\"name\":\(result.name.jsonQuoted),\"runs\":\(result.runs)"
        for (key, value) in [("mean", result.mean), ("min", result.min), ("p50", result.p50), ("p99", result.p99)] {
            object += ",\"\(key)\":\(oneDecimal(value))"
        }
        try console.write(object + ",\"text\":\(result.text.jsonQuoted)}\n")
    }

    public func childLine(for event: ChildEvent) -> LineTemplate {
        switch event {
        case .hello:
            return line("child", text: bytes("Hello from child ", LineTemplate.pid))
        case .exitStat:
            return line("child", fields: bytes(",\"exitstat\":", LineTemplate.counter),
                        text: bytes("Hello from child ", LineTemplate.pid, " ", LineTemplate.counter))
        case .exit:
            return line("exit", fields: bytes(",\"code\":", LineTemplate.code))
        case let .exec(program):
            return line("exec", fields: Array(",\"program\":\(program.jsonQuoted)".utf8))
        }
    }

    public func threadLine(for event: ThreadEvent) -> LineTemplate {
        switch event {
        case .counted:
            return line("thread", fields: bytes(",\"thread\":", LineTemplate.thread, ",\"i\":", LineTemplate.index),
                        text: bytes("[", LineTemplate.thread, "] => ", LineTemplate.index))
        case .mainExiting:
            return line("main", text: Array("Main thread exiting...".utf8))
        case .mainExit:
            return line("main", text: Array("Main thread exit".utf8))
        case .holdsBoth:
            return line("holds_both", fields: bytes(",\"thread\":", LineTemplate.thread, ",\"second\":", LineTemplate.index),
                        text: bytes("[", LineTemplate.thread, "] has m", LineTemplate.thread, " and m", LineTemplate.index))
        case .emptyWakeup:
            // Not written by the thread: forklab writes every empty wake-up
            // from the record after the run (`emitWaits`), this one included.
            return LineTemplate(bytes: [], fd: console.fd)
        case .consumed:
            return line("get", fields: bytes(",\"consumer\":", LineTemplate.thread, ",\"producer\":", LineTemplate.producer,
                                             ",\"count\":", LineTemplate.index),
                        text: bytes("consumer ", LineTemplate.thread, " got => [producer id=", LineTemplate.producer,
                                    ", count=", LineTemplate.index, "]"))
        case .put:
            return line("put", fields: bytes(",\"producer\":", LineTemplate.thread, ",\"count\":", LineTemplate.index))
        case let .started(role):
            return line("start", fields: Self.roleFields(role))
        case let .ended(role):
            return line("end", fields: Self.roleFields(role))
        case let .slept(role):
            // `t` is when the sleep began; the index is how long it lasted.
            return line("sleep", fields: Self.roleFields(role) + bytes(",\"ns\":", LineTemplate.index))
        }
    }

    /// `{"v":1,"event":NAME,"pid":…,"tid":…,"t":…FIELDS,"text":TEXT}` and a newline.
    private func line(_ name: String, fields: [UInt8] = [], text: [UInt8]? = nil) -> LineTemplate {
        var object = bytes("{\"v\":\(Self.version),\"event\":\"\(name)\",\"pid\":", LineTemplate.pid,
                           ",\"tid\":", LineTemplate.tid, ",\"t\":", LineTemplate.elapsed)
        object += fields
        // The text's placeholders become digits, which need no escaping.
        if let text { object += Array(",\"text\":\"".utf8) + text + [0x22] }
        return LineTemplate(bytes: object + Array("}\n".utf8), fd: console.fd)
    }

    private static func roleFields(_ role: ThreadRole) -> [UInt8] {
        let (name, locked): (String, String?) = switch role {
        case .counting: ("thread", nil)
        case .producer: ("producer", nil)
        case .consumer: ("consumer", nil)
        case .racer: ("racer", "false")
        case .lockedRacer: ("racer", "true")
        }
        return Array(",\"role\":\"\(name)\"".utf8) + bytes(",\"thread\":", LineTemplate.thread)
            + (locked.map { Array(",\"locked\":\($0)".utf8) } ?? [])
    }

    /// The `event` name of a parent's event.
    static func name(of event: TraceEvent) -> String {
        switch event {
        case .forked: return "fork"
        case .spawned: return "spawn"
        case .reaped: return "wait"
        case .raced: return "race"
        case let .tree(event): return treeName(event)
        case let .deadlock(event): return event.jsonName
        case let .stuck(event): return event.jsonName
        case .summary: return "summary"
        }
    }

    /// The fields of a parent's event beyond the common ones, values as JSON.
    static func fields(of event: TraceEvent) -> [(String, String)] {
        switch event {
        case let .forked(_, child):
            return [("child", "\(child)")]
        case let .spawned(child):
            return [("child", "\(child)")]
        case let .reaped(child, status):
            var fields = [("child", "\(child)"), ("status", "\(status.rawValue)")]
            if let code = status.exitCode { fields.append(("code", "\(code)")) }
            if let signal = status.terminatingSignal {
                fields.append(("signal", signalName(signal).jsonQuoted))
                fields.append(("core", status.coreDumped ? "true" : "false"))
            }
            return fields
        case let .raced(locked, expected, got):
            return [("locked", locked ? "true" : "false"), ("expected", "\(expected)"), ("got", "\(got)"),
                    ("lost", "\(expected - got)")]
        case let .tree(event):
            return treeFields(event)
        case let .deadlock(event):
            return event.jsonFields
        case let .stuck(event):
            return event.jsonFields
        case let .summary(summary):
            var fields = [("experiment", summary.experimentName.jsonQuoted)]
            if let buffered = summary.bufferedLines {
                fields += [("buffering", buffered.buffering.lineBuffered ? "\"line\"" : "\"block\""),
                           ("buffer", "\(buffered.buffering.size)"), ("lost", "\(buffered.lost)")]
            }
            if summary.zombies > 0 { fields.append(("zombies", "\(summary.zombies)")) }
            if case let .deadlock(outcome) = summary { return fields + outcome.jsonFields }
            if case let .brokenQueue(outcome) = summary { return fields + outcome.jsonFields }
            return fields + programFields(of: summary)
        }
    }
}

/// What a summary of a program of its own (`exit after T`) adds: the
/// program's pid, whether its main thread exited, the threads still running,
/// and where the lines or messages went.
private func programFields(of summary: Summary) -> [(String, String)] {
    let program: ProgramExit
    var fields: [(String, String)]
    switch summary {
    case let .threadsExited(outcome):
        program = outcome.program
        fields = [("printed", "\(outcome.printed)"), ("never_printed", "\(outcome.neverPrinted)")]
    case let .produceExited(outcome):
        program = outcome.program
        fields = [("produced", "\(outcome.produced)"), ("consumed", "\(outcome.consumed)"),
                  ("taken_not_printed", "\(outcome.inHand)"), ("queued", "\(outcome.queued)"),
                  ("never_produced", "\(outcome.neverProduced)")]
    default:
        return []
    }
    return [("program", "\(program.pid)"), ("exited", program.exited ? "true" : "false"),
            ("threads", "\(program.threads)"), ("still_running", "\(program.stillRunning)")] + fields
}

extension Summary {
    /// How `fork N buffered`'s or `forkexit N buffered`'s children buffered
    /// their lines; nil for any other command.
    var bufferedLines: BufferedLines? {
        switch self {
        case let .fork(_, _, _, buffered, _), let .forkExit(_, _, _, _, _, buffered, _): return buffered
        default: return nil
        }
    }

    /// The command the summary is of: `fork`, `produce`, …
    public var experimentName: String {
        switch self {
        case .fork: return "fork"
        case .forkExit: return "forkexit"
        case .spawn: return "spawn"
        case .threads: return "threads"
        case .produce: return "produce"
        case .race: return "race"
        case .threadsExited: return "threads"
        case .produceExited: return "produce"
        case .tree: return "tree"
        case .deadlock: return "deadlock"
        case .brokenQueue: return "produce"
        }
    }
}
