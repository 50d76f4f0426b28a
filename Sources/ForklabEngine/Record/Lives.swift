/// A life in an experiment's record: forklab's main thread, a child
/// process (a program of its own among them), a thread of forklab's or
/// of such a program, or a process of `tree`, from its start to its end, with
/// the events it recorded itself. The timeline draws one lane a life; the
/// Chrome trace writes one slice a life.
struct Life: Hashable, Sendable {
    enum Kind: Hashable, Sendable {
        /// forklab's main thread: the parent of every child.
        case main
        case child
        /// A program of its own (`exit after T`): forklab's child, which
        /// execs forklab to run the experiment's threads, as python3 runs
        /// the book's.
        case program
        /// The role its recorded start gave it; nil when its start was not
        /// recorded (it is known by its events).
        case thread(ThreadRole?)
        /// A process of `tree` (`a 4100`), known by the events forklab
        /// emitted for it: from its fork to its exit (reaped by its parent).
        case tree
    }

    var kind: Kind
    // Declared here, after the one-byte kind, it takes no room: a Life stays 88 bytes.
    /// A thread of a program of its own that had not ended when its
    /// program did: the program's exit (exit_group) or a signal cut it off.
    /// Its `end` is its program's: the main thread's last line when it
    /// printed one, else the program's reap.
    var cutOff = false
    /// The process; for a thread, forklab's or its program's.
    var pid: Int32
    /// A child's pid (its one thread), or the thread's tid.
    var tid: Int32
    /// `parent 5000`, `main thread` or `forklab 5000`, `child 5001`,
    /// `program 5001`, `racer 1 (mutex)`, `b 4101` (a process of `tree`).
    var name: String
    var start: UInt64
    /// Its reap, its thread's end, or the main thread's summary; or, when
    /// the same pid or tid began a new life before an end was recorded, that
    /// new life's start; for a thread cut off, its program's end. Nil: no
    /// end was recorded.
    var end: UInt64?
    /// A child: its place among the children, 1-based, in fork order; nil
    /// when its fork (or spawn) is not in the record.
    var child: Int?
    /// A child: how it ended, when its reap was recorded.
    var status: WaitStatus?
    /// Indices into the record's events of those this life recorded itself,
    /// in time order (a child's fork and reap are its parent's events). A
    /// process of `tree` records nothing: its events are forklab's about
    /// it, the forks it made, its adoption and its exit.
    /// Int32, not Int: together they name every event of the record, and
    /// half the bytes is what a view of 131072 lines spares (see ViewMemory).
    var events: [Int32] = []
}

extension ExperimentRecord {
    /// Its lives: the main thread's first, then children and threads in the
    /// order they started (those that start together in the order the
    /// record shows them). One pass in time order: a fork or spawn opens a
    /// child's life and a reap closes it; a thread's start and end bracket
    /// its life, and a tid started again opens a new one (race's second
    /// run). A child's own event belongs to its open life; one recorded
    /// before the parent recorded its fork opens the life, which the fork
    /// then joins. A reap without a fork is a life of an instant. A thread
    /// of a child (a program of its own) is a life of its own, as forklab's
    /// threads are; the child's reap cuts off those with no end. A `tree`
    /// fork opens a life for its new process, and its exit closes it; the
    /// fork belongs to its parent's open life (forklab's for the root), an
    /// orphan's adoption and an exit to the process's, and an adoption or
    /// exit with no open life is a life of an instant.
    var lives: [Life] {
        var builder = LivesBuilder(record: self)
        for index in events.indices { builder.add(index) }
        return builder.finished()
    }
}

private struct LivesBuilder {
    let record: ExperimentRecord
    var main: Life
    var others: [Life] = []
    /// Index into `others` of the life still open, by child pid or thread tid.
    var openChildren: [Int32: Int] = [:]
    var openThreads: [Int32: Int] = [:]
    /// Index into `others` of the open life of each process of `tree`, by pid.
    var openTree: [Int32: Int] = [:]
    var forks = 0
    /// Whether the experiment ran as a program of its own (`exit after T`).
    let programs: Bool
    /// When a child's main thread printed its last line (a program's main
    /// line, just before its exit), by pid.
    var lastMainLine: [Int32: UInt64] = [:]

    init(record: ExperimentRecord) {
        self.record = record
        let threaded: Bool
        switch record.experiment {
        case .threads, .produce, .race, .deadlock: threaded = true
        case .fork, .forkExit, .spawn, .tree: threaded = false
        }
        programs = record.experiment.runsAsProgram
        // With a program of its own, the main thread is the program's: forklab is its parent.
        // tree's processes have names of their own (`a 4100`): forklab is named as itself.
        let named: Bool = if case .tree = record.experiment { true } else { programs }
        main = Life(kind: .main, pid: record.parent, tid: record.parent,
                    name: named ? "forklab \(record.parent)" : threaded ? "main thread" : "parent \(record.parent)",
                    start: 0)
    }

    mutating func add(_ index: Int) {
        let occurrence = record.events[index]
        if case let .trace(.tree(event)) = occurrence.what {
            addTree(event, occurrence.time, index)
        } else if case let .unprinted(.tree(event)) = occurrence.what {
            addTree(event, occurrence.time, index)
        } else if occurrence.pid != record.parent && occurrence.tid != occurrence.pid {
            addThread(occurrence, index)  // a thread of a program of its own
        } else if occurrence.pid != record.parent {
            others[openChild(occurrence.pid, at: occurrence.time)].events.append(Int32(index))
            if occurrence.what == .mainPrinted { lastMainLine[occurrence.pid] = occurrence.time }
        } else if occurrence.tid == record.parent {
            main.events.append(Int32(index))
            addParent(occurrence)
        } else {
            addThread(occurrence, index)
        }
    }

    private mutating func addParent(_ occurrence: Occurrence) {
        let time = occurrence.time
        switch occurrence.what {
        case let .trace(.forked(_, child)), let .trace(.spawned(child)), let .unprinted(.forked(_, child)),
             let .unprinted(.spawned(child)):
            forks += 1
            if let index = openChildren[child], others[index].child == nil {
                // The child recorded something before the parent saw fork return.
                others[index].child = forks
            } else {
                if let index = openChildren[child] { others[index].end = time }
                openChildren[child] = others.count
                others.append(newChild(child, start: time, child: forks))
            }
        case let .trace(.reaped(child, status)), let .unprinted(.reaped(child, status)):
            if let index = openChildren.removeValue(forKey: child) {
                others[index].end = time
                others[index].status = status
            } else {
                var life = newChild(child, start: time)
                life.end = time
                life.status = status
                others.append(life)
            }
            cutOffThreads(of: child, reapedAt: time)
        case .trace(.summary):
            main.end = time
        default:
            break
        }
    }

    /// A `tree` event, whoever recorded it (forklab records them all).
    private mutating func addTree(_ event: TreeEvent, _ time: UInt64, _ index: Int) {
        switch event {
        case let .forked(parent, child):
            if let open = openTree[parent.pid] {
                others[open].events.append(Int32(index))
            } else if parent.pid == record.parent {
                main.events.append(Int32(index))
            }
            forks += 1
            // A pid the kernel gave again before its exit was recorded: the old life ends here.
            if let open = openTree[child.pid], others[open].end == nil { others[open].end = time }
            openTree[child.pid] = others.count
            others.append(Life(kind: .tree, pid: child.pid, tid: child.pid, name: "\(child.name) \(child.pid)",
                               start: time, child: forks))
        case let .orphaned(member, _):
            others[treeLife(member, at: time)].events.append(Int32(index))
        case let .exited(member):
            let life = treeLife(member, at: time)
            others[life].events.append(Int32(index))
            others[life].end = time
            openTree[member.pid] = nil
        case .list, .drawn:
            main.events.append(Int32(index))
        }
    }

    /// The open life of `tree`'s process `member`, or a new one from `time`.
    private mutating func treeLife(_ member: TreeMember, at time: UInt64) -> Int {
        if let open = openTree[member.pid] { return open }
        openTree[member.pid] = others.count
        others.append(Life(kind: .tree, pid: member.pid, tid: member.pid, name: "\(member.name) \(member.pid)",
                           start: time))
        return others.count - 1
    }

    private mutating func addThread(_ occurrence: Occurrence, _ event: Int) {
        let tid = occurrence.tid, time = occurrence.time
        let index: Int
        if case let .threadStarted(role, number) = occurrence.what {
            if let open = openThreads[tid], others[open].end == nil { others[open].end = time }
            index = others.count
            others.append(Life(kind: .thread(role), pid: occurrence.pid, tid: tid, name: role.laneName(number),
                               start: time))
            openThreads[tid] = index
        } else if let open = openThreads[tid] {
            index = open
        } else {
            // A thread whose start was not recorded is known by its events.
            let name: String
            switch occurrence.what {
            case let .threadEnded(role, number): name = role.laneName(number)
            case let .threadPrinted(thread, _): name = "thread \(thread)"
            case let .put(producer, _): name = "producer \(producer)"
            case let .got(consumer, _, _): name = "consumer \(consumer)"
            case let .slept(_, number, role, _): name = role.laneName(number)
            case let .lockWait(thread, _), let .lockHeld(thread, _), let .lockReleased(thread, _):
                name = ThreadRole.counting.laneName(thread)
            case let .conditionWait(number, role, _, _), let .conditionWoke(number, role, _, _):
                name = role.laneName(number)
            case let .emptyWakeup(consumer): name = ThreadRole.consumer.laneName(consumer)
            default: name = "tid \(tid)"
            }
            index = others.count
            others.append(Life(kind: .thread(nil), pid: occurrence.pid, tid: tid, name: name, start: time))
            openThreads[tid] = index
        }
        others[index].events.append(Int32(event))
        // Only a record made by hand has a thread's event after its process's reap.
        if others[index].cutOff, let end = others[index].end, time > end { others[index].end = time }
        if case .threadEnded = occurrence.what {
            others[index].end = time
            openThreads[tid] = nil
        }
    }

    /// The open life of child `pid`, or a new one from `time`: the child
    /// wrote before the parent recorded its fork.
    private mutating func openChild(_ pid: Int32, at time: UInt64) -> Int {
        if let index = openChildren[pid] { return index }
        openChildren[pid] = others.count
        others.append(newChild(pid, start: time))
        return others.count - 1
    }

    /// A child's life from `start`: a program of its own, or a child.
    private func newChild(_ pid: Int32, start: UInt64, child: Int? = nil) -> Life {
        programs ? Life(kind: .program, pid: pid, tid: pid, name: "program \(pid)", start: start, child: child)
            : Life(kind: .child, pid: pid, tid: pid, name: "child \(pid)", start: start, child: child)
    }

    /// Child `pid` was reaped at `time`: its threads with no end ended
    /// with it, cut off where its main thread printed its last line (its
    /// exit follows at once), or at the reap when it printed none (a
    /// signal ended it). They stay open in `openThreads`, as
    /// `lifeCountBound` keeps them, so an event of theirs after this (only
    /// a hand-made record has one) joins the same life.
    private mutating func cutOffThreads(of pid: Int32, reapedAt time: UInt64) {
        for index in openThreads.values where others[index].pid == pid && others[index].end == nil {
            let last = others[index].events.last.map { record.events[Int($0)].time } ?? others[index].start
            others[index].end = max(lastMainLine[pid] ?? time, last)
            others[index].cutOff = true
        }
    }

    func finished() -> [Life] {
        let inOrder = others.indices.sorted { (others[$0].start, $0) < (others[$1].start, $1) }
        return [main] + inOrder.map { others[$0] }
    }
}

extension ExperimentRecord {
    /// How many lives `lives` gives, at most, counted without building
    /// them: the same pass in time order, keeping only which child pids
    /// and thread tids have a life open (and whether an open child's fork
    /// was seen) and which processes of `tree` have one, one bit each; a
    /// thread of a program of its own counts as forklab's threads do. Exact
    /// for ids below 2²² (Linux's largest pid_max); an event with any other
    /// id counts as a life of its own. A view checks that it has the memory
    /// for this many lives before it builds them (see `ViewMemory`); the bit
    /// sets take 2 MiB.
    var lifeCountBound: Int {
        var openChildren = IDSet(), forkSeen = IDSet(), openThreads = IDSet(), openTree = IDSet()
        var count = 1  // the main thread's
        /// A thread's event: it opens a life when it is a start, or when no
        /// life of its tid is open.
        func countThread(_ occurrence: Occurrence) {
            let tid = occurrence.tid
            guard openThreads.holds(tid) else {
                count += 1
                return
            }
            if case .threadStarted = occurrence.what {
                count += 1
                openThreads.insert(tid)
            } else if !openThreads.contains(tid) {
                count += 1
                openThreads.insert(tid)
            }
            if case .threadEnded = occurrence.what { openThreads.remove(tid) }
        }
        /// A `tree` event: a fork opens a life, an adoption or exit of a
        /// process with none open opens one, an exit closes it.
        func countTree(_ event: TreeEvent) {
            switch event {
            case let .forked(_, child):
                count += 1
                if openTree.holds(child.pid) { openTree.insert(child.pid) }
            case let .orphaned(member, _), let .exited(member):
                guard openTree.holds(member.pid) else {
                    count += 1
                    return
                }
                if !openTree.contains(member.pid) {
                    count += 1
                    openTree.insert(member.pid)
                }
                if case .exited = event { openTree.remove(member.pid) }
            case .list, .drawn:
                break
            }
        }
        for occurrence in events {
            if case let .trace(.tree(event)) = occurrence.what {
                countTree(event)
            } else if case let .unprinted(.tree(event)) = occurrence.what {
                countTree(event)
            } else if occurrence.pid != parent && occurrence.tid != occurrence.pid {
                countThread(occurrence)  // a thread of a program of its own
            } else if occurrence.pid != parent {
                // A child's own event opens a life unless one is open.
                guard openChildren.holds(occurrence.pid) else {
                    count += 1
                    continue
                }
                if !openChildren.contains(occurrence.pid) {
                    count += 1
                    openChildren.insert(occurrence.pid)
                    forkSeen.remove(occurrence.pid)
                }
            } else if occurrence.tid == parent {
                switch occurrence.what {
                case let .trace(.forked(_, child)), let .trace(.spawned(child)), let .unprinted(.forked(_, child)),
                     let .unprinted(.spawned(child)):
                    guard openChildren.holds(child) else {
                        count += 1
                        continue
                    }
                    if openChildren.contains(child) && !forkSeen.contains(child) {
                        forkSeen.insert(child)  // joins the life the child's own event opened
                    } else {
                        count += 1
                        openChildren.insert(child)
                        forkSeen.insert(child)
                    }
                case let .trace(.reaped(child, _)), let .unprinted(.reaped(child, _)):
                    guard openChildren.holds(child), openChildren.contains(child) else {
                        count += 1  // a reap without a fork is a life of an instant
                        continue
                    }
                    openChildren.remove(child)
                    forkSeen.remove(child)
                default:
                    break
                }
            } else {
                countThread(occurrence)
            }
        }
        return count
    }
}

/// A set of pids or tids below 2²², one bit each (512 KiB).
private struct IDSet {
    static let limit: Int32 = 1 << 22
    private var words = [UInt64](repeating: 0, count: Int(limit) / 64)

    /// Whether `id` can be kept here.
    func holds(_ id: Int32) -> Bool { id >= 0 && id < Self.limit }
    func contains(_ id: Int32) -> Bool { words[Int(id) >> 6] & (1 << UInt64(id & 63)) != 0 }
    mutating func insert(_ id: Int32) { words[Int(id) >> 6] |= 1 << UInt64(id & 63) }
    mutating func remove(_ id: Int32) { words[Int(id) >> 6] &= ~(1 << UInt64(id & 63)) }
}
