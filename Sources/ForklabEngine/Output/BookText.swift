/// Renders events as the lines the book's Python programs print, one
/// write(2) a line, and summaries as lines starting `# `. With colours (at
/// a terminal), the parent's lines are yellow, a child's cyan, and each
/// thread's number has a colour of its own.
public final class BookText: TraceSink {
    let console: Console
    let colors: Bool

    public init(console: Console, colors: Bool = false) {
        self.console = console
        self.colors = colors
    }


    public func emit(_ record: TraceRecord) throws(OutputError) {
        guard record.printed else { return }
        if try emitWithoutAllocating(record.event) { return }
        let line = Self.line(for: record.event)
        if case .summary = record.event {
            try console.write(line + "\n")
        } else {
            try console.write(paint(Self.parentColor, Array(line.utf8)) + [0x0a])
        }
    }

    /// The lines written once per child (`Hello from parent …`, `Child is …`,
    /// `Parent got …` without a signal), as `line(for:)` words them, rendered
    /// in the console's parent-only buffer: no allocation, and no page of the
    /// heap written after each fork. False for any other event.
    private func emitWithoutAllocating(_ event: TraceEvent) throws(OutputError) -> Bool {
        switch event {
        case let .forked(parent, child):
            try console.writeLine { line in
                startPaint(line)
                line.append("Hello from parent ")
                line.append(decimal: Int64(parent))
                line.append(" ")
                line.append(decimal: Int64(child))
                endPaint(line)
            }
        case let .spawned(child):
            try console.writeLine { line in
                startPaint(line)
                line.append("Child is ")
                line.append(decimal: Int64(child))
                endPaint(line)
            }
        case let .reaped(child, status) where status.terminatingSignal == nil:
            try console.writeLine { line in
                startPaint(line)
                line.append("Parent got ")
                line.append(decimal: Int64(child))
                line.append(" ")
                line.append(decimal: Int64(status.rawValue))
                line.append(" ")
                line.append(decimal: Int64(status.shiftedCode))
                endPaint(line)
            }
        default:
            return false
        }
        return true
    }

    /// What `paint(parentColor, …)` puts before a line.
    private func startPaint(_ line: ParentOnlyBuffer<UInt8>) {
        guard colors else { return }
        line.append("\u{1b}[")
        line.append(utf8: Self.parentColor)
        line.append("m")
    }

    /// What `paint(parentColor, …)` puts after a line, and the newline.
    private func endPaint(_ line: ParentOnlyBuffer<UInt8>) {
        if colors { line.append("\u{1b}[0m") }
        line.append(UInt8(ascii: "\n"))
    }

    public func emit(bench result: BenchResult, time: UInt64, pid: Int32) throws(OutputError) {
        try console.write(result.text + "\n")
    }

    public func childLine(for event: ChildEvent) -> LineTemplate {
        switch event {
        case .hello:
            return LineTemplate(bytes: paint(Self.childColor, bytes("Hello from child ", LineTemplate.pid)) + [0x0a],
                                fd: console.fd)
        case .exitStat:
            return LineTemplate(
                bytes: paint(Self.childColor, bytes("Hello from child ", LineTemplate.pid, " ", LineTemplate.counter)) + [0x0a],
                fd: console.fd)
        case .exit, .exec:
            return LineTemplate(bytes: [], fd: console.fd)
        }
    }

    public func threadLine(for event: ThreadEvent) -> LineTemplate {
        let line: [UInt8]
        switch event {
        case .counted:
            line = bytes("[", threadNumber, "] => ", LineTemplate.index)
        case .mainExiting:
            line = bytes("Main thread exiting...")
        case .consumed:
            line = bytes("consumer ", threadNumber, " got => [producer id=", LineTemplate.producer,
                         ", count=", LineTemplate.index, "]")
        case .mainExit:
            line = bytes("Main thread exit")
        case .put, .started, .ended:
            return LineTemplate(bytes: [], fd: console.fd)
        }
        return LineTemplate(bytes: line + [0x0a], fd: console.fd)
    }

    static let parentColor = "33"
    static let childColor = "36"

    /// `bytes` in an SGR colour, when colours are on.
    private func paint(_ color: String, _ bytes: [UInt8]) -> [UInt8] {
        colors ? Array("\u{1b}[\(color)m".utf8) + bytes + Array("\u{1b}[0m".utf8) : bytes
    }

    /// The thread's number, in its colour when colours are on.
    private var threadNumber: [UInt8] {
        colors ? bytes(LineTemplate.color, LineTemplate.thread, "\u{1b}[0m") : [LineTemplate.thread]
    }

    /// The book's text for an event, without its newline.
    public static func line(for event: TraceEvent) -> String {
        switch event {
        case let .forked(parent, child):
            return "Hello from parent \(parent) \(child)"
        case let .spawned(child):
            return "Child is \(child)"
        case let .reaped(child, status):
            return "Parent got \(child) \(status.rawValue) \(status.shiftedCode)\(status.signalNote)"
        case let .raced(locked, expected, got):
            return "race \(locked ? "lock" : "nolock"): expected \(expected) got \(got) lost \(expected - got)"
        case let .summary(summary):
            return "# " + summary.text
        }
    }
}

extension WaitStatus {
    /// ` (killed by SIGKILL)`, ` (killed by SIGSEGV, core dumped)`, or nothing.
    public var signalNote: String {
        guard let signal = terminatingSignal else { return "" }
        return " (killed by \(signalName(signal))\(coreDumped ? ", core dumped" : ""))"
    }
}

extension Summary {
    /// The summary's text, without the leading `# `.
    public var text: String {
        switch self {
        case let .fork(children, reaped, elapsed):
            return "fork: \(count(children, "child", "children")) forked, \(reaped) reaped, \(children - reaped) left"
                + cost(elapsed, children, "fork+wait")
        case let .forkExit(children, reaped, exitCodes, parentExitStat, elapsed):
            var text = children == reaped
                ? "forkexit: \(count(children, "child", "children")) reaped"
                : "forkexit: \(count(children, "child", "children")) forked, \(reaped) reaped, \(children - reaped) left"
            let codes = exitCodes.keys.sorted()
            // A child a signal killed has no exit code: it is counted apart.
            let killed = reaped - exitCodes.values.reduce(0, +)
            if codes == [1] && killed == 0 {
                text += children == 1 ? ", it exited 1" : ", each exited 1"
                text += "; the parent's exitstat is still \(parentExitStat): each child changed only its own copy"
            } else if reaped > 0 {
                var parts = codes.map { "\(exitCodes[$0]!) exited \($0)" }
                if killed > 0 { parts.append("\(killed) killed by a signal") }
                text += " (" + parts.joined(separator: ", ") + "); the parent's exitstat is \(parentExitStat)"
            }
            return text + cost(elapsed, children, "fork+wait")
        case let .spawn(children, reaped, outcomes, elapsed):
            var parts: [String] = []
            if outcomes.exitedZero > 0 { parts.append("\(outcomes.exitedZero) exited 0") }
            if outcomes.exitedNonZero > 0 { parts.append("\(outcomes.exitedNonZero) exited non-zero") }
            if outcomes.killed > 0 { parts.append("\(outcomes.killed) killed by a signal") }
            if outcomes.couldNotRun > 0 { parts.append("\(outcomes.couldNotRun) could not run") }
            var text = "spawn: \(count(children, "child", "children")) started, \(reaped) reaped, \(children - reaped) left"
            if !parts.isEmpty { text += " (" + parts.joined(separator: ", ") + ")" }
            if outcomes.leftRunning > 0 {
                text += outcomes.leftRunning == 1
                    ? "; 1 process left running by a child was ended"
                    : "; \(outcomes.leftRunning) processes left running by children were ended"
            }
            return text + cost(elapsed, children, "fork+exec+wait")
        case let .threads(started, wanted, lines, expectedLines, elapsed, startup, running):
            let threads = started == wanted
                ? "\(count(started, "thread", "threads")) started and joined"
                : "\(started) of \(wanted) threads started, \(started) joined"
            let written = lines == expectedLines
                ? count(lines, "line", "lines") : "\(lines) of \(expectedLines) lines"
            guard startup > 0, running > 0, started > 0 else {
                return "threads: \(threads), \(written) written" + cost(elapsed, lines, "line")
            }
            // As lmbench does: each primitive's cost apart, not one blend.
            return "threads: \(threads), \(written) written" + cost(startup, started, "thread start")
                + cost(running, lines, "line").replacingFirst("; ", with: ", ")
        case let .produce(outcome):
            var text = "produce: \(outcome.produced) produced, \(outcome.consumed) consumed, \(outcome.lost) lost"
            if outcome.unprinted > 0 { text += ", \(outcome.unprinted) taken but not printed" }
            if outcome.queue.left > 0 { text += ", \(outcome.queue.left) left in the queue" }
            text += "; \(count(outcome.producers, "producer", "producers")) and "
                + "\(count(outcome.consumers, "consumer", "consumers")) joined"
            text += "; the queue held at most \(outcome.queue.peak)"
            if let capacity = outcome.capacity {
                text += " of \(capacity), producers waited \(count(outcome.queue.producerWaits, "time", "times"))"
            }
            let threads = outcome.producers + outcome.consumers
            guard outcome.startup > 0, outcome.running > 0, threads > 0 else {
                return text + rate(outcome.consumed, outcome.elapsed, "msgs")
            }
            // As lmbench does: each primitive's cost apart, not one blend.
            return text + cost(outcome.startup, threads, "thread start")
                + rate(outcome.consumed, outcome.running, "msgs").replacingFirst("; ", with: ", ")
        case let .race(threads, increments, runs):
            var text = "race: \(count(threads, "thread", "threads")) × \(count(increments, "increment", "increments"))"
            if runs.isEmpty { return text + "; no run completed" }
            for run in runs {
                let share = run.expected > 0 ? Double(run.lost) * 100 / Double(run.expected) : 0
                text += run.locked ? (runs.count > 1 ? "; with it " : "; with the mutex ") : "; without the mutex "
                if run.expected < threads * increments {
                    text += "stopped after \(run.expected) of \(threads * increments), "
                }
                text += run.lost == 0 ? "none lost" : "\(run.lost) lost (\(oneDecimal(share))%)"
                text += cost(run.elapsed, run.expected, "increment").replacingFirst("; ", with: ", ")
            }
            return text
        }
    }
}

/// `12.3`: one decimal, rounded.
func oneDecimal(_ value: Double) -> String {
    guard value.isFinite else { return "\(value)" }
    let tenths = Int((value * 10).rounded())
    return "\(tenths / 10).\(tenths % 10)"
}

/// `; 1.9 M msgs/s`: how many a second, with k or M.
private func rate(_ done: Int, _ elapsed: UInt64, _ unit: String) -> String {
    guard done > 0, elapsed > 0 else { return "" }
    let perSecond = Double(done) * 1e9 / Double(elapsed)
    if perSecond >= 1e6 { return "; \(oneDecimal(perSecond / 1e6)) M \(unit)/s" }
    if perSecond >= 1e3 { return "; \(oneDecimal(perSecond / 1e3)) k \(unit)/s" }
    return "; \(Int(perSecond.rounded())) \(unit)/s"
}

extension String {
    fileprivate func replacingFirst(_ target: String, with replacement: String) -> String {
        guard hasPrefix(target) else { return self }
        return replacement + dropFirst(target.count)
    }
}

private func count(_ n: Int, _ one: String, _ many: String) -> String {
    "\(n) \(n == 1 ? one : many)"
}

/// `; 312 µs per fork+wait`, with a decimal only below 100 µs; below
/// 1 µs in nanoseconds: `; 8.4 ns per increment`.
private func cost(_ elapsed: UInt64, _ operations: Int, _ name: String) -> String {
    guard operations > 0 else { return "" }
    let nanoseconds = Double(elapsed) / Double(operations)
    if nanoseconds < 999.5 {
        let shown = nanoseconds < 99.95 ? oneDecimal(nanoseconds) : "\(Int(nanoseconds.rounded()))"
        return "; \(shown) ns per \(name)"
    }
    let tenths = Int((nanoseconds / 100).rounded())
    let micros = tenths >= 1000 ? "\(Int((nanoseconds / 1000).rounded()))" : "\(tenths / 10).\(tenths % 10)"
    return "; \(micros) µs per \(name)"
}
