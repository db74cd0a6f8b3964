"""Exact replay: each request gets the recorded answer to the same request, in recorded order."""

from __future__ import annotations

import logging
from collections import defaultdict

from ..clock import Clock
from ..wire.match import MatchKey, differences, legacy_discovery, match_key, nearest
from .base import Incoming, Responder
from .playback import play, send_status
from .requestlog import LogEntry
from .store import Exchange, Loaded

log = logging.getLogger("watchproxy")


class Misses:
    """Requests nothing recorded could answer, kept for the control API and the log."""

    def __init__(self, limit: int = 1000) -> None:
        self.items: list[dict[str, object]] = []
        self.count = 0
        self._limit = limit

    def add(self, request: str, reason: str, candidates: list[str]) -> None:
        self.count += 1
        if len(self.items) < self._limit:
            self.items.append({"request": request, "reason": reason, "nearest": candidates})


class ExactPlayer:
    def __init__(self, loaded: Loaded, clock: Clock, misses: Misses | None = None) -> None:
        self.loaded = loaded
        self.clock = clock
        self.misses = misses or Misses()
        self._queues: dict[MatchKey, list[Exchange]] = defaultdict(list)
        for ex in sorted(loaded.exchanges.values(), key=lambda e: e.request.t):
            self._queues[ex.key].append(ex)
        self._served: dict[MatchKey, int] = defaultdict(int)

    def take(self, key: MatchKey) -> tuple[Exchange | None, str]:
        """The next recorded answer for `key`, or None and why not.

        When every recorded answer has been served, plain reads (discovery, gets, lists) get the last one
        again, since asking twice is harmless; a watch does not, because replaying its events twice would
        show the client a history that never happened.
        """
        queue = self._queues.get(key)
        if not queue:
            return None, "no recorded request matches"
        i = self._served[key]
        self._served[key] = i + 1
        if i < len(queue):
            return queue[i], ""
        last = queue[-1]
        if last.info.verb == "watch":
            return None, f"all {len(queue)} recorded answers to this watch were already served"
        return last, ""

    async def serve(self, req: Incoming, out: Responder, entry: LogEntry) -> None:
        key = match_key(req.method, req.path, req.query, req.header("Accept"))
        ex, why = self.take(key)
        if ex is None and (legacy := legacy_discovery(key, req.header("Accept"))) is not None \
                and legacy in self._queues:
            ex, why = self.take(legacy)
        if ex is None:
            await self.miss(req, key, why, out, entry)
            return
        entry.answered_by = f"exchange {ex.id}"
        await play(ex, out, entry, self.clock)

    async def miss(self, req: Incoming, key: MatchKey, why: str, out: Responder, entry: LogEntry) -> None:
        near = nearest(key, list(self._queues))
        described = [f"{c} ({'; '.join(differences(key, c)) or 'exhausted'})" for c in near]
        self.misses.add(str(key), why, described)
        log.warning("no recorded answer for %s (%s)%s", key, why,
                    f"; nearest: {described[0]}" if described else "")
        entry.answered_by = "miss"
        msg = f"watchproxy replay: {why} for {key}"
        if described:
            msg += "; nearest recorded: " + ", ".join(described)
        await send_status(out, 404, msg, entry, details={"causes": [{"message": d} for d in described]})
        entry.ended("miss", why)
