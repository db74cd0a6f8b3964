"""The recording file format: writer -> reader round trips, permissions, torn tails, corrupt and foreign files,
versions, malformed records, and write failures (unwritable path, disk full)."""

from __future__ import annotations

import errno
import itertools
import json
import os
import random
import stat
import sys
from pathlib import Path
from typing import Any

import msgpack
import pytest
from watchproxy.recording import (
    FORMAT,
    VERSION,
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
    UnsupportedVersion,
    read_records,
)
from watchproxy.recording import writer as writer_module

HEADER = Header(
    started_at="2025-03-01T12:00:00Z",
    upstream="https://127.0.0.1:6443",
    upstream_version="v1.34.1",
    redactions=("header:authorization", "secret-data"),
    synthesized=False,
    generator="watchproxy 0.1.0",
    meta={"min_request_timeout": 1800, "note": "test"},
)

# Two exchanges interleaved, every record kind, every way an exchange can end.
RECORDS: list[Record] = [
    Request(1, 0.0, "GET", "/api/v1/namespaces/default/pods", "limit=500",
            (("Accept", "application/json"), ("User-Agent", "kubectl/v1.34.1")), b""),
    Response(1, 0.012, 200, "OK", (("Content-Type", "application/json"), ("Audit-Id", "a-1"))),
    Request(2, 0.02, "GET", "/api/v1/namespaces/default/pods", "resourceVersion=10&watch=true",
            (("Accept", "application/json"),)),
    Frame(1, 0.013, b'{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"10"},"items":[]}'),
    End(1, 0.014, EndHow.COMPLETE),
    Response(2, 0.03, 200, "OK", (("Content-Type", "application/json"), ("Transfer-Encoding", "chunked"))),
    Frame(2, 1.5, b'{"type":"ADDED","object":{"kind":"Pod","metadata":{"name":"web-0"}}}\n'),
    Frame(2, 2.25, b""),
    Request(3, 3.0, "POST", "/api/v1/namespaces/default/configmaps", "",
            (("Content-Type", "application/json"),), b'{"kind":"ConfigMap"}'),
    End(3, 3.1, EndHow.UPSTREAM_ERROR, "upstream: connection reset by peer"),
    Request(4, 4.0, "GET", "/version", ""),
    End(4, 4.0, EndHow.NOT_FORWARDED, "recording failed"),
    Request(5, 5.0, "GET", "/api/v1/pods", "watch=1"),
    End(5, 6.0, EndHow.CLIENT_CLOSED),
    End(2, 1800.75, EndHow.SERVER_CLOSED),
]


def _write(path: Path, records: list[Record] = RECORDS, header: Header = HEADER) -> None:
    w = RecordingWriter(path, header)
    for rec in records:
        w.write(rec)
    w.close()


def _boundaries(data: bytes) -> list[tuple[int, int]]:
    """(start, end) byte offsets of each top-level msgpack object: the header first, then the records."""
    unpacker = msgpack.Unpacker(raw=False)
    unpacker.feed(data)
    out, start = [], 0
    for _ in unpacker:
        end = unpacker.tell()
        out.append((start, end))
        start = end
    assert start == len(data)
    return out


def _read_until_error(path: Path) -> tuple[list[Record], RecordingError]:
    got: list[Record] = []
    with pytest.raises(RecordingError) as info, RecordingReader(path) as reader:
        for rec in reader.records():
            got.append(rec)
    return got, info.value


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


needs_proc = pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc/self/fd")


# --- round trip -----------------------------------------------------------------------------------------------

def test_round_trip_every_record_kind(tmp_path: Path) -> None:
    path = tmp_path / "rt.msgpack"
    _write(path)
    _, records, torn = read_records(path)
    assert records == RECORDS
    assert torn is None
    assert {type(r) for r in records} == {Request, Response, Frame, End}
    assert {r.how for r in records if isinstance(r, End)} == set(EndHow)
    ends = [r for r in records if isinstance(r, End)]
    assert all(isinstance(e.how, EndHow) for e in ends)
    req = records[0]
    assert isinstance(req, Request) and req.header("user-agent") == "kubectl/v1.34.1"


def test_writer_batches_records_in_one_call(tmp_path: Path) -> None:
    path = tmp_path / "batch.msgpack"
    w = RecordingWriter(path, HEADER)
    w.write(*RECORDS[:5])
    w.write(*RECORDS[5:])
    assert w.records_written == len(RECORDS)
    assert w.bytes_written == path.stat().st_size
    w.close()
    assert read_records(path)[1] == RECORDS


@pytest.mark.skipif(not hasattr(os, "posix_fadvise"), reason="no posix_fadvise here")
def test_a_long_recording_hands_back_its_older_pages_and_keeps_every_byte(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(writer_module, "KEEP_CACHED", 1 << 20)
    monkeypatch.setattr(writer_module, "_RELEASE_EVERY", 1 << 20)
    released: list[tuple[int, int, int]] = []
    advise = os.posix_fadvise
    monkeypatch.setattr(os, "posix_fadvise", lambda fd, off, n, how: (released.append((off, n, how)),
                                                                       advise(fd, off, n, how))[1])
    path = tmp_path / "long.msgpack"
    w = RecordingWriter(path, HEADER)
    frames = [b'{"type":"ADDED"}' + b" " * 1000 + b"\n"] * 100
    for i in range(100):  # about 10 MB
        w.write_frames(1, float(i), frames)
        assert all(n <= w.bytes_written - (1 << 20) for _, n, _ in released)
    w.close()
    assert released and all(off == 0 and how == os.POSIX_FADV_DONTNEED for off, _, how in released)
    assert [r.data for r in read_records(path)[1] if isinstance(r, Frame)] == frames * 100


def test_header_fields(tmp_path: Path) -> None:
    path = tmp_path / "h.msgpack"
    _write(path)
    with RecordingReader(path) as reader:
        h = reader.header
    assert h == HEADER
    assert h.version == VERSION
    # The raw map, as any msgpack library sees it (recordings/README.md).
    first = next(iter(msgpack.Unpacker(open(path, "rb"), raw=False)))  # noqa: SIM115
    assert first["kind"] == "header"
    assert first["format"] == FORMAT
    assert first["version"] == VERSION
    assert first["started_at"] == "2025-03-01T12:00:00Z"
    assert first["upstream"] == {"server": "https://127.0.0.1:6443", "version": "v1.34.1"}
    assert first["redactions"] == ["header:authorization", "secret-data"]
    assert first["synthesized"] is False
    assert first["meta"] == {"min_request_timeout": 1800, "note": "test"}


def test_synthesized_header_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "s.msgpack"
    _write(path, [], Header(started_at="2025-01-01T00:00:00Z", synthesized=True, generator="synth"))
    header, records, torn = read_records(path)
    assert header.synthesized is True and header.generator == "synth"
    assert records == [] and torn is None


# --- permissions ------------------------------------------------------------------------------------------------

def test_new_file_is_private(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "dir" / "new.msgpack"
    _write(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_existing_world_readable_file_becomes_private_and_is_truncated(tmp_path: Path) -> None:
    path = tmp_path / "old.msgpack"
    path.write_bytes(b"old contents " * 1000)
    path.chmod(0o644)
    _write(path, RECORDS[:2])
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert read_records(path)[1] == RECORDS[:2]


# --- torn tail ----------------------------------------------------------------------------------------------------

def test_torn_tail_at_every_offset_of_the_last_record(tmp_path: Path) -> None:
    full = tmp_path / "full.msgpack"
    _write(full)
    data = full.read_bytes()
    bounds = _boundaries(data)
    last_start, last_end = bounds[-1]
    assert last_end - last_start > 10
    cut_path = tmp_path / "cut.msgpack"
    for cut in range(last_start + 1, last_end):
        cut_path.write_bytes(data[:cut])
        with RecordingReader(cut_path) as reader:
            got = list(reader.records())
            assert got == RECORDS[:-1], cut
            assert reader.torn_tail == (last_start, cut - last_start), cut
            msg = reader.torn_tail_message()
        assert msg is not None
        assert f"byte {last_start}" in msg and f"{len(RECORDS) - 1} whole records" in msg


def test_cut_exactly_between_records_is_not_torn(tmp_path: Path) -> None:
    full = tmp_path / "full.msgpack"
    _write(full)
    data = full.read_bytes()
    bounds = _boundaries(data)
    path = tmp_path / "cut.msgpack"
    for i, (start, _end) in enumerate(bounds[1:]):
        path.write_bytes(data[:start])
        _, records, torn = read_records(path)
        assert records == RECORDS[:i]
        assert torn is None


def test_torn_tail_inside_a_middle_record_write(tmp_path: Path) -> None:
    """A record cut anywhere, not only the last one written, is a torn tail if nothing follows it."""
    full = tmp_path / "full.msgpack"
    _write(full)
    data = full.read_bytes()
    start, end = _boundaries(data)[4]
    path = tmp_path / "cut.msgpack"
    path.write_bytes(data[: (start + end) // 2])
    with RecordingReader(path) as reader:
        assert list(reader.records()) == RECORDS[:3]
        assert reader.torn_tail == (start, (start + end) // 2 - start)


def test_truncated_inside_the_header(tmp_path: Path) -> None:
    full = tmp_path / "full.msgpack"
    _write(full)
    data = full.read_bytes()
    _, header_end = _boundaries(data)[0]
    path = tmp_path / "cut.msgpack"
    for cut in range(1, header_end):
        path.write_bytes(data[:cut])
        with pytest.raises(RecordingError) as info:
            RecordingReader(path)
        msg = str(info.value)
        assert "not a watchproxy recording" in msg and "truncated" in msg, (cut, msg)
        assert str(path) in msg
        assert info.value.offset == 0


# --- corrupt and foreign files --------------------------------------------------------------------------------

def test_corrupt_byte_in_the_middle_names_record_and_offset(tmp_path: Path) -> None:
    full = tmp_path / "full.msgpack"
    _write(full)
    data = bytearray(full.read_bytes())
    bounds = _boundaries(bytes(data))
    index = 6  # the header is record 0
    start, _ = bounds[index]
    data[start] = 0xC1  # the one byte msgpack never uses
    path = tmp_path / "corrupt.msgpack"
    path.write_bytes(bytes(data))
    got, err = _read_until_error(path)
    assert got == RECORDS[: index - 1]
    assert err.index == index and err.offset == start
    msg = str(err)
    assert f"record {index}" in msg and f"at byte {start}" in msg
    assert str(path) in msg
    assert "\n" not in msg


def test_corrupt_record_content_names_record_and_offset(tmp_path: Path) -> None:
    full = tmp_path / "full.msgpack"
    _write(full)
    data = full.read_bytes()
    bounds = _boundaries(data)
    index = 4
    start, end = bounds[index]
    assert b"frame" in data[start:end]
    mangled = data[:start] + data[start:end].replace(b"frame", b"frxme") + data[end:]
    path = tmp_path / "mangled.msgpack"
    path.write_bytes(mangled)
    got, err = _read_until_error(path)
    assert got == RECORDS[: index - 1]
    assert f"record {index} at byte {start}" in str(err)
    assert "unknown record kind 'frxme'" in str(err)


def _png() -> bytes:
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


FOREIGN: dict[str, bytes] = {
    "empty": b"",
    "json": json.dumps({"kind": "header", "format": FORMAT, "version": 1}).encode() + b"\n",
    "json-list": b'[{"type":"ADDED"}]\n',
    "png": _png(),
    "text": b"hello, this is not a recording\n",
    "other-msgpack": b"".join(msgpack.packb({"type": "ADDED", "object": {"kind": "Pod"}}) for _ in range(3)),
    "records-without-header": b"".join(msgpack.packb(r.to_wire(), use_bin_type=True) for r in RECORDS[:3]),
    "msgpack-list": msgpack.packb([FORMAT, 1]),
    "header-wrong-format": msgpack.packb({"kind": "header", "format": "vcr-cassette", "version": 1}),
    "nul": b"\x00" * 64,
    "0xc1": b"\xc1" * 8,
    **{f"random-{seed}": random.Random(seed).randbytes(4096) for seed in range(8)},
}


@pytest.mark.parametrize("name", list(FOREIGN))
def test_foreign_file_is_not_a_recording(tmp_path: Path, name: str) -> None:
    path = tmp_path / f"{name}.bin"
    path.write_bytes(FOREIGN[name])
    with pytest.raises(RecordingError) as info:
        read_records(path)
    msg = str(info.value)
    assert "not a watchproxy recording" in msg
    assert not isinstance(info.value, UnsupportedVersion)
    assert msg.startswith(str(path))


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(RecordingError, match="No such file"):
        RecordingReader(tmp_path / "nope.msgpack")
    with pytest.raises(RecordingError, match="directory"):
        RecordingReader(tmp_path)


@needs_proc
def test_reader_closes_the_file_when_the_header_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "png.bin"
    path.write_bytes(_png())
    before = _open_fds()
    errors = []  # kept alive: their tracebacks hold the half-built readers, so GC cannot close the files
    for _ in range(20):
        with pytest.raises(RecordingError) as info:
            RecordingReader(path)
        errors.append(info.value)
    assert _open_fds() == before


# --- versions ----------------------------------------------------------------------------------------------------

def _with_header(header: dict[str, Any], *records: dict[str, Any]) -> bytes:
    return b"".join(msgpack.packb(m, use_bin_type=True) for m in (header, *records))


def test_newer_version_is_refused_with_upgrade_advice(tmp_path: Path) -> None:
    path = tmp_path / "v99.msgpack"
    path.write_bytes(_with_header({**HEADER.to_wire(), "version": 99}, RECORDS[0].to_wire()))
    with pytest.raises(UnsupportedVersion) as info:
        read_records(path)
    msg = str(info.value)
    assert "99" in msg and "upgrade" in msg and str(VERSION) in msg
    assert isinstance(info.value, RecordingError)


def test_newer_version_with_a_different_header_shape_still_says_upgrade(tmp_path: Path) -> None:
    future = {"kind": "header", "format": FORMAT, "version": VERSION + 1, "upstream": "https://x",
              "redactions": {"a": 1}}
    path = tmp_path / "next.msgpack"
    path.write_bytes(_with_header(future))
    with pytest.raises(UnsupportedVersion, match="upgrade"):
        read_records(path)


@pytest.mark.parametrize("version", [0, -1])
def test_impossible_version_is_refused(tmp_path: Path, version: int) -> None:
    path = tmp_path / "v.msgpack"
    path.write_bytes(_with_header({**HEADER.to_wire(), "version": version}))
    with pytest.raises(UnsupportedVersion, match="not valid"):
        read_records(path)


@pytest.mark.parametrize("bad", [
    {"version": "1"},
    {"version": True},
    {"upstream": "https://x"},
    {"redactions": "all"},
    {"redactions": [["nested"]]},
    {"generator": {"name": "x"}},
    {"meta": []},
    {"started_at": 12},
])
def test_malformed_header_fields(tmp_path: Path, bad: dict[str, Any]) -> None:
    path = tmp_path / "h.msgpack"
    path.write_bytes(_with_header({**HEADER.to_wire(), **bad}))
    with pytest.raises(RecordingError) as info:
        read_records(path)
    assert not isinstance(info.value, UnsupportedVersion)
    assert info.value.offset == 0


# --- malformed records --------------------------------------------------------------------------------------------

FRAME = Frame(7, 1.0, b"{}\n").to_wire()
END = End(7, 2.0, EndHow.SERVER_CLOSED).to_wire()
RESPONSE = Response(7, 0.5, 200, "OK").to_wire()
REQUEST = Request(7, 0.0, "GET", "/api/v1/pods", "").to_wire()


@pytest.mark.parametrize(("record", "why"), [
    ({**FRAME, "t": "1.0"}, "'t' has type str"),
    ({**FRAME, "t": -0.5}, "impossible time"),
    ({**FRAME, "t": float("nan")}, "impossible time"),
    ({**FRAME, "t": True}, "'t' has type bool"),
    ({**FRAME, "ex": -1}, "negative exchange id"),
    ({**FRAME, "ex": 1.5}, "'ex' has type float"),
    ({**FRAME, "ex": False}, "'ex' has type bool"),
    ({**FRAME, "data": "text, not bytes"}, "'data' has type str"),
    ({k: v for k, v in FRAME.items() if k != "data"}, "lacks 'data'"),
    ({**FRAME, "kind": "bogus"}, "unknown record kind 'bogus'"),
    ({k: v for k, v in FRAME.items() if k != "kind"}, "unknown record kind None"),
    ({**END, "how": "exploded"}, "unknown ending 'exploded'"),
    ({**END, "how": 3}, "'how' has type int"),
    ({**RESPONSE, "status": 42}, "impossible status"),
    ({**RESPONSE, "headers": [["a"]]}, "malformed header"),
    ({**REQUEST, "headers": [["a", 1]]}, "malformed header"),
    ({**REQUEST, "method": None}, "'method' has type NoneType"),
    ([1, 2, 3], "expected a map"),
    ("frame", "expected a map"),
])
def test_records_with_wrong_field_types(tmp_path: Path, record: Any, why: str) -> None:
    path = tmp_path / "bad.msgpack"
    path.write_bytes(_with_header(HEADER.to_wire(), FRAME, record, END))
    got, err = _read_until_error(path)
    assert len(got) == 1
    assert why in str(err)
    assert err.index == 2
    assert f"record 2 at byte {err.offset}" in str(err)


def test_unknown_kind_with_huge_value_gives_a_short_message(tmp_path: Path) -> None:
    path = tmp_path / "bad.msgpack"
    path.write_bytes(_with_header(HEADER.to_wire(), {**FRAME, "kind": "x" * 1_000_000}))
    _, err = _read_until_error(path)
    assert "unknown record kind" in str(err)
    assert len(str(err)) < 500


# --- write failures ------------------------------------------------------------------------------------------------

def _assert_one_clean_line(err: RecordingError, path: Path) -> None:
    msg = str(err)
    assert "\n" not in msg and "Traceback" not in msg and "[Errno" not in msg
    assert msg.startswith(str(path))
    assert err.__cause__ is None and err.__suppress_context__


def test_unwritable_path_parent_is_a_file(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    path = blocker / "rec.msgpack"
    with pytest.raises(RecordingError, match="cannot write") as info:
        RecordingWriter(path, HEADER)
    _assert_one_clean_line(info.value, path)


def test_unwritable_path_is_a_directory(tmp_path: Path) -> None:
    with pytest.raises(RecordingError, match="cannot write") as info:
        RecordingWriter(tmp_path, HEADER)
    _assert_one_clean_line(info.value, tmp_path)


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root ignores permissions")
def test_unwritable_path_permission_denied(tmp_path: Path) -> None:
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        with pytest.raises(RecordingError, match="Permission denied") as info:
            RecordingWriter(ro / "rec.msgpack", HEADER)
        _assert_one_clean_line(info.value, ro / "rec.msgpack")
    finally:
        ro.chmod(0o700)


class _FullDisk:
    """Stands in for the `os` module inside the writer: every write fails with ENOSPC, optionally after
    first writing `partial` bytes of the call's data."""

    def __init__(self, partial: int = 0) -> None:
        self.partial = partial
        self.calls = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(os, name)

    def write(self, fd: int, data: Any) -> int:
        self.calls += 1
        if self.partial and self.calls == 1:
            return os.write(fd, bytes(data[: self.partial]))
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def writev(self, fd: int, parts: Any) -> int:
        return self.write(fd, b"".join(parts))


def test_disk_full(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "full.msgpack"
    w = RecordingWriter(path, HEADER)
    w.write(*RECORDS[:4])
    size = path.stat().st_size
    monkeypatch.setattr(writer_module, "os", _FullDisk())
    with pytest.raises(RecordingError) as info:
        w.write(RECORDS[4])
    _assert_one_clean_line(info.value, path)
    assert "No space left on device" in str(info.value)
    assert w.failed is not None and "No space left on device" in w.failed
    assert w.records_written == 4
    # Once failed, the writer refuses further records, even after space comes back.
    monkeypatch.undo()
    with pytest.raises(RecordingError, match="No space left"):
        w.write(RECORDS[5])
    w.close()
    assert path.stat().st_size == size
    _, records, torn = read_records(path)
    assert records == RECORDS[:4] and torn is None


def test_disk_full_after_a_partial_write_leaves_only_a_torn_tail(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "partial.msgpack"
    w = RecordingWriter(path, HEADER)
    w.write(*RECORDS[:3])
    good_size = path.stat().st_size
    monkeypatch.setattr(writer_module, "os", _FullDisk(partial=5))
    with pytest.raises(RecordingError):
        w.write(RECORDS[3])
    monkeypatch.undo()
    with pytest.raises(RecordingError):  # appending now would bury the partial record mid-file
        w.write(RECORDS[4])
    w.close()
    assert path.stat().st_size == good_size + 5
    with RecordingReader(path) as reader:
        assert list(reader.records()) == RECORDS[:3]
        assert reader.torn_tail == (good_size, 5)


@pytest.mark.parametrize("partial", [0, 5, 60, 300])
def test_disk_full_inside_a_frames_record_leaves_only_a_torn_tail(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                  partial: int) -> None:
    """A read's frames go out as their record head and their bytes in one writev: cut anywhere, it is
    the last record that is torn, and nothing is appended after it."""
    path = tmp_path / "partial.msgpack"
    w = RecordingWriter(path, HEADER)
    w.write(*RECORDS[:3])
    good_size = path.stat().st_size
    monkeypatch.setattr(writer_module, "os", _FullDisk(partial=partial))
    with pytest.raises(RecordingError, match="No space left"):
        w.write_joined(2, 1.5, b"".join(EVENTS), [len(e) for e in EVENTS])
    monkeypatch.undo()
    with pytest.raises(RecordingError):
        w.write_frames(2, 1.6, EVENTS[:2])
    w.close()
    assert path.stat().st_size == good_size + partial
    with RecordingReader(path) as reader:
        assert list(reader.records()) == RECORDS[:3]
        assert reader.torn_tail == ((good_size, partial) if partial else None)


def test_a_short_writev_is_finished_with_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    class ShortWritev:
        def __getattr__(self, name: str) -> Any:
            return getattr(os, name)

        def writev(self, fd: int, parts: Any) -> int:
            return os.write(fd, b"".join(parts)[:70])  # as a signal or a full pipe may cut it

    path = tmp_path / "short.msgpack"
    w = RecordingWriter(path, HEADER)
    monkeypatch.setattr(writer_module, "os", ShortWritev())
    w.write_joined(2, 1.5, b"".join(EVENTS), [len(e) for e in EVENTS])
    monkeypatch.undo()
    assert w.bytes_written == path.stat().st_size
    w.close()
    assert read_records(path)[1] == [Frame(2, 1.5, e) for e in EVENTS]


@needs_proc
def test_disk_full_while_writing_the_header_closes_the_file(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    before = _open_fds()
    monkeypatch.setattr(writer_module, "os", _FullDisk())
    with pytest.raises(RecordingError, match="No space left") as info:
        RecordingWriter(tmp_path / "h.msgpack", HEADER)
    monkeypatch.undo()
    assert _open_fds() == before, info.value


def test_closed_writer_refuses(tmp_path: Path) -> None:
    w = RecordingWriter(tmp_path / "c.msgpack", HEADER)
    w.close()
    w.close()  # idempotent
    with pytest.raises(RecordingError, match="closed"):
        w.write(RECORDS[0])


def test_write_frames_writes_exactly_what_write_does(tmp_path: Path) -> None:
    """With an empty frame among them (no `frames` record holds one): a Frame record each."""
    from watchproxy.recording import Frame, Header, RecordingWriter

    frames = [b"", b"x", b"y" * 255, b"z" * 256, b"w" * 65535, b"v" * 65536, b'{"type":"ADDED"}\n']
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    for path in (a, b, c):
        w = RecordingWriter(path, Header(started_at="2026-01-01T00:00:00Z"))
        if path == a:
            w.write_frames(7, 1.25, frames)
        elif path == b:
            w.write(*(Frame(7, 1.25, f) for f in frames))
        else:
            for f in frames:
                w.write_frames(7, 1.25, [f])
        w.close()
    assert a.read_bytes() == b.read_bytes() == c.read_bytes()


# --- format version 2: `frames` records --------------------------------------------------------------------------

V1_FILE = Path(__file__).parent / "data" / "recording-v1.msgpack"  # written by watchproxy at c0d5480 (version 1)
EVENTS = [b'{"type":"ADDED","object":{"kind":"Pod","apiVersion":"v1","metadata":{"name":"web-%d",'
          b'"resourceVersion":"%d"}}}\n' % (i, 100 + i) for i in range(5)]
V1_RECORDS: list[Record] = [
    Request(1, 0.0, "GET", "/api/v1/namespaces/default/pods", "watch=true", (("Accept", "application/json"),),
            b"", 1),
    Response(1, 0.002, 200, "OK", (("Content-Type", "application/json"), ("Transfer-Encoding", "chunked"))),
    *(Frame(1, 0.5, e) for e in EVENTS[:3]),
    Frame(1, 0.75, EVENTS[3]),
    Request(2, 1.0, "GET", "/version", "", (), b"", 2),
    Response(2, 1.001, 200, "OK", (("Content-Type", "application/json"),)),
    Frame(2, 1.002, b'{"major":"1",'),
    Frame(2, 1.002, b'"minor":"37"}'),
    End(2, 1.003, EndHow.COMPLETE),
    Frame(1, 2.0, EVENTS[4]),
    End(1, 3.0, EndHow.SERVER_CLOSED),
]


def _maps(path: Path) -> list[dict[str, Any]]:
    unpacker = msgpack.Unpacker(raw=False)
    unpacker.feed(path.read_bytes())
    return list(unpacker)


def test_a_version_1_file_written_by_the_old_writer_reads_as_before() -> None:
    header, records, torn = read_records(V1_FILE)
    assert VERSION == 2 and header.version == 1 and header.generator == "watchproxy (format version 1)"
    assert records == V1_RECORDS and torn is None
    assert all(m["kind"] != "frames" for m in _maps(V1_FILE))


def test_a_version_3_file_is_refused_with_the_upgrade_message(tmp_path: Path) -> None:
    path = tmp_path / "v3.msgpack"
    path.write_bytes(_with_header({**HEADER.to_wire(), "version": 3}, FRAME))
    with pytest.raises(UnsupportedVersion) as info:
        read_records(path)
    assert str(info.value) == (f"{path}: recording format version 3 is newer than this watchproxy reads (up to 2); "
                               "upgrade watchproxy to read it")


def test_new_files_are_version_2(tmp_path: Path) -> None:
    _write(tmp_path / "r.msgpack")
    assert _maps(tmp_path / "r.msgpack")[0]["version"] == 2


def test_write_frames_writes_one_frames_record_for_several_frames(tmp_path: Path) -> None:
    path = tmp_path / "f.msgpack"
    w = RecordingWriter(path, HEADER)
    w.write_frames(7, 1.25, EVENTS[:3])
    w.write_frames(7, 1.5, EVENTS[3:4])
    w.write_joined(7, 2, memoryview(b"".join(EVENTS) + b"tail")[:-4], [len(e) for e in EVENTS])
    assert w.records_written == 9
    w.close()
    maps = _maps(path)[1:]
    assert [list(m) for m in maps] == [["kind", "ex", "t", "sizes", "data"], ["kind", "ex", "t", "data"],
                                       ["kind", "ex", "t", "sizes", "data"]]  # data last: see the index
    assert maps[0] == {"kind": "frames", "ex": 7, "t": 1.25, "sizes": [len(e) for e in EVENTS[:3]],
                       "data": b"".join(EVENTS[:3])}
    assert maps[1] == Frame(7, 1.5, EVENTS[3]).to_wire()
    assert maps[2]["t"] == 2.0 and type(maps[2]["t"]) is float
    assert read_records(path)[1] == [*(Frame(7, 1.25, e) for e in EVENTS[:3]), Frame(7, 1.5, EVENTS[3]),
                                     *(Frame(7, 2.0, e) for e in EVENTS)]


def test_a_read_of_more_frames_than_a_record_holds_is_cut_into_records(tmp_path: Path) -> None:
    path = tmp_path / "many.msgpack"
    frames = [b"%d\n" % i for i in range(2 * writer_module.MAX_BATCH + 1)]
    w = RecordingWriter(path, HEADER)
    w.write_joined(3, 0.5, b"".join(frames), list(map(len, frames)))
    w.close()
    maps = _maps(path)[1:]
    assert [m["kind"] for m in maps] == ["frames", "frames", "frame"]  # a lone last frame is a `frame` record
    assert read_records(path)[1] == [Frame(3, 0.5, f) for f in frames]


def test_an_empty_frame_among_several_is_written_as_frame_records(tmp_path: Path) -> None:
    path = tmp_path / "empty.msgpack"
    w = RecordingWriter(path, HEADER)
    w.write_frames(1, 0.5, [b"a", b"", b"b"])
    w.close()
    assert [m["kind"] for m in _maps(path)[1:]] == ["frame"] * 3
    assert read_records(path)[1] == [Frame(1, 0.5, b"a"), Frame(1, 0.5, b""), Frame(1, 0.5, b"b")]


def test_a_torn_frames_record_at_the_end_is_a_torn_tail(tmp_path: Path) -> None:
    path = tmp_path / "torn.msgpack"
    w = RecordingWriter(path, HEADER)
    w.write(RECORDS[2])
    w.write_frames(2, 1.0, EVENTS)
    w.close()
    data = path.read_bytes()
    start = _boundaries(data)[-1][0]
    for cut in range(start + 1, len(data), 7):
        path.write_bytes(data[:cut])
        _, records, torn = read_records(path)
        assert records == [RECORDS[2]] and torn is not None and f"at byte {start}" in torn


FRAMES_REC = {"kind": "frames", "ex": 7, "t": 1.5, "sizes": [3, 2], "data": b"{}\n{}"}


@pytest.mark.parametrize(("record", "why"), [
    ({**FRAMES_REC, "sizes": [3, 3]}, "corrupt data: a frames record whose sizes add up to 6 bytes, its data holds 5"),
    ({**FRAMES_REC, "sizes": [5, 0]}, "corrupt data: a frames record with a size of 0"),
    ({**FRAMES_REC, "sizes": [6, -1]}, "corrupt data: a frames record with a size of -1"),
    ({**FRAMES_REC, "sizes": []}, "corrupt data: a frames record with no sizes"),
    ({**FRAMES_REC, "sizes": [3, "2"]}, "corrupt data: a frames record with a size of type str"),
    ({**FRAMES_REC, "sizes": [3, 2.0]}, "corrupt data: a frames record with a size of type float"),
    ({**FRAMES_REC, "sizes": [True, 4]}, "corrupt data: a frames record with a size of type bool"),
    ({**FRAMES_REC, "sizes": [3, [2]]}, "corrupt data: a frames record with a size of type list"),
    ({**FRAMES_REC, "sizes": 5}, "'sizes' has type int"),
    ({k: v for k, v in FRAMES_REC.items() if k != "sizes"}, "lacks 'sizes'"),
    ({**FRAMES_REC, "data": "{}\n{}"}, "'data' has type str"),
    ({k: v for k, v in FRAMES_REC.items() if k != "data"}, "lacks 'data'"),
    ({**FRAMES_REC, "t": -1.0}, "impossible time"),
    ({**FRAMES_REC, "ex": "7"}, "'ex' has type str"),
])
def test_malformed_frames_records(tmp_path: Path, record: dict[str, Any], why: str) -> None:
    path = tmp_path / "bad.msgpack"
    path.write_bytes(_with_header(HEADER.to_wire(), FRAME, record, END))
    got, err = _read_until_error(path)
    assert got == [Frame(7, 1.0, b"{}\n")]
    assert why in str(err)
    assert err.index == 2
    assert f"record 2 at byte {err.offset}" in str(err) and err.offset == _boundaries(path.read_bytes())[2][0]
    _assert_one_clean_line(err, path)


def _readme_python() -> str:
    """recordings/README.md's Python reader, with the `session_end` it uses from *Prepared data*."""
    text = (Path(__file__).parent.parent / "recordings" / "README.md").read_text()
    blocks = {}
    for section in ("### Prepared data", "### Reading a recording in Python"):
        body = text[text.index(section):]
        blocks[section] = body[body.index("```python\n") + 10:body.index("\n```", body.index("```python\n"))]
    return "import os\n" + blocks["### Prepared data"] + "\n\n" + blocks["### Reading a recording in Python"]


def test_the_format_docs_python_reader_reads_version_1_and_2_files(tmp_path: Path) -> None:
    import subprocess

    from watchproxy.cli import main

    script = tmp_path / "read.py"
    script.write_text(_readme_python())
    v2 = tmp_path / "v2.msgpack"
    w = RecordingWriter(v2, HEADER)
    for _, group in itertools.groupby(V1_RECORDS, lambda r: (r.ex, r.t) if isinstance(r, Frame) else r):
        recs = list(group)  # the same session, written by this writer: frames that came together as one record
        if isinstance(recs[0], Frame):
            w.write_frames(recs[0].ex, recs[0].t, [r.data for r in recs if isinstance(r, Frame)])
        else:
            w.write(*recs)
    w.close()
    assert "frames" in [m["kind"] for m in _maps(v2)]
    prepared = tmp_path / "prepared.msgpack"
    prepared.write_bytes(v2.read_bytes())
    assert main(["prepare", str(prepared)]) == 0
    assert prepared.stat().st_size > v2.stat().st_size
    torn = tmp_path / "torn.msgpack"
    torn.write_bytes(v2.read_bytes() + msgpack.packb(FRAMES_REC)[:-2])

    def run(path: Path) -> tuple[list[str], str]:
        done = subprocess.run([sys.executable, str(script), str(path)], capture_output=True, text=True,
                              timeout=60, check=True)
        return done.stdout.splitlines(), done.stderr

    names = [line.split()[-1] for line in run(V1_FILE)[0] if "ADDED" in line]
    assert names == [f"web-{i}" for i in range(5)]
    for path in (v2, prepared, torn):
        lines, err = run(path)
        assert [line.split()[-1] for line in lines if "ADDED" in line] == names, path
        assert lines[-1].split()[1:5] == ["exchange", "1", "ended:", "server-closed"]
        assert err == ("" if path != torn else f"torn last record at byte {v2.stat().st_size} ignored\n")
