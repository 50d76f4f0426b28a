import Foundation
import Testing

extension EndToEnd {
    @Suite struct CommandLine {
        @Test("--help prints the usage and exits 0; --version prints the version")
        func helpAndVersion() {
            let help = runForklab(["--help"])
            #expect(help.status == 0)
            #expect(help.stdout.hasPrefix("usage: forklab [--bail] [--json] [-c COMMANDS | FILE]\n"))
            #expect(help.stderr == "")
            #expect(runForklab(["-h"]).stdout == help.stdout)
            let version = runForklab(["--version"])
            #expect(version.status == 0)
            #expect(version.stdout == "forklab 0.1.0\n")
            #expect(runForklab(["-V"]).stdout == version.stdout)
        }

        @Test("--help and --version into a full disk exit 1 with an error line", arguments: ["--help", "-h", "--version", "-V"])
        func helpAndVersionToAFullDisk(option: String) throws {
            let (ending, stderr) = try runToFullDisk([option])
            #expect(ending == Ending(exitCode: 1))
            #expect(stderr == "forklab: cannot write to stdout: No space left on device\n")
        }

        @Test("bad options exit 2 with one line on stderr", arguments: [
            (["--bogus"], "forklab: unknown option '--bogus' (try 'forklab --help')"),
            (["-c"], "forklab: -c needs COMMANDS after it (try 'forklab --help')"),
            (["-c", "fork", "file.lab"], "forklab: give -c COMMANDS or a FILE, not both (try 'forklab --help')"),
            (["a.lab", "b.lab"], "forklab: unexpected argument 'b.lab': forklab runs one FILE (try 'forklab --help')"),
            (["/nonexistent/script.lab"], "forklab: cannot open '/nonexistent/script.lab': No such file or directory"),
            (["/"], "forklab: cannot open '/': Is a directory"),
        ])
        func badOptions(arguments: [String], message: String) {
            let result = runForklab(arguments)
            #expect(result.status == 2)
            #expect(result.stderrLines == [message])
            #expect(result.stdout == "")
        }

        @Test("-c runs commands separated by ';' and exits 0 when all succeed")
        func commandString() {
            let result = forklab("fork 2; forkexit 1")
            #expect(result.status == 0)
            #expect(result.stderr == "")
            #expect(result.traceLines.count == 6)
        }

        @Test("FILE runs its commands; errors name the line; the rest still runs; exit 1")
        func scriptFile() throws {
            let folder = temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let script = folder.appendingPathComponent("demo.lab")
            try """
                # the book's programs
                fork 1
                frok 2

                forkexit 1 ; fork 0
                spawn child.sh 1   # the book's child
                """.write(to: script, atomically: true, encoding: .utf8)
            let result = runForklab([script.path])
            #expect(result.status == 1)
            #expect(result.stderrLines == [
                "forklab: line 3: unknown command 'frok' (did you mean 'fork'?)",
                "forklab: line 5: fork: N must be 1…10000, got 0",
            ])
            #expect(result.stdoutLines.filter { $0.hasPrefix("# ") }.map { String($0.prefix(9)) } == [
                "# fork: 1", "# forkexi", "# spawn: ",
            ])
        }

        @Test("--bail stops a script at the first command that fails")
        func bail() {
            let result = runForklab(["--bail", "-c", "fork 1\nfork 0\nforkexit 1"])
            #expect(result.status == 1)
            #expect(result.stderrLines == ["forklab: line 2: fork: N must be 1…10000, got 0"])
            #expect(!result.stdout.contains("forkexit"))
            let sameLine = runForklab(["--bail", "-c", "fork 0; forkexit 1"])
            #expect(sameLine.status == 1)
            #expect(!sameLine.stdout.contains("forkexit"))
        }

        @Test("q ends a script: later lines do not run, and the status is 0 when nothing failed")
        func quitEndsScript() {
            let result = runForklab([], RunOptions(stdin: Array("fork 1\nq\nfork 1\n".utf8)))
            #expect(result.status == 0)
            #expect(result.traceLines.count == 2)
        }

        @Test("piped commands: every line once, true pids, no prompt, no banner")
        func pipedScript() {
            let result = runForklab([], RunOptions(stdin: Array("fork 3\nforkexit 2\nspawn child.sh 2\nq\n".utf8)))
            #expect(result.status == 0)
            #expect(result.stderr == "")
            #expect(!result.stdout.contains("forklab>"))
            #expect(!result.stdout.contains("forklab 0.1.0"))
            let lines = result.traceLines.compactMap(TraceLine.init)
            #expect(lines.count == result.traceLines.count)
            #expect(lines.count == 6 + 4 + 6)
            #expect(Set(result.traceLines).count == result.traceLines.count)
            #expect(lines.filter { $0.kind == .parentHello }.allSatisfy { $0.numbers[0] == Int(result.pid) })
        }

        @Test("a script that is forklab's own piped stdin by another name: spawn cat gets /dev/null, every later command runs",
              arguments: ["/dev/stdin", "/proc/self/fd/0"])
        func scriptNamedAsStdin(name: String) {
            // Larger than a pipe holds (64 KiB), so that forklab has not
            // read it all when cat starts: a cat reading the script's pipe
            // would swallow the commands after it.
            let padding = String(repeating: "#", count: 500)
            let count = 300
            let script = "spawn cat\n" + String(repeating: "forkexit 1   \(padding)\n", count: count)
            let result = runForklab([name], RunOptions(stdin: Array(script.utf8)))
            #expect(result.status == 0)
            #expect(result.stderr == "")
            #expect(result.stdoutLines.contains { $0.hasPrefix("# spawn: 1 child started, 1 reaped, 0 left (1 exited 0)") })
            #expect(result.stdoutLines.filter { $0.hasPrefix("# forkexit: 1 child reaped") }.count == count)
            #expect(!result.stdout.contains(padding))
        }

        @Test("help and help COMMAND print to stdout")
        func help() {
            let result = forklab("help; help spawn")
            #expect(result.status == 0)
            #expect(result.stdout.contains("  spawn PROGRAM [N] [noreap] [-- ARG…]"))
            #expect(result.stdout.contains("usage: spawn PROGRAM [N] [noreap] [-- ARG…]\nbook:  Use Python to Launch Another Program\n"))
        }
    }
}
