/// An experiment's record as one self-contained HTML page (`save
/// FILE.html`): the timeline's lanes, names, marks and legend, which a
/// little inline script draws into SVG, with an axis in time units, the
/// command and its summary as the title, each mark's event on hover, zoom
/// (the wheel, + and -) and pan (drag). Nothing is loaded from elsewhere.
///
/// The lanes are the timeline's (`Lane`, one a life: every life, not the
/// first 24), with its marks, glyphs and legend texts; the page holds
/// them as JSON in a `<script type="application/json">` block, and the
/// script draws only the lanes on screen and, where more marks fall in a
/// few pixels than can be told apart, the most telling one, as a column of
/// the terminal's timeline does. Every string from the record (a program's
/// name, its arguments, the command) reaches the page as JSON with `<`, `>`
/// and `&` escaped, or as escaped HTML text: none can end the script block
/// or become markup.
public enum TimelinePage {
    /// The whole page as one string.
    public static func html(for record: ExperimentRecord) -> String {
        var bytes: [UInt8] = []
        write(record) { (piece: UnsafeRawBufferPointer) throws(Never) in bytes.append(contentsOf: piece) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The page, handed to `output` in pieces of about `pieceBytes`, one
    /// lane at a time: the same bytes as `html(for:)`.
    public static func write<Failure: Error>(
        _ record: ExperimentRecord, pieceBytes: Int = 1 << 16,
        to output: (UnsafeRawBufferPointer) throws(Failure) -> Void
    ) throws(Failure) {
        try writeInPieces(PageBuilder(record: record), pieceBytes: pieceBytes, to: output)
    }

    /// Fails unless the memory that `write(_:to:)` needs for `record` can
    /// be had now: no more than the timeline's, which holds the marks of
    /// the lanes it draws at once where the page holds one lane's.
    public static func requireMemory(for record: ExperimentRecord) throws(ViewError) {
        try Timeline(record: record, width: 80, unicode: true).requireMemory()
    }

    /// Whether `save` writes a page to `path` rather than a Chrome trace:
    /// its name ends in `.html` or `.htm`, in any case.
    public static func isPagePath(_ path: String) -> Bool {
        let name = path.lowercased()
        return name.hasSuffix(".html") || name.hasSuffix(".htm")
    }

    /// `text` safe as HTML text or inside an attribute's quotes.
    static func escaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in printable(text, unicode: true).unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// `text` as a JSON string that may sit in a `<script>` block: `<`, `>`
    /// and `&` as \u escapes, so that no `</script>` or `<!--` appears.
    static func quoted(_ text: String) -> String {
        var out = ""
        for scalar in text.jsonQuoted.unicodeScalars {
            switch scalar {
            case "<": out += "\\u003c"
            case ">": out += "\\u003e"
            case "&": out += "\\u0026"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

private struct PageBuilder: PieceRenderer {
    let record: ExperimentRecord
    let timeline: Timeline

    init(record: ExperimentRecord) {
        self.record = record
        timeline = Timeline(record: record, width: Timeline.widths.upperBound, unicode: true)
    }

    /// The page's colours for a lane, as the terminal colours its lines:
    /// the parent's yellow, a child's cyan, a thread's by its number
    /// (green, yellow, blue, magenta, cyan, bright blue); the main thread
    /// of `threads`, `produce` and `deadlock`, `tree`'s processes and
    /// forklab's own lane are not coloured.
    func colour(of life: Life) -> String {
        switch life.kind {
        case .main:
            switch record.experiment {
            case .fork, .forkExit, .spawn, .race: return "parent"
            default: return "plain"
            }
        case .child: return "child"
        case .program, .tree: return "plain"
        case .thread:
            for index in life.events {
                switch record.events[Int(index)].what {
                case let .threadPrinted(thread, _): return "t\(Int(thread) % 6)"
                case let .got(consumer, _, _): return "t\(Int(consumer) % 6)"
                default: continue
                }
            }
            return "plain"
        }
    }

    /// The book's line for an event, when it has one.
    func bookLine(_ occurrence: Occurrence, of life: Life) -> String? {
        switch occurrence.what {
        case let .trace(event): return BookText.line(for: event)
        case let .unprinted(event):
            if case .summary = event { return BookText.line(for: event) }
            return nil
        case let .childPrinted(exitStat, lost):
            return "Hello from child \(occurrence.pid)" + (exitStat.map { " \($0)" } ?? "")
                + (lost ? " (printed into its buffer, lost)" : "")
        case let .threadPrinted(thread, index): return "[\(thread)] => \(index)"
        case let .got(consumer, producer, count):
            return "consumer \(consumer) got => [producer id=\(producer), count=\(count)]"
        case let .put(producer, count): return "producer \(producer) put message \(count)"
        case .mainPrinted:
            switch record.experiment {
            case .threads: return "Main thread exiting..."
            case .produce: return "Main thread exit"
            default: return nil
            }
        case .exec:
            if case let .spawn(plan) = record.experiment, let child = life.child {
                return "execvp " + plan.argv(child: child).joined(separator: " ")
            }
            return nil
        case let .exit(code): return "_exit(\(code))"
        default: return nil
        }
    }

    /// The legend's wording for one meaning, without its glyph.
    func meaning(_ key: LegendKey) -> String {
        let entry = timeline.legend([key], glyphs: .unicode).joined(separator: " ")
        guard let space = entry.firstIndex(of: " ") else { return entry }
        return String(entry[entry.index(after: space)...])
    }

    func render<Failure: Error>(_ out: (String) throws(Failure) -> Void) throws(Failure) {
        let command = record.experiment.command
        let summary = record.events.lazy.compactMap { occurrence -> String? in
            switch occurrence.what {
            case let .trace(event), let .unprinted(event):
                if case .summary = event { return BookText.line(for: event) }
                return nil
            default: return nil
            }
        }.last ?? ""
        let end = max(record.duration, record.events.lazy.map(\.time).max() ?? 0)
        let lives = record.lives
        var facts = "\(lives.count) " + (lives.count == 1 ? "lane" : "lanes") + ", "
            + formatDuration(end, micro: "µs")
        if record.droppedMarks > 0 {
            facts += "; only the first \(record.keptMarks) of \(record.keptMarks + record.droppedMarks) "
                + "\(record.marksName) were recorded: the rest are not drawn"
        }

        try out("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        try out("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        try out("<title>timeline of \(TimelinePage.escaped(command))</title>\n")
        try out("<style>\n" + PageAssets.style + "</style>\n</head>\n<body>\n<header>\n")
        try out("<h1 id=\"title\">timeline of <span id=\"command\">\(TimelinePage.escaped(command))</span></h1>\n")
        try out("<p id=\"summary\">\(TimelinePage.escaped(summary))</p>\n")
        try out("<p id=\"facts\">\(TimelinePage.escaped(facts))</p>\n")
        try out("<p class=\"help\">Hover a mark for its event. The wheel or + and − zoom the time axis, "
            + "dragging pans, 0 shows it all. Saved by forklab (docs/commands.md, save).</p>\n")
        try out("</header>\n<noscript><p>The lanes are drawn by the page's script: allow it to see them.</p></noscript>\n")
        try out(PageAssets.body)

        // The data: the kinds of mark (glyph, rank, meaning), then a lane a life.
        try out("<script type=\"application/json\" id=\"forklab-data\">\n{\"command\":\(TimelinePage.quoted(command)),")
        try out("\"summary\":\(TimelinePage.quoted(summary)),\"end\":\(end),\"parent\":\(record.parent),")
        var stretchMeanings = "\"stretches\":{"
        let stretchKeys: [(String, LegendKey)] = [("alive", .alive), ("program", .program), ("zombie", .zombie),
                                                   ("asleep", .asleep), ("mutex", .waitsForMutex),
                                                   ("condition", .waitsOnCondition)]
        for (index, (name, key)) in stretchKeys.enumerated() {
            stretchMeanings += (index == 0 ? "" : ",") + "\"\(name)\":\(TimelinePage.quoted(meaning(key)))"
        }
        try out(stretchMeanings + "},\n\"lanes\":[\n")

        var kinds: [String] = []
        var kindIndex: [String: Int] = [:]
        var usedStretches = Set<String>()
        for (number, life) in lives.enumerated() {
            let lane = Lane(life, of: record)
            var json = number == 0 ? "" : ",\n"
            var id = ""
            switch life.kind {
            case .thread: id = "tid \(life.tid)"
            case .main: id = life.name.contains("\(life.pid)") ? "" : "pid \(life.pid)"
            default: id = life.name.contains("\(life.pid)") ? "" : "pid \(life.pid)"
            }
            json += "{\"n\":\(TimelinePage.quoted(lane.label)),\"id\":\(TimelinePage.quoted(id)),"
                + "\"note\":\(TimelinePage.quoted(lane.note)),\"pid\":\(life.pid),\"tid\":\(life.tid),"
                + "\"c\":\"\(colour(of: life))\",\"s\":\(lane.start),\"e\":\(lane.last),\"st\":["
            for (index, stretch) in lane.stretches.sorted(by: { $0.time < $1.time }).enumerated() {
                let name = switch stretch.stretch { case .alive: "alive"; case .program: "program"; case .zombie: "zombie" }
                usedStretches.insert(name)
                json += (index == 0 ? "" : ",") + "[\(stretch.time),\"\(name)\"]"
            }
            json += "],\"ov\":["
            var first = true
            for sleep in lane.sleeps {
                usedStretches.insert("asleep")
                json += (first ? "" : ",") + "[\(sleep.start),\(min(sleep.end, lane.last)),\"asleep\"]"
                first = false
            }
            for wait in lane.waits {
                let name = if case .lock = wait.kind { "mutex" } else { "condition" }
                usedStretches.insert(name)
                json += (first ? "" : ",") + "[\(wait.start),\(wait.end),\"\(name)\"]"
                first = false
            }
            try out(json + "],\"m\":[")
            // Marks in time order, each: time, kind, the book's line or 0.
            let order = lane.marks.indices.sorted { (lane.marks[$0].time, $0) < (lane.marks[$1].time, $1) }
            var piece = ""
            for (place, index) in order.enumerated() {
                let (time, mark) = lane.marks[index]
                let (glyph, key) = Lane.glyph(for: [mark], .unicode)
                let name = "\(glyph)\u{0}\(key.rawValue)"
                let kind: Int
                if let known = kindIndex[name] {
                    kind = known
                } else {
                    kind = kinds.count
                    kindIndex[name] = kind
                    kinds.append("[\(TimelinePage.quoted(String(glyph))),\(mark.rank),"
                        + "\(TimelinePage.quoted(meaning(key))),\(key == .printed ? 1 : 0)]")
                }
                let event = index < lane.markEvents.count ? Int(lane.markEvents[index]) : -1
                let line = event >= 0 ? bookLine(record.events[event], of: life) : nil
                piece += (place == 0 ? "" : ",") + "\(time),\(kind)," + (line.map(TimelinePage.quoted) ?? "0")
                if piece.utf8.count > 1 << 14 {
                    try out(piece)
                    piece = ""
                }
            }
            try out(piece + "]}")
        }
        try out("\n],\n\"kinds\":[" + kinds.joined(separator: ",") + "],\"used\":[")
        try out(stretchKeys.map(\.0).filter(usedStretches.contains).map { "\"\($0)\"" }.joined(separator: ","))
        try out("]}\n</script>\n<script>\n" + PageAssets.script + "</script>\n</body>\n</html>\n")
    }
}
