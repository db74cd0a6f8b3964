"""The objects kube-apiserver writes when it starts (apiserver/bootstrap.py), served where the recording holds
none of their kind: a replay is a cluster, and a cluster has its RBAC policy, its system PriorityClasses and
its API Priority and Fairness configuration whether or not the recorded client ever listed them.

They were made before anything the recording saw (like the namespaces, namespaces.py): their
resourceVersions come below the oldest it shows, so a watch from a recorded resourceVersion gets no event of
them, and a list returns them as a new cluster's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping

from ...apiserver import bootstrap
from ...apiserver.changes import Changes
from ...apiserver.history import ResourceTimeline
from ...apiserver.writes import Stamp, seeded_uid
from ...wire.kinds import builtin_by_path, parse_collection_path


def missing(timelines: Mapping[str, ResourceTimeline], recorded_only: Collection[str]) -> list[str]:
    """The collections a replay seeds: those of which the recording holds nothing it can serve from."""
    return [p for p in bootstrap.COLLECTIONS if p not in timelines and p not in recorded_only]


def resource_versions(n: int, below: int) -> list[int]:
    """`n` resourceVersions just below `below` (the oldest the recording shows, or its namespaces'), in order;
    where there is no room for them all (a recording that starts near 1, as synthesized ones do), spread over
    what there is, several sharing one."""
    room = below - 1
    if room >= n:
        return list(range(below - n, below))
    return [1 + i * room // n if room > 0 else max(1, below) for i in range(n)]


def timelines(paths: list[str], below: int, wall0: dt.datetime, seed: int) -> dict[str, ResourceTimeline]:
    """A history for each collection of `paths` in which its bootstrap objects all exist from the start, made
    at `wall0` with resourceVersions below `below`."""
    out: dict[str, ResourceTimeline] = {}
    rvs = iter(resource_versions(sum(len(bootstrap.objects()[p]) for p in paths), below))
    timestamp = Stamp(wall0, "", "").timestamp
    for path in paths:
        where = parse_collection_path(path)
        group, version, resource = where.group, where.version, where.plural
        served = builtin_by_path(group, version, resource)
        assert served is not None, path  # (COLLECTIONS names built-in kinds only)
        changes = Changes()
        for i, (key, template) in enumerate(bootstrap.templates(path)):
            rv = next(rvs)
            body = bootstrap.filled(template, seeded_uid(seed, f"{path}|{key[0]}/{key[1]}"), rv, timestamp)
            changes.insert(i, rv, 0.0, "ADDED", key, -1, body)
        out[path] = ResourceTimeline(group, version, resource, served.kind, served.namespaced, changes)
    return out
