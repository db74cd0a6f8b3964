"""The reader against hostile input: whatever the bytes, reading either succeeds or raises RecordingError,
quickly and in bounded memory. Never another exception, never a hang, never a huge allocation."""

from __future__ import annotations

import contextlib
import math
import os
import signal
import struct
import threading
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgpack
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from watchproxy.recording import (
    End,
    EndHow,
    Frame,
    Header,
    Record,
    RecordingError,
    RecordingReader,
    RecordingWriter,
    Request,
    Response,
)

FUZZ = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
MiB = 1024 * 1024
READ_SECONDS = 10.0  # per read; every input here is at most a few hundred KiB


class Hang(BaseException):
    """Raised by the watchdog; a BaseException so the reader's `except Exception` cannot swallow it."""


@contextlib.contextmanager
def watchdog(seconds: float) -> Iterator[None]:
    """Fail instead of hanging: SIGALRM interrupts a read that takes too long (main thread, POSIX only)."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def fire(signum: int, frame: Any) -> None:
        raise Hang(f"reading took more than {seconds} s")

    old = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def read_all(path: Path) -> tuple[list[Record] | None, RecordingError | None]:
    """Read every record; returns (records, None) or (None, error). Any other exception fails the test."""
    with watchdog(READ_SECONDS):
        try:
            with RecordingReader(path) as reader:
                return list(reader.records()), None
        except RecordingError as exc:
            assert str(exc), "a RecordingError must say what is wrong"
            return None, exc


def read_bytes(tmp_path: Path, data: bytes) -> tuple[list[Record] | None, RecordingError | None]:
    path = tmp_path / "fuzz.msgpack"
    path.write_bytes(data)
    return read_all(path)


# --- a valid recording to mutate ---------------------------------------------------------------------------------

HEADER = Header(started_at="2025-03-01T12:00:00Z", upstream="https://10.0.0.1:6443", upstream_version="v1.34.0",
                redactions=("header:authorization",), meta={"min_request_timeout": 1800})
RECORDS: list[Record] = [
    Request(1, 0.0, "GET", "/api/v1/namespaces/default/pods", "resourceVersion=5&watch=true",
            (("Accept", "application/json"),)),
    Response(1, 0.01, 200, "OK", (("Content-Type", "application/json"),)),
    *[Frame(1, 0.5 * i, b'{"type":"MODIFIED","object":{"kind":"Pod","metadata":{"resourceVersion":"%d"}}}\n' % i)
      for i in range(1, 6)],
    Request(2, 1.0, "GET", "/version", ""),
    Response(2, 1.01, 200, "OK"),
    Frame(2, 1.02, b'{"major":"1","minor":"34"}'),
    End(2, 1.03, EndHow.COMPLETE),
    End(1, 3.0, EndHow.UPSTREAM_ERROR, "upstream: reset"),
]


@pytest.fixture(scope="module")
def valid_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("valid") / "valid.msgpack"
    w = RecordingWriter(path, HEADER)
    w.write(*RECORDS)
    w.close()
    return path.read_bytes()


def _header_len(data: bytes) -> int:
    unpacker = msgpack.Unpacker()
    unpacker.feed(data)
    next(unpacker)
    return int(unpacker.tell())


# --- mutations ------------------------------------------------------------------------------------------------------

_mutation = st.one_of(
    st.tuples(st.just("flip"), st.integers(0, 10**6), st.integers(0, 7)),
    st.tuples(st.just("set"), st.integers(0, 10**6), st.integers(0, 255)),
    st.tuples(st.just("truncate"), st.integers(0, 10**6)),
    st.tuples(st.just("insert"), st.integers(0, 10**6), st.binary(min_size=1, max_size=16)),
    st.tuples(st.just("delete"), st.integers(0, 10**6), st.integers(1, 32)),
    st.tuples(st.just("duplicate"), st.integers(0, 10**6), st.integers(1, 256), st.integers(0, 10**6)),
)


def mutate(data: bytes, ops: list[tuple[Any, ...]]) -> bytes:
    buf = bytearray(data)
    for op in ops:
        if not buf:
            break
        pos = op[1] % len(buf)
        if op[0] == "flip":
            buf[pos] ^= 1 << op[2]
        elif op[0] == "set":
            buf[pos] = op[2]
        elif op[0] == "truncate":
            del buf[pos:]
        elif op[0] == "insert":
            buf[pos:pos] = op[2]
        elif op[0] == "delete":
            del buf[pos:pos + op[2]]
        else:  # duplicate a chunk somewhere else
            chunk = bytes(buf[pos:pos + op[2]])
            at = op[3] % (len(buf) + 1)
            buf[at:at] = chunk
    return bytes(buf)


@FUZZ
@given(data=st.binary(max_size=4096))
def test_random_bytes(tmp_path: Path, data: bytes) -> None:
    records, err = read_bytes(tmp_path, data)
    # Random bytes are never a recording: no header.
    assert records is None and err is not None


@FUZZ
@given(ops=st.lists(_mutation, min_size=1, max_size=6))
def test_mutated_recording(tmp_path: Path, valid_bytes: bytes, ops: list[tuple[Any, ...]]) -> None:
    records, err = read_bytes(tmp_path, mutate(valid_bytes, ops))
    assert (records is None) != (err is None)


@FUZZ
@given(cut=st.integers(0, 10**6))
def test_truncation_yields_a_prefix(tmp_path: Path, valid_bytes: bytes, cut: int) -> None:
    cut %= len(valid_bytes) + 1
    records, err = read_bytes(tmp_path, valid_bytes[:cut])
    if cut < _header_len(valid_bytes):
        assert err is not None and "not a watchproxy recording" in str(err)
    else:
        assert err is None and records is not None
        assert records == RECORDS[: len(records)]


@FUZZ
@given(pos=st.integers(0, 10**6), junk=st.binary(min_size=1, max_size=64))
def test_junk_after_the_header_never_escapes(tmp_path: Path, valid_bytes: bytes, pos: int, junk: bytes) -> None:
    """Whatever is spliced in after the header, the records before it are intact or the error says where."""
    start = _header_len(valid_bytes)
    pos = start + pos % (len(valid_bytes) - start + 1)
    path = tmp_path / "junk.msgpack"
    path.write_bytes(valid_bytes[:pos] + junk + valid_bytes[pos:])
    with watchdog(READ_SECONDS):
        try:
            with RecordingReader(path) as reader:
                for _ in reader.records():
                    pass
        except RecordingError as exc:
            assert exc.offset is not None and exc.index is not None
            assert f"record {exc.index} at byte {exc.offset}" in str(exc)


# --- msgpack-encoded structures ---------------------------------------------------------------------------------

_scalars = (st.none() | st.booleans() | st.integers(-(2**63), 2**64 - 1) | st.floats(allow_nan=True)
            | st.text(max_size=20) | st.binary(max_size=20))
_values = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=5)
                       | st.dictionaries(st.text(max_size=8), inner, max_size=5), max_leaves=30)
_record_like = st.fixed_dictionaries(
    {"kind": st.sampled_from(["request", "response", "frame", "end", "header", "other"]) | _scalars},
    optional={"ex": _values | st.integers(-5, 5), "t": _values | st.floats(-1, 1e13), "data": _values,
              "method": _values, "path": _values, "query": _values, "headers": _values, "body": _values,
              "status": _values | st.integers(0, 1000), "reason": _values,
              "how": _values | st.sampled_from([h.value for h in EndHow]), "error": _values},
)
_header_like = st.fixed_dictionaries(
    {"kind": st.just("header") | _scalars, "format": st.just("watchproxy-recording") | _scalars},
    optional={"version": st.integers(-2, 3) | _values, "upstream": _values, "redactions": _values,
              "meta": _values, "generator": _values, "started_at": _values, "synthesized": _values},
)


@FUZZ
@given(objs=st.lists(_values, max_size=5))
def test_random_msgpack_structures(tmp_path: Path, objs: list[Any]) -> None:
    data = b"".join(msgpack.packb(o, use_bin_type=True) for o in objs)
    records, err = read_bytes(tmp_path, data)
    assert records is None and err is not None


@FUZZ
@given(objs=st.lists(_record_like | _values, max_size=6))
def test_random_records_after_a_valid_header(tmp_path: Path, objs: list[Any]) -> None:
    data = msgpack.packb(HEADER.to_wire()) + b"".join(msgpack.packb(o, use_bin_type=True) for o in objs)
    records, err = read_bytes(tmp_path, data)
    assert (records is None) != (err is None)


@FUZZ
@given(header=_header_like, rec=_record_like)
def test_random_headers(tmp_path: Path, header: dict[str, Any], rec: dict[str, Any]) -> None:
    data = msgpack.packb(header, use_bin_type=True) + msgpack.packb(rec, use_bin_type=True)
    records, err = read_bytes(tmp_path, data)
    assert (records is None) != (err is None)
    if header.get("format") != "watchproxy-recording":
        assert err is not None and "not a watchproxy recording" in str(err)


@pytest.mark.parametrize("depth", [10, 500, 1000, 1022, 1023, 1024, 5000])
@pytest.mark.parametrize("where", ["kind", "redactions", "generator", "upstream-server", "how", "record"])
def test_deeply_nested_values(tmp_path: Path, depth: int, where: str) -> None:
    """repr()/str() of a ~1000-deep list raises RecursionError; the reader must not let that escape."""
    sentinel = "\x00nested\x00"
    header: dict[str, Any] = HEADER.to_wire()
    rec: Any = Frame(1, 0.0, b"x").to_wire()
    if where == "kind":
        rec["kind"] = sentinel
    elif where == "redactions":
        header["redactions"] = [sentinel]
    elif where == "generator":
        header["generator"] = sentinel
    elif where == "upstream-server":
        header["upstream"] = {"server": sentinel}
    elif where == "how":
        rec = {**End(1, 0.0, EndHow.COMPLETE).to_wire(), "how": sentinel}
    else:
        rec = sentinel
    # msgpack's packer refuses to nest this deep itself: splice the nested list in as bytes.
    nested = b"\x91" * depth + b"\x01"
    packed_sentinel = msgpack.packb(sentinel)
    data = (msgpack.packb(header) + msgpack.packb(rec)).replace(packed_sentinel, nested)
    assert nested in data
    _, err = read_bytes(tmp_path, data)
    assert err is not None
    assert "RecursionError" not in str(err)


# --- huge length prefixes ----------------------------------------------------------------------------------------

def _u32(tag: int, n: int) -> bytes:
    return bytes([tag]) + struct.pack(">I", n)


HUGE: dict[str, bytes] = {
    "bin32-2GiB": _u32(0xC6, 2**31),
    "bin32-4GiB": _u32(0xC6, 2**32 - 1),
    "str32-2GiB": _u32(0xDB, 2**31),
    "ext32-2GiB": _u32(0xC9, 2**31) + b"\x01",
    "array32-2^31": _u32(0xDD, 2**31),
    "map32-2^31": _u32(0xDF, 2**31),
    "array32-1M": _u32(0xDD, 1_000_000),
    "map32-100k": _u32(0xDF, 100_000),
    "nested-array32-64k": _u32(0xDD, 65_535) * 1100,
    "nested-array32-4096": _u32(0xDD, 4096) * 1100,
    "nested-map32": (_u32(0xDF, 65_535) + b"\xa1k") * 1100,
    "nested-map32-100k": (_u32(0xDF, 100_000) + b"\xa1k") * 1100,
}
_FRAME_HEAD = msgpack.packb({"kind": "frame", "ex": 1, "t": 0.0})[1:]  # the map's entries, without its header


@pytest.mark.parametrize("place", ["start", "after-header", "in-record", "in-record-with-tail"])
@pytest.mark.parametrize("name", list(HUGE))
def test_huge_length_prefix_is_refused_quickly_without_allocating(tmp_path: Path, name: str,
                                                                  place: str) -> None:
    claim = HUGE[name]
    header = msgpack.packb(HEADER.to_wire())
    frame = msgpack.packb(Frame(1, 0.0, b"x").to_wire(), use_bin_type=True)
    if place == "start":
        data = claim
    elif place == "after-header":
        data = header + frame + claim
    else:  # a frame record whose `data` value claims the size: map of 4 = 3 entries + "data"
        data = header + frame + b"\x84" + _FRAME_HEAD + b"\xa4data" + claim
        if place == "in-record-with-tail":
            data += b"\x00" * (256 * 1024) + frame * 100
    path = tmp_path / "huge.msgpack"
    path.write_bytes(data)
    tracemalloc.start()
    t0 = time.monotonic()
    try:
        records, err = read_all(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.monotonic() - t0 < 5.0
    assert peak < 64 * MiB, f"{peak / MiB:.1f} MiB"
    if place == "start":
        assert err is not None and "not a watchproxy recording" in str(err)
    else:
        assert err is not None or (records is not None and records[:1] == [Frame(1, 0.0, b"x")])


# --- bounded memory on a long recording ---------------------------------------------------------------------------

def test_long_recording_is_read_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "long.msgpack"
    frames = 200_000
    w = RecordingWriter(path, HEADER)
    line = b'{"type":"MODIFIED","object":{"kind":"Pod","apiVersion":"v1","metadata":{"name":"web-%d",' \
           b'"namespace":"default","resourceVersion":"%d"},"status":{"phase":"Running"}}}\n'
    batch = 2000
    for b in range(frames // batch):
        w.write(*[Frame(1 + i % 7, (b * batch + i) / 1000.0, line % (i, b * batch + i)) for i in range(batch)])
    w.close()
    size = path.stat().st_size
    assert size > 20 * MiB

    count = 0
    last_t = -math.inf
    tracemalloc.start()
    try:
        with RecordingReader(path) as reader:
            for rec in reader.records():  # nothing kept: constant memory is the reader's job
                assert isinstance(rec, Frame)
                assert rec.t >= last_t
                last_t = rec.t
                count += 1
            assert reader.torn_tail is None
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == frames
    # A reader that kept the records, or the file, would be well above size; the stream needs a chunk or two.
    assert peak < min(size // 4, 16 * MiB), f"peak {peak / MiB:.1f} MiB for a {size / MiB:.1f} MiB file"


def test_reader_does_not_leak_file_descriptors_on_bad_input(tmp_path: Path) -> None:
    if not os.path.isdir("/proc/self/fd"):
        pytest.skip("needs /proc/self/fd")
    before = len(os.listdir("/proc/self/fd"))
    errors = []  # kept alive: their tracebacks hold the half-built readers, so GC cannot close the files
    for i in range(50):
        _, err = read_bytes(tmp_path, bytes([0x80 | (i % 16)]) + b"\xc1" * i)
        errors.append(err)
    assert len(os.listdir("/proc/self/fd")) == before


# --- what the readers of a recording make of it: inspect, export, emulate ------------------------------------------

_POD = b'{"type":"ADDED","object":{"kind":"Pod","apiVersion":"v1","metadata":{"name":"a","namespace":"default",' \
       b'"resourceVersion":"%s"}}}\n'


def _shaped(shape: str, size: int) -> tuple[Header, list[Record]]:
    """A small watch recording with one of the shapes that once crashed inspect, export or emulate."""
    header = HEADER
    frames = [_POD % b"5"]
    if shape == "deep-frame":
        frames.append(b"[" * size + b"\n")
    elif shape == "deep-object":
        frames.append(b'{"type":"ADDED","object":' + b'{"a":' * size + b"1" + b"}" * size + b"}\n")
    elif shape == "huge-rv":
        frames.append(_POD % str(2**63 + size).encode())
    elif shape == "bookmark-without-metadata":
        frames.append(b'{"type":"BOOKMARK","object":{"kind":"Pod","apiVersion":"v1","metadatb":{"resourceVersion":"9"}}}\n')
    elif shape == "deep-meta":
        nested: Any = 1
        for _ in range(size):
            nested = {"k": nested}
        header = Header(started_at=HEADER.started_at, meta={"deep": nested})
    records: list[Record] = [
        Request(1, 0.0, "GET", "/api/v1/namespaces/default/pods", "watch=true", (("Accept", "application/json"),)),
        Response(1, 0.01, 200, "OK", (("Content-Type", "application/json"),)),
        *[Frame(1, 0.1 * (i + 1), f) for i, f in enumerate(frames)],
        End(1, 3.0, EndHow.SERVER_CLOSED)]
    return header, records


def _write_shaped(tmp_path: Path, shape: str, size: int) -> Path:
    header, records = _shaped(shape, size)
    path = tmp_path / f"{shape}.msgpack"
    if shape == "deep-meta":  # msgpack's packer refuses such nesting itself: splice it in as bytes
        w = RecordingWriter(path, Header(started_at=HEADER.started_at, meta={"deep": "\x00deep\x00"}))
        w.write(*records)
        w.close()
        data = path.read_bytes().replace(msgpack.packb("\x00deep\x00"), b"\x81\xa1k" * size + b"\x01")
        path.write_bytes(data)
        return path
    w = RecordingWriter(path, header)
    w.write(*records)
    w.close()
    return path


def _every_reader(path: Path, capsys: pytest.CaptureFixture[str]) -> list[tuple[str, int, str]]:
    """Run inspect (summary, events, JSON), export and an emulate replay on `path`; (what, exit, stderr)."""
    from watchproxy.cli import main
    from watchproxy.server.sessions import ReplaySession

    out = []
    for argv in (["inspect", str(path)], ["inspect", str(path), "--events"], ["inspect", str(path), "--json"],
                 ["export", str(path), "--jsonl"]):
        with watchdog(READ_SECONDS):
            code = main(argv)
        out.append((" ".join(argv[:1] + argv[2:]), code, capsys.readouterr().err))
    try:
        with watchdog(READ_SECONDS):
            session = ReplaySession(path)
        session.loaded.close()
        out.append(("emulate", 0, ""))
    except RecordingError as exc:
        out.append(("emulate", 2, str(exc)))
    return out


@pytest.mark.parametrize(("shape", "size"), [("deep-frame", 5000), ("deep-object", 3000), ("huge-rv", 5),
                                             ("bookmark-without-metadata", 0), ("deep-meta", 1000)])
def test_shapes_that_crashed_readers_get_one_line_with_the_record_and_offset(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], shape: str, size: int) -> None:
    path = _write_shaped(tmp_path, shape, size)
    results = _every_reader(path, capsys)
    for what, code, err in results:
        assert code in (0, 2) and "Traceback" not in err, (what, err[-500:])
        if code:
            assert len(err.strip().splitlines()) == 1 and "byte" in err, (what, err)
    emulate = dict((w, e) for w, _, e in results)["emulate"]
    if shape == "deep-meta":
        assert all(code == 2 for _, code, _ in results)  # the header itself is refused
    else:
        assert "record 4 at byte" in emulate, emulate  # the second frame


@pytest.mark.parametrize(("shape", "size"), [("deep-frame", 5000), ("huge-rv", 5), ("bookmark-without-metadata", 0)])
def test_a_bad_event_in_a_frames_record_is_named_by_its_record_and_its_own_bytes(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], shape: str, size: int) -> None:
    """Both events arrived in one read: one `frames` record, and the offset is where the bad event starts."""
    header, records = _shaped(shape, size)
    frames = [r.data for r in records if isinstance(r, Frame)]
    path = tmp_path / "batch.msgpack"
    w = RecordingWriter(path, header)
    w.write(*records[:2])
    w.write_frames(1, 0.1, frames)
    w.write(records[-1])
    w.close()
    results = _every_reader(path, capsys)
    for what, code, err in results:
        assert code in (0, 2) and "Traceback" not in err, (what, err[-500:])
    emulate = dict((w, e) for w, _, e in results)["emulate"]
    at = path.read_bytes().index(frames[1])
    assert f"record 3 at byte {at}:" in emulate, emulate


_SHAPES = ("deep-frame", "deep-object", "huge-rv", "bookmark-without-metadata", "deep-meta")


@FUZZ
@given(shape=st.sampled_from(_SHAPES), size=st.integers(0, 6000))
def test_shapes_of_any_size_never_escape(tmp_path: Path, capsys: pytest.CaptureFixture[str], shape: str,
                                         size: int) -> None:
    path = _write_shaped(tmp_path, shape, size if shape != "huge-rv" else size * 10**15)
    for what, code, err in _every_reader(path, capsys):
        assert code in (0, 2) and "Traceback" not in err, (what, err[-500:])
