"""The book's Fork() Exit Status, N times: python3 forkexit.py [N]

Each child adds one to its copy of exitstat, says so and exits with it;
the parent waits for that child and prints the raw status and the code.
Every child prints 1: each changed only its own copy.
"""
import os, sys, time
from booktext import cost, count, number, whole_lines

exitstat = 0


def child():
    global exitstat
    exitstat += 1
    print('Hello from child', os.getpid(), exitstat, flush=True)
    os._exit(exitstat)


def parent(forks):
    started = time.monotonic_ns()
    codes = {}
    for i in range(forks):
        newpid = os.fork()
        if newpid == 0:
            child()
        pid, status = os.waitpid(newpid, 0)
        codes[status >> 8] = codes.get(status >> 8, 0) + 1
        print('Parent got', pid, status, (status >> 8), flush=True)
    elapsed = time.monotonic_ns() - started
    text = 'forkexit: {} reaped'.format(count(forks, 'child', 'children'))
    if list(codes) == [1]:
        text += ', it exited 1' if forks == 1 else ', each exited 1'
        text += "; the parent's exitstat is still {}: each child changed only its own copy".format(exitstat)
    else:
        parts = ['{} exited {}'.format(codes[code], code) for code in sorted(codes)]
        text += " ({}); the parent's exitstat is {}".format(', '.join(parts), exitstat)
    print('# ' + text + cost(elapsed, forks, 'fork+wait'))


if __name__ == '__main__':
    whole_lines()
    parent(number(sys.argv[1], 'forkexit: N', 10000) if len(sys.argv) > 1 else 1)
