"""Kubernetes protobuf bodies, read as the JSON the real apiserver would make of them, and written as it
writes them for a client that asked for protobuf.

client-go's typed clients and controller-runtime's client write every built-in kind in protobuf unless their
rest.Config says otherwise: a Go operator's creates, updates, deletes (DeleteOptions) and leader-election
Lease all arrive so. An emulated apiserver that cannot read them cannot host the operator.

The schemas are the Go types' (gotypes.py): per struct field its protobuf number, JSON name, type and the
JSON options (omitempty, omitzero, inline) that decide what Go's encoding/json writes. Decoding follows
what the apiserver does: unmarshal into the Go struct, then marshal it as JSON. So a field gogo-protobuf
wrote empty and JSON omits is omitted, a nil slice without omitempty is null, and the keys come out in the
Go struct's order. The differential test compares this with the real Go round trip of random objects.

Encoding is the other way: the JSON read into the Go struct, then gogo's generated Marshal, which writes the
fields in number order and every field that is not a pointer, slice, map or []byte even when it is zero
(an empty name, a zero creationTimestamp as an empty message). client-go 0.37 asks for protobuf first for
every built-in kind, so a replay answers in it what the real apiserver answers in it; the differential test
compares the bytes with Go's for random objects of every kind and with the real apiserver's answers.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import json
import struct
from collections.abc import Callable
from typing import Any

from . import gotypes
from .jsonenc import go_json

MEDIA_TYPE = "application/vnd.kubernetes.protobuf"
MAGIC = b"k8s\x00"  # before every protobuf body: the runtime.Unknown envelope follows



class Unsupported(ValueError):
    """A protobuf body of a kind with no schema here (a custom resource: those are never protobuf)."""


class DecodeError(ValueError):
    """A body the apiserver's protobuf serializer cannot read, in its words (gogo-protobuf's generated Unmarshal:
    `unexpected EOF`, `proto: wrong wireType = 0 for field ObjectMeta`). `envelope`: the apiVersion and kind its
    envelope named, where the error is in the object after it (the handler's message then names them)."""

    def __init__(self, error: str, envelope: tuple[str, str] | None = None) -> None:
        super().__init__(error)
        self.envelope = envelope


_EOF = "unexpected EOF"  # (io.ErrUnexpectedEOF)
_NEGATIVE = "proto: negative length found during unmarshaling"  # (ErrInvalidLengthGenerated)
_U64 = (1 << 64) - 1


def _varint(buf: bytes, i: int) -> tuple[int, int]:
    if i < len(buf) and buf[i] < 0x80:  # (most are one byte)
        return buf[i], i + 1
    value = shift = 0
    while True:
        if shift >= 64:
            raise DecodeError("proto: integer overflow")
        if i >= len(buf):
            raise DecodeError(_EOF)
        b = buf[i]
        i += 1
        value |= (b & 0x7F) << shift
        if not b & 0x80:
            return value & _U64, i
        shift += 7


# the runtime.Unknown envelope's fields and TypeMeta's, as gogo's errors name them (Unknown is no kind's message)
_ENVELOPE = "runtime.Unknown"
_TYPE_META = "runtime.TypeMeta"
_SCALAR_WIRES = {"int": 0, "uint": 0, "bool": 0, "double": 1, "float": 5}


def _wire_of(kind: Any) -> int:
    """The wire type gogo writes a (single) value of a field's type with: a varint, a fixed width, or delimited."""
    return _SCALAR_WIRES.get(kind, 2) if isinstance(kind, str) else 2


@functools.cache
def _wires(message: str) -> dict[int, tuple[tuple[int, ...], str, str]]:
    """Per field number, the wire types gogo's Unmarshal of `message` takes for it, its Go name, and the message
    it holds (gogo unmarshals one as it meets it), if any."""
    if message == _ENVELOPE:
        return {1: ((2,), "TypeMeta", _TYPE_META), 2: ((2,), "Raw", ""), 3: ((2,), "ContentEncoding", ""),
                4: ((2,), "ContentType", "")}
    if message == _TYPE_META:
        return {1: ((2,), "APIVersion", ""), 2: ((2,), "Kind", "")}
    if message in _SPECIAL_FIELDS:
        return _SPECIAL_FIELDS[message]
    out: dict[int, tuple[tuple[int, ...], str, str]] = {}
    for number, json_name, kind, flags in gotypes.fields(message):
        if number:
            wire = _wire_of(kind)
            inner = "" if not isinstance(kind, str) else kind[1:] if kind.startswith(".") else \
                _SPECIAL_MESSAGES.get(kind, "")
            out[number] = ((wire, 2) if "r" in flags and wire != 2 else (wire,),
                           gotypes.go_name(message, number, json_name), inner)
    return out


# the types whose protobuf message and JSON differ, as their Unmarshal reads them (and its errors name them)
_SPECIAL_MESSAGES = {"time": "meta.Timestamp", "microtime": "meta.Timestamp", "duration": "meta.Duration",
                     "quantity": "resource.Quantity", "intorstr": "intstr.IntOrString", "raw": "runtime.RawExtension"}
_SPECIAL_FIELDS: dict[str, dict[int, tuple[tuple[int, ...], str, str]]] = {
    "meta.Timestamp": {1: ((0,), "Seconds", ""), 2: ((0,), "Nanos", "")},
    "meta.Duration": {1: ((0,), "Duration", "")},
    "resource.Quantity": {1: ((2,), "String_", "")},
    "intstr.IntOrString": {1: ((0,), "Type", ""), 2: ((0,), "IntVal", ""), 3: ((2,), "StrVal", "")},
    "runtime.RawExtension": {1: ((2,), "Raw", "")},
}


def _fields(buf: bytes, message: str = "", nested: bool = False) -> dict[int, list[int | bytes]]:
    """Every field's values in order: an integer for varints and fixed widths, bytes for the rest. Where
    `message` names the Go type, what its generated Unmarshal refuses is a DecodeError in its words, and the
    fields it does not know are skipped as it skips them (a map entry and the special types skip any).
    `nested`: each message field is read as it comes, as gogo does, so that of several faults the first it
    meets is the one raised (decode reads the body again so once it has failed)."""
    wires = _wires(message) if message else {}
    out: dict[int, list[int | bytes]] = {}
    i = 0
    while i < len(buf):
        start = i
        key, i = _varint(buf, i)
        number, wire = key >> 3, key & 7
        known = None
        if message:
            if wire == 4:
                raise DecodeError(f"proto: {_short(message)}: wiretype end group for non-group")
            if not 0 < number < 0x80000000:  # (Go's int32 of it)
                number = (number & 0xFFFFFFFF) - (1 << 32 if number & 0x80000000 else 0)
                if number <= 0:
                    raise DecodeError(f"proto: {_short(message)}: illegal tag {number} (wire type {key})")
            known = wires.get(number)
            if known is None:
                i = _skipped(buf, start)
                continue
            if wire not in known[0]:
                raise DecodeError(f"proto: wrong wireType = {wire} for field {known[1]}")
        value: int | bytes
        if wire == 2 and i < len(buf) and buf[i] < 0x80:  # (the most common: a short length, read here)
            end = i + 1 + buf[i]
            if end > len(buf):
                raise DecodeError(_EOF)
            value, i = buf[i + 1:end], end
        elif wire in (0, 1, 2, 5):
            value, i = _read(buf, i, wire)
        else:
            i = _skipped(buf, start)
            continue
        if nested and known is not None and known[2]:
            _fields(_bytes(value), known[2], True)
        out.setdefault(number, []).append(value)
    return out


def _read(buf: bytes, i: int, wire: int) -> tuple[int | bytes, int]:
    """The value of wire type `wire` (0, 1, 2 or 5) at `i`, and where it ends; DecodeError in gogo's words."""
    if wire == 0:
        return _varint(buf, i)
    if wire == 2:
        start, end = _length(buf, i)
        if end > len(buf):
            raise DecodeError(_EOF)
        return buf[start:end], end
    end = i + (8 if wire == 1 else 4)
    if end > len(buf):
        raise DecodeError(_EOF)
    return int.from_bytes(buf[i:end], "little"), end


def _length(buf: bytes, i: int) -> tuple[int, int]:
    """Where the length-delimited value at `i` starts and ends; DecodeError where Go's int of it is negative."""
    size, i = _varint(buf, i)
    if size >> 63 or (i + size) >> 63:
        raise DecodeError(_NEGATIVE)
    return i, i + size


def _entry(buf: bytes, key_kind: Any, value_kind: Any) -> tuple[int | bytes | None, int | bytes | None]:
    """A map entry's key and value (None where it has none) as gogo's generated code reads them: by field number
    alone, whatever the wire type says; a field of another number skipped."""
    sent: list[int | bytes | None] = [None, None]
    i = 0
    while i < len(buf):
        start = i
        key, i = _varint(buf, i)
        number = key >> 3
        if number not in (1, 2):
            i = _skipped(buf, start)
            continue
        kind = key_kind if number == 1 else value_kind
        sent[number - 1], i = _read(buf, i, _wire_of(kind))
    return sent[0], sent[1]


def _short(message: str) -> str:
    """The Go type's name without its package, as gogo's errors name it."""
    return message.rsplit(".", 1)[-1]


def _skipped(buf: bytes, i: int) -> int:
    """Where the unknown field at `i` ends (skipGenerated: a group to its end), or its DecodeError."""
    depth, end = 0, len(buf)
    while i < end:
        key, i = _varint(buf, i)
        wire = key & 7
        if wire == 0:
            _, i = _varint(buf, i)
        elif wire == 2:
            _, i = _length(buf, i)
        elif wire in (1, 5):
            i += 8 if wire == 1 else 4
        elif wire == 3:
            depth += 1
        elif wire == 4:
            if not depth:
                raise DecodeError("proto: unexpected end of group")
            depth -= 1
        else:
            raise DecodeError(f"proto: illegal wireType {wire}")
        if not depth:
            if i > end:
                raise DecodeError(_EOF)
            return i
    raise DecodeError(_EOF)


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
    f = _fields(buf, "meta.Timestamp")
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
    f = _fields(buf, "runtime.RawExtension")
    if 1 not in f:
        return None
    try:
        return json.loads(_bytes(f[1][-1]))
    except (ValueError, UnicodeDecodeError):
        raise ValueError("malformed protobuf: an embedded object that is not JSON") from None


def _int_or_string(buf: bytes) -> int | str:
    f = _fields(buf, "intstr.IntOrString")
    if _int(_last(f, 1, 0)) == 1:
        return _bytes(_last(f, 3, b"")).decode("utf-8", "replace")
    return _signed(_int(_last(f, 2, 0)))


_SPECIAL: dict[str, Callable[[bytes], Any]] = {
    "time": lambda b: _time(b, False),
    "microtime": lambda b: _time(b, True),
    "duration": lambda b: _go_duration(_signed(_int(_last(_fields(b, "meta.Duration"), 1, 0)))),
    "quantity": lambda b: _quantity(_fields(b, "resource.Quantity")),
    "intorstr": _int_or_string,
    "raw": _raw,
}


def _quantity(fields: dict[int, list[int | bytes]]) -> str:
    """A Quantity's text: none is zero; one sent, even empty, is what ParseQuantity judges (as JSON's is)."""
    return _bytes(fields[1][-1]).decode("utf-8", "replace") if 1 in fields else "0"


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
            key_sent, value_sent = _entry(_bytes(v), kind[1], kind[2])
            key = _value(kind[1], key_sent if key_sent is not None else b"" if kind[1] == "string" else 0)
            entries[str(key)] = _value(kind[2], value_sent) if value_sent is not None else \
                gotypes.ZERO[kind[2]] if kind[2] in gotypes.ZERO else _value(kind[2], b"")
        return gotypes.emitted({k: entries[k] for k in sorted(entries)}, kind, flags)  # Go sorts a map's keys
    if "r" in flags:
        items = [_value(kind, v) for v in _unpacked(kind, values)]
        return gotypes.emitted(items, kind, flags) if items else gotypes.zero(kind, flags)
    return gotypes.emitted(_value(kind, values[-1]), kind, flags)


def _message(buf: bytes, name: str) -> dict[str, Any]:
    present = _fields(buf, name)
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


def envelope(body: bytes) -> tuple[str, str, bytes]:
    """The apiVersion and kind a protobuf body's envelope names, and the object's bytes; DecodeError in the
    serializer's words where there is no envelope to read."""
    if not body:
        raise DecodeError("empty data")
    if not body.startswith(MAGIC):
        raise DecodeError("provided data does not appear to be a protobuf message, expected prefix "
                          f"[{' '.join(str(b) for b in MAGIC)}]")
    if len(body) == len(MAGIC):
        raise DecodeError("empty body")
    unknown = _fields(body[len(MAGIC):], _ENVELOPE, nested=True)
    type_meta = _fields(_bytes(_last(unknown, 1, b"")), _TYPE_META)
    # (as Go holds them: bytes that are no UTF-8 kept, for a message that quotes them)
    api_version, kind = (_bytes(_last(type_meta, n, b"")).decode("utf-8", "surrogateescape") for n in (1, 2))
    return api_version, kind, _bytes(_last(unknown, 2, b""))


def defaulted_version(named: str, default: str) -> str:
    """The apiVersion the serializer decodes a body as (copyKindDefaults): the one its envelope names, or the
    default where ParseGroupVersion finds no version in it (none, `apps/`, `a/b/c`)."""
    parts = named.split("/")
    return named if len(parts) <= 2 and parts[-1] else default


def decode(body: bytes, api_version: str = "", kind: str = "") -> dict[str, Any]:
    """The object a protobuf body holds, as the apiserver's JSON of it (`api_version` and `kind` where its
    envelope names none); ValueError for what cannot be read (DecodeError in the serializer's words)."""
    named_version, named_kind, raw = envelope(body)
    return decode_object(raw, defaulted_version(named_version, api_version), named_kind or kind)


def decode_object(raw: bytes, api_version: str, kind: str) -> dict[str, Any]:
    """The object after an envelope (`raw`) that named, or defaulted to, `api_version` and `kind`, as the
    apiserver's JSON of it; Unsupported for a kind with no schema here, DecodeError in gogo's words."""
    name = gotypes.message_of_kind(api_version, kind)
    if name is None:
        kind, api_version = (t.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
                             for t in (kind, api_version))
        raise Unsupported(f"a {kind or 'body'} ({api_version or 'no apiVersion'}) in protobuf, a kind watchproxy "
                          "has no protobuf schema for: send it as JSON (Content-Type: application/json; in Go, "
                          'set rest.Config.ContentType = "application/json" before making the client or manager)')
    try:
        try:
            obj = _message(raw, name)
        except DecodeError:  # (read as gogo reads it, for the fault it meets first)
            _fields(raw, name, nested=True)
            raise
    except DecodeError as exc:
        raise DecodeError(str(exc), (api_version, kind)) from None
    except (UnicodeDecodeError, OverflowError, RecursionError, struct.error) as exc:
        raise ValueError(f"malformed protobuf body: {exc}") from None
    return {"kind": kind, "apiVersion": api_version, **obj}


def watch_frame_type(frame: bytes) -> str | None:
    """The event type of a protobuf watch frame, read without decoding its object (it is the message's first
    field); None if the bytes are not one whole frame."""
    if len(frame) < 7 or int.from_bytes(frame[:4], "big") != len(frame) - 4 or frame[4] != 0x0A:
        return None
    size = frame[5]
    typ = frame[6:6 + size]
    return typ.decode("ascii", "replace") if size < 0x80 and len(typ) == size and typ.isupper() else None


def decode_watch_frame(frame: bytes) -> dict[str, Any]:
    """One frame of a protobuf watch stream (its 4-byte length, then metav1.WatchEvent) as the JSON event
    the apiserver would have written; ValueError for what cannot be read."""
    if len(frame) < 4 or int.from_bytes(frame[:4], "big") != len(frame) - 4:
        raise ValueError("not a whole protobuf watch frame")
    try:
        event = _fields(frame[4:])
        typ = _bytes(_last(event, 1, b"")).decode()
        raw = _bytes(_last(_fields(_bytes(_last(event, 2, b""))), 1, b""))
    except UnicodeDecodeError as exc:
        raise ValueError(f"malformed protobuf watch event: {exc}") from None
    return {"type": typ, "object": decode(raw)}


# --- writing --------------------------------------------------------------------------------------------

_MASK64 = (1 << 64) - 1
UNKNOWN_TAIL = b"\x1a\x00\x22\x00"  # runtime.Unknown's contentEncoding and contentType, always written empty


class Unencodable(ValueError):
    """A JSON value that does not fit its Go type (a foreign recording's object): the answer stays JSON."""


def _uvarint(n: int) -> bytes:
    if n < 0x80:
        return bytes((n,))
    out = bytearray()
    while n >= 0x80:
        out.append(n & 0x7F | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


@functools.cache
def _tag(number: int, wire: int) -> bytes:
    return _uvarint(number << 3 | wire)


def _delimited(number: int, payload: bytes) -> bytes:
    return _tag(number, 2) + _uvarint(len(payload)) + payload


def _seconds(text: Any, micro: bool) -> bytes:
    """A Timestamp: whole seconds, and for a MicroTime its microseconds as nanoseconds."""
    if not isinstance(text, str):
        raise Unencodable(f"a time that is not a string: {text!r}")
    try:
        at = dt.datetime.fromisoformat(text)
    except ValueError:
        raise Unencodable(f"a time Go would not have written: {text!r}") from None
    if at.tzinfo is None:
        raise Unencodable(f"a time without its zone: {text!r}")
    delta = at - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    seconds = delta.days * 86400 + delta.seconds
    nanos = delta.microseconds * 1000 if micro else 0
    return b"\x08" + _uvarint(seconds & _MASK64) + b"\x10" + _uvarint(nanos)


_UNITS = {"ns": 1, "us": 1_000, "µs": 1_000, "μs": 1_000, "ms": 1_000_000, "s": 1_000_000_000,
          "m": 60_000_000_000, "h": 3_600_000_000_000}


def _duration_ns(text: Any) -> int:
    """time.ParseDuration of what metav1.Duration writes (String()): "1h2m3.5s", "300ms", "0s"."""
    if not isinstance(text, str) or not text:
        raise Unencodable(f"a duration that is not Go's: {text!r}")
    sign, rest = (-1, text[1:]) if text[0] == "-" else (1, text.lstrip("+"))
    if rest == "0":
        return 0
    total, i = 0, 0
    while i < len(rest):
        j = i
        while j < len(rest) and (rest[j].isdigit() or rest[j] == "."):
            j += 1
        k = j
        while k < len(rest) and not (rest[k].isdigit() or rest[k] == "."):
            k += 1
        number, unit = rest[i:j], rest[j:k]
        if not number or unit not in _UNITS:
            raise Unencodable(f"a duration that is not Go's: {text!r}")
        whole, _, frac = number.partition(".")
        total += int(whole or "0") * _UNITS[unit] + (int(frac) * _UNITS[unit] // 10 ** len(frac) if frac else 0)
        i = k
    return sign * total


def _int_value(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) \
            or (isinstance(value, float) and not value.is_integer()):
        raise Unencodable(f"not an integer: {value!r}")
    return int(value) & _MASK64


def _text(value: Any) -> bytes:
    if not isinstance(value, str):
        raise Unencodable(f"not a string: {value!r}")
    return value.encode("utf-8", "replace")


def _payload(kind: Any, value: Any) -> tuple[int, bytes]:
    """One non-null value of a field's type: its wire type and its bytes (without the tag)."""
    if isinstance(kind, tuple):  # ("list", item): gogo's message of one repeated field
        if not isinstance(value, list):
            raise Unencodable(f"not a list: {value!r}")
        return 2, _uvarint_len(b"".join(_field_bytes(1, kind[1], v) for v in value))
    if kind.startswith("."):
        if not isinstance(value, dict):
            raise Unencodable(f"not an object: {value!r}")
        return 2, _uvarint_len(encode_message(value, kind[1:]))
    if kind == "string":
        return 2, _uvarint_len(_text(value))
    if kind in ("int", "uint"):
        return 0, _uvarint(_int_value(value))
    if kind == "bool":
        if not isinstance(value, bool):
            raise Unencodable(f"not a boolean: {value!r}")
        return 0, b"\x01" if value else b"\x00"
    if kind == "double" or kind == "float":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise Unencodable(f"not a number: {value!r}")
        return (1, struct.pack("<d", value)) if kind == "double" else (5, struct.pack("<f", value))
    if kind == "bytes":
        try:
            return 2, _uvarint_len(base64.b64decode(_text(value), validate=True))
        except ValueError:
            raise Unencodable(f"not base64: {value!r}") from None
    if kind in ("time", "microtime"):
        return 2, _uvarint_len(_seconds(value, kind == "microtime"))
    if kind == "duration":
        return 2, _uvarint_len(b"\x08" + _uvarint(_duration_ns(value) & _MASK64))
    if kind == "quantity":
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise Unencodable(f"not a quantity: {value!r}")
        return 2, _uvarint_len(_delimited(1, str(value).encode()))
    if kind == "intorstr":
        if isinstance(value, str):
            return 2, _uvarint_len(b"\x08\x01\x10\x00" + _delimited(3, value.encode("utf-8", "replace")))
        return 2, _uvarint_len(b"\x08\x00\x10" + _uvarint(_int_value(value)) + b"\x1a\x00")
    if kind == "raw":
        return 2, _uvarint_len(_delimited(1, go_json(value)))
    raise Unencodable(f"no protobuf encoding for {kind}")


def _uvarint_len(payload: bytes) -> bytes:
    return _uvarint(len(payload)) + payload


def _field_bytes(number: int, kind: Any, value: Any) -> bytes:
    wire, payload = _payload(kind, value)
    return _tag(number, wire) + payload


@functools.cache
def _zero_field(number: int, kind: Any, flags: str) -> bytes:
    """What Go writes for a field left at its zero value: nothing for a nil pointer, slice, map or []byte;
    a scalar's zero; a struct's zero, every one of its own fields written."""
    if "p" in flags or "r" in flags or isinstance(kind, tuple) or kind == "bytes":
        return b""
    if kind.startswith("."):
        return _delimited(number, _zero_message(kind[1:]))
    if kind in ("time", "microtime", "raw"):
        return _tag(number, 2) + b"\x00"  # Go's zero time, a RawExtension with no bytes: an empty message
    zero = {"quantity": "0", "intorstr": 0, "duration": "0s"}.get(kind, gotypes.ZERO.get(kind))
    return _field_bytes(number, kind, zero)


@functools.cache
def _zero_message(name: str) -> bytes:
    return encode_message({}, name)


Numbered = tuple[int, str, Any, str, bytes]


@functools.cache
def _numbered(name: str) -> tuple[Numbered, ...]:
    """A message's fields in number order (gogo's), without TypeMeta's (number 0: the envelope holds it),
    each with its length-delimited tag."""
    return tuple(sorted(((n, j, _hashable(k), f, _tag(n, 2))
                         for n, j, k, f in gotypes.fields(name) if n), key=lambda f: f[0]))


def encode_message(obj: dict[str, Any], name: str) -> bytes:
    """The message `name` of an object as the apiserver's JSON holds it (Go's struct read from that JSON)."""
    out = bytearray()
    for field in _numbered(name):
        number, json_name, kind, flags, _ = field
        if "i" in flags:  # an embedded struct: its fields are the parent's JSON keys
            out += _delimited(number, encode_message(obj, kind[1:]))
        elif (value := obj.get(json_name)) is None:
            out += _zero_field(number, kind, flags)
        else:
            _write(out, field, value)
    return bytes(out)


def _write(out: bytearray, field: Numbered, value: Any) -> None:
    """One field holding a value (not null)."""
    number, json_name, kind, flags, tag = field
    if kind == "string" and "r" not in flags:  # (the common cases first, inline)
        if not isinstance(value, str):
            raise Unencodable(f"{json_name}: not a string: {value!r}")
        data = value.encode("utf-8", "replace")
        out += tag + _uvarint(len(data)) + data
    elif kind[0] == "." and "r" not in flags:
        if not isinstance(value, dict):
            raise Unencodable(f"{json_name}: not an object: {value!r}")
        data = encode_message(value, kind[1:])
        out += tag + _uvarint(len(data)) + data
    elif "r" in flags:
        if not isinstance(value, list):
            raise Unencodable(f"{json_name}: not a list")
        for item in value:
            out += _zero_field(number, kind, flags.replace("r", "")) if item is None \
                else _field_bytes(number, kind, item)
    elif isinstance(kind, tuple) and kind[0] == "map":
        if not isinstance(value, dict):
            raise Unencodable(f"{json_name}: not an object")
        for key in sorted(value):  # gogo sorts a map's keys
            v = value[key]
            entry = _field_bytes(1, kind[1], key if kind[1] == "string" else _map_key(key))
            if v is not None:
                entry += _field_bytes(2, kind[2], v)
            elif kind[2] != "bytes":
                entry += _zero_field(2, kind[2], "")
            out += _delimited(number, entry)
    else:
        out += _field_bytes(number, kind, value)


def _map_key(key: str) -> int:
    try:
        return int(key)
    except ValueError:
        raise Unencodable(f"a map key that is not a number: {key!r}") from None


def _hashable(kind: Any) -> Any:
    """A schema's type with its lists as tuples, to be a cache key."""
    return tuple(_hashable(k) for k in kind) if isinstance(kind, list) else kind


def encodable(obj: Any) -> str | None:
    """The message of an object's kind, if it has a protobuf form (built-in kinds, Status, discovery)."""
    if not isinstance(obj, dict):
        return None
    api_version, kind = obj.get("apiVersion", ""), obj.get("kind", "")
    if not isinstance(api_version, str) or not isinstance(kind, str):
        return None
    return gotypes.message_of_kind(api_version, kind)


def encode(obj: Any) -> bytes:
    """A protobuf body: the k8s magic, then runtime.Unknown holding the type and the message. Unsupported
    for a kind without a protobuf form, Unencodable for a value that does not fit its Go type."""
    name = encodable(obj)
    if name is None:
        what = f"{obj.get('kind')!r} ({obj.get('apiVersion')!r})" if isinstance(obj, dict) else "a body not an object"
        raise Unsupported(f"no protobuf form for {what}")
    type_meta = _delimited(1, _text(obj.get("apiVersion", ""))) + _delimited(2, _text(obj.get("kind", "")))
    try:
        message = encode_message(obj, name)
    except (OverflowError, struct.error, TypeError) as exc:  # a number out of its type's range, a key not a string
        raise Unencodable(str(exc)) from None
    return MAGIC + _delimited(1, type_meta) + _delimited(2, message) + UNKNOWN_TAIL


def watch_frame(event: Any) -> bytes:
    """One watch event as the protobuf stream carries it: a 4-byte length, then metav1.WatchEvent (its
    type, and the object's whole protobuf body as a RawExtension)."""
    obj = event.get("object") if isinstance(event, dict) else None
    if not isinstance(obj, dict):
        raise Unencodable("a watch event without an object")
    message = _delimited(1, _text(event.get("type", ""))) + _delimited(2, _delimited(1, encode(obj)))
    return len(message).to_bytes(4, "big") + message
