// The C twin of forklab's `threads N [count C] [nolock] [nojoin]` (the
// book's _thread and threading programs).
//   threads N [count C] [nolock] [nojoin]
// N pthreads wait at a start gate until all exist; then thread t writes
// `[t] => i` for i = 0…C-1 through the console (locked: gathered under one
// mutex; nolock: text and newline as two raw writes). The main thread
// writes `Main thread exiting...` after joining them (nojoin: before it
// opens the gate, as the _thread programs print first).
#include "twin.h"

struct counter {
    pthread_t thread;
    struct twin_console *console;
    struct twin_gate *gate;
    int id;
    long count;
    long written;
    uint64_t ended;  // when its last line was out
};

static void *count_lines(void *context) {
    struct counter *self = context;
    gate_wait(self->gate);
    for (long i = 0; i < self->count; i++) {
        struct twin_line line = {.used = 0};
        line_text(&line, "[");
        line_number(&line, self->id);
        line_text(&line, "] => ");
        line_number(&line, i);
        line_text(&line, "\n");
        console_line(self->console, line.bytes, line.used);
        self->written++;
    }
    self->ended = twin_now();
    return NULL;
}

int main(int argc, char **argv) {
    twin_name = "threads";
    if (argc < 2) twin_die(2, "usage: threads N [count C] [nolock] [nojoin]");
    long wanted = twin_number("threads: N", argv[1], TWIN_MAX_PROCESSES);
    long count = 5;
    int locked = 1, joined = 1;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "count") == 0 && i + 1 < argc) count = twin_number("threads: count", argv[++i], TWIN_MAX_COUNT);
        else if (strcmp(argv[i], "nolock") == 0) locked = 0;
        else if (strcmp(argv[i], "nojoin") == 0) joined = 0;
        else twin_die(2, "usage: threads N [count C] [nolock] [nojoin]");
    }
    static struct twin_console console;
    struct twin_gate gate;
    struct counter *threads = calloc((size_t)wanted, sizeof *threads);
    static const char main_line[] = "Main thread exiting...\n";

    uint64_t started = twin_now();
    console_init(&console, STDOUT_FILENO, locked);
    gate_init(&gate);
    pthread_attr_t attributes;
    twin_thread_attributes(&attributes);
    sigset_t saved = twin_block_for_workers();
    long made = 0;
    for (; made < wanted; made++) {
        threads[made] = (struct counter){.console = &console, .gate = &gate, .id = (int)made, .count = count};
        int error = pthread_create(&threads[made].thread, &attributes, count_lines, &threads[made]);
        if (error != 0) {
            fprintf(stderr, "threads: pthread_create failed after %ld of %ld threads: %s\n", made, wanted, strerror(error));
            break;
        }
    }
    pthread_sigmask(SIG_SETMASK, &saved, NULL);
    if (!joined) console_line(&console, main_line, sizeof main_line - 1);
    uint64_t opened = twin_now();
    gate_open(&gate);
    long lines = 0;
    uint64_t last_ended = 0;
    for (long t = 0; t < made; t++) {
        pthread_join(threads[t].thread, NULL);
        lines += threads[t].written;
        if (threads[t].ended > last_ended) last_ended = threads[t].ended;
    }
    if (joined) console_line(&console, main_line, sizeof main_line - 1);
    console_finish(&console);

    char start_cost[64], line_cost[64];
    uint64_t running = last_ended > opened ? last_ended - opened : 0;
    twin_cost(start_cost, sizeof start_cost, opened - started, made, "thread start");
    twin_cost(line_cost, sizeof line_cost, running, lines, "line");
    char threads_text[96], lines_text[96];
    if (made == wanted) snprintf(threads_text, sizeof threads_text, "%ld %s started and joined", made, plural(made, "thread", "threads"));
    else snprintf(threads_text, sizeof threads_text, "%ld of %ld threads started, %ld joined", made, wanted, made);
    if (lines == wanted * count) snprintf(lines_text, sizeof lines_text, "%ld %s", lines, plural(lines, "line", "lines"));
    else snprintf(lines_text, sizeof lines_text, "%ld of %ld lines", lines, wanted * count);
    if (running > 0 && made > 0) {
        as_second(line_cost);
        twin_summary("# threads: %s, %s written%s%s", threads_text, lines_text, start_cost, line_cost);
    } else {
        twin_cost(line_cost, sizeof line_cost, twin_now() - started, lines, "line");
        twin_summary("# threads: %s, %s written%s", threads_text, lines_text, line_cost);
    }
    free(threads);
    return made == wanted ? 0 : 1;
}
