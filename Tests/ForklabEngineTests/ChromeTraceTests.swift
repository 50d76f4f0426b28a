// The Chrome Trace Event Format export of hand-built records: valid JSON,
// the fields each phase requires, time order per lane, the experiment's
// pids and tids, lane names, and the book's lines as instant texts.
import Foundation
import Testing
@testable import ForklabEngine

private let parent: Int32 = 1000

/// An event a child recorded in its one thread.
private func at(_ time: UInt64, _ pid: Int32, _ what: Happening) -> Occurrence {
    Occurrence(time: time, pid: pid, tid: pid, what: what)
}

private func at(_ time: UInt64, _ pid: Int32, _ tid: Int32, _ what: Happening) -> Occurrence {
    Occurrence(time: time, pid: pid, tid: tid, what: what)
}

private func main(_ time: UInt64, _ event: TraceEvent) -> Occurrence { at(time, parent, parent, .trace(event)) }

private func sorted(_ events: [Occurrence]) -> [Occurrence] {
    events.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)
}

/// `fork 2`; the second child prints before the parent records its fork.
private let forkRecord = ExperimentRecord(
    experiment: .fork(count: 2), parent: parent, duration: 3_000_000,
    events: sorted([
        main(1_000, .forked(parent: parent, child: 1001)),
        at(1_500, 1001, .childPrinted(exitStat: nil)),
        at(1_600, 1001, .exit(code: 0)),
        main(2_000, .reaped(child: 1001, status: .exited(0))),
        at(2_050, 1002, .childPrinted(exitStat: nil)),
        main(2_100, .forked(parent: parent, child: 1002)),
        at(2_300, 1002, .exit(code: 0)),
        main(2_500, .reaped(child: 1002, status: .exited(0))),
        main(2_600, .summary(.fork(children: 2, reaped: 2, elapsed: 2_600))),
    ]),
    keptMarks: 2, droppedMarks: 0)

/// `forkexit 1`: the child's line carries its exitstat.
private let forkExitRecord = ExperimentRecord(
    experiment: .forkExit(count: 1), parent: parent, duration: 5_000,
    events: sorted([
        main(1_000, .forked(parent: parent, child: 1001)),
        at(1_500, 1001, .childPrinted(exitStat: 1)),
        at(1_600, 1001, .exit(code: 1)),
        main(2_000, .reaped(child: 1001, status: .exited(1))),
    ]),
    keptMarks: 1, droppedMarks: 0)

/// `spawn child.sh 2`; the second child is never reaped (killed mid-way).
private let spawnRecord = ExperimentRecord(
    experiment: .spawn(SpawnPlan(program: "child.sh", count: 2, numbered: true, arguments: [])),
    parent: parent, duration: 8_000_000,
    events: sorted([
        main(1_000, .spawned(child: 1101)),
        at(1_200, 1101, .exec),
        main(1_300, .spawned(child: 1102)),
        at(1_400, 1102, .exec),
        main(5_000_000, .reaped(child: 1101, status: .exited(0))),
    ]),
    keptMarks: 0, droppedMarks: 0)

/// `threads 2 count 2`, with 5 marks dropped.
private let threadsRecord = ExperimentRecord(
    experiment: .threads(ThreadsPlan(threads: 2, count: 2, locked: true, joined: true)),
    parent: parent, duration: 1_000_000,
    events: sorted([
        at(100_000, parent, 2001, .threadStarted(.counting, number: 0)),
        at(110_000, parent, 2002, .threadStarted(.counting, number: 1)),
        at(150_000, parent, 2001, .threadPrinted(thread: 0, index: 0)),
        at(151_000, parent, 2002, .threadPrinted(thread: 1, index: 0)),
        at(160_000, parent, 2001, .threadPrinted(thread: 0, index: 1)),
        at(161_000, parent, 2002, .threadPrinted(thread: 1, index: 1)),
        at(170_000, parent, 2001, .threadEnded(.counting, number: 0)),
        at(171_000, parent, 2002, .threadEnded(.counting, number: 1)),
        at(300_000, parent, parent, .mainPrinted),
    ]),
    keptMarks: 5, droppedMarks: 5)

/// `produce 1 consume 2 messages 2`.
private let produceRecord = ExperimentRecord(
    experiment: .produce(ProducePlan(producers: 1, consumers: 2, messages: 2, capacity: nil)),
    parent: parent, duration: 900_000,
    events: sorted([
        at(100_000, parent, 3001, .threadStarted(.producer, number: 0)),
        at(101_000, parent, 3002, .threadStarted(.consumer, number: 0)),
        at(102_000, parent, 3003, .threadStarted(.consumer, number: 1)),
        at(200_000, parent, 3001, .put(producer: 0, count: 0)),
        at(201_000, parent, 3001, .put(producer: 0, count: 1)),
        at(202_000, parent, 3001, .threadEnded(.producer, number: 0)),
        at(210_000, parent, 3002, .got(consumer: 0, producer: 0, count: 0)),
        at(211_000, parent, 3003, .got(consumer: 1, producer: 0, count: 1)),
        at(220_000, parent, 3002, .threadEnded(.consumer, number: 0)),
        at(221_000, parent, 3003, .threadEnded(.consumer, number: 1)),
        at(300_000, parent, parent, .mainPrinted),
    ]),
    keptMarks: 4, droppedMarks: 0)

/// `race 2 count 1000`: two racers without the mutex, two new ones with it.
private let raceRecord = ExperimentRecord(
    experiment: .race(threads: 2, count: 1000), parent: parent, duration: 2_000_000,
    events: sorted([
        at(100_000, parent, 4001, .threadStarted(.racer, number: 0)),
        at(100_500, parent, 4002, .threadStarted(.racer, number: 1)),
        at(200_000, parent, 4001, .threadEnded(.racer, number: 0)),
        at(200_500, parent, 4002, .threadEnded(.racer, number: 1)),
        main(300_000, .raced(locked: false, expected: 2000, got: 1500)),
        at(400_000, parent, 4003, .threadStarted(.lockedRacer, number: 0)),
        at(400_500, parent, 4004, .threadStarted(.lockedRacer, number: 1)),
        at(500_000, parent, 4003, .threadEnded(.lockedRacer, number: 0)),
        at(500_500, parent, 4004, .threadEnded(.lockedRacer, number: 1)),
        main(600_000, .raced(locked: true, expected: 2000, got: 2000)),
    ]),
    keptMarks: 0, droppedMarks: 0)

/// `produce 2 consume 1 messages 1 sleep 0.05`, stopped by a Ctrl-C while
/// producer 1 slept and the consumer slept its last, with 3 marks dropped.
private let pacedRecord = ExperimentRecord(
    experiment: .produce(ProducePlan(producers: 2, consumers: 1, messages: 1, capacity: nil, sleep: 50_000_000)),
    parent: parent, duration: 30_000_000,
    events: sorted([
        at(100_000, parent, 5001, .threadStarted(.consumer, number: 0)),
        at(110_000, parent, 5002, .threadStarted(.producer, number: 0)),
        at(120_000, parent, 5003, .threadStarted(.producer, number: 1)),
        at(130_000, parent, 5001, .slept(duration: 5_000_123, number: 0, role: .consumer)),
        at(140_000, parent, 5003, .slept(duration: 19_860_000, number: 1, role: .producer, stopped: true)),
        at(150_000, parent, 5002, .put(producer: 0, count: 0)),
        at(160_000, parent, 5002, .threadEnded(.producer, number: 0)),
        at(5_140_000, parent, 5001, .got(consumer: 0, producer: 0, count: 0)),
        at(5_150_000, parent, 5001, .slept(duration: 14_850_000, number: 0, role: .consumer, stopped: true)),
        at(20_000_500, parent, 5003, .threadEnded(.producer, number: 1)),
        at(20_000_600, parent, 5001, .threadEnded(.consumer, number: 0)),
    ]),
    keptMarks: 5, droppedMarks: 3)

private let allRecords = [forkRecord, forkExitRecord, spawnRecord, threadsRecord, produceRecord, raceRecord, pacedRecord]

// MARK: - Reading the JSON back

private struct Trace {
    var root: [String: Any]
    var events: [[String: Any]]

    init(_ record: ExperimentRecord) throws {
        let text = ChromeTrace.json(for: record)
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        root = try #require(object as? [String: Any])
        events = try #require(root["traceEvents"] as? [[String: Any]])
    }

    func metadata(_ name: String) -> [[String: Any]] {
        events.filter { $0["ph"] as? String == "M" && $0["name"] as? String == name }
    }

    /// The `args.name` of each lane's `kind` metadata, by (pid, tid).
    func names(_ kind: String) -> [Pair: String] {
        var names: [Pair: String] = [:]
        for event in metadata(kind) {
            names[Pair(event)] = (event["args"] as? [String: Any])?["name"] as? String
        }
        return names
    }

    func complete(named name: String) -> [String: Any]? {
        events.first { $0["ph"] as? String == "X" && $0["name"] as? String == name }
    }

    /// The `args.text` of every instant event, in file order.
    var instantTexts: [String] {
        events.filter { $0["ph"] as? String == "i" }
            .compactMap { ($0["args"] as? [String: Any])?["text"] as? String }
    }
}

private struct Pair: Hashable, CustomStringConvertible {
    var pid: Int
    var tid: Int
    init(_ pid: Int, _ tid: Int) { self.pid = pid; self.tid = tid }
    init(_ event: [String: Any]) {
        self.init(number(event["pid"]).map(Int.init) ?? -1, number(event["tid"]).map(Int.init) ?? -1)
    }
    var description: String { "(\(pid), \(tid))" }
}

/// A JSON number as JSONSerialization gives it (Int, Double or NSNumber).
private func number(_ value: Any?) -> Double? {
    switch value {
    case let value as Int: return Double(value)
    case let value as Double: return value
    case let value as NSNumber: return value.doubleValue
    default: return nil
    }
}

/// The pids the record names: forklab, every child it forked or reaped,
/// and every process that recorded something.
private func expectedPids(_ record: ExperimentRecord) -> Set<Int> {
    var pids: Set<Int> = [Int(record.parent)]
    for occurrence in record.events {
        pids.insert(Int(occurrence.pid))
        switch occurrence.what {
        case let .trace(.forked(_, child)), let .trace(.spawned(child)), let .trace(.reaped(child, _)):
            pids.insert(Int(child))
        default: break
        }
    }
    return pids
}

private func expectedTids(_ record: ExperimentRecord) -> Set<Int> {
    var tids = expectedPids(record)
    for occurrence in record.events { tids.insert(Int(occurrence.tid)) }
    return tids
}

@Suite struct ChromeTraceFormat {
    @Test(arguments: allRecords)
    func isAJSONObjectWithATraceEventsArray(_ record: ExperimentRecord) throws {
        let trace = try Trace(record)
        #expect(!trace.events.isEmpty)
        #expect(trace.root["displayTimeUnit"] as? String == "ns")
        let other = try #require(trace.root["otherData"] as? [String: Any])
        #expect(other["command"] as? String == record.experiment.command)
    }

    @Test(arguments: allRecords)
    func everyEventHasTheFieldsItsPhaseRequires(_ record: ExperimentRecord) throws {
        for event in try Trace(record).events {
            let phase = try #require(event["ph"] as? String, "\(event)")
            #expect(["M", "X", "i"].contains(phase), "\(event)")
            #expect(event["name"] is String, "\(event)")
            #expect(number(event["pid"]) != nil, "\(event)")
            #expect(number(event["tid"]) != nil, "\(event)")
            switch phase {
            case "M":
                #expect(event["args"] is [String: Any], "\(event)")
            case "X":
                #expect((number(event["ts"]) ?? -1) >= 0, "\(event)")
                #expect((number(event["dur"]) ?? -1) >= 0, "\(event)")
            default:
                #expect((number(event["ts"]) ?? -1) >= 0, "\(event)")
                #expect(event["s"] as? String == "t", "\(event)")
            }
        }
    }

    @Test(arguments: allRecords)
    func metadataComesFirstAndTimeNeverGoesBackWithinALane(_ record: ExperimentRecord) throws {
        let events = try Trace(record).events
        let firstTimed = events.firstIndex { $0["ph"] as? String != "M" } ?? events.count
        #expect(events[firstTimed...].allSatisfy { $0["ph"] as? String != "M" })
        var last: [Pair: Double] = [:]
        for event in events[firstTimed...] {
            let lane = Pair(event)
            let time = try #require(number(event["ts"]))
            #expect(time >= last[lane, default: 0], "\(lane) goes back to \(time)")
            last[lane] = time
        }
    }

    @Test(arguments: allRecords)
    func pidsAndTidsAreTheExperiments(_ record: ExperimentRecord) throws {
        let events = try Trace(record).events
        #expect(Set(events.map { Pair($0).pid }) == expectedPids(record))
        #expect(Set(events.map { Pair($0).tid }) == expectedTids(record))
        // A child is a process of its own: its one lane has tid == pid.
        for event in events where Pair(event).pid != Int(parent) {
            #expect(Pair(event).tid == Pair(event).pid, "\(event)")
        }
    }

    @Test func eventsHoldNoArraysAndStartWithPhaseAndTime() throws {
        // Perfetto's streaming tokenizer rejects an event holding an array,
        // and reads `ts` before any string the event carries.
        let lines = ChromeTrace.json(for: spawnRecord).split(separator: "\n").filter { $0.hasPrefix("{\"ph\"") }
        #expect(lines.count == (try Trace(spawnRecord)).events.count)
        for line in lines {
            #expect(!line.contains("["), "\(line)")
            if !line.hasPrefix("{\"ph\":\"M\"") { #expect(line.dropFirst(10).hasPrefix("\"ts\":"), "\(line)") }
        }
    }

    @Test func traceEventsIsTheFirstKey() {
        #expect(ChromeTrace.json(for: forkRecord).hasPrefix("{\"traceEvents\":["))
    }
}

@Suite struct ChromeTraceLanes {
    @Test func forkNamesForklabItsMainThreadAndEachChild() throws {
        let trace = try Trace(forkRecord)
        let processes = trace.names("process_name")
        let threads = trace.names("thread_name")
        #expect(processes[Pair(1000, 1000)] == "forklab")
        #expect(threads[Pair(1000, 1000)] == "main thread")
        #expect(processes[Pair(1001, 1001)] == "child 1001")
        #expect(processes[Pair(1002, 1002)] == "child 1002")
    }

    @Test func lanesAreSortedInStartOrder() throws {
        let trace = try Trace(forkRecord)
        var index: [Pair: Int] = [:]
        for event in trace.metadata("process_sort_index") {
            index[Pair(event)] = number((event["args"] as? [String: Any])?["sort_index"]).map(Int.init)
        }
        #expect(index == [Pair(1000, 1000): 0, Pair(1001, 1001): 1, Pair(1002, 1002): 2])
        let threads = try Trace(produceRecord)
        var threadIndex: [Pair: Int] = [:]
        for event in threads.metadata("thread_sort_index") {
            threadIndex[Pair(event)] = number((event["args"] as? [String: Any])?["sort_index"]).map(Int.init)
        }
        #expect(threadIndex == [Pair(1000, 1000): 0, Pair(1000, 3001): 1, Pair(1000, 3002): 2, Pair(1000, 3003): 3])
    }

    @Test func aChildLivesFromItsForkToItsReap() throws {
        let trace = try Trace(forkRecord)
        let first = try #require(trace.complete(named: "child 1001"))
        #expect(number(first["ts"]) == 1.0)
        #expect(number(first["dur"]) == 1.0)
        #expect(Pair(first) == Pair(1001, 1001))
    }

    @Test func aChildThatPrintedBeforeItsForkWasRecordedStartsAtItsLine() throws {
        let second = try #require(try Trace(forkRecord).complete(named: "child 1002"))
        #expect(number(second["ts"]) == 2.05)
        #expect(number(second["dur"]) == 0.45)
    }

    @Test func theExperimentIsOneSliceOnTheMainThreadNamedLikeTheCommand() throws {
        let whole = try #require(try Trace(forkRecord).complete(named: "fork 2"))
        #expect(Pair(whole) == Pair(1000, 1000))
        #expect(number(whole["ts"]) == 0)
        #expect(number(whole["dur"]) == 3000)
    }

    @Test func aSpawnedChildIsNamedByItsProgramAndOneNeverReapedEndsWithTheExperiment() throws {
        let trace = try Trace(spawnRecord)
        #expect(trace.names("process_name")[Pair(1101, 1101)] == "child.sh (1101)")
        let reaped = try #require(trace.complete(named: "child.sh (1101)"))
        #expect(number(reaped["dur"]) == 4999)
        let killed = try #require(trace.complete(named: "child.sh (1102)"))
        #expect(number(killed["ts"]) == 1.3)
        #expect(number(killed["dur"]) == 7998.7)
        let exec = trace.events.filter { $0["name"] as? String == "exec" }
        #expect(exec.compactMap { ($0["args"] as? [String: Any])?["argv"] as? String } == ["child.sh 1", "child.sh 2"])
    }

    @Test func threadsAreLanesOfForklabNamedByRoleAndNumber() throws {
        let threads = try Trace(threadsRecord).names("thread_name")
        #expect(threads[Pair(1000, 2001)] == "thread 0")
        #expect(threads[Pair(1000, 2002)] == "thread 1")
        let produce = try Trace(produceRecord).names("thread_name")
        #expect(produce[Pair(1000, 3001)] == "producer 0")
        #expect(produce[Pair(1000, 3002)] == "consumer 0")
        #expect(produce[Pair(1000, 3003)] == "consumer 1")
        let race = try Trace(raceRecord).names("thread_name")
        #expect(race[Pair(1000, 4001)] == "racer 0")
        #expect(race[Pair(1000, 4002)] == "racer 1")
        #expect(race[Pair(1000, 4003)] == "racer 0 (mutex)")
        #expect(race[Pair(1000, 4004)] == "racer 1 (mutex)")
    }

    @Test func aThreadLivesFromItsStartToItsEnd() throws {
        let life = try #require(try Trace(threadsRecord).complete(named: "thread 1"))
        #expect(Pair(life) == Pair(1000, 2002))
        #expect(number(life["ts"]) == 110)
        #expect(number(life["dur"]) == 61)
    }

    @Test func aTidTheKernelGaveAgainKeepsBothLivesAndBothNames() throws {
        var record = raceRecord
        record.events = record.events.map { occurrence in
            var occurrence = occurrence
            if occurrence.tid == 4003 { occurrence.tid = 4001 }
            return occurrence
        }
        let trace = try Trace(record)
        #expect(trace.names("thread_name")[Pair(1000, 4001)] == "racer 0 / racer 0 (mutex)")
        let lives = trace.events.filter { $0["ph"] as? String == "X" && Pair($0) == Pair(1000, 4001) }
        #expect(lives.map { $0["name"] as? String } == ["racer 0", "racer 0 (mutex)"])
    }
}

@Suite struct ChromeTraceInstants {
    @Test func forkInstantsCarryTheBookLines() throws {
        #expect(try Trace(forkRecord).instantTexts == [
            "Hello from parent 1000 1001",
            "Hello from child 1001",
            "Parent got 1001 0 0",
            "Hello from child 1002",
            "Hello from parent 1000 1002",
            "Parent got 1002 0 0",
            "# fork: 2 children forked, 2 reaped, 0 left; 1.3 µs per fork+wait",
        ])
    }

    @Test func forkExitChildLinesCarryTheExitStat() throws {
        #expect(try Trace(forkExitRecord).instantTexts == [
            "Hello from parent 1000 1001", "Hello from child 1001 1", "Parent got 1001 256 1",
        ])
        let exit = try #require(try Trace(forkExitRecord).events.first { $0["name"] as? String == "exit" })
        #expect(number((exit["args"] as? [String: Any])?["code"]).map(Int.init) == 1)
    }

    @Test func threadLinesAreTheBooksAndTheMainThreadSaysItIsExiting() throws {
        #expect(try Trace(threadsRecord).instantTexts == [
            "[0] => 0", "[1] => 0", "[0] => 1", "[1] => 1", "Main thread exiting...",
        ])
    }

    @Test func producePutsAndGetsAreInstantsAndGetsCarryTheConsumersLine() throws {
        let trace = try Trace(produceRecord)
        #expect(trace.instantTexts == [
            "consumer 0 got => [producer id=0, count=0]",
            "consumer 1 got => [producer id=0, count=1]",
            "Main thread exit",
        ])
        let puts = trace.events.filter { $0["name"] as? String == "put" }
        #expect(puts.map(Pair.init) == [Pair(1000, 3001), Pair(1000, 3001)])
        #expect(puts.allSatisfy { $0["ph"] as? String == "i" })
    }

    @Test func sleepsAreSlicesNamedSleepOnTheSleepingThreadsTrackWithTheirDuration() throws {
        let trace = try Trace(pacedRecord)
        let sleeps = trace.events.filter { $0["name"] as? String == "sleep" }
        #expect(sleeps.allSatisfy { $0["ph"] as? String == "X" })
        #expect(sleeps.map(Pair.init) == [Pair(1000, 5001), Pair(1000, 5003), Pair(1000, 5001)])
        #expect(sleeps.map { number($0["ts"]) } == [130, 140, 5150])
        #expect(sleeps.map { number($0["dur"]) } == [5000.123, 19860, 14850])
        let args = sleeps.map { $0["args"] as? [String: Any] ?? [:] }
        #expect(args.map { number($0["ns"]).map(Int.init) } == [5_000_123, 19_860_000, 14_850_000])
        // Only a sleep a stop cut short says so.
        #expect(args.map { $0["stopped"] as? Bool } == [nil, true, true])
        // Each lies within its thread's life, which Perfetto needs of slices on one track.
        for sleep in sleeps {
            let life = try #require(trace.events.first {
                $0["ph"] as? String == "X" && $0["name"] as? String != "sleep" && Pair($0) == Pair(sleep)
            })
            let start = try #require(number(life["ts"])), end = start + (try #require(number(life["dur"])))
            let from = try #require(number(sleep["ts"])), to = from + (try #require(number(sleep["dur"])))
            #expect(start <= from && to <= end, "\(sleep)")
        }
        // Not instants: the record's other events are.
        #expect(trace.instantTexts == ["consumer 0 got => [producer id=0, count=0]"])
        let other = try #require(trace.root["otherData"] as? [String: Any])
        #expect(other["note"] as? String == "3 lines, puts, gets and sleeps past the record's capacity were dropped")
    }

    @Test func raceResultsAreInstantsOnTheMainThread() throws {
        #expect(try Trace(raceRecord).instantTexts == [
            "race nolock: expected 2000 got 1500 lost 500", "race lock: expected 2000 got 2000 lost 0",
        ])
    }

    @Test func droppedMarksAreCountedInOtherData() throws {
        let other = try #require(try Trace(threadsRecord).root["otherData"] as? [String: Any])
        #expect(number(other["droppedMarks"]).map(Int.init) == 5)
        let none = try #require(try Trace(forkRecord).root["otherData"] as? [String: Any])
        #expect(none["droppedMarks"] == nil)
    }

    @Test func aProgramNameWithQuotesAndControlCharactersStaysValidJSON() throws {
        let record = ExperimentRecord(
            experiment: .spawn(SpawnPlan(program: "a \"b\"\\\n\t\u{1}é", count: 1, numbered: false, arguments: ["x y"])),
            parent: parent, duration: 10_000,
            events: [main(1_000, .spawned(child: 1101)), at(1_200, 1101, .exec)],
            keptMarks: 0, droppedMarks: 0)
        let trace = try Trace(record)
        #expect(trace.names("process_name")[Pair(1101, 1101)] == "a \"b\"\\\n\t\u{1}é (1101)")
        #expect((trace.root["otherData"] as? [String: Any])?["command"] as? String == "spawn a \"b\"\\\n\t\u{1}é -- x y")
    }
}

@Suite struct ChromeTraceNumbers {
    @Test(arguments: [
        (UInt64(0), "0"), (1, "0.001"), (10, "0.01"), (999, "0.999"), (1000, "1"), (1500, "1.5"),
        (1_234_567, "1234.567"), (UInt64.max, "18446744073709551.615"),
    ])
    func nanosecondsBecomePlainDecimalMicroseconds(_ ns: UInt64, _ text: String) {
        #expect(ChromeTrace.microseconds(ns) == text)
    }

    @Test func anEmptyRecordIsStillATraceWithTheExperimentsSlice() throws {
        let record = ExperimentRecord(experiment: .fork(count: 0), parent: parent, duration: 0, events: [],
                                      keptMarks: 0, droppedMarks: 0)
        let trace = try Trace(record)
        #expect(trace.complete(named: "fork 0") != nil)
    }
}
