import CTestSupport
import Foundation
import Testing

/// A forklab that keeps running while a test talks to it: at a real
/// pseudo-terminal (as a person types) or through pipes (as a script).
final class LiveForklab {
    let pid: pid_t
    let home: URL
    /// Where the test writes keys or lines.
    private var input: Int32
    /// Where forklab's output comes from (the terminal, or stdout); -1
    /// once the terminal hung up.
    private var output: Int32
    private let errors: Int32
    /// Everything read so far, and how much of it `expect` has consumed.
    private(set) var transcript: [UInt8] = []
    private(set) var errorText: [UInt8] = []
    private var consumed = 0
    private(set) var ended: Ending?

    /// Starts forklab at a pseudo-terminal (80×24, TERM=xterm); with
    /// `stdout`, its stdout goes there instead, as in `forklab | tee log`.
    /// `options` may name another binary and a user to run it as.
    init(terminal arguments: [String] = [], environment: [String: String]? = nil, stdout: Int32 = -1,
         options: RunOptions = RunOptions()) {
        home = temporaryFolder()
        var master: Int32 = -1
        var slave: Int32 = -1
        precondition(ts_open_pty(&master, &slave) == 0)
        pid = spawnProcess(options.binary, arguments, environment: environment ?? testEnvironment(home: home),
                           stdin: -1, stdout: stdout, stderr: -1, terminal: slave, options: options)
        close(slave)
        input = master
        output = master
        errors = -1
    }

    /// Sets the pseudo-terminal's size, as a window resize does (the
    /// kernel sends SIGWINCH to the foreground group).
    func resize(columns: UInt16, rows: UInt16 = 24) {
        var size = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(input, UInt(TIOCSWINSZ), &size)
    }

    /// Starts forklab reading commands from a pipe, stdout and stderr piped.
    init(pipes arguments: [String] = []) {
        home = temporaryFolder()
        let stdin = makePipe()
        let stdout = makePipe()
        let stderr = makePipe()
        pid = spawnProcess(forklabPath, arguments, environment: testEnvironment(home: home),
                           stdin: stdin.read, stdout: stdout.write, stderr: stderr.write)
        close(stdin.read)
        close(stdout.write)
        close(stderr.write)
        input = stdin.write
        output = stdout.read
        errors = stderr.read
        _ = fcntl(errors, F_SETFL, O_NONBLOCK)
    }

    deinit {
        if ended == nil {
            kill(pid, SIGKILL)
            _ = reap(pid)
        }
        if input >= 0 { close(input) }
        if output >= 0 && output != input { close(output) }
        if errors >= 0 { close(errors) }
        try? FileManager.default.removeItem(at: home)
    }

    /// Sends bytes as typed (or as a script line).
    func send(_ text: String) {
        var bytes = Array(text.utf8)
        while !bytes.isEmpty {
            let n = write(input, bytes, bytes.count)
            if n < 0 && errno == EINTR { continue }
            precondition(n > 0, "write to forklab failed: \(errno)")
            bytes.removeFirst(n)
        }
    }

    /// Ends forklab's input (a pipe's end of file).
    func closeInput() {
        close(input)
        input = -1
    }

    /// Closes the pseudo-terminal's master, as a terminal window that is
    /// closed does: the terminal hangs up (SIGHUP to forklab, its session
    /// leader; EIO on its writes).
    func hangUp() {
        precondition(input == output, "hangUp is for a forklab at a terminal")
        close(input)
        input = -1
        output = -1
    }

    /// Reads until `text` appears after what earlier calls consumed; returns
    /// the output up to and including it (nil, and a test failure, when the
    /// deadline passes or forklab's output ends first).
    @discardableResult
    func expect(_ text: String, within seconds: TimeInterval = 30,
                sourceLocation: SourceLocation = #_sourceLocation) -> String? {
        let needle = Array(text.utf8)
        let deadline = Date().addingTimeInterval(seconds)
        var searchFrom = consumed
        while true {
            if let range = find(needle, from: searchFrom) {
                let seen = String(decoding: transcript[consumed..<range.upperBound], as: UTF8.self)
                consumed = range.upperBound
                return seen
            }
            // What was searched holds no match: only its last bytes can start one.
            searchFrom = max(consumed, transcript.count - needle.count + 1)
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 || !readMore(timeout: remaining) {
                Issue.record("expected \(text.debugDescription); got \(String(decoding: transcript[consumed...], as: UTF8.self).debugDescription)", sourceLocation: sourceLocation)
                return nil
            }
        }
    }

    /// Waits for forklab to exit (reading its output meanwhile).
    func waitForExit(within seconds: TimeInterval = 30) -> Ending {
        let deadline = Date().addingTimeInterval(seconds)
        while output >= 0 && deadline.timeIntervalSinceNow > 0 && readMore(timeout: deadline.timeIntervalSinceNow) {}
        var status: Int32 = 0
        var result: pid_t = 0
        while deadline.timeIntervalSinceNow > 0 {
            result = waitpid(pid, &status, WNOHANG)
            if result == pid { break }
            usleep(20_000)
        }
        if result != pid {
            Issue.record("forklab \(pid) did not exit; its output ended with \(String(decoding: transcript.suffix(2000), as: UTF8.self).debugDescription)")
            kill(pid, SIGKILL)
            var ending = reap(pid)
            ending.timedOut = true
            ended = ending
            return ending
        }
        drainErrors()
        let ending = status & 0x7f == 0 ? Ending(exitCode: (status >> 8) & 0xff) : Ending(exitCode: nil, signal: status & 0x7f)
        ended = ending
        return ending
    }

    /// The terminal's c_lflag, read through the master.
    func localFlags() -> String {
        var modes = termios()
        guard tcgetattr(output, &modes) == 0 else { return "?" }
        return String(modes.c_lflag, radix: 8) + " ISIG=\(modes.c_lflag & UInt32(ISIG) != 0) ICANON=\(modes.c_lflag & UInt32(ICANON) != 0)"
    }

    /// stderr so far (pipes mode).
    var stderrText: String {
        drainErrors()
        return String(decoding: errorText, as: UTF8.self)
    }

    /// Output not yet consumed by `expect`.
    var unconsumed: String { String(decoding: transcript[consumed...], as: UTF8.self) }

    private func drainErrors() {
        guard errors >= 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(errors, &buffer, buffer.count)
            if n <= 0 { return }
            errorText.append(contentsOf: buffer[0..<n])
        }
    }

    /// Reads what is there within `timeout`; false at end of output.
    private func readMore(timeout: TimeInterval) -> Bool {
        var entry = pollfd(fd: output, events: Int16(POLLIN), revents: 0)
        let ready = poll(&entry, 1, Int32(max(1, min(timeout, 1) * 1000)))
        drainErrors()
        if ready < 0 { return errno == EINTR }
        if ready == 0 { return true }
        var buffer = [UInt8](repeating: 0, count: 65536)
        let n = read(output, &buffer, buffer.count)
        if n > 0 {
            transcript.append(contentsOf: buffer[0..<n])
            return true
        }
        if n < 0 && errno == EINTR { return true }
        return false  // end of file, or EIO once the terminal's last user left
    }

    private func find(_ needle: [UInt8], from start: Int) -> Range<Int>? {
        guard !needle.isEmpty, needle.count <= transcript.count - start else { return nil }
        // memmem: a byte loop in a debug build is too slow for megabytes of output.
        let offset: Int? = transcript.withUnsafeBytes { haystack in
            needle.withUnsafeBytes { pattern in
                let found = ts_find(haystack.baseAddress! + start, haystack.count - start, pattern.baseAddress!, pattern.count)
                return found < 0 ? nil : start + found
            }
        }
        return offset.map { $0..<$0 + needle.count }
    }
}
