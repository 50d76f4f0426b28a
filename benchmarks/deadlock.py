#!/usr/bin/env python3
"""Measures how long after T forklab's `deadlock N timeout T` catches the
ring, against c/deadlock.c doing the same, and prints a table.

    benchmarks/deadlock.py --forklab BIN --twins DIR [--runs R] [--timeout T] [--samples] [N ...]

scripts/bench-deadlock builds both and calls this; see benchmarks/README.md.
The figure is the detection latency: the time from the start of the
experiment (forklab: the command's start, before it starts the program; C:
just before its fork) to the catch, minus T, which no watcher can beat (it
waits until nothing has moved for T). forklab gives that time as the JSON
summary's `detected_ns`, the C program on its last line. For each N the two
run in turn, A B A B ..., `--runs` times each, stdout piped to this script.
"""
import argparse, os, statistics, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from run import cpu_model  # noqa: E402  (the runner's machine line)


def forklab_run(forklab, n, timeout):
    """One `forklab --json -c 'deadlock N timeout T'`: its detected_ns."""
    import json
    command = 'deadlock {} timeout {}'.format(n, timeout)
    out = subprocess.run([forklab, '--json', '-c', command], stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, check=True, text=True).stdout
    summary = json.loads(out.splitlines()[-1])
    if summary.get('cycle') != n or 'detected_ns' not in summary:
        raise SystemExit('bench: forklab did not catch the ring: {}'.format(out.splitlines()[-1]))
    return summary['detected_ns']


def c_run(program, n, timeout):
    """One `deadlock N timeout T` of the C baseline: its detected_ns."""
    out = subprocess.run([program, str(n), 'timeout', str(timeout)], stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, check=True, text=True).stdout
    last = out.splitlines()[-1].split()
    if last[-2] != 'detected_ns':
        raise SystemExit('bench: the C baseline did not catch the ring: {}'.format(out.splitlines()[-1]))
    return int(last[-1])


def percentile(values, share):
    """The nearest-rank percentile: the smallest value with `share` of them at or below it."""
    ordered = sorted(values)
    return ordered[max(0, -(-len(ordered) * share // 100) - 1)]


def ms(ns):
    return '{:.1f} ms'.format(ns / 1e6)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--forklab', required=True, help='the forklab binary (release build)')
    parser.add_argument('--twins', required=True, help='the folder of the built C programs')
    parser.add_argument('--runs', type=int, default=20, help='runs of each per ring size (default 20)')
    parser.add_argument('--timeout', type=float, default=0.2, help='T, in seconds (default 0.2)')
    parser.add_argument('--samples', action='store_true', help='also print every latency, in ms')
    parser.add_argument('sizes', nargs='*', type=int, metavar='N', help='ring sizes (default 2 5 100)')
    options = parser.parse_args()
    if options.runs < 1:
        parser.error('runs must be at least 1')
    sizes = options.sizes or [2, 5, 100]
    forklab = os.path.abspath(options.forklab)
    baseline = os.path.join(os.path.abspath(options.twins), 'deadlock')
    timeout_ns = int(round(options.timeout * 1e9))

    print('machine: {} CPUs (nproc){}'.format(len(os.sched_getaffinity(0)), cpu_model()))
    print('runs: {} of forklab and C per ring, alternated; T = {} s; latency = detected - T'.format(
        options.runs, options.timeout))
    print('load average at the start: {:.2f} {:.2f} {:.2f}'.format(*os.getloadavg()))
    sys.stdout.flush()

    rows = []
    for n in sizes:
        forklab_run(forklab, n, options.timeout)  # warm-up: binaries into the page cache
        c_run(baseline, n, options.timeout)
        f, c = [], []
        for _ in range(options.runs):
            f.append(forklab_run(forklab, n, options.timeout) - timeout_ns)
            c.append(c_run(baseline, n, options.timeout) - timeout_ns)
            if sys.stderr.isatty():
                sys.stderr.write('.')
                sys.stderr.flush()
        rows.append((n, f, c))
    if sys.stderr.isatty():
        sys.stderr.write('\n')

    header = ('ring', 'forklab p50', 'forklab p90', 'C p50', 'C p90', 'forklab/C p50', 'forklab max', 'C max')
    table = [header]
    for n, f, c in rows:
        fm, cm = statistics.median(f), statistics.median(c)
        table.append(('deadlock {} timeout {}'.format(n, options.timeout), ms(fm), ms(percentile(f, 90)),
                      ms(cm), ms(percentile(c, 90)), '{:.2f}×'.format(fm / cm) if cm > 0 else '-',
                      ms(max(f)), ms(max(c))))
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    print()
    for k, row in enumerate(table):
        print('  '.join([row[0].ljust(widths[0])] + [cell.rjust(widths[i]) for i, cell in enumerate(row) if i > 0]))
        if k == 0:
            print('  '.join('-' * w for w in widths))
    print()
    print('Latency: from the start of the experiment (before the program is started) to the catch,')
    print('minus T; p50 the median, p90 the nearest-rank 90th percentile, max the slowest run.')
    print('load average at the end: {:.2f} {:.2f} {:.2f}'.format(*os.getloadavg()))
    if options.samples:
        print()
        for n, f, c in rows:
            print('deadlock {} | forklab: {}'.format(n, ' '.join('{:.1f}'.format(v / 1e6) for v in f)))
            print('deadlock {} | C: {}'.format(n, ' '.join('{:.1f}'.format(v / 1e6) for v in c)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
