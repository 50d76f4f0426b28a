// The views of a hand-made `tree` record: one life per tree process from
// its fork to its exit, the timeline's lanes with fork, exit and adoption
// marks, and the Chrome trace's process per tree process.
import Foundation
import Testing
@testable import ForklabEngine

private let forklab: Int32 = 4000

private func member(_ name: String, _ pid: Int32) -> TreeMember { TreeMember(name: name, pid: pid) }

/// An event forklab emitted at `time` µs (every event of `tree` is forklab's).
private func at(_ time: UInt64, _ event: TreeEvent, printed: Bool = true) -> Occurrence {
    Occurrence(time: time * 1000, pid: forklab, tid: forklab, what: printed ? .trace(.tree(event)) : .unprinted(.tree(event)))
}

private let a = member("a", 4100), b = member("b", 4101), c = member("c", 4102), d = member("d", 4103),
            e = member("e", 4104)

/// `tree a+b,b+c,c+d,b-,a+e`: b's exit orphans c, which a adopts; then
/// every process exits, children first, without a line.
private let treeRecord = ExperimentRecord(
    experiment: .tree(TreePlan(actions: [.fork(parent: "a", child: "b"), .fork(parent: "b", child: "c"),
                                         .fork(parent: "c", child: "d"), .exit("b"), .fork(parent: "a", child: "e")],
                               local: false, steps: false)),
    parent: forklab, duration: 600_000,
    events: [
        at(40, .forked(parent: member("forklab", forklab), child: a), printed: false),
        at(100, .forked(parent: a, child: b)),
        at(160, .forked(parent: b, child: c)),
        at(220, .forked(parent: c, child: d)),
        at(300, .exited(b)),
        at(310, .orphaned(c, parent: a)),
        at(380, .forked(parent: a, child: e)),
        at(420, .drawn(TreeDrawing(rows: [], unicode: false))),
        at(460, .exited(e), printed: false),
        at(500, .exited(d), printed: false),
        at(540, .exited(c), printed: false),
        at(580, .exited(a), printed: false),
        Occurrence(time: 600_000, pid: forklab, tid: forklab, what: .trace(.summary(.tree(TreeOutcome())))),
    ],
    keptMarks: 0, droppedMarks: 0)

@Suite struct TreeViews {
    @Test("each tree process is a life from its fork to its exit, in fork order, with its forks, adoption and exit")
    func livesFromForkToExit() throws {
        let lives = treeRecord.lives
        try #require(lives.map(\.name) == ["forklab 4000", "a 4100", "b 4101", "c 4102", "d 4103", "e 4104"])
        #expect(lives.dropFirst().allSatisfy { $0.kind == .tree && $0.tid == $0.pid })
        #expect(lives.dropFirst().map(\.pid) == [4100, 4101, 4102, 4103, 4104])
        #expect(lives.dropFirst().map(\.start) == [40_000, 100_000, 160_000, 220_000, 380_000])
        #expect(lives.dropFirst().map(\.end) == [580_000, 300_000, 540_000, 500_000, 460_000])
        #expect(lives.dropFirst().map(\.child) == [1, 2, 3, 4, 5])
        // forklab: the root's fork, the drawing, the summary.
        #expect(lives[0].events == [0, 7, 12] && lives[0].end == 600_000)
        #expect(lives[1].events == [1, 6, 11])  // a forks b and e, exits
        #expect(lives[2].events == [2, 4])  // b forks c, exits
        #expect(lives[3].events == [3, 5, 10])  // c forks d, is adopted, exits
        #expect(lives[4].events == [9] && lives[5].events == [8])
    }

    @Test("an adoption or exit of a process whose fork is not recorded opens a life; a pid forked again opens another")
    func livesWithoutFork() throws {
        let record = ExperimentRecord(
            experiment: treeRecord.experiment, parent: forklab, duration: 100_000,
            events: [at(10, .orphaned(c, parent: a)), at(20, .exited(c)), at(30, .exited(d)),
                     at(40, .forked(parent: a, child: b)), at(50, .forked(parent: a, child: b))],
            keptMarks: 0, droppedMarks: 0)
        let lives = record.lives
        try #require(lives.map(\.name) == ["forklab 4000", "c 4102", "d 4103", "b 4101", "b 4101"])
        #expect(lives.map(\.start) == [0, 10_000, 30_000, 40_000, 50_000])
        #expect(lives.map(\.end) == [nil, 20_000, 30_000, 50_000, nil])
        #expect(lives[1].events == [0, 1] && lives[1].child == nil)
        #expect(record.lifeCountBound == lives.count)
    }

    @Test("the lives of tree events counted without building them are as many as those built, whatever the order")
    func countingTreeLivesMatchesBuilding() {
        var state: UInt64 = 5
        func next(_ range: ClosedRange<Int>) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return range.lowerBound + Int((state >> 33) % UInt64(range.count))
        }
        for round in 0..<300 {
            var events: [Occurrence] = []
            for time in 0..<(round % 40 * 3) {
                let one = member("p", Int32(4100 + next(0...(1 + round % 8))))
                let other = member("q", Int32(4100 + next(0...(1 + round % 8))))
                let event: TreeEvent = switch next(0...3) {
                case 0: .forked(parent: other, child: one)
                case 1: .exited(one)
                case 2: .orphaned(one, parent: other)
                default: .forked(parent: member("forklab", forklab), child: one)
                }
                events.append(at(UInt64(time), event, printed: next(0...1) == 0))
                // A child's own event among them: the process experiments' lives too.
                if next(0...5) == 0 {
                    events.append(Occurrence(time: UInt64(time) * 1000, pid: one.pid, tid: one.pid, what: .exit(code: 0)))
                }
            }
            let record = ExperimentRecord(experiment: treeRecord.experiment, parent: forklab, duration: 200_000,
                                          events: events, keptMarks: 0, droppedMarks: 0)
            #expect(record.lifeCountBound == record.lives.count, "round \(round)")
        }
    }

    @Test("the timeline draws a lane per tree process in fork order: F where it forks and is forked, A where it is adopted, X at its exit")
    func timelinePicture() {
        #expect(Timeline(record: treeRecord, width: 80, unicode: false).render() == """
            timeline of tree a+b,b+c,c+d,b-,a+e (600 us)

            forklab 4000 ----F-------------------------------------------------------------#
            a 4100           F------F------------------------------F---------------------X
            b 4101                  F-----F---------------X
            c 4102                        F------F---------A-------------------------X
            d 4103                               F------------------------------X
            e 4104                                                 F--------X
                         +----------+----------+----------+----------+----------+----------+
                         0          100 us     200 us     300 us     400 us     500 us

            --- alive   F fork: the parent forks, a process begins
            X _exit: the process ends, reaped by its parent
            A orphaned: the kernel gives it a new parent   # the summary line

            """)
    }

    @Test("the timeline in Unicode uses the same letters for fork, adoption and exit")
    func timelinePictureUnicode() {
        #expect(Timeline(record: treeRecord, width: 80, unicode: true).render() == """
            timeline of tree a+b,b+c,c+d,b-,a+e (600 µs)

            forklab 4000 ────F─────────────────────────────────────────────────────────────#
            a 4100           F──────F──────────────────────────────F─────────────────────X
            b 4101                  F─────F───────────────X
            c 4102                        F──────F─────────A─────────────────────────X
            d 4103                               F──────────────────────────────X
            e 4104                                                 F────────X
                         └──────────┴──────────┴──────────┴──────────┴──────────┴──────────┴
                         0          100 µs     200 µs     300 µs     400 µs     500 µs

            ─── alive   F fork: the parent forks, a process begins
            X _exit: the process ends, reaped by its parent
            A orphaned: the kernel gives it a new parent   # the summary line

            """)
    }

    @Test("after a stop, a tree process with no exit runs to the end of the record, without X")
    func stoppedTreeRunsToTheEnd() {
        let stopped = ExperimentRecord(
            experiment: treeRecord.experiment, parent: forklab, duration: 300_000,
            events: [
                at(40, .forked(parent: member("forklab", forklab), child: a), printed: false),
                at(100, .forked(parent: a, child: b)),
                Occurrence(time: 300_000, pid: forklab, tid: forklab, what: .trace(.summary(.tree(TreeOutcome())))),
            ],
            keptMarks: 0, droppedMarks: 0)
        #expect(Timeline(record: stopped, width: 60, unicode: false).render() == """
            timeline of tree a+b,b+c,c+d,b-,a+e (300 us)

            forklab 4000 ------F---------------------------------------#
            a 4100             F--------F-------------------------------
            b 4101                      F-------------------------------
                         +--------------+---------------+--------------+
                         0              100 us          200 us

            --- alive   F fork: the parent forks, a process begins
            # the summary line

            """)
    }

    @Test("save: each tree process is a process named like its lane, a slice from its fork to its exit; fork, adoption and exit are instants on its track with both pids and names")
    func chromeTrace() throws {
        let json = ChromeTrace.json(for: treeRecord)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let events = try #require(object["traceEvents"] as? [[String: Any]])
        func pid(_ event: [String: Any]) -> Int32 { Int32((event["pid"] as? Int) ?? -1) }
        let processNames = events.filter { $0["name"] as? String == "process_name" }
            .map { "\(pid($0)) \((($0["args"] as? [String: Any])?["name"] as? String) ?? "")" }
        #expect(processNames == ["4000 forklab", "4100 a 4100", "4101 b 4101", "4102 c 4102", "4103 d 4103", "4104 e 4104"])
        let slices = events.filter { $0["ph"] as? String == "X" && pid($0) != forklab }
            .map { "\(pid($0)) \($0["name"] as? String ?? "") \(($0["ts"] as? Double) ?? -1) \(($0["dur"] as? Double) ?? -1)" }
        #expect(slices == ["4100 a 4100 40.0 540.0", "4101 b 4101 100.0 200.0", "4102 c 4102 160.0 380.0",
                           "4103 d 4103 220.0 280.0", "4104 e 4104 380.0 80.0"])
        let instants = events.filter { $0["ph"] as? String == "i" && ($0["name"] as? String ?? "").hasPrefix("tree_") }
            .map { event -> String in
                let args = event["args"] as? [String: Any] ?? [:]
                let fields = args.keys.sorted().filter { $0 != "text" }.map { "\($0)=\(args[$0]!)" }.joined(separator: ",")
                return "\(pid(event)) \(event["name"] as? String ?? "") \(fields)"
            }
        #expect(instants == [
            "4000 tree_fork child=4100,child_name=a,parent=4000,parent_name=forklab",
            "4100 tree_fork child=4101,child_name=b,parent=4100,parent_name=a",
            "4101 tree_fork child=4102,child_name=c,parent=4101,parent_name=b",
            "4102 tree_fork child=4103,child_name=d,parent=4102,parent_name=c",
            "4101 tree_exit name=b,parent=4100,parent_name=a,process=4101",
            "4102 tree_orphan name=c,parent=4100,parent_name=a,process=4102",
            "4100 tree_fork child=4104,child_name=e,parent=4100,parent_name=a",
            "4000 tree_drawing ",
            "4104 tree_exit name=e,parent=4100,parent_name=a,process=4104",
            "4103 tree_exit name=d,parent=4102,parent_name=c,process=4103",
            "4102 tree_exit name=c,parent=4100,parent_name=a,process=4102",
            "4100 tree_exit name=a,parent=4000,parent_name=forklab,process=4100",
        ])
        let exitB = try #require(events.first { $0["name"] as? String == "tree_exit" })
        #expect((exitB["args"] as? [String: Any])?["text"] as? String == "b 4101 exits")
    }
}
