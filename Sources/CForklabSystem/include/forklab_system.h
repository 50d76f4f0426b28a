#ifndef FORKLAB_SYSTEM_H
#define FORKLAB_SYSTEM_H

// The part of the engine that must be C: signal handlers and the code a child
// runs between fork(2) and exec(2) or _exit(2), where only async-signal-safe
// calls are allowed. Everything here is small on purpose; see docs/internals.md,
// "What a child does, and why it is in C".

#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <signal.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Placeholders a child fills in when it writes its line (see fl_child_plan).
/// Control bytes no template holds otherwise: JSON escapes every control
/// character, and the book's lines have none.
#define FL_SLOT_PID 0x01
#define FL_SLOT_ELAPSED_NS 0x02
#define FL_SLOT_COUNTER 0x03
/// Placeholders only threads fill in (see LineTemplate in the engine).
#define FL_SLOT_THREAD 0x04
#define FL_SLOT_INDEX 0x05
#define FL_SLOT_PRODUCER 0x06
/// The exit code a child is about to _exit with.
#define FL_SLOT_CODE 0x10
/// The kernel's id of the writing thread (gettid).
#define FL_SLOT_TID 0x11
/// The terminal colour of the thread's number (an SGR escape), or nothing.
#define FL_SLOT_COLOR 0x12

/// What happened, as recorded in an fl_log. Kinds from FL_EVENT_FIRST_MARK
/// on are marks (lines, puts, gets, sleeps), of which there can be millions:
/// they have a region of their own, and those past its capacity are dropped,
/// while the lives of processes and threads are always kept.
enum fl_event_kind {
    FL_EVENT_NONE = 0,
    /// A forked child wrote its line: a = its copy of the counter, b = 1 when it has one;
    /// c = how many of its lines (this one and its exit's) were still in its buffer
    /// when it called _exit, and so never printed (`fork N buffered`), else 0.
    FL_EVENT_CHILD_PRINTED = 1,
    /// A forked child is about to exec its program.
    FL_EVENT_EXEC = 2,
    /// A forked child is about to call _exit: a = the code.
    FL_EVENT_EXIT = 3,
    /// A thread began running: role, a = its number.
    FL_EVENT_THREAD_START = 4,
    /// A thread is about to return: role, a = its number.
    FL_EVENT_THREAD_END = 5,
    /// The main thread wrote its line (`Main thread exiting...`, `Main thread exit`).
    FL_EVENT_MAIN_PRINTED = 6,
    /// forklab's watchdog caught a program of its own stuck, and is about to
    /// kill it: a = 0 for a `deadlock` cycle, 1 for a `produce … broken`
    /// queue where every thread waits; b = how many threads it caught.
    FL_EVENT_CAUGHT = 7,
    FL_EVENT_FIRST_MARK = 16,
    /// A thread wrote `[a] => b`.
    FL_EVENT_THREAD_PRINTED = 16,
    /// Producer a put message number b.
    FL_EVENT_PUT = 17,
    /// Consumer a got producer c's message number b.
    FL_EVENT_GOT = 18,
    /// A thread slept (`sleep S`), from `time` on, to its deadline: role,
    /// a = its number, b and c = how long in nanoseconds (b the high 32 bits,
    /// c the low). One before each paced line, put or get.
    FL_EVENT_SLEPT = 19,
    /// The same for a sleep that a stop (Ctrl-C, SIGTERM, a failed write)
    /// ended before its deadline.
    FL_EVENT_SLEEP_STOPPED = 20,
    /// `deadlock`: thread a is about to lock mutex b (pthread_mutex_lock).
    FL_EVENT_LOCK_WAIT = 21,
    /// `deadlock`: thread a holds mutex b (pthread_mutex_lock returned).
    FL_EVENT_LOCK_HELD = 22,
    /// `produce … broken`: thread a (role) is about to wait on condition b
    /// (pthread_cond_wait; an fl_condition), because the queue was empty
    /// (c = 0) or full (c = 1).
    FL_EVENT_COND_WAIT = 23,
    /// The same thread woke from that wait, holding the mutex again; c = how
    /// many messages the queue then held.
    FL_EVENT_COND_WOKE = 24,
    /// `produce … broken if`: consumer a woke with `if`, not `while`, and
    /// found the queue empty and not closed (an empty wake-up).
    FL_EVENT_EMPTY_WAKEUP = 25,
    /// `deadlock`: thread a released mutex b (pthread_mutex_unlock).
    FL_EVENT_LOCK_RELEASED = 26,
};

/// The condition variables of `produce … broken` (FL_EVENT_COND_WAIT's b).
enum fl_condition {
    /// The two of the correct queue, and of `broken if`.
    FL_CONDITION_NOT_EMPTY = 0,
    FL_CONDITION_NOT_FULL = 1,
    /// The one of `broken onecv`, for both.
    FL_CONDITION_ONE = 2,
};

/// One event, 32 bytes.
struct fl_event {
    /// Nanoseconds since the command started (CLOCK_MONOTONIC).
    uint64_t time;
    /// The process and the thread (gettid) that recorded it.
    int32_t pid;
    int32_t tid;
    /// An fl_event_kind; 0 in a slot that was never filled in.
    uint16_t kind;
    /// For threads: what the thread does (the engine's ThreadRole).
    uint16_t role;
    int32_t a;
    int32_t b;
    int32_t c;
};

/// The shared record of an experiment's events; see log.c.
struct fl_log;

/// The two regions of an fl_log (see fl_event_kind).
enum fl_log_region {
    /// Process and thread lives: always kept.
    FL_LOG_LIVES = 0,
    /// Marks (lines, puts, gets): past the region's capacity only counted.
    FL_LOG_MARKS = 1,
};

/// How many mark kinds there are (FL_EVENT_FIRST_MARK on), each counted
/// when dropped (fl_log_dropped_of_kind).
#define FL_MARK_KINDS 12
/// How many numbers a program of its own can note for forklab (fl_log_note).
#define FL_LOG_NOTES 8
/// How many threads of a program of its own can say what they wait for
/// (fl_log_set_waiter): `produce … broken` with 1000 producers and 1000
/// consumers.
#define FL_LOG_WAITERS 2048

/// What a thread of `produce … broken` is doing now, for forklab's watchdog
/// (fl_log_set_waiter).
enum fl_waiter_state {
    /// Not started, or running (neither waiting on a condition nor ended).
    FL_WAITER_RUNNING = 0,
    /// Waiting on a condition variable because the queue was empty.
    FL_WAITER_EMPTY = 1,
    /// Waiting on a condition variable because the queue was full.
    FL_WAITER_FULL = 2,
    /// Returned.
    FL_WAITER_ENDED = 3,
};

/// Maps a record for up to `lives` process and thread events and `marks`
/// marks, shared with children forked later and, through its descriptor
/// (fl_log_fd), with a program forklab execs. NULL when it cannot be made.
struct fl_log *fl_log_create(uint32_t lives, uint32_t marks);
/// Maps the record whose memfd `fd` is, in a program of its own that
/// inherited it; NULL when `fd` holds no record.
struct fl_log *fl_log_attach(int fd);
/// The record's memfd (close-on-exec), or -1 when it has none.
int fl_log_fd(const struct fl_log *log);
/// Unmaps the record, and closes its memfd in the process that made it.
void fl_log_destroy(struct fl_log *log);
/// Notes a number for forklab to read once the program that notes it has
/// ended (`index` < FL_LOG_NOTES); plain stores. Emptied by fl_log_reset.
void fl_log_note(struct fl_log *log, int index, int64_t value);
int64_t fl_log_read_note(const struct fl_log *log, int index);
/// Says what thread `slot` (< FL_LOG_WAITERS), kernel id `tid`, is doing
/// now (an fl_waiter_state); one atomic store, read by forklab while the
/// program runs. Emptied by fl_log_reset.
void fl_log_set_waiter(struct fl_log *log, int slot, int32_t tid, int32_t state);
/// What thread `slot` last said (an fl_waiter_state), and its tid in *tid.
int32_t fl_log_waiter(const struct fl_log *log, int slot, int32_t *tid);
/// How many marks of `kind` were dropped for want of room: with the kept
/// events of that kind, its total.
uint64_t fl_log_dropped_of_kind(const struct fl_log *log, uint16_t kind);
/// Empties the record, for the next experiment.
void fl_log_reset(struct fl_log *log);
/// Adds an event: one atomic add and plain stores, safe in a forked child
/// and in any thread. Does nothing when log is NULL or the region is full.
void fl_log_add(struct fl_log *log, const struct fl_event *event);
/// Claims `count` consecutive slots for lives (process and thread events)
/// and returns the first, for fl_log_put; 0 when log is NULL. A slot claimed
/// and never put is skipped by the reader, as one a killed child left.
uint64_t fl_log_claim(struct fl_log *log, uint64_t count);
/// Fills in a lives slot claimed with fl_log_claim (plain stores, safe in a
/// forked child). Does nothing when log is NULL or the slot is past the end.
void fl_log_put(struct fl_log *log, uint64_t index, const struct fl_event *event);
/// Adds `count` events at once, with one atomic add per region; events of
/// kind FL_EVENT_NONE are skipped. Not for a forked child (it adds one at a
/// time): for threads that record a batch of lines once they are written,
/// read only after they are joined.
void fl_log_add_many(struct fl_log *log, const struct fl_event *events, size_t count);
/// Counts `count` events of `kind` that found no room left, as if added:
/// they are dropped, and the count says how many were.
void fl_log_count_dropped(struct fl_log *log, uint16_t kind, uint64_t count);
/// Whether a region still has room: past it, events are only counted, so
/// their details need not be made.
int fl_log_has_room(const struct fl_log *log, enum fl_log_region region);
/// The events of one region: *count kept, *claimed tried (more than *count
/// when some were dropped).
void fl_log_counts(const struct fl_log *log, enum fl_log_region region, uint64_t *count, uint64_t *claimed);
/// Copies slot `index` of a region into *out. Returns 0 for a slot claimed
/// but never filled in (a child killed between the two), else 1.
int fl_log_event(const struct fl_log *log, enum fl_log_region region, uint64_t index, struct fl_event *out);

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

/// Whether the termination request came from the terminal (a Ctrl-\ or a
/// hang-up the kernel sent to a whole process group) rather than kill(1).
int fl_termination_from_terminal(void);

/// Notes that the terminal hung up, as a SIGHUP would: a write to it
/// failed with EIO. Returns 1 when forklab handles SIGHUP (the request is
/// noted, once), 0 when SIGHUP is ignored (nohup): then the write error
/// stands.
int fl_note_hangup(void);

/// How many of those did not come from the terminal (kill(1) rather than
/// Ctrl-C): only those need passing on to children.
unsigned fl_interrupts_not_from_terminal(void);
void fl_interrupts_clear(void);

/// What a forked child does before it leaves with _exit: record that it
/// printed and write its line, then record its exit and write that line.
struct fl_child_plan {
    /// The line's bytes; FL_SLOT_* bytes are replaced by the child's pid, the
    /// nanoseconds since `start_ns`, the child's copy of `*counter` and its
    /// exit code. An empty line is not written.
    const char *line;
    size_t line_length;
    /// The line for the child's exit, written just before _exit; may be empty.
    const char *exit_line;
    size_t exit_line_length;
    /// Where the child writes the line, in one write(2) when it fits 4 KiB.
    int out_fd;
    /// When not NULL the child adds one to its own copy of *counter, prints
    /// that, and exits with it, as the book's forkexit child does.
    int *counter;
    /// The exit code when counter is NULL.
    int exit_code;
    /// CLOCK_MONOTONIC nanoseconds at the start of the command.
    uint64_t start_ns;
    /// Where the child records its events, or NULL.
    struct fl_log *log;
    /// The first of two lives slots the parent claimed in `log` for this
    /// child (fl_log_claim): its line, then its exit.
    uint64_t log_index;
    /// 0: the child writes each line with write(2) at once (forklab's way).
    /// Else the child prints its lines into a buffer of this many bytes on
    /// its stack, as stdio and Python's print do, flushed only when stdio
    /// would (see line_buffered), and leaves with _exit, which throws away
    /// what is still in it. At most FL_CHILD_BUFFER_MAX.
    size_t buffer_size;
    /// With buffer_size: 1 when the parent found out_fd a terminal, so the
    /// buffer is line-buffered (flushed at each newline); 0: block-buffered
    /// (flushed only when full).
    int line_buffered;
};

/// The largest buffer a buffered child prints into: glibc's BUFSIZ.
#define FL_CHILD_BUFFER_MAX 8192

/// Forks. The child resets its signals, writes its line and calls _exit; it
/// never returns. In the parent: the child's pid, or -1 with errno set.
/// The corresponding C function is `fork`.
pid_t fl_fork_child(const struct fl_child_plan *plan);

/// What a forked child runs.
struct fl_exec_plan {
    /// The paths the child tries with execve, in order, as execvp(3) would,
    /// resolved by the parent before the fork (ProgramSearch in the engine):
    /// a program with '/' alone; else each PATH entry + "/" + the program.
    /// ENOENT, ENOTDIR, ESTALE, ENODEV and ETIMEDOUT pass to the next one,
    /// and so does EACCES, which is reported when nothing later runs; any
    /// other error ends the search. A file that is not an executable format
    /// (ENOEXEC: a script without `#!`) is run by /bin/sh instead.
    const char *const *candidates;
    size_t candidate_count;
    /// Tried with execve when the candidates left ENOENT or EACCES (no
    /// /bin/sh for a file without `#!`); NULL for none.
    const char *fallback_path;
    /// NULL-terminated; argv[0] is the program as typed.
    char *const *argv;
    /// The argument vector of /bin/sh for a file without `#!`: two slots
    /// the child fills in (/bin/sh and the candidate), then argv[1], …, NULL.
    char **script_argv;
    /// Made the child's stdin before exec, or -1 to keep forklab's.
    int stdin_fd;
    /// Made the child's stdout before exec (after its exec line is out),
    /// or -1 to keep forklab's.
    int stdout_fd;
    /// Write end of a close-on-exec pipe: when exec fails the child writes
    /// its errno there (sizeof(int) bytes) and exits 127 (ENOENT, ENOTDIR)
    /// or 126; when exec succeeds the pipe closes with nothing written.
    int status_fd;
    /// Written (slots filled in) to out_fd just before the first execve;
    /// may be empty.
    const char *exec_line;
    size_t exec_line_length;
    /// Written to out_fd when exec failed, just before _exit(127 or 126),
    /// which is then recorded as the child's exit; may be empty.
    const char *exit_line;
    size_t exit_line_length;
    int out_fd;
    uint64_t start_ns;
    /// Where the child records that it execs (and, when that fails, its
    /// exit), or NULL.
    struct fl_log *log;
    /// The first of two lives slots the parent claimed in `log` for this
    /// child (fl_log_claim): its exec, then its exit when exec fails.
    uint64_t log_index;
    /// A close-on-exec descriptor the program inherits all the same (a
    /// program of its own gets the record's memfd), or -1.
    int inherit_fd;
    /// A signal the child gets when forklab's thread that forked it ends
    /// (prctl PR_SET_PDEATHSIG), so that a program of its own never
    /// outlives forklab; 0 for none.
    int death_signal;
};

/// Forks; the child resets its signals and mask and execs the plan with
/// the parent's environment (environ, read before the fork).
/// In the parent: the child's pid, or -1 with errno set.
pid_t fl_fork_exec(const struct fl_exec_plan *plan);

/// Makes forklab a child subreaper: an orphan among its descendants becomes
/// its child, not init's. The corresponding C function is `prctl` with
/// PR_SET_CHILD_SUBREAPER. Returns 0 or -1.
int fl_become_subreaper(void);

/// Names the calling process's main thread (what ps and /proc/PID/stat
/// show): a program forklab execs through /proc/self/exe would be `exe`.
/// The corresponding C function is `prctl` with PR_SET_NAME. Returns 0 or -1.
int fl_name_process(const char *name);

/// What /proc/PID/stat says of a process.
struct fl_process_stat {
    /// R, S, D, T, Z (a zombie: ended, not yet reaped), …
    char state;
    pid_t parent;
    pid_t group;
};

/// Reads /proc/PID/stat. Returns 0, or -1 with errno set (ENOENT: no
/// such process).
int fl_process_stat(pid_t pid, struct fl_process_stat *out);
/// Reads /proc/PID/task/TID/stat: one thread's state (S: asleep, as in
/// pthread_mutex_lock). Returns 0, or -1 with errno set.
int fl_thread_stat(pid_t pid, pid_t tid, struct fl_process_stat *out);

/// The children of `pid` (those of each of its threads), from
/// /proc/PID/task/TID/children, or a scan of /proc where the kernel has no
/// such file. Writes up to `capacity` pids to out and returns how many
/// there are (more than capacity: call again with room); 0 for a process
/// that is gone; -1 with errno set when /proc cannot be read.
int fl_children_of(pid_t pid, pid_t *out, int capacity);

/// Marks every descriptor from `lowest` up close-on-exec, so that nothing
/// forklab inherited leaks into the programs it spawns. Returns 0 or -1.
int fl_cloexec_from(int lowest);

/// A pipe whose two ends are close-on-exec from birth. The corresponding C
/// function is `pipe2` with O_CLOEXEC (which Swift's Glibc does not show).
int fl_pipe_cloexec(int *read_end, int *write_end);

/// Whether `fd` is open on a file of a FUSE file system (whose poll(2)
/// answers are the file system's own); 0 when fstatfs fails.
int fl_on_fuse(int fd);
/// The magic number of the file system `fd` is on (statfs's f_type); 0
/// when fstatfs fails.
uint64_t fl_file_system_magic(int fd);

/// CLOCK_MONOTONIC in nanoseconds.
uint64_t fl_monotonic_ns(void);

/// The kernel's id of the calling thread. The corresponding C function is
/// `gettid`.
int32_t fl_thread_id(void);

/// Gives memory that malloc holds free, in every arena, back to the kernel.
/// The corresponding C function is `malloc_trim`.
void fl_release_free_memory(void);

/// Makes every thread allocate from malloc's main arena, so that threads
/// leave no arenas of their own behind. The corresponding C function is
/// `mallopt` with M_ARENA_MAX.
void fl_single_malloc_arena(void);


// What `bench` times (bench.c): one operation per call, returning the
// nanoseconds it took (CLOCK_MONOTONIC), or -errno when a call failed.

/// fork; the child calls _exit(0) at once; waitpid. *status gets the wait
/// status.
int64_t fl_bench_fork(int *status);

/// How fl_bench_spawn starts its program.
enum fl_bench_spawn_how {
    /// fork, then execve in the child.
    FL_BENCH_FORK_EXEC = 0,
    /// vfork, then execve in the child, which borrows the parent's memory.
    FL_BENCH_VFORK = 1,
    /// posix_spawn (glibc: clone with CLONE_VM | CLONE_VFORK).
    FL_BENCH_POSIX_SPAWN = 2,
};

struct fl_bench_spawn_plan {
    int how;
    /// An absolute path: execve does not search PATH.
    const char *path;
    char *const *argv;
    char *const *envp;
};

/// Starts the plan's program (its signals reset and mask emptied, as
/// spawn's children are) and waits for it; *status gets the wait status:
/// exit 127 or 126 when execve failed in a forked child.
int64_t fl_bench_spawn(const struct fl_bench_spawn_plan *plan, int *status);

/// pthread_create of a thread that returns at once, on `stack` (reused from
/// call to call, never glibc's cache of stacks), with every signal
/// blocked, and pthread_join.
int64_t fl_bench_thread(void *stack, size_t stack_size);

/// Locks `mutex`, adds one to *shared and unlocks it, `count` times;
/// returns the nanoseconds all took.
uint64_t fl_bench_mutex(pthread_mutex_t *mutex, uint64_t *shared, int count);

/// A child that sends back each byte it reads, for a ping-pong over two
/// pipes as `perf bench sched pipe` does.
struct fl_pipe_partner {
    pid_t pid;
    int to_partner;
    int from_partner;
};

/// Makes the two pipes and forks the partner; 0, or -errno with
/// *failed_call naming the call that failed ("pipe2" or "fork").
int fl_bench_pipe_start(struct fl_pipe_partner *partner, const char **failed_call);

/// Writes one byte to the partner and reads it back; -EPIPE when the
/// partner is gone.
int64_t fl_bench_pipe_round_trip(const struct fl_pipe_partner *partner);

/// Closes the pipes, which ends the partner, and reaps it; 0 or -errno.
int fl_bench_pipe_stop(struct fl_pipe_partner *partner, int *status);


// `tree` (tree.c): processes that fork, exit and reap when forklab says.

/// A message between forklab and a process of `tree`.
struct fl_tree_message {
    /// FL_TREE_*: an order (fork, exit, reap) or a report.
    int32_t kind;
    /// FORK: FL_TREE_SUBREAPER for a child that adopts orphans; EXIT: the
    /// exit code; REAPED: the wait status.
    int32_t flags;
    /// REAP: the pid to wait for. HELLO: the sender's pid. FORKED: the
    /// child's pid, or -errno. REAPED: the pid reaped. FAILED: -errno.
    int64_t value;
};

enum {
    /// Orders, from forklab. FORK comes with the new process's socket.
    FL_TREE_FORK = 1,
    FL_TREE_EXIT = 2,
    FL_TREE_REAP = 3,
    /// Reports, from a process.
    FL_TREE_HELLO = 4,
    FL_TREE_FORKED = 5,
    FL_TREE_REAPED = 6,
    FL_TREE_FAILED = 7,
};

/// FL_TREE_FORK's flag: the new process becomes a child subreaper.
#define FL_TREE_SUBREAPER 1

/// A close-on-exec SOCK_SEQPACKET pair: forklab keeps one end, a process
/// of the tree gets the other. Returns 0, or -1 with errno set.
int fl_tree_channel(int *forklab_end, int *process_end);

/// Forks the tree's root: in a process group of its own, a child
/// subreaper, it closes `forklab_end` and waits for orders on
/// `process_end` (after saying hello) and never returns. In the parent:
/// its pid, or -1 with errno set.
pid_t fl_tree_start_root(int forklab_end, int process_end);

/// Sends a message, with `pass_fd` attached unless it is -1. 0 or -1.
int fl_tree_send(int fd, int32_t kind, int32_t flags, int64_t value, int pass_fd);

/// Receives a message: 1, 0 when the process is gone, -1 with errno set.
int fl_tree_receive(int fd, struct fl_tree_message *out);


#ifdef __cplusplus
}
#endif

#endif
