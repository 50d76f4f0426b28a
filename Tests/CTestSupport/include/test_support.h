#ifndef FORKLAB_TEST_SUPPORT_H
#define FORKLAB_TEST_SUPPORT_H

// Starts the forklab binary for end-to-end tests, from a multi-threaded
// test process: the child does only async-signal-safe work before exec.

#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ts_spawn_options {
    const char *path;
    char *const *argv;
    char *const *envp;
    /// Descriptors made 0, 1 and 2 in the child (-1: /dev/null).
    int stdin_fd, stdout_fd, stderr_fd;
    /// When >= 0: the child starts a session, takes this terminal as its
    /// controlling terminal, and uses it for 0, 1 and 2 (for 1 only when
    /// stdout_fd is -1).
    int terminal_fd;
    /// When >= 0: this descriptor is handed to the child as descriptor 9,
    /// without close-on-exec, to see whether it leaks further.
    int leak_fd;
    /// When > 0: RLIMIT_NPROC for the child.
    long process_limit;
    /// When > 0: RLIMIT_NOFILE for the child (the most descriptors it may open).
    long descriptor_limit;
    /// When not (uid_t)-1: the child drops to this user and group.
    uid_t uid;
    gid_t gid;
    /// Bit n set: descriptor n (0, 1 or 2) is closed in the child.
    int closed_standard;
    /// When non-zero: SIGINT and SIGHUP are ignored and SIGQUIT, SIGCHLD and
    /// SIGTERM blocked in the child,
    /// to check that forklab's children start with defaults anyway.
    int odd_signals;
};

/// Forks and execs; returns the pid, or -1 with errno set. Every other
/// descriptor is closed on exec.
pid_t ts_spawn(const struct ts_spawn_options *options);

/// Opens a pseudo-terminal pair sized 80x24. Returns 0 or -1.
int ts_open_pty(int *master, int *slave);

/// Makes the calling process a child subreaper (PR_SET_CHILD_SUBREAPER):
/// orphans of its descendants become its children, where a test can see
/// what a program left behind after it exited. Returns 0 or -1.
int ts_become_subreaper(void);

/// The errno a failed call left, for Swift.
int ts_errno(void);

#ifdef __cplusplus
}
#endif

/// Counts `consumer C got => [producer id=P, count=K]` lines in a file:
/// seen[P * messages + K] is how often that message was printed (at most
/// 255). Lines that do not have that form, but for the last, count as
/// malformed; the last line is copied into `last`. Returns 0, or -1.
int ts_tally_consumed(const char *path, int producers, int messages, unsigned char *seen,
                      long *lines, long *malformed, char *last, size_t last_size);

/// Where `needle` first occurs in `haystack`, or -1. The corresponding C
/// function is `memmem`, which Swift's Glibc does not show.
long ts_find(const void *haystack, size_t haystack_length, const void *needle, size_t needle_length);

/// How many bytes wait to be read in a pipe (FIONREAD), or -1. A C
/// wrapper because ioctl is variadic.
int ts_queued_bytes(int fd);

/// Sets the soft RLIMIT_AS of process `pid` to `bytes`, the hard limit left
/// as it is. The corresponding C function is `prlimit`, which Swift's Glibc
/// does not show. Returns 0, or -1 with errno.
int ts_limit_address_space(pid_t pid, unsigned long long bytes);

#endif
