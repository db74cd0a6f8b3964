"""Emulate's rebuilt history is saved for large recordings: a replay from the saved form must answer
exactly as one rebuilt from the recording, and a saved form that does not fit must be rebuilt."""

from __future__ import annotations

import shutil
from pathlib import Path

import msgpack
import pytest
from watchproxy.clock import ManualClock
from watchproxy.engines.emulate import timeline
from watchproxy.engines.emulate.engine import Emulator
from watchproxy.engines.emulate.timeline import Rebuilt, build, from_saved, to_saved
from watchproxy.engines.store import load
from watchproxy.recording import cache

RECORDINGS = sorted((Path(__file__).parent.parent / "recordings").glob("*.msgpack"))


def _history(r: Rebuilt) -> dict[str, list[tuple[object, ...]]]:
    return {p: [(c.rv, c.t, c.type, c.key, c.raw, c.prev.rv if c.prev else None) for c in tl.changes]
            + [(tl.group, tl.version, tl.resource, tl.kind, tl.namespaced, tl.baseline_rv)]
            for p, tl in r.timelines.items()}


@pytest.mark.parametrize("recording", RECORDINGS, ids=lambda p: p.stem)
def test_a_saved_history_reads_back_as_rebuilt(recording: Path) -> None:
    loaded = load(recording)
    built = build(loaded)
    assert any(len(tl.changes) for tl in built.timelines.values())
    saved = from_saved(loaded, msgpack.unpackb(msgpack.packb(to_saved(built)), strict_map_key=True))
    assert _history(saved) == _history(built) and saved.marks == built.marks


@pytest.fixture
def big(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A bundled recording, treated as large enough to cache."""
    monkeypatch.setenv("WATCHPROXY_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(cache, "MIN_BYTES", 0)
    path = tmp_path / "r.msgpack"
    shutil.copy(RECORDINGS[-1], path)
    return path


def _answers(path: Path) -> object:
    """What the emulated cluster holds at the end of the recording, and its resourceVersion."""
    loaded = load(path)
    em = Emulator(loaded, ManualClock(loaded.duration))
    return em.status(), {p: em.objects(p) for p in em.timelines}


def test_the_second_replay_reads_the_saved_history(big: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = _answers(big)
    assert {p.suffix for p in (big.parent / "cache").iterdir()} == {".index", ".timeline"}
    monkeypatch.setattr(timeline, "build", lambda *a: pytest.fail("rebuilt the history"))
    assert _answers(big) == first


def test_a_saved_history_that_does_not_fit_is_rebuilt(big: Path) -> None:
    first = _answers(big)
    (entry,) = (big.parent / "cache").glob("*.timeline")
    entry.write_bytes(entry.read_bytes().replace(b"\xa4rvs", b"\xa4xxx"))
    assert _answers(big) == first


def test_the_recorder_prepares_a_large_recording_for_its_first_replay(big: Path, monkeypatch: pytest.MonkeyPatch,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    from watchproxy.commands import prepare
    from watchproxy.recording import prepared

    monkeypatch.setattr(prepare, "MIN_BYTES", big.stat().st_size + 1)  # a small recording: nothing to prepare
    prepare.after_writing("watchproxy record", str(big))
    assert prepared.read(str(big), "timeline") is None and capsys.readouterr().err == ""
    monkeypatch.setattr(prepare, "MIN_BYTES", big.stat().st_size)
    prepare.after_writing("watchproxy record", str(big))
    assert "ready for replay" in capsys.readouterr().err
    assert prepared.read(str(big), "timeline") is not None  # in the file itself: the cache is not needed
    assert not (big.parent / "cache").exists()
    first = _answers(big)
    monkeypatch.setattr(timeline, "build", lambda *a: pytest.fail("rebuilt the history"))
    assert _answers(big) == first


def test_events_in_any_json_layout_rebuild_the_same_history(tmp_path: Path) -> None:
    """The apiserver's layout is read by a regex; any other (spaces, other key order) is decoded instead."""
    from tests.memory import RecordingBuilder, pod

    def recording(name: str, spaced: bool) -> Rebuilt:
        b = RecordingBuilder(tmp_path / name)
        b.list(0.0, 10, [pod("a", 9)])
        evs = [(1.0 + i, "MODIFIED", pod("a", 11 + i, phase="Running")) for i in range(3)]
        evs += [(5.0, "ADDED", pod("b", 20)), (6.0, "DELETED", pod("a", 21)), (7.0, "BOOKMARK", pod("", 22))]
        if spaced:
            evs = [(t, typ, {"metadata": o["metadata"], **{k: v for k, v in o.items() if k != "metadata"}})
                   for t, typ, o in evs]
        b.watch(0.5, evs, 9.0, query="watch=true&resourceVersion=10")
        path = b.write()
        if spaced:  # the same events with JSON's default separators
            import json

            from watchproxy.recording import Frame, RecordingWriter, read_records

            header, recs, _ = read_records(path)
            w = RecordingWriter(path, header)
            w.write(*(Frame(r.ex, r.t, json.dumps(json.loads(r.data)).encode() + b"\n")
                      if isinstance(r, Frame) and r.data.endswith(b"\n") else r for r in recs))
            w.close()
        return build(load(path))

    def view(r: Rebuilt) -> list[tuple[object, ...]]:
        return [(c.rv, c.t, c.type, c.key, c.obj["status"]) for tl in r.timelines.values() for c in tl.changes]

    plain, spaced = recording("plain.msgpack", False), recording("spaced.msgpack", True)
    assert view(plain) == view(spaced) and plain.marks == spaced.marks
    assert [c[2] for c in view(plain)] == ["ADDED", "MODIFIED", "MODIFIED", "MODIFIED", "ADDED", "DELETED"]
    assert (7.0, 22) in plain.marks


def test_a_rebuild_is_announced_and_a_saved_history_is_not(big: Path) -> None:
    from watchproxy.engines.emulate.timeline import rebuild

    heard: list[tuple[int, int]] = []
    loaded = load(big)
    rebuild(loaded, lambda done, total: heard.append((done, total)))
    total = sum(len(e.frames) for e in loaded.exchanges.values())
    assert total > 0 and heard[0] == (0, total) and heard[-1] == (total, total)
    assert [d for d, _ in heard] == sorted(d for d, _ in heard) and len(heard) > 2  # forwards, in steps
    rebuild(load(big), lambda done, total: heard.append((done, total)))
    assert heard[-1] == (total, total) and heard.count((total, total)) == 1
