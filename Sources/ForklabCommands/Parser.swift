/// One command of a line as the parser read it: the command, or why it is
/// not one. Not `Result<Command, ParseError>`: the run-time metadata of an
/// array of that generic type, checked against `Error`, cost every start of
/// forklab about 65000 instructions (docs/performance.md, *Startup*).
public enum ParsedCommand: Hashable, Sendable {
    case success(Command)
    case failure(ParseError)

    /// The command, or the error.
    public func get() throws(ParseError) -> Command {
        switch self {
        case let .success(command): return command
        case let .failure(error): throw error
        }
    }
}

/// Turns lines into commands.
public enum Parser {
    /// The commands of one line, each parsed on its own so that a script can
    /// run `fork 2` and report the error in `frok` on the same line.
    /// - Throws: a quoting error, which spoils the whole line.
    public static func parse(line: String) throws(ParseError) -> [ParsedCommand] {
        try Tokenizer.split(line).map { words in
            do throws(ParseError) {
                return .success(try parse(words: words))
            } catch {
                return .failure(error)
            }
        }
    }

    /// One command from its words (at least one).
    public static func parse(words: [Word]) throws(ParseError) -> Command {
        guard let name = words.first else { throw ParseError(.unknownCommand("", suggestion: nil)) }
        guard let spec = Catalog.spec(named: name.text) else {
            throw ParseError(.unknownCommand(name.text, suggestion: Catalog.suggestion(for: name.text)))
        }
        // Under the name as typed: `quit now` is reported as quit's error, not
        // q's, and `consume 3` is read as three consumers.
        return try spec.parse(spec.named(name.text), words.dropFirst())
    }
}
