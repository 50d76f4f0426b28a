#!/usr/bin/env python3
"""Runs forklab, its C twin and the book's program re-created in Python on
the same experiments, alternately, and prints a table of medians.

    benchmarks/run.py --forklab BIN --twins DIR [--rounds R] [--python-rounds R]
                      [--startup-runs N] [--samples] [EXPERIMENT ...]

scripts/bench builds everything and calls this; see benchmarks/README.md.
Each experiment runs its programs in turn, A B C A B C ..., so that a
machine that slows down or speeds up during the run weighs on all of them
alike. Every run is one process, stdin and stdout on /dev/null (the
terminal is not what is measured), stderr inherited, started by the small C
stopwatch c/measure.c: its wall time runs from just before posix_spawn to
just after wait4, and its peak RSS is wait4's ru_maxrss (the largest of the
process and the children it reaped). measure.c says why not from here.
"""
import argparse, os, platform, shutil, signal, statistics, sys

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON_DIR = os.path.join(HERE, 'python')

# key, forklab's command, a tiny one for the warm-up, and the C program when
# it is not the twin of the command's name. The C program and the Python
# program take the command's words after its name.
EXPERIMENTS = [
    ('fork', 'fork 2000', 'fork 2'),
    ('forkexit', 'forkexit 1000', 'forkexit 2'),
    ('spawn', 'spawn /bin/true 500', 'spawn /bin/true 2'),
    ('threads-1000', 'threads 1000 count 1', 'threads 2 count 1'),
    ('threads-10', 'threads 10 count 10000', 'threads 2 count 1'),
    # Not a twin: the plain C program issue 12 measured forklab against
    # (default pthread attributes, printf under a mutex, no start gate).
    ('threads-plain', 'threads 1000 count 1', 'threads 2 count 1', 'threads_plain'),
    # Python's is the slowest run of the table: about 4-5 s here (4 µs a
    # message through queue.Queue and print; 30 s on a slower machine).
    # --python-rounds lowers its share of the run, if that is too long.
    ('produce', 'produce 4 consume 2 messages 250000', 'produce 1 consume 1 messages 1'),
    ('race', 'race 2 count 1000000', 'race 2 count 1'),
]
STARTUP = 'startup'
MEASURE = None  # the stopwatch, built beside the twins (c/measure.c)

# Signals this interpreter ignores (SIGPIPE, SIGXFSZ) would stay ignored
# through exec: every program measured starts with them at the default.
RESET = tuple(sig for sig in signal.valid_signals()
              if sig not in (signal.SIGKILL, signal.SIGSTOP)
              and signal.getsignal(sig) == signal.SIG_IGN)


class Sample:
    def __init__(self, ns, rss_kib, status):
        self.ns, self.rss_kib, self.status = ns, rss_kib, status


def run_once(argv):
    """One run of argv through the `measure` stopwatch: its wall time, peak
    RSS and wait status."""
    report, report_end = os.pipe()
    actions = [(os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
               (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
               (os.POSIX_SPAWN_DUP2, report_end, 3)]
    pid = os.posix_spawn(MEASURE, [MEASURE] + argv, os.environ, file_actions=actions,
                         setsigdef=RESET, setsigmask=())
    os.close(report_end)
    with os.fdopen(report) as reader:
        words = reader.read().split()
    _, status = os.waitpid(pid, 0)
    if status != 0 or len(words) != 3:
        raise SystemExit('bench: could not measure {}'.format(' '.join(argv)))
    return Sample(int(words[0]), int(words[1]), int(words[2]))


class Program:
    """One contender in an experiment: its argv and what it measured."""

    def __init__(self, label, argv, rounds):
        self.label, self.argv, self.rounds = label, argv, rounds
        self.samples = []
        self.failures = 0

    def run(self):
        sample = run_once(self.argv)
        if sample.status != 0:
            self.failures += 1
            print('bench: {} ended with status {:#x}'.format(' '.join(self.argv), sample.status), file=sys.stderr)
        else:
            self.samples.append(sample)

    def best_ns(self):
        return min(s.ns for s in self.samples) if self.samples else None

    def median_ns(self):
        return statistics.median(s.ns for s in self.samples) if self.samples else None

    def peak_rss(self):
        return max(s.rss_kib for s in self.samples) / 1024 if self.samples else None


def contenders(command, forklab, twins, python, python_rounds, rounds, c_program=None):
    words = command.split()
    name, args = words[0], words[1:]
    return [Program('forklab', [forklab, '-c', command], rounds),
            Program('C', [os.path.join(twins, c_program or name)] + args, rounds),
            Program('Python', [python, os.path.join(PYTHON_DIR, name + '.py')] + args, python_rounds)]


def alternate(programs):
    """A B C A B C ...: each program as many rounds as it is given."""
    for round_number in range(max(p.rounds for p in programs)):
        for program in programs:
            if round_number < program.rounds:
                program.run()
                progress()


def progress():
    if sys.stderr.isatty():
        sys.stderr.write('.')
        sys.stderr.flush()


def cpu_model():
    try:
        with open('/proc/cpuinfo') as info:
            for line in info:
                if line.startswith('model name'):
                    return ' of ' + line.split(':', 1)[1].strip()
    except OSError:
        pass
    return ''


def duration(ns):
    if ns is None:
        return '-'
    if ns >= 10e9:
        return '{:.1f} s'.format(ns / 1e9)
    if ns >= 1e9:
        return '{:.2f} s'.format(ns / 1e9)
    if ns >= 100e6:
        return '{:.0f} ms'.format(ns / 1e6)
    if ns >= 10e6:
        return '{:.1f} ms'.format(ns / 1e6)
    return '{:.2f} ms'.format(ns / 1e6)


def ratio(a, b):
    return '{:.2f}×'.format(a / b) if a and b else '-'


def mib(value):
    return '-' if value is None else '{:.1f}'.format(value)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--forklab', required=True, help='the forklab binary (release build)')
    parser.add_argument('--twins', required=True, help='the folder of the built C twins and hellos')
    parser.add_argument('--rounds', type=int, default=9, help='runs of forklab and of C per experiment (default 9)')
    parser.add_argument('--python-rounds', type=int, default=None,
                        help='runs of each Python program (default and at most --rounds); '
                             'its produce alone takes about 5 s a run here')
    parser.add_argument('--startup-runs', type=int, default=30, help='runs of each program for startup (default 30)')
    parser.add_argument('--samples', action='store_true', help='also print every run, in ms')
    keys = [key for key, *_ in EXPERIMENTS] + [STARTUP]
    parser.add_argument('experiments', nargs='*', metavar='EXPERIMENT',
                        help='some of: {} (threads: every threads row); default all'.format(', '.join(keys)))
    options = parser.parse_args()
    if options.python_rounds is None:
        options.python_rounds = options.rounds
    if options.rounds < 1 or options.python_rounds < 0 or options.startup_runs < 1:
        parser.error('rounds must be at least 1')
    chosen = []
    for word in options.experiments or keys:
        matched = [key for key in keys if key == word or key.startswith(word + '-')]
        if not matched:
            parser.error('unknown experiment {!r}; choose from {}'.format(word, ', '.join(keys)))
        chosen += [key for key in matched if key not in chosen]

    global MEASURE
    MEASURE = os.path.join(os.path.abspath(options.twins), 'measure')
    python = shutil.which('python3') or sys.executable
    forklab = os.path.abspath(options.forklab)
    python_rounds = min(options.python_rounds, options.rounds)
    print('machine: {} CPUs (nproc){}, {} {} {}; Python {}'.format(
        len(os.sched_getaffinity(0)), cpu_model(), platform.system(), platform.release(), platform.machine(),
        platform.python_version()))
    print('rounds: {} of forklab and C, {} of Python, alternated; startup: {} runs of each; '
          'medians of wall time; stdout to /dev/null'.format(options.rounds, python_rounds, options.startup_runs))
    print('load average at the start: {:.2f} {:.2f} {:.2f}'.format(*os.getloadavg()))
    sys.stdout.flush()

    rows = []
    for key, command, tiny, *c_program in EXPERIMENTS:
        if key not in chosen:
            continue
        c_program = c_program[0] if c_program else None
        for program in contenders(tiny, forklab, options.twins, python, 1, 1, c_program):
            program.run()  # warm-up: binaries and libraries into the page cache
        programs = contenders(command, forklab, options.twins, python, python_rounds, options.rounds, c_program)
        alternate(programs)
        rows.append((command + (', C: ' + c_program if c_program else ''), programs))

    if STARTUP in chosen:
        hello_c = os.path.join(options.twins, 'hello')
        hello_swift = os.path.join(options.twins, 'hello-swift')
        startup = [Program('forklab', [forklab, '-c', 'q'], options.startup_runs),
                   Program('C', [hello_c], options.startup_runs),
                   Program('Python', [python, '-c', 'pass'], options.startup_runs),
                   Program('Swift', [hello_swift], options.startup_runs),
                   Program('Python -S', [python, '-S', '-c', 'pass'], options.startup_runs)]
        for program in startup:
            run_once(program.argv)  # warm-up
        alternate(startup)
        forklab_q, c, py, swift, py_s = startup
        rows.append(('startup: forklab -c q, C hello, python3 -c pass', [forklab_q, c, py]))
        rows.append(('startup: forklab -c q, Swift hello, python3 -S -c pass', [forklab_q, swift, py_s]))
    if sys.stderr.isatty():
        sys.stderr.write('\n')

    header = ('experiment', 'forklab', 'C', 'Python', 'forklab/C', 'Python/forklab',
              'RSS forklab', 'RSS C', 'RSS Python', 'best forklab/C')
    table = [header]
    for title, (f, c, p) in rows:
        fm, cm, pm = f.median_ns(), c.median_ns(), p.median_ns()
        table.append((title, duration(fm), duration(cm), duration(pm), ratio(fm, cm), ratio(pm, fm),
                      mib(f.peak_rss()), mib(c.peak_rss()), mib(p.peak_rss()), ratio(f.best_ns(), c.best_ns())))
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    print()
    for n, row in enumerate(table):
        cells = [row[0].ljust(widths[0])] + [cell.rjust(widths[i]) for i, cell in enumerate(row) if i > 0]
        print('  '.join(cells).rstrip())
        if n == 0:
            print('  '.join('-' * w for w in widths))
    print()
    print('Times are medians of whole runs (start to reaped); RSS is the peak (MiB) over the runs,')
    print('child processes included; best forklab/C is the ratio of the fastest runs, which other')
    print('load on the machine disturbs least. For startup the C column is the C hello, then the')
    print('Swift hello (swiftc -O -static-executable); the Python column is python3 -c pass, then')
    print('python3 -S -c pass.')
    print('load average at the end: {:.2f} {:.2f} {:.2f}'.format(*os.getloadavg()))
    if options.samples:
        print()
        for title, programs in rows:
            for program in programs:
                print('{} | {}: {}'.format(title, program.label,
                                           ' '.join('{:.2f}'.format(s.ns / 1e6) for s in program.samples)))
    failed = sum(p.failures for _, programs in rows for p in programs)
    if failed:
        print('bench: {} runs failed (above); their times are left out'.format(failed), file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
