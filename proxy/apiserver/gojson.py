"""A request body read as Go's encoding/json reads it, which is what the apiserver answers from.

Python's decoder (in C) does the work. Go's scanner (encoding/json/scanner.go) is followed, in Python and
without recursion, only when that decoder refuses a body or meets what Go refuses and Python takes (NaN,
Infinity), to say why in Go's words: `invalid character 'N' looking for beginning of value`, `unexpected
end of JSON input`, `invalid character '[' exceeded max depth`. Before this a truncated body was answered in
Python's words, NaN was stored, and nesting deeper than Python's recursion limit was a 500.

What Go takes and Python would not is taken as Go takes it: invalid UTF-8 and lone surrogate escapes
become U+FFFD. A number beyond float64 (`1e999`) parses, as in Go; `overflow` names it, for the decoders
that refuse it (into `interface{}`). A number with a fraction or an exponent keeps its text (Number), which
Go's decoder of a typed object reads. Duplicate keys keep the last value, as Go does for a scalar, a list
or into `interface{}` (into a built-in kind's struct or map it decodes the second into the first:
gorepeats.py, from the members kept), and are listed for the apiserver's strict decoding (fieldValidation).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..wire.gostrings import quote_byte

MAX_DEPTH = 10000  # encoding/json's maxNestingDepth


class GoSyntaxError(ValueError):
    """A body encoding/json refuses, with its SyntaxError's text."""


class TooDeep(ValueError):
    """Valid JSON for Go, nested deeper than watchproxy decodes."""


@dataclass
class Decoded:
    value: Any
    overflow: str = ""  # the first number literal beyond float64, as written
    duplicates: dict[int, list[str]] = field(default_factory=dict)  # id of an object -> its repeated keys
    # id of an object that repeats a key -> all its members in order (the values the last did not keep)
    members: dict[int, list[tuple[str, Any]]] = field(default_factory=dict)
    yaml_repeated: list[str] = field(default_factory=list)  # keys a YAML body repeated (bodies.load_yaml), worded


class Number(float):
    """A number written with a fraction or an exponent (`2.0`, `1e3`), kept as written: encoding/json refuses it
    for an integer field however whole it is, and quotes it (`cannot unmarshal number 2.0 into Go struct field
    DeploymentSpec.spec.replicas of type int32`), and a quantity reads the text (`1e9` stays `1e9`). A merge or
    JSON patch keeps it so (the patch library holds each value's raw bytes); a strategic merge patch or YAML
    does not (both go through float64, and Go writes a whole one without a fraction)."""

    __slots__ = ("text",)
    text: str

    def __new__(cls, text: str) -> Number:
        number = super().__new__(cls, text)
        number.text = str(text)
        return number


def literal(value: int | float) -> str:
    """A number as the body wrote it, where it is known (else as Python writes it)."""
    return value.text if isinstance(value, Number) else repr(value)


_MARK = re.compile(r'"\\u0000(\d+)"')


def written(encode: Callable[[Any], str], value: Any) -> str:
    """`encode(value)` with each Number as the body wrote it (what a merge or JSON patch's result quotes:
    `"replicas":3e0`); Python's encoder writes a float subclass as a float."""
    numbers: list[str] = []

    def marked(v: Any) -> Any:
        if isinstance(v, Number):
            numbers.append(v.text)
            return f"\0{len(numbers) - 1}"
        if isinstance(v, dict):
            return {k: marked(x) for k, x in v.items()}
        return [marked(x) for x in v] if isinstance(v, list) else v
    text = encode(marked(value))
    return _MARK.sub(lambda m: numbers[int(m.group(1))], text) if numbers else text


class _Refused(Exception):
    """NaN or Infinity met by Python's decoder: Go's scanner words the refusal."""


def _refuse_constant(_name: str) -> Any:
    raise _Refused


_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def loads(data: bytes) -> Decoded:
    """The body's value; GoSyntaxError or TooDeep when Go's decoder or this one cannot have it."""
    found = Decoded(None)

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(items)
        if len(obj) != len(items):
            seen: set[str] = set()
            repeated = found.duplicates[id(obj)] = []
            found.members[id(obj)] = items
            for k, _ in items:
                if k in seen:
                    repeated.append(k)
                seen.add(k)
        return obj

    def number(text: str) -> float:
        value = Number(text)
        if math.isinf(value) and not found.overflow:
            found.overflow = text
        return value

    decoder = json.JSONDecoder(object_pairs_hook=pairs, parse_float=number, parse_constant=_refuse_constant)
    try:
        found.value = decoder.decode(data.decode("utf-8", "replace"))
    except (ValueError, _Refused, RecursionError) as exc:
        error = syntax_error(data)
        if error is not None:
            raise GoSyntaxError(error) from None
        if isinstance(exc, RecursionError):
            raise TooDeep("the body is valid JSON nested deeper than watchproxy decodes "
                          f"(the apiserver takes up to {MAX_DEPTH} levels)") from None
        raise GoSyntaxError(str(exc)) from None  # refused by Python alone: not seen so far
    if _SURROGATE_ESCAPE.search(data):
        found.value = _without_surrogates(found.value)
    return found


def _without_surrogates(value: Any) -> Any:
    """Lone surrogates (escapes Python keeps and cannot encode) as U+FFFD, which is what Go decodes."""
    if isinstance(value, str):
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if isinstance(value, list):
        return [_without_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {_without_surrogates(k): _without_surrogates(v) for k, v in value.items()}
    return value


# Runs the scanner may skip in one step: plain string content, and whitespace.
_STRING_RUN = re.compile(rb'[^"\\\x00-\x1f]+')
_SPACE_RUN = re.compile(rb"[ \t\r\n]+")
_HEX = frozenset(b"0123456789abcdefABCDEF")
_DIGITS = frozenset(b"0123456789")
_ESCAPES = frozenset(b'bfnrt\\/"')
_LITERALS = {ord("t"): b"true", ord("f"): b"false", ord("n"): b"null"}
_OBJECT, _ARRAY = range(2)
_END = "unexpected end of JSON input"


def syntax_error(data: bytes) -> str | None:
    """The text of the SyntaxError encoding/json's checkValid returns for `data`, or None if it has none."""
    stack: list[int] = []
    i, n = 0, len(data)

    def bad(at: int, context: str) -> str:
        return f"invalid character {quote_byte(data[at])} {context}"

    def space(at: int) -> int:
        m = _SPACE_RUN.match(data, at)
        return m.end() if m else at

    def key(at: int) -> tuple[int, str]:
        """An object's key and its colon, spaces first: the index after the colon, or Go's error."""
        at = space(at)
        if at >= n:
            return at, _END
        if data[at] != ord('"'):
            return at, bad(at, "looking for beginning of object key string")
        at, error = _string(data, at)
        at = space(at)
        if error or at >= n:
            return at, error or _END
        if data[at] != ord(":"):
            return at, bad(at, "after object key")
        return at + 1, ""

    while True:
        # a value begins (at the top, or after "[", ":" or ",")
        i = space(i)
        if i >= n:
            return _END
        c = data[i]
        if c == ord("{") or c == ord("["):
            stack.append(_OBJECT if c == ord("{") else _ARRAY)
            if len(stack) > MAX_DEPTH:
                return bad(i, "exceeded max depth")
            i = space(i + 1)
            if i >= n:
                return _END
            if data[i] != (ord("}") if c == ord("{") else ord("]")):
                if c == ord("{"):
                    i, error = key(i)
                    if error:
                        return error
                continue  # its first value
            # empty: it ends at the closer, below
        elif c == ord('"'):
            i, error = _string(data, i)
            if error:
                return error
        elif c == ord("-") or c in _DIGITS:
            i, error = _number(data, i)
            if error:
                return error
        elif c in _LITERALS:
            i, error = _literal(data, i, _LITERALS[c])
            if error:
                return error
        else:
            return bad(i, "looking for beginning of value")
        # a value ended: close what it ends, then expect a separator
        while True:
            i = space(i)
            if not stack:
                return None if i >= n else bad(i, "after top-level value")
            if i >= n:
                return _END
            c, closer = data[i], ord("]") if stack[-1] == _ARRAY else ord("}")
            if c == closer:
                stack.pop()
                i += 1
                continue
            if c != ord(","):
                return bad(i, "after array element" if stack[-1] == _ARRAY else "after object key:value pair")
            i += 1
            if stack[-1] == _OBJECT:
                i, error = key(i)
                if error:
                    return error
            break


def _string(data: bytes, i: int) -> tuple[int, str]:
    """From the opening quote at `i`: the index after the closing one, or Go's error."""
    i += 1
    n = len(data)
    while True:
        m = _STRING_RUN.match(data, i)
        if m:
            i = m.end()
        if i >= n:
            return i, _END
        c = data[i]
        if c == ord('"'):
            return i + 1, ""
        if c < 0x20:
            return i, f"invalid character {quote_byte(c)} in string literal"
        # a backslash
        i += 1
        if i < n and data[i] == ord("u"):
            for k in range(i + 1, i + 5):
                if k >= n or data[k] not in _HEX:
                    return k, _invalid(data, k, "in \\u hexadecimal character escape")
            i += 5
        elif i < n and data[i] in _ESCAPES:
            i += 1
        else:
            return i, _invalid(data, i, "in string escape code")


def _number(data: bytes, i: int) -> tuple[int, str]:
    """From a number's first byte at `i`: the index after it, or Go's error. What follows a number is the
    caller's to judge (`01` is 0 followed by 1, refused as what may not follow a value)."""
    n = len(data)

    def at(k: int) -> int:
        return data[k] if k < n else -1

    def fail(k: int, context: str) -> tuple[int, str]:
        return k, _invalid(data, k, context)

    if at(i) == ord("-"):
        i += 1
        if at(i) not in _DIGITS:
            return fail(i, "in numeric literal")
    if at(i) == ord("0"):
        i += 1
    else:
        while at(i) in _DIGITS:
            i += 1
    if at(i) == ord("."):
        i += 1
        if at(i) not in _DIGITS:
            return fail(i, "after decimal point in numeric literal")
        while at(i) in _DIGITS:
            i += 1
    if at(i) in (ord("e"), ord("E")):
        i += 1
        if at(i) in (ord("+"), ord("-")):
            i += 1
        if at(i) not in _DIGITS:
            return fail(i, "in exponent of numeric literal")
        while at(i) in _DIGITS:
            i += 1
    return i, ""


def _literal(data: bytes, i: int, word: bytes) -> tuple[int, str]:
    for k in range(i + 1, i + len(word)):
        if k >= len(data) or data[k] != word[k - i]:
            return k, _invalid(data, k, f"in literal {word.decode()} (expecting {quote_byte(word[k - i])})")
    return i + len(word), ""


def _invalid(data: bytes, at: int, context: str) -> str:
    """Go's words for the byte at `at`; at the end of the body, for the space its eof() steps in its place
    (a literal, number or escape cut short is refused for that space, not as the end of the input)."""
    return f"invalid character {quote_byte(data[at] if at < len(data) else 0x20)} {context}"
