// The C twin of forklab's `fork N` (the book's Basic Forking loop).
//   fork [N]
// Each iteration forks; the child writes `Hello from child PID` with one
// write(2) and leaves with _exit(0); the parent writes
// `Hello from parent PPID PID`, then reaps the oldest children that have
// already ended, as forklab does after every fork; at the end it waits for
// the rest, oldest first.
#include "twin.h"

int main(int argc, char **argv) {
    twin_name = "fork";
    if (argc > 2) twin_die(2, "usage: fork [N]");
    long count = argc == 2 ? twin_number("fork: N", argv[1], TWIN_MAX_PROCESSES) : 1;
    twin_note_signals();

    uint64_t started = twin_now();
    pid_t *children = calloc((size_t)count, sizeof *children);
    long forked = 0, reaped = 0;
    pid_t parent = getpid();
    while (forked < count) {
        pid_t pid = twin_fork();
        if (pid < 0) {
            fprintf(stderr, "fork: fork failed after %ld of %ld children: %s\n", forked, count, strerror(errno));
            break;
        }
        if (pid == 0) {
            twin_child_reset_signals();
            struct twin_line line = {.used = 0};
            line_text(&line, "Hello from child ");
            line_number(&line, getpid());
            line_text(&line, "\n");
            line_write(&line, STDOUT_FILENO);
            _exit(0);
        }
        children[forked++] = pid;
        struct twin_line line = {.used = 0};
        line_text(&line, "Hello from parent ");
        line_number(&line, parent);
        line_text(&line, " ");
        line_number(&line, pid);
        line_text(&line, "\n");
        line_write(&line, STDOUT_FILENO);
        // Keeps zombies from piling up: the oldest that have ended, no further.
        int status;
        while (reaped < forked && twin_waitpid(children[reaped], &status, WNOHANG) == children[reaped]) reaped++;
    }
    for (int status; reaped < forked; reaped++) twin_waitpid(children[reaped], &status, 0);

    char cost[64];
    twin_cost(cost, sizeof cost, twin_now() - started, forked, "fork+wait");
    twin_summary("# fork: %ld %s forked, %ld reaped, %ld left%s",
                 forked, plural(forked, "child", "children"), reaped, forked - reaped, cost);
    free(children);
    return forked == count ? 0 : 1;
}
