import Testing
import ForklabWords

@Suite("display: words in error messages")
struct DisplayTests {
    @Test func aShortPrintableWordIsShownAsIs() {
        #expect(display("fork") == "fork")
        #expect(display("") == "")
    }

    @Test func fortyCharactersAreShownWhole() {
        let word = String(repeating: "a", count: 40)
        #expect(display(word) == word)
    }

    @Test func aLongerWordIsCutToFortyCharactersAndAnEllipsis() {
        let word = String(repeating: "a", count: 40) + "bcd"
        #expect(display(word) == String(repeating: "a", count: 40) + "…")
    }

    @Test func theLimitCountsUnicodeScalars() {
        let word = String(repeating: "é", count: 41)
        #expect(display(word) == String(repeating: "é", count: 40) + "…")
    }

    @Test(arguments: [
        ("\u{0}", "\\x00"), ("\u{1}", "\\x01"), ("\t", "\\x09"), ("\n", "\\x0a"), ("\r", "\\x0d"),
        ("\u{1b}", "\\x1b"), ("\u{1f}", "\\x1f"), ("\u{7f}", "\\x7f"), ("\u{80}", "\\x80"), ("\u{9f}", "\\x9f"),
    ])
    func controlCharactersAreShownAsHexEscapes(character: String, shown: String) {
        #expect(display("a" + character + "b") == "a" + shown + "b")
    }

    @Test func printableUnicodeIsShownAsIs() {
        #expect(display("日本 ü 🙂 \u{a0}\u{fffd}") == "日本 ü 🙂 \u{a0}\u{fffd}")
    }

    @Test func anEscapedControlCountsAsOneCharacterOfTheForty() {
        let word = String(repeating: "\u{1}", count: 41)
        #expect(display(word) == String(repeating: "\\x01", count: 40) + "…")
    }
}
