extension CommandSpec {
    static let quiz: CommandSpec = CommandSpec(
        name: "quiz",
        aliases: [],
        usage: "quiz [TOPIC] [N] [seed S]",
        summary: "predict what a command will do, then run it",
        book: nil,
        details: """
            Asks N questions (5 by default, 1…50) about what a forklab command will
            do, each one line ending with "?". Type your prediction: a number, y or n,
            a process name, or STATUS CODE, as the question wants; "?" prints a hint,
            an empty line skips the question, "q" ends the round. Then forklab runs
            the command for real, with its usual output, and says whether you were
            right, the true answer taken from that run's own record (never from a
            table), and one line of why. The round ends with
              score: R of N
            TOPIC is one of fork, forkexit, status, tree, threads, produce, race,
            buffered, deadlock; without it the questions mix them all. "seed S"
            (0…\(Limits.quizSeed.upperBound)) asks the same questions again; without it
            forklab picks a seed and prints it first, so that a class can share a
            round. In a script the answers are the script's next lines. Ctrl-C at
            the answer ends the round with the score so far; during a run it stops
            the run, and the round goes on.
            """,
        keywords: QuizTopic.allCases.map(\.rawValue) + ["seed"],
        parse: { spec, arguments throws(ParseError) in
            var rest = arguments
            var topic: QuizTopic?
            if let word = rest.first, parseInteger(word.text) == nil, word.text != "seed" {
                let names = QuizTopic.allCases.map(\.rawValue)
                guard let named = QuizTopic(rawValue: word.text) else {
                    throw ParseError(.unknownChoice(
                        command: spec.name, what: "topic", allowed: names, got: word.text,
                        suggestion: closest(to: word.text, among: names)))
                }
                topic = named
                rest = rest.dropFirst()
            }
            let found = try spec.options(
                rest, numbers: [NumberOption(keyword: "seed", name: "S", range: Limits.quizSeed)],
                free: ("N", Limits.quizQuestions))
            return .quiz(topic: topic, count: found.free ?? 5, seed: found.numbers["seed"].map { UInt64($0) })
        })
}
