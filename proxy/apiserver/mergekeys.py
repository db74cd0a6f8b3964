"""Which lists of built-in kinds a strategic merge patch merges, and on which key (server-side apply reads
the types' list and map markers instead: fieldsets.py, apply.py).

The apiserver reads these from the Go types' `patchStrategy:"merge" patchMergeKey:"…"` tags. Neither the
`kubernetes` Python package nor lightkube's models carry those tags, so they are written out here, from
k8s.io/api (core/v1, apps/v1, batch/v1, meta/v1, admissionregistration/v1, storage/v1) at v1.37. A list is
looked up by its field name and the field above it, because one name can mean two lists (`ports` of a
container merge on `containerPort`, `ports` of a Service on `port`). Lists not named here are replaced whole,
as the apiserver replaces lists without a strategy.
"""

from __future__ import annotations

from typing import Any

# field name -> merge key, whatever the field above it
_BY_NAME: dict[str, str] = {
    "containers": "name", "initContainers": "name", "ephemeralContainers": "name", "volumes": "name",
    "env": "name", "volumeMounts": "mountPath", "volumeDevices": "devicePath", "imagePullSecrets": "name",
    "hostAliases": "ip", "conditions": "type", "ownerReferences": "uid", "podIPs": "ip", "hostIPs": "ip",
    "addresses": "type", "resourceClaims": "name", "schedulingGates": "name", "topologySpreadConstraints":
    "topologyKey", "secrets": "name", "webhooks": "name", "matchConditions": "name", "variables": "name",
    "drivers": "name", "storageHealth": "name",
}
# (field above, field name) -> merge key, where the name alone is ambiguous
_BY_PARENT: dict[tuple[str, str], str] = {
    ("spec", "ports"): "port",  # ServiceSpec.ports
}
_PRIMITIVE_SETS = frozenset({"finalizers"})  # ObjectMeta.finalizers: patchStrategy merge on strings


def merges_primitives(path: tuple[str, ...]) -> bool:
    return bool(path) and path[-1] in _PRIMITIVE_SETS


def merge_key(path: tuple[str, ...], elements: list[Any]) -> str | None:
    """The merge key of the list at `path` (field names from the object's root), None to replace it."""
    name = path[-1] if path else ""
    parent = path[-2] if len(path) > 1 else ""
    if name == "imagePullSecrets" and not parent:  # a ServiceAccount's, unlike a pod's, is replaced whole
        return None
    if name == "ports":
        # containers[].ports merge on containerPort; a Service's spec.ports on port
        if parent == "spec" and not any(isinstance(e, dict) and "containerPort" in e for e in elements):
            return _BY_PARENT[(parent, name)]
        return "containerPort"
    return _BY_NAME.get(name)
