"""What never reaches a recording: credentials in headers, the values of Secrets, and the service account
tokens a TokenRequest answers and a TokenReview asks about.

The client still receives everything untouched; only the copy written to the file is redacted. Secrets
are found by kind (Secret, SecretList items, Table rows with objects) and by the request's resource, since
list items carry no `kind`. A request to a Secret path is a Secret (or a patch to one) whatever its body
looks like: a merge patch `{"stringData": ...}`, a JSON patch, server-side apply in YAML.

A body that may hold a Secret but cannot be read here (protobuf, still compressed, not parseable) is not
written at all: `redact_body` says so by returning None.
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from . import protobuf
from .framing import media_type
from .kinds import builtin_by_path
from .request import RequestInfo

REDACTED_B64 = "PHJlZGFjdGVkPg=="  # base64 of "<redacted>": still decodes for clients that decode it
REDACTED = "<redacted>"
_CREDENTIAL_HEADERS = {"authorization", "proxy-authorization", "cookie", "set-cookie"}
_CREDENTIAL_PATTERN = re.compile(r"token|secret|password|passwd|credential|api-?key|x-remote-extra", re.I)
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


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


# the credential a kind holds where: a token a TokenRequest (`kubectl create token`) is answered, the token a
# TokenReview (a webhook or an auth proxy checking its caller) asks about
_TOKEN_HOLDERS = {"TokenRequest": "status", "TokenReview": "spec"}


def holds_credentials(info: RequestInfo) -> bool:
    """Whether a request's bodies carry a service account token (its request or its answer), so are treated
    as a Secret's are: redacted where they can be read, not written where they cannot."""
    return (info.resource, info.subresource) == ("serviceaccounts", "token") or \
        (info.group, info.resource) == ("authentication.k8s.io", "tokenreviews")


def _redact_token(node: Any) -> bool:
    if isinstance(node, dict) and isinstance(node.get("token"), str) and node["token"] != REDACTED:
        node["token"] = REDACTED
        return True
    return False


def may_hold_secrets(info: RequestInfo) -> bool:
    """Whether the answer to a request can hold a Secret that is not its own resource's.

    A built-in collection, object or watch holds objects of its own kind (and Status); subresources
    (`pods/proxy` returns whatever the pod does), custom and unknown resources may embed anything."""
    if not info.is_resource or info.subresource:
        return True
    rt = builtin_by_path(info.group, info.version, info.resource)
    return rt is None or rt.kind == "Secret"


PROTOBUF = protobuf.MEDIA_TYPE
_YAML = frozenset({"application/yaml", "application/apply-patch+yaml", "text/yaml", "application/x-yaml"})
# JSON patch paths into a Secret whose values are kept: everything else (data, stringData, the
# last-applied annotation, whole-object or whole-metadata values) is redacted.
_JSON_PATCH_KEPT = ("/metadata/labels", "/metadata/name", "/metadata/namespace", "/metadata/generateName",
                    "/metadata/finalizers", "/metadata/ownerReferences", "/metadata/resourceVersion",
                    "/metadata/uid", "/type", "/immutable", "/kind", "/apiVersion")
_LAST_APPLIED_POINTER = "/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration"


def _redact_secret(obj: dict[str, Any], *, strict: bool = False) -> bool:
    """Redact a Secret's values in place. `strict` (a body sent to a Secret path): whatever the shape of
    `data`, `stringData` or the last-applied annotation, its value goes."""
    changed = False
    for key, repl in (("data", REDACTED_B64), ("stringData", REDACTED)):
        values = obj.get(key)
        if isinstance(values, dict) and values:
            obj[key] = {k: repl for k in values}
            changed = True
        elif strict and values not in (None, {}, [], ""):
            obj[key] = repl
            changed = True
    meta = obj.get("metadata")
    ann = meta.get("annotations") if isinstance(meta, dict) else None
    if isinstance(ann, dict) and LAST_APPLIED in ann:
        ann[LAST_APPLIED] = REDACTED
        changed = True
    return changed


def _redact_everywhere(node: Any) -> bool:
    """Every map in a body sent to a Secret path is treated as (part of) the Secret, and every JSON patch
    operation in it as one on the Secret: whatever a client sends there, no value of it is kept."""
    changed = False
    if isinstance(node, list):
        for x in node:
            changed |= _redact_everywhere(x)
    elif isinstance(node, dict):
        if "op" in node and "value" in node:
            changed |= _redact_json_patch([node])
        changed |= _redact_secret(node, strict=True) | _redact_token(node)
        for k, v in node.items():
            if k not in ("data", "stringData") and isinstance(v, dict | list):
                changed |= _redact_everywhere(v)
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
    if isinstance(kind, str) and kind in _TOKEN_HOLDERS:
        changed |= _redact_token(node.get(_TOKEN_HOLDERS[kind]))
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


def _is_json(mtype: str) -> bool:
    return mtype in ("", "application/json", "*/*") or mtype.endswith("+json")


def _redact_json_patch(ops: list[Any]) -> bool:
    """Values of JSON patch operations on a Secret, except where the path is plainly not Secret data."""
    changed = False
    for op in ops:
        if not isinstance(op, dict) or "value" not in op:
            continue
        path = op.get("path")
        path = path if isinstance(path, str) else ""
        if path.startswith("/metadata/annotations/") and path != _LAST_APPLIED_POINTER:
            continue
        if any(path == p or path.startswith(p + "/") for p in _JSON_PATCH_KEPT):
            continue
        value = op["value"]
        if path.startswith("/metadata/annotations") and isinstance(value, dict):
            changed |= _redact_secret({"metadata": {"annotations": value}})
            continue
        in_data = path == "/data" or path.startswith("/data/")
        if isinstance(value, dict) and path in ("/data", "/stringData"):
            op["value"] = {k: REDACTED_B64 if in_data else REDACTED for k in value}
        else:
            op["value"] = REDACTED_B64 if in_data else REDACTED
        changed = True
    return changed


def _redact_doc(doc: Any, *, secret_context: bool, whole_secret: bool) -> bool:
    if whole_secret:
        if not isinstance(doc, dict | list):  # a bare value sent to a Secret: nothing to keep of it
            raise ValueError("not a document")
        return _redact_everywhere(doc)
    return _walk(doc, secret_context)


def redact_body(data: bytes, content_type: str, *, secret_context: bool, whole_secret: bool = False,
                encoded: bool = False) -> bytes | None:
    """A whole body (or one watch event) as it may be recorded: `data` itself when nothing needed
    redacting, a redacted copy, or None when it may hold a Secret that cannot be redacted here.

    `secret_context`: the request is for Secrets (list items and Table rows carry no `kind`);
    `whole_secret`: the body is a Secret or a patch to one, even with neither `kind` nor `metadata`
    (a request body sent to a Secret path); `encoded`: it still has a Content-Encoding."""
    if not data:
        return data
    mtype = media_type(content_type).split(";")[0]
    if encoded:
        return None if secret_context or whole_secret else data
    is_yaml = mtype in _YAML
    if not (is_yaml or _is_json(mtype)):  # protobuf, CBOR, text, a type not understood here
        if secret_context or whole_secret:
            return None
        # text (a pod's log) holds no Secret object; a binary encoding names its kind in plain bytes
        return data if mtype.startswith("text/") or b"Secret" not in data else None
    if not (secret_context or whole_secret or (b"Secret" in data if is_yaml else b'"Secret' in data)):
        return data
    trailing = data.endswith(b"\n")
    try:
        doc = yaml.safe_load(data) if is_yaml else json.loads(data)
        changed = _redact_doc(doc, secret_context=secret_context, whole_secret=whole_secret)
    except (ValueError, yaml.YAMLError, RecursionError, UnicodeDecodeError):
        return None if (secret_context or whole_secret) else data
    if not changed:
        return data
    if is_yaml:
        return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True).encode()
    out = json.dumps(doc, separators=(",", ":"), ensure_ascii=False).encode()
    return out + b"\n" if trailing else out
