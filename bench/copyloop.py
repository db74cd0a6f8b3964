"""`python -m bench.copyloop --upstream URL`: the floor of a proxy written in Python with asyncio.

A bare TCP relay: each connection accepted is joined to a new connection to the upstream, and whatever
either side sends is written to the other as it is, in the read's own bytes object, from the event loop's
callbacks (no parsing, no recording, no copies of its own). What it costs per event is what any asyncio
proxy pays before it looks at a single byte: the system calls, the kernel's socket copies and one loop turn
per read. Prints `listening on http://HOST:PORT` like the other servers of bench/.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from urllib.parse import urlsplit


class _Half(asyncio.Protocol):
    """One side of a relayed connection; `peer` is the transport of the other side."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.peer: asyncio.Transport | None = None
        self.early: list[bytes] = []  # what arrived before the other side was connected

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        if self.peer is None:
            self.early.append(data)
        else:
            self.peer.write(data)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.peer is not None:
            self.peer.close()


async def main(listen: str, upstream: str) -> None:
    up = urlsplit(upstream)
    up_host, up_port = up.hostname or "127.0.0.1", up.port or 80
    loop = asyncio.get_running_loop()
    joining: set[asyncio.Task[None]] = set()

    def accepted() -> asyncio.Protocol:
        client = _Half()

        async def join() -> None:
            try:
                transport, server = await loop.create_connection(_Half, up_host, up_port)
            except OSError:
                if client.transport is not None:
                    client.transport.close()
                return
            assert client.transport is not None
            server.peer, client.peer = client.transport, transport
            for data in client.early:
                transport.write(data)
            client.early.clear()

        task = loop.create_task(join())
        joining.add(task)  # held until done: the loop keeps only a weak reference
        task.add_done_callback(joining.discard)
        return client

    host, _, port = listen.rpartition(":")
    server = await loop.create_server(accepted, host or "127.0.0.1", int(port), backlog=1024)
    bound = server.sockets[0].getsockname()
    print(f"listening on http://{bound[0]}:{bound[1]}", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--listen", default="127.0.0.1:0")
    p.add_argument("--upstream", required=True)
    a = p.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main(a.listen, a.upstream))
