#define _GNU_SOURCE
#include "line_editor.h"

#include <errno.h>
#include <histedit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fl_editor {
    EditLine *el;
    History *history;
    HistEvent event;
    char *prompt;
    char *history_path;
    FILE *out;
    fl_complete_fn complete;
    void *context;
    unsigned char completion_result;
    char *line;  // the last line read, without its newline
};

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

fl_editor *fl_editor_open(const char *program, const char *prompt, const char *history_path,
                          int output_to_stderr, fl_complete_fn complete_fn, void *context) {
    fl_editor *editor = calloc(1, sizeof *editor);
    if (editor == NULL) return NULL;
    editor->prompt = strdup(prompt);
    editor->history_path = history_path ? strdup(history_path) : NULL;
    editor->out = output_to_stderr ? stderr : stdout;
    editor->complete = complete_fn;
    editor->context = context;

    editor->history = history_init();
    if (editor->history == NULL) {
        fl_editor_close(editor);
        return NULL;
    }
    history(editor->history, &editor->event, H_SETSIZE, 1000);
    history(editor->history, &editor->event, H_SETUNIQUE, 1);
    if (editor->history_path) history(editor->history, &editor->event, H_LOAD, editor->history_path);

    editor->el = el_init(program, stdin, editor->out, stderr);
    if (editor->el == NULL) {
        fl_editor_close(editor);
        return NULL;
    }
    el_set(editor->el, EL_CLIENTDATA, editor);
    el_set(editor->el, EL_EDITOR, "emacs");
    // libedit puts the terminal back to normal mode around a signal and
    // passes it on; our SIGINT handler (no SA_RESTART) then makes el_gets
    // return with EINTR, and SIGWINCH redraws. See docs/design.md.
    el_set(editor->el, EL_SIGNAL, 1);
    el_set(editor->el, EL_PROMPT, prompt_of);
    el_set(editor->el, EL_HIST, history, editor->history);
    el_set(editor->el, EL_ADDFN, "forklab-complete", "Complete a command, keyword, program or path",
           complete);
    el_set(editor->el, EL_BIND, "^I", "forklab-complete", NULL);
    el_source(editor->el, NULL);  // the user's ~/.editrc, as other libedit programs do
    return editor;
}

int fl_editor_read(fl_editor *editor, const char **line, size_t *length) {
    int count = 0;
    errno = 0;
    const char *text = el_gets(editor->el, &count);
    if (text == NULL) {
        if (count == -1 && errno == EINTR) {
            fputs("^C\n", editor->out);
            fflush(editor->out);
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

int fl_editor_remember(fl_editor *editor, const char *line) {
    history(editor->history, &editor->event, H_ENTER, line);
    if (editor->history_path == NULL) return 0;
    errno = 0;
    if (history(editor->history, &editor->event, H_SAVE, editor->history_path) < 0) {
        return errno ? errno : EIO;
    }
    return 0;
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
