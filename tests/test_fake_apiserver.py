"""Checks of the stand-in apiserver itself, over real sockets.

Every other test of watchproxy trusts ``FakeApiserver`` to behave like kube-apiserver on the wire; these
tests pin that behaviour down byte by byte (framing, headers, the 410 body, Tables, bookmarks) and
check that the Python ``kubernetes`` client accepts its objects through TLS, client certificates and a
bearer token. Synchronisation is by waiting on the server's state, never by sleeping.
"""

from __future__ import annotations

import asyncio
import json
import random
import ssl
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.fake_apiserver import (
    FakeApiserver,
    go_json_line,
    make_configmap,
    make_deployment,
    make_pod,
    make_secret,
)

KUBECTL_TABLE_ACCEPT = (
    "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,"
    "application/json"
)
AGGREGATED_ACCEPT = (
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
    "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json"
)
FIXED = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


# --- a raw HTTP/1.1 client that keeps the chunk boundaries ------------------------------------------------


@dataclass
class RawResponse:
    status_line: str
    headers: list[tuple[str, str]]
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    async def next_chunk(self, within: float = 5.0) -> bytes:
        """One HTTP chunk's payload (b"" for the terminating chunk), with its framing checked."""
        async with asyncio.timeout(within):
            size_line = await self.reader.readuntil(b"\r\n")
            size = int(size_line[:-2], 16)
            data = await self.reader.readexactly(size)
            assert await self.reader.readexactly(2) == b"\r\n"
            return data

    async def chunks_until_end(self, within: float = 5.0) -> list[bytes]:
        """All chunk payloads up to and including the terminating empty one."""
        chunks = []
        while True:
            chunk = await self.next_chunk(within)
            chunks.append(chunk)
            if chunk == b"":
                return chunks

    def close(self) -> None:
        self.writer.close()


async def raw_get(
    api: FakeApiserver,
    target: str,
    headers: dict[str, str] | None = None,
    ssl_context: ssl.SSLContext | None = None,
) -> RawResponse:
    reader, writer = await asyncio.open_connection(
        api.host, api.port, ssl=ssl_context if ssl_context is not None else api.client_ssl_context()
    )
    lines = [f"GET {target} HTTP/1.1", f"Host: {api.server_address}", "User-Agent: raw-test"]
    for key, value in {**api.auth_headers(), **(headers or {})}.items():
        lines.append(f"{key}: {value}")
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
    await writer.drain()
    async with asyncio.timeout(5):
        head = await reader.readuntil(b"\r\n\r\n")
    status_line, *header_lines = head.decode().split("\r\n")[:-2]
    parsed = [(h.split(":", 1)[0], h.split(":", 1)[1].strip()) for h in header_lines]
    return RawResponse(status_line, parsed, reader, writer)


def chunk(payload: bytes) -> bytes:
    return f"{len(payload):x}\r\n".encode() + payload + b"\r\n"


@pytest.fixture
async def api() -> AsyncIterator[FakeApiserver]:
    async with FakeApiserver(min_request_timeout=5.0, seed=7) as server:
        yield server


@pytest.fixture
async def http(api: FakeApiserver) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(api.url, headers=api.auth_headers()) as session:
        yield session


# --- wire format of a watch ---------------------------------------------------------------------------------


async def test_watch_body_exact_bytes_headers_first_one_event_per_chunk(api: FakeApiserver) -> None:
    cm = api.create(make_configmap("web-0", data={"html": "<b>&</b>"}, created=FIXED, rng=random.Random(1)))
    rv = int(cm["metadata"]["resourceVersion"])
    uid = cm["metadata"]["uid"]

    resp = await raw_get(api, f"/api/v1/namespaces/default/configmaps?watch=true&resourceVersion={rv}")
    # The header block arrived although no event exists yet: status 200 is flushed before any event.
    assert resp.status_line == "HTTP/1.1 200 OK"
    assert resp.header("Content-Type") == "application/json"
    assert resp.header("Transfer-Encoding") == "chunked"
    assert resp.header("Cache-Control") == "no-cache, private"
    assert resp.header("Audit-Id")
    assert resp.header("Content-Length") is None
    assert resp.header("Server") is None
    await api.wait_for_watches(1)

    cm["data"]["html"] = "new"
    api.modify(cm)
    api.delete("configmaps", "web-0", "default")
    api.close_watches()

    chunks = await resp.chunks_until_end()
    resp.close()
    meta = (
        '"metadata":{"name":"web-0","namespace":"default","uid":"%s","resourceVersion":"%d",'
        '"creationTimestamp":"2026-01-02T03:04:05Z"}'
    )
    modified = (
        '{"type":"MODIFIED","object":{"kind":"ConfigMap","apiVersion":"v1",'
        + meta % (uid, rv + 1)
        + ',"data":{"html":"new"}}}\n'
    ).encode()
    deleted = (
        '{"type":"DELETED","object":{"kind":"ConfigMap","apiVersion":"v1",'
        + meta % (uid, rv + 2)
        + ',"data":{"html":"new"}}}\n'
    ).encode()
    assert chunks == [modified, deleted, b""]


async def test_go_json_escapes_html_characters_like_encoding_json(api: FakeApiserver) -> None:
    cm = api.create(make_configmap("esc", data={"x": "<a&b>\u2028é"}, created=FIXED))
    resp = await raw_get(
        api,
        "/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=0&fieldSelector=metadata.name%3Desc",
    )
    await api.wait_for_watches(1)
    api.close_watches()
    first = (await resp.chunks_until_end())[0]
    resp.close()
    assert b'"x":"\\u003ca\\u0026b\\u003e\\u2028\xc3\xa9"' in first
    assert first.count(b"\n") == 1 and first.endswith(b"}}\n") and b"\r" not in first
    assert json.loads(first)["object"]["data"] == cm["data"]


async def test_too_old_resource_version_is_http_200_with_one_error_event(api: FakeApiserver) -> None:
    api.create(make_configmap("a"))
    compacted = api.compact()
    resp = await raw_get(api, "/api/v1/namespaces/default/pods?watch=true&resourceVersion=1")
    assert resp.status_line == "HTTP/1.1 200 OK"
    chunks = await resp.chunks_until_end()
    resp.close()
    expected = (
        '{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",'
        f'"message":"too old resource version: 1 ({compacted})","reason":"Expired","code":410}}}}\n'
    ).encode()
    assert chunks == [expected, b""]
    assert api.requests[-1].ended == "expired"


async def test_history_limit_compacts_automatically() -> None:
    async with FakeApiserver(history_limit=2, default_namespaces=False, initial_resource_version=50) as api:
        for i in range(4):
            api.create(make_configmap(f"c{i}"))
        assert api.store.compacted == 52
        async with aiohttp.ClientSession(api.url) as http:
            async with http.get("/api/v1/configmaps?watch=1&resourceVersion=51") as resp:
                line = await resp.content.readline()
            assert json.loads(line)["object"]["message"] == "too old resource version: 51 (52)"
            async with http.get("/api/v1/configmaps?watch=1&resourceVersion=52&timeoutSeconds=1") as resp:
                first = json.loads(await resp.content.readline())
            assert (first["type"], first["object"]["metadata"]["name"]) == ("ADDED", "c2")


async def test_specific_rv_replays_history_without_synthetic_added(
    api: FakeApiserver, http: aiohttp.ClientSession
) -> None:
    p1 = api.create(api.make_pod("p1"))
    api.create(api.make_pod("p2"))
    api.delete(p1)
    rv = int(p1["metadata"]["resourceVersion"])
    async with http.get(f"/api/v1/namespaces/default/pods?watch=1&resourceVersion={rv}") as resp:
        events = [json.loads(await resp.content.readline()) for _ in range(2)]
        api.close_watches()
        assert await resp.content.read() == b""
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in events] == [
        ("ADDED", "p2"),
        ("DELETED", "p1"),
    ]
    assert events[1]["object"]["metadata"]["resourceVersion"] == str(api.resource_version)


@pytest.mark.parametrize("rv_param", ["", "&resourceVersion=0"])
async def test_unset_or_zero_rv_sends_current_state_then_live(
    api: FakeApiserver, http: aiohttp.ClientSession, rv_param: str
) -> None:
    api.create(api.make_pod("b-pod"))
    api.create(api.make_pod("a-pod"))
    api.create(api.make_pod("other", namespace="kube-system"))
    async with http.get(f"/api/v1/namespaces/default/pods?watch=true{rv_param}") as resp:
        initial = [json.loads(await resp.content.readline()) for _ in range(2)]
        await api.wait_for_watches(1)
        api.create(api.make_pod("c-pod"))
        live = json.loads(await resp.content.readline())
        api.close_watches()
        assert await resp.content.read() == b""
    assert [e["object"]["metadata"]["name"] for e in initial] == ["a-pod", "b-pod"]
    assert {e["type"] for e in initial} == {"ADDED"}
    assert (live["type"], live["object"]["metadata"]["name"]) == ("ADDED", "c-pod")


async def test_label_selector_transitions_become_added_and_deleted(
    api: FakeApiserver, http: aiohttp.ClientSession
) -> None:
    pod = api.create(api.make_pod("sel", labels={"tier": "web"}))
    rv = pod["metadata"]["resourceVersion"]
    async with http.get(f"/api/v1/pods?watch=1&resourceVersion={rv}&labelSelector=tier%3Ddb") as resp:
        await api.wait_for_watches(1)
        pod["metadata"]["labels"]["tier"] = "db"
        api.modify(pod)
        pod["metadata"]["labels"]["tier"] = "cache"
        last = api.modify(pod)
        api.close_watches()
        events = [json.loads(line) for line in (await resp.read()).splitlines()]
    assert [e["type"] for e in events] == ["ADDED", "DELETED"]
    assert events[1]["object"]["metadata"]["labels"]["tier"] == "db"
    assert events[1]["object"]["metadata"]["resourceVersion"] == last["metadata"]["resourceVersion"]


# --- timeouts and bookmarks ---------------------------------------------------------------------------------


async def test_timeout_seconds_ends_with_terminating_chunk(api: FakeApiserver) -> None:
    resp = await raw_get(api, "/api/v1/namespaces/default/pods?watch=1&resourceVersion=0&timeoutSeconds=1")
    loop = asyncio.get_running_loop()
    started = loop.time()
    assert await resp.chunks_until_end() == [b""]
    resp.close()
    assert 0.9 <= loop.time() - started < 2.5
    assert api.requests[-1].ended == "deadline"


async def test_randomized_close_uses_min_request_timeout_and_seed() -> None:
    async with FakeApiserver(min_request_timeout=0.2, seed=42) as api:
        expected = [0.2 * (1 + r) for r in (lambda g: [g.random(), g.random()])(random.Random(42))]
        async with aiohttp.ClientSession(api.url) as http:
            loop = asyncio.get_running_loop()
            for want in expected:
                started = loop.time()
                async with http.get("/api/v1/pods?watch=true&resourceVersion=0") as resp:
                    (session,) = await api.wait_for_watches(1)
                    assert session.timeout == pytest.approx(want)
                    assert await resp.read() == b""
                assert want - 0.05 <= loop.time() - started < want + 1.0
                await api.wait_until(lambda: not api.watches)


async def test_periodic_bookmark_carries_the_new_resource_version() -> None:
    async with FakeApiserver(bookmark_frequency=0.1) as api:
        resp = await raw_get(
            api,
            f"/api/v1/namespaces/default/pods?watch=1&resourceVersion={api.resource_version}"
            "&allowWatchBookmarks=true",
        )
        await api.wait_for_watches(1)
        rv = api.advance_resource_version(3)
        api.progress_notify()  # the pods cache learns the cluster's RV, as at its once-a-minute sync
        first = await resp.next_chunk()
        api.close_watches()
        assert await resp.chunks_until_end() == [b""]
        resp.close()
    expected = (
        '{"type":"BOOKMARK","object":{"kind":"Pod","apiVersion":"v1","metadata":{"resourceVersion":"RV"},'
        '"spec":{"containers":null},"status":{}}}\n'
    )
    assert first == expected.replace("RV", str(rv)).encode()


async def test_bookmark_before_deadline_only_when_resource_version_advanced() -> None:
    async with FakeApiserver(bookmark_frequency=60, bookmark_before_deadline=0.5) as api:
        loop = asyncio.get_running_loop()
        target = (
            "/api/v1/namespaces/default/pods?watch=1&allowWatchBookmarks=1&timeoutSeconds=1&resourceVersion="
        )
        active = await raw_get(api, target + str(api.resource_version))
        await api.wait_for_watches(1)
        rv = api.advance_resource_version()
        api.progress_notify()
        quiet = await raw_get(api, target + str(rv))  # starts at the newest RV: nothing new to bookmark
        session, _ = await api.wait_for_watches(2)
        bookmark = await active.next_chunk()
        arrived = loop.time()
        assert await active.chunks_until_end() == [b""]
        assert await quiet.chunks_until_end() == [b""]
        active.close()
        quiet.close()
    assert json.loads(bookmark)["object"]["metadata"] == {"resourceVersion": str(rv)}
    assert session.deadline - 0.6 <= arrived <= session.deadline


async def test_send_initial_events_ends_with_annotated_bookmark(
    api: FakeApiserver, http: aiohttp.ClientSession
) -> None:
    api.create(api.make_pod("p1"))
    rv = api.resource_version
    query = "watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true"
    async with http.get(f"/api/v1/namespaces/default/pods?{query}&resourceVersion={rv}") as resp:
        added = json.loads(await resp.content.readline())
        bookmark = json.loads(await resp.content.readline())
        api.close_watches()
        await resp.read()
    assert added["type"] == "ADDED"
    assert bookmark == {
        "type": "BOOKMARK",
        "object": {
            "kind": "Pod",
            "apiVersion": "v1",
            "metadata": {"resourceVersion": str(rv), "annotations": {"k8s.io/initial-events-end": "true"}},
            "spec": {"containers": None},
            "status": {},
        },
    }


# --- kubectl's Table ----------------------------------------------------------------------------------------


async def test_table_watch_has_column_definitions_only_on_first_event(api: FakeApiserver) -> None:
    api.create(api.make_pod("nginx-deploy-679dc9c764-r9ds5", pod_ip="10.244.1.5"))
    resp = await raw_get(
        api, "/api/v1/namespaces/default/pods?resourceVersion=0&watch=true", {"Accept": KUBECTL_TABLE_ACCEPT}
    )
    assert resp.header("Content-Type") == "application/json"
    first = json.loads(await resp.next_chunk())
    await api.wait_for_watches(1)
    api.create(api.make_pod("nginx-deploy-679dc9c764-xk2pq", phase="Pending"))
    second_raw = await resp.next_chunk()
    api.close_watches()
    assert await resp.chunks_until_end() == [b""]
    resp.close()

    table = first["object"]
    assert (table["kind"], table["apiVersion"]) == ("Table", "meta.k8s.io/v1")
    assert [(c["name"], c["priority"]) for c in table["columnDefinitions"]] == [
        ("Name", 0),
        ("Ready", 0),
        ("Status", 0),
        ("Restarts", 0),
        ("Age", 0),
        ("IP", 1),
        ("Node", 1),
        ("Nominated Node", 1),
        ("Readiness Gates", 1),
    ]
    (row,) = table["rows"]
    assert row["cells"][:4] == ["nginx-deploy-679dc9c764-r9ds5", "1/1", "Running", "0"]
    assert row["cells"][5:] == ["10.244.1.5", "kind-worker", "<none>", "<none>"]
    assert row["object"]["kind"] == "PartialObjectMetadata"
    assert row["object"]["apiVersion"] == "meta.k8s.io/v1"
    assert row["object"]["metadata"]["name"] == "nginx-deploy-679dc9c764-r9ds5"
    assert b'"columnDefinitions":null' in second_raw
    assert b"\\u003cnone\\u003e" in second_raw
    second = json.loads(second_raw)
    assert second["type"] == "ADDED"
    assert second["object"]["rows"][0]["cells"][1:4] == ["0/1", "ContainerCreating", "0"]


async def test_table_list_and_include_object(api: FakeApiserver, http: aiohttp.ClientSession) -> None:
    api.create(api.make_pod("done", phase="Succeeded"))
    headers = {"Accept": KUBECTL_TABLE_ACCEPT}
    async with http.get("/api/v1/namespaces/default/pods?limit=500", headers=headers) as resp:
        table = await resp.json()
    assert table["metadata"] == {"resourceVersion": str(api.resource_version)}
    (row,) = table["rows"]
    assert row["cells"][2] == "Completed"
    assert row["conditions"][0]["reason"] == "Succeeded"
    async with http.get("/api/v1/namespaces/default/pods?includeObject=Object", headers=headers) as resp:
        full = await resp.json()
    assert full["rows"][0]["object"]["kind"] == "Pod"
    assert full["rows"][0]["object"]["spec"]["containers"][0]["name"] == "nginx"


async def test_error_event_is_not_turned_into_a_table(
    api: FakeApiserver, http: aiohttp.ClientSession
) -> None:
    api.compact()
    async with http.get(
        "/api/v1/pods?watch=1&resourceVersion=3", headers={"Accept": KUBECTL_TABLE_ACCEPT}
    ) as resp:
        event = json.loads(await resp.read())
    assert event["type"] == "ERROR" and event["object"]["kind"] == "Status"


# --- queries, validation and lists --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "is_watch"),
    [
        ("1", True),
        ("true", True),
        ("True", True),
        ("", True),
        ("0", False),
        ("false", False),
        ("FALSE", False),
    ],
)
async def test_boolean_query_parsing(
    api: FakeApiserver, http: aiohttp.ClientSession, value: str, is_watch: bool
) -> None:
    async with http.get(f"/api/v1/pods?timeoutSeconds=1&watch={value}") as resp:
        assert resp.status == 200
        assert (resp.headers.get("Transfer-Encoding") == "chunked") == is_watch
        if not is_watch:
            assert (await resp.json())["kind"] == "PodList"
    assert api.requests[-1].watch == is_watch


@pytest.mark.parametrize(
    ("query", "code", "message"),
    [
        ("watch=1&timeoutSeconds=abc", 400, 'strconv.ParseInt: parsing "abc": invalid syntax'),
        ("limit=x", 400, 'strconv.ParseInt: parsing "x": invalid syntax'),
        (
            "watch=1&resourceVersion=abc",
            422,
            'pods "" is invalid: metadata.resourceVersion: Invalid value: "abc": strconv.ParseUint: '
            'parsing "abc": '
            "invalid syntax",
        ),
        (
            "watch=1&sendInitialEvents=true",
            422,
            'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: '
            "sendInitialEvents requires "
            "setting resourceVersionMatch to NotOlderThan",
        ),
        ("labelSelector=a%3D%3D%3Db", 400, None),
        ("fieldSelector=spec.bogus%3Dx", 400, "field label not supported: spec.bogus"),
    ],
)
async def test_invalid_parameters_get_status_errors(
    http: aiohttp.ClientSession, query: str, code: int, message: str | None
) -> None:
    async with http.get(f"/api/v1/namespaces/default/pods?{query}") as resp:
        assert resp.status == code
        assert resp.headers["Content-Type"] == "application/json"
        status = await resp.json()
    assert (status["kind"], status["status"], status["code"]) == ("Status", "Failure", code)
    assert status["reason"] == {400: "BadRequest", 422: "Invalid"}[code]
    if message is not None:
        assert status["message"] == message


async def test_list_items_omit_kind_and_paginate_with_continue(
    api: FakeApiserver, http: aiohttp.ClientSession
) -> None:
    for name in ("p-a", "p-b", "p-c"):
        api.create(api.make_pod(name, labels={"set": "x" if name != "p-b" else "y"}))
    api.create(make_secret("creds", data={"password": "hunter2"}))
    async with http.get("/api/v1/namespaces/default/pods?limit=2") as resp:
        page1 = await resp.json()
    assert (page1["kind"], page1["apiVersion"]) == ("PodList", "v1")
    assert [i["metadata"]["name"] for i in page1["items"]] == ["p-a", "p-b"]
    assert all("kind" not in i and "apiVersion" not in i for i in page1["items"])
    assert page1["metadata"]["remainingItemCount"] == 1
    api.create(api.make_pod("p-0"))  # after the first page: a consistent continuation must not show it
    async with http.get(
        "/api/v1/namespaces/default/pods", params={"limit": "2", "continue": page1["metadata"]["continue"]}
    ) as resp:
        page2 = await resp.json()
    assert [i["metadata"]["name"] for i in page2["items"]] == ["p-c"]
    assert "continue" not in page2["metadata"]
    assert page2["metadata"]["resourceVersion"] == page1["metadata"]["resourceVersion"]
    async with http.get("/api/v1/pods?labelSelector=set%3Dx&fieldSelector=metadata.name!%3Dp-a") as resp:
        assert [i["metadata"]["name"] for i in (await resp.json())["items"]] == ["p-c"]
    async with http.get("/api/v1/namespaces/default/secrets/creds") as resp:
        secret = await resp.json()
    assert secret["kind"] == "Secret" and secret["data"] == {"password": "aHVudGVyMg=="}
    async with http.get("/api/v1/namespaces/default/pods/missing") as resp:
        assert resp.status == 404
        assert (await resp.json())["message"] == 'pods "missing" not found'


async def test_expired_continue_is_http_410(api: FakeApiserver, http: aiohttp.ClientSession) -> None:
    for name in ("a", "b"):
        api.create(make_configmap(name))
    async with http.get("/api/v1/namespaces/default/configmaps?limit=1") as resp:
        token = (await resp.json())["metadata"]["continue"]
    api.create(make_configmap("c"))
    api.compact()
    async with http.get(
        "/api/v1/namespaces/default/configmaps", params={"limit": "1", "continue": token}
    ) as resp:
        assert resp.status == 410
        status = await resp.json()
    assert status["reason"] == "Expired" and status["metadata"]["continue"]


async def test_deployments_and_legacy_watch_path(api: FakeApiserver, http: aiohttp.ClientSession) -> None:
    api.create(make_deployment())
    api.create(make_deployment("other"))
    async with http.get("/apis/apps/v1/namespaces/default/deployments") as resp:
        body = await resp.json()
    assert body["kind"] == "DeploymentList" and body["apiVersion"] == "apps/v1" and len(body["items"]) == 2
    async with http.get("/api/v1/watch/namespaces/default/configmaps?timeoutSeconds=1") as resp:
        assert resp.headers["Transfer-Encoding"] == "chunked"
    assert api.requests[-1].watch
    async with http.get("/apis/apps/v1/watch/namespaces/default/deployments/other?resourceVersion=0") as resp:
        event = json.loads(await resp.content.readline())
        api.close_watches()
    assert event["object"]["metadata"]["name"] == "other"


async def test_http_writes_fan_out_to_watches(api: FakeApiserver, http: aiohttp.ClientSession) -> None:
    base = "/api/v1/namespaces/default/configmaps"
    async with http.get(
        f"{base}?watch=1&resourceVersion={api.resource_version}",
        headers={"Accept": "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1"},
    ) as watch_resp:
        await api.wait_for_watches(1)
        async with http.post(base, json={"metadata": {"name": "w"}, "data": {"k": "1"}}) as resp:
            assert resp.status == 201
        async with http.post(base, json={"metadata": {"name": "w"}}) as resp:
            assert resp.status == 409
        patch = {"metadata": {"labels": {"x": "y"}}, "data": {"k": None}}
        headers = {"Content-Type": "application/merge-patch+json"}
        async with http.patch(f"{base}/w", data=json.dumps(patch), headers=headers) as resp:
            assert (await resp.json())["metadata"]["labels"] == {"x": "y"}
        async with http.delete(f"{base}/w") as resp:
            assert (await resp.json())["status"] == "Success"
        api.close_watches()
        events = [json.loads(line) for line in (await watch_resp.read()).splitlines()]
    assert [e["type"] for e in events] == ["ADDED", "MODIFIED", "DELETED"]
    assert {e["object"]["kind"] for e in events} == {"PartialObjectMetadata"}
    assert api.get("configmaps", "w") is None


# --- discovery ----------------------------------------------------------------------------------------------


async def test_discovery_aggregated_and_legacy(http: aiohttp.ClientSession) -> None:
    for path in ("/api", "/apis"):
        async with http.get(path, params={"timeout": "32s"}, headers={"Accept": AGGREGATED_ACCEPT}) as resp:
            assert resp.headers["Content-Type"] == (
                "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
            )
            doc = await resp.json()
        assert doc["kind"] == "APIGroupDiscoveryList"
    resources = {r["resource"] for r in doc["items"][0]["versions"][0]["resources"]}
    assert "deployments" in resources
    async with http.get("/api/") as resp:
        assert resp.headers["Content-Type"] == "application/json"
        assert (await resp.json())["versions"] == ["v1"]
    async with http.get("/apis/") as resp:
        assert [g["name"] for g in (await resp.json())["groups"]] == ["apps"]
    async with http.get("/api/v1") as resp:
        names = {r["name"] for r in (await resp.json())["resources"]}
    assert {"pods", "pods/status", "configmaps", "secrets", "namespaces"} <= names
    async with http.get("/apis/apps/v1") as resp:
        assert (await resp.json())["groupVersion"] == "apps/v1"
    async with http.get("/version/") as resp:
        assert (await resp.json())["gitVersion"] == "v1.36.0"


# --- faults -------------------------------------------------------------------------------------------------


async def test_fail_next_returns_status_body(api: FakeApiserver, http: aiohttp.ClientSession) -> None:
    api.fail_next(503, retry_after=2, watch=False)
    async with http.get("/api/v1/pods?watch=1&timeoutSeconds=1") as resp:
        assert resp.status == 200  # a watch does not match watch=False
    async with http.get("/api/v1/pods") as resp:
        assert resp.status == 503
        assert resp.headers["Retry-After"] == "2"
        status = await resp.json()
    assert status["reason"] == "ServiceUnavailable" and status["details"] == {"retryAfterSeconds": 2}
    async with http.get("/api/v1/pods") as resp:
        assert resp.status == 200


async def test_reset_mid_event_cuts_a_line_and_aborts(api: FakeApiserver) -> None:
    api.create(api.make_pod("victim"))
    resp = await raw_get(
        api, f"/api/v1/namespaces/default/pods?watch=1&resourceVersion={api.resource_version}"
    )
    await api.wait_for_watches(1)
    api.reset_watches(mid_event=True)
    half = await resp.next_chunk()
    assert half.startswith(b'{"type":"MODIFIED"') and not half.endswith(b"\n")
    with pytest.raises((asyncio.IncompleteReadError, ConnectionResetError)):
        await resp.next_chunk()
    resp.close()
    await api.wait_until(lambda: api.requests[-1].ended == "reset")


async def test_stall_next_watch_sends_headers_then_nothing(api: FakeApiserver) -> None:
    api.create(api.make_pod("p"))
    api.stall_next_watch()
    resp = await raw_get(api, "/api/v1/namespaces/default/pods?watch=1&resourceVersion=0&timeoutSeconds=1")
    assert resp.status_line == "HTTP/1.1 200 OK"
    (session,) = await api.wait_for_watches(1)
    assert session.stalled
    api.create(api.make_pod("q"))
    reading = asyncio.ensure_future(resp.next_chunk())
    done, _ = await asyncio.wait({reading}, timeout=1.3)  # well past timeoutSeconds: still silent
    assert not done
    api.close_watches()
    assert await reading == b""
    resp.close()


async def test_error_watches_sends_error_then_ends(api: FakeApiserver, http: aiohttp.ClientSession) -> None:
    async with http.get(f"/api/v1/pods?watch=1&resourceVersion={api.resource_version}") as resp:
        await api.wait_for_watches(1)
        api.error_watches()
        event = json.loads(await resp.read())
    assert event["object"]["code"] == 410 and event["object"]["reason"] == "Expired"


async def test_request_log_drops_credentials() -> None:
    async with FakeApiserver(token="s3cret") as api:
        async with aiohttp.ClientSession(api.url) as http:
            async with http.get("/api/v1/pods", headers={"Cookie": "a=b"}) as resp:
                assert resp.status == 401
                assert await resp.json() == {
                    "kind": "Status",
                    "apiVersion": "v1",
                    "metadata": {},
                    "status": "Failure",
                    "message": "Unauthorized",
                    "reason": "Unauthorized",
                    "code": 401,
                }
            async with http.get("/api/v1/pods?limit=1", headers=api.auth_headers()) as resp:
                assert resp.status == 200
        rec = api.requests[-1]
        assert rec.param("limit") == "1" and rec.status == 200
        assert all(k.lower() not in ("authorization", "cookie") for r in api.requests for k in r.headers)


# --- TLS, client certificates, tokens and the Python client -------------------------------------------------


async def test_kubernetes_client_over_tls_with_client_cert_and_token(tmp_path: Path) -> None:
    from kubernetes import client, config, watch

    # The package ships py.typed but its config and watch helpers are untyped.
    kube_config: Any = config
    kube_watch: Any = watch
    async with FakeApiserver(tls=True, client_ca=True, token="t0ken", min_request_timeout=5.0) as api:
        for phase in ("Pending", "Running", "Succeeded", "Failed"):
            api.create(api.make_pod(phase=phase, restarts=1 if phase == "Running" else 0))
        api.create(make_deployment())
        api.create(make_secret("db", data={"password": "pw"}))
        kubeconfig = api.write_kubeconfig(tmp_path / "kubeconfig")
        cfg = client.Configuration()
        kube_config.load_kube_config(
            config_file=str(kubeconfig), client_configuration=cfg, persist_config=False
        )

        def list_all() -> tuple[Any, Any, Any]:
            with client.ApiClient(cfg) as api_client:
                core = client.CoreV1Api(api_client)
                pods = core.list_namespaced_pod("default")
                deployments = client.AppsV1Api(api_client).list_namespaced_deployment("default")
                secret = core.read_namespaced_secret("db", "default")
                return pods, deployments, secret

        pods, deployments, secret = await asyncio.to_thread(list_all)
        assert len(pods.items) == 4
        assert pods.items[0].status.container_statuses[0].image
        assert deployments.items[0].spec.replicas == 3
        assert secret.data == {"password": "cHc="}
        assert api.requests[-1].client_cert_cn == "kubernetes-admin"

        events: list[tuple[str, str]] = []

        def watch_until_new_pod(rv: str) -> None:
            with client.ApiClient(cfg) as api_client:
                w = kube_watch.Watch()
                for event in w.stream(
                    client.CoreV1Api(api_client).list_namespaced_pod,
                    "default",
                    resource_version=rv,
                    timeout_seconds=5,
                ):
                    events.append((event["type"], event["object"].metadata.name))
                    if event["object"].metadata.name == "late":
                        w.stop()

        watcher = asyncio.create_task(asyncio.to_thread(watch_until_new_pod, pods.metadata.resource_version))
        await api.wait_for_watches(1)
        api.create(api.make_pod("late"))
        await asyncio.wait_for(watcher, 10)
        assert events == [("ADDED", "late")]
        assert api.requests[-1].param("watch") == "true"

        async with aiohttp.ClientSession(api.url) as http:
            no_cert = api.client_ssl_context(with_client_cert=False)
            with_cert = api.client_ssl_context()
            assert no_cert is not None and with_cert is not None
            with pytest.raises(aiohttp.ClientError):
                async with http.get("/version", ssl=no_cert) as resp:
                    await resp.read()
            async with http.get("/version", ssl=with_cert) as resp:
                assert resp.status == 401


def test_builders_satisfy_the_python_client_models() -> None:
    from kubernetes import client

    api_client = client.ApiClient()
    for phase in ("Pending", "Running", "Succeeded", "Failed", "Unknown"):
        pod = make_pod(phase=phase, restarts=2)
        model = api_client.deserialize(json.dumps(pod), "V1Pod", "application/json")
        assert model.status.phase == phase
        assert model.metadata.name.startswith("nginx-deploy-679dc9c764-")
        assert model.status.container_statuses[0].image_id is not None
    assert api_client.deserialize(
        json.dumps(make_deployment()), "V1Deployment", "application/json"
    ).spec.replicas
    assert go_json_line({"a": "<"}) == b'{"a":"\\u003c"}\n'
