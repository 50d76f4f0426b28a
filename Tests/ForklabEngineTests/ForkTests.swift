// fork run by the Lab: the children it makes, the lines they write, the
// events and summary it records, and no child left behind.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Testing
@testable import ForklabEngine

extension RealProcesses {
    @Suite struct Fork {
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
            guard case let .fork(made, reaped, _, _, _) = summary else {
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
            if case let .fork(children, reaped, _, _, _)? = sink.summaries.first {
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
            if case let .fork(made, reaped, _, _, _)? = sink.summaries.first {
                #expect(made == 50 && reaped == 50)
            } else {
                Issue.record("no fork summary")
            }
            expectNoneLeft(children)
        }
    }
}
