"""Field ownership as an apply's conflicts and pruning read it: which manager set which fields of an object,
so that an apply changing a field another manager set is a 409 conflict, and a field the applier no longer
names goes unless another manager still owns it.

The owners are read from the object's managedFields (`recorded`), which emulate writes as the field manager
does (managedfields.py): here they are paths to leaves. A manager is (name, apiVersion, subresource): an
applier's apiVersion is "" (its conflicts name it alone), an updater's is the version it wrote, and one that
wrote through /scale says so (`conflict with "kubectl" with subresource "scale" using apps/v1`). An item of a
list the apiserver merges by key (containers by name, a container's ports by port and protocol:
mergekeys.py) is a path segment of its own, `[name="c"]`, and any other list is one field.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..wire.jsonenc import go_json
from .mergekeys import ATOMIC_ITEMS, atomic_fields, key_value, list_map_keys

FieldPath = tuple[str, ...]
Manager = tuple[str, str, str]  # (name, apiVersion written ("" for an applier), subresource written through)
Owners = dict[Manager, frozenset[FieldPath]]

# Fields the apiserver sets itself or that identify the object: nobody owns them.
_NOT_OWNED = frozenset({("kind",), ("apiVersion",), *(("metadata", f) for f in (
    "name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp",
    "deletionGracePeriodSeconds", "managedFields", "selfLink"))})
MAX_MANAGER = 128  # validation.FieldManagerMaxLength


def _item_keys(path: FieldPath, items: list[Any]) -> tuple[str, ...] | None:
    """The keys that tell the items of the list at `path` apart, for a list-map whose items all have its
    first key (an empty one sets no field: structured-merge-diff owns items, not the list); None for a list
    owned whole."""
    names = tuple(k for k in path if not k.startswith("["))
    keys = list_map_keys(names, items)
    if keys is None or not all(isinstance(i, dict) and keys[0] in i for i in items):
        return None
    return keys


def item(keys: tuple[str, ...], element: dict[str, Any]) -> str:
    """A list item as a path segment, as structured-merge-diff prints it: `[containerPort=80,protocol="TCP"]`."""
    return "[" + ",".join(f"{k}={go_json(key_value(element, k)).decode()}" for k in keys) + "]"


def fields(doc: dict[str, Any], at: FieldPath = (), atomic: frozenset[str] | None = None) -> frozenset[FieldPath]:
    """The fields a document sets: paths to its leaves (an empty map sets none; an atomic map or struct of a
    built-in type is one field; a list merged by key, its items' fields; any other list is one field)."""
    if atomic is None:
        atomic = atomic_fields(doc)
    out: set[FieldPath] = set()
    for k, v in doc.items():
        path = (*at, k)
        if isinstance(v, dict) and k not in atomic:
            out |= fields(v, path, atomic)
        elif isinstance(v, list) and (keys := _item_keys(path, v)) is not None:
            for element in v:
                segment = (*path, item(keys, element))
                kept_whole = k in ATOMIC_ITEMS and bool(atomic)  # (a custom resource keeps nothing whole)
                out |= {segment} if kept_whole else fields(element, segment, atomic)
        elif path not in _NOT_OWNED:
            out.add(path)
    return frozenset(out)


def overlap(a: FieldPath, b: FieldPath) -> bool:
    return a[:len(b)] == b or b[:len(a)] == a


def _along(obj: Any, path: FieldPath) -> list[Any]:
    """The values along `path`, from `obj` itself to the one at its end (None past a missing field); an item
    segment finds the list's item by its keys."""
    nodes = [obj]
    for depth, k in enumerate(path):
        node = nodes[-1]
        if k.startswith("[") and isinstance(node, list):
            keys = _item_keys(path[:depth], node)
            nodes.append(next((e for e in node if keys is not None and item(keys, e) == k), None))
        else:
            nodes.append(node.get(k) if isinstance(node, dict) else None)
    return nodes


def value(obj: Any, path: FieldPath) -> Any:
    """The value at `path` (None where there is none)."""
    return _along(obj, path)[-1]


def is_key(path: FieldPath) -> bool:
    """Whether the field is the (first) key of a list item: `[name="c"]`'s `name`."""
    return len(path) > 1 and path[-2].startswith(f"[{path[-1]}=")


def without(obj: dict[str, Any], path: FieldPath) -> None:
    """Remove the field at `path`, if it is there, as structured-merge-diff removes what an applier no longer
    names: a list item whose key goes, goes whole, and a map or an item this leaves empty goes with it."""
    nodes = _along(obj, path[:-1])  # the containers along the path, from the root
    if not isinstance(nodes[-1], dict) or path[-1] not in nodes[-1]:
        return
    if is_key(path):
        nodes[-1].clear()  # the item's key: the item goes
    else:
        del nodes[-1][path[-1]]
    for depth in range(len(nodes) - 1, 0, -1):  # containers left empty, innermost first
        node, parent = nodes[depth], nodes[depth - 1]
        if node:
            break
        if isinstance(parent, list):
            parent.remove(node)
        elif isinstance(parent, dict):
            parent.pop(path[depth - 1], None)


def dotted(path: FieldPath) -> str:
    """A field as a conflict prints it: `.spec.template.spec.containers[name="c"].image`."""
    return "".join(k if k.startswith("[") else "." + k for k in path)


_KEY_VALUE = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|[^,\]]*)')


def _element_order(segment: str) -> tuple[Any, ...]:
    """A path element's place among its siblings (PathElement.Compare): field names first, by name, then
    list items, by their keys' values (numbers before strings)."""
    if not segment.startswith("["):
        return (0, segment)
    values = [json.loads(v) if v else "" for _, v in _KEY_VALUE.findall(segment)]
    return (1, tuple((0, v, "") if isinstance(v, int | float) else (1, 0, str(v)) for v in values))


def set_order(path: FieldPath) -> tuple[Any, ...]:
    """A field's place in structured-merge-diff's iteration of a set, which orders the conflicts of one
    manager: at each level the leaves come first, then the subtrees, each in element order
    (`.image` before `.env[name="A"].value`)."""
    return tuple((0 if depth == len(path) - 1 else 1, _element_order(k)) for depth, k in enumerate(path))


def identifier(m: Manager) -> str:
    """A manager as structured-merge-diff identifies it (BuildManagerIdentifier), which orders conflicts."""
    entry = {"manager": m[0], "operation": "Update" if m[1] else "Apply", "apiVersion": m[1], "subresource": m[2]}
    return json.dumps({k: v for k, v in entry.items() if v}, separators=(",", ":"))


def display(m: Manager) -> str:
    """A manager as a conflict names it."""
    sub = f' with subresource "{m[2]}"' if m[2] else ""
    return f'"{m[0]}"{sub} using {m[1]}' if m[1] else f'"{m[0]}"{sub}'


def manager_name(field_manager: str, user_agent: str) -> str:
    """An updater's name: its fieldManager, else its User-Agent up to the first "/" (printable characters,
    at most 128 bytes), else "unknown" (handlers/create.go prefixFromUserAgent, BuildManagerIdentifier)."""
    if field_manager:
        return field_manager
    out = ""
    for ch in user_agent.split("/")[0]:
        if not ch.isprintable():
            continue
        if len((out + ch).encode()) > MAX_MANAGER:
            break
        out += ch
    return out or "unknown"


def recorded(obj: dict[str, Any] | None) -> Owners:
    """The owners an object's managedFields name (FieldsV1), for writes to the main resource."""
    out: Owners = {}
    meta = (obj or {}).get("metadata")
    entries = meta.get("managedFields") if isinstance(meta, dict) else None
    for e in entries if isinstance(entries, list) else []:
        if not isinstance(e, dict) or not isinstance(e.get("fieldsV1"), dict):
            continue
        if e.get("subresource") not in (None, "", "scale", "finalize"):
            continue  # a /status writer's fields are never written through the main resource
        m = (str(e.get("manager", "")), "" if e.get("operation") == "Apply" else str(e.get("apiVersion", "")),
             str(e.get("subresource") or ""))
        atomic = atomic_fields(obj or {})
        owned = frozenset(f for f in _paths(e["fieldsV1"], ()) if not _granular_map(obj, f, atomic))
        if owned:
            out[m] = out.get(m, frozenset()) | owned
    return out


def _granular_map(obj: Any, path: FieldPath, atomic: frozenset[str]) -> bool:
    """A map the object holds at `path` that is not kept whole: owned as itself (it added the map), it owns
    none of its keys, as `fields` counts an applied one."""
    return isinstance(value(obj, path), dict) and path[-1] not in atomic


def _paths(node: dict[str, Any], at: FieldPath) -> set[FieldPath]:
    """FieldsV1's `f:` keys as paths, its `k:{"name":"c"}` items as item segments; a list of `v:` or `i:`
    items is one field; a map or an item with only `.` (itself) owns no leaf."""
    out: set[FieldPath] = set()
    for k, v in node.items():
        if k.startswith("f:"):
            path = (*at, k[2:])
        elif k.startswith("k:"):
            try:
                keys = json.loads(k[2:])
            except ValueError:
                continue
            if not isinstance(keys, dict):
                continue
            path = (*at, item(tuple(keys), keys))
        else:
            continue
        children = [c for c in v if c != "."] if isinstance(v, dict) else []
        if not children and k.startswith("k:") and not (isinstance(v, dict) and "." in v):
            out |= {(*path, key) for key in keys}  # an item owned whole (atomic): its keys stand for it
        elif not children:
            if not (isinstance(v, dict) and "." in v):
                out.add(path)
        elif any(c.startswith(("v:", "i:")) for c in children):
            out.add(path)
        else:
            out |= _paths(v, path)
    return out
