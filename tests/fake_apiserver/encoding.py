"""Byte-level helpers that make the stand-in's output look like Go's.

The real apiserver encodes with Go's ``encoding/json`` encoder, which escapes ``<``, ``>``, ``&``,
U+2028 and U+2029, writes non-ASCII text as raw UTF-8, and ends every encoded value with one ``\\n``.
Tests of a proxy compare bytes, so the stand-in has to produce the same bytes rather than whatever
``json.dumps`` does by default.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

JsonObject = dict[str, Any]

_GO_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def go_json(value: Any) -> bytes:
    """Compact JSON as Go's ``json.Marshal`` writes it (no trailing newline).

    The escaped characters can only occur inside strings, so replacing them after ``json.dumps``
    cannot break the document's structure.
    """
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    for raw, escaped in _GO_ESCAPES.items():
        if raw in text:
            text = text.replace(raw, escaped)
    return text.encode("utf-8")


def go_json_line(value: Any) -> bytes:
    """Compact JSON plus the single ``\\n`` that Go's ``json.Encoder.Encode`` appends.

    Both ordinary response bodies and every watch event end this way on the wire.
    """
    return go_json(value) + b"\n"


def go_json_indent(value: Any) -> bytes:
    """``json.MarshalIndent(v, "", "  ")``: how the apiserver writes ``/version`` (no newline at end)."""
    text = json.dumps(value, indent=2, ensure_ascii=False)
    for raw, escaped in _GO_ESCAPES.items():
        text = text.replace(raw, escaped)
    return text.encode("utf-8")


def rfc3339(moment: datetime) -> str:
    """``metav1.Time`` marshals to RFC 3339 in UTC with whole seconds and a ``Z`` suffix."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_rfc3339(text: str) -> datetime:
    """Inverse of :func:`rfc3339`, tolerant of fractional seconds (``MicroTime``)."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def now_utc() -> datetime:
    """Wall-clock time truncated to seconds, as object timestamps carry it."""
    return datetime.now(UTC).replace(microsecond=0)


def human_duration(delta: timedelta) -> str:
    """Port of apimachinery ``duration.HumanDuration``: the AGE column of tables.

    Kept identical to the Go rules so that Table cells look like a real cluster's.
    """
    seconds = int(delta.total_seconds())
    if seconds < -1:
        return "<invalid>"
    if seconds < 0:
        return "0s"
    if seconds < 60 * 2:
        return f"{seconds}s"
    minutes = seconds // 60
    if minutes < 10:
        rest = seconds % 60
        return f"{minutes}m" if rest == 0 else f"{minutes}m{rest}s"
    if minutes < 60 * 3:
        return f"{minutes}m"
    hours = seconds // 3600
    if hours < 8:
        rest = minutes % 60
        return f"{hours}h" if rest == 0 else f"{hours}h{rest}m"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        rest = hours % 24
        return f"{hours // 24}d" if rest == 0 else f"{hours // 24}d{rest}h"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        days = (hours // 24) % 365
        return f"{hours // 24 // 365}y" if days == 0 else f"{hours // 24 // 365}y{days}d"
    return f"{hours // 24 // 365}y"


def status_object(
    code: int,
    reason: str,
    message: str,
    *,
    details: JsonObject | None = None,
    list_meta: JsonObject | None = None,
) -> JsonObject:
    """A ``metav1.Status`` failure in the field order the apiserver writes.

    Field order matters because recordings and byte comparisons see it: kind, apiVersion, metadata,
    status, message, reason, details, code.
    """
    status: JsonObject = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": dict(list_meta or {}),
        "status": "Failure",
        "message": message,
        "reason": reason,
    }
    if details is not None:
        status["details"] = details
    status["code"] = code
    return status


REASONS_BY_CODE = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    406: "NotAcceptable",
    409: "Conflict",
    410: "Expired",
    415: "UnsupportedMediaType",
    422: "Invalid",
    429: "TooManyRequests",
    500: "InternalError",
    503: "ServiceUnavailable",
    504: "Timeout",
}


def new_audit_id() -> str:
    """Every apiserver response carries a fresh UUID in ``Audit-Id``."""
    return str(uuid.uuid4())
