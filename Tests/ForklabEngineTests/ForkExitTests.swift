// forkexit run by the Lab: each child reaped before the next, each exits 1,
// and the parent's exitstat stays 0 however often it runs.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Testing
@testable import ForklabEngine

extension RealProcesses {
    @Suite struct ForkExit {
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
            guard case let .forkExit(made, reapedCount, exitCodes, parentExitStat, _, _, _) = summary else {
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
                if case let .forkExit(_, _, codes, parent, _, _, _) = summary {
                    #expect(codes == [1: 2])
                    #expect(parent == 0)
                }
            }
            #expect(sink.summaries.count == 2)
            expectNoneLeft(sink.allPIDs)
        }
    }
}
