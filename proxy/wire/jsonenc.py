"""JSON encoded the way the apiserver's Go encoder writes it: compact, HTML characters escaped.

Go's encoding/json escapes <, > and & (and U+2028/U+2029) inside strings; Python's does not. Those
characters never occur in JSON outside strings, so escaping them in the whole output is exact.
"""

from __future__ import annotations

import json
from typing import Any

_ESCAPES = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
            ("\u2029", "\\u2029"))


def go_json(obj: Any) -> bytes:
    text = json.dumps(obj, separators=(",", ":"), ensure_ascii=False)
    for ch, esc in _ESCAPES:
        if ch in text:
            text = text.replace(ch, esc)
    return text.encode()
