import Glibc

/// A growable buffer in memory that fork leaves out of children
/// (`MADV_DONTFORK`), for what the parent writes after every fork: its
/// events, the pids it waits for, the line it is about to write.
///
/// Why: fork write-protects every private page of the parent, and the next
/// write to each costs the parent a page fault. Pages a child never gets are
/// not write-protected, so the parent writes them after a fork for free.
/// No child ever reads these: a child runs only the C code in fork.c, which
/// reads its plan (the line templates, the counter) from ordinary memory.
/// The count lives in the mapping too, so that appending writes nothing else.
final class ParentOnlyBuffer<Element> {
    private var header: UnsafeMutablePointer<Int>
    private var elements: UnsafeMutablePointer<Element>
    private var capacity: Int
    private var mappedBytes: Int
    /// False when mmap failed and the memory came from malloc instead.
    private var mapped: Bool

    init(minimumCapacity: Int) {
        (header, elements, capacity, mappedBytes, mapped) = Self.allocate(minimumCapacity)
        header.pointee = 0
    }

    deinit {
        removeAll()
        Self.release(header, mappedBytes, mapped)
    }

    var count: Int { header.pointee }
    var isEmpty: Bool { header.pointee == 0 }
    var last: Element? { isEmpty ? nil : elements[header.pointee - 1] }

    subscript(index: Int) -> Element {
        precondition(index >= 0 && index < header.pointee, "index out of range")
        return elements[index]
    }

    func append(_ element: Element) {
        let count = header.pointee
        if count == capacity { grow() }
        (elements + count).initialize(to: element)
        header.pointee = count + 1
    }

    func removeAll() {
        elements.deinitialize(count: header.pointee)
        header.pointee = 0
    }

    /// Removes the first `n` elements, keeping the order of the rest.
    func removeFirst(_ n: Int) {
        let count = header.pointee
        precondition(n >= 0 && n <= count, "removing more than there is")
        guard n > 0 else { return }
        elements.deinitialize(count: n)
        (elements).moveInitialize(from: elements + n, count: count - n)
        header.pointee = count - n
    }

    /// Removes the elements for which `shouldRemove` is true, keeping the
    /// order of the rest.
    func removeAll(where shouldRemove: (Element) -> Bool) {
        let count = header.pointee
        var kept = 0
        for index in 0..<count {
            let element = (elements + index).move()
            if shouldRemove(element) { continue }
            (elements + kept).initialize(to: element)
            kept += 1
        }
        header.pointee = kept
    }

    /// The elements, in order, as an array.
    var array: [Element] { withElements { Array($0) } }

    /// Calls `body` with the elements, which it must not keep.
    func withElements<R>(_ body: (UnsafeBufferPointer<Element>) -> R) -> R {
        body(UnsafeBufferPointer(start: elements, count: header.pointee))
    }

    private func grow() {
        let count = header.pointee
        let bigger = Self.allocate(capacity * 2)
        bigger.elements.moveInitialize(from: elements, count: count)
        bigger.header.pointee = count
        Self.release(header, mappedBytes, mapped)
        (header, elements, capacity, mappedBytes, mapped) = bigger
    }

    private static var headerBytes: Int { max(64, MemoryLayout<Element>.alignment) }

    private static func allocate(_ minimumCapacity: Int) -> (
        header: UnsafeMutablePointer<Int>, elements: UnsafeMutablePointer<Element>, capacity: Int, bytes: Int,
        mapped: Bool
    ) {
        let page = 4096
        let wanted = headerBytes + max(minimumCapacity, 1) * MemoryLayout<Element>.stride
        let bytes = (wanted + page - 1) / page * page
        let capacity = (bytes - headerBytes) / MemoryLayout<Element>.stride
        var raw: UnsafeMutableRawPointer
        var mapped = false
        if let memory = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0),
           memory != MAP_FAILED {
            raw = memory
            mapped = true
            // Failing leaves ordinary memory: slower after a fork, still right.
            _ = madvise(raw, bytes, MADV_DONTFORK)
        } else {
            raw = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
        }
        let header = raw.bindMemory(to: Int.self, capacity: 1)
        let elements = (raw + headerBytes).bindMemory(to: Element.self, capacity: capacity)
        return (header, elements, capacity, bytes, mapped)
    }

    private static func release(_ header: UnsafeMutablePointer<Int>, _ bytes: Int, _ mapped: Bool) {
        if mapped {
            _ = munmap(UnsafeMutableRawPointer(header), bytes)
        } else {
            UnsafeMutableRawPointer(header).deallocate()
        }
    }
}
