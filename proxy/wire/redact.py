"""What never reaches a recording: credentials in headers, and the values of Secrets.

The client still receives everything untouched; only the copy written to the file is redacted. Secrets
are found by kind (Secret, SecretList items, Table rows with objects) and by the request's resource, since
list items carry no `kind`.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .kinds import builtin_by_path
from .request import RequestInfo

REDACTED_B64 = "PHJlZGFjdGVkPg=="  # base64 of "<redacted>": still decodes for clients that decode it
REDACTED = "<redacted>"
_CREDENTIAL_HEADERS = {"authorization", "proxy-authorization", "cookie", "set-cookie"}
_CREDENTIAL_PATTERN = re.compile(r"token|secret|password|passwd|credential|api-?key|x-remote-extra", re.I)
_LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


def is_credential_header(name: str) -> bool:
    n = name.lower()
    return n in _CREDENTIAL_HEADERS or bool(_CREDENTIAL_PATTERN.search(n))


def strip_credentials(headers: list[tuple[str, str]]) -> tuple[tuple[tuple[str, str], ...], list[str]]:
    """Headers without credentials, and the (lower-case) names removed."""
    kept, removed = [], []
    for k, v in headers:
        if is_credential_header(k):
            removed.append(k.lower())
        else:
            kept.append((k, v))
    return tuple(kept), removed


def may_hold_secrets(info: RequestInfo) -> bool:
    """Whether the answer to a request can hold a Secret that is not its own resource's.

    A built-in collection, object or watch holds objects of its own kind (and Status); subresources
    (`pods/proxy` returns whatever the pod does), custom and unknown resources may embed anything."""
    if not info.is_resource or info.subresource:
        return True
    rt = builtin_by_path(info.group, info.version, info.resource)
    return rt is None or rt.kind == "Secret"


def _redact_secret(obj: dict[str, Any]) -> bool:
    changed = False
    for key, repl in (("data", REDACTED_B64), ("stringData", REDACTED)):
        values = obj.get(key)
        if isinstance(values, dict) and values:
            obj[key] = {k: repl for k in values}
            changed = True
    ann = (obj.get("metadata") or {}).get("annotations")
    if isinstance(ann, dict) and _LAST_APPLIED in ann:
        ann[_LAST_APPLIED] = REDACTED
        changed = True
    return changed


def _walk(node: Any, secret_context: bool) -> bool:
    """Redact Secrets anywhere in a decoded body; True if anything changed."""
    if isinstance(node, list):
        return any([_walk(x, secret_context) for x in node])
    if not isinstance(node, dict):
        return False
    kind = node.get("kind")
    changed = False
    # In a Secret context, list items carry no kind, and Table rows (kubectl get secrets) carry the Secret
    # as PartialObjectMetadata, whose last-applied annotation holds the whole Secret, data included.
    if kind == "Secret" or (secret_context and kind in (None, "PartialObjectMetadata") and "metadata" in node):
        changed = _redact_secret(node)
    items_are_secrets = kind == "SecretList" or (secret_context and kind is None)
    for key, value in node.items():
        if key in ("data", "stringData"):
            continue
        if key == "items":
            changed |= _walk(value, items_are_secrets or secret_context)
        elif isinstance(value, dict | list):
            changed |= _walk(value, secret_context and key in ("object", "rows"))
    return changed


def redact_json(data: bytes, *, secret_context: bool) -> bytes | None:
    """The body with Secret values redacted, or None if nothing needed redacting (or it is not JSON).

    Lines (watch frames) are handled one by one so a frame keeps its trailing newline.
    """
    if not (secret_context or b'"Secret' in data):
        return None
    trailing = data.endswith(b"\n")
    try:
        doc = json.loads(data)
    except ValueError:
        return None
    if not _walk(doc, secret_context):
        return None
    out = json.dumps(doc, separators=(",", ":")).encode()
    return out + b"\n" if trailing else out
