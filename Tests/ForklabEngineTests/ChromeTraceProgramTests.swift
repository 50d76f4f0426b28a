// The Chrome trace of a program of its own (`exit after T`): the program is
// a process with its main thread and its threads as tracks, named; a thread
// its exit cut off has a slice that ends there and says so; forklab's own
// process is as for any experiment.
import Foundation
import Testing
@testable import ForklabEngine

private let forklab: Int32 = 1000
private let program: Int32 = 1001

private func at(_ time: UInt64, _ pid: Int32, _ tid: Int32, _ what: Happening) -> Occurrence {
    Occurrence(time: time, pid: pid, tid: tid, what: what)
}

/// `threads 2 count 2 exit after T`: thread 0 ends, thread 1 is cut off at
/// the main thread's line (300 µs); forklab reaps the program at 340 µs.
private let programRecord = ExperimentRecord(
    experiment: .threads(ThreadsPlan(threads: 2, count: 2, locked: true, joined: true, exitAfter: 250_000)),
    parent: forklab, duration: 400_000,
    events: [
        at(20_000, forklab, forklab, .unprinted(.spawned(child: program))),
        at(60_000, program, program, .exec),
        at(100_000, program, 1002, .threadStarted(.counting, number: 0)),
        at(104_000, program, 1003, .threadStarted(.counting, number: 1)),
        at(160_000, program, 1002, .threadPrinted(thread: 0, index: 0)),
        at(165_000, program, 1003, .threadPrinted(thread: 1, index: 0)),
        at(220_000, program, 1002, .threadPrinted(thread: 0, index: 1)),
        at(230_000, program, 1002, .threadEnded(.counting, number: 0)),
        at(300_000, program, program, .mainPrinted),
        at(340_000, forklab, forklab, .unprinted(.reaped(child: program, status: .exited(0)))),
    ],
    keptMarks: 3, droppedMarks: 0)

private struct Lane: Hashable {
    var pid: Int
    var tid: Int
}

private struct ProgramTrace {
    var events: [[String: Any]]

    init() throws {
        let object = try JSONSerialization.jsonObject(with: Data(ChromeTrace.json(for: programRecord).utf8))
        events = try #require((object as? [String: Any])?["traceEvents"] as? [[String: Any]])
    }

    static func lane(_ event: [String: Any]) -> Lane { Lane(pid: event["pid"] as! Int, tid: event["tid"] as! Int) }

    /// The `args.name` (or `args.sort_index`) of each lane's `kind` metadata.
    func metadata(_ kind: String, _ key: String = "name") -> [Lane: String] {
        var found: [Lane: String] = [:]
        for event in events where event["ph"] as? String == "M" && event["name"] as? String == kind {
            found[Self.lane(event)] = ((event["args"] as? [String: Any])?[key]).map { "\($0)" }
        }
        return found
    }

    func slice(_ name: String) -> [String: Any]? {
        events.first { $0["ph"] as? String == "X" && $0["name"] as? String == name }
    }
}

private func microseconds(_ value: Any?) -> Double? { (value as? NSNumber)?.doubleValue }

@Suite struct ChromeTraceProgram {
    @Test func theProgramIsAProcessNamedProgramPidWhoseMainTrackIsItsMainThread() throws {
        let trace = try ProgramTrace()
        let processes = trace.metadata("process_name")
        #expect(processes == [Lane(pid: 1000, tid: 1000): "forklab", Lane(pid: 1001, tid: 1001): "program 1001"])
        let threads = trace.metadata("thread_name")
        #expect(threads == [Lane(pid: 1000, tid: 1000): "main thread", Lane(pid: 1001, tid: 1001): "main thread",
                            Lane(pid: 1001, tid: 1002): "thread 0", Lane(pid: 1001, tid: 1003): "thread 1"])
        #expect(trace.metadata("thread_sort_index", "sort_index")
                == [Lane(pid: 1000, tid: 1000): "0", Lane(pid: 1001, tid: 1001): "0",
                    Lane(pid: 1001, tid: 1002): "1", Lane(pid: 1001, tid: 1003): "2"])
        let life = try #require(trace.slice("program 1001"))
        #expect(ProgramTrace.lane(life) == Lane(pid: 1001, tid: 1001))
        #expect(microseconds(life["ts"]) == 20 && microseconds(life["dur"]) == 320)
    }

    @Test func aThreadCutOffByItsProgramsExitEndsThereAndSaysSo() throws {
        let trace = try ProgramTrace()
        let cut = try #require(trace.slice("thread 1 (cut off)"))
        #expect(ProgramTrace.lane(cut) == Lane(pid: 1001, tid: 1003))
        #expect(microseconds(cut["ts"]) == 104 && microseconds(cut["dur"]) == 196)
        let args = try #require(cut["args"] as? [String: Any])
        #expect(args["cutOff"] as? Bool == true && args["tid"] as? Int == 1003)
        let ended = try #require(trace.slice("thread 0"))
        #expect(ProgramTrace.lane(ended) == Lane(pid: 1001, tid: 1002))
        #expect((ended["args"] as? [String: Any])?["cutOff"] == nil)
        #expect(microseconds(ended["ts"]) == 100 && microseconds(ended["dur"]) == 130)
    }

    @Test func theProgramsLinesAreInstantsOnItsOwnNamedTracksInTimeOrderAndForklabsSpawnAndReapOnForklabs() throws {
        let trace = try ProgramTrace()
        let events = trace.events
        var last: [Lane: Double] = [:]
        for event in events where event["ph"] as? String != "M" {
            let lane = ProgramTrace.lane(event), time = try #require(microseconds(event["ts"]))
            #expect(time >= last[lane, default: 0], "\(lane) goes back to \(time)")
            last[lane] = time
        }
        let instants = events.filter { $0["ph"] as? String == "i" }
        let seen = instants.map { "\($0["name"] as! String)@\(ProgramTrace.lane($0).pid)/\(ProgramTrace.lane($0).tid)" }
        #expect(seen == ["spawn@1000/1000", "exec@1001/1001", "print@1001/1002", "print@1001/1003", "print@1001/1002",
                         "print@1001/1001", "reap@1000/1000"])
        let main = try #require(instants.first { ProgramTrace.lane($0) == Lane(pid: 1001, tid: 1001) && $0["name"] as? String == "print" })
        #expect((main["args"] as? [String: Any])?["text"] as? String == "Main thread exiting...")
        // Every track something happens on is named: a thread's lines are not on a track of no name.
        let named = trace.metadata("thread_name")
        for instant in instants { #expect(named[ProgramTrace.lane(instant)] != nil, "\(instant)") }
        // forklab's spawn and reap have no book line: the book's program is the program.
        #expect(instants.filter { ProgramTrace.lane($0).pid == 1000 }.allSatisfy { ($0["args"] as? [String: Any])?["text"] == nil })
    }
}
