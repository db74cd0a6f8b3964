"""What a request asks for: group/version/resource/namespace/name and verb, the way the apiserver's
RequestInfoFactory (k8s.io/apiserver/pkg/endpoints/request/requestinfo.go) reads a path.

The apiserver reads the *decoded* path (Go's `URL.Path`): `/api/v1/namespaces/default/%73ecrets` is the
Secrets collection and `pods/x/%65xec` is exec. Everything here classifies the decoded path, so no guard or
redaction rule can be bypassed by percent-encoding; a path whose meaning is in doubt (a malformed escape,
`.` or `..` segments, empty segments, control characters) is refused rather than guessed at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote_to_bytes

from .params import parse_bool


@dataclass(frozen=True, slots=True)
class RequestInfo:
    verb: str  # list | watch | get | create | update | patch | delete | deletecollection | other
    is_resource: bool
    group: str = ""
    version: str = ""
    resource: str = ""
    namespace: str = ""
    name: str = ""
    subresource: str = ""
    legacy_watch_path: bool = False

    @property
    def gvr(self) -> str:
        """`pods`, `apps/v1 deployments`: how the resource type is named in messages and indexes; "" for a
        path that names none (/version, discovery)."""
        if not self.resource:
            return ""
        gv = f"{self.group}/{self.version}" if self.group else self.version
        return f"{gv} {self.resource}" if gv != "v1" else self.resource

    @property
    def collection_path(self) -> str:
        """The path of the whole collection across namespaces, independent of how it was asked for."""
        base = f"/apis/{self.group}/{self.version}" if self.group else f"/api/{self.version}"
        return f"{base}/{self.resource}"


_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def decoded_path(path: str) -> str | None:
    """The path as the apiserver reads it (Go's url.PathUnescape), None for a malformed escape."""
    if "%" not in path:
        return path
    if _BAD_ESCAPE.search(path):
        return None
    return unquote_to_bytes(path).decode("utf-8", "surrogateescape")


def unclassifiable(path: str) -> str | None:
    """Why the path cannot be classified with certainty (so must not be forwarded or served), or None."""
    decoded = decoded_path(path)
    if decoded is None:
        return "a malformed percent-escape"
    if _CONTROL.search(decoded):
        return "a control character"
    segments = decoded.strip("/").split("/")
    if any(s in (".", "..") for s in segments):
        return "a '.' or '..' segment"
    if decoded.strip("/") and "" in segments:
        return "an empty segment ('//')"
    return None


_METHOD_VERBS = {"POST": "create", "PUT": "update", "PATCH": "patch", "DELETE": "delete"}
_NAMESPACE_SUBRESOURCES = frozenset({"status", "finalize"})  # requestinfo.go namespaceSubresources


def classify(method: str, path: str, query: str = "") -> RequestInfo:
    """What the request asks for, read from its decoded path (a malformed one is not a resource)."""
    decoded = decoded_path(path)
    if decoded is None:
        return RequestInfo(verb="other", is_resource=False)
    parts = [p for p in decoded.split("/") if p]
    if len(parts) < 2 or parts[0] not in ("api", "apis"):
        return RequestInfo(verb="other", is_resource=False)
    if parts[0] == "api":
        group, rest = "", parts[1:]
    else:
        if len(parts) < 3:
            return RequestInfo(verb="other", is_resource=False)
        group, rest = parts[1], parts[2:]
    version, rest = rest[0], rest[1:]
    if not rest:
        return RequestInfo(verb="other", is_resource=False, group=group, version=version)
    legacy_watch = False
    if rest[0] == "watch":
        legacy_watch = True
        rest = rest[1:]
    namespace = ""
    # /api/v1/namespaces/NAME[/status|/finalize] is the namespace object itself, not a namespace scope
    if len(rest) > 2 and rest[0] == "namespaces" and rest[2] not in _NAMESPACE_SUBRESOURCES:
        namespace, rest = rest[1], rest[2:]
    if not rest:
        return RequestInfo(verb="other", is_resource=False, group=group, version=version)
    resource = rest[0]
    name = rest[1] if len(rest) > 1 else ""
    sub = "/".join(rest[2:])
    m = method.upper()
    if legacy_watch:
        verb = "watch"
    elif m in ("GET", "HEAD"):
        if name:
            verb = "get"
        else:
            # the first value counts, as with url.Values.Get (and as parse_list_options reads it)
            watch = next((v for k, v in parse_qsl(query, keep_blank_values=True) if k == "watch"), None)
            verb = "watch" if watch is not None and parse_bool(watch) else "list"
    elif m == "DELETE" and not name:
        verb = "deletecollection"
    else:
        verb = _METHOD_VERBS.get(m, "other")
    return RequestInfo(verb=verb, is_resource=True, group=group, version=version, resource=resource,
                       namespace=namespace, name=name, subresource=sub, legacy_watch_path=legacy_watch)
