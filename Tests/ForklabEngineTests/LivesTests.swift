// The lives of hand-built records, the one model the timeline and the
// Chrome trace both draw: which events open and close a child's or a
// thread's life, and which events belong to it.
import Testing
@testable import ForklabEngine

private let parent: Int32 = 1000

private func at(_ time: UInt64, _ pid: Int32, tid: Int32? = nil, _ what: Happening) -> Occurrence {
    Occurrence(time: time, pid: pid, tid: tid ?? pid, what: what)
}

private func record(_ experiment: Experiment, duration: UInt64, _ events: [Occurrence]) -> ExperimentRecord {
    ExperimentRecord(experiment: experiment, parent: parent, duration: duration, events: events,
                     keptMarks: 0, droppedMarks: 0)
}

@Suite struct LivesModel {
    @Test func forkWithQuietReapsGivesEachChildALifeFromItsForkToItsReap() {
        let fork = record(.fork(count: 2), duration: 900, [
            at(100, parent, .trace(.forked(parent: parent, child: 1001))),
            at(150, 1001, .childPrinted(exitStat: nil)),
            at(160, 1001, .exit(code: 0)),
            at(200, parent, .trace(.forked(parent: parent, child: 1002))),
            at(250, parent, .unprinted(.reaped(child: 1001, status: .exited(0)))),
            at(300, 1002, .exit(code: 3)),
            at(400, parent, .unprinted(.reaped(child: 1002, status: .exited(3)))),
            at(800, parent, .trace(.summary(.fork(children: 2, reaped: 2, elapsed: 800)))),
        ])
        let lives = fork.lives
        #expect(lives.map(\.name) == ["parent 1000", "child 1001", "child 1002"])
        #expect(lives[0].kind == .main && lives[0].start == 0 && lives[0].end == 800)
        #expect(lives[0].events == [0, 3, 4, 6, 7])
        #expect(lives[1].kind == .child && lives[1].pid == 1001 && lives[1].tid == 1001)
        #expect(lives[1].start == 100 && lives[1].end == 250)
        #expect(lives[1].child == 1 && lives[1].status == .exited(0))
        #expect(lives[1].events == [1, 2])
        #expect(lives[2].start == 200 && lives[2].end == 400)
        #expect(lives[2].child == 2 && lives[2].status == .exited(3))
        #expect(lives[2].events == [5])
    }

    @Test func aChildThatPrintedBeforeItsForkWasRecordedStartsAtItsLine() {
        let fork = record(.fork(count: 2), duration: 900, [
            at(100, parent, .trace(.forked(parent: parent, child: 1001))),
            at(140, 1002, .childPrinted(exitStat: nil)),
            at(150, 1001, .childPrinted(exitStat: nil)),
            at(160, parent, .trace(.forked(parent: parent, child: 1002))),
            at(170, 1002, .exit(code: 0)),
        ])
        let lives = fork.lives
        #expect(lives.map(\.name) == ["parent 1000", "child 1001", "child 1002"])
        #expect(lives[2].start == 140)
        #expect(lives[2].child == 2)
        #expect(lives[2].events == [1, 4])
        #expect(lives[1].events == [2])
    }

    @Test func aReapWithoutAForkIsALifeOfAnInstant() {
        let lives = record(.forkExit(count: 1), duration: 900, [
            at(300, parent, .trace(.reaped(child: 1001, status: .killed(9)))),
        ]).lives
        #expect(lives.count == 2)
        #expect(lives[1].start == 300 && lives[1].end == 300)
        #expect(lives[1].child == nil && lives[1].status == .killed(9))
    }

    @Test func aTidTheKernelGaveAgainInTheNextRaceRunStartsANewLife() {
        let race = record(.race(threads: 1, count: 10), duration: 900, [
            at(100, parent, tid: 4001, .threadStarted(.racer, number: 0)),
            at(200, parent, tid: 4001, .threadEnded(.racer, number: 0)),
            at(300, parent, .trace(.raced(locked: false, expected: 10, got: 10))),
            at(400, parent, tid: 4001, .threadStarted(.lockedRacer, number: 0)),
            at(500, parent, tid: 4001, .threadEnded(.lockedRacer, number: 0)),
            at(600, parent, .trace(.raced(locked: true, expected: 10, got: 10))),
        ])
        let lives = race.lives
        #expect(lives.map(\.name) == ["main thread", "racer 0", "racer 0 (mutex)"])
        #expect(lives.map(\.tid) == [parent, 4001, 4001])
        #expect(lives[1].kind == .thread(.racer) && lives[1].start == 100 && lives[1].end == 200)
        #expect(lives[2].kind == .thread(.lockedRacer) && lives[2].start == 400 && lives[2].end == 500)
        #expect(lives[1].events == [0, 1] && lives[2].events == [3, 4])
        #expect(lives[0].events == [2, 5])
    }

    @Test func aLifeWithNoRecordedEndHasNone() {
        let lives = record(.spawn(SpawnPlan(program: "sleep", count: 1, numbered: false, arguments: ["9"])),
                           duration: 900, [
            at(100, parent, .trace(.spawned(child: 1101))),
            at(120, 1101, .exec),
        ]).lives
        #expect(lives[0].end == nil)
        #expect(lives[1].end == nil && lives[1].status == nil && lives[1].child == 1)
        let threads = record(.threads(ThreadsPlan(threads: 1, count: 1, locked: true, joined: false)), duration: 900, [
            at(100, parent, tid: 2001, .threadStarted(.counting, number: 0)),
            at(150, parent, tid: 2001, .threadPrinted(thread: 0, index: 0)),
        ]).lives
        #expect(threads[1].end == nil && threads[1].events == [0, 1])
    }

    @Test func childrenAndThreadsComeInTheOrderTheyStarted() {
        let lives = record(.threads(ThreadsPlan(threads: 2, count: 1, locked: true, joined: true)), duration: 900, [
            at(100, parent, tid: 2002, .threadPrinted(thread: 1, index: 0)),
            at(110, parent, tid: 2001, .threadStarted(.counting, number: 0)),
            at(120, parent, tid: 2002, .threadEnded(.counting, number: 1)),
        ]).lives
        // The second thread's start was not recorded: it is known by its line.
        #expect(lives.map(\.name) == ["main thread", "thread 1", "thread 0"])
        #expect(lives[1].kind == .thread(nil) && lives[1].end == 120)
    }
}

@Suite struct LifeCount {
    /// Events of every kind, from a few pids and tids, in time order: forks
    /// after a child's own line, reaps without forks, tids started twice,
    /// threads known only by their lines.
    private func jumble(_ generator: inout Seeded, events: Int, ids: ClosedRange<Int32>) -> ExperimentRecord {
        var occurrences: [Occurrence] = []
        for _ in 0..<events {
            let id = Int32.random(in: ids, using: &generator)
            let time = UInt64.random(in: 0...1000, using: &generator)
            let what: Happening
            let (pid, tid): (Int32, Int32)
            switch Int.random(in: 0...9, using: &generator) {
            case 0: (pid, tid, what) = (parent, parent, .trace(.forked(parent: parent, child: id)))
            case 1: (pid, tid, what) = (parent, parent, .unprinted(.forked(parent: parent, child: id)))
            case 2: (pid, tid, what) = (parent, parent, .trace(.spawned(child: id)))
            case 3: (pid, tid, what) = (parent, parent, .unprinted(.reaped(child: id, status: .exited(0))))
            case 4: (pid, tid, what) = (id, id, .childPrinted(exitStat: nil))
            case 5: (pid, tid, what) = (id, id, .exit(code: 1))
            case 6: (pid, tid, what) = (parent, id, .threadStarted(.racer, number: 0))
            case 7: (pid, tid, what) = (parent, id, .threadEnded(.racer, number: 0))
            case 8: (pid, tid, what) = (parent, id, .threadPrinted(thread: 0, index: 0))
            default: (pid, tid, what) = (parent, parent, .mainPrinted)
            }
            occurrences.append(Occurrence(time: time, pid: pid, tid: tid, what: what))
        }
        occurrences.sort { $0.time < $1.time }
        return ExperimentRecord(experiment: .race(threads: 2, count: 1), parent: parent, duration: 1000,
                                events: occurrences, keptMarks: 0, droppedMarks: 0)
    }

    @Test("the lives counted without building them are as many as the lives built, whatever the order of events")
    func countingMatchesBuilding() {
        var generator = Seeded(state: 7)
        for round in 0..<300 {
            let record = jumble(&generator, events: round % 50 * 4, ids: 1001...1000 + Int32(1 + round % 12))
            #expect(record.lifeCountBound == record.lives.count, "round \(round)")
        }
    }

    @Test("an id the bit sets cannot hold counts as a life of its own event, never fewer than are built")
    func idsOutOfRangeAreCountedHigh() {
        var generator = Seeded(state: 11)
        for round in 0..<100 {
            let low = jumble(&generator, events: 60, ids: -3...2)
            let high = jumble(&generator, events: 60, ids: (1 << 22) - 2...(1 << 22) + 2)
            #expect(low.lifeCountBound >= low.lives.count, "round \(round)")
            #expect(high.lifeCountBound >= high.lives.count, "round \(round)")
        }
    }
}
