import Glibc
// Glibc's headers are not modular and CForklabSystem's header includes
// <pthread.h> too: a whole-module (release) build counts pthread_mutex_t's
// zero initializer as the shim's, and MemberImportVisibility then wants the
// shim imported here.
import CForklabSystem

// pthread mutexes and condition variables must not move once initialised,
// so each lives in memory of its own that the owning object allocates; the
// objects themselves hold only `let` pointers, which costs no exclusivity
// check on the hot path (docs/internals.md, "Threads").

/// A pthread mutex. The corresponding C type is `pthread_mutex_t`.
final class PthreadMutex: @unchecked Sendable {
    // @unchecked: the pointer is only ever used through pthread calls,
    // which are what make sharing it between threads safe.
    let raw: UnsafeMutablePointer<pthread_mutex_t>

    /// - Parameter adaptive: whether a thread that finds the mutex held
    ///   spins a little before it sleeps in futex(2), which pays when the
    ///   mutex is held for a few dozen instructions at a time and wanted
    ///   by several threads (the console, the queue). The corresponding C
    ///   type is `PTHREAD_MUTEX_ADAPTIVE_NP`; the default, `PTHREAD_MUTEX_DEFAULT`.
    init(adaptive: Bool = false) {
        raw = allocateOnOwnCacheLines(pthread_mutex_t.self)
        raw.initialize(to: pthread_mutex_t())
        guard adaptive else {
            pthread_mutex_init(raw, nil)
            return
        }
        var attributes = pthread_mutexattr_t()
        pthread_mutexattr_init(&attributes)
        pthread_mutexattr_settype(&attributes, Int32(PTHREAD_MUTEX_ADAPTIVE_NP))
        pthread_mutex_init(raw, &attributes)
        pthread_mutexattr_destroy(&attributes)
    }

    deinit {
        pthread_mutex_destroy(raw)
        raw.deallocate()
    }

    /// The corresponding C function is `pthread_mutex_lock`.
    @inline(__always) func lock() { pthread_mutex_lock(raw) }
    /// The corresponding C function is `pthread_mutex_unlock`.
    @inline(__always) func unlock() { pthread_mutex_unlock(raw) }

    /// Runs `body` with the mutex held.
    @inline(__always) func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock()
        defer { unlock() }
        return try body()
    }
}

/// A pthread condition variable, always used with one `PthreadMutex`.
/// The corresponding C type is `pthread_cond_t`.
final class PthreadCondition: @unchecked Sendable {
    // @unchecked: as for PthreadMutex.
    private let raw: UnsafeMutablePointer<pthread_cond_t>

    init() {
        raw = allocateOnOwnCacheLines(pthread_cond_t.self)
        raw.initialize(to: pthread_cond_t())
        pthread_cond_init(raw, nil)
    }

    deinit {
        pthread_cond_destroy(raw)
        raw.deallocate()
    }

    /// Releases `mutex`, sleeps until signalled, takes `mutex` again. Wakes
    /// can be spurious: callers wait in a loop on their own condition.
    /// The corresponding C function is `pthread_cond_wait`.
    @inline(__always) func wait(_ mutex: PthreadMutex) { pthread_cond_wait(raw, mutex.raw) }
    /// Wakes one waiter. The corresponding C function is `pthread_cond_signal`.
    @inline(__always) func signal() { pthread_cond_signal(raw) }
    /// Wakes every waiter. The corresponding C function is `pthread_cond_broadcast`.
    @inline(__always) func broadcast() { pthread_cond_broadcast(raw) }
}
