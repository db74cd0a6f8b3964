"""kubectl's client-side apply annotation under server-side apply, as the apiserver's field manager keeps the
two compatible for the manager `kubectl` (lastappliedmanager.go, lastappliedupdater.go).

An object last written by `kubectl apply` carries its configuration in the annotation; `kubectl apply
--server-side` of it then must neither conflict over fields that configuration set and the object still
holds as set, nor leave the annotation stale for the next client-side apply, whose three-way merge reads it
(`kubectl diff` too).
"""

from __future__ import annotations

import json
from typing import Any

from ..wire.jsonenc import go_json
from ..wire.redact import LAST_APPLIED as ANNOTATION
from .fieldsets import FieldSet, compare, to_field_set
from .goorder import sorted_keys

MANAGER = "kubectl"  # only kubectl's own server-side applies take part


def _annotation(obj: dict[str, Any]) -> str:
    meta = obj.get("metadata")
    annotations = meta.get("annotations") if isinstance(meta, dict) else None
    value = annotations.get(ANNOTATION) if isinstance(annotations, dict) else None
    return value if isinstance(value, str) else ""


def allowed_conflicts(live: dict[str, Any], node: Any) -> FieldSet:
    """The fields an apply by kubectl may take over from other managers without force: those the
    annotation's configuration set and the live object still holds with the same values. None when the
    annotation is missing, unreadable or of another API version."""
    try:
        last = json.loads(_annotation(live) or "null")
    except ValueError:
        return frozenset()
    if not isinstance(last, dict) or last.get("apiVersion") != live.get("apiVersion"):
        return frozenset()
    added, modified, removed = compare(last, live, node)
    return to_field_set(last, node) - added - modified - removed


def synced(new: dict[str, Any], applied: dict[str, Any]) -> dict[str, Any]:
    """`new` with its annotation (where it has one) now the applied configuration, without the annotation,
    as the unstructured JSON encoder writes it: keys sorted, HTML characters escaped, a newline at the end."""
    if not _annotation(new):
        return new
    config = {**applied, "metadata": dict(applied.get("metadata") or {})}
    rest = {k: v for k, v in (config["metadata"].get("annotations") or {}).items() if k != ANNOTATION}
    config["metadata"].pop("annotations", None)
    if rest:
        config["metadata"]["annotations"] = rest
    text = go_json(sorted_keys(config)).decode() + "\n"
    meta = dict(new["metadata"])
    meta["annotations"] = {**meta["annotations"], ANNOTATION: text}
    return {**new, "metadata": meta}


def as_merged(new: dict[str, Any], old: dict[str, Any] | None, applied: dict[str, Any]) -> dict[str, Any]:
    """`new` with the annotation `synced` set back to what the merge made of it (the configuration's, else
    the object's): the sync comes after the field manager has made its field sets and times, so who manages
    the annotation does not change with it."""
    if not _annotation(new):
        return new
    value = _annotation(applied) or _annotation(old or {})
    meta = dict(new["metadata"])
    meta["annotations"] = {k: v for k, v in meta["annotations"].items() if k != ANNOTATION}
    if value:
        meta["annotations"][ANNOTATION] = value
    return {**new, "metadata": meta}
