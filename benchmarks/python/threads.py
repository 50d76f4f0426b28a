"""The book's threading.Thread program: python3 threads.py N [count C] [nolock] [nojoin]

N threads each print [t] => i for i in range(C), each print under one
stdout mutex (nolock: none, as the _thread Basic program). The threads
wait at a start gate until all exist, as forklab's do. The main thread
prints last, after join() (nojoin: first, as the _thread programs do; it
still joins before the program ends).
"""
import sys, threading, time
from booktext import cost, count, number, second, whole_lines


class MyThread(threading.Thread):
    def __init__(self, myId, count, mutex, gate):
        self.myId = myId
        self.count = count
        self.mutex = mutex
        self.gate = gate
        self.written = 0
        self.ended = 0
        threading.Thread.__init__(self)

    def run(self):
        self.gate.wait()
        for i in range(self.count):
            if self.mutex:
                with self.mutex:
                    print('[{}] => {}'.format(self.myId, i))
            else:
                print('[{}] => {}'.format(self.myId, i))
            self.written += 1
        self.ended = time.monotonic_ns()


def main(numthreads, numlines, locked, joined):
    started = time.monotonic_ns()
    stdoutmutex = threading.Lock() if locked else None
    gate = threading.Event()
    threads = []
    for i in range(numthreads):
        thread = MyThread(i, numlines, stdoutmutex, gate)
        thread.start()
        threads.append(thread)
    if not joined:
        print('Main thread exiting...')
    opened = time.monotonic_ns()
    gate.set()
    for thread in threads:
        thread.join()
    if joined:
        print('Main thread exiting...')
    lines = sum(thread.written for thread in threads)
    running = max(thread.ended for thread in threads) - opened
    print('# threads: {} started and joined, {} written{}{}'.format(
        count(numthreads, 'thread', 'threads'), count(lines, 'line', 'lines'),
        cost(opened - started, numthreads, 'thread start'), second(cost(running, lines, 'line'))))


if __name__ == '__main__':
    whole_lines()
    args = sys.argv[1:]
    if not args:
        sys.exit('usage: threads.py N [count C] [nolock] [nojoin]')
    numthreads, numlines, locked, joined = number(args.pop(0), 'threads: N', 10000), 5, True, True
    while args:
        word = args.pop(0)
        if word == 'count' and args:
            numlines = number(args.pop(0), 'threads: count', 1000000)
        elif word in ('nolock', 'nojoin'):
            locked, joined = (False, joined) if word == 'nolock' else (locked, False)
        else:
            sys.exit('usage: threads.py N [count C] [nolock] [nojoin]')
    main(numthreads, numlines, locked, joined)
