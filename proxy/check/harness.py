"""One run of the client under test against one replay: start both, drive, wait on conditions, observe.

A `Run` owns a `Replay` (emulate mode, manual clock, fixed seed) and the client's process, and wakes its
waiters on a single condition whenever either side does something: a request starts or ends, the client
prints a line or exits. Every wait is bounded, because the point of the check is to notice clients that
never do the next thing (no reconnect, no output); a bound that expires is an observation, not an error.

Backoff and hangs are wall-clock facts (a client sleeps in real seconds while the manual clock stands
still), so requests are kept with their wall arrival time, which `proxy.testing.Request` leaves out.
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from ..testing import Replay, Request
from .client import ClientProcess, Printed, parse_output
from .cluster import Cluster

# A watch must stay open this long (wall) before it counts as re-established: a watch that a fault or an
# expired resourceVersion ends at once is open for a few milliseconds first.
STABLE_OPEN = 0.25
# How long to wait for a client to print what the server sent it before calling the rest lost.
PRINT_WAIT = 3.0
_STREAM_FAULTS = frozenset({"close", "reset", "stall", "expire", "http-status"})


@dataclass(frozen=True)
class Seen:
    """A request the client made, with the wall-clock time it arrived (for backoff and hang detection)."""

    req: Request
    wall: float
    resource: str

    @property
    def id(self) -> int:
        return self.req.id

    @property
    def verb(self) -> str:
        return self.req.verb

    @property
    def rv(self) -> str | None:
        return self.req.resource_version

    @property
    def watch_list(self) -> bool:
        """A watch with sendInitialEvents=true: it streams the whole state first, so it is a relist too
        (client-go's WatchListClient relists this way, with no LIST at all)."""
        return self.verb == "watch" and self.req.params.get("sendInitialEvents", "").lower() in ("true", "1")

    @property
    def relist(self) -> bool:
        """A LIST, or a watch that streams the whole state first (watch_list)."""
        return self.verb == "list" or self.watch_list

    @property
    def open(self) -> bool:
        return self.req.end == "open"

    @property
    def faulted(self) -> bool:
        """A fault was armed for this very request (it will end, or answer with an error, at once)."""
        return any(n.endswith("armed for this request") and n.split()[2] in _STREAM_FAULTS
                   for n in self.req.notes)

    def short(self) -> str:
        rv = f" rv={self.rv}" if self.rv is not None else ""
        return f"{'watch-list' if self.watch_list else self.verb}{rv}"


class CheckReplay(Replay):
    """A Replay that also reports every change of its request log and the wall time of each request."""

    def __init__(self, recording: str | os.PathLike[str], on_change: Callable[[], None], **kwargs: Any) -> None:
        super().__init__(recording, **kwargs)
        self._on_change = on_change

    def start(self) -> CheckReplay:
        super().start()
        self._session.log.listeners.append(self._on_change)
        return self

    def seen(self) -> list[Seen]:
        async def snapshot() -> list[Seen]:
            return [Seen(Request.of(e), e.wall, e.resource) for e in self._session.log.entries]
        return self._call(snapshot())


@dataclass(frozen=True)
class Mark:
    """A point of the run: requests after `after_id` happened after it."""

    after_id: int
    wall: float
    virtual: float


@dataclass
class Reaction:
    """What the client did after a mark, until it had a working watch again, stopped, or went quiet."""

    mark: Mark
    requests: list[Seen]  # pods lists and watches after the mark
    outcome: str  # recovered | exited | hung | retrying
    exit_code: int | None
    watch: Seen | None  # the re-established watch, when recovered
    waited: float  # wall seconds from the mark to the verdict

    @property
    def lists(self) -> list[Seen]:
        """Its relists: LISTs, and watches that stream the whole state first."""
        return [r for r in self.requests if r.relist]

    @property
    def watches(self) -> list[Seen]:
        return [r for r in self.requests if r.verb == "watch"]

    def wall_gaps(self) -> list[float]:
        """Wall seconds before each attempt: the first from the mark, then between attempts."""
        times = [self.mark.wall] + [r.wall for r in self.requests]
        return [max(0.0, b - a) for a, b in itertools.pairwise(times)]


@dataclass
class EventCheck:
    """The client's printed events against what a perfect client would have printed."""

    expected: int
    printed: int
    lost: list[tuple[str, str]]
    extra: list[tuple[str, str]]
    names_only: bool


@dataclass
class Probe:
    """What one scenario learnt about the client that saves the others time (shared across a battery)."""

    prints_events: bool | None = None
    watched: bool = False  # some scenario saw a watch: a later NoWatch is a finding, not a broken setup


class Run:
    """The client under test against a fresh replay of `cluster`, until `close()`."""

    def __init__(self, argv: Sequence[str], recording: Path, *, seed: int, wall_timeout: float, probe: Probe,
                 cluster: Cluster, faults: tuple[str, ...] = (), env: dict[str, str] | None = None) -> None:
        self.cluster = cluster
        self.wall_timeout = wall_timeout
        self.probe = probe
        self._cond = threading.Condition()
        self._version = 0
        self._tmp = tempfile.TemporaryDirectory(prefix="watchproxy-check-")
        self.replay = CheckReplay(recording, self._poke, seed=seed, faults=faults)
        self.client: ClientProcess | None = None
        try:
            self.replay.start()
            home = Path(self._tmp.name) / "home"
            (home / ".kube").mkdir(parents=True)
            shutil.copy(self.replay.kubeconfig, home / ".kube" / "config")
            # HOME too: the seed script reads $HOME/.kube/config, kubectl keeps its cache under it.
            full_env = {**os.environ, **(env or {}), "KUBECONFIG": str(home / ".kube" / "config"),
                        "HOME": str(home), "PYTHONUNBUFFERED": "1"}
            self.client = ClientProcess(argv, full_env, self._poke)
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> Run:
        return self

    def __exit__(self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self, grace: float = 1.0) -> None:
        """Kill the client, stop the replay; always bounded."""
        try:
            if self.client is not None:
                self.client.stop(grace)
        finally:
            try:
                self.replay.stop()
            except AssertionError:
                pass  # a task left behind by a client that vanished mid-request: not the check's business
            finally:
                self._tmp.cleanup()

    @property
    def proc(self) -> ClientProcess:
        assert self.client is not None
        return self.client

    # --- waiting ------------------------------------------------------------------------------------
    def _poke(self) -> None:
        with self._cond:
            self._version += 1
            self._cond.notify_all()

    def wait(self, pred: Callable[[], bool], timeout: float) -> bool:
        """Until `pred()` holds (re-checked on every request change, output line or exit); False on timeout.

        The predicate runs without the lock: it may ask the replay's loop, which calls `_poke`."""
        give_up = time.time() + timeout
        while True:
            with self._cond:
                seen = self._version
            if pred():
                return True
            left = give_up - time.time()
            if left <= 0:
                return False
            with self._cond:
                if self._version == seen:
                    self._cond.wait(min(left, 0.5))  # re-checked now and then: a process exit has no event

    def _wait_change(self, until: float) -> None:
        with self._cond:
            seen = self._version
            left = until - time.time()
            if self._version == seen and left > 0:
                self._cond.wait(min(left, 0.5))

    # --- what happened ------------------------------------------------------------------------------
    def pods(self) -> list[Seen]:
        """The client's lists and watches of pods (discovery and the rest left out)."""
        return [s for s in self.replay.seen() if s.resource == "pods" and s.verb in ("list", "watch")]

    def watches(self) -> list[Seen]:
        return [s for s in self.pods() if s.verb == "watch"]

    def mark(self) -> Mark:
        seen = self.replay.seen()
        return Mark(seen[-1].id if seen else 0, time.time(), self.replay.now)

    def after(self, mark: Mark) -> list[Seen]:
        return [s for s in self.pods() if s.id > mark.after_id]

    def printed(self, since: float | None = None) -> Printed:
        """The client's output parsed; with `since` (wall time), only the lines printed after it."""
        lines = list(self.proc.lines)
        skip = 0 if since is None else sum(1 for t, _ in lines if t < since)
        return parse_output([ln for _, ln in lines], skip)

    def first_request(self, timeout: float) -> Seen | None:
        """The client's first list or watch of pods; None if it exited or made none in time."""
        self.wait(lambda: bool(self.pods()) or self.proc.finished, timeout)
        pods = self.pods()
        return pods[0] if pods else None

    def first_watch(self, timeout: float) -> Seen | None:
        """Its first watch, once open (a list+watch client lists first); None if there was none."""
        def ok() -> bool:
            return any(w.open or w.req.end for w in self.watches()) or self.proc.finished
        self.wait(ok, timeout)
        ws = self.watches()
        return ws[0] if ws else None

    def current_watch(self) -> Seen | None:
        open_ = [w for w in self.watches() if w.open]
        return open_[-1] if open_ else None

    def react(self, mark: Mark, cap: float | None = None) -> Reaction:
        """Watch what the client does after `mark` until it has a watch that stays open (recovered), exits,
        makes no request for `wall_timeout` seconds (hung), or `cap` seconds pass (retrying)."""
        cap = cap if cap is not None else 3 * self.wall_timeout
        while True:
            now = time.time()
            reqs = self.after(mark)
            good = [r for r in reqs if r.verb == "watch" and r.open and not r.faulted]
            if good and now - good[-1].wall >= STABLE_OPEN:
                return self._reaction(mark, reqs, "recovered", good[-1])
            if self.proc.finished:
                return self._reaction(mark, reqs, "exited", None)
            last = max([mark.wall] + [r.wall for r in reqs])
            if not good and now - last >= self.wall_timeout:
                return self._reaction(mark, reqs, "hung", None)
            if now - mark.wall >= cap:
                return self._reaction(mark, reqs, "retrying", None)
            until = min(good[-1].wall + STABLE_OPEN if good else last + self.wall_timeout, mark.wall + cap)
            self._wait_change(max(until, now + 0.01))

    def _reaction(self, mark: Mark, reqs: list[Seen], outcome: str, watch: Seen | None) -> Reaction:
        if outcome == "recovered":
            assert watch is not None
            reqs = [r for r in reqs if r.id <= watch.id]
        return Reaction(mark, reqs, outcome, self.proc.exit_code, watch, time.time() - mark.wall)

    def collect(self, mark: Mark, window: float, limit: int = 400) -> tuple[list[Seen], float]:
        """Lists and watches in the `window` wall seconds after `mark`, and the seconds they span: less than
        the window when the client exits, or when it has made `limit` requests (a storm: enough seen)."""
        self.wait(lambda: self.proc.finished or len(self.after(mark)) >= limit, window)
        elapsed = time.time() - mark.wall
        reqs = [r for r in self.after(mark) if r.wall <= mark.wall + window][:limit]
        span = reqs[-1].wall - mark.wall if len(reqs) >= limit else min(window, elapsed)
        return reqs, max(span, 1e-3)

    def quiet_for(self, mark: Mark, seconds: float) -> bool:
        """True if the client made no request and did not exit for `seconds` after `mark`."""
        return not self.wait(lambda: bool(self.after(mark)) or self.proc.finished, seconds)

    # --- events -------------------------------------------------------------------------------------
    def first_view_at(self) -> float:
        pods = self.pods()
        return pods[0].req.at if pods else 0.0

    def _expected(self, t1: float) -> list[tuple[str, str]]:
        """The ideal up to `t1`, or up to when the client's last watch ended if none is open: a client
        that stopped watching was never sent what happened after, and has not lost it."""
        ws = self.watches()
        if ws and not any(w.open for w in ws):
            t1 = min(t1, max(w.req.ended_at if w.req.ended_at is not None else t1 for w in ws))
        return self.cluster.ideal(self.first_view_at(), t1)

    def settle(self, t1: float) -> None:
        """Until the client has printed every event a perfect client would have by virtual time `t1`."""
        if self.probe.prints_events is False:
            return
        want = self._expected(t1)

        def covered() -> bool:
            p = self.printed()
            if p.table:
                return not (Counter(n for _, n in want) - Counter(p.names_only))
            return not (Counter(want) - Counter(p.events))
        ok = self.wait(lambda: covered() or self.proc.finished, PRINT_WAIT)
        if self.probe.prints_events is None:
            if self.printed().events:
                self.probe.prints_events = True
            elif not ok and not self.proc.finished:
                self.probe.prints_events = False

    def check_events(self, t1: float) -> EventCheck | None:
        """Printed events against the ideal up to `t1`; None when the client prints none."""
        p = self.printed()
        if not p.events and self.probe.prints_events is not True:
            return None
        want = self._expected(t1)
        if p.table:
            wc: Counter[tuple[str, str]] = Counter(("?", n) for _, n in want)
            got: Counter[tuple[str, str]] = Counter(("?", n) for n in p.names_only)
        else:
            wc, got = Counter(want), Counter(p.events)
        return EventCheck(len(want), len(p.events), sorted((wc - got).elements()), sorted((got - wc).elements()),
                          p.table)
