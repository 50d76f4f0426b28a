// How spawn finds its program (PATH, then programDirectory, never for a
// name with a slash) and what a program it cannot run gives: ENOENT 127, EACCES 126.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Testing
@testable import ForklabEngine

extension RealProcesses {
    @Suite struct SpawnLookup {
        @Test func spawnExitZeroPATHLookup() throws {
            prepareLab()
            let sink = Recorder()
            let plan = SpawnPlan(program: "sh", count: 2, numbered: false, arguments: ["-c", "exit 0"])
            #expect(runLab(.spawn(plan), sink: sink) == nil)
            #expect(sink.spawned.count == 2)
            #expect(Set(sink.reaped.map(\.child)) == Set(sink.spawned))
            for (_, status) in sink.reaped { #expect(status == .exited(0)) }
            if case let .spawn(_, _, outcomes, _, _)? = sink.summaries.first {
                #expect(outcomes.exitedZero == 2)
            } else {
                Issue.record("no spawn summary")
            }
            expectNoneLeft(sink.allPIDs)
        }

        @Test("each child execs with its number from first on in place of {}; the Lab counts the children it started")
        func spawnNumbersFromFirst() throws {
            prepareLab()
            let sink = Recorder()
            let lab = Lab(sink: sink, childInput: .null, programDirectory: nil)
            // Each child exits with the number it was given.
            let plan = SpawnPlan(program: "/bin/sh", count: 3, numbered: false,
                                 arguments: ["-c", #"exit "$1""#, "sh", "{}"], first: 4)
            try lab.run(.spawn(plan))
            #expect(sink.reaped.map(\.child).sorted() == sink.spawned.sorted())
            #expect(sink.reaped.compactMap(\.status.exitCode).sorted() == [4, 5, 6])
            #expect(lab.childrenSpawned == 3)
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
            if case let .spawn(children, reapedCount, outcomes, _, _)? = sink.summaries.first {
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
            if case let .spawn(_, _, outcomes, _, _)? = sink.summaries.first {
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
    }
}
