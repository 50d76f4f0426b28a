#define _GNU_SOURCE
#include "forklab_system.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"

// The processes of `tree`. Each is a copy of forklab that runs only
// tree_process below, in C, for the rest of its life: like any forked
// child it may make only async-signal-safe calls (see fork.c), and it
// never returns to Swift. It waits for orders from forklab on a socket of
// its own (SOCK_SEQPACKET: one message a record), forks or _exits when
// told, reaps the child forklab names, and reports each result. A new
// process's socket comes with the fork order (SCM_RIGHTS), so forklab needs
// no descriptor of a process before the process exists.

/// Sends one message, with `pass_fd` attached when it is not -1. Retries
/// EINTR; MSG_NOSIGNAL: a peer that is gone is an error, not a SIGPIPE.
static int send_message(int fd, int32_t kind, int32_t flags, int64_t value, int pass_fd) {
    struct fl_tree_message message = {.kind = kind, .flags = flags, .value = value};
    struct iovec part = {.iov_base = &message, .iov_len = sizeof message};
    union {
        char bytes[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    struct msghdr header = {.msg_iov = &part, .msg_iovlen = 1};
    if (pass_fd >= 0) {
        memset(&control, 0, sizeof control);
        header.msg_control = control.bytes;
        header.msg_controllen = sizeof control.bytes;
        struct cmsghdr *c = CMSG_FIRSTHDR(&header);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &pass_fd, sizeof(int));
    }
    for (;;) {
        ssize_t n = sendmsg(fd, &header, MSG_NOSIGNAL);
        if (n == (ssize_t)sizeof message) return 0;
        if (n < 0 && errno == EINTR) continue;
        if (n >= 0) errno = EMSGSIZE;
        return -1;
    }
}

/// Receives one message and the descriptor that came with it (-1 if none),
/// close-on-exec. 1: a message; 0: the peer is gone; -1 with errno set.
static int receive_message(int fd, struct fl_tree_message *out, int *passed) {
    struct iovec part = {.iov_base = out, .iov_len = sizeof *out};
    union {
        char bytes[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    struct msghdr header = {.msg_iov = &part, .msg_iovlen = 1, .msg_control = control.bytes,
                            .msg_controllen = sizeof control.bytes};
    *passed = -1;
    for (;;) {
        ssize_t n = recvmsg(fd, &header, MSG_CMSG_CLOEXEC);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return -1;
        if (n == 0) return 0;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&header); c != NULL; c = CMSG_NXTHDR(&header, c)) {
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) memcpy(passed, CMSG_DATA(c), sizeof(int));
        }
        if (n != (ssize_t)sizeof *out) {
            errno = EPROTO;
            return -1;
        }
        return 1;
    }
}

/// A process of the tree, for the rest of its life: says hello, then
/// carries out orders until told to exit (or until forklab is gone).
__attribute__((noreturn)) static void tree_process(int channel, int subreaper) {
    // Orphans below a subreaper come to it (the nearest living one), not to init.
    if (subreaper) (void)prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    if (send_message(channel, FL_TREE_HELLO, 0, getpid(), -1) != 0) _exit(1);
    for (;;) {
        struct fl_tree_message order;
        int passed;
        int got = receive_message(channel, &order, &passed);
        if (got <= 0) _exit(1);  // forklab is gone (or broke the protocol): nothing to wait for
        switch (order.kind) {
        case FL_TREE_FORK: {
            if (passed < 0) {
                (void)send_message(channel, FL_TREE_FORKED, 0, -EBADF, -1);
                break;
            }
            // _Fork, not fork: async-signal-safe, it runs no atfork handlers.
            pid_t pid = _Fork();
            if (pid == 0) {
                (void)close(channel);
                channel = passed;
                if (order.flags & FL_TREE_SUBREAPER) (void)prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
                if (send_message(channel, FL_TREE_HELLO, 0, getpid(), -1) != 0) _exit(1);
                break;
            }
            int error = errno;
            (void)close(passed);
            (void)send_message(channel, FL_TREE_FORKED, 0, pid < 0 ? -error : pid, -1);
            break;
        }
        case FL_TREE_EXIT:
            _exit(order.flags);
        case FL_TREE_REAP: {
            int status = 0;
            pid_t pid;
            do {
                pid = waitpid((pid_t)order.value, &status, 0);
            } while (pid < 0 && errno == EINTR);
            if (pid < 0) {
                (void)send_message(channel, FL_TREE_FAILED, 0, -errno, -1);
            } else {
                (void)send_message(channel, FL_TREE_REAPED, status, pid, -1);
            }
            break;
        }
        default:
            (void)send_message(channel, FL_TREE_FAILED, 0, -EINVAL, -1);
            break;
        }
        if (passed >= 0 && order.kind != FL_TREE_FORK) (void)close(passed);
    }
}

int fl_tree_channel(int *forklab_end, int *process_end) {
    int ends[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ends) != 0) return -1;
    *forklab_end = ends[0];
    *process_end = ends[1];
    return 0;
}

pid_t fl_tree_start_root(int forklab_end, int process_end) {
    sigset_t saved;
    pid_t pid = fl_fork_blocked(&saved);
    if (pid == 0) {
        fl_child_reset_signals();
        // A group of its own: one kill(-group) ends the whole tree, and a
        // terminal's Ctrl-C reaches forklab alone, which then ends it.
        (void)setpgid(0, 0);
        (void)close(forklab_end);
        tree_process(process_end, 1);
    }
    if (pid > 0) (void)setpgid(pid, pid);  // either may run first; both make the group
    return fl_fork_restore_mask(pid, &saved);
}

int fl_tree_send(int fd, int32_t kind, int32_t flags, int64_t value, int pass_fd) {
    return send_message(fd, kind, flags, value, pass_fd);
}

int fl_tree_receive(int fd, struct fl_tree_message *out) {
    int passed;
    int got = receive_message(fd, out, &passed);
    if (passed >= 0) (void)close(passed);
    return got;
}
