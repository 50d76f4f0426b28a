#ifndef FORKLAB_SYSTEM_INTERNAL_H
#define FORKLAB_SYSTEM_INTERNAL_H
#include <signal.h>

extern sigset_t fl_reset_set;

#endif
