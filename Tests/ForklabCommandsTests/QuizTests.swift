import Testing
@testable import ForklabCommands

@Suite("Quiz: rounds, questions and answers")
struct QuizTests {
    @Test func quizParsesTopicCountAndSeedInAnyOrder() throws {
        #expect(try command("quiz") == .quiz(topic: nil, count: 5, seed: nil))
        #expect(try command("quiz tree 3 seed 7") == .quiz(topic: .tree, count: 3, seed: 7))
        #expect(try command("quiz seed 7 3") == .quiz(topic: nil, count: 3, seed: 7))
        #expect(try command("quiz buffered") == .quiz(topic: .buffered, count: 5, seed: nil))
    }

    @Test func aBadTopicCountOrSeedIsRefused() {
        #expect(message("quiz forks")
            == "quiz: unknown topic 'forks' (did you mean 'fork'? one of fork, forkexit, status, tree, threads, produce, race, buffered, deadlock)")
        #expect(message("quiz 51") == "quiz: N must be 1…50, got 51")
        #expect(message("quiz fork 0") == "quiz: N must be 1…50, got 0")
        #expect(message("quiz seed -1") == "quiz: S must be 0…999999999, got -1")
        #expect(message("quiz seed") == "quiz: missing S after 'seed' (usage: quiz [TOPIC] [N] [seed S])")
        #expect(message("quiz 3 fork") == "quiz: unexpected 'fork' (usage: quiz [TOPIC] [N] [seed S])")
    }

    @Test func theSameSeedAsksTheSameRoundAndAnotherSeedAnother() {
        let round = QuizRound(topic: nil, count: 20, seed: 7, terminal: false)
        #expect(round == QuizRound(topic: nil, count: 20, seed: 7, terminal: false))
        #expect(round.questions != QuizRound(topic: nil, count: 20, seed: 8, terminal: false).questions)
        #expect(round.command == "quiz 20 seed 7")
        #expect(QuizRound(topic: .tree, count: 3, seed: 7, terminal: false).command == "quiz tree 3 seed 7")
    }

    @Test(arguments: QuizTopic.allCases)
    func everyQuestionIsOneLineEndingWithAQuestionMarkOnItsTopic(topic: QuizTopic) throws {
        for seed in 0..<30 {
            for question in QuizRound(topic: topic, count: 4, seed: UInt64(seed), terminal: seed % 2 == 0).questions {
                #expect(question.topic == topic)
                #expect(question.text.hasSuffix("?") && !question.text.contains("\n"))
                #expect(question.text.hasPrefix(question.command + ": "))
                // Its command is one forklab reads.
                let parsed = try Parser.parse(line: question.command)
                #expect(parsed.count == 1)
                if case .failure = parsed.first { Issue.record("\(question.command) does not parse") }
                #expect(!question.hint.isEmpty && !question.hint.contains("\n"))
            }
        }
    }

    @Test func aMixedRoundCoversEveryTopic() {
        let topics = Set(QuizRound(topic: nil, count: 50, seed: 1, terminal: false).questions.map(\.topic))
        #expect(topics == Set(QuizTopic.allCases))
    }

    @Test func answersAreReadAsTheQuestionWantsThem() {
        #expect(QuizAnswer.parse("6", as: .number) == .number(6))
        #expect(QuizAnswer.parse(" 6 ", as: .number) == .number(6))
        #expect(QuizAnswer.parse("six", as: .number) == nil)
        #expect(QuizAnswer.parse("-1", as: .number) == nil)
        #expect(QuizAnswer.parse("Y", as: .yesNo) == .yes(true))
        #expect(QuizAnswer.parse("no", as: .yesNo) == .yes(false))
        #expect(QuizAnswer.parse("maybe", as: .yesNo) == nil)
        #expect(QuizAnswer.parse("b", as: .processName) == .name("b"))
        #expect(QuizAnswer.parse("forklab", as: .processName) == .name("forklab"))
        #expect(QuizAnswer.parse("b c", as: .processName) == nil)
        #expect(QuizAnswer.parse("256 1", as: .statusAndCode) == .statusAndCode(status: 256, code: 1))
        #expect(QuizAnswer.parse("256", as: .statusAndCode) == nil)
        #expect(QuizAnswer.parse("256 1 0", as: .statusAndCode) == nil)
    }

    @Test func theBufferedQuestionSaysWhereStdoutGoes() {
        let atTerminal = QuizQuestion(topic: .buffered, ask: .bufferedChildLines(children: 2, terminal: true))
        let notTerminal = QuizQuestion(topic: .buffered, ask: .bufferedChildLines(children: 2, terminal: false))
        #expect(atTerminal.text == "fork 2 buffered: stdout is a terminal: how many 'Hello from child' lines will reach it?")
        #expect(notTerminal.text == "fork 2 buffered: stdout is not a terminal: how many 'Hello from child' lines will reach it?")
    }

    @Test func aTreeQuestionShowsItsListAndAsksAboutAProcessAliveAtTheEnd() {
        for seed in 0..<50 {
            for question in QuizRound(topic: .tree, count: 3, seed: UInt64(seed), terminal: false).questions {
                guard case let .treeParent(actions, listSeed, _, name) = question.ask else { continue }
                let list = QuizQuestion.treeList(actions, listSeed)
                #expect(question.command.hasPrefix("tree \(TreeActions.text(list))"))
                #expect(TreeActions.alive(after: list).contains(name) && name != "a")
            }
        }
    }
}
