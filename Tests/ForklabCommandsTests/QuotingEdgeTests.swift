import Testing
@testable import ForklabCommands

@Suite("Tokenizer: shell rules at the edges")
struct TokenizerEdgeTests {
    @Test func aBackslashInDoubleQuotesStaysBeforeOtherCharacters() throws {
        #expect(try words(#"spawn printf -- "a\nb""#) == [["spawn", "printf", "--", #"a\nb"#]])
        #expect(try words(#""a\"b\\c""#) == [[#"a"b\c"#]])
        #expect(try words(#""kill -9 \$\$ \`x\`""#) == [["kill -9 $$ `x`"]])
    }

    @Test func aCombiningMarkDoesNotHideAQuoteABlankOrASemicolon() throws {
        #expect(try words("spawn echo -- '\u{301}'") == [["spawn", "echo", "--", "\u{301}"]])
        #expect(try words("fork;\u{301}fork") == [["fork"], ["\u{301}fork"]])
    }

    @Test func carriageReturnAndNewlineAreTwoBlanks() throws {
        #expect(try words("fork\r\n2") == [["fork", "2"]])
    }
}

@Suite("Completer: quotes and escapes in what it inserts")
struct CompleterQuotingTests {
    @Test func aSingleQuoteInsideSingleQuotesIsClosedEscapedAndReopened() throws {
        let fs = FakeFileSystem(paths: ["it's"])
        let insertion = fs.completer.complete("spawn cat -- 'it").insertion
        #expect(insertion == #"'\''s' "#)
        #expect(try words("spawn cat -- 'it" + insertion) == [["spawn", "cat", "--", "it's"]])
    }

    @Test func quotesAndBackslashesInsideDoubleQuotesAreEscaped() throws {
        let fs = FakeFileSystem(paths: [#"a"b\c"#])
        let insertion = fs.completer.complete(#"spawn cat -- "a"#).insertion
        #expect(try words(#"spawn cat -- "a"# + insertion) == [["spawn", "cat", "--", #"a"b\c"#]])
    }

    @Test func aBackslashAlreadyTypedIsNotDoubled() throws {
        let fs = FakeFileSystem(paths: ["my file.txt"])
        let insertion = fs.completer.complete(#"spawn cat -- my\"#).insertion
        #expect(insertion == " file.txt ")
        #expect(try words(#"spawn cat -- my\"# + insertion) == [["spawn", "cat", "--", "my file.txt"]])
    }

    @Test func namesWithNewlinesAreNotOffered() {
        let fs = FakeFileSystem(paths: ["new\nline"])
        #expect(fs.completer.complete("spawn cat -- new") == Completer.Result(insertion: "", candidates: []))
    }

    @Test func nothingIsOfferedAfterASettingsValue() {
        let fs = FakeFileSystem()
        #expect(fs.completer.complete("set repeat on ").insertion == "")
    }

    @Test func doubleDashIsOfferedAfterTheCountToo() {
        let fs = FakeFileSystem()
        #expect(fs.completer.complete("spawn child.sh 3 -").insertion == "- ")
    }
}
