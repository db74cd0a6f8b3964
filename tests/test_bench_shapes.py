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
@pytest.mark.parametrize("shape", [s for s in shapes.SHAPES if s != "captured"])
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


def test_the_captured_shape_is_the_real_apiservers_chunks_and_event_sizes() -> None:
    chunk_sizes, event_sizes = shapes.captured()
    blk = shapes.block("captured", 1000)
    chunks = _chunks(blk.data)
    assert [len(c) for c in chunks] == chunk_sizes  # chunk for chunk, as the apiserver wrote them
    body = b"".join(chunks)
    assert [len(line) + 1 for line in body.split(b"\n")[:-1]] == event_sizes == [len(e) for e in body.splitlines(True)]
    assert blk.events == len(event_sizes) and body.endswith(b"\n")
    assert 2048 in chunk_sizes and any(not c.endswith(b"\n") for c in chunks)  # a busy apiserver's cut chunks
