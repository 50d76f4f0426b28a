// What a spawned program inherits from forklab: default signal
// dispositions, an empty mask, /dev/null for stdin, none of the Lab's descriptors.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Testing
@testable import ForklabEngine

extension RealProcesses {
    @Suite struct SpawnInheritance {
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
