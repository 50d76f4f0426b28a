#define _GNU_SOURCE
#include "test_support.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pty.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

static void move_to(int from, int to) {
    if (from == to) {
        int flags = fcntl(to, F_GETFD);
        if (flags >= 0) fcntl(to, F_SETFD, flags & ~FD_CLOEXEC);
    } else {
        dup2(from, to);
    }
}

pid_t ts_spawn(const struct ts_spawn_options *o) {
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null < 0) return -1;
    sigset_t all, saved;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &saved);
    pid_t pid = fork();
    if (pid == 0) {
        struct sigaction dfl;
        memset(&dfl, 0, sizeof dfl);
        dfl.sa_handler = SIG_DFL;
        for (int s = 1; s < NSIG; s++) sigaction(s, &dfl, NULL);
        if (o->terminal_fd >= 0) {
            setsid();
            ioctl(o->terminal_fd, TIOCSCTTY, 0);
            dup2(o->terminal_fd, 0);
            dup2(o->terminal_fd, 1);
            dup2(o->terminal_fd, 2);
            // `forklab | tee log` at a terminal: stdout elsewhere.
            if (o->stdout_fd >= 0) dup2(o->stdout_fd, 1);
        } else {
            // Through fresh numbers first, in case a source is 0, 1 or 2.
            int in = fcntl(o->stdin_fd >= 0 ? o->stdin_fd : null, F_DUPFD_CLOEXEC, 10);
            int out = fcntl(o->stdout_fd >= 0 ? o->stdout_fd : null, F_DUPFD_CLOEXEC, 10);
            int err = fcntl(o->stderr_fd >= 0 ? o->stderr_fd : null, F_DUPFD_CLOEXEC, 10);
            move_to(in, 0);
            move_to(out, 1);
            move_to(err, 2);
        }
        for (int fd = 0; fd < 3; fd++) {
            if (o->closed_standard & (1 << fd)) close(fd);
        }
        int leak = o->leak_fd >= 0 ? fcntl(o->leak_fd, F_DUPFD_CLOEXEC, 10) : -1;
        syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC);
        if (leak >= 0) dup2(leak, 9);
        if (o->process_limit > 0) {
            struct rlimit limit = {(rlim_t)o->process_limit, (rlim_t)o->process_limit};
            setrlimit(RLIMIT_NPROC, &limit);
        }
        if (o->descriptor_limit > 0) {
            struct rlimit limit = {(rlim_t)o->descriptor_limit, (rlim_t)o->descriptor_limit};
            setrlimit(RLIMIT_NOFILE, &limit);
        }
        if (o->uid != (uid_t)-1) {
            if (setgroups(0, NULL) != 0 || setgid(o->gid) != 0 || setuid(o->uid) != 0) _exit(125);
        }
        sigset_t none;
        sigemptyset(&none);
        if (o->odd_signals) {
            struct sigaction ignore;
            memset(&ignore, 0, sizeof ignore);
            ignore.sa_handler = SIG_IGN;
            sigaction(SIGINT, &ignore, NULL);
            sigaction(SIGHUP, &ignore, NULL);
            sigaddset(&none, SIGQUIT);
            sigaddset(&none, SIGCHLD);  // forklab must not wait for ever on this
            sigaddset(&none, SIGTERM);
        }
        sigprocmask(SIG_SETMASK, &none, NULL);
        execve(o->path, o->argv, o->envp);
        _exit(127);
    }
    int e = errno;
    pthread_sigmask(SIG_SETMASK, &saved, NULL);
    close(null);
    errno = e;
    return pid;
}

int ts_open_pty(int *master, int *slave) {
    struct winsize size = {.ws_row = 24, .ws_col = 80};
    if (openpty(master, slave, NULL, NULL, &size) != 0) return -1;
    fcntl(*master, F_SETFD, FD_CLOEXEC);
    fcntl(*slave, F_SETFD, FD_CLOEXEC);
    return 0;
}

int ts_become_subreaper(void) { return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); }

int ts_errno(void) { return errno; }
