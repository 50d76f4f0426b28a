// The saved page (`save FILE.html`) of hand-built records: its data holds
// the timeline's lanes, names and marks, every lane and not the first 24,
// and a hostile program name or argument reaches it only escaped. What a
// browser builds from it is checked end to end (PageBrowserTests).
import Foundation
import Testing
@testable import ForklabEngine

@Suite struct TimelinePageTests {
    static let parent: Int32 = 7000

    static func at(_ time: UInt64, _ pid: Int32, _ what: Happening) -> Occurrence {
        Occurrence(time: time, pid: pid, tid: pid, what: what)
    }

    /// `forkexit 30`: more children than the terminal's 24 lanes.
    static let forkExit30: ExperimentRecord = {
        var events: [Occurrence] = []
        for index in 0..<30 {
            let child = parent + 1 + Int32(index), base = UInt64(index) * 10_000
            events += [
                at(base + 1_000, parent, .unprinted(.forked(parent: parent, child: child))),
                at(base + 2_000, child, .childPrinted(exitStat: 1)),
                at(base + 3_000, child, .exit(code: 1)),
                at(base + 4_000, parent, .trace(.reaped(child: child, status: .exited(1)))),
            ]
        }
        events.append(at(400_000, parent, .trace(.summary(.forkExit(children: 30, reaped: 30, exitCodes: [1: 30], parentExitStat: 0, elapsed: 400_000)))))
        return ExperimentRecord(experiment: .forkExit(count: 30), parent: parent, duration: 400_000, events: events,
                                keptMarks: 0, droppedMarks: 0)
    }()

    /// The JSON of the page's data block.
    static func data(_ html: String) throws -> [String: Any] {
        let open = try #require(html.range(of: "<script type=\"application/json\" id=\"forklab-data\">"))
        let close = try #require(html.range(of: "</script>", range: open.upperBound..<html.endIndex))
        let json = String(html[open.upperBound..<close.lowerBound])
        return try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }

    @Test("the page's data holds one lane per life, named and marked as the timeline's, beyond its 24 lanes")
    func lanesAreTheTimelines() throws {
        let record = Self.forkExit30
        let page = try Self.data(TimelinePage.html(for: record))
        let lanes = try #require(page["lanes"] as? [[String: Any]])
        let kinds = try #require(page["kinds"] as? [[Any]])
        let expected = record.lives.map { Lane($0, of: record) }
        #expect(lanes.count == 31)
        #expect(lanes.map { $0["n"] as? String } == expected.map(\.label))
        #expect(lanes.map { $0["note"] as? String } == expected.map(\.note))
        #expect(lanes[1]["n"] as? String == "child 7001" && lanes[1]["note"] as? String == "exit 1")
        for (lane, timeline) in zip(lanes, expected) {
            // Each mark: time, kind, the book's line or 0; in time order.
            let marks = try #require(lane["m"] as? [Any])
            let glyphs = stride(from: 0, to: marks.count, by: 3).map { kinds[marks[$0 + 1] as! Int][0] as! String }
            let want = timeline.marks.sorted { $0.time < $1.time }.map { String(Lane.glyph(for: [$0.mark], .unicode).0) }
            #expect(glyphs == want)
        }
        let child = try #require(lanes[1]["m"] as? [Any])
        #expect(child.count == 4 * 3)  // F * X R
        #expect(child[5] as? String == "Hello from child 7001 1")
        let main = try #require(lanes[0]["m"] as? [Any])
        #expect(main[2] as? Int == 0)  // forkexit's fork prints nothing
        #expect(main[5] as? String == "Parent got 7001 256 1")
        #expect(page["command"] as? String == "forkexit 30")
        #expect((page["summary"] as? String)?.hasPrefix("# forkexit: 30 children reaped") == true)
    }

    @Test("a hostile program name and argument reach the page only escaped: no markup or script of theirs")
    func hostileNamesAreEscaped() throws {
        let name = "</script><script>alert(1)</script>", argument = "<img src=x onerror=alert(2)>&amp;"
        let child = Self.parent + 1
        let record = ExperimentRecord(
            experiment: .spawn(SpawnPlan(program: name, count: 1, numbered: false, arguments: [argument])),
            parent: Self.parent, duration: 10_000,
            events: [
                Self.at(1_000, Self.parent, .trace(.spawned(child: child))),
                Self.at(2_000, child, .exec),
                Self.at(3_000, child, .exit(code: 127)),
                Self.at(4_000, Self.parent, .trace(.reaped(child: child, status: .exited(127)))),
            ],
            keptMarks: 0, droppedMarks: 0)
        let html = TimelinePage.html(for: record)
        #expect(html.components(separatedBy: "<script").count - 1 == 2)  // the data block and the page's script
        #expect(html.components(separatedBy: "</script>").count - 1 == 2)
        #expect(!html.contains("<img"))
        let command = "spawn \(name) -- \(argument)"
        #expect(html.contains("<title>timeline of spawn &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; -- "
            + "&lt;img src=x onerror=alert(2)&gt;&amp;amp;</title>"))
        // The JSON gives the strings back exactly.
        let page = try Self.data(html)
        #expect(page["command"] as? String == command)
        let lanes = try #require(page["lanes"] as? [[String: Any]])
        let marks = try #require(lanes[1]["m"] as? [Any])
        #expect(marks[5] as? String == "execvp \(name) \(argument)")
    }

    @Test("save writes a page for a name ending .html or .htm in any case, a Chrome trace otherwise")
    func pagePaths() {
        for path in ["run.html", "a/b/RUN.HTM", "./x.Html"] { #expect(TimelinePage.isPagePath(path), "\(path)") }
        for path in ["run.json", "html", "run.html/", "run.html.json", "a.html/b", ".htmlx"] {
            #expect(!TimelinePage.isPagePath(path), "\(path)")
        }
    }
}
