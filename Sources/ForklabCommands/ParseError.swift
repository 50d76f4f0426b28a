import ForklabWords

/// Why a line or a command could not be parsed. `description` is the one
/// line forklab prints after `forklab: `.
public struct ParseError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Hashable, Sendable {
        case unterminatedQuote(quote: Unicode.Scalar, column: Int)
        case danglingEscape
        case unknownCommand(String, suggestion: String?)
        /// A number out of range, zero, negative or not a number.
        case badNumber(command: String, name: String, range: ClosedRange<Int>, got: String)
        case unexpectedWord(command: String, word: String, usage: String)
        /// Seconds out of range or not a decimal number: `threads 3 sleep 0`.
        case badSeconds(command: String, name: String, range: SecondsRange, got: String)
        case missingWord(command: String, what: String, usage: String)
        /// A keyword or flag that may come once, given again: `threads 2 nolock nolock`.
        case givenTwice(command: String, word: String)
        /// Two flags of which one at most may come: `timeline ascii unicode`.
        case givenTogether(command: String, first: String, second: String, usage: String)
        /// A word that means something only with another: `timeout` without `broken`.
        case requires(command: String, word: String, requirement: String, usage: String)
        /// More messages than `Limits.totalMessages` in all (producers × messages).
        case tooManyMessages(command: String, producers: Int, messages: Int, limit: Int)
        /// A word after spawn's PROGRAM that is neither N nor `--`.
        case spawnArgumentWithoutSeparator(program: String, word: String)
        /// `{}`, the child's number, in spawn's PROGRAM's place: `spawn {} 3`.
        case numberAsProgram
        /// `spawn PROGRAM [N] buffered`: buffering is fork's and forkexit's.
        case bufferedOnSpawn(program: String)
        case nulByte(command: String)
        /// A file name holding a NUL byte, which no path can carry.
        case nulByteInPath(command: String)
        /// save's `force` before FILE: `save force out.json`.
        case forceBeforeFile(path: String)
        case unknownHelpTopic(String, suggestion: String?)
        /// A word that must be one of a few: `bench forks`.
        case unknownChoice(command: String, what: String, allowed: [String], got: String, suggestion: String?)
        /// An action of `tree`'s list that breaks a rule; `index` counts from 1.
        case badTreeAction(command: String, index: Int, action: String, problem: TreeProblem)
        /// A `tree` list longer than `Limits.treeActions`.
        case treeTooLong(command: String, count: Int, limit: Int)
        case unknownSetting(String)
        case badSettingValue(setting: String, allowed: [String], got: String?)
    }

    /// What is wrong with an action of `tree`'s list.
    public enum TreeProblem: Hashable, Sendable {
        /// Neither `X+Y` nor `X-` with names of 1…8 letters or digits.
        case malformed
        /// No process of that name yet; `bornLater`: the action that forks it.
        case notYet(name: String, bornLater: Int?)
        /// It exited in action `at`.
        case exited(name: String, at: Int, action: String)
        /// The name is in use since action `at` (0 and no action: the root).
        case nameTaken(name: String, at: Int, action: String?)
        case rootExits
        /// One process more than `limit` would be alive.
        case tooMany(limit: Int)
    }

    public var kind: Kind

    public init(_ kind: Kind) { self.kind = kind }

    public var description: String {
        switch kind {
        case let .unterminatedQuote(quote, column):
            return "missing closing \(quote) for the quote at column \(column)"
        case .danglingEscape:
            return "nothing follows the \\ at the end of the line"
        case let .unknownCommand(word, suggestion):
            return "unknown command '\(display(word))'" + hint(suggestion)
        case let .badNumber(command, name, range, got):
            return "\(command): \(name) must be \(range.lowerBound)…\(range.upperBound), got \(got)"
        case let .badSeconds(command, name, range, got):
            return "\(command): \(name) must be seconds, \(range.least.map { "at least \($0.text)" } ?? (range.allowsZero ? "0 or more" : "more than 0"))"
                + " and at most \(range.maximum) (\(range.examples)), got \(got)"
        case let .unexpectedWord(command, word, usage):
            return "\(command): unexpected '\(display(word))' (usage: \(usage))"
        case let .missingWord(command, what, usage):
            return "\(command): missing \(what) (usage: \(usage))"
        case let .givenTwice(command, word):
            return "\(command): '\(display(word))' given twice"
        case let .givenTogether(command, first, second, usage):
            return "\(command): '\(first)' and '\(second)' given together; choose one (usage: \(usage))"
        case let .requires(command, word, requirement, usage):
            return "\(command): '\(word)' goes with \(requirement) (usage: \(usage))"
        case let .tooManyMessages(command, producers, messages, limit):
            return "\(command): producers × messages must be at most \(limit), got \(producers) × \(messages)"
        case let .spawnArgumentWithoutSeparator(program, word):
            let example = "spawn \(display(program)) -- \(display(word))"
            return "spawn: unexpected '\(display(word))' after the program; arguments go after '--': \(example)"
        case let .bufferedOnSpawn(program):
            return "spawn: 'buffered' is for fork and forkexit; a spawned program buffers its output its own way"
                + " (to pass the word to it: spawn \(display(program)) -- buffered)"
        case .numberAsProgram:
            return "spawn: '{}' cannot be PROGRAM; it stands for the child's number in an argument after '--': spawn python3 3 -- child.py {}"
        case let .nulByte(command):
            return "\(command): a word holds a NUL byte, which no program argument can carry"
        case let .nulByteInPath(command):
            return "\(command): FILE holds a NUL byte, which no file name can carry"
        case let .forceBeforeFile(path):
            return "save: 'force' goes after FILE: save \(display(path)) force"
        case let .unknownChoice(command, what, allowed, got, suggestion):
            let choices = "one of " + allowed.joined(separator: ", ")
            guard let suggestion else { return "\(command): unknown \(what) '\(display(got))' (\(choices))" }
            return "\(command): unknown \(what) '\(display(got))' (did you mean '\(suggestion)'? \(choices))"
        case let .unknownHelpTopic(word, suggestion):
            return "help: no command '\(display(word))'" + hint(suggestion)
        case let .badTreeAction(command, index, action, problem):
            return "\(command): action \(index) '\(display(action))': " + problem.text
        case let .treeTooLong(command, count, limit):
            return "\(command): \(count) actions; a list has at most \(limit)"
        case let .unknownSetting(word):
            return "set: unknown setting '\(display(word))' (settings: repeat on|off, format book|json)"
        case let .badSettingValue(setting, allowed, got):
            let choices = allowed.joined(separator: " or ")
            guard let got else { return "set \(setting): missing value (\(choices))" }
            return "set \(setting): expected \(choices), got '\(display(got))'"
        }
    }

    private func hint(_ suggestion: String?) -> String {
        if let suggestion { return " (did you mean '\(suggestion)'?)" }
        return " (type 'help' for the commands)"
    }
}

extension ParseError.TreeProblem {
    var text: String {
        switch self {
        case .malformed:
            return "not X+Y (X forks Y) or X- (X exits); names are 1…8 letters or digits"
        case let .notYet(name, later?):
            return "there is no process \(name) yet (action \(later) forks it)"
        case let .notYet(name, nil):
            return "there is no process \(name); a is the root, and X+\(name) would fork it"
        case let .exited(name, at, action):
            return "\(name) has exited already (action \(at) '\(action)')"
        case let .nameTaken(name, _, nil):
            return "the name \(name) is the root's; give the new process a name of its own"
        case let .nameTaken(name, at, action?):
            return "the name \(name) is taken (action \(at) '\(action)'); give the new process a name of its own"
        case .rootExits:
            return "the root a cannot exit: it adopts the orphans and outlives the tree"
        case let .tooMany(limit):
            return "\(limit + 1) processes would be alive at once; at most \(limit), the root included"
        }
    }
}
