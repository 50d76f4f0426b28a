#ifndef FORKLAB_LINE_EDITOR_H
#define FORKLAB_LINE_EDITOR_H

// Typed wrappers over libedit. el_set, el_get and history are C variadics,
// which Swift cannot call; <histedit.h> stays out of this header so that
// Swift sees only these fixed signatures.

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fl_editor fl_editor;

/// Called on TAB with the text before the cursor. The callee answers with
/// fl_editor_insert, fl_editor_show or fl_editor_beep (or nothing).
typedef void (*fl_complete_fn)(void *context, fl_editor *editor, const char *before_cursor,
                               size_t length);

/// Says how many interrupts (Ctrl-C) are pending; non-zero ends a read.
typedef unsigned (*fl_interrupted_fn)(void);

/// Opens an editor on the terminal at stdin. Echo and prompt go to stdout,
/// or to stderr when `output_to_stderr` (stdout is redirected).
/// `history_path` may be NULL (no history file). Keys are read with poll(2)
/// on stdin and `wake_fd` (a self-pipe a signal handler writes to), and
/// `interrupted` is asked before every wait, so that a Ctrl-C ends the read
/// however it falls between keys. Returns NULL on failure.
fl_editor *fl_editor_open(const char *program, const char *prompt, const char *history_path,
                          int output_to_stderr, fl_complete_fn complete, void *context,
                          int wake_fd, fl_interrupted_fn interrupted);

/// Result of fl_editor_read.
enum fl_read_result { FL_READ_LINE = 1, FL_READ_END = 0, FL_READ_INTERRUPTED = -1, FL_READ_ERROR = -2 };

/// Reads one line. On FL_READ_LINE *line points at the text (without its
/// newline) until the next call. On FL_READ_INTERRUPTED (`interrupted` said
/// so: Ctrl-C, or a request to end) the line has been cleared; read again
/// for a new prompt.
int fl_editor_read(fl_editor *editor, const char **line, size_t *length);

/// Adds a line to the history and saves the history file (created 0600).
/// Returns 0, or an errno when the file could not be written.
int fl_editor_remember(fl_editor *editor, const char *line);

/// Inserts text at the cursor (from a completion callback).
void fl_editor_insert(fl_editor *editor, const char *text);

/// Prints text below the line, then redraws the prompt and line.
void fl_editor_show(fl_editor *editor, const char *text);

/// Writes text where the prompt goes (after an interrupted read, say).
void fl_editor_echo(fl_editor *editor, const char *text);

/// Rings the bell (from a completion callback).
void fl_editor_beep(fl_editor *editor);

/// The terminal's width in columns.
int fl_editor_columns(fl_editor *editor);

/// Saves the history and frees the editor; the terminal is left as found.
void fl_editor_close(fl_editor *editor);

#ifdef __cplusplus
}
#endif

#endif
