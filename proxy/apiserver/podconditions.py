"""A pod's status conditions as podutil.UpdatePodCondition sets them: what the eviction and binding
subresources write into a pod past its strategy."""

from __future__ import annotations

from typing import Any


def with_condition(status: dict[str, Any], condition: dict[str, Any], timestamp: str) -> dict[str, Any]:
    """`status` with `condition` (its type and status, reason and message if any) appended, or in place of
    the one of its type, which it replaces whole but for its transition time when the status is the same."""
    conditions = list(status.get("conditions") or [])
    new = {**condition, "lastProbeTime": None, "lastTransitionTime": timestamp}
    i = next((k for k, c in enumerate(conditions) if isinstance(c, dict) and c.get("type") == condition["type"]), None)
    if i is None:
        conditions.append(new)
    else:
        if conditions[i].get("status") == new["status"]:
            new["lastTransitionTime"] = conditions[i].get("lastTransitionTime")
        conditions[i] = new
    return {**status, "conditions": conditions}
