"""Server-side printing: objects as `meta.k8s.io/v1` Tables, which is what kubectl asks for.

Columns follow the apiserver's printers (pkg/printers/internalversion/printers.go) for pods and
deployments, and the default Name/Age convertor for other types. The Age cell is relative to the time
the table is made, which in replay is the recording's wall clock plus virtual time.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

_NAME_DOC = ("Name must be unique within a namespace. Is required when creating resources, although some "
             "resources may allow a client to request the generation of an appropriate name automatically. "
             "Name is primarily intended for creation idempotence and configuration definition. Cannot be "
             "updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names")
_AGE_DOC = ("CreationTimestamp is a timestamp representing the server time when this object was created. "
            "It is not guaranteed to be set in happens-before order across separate operations. Clients "
            "may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the "
            "system. Read-only. Null for lists. More info: "
            "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata")


def _col(name: str, doc: str = "", priority: int = 0, fmt: str = "") -> dict[str, Any]:
    return {"name": name, "type": "string", "format": fmt,
            "description": doc, "priority": priority}


_POD_COLUMNS = [
    _col("Name", _NAME_DOC, fmt="name"),
    _col("Ready", "The aggregate readiness state of this pod for accepting traffic."),
    _col("Status", "The aggregate status of the containers in this pod."),
    _col("Restarts", "The number of times the containers in this pod have been restarted and when the last "
                     "container in this pod has restarted."),
    _col("Age", _AGE_DOC),
    _col("IP", "podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet "
               "allocated.", 1),
    _col("Node", "NodeName indicates in which node this pod is scheduled.", 1),
    _col("Nominated Node", "nominatedNodeName is set when this pod preempts other pods on the node.", 1),
    _col("Readiness Gates", "If specified, all readiness gates will be evaluated for pod readiness.", 1),
]
_DEPLOYMENT_COLUMNS = [
    _col("Name", _NAME_DOC, fmt="name"),
    _col("Ready", "Number of the pod with ready state"),
    _col("Up-to-date", "Total number of non-terminated pods targeted by this deployment that have the "
                       "desired template spec."),
    _col("Available", "Total number of available pods (ready for at least minReadySeconds) targeted by "
                      "this deployment."),
    _col("Age", _AGE_DOC),
    _col("Containers", "Names of each container in the template.", 1),
    _col("Images", "Images referenced by each container in the template.", 1),
    _col("Selector", "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be "
                     "the ones affected by this deployment.", 1),
]
_DEFAULT_COLUMNS = [_col("Name", _NAME_DOC, fmt="name"), _col("Age", _AGE_DOC)]


def _parse_time(s: str | None) -> dt.datetime | None:
    if not s:
        return None
    try:
        return dt.datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        return None


def human_age(seconds: float) -> str:
    """duration.HumanDuration from apimachinery, as kubectl shows ages."""
    s = int(seconds)
    if s < -1:
        return "<invalid>"
    if s < 0:  # up to 2 s of clock skew between machines reads as "now"
        return "0s"
    if s < 60 * 2:
        return f"{s}s"
    m = s // 60
    if m < 10:
        return f"{m}m{s % 60}s" if s % 60 else f"{m}m"
    if m < 60 * 3:
        return f"{m}m"
    h = s // 3600
    if h < 8:
        return f"{h}h{m % 60}m" if m % 60 else f"{h}h"
    if h < 48:
        return f"{h}h"
    d = h // 24
    if h < 24 * 8:
        return f"{d}d{h % 24}h" if h % 24 else f"{d}d"
    if d < 365 * 2:
        return f"{d}d"
    if d < 365 * 8:
        return f"{d // 365}y{d % 365}d" if d % 365 else f"{d // 365}y"
    return f"{d // 365}y"


def _age(obj: dict[str, Any], now: dt.datetime) -> str:
    created = _parse_time((obj.get("metadata") or {}).get("creationTimestamp"))
    return "<unknown>" if created is None else human_age((now - created).total_seconds())


def _pod_cells(pod: dict[str, Any], now: dt.datetime) -> list[Any]:
    meta, spec, st = pod.get("metadata") or {}, pod.get("spec") or {}, pod.get("status") or {}
    statuses = st.get("containerStatuses") or []
    total = len(spec.get("containers") or [])
    ready = sum(1 for c in statuses if c.get("ready"))
    restarts = sum(int(c.get("restartCount") or 0) for c in statuses)
    finished = [_parse_time(((c.get("lastState") or {}).get("terminated") or {}).get("finishedAt"))
                for c in statuses]
    last_restart = max((f for f in finished if f is not None), default=None)
    reason = st.get("reason") or st.get("phase") or ""
    has_running = False
    for c in reversed(statuses):
        state = c.get("state") or {}
        if (w := state.get("waiting")) and w.get("reason"):
            reason = w["reason"]
        elif t := state.get("terminated"):
            reason = t.get("reason") or (f"Signal:{t['signal']}" if t.get("signal")
                                         else f"ExitCode:{t.get('exitCode', 0)}")
        elif state.get("running") and c.get("ready"):
            has_running = True
    if reason == "Completed" and has_running:
        reason = "Running"
    if meta.get("deletionTimestamp"):
        if st.get("reason") == "NodeLost":
            reason = "Unknown"
        elif st.get("phase") not in ("Succeeded", "Failed"):  # a finished pod keeps its reason
            reason = "Terminating"
    # Restarts is a string cell: "2", or "2 (5m ago)" once a container has a last termination time.
    restarts_cell = str(restarts)
    if restarts and last_restart is not None:
        restarts_cell = f"{restarts} ({human_age((now - last_restart).total_seconds())} ago)"
    gates = spec.get("readinessGates") or []
    conditions = {c.get("type"): c.get("status") for c in reversed(st.get("conditions") or [])}
    gates_true = sum(1 for g in gates if conditions.get(g.get("conditionType")) == "True")
    return [meta.get("name", ""), f"{ready}/{total}", reason, restarts_cell, _age(pod, now),
            st.get("podIP") or "<none>", spec.get("nodeName") or "<none>",
            st.get("nominatedNodeName") or "<none>", f"{gates_true}/{len(gates)}" if gates else "<none>"]


def _deployment_cells(d: dict[str, Any], now: dt.datetime) -> list[Any]:
    spec, st = d.get("spec") or {}, d.get("status") or {}
    containers = ((spec.get("template") or {}).get("spec") or {}).get("containers") or []
    sel = (spec.get("selector") or {}).get("matchLabels") or {}
    return [(d.get("metadata") or {}).get("name", ""),
            f"{st.get('readyReplicas', 0)}/{spec.get('replicas', 1)}", st.get("updatedReplicas", 0),
            st.get("availableReplicas", 0), _age(d, now), ",".join(c.get("name", "") for c in containers),
            ",".join(c.get("image", "") for c in containers),
            ",".join(f"{k}={v}" for k, v in sorted(sel.items())) or "<none>"]


def _partial(obj: dict[str, Any]) -> dict[str, Any]:
    return {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
            "metadata": obj.get("metadata") or {}}


def columns_for(resource: str) -> list[dict[str, Any]]:
    return {"pods": _POD_COLUMNS, "deployments": _DEPLOYMENT_COLUMNS}.get(resource, _DEFAULT_COLUMNS)


def row(resource: str, obj: dict[str, Any], now: dt.datetime, include_object: str = "Metadata"
        ) -> dict[str, Any]:
    if resource == "pods":
        cells = _pod_cells(obj, now)
    elif resource == "deployments":
        cells = _deployment_cells(obj, now)
    else:
        cells = [(obj.get("metadata") or {}).get("name", ""), _age(obj, now)]
    r: dict[str, Any] = {"cells": cells}
    if include_object == "Object":
        r["object"] = obj
    elif include_object != "None":
        r["object"] = _partial(obj)
    return r


def table(resource: str, objects: list[dict[str, Any]], now: dt.datetime, *, with_columns: bool = True,
          resource_version: str = "", include_object: str = "Metadata",
          continue_token: str = "") -> dict[str, Any]:
    """A Table. Watches send column definitions with the first event only (`null` afterwards)."""
    meta: dict[str, Any] = {"resourceVersion": resource_version} if resource_version else {}
    if continue_token:
        meta["continue"] = continue_token
    return {"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": meta,
            "columnDefinitions": columns_for(resource) if with_columns else None,
            "rows": [row(resource, o, now, include_object) for o in objects]}
