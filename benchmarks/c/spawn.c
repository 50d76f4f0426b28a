// The C twin of forklab's `spawn PROGRAM [N] [-- ARG…]` (the book's
// launcher).
//   spawn PROGRAM [N] [-- ARG…]
// Each iteration makes a close-on-exec pipe and forks; the child puts its
// signals back to their defaults, empties its mask and calls execvp (child i
// runs `PROGRAM i` when N is given, `PROGRAM ARG…` after `--`). If exec
// fails it writes its errno into the pipe and exits 127 (126 when the
// program exists but cannot run). The parent writes `Child is PID`, then
// reads the pipe to its end: EOF alone means exec worked. When all are
// started it reaps them in the order they end and writes
// `Parent got PID STATUS CODE` for each.
#include "twin.h"

#include <fcntl.h>

int main(int argc, char **argv) {
    twin_name = "spawn";
    if (argc < 2) twin_die(2, "usage: spawn PROGRAM [N] [-- ARG…]");
    const char *program = argv[1];
    long count = 1;
    int numbered = 0;
    int next = 2;
    if (next < argc && strcmp(argv[next], "--") != 0) {
        count = twin_number("spawn: N", argv[next], TWIN_MAX_PROCESSES);
        numbered = 1;
        next++;
    }
    char **arguments = NULL;
    int argument_count = 0;
    if (next < argc) {
        if (strcmp(argv[next], "--") != 0) twin_die(2, "usage: spawn PROGRAM [N] [-- ARG…]");
        arguments = argv + next + 1;
        argument_count = argc - next - 1;
        numbered = 0;
    }
    // The vector each child execs: PROGRAM, then its number or the ARGs.
    char **child_argv = calloc((size_t)argument_count + 3, sizeof *child_argv);
    child_argv[0] = (char *)program;
    for (int i = 0; i < argument_count; i++) child_argv[i + 1] = arguments[i];
    char number[24];
    twin_note_signals();

    uint64_t started = twin_now();
    long launched = 0, reaped = 0;
    long exited_zero = 0, exited_nonzero = 0, killed = 0, could_not_run = 0;
    pid_t failed = -1;
    int exec_error = 0;
    while (launched < count) {
        if (numbered) {
            snprintf(number, sizeof number, "%ld", launched + 1);
            child_argv[1] = number;
        }
        int status_pipe[2];
        if (pipe2(status_pipe, O_CLOEXEC) != 0) twin_die(1, "pipe2: %s", strerror(errno));
        pid_t pid = twin_fork();
        if (pid == 0) {
            twin_child_reset_signals();
            execvp(program, child_argv);
            int error = errno;
            twin_write_all(status_pipe[1], (const char *)&error, sizeof error);
            _exit(error == ENOENT || error == ENOTDIR ? 127 : 126);
        }
        close(status_pipe[1]);
        if (pid < 0) {
            close(status_pipe[0]);
            fprintf(stderr, "spawn: fork failed after %ld of %ld children: %s\n", launched, count, strerror(errno));
            break;
        }
        launched++;
        struct twin_line line = {.used = 0};
        line_text(&line, "Child is ");
        line_number(&line, pid);
        line_text(&line, "\n");
        line_write(&line, STDOUT_FILENO);
        // Four bytes: exec failed with that errno. EOF alone: it worked.
        int error = 0;
        size_t got = 0;
        while (got < sizeof error) {
            ssize_t n = read(status_pipe[0], (char *)&error + got, sizeof error - got);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            got += (size_t)n;
        }
        close(status_pipe[0]);
        if (got == sizeof error) {
            failed = pid;
            exec_error = error;
            break;  // the others would fail the same way
        }
    }

    // Our only children are the ones just started: waiting for any of them
    // reaps them in the order they end, as forklab's reaper does by polling
    // its own pids.
    while (reaped < launched) {
        int status = 0;
        pid_t pid = twin_waitpid(-1, &status, 0);
        if (pid < 0) break;
        reaped++;
        if (pid == failed) could_not_run++;
        else if (WIFSIGNALED(status)) killed++;
        else if (WEXITSTATUS(status) == 0) exited_zero++;
        else exited_nonzero++;
        twin_parent_got(pid, status);
    }

    char outcomes[256] = "";
    const char *separator = " (";
    int used = 0;
    struct { long n; const char *what; } parts[] = {
        {exited_zero, "exited 0"}, {exited_nonzero, "exited non-zero"},
        {killed, "killed by a signal"}, {could_not_run, "could not run"},
    };
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        if (parts[i].n == 0) continue;
        used += snprintf(outcomes + used, sizeof outcomes - (size_t)used, "%s%ld %s", separator, parts[i].n, parts[i].what);
        separator = ", ";
    }
    if (used > 0) snprintf(outcomes + used, sizeof outcomes - (size_t)used, ")");
    char cost[64];
    twin_cost(cost, sizeof cost, twin_now() - started, launched, "fork+exec+wait");
    twin_summary("# spawn: %ld %s started, %ld reaped, %ld left%s%s",
                 launched, plural(launched, "child", "children"), reaped, launched - reaped, outcomes, cost);
    if (failed >= 0) {
        fprintf(stderr, "spawn: cannot run '%s': %s\n", program, strerror(exec_error));
        return 1;
    }
    free(child_argv);
    return launched == count ? 0 : 1;
}
