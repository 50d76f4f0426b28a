#define _GNU_SOURCE
#include "forklab_system.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

// Everything from here to the end of each child branch runs in a child
// between fork and exec/_exit. POSIX allows the child of a multi-threaded
// process only async-signal-safe calls there: another thread may have held
// a lock (malloc's, stdio's) at the moment of the fork, and the child has a
// copy of it, held by nobody. forklab forks only while it is single-threaded
// (no Dispatch, no thread left over: an experiment's threads are all joined
// before its command ends, and no command forks while it has threads), so a
// child's memory is consistent. Its code keeps to async-signal-safe calls
// all the same, so that this holds whatever runs beside a fork one day: no
// malloc, no stdio, no locks, and no execvp (which reads PATH with getenv
// and builds each path in memory of its own): the parent resolves the
// candidates, and the child only execve's them.

// The child's own calls go through fl_inline_syscall rather than libc's
// wrappers (each on a text page of its own that the child would fault in),
// and it formats its line without memcpy, in a buffer small enough not to
// reach a new stack page: a forked child pays a page fault for every page it
// writes and for every text page it runs, so it touches as few as it can.
// Measured for issue 12 (release build, runs alternated on a shared 2-core
// machine, page faults and CPU time from wait4): with libc's wrappers
// instead (write, getpid, clock_gettime, _exit, sigprocmask, dup2, fcntl,
// execve), each child took 5 page faults more, on either path; `fork 1000`
// took 2 to 8 % more CPU time, `spawn /bin/true 500` up to 1 % (exec's own
// work dominates). So both paths, fork's and exec's, make every call of
// theirs inline.

void fl_child_reset_signals(void) {
    struct fl_kernel_sigaction action = {SIG_DFL, 0, NULL, 0};
    for (int signo = 1; signo <= 64; signo++) {
        if (fl_reset_mask & ((uint64_t)1 << (signo - 1))) {
            (void)fl_inline_syscall(SYS_rt_sigaction, signo, (long)&action, 0, sizeof action.mask);
        }
    }
    uint64_t none = 0;
    (void)fl_inline_syscall(SYS_rt_sigprocmask, SIG_SETMASK, (long)&none, 0, sizeof none);
}

static void write_all(int fd, const char *bytes, size_t length) {
    while (length > 0) {
        long n = fl_inline_syscall(SYS_write, fd, (long)bytes, (long)length, 0);
        if (n < 0) {
            if (n == -EINTR) continue;
            if (n == -EAGAIN) {
                // stdout made non-blocking by someone sharing it: wait for room.
                struct pollfd room = {.fd = fd, .events = POLLOUT};
                (void)fl_inline_syscall(SYS_ppoll, (long)&room, 1, 0, 0);
                continue;
            }
            return;  // EPIPE and friends: the parent notices on its own writes
        }
        bytes += n;
        length -= (size_t)n;
    }
}

__attribute__((noreturn)) static void child_exit(int code) {
    for (;;) (void)fl_inline_syscall(SYS_exit_group, code, 0, 0, 0);
}

// The child's own decimal writer, not the engine's DecimalWriter
// (Output/DecimalWriter.swift): between fork and _exit the child runs no
// Swift, only this async-signal-safe C, on as few pages as it can.

/// How many bytes the decimal form of `value` takes.
static size_t decimal_length(int64_t value) {
    uint64_t magnitude = value < 0 ? 0 - (uint64_t)value : (uint64_t)value;
    size_t length = value < 0 ? 2 : 1;
    while (magnitude >= 10) {
        magnitude /= 10;
        length++;
    }
    return length;
}

/// Writes the decimal form of `value` (decimal_length bytes) at `out`.
static void put_decimal(char *out, int64_t value, size_t length) {
    uint64_t magnitude = value < 0 ? 0 - (uint64_t)value : (uint64_t)value;
    char *p = out + length;
    do {
        *--p = (char)('0' + magnitude % 10);
        magnitude /= 10;
    } while (magnitude != 0);
    if (value < 0) *--p = '-';
}

/// What a child knows about itself when it writes an event.
struct child_facts {
    pid_t pid;
    uint64_t elapsed;
    int counter;
    int code;
};

static struct child_facts child_facts(uint64_t start_ns, int counter, int code) {
    struct child_facts facts = {(pid_t)fl_inline_syscall(SYS_getpid, 0, 0, 0, 0), 0, counter, code};
    struct timespec now;
    // The system call rather than the vDSO, whose page the child would fault in.
    if (fl_inline_syscall(SYS_clock_gettime, CLOCK_MONOTONIC, (long)&now, 0, 0) == 0) {
        uint64_t ns = (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
        facts.elapsed = ns > start_ns ? ns - start_ns : 0;
    }
    return facts;
}

/// Fills `line`'s FL_SLOT_* bytes in and writes it, in pieces of up to
/// `size` bytes (one write(2) when it fits).
static void fill_and_write(const char *line, size_t length, int fd, const struct child_facts *facts,
                           char *out, size_t size) {
    size_t used = 0;
    for (size_t i = 0; i < length; i++) {
        unsigned char c = (unsigned char)line[i];
        int64_t value = 0;
        int slot = 1;
        if (c == FL_SLOT_PID || c == FL_SLOT_TID) value = facts->pid;
        else if (c == FL_SLOT_ELAPSED_NS) value = (int64_t)(facts->elapsed & INT64_MAX);
        else if (c == FL_SLOT_COUNTER) value = facts->counter;
        else if (c == FL_SLOT_CODE) value = facts->code;
        else slot = 0;
        size_t need = slot ? decimal_length(value) : 1;
        if (used + need > size) {
            write_all(fd, out, used);
            used = 0;
        }
        if (slot) {
            put_decimal(out + used, value, need);
        } else {
            out[used] = (char)c;
        }
        used += need;
    }
    if (used > 0) write_all(fd, out, used);
}

/// The longest a line gets once its slots are filled in (20 digits each).
static size_t filled_length_bound(const char *line, size_t length) {
    size_t bound = 0;
    for (size_t i = 0; i < length; i++) {
        unsigned char c = (unsigned char)line[i];
        bound += c == FL_SLOT_PID || c == FL_SLOT_TID || c == FL_SLOT_ELAPSED_NS || c == FL_SLOT_COUNTER
                         || c == FL_SLOT_CODE ? 20 : 1;
    }
    return bound;
}

/// A long line gets a 4 KiB buffer in a frame of its own, so that the
/// usual short line does not take the child's stack onto a new page.
__attribute__((noinline)) static void write_long_line(const char *line, size_t length, int fd,
                                                      const struct child_facts *facts) {
    char out[4096];
    fill_and_write(line, length, fd, facts, out, sizeof out);
}

/// Writes `line` with its FL_SLOT_* bytes filled in, in one write(2) when
/// it fits 4 KiB; nothing when empty.
static void child_write_line(const char *line, size_t length, int fd, const struct child_facts *facts) {
    if (length == 0) return;
    char out[256];
    if (filled_length_bound(line, length) > sizeof out) {
        write_long_line(line, length, fd, facts);
        return;
    }
    fill_and_write(line, length, fd, facts, out, sizeof out);
}

/// Records an event of the child's own in slot `index` of the shared log,
/// which the parent claimed for it before the fork: the child then writes
/// only the slot's page, not the page of the log's counters.
static void child_record(struct fl_log *log, uint64_t index, uint16_t kind, const struct child_facts *facts,
                         int a, int b) {
    struct fl_event event = {
        .time = facts->elapsed, .pid = facts->pid, .tid = facts->pid, .kind = kind, .a = a, .b = b};
    fl_log_put(log, index, &event);
}

/// A stdio stream as the child of `fork N buffered` has it: a buffer on
/// the child's stack, the descriptor, and when it is flushed.
struct child_stdio {
    char *bytes;
    size_t size;
    size_t used;
    int fd;
    int line_buffered;
};

static void stdio_flush(struct child_stdio *out) {
    if (out->used > 0) write_all(out->fd, out->bytes, out->used);
    out->used = 0;
}

/// Adds one byte as stdio's putc does: a full buffer is written first;
/// a line-buffered stream is written at each newline.
static void stdio_put(struct child_stdio *out, char c) {
    if (out->used == out->size) stdio_flush(out);
    out->bytes[out->used++] = c;
    if (c == '\n' && out->line_buffered) stdio_flush(out);
}

/// "Prints" `line` with its FL_SLOT_* bytes filled in, into the buffer.
static void stdio_print(struct child_stdio *out, const char *line, size_t length, const struct child_facts *facts) {
    for (size_t i = 0; i < length; i++) {
        unsigned char c = (unsigned char)line[i];
        int64_t value;
        if (c == FL_SLOT_PID || c == FL_SLOT_TID) value = facts->pid;
        else if (c == FL_SLOT_ELAPSED_NS) value = (int64_t)(facts->elapsed & INT64_MAX);
        else if (c == FL_SLOT_COUNTER) value = facts->counter;
        else if (c == FL_SLOT_CODE) value = facts->code;
        else {
            stdio_put(out, (char)c);
            continue;
        }
        char digits[20];
        size_t n = decimal_length(value);
        put_decimal(digits, value, n);
        for (size_t d = 0; d < n; d++) stdio_put(out, digits[d]);
    }
}

/// How many lines (a last one without its newline included) are in `used`
/// bytes of `bytes`.
static int unflushed_lines(const char *bytes, size_t used) {
    int lines = 0;
    for (size_t i = 0; i < used; i++) lines += bytes[i] == '\n';
    if (used > 0 && bytes[used - 1] != '\n') lines++;
    return lines;
}

/// The child of `fork N buffered`: prints its lines into a stdio-like
/// buffer of its own and leaves with _exit, which, unlike exit, flushes
/// nothing: what stdio would not have written yet is lost, as the book's
/// child loses its print through a pipe. The child then records, in its
/// line's slot, how many lines it lost. In a frame of its own, so that the
/// plain child's stack stays on the pages it has.
__attribute__((noinline, noreturn)) static void buffered_child(const struct fl_child_plan *plan, int counter,
                                                               int code) {
    char buffer[FL_CHILD_BUFFER_MAX];
    struct child_stdio out = {
        .bytes = buffer,
        .size = plan->buffer_size < sizeof buffer ? plan->buffer_size : sizeof buffer,
        .fd = plan->out_fd,
        .line_buffered = plan->line_buffered,
    };
    struct child_facts printed = child_facts(plan->start_ns, counter, code);
    child_record(plan->log, plan->log_index, FL_EVENT_CHILD_PRINTED, &printed, counter, plan->counter != NULL);
    stdio_print(&out, plan->line, plan->line_length, &printed);
    struct child_facts exiting = child_facts(plan->start_ns, counter, code);
    child_record(plan->log, plan->log_index + 1, FL_EVENT_EXIT, &exiting, code, 0);
    stdio_print(&out, plan->exit_line, plan->exit_line_length, &exiting);
    if (out.used > 0) {
        struct fl_event event = {.time = printed.elapsed, .pid = printed.pid, .tid = printed.pid,
                                 .kind = FL_EVENT_CHILD_PRINTED, .a = counter, .b = plan->counter != NULL,
                                 .c = unflushed_lines(out.bytes, out.used)};
        fl_log_put(plan->log, plan->log_index, &event);
    }
    child_exit(code);  // _exit: the buffer is not flushed
}

pid_t fl_fork_blocked(sigset_t *saved) {
    sigset_t all;
    sigfillset(&all);
    fflush(NULL);  // nothing buffered may be copied into the child
    if (sigprocmask(SIG_SETMASK, &all, saved) != 0) return -2;
    return fork();
}

pid_t fl_fork_restore_mask(pid_t pid, const sigset_t *saved) {
    if (pid == -2) return -1;
    // errno is kept only when fork failed: writing it otherwise would cost
    // the parent a page fault on its thread's page after every fork.
    if (pid >= 0) {
        (void)sigprocmask(SIG_SETMASK, saved, NULL);
        return pid;
    }
    int e = errno;
    (void)sigprocmask(SIG_SETMASK, saved, NULL);
    errno = e;
    return pid;
}

pid_t fl_fork_child(const struct fl_child_plan *plan) {
    sigset_t saved;
    pid_t pid = fl_fork_blocked(&saved);
    if (pid == 0) {
        fl_child_reset_signals();
        int code = plan->exit_code;
        int counter = 0;
        if (plan->counter != NULL) {
            *plan->counter += 1;  // the child's own copy: the parent's stays as it was
            counter = *plan->counter;
            code = counter;
        }
        if (plan->buffer_size > 0) buffered_child(plan, counter, code);
        struct child_facts facts = child_facts(plan->start_ns, counter, code);
        child_record(plan->log, plan->log_index, FL_EVENT_CHILD_PRINTED, &facts, counter, plan->counter != NULL);
        child_write_line(plan->line, plan->line_length, plan->out_fd, &facts);
        // Read the clock again: the exit comes after the line is out.
        facts = child_facts(plan->start_ns, counter, code);
        child_record(plan->log, plan->log_index + 1, FL_EVENT_EXIT, &facts, code, 0);
        child_write_line(plan->exit_line, plan->exit_line_length, plan->out_fd, &facts);
        child_exit(code);
    }
    return fl_fork_restore_mask(pid, &saved);
}

/// Makes `fd` descriptor `target` (without close-on-exec), retrying EINTR.
/// dup3 rather than dup2, which arm64 does not have: the two differ only
/// when fd is target, which callers rule out.
static void child_move(int fd, int target) {
    while (fl_inline_syscall(SYS_dup3, fd, target, 0, 0) == -EINTR) {}
}

/// execve; returns only when it failed, with the error number.
static int child_execve(const char *path, char *const argv[], char *const envp[]) {
    return (int)-fl_inline_syscall(SYS_execve, (long)path, (long)argv, (long)envp, 0);
}

/// Runs the plan's candidates in turn as glibc's execvp searches PATH
/// (posix/execvpe.c), and returns the error to report when none ran.
static int exec_candidates(const struct fl_exec_plan *plan, char *const envp[]) {
    int error = ENOENT;  // no candidate at all: nothing to run
    int denied = 0;
    for (size_t i = 0; i < plan->candidate_count; i++) {
        const char *path = plan->candidates[i];
        error = child_execve(path, plan->argv, envp);
        if (error == ENOEXEC) {
            // Not a format the kernel runs (a script without #!): the shell
            // runs it, given the path and the arguments after argv[0]. The
            // two slots are the child's own copy of the parent's memory.
            plan->script_argv[0] = (char *)"/bin/sh";
            plan->script_argv[1] = (char *)path;
            error = child_execve("/bin/sh", plan->script_argv, envp);
        }
        switch (error) {
        case EACCES:
            denied = 1;  // found but not runnable: said if nothing later runs
            break;
        case ENOENT:
        case ENOTDIR:
        case ESTALE:
        case ENODEV:
        case ETIMEDOUT:
            break;  // not there (or a file system that says so oddly): next
        default:
            return error;  // there, but it cannot run: the search ends
        }
    }
    return denied ? EACCES : error;
}

pid_t fl_fork_exec(const struct fl_exec_plan *plan) {
    char *const *envp = environ;  // read by the parent: the child reads nothing global
    sigset_t saved;
    pid_t pid = fl_fork_blocked(&saved);
    if (pid == 0) {
        fl_child_reset_signals();
        // The new descriptors 0 and 1 are without close-on-exec.
        if (plan->stdin_fd >= 0 && plan->stdin_fd != STDIN_FILENO) child_move(plan->stdin_fd, STDIN_FILENO);
        if (plan->inherit_fd >= 0) fl_inline_syscall(SYS_fcntl, plan->inherit_fd, F_SETFD, 0, 0);
        if (plan->death_signal != 0) fl_inline_syscall(SYS_prctl, PR_SET_PDEATHSIG, plan->death_signal, 0, 0);
        struct child_facts facts = child_facts(plan->start_ns, 0, 0);
        child_record(plan->log, plan->log_index, FL_EVENT_EXEC, &facts, 0, 0);
        child_write_line(plan->exec_line, plan->exec_line_length, plan->out_fd, &facts);
        int out_fd = plan->out_fd;
        if (plan->stdout_fd >= 0 && plan->stdout_fd != STDOUT_FILENO) {
            // Keep the trace's descriptor for the exit line, close-on-exec so
            // that the program does not get it.
            if (out_fd == STDOUT_FILENO) {
                out_fd = (int)fl_inline_syscall(SYS_fcntl, STDOUT_FILENO, F_DUPFD_CLOEXEC, 3, 0);
            }
            child_move(plan->stdout_fd, STDOUT_FILENO);
        }
        int error = exec_candidates(plan, envp);
        // EACCES too: the search reports it when a PATH folder cannot be
        // searched, though the program may still be in the fallback folder.
        if ((error == ENOENT || error == EACCES) && plan->fallback_path != NULL) {
            int fallback = child_execve(plan->fallback_path, plan->argv, envp);
            if (fallback != ENOENT) error = fallback;
        }
        write_all(plan->status_fd, (const char *)&error, sizeof error);
        int code = error == ENOENT || error == ENOTDIR ? 127 : 126;
        facts = child_facts(plan->start_ns, 0, code);
        child_record(plan->log, plan->log_index + 1, FL_EVENT_EXIT, &facts, code, 0);
        if (out_fd >= 0) child_write_line(plan->exit_line, plan->exit_line_length, out_fd, &facts);
        child_exit(code);
    }
    return fl_fork_restore_mask(pid, &saved);
}
