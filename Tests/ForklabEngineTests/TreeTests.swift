// tree run by the Lab, checked against the kernel while its processes are
// alive: a sink reads /proc/PID/stat at each event, and the final tree is
// compared with what Linux's rules for orphans give (a model below).
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Testing
@testable import ForklabEngine
import CForklabSystem

/// A sink that, as each tree event comes (its processes still alive),
/// reads the kernel and notes every disagreement.
final class KernelCheckingSink: TraceSink {
    private(set) var events: [TraceEvent] = []
    private(set) var disagreements: [String] = []
    /// Every pid a line named, with its name.
    private(set) var pids: [String: Int32] = [:]
    /// The last drawing, as (name, parent name) rows in order, read from the kernel's pids.
    private(set) var lastDrawing: [(name: String, depth: Int)] = []
    private(set) var group: pid_t = 0

    func emit(_ record: TraceRecord) throws(OutputError) {
        events.append(record.event)
        guard case let .tree(event) = record.event else { return }
        switch event {
        case let .forked(parent, child):
            note(parent)
            note(child)
            if parent.name == "forklab" { group = child.pid }
            check(child.pid, parent: parent.pid, "\(child.name) forked by \(parent.name)")
            if group > 0 && processGroup(child.pid) != group {
                disagreements.append("\(child.name) \(child.pid) is not in the tree's group \(group)")
            }
        case let .orphaned(orphan, parent):
            check(orphan.pid, parent: parent.pid, "orphan \(orphan.name) adopted by \(parent.name)")
        case let .drawn(drawing):
            lastDrawing = drawing.rows.map { ($0.member.name, $0.lasts.count) }
            var stack: [Int32] = []
            for row in drawing.rows {
                stack = Array(stack.prefix(row.lasts.count))
                check(row.member.pid, parent: stack.last ?? getpid(), "\(row.member.name) drawn")
                stack.append(row.member.pid)
            }
        case .exited, .list:
            break
        }
    }

    private func note(_ member: TreeMember) {
        if member.name != "forklab" { pids[member.name] = member.pid }
    }

    private func check(_ pid: Int32, parent: Int32, _ what: String) {
        let kernel = parentOf(pid)
        if kernel != parent { disagreements.append("\(what): the kernel says parent \(kernel.map(String.init) ?? "none") of \(pid), not \(parent)") }
    }

    func emit(bench result: BenchResult, time: UInt64, pid: Int32) throws(OutputError) {}
    func childLine(for event: ChildEvent) -> LineTemplate { LineTemplate(bytes: [], fd: -1) }
    func threadLine(for event: ThreadEvent) -> LineTemplate { LineTemplate(bytes: [], fd: -1) }

    var orphanLines: [String] {
        events.compactMap { if case let .tree(.orphaned(orphan, parent)) = $0 { "\(orphan.name)>\(parent.name)" } else { nil } }
    }
}

/// Field 4 (ppid) and 5 (pgrp) of /proc/PID/stat.
private func statFields(_ pid: Int32) -> (parent: Int32, group: Int32)? {
    var stat = fl_process_stat()
    guard fl_process_stat(pid, &stat) == 0 else { return nil }
    return (stat.parent, stat.group)
}

private func parentOf(_ pid: Int32) -> Int32? { statFields(pid)?.parent }
private func processGroup(_ pid: Int32) -> Int32? { statFields(pid)?.group }

/// Linux's rule, as a model: when a process exits, each of its children
/// goes to the nearest living ancestor that is a subreaper (the root `a`
/// always; with `local`, every process); grandchildren stay put. Returns
/// the orphan lines (`c>a`) and the final tree as (name, depth) rows, children in fork order.
private func expected(_ actions: [TreePlan.Action], local: Bool) -> (orphans: [String], rows: [(String, Int)]) {
    var parent: [String: String] = [:]
    var order: [String] = ["a"]
    var orphans: [String] = []
    for action in actions {
        switch action {
        case let .fork(p, c):
            parent[c] = p
            order.append(c)
        case let .exit(x):
            let up = parent[x]!
            // Nearest living subreaper ancestor: the parent with local, else the root.
            let adopter: String
            if local { adopter = up } else { adopter = "a" }
            for child in order where parent[child] == x {
                parent[child] = adopter
                orphans.append("\(child)>\(adopter)")
            }
            parent[x] = nil
            order.removeAll { $0 == x }
        }
    }
    var rows: [(String, Int)] = []
    func add(_ name: String, _ depth: Int) {
        rows.append((name, depth))
        for child in order where parent[child] == name { add(child, depth + 1) }
    }
    add("a", 0)
    return (orphans, rows)
}

/// Reads `a+b,b-` into the engine's actions.
private func actions(_ text: String) -> [TreePlan.Action] {
    text.split(separator: ",").map { piece in
        if piece.hasSuffix("-") { return .exit(String(piece.dropLast())) }
        let names = piece.split(separator: "+")
        return .fork(parent: String(names[0]), child: String(names[1]))
    }
}

extension RealProcesses {
    @Suite struct Tree {
        static let lists: [(String, Bool)] = [
            ("a+b,a+c,b+d", false),                       // forks only
            ("a+b,b+c,c+d,d+e,e+f", false),               // a chain
            ("a+b,a+c,b-,c-", false),                     // exits of leaves
            ("a+b,b+c,b+d,b-", false),                    // an exit with children
            ("a+b,b+c,c+d,b-,a+e", false),                // an exit with grandchildren
            ("a+b,b+c,c+d,d+e,c-,b-", false),             // exits in the middle, twice
            ("a+b,b+c,c+d,b-,a+e", true),                 // local
            ("a+b,b+c,c+d,c-", true),                     // local: the grandchild goes to b
            ("a+b,b+c,c+d,d+e,c-,b-", true),              // local, twice
            ("a+b,b+c,c+d,d+e,e+f,d-,c-,b-", false),      // a deep chain unwound
            ("a+b,b+c,c+d,d+e,e+f,d-,c-,b-", true),
            ("a+b,b+c,c+d,c+e,c-,a+f,f+g,f-", false),
        ]

        @Test(arguments: lists)
        func treeMatchesTheKernelAndLinuxsRules(list: String, local: Bool) {
            prepareLab()
            let sink = KernelCheckingSink()
            let steps = actions(list)
            let error = runTree(TreePlan(actions: steps, local: local, steps: false), sink: sink)
            #expect(error == nil)
            #expect(sink.disagreements == [])
            let model = expected(steps, local: local)
            #expect(sink.orphanLines == model.orphans)
            #expect(sink.lastDrawing.map { "\($0.name)@\($0.depth)" } == model.rows.map { "\($0.0)@\($0.1)" })
            // Every process was reaped: none is left, not even a zombie.
            for (name, pid) in sink.pids { #expect(statFields(pid) == nil, "\(name) \(pid) is still there") }
            #expect(sink.group > 0)
        }

        @Test func randomListWithASeedMatchesTheKernelAndTheRules() {
            prepareLab()
            // The list tree random 60 seed 7 forks 60 makes, as the parser's generator makes it.
            for local in [false, true] {
                let sink = KernelCheckingSink()
                let list = randomList
                let error = runTree(TreePlan(actions: actions(list), local: local, steps: true), sink: sink)
                #expect(error == nil)
                #expect(sink.disagreements == [])
                let model = expected(actions(list), local: local)
                #expect(sink.orphanLines == model.orphans)
                #expect(sink.lastDrawing.map { "\($0.name)@\($0.depth)" } == model.rows.map { "\($0.0)@\($0.1)" })
                for (name, pid) in sink.pids { #expect(statFields(pid) == nil, "\(name) \(pid) is still there") }
            }
        }

        @Test func summaryCountsForksExitsAndOrphans() throws {
            prepareLab()
            let sink = KernelCheckingSink()
            let error = runTree(TreePlan(actions: actions("a+b,b+c,b+d,b-,a+e"), local: false, steps: false), sink: sink)
            #expect(error == nil)
            guard case let .summary(.tree(outcome))? = sink.events.last else {
                Issue.record("no tree summary last: \(sink.events)")
                return
            }
            #expect(outcome.forked == 5)
            #expect(outcome.exits == 1)
            #expect(outcome.orphans == 2)
            #expect(outcome.adopters.map(\.key.name) == ["a"])
            #expect(outcome.endExits == 4)
            #expect(outcome.actionsDone == 5)
        }
    }
}

/// `tree random 60 seed 7 forks 60`'s list (ParserTreeTests checks that
/// the generator still makes it).
let randomList = "a+b,b+c,c-,b-,a+d,d-,a+e,e-,a+f,f-,a+g,g+h,h-,g+i,i+j,a+k,j-,k+l,i-,l+m,a+n,k+o,g+p,o+q,n+r,l-,q-,m+s,n+t,n+u,r-,a+v,p+w,k-,g+x,p+y,s-,p+z,p-,v-,t-,o+aa,x+ab,n-,y+ac,u-,y+ad,y+ae,o+af,ad-,w-,z-,g-,af-,ae+ag,ac-,ae+ah,m-,o+ai,ah-"

private func runTree(_ plan: TreePlan, sink: KernelCheckingSink) -> LabError? {
    let lab = Lab(sink: sink, childInput: .null, programDirectory: nil)
    do {
        try lab.run(.tree(plan))
        return nil
    } catch {
        return error
    }
}
