"""The one encoder: watch events, bookmarks, the 410 event, list bodies and Tables as bytes, exactly as
the apiserver encodes them (compact JSON). Emulate, synth and faults all write through it."""

from __future__ import annotations

import base64
import copy
import datetime as dt
import posixpath
import re
from typing import Any

from ..wire import gotypes
from ..wire import table as tables
from ..wire.conversion import TEMPLATE_GENERATION
from ..wire.conversion import as_metadata as as_metadata  # (its home; encode's callers name it here)
from ..wire.gostrings import quote
from ..wire.jsonenc import go_json
from ..wire.status import status
from . import autoscalingv1, crds, crdtypes, eventapi, gojson
from .changes import Change
from .decoding import json_word
from .history import ResourceTimeline

INITIAL_EVENTS_END = "k8s.io/initial-events-end"


def dumps(obj: Any) -> bytes:
    return go_json(obj)


def event_line(typ: str, raw_object: bytes) -> bytes:
    """One watch event as the apiserver frames JSON: compact, then exactly one newline."""
    return b'{"type":"' + typ.encode() + b'","object":' + raw_object + b"}\n"


# The internal types of the scalable kinds hold replicas as a number, not a pointer: converted to v1, even an
# empty object has `replicas: 0`.
_REPLICAS_0 = frozenset({"Deployment", "ReplicaSet", "StatefulSet"})


# the zero objects of the kinds client-go's types do not hold
_ZERO_ELSEWHERE: dict[tuple[str, str], dict[str, Any]] = {
    (crdtypes.API_VERSION, crdtypes.KIND): crds.ZERO,
    ("apiregistration.k8s.io/v1", "APIService"): {"spec": {"groupPriorityMinimum": 0, "versionPriority": 0},
                                                  "status": {}}}


def zero_elsewhere(kind: str, api_version: str) -> dict[str, Any] | None:
    """The zero object of a kind client-go's types do not hold (a definition, an APIService); None for another."""
    zero = _ZERO_ELSEWHERE.get((api_version, kind))
    return copy.deepcopy(zero) if zero is not None else None


def _empty(kind: str, api_version: str) -> dict[str, Any]:
    """What an empty object of a kind encodes to, as bookmarks carry it: Go's JSON of the zero v1 struct
    (wire/gotypes.py), word for word what a v1.37 apiserver sends (tests/test_bookmarks_realkube.py checks
    every built-in kind). Since 1.34 metadata has no `creationTimestamp: null`."""
    message = gotypes.message_of_kind(api_version, kind)
    if message is None:  # a kind of the apiextensions-apiserver or the aggregator, which client-go does not hold
        return zero_elsewhere(kind, api_version) or {}
    out = gotypes.zero_message(message)
    out.pop("metadata", None)
    if kind in _REPLICAS_0 and isinstance(out.get("spec"), dict):
        out["spec"] = {"replicas": 0, **out["spec"]}
    return out


# Annotations the apiserver's defaulting gives even an empty object of the kind (and so its bookmarks)
_ANNOTATIONS: dict[str, dict[str, str]] = {"DaemonSet": {TEMPLATE_GENERATION: "0"}}


def bookmark(kind: str, api_version: str, rv: int, initial_events_end: bool = False) -> dict[str, Any]:
    """An empty object of the watched kind carrying only the resourceVersion (and the end annotation)."""
    meta: dict[str, Any] = {"resourceVersion": str(rv)}
    annotations = dict(_ANNOTATIONS.get(kind, {}))
    if initial_events_end:
        annotations[INITIAL_EVENTS_END] = "true"
    if annotations:
        meta["annotations"] = dict(sorted(annotations.items()))  # Go writes a map's keys in order
    obj: dict[str, Any] = {"kind": kind, "apiVersion": api_version, "metadata": meta}
    obj.update(_empty(kind, api_version))
    return obj


def metadata_list(objects: list[dict[str, Any]], metadata: dict[str, Any], version: str) -> dict[str, Any]:
    """A metadata client's list: PartialObjectMetadataList, each item as_metadata's; an empty one's items are
    null (the handler's conversion leaves Go's slice nil)."""
    return {"kind": "PartialObjectMetadataList", "apiVersion": f"meta.k8s.io/{version}", "metadata": metadata,
            "items": [as_metadata(o, version) for o in objects] or None}


def not_found(group: str, resource: str, name: str) -> dict[str, Any]:
    """The 404 `Status` for an object that is not there (a get, an update, a patch or a delete of it)."""
    qualified = f"{resource}.{group}" if group else resource
    return status(404, f'{qualified} {quote(name)} not found', details={"name": name, "group": group, "kind": resource})


def too_large(rv: int, current: int, retry: bool) -> dict[str, Any]:
    """The 504 for a read at a resourceVersion not reached (storage.NewTooLargeResourceVersionError): the
    watch cache's asks for a retry in a second, etcd's does not."""
    cause = {"reason": "ResourceVersionTooLarge", "message": "Too large resource version"}
    details: dict[str, Any] = {"causes": [cause]}
    if retry:
        details["retryAfterSeconds"] = 1
    return status(504, f"Timeout: Too large resource version: {rv}, current: {current}", "Timeout", details)


def error_line(obj: dict[str, Any]) -> bytes:
    """An ERROR event: a `Status` in the 200 stream (never turned into a Table)."""
    return event_line("ERROR", dumps(obj))


def expired_message(requested_rv: int, oldest_rv: int) -> str:
    return f"too old resource version: {requested_rv} ({oldest_rv})"


def expired_line(message: str) -> bytes:
    """The single ERROR 410 `Expired` event a too-old watch gets; a clean end follows."""
    return error_line(status(410, message, "Expired"))


def printed(obj: dict[str, Any]) -> dict[str, Any]:
    """What the Table printers read, whose metadata the rows carry: the internal object, so every version
    prints alike (an autoscaling/v1 HorizontalPodAutoscaler as v2 does, without the annotations v1 adds; an
    events.k8s.io Event as core/v1 does, its metadata the same)."""
    if obj.get("apiVersion") == eventapi.EVENTS_API:
        return {**eventapi.as_core(obj), "metadata": obj.get("metadata")}
    return autoscalingv1.printed(obj)


def object_table(tl: ResourceTimeline, obj: dict[str, Any], rv: int, now: dt.datetime, first: bool,
                 columns: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """One watched object as a Table watch sends it (column definitions with the first event only)."""
    return tables.table(tl.resource, [printed(obj)], now, with_columns=first, resource_version=str(rv),
                        learned=columns, as_list=False)


_TYPE_META = re.compile(rb'^\{"kind":"[^"\\]*","apiVersion":"[^"\\]*",')


def list_item(ch: Change) -> bytes:
    """A list item: the object without kind and apiVersion (the apiserver leaves them to the list)."""
    m = _TYPE_META.match(ch.raw)
    if m is not None:
        return b"{" + ch.raw[m.end():]
    return dumps({k: v for k, v in ch.obj.items() if k not in ("kind", "apiVersion")})


def continue_token(rv: int, start_key: str) -> str:
    """The apiserver's continue token: base64 of {"v":"meta.k8s.io/v1","rv":N,"start":KEY}."""
    doc = dumps({"v": "meta.k8s.io/v1", "rv": rv, "start": start_key})
    return base64.urlsafe_b64encode(doc).decode().rstrip("=")


def parse_continue(token: str) -> tuple[int, str]:
    """The resourceVersion and start key of a continue token (storage.DecodeContinue); ValueError in its
    words (`continue key is not valid: illegal base64 data at input byte 4`)."""
    invalid = "continue key is not valid"
    try:
        data = _raw_url_base64(token)
        doc = gojson.loads(data).value
    except ValueError as exc:
        raise ValueError(f"{invalid}: {exc}") from None
    if not isinstance(doc, dict):
        if doc is None:
            doc = {}
        else:
            raise ValueError(f"{invalid}: json: cannot unmarshal {json_word(doc)} into Go value of type "
                             "storage.continueToken")
    for key, go in (("v", "string"), ("rv", "int64"), ("start", "string")):
        value = doc.get(key)
        fits = value is None or (isinstance(value, str) if go == "string" else
                                 isinstance(value, int) and not isinstance(value, bool) and -1 << 63 <= value < 1 << 63)
        if not fits:
            number = f" {gojson.literal(value)}" if isinstance(value, int | float) and not isinstance(value, bool) \
                else ""
            raise ValueError(f"{invalid}: json: cannot unmarshal {json_word(value)}{number} into Go struct field "
                             f"continueToken.{key} of type {go}")
    version, rv, start = doc.get("v") or "", doc.get("rv") or 0, doc.get("start") or ""
    if version != "meta.k8s.io/v1":
        raise ValueError(f"{invalid}: server does not recognize this encoded version {version}")
    if rv == 0:
        raise ValueError(f"{invalid}: incorrect encoded start resourceVersion (version meta.k8s.io/v1)")
    if not start:
        raise ValueError(f"{invalid}: encoded start key empty (version meta.k8s.io/v1)")
    key = start if start.startswith("/") else "/" + start
    if posixpath.normpath(key) != key or key.startswith("//"):  # path.Clean would change it
        raise ValueError(f"{invalid}: {start}")
    return int(rv), start


_BASE64_URL = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def _raw_url_base64(token: str) -> bytes:
    """base64.RawURLEncoding.DecodeString: no padding, line breaks skipped, its CorruptInputError's words
    (positions in the token as given)."""
    kept = [(i, c) for i, c in enumerate(token.encode()) if c not in b"\r\n"]
    for i, c in kept:
        if c not in _BASE64_URL:
            raise ValueError(f"illegal base64 data at input byte {i}")
    if len(kept) % 4 == 1:
        raise ValueError(f"illegal base64 data at input byte {kept[-1][0]}")
    data = bytes(c for _, c in kept)
    return base64.urlsafe_b64decode(data + b"=" * (-len(data) % 4))
