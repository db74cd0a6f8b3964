"""Content negotiation as the apiserver does it: what an Accept header gets from an endpoint (apimachinery's
NegotiateMediaTypeOptions over goautoneg's parse, under the endpoint's restrictions), go-restful's check of a
route before its handler negotiates, and how an error's Status is written for the Accept it answers.

A replay writes its answers in the negotiated media type (engines/emulate/answers.py) and refuses exactly
what the apiserver refuses, in its words.
"""

from __future__ import annotations

from typing import Literal

from .status import status_bytes, unnegotiated_status_bytes

MEDIA_TYPES = ("application/json", "application/yaml", "application/vnd.kubernetes.protobuf")
STREAM_MEDIA_TYPES = ("application/json;stream=watch", "application/vnd.kubernetes.protobuf;stream=watch")
NOT_ACCEPTABLE = "only the following media types are accepted: " + ", ".join(MEDIA_TYPES)
NOT_ACCEPTABLE_STREAM = "only the following media types are accepted: " + ", ".join(STREAM_MEDIA_TYPES)
_SERIALIZERS = (("json", True), ("yaml", False), ("vnd.kubernetes.protobuf", True))  # application/…, streams

Convert = tuple[str, str, str]
"""(group, version, kind) a range asks the answer to be converted to (`g`, `v`, `as`)."""
AGGREGATED_DISCOVERY: Convert = ("apidiscovery.k8s.io", "v2", "APIGroupDiscoveryList")
# builtin: a built-in type's handlers; untabled: a built-in subresource's with no table convertor (a pod's
# binding, eviction or log, a namespace's finalize: no Table)
Endpoint = Literal["default", "discovery", "builtin", "untabled", "custom"]
"""Whose restrictions: DefaultEndpointRestrictions (discovery's legacy documents, an error's Status), the
aggregated discovery handler's, a built-in resource's RequestScope, a custom resource's (JSON and YAML only
as they are)."""


def negotiate(accept: str, endpoint: Endpoint) -> tuple[str, Convert | None] | None:
    """The media type and conversion `accept` gets from `endpoint`: the first range (in goautoneg's order)
    and serializer the endpoint allows; None: a 406. An empty header gets JSON as it is, whatever the
    endpoint."""
    if not accept:
        return "application/json", None
    for kind, sub, params in clauses(accept):
        for served, streams in _SERIALIZERS:
            if kind not in ("application", "*") or sub not in (served, "*") or (kind == "*" and sub != "*"):
                continue
            if params.get("stream") and (not streams or params["stream"] != "watch"):
                continue
            if params.get("sv") and not (endpoint in ("builtin", "untabled", "custom") and params["sv"] == "v1"):
                continue
            convert = (params.get("g", ""), params.get("v", ""), params.get("as", "")) \
                if {"as", "g", "v"} & params.keys() else None
            if _allows(endpoint, served, convert):
                return f"application/{served}", convert
    return None


def _allows(endpoint: Endpoint, served: str, convert: Convert | None) -> bool:
    """AllowsMediaTypeTransform of each endpoint's restrictions."""
    if endpoint == "discovery":
        return convert == AGGREGATED_DISCOVERY
    if convert is None:
        return endpoint != "custom" or served in ("json", "yaml")
    if endpoint == "default" or convert[0] != "meta.k8s.io" or convert[1] not in ("v1", "v1beta1"):
        return False
    if convert[2] == "Table":
        return served in ("json", "yaml") and endpoint != "untabled"
    return convert[2] in ("PartialObjectMetadata", "PartialObjectMetadataList")


def restful_refusal(accept: str, produces: tuple[str, ...]) -> str | None:
    """go-restful's check of a route, before its handler negotiates: an Accept that names none of the
    route's media types (parameters aside, `*/*` taking any, `application/*` none) gets its 406 message;
    None: the route takes the request."""
    for part in (accept or "*/*").split(","):
        media = part.split(";")[0].strip(" ")
        if media == "*/*" or media in produces:
            return None
    return "406: Not Acceptable\n\nAvailable representations: " + ", ".join(produces)


def status_body(accept: str, code: int, message: str, details: dict[str, object] | None = None,
                reason: str | None = None) -> bytes:
    """An error's Status as the apiserver writes it for `accept`: negotiated like any answer (JSON here: a
    replay's answer writer turns it into what was negotiated), or, when the client accepts none of its media
    types, indented JSON (WriteRawJSON)."""
    if negotiate(accept, "default") is None:
        return unnegotiated_status_bytes(code, message, details, reason)
    return status_bytes(code, message, reason, details)


def clauses(accept: str) -> list[tuple[str, str, dict[str, str]]]:
    """goautoneg.ParseAccept: the ranges (type, subtype, parameters), sorted as its sort.Sort does for a
    header of up to 12 ranges (an insertion sort: by quality, a named type before a wildcard)."""
    parsed: list[tuple[float, str, str, dict[str, str]]] = []
    for part in accept.split(","):
        media, *raw = part.strip(" ").split(";")
        kind, slash, sub = media.partition("/")
        kind = kind.strip(" ")
        if not slash:
            if kind != "*":
                continue
            sub = "*"
        else:
            sub, _, rest = sub.partition("/")
            if rest:
                continue
            sub = sub.strip(" ")
        q, params = 1.0, {}
        for p in raw:
            key, _, value = p.partition("=")
            value, _, rest = value.partition("=")
            if not value or rest:
                continue
            if key.strip(" ") == "q":
                try:
                    q = float(value) if value == value.strip() else 0.0
                except ValueError:
                    q = 0.0
            else:
                params[key.strip(" ")] = value.strip(" ")
        parsed.append((q, kind, sub, params))

    if len(parsed) > 12:  # (pdqsort then, whose order under this comparator is its own: by its intent here)
        parsed.sort(key=lambda c: (-c[0], c[1] == "*", c[2] == "*"))
        return [(kind, sub, params) for _, kind, sub, params in parsed]

    def less(a: tuple[float, str, str, dict[str, str]], b: tuple[float, str, str, dict[str, str]]) -> bool:
        return a[0] > b[0] or (a[1] != "*" and b[1] == "*") or (a[2] != "*" and b[2] == "*")
    for i in range(1, len(parsed)):
        j = i
        while j > 0 and less(parsed[j], parsed[j - 1]):
            parsed[j], parsed[j - 1] = parsed[j - 1], parsed[j]
            j -= 1
    return [(kind, sub, params) for _, kind, sub, params in parsed]
