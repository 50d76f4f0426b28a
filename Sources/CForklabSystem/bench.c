#define _GNU_SOURCE
#include "forklab_system.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"

// The primitives `bench` times, one operation per call: each returns the
// nanoseconds it took, or -errno. The children here do nothing between fork
// and exec/_exit but reset their signals: only async-signal-safe calls.

/// Reaps `pid`, retrying EINTR: the child is about to end on its own (it
/// exits at once, or runs /bin/true), and a Ctrl-C at the terminal ends it too.
static int reap(pid_t pid, int *status) {
    while (waitpid(pid, status, 0) < 0) {
        if (errno != EINTR) return -errno;
    }
    return 0;
}

int64_t fl_bench_fork(int *status) {
    uint64_t start = fl_monotonic_ns();
    sigset_t saved;
    pid_t pid = fl_fork_blocked(&saved);
    if (pid == 0) _exit(0);
    pid = fl_fork_restore_mask(pid, &saved);
    if (pid < 0) return -errno;
    int failed = reap(pid, status);
    if (failed) return failed;
    return (int64_t)(fl_monotonic_ns() - start);
}

/// posix_spawn's form of what fl_child_reset_signals does.
static int spawn_attributes(posix_spawnattr_t *attributes) {
    int error = posix_spawnattr_init(attributes);
    if (error) return error;
    sigset_t defaults, none;
    sigemptyset(&defaults);
    sigemptyset(&none);
    for (int signo = 1; signo <= 64; signo++) {
        // sigaddset refuses glibc's own 32 and 33, which posix_spawn resets anyway.
        if (fl_reset_mask & ((uint64_t)1 << (signo - 1))) (void)sigaddset(&defaults, signo);
    }
    error = posix_spawnattr_setsigdefault(attributes, &defaults);
    if (!error) error = posix_spawnattr_setsigmask(attributes, &none);
    if (!error) error = posix_spawnattr_setflags(attributes, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    if (error) posix_spawnattr_destroy(attributes);
    return error;
}

int64_t fl_bench_spawn(const struct fl_bench_spawn_plan *plan, int *status) {
    uint64_t start = fl_monotonic_ns();
    pid_t pid;
    if (plan->how == FL_BENCH_POSIX_SPAWN) {
        posix_spawnattr_t attributes;
        int error = spawn_attributes(&attributes);
        if (!error) {
            error = posix_spawn(&pid, plan->path, NULL, &attributes, plan->argv, plan->envp);
            posix_spawnattr_destroy(&attributes);
        }
        if (error) return -error;
    } else {
        sigset_t saved;
        if (plan->how == FL_BENCH_VFORK) {
            // The child borrows the parent's memory and stack until it execs:
            // it calls only system calls, and never returns from here.
            sigset_t all;
            sigfillset(&all);
            if (sigprocmask(SIG_SETMASK, &all, &saved) != 0) return -errno;
            pid = vfork();
        } else {
            pid = fl_fork_blocked(&saved);
        }
        if (pid == 0) {
            fl_child_reset_signals();
            execve(plan->path, plan->argv, plan->envp);
            _exit(errno == ENOENT || errno == ENOTDIR ? 127 : 126);
        }
        pid = fl_fork_restore_mask(pid, &saved);
        if (pid < 0) return -errno;
    }
    int failed = reap(pid, status);
    if (failed) return failed;
    return (int64_t)(fl_monotonic_ns() - start);
}

static void *do_nothing(void *argument) { return argument; }

int64_t fl_bench_thread(void *stack, size_t stack_size) {
    pthread_attr_t attributes;
    int error = pthread_attr_init(&attributes);
    if (error) return -error;
    // Signals are the main thread's to handle: the new thread starts with
    // every one blocked, as forklab's workers do.
    sigset_t all;
    sigfillset(&all);
    error = pthread_attr_setstack(&attributes, stack, stack_size);
    if (!error) error = pthread_attr_setsigmask_np(&attributes, &all);
    if (error) {
        pthread_attr_destroy(&attributes);
        return -error;
    }
    uint64_t start = fl_monotonic_ns();
    pthread_t thread;
    error = pthread_create(&thread, &attributes, do_nothing, NULL);
    if (!error) error = pthread_join(thread, NULL);
    uint64_t end = fl_monotonic_ns();
    pthread_attr_destroy(&attributes);
    return error ? -error : (int64_t)(end - start);
}

uint64_t fl_bench_mutex(pthread_mutex_t *mutex, uint64_t *shared, int count) {
    uint64_t start = fl_monotonic_ns();
    for (int i = 0; i < count; i++) {
        pthread_mutex_lock(mutex);
        *shared += 1;
        pthread_mutex_unlock(mutex);
    }
    return fl_monotonic_ns() - start;
}

int fl_bench_pipe_start(struct fl_pipe_partner *partner, const char **failed_call) {
    int down[2], up[2];
    *failed_call = "pipe2";
    if (pipe2(down, O_CLOEXEC) != 0) return -errno;
    if (pipe2(up, O_CLOEXEC) != 0) {
        int error = errno;
        close(down[0]);
        close(down[1]);
        return -error;
    }
    *failed_call = "fork";
    sigset_t saved;
    pid_t pid = fl_fork_blocked(&saved);
    if (pid == 0) {
        fl_child_reset_signals();
        close(down[1]);
        close(up[0]);
        char byte;
        for (;;) {
            ssize_t n = read(down[0], &byte, 1);
            if (n == 0) _exit(0);
            if (n < 0) {
                if (errno == EINTR) continue;
                _exit(1);
            }
            while ((n = write(up[1], &byte, 1)) < 0 && errno == EINTR) {}
            if (n != 1) _exit(1);
        }
    }
    pid = fl_fork_restore_mask(pid, &saved);
    int error = pid < 0 ? errno : 0;
    close(down[0]);
    close(up[1]);
    if (error) {
        close(down[1]);
        close(up[0]);
        return -error;
    }
    partner->pid = pid;
    partner->to_partner = down[1];
    partner->from_partner = up[0];
    return 0;
}

int64_t fl_bench_pipe_round_trip(const struct fl_pipe_partner *partner) {
    char byte = 'x';
    uint64_t start = fl_monotonic_ns();
    ssize_t n;
    while ((n = write(partner->to_partner, &byte, 1)) < 0 && errno == EINTR) {}
    if (n < 0) return -errno;
    while ((n = read(partner->from_partner, &byte, 1)) < 0 && errno == EINTR) {}
    if (n < 0) return -errno;
    if (n == 0) return -EPIPE;  // the partner is gone (a Ctrl-C reached it)
    return (int64_t)(fl_monotonic_ns() - start);
}

int fl_bench_pipe_stop(struct fl_pipe_partner *partner, int *status) {
    close(partner->to_partner);  // the partner reads the end and exits
    close(partner->from_partner);
    return reap(partner->pid, status);
}
