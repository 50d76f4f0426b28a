"""The lost update the book's mutex prevents: python3 race.py N [count C]

N threads each add one to a shared counter C times, first without a lock,
then with one. `counter += 1` is a load, an add and a store; a thread
switched out between its load and its store loses the other's updates.
CPython switches threads only between some bytecodes, so it loses far
fewer than C does, and often none.
"""
import sys, threading, time
from booktext import cost, count, number, one_decimal, second, whole_lines

counter = 0


def adder(count, mutex, gate, arrivals, stats):
    global counter
    gate.wait()
    arrivals.wait()                       # all at once, so that they add together
    for i in range(count):
        if mutex:
            with mutex:
                counter += 1
        else:
            counter += 1
    stats['ended'] = time.monotonic_ns()


def race(numthreads, count, locked):
    global counter
    counter = 0
    mutex = threading.Lock() if locked else None
    gate = threading.Event()
    arrivals = threading.Barrier(numthreads)
    stats = [{'ended': 0} for i in range(numthreads)]
    threads = [threading.Thread(target=adder, args=(count, mutex, gate, arrivals, stats[i]))
               for i in range(numthreads)]
    for thread in threads:
        thread.start()
    opened = time.monotonic_ns()
    gate.set()
    for thread in threads:
        thread.join()
    expected = numthreads * count
    print('race {}: expected {} got {} lost {}'.format('lock' if locked else 'nolock', expected, counter,
                                                       expected - counter))
    lost = expected - counter
    text = 'none lost' if lost == 0 else '{} lost ({}%)'.format(lost, one_decimal(lost * 100 / expected))
    return text + second(cost(max(s['ended'] for s in stats) - opened, expected, 'increment'))


if __name__ == '__main__':
    whole_lines()
    args = sys.argv[1:]
    if len(args) not in (1, 3) or (len(args) == 3 and args[1] != 'count'):
        sys.exit('usage: race.py N [count C]')
    numthreads = number(args[0], 'race: N', 10000)
    increments = number(args[2], 'race: count', 1000000) if len(args) == 3 else 100000
    unlocked = race(numthreads, increments, False)
    locked = race(numthreads, increments, True)
    print('# race: {} × {}; without the mutex {}; with it {}'.format(
        count(numthreads, 'thread', 'threads'), count(increments, 'increment', 'increments'), unlocked, locked))
