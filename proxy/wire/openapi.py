"""The smallest OpenAPI v3 an apiserver can serve for kubectl to write through it.

kubectl create/apply/replace first asks `/openapi/v3` whether the server validates fields itself (a PATCH
operation of the kind with a `fieldValidation` query parameter, k8s.io/cli-runtime
query_param_verifier_v3.go); if it cannot tell it validates on the client with the full schema and fails
without one. These documents say "yes" for every served kind and hold nothing else: enough for writes,
not for `kubectl explain`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from .jsonenc import go_json
from .kinds import ResourceType


def _gv_path(group: str, version: str) -> str:
    return f"apis/{group}/{version}" if group else f"api/{version}"


def _group_doc(types: list[ResourceType]) -> bytes:
    paths = {}
    for rt in types:
        base = f"/{_gv_path(rt.group, rt.version)}"
        item = f"{base}/namespaces/{{namespace}}/{rt.plural}/{{name}}" if rt.namespaced else \
            f"{base}/{rt.plural}/{{name}}"
        paths[item] = {"patch": {
            "x-kubernetes-group-version-kind": {"group": rt.group, "version": rt.version, "kind": rt.kind},
            "parameters": [{"name": "fieldValidation", "in": "query", "schema": {"type": "string"}},
                           {"name": "fieldManager", "in": "query", "schema": {"type": "string"}}]}}
    return go_json({"openapi": "3.0.0", "info": {"title": "Kubernetes", "version": "unversioned"},
                    "paths": paths})


def documents(types: tuple[ResourceType, ...]) -> Iterator[tuple[str, bytes]]:
    """(path, body) of `/openapi/v3` and of each group-version's document."""
    by_gv: dict[tuple[str, str], list[ResourceType]] = {}
    for rt in types:
        by_gv.setdefault((rt.group, rt.version), []).append(rt)
    docs = {_gv_path(g, v): _group_doc(rts) for (g, v), rts in by_gv.items()}
    index = {"paths": {p: {"serverRelativeURL": f"/openapi/v3/{p}?hash="
                                                + hashlib.sha512(body).hexdigest()[:64].upper()}
                       for p, body in docs.items()}}
    yield "/openapi/v3", go_json(index)
    for p, body in docs.items():
        yield f"/openapi/v3/{p}", body
