"""Requests sent byte for byte as a test writes them (a client library would encode or check them first),
to the real kube-apiserver (TLS, a bearer token) or to a replay: the answer's code, decoded body and
Warning headers."""

from __future__ import annotations

import concurrent.futures
import contextlib
import http.client
import json
import ssl
import tempfile
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from watchproxy.testing import Replay

from tests.memory import RecordingBuilder
from tests.realkube import RealKube, realkube

T = TypeVar("T")
_CONNECTIONS: dict[str, http.client.HTTPConnection] = {}  # one kept-alive connection per server


def _open(base: str) -> http.client.HTTPConnection:
    """A connection to `base` (the test apiserver's certificate is its own CA's: not checked)."""
    url = urllib.parse.urlsplit(base)
    if url.scheme == "https":
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE  # the test apiserver's own CA; what is compared is the answer
        return http.client.HTTPSConnection(url.netloc, timeout=30, context=ctx)
    return http.client.HTTPConnection(url.netloc, timeout=30)


def _connection(base: str) -> http.client.HTTPConnection:
    if base not in _CONNECTIONS:
        _CONNECTIONS[base] = _open(base)
    return _CONNECTIONS[base]


def call(base: str, token: str, method: str, path: str, data: bytes | None = None,
         content_type: str = "application/json", headers: dict[str, str] | None = None
         ) -> tuple[int, Any, list[str]]:
    headers = _authorized(token, {"Content-Type": content_type, "Accept": "application/json", **(headers or {})})
    for attempt in (1, 2):  # a kept connection the server has closed meanwhile is opened again once
        conn = _connection(base)
        try:
            conn.request(method, path, body=data, headers=headers)
            resp = conn.getresponse()
            body = resp.read()
        except (http.client.HTTPException, OSError):  # the server closed it (idle), or TLS says so
            conn.close()
            del _CONNECTIONS[base]
            if attempt == 2:
                raise
            continue
        if resp.getheader("Connection", "").lower() == "close":
            conn.close()
            del _CONNECTIONS[base]
        return resp.status, _document(body), resp.headers.get_all("Warning") or []
    raise AssertionError("unreachable")


def send(base: str, token: str, method: str, path: str, body: bytes | None, headers: dict[str, str]
         ) -> tuple[int, dict[str, str], bytes]:
    """A request with exactly `headers` (no Accept unless given): the code, the headers and the body as sent."""
    conn, resp = opened(base, token, method, path, body, headers)
    try:
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()


def opened(base: str, token: str, method: str, path: str, body: bytes | None, headers: dict[str, str]
           ) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
    """A request whose answer has begun (its headers read; a watch's come once the server has registered
    it), the body left to read, on a connection of its own: a kept one may be another server's that had this
    port before, or closed by it."""
    conn = _open(base)
    try:
        conn.request(method, path, body=body, headers=_authorized(token, headers))
        return conn, conn.getresponse()
    except BaseException:
        conn.close()
        raise


def _authorized(token: str, headers: dict[str, str]) -> dict[str, str]:
    return {**({"Authorization": f"Bearer {token}"} if token else {}), **headers}


def send_ending_watches(server: Server, replay: Replay | None, method: str, path: str, body: bytes | None,
                        headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    """`send`; a watch to a replay (on its manual clock) is sent beside moving the clock past a one-second
    timeout, which on the real apiserver simply runs out."""
    if replay is None or "watch=1" not in path:
        return send(*server, method, path, body, headers)
    return ending_watch(replay, lambda: send(*server, method, path, body, headers))


def ending_watch(replay: Replay, read: Callable[[], T], seconds: float = 2.0) -> T:
    """What `read()`, one watch to `replay`, returns: made beside moving the replay's clock `seconds` on once
    the watch is open and answered (so it has its deadline), or refused."""
    n = len(replay.watches()) + 1
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        answer = pool.submit(read)
        # (or the request failed: its error is raised)
        replay.wait_for(lambda r: answer.done() or (len(ws := r.watches()) >= n and (ws[n - 1].end != "open"
                                                                                     or ws[n - 1].status != 0)),
                        what="the watch")
        replay.advance(seconds)
        return answer.result(timeout=30)


def get(base: str, token: str, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    return send(base, token, "GET", path, None, headers)


def _document(body: bytes) -> Any:
    """The answer decoded; one that is not JSON (the apiserver's `404 page not found`) as {"text": …}."""
    try:
        return json.loads(body)
    except ValueError:
        return {"text": body.decode(errors="replace").strip()}


Server = tuple[str, str]  # base URL, bearer token ("" for a replay)


def real_and_replay(realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path,
                    ns: str) -> tuple[Server, Server]:
    """The real kube-apiserver with namespace `ns` created, and a replay of a recording that lists the
    namespace's (no) ConfigMaps: the two servers a differential sends the same requests to."""
    real, replay = reference_and_replay(realkube, watchproxy, tmp_path, ns)
    return real, (replay.url, "")


def agreed(realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path, ns: str,
           answers: Callable[[Server, str], T]) -> T:
    """What `answers` gets from the real kube-apiserver and from a replay (real_and_replay), which must be the
    same: the real one's, for a test to say what it holds."""
    real_server, replay = real_and_replay(realkube, watchproxy, tmp_path, ns)
    real = answers(real_server, ns)
    assert answers(replay, ns) == real
    return real


def reference_and_replay(realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path,
                         ns: str) -> tuple[Server, Replay]:
    """real_and_replay, with the Replay itself (to move its clock: send_ending_watches)."""
    token = realkube.token_file.read_text().strip()
    namespace = json.dumps({"metadata": {"name": ns}}).encode()
    code, doc, _ = call(realkube.url, token, "POST", "/api/v1/namespaces", namespace)
    assert code == 201, doc
    b = RecordingBuilder(tmp_path / f"{ns}.msgpack")
    b.list(0.0, 100, [], path=f"/api/v1/namespaces/{ns}/configmaps", kind="ConfigMapList")
    return (realkube.url, token), watchproxy(b.write())


@contextlib.contextmanager
def scanned(ns: str) -> Iterator[tuple[Server, Server]]:
    """For the scan tools: a real kube-apiserver of their own holding namespace `ns`, and an emulate replay of an
    empty recording of it."""
    with tempfile.TemporaryDirectory() as tmp, realkube(Path(tmp) / "kube", 60) as kube:
        real = (kube.url, kube.token_file.read_text().strip())
        call(*real, "POST", "/api/v1/namespaces", json.dumps({"metadata": {"name": ns}}).encode())
        b = RecordingBuilder(Path(tmp) / "empty.msgpack")
        b.list(0.0, 100, [], path=f"/api/v1/namespaces/{ns}/configmaps", kind="ConfigMapList")
        with Replay(b.write(), mode="emulate") as replay:
            yield real, (replay.url, "")
