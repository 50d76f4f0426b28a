/// Renders events as the lines the book's Python programs print, one
/// write(2) a line, and summaries as lines starting `# `.
public final class BookText: TraceSink {
    let console: Console

    public init(console: Console) { self.console = console }

    public func emit(_ record: TraceRecord) throws(OutputError) {
        try console.write(Self.line(for: record.event) + "\n")
    }

    public func childLine(for event: ChildEvent) -> ChildLine {
        switch event {
        case .hello:
            return ChildLine(bytes: Array("Hello from child ".utf8) + [ChildLine.pid, 0x0a], fd: console.fd)
        case .exitStat:
            return ChildLine(bytes: Array("Hello from child ".utf8) + [ChildLine.pid, 0x20, ChildLine.counter, 0x0a], fd: console.fd)
        }
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
            return text + cost(elapsed, children, "fork+exec+wait")
        }
    }
}

private func count(_ n: Int, _ one: String, _ many: String) -> String {
    "\(n) \(n == 1 ? one : many)"
}

/// `; 312 µs per fork+wait`, with a decimal only below 100 µs.
private func cost(_ elapsed: UInt64, _ operations: Int, _ name: String) -> String {
    guard operations > 0 else { return "" }
    let nanoseconds = Double(elapsed) / Double(operations)
    let tenths = Int((nanoseconds / 100).rounded())
    let micros = tenths >= 1000 ? "\(Int((nanoseconds / 1000).rounded()))" : "\(tenths / 10).\(tenths % 10)"
    return "; \(micros) µs per \(name)"
}
