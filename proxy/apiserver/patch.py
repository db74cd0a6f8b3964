"""The patch types a kube-apiserver accepts, applied to decoded objects (JSON patch: jsonpatch.py).

JSON merge patch (RFC 7386) is exact. Strategic merge patch follows
k8s.io/apimachinery/pkg/util/strategicpatch for what clients send: maps merge, `null` deletes, the lists of
the kind's type that have a patch strategy (mergekeys.py) merge element by element on their key,
`$patch: delete|replace|merge`, `$deleteFromPrimitiveList/<field>`, `$setElementOrder/<field>` and
`$retainKeys`; every other list is replaced, as the apiserver does for lists without a patch strategy. A
server-side apply's configuration is merged by its type instead (apply.py).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from ..wire.gostrings import sprint_v
from .decoding import go_type
from .fielderrors import HandlerPanic
from .mergekeys import Where, merge_key, merges_primitives, under


class PatchError(ValueError):
    """A patch that cannot be applied: the apiserver answers it with a 422 (or a 400 when it is not JSON); an
    `internal` one is a strategic merge error it does not interpret (interpretStrategicMergePatchError),
    its 500 without a reason; a `bad_request` one an error of the patch's format it words as a 400."""

    def __init__(self, message: str, internal: bool = False, bad_request: bool = False) -> None:
        super().__init__(message)
        self.internal, self.bad_request = internal, bad_request


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386 as gopkg.in/evanphx/json-patch.v4's MergePatch applies it for the apiserver: objects merge
    recursively, `null` removes, anything else replaces. Its keys' order is the library's, which a 422 quotes:
    it decodes the objects it merges into, and those it takes from the patch, into Go maps (encoded with
    sorted keys), and keeps the rest as the bytes it read."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    if not isinstance(target, dict):
        return _pruned(patch)
    out = dict(target)
    for k, v in patch.items():
        if v is None:
            out.pop(k, None)
        elif out.get(k) is None or not isinstance(out[k], dict):
            out[k] = _pruned(v)
        elif isinstance(v, dict):
            out[k] = merge_patch(out[k], v)
        else:
            out[k] = copy.deepcopy(v)  # (an object replaced by what is no object: taken as it came, nulls and all)
    return dict(sorted(out.items()))


def _pruned(v: Any) -> Any:
    """pruneNulls: a patch's value without the nulls of its objects, which it re-encodes sorted."""
    if isinstance(v, dict):
        return {k: _pruned(x) for k, x in sorted(v.items()) if x is not None}
    if isinstance(v, list):
        return [_pruned(x) for x in v]
    return v


_DIRECTIVE = "$patch"
_ORDER = "$setElementOrder/"
_DELETE_PRIMITIVE = "$deleteFromPrimitiveList/"
_RETAIN = "$retainKeys"


def as_left(patch: Any, original: Any) -> Any:
    """A strategic merge patch as the apiserver's merge leaves it, which a refusal of its result quotes: a
    map it takes whole (its key not in the original, or holding another type there) loses its nulls on the way
    (mergeMap's discardNullValuesFromPatch, in place); maps in both are merged, and so left, the same way."""
    if not isinstance(patch, dict) or not isinstance(original, dict):
        return patch
    out = {}
    for k, v in patch.items():
        if k in original and isinstance(original[k], dict) and isinstance(v, dict):
            out[k] = as_left(v, original[k])
        elif v is not None and (k not in original or type(original[k]) is not type(v)):
            out[k] = _without_nulls(v)
        else:
            out[k] = v
    return out


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    return [_without_nulls(v) for v in value] if isinstance(value, list) else value


def _sprint_s(value: Any) -> str:
    """fmt's %s of a value decoded into interface{}: a string bare, any other scalar `%!s(int64=1)`."""
    if isinstance(value, dict):
        return "map[" + " ".join(f"{k}:{_sprint_s(v)}" for k, v in sorted(value.items())) + "]"
    if isinstance(value, list):
        return "[" + " ".join(map(_sprint_s, value)) + "]"
    if isinstance(value, str):
        return value
    return "%!s(<nil>)" if value is None else f"%!s({go_type(value)}={sprint_v(value)})"


def _bad_patch_type(directive: Any, where: dict[str, Any]) -> PatchError:
    """mergepatch.ErrBadPatchType of a `$patch` neither replace nor delete (nor, in a list, merge): its %s and
    the map's %v, the handler's 500."""
    return PatchError(f"unknown patch type: {_sprint_s(directive)} in map: {sprint_v(where)}", internal=True)


def strategic_merge(target: Any, patch: Any, where: Where = "") -> Any:
    """Strategic merge patch of a map; `where`: the definition of its type, for the list merge keys
    (mergekeys.root)."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    if _DIRECTIVE in patch:  # (handleDirectiveInMergeMap)
        if patch[_DIRECTIVE] == "replace":
            return {k: copy.deepcopy(v) for k, v in patch.items() if k != _DIRECTIVE}
        if patch[_DIRECTIVE] == "delete":
            return None
        raise _bad_patch_type(patch[_DIRECTIVE], patch)
    out = copy.deepcopy(target) if isinstance(target, dict) else {}
    if _RETAIN in patch and not isinstance(retain := patch[_RETAIN], list):
        raise PatchError("invalid patch format of retainKeys", bad_request=True)
    if _RETAIN in patch:
        out = {k: v for k, v in out.items() if k in retain}
    ordered = _ordered_lists(out, patch, where)
    for k, v in patch.items():
        if k in (_DIRECTIVE, _RETAIN) or k.startswith(_ORDER) or k in ordered:
            continue
        if k.startswith(_DELETE_PRIMITIVE):
            field = k[len(_DELETE_PRIMITIVE):]
            if isinstance(out.get(field), list) and isinstance(v, list):
                out[field] = [x for x in out[field] if x not in v]
            continue
        if v is None:
            out.pop(k, None)
        elif k not in out and _directive_map(v):  # (removeDirectives: a map holding `$patch` is no value)
            continue
        elif k in out and isinstance(v, dict | list) and type(out[k]) is not type(v):  # (taken whole, as k absent)
            if _directive_map(v):
                out.pop(k)
            else:
                out[k] = _as_given(v)
        elif isinstance(v, dict):
            merged = strategic_merge(out.get(k), v, under(where, k))
            if merged is None:
                out.pop(k, None)
            else:
                out[k] = merged
        elif isinstance(v, list):
            out[k] = _merge_list(out.get(k), v, where, k)
        else:
            out[k] = copy.deepcopy(v)
    return out


def _ordered_lists(out: dict[str, Any], patch: dict[str, Any], where: Where) -> set[str]:
    """mergePatchIntoOriginal: each list a `$setElementOrder/<field>` names (kubectl's client-side apply sends
    one for every merged list it changes) merged into `out` and put in that order: the elements it names in its
    order, the server's others in theirs, interleaved by their place on the server. The fields done."""
    done = set()
    for directive, order in patch.items():
        if not directive.startswith(_ORDER):
            continue
        field = directive[len(_ORDER):]
        for value, there in ((order, True), (out.get(field), field in out), (patch.get(field), field in patch)):
            if there and not isinstance(value, list):  # (mergepatch.ErrBadArgType, the handler's 500)
                got = "%!s(<nil>)" if value is None else go_type(value)  # (%s of reflect.TypeOf: a nil has none)
                raise PatchError(f"expected a []interface {{}}, but received a {got}", internal=True)
        if field not in out and field not in patch:
            continue
        found = out.get(field)
        original: list[Any] = found if isinstance(found, list) else []
        merged = _merge_list(out.get(field), patch[field], where, field) if field in patch else list(original)
        key = None if merges_primitives(where, field) else merge_key(where, field)

        def ident(e: Any, key: str | None = key) -> Any:
            return e.get(key) if key is not None and isinstance(e, dict) else e
        named = [ident(e) for e in order]
        in_order = sorted((e for e in merged if ident(e) in named), key=lambda e: named.index(ident(e)))
        on_server = [ident(e) for e in original]
        server_only = [e for e in merged if ident(e) not in named]
        server_only.sort(key=lambda e: on_server.index(ident(e)) if ident(e) in on_server else len(on_server))
        out[field] = _in_order(server_only, in_order, original, ident)
        done.add(field)
    return done


def _merge_list(target: Any, patch: list[Any], where: Where, field: str) -> list[Any]:
    if not isinstance(target, list):  # (mergeMap: a list the object lacks is the patch's, without directives or
        # nulls, not merged: items that share a key or repeat stay)
        return [_as_given(v) for v in patch if not _directive_map(v)]
    current = target
    for e in patch:  # (mergeSliceWithSpecialElements: each item's directive checked before any is done)
        if isinstance(e, dict) and _DIRECTIVE in e and e[_DIRECTIVE] not in ("delete", "replace"):
            if e[_DIRECTIVE] == "merge":
                raise PatchError("merging lists cannot yet be specified in the patch", internal=True)
            raise _bad_patch_type(e[_DIRECTIVE], e)
    if any(isinstance(e, dict) and e.get(_DIRECTIVE) == "replace" for e in patch):
        return [copy.deepcopy(e) for e in patch if not (isinstance(e, dict) and _DIRECTIVE in e)]
    if merges_primitives(where, field):
        if not all(isinstance(x, str | int | float | bool) or x is None for x in patch):
            raise PatchError(f"unable to merge a list of primitives with an element that is not one: {patch!r}")
        return _in_order([x for x in current if x not in patch], list(dict.fromkeys(patch)), current,
                         lambda x: x)
    key = merge_key(where, field)
    if key is None:
        return [copy.deepcopy(e) for e in patch]
    maps = {isinstance(e, dict) for e in [*current, *patch]}
    if len(maps) > 1:  # (sliceElementType: maps and others)
        raise PatchError(f"list element types are not identical: {sprint_v([current, patch])}", internal=True)
    if maps == {False}:  # scalars, whatever the merge key: both lists, each value once (deduplicateScalars)
        return list({(type(e).__name__, e): e for e in [*current, *patch]}.values())
    merged: dict[Any, Any] = {}
    deleted = set()
    for e in patch:
        if not isinstance(e, dict) or key not in e:
            raise PatchError(f"map: {sprint_v(e)} does not contain declared merge key: {key}", internal=True)
        named = _Uncomparable.of(e[key])
        if e.get(_DIRECTIVE) == "delete":
            deleted.add(named)
            continue
        base = merged.get(named) or next((c for c in current if isinstance(c, dict) and c.get(key) == e[key]), {})
        merged[named] = strategic_merge(base, e, under(where, field))
    if (odd := next((k for k in merged if isinstance(k, _Uncomparable)), None)) is not None:
        # (partitionMapsByPresentInList compares the patch's keys with ==, which panics on a map or a slice)
        raise HandlerPanic(f"comparing uncomparable type {odd.go_type} (a strategic merge patch's merge key)")
    server_only = [copy.deepcopy(c) for c in current
                   if not (isinstance(c, dict) and (c.get(key) in merged or c.get(key) in deleted))]
    return _in_order(server_only, list(merged.values()), current,
                     lambda e: e.get(key) if isinstance(e, dict) else e)


def _as_given(value: Any) -> Any:
    """removeDirectives of a patch value the object lacks (a map holding `$patch` dropped) and its nulls
    discarded (discardNullValuesFromPatch)."""
    if isinstance(value, dict):
        return {k: _as_given(v) for k, v in value.items() if v is not None and not _directive_map(v)}
    return [_as_given(v) for v in value if not _directive_map(v)] if isinstance(value, list) else value


def _directive_map(value: Any) -> bool:
    return isinstance(value, dict) and _DIRECTIVE in value


class _Uncomparable:
    """A merge key's value Go cannot compare with == (a map or a slice), as a key of the merged items."""

    def __init__(self, value: Any) -> None:
        self.go_type = "map[string]interface {}" if isinstance(value, dict) else "[]interface {}"

    @staticmethod
    def of(value: Any) -> Any:
        return _Uncomparable(value) if isinstance(value, dict | list) else value


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
