"""The `fieldValidation` of a write: what the apiserver does with fields the object's type does not have.

`Strict` refuses the write (kubectl sends it by default: a typo in a manifest is a 400), `Warn` (the
default, which controller-runtime and client-go get) applies it and answers one `Warning` header per
unknown field, `Ignore` drops them silently. A built-in kind's unknown fields are found against its Go type
(wire/gotypes.py), in the body's order, as encoding/json meets them; a custom resource's are the ones its
schema prunes, sorted (schema.unknown_fields). Keys a JSON object repeats (gojson lists them) are reported
too, among a built-in kind's unknown fields where Go's decoder meets them (each of the object's members in
turn, gojson.Decoded.members: at the key's second place), before a custom resource's.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..wire import gotypes
from ..wire.gostrings import quote

Duplicates = dict[int, list[str]]  # id of a decoded JSON object -> the keys it repeated (gojson.Decoded)
Members = dict[int, list[tuple[str, Any]]]  # id of such an object -> its members in order (gojson.Decoded)
_NONE: Duplicates = {}
_NO_MEMBERS: Members = {}


Problem = tuple[str, str]  # ("unknown" or "duplicate", the field's path)


def _walk(value: Any, kind: Any, flags: str, path: str, dups: Duplicates, members: Members) -> Iterator[Problem]:
    """Each unknown or repeated field in `value` of Go type `kind`."""
    if "r" in flags and isinstance(value, list):
        for i, item in enumerate(value):
            yield from _walk(item, kind, "", f"{path}[{i}]", dups, members)
        return
    if isinstance(kind, list):
        if kind[0] == "map" and isinstance(value, dict):
            for key, item, repeated in _members(value, dups, members):
                if repeated:
                    yield "duplicate", f"{path}.{key}"
                yield from _walk(item, kind[2], "", f"{path}[{key}]", dups, members)
        elif kind[0] == "list" and isinstance(value, list):
            for i, item in enumerate(value):
                yield from _walk(item, kind[1], "", f"{path}[{i}]", dups, members)
        return
    if isinstance(kind, str) and kind.startswith(".") and isinstance(value, dict):
        yield from _message(value, kind[1:], path, dups, members)


def _message(obj: dict[str, Any], message: str, path: str, dups: Duplicates, members: Members
             ) -> Iterator[Problem]:
    """Each problem as the decoder meets it: a repeated key at its second place, after what the first held
    (each of the object's members walked where they are known, else each key at its one place)."""
    known = gotypes.json_field_map(message)
    for key, value, repeated in _members(obj, dups, members):
        where = f"{path}.{key}" if path else key
        if key not in known:
            yield "unknown", where  # (a repeated unknown field is reported once, as Go does: strict_errors)
        else:
            if repeated:
                yield "duplicate", where
            yield from _walk(value, *known[key], where, dups, members)


def _members(obj: dict[str, Any], dups: Duplicates, members: Members) -> Iterator[tuple[str, Any, bool]]:
    """(key, value, whether the key came before) of each of a JSON object's members, as they came where they
    are known (else each key once, marked repeated at its one place)."""
    if id(obj) not in members:
        repeated = dups.get(id(obj), ())
        yield from ((key, value, key in repeated) for key, value in obj.items())
        return
    seen: set[str] = set()
    for key, value in members[id(obj)]:
        yield key, value, key in seen
        seen.add(key)


def strict_errors(obj: dict[str, Any], kind: str, api_version: str, dups: Duplicates = _NONE,
                  members: Members = _NO_MEMBERS) -> list[str] | None:
    """A built-in kind's unknown and repeated fields, each as the apiserver words it, in the body's order (each
    once); None for a kind whose type is not known here."""
    message = gotypes.message_of_kind(api_version, kind) if kind else None
    return None if message is None else [_words(*p) for p in dict.fromkeys(_message(obj, message, "", dups, members))]


def unknown_fields(obj: dict[str, Any], kind: str, api_version: str) -> list[str] | None:
    """The paths of the fields a built-in kind's Go type does not have, in the body's order; None
    for a kind whose type is not known here."""
    message = gotypes.message_of_kind(api_version, kind) if kind else None
    return None if message is None else [path for _, path in _message(obj, message, "", _NONE, _NO_MEMBERS)]


def meta_unknown_fields(meta: Any) -> list[str]:
    """The fields ObjectMeta does not have, for a custom resource's metadata (decoded as ObjectMeta)."""
    return [] if not isinstance(meta, dict) else \
        [path for _, path in _message(meta, gotypes.OBJECT_META, "metadata", _NONE, _NO_MEMBERS)]


def duplicates(value: Any, dups: Duplicates) -> list[str]:
    """Every repeated key in a document decoded untyped (a custom resource, a patch), worded, in its order."""
    return [_words("duplicate", path) for path in _repeated(value, dups, "")] if dups else []


def _repeated(value: Any, dups: Duplicates, path: str) -> Iterator[str]:
    if isinstance(value, dict):
        repeated = dups.get(id(value), ())
        for key, item in value.items():
            where = f"{path}.{key}" if path else key
            if key in repeated:
                yield where
            yield from _repeated(item, dups, where)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _repeated(item, dups, f"{path}[{i}]")


def _words(what: str, path: str) -> str:
    return f"{what} field {quote(path)}"


def unknown(paths: list[str]) -> list[str]:
    """Unknown field paths as the apiserver words each."""
    return [_words("unknown", p) for p in paths]


def refusal(problems: list[str]) -> str:
    """The end of a Strict refusal's message (after "cannot be handled as a KIND: ")."""
    return "strict decoding error: " + ", ".join(problems)


def warnings(problems: list[str]) -> list[str]:
    """The Warning headers of a Warn write, one per problem: warn-code 299, agent "-", the text quoted."""
    return ['299 - "' + p.replace("\\", "\\\\").replace('"', '\\"') + '"' for p in problems]
