"""YAML as the apiserver writes it for `Accept: application/yaml`: its JSON read back by go-yaml v2 and
marshalled again (sigs.k8s.io/yaml JSONToYAML).

go-yaml v2's emitter is a port of libyaml's, which PyYAML drives here, so the layout (two-space indent,
sequences not indented under their key, `{}` and `[]` for empty ones, folding at 80 columns) is the same;
what differs is go-yaml's own choices, made here: keys in its natural order (digit runs compared as
numbers, letters before other characters), a string that would read back as another type (a number, a YAML
1.1 boolean such as `y` or `on`, null, a timestamp, a base-60 float) double-quoted, one with a line break as
a literal block, and floats in Go's shortest `%g`. tests/test_yaml_realkube.py compares the bytes with the
real apiserver's.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from typing import Any

import yaml

from .gostrings import format_float

_BASE60_FLOAT = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?")
_TIMESTAMP = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt](\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.\d+)?"
                        r"(?:Z|[+-](\d{2}):(\d{2})))|(?: (\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.\d+)?))?")


def is_timestamp(s: str) -> bool:
    """go-yaml's parseTimestamp: time.Parse with the YAML formats, ranges checked as Go checks them."""
    m = _TIMESTAMP.fullmatch(s)
    if m is None:
        return False
    year, month, day = int(m[1]), int(m[2]), int(m[3])
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    clock = [int(v) for v in (m[4], m[5], m[6]) if v] or [int(v) for v in (m[9], m[10], m[11]) if v]
    zone = [int(v) for v in (m[7], m[8]) if v]
    return (not clock or (clock[0] < 24 and clock[1] < 60 and clock[2] < 60)) and (not zone or zone[1] < 60)


# go-yaml v2's resolveMap: the words it reads as booleans, nulls and special floats
_GO_WORDS: dict[str, Any] = {
    **dict.fromkeys(("y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"), True),
    **dict.fromkeys(("n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"), False),
    **dict.fromkeys(("", "~", "null", "Null", "NULL"), None),
    **dict.fromkeys((".nan", ".NaN", ".NAN"), float("nan")),
    **dict.fromkeys((".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"), float("inf")),
    **dict.fromkeys(("-.inf", "-.Inf", "-.INF"), float("-inf")),
}
_YAML_STYLE_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_TIMESTAMP_START = re.compile(r"^[0-9]{4}-")


def go_scalar(text: str) -> Any:
    """go-yaml v2's resolve of a plain scalar (resolve.go): its words; from a `.`, a float; from a sign or a digit,
    a timestamp (kept as the text it was written as, as sigs.k8s.io/yaml's decoder into interface{} does), an
    integer as strconv.ParseInt(_, 0, 64) reads it with underscores dropped (0x, 0o, 0b, a leading 0 for octal),
    one ParseUint takes, or a float of YAML's style; anything else a string (`1:20`, `=`, `0o` alone)."""
    if text in _GO_WORDS:
        return _GO_WORDS[text]
    if text[:1] == ".":
        f = _go_float(text) if "_" not in text else None
        return f if f is not None else text
    if text[:1] not in ("+", "-", *"0123456789") or _TIMESTAMP_START.match(text):
        return text
    plain = text.replace("_", "")
    number = _go_int(plain)
    if number is not None and (-2**63 <= number < 2**63 or (0 <= number < 2**64 and plain[:1] not in "+-")):
        return number
    f = _go_float(plain) if _YAML_STYLE_FLOAT.match(plain) else None
    return f if f is not None else text


def _go_int(text: str) -> int | None:
    """strconv.ParseInt's syntax with base 0 (no range): a sign, then a base prefix or a leading 0 for octal."""
    sign, body = (-1, text[1:]) if text[:1] == "-" else (1, text[1:]) if text[:1] == "+" else (1, text)
    prefix = body[:2].lower()
    base, digits = (16, body[2:]) if prefix == "0x" else (8, body[2:]) if prefix == "0o" else \
        (2, body[2:]) if prefix == "0b" else (8, body[1:]) if body[:1] == "0" and len(body) > 1 else (10, body)
    if not digits or digits[:1] in "+-" or not digits.isascii() or not digits.isalnum():
        return None
    try:
        return sign * int(digits, base)
    except ValueError:
        return None


def _go_float(text: str) -> float | None:
    """strconv.ParseFloat where it succeeds; None where it fails (a value out of range is its error)."""
    try:
        f = float(text)
    except ValueError:
        return None
    return f if math.isfinite(f) else None


def _reads_as_other(s: str) -> bool:
    """Would go-yaml resolve this plain scalar to something other than a string (resolve.go)?"""
    return is_timestamp(s) or not isinstance(go_scalar(s), str)


def _plain_allowed(s: str) -> bool:
    """encoder.stringv: plain unless it would read back as another type or as a base-60 float."""
    return not _reads_as_other(s) and _BASE60_FLOAT.fullmatch(s) is None


def _less(a: str, b: str) -> bool:
    """go-yaml's keyList.Less for string keys."""
    ar, br = a, b
    for i in range(min(len(ar), len(br))):
        if ar[i] == br[i]:
            continue
        al, bl = ar[i].isalpha(), br[i].isalpha()
        if al and bl:
            return ar[i] < br[i]
        if al or bl:
            return bl
        an = bn = 0
        if ar[i] == "0" or br[i] == "0":
            j = i - 1
            while j >= 0 and ar[j].isdigit():
                if ar[j] != "0":
                    an = bn = 1
                    break
                j -= 1
        ai = i
        while ai < len(ar) and ar[ai].isdigit():
            an = an * 10 + int(ar[ai]) if ar[ai].isascii() else an
            ai += 1
        bi = i
        while bi < len(br) and br[bi].isdigit():
            bn = bn * 10 + int(br[bi]) if br[bi].isascii() else bn
            bi += 1
        if an != bn:
            return an < bn
        if ai != bi:
            return ai < bi
        return ar[i] < br[i]
    return len(ar) < len(br)


def _compare(a: str, b: str) -> int:
    return -1 if _less(a, b) else 1 if _less(b, a) else 0


_order = functools.cmp_to_key(_compare)


def go_float(f: float, bits: int = 64) -> str:
    """strconv.FormatFloat(f, 'g', -1, bits), and go-yaml's names for the infinities and NaN."""
    return {"NaN": ".nan", "+Inf": ".inf", "-Inf": "-.inf"}.get(text := format_float(f, bits), text)


_STR = "tag:yaml.org,2002:str"
_OTHER = "tag:yaml.org,2002:go"  # what go-yaml reads a plain scalar as when not a string (a number, a bool…)


# libyaml's emitter itself where PyYAML was built with it (its wheels are; five times as fast as PyYAML's
# own port, whose output is the same)
_Base: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_Base):  # type: ignore[misc]
    """go-yaml's choices in libyaml's emitter: whether a plain scalar reads back as a string is go-yaml's
    resolve (PyYAML's own resolver would quote `=`, `<<` or `2026-13-05`, which go-yaml writes plain)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True

    def check_simple_key(self) -> bool:
        """(PyYAML's own emitter only, without libyaml: it writes an empty key as a complex one, `? ""`.)"""
        if isinstance(self.event, yaml.ScalarEvent) and self.event.value == "":
            return True
        return bool(super().check_simple_key())

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is yaml.ScalarNode:
            return (_STR if _plain_allowed(value) else _OTHER) if implicit[0] else _STR
        return super().resolve(kind, value, implicit)


def _str(dumper: yaml.SafeDumper, s: str) -> yaml.ScalarNode:
    """encoder.stringv's style; a character beyond the BMP, which go-yaml's emitter does not count as
    printable, makes it double-quoted (escaped as \\UXXXXXXXX)."""
    style = "|" if "\n" in s else '"' if not _plain_allowed(s) or any(c > "\uffff" for c in s) else None
    return dumper.represent_scalar(_STR, s, style=style)


def _dict(dumper: yaml.SafeDumper, d: dict[str, Any]) -> yaml.MappingNode:
    return dumper.represent_mapping("tag:yaml.org,2002:map", [(k, d[k]) for k in sorted(d, key=_order)])


def _int(dumper: yaml.SafeDumper, n: int) -> yaml.ScalarNode:
    """An integer go-yaml holds as int64 or uint64; beyond those it read a float64."""
    return dumper.represent_scalar(_OTHER, str(n) if -(1 << 63) <= n < 1 << 64 else go_float(float(n)))


_Dumper.add_representer(str, _str)
_Dumper.add_representer(dict, _dict)
_Dumper.add_representer(int, _int)
_Dumper.add_representer(float, lambda dumper, f: dumper.represent_scalar(_OTHER, go_float(f)))
_Dumper.add_representer(bool, lambda dumper, b: dumper.represent_scalar(_OTHER, "true" if b else "false"))
_Dumper.add_representer(type(None), lambda dumper, _: dumper.represent_scalar(_OTHER, "null"))


def dumps(doc: Any) -> bytes:
    """The YAML the apiserver writes for a JSON document (decoded)."""
    out = yaml.dump(doc, Dumper=_Dumper, default_flow_style=False, allow_unicode=True, sort_keys=False,
                    width=80).encode()
    # libyaml ends a document whose last scalar is open-ended (a literal block keeping trailing newlines)
    # with the "..." marker, which go-yaml's port does not write
    return out[:-4] if out.endswith(b"\n...\n") else out
