import CTestSupport
import Foundation
import ForklabWords
import Testing

/// The history file at a real pseudo-terminal: what forklab reads, what it
/// writes, and what it leaves alone.
extension EndToEnd {
    @Suite struct HistoryFile {
        @Test("a FIFO as history: no hang, one warning line naming it, history off, commands work")
        func fifo() throws {
            let folder = temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let fifo = folder.appendingPathComponent("fifo").path
            #expect(mkfifo(fifo, 0o600) == 0)
            let warning = "forklab: history file '\(display(fifo))' is a FIFO, not a regular file; history is off for this session\r\n"
            let live = LiveForklab(terminal: [], environment: testEnvironment(home: folder, extra: ["FORKLAB_HISTORY": fifo]))
            guard let start = live.expect("forklab> ") else { return }
            #expect(start.hasPrefix(warning))
            live.send("forkexit 2\r")
            live.expect("# forkexit: 2 children reaped")
            live.expect("forklab> ")
            live.send("fork 1\r")
            live.expect("# fork: 1 child forked")
            live.expect("forklab> ")
            live.send("\u{1b}[A\u{1b}[A\r")  // the session's own history, in memory: forkexit 2
            live.expect("# forkexit: 2 children reaped")
            live.expect("forklab> ")
            live.send("q\r")
            #expect(live.waitForExit() == Ending(exitCode: 0))
            #expect(live.transcript.split(separator: UInt8(ascii: "\n")).filter { String(decoding: $0, as: UTF8.self).contains("history") }.count == 1)
            #expect(fileType(fifo) == S_IFIFO)
        }

        @Test("a device as history: a warning, and its mode and contents untouched")
        func device() throws {
            let folder = temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            // As root, a private copy of /dev/null (c 1 3); otherwise a spare
            // pseudo-terminal of this test's own. Never a real /dev node.
            let path: String
            var master: Int32 = -1
            var slave: Int32 = -1
            if geteuid() == 0 {
                path = folder.appendingPathComponent("null").path
                #expect(mknod(path, S_IFCHR | 0o666, dev_t(1 << 8 | 3)) == 0)
                #expect(chmod(path, 0o666) == 0)
            } else {
                #expect(ts_open_pty(&master, &slave) == 0)
                path = String(cString: ttyname(slave))
            }
            defer {
                if master >= 0 { close(master) }
                if slave >= 0 { close(slave) }
            }
            let before = try #require(mode(path))
            runWarnedSession(history: path, home: folder,
                             warning: "is a character device, not a regular file; history is off for this session")
            #expect(mode(path) == before)
        }

        @Test("FORKLAB_HISTORY=/dev/null or empty: no history file, no warning", arguments: ["/dev/null", ""])
        func off(setting: String) throws {
            let folder = temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            #expect(chmod(folder.path, 0o777) == 0)
            // As root, forklab runs as nobody, from a copy nobody can reach:
            // then not even a broken build can chmod the real /dev/null.
            var options = RunOptions()
            if geteuid() == 0 {
                let copy = folder.appendingPathComponent("forklab")
                try FileManager.default.copyItem(atPath: forklabPath, toPath: copy.path)
                options = RunOptions(user: (65534, 65534), binary: copy.path)
            }
            let nullMode = mode("/dev/null")
            let live = LiveForklab(terminal: [], environment: testEnvironment(home: folder, extra: ["FORKLAB_HISTORY": setting]),
                                   options: options)
            guard let start = live.expect("forklab> ") else { return }
            #expect(start.hasPrefix("forklab 0.1.0: "))
            live.send("forkexit 1\r")
            guard let output = live.expect("forklab> ") else { return }
            #expect(output.contains("# forkexit: 1 child reaped"))
            #expect(!output.contains("forklab: "))
            live.send("\u{1b}[A\r")  // history in memory still
            live.expect("# forkexit: 1 child reaped")
            live.expect("forklab> ")
            live.send("q\r")
            #expect(live.waitForExit() == Ending(exitCode: 0))
            #expect(!String(decoding: live.transcript, as: UTF8.self).contains("history"))
            #expect(mode("/dev/null") == nullMode)
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent(".forklab_history").path))
        }

        @Test("a big history: only the last 1000 entries are read, an entry over 1 MiB is skipped, the file is saved with at most 1000")
        func bounded() throws {
            let folder = temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let path = folder.appendingPathComponent("history").path
            // 1500 entries (the last one twice: a repeat is not an entry of
            // its own), then one a byte over 1 MiB, then the last one.
            let old = (1...1500).map { "#\\040old\\040\($0)" }
            let long = "#" + String(repeating: "x", count: 1 << 20)
            let text = (["_HiStOrY_V2_"] + old + [old.last!, long, "forkexit\\0403"]).joined(separator: "\n") + "\n"
            try text.write(toFile: path, atomically: false, encoding: .utf8)
            let live = LiveForklab(terminal: [], environment: testEnvironment(home: folder, extra: ["FORKLAB_HISTORY": path]))
            guard let start = live.expect("forklab> ") else { return }
            #expect(!start.contains("forklab: "))
            live.send("\u{1b}[A\r")  // the last entry
            live.expect("# forkexit: 3 children reaped")
            live.expect("forklab> ")
            live.send("\u{4}")  // Ctrl-D: no new entry
            #expect(live.waitForExit() == Ending(exitCode: 0))
            // Read: old 502…1500 and forkexit 3, the long one skipped;
            // "forkexit 3" again is no new entry, but the file is saved.
            let saved = try historyLines(path)
            #expect(saved.first == "_HiStOrY_V2_")
            #expect(Array(saved.dropFirst()) == Array(old[501...]) + ["forkexit\\0403"])
        }

        @Test("a symbolic link to a history file is followed: the link stays, its target is read and saved and keeps its mode")
        func symbolicLink() throws {
            let folder = temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let target = folder.appendingPathComponent("dotfiles-history").path
            let link = folder.appendingPathComponent("history").path
            try "_HiStOrY_V2_\nforkexit\\0402\n".write(toFile: target, atomically: false, encoding: .utf8)
            #expect(chmod(target, 0o640) == 0)
            #expect(symlink("dotfiles-history", link) == 0)
            let live = LiveForklab(terminal: [], environment: testEnvironment(home: folder, extra: ["FORKLAB_HISTORY": link]))
            live.expect("forklab> ")
            live.send("\u{1b}[A\r")
            live.expect("# forkexit: 2 children reaped")
            live.expect("forklab> ")
            live.send("q\r")
            #expect(live.waitForExit() == Ending(exitCode: 0))
            #expect(fileType(link, following: false) == S_IFLNK)
            #expect(mode(target) == S_IFREG | 0o640)
            #expect(try historyLines(target) == ["_HiStOrY_V2_", "forkexit\\0402", "q"])
        }

        @Test("a regular file that is not a history file: a warning, and the file left as it was")
        func notHistory() throws {
            let folder = temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let path = folder.appendingPathComponent("notes.txt").path
            try "precious\n".write(toFile: path, atomically: false, encoding: .utf8)
            #expect(chmod(path, 0o644) == 0)
            runWarnedSession(history: path, home: folder, warning:
                "is not a history file (its first line is not _HiStOrY_V2_), so it is left alone; history is off for this session")
            #expect(try String(contentsOfFile: path, encoding: .utf8) == "precious\n")
            #expect(mode(path) == S_IFREG | 0o644)
        }
    }
}

/// The mode (type and permissions) of what `path` names, following links.
private func mode(_ path: String) -> mode_t? {
    var info = stat()
    return stat(path, &info) == 0 ? info.st_mode : nil
}

/// The type (S_IFREG, S_IFIFO, …) of what `path` names.
private func fileType(_ path: String, following: Bool = true) -> mode_t? {
    var info = stat()
    return (following ? stat(path, &info) : lstat(path, &info)) == 0 ? info.st_mode & S_IFMT : nil
}

/// A history file's lines, its header first.
private func historyLines(_ path: String) throws -> [String] {
    try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        .dropLast().map(String.init)
}

/// A session at a terminal with `path` as its history file: the banner is
/// preceded by `forklab: history file 'PATH' WARNING`, a command runs, and
/// `q` quits with status 0.
private func runWarnedSession(history path: String, home: URL, warning: String,
                              sourceLocation: SourceLocation = #_sourceLocation) {
    let live = LiveForklab(terminal: [], environment: testEnvironment(home: home, extra: ["FORKLAB_HISTORY": path]))
    guard let start = live.expect("forklab> ", sourceLocation: sourceLocation) else { return }
    #expect(start.hasPrefix("forklab: history file '\(display(path))' \(warning)\r\n"), sourceLocation: sourceLocation)
    live.send("forkexit 1\r")
    live.expect("# forkexit: 1 child reaped", sourceLocation: sourceLocation)
    live.expect("forklab> ", sourceLocation: sourceLocation)
    live.send("q\r")
    #expect(live.waitForExit() == Ending(exitCode: 0), sourceLocation: sourceLocation)
}
