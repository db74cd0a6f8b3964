"""A recording's timeline as one standalone SVG (or an HTML page around it): what happened when.

One lane per watch connection, events as coloured ticks on a seconds-since-start axis, each exchange's
ending marked where it ended. It has to stay small and readable for an hour of traffic with thousands of
events and hundreds of exchanges, so:

- ticks are bucketed: at most one mark per (lane, pixel column, event type), with the count in a tooltip;
  the file grows with lanes x width, not with events, and a burst of 500 initial ADDED events is one mark;
- successive watches with the same request from the same client (a client re-watching after each server
  close) share a lane, so the reconnect pattern reads left to right and the gap between an end marker and
  the next segment is the client's reconnect delay; another client's identical request gets a lane of its
  own (clients are told apart by their connection, which the recorder numbers, else by User-Agent);
- short non-watch exchanges (lists, gets, discovery) are small marks in one "requests" lane, and lanes
  beyond `max_lanes` merge into one overflow lane;
- the recording is streamed: the summary gives the lanes, then one pass fills the buckets. Memory is per
  lane and per exchange, never per event.

Only the standard library is used, so rendering works wherever the proxy runs.
"""

from __future__ import annotations

import math
import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO
from xml.sax.saxutils import escape, quoteattr

from ..recording.reader import RecordingReader
from ..recording.records import Frame
from ..wire.match import normalized_query
from .summary import ExchangeSummary, Summary, event_type, human_duration, summarize
from .tables import Filter, request_label, shorten

# Event types (and two kinds of non-event frames) -> CSS class and colour.
EVENT_STYLE: dict[str, tuple[str, str]] = {
    "ADDED": ("eA", "#2ca02c"),
    "MODIFIED": ("eM", "#1f77b4"),
    "DELETED": ("eD", "#d62728"),
    "BOOKMARK": ("eB", "#a8a8a8"),
    "ERROR": ("eE", "#ff7f0e"),
    "FRAME": ("eF", "#8c564b"),  # a watch frame whose type could not be read (protobuf, torn)
    "BODY": ("eP", "#c9b27c"),  # a piece of a non-watch body (a long list, a log stream)
}
# Drawn in this order, so the rare and important types end up on top.
_DRAW_ORDER = ("BODY", "FRAME", "BOOKMARK", "ADDED", "MODIFIED", "DELETED", "ERROR")
# Requests in the requests lane: one band each, top to bottom.
REQUEST_STYLE: dict[str, tuple[str, str, str]] = {
    "list": ("rL", "#17becf", "list"),
    "get": ("rG", "#9467bd", "get"),
    "discovery": ("rD", "#b0b0b0", "discovery / version"),
    "other": ("rO", "#e377c2", "other (create, patch, …)"),
    "failed": ("rX", "#000000", "failed (HTTP ≥ 400 or no answer)"),
}
ENDINGS = {
    "server-closed": "server closed",
    "client-closed": "client closed",
    "upstream-error": "upstream error",
    "complete": "complete",
    "error-status": "complete, HTTP ≥ 400",
    "not-forwarded": "not forwarded",
    "open": "still open at the end",
}

LABEL_W = 430  # room for a 60-character label in 11px monospace
LANE_H = 14
REQ_LANE_H = 26
TOP = 152
_CHAR_W = 6.7  # advance of an 11px monospace character: legend entries are placed with it
_SAMPLES = 3  # request labels kept per requests-lane bucket, for its tooltip


@dataclass
class _Lane:
    key: tuple[str, str, str, str]  # client, method, path, query
    label: str
    exchanges: list[ExchangeSummary] = field(default_factory=list)
    busy_until: float = -1.0
    buckets: Counter[tuple[int, str]] = field(default_factory=Counter)
    events: int = 0
    merged_lanes: int = 0  # >0 for the overflow lane


@dataclass
class _RequestsLane:
    buckets: Counter[tuple[int, str]] = field(default_factory=Counter)
    # Up to _SAMPLES distinct requests per bucket with their counts: a lease renewed every 2 s is one line.
    samples: dict[tuple[int, str], Counter[str]] = field(default_factory=dict)
    count: int = 0
    height: int = REQ_LANE_H


@dataclass
class TimelineStats:
    """What was drawn; tests and the CLI report it."""

    lanes: int  # watch/stream lanes, the overflow lane included, the requests lane not
    requests_lane: bool
    ticks: int  # event marks drawn (after bucketing)
    events: int  # frames counted into those marks
    requests: int  # exchanges drawn as marks in the requests lane
    markers: int  # ending markers drawn (exchanges in lanes whose end falls inside the window)
    width: int
    height: int
    bytes: int


class _Scale:
    """Seconds since the recording started <-> pixel columns of the plot."""

    def __init__(self, t0: float, t1: float, width: int) -> None:
        self.t0, self.t1, self.width = t0, max(t1, t0 + 1e-3), width
        self.spp = (self.t1 - self.t0) / width  # seconds per pixel

    def col(self, t: float) -> int:
        return min(self.width - 1, max(0, int((t - self.t0) / self.spp)))

    def x(self, t: float) -> float:
        return min(float(self.width), max(0.0, (t - self.t0) / self.spp))

    def col_range(self, c: int) -> tuple[float, float]:
        return self.t0 + c * self.spp, self.t0 + (c + 1) * self.spp


def _axis_step(span: float) -> float:
    for step in (0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800,
                 21600, 43200, 86400):
        if span / step <= 12:
            return float(step)
    return 86400.0 * math.ceil(span / 86400 / 12)


def axis_label(s: float, step: float) -> str:
    """`0s`, `30s`, `5m`, `1h30m`: tick labels a reader takes in at a glance."""
    if step < 1:
        return f"{s:.1f}s"
    total = round(s)
    h, rest = divmod(total, 3600)
    m, sec = divmod(rest, 60)
    parts = [f"{h}h" if h else "", f"{m}m" if m else "", f"{sec}s" if sec else ""]
    return "".join(parts) or "0s"


def _clean(text: str) -> str:
    """Text safe for XML 1.0 (recorded paths and error messages may hold control characters)."""
    return "".join(c if (c >= " " or c in "\t\n") and c not in "\ufffe\uffff" else "?" for c in text)


def _esc(text: str) -> str:
    return escape(_clean(text))


def _attr(text: str) -> str:
    return quoteattr(_clean(text))


def _request_kind(e: ExchangeSummary) -> str:
    if e.status is None or e.status >= 400 or e.end in ("upstream-error", "not-forwarded"):
        return "failed"
    return e.kind if e.kind in ("list", "get", "discovery") else "other"


def _ending(e: ExchangeSummary) -> str:
    if e.end == "complete" and e.status is not None and e.status >= 400:
        return "error-status"
    return e.end if e.end in ENDINGS else "open"


@dataclass
class _Layout:
    scale: _Scale
    requests: _RequestsLane | None
    lanes: list[_Lane]
    lane_of: dict[int, _Lane]
    streaming: set[int]


def _layout(s: Summary, flt: Filter, width: int, max_lanes: int) -> _Layout:
    t0 = flt.since if flt.since is not None else 0.0
    t1 = flt.until if flt.until is not None else s.duration
    scale = _Scale(t0, max(t1, t0), width)
    own_min = max(10.0, 4 * scale.spp)  # a non-watch exchange this long gets a lane of its own
    requests = _RequestsLane()
    lanes: list[_Lane] = []
    by_key: dict[tuple[str, str, str, str], list[_Lane]] = {}
    chosen = sorted((e for e in s.exchanges.values() if flt.exchange_ok(e, s.duration)),
                    key=lambda e: (e.start, e.id))
    for e in chosen:
        end = e.end_t if e.end_t is not None else s.duration
        if e.kind != "watch" and end - e.start < own_min:
            kind = _request_kind(e)
            b = (scale.col(e.start) // 2 * 2, kind)  # 2px marks, so 2px buckets: half the elements
            requests.buckets[b] += 1
            requests.count += 1
            samples = requests.samples.setdefault(b, Counter())
            label = f"{request_label(e.method, e.path, e.query, 80)} \u2192 {e.status or e.end}"
            if label in samples or len(samples) < _SAMPLES:
                samples[label] += 1
            continue
        key = (e.client, e.method, e.path, normalized_query(e.query))  # another client's request: its own lane
        lane = next((ln for ln in by_key.get(key, []) if ln.busy_until <= e.start), None)
        if lane is None:
            who = e.agent.split(" ", 1)[0]
            lane = _Lane(key, f"{e.method} {e.path}" + (f"?{key[3]}" if key[3] else "") + (f" ({who})" if who else ""))
            lanes.append(lane)
            by_key.setdefault(key, []).append(lane)
        lane.exchanges.append(e)
        lane.busy_until = max(lane.busy_until, end)
    if len(lanes) > max_lanes:
        kept, rest = lanes[: max_lanes - 1], lanes[max_lanes - 1:]
        over = _Lane(("", "", "", ""), "", merged_lanes=len(rest))
        for ln in rest:
            over.exchanges.extend(ln.exchanges)
        over.exchanges.sort(key=lambda e: (e.start, e.id))
        over.label = f"+{len(rest)} more lanes ({len(over.exchanges)} exchanges) merged"
        lanes = [*kept, over]
    lane_of = {e.id: ln for ln in lanes for e in ln.exchanges}
    streaming = {e.id for ln in lanes for e in ln.exchanges if e.kind == "watch" and e.status == 200}
    return _Layout(scale, requests if requests.count else None, lanes, lane_of, streaming)


def _fill(path: str, lay: _Layout, flt: Filter) -> int:
    """The one streaming pass: count every frame into its lane's (column, type) bucket."""
    counted = 0
    with RecordingReader(path) as reader:
        for rec in reader.records():
            if not isinstance(rec, Frame):
                continue
            lane = lay.lane_of.get(rec.ex)
            if lane is None or not flt.time_ok(rec.t) or not (lay.scale.t0 <= rec.t <= lay.scale.t1):
                continue
            typ = event_type(rec.data) if rec.ex in lay.streaming else "BODY"
            if typ not in EVENT_STYLE:
                typ = "FRAME"
            lane.buckets[(lay.scale.col(rec.t), typ)] += 1
            lane.events += 1
            counted += 1
    return counted


def _style() -> str:
    rules = [f".{cls}{{fill:{colour}}}" for cls, colour in EVENT_STYLE.values()]
    rules += [f".{cls}{{fill:{colour}}}" for cls, colour, _ in REQUEST_STYLE.values()]
    rules += [
        "text{fill:#222}", ".title{font:bold 15px sans-serif}", ".sub{font:11px sans-serif;fill:#555}",
        ".lg{font:11px monospace}", ".ax{font:10px sans-serif;fill:#555}", ".lb{font:11px monospace}",
        ".lbm{font:11px monospace;fill:#888}", ".grid{stroke:#e2e2e2;stroke-width:1}",
        ".zebra{fill:#f6f6f6}", ".seg{fill:#dde6f2}", ".eE{stroke:#000;stroke-width:0.6}",
        ".mk{stroke:#222;stroke-width:1.2}", ".mS{fill:#222}", ".mC{fill:#fff}",
        ".mU{fill:none;stroke:#c2185b;stroke-width:2.2}", ".mK{fill:#666}", ".mH{fill:#d62728}",
        ".mN{fill:#fff;stroke:#999}", ".mO{fill:#fff;stroke:#222}",
    ]
    return "".join(rules)


def _marker(how: str, x: float, y: float, title: str) -> str:
    """The ending marker: a distinct shape per way an exchange can end (shape, not only colour, so the
    picture survives greyscale printing)."""
    t = f"<title>{_esc(title)}</title>"
    if how == "server-closed":
        return f'<circle class="mk mS" cx="{x:.1f}" cy="{y:.1f}" r="3.6">{t}</circle>'
    if how == "client-closed":
        return f'<circle class="mk mC" cx="{x:.1f}" cy="{y:.1f}" r="3.4">{t}</circle>'
    if how == "upstream-error":
        d = 3.8
        return (f'<path class="mU" d="M{x - d:.1f},{y - d:.1f}L{x + d:.1f},{y + d:.1f}'
                f'M{x - d:.1f},{y + d:.1f}L{x + d:.1f},{y - d:.1f}">{t}</path>')
    if how in ("complete", "error-status"):
        cls = "mH" if how == "error-status" else "mK"
        return f'<rect class="mk {cls}" x="{x - 3:.1f}" y="{y - 3:.1f}" width="6" height="6">{t}</rect>'
    if how == "not-forwarded":
        return (f'<path class="mN" d="M{x:.1f},{y - 4:.1f}L{x + 4:.1f},{y:.1f}L{x:.1f},{y + 4:.1f}'
                f'L{x - 4:.1f},{y:.1f}Z">{t}</path>')
    return (f'<path class="mO" d="M{x - 5:.1f},{y - 4:.1f}L{x:.1f},{y:.1f}L{x - 5:.1f},{y + 4:.1f}Z">'
            f"{t}</path>")


def _tick_height(n: int, inner: int) -> float:
    """Taller for more events in the column: density reads without hovering."""
    return min(float(inner), 6.0 + 1.5 * math.log2(n))


def _legend(x: float, y: float) -> list[str]:
    out = [f'<text class="lg" x="{x}" y="{y + 9}">events:</text>']
    start = x + 80
    cx = start
    names = {"FRAME": "unreadable frame", "BODY": "body piece (non-watch)"}
    for typ in ("ADDED", "MODIFIED", "DELETED", "BOOKMARK", "ERROR", "FRAME", "BODY"):
        cls = EVENT_STYLE[typ][0]
        w = 4 if typ == "ERROR" else 3
        out.append(f'<rect class="{cls}" x="{cx}" y="{y}" width="{w}" height="11"/>')
        label = names.get(typ, typ)
        out.append(f'<text class="lg" x="{cx + 8}" y="{y + 9}">{_esc(label)}</text>')
        cx += 22 + _CHAR_W * len(label)
    y2 = y + 18
    out.append(f'<text class="lg" x="{x}" y="{y2 + 9}">endings:</text>')
    cx = start
    for how, label in ENDINGS.items():
        out.append(_marker(how, cx + 5, y2 + 5.5, label))
        out.append(f'<text class="lg" x="{cx + 13}" y="{y2 + 9}">{_esc(label)}</text>')
        cx += 30 + _CHAR_W * len(label)
    y3 = y2 + 18
    out.append(f'<text class="lg" x="{x}" y="{y3 + 9}">requests:</text>')
    cx = start
    for cls, _colour, label in REQUEST_STYLE.values():
        out.append(f'<rect class="{cls}" x="{cx}" y="{y3 + 1}" width="3" height="9"/>')
        out.append(f'<text class="lg" x="{cx + 8}" y="{y3 + 9}">{_esc(label)}</text>')
        cx += 22 + _CHAR_W * len(label)
    y4 = y3 + 18
    out.append(f'<text class="lg" x="{x}" y="{y4 + 9}">lanes:</text>')
    out.append(f'<rect class="seg" x="{start}" y="{y4 + 1}" width="22" height="9"/>')
    out.append(f'<text class="lg" x="{start + 28}" y="{y4 + 9}">exchange open; one lane per repeated request '
               f'(\u00d7N: how many), marks are bucketed per pixel (hover for counts)</text>')
    return out


def _ticks(w: Callable[[str], object], buckets: list[tuple[tuple[int, str], int]], sc: _Scale) -> int:
    """One mark per bucket, its count and time span in the tooltip.

    Types sharing a column are stacked (each at least 3px) rather than drawn over each other, so a rare
    ADDED among many MODIFIED stays visible; ERROR is drawn wider and on its own, on top.
    """
    mid = LANE_H / 2
    columns: dict[int, list[tuple[str, int]]] = {}
    for (c, typ), n in buckets:
        columns.setdefault(c, []).append((typ, n))
    for c, items in columns.items():
        lo, hi = sc.col_range(c)
        when = f"{human_duration(lo)}\u2013{human_duration(hi)}"
        stack = [(t, n) for t, n in items if t != "ERROR"]
        total = sum(n for _, n in stack)
        height = _tick_height(total, LANE_H - 2) if stack else 0.0
        floor = min(3.0, height / max(1, len(stack)))
        spare = height - floor * len(stack)
        y = mid + height / 2
        for typ, n in stack:
            th = floor + spare * n / total
            y -= th
            w(f'<rect class="t {EVENT_STYLE[typ][0]}" x="{c}" y="{y:.1f}" width="1" height="{th:.1f}">'
              f"<title>{_esc(f'{when}: {n} {typ}')}</title></rect>\n")
        for typ, n in items:
            if typ == "ERROR":
                th = _tick_height(n, LANE_H - 2)
                w(f'<rect class="t {EVENT_STYLE[typ][0]}" x="{c - 1}" y="{mid - th / 2:.1f}" width="3" '
                  f'height="{th:.1f}"><title>{_esc(f"{when}: {n} {typ}")}</title></rect>\n')
    return len(buckets)


def _write_svg(out: TextIO, s: Summary, lay: _Layout, flt: Filter, title: str) -> tuple[int, int, int, int]:
    sc = lay.scale
    x0 = LABEL_W + 10
    width = x0 + sc.width + 24
    lanes_h = (lay.requests.height if lay.requests else 0) + LANE_H * len(lay.lanes)
    height = TOP + max(lanes_h, LANE_H) + 34
    w = out.write
    w(f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
      f'viewBox="0 0 {width} {height}" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" '
      'font-size="11">\n')
    w(f"<title>{_esc(title)}</title>\n<style>{_style()}</style>\n")
    w(f'<rect x="0" y="0" width="{width}" height="{height}" fill="#fff"/>\n')
    # Title line and what is shown.
    h = s.header
    kinds = ", ".join(f"{k} {n}" for k, n in sorted(s.by_kind().items()))
    events = sum(sum(e.events.values()) for e in s.watches)
    sub = (f"started {h.started_at or '?'}, {human_duration(s.duration)}, {len(s.exchanges)} exchanges"
           + (f" ({kinds})" if kinds else "") + f", {events:,} watch events"
           + (", synthesized" if h.synthesized else "")
           + (", WARNING: the last record is truncated" if s.torn_tail else ""))
    shown = f"shown: {axis_label(sc.t0, 1)} to {axis_label(sc.t1, 1)}, 1 px = {human_duration(sc.spp)}"
    if flt.active:
        shown += f"; filter: {flt.describe()}"
    w(f'<text class="title" x="10" y="22">{_esc(title)}</text>\n')
    w(f'<text class="sub" x="10" y="39">{_esc(sub)}</text>\n')
    w(f'<text class="sub" x="10" y="54">{_esc(shown)}</text>\n')
    w("\n".join(_legend(10, 62)) + "\n")
    # Lane backgrounds, grid and axes.
    lane_top = TOP
    bottom = TOP + lanes_h
    ys: list[int] = []
    y = lane_top
    if lay.requests:
        ys.append(y)
        y += lay.requests.height
    for _ in lay.lanes:
        ys.append(y)
        y += LANE_H
    for i, ly in enumerate(ys):
        if i % 2 == 1:
            hh = lay.requests.height if (lay.requests and i == 0) else LANE_H
            w(f'<rect class="zebra" x="0" y="{ly}" width="{width}" height="{hh}"/>\n')
    step = _axis_step(sc.t1 - sc.t0)
    t = math.ceil(sc.t0 / step - 1e-9) * step
    while t <= sc.t1 + 1e-9:
        gx = x0 + sc.x(t)
        lab = _esc(axis_label(t, step))
        w(f'<line class="grid" x1="{gx:.1f}" y1="{lane_top - 4}" x2="{gx:.1f}" y2="{bottom + 4}"/>'
          f'<text class="ax" x="{gx:.1f}" y="{lane_top - 7}" text-anchor="middle">{lab}</text>'
          f'<text class="ax" x="{gx:.1f}" y="{bottom + 16}" text-anchor="middle">{lab}</text>\n')
        t += step
    w(f'<text class="ax" x="{x0 + sc.width}" y="{bottom + 29}" text-anchor="end">'
      "seconds since the recording started</text>\n")
    ticks = 0
    i = 0
    if lay.requests:
        rq = lay.requests
        ly = ys[0]
        w(f'<g class="lane requests" transform="translate({x0},{ly})">\n')
        band = (rq.height - 4) / len(REQUEST_STYLE)
        for (c, kind), n in sorted(rq.buckets.items()):
            cls = REQUEST_STYLE[kind][0]
            bi = list(REQUEST_STYLE).index(kind)
            lo, hi = sc.col_range(c)[0], sc.col_range(c + 1)[1]
            plural = "s" if n > 1 else ""
            tip = f"{human_duration(lo)}\u2013{human_duration(hi)}: {n} {kind} request{plural}\n"
            kept = rq.samples.get((c, kind), Counter())
            tip += "\n".join(f"{k} \u00d7{m}" if m > 1 else k for k, m in kept.items())
            tip += "\n\u2026" if n > sum(kept.values()) else ""
            w(f'<rect class="rq {cls}" x="{c}" y="{2 + bi * band:.1f}" width="2" height="{band - 0.6:.1f}">'
              f"<title>{_esc(tip)}</title></rect>\n")
        w("</g>\n")
        w(f'<text class="lb" x="8" y="{ly + rq.height / 2 + 4:.1f}">requests ({rq.count:,})'
          "<title>short non-watch exchanges: lists, gets, discovery, others; hover a mark for details"
          "</title></text>\n")
        i = 1
    drawn = 0
    for lane in lay.lanes:
        ly = ys[i]
        i += 1
        mid = LANE_H / 2
        w(f'<g class="lane" transform="translate({x0},{ly})">\n')
        for e in lane.exchanges:
            end = e.end_t if e.end_t is not None else s.duration
            xs, xe = sc.x(e.start), sc.x(end)
            evs = ", ".join(f"{k} {v}" for k, v in sorted(e.events.items())) or "no events"
            tip = (f"#{e.id} {e.method} {e.path}" + (f"?{e.query}" if e.query else "")
                   + f"\nstatus {e.status}, {human_duration(e.start)} + {human_duration(e.duration)}, {evs}")
            w(f'<rect class="seg" x="{xs:.1f}" y="2" width="{max(1.0, xe - xs):.1f}" height="{LANE_H - 4}">'
              f"<title>{_esc(tip)}</title></rect>\n")
        # Ticks, then ending markers, then ERROR ticks: a 410 right before its stream ends stays visible.
        ordered = sorted(lane.buckets.items(), key=lambda b: (_DRAW_ORDER.index(b[0][1]), b[0][0]))
        ticks += _ticks(w, [b for b in ordered if b[0][1] != "ERROR"], sc)
        for e in lane.exchanges:
            end = e.end_t if e.end_t is not None else s.duration
            if not (sc.t0 <= end <= sc.t1):
                continue
            how = _ending(e)
            tip = (f"#{e.id} ended {ENDINGS[how]} after {human_duration(e.duration)}"
                   + (f" (HTTP {e.status})" if e.status not in (None, 200) else "")
                   + (f": {e.end_error}" if e.end_error else ""))
            w(_marker(how, sc.x(end), mid, tip) + "\n")
            drawn += 1
        ticks += _ticks(w, [b for b in ordered if b[0][1] == "ERROR"], sc)
        w("</g>\n")
        n_ex = len(lane.exchanges)
        suffix = f" \u00d7{n_ex}" if n_ex > 1 and not lane.merged_lanes else ""
        text = lane.label if lane.merged_lanes else shorten(lane.label, 60 - len(suffix))
        full = (f"{lane.label}\n{n_ex} exchange{'s' if n_ex > 1 else ''}, {lane.events:,} frames"
                + ("" if lane.merged_lanes else "\n(resourceVersion and timeouts left out)"))
        cls = "lbm" if lane.merged_lanes else "lb"
        w(f'<text class="{cls}" x="8" y="{ly + mid + 4:.1f}">{_esc(text)}'
          f'<tspan fill="#888">{_esc(suffix)}</tspan><title>{_esc(full)}</title></text>\n')
    if not lay.requests and not lay.lanes:
        w(f'<text class="sub" x="{x0 + 60}" y="{lane_top + 11}">nothing to show'
          + (f" for {_esc(flt.describe())}" if flt.active else "") + "</text>\n")
    w("</svg>\n")
    return ticks, drawn, width, height


def render_timeline(recording: str | os.PathLike[str], out_path: str | os.PathLike[str], *,
                    summary: Summary | None = None, flt: Filter | None = None, width: int = 1000,
                    max_lanes: int = 150) -> TimelineStats:
    """Write the timeline of `recording` to `out_path` (SVG, or HTML if it ends with .html/.htm).

    `summary` saves a pass when the caller already has one; `width` is the plot width in pixels, which is
    also the number of time buckets per lane.
    """
    if width < 50:
        raise ValueError("timeline width must be at least 50 pixels")
    if max_lanes < 2:
        raise ValueError("max_lanes must be at least 2")
    rec_path = str(recording)
    s = summary if summary is not None else summarize(rec_path)
    flt = flt or Filter()
    lay = _layout(s, flt, width, max_lanes)
    counted = _fill(rec_path, lay, flt)
    title = f"watchproxy timeline: {Path(s.path).name}"
    out = Path(out_path)
    html = out.suffix.lower() in (".html", ".htm")
    with open(out, "w", encoding="utf-8") as f:
        if html:
            f.write("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
                    f"<title>{_esc(title)}</title><style>body{{margin:8px;background:#fff}}</style>"
                    "</head><body>\n")
        ticks, drawn, w, h = _write_svg(f, s, lay, flt, title)
        if html:
            f.write("</body></html>\n")
    return TimelineStats(lanes=len(lay.lanes), requests_lane=lay.requests is not None, ticks=ticks,
                         events=counted, requests=lay.requests.count if lay.requests else 0,
                         markers=drawn, width=w, height=h, bytes=out.stat().st_size)
