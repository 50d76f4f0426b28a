import CTestSupport
import Foundation
import Testing

// Runs the built forklab binary the way a user does: through pipes, files
// and a real pseudo-terminal. Nothing here measures time; deadlines only
// keep a broken build from hanging the suite, and a missed one fails.

/// The binary under test: $FORKLAB_BIN, else `forklab` beside this test bundle.
let forklabPath: String = {
    if let path = ProcessInfo.processInfo.environment["FORKLAB_BIN"] { return path }
    let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    var folder = bundle.deletingLastPathComponent()
    // .build/debug/forklabPackageTests.xctest, or inside it on some layouts
    for _ in 0..<4 {
        let candidate = folder.appendingPathComponent("forklab").path
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        folder = folder.deletingLastPathComponent()
    }
    return bundle.deletingLastPathComponent().appendingPathComponent("forklab").path
}()

/// The checkout's root (for scripts/).
let projectRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A private folder for one test, removed by the caller.
func temporaryFolder() -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("forklab-test-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// The environment forklab runs in: a private HOME and history, a UTF-8
/// locale, and NO_COLOR, so that output at a pseudo-terminal is plain text
/// (the colour tests take it out).
func testEnvironment(home: URL, extra: [String: String] = [:]) -> [String: String] {
    var environment: [String: String] = [
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": home.path,
        "FORKLAB_HISTORY": home.appendingPathComponent("history").path,
        "FORKLAB_SCRIPTS": projectRoot.appendingPathComponent("scripts").path,
        "LANG": "C.UTF-8",
        "TERM": "xterm",
        "NO_COLOR": "1",
    ]
    environment.merge(extra) { $1 }
    return environment
}

/// How forklab ended.
struct Ending: Equatable, CustomStringConvertible {
    var exitCode: Int32?
    var signal: Int32?
    var timedOut = false

    var description: String {
        timedOut ? "timed out" : signal.map { "killed by signal \($0)" } ?? "exit \(exitCode!)"
    }
}

struct RunResult {
    var pid: pid_t
    var stdout: String
    var stderr: String
    var ending: Ending

    var status: Int32? { ending.exitCode }
    var stdoutLines: [String] { stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init) }
    var stderrLines: [String] { stderr.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init) }
    /// Trace lines: stdout without the `# ` summaries.
    var traceLines: [String] { stdoutLines.filter { !$0.hasPrefix("# ") } }
}

/// Options for one run.
struct RunOptions {
    var stdin: [UInt8]? = nil          // nil: /dev/null
    var stdoutToFile = false
    var environment: [String: String]? = nil
    var processLimit = 0
    /// When > 0: RLIMIT_NOFILE, the most descriptors forklab may have open.
    var descriptorLimit = 0
    var user: (uid: uid_t, gid: gid_t)? = nil
    var leakFD: Int32 = -1
    var oddSignals = false
    /// Bit n set: forklab starts with descriptor n closed.
    var closedStandard: Int32 = 0
    var deadline: TimeInterval = 120
    var binary = forklabPath
}

/// Starts a process with ts_spawn; the descriptors are the child's 0, 1, 2.
func spawnProcess(_ path: String, _ arguments: [String], environment: [String: String],
                  stdin: Int32, stdout: Int32, stderr: Int32, terminal: Int32 = -1,
                  options: RunOptions = RunOptions()) -> pid_t {
    spawnProcess(path, rawArguments: arguments.map { Array($0.utf8) }, environment: environment,
                 stdin: stdin, stdout: stdout, stderr: stderr, terminal: terminal, options: options)
}

/// Starts a process whose arguments are any bytes (but NUL), UTF-8 or not.
func spawnProcess(_ path: String, rawArguments: [[UInt8]], environment: [String: String],
                  stdin: Int32, stdout: Int32, stderr: Int32, terminal: Int32 = -1,
                  options: RunOptions = RunOptions()) -> pid_t {
    let argv = [strdup(path)] + rawArguments.map { bytes in
        (bytes + [0]).withUnsafeBufferPointer { strdup(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self)) }
    } + [nil]
    let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
        argv.forEach { free($0) }
        envp.forEach { free($0) }
    }
    var spawn = ts_spawn_options()
    spawn.stdin_fd = stdin
    spawn.stdout_fd = stdout
    spawn.stderr_fd = stderr
    spawn.terminal_fd = terminal
    spawn.leak_fd = options.leakFD
    spawn.process_limit = options.processLimit
    spawn.descriptor_limit = options.descriptorLimit
    spawn.uid = options.user?.uid ?? uid_t.max
    spawn.gid = options.user?.gid ?? gid_t.max
    spawn.odd_signals = options.oddSignals ? 1 : 0
    spawn.closed_standard = options.closedStandard
    let pid = path.withCString { cPath in
        argv.withUnsafeBufferPointer { argvBuffer in
            envp.withUnsafeBufferPointer { envpBuffer in
                spawn.path = cPath
                spawn.argv = argvBuffer.baseAddress
                spawn.envp = envpBuffer.baseAddress
                return ts_spawn(&spawn)
            }
        }
    }
    precondition(pid > 0, "ts_spawn failed: \(ts_errno())")
    return pid
}

func makePipe() -> (read: Int32, write: Int32) {
    var fds: [Int32] = [-1, -1]
    precondition(pipe(&fds) == 0)
    _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
    _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
    return (fds[0], fds[1])
}

/// Waits for `pid`, retrying EINTR; kills it first if `kill` is set.
func reap(_ pid: pid_t) -> Ending {
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 {
        if errno != EINTR { return Ending(exitCode: nil, signal: nil, timedOut: false) }
    }
    if status & 0x7f == 0 { return Ending(exitCode: (status >> 8) & 0xff) }
    return Ending(exitCode: nil, signal: status & 0x7f)
}

/// Everything left to read from `fd`, to its end of file; closes it.
func readToEnd(_ fd: Int32) -> String {
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let n = read(fd, &buffer, buffer.count)
        if n > 0 {
            bytes.append(contentsOf: buffer[0..<n])
        } else if n < 0 && errno == EINTR {
            continue
        } else {
            break
        }
    }
    close(fd)
    return String(decoding: bytes, as: UTF8.self)
}

/// Waits for `pid` at most `seconds`; past that it is killed and the
/// ending says it timed out (a test then fails instead of hanging).
func reap(_ pid: pid_t, within seconds: TimeInterval) -> Ending {
    let deadline = Date().addingTimeInterval(seconds)
    var status: Int32 = 0
    while Date() < deadline {
        let result = waitpid(pid, &status, WNOHANG)
        if result == pid {
            if status & 0x7f == 0 { return Ending(exitCode: (status >> 8) & 0xff) }
            return Ending(exitCode: nil, signal: status & 0x7f)
        }
        if result < 0 && errno != EINTR { return Ending(exitCode: nil, signal: nil) }
        usleep(10_000)
    }
    kill(pid, SIGKILL)
    var ending = reap(pid)
    ending.timedOut = true
    return ending
}

/// Runs forklab to its end and collects everything it wrote.
func runForklab(_ arguments: [String], _ options: RunOptions = RunOptions()) -> RunResult {
    runForklab(rawArguments: arguments.map { Array($0.utf8) }, options)
}

/// Runs forklab with arguments that are any bytes (but NUL), UTF-8 or not.
func runForklab(rawArguments arguments: [[UInt8]], _ options: RunOptions = RunOptions()) -> RunResult {
    let home = temporaryFolder()
    defer { try? FileManager.default.removeItem(at: home) }
    let environment = options.environment ?? testEnvironment(home: home)

    let input = options.stdin.map { _ in makePipe() }
    let output = makePipe()
    let errors = makePipe()
    var outputFile: URL?
    var stdoutFD = output.write
    if options.stdoutToFile {
        outputFile = home.appendingPathComponent("stdout")
        stdoutFD = open(outputFile!.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    }
    let pid = spawnProcess(options.binary, rawArguments: arguments, environment: environment,
                           stdin: input?.read ?? -1, stdout: stdoutFD, stderr: errors.write, options: options)
    if let input { close(input.read) }
    close(output.write)
    close(errors.write)
    if options.stdoutToFile { close(stdoutFD) }

    var stdinBytes = options.stdin ?? []
    var stdinFD = input?.write ?? -1
    if stdinFD >= 0 { _ = fcntl(stdinFD, F_SETFL, O_NONBLOCK) }
    if stdinFD >= 0 && stdinBytes.isEmpty { close(stdinFD); stdinFD = -1 }
    var collected: [Int32: [UInt8]] = [output.read: [], errors.read: []]
    var open = [output.read, errors.read]
    let deadline = Date().addingTimeInterval(options.deadline)
    var timedOut = false
    while !open.isEmpty || stdinFD >= 0 {
        var polls = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        if stdinFD >= 0 { polls.append(pollfd(fd: stdinFD, events: Int16(POLLOUT), revents: 0)) }
        let remaining = deadline.timeIntervalSinceNow
        if remaining <= 0 {
            timedOut = true
            kill(pid, SIGKILL)
            break
        }
        let ready = poll(&polls, nfds_t(polls.count), Int32(min(remaining, 1) * 1000))
        if ready < 0 && errno == EINTR { continue }
        for entry in polls where entry.revents != 0 {
            if entry.fd == stdinFD {
                let n = stdinBytes.withUnsafeBytes { write(stdinFD, $0.baseAddress, $0.count) }
                if n > 0 { stdinBytes.removeFirst(n) }
                if n < 0 && errno == EAGAIN { continue }
                if stdinBytes.isEmpty || n < 0 {
                    close(stdinFD)
                    stdinFD = -1
                }
                continue
            }
            var buffer = [UInt8](repeating: 0, count: 65536)
            let n = read(entry.fd, &buffer, buffer.count)
            if n > 0 {
                collected[entry.fd]!.append(contentsOf: buffer[0..<n])
            } else if n == 0 || (errno != EINTR && errno != EAGAIN) {
                close(entry.fd)
                open.removeAll { $0 == entry.fd }
            }
        }
    }
    open.forEach { close($0) }
    if stdinFD >= 0 { close(stdinFD) }
    var ending = reap(pid)
    ending.timedOut = timedOut
    var stdout = collected[output.read]!
    if let outputFile { stdout = Array((try? Data(contentsOf: outputFile)) ?? Data()) }
    return RunResult(
        pid: pid, stdout: String(decoding: stdout, as: UTF8.self),
        stderr: String(decoding: collected[errors.read]!, as: UTF8.self), ending: ending)
}

/// Runs `forklab -c COMMANDS`.
func forklab(_ commands: String, _ options: RunOptions = RunOptions()) -> RunResult {
    runForklab(["-c", commands], options)
}

// MARK: - Processes seen through /proc

struct ProcessInfoEntry {
    var pid: pid_t
    var parent: pid_t
    var group: pid_t
    var session: pid_t
    var state: Character
    var name: String
}

/// Every process on the machine, from /proc/PID/stat.
func allProcesses() -> [ProcessInfoEntry] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return names.compactMap { name -> ProcessInfoEntry? in
        guard let pid = pid_t(name),
              let stat = try? String(contentsOfFile: "/proc/\(name)/stat", encoding: .utf8),
              let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(close, offsetBy: 2)...].split(separator: " ")
        guard fields.count > 4, let parent = pid_t(fields[1]), let group = pid_t(fields[2]),
              let session = pid_t(fields[3]) else { return nil }
        return ProcessInfoEntry(pid: pid, parent: parent, group: group, session: session, state: fields[0].first!,
                                name: String(stat[stat.index(after: open)..<close]))
    }
}

/// The children of `pid`, zombies included.
func children(of pid: pid_t) -> [ProcessInfoEntry] {
    allProcesses().filter { $0.parent == pid }
}

/// The children of `pid` named `name`, once at least one exists (waiting up
/// to 2 s for exec to rename the child); empty if none appears.
func childrenNamed(_ name: String, of pid: pid_t) -> [ProcessInfoEntry] {
    for _ in 0..<100 {
        let found = children(of: pid).filter { $0.name == name }
        if !found.isEmpty { return found }
        usleep(20_000)
    }
    return []
}

/// The number of threads of `pid`.
/// The lines of /proc/PID/maps for anonymous mappings (no file name): thread
/// stacks, their guard pages, malloc arenas, queue segments.
func anonymousMappings(of pid: pid_t) -> [String] {
    ((try? String(contentsOfFile: "/proc/\(pid)/maps", encoding: .utf8)) ?? "")
        .split(separator: "\n").map(String.init)
        .filter { $0.split(separator: " ", omittingEmptySubsequences: true).count == 5 }
}

func threadCount(of pid: pid_t) -> Int {
    ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []).count
}

/// The number of threads of `pid` once it is down to one, or after 2 s:
/// pthread_join can return a moment before the kernel drops the thread
/// from /proc/PID/task.
func settledThreadCount(of pid: pid_t) -> Int {
    var count = threadCount(of: pid)
    for _ in 0..<100 where count != 1 {
        usleep(20_000)
        count = threadCount(of: pid)
    }
    return count
}

// MARK: - Checking traces

/// The pids in `Hello from parent P C`, `Hello from child C …`, `Child is C`, `Parent got C …` lines.
struct TraceLine: Equatable {
    enum Kind: Equatable { case parentHello, childHello, childIs, parentGot }
    var kind: Kind
    var numbers: [Int]
    var note: String

    init?(_ line: String) {
        let prefixes: [(String, Kind)] = [
            ("Hello from parent ", .parentHello), ("Hello from child ", .childHello),
            ("Child is ", .childIs), ("Parent got ", .parentGot),
        ]
        guard let (prefix, kind) = prefixes.first(where: { line.hasPrefix($0.0) }) else { return nil }
        self.kind = kind
        let rest = line.dropFirst(prefix.count)
        var words = rest.split(separator: " ", omittingEmptySubsequences: false)
        var numbers: [Int] = []
        while let word = words.first, let number = Int(word) {
            numbers.append(number)
            words.removeFirst()
        }
        self.numbers = numbers
        note = words.joined(separator: " ")
    }
}

/// Counts each element.
func multiset<T: Hashable>(_ items: [T]) -> [T: Int] {
    items.reduce(into: [:]) { $0[$1, default: 0] += 1 }
}
