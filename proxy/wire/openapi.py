"""The smallest OpenAPI v3 an apiserver can serve for kubectl to write through it.

kubectl create/apply/replace first asks `/openapi/v3` whether the server validates fields itself (a PATCH
operation of the kind with a `fieldValidation` query parameter, k8s.io/cli-runtime
query_param_verifier_v3.go); if it cannot tell it validates on the client with the full schema and fails
without one. These documents say "yes" for every served kind and hold nothing else: enough for writes,
and a custom resource's document holds its schema, for `kubectl explain`; a built-in kind's does not.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

from .jsonenc import go_json
from .kinds import ResourceType


def _gv_path(group: str, version: str) -> str:
    return f"apis/{group}/{version}" if group else f"api/{version}"


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


def _group_doc(types: list[ResourceType], schemas: dict[tuple[str, str, str], Schema]) -> bytes:
    paths = {}
    for rt in types:
        base = f"/{_gv_path(rt.group, rt.version)}"
        item = f"{base}/namespaces/{{namespace}}/{rt.plural}/{{name}}" if rt.namespaced else \
            f"{base}/{rt.plural}/{{name}}"
        paths[item] = {"patch": {
            "x-kubernetes-group-version-kind": {"group": rt.group, "version": rt.version, "kind": rt.kind},
            "parameters": [{"name": "fieldValidation", "in": "query", "schema": {"type": "string"}},
                           {"name": "fieldManager", "in": "query", "schema": {"type": "string"}}]}}
    doc: dict[str, Any] = {"openapi": "3.0.0", "info": {"title": "Kubernetes", "version": "unversioned"},
                           "paths": paths}
    components = {component_name(rt.group, rt.version, rt.kind): _component(rt, schemas[key])
                  for rt in types if (key := (rt.group, rt.version, rt.kind)) in schemas}
    if components:
        doc["components"] = {"schemas": components}
    return go_json(doc)


def documents(types: tuple[ResourceType, ...], schemas: dict[tuple[str, str, str], Schema] | None = None
              ) -> Iterator[tuple[str, bytes]]:
    """(path, body) of `/openapi/v3` and of each group-version's document; `schemas`: the custom resources'
    by (group, version, kind), which their document holds as components."""
    by_gv: dict[tuple[str, str], list[ResourceType]] = {}
    for rt in types:
        by_gv.setdefault((rt.group, rt.version), []).append(rt)
    docs = {_gv_path(g, v): _group_doc(rts, schemas or {}) for (g, v), rts in by_gv.items()}
    index = {"paths": {p: {"serverRelativeURL": f"/openapi/v3/{p}?hash="
                                                + hashlib.sha512(body).hexdigest()[:64].upper()}
                       for p, body in docs.items()}}
    yield "/openapi/v3", go_json(index)
    for p, body in docs.items():
        yield f"/openapi/v3/{p}", body
