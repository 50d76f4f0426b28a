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
    /// `Parent got …`), rendered by `parentLine` in the console's
    /// parent-only buffer: no allocation (but for a signal's note), and no
    /// page of the heap written after each fork. False for any other event.
    private func emitWithoutAllocating(_ event: TraceEvent) throws(OutputError) -> Bool {
        switch event {
        case .forked, .spawned, .reaped:
            try console.writeLine { line in
                startPaint(line)
                Self.parentLine(event, into: line)
                endPaint(line)
            }
            return true
        default:
            return false
        }
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
        case .holdsBoth:
            line = bytes("[", threadNumber, "] has m", LineTemplate.thread, " and m", LineTemplate.index)
        case .emptyWakeup:
            line = bytes("consumer ", threadNumber, " woke up and the queue was empty: an if, not a while")
        case .put, .started, .ended, .slept:
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
        case .forked, .spawned, .reaped:
            let line = TextLine()
            parentLine(event, into: line)
            return line.text
        case let .raced(locked, expected, got):
            return "race \(locked ? "lock" : "nolock"): expected \(expected) got \(got) lost \(expected - got)"
        case let .tree(event):
            return event.text
        case let .deadlock(event):
            return event.text
        case let .stuck(event):
            return event.text
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

extension BookText {
    /// The one wording of the parent's lines for each child, without the
    /// newline: `Hello from parent PARENT CHILD`, `Child is CHILD`,
    /// `Parent got CHILD STATUS CODE` (with the signal's note when one
    /// killed it). Nothing for any other event.
    static func parentLine(_ event: TraceEvent, into line: some LineBuilder) {
        switch event {
        case let .forked(parent, child):
            line.append("Hello from parent ")
            line.append(decimal: Int64(parent))
            line.append(" ")
            line.append(decimal: Int64(child))
        case let .spawned(child):
            line.append("Child is ")
            line.append(decimal: Int64(child))
        case let .reaped(child, status):
            line.append("Parent got ")
            line.append(decimal: Int64(child))
            line.append(" ")
            line.append(decimal: Int64(status.rawValue))
            line.append(" ")
            line.append(decimal: Int64(status.shiftedCode))
            if status.terminatingSignal != nil { line.append(utf8: status.signalNote) }
        case .raced, .tree, .deadlock, .stuck, .summary:
            break
        }
    }
}

/// What a line is rendered into: a String (`TextLine`), or the console's
/// parent-only buffer, which the lines written after every fork use. A
/// class, so that rendering takes no copy of the buffer's reference: a
/// retain would write its object's page, which a fork has just shared.
protocol LineBuilder: AnyObject {
    func append(_ text: StaticString)
    func append(utf8 text: String)
    func append(decimal value: Int64)
}

extension ParentOnlyBuffer: LineBuilder where Element == UInt8 {}

/// A line rendered into a String.
final class TextLine: LineBuilder {
    private(set) var text = ""

    func append(_ text: StaticString) { self.text += text.description }
    func append(utf8 text: String) { self.text += text }
    func append(decimal value: Int64) { text += String(value) }
}
