"""Layer 3: the only source of time for replay.

Engines ask `now()` and wait with `sleep_until(t)` in virtual seconds. `ScaledClock` maps them onto the
event loop's clock times a speed factor; `ManualClock` moves only when a test (or the control API) calls
`advance`, so a 40-minute watch timeout is tested in milliseconds and always fires at the same instant.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from typing import Protocol

# How early the loop's timer is asked to wake for a wait that must end on time (`Clock.lead`): epoll counts
# in whole milliseconds, rounded up, and a busy VM adds a millisecond or two more.
PUNCTUAL_LEAD = 0.002
_FINAL_WAIT = 0.2  # seconds: more than that slack's cap


class Clock(Protocol):
    # Whether time moves by itself. On a clock that does not (manual), a plain read's recorded latency is
    # not replayed: it would hold the answer until a test moved time, and every new request would wait again.
    @property
    def running(self) -> bool: ...

    def now(self) -> float:
        """Virtual seconds since the replay started."""
        ...

    async def sleep_until(self, t: float) -> None:
        """Return once virtual time has reached `t` (at once if it already has)."""
        ...

    @property
    def lead(self) -> float:
        """Virtual seconds before `t` to `sleep_until` for something that must happen at `t` sharp: time to
        prepare it, then `hold_until(t)`. 0 where waits are exact (a manual clock)."""
        ...

    def hold_until(self, t: float) -> None:
        """Block, without yielding to the event loop, until virtual time `t`, at most `lead` away: the
        last stretch of a punctual wait, which the loop's millisecond timer cannot do."""
        ...


class ScaledClock:
    """Real (event loop) time multiplied by `speed`: 60 plays an hour in a minute."""

    running = True

    def __init__(self, speed: float = 1.0, start: float = 0.0) -> None:
        if not (speed > 0 and speed < float("inf")):
            raise ValueError("speed must be a positive, finite number")
        self.speed = speed
        self.start = start
        self.lead = PUNCTUAL_LEAD * speed
        self._origin: float | None = None

    def _loop_time(self) -> float:
        t = asyncio.get_running_loop().time()
        if self._origin is None:
            self._origin = t
        return t - self._origin

    def now(self) -> float:
        """Virtual time: `start` when first asked (the first request), then real time times speed."""
        return self.start + self._loop_time() * self.speed

    async def sleep_until(self, t: float) -> None:
        delay = (t - self.now()) / self.speed
        if delay > _FINAL_WAIT:
            # Linux lets a poll's timeout run late by 0.1% of it (up to 100 ms): 4 ms on a 4 s wait. A long
            # wait ends with a short one, whose slack is a fraction of a millisecond.
            await asyncio.sleep(delay - _FINAL_WAIT)
            delay = (t - self.now()) / self.speed
        if delay > 0:
            await asyncio.sleep(delay)

    def hold_until(self, t: float) -> None:
        while (delay := (t - self.now()) / self.speed) > 0:
            time.sleep(delay)  # clock_nanosleep on the loop's clock: tens of microseconds late, not a millisecond


class ManualClock:
    """Time stands still until `advance`; then everything due fires in deadline order."""

    # Loop turns given to woken tasks between two deadlines, so the one due first has written its bytes
    # before the next one runs. A task woken here needs a few turns to reach its next wait.
    _SETTLE_TURNS = 8
    running = False
    lead = 0.0

    def __init__(self, start: float = 0.0) -> None:
        self._now = start
        self._seq = itertools.count()
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._lock: asyncio.Lock | None = None

    def now(self) -> float:
        return self._now

    def hold_until(self, t: float) -> None:
        """Nothing to wait for: with no lead, a wait ends at or after its time."""

    @property
    def next_deadline(self) -> float | None:
        """The earliest time something waits for, or None."""
        while self._sleepers and self._sleepers[0][2].done():
            heapq.heappop(self._sleepers)
        return self._sleepers[0][0] if self._sleepers else None

    async def sleep_until(self, t: float) -> None:
        if t <= self._now:
            return
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (t, next(self._seq), fut))
        try:
            await fut
        finally:
            if not fut.done():
                fut.cancel()

    async def _settle(self) -> None:
        for _ in range(self._SETTLE_TURNS):
            await asyncio.sleep(0)

    async def advance(self, seconds: float) -> float:
        """Move forward by `seconds`, firing every deadline on the way in order; returns the new time."""
        if not seconds >= 0:
            raise ValueError("a clock only moves forward")
        return await self.advance_to(self._now + seconds)

    async def advance_to(self, target: float) -> float:
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            await self._settle()
            while (nd := self.next_deadline) is not None and nd <= target:
                self._now = max(self._now, nd)
                while self._sleepers and self._sleepers[0][0] <= self._now:
                    _, _, fut = heapq.heappop(self._sleepers)
                    if not fut.done():
                        fut.set_result(None)
                await self._settle()
            self._now = max(self._now, target)
            await self._settle()
            return self._now
