// The plain yardstick for `threads N count C`, as issue 12 put it: not a
// twin. N pthreads created with default attributes (glibc's stacks, the
// size `ulimit -s` gives, kept in glibc's cache), each printing its lines
// with printf under one mutex as soon as it runs, then all joined, then
// `Main thread exiting...`. No start gate, no summary, no signal mask: the
// least a C programmer would write. The twin (threads.c) does what forklab
// does instead: a gate that holds every thread until all exist, 1 MiB
// stacks, lines gathered in a 64 KiB buffer, a summary.
//   threads_plain N [count C] [gate]
// `gate` adds the twin's start gate and nothing else (a mutex and a
// condition variable every thread waits on until all exist), to measure
// what holding the threads costs (docs/performance.md).
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t printing = PTHREAD_MUTEX_INITIALIZER;
static long count = 5;
static int gated = 0;
static pthread_mutex_t gate = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t opened = PTHREAD_COND_INITIALIZER;
static int open_ = 0;

static void *count_lines(void *context) {
    long id = (long)context;
    if (gated) {
        pthread_mutex_lock(&gate);
        while (!open_) pthread_cond_wait(&opened, &gate);
        pthread_mutex_unlock(&gate);
    }
    for (long i = 0; i < count; i++) {
        pthread_mutex_lock(&printing);
        printf("[%ld] => %ld\n", id, i);
        pthread_mutex_unlock(&printing);
    }
    return NULL;
}

static long number(const char *what, const char *word) {
    char *end = NULL;
    errno = 0;
    long value = strtol(word, &end, 10);
    if (errno != 0 || end == word || *end != '\0' || value < 1 || value > 1000000) {
        fprintf(stderr, "threads_plain: %s must be 1…1000000, got %s\n", what, word);
        exit(2);
    }
    return value;
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[argc - 1], "gate") == 0) {
        gated = 1;
        argc--;
    }
    if (argc != 2 && !(argc == 4 && strcmp(argv[2], "count") == 0)) {
        fprintf(stderr, "usage: threads_plain N [count C] [gate]\n");
        return 2;
    }
    long wanted = number("N", argv[1]);
    if (argc == 4) count = number("count", argv[3]);
    pthread_t *threads = calloc((size_t)wanted, sizeof *threads);
    if (threads == NULL) return 1;
    long made = 0;
    for (; made < wanted; made++) {
        int error = pthread_create(&threads[made], NULL, count_lines, (void *)made);
        if (error != 0) {
            fprintf(stderr, "threads_plain: pthread_create failed after %ld of %ld threads: %s\n", made, wanted,
                    strerror(error));
            break;
        }
    }
    if (gated) {
        pthread_mutex_lock(&gate);
        open_ = 1;
        pthread_mutex_unlock(&gate);
        pthread_cond_broadcast(&opened);
    }
    for (long t = 0; t < made; t++) pthread_join(threads[t], NULL);
    printf("Main thread exiting...\n");
    free(threads);
    return made == wanted ? 0 : 1;
}
