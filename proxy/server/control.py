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


async def read_json(request: web.Request) -> dict[str, Any]:
    if not request.can_read_body:
        return {}
    try:
        data = json.loads(await request.read() or b"{}")
    except ValueError:
        raise web.HTTPBadRequest(body=b"", reason="body is not JSON") from None
    if not isinstance(data, dict):
        raise web.HTTPBadRequest(reason="body must be a JSON object")
    return data


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
    except (web.HTTPBadRequest, ValueError, TypeError):
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
    except (web.HTTPBadRequest, FaultError) as exc:
        return status_response(400, f"cannot arm fault: {exc}")
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
