/// Turns lines into commands.
public enum Parser {
    /// The commands of one line, each parsed on its own so that a script can
    /// run `fork 2` and report the error in `frok` on the same line.
    /// - Throws: a quoting error, which spoils the whole line.
    public static func parse(line: String) throws(ParseError) -> [Result<Command, ParseError>] {
        try Tokenizer.split(line).map { words in
            Result { () throws(ParseError) in try parse(words: words) }
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
