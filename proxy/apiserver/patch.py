"""The patch types a kube-apiserver accepts, applied to decoded objects (JSON patch: jsonpatch.py).

JSON merge patch (RFC 7386) is exact. Strategic merge patch follows
k8s.io/apimachinery/pkg/util/strategicpatch for what clients send: maps merge, `null` deletes, lists named
in `mergekeys.py` merge element by element on their key, `$patch: delete|replace|merge`,
`$deleteFromPrimitiveList/<field>`, `$setElementOrder/<field>` and `$retainKeys`; every other list is
replaced, as the apiserver does for lists without a patch strategy. A server-side apply's configuration is
merged as structured-merge-diff merges it instead (`apply_merge`), on the list and map markers of the types.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from .mergekeys import atomic_fields, key_value, list_map_keys, merge_key, merges_primitives


class PatchError(ValueError):
    """A patch that cannot be applied: the apiserver answers it with a 422 (or a 400 when it is not JSON)."""


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386: objects merge recursively, `null` removes, anything else replaces."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    out = dict(target) if isinstance(target, dict) else {}
    for k, v in patch.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = merge_patch(out.get(k), v)
    return out


_DIRECTIVE = "$patch"
_ORDER = "$setElementOrder/"
_DELETE_PRIMITIVE = "$deleteFromPrimitiveList/"
_RETAIN = "$retainKeys"


def strategic_merge(target: Any, patch: Any, path: tuple[str, ...] = ()) -> Any:
    """Strategic merge patch of a map; `path` names the fields above it, for the list merge keys."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    if patch.get(_DIRECTIVE) == "replace":
        return {k: copy.deepcopy(v) for k, v in patch.items() if k != _DIRECTIVE}
    if patch.get(_DIRECTIVE) == "delete":
        return None
    out = copy.deepcopy(target) if isinstance(target, dict) else {}
    retain = patch.get(_RETAIN)
    if isinstance(retain, list):
        out = {k: v for k, v in out.items() if k in retain}
    for k, v in patch.items():
        if k in (_DIRECTIVE, _RETAIN) or k.startswith(_ORDER):
            continue
        if k.startswith(_DELETE_PRIMITIVE):
            field = k[len(_DELETE_PRIMITIVE):]
            if isinstance(out.get(field), list) and isinstance(v, list):
                out[field] = [x for x in out[field] if x not in v]
            continue
        if v is None:
            out.pop(k, None)
        elif isinstance(v, dict):
            merged = strategic_merge(out.get(k), v, (*path, k))
            if merged is None:
                out.pop(k, None)
            else:
                out[k] = merged
        elif isinstance(v, list):
            out[k] = _merge_list(out.get(k), v, (*path, k))
        else:
            out[k] = copy.deepcopy(v)
    return out  # `$setElementOrder` is not applied: lists come out in the order a patch without it gets


def _merge_list(target: Any, patch: list[Any], path: tuple[str, ...]) -> list[Any]:
    current = target if isinstance(target, list) else []
    if any(isinstance(e, dict) and e.get(_DIRECTIVE) == "replace" for e in patch):
        return [copy.deepcopy(e) for e in patch if not (isinstance(e, dict) and _DIRECTIVE in e)]
    if merges_primitives(path):
        if not all(isinstance(x, str | int | float | bool) or x is None for x in patch):
            raise PatchError(f"unable to merge a list of primitives with an element that is not one: {patch!r}")
        return _in_order([x for x in current if x not in patch], list(dict.fromkeys(patch)), current,
                         lambda x: x)
    key = merge_key(path, patch)
    if key is None:
        return [copy.deepcopy(e) for e in patch]
    merged: dict[Any, Any] = {}
    deleted = set()
    for e in patch:
        if not isinstance(e, dict) or key not in e:
            raise PatchError(f"map: {e!r} does not contain declared merge key: {key}")
        if isinstance(e[key], dict | list):
            raise PatchError(f"map: the merge key {key} of {e!r} is not a scalar")
        if e.get(_DIRECTIVE) == "delete":
            deleted.add(e[key])
            continue
        base = merged.get(e[key]) or next((c for c in current if isinstance(c, dict) and c.get(key) == e[key]), {})
        merged[e[key]] = strategic_merge(base, e, path)
    server_only = [copy.deepcopy(c) for c in current
                   if not (isinstance(c, dict) and (c.get(key) in merged or c.get(key) in deleted))]
    return _in_order(server_only, list(merged.values()), current,
                     lambda e: e.get(key) if isinstance(e, dict) else e)


def _in_order(server_only: list[Any], patched: list[Any], server: list[Any],
              ident: Callable[[Any], Any]) -> list[Any]:
    """The merged list in the apiserver's order (strategicpatch normalizeElementOrder and mergeSortedSlice):
    the elements only the server had and those the patch named, each in their own order, interleaved by
    their place on the server; an element new to the server goes before the server's element it meets."""
    where = {ident(e): i for i, e in enumerate(server)}
    out: list[Any] = []
    i = j = 0
    while i < len(server_only) or j < len(patched):
        if j >= len(patched):
            out.append(server_only[i])
            i += 1
        elif i >= len(server_only):
            out.append(patched[j])
            j += 1
        else:
            left, right = where.get(ident(server_only[i])), where.get(ident(patched[j]))
            if left is not None and right is not None and left < right:
                out.append(server_only[i])
                i += 1
            else:
                out.append(patched[j])
                j += 1
    return out


def apply_merge(live: Any, applied: Any, path: tuple[str, ...] = (), atomic: frozenset[str] | None = None) -> Any:
    """A server-side apply's configuration merged into the live object, as structured-merge-diff merges
    (typed.Merge): maps key by key, but the atomic ones and every list without list-map keys replaced whole;
    list-maps item by item on their keys (ports on number and protocol), in structured-merge-diff's order;
    sets (finalizers) as unions."""
    if not isinstance(applied, dict) or not isinstance(live, dict):
        return copy.deepcopy(applied)
    if atomic is None:
        atomic = atomic_fields(live)
    out = copy.deepcopy(live)
    for k, v in applied.items():
        if v is None:
            out.pop(k, None)
        elif isinstance(v, dict) and k not in atomic:
            out[k] = apply_merge(out.get(k), v, (*path, k), atomic)
        elif isinstance(v, list) and isinstance(out.get(k), list):
            out[k] = _apply_list(out[k], v, (*path, k), atomic)
        else:
            out[k] = copy.deepcopy(v)
    return out


def _apply_list(live: list[Any], applied: list[Any], path: tuple[str, ...], atomic: frozenset[str]) -> list[Any]:
    if merges_primitives(path):
        return _merged_in_order(live, applied, _hashable, lambda a, b: b)
    keys = list_map_keys(path, applied)
    if keys is None or not all(isinstance(e, dict) for e in (*live, *applied)):
        return copy.deepcopy(applied)

    def ident(e: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(_hashable(key_value(e, k)) for k in keys)
    return _merged_in_order(live, applied, ident, lambda a, b: apply_merge(a, b, path, atomic))


def _hashable(v: Any) -> Any:
    return repr(v) if isinstance(v, dict | list) else v


def _merged_in_order(lhs: list[Any], rhs: list[Any], ident: Callable[[Any], Any],
                     merge: Callable[[Any, Any], Any]) -> list[Any]:
    """structured-merge-diff's visitListItems: the live items (lhs) and the applied ones (rhs) walked
    together; an item in both is merged where the applied list has it, in the applied order, and a live
    item the applied list does not name stays where it was."""
    r_ids = [ident(e) for e in rhs]
    l_ids = [ident(e) for e in lhs]
    in_rhs = dict(zip(r_ids, rhs, strict=True))
    in_lhs = dict(zip(l_ids, lhs, strict=True))
    shared = [i for i in r_ids if i in in_lhs]
    next_shared = shared.pop(0) if shared else None
    done: set[Any] = set()
    out: list[Any] = []
    li = ri = 0
    while li < len(lhs) or ri < len(rhs):
        if li < len(lhs) and ri < len(rhs):
            if l_ids[li] == r_ids[ri]:
                done.add(l_ids[li])
                out.append(merge(in_lhs[l_ids[li]], in_rhs[r_ids[ri]]))
                li += 1
                ri += 1
                next_shared = shared.pop(0) if shared else None
                continue
            if l_ids[li] in in_rhs and next_shared is not None and next_shared != l_ids[li]:
                li += 1  # a shared item, but not the one due now
                continue
        if li < len(lhs):
            if l_ids[li] not in in_rhs:
                out.append(copy.deepcopy(lhs[li]))
                li += 1
                continue
            if l_ids[li] in done:
                li += 1
        if ri < len(rhs):
            rid = r_ids[ri]
            done.add(rid)
            out.append(merge(in_lhs[rid], in_rhs[rid]) if rid in in_lhs else copy.deepcopy(rhs[ri]))
            ri += 1
            if next_shared is not None and next_shared == rid:
                next_shared = shared.pop(0) if shared else None
    return out

