"""`watchproxy prepare RECORDING`: write what a replay derives from a recording (its index and emulate's
rebuilt history) at the end of the recording itself, so that its first replay on any machine, a fresh CI
runner included, reads no events. The commands that write recordings (record, synth, redact) do this for
large ones (`after_writing`); this command is for any other file (smaller, older, foreign, left unprepared).

A version-1 file is upgraded to version 2 in place: the header's version is rewritten (one byte) and
nothing else of the session changes. A version-1 reader refuses the file with "upgrade watchproxy" instead
of stumbling on the trailer, and this version reads it as before.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import os
import sys
import time
from collections.abc import Callable
from typing import Any

from ..engines.emulate import timeline
from ..engines.store import from_index
from ..recording import index, prepared
from ..recording.errors import RecordingError
from ..recording.records import VERSION
from .progress import reading, rebuilding

MIN_BYTES = 16 * 1024 * 1024  # recordings this large are prepared when written; smaller ones are read whole as fast
WHEN = ("auto", "always", "never")


@dataclasses.dataclass(frozen=True)
class Outcome:
    already: bool  # it was prepared (for these very bytes, by these rules) already: nothing was written
    session: int = 0  # bytes of the session the prepared data describes
    added: int = 0  # bytes of prepared data written after it
    upgraded_from: int | None = None  # the header's version before it was rewritten, if it was


def wanted(size: int, when: str) -> bool:
    """Whether a recording of `size` bytes that watchproxy just wrote is prepared (`--prepare WHEN`)."""
    return when == "always" or (when == "auto" and size >= MIN_BYTES)


def add_option(parser: argparse.ArgumentParser, when: str) -> None:
    """The `--prepare WHEN` option of every command that writes a recording (record, synth, redact)."""
    parser.add_argument("--prepare", choices=WHEN, default="auto", metavar="WHEN",
                        help=f"{when}, store in the recording what its replay needs (see watchproxy prepare): "
                             f"auto (default) for {MIN_BYTES >> 20} MiB or more, always, or never")


def after_writing(command: str, path: str, when: str = "auto") -> None:
    """Prepare a recording `command` has just written, while its user expects it to take a moment, so that
    its first replay anywhere starts at once. Ctrl-C skips it (replay would derive the data), and so does a
    file that cannot be prepared: the recording is written either way, so a warning is all it gets."""
    try:
        size = os.path.getsize(path)
    except OSError:
        return
    if not wanted(size, when):
        return
    t0 = time.monotonic()
    print(f"{command}: preparing {path} for replay ({size / 1e6:,.0f} MB; Ctrl-C skips)", file=sys.stderr, flush=True)
    try:
        out = prepare(path, reading(command, path), rebuilding(command, path))
    except KeyboardInterrupt:
        print(f"{command}: skipped; the first replay will read the whole recording", file=sys.stderr)
        return
    except RecordingError as exc:
        print(f"{command}: warning: not prepared for replay: {exc}", file=sys.stderr)
        return
    print(f"{command}: ready for replay in {time.monotonic() - t0:.1f} s ({size_text(out.added)} of replay "
          "data added)", file=sys.stderr, flush=True)


def is_prepared(path: str) -> bool:
    """Whether the prepared data at the end of the file is there, for its bytes, and loads as a replay would."""
    saved_index = prepared.read(path, "index")
    saved_timeline = prepared.read(path, "timeline") if saved_index is not None else None
    if saved_index is None or saved_timeline is None:
        return False
    try:
        loaded = from_index(index.from_saved(path, saved_index))
    except Exception:  # what does not load is prepared again
        return False
    try:
        timeline.from_saved(loaded, saved_timeline)
        return True
    except Exception:
        return False
    finally:
        loaded.close()


def prepare(path: str, progress: Callable[[int, int], None] | None = None,
            rebuilt: Callable[[int, int], None] | None = None) -> Outcome:
    """Read the recording whole, rebuild its history, and put both after its session (replacing prepared
    data that no longer loads). Refuses a file whose last record is truncated: data appended after it would
    bury that record mid-file, where readers must refuse it."""
    if is_prepared(path):
        return Outcome(already=True)
    collecting = gc.isenabled()
    gc.disable()  # millions of short-lived records and drafts: collections would only rescan them
    try:
        idx = index.scan(path, progress)
        try:
            if idx.torn_tail:
                raise RecordingError(f"cannot prepare it: {idx.torn_tail.removeprefix(path + ': ')}", path=path)
            old = idx.header.version
            idx.header = dataclasses.replace(idx.header, version=max(old, VERSION))
            loaded = from_index(idx)
            built = timeline.to_saved(timeline.build(loaded, rebuilt))
            added = prepared.write(path, idx.session_end, index.to_saved(idx), built,
                                   version=VERSION if old < VERSION else None)
        finally:
            idx.source.close()
    finally:
        if collecting:
            gc.enable()
    return Outcome(False, idx.session_end, added, old if old < VERSION else None)


def size_text(n: int) -> str:
    return f"{n / 1e6:,.1f} MB" if n >= 1e6 else f"{n / 1e3:,.1f} kB"


def register(subparsers: Any) -> None:
    """Add the `prepare` sub-command to the CLI's sub-parsers."""
    p = subparsers.add_parser("prepare", help="store in a recording what its replay needs, for a fast first replay",
                              description="Read a recording whole once and write what replay derives from it "
                                          "(the index of its events and emulate's watch cache) at its end, so "
                                          "that its first replay on any machine starts at once. watchproxy "
                                          "record, synth and redact do this for recordings of "
                                          f"{MIN_BYTES >> 20} MiB or more; use this for others. A version-1 "
                                          "file becomes version 2.")
    p.add_argument("file", metavar="RECORDING", help="the recording file to prepare (changed in place)")


def run(args: argparse.Namespace) -> int:
    path = args.file
    t0 = time.monotonic()
    out = prepare(path, reading("watchproxy prepare", path), rebuilding("watchproxy prepare", path))
    if out.already:
        print(f"watchproxy prepare: {path} is prepared already", flush=True)
        return 0
    upgraded = f"; format version {out.upgraded_from} → {VERSION}" if out.upgraded_from is not None else ""
    print(f"watchproxy prepare: {path} prepared in {time.monotonic() - t0:.1f} s: {size_text(out.added)} of replay "
          f"data after its {size_text(out.session)} of records{upgraded}", flush=True)
    return 0
