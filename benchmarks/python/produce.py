"""The book's Producer Consumer with Queue:
python3 produce.py P [consume C] [messages M] [capacity K]

P producer threads each put M strings on one queue.Queue; C consumer
threads get them and print them under a stdout lock. Unlike the book,
nobody sleeps and hopes: the last producer to finish puts one None per
consumer behind the messages, and a consumer that gets None is done. Then
every message has been consumed exactly once, and the main thread exits.

This is slow next to forklab and C: about 4 µs a message here (and up to
30 µs on a slower machine), so the benchmark's 4 × 250000 messages take
about 5 s a run (up to 30 s).
"""
import queue, sys, threading, time
from booktext import cost, count, number, rate, second, whole_lines


class BookQueue(queue.Queue):
    """queue.Queue, also counting under its own lock the most messages it held,
    and how often a producer found it full."""

    def __init__(self, maxsize=0):
        queue.Queue.__init__(self, maxsize)
        self.held = self.peak = self.producer_waits = 0

    def put(self, item, counted=True):
        with self.not_full:
            if 0 < self.maxsize <= self._qsize():
                self.producer_waits += counted
                while self._qsize() >= self.maxsize:
                    self.not_full.wait()
            self._put(item)
            self.unfinished_tasks += 1
            self.not_empty.notify()

    def _put(self, item):
        queue.Queue._put(self, item)
        if item is not None:
            self.held += 1
            self.peak = max(self.peak, self.held)

    def _get(self):
        item = queue.Queue._get(self)
        if item is not None:
            self.held -= 1
        return item


def producer(idnum, stats):
    gate.wait()
    for msgnum in range(nummessages):
        dataQueue.put('[producer id={}, count={}]'.format(idnum, msgnum))
        stats['done'] += 1
    global producing
    with holders:
        producing -= 1
        last = producing == 0
    if last:
        for i in range(numconsumers):
            dataQueue.put(None, counted=False)
    stats['ended'] = time.monotonic_ns()


def consumer(idnum, stats):
    while True:
        data = dataQueue.get()
        if data is None:
            break
        with safeprint:
            print('consumer', idnum, 'got =>', data)
        stats['done'] += 1
    stats['ended'] = time.monotonic_ns()


if __name__ == '__main__':
    whole_lines()
    args = sys.argv[1:]
    numproducers, numconsumers, nummessages, capacity = 4, 2, 4, 0
    if args and args[0].isdigit():
        numproducers = number(args.pop(0), 'produce: P', 1000)
    while args:
        if len(args) < 2 or args[0] not in ('produce', 'consume', 'messages', 'capacity'):
            sys.exit('usage: produce.py P [consume C] [messages M] [capacity K]')
        word, value = args.pop(0), args.pop(0)
        if word == 'produce': numproducers = number(value, 'produce: P', 1000)
        if word == 'consume': numconsumers = number(value, 'consume: C', 1000)
        if word == 'messages': nummessages = number(value, 'messages: M', 10000000)
        if word == 'capacity': capacity = number(value, 'capacity: K', 1000000)

    started = time.monotonic_ns()
    safeprint = threading.Lock()
    dataQueue = BookQueue(capacity)
    gate = threading.Event()
    holders = threading.Lock()
    producing = numproducers
    consumers = [{'done': 0, 'ended': 0} for i in range(numconsumers)]
    producers = [{'done': 0, 'ended': 0} for i in range(numproducers)]
    threads = []
    for i in range(numconsumers):             # consumers first, as the book
        threads.append(threading.Thread(target=consumer, args=(i, consumers[i])))
        threads[-1].start()
    for i in range(numproducers):
        threads.append(threading.Thread(target=producer, args=(i, producers[i])))
        threads[-1].start()
    opened = time.monotonic_ns()
    gate.set()
    for thread in threads:
        thread.join()
    print('Main thread exit')

    produced = sum(stats['done'] for stats in producers)
    consumed = sum(stats['done'] for stats in consumers)
    running = max(stats['ended'] for stats in producers + consumers) - opened
    text = 'produce: {} produced, {} consumed, {} lost; {} and {} joined; the queue held at most {}'.format(
        produced, consumed, produced - consumed - dataQueue.held,
        count(numproducers, 'producer', 'producers'), count(numconsumers, 'consumer', 'consumers'), dataQueue.peak)
    if capacity:
        text += ' of {}, producers waited {}'.format(capacity, count(dataQueue.producer_waits, 'time', 'times'))
    print('# ' + text + cost(opened - started, numproducers + numconsumers, 'thread start')
          + second(rate(consumed, running, 'msgs')))
