"""The timeline gives each client its own lane: the recorder numbers client connections, so a second
client's watch identical to the first's is not drawn as the first client reconnecting."""

from __future__ import annotations

from pathlib import Path

import aiohttp
from watchproxy.engines.store import load
from watchproxy.report.summary import summarize
from watchproxy.report.timeline import render_timeline
from watchproxy.server.sessions import RecordSession

from tests.fake_apiserver import FakeApiserver

WATCH = "/api/v1/namespaces/default/pods?watch=true&timeoutSeconds=1"


async def _watch(http: aiohttp.ClientSession, url: str) -> None:
    async with http.get(url + WATCH) as resp:
        assert resp.status == 200
        await resp.read()  # until the apiserver ends it after timeoutSeconds


async def test_identical_watches_of_two_clients_get_two_lanes(tmp_path: Path) -> None:
    out = tmp_path / "two.msgpack"
    async with FakeApiserver() as api:
        kc = api.write_kubeconfig(tmp_path / "k")
        async with RecordSession(out, kubeconfig=str(kc)) as s, aiohttp.ClientSession() as a, \
                aiohttp.ClientSession() as b:
            await _watch(a, s.url)  # client A
            await _watch(b, s.url)  # client B, the same request, after A's watch ended
            await _watch(a, s.url)  # A again, on its kept-alive connection: A's lane
    conns = [ex.request.conn for ex in sorted(load(out).exchanges.values(), key=lambda e: e.id)]
    assert conns[0] == conns[2] != conns[1] and min(conns) >= 1
    summary = summarize(out)
    assert [e.client for e in summary.exchanges.values()] == [f"connection {c}" for c in conns]
    stats = render_timeline(out, tmp_path / "t.svg", summary=summary)
    assert stats.lanes == 2


def test_a_recording_without_connections_tells_clients_apart_by_user_agent(tmp_path: Path) -> None:
    from watchproxy.recording.records import End, EndHow, Header, Request, Response
    from watchproxy.recording.writer import RecordingWriter

    path = tmp_path / "agents.msgpack"
    w = RecordingWriter(path, Header(started_at="2026-01-01T00:00:00Z"))
    for ex, (t, agent) in enumerate([(0.0, "kubectl/v1.36.0"), (100.0, "OpenAPI-Generator/33.1.0/python"),
                                     (200.0, "kubectl/v1.36.0")], start=1):
        w.write(Request(ex, t, "GET", "/api/v1/pods", "watch=true", (("User-Agent", agent),)),
                Response(ex, t, 200, "OK", (("Content-Type", "application/json"),)),
                End(ex, t + 50.0, EndHow.SERVER_CLOSED))
    w.close()
    svg = tmp_path / "t.svg"
    assert render_timeline(path, svg).lanes == 2
    text = svg.read_text()
    assert "(kubectl/v1.36.0)" in text and "(OpenAPI-Generator/33.1.0/python)" in text
