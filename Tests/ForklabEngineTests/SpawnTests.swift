// spawn run by the Lab: what the program gets (its arguments, bytes that
// are not UTF-8, its number) and how its end is reported (exit 127, a signal).
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Testing
@testable import ForklabEngine
import ForklabWords

extension RealProcesses {
    @Suite struct Spawn {
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
            guard case let .spawn(children, reapedCount, outcomes, _, _)? = sink.summaries.first else {
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
            if case let .spawn(_, _, outcomes, _, _)? = sink.summaries.first {
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
    }
}
