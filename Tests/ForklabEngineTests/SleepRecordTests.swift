// What the threads of `sleep S` record of their sleeps: one before each
// paced line, put or get, on the sleeping thread, bounded by what the Pacer
// guarantees (a sleep ends no earlier than its deadline, and before the line
// it paces); a stop recorded as one; nothing without `sleep`; and the JSON
// `sleep` objects the threads write.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CForklabSystem
import Foundation
import Testing
@testable import ForklabEngine

/// A sleep as the record holds it.
private struct Sleep {
    var start: UInt64
    var duration: UInt64
    var tid: Int32
    var stopped: Bool
    var end: UInt64 { start + duration }
}

/// The sleeps of thread `number` of `role`, in time order.
private func sleeps(of role: ThreadRole, _ number: Int32, in record: ExperimentRecord) -> [Sleep] {
    record.events.compactMap {
        guard case let .slept(duration, slept, sleeper, stopped) = $0.what, sleeper == role, slept == number
        else { return nil }
        return Sleep(start: $0.time, duration: duration, tid: $0.tid, stopped: stopped)
    }
}

/// The tid that recorded the start of thread `number` of `role`.
private func tid(of role: ThreadRole, _ number: Int32, in record: ExperimentRecord) -> Int32? {
    record.events.first { $0.what == .threadStarted(role, number: number) }?.tid
}

/// A JSON integer as JSONSerialization gives it (Int or NSNumber).
private func int(_ value: Any?) -> Int? {
    switch value {
    case let value as Int: return value
    case let value as NSNumber: return value.intValue
    default: return nil
    }
}

/// A Lab whose book text goes to /dev/null.
private func quietLab() -> (Lab, Int32) {
    let null = open("/dev/null", O_WRONLY | O_CLOEXEC)
    return (Lab(sink: Recorder(fd: null), childInput: .null, programDirectory: nil), null)
}

extension RealProcesses {
    @Suite struct SleepRecords {
        static let pace: UInt64 = 50_000_000

        @Test("with sleep S each counting thread records one sleep before each of its lines, on its own tid, ending no earlier than its deadline; without it none")
        func countingThreadsRecordASleepBeforeEachLine() throws {
            prepareLab()
            let (lab, null) = quietLab()
            defer { close(null) }
            try lab.run(.threads(ThreadsPlan(threads: 3, count: 3, locked: true, joined: true, sleep: Self.pace)))
            let record = try #require(try lab.lastRecord())
            for number in Int32(0)..<3 {
                let own = sleeps(of: .counting, number, in: record)
                let lines = record.events.filter {
                    if case let .threadPrinted(thread, _) = $0.what { thread == number } else { false }
                }
                try #require(own.count == 3 && lines.count == 3, "thread \(number): \(own.count) sleeps, \(lines.count) lines")
                let thread = try #require(tid(of: .counting, number, in: record))
                for (index, sleep) in own.enumerated() {
                    #expect(sleep.tid == thread && !sleep.stopped)
                    // Line i is due (i+1) × S after the gate opened, which is after the command started.
                    #expect(sleep.end >= Self.pace * UInt64(index + 1), "thread \(number) sleep \(index)")
                    // The sleep comes before its line, and after the line before it.
                    #expect(sleep.end <= lines[index].time)
                    if index > 0 { #expect(sleep.start >= lines[index - 1].time) }
                }
            }
            #expect(record.events.count { if case .slept = $0.what { true } else { false } } == 9)
            // Without sleep, no sleep is recorded.
            try lab.run(.threads(ThreadsPlan(threads: 2, count: 3, locked: true, joined: true)))
            let unpaced = try #require(try lab.lastRecord())
            #expect(unpaced.events.count { if case .threadPrinted = $0.what { true } else { false } } == 6)
            #expect(!unpaced.events.contains { if case .slept = $0.what { true } else { false } })
        }

        @Test("produce with sleep S: producer i records a sleep before each put, due i × S apart, producer 0 none; each consumer one per get and one more before it finds the queue closed, each at least S/10")
        func producersAndConsumersRecordTheirSleeps() throws {
            prepareLab()
            let (lab, null) = quietLab()
            defer { close(null) }
            try lab.run(.produce(ProducePlan(producers: 3, consumers: 2, messages: 2, capacity: nil, sleep: Self.pace)))
            let record = try #require(try lab.lastRecord())
            #expect(sleeps(of: .producer, 0, in: record).isEmpty)
            for producer in Int32(1)..<3 {
                let own = sleeps(of: .producer, producer, in: record)
                let puts = record.events.filter { if case let .put(by, _) = $0.what { by == producer } else { false } }
                try #require(own.count == 2 && puts.count == 2, "producer \(producer)")
                for (index, sleep) in own.enumerated() {
                    #expect(sleep.tid == tid(of: .producer, producer, in: record) && !sleep.stopped)
                    #expect(sleep.end >= UInt64(producer) * Self.pace * UInt64(index + 1))
                    #expect(sleep.end <= puts[index].time)
                }
            }
            var gets = 0
            for consumer in Int32(0)..<2 {
                let own = sleeps(of: .consumer, consumer, in: record)
                let got = record.events.count { if case let .got(by, _, _) = $0.what { by == consumer } else { false } }
                gets += got
                #expect(own.count == got + 1, "consumer \(consumer)")
                #expect(own.allSatisfy { $0.tid == tid(of: .consumer, consumer, in: record) && !$0.stopped })
                #expect(own.allSatisfy { $0.duration >= Self.pace / 10 })
            }
            #expect(gets == 6)
        }

        @Test("a stop ends every sleep: each thread that started records one sleep, stopped, short of its deadline, and no line")
        func aStopIsRecordedAsAStoppedSleep() throws {
            prepareLab()
            defer { Interruption.clear() }
            let (lab, null) = quietLab()
            defer { close(null) }
            // Ctrl-C from another thread while the threads sleep out a minute.
            let crew = Crew()
            var group = ThreadGroup(crew: crew)
            try group.start(ClosureThread(crew: crew) {
                usleep(200_000)
                kill(getpid(), SIGINT)
            })
            #expect(throws: LabError.interrupted) {
                try lab.run(.threads(ThreadsPlan(threads: 2, count: 1, locked: true, joined: true,
                                                 sleep: 60_000_000_000)))
            }
            while crew.runningCount > 0 { usleep(1_000) }
            group.joinAll()
            let record = try #require(try lab.lastRecord())
            let started = record.events.compactMap { if case let .threadStarted(.counting, number) = $0.what { number } else { nil } }
            #expect(!started.isEmpty)
            for number in started {
                let own = sleeps(of: .counting, number, in: record)
                #expect(own.count == 1 && own.allSatisfy { $0.stopped && $0.end < 60_000_000_000 }, "thread \(number)")
            }
            #expect(!record.events.contains { if case .threadPrinted = $0.what { true } else { false } })
        }

        @Test("in JSON each thread writes a sleep object for each sleep: its role and number, t when it began, ns how long, ending before the line it paced")
        func jsonSleepObjects() throws {
            prepareLab()
            let pipe = TestPipe()
            let lab = Lab(sink: JSONLines(console: Console(fd: pipe.writeFD)), childInput: .null, programDirectory: nil)
            try lab.run(.threads(ThreadsPlan(threads: 2, count: 2, locked: true, joined: true, sleep: Self.pace)))
            let (lines, complete) = pipe.drainLines()
            #expect(complete)
            let objects = try lines.map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
            let record = try #require(try lab.lastRecord())
            for number in 0..<2 {
                let own = objects.filter { $0["event"] as? String == "sleep" && int($0["thread"]) == number }
                let printed = objects.filter { $0["event"] as? String == "thread" && int($0["thread"]) == number }
                try #require(own.count == 2 && printed.count == 2, "thread \(number)")
                let recorded = sleeps(of: .counting, Int32(number), in: record)
                for (index, sleep) in own.enumerated() {
                    // The fields, in the order docs/json.md gives.
                    #expect(lines.contains { $0.hasPrefix("{\"v\":1,\"event\":\"sleep\",\"pid\":\(getpid()),\"tid\":")
                        && $0.hasSuffix(",\"role\":\"thread\",\"thread\":\(number),\"ns\":\(recorded[index].duration)}") })
                    #expect(sleep["role"] as? String == "thread" && sleep["text"] == nil)
                    #expect(int(sleep["tid"]) == Int(recorded[index].tid))
                    let t = try #require(int(sleep["t"])), ns = try #require(int(sleep["ns"]))
                    #expect(t == Int(recorded[index].start) && ns == Int(recorded[index].duration))
                    #expect(t + ns >= Int(Self.pace) * (index + 1))
                    #expect(t + ns <= int(printed[index]["t"]) ?? 0)
                }
            }
            // Without sleep, no sleep object.
            try lab.run(.threads(ThreadsPlan(threads: 2, count: 2, locked: true, joined: true)))
            let unpaced = pipe.drainLines().lines
            #expect(unpaced.count { $0.contains("\"event\":\"thread\"") } == 4)
            #expect(!unpaced.contains { $0.contains("\"event\":\"sleep\"") })
        }

        @Test("a sleep read back from the log keeps a duration past 32 bits, its thread and role, and whether a stop cut it; an event stays 32 bytes")
        func sleepEventsReadBackWhole() throws {
            let log = try #require(EventLog(lives: 4, marks: 4))
            let long: UInt64 = 59_940_000_000_123  // producer 999 at sleep 60
            for (kind, duration) in [(FL_EVENT_SLEPT, long), (FL_EVENT_SLEEP_STOPPED, UInt64(7))] {
                log.add(kind, time: 5, pid: 1, tid: 2, role: .producer, 999,
                        Int32(bitPattern: UInt32(truncatingIfNeeded: duration >> 32)),
                        Int32(bitPattern: UInt32(truncatingIfNeeded: duration)))
            }
            let read = log.read()
            #expect(read.keptMarks == 2)
            #expect(read.events.map(\.what) == [
                .slept(duration: long, number: 999, role: .producer),
                .slept(duration: 7, number: 999, role: .producer, stopped: true),
            ])
            #expect(MemoryLayout<Occurrence>.stride == 32)
        }
    }
}
