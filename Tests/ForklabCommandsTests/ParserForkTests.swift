import Testing
@testable import ForklabCommands

/// `fork [N] [buffered]` and `forkexit [N] [buffered]` share one grammar: an optional count N in 1…10000, then an optional `buffered`.
@Suite("Parser: fork and forkexit")
struct ParserForkTests {
    static let names = ["fork", "forkexit"]

    /// The count of a fork or forkexit command; nil for any other command.
    func count(_ command: Command) -> Int? {
        switch command {
        case let .fork(count, _, _), let .forkExit(count, _, _): return count
        default: return nil
        }
    }

    @Test func forkParsesToFork() throws {
        #expect(try command("fork 3") == .fork(count: 3))
    }

    @Test func forkexitParsesToForkExit() throws {
        #expect(try command("forkexit 3") == .forkExit(count: 3))
    }

    @Test(arguments: names)
    func countDefaultsToOne(name: String) throws {
        #expect(count(try command(name)) == 1)
    }

    @Test(arguments: names)
    func smallestAndLargestCountsAreAccepted(name: String) throws {
        #expect(count(try command("\(name) 1")) == 1)
        #expect(count(try command("\(name) 10000")) == 10000)
    }

    @Test(arguments: names)
    func singleUnderscoresBetweenDigitsAreAccepted(name: String) throws {
        #expect(count(try command("\(name) 1_000")) == 1000)
        #expect(count(try command("\(name) 1_0_0")) == 100)
        #expect(count(try command("\(name) 10_000")) == 10000)
    }

    @Test(arguments: names)
    func leadingZerosAreAccepted(name: String) throws {
        #expect(count(try command("\(name) 007")) == 7)
    }

    @Test(arguments: names)
    func aQuotedNumberIsANumber(name: String) throws {
        #expect(count(try command("\(name) '12'")) == 12)
    }

    @Test func zeroIsRefused() {
        #expect(message("fork 0") == "fork: N must be 1…10000, got 0")
        #expect(message("forkexit 0") == "forkexit: N must be 1…10000, got 0")
    }

    @Test func negativeIsRefused() {
        #expect(message("fork -3") == "fork: N must be 1…10000, got -3")
        #expect(message("forkexit -0") == "forkexit: N must be 1…10000, got -0")
    }

    @Test func aboveTheCeilingIsRefused() {
        #expect(message("fork 10001") == "fork: N must be 1…10000, got 10001")
        #expect(message("forkexit 10_001") == "forkexit: N must be 1…10000, got 10_001")
    }

    @Test func aNumberTooLargeForIntIsRefusedAsOutOfRange() {
        #expect(message("fork 99999999999999999999") == "fork: N must be 1…10000, got 99999999999999999999")
        #expect(message("fork 9223372036854775808") == "fork: N must be 1…10000, got 9223372036854775808")
        #expect(message("fork -9223372036854775809") == "fork: N must be 1…10000, got -9223372036854775809")
    }

    @Test func intMaxIsOutOfRange() {
        #expect(message("fork 9223372036854775807") == "fork: N must be 1…10000, got 9223372036854775807")
    }

    @Test func aWordIsRefusedAndShownQuoted() {
        #expect(message("fork abc") == "fork: N must be 1…10000, got 'abc'")
    }

    @Test func doubleUnderscoreIsRefused() {
        #expect(message("fork 1__0") == "fork: N must be 1…10000, got 1__0")
    }

    @Test func leadingUnderscoreIsRefusedAndShownQuoted() {
        #expect(message("fork _1") == "fork: N must be 1…10000, got '_1'")
    }

    @Test func trailingUnderscoreIsRefused() {
        #expect(message("fork 1_") == "fork: N must be 1…10000, got 1_")
    }

    @Test func underscoreAfterTheSignIsRefused() {
        #expect(message("fork -_1") == "fork: N must be 1…10000, got '-_1'")
    }

    @Test func aPlusSignIsRefused() {
        #expect(message("fork +3") == "fork: N must be 1…10000, got '+3'")
    }

    @Test func aLoneMinusIsRefused() {
        #expect(message("fork -") == "fork: N must be 1…10000, got '-'")
    }

    @Test func anEmptyWordIsRefused() {
        #expect(message("fork ''") == "fork: N must be 1…10000, got ''")
    }

    @Test(arguments: [
        ("1.5", "'1.5'"), ("1e3", "'1e3'"), ("0x10", "'0x10'"), (" 2", "' 2'"), ("2 ", "'2 '"),
        ("１２", "'１２'"), ("٣", "'٣'"), ("²", "'²'"), ("½", "'½'"),
    ])
    func onlyPlainASCIIDecimalDigitsAreNumbers(word: String, shown: String) {
        #expect(message("fork '\(word)'") == "fork: N must be 1…10000, got \(shown)")
    }

    @Test func aLongNumberIsShownShortened() {
        let digits = String(repeating: "1", count: 60)
        let shown = String(repeating: "1", count: 40) + "…"
        #expect(message("fork \(digits)") == "fork: N must be 1…10000, got \(shown)")
    }

    @Test func anExtraWordIsRefused() {
        #expect(message("fork 2 3") == "fork: unexpected '3' (usage: fork [N] [buffered] [noreap])")
        #expect(message("forkexit 2 x") == "forkexit: unexpected 'x' (usage: forkexit [N] [buffered] [noreap])")
    }

    @Test func bufferedAfterTheCountParsesToBufferedChildren() throws {
        #expect(try command("fork 3 buffered") == .fork(count: 3, buffered: true))
        #expect(try command("forkexit 2 buffered") == .forkExit(count: 2, buffered: true))
    }

    @Test func bufferedAloneMeansOneBufferedChild() throws {
        #expect(try command("fork buffered") == .fork(count: 1, buffered: true))
        #expect(try command("forkexit buffered") == .forkExit(count: 1, buffered: true))
    }

    @Test func withoutBufferedTheChildrenWriteAtOnce() throws {
        #expect(try command("fork 3") == .fork(count: 3, buffered: false))
        #expect(try command("forkexit") == .forkExit(count: 1, buffered: false))
    }

    @Test func bufferedGivenTwiceIsRefused() {
        #expect(message("fork buffered buffered") == "fork: 'buffered' given twice")
        #expect(message("forkexit 2 buffered buffered") == "forkexit: 'buffered' given twice")
    }

    @Test func theCountAfterBufferedIsRefused() {
        #expect(message("fork buffered 3") == "fork: unexpected '3' (usage: fork [N] [buffered] [noreap])")
    }

    @Test func aWordOtherThanBufferedAfterTheCountIsRefused() {
        #expect(message("fork 3 buffer") == "fork: unexpected 'buffer' (usage: fork [N] [buffered] [noreap])")
        #expect(message("forkexit 3 buffered x") == "forkexit: unexpected 'x' (usage: forkexit [N] [buffered] [noreap])")
    }

    @Test func bufferedIsNotABadCount() {
        #expect(message("fork 0 buffered") == "fork: N must be 1…10000, got 0")
    }

    @Test func theCountIsCheckedBeforeExtraWords() {
        #expect(message("fork 0 3") == "fork: N must be 1…10000, got 0")
    }

    @Test func theErrorKindNamesCommandNameRangeAndWord() {
        #expect(errorKind("fork 0") == .badNumber(command: "fork", name: "N", range: 1...10000, got: "0"))
        #expect(errorKind("fork x") == .badNumber(command: "fork", name: "N", range: 1...10000, got: "'x'"))
    }

    @Test func theProcessLimitIsOneToTenThousand() {
        #expect(Limits.processes == 1...10_000)
    }
}

@Suite("parseInteger and looksNumeric")
struct IntegerTests {
    @Test(arguments: [
        ("0", 0), ("7", 7), ("-3", -3), ("1_000", 1000), ("1_2_3", 123), ("-1_0", -10),
        ("9223372036854775807", Int.max), ("-9223372036854775807", -Int.max),
    ])
    func plainDecimalsParse(text: String, value: Int) {
        #expect(parseInteger(text) == value)
    }

    @Test(arguments: [
        "", "-", "_", "_1", "1_", "1__0", "-_1", "+1", "1.0", "1e3", "0x1", " 1", "1 ", "１", "٣",
        "9223372036854775808", "-9223372036854775808", "99999999999999999999",
    ])
    func anythingElseIsNotAnInteger(text: String) {
        #expect(parseInteger(text) == nil)
    }

    @Test(arguments: ["0", "-3", "1_", "1__0", "99999999999999999999"])
    func digitWordsLookNumeric(text: String) {
        #expect(looksNumeric(text))
    }

    @Test(arguments: ["", "-", "abc", "_1", "-_1", "+1", "1.5", "１", "-l", "/tmp"])
    func otherWordsDoNotLookNumeric(text: String) {
        #expect(!looksNumeric(text))
    }
}
