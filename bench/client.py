"""Fast watch readers: aiohttp's C parser de-chunks, and events are counted with bytes.count(b"\\n") on
whatever arrived, never with one Python call per line (except where a line's content is needed)."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import time
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

import aiohttp

from bench import procs

READ_BUFSIZE = 1 << 20
T = TypeVar("T")
STAMP_KEY = b'"bench.watchproxy.io/sent":"'


@contextlib.contextmanager
def quiet_gc() -> Iterator[None]:
    """No cyclic garbage collection in this (the client's) process while measuring: its pauses (tens of ms
    with thousands of connections' objects) would be counted as the proxy's lateness."""
    gc.collect()
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.unfreeze()
        gc.collect()


def measure(coro: Coroutine[Any, Any, T]) -> T:
    """Run a client coroutine in a fresh event loop, without the client's GC pauses."""
    with quiet_gc():
        return asyncio.run(coro)


def session(read_bufsize: int = READ_BUFSIZE) -> aiohttp.ClientSession:
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0, force_close=True),
                                 timeout=aiohttp.ClientTimeout(total=None, sock_connect=10, sock_read=30),
                                 read_bufsize=read_bufsize, auto_decompress=False)


@dataclass
class Rate:
    events_per_s: float
    events: int
    seconds: float
    streams: int
    errors: list[str]
    cpu: dict[str, float]  # CPU seconds used during the window: "client" (this process) and each watched pid
    kernel: dict[str, float] = field(default_factory=dict)  # the system part of `cpu`, for the watched pids

    def cpu_per_event(self, who: str, of: dict[str, float] | None = None) -> float:
        """Microseconds of `who`'s CPU (or of its kernel time, with of=self.kernel) per event counted."""
        return (of or self.cpu).get(who, float("nan")) / self.events * 1e6 if self.events else float("nan")

    def cpu_note(self) -> str:
        return ", ".join(f"{who} {self.cpu_per_event(who):.1f} µs" + (
            f" ({self.cpu_per_event(who, self.kernel):.1f} in the kernel)" if who in self.kernel else "")
            for who in self.cpu) + " of CPU per event"


async def rate(urls: list[str], *, warmup: float = 0.5, window: float = 3.0, start_timeout: float = 20.0,
               pids: dict[str, int] | None = None) -> Rate:
    """Open one watch per URL, wait until all deliver, then count events over `window` seconds (and the CPU
    time this process and the processes in `pids` use meanwhile)."""
    pids = pids or {}
    count = [0]
    started = [0]
    errors: list[str] = []
    all_started = asyncio.Event()

    async def one(s: aiohttp.ClientSession, url: str) -> None:
        try:
            async with s.get(url) as resp:
                if resp.status != 200:
                    errors.append(f"HTTP {resp.status}")
                    return
                first = True
                async for data in resp.content.iter_any():
                    count[0] += data.count(b"\n")
                    if first:
                        first = False
                        started[0] += 1
                        if started[0] == len(urls):
                            all_started.set()
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            errors.append(f"{type(exc).__name__}: {exc}")

    async with session() as s:
        tasks = [asyncio.create_task(one(s, u)) for u in urls]
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(all_started.wait(), start_timeout)
            await asyncio.sleep(warmup)
            c0, t0 = count[0], time.monotonic()
            cpu0 = {"client": (time.process_time(), 0.0), **{k: procs.cpu_times(p) for k, p in pids.items()}}
            await asyncio.sleep(window)
            c1, t1 = count[0], time.monotonic()
            cpu1 = {"client": (time.process_time(), 0.0), **{k: procs.cpu_times(p) for k, p in pids.items()}}
        finally:
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
    return Rate((c1 - c0) / (t1 - t0), c1 - c0, t1 - t0, started[0], errors,
                {k: sum(cpu1[k]) - sum(cpu0[k]) for k in cpu0}, {k: cpu1[k][1] - cpu0[k][1] for k in pids})


async def latencies(url: str, *, time_limit: float = 30.0) -> list[float]:
    """Read a stamped stream to its end; for every event, receive time minus the stamped send time."""
    out: list[float] = []
    buf = b""
    async with session(64 * 1024) as s, asyncio.timeout(time_limit), s.get(url) as resp:
        async for data in resp.content.iter_any():
            now = time.monotonic()
            buf += data
            *lines, buf = buf.split(b"\n")
            for line in lines:
                i = line.find(STAMP_KEY)
                if i >= 0:
                    j = i + len(STAMP_KEY)
                    out.append(now - float(line[j: line.index(b'"', j)]))
    return out


@dataclass
class Drain:
    events: int
    seconds: float  # from the response head to the last event counted

    @property
    def events_per_s(self) -> float:
        return self.events / self.seconds if self.seconds > 0 else 0.0


async def drain(url: str, expect: int, *, time_limit: float = 60.0, accept: str = "") -> Drain:
    """Read one watch until `expect` events (or its end) and time it from the response head; JSON lines, or
    protobuf frames when the answer is protobuf (`accept` asks for it)."""
    n = 0
    frames = bytearray()  # protobuf: what is read of frames not yet counted
    async with session() as s, asyncio.timeout(time_limit), \
            s.get(url, headers={"Accept": accept} if accept else None) as resp:
        if resp.status != 200:
            raise RuntimeError(f"{url}: HTTP {resp.status}: {(await resp.read())[:300]!r}")
        protobuf = resp.headers.get("Content-Type", "").startswith("application/vnd.kubernetes.protobuf")
        t0 = time.monotonic()
        t1 = t0
        async for data in resp.content.iter_any():
            if protobuf:
                frames += data
                at = 0
                while len(frames) - at >= 4 and len(frames) - at >= 4 + (size := int.from_bytes(frames[at:at + 4])):
                    at += 4 + size
                    n += 1
                del frames[:at]
            else:
                n += data.count(b"\n")
            t1 = time.monotonic()
            if n >= expect:
                break
    return Drain(n, t1 - t0)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    v = sorted(values)
    k = min(len(v) - 1, max(0, round(p / 100 * (len(v) - 1))))
    return v[k]
