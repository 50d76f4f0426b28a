extension TreeOutcome {
    /// `tree: 5 processes forked, 1 exit, 2 orphans adopted by a 4100 (only
    /// the root is a subreaper); at the end 4 exited, children first, each
    /// reaped by its parent; 350 µs per fork`.
    var text: String {
        var text = actionsDone < actions
            ? "tree: stopped after \(actionsDone) of \(count(actions, "action", "actions")), "
                + "\(count(forked, "process", "processes")) forked"
            : "tree: \(count(forked, "process", "processes")) forked"
        text += ", \(count(exits, "exit", "exits"))"
        let roles = local ? "every process is a subreaper" : "only the root is a subreaper"
        if orphans == 0 {
            text += ", no orphan (\(roles))"
        } else {
            let byPID = adopters.sorted { $0.key.pid < $1.key.pid }
            let who = byPID.count == 1
                ? "\(byPID[0].key.name) \(byPID[0].key.pid)"
                : byPID.map { "\($0.key.name) \($0.key.pid) (\($0.value))" }.joined(separator: ", ")
            text += ", \(count(orphans, "orphan", "orphans")) adopted by \(who) (\(roles))"
        }
        if actionsDone == actions && endExits > 0 {
            text += "; at the end \(endExits) exited, children first, each reaped by its parent"
        }
        return text + cost(forkTime, forked - 1, "fork")
    }
}

extension JSONLines {
    /// The `event` name of a `tree` event.
    static func treeName(_ event: TreeEvent) -> String {
        switch event {
        case .list: return "tree_list"
        case .forked: return "tree_fork"
        case .exited: return "tree_exit"
        case .orphaned: return "tree_orphan"
        case .drawn: return "tree_drawing"
        }
    }

    /// A `tree` event's fields, values as JSON: both pids and both names
    /// for a fork and an orphan.
    static func treeFields(_ event: TreeEvent) -> [(String, String)] {
        switch event {
        case let .list(command):
            return [("command", command.jsonQuoted)]
        case let .forked(parent, child):
            return [("parent", "\(parent.pid)"), ("parent_name", parent.name.jsonQuoted),
                    ("child", "\(child.pid)"), ("child_name", child.name.jsonQuoted)]
        case let .exited(member):
            return [("process", "\(member.pid)"), ("name", member.name.jsonQuoted)]
        case let .orphaned(member, parent):
            return [("process", "\(member.pid)"), ("name", member.name.jsonQuoted),
                    ("parent", "\(parent.pid)"), ("parent_name", parent.name.jsonQuoted)]
        case let .drawn(drawing):
            let rows = drawing.rows.map {
                "{\"name\":\($0.member.name.jsonQuoted),\"pid\":\($0.member.pid),\"depth\":\($0.lasts.count)}"
            }
            return [("processes", "[" + rows.joined(separator: ",") + "]")]
        }
    }
}
