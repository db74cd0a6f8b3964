"""The control API under /_watchproxy/: what a test uses to drive a replay and assert on the client.

GET status, POST clock/advance {"seconds": N}, GET requests[?verb=watch&path=...], and the fault routes
that the fault engine registers. Answers JSON; errors are Status bodies like everything else.
"""

from __future__ import annotations

import json
import math
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from ..clock import ManualClock
from ..engines.faults import FaultError
from .app import STATE, status_response
from .responder import QuietResponse

Route = Callable[[web.Request], Awaitable[web.StreamResponse]]


def json_response(data: Any, status: int = 200) -> web.Response:
    return QuietResponse(status=status, text=json.dumps(data, indent=1, default=str),
                         content_type="application/json")


MAX_DEPTH = 8  # a fault spec is two levels deep; anything much deeper is a mistake or an attack


class BadBody(ValueError):
    """A control request body that cannot be used; the message says why (for a 400 Status)."""


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise BadBody(f"number {text[:40]} is out of range")
    return value


def _no_constant(name: str) -> Any:
    raise BadBody(f"{name} is not a JSON number")


def _check(value: Any, where: str, depth: int = 1) -> None:
    """No nesting beyond MAX_DEPTH, no null (leave a field out instead): found before anything uses them."""
    if depth > MAX_DEPTH:
        raise BadBody(f"the body is nested more than {MAX_DEPTH} levels deep")
    if value is None:
        raise BadBody(f"null is not a value for {where}; leave the field out instead")
    if isinstance(value, dict):
        for k, v in value.items():
            _check(v, repr(k[:60]), depth + 1)
    elif isinstance(value, list):
        for v in value:
            _check(v, where, depth + 1)


def parse_body(raw: bytes) -> dict[str, Any]:
    """A control request's JSON object; BadBody for anything else (bad JSON, deep nesting, numbers out of
    range such as 1e400, NaN, null values)."""
    try:
        data = json.loads(raw or b"{}", parse_float=_finite, parse_constant=_no_constant)
    except BadBody:
        raise
    except RecursionError:
        raise BadBody(f"the body is nested more than {MAX_DEPTH} levels deep") from None
    except ValueError as exc:  # also UnicodeDecodeError, and integers of more than 4,300 digits
        raise BadBody(f"body is not JSON: {' '.join(str(exc).split())[:120]}") from None
    if not isinstance(data, dict):
        raise BadBody("body must be a JSON object")
    _check(data, "the body")
    return data


async def read_json(request: web.Request) -> dict[str, Any]:
    if not request.can_read_body:
        return {}
    return parse_body(await request.read())


async def status(request: web.Request) -> web.StreamResponse:
    st = request.app[STATE]
    clock = st.clock
    return json_response({
        "mode": st.mode,
        "virtual_time": clock.now() if clock else None,
        "clock": "manual" if isinstance(clock, ManualClock) else "scaled",
        "requests": len(st.log.entries) + st.log.dropped,
        "open_watches": [e.to_json() for e in st.log.open_watches()],
        **st.status_extra(),
    })


async def advance(request: web.Request) -> web.StreamResponse:
    st = request.app[STATE]
    if not isinstance(st.clock, ManualClock):
        return status_response(409, "clock/advance needs a manual clock (replay --clock manual)")
    try:
        body = await read_json(request)
        seconds = float(body.get("seconds", request.query.get("seconds", "nan")))
    except (ValueError, TypeError, OverflowError):
        return status_response(400, 'clock/advance takes {"seconds": N} with N >= 0')
    if not (math.isfinite(seconds) and seconds >= 0):
        return status_response(400, 'clock/advance takes {"seconds": N} with N >= 0')
    now = await st.clock.advance(seconds)
    return json_response({"virtual_time": now})


async def requests(request: web.Request) -> web.StreamResponse:
    st = request.app[STATE]
    q = request.query
    out = []
    for e in st.log.entries:
        if "verb" in q and e.verb != q["verb"]:
            continue
        if "path" in q and not e.path.startswith(q["path"]):
            continue
        if "resource" in q and e.resource != q["resource"]:
            continue
        out.append(e.to_json())
    return json_response({"requests": out, "dropped": st.log.dropped})


async def faults_list(request: web.Request) -> web.StreamResponse:
    st = request.app[STATE]
    if st.faults is None:
        return status_response(404, "no faults in this mode")
    return json_response({"faults": [f.to_json() for f in st.faults.faults.values()]})


async def faults_arm(request: web.Request) -> web.StreamResponse:
    st = request.app[STATE]
    if st.faults is None:
        return status_response(404, "no faults in this mode")
    try:
        body = await read_json(request)
        fault, hit = st.faults.arm(body)
    except (BadBody, FaultError) as exc:
        return status_response(400, f"cannot arm fault: {exc}")
    except (TypeError, ValueError, OverflowError) as exc:  # a value the fault checks let through
        return status_response(400, f"cannot arm fault: {type(exc).__name__}: {str(exc)[:200]}")
    return json_response({"fault": fault.to_json(), "open_streams_hit": hit}, status=201)


async def faults_clear(request: web.Request) -> web.StreamResponse:
    st = request.app[STATE]
    if st.faults is None:
        return status_response(404, "no faults in this mode")
    fid = request.query.get("id")
    try:
        removed = st.faults.remove(int(fid) if fid else None)
    except ValueError:
        return status_response(400, "id must be a fault id")
    return json_response({"removed": removed})


def router(extra: dict[tuple[str, str], Route] | None = None) -> Route:
    routes: dict[tuple[str, str], Route] = {
        ("GET", "status"): status,
        ("POST", "clock/advance"): advance,
        ("GET", "requests"): requests,
        ("GET", "faults"): faults_list,
        ("POST", "faults"): faults_arm,
        ("DELETE", "faults"): faults_clear,
        **(extra or {}),
    }

    async def handle(request: web.Request) -> web.StreamResponse:
        tail = request.match_info.get("tail", "").strip("/")
        route = routes.get((request.method, tail))
        if route is None:
            known = ", ".join(sorted({f"{m} {p}" for m, p in routes}))
            return status_response(404, f"unknown control route {request.method} {tail!r}; known: {known}")
        return await route(request)

    return handle
