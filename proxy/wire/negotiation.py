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
    found = _negotiated(accept, endpoint)
    return None if found is None else found[:2]


_GO_TRUE = ("1", "t", "T", "TRUE", "true", "True")  # (what strconv.ParseBool reads as true)


def pretty(accept: str, endpoint: Endpoint, pretty_query: str | None, user_agent: str) -> bool:
    """Whether a JSON answer is indented (NegotiateOutputMediaType, isPrettyPrint): the range negotiated says
    `pretty=1`; or a `pretty` query value strconv.ParseBool takes as true (one it refuses is false); or, with no
    value, a client whose User-Agent is curl's, Wget's or a browser's. A watch's events are never indented."""
    found = _negotiated(accept, endpoint) if "pretty" in accept else None  # (no parse again for most requests)
    if found is not None and found[2].get("pretty") == "1":
        return True
    if pretty_query:
        return pretty_query in _GO_TRUE
    return user_agent.startswith(("curl", "Wget", "Mozilla/5.0"))


GZIP_THRESHOLD = 128 * 1024  # (defaultGzipThresholdBytes: a smaller answer goes out as it is)


def gzip_accepted(accept_encoding: str) -> bool:
    """Whether the apiserver gzips an object's answer for this Accept-Encoding (ContentEncodingSupported): one
    of its comma-separated parts is `gzip`, spaces aside — `gzip;q=1` is not."""
    return any(part.strip() == "gzip" for part in accept_encoding.split(",")) if accept_encoding else False


def gziphandler_accepts(accept_encoding: str) -> bool:
    """Whether NYTimes/gziphandler, in front of the OpenAPI v2 handler, gzips for this Accept-Encoding: its
    `gzip` coding (any case) with a q-value above 0 (each `;` part resets it to 1; a q it cannot read drops the
    coding)."""
    codings: dict[str, float] = {}
    for part in accept_encoding.split(","):
        coding, q, readable = "", 1.0, True
        for n, piece in enumerate(p.strip() for p in part.split(";")):
            q = 1.0
            if n == 0:
                coding = piece.lower()
            elif piece.startswith("q="):
                try:
                    q = min(max(float(piece[2:]), 0.0), 1.0)
                except ValueError:
                    q, readable = 0.0, False
        if coding and readable:
            codings[coding] = q
    return codings.get("gzip", 0.0) > 0.0


def _negotiated(accept: str, endpoint: Endpoint) -> tuple[str, Convert | None, dict[str, str]] | None:
    """negotiate's answer and the parameters of the range it took."""
    if not accept:
        return "application/json", None, {}
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
                return f"application/{served}", convert, params
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


def _restful_names(header: str, types: tuple[str, ...]) -> bool:
    """go-restful's match of a header against a route's media types: any of its comma-separated parts,
    parameters aside and spaces trimmed, names one of them exactly (`*/*` taking any)."""
    return any(media == "*/*" or media in types for media in (p.split(";")[0].strip(" ") for p in header.split(",")))


def restful_refusal(accept: str, produces: tuple[str, ...]) -> str | None:
    """go-restful's check of a route, before its handler negotiates: an Accept that names none of the
    route's media types (`*/*` taking any, `application/*` none) gets its 406 message; None: the route takes
    the request."""
    if _restful_names(accept or "*/*", produces):
        return None
    return "406: Not Acceptable\n\nAvailable representations: " + ", ".join(produces)


def restful_consumes(content_type: str, consumes: tuple[str, ...]) -> bool:
    """go-restful's check of a body's Content-Type against a route that names what it consumes (a built-in
    type's PATCH route: the patch types); none given is application/octet-stream."""
    return _restful_names(content_type or "application/octet-stream", consumes)


def patch_type(content_type: str) -> str:
    """The patch handler's type: the header cut at its first `;` (where that is not its first character), as
    it is — neither trimmed nor lower-cased, so `application/merge-patch+json ; charset=utf-8` is refused."""
    cut = content_type.find(";")
    return content_type[:cut] if cut > 0 else content_type


def body_media_type(content_type: str) -> str | None:
    """The media type a create's, update's or delete's body is read as (NegotiateInputSerializerForMediaType):
    JSON where none is given, else mime.ParseMediaType's (lower-cased, parameters aside); None where that
    refuses the header, which the handler answers as a type it has no decoder for (a 415)."""
    if not content_type:
        return "application/json"
    base = content_type.split(";", 1)[0]
    media = base.lower().strip()
    kind, rest = _token(media)
    if not kind or (rest and not (rest[:1] == "/" and (sub := _token(rest[1:]))[0] and not sub[1])):
        return None
    return media if _media_params_valid(content_type[len(base):]) else None


_TOKEN = frozenset("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _token(v: str) -> tuple[str, str]:
    """mime's consumeToken: (the token at the start of `v`, the rest)."""
    end = next((i for i, c in enumerate(v) if c not in _TOKEN), len(v))
    return v[:end], v[end:]


def _value(v: str) -> tuple[str, str] | None:
    """mime's consumeValue: a token or a quoted string, and the rest; None where there is none."""
    if not v.startswith('"'):
        value, rest = _token(v)
        return (value, rest) if value else None
    out: list[str] = []
    i = 1
    while i < len(v):
        c = v[i]
        if c == '"':
            return "".join(out), v[i + 1:]
        if c in "\r\n":
            return None
        if c == "\\" and i + 1 < len(v) and v[i + 1] in '()<>@,;:\\"/[]?=':
            i += 1
        out.append(v[i])
        i += 1
    return None  # (no closing quote)


def _media_params_valid(v: str) -> bool:
    """mime.ParseMediaType's parameters: each `; name=value`, a trailing `;` allowed, a name given twice only
    with the same value (names compared lower-cased)."""
    seen: dict[str, str] = {}
    while v := v.lstrip():
        rest = v[1:].lstrip() if v.startswith(";") else None
        name, rest = _token(rest) if rest is not None else ("", "")
        rest = rest.lstrip()
        value = _value(rest[1:].lstrip()) if name and rest.startswith("=") else None
        if value is None:
            return v.strip() == ";"
        if seen.setdefault(name.lower(), value[0]) != value[0]:
            return False
        v = value[1]
    return True


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
