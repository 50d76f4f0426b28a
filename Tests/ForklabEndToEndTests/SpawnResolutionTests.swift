import Foundation
import Testing

/// Where `spawn` finds its program, end to end: every case pins what users
/// saw when the child still called execvp(3), so that the child's own search
/// (execve of each candidate the parent resolved) cannot drift from it.
extension EndToEnd {
    @Suite struct SpawnResolution {
        /// What stands on PATH under the program's name and cannot be run.
        enum Denied: String, CaseIterable { case directory, fileWithoutExecuteBit }

        @Test("a directory or a file without the execute bit on PATH is passed over for the same name later on PATH",
              arguments: Denied.allCases)
        func deniedPassedOver(denied: Denied) {
            let tree = Tree()
            tree.deny("first", "prog", denied)
            tree.script("second", "prog", "#!/bin/sh\necho ran from second \"$@\"\n")
            let result = tree.forklab("spawn prog -- x", path: tree.path("first", "second"))
            #expect(result.status == 0)
            #expect(result.stderr == "")
            #expect(programLines(result) == ["ran from second x"])
            #expect(statuses(result) == [[0, 0]])
        }

        @Test("only a directory or a file without the execute bit matches: Permission denied, the child exits 126",
              arguments: Denied.allCases)
        func deniedEverywhere(denied: Denied) {
            let tree = Tree()
            tree.deny("first", "prog", denied)
            let result = tree.forklab("spawn prog 2", path: tree.path("first") + ":/usr/bin:/bin")
            #expect(result.status == 1)
            #expect(result.stderrLines == ["forklab: line 1: cannot run 'prog': Permission denied"])
            #expect(programLines(result) == [])
            #expect(statuses(result) == [[32256, 126]])
        }

        @Test("a program PATH only denies is still run from the programs folder")
        func deniedThenProgramsFolder() {
            let tree = Tree()
            tree.deny("first", "prog", .fileWithoutExecuteBit)
            tree.script("programs", "prog", "#!/bin/sh\necho ran from programs \"$@\"\n")
            let result = tree.forklab("spawn prog 1", path: tree.path("first") + ":/usr/bin:/bin")
            #expect(result.status == 0)
            #expect(result.stderr == "")
            #expect(programLines(result) == ["ran from programs 1"])
        }

        @Test("a PATH folder that cannot be searched: Permission denied and 126, unless the programs folder has the program")
        func unsearchableFolder() throws {
            let tree = Tree()
            tree.script("locked", "prog", "#!/bin/sh\necho ran from locked\n")
            tree.script("locked", "both", "#!/bin/sh\necho ran from locked\n")
            tree.script("programs", "both", "#!/bin/sh\necho ran from programs\n")
            tree.lock("locked")
            let path = tree.path("locked") + ":/usr/bin:/bin"
            // Root searches any folder: the runs drop to nobody.
            let denied = try tree.forklab("spawn prog", path: path, asNobody: true)
            #expect(denied.status == 1)
            #expect(denied.stderrLines == ["forklab: line 1: cannot run 'prog': Permission denied"])
            #expect(statuses(denied) == [[32256, 126]])
            let fallback = try tree.forklab("spawn both", path: path, asNobody: true)
            #expect(fallback.status == 0)
            #expect(fallback.stderr == "")
            #expect(programLines(fallback) == ["ran from programs"])
        }

        /// How the script without `#!` is named to spawn.
        enum Naming: String, CaseIterable { case onPATH, byPath }

        @Test("a file without #! runs through /bin/sh, which gets the path found and the arguments", arguments: Naming.allCases)
        func scriptWithoutInterpreterLine(naming: Naming) {
            let tree = Tree()
            let file = tree.script("first", "prog", "line=$(printf '%s|' \"$0\" \"$@\"); echo \"$line\"; exit 3\n")
            let program = naming == .onPATH ? "prog" : file
            let result = tree.forklab("spawn \(program) -- a 'b c'", path: tree.path("first") + ":/usr/bin:/bin")
            #expect(result.status == 0)
            #expect(result.stderr == "")
            #expect(programLines(result) == ["\(file)|a|b c|"])
            #expect(statuses(result) == [[768, 3]])
        }

        @Test("a file without #! in the programs folder is not run through /bin/sh: Exec format error, 126")
        func scriptWithoutInterpreterLineInProgramsFolder() {
            let tree = Tree()
            tree.script("programs", "prog", "echo ran\n")
            let result = tree.forklab("spawn prog", path: "/usr/bin:/bin")
            #expect(result.status == 1)
            #expect(result.stderrLines == ["forklab: line 1: cannot run 'prog': Exec format error"])
            #expect(programLines(result) == [])
            #expect(statuses(result) == [[32256, 126]])
        }

        @Test("a program on PATH wins over the programs folder's, and one PATH lacks comes from the programs folder")
        func pathBeforeProgramsFolder() {
            let tree = Tree()
            tree.script("first", "prog", "#!/bin/sh\necho ran from first\n")
            tree.script("programs", "prog", "#!/bin/sh\necho ran from programs\n")
            tree.script("programs", "only", "#!/bin/sh\necho only in programs\n")
            let result = tree.forklab("spawn prog; spawn only", path: tree.path("first"))
            #expect(result.status == 0)
            #expect(result.stderr == "")
            #expect(programLines(result) == ["ran from first", "only in programs"])
        }

        @Test("a name with '/' runs from the working directory, never from PATH or the programs folder")
        func nameWithSlash() {
            let tree = Tree()
            tree.script("work/sub", "prog", "#!/bin/sh\necho ran from work\n")
            tree.script("first/sub", "other", "#!/bin/sh\necho ran from first\n")
            tree.script("programs/sub", "other", "#!/bin/sh\necho ran from programs\n")
            let found = tree.forklab("spawn sub/prog", path: tree.path("first"), in: "work")
            #expect(found.status == 0)
            #expect(programLines(found) == ["ran from work"])
            let missing = tree.forklab("spawn sub/other", path: tree.path("first"), in: "work")
            #expect(missing.status == 1)
            #expect(missing.stderrLines == ["forklab: line 1: cannot run 'sub/other': No such file or directory"])
            #expect(statuses(missing) == [[32512, 127]])
        }

        @Test("an empty PATH entry is the working directory, and a file without #! there gets the bare name as $0",
              arguments: [":/usr/bin:/bin", "/usr/bin:/bin:", "/usr/bin::/bin", ""])
        func emptyPathEntry(path: String) {
            let tree = Tree()
            tree.script("work", "prog", "line=$(printf '%s|' \"$0\" \"$@\"); echo \"$line\"\n")
            let result = tree.forklab("spawn prog 1", path: path, in: "work")
            #expect(result.status == 0)
            #expect(result.stderr == "")
            #expect(programLines(result) == ["prog|1|"])
        }

        @Test("a PATH entry of PATH_MAX bytes or more is passed over, the working directory tried in its place unless it is last")
        func overlongPathEntry() {
            let tree = Tree()
            tree.script("work", "prog", "#!/bin/sh\necho ran from work\n")
            tree.script("first", "prog", "#!/bin/sh\necho ran from first\n")
            let long = "/" + String(repeating: "d", count: 5000)
            let middle = tree.forklab("spawn prog", path: "\(long):" + tree.path("first"), in: "work")
            #expect(middle.status == 0)
            #expect(programLines(middle) == ["ran from work"])
            let last = tree.forklab("spawn prog", path: tree.path("first") + ":\(long)", in: "work")
            #expect(last.status == 0)
            #expect(programLines(last) == ["ran from first"])
        }

        @Test("PATH unset: /bin and /usr/bin are searched, the working directory is not")
        func pathUnset() {
            let tree = Tree()
            tree.script("work", "prog", "#!/bin/sh\necho ran from work\n")
            let result = tree.forklab("spawn true; spawn prog", path: nil, in: "work")
            #expect(result.status == 1)
            #expect(result.stderrLines == ["forklab: line 1: cannot run 'prog': No such file or directory"])
            #expect(statuses(result) == [[0, 0], [32512, 127]])
        }

        @Test("a regular file as a PATH entry is passed over, but as the last one it ends the search: Not a directory, 127")
        func fileAsPathEntry() {
            let tree = Tree()
            tree.script("", "plain", "x\n", mode: 0o644)
            tree.script("programs", "prog", "#!/bin/sh\necho ran from programs\n")
            let first = tree.forklab("spawn prog", path: tree.path("plain") + ":/usr/bin:/bin")
            #expect(first.status == 0)
            #expect(programLines(first) == ["ran from programs"])
            let last = tree.forklab("spawn prog", path: "/usr/bin:/bin:" + tree.path("plain"))
            #expect(last.status == 1)
            #expect(last.stderrLines == ["forklab: line 1: cannot run 'prog': Not a directory"])
            #expect(programLines(last) == [])
            #expect(statuses(last) == [[32512, 127]])
        }

        @Test("another exec error ends the search: a symbolic link loop hides the program later on PATH, 126")
        func otherErrorEndsSearch() throws {
            let tree = Tree()
            try tree.loop("first", "prog")
            tree.script("second", "prog", "#!/bin/sh\necho ran from second\n")
            tree.script("programs", "prog", "#!/bin/sh\necho ran from programs\n")
            let result = tree.forklab("spawn prog", path: tree.path("first", "second"))
            #expect(result.status == 1)
            #expect(result.stderrLines == ["forklab: line 1: cannot run 'prog': Too many levels of symbolic links"])
            #expect(programLines(result) == [])
            #expect(statuses(result) == [[32256, 126]])
        }

        @Test("a name longer than a file name may be: File name too long, 126")
        func nameTooLong() {
            let tree = Tree()
            let name = String(repeating: "n", count: 300)
            let result = tree.forklab("spawn \(name)", path: "/usr/bin:/bin")
            #expect(result.status == 1)
            #expect(result.stderrLines == ["forklab: line 1: cannot run '\(shownInMessage(name))': File name too long"])
            #expect(statuses(result) == [[32256, 126]])
        }
    }
}

/// A spawned program's own lines: stdout without forklab's.
private func programLines(_ result: RunResult) -> [String] {
    result.traceLines.filter { TraceLine($0) == nil }
}

/// Each `Parent got` line's status and code, in order.
private func statuses(_ result: RunResult) -> [[Int]] {
    result.traceLines.compactMap(TraceLine.init).filter { $0.kind == .parentGot }.map { Array($0.numbers.dropFirst()) }
}

/// Folders for one test under a temporary root: PATH entries, `programs`
/// (FORKLAB_SCRIPTS) and working directories; removed with the tree.
private final class Tree {
    let root = temporaryFolder()
    private var locked: [String] = []

    init() {
        chmod(root.path, 0o755)
        _ = path("programs")
    }

    deinit {
        locked.forEach { chmod($0, 0o755) }
        try? FileManager.default.removeItem(at: root)
    }

    /// The absolute paths of `folders` (made when missing), joined by `:`.
    func path(_ folders: String...) -> String {
        folders.map { folder in
            let url = root.appendingPathComponent(folder)
            try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            return url.path
        }.joined(separator: ":")
    }

    /// Writes `folder/name` (`folder` "" for the root) and returns its path.
    @discardableResult
    func script(_ folder: String, _ name: String, _ text: String, mode: mode_t = 0o755) -> String {
        let file = (folder.isEmpty ? root.path : path(folder)) + "/" + name
        _ = FileManager.default.createFile(atPath: file, contents: Data(text.utf8))
        chmod(file, mode)
        return file
    }

    /// Puts under `name` in `folder` what exec refuses with EACCES.
    func deny(_ folder: String, _ name: String, _ denied: EndToEnd.SpawnResolution.Denied) {
        switch denied {
        case .directory: _ = path(folder + "/" + name)
        case .fileWithoutExecuteBit: script(folder, name, "#!/bin/sh\necho should not run\n", mode: 0o644)
        }
    }

    /// Makes `folder/name` a symbolic link to itself.
    func loop(_ folder: String, _ name: String) throws {
        try FileManager.default.createSymbolicLink(atPath: path(folder) + "/" + name, withDestinationPath: name)
    }

    /// Takes every permission off `folder`.
    func lock(_ folder: String) {
        let folder = path(folder)
        chmod(folder, 0)
        locked.append(folder)
    }

    /// Runs `forklab -c COMMANDS` with `path` as PATH (nil: unset), the tree's
    /// `programs` as FORKLAB_SCRIPTS, in the folder `work` when given.
    func forklab(_ commands: String, path: String?, in work: String? = nil) -> RunResult {
        run(commands, path: path, in: work, options: RunOptions())
    }

    /// The same as nobody when run as root (for whom every folder can be
    /// searched), from a copy of the binary nobody can reach.
    func forklab(_ commands: String, path: String?, asNobody: Bool) throws -> RunResult {
        var options = RunOptions()
        if asNobody && geteuid() == 0 {
            let copy = root.appendingPathComponent("forklab").path
            if !FileManager.default.fileExists(atPath: copy) {
                try FileManager.default.copyItem(atPath: forklabPath, toPath: copy)
            }
            options.binary = copy
            options.user = (65534, 65534)
        }
        return run(commands, path: path, in: nil, options: options)
    }

    private func run(_ commands: String, path: String?, in work: String?, options: RunOptions) -> RunResult {
        var options = options
        var environment = testEnvironment(home: root, extra: ["FORKLAB_SCRIPTS": self.path("programs")])
        environment["PATH"] = path
        options.environment = environment
        guard let work else { return runForklab(["-c", commands], options) }
        // forklab has no `cd`: a shell changes directory and execs it.
        let binary = options.binary
        options.binary = "/bin/sh"
        return runForklab(["-c", "cd \"$1\" && exec \"$2\" -c \"$3\"", "sh", self.path(work), binary, commands], options)
    }
}
