"""The lines a person sees while a large recording is read whole (a replay of a file nobody prepared, or
preparing one): seconds to minutes of work, so they must say what is happening and that it will end.

On a terminal the line is rewritten in place; elsewhere (a CI log) each update is a line of its own, so
they come rarely. Either way updates are throttled by time, not by how often the reader reports.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

MIN_SIZE = 8 * 1024 * 1024  # smaller files are read before anyone would look at a progress line
TTY_EVERY = 0.2  # seconds between two updates of the line on a terminal
LOG_EVERY = 10.0  # seconds between two lines in a log


class ReadProgress:
    """`progress(done, size)` for RecordingReader: "<prefix>: reading FILE: 45% of 2,118 MB". The first
    call prints `intro` too (once), for a file of MIN_SIZE or more."""

    def __init__(self, prefix: str, path: str, intro: str = "", stream: TextIO | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.prefix, self.path, self.intro = prefix, path, intro
        self.stream = stream if stream is not None else sys.stderr
        self.tty = self.stream.isatty()
        self.clock = clock
        self.shown_at: float | None = None  # when the last update was printed
        self.done = False

    def __call__(self, done: int, size: int) -> None:
        if size < MIN_SIZE or self.done:
            return
        now = self.clock()
        if self.shown_at is None:
            if self.intro:
                print(f"{self.prefix}: {self.intro}", file=self.stream, flush=True)
        elif done < size and now - self.shown_at < (TTY_EVERY if self.tty else LOG_EVERY):
            return
        finished = done >= size
        self.shown_at = now
        self.done = finished
        line = f"{self.prefix}: reading {self.path}: {100 * done // size}% of {size / 1e6:,.0f} MB"
        if self.tty:
            print(f"\r\033[K{line}", end="\n" if finished else "", file=self.stream, flush=True)
        else:
            print(line, file=self.stream, flush=True)


def rebuild_note(prefix: str, path: str, after: str = "", stream: TextIO | None = None) -> Callable[[int], None]:
    """`announce(frames)` for emulate: a line before the history of a large recording is rebuilt (the
    step that takes longest; it has no percentage of its own)."""
    out = stream if stream is not None else sys.stderr

    def note(frames: int) -> None:
        if frames >= 100_000:
            print(f"{prefix}: rebuilding the watch cache from {frames:,} events of {path}{after}", file=out,
                  flush=True)

    return note
