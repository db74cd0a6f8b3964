"""Seeded random read cases for the fidelity harness: lists, gets and watches of the workload's resources
with random selectors, limits, continue tokens, resourceVersions (none, "0", an earlier list's, one not
reached, one older than the recording), resourceVersionMatch, bookmarks, sendInitialEvents and Tables,
sent at random phases. `python -m tests.fidelity --random SEED N` runs N of them against the real apiserver
and prints every difference the catalogue's rules do not accept; most of this session's emulate fixes were
found this way, then written into the catalogue (cases.py) as fixed cases."""

from __future__ import annotations

import random
from collections.abc import Callable
from urllib.parse import quote

from tests.fidelity.cases import POD0, POD1, PODS, TABLE, WIDGETS, Case, Context

_PATHS = {
    "pods": PODS, "configmaps": "/api/v1/namespaces/{ns}/configmaps",
    "deployments": "/apis/apps/v1/namespaces/{ns}/deployments", "widgets": WIDGETS,
    "services": "/api/v1/namespaces/{ns}/services", "events": "/api/v1/namespaces/{ns}/events",
    "all pods": "/api/v1/pods", "all configmaps": "/api/v1/configmaps",
}
_OBJECTS = {"pods": POD0, "configmaps": "settings", "widgets": "w1", "deployments": "nginx-deploy",
            "services": "web", "events": "pulled"}
_LABELS = ("app=nginx", "app!=nginx", "app in (nginx,x)", "!tier", "tier", "tier notin (front)",
           "app=nginx,tier=front", "app==nginx", "tier in ()")
_POD_FIELDS = (f"metadata.name={POD0}", f"metadata.name!={POD0}", "status.phase=Running", "status.phase!=Running",
               "spec.nodeName=", "spec.restartPolicy=Always", "metadata.namespace={ns}",
               f"metadata.name={POD1},status.phase=Running")
_FIELDS = ("metadata.name=settings", "metadata.name!=settings", "metadata.namespace={ns}", "metadata.name=w1")
_PHASES = (0, 2, 4, 5, 7, 9)


def _quoted(q: dict[str, str], ctx: Context) -> dict[str, str]:
    """A query's values with the run's namespace in, escaped for the URL (selectors keep their operators)."""
    return {k: quote(v.replace("{ns}", ctx.namespace), safe="=,!()") for k, v in q.items()}


def _query(fixed: dict[str, str], rv: str, earlier: str) -> Callable[[Context], dict[str, str]]:
    """The case's query, made when it is sent: resourceVersions taken from what that server answered."""
    def make(ctx: Context) -> dict[str, str]:
        q = dict(fixed)
        if rv == "0":
            q["resourceVersion"] = rv
        elif rv == "list" and earlier:
            q["resourceVersion"] = ctx.list_rv(earlier)
        elif rv == "ahead" and earlier:
            q["resourceVersion"] = str(int(ctx.list_rv(earlier) or 0) + 1000)
        return _quoted(q, ctx)
    return make


def cases(seed: int, n: int) -> list[Case]:
    r = random.Random(seed)
    out: list[Case] = []
    lists: list[tuple[str, int]] = []  # (name, phase) of the lists made so far
    for i in range(n):
        phase, kind = r.choice(_PHASES), r.choice(list(_PATHS))
        verb = r.choice(("list", "list", "watch", "get"))
        if verb == "get" and kind not in _OBJECTS:
            continue
        name = f"{verb} {kind} #{seed}.{i}"  # a watch's name starts with "watch" (Case.watch)
        q: dict[str, str] = {}
        if verb != "get" and r.random() < 0.4:
            q["labelSelector"] = r.choice(_LABELS)
        if verb != "get" and r.random() < 0.3:
            q["fieldSelector"] = r.choice(_POD_FIELDS if "pods" in kind else _FIELDS)
        # (not "1": a resourceVersion from before the recording is the accepted 410, known and by design)
        rv = r.choice(("", "", "0", "list", "ahead"))
        if verb == "watch":
            q |= {"watch": "1", "timeoutSeconds": str(r.randint(1, 5))}
            if r.random() < 0.4:
                q["allowWatchBookmarks"] = "true"
            if r.random() < 0.2:
                q |= {"sendInitialEvents": "true", "resourceVersionMatch": "NotOlderThan",
                      "allowWatchBookmarks": "true"}
        elif verb == "list":
            if r.random() < 0.3:
                q["limit"] = r.choice(("1", "2", "500"))
            if rv and (match := r.choice(("", "", "Exact", "NotOlderThan"))):
                q["resourceVersionMatch"] = match
        else:
            rv = r.choice(("", "0", "ahead"))
        earlier = next((nm for nm, p in reversed(lists) if p <= phase), "")
        path = _PATHS[kind] + (f"/{_OBJECTS[kind]}" if verb == "get" else "")
        accept = TABLE if r.random() < 0.1 else "application/json"
        out.append(Case(name, phase, path, _query(q, rv, earlier), accept=accept))
        if verb == "list":
            lists.append((name, phase))
            if "limit" in q and q["limit"] != "500" and r.random() < 0.7:
                paged = {k: v for k, v in q.items() if k in ("limit", "labelSelector", "fieldSelector")}
                out.append(Case(f"list {kind}, continue #{seed}.{i}", min(9, phase + r.choice((0, 0, 2))), path,
                                _continued(paged, name), accept=accept))
    return out


def _continued(fixed: dict[str, str], listed: str) -> Callable[[Context], dict[str, str]]:
    def make(ctx: Context) -> dict[str, str]:
        return {**_quoted(fixed, ctx), "continue": ctx.continue_token(listed)}
    return make
