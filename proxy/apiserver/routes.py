"""Which requests the apiserver routes to a built-in resource's handlers at all (k8s.io/apiserver
endpoints/installer.go; a custom resource's handler takes every path under its type and decides itself),
and its answer to those it does not: a path nothing is installed at is the 404 `the server could not find the
requested resource` (a cluster-scoped resource under a namespace, an object of a namespaced one without it, a
subresource the kind does not have or a path below one but a proxy's, a create-only collection across
namespaces), a method not installed at a path is the 405 `the server does not allow this method on the
requested resource` (a POST to an object, a PUT to a collection, a create across all namespaces, a GET of an
eviction). Without this a controller's wrong URL
was served as if it were right.
And the 406 of an Accept a resource's route or handler does not serve.

Also here: the namespaces the apiserver never deletes (the NamespaceLifecycle admission plugin).
"""

from __future__ import annotations

from ..wire import negotiation
from ..wire.kinds import ResourceType
from ..wire.request import RequestInfo

NOT_FOUND = "the server could not find the requested resource"
NOT_ALLOWED = "the server does not allow this method on the requested resource"
IMMORTAL_NAMESPACES = frozenset({"default", "kube-system", "kube-public"})
_METHODS = {"get": "GET", "list": "GET", "watch": "GET", "create": "POST", "update": "PUT", "patch": "PATCH",
            "delete": "DELETE", "deletecollection": "DELETE"}


_PROXY_METHODS = frozenset({*_METHODS.values(), "HEAD", "OPTIONS"})  # (installer.go proxyMethods)


def _allowed(verbs: tuple[str, ...]) -> frozenset[str]:
    return frozenset(_METHODS[v] for v in verbs if v in _METHODS)


def refusal(method: str, info: RequestInfo, rt: ResourceType) -> tuple[int, str] | None:
    """The apiserver's (code, message) for a request to resource type `rt` that no handler of it takes; None
    for one it routes (which may still fail there)."""
    if info.namespace and not rt.namespaced:
        return 404, NOT_FOUND
    if info.name and rt.namespaced and not info.namespace:
        return 404, NOT_FOUND
    if info.subresource:
        sub = info.subresource.split("/")[0]  # proxy/PATH
        verbs = next((v for name, _, v in rt.subresources if name == sub), None)
        if verbs is None or (sub != "proxy" and sub != info.subresource):  # (only a proxy's route takes a path)
            return 404, NOT_FOUND
        allowed = _allowed(verbs) if sub != "proxy" else _PROXY_METHODS
    elif info.name:
        allowed = _allowed(tuple(v for v in rt.verbs if v in ("get", "update", "patch", "delete")))
    elif rt.namespaced and not info.namespace:  # across namespaces: lists and watches only
        allowed = _allowed(tuple(v for v in rt.verbs if v in ("list", "watch")))
    else:
        allowed = _allowed(tuple(v for v in rt.verbs if v in ("list", "watch", "create", "deletecollection")))
    if info.legacy_watch_path:
        allowed = allowed & {"GET"}
    if not allowed:  # nothing installed at the path (a binding across namespaces)
        return 404, NOT_FOUND
    if method not in allowed:
        return 405, NOT_ALLOWED
    return None


_CONNECT = frozenset({"attach", "exec", "portforward", "proxy"})


def connect(info: RequestInfo) -> bool:
    """A connect route's request (exec, attach, port-forward, proxy), which consumes and produces */*."""
    return info.subresource.split("/")[0] in _CONNECT


def not_acceptable(method: str, info: RequestInfo, builtin: bool, accept: str
                   ) -> tuple[str, dict[str, object] | None] | None:
    """The 406 message and details for a request to a resource whose Accept its route or handler refuses
    (None: taken):
    a built-in type's go-restful route checks the media types first (a collection's GET also produces the
    watch streams, a pod's log `text/plain`), then every handler negotiates under its scope's restrictions
    (a custom resource's handler only that). A connect route (exec, attach, port-forward, proxy) takes any."""
    if connect(info):
        return None
    sub = info.subresource.split("/")[0]
    if builtin:
        produces: tuple[str, ...] = negotiation.MEDIA_TYPES
        if method == "GET" and (not info.name or info.legacy_watch_path):
            produces += negotiation.STREAM_MEDIA_TYPES
        elif method == "GET" and sub == "log":
            produces = ("text/plain", *produces)
        if (refusal := negotiation.restful_refusal(accept, produces)) is not None:
            return refusal, {}
    if negotiation.negotiate(accept, ("builtin" if tabled(info) else "untabled") if builtin else "custom") is None:
        return negotiation.NOT_ACCEPTABLE, None
    return None


# status subresources whose storage has no table convertor (their StatusREST does not implement ConvertToTable)
_UNTABLED_STATUS = frozenset({("resource.k8s.io", "resourceclaims"), ("resource.k8s.io", "devicetaintrules"),
                              ("resource.k8s.io", "resourcepoolstatusrequests"), ("scheduling.k8s.io", "podgroups"),
                              ("scheduling.k8s.io", "compositepodgroups")})


def tabled(info: RequestInfo) -> bool:
    """Whether a built-in type's endpoint can answer as a Table (its storage converts to one): a resource
    and its status and scale can, but a few statuses; other subresources (binding, eviction, log, finalize,
    token, approval, ephemeral containers, resize) cannot: `as=Table` is their 406."""
    sub = info.subresource.split("/")[0]
    if sub == "status":
        return (info.group, info.resource) not in _UNTABLED_STATUS
    return sub in ("", "scale")


def undeletable(info: RequestInfo) -> str | None:
    """The 403 message for deleting a namespace the apiserver keeps, None for any other request."""
    if info.verb == "delete" and not info.group and info.resource == "namespaces" and not info.subresource \
            and info.name in IMMORTAL_NAMESPACES:
        return f'namespaces "{info.name}" is forbidden: this namespace may not be deleted'
    return None
