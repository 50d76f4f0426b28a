// fork N buffered and forkexit N buffered run by the Lab: each child prints
// into a stdio-like buffer and _exits, so a pipe gets none of its line and a
// terminal gets all of it; the children record what was lost.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CTestSupport
import Testing
@testable import ForklabEngine

extension RealProcesses {
    @Suite struct ForkBuffered {
        /// The lines of the last record the children printed, and whether each was lost.
        func printed(_ lab: Lab) throws -> [(pid: Int32, lost: Bool)] {
            let record = try #require(try lab.lastRecord())
            return record.events.compactMap {
                if case let .childPrinted(_, lost) = $0.what { ($0.pid, lost) } else { nil }
            }
        }

        @Test func throughAPipeNoChildLineComesAndTheSummaryCountsEachLost() throws {
            prepareLab()
            let pipe = TestPipe()
            let sink = Recorder(fd: pipe.writeFD)
            let lab = Lab(sink: sink, childInput: .null, programDirectory: nil)
            try lab.run(.fork(count: 3, buffered: true))
            #expect(pipe.drain() == [])
            let summary = try #require(sink.summaries.first)
            guard case let .fork(made, reaped, _, buffered, _) = summary else {
                Issue.record("not a fork summary: \(summary)")
                return
            }
            #expect(made == 3 && reaped == 3)
            #expect(buffered == BufferedLines(buffering: StdioBuffering(lineBuffered: false, size: 4096), lost: 3))
            let lines = try printed(lab)
            #expect(lines.count == 3)
            #expect(lines.allSatisfy { $0.lost })
            #expect(Set(lines.map(\.pid)) == Set(sink.forked.map(\.child)))
            expectNoneLeft(sink.forked.map(\.child))
        }

        @Test func atATerminalEveryChildLineComesAndNoneIsLost() throws {
            prepareLab()
            var master: Int32 = -1, slave: Int32 = -1
            try #require(ts_open_pty(&master, &slave) == 0)
            defer {
                close(master)
                close(slave)
            }
            let sink = Recorder(fd: slave)
            let lab = Lab(sink: sink, childInput: .null, programDirectory: nil)
            try lab.run(.forkExit(count: 3, buffered: true))
            let summary = try #require(sink.summaries.first)
            guard case let .forkExit(made, _, codes, _, _, buffered, _) = summary else {
                Issue.record("not a forkexit summary: \(summary)")
                return
            }
            #expect(made == 3)
            #expect(codes == [1: 3])
            #expect(buffered?.buffering.lineBuffered == true)
            #expect(buffered?.lost == 0)
            // Whatever the children wrote is in the terminal by now; a
            // non-blocking read takes it and cannot hang when there is none.
            _ = fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK)
            var bytes = [UInt8](repeating: 0, count: 4096)
            let n = bytes.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
            // The terminal turns each \n into \r\n.
            let text = String(decoding: bytes[0..<max(n, 0)], as: UTF8.self).replacing("\r\n", with: "\n")
            #expect(Set(text.split(separator: "\n").map(String.init))
                == Set(sink.reaped.map { "Hello from child \($0.child) 1" }))
            let lost = try printed(lab).map(\.lost)
            #expect(lost == [false, false, false])
        }

        @Test func aLineLongerThanTheBufferIsWrittenOneFullBufferAtATimeAndTheRestIsLost() throws {
            prepareLab()
            let pipe = TestPipe()
            // 5000 bytes and a newline: one full 4096-byte buffer goes out, 905 bytes stay in it.
            let long = [UInt8](repeating: UInt8(ascii: "a"), count: 5000) + [0x0a]
            let sink = Recorder(fd: pipe.writeFD, hello: long)
            let lab = Lab(sink: sink, childInput: .null, programDirectory: nil)
            try lab.run(.fork(count: 1, buffered: true))
            #expect(pipe.drain() == [UInt8](repeating: UInt8(ascii: "a"), count: 4096))
            if case let .fork(_, _, _, buffered, _)? = sink.summaries.first {
                #expect(buffered?.lost == 1)
            } else {
                Issue.record("no fork summary")
            }
        }

        @Test func withoutBufferedEveryLineComesThroughAPipeAndTheSummarySaysNothingOfBuffers() throws {
            prepareLab()
            let pipe = TestPipe()
            let sink = Recorder(fd: pipe.writeFD)
            let lab = Lab(sink: sink, childInput: .null, programDirectory: nil)
            try lab.run(.fork(count: 2))
            #expect(pipe.drainLines().lines.count == 2)
            if case let .fork(_, _, _, buffered, _)? = sink.summaries.first {
                #expect(buffered == nil)
            } else {
                Issue.record("no fork summary")
            }
            let lost = try printed(lab).map(\.lost)
            #expect(lost == [false, false])
        }
    }
}

/// What the summary says of lost lines, and the JSON and timeline of a
/// buffered run.
@Suite struct ForkBufferedViews {
    static let block = StdioBuffering(lineBuffered: false, size: 4096)
    static let line = StdioBuffering(lineBuffered: true, size: 1024)

    @Test func theSummaryCountsTheLostLinesAndSaysWhy() {
        #expect(Summary.fork(children: 3, reaped: 3, elapsed: 3 * 150_000,
                             buffered: BufferedLines(buffering: Self.block, lost: 3)).text
            == "fork: 3 children forked, 3 reaped, 0 left; 3 child lines lost in buffers that _exit threw away "
            + "(stdout is not a terminal, so block-buffered, 4096 bytes); 150 µs per fork+wait")
        #expect(Summary.fork(children: 1, reaped: 1, elapsed: 150_000,
                             buffered: BufferedLines(buffering: Self.block, lost: 1)).text
            == "fork: 1 child forked, 1 reaped, 0 left; 1 child line lost in a buffer that _exit threw away "
            + "(stdout is not a terminal, so block-buffered, 4096 bytes); 150 µs per fork+wait")
        #expect(Summary.forkExit(children: 2, reaped: 2, exitCodes: [1: 2], parentExitStat: 0, elapsed: 2 * 50_000,
                                 buffered: BufferedLines(buffering: Self.block, lost: 2)).text
            == "forkexit: 2 children reaped, each exited 1; the parent's exitstat is still 0: each child changed only "
            + "its own copy; 2 child lines lost in buffers that _exit threw away (stdout is not a terminal, so "
            + "block-buffered, 4096 bytes); 50.0 µs per fork+wait")
    }

    @Test func atATerminalTheSummarySaysNoLineWasLostAndWhy() {
        #expect(Summary.fork(children: 2, reaped: 2, elapsed: 2 * 150_000,
                             buffered: BufferedLines(buffering: Self.line, lost: 0)).text
            == "fork: 2 children forked, 2 reaped, 0 left; no child line lost: stdout is a terminal, so each "
            + "child's buffer was flushed at its newline, before _exit; 150 µs per fork+wait")
    }

    @Test func theJSONSummaryOfABufferedRunHasBufferingBufferAndLost() throws {
        let pipe = TestPipe()
        let sink = JSONLines(console: Console(fd: pipe.writeFD))
        try sink.emit(TraceRecord(time: 5, pid: 7, event: .summary(.fork(
            children: 1, reaped: 1, elapsed: 5, buffered: BufferedLines(buffering: Self.block, lost: 2))), printed: true))
        let text = String(decoding: pipe.drain(), as: UTF8.self)
        #expect(text.hasPrefix("{\"v\":1,\"event\":\"summary\",\"pid\":7,\"tid\":7,\"t\":5,\"experiment\":\"fork\","
            + "\"buffering\":\"block\",\"buffer\":4096,\"lost\":2,\"text\":\"# fork: 1 child forked"))
    }

    @Test func theJSONSummaryOfAPlainRunHasNoBufferFields() throws {
        let pipe = TestPipe()
        let sink = JSONLines(console: Console(fd: pipe.writeFD))
        try sink.emit(TraceRecord(time: 5, pid: 7, event: .summary(.fork(children: 1, reaped: 1, elapsed: 5)), printed: true))
        let text = String(decoding: pipe.drain(), as: UTF8.self)
        #expect(text.hasPrefix("{\"v\":1,\"event\":\"summary\",\"pid\":7,\"tid\":7,\"t\":5,\"experiment\":\"fork\",\"text\":"))
    }

    @Test func theTimelineDrawsALostLineAsXAndSaysSoInTheLegend() {
        func at(_ time: UInt64, _ pid: Int32, _ what: Happening) -> Occurrence {
            TimelinePictures.at(time, pid, what)
        }
        let record = TimelinePictures.record(.fork(count: 1, buffered: true), parent: 10, duration: 400, [
            at(40, 10, .trace(.forked(parent: 10, child: 11))),
            at(150, 11, .childPrinted(exitStat: nil, lost: true)),
            at(250, 11, .exit(code: 0)),
            at(400, 10, .trace(.summary(.fork(children: 1, reaped: 1, elapsed: 400_000,
                                              buffered: BufferedLines(buffering: Self.block, lost: 1))))),
        ])
        #expect(Timeline(record: record, width: 60, unicode: false).render() == """
            timeline of fork 1 buffered (400 us)

            parent 10 ----F-------------------------------------#
            child 11      F-----------x---------X                 exit 0
                      +---------+----------+----------+---------+
                      0         100 us     200 us     300 us    400 us

            --- alive   F fork: a child begins
            x printed into its buffer, lost: _exit threw the buffer away
            X _exit: the child ends   # the summary line

            """)
    }
}

@Suite struct ForkBufferedTrace {
    @Test func aSavedTraceNamesALostLineAndMarksItLost() {
        let record = ExperimentRecord(
            experiment: .fork(count: 1, buffered: true), parent: 10, duration: 5_000,
            events: [
                Occurrence(time: 1_000, pid: 10, tid: 10, what: .trace(.forked(parent: 10, child: 11))),
                Occurrence(time: 1_500, pid: 11, tid: 11, what: .childPrinted(exitStat: nil, lost: true)),
                Occurrence(time: 1_600, pid: 11, tid: 11, what: .exit(code: 0)),
            ],
            keptMarks: 0, droppedMarks: 0)
        let json = ChromeTrace.json(for: record)
        #expect(json.contains("\"name\":\"print (lost in buffer)\""))
        #expect(json.contains("\"args\":{\"text\":\"Hello from child 11\",\"lost\":true}"))
        #expect(!json.contains("\"name\":\"print\""))
    }
}
