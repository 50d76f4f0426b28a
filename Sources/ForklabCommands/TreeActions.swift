/// One action of `tree`'s list: `X+Y` (process X forks a new process Y)
/// or `X-` (process X exits).
public enum TreeAction: Hashable, Sendable, CustomStringConvertible {
    case fork(parent: String, child: String)
    case exit(String)

    /// The action as it is typed: `a+b`, `b-`.
    public var description: String {
        switch self {
        case let .fork(parent, child): return "\(parent)+\(child)"
        case let .exit(name): return "\(name)-"
        }
    }
}

/// `tree`'s action lists: how one is read and checked, and how `tree
/// random` makes one.
public enum TreeActions {
    /// The root's name: forklab forks it before the first action.
    public static let root = "a"

    /// Reads and checks a list such as `a+b,b+c,b-`: every action well
    /// formed, every process it names alive at that point, every new name
    /// new, the root never exiting, and never more than
    /// `Limits.treeAlive` processes alive at once (the root included).
    /// - Throws: an error naming the first action that breaks a rule.
    public static func parse(_ text: String, command: String = "tree") throws(ParseError) -> [TreeAction] {
        let pieces = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard pieces.count <= Limits.treeActions.upperBound else {
            throw ParseError(.treeTooLong(command: command, count: pieces.count, limit: Limits.treeActions.upperBound))
        }
        var actions: [TreeAction] = []
        actions.reserveCapacity(pieces.count)
        for (index, piece) in pieces.enumerated() {
            guard let action = action(piece) else {
                throw ParseError(.badTreeAction(command: command, index: index + 1, action: piece, problem: .malformed))
            }
            actions.append(action)
        }
        try check(actions, command: command)
        return actions
    }

    /// `X+Y` or `X-` with names of 1…8 ASCII letters or digits; nil otherwise.
    private static func action(_ piece: String) -> TreeAction? {
        if piece.hasSuffix("-") {
            let name = String(piece.dropLast())
            return isName(name) ? .exit(name) : nil
        }
        let parts = piece.split(separator: "+", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, isName(parts[0]), isName(parts[1]) else { return nil }
        return .fork(parent: parts[0], child: parts[1])
    }

    /// Whether `text` is 1…8 ASCII letters or digits.
    public static func isName(_ text: String) -> Bool {
        (1...8).contains(text.utf8.count)
            && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x41...0x5a).contains($0) || (0x61...0x7a).contains($0) }
    }

    /// Checks a well-formed list against the rules of `parse`.
    static func check(_ actions: [TreeAction], command: String) throws(ParseError) {
        // Where each name was made and where it exited, by action number (0: the root).
        var born: [String: Int] = [root: 0]
        var died: [String: Int] = [:]
        var alive = 1
        for (offset, action) in actions.enumerated() {
            let index = offset + 1
            func fail(_ problem: ParseError.TreeProblem) -> ParseError {
                ParseError(.badTreeAction(command: command, index: index, action: action.description, problem: problem))
            }
            func requireAlive(_ name: String) throws(ParseError) {
                if let exit = died[name] { throw fail(.exited(name: name, at: exit, action: actions[exit - 1].description)) }
                if born[name] == nil {
                    let later = actions[index...].firstIndex { if case .fork(_, name) = $0 { true } else { false } }
                    throw fail(.notYet(name: name, bornLater: later.map { $0 + 1 }))
                }
            }
            switch action {
            case let .fork(parent, child):
                try requireAlive(parent)
                if let first = born[child] {
                    throw fail(.nameTaken(name: child, at: first, action: first == 0 ? nil : actions[first - 1].description))
                }
                guard alive < Limits.treeAlive else { throw fail(.tooMany(limit: Limits.treeAlive)) }
                born[child] = index
                alive += 1
            case let .exit(name):
                if name == root { throw fail(.rootExits) }
                try requireAlive(name)
                died[name] = index
                alive -= 1
            }
        }
    }

    /// `tree random N [seed S] [forks P]`: `count` actions, each a fork with
    /// probability `forkPercent` % (an exit when nothing else can exit, a
    /// fork never past `Limits.treeAlive` processes), the parent or the
    /// process that exits drawn among those alive. New names are b, c, …,
    /// z, aa, ab, … The same seed gives the same list.
    public static func random(count: Int, seed: UInt64, forkPercent: Int) -> [TreeAction] {
        var generator = SplitMix64(seed: seed)
        var alive = [root]
        var made = 1
        var actions: [TreeAction] = []
        actions.reserveCapacity(count)
        for _ in 0..<count {
            let canExit = alive.count > 1
            let canFork = alive.count < Limits.treeAlive
            let wantsFork = Int(generator.next() % 100) < forkPercent
            if canFork && (wantsFork || !canExit) {
                let parent = alive[Int(generator.next() % UInt64(alive.count))]
                let child = name(made)
                made += 1
                alive.append(child)
                actions.append(.fork(parent: parent, child: child))
            } else {
                let place = 1 + Int(generator.next() % UInt64(alive.count - 1))
                actions.append(.exit(alive.remove(at: place)))
            }
        }
        return actions
    }

    /// The name of the process made `number`-th (0: the root, `a`):
    /// letters counted as in spreadsheet columns, a…z, aa, ab, …
    static func name(_ number: Int) -> String {
        var value = number + 1
        var letters: [UInt8] = []
        while value > 0 {
            value -= 1
            letters.append(UInt8(ascii: "a") + UInt8(value % 26))
            value /= 26
        }
        return String(decoding: letters.reversed(), as: UTF8.self)
    }

    /// The list as it is typed: `a+b,b+c,b-`.
    public static func text(_ actions: [TreeAction]) -> String {
        actions.map(\.description).joined(separator: ",")
    }
}

/// SplitMix64 (Steele, Lea and Flood, 2014): a small generator whose
/// sequence is fixed by its seed on every platform, unlike the standard
/// library's, so that `tree random N seed S` gives the same list anywhere.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
