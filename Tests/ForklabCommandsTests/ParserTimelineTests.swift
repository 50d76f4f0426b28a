import Testing
@testable import ForklabCommands

/// `timeline [width W] [ascii|unicode]`: both optional, in any order, once each.
@Suite("Parser: timeline")
struct ParserTimelineTests {
    static let usage = "timeline [width W] [ascii|unicode]"

    @Test func aloneItLeavesWidthAndCharsetToTheTerminal() throws {
        #expect(try command("timeline") == .timeline(width: nil, charset: nil))
    }

    @Test func widthSetsTheColumns() throws {
        #expect(try command("timeline width 120") == .timeline(width: 120, charset: nil))
    }

    @Test func asciiAndUnicodeChooseTheCharacters() throws {
        #expect(try command("timeline ascii") == .timeline(width: nil, charset: .ascii))
        #expect(try command("timeline unicode") == .timeline(width: nil, charset: .unicode))
    }

    @Test func wordsComeInAnyOrder() throws {
        let expected = Command.timeline(width: 100, charset: .ascii)
        #expect(try command("timeline width 100 ascii") == expected)
        #expect(try command("timeline ascii width 100") == expected)
        #expect(try command("timeline unicode width 60") == .timeline(width: 60, charset: .unicode))
    }

    @Test func widthIsAcceptedAtItsEdgesAndRefusedPastThem() throws {
        #expect(try command("timeline width 40") == .timeline(width: 40, charset: nil))
        #expect(try command("timeline width 1000") == .timeline(width: 1000, charset: nil))
        #expect(message("timeline width 39") == "timeline: W must be 40…1000, got 39")
        #expect(message("timeline width 1001") == "timeline: W must be 40…1000, got 1001")
        #expect(errorKind("timeline width 39") == .badNumber(command: "timeline", name: "W", range: 40...1000, got: "39"))
    }

    @Test func widthRefusesZeroNegativesAndWords() {
        #expect(message("timeline width 0") == "timeline: W must be 40…1000, got 0")
        #expect(message("timeline width -80") == "timeline: W must be 40…1000, got -80")
        #expect(message("timeline width wide") == "timeline: W must be 40…1000, got 'wide'")
        #expect(message("timeline width 99999999999999999999") == "timeline: W must be 40…1000, got 99999999999999999999")
    }

    @Test func widthAcceptsUnderscores() throws {
        #expect(try command("timeline width 1_000") == .timeline(width: 1000, charset: nil))
    }

    @Test func widthWithoutANumberIsRefused() {
        #expect(message("timeline width") == "timeline: missing W after 'width' (usage: \(Self.usage))")
        #expect(message("timeline width ascii") == "timeline: missing W after 'width' (usage: \(Self.usage))")
        #expect(message("timeline width unicode 80") == "timeline: missing W after 'width' (usage: \(Self.usage))")
    }

    @Test func widthGivenTwiceIsRefused() {
        #expect(message("timeline width 80 width 100") == "timeline: 'width' given twice")
        #expect(message("timeline width 80 ascii width") == "timeline: 'width' given twice")
        #expect(errorKind("timeline width 80 width 100") == .givenTwice(command: "timeline", word: "width"))
    }

    @Test(arguments: ["ascii", "unicode"])
    func aCharsetGivenTwiceIsRefused(charset: String) {
        #expect(message("timeline \(charset) \(charset)") == "timeline: '\(charset)' given twice")
        #expect(message("timeline \(charset) width 80 \(charset)") == "timeline: '\(charset)' given twice")
    }

    @Test func asciiAndUnicodeTogetherAreRefused() {
        #expect(message("timeline ascii unicode")
            == "timeline: 'ascii' and 'unicode' given together; choose one (usage: \(Self.usage))")
        #expect(message("timeline unicode width 80 ascii")
            == "timeline: 'unicode' and 'ascii' given together; choose one (usage: \(Self.usage))")
        #expect(errorKind("timeline ascii unicode")
            == .givenTogether(command: "timeline", first: "ascii", second: "unicode", usage: Self.usage))
    }

    @Test func aNumberWithoutWidthIsRefused() {
        #expect(message("timeline 80") == "timeline: unexpected '80' (usage: \(Self.usage))")
        #expect(message("timeline ascii 80") == "timeline: unexpected '80' (usage: \(Self.usage))")
    }

    @Test func anUnknownWordIsRefused() {
        #expect(message("timeline utf8") == "timeline: unexpected 'utf8' (usage: \(Self.usage))")
        #expect(message("timeline ASCII") == "timeline: unexpected 'ASCII' (usage: \(Self.usage))")
        #expect(message("timeline width 80 wide") == "timeline: unexpected 'wide' (usage: \(Self.usage))")
    }

    @Test func theFirstMistakeIsTheOneReported() {
        #expect(message("timeline width 10 ascii unicode") == "timeline: W must be 40…1000, got 10")
        #expect(message("timeline ascii unicode width 10")
            == "timeline: 'ascii' and 'unicode' given together; choose one (usage: \(Self.usage))")
    }

    @Test func timelineIsNotAnExperiment() throws {
        #expect(try !command("timeline").isExperiment)
        #expect(try !command("timeline width 80 unicode").isExperiment)
        #expect(Catalog.spec(named: "timeline")?.isExperiment == false)
    }

    @Test func helpTimelineHasText() throws {
        #expect(try command("help timeline") == .help(topic: "timeline"))
        let text = try #require(Catalog.spec(named: "timeline")).helpText
        #expect(text.hasPrefix("usage: \(Self.usage)\n\n"))
        for phrase in [
            "a lane per process or thread, time left to right", "Marks", "axis", "legend", "terminal",
            "80 columns", "W is 40…1000", "\"ascii\"", "\"unicode\"", "locale",
        ] {
            #expect(text.contains(phrase), "missing \(phrase)")
        }
    }

    @Test func theWidthLimitIsFortyToAThousand() {
        #expect(Limits.timelineWidth == 40...1000)
    }

    @Test func theCharsetsAreAsciiAndUnicode() {
        #expect(TimelineCharset.allCases.map(\.rawValue) == ["ascii", "unicode"])
    }
}
