"""The chunk shapes the bench upstream can send a watch in, pre-encoded.

A real kube-apiserver writes one chunk per event when a watch is idle and exactly 2048-byte chunks cut
through events when it is busy (Go's net/http buffers 2048 bytes before the chunk writer; measured by
`python -m bench.realchunks`, docs/benchmarks.md); proxies and load balancers in front of it re-chunk in
large reads. Each shape is a block of whole events, framed once, that the upstream writes again and again
in one large write, so framing is never the upstream's work while it is measured.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

from bench import events

MIN_BLOCK = 64 * 1024  # bytes of events per write, at least

# name -> (events per chunk, or 0) and (bytes per chunk, or 0): exactly one of them is set
SHAPES: dict[str, tuple[int, int]] = {
    "event": (1, 0),  # one event per chunk: an idle apiserver
    "2048": (0, 2048),  # exactly 2048-byte chunks through events: a busy apiserver, an initial burst
    "32ev": (32, 0),  # 32 whole events per chunk: a proxy that re-chunks whole lines
    "8k": (0, 8192),  # 8 KiB chunks through events: a proxy that re-chunks reads
}
DESCRIBE = {
    "event": "one event per chunk",
    "2048": "2048-byte chunks through events",
    "32ev": "32 events per chunk",
    "8k": "8 KiB chunks through events",
}
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
def block(shape: str, size: int) -> Block:
    per_chunk, chunk_bytes = SHAPES[shape]
    n = _events_per_block(size, per_chunk, chunk_bytes)
    lines = [events.event(1000 + i, i % 1000, size=size) for i in range(n)]
    if chunk_bytes:
        body = b"".join(lines)
        data = b"".join(events.chunk(body[i:i + chunk_bytes]) for i in range(0, len(body), chunk_bytes))
    else:
        data = b"".join(events.chunk(b"".join(lines[i:i + per_chunk])) for i in range(0, n, per_chunk))
    return Block(data, n)
