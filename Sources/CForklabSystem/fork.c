#define _GNU_SOURCE
#include "forklab_system.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

// Everything from here to the end of each child branch runs in a child
// between fork and exec/_exit: only async-signal-safe calls, no malloc, no
// stdio, no locks.

void fl_child_reset_signals(void) {
    for (int signo = 1; signo <= 64; signo++) {
        if (fl_reset_mask & ((uint64_t)1 << (signo - 1))) (void)fl_raw_set_default(signo);
    }
    sigset_t none;
    sigemptyset(&none);
    (void)sigprocmask(SIG_SETMASK, &none, NULL);
}

static void write_all(int fd, const char *bytes, size_t length) {
    while (length > 0) {
        ssize_t n = write(fd, bytes, length);
        if (n < 0) {
            if (errno == EINTR) continue;
            return;  // EPIPE and friends: the parent notices on its own writes
        }
        bytes += n;
        length -= (size_t)n;
    }
}

/// Decimal digits of `value` at the end of `buffer`; returns the first digit.
static char *format_unsigned(uint64_t value, char *end) {
    char *p = end;
    do {
        *--p = (char)('0' + value % 10);
        value /= 10;
    } while (value != 0);
    return p;
}

static char *format_signed(int64_t value, char *end) {
    if (value >= 0) return format_unsigned((uint64_t)value, end);
    char *p = format_unsigned((uint64_t)(-(value + 1)) + 1, end);
    *--p = '-';
    return p;
}

/// What a child knows about itself when it writes an event.
struct child_facts {
    pid_t pid;
    uint64_t elapsed;
    int counter;
    int code;
};

static struct child_facts child_facts(uint64_t start_ns, int counter, int code) {
    struct child_facts facts = {getpid(), 0, counter, code};
    struct timespec now;
    if (clock_gettime(CLOCK_MONOTONIC, &now) == 0) {
        uint64_t ns = (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
        facts.elapsed = ns > start_ns ? ns - start_ns : 0;
    }
    return facts;
}

/// Writes `line` with its FL_SLOT_* bytes filled in; nothing when empty.
static void child_write_line(const char *line, size_t length, int fd, const struct child_facts *facts) {
    char out[4096];
    size_t used = 0;
    for (size_t i = 0; i < length; i++) {
        char digits[24];
        char *end = digits + sizeof digits;
        char *first = NULL;
        unsigned char c = (unsigned char)line[i];
        if (c == FL_SLOT_PID || c == FL_SLOT_TID) first = format_signed(facts->pid, end);
        else if (c == FL_SLOT_ELAPSED_NS) first = format_unsigned(facts->elapsed, end);
        else if (c == FL_SLOT_COUNTER) first = format_signed(facts->counter, end);
        else if (c == FL_SLOT_CODE) first = format_signed(facts->code, end);
        size_t need = first ? (size_t)(end - first) : 1;
        if (used + need > sizeof out) {
            write_all(fd, out, used);
            used = 0;
        }
        if (first) {
            memcpy(out + used, first, need);
        } else {
            out[used] = (char)c;
        }
        used += need;
    }
    if (used > 0) write_all(fd, out, used);
}

/// Records an event of the child's own in the shared log.
static void child_record(struct fl_log *log, uint16_t kind, const struct child_facts *facts, int a, int b) {
    struct fl_event event = {
        .time = facts->elapsed, .pid = facts->pid, .tid = facts->pid, .kind = kind, .a = a, .b = b};
    fl_log_add(log, &event);
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
        struct child_facts facts = child_facts(plan->start_ns, counter, code);
        child_record(plan->log, FL_EVENT_CHILD_PRINTED, &facts, counter, plan->counter != NULL);
        child_write_line(plan->line, plan->line_length, plan->out_fd, &facts);
        // Read the clock again: the exit comes after the line is out.
        facts = child_facts(plan->start_ns, counter, code);
        child_record(plan->log, FL_EVENT_EXIT, &facts, code, 0);
        child_write_line(plan->exit_line, plan->exit_line_length, plan->out_fd, &facts);
        _exit(code);
    }
    return fl_fork_restore_mask(pid, &saved);
}

pid_t fl_fork_exec(const struct fl_exec_plan *plan) {
    sigset_t saved;
    pid_t pid = fl_fork_blocked(&saved);
    if (pid == 0) {
        fl_child_reset_signals();
        if (plan->stdin_fd >= 0 && plan->stdin_fd != STDIN_FILENO) {
            // dup2 leaves the new descriptor 0 without close-on-exec.
            while (dup2(plan->stdin_fd, STDIN_FILENO) < 0 && errno == EINTR) {}
        }
        struct child_facts facts = child_facts(plan->start_ns, 0, 0);
        child_record(plan->log, FL_EVENT_EXEC, &facts, 0, 0);
        child_write_line(plan->exec_line, plan->exec_line_length, plan->out_fd, &facts);
        int out_fd = plan->out_fd;
        if (plan->stdout_fd >= 0 && plan->stdout_fd != STDOUT_FILENO) {
            // Keep the trace's descriptor for the exit line, close-on-exec so
            // that the program does not get it.
            if (out_fd == STDOUT_FILENO) out_fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
            while (dup2(plan->stdout_fd, STDOUT_FILENO) < 0 && errno == EINTR) {}
        }
        execvp(plan->file, plan->argv);
        int error = errno;
        // EACCES too: execvp reports it when a PATH folder cannot be searched,
        // though the program may still be in the fallback folder.
        if ((error == ENOENT || error == EACCES) && plan->fallback_path != NULL) {
            execv(plan->fallback_path, plan->argv);
            if (errno != ENOENT) error = errno;
        }
        write_all(plan->status_fd, (const char *)&error, sizeof error);
        int code = error == ENOENT || error == ENOTDIR ? 127 : 126;
        facts = child_facts(plan->start_ns, 0, code);
        child_record(plan->log, FL_EVENT_EXIT, &facts, code, 0);
        if (out_fd >= 0) child_write_line(plan->exit_line, plan->exit_line_length, out_fd, &facts);
        _exit(code);
    }
    return fl_fork_restore_mask(pid, &saved);
}
