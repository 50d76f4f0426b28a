import Glibc

/// Where `spawn`'s child looks for its program: the paths it tries with
/// execve, in order, worked out by the parent before the fork. execvp(3)
/// makes the same search in the child, but it reads PATH with getenv and
/// builds each path in memory of its own, and POSIX does not count it among
/// the calls a forked child may make; execve it does.
///
/// The search is glibc's (posix/execvpe.c), so that `spawn` finds what it
/// found when its child called execvp: how the child goes through the
/// candidates is in `fl_exec_plan` (CForklabSystem), the rules users see
/// in docs/commands.md (`spawn`).
struct ProgramSearch: Equatable {
    /// Tried in order: a program with '/' alone; else, for each PATH entry,
    /// the entry + "/" + the program, or for an empty entry the program as
    /// it is (found in the working directory).
    var candidates: [[UInt8]]
    /// The programs folder's copy, tried when the candidates left ENOENT or
    /// EACCES; nil for a program with '/' or when there is no such folder.
    var fallback: [UInt8]?

    /// glibc's search path when PATH is unset (confstr's _CS_PATH).
    static let defaultPath: [UInt8] = Array("/bin:/usr/bin".utf8)

    /// glibc measures PATH up to PATH_MAX - 1 bytes, and passes over an
    /// entry at least that measure plus one long (see `init`).
    private static let pathMeasureLimit = Int(PATH_MAX) - 1

    /// - Parameters:
    ///   - program: the program as typed, its bytes.
    ///   - path: PATH's value, nil when it is unset.
    ///   - programDirectory: the folder tried last (`Lab.programDirectory`).
    init(program: [UInt8], path: [UInt8]?, programDirectory: [UInt8]?) {
        let slash = UInt8(ascii: "/")
        fallback = program.contains(slash) ? nil : programDirectory.map { $0 + [slash] + program }
        if program.isEmpty {
            candidates = []  // execvp: ENOENT at once
            return
        }
        if program.contains(slash) {
            candidates = [program]
            return
        }
        let path = path ?? Self.defaultPath
        let entries = path.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        let measure = min(path.count, Self.pathMeasureLimit) + 1
        candidates = []
        for (index, entry) in entries.enumerated() {
            if entry.count >= measure {
                // Only a PATH of PATH_MAX bytes or more has such an entry.
                // glibc skips it, and then reads the ':' that follows as an
                // empty entry: the working directory. As the last, it ends
                // the search.
                if index == entries.count - 1 { break }
                candidates.append(program)
                continue
            }
            candidates.append(entry.isEmpty ? program : Array(entry) + [slash] + program)
        }
    }

    /// The search for `program` in forklab's own PATH, as it is now.
    init(program: [UInt8], programDirectory: [UInt8]?) {
        let path = getenv("PATH").map { Array(UnsafeRawBufferPointer(start: $0, count: strlen($0))) }
        self.init(program: program, path: path, programDirectory: programDirectory)
    }

    /// Calls `body` with the candidates as C strings (a pointer to the first
    /// of `candidates.count`) and the fallback, valid for the call: memory
    /// of the parent's that a child forked inside `body` only reads.
    func withCStrings<R>(
        _ body: (UnsafePointer<UnsafePointer<CChar>?>, UnsafePointer<CChar>?) -> R
    ) -> R {
        // One buffer: every candidate and the fallback, each NUL-terminated.
        var bytes: [CChar] = []
        var starts: [Int] = []
        for string in candidates + (fallback.map { [$0] } ?? []) {
            starts.append(bytes.count)
            bytes.append(contentsOf: string.map { CChar(bitPattern: $0) })
            bytes.append(0)
        }
        return bytes.withUnsafeBufferPointer { buffer in
            let pointers: [UnsafePointer<CChar>?] = starts.map { buffer.baseAddress! + $0 } + [nil]
            return pointers.withUnsafeBufferPointer { list in
                body(list.baseAddress!, fallback == nil ? nil : pointers[candidates.count])
            }
        }
    }
}
