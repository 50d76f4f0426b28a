import Glibc
import ForklabCommands
import ForklabEngine

// `quiz [TOPIC] [N] [seed S]` (docs/commands.md, "quiz"): each question is
// asked, answered, then its command is run for real, with its usual output,
// and the true answer comes from that run's own record.

extension Session {
    /// Runs a round: succeeds when it was played to its end or ended with
    /// `q`, an empty input or a Ctrl-C at an answer; a stop during a run ends
    /// a script's round as any command's stop ends a script.
    func runQuiz(topic: QuizTopic?, count: Int, seed: UInt64?) -> Outcome {
        let round = QuizRound(topic: topic, count: count, seed: seed ?? Self.freshSeed(),
                              terminal: Environment.isTerminal(1))
        let started = System.now()
        // Enter after the round repeats what it did before, not a question's command.
        let before = lastExperiment
        defer { lastExperiment = before }
        var said = tell("quiz: \(count) \(count == 1 ? "question" : "questions") on "
                        + (topic.map { $0.rawValue } ?? "every topic") + ", seed \(round.seed)"
                        + (seed == nil ? " ('\(round.command)' asks them again)" : ""),
                        json: ["topic": topic.map { $0.rawValue.jsonQuoted } ?? "null", "questions": "\(count)",
                               "seed": "\(round.seed)", "command": round.command.jsonQuoted],
                        event: "quiz", since: started)
        guard said == .succeeded else { return said }
        var right = 0
        for (index, question) in round.questions.enumerated() {
            let number = index + 1
            let given: QuizAnswer?
            switch ask(question, number: number, of: count, since: started) {
            case let .answered(answer): given = answer
            case .skipped: given = nil
            case .ended:
                return score(right, of: count, asked: index, since: started)
            case let .stopped(outcome):
                _ = score(right, of: count, asked: index, since: started)
                return outcome
            }
            let outcome = runCommand(question.command)
            switch outcome {
            case .succeeded:
                break
            case .interrupted where reader.interactive:
                // A Ctrl-C stopped the run: the round goes on.
                said = tell("no answer: the run was stopped", json: ["question": "\(number)"], event: "no_answer",
                            since: started)
                guard said == .succeeded else { return said }
                continue
            case .failed:
                said = tell("no answer: the run failed", json: ["question": "\(number)"], event: "no_answer",
                            since: started)
                guard said == .succeeded else { return said }
                continue
            default:
                return outcome
            }
            guard let record = try? lab.lastRecord(), let truth = question.truth(from: record) else {
                said = tell("no answer: the run's record does not hold it", json: ["question": "\(number)"],
                            event: "no_answer", since: started)
                guard said == .succeeded else { return said }
                continue
            }
            let held = given == truth
            if held { right += 1 }
            let verdict = held ? "right: \(truth)"
                : given.map { "wrong: you said \($0), it was \(truth)" } ?? "skipped: it was \(truth)"
            said = tell(verdict + "\nwhy: " + question.why(truth),
                        json: ["question": "\(number)", "given": given.map { $0.description.jsonQuoted } ?? "null",
                               "truth": truth.description.jsonQuoted, "right": held ? "true" : "false",
                               "why": question.why(truth).jsonQuoted],
                        event: "answer", since: started)
            guard said == .succeeded else { return said }
        }
        return score(right, of: count, asked: count, since: started)
    }

    /// How asking one question went.
    private enum Asked {
        case answered(QuizAnswer)
        case skipped
        /// `q`, or the end of the input, or a Ctrl-C at the answer.
        case ended
        /// Something that ends more than the round: SIGTERM, a closed stdout.
        case stopped(Outcome)
    }

    /// Asks until an answer, a skip or the end: `?` prints the hint, and
    /// anything that is not an answer of the question's kind asks again.
    private func ask(_ question: QuizQuestion, number: Int, of count: Int, since started: UInt64) -> Asked {
        var said = tell((number > 1 && format != .json ? "\n" : "") + "question \(number) of \(count): \(question.text)",
                        json: ["question": "\(number)", "topic": question.topic.rawValue.jsonQuoted,
                               "command": question.command.jsonQuoted, "kind": question.answerKind.jsonName],
                        event: "question", since: started)
        while said == .succeeded {
            // As at the prompt: a Ctrl-C that stopped the last run is spent.
            if reader.interactive { Interruption.clear() }
            switch reader.answer() {
            case .end:
                return .ended
            case .interrupted:
                if let signal = Interruption.termination { return .stopped(.terminated(signal)) }
                return reader.interactive ? .ended : .stopped(.interrupted)
            case .tooLong:
                said = aside("answer with \(question.answerKind.asked); ? for a hint, an empty line to skip, q to end the round")
            case let .line(line):
                let text = line.trimmingSpaces
                if text.isEmpty { return .skipped }
                if text == "q" { return .ended }
                if text == "?" {
                    said = aside("hint: " + question.hint)
                    continue
                }
                if let answer = QuizAnswer.parse(text, as: question.answerKind) { return .answered(answer) }
                said = aside("answer with \(question.answerKind.asked); ? for a hint, an empty line to skip, q to end the round")
                if said == .succeeded { said = aside("question \(number) of \(count): \(question.text)") }
            }
        }
        return .stopped(said)
    }

    /// Runs a question's command exactly as if typed.
    private func runCommand(_ line: String) -> Outcome {
        guard let parsed = try? Parser.parse(line: line), case let .success(command)? = parsed.first else {
            report("quiz: cannot read its own command '\(line)'")
            return .failed
        }
        return execute(command)
    }

    /// `score: R of N`, and, for a round ended early, where.
    private func score(_ right: Int, of count: Int, asked: Int, since started: UInt64) -> Outcome {
        let text = "score: \(right) of \(count)" + (asked < count ? " (the round ended before question \(asked + 1))" : "")
        return tell(text, json: ["right": "\(right)", "of": "\(count)", "asked": "\(asked)"], event: "score",
                    since: started)
    }

    /// A line of the round on stdout: as it is in book mode, or in JSON mode
    /// the object `event` with `fields` (values as JSON) and the line as `text`.
    private func tell(_ text: String, json fields: KeyValuePairs<String, String>, event: String,
                      since started: UInt64) -> Outcome {
        guard format == .json else { return write(text + "\n") }
        let pid = getpid()
        var object = "{\"v\":1,\"event\":\"\(event)\",\"pid\":\(pid),\"tid\":\(pid),\"t\":\(System.now() &- started)"
        for (key, value) in fields { object += ",\"\(key)\":\(value)" }
        return write(object + ",\"text\":\(text.jsonQuoted)}\n")
    }

    /// A line a person reads but a JSON reader need not (a hint, a re-ask):
    /// on stderr in JSON mode, where stdout holds only JSON.
    private func aside(_ text: String) -> Outcome {
        guard format == .json else { return write(text + "\n") }
        try? errors.write(text + "\n")
        return .succeeded
    }

    /// A seed for a round without one: from the clock, within `Limits.quizSeed`.
    private static func freshSeed() -> UInt64 {
        var generator = System.now()
        generator ^= UInt64(UInt32(bitPattern: getpid())) << 32
        return generator % UInt64(Limits.quizSeed.upperBound + 1)
    }
}

extension QuizAnswerKind {
    /// The kind in the JSON `question` object.
    var jsonName: String {
        switch self {
        case .number: "\"number\""
        case .yesNo: "\"yes_no\""
        case .processName: "\"process\""
        case .statusAndCode: "\"status_code\""
        }
    }
}

extension String {
    /// The text without spaces and tabs at either end.
    fileprivate var trimmingSpaces: String {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        return String(drop(while: blank).reversed().drop(while: blank).reversed())
    }
}
