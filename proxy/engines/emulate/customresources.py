"""Custom resources served from the CustomResourceDefinitions emulate holds (recorded, or written by a
client), and what the apiextensions controllers do after a definition is written.

A definition created here is accepted and established at once (two MODIFIED events, as the real
server's naming and establishing controllers write them a few milliseconds later); a deleted one first
loses its custom resources, then goes. A resource served in several versions is one set of objects,
each version's collection a view of it with its own apiVersion (a definition's `conversion: None`; a
webhook's conversion is not modelled).
"""

from __future__ import annotations

import copy
from typing import Any, Protocol

from ...apiserver import bootstrap, crds, managedfields, writes
from ...apiserver.changes import in_key_order
from ...apiserver.crds import CustomType
from ...apiserver.history import WatchCache
from ...apiserver.writes import Commit
from ...wire.gostrings import quote
from ...wire.kinds import ResourceType
from ...wire.request import RequestInfo

# the verbs of a custom resource in discovery, in the order its handler lists them
_VERBS = ("delete", "deletecollection", "get", "list", "patch", "create", "update", "watch")
_SUBRESOURCE_VERBS = ("get", "patch", "update")


class Committer(Protocol):
    cache: WatchCache
    seed: int

    def commit(self, path: str, change: Commit, now: float) -> int: ...
    def custom_type(self, collection_path: str) -> CustomType | None: ...


# what the handler passes a request to when it has none for it: Go's NotFoundHandler
PAGE_NOT_FOUND = (404, (("Content-Type", "text/plain; charset=utf-8"), ("X-Content-Type-Options", "nosniff")),
                  b"404 page not found\n")


def unrouted(info: RequestInfo, ct: CustomType) -> bool:
    """A request the custom resource handler passes on (PAGE_NOT_FOUND): a namespaced type's across all
    namespaces that is no list or watch."""
    return ct.namespaced and not info.namespace and info.verb not in ("list", "watch")


def refusal(info: RequestInfo, ct: CustomType) -> tuple[int, str, dict[str, Any]] | None:
    """The custom resource handler's answer to a request it routes nowhere (crdHandler.ServeHTTP), None for
    one it serves: a subresource the definition does not give its type is the 404 of the object's name (the
    object there or not); a method no handler takes (OPTIONS: no verb) is the 405, as is a subresource's
    method other than get, update and patch. The legacy /watch/ path is a watch, whatever the method."""
    if info.legacy_watch_path:
        return None
    subresource, name = info.subresource, info.name
    qualified = f"{ct.plural}.{ct.group}"
    if subresource not in ("", *(["status"] if ct.status else []), *(["scale"] if ct.scale is not None else [])):
        return 404, f'{qualified} {quote(name)} not found', {"name": name, "group": ct.group, "kind": ct.plural}
    verb = "" if info.verb == "other" else info.verb  # (a method no verb is for: OPTIONS)
    if not verb or (subresource and verb not in _SUBRESOURCE_VERBS):
        return 405, f'{verb} is not supported on resources of kind "{qualified}"', {"group": ct.group,
                                                                                   "kind": ct.plural}
    return None


def path_of(ct: CustomType) -> str:
    return f"/apis/{ct.group}/{ct.version}/{ct.plural}"


def as_version(obj: dict[str, Any], ct: CustomType) -> dict[str, Any]:
    """A custom resource as another served version shows it: the same fields, its own apiVersion (the
    definitions' conversion is None; a webhook's is not modelled)."""
    view = copy.deepcopy(obj)
    view["apiVersion"] = ct.api_version
    return view


class Definitions:
    """The custom resource types served now, by collection path, worked out again only when a definition
    may have changed (a write, or the clock passing a recorded change)."""

    def __init__(self, cache: WatchCache) -> None:
        self._cache = cache
        self._seen: tuple[int, int] = (-1, -1)
        self._types: dict[str, CustomType] = {}
        self.defined: set[str] = set()  # every collection a definition has served

    def served(self, now: float) -> dict[str, CustomType]:
        if crds.PATH not in self._cache.timelines:
            return {}
        seen = (self._cache.writes, self._cache.index_at(crds.PATH, now))
        if seen != self._seen:
            self._types = {path_of(ct): ct for ch in self._cache.state(crds.PATH, now).values()
                           for ct in crds.served(ch.obj)}
            self.defined |= set(self._types)
            self._seen = seen
        return self._types

    def siblings(self, path: str, now: float) -> list[tuple[str, CustomType]]:
        """The other served versions of the custom resource a collection holds: (their path, their type)."""
        served = self.served(now)
        ct = served.get(path)
        if ct is None:
            return []
        return [(p, other) for p, other in served.items()
                if p != path and (other.group, other.plural) == (ct.group, ct.plural)]

    def schemas(self, now: float) -> dict[tuple[str, str, str], dict[str, Any]]:
        """Each served custom resource's schema, by (group, version, kind), for the OpenAPI documents."""
        return {(ct.group, ct.version, ct.kind): ct.schema for ct in self.served(now).values() if ct.schema}

    def resource_types(self, now: float) -> tuple[ResourceType, ...]:
        """Discovery's view of the served custom resources."""
        out = []
        for ct in self.served(now).values():
            subresources = [("status", ct.kind, _SUBRESOURCE_VERBS)] if ct.status else []
            if ct.scale is not None:
                subresources.append(("scale", "Scale", _SUBRESOURCE_VERBS))
            out.append(ResourceType(ct.group, ct.version, ct.plural, ct.kind, ct.namespaced, ct.singular, _VERBS,
                                    ct.short_names, ct.categories, ct.storage_version_hash, tuple(subresources)))
        return tuple(out)


def after_write(emu: Committer, path: str, commits: list[Commit], now: float, stamp: writes.Stamp) -> None:
    """The apiextensions controllers' work after a write, committed at once: a new definition accepted and
    established; a deleted one's custom resources deleted, then the definition, once the last of them is
    gone (one its finalizers hold goes when a later write removes them); and the aggregator's APIServices
    of the versions definitions serve."""
    if path != crds.PATH:
        ct = emu.custom_type(path)
        if ct is not None and ct.terminating and commits and not emu.cache.state(path, now):
            _finish(emu, f"{ct.plural}.{ct.group}", now)
            _register(emu, now, stamp)
        return
    for c in commits:
        if c.type == "ADDED":  # (the controllers write the status subresource, as kube-apiserver)
            accepted = managedfields.controller_update(
                c.obj, crds.names_accepted(copy.deepcopy(c.obj), stamp.timestamp), "status", stamp.timestamp)
            emu.commit(path, Commit("MODIFIED", c.key, accepted), now)
            established = crds.established(copy.deepcopy(accepted), stamp.timestamp)
            emu.commit(path, Commit("MODIFIED", c.key, managedfields.controller_update(
                accepted, established, "status", stamp.timestamp)), now)
        elif c.type == "MODIFIED" and crds.CLEANUP_FINALIZER in (c.obj.get("metadata") or {}).get("finalizers", ()) \
                and (c.obj.get("metadata") or {}).get("deletionTimestamp") \
                and not any(x.get("type") == "Terminating" and x.get("reason") == "InstanceDeletionInProgress"
                            for x in (c.obj.get("status") or {}).get("conditions") or ()):
            _clean_up(emu, c, now, stamp)
    if commits:
        _register(emu, now, stamp)


def _register(emu: Committer, now: float, stamp: writes.Stamp) -> None:
    """The CRD registration controller's: an APIService `VERSION.GROUP` for each version a definition serves,
    none (of its own, `automanaged: true`) for one no definition serves any more."""
    if bootstrap.API_SERVICES not in emu.cache.timelines:
        return
    wanted = {f"{ct.version}.{ct.group}": ct for ch in emu.cache.state(crds.PATH, now).values()
              for ct in crds.served(ch.obj)}
    held = emu.cache.state(bootstrap.API_SERVICES, now)
    for name, ct in sorted(wanted.items()):
        if ("", name) not in held:
            uid = writes.seeded_uid(emu.seed, f"apiservice|{name}|{stamp.timestamp}")
            obj = bootstrap.registered_api_service(ct.group, ct.version, uid, stamp.timestamp)
            emu.commit(bootstrap.API_SERVICES, Commit("ADDED", ("", name), obj), now)
    for (_, name), ch in in_key_order(held):
        labels = (ch.obj.get("metadata") or {}).get("labels") or {}
        if labels.get(bootstrap.AUTOMANAGED) == "true" and name not in wanted:
            emu.commit(bootstrap.API_SERVICES, Commit("DELETED", ("", name), copy.deepcopy(ch.obj)), now)


def _clean_up(emu: Committer, c: Commit, now: float, stamp: writes.Stamp) -> None:
    """The finalizer's work: every custom resource of the definition deleted as a DELETE would (one with
    finalizers of its own only marked), then the definition if none is left."""
    progress = crds.terminating(copy.deepcopy(c.obj), stamp.timestamp, in_progress=True)
    emu.commit(crds.PATH, Commit("MODIFIED", c.key, progress), now)
    left = False
    for ct in crds.served(progress):
        path = path_of(ct)
        if path not in emu.cache.timelines:
            continue
        for (ns, name), ch in in_key_order(emu.cache.state(path, now)):
            t = writes.Target(ct.group, ct.version, ct.plural, ct.kind, ct.namespaced, ns, name, custom=ct)
            for gone in writes.delete(t, ch.obj, stamp, writes.Options()).commits:
                emu.commit(path, gone, now)
        left = left or bool(emu.cache.state(path, now))
    if not left:
        _finish(emu, c.key[1], now)


def _finish(emu: Committer, name: str, now: float) -> None:
    """The definition's finalizer removed: it goes."""
    ch = emu.cache.state(crds.PATH, now).get(("", name))
    if ch is None:
        return
    gone = ch.obj
    meta = gone.setdefault("metadata", {})
    meta["finalizers"] = [f for f in meta.get("finalizers") or () if f != crds.CLEANUP_FINALIZER]
    if meta["finalizers"]:
        emu.commit(crds.PATH, Commit("MODIFIED", ("", name), gone), now)
    else:
        del meta["finalizers"]
        emu.commit(crds.PATH, Commit("DELETED", ("", name), gone), now)
