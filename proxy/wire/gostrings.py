"""Go's quoting of strings (strconv.Quote, the %q of fmt), which the apiserver's messages are full of:
field errors quote values with it, encoding/json quotes a byte it refuses with it; fmt's %v of a decoded
JSON document, which a refused strategic merge patch is printed as; and an aggregate of errors."""

from __future__ import annotations

import decimal
import math
import re
import struct
from typing import Any

SURROGATE = re.compile("[\ud800-\udfff]")  # (no UTF-8 in Go: a byte decoded with surrogateescape, an escape)

_SHORT = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"}


def _escaped(ch: str, quote: str) -> str:
    if ch == quote or ch == "\\":
        return "\\" + ch
    if ch.isprintable():
        return ch
    if ch in _SHORT:
        return _SHORT[ch]
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # (a byte that is no UTF-8, as surrogateescape decodes it)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x80 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def quote(value: str) -> str:
    """strconv.Quote: printable characters as they are, the rest escaped, in double quotes (bytes that are no
    UTF-8, decoded with surrogateescape, as \\xNN)."""
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


def format_float(f: float, bits: int = 64) -> str:
    """strconv.FormatFloat(f, 'g', -1, bits), as %v prints a float64 (`bits` 32: rounded to a float32 first, as
    sigs.k8s.io/yaml writes a float map key): the shortest digits that read back as `f`, with an exponent (two
    digits at least) below 1e-4 and from 1e6."""
    if bits == 32:
        try:
            f = struct.unpack("f", struct.pack("f", f))[0]
        except OverflowError:  # (beyond float32's range: Go's conversion gives an infinity)
            f = math.copysign(math.inf, f)
    if math.isnan(f) or math.isinf(f):
        return "NaN" if math.isnan(f) else "+Inf" if f > 0 else "-Inf"
    minus = "-" if math.copysign(1.0, f) < 0 else ""
    if f == 0:
        return minus + "0"
    shortest = repr(abs(f)) if bits == 64 else next(
        text for p in range(1, 10) if struct.unpack("f", struct.pack("f", float(text := f"{abs(f):.{p - 1}e}")))[0]
        == abs(f))
    _, digits, exponent = decimal.Decimal(shortest).normalize().as_tuple()
    text = "".join(map(str, digits))
    point = len(text) + int(exponent)  # where the decimal point falls in the digits
    if point - 1 < -4 or point - 1 >= 6:
        e = point - 1
        mantissa = text[0] + ("." + text[1:] if len(text) > 1 else "")
        return f"{minus}{mantissa}e{'-' if e < 0 else '+'}{abs(e):02d}"
    if point <= 0:
        return f"{minus}0.{'0' * -point}{text}"
    return minus + (text + "0" * (point - len(text)) if point >= len(text) else f"{text[:point]}.{text[point:]}")


# fmt orders a map's interface{} keys by their types first (by the address of each type's descriptor: a string
# came before an int in kube-apiserver v1.37.2's build), then by value
_TYPE_RANK = {str: 0, int: 1, float: 2, bool: 3}


def sharp_v(value: Any) -> str:
    """fmt's %#v of a YAML document go-yaml decoded into interface{} values (maps as map[interface {}]interface
    {}{k:v, ...} in key order, a nil inside as interface {}(nil)), as sigs.k8s.io/yaml's errors print one; a
    nil at the top is <nil>."""
    def inner(v: Any) -> str:
        return "interface {}(nil)" if v is None else sharp_v(v)
    if value is None:
        return "<nil>"
    if isinstance(value, dict):
        items = sorted(value.items(), key=lambda kv: (_TYPE_RANK.get(type(kv[0]), 9), kv[0]))
        return "map[interface {}]interface {}{" + ", ".join(f"{inner(k)}:{inner(v)}" for k, v in items) + "}"
    if isinstance(value, list):
        return "[]interface {}{" + ", ".join(map(inner, value)) + "}"
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format_float(value)
    return f"{value:#x}" if value >= 1 << 63 else str(value)  # (a uint64 in %#v is hexadecimal)


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
        return format_float(value)
    return str(value)
