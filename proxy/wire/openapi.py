"""The OpenAPI v3 documents an apiserver serves at `/openapi/v3`: the index, then one document per group,
group-version and root (`api`, `apis`, `version`), each at a URL holding its content's hash.

A built-in kind's document is the real kube-apiserver's, captured (openapi_builtin.json.gz, written by
tests/peers/realkube/openapidocs.py): `kubectl explain` and every other reader of a kind's schema get what a
cluster of the release says, descriptions included. A custom resource's document is made from its definition's
schema; a kind known only from a recording gets the smallest document kubectl's writes need: kubectl
create/apply/replace first asks whether the server validates fields itself (a PATCH operation of the kind with
a `fieldValidation` query parameter, k8s.io/cli-runtime query_param_verifier_v3.go) and, if it cannot tell,
validates on the client with the full schema and fails without one.

Served as kube-openapi's handler3 serves them: JSON only (its protobuf form is not made: a client that takes
nothing else gets its 406), an `Etag` of the hash, a URL with another hash redirected to the current one, and
one with the right hash cacheable for a year. `/openapi/v2` is the release's document too, JSON or protobuf.
"""

from __future__ import annotations

import datetime as dt
import functools
import gzip
import hashlib
import json
from email.utils import format_datetime
from importlib import resources
from typing import Any

from . import negotiation
from .jsonenc import go_json
from .kinds import ResourceType

BUILTIN_FILE = "openapi_builtin.json.gz"
V2_JSON_FILE, V2_PROTOBUF_FILE = "openapi_v2.json.gz", "openapi_v2.pb.gz"
V2_PROTOBUF = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"
PREFIX = "/openapi/v3"
# The index is written without a content type and Go's sniffing names it so (measured: kube-apiserver v1.37.2).
INDEX_CONTENT_TYPE = "text/plain; charset=utf-8"
_NO_CACHE = ("Cache-Control", "no-cache, private")  # what the apiserver's filters add where none is set


def gv_path(group: str, version: str) -> str:
    return f"apis/{group}/{version}" if group else f"api/{version}"


def _item_path(rt: ResourceType) -> str:
    prefix = f"/{gv_path(rt.group, rt.version)}"
    return f"{prefix}/namespaces/{{namespace}}/{rt.plural}/{{name}}" if rt.namespaced else \
        f"{prefix}/{rt.plural}/{{name}}"


def _described(rt: ResourceType, paths: dict[str, Any]) -> bool:
    """Does a document hold the type's operations (a create-only review has no path by name)?"""
    item = _item_path(rt)
    return item in paths or item.removesuffix("/{name}") in paths


Schema = dict[str, Any]


def component_name(group: str, version: str, kind: str) -> str:
    """How the apiserver names a custom resource's schema: its group reversed (com.example.v1.Widget)."""
    return ".".join([*reversed(group.split(".")), version, kind])


def _component(rt: ResourceType, schema: Schema) -> Schema:
    """A custom resource's schema as its definition gives it, with the fields every object has (what
    `kubectl explain` reads)."""
    given = schema.get("properties")
    props: Schema = given if isinstance(given, dict) else {}
    return {**schema, "type": "object", "properties": {
        "apiVersion": {"type": "string"}, "kind": {"type": "string"}, "metadata": {"type": "object"}, **props},
        "x-kubernetes-group-version-kind": [{"group": rt.group, "kind": rt.kind, "version": rt.version}]}


def _made_doc(types: tuple[ResourceType, ...], schemas: dict[tuple[str, str, str], Schema],
              base: dict[str, Any] | None = None) -> dict[str, Any]:
    """`base` (a built-in document) or a new one, with a PATCH operation for each of `types` it lacks and the
    schemas `schemas` holds for them."""
    doc: dict[str, Any] = dict(base) if base else {
        "openapi": "3.0.0", "info": {"title": "Kubernetes", "version": "unversioned"}, "paths": {}}
    paths = dict(doc["paths"])
    for rt in types:
        paths.setdefault(_item_path(rt), {"patch": {
            "x-kubernetes-group-version-kind": {"group": rt.group, "version": rt.version, "kind": rt.kind},
            "parameters": [{"name": "fieldValidation", "in": "query", "schema": {"type": "string"}},
                           {"name": "fieldManager", "in": "query", "schema": {"type": "string"}}]}})
    doc["paths"] = dict(sorted(paths.items()))
    components = {component_name(rt.group, rt.version, rt.kind): _component(rt, schemas[key])
                  for rt in types if (key := (rt.group, rt.version, rt.kind)) in schemas}
    if components:
        given = doc.get("components", {})
        doc["components"] = {**given, "schemas": dict(sorted({**given.get("schemas", {}), **components}.items()))}
    return doc


@functools.cache
def _builtin() -> tuple[dict[str, Schema], dict[str, Any]]:
    """(every schema, each document with its schemas' names) as openapidocs.py stored them."""
    data = json.loads(gzip.decompress(resources.files(__package__).joinpath(BUILTIN_FILE).read_bytes()))
    return data["schemas"], data["documents"]


@functools.cache
def _builtin_doc(path: str) -> dict[str, Any]:
    shared, docs = _builtin()
    stored = docs[path]
    doc = dict(stored["doc"])
    if "components" in doc:
        own = stored.get("own", {})
        doc["components"] = {**doc["components"],
                             "schemas": {n: own.get(n) or shared[n] for n in doc["components"]["schemas"]}}
    return doc


_Extra = tuple[tuple[ResourceType, ...], tuple[tuple[tuple[str, str, str], str], ...]]


@functools.lru_cache(maxsize=64)
def _body(path: str, extra: _Extra = ((), ())) -> bytes:
    """A document's body; `extra`: the types its built-in form (if any) lacks, and their definitions' schemas
    as JSON (kept hashable for the cache, which holds one body per set of definitions seen)."""
    types, schemas = extra
    base = _builtin_doc(path) if path in _builtin()[1] else None
    return go_json(_made_doc(types, {k: json.loads(v) for k, v in schemas}, base) if types or base is None else base)


def _digest(path: str, extra: _Extra = ((), ())) -> str:
    """kube-openapi's hash of a document: SHA-512 of its body, upper-case hex (stored for a built-in one)."""
    stored = _builtin()[1].get(path)
    return str(stored["hash"]) if stored and not extra[0] else hashlib.sha512(_body(path, extra)).hexdigest().upper()


def _documents(types: tuple[ResourceType, ...], schemas: dict[tuple[str, str, str], Schema]) -> dict[str, _Extra]:
    """Each served document's path under /openapi/v3/, and what it holds beyond its built-in form."""
    builtin = _builtin()[1]
    by_gv: dict[str, list[ResourceType]] = {}
    for rt in types:
        by_gv.setdefault(gv_path(rt.group, rt.version), []).append(rt)
    served: dict[str, _Extra] = {p: ((), ()) for p in builtin}
    for path, rts in by_gv.items():
        extra = tuple(rt for rt in rts if path not in builtin or not _described(rt, builtin[path]["doc"]["paths"]))
        if extra:
            served[path] = extra, tuple((k, json.dumps(schemas[k])) for rt in extra
                                        if (k := (rt.group, rt.version, rt.kind)) in schemas)
    return dict(sorted(served.items()))


Answer = tuple[int, tuple[tuple[str, str], ...], bytes]


_JSON = ("application", "json", "application/json")
# what kube-openapi's v2 handler offers, in its order: (type, subtype, the content type answered)
_V2_OFFERS = (_JSON, ("application", "com.github.proto-openapi.spec.v2@v1.0+protobuf", V2_PROTOBUF),
              ("application", "com.github.proto-openapi.spec.v2.v1.0+protobuf", V2_PROTOBUF))


def _negotiated(accept: str, offers: tuple[tuple[str, str, str], ...]) -> str | None:
    """The content type to answer `accept` with, as kube-openapi's handlers choose it: the ranges in
    goautoneg's order, the first offer each matches; None: 406."""
    for kind, sub, _ in negotiation.clauses(accept or "*/*"):
        for offered_kind, offered_sub, content_type in offers:
            if kind in (offered_kind, "*") and sub in (offered_sub, "*"):
                return content_type
    return None


@functools.cache
def _v2(content_type: str) -> bytes:
    name = V2_PROTOBUF_FILE if content_type == V2_PROTOBUF else V2_JSON_FILE
    return gzip.decompress(resources.files(__package__).joinpath(name).read_bytes())


@functools.cache
def _v2_gzipped(content_type: str) -> bytes:
    return gzip.compress(_v2(content_type), compresslevel=6, mtime=0)  # (gziphandler: gzip.DefaultCompression)


@functools.cache
def _v2_digest() -> str:
    """The v2 document's hash, of its JSON, for both forms (as kube-openapi's handler gives it)."""
    return hashlib.sha512(_v2("application/json")).hexdigest().upper()


PatchField = tuple[str, str, str]
"""What a strategic merge patch reads of a field: (the definition of the struct under it — a list's items, a map's
values prefixed `map:` — or "", its patch strategy, its merge key)."""


@functools.cache
def patch_fields() -> tuple[dict[str, str], dict[str, dict[str, PatchField]]]:
    """From the release's v2 document, what a strategic merge patch reads of the built-in types: the Go types'
    `patchStrategy` and `patchMergeKey` tags, which it carries as extensions. (the definition of each kind by
    "apiVersion/Kind"; per definition, its fields that lead to a struct or carry a strategy)."""
    definitions = json.loads(_v2("application/json"))["definitions"]
    kinds: dict[str, str] = {}
    fields: dict[str, dict[str, PatchField]] = {}
    for name, schema in definitions.items():
        for gvk in schema.get("x-kubernetes-group-version-kind") or ():
            version = f"{gvk['group']}/{gvk['version']}" if gvk["group"] else gvk["version"]
            kinds.setdefault(f"{version}/{gvk['kind']}", name)
        own: dict[str, PatchField] = {}
        for field, prop in (schema.get("properties") or {}).items():
            ref = (prop.get("items") or {}).get("$ref") or prop.get("$ref") or ""
            if not ref and "$ref" in (prop.get("additionalProperties") or {}):
                ref = "map:" + prop["additionalProperties"]["$ref"]
            under = ref.replace("#/definitions/", "")
            strategy = prop.get("x-kubernetes-patch-strategy", "")
            if (under and under.removeprefix("map:") in definitions) or strategy:
                own[field] = (under, strategy, prop.get("x-kubernetes-patch-merge-key", ""))
        if own:
            fields[name] = own
    return kinds, fields


def answer(path: str, query: dict[str, str], accept: str, now: dt.datetime, types: tuple[ResourceType, ...],
           schemas: dict[tuple[str, str, str], Schema] | None = None, accept_encoding: str = "") -> Answer | None:
    """(status, headers, body) for a GET of `path` under /openapi/v3 at wall time `now`, or of /openapi/v2;
    None for any other path; `types`: every type served, `schemas` the custom resources' by (group, version,
    kind). The v2 document is the release's for its built-in kinds (custom resources are not in it: kubectl,
    which reads it to validate a `kind: List`, passes over a kind it does not find), behind gziphandler (gzipped
    for a client that takes it) and served by http.ServeContent (byte ranges offered)."""
    if path == "/openapi/v2":
        varies = (("Vary", "Accept-Encoding"), ("Vary", "Accept"))
        content_type = _negotiated(accept, _V2_OFFERS)
        if content_type is None:
            return 406, (_NO_CACHE, *varies), b""
        served = (("Accept-Ranges", "bytes"), _NO_CACHE, ("Content-Type", content_type),
                  ("Etag", f'"{_v2_digest()}"'), *varies)
        if negotiation.gziphandler_accepts(accept_encoding):
            return 200, (*served, ("Content-Encoding", "gzip")), _v2_gzipped(content_type)
        return 200, served, _v2(content_type)
    if path != PREFIX and not path.startswith(PREFIX + "/"):
        return None
    docs = _documents(types, schemas or {})
    if path == PREFIX:
        index = {"paths": {p: {"serverRelativeURL": f"{PREFIX}/{p}?hash={_digest(p, extra)}"}
                           for p, extra in docs.items()}}
        return 200, (_NO_CACHE, ("Content-Type", INDEX_CONTENT_TYPE)), go_json(index)
    name = path.removeprefix(PREFIX + "/")
    if name not in docs:
        return 404, (_NO_CACHE,), b""
    if _negotiated(accept, (_JSON,)) is None:  # (its protobuf form is not made)
        return 406, (_NO_CACHE, ("Vary", "Accept")), b""
    body, digest = _body(name, docs[name]), _digest(name, docs[name])
    headers = (("Content-Type", "application/json"), ("Etag", f'"{digest}"'), ("Vary", "Accept"))
    if (hash_ := query.get("hash", "")) and hash_ != digest:
        return 301, (_NO_CACHE, *headers, ("Location", f"{path}?hash={digest}")), b""
    if hash_:
        return 200, (("Cache-Control", "public, immutable"), *headers, ("Expires", _a_year_after(now))), body
    return 200, (_NO_CACHE, *headers), body


def _a_year_after(now: dt.datetime) -> str:
    """Go's `time.Now().AddDate(1, 0, 0).Format(time.RFC1123)` on a server in UTC (29 February becomes
    1 March)."""
    utc = now.astimezone(dt.UTC).replace(microsecond=0)
    try:
        later = utc.replace(year=utc.year + 1)
    except ValueError:
        later = utc.replace(year=utc.year + 1, month=3, day=1)
    return format_datetime(later, usegmt=True).removesuffix("GMT") + "UTC"
