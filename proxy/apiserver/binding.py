"""The pods/binding subresource and the legacy bindings collection: how a scheduler places a pod, and so
what a scheduler under development does to a replay.

As pkg/registry/core/pod/storage/storage.go's BindingREST decides it, after the create handler's checks
(the Binding's namespace) and the PodTopologyLabels admission plugin (a Binding to a Node through
pods/NAME/binding, not the legacy collection, gets the node's zone and region labels): the Binding's name
must be the URL's; ValidatePodBinding's errors come back as a 500 without a reason (an aggregate, not a
Status); the pod is then updated in storage directly, past the pod strategy and the field manager: its uid
and resourceVersion preconditions first, then a pod being deleted, one bound already or one with scheduling
gates is a 409 on pods/binding. A bound pod has the node's name, no nominated node, the Binding's annotations
(but the legacy init-container ones) and labels, and the PodScheduled condition. The answer is a Status
Success, 201.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from ..wire.names import subdomain
from ..wire.status import created_success, status
from . import decoding
from .defaults import INIT_CONTAINER_ANNOTATIONS, TOPOLOGY_LABELS
from .encode import not_found
from .fielderrors import Cause, error_text, invalid_each, not_supported, required
from .podconditions import with_condition
from .podvalidation import as_dict
from .writes import Commit, Options, Outcome, Stamp, Target, fail, foreign_namespace, precondition_failed

Obj = dict[str, Any]
NODES = "/api/v1/nodes"
_SCHEDULED = {"type": "PodScheduled", "status": "True"}


def topology_labels(node: Obj | None) -> dict[str, str]:
    """What PodTopologyLabels copies from a node: its zone and region labels (none of a missing node)."""
    labels = ((node or {}).get("metadata") or {}).get("labels") or {}
    return {k: v for k, v in labels.items() if k in TOPOLOGY_LABELS and isinstance(v, str)}


def admit_pod(pod: Obj, node_of: Callable[[str], Obj | None]) -> None:
    """PodTopologyLabels on a pod created with its node named: the node's zone and region labels."""
    node = (pod.get("spec") or {}).get("nodeName") if isinstance(pod.get("spec"), dict) else None
    copied = topology_labels(node_of(node)) if isinstance(node, str) and node else {}
    if copied and isinstance(meta := pod.get("metadata"), dict):
        meta["labels"] = {**(meta.get("labels") or {}), **copied}


def _strings(value: Any) -> dict[str, str]:
    return {k: v for k, v in value.items() if isinstance(v, str)} if isinstance(value, dict) else {}


def _validation_errors(target: Obj) -> list[Cause]:
    """ValidatePodBinding."""
    kind, name = target.get("kind") or "", target.get("name") or ""
    causes = [not_supported("target.kind", kind, ("Node", "<empty>"), plain=True)] if kind not in ("", "Node") else []
    if not name:
        causes.append(required("target.name"))
    elif kind in ("", "Node"):
        causes += invalid_each("target.name", name, subdomain(str(name)))
    return causes


def _refused(pod_name: str, why: str) -> Outcome:
    """An error of the update function: not a Status, so a Conflict on pods/binding (assignPod)."""
    return fail(409, f'Operation cannot be fulfilled on pods/binding "{pod_name}": {why}', "Conflict",
                {"name": pod_name, "kind": "pods/binding"})


def bind(t: Target, body: Obj, stamp: Stamp, opts: Options, pod_of: Callable[[str], Obj | None],
         node_of: Callable[[str], Obj | None]) -> Outcome:
    """POST pods/NAME/binding (`t.name` set) or bindings (the name is the Binding's). `pod_of` and `node_of`
    look a pod of the namespace and a node up."""
    if (error := decoding.type_error(body, "Binding", typed=True, api_version="v1")) is not None:
        return fail(400, f'Binding in version "v1" cannot be handled as a Binding: {error}', "BadRequest")
    meta = as_dict(body.get("metadata"))
    if (refused := foreign_namespace(t, meta)) is not None:
        return refused
    target = as_dict(body.get("target"))
    labels = _strings(meta.get("labels"))
    # admission: PodTopologyLabels (mutating, before the registry), which admits pods/binding only: a Binding to
    # the legacy collection is of resource bindings, and keeps the labels it has
    if target.get("kind") == "Node" and t.name:
        labels.update(topology_labels(node_of(str(target.get("name") or ""))))
    name = str(meta.get("name") or "")
    if t.name and name != t.name:
        return fail(400, "name in URL does not match name in Binding object", "BadRequest")
    if causes := _validation_errors(target):
        return Outcome(500, status(500, error_text(causes), ""))
    if not name:  # the storage's key function
        return fail(400, "Name parameter required.", "BadRequest")
    pod_target = Target("", "v1", "pods", "Pod", True, t.namespace, name)
    pod = pod_of(name)
    if pod is None:
        return Outcome(404, not_found("", "pods", name))
    pod_meta = pod.get("metadata") or {}
    # (the legacy collection's handler wipes the uid a subresource's keeps, but not the resourceVersion)
    for what, wanted, held in (("UID", meta.get("uid") if t.name else "", pod_meta.get("uid", "")),
                               ("ResourceVersion", meta.get("resourceVersion"), pod_meta.get("resourceVersion", ""))):
        if wanted and wanted != held:
            return precondition_failed(pod_target, name, what, str(wanted), str(held), opts.dry_run)
    spec = pod.get("spec") or {}
    if pod_meta.get("deletionTimestamp"):
        return _refused(name, f"pod {name} is being deleted, cannot be assigned to a host")
    if spec.get("nodeName"):
        return _refused(name, f'pod {name} is already assigned to node "{spec["nodeName"]}"')
    if spec.get("schedulingGates"):
        return _refused(name, f"pod {name} has non-empty .spec.schedulingGates")
    success = Outcome(201, created_success())
    if opts.dry_run:
        return success
    bound = copy.deepcopy(pod)
    new_meta = {k: v for k, v in bound["metadata"].items() if k != "resourceVersion"}
    annotations = {k: v for k, v in {**_strings(new_meta.get("annotations")), **_strings(meta.get("annotations"))}
                   .items() if k not in INIT_CONTAINER_ANNOTATIONS}
    for key, value in (("annotations", annotations), ("labels", {**_strings(new_meta.get("labels")), **labels})):
        if value:
            new_meta[key] = value
        else:
            new_meta.pop(key, None)
    bound["metadata"] = new_meta
    bound["spec"] = {**spec, "nodeName": str(target.get("name"))}
    bound["status"] = with_condition({k: v for k, v in (bound.get("status") or {}).items()
                                      if k != "nominatedNodeName"}, _SCHEDULED, stamp.timestamp)
    success.commits = [Commit("MODIFIED", pod_target.key(), bound)]
    return success
