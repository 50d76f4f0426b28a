// The record of an experiment as the Lab keeps it: what children and
// threads recorded themselves in the shared log, next to what the parent
// emitted; emptied for each experiment; bounded.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CForklabSystem
import Testing
@testable import ForklabEngine

/// Runs `experiments` in turn on one Lab whose children and threads write
/// to /dev/null, and returns the Lab.
private func lab(_ experiments: [Experiment]) -> Lab {
    prepareLab()
    let null = open("/dev/null", O_WRONLY | O_CLOEXEC)
    defer { close(null) }
    let lab = Lab(sink: Recorder(fd: null), childInput: .null, programDirectory: nil)
    for experiment in experiments { try? lab.run(experiment) }
    return lab
}

@Suite(.serialized) struct ExperimentRecords {
    @Test("each forked child records its own line and exit, with its own pid; the parent its fork and quiet reap")
    func childrenRecordThemselves() throws {
        let record = try #require(try lab([.fork(count: 3)]).lastRecord())
        #expect(record.parent == getpid())
        let children = Set(record.events.compactMap { if case let .trace(.forked(_, child)) = $0.what { child } else { nil } })
        #expect(children.count == 3)
        for child in children {
            let own = record.events.filter { $0.pid == child }
            #expect(own.map(\.what) == [.childPrinted(exitStat: nil), .exit(code: 0)])
            #expect(own.allSatisfy { $0.tid == child })
            #expect(record.events.contains { $0.pid == getpid() && $0.what == .unprinted(.reaped(child: child, status: .exited(0))) })
        }
        #expect(record.events.map(\.time) == record.events.map(\.time).sorted())
        #expect(record.droppedMarks == 0)
    }

    @Test("the record holds the last experiment only: a spawn's children are gone after a threads run")
    func emptiedForEachExperiment() throws {
        let record = try #require(try lab([
            .spawn(SpawnPlan(program: "true", count: 2, numbered: false, arguments: [])),
            .threads(ThreadsPlan(threads: 2, count: 3, locked: true, joined: true)),
        ]).lastRecord())
        #expect(record.experiment == .threads(ThreadsPlan(threads: 2, count: 3, locked: true, joined: true)))
        #expect(!record.events.contains { $0.pid != getpid() })
        #expect(!record.events.contains { if case .trace(.spawned) = $0.what { true } else { false } })
        #expect(record.events.filter { if case .threadPrinted = $0.what { true } else { false } }.count == 6)
        #expect(record.events.filter { if case .threadStarted(.counting, _) = $0.what { true } else { false } }.count == 2)
    }

    @Test("a child whose exec fails records the exec and its exit 127")
    func failedExecRecordsExit() throws {
        let record = try #require(try lab([
            .spawn(SpawnPlan(program: "forklab-no-such-program", count: 1, numbered: false, arguments: [])),
        ]).lastRecord())
        let child = try #require(record.events.first { $0.pid != getpid() }?.pid)
        #expect(record.events.filter { $0.pid == child }.map(\.what) == [.exec, .exit(code: 127)])
    }

    @Test("no consumer's get is recorded before the put of the same message")
    func getsFollowPuts() throws {
        let record = try #require(try lab([.produce(ProducePlan(producers: 4, consumers: 4, messages: 500, capacity: nil))]).lastRecord())
        var puts: [Int32: UInt64] = [:]
        var gets: [(key: Int32, time: UInt64)] = []
        for event in record.events {
            switch event.what {
            case let .put(producer, count): puts[producer << 16 | count] = event.time
            case let .got(_, producer, count): gets.append((producer << 16 | count, event.time))
            default: break
            }
        }
        #expect(puts.count == 2000 && gets.count == 2000)
        #expect(gets.allSatisfy { get in puts[get.key].map { $0 <= get.time } ?? false })
    }

    @Test("every line of a run that fills the console's buffer many times is recorded once, each thread's in its order")
    func everyGatheredLineRecordedOnce() throws {
        let record = try #require(try lab([.threads(ThreadsPlan(threads: 4, count: 20_000, locked: true, joined: true))]).lastRecord())
        var next = [Int32](repeating: 0, count: 4)
        var last = [UInt64](repeating: 0, count: 4)
        for event in record.events {
            guard case let .threadPrinted(thread, index) = event.what else { continue }
            #expect(index == next[Int(thread)] && event.time >= last[Int(thread)])
            next[Int(thread)] += 1
            last[Int(thread)] = event.time
        }
        #expect(next == [20_000, 20_000, 20_000, 20_000])
        #expect(record.droppedMarks == 0)
    }

    @Test("threads whose JSON output failed still record their start and end")
    func livesRecordedWhenOutputFails() throws {
        prepareLab()
        let pipe = TestPipe()
        pipe.closeReadEnd()
        let lab = Lab(sink: JSONLines(console: Console(fd: pipe.writeFD)), childInput: .null, programDirectory: nil)
        #expect(throws: LabError.output(.closed)) {
            try lab.run(.threads(ThreadsPlan(threads: 4, count: 1000, locked: true, joined: true)))
        }
        let record = try #require(try lab.lastRecord())
        let started = record.events.filter { if case .threadStarted = $0.what { true } else { false } }
        let ended = record.events.filter { if case .threadEnded = $0.what { true } else { false } }
        // The first failed write stops the rest from starting; every thread that
        // started has its end recorded, though neither line could be written.
        #expect(!started.isEmpty && ended.count == started.count && Set(ended.map(\.tid)) == Set(started.map(\.tid)))
        // No line went out, so none is recorded as printed.
        #expect(!record.events.contains { if case .threadPrinted = $0.what { true } else { false } })
    }

    @Test("past its capacity the log counts marks and drops them; lives have room of their own")
    func boundedLog() throws {
        let log = try #require(EventLog(lives: 4, marks: 3))
        for index in 0..<10 { log.add(FL_EVENT_THREAD_PRINTED, time: UInt64(index), pid: 1, tid: 2, role: .counting, 0, Int32(index)) }
        log.add(FL_EVENT_THREAD_START, time: 0, pid: 1, tid: 2, role: .counting, 0)
        log.add(FL_EVENT_THREAD_END, time: 11, pid: 1, tid: 2, role: .counting, 0)
        var read = log.read()
        #expect(read.keptMarks == 3 && read.droppedMarks == 7)
        #expect(read.events.map(\.what) == [
            .threadStarted(.counting, number: 0), .threadEnded(.counting, number: 0),
            .threadPrinted(thread: 0, index: 0), .threadPrinted(thread: 0, index: 1), .threadPrinted(thread: 0, index: 2),
        ])
        log.reset()
        read = log.read()
        #expect(read.events.isEmpty && read.keptMarks == 0 && read.droppedMarks == 0)
    }

    @Test("past its capacity each kind of mark keeps its total: kept ones read back, dropped ones counted by kind")
    func totalsByKindPastCapacity() throws {
        let log = try #require(EventLog(lives: 4, marks: 3))
        for index in 0..<5 { log.add(FL_EVENT_PUT, time: UInt64(index), pid: 1, tid: 2, 0, Int32(index)) }
        for index in 0..<4 { log.add(FL_EVENT_GOT, time: UInt64(index), pid: 1, tid: 3, 0, Int32(index)) }
        var batch = (0..<6).map { _ in fl_event(time: 9, pid: 1, tid: 4, kind: UInt16(FL_EVENT_GOT.rawValue), role: 0, a: 0, b: 0, c: 0) }
        fl_log_add_many(log.raw, &batch, batch.count)
        fl_log_count_dropped(log.raw, UInt16(FL_EVENT_PUT.rawValue), 2)
        log.add(FL_EVENT_THREAD_START, time: 0, pid: 1, tid: 2, role: .producer, 0)
        #expect(log.total(of: FL_EVENT_PUT) == 7)
        #expect(log.total(of: FL_EVENT_GOT) == 10)
        #expect(log.total(of: FL_EVENT_THREAD_START) == 1)
        #expect(log.total(of: FL_EVENT_THREAD_PRINTED) == 0)
        log.reset()
        #expect(log.total(of: FL_EVENT_PUT) == 0 && log.total(of: FL_EVENT_GOT) == 0)
    }

    @Test("a program of its own maps the record from its descriptor: what it adds and notes, the maker reads")
    func aRecordSharedThroughItsDescriptor() throws {
        let log = try #require(EventLog(lives: 8, marks: 8))
        let descriptor = try #require(log.descriptor)
        #expect(fcntl(descriptor, F_GETFD) & FD_CLOEXEC != 0)
        let attached = try #require(EventLog(attaching: descriptor))
        attached.add(FL_EVENT_THREAD_PRINTED, time: 5, pid: 7, tid: 8, role: .counting, 1, 2)
        attached.note(.produced, 12)
        #expect(log.total(of: FL_EVENT_THREAD_PRINTED) == 1)
        #expect(log.read(.produced) == 12 && log.read(.exited) == 0)
        #expect(log.read().events.map(\.what) == [.threadPrinted(thread: 1, index: 2)])
        log.reset()
        #expect(log.read(.produced) == 0)
        #expect(EventLog(attaching: 0) == nil)  // stdin holds no record
    }

    @Test("before any experiment there is no record")
    func nothingBeforeTheFirst() throws {
        #expect(try lab([]).lastRecord() == nil)
    }
}
