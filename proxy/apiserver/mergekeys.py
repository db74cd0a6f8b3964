"""Which lists of built-in kinds a strategic merge patch merges, and on which key (server-side apply reads
the types' list and map markers instead: fieldsets.py, apply.py).

The apiserver reads these from the Go types' `patchStrategy:"merge" patchMergeKey:"…"` tags, of the type the
request names; the release's OpenAPI document carries the same tags as extensions (wire/openapi.py
patch_fields), so a patch walks the kind's definitions: a CertificateSigningRequest's conditions have no
strategy and are replaced whole where a Pod's merge on `type`, a Service's `ports` merge on `port` and a
container's on `containerPort`. Lists of a type the document does not know are replaced whole, as the
apiserver replaces lists without a strategy.
"""

from __future__ import annotations

from ..wire.openapi import patch_fields

Where = str
"""The definition of the struct a patched map is ("map:" + a definition: a map of them; "": not known)."""


def root(api_version: str, kind: str) -> Where:
    """The definition of an object of `kind` in `api_version`."""
    return patch_fields()[0].get(f"{api_version}/{kind}", "")


def under(where: Where, field: str) -> Where:
    """The definition of what `field` of `where` holds (a list's items)."""
    if where.startswith("map:"):
        return where[4:]
    return patch_fields()[1].get(where, {}).get(field, ("", "", ""))[0]


def merges_primitives(where: Where, field: str) -> bool:
    """A list of scalars a patch merges (ObjectMeta.finalizers, NodeSpec.podCIDRs)."""
    merges, key = _strategy(where, field)
    return merges and not key


def merge_key(where: Where, field: str) -> str | None:
    """The merge key of the list `field` of `where`, None to replace it."""
    merges, key = _strategy(where, field)
    return key if merges and key else None


def _strategy(where: Where, field: str) -> tuple[bool, str]:
    """(whether `field` of `where` has the merge strategy, its merge key)."""
    _, strategy, key = patch_fields()[1].get(where, {}).get(field, ("", "", ""))
    return "merge" in strategy.split(","), key
