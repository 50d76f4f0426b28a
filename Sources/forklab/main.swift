import Glibc
import ForklabCommands
import ForklabEngine
import ForklabWords

// forklab's entry point: read the options, set up signals and output, pick
// a line reader, and hand over to the session.

// A closed 0, 1 or 2 at start-up would let the next descriptor forklab opens
// (the self-pipe, say) take its number and receive the traces: fill the gap.
for fd: Int32 in 0...2 where fcntl(fd, F_GETFD) < 0 && errno == EBADF {
    _ = open("/dev/null", O_RDWR)
}

let errors = Console(fd: 2)
let out = Console(fd: 1)

/// The arguments after the program's name, each holding the bytes it was
/// given: CommandLine.arguments would replace bytes that are not UTF-8 (in a
/// FILE name, in -c COMMANDS) with U+FFFD.
func rawArguments() -> [String] {
    (1..<Int(CommandLine.argc)).map { index in
        let argument = UnsafeRawPointer(CommandLine.unsafeArgv[index]!)
        return String(rawBytes: UnsafeRawBufferPointer(start: argument, count: strlen(argument)))
    }
}

@MainActor func fail(_ message: String, status: Int32) -> Never {
    try? errors.write("forklab: \(message)\n")
    exit(status)
}

let options: Options
do {
    options = try Options.parse(rawArguments())
} catch {
    fail("\(error.message) (try 'forklab --help')", status: 2)
}
/// Writes `text` (the usage, the version) to stdout and exits 0; a write
/// that fails is an error as it is in a session: a line and status 1 (a full
/// disk), or quietly 141 when the reader left.
@MainActor func printAndExit(_ text: String) -> Never {
    do {
        try out.write(text)
    } catch {
        switch error {
        case let .failed(errno): fail("cannot write to stdout: \(errno)", status: Session.Status.failure)
        case .closed: exit(Session.Status.outputClosed)
        case .interrupted: exit(Session.Status.interrupted)
        }
    }
    exit(Session.Status.success)
}

switch options.action {
case .help:
    printAndExit(Options.usage)
case .version:
    printAndExit(Options.version + "\n")
case .man:
    printAndExit(ManPage.text)
case .run:
    break
}

if let program = options.program, let command = options.commands {
    // A program of its own (`exit after T`): forklab exec'd itself to run one
    // experiment, whose main thread's exit ends it. Signals keep the default
    // actions its parent reset them to: a Ctrl-C ends it at once.
    System.useOneMallocArena()
    let experiment: Experiment
    do {
        let parsed = try Parser.parse(line: command)
        guard parsed.count == 1, let found = try parsed[0].get().experiment else {
            fail("--as-program runs one experiment, got '\(display(command))'", status: 2)
        }
        experiment = found
    } catch {
        fail("\(error)", status: 2)
    }
    Lab.runAsProgram(
        experiment, recordDescriptor: program.record, started: program.started,
        sink: options.json ? JSONLines(console: out) : BookText(console: out, colors: Environment.usesColor(1)))
}

// Nothing forklab inherited may leak into the programs it spawns.
try? System.closeOnExec(from: 3)
// Worker threads barely allocate; one malloc arena keeps them from leaving
// arenas of their own mapped, which would make every later fork dearer.
System.useOneMallocArena()
do {
    try Interruption.install()
} catch {
    fail("cannot install signal handlers: \(error)", status: 1)
}
// What a spawned program leaves running comes back to forklab, which ends it.
do {
    try Lab.adoptOrphans()
} catch {
    fail("cannot become a child subreaper: \(error)", status: 1)
}

let programDirectory = Environment.programDirectory
let reader: any LineReader
var childInput = ChildInput.inherit
if let commands = options.commands {
    reader = ScriptReader(bytes: commands.rawBytes)
} else if let file = options.file {
    let fd = file == "-" ? 0 : file.withRawCString { open($0, O_RDONLY | O_CLOEXEC) }
    if fd < 0 { fail("cannot open '\(display(file))': \(Errno(rawValue: errno))", status: 2) }
    var info = stat()
    let known = fstat(fd, &info) == 0
    if known && (info.st_mode & S_IFMT) == S_IFDIR {
        fail("cannot open '\(display(file))': \(Errno.isDirectory)", status: 2)
    }
    // The script is forklab's own stdin however it is named (-, /dev/stdin,
    // /proc/self/fd/0): a child reading stdin would eat the rest of it.
    var input = stat()
    if !Environment.isTerminal(0) && (fd == 0 || known && fstat(0, &input) == 0
        && input.st_dev == info.st_dev && input.st_ino == info.st_ino) {
        childInput = .null
    }
    reader = ScriptReader(fd: fd)
} else if Environment.isTerminal(0) {
    Environment.useLocale()  // before libedit starts: it reads multibyte characters by it
    let completer = Completer(
        programs: { Environment.programs(prefix: $0, programDirectory: programDirectory) },
        paths: { Environment.paths(prefix: $0) })
    let stdoutIsTerminal = Environment.isTerminal(1)
    guard let editor = EditorReader(
        historyPath: Environment.historyPath, outputToStderr: !stdoutIsTerminal, completer: completer,
        warn: { try? errors.write("forklab: \($0)\n") })
    else {
        fail("cannot set up line editing on this terminal", status: 1)
    }
    try? (stdoutIsTerminal ? out : errors).write(
        "\(Options.version): processes and threads, for real. 'help' lists the commands, 'q' quits.\n")
    reader = editor
} else {
    childInput = .null  // the rest of the script is on stdin: children must not eat it
    reader = ScriptReader(fd: 0)
}

let book = BookText(console: out, colors: Environment.usesColor(1))
let json = JSONLines(console: out)
let lab = Lab(sink: options.json ? json as any TraceSink : book, childInput: childInput, programDirectory: programDirectory)
lab.zombieLimit = Limits.heldZombies
let session = Session(
    reader: reader, lab: lab, out: out, errors: errors, bail: options.bail,
    terminal: reader.interactive ? TerminalModes() : nil,
    sinks: { $0 == .json ? json as any TraceSink : book }, redErrors: Environment.usesColor(2),
    terminalWidth: { Environment.terminalWidth(1) }, unicode: { Environment.showsUnicode },
    format: options.json ? .json : .book,
    progress: Environment.isTerminal(1)
        ? ProgressBar(console: out, after: Environment.progressDelay, width: { Environment.terminalWidth(1) })
        : nil)
let status = session.run()
// q, the end of input, a stop: the zombies noreap left are reaped, silently,
// so that none outlives forklab (init does not reap them on every system).
_ = try? lab.reapZombies(reported: false)
if let signal = session.terminatedBy {
    // End as that signal's default action would (SIGQUIT's dumps core), now
    // that the children are reaped and the terminal is back to normal: the
    // parent sees the signal.
    Glibc.signal(signal, SIG_DFL)
    kill(getpid(), signal)
}
exit(status)
