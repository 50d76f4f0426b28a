#define _GNU_SOURCE
#include "forklab_system.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

// What forklab reads of other processes, from /proc: who a process's
// children are, and its state. Used by the parent only (never between fork
// and exec), to find what a command left behind.

int fl_become_subreaper(void) { return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); }

int fl_name_process(const char *name) { return prctl(PR_SET_NAME, name, 0, 0, 0); }

/// Reads a small /proc file whole into buffer (NUL-terminated); its length,
/// or -1 with errno set.
static ssize_t read_small(const char *path, char *buffer, size_t size) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    size_t used = 0;
    while (used + 1 < size) {
        ssize_t n = read(fd, buffer + used, size - 1 - used);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        used += (size_t)n;
    }
    int saved = errno;
    close(fd);
    errno = saved;
    buffer[used] = '\0';
    return (ssize_t)used;
}

/// Appends the pids listed in `text` (decimal numbers separated by blanks).
static void append_pids(const char *text, pid_t *out, int capacity, int *count) {
    const char *p = text;
    while (*p) {
        while (*p == ' ' || *p == '\n') p++;
        if (!isdigit((unsigned char)*p)) break;
        long pid = strtol(p, (char **)&p, 10);
        if (*count < capacity) out[*count] = (pid_t)pid;
        (*count)++;
    }
}

static int stat_at(const char *path, struct fl_process_stat *out);

int fl_process_stat(pid_t pid, struct fl_process_stat *out) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    return stat_at(path, out);
}

int fl_thread_stat(pid_t pid, pid_t tid, struct fl_process_stat *out) {
    char path[96];
    snprintf(path, sizeof path, "/proc/%d/task/%d/stat", (int)pid, (int)tid);
    return stat_at(path, out);
}

/// Reads a stat file of /proc: "PID (COMM) STATE PPID PGRP …".
static int stat_at(const char *path, struct fl_process_stat *out) {
    char text[1024];
    if (read_small(path, text, sizeof text) < 0) return -1;
    // "PID (COMM) STATE PPID PGRP …": the name may hold blanks and ')'.
    char *close = strrchr(text, ')');
    if (close == NULL || close[1] != ' ') {
        errno = EINVAL;
        return -1;
    }
    char state = 0;
    int ppid = 0, pgrp = 0;
    if (sscanf(close + 2, "%c %d %d", &state, &ppid, &pgrp) != 3) {
        errno = EINVAL;
        return -1;
    }
    out->state = state;
    out->parent = ppid;
    out->group = pgrp;
    return 0;
}

/// The slow way, for kernels without /proc/PID/task/TID/children
/// (CONFIG_PROC_CHILDREN): every process's parent, from /proc/*/stat.
static int children_by_scan(pid_t pid, pid_t *out, int capacity) {
    DIR *proc = opendir("/proc");
    if (proc == NULL) return -1;
    int count = 0;
    struct dirent *entry;
    while ((entry = readdir(proc)) != NULL) {
        if (!isdigit((unsigned char)entry->d_name[0])) continue;
        pid_t other = (pid_t)atoi(entry->d_name);
        struct fl_process_stat stat;
        if (fl_process_stat(other, &stat) == 0 && stat.parent == pid) {
            if (count < capacity) out[count] = other;
            count++;
        }
    }
    closedir(proc);
    return count;
}

int fl_children_of(pid_t pid, pid_t *out, int capacity) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
    DIR *tasks = opendir(path);
    if (tasks == NULL) return errno == ENOENT ? 0 : -1;  // gone: no children
    // Each thread's children are listed under it; a single-threaded
    // process has one list. 128 KiB holds the 10000 children a command may
    // start, with 8-digit pids; a longer list is read in part, and what is
    // left is found on the next look (the callers look until none is left).
    // Only forklab's main thread calls this.
    static char text[128 * 1024];
    int count = 0;
    int missing = 0;
    struct dirent *entry;
    while ((entry = readdir(tasks)) != NULL) {
        if (!isdigit((unsigned char)entry->d_name[0])) continue;
        char file[96];
        snprintf(file, sizeof file, "/proc/%d/task/%s/children", (int)pid, entry->d_name);
        if (read_small(file, text, sizeof text) < 0) {
            if (errno == ENOENT) missing = 1;
            continue;
        }
        append_pids(text, out, capacity, &count);
    }
    closedir(tasks);
    if (missing && count == 0) {
        // No children file (a kernel without CONFIG_PROC_CHILDREN), or a
        // thread that just ended: make sure by asking every process.
        char self[96];
        snprintf(self, sizeof self, "/proc/%d/task/%d/children", (int)pid, (int)pid);
        if (access(self, F_OK) != 0 && errno == ENOENT) return children_by_scan(pid, out, capacity);
    }
    return count;
}
