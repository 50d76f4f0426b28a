import Testing
@testable import ForklabEngine

/// The candidates `spawn`'s child tries, as glibc's execvp builds them
/// (posix/execvpe.c), from a PATH handed in.
@Suite struct ProgramSearchTests {
    private func search(_ program: String, path: String?, programs: String? = "/p") -> ProgramSearch {
        ProgramSearch(program: Array(program.utf8), path: path.map { Array($0.utf8) },
                      programDirectory: programs.map { Array($0.utf8) })
    }

    private func strings(_ search: ProgramSearch) -> [String] {
        search.candidates.map { String(decoding: $0, as: UTF8.self) }
    }

    @Test("each PATH entry in order, then the programs folder as the fallback")
    func entriesInOrder() {
        let found = search("prog", path: "/a:/b/:rel")
        #expect(strings(found) == ["/a/prog", "/b//prog", "rel/prog"])
        #expect(found.fallback == Array("/p/prog".utf8))
    }

    @Test("an empty entry, first, last, in the middle or alone, is the bare name", arguments: [
        (":/a", ["prog", "/a/prog"]), ("/a:", ["/a/prog", "prog"]), ("/a::/b", ["/a/prog", "prog", "/b/prog"]),
        ("", ["prog"]), ("::", ["prog", "prog", "prog"]),
    ])
    func emptyEntries(path: String, expected: [String]) {
        #expect(strings(search("prog", path: path)) == expected)
    }

    @Test("PATH unset: glibc's /bin:/usr/bin")
    func unsetPath() {
        #expect(strings(search("prog", path: nil)) == ["/bin/prog", "/usr/bin/prog"])
    }

    @Test("a name with '/' is the one candidate and has no fallback")
    func nameWithSlash() {
        let found = search("sub/prog", path: "/a:/b")
        #expect(strings(found) == ["sub/prog"])
        #expect(found.fallback == nil)
    }

    @Test("no programs folder: no fallback")
    func noProgramsFolder() {
        #expect(search("prog", path: "/a", programs: nil).fallback == nil)
    }

    @Test("an entry of PATH_MAX bytes or more becomes the bare name, or ends the list when last")
    func overlongEntry() {
        let long = "/" + String(repeating: "d", count: 4095)
        #expect(strings(search("prog", path: "\(long):/a")) == ["prog", "/a/prog"])
        #expect(strings(search("prog", path: "/a:\(long)")) == ["/a/prog"])
        #expect(strings(search("prog", path: long)) == [])
        // One byte shorter is measured whole and kept.
        let kept = String(long.dropLast())
        #expect(strings(search("prog", path: "\(kept):/a")) == ["\(kept)/prog", "/a/prog"])
    }

    @Test("bytes that are not UTF-8 reach the candidates as they are")
    func rawBytes() {
        let found = ProgramSearch(program: [0x70, 0xff], path: [0x2f, 0xfe], programDirectory: [0x2f, 0xfd])
        #expect(found.candidates == [[0x2f, 0xfe, 0x2f, 0x70, 0xff]])
        #expect(found.fallback == [0x2f, 0xfd, 0x2f, 0x70, 0xff])
    }

    @Test("the C strings hold every candidate and the fallback, NUL-terminated")
    func cStrings() {
        let found = search("prog", path: ":/a")
        let seen = found.withCStrings { list, fallback in
            ((0..<found.candidates.count).map { String(cString: list[$0]!) }, fallback.map { String(cString: $0) })
        }
        #expect(seen.0 == ["prog", "/a/prog"])
        #expect(seen.1 == "/p/prog")
        let none = search("sub/prog", path: nil, programs: nil).withCStrings { list, fallback in
            (String(cString: list[0]!), list[1] == nil, fallback == nil)
        }
        #expect(none == ("sub/prog", true, true))
    }
}
