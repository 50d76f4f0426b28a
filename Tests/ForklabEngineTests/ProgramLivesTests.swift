// The lives of a program of its own (`threads … exit after T`, `produce …
// exit after T`), from hand-built records: the program is a process life,
// each of its threads a life of its own, and a thread with no end when its
// program ended is cut off there.
import Testing
@testable import ForklabEngine

private let forklab: Int32 = 1000
private let program: Int32 = 1001

private func at(_ time: UInt64, _ pid: Int32, tid: Int32? = nil, _ what: Happening) -> Occurrence {
    Occurrence(time: time, pid: pid, tid: tid ?? pid, what: what)
}

private let exitingThreads = Experiment.threads(
    ThreadsPlan(threads: 3, count: 2, locked: true, joined: true, sleep: 50_000, exitAfter: 120_000))

private func record(_ events: [Occurrence]) -> ExperimentRecord { record(of: exitingThreads, events) }

private func record(of experiment: Experiment, _ events: [Occurrence]) -> ExperimentRecord {
    ExperimentRecord(experiment: experiment, parent: forklab, duration: 900, events: events,
                     keptMarks: 0, droppedMarks: 0)
}

/// `threads 3 count 2 … exit after T`: thread 0 ends, thread 1 has printed
/// once and thread 2 not at all when the main thread prints its line.
private let threeThreads = record([
    at(20, forklab, .unprinted(.spawned(child: program))),
    at(60, program, .exec),
    at(100, program, tid: 1002, .threadStarted(.counting, number: 0)),
    at(104, program, tid: 1003, .threadStarted(.counting, number: 1)),
    at(108, program, tid: 1004, .threadStarted(.counting, number: 2)),
    at(160, program, tid: 1002, .threadPrinted(thread: 0, index: 0)),
    at(165, program, tid: 1003, .threadPrinted(thread: 1, index: 0)),
    at(220, program, tid: 1002, .threadPrinted(thread: 0, index: 1)),
    at(230, program, tid: 1002, .threadEnded(.counting, number: 0)),
    at(300, program, .mainPrinted),
    at(340, forklab, .unprinted(.reaped(child: program, status: .exited(0)))),
    at(360, forklab, .trace(.summary(.fork(children: 0, reaped: 0, elapsed: 360)))),
])

@Suite struct ProgramLives {
    @Test func theProgramIsAProcessLifeFromItsSpawnToItsReapWithItsExecAndMainLine() {
        let lives = threeThreads.lives
        #expect(lives.map(\.name) == ["forklab 1000", "program 1001", "thread 0", "thread 1", "thread 2"])
        #expect(lives[0].kind == .main && lives[0].events == [0, 10, 11])
        let life = lives[1]
        #expect(life.kind == .program && life.pid == program && life.tid == program)
        #expect(life.start == 20 && life.end == 340 && life.status == .exited(0) && life.child == 1)
        #expect(life.events == [1, 9])
        #expect(!life.cutOff)
    }

    @Test func eachThreadOfTheProgramIsALifeOfItsOwnInTheProgramsProcess() {
        let lives = threeThreads.lives
        #expect(lives[2...].map(\.kind) == [.thread(.counting), .thread(.counting), .thread(.counting)])
        #expect(lives[2...].map(\.pid) == [program, program, program])
        #expect(lives[2...].map(\.tid) == [1002, 1003, 1004])
        #expect(lives[2].events == [2, 5, 7, 8] && lives[3].events == [3, 6] && lives[4].events == [4])
    }

    @Test func aThreadWithNoEndIsCutOffAtItsProgramsMainLineAndOneThatEndedIsNot() {
        let lives = threeThreads.lives
        #expect(lives[2].end == 230 && !lives[2].cutOff)
        #expect(lives[3].end == 300 && lives[3].cutOff)
        #expect(lives[4].end == 300 && lives[4].cutOff)
    }

    @Test func aProgramKilledBeforeItsMainLineCutsItsThreadsOffAtItsReap() {
        let lives = record([
            at(20, forklab, .unprinted(.spawned(child: program))),
            at(100, program, tid: 1002, .threadStarted(.counting, number: 0)),
            at(150, program, tid: 1002, .threadPrinted(thread: 0, index: 0)),
            at(400, forklab, .unprinted(.reaped(child: program, status: .killed(2)))),
        ]).lives
        #expect(lives.map(\.name) == ["forklab 1000", "program 1001", "thread 0"])
        #expect(lives[2].end == 400 && lives[2].cutOff)
        #expect(lives[1].status == .killed(2))
    }

    @Test func aThreadThatRecordedAfterTheMainLineIsCutOffAtItsLastEvent() {
        // With exit after 0 a thread may record its start after the main
        // line, before exit_group reaches it.
        let lives = record([
            at(20, forklab, .unprinted(.spawned(child: program))),
            at(100, program, .mainPrinted),
            at(102, program, tid: 1002, .threadStarted(.counting, number: 0)),
            at(300, forklab, .unprinted(.reaped(child: program, status: .exited(0)))),
        ]).lives
        #expect(lives[2].start == 102 && lives[2].end == 102 && lives[2].cutOff)
    }

    @Test func produceThreadsOfAProgramAreNamedByRole() {
        let produce = Experiment.produce(ProducePlan(producers: 1, consumers: 1, messages: 4, capacity: nil,
                                                     exitAfter: 100_000))
        let lives = record(of: produce, [
            at(20, forklab, .unprinted(.spawned(child: program))),
            at(100, program, tid: 1002, .threadStarted(.consumer, number: 0)),
            at(101, program, tid: 1003, .threadStarted(.producer, number: 0)),
            at(110, program, tid: 1003, .put(producer: 0, count: 0)),
            at(120, program, tid: 1002, .got(consumer: 0, producer: 0, count: 0)),
            at(200, program, .mainPrinted),
            at(250, forklab, .unprinted(.reaped(child: program, status: .exited(0)))),
        ]).lives
        #expect(lives.map(\.name) == ["forklab 1000", "program 1001", "consumer 0", "producer 0"])
        #expect(lives[2...].allSatisfy { $0.cutOff && $0.end == 200 })
    }

    @Test func threadsOfForklabItselfAreNeverCutOff() {
        let lives = record(of: .threads(ThreadsPlan(threads: 1, count: 1, locked: true, joined: true)), [
            at(100, forklab, tid: 2001, .threadStarted(.counting, number: 0)),
            at(150, forklab, tid: 2001, .threadPrinted(thread: 0, index: 0)),
        ]).lives
        #expect(lives.map(\.name) == ["main thread", "thread 0"])
        #expect(lives[1].end == nil && !lives[1].cutOff && lives[1].pid == forklab)
    }
}

@Suite struct ProgramLifeCount {
    /// Events of programs and their threads, in time order: spawns, reaps
    /// (before, between and after thread events), main lines, thread starts,
    /// lines and ends, tids shared between programs.
    private func jumble(_ generator: inout Seeded, events: Int, ids: ClosedRange<Int32>) -> ExperimentRecord {
        var occurrences: [Occurrence] = []
        for _ in 0..<events {
            let id = Int32.random(in: ids, using: &generator)
            let tid = Int32.random(in: ids, using: &generator) &+ 100
            let time = UInt64.random(in: 0...1000, using: &generator)
            let what: Happening
            let (pid, thread): (Int32, Int32)
            switch Int.random(in: 0...6, using: &generator) {
            case 0: (pid, thread, what) = (forklab, forklab, .unprinted(.spawned(child: id)))
            case 1: (pid, thread, what) = (forklab, forklab, .unprinted(.reaped(child: id, status: .exited(0))))
            case 2: (pid, thread, what) = (id, id, .mainPrinted)
            case 3: (pid, thread, what) = (id, tid, .threadStarted(.producer, number: 0))
            case 4: (pid, thread, what) = (id, tid, .threadEnded(.producer, number: 0))
            case 5: (pid, thread, what) = (id, tid, .put(producer: 0, count: 0))
            default: (pid, thread, what) = (id, id, .exec)
            }
            occurrences.append(Occurrence(time: time, pid: pid, tid: thread, what: what))
        }
        occurrences.sort { $0.time < $1.time }
        return ExperimentRecord(
            experiment: .produce(ProducePlan(producers: 1, consumers: 1, messages: 1, capacity: nil, exitAfter: 0)),
            parent: forklab, duration: 1000, events: occurrences, keptMarks: 0, droppedMarks: 0)
    }

    @Test("with programs and their threads, the lives counted without building them are as many as those built")
    func countingMatchesBuilding() {
        var generator = Seeded(state: 13)
        for round in 0..<300 {
            let record = jumble(&generator, events: round % 50 * 4, ids: 1001...1000 + Int32(1 + round % 6))
            #expect(record.lifeCountBound == record.lives.count, "round \(round)")
        }
    }
}
