#define _GNU_SOURCE
#include "test_support.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

// Scanning 40 MB of lines in a Swift debug build takes longer than the
// experiment that wrote them; the same loop in C takes a fraction of a second.

int ts_tally_consumed(const char *path, int producers, int messages, unsigned char *seen,
                      long *lines, long *malformed, char *last, size_t last_size) {
    *lines = 0;
    *malformed = 0;
    if (last_size > 0) last[0] = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    struct stat info;
    if (fstat(fd, &info) != 0) {
        close(fd);
        return -1;
    }
    size_t size = (size_t)info.st_size;
    if (size == 0) {
        close(fd);
        return 0;
    }
    const char *bytes = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (bytes == MAP_FAILED) return -1;
    size_t start = 0;
    while (start < size) {
        const char *newline = memchr(bytes + start, '\n', size - start);
        size_t end = newline ? (size_t)(newline - bytes) : size;
        size_t length = end - start;
        *lines += 1;
        if (last_size > 0) {
            size_t copied = length < last_size - 1 ? length : last_size - 1;
            memcpy(last, bytes + start, copied);
            last[copied] = 0;
        }
        // consumer C got => [producer id=P, count=K]
        char line[256];
        int consumer, producer, count, used = -1;
        int ok = 0;
        if (length < sizeof line) {
            memcpy(line, bytes + start, length);
            line[length] = 0;
            if (sscanf(line, "consumer %d got => [producer id=%d, count=%d]%n", &consumer, &producer, &count, &used) == 3
                && used == (int)length && producer >= 0 && producer < producers && count >= 0 && count < messages) {
                unsigned char *slot = &seen[(size_t)producer * (size_t)messages + (size_t)count];
                if (*slot < 255) *slot += 1;
                ok = 1;
            }
        }
        if (!ok && end + 1 < size) *malformed += 1;  // the last line (the main thread's) is the caller's
        start = end + 1;
    }
    munmap((void *)bytes, size);
    return 0;
}

long ts_find(const void *haystack, size_t haystack_length, const void *needle, size_t needle_length) {
    const char *found = memmem(haystack, haystack_length, needle, needle_length);
    return found ? (long)(found - (const char *)haystack) : -1;
}

int ts_queued_bytes(int fd) {
    int queued = 0;
    return ioctl(fd, FIONREAD, &queued) == 0 ? queued : -1;
}

int ts_limit_address_space(pid_t pid, unsigned long long bytes) {
    struct rlimit limit;
    if (prlimit(pid, RLIMIT_AS, NULL, &limit) != 0) return -1;
    limit.rlim_cur = (rlim_t)bytes;
    return prlimit(pid, RLIMIT_AS, &limit, NULL);
}
