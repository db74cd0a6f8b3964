"""The bytes a RawExtension holds (a ControllerRevision's `data`, a DRA claim's and template's opaque device
parameters), which the apiserver compares as bytes where such a field is, or is under, an immutable one.

Go decodes a RawExtension by keeping the bytes of its JSON value as the client sent them (spaces, key order,
escapes), stores them so and writes them back compacted on every read; apiequality compares the bytes. So a
revision created by a client that writes `{"a": 1}` (Python's json) is refused by every later write that
keeps its data, and one whose keys were not sorted by every strategic merge patch: the bytes each write
holds differ. A `PUT` holds what it sent (a client that read the object sends the read's compact form); a
JSON merge patch or a JSON patch re-marshals only the objects it touches (evanphx/json-patch v4), leaving
the rest as read, compacted; a strategic merge patch and server-side apply re-marshal the whole object
through Go maps, keys sorted. Only the touched objects' order is approximated here: all of a touched value
is sorted. An object whose bytes a replay did not see written (a recorded one) is taken to hold its read
form, as every Go client writes it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..wire.jsonenc import go_json
from .fielderrors import Cause, Printed, invalid
from .internal import as_internal

Path = tuple[str | int, ...]  # where a RawExtension is in an object (list items by index)


@dataclass(frozen=True)
class Guard:
    """A RawExtension field (`pattern`: `*` for every item of a list) under an immutable one, `fixed` (its path as
    validation names it), whose check compares the bytes; `shown`: the value its error prints, from the object
    and the new bytes."""
    pattern: tuple[str, ...]
    fixed: str
    shown: Callable[[dict[str, Any], bytes], Any]


_CONFIG = ("devices", "config", "*", "opaque", "parameters")  # (a DRA claim's opaque device configurations)
# (group, kind) -> its RawExtension fields whose immutability compares bytes
FIELDS: dict[tuple[str, str], tuple[Guard, ...]] = {
    ("apps", "ControllerRevision"): (Guard(("data",), "data", lambda _, raw: Printed(raw.decode())),),
    # (declarative validation prints no value; the template's check its internal type)
    ("resource.k8s.io", "ResourceClaim"): (Guard(("spec", *_CONFIG), "spec", lambda _, raw: None),),
    ("resource.k8s.io", "ResourceClaimTemplate"): (Guard(
        ("spec", "spec", *_CONFIG), "spec", lambda obj, _: as_internal("ResourceClaimTemplateSpec", obj.get("spec"))),)}

Raw = dict[Path, bytes]  # where each RawExtension is -> the bytes it holds


def fields(obj: dict[str, Any]) -> tuple[Guard, ...]:
    return FIELDS.get((str(obj.get("apiVersion", "")).rpartition("/")[0], str(obj.get("kind", ""))), ())


def _paths(value: Any, pattern: tuple[str, ...], at: Path = ()) -> list[Path]:
    """The paths in `value` that `pattern` names and that hold something."""
    if not pattern:
        return [at]
    if pattern[0] == "*":
        items = enumerate(value) if isinstance(value, list) else ()
        return [p for i, v in items for p in _paths(v, pattern[1:], (*at, i))]
    if not isinstance(value, dict) or pattern[0] not in value:
        return []
    return _paths(value[pattern[0]], pattern[1:], (*at, pattern[0]))


def _at(value: Any, path: Path) -> Any:
    for k in path:
        value = value[k]
    return value


def located(obj: dict[str, Any]) -> list[tuple[Guard, Path]]:
    """Each RawExtension `obj` holds, with the guard that names it."""
    return [(g, p) for g in fields(obj) for p in _paths(obj, g.pattern)]


def read(obj: dict[str, Any]) -> Raw:
    """What a read shows of each field, compacted in the value's own order (Go clients write it back so)."""
    return {p: go_json(_at(obj, p)) for _, p in located(obj)}


def held(obj: dict[str, Any], written: Raw) -> Raw:
    """What `obj` holds, given the bytes a client's write left (`written`): those, where its value is still
    the one they hold (a later version that kept it: a status or managedFields write), else its read form."""
    out = read(obj)
    for p, raw in written.items():
        if p in out and json.loads(raw) == _at(obj, p):
            out[p] = raw
    return out


def show_held(obj: dict[str, Any], raw: Raw) -> None:
    """Each field of `obj` (in place) as a read of its bytes shows it: their keys in their order (a YAML
    create's sorted)."""
    for p, b in raw.items():
        parent = _at(obj, p[:-1])
        parent[p[-1]] = json.loads(b)


def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _sorted(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_sorted(v) for v in value]
    return value


_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[ \t\r\n]+')


def compact(raw: bytes) -> bytes:
    """json.Compact as json.Marshal applies it to a RawMessage: whitespace between tokens dropped, `<`, `>`,
    `&`, U+2028 and U+2029 in strings escaped."""
    def token(m: re.Match[bytes]) -> bytes:
        text = m.group(0)
        if not text.startswith(b'"'):
            return b""
        for ch, esc in ((b"<", b"\\u003c"), (b">", b"\\u003e"), (b"&", b"\\u0026"),
                        ("\u2028".encode(), b"\\u2028"), ("\u2029".encode(), b"\\u2029")):
            text = text.replace(ch, esc)
        return text
    return _TOKENS.sub(token, raw)


def sent(body: bytes, path: Path) -> bytes | None:
    """The bytes of the value at `path` in a JSON document as sent (of a repeated key, the last, as Go keeps)."""
    try:
        text = body.decode()
        span = _span(text, _skip(text, 0), path)
    except (UnicodeDecodeError, ValueError, IndexError):
        return None
    return text[span[0]:span[1]].encode() if span is not None else None


_DECODER = json.JSONDecoder()


def _span(text: str, i: int, path: Path) -> tuple[int, int] | None:
    """Where the value at `path` below the one starting at `i` is in `text`, or None; ValueError for bad JSON."""
    if not path:
        return i, _DECODER.raw_decode(text, i)[1]
    opening = text[i:i + 1]
    if opening not in ("{", "[") or (opening == "{") != isinstance(path[0], str):
        return None
    found, n = None, 0
    i = _skip(text, i + 1)
    while text[i] not in "}]":
        if opening == "{":
            key, i = json.decoder.scanstring(text, i + 1)  # type: ignore[attr-defined]
            start = _skip(text, _skip(text, i) + 1)  # (past the colon)
            here = key == path[0]
        else:
            start, here, n = i, n == path[0], n + 1
        end = _DECODER.raw_decode(text, start)[1]
        if here:
            found = _span(text, start, path[1:])
        i = _skip(text, end)
        i = _skip(text, i + 1) if text[i] == "," else i
    return found


def _skip(text: str, i: int) -> int:
    while i < len(text) and text[i] in " \t\r\n":
        i += 1
    return i


@dataclass(frozen=True)
class Write:
    """What a write holds in each raw field: `before`, the stored bytes; `made(obj)`, the new object's."""
    before: Raw
    made: Callable[[dict[str, Any]], Raw]


def write(verb: str, media_type: str, body: bytes, patch: Any, before: Raw) -> Write:
    """The bytes a create, update or patch (of `media_type`, with its body and decoded `patch`) holds."""
    def made(obj: dict[str, Any]) -> Raw:
        out: Raw = {}
        for _, p in located(obj):
            if verb in ("create", "update"):
                as_sent = sent(body, p) if media_type == "application/json" else None
                out[p] = as_sent if as_sent is not None else \
                    go_json(_sorted(_at(obj, p))) if "yaml" in media_type else go_json(_at(obj, p))
            elif p in before and not _touches(media_type, patch, p):
                out[p] = compact(before[p])
            else:
                out[p] = go_json(_sorted(_at(obj, p)))
        return out
    return Write(before, made)


def _touches(media_type: str, patch: Any, path: Path) -> bool:
    """Whether a patch changes the value at `path` the way its patcher re-marshals it (not the whole object): a
    merge patch that reaches it, a JSON patch operation at it, inside it or at what holds it."""
    if media_type == "application/merge-patch+json":
        for k in path:
            if not isinstance(patch, dict):
                return True  # (a list or value put in its place)
            if k not in patch:
                return False
            patch = patch[k]
        return True
    if media_type == "application/json-patch+json":
        pointer = "".join(f"/{k}" for k in path)
        return not isinstance(patch, list) or any(
            _related(str(op[k]), pointer) for op in patch if isinstance(op, dict) for k in ("path", "from") if k in op)
    return True  # a strategic merge patch and an apply re-marshal it all


def _related(pointer: str, to: str) -> bool:
    return pointer == to or to.startswith(f"{pointer}/") or pointer.startswith(f"{to}/") or pointer == ""


def refused(obj: dict[str, Any], before: Raw, after: Raw) -> list[Cause]:
    """An immutable field's error for each under which some bytes changed (`obj`: the object written, its raw
    fields as `after` holds them: show_held), once."""
    out: dict[str, Cause] = {}
    for g in fields(obj):
        paths = dict.fromkeys([*_paths(obj, g.pattern), *(p for p in before if _matches(g.pattern, p))])
        if g.fixed not in out and (p := next((p for p in paths if before.get(p) != after.get(p)), None)) is not None:
            out[g.fixed] = invalid(g.fixed, g.shown(obj, compact(after.get(p, b"null"))), "field is immutable")
    return list(out.values())


def _matches(pattern: tuple[str, ...], path: Path) -> bool:
    return len(pattern) == len(path) and all(
        (k == "*" and isinstance(p, int)) or k == p for k, p in zip(pattern, path, strict=True))
