"""Field sets as structured-merge-diff computes them for managedFields: what an applied configuration sets
(ToFieldSet), what an update added, changed and removed (Compare), and the FieldsV1 form they are written in.

A set is a frozenset of paths; a path is a tuple of path elements as FieldsV1 spells them: `f:name` (a struct's
field or a map's key), `k:{"name":"c"}` (an item of a keyed list, its keys sorted by name), `v:"x"` (an item
of a set). A set holds a map, a struct or an item itself (`.` in FieldsV1) only where the walk inserts it:
Compare inserts a node that appeared or went as a whole, ToFieldSet every list item and every map entry, and
both treat an empty map or list as a leaf.

The types come from smd_types.json (tests/peers/realkube/smdtypes.py writes it from the release's OpenAPI):
a node is a type's name, a scalar's kind ("s" string, "n" numeric, "b" boolean, "" untyped; "*" any value as
one leaf, a RawExtension as kube-openapi hard-codes it), "~" for a
value that is its own schema (maps granular, lists atomic), or a map or list node. Nothing here does I/O
but reading that file once.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from ..wire.gostrings import quote, sprint_v
from .decoding import json_number
from .govalues import SentQuantity, go_quantity

Path = tuple[str, ...]
FieldSet = frozenset[Path]
MISSING: Any = object()  # a field that is not there (Go's nil value), unlike a null


@cache
def _types() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(resources.files(__package__).joinpath("smd_types.json").read_text())
    return data


def root(api_version: str, kind: str) -> Any:
    """The type of a built-in kind's objects, None for a kind the release does not have (a custom resource)."""
    return _types()["roots"].get(f"{api_version}/{kind}")


def custom_root(schema: Any) -> Any:
    """The type of a custom resource's objects, from its definition's structural schema as the apiextensions
    apiserver builds it: the schema's markers (list types and keys, atomic maps), lists atomic and maps
    granular where it names none, and `metadata` the built-in ObjectMeta."""
    node = _from_schema(schema if isinstance(schema, dict) else {})
    fields = dict(node.get("f") or {}) if isinstance(node, dict) else {}
    return {"k": "map", "f": {**fields, "apiVersion": "s", "kind": "s", "metadata": "apis.meta.v1.ObjectMeta"}}


def _from_schema(s: dict[str, Any]) -> Any:
    if s.get("x-kubernetes-int-or-string") and not s.get("type"):
        return "~"  # no type: any value (one given wins: schemaconv reads the type, not the marker)
    props, extra = s.get("properties"), s.get("additionalProperties")
    if s.get("type") == "array":
        given = s.get("items")
        items: dict[str, Any] = given if isinstance(given, dict) else {}
        node: dict[str, Any] = {"k": "list", "r": s.get("x-kubernetes-list-type") or "atomic", "e": _from_schema(items)}
        if keys := s.get("x-kubernetes-list-map-keys"):
            node["keys"] = list(keys)
            defaults = {k: v["default"] for k, v in (items.get("properties") or {}).items()
                        if k in keys and isinstance(v, dict) and "default" in v}
            if defaults:
                node["d"] = defaults
        return node
    if s.get("type") == "object" or props or extra:
        if not props and not isinstance(extra, dict):
            return "~" if s.get("x-kubernetes-preserve-unknown-fields") or extra is True else {"k": "map"}
        node = {"k": "map", "f": {k: _from_schema(v) for k, v in (props or {}).items() if isinstance(v, dict)}}
        if s.get("x-kubernetes-map-type") == "atomic":
            node["a"] = True
        if isinstance(extra, dict):
            node["e"] = _from_schema(extra)
        return node
    return "~" if s.get("x-kubernetes-preserve-unknown-fields") else scalar_kind(s)


def scalar_kind(s: dict[str, Any]) -> str:
    """A scalar's kind as kube-openapi's schemaconv (convertPrimitive) reads an OpenAPI schema: "n" numeric,
    "s" string (no format, or base64 bytes), "b" boolean, "" untyped (any other format: a time); "~" without
    a type (an int-or-string, a Duration: any value, a list or a map too). Only the typing of an applied
    configuration tells them apart (typedpatch.py)."""
    kind, fmt = s.get("type"), s.get("format", "")
    if not kind:
        return "~"
    if kind in ("integer", "number"):
        return "n"
    if kind == "string" and fmt in ("", "byte"):
        return "s"
    return "b" if kind == "boolean" else ""


_DEDUCED: dict[str, Any] = {"k": "~"}
_SCALARS: dict[str, dict[str, Any]] = {s: {"k": "", "s": s} for s in ("", "s", "n", "b", "*")}


def resolve(node: Any) -> dict[str, Any]:
    if isinstance(node, dict):
        return node
    if node in _SCALARS:
        return _SCALARS[node]
    if node == "~" or node is None:
        return _DEDUCED
    found = _types()["types"].get(node)
    if isinstance(found, str) and found in _SCALARS:  # (a named type that is a leaf: a RawExtension's "*")
        return _SCALARS[found]
    return found if isinstance(found, dict) else _DEDUCED


@cache
def untyped_in_whole_lists(api_version: str, kind: str) -> bool:
    """Whether a built-in kind's objects may hold an untyped scalar (a quantity is one) in an item of a list the
    field manager compares whole, where reflect.DeepEqual compares Go values (a Deployment's quantities are in
    keyed lists' items, compared field by field; managedFields are not compared)."""
    todo: list[tuple[Any, bool]] = [(root(api_version, kind), False)]
    seen: set[tuple[str, bool]] = set()
    while todo:
        node, whole = todo.pop()
        if isinstance(node, str) and node not in _SCALARS and node != "~":
            if (node, whole) in seen:
                continue
            seen.add((node, whole))
        t = resolve(node)
        if t.get("k") == "list":
            todo.append((t.get("e"), whole or atomic(t, "list")))
        elif t.get("k") == "map":
            fields = t.get("f") or {}
            todo.extend((sub, whole) for name, sub in fields.items() if name != "managedFields")
            if "e" in t:
                todo.append((t["e"], whole))
        elif whole and t.get("k") == "" and t.get("s") == "":
            return True
    return False


def shape_of(node: dict[str, Any], value: Any) -> str:
    """"map", "list" or "scalar": the schema's, or the value's where the schema leaves it to the value."""
    if node.get("k") in ("map", "list"):
        return str(node["k"])
    if node.get("k") == "~":
        return "map" if isinstance(value, dict) else "list" if isinstance(value, list) else "scalar"
    return "scalar"


def atomic(node: dict[str, Any], shape: str) -> bool:
    if shape == "list":
        return bool(node.get("r", "atomic") == "atomic")  # (a deduced list is atomic)
    return bool(node.get("a"))


def field_type(node: dict[str, Any], key: str) -> tuple[Any, bool]:
    """A map's or struct's entry `key`: its type, and whether it is a declared field of a struct."""
    declared = node.get("f") or {}
    if key in declared:
        return declared[key], True
    return node.get("e", "~" if node.get("k") == "~" else None), False


def _json(value: Any) -> str:
    """value.ToJSON of a key or a set's item: a float as Go writes it (80.0 as 80)."""
    if isinstance(value, float):
        return json_number(value)
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(k, ensure_ascii=False)}:{_json(v)}" for k, v in value.items()) + "}"
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def item_element(node: dict[str, Any], item: Any) -> str | None:
    """The path element of a keyed list's or a set's item (keys sorted by name, missing ones defaulted)."""
    keys = node.get("keys")
    if keys:
        if not isinstance(item, dict):
            return None
        defaults = node.get("d") or {}
        fields = {k: item[k] if k in item else defaults[k] for k in keys if k in item or k in defaults}
        return "k:" + _json(dict(sorted(fields.items()))) if fields else None
    return None if isinstance(item, (dict, list)) or item is None else "v:" + _json(item)


def _items(node: dict[str, Any], items: Any) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for item in items if isinstance(items, list) else []:
        element = item_element(node, item)
        if element is not None:
            out.setdefault(element, []).append(item)
    return out


def _same(a: Any, b: Any, deep: bool = False) -> bool:
    """value.Equals: maps whatever their keys' order, an integer equal to the same float, a bool no number; a list
    (`deep` within one) as reflect.DeepEqual compares Go values: an empty list or map sent unlike none (Held), a
    quantity as ParseQuantity holds it (SentQuantity)."""
    if isinstance(a, dict) and isinstance(b, dict):
        if deep and getattr(a, "held", frozenset()) != getattr(b, "held", frozenset()):
            return False
        return a.keys() == b.keys() and all(_same(v, b[k], deep) for k, v in a.items())
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y, True) for x, y in zip(a, b, strict=True))
    if isinstance(a, str) and isinstance(b, str):
        if deep and (isinstance(a, SentQuantity) or isinstance(b, SentQuantity)):
            return bool(go_quantity(a, b) == go_quantity(b, a))
        return a == b
    numbers = (int, float)
    if isinstance(a, numbers) and isinstance(b, numbers) and not isinstance(a, bool) and not isinstance(b, bool):
        return bool(a == b)
    return type(a) is type(b) and bool(a == b)


class _Comparison:
    def __init__(self) -> None:
        self.added: set[Path] = set()
        self.modified: set[Path] = set()
        self.removed: set[Path] = set()

    def walk(self, path: Path, lhs: Any, rhs: Any, node: Any) -> None:
        """typed.compareWalker.compare: leaves are added, modified or removed; a node whose one side is
        missing is added or removed itself after its contents."""
        t = resolve(node)
        shape = shape_of(t, rhs if rhs is not MISSING else lhs)
        if t.get("k") == "~" and None in (lhs, rhs) and (isinstance(lhs, dict) or isinstance(rhs, dict)):
            shape = "map"  # (a null of a deduced type is walked as its map first: deduceAtom, handleAtom)
        leaf = True
        if shape == "map":
            leaf = self._map(path, lhs, rhs, t)
        elif shape == "list":
            leaf = self._list(path, lhs, rhs, t)
        if leaf:
            self._leaf(path, lhs, rhs)
        elif lhs is MISSING:
            self.added.add(path)
        elif rhs is MISSING:
            self.removed.add(path)

    def _leaf(self, path: Path, lhs: Any, rhs: Any) -> None:
        if lhs is MISSING:
            self.added.add(path)
        elif rhs is MISSING:
            self.removed.add(path)
        elif not _same(lhs, rhs):
            self.modified.add(path)

    def _map(self, path: Path, lhs: Any, rhs: Any, t: dict[str, Any]) -> bool:
        left = lhs if isinstance(lhs, dict) else None
        right = rhs if isinstance(rhs, dict) else None
        if atomic(t, "map") or (not left and not right):
            return True
        for key in dict.fromkeys([*(left or {}), *(right or {})]):
            sub, _ = field_type(t, key)
            self.walk((*path, f"f:{key}"), (left or {}).get(key, MISSING), (right or {}).get(key, MISSING), sub)
        return False

    def _list(self, path: Path, lhs: Any, rhs: Any, t: dict[str, Any]) -> bool:
        left = lhs if isinstance(lhs, list) else None
        right = rhs if isinstance(rhs, list) else None
        if atomic(t, "list") or (not left and not right):
            return True
        lefts, rights = _items(t, left), _items(t, right)
        for element in dict.fromkeys([*lefts, *rights]):
            ls, rs = lefts.get(element, []), rights.get(element, [])
            at = (*path, element)
            if len(ls) <= 1 and len(rs) <= 1:
                self.walk(at, ls[0] if ls else MISSING, rs[0] if rs else MISSING, t.get("e"))
            elif len(ls) >= 2 and len(rs) >= 2:
                if not _same(ls, rs):
                    self.modified.add(at)
            elif len(ls) >= 2:
                if rs:
                    self.walk(at, MISSING, rs[0], t.get("e"))
                self.removed.add(at)
            else:
                if ls:
                    self.walk(at, ls[0], MISSING, t.get("e"))
                self.added.add(at)
        return False


def compare(old: Any, new: Any, node: Any) -> tuple[FieldSet, FieldSet, FieldSet]:
    """(added, modified, removed) from `old` to `new`, objects of type `node` (TypedValue.Compare)."""
    c = _Comparison()
    c.walk((), old, new, node)
    return frozenset(c.added), frozenset(c.modified), frozenset(c.removed)


def to_field_set(value: Any, node: Any) -> FieldSet:
    """The fields an applied configuration sets (TypedValue.ToFieldSet)."""
    out: set[Path] = set()
    _collect(out, (), value, node)
    return frozenset(out)


def _collect(out: set[Path], path: Path, value: Any, node: Any) -> None:
    t = resolve(node)
    shape = shape_of(t, value)
    if shape == "scalar" or atomic(t, shape):
        out.add(path)
    elif shape == "list" and isinstance(value, list):
        for element, items in _items(t, value).items():
            at = (*path, element)
            if len(items) > 1:  # a duplicate: the item whole
                out.add(at)
                continue
            _collect(out, at, items[0], t.get("e"))
            out.add(at)
    elif shape == "map" and isinstance(value, dict):
        for key, v in value.items():
            sub, declared = field_type(t, key)
            at = (*path, f"f:{key}")
            _collect(out, at, v, sub)
            if v is None or v == {} or not declared:
                out.add(at)


def recursive_difference(s: FieldSet, gone: FieldSet) -> FieldSet:
    """`s` without the members of `gone` and what lies under them (Set.RecursiveDifference)."""
    return frozenset(p for p in s if not any(p[:len(g)] == g for g in gone))


def element_order(element: str) -> tuple[Any, ...]:
    """PathElement.Compare: field names, then keys, then values, then indexes."""
    rank = "fkvi".index(element[0])
    if rank in (1, 2):
        decoded = json.loads(element[2:])
        if rank == 1:
            return (rank, tuple((k, _value_order(v)) for k, v in decoded.items()))
        return (rank, _value_order(decoded))
    return (rank, element[2:] if rank == 0 else int(element[2:]))


def _value_order(v: Any) -> tuple[Any, ...]:
    if isinstance(v, bool):
        return (1, v)
    if isinstance(v, (int, float)):
        return (2, v)
    if isinstance(v, str):
        return (3, v)
    return (0, "")


def fields_v1(s: FieldSet) -> dict[str, Any]:
    """The set in FieldsV1 form: nested objects, `.` first where a node is a member itself, then its
    elements in structured-merge-diff's order."""
    tree: dict[str, Any] = {}
    for path in s:
        node = tree
        for element in path:
            node = node.setdefault(element, {})
        node["."] = {}
    return _emit(tree, top=True)


def _emit(node: dict[str, Any], top: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {}
    children = [k for k in node if k != "."]
    if "." in node and children and not top:
        out["."] = {}
    for k in sorted(children, key=element_order):
        out[k] = _emit(node[k])
    return out


def from_fields_v1(fields: Any, at: Path = ()) -> FieldSet:
    """A FieldsV1 object as a set (a key mapping to an empty object, or holding `.`, is a member). ValueError
    for what structured-merge-diff would not read."""
    out: set[Path] = set()
    if not isinstance(fields, dict):
        raise ValueError("FieldsV1 is not an object")
    for k, v in fields.items():
        if k == ".":
            continue
        if not isinstance(k, str) or k[:2] not in ("f:", "k:", "v:", "i:"):
            raise ValueError(f"not a path element: {k!r}")
        if k[0] in "kv" and (k[0] == "k") != isinstance(json.loads(k[2:]), dict):  # (ValueError: not JSON)
            raise ValueError(f"not a key or a value: {k!r}")
        elif k[0] == "i" and not k[2:].isdigit():
            raise ValueError(f"not an index: {k!r}")
        path = (*at, k)
        if not isinstance(v, dict) or not v or "." in v:
            out.add(path)
        out |= from_fields_v1(v, path)
    return frozenset(out)


def dotted(path: Path) -> str:
    """A field as a conflict prints it (Path.String): `.spec.containers[name="c"].image`, `.finalizers[="x"]`."""
    out = ""
    for element in path:
        kind, text = element[0], element[2:]
        if kind == "f":
            out += "." + text
        elif kind == "k":
            keys = json.loads(text)
            out += "[" + ",".join(f"{k}={_go_value(v)}" for k, v in keys.items()) + "]"
        elif kind == "v":
            out += f"[={_go_value(json.loads(text))}]"
        else:
            out += f"[{text}]"
    return out


def _go_value(v: Any) -> str:
    """value.ToString: strings quoted as Go quotes them, null as null, the rest as %v prints it."""
    return quote(v) if isinstance(v, str) else "null" if v is None else sprint_v(v)
