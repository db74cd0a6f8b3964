"""The aggregator's availability controllers in a replay: after a write to an APIService, a Service or an
EndpointSlice, each APIService it concerns gets the `Available` condition the controllers would write
(apiserver/apiservices.py: a local one always available, one an extension apiserver serves as its Service and
EndpointSlices allow), committed at once as its status update by `kube-apiserver` (the real controllers write a
moment later, and again on every change of what they watch)."""

from __future__ import annotations

from typing import Any, Protocol

from ...apiserver import apiservices, bootstrap, managedfields, writes
from ...apiserver.changes import in_key_order
from ...apiserver.history import ResourceTimeline, WatchCache
from ...apiserver.writes import Commit


class Store(Protocol):
    cache: WatchCache

    def commit(self, path: str, change: Commit, now: float) -> int: ...
    def timeline_of(self, collection_path: str) -> ResourceTimeline | None: ...

_WATCHED = frozenset({bootstrap.API_SERVICES, apiservices.SERVICES, apiservices.ENDPOINT_SLICES})


def after_write(emu: Store, path: str, commits: list[Commit], now: float, stamp: writes.Stamp) -> None:
    """The APIServices the written objects concern (the written ones, those naming a written Service or the
    Service of a written EndpointSlice) judged again. (The real controller also judges every one again each
    30 s; a replay does not, so a recorded APIService keeps its recorded condition until something it names
    is written.)"""
    if path not in _WATCHED or not commits or emu.timeline_of(bootstrap.API_SERVICES) is None:
        return
    if path in (bootstrap.API_SERVICES, apiservices.SERVICES):
        concerned = {c.key for c in commits}
    else:
        concerned = {(c.key[0], str(((c.obj.get("metadata") or {}).get("labels") or {})
                                    .get(apiservices.SERVICE_NAME_LABEL, ""))) for c in commits}
    services, slices = _held(emu, apiservices.SERVICES, now), in_key_order(_held(emu, apiservices.ENDPOINT_SLICES, now))
    for key, ch in in_key_order(emu.cache.state(bootstrap.API_SERVICES, now)):
        found = apiservices.backend(ch.obj)
        if (key if path == bootstrap.API_SERVICES else found[:2] if found else None) not in concerned:
            continue
        namespace, name = found[:2] if found else ("", "")
        condition = apiservices.availability(ch.obj, services.get((namespace, name)), [
            s for (ns, _), s in slices
            if ns == namespace and ((s.get("metadata") or {}).get("labels") or {}).get(apiservices.SERVICE_NAME_LABEL)
            == name])
        if (updated := apiservices.with_availability(ch.obj, condition, stamp.timestamp)) is not None:
            emu.commit(bootstrap.API_SERVICES, Commit("MODIFIED", key, managedfields.controller_update(
                ch.obj, updated, "status", stamp.timestamp)), now)


def _held(emu: Store, path: str, now: float) -> dict[tuple[str, str], dict[str, Any]]:
    if emu.timeline_of(path) is None:
        return {}
    return {key: ch.obj for key, ch in emu.cache.state(path, now).items()}
