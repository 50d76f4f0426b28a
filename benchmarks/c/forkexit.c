// The C twin of forklab's `forkexit N` (the book's Fork() Exit Status).
//   forkexit [N]
// Each iteration forks; the child adds one to its copy of exitstat, writes
// `Hello from child PID EXITSTAT` and leaves with _exit(EXITSTAT); the
// parent waits for that child and writes `Parent got PID STATUS CODE`.
#include "twin.h"

static int exitstat = 0;

int main(int argc, char **argv) {
    twin_name = "forkexit";
    if (argc > 2) twin_die(2, "usage: forkexit [N]");
    long count = argc == 2 ? twin_number("forkexit: N", argv[1], TWIN_MAX_PROCESSES) : 1;
    twin_note_signals();

    uint64_t started = twin_now();
    long forked = 0, reaped = 0, killed = 0;
    long codes[256] = {0};
    while (forked < count) {
        pid_t pid = twin_fork();
        if (pid < 0) {
            fprintf(stderr, "forkexit: fork failed after %ld of %ld children: %s\n", forked, count, strerror(errno));
            break;
        }
        if (pid == 0) {
            twin_child_reset_signals();
            exitstat += 1;  // the child's own copy: the parent's stays 0
            struct twin_line line = {.used = 0};
            line_text(&line, "Hello from child ");
            line_number(&line, getpid());
            line_text(&line, " ");
            line_number(&line, exitstat);
            line_text(&line, "\n");
            line_write(&line, STDOUT_FILENO);
            _exit(exitstat);
        }
        forked++;
        int status = 0;
        if (twin_waitpid(pid, &status, 0) != pid) continue;
        reaped++;
        if (WIFEXITED(status)) codes[WEXITSTATUS(status)]++;
        else killed++;
        twin_parent_got(pid, status);
    }

    char text[512];
    int used;
    if (forked == reaped) {
        used = snprintf(text, sizeof text, "# forkexit: %ld %s reaped", forked, plural(forked, "child", "children"));
    } else {
        used = snprintf(text, sizeof text, "# forkexit: %ld %s forked, %ld reaped, %ld left",
                        forked, plural(forked, "child", "children"), reaped, forked - reaped);
    }
    if (codes[1] == reaped && killed == 0 && reaped > 0) {
        used += snprintf(text + used, sizeof text - (size_t)used,
                         "%s; the parent's exitstat is still %d: each child changed only its own copy",
                         forked == 1 ? ", it exited 1" : ", each exited 1", exitstat);
    } else if (reaped > 0) {
        const char *separator = " (";
        for (int code = 0; code < 256; code++) {
            if (codes[code] == 0) continue;
            used += snprintf(text + used, sizeof text - (size_t)used, "%s%ld exited %d", separator, codes[code], code);
            separator = ", ";
        }
        if (killed > 0) used += snprintf(text + used, sizeof text - (size_t)used, "%s%ld killed by a signal", separator, killed);
        used += snprintf(text + used, sizeof text - (size_t)used, "); the parent's exitstat is %d", exitstat);
    }
    char cost[64];
    twin_cost(cost, sizeof cost, twin_now() - started, forked, "fork+wait");
    twin_summary("%s%s", text, cost);
    return forked == count ? 0 : 1;
}
