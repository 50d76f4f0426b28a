/// One command of the language, with defaults filled in.
public enum Command: Hashable, Sendable {
    /// `fork [N] [buffered] [noreap]`.
    case fork(count: Int, buffered: Bool = false, noreap: Bool = false)
    /// `forkexit [N] [buffered] [noreap]`.
    case forkExit(count: Int, buffered: Bool = false, noreap: Bool = false)
    /// `spawn PROGRAM [N] [noreap] [-- ARG…]`. `count` is nil when N was
    /// left out (one child, run with no argument); `arguments` is nil when
    /// no `--` was given.
    case spawn(program: String, count: Int?, arguments: [String]?, noreap: Bool = false)
    /// `threads N [count C] [sleep S] [nolock] [nojoin | exit after T]`;
    /// `sleep` in nanoseconds, 0 when not given; `exitAfter` T in
    /// nanoseconds, nil when not given.
    case threads(count: Int, lines: Int, locked: Bool, joined: Bool, sleep: Int = 0, exitAfter: Int? = nil)
    /// `produce P consume C [messages M] [capacity K] [sleep S] [exit after T | broken if|onecv [timeout T]]`;
    /// capacity nil = unbounded; `sleep` and `exitAfter` as for threads;
    /// `broken` nil for the correct queue; `timeout` T in nanoseconds.
    case produce(producers: Int, consumers: Int, messages: Int, capacity: Int?, sleep: Int = 0, exitAfter: Int? = nil,
                 broken: BrokenQueue? = nil, timeout: Int = 1_000_000_000)
    /// `deadlock N [ordered] [timeout T]`: `timeout` T in nanoseconds.
    case deadlock(threads: Int, ordered: Bool, timeout: Int)
    /// `race N [count C]`.
    case race(threads: Int, count: Int)
    /// `tree ACTIONS [local] [steps]` or `tree random N [seed S] [forks P] …`.
    case tree(TreeSource, local: Bool, steps: Bool)
    /// `timeline [width W] [ascii|unicode]`: draw the last experiment.
    /// `width` nil = the terminal's width (80 when stdout is not a terminal);
    /// `charset` nil = chosen from the locale.
    case timeline(width: Int?, charset: TimelineCharset?)
    /// `save FILE [force]`: write the last experiment as a Chrome trace;
    /// `force` allows overwriting an existing file.
    case save(path: String, force: Bool)
    /// `bench PRIMITIVE [N]`: time a primitive; `runs` nil = its default.
    case bench(BenchTarget, runs: Int?)
    /// `book` (nil: list the book's programs) or `book NAME` (run one).
    case book(BookProgram?)
    /// `quiz [TOPIC] [N] [seed S]`; `seed` nil: a new one each round.
    case quiz(topic: QuizTopic?, count: Int, seed: UInt64?)
    /// `help` (nil) or `help TOPIC`.
    case help(topic: String?)
    case set(Setting)
    /// `ps`: forklab and the processes below it, from /proc.
    case ps
    /// `reap`: reap every zombie `noreap` left.
    case reap
    case quit

    /// Whether this runs an experiment (and so is what an empty line repeats).
    public var isExperiment: Bool {
        switch self {
        case .fork, .forkExit, .spawn, .threads, .produce, .race, .deadlock, .tree: return true
        // `book NAME` is not: Enter repeats the command it ran.
        case .bench, .book, .quiz, .timeline, .save, .help, .set, .ps, .reap, .quit: return false
        }
    }
}

/// Where `tree`'s actions come from.
public enum TreeSource: Hashable, Sendable {
    /// A list typed out, already checked.
    case list([TreeAction])
    /// `random N [seed S] [forks P]`; `seed` nil: a new one each run.
    case random(count: Int, seed: UInt64?, forkPercent: Int)
}

/// A session setting changed by `set`.
public enum Setting: Hashable, Sendable {
    /// Whether an empty line at the prompt repeats the last experiment.
    case repeatOnEmptyLine(Bool)
    case format(TraceFormat)
}

/// How traces are written.
public enum TraceFormat: String, Hashable, Sendable, CaseIterable {
    /// The lines the book's programs print.
    case book
    /// One JSON object a line (docs/json.md).
    case json
}

/// What `bench` measures: one primitive, or `all` of them in turn.
public enum BenchTarget: String, Hashable, Sendable, CaseIterable {
    case fork, spawn, vfork
    case posixSpawn = "posix_spawn"
    case thread, mutex, queue, pipe, all
}

/// The characters `timeline` draws with.
/// `produce … broken if|onecv`: how the queue is written wrong.
public enum BrokenQueue: String, Hashable, Sendable, CaseIterable {
    /// Consumers wait with `if`, not `while`.
    case ifWait = "if"
    /// One condition variable for "not empty" and "not full", and signal.
    case oneCondition = "onecv"
}

public enum TimelineCharset: String, Hashable, Sendable, CaseIterable {
    /// Plain ASCII, which any terminal shows.
    case ascii
    /// Box-drawing characters and other symbols, for a UTF-8 terminal.
    case unicode
}
