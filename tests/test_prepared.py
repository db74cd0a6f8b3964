"""Prepared data at the end of a recording (recordings/README.md, "Prepared data"): a prepared file replays
without reading its events, with no per-user cache; any damage to the trailer only means "not prepared"
(built again, same replay); every reader of records ignores the trailer; `watchproxy record`, `synth` and
`redact` prepare what they wrote, `watchproxy prepare` any other file."""

from __future__ import annotations

import asyncio
import io
import json
import os
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import msgpack
import pytest
from watchproxy.cli import main
from watchproxy.clock import ManualClock
from watchproxy.commands import prepare as prepare_cmd
from watchproxy.commands.progress import LOG_EVERY, READ_MIN, REBUILD_MIN, TTY_EVERY, reading, rebuilding
from watchproxy.engines.diagnose import first_problem
from watchproxy.engines.emulate import timeline
from watchproxy.engines.emulate.engine import Emulator
from watchproxy.engines.store import load
from watchproxy.recording import Frame, Header, RecordingWriter, Request, Response, prepared
from watchproxy.recording import index as index_mod
from watchproxy.recording.reader import RecordingReader, read_records
from watchproxy.recording.records import VERSION
from watchproxy.report.export import export_jsonl

from tests.fake_apiserver import FakeApiserver, make_pod
from tests.procs import start_proxy

BUNDLED = Path(__file__).parent.parent / "recordings"
PODS = "/api/v1/namespaces/default/pods"


@pytest.fixture(autouse=True)
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty per-user cache that would be used for any size, so that using it would show."""
    from watchproxy.recording import cache

    monkeypatch.setenv("WATCHPROXY_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(cache, "MIN_BYTES", 0)
    return tmp_path / "cache"


@pytest.fixture
def original(tmp_path: Path) -> Path:
    path = tmp_path / "original.msgpack"
    shutil.copy(BUNDLED / "many-objects.msgpack", path)
    return path


@pytest.fixture
def ready(original: Path, tmp_path: Path) -> Path:
    """A prepared copy of `original`."""
    path = tmp_path / "prepared.msgpack"
    shutil.copy(original, path)
    out = prepare_cmd.prepare(str(path))
    assert not out.already and out.session == original.stat().st_size == path.stat().st_size - out.added
    return path


class Built:
    """How many times the events were read (scan) and the history rebuilt (build)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.scans = self.builds = 0
        scan, build = index_mod.scan, timeline.build

        def counted_scan(*a: Any, **kw: Any) -> Any:
            self.scans += 1
            return scan(*a, **kw)

        def counted_build(*a: Any, **kw: Any) -> Any:
            self.builds += 1
            return build(*a, **kw)

        monkeypatch.setattr(index_mod, "scan", counted_scan)
        monkeypatch.setattr(timeline, "build", counted_build)


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> Built:
    return Built(monkeypatch)


def _exact(path: Path) -> list[tuple[object, ...]]:
    """What exact mode plays: every exchange's request, response, ending, and frames with their times."""
    loaded = load(path)
    try:
        return [(e.request, e.response, e.end, [(f.t, f.data) for f in e.frames]) for e in loaded.exchanges.values()]
    finally:
        loaded.close()


def _emulate(path: Path) -> object:
    """What the emulated cluster holds at the end of the recording, and its resourceVersion."""
    loaded = load(path)
    try:
        em = Emulator(loaded, ManualClock(loaded.duration))
        return em.status(), {p: em.objects(p) for p in em.timelines}
    finally:
        loaded.close()


def _exported(path: Path) -> str:
    out = io.StringIO()
    export_jsonl(path, out)
    return out.getvalue()


def test_a_prepared_recording_replays_in_both_modes_reading_no_events(original: Path, ready: Path, built: Built,
                                                                    cache_dir: Path) -> None:
    want_exact, want_emulate = _exact(original), _emulate(original)
    assert (built.scans, built.builds) == (1, 1)  # the original: read whole, its history rebuilt
    shutil.rmtree(cache_dir)  # a machine that never opened either file
    built.scans = built.builds = 0
    assert _exact(ready) == want_exact
    assert _emulate(ready) == want_emulate
    assert (built.scans, built.builds) == (0, 0)
    assert not cache_dir.exists()  # nor was anything saved in the cache


def test_preparing_keeps_every_record_readable_as_before(original: Path, ready: Path) -> None:
    assert read_records(ready)[1:] == read_records(original)[1:]
    assert _exported(ready) == _exported(original)
    assert first_problem(str(ready)) is None
    with RecordingReader(ready) as reader:
        assert sum(1 for _ in reader.records()) == reader.records_read
        assert reader.session_end == original.stat().st_size and reader.torn_tail is None


def test_redact_writes_the_same_copy(original: Path, ready: Path, tmp_path: Path) -> None:
    copies = [tmp_path / "a.msgpack", tmp_path / "b.msgpack"]
    for src, dst in zip((original, ready), copies, strict=True):
        assert main(["redact", str(src), str(dst), "--name", "web-.*"]) == 0
    assert copies[0].read_bytes() == copies[1].read_bytes()


def test_inspect_ignores_the_trailer(original: Path, ready: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docs = []
    for path in (original, ready):
        assert main(["inspect", str(path), "--json"]) == 0
        doc = json.loads(capsys.readouterr().out)
        docs.append({k: v for k, v in doc.items() if k not in ("path", "bytes", "size")})
    assert docs[0] == docs[1]


def _parts(path: Path) -> dict[str, int]:
    """Where each part's key lies in the prepared record (watchproxy writes them last, index first)."""
    data = path.read_bytes()
    at = int.from_bytes(data[-8:], "big")
    # each name is a key of the crc32 map first, then of the part itself
    return {part: data.index(msgpack.packb(part), data.index(msgpack.packb(part), at) + 1) for part in prepared.PARTS}


def _rewrite(path: Path, offset: int, data: bytes) -> None:
    with open(path, "r+b") as f:
        f.seek(offset)
        f.write(data)


def _flip(path: Path, offset: int) -> None:
    with open(path, "r+b") as f:
        f.seek(offset)
        byte = f.read(1)
        f.seek(offset)
        f.write(bytes((byte[0] ^ 0x55,)))


def _damaged(path: Path, how: str) -> set[str]:
    """Damage the trailer; returns the parts that must be built again."""
    size = path.stat().st_size
    at = int.from_bytes(path.read_bytes()[-8:], "big")
    if how == "torn footer":
        os.truncate(path, size - 5)
    elif how == "torn prepared record":
        os.truncate(path, at + (size - at) // 2)
    elif how == "no footer":
        os.truncate(path, size - prepared.FOOTER_SIZE)
    elif how in ("corrupt index", "corrupt timeline"):
        parts = _parts(path)
        ends = {"index": parts["timeline"], "timeline": size - prepared.FOOTER_SIZE}
        part = how.split()[1]
        _flip(path, (parts[part] + ends[part]) // 2)  # inside the part's bytes (its columns): still decodes
        return {how.split()[1]}
    elif how == "corrupt record head":
        _flip(path, at + 2)
    elif how == "bytes appended":
        with open(path, "ab") as f:
            f.write(b"\x00" * 3)
    elif how == "a footer appended twice":
        with open(path, "ab") as f:
            f.write(prepared.footer(at))
    elif how == "footer outside the file":
        _rewrite(path, size - 8, (size + 1000).to_bytes(8, "big"))
    elif how == "footer inside the session":
        _rewrite(path, size - 8, (10).to_bytes(8, "big"))
    elif how == "session edited":
        data = path.read_bytes()
        i = data.index(b"2026-01-01T00:00:00Z")
        _rewrite(path, i, b"2027")
    else:
        raise AssertionError(how)
    return set(prepared.PARTS)


DAMAGES = ["torn footer", "torn prepared record", "no footer", "corrupt index", "corrupt timeline",
           "corrupt record head", "bytes appended", "a footer appended twice", "footer outside the file",
           "footer inside the session", "session edited"]


@pytest.mark.parametrize("how", DAMAGES)
def test_a_damaged_trailer_means_not_prepared_and_the_same_replay(original: Path, ready: Path, how: str,
                                                                  built: Built) -> None:
    rebuilt = _damaged(ready, how)
    for part in prepared.PARTS:
        assert (prepared.read(str(ready), part) is None) == (part in rebuilt), part
    want_exact, want_emulate = _exact(original), _emulate(original)
    built.scans = built.builds = 0
    if how == "session edited":  # the header changed: the recording says so, not the prepared copy of it
        assert load(ready).header.started_at.startswith("2027")
        want_exact = _exact(ready)
    else:
        assert _exact(ready) == want_exact
    assert _emulate(ready) == want_emulate
    assert built.scans >= ("index" in rebuilt) and built.builds == ("timeline" in rebuilt)
    assert load(ready).torn_tail is None  # prepared data cut short is not a torn record of the session
    if how != "session edited":  # readers of records see the session, nothing else
        assert _exported(ready) == _exported(original)


@pytest.mark.parametrize("how", ["torn footer", "torn prepared record", "corrupt index", "footer outside the file"])
def test_preparing_again_replaces_a_damaged_trailer(ready: Path, how: str) -> None:
    size = ready.stat().st_size
    _damaged(ready, how)
    out = prepare_cmd.prepare(str(ready))
    assert not out.already and ready.stat().st_size == size
    assert all(prepared.read(str(ready), part) is not None for part in prepared.PARTS)


def test_a_prepared_file_is_not_prepared_again(ready: Path) -> None:
    size, mtime = ready.stat().st_size, ready.stat().st_mtime_ns
    assert prepare_cmd.prepare(str(ready)).already
    assert (ready.stat().st_size, ready.stat().st_mtime_ns) == (size, mtime)


def _v1(path: Path) -> Path:
    w = RecordingWriter(path, Header(started_at="2026-01-01T00:00:00Z", version=1))
    w.write(Request(1, 0.0, "GET", PODS, "watch=1"), Response(1, 0.0, 200, "OK"))
    w.write_frames(1, 0.5, [b'{"type":"ADDED","object":{"kind":"Pod"}}\n'])
    w.close()
    return path


def test_a_version_1_file_becomes_version_2_and_reads_the_same(tmp_path: Path) -> None:
    path = _v1(tmp_path / "v1.msgpack")
    before = path.read_bytes()
    out = prepare_cmd.prepare(str(path))
    assert out.upgraded_from == 1 and VERSION == 2
    after = path.read_bytes()
    diff = [i for i in range(len(before)) if before[i] != after[i]]
    assert len(diff) == 1 and after[diff[0]] == 2  # the header's version, one byte, and nothing else
    header, records, torn = read_records(path)
    assert header.version == 2 and torn is None and records == read_records(tmp_path / "v1.msgpack")[1]
    assert [f.data for f in records if isinstance(f, Frame)] == [b'{"type":"ADDED","object":{"kind":"Pod"}}\n']
    assert load(path).header.version == 2  # the prepared index holds the header as it is now


def test_a_torn_last_record_is_refused_and_left_alone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _v1(tmp_path / "torn.msgpack")
    with open(path, "ab") as f:
        f.write(msgpack.packb({"kind": "frame", "ex": 1, "t": 1.0, "data": b"x" * 100})[:-10])
    before = path.read_bytes()
    assert main(["prepare", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"watchproxy: error: {path}: cannot prepare it: the last record at byte ") and "\n" not in err
    assert path.read_bytes() == before


def test_an_interrupted_preparation_leaves_the_session_as_it_was(original: Path, monkeypatch: pytest.MonkeyPatch
                                                                 ) -> None:
    before = original.read_bytes()
    writes = iter(range(100))

    def interrupted(fd: int, data: bytes, offset: int) -> None:
        if next(writes) == 2:
            raise KeyboardInterrupt
        os.pwrite(fd, data, offset)

    monkeypatch.setattr(prepared, "_write_all", interrupted)
    with pytest.raises(KeyboardInterrupt):
        prepare_cmd.prepare(str(original))
    assert original.read_bytes() == before


def test_the_prepare_command(ready: Path, original: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["prepare", str(original)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"watchproxy prepare: {original} prepared in ") and "B of replay data after its " in out
    assert original.read_bytes() == ready.read_bytes()
    assert main(["prepare", str(original)]) == 0
    assert capsys.readouterr().out == f"watchproxy prepare: {original} is prepared already\n"


def test_the_prepare_command_never_touches_a_bundled_recording_by_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["prepare", "nginx-deploy"]) == 2
    assert "nginx-deploy" in capsys.readouterr().err


@pytest.mark.parametrize(("size", "when", "want"), [
    (prepare_cmd.MIN_BYTES, "auto", True), (prepare_cmd.MIN_BYTES - 1, "auto", False), (0, "always", True),
    (10 * prepare_cmd.MIN_BYTES, "never", False)])
def test_which_recordings_the_recorder_prepares(size: int, when: str, want: bool) -> None:
    assert prepare_cmd.wanted(size, when) is want


@pytest.mark.parametrize("command", ["synth", "redact"])
def test_synth_and_redact_prepare_what_they_write_as_the_recorder_does(command: str, original: Path, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.msgpack"
    argv = {"synth": ["synth", "nginx-deploy", "--out", str(out)],
            "redact": ["redact", str(original), str(out), "--name", "web-.*"]}[command]
    assert main(argv) == 0  # a small recording: left as written
    assert "preparing" not in capsys.readouterr().err and not prepare_cmd.is_prepared(str(out))
    written = out.read_bytes()
    monkeypatch.setattr(prepare_cmd, "MIN_BYTES", len(written))  # as large as `auto` prepares
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert f"watchproxy {command}: preparing {out} for replay (" in err
    assert f"watchproxy {command}: ready for replay in " in err
    assert prepare_cmd.is_prepared(str(out))
    assert out.read_bytes().startswith(written)  # the same session, its prepared data after it
    assert main([*argv, "--prepare", "never"]) == 0
    assert out.read_bytes() == written
    monkeypatch.setattr(prepare_cmd, "MIN_BYTES", len(written) + 1)
    assert main([*argv, "--prepare", "always"]) == 0
    assert prepare_cmd.is_prepared(str(out))


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def _lines(stream: io.StringIO, calls: list[tuple[float, int]], total: int, make: Any = reading) -> list[str]:
    now = [0.0]
    p = make("watchproxy", "r.msgpack", intro="not prepared", stream=stream, clock=lambda: now[0])
    for t, done in calls:
        now[0] = t
        p(done, total)
    return stream.getvalue().replace("\r\033[K", "|").splitlines()


def test_progress_in_a_log_is_a_line_now_and_then() -> None:
    size = 100 * READ_MIN
    lines = _lines(io.StringIO(), [(0.0, 0), (1.0, size // 10), (LOG_EVERY + 0.1, size // 2),
                                   (LOG_EVERY + 0.2, size // 2 + 1), (LOG_EVERY + 0.3, size), (99.0, size)], size)
    assert lines == ["watchproxy: not prepared", "watchproxy: reading r.msgpack: 0% of 839 MB",
                     "watchproxy: reading r.msgpack: 50% of 839 MB", "watchproxy: reading r.msgpack: 100% of 839 MB"]


def test_progress_on_a_terminal_is_one_line_rewritten() -> None:
    size = 100 * READ_MIN
    lines = _lines(_Tty(), [(0.0, 0), (TTY_EVERY / 2, 1), (TTY_EVERY + 0.01, size // 4), (1.0, size)], size)
    assert lines == ["watchproxy: not prepared",
                     "|watchproxy: reading r.msgpack: 0% of 839 MB|watchproxy: reading r.msgpack: 25% of 839 MB"
                     "|watchproxy: reading r.msgpack: 100% of 839 MB"]


def test_progress_of_a_rebuild_counts_events() -> None:
    lines = _lines(io.StringIO(), [(0.0, 0), (LOG_EVERY, 1_500_000), (LOG_EVERY + 1, 2_000_000)], 2_000_000,
                   rebuilding)
    assert lines[1:] == [f"watchproxy: rebuilding the watch cache of r.msgpack: {p}% of 2,000,000 events"
                         for p in (0, 75, 100)]


def test_no_progress_for_a_small_file_or_a_short_rebuild() -> None:
    assert _lines(io.StringIO(), [(0.0, 0), (100.0, READ_MIN - 1)], READ_MIN - 1) == []
    assert _lines(io.StringIO(), [(0.0, 0), (100.0, REBUILD_MIN - 1)], REBUILD_MIN - 1, rebuilding) == []


async def _record(tmp_path: Path, *args: str) -> tuple[Path, str]:
    """Record a watch through the real `watchproxy record` process, stopped with Ctrl-C (SIGINT)."""
    out = tmp_path / "rec.msgpack"
    async with FakeApiserver(min_request_timeout=600) as api:
        kc = api.write_kubeconfig(tmp_path / "k")
        proc, url = await start_proxy("record", "--out", str(out), "--kubeconfig", str(kc), *args)
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{url}{PODS}") as resp:
                assert resp.status == 200
            async with http.get(f"{url}{PODS}?watch=true") as resp:
                await api.wait_for_watches(1)
                api.create(make_pod("web-1"))
                assert b"web-1" in await resp.content.readline()
                proc.send_signal(signal.SIGINT)
                _, stderr = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 0, stderr
    return out, stderr.decode()


async def test_the_recorder_prepares_what_it_recorded_when_stopped(tmp_path: Path) -> None:
    out, stderr = await _record(tmp_path, "--prepare", "always")  # as it does for 16 MiB or more
    assert "watchproxy record: preparing" in stderr and "watchproxy record: ready for replay in" in stderr
    assert all(prepared.read(str(out), part) is not None for part in prepared.PARTS)
    assert any(r.path == PODS for r in read_records(out)[1] if isinstance(r, Request))


async def test_the_recorder_leaves_a_small_recording_as_it_is(tmp_path: Path) -> None:
    out, stderr = await _record(tmp_path)
    assert "preparing" not in stderr
    assert all(prepared.read(str(out), part) is None for part in prepared.PARTS)
    with RecordingReader(out) as reader:
        assert reader.trailer_at is None


def _walk(path: Path) -> Iterator[dict[str, Any]]:
    with open(path, "rb") as f:
        yield from msgpack.Unpacker(f, raw=False, max_array_len=1 << 20)


def test_the_trailer_is_as_documented(ready: Path, original: Path) -> None:
    *_, record, footer = _walk(ready)
    at = original.stat().st_size
    assert list(record)[:4] == ["kind", "covers", "digest", "crc32"] and record["covers"] == at
    assert footer == {"kind": "prepared-at", "at": at}
    assert ready.read_bytes()[-prepared.FOOTER_SIZE:] == prepared.footer(at) and len(prepared.footer(at)) == 30
    assert ready.read_bytes()[-9] == 0xCF  # uint64, whatever the value

