"""What every engine is given and writes to: I/O-free interfaces that the server (and tests) implement."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..recording.records import Headers, header_value
from ..wire.request import RequestInfo, classify
from .requestlog import LogEntry


@dataclass(frozen=True, slots=True)
class Incoming:
    method: str
    path: str
    query: str
    headers: Headers = ()
    body: bytes = b""
    remote: str = ""
    conn: int = 0  # which client connection it came on (numbered as they open); 0: not known
    info: RequestInfo = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "info", classify(self.method, self.path, self.query))

    def header(self, name: str, default: str = "") -> str:
        return header_value(self.headers, name, default)

    @property
    def target(self) -> str:
        return f"{self.path}?{self.query}" if self.query else self.path


class ClientGone(Exception):
    """The client disconnected while we were sending to it."""


class Responder(Protocol):
    """Where an engine writes its answer. `send` raises ClientGone once the client has left."""

    @property
    def started(self) -> bool: ...

    async def start(self, status: int, reason: str, headers: Headers, *,
                    content_length: int | None = None) -> None:
        """Send the status line and headers at once (watches flush them before any event)."""
        ...

    async def send(self, data: bytes | memoryview) -> None: ...

    async def send_frames(self, frames: Sequence[bytes]) -> None:
        """Whole watch events (JSON lines or protobuf frames), written as one piece. Faults count, cut and
        slow a stream by these frames, whatever their encoding, instead of parsing the bytes again."""
        ...

    def prepare_send(self, data: bytes) -> Callable[[], None] | None:
        """Get `data` ready to go as `send` would send it, if that needs no waiting, and return the write
        itself; None if it cannot go that way.

        One emulated change is due in a thousand watches at once; this lets one task write it to all of
        them instead of waking a thousand, and get all thousand writes ready before the change is due, so
        that they go out back to back at its time. The caller makes the write exactly once, before the
        event loop runs anything else (nothing may write to or close the connection in between). None
        (the client is not keeping up, it has left, a fault is in the way) means the caller must use
        `send`, which waits, raises ClientGone, or applies the fault.
        """
        ...

    async def finish(self) -> None:
        """End the body cleanly (the terminating chunk for chunked bodies)."""
        ...

    async def abort(self, reset: bool = True) -> None:
        """Drop the connection without ending the body: with a reset, or (`reset` False) closed as Go's
        net/http closes it after a handler's panic."""
        ...

    async def wait_closed(self) -> None:
        """Return when the client has gone away (used by streams that never end on their own)."""
        ...


# Makes a round of writes that `Responder.prepare_send` made ready, all before returning, as it can (on more
# than one thread: they are different connections); returns the exceptions of those that failed, by index.
SendAll = Callable[[Sequence[Callable[[], None]]], dict[int, Exception]]


def send_each(writes: Sequence[Callable[[], None]]) -> dict[int, Exception]:
    """A round's writes one after the other: the plain SendAll (emulate's feed uses it unless the server
    has a better way), and the server's for the writes it cannot split."""
    failed: dict[int, Exception] = {}
    for i, write in enumerate(writes):
        try:
            write()
        except Exception as exc:  # a bug costs the watch it hit, not the round
            failed[i] = exc
    return failed


class Engine(Protocol):
    async def serve(self, req: Incoming, out: Responder, entry: LogEntry) -> None: ...


class EmulatedApiserver(Protocol):
    """What faults and the control API may ask of an engine that emulates an apiserver (emulate mode),
    typed, rather than looked up by name on whatever engine runs."""

    def restart(self) -> None:
        """History before now is compacted (older resourceVersions get 410), as after a restart."""
        ...

    def current_rv(self) -> int: ...

    def delivered_rv(self, request_id: int) -> int | None:
        """The last resourceVersion an open watch sent its client."""
        ...

    def status(self) -> dict[str, Any]: ...

    def answers(self, req: Incoming, out: Responder) -> Responder:
        """Where the answer to `req` is written (a Responder around `out`, or `out`)."""
        ...
