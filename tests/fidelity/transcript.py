"""What a client sees of one request, and the comparison of the real apiserver's answer with emulate's.

A transcript keeps what clients read: the status, the headers they act on, the body (parsed), each watch
event with its time since the request, and how the stream ended. `differences` compares two after the
normalization in NORMALIZED — a short list, each entry with its reason, printed into docs/fidelity.md.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

# Headers a client acts on; the others (Audit-Id, Date, the priority-and-fairness uids) differ per server.
COMPARED_HEADERS = ("content-type", "content-encoding", "cache-control")

NORMALIZED = {
    "Audit-Id, Date and X-Kubernetes-Pf-* headers": "unique per request or per server; no client reads them",
    "chunked or Content-Length on non-watch bodies": "Go's net/http chooses by body size and flush; a client "
                                                     "reads the same bytes either way (watches must be chunked "
                                                     "and are compared)",
    "an unbounded watch's events after the earlier of the two closes, and its pre-deadline bookmark": (
        "each server draws the close at random in [min, 2·min) (both are checked to be in that range), and "
        "the bookmark 2 s before it moves with it"),
    "a continue token's resourceVersion": "compared as the list's own resourceVersion (see the accepted "
                                          "differences), its start key exactly",
    "the moment of each event": "compared to 0.5 s, plus however much later than emulate the real server began "
                                "its answer: events are recorded with the real server's timing and replayed on a "
                                "manual clock, which is advanced in 0.1 s steps, and a watch from now first waits "
                                "for the real watch cache to be fresh (longer on a busy machine)",
    "ages in Table cells (`1s`, an event's Last Seen)": "to one second: each server computes them from its "
                                                        "own clock at the moment it answers",
    "bookmarks other than the initial-events-end one": (
        "compared by resourceVersion, in order, a repeat of the same one folded into one, and their time to "
        "1.25 s: the apiserver's cacher sends them at the ticks of a 1-second timer with 25 % jitter whose "
        "phase is its own, so whether a tick falls before or after a change is chance: a tick bookmark and an "
        "event within a tick of it in opposite orders on the two sides are not compared by resourceVersion, "
        "only each against its own stream"),
}


@dataclass
class Transcript:
    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    chunked: bool = False
    body: Any = None  # the parsed JSON of a non-watch answer (or its text when it is not JSON)
    events: list[tuple[float, Any]] = field(default_factory=list)  # (seconds since the request, event)
    end: str = ""  # "complete", "server-closed" or "error: …"
    ended_after: float | None = None  # seconds since the request, for watches
    answered_after: float = 0.0  # seconds from the request to the response's head

    def to_json(self) -> dict[str, Any]:
        return {"status": self.status, "headers": self.headers, "chunked": self.chunked, "body": self.body,
                "events": [[round(t, 2), e] for t, e in self.events], "end": self.end,
                "ended_after": self.ended_after}


async def capture(http: aiohttp.ClientSession, url: str, headers: dict[str, str], watch: bool,
                  now: Callable[[], float], opened: Callable[[], None] = lambda: None) -> Transcript:
    """Send one GET and read its answer to the end; `now()` is the clock event times are taken from
    (the loop's for the real server, the replay's virtual clock for emulate). `opened()` is called once
    the response head has arrived (and, for a non-watch, its whole body)."""
    t0 = now()
    tr = Transcript()
    try:
        async with http.get(url, headers=headers) as resp:
            tr.answered_after = now() - t0
            tr.status = resp.status
            tr.headers = {k.lower(): v for k, v in resp.headers.items() if k.lower() in COMPARED_HEADERS}
            tr.chunked = resp.headers.get("Transfer-Encoding", "") == "chunked"
            streaming = watch and resp.status == 200
            if not streaming:
                raw = await resp.read()
                tr.body = _parse(raw)
                tr.end = "complete"
                opened()
                return tr
            opened()
            while line := await resp.content.readline():
                tr.events.append((now() - t0, _parse(line)))
            tr.end = "server-closed"
    except aiohttp.ClientError as e:
        tr.end = f"error: {type(e).__name__}"
        opened()
    tr.ended_after = now() - t0
    return tr


def _continue_as_key(body: Any) -> Any:
    """A list whose continue token holds the list's own resourceVersion, with the token shown as the key it
    starts from: the resourceVersion is then compared once, as the list's."""
    meta = body.get("metadata") if isinstance(body, dict) else None
    token = meta.get("continue") if isinstance(meta, dict) else None
    if not token:
        return body
    try:
        doc = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except ValueError:
        return body
    if not isinstance(doc, dict) or str(doc.get("rv")) != str(meta.get("resourceVersion")):
        return body
    return {**body, "metadata": {**meta, "continue": f"(from {doc.get('start')!r})"}}


def _parse(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode("utf-8", "replace")


def differences(real: Transcript, emulated: Transcript, *, unbounded: bool,
                min_request_timeout: float = 0.0) -> list[str]:
    """Each way the emulated answer differs from the real one, as short readable lines; an unbounded watch's
    close must fall in [min, 2·min) on both sides (plus half a second for the request's way in)."""
    out: list[str] = []
    if unbounded and min_request_timeout:
        for side, tr in (("real", real), ("emulated", emulated)):
            if tr.ended_after is not None and not (
                    min_request_timeout - 0.5 <= tr.ended_after < 2 * min_request_timeout + 0.5):
                out.append(f"{side} close after {tr.ended_after:.1f} s, outside [min, 2·min)")
    if real.status != emulated.status:
        out.append(f"status {real.status} ≠ {emulated.status}")
    for h in COMPARED_HEADERS:
        if real.headers.get(h) != emulated.headers.get(h):
            out.append(f"header {h}: {real.headers.get(h)!r} ≠ {emulated.headers.get(h)!r}")
    if real.events or emulated.events or real.end == "server-closed":
        if real.chunked != emulated.chunked:
            out.append(f"chunked {real.chunked} ≠ {emulated.chunked}")
        out += _event_differences(real, emulated, unbounded)
    elif (a := _continue_as_key(real.body)) != (b := _continue_as_key(emulated.body)):
        out += [f"body: {d}" for d in _json_diff(a, b)]
    out = [d for d in out if not _AGE_CELL.search(d) or not _ages_within_a_second(d)]
    if real.end != emulated.end:
        out.append(f"end {real.end} ≠ {emulated.end}")
    return out


_AGE_CELL = re.compile(r'\.rows\[\d+\]\.cells\[\d+\]: "(\d+)s" ≠ "(\d+)s"$')


def _ages_within_a_second(difference: str) -> bool:
    m = _AGE_CELL.search(difference)
    return m is not None and abs(int(m.group(1)) - int(m.group(2))) <= 1


def _event_differences(real: Transcript, emulated: Transcript, unbounded: bool) -> list[str]:
    a, b = _fold_bookmarks(real.events), _fold_bookmarks(emulated.events)
    if unbounded and real.ended_after is not None and emulated.ended_after is not None:
        cut = min(real.ended_after, emulated.ended_after) - 0.5
        a = [e for e in _without_final_bookmark(a, real.ended_after) if e[0] < cut]
        b = [e for e in _without_final_bookmark(b, emulated.ended_after) if e[0] < cut]
        # an event within the timing tolerance of the cut may fall on either side of it in each transcript
        if len(a) != len(b):
            longer, n = (a, len(b)) if len(a) > len(b) else (b, len(a))
            if all(t >= cut - 1.0 for t, _ in longer[n:]):
                a, b = a[:n], b[:n]
    out: list[str] = []
    late = max(0.0, real.answered_after - emulated.answered_after)
    a, b = _without_tick_races(a, b, TICK_TOLERANCE + late)
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x[1] != y[1]:
            what = "event" if not _is_bookmark(x[1]) or _is_tick_bookmark(x[1]) else "initial-events-end bookmark"
            out += [f"{what} {i}: {d}" for d in _json_diff(x[1], y[1])]
        elif abs(x[0] - y[0]) > (TICK_TOLERANCE if _is_tick_bookmark(x[1]) else 0.5) + late:
            out.append(f"event {i} ({_label(x[1])}): at {x[0]:.1f} s ≠ {y[0]:.1f} s")
    if len(a) != len(b):
        out.append(f"{len(a)} events ≠ {len(b)}: real {[_label(e) for _, e in a]} / "
                   f"emulated {[_label(e) for _, e in b]}")
    if not unbounded and real.ended_after is not None and emulated.ended_after is not None \
            and abs(real.ended_after - emulated.ended_after) > 0.6:
        out.append(f"ended after {real.ended_after:.1f} s ≠ {emulated.ended_after:.1f} s")
    return out


TICK_TOLERANCE = 1.25  # seconds: the cacher's 1-second bookmark timer with its 25 % jitter


def _without_tick_races(a: list[tuple[float, Any]], b: list[tuple[float, Any]],
                        tolerance: float) -> tuple[list[tuple[float, Any]], list[tuple[float, Any]]]:
    """Both transcripts without the tick bookmarks of a race: one side sent a tick bookmark just before an
    event and the other the same event just before its tick bookmark, each pair within a tick of each
    other. The cacher's one loop selects between a due bookmark and an incoming event, so that order is
    chance; each such bookmark must still be consistent with its own stream (not older than the event
    before it), or it is kept and compared."""
    a, b = list(a), list(b)
    i = 0
    while i + 1 < min(len(a), len(b)):
        for first, second in ((a, b), (b, a)):
            (tb, bookmark), (te, event) = first[i], first[i + 1]
            (te2, event2), (tb2, bookmark2) = second[i], second[i + 1]
            if (_is_tick_bookmark(bookmark) and _is_tick_bookmark(bookmark2) and not _is_bookmark(event)
                    and event == event2 and abs(tb - tb2) <= tolerance
                    and abs(te - tb) <= tolerance and abs(tb2 - te2) <= tolerance
                    and _not_older(bookmark, first[:i]) and _not_older(bookmark2, second[:i + 1])):
                del first[i], second[i + 1]
                break
        i += 1
    return a, b


def _not_older(bookmark: Any, before: list[tuple[float, Any]]) -> bool:
    versions = [_rv(e) for _, e in before if _rv(e).isdigit()]
    return not versions or (_rv(bookmark).isdigit() and int(_rv(bookmark)) >= int(versions[-1]))


def _is_bookmark(event: Any) -> bool:
    return isinstance(event, dict) and event.get("type") == "BOOKMARK"


def _is_tick_bookmark(event: Any) -> bool:
    """A bookmark sent at a cacher tick (not the initial-events-end one, which comes with the initial events)."""
    if not isinstance(event, dict) or event.get("type") != "BOOKMARK":
        return False
    obj = event.get("object") or {}
    if obj.get("kind") == "Table" and obj.get("rows"):  # a Table watch's bookmark is a Table of one row
        obj = obj["rows"][0].get("object") or {}
    meta = obj.get("metadata") or {}
    return "k8s.io/initial-events-end" not in (meta.get("annotations") or {})


def _fold_bookmarks(events: list[tuple[float, Any]]) -> list[tuple[float, Any]]:
    """Tick bookmarks that repeat the resourceVersion of the event before them, dropped."""
    out: list[tuple[float, Any]] = []
    for t, e in events:
        if _is_tick_bookmark(e) and out and _rv(out[-1][1]) == _rv(e):
            continue
        out.append((t, e))
    return out


def _rv(event: Any) -> str:
    obj = event.get("object") if isinstance(event, dict) else None
    return str(((obj or {}).get("metadata") or {}).get("resourceVersion", "")) if isinstance(obj, dict) else ""


def _without_final_bookmark(events: list[tuple[float, Any]], end: float) -> list[tuple[float, Any]]:
    """The events without the bookmark sent about 2 s before the close (plus up to a 1.25 s cacher tick)."""
    last = max((i for i, (_, e) in enumerate(events) if isinstance(e, dict) and e.get("type") == "BOOKMARK"),
               default=None)
    if last is None or events[last][0] < end - 3.5:
        return events
    return events[:last] + events[last + 1:]


def _label(event: Any) -> str:
    if not isinstance(event, dict):
        return repr(event)[:40]
    obj = event.get("object") or {}
    meta = obj.get("metadata") or {} if isinstance(obj, dict) else {}
    return f"{event.get('type')} {meta.get('name') or meta.get('resourceVersion', '')}"


def _json_diff(a: Any, b: Any, path: str = "") -> list[str]:
    """Paths at which two JSON values differ (at most a few, the first ones), with both values."""
    if isinstance(a, dict) and isinstance(b, dict):
        out: list[str] = []
        for k in sorted(set(a) | set(b)):
            if a.get(k, _MISSING) != b.get(k, _MISSING):
                out += _json_diff(a.get(k, _MISSING), b.get(k, _MISSING), f"{path}.{k}")
        return out[:6]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        out = []
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                out += _json_diff(x, y, f"{path}[{i}]")
        return out[:6]
    return [f"{path or '.'}: {_short(a)} ≠ {_short(b)}"]


class _Missing:
    def __repr__(self) -> str:
        return "(absent)"


_MISSING = _Missing()


def _short(v: Any) -> str:
    text = v if isinstance(v, _Missing) else json.dumps(v, sort_keys=True)
    text = str(text)
    return text if len(text) <= 120 else text[:117] + "…"
