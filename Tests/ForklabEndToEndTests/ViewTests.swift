import Foundation
import Testing

/// The three views beyond the book's text: JSON lines, the timeline, the
/// Perfetto export; and colour at a terminal.
extension EndToEnd {
    @Suite struct JSONTraces {
        /// Every stdout line as a JSON object; a line that does not parse is recorded as an issue.
        static func objects(_ result: RunResult) -> [[String: Any]] {
            result.stdoutLines.compactMap { line in
                let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
                #expect(object != nil, "not a JSON object: \(line)")
                return object
            }
        }

        /// The book's line for an object, from its own fields.
        static func bookLine(_ object: [String: Any]) -> String? {
            func int(_ key: String) -> Int { object[key] as! Int }
            switch object["event"] as! String {
            case "fork": return "Hello from parent \(int("pid")) \(int("child"))"
            case "spawn": return "Child is \(int("child"))"
            case "wait": return "Parent got \(int("child")) \(int("status")) \(int("status") >> 8)"
                + ((object["signal"] as? String).map { " (killed by \($0))" } ?? "")
            case "child": return "Hello from child \(int("pid"))" + (object["exitstat"].map { " \($0)" } ?? "")
            case "thread": return "[\(int("thread"))] => \(int("i"))"
            case "get": return "consumer \(int("consumer")) got => [producer id=\(int("producer")), count=\(int("count"))]"
            case "race":
                return "race \(object["locked"] as! Bool ? "lock" : "nolock"): expected \(int("expected")) got \(int("got")) lost \(int("lost"))"
            default: return nil
            }
        }

        @Test("--json: every line is one object with v, event, pid, tid, t; text is the book line")
        func everyExperiment() {
            let result = runForklab(["--json", "-c", """
                fork 3; forkexit 2; spawn child.sh 2; threads 3 count 4 nolock; produce 2 consume 2 messages 3; race 2 count 1000
                """])
            #expect(result.status == 0)
            let objects = Self.objects(result)
            #expect(objects.count == result.stdoutLines.count)
            for object in objects {
                #expect(object["v"] as? Int == 1)
                #expect(object["pid"] is Int && object["tid"] is Int && object["t"] is Int, "\(object)")
                // Where there is a text, it is the book's line; fork's reaps and forkexit's forks have none.
                if let text = object["text"], let expected = Self.bookLine(object) { #expect(text as? String == expected) }
                if ["child", "thread", "get", "main", "summary", "race", "spawn"].contains(object["event"] as! String) {
                    #expect(object["text"] is String, "\(object)")
                }
            }
            let events = objects.map { $0["event"] as! String }
            for name in ["fork", "child", "exit", "wait", "spawn", "exec", "thread", "main", "start", "end", "put", "get",
                         "race", "summary"] {
                #expect(events.contains(name), "no \(name) event")
            }
            #expect(events.filter { $0 == "summary" }.count == 6)
            #expect(events.filter { $0 == "thread" }.count == 12)
            #expect(events.filter { $0 == "get" }.count == 6 && events.filter { $0 == "put" }.count == 6)
            // The summaries' text is the book's summary line.
            let book = forklab("fork 1").stdoutLines.last!
            #expect(book.hasPrefix("# fork: 1 child forked, 1 reaped, 0 left; "))
            #expect(objects.filter { $0["event"] as? String == "summary" }.allSatisfy { ($0["text"] as! String).hasPrefix("# ") })
        }

        @Test("the texts of a JSON run are the lines of the same run in the book's text, summaries aside")
        func textsAreTheBookLines() {
            // Locked: nolock would tear the book's lines, by design, and JSON's never.
            let commands = "threads 3 count 4; threads 2 count 3 nojoin; race 2 count 10"
            let book = forklab(commands)
            let json = runForklab(["--json", "-c", commands])
            #expect(book.status == 0 && json.status == 0)
            let texts = Self.objects(json).compactMap { $0["text"] as? String }
            // What race's unlocked run got differs run to run: updates are lost at random.
            func unraced(_ line: String) -> String {
                line.hasPrefix("race nolock: ") ? String(line.prefix { $0 != "g" }) : line
            }
            #expect(texts.filter { !$0.hasPrefix("# ") }.map(unraced).sorted() == book.traceLines.map(unraced).sorted())
            // Summaries say the same but for what they measured.
            func uncosted(_ line: String) -> String { String(line.prefix { $0 != ";" }) }
            #expect(texts.filter { $0.hasPrefix("# ") }.map(uncosted)
                == book.stdoutLines.filter { $0.hasPrefix("# ") }.map(uncosted))
        }

        @Test("a child's events carry the child's pid, written by the child; the parent's carry forklab's")
        func childPIDs() {
            let result = runForklab(["--json", "-c", "fork 4; forkexit 3"])
            let objects = Self.objects(result)
            let forklab = Int(result.pid)
            let forked = Set(objects.filter { $0["event"] as? String == "fork" }.map { $0["child"] as! Int })
            let waited = Set(objects.filter { $0["event"] as? String == "wait" }.map { $0["child"] as! Int })
            #expect(forked.count == 7 && waited == forked)
            // Only what the book prints has a text: fork's reaps and forkexit's forks do not.
            let texts = objects.filter { $0["text"] != nil }.map { $0["event"] as! String }
            #expect(texts.filter { $0 == "fork" }.count == 4 && texts.filter { $0 == "wait" }.count == 3)
            for object in objects {
                let pid = object["pid"] as! Int
                switch object["event"] as! String {
                case "child", "exit":
                    #expect(forked.contains(pid), "\(object)")
                    #expect(object["tid"] as? Int == pid)
                default:
                    #expect(pid == forklab && object["tid"] as? Int == forklab, "\(object)")
                }
            }
            // Each child wrote its line and its exit: two objects of its own.
            for child in forked {
                #expect(objects.filter { $0["pid"] as? Int == child }.map { $0["event"] as! String } == ["child", "exit"])
            }
        }

        @Test("thread objects carry forklab's pid and each thread's own tid; nolock never tears an object")
        func threadIDs() {
            let result = runForklab(["--json", "-c", "threads 8 count 500 nolock"])
            #expect(result.status == 0)
            let objects = Self.objects(result)
            #expect(objects.count == result.stdoutLines.count)
            let lines = objects.filter { $0["event"] as? String == "thread" }
            #expect(lines.count == 4000)
            #expect(lines.allSatisfy { $0["pid"] as? Int == Int(result.pid) && $0["tid"] as? Int != Int(result.pid) })
            // One tid a thread number, and each thread's start comes before its lines.
            let tids = Dictionary(grouping: lines) { $0["thread"] as! Int }.mapValues { Set($0.map { $0["tid"] as! Int }) }
            #expect(tids.count == 8 && tids.values.allSatisfy { $0.count == 1 })
            #expect(Set(tids.values.map(\.first!)).count == 8)
        }

        @Test("at a terminal, where each line is written as it comes, each thread writes a whole sleep object before each paced line")
        func sleepObjectsAtATerminal() {
            let live = LiveForklab(terminal: ["--json"])
            live.expect("forklab> ")
            live.send("threads 2 count 2 sleep 0.05\r")
            guard let seen = live.expect("forklab> ") else { return }
            let lines = seen.components(separatedBy: "\r\n")
            let sleeps = lines.filter { $0.hasPrefix("{\"v\":1,\"event\":\"sleep\"") }
            #expect(sleeps.count == 4, "\(lines)")
            #expect(sleeps.allSatisfy { $0.contains(",\"role\":\"thread\",\"thread\":") && $0.hasSuffix("}") })
            // Each comes before the line it paced: its thread's i-th sleep before its i-th line.
            for thread in 0..<2 {
                let own = lines.filter { $0.contains("\"thread\":\(thread),") || $0.contains("\"thread\":\(thread)}") }
                    .filter { $0.contains("\"event\":\"sleep\"") || $0.contains("\"event\":\"thread\"") }
                #expect(own.map { $0.contains("\"event\":\"sleep\"") ? "sleep" : "line" } == ["sleep", "line", "sleep", "line"],
                        "\(own)")
            }
            live.send("q\r")
            #expect(live.waitForExit() == Ending(exitCode: 0))
        }

        @Test("set format json switches in the middle of a script, and set format book back")
        func switching() {
            let result = forklab("fork 1; set format json; fork 1; set format book; fork 1")
            #expect(result.status == 0)
            let json = result.stdoutLines.filter { $0.hasPrefix("{") }
            #expect(json.count == 5)  // fork, child, exit, wait, summary
            #expect(result.stdoutLines.filter { $0.hasPrefix("Hello from parent") }.count == 2)
            #expect(result.stdoutLines.filter { $0.hasPrefix("# fork:") }.count == 2)
        }

        @Test("in JSON a spawned program's own output goes to stderr, so stdout stays JSON")
        func programOutput() {
            let result = runForklab(["--json", "-c", "spawn echo 2 -- hello"])
            #expect(result.status == 0)
            #expect(Self.objects(result).count == result.stdoutLines.count)
            #expect(result.stderrLines == ["hello", "hello"])
        }
    }

    @Suite struct Timelines {
        /// The lanes and axis of a picture: the block between the header and
        /// the legend, which blank lines set apart.
        static func lanes(_ picture: String) -> [String] {
            let blocks = picture.split(separator: "\n", omittingEmptySubsequences: false).split(separator: "")
            return blocks.count > 1 ? blocks[blocks.startIndex + 1].map(String.init) : []
        }

        @Test("timeline through a pipe in the C locale: ASCII, a lane for the parent and each child, from its fork to its exit")
        func forkLanes() {
            // Wide, so that a child's print and exit seldom share a column.
            let result = forklab("fork 3; timeline width 1000", RunOptions(environment: testEnvironment(home: temporaryFolder(), extra: ["LANG": "C"])))
            #expect(result.status == 0)
            let children = result.stdoutLines.compactMap { $0.hasPrefix("Hello from child ") ? $0.split(separator: " ").last.map(String.init) : nil }
            #expect(children.count == 3)
            let lines = result.stdoutLines.drop { !$0.hasPrefix("timeline of fork 3") }
            #expect(lines.allSatisfy { $0.count <= 1000 && $0.allSatisfy(\.isASCII) })
            #expect(lines.contains { $0.hasPrefix("parent \(result.pid) ") })
            for child in children {
                let lane = lines.first { $0.hasPrefix("child \(child) ") }
                #expect(lane?.contains("F") == true, "\(lines)")
                #expect(lane?.hasSuffix("exit 0") == true)
            }
        }

        @Test("timeline of forkexit: each child from its fork to its reap, with its exit code")
        func forkExitLanes() {
            let result = forklab("forkexit 2; timeline width 1000")
            #expect(result.status == 0)
            let children = result.stdoutLines.compactMap { $0.hasPrefix("Parent got ") ? $0.split(separator: " ")[2] : nil }
            #expect(children.count == 2)
            for child in children {
                let lane = result.stdoutLines.first { $0.hasPrefix("child \(child) ") }
                #expect(lane?.contains("F") == true && lane?.contains("R") == true && lane?.hasSuffix("exit 1") == true,
                        "\(result.stdout)")
            }
        }

        @Test("timeline of spawn, threads, produce and race: one lane each, in Unicode under a UTF-8 locale")
        func threadLanes() {
            // Children that run 50 ms each: a lane shows its program running
            // (E, then ═) however late the scheduler starts it; child.sh ends
            // so soon that a child started late on a loaded machine could
            // span fewer columns than that.
            let result = forklab("""
                spawn sleep 3 -- 0.05; timeline; threads 10 count 100; timeline width 120; produce 4 consume 2; timeline; race 2 count 1000; timeline
                """)
            #expect(result.status == 0)
            let pictures = result.stdout.components(separatedBy: "timeline of ").dropFirst()
            #expect(pictures.count == 4)
            let spawn = Self.lanes(pictures[pictures.startIndex])
            // Not a terminal: 80 columns, and no more.
            #expect(spawn.allSatisfy { $0.count <= 80 } && spawn.contains { $0.count > 70 })
            #expect(spawn.filter { $0.hasPrefix("child ") && $0.contains("E") && $0.contains("═") }.count == 3)
            let threads = Self.lanes(pictures[pictures.startIndex + 1])
            #expect(threads.allSatisfy { $0.count <= 120 })
            for number in 0..<10 { #expect(threads.contains { $0.hasPrefix("thread \(number) ") && $0.hasSuffix("100 lines") }) }
            let produce = Self.lanes(pictures[pictures.startIndex + 2])
            for number in 0..<4 { #expect(produce.contains { $0.hasPrefix("producer \(number) ") && $0.hasSuffix("put 4") }) }
            let got = produce.filter { $0.hasPrefix("consumer ") }.compactMap { Int($0.split(separator: " ").last!) }
            #expect(got.count == 2 && got.reduce(0, +) == 16)
            let race = Self.lanes(pictures[pictures.startIndex + 3])
            #expect(race.filter { $0.hasPrefix("racer ") }.count == 4)
            #expect(race.filter { $0.hasPrefix("racer ") && $0.contains("(mutex)") }.count == 2)
        }

        @Test("at a terminal the timeline is as wide as the terminal, now: 80 columns, then 132 after a resize")
        func terminalWidth() {
            let live = LiveForklab(terminal: [])
            live.expect("forklab> ")
            live.send("fork 2\r")
            live.expect("forklab> ")
            live.send("timeline\r")
            guard let narrow = live.expect("forklab> ") else { return }
            let narrowLines = narrow.components(separatedBy: "\r\n")
            #expect(narrowLines.allSatisfy { $0.count <= 80 } && narrowLines.contains { $0.count > 70 }, "\(narrowLines)")
            #expect(narrow.contains("─"))  // a UTF-8 locale: Unicode
            live.resize(columns: 132)
            live.send("timeline\r")
            guard let wide = live.expect("forklab> ") else { return }
            let wideLines = wide.components(separatedBy: "\r\n")
            #expect(wideLines.allSatisfy { $0.count <= 132 } && wideLines.contains { $0.count > 120 }, "\(wideLines)")
            live.send("q\r")
            #expect(live.waitForExit() == Ending(exitCode: 0))
        }

        @Test("timeline and save before any experiment say to run one first")
        func nothingYet() {
            let result = forklab("timeline; save x.json")
            #expect(result.status == 1)
            #expect(result.stderrLines == [
                "forklab: line 1: timeline: no experiment has run yet; run one first (fork 3, threads 4, produce 4 consume 2, …)",
                "forklab: line 1: save: no experiment has run yet; run one first (fork 3, threads 4, produce 4 consume 2, …)",
            ])
        }

        @Test("a run of a million lines keeps the record bounded and the timeline says what it shows")
        func bounded() {
            let result = forklab("threads 10 count 100000; timeline", RunOptions(deadline: 120))
            #expect(result.status == 0)
            #expect(result.stdout.contains("Only the first 131072 of 1000000 lines, puts and gets were recorded"))
        }
    }

    @Suite struct Saving {
        @Test("with sleep S the binary writes a sleep object per paced line, its timeline draws the sleeps ~ in ASCII, and its saved trace holds a sleep slice per line on the thread's track")
        func sleepsInEveryView() throws {
            let folder = temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let path = folder.appendingPathComponent("paced.json").path
            let result = runForklab(["--json", "-c", "threads 2 count 2 sleep 0.05; timeline width 80 ascii; save \(path)"])
            #expect(result.status == 0)
            // The JSON objects, then the timeline's text.
            let objects = result.stdoutLines.prefix { $0.hasPrefix("{") }.compactMap {
                (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
            }
            let sleeps = objects.filter { $0["event"] as? String == "sleep" }
            let lines = objects.filter { $0["event"] as? String == "thread" }
            #expect(sleeps.count == 4 && lines.count == 4)
            // Each thread's sleeps come from its own tid, and each ends before the line it paces.
            for line in lines {
                let tid = line["tid"] as! Int, i = line["i"] as! Int
                let own = sleeps.filter { $0["tid"] as? Int == tid }
                try #require(own.count == 2)
                #expect(own[i]["t"] as! Int + (own[i]["ns"] as! Int) <= line["t"] as! Int)
            }
            let picture = result.stdoutLines.drop { !$0.hasPrefix("timeline of threads 2 count 2 sleep 0.05") }
            #expect(picture.filter { $0.hasPrefix("thread ") && $0.contains("~~~") }.count == 2, "\(picture)")
            #expect(picture.contains { $0.contains("~~~ asleep (sleep S)") })
            let trace = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
            let slices = (trace["traceEvents"] as! [[String: Any]]).filter { $0["name"] as? String == "sleep" }
            #expect(slices.count == 4 && slices.allSatisfy { $0["ph"] as? String == "X" })
            #expect(Set(slices.map { $0["tid"] as! Int }) == Set(sleeps.map { $0["tid"] as! Int }))
            #expect(Set(slices.map { ($0["args"] as! [String: Any])["ns"] as! Int }) == Set(sleeps.map { $0["ns"] as! Int }))
        }

        @Test("save writes a Chrome trace whose pids and tids are the experiment's; it never overwrites without force")
        func saveThreads() throws {
            let folder = temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let path = folder.appendingPathComponent("run.json").path
            let result = runForklab(["--json", "-c", "threads 3 count 2; save \(path); save \(path); save \(path) force"])
            #expect(result.status == 1)
            #expect(result.stderrLines == ["forklab: line 1: save: '\(shownInMessage(path))' exists; add 'force' to overwrite it"])
            let trace = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
            let events = trace["traceEvents"] as! [[String: Any]]
            let tids = Set(JSONTraces.objects(result).filter { $0["event"] as? String == "thread" }.map { $0["tid"] as! Int })
            #expect(tids.count == 3)
            let tracks = Set(events.filter { $0["ph"] as? String == "X" }.map { $0["tid"] as! Int })
            #expect(tracks == tids.union([Int(result.pid)]))
            #expect(events.allSatisfy { $0["pid"] as? Int == Int(result.pid) })
            for event in events where event["ph"] as? String != "M" {
                #expect(event["name"] is String && event["ts"] is NSNumber, "\(event)")
                if event["ph"] as? String == "X" { #expect((event["dur"] as? NSNumber)?.doubleValue ?? -1 >= 0) }
            }
            // Per lane, time never goes back.
            let byLane = Dictionary(grouping: events.filter { $0["ph"] as? String != "M" }) { $0["tid"] as! Int }
            for lane in byLane.values {
                let times = lane.map { ($0["ts"] as! NSNumber).doubleValue }
                #expect(times == times.sorted())
            }
        }

        @Test("save of a fork run names each child's pid; a path that cannot be written is reported")
        func saveFork() throws {
            let folder = temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let path = folder.appendingPathComponent("fork.json").path
            let result = forklab("fork 2; save \(path); save \(folder.path)/missing/x.json")
            #expect(result.status == 1)
            #expect(result.stderrLines == [
                "forklab: line 1: save: cannot write '\(shownInMessage(folder.path + "/missing/x.json"))': No such file or directory",
            ])
            let children = Set(result.stdoutLines.compactMap { $0.hasPrefix("Hello from child ") ? Int($0.split(separator: " ").last!) : nil })
            let trace = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
            let pids = Set((trace["traceEvents"] as! [[String: Any]]).map { $0["pid"] as! Int })
            #expect(pids == children.union([Int(result.pid)]))
        }

        @Test("save refuses a file of /proc with force, before it writes or truncates a byte: forklab's name stays")
        func saveRefusesProc() throws {
            let live = LiveForklab(pipes: [])
            live.send("fork 1\n")
            live.expect("# fork: 1 child forked")
            let comm = "/proc/\(live.pid)/comm"
            live.send("save /proc/self/comm force\nsave \(comm) force\nforkexit 1\n")
            live.expect("# forkexit: 1 child reaped, it exited 1")
            #expect(try String(contentsOfFile: comm, encoding: .utf8) == "forklab\n")
            live.send("q\n")
            #expect(live.waitForExit() == Ending(exitCode: 1))
            #expect(live.stderrText == """
                forklab: line 2: save: '/proc/self/comm' is a kernel interface (proc), not a regular file; a trace is saved to a file only
                forklab: line 3: save: '\(comm)' is a kernel interface (proc), not a regular file; a trace is saved to a file only

                """)
        }

        @Test("save refuses a writable file of /sys with force, and leaves it as it was",
              .enabled(if: access("/sys/kernel/rcu_expedited", W_OK) == 0, "needs root and a writable /sys"))
        func saveRefusesSys() throws {
            // Writing anything but a number here fails with EINVAL: even a
            // save that was not refused could not change it.
            let path = "/sys/kernel/rcu_expedited"
            let before = try String(contentsOfFile: path, encoding: .utf8)
            let result = forklab("fork 1; save \(path) force")
            #expect(result.status == 1)
            #expect(result.stderrLines == [
                "forklab: line 1: save: '\(path)' is a kernel interface (sysfs), not a regular file; a trace is saved to a file only",
            ])
            #expect(try String(contentsOfFile: path, encoding: .utf8) == before)
        }
    }

    @Suite struct Colour {
        static func colourEnvironment(_ extra: [String: String] = [:]) -> [String: String] {
            var environment = testEnvironment(home: temporaryFolder(), extra: extra)
            environment["NO_COLOR"] = nil
            return environment.merging(extra) { $1 }
        }

        @Test("at a terminal: parent lines yellow, child lines cyan, thread numbers coloured, errors red")
        func colours() {
            let live = LiveForklab(terminal: [], environment: Self.colourEnvironment())
            live.expect("forklab> ")
            live.send("fork 1\r")
            // The child's line and the parent's come in either order.
            guard let fork = live.expect("# fork: 1 child forked") else { return }
            #expect(fork.contains("\u{1b}[33mHello from parent ") && fork.contains("\u{1b}[36mHello from child "))
            live.expect("forklab> ")
            live.send("threads 2 count 1\r")
            live.expect("[\u{1b}[3")
            live.expect("forklab> ")
            live.send("frok\r")
            live.expect("\u{1b}[31mforklab: unknown command 'frok'")
            live.send("q\r")
            #expect(live.waitForExit() == Ending(exitCode: 1))
        }

        @Test("no colour with NO_COLOR at a terminal, nor through a pipe")
        func noColour() {
            let live = LiveForklab(terminal: [], environment: Self.colourEnvironment(["NO_COLOR": "1"]))
            live.expect("forklab> ")
            live.send("fork 1; threads 2 count 1; frok\r")
            guard let output = live.expect("unknown command 'frok'") else { return }
            #expect(!output.contains("\u{1b}["))
            live.send("q\r")
            #expect(live.waitForExit() == Ending(exitCode: 1))
            let piped = forklab("fork 1; threads 2 count 1; frok", RunOptions(environment: Self.colourEnvironment()))
            #expect(!piped.stdout.contains("\u{1b}") && !piped.stderr.contains("\u{1b}"))
        }
    }
}
