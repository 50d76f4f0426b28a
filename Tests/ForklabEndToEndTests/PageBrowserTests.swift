import CTestSupport
import Foundation
import Testing

/// `save FILE.html` opened in headless Chromium (Debian's `chromium`, which
/// scripts/setup.sh installs for scripts/test): the DOM the page's script
/// built, a screenshot kept for a person to look at, and how long big
/// records take to draw.
extension EndToEnd {
    @Suite struct PageBrowser {
        /// Chromium's binary: FORKLAB_CHROMIUM, else `chromium` or
        /// `chromium-browser` on PATH.
        static let chromium: String? = {
            if let path = ProcessInfo.processInfo.environment["FORKLAB_CHROMIUM"], !path.isEmpty { return path }
            for folder in ["/usr/bin", "/usr/local/bin", "/snap/bin"] {
                for name in ["chromium", "chromium-browser"] where FileManager.default.isExecutableFile(atPath: "\(folder)/\(name)") {
                    return "\(folder)/\(name)"
                }
            }
            return nil
        }()

        /// Runs headless Chromium on `page` with `arguments` (`--dump-dom`,
        /// `--screenshot=…`) and gives back its stdout.
        static func chromium(_ arguments: [String], page: String) throws -> String {
            let binary = try #require(chromium, "Chromium is needed: scripts/setup.sh installs it (apt-get install chromium)")
            // Chromium's helpers (crashpad, its zygotes) outlive it, orphaned: as a
            // subreaper this process adopts them, and reaps them below, where init
            // would leave them zombies on this machine (PITFALLS.md).
            #expect(subreaper)
            let before = Set(children(of: getpid()).map(\.pid))
            defer { reapChromiumHelpers(except: before) }
            let profile = temporaryFolder()
            defer { try? FileManager.default.removeItem(at: profile) }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            // As root Chromium runs only without its sandbox; a private profile each time.
            process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
                                 "--user-data-dir=\(profile.path)"] + arguments + [URL(fileURLWithPath: page).absoluteString]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            process.standardInput = FileHandle.nullDevice
            try process.run()
            // A deadline only so that a broken build cannot hang the suite.
            let killer = DispatchWorkItem { if process.isRunning { process.terminate() } }
            DispatchQueue.global().asyncAfter(deadline: .now() + 60, execute: killer)
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            killer.cancel()
            #expect(process.terminationStatus == 0, "chromium \(arguments) exited \(process.terminationStatus)")
            return String(decoding: data, as: UTF8.self)
        }

        /// Waits for (and, if alive, kills) the children Chromium left this
        /// process, by pid: those not in `before` whose name starts `chrom`;
        /// until none is left for 300 ms, as they are orphaned one by one.
        static func reapChromiumHelpers(except before: Set<pid_t>) {
            var quiet = 0
            for _ in 0..<500 where quiet < 15 {
                let left = children(of: getpid()).filter { !before.contains($0.pid) && $0.name.hasPrefix("chrom") }
                quiet = left.isEmpty ? quiet + 1 : 0
                for child in left {
                    if child.state != "Z" { kill(child.pid, SIGKILL) }
                    var status: Int32 = 0
                    while waitpid(child.pid, &status, 0) == -1 && errno == EINTR {}
                }
                usleep(20_000)
            }
        }

        /// Every first capture group of `pattern` in `text`.
        static func matches(_ pattern: String, in text: String) -> [String] {
            let regex = try! NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators])
            return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).map {
                String(text[Range($0.range(at: 1), in: text)!])
            }
        }

        /// An attribute of the <html> element the page's script set.
        static func rootAttribute(_ name: String, in dom: String) -> String? {
            matches("<html[^>]* \(name)=\"([^\"]*)\"", in: dom).first
        }

        /// Each drawn lane's label and mark glyphs, in the DOM's order.
        static func lanes(in dom: String) -> [(label: String, marks: [String])] {
            let groups = dom.components(separatedBy: "<g class=\"lane ").dropFirst()
            return groups.map { group in
                let label = matches("<text class=\"label\"[^>]*>([^<]*)</text>", in: group).first ?? ""
                return (label, matches("<text class=\"mark\"[^>]*>([^<]*)</text>", in: group))
            }
        }

        @Test("a page of spawn child.sh 3 builds in headless Chromium one lane per process with its pid and exit status, one mark per event, the command and summary as its title; a screenshot is kept")
        func spawnPage() throws {
            let folder = temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let page = folder.appendingPathComponent("spawn.html").path
            let result = forklab("spawn child.sh 3; save \(page)")
            #expect(result.status == 0 && result.stderr == "")
            let children = result.stdoutLines.compactMap { $0.hasPrefix("Child is ") ? $0.split(separator: " ").last.map(String.init) : nil }
            #expect(children.count == 3)
            let summary = try #require(result.stdoutLines.last)

            let dom = try Self.chromium(["--dump-dom"], page: page)
            #expect(dom.contains("<title>timeline of spawn child.sh 3</title>"))
            #expect(dom.contains("<h1 id=\"title\">timeline of <span id=\"command\">spawn child.sh 3</span></h1>"))
            #expect(dom.contains("<p id=\"summary\">\(summary)</p>"))
            let lanes = Self.lanes(in: dom)
            #expect(lanes.map(\.label) == ["parent \(result.pid)"] + children.map { "child \($0)  exit 0" })
            // The parent spawns, reaps and sums up; each child is forked, execs child.sh, and is reaped.
            let parent = try #require(lanes.first).marks
            #expect(parent.sorted() == ["#", "F", "F", "F", "R", "R", "R"] && parent.last == "#")
            for lane in lanes.dropFirst() { #expect(lane.marks == ["F", "E", "R"]) }
            #expect(Self.rootAttribute("data-lanes", in: dom) == "4")
            #expect(Self.rootAttribute("data-marks", in: dom) == "16")
            #expect(dom.components(separatedBy: "class=\"mark\"").count - 1 == 16)
            // The axis in time units.
            let ticks = Self.matches("<text class=\"ticklabel\"[^>]*>([^<]*)</text>", in: dom)
            #expect(ticks.contains("0") && ticks.contains { $0.hasSuffix(" ms") })

            // The screenshot stays for a person to look at, at a path that each run replaces.
            let kept = FileManager.default.temporaryDirectory.appendingPathComponent("forklab-page-screenshot")
            try FileManager.default.createDirectory(at: kept, withIntermediateDirectories: true)
            let picture = kept.appendingPathComponent("spawn-child.sh-3.png")
            try? FileManager.default.removeItem(at: picture)
            _ = try Self.chromium(["--screenshot=\(picture.path)", "--window-size=1100,400"], page: page)
            let png = try Data(contentsOf: picture)
            #expect(png.starts(with: [0x89, 0x50, 0x4e, 0x47]) && png.count > 5_000)
            print("forklab: the page of spawn child.sh 3, as headless Chromium draws it: \(picture.path)")
        }

        /// Appended to a copy of a page: plays a wheel turn, `0`, `+`, a drag
        /// and a hover, and notes the axis's ticks after each, and the hover
        /// box, in `data-probe`. Headless Chromium draws no frames for
        /// --dump-dom, so animation frames become timers.
        static let probe = """
            <script>
            (function () {
              var out = {}, view = document.getElementById("view"), plot = document.getElementById("lanes");
              function ticks() {
                return Array.from(document.querySelectorAll("#axis .ticklabel")).slice(1).map(function (t) { return t.textContent; });
              }
              function then(step) { setTimeout(step, 20); }
              out.start = ticks();
              var box = view.getBoundingClientRect();
              view.dispatchEvent(new WheelEvent("wheel", { deltaY: -500, clientX: box.left + 600, clientY: box.top + 60, bubbles: true, cancelable: true }));
              then(function () {
                out.wheel = ticks();
                document.dispatchEvent(new KeyboardEvent("keydown", { key: "0", bubbles: true }));
                then(function () {
                  out.reset = ticks();
                  document.dispatchEvent(new KeyboardEvent("keydown", { key: "+", bubbles: true }));
                  then(function () {
                    out.plus = ticks();
                    plot.dispatchEvent(new MouseEvent("mousedown", { button: 0, clientX: 500, clientY: 200, bubbles: true }));
                    window.dispatchEvent(new MouseEvent("mousemove", { clientX: 700, clientY: 200, bubbles: true }));
                    window.dispatchEvent(new MouseEvent("mouseup", { clientX: 700, clientY: 200, bubbles: true }));
                    then(function () {
                      out.drag = ticks();
                      document.querySelector(".lane .mark").dispatchEvent(new MouseEvent("mousemove", { clientX: 100, clientY: 100, bubbles: true }));
                      var tip = document.getElementById("tip");
                      out.tip = tip.hidden ? "" : tip.textContent;
                      document.documentElement.setAttribute("data-probe", JSON.stringify(out));
                    });
                  });
                });
              });
            })();
            </script>
            """

        @Test("on a page of spawn child.sh 3 the wheel and + zoom the time axis, 0 shows it all again, dragging pans, and hovering a mark shows its event")
        func zoomPanHover() throws {
            let folder = temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let page = folder.appendingPathComponent("spawn.html").path, probed = folder.appendingPathComponent("probed.html").path
            let result = forklab("spawn child.sh 3; save \(page)")
            let child = try #require(result.stdoutLines.first { $0.hasPrefix("Child is ") })
            var html = try String(contentsOfFile: page, encoding: .utf8)
            html = html.replacingOccurrences(of: "<meta charset=\"utf-8\">", with: "<meta charset=\"utf-8\">"
                + "<script>window.requestAnimationFrame = function (f) { return setTimeout(f, 0); };</script>")
            html = html.replacingOccurrences(of: "</body>", with: Self.probe + "</body>")
            try html.write(toFile: probed, atomically: false, encoding: .utf8)

            let dom = try Self.chromium(["--virtual-time-budget=5000", "--dump-dom"], page: probed)
            let json = try #require(Self.rootAttribute("data-probe", in: dom)).replacingOccurrences(of: "&quot;", with: "\"")
            let probe = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            let start = try #require(probe["start"] as? [String]), wheel = try #require(probe["wheel"] as? [String])
            let reset = try #require(probe["reset"] as? [String]), plus = try #require(probe["plus"] as? [String])
            let drag = try #require(probe["drag"] as? [String])
            func first(_ ticks: [String]) -> Double { ticks.first.flatMap { Double($0.split(separator: " ")[0]) } ?? -1 }
            #expect(start.first == "0" && start.count >= 3)
            // Zoomed in around the pointer: the axis starts later, its ticks in the same units or finer.
            #expect(first(wheel) > 0 && wheel != start)
            #expect(reset == start)
            #expect(first(plus) > 0 && plus != start)
            // Dragged 200 pixels right: earlier times come into view.
            #expect(drag != plus && first(drag) < first(plus))
            let tip = try #require(probe["tip"] as? String)
            #expect(tip.hasPrefix("F  fork: a child begins\n\u{201c}\(child)\u{201d}\nparent \(result.pid)   pid \(result.pid)\nat "), "\(tip)")
        }

        @Test("a program named <script>alert(1)</script> and a hostile argument show in the page as text: no script or element of theirs")
        func hostileNamePage() throws {
            let folder = temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let page = folder.appendingPathComponent("hostile.html").path
            let result = forklab("spawn '<script>alert(1)</script>' -- '<img src=x onerror=document.title=666>'; save \(page)")
            let child = try #require(result.stdoutLines.first { $0.hasPrefix("Child is ") }?.split(separator: " ").last)
            let dom = try Self.chromium(["--dump-dom"], page: page)
            let shown = "spawn &lt;script&gt;alert(1)&lt;/script&gt; -- &lt;img src=x onerror=document.title=666&gt;"
            #expect(dom.contains("<title>timeline of \(shown)</title>"))
            #expect(dom.contains("<span id=\"command\">\(shown)</span>"))
            #expect(dom.contains("execvp: the child tries to become &lt;script&gt;alert(1)&lt;/scrip…"))  // the legend
            // Only the page's two scripts, no image, and the lanes drawn.
            #expect(dom.components(separatedBy: "<script").count - 1 == 2)
            #expect(!dom.contains("<img"))
            #expect(Self.lanes(in: dom).map(\.label) == ["parent \(result.pid)", "child \(child)  exit 127"])
        }

        @Test("pages of 10000 children and of 131072 marks draw in headless Chromium, the lanes on screen of all of them; the times are printed")
        func bigPages() throws {
            let folder = temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let children = folder.appendingPathComponent("fork.html").path, lines = folder.appendingPathComponent("threads.html").path
            let result = forklab("fork 10000; save \(children); threads 10 count 20000; save \(lines)")
            #expect(result.status == 0 && result.stderr == "")

            let forkDOM = try Self.chromium(["--dump-dom"], page: children)
            #expect(Self.rootAttribute("data-lanes", in: forkDOM) == "10001")
            // Only the lanes on screen are drawn, from the first.
            let drawn = Self.lanes(in: forkDOM)
            #expect(drawn.count > 20 && drawn.count < 200)
            #expect(drawn.first?.label == "parent \(result.pid)" && drawn.dropFirst().allSatisfy { $0.label.hasPrefix("child ") })

            let threadsDOM = try Self.chromium(["--dump-dom"], page: lines)
            #expect(Self.rootAttribute("data-lanes", in: threadsDOM) == "11")
            // 131072 lines kept, each thread's start and end, the main thread's line and the summary.
            #expect(Self.rootAttribute("data-marks", in: threadsDOM) == "131094")
            #expect(threadsDOM.contains("only the first 131072 of 200000 lines, puts and gets were recorded"))
            let threadLanes = Self.lanes(in: threadsDOM)
            #expect(threadLanes.count == 11 && threadLanes.dropFirst().allSatisfy { !$0.marks.isEmpty })

            let forkMS = try #require(Self.rootAttribute("data-drawn-ms", in: forkDOM))
            let threadsMS = try #require(Self.rootAttribute("data-drawn-ms", in: threadsDOM))
            let size = { (path: String) in ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? Int ?? 0) / 1024 }
            print("forklab: drawn in headless Chromium \(forkMS) ms after the page began to load (10000 children, \(size(children)) KiB), "
                + "\(threadsMS) ms (131072 marks, \(size(lines)) KiB)")
        }

        @Test("save FILE.html writes a page, never overwrites without force, and refuses a FIFO")
        func pageFileRules() throws {
            let folder = temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let page = folder.appendingPathComponent("run.html").path, fifo = folder.appendingPathComponent("pipe.html").path
            #expect(mkfifo(fifo, 0o600) == 0)
            let result = forklab("forkexit 1; save \(page); save \(page); save \(fifo) force; fork 1; save \(page) force")
            #expect(result.status == 1)
            #expect(result.stderrLines == [
                "forklab: line 1: save: '\(shownInMessage(page))' exists; add 'force' to overwrite it",
                "forklab: line 1: save: '\(shownInMessage(fifo))' is not a regular file; a trace is saved to a file only",
            ])
            let html = try String(contentsOfFile: page, encoding: .utf8)
            #expect(html.hasPrefix("<!DOCTYPE html>\n") && html.hasSuffix("</html>\n"))
            #expect(html.contains("<title>timeline of fork 1</title>"))
        }
    }
}
