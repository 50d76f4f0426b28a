import Testing
@testable import ForklabCommands

/// `save FILE [force]`: FILE one word, `force` after it.
@Suite("Parser: save")
struct ParserSaveTests {
    static let usage = "save FILE.json [force]"

    @Test func aFileAloneNeverOverwrites() throws {
        #expect(try command("save run.json") == .save(path: "run.json", force: false))
    }

    @Test func forceAfterTheFileAllowsOverwriting() throws {
        #expect(try command("save run.json force") == .save(path: "run.json", force: true))
    }

    @Test func theFileNeedNotEndInJSON() throws {
        #expect(try command("save /tmp/trace") == .save(path: "/tmp/trace", force: false))
        #expect(try command("save ../out.txt force") == .save(path: "../out.txt", force: true))
    }

    @Test func aQuotedFileKeepsItsBlanksAndSemicolons() throws {
        #expect(try command("save 'first run.json'") == .save(path: "first run.json", force: false))
        #expect(try command("save \"a;b.json\" force") == .save(path: "a;b.json", force: true))
        #expect(try command(#"save my\ run.json"#) == .save(path: "my run.json", force: false))
    }

    @Test func aFileNamedForceIsGivenWithItsPath() throws {
        #expect(try command("save ./force") == .save(path: "./force", force: false))
        #expect(try command("save ./force force") == .save(path: "./force", force: true))
    }

    @Test func aFileThatLooksLikeANumberOrAKeywordIsAFile() throws {
        #expect(try command("save 3") == .save(path: "3", force: false))
        #expect(try command("save width") == .save(path: "width", force: false))
        #expect(try command("save -- force") == .save(path: "--", force: true))
    }

    @Test func withoutAFileItIsRefused() {
        #expect(message("save") == "save: missing FILE (usage: save FILE.json [force])")
        #expect(errorKind("save") == .missingWord(command: "save", what: "FILE", usage: Self.usage))
    }

    @Test func anEmptyFileIsRefusedAsMissing() {
        #expect(message("save ''") == "save: missing FILE (usage: \(Self.usage))")
        #expect(message("save \"\" force") == "save: missing FILE (usage: \(Self.usage))")
    }

    @Test func forceAloneIsAMissingFile() {
        #expect(message("save force") == "save: missing FILE (usage: \(Self.usage))")
        #expect(message("save force force") == "save: missing FILE (usage: \(Self.usage))")
    }

    @Test func forceBeforeTheFileIsRefusedWithTheRightOrder() {
        #expect(message("save force run.json") == "save: 'force' goes after FILE: save run.json force")
        #expect(errorKind("save force run.json") == .forceBeforeFile(path: "run.json"))
    }

    @Test func theHintShowsTheFileEscapedAndShortened() {
        let long = String(repeating: "f", count: 50)
        #expect(message("save force \(long)")
            == "save: 'force' goes after FILE: save \(String(repeating: "f", count: 40))… force")
        #expect(message("save force 'a\tb'") == "save: 'force' goes after FILE: save a\\x09b force")
    }

    @Test func forceGivenTwiceIsRefused() {
        #expect(message("save run.json force force") == "save: 'force' given twice")
        #expect(errorKind("save run.json force force") == .givenTwice(command: "save", word: "force"))
    }

    @Test func aSecondFileIsRefused() {
        #expect(message("save a.json b.json") == "save: unexpected 'b.json' (usage: \(Self.usage))")
        #expect(message("save a.json b.json force") == "save: unexpected 'b.json' (usage: \(Self.usage))")
    }

    @Test func aWordAfterForceIsRefused() {
        #expect(message("save a.json force now") == "save: unexpected 'now' (usage: \(Self.usage))")
    }

    @Test func forceIsCaseSensitive() throws {
        #expect(message("save a.json FORCE") == "save: unexpected 'FORCE' (usage: \(Self.usage))")
        #expect(try command("save FORCE") == .save(path: "FORCE", force: false))
    }

    @Test func aNulByteInTheFileIsRefused() {
        #expect(message("save 'a\u{0}b.json'") == "save: FILE holds a NUL byte, which no file name can carry")
        #expect(errorKind("save 'x\u{0}' force") == .nulByteInPath(command: "save"))
    }

    @Test func saveIsNotAnExperiment() throws {
        #expect(try !command("save run.json").isExperiment)
        #expect(try !command("save run.json force").isExperiment)
        #expect(Catalog.spec(named: "save")?.isExperiment == false)
    }

    @Test func helpSaveHasText() throws {
        #expect(try command("help save") == .help(topic: "save"))
        let text = try #require(Catalog.spec(named: "save")).helpText
        #expect(text.hasPrefix("usage: \(Self.usage)\n\n"))
        for phrase in [
            "Chrome Trace Event Format", "https://ui.perfetto.dev", "\"Open trace", "chrome://tracing",
            "never overwrites", "\"force\"", "save ./force", "ending in .html", "opens\noffline in any browser",
        ] {
            #expect(text.contains(phrase), "missing \(phrase)")
        }
    }
}
