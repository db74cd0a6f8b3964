"""A Go `[]byte` as encoding/json reads and writes it: base64 (StdEncoding) in a JSON string, or an array of
numbers. Go decodes the bytes and writes them again, so a client's own form is not what it answers: Python's
`base64.encodebytes` breaks lines every 76 characters (and ends with one), which Go skips; a last character's
unused bits may be set (`aGVsbG9=` is `aGVsbG8=`, "hello"), which Go drops."""

from __future__ import annotations

import base64
from typing import Any

_BASE64 = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")


def base64_error(text: str) -> int | None:
    """Where base64.StdEncoding refuses `text` (CorruptInputError's offset: decodeQuantum), or None: newlines
    are skipped, padding must be whole and last."""
    src = text.encode()
    si = 0
    while si < len(src):
        j = 0
        while j < 4:
            if si == len(src):
                return si - j if j else None  # padding missing
            c = src[si]
            si += 1
            if c in _BASE64:
                j += 1
                continue
            if c in b"\r\n":
                continue
            if c != ord("=") or j < 2:
                return si - 1
            if j == 2:  # "==" expected
                while si < len(src) and src[si] in b"\r\n":
                    si += 1
                if si == len(src):
                    return len(src)
                if src[si] != ord("="):
                    return si - 1
                si += 1
            while si < len(src) and src[si] in b"\r\n":
                si += 1
            return si if si < len(src) else None
    return None


def error(text: str) -> str | None:
    """CorruptInputError's words for `text`, or None."""
    at = base64_error(text)
    return None if at is None else f"illegal base64 data at input byte {at}"


def written(value: str | list[Any]) -> str:
    """The bytes as Go writes them back (`value` read without error: a string base64_error passes, or an array
    of numbers, which the unstructured converter takes modulo 256)."""
    if isinstance(value, list):
        return base64.b64encode(bytes(int(v or 0) % 256 for v in value)).decode()
    return base64.b64encode(base64.b64decode(value)).decode()
