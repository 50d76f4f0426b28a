"""The book's launcher: python3 spawn.py PROGRAM [N] [-- ARG...]

Forks N children; each runs PROGRAM with its number, as the book passes
spawned_children (or PROGRAM ARG... after --). The parent learns whether
exec worked through a close-on-exec pipe (os.pipe's are), then, once all
are started, reaps them as they end, with os.wait as the book would.
"""
import errno, os, signal, sys, time
from booktext import cost, count, number, whole_lines

# What this interpreter set for itself (SIGPIPE and SIGXFSZ ignored, its
# SIGINT handler): a child puts each back to the default before exec, and
# empties its signal mask, as forklab's children do.
changed = [sig for sig in signal.valid_signals()
           if sig not in (signal.SIGKILL, signal.SIGSTOP)
           and signal.getsignal(sig) not in (signal.SIG_DFL, None)]


def child(program, argv, status_pipe):
    for sig in changed:
        signal.signal(sig, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    try:
        os.execvp(program, argv)
    except OSError as error:
        os.write(status_pipe, error.errno.to_bytes(4, sys.byteorder))
        os._exit(127 if error.errno in (errno.ENOENT, errno.ENOTDIR) else 126)


def parent(program, spawns, arguments):
    started = time.monotonic_ns()
    spawned_children = 0
    failed, failure = None, 0
    while spawned_children < spawns:
        spawned_children += 1
        argv = [program] + (arguments if arguments is not None else [str(spawned_children)])
        readend, writeend = os.pipe()
        pid = os.fork()
        if pid == 0:
            child(program, argv, writeend)
        os.close(writeend)
        print('Child is', pid, flush=True)
        report = b''
        while True:                       # EOF alone: exec worked
            chunk = os.read(readend, 4 - len(report))
            if not chunk:
                break
            report += chunk
            if len(report) == 4:
                break
        os.close(readend)
        if len(report) == 4:
            failed, failure = pid, int.from_bytes(report, sys.byteorder)
            break                         # the others would fail the same way
    outcomes = {'exited 0': 0, 'exited non-zero': 0, 'killed by a signal': 0, 'could not run': 0}
    for i in range(spawned_children):
        pid, status = os.wait()
        if pid == failed:
            outcomes['could not run'] += 1
        elif os.WIFSIGNALED(status):
            outcomes['killed by a signal'] += 1
        else:
            outcomes['exited 0' if os.WEXITSTATUS(status) == 0 else 'exited non-zero'] += 1
        note = ''
        if os.WIFSIGNALED(status):
            note = ' (killed by {}{})'.format(signal.Signals(os.WTERMSIG(status)).name,
                                              ', core dumped' if os.WCOREDUMP(status) else '')
        print('Parent got', pid, status, (status >> 8), end=note + '\n', flush=True)
    elapsed = time.monotonic_ns() - started
    parts = ['{} {}'.format(n, what) for what, n in outcomes.items() if n]
    print('# spawn: {} started, {} reaped, 0 left{}{}'.format(
        count(spawned_children, 'child', 'children'), spawned_children,
        ' (' + ', '.join(parts) + ')' if parts else '', cost(elapsed, spawned_children, 'fork+exec+wait')))
    if failed is not None:
        sys.exit("spawn: cannot run '{}': {}".format(program, os.strerror(failure)))


if __name__ == '__main__':
    whole_lines()
    args = sys.argv[1:]
    if not args:
        sys.exit('usage: spawn.py PROGRAM [N] [-- ARG...]')
    program, rest = args[0], args[1:]
    spawns, arguments = 1, []             # no N: one child, no argument
    if rest and rest[0] != '--':
        spawns, arguments = number(rest.pop(0), 'spawn: N', 10000), None
    if rest:
        if rest[0] != '--':
            sys.exit('usage: spawn.py PROGRAM [N] [-- ARG...]')
        arguments = rest[1:]
    parent(program, spawns, arguments)
