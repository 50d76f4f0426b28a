/// What `tree` runs: real processes that fork and exit as a list says.
public struct TreePlan: Hashable, Sendable {
    /// One action: `parent` forks a new process `child`, or `name` exits.
    public enum Action: Hashable, Sendable {
        case fork(parent: String, child: String)
        case exit(String)
    }

    /// How `tree random` made the list, printed first with it.
    public struct Origin: Hashable, Sendable {
        public var count: Int
        public var seed: UInt64
        public var forkPercent: Int

        public init(count: Int, seed: UInt64, forkPercent: Int) {
            self.count = count
            self.seed = seed
            self.forkPercent = forkPercent
        }
    }

    /// Checked by the parser: every name alive where it is used, the root
    /// `a` never exiting, at most `Limits.treeAlive` alive at once.
    public var actions: [Action]
    /// Every process a child subreaper (orphans go to the exiting
    /// process's parent); else only the root.
    public var local: Bool
    /// Draw the tree after every action, not only at the end.
    public var steps: Bool
    /// Set for `tree random`: the list is printed first.
    public var origin: Origin?
    /// Draw with box-drawing characters, else ASCII (as the timeline does).
    public var unicode: Bool

    public init(actions: [Action], local: Bool, steps: Bool, origin: Origin? = nil, unicode: Bool = true) {
        self.actions = actions
        self.local = local
        self.steps = steps
        self.origin = origin
        self.unicode = unicode
    }

    /// The root's name.
    public static let root = "a"

    /// The list as it is typed: `a+b,b+c,b-`.
    public var list: String {
        actions.map { action in
            switch action {
            case let .fork(parent, child): return "\(parent)+\(child)"
            case let .exit(name): return "\(name)-"
            }
        }.joined(separator: ",")
    }

    /// ` local`, ` steps`, as typed.
    var flags: String { (local ? " local" : "") + (steps ? " steps" : "") }
}

/// A process of a tree, as a line names it: `b 4101`. Not one of the
/// tree's: `forklab 4000`, `init 1`, or `? PID`.
public struct TreeMember: Hashable, Sendable {
    public var name: String
    public var pid: Int32

    public init(name: String, pid: Int32) {
        self.name = name
        self.pid = pid
    }
}

/// The tree as the kernel reported it, one row a process, parents before
/// their children, siblings in the order they were forked.
public struct TreeDrawing: Hashable, Sendable {
    public struct Row: Hashable, Sendable {
        public var member: TreeMember
        /// For each level below the top, down to this row's: whether the
        /// ancestor at that level (this row, last) is the last of its
        /// siblings. Empty for a top row.
        public var lasts: [Bool]

        public init(member: TreeMember, lasts: [Bool]) {
            self.member = member
            self.lasts = lasts
        }
    }

    public var rows: [Row]
    public var unicode: Bool

    public init(rows: [Row], unicode: Bool) {
        self.rows = rows
        self.unicode = unicode
    }

    /// The drawing's lines: `a 4100`, `├─ b 4101`, `│  └─ c 4102`; in
    /// ASCII `|- `, `` `- `` and `|  `.
    public var lines: [String] {
        let (branch, last, through) = unicode ? ("├─ ", "└─ ", "│  ") : ("|- ", "`- ", "|  ")
        return rows.map { row in
            var line = ""
            for (level, isLast) in row.lasts.enumerated() {
                if level == row.lasts.count - 1 {
                    line += isLast ? last : branch
                } else {
                    line += isLast ? "   " : through
                }
            }
            return line + "\(row.member.name) \(row.member.pid)"
        }
    }
}

/// What `tree` did, for its summary.
public struct TreeOutcome: Hashable, Sendable {
    /// Processes forked, the root included.
    public var forked: Int
    /// Exits the list asked for that happened.
    public var exits: Int
    /// Orphans, and how many each adopter took (by name), in adoption order.
    public var orphans: Int
    public var adopters: [TreeMember: Int]
    /// Processes alive after the last action, which then exited and were
    /// reaped (the root last).
    public var endExits: Int
    public var reaped: Int
    /// Every process was a subreaper (`local`).
    public var local: Bool
    /// From each fork order to both reports (the parent's and the child's).
    public var forkTime: UInt64
    /// Actions carried out, of those listed.
    public var actionsDone: Int
    public var actions: Int

    public init(forked: Int = 0, exits: Int = 0, orphans: Int = 0, adopters: [TreeMember: Int] = [:], endExits: Int = 0,
                reaped: Int = 0, local: Bool = false, forkTime: UInt64 = 0, actionsDone: Int = 0, actions: Int = 0) {
        self.forked = forked
        self.exits = exits
        self.orphans = orphans
        self.adopters = adopters
        self.endExits = endExits
        self.reaped = reaped
        self.local = local
        self.forkTime = forkTime
        self.actionsDone = actionsDone
        self.actions = actions
    }
}

/// What `tree` reports, each a line.
public enum TreeEvent: Hashable, Sendable {
    /// `tree random`'s list, as a command that can be typed back:
    /// `tree a+b,b+c # random 2 seed 7 forks 70`.
    case list(command: String)
    /// `a 4100 forks b 4101`.
    case forked(parent: TreeMember, child: TreeMember)
    /// `b 4101 exits`.
    case exited(TreeMember)
    /// `c 4102 is an orphan: its parent is now a 4100`, the parent read
    /// from /proc/PID/stat.
    case orphaned(TreeMember, parent: TreeMember)
    /// The tree, read from the kernel.
    case drawn(TreeDrawing)
}

extension TreeEvent {
    /// The event's text: one line, or the drawing's lines joined by newlines.
    public var text: String {
        switch self {
        case let .list(command): return command
        case let .forked(parent, child): return "\(parent.name) \(parent.pid) forks \(child.name) \(child.pid)"
        case let .exited(member): return "\(member.name) \(member.pid) exits"
        case let .orphaned(member, parent):
            return "\(member.name) \(member.pid) is an orphan: its parent is now \(parent.name) \(parent.pid)"
        case let .drawn(drawing): return drawing.lines.joined(separator: "\n")
        }
    }
}
