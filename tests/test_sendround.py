"""A fan-out round's writes on two threads (proxy/server/sendround.py): every connection gets exactly its bytes
whichever thread sent them; what the kernel does not take whole is handed to the connection's transport, the
rest only; failures are reported by index and cost nothing else."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator

import pytest
from watchproxy.server import sendround
from watchproxy.server.sendround import SocketWrite, send_round


class Transport(asyncio.Transport):
    """What a SocketWrite hands back to: records what it was given (a real transport queues it)."""

    def __init__(self, fail: bool = False) -> None:
        super().__init__()
        self.given: list[bytes] = []
        self.fail = fail

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if self.fail:
            raise RuntimeError("broken transport")
        self.given.append(bytes(data))


@pytest.fixture
def pairs() -> Iterator[list[tuple[socket.socket, socket.socket]]]:
    made = [socket.socketpair() for _ in range(sendround.MIN_SPLIT + 6)]  # enough to be split over two threads
    for ours, _ in made:
        ours.setblocking(False)
    yield made
    for ours, theirs in made:
        ours.close()
        theirs.close()


def received(sock: socket.socket) -> bytes:
    sock.setblocking(False)
    out = b""
    try:
        while got := sock.recv(1 << 20):
            out += got
    except BlockingIOError:
        pass
    return out


def test_every_connection_gets_its_own_bytes_whichever_thread_sends(pairs: list[tuple[socket.socket, socket.socket]]
                                                                     ) -> None:
    transports = [Transport() for _ in pairs]
    writes = [SocketWrite(t, b"event %d\n" % i, ours.fileno())
              for i, (t, (ours, _)) in enumerate(zip(transports, pairs, strict=True))]
    assert send_round(writes) == {}
    assert [received(theirs) for _, theirs in pairs] == [b"event %d\n" % i for i in range(len(pairs))]
    assert all(t.given == [] for t in transports)  # the kernel took every write whole


def test_what_the_kernel_does_not_take_goes_to_the_transport_and_only_that(
        pairs: list[tuple[socket.socket, socket.socket]]) -> None:
    full, gone = pairs[0], pairs[-1]  # one in each half of the round
    full[0].setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
    big = bytes(range(256)) * 4096  # 1 MiB: more than its buffers hold
    gone[1].close()  # the client left: the send fails, and the transport must see that itself
    transports = [Transport() for _ in pairs]
    data = [big if p is full else b"x" * 1000 for p in pairs]
    writes = [SocketWrite(t, d, ours.fileno()) for t, d, (ours, _) in zip(transports, data, pairs, strict=True)]
    assert send_round(writes) == {}
    taken = received(full[1])
    assert 0 < len(taken) < len(big) and transports[0].given == [big[len(taken):]]
    assert transports[-1].given == [b"x" * 1000]
    assert all(t.given == [] for t in transports[1:-1])
    assert all(received(theirs) == b"x" * 1000 for _, theirs in pairs[1:-1])


def test_failures_are_reported_by_index_and_cost_only_their_own_write(
        pairs: list[tuple[socket.socket, socket.socket]]) -> None:
    pairs[3][1].close()
    transports = [Transport(fail=i == 3) for i in range(len(pairs))]
    made: list[str] = []

    def other() -> None:  # a write that is not a socket's (a test responder's, a TLS transport's)
        made.append("other")

    def broken() -> None:
        raise ValueError("bug")

    writes = [SocketWrite(t, b"y", ours.fileno()) for t, (ours, _) in zip(transports, pairs, strict=True)]
    errors = send_round([*writes, other, broken])
    assert set(errors) == {3, len(writes) + 1}
    assert isinstance(errors[3], RuntimeError) and isinstance(errors[len(writes) + 1], ValueError)
    assert made == ["other"]
    assert all(received(theirs) == b"y" for i, (_, theirs) in enumerate(pairs) if i != 3)
