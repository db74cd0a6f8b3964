"""Server-side apply as structured-merge-diff's Updater.Apply does it, on the object's type (fieldsets.py: the
release's types, or a custom resource's schema and its list and map markers): the configuration merged into
the live object (typed.Merge), what its manager applied before and names no more pruned unless another
manager owns it (prune, addBackOwnedItems, addBackDanglingItems), and the fields it would take from other
managers, which are conflicts unless it forces.

Why typed, and not by field names: a custom resource's `containers` may be an atomic list and its `selector`
a granular map; what merges by key, what is kept whole and what conflicts is what the schema says.
Nothing here does I/O.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .fieldsets import (
    MISSING,
    FieldSet,
    Path,
    atomic,
    element_order,
    field_type,
    item_element,
    recursive_difference,
    resolve,
    root,
    shape_of,
    to_field_set,
)
from .managedfields import Differences, Who, convertible, identifier, in_version

Conflict = tuple[Who, Path]


@dataclass
class Applied:
    """The object the apply makes, and the fields it takes from other managers (ordered as the apiserver
    lists them)."""

    obj: Any
    conflicts: list[Conflict]
    # structured-merge-diff's pruned merge, before the decoder (its nulls kept, a container prune empties left a
    # null): what the field manager compares the live object with, for conflicts and for what the other
    # managers lose (Updater.Apply's update, after its prune)
    merged: Any = None


def apply(live: dict[str, Any], config: dict[str, Any], node: Any, managers: Mapping[Who, FieldSet], me: Who,
          reset: FieldSet, *, nulls: bool = False, versions: Mapping[Who, str] | None = None) -> Applied:
    """`config` applied by `me` to `live` (managedFields apart), where `managers` own what they own (each
    compared in the API version it wrote, `versions`) and the strategy resets `reset` (`nulls`: keep the
    configuration's nulls, as a custom resource's object does)."""
    mine = recursive_difference(to_field_set(config, node), reset)
    version = str(config.get("apiVersion", ""))
    wrote = versions or {}
    # a manager the converter cannot reach (one of another group: an Event through its other API) is dropped
    # before anything is compared (Updater.update), and an applier that was one has nothing to prune
    managers = {w: owned for w, owned in managers.items() if convertible(wrote.get(w) or version, version)}
    last = managers.get(me, frozenset())
    now = {**managers, me: mine}

    new = merge(live, config, node, nulls=nulls)
    # the field manager compares the typed object, where a configuration's null is a value that replaces the
    # live one (a conflict with its owner) and a map prune empties is a null (its owner of the map keeps it); a
    # built-in's decoder drops both only afterwards (without them the two objects are one)
    compared = merge(live, config, node, nulls=True) if not nulls and _holds_null(config) else new
    if last:
        written_in = {w: version if w == me else wrote.get(w) or version for w in now}
        owned = {v: frozenset().union(*(s for w, s in now.items() if written_in[w] == v))
                 for v in set(written_in.values())}
        kind = str(live.get("kind") or config.get("kind") or "")

        def typed(v: str) -> Any:
            return node if v == version else root(v, kind) or node
        last_version = wrote.get(me) or version
        new, compared = (in_version(_pruned(in_version(v, last_version), typed, last_version, owned, last, emptied),
                                    version)
                         for v, emptied in ((new, nulls), (compared, True)))
    differences = Differences(live, compared, node, reset, version)

    def changed(who: Who) -> FieldSet:
        added, modified, _ = differences(wrote.get(who, ""))
        return added | modified
    conflicts = [(who, p) for who, owned in managers.items() if who != me for p in owned & changed(who)]
    conflicts.sort(key=lambda c: (identifier(c[0]), set_order(c[1])))
    return Applied(new, conflicts, compared)


def _holds_null(value: Any) -> bool:
    if isinstance(value, dict):
        return any(v is None or _holds_null(v) for v in value.values())
    return isinstance(value, list) and any(v is None or _holds_null(v) for v in value)


def _merged_as_empty(node: Any, live: Any) -> bool:
    """Whether a configuration's null leaves the live value as it is: structured-merge-diff merges a null
    map, struct or list that is not atomic as an empty one (its doMap, doList; a null of a deduced type, as
    x-kubernetes-preserve-unknown-fields has, is handled as a map first), so the live items stay; a null scalar
    or atomic value replaces the live one."""
    if not isinstance(live, dict | list) or not live:
        return False
    t = resolve(node)
    shape = "map" if isinstance(live, dict) else "list"
    return t.get("k") in (shape, "~") and not atomic(t, shape)  # (a deduced map is separable, its list atomic)


def merge(lhs: Any, rhs: Any, node: Any, *, nulls: bool = False) -> Any:
    """typed.Merge with the right-hand side kept: maps key by key, list-maps and sets item by item in
    structured-merge-diff's order, atomic ones and scalars replaced. A null in the configuration is kept where
    `nulls` (a custom resource: validation judges it), else it removes a struct's field (a built-in's Go
    type decodes it to nothing); a null container that is not atomic leaves the live one as it is."""
    if rhs is MISSING:
        return copy.deepcopy(lhs)
    if lhs is MISSING:
        return copy.deepcopy(rhs)
    t = resolve(node)
    kind = shape_of(t, rhs)
    if kind == "map" and isinstance(lhs, dict) and isinstance(rhs, dict) and not atomic(t, "map"):
        out: dict[str, Any] = {}
        for k in dict.fromkeys([*lhs, *rhs]):
            if k in rhs and rhs[k] is None and _merged_as_empty(field_type(t, k)[0], lhs.get(k)):
                out[k] = copy.deepcopy(lhs[k])
                continue
            if k in rhs and rhs[k] is None and not nulls and field_type(t, k)[1]:
                continue  # (a map's entry stays, as null: its Go decoder makes it the element's zero value)
            out[k] = merge(lhs.get(k, MISSING), rhs.get(k, MISSING), field_type(t, k)[0], nulls=nulls)
        return out
    if kind == "list" and isinstance(lhs, list) and isinstance(rhs, list) and not atomic(t, "list") \
            and (lhs or rhs):
        l_ids, r_ids = [item_element(t, e) for e in lhs], [item_element(t, e) for e in rhs]
        if None not in l_ids and None not in r_ids:
            return merged_in_order(lhs, rhs, l_ids, r_ids, lambda a, b: merge(a, b, t.get("e"), nulls=nulls))
    return copy.deepcopy(rhs)


def merged_in_order(lhs: list[Any], rhs: list[Any], l_ids: list[Any], r_ids: list[Any],
                    merge_items: Callable[[Any, Any], Any]) -> list[Any]:
    """structured-merge-diff's visitListItems: the live items (lhs) and the applied ones (rhs), told apart by
    their ids, walked together; an item in both is merged where the applied list has it, in the applied
    order, and a live item the applied list does not name stays where it was."""
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
                out.append(merge_items(in_lhs[l_ids[li]], in_rhs[r_ids[ri]]))
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
            out.append(merge_items(in_lhs[rid], in_rhs[rid]) if rid in in_lhs else copy.deepcopy(rhs[ri]))
            ri += 1
            if next_shared is not None and next_shared == rid:
                next_shared = shared.pop(0) if shared else None
    return out


def _pruned(merged: Any, typed: Callable[[str], Any], version: str, owned: Mapping[str, FieldSet], last: FieldSet,
            emptied: bool) -> Any:
    """Updater.prune, in the version the applier last applied in (`merged` converted to it): remove what `last`
    (its set then) holds; put back what any manager owns now, in each version one wrote in, the pruned and the
    merged object converted to it (addBackOwnedItems, that version first); then remove from the merged object
    only what was `last`'s and stayed out (addBackDanglingItems). A map that empties stays a null where
    `emptied`: in the typed object, and in a custom resource's, which keeps nulls."""
    node = typed(version)
    merged_set = named_members(to_field_set(merged, node), node)
    pruned = remove_items(merged, named_members(last, node), node, emptied=True)
    at, whole = version, merged

    def converted(value: Any, to: str) -> Any:
        return value if value is None or to == at else in_version(value, to)  # (Converter.Convert: no-op if same)
    for v in sorted(owned, key=lambda v: (v != version, v)):
        at_node = typed(v)
        whole, pruned = converted(whole, v), converted(pruned, v)
        kept = named_members(to_field_set(pruned, at_node), at_node) | named_members(owned[v], at_node)
        pruned = remove_items(whole, named_members(to_field_set(whole, at_node), at_node) - kept, at_node,
                              emptied=True)
        at = v
    pruned = converted(pruned, version)
    dangling = merged_set - named_members(to_field_set(pruned, node), node)
    return remove_items(merged, dangling & named_members(last, node), node, emptied=emptied)


def named_members(s: FieldSet, node: Any) -> FieldSet:
    """Set.EnsureNamedFieldsAreMembers: every struct field the set reaches into is a member too."""
    out = set(s)
    declared: dict[Path, bool] = {}
    for p in s:
        for depth in range(1, len(p)):
            prefix = p[:depth]
            if prefix not in declared:
                declared[prefix] = _declared(prefix, node)
            if declared[prefix]:
                out.add(prefix)
    return frozenset(out)


def _declared(path: Path, node: Any) -> bool:
    """Whether the path ends at a declared field of a struct."""
    t, known = resolve(node), False
    for element in path:
        if element.startswith("f:"):
            sub, known = field_type(t, element[2:])
        else:
            sub, known = t.get("e"), False
        t = resolve(sub)
    return known


def remove_items(value: Any, s: FieldSet, node: Any, *, emptied: bool = False) -> Any:
    """typed.RemoveItems: `value` without the members of `s`. A map's field left empty becomes a null there,
    which the apiserver drops when it decodes the object; `emptied` keeps it (a field set still has it, as a
    leaf: prune's next steps see it)."""
    return _remove(value, _trie(s), node, emptied)


_MEMBER = "."  # (no path element is ".")


def _trie(s: FieldSet) -> dict[str, Any]:
    root: dict[str, Any] = {}
    for p in s:
        at = root
        for element in p:
            at = at.setdefault(element, {})
        at[_MEMBER] = {}
    return root


def _remove(value: Any, trie: dict[str, Any], node: Any, emptied: bool = False) -> Any:
    t = resolve(node)
    kind = shape_of(t, value)
    if kind == "list" and isinstance(value, list) and value and not atomic(t, "list"):
        items = []
        for item in value:
            element = item_element(t, item)
            below = trie.get(element) if element is not None else None
            if below is None:
                items.append(item)
            elif _MEMBER not in below and (kept := _remove(item, below, t.get("e"), emptied)) is not None:
                items.append(kept)
        return items or None
    if kind == "map" and isinstance(value, dict) and value and not atomic(t, "map"):
        out = {}
        for k, v in value.items():
            below = trie.get(f"f:{k}")
            if below is None:
                out[k] = v
            elif _MEMBER not in below and ((kept := _remove(v, below, field_type(t, k)[0], emptied)) is not None
                                            or emptied):
                out[k] = kept
        return out or None
    return None if kind != "scalar" else value


def set_order(path: Path) -> tuple[Any, ...]:
    """A field's place in structured-merge-diff's iteration of a set: at each level the members first, then
    the subtrees, each in element order."""
    return tuple((0 if depth == len(path) - 1 else 1, element_order(e)) for depth, e in enumerate(path))


def display(who: Who) -> str:
    """A manager as a conflict names it: an applier by name, an updater with the API version it wrote."""
    name, _, version, subresource = who
    sub = f' with subresource "{subresource}"' if subresource else ""
    return f'"{name}"{sub} using {version}' if version else f'"{name}"{sub}'

