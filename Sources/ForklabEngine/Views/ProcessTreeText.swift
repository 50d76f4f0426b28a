extension ProcessTree {
    /// `ps`'s table: a header, then a line a process, parents before their
    /// children, each child under its parent with the tree's branches in
    /// box-drawing characters (or `|--`, `` `-- `` in ASCII):
    /// ```
    /// PID   PPID  STATE  COMMAND
    /// 4100  4000  S      forklab
    /// 4101  4100  Z      └── forklab <defunct>
    /// ```
    public func render(unicode: Bool) -> String {
        var rows: [(pid: String, parent: String, state: Character, command: String)] = []
        func walk(_ node: ProcessTree, prefix: String, branch: String) {
            let defunct = node.state == "Z" ? " <defunct>" : ""
            rows.append(("\(node.pid)", "\(node.parent)", node.state, prefix + branch + node.command + defunct))
            for (index, child) in node.children.enumerated() {
                let last = index == node.children.count - 1
                let below = branch.isEmpty ? "" : (branch == tee(unicode) ? (unicode ? "│   " : "|   ") : "    ")
                walk(child, prefix: prefix + below, branch: last ? corner(unicode) : tee(unicode))
            }
        }
        walk(self, prefix: "", branch: "")
        let pidWidth = max(3, rows.map(\.pid.count).max() ?? 0)
        let parentWidth = max(4, rows.map(\.parent.count).max() ?? 0)
        func pad(_ text: String, _ width: Int) -> String {
            text + String(repeating: " ", count: max(0, width - text.count))
        }
        var text = pad("PID", pidWidth) + "  " + pad("PPID", parentWidth) + "  STATE  COMMAND\n"
        for row in rows {
            text += pad(row.pid, pidWidth) + "  " + pad(row.parent, parentWidth) + "  " + pad(String(row.state), 5)
                + "  " + row.command + "\n"
        }
        return text
    }
}

/// The branch to a child that has a sibling after it.
private func tee(_ unicode: Bool) -> String { unicode ? "├── " : "|-- " }
/// The branch to the last child.
private func corner(_ unicode: Bool) -> String { unicode ? "└── " : "`-- " }
