import Foundation
import Testing

// `man forklab`: docs/forklab.1 is what `forklab --man` writes (scripts/man),
// it holds each command's help as `help NAME` prints it, and mandoc finds
// nothing in it above a style note.

extension EndToEnd {
    @Suite struct ManPage {
        private let page = projectRoot.appendingPathComponent("docs/forklab.1")

        @Test func checkedInManPageIsTheOneForklabGenerates() throws {
            let generated = runForklab(["--man"])
            #expect(generated.ending == Ending(exitCode: 0))
            let checkedIn = try String(contentsOf: page, encoding: .utf8)
            #expect(generated.stdout == checkedIn, "docs/forklab.1 is out of date: run scripts/man")
        }

        @Test func mandocLintFindsNothingAboveAStyleNote() throws {
            let mandoc = ["/usr/bin/mandoc", "/usr/local/bin/mandoc"].first { FileManager.default.isExecutableFile(atPath: $0) }
            let binary = try #require(mandoc, "mandoc is missing: scripts/test installs it (apt-get install mandoc)")
            var options = RunOptions()
            options.binary = binary
            let lint = runForklab(["-Tlint", "-W", "warning", page.path], options)
            #expect(lint.ending == Ending(exitCode: 0))
            #expect(lint.stdout + lint.stderr == "")
        }

        @Test func manPageHoldsEveryCommandsHelpAsForklabShowsIt() throws {
            let page = try String(contentsOf: page, encoding: .utf8)
            let lines = Set(page.split(separator: "\n").map(String.init))
            // The command names, from `help`'s list.
            let overview = runForklab(["-c", "help"]).stdoutLines
            let names = overview.filter { $0.hasPrefix("  ") && !$0.hasPrefix("   ") }
                .compactMap { $0.split(separator: " ").first.map(String.init) }
            #expect(names.count >= 17)
            for name in names {
                #expect(page.contains(".TP\n\\fB\(name)\\fR"), "no entry for \(name)")
                // Every line of `help NAME` that roff takes as it is.
                let help = runForklab(["-c", "help \(name)"]).stdoutLines.dropFirst(1)
                let plain = help.filter { line in
                    !line.isEmpty && !line.hasPrefix(" ") && !line.hasPrefix("book:")
                        && line.allSatisfy { $0.isASCII && $0 != "\\" && $0 != "-" } && !line.hasPrefix(".")
                        && !line.hasPrefix("'")
                }
                #expect(!plain.isEmpty)
                for line in plain {
                    let found = lines.contains(line)
                    #expect(found, "help \(name): '\(line)' is not in the page")
                }
            }
        }
    }
}
