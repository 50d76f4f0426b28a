import Glibc
import CForklabSystem
import ForklabWords

// The engine's thin layer over the system calls whose failure forklab
// reports or acts on: -1/errno becomes a thrown Errno, and EINTR is retried
// unless the caller wants to see it (as a wait that a Ctrl-C must be able
// to end does). A path reaches the kernel as the bytes the user typed
// (`withRawCString`), not as its String's UTF-8. The few calls the
// executable makes at start-up are here too, public, so that it reaches the
// C shim only through the engine.
//
// It is not the only place the engine calls libc, and need not be. Other
// files import Glibc for its constants (signal numbers, mmap flags) and call
// it directly where this layer would add nothing: the pthread primitives,
// which return an error number rather than -1 and errno (`PthreadMutex`,
// `ThreadGroup`); memory mapped for a purpose (`ParentOnlyBuffer`, thread
// stacks, `WorkQueue`); and the output paths that handle short writes,
// EAGAIN and EPIPE themselves, line by line (`Console`, `ThreadConsole`).
// Signals and the self-pipe are `Interruption`'s; what runs in a forked
// child is C (CForklabSystem).

@inline(__always)
func valueOrErrno<T: FixedWidthInteger>(
    retryOnInterrupt: Bool = true, _ call: () -> T
) throws(Errno) -> T {
    while true {
        let result = call()
        if result != -1 { return result }
        let error = Errno.current
        if error == .interrupted && retryOnInterrupt { continue }
        throw error
    }
}

/// The system calls the engine wraps. Internal but for the few the
/// executable calls at start-up and `now()`.
public enum System {
    /// The corresponding C function is `pipe2` with `O_CLOEXEC`.
    static func closeOnExecPipe() throws(Errno) -> (read: Int32, write: Int32) {
        var read: Int32 = -1
        var write: Int32 = -1
        _ = try valueOrErrno { fl_pipe_cloexec(&read, &write) }
        return (read, write)
    }

    /// The corresponding C function is `open`, always with `O_CLOEXEC`.
    static func open(_ path: String, _ flags: Int32) throws(Errno) -> Int32 {
        try valueOrErrno { path.withRawCString { Glibc.open($0, flags | O_CLOEXEC) } }
    }

    /// The corresponding C function is `close`. Never retried: on Linux the
    /// descriptor is gone even when close reports EINTR.
    static func close(_ fd: Int32) {
        _ = Glibc.close(fd)
    }

    /// Reads up to `count` bytes; EINTR retried.
    static func read(_ fd: Int32, into buffer: UnsafeMutableRawPointer, count: Int) throws(Errno) -> Int {
        try valueOrErrno { Glibc.read(fd, buffer, count) }
    }

    /// The corresponding C function is `waitpid` with `WNOHANG`: the status
    /// of `pid` when it has ended, nil while it runs.
    static func reapIfEnded(_ pid: pid_t) throws(Errno) -> WaitStatus? {
        var status: Int32 = 0
        let result = try valueOrErrno { waitpid(pid, &status, WNOHANG) }
        return result == pid ? WaitStatus(rawValue: status) : nil
    }

    /// Whether child `pid` has ended, without reaping it: it stays a
    /// zombie. The corresponding C function is `waitid` with `WEXITED |
    /// WNOWAIT | WNOHANG`: waitpid's question, without its reaping.
    static func hasEnded(_ pid: pid_t) throws(Errno) -> Bool {
        var info = siginfo_t()
        _ = try valueOrErrno { waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT | WNOHANG) }
        // Linux writes si_signo 0 when the child has not ended yet.
        return info.si_signo == SIGCHLD
    }

    /// Sends a signal; a process that is already gone is not an error.
    static func signal(_ pid: pid_t, _ signal: Int32) {
        _ = kill(pid, signal)
    }

    /// Waits until the self-pipe is readable (a SIGCHLD or SIGINT arrived) or
    /// `timeoutMilliseconds` passed (-1: no limit). EINTR counts as a wake-up.
    static func awaitWakeUp(timeoutMilliseconds: Int32) {
        var entry = pollfd(fd: Interruption.wakeDescriptor, events: Int16(POLLIN), revents: 0)
        _ = poll(&entry, 1, timeoutMilliseconds)
        Interruption.drainWakeUps()
    }

    /// After a Ctrl-C or SIGTERM, how long a write waits for room before it
    /// gives up on a reader that no longer reads: what was printed still
    /// goes out to a reader that is slow, and a reader that stopped reading
    /// (`forklab … | less` left on its first page) cannot hang forklab.
    static let stopGraceMilliseconds: Int32 = 1000

    /// Waits until a write to `fd` would not block (on a pipe: room for at
    /// least a page). A stop (Ctrl-C, SIGTERM) does not end the wait at
    /// once: it goes on for up to `graceAfterStop` milliseconds, time for a
    /// reader that still reads to make room; a second stop ends it at once.
    /// The self-pipe makes a stop that lands at any moment count. A
    /// descriptor in error counts as writable: the write says why.
    /// - Returns: false when a stop is pending and no room came.
    static func awaitWritable(_ fd: Int32, graceAfterStop: Int32 = stopGraceMilliseconds) -> Bool {
        while true {
            let requests = Interruption.stopRequests
            switch pollForRoom(fd, timeout: requests > 1 ? 0 : requests == 1 ? graceAfterStop : -1) {
            case .room: return true
            case .interrupted: continue
            case .timedOut: return false  // a stop, and no room within the grace
            case .wokenUp:
                // A signal: a stop (the grace starts now), a second one, or
                // SIGCHLD, which whoever waits for it checks before waiting.
                Interruption.drainWakeUps()
            }
        }
    }

    /// What one wait for room ended with.
    private enum RoomPoll {
        /// `fd` has room, or is in error (the write will say why).
        case room
        /// The timeout passed with neither.
        case timedOut
        /// The self-pipe has a byte: a signal came.
        case wokenUp
        /// poll(2) itself was interrupted (EINTR).
        case interrupted
    }

    /// One poll(2) for room on `fd` together with the self-pipe.
    private static func pollForRoom(_ fd: Int32, timeout: Int32) -> RoomPoll {
        // A tuple, not an array: no allocation for every line written.
        var entries = (
            pollfd(fd: fd, events: Int16(POLLOUT), revents: 0),
            pollfd(fd: Interruption.wakeDescriptor, events: Int16(POLLIN), revents: 0)
        )
        let result = withUnsafeMutableBytes(of: &entries) { raw in
            poll(raw.baseAddress!.assumingMemoryBound(to: pollfd.self), 2, timeout)
        }
        if result < 0 { return Errno.current == .interrupted ? .interrupted : .room }
        if entries.0.revents != 0 { return .room }
        return result == 0 ? .timedOut : .wokenUp
    }

    /// CLOCK_MONOTONIC in nanoseconds. The corresponding C function is
    /// `clock_gettime`.
    @inlinable public static func now() -> UInt64 { fl_monotonic_ns() }
}

extension System {
    /// Marks every descriptor from `lowest` up close-on-exec, so that nothing
    /// forklab inherited leaks into the programs it spawns. The corresponding
    /// C function is `close_range` with CLOSE_RANGE_CLOEXEC (before Linux
    /// 5.11: `fcntl` on each descriptor in /proc/self/fd).
    public static func closeOnExec(from lowest: Int32) throws(Errno) {
        _ = try valueOrErrno { fl_cloexec_from(lowest) }
    }

    /// Makes every thread allocate from malloc's main arena, so that worker
    /// threads leave no arenas of their own mapped, which would make every
    /// later fork dearer. The corresponding C function is `mallopt` with
    /// M_ARENA_MAX 1.
    public static func useOneMallocArena() {
        fl_single_malloc_arena()
    }
}

extension System {
    /// The corresponding C function is `open` with `O_WRONLY | O_CREAT |
    /// O_CLOEXEC | O_NONBLOCK` and mode 0644, and `O_EXCL` (fails with
    /// EEXIST when the path exists) unless `replacing`. Never truncates
    /// (see `truncate`), so that what is opened can be looked at first.
    /// Never blocks: a FIFO nobody reads fails with ENXIO rather than
    /// waiting for a reader. EINTR retried.
    static func create(_ path: String, replacing: Bool) throws(Errno) -> Int32 {
        let flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NONBLOCK | (replacing ? 0 : O_EXCL)
        return try valueOrErrno { path.withRawCString { Glibc.open($0, flags, mode_t(0o644)) } }
    }

    /// Empties the file open on `fd`. The corresponding C function is
    /// `ftruncate`; EINTR retried.
    static func truncate(_ fd: Int32) throws(Errno) {
        _ = try valueOrErrno { ftruncate(fd, 0) }
    }

    /// The name of the file system `fd` is on when its files are the
    /// kernel's interfaces rather than data (proc, sysfs, …): a write to
    /// one changes the system (a process's name, a device's setting). Nil
    /// for any other, and when fstatfs fails. The corresponding C function
    /// is `fstatfs`.
    static func kernelFileSystem(_ fd: Int32) -> String? {
        kernelFileSystems[UInt32(truncatingIfNeeded: fl_file_system_magic(fd))]
    }

    /// Their magic numbers (linux/magic.h).
    private static let kernelFileSystems: [UInt32: String] = [
        0x9fa0: "proc", 0x6265_6572: "sysfs", 0x6462_6720: "debugfs", 0x7472_6163: "tracefs",
        0x7363_6673: "securityfs", 0x0027_e0eb: "cgroup", 0x6367_7270: "cgroup2", 0xcafe_4a11: "bpf",
        0x6265_6570: "configfs", 0x6165_676c: "pstore", 0xde5e_81e4: "efivarfs", 0xf97c_ff8c: "selinuxfs",
        0x4341_5d53: "smackfs", 0x6573_5543: "fusectl", 0x4249_4e4d: "binfmt_misc", 0x1980_0202: "mqueue",
        0x6e66_7364: "nfsd",
    ]

    /// Whether `fd` is open on a regular file (not a FIFO, a device, a socket).
    static func isRegularFile(_ fd: Int32) -> Bool {
        var status = stat()
        return fstat(fd, &status) == 0 && status.st_mode & S_IFMT == S_IFREG
    }

    /// How glibc's stdio would buffer a stream on `fd` (libio/filedoalloc.c):
    /// line-buffered at a terminal; the buffer st_blksize bytes when that is
    /// below BUFSIZ (8192), else BUFSIZ. A pipe here has st_blksize 4096, and
    /// so has a file on ext4 or overlayfs; CPython 3.11's io takes st_blksize
    /// too, so both buffer 4096 bytes there. The corresponding C functions
    /// are `isatty` and `fstat`.
    static func stdioBuffering(_ fd: Int32) -> StdioBuffering {
        let terminal = isatty(fd) == 1
        var status = stat()
        var size = Int(BUFSIZ)
        if fstat(fd, &status) == 0, status.st_blksize > 0, Int(status.st_blksize) < size {
            size = Int(status.st_blksize)
        }
        return StdioBuffering(lineBuffered: terminal, size: size)
    }

    /// Writes up to `count` bytes; EINTR retried. May write fewer.
    static func write(_ fd: Int32, _ buffer: UnsafeRawPointer, count: Int) throws(Errno) -> Int {
        try valueOrErrno { Glibc.write(fd, buffer, count) }
    }

    /// The corresponding C function is `close`, for a file whose last
    /// write-back error `close` may report (NFS, a full disk). Never retried:
    /// on Linux the descriptor is gone even when close reports EINTR, and
    /// EINTR is then no error of the data's.
    static func closeReporting(_ fd: Int32) throws(Errno) {
        if Glibc.close(fd) == 0 { return }
        let error = Errno.current
        if error != .interrupted { throw error }
    }

    /// Whether a write to `fd` can never wait for room: a regular file (not
    /// on FUSE, whose file system may answer poll(2) as it likes), or
    /// /dev/null, /dev/zero or /dev/full. poll(2) always reports these
    /// writable at once.
    static func neverBlocksWriting(_ fd: Int32) -> Bool {
        var status = stat()
        guard fstat(fd, &status) == 0 else { return false }
        switch status.st_mode & S_IFMT {
        case S_IFREG:
            return fl_on_fuse(fd) == 0
        case S_IFCHR:
            // Linux's dev_t: the memory devices are major 1; null 3, zero 5, full 7.
            let device = UInt64(status.st_rdev)
            let major = ((device >> 8) & 0xfff) | ((device >> 32) & ~0xfff)
            let minor = (device & 0xff) | ((device >> 12) & ~0xff)
            return major == 1 && (minor == 3 || minor == 5 || minor == 7)
        default:
            return false
        }
    }

    /// Whether `path` names a directory (following symbolic links).
    static func isDirectory(_ path: String) -> Bool {
        var status = stat()
        return path.withRawCString { fstatat(AT_FDCWD, $0, &status, 0) } == 0 && status.st_mode & S_IFMT == S_IFDIR
    }

    /// The corresponding C function is `unlink`; failure is ignored.
    static func remove(_ path: String) {
        _ = path.withRawCString { Glibc.unlink($0) }
    }
}

extension System {
    /// Whether `bytes` more of address space can be had now: the
    /// corresponding C function is `mmap` (private, anonymous, readable and
    /// writable, as malloc's own), unmapped again at once. It touches no
    /// page, so it costs no memory; it fails as malloc would under
    /// RLIMIT_AS, or when the kernel would not commit that much.
    static func canMap(_ bytes: Int) -> Bool {
        guard let memory = mmap(nil, max(bytes, 1), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              memory != MAP_FAILED
        else { return false }
        _ = munmap(memory, max(bytes, 1))
        return true
    }
}
