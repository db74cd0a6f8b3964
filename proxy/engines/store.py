"""A recording loaded for replay: its exchanges, each with request, response head, frames and ending."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable
from dataclasses import dataclass, field

from ..recording.index import Frames, RecordingIndex, Source, open_indexed
from ..recording.records import End, EndHow, Header, Request, Response
from ..wire.match import MatchKey, match_key
from ..wire.request import RequestInfo, classify


@dataclass(slots=True)
class Exchange:
    id: int
    request: Request
    response: Response | None = None
    frames: Frames = field(default_factory=lambda: Frames(0, None))
    end: End | None = None
    info: RequestInfo = field(init=False)  # what the request asks for, read once
    key: MatchKey = field(init=False)  # how exact replay matches it

    def __post_init__(self) -> None:
        r = self.request
        self.info = classify(r.method, r.path, r.query)
        self.key = match_key(r.method, r.path, r.query, r.header("Accept"))

    @property
    def how(self) -> EndHow:
        """How it ended; an exchange cut off by a crash ended as far as the file knows."""
        return self.end.how if self.end else EndHow.CLIENT_CLOSED

    @property
    def body(self) -> bytes:
        return self.frames.joined(0, len(self.frames)) if len(self.frames) else b""

    @property
    def is_watch_stream(self) -> bool:
        return self.info.verb == "watch" and self.response is not None and self.response.status == 200


@dataclass
class Loaded:
    path: str
    header: Header
    exchanges: dict[int, Exchange]
    torn_tail: str | None
    duration: float
    source: Source | None = None  # where frames are read from while they are played

    @property
    def first_request_t(self) -> float:
        """When the first client asked: where a replay's virtual time starts."""
        return min((e.request.t for e in self.exchanges.values()), default=0.0)

    def close(self) -> None:
        if self.source is not None:
            self.source.close()


def load(path: str | os.PathLike[str], progress: Callable[[int, int], None] | None = None) -> Loaded:
    """Open a recording for replay: exchanges in memory, frame bytes read from the file when played."""
    # Millions of long-lived records: the cycle collector would rescan them again and again for nothing
    # (a quarter of the load time at 2M events).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return from_index(open_indexed(str(path), progress))
    finally:
        if collecting:
            gc.enable()


def from_index(idx: RecordingIndex) -> Loaded:
    """A recording opened for replay from an index its caller made (a scan, to prepare the file)."""
    exchanges = {ex_id: Exchange(ex_id, e.request, e.response, e.frames, e.end) for ex_id, e in idx.exchanges.items()}
    return Loaded(idx.path, idx.header, exchanges, idx.torn_tail, idx.duration, idx.source)
