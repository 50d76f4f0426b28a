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
    precondition(mkdtemp(&template) != nil)
    return String(cString: template)
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
