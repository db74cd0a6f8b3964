"""A minimal, fast stand-in for the apiserver's watch endpoint, run as its own process.

    python -m bench.upstream [--listen 127.0.0.1:0]

prints `listening on http://HOST:PORT`, then serves HTTP/1.1 (keep-alive) on raw asyncio streams:

- `GET /version`: a small JSON body (the recorder asks for it at start-up);
- any `GET ...?watch=1...`: a chunked watch stream of pre-encoded 1 KB JSON events, one HTTP chunk per event
  as an idle apiserver writes them, many chunks per socket write. Query parameters (forwarded untouched by
  the proxies) choose the stream: `rate=R` events per second (default 0: as fast as the socket takes
  them), `n=N` events at most, `secs=S` seconds at most (every stream is bounded), `stamp=1` to put the
  send time (time.monotonic()) in each event; at full speed, `shape=` one of bench/shapes.py's chunk
  shapes (`event`, `2048`, `32ev`, `8k`, `captured`) and `size=` the event size in bytes (300, 1024, 8192, …): the
  shape's pre-encoded block is written whole, again and again (`n` is then rounded up to whole blocks);
- anything else: an empty ConfigMapList.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import time
from urllib.parse import parse_qs

from bench import events, shapes

BLOCK_EVENTS = 64  # events per socket write at full speed (64 KB)
MAX_EVENTS = 100_000_000
MAX_SECONDS = 120.0
_WATCH_HEAD = (b"HTTP/1.1 200 OK\r\nAudit-Id: 00000000-0000-0000-0000-000000000000\r\n"
               b"Cache-Control: no-cache, private\r\nContent-Type: application/json\r\n"
               b"Transfer-Encoding: chunked\r\n\r\n")
_VERSION = json.dumps({"major": "1", "minor": "36", "gitVersion": "v1.36.0-bench"}).encode()
_LIST = events.list_body(1000)
_BLOCK = b"".join(events.chunk(events.event(1000 + i, i)) for i in range(BLOCK_EVENTS))


def _whole(status: str, body: bytes) -> bytes:
    return (f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
            .encode() + body)


async def _full_speed(writer: asyncio.StreamWriter, n: int, secs: float) -> None:
    deadline = time.monotonic() + secs
    sent = 0
    while sent < n and time.monotonic() < deadline:
        k = min(BLOCK_EVENTS, n - sent)
        writer.write(_BLOCK if k == BLOCK_EVENTS else b"".join(
            events.chunk(events.event(1000 + i, i)) for i in range(k)))
        await writer.drain()
        sent += k


async def _shaped(writer: asyncio.StreamWriter, n: int, secs: float, shape: str, size: int) -> None:
    blk = shapes.block(shape, size)
    deadline = time.monotonic() + secs
    sent = 0
    while sent < n and time.monotonic() < deadline:
        writer.write(blk.data)
        await writer.drain()
        sent += blk.events


async def _paced(writer: asyncio.StreamWriter, n: int, secs: float, rate: float, stamp: bool) -> None:
    loop = asyncio.get_running_loop()
    start = loop.time()
    deadline = start + secs
    for i in range(n):
        due = start + i / rate
        if due >= deadline:
            break
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        line = events.event(1000 + i, i % 1000, stamp=time.monotonic() if stamp else None)
        writer.write(events.chunk(line))
        await writer.drain()


async def _watch(writer: asyncio.StreamWriter, query: dict[str, list[str]]) -> None:
    def param(name: str, default: float) -> float:
        return float(query.get(name, [default])[0])

    n = int(min(param("n", MAX_EVENTS), MAX_EVENTS))
    secs = min(param("secs", MAX_SECONDS), MAX_SECONDS)
    rate = param("rate", 0.0)
    writer.write(_WATCH_HEAD)
    shape = query.get("shape", [""])[0]
    size = int(param("size", events.EVENT_SIZE))
    if shape and (shape not in shapes.SHAPES or not 300 <= size <= 1 << 20):
        writer.write(b"0\r\n\r\n")  # an empty stream: the client sees no events and says so
        return
    if rate > 0:
        await _paced(writer, n, secs, rate, query.get("stamp", ["0"])[0] == "1")
    elif shape:
        await _shaped(writer, n, secs, shape, size)
    else:
        await _full_speed(writer, n, secs)
    writer.write(b"0\r\n\r\n")
    await writer.drain()


async def _serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        for _ in range(1000):  # requests on one keep-alive connection
            head = await reader.readuntil(b"\r\n\r\n")
            target = head.split(b"\r\n", 1)[0].split(b" ")[1].decode()
            path, _, qs = target.partition("?")
            query = parse_qs(qs)
            if path == "/version":
                writer.write(_whole("200 OK", _VERSION))
            elif query.get("watch", [""])[0] in ("1", "true"):
                await _watch(writer, query)
            else:
                writer.write(_whole("200 OK", _LIST))
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError, IndexError):
        pass
    finally:
        writer.close()


async def main(listen: str) -> None:
    host, _, port = listen.rpartition(":")
    server = await asyncio.start_server(_serve, host or "127.0.0.1", int(port), backlog=1024)
    bound = server.sockets[0].getsockname()
    print(f"listening on http://{bound[0]}:{bound[1]}", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--listen", default="127.0.0.1:0")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main(p.parse_args().listen))
