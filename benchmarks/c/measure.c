// The runner's stopwatch: runs one program and reports on descriptor 3
// `WALL_NS MAXRSS_KIB STATUS`.
//   measure PROGRAM [ARG…]     (stdin, stdout and stderr passed on as given)
// Why not time and wait4 from the Python runner itself: a child's ru_maxrss
// counts the memory of the process it was before exec, and a child of the
// runner starts as a copy of a 15 MiB Python (posix_spawn's vfork shares it
// outright), so every program would read at least 15 MiB. Started from this
// small process instead, a program's peak RSS is its own (at least this
// process's 1 MiB or so), and the clock runs from just before posix_spawn to
// just after wait4, with no interpreter in between.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static uint64_t now_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

int main(int argc, char **argv) {
    if (argc < 2 || fcntl(3, F_SETFD, FD_CLOEXEC) != 0) {
        fprintf(stderr, "usage: measure PROGRAM [ARG…], with descriptor 3 open for the report\n");
        return 2;
    }
    pid_t pid;
    uint64_t begin = now_ns();
    int error = posix_spawnp(&pid, argv[1], NULL, NULL, argv + 1, environ);
    if (error != 0) {
        fprintf(stderr, "measure: cannot run %s: %s\n", argv[1], strerror(error));
        return 1;
    }
    int status = 0;
    struct rusage usage;
    while (wait4(pid, &status, 0, &usage) < 0) {
        if (errno != EINTR) return 1;
    }
    uint64_t end = now_ns();
    dprintf(3, "%llu %ld %d\n", (unsigned long long)(end - begin), usage.ru_maxrss, status);
    return 0;
}
