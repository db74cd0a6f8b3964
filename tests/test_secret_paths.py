"""No Secret value reaches a recording, its export, the proxy's log or the replay cache, through any way a
client can write or read a Secret: create, replace, the four patch types, server-side apply in YAML, and
list, get and watch in JSON, YAML, protobuf, as a Table and gzip-compressed, at plain and percent-encoded
paths. Checked against the real kube-apiserver (the reference: it decodes percent-encoded paths and answers
protobuf and YAML) and against the stand-in.
"""

from __future__ import annotations

import asyncio
import base64
import gzip
import io
import json
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from watchproxy.engines.store import load
from watchproxy.recording import cache
from watchproxy.report.export import export_jsonl
from watchproxy.server.sessions import RecordSession, ReplaySession
from yarl import URL

from tests.fake_apiserver import FakeApiserver
from tests.realkube import RealKube

NS = "/api/v1/namespaces/default"
TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io, application/json"
PROTOBUF = "application/vnd.kubernetes.protobuf"
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


class Values:
    """A distinct secret value per way of writing it, so that a leak names its path."""

    def __init__(self, tag: str) -> None:
        self.tag = tag
        self.made: list[str] = []

    def __call__(self, what: str) -> str:
        value = f"s3cr3t-{self.tag}-{what}-v4lue"
        self.made.append(value)
        return value

    def forms(self) -> list[bytes]:
        """Every value as text, base64 (as `data` holds it) and JSON-escaped inside an annotation."""
        out = []
        for v in self.made:
            out += [v.encode(), base64.b64encode(v.encode())]
        return out


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


async def exercise(url: str, name: str, values: Values) -> None:
    """Every write and read of one Secret through the proxy at `url`; answers are not asserted (the stand-in
    refuses some patch types), only that the proxy answered each."""
    secrets = f"{NS}/secrets"
    encoded = f"{NS}/%73ecrets"
    last = json.dumps({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name},
                       "stringData": {"password": values("last-applied")}})
    create = {"apiVersion": "v1", "kind": "Secret",
              "metadata": {"name": name, "annotations": {LAST_APPLIED: last}},
              "data": {"password": b64(values("create"))}, "stringData": {"token": values("create-sd")}}
    writes: list[tuple[str, str, str, bytes, dict[str, str]]] = [
        ("POST", secrets, "", json.dumps(create).encode(), {"Content-Type": "application/json"}),
        ("PUT", f"{secrets}/{name}", "", json.dumps({**create, "data": {"password": b64(values("replace"))},
                                                     "stringData": {}}).encode(),
         {"Content-Type": "application/json"}),
        ("PATCH", f"{secrets}/{name}", "", json.dumps({"stringData": {"password": values("merge")}}).encode(),
         {"Content-Type": "application/merge-patch+json"}),
        ("PATCH", f"{secrets}/{name}", "", json.dumps({"data": {"password": b64(values("strategic"))}}).encode(),
         {"Content-Type": "application/strategic-merge-patch+json"}),
        ("PATCH", f"{secrets}/{name}", "", json.dumps([
            {"op": "replace", "path": "/data/password", "value": b64(values("json-patch"))},
            {"op": "add", "path": "/stringData", "value": {"extra": values("json-patch-sd")}},
            {"op": "add", "path": "/metadata/labels", "value": {"app": "db"}}]).encode(),
         {"Content-Type": "application/json-patch+json"}),
        ("PATCH", f"{encoded}/{name}", "fieldManager=test&force=true",
         (f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: {name}\nstringData:\n"
          f"  password: {values('apply-yaml')}\n").encode(), {"Content-Type": "application/apply-patch+yaml"}),
        ("PATCH", f"{encoded}/{name}", "",
         gzip.compress(json.dumps({"stringData": {"gz": values("gzip-body")}}).encode()),
         {"Content-Type": "application/merge-patch+json", "Content-Encoding": "gzip"}),
    ]
    reads: list[tuple[str, str, dict[str, str]]] = [
        (secrets, "", {"Accept": "application/json"}),
        (f"{secrets}/{name}", "", {"Accept": "application/json"}),
        (encoded, "", {"Accept": "application/json", "Accept-Encoding": "gzip"}),
        (f"{encoded}/{name}", "", {"Accept": "application/yaml"}),
        (secrets, "", {"Accept": TABLE}),
        (encoded, "includeObject=Object", {"Accept": TABLE, "Accept-Encoding": "gzip"}),
        (secrets, "", {"Accept": PROTOBUF}),
        (f"{secrets}/{name}", "", {"Accept": f"{PROTOBUF}, application/json"}),
        ("/api/v1/secrets", "", {"Accept": "application/json", "Accept-Encoding": "gzip"}),
        (f"{NS}/secrets%2F{name}", "", {"Accept": "application/json"}),
    ]
    watches = [(secrets, {"Accept": "application/json"}), (encoded, {"Accept": PROTOBUF}),
               (encoded, {"Accept": TABLE})]
    async with aiohttp.ClientSession(auto_decompress=False) as http:
        async def watch(path: str, headers: dict[str, str]) -> None:
            async with http.get(URL(f"{url}{path}?watch=1&timeoutSeconds=2", encoded=True),
                                headers=headers) as resp:
                assert resp.status < 500, (path, resp.status)
                await resp.read()

        for method, path, query, body, headers in writes:
            async with http.request(method, at(url, path, query), data=body,
                                    headers=headers) as resp:
                assert resp.status < 500, (method, path, resp.status, await resp.text())
        for path, query, headers in reads:
            async with http.get(at(url, path, query), headers=headers) as resp:
                assert resp.status < 500, (path, resp.status)
                await resp.read()
        # the change below lands before the watches start (then it is in their initial ADDED events) or
        # while they are open: the value passes through watch events either way
        tasks = [asyncio.ensure_future(watch(p, h)) for p, h in watches]
        async with http.patch(f"{url}{secrets}/{name}", data=json.dumps(
                {"stringData": {"late": values("during-watch")}}).encode(),
                headers={"Content-Type": "application/merge-patch+json"}) as resp:
            assert resp.status < 500
        await asyncio.gather(*tasks)
        async with http.delete(f"{url}{secrets}/{name}") as resp:
            assert resp.status < 500


def at(url: str, path: str, query: str = "") -> URL:
    """The URL exactly as written: percent-escapes are not normalised away."""
    return URL(f"{url}{path}" + (f"?{query}" if query else ""), encoded=True)


def assert_nothing_leaked(where: str, data: bytes, values: Values) -> None:
    for form in values.forms():
        assert form not in data, f"{form!r} found in {where}"


async def record_and_check(tmp_path: Path, kubeconfig: Path, values: Values, caplog: pytest.LogCaptureFixture,
                           monkeypatch: pytest.MonkeyPatch, *, keep_protobuf: bool = False) -> Path:
    out = tmp_path / "secrets.msgpack"
    caplog.set_level(logging.DEBUG, logger="watchproxy")
    async with RecordSession(out, kubeconfig=str(kubeconfig), keep_protobuf=keep_protobuf) as s:
        await exercise(s.url, "db-" + values.tag, values)
    assert_nothing_leaked("the recording", out.read_bytes(), values)
    text = io.StringIO()
    export_jsonl(out, text)
    assert_nothing_leaked("the export", text.getvalue().encode(), values)
    # the replay cache: derived from the recording, for recordings of any size here
    monkeypatch.setattr(cache, "MIN_BYTES", 0)
    cache_dir = tmp_path / "cache"
    monkeypatch.setenv("WATCHPROXY_CACHE_DIR", str(cache_dir))
    async with ReplaySession(out, mode="emulate") as r, aiohttp.ClientSession() as http, \
            http.get(f"{r.url}{NS}/secrets") as resp:
        assert resp.status == 200
        assert_nothing_leaked("a replayed list", await resp.read(), values)
    cached = [p for p in cache_dir.rglob("*") if p.is_file()]
    assert cached, "the replay wrote no cache entry to check"
    for p in cached:
        assert_nothing_leaked(f"the replay cache ({p.name})", p.read_bytes(), values)
    assert_nothing_leaked("the log", caplog.text.encode(), values)
    return out


async def test_no_secret_value_through_any_path_against_the_real_apiserver(
        tmp_path: Path, realkube: RealKube, caplog: pytest.LogCaptureFixture,
        monkeypatch: pytest.MonkeyPatch) -> None:
    values = Values("real")
    out = await record_and_check(tmp_path, realkube.admin_kubeconfig, values, caplog, monkeypatch,
                                 keep_protobuf=True)
    loaded = load(out)
    by_target = {(e.request.method, e.request.path, e.request.header("Accept")): e
                 for e in loaded.exchanges.values()}
    # the real apiserver answered the writes (so their bodies were real requests, not refusals)
    statuses = [e.response.status for e in loaded.exchanges.values()
                if e.request.method in ("POST", "PUT", "PATCH") and e.response is not None]
    assert statuses and all(s < 300 for s in statuses), statuses
    # protobuf-only clients got protobuf, which is not recorded; client-go's Accept is answered in JSON
    pb = by_target[("GET", f"{NS}/secrets", PROTOBUF)]
    assert pb.response is not None and pb.response.status == 200 and len(pb.frames) == 0
    assert pb.end is not None and "not recorded" in pb.end.error
    either = by_target[("GET", f"{NS}/secrets/db-real", f"{PROTOBUF}, application/json")]
    assert either.response is not None and either.response.header("Content-Type") == "application/json"
    assert b"<redacted>" in base64.b64decode(json.loads(either.body)["data"]["password"])
    # percent-encoded paths were recorded redacted, not left out
    encoded_list = next(e for e in loaded.exchanges.values() if e.request.path == f"{NS}/%73ecrets"
                        and e.request.header("Accept") == "application/json")
    assert json.loads(encoded_list.body)["kind"] == "SecretList"


async def test_no_secret_value_through_any_path_against_the_stand_in(
        tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    values = Values("fake")
    async with FakeApiserver() as api:
        await record_and_check(tmp_path, api.write_kubeconfig(tmp_path / "k"), values, caplog, monkeypatch)


@pytest.fixture
async def proxy_of_stand_in(tmp_path: Path) -> AsyncIterator[tuple[FakeApiserver, str, Path]]:
    async with FakeApiserver() as api, \
            RecordSession(tmp_path / "r.msgpack", kubeconfig=str(api.write_kubeconfig(tmp_path / "k"))) as s:
        yield api, s.url, tmp_path / "r.msgpack"


@pytest.mark.parametrize("path", [
    f"{NS}/pods/x/%65xec", f"{NS}/pods/x/%65%78%65%63", f"{NS}/pods/x/%70roxy/a/b", "/api/v1/nodes/n1/%70roxy/run/x",
    f"{NS}/pods/x/%61ttach", f"{NS}/pods/x/portforwar%64", f"{NS}/services/s:80/%70roxy/", f"{NS}/pods/x%2Fexec",
    "/api/v1/proxy/namespaces/default/pods/x"])
async def test_percent_encoded_upgrade_subresources_are_refused(
        proxy_of_stand_in: tuple[FakeApiserver, str, Path], path: str) -> None:
    api, url, _ = proxy_of_stand_in
    before = len(api.requests)
    async with aiohttp.ClientSession() as http, http.post(at(url, path, "command=id")) as resp:
        body = await resp.json()
    assert resp.status == 403 and body["kind"] == "Status" and "does not forward" in body["message"]
    assert len(api.requests) == before, "the request reached the apiserver"


@pytest.mark.parametrize(("path", "why"), [
    (f"{NS}/pods/x/%zzexec", "malformed"), (f"{NS}/pods/x/exec%", "malformed"),
    (f"{NS}/pods/x/../x/exec", "'..'"), (f"{NS}/pods/x/%2E%2E/y", "'..'"), ("/api/v1/namespaces//secrets", "empty"),
    (f"{NS}/secrets/a%00b", "control"), (f"{NS}/./secrets", "'.'")])
async def test_paths_that_cannot_be_classified_are_refused(
        proxy_of_stand_in: tuple[FakeApiserver, str, Path], path: str, why: str) -> None:
    api, url, _ = proxy_of_stand_in
    before = len(api.requests)
    reader, writer = await asyncio.open_connection(*url.removeprefix("http://").rsplit(":", 1))
    writer.write(f"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".encode())
    answer = await reader.read()
    writer.close()
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400"), answer[:200]
    status = json.loads(body)
    assert status["kind"] == "Status" and why in status["message"]
    assert len(api.requests) == before
