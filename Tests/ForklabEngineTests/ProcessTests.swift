// Tests that fork real processes: WaitStatus against real statuses, and Lab
// runs of fork, forkexit and spawn with a recording sink. One serialized
// suite, so that no two of them fork at once (and no script this suite
// writes is ever open for writing in a child of another test: ETXTBSY).
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Testing
@testable import ForklabEngine
import ForklabWords

@Suite(.serialized) struct RealProcesses {

    // MARK: WaitStatus against the kernel

    @Test("Real exits decode like WaitStatus.exited", arguments: [Int32(0), 1, 3, 126, 127, 255])
    func realExit(code: Int32) throws {
        let raw = try #require(forkAndReap(.exit(code)))
        let status = WaitStatus(rawValue: raw)
        #expect(status == .exited(code))
        #expect(status.exitCode == code)
        #expect(status.shiftedCode == code)
        #expect(status.terminatingSignal == nil)
        #expect(!status.coreDumped)
    }

    @Test func realExitThree() throws {
        let raw = try #require(forkAndReap(.exit(3)))
        #expect(raw == 768)
    }

    @Test func realSIGKILL() throws {
        let raw = try #require(forkAndReap(.killSelf(SIGKILL)))
        #expect(raw == 9)
        let status = WaitStatus(rawValue: raw)
        #expect(status == .killed(SIGKILL))
        #expect(status.terminatingSignal == SIGKILL)
        #expect(status.exitCode == nil)
        #expect(status.shiftedCode == 0)
        #expect(!status.coreDumped)
        #expect(status.signalNote == " (killed by SIGKILL)")
    }

    // MARK: fork

    @Test func forkThree() throws {
        prepareLab()
        let pipe = TestPipe()
        let sink = Recorder(fd: pipe.writeFD)
        let error = runLab(.fork(count: 3), sink: sink)
        #expect(error == nil)

        let forked = sink.forked
        #expect(forked.count == 3)
        for event in forked { #expect(event.parent == getpid()) }
        let children = Set(forked.map(\.child))
        #expect(children.count == 3)
        #expect(!children.contains(getpid()))
        for record in sink.records { #expect(record.pid == getpid()) }

        // Nothing but forked events and one summary, which comes last.
        #expect(sink.events.count == 4)
        // The reaps are recorded, but the book prints no line for them.
        #expect(Set(sink.unprinted.compactMap { if case let .reaped(child, _) = $0.event { child } else { nil } }) == children)
        #expect(sink.unprinted.count == 3)
        let summary = try #require(sink.summaries.first)
        #expect(sink.summaries.count == 1)
        #expect(sink.events.last == .summary(summary))
        guard case let .fork(made, reaped, _) = summary else {
            Issue.record("not a fork summary: \(summary)")
            return
        }
        #expect(made == 3)
        #expect(reaped == 3)

        // Times are non-decreasing nanoseconds since the command started.
        let times = sink.records.map(\.time)
        #expect(times == times.sorted())

        let (lines, complete) = pipe.drainLines()
        #expect(complete)
        #expect(lines.count == 3)
        #expect(Set(lines) == Set(children.map { "Hello from child \($0)" }))
        expectNoneLeft(children)
    }

    @Test func forkOne() {
        prepareLab()
        let pipe = TestPipe()
        let sink = Recorder(fd: pipe.writeFD)
        #expect(runLab(.fork(count: 1), sink: sink) == nil)
        let child = sink.forked.first?.child ?? -1
        #expect(sink.forked.count == 1)
        #expect(pipe.drainLines().lines == ["Hello from child \(child)"])
        if case let .fork(children, reaped, _)? = sink.summaries.first {
            #expect(children == 1 && reaped == 1)
        } else {
            Issue.record("no fork summary")
        }
        expectNoneLeft(sink.allPIDs)
    }

    @Test func forkManyLeavesNothingBehind() {
        prepareLab()
        let pipe = TestPipe()
        let sink = Recorder(fd: pipe.writeFD)
        #expect(runLab(.fork(count: 50), sink: sink) == nil)
        let children = Set(sink.forked.map(\.child))
        #expect(children.count == 50)
        let (lines, complete) = pipe.drainLines()
        #expect(complete)
        #expect(lines.count == 50)
        #expect(Set(lines) == Set(children.map { "Hello from child \($0)" }))
        if case let .fork(made, reaped, _)? = sink.summaries.first {
            #expect(made == 50 && reaped == 50)
        } else {
            Issue.record("no fork summary")
        }
        expectNoneLeft(children)
    }

    @Test("The child fills in every placeholder: pid, elapsed time, counter")
    func childPlaceholders() throws {
        prepareLab()
        let pipe = TestPipe()
        let line: [UInt8] = Array("pid=".utf8) + [LineTemplate.pid] + Array(" t=".utf8) + [LineTemplate.elapsed]
            + Array(" n=".utf8) + [LineTemplate.counter] + [0x0a]
        let sink = Recorder(fd: pipe.writeFD, hello: line, exitStat: line)
        #expect(runLab(.fork(count: 1), sink: sink) == nil)
        let child = try #require(sink.forked.first?.child)
        let elapsed = try #require(sink.summaries.first.flatMap { summary -> UInt64? in
            if case let .fork(_, _, elapsed) = summary { return elapsed } else { return nil }
        })
        let written = pipe.drainLines().lines
        #expect(written.count == 1)
        let fields = try #require(written.first).split(separator: " ")
        #expect(fields.count == 3)
        #expect(fields.first == "pid=\(child)")
        let t = try #require(fields.dropFirst().first.flatMap { UInt64($0.dropFirst(2)) })
        #expect(t > 0 && t <= elapsed)
        #expect(fields.last == "n=0")  // fork's children have no counter

        // forkexit's child prints its own copy of exitstat: 1.
        let sink2 = Recorder(fd: pipe.writeFD, hello: line, exitStat: line)
        #expect(runLab(.forkExit(count: 1), sink: sink2) == nil)
        let child2 = try #require(sink2.reaped.first?.child)
        let written2 = pipe.drainLines().lines
        #expect(written2.count == 1)
        #expect(written2.first?.hasPrefix("pid=\(child2) t=") == true)
        #expect(written2.first?.hasSuffix(" n=1") == true)
        expectNoneLeft([child, child2])
    }

    @Test("An empty child line means the child writes nothing")
    func emptyChildLine() {
        prepareLab()
        let pipe = TestPipe()
        let sink = Recorder(fd: pipe.writeFD, hello: [], exitStat: [])
        #expect(runLab(.fork(count: 2), sink: sink) == nil)
        #expect(runLab(.forkExit(count: 2), sink: sink) == nil)
        #expect(pipe.drain().isEmpty)
        // forkexit's children still exit with their exitstat.
        #expect(sink.reaped.map(\.status) == [.exited(1), .exited(1)])
        expectNoneLeft(sink.allPIDs)
    }

    // MARK: forkexit

    @Test func forkExitThree() throws {
        prepareLab()
        let pipe = TestPipe()
        let sink = Recorder(fd: pipe.writeFD)
        #expect(runLab(.forkExit(count: 3), sink: sink) == nil)

        let reaped = sink.reaped
        #expect(reaped.count == 3)
        let children = Set(reaped.map(\.child))
        #expect(children.count == 3)
        for (_, status) in reaped {
            #expect(status.rawValue == 256)
            #expect(status.exitCode == 1)
            #expect(status.shiftedCode == 1)
        }
        #expect(sink.forked.isEmpty)
        #expect(sink.spawned.isEmpty)
        for record in sink.records { #expect(record.pid == getpid()) }
        // The forks are recorded, but the book's forkexit prints no line for them.
        #expect(Set(sink.unprinted.compactMap { if case let .forked(_, child) = $0.event { child } else { nil } }) == children)
        #expect(sink.unprinted.count == 3)

        // Each child is reaped before the next is forked: reaped events only,
        // then the summary.
        #expect(sink.events.count == 4)
        let summary = try #require(sink.summaries.first)
        #expect(sink.events.last == .summary(summary))
        guard case let .forkExit(made, reapedCount, exitCodes, parentExitStat, _) = summary else {
            Issue.record("not a forkexit summary: \(summary)")
            return
        }
        #expect(made == 3)
        #expect(reapedCount == 3)
        #expect(exitCodes == [1: 3])
        #expect(parentExitStat == 0)

        let (lines, complete) = pipe.drainLines()
        #expect(complete)
        #expect(lines.count == 3)
        #expect(Set(lines) == Set(children.map { "Hello from child \($0) 1" }))
        expectNoneLeft(children)
    }

    @Test("forkexit run twice still prints 1: the parent's copy never changes")
    func forkExitRepeated() {
        prepareLab()
        let pipe = TestPipe()
        let sink = Recorder(fd: pipe.writeFD)
        let lab = Lab(sink: sink, childInput: .null, programDirectory: nil)
        for _ in 0..<2 {
            do {
                try lab.run(.forkExit(count: 2))
            } catch {
                Issue.record("forkexit failed: \(error)")
            }
        }
        let lines = pipe.drainLines().lines
        #expect(lines.count == 4)
        for line in lines { #expect(line.hasSuffix(" 1")) }
        for summary in sink.summaries {
            if case let .forkExit(_, _, codes, parent, _) = summary {
                #expect(codes == [1: 2])
                #expect(parent == 0)
            }
        }
        #expect(sink.summaries.count == 2)
        expectNoneLeft(sink.allPIDs)
    }

    // MARK: spawn

    @Test("A program that really exits 127 is a result, not an error")
    func spawnExit127() throws {
        prepareLab()
        let sink = Recorder()
        let plan = SpawnPlan(program: "/bin/sh", count: 1, numbered: false, arguments: ["-c", "exit 127"])
        #expect(runLab(.spawn(plan), sink: sink) == nil)
        #expect(sink.spawned.count == 1)
        let reaped = try #require(sink.reaped.first)
        #expect(reaped.child == sink.spawned.first)
        #expect(reaped.status.exitCode == 127)
        #expect(reaped.status.rawValue == 32512)
        guard case let .spawn(children, reapedCount, outcomes, _)? = sink.summaries.first else {
            Issue.record("no spawn summary")
            return
        }
        #expect(children == 1 && reapedCount == 1)
        #expect(outcomes.exitedNonZero == 1)
        #expect(outcomes.couldNotRun == 0)
        #expect(sink.events.map { if case .summary = $0 { "summary" } else if case .spawned = $0 { "spawned" } else { "reaped" } }
            == ["spawned", "reaped", "summary"])
        expectNoneLeft(sink.allPIDs)
    }

    @Test func spawnExitZeroPATHLookup() throws {
        prepareLab()
        let sink = Recorder()
        let plan = SpawnPlan(program: "sh", count: 2, numbered: false, arguments: ["-c", "exit 0"])
        #expect(runLab(.spawn(plan), sink: sink) == nil)
        #expect(sink.spawned.count == 2)
        #expect(Set(sink.reaped.map(\.child)) == Set(sink.spawned))
        for (_, status) in sink.reaped { #expect(status == .exited(0)) }
        if case let .spawn(_, _, outcomes, _)? = sink.summaries.first {
            #expect(outcomes.exitedZero == 2)
        } else {
            Issue.record("no spawn summary")
        }
        expectNoneLeft(sink.allPIDs)
    }

    @Test func spawnHandsBytesThatAreNotUTF8ToTheProgramUnchanged() throws {
        prepareLab()
        let folder = TempDir()
        let output = folder.file("out", contents: "", mode: 0o600)
        let sink = Recorder()
        // \xff, and a genuine U+10FCFF, which is four bytes and not \xff.
        let word = String(rawBytes: [0x78, 0xff, 0xf4, 0x8f, 0xb3, 0xbf])
        let plan = SpawnPlan(program: "sh", count: 1, numbered: false, arguments: ["-c", "printf %s \"$1\" > \"$2\"", "sh", word, output])
        #expect(runLab(.spawn(plan), sink: sink) == nil)
        let fd = open(output, O_RDONLY | O_CLOEXEC)
        try #require(fd >= 0)
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 64)
        let count = read(fd, &bytes, bytes.count)
        #expect(Array(bytes.prefix(max(count, 0))) == [0x78, 0xff, 0xf4, 0x8f, 0xb3, 0xbf])
        expectNoneLeft(sink.allPIDs)
    }

    @Test func spawnMissingProgram() throws {
        prepareLab()
        let sink = Recorder()
        let plan = SpawnPlan(program: "nosuch-program-xyz", count: 3, numbered: true, arguments: [])
        let error = runLab(.spawn(plan), sink: sink)
        #expect(error == .cannotRun(program: "nosuch-program-xyz", Errno(rawValue: ENOENT)))
        #expect(error?.description == "cannot run 'nosuch-program-xyz': No such file or directory")
        // The first child fails; the others would fail the same way.
        #expect(sink.spawned.count == 1)
        let reaped = try #require(sink.reaped.first)
        #expect(reaped.child == sink.spawned.first)
        #expect(reaped.status.rawValue == 32512)
        #expect(reaped.status.exitCode == 127)
        if case let .spawn(children, reapedCount, outcomes, _)? = sink.summaries.first {
            #expect(children == 1 && reapedCount == 1)
            #expect(outcomes.couldNotRun == 1)
            #expect(outcomes.exitedNonZero == 0)
        } else {
            Issue.record("no spawn summary")
        }
        expectNoneLeft(sink.allPIDs)
    }

    @Test func spawnMissingProgramByPath() throws {
        prepareLab()
        let dir = TempDir()
        let sink = Recorder()
        let program = dir.path + "/missing"
        let plan = SpawnPlan(program: program, count: 1, numbered: false, arguments: [])
        #expect(runLab(.spawn(plan), sink: sink, programDirectory: dir.path)
            == .cannotRun(program: program, Errno(rawValue: ENOENT)))
        #expect(sink.reaped.first?.status.rawValue == 32512)
        expectNoneLeft(sink.allPIDs)
    }

    @Test func spawnNotExecutable() throws {
        prepareLab()
        let dir = TempDir()
        let path = dir.file("not-executable", contents: "#!/bin/sh\nexit 0\n", mode: 0o644)
        let sink = Recorder()
        let plan = SpawnPlan(program: path, count: 1, numbered: false, arguments: [])
        let error = runLab(.spawn(plan), sink: sink)
        #expect(error == .cannotRun(program: path, Errno(rawValue: EACCES)))
        let reaped = try #require(sink.reaped.first)
        #expect(reaped.status.rawValue == 32256)
        #expect(reaped.status.exitCode == 126)
        if case let .spawn(_, _, outcomes, _)? = sink.summaries.first {
            #expect(outcomes.couldNotRun == 1)
        } else {
            Issue.record("no spawn summary")
        }
        expectNoneLeft(sink.allPIDs)
    }

    @Test("A program not in PATH is found in programDirectory")
    func spawnProgramDirectoryFallback() throws {
        prepareLab()
        let dir = TempDir()
        dir.link("forklab-test-shell-xyz", to: "/bin/sh")
        let plan = SpawnPlan(program: "forklab-test-shell-xyz", count: 1, numbered: false, arguments: ["-c", "exit 7"])

        let sink = Recorder()
        #expect(runLab(.spawn(plan), sink: sink, programDirectory: dir.path) == nil)
        #expect(sink.reaped.first?.status == .exited(7))
        expectNoneLeft(sink.allPIDs)

        // Without the folder it cannot be found.
        let without = Recorder()
        #expect(runLab(.spawn(plan), sink: without, programDirectory: nil)
            == .cannotRun(program: "forklab-test-shell-xyz", Errno(rawValue: ENOENT)))
        #expect(without.reaped.first?.status.rawValue == 32512)
        expectNoneLeft(without.allPIDs)

        // A folder without it: still not found.
        let elsewhere = TempDir()
        let missing = Recorder()
        #expect(runLab(.spawn(plan), sink: missing, programDirectory: elsewhere.path)
            == .cannotRun(program: "forklab-test-shell-xyz", Errno(rawValue: ENOENT)))
        expectNoneLeft(missing.allPIDs)
    }

    @Test("A program with a slash is never looked up in programDirectory")
    func spawnSlashSkipsFallback() {
        prepareLab()
        let dir = TempDir()
        dir.link("forklab-test-shell-xyz", to: "/bin/sh")
        let plan = SpawnPlan(program: "./forklab-test-shell-xyz", count: 1, numbered: false, arguments: ["-c", "exit 7"])
        let sink = Recorder()
        // The test's working directory is not `dir`, so this is not found.
        #expect(runLab(.spawn(plan), sink: sink, programDirectory: dir.path)
            == .cannotRun(program: "./forklab-test-shell-xyz", Errno(rawValue: ENOENT)))
        expectNoneLeft(sink.allPIDs)
    }

    @Test("A non-executable file in programDirectory: cannot run, EACCES, 126")
    func spawnProgramDirectoryNotExecutable() throws {
        prepareLab()
        let dir = TempDir()
        dir.file("forklab-test-notexec-xyz", contents: "#!/bin/sh\nexit 0\n", mode: 0o644)
        let plan = SpawnPlan(program: "forklab-test-notexec-xyz", count: 1, numbered: false, arguments: [])
        let sink = Recorder()
        #expect(runLab(.spawn(plan), sink: sink, programDirectory: dir.path)
            == .cannotRun(program: "forklab-test-notexec-xyz", Errno(rawValue: EACCES)))
        #expect(sink.reaped.first?.status.rawValue == 32256)
        expectNoneLeft(sink.allPIDs)
    }

    @Test func spawnKilledBySignal() throws {
        prepareLab()
        let sink = Recorder()
        let plan = SpawnPlan(program: "/bin/sh", count: 1, numbered: false, arguments: ["-c", "kill -9 $$"])
        #expect(runLab(.spawn(plan), sink: sink) == nil)
        let reaped = try #require(sink.reaped.first)
        #expect(reaped.status.terminatingSignal == 9)
        #expect(reaped.status.rawValue == 9)
        #expect(reaped.status.shiftedCode == 0)
        #expect(BookText.line(for: .reaped(child: reaped.child, status: reaped.status))
            == "Parent got \(reaped.child) 9 0 (killed by SIGKILL)")
        if case let .spawn(_, _, outcomes, _)? = sink.summaries.first {
            #expect(outcomes.killed == 1)
        } else {
            Issue.record("no spawn summary")
        }
        expectNoneLeft(sink.allPIDs)
    }

    @Test("Numbered spawn: child i runs `PROGRAM i`; with arguments every child gets them")
    func spawnNumbered() throws {
        prepareLab()
        let dir = TempDir()
        // Exits with 10 × its argument count + its first argument.
        dir.file("forklab-test-args-xyz", contents: "#!/bin/sh\nexit $(( $# * 10 + ${1:-0} ))\n", mode: 0o755)

        let sink = Recorder()
        let numbered = SpawnPlan(program: "forklab-test-args-xyz", count: 3, numbered: true, arguments: [])
        #expect(runLab(.spawn(numbered), sink: sink, programDirectory: dir.path) == nil)
        let spawned = sink.spawned
        #expect(spawned.count == 3)
        let statuses = Dictionary(sink.reaped.map { ($0.child, $0.status) }, uniquingKeysWith: { a, _ in a })
        #expect(statuses.count == 3)
        for (index, pid) in spawned.enumerated() {
            #expect(statuses[pid]?.exitCode == Int32(11 + index), "child \(index + 1)")
        }
        expectNoneLeft(sink.allPIDs)

        let plain = Recorder()
        let noArguments = SpawnPlan(program: "forklab-test-args-xyz", count: 1, numbered: false, arguments: [])
        #expect(runLab(.spawn(noArguments), sink: plain, programDirectory: dir.path) == nil)
        #expect(plain.reaped.first?.status == .exited(0))
        expectNoneLeft(plain.allPIDs)

        let given = Recorder()
        let withArguments = SpawnPlan(program: "forklab-test-args-xyz", count: 2, numbered: false, arguments: ["7", "8"])
        #expect(runLab(.spawn(withArguments), sink: given, programDirectory: dir.path) == nil)
        #expect(given.reaped.map(\.status) == [.exited(27), .exited(27)])
        expectNoneLeft(given.allPIDs)
    }

    @Test("Children start with default dispositions and an empty signal mask")
    func spawnResetsSignals() throws {
        prepareLab()
        // The test process ignores SIGPIPE now (Interruption.install), and the
        // test runner's worker threads block SIGINT and others.
        let dir = TempDir()
        let out = dir.path + "/status"
        let sink = Recorder()
        // exec: grep reads the status of the very process Lab exec'd.
        let plan = SpawnPlan(program: "/bin/sh", count: 1, numbered: false,
                             arguments: ["-c", #"exec grep -E '^Sig(Ign|Blk):' /proc/self/status > "$1""#, "sh", out])
        #expect(runLab(.spawn(plan), sink: sink) == nil)
        #expect(sink.reaped.first?.status == .exited(0))
        let text = try #require(readSmallFile(out))
        unlink(out)
        var masks: [String: UInt64] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(whereSeparator: { $0 == ":" || $0 == "\t" || $0 == " " })
            if parts.count == 2 { masks[String(parts[0])] = UInt64(parts[1], radix: 16) }
        }
        #expect(masks["SigBlk"] == 0, "signal mask not empty: \(text)")
        // Signals 1…31 must be at their defaults. (32 and 33 are glibc's own,
        // which sigaction refuses to touch; the test runner ignores 32.)
        let ignored = try #require(masks["SigIgn"])
        #expect(ignored & 0x7fff_ffff == 0, "ignored signals inherited: \(text)")
        #expect(ignored & (1 << (UInt64(SIGPIPE) - 1)) == 0)
        expectNoneLeft(sink.allPIDs)
    }

    @Test("With ChildInput.null the children's stdin is /dev/null")
    func spawnNullStdin() throws {
        prepareLab()
        let sink = Recorder()
        let plan = SpawnPlan(
            program: "/bin/sh", count: 1, numbered: false,
            arguments: ["-c", #"test "$(readlink /proc/$$/fd/0)" = /dev/null && ! read line"#])
        #expect(runLab(.spawn(plan), sink: sink, childInput: .null) == nil)
        #expect(sink.reaped.first?.status == .exited(0))
        expectNoneLeft(sink.allPIDs)
    }

    @Test("The Lab's own descriptors do not leak into a spawned program")
    func spawnDescriptors() throws {
        prepareLab()
        let dir = TempDir()
        let listing = dir.path + "/fds"
        let sink = DescriptorSnapshotSink()
        let lab = Lab(sink: sink, childInput: .null, programDirectory: nil)
        // exec, so that ls lists the descriptors of the very process Lab
        // exec'd (plus ls's own directory descriptor), and no shell keeps a
        // saved copy of stdout.
        let plan = SpawnPlan(program: "/bin/sh", count: 1, numbered: false,
                             arguments: ["-c", #"exec ls -l /proc/self/fd > "$1""#, "sh", listing])
        try lab.run(.spawn(plan))
        #expect(sink.exitedZero)
        let text = try #require(readSmallFile(listing))
        unlink(listing)
        var child: [Int32: String] = [:]
        for line in text.split(separator: "\n") {
            guard let arrow = line.firstRange(of: " -> ") else { continue }
            guard let fd = line[..<arrow.lowerBound].split(separator: " ").last.flatMap({ Int32($0) }) else { continue }
            child[fd] = String(line[arrow.upperBound...])
        }
        #expect(child[0] == "/dev/null")
        #expect(child[1] == listing)
        let parent = try #require(sink.snapshot)
        // While the child was being started the Lab held its exec-status
        // pipe and its /dev/null descriptor, both close-on-exec. Anything the
        // child has above 2 must be a descriptor the parent held without
        // close-on-exec (the test runner's own), or ls's directory.
        for (fd, target) in child where fd > 2 && !target.hasPrefix("/proc/") {
            let held = parent[fd]
            #expect(held?.target == target && held?.closeOnExec == false,
                    "descriptor \(fd) -> \(target) leaked into the child (parent: \(String(describing: held)))")
        }
        expectNoneLeft(sink.pids)
    }

    // MARK: stopping early

    @Test("A closed output stops the experiment; everything started is reaped")
    func outputClosedStops() throws {
        prepareLab()
        let pipe = TestPipe()
        let sink = Recorder(fd: pipe.writeFD)
        sink.failAfter = 0
        let error = runLab(.fork(count: 5), sink: sink)
        #expect(error == .output(.closed))
        #expect(sink.records.isEmpty)
        // The first emit (the first .forked) failed: no second fork.
        let lines = pipe.drainLines().lines
        #expect(lines.count == 1)
        let pid = try #require(lines.first.flatMap { Int32($0.dropFirst("Hello from child ".count)) })
        expectNoneLeft([pid])
    }

    @Test("A write error in the middle of spawn stops it, children reaped")
    func outputFailedDuringSpawn() throws {
        prepareLab()
        let sink = Recorder()
        sink.failAfter = 1  // the first .spawned goes through, then output fails
        sink.error = .failed(Errno(rawValue: EIO))
        let plan = SpawnPlan(program: "/bin/sh", count: 4, numbered: false, arguments: ["-c", "exit 0"])
        #expect(runLab(.spawn(plan), sink: sink) == .output(.failed(Errno(rawValue: EIO))))
        #expect(sink.records.count == 1)
        let first = try #require(sink.spawned.first)
        #expect(sink.refused == 1)  // once output failed, nothing more is emitted
        expectNoneLeft([first])
    }

    @Test("BookText on a closed pipe: the Lab stops with .output(.closed), children reaped")
    func bookTextClosedPipe() {
        prepareLab()  // SIGPIPE ignored: a closed pipe is an EPIPE
        let pipe = TestPipe()
        pipe.closeReadEnd()
        let console = Console(fd: pipe.writeFD)
        let lab = Lab(sink: BookText(console: console), childInput: .null, programDirectory: nil)
        #expect(throws: LabError.output(.closed)) { try lab.run(.fork(count: 3)) }
        #expect(console.failure == .closed)
        #expect(throws: OutputError.closed) { try console.write("again\n") }
    }

    @Test func bookTextWritesWholeLines() throws {
        prepareLab()
        let pipe = TestPipe()
        let book = BookText(console: Console(fd: pipe.writeFD))
        let lab = Lab(sink: book, childInput: .null, programDirectory: nil)
        try lab.run(.forkExit(count: 2))
        let lines = pipe.drainLines()
        #expect(lines.complete)
        #expect(lines.lines.count == 5)
        let children = lines.lines.filter { $0.hasPrefix("Hello from child ") }
        let parents = lines.lines.filter { $0.hasPrefix("Parent got ") }
        #expect(children.count == 2)
        #expect(parents.count == 2)
        for line in children { #expect(line.hasSuffix(" 1")) }
        for line in parents { #expect(line.hasSuffix(" 256 1")) }
        #expect(lines.lines.last?.hasPrefix("# forkexit: 2 children reaped, each exited 1; the parent's exitstat is still 0") == true)
        let pids = parents.compactMap { Int32($0.split(separator: " ")[2]) }
        #expect(Set(children) == Set(pids.map { "Hello from child \($0) 1" }))
        expectNoneLeft(pids)
    }

    @Test("An interrupt before the run starts nothing")
    func interruptedBeforeStart() throws {
        prepareLab()
        defer { Interruption.clear() }
        // Process-directed, as kill(1) sends it: the test runner's worker
        // threads block SIGINT, so a thread-directed raise() would stay pending.
        kill(getpid(), SIGINT)
        let deadline = System.now() + 2_000_000_000
        while !Interruption.requested && System.now() < deadline { usleep(1000) }
        try #require(Interruption.requested)
        let sink = Recorder()
        #expect(runLab(.fork(count: 3), sink: sink) == .interrupted)
        #expect(sink.forked.isEmpty)
        if case let .fork(children, reaped, _)? = sink.summaries.first {
            #expect(children == 0 && reaped == 0)
        } else {
            Issue.record("no fork summary")
        }
        Interruption.clear()
        #expect(!Interruption.requested)
    }

    @Test("Ctrl-C sent by kill(1) during spawn is passed on to the children")
    func interruptForwarded() throws {
        prepareLab()
        defer { Interruption.clear() }
        let sink = Recorder()
        let plan = SpawnPlan(program: "/bin/sh", count: 1, numbered: false,
                             arguments: ["-c", "kill -INT $PPID; exec sleep 20"])
        #expect(runLab(.spawn(plan), sink: sink) == .interrupted)
        // SIGINT, not the SIGKILL that ends the grace period: it was passed on.
        let reaped = try #require(sink.reaped.first)
        #expect(reaped.status.terminatingSignal == SIGINT)
        expectNoneLeft(sink.allPIDs)
    }

    @Test("A child that ignores SIGINT gets SIGKILL after the grace period")
    func interruptEscalatesAfterGrace() throws {
        prepareLab()
        defer { Interruption.clear() }
        let sink = Recorder()
        let plan = SpawnPlan(program: "/bin/sh", count: 1, numbered: false,
                             arguments: ["-c", "trap '' INT; kill -INT $PPID; exec sleep 20"])
        #expect(runLab(.spawn(plan), sink: sink) == .interrupted)
        let reaped = try #require(sink.reaped.first)
        #expect(reaped.status.terminatingSignal == SIGKILL)
        expectNoneLeft(sink.allPIDs)
    }

    @Test("A second Ctrl-C kills the children at once")
    func secondInterruptKills() throws {
        prepareLab()
        defer { Interruption.clear() }
        let sink = Recorder()
        let plan = SpawnPlan(program: "/bin/sh", count: 1, numbered: false,
                             arguments: ["-c", "trap '' INT; kill -INT $PPID; sleep 0.2; kill -INT $PPID; exec sleep 20"])
        // A grace longer than the child's sleep: only the second Ctrl-C can
        // bring the SIGKILL; without it sleep would end by itself, status 0.
        #expect(runLab(.spawn(plan), sink: sink, killGrace: 3_600_000_000_000) == .interrupted)
        let reaped = try #require(sink.reaped.first)
        #expect(reaped.status.terminatingSignal == SIGKILL)
        expectNoneLeft(sink.allPIDs)
    }
}

/// Records, when the Lab reports a spawned child (the fork has happened, the
/// exec-status pipe is still open), every descriptor the test process holds.
final class DescriptorSnapshotSink: TraceSink {
    var snapshot: [Int32: (target: String, closeOnExec: Bool)]?
    var pids: [Int32] = []
    var exitedZero = false

    func emit(_ record: TraceRecord) throws(OutputError) {
        switch record.event {
        case let .spawned(child):
            pids.append(child)
            var table: [Int32: (target: String, closeOnExec: Bool)] = [:]
            for fd in Int32(0)..<1024 {
                let flags = fcntl(fd, F_GETFD)
                guard flags >= 0 else { continue }
                var buffer = [CChar](repeating: 0, count: 512)
                let n = readlink("/proc/self/fd/\(fd)", &buffer, buffer.count - 1)
                let target = n > 0 ? String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : "?"
                table[fd] = (target, flags & FD_CLOEXEC != 0)
            }
            snapshot = table
        case let .reaped(_, status):
            exitedZero = status == .exited(0)
        default:
            break
        }
    }

    func emit(bench result: BenchResult, time: UInt64, pid: Int32) throws(OutputError) {}
    func childLine(for event: ChildEvent) -> LineTemplate { LineTemplate(bytes: [], fd: -1) }
    func threadLine(for event: ThreadEvent) -> LineTemplate { LineTemplate(bytes: [], fd: -1) }
}
