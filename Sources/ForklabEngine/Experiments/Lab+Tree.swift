import Glibc

extension Lab {
    /// `tree ACTIONS [local] [steps]`: forks the root, then carries out each
    /// action with real processes (TreeProcesses), printing a line for each
    /// fork, exit and orphan, the orphan's new parent read from /proc; draws
    /// the tree the kernel reports (after each action with `steps`), then
    /// ends every process, children before parents, each reaped by its
    /// parent and the root by forklab. A stop kills the whole tree at once.
    func runTree(_ plan: TreePlan) throws(LabError) {
        if let origin = plan.origin {
            emit(.tree(.list(command: "tree \(plan.list)\(plan.flags)  # random \(origin.count) seed \(origin.seed) forks \(origin.forkPercent)")))
        }
        var tree = TreeProcesses(forklab: pid, shouldStop: { self.checkStop() })
        var outcome = TreeOutcome(local: plan.local, actions: plan.actions.count)
        var failure: LabError?
        var reaper = Reaper(grace: killGrace, pids: reaperPIDs, family: family)
        var rootPID: pid_t = 0
        // The root is forklab's child: reaped here, by pid. So is any process
        // forklab would have adopted (none, while the root is a subreaper),
        // lest it wait for the root instead.
        func reapRoot(_ pid: pid_t) throws(TreeProcesses.Failure) {
            if pid == rootPID {
                reaper.reapAll { _, _ in }
            } else {
                while true {
                    let ended: WaitStatus?
                    do throws(Errno) { ended = try System.reapIfEnded(pid) } catch { throw .system(call: "waitpid", error) }
                    if ended != nil { break }
                    if checkStop() { throw .stopped }
                    System.awaitWakeUp(timeoutMilliseconds: 100)
                }
            }
            if checkStop() { throw .stopped }
        }
        do throws(TreeProcesses.Failure) {
            let root = try tree.startRoot(TreePlan.root)
            rootPID = root
            reaper.add(root)
            outcome.forked = 1
            emit(.tree(.forked(parent: tree.member(pid), child: TreeMember(name: TreePlan.root, pid: root))), printed: false)
            for action in plan.actions {
                guard !checkStop() else { throw .stopped }
                switch action {
                case let .fork(parent, child):
                    let began = System.now()
                    let childPID = try tree.fork(parent, child, subreaper: plan.local)
                    outcome.forkTime &+= System.now() &- began
                    outcome.forked += 1
                    emit(.tree(.forked(parent: tree.member(named: parent) ?? TreeMember(name: parent, pid: 0),
                                       child: TreeMember(name: child, pid: childPID))))
                case let .exit(name):
                    let member = tree.member(named: name) ?? TreeMember(name: name, pid: 0)
                    let (_, orphans) = try tree.exit(name, reapRoot: reapRoot)
                    outcome.exits += 1
                    emit(.tree(.exited(member)))
                    for (orphan, parent) in orphans {
                        outcome.orphans += 1
                        outcome.adopters[parent, default: 0] += 1
                        emit(.tree(.orphaned(orphan, parent: parent)))
                    }
                }
                outcome.actionsDone += 1
                if plan.steps { emit(.tree(.drawn(tree.drawing(unicode: plan.unicode)))) }
            }
            if !plan.steps { emit(.tree(.drawn(tree.drawing(unicode: plan.unicode)))) }
            // Children before parents: a parent was always forked before its
            // children, adopted ones included.
            for process in tree.inOrder.reversed() {
                guard !checkStop() else { throw .stopped }
                _ = try tree.exit(process.name, reapRoot: reapRoot)
                outcome.endExits += 1
                emit(.tree(.exited(TreeMember(name: process.name, pid: process.pid))), printed: false)
            }
        } catch {
            switch error {
            case .stopped: break
            case let .system(call, errno): failure = .system(call: "tree: \(call)", errno)
            case let .lost(member): failure = .treeProcessLost(name: member.name, pid: member.pid)
            }
            tree.killAll()
        }
        tree.closeAll()
        reaper.reapAll { _, _ in }
        // Everything but the root was reaped by its parent, or (after a
        // stop) comes back to forklab and is reaped by Lab.run's end.
        outcome.reaped = outcome.exits + outcome.endExits
        emit(.summary(.tree(outcome)))
        try finish(failure)
    }
}
