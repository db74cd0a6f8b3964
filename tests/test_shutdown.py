"""Stopping a replay: open watches end with their terminating chunk, as an apiserver's do when it stops
(clients see a clean close, not a cut stream); the summary is printed; a second Ctrl-C means "now" and
is quiet."""

from __future__ import annotations

import asyncio
import signal

import aiohttp
from watchproxy.server.sessions import ReplaySession

from tests.procs import start_proxy

WATCH = "/api/v1/namespaces/default/pods?watch=true"


async def _read_to_the_end(resp: aiohttp.ClientResponse) -> list[bytes]:
    """Every line of a chunked stream; raises ClientPayloadError if it is cut before its last chunk."""
    return [line async for line in resp.content]


async def test_leaving_the_session_ends_open_watches_cleanly() -> None:
    async with ReplaySession("nginx-deploy", clock="manual") as s, aiohttp.ClientSession() as http:
        resp = await http.get(s.url + WATCH)
        assert resp.status == 200
        reading = asyncio.ensure_future(_read_to_the_end(resp))
        await s.__aexit__(None, None, None)
        assert await asyncio.wait_for(reading, 10) == []  # nothing was due yet; then a clean end
        assert [e.end for e in s.log.entries if e.verb == "watch"] == ["server-closed"]


async def test_ctrl_c_ends_watches_cleanly_and_prints_the_summary() -> None:
    proc, url = await start_proxy("replay", "nginx-deploy", "--speed", "100")
    async with aiohttp.ClientSession() as http:
        resp = await http.get(url + WATCH)
        first = await resp.content.readline()
        assert b'"ADDED"' in first
        proc.send_signal(signal.SIGINT)
        rest = await asyncio.wait_for(_read_to_the_end(resp), 10)  # no ClientPayloadError: a clean end
        stdout, stderr = await asyncio.wait_for(proc.communicate(), 10)
    assert all(line.endswith(b"\n") for line in rest)
    assert proc.returncode == 0, stderr
    assert stdout.decode().splitlines()[-1] == "watchproxy replay: served 1 request, 0 misses"
    assert stderr == b""


async def test_a_second_ctrl_c_is_quiet_and_means_now() -> None:
    proc, url = await start_proxy("replay", "nginx-deploy", "--clock", "manual",
                                  "--fault", "stall:verb=watch")  # a stream end_watches leaves alone
    async with aiohttp.ClientSession() as http:
        resp = await http.get(url + WATCH)
        assert resp.status == 200
        proc.send_signal(signal.SIGINT)
        proc.send_signal(signal.SIGINT)
        stdout, stderr = await asyncio.wait_for(proc.communicate(), 10)
        resp.close()
    assert proc.returncode == 0, stderr
    assert b"Traceback" not in stderr and stderr == b"", stderr
    assert stdout.decode().splitlines()[-1] == "watchproxy replay: served 1 request, 0 misses"
