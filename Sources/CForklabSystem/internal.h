#ifndef FORKLAB_SYSTEM_INTERNAL_H
#define FORKLAB_SYSTEM_INTERNAL_H
#include <signal.h>
#include <stdint.h>
#include <sys/types.h>

/// Bit (signo - 1) set: a child puts that signal back to SIG_DFL. A plain
/// mask rather than a sigset_t, because glibc's sigaddset and sigaction
/// refuse signals 32 and 33, which a parent may still have left ignored.
extern uint64_t fl_reset_mask;

/// Sets `signo` to SIG_DFL, or reads whether it is at SIG_DFL, through the
/// raw rt_sigaction system call (async-signal-safe).
int fl_raw_set_default(int signo);
int fl_raw_is_default(int signo);

/// In a child: puts every signal forklab changed back to SIG_DFL and
/// empties the mask (async-signal-safe).
void fl_child_reset_signals(void);

/// Blocks every signal across fork so that no handler of forklab's runs in
/// the child before the child has reset it. Returns -2 without forking
/// (and without touching *saved) when the mask cannot be set.
pid_t fl_fork_blocked(sigset_t *saved);

/// Puts the parent's mask back after fl_fork_blocked (or a vfork with every
/// signal blocked), keeping errno; -2 becomes -1.
pid_t fl_fork_restore_mask(pid_t pid, const sigset_t *saved);

#endif
