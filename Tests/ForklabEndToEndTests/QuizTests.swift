import Foundation
import Testing

/// `quiz [TOPIC] [N] [seed S]`: predict, run for real, compare
/// (docs/commands.md, "quiz").
extension EndToEnd {
    @Suite struct Quiz {
        /// The JSON objects of a run, one a line.
        private func objects(_ result: RunResult) throws -> [[String: Any]] {
            try result.stdoutLines.map {
                try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
            }
        }

        private func events(_ objects: [[String: Any]], _ name: String) -> [[String: Any]] {
            objects.filter { $0["event"] as? String == name }
        }

        /// The true answer to `question` (its text), worked out by the test
        /// from what its command prints in the book's text when run alone.
        private func answerOutsideTheQuiz(_ question: String, command: String) throws -> String {
            let result = forklab(command)
            let lines = result.traceLines
            func count(_ pattern: Regex<Substring>) -> Int { lines.filter { $0.wholeMatch(of: pattern) != nil }.count }
            if question.hasSuffix("how many lines will it print, the parent's and the children's together?") {
                return "\(count(/Hello from (?:parent \d+ |child )\d+/))"
            }
            if question.hasSuffix("how many child processes will it make?") { return "\(count(/Hello from parent \d+ \d+/))" }
            if question.contains("what STATUS and CODE") {
                let statuses = Set(lines.compactMap { try? /Parent got \d+ (\d+) (\d+).*/.wholeMatch(in: $0) }
                    .map { "\($0.1) \($0.2)" })
                #expect(statuses.count == 1)
                return statuses.first ?? ""
            }
            if question.hasSuffix("what will the parent's exitstat be when its loop is done?") {
                let summary = try #require(result.stdoutLines.last)
                return String(try #require(try /.*exitstat is still (\d+).*/.wholeMatch(in: summary)).1)
            }
            if question.hasSuffix("'[T] => I' lines will the threads print?") { return "\(count(/\[\d+\] => \d+/))" }
            if question.hasSuffix("how many messages will the consumers take and print?") {
                return "\(count(/consumer \d+ got => .*/))"
            }
            if question.contains("'Hello from child' lines will reach it?") { return "\(count(/Hello from child \d+/))" }
            if question.contains("count with the mutex be exactly") || question.contains("count without the mutex come out above") {
                let locked = question.contains("with the mutex be exactly")
                let line = try #require(lines.first { $0.hasPrefix(locked ? "race lock:" : "race nolock:") })
                let match = try #require(try /race n?o?lock: expected (\d+) got (\d+) lost -?\d+/.wholeMatch(in: line))
                let (expected, got) = (Int(match.1)!, Int(match.2)!)
                return (locked ? got == expected : got > expected) ? "y" : "n"
            }
            if question.hasSuffix("will every thread take both its mutexes and finish (y/n)?") {
                let summary = try #require(result.stdoutLines.last)
                let match = try #require(try /# deadlock[a-z ]*: (\d+) threads, (\d+) finished.*/.wholeMatch(in: summary))
                return match.1 == match.2 ? "y" : "n"
            }
            // tree: the drawing the kernel's tree gives at the end, rows of
            // NAME PID under prefixes of three columns each.
            let rows = lines.compactMap { line -> (depth: Int, name: String)? in
                guard let match = try? /((?:├─ |└─ |│  |\|- |`- |\|  |   )*)([a-z]+) \d+/.wholeMatch(in: line) else {
                    return nil
                }
                return (match.1.count / 3, String(match.2))
            }
            if question.hasSuffix("how many processes will be alive after the last action, the root a included?") {
                return "\(rows.count)"
            }
            let name = String(try #require(try /.*who will be ([a-z]+)'s parent after the last action\?/.wholeMatch(in: question)).1)
            let index = try #require(rows.firstIndex { $0.name == name })
            guard rows[index].depth > 0 else { return "forklab" }
            return try #require(rows[..<index].last { $0.depth == rows[index].depth - 1 }).name
        }

        /// An answer of the same kind as `truth` that is not it.
        private func wrong(_ truth: String, kind: String) -> String {
            switch kind {
            case "number": return "\(Int(truth)! + 1)"
            case "yes_no": return truth == "y" ? "n" : "y"
            case "process": return truth == "a" ? "forklab" : "a"
            default:
                let parts = truth.split(separator: " ")
                return "\(Int(parts[0])! + 1) \(parts[1])"
            }
        }

        @Test("every topic, three questions: skipped, its true answers are what the same commands give outside the quiz; answered with them, 3 of 3; answered wrong, 0 of 3",
              arguments: ["fork", "forkexit", "status", "tree", "threads", "produce", "race", "buffered", "deadlock"])
        func everyTopicScoresRightAnswersAndWrongOnes(topic: String) throws {
            let round = "quiz \(topic) 3 seed 7"
            let skipped = forklab("set format json\n\(round)\n\n\n\n")
            #expect(skipped.status == 0)
            #expect(skipped.stderr == "")
            let objects = try objects(skipped)
            let questions = events(objects, "question")
            let answers = events(objects, "answer")
            #expect(questions.count == 3 && answers.count == 3)
            #expect(events(objects, "score").first?["text"] as? String == "score: 0 of 3")
            var truths: [String] = [], wrongs: [String] = []
            for (question, answer) in zip(questions, answers) {
                let text = try #require(question["text"] as? String)
                let command = try #require(question["command"] as? String)
                #expect(text.hasPrefix("question ") && text.hasSuffix("?") && text.contains(": \(command): "))
                #expect(answer["given"] is NSNull && answer["right"] as? Bool == false)
                let truth = try #require(answer["truth"] as? String)
                #expect(truth == (try answerOutsideTheQuiz(text, command: command)), "\(text)")
                truths.append(truth)
                wrongs.append(wrong(truth, kind: question["kind"] as? String ?? ""))
            }
            let right = forklab("\(round)\n" + truths.joined(separator: "\n") + "\n")
            #expect(right.status == 0)
            #expect(right.stdoutLines.filter { $0.hasPrefix("right: ") }.count == 3)
            #expect(right.stdoutLines.last == "score: 3 of 3")
            let wrong = forklab("\(round)\n" + wrongs.joined(separator: "\n") + "\n")
            #expect(wrong.status == 0)
            #expect(wrong.stdoutLines.filter { $0.hasPrefix("wrong: you said ") }.count == 3)
            #expect(wrong.stdoutLines.last == "score: 0 of 3")
        }

        @Test("a seed asks the same round again; without one, the round prints its seed, and that seed repeats it")
        func aSeedRepeatsTheRound() throws {
            func questions(_ result: RunResult) -> [String] { result.stdoutLines.filter { $0.hasPrefix("question ") } }
            let first = forklab("quiz 4 seed 123\n\n\n\n\n")
            let again = forklab("quiz 4 seed 123\n\n\n\n\n")
            #expect(first.stdoutLines.first == "quiz: 4 questions on every topic, seed 123")
            #expect(questions(first).count == 4 && questions(first) == questions(again))
            let fresh = forklab("quiz fork 3\n\n\n\n")
            let header = try #require(fresh.stdoutLines.first)
            let seed = try #require(try /quiz: 3 questions on fork, seed (\d+) \('quiz fork 3 seed (\d+)' asks them again\)/.wholeMatch(in: header))
            #expect(seed.1 == seed.2)
            #expect(questions(forklab("quiz fork 3 seed \(seed.1)\n\n\n\n")) == questions(fresh))
        }

        @Test("an answer of the wrong kind asks again, ? gives the hint, q ends the round with the score so far")
        func badAnswersAskAgain() {
            let result = forklab("quiz fork 3 seed 7\nsix\n?\n-\nq\nfork 1\n")
            #expect(result.status == 0)
            let lines = result.stdoutLines
            #expect(lines.filter { $0.hasPrefix("question 1 of 3: ") }.count == 3)
            #expect(lines.filter { $0 == "answer with a number; ? for a hint, an empty line to skip, q to end the round" }.count == 2)
            #expect(lines.contains { $0.hasPrefix("hint: ") })
            #expect(lines.contains("score: 0 of 3 (the round ended before question 1)"))
            // Nothing ran for the round; the script goes on after it.
            #expect(lines.filter { $0.hasPrefix("Hello from parent") }.count == 1)
        }

        @Test("a script that ends mid-round ends the round with the score so far, and forklab with success")
        func aScriptEndingMidRound() {
            let result = forklab("quiz threads 3 seed 2\n")
            #expect(result.status == 0)
            #expect(result.stdoutLines == [
                "quiz: 3 questions on threads, seed 2",
                "question 1 of 3: threads 4 count 4: how many '[T] => I' lines will the threads print?",
                "score: 0 of 3 (the round ended before question 1)",
            ])
        }

        @Test("--json: a quiz object, then question, answer and score objects, and the run's own objects between")
        func jsonGivesTheRound() throws {
            let result = forklab("set format json\nquiz race 1 seed 5\ny\n")
            let objects = try objects(result)
            #expect(objects.first?["event"] as? String == "quiz")
            #expect(objects.first?["seed"] as? Int == 5)
            let names = objects.map { $0["event"] as? String ?? "" }
            let question = try #require(names.firstIndex(of: "question"))
            let answer = try #require(names.firstIndex(of: "answer"))
            #expect(names[question + 1..<answer].contains("race") && names[question + 1..<answer].contains("summary"))
            #expect(objects[answer]["given"] as? String == "y")
            #expect(objects[answer]["truth"] as? String != nil)
            #expect(objects.last?["event"] as? String == "score")
            #expect(objects.last?["of"] as? Int == 1)
        }

        @Test("Ctrl-C during a question's run at a terminal stops the run, and the round goes on to its next question")
        func interruptDuringARunKeepsTheRoundGoing() throws {
            let live = LiveForklab(terminal: [])
            live.expect("forklab> ")
            // Seed 11's first question runs `deadlock 2 timeout 0.2`: a program that lives at least 0.2 s.
            live.send("quiz deadlock 2 seed 11\r")
            live.expect("question 1 of 2: deadlock 2 timeout 0.2: ")
            live.expect("answer> ")
            live.send("n\r")
            // Until its program runs (each look reads all of /proc: stop at the first that finds it).
            var looks = 0
            while childrenNamed("forklab", of: live.pid).isEmpty && looks < 400 {
                usleep(2_000)
                looks += 1
            }
            live.send("\u{3}")
            live.expect("forklab: interrupted\r\n")
            live.expect("no answer: the run was stopped\r\n")
            live.expect("question 2 of 2: deadlock 2 ordered timeout 0.2: ")
            live.expect("answer> ")
            live.send("y\r")
            live.expect("right: y\r\n")
            live.expect("score: 1 of 2\r\n")
            live.expect("forklab> ")
            #expect(children(of: live.pid).isEmpty)
            #expect(threadCount(of: live.pid) == 1)
            live.send("q\r")
            #expect(live.waitForExit() == Ending(exitCode: 0))
        }

        @Test("Ctrl-C at the answer prompt of a terminal ends the round with the score so far; forklab is back at its prompt")
        func interruptAtTheAnswerEndsTheRound() {
            let live = LiveForklab(terminal: [])
            live.expect("forklab> ")
            live.send("quiz fork 3 seed 7\r")
            live.expect("question 1 of 3: ")
            live.expect("answer> ")
            live.send("6\r")
            live.expect("question 2 of 3: ")
            live.expect("answer> ")
            live.send("\u{3}")
            live.expect("score: ")
            live.expect(" of 3 (the round ended before question 2)\r\n")
            live.expect("forklab> ")
            live.send("q\r")
            #expect(live.waitForExit() == Ending(exitCode: 0))
        }
    }
}
