"""What a proxy must never do, whatever its clients or its kubeconfig: show a password from the server URL,
leave key material on disk after a kill, answer anything but a Status, crash on a body or a header it
cannot use, or lock everyone out when file descriptors run out."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import gzip
import json
import logging
import os
import resource
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
import yaml
from aiohttp import web
from watchproxy.engines.store import load
from watchproxy.recording import End, EndHow, Frame, Header, RecordingReader, RecordingWriter, Request, Response
from watchproxy.server.limits import AcceptErrors
from watchproxy.server.sessions import RecordSession, ReplaySession

from tests.fake_apiserver import FakeApiserver
from tests.procs import STARTED, until_logged

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
            await proc.communicate()
            assert list(tmp.iterdir()) == [], "key material left behind by a killed proxy"


# --- recorded headers -----------------------------------------------------------------------------------------------

async def test_recorded_headers_that_are_not_valid_http_are_skipped_with_a_warning(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "bad-headers.msgpack"
    w = RecordingWriter(path, Header(started_at="2025-03-01T12:00:00Z"))
    w.write(Request(1, 0.0, "GET", "/version", ""),
            Response(1, 0.01, 200, "OK\r\nInjected: yes", (("Content-Type", "application/json"), ("X-Nul", "a\x00b"),
                                                           ("Bad Name", "v"), ("X-Split", "a\r\nInjected: yes"),
                                                           ("X-Kept", "1"))),
            Frame(1, 0.02, b'{"major":"1","minor":"34"}'), End(1, 0.03, EndHow.COMPLETE))
    w.close()
    caplog.set_level(logging.WARNING, logger="watchproxy")
    async with ReplaySession(path, mode="exact") as r, aiohttp.ClientSession() as http, \
            http.get(f"{r.url}/version") as resp:
        assert resp.status == 200 and await resp.json() == {"major": "1", "minor": "34"}
        names = {k.lower() for k in resp.headers}
    assert "x-kept" in names and not names & {"x-nul", "bad name", "x-split", "injected"}
    assert caplog.text.count("not sending a recorded header") == 3


# --- bodies and methods nobody serves ----------------------------------------------------------------------------

async def raw_request(url: str, data: bytes) -> tuple[int, dict[str, str], bytes]:
    """One request written as bytes on a fresh connection; the answer's status, headers and body."""
    host, port = url.removeprefix("http://").rsplit(":", 1)
    reader, writer = await asyncio.open_connection(host, int(port))
    try:
        writer.write(data)
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30)
        lines = head.decode("latin-1").split("\r\n")
        headers = dict(line.lower().split(": ", 1) for line in lines[1:] if ": " in line)
        body = await asyncio.wait_for(reader.readexactly(int(headers.get("content-length", "0"))), 30)
        return int(lines[0].split()[1]), headers, body
    finally:
        writer.close()


@contextlib.asynccontextmanager
async def record_and_replay(tmp_path: Path) -> AsyncIterator[tuple[FakeApiserver, str, str]]:
    """A recorder in front of the stand-in and a replay of a bundled recording, both serving."""
    async with FakeApiserver() as api, \
            RecordSession(tmp_path / "r.msgpack", kubeconfig=str(api.write_kubeconfig(tmp_path / "k"))) as rec, \
            ReplaySession(NGINX) as rep:
        yield api, rec.url, rep.url


async def test_gzip_request_bodies_are_decoded_and_relabelled_and_bad_ones_get_a_400(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    pod = json.dumps({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "gz"},
                      "spec": {"containers": [{"name": "c", "image": "i"}]}}).encode()
    packed = gzip.compress(pod)
    async with record_and_replay(tmp_path) as (api, rec, rep):
        for url in (rec, rep):
            code, _, body = await raw_request(url, (
                f"POST {PODS} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                f"Content-Encoding: gzip\r\nContent-Length: 11\r\nConnection: close\r\n\r\n").encode() + b"not gzip!!!")
            assert code == 400 and json.loads(body)["kind"] == "Status", (url, body)
        bomb = gzip.compress(b"\0" * (20 << 20))  # 20 MiB once decoded: over the apiserver's 3 MiB
        for url in (rec, rep):
            code, _, body = await raw_request(url, (
                f"POST {PODS} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                f"Content-Encoding: gzip\r\nContent-Length: {len(bomb)}\r\nConnection: close\r\n\r\n").encode() + bomb)
            assert code == 413 and json.loads(body)["kind"] == "Status", (url, body)
        code, _, body = await raw_request(rec, (
            f"POST {PODS} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            f"Content-Encoding: gzip\r\nContent-Length: {len(packed)}\r\nConnection: close\r\n\r\n").encode() + packed)
        assert code == 201, body
        assert api.get("pods", "gz") is not None
        sent = {k.lower(): v for k, v in api.requests[-1].headers.items()}
        assert "content-encoding" not in sent
    recorded = [e.request for e in load(tmp_path / "r.msgpack").exchanges.values()]
    assert [r.method for r in recorded] == ["POST"]  # the bad body was refused before anything was forwarded
    assert recorded[0].body == pod and not recorded[0].header("Content-Encoding")
    assert "Traceback" not in caplog.text


@pytest.mark.parametrize(("request_line", "code"), [("CONNECT example.com:443 HTTP/1.1", 405),
                                                    ("OPTIONS * HTTP/1.1", 404),
                                                    ("GET example.com HTTP/1.1", 400)])
async def test_requests_nobody_serves_get_a_status(tmp_path: Path, request_line: str, code: int) -> None:
    async with record_and_replay(tmp_path) as (_, rec, rep):
        for url in (rec, rep):
            got, headers, body = await raw_request(url, f"{request_line}\r\nHost: localhost\r\n\r\n".encode())
            assert got == code and headers["content-type"] == "application/json"
            assert json.loads(body)["kind"] == "Status" and "server" not in headers


# --- file descriptors and slow clients ---------------------------------------------------------------------------

async def connect(url: str) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    host, port = url.removeprefix("http://").rsplit(":", 1)
    return await asyncio.open_connection(host.strip("[]"), int(port))


async def closed_by_the_proxy(reader: asyncio.StreamReader) -> bytes:
    """Everything the proxy sent until it closed the connection (waits for that, bounded). A connection
    closed with bytes of ours unread is reset rather than closed: that counts as closed, with nothing sent."""
    try:
        return await asyncio.wait_for(reader.read(), 60)
    except ConnectionResetError:
        return b""


async def get_status_line(url: str, target: str = "/version") -> bytes:
    reader, writer = await connect(url)
    try:
        writer.write(f"GET {target} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode())
        return await asyncio.wait_for(reader.readline(), 30)
    finally:
        writer.close()


async def test_idle_and_slow_connections_are_closed_and_the_rest_refused_clearly(tmp_path: Path) -> None:
    """At 200 descriptors, 250 connections that send nothing or trickle their headers: those over the cap get
    a 429 Status at once, the others are closed after the header timeout, and then the proxy serves again;
    no traceback, a few lines of log."""
    proc, url, _ = await start("replay", str(NGINX), nofile=200, env={"WATCHPROXY_HEADER_TIMEOUT": "2"})
    held = [await connect(url) for _ in range(250)]
    for i, (_, writer) in enumerate(held[:100]):  # well within the cap: these were all accepted
        if i % 2:
            writer.write(b"GET /version HTTP/1.1\r\nHo")  # never finished
    answers = await asyncio.gather(*(closed_by_the_proxy(reader) for reader, _ in held))
    refused = [a for a in answers if a.startswith(b"HTTP/1.1 429")]
    timed_out = [a for a in answers if a == b""]
    assert len(refused) + len(timed_out) == 250 and refused and timed_out, [a[:40] for a in answers][:5]
    assert json.loads(refused[0].partition(b"\r\n\r\n")[2])["kind"] == "Status"
    assert b"200 OK" in await get_status_line(url)
    for _, writer in held:
        writer.close()
    _, stderr = await stop(proc)
    assert b"Traceback" not in stderr and stderr.count(b"\n") < 10, stderr[-2000:]


async def test_over_the_cap_in_record_mode_every_watch_is_served_or_refused_with_a_429(tmp_path: Path) -> None:
    """Record mode needs two descriptors a connection: at 200, 300 watches at once get 200 or 429, each."""
    async with FakeApiserver() as api:
        proc, url, _ = await start("record", "--out", str(tmp_path / "r.msgpack"), "--kubeconfig",
                                   str(api.write_kubeconfig(tmp_path / "k")), nofile=200)
        watches = []

        async def watch() -> bytes:
            """As a client does: a refused one hangs up once it has read the answer."""
            reader, writer = await connect(url)
            watches.append(writer)
            writer.write(f"GET {PODS}?watch=1 HTTP/1.1\r\nHost: localhost\r\n\r\n".encode())
            head = await asyncio.wait_for(reader.readline(), 60)
            if not head.startswith(b"HTTP/1.1 200"):
                writer.close()
            return head

        heads = await asyncio.gather(*(watch() for _ in range(300)))
        codes = {h[9:12] for h in heads}
        # 200, or 429 over the cap; a 503 Status if the connection to the apiserver found no descriptor left
        # (refused clients that have not yet closed still hold theirs)
        assert {b"200", b"429"} <= codes <= {b"200", b"429", b"503"}, {h[:30] for h in heads}
        for writer in watches:
            writer.close()
        _, stderr = await stop(proc)
    assert b"Traceback" not in stderr and stderr.count(b"\n") < 10, stderr[-2000:]


async def test_an_open_watch_is_never_timed_out(tmp_path: Path) -> None:
    proc, url, _ = await start("replay", str(NGINX), env={"WATCHPROXY_HEADER_TIMEOUT": "1",
                                                           "WATCHPROXY_IDLE_TIMEOUT": "1"})
    watch_reader, watch_writer = await connect(url)
    watch_writer.write(f"GET {PODS}?watch=1 HTTP/1.1\r\nHost: localhost\r\n\r\n".encode())
    assert b"200" in await asyncio.wait_for(watch_reader.readline(), 30)
    idle_reader, _ = await connect(url)  # opened after the watch, so timed out after the watch would be
    assert await closed_by_the_proxy(idle_reader) == b""
    assert not watch_reader.at_eof() and not watch_writer.is_closing()
    watch_writer.write(b"")  # still writable: the proxy did not close it
    await stop(proc)
    assert watch_reader.at_eof() or await closed_by_the_proxy(watch_reader) is not None


async def test_a_thousand_watches_with_the_default_limits_of_a_fresh_machine(tmp_path: Path) -> None:
    """A soft limit of 1024 (with a larger hard one), as a fresh Linux machine has: the proxy raises it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 4096:
        pytest.skip(f"the hard open-file limit here is {hard}")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 4096), hard))  # this test's own client sockets
    try:
        def fresh_machine() -> None:
            resource.setrlimit(resource.RLIMIT_NOFILE, (1024, 4096))

        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "watchproxy", "replay", str(NGINX), "--listen", "127.0.0.1:0",
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, preexec_fn=fresh_machine)
        STARTED.append(proc)
        assert proc.stdout is not None
        line = (await asyncio.wait_for(proc.stdout.readline(), 60)).decode()
        url = line.split("listening on ", 1)[1].split(",", 1)[0]
        watches = []
        for _ in range(1000):
            reader, writer = await connect(url)
            writer.write(f"GET {PODS}?watch=1 HTTP/1.1\r\nHost: localhost\r\n\r\n".encode())
            watches.append((reader, writer))
        heads = await asyncio.gather(*(asyncio.wait_for(r.readline(), 60) for r, _ in watches))
        assert all(h.startswith(b"HTTP/1.1 200") for h in heads), {h[:20] for h in heads}
        limits = Path(f"/proc/{proc.pid}/limits")
        if limits.exists():
            row = next(ln for ln in limits.read_text().splitlines() if ln.startswith("Max open files"))
            assert row.split()[3] == "4096"
        for _, writer in watches:
            writer.close()
        _, stderr = await stop(proc)
        assert b"Traceback" not in stderr
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_failing_accepts_are_one_log_line_every_few_seconds(caplog: pytest.LogCaptureFixture) -> None:
    now = [0.0]
    passed: list[dict[str, object]] = []
    handler = AcceptErrors(lambda loop, ctx: passed.append(ctx), now=lambda: now[0])
    error = OSError(24, "Too many open files")
    for _ in range(6000):  # 500 a second for 12 s
        handler(None, {"message": "socket.accept() out of system resource", "exception": error})
        now[0] += 0.002
    handler(None, {"message": "something else"})
    # asyncio's retry of a failed accept, fired after the listening socket was closed
    handler(None, {"message": "Exception in callback", "exception": ValueError("Invalid file descriptor: -1"),
                   "handle": "<TimerHandle BaseSelectorEventLoop._start_serving(...)>"})
    assert handler.failed == 6000 and passed == [{"message": "something else"}]
    assert caplog.text.count("cannot accept connections") == 2  # at 0 s and at 10 s
    assert "Traceback" not in caplog.text


# --- listening --------------------------------------------------------------------------------------------------

async def test_listening_on_every_address_takes_ipv4_and_ipv6_and_the_warning_names_the_host_check() -> None:
    import socket

    if not socket.has_dualstack_ipv6():
        pytest.skip("no dual-stack IPv6 here")
    proc, url, _ = await start("replay", str(NGINX), "--allow-remote", listen="[::]:0")
    port = url.rsplit(":", 1)[1]
    for host in ("127.0.0.1", "[::1]"):
        assert b"200 OK" in await get_status_line(f"http://{host}:{port}")
    _, stderr = await stop(proc)
    assert b"IPv6 and IPv4" in stderr and b"--accept-host" in stderr


# --- how an exchange ended -----------------------------------------------------------------------------------

async def test_a_client_leaving_is_not_recorded_as_the_proxy_stopping(tmp_path: Path,
                                                                      caplog: pytest.LogCaptureFixture) -> None:
    """A client that disconnects from a quiet watch (nothing being sent, so aiohttp cancels the handler)."""
    out = tmp_path / "left.msgpack"
    async with FakeApiserver() as api:
        async with RecordSession(out, kubeconfig=str(api.write_kubeconfig(tmp_path / "k"))) as s:
            reader, writer = await asyncio.open_connection(*s.url.removeprefix("http://").rsplit(":", 1))
            writer.write(f"GET {PODS}?watch=1 HTTP/1.1\r\nHost: localhost\r\n\r\n".encode())
            await reader.readuntil(b"\r\n\r\n")
            await api.wait_for_watches(1)
            writer.close()
            await until_logged(s, lambda: any(e.end for e in s.log.entries))
            entry = s.log.entries[0]
        assert entry.end == "client-closed"
        # one more, still open when the proxy stops
        kc = str(api.write_kubeconfig(tmp_path / "k"))
        async with RecordSession(tmp_path / "stopped.msgpack", kubeconfig=kc) as s2:
            reader, writer = await asyncio.open_connection(*s2.url.removeprefix("http://").rsplit(":", 1))
            writer.write(f"GET {PODS}?watch=1 HTTP/1.1\r\nHost: localhost\r\n\r\n".encode())
            await reader.readuntil(b"\r\n\r\n")
        writer.close()
    left = next(iter(load(out).exchanges.values()))
    assert left.end is not None and left.end.how == "client-closed" and "stopped" not in left.end.error
    stopped = next(iter(load(tmp_path / "stopped.msgpack").exchanges.values()))
    assert stopped.end is not None and stopped.end.error == "watchproxy stopped"


