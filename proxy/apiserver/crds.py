"""CustomResourceDefinitions as the kube-apiserver's embedded apiextensions-apiserver handles them: the
definition's defaults and validation, the status its controllers write after a create (names accepted, then
established) and on delete (terminating), and the custom resource type each served version makes.

An operator's developer installs its CRDs before anything else (`kubectl apply -f config/crd`), then runs
the controller; against emulate the custom resources must then behave as the real server's do: pruned,
defaulted and validated by their schema (schema.py), with a status subresource only where declared.
Pure: objects in, objects out; the emulator (proxy/engines/emulate/customresources.py) commits them.

Compared with the real kube-apiserver by tests/test_crds_realkube.py. Left out: conversion webhooks
(every served version is served from the same object), name conflicts between definitions, and
validation beyond what each function's docstring names.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..wire.gostrings import format_float
from . import schema, validation
from .decoding import json_kind
from .fielderrors import Cause, forbidden, invalid, not_supported, required

GROUP = "apiextensions.k8s.io"
PATH = f"/apis/{GROUP}/v1/customresourcedefinitions"
KIND = "CustomResourceDefinition"
CLEANUP_FINALIZER = "customresourcecleanup.apiextensions.k8s.io"
_SCOPES = ("Cluster", "Namespaced")
_NAMES_ORDER = ("plural", "singular", "shortNames", "kind", "listKind", "categories")
Obj = dict[str, Any]
# Go's JSON of the zero v1 CustomResourceDefinition, past its metadata (what its bookmarks carry)
ZERO: Obj = {"spec": {"group": "", "names": {"plural": "", "kind": ""}, "scope": "", "versions": None},
             "status": {"conditions": None, "acceptedNames": {"plural": "", "kind": ""}, "storedVersions": None}}


@dataclass(frozen=True)
class CustomType:
    """One served version of a custom resource: what routing, discovery, writes and Tables need of it."""

    group: str
    version: str
    plural: str
    singular: str
    kind: str
    list_kind: str
    namespaced: bool
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    schema: dict[str, Any] = field(default_factory=dict, hash=False)
    # every served version's schema (a body naming another version of the type is decoded by that one's)
    schemas: dict[str, dict[str, Any]] = field(default_factory=dict, hash=False)
    status: bool = False  # has a status subresource
    scale: dict[str, str] | None = field(default=None, hash=False)  # the scale subresource's JSON paths
    columns: tuple[dict[str, Any], ...] = ()  # additionalPrinterColumns
    terminating: bool = False  # its definition is being deleted: no new objects, the rest still served

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}"

    storage_version: str = ""

    @property
    def storage_version_hash(self) -> str:
        """discovery.StorageVersionHash: the first 8 bytes of sha256 of "group/version/kind", the storage
        version's."""
        digest = hashlib.sha256(f"{self.group}/{self.storage_version}/{self.kind}".encode()).digest()
        return base64.b64encode(digest[:8]).decode()


def _spec(crd: Obj) -> Obj:
    spec = crd.get("spec")
    return spec if isinstance(spec, dict) else {}


def _names(crd: Obj) -> Obj:
    names = _spec(crd).get("names")
    return names if isinstance(names, dict) else {}


def _versions(crd: Obj) -> list[Obj]:
    versions = _spec(crd).get("versions")
    return [v for v in versions if isinstance(v, dict)] if isinstance(versions, list) else []


def defaulted(crd: Obj, creating: bool, uid: str) -> None:
    """SetDefaults of apiextensions/v1 (in place): the singular and list kind from the kind, no conversion;
    on create the status the strategy starts it with."""
    spec = crd.get("spec")
    if not isinstance(spec, dict):
        return
    names = spec.get("names")
    if isinstance(names, dict):
        kind = names.get("kind")
        if isinstance(kind, str) and kind:
            names.setdefault("singular", kind.lower())
            names.setdefault("listKind", f"{kind}List")
        spec["names"] = {**{k: names[k] for k in _NAMES_ORDER if k in names}, **names}
    if not isinstance(spec.get("conversion"), dict):
        spec["conversion"] = {"strategy": "None"}
    if creating:
        storage = [v.get("name") for v in _versions(crd) if v.get("storage")]
        crd["status"] = {"conditions": None, "acceptedNames": {"plural": "", "kind": ""},
                         "storedVersions": storage[:1] or None}


def _internal_versions(versions: list[Obj]) -> list[Obj]:
    """The versions as the apiserver prints its internal Go struct in a message (a per-version schema,
    subresources and columns are moved to the spec when every version has the same)."""
    return [{"Name": v.get("name", ""), "Served": bool(v.get("served")), "Storage": bool(v.get("storage")),
             "Deprecated": bool(v.get("deprecated")), "DeprecationWarning": v.get("deprecationWarning"),
             "Schema": None, "Subresources": None, "AdditionalPrinterColumns": None, "SelectableFields": None}
            for v in versions]


def _untyped_nodes(s: Any, path: str) -> list[Cause]:
    """Structural schemas name a type for every object field (structural.validateStructuralInvariants'
    first rule); a field may instead be an int-or-string or keep unknown fields."""
    if not isinstance(s, dict):
        return []
    causes: list[Cause] = []
    props = s.get("properties")
    for name, child in (props.items() if isinstance(props, dict) else ()):
        where = f"{path}.properties[{name}]"
        if isinstance(child, dict) and not child.get("type") and not child.get("x-kubernetes-int-or-string") \
                and not child.get("x-kubernetes-preserve-unknown-fields"):
            causes.append(required(f"{where}.type", "must not be empty for specified object fields"))
        causes += _untyped_nodes(child, where)
    for part in ("items", "additionalProperties"):
        if isinstance(s.get(part), dict):
            causes += _untyped_nodes(s[part], f"{path}.{part}")
    return causes


def _marker_causes(s: Any, path: str) -> list[Cause]:
    """ValidateCustomResourceDefinitionOpenAPISchema's rules for the markers server-side apply reads: list and
    map types on lists and maps, a set's items atomic, a list-map's keys scalar properties of object items."""
    if not isinstance(s, dict):
        return []
    out: list[Cause] = []
    typ, items = s.get("type") or "", s.get("items")
    list_type, map_type, keys = s.get("x-kubernetes-list-type"), s.get("x-kubernetes-map-type"), \
        s.get("x-kubernetes-list-map-keys") or []
    props: Obj = s["properties"] if isinstance(s.get("properties"), dict) else {}
    for name, child in props.items():
        out += _marker_causes(child, f"{path}.properties[{name}]")
    if isinstance(s.get("additionalProperties"), dict):
        out += _marker_causes(s["additionalProperties"], f"{path}.additionalProperties")
    if isinstance(items, dict):
        out += _marker_causes(items, f"{path}.items")
    if s.get("x-kubernetes-preserve-unknown-fields") is False:
        out.append(invalid(f"{path}.x-kubernetes-preserve-unknown-fields", False, "must be true or undefined"))
    if map_type is not None and typ != "object":
        why = "must be object if x-kubernetes-map-type is specified"
        out.append(invalid(f"{path}.type", typ, why) if typ else required(f"{path}.type", why))
    if map_type is not None and map_type not in ("atomic", "granular"):
        out.append(not_supported(f"{path}.x-kubernetes-map-type", map_type, ["atomic", "granular"]))
    if list_type is not None and typ != "array":
        why = "must be array if x-kubernetes-list-type is specified"
        out.append(invalid(f"{path}.type", typ, why) if typ else required(f"{path}.type", why))
    elif list_type == "set" and isinstance(items, dict):
        why = "must be atomic as item of a list with x-kubernetes-list-type=set"
        item_list = items.get("x-kubernetes-list-type")
        if items.get("type") == "array" and item_list is not None and item_list != "atomic":
            out.append(invalid(f"{path}.items.x-kubernetes-list-type", item_list, why))
        if items.get("type") == "object" and items.get("x-kubernetes-map-type") != "atomic":
            out.append(invalid(f"{path}.items.x-kubernetes-map-type", item_list, why))  # (Go prints the list type)
    if list_type is not None and list_type not in ("atomic", "set", "map"):
        out.append(not_supported(f"{path}.x-kubernetes-list-type", list_type, ["atomic", "set", "map"]))
    if keys and list_type != "map":
        why = "must be map if x-kubernetes-list-map-keys is non-empty"
        out.append(invalid(f"{path}.x-kubernetes-list-type", list_type, why) if list_type is not None
                   else required(f"{path}.x-kubernetes-list-type", why))
    if list_type == "map":
        if not keys:
            out.append(required(f"{path}.x-kubernetes-list-map-keys",
                                "must not be empty if x-kubernetes-list-type is map"))
        if not isinstance(items, dict):
            out.append(required(f"{path}.items", "must have a schema if x-kubernetes-list-type is map"))
        elif items.get("type") != "object":
            out.append(invalid(f"{path}.items.type", items.get("type") or "",
                               "must be object if parent array's x-kubernetes-list-type is map"))
        else:
            item_props: Obj = items["properties"] if isinstance(items.get("properties"), dict) else {}
            for i, k in enumerate(keys):
                if k not in item_props:
                    out.append(invalid(f"{path}.x-kubernetes-list-map-keys", keys,
                                       "entries must all be names of item properties"))
                elif isinstance(item_props[k], dict) and item_props[k].get("type") in ("array", "object"):
                    out.append(invalid(f"{path}.items.properties[{k}].type", "object",
                                       "must be a scalar type if parent array's x-kubernetes-list-type is map"))
                if k in keys[:i]:
                    out.append(invalid(f"{path}.x-kubernetes-list-map-keys", keys,
                                       "must not contain duplicate entries"))
    return out + _keyed_items(s, path)


def _keyed_items(s: Obj, path: str) -> list[Cause]:
    """validateMapListKeysMapSet: a set's or list-map's items are not nullable, a list-map's keys are required
    or defaulted, and not nullable."""
    items, list_type = s.get("items"), s.get("x-kubernetes-list-type")
    if not isinstance(items, dict) or list_type not in ("set", "map"):
        return []
    out = [forbidden(f"{path}.items.nullable", f"cannot be nullable when x-kubernetes-list-type is {list_type}")
           ] if items.get("nullable") else []
    props: Obj = items["properties"] if list_type == "map" and isinstance(items.get("properties"), dict) else {}
    for k in s.get("x-kubernetes-list-map-keys") or []:
        if not isinstance(props.get(k), dict):
            continue
        if k not in (items.get("required") or []) and "default" not in props[k]:
            out.append(required(f"{path}.items.properties[{k}].default",
                                "this property is in x-kubernetes-list-map-keys, so it must have a default or be a "
                                "required property"))
        if props[k].get("nullable"):
            out.append(forbidden(f"{path}.items.properties[{k}].nullable",
                                 "this property is in x-kubernetes-list-map-keys, so it cannot be nullable"))
    return out


def causes(crd: Obj) -> list[Cause]:
    """ValidateCustomResourceDefinition, in part and in its order: the name, group, scope, that every version
    has a schema, version names, one storage version, the names, that the schema names its fields' types,
    and the stored versions."""
    spec, names, versions = _spec(crd), _names(crd), _versions(crd)
    group, plural = spec.get("group") or "", names.get("plural") or ""
    name = (crd.get("metadata") or {}).get("name") or ""
    out: list[Cause] = []
    if name != f"{plural}.{group}":
        out.append(invalid("metadata.name", name, 'must be spec.names.plural+"."+spec.group'))
    if not group:
        out.append(required("spec.group"))
    elif errs := validation.subdomain(group):
        out.append(invalid("spec.group", group, ",".join(errs)))
    elif "." not in group:
        out.append(invalid("spec.group", group, "should be a domain with at least one dot"))
    if spec.get("scope") not in _SCOPES:
        out.append(not_supported("spec.scope", spec.get("scope") or "", _SCOPES))
    schemas = [_schema_of(v) for v in versions]
    out += [required(f"spec.versions[{i}].schema.openAPIV3Schema") for i, s in enumerate(schemas) if s is None]
    for i, v in enumerate(versions):
        out += _dns1035(f"spec.versions[{i}].name", str(v.get("name", "")))
    if len({v.get("name") for v in versions}) != len(versions):
        out.append(invalid("spec.versions", _internal_versions(versions), "must contain unique version names"))
    storage = [v.get("name") for v in versions if v.get("storage")]
    if len(storage) != 1:
        out.append(invalid("spec.versions", _internal_versions(versions),
                           "must have exactly one version marked as storage version"))
    if versions:  # spec.version, which the internal type still has: the first version's name
        out += _dns1035("spec.version", str(versions[0].get("name", "")))
    out += [required(f"spec.names.{key}") for key in ("plural", "singular", "kind", "listKind") if not names.get(key)]
    for key in ("plural", "singular"):
        out += _dns1035(f"spec.names.{key}", str(names.get(key) or ""))
    for key in ("kind", "listKind"):
        value = str(names.get(key) or "")
        if value and (errs := validation.dns1035_label(value.lower())):
            out.append(invalid(f"spec.names.{key}", value, "may have mixed case, but should otherwise match: "
                               + ",".join(errs)))
    for key in ("shortNames", "categories"):
        for i, value in enumerate(names.get(key) or ()):
            out += _dns1035(f"spec.names.{key}[{i}]", str(value))
    if names.get("kind") and names.get("kind") == names.get("listKind"):
        out.append(invalid("spec.names.listKind", names["listKind"], "kind and listKind may not be the same"))
    given = [s for s in schemas if s is not None]
    if given and len(given) == len(schemas) and all(s == given[0] for s in given):  # the spec's, as Go holds it
        out += _marker_causes(given[0], "spec.validation.openAPIV3Schema")
        out += _untyped_nodes(given[0], "spec.validation.openAPIV3Schema")
    else:
        for i, s in enumerate(schemas):
            out += _marker_causes(s, f"spec.versions[{i}].schema.openAPIV3Schema")
            out += _untyped_nodes(s, f"spec.versions[{i}].schema.openAPIV3Schema")
    stored = (crd.get("status") or {}).get("storedVersions")
    if not stored:
        out.append(invalid("status.storedVersions", stored, "must have at least one stored version"))
    elif storage and storage[-1] not in stored:
        out.append(invalid("status.storedVersions", stored, f"must have the storage version {storage[-1]}"))
    return out


def _dns1035(path: str, value: str) -> list[Cause]:
    """A name that must be a DNS-1035 label, when given: one cause, its errors joined as Go joins them."""
    errs = validation.dns1035_label(value) if value else []
    return [invalid(path, value, ",".join(errs))] if errs else []


def _schema_of(version: Obj) -> Obj | None:
    schema = version.get("schema")
    found = schema.get("openAPIV3Schema") if isinstance(schema, dict) else None
    return found if isinstance(found, dict) else None


def _schema_nodes(node: Any) -> Iterator[Obj]:
    """Every schema in one, itself first (SchemaHas's walk; properties in the schema's order, not Go's random
    one)."""
    if not isinstance(node, dict):
        return
    yield node
    items = node.get("items")
    for child in [*(items if isinstance(items, list) else [items]), *(node.get("allOf") or []),
                  *(node.get("anyOf") or []), *(node.get("oneOf") or []), node.get("not"),
                  *((node.get("properties") or {}).values()), node.get("additionalProperties"),
                  *((node.get("patternProperties") or {}).values()), node.get("additionalItems"),
                  *((node.get("definitions") or {}).values())]:
        yield from _schema_nodes(child)


def _unrecognized_formats(crd: Obj) -> list[str]:
    """getUnrecognizedFormatsInCRD: the formats the apiserver drops from a schema before validating by it (a
    number's not of its type, a string's or an untyped one's not in the registry, any other type's)."""
    return [str(node["format"]) for v in _versions(crd) for node in _schema_nodes(_schema_of(v))
            if isinstance(node.get("format"), str) and node["format"] and not schema.kept_format(node)]


def _object_sets(crd: Obj) -> set[str]:
    """getNonScalarListTypeSetWarnings: a set of objects or of lists, which apply and CEL cannot hold."""
    return {f'x-kubernetes-list-type: set for items of type "{t}" is not supported by server-side apply or CEL '
            "validation rules" for v in _versions(crd) for node in _schema_nodes(_schema_of(v))
            if node.get("x-kubernetes-list-type") == "set" and isinstance(node.get("items"), dict)
            and (t := node["items"].get("type")) in ("object", "array")}


def definition_warnings(crd: Obj, old: Obj | None) -> list[str]:
    """The definition strategy's WarningsOnCreate/Update: formats it does not know (no value is checked against
    them) and sets of non-scalars, on an update only those the stored definition did not have."""
    before = set(_unrecognized_formats(old)) if old is not None else set()
    formats = [f'unrecognized format "{f}"' for f in dict.fromkeys(_unrecognized_formats(crd)) if f not in before]
    return formats + sorted(_object_sets(crd) - (_object_sets(old) if old is not None else set()))


def _condition(kind: str, status: str, reason: str, message: str, when: str) -> Obj:
    return {"type": kind, "status": status, "lastTransitionTime": when, "reason": reason, "message": message}


def _with_conditions(crd: Obj, conditions: list[Obj]) -> Obj:
    status = {**(crd.get("status") or {}), "conditions": conditions}
    return {**crd, "status": status}


def names_accepted(crd: Obj, when: str) -> Obj:
    """What the naming controller writes just after a create: the names accepted, being established."""
    names = _names(crd)
    out = _with_conditions(crd, [
        _condition("NamesAccepted", "True", "NoConflicts", "no conflicts found", when),
        _condition("Established", "False", "Installing", "the initial names have been accepted", when)])
    out["status"]["acceptedNames"] = {k: names[k] for k in _NAMES_ORDER if k in names}
    return out


def established(crd: Obj, when: str) -> Obj:
    """What the establishing controller writes next: the custom resources are served from now on."""
    conditions = [c for c in (crd.get("status") or {}).get("conditions") or [] if c.get("type") != "Established"]
    return _with_conditions(crd, [*conditions, _condition("Established", "True", "InitialNamesAccepted",
                                                          "the initial names have been accepted", when)])


def terminating(crd: Obj, when: str, in_progress: bool) -> Obj:
    """The condition a deleted definition carries while its custom resources are removed."""
    conditions = [c for c in (crd.get("status") or {}).get("conditions") or [] if c.get("type") != "Terminating"]
    reason, message = ("InstanceDeletionInProgress", "CustomResource deletion is in progress") if in_progress else (
        "InstanceDeletionPending",
        "CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon")
    return _with_conditions(crd, [*conditions, _condition("Terminating", "True", reason, message, when)])


def is_established(crd: Obj) -> bool:
    return any(c.get("type") == "Established" and c.get("status") == "True"
               for c in (crd.get("status") or {}).get("conditions") or [] if isinstance(c, dict))


def served(crd: Obj) -> list[CustomType]:
    """The custom resource types an established definition serves, one per served version (also while it
    is being deleted, until its last custom resource is gone)."""
    if not is_established(crd):
        return []
    spec, names = _spec(crd), _names(crd)
    storage = next((str(v.get("name", "")) for v in _versions(crd) if v.get("storage")), "")
    schemas = {str(v.get("name", "")): _schema_of(v) or {} for v in _versions(crd) if v.get("served")}
    out = []
    for v in _versions(crd):
        if not v.get("served"):
            continue
        given = v.get("subresources")
        subresources: Obj = given if isinstance(given, dict) else {}
        scale = subresources.get("scale")
        out.append(CustomType(
            group=str(spec.get("group", "")), version=str(v.get("name", "")), plural=str(names.get("plural", "")),
            singular=str(names.get("singular", "")), kind=str(names.get("kind", "")),
            list_kind=str(names.get("listKind", "")), namespaced=spec.get("scope") == "Namespaced",
            short_names=tuple(names.get("shortNames") or ()), categories=tuple(names.get("categories") or ()),
            schema=_schema_of(v) or {}, schemas=schemas,
            status=isinstance(subresources.get("status"), dict),
            scale=scale if isinstance(scale, dict) else None,
            columns=tuple(c for c in v.get("additionalPrinterColumns") or () if isinstance(c, dict)),
            storage_version=storage, terminating=bool((crd.get("metadata") or {}).get("deletionTimestamp"))))
    return out


def value_at(obj: Any, json_path: str) -> Any:
    """The value at a definition's simple JSON path (`.spec.replicas`), None where there is none."""
    for part in json_path.lstrip(".").split("."):
        obj = obj.get(part) if isinstance(obj, dict) else None
    return obj


def set_at(obj: Obj, json_path: str, value: Any) -> None:
    """Set the value at a simple JSON path, making the maps on the way (one that is not a map is replaced)."""
    *parents, last = json_path.lstrip(".").split(".")
    node = obj
    for part in parents:
        if not isinstance(node.get(part), dict):
            node[part] = {}
        node = node[part]
    node[last] = value


_GO_TYPES = {"null": "<nil>", "bool": "bool", "int": "int64", "float": "float64", "string": "string",
             "list": "[]interface {}", "map": "map[string]interface {}"}


def _v(value: Any) -> str:
    """%v of a decoded JSON scalar."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return format_float(value) if isinstance(value, float) else str(value)


def _go_type(value: Any) -> str:
    """%T of a decoded JSON value, as unstructured holds it."""
    return _GO_TYPES[json_kind(value)]


def _replicas_cause(obj: Obj, json_path: str) -> list[Cause]:
    """ValidateScaleSpec/Status for one path: unstructured.NestedInt64's error, or a negative count."""
    node: Any = obj
    parts = json_path.lstrip(".").split(".")
    for part in parts:
        if not isinstance(node, dict):
            return [invalid(json_path, 0, f"{json_path} accessor error: {_v(node)} is of the type {_go_type(node)}, "
                                          "expected map[string]interface{}")]
        if part not in node:
            return []
        node = node[part]
    if not isinstance(node, int) or isinstance(node, bool):
        return [invalid(json_path, 0, f"{json_path} accessor error: {_v(node)} is of the type {_go_type(node)}, "
                                      "expected int64")]
    if node < 0:
        return [invalid(json_path, node, "should be a non-negative integer")]
    if node > 2**31 - 1:
        return [invalid(json_path, node, f"should be less than or equal to {2**31 - 1}")]
    return []


def scale_causes(ct: CustomType, obj: Obj, *, status: bool = False) -> list[Cause]:
    """What the scale subresource's paths add to a custom resource's validation: replica counts that are
    not integers, or negative (of the status alone for a write through /status)."""
    if ct.scale is None:
        return []
    keys = ("statusReplicasPath",) if status else ("specReplicasPath", "statusReplicasPath")
    return [c for key in keys if isinstance(ct.scale.get(key), str) for c in _replicas_cause(obj, ct.scale[key])]

