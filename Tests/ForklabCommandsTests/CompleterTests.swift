import Testing
@testable import ForklabCommands

private func result(_ insertion: String, _ candidates: [String] = []) -> Completer.Result {
    Completer.Result(insertion: insertion, candidates: candidates)
}

@Suite("Completer: command names")
struct CompleterCommandTests {
    let completer = FakeFileSystem().completer

    @Test func anEmptyLineListsEveryCommandButTheOneLetterAlias() {
        let names = completer.complete("").candidates
        #expect(names == Catalog.names.filter { $0 != "q" }.sorted())
        #expect(["consume", "exit", "fork", "forkexit", "help", "produce", "quit", "race", "save", "set", "spawn",
                 "threads", "timeline"]
            .allSatisfy(names.contains))
    }

    @Test func anAmbiguousPrefixInsertsTheCommonPrefixWithoutASpace() {
        #expect(completer.complete("f") == result("ork"))
    }

    @Test func whenNothingCanBeAddedTheCandidatesAreListed() {
        #expect(completer.complete("fork") == result("", ["fork", "forkexit"]))
    }

    @Test func aUniqueMatchIsCompletedWithASpace() {
        #expect(completer.complete("forke") == result("xit "))
        #expect(completer.complete("sp") == result("awn "))
        #expect(completer.complete("quit") == result(" "))
        #expect(completer.complete("quiz") == result(" "))
        #expect(completer.complete("e") == result("xit "))
    }

    @Test func theThreadCommandsCompleteFromTheirFirstLetters() {
        #expect(completer.complete("th") == result("reads "))
        #expect(completer.complete("pr") == result("oduce "))
        #expect(completer.complete("c") == result("onsume "))
        #expect(completer.complete("ra") == result("ce "))
    }

    @Test func theSeeingCommandsCompleteFromTheirFirstLetters() {
        #expect(completer.complete("t") == result("", ["threads", "timeline", "tree"]))
        #expect(completer.complete("ti") == result("meline "))
        #expect(completer.complete("s") == result("", ["save", "set", "spawn"]))
        #expect(completer.complete("sa") == result("ve "))
    }

    @Test func treeCompletesRandomThenItsWords() {
        #expect(completer.complete("tr") == result("ee "))
        #expect(completer.complete("tree r") == result("andom "))
        #expect(completer.complete("tree a+b,b- ") == result("", ["local", "steps"]))
        #expect(completer.complete("tree a+b,b- local ") == result("steps "))
        #expect(completer.complete("tree random ") == result(""))
        #expect(completer.complete("tree random 5 ") == result("", ["forks", "local", "seed", "steps"]))
        #expect(completer.complete("tree random 5 seed ") == result(""))
        #expect(completer.complete("tree random 5 seed 3 f") == result("orks "))
    }

    @Test func aCompleteUniqueNameGetsJustTheSpace() {
        #expect(completer.complete("spawn") == result(" "))
    }

    @Test func leadingBlanksDoNotMatter() {
        #expect(completer.complete("   he") == result("lp "))
    }

    @Test func noMatchInsertsNothingAndListsNothing() {
        #expect(completer.complete("zz") == result(""))
    }

    @Test func anUnknownCommandCompletesNoArguments() {
        #expect(completer.complete("frok ") == result(""))
        #expect(completer.complete("frok a") == result(""))
    }

    @Test func afterASemicolonANewCommandStarts() {
        #expect(completer.complete("fork 2; f") == result("ork"))
        #expect(completer.complete("fork 2;sp") == result("awn "))
        #expect(completer.complete("fork 2;") == completer.complete(""))
    }

    @Test func commandsThatTakeNoKeywordsCompleteNothing() {
        #expect(completer.complete("q ") == result(""))
        #expect(completer.complete("help fork ") == result(""))
    }

    @Test func forkAndForkexitCompleteBufferedOnce() {
        #expect(completer.complete("fork b") == result("uffered "))
        #expect(completer.complete("forkexit 2 b") == result("uffered "))
        #expect(completer.complete("fork 3 buffered b") == result(""))
    }

    @Test func forkForkexitAndSpawnCompleteNoreapOnce() {
        #expect(completer.complete("fork ") == Completer.Result(insertion: "", candidates: ["buffered", "noreap"]))
        #expect(completer.complete("fork 3 n") == result("oreap "))
        #expect(completer.complete("forkexit 3 buffered ") == result("noreap "))
        #expect(completer.complete("fork 3 noreap ") == result("buffered "))
        #expect(completer.complete("fork 3 noreap buffered ") == result(""))
        #expect(completer.complete("spawn echo 3 nor") == result("eap "))
        #expect(completer.complete("spawn echo 3 noreap nor") == result(""))
        #expect(completer.complete("spawn echo -- nor") == result(""))
    }

    @Test func psAndReapCompleteFromTheirNames() {
        #expect(completer.complete("p") == Completer.Result(insertion: "", candidates: ["produce", "ps"]))
        #expect(completer.complete("re") == result("ap "))
        #expect(completer.complete("ps ") == result(""))
        #expect(completer.complete("reap ") == result(""))
    }

    @Test func textInACommentIsNotCompleted() {
        #expect(completer.complete("fork # f") == result(""))
        #expect(completer.complete("fork # b") == result(""))
        #expect(completer.complete("fork 2 # ") == result(""))
    }

    @Test func aCommandNameInsideAnOpenQuoteIsCompletedAndClosed() {
        #expect(completer.complete("'spa") == result("wn' "))
    }
}

@Suite("Completer: help and set")
struct CompleterKeywordTests {
    let completer = FakeFileSystem().completer

    @Test func helpCompletesCommandNames() {
        #expect(completer.complete("help fo") == result("rk"))
        #expect(completer.complete("help sp") == result("awn "))
        #expect(completer.complete("help fork") == result("", ["fork", "forkexit"]))
    }

    @Test func helpCompletesConsumeAsATopic() {
        #expect(completer.complete("help cons") == result("ume "))
    }

    @Test func helpCompletesTimelineAndSave() {
        #expect(completer.complete("help ti") == result("meline "))
        #expect(completer.complete("help sa") == result("ve "))
    }

    @Test func helpCompletesOnlyOneTopic() {
        #expect(completer.complete("help fork f") == result(""))
    }

    @Test func setCompletesTheSettingNames() {
        #expect(completer.complete("set r") == result("epeat "))
        #expect(completer.complete("set f") == result("ormat "))
        #expect(completer.complete("set ") == result("", ["format", "repeat"]))
    }

    @Test func setRepeatListsOnAndOff() {
        #expect(completer.complete("set repeat o") == result("", ["off", "on"]))
        #expect(completer.complete("set repeat ") == result("o"))
        #expect(completer.complete("set repeat of") == result("f "))
    }

    @Test func setFormatListsTheTraceFormats() {
        #expect(completer.complete("set format ") == result("", ["book", "json"]))
        #expect(completer.complete("set format j") == result("son "))
    }

    @Test func anUnknownSettingHasNoValues() {
        #expect(completer.complete("set colour ") == result(""))
    }
}

@Suite("Completer: keywords of threads, produce and race")
struct CompleterThreadKeywordTests {
    let completer = FakeFileSystem().completer

    @Test func threadsListsItsKeywords() {
        #expect(completer.complete("threads ") == result("", ["count", "exit", "nojoin", "nolock", "sleep"]))
        #expect(completer.complete("threads 2 c") == result("ount "))
    }

    @Test func afterComesOnlyAfterExitAndExitAfterExcludesNojoin() {
        #expect(completer.complete("threads 2 e") == result("xit "))
        #expect(completer.complete("threads 2 exit ") == result("after "))
        #expect(completer.complete("threads 2 exit a") == result("fter "))
        #expect(completer.complete("threads 2 a") == result(""))
        #expect(completer.complete("threads 2 exit after 1 no") == result("lock "))
        #expect(completer.complete("threads 2 nojoin e") == result(""))
        #expect(completer.complete("produce 4 sleep 1 e") == result("xit "))
    }

    @Test func deadlockCompletesItsWordsOnceEach() {
        #expect(completer.complete("dead") == result("lock "))
        #expect(completer.complete("deadlock 3 ") == result("", ["ordered", "timeout"]))
        #expect(completer.complete("deadlock 3 o") == result("rdered "))
        #expect(completer.complete("deadlock 3 ordered t") == result("imeout "))
        #expect(completer.complete("deadlock 3 ordered o") == result(""))
    }

    @Test func threadsCompletesTheFlags() {
        #expect(completer.complete("threads 2 no") == result("", ["nojoin", "nolock"]))
        #expect(completer.complete("threads 2 nol") == result("ock "))
    }

    @Test func aKeywordAlreadyGivenIsNotOfferedAgain() {
        #expect(completer.complete("threads 2 nolock no") == result("join "))
        #expect(completer.complete("threads 2 nolock nojoin count 3 ") == result("sleep "))
        #expect(completer.complete("threads 2 nolock nojoin count 3 sleep 1 ") == result(""))
        #expect(completer.complete("race 2 count 3 ") == result(""))
    }

    @Test func produceListsTheOtherKeywords() {
        #expect(completer.complete("produce ") == result("", ["broken", "capacity", "consume", "exit", "messages", "sleep"]))
        #expect(completer.complete("produce 4 s") == result("leep "))
        #expect(completer.complete("produce 4 c") == result("", ["capacity", "consume"]))
        #expect(completer.complete("produce 4 co") == result("nsume "))
        #expect(completer.complete("produce 4 consume 2 m") == result("essages "))
    }

    @Test func brokenOffersItsTwoQueuesAndTimeoutOnlyWithIt() {
        #expect(completer.complete("produce 1 consume 3 broken ") == result("", ["if", "onecv"]))
        #expect(completer.complete("produce 1 broken o") == result("necv "))
        #expect(completer.complete("produce 1 broken onecv t") == result("imeout "))
        #expect(completer.complete("produce 1 t") == result(""))
        // broken and exit after are two endings: once one is typed, the other is not offered.
        #expect(completer.complete("produce 1 broken if e") == result(""))
        #expect(completer.complete("produce 1 exit after 2 b") == result(""))
    }

    @Test func quizOffersItsTopicsFirstThenSeedOnce() {
        #expect(completer.complete("quiz f") == result("ork"))
        #expect(completer.complete("quiz fork") == result("", ["fork", "forkexit"]))
        #expect(completer.complete("quiz tr") == result("ee "))
        #expect(completer.complete("quiz tree 3 ") == result("seed "))
        #expect(completer.complete("quiz tree ") == result("seed "))
        #expect(completer.complete("quiz seed ") == result(""))
        #expect(completer.complete("quiz seed 4 ") == result(""))
    }

    @Test func consumeListsTheOtherKeywords() {
        #expect(completer.complete("consume ") == result("", ["broken", "capacity", "exit", "messages", "produce", "sleep"]))
        #expect(completer.complete("consume 2 p") == result("roduce "))
    }

    @Test func raceCompletesCount() {
        #expect(completer.complete("race ") == result("count "))
        #expect(completer.complete("race 4 c") == result("ount "))
    }

    @Test func everyKeywordOfAnExperimentParsesAfterIt() throws {
        #expect(Catalog.spec(named: "threads")?.keywords == ["count", "sleep", "nolock", "nojoin", "exit", "after"])
        #expect(Catalog.spec(named: "produce")?.keywords
            == ["produce", "consume", "messages", "capacity", "sleep", "exit", "after", "broken", "timeout"])
        #expect(Catalog.spec(named: "race")?.keywords == ["count"])
        _ = try command("threads 2 count 1 sleep 1 nolock nojoin")
        _ = try command("threads 2 count 1 sleep 1 nolock exit after 1")
        _ = try command("produce 1 consume 1 messages 1 capacity 1 sleep 1 exit after 1")
        _ = try command("produce 1 consume 1 messages 1 capacity 1 sleep 1 broken if timeout 1")
        _ = try command("race 2 count 1")
    }
}

@Suite("Completer: spawn programs and paths")
struct CompleterSpawnTests {
    @Test func theProgramComesFromTheProgramsClosure() {
        let fs = FakeFileSystem(programs: ["cat", "child.sh"], paths: ["child.sh.txt"])
        #expect(fs.completer.complete("spawn ch") == result("ild.sh "))
        #expect(fs.programPrefixes == ["ch"])
        #expect(fs.pathPrefixes == [])
    }

    @Test func severalProgramsAreListed() {
        let fs = FakeFileSystem(programs: ["cat", "child.sh"])
        #expect(fs.completer.complete("spawn c") == result("", ["cat", "child.sh"]))
    }

    @Test func duplicateProgramsCountOnce() {
        let fs = FakeFileSystem(programs: ["ls", "ls"])
        #expect(fs.completer.complete("spawn l") == result("s "))
    }

    @Test func anEmptyProgramPrefixAsksForEveryProgram() {
        let fs = FakeFileSystem(programs: ["b", "a"])
        #expect(fs.completer.complete("spawn ") == result("", ["a", "b"]))
        #expect(fs.programPrefixes == [""])
    }

    @Test func aProgramWithASlashComesFromThePathsClosure() {
        let fs = FakeFileSystem(programs: ["./scripts/x"], paths: ["./scripts/"])
        #expect(fs.completer.complete("spawn ./sc") == result("ripts/"))
        #expect(fs.pathPrefixes == ["./sc"])
        #expect(fs.programPrefixes == [])
    }

    @Test func argumentsAfterDoubleDashArePaths() {
        let fs = FakeFileSystem(paths: ["/tmp/", "/etc/"])
        #expect(fs.completer.complete("spawn ls -- /t") == result("mp/"))
        #expect(fs.pathPrefixes == ["/t"])
    }

    @Test func aDirectoryGetsNoTrailingSpace() {
        let fs = FakeFileSystem(paths: ["docs/"])
        #expect(fs.completer.complete("spawn ls -- d") == result("ocs/"))
    }

    @Test func aFileGetsATrailingSpace() {
        let fs = FakeFileSystem(paths: ["/tmp/file"])
        #expect(fs.completer.complete("spawn ls -- /tmp/f") == result("ile "))
    }

    @Test func severalPathsAreListed() {
        let fs = FakeFileSystem(paths: ["a.txt", "a.log"])
        #expect(fs.completer.complete("spawn cat -- a.") == result("", ["a.log", "a.txt"]))
    }

    @Test func aDashAfterTheProgramCompletesToDoubleDash() {
        let fs = FakeFileSystem(paths: ["-rf"])
        #expect(fs.completer.complete("spawn ls -") == result("- "))
        #expect(fs.completer.complete("spawn ls --") == result(" "))
    }

    @Test func nothingTypedAfterTheProgramCompletesPaths() {
        let fs = FakeFileSystem(paths: ["only"])
        #expect(fs.completer.complete("spawn ls ") == result("only "))
    }

    @Test func aDashAfterDoubleDashIsAPath() {
        let fs = FakeFileSystem(paths: ["-rf"])
        #expect(fs.completer.complete("spawn ls -- -") == result("rf "))
    }

    @Test func blanksInAnInsertionAreEscaped() {
        let fs = FakeFileSystem(paths: ["my file.txt"])
        #expect(fs.completer.complete("spawn cat -- my") == result("\\ file.txt "))
    }

    @Test func everyCharacterTheTokenizerWouldInterpretIsEscaped() {
        let fs = FakeFileSystem(paths: ["x a;b'c\"d\\e#f\tg"])
        #expect(fs.completer.complete("spawn cat -- x") == result(##"\ a\;b\'c\"d\\e\#f\"## + "\t" + "g "))
    }

    @Test func anEscapedBlankInThePrefixIsUnescapedForTheClosure() {
        let fs = FakeFileSystem(paths: ["my file.txt"])
        #expect(fs.completer.complete(#"spawn cat -- my\ f"#) == result("ile.txt "))
        #expect(fs.pathPrefixes == ["my f"])
    }

    @Test func insideAnOpenSingleQuoteTheQuoteIsClosed() {
        let fs = FakeFileSystem(paths: ["my file.txt"])
        #expect(fs.completer.complete("spawn cat -- 'my f") == result("ile.txt' "))
        #expect(fs.pathPrefixes == ["my f"])
    }

    @Test func insideAnOpenDoubleQuoteTheQuoteIsClosed() {
        let fs = FakeFileSystem(paths: ["my file.txt"])
        #expect(fs.completer.complete("spawn cat -- \"my f") == result("ile.txt\" "))
    }

    @Test func insideAnOpenQuoteBlanksAreNotEscaped() {
        let fs = FakeFileSystem(paths: ["my big file"])
        #expect(fs.completer.complete("spawn cat -- 'my") == result(" big file' "))
    }

    @Test func insideAnOpenQuoteADirectoryLeavesTheQuoteOpen() {
        let fs = FakeFileSystem(paths: ["my dir/"])
        #expect(fs.completer.complete("spawn ls -- 'my d") == result("ir/"))
    }

    @Test func anInsertedLineTokenizesToTheCandidate() throws {
        let name = "odd name; with 'quotes' \"and\" \\ #hash"
        let fs = FakeFileSystem(paths: [name])
        let line = "spawn cat -- odd"
        let completed = line + fs.completer.complete(line).insertion
        #expect(try words(completed) == [["spawn", "cat", "--", name]])
    }
}

@Suite("Completer: timeline keywords")
struct CompleterTimelineTests {
    let completer = FakeFileSystem(paths: ["width.json"]).completer

    @Test func timelineListsItsKeywords() {
        #expect(completer.complete("timeline ") == result("", ["ascii", "unicode", "width"]))
        #expect(completer.complete("timeline w") == result("idth "))
        #expect(completer.complete("timeline a") == result("scii "))
        #expect(completer.complete("timeline u") == result("nicode "))
    }

    @Test func afterWidthComesANumberSoNothingIsOffered() {
        #expect(completer.complete("timeline width ") == result(""))
        #expect(completer.complete("timeline ascii width ") == result(""))
    }

    @Test func aCharsetGivenTakesBothOffTheList() {
        #expect(completer.complete("timeline ascii ") == result("width "))
        #expect(completer.complete("timeline unicode u") == result(""))
        #expect(completer.complete("timeline width 80 ") == result("", ["ascii", "unicode"]))
        #expect(completer.complete("timeline width 80 unicode ") == result(""))
    }

    @Test func timelineNeverAsksForPaths() {
        let fs = FakeFileSystem(paths: ["ascii.txt"])
        _ = fs.completer.complete("timeline a")
        #expect(fs.pathPrefixes == [])
    }

    @Test func everyKeywordOfTimelineParsesAfterIt() throws {
        #expect(Catalog.spec(named: "timeline")?.keywords == ["width", "ascii", "unicode"])
        _ = try command("timeline width 80 ascii")
        _ = try command("timeline unicode")
    }
}

@Suite("Completer: save's FILE and force")
struct CompleterSaveTests {
    @Test func theFileComesFromThePathsClosure() {
        let fs = FakeFileSystem(programs: ["runner"], paths: ["run.json", "results/"])
        #expect(fs.completer.complete("save run") == result(".json "))
        #expect(fs.pathPrefixes == ["run"])
        #expect(fs.programPrefixes == [])
    }

    @Test func severalFilesAreListedAndADirectoryStaysOpen() {
        let fs = FakeFileSystem(paths: ["run.json", "results/"])
        #expect(fs.completer.complete("save r") == result("", ["results/", "run.json"]))
        #expect(fs.completer.complete("save re") == result("sults/"))
        #expect(fs.completer.complete("save ") == result("r"))
    }

    @Test func theFileIsOfferedEvenWhereForceWouldMatch() {
        let fs = FakeFileSystem(paths: ["./force", "f.json"])
        #expect(fs.completer.complete("save f") == result(".json "))
        #expect(fs.completer.complete("save ./f") == result("orce "))
    }

    @Test func aFileWithBlanksIsEscapedOrQuoted() throws {
        let fs = FakeFileSystem(paths: ["first run.json"])
        #expect(fs.completer.complete("save fi") == result("rst\\ run.json "))
        #expect(fs.completer.complete("save 'fi") == result("rst run.json' "))
        let line = "save fi"
        #expect(try command(line + fs.completer.complete(line).insertion) == .save(path: "first run.json", force: false))
    }

    @Test func afterTheFileOnlyForceIsOffered() {
        let fs = FakeFileSystem(paths: ["force.json", "f"])
        #expect(fs.completer.complete("save run.json ") == result("force "))
        #expect(fs.completer.complete("save run.json f") == result("orce "))
        #expect(fs.pathPrefixes == [])
    }

    @Test func nothingIsOfferedAfterForce() {
        let fs = FakeFileSystem(paths: ["x"])
        #expect(fs.completer.complete("save run.json force ") == result(""))
        #expect(fs.completer.complete("save force ") == result(""))
    }
}

@Suite("Completer: bench")
struct CompleterBenchTests {
    let completer = FakeFileSystem().completer

    @Test func benchCompletesFromItsFirstLetters() {
        #expect(completer.complete("be") == result("nch "))  // "b" is bench or book
    }

    @Test func afterBenchComeThePrimitives() {
        #expect(completer.complete("bench ").candidates
            == ["all", "fork", "mutex", "pipe", "posix_spawn", "queue", "spawn", "thread", "vfork"])
        #expect(completer.complete("bench po") == result("six_spawn "))
        #expect(completer.complete("bench p") == result("", ["pipe", "posix_spawn"]))
        #expect(completer.complete("help be") == result("nch "))
    }

    @Test func afterThePrimitiveComesOnlyN() {
        #expect(completer.complete("bench fork ") == result(""))
        #expect(completer.complete("bench fork s") == result(""))
    }
}

@Suite("Completer: book")
struct CompleterBookTests {
    let completer = FakeFileSystem().completer

    @Test func bookCompletesFromItsFirstLetters() {
        #expect(completer.complete("bo") == result("ok "))
        #expect(completer.complete("b") == result("", ["bench", "book"]))
        #expect(completer.complete("help bo") == result("ok "))
    }

    @Test func afterBookTabListsTheProgramNames() {
        #expect(completer.complete("book ")
            == result("", ["fork", "forkexit", "launch", "mutex", "queue", "thread", "threading"]))
        #expect(completer.complete("book l") == result("aunch "))
        #expect(completer.complete("book q") == result("ueue "))
        #expect(completer.complete("book m") == result("utex "))
        #expect(completer.complete("book t") == result("hread"))
        #expect(completer.complete("book thread") == result("", ["thread", "threading"]))
        #expect(completer.complete("book forke") == result("xit "))
    }

    @Test func bookCompletesOnlyOneName() {
        #expect(completer.complete("book fork ") == result(""))
        #expect(completer.complete("book fork f") == result(""))
    }
}
