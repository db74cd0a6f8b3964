"""Malformed HTTP and absurd query values get a Kubernetes Status (400 family), never a 500 or a traceback."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from watchproxy.server.sessions import ReplaySession

NGINX = Path(__file__).resolve().parent.parent / "recordings" / "nginx-deploy.msgpack"
PODS = "/api/v1/namespaces/default/pods"


@pytest.fixture
async def url() -> AsyncIterator[str]:
    async with ReplaySession(NGINX, speed=1000.0) as s:
        yield s.url


async def raw(url: str, request: bytes) -> tuple[int, dict[str, str], bytes]:
    host, port = url.removeprefix("http://").rsplit(":", 1)
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(request)
    await writer.drain()
    data = await asyncio.wait_for(reader.read(), 20)
    writer.close()
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:])}
    return int(lines[0].split()[1]), headers, body


def status_of(body: bytes) -> dict[str, object]:
    doc = json.loads(body)
    assert doc["kind"] == "Status" and doc["apiVersion"] == "v1"
    return dict(doc)


@pytest.mark.parametrize("request_bytes", [
    b"GARBAGE\r\n\r\n",
    b"GET /api HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n",
    b"GET /api HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: twelve\r\n\r\n",
    b"GET /api HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header Name: x\r\n\r\n",
    b"GET /" + b"a" * 20000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(40),  # a TLS hello to the plain port
])
async def test_malformed_http_gets_a_400_status(url: str, request_bytes: bytes) -> None:
    code, headers, body = await raw(url, request_bytes)
    assert code == 400 and headers["content-type"] == "application/json"
    assert status_of(body)["code"] == 400 and b"Traceback" not in body


@pytest.mark.parametrize("query", [
    "watch=true&timeoutSeconds=1e30", "watch=true&timeoutSeconds=99999999999999999999999",
    "resourceVersion=-1", "resourceVersion=%00", "limit=ten", "labelSelector=%25%25%25((",
    "fieldSelector=((", "fieldSelector=spec.nodeName%3Dx,status.bogus%3Dy", "continue=!!!!&limit=1",
    "watch=true&sendInitialEvents=true", "resourceVersionMatch=Exact", "resourceVersion=1&resourceVersionMatch=Nope",
    "labelSelector=" + "a" * 5000 + "%3Db",
])
async def test_absurd_query_values_get_a_4xx_status(url: str, query: str) -> None:
    code, _, body = await raw(url, f"GET {PODS}?{query} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                              .encode())
    assert code in (400, 422), body
    assert status_of(body)["code"] == code


async def test_a_watch_from_an_unparsable_version_is_the_apiservers_500(url: str) -> None:
    """As kube-apiserver v1.37.2 answers it (tests/test_params_realkube.py): a Status, without a reason."""
    code, _, body = await raw(url, f"GET {PODS}?watch=true&resourceVersion=-1 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                   "Connection: close\r\n\r\n".encode())
    assert code == 500 and status_of(body)["code"] == 500 and "reason" not in status_of(body)


async def test_body_over_the_apiserver_limit_is_refused(url: str) -> None:
    big = b"x" * (4 * 1024 * 1024)
    code, _, body = await raw(url, b"POST " + PODS.encode() + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: "
                              + str(len(big)).encode() + b"\r\nConnection: close\r\n\r\n" + big)
    assert code == 413 and status_of(body)["code"] == 413


async def test_http_1_0_watch_streams_until_the_connection_closes(url: str) -> None:
    code, headers, body = await raw(url, f"GET {PODS}?watch=1&timeoutSeconds=30 HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n"
                                    .encode())
    assert code == 200 and "transfer-encoding" not in headers and "content-length" not in headers
    assert [json.loads(line)["type"] for line in body.splitlines()] == ["ADDED", "MODIFIED", "ADDED"] + ["MODIFIED"] * 5


async def test_a_client_that_vanishes_mid_watch_does_not_disturb_others(url: str) -> None:
    host, port = url.removeprefix("http://").rsplit(":", 1)
    for _ in range(20):
        _, writer = await asyncio.open_connection(host, int(port))
        writer.write(f"GET {PODS}?watch=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        await writer.drain()
        writer.transport.abort()
    code, _, body = await raw(url, f"GET {PODS} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
    assert code == 200 and json.loads(body)["kind"] == "PodList"
