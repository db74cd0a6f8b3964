"""The lines a person sees while a large recording is read whole and emulate's history rebuilt from it (a
replay of a file nobody prepared, or preparing one): seconds to minutes of work, so they must say what is
happening and that it will end.

On a terminal the line is rewritten in place; elsewhere (a CI log) each update is a line of its own, so
they come rarely. Either way updates are throttled by time, not by how often the work reports.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

READ_MIN = 8 * 1024 * 1024  # smaller files are read before anyone would look at a progress line
REBUILD_MIN = 100_000  # events: fewer are gone through in well under a second
TTY_EVERY = 0.2  # seconds between two updates of the line on a terminal
LOG_EVERY = 10.0  # seconds between two lines in a log


class Progress:
    """`progress(done, total)`: "<prefix>: <doing>: 45% of <total, as `amount` says it>". The first call
    prints `intro` too (once). Nothing at all below `min_total`."""

    def __init__(self, prefix: str, doing: str, amount: Callable[[int], str], min_total: int = 0,
                 intro: str = "", stream: TextIO | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.prefix, self.doing, self.amount, self.min_total, self.intro = prefix, doing, amount, min_total, intro
        self.stream = stream if stream is not None else sys.stderr
        self.tty = self.stream.isatty()
        self.clock = clock
        self.shown_at: float | None = None  # when the last update was printed
        self.finished = False

    def __call__(self, done: int, total: int) -> None:
        if total < self.min_total or total <= 0 or self.finished:
            return
        now = self.clock()
        if self.shown_at is None:
            if self.intro:
                print(f"{self.prefix}: {self.intro}", file=self.stream, flush=True)
        elif done < total and now - self.shown_at < (TTY_EVERY if self.tty else LOG_EVERY):
            return
        self.shown_at = now
        self.finished = done >= total
        line = f"{self.prefix}: {self.doing}: {100 * done // total}% of {self.amount(total)}"
        if self.tty:
            print(f"\r\033[K{line}", end="\n" if self.finished else "", file=self.stream, flush=True)
        else:
            print(line, file=self.stream, flush=True)


def reading(prefix: str, path: str, intro: str = "", stream: TextIO | None = None,
            clock: Callable[[], float] = time.monotonic) -> Progress:
    """For RecordingReader's `progress(bytes read, size)`."""
    return Progress(prefix, f"reading {path}", lambda size: f"{size / 1e6:,.0f} MB", READ_MIN, intro, stream, clock)


def rebuilding(prefix: str, path: str, intro: str = "", stream: TextIO | None = None,
               clock: Callable[[], float] = time.monotonic) -> Progress:
    """For emulate's rebuild of its history, `progress(frames gone through, frames)`."""
    return Progress(prefix, f"rebuilding the watch cache of {path}", lambda n: f"{n:,} events", REBUILD_MIN,
                    intro, stream, clock)
