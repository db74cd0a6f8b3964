"""Soak: hundreds of concurrent watch clients and a steady stream of lists through record mode, then the
result replayed to as many clients. Bounded in time and count, loopback only.

WATCHPROXY_SOAK_SECONDS sets the recording phase (default 20 s in `make test`; `make soak` runs minutes); it
lasts at least MIN_EVENTS events however slow the machine, so the memory samples have a warm-up and an end.
"""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

import aiohttp
from watchproxy.engines.store import load
from watchproxy.recording import EndHow

from tests.fake_apiserver import FakeApiserver, make_pod
from tests.procs import start_proxy

CLIENTS = int(os.environ.get("WATCHPROXY_SOAK_CLIENTS", "500"))
SECONDS = float(os.environ.get("WATCHPROXY_SOAK_SECONDS", "20"))
PODS = "/api/v1/namespaces/default/pods"
SAMPLE_EVERY = 25  # events
MIN_EVENTS = 4 * SAMPLE_EVERY


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


async def watch_all(url: str, n: int, counts: list[int], errors: list[str], ready: asyncio.Event) -> None:
    connector = aiohttp.TCPConnector(limit=0)
    opened = 0
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=None)) as http:
        async def one(i: int) -> None:
            nonlocal opened
            try:
                async with http.get(f"{url}{PODS}?watch=true&resourceVersion=1") as resp:
                    if resp.status != 200:
                        errors.append(f"watch {i}: HTTP {resp.status}")
                        return
                    opened += 1
                    if opened == n:
                        ready.set()
                    async for chunk in resp.content.iter_any():
                        counts[i] += chunk.count(b"\n")
            except aiohttp.ClientError as exc:
                errors.append(f"watch {i}: {exc!r}")

        await asyncio.gather(*(one(i) for i in range(n)))


async def test_soak_record_then_replay(tmp_path: Path) -> None:
    out = tmp_path / "soak.msgpack"
    async with FakeApiserver(min_request_timeout=SECONDS * 10 + 600, initial_resource_version=1) as api:
        kc = api.write_kubeconfig(tmp_path / "k")
        proc, url = await start_proxy("record", "--out", str(out), "--kubeconfig", str(kc))
        counts, errors, ready = [0] * CLIENTS, [], asyncio.Event()
        watchers = asyncio.ensure_future(watch_all(url, CLIENTS, counts, errors, ready))
        await asyncio.wait_for(ready.wait(), 120)
        lists = 0
        samples: list[int] = []
        loop = asyncio.get_running_loop()
        end = loop.time() + SECONDS
        async with aiohttp.ClientSession() as http:
            i = 0
            while (loop.time() < end or i < MIN_EVENTS) and i < 100_000:
                api.create(make_pod(f"soak-{i:06d}")) if i % 3 == 0 else api.modify(make_pod(f"soak-{i - i % 3:06d}"))
                async with http.get(f"{url}{PODS}?limit=50") as resp:
                    assert resp.status == 200
                    await resp.read()
                lists += 1
                i += 1
                if i % SAMPLE_EVERY == 0:
                    samples.append(rss_kib(proc.pid))
        api.close_watches()
        await asyncio.wait_for(watchers, 120)
        proc.send_signal(signal.SIGINT)
        await asyncio.wait_for(proc.communicate(), 60)
    assert not errors, errors[:5]
    sent = i
    assert all(c == sent for c in counts), (min(counts), max(counts), sent)
    # RSS after warm-up may not keep growing: the last samples stay near the early ones.
    warm = samples[len(samples) // 4]
    assert samples[-1] <= warm * 1.3 + 20_000, (warm, samples[-1])

    loaded = load(out)
    watches = [e for e in loaded.exchanges.values() if e.info.verb == "watch"]
    assert len(watches) == CLIENTS and all(e.how == EndHow.SERVER_CLOSED for e in watches)
    recorded = sum(len(e.frames) for e in watches)
    assert recorded == CLIENTS * sent and lists > 0

    rproc, rurl = await start_proxy("replay", str(out), "--mode", "exact", "--speed", "1000")
    counts2, errors2, ready2 = [0] * CLIENTS, [], asyncio.Event()
    await asyncio.wait_for(watch_all(rurl, CLIENTS, counts2, errors2, ready2), 180)
    rproc.send_signal(signal.SIGINT)
    await asyncio.wait_for(rproc.communicate(), 60)
    assert not errors2, errors2[:5]
    assert sum(counts2) == recorded  # every recorded event was replayed
