// Helpers shared by the engine tests: a recording sink, a pipe the children
// write into, a temporary folder, and checks on /proc.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Testing
@testable import ForklabEngine

/// Installs forklab's signal handling once for the whole test process
/// (SIGPIPE ignored, SIGINT counted, SIGCHLD wakes the reaper).
private let installOnce: Bool = {
    do {
        try Interruption.install()
        return true
    } catch {
        return false
    }
}()

/// Call at the start of every test that runs the Lab. Also forgets any
/// Ctrl-C an earlier test left counted.
func prepareLab() {
    #expect(installOnce, "Interruption.install() failed")
    // execvp searches the test process's PATH: a folder in it that this user
    // cannot enter would turn "not found" into EACCES. Use the system's.
    setenv("PATH", "/usr/local/bin:/usr/bin:/bin", 1)
    Interruption.clear()
}

/// The book's child lines, as `BookText` describes them.
let bookHello: [UInt8] = Array("Hello from child ".utf8) + [LineTemplate.pid, 0x0a]
let bookExitStat: [UInt8] = Array("Hello from child ".utf8) + [LineTemplate.pid, 0x20, LineTemplate.counter, 0x0a]

/// A sink that records every event, and whose children write their lines
/// to `fd` (a pipe the test reads back).
final class Recorder: TraceSink {
    private(set) var records: [TraceRecord] = []
    let fd: Int32
    let hello: [UInt8]
    let exitStat: [UInt8]
    /// When set, `emit` throws `error` once this many records were taken.
    var failAfter: Int?
    var error: OutputError = .closed
    private(set) var refused = 0

    init(fd: Int32 = -1, hello: [UInt8] = bookHello, exitStat: [UInt8] = bookExitStat) {
        self.fd = fd
        self.hello = hello
        self.exitStat = exitStat
    }

    /// Events the book prints no line for (fork's reaps, forkexit's forks),
    /// kept apart so that `records` is what the book's text shows.
    private(set) var unprinted: [TraceRecord] = []
    /// What `bench` measured, in order.
    private(set) var benchResults: [BenchResult] = []

    func emit(bench result: BenchResult, time: UInt64, pid: Int32) throws(OutputError) {
        benchResults.append(result)
    }

    func emit(_ record: TraceRecord) throws(OutputError) {
        guard record.printed else { return unprinted.append(record) }
        if let failAfter, records.count >= failAfter {
            refused += 1
            throw error
        }
        records.append(record)
    }

    func childLine(for event: ChildEvent) -> LineTemplate {
        switch event {
        case .hello: return LineTemplate(bytes: hello, fd: fd)
        case .exitStat: return LineTemplate(bytes: exitStat, fd: fd)
        case .exit, .exec: return LineTemplate(bytes: [], fd: fd)
        }
    }

    /// Threads write the book's lines to `fd`.
    func threadLine(for event: ThreadEvent) -> LineTemplate {
        BookText(console: Console(fd: fd)).threadLine(for: event)
    }

    var events: [TraceEvent] { records.map(\.event) }

    var forked: [(parent: Int32, child: Int32)] {
        events.compactMap { if case let .forked(parent, child) = $0 { (parent, child) } else { nil } }
    }

    var spawned: [Int32] {
        events.compactMap { if case let .spawned(child) = $0 { child } else { nil } }
    }

    var reaped: [(child: Int32, status: WaitStatus)] {
        events.compactMap { if case let .reaped(child, status) = $0 { (child, status) } else { nil } }
    }

    var summaries: [Summary] {
        events.compactMap { if case let .summary(summary) = $0 { summary } else { nil } }
    }

    /// Every pid the parent reported, in any event.
    var allPIDs: Set<Int32> {
        Set(forked.map(\.child) + spawned + reaped.map(\.child))
    }
}

/// A pipe made with pipe(2); the read end is non-blocking so that the test
/// can take everything the (already reaped) children wrote without needing
/// an end-of-file that a descriptor copied elsewhere might delay.
final class TestPipe {
    let readFD: Int32
    let writeFD: Int32

    init() {
        var fds: [Int32] = [-1, -1]
        let result = pipe(&fds)
        precondition(result == 0, "pipe failed: \(errno)")
        readFD = fds[0]
        writeFD = fds[1]
        let flags = fcntl(readFD, F_GETFL)
        _ = fcntl(readFD, F_SETFL, flags | O_NONBLOCK)
    }

    deinit {
        closeReadEnd()
        closeWriteEnd()
    }

    private var readOpen = true
    /// Closes the read end once: a second close could hit a descriptor
    /// another test has opened since under the same number.
    func closeReadEnd() {
        if readOpen { close(readFD) }
        readOpen = false
    }

    private var writeOpen = true
    func closeWriteEnd() {
        if writeOpen { close(writeFD) }
        writeOpen = false
    }

    /// Everything in the pipe now.
    func drain() -> [UInt8] {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(readFD, $0.baseAddress, $0.count) }
            if n > 0 {
                bytes += buffer[0..<n]
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                break  // EAGAIN: empty; 0: every writer closed
            }
        }
        return bytes
    }

    /// The lines in the pipe now; `complete` is false when the last line
    /// had no newline.
    func drainLines() -> (lines: [String], complete: Bool) {
        let text = String(decoding: drain(), as: UTF8.self)
        if text.isEmpty { return ([], true) }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let complete = lines.last == ""
        if complete { lines.removeLast() }
        return (lines, complete)
    }
}

/// The contents of a small file (such as /proc/PID/stat), or nil.
func readSmallFile(_ path: String) -> String? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    if fd < 0 { return nil }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n > 0 {
            bytes += buffer[0..<n]
        } else if n < 0 && errno == EINTR {
            continue
        } else if n < 0 {
            return nil  // ESRCH: the process went away while we read
        } else {
            break
        }
    }
    return String(decoding: bytes, as: UTF8.self)
}

/// Whether `pid` is a child of this process (running or a zombie): its
/// /proc/PID/stat exists and names us as its parent.
func isChildOfUs(_ pid: Int32) -> Bool {
    guard let stat = readSmallFile("/proc/\(pid)/stat"),
          let close = stat.lastIndex(of: ")") else { return false }
    // After "pid (comm)": state, ppid, …
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    guard fields.count > 1, let ppid = Int32(fields[1]) else { return false }
    return ppid == getpid()
}

/// Records an issue for each pid that is still our child (not reaped).
func expectNoneLeft(_ pids: some Sequence<Int32>, sourceLocation: SourceLocation = #_sourceLocation) {
    for pid in pids {
        #expect(!isChildOfUs(pid), "child \(pid) was left behind", sourceLocation: sourceLocation)
    }
}

/// A temporary folder, removed with what the test put in it.
final class TempDir {
    let path: String
    private var entries: [String] = []

    init() {
        var template = Array("/tmp/forklab-engine-tests-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "mkdtemp failed: \(errno)")
        path = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    deinit {
        for entry in entries { unlink(entry) }
        rmdir(path)
    }

    /// Writes a file with `mode`; the descriptor is close-on-exec so that no
    /// concurrently forked child keeps it open for writing (ETXTBSY).
    @discardableResult
    func file(_ name: String, contents: String, mode: mode_t) -> String {
        let full = path + "/" + name
        let fd = open(full, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        precondition(fd >= 0, "open \(full) failed: \(errno)")
        let bytes = Array(contents.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if n < 0 && errno == EINTR { continue }
            precondition(n > 0, "write failed: \(errno)")
            offset += n
        }
        close(fd)
        chmod(full, mode)  // whatever the umask
        entries.append(full)
        return full
    }

    /// A symbolic link `name` → `target`.
    @discardableResult
    func link(_ name: String, to target: String) -> String {
        let full = path + "/" + name
        precondition(symlink(target, full) == 0, "symlink failed: \(errno)")
        entries.append(full)
        return full
    }
}

/// Runs an experiment with a fresh Lab and returns the error it threw.
@discardableResult
func runLab(
    _ experiment: Experiment, sink: Recorder, childInput: ChildInput = .null, programDirectory: String? = nil,
    killGrace: UInt64? = nil
) -> LabError? {
    let lab = Lab(sink: sink, childInput: childInput, programDirectory: programDirectory)
    if let killGrace { lab.killGrace = killGrace }
    do {
        try lab.run(experiment)
        return nil
    } catch {
        return error
    }
}

/// What a test child does right after fork: only async-signal-safe calls.
enum ChildAction {
    case exit(Int32)
    case killSelf(Int32)
}

/// Forks a child that does `action`, reaps it by pid (retrying EINTR) and
/// returns its raw wait status, or nil when fork or waitpid failed.
func forkAndReap(_ action: ChildAction) -> Int32? {
    let pid = fork()
    if pid == 0 {
        switch action {
        case let .exit(code):
            _exit(code)
        case let .killSelf(signal):
            _ = kill(getpid(), signal)
            _exit(99)
        }
    }
    if pid < 0 { return nil }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 {
        if errno != EINTR { return nil }
    }
    return status
}

/// SplitMix64: the same numbers on every run.
struct Seeded: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
