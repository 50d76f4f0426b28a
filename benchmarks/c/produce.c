// The C twin of forklab's `produce P consume C [messages M] [capacity K]`
// (the book's Producer Consumer with Queue).
//   produce P [consume C] [messages M] [capacity K]   (pairs in any order)
// C consumer threads start first and wait on the empty queue; P producer
// threads wait at a start gate until every thread exists, then each puts M
// messages `[producer id=P, count=K]` (kept as two numbers) on one FIFO
// queue: a pthread mutex and two condition variables over a chain of 64 KiB
// segments, unbounded unless a capacity is given, as forklab's WorkQueue.
// The last producer to finish closes the queue; consumers take until it is
// closed and empty and write `consumer ID got => DATA` through the console.
// Then the main thread writes `Main thread exit`.
#include "twin.h"

#include <stdatomic.h>
#include <sys/mman.h>

// ---- the queue ----------------------------------------------------------

struct message {
    int32_t producer;
    int32_t count;
};

#define SEGMENT_BYTES (64 * 1024)
#define SEGMENT_SLOTS ((SEGMENT_BYTES - sizeof(struct segment *)) / sizeof(struct message))

/// 64 KiB in pages of its own: a link to the next, then messages.
struct segment {
    struct segment *next;
    struct message messages[];
};

struct queue {
    pthread_mutex_t mutex;
    pthread_cond_t not_empty;
    pthread_cond_t not_full;
    struct segment *head, *tail, *spare;
    size_t head_index, tail_index;
    long count, limit, peak;
    long producer_waits, consumer_waits;
    int closed;
};

static void queue_init(struct queue *queue, long limit) {
    *queue = (struct queue){.limit = limit};
    twin_adaptive_mutex(&queue->mutex);
    pthread_cond_init(&queue->not_empty, NULL);
    pthread_cond_init(&queue->not_full, NULL);
}

static struct segment *segment_map(void) {
    void *pages = mmap(NULL, SEGMENT_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (pages == MAP_FAILED) twin_die(1, "no memory left for the queue");
    return pages;
}

static void queue_put(struct queue *queue, struct message message) {
    pthread_mutex_lock(&queue->mutex);
    int waited = 0;
    while (queue->count >= queue->limit) {
        if (!waited) queue->producer_waits++;
        waited = 1;
        pthread_cond_wait(&queue->not_full, &queue->mutex);
    }
    if (queue->tail == NULL || queue->tail_index == SEGMENT_SLOTS) {
        struct segment *segment = queue->spare ? queue->spare : segment_map();
        queue->spare = NULL;
        segment->next = NULL;
        if (queue->tail) {
            queue->tail->next = segment;
        } else {
            queue->head = segment;
            queue->head_index = 0;
        }
        queue->tail = segment;
        queue->tail_index = 0;
    }
    queue->tail->messages[queue->tail_index++] = message;
    queue->count++;
    if (queue->count > queue->peak) queue->peak = queue->count;
    pthread_cond_signal(&queue->not_empty);
    pthread_mutex_unlock(&queue->mutex);
}

/// The message at the head, waiting while the queue is empty; 0 once it is
/// closed and empty.
static int queue_take(struct queue *queue, struct message *message) {
    pthread_mutex_lock(&queue->mutex);
    int waited = 0;
    while (queue->count == 0 && !queue->closed) {
        if (!waited) queue->consumer_waits++;
        waited = 1;
        pthread_cond_wait(&queue->not_empty, &queue->mutex);
    }
    if (queue->count == 0) {
        pthread_mutex_unlock(&queue->mutex);
        return 0;
    }
    if (queue->head_index == SEGMENT_SLOTS) {
        struct segment *emptied = queue->head;
        queue->head = emptied->next;
        queue->head_index = 0;
        if (queue->spare == NULL) queue->spare = emptied;
        else munmap(emptied, SEGMENT_BYTES);
    }
    *message = queue->head->messages[queue->head_index++];
    queue->count--;
    pthread_cond_signal(&queue->not_full);
    pthread_mutex_unlock(&queue->mutex);
    return 1;
}

static void queue_close(struct queue *queue) {
    pthread_mutex_lock(&queue->mutex);
    queue->closed = 1;
    pthread_mutex_unlock(&queue->mutex);
    pthread_cond_broadcast(&queue->not_empty);
}

// ---- the threads ---------------------------------------------------------

static struct queue queue;
static struct twin_console console;
static struct twin_gate gate;
/// The producers still at work, and the main thread while it starts them:
/// the last to finish closes the queue.
static atomic_long holders = 1;
static long messages = 4;

static void producing_done(void) {
    if (atomic_fetch_sub_explicit(&holders, 1, memory_order_acq_rel) == 1) queue_close(&queue);
}

struct worker {
    pthread_t thread;
    int id;
    long done;        // produced, or consumed and printed
    uint64_t ended;   // when its work ended
};

static void *produce(void *context) {
    struct worker *self = context;
    gate_wait(&gate);
    for (long count = 0; count < messages; count++) {
        queue_put(&queue, (struct message){.producer = self->id, .count = (int32_t)count});
        self->done++;
    }
    producing_done();
    self->ended = twin_now();
    return NULL;
}

static void *consume(void *context) {
    struct worker *self = context;
    struct message message;
    while (queue_take(&queue, &message)) {
        struct twin_line line = {.used = 0};
        line_text(&line, "consumer ");
        line_number(&line, self->id);
        line_text(&line, " got => [producer id=");
        line_number(&line, message.producer);
        line_text(&line, ", count=");
        line_number(&line, message.count);
        line_text(&line, "]\n");
        console_line(&console, line.bytes, line.used);
        self->done++;
    }
    self->ended = twin_now();
    return NULL;
}

static const char *usage = "usage: produce P [consume C] [messages M] [capacity K]";

int main(int argc, char **argv) {
    twin_name = "produce";
    long producer_count = 4, consumer_count = 2, capacity = 0;
    // The words after forklab's `produce`: P first, then keyword pairs.
    int i = 1;
    if (i < argc && argv[i][0] >= '0' && argv[i][0] <= '9') producer_count = twin_number("produce: P", argv[i++], TWIN_MAX_PEERS);
    for (; i < argc; i += 2) {
        if (i + 1 >= argc) twin_die(2, "%s", usage);
        if (strcmp(argv[i], "produce") == 0) producer_count = twin_number("produce: P", argv[i + 1], TWIN_MAX_PEERS);
        else if (strcmp(argv[i], "consume") == 0) consumer_count = twin_number("consume: C", argv[i + 1], TWIN_MAX_PEERS);
        else if (strcmp(argv[i], "messages") == 0) messages = twin_number("messages: M", argv[i + 1], TWIN_MAX_MESSAGES);
        else if (strcmp(argv[i], "capacity") == 0) capacity = twin_number("capacity: K", argv[i + 1], TWIN_MAX_COUNT);
        else twin_die(2, "%s", usage);
    }
    struct worker *consumers = calloc((size_t)consumer_count, sizeof *consumers);
    struct worker *producers = calloc((size_t)producer_count, sizeof *producers);

    uint64_t started = twin_now();
    console_init(&console, STDOUT_FILENO, 1);
    queue_init(&queue, capacity > 0 ? capacity : LONG_MAX);
    gate_init(&gate);
    pthread_attr_t attributes;
    twin_thread_attributes(&attributes);
    sigset_t saved = twin_block_for_workers();
    // Consumers first, as the book starts them: they wait on the empty queue.
    for (long c = 0; c < consumer_count; c++) {
        consumers[c].id = (int)c;
        int error = pthread_create(&consumers[c].thread, &attributes, consume, &consumers[c]);
        if (error != 0) twin_die(1, "pthread_create: %s", strerror(error));
    }
    for (long p = 0; p < producer_count; p++) {
        producers[p].id = (int)p;
        atomic_fetch_add_explicit(&holders, 1, memory_order_relaxed);
        int error = pthread_create(&producers[p].thread, &attributes, produce, &producers[p]);
        if (error != 0) twin_die(1, "pthread_create: %s", strerror(error));
    }
    pthread_sigmask(SIG_SETMASK, &saved, NULL);
    producing_done();  // the main thread's own hold
    uint64_t opened = twin_now();
    gate_open(&gate);
    long produced = 0, consumed = 0;
    uint64_t last_ended = 0;
    for (long p = 0; p < producer_count; p++) {
        pthread_join(producers[p].thread, NULL);
        produced += producers[p].done;
        if (producers[p].ended > last_ended) last_ended = producers[p].ended;
    }
    for (long c = 0; c < consumer_count; c++) {
        pthread_join(consumers[c].thread, NULL);
        consumed += consumers[c].done;
        if (consumers[c].ended > last_ended) last_ended = consumers[c].ended;
    }
    static const char main_line[] = "Main thread exit\n";
    console_line(&console, main_line, sizeof main_line - 1);
    console_finish(&console);

    char bound[96] = "";
    if (capacity > 0) {
        snprintf(bound, sizeof bound, " of %ld, producers waited %ld %s",
                 capacity, queue.producer_waits, plural(queue.producer_waits, "time", "times"));
    }
    long threads = producer_count + consumer_count;
    uint64_t running = last_ended > opened ? last_ended - opened : 0;
    char start_cost[64], rate[64];
    twin_cost(start_cost, sizeof start_cost, opened - started, threads, "thread start");
    twin_rate(rate, sizeof rate, consumed, running, "msgs");
    as_second(rate);
    if (running == 0) {
        start_cost[0] = '\0';
        twin_rate(rate, sizeof rate, consumed, twin_now() - started, "msgs");
    }
    twin_summary("# produce: %ld produced, %ld consumed, %ld lost; %ld %s and %ld %s joined; the queue held at most %ld%s%s%s",
                 produced, consumed, produced - consumed - queue.count,
                 producer_count, plural(producer_count, "producer", "producers"),
                 consumer_count, plural(consumer_count, "consumer", "consumers"),
                 queue.peak, bound, start_cost, rate);
    free(consumers);
    free(producers);
    return 0;
}
