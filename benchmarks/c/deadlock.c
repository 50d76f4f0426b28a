// deadlock N [timeout T]: the baseline of `scripts/bench-deadlock`, what
// forklab's `deadlock N timeout T` does, written plainly in C. A child
// process runs the ring: N threads and N mutexes, thread i locks m<i>,
// waits at a barrier until all hold one, then locks m<i+1 mod N>. Before
// each lock a thread notes "waits for m" in memory shared with the parent,
// after it "holds m", and each note moves a progress counter. The parent
// watches as forklab does: every 10 ms it looks at the counter; when it has
// not moved for T, it checks that each thread holds its own mutex and waits
// for the next one's and that the kernel shows each asleep
// (/proc/PID/task/TID/stat, state S); then it prints the cycle, kills the
// child with SIGKILL and reaps it. If the check fails it looks again after
// another T.
//
// Its last line gives `detected_ns`, the time from just before the fork to
// the catch, as forklab's JSON summary gives it from the command's start.
#include "twin.h"

#include <fcntl.h>
#include <stdatomic.h>
#include <sys/mman.h>

#define MAX_THREADS 100

struct ring {
    _Atomic uint64_t progress;
    _Atomic int tid[MAX_THREADS];
    _Atomic int holds[MAX_THREADS];    // the mutex the thread holds, -1 none
    _Atomic int waits[MAX_THREADS];    // the mutex it waits for, -1 none
    pthread_mutex_t mutex[MAX_THREADS];
    pthread_barrier_t barrier;
    int threads;
};

static struct ring *ring;

static void *ring_thread(void *argument) {
    int i = (int)(intptr_t)argument, next = (i + 1) % ring->threads;
    atomic_store(&ring->tid[i], (int)syscall(SYS_gettid));
    atomic_store(&ring->waits[i], i);
    atomic_fetch_add(&ring->progress, 1);
    pthread_mutex_lock(&ring->mutex[i]);
    atomic_store(&ring->holds[i], i);
    atomic_store(&ring->waits[i], -1);
    atomic_fetch_add(&ring->progress, 1);
    pthread_barrier_wait(&ring->barrier);
    atomic_store(&ring->waits[i], next);
    atomic_fetch_add(&ring->progress, 1);
    pthread_mutex_lock(&ring->mutex[next]);  // never returns: the ring is closed
    return NULL;
}

/// The state letter of thread `tid` of `pid`, from /proc/PID/task/TID/stat; 0 if unreadable.
static char thread_state(pid_t pid, int tid) {
    char path[64], buffer[512];
    snprintf(path, sizeof path, "/proc/%d/task/%d/stat", (int)pid, tid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    ssize_t got = read(fd, buffer, sizeof buffer - 1);
    close(fd);
    if (got <= 0) return 0;
    buffer[got] = '\0';
    char *close_paren = strrchr(buffer, ')');
    return close_paren && close_paren[1] == ' ' ? close_paren[2] : 0;
}

/// Whether every thread holds its own mutex, waits for the next, and sleeps.
static int cycle_in_place(pid_t pid) {
    for (int i = 0; i < ring->threads; i++) {
        if (atomic_load(&ring->holds[i]) != i || atomic_load(&ring->waits[i]) != (i + 1) % ring->threads) return 0;
        if (thread_state(pid, atomic_load(&ring->tid[i])) != 'S') return 0;
    }
    return 1;
}

int main(int argc, char **argv) {
    twin_name = "deadlock";
    if (argc != 2 && !(argc == 4 && strcmp(argv[2], "timeout") == 0))
        twin_die(2, "usage: deadlock N [timeout T]");
    int threads = (int)twin_number("N", argv[1], MAX_THREADS);
    if (threads < 2) twin_die(2, "N must be 2…100, got %d", threads);
    double seconds = argc == 4 ? strtod(argv[3], NULL) : 1.0;
    if (!(seconds >= 0.1 && seconds <= 60)) twin_die(2, "T must be 0.1…60 seconds");
    uint64_t timeout = (uint64_t)(seconds * 1e9);

    ring = mmap(NULL, sizeof *ring, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (ring == MAP_FAILED) twin_die(1, "mmap: %s", strerror(errno));
    ring->threads = threads;
    for (int i = 0; i < threads; i++) {
        atomic_store(&ring->holds[i], -1);
        atomic_store(&ring->waits[i], -1);
        pthread_mutex_init(&ring->mutex[i], NULL);  // used by the child alone
    }
    pthread_barrier_init(&ring->barrier, NULL, (unsigned)threads);

    fflush(NULL);
    uint64_t started = twin_now();
    pid_t pid = fork();
    if (pid < 0) twin_die(1, "fork: %s", strerror(errno));
    if (pid == 0) {
        pthread_t made[MAX_THREADS];
        for (int i = 0; i < threads; i++)
            if (pthread_create(&made[i], NULL, ring_thread, (void *)(intptr_t)i) != 0) _exit(1);
        for (int i = 0; i < threads; i++) pthread_join(made[i], NULL);
        _exit(0);
    }

    uint64_t seen = UINT64_MAX, moved = twin_now(), detected = 0;
    int status = 0;
    for (;;) {
        if (waitpid(pid, &status, WNOHANG) == pid) twin_die(1, "the ring ended with status %#x, uncaught", status);
        uint64_t now = twin_now(), progress = atomic_load(&ring->progress);
        if (progress != seen) {
            seen = progress;
            moved = now;
        } else if (now - moved >= timeout) {
            if (cycle_in_place(pid)) {
                detected = now - started;
                break;
            }
            moved = now;  // not (yet) a cycle: look again after another T
        }
        struct timespec pause = {0, 10 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
    kill(pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    for (int i = 0; i < threads; i++) printf("[%d] holds m%d, waits for m%d\n", i, i, (i + 1) % threads);
    printf("deadlock: a cycle of %d threads, each waiting for the next\n", threads);
    printf("# deadlock: %d threads, 0 finished; a cycle of %d caught; detected_ns %llu\n", threads, threads,
           (unsigned long long)detected);
    return 0;
}
