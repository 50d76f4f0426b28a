// The stacks a thread group hands its threads: several to a mapping, each
// with its guard page, unmapped once every thread of a mapping came back.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Testing
@testable import ForklabEngine

/// This process's mappings: start, end (exclusive) and permissions.
private func mappings() -> [(start: UInt, end: UInt, perms: String)] {
    guard let file = fopen("/proc/self/maps", "r") else { return [] }
    defer { fclose(file) }
    var result: [(UInt, UInt, String)] = []
    var line: UnsafeMutablePointer<CChar>?
    var capacity = 0
    while getline(&line, &capacity, file) > 0 {
        let fields = String(cString: line!).split(separator: " ", omittingEmptySubsequences: true)
        let range = fields[0].split(separator: "-")
        result.append((UInt(range[0], radix: 16)!, UInt(range[1], radix: 16)!, String(fields[1])))
    }
    free(line)
    return result
}

/// The permissions of the mapping that holds `address`, or nil when none does.
private func permissions(at address: UInt, in maps: [(start: UInt, end: UInt, perms: String)]) -> String? {
    maps.first { $0.start <= address && address < $0.end }?.perms
}

private let page = UInt(getpagesize())
private let size = UInt(ThreadStacks.size)

@Suite(.serialized) struct ThreadStackSpace {
    @Test("a group's first four stacks are the consecutive MiBs of one mapping, each with an inaccessible guard page at its base")
    func firstStacksShareAMapping() throws {
        var space = ThreadStacks()
        let stacks = try (0..<4).map { _ in try space.take() }
        defer {
            for stack in stacks { space.giveBack(stack) }
            space.release()
        }
        let bases = stacks.map { UInt(bitPattern: $0.base) }
        #expect(zip(bases, bases.dropFirst()).allSatisfy { $1 == $0 + size })
        let maps = mappings()
        for base in bases {
            #expect(permissions(at: base, in: maps) == "---p")
            #expect(permissions(at: base + page, in: maps) == "rw-p")
            #expect(permissions(at: base + size - 1, in: maps) == "rw-p")
        }
    }

    @Test("release unmaps a mapping whose stacks all came back, and leaves one with a stack still out")
    func releaseUnmapsOnlyWhatCameBack() throws {
        var space = ThreadStacks()
        // Four to the first mapping, then a second mapping for the fifth.
        let stacks = try (0..<6).map { _ in try space.take() }
        let first = UInt(bitPattern: stacks[0].base)
        let second = UInt(bitPattern: stacks[4].base)
        #expect(second < first || second >= first + 4 * size)
        for stack in stacks.dropLast() { space.giveBack(stack) }
        space.release()
        let maps = mappings()
        for offset in stride(from: 0, to: 4 * size, by: Int(size) / 4) {
            #expect(permissions(at: first + offset, in: maps) == nil)
        }
        // The sixth stack was never given back: its mapping stays.
        #expect(permissions(at: UInt(bitPattern: stacks[5].base) + page, in: maps) == "rw-p")
        #expect(permissions(at: second + page, in: maps) == "rw-p")
        munmap(UnsafeMutableRawPointer(bitPattern: second), Int(4 * size))
    }
}
