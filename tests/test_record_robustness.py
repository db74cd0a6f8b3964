"""Record mode under bad conditions: killed recorder, failing or unreachable upstream, clients that leave,
full disks, secrets and every credential kind the kubeconfig can hold."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import datetime as dt
import errno
import json
import os
import signal
import socket
import sys
from pathlib import Path

import aiohttp
import pytest
import yaml
from watchproxy.engines import upstream as upstream_mod
from watchproxy.engines.store import load
from watchproxy.recording import End, EndHow, Frame, RecordingReader
from watchproxy.recording import writer as writer_mod
from watchproxy.server.sessions import RecordSession, ReplaySession

from tests.fake_apiserver import FakeApiserver, make_pod
from tests.fake_apiserver.objects import make_secret
from tests.procs import start_proxy

PODS = "/api/v1/namespaces/default/pods"
TOKEN = "tok-0a1b2c3d4e5f60718293a4b5c6d7e8f9"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def start_recorder(*args: str) -> tuple[asyncio.subprocess.Process, str]:
    return await start_proxy("record", *args)


async def test_sigkill_during_a_busy_watch_loses_no_event_the_client_received(tmp_path: Path) -> None:
    out = tmp_path / "killed.msgpack"
    async with FakeApiserver(min_request_timeout=600) as api:
        kc = api.write_kubeconfig(tmp_path / "k")
        proc, url = await start_recorder("--out", str(out), "--kubeconfig", str(kc))
        received: list[bytes] = []

        async def churn() -> None:
            for i in range(20000):
                api.create(make_pod(f"busy-{i:05d}"))
                if i % 20 == 0:
                    await asyncio.sleep(0)  # let the server write; not a synchronisation

        async with aiohttp.ClientSession() as http, http.get(f"{url}{PODS}?watch=true") as resp:
            task = asyncio.ensure_future(churn())
            async for line in resp.content:
                received.append(line)
                if len(received) == 800:
                    proc.send_signal(signal.SIGKILL)
                    break
            task.cancel()
        assert await proc.wait() == -signal.SIGKILL
    with RecordingReader(out) as reader:
        frames = {r.data for r in reader.records() if isinstance(r, Frame)}
    assert len(received) == 800 and all(line in frames for line in received)


@pytest.mark.parametrize("content", [b"", b"{\"kind\": \"not msgpack\"}\n", b"\x89PNG\r\n\x1a\n" + bytes(64),
                                     b"\x85\xa4kind\xa6header\xa6format"])
async def test_bad_recordings_get_one_readable_line(tmp_path: Path, content: bytes) -> None:
    bad = tmp_path / "bad.msgpack"
    bad.write_bytes(content)
    for cmd in (["replay", str(bad), "--listen", "127.0.0.1:0"], ["inspect", str(bad)]):
        proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "watchproxy", *cmd,
                                                    stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        stdout, stderr = await asyncio.wait_for(proc.communicate(), 30)
        lines = stderr.decode().strip().splitlines()
        assert proc.returncode == 2 and len(lines) == 1, stderr
        assert lines[0].startswith("watchproxy: error: ") and str(bad) in lines[0]
        assert b"Traceback" not in stderr + stdout


async def test_truncated_recording_replays_what_it_has_and_says_so(tmp_path: Path) -> None:
    src = Path(__file__).resolve().parent.parent / "recordings" / "nginx-deploy.msgpack"
    cut = tmp_path / "cut.msgpack"
    data = src.read_bytes()
    cut.write_bytes(data[: len(data) - 7])
    loaded = load(cut)
    assert loaded.torn_tail is not None and "truncated" in loaded.torn_tail
    assert any(e.info.verb == "watch" for e in loaded.exchanges.values())


async def test_unreachable_upstream_gives_clients_a_503_status(tmp_path: Path) -> None:
    kc = tmp_path / "k"
    kc.write_text(yaml.safe_dump({
        "apiVersion": "v1", "kind": "Config", "current-context": "c",
        "clusters": [{"name": "c", "cluster": {"server": f"http://127.0.0.1:{free_port()}"}}],
        "users": [{"name": "u", "user": {}}], "contexts": [{"name": "c", "context": {"cluster": "c", "user": "u"}}]}))
    out = tmp_path / "down.msgpack"
    async with RecordSession(out, kubeconfig=str(kc)) as s, aiohttp.ClientSession() as http, \
            http.get(f"{s.url}{PODS}") as resp:
        body = await resp.json()
    assert resp.status == 503 and body["kind"] == "Status" and "unreachable" in body["message"]
    ends = [r for r in RecordingReader(out).records() if isinstance(r, End)]
    assert ends[0].how == EndHow.UPSTREAM_ERROR


async def test_upstream_closing_mid_event_reaches_the_client_and_the_replay(tmp_path: Path) -> None:
    out = tmp_path / "cut.msgpack"
    async with FakeApiserver(min_request_timeout=600) as api:
        kc = api.write_kubeconfig(tmp_path / "k")
        async with RecordSession(out, kubeconfig=str(kc)) as s, aiohttp.ClientSession() as http:
            got = bytearray()
            reset = False
            with pytest.raises(aiohttp.ClientPayloadError):
                async with http.get(f"{s.url}{PODS}?watch=true") as resp:
                    await api.wait_for_watches(1)
                    api.create(make_pod("before-reset"))
                    async for chunk in resp.content.iter_any():
                        got += chunk
                        if b"before-reset" in got and not reset:
                            reset = True
                            api.reset_watches(mid_event=True)
    watch = next(e for e in load(out).exchanges.values() if e.info.verb == "watch")
    assert watch.how == EndHow.UPSTREAM_ERROR and not watch.frames[-1].data.endswith(b"\n")
    assert bytes(got) == watch.body  # what the client got, torn line included, is what was recorded
    async with ReplaySession(out, mode="exact", speed=100.0) as r, aiohttp.ClientSession() as http:
        again = bytearray()
        with pytest.raises(aiohttp.ClientPayloadError):
            async with http.get(f"{r.url}{PODS}?watch=true") as resp:
                async for chunk in resp.content.iter_any():
                    again += chunk
    assert bytes(again) == watch.body


async def test_client_leaving_mid_stream_is_recorded_and_closes_upstream(tmp_path: Path) -> None:
    out = tmp_path / "left.msgpack"
    async with FakeApiserver(min_request_timeout=600) as api:
        api.create(make_pod("web-0"))
        kc = api.write_kubeconfig(tmp_path / "k")
        async with RecordSession(out, kubeconfig=str(kc)) as s:
            async with aiohttp.ClientSession() as http, http.get(f"{s.url}{PODS}?watch=true") as resp:
                assert b"web-0" in await resp.content.readline()
            await api.wait_until(lambda: not api.watches, within=10)
            api.create(make_pod("web-1"))  # reaches no one, and nothing breaks
            async with aiohttp.ClientSession() as http, http.get(f"{s.url}{PODS}") as resp:
                assert resp.status == 200
    watch = next(e for e in load(out).exchanges.values() if e.info.verb == "watch")
    assert watch.how == EndHow.CLIENT_CLOSED


async def test_secret_values_are_redacted_in_the_file_but_not_for_the_client(tmp_path: Path) -> None:
    out = tmp_path / "secrets.msgpack"
    async with FakeApiserver() as api:
        api.create(make_secret("db", data={"password": "hunter2-very-secret"}))
        kc = api.write_kubeconfig(tmp_path / "k")
        async with RecordSession(out, kubeconfig=str(kc)) as s, aiohttp.ClientSession() as http, \
                http.get(f"{s.url}/api/v1/namespaces/default/secrets") as resp:
            live = await resp.json()
    encoded = base64.b64encode(b"hunter2-very-secret")
    assert live["items"][0]["data"]["password"] == encoded.decode()
    assert encoded not in out.read_bytes()
    assert any("Secret" in r for r in load(out).header.redactions)
    async with ReplaySession(out) as r, aiohttp.ClientSession() as http, \
            http.get(f"{r.url}/api/v1/namespaces/default/secrets") as resp:
        replayed = await resp.json()
    assert base64.b64decode(replayed["items"][0]["data"]["password"]) == b"<redacted>"


def _kubeconfig(tmp_path: Path, api: FakeApiserver, user: dict[str, object]) -> Path:
    cfg = api.kubeconfig(include_token=False, include_client_cert=False)
    cfg["users"][0]["user"] = user
    path = tmp_path / "auth.kubeconfig"
    path.write_text(yaml.safe_dump(cfg))
    return path


def _exec_plugin(tmp_path: Path, token: str, counter: Path) -> dict[str, object]:
    script = tmp_path / "plugin.py"
    past = (dt.datetime.now(dt.UTC) - dt.timedelta(seconds=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
    script.write_text(
        "import json, pathlib, sys\n"
        f"p = pathlib.Path({str(counter)!r}); p.write_text(str(int(p.read_text() or 0) + 1) if p.exists() else '1')\n"
        "print(json.dumps({'apiVersion': 'client.authentication.k8s.io/v1', 'kind': 'ExecCredential',"
        f" 'status': {{'token': {token!r}, 'expirationTimestamp': {past!r}}}}}))\n")
    return {"exec": {"apiVersion": "client.authentication.k8s.io/v1", "command": sys.executable,
                     "args": [str(script)], "interactiveMode": "Never"}}


@pytest.mark.parametrize("method", ["token", "token-file", "exec", "client-cert", "basic"])
async def test_no_credential_in_recording_log_or_error_for_any_auth_method(tmp_path: Path, method: str) -> None:
    token = f"{TOKEN}-{method}"
    counter = tmp_path / "runs"
    with_cert = method in ("client-cert", "basic")
    async with FakeApiserver(tls=True, client_ca=with_cert, token=None if with_cert else token) as api:
        secrets = [token.encode()]
        user: dict[str, object] = {}
        if method == "token":
            user = {"token": token}
        elif method == "token-file":
            (tmp_path / "tok").write_text(token)
            user = {"tokenFile": str(tmp_path / "tok")}
        elif method == "exec":
            user = _exec_plugin(tmp_path, token, counter)
        elif method == "basic":
            user = {"username": "admin", "password": "pa55-w0rd-never-logged"}
            secrets += [b"pa55-w0rd-never-logged", base64.b64encode(b"admin:pa55-w0rd-never-logged")]
        if with_cert:
            assert api.client_cert is not None
            user["client-certificate-data"] = base64.b64encode(api.client_cert.cert_chain_pems[0].bytes()).decode()
            user["client-key-data"] = base64.b64encode(api.client_cert.private_key_pem.bytes()).decode()
            secrets.append(api.client_cert.private_key_pem.bytes().split(b"\n")[1])
        kc = _kubeconfig(tmp_path, api, user)
        out = tmp_path / "auth.msgpack"
        proc, url = await start_recorder("--out", str(out), "--kubeconfig", str(kc), "-v")
        async with aiohttp.ClientSession() as http:
            for _ in range(2):
                async with http.get(f"{url}{PODS}") as resp:
                    assert resp.status == 200, await resp.text()
                    assert token.encode() not in await resp.read()
            async with http.get(f"{url}/api/v1/namespaces/nope/pods/x") as resp:
                assert token.encode() not in await resp.read()
            api.create(make_pod("web-0"))
            async with http.get(f"{url}{PODS}?watch=true") as resp:  # a watch has its own connection
                assert resp.status == 200 and b'"web-0"' in await resp.content.readline()
        proc.send_signal(signal.SIGINT)
        stdout, stderr = await asyncio.wait_for(proc.communicate(), 30)
        assert proc.returncode == 0 and b"recorded" in stdout
    if method == "exec":
        assert int(counter.read_text()) >= 3  # expired credentials are refreshed, not cached forever
    for blob in (out.read_bytes(), stdout, stderr):
        for s in secrets:
            assert s not in blob
    assert out.stat().st_mode & 0o777 == 0o600


async def test_token_file_is_reread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(upstream_mod, "TOKEN_FILE_REREAD_SECONDS", 0.0)
    async with FakeApiserver(token="first-token") as api:
        (tmp_path / "tok").write_text("first-token")
        kc = _kubeconfig(tmp_path, api, {"tokenFile": str(tmp_path / "tok")})
        async with RecordSession(tmp_path / "r.msgpack", kubeconfig=str(kc)) as s, aiohttp.ClientSession() as http:
            async with http.get(f"{s.url}{PODS}") as resp:
                assert resp.status == 200
            api.token = "rotated-token"
            (tmp_path / "tok").write_text("rotated-token")
            async with http.get(f"{s.url}{PODS}") as resp:
                assert resp.status == 200


async def test_upstream_errors_are_forwarded_and_recorded_as_they_happened(tmp_path: Path) -> None:
    out = tmp_path / "errors.msgpack"
    async with FakeApiserver() as api:
        kc = api.write_kubeconfig(tmp_path / "k")
        async with RecordSession(out, kubeconfig=str(kc)) as s, aiohttp.ClientSession() as http:
            for code in (401, 403, 500, 429):
                api.fail_next(code, retry_after=3 if code == 429 else None)
                async with http.get(f"{s.url}{PODS}") as resp:
                    assert resp.status == code and (await resp.json())["code"] == code
                    if code == 429:
                        assert resp.headers["Retry-After"] == "3"
    statuses = [e.response.status for e in load(out).exchanges.values() if e.response]
    assert statuses == [401, 403, 500, 429]


async def test_tls_failure_is_a_503_status_and_recorded(tmp_path: Path) -> None:
    out = tmp_path / "tls.msgpack"
    async with FakeApiserver(tls=True) as api:
        cfg = api.kubeconfig()
        cfg["clusters"][0]["cluster"].pop("certificate-authority-data")  # the system CAs do not trust it
        kc = tmp_path / "k"
        kc.write_text(yaml.safe_dump(cfg))
        async with RecordSession(out, kubeconfig=str(kc)) as s, aiohttp.ClientSession() as http, \
                http.get(f"{s.url}{PODS}") as resp:
            body = await resp.json()
    assert resp.status == 503 and "certificate" in body["message"].lower()
    assert next(iter(load(out).exchanges.values())).how == EndHow.UPSTREAM_ERROR


async def test_disk_full_stops_forwarding_and_keeps_the_file_readable(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "full.msgpack"
    real_write = os.write
    budget = {"left": 0, "fd": -1}

    real_writev = os.writev

    def write(fd: int, data: bytes | memoryview) -> int:
        if fd == budget["fd"] and budget["left"] >= 0:
            if len(data) > budget["left"]:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            budget["left"] -= len(data)
        return real_write(fd, data)

    def writev(fd: int, parts: list[bytes | memoryview]) -> int:  # a read's events behind their record head
        if fd == budget["fd"] and budget["left"] >= 0:
            if sum(map(len, parts)) > budget["left"]:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            budget["left"] -= sum(map(len, parts))
        return real_writev(fd, parts)

    monkeypatch.setattr(writer_mod.os, "write", write)
    monkeypatch.setattr(writer_mod.os, "writev", writev)
    async with FakeApiserver(min_request_timeout=600) as api:
        kc = api.write_kubeconfig(tmp_path / "k")
        async with RecordSession(out, kubeconfig=str(kc)) as s, aiohttp.ClientSession() as http:
            assert s.writer is not None
            budget["fd"], budget["left"] = s.writer._fd or -1, 3000
            with pytest.raises(aiohttp.ClientPayloadError):
                async with http.get(f"{s.url}{PODS}?watch=true") as resp:
                    await api.wait_for_watches(1)
                    for i in range(50):
                        api.create(make_pod(f"fill-{i}"))
                    async for _ in resp.content:
                        pass
            async with http.get(f"{s.url}{PODS}") as resp:
                body = await resp.json()
            assert resp.status == 503 and "No space left" in body["message"]
    with RecordingReader(out) as reader:
        assert sum(1 for _ in reader.records()) > 0
        assert reader.torn_tail is None


async def test_exec_and_attach_are_refused_by_default(tmp_path: Path) -> None:
    async with FakeApiserver() as api:
        kc = api.write_kubeconfig(tmp_path / "k")
        async with RecordSession(tmp_path / "x.msgpack", kubeconfig=str(kc)) as s, \
                aiohttp.ClientSession() as http, \
                http.post(f"{s.url}{PODS}/web-0/exec?command=sh&stdin=true") as resp:
            body = await resp.json()
    assert resp.status == 403 and "exec" in body["message"]
    assert not any(r.path.endswith("/exec") for r in api.requests)


async def test_recorder_ctrl_c_prints_a_summary_and_finishes_the_file(tmp_path: Path) -> None:
    out = tmp_path / "ctrl-c.msgpack"
    async with FakeApiserver(min_request_timeout=600) as api:
        kc = api.write_kubeconfig(tmp_path / "k")
        proc, url = await start_recorder("--out", str(out), "--kubeconfig", str(kc), "--write-kubeconfig",
                                         str(tmp_path / "proxy.kubeconfig"))
        assert (tmp_path / "proxy.kubeconfig").stat().st_mode & 0o777 == 0o600
        async with aiohttp.ClientSession() as http, http.get(f"{url}{PODS}?watch=true") as resp:
            await api.wait_for_watches(1)
            api.create(make_pod("web-9"))
            assert b"web-9" in await resp.content.readline()
            proc.send_signal(signal.SIGINT)
            stdout, stderr = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 0, stderr
    summary = stdout.decode().strip().splitlines()[-1]
    assert summary.startswith("watchproxy record: recorded 1 exchange (1 watch, 1 event)")
    watch = next(iter(load(out).exchanges.values()))
    assert watch.end is not None and watch.end.how == EndHow.CLIENT_CLOSED and json.loads(watch.frames[0].data)


async def test_a_secret_list_in_many_chunks_is_still_redacted(tmp_path: Path) -> None:
    out = tmp_path / "many.msgpack"
    async with FakeApiserver() as api:
        for i in range(300):  # a list body far larger than one read
            api.create(make_secret(f"s{i:03d}", data={"key": f"value-{i:03d}-" + "x" * 200}))
        kc = api.write_kubeconfig(tmp_path / "k")
        async with RecordSession(out, kubeconfig=str(kc)) as s, aiohttp.ClientSession() as http:
            async with http.get(f"{s.url}/api/v1/secrets", headers={"Accept-Encoding": "gzip"}) as resp:
                live = await resp.json()
            assert len(live["items"]) == 300
    blob = out.read_bytes()
    for i in (0, 150, 299):
        assert base64.b64encode(f"value-{i:03d}-".encode() + b"x" * 200)[:16] not in blob
    lst = next(e for e in load(out).exchanges.values() if e.info.verb == "list")
    assert len(lst.frames) == 1 and json.loads(lst.body)["items"][0]["data"]["key"] == "PHJlZGFjdGVkPg=="


async def test_upstream_stall_reaches_the_client_and_the_proxy_stays_responsive(tmp_path: Path) -> None:
    out = tmp_path / "stall.msgpack"
    async with FakeApiserver(min_request_timeout=600) as api:
        api.create(make_pod("web-0"))
        kc = api.write_kubeconfig(tmp_path / "k")
        async with RecordSession(out, kubeconfig=str(kc)) as s, aiohttp.ClientSession() as http, \
                http.get(f"{s.url}{PODS}?watch=true") as resp:
            assert b"web-0" in await resp.content.readline()
            api.stall_watches()
            api.create(make_pod("web-1"))  # the stalled stream never carries it
            async with http.get(f"{s.url}{PODS}") as listed:  # meanwhile, other requests are served
                assert listed.status == 200 and b"web-1" in await listed.read()
            assert not resp.content.is_eof()
    watch = next(e for e in load(out).exchanges.values() if e.info.verb == "watch")
    assert len(watch.frames) == 1 and watch.how == EndHow.CLIENT_CLOSED


@pytest.mark.parametrize(("keep", "expected"), [(False, "application/json"),
                                                (True, "application/vnd.kubernetes.protobuf, application/json")])
async def test_protobuf_clients_that_accept_json_are_recorded_in_json(tmp_path: Path, keep: bool,
                                                                      expected: str) -> None:
    async with FakeApiserver() as api:
        kc = api.write_kubeconfig(tmp_path / "k")
        async with RecordSession(tmp_path / "pb.msgpack", kubeconfig=str(kc), keep_protobuf=keep) as s, \
                aiohttp.ClientSession() as http, \
                http.get(f"{s.url}{PODS}", headers={"Accept": "application/vnd.kubernetes.protobuf, application/json"}
                         ) as resp:
            assert resp.status == 200
        sent = api.requests[-1].headers
    assert dict((k.lower(), v) for k, v in (sent.items() if isinstance(sent, dict) else sent))["accept"] == expected
    recorded = next(iter(load(tmp_path / "pb.msgpack").exchanges.values())).request
    assert recorded.header("Accept") == "application/vnd.kubernetes.protobuf, application/json"  # as the client asked


async def test_context_chooses_the_cluster(tmp_path: Path) -> None:
    async with FakeApiserver() as api:
        cfg = api.kubeconfig(context="good")
        dead = {"name": "dead", "cluster": {"server": f"http://127.0.0.1:{free_port()}"}}
        cfg["clusters"].append(dead)
        cfg["contexts"].append({"name": "dead", "context": {"cluster": "dead", "user": cfg["users"][0]["name"]}})
        cfg["current-context"] = "dead"
        kc = tmp_path / "two.kubeconfig"
        kc.write_text(yaml.safe_dump(cfg))
        proc, url = await start_recorder("--out", str(tmp_path / "ctx.msgpack"), "--kubeconfig", str(kc),
                                         "--context", "good")
        async with aiohttp.ClientSession() as http, http.get(f"{url}{PODS}") as resp:
            assert resp.status == 200
        proc.send_signal(signal.SIGINT)
        await asyncio.wait_for(proc.communicate(), 30)
    assert load(tmp_path / "ctx.msgpack").header.upstream == api.url


class ForwardProxy:
    """A minimal HTTP forward proxy (absolute-form requests, one per connection) that logs what it saw."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.server: asyncio.Server | None = None

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """One request per connection: forwarded with `Connection: close`, the answer piped back, then closed."""
        head = await reader.readuntil(b"\r\n\r\n")
        line, _, rest = head.partition(b"\r\n")
        method, target, version = line.decode().split(" ")
        self.seen.append(f"{method} {target}")
        hostport, _, path = target.removeprefix("http://").partition("/")
        host, port = hostport.rsplit(":", 1)
        up_reader, up_writer = await asyncio.open_connection(host, int(port))
        kept = [h for h in rest.split(b"\r\n") if h and not h.lower().startswith((b"connection:", b"proxy-"))]
        up_writer.write(f"{method} /{path} {version}\r\n".encode() + b"\r\n".join([*kept, b"Connection: close"])
                        + b"\r\n\r\n")
        await up_writer.drain()
        with contextlib.suppress(ConnectionError):
            while data := await up_reader.read(65536):
                writer.write(data)
                await writer.drain()
        up_writer.close()
        writer.close()

    async def __aenter__(self) -> str:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        return f"http://127.0.0.1:{self.server.sockets[0].getsockname()[1]}"

    async def __aexit__(self, *exc: object) -> None:
        assert self.server is not None
        self.server.close()


async def test_proxy_url_from_the_kubeconfig_is_used(tmp_path: Path) -> None:
    fwd = ForwardProxy()
    async with FakeApiserver() as api, fwd as proxy_url:
        cfg = api.kubeconfig()
        cfg["clusters"][0]["cluster"]["proxy-url"] = proxy_url
        kc = tmp_path / "proxied.kubeconfig"
        kc.write_text(yaml.safe_dump(cfg))
        api.create(make_pod("web-0"))
        async with RecordSession(tmp_path / "p.msgpack", kubeconfig=str(kc)) as s, aiohttp.ClientSession() as http:
            async with http.get(f"{s.url}{PODS}") as resp:
                assert resp.status == 200
            async with http.get(f"{s.url}{PODS}?watch=true") as resp:
                assert b'"web-0"' in await resp.content.readline()
    assert f"GET {api.url}{PODS}" in fwd.seen and f"GET {api.url}{PODS}?watch=true" in fwd.seen
