// The child's line template, in fork's and forkexit's children: every
// placeholder filled in, and an empty template writes nothing.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Testing
@testable import ForklabEngine

extension RealProcesses {
    @Suite struct ChildLineTemplates {
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
                if case let .fork(_, _, elapsed, _, _) = summary { return elapsed } else { return nil }
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
    }
}
