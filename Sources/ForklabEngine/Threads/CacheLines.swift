/// Memory for one `T` on cache lines of its own (64 bytes each), so that
/// threads busy with it do not take the line from threads busy with its
/// neighbours: a queue's mutex, which producers and consumers take, would
/// otherwise share a line with the condition variable they signal.
/// Free it with `deallocate()`.
func allocateOnOwnCacheLines<T>(_ type: T.Type) -> UnsafeMutablePointer<T> {
    let line = 64
    let bytes = (MemoryLayout<T>.stride + line - 1) / line * line
    return UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: line).bindMemory(to: T.self, capacity: 1)
}
