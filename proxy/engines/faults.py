"""Faults a test arms to break the connection the way real apiservers and networks do.

Faults wrap any engine: a request-time fault answers instead of the engine (`http-status`), a stream
fault wraps the engine's Responder (after N events: `close`, `reset` optionally mid-event, `stall`,
`expire`; `slow`; `no-initial-events-end` drops the bookmark that ends the initial events), and a "now"
fault interrupts streams that are already open. `restart` closes every open watch and, in emulate mode,
compacts history so the old resourceVersions expire, as after an apiserver restart.

Stream faults count and cut the frames the engines hand over (`Responder.send_frames`: whole JSON lines or
protobuf frames, as recorded or emulated), so they act on events whatever their encoding.

Every firing is written to the request log of the request it hit.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..apiserver import encode
from ..clock import Clock
from ..recording.records import Headers
from ..wire.params import first_values, query_pairs
from .base import ClientGone, EmulatedApiserver, Engine, Incoming, Responder
from .playback import send_status
from .requestlog import LogEntry

ACTIONS = ("close", "reset", "stall", "expire", "http-status", "slow", "no-initial-events-end", "restart")
STREAM_ACTIONS = ("close", "reset", "stall", "expire")
_NOW_DEFAULT = frozenset({"close", "reset", "expire", "restart"})
_VERBS = ("watch", "list", "get", "any")
_MATCH_FIELDS = frozenset({"when", "path", "resource", "verb", "nth", "count"})
# What each action takes besides the match: anything else is refused, naming the option, rather than
# silently ignored (a `status` on a `close` would do nothing the user meant).
_OPTIONS: dict[str, frozenset[str]] = {
    "close": frozenset({"after_events", "after_seconds"}),
    "reset": frozenset({"after_events", "after_seconds", "mid_event"}),
    "stall": frozenset({"after_events", "after_seconds"}),
    "expire": frozenset({"after_events", "after_seconds", "message"}),
    "http-status": frozenset({"status", "retry_after", "message"}),
    "slow": frozenset({"delay", "bytes_per_second"}),
    "no-initial-events-end": frozenset(),
    "restart": frozenset(),
}
_BOOLEANS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}
_HTTP_CODES = (400, 401, 403, 404, 409, 410, 429, 500, 502, 503, 504)


class FaultError(ValueError):
    """A fault description that cannot be armed; the message says what is wrong."""


@dataclass
class Fault:
    id: int
    action: str
    when: str = "next"
    path: str = ""
    resource: str = ""
    verb: str = "any"
    nth: int | None = None
    count: int | None = 1  # None: always
    after_events: int = 0
    after_seconds: float | None = None
    mid_event: bool = False
    status: int = 503
    retry_after: int | None = None
    message: str = ""
    delay: float = 0.0
    bytes_per_second: float | None = None
    seen: int = 0
    fired: list[dict[str, Any]] = field(default_factory=list)

    @property
    def exhausted(self) -> bool:
        return self.count is not None and len(self.fired) >= self.count

    def matches(self, method: str, path: str, verb: str, resource: str) -> bool:
        if self.path and not path.startswith(self.path):
            return False
        if self.resource and resource != self.resource:
            return False
        return self.verb in ("any", verb)

    def to_json(self) -> dict[str, Any]:
        d = {k: v for k, v in self.__dict__.items() if k not in ("seen",)}
        d["count"] = "always" if self.count is None else self.count
        return d


def parse_fault(spec: dict[str, Any] | str, fault_id: int, default_when: str | None = None) -> Fault:
    """From the control API's JSON, or the CLI's `ACTION[:key=value,...]` form.

    `default_when`: the `when` of a fault that does not say; by default "now" for the actions that act on
    open streams (close, reset, expire, restart) and "next" for the others. Faults armed at start-up
    (`--fault`) default to "next": there are no open streams yet, and "now" would do nothing."""
    if isinstance(spec, str):
        spec = _parse_compact(spec)
    if not isinstance(spec, dict):
        raise FaultError("a fault is a JSON object")
    d = dict(spec)
    match = d.pop("match", {}) or {}
    if not isinstance(match, dict):
        raise FaultError("'match' must be an object with path, resource, verb, nth")
    d.update(match)
    action = d.pop("action", None)
    if action not in ACTIONS:
        raise FaultError(f"unknown fault action {action!r}; one of {', '.join(ACTIONS)}")
    f = Fault(fault_id, action, when=default_when or ("now" if action in _NOW_DEFAULT else "next"))
    known = _MATCH_FIELDS | _OPTIONS[action]
    for key, value in d.items():
        if key not in known:
            if key in _ALL_OPTIONS:
                takes = ", ".join(sorted(_OPTIONS[action])) or "no options"
                raise FaultError(f"{action} does not take {key!r} (it takes {takes}, and the match: "
                                 f"{', '.join(sorted(_MATCH_FIELDS))})")
            raise FaultError(f"unknown fault field {key!r}; known: {', '.join(sorted(known))}")
        setattr(f, key, _coerce(key, value))
    if f.action == "slow" and (f.delay > 0) == (f.bytes_per_second is not None):
        raise FaultError("slow takes one of delay (seconds per event) or bytes_per_second, not both or neither")
    if f.bytes_per_second is not None and f.bytes_per_second <= 0:
        raise FaultError("bytes_per_second must be a positive number")
    if f.verb not in _VERBS:
        raise FaultError(f"verb must be one of {', '.join(_VERBS)}")
    if f.when not in ("now", "next"):
        raise FaultError("when must be 'now' (open streams) or 'next' (coming requests)")
    if f.action == "http-status" and f.status not in _HTTP_CODES:
        raise FaultError(f"status must be one of {', '.join(map(str, _HTTP_CODES))}")
    if f.when == "now" and f.action not in (*STREAM_ACTIONS, "restart"):
        raise FaultError(f"{f.action} acts on coming requests only (when=next)")
    return f


def _coerce(key: str, value: Any) -> Any:
    try:
        if key == "count":
            return None if value in ("always", None, "inf") else _positive_int(value)
        if key in ("nth", "after_events", "status", "retry_after"):
            return None if value is None else _positive_int(value, allow_zero=key == "after_events")
        if key in ("after_seconds", "delay", "bytes_per_second"):
            v = float(value)
            if not (v >= 0 and v < 1e9):
                raise ValueError
            return v
        if key == "mid_event":
            if isinstance(value, bool):
                return value
            if isinstance(value, str) and value.strip().lower() in _BOOLEANS:
                return _BOOLEANS[value.strip().lower()]
            raise FaultError(f"mid_event must be true or false, not {value!r}")
        return str(value)
    except FaultError:
        raise
    except (TypeError, ValueError):
        raise FaultError(f"invalid value {value!r} for {key}") from None


_ALL_OPTIONS = frozenset().union(*_OPTIONS.values())


def _positive_int(value: Any, allow_zero: bool = False) -> int:
    n = int(value)
    if n < (0 if allow_zero else 1) or n > 10**9:
        raise ValueError
    return n


def _parse_compact(text: str) -> dict[str, Any]:
    text = text.strip()
    if text.startswith("{"):
        try:
            doc = json.loads(text)
        except ValueError:
            raise FaultError("the fault is not valid JSON") from None
        if not isinstance(doc, dict):
            raise FaultError("a fault is a JSON object")
        return doc
    action, _, rest = text.partition(":")
    out: dict[str, Any] = {"action": action.strip()}
    for part in filter(None, (p.strip() for p in rest.split(","))):
        k, eq, v = part.partition("=")
        if not eq:
            raise FaultError(f"expected key=value in fault {text!r}, found {part!r}")
        out[k.strip().replace("-", "_")] = v.strip()
    return out


_INITIAL_END = encode.INITIAL_EVENTS_END.encode()


class FaultyResponder:
    """A Responder that breaks the stream after a number of events, or slows it, as a fault says."""

    def __init__(self, inner: Responder, clock: Clock, entry: LogEntry, faults: list[Fault],
                 stop: asyncio.Event) -> None:
        self.inner = inner
        self.clock = clock
        self.entry = entry
        self.stream_faults = [f for f in faults if f.action in STREAM_ACTIONS]
        self.slow = next((f for f in faults if f.action == "slow"), None)
        self.drop_initial_end = any(f.action == "no-initial-events-end" for f in faults)
        self.events = 0
        self.stop = stop
        self.pending_action: tuple[Fault, bytes] | None = None

    @property
    def started(self) -> bool:
        return self.inner.started

    async def start(self, status: int, reason: str, headers: Headers, *,
                    content_length: int | None = None) -> None:
        await self.inner.start(status, reason, headers, content_length=content_length)
        if status == 200:
            for f in self.stream_faults:
                if f.after_events == 0 and f.after_seconds is None:
                    self._trigger(f, b"")

    def _trigger(self, f: Fault, partial: bytes) -> None:
        self.entry.ended(f"fault-{f.action}")  # before the engine, told the client left, says otherwise
        self.pending_action = (f, partial)
        self.stop.set()
        raise ClientGone(f"fault {f.action}")

    async def send(self, data: bytes | memoryview) -> None:
        """A piece of a body that is not a watch's events (a list, a get): one frame."""
        await self.send_frames([bytes(data)])

    async def send_frames(self, frames: Sequence[bytes]) -> None:
        if self.pending_action is not None:
            raise ClientGone("fault pending")
        if self.drop_initial_end:
            kept = [f for f in frames if _INITIAL_END not in f]
            if len(kept) != len(frames):
                self.entry.note("fault no-initial-events-end: dropped the initial-events-end bookmark")
                frames = kept
            if not frames:
                return
        for f in self.stream_faults:
            # mid_event cuts into the frame after the N-th, so it waits for one to come
            if f.after_seconds is None and self.events + len(frames) >= f.after_events + f.mid_event:
                n = max(0, f.after_events - self.events)
                if n:
                    await self._send(frames[:n])
                self._trigger(f, frames[n] if n < len(frames) and f.mid_event else b"")
        await self._send(frames)

    def prepare_send(self, data: bytes) -> Callable[[], None] | None:
        """Never: the faults count, cut and slow down every write in `send`."""
        return None

    async def _send(self, frames: Sequence[bytes]) -> None:
        if self.slow is not None:
            if self.slow.delay:
                await self.clock.sleep_until(self.clock.now() + self.slow.delay * max(1, len(frames)))
            if self.slow.bytes_per_second:
                size = sum(map(len, frames))
                await self.clock.sleep_until(self.clock.now() + size / self.slow.bytes_per_second)
        await self.inner.send_frames(frames)
        self.events += len(frames)

    async def finish(self) -> None:
        for f in self.stream_faults:  # a mid_event cut whose next frame never came: cut into a made-up one
            if f.after_seconds is None and f.mid_event and self.events >= f.after_events:
                self._trigger(f, b"")
        await self.inner.finish()

    async def abort(self, reset: bool = True) -> None:
        await self.inner.abort(reset)

    async def wait_closed(self) -> None:
        await self.inner.wait_closed()


@dataclass(eq=False)
class _Open:
    req: Incoming
    entry: LogEntry
    interrupt: asyncio.Event
    action: tuple[Fault, bytes] | None = None


class FaultInjector:
    def __init__(self, clock: Clock, apiserver: EmulatedApiserver | None = None) -> None:
        """`apiserver`: the emulated apiserver, which `restart` compacts and `expire` asks for
        resourceVersions (None in exact mode: a restart only ends the watches)."""
        self.clock = clock
        self.apiserver = apiserver
        self.faults: dict[int, Fault] = {}
        self._ids = itertools.count(1)
        self.open: set[_Open] = set()

    def arm(self, spec: dict[str, Any] | str, default_when: str | None = None) -> tuple[Fault, int]:
        """Arm a fault; a "now" fault acts at once. Returns it and how many open streams it hit."""
        f = parse_fault(spec, next(self._ids), default_when)
        if f.when == "now":
            return f, self._fire_now(f)
        self.faults[f.id] = f
        return f, 0

    def remove(self, fault_id: int | None = None) -> int:
        if fault_id is None:
            n = len(self.faults)
            self.faults.clear()
            return n
        return 1 if self.faults.pop(fault_id, None) else 0

    def _restart(self, f: Fault) -> int:
        """The apiserver restarts: history is compacted and every open watch ends."""
        if self.apiserver is not None:
            self.apiserver.restart()
        hit = 0
        for o in list(self.open):
            if o.entry.verb == "watch" and o.action is None:
                self._interrupt(o, Fault(f.id, "close"), "restart")
                hit += 1
        f.fired.append({"at": self.clock.now(), "watches_closed": hit})
        return hit

    def _fire_now(self, f: Fault) -> int:
        if f.action == "restart":
            return self._restart(f)
        hit = 0
        for o in sorted(self.open, key=lambda o: o.entry.id):
            if f.exhausted:
                break
            if o.action is None and f.matches(o.req.method, o.req.path, o.entry.verb, o.entry.resource):
                self._interrupt(o, f, f.action)
                hit += 1
        return hit

    def end_watches(self, why: str) -> int:
        """End every open watch cleanly now (the terminating chunk), as an apiserver does when it stops, so
        clients see a normal close rather than a cut connection. Not a fault: nothing is armed or counted."""
        hit = 0
        for o in sorted(self.open, key=lambda o: o.entry.id):
            if o.entry.verb == "watch" and o.action is None:
                o.entry.ended("server-closed", why)
                o.action = (Fault(0, "close"), b"")
                o.interrupt.set()
                hit += 1
        return hit

    def cut_all(self) -> int:
        """Abort every open stream now (the proxy is told to stop at once). Not a fault."""
        hit = 0
        for o in list(self.open):
            if o.action is None or o.action[0].id == 0:
                o.entry.ended("proxy-stopped")
                o.action = (Fault(0, "reset"), b"")
                o.interrupt.set()
                hit += 1
        return hit

    def _interrupt(self, o: _Open, f: Fault, label: str) -> None:
        o.action = (f, b"")
        f.fired.append({"request": o.entry.id, "at": self.clock.now()})
        o.entry.note(f"fault {f.id} {label} at {self.clock.now():.3f}s")
        o.interrupt.set()

    def _select(self, req: Incoming, entry: LogEntry) -> list[Fault]:
        """The faults this request meets: at most one per action, the earliest armed, so two faults of
        the same kind take turns on successive requests instead of being spent together."""
        chosen: list[Fault] = []
        for f in list(self.faults.values()):
            if f.exhausted or not f.matches(req.method, req.path, entry.verb, entry.resource):
                continue
            f.seen += 1  # `nth` counts every matching request, whichever fault answers it
            if f.nth is not None and f.seen != f.nth:
                continue
            if any(c.action == f.action for c in chosen):
                continue
            f.fired.append({"request": entry.id, "at": self.clock.now()})
            entry.note(f"fault {f.id} {f.action} armed for this request")
            chosen.append(f)
        return chosen

    async def serve(self, engine: Engine, req: Incoming, out: Responder, entry: LogEntry) -> None:
        faults = self._select(req, entry)
        for f in faults:
            if f.action == "restart":  # armed for a coming request: the apiserver restarts as it arrives
                f.fired.pop()  # _restart records the firing, with what it closed
                ended = self._restart(f)
                f.fired[-1]["request"] = entry.id
                entry.note(f"fault {f.id} restart: the apiserver restarted as this request came ({ended} watches "
                           "ended)")
        status = next((f for f in faults if f.action == "http-status"), None)
        if status is not None:
            headers = (("Retry-After", str(status.retry_after)),) if status.retry_after else ()
            msg = status.message or f"watchproxy fault: HTTP {status.status} for {req.method} {req.path}"
            await send_status(out, status.status, msg, entry, extra_headers=headers)
            entry.ended(f"fault-http-{status.status}")
            return
        stop = asyncio.Event()
        wrapped = FaultyResponder(out, self.clock, entry, faults, stop) if faults else out
        o = _Open(req, entry, stop)
        self.open.add(o)
        timers = [asyncio.ensure_future(self._after(f, o)) for f in faults
                  if f.action in STREAM_ACTIONS and f.after_seconds is not None]
        task = asyncio.ensure_future(engine.serve(req, wrapped, entry))
        stopped = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait({task, stopped}, return_when=asyncio.FIRST_COMPLETED)
            if not task.done():
                task.cancel()
            with contextlib.suppress(asyncio.CancelledError, ClientGone):
                await task
        finally:
            for t in (*timers, stopped, task):
                t.cancel()
            self.open.discard(o)
        action = o.action or (wrapped.pending_action if isinstance(wrapped, FaultyResponder) else None)
        if action is not None:
            await self._perform(action[0], action[1], out, entry, req)

    async def _after(self, f: Fault, o: _Open) -> None:
        assert f.after_seconds is not None
        await self.clock.sleep_until(self.clock.now() + f.after_seconds)
        o.action = (f, b"")
        o.interrupt.set()

    def _expired(self, req: Incoming, entry: LogEntry) -> bytes:
        """The apiserver's own words: the stream's resourceVersion (what it delivered last, else what the
        client asked for) and the (newer) oldest one."""
        delivered = self.apiserver.delivered_rv(entry.id) if self.apiserver else None
        try:
            asked = delivered or int(first_values(query_pairs(req.query)).get("resourceVersion") or 0)
        except ValueError:
            asked = 0
        current = self.apiserver.current_rv() if self.apiserver else 0
        return encode.expired_line(encode.expired_message(asked, max(current, asked + 1)))

    async def _perform(self, f: Fault, partial: bytes, out: Responder, entry: LogEntry,
                       req: Incoming) -> None:
        if f.id:  # id 0: end_watches, not a fault
            entry.note(f"fault {f.id} {f.action} performed at {self.clock.now():.3f}s")
        try:
            if not out.started:
                await out.start(200, "OK", (("Content-Type", "application/json"),
                                            ("Cache-Control", "no-cache, private")))
            if f.action == "close":
                await out.finish()
            elif f.action == "expire":
                await out.send(encode.expired_line(f.message) if f.message else self._expired(req, entry))
                entry.events += 1
                await out.finish()
            elif f.action == "reset":
                if f.mid_event:  # half an event: what a client sees when a connection dies mid-write
                    partial = partial or b'{"type":"MODIFIED","object":{"kind":"Pod","apiVersion":"v1"}}\n'
                    await out.send(partial[: max(1, len(partial) // 2)])
                await out.abort()
            elif f.action == "stall":
                entry.ended("fault-stall", "half-open: nothing more is sent")
                await out.wait_closed()
        except ClientGone:
            pass
        entry.ended(f"fault-{f.action}")
