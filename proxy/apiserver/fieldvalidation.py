"""The `fieldValidation` of a write: what the apiserver does with fields the object's type does not have.

`Strict` refuses the write (kubectl sends it by default: a typo in a manifest is a 400), `Warn` (the
default, which controller-runtime and client-go get) applies it and answers one `Warning` header per
unknown field, `Ignore` drops them silently. A built-in kind's unknown fields are found against its Go type
(wire/gotypes.py), in the body's order, as encoding/json meets them; a custom resource's are the ones its
schema prunes, sorted (schema.unknown_fields). Duplicate JSON keys, which the apiserver also reports, are
not: the body is decoded before this sees it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..wire import gotypes
from .fielderrors import quoted

DIRECTIVES = ("", "Ignore", "Strict", "Warn")


def invalid_directive(value: str, verb: str) -> tuple[str, dict[str, Any]] | None:
    """The 422 message and details of a fieldValidation the apiserver does not know, None for a known one.
    `verb`: create, update or patch (their options types name the error)."""
    if value in DIRECTIVES:
        return None
    options = {"create": "CreateOptions", "update": "UpdateOptions"}.get(verb, "PatchOptions")
    cause = (f'Unsupported value: "{value}": supported values: '
             + ", ".join(f'"{d}"' for d in DIRECTIVES))
    return (f'{options}.meta.k8s.io "" is invalid: fieldValidation: {cause}',
            {"group": "meta.k8s.io", "kind": options,
             "causes": [{"reason": "FieldValueNotSupported", "message": cause, "field": "fieldValidation"}]})


def _walk(value: Any, kind: Any, flags: str, path: str) -> Iterator[str]:
    if "r" in flags and isinstance(value, list):
        for i, item in enumerate(value):
            yield from _walk(item, kind, "", f"{path}[{i}]")
        return
    if isinstance(kind, list):
        if kind[0] == "map" and isinstance(value, dict):
            for key, item in value.items():
                yield from _walk(item, kind[2], "", f"{path}[{key}]")
        elif kind[0] == "list" and isinstance(value, list):
            for i, item in enumerate(value):
                yield from _walk(item, kind[1], "", f"{path}[{i}]")
        return
    if isinstance(kind, str) and kind.startswith(".") and isinstance(value, dict):
        yield from _message(value, kind[1:], path)


def _message(obj: dict[str, Any], message: str, path: str) -> Iterator[str]:
    known = gotypes.json_field_map(message)
    for key, value in obj.items():
        where = f"{path}.{key}" if path else key
        if key not in known:
            yield where
        else:
            yield from _walk(value, *known[key], where)


def unknown_fields(obj: dict[str, Any], kind: str, api_version: str) -> list[str] | None:
    """The paths of the fields a built-in kind's Go type does not have, in the body's order; None for a
    kind whose type is not known here."""
    message = gotypes.message_of_kind(api_version, kind) if kind else None
    return None if message is None else list(_message(obj, message, ""))


def meta_unknown_fields(meta: Any) -> list[str]:
    """The fields ObjectMeta does not have, for a custom resource's metadata (decoded as ObjectMeta)."""
    return list(_message(meta, "apis/meta/v1.ObjectMeta", "metadata")) if isinstance(meta, dict) else []


def _words(path: str) -> str:
    return f"unknown field {quoted(path)}"


def refusal(unknown: list[str]) -> str:
    """The end of a Strict refusal's message (after "cannot be handled as a KIND: ")."""
    return "strict decoding error: " + ", ".join(map(_words, unknown))


def warnings(unknown: list[str]) -> list[str]:
    """The Warning headers of a Warn write, one per field: warn-code 299, agent "-", the text quoted."""
    return ['299 - "' + _words(f).replace("\\", "\\\\").replace('"', '\\"') + '"' for f in unknown]
