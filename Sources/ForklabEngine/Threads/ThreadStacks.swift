import Glibc

/// The stacks of one `ThreadGroup`'s threads: 1 MiB each, the lowest page
/// a guard, carved from mappings of several stacks at a time and unmapped
/// once their threads are joined.
///
/// Our own stacks rather than glibc's: glibc keeps up to 40 MiB of old
/// stacks mapped for reuse, and every mapping left behind makes each later
/// fork dearer (docs/performance.md, "Threads leave nothing behind").
/// Several to a mapping rather than one: `threads 1000 count 1` spent a
/// tenth of its time in a thousand mmap and munmap calls, each munmap
/// taking the address space's lock against threads still faulting in their
/// pages (docs/performance.md, "`threads 1000 count 1` against a plain C
/// program").
struct ThreadStacks {
    /// 1 MiB, of which a thread touches a few pages.
    static let size = 1 << 20
    /// The most stacks one mapping holds; a group's first mappings hold
    /// fewer (`fewestPerMapping`, then as many as it has handed out), so
    /// that a few threads map little.
    static let mostPerMapping = 64
    static let fewestPerMapping = 4

    /// A stack handed out: where it starts (its guard page), and the
    /// mapping it is part of.
    struct Stack {
        let base: UnsafeMutableRawPointer
        fileprivate let mapping: Int
    }

    private struct Mapping {
        let start: UnsafeMutableRawPointer
        let capacity: Int
        /// Stacks handed out, and of those, given back.
        var taken = 0
        var returned = 0
    }

    private var mappings: [Mapping] = []
    private var taken = 0

    /// A stack with its guard page in place, from the last mapping or a
    /// new one.
    /// - Throws: mmap's or mprotect's error (ENOMEM when the address space
    ///   has no room left even for one stack).
    mutating func take() throws(Errno) -> Stack {
        if mappings.last.map({ $0.taken == $0.capacity }) ?? true { try map() }
        let index = mappings.count - 1
        let base = mappings[index].start + mappings[index].taken * Self.size
        guard mprotect(base, Int(getpagesize()), PROT_NONE) == 0 else { throw Errno.current }
        mappings[index].taken += 1
        taken += 1
        return Stack(base: base, mapping: index)
    }

    /// Takes `stack` back: its thread was joined, or never started.
    mutating func giveBack(_ stack: Stack) {
        mappings[stack.mapping].returned += 1
    }

    /// Unmaps every mapping whose stacks all came back; one with a stack
    /// still out (a thread that could not be joined, which cannot happen
    /// to threads of ours) is left mapped rather than pulled from under it.
    mutating func release() {
        for mapping in mappings where mapping.returned == mapping.taken {
            munmap(mapping.start, mapping.capacity * Self.size)
        }
        mappings.removeAll()
        taken = 0
    }

    /// Maps room for the next stacks: as many as were handed out so far,
    /// within `fewestPerMapping…mostPerMapping`, or fewer, down to one,
    /// when the address space has no room for that many (so that a limit
    /// stops the group at the same thread as one mapping per stack would).
    private mutating func map() throws(Errno) {
        var count = min(Self.mostPerMapping, max(Self.fewestPerMapping, taken))
        while true {
            let start = mmap(nil, count * Self.size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0)
            if let start, start != MAP_FAILED {
                mappings.append(Mapping(start: start, capacity: count))
                return
            }
            let error = Errno.current
            guard count > 1 else { throw error }
            count /= 2
        }
    }
}
