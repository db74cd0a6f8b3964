"""The watches of one resource, woken by one sleeper however many they are.

A change of a resource that many clients watch is due in all of their watches at the same virtual
instant. With a timer and a task wake-up per watch, each encoding and writing the event itself, the last
of 1,000 watches heard of a change ~40 ms after the first. Here the resource's one sleeper wakes when
anything is due, encodes each change once for every watch that sees it alike (unfiltered JSON, same
namespace scope) and writes it to each of them directly. A watch's own task runs only when it has
something of its own to do: its deadline or a bookmark, a selector or Table encoding, or a client the
responder cannot write to at once (slow, gone, or behind a fault).

A change due in many watches is made ready ahead of its time: the sleeper wakes early by the clock's lead
and by what making every parked watch's write ready takes (measured as rounds go), makes them ready
(`Responder.prepare_send`), holds the clock to the due instant and only then makes the writes, back to back
and with no garbage collection in between, through the server's `send_all` (two threads there); what each
watch was sent is noted afterwards. Woken by the loop's timer, a round started 0.5-3 ms late and its
bookkeeping stretched it between the writes.
"""

from __future__ import annotations

import asyncio
import gc
import heapq
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from ...apiserver.history import ResourceTimeline
from ...apiserver.watchstream import WatchStream, shared_lines
from ...clock import Clock
from ..base import Responder, SendAll, send_each
from ..requestlog import LogEntry

# Due changes beyond this go out through each watch's own task, in the watch loop's bounded writes and
# waiting for its client as it must: a backlog is one watch's, rarely shared, and too big for a socket
# write that is sure not to wait.
FANOUT_MAX = 64 * 1024
# A change due in at least this many parked watches of one index is prepared ahead of its time (see
# Feed._run): fewer are not worth keeping the loop from anything else for the last millisecond or two.
PUNCTUAL_ROUND = 32
PREP_GUESS = 1 / 100
_INF = float("inf")


class Write(NamedTuple):
    """The event lines an unfiltered JSON watch is sent for its due changes, and what sending them means."""

    data: bytes
    events: int
    top_rv: int  # the newest resourceVersion among its events
    end: int  # index of the first change not yet due


def shared_write(tl: ResourceTimeline, start: int, now: float, namespace: str) -> Write | None:
    """One write, as the watch stream makes it, for an unfiltered JSON watch's changes from `start` that
    are due by `now`; None if that is more than FANOUT_MAX bytes."""
    lines, size, top, end = shared_lines(tl.changes, start, now, namespace, FANOUT_MAX + 1)
    if size > FANOUT_MAX:
        return None
    return Write(b"".join(lines), len(lines), top, end)


@dataclass(eq=False, slots=True)
class Reader:
    """A parked watch: its stream (the apiserver model's state of it), where its lines go, and its place
    in the feed. The feed sends for a reader only while its task is parked, and tells the stream what it
    sent (`WatchStream.sent`), so the stream's state has one writer at a time."""

    stream: WatchStream
    entry: LogEntry
    out: Responder
    namespace: str
    shared: bool  # unfiltered JSON: its event lines are every such watch's in the same namespace scope
    alarm: float = _INF  # when its task must run whatever changes: the deadline or the next bookmark
    wake: asyncio.Future[None] | None = None  # what its task awaits while parked
    parked_at: int | None = None  # the index it is filed under in Feed._at while parked
    queued_alarm: float = _INF  # the alarm it has an entry for in Feed._alarms


class Feed:
    """Parked readers of one timeline, and the one task that sleeps until the earliest of them is due.

    A reader is filed under the index of the next change that can concern it (a namespaced watch skips
    other namespaces' changes), and both those indices and the readers' alarms are kept in heaps: a change
    costs the work for the watches it concerns, not for every watch of the resource.
    """

    def __init__(self, tl: ResourceTimeline, clock: Clock, send_all: SendAll = send_each) -> None:
        self.tl = tl
        self.clock = clock
        self._send_all = send_all
        self._at: dict[int, dict[Reader, None]] = {}  # parked readers by next change index, in park order
        self._keys: list[int] = []  # heap of the indices in _at (and of some no longer there)
        self._alarms: list[tuple[float, int, Reader]] = []  # heap; entries of readers since moved on are skipped
        self._seq = itertools.count()
        self._parked = 0
        self._sleeper: asyncio.Task[None] | None = None
        self._target = _INF  # when the sleeper wakes
        # Virtual seconds it takes to get one parked watch's write ready (the slowest of late), so that a
        # round is prepared early enough to start on time. Until measured, a generous guess (20 us of a 2 ms
        # lead, where 2-5 us is usual): the first round, with everything cold, takes 2-4 times as long.
        self._prep_each = clock.lead * PREP_GUESS
        self._wake_at = _INF  # when the sleeper means to wake (before `_target`, by `_wake_for`)

    def _due(self, i: int) -> float:
        times = self.tl.changes.times
        return times[i] if i < len(times) else _INF

    def _key(self, r: Reader, i: int) -> int:
        return self.tl.changes.next_in(r.namespace, i) if r.namespace else i

    async def wait(self, r: Reader, alarm: float) -> None:
        """Return once the reader's next change is due or its alarm time has come (at once if either
        already has). Changes that come due meanwhile may be sent for it without its task running."""
        r.alarm = alarm
        key = self._key(r, r.stream.i)
        t = min(self._due(key), alarm)
        if t <= self.clock.now():
            return
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        r.wake = fut
        self._park(r, key)
        if alarm < _INF and r.queued_alarm != alarm:
            r.queued_alarm = alarm
            heapq.heappush(self._alarms, (alarm, next(self._seq), r))
        if self._sleeper is None or t < self._target:
            self._arm(t)
        elif self._wake_for(self._target) < self._wake_at - self.clock.lead:  # a round grown too big to
            self._arm(self._target)  # be made ready in time from the moment the sleeper means to wake
        try:
            await fut
        finally:
            r.wake = None
            if r.parked_at is not None:  # cancelled (a fault, the client, shutdown), not woken
                self._unpark(r)
                if not self._at and self._sleeper is not None:
                    self._sleeper.cancel()
                    self._sleeper = None

    def changed(self) -> None:
        """A change was inserted at the present (a client's write): the indices readers are parked
        under may have moved, so every parked reader's task runs, sends what is due and parks anew."""
        for r in [r for group in self._at.values() for r in group]:
            self._wake(r)
        if self._sleeper is not None:  # nobody is parked now: each woken task arms it again as it parks
            self._sleeper.cancel()
            self._sleeper = None

    def _park(self, r: Reader, i: int) -> None:
        group = self._at.get(i)
        if group is None:
            group = self._at[i] = {}
            heapq.heappush(self._keys, i)
        group[r] = None
        r.parked_at = i
        self._parked += 1

    def _unpark(self, r: Reader) -> None:
        assert r.parked_at is not None
        group = self._at[r.parked_at]
        del group[r]
        if not group:
            del self._at[r.parked_at]
        r.parked_at = None
        self._parked -= 1

    def _arm(self, t: float) -> None:
        """Sleep until `t` instead: a new reader is due before the sleeper would wake."""
        if self._sleeper is not None:
            self._sleeper.cancel()
        self._target = t
        self._sleeper = asyncio.ensure_future(self._run())

    async def _run(self) -> None:
        while self._at and self._target < _INF:
            target = self._target
            self._wake_at = self._wake_for(target)
            await self.clock.sleep_until(self._wake_at)
            punctual = self._fan_out_at(target)  # decided now: the watches park while the sleeper sleeps
            if not punctual:
                await self.clock.sleep_until(target)
            now = self.clock.now()
            try:
                self._fire(max(now, target) if punctual else now)
            except Exception as exc:  # a broken history fails its watches rather than leave them hanging
                for r in [r for group in self._at.values() for r in group]:
                    self._wake(r, exc)
        if self._sleeper is asyncio.current_task():
            self._sleeper = None

    def _wake_for(self, t: float) -> float:
        """When to wake to have what is due at `t` ready by then: the clock's lead, and the time it takes
        to make every parked watch's write ready (all of them may be due at `t`)."""
        return t - self.clock.lead - self._parked * self._prep_each

    def _fan_out_at(self, t: float) -> bool:
        """Whether what is due at `t` is a change for many watches: a round worth preparing ahead, so that
        its writes start at `t` rather than when the loop's millisecond timer gets round to it."""
        keys = self._keys
        return bool(keys) and self._due(keys[0]) <= t and len(self._at.get(keys[0], ())) >= PUNCTUAL_ROUND

    def _fire(self, now: float) -> None:
        """Wake the readers whose alarm has come and those whose due changes only their task can send;
        send the due changes to the others here, each write encoded once per namespace scope.

        `now` may be a moment ahead of the clock (a round prepared early): everything due by then is made
        ready, the clock is held until then, and only then are the writes made, back to back, before any
        woken task runs. What each reader was sent is noted after the writes, off their critical path."""
        alarms = self._alarms
        while alarms and alarms[0][0] <= now:
            alarm, _, r = heapq.heappop(alarms)
            if r.queued_alarm == alarm:
                r.queued_alarm = _INF
            if r.parked_at is not None and r.alarm == alarm:
                self._wake(r)
        collecting = gc.isenabled()
        gc.disable()  # a full collection (10-20 ms with 1,000 connections open) would hold up the round
        try:
            ready = self._ready(now)
            sends = [k for k, (_, _, write) in enumerate(ready) if write is not None]
            writes = [w for _, _, w in ready if w is not None]
            self.clock.hold_until(now)  # no task woken here runs before `now` either
            errors = self._send_all(writes)  # back to back: nothing else between them
        finally:
            if collecting:
                gc.enable()  # a collection due runs now, after the writes
        failed: set[Reader] = set()
        for j, exc in errors.items():
            r = ready[sends[j]][0]
            failed.add(r)
            if r.wake is not None and not r.wake.done():
                r.wake.set_exception(exc)
        for r, got, _ in ready:
            if r in failed:
                continue
            try:  # a reader cancelled during the round was sent to all the same; its task unparks it
                r.stream.sent(got.end, got.events, got.top_rv)
                r.entry.events += got.events
                self._park(r, self._key(r, got.end))
            except Exception as exc:  # a bug costs the watches it hit, not the feed
                if r.wake is not None and not r.wake.done():
                    r.wake.set_exception(exc)
        self._target = self._next()

    def _ready(self, now: float) -> list[tuple[Reader, Write, Callable[[], None] | None]]:
        """Take every reader parked under a change due by `now` out of its group: wake those that must
        run, and return the others with their write made ready (None: nothing of theirs to send)."""
        changes = self.tl.changes
        times, n = changes.times, len(changes)
        keys = self._keys
        ready: list[tuple[Reader, Write, Callable[[], None] | None]] = []
        began, seen = self.clock.now(), 0
        while keys:
            i = keys[0]
            group = self._at.get(i)
            if group is None:
                heapq.heappop(keys)
                continue
            if i >= n or times[i] > now:  # times never decrease: nothing further on is due either
                break
            # Every reader here leaves this index: woken, cancelled, or sent up to `end` and parked further on.
            heapq.heappop(keys)
            del self._at[i]
            self._parked -= len(group)
            seen += len(group)
            writes: dict[str, Write | None] = {}
            for r in group:
                r.parked_at = None
                fut = r.wake
                if fut is None or fut.done():  # cancelled (a fault, the client): its task is ending
                    continue
                if r.alarm <= now or not r.shared:
                    fut.set_result(None)
                    continue
                try:
                    if r.namespace in writes:
                        got = writes[r.namespace]
                    else:
                        got = writes[r.namespace] = shared_write(self.tl, i, now, r.namespace)
                    write = None
                    if got is None or (got.events and (write := r.out.prepare_send(got.data)) is None):
                        fut.set_result(None)  # its own task sends, and waits if it must
                        continue
                    ready.append((r, got, write))
                except Exception as exc:  # a bug costs the watches it hit, not the feed
                    if not fut.done():
                        fut.set_exception(exc)
        if seen >= PUNCTUAL_ROUND:
            self._prep_each = max((self.clock.now() - began) / seen, self._prep_each * 0.5)
        return ready

    def _wake(self, r: Reader, exc: Exception | None = None) -> None:
        self._unpark(r)
        if r.wake is not None and not r.wake.done():
            if exc is None:
                r.wake.set_result(None)
            else:
                r.wake.set_exception(exc)

    def _next(self) -> float:
        keys, alarms = self._keys, self._alarms
        while keys and keys[0] not in self._at:
            heapq.heappop(keys)
        while alarms and (alarms[0][2].parked_at is None or alarms[0][2].alarm != alarms[0][0]):
            alarm, _, r = heapq.heappop(alarms)
            if r.queued_alarm == alarm:
                r.queued_alarm = _INF
        if len(alarms) > 64 + 4 * self._parked:  # mostly entries of readers gone: rebuild
            for _, _, r in alarms:
                r.queued_alarm = _INF
            live = [r for group in self._at.values() for r in group if r.alarm < _INF]
            self._alarms = alarms = [(r.alarm, next(self._seq), r) for r in live]
            heapq.heapify(alarms)
            for r in live:
                r.queued_alarm = r.alarm
        return min(self._due(keys[0]) if keys else _INF, alarms[0][0] if alarms else _INF)
