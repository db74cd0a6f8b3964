"""Every request served, with what answered it and how it ended: what tests assert on.

Kept in memory, bounded: a replay that runs for days keeps the newest entries and counts the rest.
"""

from __future__ import annotations

import itertools
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..wire.params import first_values, query_pairs


@dataclass(slots=True)
class LogEntry:
    id: int
    method: str
    path: str
    query: str
    verb: str
    resource: str
    namespace: str
    wall: float
    virtual: float
    answered_by: str = ""
    status: int = 0
    events: int = 0
    end: str = ""  # how it ended; "" while open
    end_detail: str = ""
    end_virtual: float | None = None
    deadline: float | None = None  # when the (emulated) server will close this watch
    notes: list[str] = field(default_factory=list)
    _now: Callable[[], float] | None = None
    _changed: Callable[[], None] | None = None

    def answered(self, status: int) -> None:
        """The status line is on its way: a watch the upstream has answered is registered there, and a test
        waiting for that (rather than for the request to reach the proxy) is told."""
        self.status = status
        if self._changed:
            self._changed()

    def ended(self, how: str, detail: str = "") -> None:
        if self.end:
            return
        self.end = how
        self.end_detail = detail
        self.end_virtual = self._now() if self._now else None
        if self._changed:
            self._changed()

    def note(self, text: str) -> None:
        self.notes.append(text)

    @property
    def params(self) -> dict[str, str]:
        return first_values(query_pairs(self.query))

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "method": self.method, "path": self.path, "query": self.query,
            "params": self.params, "verb": self.verb, "resource": self.resource,
            "namespace": self.namespace, "wall_time": self.wall, "virtual_time": self.virtual,
            "answered_by": self.answered_by, "status": self.status, "events": self.events,
            "end": self.end or "open", "end_detail": self.end_detail, "end_virtual_time": self.end_virtual,
            "deadline": self.deadline,
            "notes": list(self.notes),
        }


class RequestLog:
    def __init__(self, now: Callable[[], float], limit: int = 100_000) -> None:
        self._now = now
        self.listeners: list[Callable[[], None]] = []  # told of every new, answered and ended request
        self._ids = itertools.count(1)
        self.entries: deque[LogEntry] = deque(maxlen=limit)
        self.dropped = 0
        self.misses = 0

    def open(self, method: str, path: str, query: str, verb: str, resource: str,
             namespace: str) -> LogEntry:
        if len(self.entries) == self.entries.maxlen:
            self.dropped += 1
        e = LogEntry(next(self._ids), method, path, query, verb, resource, namespace,
                     wall=time.time(), virtual=self._now(), _now=self._now, _changed=self._notify)
        self.entries.append(e)
        self._notify()
        return e

    def _notify(self) -> None:
        for fn in self.listeners:
            fn()

    def open_watches(self) -> list[LogEntry]:
        return [e for e in self.entries if e.verb == "watch" and not e.end]
