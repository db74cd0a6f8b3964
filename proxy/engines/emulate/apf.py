"""API Priority and Fairness's config controller in a replay: after a write to a FlowSchema or a
PriorityLevelConfiguration, each FlowSchema it concerns gets the `Dangling` condition the controller would
apply to its status (whether the priority level it names exists; the mandatory `exempt` and `catch-all` count
as existing, as the controller imagines them when they do not), committed at once as a server-side apply of
the status by the controller's field manager (the real controller applies a moment later)."""

from __future__ import annotations

import copy
from typing import Any, Protocol

from ...apiserver import managedfields, writes
from ...apiserver.changes import in_key_order
from ...apiserver.history import ResourceTimeline, WatchCache
from ...apiserver.writes import Commit

_GROUP = "/apis/flowcontrol.apiserver.k8s.io/v1"
FLOW_SCHEMAS, PRIORITY_LEVELS = f"{_GROUP}/flowschemas", f"{_GROUP}/prioritylevelconfigurations"
MANAGER = "api-priority-and-fairness-config-consumer-v1"  # ConfigConsumerAsFieldManager
_MANDATORY_LEVELS = frozenset({"exempt", "catch-all"})


class Store(Protocol):
    cache: WatchCache

    def commit(self, path: str, change: Commit, now: float) -> int: ...
    def timeline_of(self, collection_path: str) -> ResourceTimeline | None: ...


def dangling(level: str, found: bool, now: str) -> dict[str, Any]:
    """The condition presyncFlowSchemaStatus wants for a FlowSchema naming `level` (fields in Go's order)."""
    if found:
        return {"type": "Dangling", "status": "False", "lastTransitionTime": now, "reason": "Found",
                "message": f'This FlowSchema references the PriorityLevelConfiguration object named "{level}" and '
                           "it exists"}
    return {"type": "Dangling", "status": "True", "lastTransitionTime": now, "reason": "NotFound",
            "message": f'This FlowSchema references the PriorityLevelConfiguration object named "{level}" but there '
                       "is no such object"}


def after_write(emu: Store, path: str, commits: list[Commit], now: float, stamp: writes.Stamp) -> None:
    """The FlowSchemas the written objects concern (those written, and those naming a written level) given
    their `Dangling` condition where it says otherwise (status, reason or message)."""
    if path not in (FLOW_SCHEMAS, PRIORITY_LEVELS) or not commits or emu.timeline_of(FLOW_SCHEMAS) is None:
        return
    written = {c.key for c in commits}
    levels = _MANDATORY_LEVELS | ({key[1] for key in emu.cache.state(PRIORITY_LEVELS, now)}
                                  if emu.timeline_of(PRIORITY_LEVELS) is not None else set())
    for key, ch in in_key_order(emu.cache.state(FLOW_SCHEMAS, now)):
        level = str(((ch.obj.get("spec") or {}).get("priorityLevelConfiguration") or {}).get("name") or "")
        if (key if path == FLOW_SCHEMAS else ("", level)) not in written:
            continue
        wanted = dangling(level, level in levels, stamp.timestamp)
        conditions = [c for c in (ch.obj.get("status") or {}).get("conditions") or [] if isinstance(c, dict)]
        have = next((c for c in conditions if c.get("type") == "Dangling"), {})
        if all(have.get(k) == wanted[k] for k in ("status", "reason", "message")):
            continue
        new = copy.deepcopy(ch.obj)
        at = conditions.index(have) if have else len(conditions)
        new["status"] = {**(new.get("status") or {}), "conditions": [*conditions[:at], wanted, *conditions[at + 1:]]}
        applied = {"apiVersion": new.get("apiVersion"), "kind": new.get("kind"),
                   "metadata": {"name": key[1]}, "status": {"conditions": [wanted]}}
        new = managedfields.controller_apply(ch.obj, applied, new, MANAGER, "status", stamp.timestamp)
        emu.commit(FLOW_SCHEMAS, Commit("MODIFIED", key, new), now)
