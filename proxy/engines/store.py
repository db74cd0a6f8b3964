"""A recording loaded for replay: its exchanges, each with request, response head, frames and ending."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable
from dataclasses import dataclass, field

from proxy.recording.reader import RecordingReader
from proxy.recording.records import End, EndHow, Frame, Header, Request, Response
from proxy.wire.match import MatchKey, match_key
from proxy.wire.request import RequestInfo, classify


@dataclass(slots=True)
class Exchange:
    id: int
    request: Request
    response: Response | None = None
    frames: list[Frame] = field(default_factory=list)
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
        return b"".join(f.data for f in self.frames)

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

    @property
    def first_request_t(self) -> float:
        """When the first client asked: where a replay's virtual time starts."""
        return min((e.request.t for e in self.exchanges.values()), default=0.0)


def load(path: str | os.PathLike[str], progress: Callable[[int, int], None] | None = None) -> Loaded:
    """Read a whole recording into exchanges (in order of their requests)."""
    exchanges: dict[int, Exchange] = {}
    last_t = 0.0
    # Millions of long-lived records: the cycle collector would rescan them again and again for nothing
    # (a quarter of the load time at 2M events).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _read(path, progress, exchanges, last_t)
    finally:
        if collecting:
            gc.enable()


def _read(path: str | os.PathLike[str], progress: Callable[[int, int], None] | None,
          exchanges: dict[int, Exchange], last_t: float) -> Loaded:
    with RecordingReader(path, progress) as reader:
        for rec in reader.records():
            last_t = max(last_t, rec.t)
            if isinstance(rec, Request):
                exchanges[rec.ex] = Exchange(rec.ex, rec)
                continue
            ex = exchanges.get(rec.ex)
            if ex is None:
                continue  # a record of an exchange whose request was lost: nothing can replay it
            if isinstance(rec, Frame):
                ex.frames.append(rec)
            elif isinstance(rec, Response):
                ex.response = rec
            elif isinstance(rec, End):
                ex.end = rec
        return Loaded(str(path), reader.header, exchanges, reader.torn_tail_message(), last_t)
