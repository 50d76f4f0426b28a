#define _GNU_SOURCE
#include "line_editor.h"
#include "history_file.h"

#include <errno.h>
#include <fcntl.h>
#include <histedit.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
#include <wchar.h>
#include <stdlib.h>
#include <string.h>

struct fl_editor {
    EditLine *el;
    History *history;
    HistEvent event;
    char *prompt;
    char *history_path;  // the history file in use, or NULL
    FILE *out;
    fl_complete_fn complete;
    void *context;
    unsigned char completion_result;
    char *line;  // the last line read, without its newline
    int wake_fd;
    fl_interrupted_fn interrupted;
    sigset_t wait_mask;  // the mask while waiting for a key: the editor's signals let in
};

// Signals a terminal sends while a line is read. EL_SIGNAL is off: libedit's
// own handlers pass every signal on with kill(0, …), which reaches forklab's
// whole process group, its parent's too when that group is shared. So, while
// el_gets runs, this file catches the ones whose default action would leave
// the terminal raw or the display stale: Ctrl-Z (SIGTSTP), Ctrl-\ (SIGQUIT)
// and window changes (SIGWINCH). SIGINT, SIGTERM and SIGHUP are forklab's own
// handlers' (see read_key). Each is blocked except inside ppoll, so none can
// land between a check and the wait.
static const int editor_signals[] = {SIGTSTP, SIGQUIT, SIGWINCH};
#define EDITOR_SIGNALS (sizeof editor_signals / sizeof editor_signals[0])
static volatile sig_atomic_t pending[EDITOR_SIGNALS];

static void note_editor_signal(int signo) {
    for (size_t i = 0; i < EDITOR_SIGNALS; i++) {
        if (editor_signals[i] == signo) pending[i] = 1;
    }
}

/// Takes the default action of `signo` (stop, or quit with a core) with the
/// terminal in normal mode, as if the signal had come with nobody catching it.
static void default_action_in_normal_mode(EditLine *el, int signo) {
    el_set(el, EL_PREP_TERM, 0);
    struct sigaction dfl, ours;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigaction(signo, &dfl, &ours);
    sigset_t one;
    sigemptyset(&one);
    sigaddset(&one, signo);
    sigprocmask(SIG_UNBLOCK, &one, NULL);
    kill(getpid(), signo);  // SIGQUIT does not come back from here
    sigprocmask(SIG_BLOCK, &one, NULL);
    sigaction(signo, &ours, NULL);
    el_set(el, EL_PREP_TERM, 1);
}

/// Acts on signals noted while waiting for a key.
static void handle_editor_signals(EditLine *el) {
    for (size_t i = 0; i < EDITOR_SIGNALS; i++) {
        if (!pending[i]) continue;
        pending[i] = 0;
        if (editor_signals[i] == SIGWINCH) {
            el_resize(el);  // the next redraw uses the new width
        } else {
            default_action_in_normal_mode(el, editor_signals[i]);
            el_set(el, EL_REFRESH);  // back from a stop: redraw the line
        }
    }
}

static char *prompt_of(EditLine *el) {
    fl_editor *editor = NULL;
    el_get(el, EL_CLIENTDATA, &editor);
    return editor ? editor->prompt : "";
}

static unsigned char complete(EditLine *el, int ch) {
    (void)ch;
    fl_editor *editor = NULL;
    el_get(el, EL_CLIENTDATA, &editor);
    if (editor == NULL || editor->complete == NULL) return CC_ERROR;
    const LineInfo *info = el_line(el);
    editor->completion_result = CC_NORM;
    editor->complete(editor->context, editor, info->buffer, (size_t)(info->cursor - info->buffer));
    return editor->completion_result;
}

/// libedit's key reader, replaced: libedit's own blocks in read(2), so a
/// Ctrl-C that lands while it is busy between two keys (a fast typist, a
/// paste) goes unseen until the next key. This one checks for an interrupt
/// before each wait and waits on the self-pipe too. Returns 1 with a key,
/// 0 at end of input, -1 with errno (EINTR for Ctrl-C).
static int read_key(EditLine *el, wchar_t *key) {
    fl_editor *editor = NULL;
    el_get(el, EL_CLIENTDATA, &editor);
    char bytes[MB_LEN_MAX];
    size_t count = 0;
    for (;;) {
        if (editor->interrupted != NULL && editor->interrupted() > 0) {
            errno = EINTR;
            return -1;
        }
        handle_editor_signals(el);
        struct pollfd waits[2] = {{.fd = STDIN_FILENO, .events = POLLIN}, {.fd = editor->wake_fd, .events = POLLIN}};
        // ppoll lets the editor's signals in only while it waits, so that
        // none can slip in between the checks above and the wait.
        if (ppoll(waits, editor->wake_fd >= 0 ? 2 : 1, NULL, &editor->wait_mask) < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        if (editor->wake_fd >= 0 && (waits[1].revents & POLLIN)) {
            char drained[64];
            while (read(editor->wake_fd, drained, sizeof drained) > 0) {}
        }
        if ((waits[0].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
        // A Ctrl-C and the keys typed after it can wake the same poll: the
        // handler has run by now, and the keys belong to the next line.
        if (editor->interrupted != NULL && editor->interrupted() > 0) continue;
        ssize_t got = read(STDIN_FILENO, bytes + count, 1);
        if (got < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            return -1;
        }
        if (got == 0) {
            *key = L'\0';
            return 0;
        }
        count++;
        mbstate_t state;
        memset(&state, 0, sizeof state);
        size_t result = mbrtowc(key, bytes, count, &state);
        if (result == (size_t)-2 && count < sizeof bytes) continue;  // more bytes to come
        if (result == (size_t)-1 || result == (size_t)-2) {
            count = 0;  // an invalid sequence: dropped, as libedit does
            continue;
        }
        return 1;
    }
}

fl_editor *fl_editor_open(const char *program, const char *prompt, int output_to_stderr,
                          fl_complete_fn complete_fn, void *context, int wake_fd,
                          fl_interrupted_fn interrupted) {
    fl_editor *editor = calloc(1, sizeof *editor);
    if (editor == NULL) return NULL;
    editor->prompt = strdup(prompt);
    editor->out = output_to_stderr ? stderr : stdout;
    editor->complete = complete_fn;
    editor->context = context;
    editor->wake_fd = wake_fd;
    editor->interrupted = interrupted;

    editor->history = history_init();
    if (editor->history == NULL) {
        fl_editor_close(editor);
        return NULL;
    }
    history(editor->history, &editor->event, H_SETSIZE, FL_HISTORY_SIZE);
    history(editor->history, &editor->event, H_SETUNIQUE, 1);

    editor->el = el_init(program, stdin, editor->out, stderr);
    if (editor->el == NULL) {
        fl_editor_close(editor);
        return NULL;
    }
    el_set(editor->el, EL_CLIENTDATA, editor);
    el_set(editor->el, EL_EDITOR, "emacs");
    el_set(editor->el, EL_SIGNAL, 0);  // see note_editor_signal
    el_set(editor->el, EL_PROMPT, prompt_of);
    el_set(editor->el, EL_GETCFN, read_key);
    el_set(editor->el, EL_HIST, history, editor->history);
    el_set(editor->el, EL_ADDFN, "forklab-complete", "Complete a command, keyword, program or path",
           complete);
    el_set(editor->el, EL_BIND, "^I", "forklab-complete", NULL);
    el_source(editor->el, NULL);  // the user's ~/.editrc, as other libedit programs do
    return editor;
}

int fl_editor_read(fl_editor *editor, const char **line, size_t *length) {
    int count = 0;
    // Raw mode before the prompt shows: libedit would switch only when it
    // reads the first key, and a key typed in that window lands in canonical
    // mode, where a Ctrl-D is turned into a NUL byte and lost.
    struct sigaction noted, old_actions[EDITOR_SIGNALS];
    memset(&noted, 0, sizeof noted);
    noted.sa_handler = note_editor_signal;
    sigemptyset(&noted.sa_mask);
    sigset_t editing, before;
    sigemptyset(&editing);
    for (size_t i = 0; i < EDITOR_SIGNALS; i++) {
        sigaction(editor_signals[i], &noted, &old_actions[i]);
        sigaddset(&editing, editor_signals[i]);
    }
    sigprocmask(SIG_BLOCK, &editing, &before);
    editor->wait_mask = before;
    for (size_t i = 0; i < EDITOR_SIGNALS; i++) sigdelset(&editor->wait_mask, editor_signals[i]);

    el_set(editor->el, EL_PREP_TERM, 1);
    errno = 0;
    const char *text = el_gets(editor->el, &count);
    int error = errno;

    // Handlers first, then the mask: a signal still pending now takes its
    // default action, with the terminal already in normal mode. One noted but
    // not yet acted on (a Ctrl-Z together with the Ctrl-C that ended the
    // read) is sent again for the same reason.
    for (size_t i = 0; i < EDITOR_SIGNALS; i++) sigaction(editor_signals[i], &old_actions[i], NULL);
    sigprocmask(SIG_SETMASK, &before, NULL);
    for (size_t i = 0; i < EDITOR_SIGNALS; i++) {
        if (pending[i]) {
            pending[i] = 0;
            if (editor_signals[i] != SIGWINCH) kill(getpid(), editor_signals[i]);
        }
    }
    errno = error;
    if (text == NULL) {
        if (count == -1 && errno == EINTR) {
            el_reset(editor->el);
            return FL_READ_INTERRUPTED;
        }
        if (count == 0) {
            // el_gets leaves the cursor after the prompt on Ctrl-D.
            fputs("\n", editor->out);
            fflush(editor->out);
            return FL_READ_END;
        }
        return FL_READ_ERROR;
    }
    size_t n = (size_t)count;
    if (n > 0 && text[n - 1] == '\n') n--;
    char *copy = malloc(n + 1);
    if (copy == NULL) return FL_READ_ERROR;
    memcpy(copy, text, n);
    copy[n] = '\0';
    free(editor->line);
    editor->line = copy;
    *line = copy;
    *length = n;
    return FL_READ_LINE;
}

int fl_editor_use_history(fl_editor *editor, const char *path, size_t longest_entry, unsigned *type) {
    int fd = -1;
    int result = fl_history_open(path, O_RDONLY, &fd, type);
    if (result == 0) {
        result = fl_history_read(fd, editor->history, longest_entry);
        close(fd);
    } else if (result == ENOENT) {
        result = 0;  // made at the first save
    }
    if (result != 0) return result;
    free(editor->history_path);
    editor->history_path = strdup(path);
    return editor->history_path ? FL_HISTORY_ON : ENOMEM;
}

int fl_editor_remember(fl_editor *editor, const char *line, unsigned *type) {
    history(editor->history, &editor->event, H_ENTER, line);
    if (editor->history_path == NULL) return 0;
    int fd = -1;
    int result = fl_history_open(editor->history_path, O_RDWR | O_CREAT, &fd, type);
    if (result == 0) {
        result = fl_history_write(fd, editor->history);
        close(fd);
    } else if (result < 0) {
        free(editor->history_path);
        editor->history_path = NULL;
    }
    return result;
}

void fl_editor_insert(fl_editor *editor, const char *text) {
    if (el_insertstr(editor->el, text) == -1) {
        editor->completion_result = CC_ERROR;
    } else {
        editor->completion_result = CC_REFRESH;
    }
}

void fl_editor_show(fl_editor *editor, const char *text) {
    fputc('\n', editor->out);
    fputs(text, editor->out);
    fflush(editor->out);
    editor->completion_result = CC_REDISPLAY;
}

void fl_editor_beep(fl_editor *editor) { editor->completion_result = CC_REFRESH_BEEP; }

void fl_editor_echo(fl_editor *editor, const char *text) {
    fputs(text, editor->out);
    fflush(editor->out);
}

int fl_editor_columns(fl_editor *editor) {
    int columns = 0;
    if (el_get(editor->el, EL_GETTC, "co", &columns) != 0 || columns <= 0) columns = 80;
    return columns;
}

void fl_editor_close(fl_editor *editor) {
    if (editor == NULL) return;
    if (editor->el) el_end(editor->el);
    if (editor->history) history_end(editor->history);
    free(editor->prompt);
    free(editor->history_path);
    free(editor->line);
    free(editor);
}

int fl_editor_set_prompt(fl_editor *editor, const char *prompt) {
    char *copy = strdup(prompt);
    if (copy == NULL) return -1;
    free(editor->prompt);
    editor->prompt = copy;
    return 0;
}
