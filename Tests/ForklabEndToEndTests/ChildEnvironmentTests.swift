import Foundation
import Testing

extension EndToEnd {
    @Suite struct ChildEnvironment {
        @Test("a spawned program has descriptors 0, 1 and 2 only, even when forklab inherited more")
        func onlyStandardDescriptors() {
            let extra = makePipe()
            defer { close(extra.read); close(extra.write) }
            let result = forklab("spawn sh -- -c 'ls /proc/$$/fd'", RunOptions(leakFD: extra.write))
            #expect(result.status == 0)
            #expect(result.traceLines.filter { TraceLine($0) == nil } == ["0", "1", "2"])
        }

        @Test("started with stdin closed, forklab still gives children 0, 1 and 2, and writes its traces to stdout")
        func closedStdin() {
            let result = forklab("spawn sh -- -c 'ls /proc/$$/fd'; fork 1", RunOptions(closedStandard: 1))
            #expect(result.status == 0)
            #expect(result.traceLines.filter { TraceLine($0) == nil } == ["0", "1", "2"])
            #expect(result.traceLines.filter { $0.hasPrefix("Hello from ") }.count == 2)
        }

        @Test("a spawned program starts with default dispositions and an empty mask")
        func defaultSignals() {
            // forklab itself starts with SIGINT and SIGHUP ignored and SIGQUIT,
            // SIGCHLD and SIGTERM blocked (a blocked SIGCHLD once hung its wait).
            let result = forklab("spawn grep -- -E '^Sig(Blk|Ign)' /proc/self/status", RunOptions(oddSignals: true))
            #expect(result.status == 0)
            #expect(result.traceLines.filter { $0.hasPrefix("Sig") } == [
                "SigBlk:\t0000000000000000", "SigIgn:\t0000000000000000",
            ])
        }

        @Test("with commands on a piped stdin, a child's stdin is /dev/null")
        func pipedScriptGivesNullStdin() {
            let result = runForklab([], RunOptions(stdin: Array("spawn readlink -- /proc/self/fd/0\n".utf8)))
            #expect(result.status == 0)
            #expect(result.traceLines.contains("/dev/null"))
        }

        @Test("a child reading stdin cannot swallow the rest of a piped script")
        func scriptIsNotSwallowed() {
            let live = LiveForklab(pipes: [])
            live.send("spawn cat\n")
            live.expect("# spawn: 1 child started, 1 reaped, 0 left (1 exited 0)")
            // Sent only now, after cat ran: cat saw /dev/null, not this line.
            live.send("forkexit 1\nq\n")
            live.expect("# forkexit: 1 child reaped, it exited 1")
            #expect(live.waitForExit() == Ending(exitCode: 0))
            #expect(live.stderrText == "")
        }

        @Test("with -c, children inherit forklab's stdin")
        func commandStringKeepsStdin() {
            let result = forklab("spawn cat", RunOptions(stdin: Array("typed by the user\n".utf8)))
            #expect(result.status == 0)
            #expect(result.traceLines.contains("typed by the user"))
        }
    }
}
