import Glibc
import ForklabCommands
import ForklabEngine

/// The read-parse-run loop, the same for a person at the prompt and for a
/// script; the reader says which.
final class Session {
    /// Exit statuses (docs/commands.md, *Exit status*).
    enum Status {
        static let success: Int32 = 0
        static let failure: Int32 = 1
        static let interrupted: Int32 = 130
        /// 128 + SIGPIPE, as a shell reports a program whose reader left.
        static let outputClosed: Int32 = 141
    }

    let reader: any LineReader
    let lab: Lab
    let out: Console
    let errors: Console
    private let bail: Bool
    private let terminal: TerminalModes?
    /// The sink for each trace format.
    private let sinks: (TraceFormat) -> any TraceSink
    /// Whether error lines are red (stderr is a terminal, colours allowed).
    private let redErrors: Bool
    /// How the timeline is drawn by default: the terminal's width now (nil
    /// when stdout is not a terminal), and whether the locale shows Unicode.
    private let terminalWidth: () -> Int?
    private let unicode: () -> Bool
    /// SIGTERM or SIGHUP that ended the session; main ends forklab by it.
    private(set) var terminatedBy: Int32?
    /// Draws `bench`'s progress, when stdout is a terminal.
    private let progress: (any BenchProgress)?
    private(set) var format: TraceFormat
    private var repeatOnEmptyLine = true
    var lastExperiment: Command?
    /// The number Enter's repeat of a `spawn` gives its first child: its
    /// numbering goes on where the last run stopped, as the book's
    /// `spawned_children` grows each time round its loop.
    private var nextSpawnNumber = 1
    private var anyFailed = false
    private var anyOutputFailed = false

    init(reader: any LineReader, lab: Lab, out: Console, errors: Console, bail: Bool, terminal: TerminalModes?,
         sinks: @escaping (TraceFormat) -> any TraceSink, redErrors: Bool,
         terminalWidth: @escaping () -> Int?, unicode: @escaping () -> Bool, format: TraceFormat,
         progress: (any BenchProgress)?) {
        self.format = format
        self.progress = progress
        self.terminalWidth = terminalWidth
        self.unicode = unicode
        self.sinks = sinks
        self.redErrors = redErrors
        self.reader = reader
        self.lab = lab
        self.out = out
        self.errors = errors
        self.bail = bail
        self.terminal = terminal
    }

    /// How one command went.
    enum Outcome: Equatable {
        case succeeded, failed, quit, interrupted, outputClosed, terminated(Int32)
    }

    /// Runs until `q`, the end of input, or (in a script) an interrupt or
    /// a failure under --bail. Returns the exit status.
    func run() -> Int32 {
        while true {
            if let signal = Interruption.termination { return terminated(signal) }
            if reader.interactive {
                Interruption.clear()
            } else if Interruption.requested {
                return interrupted()
            }
            switch reader.next() {
            case .end:
                if let failure = reader.failure {
                    anyFailed = true
                    report("\(failure)", place: false)
                }
                return anyFailed ? Status.failure : Status.success
            case .interrupted:
                if let signal = Interruption.termination { return terminated(signal) }
                if reader.interactive {
                    _ = try? lab.reapZombies(reported: false)  // Ctrl-C at the prompt drops them
                    continue
                }
                return interrupted()
            case let .tooLong(limit):
                _ = failed("line longer than \(limit) bytes; skipped")
                if bail { return Status.failure }
            case let .line(line):
                switch runLine(line) {
                case .quit: return anyFailed ? Status.failure : Status.success
                case .outputClosed: return Status.outputClosed
                case let .terminated(signal): return terminated(signal)
                case .interrupted:
                    if let signal = Interruption.termination { return terminated(signal) }
                    if !reader.interactive { return Status.interrupted }
                case .failed:
                    if anyOutputFailed || (bail && !reader.interactive) { return Status.failure }
                case .succeeded:
                    break
                }
            }
        }
    }

    private func interrupted() -> Int32 {
        report("interrupted")
        return Status.interrupted
    }

    /// Ends the session for SIGTERM or SIGHUP: quietly, as a killed program.
    private func terminated(_ signal: Int32) -> Int32 {
        terminatedBy = signal
        return 128 + signal
    }

    /// Runs the commands of one line in turn; stops at the first that does
    /// not simply succeed or fail (and at a failure under --bail).
    private func runLine(_ line: String) -> Outcome {
        if reader.interactive && !line.contains(where: { !$0.isWhitespace }) {
            guard repeatOnEmptyLine, let lastExperiment else { return .succeeded }
            return execute(lastExperiment, repeated: true)
        }
        let commands: [ParsedCommand]
        do {
            commands = try Parser.parse(line: line)
        } catch {
            return failed(error.description)
        }
        var outcome = Outcome.succeeded
        for command in commands {
            switch command {
            case let .failure(error):
                outcome = failed(error.description)
            case let .success(command):
                outcome = execute(command)
            }
            switch outcome {
            case .succeeded: continue
            case .failed where (!bail || reader.interactive) && !anyOutputFailed: continue
            default: return outcome
            }
        }
        return outcome
    }

    func execute(_ command: Command, repeated: Bool = false) -> Outcome {
        switch command {
        case .quit:
            return .quit
        case let .book(program):
            guard let program else { return write(BookProgram.listing) }
            return runBook(program)
        case let .help(topic):
            let text = topic.flatMap { Catalog.spec(named: $0)?.helpText } ?? Catalog.overview
            return write(text)
        case let .set(setting):
            switch setting {
            case let .repeatOnEmptyLine(on):
                repeatOnEmptyLine = on
            case let .format(format):
                self.format = format
                lab.sink = sinks(format)
            }
            return .succeeded
        case let .timeline(width, charset):
            let picture: String
            do {
                guard let record = try lab.lastRecord() else { return failed(Self.nothingYet("timeline")) }
                let timeline = Timeline(
                    record: record, width: width ?? terminalWidth() ?? 80,
                    unicode: charset.map { $0 == .unicode } ?? unicode())
                try timeline.requireMemory()
                picture = timeline.render()
            } catch {
                return failed("timeline: \(error)")
            }
            return write(picture)
        case let .save(path, force):
            let record: ExperimentRecord
            do {
                guard let last = try lab.lastRecord() else { return failed(Self.nothingYet("save")) }
                if TimelinePage.isPagePath(path) {
                    try TimelinePage.requireMemory(for: last)
                } else {
                    try ChromeTrace.requireMemory(for: last)
                }
                record = last
            } catch {
                return failed("save: \(error)")
            }
            do {
                try TraceFile.write(to: path, force: force) { (output) throws(Errno) in
                    if TimelinePage.isPagePath(path) {
                        try TimelinePage.write(record, to: output)
                    } else {
                        try ChromeTrace.write(record, to: output)
                    }
                }
            } catch {
                return failed("save: \(error)")
            }
            return .succeeded
        case .fork, .forkExit, .spawn, .threads, .produce, .race, .deadlock, .tree:
            lastExperiment = command
            let ownedTerminal = terminal?.inForeground ?? false
            defer { if ownedTerminal { terminal?.restore() } }  // see TerminalModes.restore
            guard var experiment = command.experiment else { preconditionFailure("not an experiment: \(command)") }
            if case var .spawn(plan) = experiment {
                if repeated { plan.first = nextSpawnNumber }
                experiment = .spawn(plan)
            }
            defer { if case let .spawn(plan) = experiment { nextSpawnNumber = plan.first &+ lab.childrenSpawned } }
            if case var .tree(plan) = experiment {
                plan.unicode = unicode()  // the tree is drawn as the timeline would be
                experiment = .tree(plan)
            }
            do {
                try lab.run(experiment)
                return .succeeded
            } catch {
                return stopped(by: error)
            }
        case let .quiz(topic, count, seed):
            return runQuiz(topic: topic, count: count, seed: seed)
        case .ps:
            guard let tree = ProcessTree.read() else { return failed("ps: cannot read /proc") }
            return write(tree.render(unicode: unicode()))
        case .reap:
            return reap()
        case let .bench(target, runs):
            // bench all: each primitive in turn, in the order help lists them.
            for primitive in BenchPrimitive.allCases where target == .all || target.rawValue == primitive.rawValue {
                do {
                    try lab.bench(primitive, runs: runs, progress: format == .book ? progress : nil)
                } catch {
                    return stopped(by: error)
                }
            }
            return .succeeded
        }
    }

    /// `book NAME`: says what it runs, then runs it as if typed, so that
    /// Enter repeats (and numbers on) that command, not `book`. In JSON
    /// mode the line goes to stderr, where stdout holds only JSON.
    private func runBook(_ program: BookProgram) -> Outcome {
        let command: Command
        do {
            command = try program.parsed()
        } catch {
            return failed("book: \(program.name): \(error)")
        }
        if format == .json {
            try? errors.write(program.announcement)
        } else {
            let said = write(program.announcement)
            guard said == .succeeded else { return said }
        }
        return execute(command)
    }

    /// `reap`: every zombie noreap left, each with its `Parent got` line;
    /// with none, a line saying so (on stderr in JSON mode, where stdout
    /// holds only JSON).
    private func reap() -> Outcome {
        guard lab.zombiesHeld > 0 else {
            let line = "reap: no zombies held\n"
            if format == .json {
                try? errors.write(line)
                return .succeeded
            }
            return write(line)
        }
        do {
            try lab.reapZombies()
            return .succeeded
        } catch {
            return stopped(by: error)
        }
    }

    /// How a command the engine could not complete went.
    private func stopped(by error: LabError) -> Outcome {
        switch error {
        case .interrupted:
            if let signal = Interruption.termination { return .terminated(signal) }
            report("interrupted")
            return .interrupted
        case let .terminated(signal):
            return .terminated(signal)
        case .output(.closed):
            return .outputClosed
        case .output(.failed):
            return outputFailed(error.description)
        default:
            return failed(error.description)
        }
    }


    static func nothingYet(_ command: String) -> String {
        "\(command): no experiment has run yet; run one first (fork 3, threads 4, produce 4 consume 2, …)"
    }

    func write(_ text: String) -> Outcome {
        do {
            try out.write(text)
            return .succeeded
        } catch {
            switch error {
            case .closed: return .outputClosed
            case .interrupted:
                if Interruption.termination == nil { report("interrupted") }
                return .interrupted
            case let .failed(errno): return outputFailed("cannot write to stdout: \(errno)")
            }
        }
    }

    /// stdout failed for a reason other than a reader leaving (a full disk):
    /// an error like any other, but nothing after it could be written.
    private func outputFailed(_ message: String) -> Outcome {
        anyOutputFailed = true
        return failed(message)
    }

    private func failed(_ message: String) -> Outcome {
        anyFailed = true
        report(message)
        return .failed
    }

    /// One line on stderr: `forklab: MESSAGE`, with the line in a script
    /// (unless `place` is false), red at a terminal.
    func report(_ message: String, place showPlace: Bool = true) {
        let place = reader.interactive || !showPlace ? "" : "line \(reader.lineNumber): "
        let line = "forklab: \(place)\(message)"
        try? errors.write(redErrors ? "\u{1b}[31m\(line)\u{1b}[0m\n" : line + "\n")
    }
}
