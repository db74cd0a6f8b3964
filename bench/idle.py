"""Idle watches held open by one replay process: its RSS with 10,000 of them.

The watches are opened from this process (not the proxy's), on raw asyncio connections: each sends a watch
request from the recording's resourceVersion and reads the response head; nothing more arrives until the
emulated deadline (30-60 virtual minutes away).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from pathlib import Path
from urllib.parse import urlsplit

from bench import client, procs, recordings, table
from bench.table import Row

WATCHES = 10_000
OPEN_CONCURRENCY = 100  # connections being opened at once (the proxy's listen backlog is 128)
FD_MARGIN = 200  # descriptors besides the watches (files, pipes, the event loop)
LIMIT_BYTES = 1_000_000_000


async def _open_all(url: str, n: int, time_limit: float) -> tuple[list[asyncio.StreamWriter], list[str]]:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    request = (f"GET {recordings.COLLECTION}?watch=1&resourceVersion={recordings.BASE_RV} HTTP/1.1\r\n"
               f"Host: {host}:{port}\r\nAccept: application/json\r\n\r\n").encode()
    gate = asyncio.Semaphore(OPEN_CONCURRENCY)
    writers: list[asyncio.StreamWriter] = []
    errors: list[str] = []

    async def one() -> None:
        async with gate:
            try:
                reader, writer = await asyncio.open_connection(host, port)
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
                if not head.startswith(b"HTTP/1.1 200"):
                    errors.append(head.split(b"\r\n", 1)[0].decode(errors="replace"))
                    writer.close()
                    return
                writers.append(writer)
            except (OSError, asyncio.IncompleteReadError) as exc:
                errors.append(f"{type(exc).__name__}: {exc}")

    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(time_limit):
            await asyncio.gather(*(one() for _ in range(n)))
    return writers, errors


async def _hold(url: str, pid: int, n: int, time_limit: float) -> tuple[int, int, int, list[str], float]:
    """Open `n` watches; returns (RSS before, RSS with them open, how many opened, errors, seconds to open)."""
    before = procs.rss_bytes(pid)
    t0 = time.monotonic()
    writers, errors = await _open_all(url, n, time_limit)
    took = time.monotonic() - t0
    await asyncio.sleep(1.0)  # let the proxy settle (buffers, garbage) before reading its RSS
    after = procs.rss_bytes(pid)
    for w in writers:
        w.close()
    return before, after, len(writers), errors, took


def run(tmp: Path) -> list[Row]:
    soft, hard = procs.raise_nofile()
    need = WATCHES + FD_MARGIN
    n = WATCHES
    fd_note = ""
    if soft < need:
        n = max(0, soft - FD_MARGIN)
        fd_note = (f"open-file hard limit is {hard} (need {need} in each process): only {n:,} watches opened; "
                   f"raise it (ulimit -Hn / limits.conf) for the full figure")
    rec = recordings.idle(tmp / "idle.msgpack")
    with procs.Server(procs.proxy_argv("replay", str(rec.path), "--listen", "127.0.0.1:0")) as px:
        px_soft = procs.nofile_limit(px.pid)
        before, after, opened, errors, took = client.measure(_hold(px.url, px.pid, n, 180.0))
    per = (after - before) / opened if opened else float("nan")
    scaled = before + per * WATCHES if opened else float("nan")
    ok = opened == WATCHES and after <= LIMIT_BYTES
    note = (f"{opened:,} watches open (in {took:.1f} s); RSS {table.mb(before)} before, "
            f"{per / 1024:.1f} KiB per watch; open-file limit {px_soft} in both processes")
    if errors:
        note += f"; {len(errors)} failed: {errors[:2]}"
    if fd_note:
        note += f"; {fd_note}; {table.mb(scaled)} extrapolated to {WATCHES:,}"
    return [Row(f"replay: RSS with {WATCHES:,} idle watches open (emulate)", table.mb(after),
                f"no watches {table.mb(before)}", "—", "≤ 1 GB for 10,000", ok if not fd_note else False, note)]
