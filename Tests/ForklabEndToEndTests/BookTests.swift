import Foundation
import Testing

/// `book` and `book NAME`: the book's programs, listed and run as typed.
/// The paced programs (thread, mutex, queue: 6 to 13 s) are not run here;
/// ForklabCommandsTests parse each listed command.
extension EndToEnd {
    @Suite struct Book {
        static let listing = """
            NAME       PROGRAM                 COMMAND
            fork       Basic Forking           fork 1 buffered
            forkexit   Fork Exit Status        forkexit 1 buffered
            launch     Launch Another Program  spawn child.py 1
            thread     _thread Basic           threads 5 count 5 sleep 1 nolock exit after 6
            mutex      _thread Mutex           threads 5 count 5 sleep 1 exit after 6
            threading  threading Thread        threads 10 count 100
            queue      Producer/Consumer       produce 4 consume 2 sleep 1 exit after 13
            "book NAME" prints the command and runs it, as if typed; Enter repeats it.

            """

        /// A trace line with every number made `N` and every duration `N
        /// time`: what stays the same from run to run (pids, timings and
        /// their units, thread numbers go).
        static func shape(_ line: String) -> String {
            var shaped = ""
            var inNumber = false
            for character in line {
                if character.isASCII && (character.isNumber || (inNumber && character == ".")) {
                    if !inNumber { shaped.append("N") }
                    inNumber = true
                } else {
                    shaped.append(character)
                    inNumber = false
                }
            }
            for unit in ["ns", "µs", "ms"] {
                shaped = shaped.replacingOccurrences(of: "N \(unit) per", with: "N time per")
            }
            return shaped
        }

        @Test("book through a pipe prints the seven programs and their commands, exactly")
        func listing() {
            let result = forklab("book")
            #expect(result.status == 0)
            #expect(result.stderr == "")
            #expect(result.stdout == Self.listing)
        }

        @Test("docs/commands.md shows book's list as forklab prints it")
        func documentedListing() throws {
            let docs = try String(
                contentsOf: projectRoot.appendingPathComponent("docs/commands.md"), encoding: .utf8)
            let lines = forklab("book").stdoutLines
            #expect(lines.count == 9)
            let indented = lines.map { "    " + $0 }.joined(separator: "\n")
            #expect(docs.contains("\n" + indented + "\n"))
        }

        @Test("book NAME says its command, then prints what that command prints when typed",
              arguments: [
                  ("fork", "book: Basic Forking: fork 1 buffered"),
                  ("forkexit", "book: Fork Exit Status: forkexit 1 buffered"),
                  ("launch", "book: Launch Another Program: spawn child.py 1"),
                  ("threading", "book: threading Thread: threads 10 count 100"),
              ])
        func runsTheListedCommand(name: String, announcement: String) throws {
            let command = String(try #require(announcement.split(separator: ": ", maxSplits: 2).last))
            let viaBook = forklab("book \(name)")
            let typed = forklab(command)
            #expect(viaBook.status == 0 && typed.status == 0)
            #expect(viaBook.stderr == "" && typed.stderr == "")
            #expect(viaBook.stdoutLines.first == announcement)
            // Lines of threads and children come in the scheduler's order: compare as multisets.
            let shapes = multiset(viaBook.stdoutLines.dropFirst().map(Self.shape))
            #expect(shapes == multiset(typed.stdoutLines.map(Self.shape)))
            #expect(!shapes.isEmpty)
        }

        @Test("book fork through a pipe: the child's line is lost in its buffer, as the book's is")
        func forkLosesTheChildLineThroughAPipe() {
            let result = forklab("book fork")
            #expect(result.stdoutLines.map(Self.shape) == [
                "book: Basic Forking: fork N buffered",
                "Hello from parent N N",
                "# fork: N child forked, N reaped, N left; N child line lost in a buffer that _exit threw away "
                    + "(stdout is not a terminal, so block-buffered, N bytes); N time per fork+wait",
            ])
        }

        @Test("the record of book fork is fork 1 buffered's: timeline is titled with the command")
        func timelineShowsTheCommand() {
            let result = forklab("book fork; timeline width 80")
            #expect(result.status == 0)
            #expect(result.stdoutLines.contains { $0.hasPrefix("timeline of fork 1 buffered (") })
        }

        @Test("an unknown name is named with the names and a suggestion; two names are refused")
        func errors() {
            let result = forklab("book frok; book xyzzy; book fork mutex")
            #expect(result.status == 1)
            #expect(result.stdout == "")
            #expect(result.stderrLines == [
                "forklab: line 1: book: unknown program 'frok' (did you mean 'fork'? "
                    + "one of fork, forkexit, launch, thread, mutex, threading, queue)",
                "forklab: line 1: book: unknown program 'xyzzy' "
                    + "(one of fork, forkexit, launch, thread, mutex, threading, queue)",
                "forklab: line 1: book: unexpected 'mutex' (usage: book [NAME])",
            ])
        }

        @Test("in JSON mode the book: line goes to stderr and stdout holds only JSON")
        func jsonKeepsStdoutJSON() {
            let result = runForklab(["--json", "-c", "book forkexit"])
            #expect(result.status == 0)
            #expect(result.stderr == "book: Fork Exit Status: forkexit 1 buffered\n")
            // fork, wait and summary: the child's objects died in its buffer.
            #expect(result.stdoutLines.count == 3)
            #expect(result.stdoutLines.allSatisfy { $0.hasPrefix("{\"v\":1,") })
        }

        @Test("at a terminal: book la<TAB> runs launch, and Enter, Enter number the children 2, 3")
        func enterNumbersLaunchOn() {
            let live = LiveForklab(terminal: [])
            live.expect("forklab> ")
            live.send("book la\t\r")
            live.expect("book: Launch Another Program: spawn child.py 1")
            var arguments: [[String]] = []
            for line in ["", "\r", "\r"] {
                live.send(line)
                guard let output = live.expect("# spawn: 1 child started") else { return }
                arguments.append(helloArguments(output))
                live.expect("forklab> ")
            }
            #expect(arguments == [["1"], ["2"], ["3"]])
            live.send("q\r")
            #expect(live.waitForExit() == Ending(exitCode: 0))
        }

        @Test("at a terminal: book fork shows the child's line, and Enter forks one more child")
        func forkAtATerminal() {
            let live = LiveForklab(terminal: [])
            live.expect("forklab> ")
            live.send("book fork\r")
            guard let first = live.expect("forklab> ") else { return }
            let lines = first.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n").map(String.init)
            #expect(lines.contains("book: Basic Forking: fork 1 buffered"))
            #expect(lines.filter { $0.hasPrefix("Hello from child ") }.count == 1)
            #expect(lines.contains { $0.hasPrefix("# fork: 1 child forked, 1 reaped, 0 left; no child line lost") })
            live.send("\r")
            guard let again = live.expect("forklab> ") else { return }
            #expect(!again.contains("book:"))  // Enter repeats the command, not book
            #expect(again.contains("Hello from child "))
            #expect(again.contains("# fork: 1 child forked, 1 reaped, 0 left; no child line lost"))
            live.send("q\r")
            #expect(live.waitForExit() == Ending(exitCode: 0))
        }

        @Test("examples/book.lab lists the programs and runs the short ones through a pipe")
        func example() throws {
            let path = projectRoot.appendingPathComponent("examples/book.lab").path
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let result = runForklab([path])
            #expect(result.status == 0)
            #expect(result.stderr == "")
            #expect(result.stdout.hasPrefix(Self.listing))
            let said = result.stdoutLines.filter { $0.hasPrefix("book: ") }
            #expect(said == [
                "book: Basic Forking: fork 1 buffered", "book: Fork Exit Status: forkexit 1 buffered",
                "book: Launch Another Program: spawn child.py 1", "book: threading Thread: threads 10 count 100",
            ])
            // The paced ones it names for the prompt are programs of the list.
            for name in ["thread", "mutex", "queue"] {
                #expect(text.contains("#   book \(name) "))
                #expect(Self.listing.contains("\n\(name) "))
            }
        }
    }
}

/// The arguments after the pid in the `Hello from child PID ARG` lines.
private func helloArguments(_ output: String) -> [String] {
    output.split(whereSeparator: \.isNewline).compactMap { line -> String? in
        guard line.hasPrefix("Hello from child ") else { return nil }
        return line.split(separator: " ").dropFirst(4).joined(separator: " ")
    }
}
