"""One emulated watch, driven on the clock: the apiserver model's watch stream (apiserver/watchstream.py)
says what is due; this sends it, and waits on the resource's feed (fanout.py) until the stream's next
change or alarm. Faults are not this module's business: they wrap the responder or cancel from outside.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...apiserver.history import WatchCache
from ...apiserver.watchstream import WatchSpec, WatchStream
from ...clock import Clock
from ..base import ClientGone, Responder, SendAll, send_each
from ..requestlog import LogEntry
from .fanout import Feed, Reader

MAX_WRITE = 256 * 1024


@dataclass(eq=False, slots=True)
class OpenWatch:
    """A watch in progress, for the control API's status."""

    entry: LogEntry
    stream: WatchStream

    @property
    def spec(self) -> WatchSpec:
        return self.stream.spec

    @property
    def last_rv(self) -> int:
        return self.stream.last_rv


class WatchServer:
    def __init__(self, cache: WatchCache, clock: Clock, send_all: SendAll = send_each) -> None:
        self.cache = cache
        self.clock = clock
        self.send_all = send_all
        self._feeds: dict[str, Feed] = {}

    def _feed(self, spec: WatchSpec) -> Feed:
        feed = self._feeds.get(spec.path)
        if feed is None or feed.tl is not spec.tl:
            feed = self._feeds[spec.path] = Feed(spec.tl, self.clock, self.send_all)
        return feed

    def changed(self, path: str) -> None:
        """A client's write was stored in this resource's history: its watches look again."""
        feed = self._feeds.get(path)
        if feed is not None:
            feed.changed()

    async def serve(self, w: OpenWatch, out: Responder) -> None:
        stream, entry = w.stream, w.entry
        r: Reader | None = None
        try:
            while True:
                now = self.clock.now()
                while batch := stream.due(now, MAX_WRITE):
                    await out.send_frames(batch)
                    entry.events += len(batch)
                if stream.ended:
                    break
                if r is None:
                    r = Reader(stream, entry, out, stream.spec.namespace, stream.shared)
                await self._feed(stream.spec).wait(r, stream.alarm())  # the feed may send it changes meanwhile
        except ClientGone:
            entry.ended("client-closed")
            return
        await out.finish()
        entry.ended(stream.ended, stream.end_detail)
