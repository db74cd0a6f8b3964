"""`python -m bench.copyloop --upstream URL [--write file|process|splice --out PATH]`: the floor of a proxy written in
Python with asyncio, and of a recorder written so.

A bare TCP relay: each connection accepted is joined to a new connection to the upstream, and whatever
either side sends is written to the other as it is, in the read's own bytes object, from the event loop's
callbacks (no parsing, no recording, no copies of its own). What it costs per event is what any asyncio
proxy pays before it looks at a single byte: the system calls, the kernel's socket copies and one loop turn
per read. Prints `listening on http://HOST:PORT` like the other servers of bench/.

With `--write` it is the simplest recorder: each read from the upstream is written to a recording (one
`frame` record, with watchproxy's own writer, which keeps the page cache small as in `record`) before it is
forwarded; nothing is parsed. `file` writes from the loop's thread. `process` writes from a second process,
the simplest way to put the file writes on another core beside the relay (no GIL between them): the read is
copied into memory shared with that process, a pipe tells it where, and the read is forwarded once the
writer has said on another pipe that it is written (one byte per read). It prints `writer pid N` before it
listens, and exits if the writer process ends. `splice` makes no copy of its own in user space: each read is
moved from the upstream's socket into a pipe, spliced into the recording behind its record head, and sent
to the client from the file's pages (`SpliceRelay`): the least a recorder written in Python can ask of the
kernel.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import fcntl
import mmap
import os
import socket
import struct
import sys
import time
from collections.abc import Callable
from urllib.parse import urlsplit

from proxy.recording import Header, RecordingWriter

WRITES = ("file", "process", "splice")
_RING = 64 << 20  # shared memory for reads on their way to the writer process
# Bytes handed to the writer and not yet written: a stream that brings more pauses. Each of 200 streams may
# bring one read (256 KiB at most) past it, and the ring still never wraps onto bytes not yet written.
_HELD = 4 << 20
_WHERE = struct.Struct("<II")  # where a read lies in the ring: offset, length
_SPLICE_READ = 256 * 1024  # what one splice takes from the upstream at most: asyncio's read size

# Write a read to the file, then to the peer; the read's own transport, whose reading it may pause.
Sink = Callable[[bytes, asyncio.Transport, asyncio.Transport], None]


class _Half(asyncio.Protocol):
    """One side of a relayed connection; `peer` is the transport of the other side."""

    def __init__(self, sink: Sink | None = None) -> None:
        self.transport: asyncio.Transport | None = None
        self.peer: asyncio.Transport | None = None
        self.early: list[bytes] = []  # what arrived before the other side was connected
        self.sink = sink

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        if self.peer is None:
            self.early.append(data)
        elif self.sink is not None and self.transport is not None:
            self.sink(data, self.peer, self.transport)
        else:
            self.peer.write(data)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.peer is not None:
            self.peer.close()


def _writer(path: str) -> RecordingWriter:
    return RecordingWriter(path, Header(started_at="2026-01-01T00:00:00Z", generator="bench.copyloop"))


def file_sink(path: str) -> Sink:
    """Each read written from this thread, then forwarded."""
    writer, start = _writer(path), time.monotonic()

    def sink(data: bytes, peer: asyncio.Transport, source: asyncio.Transport) -> None:
        writer.write_frames(1, time.monotonic() - start, [data])
        peer.write(data)
    return sink


def _write_in_child(ring: mmap.mmap, where: int, done: int, path: str) -> None:
    """The writer process: each read the pipe points at, written; one byte back per read. Ends when the relay
    does (its pipe closes)."""
    writer, view, start, got = _writer(path), memoryview(ring), time.monotonic(), b""
    while more := os.read(where, 64 * 1024):
        got += more
        n = len(got) // _WHERE.size
        for i in range(n):
            off, size = _WHERE.unpack_from(got, i * _WHERE.size)
            writer.write_frames(1, time.monotonic() - start, [bytes(view[off:off + size])])
        got = got[n * _WHERE.size:]
        os.write(done, b"\x01" * n)
    writer.close()


class ProcessSink:
    """Reads handed to a writer process (forked before the loop starts) and forwarded once written, in order."""

    def __init__(self, path: str) -> None:
        self.ring = mmap.mmap(-1, _RING)  # shared and anonymous: the child sees what is put here
        where_r, self._where = os.pipe()
        self._done, done_w = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:
            os.close(self._where)
            os.close(self._done)
            try:
                _write_in_child(self.ring, where_r, done_w, path)
            finally:
                os._exit(0)
        os.close(where_r)
        os.close(done_w)
        self._pos = 0
        self._held = 0
        self._waiting: collections.deque[tuple[bytes, asyncio.Transport]] = collections.deque()
        self._paused: set[asyncio.Transport] = set()

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        loop.add_reader(self._done, self._written)

    def close(self, loop: asyncio.AbstractEventLoop) -> None:
        """Stop handing reads over; the writer process ends once it has written those it has (then wait for
        `pid`)."""
        loop.remove_reader(self._done)
        os.close(self._where)
        os.close(self._done)

    def __call__(self, data: bytes, peer: asyncio.Transport, source: asyncio.Transport) -> None:
        n = len(data)
        if self._pos + n > _RING:  # what is at the start is written already (_HELD, above)
            self._pos = 0
        self.ring[self._pos:self._pos + n] = data
        os.write(self._where, _WHERE.pack(self._pos, n))
        self._pos += n
        self._held += n
        self._waiting.append((data, peer))
        if self._held > _HELD:
            source.pause_reading()
            self._paused.add(source)

    def _written(self) -> None:
        got = os.read(self._done, 64 * 1024)
        if not got:  # the writer process is gone: nothing more can be recorded, so nothing more is forwarded
            print("bench.copyloop: the writer process ended", file=sys.stderr, flush=True)
            os._exit(1)
        for _ in got:
            data, peer = self._waiting.popleft()
            self._held -= len(data)
            peer.write(data)
        if self._held <= _HELD and self._paused:
            for t in self._paused:
                if not t.is_closing():
                    t.resume_reading()
            self._paused.clear()


class SpliceRelay:
    """One connection relayed with no copy in user space: a read of the upstream is spliced into a pipe (the
    bytes stay in the kernel), its `frame` record head written to the recording and the pipe spliced into
    the file behind it, then sent to the client from the file's pages with sendfile (Python has no tee(2) to
    send from the pipe as well). The sockets are the loop's readiness callbacks', not transports, which
    would read into a bytes object. The record is what `file_sink` writes for the same read."""

    def __init__(self, loop: asyncio.AbstractEventLoop, client: socket.socket, up: socket.socket,
                 writer: RecordingWriter, read_fd: int, start: float) -> None:
        self.loop, self.client, self.up, self.writer, self.read_fd, self.start = \
            loop, client, up, writer, read_fd, start
        self.pipe_r, self.pipe_w = os.pipe()
        with contextlib.suppress(OSError):  # the default (64 KiB) works too, in more reads
            fcntl.fcntl(self.pipe_w, fcntl.F_SETPIPE_SZ, _SPLICE_READ)
        self.unsent = (0, 0)  # where in the file the bytes the client has not taken yet lie
        self.closed = False
        loop.add_reader(client.fileno(), self._from_client)
        loop.add_reader(up.fileno(), self._from_upstream)

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        for s in (self.client, self.up):
            self.loop.remove_reader(s.fileno())
            self.loop.remove_writer(s.fileno())
            s.close()
        os.close(self.pipe_r)
        os.close(self.pipe_w)

    def _from_client(self) -> None:
        try:
            data = self.client.recv(64 * 1024)
            self.up.sendall(data)  # a request: a few hundred bytes the upstream's socket always takes at once
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self.close()

    def _from_upstream(self) -> None:
        try:
            n = os.splice(self.up.fileno(), self.pipe_w, _SPLICE_READ, flags=os.SPLICE_F_MOVE | os.SPLICE_F_NONBLOCK)
        except BlockingIOError:
            return
        except OSError:
            n = 0
        if not n:
            self.close()
            return
        w = self.writer  # this relay writes past the writer, in its format and to its file
        head, fd = w.frame_head(1, time.monotonic() - self.start, n), w.fileno()
        os.write(fd, head)
        left = n
        while left:
            left -= os.splice(self.pipe_r, fd, left, flags=os.SPLICE_F_MOVE)
        w.appended(len(head) + n)  # counted, and the page cache recycled, as for the writer's own writes
        self.unsent = (w.bytes_written - n, n)
        self._send()

    def _send(self) -> None:
        offset, left = self.unsent
        while left:
            try:
                sent = os.sendfile(self.client.fileno(), self.read_fd, offset, left)
            except BlockingIOError:  # the client is behind: read no more until it has taken this
                self.unsent = (offset, left)
                self.loop.remove_reader(self.up.fileno())
                self.loop.add_writer(self.client.fileno(), self._writable)
                return
            except OSError:
                self.close()
                return
            offset, left = offset + sent, left - sent
        self.unsent = (offset, 0)

    def _writable(self) -> None:
        self.loop.remove_writer(self.client.fileno())
        self._send()
        if not self.unsent[1] and not self.closed:
            self.loop.add_reader(self.up.fileno(), self._from_upstream)


async def splice_main(listen: str, upstream: str, path: str) -> None:
    up = urlsplit(upstream)
    loop = asyncio.get_running_loop()
    writer, start = _writer(path), time.monotonic()
    read_fd = os.open(path, os.O_RDONLY)  # sendfile reads the recording through this one
    host, _, port = listen.rpartition(":")
    with socket.create_server((host or "127.0.0.1", int(port)), backlog=1024) as server:
        server.setblocking(False)
        bound = server.getsockname()
        print(f"listening on http://{bound[0]}:{bound[1]}", flush=True)
        while True:
            client, _ = await loop.sock_accept(server)
            upstream_sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            for s in (client, upstream_sock):
                s.setblocking(False)
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # as asyncio's transports have it
            try:
                await loop.sock_connect(upstream_sock, (up.hostname or "127.0.0.1", up.port or 80))
            except OSError:
                client.close()
                upstream_sock.close()
                continue
            SpliceRelay(loop, client, upstream_sock, writer, read_fd, start)


async def main(listen: str, upstream: str, sink: Sink | None) -> None:
    up = urlsplit(upstream)
    up_host, up_port = up.hostname or "127.0.0.1", up.port or 80
    loop = asyncio.get_running_loop()
    if isinstance(sink, ProcessSink):
        sink.start(loop)
    joining: set[asyncio.Task[None]] = set()

    def accepted() -> asyncio.Protocol:
        client = _Half()

        async def join() -> None:
            try:
                transport, server = await loop.create_connection(lambda: _Half(sink), up_host, up_port)
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
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--listen", default="127.0.0.1:0")
    p.add_argument("--upstream", required=True)
    p.add_argument("--write", choices=WRITES, help="write each read from the upstream to --out before forwarding")
    p.add_argument("--out", help="the recording --write writes")
    a = p.parse_args()
    if a.write and not a.out:
        p.error("--write needs --out")
    chosen: Sink | None = None
    if a.write == "file":
        chosen = file_sink(a.out)
    elif a.write == "process":
        chosen = ProcessSink(a.out)  # forked before any event loop exists
        print(f"writer pid {chosen.pid}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(splice_main(a.listen, a.upstream, a.out) if a.write == "splice" else
                    main(a.listen, a.upstream, chosen))
