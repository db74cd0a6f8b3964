"""The Service allocators in a replay, of cluster IPs (apiserver/serviceips.py) and of node ports (nodeports.py):
their state is the cluster's, the IPAddress objects and ServiceCIDRs, and the node ports every Service holds; an
IP a recorded Service holds counts as taken too, as a recording that never listed IPAddresses still shows which
IPs are in use. A write's IPAddresses are committed around the Service's own change: created before it is
stored, deleted after it is gone."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any, Protocol

from ...apiserver import bootstrap, nodeports, serviceips, writes
from ...apiserver.apiservices import SERVICES
from ...apiserver.history import ResourceTimeline, WatchCache
from ...apiserver.writes import Commit, Outcome


class Store(Protocol):
    cache: WatchCache
    seed: int

    def commit(self, path: str, change: Commit, now: float) -> int: ...
    def timeline_of(self, collection_path: str) -> ResourceTimeline | None: ...


def _state(emu: Store, path: str, now: float) -> dict[Any, Any]:
    """The objects of a collection the replay serves, by key (none where it serves none)."""
    return emu.cache.state(path, now) if emu.timeline_of(path) is not None else {}


def _objects(emu: Store, path: str, now: float) -> list[dict[str, Any]]:
    return [ch.obj for ch in _state(emu, path, now).values()]


def _taken(emu: Store, now: float) -> Callable[[str], bool]:
    addresses = {str((o.get("metadata") or {}).get("name")) for o in _objects(emu, bootstrap.IP_ADDRESSES, now)}
    addresses.update(ip for o in _objects(emu, SERVICES, now) for ip in serviceips.held(o))
    return addresses.__contains__


def begin(emu: Store, now: float, sent: Any, dry_run: bool) -> writes.Begin:
    """A Service write's allocators (BeginCreate/BeginUpdate), once admission has run and before the Service is
    validated: its cluster IPs, then its node ports; refused where one asked for cannot be had, a drawn one that
    is taken replaced. Its own check of the cluster IP fields comes first, and alone (before the metadata's)."""
    def allocate(new: dict[str, Any], old: dict[str, Any] | None) -> Outcome | None:
        spec = new.get("spec") or {}
        name = str((new.get("metadata") or {}).get("name", ""))
        if spec.get("type") != "ExternalName" and (
                early := serviceips.related_causes(spec) or serviceips.family_causes(spec)):
            return writes.invalid_object("", "Service", name, early)
        networks = serviceips.ranges(_objects(emu, bootstrap.SERVICE_CIDRS, now))
        refused = serviceips.allocate(old, new, sent, taken=_taken(emu, now), networks=networks, dry_run=dry_run)
        if not refused:
            key = ((new.get("metadata") or {}).get("namespace", ""), name)
            ports = {p for k, ch in _state(emu, SERVICES, now).items() if k != key for p in nodeports.held(ch.obj)}
            try:
                refused, internal = nodeports.allocate(old, new, sent, ports.__contains__, dry_run)
            except nodeports.Duplicate as exc:
                return writes.fail(500, str(exc), "")
            if internal:  # (NewInternalError)
                return writes.fail(500, f"Internal error occurred: {internal}", "InternalError",
                                   {"causes": [{"message": internal}]})
        return writes.invalid_object("", "Service", name, refused) if refused else None
    return allocate


def commit(emu: Store, commits: list[Commit], now: float, timestamp: str) -> None:
    """Commit a write's changes of Services with the IPAddresses they create and delete."""
    keep = emu.timeline_of(bootstrap.IP_ADDRESSES) is not None
    state = emu.cache.state(SERVICES, now)
    addresses = _state(emu, bootstrap.IP_ADDRESSES, now)
    for c in commits:
        before = state.get(c.key)
        old = before.obj if before is not None else None
        new = None if c.type == "DELETED" else c.obj
        held = serviceips.held(new)
        added = [ip for ip in held if ip not in serviceips.held(old) and ("", ip) not in addresses] if keep else []
        for ip in added:
            uid = writes.seeded_uid(emu.seed, f"ipaddress|{ip}|{timestamp}")
            address = serviceips.ip_address(ip, c.obj, uid, timestamp)
            emu.commit(bootstrap.IP_ADDRESSES, Commit("ADDED", ("", ip), address), now)
        emu.commit(SERVICES, c, now)
        for ip in serviceips.held(old) if keep else []:
            there = addresses.get(("", ip))
            if ip not in held and there is not None and serviceips.belongs(there.obj, c.obj):
                emu.commit(bootstrap.IP_ADDRESSES, Commit("DELETED", ("", ip), copy.deepcopy(there.obj)), now)
