import Foundation
import Testing

/// A row of `ps`'s table: PID PPID STATE, then the command with the tree's branches.
private struct PsRow: Equatable {
    var pid: Int32
    var parent: Int32
    var state: Character
    var command: String

    init?(_ line: String) {
        let fields = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: true)
        guard fields.count == 4, let pid = Int32(fields[0]), let parent = Int32(fields[1]), fields[2].count == 1 else {
            return nil
        }
        self.pid = pid
        self.parent = parent
        state = fields[2].first!
        command = fields[3].trimmingCharacters(in: .whitespaces)
    }
}

/// `ps`'s tables in `text`: each starts at its header and runs while rows follow.
private func psTables(_ text: String) -> [[PsRow]] {
    var tables: [[PsRow]] = []
    var current: [PsRow]?
    for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
        let clean = line.replacingOccurrences(of: "\r", with: "")
        if clean.hasPrefix("PID ") && clean.hasSuffix("STATE  COMMAND") {
            if let current { tables.append(current) }
            current = []
        } else if current != nil, let row = PsRow(clean) {
            current!.append(row)
        } else if let done = current {
            tables.append(done)
            current = nil
        }
    }
    if let current { tables.append(current) }
    return tables
}

/// The child pids of `Hello from parent P C` lines, in order.
private func forkedChildren(_ lines: [String]) -> [Int32] {
    lines.compactMap { TraceLine($0) }.filter { $0.kind == .parentHello }.map { Int32($0.numbers[1]) }
}

/// The pids of `Parent got C …` lines, in order, with the rest of each line.
private func reapedLines(_ lines: [String]) -> [(pid: Int32, rest: [Int])] {
    lines.compactMap { TraceLine($0) }.filter { $0.kind == .parentGot }.map { (Int32($0.numbers[0]), Array($0.numbers.dropFirst())) }
}

extension EndToEnd {
    @Suite struct Zombies {
        @Test("fork 3 noreap leaves three zombies that ps shows as Z and /proc confirms; reap ends them with Parent got lines")
        func noreapZombiesShownAndReaped() throws {
            let live = LiveForklab(pipes: [])
            live.send("fork 3 noreap\n")
            guard let forked = live.expect("# fork: 3 children forked, 0 reaped, 3 left as zombies (ps shows them, reap ends them); ")
            else { return }
            let pids = forkedChildren(forked.components(separatedBy: "\n"))
            #expect(pids.count == 3)
            // The kernel says so: three children of forklab, each a zombie.
            let seen = children(of: live.pid)
            #expect(Set(seen.map(\.pid)) == Set(pids))
            #expect(seen.allSatisfy { $0.state == "Z" })

            live.send("ps\nfork 1\n")  // fork 1 reaps its own child only
            guard let listed = live.expect("# fork: 1 child forked, 1 reaped, 0 left") else { return }
            let table = try #require(psTables(listed).first)
            #expect(table.first?.pid == live.pid && table.first?.command == "forklab")
            #expect(table.dropFirst().map(\.pid) == pids.sorted())
            #expect(table.dropFirst().allSatisfy { $0.parent == live.pid && $0.state == "Z" })
            #expect(table.dropFirst().allSatisfy { $0.command.hasSuffix("forklab <defunct>") })
            #expect(Set(children(of: live.pid).map(\.pid)) == Set(pids), "fork 1 left the zombies alone")

            live.send("reap\nps\nq\n")
            #expect(live.waitForExit() == Ending(exitCode: 0))
            let rest = String(decoding: live.transcript, as: UTF8.self).components(separatedBy: "# fork: 1 child forked")[1]
            let reaped = reapedLines(rest.components(separatedBy: "\n"))
            #expect(reaped.map(\.pid) == pids, "in the order they were forked")
            #expect(reaped.allSatisfy { $0.rest == [0, 0] })
            let after = try #require(psTables(rest).first)
            #expect(after.map(\.pid) == [live.pid], "at a clean prompt, forklab alone")
        }

        @Test("forkexit 2 noreap prints no Parent got line; reap prints each with the exit status the kernel kept")
        func forkexitStatusWaitsForReap() throws {
            let result = forklab("forkexit 2 noreap; ps; reap; ps")
            #expect(result.status == 0)
            #expect(result.stderr == "")
            let lines = result.stdoutLines
            let summary = try #require(lines.firstIndex { $0.hasPrefix("# forkexit:") })
            #expect(lines[summary].hasPrefix("# forkexit: 2 children forked, 0 reaped, 2 left as zombies (ps shows them, reap ends them); "))
            #expect(reapedLines(Array(lines[..<summary])).isEmpty)
            let children = lines[..<summary].compactMap { TraceLine($0) }.filter { $0.kind == .childHello }.map { Int32($0.numbers[0]) }
            #expect(children.count == 2)
            let tables = psTables(result.stdout)
            #expect(tables.count == 2)
            #expect(Set(tables[0].dropFirst().map(\.pid)) == Set(children))
            #expect(tables[0].dropFirst().allSatisfy { $0.state == "Z" })
            let reaped = reapedLines(lines)
            #expect(Set(reaped.map(\.pid)) == Set(children))
            #expect(reaped.allSatisfy { $0.rest == [256, 1] })
            #expect(tables[1].count == 1 && tables[1].first?.command == "forklab")
        }

        @Test("the end of a script (-c, a FILE, output to a file), q and a spawn's noreap leave no zombie once forklab has exited")
        func nothingLeftAtExit() throws {
            #expect(subreaper)  // what forklab leaves would come back to this test
            let folder = temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let script = folder.appendingPathComponent("zombies.lab")
            try "fork 2 noreap\nforkexit 2 noreap\n".write(to: script, atomically: true, encoding: .utf8)
            let fromFile = runForklab([script.path], RunOptions(stdoutToFile: true))
            #expect(fromFile.status == 0)
            #expect(fromFile.stdoutLines.filter { $0.contains(" left as zombies (ps shows them, reap ends them); ") }.count == 2)
            #expect(leftBehind(named: "forklab").isEmpty)

            let ended = forklab("fork 4 noreap; spawn true 2 noreap")
            #expect(ended.status == 0)
            #expect(ended.stdoutLines.last?.hasPrefix("# spawn: 2 children started, 0 reaped, 2 left as zombies") == true)
            #expect(leftBehind(named: "forklab").isEmpty)
            #expect(leftBehind(named: "true").isEmpty)

            let live = LiveForklab(pipes: [])
            live.send("forkexit 3 noreap\n")
            live.expect("3 left as zombies")
            #expect(children(of: live.pid).count == 3)
            live.send("q\n")
            #expect(live.waitForExit() == Ending(exitCode: 0))
            #expect(leftBehind(named: "forklab").isEmpty)
        }

        @Test("at a terminal: ps draws the zombies in box characters; Ctrl-C at the prompt reaps them; the session goes on")
        func interruptAtThePromptReaps() {
            let live = LiveForklab(terminal: [])
            live.expect("forklab> ")
            live.send("fork 3 noreap\r")
            live.expect("3 left as zombies")
            live.expect("forklab> ")
            #expect(children(of: live.pid).filter { $0.state == "Z" }.count == 3)
            live.send("ps\r")
            // A UTF-8 terminal gets the tree in box characters, as the timeline.
            live.expect("├── forklab <defunct>")
            live.expect("└── forklab <defunct>")
            live.expect("forklab> ")
            live.send("\u{3}")
            live.expect("forklab> ")
            #expect(children(of: live.pid).isEmpty)
            live.send("reap\r")
            live.expect("reap: no zombies held")
            live.send("q\r")
            #expect(live.waitForExit() == Ending(exitCode: 0))
        }

        @Test("more than 1000 zombies held is refused before any fork, and the script fails with status 1")
        func theLimitIsRefused() {
            let alone = forklab("forkexit 1001 noreap")
            #expect(alone.status == 1)
            #expect(alone.stdout == "")
            #expect(alone.stderrLines == ["forklab: line 1: forkexit: noreap would hold 1001 zombies, at most 1000 are allowed; ask for fewer"])

            let held = forklab("fork 999 noreap; spawn true 2 noreap; fork 1 noreap; reap")
            #expect(held.status == 1)
            #expect(held.stderrLines == [
                "forklab: line 1: spawn: noreap would hold 1001 zombies, at most 1000 are allowed (999 held now); reap them first, or ask for fewer",
            ])
            #expect(!held.stdoutLines.contains { $0.hasPrefix("Child is ") })
            #expect(held.stdoutLines.filter { $0.hasPrefix("Parent got ") }.count == 1000)
        }

        @Test("--json: the summary counts the zombies, and reap writes a wait object with text for each")
        func jsonReap() throws {
            let json = runForklab(["--json", "-c", "fork 2 noreap; reap"])
            #expect(json.status == 0)
            let summary = try #require(json.stdoutLines.first { $0.contains("\"event\":\"summary\"") })
            #expect(summary.contains("\"experiment\":\"fork\",\"zombies\":2,"))
            let waits = json.stdoutLines.filter { $0.contains("\"event\":\"wait\"") }
            #expect(waits.count == 2)
            #expect(waits.allSatisfy { $0.contains("\"status\":0,\"code\":0,\"text\":\"Parent got ") })
            #expect(json.stdoutLines.last.map { $0.contains("\"event\":\"wait\"") } == true, "after the summary")
        }

        @Test("timeline after fork 2 noreap: each child dotted to the end as a zombie, no R, noted exit 0, zombie")
        func timelineShowsTheZombies() throws {
            let result = forklab("fork 2 noreap; timeline width 80 ascii")
            #expect(result.status == 0)
            let lanes = result.stdoutLines.filter { $0.hasPrefix("child ") }
            #expect(lanes.count == 2)
            for lane in lanes {
                #expect(lane.hasSuffix(" exit 0, zombie"))
                #expect(!lane.contains("R"))
                // From the _exit's X to the picture's end: dots, nothing else.
                let drawing = lane.dropLast(" exit 0, zombie".count).trimmingCharacters(in: .whitespaces)
                let afterExit = try #require(drawing.split(separator: "X", omittingEmptySubsequences: false).last)
                #expect(!afterExit.isEmpty && afterExit.allSatisfy { $0 == "." })
            }
        }
    }
}
