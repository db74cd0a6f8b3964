"""`record --out` never destroys an existing recording: it is refused unless `--force`, and the file is
opened only once the listener is bound (a busy port leaves it as it was)."""

from __future__ import annotations

import asyncio
import socket
import sys
from pathlib import Path

import aiohttp
import pytest
from watchproxy.engines.store import load

from tests.fake_apiserver import FakeApiserver
from tests.procs import start_proxy

OLD = b"an existing recording, not to be touched\n" * 100


async def _record(*args: str) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "watchproxy", "record", *args,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


async def test_an_existing_recording_is_refused_and_left_alone(tmp_path: Path) -> None:
    out = tmp_path / "mine.msgpack"
    out.write_bytes(OLD)
    async with FakeApiserver() as api:
        kc = api.write_kubeconfig(tmp_path / "k")
        code, _, stderr = await _record("--out", str(out), "--kubeconfig", str(kc), "--listen", "127.0.0.1:0")
    assert code == 2
    assert stderr.strip().splitlines() == [f"watchproxy: error: {out}: already exists; choose another file or "
                                           "overwrite it with --force"]
    assert "Unclosed" not in stderr
    assert out.read_bytes() == OLD


async def test_a_busy_port_leaves_even_a_forced_recording_untouched(tmp_path: Path) -> None:
    out = tmp_path / "mine.msgpack"
    out.write_bytes(OLD)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        async with FakeApiserver() as api:
            kc = api.write_kubeconfig(tmp_path / "k")
            code, _, stderr = await _record("--out", str(out), "--kubeconfig", str(kc), "--force",
                                            "--listen", f"127.0.0.1:{port}")
    assert code == 2
    assert "address already in use" in stderr.lower() and "Traceback" not in stderr and "Unclosed" not in stderr
    assert out.read_bytes() == OLD


async def test_force_overwrites_with_a_new_recording(tmp_path: Path) -> None:
    out = tmp_path / "mine.msgpack"
    out.write_bytes(OLD)
    async with FakeApiserver() as api:
        kc = api.write_kubeconfig(tmp_path / "k")
        proc, url = await start_proxy("record", "--out", str(out), "--kubeconfig", str(kc), "--force")
        async with aiohttp.ClientSession() as http, http.get(f"{url}/version") as resp:
            assert resp.status == 200
        proc.terminate()
        await asyncio.wait_for(proc.wait(), 60)
    assert [ex.request.path for ex in load(out).exchanges.values()] == ["/version"]


def test_the_writer_refuses_an_existing_file_unless_told_to_overwrite(tmp_path: Path) -> None:
    from watchproxy.recording.errors import RecordingError
    from watchproxy.recording.records import Header
    from watchproxy.recording.writer import RecordingWriter

    path = tmp_path / "r.msgpack"
    path.write_bytes(OLD)
    with pytest.raises(RecordingError, match="already exists"):
        RecordingWriter(path, Header(started_at="2026-01-01T00:00:00Z"), overwrite=False)
    assert path.read_bytes() == OLD


async def test_an_unwritable_out_is_one_line_with_nothing_left_open(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a directory")
    async with FakeApiserver() as api:
        kc = api.write_kubeconfig(tmp_path / "k")
        code, _, stderr = await _record("--out", str(tmp_path / "file" / "r.msgpack"), "--kubeconfig", str(kc),
                                        "--listen", "127.0.0.1:0")
    assert code == 2
    parent = tmp_path / "file"
    assert stderr.splitlines() == [  # and no `Unclosed connector` after it
        f"watchproxy: error: {parent / 'r.msgpack'}: cannot write: {parent} is not a directory"]
