// The Lab's output: a closed or failing output stops an experiment with
// everything started reaped, and BookText writes whole lines.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Testing
@testable import ForklabEngine

extension RealProcesses {
    @Suite struct Output {
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
    }
}
