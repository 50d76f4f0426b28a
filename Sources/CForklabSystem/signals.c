#define _GNU_SOURCE
#include "forklab_system.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

// Written by a handler, read by any thread: lock-free atomics, which are
// safe in a signal handler and free of data races between threads.
static _Atomic unsigned interrupts;
static _Atomic unsigned interrupts_not_from_terminal;
static _Atomic int termination;
static _Atomic unsigned terminations;
/// Whether the last termination request came from the terminal (Ctrl-\,
/// a hang-up): the kernel sent it to a whole process group (SI_KERNEL).
static _Atomic int termination_from_terminal;
static int wake_pipe[2] = {-1, -1};

uint64_t fl_reset_mask;

/// Whether `signo` is at SIG_DFL, read through the raw rt_sigaction system
/// call, which glibc's sigaction would refuse for 32 and 33.
static int is_default(int signo) {
    struct fl_kernel_sigaction current;
    memset(&current, 0, sizeof current);
    if (syscall(SYS_rt_sigaction, signo, NULL, &current, sizeof current.mask) != 0) return 1;
    return current.handler == SIG_DFL;
}

static void note(int signo, siginfo_t *info, void *context) {
    (void)context;
    int saved = errno;
    if (signo == SIGINT) {
        atomic_fetch_add_explicit(&interrupts, 1, memory_order_relaxed);
        // A terminal's Ctrl-C reaches the whole foreground process group,
        // children included (SI_KERNEL); kill(1) reaches forklab alone.
        if (info == NULL || info->si_code != SI_KERNEL) {
            atomic_fetch_add_explicit(&interrupts_not_from_terminal, 1, memory_order_relaxed);
        }
    } else if (signo == SIGTERM || signo == SIGHUP || signo == SIGQUIT) {
        atomic_store_explicit(&termination_from_terminal, info != NULL && info->si_code == SI_KERNEL,
                              memory_order_relaxed);
        atomic_store_explicit(&termination, signo, memory_order_relaxed);
        atomic_fetch_add_explicit(&terminations, 1, memory_order_relaxed);
    }
    char byte = (char)signo;
    // Non-blocking: when the pipe is full a wake-up is already pending.
    (void)!write(wake_pipe[1], &byte, 1);
    errno = saved;
}

/// SIGURG's handler: does nothing, and that is the point. It is installed
/// without SA_RESTART, so a worker thread blocked in write(2) on a pipe nobody
/// reads returns EINTR when the main thread nudges it (fl_thread_nudge).
static void nudged(int signo) { (void)signo; }

/// Gives the main thread a stack for `note` in memory that forks leave out
/// of children (MADV_DONTFORK). On the main stack, the frame of each SIGCHLD's
/// handler lands below what the parent touched since the fork, on a page
/// the fork write-protected: a page fault per child. Children never run a
/// handler (they reset every one before they unblock signals), and a new
/// thread does not inherit the stack. Returns SA_ONSTACK, or 0 without one.
static int install_handler_stack(void) {
    static int flags = -1;
    if (flags >= 0) return flags;
    flags = 0;
    size_t size = 64 * 1024;
    void *stack = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (stack == MAP_FAILED) return flags;
    (void)madvise(stack, size, MADV_DONTFORK);
    stack_t alternate = {.ss_sp = stack, .ss_flags = 0, .ss_size = size};
    if (sigaltstack(&alternate, NULL) != 0) {
        munmap(stack, size);
        return flags;
    }
    flags = SA_ONSTACK;
    return flags;
}

int fl_signals_install(void) {
    if (wake_pipe[0] < 0 && pipe2(wake_pipe, O_CLOEXEC | O_NONBLOCK) != 0) return -1;
    int onstack = install_handler_stack();

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = note;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_SIGINFO | onstack;  // no SA_RESTART: a Ctrl-C must end a blocking read or waitpid
    if (sigaction(SIGINT, &sa, NULL) != 0) return -1;
    if (sigaction(SIGTERM, &sa, NULL) != 0) return -1;
    // SIGHUP and SIGQUIT: unless forklab's parent chose to ignore them
    // (nohup; a shell's background job). SIGQUIT is a request to end, as
    // SIGTERM is: left at its default it would kill forklab at once and
    // leave its children to nobody. At the prompt the line editor takes
    // Ctrl-\ itself (line_editor.c), to put the terminal back first.
    static const int ending[] = {SIGHUP, SIGQUIT};
    for (size_t i = 0; i < sizeof ending / sizeof ending[0]; i++) {
        struct sigaction current;
        if (sigaction(ending[i], NULL, &current) == 0 && current.sa_handler != SIG_IGN) {
            if (sigaction(ending[i], &sa, NULL) != 0) return -1;
        }
    }
    sa.sa_flags = SA_SIGINFO | SA_RESTART | SA_NOCLDSTOP | onstack;
    if (sigaction(SIGCHLD, &sa, NULL) != 0) return -1;
    struct sigaction nudge;
    memset(&nudge, 0, sizeof nudge);
    nudge.sa_handler = nudged;
    sigemptyset(&nudge.sa_mask);
    if (sigaction(SIGURG, &nudge, NULL) != 0) return -1;
    struct sigaction ignore;
    memset(&ignore, 0, sizeof ignore);
    ignore.sa_handler = SIG_IGN;
    if (sigaction(SIGPIPE, &ignore, NULL) != 0) return -1;
    // A write past RLIMIT_FSIZE then fails with EFBIG, an error forklab
    // reports, instead of killing it with its children orphaned and a
    // file half written. Children get SIGXFSZ back at its default (below).
    if (sigaction(SIGXFSZ, &ignore, NULL) != 0) return -1;

    // Everything not at its default now, including what forklab's own parent
    // ignored (nohup's SIGHUP, a shell's SIGQUIT), is reset in children.
    // A mask inherited from forklab's parent must not hide the signals it
    // waits for: a blocked SIGCHLD would leave a wait with no wake-up.
    sigset_t needed;
    sigemptyset(&needed);
    sigaddset(&needed, SIGINT);
    sigaddset(&needed, SIGCHLD);
    sigaddset(&needed, SIGTERM);
    sigaddset(&needed, SIGHUP);
    sigaddset(&needed, SIGQUIT);
    if (sigprocmask(SIG_UNBLOCK, &needed, NULL) != 0) return -1;
    // SIGURG is for worker threads only (fl_thread_nudge): one sent to
    // forklab from outside waits, blocked, instead of interrupting the main
    // thread's calls. Children start with an empty mask.
    sigset_t urgent;
    sigemptyset(&urgent);
    sigaddset(&urgent, SIGURG);
    if (pthread_sigmask(SIG_BLOCK, &urgent, NULL) != 0) return -1;

    uint64_t mask = 0;
    for (int signo = 1; signo <= 64; signo++) {
        if (signo == SIGKILL || signo == SIGSTOP) continue;
        if (!is_default(signo)) mask |= (uint64_t)1 << (signo - 1);
    }
    fl_reset_mask = mask;
    return 0;
}

int fl_wake_fd(void) { return wake_pipe[0]; }

void fl_wake(void) {
    int saved = errno;
    char byte = 0;
    (void)!write(wake_pipe[1], &byte, 1);
    errno = saved;
}

int fl_block_for_workers(sigset_t *saved) {
    sigset_t workers;
    sigfillset(&workers);
    sigdelset(&workers, SIGURG);
    // A fault in a worker must still be reported as itself (and dump core):
    // blocked, the kernel would kill the process with no handler or message.
    static const int faults[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGSYS, SIGABRT};
    for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++) sigdelset(&workers, faults[i]);
    return pthread_sigmask(SIG_SETMASK, &workers, saved);
}

int fl_restore_mask(const sigset_t *saved) { return pthread_sigmask(SIG_SETMASK, saved, NULL); }

int fl_thread_nudge(pthread_t thread) { return pthread_kill(thread, SIGURG); }

void fl_wake_drain(void) {
    char sink[64];
    // A short read emptied the pipe (a pipe's read takes all there is, up
    // to the count): no second read to be told EAGAIN, which would also
    // write errno, and so a page of the parent's, after every fork.
    while (read(wake_pipe[0], sink, sizeof sink) == (ssize_t)sizeof sink) {}
}

unsigned fl_interrupts(void) { return atomic_load_explicit(&interrupts, memory_order_relaxed); }

int fl_termination(void) { return atomic_load_explicit(&termination, memory_order_relaxed); }

int fl_termination_from_terminal(void) {
    return atomic_load_explicit(&termination_from_terminal, memory_order_relaxed);
}

int fl_note_hangup(void) {
    struct sigaction current;
    if (sigaction(SIGHUP, NULL, &current) != 0 || (current.sa_flags & SA_SIGINFO) == 0
        || current.sa_sigaction != note) {
        return 0;  // SIGHUP ignored (nohup), or the line editor's for now: not ours to note
    }
    int none = 0;
    // Noted once: a hang-up seen by several writes is one request, not a
    // second one (which would mean "no more grace").
    if (atomic_compare_exchange_strong(&termination, &none, SIGHUP)) {
        atomic_store_explicit(&termination_from_terminal, 1, memory_order_relaxed);
        atomic_fetch_add_explicit(&terminations, 1, memory_order_relaxed);
        fl_wake();
    }
    return 1;
}

unsigned fl_stop_requests(void) {
    return atomic_load_explicit(&interrupts, memory_order_relaxed)
         + atomic_load_explicit(&terminations, memory_order_relaxed);
}

unsigned fl_interrupts_not_from_terminal(void) {
    return atomic_load_explicit(&interrupts_not_from_terminal, memory_order_relaxed);
}

void fl_interrupts_clear(void) {
    atomic_store_explicit(&interrupts, 0, memory_order_relaxed);
    atomic_store_explicit(&interrupts_not_from_terminal, 0, memory_order_relaxed);
}

