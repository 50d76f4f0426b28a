// The C twin of forklab's `race N [count C]`: the lost update the mutex
// prevents.
//   race N [count C]
// N threads wait at a start gate, then each adds one to a shared counter C
// times: first without the mutex (a relaxed atomic load, then a relaxed
// atomic store: well defined, yet another thread's store can land between
// the two), then with it. The main thread writes
// `race nolock: expected X got Y lost Z` and `race lock: …`.
#include "twin.h"

#include <sched.h>
#include <stdatomic.h>

struct race {
    struct twin_gate gate;
    pthread_mutex_t mutex;
    atomic_long counter;
    atomic_long arrived;
    atomic_long arriving;  // how many are coming; LONG_MAX until known
    long count;
    int locked;
};

struct racer {
    pthread_t thread;
    struct race *race;
    long added;
    uint64_t ended;
};

static inline void add_unlocked(struct race *race) {
    long value = atomic_load_explicit(&race->counter, memory_order_relaxed);
    atomic_store_explicit(&race->counter, value + 1, memory_order_relaxed);
}

static void *run(void *context) {
    struct racer *self = context;
    struct race *race = self->race;
    gate_wait(&race->gate);
    // The broadcast wakes threads tens of microseconds apart: wait until
    // every one is past the gate, so that they really add together.
    atomic_fetch_add_explicit(&race->arrived, 1, memory_order_acq_rel);
    while (atomic_load_explicit(&race->arrived, memory_order_acquire) <
           atomic_load_explicit(&race->arriving, memory_order_acquire)) {
        sched_yield();
    }
    long added = 0;
    for (long i = 0; i < race->count; i++) {
        if (race->locked) {
            pthread_mutex_lock(&race->mutex);
            add_unlocked(race);
            pthread_mutex_unlock(&race->mutex);
        } else {
            add_unlocked(race);
        }
        added++;
    }
    self->added = added;
    self->ended = twin_now();
    return NULL;
}

/// One run; returns the increments made and sets what the counter read and
/// how long it took from the gate to the last thread's end.
static long race_once(long threads, long count, int locked, long *got, uint64_t *elapsed) {
    struct race race = {.count = count, .locked = locked};
    gate_init(&race.gate);
    pthread_mutex_init(&race.mutex, NULL);
    atomic_init(&race.counter, 0);
    atomic_init(&race.arrived, 0);
    atomic_init(&race.arriving, LONG_MAX);
    struct racer *racers = calloc((size_t)threads, sizeof *racers);
    pthread_attr_t attributes;
    twin_thread_attributes(&attributes);
    sigset_t saved = twin_block_for_workers();
    for (long t = 0; t < threads; t++) {
        racers[t].race = &race;
        int error = pthread_create(&racers[t].thread, &attributes, run, &racers[t]);
        if (error != 0) twin_die(1, "pthread_create: %s", strerror(error));
    }
    pthread_sigmask(SIG_SETMASK, &saved, NULL);
    atomic_store_explicit(&race.arriving, threads, memory_order_release);
    uint64_t opened = twin_now();
    gate_open(&race.gate);
    long expected = 0;
    uint64_t last_ended = opened;
    for (long t = 0; t < threads; t++) {
        pthread_join(racers[t].thread, NULL);
        expected += racers[t].added;
        if (racers[t].ended > last_ended) last_ended = racers[t].ended;
    }
    free(racers);
    *got = atomic_load_explicit(&race.counter, memory_order_relaxed);
    *elapsed = last_ended - opened;
    return expected;
}

int main(int argc, char **argv) {
    twin_name = "race";
    if (argc != 2 && !(argc == 4 && strcmp(argv[2], "count") == 0)) twin_die(2, "usage: race N [count C]");
    long threads = twin_number("race: N", argv[1], TWIN_MAX_PROCESSES);
    long count = argc == 4 ? twin_number("race: count", argv[3], TWIN_MAX_COUNT) : 100000;

    char text[512];
    int used = snprintf(text, sizeof text, "# race: %ld %s × %ld %s", threads, plural(threads, "thread", "threads"),
                        count, plural(count, "increment", "increments"));
    for (int locked = 0; locked <= 1; locked++) {
        long got;
        uint64_t elapsed;
        long expected = race_once(threads, count, locked, &got, &elapsed);
        struct twin_line line = {.used = 0};
        line_text(&line, locked ? "race lock: expected " : "race nolock: expected ");
        line_number(&line, expected);
        line_text(&line, " got ");
        line_number(&line, got);
        line_text(&line, " lost ");
        line_number(&line, expected - got);
        line_text(&line, "\n");
        line_write(&line, STDOUT_FILENO);

        used += snprintf(text + used, sizeof text - (size_t)used, "%s", locked ? "; with it " : "; without the mutex ");
        long lost = expected - got;
        if (lost == 0) {
            used += snprintf(text + used, sizeof text - (size_t)used, "none lost");
        } else {
            char share[32];
            one_decimal(share, sizeof share, expected > 0 ? (double)lost * 100 / (double)expected : 0);
            used += snprintf(text + used, sizeof text - (size_t)used, "%ld lost (%s%%)", lost, share);
        }
        char cost[64];
        twin_cost(cost, sizeof cost, elapsed, expected, "increment");
        as_second(cost);
        used += snprintf(text + used, sizeof text - (size_t)used, "%s", cost);
    }
    twin_summary("%s", text);
    return 0;
}
