"""`Status` objects: the body every Kubernetes client knows how to print."""

from __future__ import annotations

import json
from typing import Any

from .jsonenc import go_json_indent

_REASONS = {
    400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound", 405: "MethodNotAllowed",
    406: "NotAcceptable", 409: "Conflict", 410: "Expired", 415: "UnsupportedMediaType", 422: "Invalid",
    429: "TooManyRequests", 500: "InternalError", 501: "NotImplemented", 502: "BadGateway",
    503: "ServiceUnavailable", 504: "Timeout",
}


def reason_for(code: int) -> str:
    return _REASONS.get(code, "Unknown")


def status(code: int, message: str, reason: str | None = None,
           details: dict[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
        "message": message, "reason": reason_for(code) if reason is None else reason,
    }
    if not body["reason"]:  # reason "" leaves it out, as some of the apiserver's 500s do
        del body["reason"]
    # StatusDetails' fields are all omitempty: a core-group kind has no "group" at all, not "". The details
    # themselves are a pointer: every StatusError the apiserver makes with NewNotFound, NewMethodNotSupported
    # and the like has them, if only as `{}`; None leaves them out (NewBadRequest's errors have none).
    if details is not None:
        body["details"] = {k: v for k, v in details.items() if v not in ("", None, [], 0)}
    body["code"] = code
    return body


def created_success() -> dict[str, Any]:
    """The Status Success a create that stores nothing of its own answers with (an eviction, a binding)."""
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201}


def status_bytes(code: int, message: str, reason: str | None = None,
                 details: dict[str, Any] | None = None) -> bytes:
    """The body as the apiserver's JSON encoder writes it: compact, ending with a newline."""
    return json.dumps(status(code, message, reason, details), separators=(",", ":")).encode() + b"\n"


def unnegotiated_status_bytes(code: int, message: str, details: dict[str, Any] | None = None,
                              reason: str | None = None) -> bytes:
    """The body as the apiserver writes it when the client accepts none of its media types (WriteRawJSON):
    indented, no newline."""
    return go_json_indent(status(code, message, reason, details))
