"""The pod subresources that write part of a running pod's spec, past what a pod's update may change.

pods/NAME/resize, how a vertical autoscaler changes a pod's cpu and memory in place (GA since 1.35), as the
pod registry's resize strategy and ValidatePodResize decide it in 1.37: the write keeps the containers' (and
init containers') resources and resize policies and the pod-level resources it sends, and everything else as
stored, metadata included (dropNonResizeUpdates; a write that adds, removes or renames containers is left
whole for validation to refuse); a new generation when the spec changed. Refused: a change of QoS class, a pod
whose running containers report no resources (a node without resize), containers added, removed, renamed or
reordered, requests or limits removed, a resource other than cpu and memory changed, a non-sidecar init
container with a RestartContainer policy. Not modelled: the checks of pod-level resources
(validatePodLevelResourcesResize), mirror and Windows pods' refusals.

pods/NAME/ephemeralcontainers, how `kubectl debug` adds a debugging container: only the ephemeral containers
are taken (dropNonEphemeralContainerUpdates), each validated as the pod's spec validates them
(podvalidation), and those there already may be neither removed nor changed (Go's diff of the two).
"""

from __future__ import annotations

import copy
from typing import Any

from . import podresources
from .fielderrors import Cause, forbidden, invalid, typed
from .internal import as_internal, go_diff
from .podvalidation import as_dict, dicts, pod

Obj = dict[str, Any]
_LISTS = ("containers", "initContainers")


def _merged(new: list[Obj], old: list[Obj]) -> list[Obj] | None:
    """dropNonResizeUpdatesForContainers: the stored containers with the sent resources and resize policies,
    or None when a name differs (the sent list is then kept for validation to refuse)."""
    out = []
    for sent, kept in zip(new, old, strict=True):
        if sent.get("name") != kept.get("name"):
            return None
        merged = {k: v for k, v in kept.items() if k not in ("resources", "resizePolicy")}
        for key in ("resources", "resizePolicy"):
            if key in sent:
                merged[key] = sent[key]
        out.append(merged)
    return out


def resized(new: Obj, old: Obj) -> Obj:
    """The pod a resize writes (the strategy's PrepareForUpdate before the generation)."""
    spec, before = as_dict(new.get("spec")), as_dict(old.get("spec"))
    if any(len(dicts(spec.get(f))) != len(dicts(before.get(f))) for f in _LISTS):
        return new
    out_spec = copy.deepcopy(before)
    for field in _LISTS:
        if not spec.get(field):  # (and none stored: the counts are the same)
            continue
        merged = _merged(dicts(spec.get(field)), dicts(before.get(field)))
        out_spec[field] = merged if merged is not None else copy.deepcopy(spec[field])
    if spec.get("resources") is not None:
        out_spec["resources"] = copy.deepcopy(spec["resources"])
    podresources.default(out_spec)  # (PodLevelResourcesFixDefaulting: the pod-level resources completed)
    return _kept_but(new, old, out_spec)


def _cpu_memory_dropped(resources: Any, old: Any) -> Obj:
    """dropCPUMemoryResourcesFromContainer: the requests and limits with cpu and memory as stored."""
    out: Obj = {}
    for key in ("limits", "requests"):
        sent, kept = as_dict(as_dict(resources).get(key)), as_dict(as_dict(old).get(key))
        munged = {k: v for k, v in sent.items() if k not in ("cpu", "memory")}
        munged.update({k: kept[k] for k in ("cpu", "memory") if k in kept})
        if munged:
            out[key] = munged
    if as_dict(resources).get("claims"):
        out["claims"] = as_dict(resources)["claims"]
    return out


def _only_cpu_memory_changed(new: Obj, old: Obj) -> bool:
    """Whether a container differs from the stored one in its cpu and memory alone (resize policies included)."""
    return {**new, "resources": _cpu_memory_dropped(new.get("resources"), old.get("resources"))} == \
        {**old, "resources": as_dict(old.get("resources"))}


def _new_faults(new: Obj, old: Obj) -> list[Cause]:
    """validatePodMetadataAndSpec of the pod written, but for the faults the stored one has too."""
    already = set(pod(old))
    return [c for c in pod(new) if c not in already]


def _removed(now: Any, was: Any) -> bool:
    now, was = as_dict(now), as_dict(was)
    return len(was) > len(now) or any(k not in now for k in was)


def resize_causes(new: Obj, old: Obj) -> list[Cause]:
    """ValidatePodResize past the metadata: the new pod's own checks, then the resize's."""
    found = _new_faults(new, old)
    spec, before = as_dict(new.get("spec")), as_dict(old.get("spec"))
    old_qos = as_dict(old.get("status")).get("qosClass") or podresources.qos_class(before)
    if old_qos != podresources.qos_class(spec):
        found.append(invalid("spec", typed(as_dict(new.get("status")).get("qosClass", "")),
                             "Pod QOS Class may not change as a result of resizing"))
    for status in dicts(as_dict(old.get("status")).get("containerStatuses")):
        if as_dict(status.get("state")).get("running") is not None:
            if status.get("resources") is None:
                found.append(forbidden("spec", "Pod running on node without support for resize"))
            break
    ordering: list[Cause] = []
    for field in _LISTS:
        now, was = dicts(spec.get(field)), dicts(before.get(field))
        if len(now) != len(was):
            ordering.append(forbidden(f"spec.{field}", f"{field} may not be added or removed on resize"))
            continue
        ordering += [forbidden(f"spec.{field}[{i}].name", f"{field} may not be renamed or reordered on resize")
                     for i, (n, w) in enumerate(zip(now, was, strict=True)) if n.get("name") != w.get("name")]
    if ordering:
        return found + ordering
    for field in ("initContainers", "containers"):
        for i, (n, w) in enumerate(zip(dicts(spec.get(field)), dicts(before.get(field)), strict=True)):
            path = f"spec.{field}[{i}].resources"
            for key in ("requests", "limits"):
                if _removed(as_dict(n.get("resources")).get(key), as_dict(w.get("resources")).get(key)):
                    found.append(forbidden(f"{path}.{key}", f"resource {key} cannot be removed"))
    for n, w in zip(dicts(spec.get("containers")), dicts(before.get("containers")), strict=True):
        if not _only_cpu_memory_changed(n, w):
            found.append(forbidden("spec", "only cpu and memory resources are mutable"))
    for i, (n, w) in enumerate(zip(dicts(spec.get("initContainers")), dicts(before.get("initContainers")),
                                   strict=True)):
        if not _only_cpu_memory_changed(n, w):
            found.append(forbidden(f"spec.initContainers[{i}]",
                                   "only cpu and memory resources for init or sidecar containers are mutable"))
        if n != w and n.get("restartPolicy") != "Always" and any(p.get("restartPolicy") == "RestartContainer"
                                                                  for p in dicts(n.get("resizePolicy"))):
            found.append(forbidden(f"spec.initContainers[{i}]", "non-sidecar init containers with a resize policy "
                                                                "of RestartContainer cannot be resized"))
    return found


def _kept_but(new: Obj, old: Obj, spec: Obj) -> Obj:
    """The stored pod with `spec`, the request's resourceVersion and the stored metadata else
    (ResetObjectMetaForStatus: only what the client may not set anyway comes from the request)."""
    out = copy.deepcopy(old)
    out["spec"] = spec
    out["metadata"] = {**as_dict(old.get("metadata")),
                       **{k: v for k, v in as_dict(new.get("metadata")).items() if k == "resourceVersion"}}
    return out


def with_ephemeral_containers(new: Obj, old: Obj) -> Obj:
    """The pod an ephemeralcontainers write leaves: the stored one with the ephemeral containers sent."""
    spec = copy.deepcopy(as_dict(old.get("spec")))
    sent = as_dict(new.get("spec")).get("ephemeralContainers")
    if sent:
        spec["ephemeralContainers"] = copy.deepcopy(sent)
    else:
        spec.pop("ephemeralContainers", None)
    return _kept_but(new, old, spec)


def ephemeral_causes(new: Obj, old: Obj) -> list[Cause]:
    """ValidatePodEphemeralContainersUpdate past the metadata: the pod's own checks, then no ephemeral
    container removed or changed."""
    found = _new_faults(new, old)
    now = {c.get("name"): c for c in dicts(as_dict(new.get("spec")).get("ephemeralContainers"))}
    for was in dicts(as_dict(old.get("spec")).get("ephemeralContainers")):
        name = was.get("name", "")
        if name not in now:
            found.append(forbidden("spec.ephemeralContainers", f'existing ephemeral containers "{name}" may not be '
                                                                "removed\n"))
        elif now[name] != was:
            diff = go_diff(as_internal("EphemeralContainer", was), as_internal("EphemeralContainer", now[name]))
            found.append(forbidden("spec.ephemeralContainers",
                                   f'existing ephemeral containers "{name}" may not be changed\n{diff}'))
    return found
