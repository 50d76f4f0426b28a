#ifndef FORKLAB_HISTORY_FILE_H
#define FORKLAB_HISTORY_FILE_H

// The history file, read and written by forklab rather than by libedit's
// H_LOAD and H_SAVE, which take whatever the path names (a FIFO blocks them,
// a device gets fchmod 0600) and read every line of it. Same format as
// libedit's: a `_HiStOrY_V2_` line, then one strvis(3)-encoded entry a line,
// oldest first. Private to CLineEditor: Swift never sees <histedit.h>.

#include <histedit.h>
#include <stddef.h>

/// The entries libedit keeps (H_SETSIZE), and so the most that are read.
#define FL_HISTORY_SIZE 1000

/// Opens the history file at `path` with `flags` (O_RDONLY to read it,
/// O_RDWR | O_CREAT to save it; a new file is made 0600, an existing one
/// keeps its mode). Symbolic links are followed, as shells follow theirs.
/// Returns 0 with *fd open (close-on-exec), FL_HISTORY_NOT_REGULAR with
/// *type the file's type (S_IFIFO, S_IFCHR, …), FL_HISTORY_NOT_HISTORY
/// (a regular file that does not start with the header), or an errno
/// (ENOENT when there is no file and `flags` has no O_CREAT).
int fl_history_open(const char *path, int flags, int *fd, unsigned *type);

/// Enters the last FL_HISTORY_SIZE entries of the file open at `fd` into
/// `entries`, oldest first, skipping empty ones, repeats of the next one
/// (as H_SETUNIQUE would) and any longer than `longest_entry` bytes once
/// decoded. Reads from the end of the file, so a
/// large file costs only its tail. Returns 0 or an errno.
int fl_history_read(int fd, History *entries, size_t longest_entry);

/// Writes `entries` to the file open at `fd`, replacing what it held.
/// Returns 0 or an errno.
int fl_history_write(int fd, History *entries);

#endif
