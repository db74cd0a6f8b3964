"""Values as the apiserver's refusals print them when a field it made immutable changed: Go's encoding of
its *internal* type, a struct without JSON tags, so keyed by Go's field names, every field written (a
Job's template: `{"labels":{…},"Spec":{"Volumes":null,"InitContainers":null,"Containers":[{"Name":"c",…`).

internal_types.json is made by tests/peers/realkube/internaltypes from k8s.io/kubernetes' internal types
and k8s.io/api's versioned ones by reflection (the format is described there); the value comes from the
stored (versioned, defaulted) object, field by field.
"""

from __future__ import annotations

import difflib
import functools
import json
from importlib import resources
from typing import Any

from . import quantity
from .goorder import marshalled_meta, marshalled_selector

_Field = tuple[str, str, Any, str]


@functools.cache
def _types() -> dict[str, list[_Field]]:
    doc = json.loads(resources.files(__package__).joinpath("internal_types.json").read_text())
    return {name: [(f[0], f[1], f[2], f[3]) for f in fields] for name, fields in doc.items()}


def as_internal(type_name: str, versioned: Any) -> Any:
    """`versioned` (a dict as the apiserver stores it) as Go encodes the internal struct `type_name`."""
    return _struct(type_name, versioned if isinstance(versioned, dict) else {})


def _struct(name: str, v: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, versioned_key, kind, flags in _types()[name]:
        if "i" in flags:  # embedded: its fields written in its place (TypeMeta of a nested object is empty)
            if kind == "meta":  # (ObjectMeta, as json.Marshal writes it: a held object's empties left out)
                out.update(marshalled_meta(v.get(versioned_key) or {}) if versioned_key else {})
            else:
                out.update(_struct(kind[1:], v))
            continue
        value = _value(kind, v.get(versioned_key) if versioned_key else None, "p" in flags)
        if "o" not in flags or value not in (None, "", 0, False, [], {}):
            out[key] = value
    return out


_ZERO: dict[str, Any] = {"string": "", "int": 0, "float": 0, "bool": False, "quantity": "0", "intorstr": 0}


def _value(kind: Any, value: Any, pointer: bool) -> Any:
    if value is None:
        if pointer or isinstance(kind, list) or kind in ("bytes", "time", "raw"):
            return None  # nil, and a zero time and an empty embedded object are written as null
        if isinstance(kind, str) and kind.startswith("."):
            return _struct(kind[1:], {})
        return _ZERO.get(kind, {})
    if isinstance(kind, list):
        if kind[0] == "map" and isinstance(value, dict):
            return {k: _value(kind[1], value[k], False) for k in sorted(value)}  # Go sorts a map's keys
        if kind[0] == "list" and isinstance(value, list):
            return [_value(kind[1], item, False) for item in value]
        return value
    if kind.startswith(".") and isinstance(value, dict):
        return _struct(kind[1:], value)
    if kind == "meta":  # (a field of a metav1 type is a LabelSelector)
        return marshalled_selector(value)
    return value  # a scalar, or a type whose JSON is the same in both forms


def semantic_internal(type_name: str, versioned: Any) -> Any:
    """`versioned` as Semantic.DeepEqual compares the internal struct `type_name`: an empty list or map is the
    same as none, but a pointer to an empty struct (a selector sent as `{}`) is not a nil one; a quantity is its
    amount."""
    return _semantic_struct(type_name, versioned if isinstance(versioned, dict) else {})


def _semantic_struct(name: str, v: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, versioned_key, kind, flags in _types()[name]:
        if "i" in flags:
            if kind == "meta":
                out[key] = semantic(v.get(versioned_key)) if versioned_key else None
            else:
                out.update(_semantic_struct(kind[1:], v))
            continue
        out[key] = _semantic_value(kind, v.get(versioned_key) if versioned_key else None, "p" in flags)
    return out


def _semantic_value(kind: Any, value: Any, pointer: bool) -> Any:
    if isinstance(kind, list):
        if kind[0] == "map" and isinstance(value, dict):
            return {k: _semantic_value(kind[1], value[k], False) for k in sorted(value)} or None
        if kind[0] == "list" and isinstance(value, list):
            return [_semantic_value(kind[1], item, False) for item in value] or None
        return value or None
    if isinstance(kind, str) and kind.startswith("."):
        if value is None and pointer:
            return None
        inner = _semantic_struct(kind[1:], value if isinstance(value, dict) else {})
        return ("set", inner) if pointer else inner
    if kind == "quantity" and isinstance(value, str):
        return quantity.semantic(value)
    return _value(kind, value, pointer)


def go_diff(a: Any, b: Any) -> str:
    """diff.Diff of k8s.io/apimachinery: a unified diff (three lines of context, no file names) of the two
    values as json.MarshalIndent writes them with a one-space indent, made by go-difflib, a port of the
    difflib used here."""
    def lines(value: Any) -> list[str]:
        text = json.dumps(value, indent=1, ensure_ascii=False)
        for ch, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                            ("\u2029", "\\u2029")):  # as encoding/json escapes them in strings
            text = text.replace(ch, escaped)
        return [ln + "\n" for ln in text.split("\n")]
    return "".join(list(difflib.unified_diff(lines(a), lines(b), n=3))[2:])


def semantic(value: Any) -> Any:
    """A value as Semantic.DeepEqual compares it: an empty list or map is the same as none."""
    if isinstance(value, dict):
        return {k: semantic(v) for k, v in value.items() if v not in (None, [], {})}
    if isinstance(value, list):
        return [semantic(v) for v in value]
    return value
