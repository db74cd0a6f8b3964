"""Kubernetes protobuf bodies, read as the JSON the real apiserver would make of them.

client-go's typed clients and controller-runtime's client write every built-in kind in protobuf unless their
rest.Config says otherwise: a Go operator's creates, updates, deletes (DeleteOptions) and leader-election
Lease all arrive so. An emulated apiserver that cannot read them cannot host the operator.

The schemas are the Go types' (gotypes.py): per struct field its protobuf number, JSON name, type and the
JSON options (omitempty, omitzero, inline) that decide what Go's encoding/json writes. Decoding follows
what the apiserver does: unmarshal into the Go struct, then marshal it as JSON. So a field gogo-protobuf
wrote empty and JSON omits is omitted, a nil slice without omitempty is null, and the keys come out in the
Go struct's order. The differential test compares this with the real Go round trip of random objects.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import struct
from collections.abc import Callable
from typing import Any

from . import gotypes

MEDIA_TYPE = "application/vnd.kubernetes.protobuf"
MAGIC = b"k8s\x00"  # before every protobuf body: the runtime.Unknown envelope follows



class Unsupported(ValueError):
    """A protobuf body of a kind with no schema here (a custom resource: those are never protobuf)."""


def _varint(buf: bytes, i: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if i >= len(buf):
            raise ValueError("truncated protobuf")
        b = buf[i]
        i += 1
        value |= (b & 0x7F) << shift
        if not b & 0x80:
            return value, i
        shift += 7
        if shift > 63:
            raise ValueError("malformed protobuf varint")


def _fields(buf: bytes) -> dict[int, list[int | bytes]]:
    """Every field's values in order: an integer for varints and fixed widths, bytes for the rest."""
    out: dict[int, list[int | bytes]] = {}
    i = 0
    while i < len(buf):
        key, i = _varint(buf, i)
        number, wire = key >> 3, key & 7
        value: int | bytes
        if wire == 0:
            value, i = _varint(buf, i)
        elif wire == 2:
            size, i = _varint(buf, i)
            if i + size > len(buf):
                raise ValueError("truncated protobuf")
            value, i = buf[i:i + size], i + size
        elif wire in (1, 5):
            width = 8 if wire == 1 else 4
            if i + width > len(buf):
                raise ValueError("truncated protobuf")
            value, i = int.from_bytes(buf[i:i + width], "little"), i + width
        else:
            raise ValueError(f"unsupported protobuf wire type {wire}")
        out.setdefault(number, []).append(value)
    return out


def _bytes(value: int | bytes) -> bytes:
    if not isinstance(value, bytes):
        raise ValueError("malformed protobuf: a number where a message or string belongs")
    return value


def _int(value: int | bytes) -> int:
    if not isinstance(value, int):
        raise ValueError("malformed protobuf: a message or string where a number belongs")
    return value


def _signed(v: int) -> int:
    return v - (1 << 64) if v >= 1 << 63 else v


def _last(fields: dict[int, list[int | bytes]], number: int, default: int | bytes) -> int | bytes:
    values = fields.get(number)
    return values[-1] if values else default


def _time(buf: bytes, micro: bool) -> str | None:
    """metav1.Time keeps whole seconds (its Unmarshal drops the nanoseconds), MicroTime microseconds; an
    empty message is Go's zero time, which JSON writes as null."""
    if not buf:
        return None
    f = _fields(buf)
    seconds, nanos = _signed(_int(_last(f, 1, 0))), _int(_last(f, 2, 0))
    try:
        at = dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=seconds)
    except OverflowError:
        raise ValueError("malformed protobuf: a time out of range") from None
    text = at.strftime("%Y-%m-%dT%H:%M:%S")
    if len(text) != 19:  # strftime does not pad years below 1000 everywhere; Go writes four digits
        text = f"{at.year:04d}" + text[text.index("-"):]
    return text + (f".{nanos // 1000 % 1_000_000:06d}Z" if micro else "Z")


def _go_duration(ns: int) -> str:
    """time.Duration.String(), which metav1.Duration writes."""
    if ns == 0:
        return "0s"
    sign, u = ("-" if ns < 0 else ""), abs(ns)
    if u < 1_000_000_000:
        for unit, digits in (("ns", 0), ("µs", 3), ("ms", 6)):
            if u < 10 ** (digits + 3):
                whole, frac = divmod(u, 10 ** digits) if digits else (u, 0)
                return sign + str(whole) + (f".{frac:0{digits}d}".rstrip("0") if frac else "") + unit
    secs, frac = divmod(u, 1_000_000_000)
    text = f"{secs % 60}" + (f".{frac:09d}".rstrip("0") if frac else "") + "s"
    if secs >= 60:
        text = f"{secs // 60 % 60}m" + text
        if secs >= 3600:
            text = f"{secs // 3600}h" + text
    return sign + text


def _raw(buf: bytes) -> Any:
    """RawExtension and FieldsV1 hold their JSON as bytes; nil is null."""
    f = _fields(buf)
    if 1 not in f:
        return None
    try:
        return json.loads(_bytes(f[1][-1]))
    except (ValueError, UnicodeDecodeError):
        raise ValueError("malformed protobuf: an embedded object that is not JSON") from None


def _int_or_string(buf: bytes) -> int | str:
    f = _fields(buf)
    if _int(_last(f, 1, 0)) == 1:
        return _bytes(_last(f, 3, b"")).decode("utf-8", "replace")
    return _signed(_int(_last(f, 2, 0)))


_SPECIAL: dict[str, Callable[[bytes], Any]] = {
    "time": lambda b: _time(b, False),
    "microtime": lambda b: _time(b, True),
    "duration": lambda b: _go_duration(_signed(_int(_last(_fields(b), 1, 0)))),
    "quantity": lambda b: _bytes(_last(_fields(b), 1, b"")).decode("utf-8", "replace") or "0",
    "intorstr": _int_or_string,
    "raw": _raw,
}


def _scalar(kind: str, value: int | bytes) -> Any:
    if kind == "string":
        return _bytes(value).decode("utf-8", "replace")  # Go's JSON writes invalid UTF-8 as U+FFFD
    if kind == "bytes":
        return base64.b64encode(_bytes(value)).decode()
    if kind == "int":
        return _signed(_int(value))
    if kind == "uint":
        return _int(value)
    if kind == "bool":
        return bool(_int(value))
    if kind in ("double", "float"):
        v = _int(value)
        return struct.unpack("<d", v.to_bytes(8, "little"))[0] if kind == "double" \
            else struct.unpack("<f", v.to_bytes(4, "little"))[0]
    raise ValueError(f"no protobuf decoding for {kind}")


def _value(kind: Any, value: int | bytes) -> Any:
    """One value of a field's type, as JSON holds it."""
    if isinstance(kind, list):
        if kind[0] == "list":
            return [_value(kind[1], v) for v in _fields(_bytes(value)).get(1, [])]
        raise ValueError(f"no protobuf decoding for {kind}")
    if kind.startswith("."):
        return _message(_bytes(value), kind[1:])
    special = _SPECIAL.get(kind)
    if special is not None:
        return special(_bytes(value))
    return _scalar(kind, value)


def _unpacked(kind: Any, values: list[int | bytes]) -> list[int | bytes]:
    """Repeated numbers may come packed into one length-delimited value."""
    if kind not in ("int", "uint", "bool", "double", "float"):
        return values
    out: list[int | bytes] = []
    for v in values:
        if isinstance(v, int):
            out.append(v)
            continue
        i = 0
        while i < len(v):
            if kind in ("double", "float"):
                width = 8 if kind == "double" else 4
                out.append(int.from_bytes(v[i:i + width], "little"))
                i += width
            else:
                n, i = _varint(v, i)
                out.append(n)
    return out


def _field(kind: Any, flags: str, values: list[int | bytes] | None) -> Any:
    """The field's JSON value, or gotypes.MISSING where encoding/json leaves it out."""
    if not values:
        return gotypes.zero(kind, flags)
    if isinstance(kind, list) and kind[0] == "map":
        entries = {}
        for v in values:
            entry = _fields(_bytes(v))
            key = _value(kind[1], _last(entry, 1, b"" if kind[1] == "string" else 0))
            raw = entry.get(2)
            entries[str(key)] = _value(kind[2], raw[-1]) if raw else \
                gotypes.ZERO[kind[2]] if kind[2] in gotypes.ZERO else _value(kind[2], b"")
        return gotypes.emitted({k: entries[k] for k in sorted(entries)}, kind, flags)  # Go sorts a map's keys
    if "r" in flags:
        items = [_value(kind, v) for v in _unpacked(kind, values)]
        return gotypes.emitted(items, kind, flags) if items else gotypes.zero(kind, flags)
    return gotypes.emitted(_value(kind, values[-1]), kind, flags)


def _message(buf: bytes, name: str) -> dict[str, Any]:
    present = _fields(buf)
    out: dict[str, Any] = {}
    for number, json_name, kind, flags in gotypes.fields(name):
        value = _field(kind, flags, present.get(number))
        if value is gotypes.MISSING:
            continue
        if "i" in flags:
            out.update(value or {})
        else:
            out[json_name] = value
    return out


def decode(body: bytes) -> dict[str, Any]:
    """The object a protobuf body holds, as the apiserver's JSON of it; ValueError for what cannot be read."""
    if not body.startswith(MAGIC):
        raise ValueError("not a Kubernetes protobuf body (no k8s\\0 prefix)")
    try:
        envelope = _fields(body[len(MAGIC):])
        type_meta = _fields(_bytes(_last(envelope, 1, b"")))
        api_version = _bytes(_last(type_meta, 1, b"")).decode()
        kind = _bytes(_last(type_meta, 2, b"")).decode()
        name = gotypes.message_of_kind(api_version, kind)
        if name is None:
            raise Unsupported(f"a {kind or 'body'} ({api_version or 'no apiVersion'}) in protobuf, a kind watchproxy "
                              "has no protobuf schema for: send it as JSON (Content-Type: application/json; in Go, "
                              'set rest.Config.ContentType = "application/json" before making the client or manager)')
        obj = _message(_bytes(_last(envelope, 2, b"")), name)
        return {"kind": kind, "apiVersion": api_version, **obj}
    except (UnicodeDecodeError, OverflowError, RecursionError, struct.error) as exc:
        raise ValueError(f"malformed protobuf body: {exc}") from None
