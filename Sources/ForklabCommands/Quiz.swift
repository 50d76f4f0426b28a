/// `quiz [TOPIC] [N] [seed S]`: questions about what a command will do,
/// asked before it runs (docs/commands.md, "quiz"). This file makes the
/// questions and reads the answers; the session runs each command for real
/// and takes the true answer from the run's own record.
public enum QuizTopic: String, Hashable, Sendable, CaseIterable {
    case fork, forkexit, status, tree, threads, produce, race, buffered, deadlock
}

/// What a question asks, with the parameters of its command.
public enum QuizAsk: Hashable, Sendable {
    /// `fork N`: how many lines it prints, the parent's and the children's.
    case forkLines(children: Int)
    /// `fork N`: how many children it makes.
    case forkChildren(children: Int)
    /// `forkexit N`: the STATUS and CODE of each `Parent got` line.
    case forkExitStatus(children: Int)
    /// `forkexit N`: the parent's exitstat afterwards.
    case forkExitParent(children: Int)
    /// `spawn sh -- -c 'exit K'`: the STATUS and CODE the parent sees.
    case exitStatus(code: Int)
    /// `spawn sh -- -c 'kill -SIG $$'`: the STATUS and CODE the parent sees.
    case killedStatus(signal: QuizSignal)
    /// `tree LIST [local]`, LIST `tree random N seed S` would make: processes
    /// alive at the end, the root included.
    case treeAlive(actions: Int, seed: Int, local: Bool)
    /// The same: who `name`'s parent is at the end.
    case treeParent(actions: Int, seed: Int, local: Bool, name: String)
    /// `threads N count C`: how many `[T] => I` lines.
    case threadLines(threads: Int, count: Int)
    /// `produce P consume C messages M`: how many messages are consumed.
    case produceConsumed(producers: Int, consumers: Int, messages: Int)
    /// `race N count C`: whether the count with the mutex is exact.
    case raceLockedExact(threads: Int, count: Int)
    /// `race N count C`: whether the count without the mutex can come out above N × C.
    case raceUnlockedAbove(threads: Int, count: Int)
    /// `fork N buffered`: how many child lines reach stdout, a terminal or not.
    case bufferedChildLines(children: Int, terminal: Bool)
    /// `deadlock N [ordered]`: whether every thread finishes.
    case deadlockFinishes(threads: Int, ordered: Bool)
}

/// The signals `status` questions kill a child with.
public enum QuizSignal: Int, Hashable, Sendable, CaseIterable {
    case hup = 1, int = 2, kill = 9, term = 15

    public var name: String {
        switch self {
        case .hup: "HUP"
        case .int: "INT"
        case .kill: "KILL"
        case .term: "TERM"
        }
    }
}

/// How a question is answered.
public enum QuizAnswerKind: Hashable, Sendable {
    case number, yesNo, processName, statusAndCode

    /// What "answer with …" asks for.
    public var asked: String {
        switch self {
        case .number: "a number"
        case .yesNo: "y or n"
        case .processName: "a process name (a, b, …, or forklab)"
        case .statusAndCode: "STATUS CODE, two numbers (as in 256 1)"
        }
    }
}

/// An answer: given at the prompt, or the truth a run gave.
public enum QuizAnswer: Hashable, Sendable, CustomStringConvertible {
    case number(Int)
    case yes(Bool)
    case name(String)
    case statusAndCode(status: Int, code: Int)

    public var description: String {
        switch self {
        case let .number(value): "\(value)"
        case let .yes(value): value ? "y" : "n"
        case let .name(name): name
        case let .statusAndCode(status, code): "\(status) \(code)"
        }
    }

    /// Reads `text` as an answer of `kind`; nil when it is not one.
    public static func parse(_ text: String, as kind: QuizAnswerKind) -> QuizAnswer? {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        switch kind {
        case .number:
            guard words.count == 1, let value = parseInteger(words[0]), value >= 0 else { return nil }
            return .number(value)
        case .yesNo:
            guard words.count == 1 else { return nil }
            switch words[0].lowercased() {
            case "y", "yes": return .yes(true)
            case "n", "no": return .yes(false)
            default: return nil
            }
        case .processName:
            guard words.count == 1, words[0] == "forklab" || TreeActions.isName(words[0]) else { return nil }
            return .name(words[0])
        case .statusAndCode:
            guard words.count == 2, let status = parseInteger(words[0]), let code = parseInteger(words[1]),
                  status >= 0, code >= 0 else { return nil }
            return .statusAndCode(status: status, code: code)
        }
    }
}

/// One question of a round.
public struct QuizQuestion: Hashable, Sendable {
    public var topic: QuizTopic
    public var ask: QuizAsk

    /// The forklab command the question is about, as it is typed.
    public var command: String {
        switch ask {
        case let .forkLines(n), let .forkChildren(n): "fork \(n)"
        case let .forkExitStatus(n), let .forkExitParent(n): "forkexit \(n)"
        case let .exitStatus(code): "spawn sh -- -c 'exit \(code)'"
        case let .killedStatus(signal): "spawn sh -- -c 'kill -\(signal.name) $$'"
        case let .treeAlive(actions, seed, local), let .treeParent(actions, seed, local, _):
            "tree \(TreeActions.text(Self.treeList(actions, seed)))" + (local ? " local" : "")
        case let .threadLines(threads, count): "threads \(threads) count \(count)"
        case let .produceConsumed(p, c, m): "produce \(p) consume \(c) messages \(m)"
        case let .raceLockedExact(threads, count), let .raceUnlockedAbove(threads, count): "race \(threads) count \(count)"
        case let .bufferedChildLines(n, _): "fork \(n) buffered"
        case let .deadlockFinishes(threads, ordered): "deadlock \(threads)" + (ordered ? " ordered" : "") + " timeout 0.2"
        }
    }

    /// The question, one line ending with `?`.
    public var text: String {
        let what: String
        switch ask {
        case .forkLines: what = "how many lines will it print, the parent's and the children's together?"
        case .forkChildren: what = "how many child processes will it make?"
        case .forkExitStatus: what = "what STATUS and CODE will each 'Parent got' line show?"
        case .forkExitParent: what = "what will the parent's exitstat be when its loop is done?"
        case .exitStatus, .killedStatus: what = "what STATUS and CODE will the parent's 'Parent got' line show?"
        case .treeAlive: what = "how many processes will be alive after the last action, the root a included?"
        case let .treeParent(_, _, _, name): what = "who will be \(name)'s parent after the last action?"
        case .threadLines: what = "how many '[T] => I' lines will the threads print?"
        case .produceConsumed: what = "how many messages will the consumers take and print?"
        case .raceLockedExact: what = "will the count with the mutex be exactly N × C (y/n)?"
        case .raceUnlockedAbove: what = "can the count without the mutex come out above N × C (y/n)?"
        case let .bufferedChildLines(_, terminal):
            what = "stdout is \(terminal ? "a terminal" : "not a terminal"): how many 'Hello from child' lines will reach it?"
        case .deadlockFinishes: what = "will every thread take both its mutexes and finish (y/n)?"
        }
        return "\(command): \(what)"
    }

    public var answerKind: QuizAnswerKind {
        switch ask {
        case .forkLines, .forkChildren, .forkExitParent, .treeAlive, .threadLines, .produceConsumed, .bufferedChildLines:
            .number
        case .forkExitStatus, .exitStatus, .killedStatus: .statusAndCode
        case .treeParent: .processName
        case .raceLockedExact, .raceUnlockedAbove, .deadlockFinishes: .yesNo
        }
    }

    /// What `?` prints: a nudge, not the answer.
    public var hint: String {
        switch ask {
        case .forkLines: "each fork makes one child; the parent prints a line for each child, and each child one of its own"
        case .forkChildren: "only the parent goes round the loop: each child prints its line and exits"
        case .forkExitStatus:
            "each child adds 1 to its own copy of exitstat (0) and exits with it; STATUS holds the code in its second byte"
        case .forkExitParent: "a child changes its own copy of the parent's memory, never the parent's"
        case .exitStatus: "waitpid's STATUS holds the exit code in its second byte, and CODE is STATUS >> 8"
        case .killedStatus: "a process killed by a signal has no exit code: STATUS holds the signal's number"
        case .treeAlive: "X+Y: X forks Y, X-: X exits; count the forks, take away the exits, and count the root"
        case .treeParent:
            "an orphan goes to its nearest ancestor that is a subreaper: without local only the root is one, with local every process is"
        case .threadLines: "each of the N threads prints C lines; the main thread's line is not one of them"
        case .produceConsumed: "each producer puts M messages, and consumers take until the queue is closed and empty"
        case .raceLockedExact: "with the mutex, each read-add-write of the counter happens alone"
        case .raceUnlockedAbove: "a lost update is two threads reading the same value: can an add ever count twice?"
        case .bufferedChildLines:
            "stdio flushes at each newline into a terminal, but into a pipe or file only when its buffer fills or at exit(), and _exit flushes nothing"
        case .deadlockFinishes: "a cycle needs each thread to hold a mutex another wants; ordered takes the lower-numbered first"
        }
    }
}

extension QuizQuestion {
    /// The action list of a `tree` question: the one `tree random N seed S` makes.
    static func treeList(_ actions: Int, _ seed: Int) -> [TreeAction] {
        TreeActions.random(count: actions, seed: UInt64(seed), forkPercent: 70)
    }

    /// One line of why, once the run gave `truth` (docs/lessons.md).
    public func why(_ truth: QuizAnswer) -> String {
        switch ask {
        case let .forkLines(n):
            return "the parent forked \(n) times and printed a line for each child, and each child printed one: \(truth)"
        case .forkChildren:
            return "only the parent loops; each child prints its line and calls _exit, so it never forks"
        case .forkExitStatus:
            return "each child's copy of exitstat went from 0 to 1, its exit code; waitpid puts it in STATUS's second byte (1 × 256)"
        case .forkExitParent:
            return "fork copies the parent's memory: each child changed its own exitstat, never the parent's"
        case let .exitStatus(code):
            return "the child exited with code \(code), which waitpid puts in STATUS's second byte (\(code) × 256)"
        case let .killedStatus(signal):
            return "SIG\(signal.name) ended the child before it could exit: STATUS is the signal's number, \(signal.rawValue), and CODE is 0"
        case let .treeAlive(actions, seed, _):
            let list = Self.treeList(actions, seed)
            let forks = list.filter { if case .fork = $0 { true } else { false } }.count
            return "the root and \(forks) \(forks == 1 ? "fork" : "forks") made \(forks + 1) processes, and"
                + " \(list.count - forks) of them exited: \(truth) alive (an orphan does not end with its parent; it is adopted)"
        case let .treeParent(actions, seed, local, name):
            let list = Self.treeList(actions, seed)
            let forker = list.lazy.compactMap { action -> String? in
                if case let .fork(parent, child) = action, child == name { return parent }
                return nil
            }.first
            if let forker, TreeActions.alive(after: list).contains(forker) {
                return "\(forker) forked \(name) and was still alive at the end, so it was still \(name)'s parent"
            }
            return local
                ? "every process was a subreaper (local), so each orphan went to its nearest living ancestor"
                : "only the root a was a subreaper, so every orphan went to a, whoever its parent had been"
        case .threadLines:
            return "every thread ran its whole loop, and join waited for all of them before the main thread's line"
        case .produceConsumed:
            return "the queue hands each message to exactly one consumer, and they stop only once it is closed and empty"
        case .raceLockedExact:
            return "the mutex lets one thread at a time read, add and write back, so no add is lost"
        case .raceUnlockedAbove:
            return "without the mutex two threads can read the same value and one add is lost, but no add is ever counted twice"
        case let .bufferedChildLines(_, terminal):
            return terminal
                ? "at a terminal stdio is line-buffered: each child's line went out at its newline, before _exit"
                : "into a pipe or file stdio is block-buffered: each child's line was still in its buffer when _exit threw it away"
        case let .deadlockFinishes(_, ordered):
            return ordered
                ? "every thread took the lower-numbered mutex first, so no cycle could form"
                : "each thread held its own mutex and waited for the next one's: a cycle, which forklab caught and killed"
        }
    }
}

/// A round of questions: the same topic, count and seed give the same round.
public struct QuizRound: Hashable, Sendable {
    public var topic: QuizTopic?
    public var seed: UInt64
    public var questions: [QuizQuestion]

    /// `count` questions on `topic`, or mixed across every topic when nil.
    /// - Parameter terminal: whether stdout is a terminal (`buffered` asks accordingly).
    public init(topic: QuizTopic?, count: Int, seed: UInt64, terminal: Bool) {
        self.topic = topic
        self.seed = seed
        var generator = SplitMix64(seed: seed)
        questions = (0..<count).map { _ in
            let chosen = topic ?? QuizTopic.allCases[Int(generator.next() % UInt64(QuizTopic.allCases.count))]
            return QuizQuestion(topic: chosen, ask: Self.ask(chosen, &generator, terminal: terminal))
        }
    }

    /// The command that asks this round again.
    public var command: String {
        "quiz" + (topic.map { " \($0.rawValue)" } ?? "") + " \(questions.count) seed \(seed)"
    }

    /// A question on `topic`, its parameters drawn from `generator`.
    private static func ask(_ topic: QuizTopic, _ generator: inout SplitMix64, terminal: Bool) -> QuizAsk {
        func number(_ range: ClosedRange<Int>) -> Int {
            range.lowerBound + Int(generator.next() % UInt64(range.count))
        }
        func coin() -> Bool { generator.next() % 2 == 0 }
        switch topic {
        case .fork:
            let n = number(1...5)
            return coin() ? .forkLines(children: n) : .forkChildren(children: n)
        case .forkexit:
            let n = number(1...4)
            return coin() ? .forkExitStatus(children: n) : .forkExitParent(children: n)
        case .status:
            if coin() { return .exitStatus(code: number(1...9)) }
            return .killedStatus(signal: QuizSignal.allCases[number(0...QuizSignal.allCases.count - 1)])
        case .tree:
            let actions = number(3...8), seed = number(1...999), local = coin()
            // A process other than the root alive at the end, an orphan if
            // there is one: who its parent is then.
            let list = QuizQuestion.treeList(actions, seed)
            let alive = TreeActions.alive(after: list).filter { $0 != TreeActions.root }
            let orphans = alive.filter { name in
                list.contains { if case let .fork(parent, child) = $0 { child == name && !alive.contains(parent) && parent != TreeActions.root } else { false } }
            }
            let candidates = orphans.isEmpty ? alive : orphans
            if coin() || candidates.isEmpty { return .treeAlive(actions: actions, seed: seed, local: local) }
            return .treeParent(actions: actions, seed: seed, local: local, name: candidates[number(0...candidates.count - 1)])
        case .threads:
            return .threadLines(threads: number(2...5), count: number(2...5))
        case .produce:
            return .produceConsumed(producers: number(1...4), consumers: number(1...3), messages: number(1...5))
        case .race:
            let threads = number(2...4), count = 10_000 * number(2...10)
            return coin() ? .raceLockedExact(threads: threads, count: count) : .raceUnlockedAbove(threads: threads, count: count)
        case .buffered:
            return .bufferedChildLines(children: number(1...4), terminal: terminal)
        case .deadlock:
            return .deadlockFinishes(threads: number(2...4), ordered: coin())
        }
    }
}

extension TreeActions {
    /// The processes alive after `actions`, in the order they were made.
    static func alive(after actions: [TreeAction]) -> [String] {
        var alive = [root]
        for action in actions {
            switch action {
            case let .fork(_, child): alive.append(child)
            case let .exit(name): alive.removeAll { $0 == name }
            }
        }
        return alive
    }
}
