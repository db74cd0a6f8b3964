"""Kubernetes protobuf bodies of the few kinds clients write in protobuf before they can be told otherwise.

client-go's typed clients and controller-runtime's client write every built-in kind in protobuf unless their
rest.Config says otherwise, and a Go operator with leader election creates and renews its Lease so before
anything else: an emulated apiserver that cannot read it never lets the operator lead. Reading protobuf in
general needs every type's schema; the schemas here are those of the Lease and of the simplest kinds an
operator writes (ConfigMap, Secret), taken from k8s.io/api's and k8s.io/apimachinery's generated.proto
(field numbers, types). Anything else gets an Unsupported error that says how to send JSON instead.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Iterator
from typing import Any

MEDIA_TYPE = "application/vnd.kubernetes.protobuf"
MAGIC = b"k8s\x00"  # before every protobuf body: the runtime.Unknown envelope follows

# A schema maps field numbers to (JSON name, type). A type is a scalar's name, "map" (string to string),
# "bytesmap" (string to bytes, which JSON writes in base64), a nested schema, or a 1-tuple of either for a
# repeated field. gogo-protobuf writes a Go field that is not a pointer even when it is empty, where JSON's
# omitempty leaves it out: a name ending in 0 ("str0", "int0", "time0") is such a field, dropped when empty;
# the others are pointers (or required), written only when set.
Schema = dict[int, tuple[str, Any]]
_TYPE_META: Schema = {1: ("apiVersion", "str0"), 2: ("kind", "str0")}
_UNKNOWN: Schema = {1: ("typeMeta", _TYPE_META), 2: ("raw", "bytes"), 3: ("contentEncoding", "str0"),
                    4: ("contentType", "str0")}
_OWNER_REFERENCE: Schema = {5: ("apiVersion", "str"), 1: ("kind", "str"), 3: ("name", "str"), 4: ("uid", "str"),
                            6: ("controller", "bool"), 7: ("blockOwnerDeletion", "bool")}
_OBJECT_META: Schema = {
    1: ("name", "str0"), 2: ("generateName", "str0"), 3: ("namespace", "str0"), 4: ("selfLink", "str0"),
    5: ("uid", "str0"), 6: ("resourceVersion", "str0"), 7: ("generation", "int0"),
    8: ("creationTimestamp", "time0"), 9: ("deletionTimestamp", "time"), 10: ("deletionGracePeriodSeconds", "int"),
    11: ("labels", "map"), 12: ("annotations", "map"), 13: ("ownerReferences", (_OWNER_REFERENCE,)),
    14: ("finalizers", ("str",)), 17: ("managedFields", "skip"),
}
_LEASE_SPEC: Schema = {1: ("holderIdentity", "str"), 2: ("leaseDurationSeconds", "int"),
                       3: ("acquireTime", "microtime"), 4: ("renewTime", "microtime"), 5: ("leaseTransitions", "int"),
                       6: ("strategy", "str"), 7: ("preferredHolder", "str")}
KINDS: dict[tuple[str, str], Schema] = {
    ("coordination.k8s.io/v1", "Lease"): {1: ("metadata", _OBJECT_META), 2: ("spec", _LEASE_SPEC)},
    ("v1", "ConfigMap"): {1: ("metadata", _OBJECT_META), 4: ("immutable", "bool"), 2: ("data", "map"),
                          3: ("binaryData", "bytesmap")},
    ("v1", "Secret"): {1: ("metadata", _OBJECT_META), 5: ("immutable", "bool"), 2: ("data", "bytesmap"),
                       4: ("stringData", "map"), 3: ("type", "str0")},
}


class Unsupported(ValueError):
    """A protobuf body of a kind whose schema is not here."""


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


def _fields(buf: bytes) -> Iterator[tuple[int, int | bytes]]:
    """(field number, value) in order: an integer for varints and fixed widths, bytes for the rest."""
    i = 0
    while i < len(buf):
        key, i = _varint(buf, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = _varint(buf, i)
            yield number, value
        elif wire == 2:
            size, i = _varint(buf, i)
            if i + size > len(buf):
                raise ValueError("truncated protobuf")
            yield number, buf[i:i + size]
            i += size
        elif wire in (1, 5):
            width = 8 if wire == 1 else 4
            yield number, int.from_bytes(buf[i:i + width], "little")
            i += width
        else:
            raise ValueError(f"unsupported protobuf wire type {wire}")


def _bytes(value: int | bytes) -> bytes:
    if not isinstance(value, bytes):
        raise ValueError("malformed protobuf: a number where a message or string belongs")
    return value


def _int(value: int | bytes) -> int:
    if not isinstance(value, int):
        raise ValueError("malformed protobuf: a message or string where a number belongs")
    return value


def _time(value: bytes, micro: bool) -> str | None:
    """RFC 3339, as metav1.Time (seconds) and MicroTime (microseconds) marshal; None for the zero time."""
    parts = dict(_fields(value))
    seconds, nanos = _signed(_int(parts.get(1, 0))), _int(parts.get(2, 0))
    if not seconds and not nanos:
        return None
    at = dt.datetime.fromtimestamp(seconds, dt.UTC)
    return at.strftime("%Y-%m-%dT%H:%M:%S") + (f".{nanos // 1000:06d}Z" if micro else "Z")


def _signed(v: int) -> int:
    return v - (1 << 64) if v >= 1 << 63 else v


def _scalar(kind: str, value: int | bytes) -> Any:
    base = kind.removesuffix("0")
    if base == "str":
        return _bytes(value).decode()
    if base == "int":
        return _signed(_int(value))
    if base == "bool":
        return bool(_int(value))
    if base in ("time", "microtime"):
        return _time(_bytes(value), base == "microtime")
    return value


def _message(buf: bytes, schema: Schema) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for number, value in _fields(buf):
        if number not in schema:
            continue  # a field newer than these schemas: left out, as an older apiserver drops it
        name, kind = schema[number]
        repeated = isinstance(kind, tuple)
        item_kind = kind[0] if repeated else kind
        if item_kind == "skip":
            continue
        if item_kind in ("map", "bytesmap"):
            entry = dict(_fields(_bytes(value)))
            val = _bytes(entry.get(2, b""))
            out.setdefault(name, {})[_bytes(entry.get(1, b"")).decode()] = \
                base64.b64encode(val).decode() if item_kind == "bytesmap" else val.decode()
            continue
        if isinstance(item_kind, dict):
            item: Any = _message(_bytes(value), item_kind)
        else:
            item = _scalar(item_kind, value)
            if item is None or (item_kind.endswith("0") and not item):
                continue  # empty: what JSON's omitempty leaves out
        if repeated:
            out.setdefault(name, []).append(item)
        else:
            out[name] = item
    return out


def decode(body: bytes) -> dict[str, Any]:
    """The object a protobuf body holds, as its JSON would be; ValueError for what cannot be read here."""
    if not body.startswith(MAGIC):
        raise ValueError("not a Kubernetes protobuf body (no k8s\\0 prefix)")
    try:
        envelope = _message(body[len(MAGIC):], _UNKNOWN)
        type_meta = envelope.get("typeMeta") or {}
        api_version, kind = type_meta.get("apiVersion", ""), type_meta.get("kind", "")
        schema = KINDS.get((api_version, kind))
        if schema is None:
            readable = ", ".join(k for _, k in KINDS)
            raise Unsupported(f"a {kind or 'body'} ({api_version or 'no apiVersion'}) in protobuf, which watchproxy "
                              f"reads only for {readable}: send it as JSON (Content-Type: application/json; in Go, "
                              'set rest.Config.ContentType = "application/json" before making the client or manager)')
        return {"kind": kind, "apiVersion": api_version, **_message(_bytes(envelope.get("raw", b"")), schema)}
    except (UnicodeDecodeError, OverflowError, OSError) as exc:
        raise ValueError(f"malformed protobuf body: {exc}") from None
