"""The book's Basic Forking, N times: python3 fork.py [N]

Each child says hello and leaves with os._exit; the parent says hello for
each. Unlike the book, the parent reaps every child, as forklab does:
after each fork the oldest children that have already ended, at the end
the rest.
"""
import os, sys, time
from booktext import cost, count, number, whole_lines


def child():
    # flush: os._exit skips stdio, and the line would be lost in a pipe
    print('Hello from child', os.getpid(), flush=True)
    os._exit(0)


def parent(forks):
    started = time.monotonic_ns()
    children = []                     # forked, not reaped yet, oldest first
    reaped = 0
    for i in range(forks):
        newpid = os.fork()
        if newpid == 0:
            child()
        children.append(newpid)
        # the book's input() flushed each line; we flush it ourselves
        print('Hello from parent', os.getpid(), newpid, flush=True)
        while children and os.waitpid(children[0], os.WNOHANG)[0] == children[0]:
            children.pop(0)
            reaped += 1
    for pid in children:
        os.waitpid(pid, 0)
        reaped += 1
    elapsed = time.monotonic_ns() - started
    print('# fork: {} forked, {} reaped, {} left{}'.format(
        count(forks, 'child', 'children'), reaped, forks - reaped, cost(elapsed, forks, 'fork+wait')))


if __name__ == '__main__':
    whole_lines()
    parent(number(sys.argv[1], 'fork: N', 10000) if len(sys.argv) > 1 else 1)
