"""The chunk shapes the bench upstream can send a watch in, pre-encoded.

A real kube-apiserver writes one chunk per event when a watch is idle and exactly 2048-byte chunks cut
through events when it is busy (Go's net/http buffers 2048 bytes before the chunk writer; measured by
`python -m bench.realchunks`, docs/benchmarks.md); proxies and load balancers in front of it re-chunk in
large reads. Each shape is a block of whole events, framed once, that the upstream writes again and again
in one large write, so framing is never the upstream's work while it is measured. The `captured` shape is
the real apiserver's own chunking, chunk for chunk and event size for event size, as
`python -m bench.realchunks --save bench/captured_chunks.json` captured it (a busy watch, then an initial
burst): it has its own event sizes, so it is measured at one size only.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bench import events

MIN_BLOCK = 64 * 1024  # bytes of events per write, at least

# name -> (events per chunk, or 0) and (bytes per chunk, or 0): exactly one of them is set
SHAPES: dict[str, tuple[int, int]] = {
    "event": (1, 0),  # one event per chunk: an idle apiserver
    "2048": (0, 2048),  # exactly 2048-byte chunks through events: a busy apiserver, an initial burst
    "32ev": (32, 0),  # 32 whole events per chunk: a proxy that re-chunks whole lines
    "8k": (0, 8192),  # 8 KiB chunks through events: a proxy that re-chunks reads
    "captured": (0, 0),  # the real kube-apiserver's chunks, as captured (CAPTURED)
}
DESCRIBE = {
    "event": "one event per chunk",
    "2048": "2048-byte chunks through events",
    "32ev": "32 events per chunk",
    "8k": "8 KiB chunks through events",
    "captured": "chunks as the real kube-apiserver wrote them",
}
CAPTURED = Path(__file__).with_name("captured_chunks.json")
# Event sizes in bytes. Not 1024 and 8192: those divide the chunk sizes, so 2048-byte chunks would hold two
# whole events each instead of cutting through them (a real apiserver's events are of any size: 1,126 B in
# the measurement above).
SIZES = (300, 1000, 8000)


@dataclass(frozen=True)
class Block:
    data: bytes  # the chunked framing of `events` whole events
    events: int


def _events_per_block(size: int, per_chunk: int, chunk_bytes: int) -> int:
    """Whole events that fill whole chunks (so every block starts a chunk and an event at once)."""
    n = math.lcm(size, chunk_bytes) // size if chunk_bytes else per_chunk
    return n * max(1, math.ceil(MIN_BLOCK / (n * size)))


@cache
def captured() -> tuple[list[int], list[int]]:
    """(chunk sizes, event sizes) of the captured watches, one after the other (each ends with a whole event)."""
    doc = json.loads(CAPTURED.read_text())
    chunks = [n for w in doc["watches"].values() for n in w["chunks"]]
    sizes = [n for w in doc["watches"].values() for n in w["events"]]
    return chunks, sizes


def captured_description() -> str:
    sizes = captured()[1]
    return f"events as captured ({min(sizes):,}–{max(sizes):,} B, {sum(sizes) // len(sizes):,} B on average)"


def _captured_block() -> Block:
    chunk_sizes, sizes = captured()
    body = b"".join(events.event(1000 + i, i % 1000, size=n) for i, n in enumerate(sizes))
    out, pos = [], 0
    for n in chunk_sizes:
        out.append(events.chunk(body[pos:pos + n]))
        pos += n
    if pos < len(body):  # a capture cut short: the rest in one chunk, so the block ends with a whole event
        out.append(events.chunk(body[pos:]))
    return Block(b"".join(out), len(sizes))


@cache
def block(shape: str, size: int) -> Block:
    """The shape's pre-encoded block of events of `size` bytes (`captured`: the captured sizes)."""
    if shape == "captured":
        return _captured_block()
    per_chunk, chunk_bytes = SHAPES[shape]
    n = _events_per_block(size, per_chunk, chunk_bytes)
    lines = [events.event(1000 + i, i % 1000, size=size) for i in range(n)]
    if chunk_bytes:
        body = b"".join(lines)
        data = b"".join(events.chunk(body[i:i + chunk_bytes]) for i in range(0, len(body), chunk_bytes))
    else:
        data = b"".join(events.chunk(b"".join(lines[i:i + per_chunk])) for i in range(0, n, per_chunk))
    return Block(data, n)
