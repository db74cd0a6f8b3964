"""The namespaces emulate serves when the recording never saw any.

A real apiserver always has the namespaces it makes when it starts, and every object lives in a namespace
that exists: `GET /api/v1/namespaces/default` never fails there, and a controller that looks up the
namespace of what it manages (or lists namespaces to pick its work) expects to find it. A recording made by
a client that never asked for namespaces holds none, so they are made up from what it does hold: those the
apiserver makes, and each namespace a recorded object lives in, as they were before the session began.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from ...apiserver.changes import Changes
from ...apiserver.history import ResourceTimeline
from ...apiserver.writes import Stamp, bootstrap_namespace, seeded_uid
from ...wire.jsonenc import go_json

PATH = "/api/v1/namespaces"
SYSTEM = frozenset({"default", "kube-system", "kube-public", "kube-node-lease"})  # made by every apiserver


def lowest_rv(timelines: Iterable[ResourceTimeline], mark_rvs: Iterable[int]) -> int:
    """The oldest resourceVersion the recording shows (0 if it shows none)."""
    seen = [rv for rv in mark_rvs if rv > 0]
    for tl in timelines:
        seen += [rv for rv in (tl.baseline_rv, tl.changes.rvs[0] if len(tl.changes) else 0) if rv > 0]
    return min(seen, default=0)


def bootstrapped(timelines: dict[str, ResourceTimeline], lowest: int, wall0: dt.datetime, seed: int,
                 asked: Iterable[str] = ()) -> ResourceTimeline:
    """A history of namespaces that all exist from the start: the system ones, every one a recorded object is
    in, and every one `asked` (those a recorded request in them was answered in: a client works in namespaces
    that exist). Their resourceVersions come just before `lowest`, the oldest the recording shows (lowest_rv: they
    were made before anything it saw), so a watch from any recorded resourceVersion gets no event of them."""
    names = sorted(SYSTEM | {ns for tl in timelines.values() for ns, _ in tl.changes.keys if ns} | set(asked))
    first = max(1, lowest - len(names))
    changes = Changes()
    for i, name in enumerate(names):
        obj = bootstrap_namespace(name, first + i, Stamp(wall0, seeded_uid(seed, f"namespace|{name}"), ""))
        changes.insert(i, first + i, 0.0, "ADDED", ("", name), -1, go_json(obj))
    return ResourceTimeline("", "v1", "namespaces", "Namespace", False, changes)
