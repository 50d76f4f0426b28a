// Saving a trace: a new file is written whole, an existing one is left alone
// unless forced, and a path that cannot be written says why.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Testing
@testable import ForklabEngine
import ForklabWords

/// A fresh folder from mkdtemp, removed with what is in it at the end.
private final class Scratch {
    let path: String

    init() throws {
        var template = Array("/tmp/forklab-save-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        try #require(made != nil, "mkdtemp: \(String(cString: strerror(errno)))")
        path = String(cString: made!)
    }

    func file(_ name: String) -> String { path + "/" + name }

    /// The names in the folder, as bytes (a name need not be UTF-8).
    var names: [[UInt8]] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: [[UInt8]] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
            if name != [0x2e] && name != [0x2e, 0x2e] { names.append(name) }
        }
        return names
    }

    deinit {
        chmod(path, 0o700)
        if let dir = opendir(path) {
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
                if name != "." && name != ".." { unlinkat(dirfd(dir), name, 0) }
            }
            closedir(dir)
        }
        rmdir(path)
    }
}

/// The file's bytes as text, or nil when it cannot be opened.
private func contents(_ path: String) -> String? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
        if count < 0 && errno == EINTR { continue }
        if count <= 0 { break }
        bytes += buffer[0..<count]
    }
    return String(decoding: bytes, as: UTF8.self)
}

private func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

@Suite struct TraceFileWriting {
    @Test func writesANewFileWhole() throws {
        let scratch = try Scratch()
        let path = scratch.file("trace.json")
        let text = "{\"traceEvents\":[]}\n" + String(repeating: "é", count: 1_000_000)
        try TraceFile.write(text, to: path, force: false)
        #expect(contents(path) == text)
    }

    @Test func refusesAnExistingFileAndLeavesItAsItWas() throws {
        let scratch = try Scratch()
        let path = scratch.file("trace.json")
        try TraceFile.write("old content, longer than the new\n", to: path, force: false)
        #expect(throws: SaveError.exists(path: path)) {
            try TraceFile.write("new\n", to: path, force: false)
        }
        #expect(contents(path) == "old content, longer than the new\n")
    }

    @Test func overwritesAnExistingFileWithForce() throws {
        let scratch = try Scratch()
        let path = scratch.file("trace.json")
        try TraceFile.write("old content, longer than the new\n", to: path, force: false)
        try TraceFile.write("new\n", to: path, force: true)
        #expect(contents(path) == "new\n")
    }

    @Test func forceCreatesAFileThatDoesNotExist() throws {
        let scratch = try Scratch()
        let path = scratch.file("trace.json")
        try TraceFile.write("new\n", to: path, force: true)
        #expect(contents(path) == "new\n")
    }

    @Test func reportsAMissingFolder() throws {
        let scratch = try Scratch()
        let path = scratch.file("missing/x.json")
        for force in [false, true] {
            #expect(throws: SaveError.cannotWrite(path: path, Errno(rawValue: ENOENT))) {
                try TraceFile.write("x", to: path, force: force)
            }
        }
        #expect(!exists(path))
    }

    @Test func reportsADirectoryAsADirectory() throws {
        let scratch = try Scratch()
        for force in [false, true] {
            #expect(throws: SaveError.cannotWrite(path: scratch.path, Errno(rawValue: EISDIR))) {
                try TraceFile.write("x", to: scratch.path, force: force)
            }
        }
    }

    @Test(.enabled(if: geteuid() != 0, "root may write into a read-only folder"))
    func reportsAReadOnlyFolder() throws {
        let scratch = try Scratch()
        try #require(chmod(scratch.path, 0o555) == 0)
        let path = scratch.file("x.json")
        #expect(throws: SaveError.cannotWrite(path: path, Errno(rawValue: EACCES))) {
            try TraceFile.write("x", to: path, force: false)
        }
        #expect(!exists(path))
    }

    @Test("with force, a FIFO, read or not, and a device are refused at once: nothing blocks, nothing is written")
    func refusesWhatIsNotARegularFile() throws {
        let scratch = try Scratch()
        let fifo = scratch.file("fifo")
        try #require(mkfifo(fifo, 0o600) == 0)
        #expect(throws: SaveError.exists(path: fifo)) { try TraceFile.write("x", to: fifo, force: false) }
        #expect(throws: SaveError.notAFile(path: fifo)) { try TraceFile.write("x", to: fifo, force: true) }
        // With a reader the open succeeds; the write is still refused.
        let reader = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        try #require(reader >= 0)
        defer { close(reader) }
        #expect(throws: SaveError.notAFile(path: fifo)) { try TraceFile.write("x", to: fifo, force: true) }
        var byte: UInt8 = 0
        #expect(read(reader, &byte, 1) <= 0)
        #expect(throws: SaveError.notAFile(path: "/dev/null")) { try TraceFile.write("x", to: "/dev/null", force: true) }
    }

    @Test func errorTextsNameThePathAndTheReason() {
        #expect(SaveError.exists(path: "trace.json").description == "'trace.json' exists; add 'force' to overwrite it")
        #expect(SaveError.cannotWrite(path: "dir/x.json", Errno(rawValue: ENOENT)).description
            == "cannot write 'dir/x.json': No such file or directory")
        #expect(SaveError.notAFile(path: "fifo").description == "'fifo' is not a regular file; a trace is saved to a file only")
    }

    @Test func aPathWithBytesThatAreNotUTF8IsCreatedByteForByte() throws {
        let scratch = try Scratch()
        let name: [UInt8] = [0x61, 0xff, 0x62, 0x2e, 0x6a, 0x73, 0x6f, 0x6e]  // a\xffb.json
        let path = scratch.file(String(rawBytes: name))
        try TraceFile.write("{}", to: path, force: false)
        #expect(scratch.names == [name])
        #expect(throws: SaveError.exists(path: path)) { try TraceFile.write("{}", to: path, force: false) }
        #expect(SaveError.exists(path: "a" + String(rawBytes: [0xff])).description
            == "'a\\xff' exists; add 'force' to overwrite it")
    }

    @Test func errorTextsShowThePathAsMessagesShowWords() {
        let path = "/nonexistent/a\u{1b}[31mb\rc" + String(repeating: "/x", count: 2400)
        let shown = "/nonexistent/a\\x1b[31mb\\x0dc/x/x/x/x/x/x/x/x/x…"
        #expect(SaveError.exists(path: path).description == "'\(shown)' exists; add 'force' to overwrite it")
        #expect(SaveError.cannotWrite(path: path, Errno(rawValue: ENOENT)).description
            == "cannot write '\(shown)': No such file or directory")
        #expect(SaveError.notAFile(path: path).description
            == "'\(shown)' is not a regular file; a trace is saved to a file only")
    }
}
