"""JSON encoded the way the apiserver's Go encoder writes it: compact, HTML characters escaped.

Go's encoding/json escapes <, > and & (and U+2028/U+2029) inside strings; Python's does not. Those
characters never occur in JSON outside strings, so escaping them in the whole output is exact.
"""

from __future__ import annotations

import json
from typing import Any

from .gostrings import SURROGATE

_ESCAPES = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
            ("\u2029", "\\u2029"))


def go_json(obj: Any) -> bytes:
    """json.Marshal: compact, no trailing newline."""
    return _escape(json.dumps(obj, separators=(",", ":"), ensure_ascii=False, allow_nan=False))


def go_json_indent(obj: Any) -> bytes:
    """json.MarshalIndent(v, "", "  "): how the apiserver writes /version."""
    return _escape(json.dumps(obj, indent=2, ensure_ascii=False, allow_nan=False))


def _escape(text: str) -> bytes:
    for ch, esc in _ESCAPES:
        if ch in text:
            text = text.replace(ch, esc)
    try:
        return text.encode()
    except UnicodeEncodeError:  # a byte that is no UTF-8 (a path's, decoded with surrogateescape): Go writes \ufffd
        return SURROGATE.sub(lambda _: "\\ufffd", text).encode()
