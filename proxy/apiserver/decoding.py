"""Bodies the apiserver cannot decode into their Go types: a value of the wrong JSON type where ObjectMeta
(every kind's metadata) or a CustomResourceDefinition's spec wants another, and the 400 encoding/json's
UnmarshalTypeError makes of it (`json: cannot unmarshal number into Go struct field ObjectMeta.metadata.name
of type string`). Without this a name that is a number reached the store as one.

A typed kind's error names the field's whole path; a custom resource's metadata is decoded on its own, so
its path starts inside ObjectMeta. Go reports the first error in the body's key order, as here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

# Go types of the ObjectMeta fields a client writes (ownerReferences, managedFields and times are not checked)
_META: dict[str, str] = {
    "name": "string", "generateName": "string", "namespace": "string", "selfLink": "string", "uid": "string",
    "resourceVersion": "string", "generation": "int64", "labels": "map[string]string",
    "annotations": "map[string]string", "finalizers": "[]string",
}
# a CustomResourceDefinition's spec, which client-go's types (wire/gotypes.py) do not hold
_CRD_SPEC: dict[str, str] = {"group": "string", "scope": "string", "preserveUnknownFields": "bool",
                             "names": "v1.CustomResourceDefinitionNames",
                             "versions": "[]v1.CustomResourceDefinitionVersion"}
_CRD_NAMES: dict[str, str] = {"plural": "string", "singular": "string", "kind": "string", "listKind": "string",
                              "shortNames": "[]string", "categories": "[]string"}
_CRD_VERSION: dict[str, str] = {"name": "string", "served": "bool", "storage": "bool", "deprecated": "bool",
                                "deprecationWarning": "string"}


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _fits(value: Any, go: str) -> bool:
    if value is None:
        return True  # null leaves the Go field at its zero value
    if go == "string":
        return isinstance(value, str)
    if go == "bool":
        return isinstance(value, bool)
    if go == "int64":
        return isinstance(value, int) and not isinstance(value, bool)
    if go.startswith("[]"):
        return isinstance(value, list)
    return isinstance(value, dict)


def _fields(obj: dict[str, Any], types: dict[str, str], struct: str, path: str) -> Iterator[str]:
    """Each error of a struct's fields, in the body's key order."""
    for key, value in obj.items():
        go = types.get(key)
        if go is None:
            continue
        where = f"{struct}.{path}{key}"
        if not _fits(value, go):
            yield f"cannot unmarshal {_json_type(value)} into Go struct field {where} of type {go}"
        elif go in ("map[string]string", "[]string") and value:
            items = value.values() if isinstance(value, dict) else value
            yield from (f"cannot unmarshal {_json_type(v)} into Go struct field {where} of type string"
                        for v in items if not isinstance(v, str) and v is not None)


def _crd(obj: dict[str, Any]) -> Iterator[str]:
    spec = obj.get("spec")
    if spec is None:
        return
    if not isinstance(spec, dict):
        yield (f"cannot unmarshal {_json_type(spec)} into Go struct field CustomResourceDefinition.spec of type "
               "v1.CustomResourceDefinitionSpec")
        return
    yield from _fields(spec, _CRD_SPEC, "CustomResourceDefinitionSpec", "spec.")
    if isinstance(spec.get("names"), dict):
        yield from _fields(spec["names"], _CRD_NAMES, "CustomResourceDefinitionNames", "spec.names.")
    for version in spec.get("versions") or () if isinstance(spec.get("versions"), list) else ():
        if isinstance(version, dict):
            yield from _fields(version, _CRD_VERSION, "CustomResourceDefinitionVersion", "spec.versions.")
        elif version is not None:
            yield (f"cannot unmarshal {_json_type(version)} into Go struct field CustomResourceDefinitionSpec."
                   "spec.versions of type v1.CustomResourceDefinitionVersion")


def type_error(obj: dict[str, Any], kind: str, *, typed: bool) -> str | None:
    """The first `json: cannot unmarshal …` a body makes, or None. `typed`: a built-in kind (its metadata's
    path starts at the object), else a custom resource (at ObjectMeta)."""
    meta = obj.get("metadata")
    errors = _fields(meta, _META, "ObjectMeta", "metadata." if typed else "") if isinstance(meta, dict) else iter(())
    first = next(errors, None)
    if first is None and kind == "CustomResourceDefinition" and typed:
        first = next(_crd(obj), None)
    return f"json: {first}" if first is not None else None
