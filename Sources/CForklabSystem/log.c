#define _GNU_SOURCE
#include "forklab_system.h"

#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

// Children add events between fork and _exit: the counters must be atomic
// without a lock, or adding would not be async-signal-safe.
_Static_assert(ATOMIC_LLONG_LOCK_FREE == 2, "64-bit atomics must be lock-free");

// The shared record of one experiment. It lives in a MAP_SHARED mapping of
// a memfd made before any fork, so that children write into the same pages
// the parent reads, and so that a program of its own (`exit after T`,
// forklab exec'd) can map the same file from the descriptor it inherits;
// threads write into it too. Adding an event takes one
// atomic add and a few stores: no allocation, no lock, nothing a child
// may not do between fork and _exit.

struct fl_log {
    // Two counters on cache lines of their own: events claimed so far,
    // which may run past the capacity (those past it are dropped).
    _Alignas(64) _Atomic uint64_t lives_claimed;
    _Alignas(64) _Atomic uint64_t marks_claimed;
    _Alignas(64) uint32_t lives_capacity;
    uint32_t marks_capacity;
    size_t mapped;
    /// The memfd the pages belong to (close-on-exec), or -1 where memfd
    /// is missing and the mapping is anonymous.
    int fd;
    /// Marks dropped past the region's capacity, by kind (FL_EVENT_FIRST_MARK
    /// on): counted only when dropped, so that a kind's total is the kept
    /// events of that kind plus these, at no cost to an event kept.
    _Atomic uint64_t dropped_by_kind[FL_MARK_KINDS];
    /// What a program of its own notes before it exits (fl_log_note).
    int64_t notes[FL_LOG_NOTES];
    /// What each thread of a program of its own waits for (fl_log_set_waiter).
    struct {
        _Atomic int32_t state;
        _Atomic int32_t tid;
    } waiters[FL_LOG_WAITERS];
};

static size_t header_size(void) {
    return (sizeof(struct fl_log) + 63) & ~(size_t)63;
}

static struct fl_event *lives(const struct fl_log *log) {
    return (struct fl_event *)((char *)log + header_size());
}

static struct fl_event *marks(const struct fl_log *log) {
    return lives(log) + log->lives_capacity;
}

struct fl_log *fl_log_create(uint32_t lives_capacity, uint32_t marks_capacity) {
    size_t size = header_size() + ((size_t)lives_capacity + marks_capacity) * sizeof(struct fl_event);
    int fd = memfd_create("forklab-record", MFD_CLOEXEC);
    if (fd >= 0 && ftruncate(fd, (off_t)size) != 0) {
        close(fd);
        return NULL;
    }
    void *memory = mmap(NULL, size, PROT_READ | PROT_WRITE,
                        MAP_SHARED | MAP_NORESERVE | (fd < 0 ? MAP_ANONYMOUS : 0), fd, 0);
    if (memory == MAP_FAILED) {
        if (fd >= 0) close(fd);
        return NULL;
    }
    struct fl_log *log = memory;  // the kernel gives zeroed pages
    log->lives_capacity = lives_capacity;
    log->marks_capacity = marks_capacity;
    log->mapped = size;
    log->fd = fd;
    return log;
}

struct fl_log *fl_log_attach(int fd) {
    struct stat info;
    if (fstat(fd, &info) != 0 || (size_t)info.st_size < header_size()) return NULL;
    void *memory = mmap(NULL, (size_t)info.st_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, fd, 0);
    if (memory == MAP_FAILED) return NULL;
    struct fl_log *log = memory;
    if (log->mapped != (size_t)info.st_size) {
        munmap(memory, (size_t)info.st_size);
        return NULL;
    }
    return log;
}

int fl_log_fd(const struct fl_log *log) {
    return log->fd;
}

void fl_log_destroy(struct fl_log *log) {
    if (log == NULL) return;
    // The attached copy in a program of its own shares the header: only the
    // process that made the file closes its descriptor, and it never exits
    // through here while a program still has it mapped.
    int fd = log->fd;
    munmap(log, log->mapped);
    if (fd >= 0) close(fd);
}

void fl_log_note(struct fl_log *log, int index, int64_t value) {
    if (log != NULL && index >= 0 && index < FL_LOG_NOTES) log->notes[index] = value;
}

int64_t fl_log_read_note(const struct fl_log *log, int index) {
    return index >= 0 && index < FL_LOG_NOTES ? log->notes[index] : 0;
}

void fl_log_set_waiter(struct fl_log *log, int slot, int32_t tid, int32_t state) {
    if (log == NULL || slot < 0 || slot >= FL_LOG_WAITERS) return;
    atomic_store_explicit(&log->waiters[slot].tid, tid, memory_order_relaxed);
    atomic_store_explicit(&log->waiters[slot].state, state, memory_order_release);
}

int32_t fl_log_waiter(const struct fl_log *log, int slot, int32_t *tid) {
    if (slot < 0 || slot >= FL_LOG_WAITERS) return FL_WAITER_RUNNING;
    int32_t state = atomic_load_explicit(&log->waiters[slot].state, memory_order_acquire);
    *tid = atomic_load_explicit(&log->waiters[slot].tid, memory_order_relaxed);
    return state;
}

uint64_t fl_log_dropped_of_kind(const struct fl_log *log, uint16_t kind) {
    if (kind < FL_EVENT_FIRST_MARK || kind >= FL_EVENT_FIRST_MARK + FL_MARK_KINDS) return 0;
    return atomic_load(&log->dropped_by_kind[kind - FL_EVENT_FIRST_MARK]);
}

/// Counts `count` marks of `kind` dropped.
static void count_dropped_kind(struct fl_log *log, uint16_t kind, uint64_t count) {
    if (kind >= FL_EVENT_FIRST_MARK && kind < FL_EVENT_FIRST_MARK + FL_MARK_KINDS) {
        atomic_fetch_add_explicit(&log->dropped_by_kind[kind - FL_EVENT_FIRST_MARK], count, memory_order_relaxed);
    }
}

/// A region's counter of claimed slots.
static const _Atomic uint64_t *claimed_in(const struct fl_log *log, enum fl_log_region region) {
    return region == FL_LOG_MARKS ? &log->marks_claimed : &log->lives_claimed;
}

/// How many events a region holds.
static uint32_t capacity_of(const struct fl_log *log, enum fl_log_region region) {
    return region == FL_LOG_MARKS ? log->marks_capacity : log->lives_capacity;
}

static uint64_t kept(uint64_t claimed, uint32_t capacity) {
    return claimed < capacity ? claimed : capacity;
}

void fl_log_reset(struct fl_log *log) {
    // Only what the last experiment used is cleared: a zero kind is how the
    // reader tells a slot nobody finished writing (a child killed mid-way).
    uint64_t used = kept(atomic_load(&log->lives_claimed), log->lives_capacity);
    memset(lives(log), 0, used * sizeof(struct fl_event));
    used = kept(atomic_load(&log->marks_claimed), log->marks_capacity);
    memset(marks(log), 0, used * sizeof(struct fl_event));
    atomic_store(&log->lives_claimed, 0);
    atomic_store(&log->marks_claimed, 0);
    for (int kind = 0; kind < FL_MARK_KINDS; kind++) atomic_store(&log->dropped_by_kind[kind], 0);
    memset(log->notes, 0, sizeof log->notes);
    for (int slot = 0; slot < FL_LOG_WAITERS; slot++) {
        atomic_store(&log->waiters[slot].state, FL_WAITER_RUNNING);
        atomic_store(&log->waiters[slot].tid, 0);
    }
}

uint64_t fl_log_claim(struct fl_log *log, uint64_t count) {
    if (log == NULL) return 0;
    return atomic_fetch_add_explicit(&log->lives_claimed, count, memory_order_relaxed);
}

static void store(struct fl_event *slot, const struct fl_event *event) {
    slot->time = event->time;
    slot->pid = event->pid;
    slot->tid = event->tid;
    slot->role = event->role;
    slot->a = event->a;
    slot->b = event->b;
    slot->c = event->c;
    // The kind last: a slot with kind 0 was claimed but never filled in.
    __atomic_store_n(&slot->kind, event->kind, __ATOMIC_RELEASE);
}

void fl_log_put(struct fl_log *log, uint64_t index, const struct fl_event *event) {
    if (log == NULL || index >= log->lives_capacity) return;
    store(lives(log) + index, event);
}

void fl_log_add(struct fl_log *log, const struct fl_event *event) {
    if (log == NULL) return;
    int mark = event->kind >= FL_EVENT_FIRST_MARK;
    uint64_t index = atomic_fetch_add_explicit(mark ? &log->marks_claimed : &log->lives_claimed, 1,
                                               memory_order_relaxed);
    if (index >= (mark ? log->marks_capacity : log->lives_capacity)) {
        if (mark) count_dropped_kind(log, event->kind, 1);
        return;
    }
    store((mark ? marks(log) : lives(log)) + index, event);
}

void fl_log_add_many(struct fl_log *log, const struct fl_event *events, size_t count) {
    if (log == NULL) return;
    // One claim per region for the whole batch: the counters are shared by
    // every thread, and each claim moves their cache line between cores.
    uint64_t wanted[2] = {0, 0};
    for (size_t i = 0; i < count; i++) {
        if (events[i].kind != FL_EVENT_NONE) wanted[events[i].kind >= FL_EVENT_FIRST_MARK]++;
    }
    uint64_t next[2] = {0, 0};
    if (wanted[0] > 0) next[0] = atomic_fetch_add_explicit(&log->lives_claimed, wanted[0], memory_order_relaxed);
    if (wanted[1] > 0) next[1] = atomic_fetch_add_explicit(&log->marks_claimed, wanted[1], memory_order_relaxed);
    // Every event's region is full: they were counted, and none is kept.
    if ((wanted[0] == 0 || next[0] >= log->lives_capacity) && (wanted[1] == 0 || next[1] >= log->marks_capacity)) {
        for (size_t i = 0; wanted[1] > 0 && i < count; i++) {
            if (events[i].kind >= FL_EVENT_FIRST_MARK) count_dropped_kind(log, events[i].kind, 1);
        }
        return;
    }
    // Only marks, all with room (a thread's lines): one copy. The threads
    // that add them are joined before the record is read, so no kind need
    // be stored last.
    if (wanted[1] == count && next[1] + count <= log->marks_capacity) {
        memcpy(marks(log) + next[1], events, count * sizeof *events);
        return;
    }
    for (size_t i = 0; i < count; i++) {
        if (events[i].kind == FL_EVENT_NONE) continue;
        int mark = events[i].kind >= FL_EVENT_FIRST_MARK;
        uint64_t index = next[mark]++;
        if (index >= (mark ? log->marks_capacity : log->lives_capacity)) {
            if (mark) count_dropped_kind(log, events[i].kind, 1);
            continue;
        }
        store((mark ? marks(log) : lives(log)) + index, &events[i]);
    }
}

void fl_log_count_dropped(struct fl_log *log, uint16_t kind, uint64_t count) {
    if (log == NULL || count == 0) return;
    int mark = kind >= FL_EVENT_FIRST_MARK;
    atomic_fetch_add_explicit(mark ? &log->marks_claimed : &log->lives_claimed, count, memory_order_relaxed);
    if (mark) count_dropped_kind(log, kind, count);
}

int fl_log_has_room(const struct fl_log *log, enum fl_log_region region) {
    if (log == NULL) return 0;
    uint64_t claimed = atomic_load_explicit(claimed_in(log, region), memory_order_relaxed);
    return claimed < capacity_of(log, region);
}

void fl_log_counts(const struct fl_log *log, enum fl_log_region region, uint64_t *count, uint64_t *claimed) {
    uint64_t total = atomic_load(claimed_in(log, region));
    *claimed = total;
    *count = kept(total, capacity_of(log, region));
}

int fl_log_event(const struct fl_log *log, enum fl_log_region region, uint64_t index, struct fl_event *out) {
    const struct fl_event *slot = (region == FL_LOG_MARKS ? marks(log) : lives(log)) + index;
    // Pairs with the release store in fl_log_add: a kind seen means the
    // fields before it are seen too.
    uint16_t kind = __atomic_load_n(&slot->kind, __ATOMIC_ACQUIRE);
    if (kind == FL_EVENT_NONE) return 0;
    *out = *slot;
    out->kind = kind;
    return 1;
}
