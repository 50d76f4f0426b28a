"""How forklab's BookText writes the figures of its `#` summary lines.

Shared by the re-created book programs beside it, so that their summaries
read like forklab's, with their own measured figures.
"""
import sys


def whole_lines():
    """Makes each print() reach the kernel as one write, whatever
    PYTHONUNBUFFERED says: unbuffered, print writes its pieces one by one,
    and a child's line could tear on another process's. Buffered, lines
    gather until a flush (or 8 KiB), line by line at a terminal."""
    sys.stdout.reconfigure(write_through=False, line_buffering=sys.stdout.isatty())


def _round(value):
    """Half away from zero, as Swift's rounded() (Python's round() is not)."""
    return int(value + 0.5) if value >= 0 else -int(-value + 0.5)


def one_decimal(value):
    tenths = _round(value * 10)
    return '{}.{}'.format(tenths // 10, tenths % 10)


def cost(elapsed_ns, operations, name):
    """'; 312 µs per fork+wait': a decimal only below 100 µs, nanoseconds below 1 µs."""
    if operations <= 0:
        return ''
    ns = elapsed_ns / operations
    if ns < 999.5:
        shown = one_decimal(ns) if ns < 99.95 else str(_round(ns))
        return '; {} ns per {}'.format(shown, name)
    tenths = _round(ns / 100)
    shown = str(_round(ns / 1000)) if tenths >= 1000 else '{}.{}'.format(tenths // 10, tenths % 10)
    return '; {} µs per {}'.format(shown, name)


def rate(done, elapsed_ns, unit):
    """'; 1.9 M msgs/s': how many a second, with k or M."""
    if done <= 0 or elapsed_ns <= 0:
        return ''
    per_second = done * 1e9 / elapsed_ns
    if per_second >= 1e6:
        return '; {} M {}/s'.format(one_decimal(per_second / 1e6), unit)
    if per_second >= 1e3:
        return '; {} k {}/s'.format(one_decimal(per_second / 1e3), unit)
    return '; {} {}/s'.format(_round(per_second), unit)


def second(cost_text):
    """The second of two costs joins the first with ', ' rather than '; '."""
    return ', ' + cost_text[2:] if cost_text.startswith('; ') else cost_text


def count(n, one, many):
    return '{} {}'.format(n, one if n == 1 else many)


def number(word, what, limit):
    """A count in 1…limit, or the program stops as forklab refuses it."""
    try:
        value = int(word)
    except ValueError:
        value = 0
    if not 1 <= value <= limit:
        raise SystemExit('{} must be 1…{}, got {}'.format(what, limit, word))
    return value
