#define _GNU_SOURCE
#include "forklab_system.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

int fl_cloexec_from(int lowest) {
#ifdef SYS_close_range
    if (syscall(SYS_close_range, (unsigned)lowest, ~0U, CLOSE_RANGE_CLOEXEC) == 0) return 0;
#endif
    // Kernels before 5.11: walk the open descriptors instead.
    DIR *dir = opendir("/proc/self/fd");
    if (dir == NULL) return -1;
    int own = dirfd(dir);
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        int fd = atoi(entry->d_name);
        if (entry->d_name[0] < '0' || entry->d_name[0] > '9' || fd < lowest || fd == own) continue;
        int flags = fcntl(fd, F_GETFD);
        if (flags >= 0) (void)fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
    }
    closedir(dir);
    return 0;
}

int fl_pipe_cloexec(int *read_end, int *write_end) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return -1;
    *read_end = fds[0];
    *write_end = fds[1];
    return 0;
}

uint64_t fl_monotonic_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

int32_t fl_thread_id(void) { return (int32_t)syscall(SYS_gettid); }

void fl_release_free_memory(void) { (void)malloc_trim(0); }

void fl_single_malloc_arena(void) { (void)mallopt(M_ARENA_MAX, 1); }

int fl_on_fuse(int fd) {
    struct statfs system;
    return fstatfs(fd, &system) == 0 && system.f_type == 0x65735546;  // FUSE_SUPER_MAGIC
}

uint64_t fl_file_system_magic(int fd) {
    struct statfs system;
    return fstatfs(fd, &system) == 0 ? (uint64_t)(unsigned long)system.f_type : 0;
}
