import Glibc
import ForklabEngine
import ForklabWords

/// What reading the next line gave.
enum LineEvent: Equatable {
    case line(String)
    /// End of input: Ctrl-D, the end of a script.
    case end
    /// Ctrl-C while waiting for a line.
    case interrupted
    /// A line longer than a reader takes, skipped whole.
    case tooLong(limit: Int)
}

/// Where commands come from: the terminal through libedit, or a script.
protocol LineReader: AnyObject {
    /// Whether this is a person at a terminal (prompt, repeat on Enter).
    var interactive: Bool { get }
    /// The number of the line last read, for error messages in scripts.
    var lineNumber: Int { get }
    /// Why input ended early (a read error), once `next()` gave `.end`.
    var failure: String? { get }
    func next() -> LineEvent
    /// An answer to a `quiz` question: the next line, read at a terminal
    /// with the prompt `answer> ` and kept out of the history.
    func answer() -> LineEvent
}

extension LineReader {
    /// In a script the answers are simply its next lines.
    func answer() -> LineEvent { next() }
}

/// Lines from a descriptor (a piped stdin, a FILE) or from a string (`-c`),
/// read with read(2) in large blocks: no prompt, no echo, no editing.
/// Any bytes are accepted; bytes that are not UTF-8 are kept as they are
/// (`String(rawBytes:)`), so that a word reaches the kernel unchanged.
/// A UTF-8 byte order mark at the very start of the input is skipped.
final class ScriptReader: LineReader {
    let interactive = false
    private(set) var lineNumber = 0
    private(set) var failure: String?
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false

    /// Reads from `fd` (not closed here).
    init(fd: Int32) { self.fd = fd }

    /// Reads the lines of `bytes` (`-c COMMANDS`).
    init(bytes: [UInt8]) {
        fd = -1
        buffer = bytes
        atEnd = true
    }

    /// The longest line read; a longer one is skipped, so that memory stays
    /// bounded whatever comes in (`forklab < /dev/zero`).
    static let maximumLine = 1 << 20

    /// Where the search for the next newline resumes: bytes before it are known
    /// to hold none, so a long line is scanned once, not once per block.
    private var scanned = 0
    /// Inside a line too long to keep: its bytes are dropped up to its newline.
    private var skipping = false

    func next() -> LineEvent {
        while true {
            if let newline = buffer[max(start, scanned)...].firstIndex(of: 0x0a) {
                if skipping || newline - start > Self.maximumLine { return skipped(through: newline) }
                return take(upTo: newline, skipping: 1)
            }
            scanned = buffer.count
            if buffer.count - start > Self.maximumLine {
                buffer.removeAll(keepingCapacity: true)
                start = 0
                scanned = 0
                skipping = true
            }
            if atEnd {
                if skipping { return skipped(through: nil) }
                return start < buffer.count ? take(upTo: buffer.count, skipping: 0) : .end
            }
            switch fill() {
            case .interrupted: return .interrupted
            case .filled, .end: continue
            }
        }
    }

    /// Ends a skipped line at its newline (or at the end of input).
    private func skipped(through newline: Int?) -> LineEvent {
        skipping = false
        lineNumber += 1
        if let newline {
            buffer.removeFirst(newline + 1)
        } else {
            buffer.removeAll()
        }
        start = 0
        scanned = 0
        return .tooLong(limit: Self.maximumLine)
    }

    private func take(upTo end: Int, skipping: Int) -> LineEvent {
        var line = buffer[start..<end]
        if line.last == 0x0d { line = line.dropLast() }  // CRLF scripts
        // A UTF-8 byte order mark, which some Windows editors put first: only
        // there is it one; anywhere else U+FEFF is part of a word.
        if lineNumber == 0 && line.starts(with: [0xef, 0xbb, 0xbf]) { line = line.dropFirst(3) }
        start = end + skipping
        lineNumber += 1
        if start > 1 << 16 && start * 2 > buffer.count {
            buffer.removeFirst(start)
            start = 0
        }
        scanned = start
        return .line(line.withUnsafeBytes { String(rawBytes: $0) })
    }

    private enum Fill { case filled, end, interrupted }

    private func fill() -> Fill {
        let chunk = 1 << 16
        while true {
            // Waits on the self-pipe too, so that a SIGTERM landing just
            // before the read is not left waiting for more input.
            if Interruption.stopRequested { return .interrupted }
            var waits = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0),
                         pollfd(fd: Interruption.wakeDescriptor, events: Int16(POLLIN), revents: 0)]
            if poll(&waits, 2, -1) < 0 {
                if errno == EINTR { continue }
            } else if waits[0].revents == 0 {
                Interruption.drainWakeUps()
                continue
            }
            let old = buffer.count
            buffer.append(contentsOf: repeatElement(0, count: chunk))
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + old, chunk) }
            let error = errno
            buffer.removeLast(chunk - max(n, 0))
            if n > 0 { return .filled }
            if n < 0 && error == EINTR { continue }
            if n < 0 { failure = "cannot read commands: \(Errno(rawValue: error))" }
            atEnd = true
            return .end
        }
    }
}
