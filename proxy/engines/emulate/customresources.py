"""Custom resources served from the CustomResourceDefinitions emulate holds (recorded, or written by a
client), and what the apiextensions controllers do after a definition is written.

A definition created here is accepted and established at once (two MODIFIED events, as the real
server's naming and establishing controllers write them a few milliseconds later); a deleted one first
loses its custom resources, then goes. Each served version is its own collection here: objects written
through one version are not converted to the others (no conversion is modelled).
"""

from __future__ import annotations

import copy
from typing import Protocol

from ...apiserver import crds
from ...apiserver.crds import CustomType
from ...apiserver.history import WatchCache
from ...apiserver.writes import Commit
from ...wire.kinds import ResourceType

# the verbs of a custom resource in discovery, in the order its handler lists them
_VERBS = ("delete", "deletecollection", "get", "list", "patch", "create", "update", "watch")
_SUBRESOURCE_VERBS = ("get", "patch", "update")


class Committer(Protocol):
    cache: WatchCache

    def commit(self, path: str, change: Commit, now: float) -> int: ...


def path_of(ct: CustomType) -> str:
    return f"/apis/{ct.group}/{ct.version}/{ct.plural}"


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


def after_write(emu: Committer, path: str, commits: list[Commit], now: float, when: str) -> None:
    """The apiextensions controllers' work after a definition's create or delete, committed at once."""
    if path != crds.PATH:
        return
    for c in commits:
        if c.type == "ADDED":
            accepted = crds.names_accepted(copy.deepcopy(c.obj), when)
            emu.commit(path, Commit("MODIFIED", c.key, accepted), now)
            emu.commit(path, Commit("MODIFIED", c.key, crds.established(copy.deepcopy(accepted), when)), now)
        elif c.type == "MODIFIED" and crds.CLEANUP_FINALIZER in (c.obj.get("metadata") or {}).get("finalizers", ()) \
                and (c.obj.get("metadata") or {}).get("deletionTimestamp"):
            _clean_up(emu, c, now, when)


def _clean_up(emu: Committer, c: Commit, now: float, when: str) -> None:
    """The finalizer's work: every custom resource of the definition deleted, then the definition."""
    progress = crds.terminating(copy.deepcopy(c.obj), when, in_progress=True)
    emu.commit(crds.PATH, Commit("MODIFIED", c.key, progress), now)
    spec = c.obj.get("spec") or {}
    plural = (spec.get("names") or {}).get("plural", "")
    for v in spec.get("versions") or ():
        path = f"/apis/{spec.get('group', '')}/{v.get('name', '')}/{plural}"
        if path in emu.cache.timelines:
            for key, ch in sorted(emu.cache.state(path, now).items()):
                emu.commit(path, Commit("DELETED", key, ch.obj), now)
    gone = copy.deepcopy(progress)
    meta = gone["metadata"]
    meta["finalizers"] = [f for f in meta.get("finalizers") or () if f != crds.CLEANUP_FINALIZER]
    if not meta["finalizers"]:
        del meta["finalizers"]
        emu.commit(crds.PATH, Commit("DELETED", c.key, gone), now)
    else:
        emu.commit(crds.PATH, Commit("MODIFIED", c.key, gone), now)
