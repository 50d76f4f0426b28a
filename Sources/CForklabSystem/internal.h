#ifndef FORKLAB_SYSTEM_INTERNAL_H
#define FORKLAB_SYSTEM_INTERNAL_H
#include <stdint.h>

/// Bit (signo - 1) set: a child puts that signal back to SIG_DFL. A plain
/// mask rather than a sigset_t, because glibc's sigaddset and sigaction
/// refuse signals 32 and 33, which a parent may still have left ignored.
extern uint64_t fl_reset_mask;

/// Sets `signo` to SIG_DFL, or reads whether it is at SIG_DFL, through the
/// raw rt_sigaction system call (async-signal-safe).
int fl_raw_set_default(int signo);
int fl_raw_is_default(int signo);

#endif
