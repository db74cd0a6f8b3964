"""Who a replay's client is and whether it may do what it asks: a client that impersonates someone
(`Impersonate-User`: `kubectl --as`, a kubeconfig's `as:`) is authorized as the apiserver would authorize
that user (apiserver/rbac.py), from the RBAC objects the replay holds now and the release's bootstrap policy;
every other client is the cluster's administrator, as before."""

from __future__ import annotations

from typing import Protocol

from ...apiserver import rbac
from ...apiserver.history import ResourceTimeline, WatchCache
from ...clock import Clock
from ...wire.params import first_values, query_pairs
from ...wire.request import decoded_path
from ..base import Incoming, Responder
from ..playback import send_status
from ..requestlog import LogEntry

_RBAC = "/apis/rbac.authorization.k8s.io/v1/"


class Store(Protocol):
    """What authorization reads of the emulator (engine.py): the objects it holds now."""

    clock: Clock
    cache: WatchCache

    def timeline_of(self, collection_path: str) -> ResourceTimeline | None: ...


def policy(emu: Store, now: float) -> rbac.Policy:
    """The cluster's RBAC policy at `now`."""
    def held(resource: str) -> list[rbac.Obj]:
        path = _RBAC + resource
        if emu.timeline_of(path) is None:
            return []
        return [ch.obj for _, ch in sorted(emu.cache.state(path, now).items())]
    return rbac.with_bootstrap(*map(held, ("clusterroles", "clusterrolebindings", "roles", "rolebindings")))


def user(req: Incoming) -> rbac.User:
    """The client's user (a request whose impersonation headers are refused never gets this far)."""
    return rbac.impersonated(req.headers) or rbac.ADMIN


async def refused(emu: Store, req: Incoming, out: Responder, entry: LogEntry) -> bool:
    """Answer a request its impersonation headers or its user's RBAC refuse (400, 403): True if answered."""
    try:
        who = rbac.impersonated(req.headers)
    except rbac.BadImpersonation as exc:
        await send_status(out, 400, str(exc), entry, reason="BadRequest")
        entry.ended("refused", "bad impersonation")
        return True
    if who is None:
        return False
    fields = first_values(query_pairs(req.query)).get("fieldSelector", "")
    asked = rbac.request_attributes(who, req.method, decoded_path(req.path) or req.path, req.info, fields)
    allowed, reason = rbac.authorize(asked, policy(emu, emu.clock.now()))
    if allowed:
        return False
    message, details = rbac.forbidden(asked, reason)
    await send_status(out, 403, message, entry, details=details, reason="Forbidden")
    entry.ended("refused", f"forbidden to {who.name}")
    return True
