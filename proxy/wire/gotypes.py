"""The Go types of every built-in kind, as the apiserver's encoders see them: one home for their shape.

protobuf_schemas.json is made by `goclients protoschema` (tests/peers/goclients) from k8s.io/api and
apimachinery by reflection: per kind its message, per message its struct fields in declaration order, each
as [protobuf number, JSON name, type, flags]. A type is a scalar ("string", "int", "uint", "bool",
"double", "float", "bytes"), a type whose protobuf message and JSON differ ("time", "microtime",
"duration", "quantity", "intorstr", "raw"), ".message", ["map", key, value] or ["list", item] (a named
slice, such as Verbs or a map's ExtraValue, which gogo wraps in a message of one repeated field). Flags:
p pointer, r repeated, o omitempty, z omitzero, i inline (an embedded struct whose fields JSON flattens
into its parent's). protobuf.py reads bodies with it; apiserver/goorder.py orders keys by it.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

Field = tuple[int, str, Any, str]


@functools.cache
def _schemas() -> tuple[dict[str, str], dict[str, list[Field]]]:
    doc = json.loads(resources.files(__package__).joinpath("protobuf_schemas.json").read_text())
    messages = {name: [(f[0], f[1], f[2], f[3]) for f in fields] for name, fields in doc["messages"].items()}
    return doc["kinds"], messages


@functools.cache
def message_of_kind(api_version: str, kind: str) -> str | None:
    """The message of a kind; options (DeleteOptions) are the same message in every group, under any name."""
    kinds, _ = _schemas()
    if f"{api_version}/{kind}" in kinds:
        return kinds[f"{api_version}/{kind}"]
    same = {m for k, m in kinds.items() if k.rsplit("/", 1)[1] == kind}
    return same.pop() if len(same) == 1 and next(iter(same)).startswith("apis/meta/") else None


def fields(message: str) -> list[Field]:
    """A message's fields in Go declaration order."""
    return _schemas()[1][message]


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
