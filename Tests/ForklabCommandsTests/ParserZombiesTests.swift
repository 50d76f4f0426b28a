import Testing
@testable import ForklabCommands

/// `noreap` on fork, forkexit and spawn; `ps` and `reap`.
@Suite("Parser: noreap, ps and reap")
struct ParserZombiesTests {
    @Test func noreapAfterTheCountParsesToChildrenLeftAsZombies() throws {
        #expect(try command("fork 3 noreap") == .fork(count: 3, buffered: false, noreap: true))
        #expect(try command("forkexit 2 noreap") == .forkExit(count: 2, buffered: false, noreap: true))
    }

    @Test func noreapAloneMeansOneChild() throws {
        #expect(try command("fork noreap") == .fork(count: 1, buffered: false, noreap: true))
        #expect(try command("forkexit noreap") == .forkExit(count: 1, buffered: false, noreap: true))
    }

    @Test func bufferedAndNoreapComeInEitherOrder() throws {
        #expect(try command("fork 2 buffered noreap") == .fork(count: 2, buffered: true, noreap: true))
        #expect(try command("fork 2 noreap buffered") == .fork(count: 2, buffered: true, noreap: true))
        #expect(try command("forkexit noreap buffered") == .forkExit(count: 1, buffered: true, noreap: true))
    }

    @Test func withoutNoreapTheParentReaps() throws {
        #expect(try command("fork 3") == .fork(count: 3, buffered: false, noreap: false))
        #expect(try command("spawn ls 2") == .spawn(program: "ls", count: 2, arguments: nil, noreap: false))
    }

    @Test func noreapTwiceIsRefused() {
        #expect(message("fork 3 noreap noreap") == "fork: 'noreap' given twice")
        #expect(message("forkexit noreap buffered noreap") == "forkexit: 'noreap' given twice")
        #expect(message("spawn ls 2 noreap noreap") == "spawn: 'noreap' given twice")
    }

    @Test func theCountAfterNoreapIsRefused() {
        #expect(message("fork noreap 3") == "fork: unexpected '3' (usage: fork [N] [buffered] [noreap])")
        #expect(message("spawn ls noreap 3") == "spawn: unexpected '3' (usage: spawn PROGRAM [N] [noreap] [-- ARG…])")
    }

    @Test func spawnTakesNoreapAfterItsCountAndBeforeDoubleDash() throws {
        #expect(try command("spawn child.sh 3 noreap") == .spawn(program: "child.sh", count: 3, arguments: nil, noreap: true))
        #expect(try command("spawn echo noreap -- a {}") == .spawn(program: "echo", count: nil, arguments: ["a", "{}"], noreap: true))
        #expect(try command("spawn echo 2 noreap -- x") == .spawn(program: "echo", count: 2, arguments: ["x"], noreap: true))
    }

    @Test func noreapAfterDoubleDashIsTheProgramsArgument() throws {
        #expect(try command("spawn echo -- noreap") == .spawn(program: "echo", count: nil, arguments: ["noreap"], noreap: false))
    }

    @Test func psAndReapTakeNoWords() throws {
        #expect(try command("ps") == .ps)
        #expect(try command("reap") == .reap)
        #expect(message("ps -ef") == "ps: unexpected '-ef' (usage: ps)")
        #expect(message("reap 3") == "reap: unexpected '3' (usage: reap)")
    }

    @Test func psAndReapAreNotExperimentsAndSoNotRepeatedByEnter() throws {
        #expect(!(try command("ps")).isExperiment)
        #expect(!(try command("reap")).isExperiment)
        #expect(try command("fork 2 noreap").isExperiment)
    }
}
