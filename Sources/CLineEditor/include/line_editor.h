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

/// Opens an editor on the terminal at stdin, with a history kept in memory
/// (see fl_editor_use_history for a file). Echo and prompt go to stdout,
/// or to stderr when `output_to_stderr` (stdout is redirected). Keys are
/// read with poll(2) on stdin and `wake_fd` (a self-pipe a signal handler
/// writes to), and `interrupted` is asked before every wait, so that a
/// Ctrl-C ends the read however it falls between keys. Returns NULL on
/// failure.
fl_editor *fl_editor_open(const char *program, const char *prompt, int output_to_stderr,
                          fl_complete_fn complete, void *context, int wake_fd,
                          fl_interrupted_fn interrupted);

/// What became of a history file (besides an errno, which is positive).
enum fl_history_result {
    /// In use: read, or not there yet (then made at the first save).
    FL_HISTORY_ON = 0,
    /// A FIFO, a device, a directory, a socket: neither read nor written.
    FL_HISTORY_NOT_REGULAR = -1,
    /// A regular file that does not start with `_HiStOrY_V2_`: someone
    /// else's, neither read nor written.
    FL_HISTORY_NOT_HISTORY = -2,
};

/// Reads the history file at `path` (its last 1000 entries, skipping any
/// longer than `longest_entry` bytes) and saves the history there after
/// every line from now on. The file is open only while it is read or
/// written, so no child inherits it; a FIFO or a terminal never blocks.
/// Returns FL_HISTORY_ON, or why not (FL_HISTORY_NOT_REGULAR with *type
/// the file's type, S_IFIFO and so on; FL_HISTORY_NOT_HISTORY; an errno
/// when it cannot be read): then the history stays in memory only.
int fl_editor_use_history(fl_editor *editor, const char *path, size_t longest_entry, unsigned *type);

/// Result of fl_editor_read.
enum fl_read_result { FL_READ_LINE = 1, FL_READ_END = 0, FL_READ_INTERRUPTED = -1, FL_READ_ERROR = -2 };

/// Reads one line. On FL_READ_LINE *line points at the text (without its
/// newline) until the next call. On FL_READ_INTERRUPTED (`interrupted` said
/// so: Ctrl-C, or a request to end) the line has been cleared; read again
/// for a new prompt.
int fl_editor_read(fl_editor *editor, const char **line, size_t *length);

/// Adds a line to the history and saves it to the history file in use, if
/// any (a new file is created 0600; an existing one keeps its mode).
/// Returns 0; an errno when the file could not be written; or
/// FL_HISTORY_NOT_REGULAR (with *type) or FL_HISTORY_NOT_HISTORY when the
/// path names something else by now: then the file is no longer used.
int fl_editor_remember(fl_editor *editor, const char *line, unsigned *type);

/// Inserts text at the cursor (from a completion callback).
void fl_editor_insert(fl_editor *editor, const char *text);

/// Prints text below the line, then redraws the prompt and line.
void fl_editor_show(fl_editor *editor, const char *text);

/// Writes text where the prompt goes (after an interrupted read, say).
void fl_editor_echo(fl_editor *editor, const char *text);

/// Replaces the prompt for the next reads (`quiz` asks with `answer> `).
/// Returns 0, or -1 when no memory is left (the prompt is then unchanged).
int fl_editor_set_prompt(fl_editor *editor, const char *prompt);

/// Rings the bell (from a completion callback).
void fl_editor_beep(fl_editor *editor);

/// The terminal's width in columns.
int fl_editor_columns(fl_editor *editor);

/// Frees the editor; the terminal is left as found.
void fl_editor_close(fl_editor *editor);

#ifdef __cplusplus
}
#endif

#endif
