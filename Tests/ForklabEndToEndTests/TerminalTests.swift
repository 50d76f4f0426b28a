import Foundation
import Testing

/// forklab at a real pseudo-terminal, driven key by key as a person types.
extension EndToEnd {
    @Suite struct Terminal {
        @Test("the prompt appears, a command runs, q quits with status 0")
        func promptAndQuit() {
            let live = LiveForklab(terminal: [])
            live.expect("forklab> ")
            live.send("fork 2\r")
            live.expect("# fork: 2 children forked, 2 reaped, 0 left")
            live.expect("forklab> ")
            live.send("q\r")
            #expect(live.waitForExit() == Ending(exitCode: 0))
        }

        @Test("Enter on an empty line repeats the last experiment; set repeat off stops that")
        func enterRepeats() {
            let live = LiveForklab(terminal: [])
            live.expect("forklab> ")
            live.send("forkexit 1\r")
            live.expect("# forkexit: 1 child reaped")
            live.expect("forklab> ")
            live.send("help\r")  // not an experiment: not what Enter repeats
            live.expect("forklab> ")
            live.send("\r")
            guard let repeated = live.expect("forklab> ") else { return }
            #expect(repeated.contains("# forkexit: 1 child reaped"))
            live.send("set repeat off\r")
            live.expect("forklab> ")
            live.send("\r")
            guard let quiet = live.expect("forklab> ") else { return }
            #expect(!quiet.contains("Hello"))
            live.send("\u{4}")
            #expect(live.waitForExit() == Ending(exitCode: 0))
        }

        @Test("Enter after spawn PROGRAM N numbers the children on (1 2, 3 4, 5 6); typing the command again starts at 1")
        func enterNumbersSpawnOn() {
            let live = LiveForklab(terminal: [])
            live.expect("forklab> ")
            var numbers: [[String]] = []
            for line in ["spawn child.sh 2\r", "\r", "\r", "spawn child.sh 2\r"] {
                live.send(line)
                guard let output = live.expect("# spawn: 2 children started") else { return }
                numbers.append(childArguments(output))
                live.expect("forklab> ")
            }
            #expect(numbers == [["1", "2"], ["3", "4"], ["5", "6"], ["1", "2"]])
            live.send("q\r")
            #expect(live.waitForExit() == Ending(exitCode: 0))
        }

        @Test("Enter numbers {} on the same way; a spawn without N or {} is repeated as it was")
        func enterNumbersBracesOn() {
            let live = LiveForklab(terminal: [])
            live.expect("forklab> ")
            var numbers: [[String]] = []
            for line in ["spawn child.sh 2 -- n {}\r", "\r", "spawn child.sh -- n\r", "\r", "spawn child.sh\r", "\r"] {
                live.send(line)
                guard let output = live.expect("# spawn: ") else { return }
                numbers.append(childArguments(output))
                live.expect("forklab> ")
            }
            #expect(numbers == [["n 1", "n 2"], ["n 3", "n 4"], ["n"], ["n"], [""], [""]])
            live.send("q\r")
            #expect(live.waitForExit() == Ending(exitCode: 0))
        }

        @Test("arrow-up recalls the history, which is saved 0600 and read by the next session")
        func history() throws {
            let live = LiveForklab(terminal: [])
            live.expect("forklab> ")
            live.send("fork 1\r")
            live.expect("# fork: 1 child forked")
            live.expect("forklab> ")
            live.send("forkexit 2\r")
            live.expect("# forkexit: 2 children reaped")
            live.expect("forklab> ")
            live.send("\u{1b}[A\u{1b}[A\r")  // up twice: fork 1
            guard let again = live.expect("forklab> ") else { return }
            #expect(again.contains("# fork: 1 child forked"))
            let path = live.home.appendingPathComponent("history").path
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            #expect((attributes[.posixPermissions] as? Int) == 0o600)
            live.send("q\r")
            #expect(live.waitForExit() == Ending(exitCode: 0))

            // A new session on the same history file remembers.
            let next = LiveForklab(terminal: [], environment: testEnvironment(
                home: next_home(), extra: ["FORKLAB_HISTORY": path]))
            next.expect("forklab> ")
            next.send("\u{1b}[A\u{1b}[A\r")  // up past "q": the "fork 1" typed last session
            next.expect("# fork: 1 child forked")
            next.send("q\r")
            #expect(next.waitForExit() == Ending(exitCode: 0))
        }

        @Test("TAB completes commands, keywords and programs, and lists choices")
        func completion() {
            // libedit redraws a completed word with cursor moves, so the
            // test judges a completion by the command it makes.
            let live = LiveForklab(terminal: [])
            live.expect("forklab> ")
            live.send("forke\t2\r")
            live.expect("# forkexit: 2 children reaped")
            live.expect("forklab> ")
            live.send("spawn child.s\t1\r")
            live.expect("# spawn: 1 child started, 1 reaped, 0 left (1 exited 0)")
            live.expect("forklab> ")
            live.send("set rep\tof\t\r")
            live.expect("forklab> ")
            live.send("\r")  // repeat is now off: nothing runs
            guard let quiet = live.expect("forklab> ") else { return }
            #expect(!quiet.contains("# spawn"))
            live.send("f\t\t")  // fork / forkexit: nothing to add, so the choices are listed
            live.expect("fork      forkexit")
            live.send("\u{3}")
            live.expect("forklab> ")
            live.send("q\r")
            #expect(live.waitForExit() == Ending(exitCode: 0))
        }

        @Test("Ctrl-C at the prompt clears the line and keeps forklab running")
        func interruptAtPrompt() {
            let live = LiveForklab(terminal: [])
            live.expect("forklab> ")
            live.send("fork 5")
            live.expect("fork 5")
            live.send("\u{3}")
            live.expect("^C")
            live.expect("forklab> ")
            live.send("forkexit\r")  // the cleared "fork 5" must not come back
            guard let output = live.expect("forklab> ") else { return }
            #expect(output.contains("# forkexit: 1 child reaped"))
            #expect(!output.contains("fork: 5"))
            live.send("q\r")
            #expect(live.waitForExit() == Ending(exitCode: 0))
        }

        @Test("Ctrl-C stops spawn sleep -- 60: the child is killed and reaped, the prompt returns")
        func interruptExperiment() {
            let live = LiveForklab(terminal: [])
            live.expect("forklab> ")
            live.send("spawn sleep -- 60\r")
            live.expect("Child is ")
            let sleeping = childrenNamed("sleep", of: live.pid)
            #expect(sleeping.count == 1)
            live.send("\u{3}")
            // 20 s is a deadline against a hang, far below the 60 s of sleep.
            guard let output = live.expect("forklab> ", within: 20) else { return }
            #expect(output.contains("(killed by SIGINT)"))
            #expect(output.contains("forklab: interrupted"))
            #expect(children(of: live.pid).isEmpty)
            #expect(threadCount(of: live.pid) == 1)
            live.send("q\r")
            #expect(live.waitForExit() == Ending(exitCode: 0))
        }

        @Test("a spawned program sees the terminal in normal mode (icanon)")
        func normalModeForChildren() {
            let live = LiveForklab(terminal: [])
            live.expect("forklab> ")
            live.send("spawn stty -- -a\r")
            guard let output = live.expect("# spawn: 1 child started") else { return }
            #expect(output.contains(" icanon"))
            #expect(!output.contains("-icanon"))
            #expect(output.contains(" echo "))
            live.send("q\r")
            #expect(live.waitForExit() == Ending(exitCode: 0))
        }

        @Test("Ctrl-D on an empty line quits")
        func controlDQuits() {
            let live = LiveForklab(terminal: [])
            live.expect("forklab> ")
            live.send("\u{4}")
            #expect(live.waitForExit() == Ending(exitCode: 0))
        }

        @Test("errors at the prompt name no line and do not end the session")
        func errorsAtPrompt() {
            let live = LiveForklab(terminal: [])
            live.expect("forklab> ")
            live.send("frok 2\r")
            live.expect("forklab: unknown command 'frok' (did you mean 'fork'?)")
            live.expect("forklab> ")
            live.send("q\r")
            #expect(live.waitForExit() == Ending(exitCode: 1))
        }
    }
}

private func next_home() -> URL { temporaryFolder() }

/// What each `Hello from child PID …` line of `output` printed after the
/// pid ("" for none), sorted: the children of one spawn end in any order.
private func childArguments(_ output: String) -> [String] {
    output.split(whereSeparator: \.isNewline).compactMap { line -> String? in
        guard line.hasPrefix("Hello from child ") else { return nil }
        let words = line.split(separator: " ", maxSplits: 4, omittingEmptySubsequences: false)
        return words.count > 4 ? String(words[4]) : ""
    }.sorted()
}
