/// A word of a command line, after quotes and escapes are removed.
public struct Word: Hashable, Sendable {
    public var text: String
    /// Column (1-based, in Unicode scalars) where the word starts.
    public var column: Int

    public init(_ text: String, column: Int) {
        self.text = text
        self.column = column
    }
}

/// Splits a line into commands (at `;`) and words, as a shell does without
/// any of its expansions: blanks separate words; `'…'` keeps everything
/// literally; in `"…"` a `\` escapes only `"`, `\`, `$` and `` ` `` (as in a
/// shell, though forklab expands nothing) and stays before any other
/// character; outside quotes `\` keeps the next character; a word that begins with `#` starts a comment
/// that runs to the end of the line. Nothing is ever passed to a shell.
public enum Tokenizer {
    /// The commands of a line, each a list of words; empty commands dropped.
    public static func split(_ line: String) throws(ParseError) -> [[Word]] {
        let scan = Scan(line)
        if let quote = scan.openQuote {
            throw ParseError(.unterminatedQuote(quote: quote, column: scan.openQuoteColumn))
        }
        if scan.danglingEscape { throw ParseError(.danglingEscape) }
        return scan.commands.filter { !$0.isEmpty }
    }
}

/// One pass over a line, which may be partial (for TAB completion): the
/// words found, and whether the line ends inside a word or a quote.
struct Scan {
    private(set) var commands: [[Word]] = [[]]
    /// The quote still open at the end of the line, if any.
    private(set) var openQuote: Unicode.Scalar?
    private(set) var openQuoteColumn = 0
    /// The line ends with a `\` that escapes nothing.
    private(set) var danglingEscape = false
    /// The line ends inside a word: the last word may still grow.
    private(set) var endsInWord = false
    /// The line ends in a comment: there is nothing to complete.
    private(set) var endsInComment = false

    private var current = String.UnicodeScalarView()
    private var inWord = false
    private var wordColumn = 0

    init(_ line: String) {
        // Scalars, not Characters: a combining mark after a quote or a blank
        // must not hide it, and "\r\n" is two blanks.
        var column = 0
        var escaped = false
        scanning: for scalar in line.unicodeScalars {
            column += 1
            if escaped {
                if openQuote == "\"" && !"\"\\$`".unicodeScalars.contains(scalar) { current.append("\\") }
                current.append(scalar)
                escaped = false
                continue
            }
            if let quote = openQuote {
                if scalar == quote {
                    openQuote = nil
                } else if quote == "\"" && scalar == "\\" {
                    escaped = true
                } else {
                    current.append(scalar)
                }
                continue
            }
            switch scalar {
            case " ", "\t", "\r", "\n":
                finishWord()
            case ";":
                finishWord()
                commands.append([])
            case "#" where !inWord:
                endsInComment = true
                break scanning
            case "'", "\"":
                startWord(at: column)
                openQuote = scalar
                openQuoteColumn = column
            case "\\":
                startWord(at: column)
                escaped = true
            default:
                startWord(at: column)
                current.append(scalar)
            }
        }
        endsInWord = inWord
        danglingEscape = escaped && openQuote == nil
        if escaped && openQuote != nil { current.append("\\") }
        finishWord()
    }

    private mutating func startWord(at column: Int) {
        if !inWord { wordColumn = column }
        inWord = true
    }

    private mutating func finishWord() {
        if inWord { commands[commands.count - 1].append(Word(String(current), column: wordColumn)) }
        current = String.UnicodeScalarView()
        inWord = false
    }
}
