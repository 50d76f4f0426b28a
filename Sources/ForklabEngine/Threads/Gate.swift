import Synchronization

/// Holds threads until every one is started, so that they really run at
/// once rather than one after the other as they are created.
final class Gate: Sendable {
    private let mutex = PthreadMutex()
    private let opened = PthreadCondition()
    private let isOpen = Atomic<Bool>(false)

    func wait() {
        mutex.lock()
        while !isOpen.load(ordering: .relaxed) { opened.wait(mutex) }
        mutex.unlock()
    }

    func open() {
        mutex.withLock { isOpen.store(true, ordering: .relaxed) }
        opened.broadcast()
    }
}
