// The book's text for events and summaries, the child lines' placeholders,
// error texts and plans: pure.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Testing
@testable import ForklabEngine
import ForklabWords

@Suite struct BookLines {
    @Test func forked() {
        #expect(BookText.line(for: .forked(parent: 4241, child: 4242)) == "Hello from parent 4241 4242")
    }

    @Test func spawned() {
        #expect(BookText.line(for: .spawned(child: 4242)) == "Child is 4242")
    }

    @Test func reapedExit() {
        #expect(BookText.line(for: .reaped(child: 4242, status: .exited(0))) == "Parent got 4242 0 0")
        #expect(BookText.line(for: .reaped(child: 4242, status: .exited(1))) == "Parent got 4242 256 1")
        #expect(BookText.line(for: .reaped(child: 7, status: WaitStatus(rawValue: 32512))) == "Parent got 7 32512 127")
    }

    @Test func reapedSignal() {
        #expect(BookText.line(for: .reaped(child: 4242, status: .killed(SIGKILL)))
            == "Parent got 4242 9 0 (killed by SIGKILL)")
    }

    @Test func reapedCore() {
        #expect(BookText.line(for: .reaped(child: 4242, status: WaitStatus(rawValue: 134)))
            == "Parent got 4242 134 0 (killed by SIGABRT, core dumped)")
    }

    static let parentEvents: [TraceEvent] = [
        .forked(parent: 4241, child: 4242), .spawned(child: 2_147_483_647),
        .reaped(child: 7, status: .exited(0)), .reaped(child: 7, status: WaitStatus(rawValue: 32512)),
        .reaped(child: 4242, status: .killed(SIGKILL)), .reaped(child: 4242, status: WaitStatus(rawValue: 134)),
    ]

    @Test("The console writes each parent line as line(for:) words it, with and without colour",
          arguments: parentEvents, [false, true])
    func consoleWritesTheLineAsWorded(event: TraceEvent, colors: Bool) throws {
        let pipe = TestPipe()
        let book = BookText(console: Console(fd: pipe.writeFD), colors: colors)
        try book.emit(TraceRecord(time: 0, pid: 1, event: event, printed: true))
        let line = BookText.line(for: event)
        let expected = colors ? "\u{1b}[33m" + line + "\u{1b}[0m\n" : line + "\n"
        #expect(String(decoding: pipe.drain(), as: UTF8.self) == expected)
    }

    @Test func summaryLineStartsWithHash() {
        let summary = Summary.fork(children: 1, reaped: 1, elapsed: 312_000)
        #expect(BookText.line(for: .summary(summary)) == "# " + summary.text)
        #expect(BookText.line(for: .summary(summary)) == "# fork: 1 child forked, 1 reaped, 0 left; 312 µs per fork+wait")
    }

    @Test func noLineHasANewline() {
        let events: [TraceEvent] = [
            .forked(parent: 1, child: 2), .spawned(child: 2), .reaped(child: 2, status: .exited(3)),
            .summary(.fork(children: 2, reaped: 2, elapsed: 1000)),
        ]
        for event in events { #expect(!BookText.line(for: event).contains("\n")) }
    }
}

@Suite struct SummaryTexts {
    @Test("produce: thread starts and the hand-off rate are given apart, or one rate when not measured apart")
    func produceCostedApart() {
        let statistics = QueueStatistics(left: 0, producerWaits: 0, consumerWaits: 3, peak: 6, outOfMemory: false)
        var outcome = ProduceOutcome(producers: 4, consumers: 2, produced: 16, consumed: 16, unprinted: 0,
                                     queue: statistics, capacity: nil, elapsed: 400_000,
                                     startup: 6 * 40_000, running: 160_000)
        #expect(Summary.produce(outcome).text == "produce: 16 produced, 16 consumed, 0 lost; 4 producers and 2 consumers "
            + "joined; the queue held at most 6; 40.0 µs per thread start, 100.0 k msgs/s")
        outcome.startup = 0
        outcome.running = 0
        #expect(Summary.produce(outcome).text == "produce: 16 produced, 16 consumed, 0 lost; 4 producers and 2 consumers "
            + "joined; the queue held at most 6; 40.0 k msgs/s")
    }

    @Test("threads: thread starts and lines are costed apart, as lmbench reports each primitive")
    func threadsCostedApart() {
        #expect(Summary.threads(started: 4, wanted: 4, lines: 20, expectedLines: 20, elapsed: 400_000,
                                startup: 4 * 45_000, running: 20 * 1_200).text
            == "threads: 4 threads started and joined, 20 lines written; 45.0 µs per thread start, 1.2 µs per line")
        #expect(Summary.threads(started: 10, wanted: 10, lines: 100_000, expectedLines: 100_000, elapsed: 200_000_000,
                                startup: 10 * 35_400, running: 100_000 * 967).text
            == "threads: 10 threads started and joined, 100000 lines written; 35.4 µs per thread start, 967 ns per line")
        // Not measured apart: one figure for the whole.
        #expect(Summary.threads(started: 1, wanted: 1, lines: 1, expectedLines: 1, elapsed: 47_400).text
            == "threads: 1 thread started and joined, 1 line written; 47.4 µs per line")
        #expect(Summary.threads(started: 2, wanted: 3, lines: 5, expectedLines: 9, elapsed: 100_000,
                                startup: 60_000, running: 5_000).text
            == "threads: 2 of 3 threads started, 2 joined, 5 of 9 lines written; 30.0 µs per thread start, 1.0 µs per line")
    }

    @Test func forkSingularAndPlural() {
        #expect(Summary.fork(children: 1, reaped: 1, elapsed: 312_000).text
            == "fork: 1 child forked, 1 reaped, 0 left; 312 µs per fork+wait")
        #expect(Summary.fork(children: 3, reaped: 3, elapsed: 3 * 150_000).text
            == "fork: 3 children forked, 3 reaped, 0 left; 150 µs per fork+wait")
        #expect(Summary.fork(children: 3, reaped: 2, elapsed: 3 * 150_000).text
            == "fork: 3 children forked, 2 reaped, 1 left; 150 µs per fork+wait")
    }

    @Test func noOperationsNoCost() {
        #expect(Summary.fork(children: 0, reaped: 0, elapsed: 5_000).text == "fork: 0 children forked, 0 reaped, 0 left")
        #expect(Summary.forkExit(children: 0, reaped: 0, exitCodes: [:], parentExitStat: 0, elapsed: 5_000).text
            == "forkexit: 0 children reaped")
        #expect(Summary.spawn(children: 0, reaped: 0, outcomes: SpawnOutcomes(), elapsed: 5_000).text
            == "spawn: 0 children started, 0 reaped, 0 left")
    }

    static let costs: [(elapsed: UInt64, operations: Int, text: String)] = [
        (elapsed: 312_000, operations: 1, text: "312 µs"),
        (elapsed: 50_000, operations: 1, text: "50.0 µs"),
        (elapsed: 99_940, operations: 1, text: "99.9 µs"),
        (elapsed: 99_950, operations: 1, text: "100 µs"),  // 99.95 rounds to 100.0
        (elapsed: 100_000, operations: 1, text: "100 µs"),
        (elapsed: 150_000, operations: 2, text: "75.0 µs"),
        (elapsed: 1_234, operations: 1, text: "1.2 µs"),
        (elapsed: 1_250, operations: 1, text: "1.3 µs"),
        (elapsed: 0, operations: 4, text: "0.0 ns"),
        (elapsed: 84, operations: 10, text: "8.4 ns"),
        (elapsed: 999, operations: 1, text: "999 ns"),
        (elapsed: 999_499, operations: 1000, text: "999 ns"),
        (elapsed: 999_500, operations: 1000, text: "1.0 µs"),
        (elapsed: 12_000_000, operations: 1, text: "12000 µs"),
        (elapsed: 3 * 418_600, operations: 3, text: "419 µs"),
    ]

    @Test("Cost per operation: ns below 1 µs, one decimal below 100 (µs or ns), whole units above", arguments: costs)
    func cost(elapsed: UInt64, operations: Int, text: String) {
        let children = operations == 1 ? "1 child" : "\(operations) children"
        #expect(Summary.fork(children: operations, reaped: operations, elapsed: elapsed).text
            == "fork: \(children) forked, \(operations) reaped, 0 left; \(text) per fork+wait")
    }

    @Test func forkExitEachExitedOne() {
        #expect(Summary.forkExit(children: 1, reaped: 1, exitCodes: [1: 1], parentExitStat: 0, elapsed: 312_000).text
            == "forkexit: 1 child reaped, it exited 1; the parent's exitstat is still 0: each child changed only its own copy; 312 µs per fork+wait")
        #expect(Summary.forkExit(children: 3, reaped: 3, exitCodes: [1: 3], parentExitStat: 0, elapsed: 3 * 50_000).text
            == "forkexit: 3 children reaped, each exited 1; the parent's exitstat is still 0: each child changed only its own copy; 50.0 µs per fork+wait")
    }

    @Test func forkExitOtherCodes() {
        #expect(Summary.forkExit(children: 3, reaped: 3, exitCodes: [2: 1, 0: 2], parentExitStat: 5, elapsed: 3 * 200_000).text
            == "forkexit: 3 children reaped (2 exited 0, 1 exited 2); the parent's exitstat is 5; 200 µs per fork+wait")
    }

    @Test func forkExitDoesNotSayEachExitedOneWhenASignalKilledOne() {
        #expect(Summary.forkExit(children: 3, reaped: 3, exitCodes: [1: 2], parentExitStat: 0, elapsed: 3 * 200_000).text
            == "forkexit: 3 children reaped (2 exited 1, 1 killed by a signal); the parent's exitstat is 0; 200 µs per fork+wait")
    }

    @Test func spawnOutcomes() {
        var outcomes = SpawnOutcomes()
        outcomes.exitedZero = 1
        outcomes.exitedNonZero = 1
        outcomes.killed = 1
        outcomes.couldNotRun = 1
        #expect(Summary.spawn(children: 4, reaped: 4, outcomes: outcomes, elapsed: 4 * 900_000).text
            == "spawn: 4 children started, 4 reaped, 0 left (1 exited 0, 1 exited non-zero, 1 killed by a signal, 1 could not run); 900 µs per fork+exec+wait")

        var zeros = SpawnOutcomes()
        zeros.exitedZero = 1
        #expect(Summary.spawn(children: 1, reaped: 1, outcomes: zeros, elapsed: 80_000).text
            == "spawn: 1 child started, 1 reaped, 0 left (1 exited 0); 80.0 µs per fork+exec+wait")

        var failed = SpawnOutcomes()
        failed.couldNotRun = 1
        #expect(Summary.spawn(children: 1, reaped: 1, outcomes: failed, elapsed: 500_000).text
            == "spawn: 1 child started, 1 reaped, 0 left (1 could not run); 500 µs per fork+exec+wait")
    }
}

@Suite struct ChildLines {
    @Test func helloLine() {
        let book = BookText(console: Console(fd: 7))
        let line = book.childLine(for: .hello)
        #expect(line.fd == 7)
        #expect(line.bytes == Array("Hello from child ".utf8) + [0x01, 0x0a])
    }

    @Test func exitStatLine() {
        let book = BookText(console: Console(fd: 1))
        let line = book.childLine(for: .exitStat)
        #expect(line.fd == 1)
        #expect(line.bytes == Array("Hello from child ".utf8) + [0x01, 0x20, 0x03, 0x0a])
    }

    @Test func placeholdersMatchTheCShim() {
        #expect(LineTemplate.pid == 0x01)
        #expect(LineTemplate.elapsed == 0x02)
        #expect(LineTemplate.counter == 0x03)
    }
}

@Suite struct JSONText {
    @Test func aByteThatIsNotUTF8IsU_FFFDInJSON() {
        #expect(("a" + String(rawBytes: [0xff]) + "b\n").jsonQuoted == "\"a\u{fffd}b\\n\"")
        let exec = JSONLines(console: Console(fd: -1)).childLine(for: .exec(program: "x" + String(rawBytes: [0xfe])))
        #expect(String(decoding: exec.bytes, as: UTF8.self).contains(",\"program\":\"x\u{fffd}\""))
    }
}

@Suite struct ErrorTexts {
    @Test func errnoDescription() {
        #expect(Errno(rawValue: ENOENT).description == "No such file or directory")
        #expect(Errno(rawValue: EACCES).description == "Permission denied")
        #expect(Errno.interrupted.rawValue == EINTR)
        #expect(Errno.brokenPipe.rawValue == EPIPE)
    }

    @Test func labErrorDescriptions() {
        #expect(LabError.cannotRun(program: "nosuch", Errno(rawValue: ENOENT)).description
            == "cannot run 'nosuch': No such file or directory")
        #expect(LabError.cannotRun(program: "./x", Errno(rawValue: EACCES)).description
            == "cannot run './x': Permission denied")
        #expect(LabError.interrupted.description == "interrupted")
        #expect(LabError.output(.closed).description == "stdout closed")
        #expect(LabError.output(.failed(Errno(rawValue: EIO))).description
            == "cannot write to stdout: Input/output error")
        #expect(LabError.system(call: "spawn: pipe2", Errno(rawValue: EMFILE)).description
            == "spawn: pipe2 failed: Too many open files")
        #expect(LabError.forkFailed(experiment: "fork", made: 3, wanted: 10, Errno(rawValue: EAGAIN)).description
            == "fork: fork failed after 3 of 10 children (Resource temporarily unavailable); those 3 were reaped")
    }

    @Test(arguments: [
        (0, 1, "fork: fork failed (Resource temporarily unavailable)"),
        (0, 50, "fork: fork failed at the first of 50 children (Resource temporarily unavailable)"),
        (1, 50, "fork: fork failed after 1 of 50 children (Resource temporarily unavailable); that one was reaped"),
        (2, 50, "fork: fork failed after 2 of 50 children (Resource temporarily unavailable); those 2 were reaped"),
        (49, 50, "fork: fork failed after 49 of 50 children (Resource temporarily unavailable); those 49 were reaped"),
    ])
    func forkFailedSaysHowFarItGotForNoneOneAndMany(made: Int, wanted: Int, text: String) {
        #expect(LabError.forkFailed(experiment: "fork", made: made, wanted: wanted, Errno(rawValue: EAGAIN)).description == text)
    }

    @Test(arguments: [
        (0, 1, "threads: pthread_create failed (Resource temporarily unavailable)"),
        (0, 100, "threads: pthread_create failed at the first of 100 threads (Resource temporarily unavailable)"),
        (1, 100, "threads: pthread_create failed after 1 of 100 threads (Resource temporarily unavailable); that one was joined"),
        (5, 100, "threads: pthread_create failed after 5 of 100 threads (Resource temporarily unavailable); those 5 were joined"),
    ])
    func threadFailedSaysHowFarItGotForNoneOneAndMany(made: Int, wanted: Int, text: String) {
        #expect(LabError.threadFailed(experiment: "threads", made: made, wanted: wanted, Errno(rawValue: EAGAIN)).description == text)
    }

    @Test func cannotRunShowsTheProgramAsMessagesShowWords() {
        let program = "abc\rEVIL\u{1b}[31mRED-a-long-long-long-long-long-long-long-name"
        #expect(LabError.cannotRun(program: program, Errno(rawValue: ENOENT)).description
            == "cannot run 'abc\\x0dEVIL\\x1b[31mRED-a-long-long-long-long-l…': No such file or directory")
    }
}

@Suite struct SpawnPlans {
    @Test func numberedArguments() {
        let plan = SpawnPlan(program: "child.sh", count: 3, numbered: true, arguments: ["ignored"])
        #expect(plan.argv(child: 1) == ["child.sh", "1"])
        #expect(plan.argv(child: 2) == ["child.sh", "2"])
        #expect(plan.argv(child: 3) == ["child.sh", "3"])
    }

    @Test func givenArguments() {
        let plan = SpawnPlan(program: "/bin/echo", count: 2, numbered: false, arguments: ["a b", "-n", ""])
        #expect(plan.argv(child: 1) == ["/bin/echo", "a b", "-n", ""])
        #expect(plan.argv(child: 2) == ["/bin/echo", "a b", "-n", ""])
    }

    @Test func noArguments() {
        let plan = SpawnPlan(program: "ls", count: 1, numbered: false, arguments: [])
        #expect(plan.argv(child: 1) == ["ls"])
    }

    @Test func eachArgumentThatIsExactlyBracesBecomesTheChildsNumber() {
        let plan = SpawnPlan(program: "python3", count: 3, numbered: false, arguments: ["child.py", "{}", "a{}", "{}"])
        #expect(plan.argv(child: 1) == ["python3", "child.py", "1", "a{}", "1"])
        #expect(plan.argv(child: 3) == ["python3", "child.py", "3", "a{}", "3"])
    }

    @Test func numbersStartAtFirstWhenARepeatGoesOn() {
        let numbered = SpawnPlan(program: "child.sh", count: 2, numbered: true, arguments: [], first: 3)
        #expect(numbered.argv(child: 1) == ["child.sh", "3"])
        #expect(numbered.argv(child: 2) == ["child.sh", "4"])
        let braces = SpawnPlan(program: "python3", count: 2, numbered: false, arguments: ["child.py", "{}"], first: 5)
        #expect(braces.argv(child: 2) == ["python3", "child.py", "6"])
        let plain = SpawnPlan(program: "ls", count: 2, numbered: false, arguments: ["-l"], first: 7)
        #expect(plain.argv(child: 2) == ["ls", "-l"])
    }
}
