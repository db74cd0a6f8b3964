"""The bench upstream's chunk shapes are what they claim: valid chunked framing of whole events of the
asked size, chunked as an idle apiserver (one event a chunk), a busy one (exactly 2048 bytes through
events) or a re-chunking proxy does, so the record figures of docs/benchmarks.md measure those shapes."""

from __future__ import annotations

import pytest
from watchproxy.wire.http1 import ChunkedDecoder

from bench import shapes


def _chunks(data: bytes) -> list[bytes]:
    out = []
    pos = 0
    while pos < len(data):
        i = data.index(b"\r\n", pos)
        size = int(data[pos:i], 16)
        out.append(data[i + 2:i + 2 + size])
        assert data[i + 2 + size:i + 4 + size] == b"\r\n"
        pos = i + 4 + size
    return out


@pytest.mark.parametrize("size", shapes.SIZES)
@pytest.mark.parametrize("shape", list(shapes.SHAPES))
def test_each_shape_is_whole_events_of_the_size_in_its_chunking(shape: str, size: int) -> None:
    blk = shapes.block(shape, size)
    chunks = _chunks(blk.data)
    body = b"".join(chunks)
    lines = body.split(b"\n")
    assert lines[-1] == b""  # the block ends at the end of an event
    assert len(lines) - 1 == blk.events
    assert all(len(line) + 1 == size for line in lines[:-1])
    assert b"".join(ChunkedDecoder().feed(blk.data)) == body  # as the recorder de-chunks it
    per_chunk, chunk_bytes = shapes.SHAPES[shape]
    if chunk_bytes:
        assert {len(c) for c in chunks} == {chunk_bytes}
        if size % chunk_bytes:
            assert any(not c.endswith(b"\n") for c in chunks)  # cut through events
    else:
        assert {c.count(b"\n") for c in chunks} == {per_chunk}
        assert all(c.endswith(b"\n") for c in chunks)
