/// What a character of the picture means, for the legend.
enum LegendKey: Int, Comparable {
    case alive, asleep, waitsForMutex, waitsOnCondition, fork, threadStart, threadEnd, cutOff, exec, program, printed, printedMany, lost, put, got, producerHigh
    case gotSeveral, emptyWakeup, exit, adopted, zombie, caught, reaped, summary

    static func < (a: LegendKey, b: LegendKey) -> Bool { a.rawValue < b.rawValue }
}

extension Lane {
    /// The lane's columns, and the meanings used in them.
    func draw(on grid: Scale, glyphs: Glyphs) -> (cells: [Character], keys: Set<LegendKey>) {
        var cells = [Character](repeating: " ", count: grid.columns)
        var keys = [LegendKey?](repeating: nil, count: grid.columns)
        let final = grid.column(last)
        for (time, stretch) in stretches.sorted(by: { $0.time < $1.time }) {
            let (character, key): (Character, LegendKey)
            switch stretch {
            case .alive: (character, key) = (glyphs.alive, .alive)
            case .program: (character, key) = (glyphs.program, .program)
            case .zombie: (character, key) = (glyphs.zombie, .zombie)
            }
            for column in min(grid.column(time), final)...final {
                cells[column] = character
                keys[column] = key
            }
        }
        // A sleep covers the columns it fills from its start; the column it
        // ends in shows the thread awake, where its line, put or get follows.
        for sleep in sleeps {
            let from = grid.column(sleep.start), to = min(grid.column(sleep.end), final)
            for column in from..<max(from, to) where keys[column] == .alive {
                cells[column] = glyphs.asleep
                keys[column] = .asleep
            }
        }
        // A wait likewise, up to the column it ended in; one never ended
        // runs to the lane's last column, which shows its cut-off.
        for wait in waits {
            let from = grid.column(wait.start), to = min(grid.column(wait.end), final)
            let key: LegendKey = if case .lock = wait.kind { .waitsForMutex } else { .waitsOnCondition }
            for column in from..<max(from, to) where keys[column] == .alive {
                cells[column] = glyphs.waiting
                keys[column] = key
            }
        }
        let first = grid.column(start)
        // Each column's marks by their place in `marks`, 4 bytes each rather
        // than a copy of 16: a lane may hold 131072 lines.
        var byColumn: [Int: [Int32]] = [:]
        for (index, mark) in marks.enumerated() { byColumn[grid.column(mark.time), default: []].append(Int32(index)) }
        let rank = { (index: Int32) in marks[Int(index)].mark.rank }
        // A mark hidden by a more telling one moves one column, towards
        // where it happened, when that column holds no mark: a child's line
        // right after its fork, a thread's start just before its first line.
        for column in byColumn.keys.sorted() {
            guard var here = byColumn[column], let topIndex = here.max(by: { rank($0) < rank($1) }) else { continue }
            let top = marks[Int(topIndex)]
            let hidden = here.filter { !marks[Int($0)].mark.counts(with: top.mark) }.sorted { rank($0) > rank($1) }
            for index in hidden {
                let mark = marks[Int(index)]
                let isEdge = mark.mark == Mark.threadStart || mark.mark == Mark.threadEnd
                let left = mark.mark == Mark.threadStart || (mark.mark != Mark.threadEnd && mark.time < top.time)
                let target = left ? column - 1 : column + 1
                let inside = isEdge ? first - 1...final + 1 : first...final
                guard inside.contains(target), cells.indices.contains(target), byColumn[target] == nil,
                      let position = here.firstIndex(of: index)
                else { continue }
                here.remove(at: position)
                byColumn[target] = [index]
            }
            byColumn[column] = here
        }
        for (column, indices) in byColumn where !indices.isEmpty {
            (cells[column], keys[column]) = Self.glyph(for: indices.map { marks[Int($0)].mark }, glyphs)
        }
        return (cells, Set(keys.compactMap { $0 }))
    }

    /// The most telling of the marks that fall in one column; lines, puts
    /// and gets are counted or told apart by producer.
    static func glyph(for marks: [Mark], _ glyphs: Glyphs) -> (Character, LegendKey) {
        let top = marks.max { $0.rank < $1.rank }!
        switch top {
        case .printed:
            let lines = marks.count(where: { $0 == .printed })
            if lines == 1 { return ("*", .printed) }
            return (lines < 10 ? digit(lines) : "+", .printedMany)
        case let .put(producer):
            return producer < 10 ? (digit(Int(producer)), .put) : ("o", .producerHigh)
        case .got:
            var producers = Set<Int32>()
            for case let .got(producer) in marks { producers.insert(producer) }
            if producers.count > 1 { return ("+", .gotSeveral) }
            let producer = producers.first!
            return producer < 10 ? (digit(Int(producer)), .got) : ("o", .producerHigh)
        case .lost: return ("x", .lost)
        case .fork: return ("F", .fork)
        case .exec: return ("E", .exec)
        case .exit: return ("X", .exit)
        case .adopted: return ("A", .adopted)
        case .reaped: return ("R", .reaped)
        case .summary: return ("#", .summary)
        case .threadStart: return (glyphs.threadStart, .threadStart)
        case .threadEnd: return (glyphs.threadEnd, .threadEnd)
        case .cutOff: return (glyphs.cutOff, .cutOff)
        case .emptyWakeup: return ("?", .emptyWakeup)
        case .caught: return ("!", .caught)
        }
    }

    private static func digit(_ value: Int) -> Character {
        Character(Unicode.Scalar(UInt8(0x30 + value)))
    }
}

extension Lane.Mark {
    /// Whether a column showing `top` shows this mark too (as a count).
    func counts(with top: Lane.Mark) -> Bool {
        switch (self, top) {
        case (.printed, .printed), (.got, .got): return true
        default: return self == top
        }
    }
}

extension Timeline {
    /// One entry for every meaning drawn, packed into lines.
    func legend(_ used: Set<LegendKey>, glyphs: Glyphs) -> [String] {
        var program = "the program"
        if case let .spawn(plan) = record.experiment { program = printable(plan.program, unicode: unicode) }
        let ownProgram = record.experiment.runsAsProgram
        let tree = if case .tree = record.experiment { true } else { false }
        if program.count > 24 { program = fit(program, 24, glyphs) }
        let line = { (character: Character) in String(repeating: character, count: 3) }
        var entries: [String] = []
        for key in used.sorted() {
            switch key {
            case .alive: entries.append("\(line(glyphs.alive)) alive")
            case .asleep: entries.append("\(line(glyphs.asleep)) asleep (sleep S)")
            case .waitsForMutex: entries.append("\(line(glyphs.waiting)) waits for a mutex (pthread_mutex_lock)")
            case .waitsOnCondition: entries.append("\(line(glyphs.waiting)) waits on a condition (pthread_cond_wait)")
            case .emptyWakeup: entries.append("? woke to an empty queue (if, not while)")
            case .caught:
                let stuck = record.events.lazy.compactMap { if case let .caught(stuck, _) = $0.what { stuck } else { nil } }.first
                entries.append(stuck == .stuckQueue ? "! forklab catches the stuck queue: every thread waits"
                                                    : "! forklab catches the deadlock: each thread waits for the next")
            case .fork: entries.append(tree ? "F fork: the parent forks, a process begins" : "F fork: a child begins")
            case .threadStart: entries.append("\(glyphs.threadStart) a thread starts")
            case .exec:
                // A child that records an exit after its exec is one whose exec failed.
                let execs = Set(record.events.lazy.filter { $0.what == .exec }.map(\.pid))
                let failed = record.events.contains { if case .exit = $0.what { execs.contains($0.pid) } else { false } }
                if ownProgram {
                    entries.append("E exec: the child becomes the program (forklab --as-program)")
                    continue
                }
                entries.append(failed ? "E execvp: the child tries to become \(program)" : "E execvp: the child becomes \(program)")
            case .program: entries.append("\(line(glyphs.program)) running \(program)")
            case .printed: entries.append("* printed a line")
            case .printedMany: entries.append("2-9 lines in one column, + 10 or more")
            case .lost: entries.append("x printed into its buffer, lost: _exit threw the buffer away")
            case .put:
                entries.append(used.contains(.got)
                    ? "0-9 put (producer) or got (consumer) a message of producer 0-9" : "0-9 put a message")
            case .got:
                if !used.contains(.put) { entries.append("0-9 got a message of producer 0-9") }
            case .producerHigh: entries.append("o the same, for producer 10 or above")
            case .gotSeveral: entries.append("+ got messages of several producers")
            case .exit:
                entries.append(tree ? "X _exit: the process ends, reaped by its parent" : "X _exit: the child ends")
            case .adopted: entries.append("A orphaned: the kernel gives it a new parent")
            case .zombie: entries.append("\(line(glyphs.zombie)) zombie: ended, not yet reaped")
            case .reaped: entries.append("R reaped by the parent (waitpid)")
            case .threadEnd: entries.append("\(glyphs.threadEnd) the thread returns")
            case .cutOff: entries.append("\(glyphs.cutOff) cut off: its program ended while the thread ran")
            case .summary: entries.append("# the summary line")
            }
        }
        return wrap(items: entries, width: width, separator: "   ")
    }
}
