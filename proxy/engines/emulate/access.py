"""Who a replay's client is and whether it may do what it asks. A replay authenticates no one, but for the
service account tokens it made itself (`kubectl create token` against it): a client presenting one is that
account, and one the replay no longer honours is the apiserver's 401. Every other client is the cluster's
administrator. A client that impersonates someone (`Impersonate-User`: `kubectl --as`, a kubeconfig's `as:`)
is that user, if it may impersonate. Anyone but the administrator is authorized as the apiserver would
authorize them (apiserver/rbac.py), from the RBAC objects the replay holds now and the release's bootstrap
policy."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from ...apiserver import rbac, tokens
from ...apiserver.history import ResourceTimeline, WatchCache
from ...clock import Clock
from ...wire.params import first_values, query_pairs
from ...wire.request import decoded_path
from ..base import Incoming, Responder
from ..playback import send_status
from ..requestlog import LogEntry

_RBAC = "/apis/rbac.authorization.k8s.io/v1/"


class Store(Protocol):
    """What authentication and authorization read of the emulator (engine.py): the objects it holds now."""

    clock: Clock
    cache: WatchCache
    seed: int

    def timeline_of(self, collection_path: str) -> ResourceTimeline | None: ...
    def wall(self, virtual: float) -> dt.datetime: ...


class Unauthorized(Exception):
    """A token this replay made and no longer honours (expired, its account or bound object gone)."""


def stored(emu: Store, collection_path: str, namespace: str, name: str, now: float) -> rbac.Obj | None:
    """An object as the cluster holds it now (a node, a pod, a service account: what admission, a binding
    and a token look up)."""
    if emu.timeline_of(collection_path) is None:
        return None
    found = emu.cache.state(collection_path, now).get((namespace, name))
    return found.obj if found is not None else None


def policy(emu: Store, now: float) -> rbac.Policy:
    """The cluster's RBAC policy at `now`."""
    def held(resource: str) -> list[rbac.Obj]:
        path = _RBAC + resource
        if emu.timeline_of(path) is None:
            return []
        return [ch.obj for _, ch in sorted(emu.cache.state(path, now).items())]
    return rbac.with_bootstrap(*map(held, ("clusterroles", "clusterrolebindings", "roles", "rolebindings")))


def _token_user(emu: Store, req: Incoming) -> rbac.User | None:
    """The service account whose token (made by this replay) the request carries; None for any other
    credential or none. Raises Unauthorized."""
    scheme, _, token = req.header("Authorization").strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not tokens.made_here(token, emu.seed):
        return None
    now = emu.clock.now()
    info, _, _ = tokens.authenticated(token, [tokens.ISSUER], lambda resource, ns, name: stored(
        emu, f"/api/v1/{resource}", ns, name, now), emu.seed, emu.wall(now).timestamp())
    if info is None:
        raise Unauthorized
    return rbac.User(info["username"], tuple(info["groups"]), info["uid"],
                     tuple((k, tuple(v)) for k, v in info["extra"].items()))


async def authorized(emu: Store, req: Incoming, out: Responder, entry: LogEntry) -> rbac.User | None:
    """The client's user, once its credentials, its impersonation headers and its user's RBAC let the request
    through; None when they refuse it (401, 400, 403), answered here."""
    try:
        requestor = _token_user(emu, req)
        who = rbac.impersonated(req.headers)
    except Unauthorized:
        await send_status(out, 401, "Unauthorized", entry, reason="Unauthorized")
        entry.ended("refused", "unauthorized")
        return None
    except rbac.BadImpersonation as exc:
        await send_status(out, 400, str(exc), entry, reason="BadRequest")
        entry.ended("refused", "bad impersonation")
        return None
    if who is None and requestor is None:
        return rbac.ADMIN
    fields = first_values(query_pairs(req.query)).get("fieldSelector", "")
    path = decoded_path(req.path) or req.path
    rules = policy(emu, emu.clock.now())
    if requestor is not None and who is not None and not rbac.may_impersonate(requestor, who, rules):
        asked = rbac.request_attributes(requestor, req.method, path, req.info, fields)
        message, details = rbac.forbidden(rbac.impersonating(asked, who), "")
    else:
        asked = rbac.request_attributes(who or requestor or rbac.ADMIN, req.method, path, req.info, fields)
        allowed, reason = rbac.authorize(asked, rules)
        if allowed:
            return asked.user
        message, details = rbac.forbidden(asked, reason)
    await send_status(out, 403, message, entry, details=details, reason="Forbidden")
    entry.ended("refused", f"forbidden to {asked.user.name}")
    return None
