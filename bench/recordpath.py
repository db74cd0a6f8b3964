"""`python -m bench.recordpath [--profile SHAPE:SIZE]`: the record path's own work per event, in isolation.

Feeds the pre-encoded blocks of every chunk shape (bench/shapes.py), cut into socket reads of 64 KiB, through
what the recorder does with each read of a JSON watch — de-chunk (proxy/wire/http1.py), find the events and
join them into the bytes to forward (proxy/wire/framing.py `JsonLines.feed_read`), write them as one
`frames` record (proxy/recording/writer.py, into a temporary file) — with no sockets and no event loop,
and prints the CPU time of this process per event, in user space and in the kernel. Unlike the end-to-end
rates, this is steady on a busy machine: it is what changes to those modules are measured with
(docs/benchmarks.md). `--profile` runs one cell under cProfile.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
from pathlib import Path

from bench import shapes
from proxy.recording import Header, RecordingWriter
from proxy.wire.framing import JsonLines
from proxy.wire.http1 import ChunkedDecoder

READ = 64 * 1024
TARGET_EVENTS = 400_000
MAX_BYTES = 400 << 20  # of events per cell, so 8 KB events do not take long
DISTINCT = 4 << 20  # bytes of distinct reads


def reads(shape: str, size: int) -> tuple[list[bytes], int]:
    """Socket reads of a stream of the shape's blocks, and how many events they hold. A few megabytes of
    distinct reads (the last one shorter, so that the list can be fed again and again as one stream):
    the bytes a socket read returns are fresh in the cache, and so are these."""
    blk = shapes.block(shape, size)
    stream = blk.data * max(1, DISTINCT // len(blk.data))
    got = [stream[i:i + READ] for i in range(0, len(stream), READ)]
    return got, blk.events * (len(stream) // len(blk.data))


def run_path(got: list[bytes], times: int, out: Path) -> int:
    """What the recorder does with each read (proxy/engines/recorder.py `_relay`); returns events seen."""
    decoder = ChunkedDecoder()
    splitter = JsonLines()
    writer = RecordingWriter(out, Header(started_at="2026-01-01T00:00:00Z", generator="bench.recordpath"))
    n = 0
    try:
        for _ in range(times):
            for data in got:
                pieces = decoder.feed_views(data)
                if not pieces:
                    continue
                joined, end, sizes = splitter.feed_read(pieces)  # the whole events, joined: what is forwarded
                if not sizes:
                    continue
                writer.write_joined(1, 0.5, joined if end == len(joined) else memoryview(joined)[:end], sizes)
                n += len(sizes)
    finally:
        writer.close()
    return n


def _times(events: int, size: int) -> int:
    return max(1, min(TARGET_EVENTS, MAX_BYTES // size) // events)


def measure(shape: str, size: int, rounds: int = 3) -> tuple[float, float]:
    """Microseconds of CPU per event in user space and in the kernel (the file writes), of the round with
    the median user time among `rounds`."""
    got, events = reads(shape, size)
    times = _times(events, size)
    expect = events * times
    per: list[tuple[float, float]] = []
    with tempfile.TemporaryDirectory(prefix="watchproxy-recordpath-") as d:
        for _ in range(rounds):
            t0 = os.times()
            n = run_path(got, times, Path(d) / "out.msgpack")
            t1 = os.times()
            per.append(((t1.user - t0.user) / n * 1e6, (t1.system - t0.system) / n * 1e6))
            if n != expect:
                raise AssertionError(f"{shape}/{size}: {n} events out of {expect}")
    return sorted(per)[len(per) // 2]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.recordpath", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--profile", metavar="SHAPE:SIZE", help="profile one cell (e.g. 2048:1000) instead")
    p.add_argument("--rounds", type=int, default=5, help="rounds per cell (the median is printed)")
    a = p.parse_args(argv)
    if a.profile:
        shape, _, size = a.profile.partition(":")
        got, events = reads(shape, int(size or 1000))
        with tempfile.TemporaryDirectory() as d:
            prof = cProfile.Profile()
            prof.runcall(run_path, got, _times(events, int(size or 1000)), Path(d) / "out.msgpack")
        pstats.Stats(prof).sort_stats("tottime").print_stats(15)
        return 0
    print("CPU per event: user (the record path's Python and C) + kernel (the file writes)")
    print("| shape | " + " | ".join(f"{z:,} B" for z in shapes.SIZES) + " |")
    print("| --- | " + " | ".join("---" for _ in shapes.SIZES) + " |")
    for shape in shapes.SHAPES:
        if shape == "captured":  # its own event sizes: one figure, in the column nearest to them
            u, k = measure(shape, shapes.SIZES[1], a.rounds)
            print(f"| {shapes.DESCRIBE[shape]} ({shapes.captured_description()}) | — | {u:.2f} + {k:.2f} µs | — |",
                  flush=True)
            continue
        cells = [measure(shape, z, a.rounds) for z in shapes.SIZES]
        print(f"| {shapes.DESCRIBE[shape]} | " + " | ".join(f"{u:.2f} + {k:.2f} µs" for u, k in cells) + " |",
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
