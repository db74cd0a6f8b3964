"""The Go types of a CustomResourceDefinition (apiextensions.k8s.io/v1), which the table of built-in kinds
(wire/gotypes.py, made from k8s.io/api) does not hold: the fields each struct has, so a definition's unknown
fields are found as the apiserver's decoder finds them, and how Go writes them back, so its schemas are stored
as the apiserver stores them (empty values left out, numbers as float64s, JSON values decoded and encoded
again through the internal type's interface{}).

From k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1 (types.go, types_jsonschema.go). Pure.
"""

from __future__ import annotations

from typing import Any

from . import fieldvalidation
from .decoding import json_number

Obj = dict[str, Any]

GROUP = "apiextensions.k8s.io"
KIND = "CustomResourceDefinition"
API_VERSION = f"{GROUP}/v1"

# A field's kind: a struct of this table; ("list", kind); ("map", kind); or how a leaf is written: "str"
# (omitempty: "" left out), "bool" (false left out), "keep" (a pointer or a field without omitempty: as
# sent, null left out), "float" (a *float64), "json" (a JSON value through interface{}), "jsons" (a list of
# them), "strs" (a list of strings, empty left out), "any" (not looked into, null kept), "meta" (an ObjectMeta, only
# looked into for unknown fields), "orbool" (a schema or a bool), "items" (a schema or a list of them)
_STRUCTS: dict[str, dict[str, Any]] = {
    "CustomResourceDefinition": {"kind": "keep", "apiVersion": "keep", "metadata": "meta",
                                 "spec": "Spec", "status": "Status"},
    "Spec": {"group": "keep", "names": "Names", "scope": "keep", "versions": ("list", "Version"),
             "conversion": "Conversion", "preserveUnknownFields": "bool"},
    "Names": {"plural": "keep", "singular": "str", "shortNames": "strs", "kind": "keep", "listKind": "str",
              "categories": "strs"},
    "Version": {"name": "keep", "served": "keep", "storage": "keep", "deprecated": "bool",
                "deprecationWarning": "keep", "schema": "Validation", "subresources": "Subresources",
                "additionalPrinterColumns": ("list", "Column"), "selectableFields": ("list", "SelectableField")},
    "Validation": {"openAPIV3Schema": "JSONSchemaProps"},
    "Subresources": {"status": "Empty", "scale": "Scale"},
    "Empty": {},
    "Scale": {"specReplicasPath": "keep", "statusReplicasPath": "keep", "labelSelectorPath": "keep"},
    "Column": {"name": "keep", "type": "keep", "format": "str", "description": "str", "priority": "keep",
               "jsonPath": "keep"},
    "SelectableField": {"jsonPath": "keep"},
    "Conversion": {"strategy": "keep", "webhook": "Webhook"},
    "Webhook": {"clientConfig": "ClientConfig", "conversionReviewVersions": "strs"},
    "ClientConfig": {"url": "keep", "service": "Service", "caBundle": "str"},
    "Service": {"namespace": "keep", "name": "keep", "path": "keep", "port": "keep"},
    "Status": {"conditions": "any", "acceptedNames": "Names", "storedVersions": "any", "observedGeneration": "keep"},
    "JSONSchemaProps": {
        "id": "str", "$schema": "str", "$ref": "keep", "description": "str", "type": "str", "format": "str",
        "title": "str", "default": "json", "maximum": "float", "exclusiveMaximum": "bool", "minimum": "float",
        "exclusiveMinimum": "bool", "maxLength": "keep", "minLength": "keep", "pattern": "str", "maxItems": "keep",
        "minItems": "keep", "uniqueItems": "bool", "multipleOf": "float", "enum": "jsons", "maxProperties": "keep",
        "minProperties": "keep", "required": "strs", "items": "items", "allOf": ("list", "JSONSchemaProps"),
        "oneOf": ("list", "JSONSchemaProps"), "anyOf": ("list", "JSONSchemaProps"), "not": "JSONSchemaProps",
        "properties": ("map", "JSONSchemaProps"), "additionalProperties": "orbool",
        "patternProperties": ("map", "JSONSchemaProps"), "dependencies": "any", "additionalItems": "orbool",
        "definitions": ("map", "JSONSchemaProps"), "externalDocs": "Docs", "example": "json", "nullable": "bool",
        "x-kubernetes-preserve-unknown-fields": "keep", "x-kubernetes-embedded-resource": "bool",
        "x-kubernetes-int-or-string": "bool", "x-kubernetes-list-map-keys": "strs", "x-kubernetes-list-type": "keep",
        "x-kubernetes-map-type": "keep", "x-kubernetes-validations": ("list", "Rule")},
    "Docs": {"description": "str", "url": "str"},
    "Rule": {"rule": "keep", "message": "str", "messageExpression": "str", "reason": "keep", "fieldPath": "str",
             "optionalOldSelf": "keep"},
}


def fields(struct: str) -> list[str]:
    """A struct's JSON fields in Go's order."""
    return list(_STRUCTS[struct])


def decoded(crd: Obj) -> tuple[Obj, list[str]]:
    """A definition as the apiserver decodes and stores it, and the paths of the fields its types do not have,
    in the order Go's decoder meets them."""
    unknown: list[str] = []
    return _struct(crd, "CustomResourceDefinition", "", unknown), unknown


def _struct(value: Obj, name: str, path: str, unknown: list[str]) -> Obj:
    fields = _STRUCTS[name]
    out: Obj = {}
    for key, item in value.items():
        where = f"{path}.{key}" if path else key
        if key not in fields:
            unknown.append(where)
        elif (written := _field(item, fields[key], where, unknown)) is not _LEFT_OUT:
            out[key] = written
    out |= {key: zero for (struct, key), zero in _WRITTEN.items() if struct == name and key not in out}
    return {k: out[k] for k in fields if k in out}


_LEFT_OUT = object()
# the fields without omitempty a client may leave out: Go writes their zero values
_WRITTEN = {("Version", "served"): False, ("Version", "storage"): False}


def _field(value: Any, kind: Any, path: str, unknown: list[str]) -> Any:
    """A field's value as Go writes it after decoding it, or _LEFT_OUT where omitempty drops it."""
    if value is None:
        return None if kind == "any" else _LEFT_OUT
    if isinstance(kind, tuple):
        if kind[0] == "list" and isinstance(value, list):
            out = [_item(v, kind[1], f"{path}[{i}]", unknown) for i, v in enumerate(value)]
            return out or _LEFT_OUT
        if kind[0] == "map" and isinstance(value, dict):
            return {k: _item(value[k], kind[1], f"{path}.{k}", unknown) for k in sorted(value)} or _LEFT_OUT
        return value
    if kind in _STRUCTS:
        return _struct(value, kind, path, unknown) if isinstance(value, dict) else value
    if kind == "str":
        return value if value != "" else _LEFT_OUT
    if kind == "bool":
        return value if value is not False else _LEFT_OUT
    if kind == "strs":
        return value if value != [] else _LEFT_OUT
    if kind in ("float", "json"):
        return _through_float64(value)
    if kind == "jsons":
        return [_through_float64(v) for v in value] if isinstance(value, list) and value else _LEFT_OUT
    if kind == "orbool":
        return _struct(value, "JSONSchemaProps", path, unknown) if isinstance(value, dict) else value
    if kind == "items":
        if isinstance(value, list):
            return [_field(v, "JSONSchemaProps", f"{path}[{i}]", unknown) for i, v in enumerate(value)]
        return _field(value, "JSONSchemaProps", path, unknown)
    if kind == "meta":
        unknown += fieldvalidation.meta_unknown_fields(value)
    return value  # "keep", "any", "meta"


def _item(value: Any, kind: str, path: str, unknown: list[str]) -> Any:
    """A list's item or a map's value: a null one is its struct's zero value (Go decodes null into it)."""
    return _field({} if value is None else value, kind, path, unknown)


def _through_float64(value: Any) -> Any:
    """A JSON value decoded into interface{} and encoded again: every number a float64 (an integral one below
    1e21 written without a fraction), object keys sorted."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float):
        f = float(value)
        return int(json_number(f)) if f.is_integer() and abs(f) < 1e21 else f
    if isinstance(value, dict):
        return {k: _through_float64(value[k]) for k in sorted(value)}
    return [_through_float64(v) for v in value] if isinstance(value, list) else value
