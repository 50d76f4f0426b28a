import ForklabWords

/// forklab's command-line options, parsed by hand: there are six, and
/// swift-argument-parser would make every fork dearer (docs/performance.md,
/// "Options by hand, not swift-argument-parser").
struct Options: Equatable {
    /// `man`: the man page (`--man`, for scripts/man; not in the usage).
    enum Action: Equatable { case run, help, version, man }

    var action = Action.run
    var json = false
    var bail = false
    /// `-c COMMANDS`.
    var commands: String?
    /// `FILE`.
    var file: String?
    /// `--as-program FD START`: run the one command of `-c` as a program
    /// of its own (`exit after T`), with forklab's record on memfd FD and
    /// times counted from START (CLOCK_MONOTONIC nanoseconds). forklab
    /// passes it when it execs itself; not for people (not in the usage).
    var program: (record: Int32, started: UInt64)?

    static func == (a: Options, b: Options) -> Bool {
        a.action == b.action && a.json == b.json && a.bail == b.bail && a.commands == b.commands && a.file == b.file
            && a.program?.record == b.program?.record && a.program?.started == b.program?.started
    }

    static let version = "forklab 0.1.0"

    /// The command line, after `usage: ` and in the man page's SYNOPSIS.
    static let synopsis = "forklab [--bail] [--json] [-c COMMANDS | FILE]"

    /// What forklab is, as `--help` and the man page's DESCRIPTION say it.
    static let about = """
        forklab runs the process and thread programs of Mark Lutz's Programming
        Python for real (fork, exec, waitpid, pthreads) and prints their traces.
        """

    /// Each way to start forklab and each option, with its explanation as
    /// `--help` breaks it into lines; the man page (ManPage.swift) joins
    /// the lines. The first, `(nothing)`, is no option.
    static let optionHelp: [(term: String, lines: [String])] = [
        ("(nothing)", ["read commands from the terminal (prompt, history, TAB",
                       "completion) or, when stdin is not a terminal, from stdin"]),
        ("FILE", ["run the commands in FILE, then exit"]),
        ("-c COMMANDS", ["run COMMANDS (separated by ';' or newlines), then exit"]),
        ("--bail", ["in a script, stop at the first command that fails"]),
        ("--json", ["write trace events as JSON lines (docs/json.md)"]),
        ("-h, --help", ["show this help and exit"]),
        ("-V, --version", ["show the version and exit"]),
    ]

    static let usage: String = {
        var text = "usage: \(synopsis)\n\n\(about)\n\n"
        for (term, lines) in optionHelp {
            text += "  " + term + String(repeating: " ", count: 16 - term.count) + lines[0] + "\n"
            for line in lines.dropFirst() { text += String(repeating: " ", count: 18) + line + "\n" }
        }
        return text + """

            At the prompt, 'help' lists the commands and 'q' quits. Exit status: 0 when
            every command succeeded, 1 when one failed, 2 for bad options, 130 when
            Ctrl-C stopped a script, 141 when stdout was closed.

            """
    }()

    struct UsageError: Error, Equatable {
        var message: String
    }

    static func parse(_ arguments: [String]) throws(UsageError) -> Options {
        var options = Options()
        var index = 0
        var onlyFiles = false
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if onlyFiles || argument == "-" || !argument.hasPrefix("-") {
                guard options.file == nil else {
                    throw UsageError(message: "unexpected argument '\(display(argument))': forklab runs one FILE")
                }
                options.file = argument
                continue
            }
            switch argument {
            case "--":
                onlyFiles = true
            case "-h", "--help":
                options.action = .help
            case "-V", "--version":
                options.action = .version
            case "--man":
                options.action = .man
            case "--json":
                options.json = true
            case "--bail":
                options.bail = true
            case "--as-program":
                guard index + 1 < arguments.count, let fd = Int32(arguments[index]), fd >= 0,
                      let started = UInt64(arguments[index + 1]) else {
                    throw UsageError(message: "--as-program needs a descriptor and a start time after it")
                }
                options.program = (fd, started)
                index += 2
            case "-c", "--command":
                guard index < arguments.count else { throw UsageError(message: "\(argument) needs COMMANDS after it") }
                options.commands = arguments[index]
                index += 1
            default:
                if argument.hasPrefix("-c") {
                    options.commands = String(argument.dropFirst(2))
                } else {
                    throw UsageError(message: "unknown option '\(display(argument))'")
                }
            }
        }
        if options.commands != nil && options.file != nil {
            throw UsageError(message: "give -c COMMANDS or a FILE, not both")
        }
        if options.program != nil && options.commands == nil {
            throw UsageError(message: "--as-program needs -c COMMAND")
        }
        return options
    }
}
