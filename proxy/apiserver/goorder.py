"""The order the apiserver's Go encoder writes an object's keys in: struct fields in declaration order, map
keys sorted. Objects written by hand, patched or decoded from YAML come in another order; put in this one,
their bytes read like an apiserver's (what people compare recordings by, and what byte-level clients see)."""

from __future__ import annotations

from typing import Any

Obj = dict[str, Any]

META_ORDER = ("name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation",
              "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations",
              "ownerReferences", "finalizers", "managedFields")
_META_MAPS = ("labels", "annotations")
_TOP_ORDER: dict[str, tuple[str, ...]] = {
    "Pod": ("spec", "status"),
    "Namespace": ("spec", "status"),
    "ConfigMap": ("immutable", "data", "binaryData"),
    "Secret": ("immutable", "data", "stringData", "type"),
}
_SORTED_MAPS = {"ConfigMap": ("data", "binaryData"), "Secret": ("data", "stringData")}
_POD_SPEC_ORDER = (
    "volumes", "initContainers", "containers", "ephemeralContainers", "restartPolicy",
    "terminationGracePeriodSeconds", "activeDeadlineSeconds", "dnsPolicy", "nodeSelector",
    "serviceAccountName", "serviceAccount", "automountServiceAccountToken", "nodeName", "hostNetwork",
    "hostPID", "hostIPC", "shareProcessNamespace", "securityContext", "imagePullSecrets", "hostname",
    "subdomain", "affinity", "schedulerName", "tolerations", "hostAliases", "priorityClassName", "priority",
    "dnsConfig", "readinessGates", "runtimeClassName", "enableServiceLinks", "preemptionPolicy")


def ordered(mapping: Obj, order: tuple[str, ...]) -> Obj:
    """The keys named in `order` first, in that order, then the rest as they were."""
    out = {k: mapping[k] for k in order if k in mapping}
    out.update((k, v) for k, v in mapping.items() if k not in out)
    return out


def _sorted_maps(mapping: Obj, keys: tuple[str, ...]) -> Obj:
    return {k: dict(sorted(v.items())) if k in keys and isinstance(v, dict) else v for k, v in mapping.items()}


def ordered_meta(meta: Obj) -> Obj:
    """ObjectMeta: its struct's fields in order, labels and annotations (maps) sorted."""
    return ordered(_sorted_maps(meta, _META_MAPS), META_ORDER)


def normalize(obj: Obj, kind: str, api_version: str) -> Obj:
    """kind and apiVersion first (those given), metadata and the fields known here in struct order, known maps
    sorted."""
    rest = _sorted_maps({k: v for k, v in obj.items() if k not in ("kind", "apiVersion", "metadata")},
                        _SORTED_MAPS.get(kind, ()))
    if kind == "Pod" and isinstance(rest.get("spec"), dict):
        rest["spec"] = ordered(rest["spec"], _POD_SPEC_ORDER)
    out: Obj = {k: v for k, v in (("kind", kind), ("apiVersion", api_version)) if v}
    if "metadata" in obj:
        out["metadata"] = ordered_meta(dict(obj["metadata"] or {}))
    out.update(ordered(rest, _TOP_ORDER.get(kind, ())))
    return out
