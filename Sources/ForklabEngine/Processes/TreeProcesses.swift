import Glibc
import CForklabSystem

/// The living processes of a `tree` command and forklab's channel to each:
/// orders go out (fork, exit, reap) and reports come back (tree.c).
///
/// Each process's parent is what the kernel last said (/proc/PID/stat),
/// not what the list implies, so an orphan's adopter is the kernel's.
struct TreeProcesses {
    struct Process {
        let name: String
        let pid: pid_t
        /// forklab's end of the process's socket.
        let channel: Int32
        /// Its parent, as /proc last showed it.
        var parent: pid_t
        /// When it was forked: a parent is always forked before its
        /// children, adopted ones included (an adopter is an ancestor).
        let order: Int
    }

    /// Why an order could not be carried out.
    enum Failure: Error {
        /// A stop (Ctrl-C, SIGTERM, output gone) came while waiting.
        case stopped
        /// A call failed: `call` names it.
        case system(call: String, Errno)
        /// The process stopped answering: killed from outside.
        case lost(TreeMember)
    }

    private(set) var living: [String: Process] = [:]
    /// forklab's pid: the root's parent.
    let forklab: pid_t
    /// The root's pid, which is also the tree's process group; 0 before it.
    private(set) var group: pid_t = 0
    private var forked = 0
    /// Called while waiting when a wake-up came: true to stop waiting.
    let shouldStop: () -> Bool

    init(forklab: pid_t, shouldStop: @escaping () -> Bool) {
        self.forklab = forklab
        self.shouldStop = shouldStop
    }

    /// The named process, or a member for a pid that is not one of the
    /// tree's: `forklab`, `init`, `?`.
    func member(_ pid: pid_t) -> TreeMember {
        if let process = living.values.first(where: { $0.pid == pid }) { return TreeMember(name: process.name, pid: pid) }
        if pid == forklab { return TreeMember(name: "forklab", pid: pid) }
        if pid == 1 { return TreeMember(name: "init", pid: pid) }
        return TreeMember(name: "?", pid: pid)
    }

    func member(named name: String) -> TreeMember? {
        living[name].map { TreeMember(name: name, pid: $0.pid) }
    }

    /// Forks the root, in a process group of its own, a subreaper.
    mutating func startRoot(_ name: String) throws(Failure) -> pid_t {
        let (mine, theirs) = try channel()
        let pid = fl_tree_start_root(mine, theirs)
        let error = Errno.current
        System.close(theirs)
        guard pid > 0 else {
            System.close(mine)
            throw .system(call: "fork", error)
        }
        group = pid
        living[name] = Process(name: name, pid: pid, channel: mine, parent: forklab, order: forked)
        forked += 1
        let hello = try awaitReport(mine, from: TreeMember(name: name, pid: pid))
        guard hello.kind == Int32(FL_TREE_HELLO), hello.value == Int64(pid) else {
            throw .system(call: "fork", Errno(rawValue: EPROTO))
        }
        return pid
    }

    /// Tells `parent` to fork `child` (a subreaper when `subreaper`), and
    /// waits for both to report. Returns the child's pid.
    mutating func fork(_ parentName: String, _ childName: String, subreaper: Bool) throws(Failure) -> pid_t {
        guard let parent = living[parentName] else { throw .system(call: "fork", Errno(rawValue: ESRCH)) }
        let (mine, theirs) = try channel()
        let sent = fl_tree_send(parent.channel, Int32(FL_TREE_FORK), subreaper ? FL_TREE_SUBREAPER : 0, 0, theirs)
        let sendError = Errno.current
        System.close(theirs)
        guard sent == 0 else {
            System.close(mine)
            throw .lost(TreeMember(name: parent.name, pid: parent.pid)).orSystem(sendError, "sendmsg")
        }
        let reply: fl_tree_message
        do throws(Failure) {
            reply = try awaitReport(parent.channel, from: TreeMember(name: parent.name, pid: parent.pid))
        } catch {
            System.close(mine)
            throw error
        }
        guard reply.kind == Int32(FL_TREE_FORKED), reply.value > 0 else {
            System.close(mine)
            throw .system(call: "fork in \(parent.name) \(parent.pid)", Errno(rawValue: Int32(clamping: -reply.value)))
        }
        let pid = pid_t(reply.value)
        living[childName] = Process(name: childName, pid: pid, channel: mine, parent: parent.pid, order: forked)
        forked += 1
        let hello = try awaitReport(mine, from: TreeMember(name: childName, pid: pid))
        guard hello.kind == Int32(FL_TREE_HELLO), hello.value == Int64(pid) else {
            throw .system(call: "fork", Errno(rawValue: EPROTO))
        }
        return pid
    }

    /// Tells `name` to exit and its parent (the kernel's) to reap it; when
    /// its parent is forklab (the root), `reapRoot` reaps it. Returns who
    /// reaped it and the processes that were its children, with the parent
    /// each has now, read from /proc once it is gone.
    mutating func exit(_ name: String, reapRoot: (pid_t) throws(Failure) -> Void)
        throws(Failure) -> (reaper: TreeMember, orphans: [(TreeMember, TreeMember)]) {
        guard let process = living[name] else { throw .system(call: "exit", Errno(rawValue: ESRCH)) }
        let me = TreeMember(name: name, pid: process.pid)
        let parentPID = kernelParent(process.pid) ?? process.parent
        let reaper = member(parentPID)
        let children = living.values.filter { $0.parent == process.pid }.sorted { $0.order < $1.order }
        guard fl_tree_send(process.channel, Int32(FL_TREE_EXIT), 0, 0, -1) == 0 else { throw .lost(me) }
        if parentPID == forklab {
            try reapRoot(process.pid)
        } else {
            guard let parent = living.values.first(where: { $0.pid == parentPID }) else {
                throw .system(call: "reap \(name) \(process.pid): its parent \(parentPID) is not one of the tree's", Errno(rawValue: ECHILD))
            }
            let from = TreeMember(name: parent.name, pid: parent.pid)
            guard fl_tree_send(parent.channel, Int32(FL_TREE_REAP), 0, Int64(process.pid), -1) == 0 else { throw .lost(from) }
            let reply = try awaitReport(parent.channel, from: from)
            guard reply.kind == Int32(FL_TREE_REAPED), reply.value == Int64(process.pid) else {
                throw .system(call: "waitpid in \(parent.name) \(parent.pid)", Errno(rawValue: Int32(clamping: -reply.value)))
            }
        }
        System.close(process.channel)
        living[name] = nil
        // The kernel moved them when the process ended, before its parent could reap it.
        var orphans: [(TreeMember, TreeMember)] = []
        for child in children {
            let now = kernelParent(child.pid) ?? 0
            living[child.name]?.parent = now
            orphans.append((TreeMember(name: child.name, pid: child.pid), member(now)))
        }
        return (reaper, orphans)
    }

    /// The processes alive, in the order they were forked.
    var inOrder: [Process] { living.values.sorted { $0.order < $1.order } }

    /// Reads every living process's parent from /proc and draws the tree.
    mutating func drawing(unicode: Bool) -> TreeDrawing {
        for process in inOrder {
            if let parent = kernelParent(process.pid) { living[process.name]?.parent = parent }
        }
        let processes = inOrder
        let pids = Set(processes.map(\.pid))
        var rows: [TreeDrawing.Row] = []
        func add(_ process: Process, lasts: [Bool]) {
            rows.append(TreeDrawing.Row(member: TreeMember(name: process.name, pid: process.pid), lasts: lasts))
            let children = processes.filter { $0.parent == process.pid }
            for (index, child) in children.enumerated() { add(child, lasts: lasts + [index == children.count - 1]) }
        }
        // Tops: the root, and any whose parent is not in the tree (none, by the rules).
        for process in processes where !pids.contains(process.parent) { add(process, lasts: []) }
        return TreeDrawing(rows: rows, unicode: unicode)
    }

    /// Ends every process of the tree at once: SIGKILL to its group.
    func killAll() {
        if group > 0 { _ = Glibc.kill(-group, SIGKILL) }
    }

    /// Closes forklab's ends of the channels (a process still alive then
    /// reads the end of its socket and exits).
    mutating func closeAll() {
        for process in living.values { System.close(process.channel) }
        living = [:]
    }

    /// The parent /proc/PID/stat shows, or nil when it cannot be read.
    func kernelParent(_ pid: pid_t) -> pid_t? {
        var stat = fl_process_stat()
        guard fl_process_stat(pid, &stat) == 0 else { return nil }
        return stat.parent
    }

    private func channel() throws(Failure) -> (Int32, Int32) {
        var mine: Int32 = -1
        var theirs: Int32 = -1
        guard fl_tree_channel(&mine, &theirs) == 0 else { throw .system(call: "socketpair", .current) }
        return (mine, theirs)
    }

    /// Waits for one report on `channel`; a stop request ends the wait.
    private func awaitReport(_ channel: Int32, from member: TreeMember) throws(Failure) -> fl_tree_message {
        while true {
            var entries = [pollfd(fd: channel, events: Int16(POLLIN), revents: 0),
                           pollfd(fd: Interruption.wakeDescriptor, events: Int16(POLLIN), revents: 0)]
            let ready = poll(&entries, 2, -1)
            if ready < 0 {
                if Errno.current == .interrupted { if shouldStop() { throw .stopped } else { continue } }
                throw .system(call: "poll", .current)
            }
            if entries[1].revents != 0 {
                Interruption.drainWakeUps()
                if shouldStop() { throw .stopped }
            }
            guard entries[0].revents != 0 else { continue }
            var message = fl_tree_message()
            let got = fl_tree_receive(channel, &message)
            if got == 1 { return message }
            if got == 0 { throw .lost(member) }
            if Errno.current == .interrupted { continue }
            throw .lost(member)
        }
    }
}

extension TreeProcesses.Failure {
    /// A send that failed: the process is gone (EPIPE, ECONNRESET), or a call failed.
    fileprivate func orSystem(_ error: Errno, _ call: String) -> TreeProcesses.Failure {
        if error.rawValue == EPIPE || error.rawValue == ECONNRESET { return self }
        return .system(call: call, error)
    }
}
