"""Turn what a run observed into short facts and a verdict: the words of the report live here.

Kept apart from the scenarios so every scenario describes a reconnect, a resume point, a backoff or an
event count the same way, and a reader can compare rows across clients.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .cluster import LIST_RV, Cluster
from .harness import EventCheck, Reaction, Run, Seen

OK, BUG, NA = "ok", "BUG", "n/a"
IMMEDIATE = 0.3  # wall seconds: faster than this, a retry is "at once" (no backoff)
STORM_RATE = 10.0  # requests per wall second from one client that count as a storm


@dataclass
class Outcome:
    """One row of the report."""

    server: str
    client: str
    verdict: str
    data: dict[str, Any] = field(default_factory=dict)  # the facts as values, for tests and tools


class Findings:
    """Facts about the client's behaviour, and whether any of them is a bug."""

    def __init__(self) -> None:
        self.facts: list[str] = []
        self.bugs: list[str] = []
        self.data: dict[str, Any] = {}

    def fact(self, text: str) -> None:
        if text:
            self.facts.append(text)

    def bug(self, text: str) -> None:
        self.facts.append(text)
        self.bugs.append(text)

    def outcome(self, server: str, verdict: str | None = None) -> Outcome:
        return Outcome(server, "; ".join(self.facts), verdict or (BUG if self.bugs else OK), self.data)


def seconds(x: float) -> str:
    return f"{x:.1f} s" if x < 10 else f"{x:.0f} s"


def backoff(gaps: list[float]) -> str:
    """How long the client waited before each attempt; "at once" below IMMEDIATE."""
    if not gaps:
        return ""
    if all(g < IMMEDIATE for g in gaps):
        return "no backoff (at once)" if len(gaps) == 1 else f"no backoff ({len(gaps)} attempts, all at once)"
    shown = ", ".join("0" if g < IMMEDIATE else seconds(g) for g in gaps[:6])
    return f"waits before attempts: {shown}" + (", …" if len(gaps) > 6 else "")


def attempts(reqs: list[Seen], limit: int = 6) -> str:
    """`watch rv=104 → 410 ×2, list → 200, watch rv=150` — consecutive repeats folded."""
    parts: list[str] = []
    counts: list[int] = []
    for r in reqs:
        text = r.short() + _result(r)
        if parts and parts[-1] == text:
            counts[-1] += 1
        else:
            parts.append(text)
            counts.append(1)
    shown = [p + (f" ×{n}" if n > 1 else "") for p, n in zip(parts, counts, strict=True)]
    return ", ".join(shown[:limit]) + (", …" if len(shown) > limit else "")


def _result(r: Seen) -> str:
    end = r.req.end
    if end.startswith("fault-http-"):
        return f" → HTTP {end.rsplit('-', 1)[1]}"
    if end in ("expired", "fault-expire"):
        return " → ERROR 410"
    if r.req.status and r.req.status != 200:
        return f" → HTTP {r.req.status}"
    return ""


def resume_point(run: Run, w: Seen, *, at: float, lists: list[Seen], bookmarks: bool) -> tuple[str, str]:
    """Where a watch resumed from, as (words, kind); kind is last | bookmark | relist | stale | none | other.

    `at` is the virtual time the previous watch ended: the client should resume from the newest
    resourceVersion it had been sent by then (a bookmark's if it asked for bookmarks), or from a relist's."""
    c: Cluster = run.cluster
    rv = w.rv
    if w.watch_list:
        return "a watch-list (sendInitialEvents: the whole state, then events)", "relist"
    if rv in (None, ""):
        return "with no resourceVersion (the whole state again)", "none"
    if rv == "0":
        return "with resourceVersion=0 (any cached state)", "none"
    try:
        n = int(rv)
    except ValueError:
        return f"with resourceVersion={rv!r}", "other"
    before = [x for x in lists if x.id < w.id]
    if before and n == c.rv_at(before[-1].req.at):
        return f"the relist's RV {n}", "relist"
    last = c.last_event_rv(at)
    if n == last:
        return f"the last event's RV {n}", "last"
    if bookmarks and last < n <= c.rv_at(at):
        return f"a bookmark's RV {n}", "bookmark"
    first_list = next((x for x in run.pods() if x.relist), None)
    if n < last and first_list is not None and n == c.rv_at(first_list.req.at):
        return f"its first list's RV {n}, older than the last event's {last}", "stale"
    if n == LIST_RV:
        return f"RV {n}, older than the last event's {last}", "stale"
    return f"RV {n} (last event: {last})", "other" if n > last else "stale"


def stopped(run: Run, r: Reaction, since: float) -> str:
    """How a client that stopped watching says so: exit code, `done`, its last error line."""
    p = run.printed(since=since)
    bits = []
    if r.exit_code is not None:
        bits.append(f"exited {r.exit_code}")
    if p.done:
        bits.append("printed `done`")
    if p.errors:
        bits.append(f"`ERROR : {_clip(p.errors[-1])}`")
    elif (r.exit_code not in (None, 0) or not p.done) and run.proc.last_stderr():
        bits.append(f"stderr `{_clip(run.proc.last_stderr())}`")
    return ", ".join(bits) or "stopped"


def _clip(text: str, n: int = 70) -> str:
    text = " ".join(text.split()).replace("|", "/").replace("`", "'")
    return text if len(text) <= n else text[: n - 1] + "…"


def events(f: Findings, ev: EventCheck | None, *, relisted: bool) -> None:
    """Compare printed events with the ideal; lost ones are a bug, extra ones too unless a relist explains them."""
    if ev is None:
        f.fact("events not printed")
        return
    f.data.update(expected=ev.expected, lost=ev.lost, extra=ev.extra)
    what = "rows" if ev.names_only else "events"
    if not ev.lost and not ev.extra:
        f.fact(f"all {ev.expected} {what} printed once")
        return
    if ev.lost:
        f.bug(f"lost {len(ev.lost)} of {ev.expected} {what} ({_sample(ev.lost)})")
    if ev.extra:
        text = f"{len(ev.extra)} extra {what} ({_sample(ev.extra)})"
        if relisted:
            f.fact(text + " re-delivered by the relist")
        else:
            f.bug("duplicated: " + text)


def _sample(items: list[tuple[str, str]]) -> str:
    shown = [f"{t} {n}" if t != "?" else n for t, n in items[:2]]
    return ", ".join(shown) + (", …" if len(items) > 2 else "")


def status_objects(f: Findings, run: Run, since: float) -> None:
    """Catalogue 11: the ERROR event's Status shown to the user as if it were a watched object."""
    p = run.printed(since=since)
    f.data["status_objects"] = list(p.status_objects)
    if p.status_objects:
        f.bug(f"treated the ERROR Status as an object (`{_clip(p.status_objects[0], 40)}`)")
    if p.junk:
        f.bug(f"yielded {len(p.junk)} empty event(s) (`{_clip(p.junk[0], 30)}`)")


def reported(f: Findings, run: Run, since: float) -> None:
    """Errors the client printed while it recovered (an informer's error handler, say)."""
    p = run.printed(since=since)
    f.data["errors"] = list(p.errors)
    if p.errors:
        f.fact(f"reported `ERROR : {_clip(p.errors[0], 50)}`" + (f" (+{len(p.errors) - 1})" if len(p.errors) > 1
                                                                 else ""))


def record(f: Findings, r: Reaction) -> None:
    """The reaction's raw facts into the outcome's data."""
    f.data.update(reaction=r.outcome, exit_code=r.exit_code, requests=[x.short() + _result(x) for x in r.requests],
                  lists=len(r.lists), gaps=[round(g, 3) for g in r.wall_gaps()],
                  virtual_gaps=[round(x.req.at - r.mark.virtual, 3) for x in r.requests])
