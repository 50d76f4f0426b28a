import CTestSupport
import Foundation
import Testing

/// `tree` run by the binary: its lines, its drawing, its refusals, and a
/// 100-process tree stopped in the middle that leaves nothing behind.
extension EndToEnd {
    @Suite struct TreeCommand {
        /// The lines with each pid replaced by `#`, and the pids by name.
        static func withoutPIDs(_ lines: [String]) -> (lines: [String], pids: [String: String]) {
            var pids: [String: String] = [:]
            let masked = lines.map { line -> String in
                if line.hasPrefix("# ") { return line }
                var words = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
                for index in words.indices.dropFirst() where Int(words[index]) != nil && !words[index - 1].isEmpty {
                    let name = words[index - 1]
                    if let known = pids[name] { #expect(known == words[index], "\(name) has two pids") }
                    pids[name] = words[index]
                    words[index] = "#"
                }
                return words.joined(separator: " ")
            }
            return (masked, pids)
        }

        /// The root's pid: the second word of the first `a PID forks …` line.
        static func rootPID(_ output: String) -> pid_t? {
            let line = output.split(whereSeparator: \.isNewline).first { $0.hasPrefix("a ") && $0.contains(" forks ") }
            return line.flatMap { $0.split(separator: " ").dropFirst().first }.flatMap { pid_t($0) }
        }

        @Test("tree a+b,b+c,c+d,b-,a+e: b's child c goes to a, c's child d stays with c; drawn from the kernel")
        func exitWithGrandchildren() throws {
            let run = forklab("tree a+b,b+c,c+d,b-,a+e")
            #expect(run.status == 0)
            #expect(run.stderr == "")
            let (lines, pids) = Self.withoutPIDs(run.stdoutLines)
            #expect(Array(lines.dropLast()) == [
                "a # forks b #",
                "b # forks c #",
                "c # forks d #",
                "b # exits",
                "c # is an orphan: its parent is now a #",
                "a # forks e #",
                "a #",
                "├─ c #",
                "│  └─ d #",
                "└─ e #",
            ])
            #expect(run.stdoutLines.last?.hasPrefix(
                "# tree: 5 processes forked, 1 exit, 1 orphan adopted by a \(pids["a"] ?? "?") (only the root is a subreaper); "
                + "at the end 4 exited, children first, each reaped by its parent; ") == true)
            #expect(Set(pids.keys) == ["a", "b", "c", "d", "e"])
            for (name, pid) in pids { #expect(kill(pid_t(pid)!, 0) != 0, "\(name) \(pid) is still there") }
        }

        @Test("tree … local: every process a subreaper, so d, orphaned by c, goes to b, c's parent")
        func localGivesOrphansToTheParent() throws {
            let local = forklab("tree a+b,b+c,c+d,c- local")
            let plain = forklab("tree a+b,b+c,c+d,c-")
            #expect(local.status == 0 && plain.status == 0)
            let lines = Self.withoutPIDs(local.traceLines).lines + Self.withoutPIDs(plain.traceLines).lines
            #expect(lines == [
                "a # forks b #", "b # forks c #", "c # forks d #", "c # exits",
                "d # is an orphan: its parent is now b #",
                "a #", "└─ b #", "   └─ d #",
                "a # forks b #", "b # forks c #", "c # forks d #", "c # exits",
                "d # is an orphan: its parent is now a #",
                "a #", "├─ b #", "└─ d #",
            ])
        }

        @Test("steps draws the tree after every action, in ASCII where the locale is not UTF-8")
        func stepsInASCII() throws {
            var options = RunOptions()
            options.environment = testEnvironment(home: temporaryFolder(), extra: ["LANG": "C", "LC_ALL": "C"])
            let run = forklab("tree a+b,b+c,a+d,b- steps", options)
            #expect(run.status == 0)
            let (lines, _) = Self.withoutPIDs(run.traceLines)
            #expect(lines == [
                "a # forks b #", "a #", "`- b #",
                "b # forks c #", "a #", "`- b #", "   `- c #",
                "a # forks d #", "a #", "|- b #", "|  `- c #", "`- d #",
                "b # exits", "c # is an orphan: its parent is now a #", "a #", "|- c #", "`- d #",
            ])
        }

        @Test("tree random N seed S prints a list that, typed back, runs the same tree")
        func randomWithASeedIsTypedBack() throws {
            let first = forklab("tree random 30 seed 11 forks 60; tree random 30 seed 11 forks 60")
            #expect(first.status == 0)
            let lists = first.stdoutLines.filter { $0.hasPrefix("tree ") }
            #expect(lists.count == 2)
            #expect(lists.first == lists.last)
            let list = try #require(lists.first)
            #expect(list.hasSuffix("  # random 30 seed 11 forks 60"))
            let again = forklab(list)
            #expect(again.status == 0)
            let (randomLines, _) = Self.withoutPIDs(Array(first.traceLines.dropFirst().prefix(while: { !$0.hasPrefix("tree ") })))
            #expect(Self.withoutPIDs(again.traceLines).lines == randomLines)
        }

        @Test("a bad list is refused naming the action, and nothing is forked")
        func badListForksNothing() {
            let run = forklab("tree a+b,b+c,c-,c+d")
            #expect(run.status == 1)
            #expect(run.stdout == "")
            #expect(run.stderr == "forklab: line 1: tree: action 4 'c+d': c has exited already (action 3 'c-')\n")
        }

        @Test("timeline after tree: a lane per process in fork order with F, A and X where the kernel said; save: a process per tree process")
        func viewsShowTheTree() throws {
            let folder = temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let path = folder.appendingPathComponent("tree.json").path
            let run = forklab("tree a+b,b+c,c+d,b-,a+e; timeline width 100 ascii; save \(path)")
            #expect(run.status == 0)
            #expect(run.stderr == "")
            let (_, pids) = Self.withoutPIDs(Array(run.stdoutLines.prefix(6)))
            let names = ["a", "b", "c", "d", "e"]
            let labels = ["forklab \(run.pid)"] + names.map { "\($0) \(pids[$0] ?? "?")" }
            // The orphan the kernel reported, and its new parent.
            #expect(run.stdoutLines.contains("c \(pids["c"] ?? "?") is an orphan: its parent is now a \(pids["a"] ?? "?")"))
            let picture = run.stdoutLines.drop { !$0.hasPrefix("timeline of tree a+b,b+c,c+d,b-,a+e (") }
            let lanes = picture.filter { line in labels.contains { line.hasPrefix($0 + " ") } }
            #expect(lanes.map { line in labels.first { line.hasPrefix($0 + " ") }! } == labels)
            // Each lane's marks in time order: forklab forks a; a forks b and e; b forks c and exits;
            // c forks d, is adopted, exits; the summary ends forklab's lane.
            let labelWidth = labels.map(\.count).max()!
            let marks = lanes.map { line in String(line.dropFirst(labelWidth + 1).filter { $0 != "-" && $0 != " " }) }
            #expect(marks == ["F#", "FFFX", "FFX", "FFAX", "FX", "FX"])
            #expect(lanes.allSatisfy { $0.count <= 100 && $0.allSatisfy(\.isASCII) })
            for entry in ["F fork: the parent forks, a process begins", "X _exit: the process ends, reaped by its parent",
                          "A orphaned: the kernel gives it a new parent", "# the summary line"] {
                #expect(picture.contains { $0.contains(entry) }, "legend: \(entry)")
            }

            let trace = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
            let events = trace["traceEvents"] as! [[String: Any]]
            let processes = events.filter { $0["name"] as? String == "process_name" }
                .map { "\($0["pid"] as! Int) \(($0["args"] as! [String: Any])["name"] as! String)" }
            #expect(processes == ["\(run.pid) forklab"] + names.map { "\(pids[$0] ?? "?") \($0) \(pids[$0] ?? "?")" })
            let orphan = try #require(events.first { $0["name"] as? String == "tree_orphan" })
            #expect("\(orphan["pid"] as! Int)" == pids["c"])
            #expect(((orphan["args"] as! [String: Any])["parent"] as? Int).map(String.init) == pids["a"])
        }

        @Test("--json: a fork, an exit and an orphan each an object with both pids and both names")
        func jsonObjects() throws {
            let run = forklab("set format json; tree a+b,b+c,b-")
            #expect(run.status == 0)
            let events = run.stdoutLines.compactMap { line -> String? in
                guard let range = line.range(of: "\"event\":\"") else { return nil }
                return String(line[range.upperBound...].prefix { $0 != "\"" })
            }
            #expect(events == ["tree_fork", "tree_fork", "tree_fork", "tree_exit", "tree_orphan", "tree_drawing",
                               "tree_exit", "tree_exit", "summary"])
            let orphan = try #require(run.stdoutLines.first { $0.contains("tree_orphan") })
            #expect(orphan.contains("\"name\":\"c\"") && orphan.contains("\"parent_name\":\"a\""))
        }

        @Test("Ctrl-C in the middle of a 100-process tree ends it all at once; nothing is left, not even a zombie")
        func interruptA100ProcessTree() throws {
            try stopA100ProcessTree(with: SIGINT)
        }

        @Test("Ctrl-C typed at the terminal reaches forklab alone (the tree has a group of its own); the tree is ended, nothing left, prompt back")
        func interruptAtTheTerminal() throws {
            let live = LiveForklab(terminal: [])
            live.expect("forklab> ")
            live.send("tree random 1000 seed 3 forks 100 steps\r")
            guard let seen = live.expect(" forks cv ") else { return }
            let root = try #require(Self.rootPID(seen))
            var group: [ProcessInfoEntry] = []
            for _ in 0..<200 {
                group = allProcesses().filter { $0.group == root }
                if group.count >= 99 { break }
                usleep(10_000)
            }
            #expect(group.count >= 99, "the tree in /proc: \(group.count) processes")
            live.send("\u{3}")
            live.expect("forklab: interrupted\r\n")
            live.expect("forklab> ")
            #expect(allProcesses().filter { $0.group == root }.isEmpty)
            #expect(children(of: live.pid).isEmpty)
            for process in group { #expect(kill(process.pid, 0) != 0, "\(process.pid) is still there") }
            live.send("q\r")
            #expect(live.waitForExit() == Ending(exitCode: 0))
        }

        @Test("SIGTERM in the middle of a 100-process tree ends it all; nothing is left")
        func terminateA100ProcessTree() throws {
            try stopA100ProcessTree(with: SIGTERM)
        }

        /// Runs a tree that grows to 100 processes and keeps forking and
        /// exiting, drawing each step into a pipe the test stops reading;
        /// once 100 are alive (read from /proc), sends `signal`.
        func stopA100ProcessTree(with signal: Int32) throws {
            let live = LiveForklab(pipes: [])
            live.send("tree random 1000 seed 3 forks 100 steps\n")
            // The 99th new process is cv: with it the tree holds 100.
            guard let seen = live.expect(" forks cv ") else { return }
            let root = try #require(Self.rootPID(seen))
            // Wait for forklab to fill the pipe and block, the tree alive under it.
            var group: [ProcessInfoEntry] = []
            for _ in 0..<200 {
                group = allProcesses().filter { $0.group == root }
                if group.count >= 99 { break }
                usleep(10_000)
            }
            #expect(group.count >= 99, "the tree in /proc: \(group.count) processes")
            #expect(group.allSatisfy { $0.group == root && $0.session != root })
            kill(live.pid, signal)
            let ending = live.waitForExit()
            #expect(ending == (signal == SIGINT ? Ending(exitCode: 130) : Ending(exitCode: nil, signal: SIGTERM)))
            #expect(allProcesses().filter { $0.group == root }.isEmpty)
            for process in group { #expect(kill(process.pid, 0) != 0, "\(process.pid) is still there") }
            #expect(leftBehind(named: "forklab").isEmpty)
        }
    }
}
