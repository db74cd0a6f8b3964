"""The Go types of every built-in kind, as the apiserver's encoders see them: one home for their shape.

protobuf_schemas.json is made by `goclients protoschema` (tests/peers/goclients) from k8s.io/api and
apimachinery by reflection: per kind its message, per message its struct fields in declaration order, each
as [protobuf number, JSON name, type, flags]. A type is a scalar ("string", "int", "uint", "bool",
"double", "float", "bytes"), a type whose protobuf message and JSON differ ("time", "microtime",
"duration", "quantity", "intorstr", "raw"), ".message", ["map", key, value] or ["list", item] (a named
slice, such as Verbs or a map's ExtraValue, which gogo wraps in a message of one repeated field). Flags:
p pointer, r repeated, o omitempty, z omitzero, i inline (an embedded struct whose fields JSON flattens
into its parent's), w an integer of 64 bits. protobuf.py reads bodies with it; apiserver/goorder.py orders
keys by it; apiserver/decoding.py words type errors with it. `named` holds, per message, its fields of a
named scalar type by their Go name (`v1.ServiceType`, `types.UID`), which encoding/json's type errors name,
and `composite` its fields of a named map or slice type, or of a map keyed by or holding a named type
(`v1.ResourceList`, `map[v1.QualifiedName]v1.DeviceAttribute`), by theirs; `goNames` its fields' Go names where
they are not their JSON names capitalised.
"""

from __future__ import annotations

import copy
import functools
import json
from importlib import resources
from typing import Any

Field = tuple[int, str, Any, str]
OBJECT_META = "apis/meta/v1.ObjectMeta"  # (every object's metadata, the message of its own table entry)


_Tables = tuple[dict[str, str], dict[str, list[Field]], dict[str, dict[str, str]], dict[str, dict[str, str]],
                dict[str, dict[str, str]]]


@functools.cache
def _schemas() -> _Tables:
    doc = json.loads(resources.files(__package__).joinpath("protobuf_schemas.json").read_text())
    messages = {name: [(f[0], f[1], f[2], f[3]) for f in fields] for name, fields in doc["messages"].items()}
    return doc["kinds"], messages, doc["named"], doc["composite"], doc["goNames"]


def kinds() -> list[str]:
    """Every kind the table knows, as "group/version/Kind" ("version/Kind" for the core group)."""
    return list(_schemas()[0])


@functools.cache
def message_of_kind(api_version: str, kind: str) -> str | None:
    """The message of a kind; options (DeleteOptions) are the same message in every group, under any name."""
    kinds = _schemas()[0]
    if f"{api_version}/{kind}" in kinds:
        return kinds[f"{api_version}/{kind}"]
    same = {m for k, m in kinds.items() if k.rsplit("/", 1)[1] == kind}
    return same.pop() if len(same) == 1 and next(iter(same)).startswith("apis/meta/") else None


def fields(message: str) -> list[Field]:
    """A message's fields in Go declaration order."""
    return _schemas()[1][message]


def named(message: str) -> dict[str, str]:
    """A message's fields of a named scalar type, by JSON name: their Go name (`v1.ServiceType`)."""
    return _schemas()[2].get(message, {})


def composite(message: str) -> dict[str, str]:
    """A message's fields of a map or slice type Go names otherwise than by its items' type, by JSON name: their
    Go name (`v1.ResourceList`, `map[v1.QualifiedName]v1.DeviceAttribute`)."""
    return _schemas()[3].get(message, {})


def go_name(message: str, number: int, json_name: str) -> str:
    """A field's Go name, which gogo-protobuf's errors name: its JSON name capitalised but where the table says
    otherwise (`ObjectMeta` for metadata, `UID`, `IPFamilyPolicy`)."""
    return _schemas()[4].get(message, {}).get(str(number)) or json_name[:1].upper() + json_name[1:]


@functools.cache
def json_fields(message: str) -> tuple[tuple[str, Any, str], ...]:
    """(JSON name, type, flags) of the keys an object of the message has in JSON, in the order Go writes
    them: inline structs' fields in their place."""
    out: list[tuple[str, Any, str]] = []
    for _, name, kind, flags in fields(message):
        if "i" in flags and isinstance(kind, str) and kind.startswith("."):
            out.extend(json_fields(kind[1:]))
        else:
            out.append((name, kind, flags))
    return tuple(out)


@functools.cache
def json_field_map(message: str) -> dict[str, tuple[Any, str]]:
    """json_fields by JSON name: (type, flags), for walking a decoded object against its Go type."""
    return {name: (kind, flags) for name, kind, flags in json_fields(message)}


# What encoding/json writes for a field, by Go's rules: a nil pointer, slice or map is null (or nothing
# under omitempty/omitzero); omitempty leaves out a zero scalar and an empty slice or map but never a
# struct (Time's MarshalJSON writes its zero as null); omitzero leaves out any zero value.
MISSING: Any = object()
ZERO: dict[str, Any] = {"string": "", "int": 0, "uint": 0, "bool": False, "double": 0.0, "float": 0.0,
                        "quantity": "0", "intorstr": 0, "duration": "0s"}
_STRUCTS = frozenset({"time", "microtime", "quantity", "intorstr", "duration", "raw"})  # JSON of their own


def zero(kind: Any, flags: str) -> Any:
    """What Go writes for a field that holds its zero value; MISSING when it writes nothing."""
    omit = "o" in flags or "z" in flags
    if "p" in flags or "r" in flags or isinstance(kind, list) or kind == "bytes":
        return MISSING if omit else None
    if "z" in flags:
        return MISSING
    if kind in ("time", "microtime", "raw"):
        return None
    if kind.startswith("."):
        return zero_message(kind[1:])
    return ZERO[kind] if kind in _STRUCTS or "o" not in flags else MISSING


def zero_message(message: str) -> dict[str, Any]:
    """The JSON of a message's zero value (a new copy: callers change it)."""
    return copy.deepcopy(_zero_message(message))


@functools.cache
def _zero_message(message: str) -> dict[str, Any]:
    out = {}
    for name, kind, flags in json_fields(message):
        value = zero(kind, flags)
        if value is not MISSING:
            out[name] = value
    return out


def emitted(value: Any, kind: Any, flags: str) -> Any:
    """A field's decoded value as Go writes it: the value, or MISSING where omitempty/omitzero drop it."""
    if "p" in flags or not ("o" in flags or "z" in flags):
        return value
    if "r" in flags or isinstance(kind, list) or kind == "bytes":
        return MISSING if ("o" in flags and not value) or value is None else value
    if kind in _STRUCTS or kind.startswith("."):
        if "z" not in flags:
            return value  # omitempty never leaves out a struct
        return MISSING if value == zero(kind, flags.replace("z", "").replace("o", "")) else value
    return MISSING if value == ZERO[kind] else value
