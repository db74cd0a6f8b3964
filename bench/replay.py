"""Replay: events/s to one client at full speed, and timing fidelity at 1× with 1,000 concurrent watches."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
from pathlib import Path

from bench import client, procs, rawwatch, recordings, sendfloor, table
from bench.rawwatch import RawWatch
from bench.table import Row

FULL_SPEED_EXACT = 300_000
FULL_SPEED_EMULATE = 100_000
FIDELITY_WATCHES = 1000
FIDELITY_EVENTS = 25  # per watch
FIDELITY_PERIOD = 0.2  # seconds between two events of one watch
FIDELITY_FIRST = 0.5  # exact: the first event, seconds after the watch started
FIDELITY_EMULATE_START = 4.0  # emulate: virtual time of the first change (all watches are open by then)
OPEN_CONCURRENCY = 100  # watches being opened at once (the proxy's listen backlog is aiohttp's default, 128)
_RV = re.compile(rb'"resourceVersion":"(\d+)"')


def _replay(path: Path, mode: str, *extra: str, timeout: float = 60.0) -> procs.Server:
    return procs.Server(procs.proxy_argv("replay", str(path), "--mode", mode, "--listen", "127.0.0.1:0",
                                         *extra), timeout=timeout)


def full_speed(tmp: Path) -> list[Row]:
    rows = []
    rec = recordings.burst(tmp / "burst.msgpack", FULL_SPEED_EXACT)
    with _replay(rec.path, "exact") as px:
        d = client.measure(client.drain(px.url + recordings.COLLECTION + "?watch=1", rec.events))
    rec.path.unlink()
    ok = d.events == rec.events
    rows.append(Row("replay exact: events/s to one client, full speed (1 KB events)", table.rate(d.events_per_s),
                    target="≥ 200,000 ev/s", met=ok and d.events_per_s >= 200_000,
                    note=f"{d.events:,} events recorded at t=0 in {d.seconds:.2f} s"
                    + ("" if ok else f" (expected {rec.events:,})")))

    # Emulate: a watch from the list's resourceVersion sees every change; speed 1e4 makes them all due at once.
    # Then the same in protobuf, as client-go asks for it, against that JSON figure of the same run.
    rec = recordings.history(tmp / "history.msgpack", FULL_SPEED_EMULATE, 1.0, 1e-5)
    json_rate = 0.0
    for accept in ("", "application/vnd.kubernetes.protobuf, */*"):
        with _replay(rec.path, "emulate", "--speed", "10000") as px:
            q = f"?watch=1&resourceVersion={recordings.BASE_RV}"
            d = client.measure(client.drain(px.url + recordings.COLLECTION + q, rec.events, accept=accept))
        ok = d.events >= rec.events
        note = f"{d.events:,} changes, speed 10000" + ("" if ok else f" (expected {rec.events:,})")
        if not accept:
            json_rate = d.events_per_s
            rows.append(Row("replay emulate: events/s to one client, full speed (1 KB events)",
                            table.rate(d.events_per_s), target="≥ 200,000 ev/s",
                            met=ok and d.events_per_s >= 200_000, note=note))
        else:
            rows.append(Row("replay emulate: events/s to one client, full speed, in protobuf (client-go's Accept)",
                            table.rate(d.events_per_s), baseline=f"JSON {table.rate(json_rate)}",
                            ratio=f"{d.events_per_s / json_rate:.2f}×" if json_rate else "—", note=note))
    rec.path.unlink()
    return rows


async def _calibrate(base: str, samples: int = 7) -> tuple[float, float]:
    """(monotonic time, virtual time) at the same instant, from the control API: the midpoint of the
    quickest of a few round trips, taken while nothing else runs (the replay clock runs at speed 1)."""
    best: tuple[float, float, float] | None = None
    async with client.session() as s:
        for _ in range(samples):
            t0 = time.monotonic()
            async with s.get(base + "/_watchproxy/status") as r:
                v = float((await r.json())["virtual_time"])
            t1 = time.monotonic()
            if best is None or t1 - t0 < best[0]:
                best = (t1 - t0, (t0 + t1) / 2, v)
    assert best is not None
    return best[1], best[2]


async def _watch_all(base: str, watches: list[RawWatch], time_limit: float) -> tuple[float, float, float]:
    """Calibrate the clock, open every watch (OPEN_CONCURRENCY connecting at once) and wait until each has
    its events or ended; returns the calibration and when the last watch was connected (monotonic)."""
    mono, virtual = await _calibrate(base)
    gate = asyncio.Semaphore(OPEN_CONCURRENCY)
    transports: list[rawwatch.Reader] = []

    async def open_one(w: RawWatch) -> None:
        async with gate:  # held until the head arrives: never more connections waiting than the backlog
            try:
                transports.append(await rawwatch.open_watch(base, w))
                assert w.head is not None
                await w.head
            except OSError as exc:
                w.error = f"{type(exc).__name__}: {exc}"

    last_open = float("nan")
    try:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(time_limit):
                await asyncio.gather(*(open_one(w) for w in watches))
                last_open = time.monotonic()
                await asyncio.gather(*(w.done for w in watches if w.done is not None))
    finally:
        for t in transports:
            t.close()
    return mono, virtual, last_open


def _fidelity_row(mode: str, late: list[float], watches: list[RawWatch], complete: int, extra: str,
                  load: str = "") -> Row:
    errors = [w.error for w in watches if w.error]
    p99 = client.percentile(late, 99)
    return Row(f"replay {mode}: timing fidelity at 1×, actual − scheduled, p99, {len(watches):,} watches"
               + (f", {load}" if load else ""),
               table.ms(p99), target="≤ 10 ms", met=p99 <= 0.010 and complete == len(watches),
               note=f"{len(late):,} events; p50 {table.ms(client.percentile(late, 50))}, "
               f"max {table.ms(max(late) if late else float('nan'))}; {complete}/{len(watches)} watches complete"
               + extra + (f"; errors: {errors[:2]}" if errors else ""))


def fidelity_exact(tmp: Path) -> Row:
    """Each watch plays its own recorded exchange; events are scheduled from the watch's start, phases spread
    so the load is even (5,000 events/s in all)."""
    n, k, period = FIDELITY_WATCHES, FIDELITY_EVENTS, FIDELITY_PERIOD
    rec = recordings.many_watches(tmp / "fidelity-exact.msgpack", n, k, FIDELITY_FIRST, period)
    paths = [f"/api/v1/namespaces/ns-{i:04d}/configmaps" for i in range(n)]
    watches = [RawWatch(p + "?watch=1", k) for p in paths]
    with _replay(rec.path, "exact") as px:
        mono, virtual, _ = client.measure(_watch_all(px.url, watches, 60.0))
        starts = client.measure(_request_times(px.url))
    rec.path.unlink()
    # Exact replay schedules a watch's events from the moment its playback starts (t0), when it also sends the
    # response head. t0 is not observable from outside; it lies between the request's time in the control
    # API's log (lower bound) and both the head's arrival and every event's arrival minus its offset (upper
    # bounds, since nothing is sent early). The figure uses the upper bound: lateness relative to the
    # watch's own best-delivered event (understated by that event's delivery time, ~0.1 ms on loopback).
    # The lower bound adds the time a request waited for its playback to start while 1,000 were opening.
    late: list[float] = []
    late_req: list[float] = []
    complete = 0
    for i, w in enumerate(watches):
        offs = recordings.fidelity_offsets(i, n, k, FIDELITY_FIRST, period)
        head_at, status, got = w.events()
        got = got[:k]
        complete += status == 200 and len(got) == k
        if head_at is None or not got:
            continue
        t0 = min(head_at, *(t - offs[j] for j, (t, _) in enumerate(got)))
        v0 = starts.get(paths[i])
        for j, (t, _) in enumerate(got):
            late.append(t - (t0 + offs[j]))
            if v0 is not None:
                late_req.append(t - (mono + (v0 + offs[j] - virtual)))
    return _fidelity_row("exact", late, watches, complete, f"; {n / period:,.0f} events/s in all; p99 from "
                         f"each request's logged time instead (includes waiting for playback to start): "
                         f"{table.ms(client.percentile(late_req, 99))}")


async def _request_times(base: str) -> dict[str, float]:
    async with client.session() as s, s.get(base + "/_watchproxy/requests?verb=watch") as r:
        doc = json.loads(await r.read())
    return {e["path"]: float(e["virtual_time"]) for e in doc["requests"]}


def fidelity_emulate(tmp: Path, *, at_once: bool) -> Row:
    """Scheduled times are absolute (virtual time), mapped to this machine's monotonic clock through the
    control API's status. `at_once`: every watch sees every change of one resource (informers of one type in
    many clients), so each change is due in all 1,000 watches at the same instant, one every 0.2 s. Otherwise
    the load of the exact-mode figure: watch i follows namespace i, whose changes are phased so that 5,000
    events a second are spread evenly."""
    n, k, period = FIDELITY_WATCHES, FIDELITY_EVENTS, FIDELITY_PERIOD
    start = FIDELITY_EMULATE_START
    if at_once:
        rec = recordings.history(tmp / "fidelity-emulate.msgpack", k, start, period)
        due = {recordings.BASE_RV + 1 + j: start + j * period for j in range(k)}
        paths = [recordings.COLLECTION] * n
    else:
        rec, due = recordings.spread_history(tmp / "fidelity-emulate.msgpack", n, k, start, period)
        paths = [f"/api/v1/namespaces/ns-{i:04d}/configmaps" for i in range(n)]
    watches = [RawWatch(p + f"?watch=1&resourceVersion={recordings.BASE_RV}", k) for p in paths]
    with _replay(rec.path, "emulate") as px:
        mono, virtual, last_open = client.measure(_watch_all(px.url, watches, 60.0))
    rec.path.unlink()
    late: list[float] = []
    complete = 0
    for w in watches:
        _, status, got = w.events()
        complete += status == 200 and len(got) >= k
        for t, line in got[:k]:
            m = _RV.search(line)
            if m:
                late.append(t - (mono + (due[int(m.group(1))] - virtual)))
    extra = f"; {n / period:,.0f} events/s in all" + (
        "" if last_open < mono + (start - virtual) else "; watches opened after the first change")
    if at_once:
        extra += (f"; floor: one thread doing nothing but send() 1 KB to {sendfloor.CONNECTIONS:,} loopback "
                  f"connections (read by another process) takes {table.ms(sendfloor.round_seconds())} a round here")
    return _fidelity_row("emulate", late, watches, complete, extra,
                         "each change due in every watch at once" if at_once else "changes spread as in exact")
