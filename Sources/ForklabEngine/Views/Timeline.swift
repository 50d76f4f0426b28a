import ForklabWords

/// An experiment's record drawn for the terminal: a header, one lane per
/// process or thread with time running left to right, a time axis and a
/// legend of every mark used. A pure function of the record, the width and
/// the character set: no clock, no environment, no Foundation.
///
///     timeline of forkexit 2 (400 µs)
///
///     parent 5000 ────F──────────────────────R─────F───────────────────R──────#
///     child 5001      F────────*─X···········R                                  exit 1
///     child 5002                                   F───────*X··········R        exit 1
///                 └──────────────┴──────────────┴──────────────┴──────────────┴
///                 0              100 µs         200 µs         300 µs         400 µs
///
///     ─── alive   F fork: a child begins   * printed a line   X _exit: the child ends
///     ··· zombie: ended, not yet reaped   R reaped by the parent (waitpid)
///     # the summary line
///
/// A cell holding several marks shows the most telling one (a reap over a
/// fork over an exit over an exec over a line); a hidden mark moves one
/// column towards when it happened if that column is free, so a child's
/// line just after its fork stays visible. Lines in one cell are counted.
public struct Timeline {
    public let record: ExperimentRecord
    /// Columns, within `widths`.
    public let width: Int
    /// When false, only bytes 0x20–0x7e.
    public let unicode: Bool

    static let widths = 40...1000
    /// Lanes drawn at most, the parent's included; the rest are counted.
    static let maximumLanes = 24

    public init(record: ExperimentRecord, width: Int, unicode: Bool) {
        self.record = record
        self.width = min(max(width, Self.widths.lowerBound), Self.widths.upperBound)
        self.unicode = unicode
    }

    /// The picture, lines ending in "\n"; no line wider than `width`
    /// columns (every character used is one column wide).
    public func render() -> String {
        let glyphs = unicode ? Glyphs.unicode : Glyphs.ascii
        // Lanes only for the lives drawn: a record may hold 20000 lives.
        let lives = record.lives
        let shown = lives.prefix(Self.maximumLanes).map { Lane($0, of: record) }
        let end = max(record.duration, record.events.lazy.map(\.time).max() ?? 0)

        let title = printable(record.experiment.command, unicode: unicode).split(separator: " ").map(String.init)
        var lines = wrap(items: ["timeline", "of"] + title + ["(\(formatDuration(end, micro: glyphs.micro)))"],
                         width: width, separator: " ")
        if record.droppedMarks > 0 {
            let total = record.keptMarks + record.droppedMarks
            lines += wrap("Only the first \(record.keptMarks) of \(total) \(record.marksName) were recorded: "
                          + "the rest are not drawn.", width: width)
        }
        lines.append("")

        // Label column, lanes, then a note column when there is room for it.
        let labelWidth = min(shown.map(\.label.count).max() ?? 0, width - 21)
        var noteWidth = min(shown.map(\.note.count).max() ?? 0, 16)
        if width - labelWidth - 1 - noteWidth - 1 < 24 { noteWidth = 0 }
        let columns = width - labelWidth - 1 - (noteWidth > 0 ? noteWidth + 1 : 0)
        let grid = Scale(span: max(end, 1), columns: columns)

        var used = Set<LegendKey>()
        for lane in shown {
            let drawn = lane.draw(on: grid, glyphs: glyphs)
            used.formUnion(drawn.keys)
            var line = fit(lane.label, labelWidth, glyphs) + " " + String(drawn.cells)
            if noteWidth > 0 && !lane.note.isEmpty { line += " " + fit(lane.note, noteWidth, glyphs) }
            lines.append(line)
        }
        lines += axis(on: grid, indent: labelWidth + 1, glyphs: glyphs)
        if lives.count > shown.count {
            lines += wrap("\(glyphs.ellipsis) and \(lives.count - shown.count) more lanes not shown", width: width)
        }
        lines.append("")
        lines += legend(used, glyphs: glyphs)
        return lines.map { trimmedTrailingSpaces($0) + "\n" }.joined()
    }

    /// The axis line with a tick every 1, 2 or 5 × 10ⁿ ns, at least 10
    /// columns apart, and the tick labels under it.
    func axis(on grid: Scale, indent: Int, glyphs: Glyphs) -> [String] {
        var step: UInt64 = 1
        search: while step < UInt64.max / 10 {
            for multiple: UInt64 in [1, 2, 5] where Double(step * multiple) * Double(grid.columns) >= 10 * Double(grid.span) {
                step *= multiple
                break search
            }
            step *= 10
        }
        var rule = [Character](repeating: glyphs.axis, count: grid.columns)
        var labels = [Character](repeating: " ", count: width - indent)
        var free = 0
        var value: UInt64 = 0
        while value <= grid.span {
            let column = grid.column(value)
            rule[column] = column == 0 ? glyphs.axisStart : glyphs.tick
            let label = value == 0 ? "0" : formatTick(value, micro: glyphs.micro)
            // The last label may sit a little left of its tick to fit.
            let at = min(column, labels.count - label.count)
            if at >= free && column - at <= 3 {
                labels.replaceSubrange(at..<at + label.count, with: Array(label))
                free = at + label.count + 1
            }
            if grid.span - value < step { break }
            value += step
        }
        let pad = String(repeating: " ", count: indent)
        return [pad + String(rule), pad + String(labels)]
    }
}

/// Times to columns: column c holds the times [c·span/columns, (c+1)·span/columns).
struct Scale {
    var span: UInt64
    var columns: Int

    func column(_ time: UInt64) -> Int {
        let t = min(time, span)
        let product = t.multipliedFullWidth(by: UInt64(columns))
        let quotient = span.dividingFullWidth(product).quotient
        return min(Int(quotient), columns - 1)
    }
}

/// The characters of one mode.
struct Glyphs {
    var alive: Character, asleep: Character, waiting: Character, program: Character, zombie: Character
    var threadStart: Character, threadEnd: Character, cutOff: Character
    var axis: Character, axisStart: Character, tick: Character
    var ellipsis: String, dash: String, micro: String

    static let unicode = Glyphs(alive: "─", asleep: "┄", waiting: "░", program: "═", zombie: "·", threadStart: "├", threadEnd: "┤",
                                cutOff: "✗", axis: "─", axisStart: "└", tick: "┴", ellipsis: "…", dash: "—", micro: "µs")
    static let ascii = Glyphs(alive: "-", asleep: "~", waiting: ":", program: "=", zombie: ".", threadStart: "[", threadEnd: "]", cutOff: "/",
                              axis: "-", axisStart: "+", tick: "+", ellipsis: "...", dash: "--", micro: "us")
}

/// `text` cut or padded to exactly `columns`.
/// Text typed by a person (a program's name) as the picture may show it:
/// control characters, which would move the cursor or recolour the
/// terminal, become `?`, and so does anything but ASCII in ASCII mode; a
/// byte that is not UTF-8 (see ForklabWords) is U+FFFD.
func printable(_ text: String, unicode: Bool) -> String {
    String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
        let control = scalar.value < 0x20 || (0x7f...0x9f).contains(scalar.value)
        if control || (!unicode && !scalar.isASCII) { return "?" }
        return scalar.rawByte == nil ? scalar : "\u{fffd}"  // a byte that is not UTF-8
    }))
}

func fit(_ text: String, _ columns: Int, _ glyphs: Glyphs) -> String {
    if text.count <= columns { return text + String(repeating: " ", count: columns - text.count) }
    let mark = glyphs.ellipsis.count < columns ? glyphs.ellipsis : ""
    return String(text.prefix(columns - mark.count)) + mark
}

/// Words packed greedily into lines of at most `width` columns; a word
/// longer than a line is cut.
func wrap(_ text: String, width: Int) -> [String] {
    wrap(items: text.split(separator: " ").map(String.init), width: width, separator: " ")
}

/// Items packed greedily into lines, `separator` between two on a line;
/// an item longer than a line is wrapped at its spaces.
func wrap(items: [String], width: Int, separator: String) -> [String] {
    let items = items.flatMap { $0.count > width ? wrap($0, width: width) : [$0] }
    var lines: [String] = []
    var current = ""
    for item in items {
        if current.isEmpty {
            current = item
        } else if current.count + separator.count + item.count <= width {
            current += separator + item
        } else {
            lines.append(current)
            current = item
        }
        while current.count > width {
            lines.append(String(current.prefix(width)))
            current = String(current.dropFirst(width))
        }
    }
    if !current.isEmpty { lines.append(current) }
    return lines
}

func trimmedTrailingSpaces(_ line: String) -> String {
    var line = Substring(line)
    while line.last == " " { line = line.dropLast() }
    return String(line)
}

/// `1.24 ms`, `312 µs`, `840 ns`: three significant digits.
func formatDuration(_ nanoseconds: UInt64, micro: String) -> String {
    let units = [(UInt64(1), "ns"), (1_000, micro), (1_000_000, "ms"), (1_000_000_000, "s")]
    var index = units.lastIndex { nanoseconds >= $0.0 } ?? 0
    if index == 0 { return "\(nanoseconds) ns" }
    while true {
        let (unit, name) = units[index]
        let decimals = nanoseconds >= 100 * unit ? 0 : nanoseconds >= 10 * unit ? 1 : 2
        let scale: UInt64 = decimals == 0 ? 1 : decimals == 1 ? 10 : 100
        let rounded = (nanoseconds * scale + unit / 2) / unit
        if rounded >= 1000 * scale && index + 1 < units.count {
            index += 1   // 999.7 µs is 1.00 ms
            continue
        }
        return decimal(rounded, decimals: decimals) + " " + name
    }
}

/// A tick's value, exact: `250 µs`, `1.5 ms`, `2 s`.
func formatTick(_ nanoseconds: UInt64, micro: String) -> String {
    let units = [(UInt64(1), "ns"), (1_000, micro), (1_000_000, "ms"), (1_000_000_000, "s")]
    let (unit, name) = units.last { nanoseconds >= $0.0 } ?? units[0]
    var decimals = 0
    var scale: UInt64 = 1
    while nanoseconds * scale % unit != 0 && decimals < 3 {
        decimals += 1
        scale *= 10
    }
    return decimal(nanoseconds * scale / unit, decimals: decimals) + " " + name
}

/// `value` with its last `decimals` digits after a point: 124, 2 → "1.24".
private func decimal(_ value: UInt64, decimals: Int) -> String {
    guard decimals > 0 else { return "\(value)" }
    var digits = String(value)
    while digits.count <= decimals { digits = "0" + digits }
    return digits.dropLast(decimals) + "." + digits.suffix(decimals)
}
