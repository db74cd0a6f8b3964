"""Record through the proxy from the stand-in apiserver (TLS, client certificate, bearer token), then
replay with no upstream: what each real client sees in replay equals what it saw while recording."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
from watchproxy.engines.store import load
from watchproxy.recording import RecordingReader, Request
from watchproxy.server.sessions import RecordSession, ReplaySession

from tests.fake_apiserver import FakeApiserver, make_pod
from tests.procs import KUBECTL, ClientProcess, node_client, python_client

TOKEN = "tok-3f9a1c77e0b24d51a8c6d2f04e1b7c93"
R9 = "nginx-deploy-679dc9c764-r9ds5"
D5 = "nginx-deploy-679dc9c764-54d5d"


@dataclass
class Cluster:
    api: FakeApiserver
    kubeconfig: Path
    tmp: Path


@pytest.fixture
async def cluster(tmp_path: Path) -> AsyncIterator[Cluster]:
    async with FakeApiserver(tls=True, client_ca=True, token=TOKEN, min_request_timeout=2.0, seed=5) as api:
        api.create(make_pod("web-0", phase="Running"))
        yield Cluster(api, api.write_kubeconfig(tmp_path / "real.kubeconfig"), tmp_path)


async def rollout(api: FakeApiserver) -> None:
    """The seed's nginx rollout: two pods created and progressing to Running."""
    api.create(make_pod(R9, phase="Pending"))
    api.modify(make_pod(R9, phase="Pending", node="kind-worker"))
    api.create(make_pod(D5, phase="Pending"))
    api.modify(make_pod(R9, phase="Running"))
    api.modify(make_pod(D5, phase="Running"))


async def run_client(start: Callable[[], ClientProcess], until: str | None = "done") -> list[str]:
    """Run a client to its end: the line `until`, or (None) its own exit, which must be clean."""
    client = start()
    try:
        if until is not None:
            await asyncio.to_thread(client.wait_line, until)
        assert await asyncio.to_thread(client.wait_exit) == 0, client.stderr
    finally:
        client.kill()
    return client.lines


async def record(c: Cluster, name: str, start: Callable[[str], ClientProcess], watches: int = 1,
                 until: str | None = "done") -> tuple[Path, list[str]]:
    out = c.tmp / f"{name}.msgpack"
    async with RecordSession(out, kubeconfig=str(c.kubeconfig), write_kubeconfig=c.tmp / "proxy.kubeconfig") as s:
        assert s.kubeconfig is not None
        kc = s.kubeconfig
        task = asyncio.ensure_future(run_client(lambda: start(kc), until))
        await c.api.wait_for_watches(watches, within=60)
        await rollout(c.api)
        lines = await task
    return out, lines


async def replay_lines(recording: Path, start: Callable[[str], ClientProcess], mode: str = "exact",
                       until: str | None = "done") -> list[str]:
    path = recording.with_suffix(f".{mode}.kubeconfig")
    async with ReplaySession(recording, mode=mode, write_kubeconfig=path):
        return await run_client(lambda: start(str(path)), until)


async def test_python_watch_transcript_is_the_same_in_replay(cluster: Cluster) -> None:
    def start(kc: str) -> ClientProcess:
        return python_client("py_watch.py", kc, "--timeout-seconds", "4")

    rec, recorded = await record(cluster, "py", start)
    assert recorded[-1] == "done" and f"ADDED : {R9}" in recorded and f"MODIFIED : {D5}" in recorded
    assert await replay_lines(rec, start, "exact") == recorded
    assert await replay_lines(rec, start, "emulate") == recorded


@pytest.mark.clients("node")
async def test_seed_script_transcript_is_the_same_in_replay(cluster: Cluster) -> None:
    def start(kc: str) -> ClientProcess:
        home = Path(kc).parent / f"home-{Path(kc).stem}"
        (home / ".kube").mkdir(parents=True, exist_ok=True)
        shutil.copy(kc, home / ".kube" / "config")
        return node_client("seed-watch.js", kc, home=str(home))

    rec, recorded = await record(cluster, "node", start)
    assert recorded == ["ADDED : web-0", f"ADDED : {R9}", f"MODIFIED : {R9}", f"ADDED : {D5}",
                        f"MODIFIED : {R9}", f"MODIFIED : {D5}", "done"]
    assert await replay_lines(rec, start, "exact") == recorded
    loaded = load(rec)
    watch = next(e for e in loaded.exchanges.values() if e.info.verb == "watch")
    assert watch.end is not None and 2.0 <= watch.end.t - watch.request.t < 4.5  # the randomized close


@pytest.mark.clients("kubectl")
async def test_kubectl_get_pods_watch_transcript_is_the_same_in_replay(cluster: Cluster) -> None:
    def start(kc: str) -> ClientProcess:
        cache = Path(kc).parent / f"cache-{Path(kc).stem}"
        return ClientProcess([str(KUBECTL), "--kubeconfig", kc, "--cache-dir", str(cache), "get", "pods", "-w"])

    rec, recorded = await record(cluster, "kubectl", start, until=None)
    assert recorded[0].split() == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    assert any(line.startswith(D5) for line in recorded)
    assert await replay_lines(rec, start, "exact", until=None) == recorded
    assert await replay_lines(rec, start, "emulate", until=None) == recorded  # Tables only: served as recorded


async def test_replayed_bodies_equal_recorded_ones_byte_for_byte(cluster: Cluster) -> None:
    rec, _ = await record(cluster, "bytes", lambda kc: python_client("py_watch.py", kc, "--timeout-seconds", "3"))
    loaded = load(rec)
    async with ReplaySession(loaded, mode="exact", speed=50.0) as s, \
            aiohttp.ClientSession(auto_decompress=False) as http:
        for ex in sorted(loaded.exchanges.values(), key=lambda e: e.request.t):
            r = ex.request
            headers = {k: v for k, v in r.headers if k.lower() in ("accept", "user-agent")}
            async with http.request(r.method, f"{s.url}{r.path}" + (f"?{r.query}" if r.query else ""),
                                    headers=headers) as resp:
                body = await resp.read()
                assert ex.response is not None and resp.status == ex.response.status
                assert body == ex.body, r.path
                if resp.headers.get("Transfer-Encoding") == "chunked":
                    assert "Content-Length" not in resp.headers
                assert "Server" not in resp.headers
    # The terminating chunk, read off the wire (a new replay: the watch above used its one recorded answer).
    async with ReplaySession(loaded, mode="exact", speed=50.0) as s:
        watch = next(e for e in loaded.exchanges.values() if e.info.verb == "watch")
        host, port = s.url.removeprefix("http://").split(":")
        reader, writer = await asyncio.open_connection(host, int(port))
        writer.write(f"GET {watch.request.path}?{watch.request.query} HTTP/1.1\r\nHost: {host}\r\n"
                     "Accept: application/json\r\nConnection: close\r\n\r\n".encode())
        raw = await reader.read()
        writer.close()
    head, _, chunked = raw.partition(b"\r\n\r\n")
    assert b"Transfer-Encoding: chunked" in head and b"Content-Length" not in head
    assert chunked.endswith(b"\r\n0\r\n\r\n") and b"\n\n" not in chunked.replace(b"\r\n", b"")


def credentials_absent(path: Path, secrets: list[bytes]) -> None:
    data = path.read_bytes()
    for s in secrets:
        assert s not in data, f"{s[:12]!r}... found in {path.name}"
    with RecordingReader(path) as reader:
        for rec in reader.records():
            if isinstance(rec, Request):
                assert not any(k.lower() == "authorization" for k, _ in rec.headers)


async def test_no_credential_reaches_the_recording(cluster: Cluster) -> None:
    rec, _ = await record(cluster, "creds", lambda kc: python_client("py_watch.py", kc, "--timeout-seconds", "2"))
    cert = cluster.api.client_cert
    assert cert is not None
    key_body = cert.private_key_pem.bytes().split(b"\n")[1]
    credentials_absent(rec, [TOKEN.encode(), b"Bearer", key_body])
    assert (rec.stat().st_mode & 0o777) == 0o600
    assert cluster.api.requests[-1].client_cert_cn  # the proxy really presented the client certificate
