"""Server-side printing: objects as `meta.k8s.io/v1` Tables, which is what kubectl asks for.

Cells follow the apiserver's printers (pkg/printers/internalversion/printers.go) for pods, deployments,
services, configmaps, secrets, events, namespaces and leases, with the column definitions a 1.37 apiserver sends
(table_columns.py). Other types get columns learned from a Table the recording holds for them (a custom
resource's printer columns, cells from their JSONPath), else the default Name/Age convertor. The Age cell
is relative to the time the table is made, which in replay is the recording's wall clock plus virtual time.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .table_columns import COLUMNS, DEFAULT

# A custom resource's printer column is described this way by apiextensions' table convertor; a column
# learned from a recorded Table is printed again from its JSONPath.
_CRD_COLUMN = "Custom resource definition column (in JSONPath format): "


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


def _service_cells(svc: dict[str, Any], now: dt.datetime) -> list[Any]:
    spec, st = svc.get("spec") or {}, svc.get("status") or {}
    kind = spec.get("type") or "ClusterIP"
    external = list(spec.get("externalIPs") or [])
    if kind == "LoadBalancer":
        ingress = [i.get("ip") or i.get("hostname") or "" for i in (st.get("loadBalancer") or {}).get("ingress") or []]
        external = external + ingress if ingress else external or ["<pending>"]
    elif kind == "ExternalName":
        external = [spec.get("externalName") or ""]
    ports = [f"{p.get('port')}" + (f":{p['nodePort']}" if p.get("nodePort") else "") + f"/{p.get('protocol', 'TCP')}"
             for p in spec.get("ports") or []]
    sel = spec.get("selector") or {}
    return [(svc.get("metadata") or {}).get("name", ""), kind, spec.get("clusterIP") or "<none>",
            ",".join(external) or "<none>", ",".join(ports) or "<none>", _age(svc, now),
            ",".join(f"{k}={v}" for k, v in sorted(sel.items())) or "<none>"]


def _event_cells(ev: dict[str, Any], now: dt.datetime) -> list[Any]:
    def since(ts: str | None) -> str:
        t = _parse_time(ts)
        return "<unknown>" if t is None else human_age((now - t).total_seconds())

    first = since(ev.get("firstTimestamp")) if ev.get("firstTimestamp") else since(ev.get("eventTime"))
    last = since(ev.get("lastTimestamp")) if ev.get("lastTimestamp") else first
    count = ev.get("count") or 1
    if series := ev.get("series"):
        last, count = since(series.get("lastObservedTime")), series.get("count") or count
    obj = ev.get("involvedObject") or {}
    kind = str(obj.get("kind", "")).lower()
    target = f"{kind}/{obj['name']}" if obj.get("name") else kind
    src = ev.get("source") or {}
    component, host = src.get("component", ""), src.get("host", "")
    if not component:
        component, host = ev.get("reportingComponent", ""), ev.get("reportingInstance", "")
    return [last, ev.get("type", ""), ev.get("reason", ""), target, obj.get("fieldPath", ""),
            f"{component}, {host}" if host else component, str(ev.get("message", "")).strip(), first, int(count),
            (ev.get("metadata") or {}).get("name", "")]


def _configmap_cells(cm: dict[str, Any], now: dt.datetime) -> list[Any]:
    return [(cm.get("metadata") or {}).get("name", ""), len(cm.get("data") or {}) + len(cm.get("binaryData") or {}),
            _age(cm, now)]


def _secret_cells(sec: dict[str, Any], now: dt.datetime) -> list[Any]:
    return [(sec.get("metadata") or {}).get("name", ""), sec.get("type", ""), len(sec.get("data") or {}),
            _age(sec, now)]


def _namespace_cells(ns: dict[str, Any], now: dt.datetime) -> list[Any]:
    return [(ns.get("metadata") or {}).get("name", ""), (ns.get("status") or {}).get("phase", ""), _age(ns, now)]


def _lease_cells(lease: dict[str, Any], now: dt.datetime) -> list[Any]:
    return [(lease.get("metadata") or {}).get("name", ""), (lease.get("spec") or {}).get("holderIdentity") or "",
            _age(lease, now)]


_PRINTERS = {"pods": _pod_cells, "deployments": _deployment_cells, "services": _service_cells,
             "events": _event_cells, "configmaps": _configmap_cells, "secrets": _secret_cells,
             "namespaces": _namespace_cells, "leases": _lease_cells}


def _json_path(obj: Any, path: str) -> Any:
    """The simple JSONPaths printer columns use (`.spec.size`, `.status.conditions[0].type`)."""
    node = obj
    for part in path.strip().lstrip(".").replace("[", ".[").split("."):
        if not part:
            continue
        if part.startswith("[") and part.endswith("]"):
            index = part[1:-1]
            node = node[int(index)] if isinstance(node, list) and index.isdigit() and int(index) < len(node) \
                else None
        else:
            node = node.get(part) if isinstance(node, dict) else None
    return node


def _learned_cells(columns: list[dict[str, Any]], obj: dict[str, Any], now: dt.datetime) -> list[Any]:
    cells: list[Any] = []
    for col in columns:
        doc = str(col.get("description", ""))
        if col.get("format") == "name":
            cells.append((obj.get("metadata") or {}).get("name", ""))
        elif doc.startswith(_CRD_COLUMN):
            value = _json_path(obj, doc[len(_CRD_COLUMN):])
            if col.get("type") == "date" and isinstance(value, str):
                value = _age({"metadata": {"creationTimestamp": value}}, now)
            cells.append(value)
        elif col.get("name") == "Age":
            cells.append(_age(obj, now))
        else:
            cells.append(None)
    return cells


def learned_columns(body: Any) -> list[dict[str, Any]] | None:
    """The column definitions of a recorded Table, when they can be printed again (names, ages and custom
    resource JSONPath columns): how emulate prints a type it has no printer for as the real server did."""
    if not isinstance(body, dict) or body.get("kind") != "Table" or not isinstance(body.get("columnDefinitions"), list):
        return None
    cols = body["columnDefinitions"]
    printable = all(isinstance(c, dict) and (c.get("format") == "name" or c.get("name") == "Age"
                                             or str(c.get("description", "")).startswith(_CRD_COLUMN))
                    for c in cols)
    return cols if cols and printable else None


def _partial(obj: dict[str, Any]) -> dict[str, Any]:
    return {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
            "metadata": obj.get("metadata") or {}}


def columns_for(resource: str, learned: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    if resource in _PRINTERS:
        return COLUMNS[resource]
    return learned or DEFAULT


def row(resource: str, obj: dict[str, Any], now: dt.datetime, include_object: str = "Metadata",
        learned: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    printer = _PRINTERS.get(resource)
    cells = printer(obj, now) if printer else _learned_cells(learned or DEFAULT, obj, now)
    r: dict[str, Any] = {"cells": cells}
    if include_object == "Object":
        r["object"] = obj
    elif include_object != "None":
        r["object"] = _partial(obj)
    return r


def table(resource: str, objects: list[dict[str, Any]], now: dt.datetime, *, with_columns: bool = True,
          resource_version: str = "", include_object: str = "Metadata",
          continue_token: str = "", learned: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A Table. Watches send column definitions with the first event only (`null` afterwards)."""
    meta: dict[str, Any] = {"resourceVersion": resource_version} if resource_version else {}
    if continue_token:
        meta["continue"] = continue_token
    return {"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": meta,
            "columnDefinitions": columns_for(resource, learned) if with_columns else None,
            "rows": [row(resource, o, now, include_object, learned) for o in objects]}
