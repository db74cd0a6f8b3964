"""Server-side printing: the ``meta.k8s.io`` Table kubectl asks for, and PartialObjectMetadata.

kubectl never decodes pods itself: it sends a Table ``Accept`` header and prints the cells the server
computed (pkg/printers/internalversion/printers.go). A proxy that records kubectl sessions therefore
sees Tables, both in lists and in watch events, and the stand-in must produce them with the real
column definitions, the wide (priority 1) columns, ``<none>`` placeholders and row objects.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from .encoding import JsonObject, human_duration, parse_rfc3339
from .objects import ResourceType

_NAME_DOC = (
    "Name must be unique within a namespace. Is required when creating resources, although some resources "
    "may allow a client to request the generation of an appropriate name automatically. Name is primarily "
    "intended for creation idempotence and configuration definition. Cannot be updated. More info: "
    "https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names"
)
_CREATED_DOC = (
    "CreationTimestamp is a timestamp representing the server time when this object was created. It is not "
    "guaranteed to be set in happens-before order across separate operations. Clients may not set this "
    "value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for "
    "lists. More info: "
    "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata"
)


def _column(
    name: str, description: str, *, ctype: str = "string", fmt: str = "", priority: int = 0
) -> JsonObject:
    return {"name": name, "type": ctype, "format": fmt, "description": description, "priority": priority}


_NAME = _column("Name", _NAME_DOC, fmt="name")
_AGE = _column("Age", _CREATED_DOC)

COLUMNS: dict[str, list[JsonObject]] = {
    "Pod": [
        _NAME,
        _column("Ready", "The aggregate readiness state of this pod for accepting traffic."),
        _column("Status", "The aggregate status of the containers in this pod."),
        _column(
            "Restarts",
            "The number of times the containers in this pod have been restarted and when the last container "
            "in this pod has restarted.",
        ),
        _AGE,
        _column(
            "IP",
            "podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet "
            "allocated.",
            priority=1,
        ),
        _column(
            "Node",
            "NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for "
            "scheduling by the scheduler defined in schedulerName. Once this field is set, the "
            "kubelet for this "
            "node becomes responsible for the lifecycle of this pod. This field should not be used "
            "to express a "
            "desire for the pod to be scheduled on a specific node. "
            "https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#nodename",
            priority=1,
        ),
        _column(
            "Nominated Node",
            "nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be "
            "scheduled right away as preemption victims receive their graceful termination periods. "
            "This field "
            "does not guarantee that the pod will be scheduled on this node. Scheduler may decide to "
            "place the "
            "pod elsewhere if other nodes become available sooner. Scheduler may also decide to give the "
            "resources on this node to a higher priority pod that is created after preemption. As a result, "
            "this field may be different than PodSpec.nodeName when the pod is scheduled.",
            priority=1,
        ),
        _column(
            "Readiness Gates",
            "If specified, all readiness gates will be evaluated for pod readiness. A pod is ready "
            "when all its "
            "containers are ready AND all conditions specified in the readiness gates have status "
            'equal to "True" '
            "More info: https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates",
            priority=1,
        ),
    ],
    "Deployment": [
        _NAME,
        _column("Ready", "Number of the pod with ready state"),
        _column(
            "Up-to-date",
            "Total number of non-terminating pods targeted by this deployment that have the desired template "
            "spec.",
        ),
        _column(
            "Available",
            "Total number of available non-terminating pods (ready for at least minReadySeconds) targeted by "
            "this deployment.",
        ),
        _AGE,
        _column("Containers", "Names of each container in the template.", priority=1),
        _column("Images", "Images referenced by each container in the template.", priority=1),
        _column(
            "Selector",
            "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones "
            "affected by this deployment.",
            priority=1,
        ),
    ],
    "Namespace": [_NAME, _column("Status", "The status of the namespace"), _AGE],
    "ConfigMap": [
        _NAME,
        _column(
            "Data",
            "Data contains the configuration data. Each key must consist of alphanumeric characters, "
            "'-', '_' "
            "or '.'. Values with non-UTF-8 byte sequences must use the BinaryData field. The keys "
            "stored in Data "
            "must not overlap with the keys in the BinaryData field, this is enforced during "
            "validation process.",
        ),
        _AGE,
    ],
    "Secret": [
        _NAME,
        _column(
            "Type",
            "Used to facilitate programmatic handling of secret data. More info: "
            "https://kubernetes.io/docs/concepts/configuration/secret/#secret-types",
        ),
        _column(
            "Data",
            "Data contains the secret data. Each key must consist of alphanumeric characters, '-', "
            "'_' or '.'. "
            "The serialized form of the secret data is a base64 encoded string, representing the arbitrary "
            "(possibly non-string) data value here. Described in "
            "https://tools.ietf.org/html/rfc4648#section-4",
        ),
        _AGE,
    ],
}

_POD_SUCCEEDED = [
    {
        "type": "Completed",
        "status": "True",
        "reason": "Succeeded",
        "message": "The pod has completed successfully.",
    }
]
_POD_FAILED = [{"type": "Completed", "status": "True", "reason": "Failed", "message": "The pod failed."}]


def _age(obj: JsonObject, now: datetime) -> str:
    created = (obj.get("metadata") or {}).get("creationTimestamp")
    if not created:
        return "<unknown>"
    return human_duration(now - parse_rfc3339(created))


def _pod_cells(pod: JsonObject, now: datetime) -> tuple[list[Any], list[JsonObject] | None]:
    meta = pod.get("metadata") or {}
    spec = pod.get("spec") or {}
    status = pod.get("status") or {}
    containers = spec.get("containers") or []
    total = len(containers)
    ready = 0
    restarts = 0
    last_restart: datetime | None = None
    phase = status.get("phase") or ""
    reason = status.get("reason") or phase
    for condition in status.get("conditions") or []:
        if condition.get("type") == "PodScheduled" and condition.get("reason") == "SchedulingGated":
            reason = "SchedulingGated"
    conditions: list[JsonObject] | None = None
    if phase == "Succeeded":
        conditions = _POD_SUCCEEDED
    elif phase == "Failed":
        conditions = _POD_FAILED
    has_running = False
    for cs in reversed(status.get("containerStatuses") or []):
        restarts += int(cs.get("restartCount") or 0)
        last_terminated = (cs.get("lastState") or {}).get("terminated")
        if last_terminated and last_terminated.get("finishedAt"):
            finished = parse_rfc3339(last_terminated["finishedAt"])
            if last_restart is None or finished > last_restart:
                last_restart = finished
        state = cs.get("state") or {}
        waiting, terminated = state.get("waiting"), state.get("terminated")
        if waiting and waiting.get("reason"):
            reason = waiting["reason"]
        elif terminated and terminated.get("reason"):
            reason = terminated["reason"]
        elif terminated is not None:
            if terminated.get("signal"):
                reason = f"Signal:{terminated['signal']}"
            else:
                reason = f"ExitCode:{terminated.get('exitCode', 0)}"
        elif cs.get("ready") and state.get("running") is not None:
            has_running = True
            ready += 1
    if reason == "Completed" and has_running:
        pod_ready = any(
            c.get("type") == "Ready" and c.get("status") == "True" for c in status.get("conditions") or []
        )
        reason = "Running" if pod_ready else "NotReady"
    if meta.get("deletionTimestamp"):
        if status.get("reason") == "NodeLost":
            reason = "Unknown"
        elif phase not in ("Succeeded", "Failed"):
            reason = "Terminating"
    restarts_cell = str(restarts)
    if restarts and last_restart is not None:
        restarts_cell = f"{restarts} ({human_duration(now - last_restart)} ago)"
    pod_ips = status.get("podIPs") or []
    ip = (pod_ips[0].get("ip") if pod_ips else "") or "<none>"
    gates = spec.get("readinessGates") or []
    gates_cell = "<none>"
    if gates:
        true_count = 0
        for gate in gates:
            for condition in status.get("conditions") or []:
                if condition.get("type") == gate.get("conditionType"):
                    true_count += condition.get("status") == "True"
                    break
        gates_cell = f"{true_count}/{len(gates)}"
    cells: list[Any] = [
        meta.get("name", ""),
        f"{ready}/{total}",
        reason,
        restarts_cell,
        _age(pod, now),
        ip,
        spec.get("nodeName") or "<none>",
        status.get("nominatedNodeName") or "<none>",
        gates_cell,
    ]
    return cells, conditions


def _selector_text(selector: JsonObject | None) -> str:
    if not selector:
        return "<none>"
    parts = [f"{k}={v}" for k, v in sorted((selector.get("matchLabels") or {}).items())]
    for expr in selector.get("matchExpressions") or []:
        op = expr.get("operator", "")
        values = ",".join(sorted(expr.get("values") or []))
        if op == "In":
            parts.append(f"{expr['key']} in ({values})")
        elif op == "NotIn":
            parts.append(f"{expr['key']} notin ({values})")
        elif op == "Exists":
            parts.append(expr["key"])
        elif op == "DoesNotExist":
            parts.append(f"!{expr['key']}")
    return ",".join(parts) if parts else "<none>"


def _cells(rt: ResourceType, obj: JsonObject, now: datetime) -> tuple[list[Any], list[JsonObject] | None]:
    meta = obj.get("metadata") or {}
    name = meta.get("name", "")
    if rt.kind == "Pod":
        return _pod_cells(obj, now)
    if rt.kind == "Deployment":
        spec = obj.get("spec") or {}
        status = obj.get("status") or {}
        pod_spec = (spec.get("template") or {}).get("spec") or {}
        containers = pod_spec.get("containers") or []
        return [
            name,
            f"{int(status.get('readyReplicas') or 0)}/{int(spec.get('replicas') or 0)}",
            int(status.get("updatedReplicas") or 0),
            int(status.get("availableReplicas") or 0),
            _age(obj, now),
            ",".join(c.get("name", "") for c in containers),
            ",".join(c.get("image", "") for c in containers),
            _selector_text(spec.get("selector")),
        ], None
    if rt.kind == "Namespace":
        return [name, (obj.get("status") or {}).get("phase", ""), _age(obj, now)], None
    if rt.kind == "ConfigMap":
        return [name, len(obj.get("data") or {}) + len(obj.get("binaryData") or {}), _age(obj, now)], None
    if rt.kind == "Secret":
        return [name, obj.get("type", ""), len(obj.get("data") or {}), _age(obj, now)], None
    return [name, _age(obj, now)], None


def partial_object_metadata(obj: JsonObject, group_version: str = "meta.k8s.io/v1") -> JsonObject:
    """``meta.AsPartialObjectMetadata``: only kind, apiVersion and the complete metadata."""
    return {
        "kind": "PartialObjectMetadata",
        "apiVersion": group_version,
        "metadata": dict(obj.get("metadata") or {}),
    }


def to_table(
    rt: ResourceType,
    objects: list[JsonObject],
    *,
    list_meta: JsonObject,
    no_headers: bool = False,
    include_object: str = "Metadata",
    group_version: str = "meta.k8s.io/v1",
    now: datetime | None = None,
) -> JsonObject:
    """A ``Table`` for a list or for one watched object.

    ``no_headers`` gives ``"columnDefinitions":null`` as on every watch event after the first;
    ``include_object`` is the ``includeObject`` query parameter (None, Object or Metadata).
    """
    now = now or datetime.now(UTC)
    rows: list[JsonObject] = []
    for obj in objects:
        cells, conditions = _cells(rt, obj, now)
        row: JsonObject = {"cells": cells}
        if conditions:
            row["conditions"] = conditions
        if include_object == "Object":
            row["object"] = obj
        elif include_object == "None":
            row["object"] = None
        else:
            row["object"] = partial_object_metadata(obj, group_version)
        rows.append(row)
    return {
        "kind": "Table",
        "apiVersion": group_version,
        "metadata": list_meta,
        "columnDefinitions": None if no_headers else COLUMNS.get(rt.kind, [_NAME, _AGE]),
        "rows": rows,
    }
