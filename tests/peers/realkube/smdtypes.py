"""Write proxy/apiserver/smd_types.json: the built-in types as structured-merge-diff sees them, from the
OpenAPI v3 documents of the Kubernetes release the tests run (api/openapi-spec/v3 in its Go module), as
kube-openapi's schemaconv reads them: which maps and structs are atomic, which lists are atomic, sets or
keyed (and the keys' defaults), each field's type. managedfields.py computes managedFields from it.

    go mod download k8s.io/kubernetes@v1.37.2   # (make realkube has it in the module cache)
    .venv/bin/python tests/peers/realkube/smdtypes.py
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from watchproxy.apiserver.fieldsets import scalar_kind

RELEASE = "v1.37.2"
OUT = Path(__file__).resolve().parents[3] / "proxy" / "apiserver" / "smd_types.json"
_PREFIX = "#/components/schemas/"
_QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity"


_RAW_EXTENSION = "io.k8s.apimachinery.pkg.runtime.RawExtension"


def _short(name: str) -> str:
    return name.removeprefix("io.k8s.api.").removeprefix("io.k8s.apimachinery.pkg.").removeprefix("io.k8s.")


def _ref(prop: dict[str, Any]) -> str | None:
    if "$ref" in prop:
        return str(prop["$ref"]).removeprefix(_PREFIX)
    for part in prop.get("allOf") or []:
        if "$ref" in part:
            return str(part["$ref"]).removeprefix(_PREFIX)
    return None


def _node(prop: dict[str, Any], schemas: dict[str, Any]) -> Any:
    """A field's or item's type: a type's short name, a scalar's kind (fieldsets.scalar_kind), "~" for a
    value whose structure is its own (preserve-unknown-fields, an object with neither properties nor
    additionalProperties, a schema with no type), or a map or list node."""
    ref = _ref(prop)
    if ref is not None:
        target = schemas.get(ref, {})
        if ref == _QUANTITY:  # schemaconv's special case: a scalar, untyped
            return ""
        if not _is_object(target):
            return scalar_kind(target) if "x-kubernetes-preserve-unknown-fields" not in target else "~"
        if prop.get("x-kubernetes-map-type") == "atomic":  # makeOpenAPIRef's override at the field
            return {"k": "map", "a": True}
        if prop.get("x-kubernetes-map-type") == "granular":  # ...either way (a PV's claimRef)
            node = _object(target, schemas)
            return {k: v for k, v in node.items() if k != "a"} if isinstance(node, dict) else node
        return _short(ref)
    if prop.get("type") == "array":
        rel = prop.get("x-kubernetes-list-type")
        keys: list[str] = []
        if rel is None and "merge" in str(prop.get("x-kubernetes-patch-strategy", "")).split(","):
            key = prop.get("x-kubernetes-patch-merge-key")
            rel, keys = ("map", [key]) if key else ("set", [])
        elif rel == "map":
            keys = list(prop.get("x-kubernetes-list-map-keys") or [])
        items = prop.get("items") or {}
        node: dict[str, Any] = {"k": "list", "r": rel or "atomic", "e": _node(items, schemas)}
        if keys:
            node["keys"] = keys
            item_type = schemas.get(_ref(items) or "", {})
            defaults = {k: item_type["properties"][k]["default"] for k in keys
                        if "default" in (item_type.get("properties") or {}).get(k, {})}
            if defaults:
                node["d"] = defaults
        return node
    if _is_object(prop):
        return _object(prop, schemas)
    return "~" if "x-kubernetes-preserve-unknown-fields" in prop else scalar_kind(prop)


def _is_object(s: dict[str, Any]) -> bool:
    return s.get("type") == "object" or "properties" in s


def _object(s: dict[str, Any], schemas: dict[str, Any]) -> Any:
    props, extra = s.get("properties"), s.get("additionalProperties")
    if not props and not extra:
        return "~"
    node: dict[str, Any] = {"k": "map"}
    if s.get("x-kubernetes-map-type") == "atomic":
        node["a"] = True
    if props:
        node["f"] = {k: _node(v, schemas) for k, v in sorted(props.items())}
    if isinstance(extra, dict):
        node["e"] = _node(extra, schemas)
    return node


def main() -> int:
    cache = subprocess.run(["go", "env", "GOMODCACHE"], capture_output=True, text=True, check=True).stdout.strip()
    spec = Path(cache) / f"k8s.io/kubernetes@{RELEASE}" / "api" / "openapi-spec" / "v3"
    schemas: dict[str, Any] = {}
    for doc in sorted(spec.glob("*_openapi.json")):
        schemas.update(json.loads(doc.read_text()).get("components", {}).get("schemas", {}))
    types: dict[str, Any] = {}
    roots: dict[str, str] = {}
    for name, s in sorted(schemas.items()):
        if not _is_object(s):
            continue
        # (kube-openapi's schemaconv hard-codes a RawExtension as untyped and atomic: a leaf)
        types[_short(name)] = "*" if name == _RAW_EXTENSION else _object(s, schemas)
        for gvk in s.get("x-kubernetes-group-version-kind") or []:
            group, version = gvk.get("group", ""), gvk["version"]
            roots[f"{group + '/' if group else ''}{version}/{gvk['kind']}"] = _short(name)
    OUT.write_text(json.dumps({"release": RELEASE, "roots": roots, "types": types}, separators=(",", ":")) + "\n")
    print(f"{OUT}: {len(types)} types, {len(roots)} kinds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
