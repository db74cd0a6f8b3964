"""Which lists of built-in kinds a strategic merge patch merges, and on which key; and what server-side
apply keeps whole or tells apart on more than one key (at the end).

The apiserver reads these from the Go types' `patchStrategy:"merge" patchMergeKey:"…"` tags. Neither the
`kubernetes` Python package nor lightkube's models carry those tags, so they are written out here, from
k8s.io/api (core/v1, apps/v1, batch/v1, meta/v1) at v1.37. A list is looked up by its field name and the
field above it, because one name can mean two lists (`ports` of a container merge on `containerPort`,
`ports` of a Service on `port`). Lists not named here are replaced whole, as the apiserver replaces
lists without a strategy.
"""

from __future__ import annotations

from typing import Any

from ..wire.kinds import is_custom_group

# field name -> merge key, whatever the field above it
_BY_NAME: dict[str, str] = {
    "containers": "name", "initContainers": "name", "ephemeralContainers": "name", "volumes": "name",
    "env": "name", "volumeMounts": "mountPath", "volumeDevices": "devicePath", "imagePullSecrets": "name",
    "hostAliases": "ip", "conditions": "type", "ownerReferences": "uid", "podIPs": "ip", "hostIPs": "ip",
    "addresses": "type", "resourceClaims": "name", "schedulingGates": "name", "topologySpreadConstraints":
    "topologyKey", "secrets": "name",
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


# Server-side apply (structured-merge-diff) reads the types' list and map markers instead of the patch tags:
# maps and structs it keeps whole (`+mapType=atomic`, `+structType=atomic`: a Service's and a pod's
# selectors, every LabelSelector, the references an env var's value comes from, an event's or an endpoint's
# object reference, a binding's role reference), lists whose items it keeps whole, and list keys of more than
# one field.
ATOMIC = frozenset({"selector", "nodeSelector", "podSelector", "namespaceSelector", "labelSelector",
                    "configMapKeyRef", "secretKeyRef", "fieldRef", "resourceFieldRef", "involvedObject", "targetRef",
                    "roleRef"})
ATOMIC_ITEMS = frozenset({"ownerReferences"})
_DEFAULT_PROTOCOL = "TCP"


def atomic_fields(obj: dict[str, Any]) -> frozenset[str]:
    """The names of the fields kept whole in this object: none in a custom resource, whose schema (not
    read here) says, every ATOMIC one in a built-in."""
    return frozenset() if is_custom_group(str(obj.get("apiVersion", "")).rpartition("/")[0]) else ATOMIC


def list_map_keys(path: tuple[str, ...], elements: list[Any]) -> tuple[str, ...] | None:
    """The fields structured-merge-diff tells the items of the list at `path` apart by (`+listMapKey`), or
    None for a list it keeps whole: a port (a container's, a Service's) by its number and protocol."""
    key = merge_key(path, elements)
    if key is None:
        return None
    return (key, "protocol") if path and path[-1] == "ports" else (key,)


def key_value(element: dict[str, Any], key: str) -> Any:
    """An item's value of a list key, with the default a missing protocol takes."""
    return element.get(key, _DEFAULT_PROTOCOL if key == "protocol" else None)

