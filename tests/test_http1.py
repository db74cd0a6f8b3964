"""HTTP/1.1 response framing as the recorder reads watch streams: the head, and chunked bodies cut anywhere."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from watchproxy.wire.framing import JsonLines
from watchproxy.wire.http1 import ChunkedDecoder, FramingError, parse_head


def chunk(data: bytes, ext: str = "") -> bytes:
    return f"{len(data):x}{ext}\r\n".encode() + data + b"\r\n"


EVENTS = [b'{"type":"ADDED","object":{"kind":"Pod","metadata":{"name":"p%d"}}}\n' % i for i in range(40)]
BODY = b"".join(chunk(e) for e in EVENTS) + b"0\r\n\r\n"


def decode(reads: list[bytes]) -> tuple[list[bytes], ChunkedDecoder]:
    dec = ChunkedDecoder()
    out: list[bytes] = []
    for r in reads:
        out += dec.feed(r)
    return out, dec


def cut(data: bytes, rng: random.Random, most: int) -> list[bytes]:
    reads, pos = [], 0
    while pos < len(data):
        n = rng.randint(1, most)
        reads.append(data[pos:pos + n])
        pos += n
    return reads


def test_whole_chunks_in_one_read_come_out_as_the_events_themselves() -> None:
    out, dec = decode([BODY])
    assert out == EVENTS and dec.done


@pytest.mark.parametrize("most", [1, 2, 3, 7, 100, 5000])
def test_any_cut_of_the_reads_gives_the_same_bytes(most: int) -> None:
    rng = random.Random(most)
    for _ in range(20):
        out, dec = decode(cut(BODY, rng, most))
        assert b"".join(out) == b"".join(EVENTS) and dec.done
        splitter = JsonLines()
        frames = [f for piece in out for f in splitter.feed_pieces([piece])]
        assert frames == EVENTS and splitter.pending() == b""


@pytest.mark.parametrize("most", [1, 2, 3, 7, 100, 5000])
def test_views_are_the_same_pieces_as_copies(most: int) -> None:
    """The recorder's pieces are memoryviews of each read (no copy): the same bytes, cut the same way."""
    rng = random.Random(most)
    body = chunk(EVENTS[0] + EVENTS[1]) + chunk(EVENTS[2][:10]) + chunk(EVENTS[2][10:], ";x=1") + BODY
    for _ in range(20):
        reads = cut(body, rng, most)
        copies, views = ChunkedDecoder(), ChunkedDecoder()
        for r in reads:
            got = views.feed_views(r)
            assert all(type(v) is memoryview for v in got)
            assert [bytes(v) for v in got] == copies.feed(r)
        assert views.done and copies.done


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(sizes=st.lists(st.sampled_from([1, 2, 7, 16, 2048]), min_size=1, max_size=40),
       cuts=st.lists(st.integers(1, 20_000), max_size=10))
def test_runs_of_chunks_of_one_size_decode_as_any_chunks(sizes: list[int], cuts: list[int]) -> None:
    """Chunks of a size the one before had are matched as a run (one regular expression): the same bytes,
    one piece per chunk in a whole read, whatever the cuts between reads."""
    datas = [bytes([33 + i % 90]) * n for i, n in enumerate(sizes)]
    body = b"".join(map(chunk, datas)) + b"0\r\n\r\n"
    whole, dec = decode([body])
    assert whole == datas and dec.done
    marks = sorted({c % len(body) for c in cuts} - {0})
    reads = [body[a:b] for a, b in zip([0, *marks], [*marks, len(body)], strict=True)]
    out, dec = decode(reads)
    assert b"".join(out) == b"".join(datas) and dec.done


def test_a_broken_chunk_in_a_run_is_a_framing_error() -> None:
    good = chunk(b"x" * 2048)
    dec = ChunkedDecoder()
    assert dec.feed(good * 3) == [b"x" * 2048] * 3
    with pytest.raises(FramingError, match="not followed by CRLF"):
        dec.feed(good + b"800\r\n" + b"y" * 2048 + b"!!" + good)


def test_several_events_in_one_chunk_and_one_event_over_several_chunks() -> None:
    body = chunk(EVENTS[0] + EVENTS[1]) + chunk(EVENTS[2][:10]) + chunk(EVENTS[2][10:]) + b"0\r\n\r\n"
    out, dec = decode([body])
    assert JsonLines().feed_pieces(out) == EVENTS[:3] and dec.done


def test_extensions_and_trailers_are_accepted_and_ignored() -> None:
    body = chunk(EVENTS[0], ";name=value") + chunk(EVENTS[1], ' ; q="x"') + b"0;end\r\nX-Trailer: 1\r\n\r\n"
    for most in (1, 4, 1000):
        out, dec = decode(cut(body, random.Random(most), most))
        assert b"".join(out) == EVENTS[0] + EVENTS[1] and dec.done


def test_a_body_cut_short_is_not_done_and_says_how_much_is_missing() -> None:
    out, dec = decode([BODY[:30]])
    assert not dec.done and dec.pending() > 0 and b"".join(out) == EVENTS[0][:30 - 4]
    out, dec = decode([BODY[:-5]])
    assert not dec.done and dec.pending() == 0 and out == EVENTS


def test_what_follows_the_last_chunk_is_not_data() -> None:
    out, dec = decode([BODY + b"HTTP/1.1 200 OK\r\n"])
    assert out == EVENTS and dec.done
    assert dec.feed(b"more") == []


@pytest.mark.parametrize("bad", [b"zz\r\nabc\r\n", b"-1\r\n", b"3\r\nabcXY", b"1" * 5000, b";x\r\n",
                                 b"0x\r\n"])
def test_malformed_chunking_is_an_error_not_a_guess(bad: bytes) -> None:
    with pytest.raises(FramingError):
        decode([bad])


def test_runs_of_chunks_of_one_size_are_checked_chunk_by_chunk() -> None:
    """The size line of a chunk like the previous one is compared in place: a longer line that starts the
    same, a line with extensions, or a later chunk without its CRLF is still told apart."""
    same = [bytes([65 + i]) * 16 for i in range(6)]
    body = b"".join(chunk(p) for p in same) + chunk(b"x" * 256) + chunk(b"y" * 16, ";e=1") + chunk(same[0])
    out, dec = decode([body + b"0\r\n\r\n"])
    assert out == [*same, b"x" * 256, b"y" * 16, same[0]] and dec.done
    broken = b"".join(chunk(p) for p in same[:3]) + b"10\r\n" + same[3] + b"\rX" + chunk(same[4])
    with pytest.raises(FramingError):
        decode([broken])


def test_malformed_crlf_after_data_is_found_across_reads() -> None:
    with pytest.raises(FramingError):
        decode([b"3\r\nabc\r", b"X"])


def test_head_parsing_and_how_the_body_ends() -> None:
    head = parse_head(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
                      b"X-Empty:\r\n\r\n")
    assert (head.status, head.reason, head.get("content-type"), head.get("x-empty")) == (
        200, "OK", "application/json", "")
    assert head.chunked and head.body_length("GET") is None
    assert parse_head(b"HTTP/1.1 410 Gone\r\nContent-Length: 12\r\n\r\n").body_length("GET") == 12
    assert parse_head(b"HTTP/1.0 200\r\n\r\n").body_length("GET") is None  # until the server closes
    assert parse_head(b"HTTP/1.1 204 No Content\r\n\r\n").body_length("GET") == 0
    assert parse_head(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n").body_length("HEAD") == 0
    assert not parse_head(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n").chunked


@pytest.mark.parametrize("bad", [b"SSH-2.0-OpenSSH_9.6\r\n\r\n", b"HTTP/1.1 2000 OK\r\n\r\n",
                                 b"HTTP/1.1 200 OK\r\nNo colon here\r\n\r\n",
                                 b"HTTP/1.1 200 OK\r\nA: b\r\n folded\r\n\r\n",
                                 b"HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n", b"\r\n\r\n"])
def test_heads_that_are_not_http_are_refused(bad: bytes) -> None:
    with pytest.raises(FramingError):
        parse_head(bad)


@pytest.mark.parametrize("lengths", [("5", "6"), ("x",), ("-1",)])
def test_conflicting_or_invalid_content_length_is_refused(lengths: tuple[str, ...]) -> None:
    head = parse_head(b"HTTP/1.1 200 OK\r\n" + b"".join(b"Content-Length: %s\r\n" % v.encode() for v in lengths)
                      + b"\r\n")
    with pytest.raises(FramingError):
        head.body_length("GET")
