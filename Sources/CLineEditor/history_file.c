#define _GNU_SOURCE
#define LIBBSD_NETBSD_VIS  // strnvis is not used; this only chooses which one <bsd/vis.h> declares
#include "history_file.h"
#include "line_editor.h"

#include <bsd/vis.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char header[] = "_HiStOrY_V2_\n";
#define HEADER_LENGTH (sizeof header - 1)

/// The most bytes strvis writes for one byte (`\ooo`, `\M^X`).
#define VIS_GROWTH 4

/// Reads exactly `length` bytes at `offset`. Returns 0, an errno, or EIO
/// when the file ends first (it was cut short meanwhile).
static int read_at(int fd, char *buffer, size_t length, off_t offset) {
    while (length > 0) {
        ssize_t n = pread(fd, buffer, length, offset);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return errno;
        if (n == 0) return EIO;
        buffer += n;
        length -= (size_t)n;
        offset += n;
    }
    return 0;
}

/// Writes all of `buffer` at `offset`. Returns 0 or an errno.
static int write_at(int fd, const char *buffer, size_t length, off_t offset) {
    while (length > 0) {
        ssize_t n = pwrite(fd, buffer, length, offset);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return errno;
        buffer += n;
        length -= (size_t)n;
        offset += n;
    }
    return 0;
}

int fl_history_open(const char *path, int flags, int *fd, unsigned *type) {
    struct stat info;
    // Refused before it is opened where possible: opening a device can act
    // by itself (a tape rewinds, a watchdog starts).
    if (stat(path, &info) == 0) {
        if (!S_ISREG(info.st_mode)) {
            *type = info.st_mode & S_IFMT;
            return FL_HISTORY_NOT_REGULAR;
        }
    } else if (errno != ENOENT || (flags & O_CREAT) == 0) {
        return errno;
    }
    // The path may name something else by now: what counts is what the
    // descriptor holds. O_NONBLOCK: a FIFO put there meanwhile cannot block
    // the open; O_NOCTTY: a terminal cannot become forklab's.
    int opened;
    do {
        opened = open(path, flags | O_NONBLOCK | O_CLOEXEC | O_NOCTTY, 0600);
    } while (opened < 0 && errno == EINTR);
    if (opened < 0) return errno;
    int result = 0;
    if (fstat(opened, &info) != 0) {
        result = errno;
    } else if (!S_ISREG(info.st_mode)) {
        *type = info.st_mode & S_IFMT;
        result = FL_HISTORY_NOT_REGULAR;
    } else if (info.st_size > 0) {
        // Anything else is someone's file, not ours to overwrite.
        char first[HEADER_LENGTH];
        if ((size_t)info.st_size < HEADER_LENGTH || read_at(opened, first, HEADER_LENGTH, 0) != 0
            || memcmp(first, header, HEADER_LENGTH) != 0) {
            result = FL_HISTORY_NOT_HISTORY;
        }
    }
    if (result != 0) {
        close(opened);
        return result;
    }
    *fd = opened;
    return 0;
}

/// Entries found so far, newest first.
struct found {
    char *entries[FL_HISTORY_SIZE];
    size_t count;
    size_t longest_entry;
    char *encoded, *decoded;  // scratch, grown as needed
    size_t capacity;
};

/// Takes the line at [start, end) when it is an entry to keep. Returns 0 or
/// an errno.
static int take_line(int fd, struct found *found, off_t start, off_t end) {
    size_t length = (size_t)(end - start);
    // Its decoded form is at least a quarter as long: no need to read it.
    if (length == 0 || length / VIS_GROWTH > found->longest_entry) return 0;
    if (length + 1 > found->capacity) {
        char *encoded = realloc(found->encoded, length + 1);
        if (encoded == NULL) return ENOMEM;
        found->encoded = encoded;
        char *decoded = realloc(found->decoded, length + 1);
        if (decoded == NULL) return ENOMEM;
        found->decoded = decoded;
        found->capacity = length + 1;
    }
    int result = read_at(fd, found->encoded, length, start);
    if (result != 0) return result;
    found->encoded[length] = '\0';
    int decoded = strunvis(found->decoded, found->encoded);
    // Not libedit's encoding, a NUL inside, or too long: not kept.
    if (decoded <= 0 || (size_t)decoded > found->longest_entry || strlen(found->decoded) != (size_t)decoded) {
        return 0;
    }
    // The same as the next newer one: H_SETUNIQUE would drop it, so it
    // must not count towards the entries kept.
    if (found->count > 0 && strcmp(found->decoded, found->entries[found->count - 1]) == 0) return 0;
    char *copy = strdup(found->decoded);
    if (copy == NULL) return ENOMEM;
    found->entries[found->count++] = copy;
    return 0;
}

int fl_history_read(int fd, History *entries, size_t longest_entry) {
    struct stat info;
    if (fstat(fd, &info) != 0) return errno;
    struct found *found = calloc(1, sizeof *found);
    enum { block_size = 1 << 16 };
    char *block = malloc(block_size);
    if (found == NULL || block == NULL) {
        free(found);
        free(block);
        return ENOMEM;
    }
    found->longest_entry = longest_entry;
    // From the end back to the header, a block at a time, until enough
    // entries are found: a line's start is the newline before it.
    off_t scanned = info.st_size;    // what lies from here on has been scanned
    off_t line_end = info.st_size;   // where the line being scanned ends
    int result = 0;
    while (result == 0 && found->count < FL_HISTORY_SIZE && scanned > (off_t)HEADER_LENGTH) {
        size_t length = (size_t)(scanned - (off_t)HEADER_LENGTH);
        if (length > block_size) length = block_size;
        off_t from = scanned - (off_t)length;
        result = read_at(fd, block, length, from);
        char *newline;
        while (result == 0 && found->count < FL_HISTORY_SIZE && (newline = memrchr(block, '\n', length)) != NULL) {
            off_t at = from + (newline - block);
            result = take_line(fd, found, at + 1, line_end);
            line_end = at;
            length = (size_t)(newline - block);
        }
        scanned = from;
    }
    if (result == 0 && found->count < FL_HISTORY_SIZE && info.st_size > (off_t)HEADER_LENGTH) {
        result = take_line(fd, found, (off_t)HEADER_LENGTH, line_end);  // the first entry
    }
    HistEvent event;
    for (size_t i = found->count; i-- > 0;) {
        if (result == 0) history(entries, &event, H_ENTER, found->entries[i]);
        free(found->entries[i]);
    }
    free(found->encoded);
    free(found->decoded);
    free(found);
    free(block);
    return result;
}

int fl_history_write(int fd, History *entries) {
    size_t capacity = 1 << 12, length = HEADER_LENGTH;
    char *text = malloc(capacity);
    if (text == NULL) return ENOMEM;
    memcpy(text, header, HEADER_LENGTH);
    HistEvent event;
    // Oldest first, as libedit writes it.
    for (int more = history(entries, &event, H_LAST); more != -1; more = history(entries, &event, H_PREV)) {
        size_t needed = length + strlen(event.str) * VIS_GROWTH + 2;
        if (needed > capacity) {
            while (capacity < needed) capacity *= 2;
            char *larger = realloc(text, capacity);
            if (larger == NULL) {
                free(text);
                return ENOMEM;
            }
            text = larger;
        }
        length += (size_t)strvis(text + length, event.str, VIS_WHITE);
        text[length++] = '\n';
    }
    // Written over the old text first, cut to length after: a forklab
    // killed in between leaves the new entries and some old lines, where
    // truncating first would leave an empty file.
    int result = write_at(fd, text, length, 0);
    if (result == 0 && ftruncate(fd, (off_t)length) != 0) result = errno;
    free(text);
    return result;
}
