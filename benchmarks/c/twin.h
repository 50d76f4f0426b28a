// What the C twins share: the clock, whole writes, decimal formatting, the
// summary lines' number rules (those of forklab's BookText), the signal
// reset a child does before exec or _exit, the console the threads write
// through, and the start gate. Header only, so that each twin builds with
// one `cc -std=c11 -O2 -pthread TWIN.c`.
//
// A twin makes the system calls forklab makes for its experiment and prints
// its lines; it leaves out what forklab adds for a REPL's sake (Ctrl-C, the
// self-pipe, the event record), so the pair shows what that costs.
#ifndef FORKLAB_TWIN_H
#define FORKLAB_TWIN_H

#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/// forklab's limits (docs/commands.md, *Limits and refusals*).
#define TWIN_MAX_PROCESSES 10000
#define TWIN_MAX_COUNT 1000000
#define TWIN_MAX_PEERS 1000
#define TWIN_MAX_MESSAGES 10000000

// ---- small things ------------------------------------------------------

static const char *twin_name __attribute__((unused)) = "twin";

static inline void twin_die(int status, const char *format, ...) {
    va_list args;
    va_start(args, format);
    fprintf(stderr, "%s: ", twin_name);
    vfprintf(stderr, format, args);
    fputc('\n', stderr);
    va_end(args);
    exit(status);
}

/// CLOCK_MONOTONIC in nanoseconds, as forklab's System.now().
static inline uint64_t twin_now(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

/// A plain decimal in 1…max, or the program stops with forklab's message.
static inline long twin_number(const char *what, const char *word, long max) {
    char *end = NULL;
    errno = 0;
    long value = strtol(word, &end, 10);
    if (errno != 0 || end == word || *end != '\0' || value < 1 || value > max) {
        twin_die(2, "%s must be 1…%ld, got %s", what, max, word);
    }
    return value;
}

/// write(2) until every byte is out; false when the output failed.
/// Async-signal-safe: children call it between fork and _exit.
static inline int twin_write_all(int fd, const char *bytes, size_t length) {
    while (length > 0) {
        ssize_t n = write(fd, bytes, length);
        if (n < 0) {
            if (errno == EINTR) continue;
            return 0;
        }
        bytes += n;
        length -= (size_t)n;
    }
    return 1;
}

/// A line being put together in a fixed buffer, with no allocation and no
/// stdio, so that a child may build one between fork and _exit.
struct twin_line {
    char bytes[256];
    size_t used;
};

static inline void line_text(struct twin_line *line, const char *text) {
    size_t length = strlen(text);
    if (length > sizeof line->bytes - line->used) length = sizeof line->bytes - line->used;
    memcpy(line->bytes + line->used, text, length);
    line->used += length;
}

static inline void line_number(struct twin_line *line, long long value) {
    char digits[24];
    char *p = digits + sizeof digits;
    unsigned long long magnitude = value < 0 ? 0ull - (unsigned long long)value : (unsigned long long)value;
    do {
        *--p = (char)('0' + magnitude % 10);
        magnitude /= 10;
    } while (magnitude != 0);
    if (value < 0) *--p = '-';
    size_t length = (size_t)(digits + sizeof digits - p);
    if (length > sizeof line->bytes - line->used) return;
    memcpy(line->bytes + line->used, p, length);
    line->used += length;
}

/// Writes the line with one write(2).
static inline int line_write(const struct twin_line *line, int fd) { return twin_write_all(fd, line->bytes, line->used); }

// ---- the summary's numbers, by BookText's rules -------------------------

/// Swift's `.rounded()`: half away from zero.
static inline long long twin_round(double value) { return value < 0 ? -(long long)(0.5 - value) : (long long)(value + 0.5); }

/// `12.3`: one decimal.
static inline void one_decimal(char *out, size_t size, double value) {
    long long tenths = twin_round(value * 10);
    snprintf(out, size, "%lld.%lld", tenths / 10, tenths % 10);
}

/// `; 312 µs per fork+wait`: a decimal only below 100 µs; below 1 µs in
/// nanoseconds (`; 8.4 ns per increment`). Empty for no operations.
static inline void twin_cost(char *out, size_t size, uint64_t elapsed, long operations, const char *name) {
    out[0] = '\0';
    if (operations <= 0) return;
    double ns = (double)elapsed / (double)operations;
    char shown[32];
    if (ns < 999.5) {
        if (ns < 99.95) one_decimal(shown, sizeof shown, ns);
        else snprintf(shown, sizeof shown, "%lld", twin_round(ns));
        snprintf(out, size, "; %s ns per %s", shown, name);
        return;
    }
    long long tenths = twin_round(ns / 100);
    if (tenths >= 1000) snprintf(shown, sizeof shown, "%lld", twin_round(ns / 1000));
    else snprintf(shown, sizeof shown, "%lld.%lld", tenths / 10, tenths % 10);
    snprintf(out, size, "; %s µs per %s", shown, name);
}

/// `; 1.9 M msgs/s`: how many a second, with k or M. Empty when nothing
/// was done or no time was measured.
static inline void twin_rate(char *out, size_t size, long done, uint64_t elapsed, const char *unit) {
    out[0] = '\0';
    if (done <= 0 || elapsed == 0) return;
    double per_second = (double)done * 1e9 / (double)elapsed;
    char shown[32];
    if (per_second >= 1e6) {
        one_decimal(shown, sizeof shown, per_second / 1e6);
        snprintf(out, size, "; %s M %s/s", shown, unit);
    } else if (per_second >= 1e3) {
        one_decimal(shown, sizeof shown, per_second / 1e3);
        snprintf(out, size, "; %s k %s/s", shown, unit);
    } else {
        snprintf(out, size, "; %lld %s/s", twin_round(per_second), unit);
    }
}

/// The second of two costs joins the first with `, ` rather than `; `.
static inline void as_second(char *cost) {
    if (cost[0] == ';') cost[0] = ',';
}

static inline const char *plural(long n, const char *one, const char *many) { return n == 1 ? one : many; }

/// Writes the summary line, `# ` and all, with one write(2).
static inline void twin_summary(const char *format, ...) {
    char text[1024];
    va_list args;
    va_start(args, format);
    int length = vsnprintf(text, sizeof text - 1, format, args);
    va_end(args);
    if (length < 0) return;
    if ((size_t)length > sizeof text - 2) length = (int)sizeof text - 2;
    text[length] = '\n';
    twin_write_all(STDOUT_FILENO, text, (size_t)length + 1);
}

// ---- processes: signals across fork, as forklab's fork.c ---------------

/// The kernel's struct sigaction: the raw call takes signals 32 and 33 too,
/// which glibc's sigaction refuses.
struct twin_kernel_sigaction {
    void (*handler)(int);
    unsigned long flags;
    void (*restorer)(void);
    uint64_t mask;
};

/// Bit (signo - 1): a signal this process found not at SIG_DFL.
static uint64_t twin_reset_mask __attribute__((unused));

/// Notes every signal not at its default (what our parent ignored, say), as
/// forklab does at start-up, so that children put each one back.
static inline void twin_note_signals(void) {
    for (int signo = 1; signo <= 64; signo++) {
        if (signo == SIGKILL || signo == SIGSTOP) continue;
        struct twin_kernel_sigaction current;
        memset(&current, 0, sizeof current);
        if (syscall(SYS_rt_sigaction, signo, NULL, &current, sizeof current.mask) != 0) continue;
        if (current.handler != SIG_DFL) twin_reset_mask |= (uint64_t)1 << (signo - 1);
    }
}

/// In a child: every noted signal back to SIG_DFL, and an empty mask.
static inline void twin_child_reset_signals(void) {
    for (int signo = 1; signo <= 64; signo++) {
        if (!(twin_reset_mask & ((uint64_t)1 << (signo - 1)))) continue;
        struct twin_kernel_sigaction action;
        memset(&action, 0, sizeof action);
        action.handler = SIG_DFL;
        (void)syscall(SYS_rt_sigaction, signo, &action, NULL, sizeof action.mask);
    }
    sigset_t none;
    sigemptyset(&none);
    (void)sigprocmask(SIG_SETMASK, &none, NULL);
}

/// fork(2) with every signal blocked across it (no handler may run in the
/// child before it has reset them) and stdio flushed (nothing buffered may
/// be copied). The parent's mask is back when this returns in the parent.
static inline pid_t twin_fork(void) {
    sigset_t all, saved;
    sigfillset(&all);
    fflush(NULL);
    if (sigprocmask(SIG_SETMASK, &all, &saved) != 0) return -1;
    pid_t pid = fork();
    if (pid != 0) {
        int error = errno;
        (void)sigprocmask(SIG_SETMASK, &saved, NULL);
        errno = error;
    }
    return pid;
}

/// waitpid(2), retrying EINTR.
static inline pid_t twin_waitpid(pid_t pid, int *status, int options) {
    pid_t result;
    do {
        result = waitpid(pid, status, options);
    } while (result < 0 && errno == EINTR);
    return result;
}

/// ` (killed by SIGKILL)`, ` (killed by SIGSEGV, core dumped)`, or nothing,
/// after `Parent got PID STATUS CODE`.
static inline void line_signal_note(struct twin_line *line, int status) {
    if (!WIFSIGNALED(status)) return;
    int signo = WTERMSIG(status);
    const char *abbreviation = sigabbrev_np(signo);
    line_text(line, " (killed by ");
    if (abbreviation != NULL && signo < SIGRTMIN) {
        line_text(line, "SIG");
        line_text(line, abbreviation);
    } else {
        line_text(line, "signal ");
        line_number(line, signo);
    }
    if (WCOREDUMP(status)) line_text(line, ", core dumped");
    line_text(line, ")");
}

/// `Parent got PID STATUS CODE`, as the book prints it (CODE is STATUS >> 8).
static inline void twin_parent_got(pid_t pid, int status) {
    struct twin_line line = {.used = 0};
    line_text(&line, "Parent got ");
    line_number(&line, pid);
    line_text(&line, " ");
    line_number(&line, status);
    line_text(&line, " ");
    line_number(&line, status >> 8);
    line_signal_note(&line, status);
    line_text(&line, "\n");
    line_write(&line, STDOUT_FILENO);
}

// ---- threads: the console and the start gate ----------------------------

/// How much of the threads' output the console gathers before it writes
/// (-DTWIN_CONSOLE_BUFFER=1 makes it write every line at once, as forklab
/// did before it gathered lines).
#ifndef TWIN_CONSOLE_BUFFER
#define TWIN_CONSOLE_BUFFER (64 * 1024)
#endif

/// stdout as the threads share it. Locked: one mutex; whole lines gathered
/// in a buffer under it (in the order threads took it) and written when the
/// next would not fit, at every line when stdout is a terminal, and at the
/// end. Unlocked: no mutex, no buffer, and each line written as Python's
/// print writes it, the text and then the newline, so that lines can tear.
struct twin_console {
    pthread_mutex_t mutex;
    int fd;
    int locked;
    int terminal;
    size_t used;
    char buffer[TWIN_CONSOLE_BUFFER];
};

/// A mutex that spins a little before it sleeps in futex(2), as forklab's
/// console and queue mutexes are (PTHREAD_MUTEX_ADAPTIVE_NP).
static inline void twin_adaptive_mutex(pthread_mutex_t *mutex) {
    pthread_mutexattr_t attributes;
    pthread_mutexattr_init(&attributes);
    pthread_mutexattr_settype(&attributes, PTHREAD_MUTEX_ADAPTIVE_NP);
    pthread_mutex_init(mutex, &attributes);
    pthread_mutexattr_destroy(&attributes);
}

static inline void console_init(struct twin_console *console, int fd, int locked) {
    twin_adaptive_mutex(&console->mutex);
    console->fd = fd;
    console->locked = locked;
    console->terminal = isatty(fd);
    console->used = 0;
}

/// Writes what is gathered; call with the mutex held (or no thread left).
static inline void console_drain(struct twin_console *console) {
    if (console->used > 0) twin_write_all(console->fd, console->buffer, console->used);
    console->used = 0;
}

/// One line, ending in a newline, from any thread.
static inline void console_line(struct twin_console *console, const char *bytes, size_t length) {
    if (!console->locked) {
        twin_write_all(console->fd, bytes, length - 1);
        twin_write_all(console->fd, "\n", 1);
        return;
    }
    pthread_mutex_lock(&console->mutex);
    if (console->used + length > sizeof console->buffer) console_drain(console);
    if (length > sizeof console->buffer) {
        twin_write_all(console->fd, bytes, length);
    } else {
        memcpy(console->buffer + console->used, bytes, length);
        console->used += length;
        if (console->terminal) console_drain(console);
    }
    pthread_mutex_unlock(&console->mutex);
}

/// The end of the command: whatever is gathered goes out.
static inline void console_finish(struct twin_console *console) {
    pthread_mutex_lock(&console->mutex);
    console_drain(console);
    pthread_mutex_unlock(&console->mutex);
}

/// Holds threads until every one is created, so that they run at once.
struct twin_gate {
    pthread_mutex_t mutex;
    pthread_cond_t opened;
    int open;
};

static inline void gate_init(struct twin_gate *gate) {
    pthread_mutex_init(&gate->mutex, NULL);
    pthread_cond_init(&gate->opened, NULL);
    gate->open = 0;
}

static inline void gate_wait(struct twin_gate *gate) {
    pthread_mutex_lock(&gate->mutex);
    while (!gate->open) pthread_cond_wait(&gate->opened, &gate->mutex);
    pthread_mutex_unlock(&gate->mutex);
}

static inline void gate_open(struct twin_gate *gate) {
    pthread_mutex_lock(&gate->mutex);
    gate->open = 1;
    pthread_mutex_unlock(&gate->mutex);
    pthread_cond_broadcast(&gate->opened);
}

/// Thread attributes as forklab's: a 1 MiB stack with a guard page.
static inline void twin_thread_attributes(pthread_attr_t *attributes) {
    pthread_attr_init(attributes);
    pthread_attr_setstacksize(attributes, 1 << 20);
}

/// Blocks every signal in the main thread while it creates threads, which
/// inherit the mask, as forklab keeps signals for its main thread; returns
/// the mask to put back.
static inline sigset_t twin_block_for_workers(void) {
    sigset_t workers, saved;
    sigfillset(&workers);
    // A fault in a thread must still report itself.
    static const int faults[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGSYS, SIGABRT};
    for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++) sigdelset(&workers, faults[i]);
    pthread_sigmask(SIG_SETMASK, &workers, &saved);
    return saved;
}

#endif
