import Testing
@testable import ForklabCommands
import ForklabWords

@Suite("Tokenizer: words and commands")
struct TokenizerWordTests {
    @Test func blanksSeparateWords() throws {
        #expect(try words("spawn child.sh 3") == [["spawn", "child.sh", "3"]])
    }

    @Test func runsOfSpacesTabsAndCarriageReturnsAreOneSeparator() throws {
        #expect(try words("  fork \t\t 2 \r") == [["fork", "2"]])
    }

    @Test func emptyAndBlankLinesHaveNoCommands() throws {
        #expect(try words("") == [])
        #expect(try words("   \t ") == [])
    }

    @Test func semicolonSeparatesCommands() throws {
        #expect(try words("fork 2; forkexit 3") == [["fork", "2"], ["forkexit", "3"]])
    }

    @Test func semicolonNeedsNoBlanksAroundIt() throws {
        #expect(try words("fork 2;fork 3") == [["fork", "2"], ["fork", "3"]])
    }

    @Test func emptyCommandsBetweenSemicolonsAreDropped() throws {
        #expect(try words(";;") == [])
        #expect(try words("; fork ;; ;q;") == [["fork"], ["q"]])
    }

    @Test func wordColumnsAreOneBasedInCharacters() throws {
        let split = try Tokenizer.split("fork  'a b'  c;é x")
        #expect(split == [
            [Word("fork", column: 1), Word("a b", column: 7), Word("c", column: 14)],
            [Word("é", column: 16), Word("x", column: 18)],
        ])
    }

    @Test func aWordStartingWithAnEscapeOrQuoteHasTheColumnOfThatCharacter() throws {
        let split = try Tokenizer.split(#"a \b "c""#)
        #expect(split.first?.map(\.column) == [1, 3, 6])
    }
}

@Suite("Tokenizer: comments")
struct TokenizerCommentTests {
    @Test func hashAtTheStartOfAWordBeginsAComment() throws {
        #expect(try words("fork 2 # two children") == [["fork", "2"]])
    }

    @Test func aLineThatIsOnlyACommentHasNoCommands() throws {
        #expect(try words("# fork 2") == [])
        #expect(try words("   #") == [])
    }

    @Test func aCommentRunsToTheEndOfTheLineThroughSemicolons() throws {
        #expect(try words("fork 2; # no; fork 3") == [["fork", "2"]])
    }

    @Test func hashRightAfterASemicolonBeginsAComment() throws {
        #expect(try words("fork 2;#fork 3") == [["fork", "2"]])
    }

    @Test func hashInsideAWordIsPartOfIt() throws {
        #expect(try words("a#b c#") == [["a#b", "c#"]])
    }

    @Test func hashAfterAQuotedPartOfAWordIsPartOfIt() throws {
        #expect(try words("'a'#b") == [["a#b"]])
    }

    @Test func hashInsideQuotesIsPartOfTheWord() throws {
        #expect(try words(##"'#a' "#b" x"##) == [["#a", "#b", "x"]])
    }

    @Test func escapedHashIsAWordNotAComment() throws {
        #expect(try words(##"\#a b"##) == [["#a", "b"]])
    }

    @Test func quotesInsideACommentAreIgnored() throws {
        #expect(try words("fork # it's \"odd") == [["fork"]])
    }

    @Test func backslashAtTheEndOfACommentIsIgnored() throws {
        #expect(try words(#"fork # ends with \"#) == [["fork"]])
    }
}

@Suite("Tokenizer: quotes and escapes")
struct TokenizerQuoteTests {
    @Test func singleQuotesKeepEverythingLiterally() throws {
        #expect(try words(#"'a b;c #d \e "f'"#) == [[#"a b;c #d \e "f"#]])
    }

    @Test func doubleQuotesKeepBlanksSemicolonsAndSingleQuotes() throws {
        #expect(try words(#""a b;c 'd' #e""#) == [["a b;c 'd' #e"]])
    }

    @Test func backslashQuoteInsideDoubleQuotesIsAQuote() throws {
        #expect(try words(#""say \"hi\"""#) == [[#"say "hi""#]])
    }

    @Test func backslashBackslashInsideDoubleQuotesIsOneBackslash() throws {
        #expect(try words(#""a\\b""#) == [[#"a\b"#]])
    }

    @Test func backslashOutsideQuotesKeepsTheNextCharacter() throws {
        #expect(try words(#"a\ b \; \' \" \\ \x"#) == [["a b", ";", "'", "\"", "\\", "x"]])
    }

    @Test func escapedSemicolonDoesNotSplitCommands() throws {
        #expect(try words(#"spawn sh -- -c a\;b"#) == [["spawn", "sh", "--", "-c", "a;b"]])
    }

    @Test func adjacentQuotedAndUnquotedPartsJoinIntoOneWord() throws {
        #expect(try words("a'b c'd") == [["ab cd"]])
        #expect(try words(#"x"y"'z'\ w"#) == [["xyz w"]])
    }

    @Test func emptySingleQuotesAreAnEmptyWord() throws {
        #expect(try words("''") == [[""]])
    }

    @Test func emptyDoubleQuotesAreAnEmptyWord() throws {
        #expect(try words(#"a "" b"#) == [["a", "", "b"]])
    }

    @Test func emptyQuotesJoinedToTextAddNothing() throws {
        #expect(try words("a''b") == [["ab"]])
    }

    @Test func newlineInsideQuotesIsKept() throws {
        #expect(try words("'a\nb'") == [["a\nb"]])
    }

    @Test func nonASCIITextPassesThroughUnchanged() throws {
        #expect(try words("spawn écho -- 日本 🙂 'ü ß'") == [["spawn", "écho", "--", "日本", "🙂", "ü ß"]])
    }
}

@Suite("Tokenizer: quoting errors")
struct TokenizerErrorTests {
    @Test func unterminatedSingleQuoteNamesItsColumn() {
        #expect(tokenizerMessage("fork 'abc") == "missing closing ' for the quote at column 6")
    }

    @Test func unterminatedDoubleQuoteNamesItsColumn() {
        #expect(tokenizerMessage(#"spawn "ls"#) == #"missing closing " for the quote at column 7"#)
    }

    @Test func theUnterminatedQuoteIsTheLastOneOpened() {
        #expect(tokenizerMessage(#"'a' "b" 'c"#) == "missing closing ' for the quote at column 9")
    }

    @Test func aQuoteAfterASemicolonIsCountedFromTheLineStart() {
        #expect(tokenizerMessage("fork 2; spawn 'x") == "missing closing ' for the quote at column 15")
    }

    @Test func unterminatedQuoteErrorKindCarriesQuoteAndColumn() {
        #expect(throws: ParseError(.unterminatedQuote(quote: "\"", column: 1))) {
            try Tokenizer.split(#""abc"#)
        }
    }

    @Test func backslashAtTheEndOfTheLineIsAnError() {
        #expect(tokenizerMessage(#"fork \"#) == #"nothing follows the \ at the end of the line"#)
        #expect(throws: ParseError(.danglingEscape)) { try Tokenizer.split(#"\"#) }
    }

    @Test func backslashAtTheEndInsideDoubleQuotesIsAnUnterminatedQuote() {
        #expect(tokenizerMessage(#"a "b\"#) == #"missing closing " for the quote at column 3"#)
    }

    @Test func backslashAtTheEndInsideSingleQuotesIsAnUnterminatedQuote() {
        #expect(tokenizerMessage(#"a 'b\"#) == "missing closing ' for the quote at column 3")
    }

    @Test func escapedBackslashAtTheEndIsFine() throws {
        #expect(try words(#"a \\"#) == [["a", "\\"]])
    }
}

@Suite("Tokenizer: bytes that are not UTF-8")
struct TokenizerRawByteTests {
    /// The bytes of each word of each command of a line read as bytes.
    func rawWords(_ bytes: [UInt8]) throws(ParseError) -> [[[UInt8]]] {
        try Tokenizer.split(String(rawBytes: bytes)).map { $0.map(\.text.rawBytes) }
    }

    @Test func aByteThatIsNotUTF8StaysInItsWordQuotedOrNot() throws {
        // spawn x\xff 'a\xfeb' "\xfd" \\\xfc ; q
        let line: [UInt8] = Array("spawn x".utf8) + [0xff] + Array(" 'a".utf8) + [0xfe] + Array("b' \"".utf8) + [0xfd]
            + Array("\" \\".utf8) + [0xfc] + Array(" ; q".utf8)
        #expect(try rawWords(line) == [
            [Array("spawn".utf8), [0x78, 0xff], [0x61, 0xfe, 0x62], [0xfd], [0xfc]],
            [Array("q".utf8)],
        ])
    }

    @Test func aByteThatIsNotUTF8CountsAsOneColumn() {
        let line = String(rawBytes: [0xff, 0xfe] + Array(" 'x".utf8))
        #expect(tokenizerMessage(line) == "missing closing ' for the quote at column 4")
    }

    @Test func aParseErrorShowsTheByteAsAHexEscape() {
        #expect(message(String(rawBytes: Array("frk".utf8) + [0xff, 0xfe])) == "unknown command 'frk\\xff\\xfe' (type 'help' for the commands)")
    }
}
