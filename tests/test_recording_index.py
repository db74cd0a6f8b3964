"""A recording opened for replay keeps frame bytes in the file and its index in the cache: the frames read
back must be exactly the recorded ones, and a stale, corrupt or missing cache entry must never matter."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import msgpack
import pytest
from watchproxy.clock import ManualClock
from watchproxy.engines.playback import play
from watchproxy.engines.store import load
from watchproxy.recording import End, EndHow, Frame, Header, RecordingError, RecordingWriter, Request, Response
from watchproxy.recording import index as index_mod
from watchproxy.recording.index import open_indexed, scan
from watchproxy.recording.reader import read_records

from tests.memory import MemoryResponder, entry


def _recording(path: Path, watches: int = 3, events: int = 200, period: float = 0.01) -> Path:
    """Interleaved watches (as concurrent clients leave them), frames of every size class msgpack has."""
    w = RecordingWriter(path, Header(started_at="2026-01-01T00:00:00Z"))
    for ex in range(1, watches + 1):
        w.write(Request(ex, 0.0, "GET", f"/api/v1/namespaces/ns{ex}/pods", "watch=1"),
                Response(ex, 0.0, 200, "OK", (("Content-Type", "application/json"),)))
    for i in range(events):
        for ex in range(1, watches + 1):
            size = (10, 300, 70_000)[(i + ex) % 3] if i % 50 == 0 else 100 + i
            w.write_frames(ex, period * i, [b'{"type":"ADDED","i":%d,"pad":"%s"}\n' % (i, b"x" * size)])
    for ex in range(1, watches + 1):
        w.write(End(ex, 3.0, EndHow.SERVER_CLOSED))
    w.close()
    return path


def _recorded_frames(path: Path) -> dict[int, list[Frame]]:
    out: dict[int, list[Frame]] = {}
    for rec in read_records(path)[1]:
        if isinstance(rec, Frame):
            out.setdefault(rec.ex, []).append(rec)
    return out


@pytest.fixture(autouse=True)
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    d = tmp_path / "cache"
    monkeypatch.setenv("WATCHPROXY_CACHE_DIR", str(d))
    return d


def test_frames_read_back_exactly_as_recorded(tmp_path: Path) -> None:
    path = _recording(tmp_path / "r.msgpack")
    want = _recorded_frames(path)
    idx = scan(str(path))
    assert set(idx.exchanges) == set(want)
    for ex, frames in want.items():
        got = idx.exchanges[ex].frames
        assert len(got) == len(frames)
        assert list(got) == frames  # iteration reads in blocks
        assert [got[i] for i in range(len(got))] == frames  # one at a time
        assert got[-1] == frames[-1] and got[5:60] == frames[5:60] and got[::7] == frames[::7]
        assert got.joined(3, 120) == b"".join(f.data for f in frames[3:120])
        assert got.size(0, len(got)) == sum(len(f.data) for f in frames)
    assert idx.duration == 3.0 and idx.torn_tail is None


def test_a_frame_written_with_its_bytes_first_is_kept_in_memory(tmp_path: Path) -> None:
    """Another writer may order a record's keys differently: its bytes are then not at the record's end."""
    path = tmp_path / "foreign.msgpack"
    pack = msgpack.Packer(use_bin_type=True).pack
    head = Header(started_at="2026-01-01T00:00:00Z").to_wire()
    path.write_bytes(pack(head) + pack(Request(1, 0.0, "GET", "/api/v1/pods", "watch=1").to_wire())
                     + pack({"data": b"first\n", "t": 0.5, "ex": 1, "kind": "frame"})
                     + pack(Frame(1, 0.6, b"second\n").to_wire()))
    frames = scan(str(path)).exchanges[1].frames
    assert list(frames) == [Frame(1, 0.5, b"first\n"), Frame(1, 0.6, b"second\n")]
    assert frames.joined(0, 2) == b"first\nsecond\n"


def test_frames_records_are_indexed_frame_by_frame_where_their_bytes_lie(tmp_path: Path) -> None:
    """Reads of several events (`frames` records, some of more events than one record holds) mixed with
    single frames, interleaved across watches: every frame's place in the file, noted without copying it."""
    path = tmp_path / "batches.msgpack"
    w = RecordingWriter(path, Header(started_at="2026-01-01T00:00:00Z"))
    for ex in (1, 2):
        w.write(Request(ex, 0.0, "GET", "/api/v1/pods", "watch=1"), Response(ex, 0.0, 200, "OK"))
    for i in range(60):
        for ex in (1, 2):
            n = (1, 5, 300, 4097)[(i + ex) % 4] if i % 10 == 0 else 1 + i % 7
            events = [b'{"type":"ADDED","i":%d,"k":%d,"pad":"%s"}\n' % (i, k, b"x" * (k * 37 % 900))
                      for k in range(n)]
            w.write_frames(ex, 0.01 * i, events)
    w.close()
    kinds = msgpack.Unpacker(raw=False)
    kinds.feed(path.read_bytes())
    assert {m["kind"] for m in kinds} >= {"frame", "frames"}
    want = _recorded_frames(path)
    idx = scan(str(path))
    for ex, frames in want.items():
        got = idx.exchanges[ex].frames
        assert not got.inline and list(got) == frames
        assert got.joined(2, len(frames) - 2) == b"".join(f.data for f in frames[2:-2])


def test_a_frames_record_with_its_bytes_first_is_kept_in_memory(tmp_path: Path) -> None:
    path = tmp_path / "foreign.msgpack"
    pack = msgpack.Packer(use_bin_type=True).pack
    head = Header(started_at="2026-01-01T00:00:00Z").to_wire()
    path.write_bytes(pack(head) + pack(Request(1, 0.0, "GET", "/api/v1/pods", "watch=1").to_wire())
                     + pack({"data": b"a\nbc\n", "sizes": [2, 3], "t": 0.5, "ex": 1, "kind": "frames"})
                     + pack({"kind": "frames", "ex": 1, "t": 0.6, "sizes": [2, 1], "data": b"d\ne"}))
    frames = scan(str(path)).exchanges[1].frames
    assert list(frames) == [Frame(1, 0.5, b"a\n"), Frame(1, 0.5, b"bc\n"), Frame(1, 0.6, b"d\n"), Frame(1, 0.6, b"e")]
    assert sorted(frames.inline) == [0, 1]


def test_the_index_of_a_large_recording_is_saved_and_used_next_time(tmp_path: Path, cache_dir: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    path = _recording(tmp_path / "r.msgpack")
    first = open_indexed(str(path), min_cache_bytes=0)
    assert len(list(cache_dir.iterdir())) == 1
    monkeypatch.setattr(index_mod, "scan", lambda *a: pytest.fail("read the recording again"))
    again = open_indexed(str(path), min_cache_bytes=0)
    for ex, e in first.exchanges.items():
        assert list(again.exchanges[ex].frames) == list(e.frames)
        assert (again.exchanges[ex].request, again.exchanges[ex].response, again.exchanges[ex].end) \
            == (e.request, e.response, e.end)
    assert again.header == first.header and again.duration == first.duration


def test_a_rewritten_recording_is_read_again_not_served_from_a_stale_entry(tmp_path: Path) -> None:
    path = _recording(tmp_path / "r.msgpack")
    open_indexed(str(path), min_cache_bytes=0)
    _recording(path, watches=2, events=50)  # the same path, other content
    idx = open_indexed(str(path), min_cache_bytes=0)
    assert set(idx.exchanges) == {1, 2} and list(idx.exchanges[2].frames) == _recorded_frames(path)[2]


@pytest.mark.parametrize("damage", [b"", b"\x00garbage", None])
def test_a_corrupt_cache_entry_is_rebuilt(tmp_path: Path, cache_dir: Path, damage: bytes | None) -> None:
    path = _recording(tmp_path / "r.msgpack")
    open_indexed(str(path), min_cache_bytes=0)
    (entry_file,) = cache_dir.iterdir()
    blob = entry_file.read_bytes()
    # None: a well-formed entry whose columns disagree (a bug or a hand edit), not just unreadable bytes
    entry_file.write_bytes(damage if damage is not None else blob.replace(b"\xa3off", b"\xa3xxx"))
    idx = open_indexed(str(path), min_cache_bytes=0)
    assert list(idx.exchanges[1].frames) == _recorded_frames(path)[1]
    assert entry_file.read_bytes() == blob  # and saved again


def test_no_cache_when_disabled_or_unwritable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _recording(tmp_path / "r.msgpack")
    monkeypatch.setenv("WATCHPROXY_CACHE_DIR", "")
    assert len(open_indexed(str(path), min_cache_bytes=0).exchanges) == 3
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("WATCHPROXY_CACHE_DIR", str(blocker / "cache"))  # cannot be created
    assert len(open_indexed(str(path), min_cache_bytes=0).exchanges) == 3


def test_small_recordings_are_not_cached(tmp_path: Path, cache_dir: Path) -> None:
    open_indexed(str(_recording(tmp_path / "r.msgpack")))
    assert not cache_dir.exists()


def test_a_recording_truncated_while_replayed_resets_the_stream_with_a_reason(tmp_path: Path) -> None:
    loaded = load(_recording(tmp_path / "r.msgpack", period=0.0))  # every frame due at once
    os.truncate(loaded.path, 2000)
    clock = ManualClock()
    out = MemoryResponder(clock)
    e = entry()
    asyncio.run(play(loaded.exchanges[1], out, e, clock))
    assert out.aborted and e.end == "reset" and "changed after it was loaded" in e.end_detail
    loaded.close()


def test_reading_after_close_fails_cleanly(tmp_path: Path) -> None:
    loaded = load(_recording(tmp_path / "r.msgpack"))
    loaded.close()
    with pytest.raises(RecordingError):
        loaded.exchanges[1].frames.data(0)


def test_reads_through_small_blocks_and_evictions_give_the_same_bytes(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Frames spanning blocks, blocks evicted and read again, interleaved streams: always the recorded bytes."""
    monkeypatch.setattr(index_mod.Source, "BLOCK", 512)
    monkeypatch.setattr(index_mod.Source, "BLOCKS", 2)
    path = _recording(tmp_path / "r.msgpack", events=60)
    want = _recorded_frames(path)
    idx = scan(str(path))
    streams = [idx.exchanges[ex].frames for ex in sorted(want)]
    for i in range(60):  # round robin over the streams, as concurrent watches read
        for ex, frames in zip(sorted(want), streams, strict=True):
            assert frames.data(i) == want[ex][i].data
    for ex, frames in zip(sorted(want), streams, strict=True):
        assert list(reversed([frames.data(i) for i in reversed(range(60))])) == [f.data for f in want[ex]]
