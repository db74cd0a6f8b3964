"""Go's quoting of strings (strconv.Quote, the %q of fmt), which the apiserver's messages are full of:
field errors quote values with it, encoding/json quotes a byte it refuses with it; fmt's %v of a decoded
JSON document, which a refused strategic merge patch is printed as; and an aggregate of errors."""

from __future__ import annotations

import decimal
from typing import Any

_SHORT = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"}


def _escaped(ch: str, quote: str) -> str:
    if ch == quote or ch == "\\":
        return "\\" + ch
    if ch.isprintable():
        return ch
    if ch in _SHORT:
        return _SHORT[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x80 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def quote(value: str) -> str:
    """strconv.Quote: printable characters as they are, the rest escaped, in double quotes."""
    return '"' + "".join(_escaped(ch, '"') for ch in value) + '"'


def quote_list(values: list[str]) -> str:
    """A []string as Go's %q prints it: ["a" "b"]."""
    return "[" + " ".join(quote(v) for v in values) + "]"


def aggregate(errors: list[str]) -> str:
    """An error list as the apiserver prints it (utilerrors.Aggregate): each message once, one as it is, several
    in brackets."""
    seen = list(dict.fromkeys(errors))
    return seen[0] if len(seen) == 1 else "[" + ", ".join(seen) + "]"


def quote_byte(c: int) -> str:
    """encoding/json's quoteChar: a byte as the rune U+00XX in a Go rune literal ('ï', '\\x00', '\\'')."""
    return "'" + _escaped(chr(c), "'") + "'"


def _float_v(f: float) -> str:
    """strconv.FormatFloat(f, 'g', -1, 64), as %v prints a float64: the shortest digits that read back as
    `f`, with an exponent (two digits at least) below 1e-4 and from 1e6."""
    if f != f or f in (float("inf"), float("-inf")):
        return "NaN" if f != f else "+Inf" if f > 0 else "-Inf"
    sign, digits, exponent = decimal.Decimal(repr(f)).normalize().as_tuple()
    text = "".join(map(str, digits))
    point = len(text) + int(exponent)  # where the decimal point falls in the digits
    minus = "-" if sign else ""
    if f == 0:
        return minus + "0"
    if point - 1 < -4 or point - 1 >= 6:
        e = point - 1
        mantissa = text[0] + ("." + text[1:] if len(text) > 1 else "")
        return f"{minus}{mantissa}e{'-' if e < 0 else '+'}{abs(e):02d}"
    if point <= 0:
        return f"{minus}0.{'0' * -point}{text}"
    return minus + (text + "0" * (point - len(text)) if point >= len(text) else f"{text[:point]}.{text[point:]}")


def sprint_v(value: Any) -> str:
    """fmt's %v (or %+v) of a document decoded into interface{} values: maps as map[k:v ...] in key order,
    slices as [a b], strings bare, nil as <nil>."""
    if isinstance(value, dict):
        return "map[" + " ".join(f"{k}:{sprint_v(v)}" for k, v in sorted(value.items())) + "]"
    if isinstance(value, list):
        return "[" + " ".join(map(sprint_v, value)) + "]"
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _float_v(value)
    return str(value)
