#ifndef FORKLAB_SYSTEM_INTERNAL_H
#define FORKLAB_SYSTEM_INTERNAL_H
#include <signal.h>
#include <stdint.h>
#include <errno.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

/// Bit (signo - 1) set: a child puts that signal back to SIG_DFL. A plain
/// mask rather than a sigset_t, because glibc's sigaddset and sigaction
/// refuse signals 32 and 33, which a parent may still have left ignored.
extern uint64_t fl_reset_mask;

/// The kernel's struct sigaction, which the raw rt_sigaction system call
/// takes (the same layout on x86-64 and arm64): unlike glibc's, it reaches
/// signals 32 and 33, and its mask is the 64-bit one fl_reset_mask mirrors.
struct fl_kernel_sigaction {
    void (*handler)(int);
    unsigned long flags;
    void (*restorer)(void);
    uint64_t mask;
};

/// A system call made inline, without calling into libc: a forked child runs
/// only code on pages it has touched or that sit next to its own, since each
/// new text page costs it a page fault (fork does not copy the page tables
/// of the executable's text; the child faults them in as it goes). Returns
/// the kernel's result: -errno on failure. Elsewhere than x86-64 and arm64,
/// libc's syscall(2).
__attribute__((always_inline)) static inline long fl_inline_syscall(long number, long a, long b, long c, long d) {
#if defined(__x86_64__)
    long result;
    register long r10 __asm__("r10") = d;
    __asm__ volatile("syscall"
                     : "=a"(result)
                     : "a"(number), "D"(a), "S"(b), "d"(c), "r"(r10)
                     : "rcx", "r11", "memory");
    return result;
#elif defined(__aarch64__)
    register long x8 __asm__("x8") = number;
    register long x0 __asm__("x0") = a;
    register long x1 __asm__("x1") = b;
    register long x2 __asm__("x2") = c;
    register long x3 __asm__("x3") = d;
    __asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3) : "memory");
    return x0;
#else
    long result = syscall(number, a, b, c, d);
    return result == -1 ? -errno : result;
#endif
}

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
