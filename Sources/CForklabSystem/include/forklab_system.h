#ifndef FORKLAB_SYSTEM_H
#define FORKLAB_SYSTEM_H

// The part of the engine that must be C: signal handlers and the code a child
// runs between fork(2) and exec(2) or _exit(2), where only async-signal-safe
// calls are allowed. Everything here is small on purpose; see docs/design.md.

#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <signal.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Placeholders a child fills in when it writes its line (see fl_child_plan).
#define FL_SLOT_PID 0x01
#define FL_SLOT_ELAPSED_NS 0x02
#define FL_SLOT_COUNTER 0x03
/// Placeholders only threads fill in (see LineTemplate in the engine).
#define FL_SLOT_THREAD 0x04
#define FL_SLOT_INDEX 0x05
#define FL_SLOT_PRODUCER 0x06

/// Installs forklab's signal handling: SIGINT counted and not restarted (so
/// a blocking call returns EINTR); SIGTERM and SIGHUP (unless ignored)
/// noted the same way, as a request to stop everything and exit; SIGCHLD
/// noted with SA_RESTART; SIGURG caught by a handler that does nothing, and
/// blocked in the calling thread (see fl_thread_nudge); SIGPIPE ignored (a
/// closed stdout shows as EPIPE).
/// The handlers write a byte to a close-on-exec self-pipe whose read end is
/// fl_wake_fd(). Unblocks those signals, and records every signal whose
/// disposition is not the default, so that children can reset them.
/// Returns 0, or -1 with errno set.
int fl_signals_install(void);

/// The read end of the self-pipe: readable after a SIGINT or SIGCHLD.
int fl_wake_fd(void);

/// Writes a byte to the self-pipe: a worker thread wakes the main thread
/// (when the last worker ends, or output fails). Never blocks; keeps errno.
void fl_wake(void);

/// Sets the calling thread's mask to what worker threads run with: every
/// signal blocked but SIGURG and the faults (SIGSEGV, SIGBUS, …), so that
/// SIGINT, SIGTERM and SIGCHLD reach the main thread, which waits for them. Threads created meanwhile inherit it;
/// the previous mask goes to *saved. Returns 0 or an error number.
/// The corresponding C function is `pthread_sigmask`.
int fl_block_for_workers(sigset_t *saved);
/// Puts back the mask fl_block_for_workers saved. Returns 0 or an error number.
int fl_restore_mask(const sigset_t *saved);

/// Sends SIGURG to a worker thread; its handler does nothing, but a write(2)
/// the thread is blocked in returns EINTR. Returns 0 or an error number.
/// The corresponding C function is `pthread_kill`.
int fl_thread_nudge(pthread_t thread);

/// Empties the self-pipe without blocking.
void fl_wake_drain(void);

/// How many SIGINTs arrived since the last fl_interrupts_clear().
unsigned fl_interrupts(void);
/// The signal (SIGTERM, SIGHUP) that asked forklab to end, or 0.
int fl_termination(void);

/// Interrupts plus termination requests: non-zero means stop waiting, more
/// than one means stop at once.
unsigned fl_stop_requests(void);

/// How many of those did not come from the terminal (kill(1) rather than
/// Ctrl-C): only those need passing on to children.
unsigned fl_interrupts_not_from_terminal(void);
void fl_interrupts_clear(void);

/// What a forked child does before it leaves with _exit: write one line.
struct fl_child_plan {
    /// The line's bytes; FL_SLOT_* bytes are replaced by the child's pid, the
    /// nanoseconds since `start_ns`, and the child's copy of `*counter`.
    const char *line;
    size_t line_length;
    /// Where the child writes the line, in one write(2) when it fits 4 KiB.
    int out_fd;
    /// When not NULL the child adds one to its own copy of *counter, prints
    /// that, and exits with it, as the book's forkexit child does.
    int *counter;
    /// The exit code when counter is NULL.
    int exit_code;
    /// CLOCK_MONOTONIC nanoseconds at the start of the command.
    uint64_t start_ns;
};

/// Forks. The child resets its signals, writes its line and calls _exit; it
/// never returns. In the parent: the child's pid, or -1 with errno set.
/// The corresponding C function is `fork`.
pid_t fl_fork_child(const struct fl_child_plan *plan);

/// What a forked child runs.
struct fl_exec_plan {
    /// Looked up in PATH by execvp.
    const char *file;
    /// NULL-terminated; argv[0] is the program as typed.
    char *const *argv;
    /// Tried with execv when `file` was not found in PATH; NULL for none.
    const char *fallback_path;
    /// Made the child's stdin before exec, or -1 to keep forklab's.
    int stdin_fd;
    /// Write end of a close-on-exec pipe: when exec fails the child writes
    /// its errno there (sizeof(int) bytes) and exits 127 (not found) or 126;
    /// when exec succeeds the pipe closes with nothing written.
    int status_fd;
};

/// Forks; the child resets its signals and mask and execs the plan.
/// In the parent: the child's pid, or -1 with errno set.
pid_t fl_fork_exec(const struct fl_exec_plan *plan);

/// Marks every descriptor from `lowest` up close-on-exec, so that nothing
/// forklab inherited leaks into the programs it spawns. Returns 0 or -1.
int fl_cloexec_from(int lowest);

/// A pipe whose two ends are close-on-exec from birth. The corresponding C
/// function is `pipe2` with O_CLOEXEC (which Swift's Glibc does not show).
int fl_pipe_cloexec(int *read_end, int *write_end);

/// CLOCK_MONOTONIC in nanoseconds.
uint64_t fl_monotonic_ns(void);

/// Gives memory that malloc holds free, in every arena, back to the kernel.
/// The corresponding C function is `malloc_trim`.
void fl_release_free_memory(void);

/// Makes every thread allocate from malloc's main arena, so that threads
/// leave no arenas of their own behind. The corresponding C function is
/// `mallopt` with M_ARENA_MAX.
void fl_single_malloc_arena(void);



#ifdef __cplusplus
}
#endif

#endif
