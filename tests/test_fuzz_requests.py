"""Requests of every shape, over real sockets, to a recorder (in front of the stand-in apiserver) and to a
replay: methods, paths with percent-encoding (malformed escapes, encoded slashes and dots, control
characters), query values and bodies (JSON, YAML, JSON patch, garbage, gzip good and bad, Secrets).

Whatever arrives: an answer, never an internal error or a dropped connection; a refusal is a `Status`;
no exec/attach/portforward/proxy request and no path in doubt reaches the apiserver; and no Secret value
sent in a body reaches the recording.
"""

from __future__ import annotations

import asyncio
import base64
import gzip
import http.client
import json
import logging
import threading
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from watchproxy.server.sessions import RecordSession
from watchproxy.testing import Replay
from watchproxy.wire import protobuf
from watchproxy.wire.request import classify, unclassifiable

from tests.fake_apiserver import FakeApiserver

NGINX = Path(__file__).resolve().parent.parent / "recordings" / "nginx-deploy.msgpack"
FUZZ = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
MARK = "s3cr3t-fuzz-v4lue"
MARKS = (MARK.encode(), base64.b64encode(MARK.encode()))
UPGRADES = ("exec", "attach", "portforward", "proxy")
T = TypeVar("T")


class Background:
    """An event loop on a thread of its own, for servers a synchronous (hypothesis) test talks to."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(60)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(30)
        self.loop.close()


class Recorder:
    def __init__(self, tmp: Path) -> None:
        self.bg = Background()
        self.api = FakeApiserver()
        self.bg.run(self.api.__aenter__())
        self.out = tmp / "fuzz.msgpack"
        self.session = RecordSession(self.out, kubeconfig=str(self.api.write_kubeconfig(tmp / "k")))
        self.bg.run(self.session.__aenter__())
        self.url = self.session.url
        self.checked = 0  # bytes of the recording already searched

    def new_bytes(self) -> bytes:
        data = self.out.read_bytes()
        start, self.checked = self.checked, len(data)
        return data[max(0, start - 64):]  # a little overlap: a value cut at the last boundary is still found

    def close(self) -> None:
        self.bg.run(self.session.__aexit__(None, None, None))
        self.bg.run(self.api.__aexit__(None, None, None))
        self.bg.close()


@pytest.fixture(scope="module")
def recorder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Recorder]:
    r = Recorder(tmp_path_factory.mktemp("fuzz-record"))
    yield r
    r.close()


@pytest.fixture(scope="module")
def replay() -> Iterator[Replay]:
    with Replay(NGINX) as r:
        yield r


# --- what is sent ---------------------------------------------------------------------------------------------------

_SEGMENTS = ("api", "apis", "v1", "apps", "namespaces", "default", "kube-system", "pods", "secrets", "nodes",
             "services", "deployments", "configmaps", "watch", "status", "log", "x", "n1", "s:80", *UPGRADES,
             "..", ".", "", "%", "%zz", "%2F", "%2e%2e", "%00", "%0a", "%ff", "a b")


def _encode(segment: str, how: int) -> str:
    """A segment as written: plain, fully percent-encoded, or with its first letter encoded."""
    if how == 1:
        return "".join(f"%{ord(c):02X}" if c.isalnum() else c for c in segment)
    if how == 2 and segment[:1].isalpha():
        return f"%{ord(segment[0]):02x}{segment[1:]}"
    return segment


_path = st.lists(st.tuples(st.sampled_from(_SEGMENTS), st.integers(0, 4)), min_size=0, max_size=8).map(
    lambda parts: "/" + "/".join(_encode(s, h) for s, h in parts)).map(lambda p: p.replace(" ", "%20"))
_structured_path = st.builds(
    lambda prefix, ns, res, name, sub, how: "/".join(
        [prefix, *(["namespaces", ns] if ns else []), _encode(res, how), *([name] if name else []),
         *([_encode(sub, how)] if sub else [])]),
    st.sampled_from(("/api/v1", "/apis/apps/v1", "/api/v1/watch")), st.sampled_from(("", "default", "kube-system")),
    st.sampled_from(("pods", "secrets", "nodes", "deployments", "services")),
    st.sampled_from(("", "db", "x", "n1")), st.sampled_from(("", *UPGRADES, "status", "log", "proxy/a/b")),
    st.integers(0, 4))
_secret_path = st.builds(
    lambda ns, how, name, sub: f"/api/v1{'/namespaces/' + ns if ns else ''}/{_encode('secrets', how)}"
                               f"{'/' + name if name else ''}{sub}",
    st.sampled_from(("default", "")), st.integers(0, 4), st.sampled_from(("", "db")),
    st.sampled_from(("", "/status", "%2Fdb")))
_KEYS = ("watch", "resourceVersion", "timeoutSeconds", "labelSelector", "fieldSelector", "limit", "continue",
         "allowWatchBookmarks", "sendInitialEvents", "resourceVersionMatch", "fieldManager", "dryRun", "x")
_value = st.one_of(st.sampled_from(("", "1", "0", "true", "false", "-1", "1e400", "99999999999999999999",
                                    "app=web", "a,b", "%zz", "%", "NotOlderThan", "All", "\u00e9")),
                   st.text(max_size=12))
_query = st.lists(st.tuples(st.sampled_from(_KEYS), _value), max_size=4).map(
    lambda kv: "&".join(f"{k}={quote(v, safe='%')}" for k, v in kv))


def _secret_bodies() -> st.SearchStrategy[tuple[bytes, str]]:
    b64 = base64.b64encode(MARK.encode()).decode()
    docs = [
        (json.dumps({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db"}, "data": {"p": b64}}),
         "application/json"),
        (json.dumps({"stringData": {"p": MARK}}), "application/merge-patch+json"),
        (json.dumps({"data": {"p": b64}}), "application/strategic-merge-patch+json"),
        (json.dumps([{"op": "add", "path": "/stringData/p", "value": MARK}]), "application/json-patch+json"),
        (yaml.safe_dump({"apiVersion": "v1", "kind": "Secret", "stringData": {"p": MARK}}),
         "application/apply-patch+yaml"),
        (json.dumps({"metadata": {"annotations": {"kubectl.kubernetes.io/last-applied-configuration": MARK}}}),
         "application/merge-patch+json"),
    ]
    return st.tuples(st.sampled_from(docs), st.sampled_from(("", "text/plain", "application/json",
                                                             "application/yaml", None))).map(
        lambda d: (d[0][0].encode(), d[0][1] if d[1] is None else d[1]))


_other_body = st.tuples(st.one_of(st.binary(max_size=40), st.sampled_from((b"", b"{}", b"[]", b"null", b"{",
                                                                          b'{"kind":"Pod"}'))),
                        st.sampled_from(("", "application/json", "application/yaml", "text/plain",
                                         "application/vnd.kubernetes.protobuf", "application/json-patch+json")))


@st.composite
def requests(draw: st.DrawFn) -> tuple[str, str, dict[str, str], bytes, bool]:
    """(method, target, headers, body, carries a Secret value)."""
    if draw(st.integers(0, 2)) == 0:  # a write to a Secret, its path written in any of the ways that mean one
        method = draw(st.sampled_from(("POST", "PUT", "PATCH")))
        path = draw(_secret_path)
    else:
        method = draw(st.sampled_from(("GET", "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS",
                                       "PROPFIND")))
        path = draw(st.one_of(_path, _structured_path, _structured_path))
    query = draw(_query)
    secret_body = method in ("POST", "PUT", "PATCH") and classify(method, path).resource == "secrets" \
        and draw(st.sampled_from((True, True, False)))
    body, ctype = draw(_secret_bodies() if secret_body else _other_body)
    headers = {"Host": "localhost", "Accept": draw(st.sampled_from((
        "application/json", "application/vnd.kubernetes.protobuf, application/json", "*/*",
        "application/json;as=Table;v=v1;g=meta.k8s.io, application/json", "application/yaml")))}
    if ctype:
        headers["Content-Type"] = ctype
    encoding = draw(st.sampled_from((None, None, None, None, None, None, "gzip", "gzip-bad", "br")))
    if encoding == "gzip":
        body, headers["Content-Encoding"] = gzip.compress(body), "gzip"
    elif encoding:
        body, headers["Content-Encoding"] = body + b"\x00junk", encoding.removesuffix("-bad")
    return method, path + (f"?{query}" if query else ""), headers, body, secret_body


# --- what must come back ------------------------------------------------------------------------------------------

def send(url: str, method: str, target: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes, bool]:
    """The answer's status and body (the head only for a watch stream, which does not end)."""
    u = urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname or "127.0.0.1", u.port, timeout=20)
    try:
        conn.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
        for k, v in headers.items():
            conn.putheader(k, v)
        conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        resp = conn.getresponse()
        streaming = resp.getheader("Transfer-Encoding") == "chunked" and "watch" in target
        data = b"" if streaming or method == "HEAD" else resp.read()
        return resp.status, data, streaming
    finally:
        conn.close()


def check_answer(status: int, body: bytes, method: str, streaming: bool) -> None:
    assert 100 <= status < 600
    if status >= 400 and method != "HEAD" and not streaming:  # (in protobuf or YAML to a client that asks)
        doc = protobuf.decode(body) if body.startswith(protobuf.MAGIC) else \
            json.loads(body) if body.lstrip().startswith(b"{") else yaml.safe_load(body)
        assert doc["kind"] == "Status" and doc["code"] == status, doc
        assert "internal error" not in doc.get("message", ""), doc


@FUZZ
@given(req=requests())
def test_requests_of_every_shape_through_the_recorder(recorder: Recorder, caplog: pytest.LogCaptureFixture,
                                                      req: tuple[str, str, dict[str, str], bytes, bool]) -> None:
    method, target, headers, body, _ = req
    before = len(recorder.api.requests)
    with caplog.at_level(logging.INFO, logger="watchproxy"):
        status, answer, streaming = send(recorder.url, method, target, headers, body)
    # the stand-in apiserver's own answers need not be Status bodies; the proxy's refusals must be
    if status >= 400 and (b'"watchproxy' in answer or b"watchproxy " in answer):
        check_answer(status, answer, method, streaming)
    assert "internal error" not in caplog.text
    for seen in recorder.api.requests[before:]:  # what reached the apiserver, as it decoded the path
        info = classify(seen.method, seen.path)
        assert info.resource != "proxy" and info.subresource.split("/")[0] not in UPGRADES, seen.path
    if recorder.api.requests[before:]:
        assert unclassifiable(target.split("?")[0]) is None, target
    new = recorder.new_bytes()
    for mark in MARKS:
        assert mark not in new, (target, headers, body[:200])


@FUZZ
@given(req=requests())
def test_requests_of_every_shape_to_a_replay(replay: Replay, caplog: pytest.LogCaptureFixture,
                                             req: tuple[str, str, dict[str, str], bytes, bool]) -> None:
    method, target, headers, body, _ = req
    with caplog.at_level(logging.INFO, logger="watchproxy"):
        status, answer, streaming = send(replay.url, method, target, headers, body)
    check_answer(status, answer, method, streaming)
    assert "internal error" not in caplog.text
