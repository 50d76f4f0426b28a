import CForklabSystem

/// Where an experiment's events go: the book-text renderer, a JSON renderer,
/// a recorder in tests. Experiments never print; they hand events to a sink.
public protocol TraceSink: AnyObject {
    /// Renders an event the parent saw.
    func emit(_ record: TraceRecord) throws(OutputError)

    /// Renders what `bench` measured of one primitive: `time` nanoseconds
    /// after the command started, in forklab, `pid`.
    func emit(bench result: BenchResult, time: UInt64, pid: Int32) throws(OutputError)

    /// The line a forked child writes for `event`, using the `LineTemplate`
    /// placeholders for what only the child knows (its pid, its time).
    /// An empty line means the child writes nothing.
    func childLine(for event: ChildEvent) -> LineTemplate

    /// The line a thread of a thread experiment writes for `event`, with
    /// placeholders for the thread's numbers. The thread fills it in and
    /// writes it itself, so the order of lines is the order threads wrote.
    func threadLine(for event: ThreadEvent) -> LineTemplate

    /// Whether a `nolock` thread writes its line as the text, then the
    /// newline, in two writes, as Python's print does (the book's text);
    /// false for formats whose lines must never tear (JSON).
    var splitsUnlockedLines: Bool { get }

    /// Where a spawned program's stdout goes: nil for forklab's stdout;
    /// another descriptor when the trace format must keep stdout to itself.
    var programOutput: Int32? { get }

    /// The options of forklab that make a program of its own (`exit after
    /// T`, forklab exec'd) write its lines as this sink does: `--json`.
    var programOptions: [String] { get }
}

extension TraceSink {
    public var splitsUnlockedLines: Bool { true }
    public var programOutput: Int32? { nil }
    public var programOptions: [String] { [] }
}

/// The bytes a child process or a thread writes, with placeholders it fills
/// in, and the descriptor it writes them to.
public struct LineTemplate: Hashable, Sendable {
    public var bytes: [UInt8]
    public var fd: Int32

    public init(bytes: [UInt8], fd: Int32) {
        self.bytes = bytes
        self.fd = fd
    }

    /// Replaced by the child's pid.
    public static let pid = UInt8(FL_SLOT_PID)
    /// Replaced by the nanoseconds since the command started.
    public static let elapsed = UInt8(FL_SLOT_ELAPSED_NS)
    /// Replaced by the child's copy of the counter (forkexit's exitstat).
    public static let counter = UInt8(FL_SLOT_COUNTER)
    /// Replaced by the thread's number (0-based), or the consumer's.
    public static let thread = UInt8(FL_SLOT_THREAD)
    /// Replaced by the count: `i` of `[t] => i`, a message's count; a
    /// sleep's nanoseconds.
    public static let index = UInt8(FL_SLOT_INDEX)
    /// Replaced by the number of the producer that put a message.
    public static let producer = UInt8(FL_SLOT_PRODUCER)
    /// Replaced by the exit code a child is about to leave with.
    public static let code = UInt8(FL_SLOT_CODE)
    /// Replaced by the kernel's id of the writing thread (gettid).
    public static let tid = UInt8(FL_SLOT_TID)
    /// Replaced by the terminal colour of the thread's number.
    public static let color = UInt8(FL_SLOT_COLOR)

    /// Whether nothing is written for the event.
    public var isEmpty: Bool { bytes.isEmpty }

    /// Calls `body` with the bytes as C characters.
    func withCChars<R>(_ body: (UnsafeBufferPointer<CChar>) -> R) -> R {
        bytes.withUnsafeBufferPointer { $0.withMemoryRebound(to: CChar.self, body) }
    }
}

/// Text and placeholders as one byte array.
func bytes(_ parts: any TemplatePart...) -> [UInt8] {
    parts.flatMap(\.templateBytes)
}

/// A piece of a `LineTemplate`: text, or a placeholder byte.
protocol TemplatePart {
    var templateBytes: [UInt8] { get }
}

extension String: TemplatePart {
    var templateBytes: [UInt8] { Array(utf8) }
}

extension UInt8: TemplatePart {
    var templateBytes: [UInt8] { [self] }
}

extension Array: TemplatePart where Element == UInt8 {
    var templateBytes: [UInt8] { self }
}

/// Why output could not be written.
public enum OutputError: Error, Hashable, Sendable {
    /// The reader went away (EPIPE): `forklab … | head -1`.
    case closed
    /// Any other write error (a full disk, EIO).
    case failed(Errno)
    /// A Ctrl-C (or SIGTERM) ended a write that was blocked, on a full pipe
    /// whose reader stopped reading, say.
    case interrupted
}

/// Why a command stopped writing for good: an `OutputError` less the
/// Ctrl-C, which stops a command as `LabError.interrupted`.
public enum OutputFailure: Hashable, Sendable {
    /// The reader went away (EPIPE).
    case closed
    /// Any other write error (a full disk, EIO).
    case failed(Errno)
}
