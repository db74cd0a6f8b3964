"""The battery: one function per situation of the failure catalogue, each bounded and self-stopping.

Every scenario starts a fresh replay of the scripted cluster (emulate mode, manual clock, fixed seed) and
the client under test, lets it sync up to t=30 s, then does one thing a real apiserver or network does
(a randomized close, a 410, a reset, a stall, a restart, errors) and watches what the client does next,
in the request log and in its output. Virtual time stands still while the client reacts, so nothing
happens behind its back: a correct client loses and duplicates nothing, whatever the fault. Each returns
one row: what the server did, what the client did, a verdict.

A scenario's `refs` are entries of the failure catalogue, whose public bug reports are in catalogue.py.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from .cluster import JUMP_AT, LATE, LIST_RV, MID, PODS_PATH, SYNC_AT, Cluster
from .harness import EventCheck, Mark, Probe, Reaction, Run, Seen
from .observe import (
    NA,
    STORM_RATE,
    Findings,
    Outcome,
    attempts,
    backoff,
    events,
    record,
    reported,
    resume_point,
    seconds,
    status_objects,
    stopped,
)

QUIET_SECONDS = 45.0  # catalogue 3: a healthy watch with nothing to say for this long
LOOP_WINDOW = 4.0  # wall seconds to count attempts under a persistent fault
RETRY_AFTER = 2  # seconds, on the 429 of close-then-5xx


class NoWatch(Exception):
    """The client never made a watch request: nothing to check (or the check cannot run at all)."""


@dataclass(frozen=True)
class Context:
    """What every scenario needs: the client's command, the cluster and its recording, the bounds."""

    argv: tuple[str, ...]
    cluster: Cluster
    recording: Path
    wall_timeout: float
    probe: Probe
    startup_timeout: float = 30.0
    seed: int = 1

    def start(self, faults: tuple[str, ...] = ()) -> Run:
        return Run(self.argv, self.recording, seed=self.seed, wall_timeout=self.wall_timeout, probe=self.probe,
                   cluster=self.cluster, faults=faults)

    def begin(self, run: Run) -> Seen:
        """Until the client watches and has printed the early changes (t <= 30 s); its first watch."""
        w = run.first_watch(self.startup_timeout)
        if w is None:
            code = run.proc.exit_code
            how = f"exited {code}" if code is not None else f"still running after {self.startup_timeout:g} s"
            err = run.proc.last_stderr()
            raise NoWatch(f"the client made no watch request ({how}" + (f": {err})" if err else ")"))
        self.probe.watched = True
        run.replay.advance_to(SYNC_AT)
        run.settle(SYNC_AT)
        return w


@dataclass(frozen=True)
class Scenario:
    name: str
    refs: tuple[int, ...]
    summary: str  # what the server does, for the report's legend
    fn: Callable[[Context], Outcome]
    background: bool = False  # mostly waits on the wall clock: run beside the others


def _truthy(v: str | None) -> bool:
    return v is not None and v.lower() not in ("", "0", "false")


def _no_reconnect(run: Run, r: Reaction, f: Findings | None = None) -> str:
    """A client without a working watch at the end of a reaction: how it ended up there."""
    if f is not None:
        record(f, r)
        f.data["done"] = run.printed(since=r.mark.wall).done
    tried = f" after {attempts(r.requests)}" if r.requests else ""
    if r.outcome == "exited":
        return (f"gave up{tried}: " if r.requests else "did not re-watch: ") + stopped(run, r, r.mark.wall)
    if r.outcome == "hung":
        return (f"stopped{tried}" if r.requests else "did not re-watch") + \
            f", hung: no request for {run.wall_timeout:g} s, still running"
    return f"no working watch after {seconds(r.waited)} of retrying: {attempts(r.requests)}"


def _no_open_watch(run: Run, m: Mark) -> Outcome:
    """The client had already stopped watching when the fault was due (e.g. its own short timeoutSeconds)."""
    r = Reaction(m, [], "exited" if run.proc.finished else "hung", run.proc.exit_code, None, 0.0)
    return Outcome("nothing: the client had no open watch to break", f"had stopped watching before "
                   f"t={m.virtual:.0f} s ({stopped(run, r, 0.0)})", NA, {"reaction": "no-watch"})


def _not_after_close(server: str, run: Run, r: Reaction) -> Outcome:
    """n/a for a client that stops at a clean close: the situation never reaches it (timeout-close says so)."""
    f = Findings()
    f.fact(f"does not re-watch after a close ({_no_reconnect(run, r, f)}); see timeout-close")
    return f.outcome(server, NA)


def _recovered(f: Findings, run: Run, r: Reaction, *, at: float, bookmarks: bool, need_relist: bool) -> bool:
    """Facts about a client that watches again; returns whether it relisted."""
    assert r.watch is not None
    relisted = bool(r.lists)
    words, kind = resume_point(run, r.watch, at=at, lists=r.lists, bookmarks=bookmarks)
    record(f, r)
    f.data.update(resumed=kind, resume_rv=r.watch.rv, relisted=relisted)
    verb = "relisted, then re-watched" if relisted else "re-watched"
    said = f"{verb} from {words}"
    if r.watch.watch_list:  # the relist and the watch are one request
        said, relisted = f"relisted by {words}", True
    if len(r.requests) > 1 + (relisted and not r.watch.watch_list):
        f.fact(f"{said} after {attempts(r.requests)}")
    else:
        f.fact(said)
    if kind == "stale":
        f.bug("resumed from an older resourceVersion than it had been sent (replays events, or gets 410)")
    elif kind == "other":
        f.bug("resumed from a resourceVersion it was never sent (may skip events)")
    if need_relist and not relisted:
        f.bug(f"never relisted: re-watched the expired RV {r.watch.rv} (works here only because the injected "
              "410 did not persist)" if kind == "last" else "never relisted")
    f.fact(backoff(r.wall_gaps()))
    late = [g for g in f.data["virtual_gaps"] if g > 0]
    if late:
        f.fact(f"virtual time passed before its attempts: {', '.join(seconds(g) for g in late)}")
    reported(f, run, r.mark.wall)
    return relisted


def _verify(run: Run) -> EventCheck | None:
    """Let the recovered watch carry the next changes, then compare everything printed with the ideal."""
    now = run.replay.now
    target = MID[1] + 5 if now < MID[0] else (LATE + 60 if now < LATE else now + 60)
    w = run.current_watch()
    if w is not None and w.req.deadline is not None:
        target = min(target, w.req.deadline - 1)  # a client that stops at a close would miss the rest
    run.replay.advance_to(max(now, target))
    run.settle(run.replay.now)
    return run.check_events(run.replay.now)


def _events_if_wrong(f: Findings, run: Run, t1: float) -> None:
    """For a client that stopped: only say something if what it printed before was already wrong."""
    ev = run.check_events(t1)
    if ev is not None and (ev.lost or ev.extra):
        events(f, ev, relisted=False)


# --- the scenarios -----------------------------------------------------------------------------------------
def timeout_close(ctx: Context) -> Outcome:
    with ctx.start() as run:
        w1 = _watching(run, ctx.begin(run))
        d = w1.req.deadline or run.replay.now
        c = run.cluster
        bookmarks = _truthy(w1.req.params.get("allowWatchBookmarks"))
        quiet = d - c.changes_between(-1.0, d)[-1].t
        server = (f"ended the watch cleanly at its deadline, t={d:.0f} s ({_deadline_kind(w1)}), after "
                  f"{quiet:.0f} s with no pod event; cluster RV {c.rv_at(d)}, last pod event RV "
                  f"{c.last_event_rv(d)}" + (" (bookmarks asked for)" if bookmarks else ""))
        m = replace(run.mark(), virtual=d)  # the fault is the close at the deadline
        run.replay.advance_to(d)
        r = run.react(m)
        f = Findings()
        if r.outcome != "recovered":
            f.bug(_no_reconnect(run, r, f))
            _events_if_wrong(f, run, d)
            return f.outcome(server)
        relisted = _recovered(f, run, r, at=d, bookmarks=bookmarks, need_relist=False)
        events(f, _verify(run), relisted=relisted)
        return f.outcome(server)


def _watching(run: Run, first: Seen) -> Seen:
    """The watch open now (a client with a short timeoutSeconds may be on its second), else its first."""
    return run.current_watch() or first


def _deadline_kind(w: Seen) -> str:
    ts = w.req.params.get("timeoutSeconds")
    return f"its timeoutSeconds={ts}" if ts else "randomized: 1800 s × (1 + U)"


def expire_in_stream(ctx: Context) -> Outcome:
    run = ctx.start()
    try:
        w1 = _watching(run, ctx.begin(run))
        m0 = replace(run.mark(), virtual=w1.req.deadline or run.replay.now)
        run.replay.advance_to(m0.virtual)
        r0 = run.react(m0)
        if r0.outcome == "recovered" and r0.watch is not None:
            where = f"on its new watch after the timeout close at t={w1.req.deadline:.0f} s"
            run.replay.advance_to(min(LATE + 30, (r0.watch.req.deadline or LATE) - 1))
            run.settle(run.replay.now)
        else:
            run.close()
            run = ctx.start()
            ctx.begin(run)
            where = "on its first watch at t=30 s (it does not re-watch after a close)"
        at = run.replay.now
        # the resourceVersion stays expired for one more try, as it would on a real apiserver
        run.replay.fault("expire", verb="watch", count=1, when="next")
        m = run.mark()
        if not run.replay.fault("expire", verb="watch", when="now"):
            return _no_open_watch(run, m)
        r = run.react(m)
        server = (f"sent ERROR 410 Expired in the stream {where}, then ended it; the next watch would get 410 too "
                  "(the RV stays expired)")
        f = Findings()
        status_objects(f, run, m.wall)
        if r.outcome != "recovered":
            f.bug(_no_reconnect(run, r, f) + ("" if r.lists else ", never relisted"))
            _events_if_wrong(f, run, at)
            return f.outcome(server)
        relisted = _recovered(f, run, r, at=at, bookmarks=False, need_relist=True)
        events(f, _verify(run), relisted=relisted)
        return f.outcome(server)
    finally:
        run.close()


def repeated_410(ctx: Context) -> Outcome:
    with ctx.start() as run:
        ctx.begin(run)
        run.replay.fault("expire", verb="watch", count="always", when="next")
        m = run.mark()
        if not run.replay.fault("expire", verb="watch", when="now"):
            return _no_open_watch(run, m)
        reqs, span = run.collect(m, LOOP_WINDOW)
        server = (f"answered every watch with ERROR 410 Expired (in a 200 stream), {LOOP_WINDOW:g} s observed; "
                  "lists answered normally")
        f = Findings()
        status_objects(f, run, m.wall)
        lists = [r for r in reqs if r.relist]
        longest, rv = _same_rv_run(reqs)
        r = Reaction(m, reqs, "exited" if run.proc.finished else "retrying", run.proc.exit_code, None, span)
        record(f, r)
        f.data.update(rate=len(reqs) / span, same_rv_run=longest)
        if reqs:
            f.fact(f"{_count(reqs)} in {seconds(span)}: {attempts(reqs)}")
            f.fact(backoff(r.wall_gaps()))
        if lists:
            f.fact(f"relisted {len(lists)}×")
        elif longest >= 3:
            f.bug(f"loops on the pinned RV {rv}: {longest} watches in a row, never relists")
        if run.proc.finished:
            text = f"gave up: {stopped(run, r, m.wall)}"
            (f.fact if lists else f.bug)(text if lists else text + " without relisting")
        elif not reqs:
            f.bug(f"hung: no request for {LOOP_WINDOW:g} s, still running")
        if len(reqs) / span >= STORM_RATE:
            f.bug(f"a hot loop of {len(reqs) / span:.0f} requests/s")
        return f.outcome(server)


def _count(reqs: list[Seen]) -> str:
    return f"{len(reqs)} request" + ("s" if len(reqs) != 1 else "")


def _same_rv_run(reqs: list[Seen]) -> tuple[int, str | None]:
    best, best_rv, cur, cur_rv = 0, None, 0, None
    for r in reqs:
        if r.verb != "watch":
            cur, cur_rv = 0, None
            continue
        cur = cur + 1 if r.rv == cur_rv else 1
        cur_rv = r.rv
        if cur > best:
            best, best_rv = cur, cur_rv
    return best, best_rv


def http_410(ctx: Context) -> Outcome:
    run = ctx.start()
    try:
        ctx.begin(run)
        at = run.replay.now
        run.replay.fault("http-status", status=410, verb="watch", count=1)
        m = run.mark()
        if not run.replay.fault("close", verb="watch", when="now"):
            return _no_open_watch(run, m)
        r = run.react(m)
        where = "the re-watch after a clean close"
        fresh = not r.requests and r.outcome != "recovered"
        if fresh:
            run.close()
            run = ctx.start(faults=("http-status:status=410,verb=watch,count=1",))
            m = Mark(0, time.time(), 0.0)
            r = run.react(m, cap=ctx.startup_timeout + 3 * ctx.wall_timeout)
            where = "its first watch (it does not re-watch after a close)"
            at = 0.0
        server = f"answered {where} with HTTP 410 Gone (a Status body, no stream)"
        f = Findings()
        first_410 = next((x.id for x in r.requests if x.req.end == "fault-http-410"), None)
        if first_410 is None:
            f.bug(_no_reconnect(run, r, f) + ("" if r.lists else ", never relisted"))
            return f.outcome(server)
        r.requests = [x for x in r.requests if x.id >= first_410]
        r.mark = Mark(first_410 - 1, r.mark.wall, r.mark.virtual)
        if r.outcome != "recovered":
            f.bug(_no_reconnect(run, r, f) + ("" if r.lists else ", never relisted"))
            if not fresh:  # a client whose first watch failed was never sent an event
                _events_if_wrong(f, run, at)
            return f.outcome(server)
        relisted = _recovered(f, run, r, at=at, bookmarks=False, need_relist=True)
        events(f, _verify(run), relisted=relisted)
        return f.outcome(server)
    finally:
        run.close()


def reset_mid_event(ctx: Context) -> Outcome:
    with ctx.start() as run:
        ctx.begin(run)
        at = run.replay.now
        m = run.mark()
        if not run.replay.fault("reset", verb="watch", when="now", mid_event=True):
            return _no_open_watch(run, m)
        r = run.react(m)
        server = "reset the connection in the middle of an event (half a JSON line, no terminating chunk)"
        f = Findings()
        status_objects(f, run, m.wall)
        if r.outcome != "recovered":
            f.bug(_no_reconnect(run, r, f))
            _events_if_wrong(f, run, at)
            return f.outcome(server)
        relisted = _recovered(f, run, r, at=at, bookmarks=False, need_relist=False)
        events(f, _verify(run), relisted=relisted)
        return f.outcome(server)


def half_open_stall(ctx: Context) -> Outcome:
    with ctx.start() as run:
        ctx.begin(run)
        at = run.replay.now
        m = run.mark()
        if not run.replay.fault("stall", verb="watch", when="now"):
            return _no_open_watch(run, m)
        run.replay.advance_to(MID[1] + 5)
        m = replace(m, virtual=run.replay.now)  # time moved on while the stream was dead: the check's doing
        missed = len(run.cluster.changes_between(at, MID[1] + 5))
        r = run.react(m)
        server = (f"stopped sending on the open watch (half-open: no bytes, no FIN, never closed) while {missed} "
                  "changes happened")
        f = Findings()
        record(f, r)
        if r.outcome == "hung":
            f.bug(f"hung: no request for {run.wall_timeout:g} s, still waiting on the dead stream "
                  f"(no inactivity timeout of {run.wall_timeout:g} s or less)")
            return f.outcome(server)
        if r.outcome != "recovered":
            f.bug(_no_reconnect(run, r, f))
            return f.outcome(server)
        gap = r.requests[0].wall - m.wall if r.requests else 0.0
        f.fact(f"gave up on the stalled stream after {seconds(gap)}")
        relisted = _recovered(f, run, r, at=at, bookmarks=False, need_relist=False)
        events(f, _verify(run), relisted=relisted)
        return f.outcome(server)


def quiet_stream(ctx: Context) -> Outcome:
    with ctx.start() as run:
        ctx.begin(run)
        m = run.mark()
        quiet = run.quiet_for(m, QUIET_SECONDS)
        server = f"kept the watch open and healthy but sent nothing for {QUIET_SECONDS:g} s (wall clock)"
        f = Findings()
        f.data["kept"] = quiet
        if quiet:
            f.fact(f"kept the quiet watch open for {QUIET_SECONDS:g} s")
            return f.outcome(server)
        reqs = run.after(m)
        if reqs:
            f.bug(f"aborted the healthy watch after {seconds(reqs[0].wall - m.wall)} and re-watched "
                  f"({attempts(reqs)})")
        else:
            r = Reaction(m, [], "exited", run.proc.exit_code, None, time.time() - m.wall)
            f.bug(f"gave up on the healthy watch: {stopped(run, r, m.wall)}")
        return f.outcome(server)


def close_then_5xx(ctx: Context) -> Outcome:
    with ctx.start() as run:
        ctx.begin(run)
        at = run.replay.now
        run.replay.fault("http-status", status=503, path=PODS_PATH, nth=1)
        run.replay.fault("http-status", status=429, retry_after=RETRY_AFTER, path=PODS_PATH, nth=2)
        m = run.mark()
        if not run.replay.fault("close", verb="watch", when="now"):
            return _no_open_watch(run, m)
        r = run.react(m)
        server = (f"ended the watch cleanly; the next request for pods got HTTP 503, the one after HTTP 429 "
                  f"with Retry-After: {RETRY_AFTER}")
        f = Findings()
        if not r.requests:
            return _not_after_close(server, run, r)
        too_many = next((i for i, x in enumerate(r.requests) if x.req.end == "fault-http-429"), None)
        if too_many is not None and too_many + 1 < len(r.requests):
            gap = r.requests[too_many + 1].wall - r.requests[too_many].wall
            if gap < RETRY_AFTER * 0.75:
                f.fact(f"ignored Retry-After: {RETRY_AFTER} (next request {seconds(gap)} after the 429)")
            else:
                f.fact(f"next request {seconds(gap)} after the 429 (Retry-After: {RETRY_AFTER})")
        if r.outcome != "recovered":
            f.bug(_no_reconnect(run, r, f) + "; the watcher is never restarted")
            return f.outcome(server)
        relisted = _recovered(f, run, r, at=at, bookmarks=False, need_relist=False)
        events(f, _verify(run), relisted=relisted)
        return f.outcome(server)


def restart_newer_history(ctx: Context) -> Outcome:
    with ctx.start() as run:
        ctx.begin(run)
        run.replay.advance_to(JUMP_AT + 5)
        at = run.replay.now
        c = run.cluster
        m = run.mark()
        if not run.replay.fault("restart"):
            return _no_open_watch(run, m)
        r = run.react(m)
        server = (f"restarted: every watch ended, history compacted to the cluster's RV {c.rv_at(at)}, newer than "
                  f"the client's last pod event (RV {c.last_event_rv(at)}), so re-watching from it gets ERROR 410")
        f = Findings()
        if not r.requests and r.outcome != "recovered":
            return _not_after_close(server, run, r)
        status_objects(f, run, m.wall)
        if r.outcome != "recovered":
            f.bug(_no_reconnect(run, r, f) + ("" if r.lists else ", never relisted"))
            return f.outcome(server)
        relisted = _recovered(f, run, r, at=at, bookmarks=False, need_relist=True)
        events(f, _verify(run), relisted=relisted)
        return f.outcome(server)


def storm_503(ctx: Context) -> Outcome:
    with ctx.start() as run:
        ctx.begin(run)
        run.replay.fault("http-status", status=503, path=PODS_PATH, count="always")
        m = run.mark()
        if not run.replay.fault("close", verb="watch", when="now"):
            return _no_open_watch(run, m)
        reqs, span = run.collect(m, LOOP_WINDOW)
        server = f"ended the watch cleanly, then answered every request for pods with HTTP 503 for {LOOP_WINDOW:g} s"
        r = Reaction(m, reqs, "exited" if run.proc.finished else "retrying", run.proc.exit_code, None, span)
        if not reqs:
            return _not_after_close(server, run, r)
        if run.proc.finished and len(reqs) <= 3:
            f = Findings()
            record(f, r)
            f.fact(f"gave up after {attempts(reqs)}: {stopped(run, r, m.wall)}; see close-then-5xx")
            return f.outcome(server, NA)
        rate = len(reqs) / span
        f = Findings()
        record(f, r)
        f.data["rate"] = rate
        f.fact(f"{_count(reqs)} in {seconds(span)} ({rate:.1f}/s): {attempts(reqs, 3)}")
        retries = r.wall_gaps()[1:]  # the first request is the re-watch after the clean close
        f.fact(backoff(retries) if retries else f"no retry within {LOOP_WINDOW:g} s of the first 503")
        if rate >= STORM_RATE:
            f.bug(f"reconnect storm: {rate:.0f} requests/s")
        if run.proc.finished:
            f.fact(f"then gave up: {stopped(run, r, m.wall)}")
        return f.outcome(server)


def no_initial_events_end(ctx: Context) -> Outcome:
    with ctx.start(faults=("no-initial-events-end:verb=watch,count=always",)) as run:
        w1 = run.first_watch(ctx.startup_timeout)
        server = "sent the initial events of a sendInitialEvents watch but never the initial-events-end bookmark"
        if w1 is None:
            raise NoWatch("the client made no watch request")
        ctx.probe.watched = True
        if not _truthy(w1.req.params.get("sendInitialEvents")):
            return Outcome(server, "its watches do not ask for sendInitialEvents", NA,
                           {"sendInitialEvents": w1.req.params.get("sendInitialEvents")})
        m = run.mark()
        r = run.react(m)
        f = Findings()
        if r.outcome == "hung":
            f.bug(f"no fallback: no new request for {run.wall_timeout:g} s while the initial events never ended")
        elif r.outcome == "exited":
            f.bug(_no_reconnect(run, r, f))
        else:
            f.fact(f"fell back: {attempts(r.requests)}")
        return f.outcome(server)


def deleted_before_watch(ctx: Context) -> Outcome:
    with ctx.start(faults=("slow:verb=list,delay=10,count=1",)) as run:
        first = run.first_request(ctx.startup_timeout)
        c = run.cluster
        gone = c.changes[0]
        server = (f"answered the LIST at RV {LIST_RV} with pod {gone.name} in it, and deleted that pod "
                  f"(t={gone.t:g} s, RV {gone.rv}) before the client's WATCH began")
        if first is None:
            raise NoWatch("the client made no list or watch request")
        if first.verb == "watch":
            ctx.probe.watched = True
            return Outcome(server, "watches without listing first", NA, {"first": first.short()})
        run.replay.advance_to(10.0)  # the deletion happens, then the list's body (still at RV 100) goes out
        w = run.first_watch(ctx.wall_timeout)
        f = Findings()
        if w is None:
            f.bug(f"no watch within {run.wall_timeout:g} s of its list")
            return f.outcome(server)
        ctx.probe.watched = True
        run.replay.advance_to(SYNC_AT)
        run.settle(SYNC_AT)
        rv = w.rv
        f.data["watch_rv"] = rv
        f.fact(f"watched from RV {rv}" if rv not in (None, "") else "watched with no resourceVersion")
        ev = run.check_events(SYNC_AT)
        run.proc.stop(grace=3.0)  # an informer prints its cache on SIGTERM
        p = run.printed()
        if p.final is not None:
            view: set[str] | None = set(p.final)
        elif ev is not None and not p.table:
            view = set()
            for typ, name in p.events:
                (view.discard if typ == "DELETED" else view.add)(name)
        else:
            view = None
        events(f, ev, relisted=False)
        f.data["stale"] = view is not None and gone.name in view
        if view is None:
            f.fact("its cache is not visible (no typed events, no FINAL lines)")
        elif gone.name in view:
            f.bug(f"kept the deleted pod in its {'cache' if p.final is not None else 'view'} (stale forever)")
        else:
            f.fact(f"dropped the deleted pod from its {'cache' if p.final is not None else 'view'}")
        return f.outcome(server)


SCENARIOS: tuple[Scenario, ...] = (
    Scenario("timeout-close", (2, 9, 10), "ends the watch cleanly at the randomized deadline after a long idle; "
             "expects a re-watch from the last event's (or bookmark's) RV, no relist, no lost or repeated event",
             timeout_close),
    Scenario("expire-in-stream", (5, 11), "ERROR 410 in the stream of the re-established watch, and once more on "
             "the next watch; expects a relist, and no Status handed over as an object", expire_in_stream),
    Scenario("repeated-410", (6,), "ERROR 410 on every watch for 4 s; expects a relist within a few attempts, "
             "not a loop on the pinned RV", repeated_410),
    Scenario("http-410", (7,), "HTTP 410 status (not an event) on the re-watch after a clean close; expects a "
             "relist", http_410),
    Scenario("reset-mid-event", (4,), "TCP reset halfway through an event line; expects a re-watch from the last "
             "complete event", reset_mid_event),
    Scenario("half-open-stall", (1,), "the open watch goes silent without closing; expects a re-watch within "
             "--wall-timeout", half_open_stall, background=True),
    Scenario("quiet-stream", (3,), "a healthy watch with no events for 45 s; expects the client to keep it",
             quiet_stream, background=True),
    Scenario("close-then-5xx", (12,), "clean close, then HTTP 503 and HTTP 429 (Retry-After: 2) on the next "
             "requests; expects the client to keep trying and watch again", close_then_5xx),
    Scenario("restart-newer-history", (8,), "apiserver restart: watches end, history compacted past the "
             "client's RV; expects a relist after the 410, not a loop", restart_newer_history),
    Scenario("storm-503", (13,), "clean close, then HTTP 503 on every request for 4 s; expects backoff "
             f"(a storm is {STORM_RATE:g} requests/s or more)", storm_503),
    Scenario("no-initial-events-end", (14,), "a sendInitialEvents watch without its initial-events-end bookmark; "
             "expects a fallback, not a wait forever (n/a unless the client asks for sendInitialEvents)",
             no_initial_events_end),
    Scenario("deleted-before-watch", (15,), "a pod deleted after the LIST was answered and before the WATCH; "
             "expects the deletion to reach the client's cache (n/a for watch-only clients)", deleted_before_watch),
)
BY_NAME = {s.name: s for s in SCENARIOS}
