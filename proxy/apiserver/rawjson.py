"""The bytes a RawExtension holds (a ControllerRevision's `data`), which the apiserver compares as bytes
where it says such a field is immutable.

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

# (apiVersion, kind) -> its top-level RawExtension fields whose immutability compares bytes
FIELDS: dict[tuple[str, str], tuple[str, ...]] = {("apps/v1", "ControllerRevision"): ("data",)}

Raw = dict[str, bytes]  # field -> the bytes it holds


def fields(obj: dict[str, Any]) -> tuple[str, ...]:
    return FIELDS.get((str(obj.get("apiVersion", "")), str(obj.get("kind", ""))), ())


def read(obj: dict[str, Any]) -> Raw:
    """What a read shows of each field, compacted in the value's own order (Go clients write it back so)."""
    return {f: go_json(obj[f]) for f in fields(obj) if f in obj}


def held(obj: dict[str, Any], written: Raw) -> Raw:
    """What `obj` holds, given the bytes a client's write left (`written`): those, where its value is still
    the one they hold (a later version that kept it: a status or managedFields write), else its read form."""
    out = read(obj)
    for f, raw in written.items():
        if f in out and json.loads(raw) == obj[f]:
            out[f] = raw
    return out


def as_held(raw: Raw) -> dict[str, Any]:
    """Each field's value as a read of the bytes shows it (their keys in their order: a YAML create's sorted)."""
    return {f: json.loads(b) for f, b in raw.items()}


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


def sent(body: bytes, name: str) -> bytes | None:
    """The bytes of a top-level field's value in a JSON object as sent (its last occurrence, as Go keeps)."""
    try:
        text = body.decode()
        decoder = json.JSONDecoder()
        i = _skip(text, 0)
        if text[i:i + 1] != "{":
            return None
        i, found = _skip(text, i + 1), None
        while text[i:i + 1] == '"':
            key, i = json.decoder.scanstring(text, i + 1)  # type: ignore[attr-defined]
            i = _skip(text, i)
            start = _skip(text, i + 1)  # (past the colon)
            _, end = decoder.raw_decode(text, start)
            if key == name:
                found = text[start:end].encode()
            i = _skip(text, end)
            i = _skip(text, i + 1) if text[i:i + 1] == "," else i
        return found
    except (UnicodeDecodeError, ValueError):
        return None


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
        for f in fields(obj):
            if f not in obj:
                continue
            if verb in ("create", "update"):
                as_sent = sent(body, f) if media_type == "application/json" else None
                out[f] = as_sent if as_sent is not None else \
                    go_json(_sorted(obj[f])) if "yaml" in media_type else go_json(obj[f])
            elif f in before and not _touches(media_type, patch, f):
                out[f] = compact(before[f])
            else:
                out[f] = go_json(_sorted(obj[f]))
        return out
    return Write(before, made)


def _touches(media_type: str, patch: Any, name: str) -> bool:
    """Whether a patch changes a top-level field the way its patcher re-marshals it (not the whole object)."""
    if media_type == "application/merge-patch+json":
        return not isinstance(patch, dict) or name in patch
    if media_type == "application/json-patch+json":
        return not isinstance(patch, list) or any(
            _under(str(op[k]), name) for op in patch if isinstance(op, dict) for k in ("path", "from") if k in op)
    return True  # a strategic merge patch and an apply re-marshal it all


def _under(pointer: str, name: str) -> bool:
    return pointer in ("", f"/{name}") or pointer.startswith(f"/{name}/")


def changed(obj: dict[str, Any], before: Raw, after: Raw) -> list[tuple[str, bytes]]:
    """The fields whose bytes changed, with the new bytes as a read (and the error's value) prints them."""
    return [(f, compact(after.get(f, b"null"))) for f in fields(obj) if before.get(f) != after.get(f)]
