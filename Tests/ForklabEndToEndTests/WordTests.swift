import Foundation
import Testing

/// A printable word as forklab's messages show it: whole up to 40
/// characters (Unicode scalars), else its first 40 and `…`.
func shownInMessage(_ word: String) -> String {
    guard word.unicodeScalars.count > 40 else { return word }
    return String(String.UnicodeScalarView(word.unicodeScalars.prefix(40))) + "…"
}

/// A new folder with a short path (`/tmp/forklab-XXXXXX`), for messages
/// that show a path whole only up to 40 characters; removed by the caller.
func shortTemporaryFolder() -> String {
    var template = Array("/tmp/forklab-XXXXXX".utf8CString)
    let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
    precondition(made != nil)
    return String(cString: made!)
}

extension EndToEnd {
    /// What the user typed, echoed in messages and handed to the kernel.
    @Suite struct Words {
        /// ESC, CR and a colour sequence, then more than 40 characters.
        static let hostileWord = "abc\rEVIL\u{1b}[31mRED-a-long-long-long-long-long-long-long-name"
        static let hostileShown = "abc\\x0dEVIL\\x1b[31mRED-a-long-long-long-long-l…"

        @Test("spawn's 'cannot run' shows the program cut to 40 characters, control bytes as \\xNN")
        func cannotRunIsSanitised() {
            let result = forklab("spawn '\(Self.hostileWord)'")
            #expect(result.status == 1)
            #expect(result.stderrLines == ["forklab: line 1: cannot run '\(Self.hostileShown)': No such file or directory"])
        }

        @Test("save's errors show FILE cut to 40 characters, control bytes as \\xNN")
        func saveErrorsAreSanitised() throws {
            let folder = shortTemporaryFolder()
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let existing = folder + "/x\u{1b}[31m"
            #expect(FileManager.default.createFile(atPath: existing, contents: nil))
            let long = String(repeating: "/x", count: 2400)
            let result = forklab("fork 1; save '/nonexistent/a\u{1b}[31mb\rc'; save '\(existing)'; save '/nonexistent\(long)'")
            #expect(result.status == 1)
            #expect(result.stderrLines == [
                "forklab: line 1: save: cannot write '/nonexistent/a\\x1b[31mb\\x0dc': No such file or directory",
                "forklab: line 1: save: '\(folder)/x\\x1b[31m' exists; add 'force' to overwrite it",
                "forklab: line 1: save: cannot write '/nonexistent/x/x/x/x/x/x/x/x/x/x/x/x/x/x…': File name too long",
            ])
        }

        @Test("the command line's errors show the word cut to 40 characters, control bytes as \\xNN", arguments: [
            (["--\u{1b}[31mbogus"], "forklab: unknown option '--\\x1b[31mbogus' (try 'forklab --help')"),
            (["a.lab", "b\r.lab"], "forklab: unexpected argument 'b\\x0d.lab': forklab runs one FILE (try 'forklab --help')"),
            (["/nonexistent/\u{1b}[2J" + String(repeating: "s", count: 50)],
             "forklab: cannot open '/nonexistent/\\x1b[2J" + String(repeating: "s", count: 23) + "…': No such file or directory"),
        ])
        func commandLineErrorsAreSanitised(arguments: [String], message: String) {
            let result = runForklab(arguments)
            #expect(result.status == 2)
            #expect(result.stderrLines == [message])
        }
    }
}

/// Creates a file whose path is any bytes (but NUL); returns whether it could.
func createFile(rawPath: [UInt8], contents: String, mode: mode_t = 0o644) -> Bool {
    let fd = (rawPath + [0]).withUnsafeBufferPointer {
        open(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
    }
    guard fd >= 0 else { return false }
    defer { close(fd) }
    let bytes = Array(contents.utf8)
    return bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } == bytes.count && fchmod(fd, mode) == 0
}

/// The names in a folder, as bytes.
func entryNames(_ folder: String) -> [[UInt8]] {
    guard let dir = opendir(folder) else { return [] }
    defer { closedir(dir) }
    var names: [[UInt8]] = []
    while let entry = readdir(dir) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
        if name != [0x2e] && name != [0x2e, 0x2e] { names.append(name) }
    }
    return names.sorted { $0.lexicographicallyPrecedes($1) }
}

/// Removes a folder and the files in it, whatever their names' bytes.
func removeFolder(_ folder: String) {
    if let dir = opendir(folder) {
        while let entry = readdir(dir) {
            withUnsafeBytes(of: entry.pointee.d_name) { name in
                _ = unlinkat(dirfd(dir), name.baseAddress!.assumingMemoryBound(to: CChar.self), 0)
            }
        }
        closedir(dir)
    }
    rmdir(folder)
}

extension EndToEnd.Words {
    /// How a script reaches forklab.
    enum Source: String, CaseIterable, CustomTestStringConvertible {
        case commandString = "-c", pipedStdin = "stdin", file = "FILE"
        var testDescription: String { rawValue }
    }

    /// Runs a one-line script given as bytes through `source`.
    static func run(_ line: [UInt8], through source: Source) -> RunResult {
        switch source {
        case .commandString:
            return runForklab(rawArguments: [Array("-c".utf8), line])
        case .pipedStdin:
            return runForklab([], RunOptions(stdin: line + [0x0a]))
        case .file:
            let folder = shortTemporaryFolder()
            defer { removeFolder(folder) }
            #expect(createFile(rawPath: Array((folder + "/s.lab").utf8), contents: ""))
            let fd = open(folder + "/s.lab", O_WRONLY | O_CLOEXEC)
            _ = (line + [0x0a]).withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            close(fd)
            return runForklab([folder + "/s.lab"])
        }
    }

    @Test("a spawn argument that is not UTF-8 reaches the program byte for byte", arguments: Source.allCases)
    func spawnArgumentBytes(source: Source) {
        // \xff, then a genuine U+10FCFF (four bytes, which must stay four).
        let line = Array("spawn sh -- -c 'printf %s \"$1\" | od -An -tx1' x ".utf8) + [0xff, 0xf4, 0x8f, 0xb3, 0xbf]
        let result = Self.run(line, through: source)
        #expect(result.status == 0)
        #expect(result.stderr == "")
        #expect(result.traceLines.contains(" ff f4 8f b3 bf"), "\(result.stdout)")
    }

    @Test("a program whose name is not UTF-8 runs; one that is missing is named with \\xNN", arguments: Source.allCases)
    func programNameBytes(source: Source) {
        let folder = shortTemporaryFolder()
        defer { removeFolder(folder) }
        let program = Array((folder + "/run").utf8) + [0xfe]
        #expect(createFile(rawPath: program, contents: "#!/bin/sh\necho ran\n", mode: 0o755))
        let ran = Self.run(Array("spawn ".utf8) + program, through: source)
        #expect(ran.status == 0)
        #expect(ran.traceLines.contains("ran"))
        let missing = Self.run(Array("spawn nosuch".utf8) + [0xfe, 0x78], through: source)
        #expect(missing.status == 1)
        #expect(missing.stderrLines == ["forklab: line 1: cannot run 'nosuch\\xfex': No such file or directory"])
    }

    @Test("save to a name that is not UTF-8 creates exactly that name; its errors show \\xNN", arguments: Source.allCases)
    func saveNameBytes(source: Source) {
        let folder = shortTemporaryFolder()
        defer { removeFolder(folder) }
        let path = Array((folder + "/t").utf8) + [0xff] + Array(".json".utf8)
        let result = Self.run(Array("fork 1; save ".utf8) + path + Array("; save ".utf8) + path, through: source)
        #expect(result.status == 1)
        #expect(entryNames(folder) == [[0x74, 0xff] + Array(".json".utf8)])
        #expect(result.stderrLines == ["forklab: line 1: save: '\(folder)/t\\xff.json' exists; add 'force' to overwrite it"])
    }

    @Test("a FILE whose name is not UTF-8 is opened; a missing one is named with \\xNN")
    func fileNameBytes() {
        let folder = shortTemporaryFolder()
        defer { removeFolder(folder) }
        let script = Array((folder + "/s").utf8) + [0xfd]
        #expect(createFile(rawPath: script, contents: "fork 1\n"))
        let ran = runForklab(rawArguments: [script])
        #expect(ran.status == 0)
        #expect(ran.traceLines.count == 2)
        let missing = runForklab(rawArguments: [Array("/nonexistent/s".utf8) + [0xfd]])
        #expect(missing.status == 2)
        #expect(missing.stderrLines == ["forklab: cannot open '/nonexistent/s\\xfd': No such file or directory"])
    }
}

extension EndToEnd.Words {
    static let byteOrderMark: [UInt8] = [0xef, 0xbb, 0xbf]

    @Test("a UTF-8 byte order mark at the start of a script is skipped, and only there", arguments: Source.allCases)
    func byteOrderMark(source: Source) {
        let result = Self.run(Self.byteOrderMark + Array("fork 1\n".utf8) + Self.byteOrderMark + Array("fork 1".utf8),
                              through: source)
        #expect(result.status == 1)
        // Line 1 ran; on line 2 U+FEFF is part of the word.
        #expect(result.stdoutLines.filter { $0.hasPrefix("# fork: 1 child forked") }.count == 1)
        #expect(result.stderrLines == ["forklab: line 2: unknown command '\u{feff}fork' (did you mean 'fork'?)"])
    }
}
