import Glibc
import CForklabSystem

/// The processes a command started, and those they started in turn, found
/// through /proc.
///
/// forklab is a child subreaper (`Lab.adoptOrphans`): a process whose
/// parent ends before it does becomes forklab's child, not init's. So once
/// a command's own children are reaped, whatever they left running is a
/// child of forklab, or below one; and while they run, every descendant is
/// below one of forklab's children. Processes that were forklab's children
/// before the command began (a program that exec'd forklab may have left
/// some) are not the command's, and neither is anything below them.
struct Family {
    /// forklab's pid.
    let root: pid_t
    /// forklab's children when the command began: not the command's.
    private var former: Set<pid_t>
    /// forklab's process group: a terminal's Ctrl-C reached every member.
    private let group: pid_t

    /// A member of the family, as /proc showed it.
    struct Member {
        let pid: pid_t
        let group: pid_t
        /// Ended, not yet reaped: no signal reaches it.
        let zombie: Bool
    }

    /// Takes note of the children `root` has now, which are not the next
    /// command's.
    init(root: pid_t) {
        self.root = root
        group = getpgrp()
        former = Set(Self.children(of: root) ?? [])
    }

    /// Leaves `pids` (children held as zombies, `noreap`) out of the
    /// command's processes, as if they were there before it began: nothing
    /// here reaps or signals them.
    mutating func leave(_ pids: [pid_t]) {
        former.formUnion(pids)
    }

    /// The command's processes that are forklab's children: those it
    /// started, and orphans of theirs that came back to forklab. Nil when
    /// /proc cannot be read.
    func children() -> [pid_t]? {
        Self.children(of: root)?.filter { !former.contains($0) }
    }

    /// Every process of the command, forklab's children first, then what
    /// is below them (parents before children); nil when /proc cannot be
    /// read.
    func members() -> [Member]? {
        guard let top = children() else { return nil }
        return Self.tree(below: top)
    }

    /// Sends `signal` to every living process of the command, or, with
    /// `outsideGroup`, to those outside forklab's process group (a
    /// terminal's Ctrl-C already reached the others). Returns false when
    /// /proc could not be read (nobody was signalled).
    @discardableResult
    func signal(_ signal: Int32, outsideGroup: Bool = false) -> Bool {
        guard let members = members() else { return false }
        for member in members where !member.zombie && (!outsideGroup || member.group != group) {
            System.signal(member.pid, signal)
        }
        return true
    }

    /// Ends and reaps what the command's children left behind once they
    /// are reaped themselves: every process still below forklab gets
    /// SIGKILL (the command is over, and nothing may outlive it) and, once
    /// it has come back to forklab, is reaped; an orphan that had ended on
    /// its own is only reaped.
    /// - Returns: how many were still running, and ended here.
    func endLeftovers() -> Int {
        var ended = Set<pid_t>()
        while let orphans = children(), !orphans.isEmpty {
            var reaped = false
            for pid in orphans where (try? System.reapIfEnded(pid)) != nil { reaped = true }
            for member in Self.tree(below: orphans) where !member.zombie {
                if ended.insert(member.pid).inserted { System.signal(member.pid, SIGKILL) }
            }
            // An orphan's death, or one of its children coming back, wakes
            // this with SIGCHLD; the timeout is only a second look.
            if !reaped { System.awaitWakeUp(timeoutMilliseconds: 100) }
        }
        return ended.count
    }

    /// The processes `top` and everything below them, parents first.
    private static func tree(below top: [pid_t]) -> [Member] {
        var members: [Member] = []
        var queue = top
        var next = 0
        while next < queue.count {
            let pid = queue[next]
            next += 1
            var stat = fl_process_stat()
            guard fl_process_stat(pid, &stat) == 0 else { continue }  // gone meanwhile
            let zombie = stat.state == CChar(UInt8(ascii: "Z"))
            members.append(Member(pid: pid, group: stat.group, zombie: zombie))
            if !zombie, let below = children(of: pid) { queue.append(contentsOf: below) }
        }
        return members
    }

    /// The children of `pid` (fl_children_of); nil when /proc cannot be read.
    static func children(of pid: pid_t) -> [pid_t]? {
        var capacity = 64
        while true {
            var pids = [pid_t](repeating: 0, count: capacity)
            let count = Int(fl_children_of(pid, &pids, Int32(capacity)))
            if count < 0 { return nil }
            if count <= capacity { return Array(pids[..<count]) }
            capacity = count + 64
        }
    }
}
