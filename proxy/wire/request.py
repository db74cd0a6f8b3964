"""What a request asks for: group/version/resource/namespace/name and verb, the way the apiserver's
RequestInfoFactory (k8s.io/apiserver/pkg/endpoints/request/requestinfo.go) reads a path."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl

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
        """`pods`, `apps/v1 deployments`: how the resource type is named in messages and indexes."""
        gv = f"{self.group}/{self.version}" if self.group else self.version
        return f"{gv} {self.resource}" if gv != "v1" else self.resource

    @property
    def collection_path(self) -> str:
        """The path of the whole collection across namespaces, independent of how it was asked for."""
        base = f"/apis/{self.group}/{self.version}" if self.group else f"/api/{self.version}"
        return f"{base}/{self.resource}"


_METHOD_VERBS = {"POST": "create", "PUT": "update", "PATCH": "patch", "DELETE": "delete"}
_NAMESPACE_SUBRESOURCES = frozenset({"status", "finalize"})  # requestinfo.go namespaceSubresources


def classify(method: str, path: str, query: str = "") -> RequestInfo:
    parts = [p for p in path.split("/") if p]
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
