import Testing
@testable import ForklabCommands

@Suite("Parser: help")
struct ParserHelpTests {
    @Test func helpAloneListsTheCommands() throws {
        #expect(try command("help") == .help(topic: nil))
    }

    @Test(arguments: Catalog.names)
    func helpAcceptsEveryCommandNameAndAlias(name: String) throws {
        #expect(try command("help \(name)") == .help(topic: name))
    }

    @Test func anUnknownTopicCloseToACommandGetsASuggestion() {
        #expect(message("help frok") == "help: no command 'frok' (did you mean 'fork'?)")
    }

    @Test func anUnknownTopicFarFromEveryCommandPointsToHelp() {
        #expect(message("help xyzzy") == "help: no command 'xyzzy' (type 'help' for the commands)")
    }

    @Test func anUnknownTopicIsShownEscaped() {
        #expect(message("help 'a\u{1b}b'") == "help: no command 'a\\x1bb' (type 'help' for the commands)")
    }

    @Test func aSecondTopicIsRefused() {
        #expect(message("help fork spawn") == "help: unexpected 'spawn' (usage: help [COMMAND])")
    }

    @Test func helpIsNotAnExperiment() throws {
        #expect(try !command("help").isExperiment)
    }
}

@Suite("Parser: set")
struct ParserSetTests {
    static let usage = "set repeat on|off | set format book|json"

    @Test func repeatOnTurnsRepeatingOn() throws {
        #expect(try command("set repeat on") == .set(.repeatOnEmptyLine(true)))
    }

    @Test func repeatOffTurnsRepeatingOff() throws {
        #expect(try command("set repeat off") == .set(.repeatOnEmptyLine(false)))
    }

    @Test func formatBookSelectsBookTraces() throws {
        #expect(try command("set format book") == .set(.format(.book)))
    }

    @Test func formatJSONSelectsJSONTraces() throws {
        #expect(try command("set format json") == .set(.format(.json)))
    }

    @Test func withoutASettingItIsRefused() {
        #expect(message("set") == "set: missing a setting (usage: \(Self.usage))")
    }

    @Test func repeatWithoutAValueIsRefused() {
        #expect(message("set repeat") == "set repeat: missing value (on or off)")
    }

    @Test func formatWithoutAValueIsRefused() {
        #expect(message("set format") == "set format: missing value (book or json)")
    }

    @Test func aBadRepeatValueIsRefused() {
        #expect(message("set repeat yes") == "set repeat: expected on or off, got 'yes'")
    }

    @Test func aBadFormatValueIsRefused() {
        #expect(message("set format xml") == "set format: expected book or json, got 'xml'")
    }

    @Test func valuesAreCaseSensitive() {
        #expect(message("set format JSON") == "set format: expected book or json, got 'JSON'")
        #expect(message("set repeat ON") == "set repeat: expected on or off, got 'ON'")
    }

    @Test func anUnknownSettingIsRefusedWithTheListOfSettings() {
        #expect(message("set colour on") == "set: unknown setting 'colour' (settings: repeat on|off, format book|json)")
    }

    @Test func anExtraWordIsRefused() {
        #expect(message("set repeat on now") == "set: unexpected 'now' (usage: \(Self.usage))")
        #expect(message("set format json x") == "set: unexpected 'x' (usage: \(Self.usage))")
    }

    @Test func aBadValueIsShownEscapedAndShortened() {
        let long = String(repeating: "v", count: 45)
        #expect(message("set format \(long)")
            == "set format: expected book or json, got '\(String(repeating: "v", count: 40))…'")
        #expect(message("set repeat '\u{7f}'") == "set repeat: expected on or off, got '\\x7f'")
    }

    @Test func setIsNotAnExperiment() throws {
        #expect(try !command("set repeat on").isExperiment)
    }
}

@Suite("Parser: quit")
struct ParserQuitTests {
    @Test(arguments: ["q", "quit", "exit"])
    func everyQuitNameQuits(name: String) throws {
        #expect(try command(name) == .quit)
    }

    @Test func qWithAWordIsRefused() {
        #expect(message("q now") == "q: unexpected 'now' (usage: q)")
    }

    @Test(arguments: ["quit", "exit"])
    func quitAliasesWithAWordAreRefused(name: String) {
        guard case let .unexpectedWord(_, word, usage)? = errorKind("\(name) now") else {
            Issue.record("'\(name) now' was not refused as an unexpected word")
            return
        }
        #expect(word == "now")
        #expect(usage == name)
        #expect(message("\(name) now") == "\(name): unexpected 'now' (usage: \(name))")
    }

    @Test func quitIsNotAnExperiment() {
        #expect(!Command.quit.isExperiment)
    }
}

@Suite("Parser: unknown commands")
struct ParserUnknownCommandTests {
    @Test(arguments: [
        ("frok", "fork"), ("sapwn", "spawn"), ("forkexti", "forkexit"), ("hlep", "help"),
        ("sett", "set"), ("quti", "quit"), ("exti", "exit"), ("forkexi", "forkexit"), ("forks", "fork"),
        ("spwan", "spawn"), ("st", "set"),
    ])
    func aNearMissSuggestsTheCommand(typed: String, meant: String) {
        #expect(message(typed) == "unknown command '\(typed)' (did you mean '\(meant)'?)")
    }

    @Test func aWordFarFromEveryCommandPointsToHelp() {
        #expect(message("xyzzy") == "unknown command 'xyzzy' (type 'help' for the commands)")
    }

    @Test func shortWordsGetASuggestionOnlyOneEditAway() {
        #expect(message("fo") == "unknown command 'fo' (type 'help' for the commands)")
        #expect(message("se") == "unknown command 'se' (did you mean 'set'?)")
    }

    @Test func theOneLetterAliasIsNeverSuggested() {
        #expect(Catalog.suggestion(for: "w") == nil)
        #expect(Catalog.suggestion(for: "qq") == nil)
    }

    @Test func theClosestNameWins() {
        #expect(Catalog.suggestion(for: "forkexitt") == "forkexit")
        #expect(Catalog.suggestion(for: "fork_") == "fork")
    }

    @Test func anEmptyCommandWordIsUnknown() {
        #expect(message("''") == "unknown command '' (type 'help' for the commands)")
    }

    @Test func parsingNoWordsIsAnUnknownCommand() {
        #expect(throws: ParseError(.unknownCommand("", suggestion: nil))) {
            try Parser.parse(words: [])
        }
    }

    @Test func theUnknownWordIsShownEscaped() {
        #expect(message("'\u{1b}[31mred'") == "unknown command '\\x1b[31mred' (type 'help' for the commands)")
    }

    @Test func aLongUnknownWordIsShownShortened() {
        let long = String(repeating: "z", count: 1000)
        #expect(message(long) == "unknown command '\(String(repeating: "z", count: 40))…' (type 'help' for the commands)")
    }

    @Test func theErrorKindCarriesTheWordAndSuggestion() {
        #expect(errorKind("frok 2") == .unknownCommand("frok", suggestion: "fork"))
        #expect(errorKind("xyzzy") == .unknownCommand("xyzzy", suggestion: nil))
    }

    @Test func commandWordsAreRecognisedWhenQuoted() throws {
        #expect(try command("'fork' \"2\"") == .fork(count: 2))
        #expect(try command(#"f\ork"#) == .fork(count: 1))
    }
}

@Suite("Parser: several commands on a line")
struct ParserLineTests {
    @Test func eachCommandOfALineIsParsedOnItsOwn() throws {
        let results = try Parser.parse(line: "fork 2; frok; spawn ls")
        #expect(results.count == 3)
        #expect(try results[0].get() == .fork(count: 2))
        #expect(throws: ParseError(.unknownCommand("frok", suggestion: "fork"))) { try results[1].get() }
        #expect(try results[2].get() == .spawn(program: "ls", count: nil, arguments: nil))
    }

    @Test func aBadNumberSpoilsOnlyItsOwnCommand() throws {
        let results = try Parser.parse(line: "fork 0;forkexit 3;set repeat maybe;q")
        #expect(results.map { (try? $0.get()) } == [nil, .forkExit(count: 3), nil, .quit])
        if case let .failure(error) = results[0] {
            #expect(error.description == "fork: N must be 1…10000, got 0")
        }
        if case let .failure(error) = results[2] {
            #expect(error.description == "set repeat: expected on or off, got 'maybe'")
        }
    }

    @Test func emptyCommandsAreNotReported() throws {
        let results = try Parser.parse(line: ";; fork ;")
        #expect(results.count == 1)
        #expect(try results[0].get() == .fork(count: 1))
    }

    @Test func anEmptyLineHasNoCommands() throws {
        #expect(try Parser.parse(line: "").isEmpty)
        #expect(try Parser.parse(line: "  # just a comment").isEmpty)
    }

    @Test func aQuotingErrorSpoilsTheWholeLine() {
        #expect(throws: ParseError(.unterminatedQuote(quote: "'", column: 14))) {
            try Parser.parse(line: "fork 2; fork 'x")
        }
    }

    @Test func aCommentAfterACommandIsIgnored() throws {
        #expect(try command("fork 2 # two of them") == .fork(count: 2))
    }
}
