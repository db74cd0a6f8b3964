"""What a proxy must never do, whatever its clients or its kubeconfig: show a password from the server URL,
leave key material on disk after a kill, answer anything but a Status, crash on a body or a header it
cannot use, or lock everyone out when file descriptors run out."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import resource
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import yaml
from aiohttp import web
from watchproxy.recording import RecordingReader
from watchproxy.server.sessions import RecordSession

from tests.fake_apiserver import FakeApiserver
from tests.procs import STARTED

PODS = "/api/v1/namespaces/default/pods"
NGINX = Path(__file__).resolve().parent.parent / "recordings" / "nginx-deploy.msgpack"
PASSWORD = "url-pa55w0rd-n3ver-sh0wn"


async def start(*args: str, env: dict[str, str] | None = None, nofile: int | None = None,
                listen: str = "127.0.0.1:0") -> tuple[asyncio.subprocess.Process, str, str]:
    """`python -m watchproxy ARGS` with its own environment and, if given, a lower RLIMIT_NOFILE (soft and
    hard, so it cannot raise it back); returns it, its URL and its ready line."""
    def limit() -> None:
        if nofile is not None:
            resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))

    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "watchproxy", *args, "--listen", listen, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE, env={**os.environ, **(env or {})}, preexec_fn=limit)
    STARTED.append(proc)
    assert proc.stdout is not None
    line = (await asyncio.wait_for(proc.stdout.readline(), 60)).decode()
    assert "listening on" in line, line + (await proc.stderr.read()).decode() if proc.stderr else line
    return proc, line.split("listening on ", 1)[1].split(",", 1)[0], line


async def stop(proc: asyncio.subprocess.Process) -> tuple[bytes, bytes]:
    proc.send_signal(signal.SIGINT)
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    return out, err


def kubeconfig_with(tmp_path: Path, api: FakeApiserver, *, server: str | None = None,
                    user: dict[str, object] | None = None) -> Path:
    cfg = api.kubeconfig()
    if server is not None:
        cfg["clusters"][0]["cluster"]["server"] = server
    if user is not None:
        cfg["users"][0]["user"] = user
    path = tmp_path / "kubeconfig"
    path.write_text(yaml.safe_dump(cfg))
    return path


# --- credentials ---------------------------------------------------------------------------------------------------

async def test_a_password_in_the_server_url_is_never_shown_or_stored(tmp_path: Path) -> None:
    async with FakeApiserver(tls=True) as api:
        server = api.url.replace("https://", f"https://admin:{PASSWORD}@")
        kc = kubeconfig_with(tmp_path, api, server=server)
        out = tmp_path / "r.msgpack"
        proc, url, ready = await start("record", "--out", str(out), "--kubeconfig", str(kc), "-v")
        async with aiohttp.ClientSession() as http, http.get(f"{url}{PODS}") as resp:
            assert resp.status == 200
        stdout, stderr = await stop(proc)
    assert api.url in ready  # the server is named, without its user information
    with RecordingReader(out) as reader:
        assert reader.header.upstream == api.url
    encoded = base64.b64encode(f"admin:{PASSWORD}".encode())
    for where, blob in (("ready line", ready.encode()), ("stdout", stdout), ("stderr", stderr),
                        ("recording", out.read_bytes())):
        assert PASSWORD.encode() not in blob and encoded not in blob, where


@contextlib.asynccontextmanager
async def header_catcher() -> AsyncIterator[tuple[str, list[str]]]:
    """A plain HTTP server that answers every request with an empty list and keeps its Authorization."""
    seen: list[str] = []

    async def handle(request: web.Request) -> web.Response:
        seen.append(request.headers.get("Authorization", ""))
        return web.json_response({"kind": "PodList", "apiVersion": "v1", "metadata": {}, "items": []})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}", seen
    finally:
        await runner.cleanup()


async def test_the_url_user_authenticates_when_nothing_else_does(tmp_path: Path) -> None:
    """As Go's HTTP client does: user:password@ becomes basic auth when the kubeconfig sets no token, on
    pooled requests and on watches (which have connections of their own)."""
    async with header_catcher() as (server, seen):
        kc = tmp_path / "kubeconfig"
        kc.write_text(yaml.safe_dump({
            "apiVersion": "v1", "kind": "Config", "current-context": "c",
            "clusters": [{"name": "c", "cluster": {"server": server.replace("//", f"//admin:{PASSWORD}@")}}],
            "users": [{"name": "u", "user": {}}],
            "contexts": [{"name": "c", "context": {"cluster": "c", "user": "u"}}]}))
        async with RecordSession(tmp_path / "r.msgpack", kubeconfig=str(kc)) as s, aiohttp.ClientSession() as http:
            async with http.get(f"{s.url}{PODS}") as resp:
                await resp.read()
            async with http.get(f"{s.url}{PODS}?watch=1") as resp:
                await resp.read()
    expected = "Basic " + base64.b64encode(f"admin:{PASSWORD}".encode()).decode()
    assert seen[-2:] == [expected, expected]


async def test_no_key_material_on_disk_while_running_or_after_a_kill(tmp_path: Path) -> None:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    async with FakeApiserver(tls=True, client_ca=True, token=None) as api:
        assert api.client_cert is not None
        user = {"client-certificate-data": base64.b64encode(api.client_cert.cert_chain_pems[0].bytes()).decode(),
                "client-key-data": base64.b64encode(api.client_cert.private_key_pem.bytes()).decode()}
        kc = kubeconfig_with(tmp_path, api, user=user)
        for _ in range(2):
            proc, url, _ = await start("record", "--out", str(tmp_path / "r.msgpack"), "--force", "--kubeconfig",
                                       str(kc), env={"TMPDIR": str(tmp)})
            async with aiohttp.ClientSession() as http, http.get(f"{url}{PODS}") as resp:
                assert resp.status == 200  # the client certificate was loaded, and works
            assert list(tmp.iterdir()) == [], "key material on disk while the proxy runs"
            proc.kill()
            await proc.wait()
            assert list(tmp.iterdir()) == [], "key material left behind by a killed proxy"
