"""An applied configuration on its way to its Go type, and the 500s (without a reason) it meets there, in
the words of the package that refuses it.

structured-merge-diff types the configuration first (ObjectToTyped: "failed to create typed patch object"):
a value of the wrong shape for its field, a field its type does not declare, an item of a keyed list or a
set it cannot name, or names twice. Merged with the live object, the result is then decoded into the Go
struct by the unstructured converter ("failed to convert new object … to proper version"): a fraction for
an integer, bad base64, a quantity, time or int-or-string that its own decoder refuses. sigs.k8s.io/yaml
keeps an apply patch's whole numbers int64 and the rest float64, which is how they are printed here.
"""

from __future__ import annotations

from typing import Any

from ..wire.gostrings import quote, sprint_v
from .decoding import go_type
from .fieldsets import dotted, field_type, item_element, resolve
from .goorder import Undecodable, encoded


def decoded(value: Any) -> Any:
    """An applied configuration's numbers as the apiserver decodes an apply patch (yaml.Unmarshal with
    json.Number, then ConvertMapNumbers): an int64 where the number is a whole one that fits, else a
    float64 (`80.0` is the whole 80 once in a Go type, and prints so)."""
    if isinstance(value, dict):
        return {k: decoded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decoded(v) for v in value]
    if isinstance(value, int | float) and not isinstance(value, bool):
        whole = isinstance(value, int) or value.is_integer()
        return int(value) if whole and -2**63 <= value < 2**63 else float(value)
    return value


def _sharp(value: Any) -> str:
    """fmt's %#v of an interface{} value from encoding/json."""
    if value is None:
        return "interface {}(nil)"
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, list):
        return "[]interface {}{" + ", ".join(map(_sharp, value)) + "}"
    if isinstance(value, dict):
        return "map[string]interface {}{" + ", ".join(f"{quote(k)}:{_sharp(v)}" for k, v in sorted(value.items())) \
            + "}"
    return sprint_v(value)


def _boxed(value: Any) -> str:
    """%v of the *valueUnstructured holding a value: `&{[x]}`."""
    return f"&{{{sprint_v(value)}}}"


def _scalar_error(kind: str, value: Any) -> str | None:
    """validateScalar: what a scalar of this kind ("s", "n", "b", "" untyped) says of `value`."""
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "n" and not number:
        return f"expected numeric (int or float), got {go_type(value)}"
    if kind == "s" and not isinstance(value, str):
        return f"expected string, got &value.valueUnstructured{{Value:{_sharp(value)}}}"
    if kind == "b" and not isinstance(value, bool):
        return f"expected boolean, got {_boxed(value)}"
    if kind == "" and isinstance(value, dict | list):
        return f"expected any scalar, got {_boxed(value)}"
    return None


def _element(t: dict[str, Any], item: Any, i: int) -> tuple[str, str]:
    """An item's path element in a list (an index where it is not associative), or why it has none."""
    if t.get("r", "atomic") == "atomic":
        return f"i:{i}", ""
    if t.get("keys"):
        if item is None:
            return "", "associative list with keys may not have a null element"
        if not isinstance(item, dict):
            return "", "associative list with keys may not have non-map elements"
        element = item_element(t, item)
        if element is None:
            names = " ".join(quote(k) for k in t["keys"])
            return "", (f"associative list with keys has an element that omits all key fields [{names}] (and "
                        "doesn't have default values for any key fields)")
        return element, ""
    if isinstance(item, dict):
        return "", "associative list without keys has an element that's a map type"
    if isinstance(item, list):
        return "", "not supported: associative list with lists as elements"
    if item is None:
        return "", "associative list without keys has an element that's an explicit null"
    return str(item_element(t, item)), ""


def _names_items(node: Any, seen: frozenset[int] = frozenset()) -> bool:
    """Whether a value of this type holds an associative list anywhere: all a decoded object (its scalars and
    shapes its Go type's) can fail at, an item it cannot name. Cached for the release's named types (a custom
    resource's schema makes its types anew for each write)."""
    if isinstance(node, str) and (known := _NAMES_ITEMS.get(node)) is not None:
        return known
    t = resolve(node)
    if id(t) in seen:  # (a recursive type: the answer is its other fields')
        return False
    inner = seen | {id(t)}
    kind = t.get("k")
    found = (kind == "list" and t.get("r", "atomic") != "atomic") or (
        kind in ("map", "list") and any(_names_items(sub, inner) for sub in
                                        [*(t.get("f") or {}).values(), *([t["e"]] if t.get("e") else [])]))
    if isinstance(node, str) and not seen:
        _NAMES_ITEMS[node] = found
    return found


_NAMES_ITEMS: dict[str, bool] = {}


def _walk(value: Any, node: Any, path: tuple[str, ...], out: list[str], decoded: bool = False,
          go_typed: bool = False) -> None:
    if value is None:  # null is any type's
        return
    if go_typed and isinstance(node, str) and not _names_items(node):
        return
    t = resolve(node)
    kind = t.get("k")
    where = dotted(path)
    if kind == "":
        if (why := _scalar_error(str(t.get("s", "")), value)) is not None:
            out.append(f"{where}: {why}" if where else why)
    elif kind == "map":
        if not isinstance(value, dict):
            out.append(f"{where}: expected map, got {_boxed(value)}")
            return
        for key in sorted(value):  # (Go's map order is its own from one request to the next: one order here)
            sub, _ = field_type(t, key)
            if sub is None:
                if decoded:
                    continue
                out.append(f"{where}.{key}: field not declared in schema")
                return  # the walk of this map stops at it
            _walk(value[key], sub, (*path, f"f:{key}"), out, decoded, go_typed)
    elif kind == "list":
        if not isinstance(value, list):
            out.append(f"{where}: expected list, got {_boxed(value)}")
            return
        seen: set[str] = set()
        for i, item in enumerate(value):
            element, why = _element(t, item, i)
            if why:
                out.append(f"{where}: element {i}: {why}")
                return
            if element in seen and not decoded:
                out.append(f"{where}: duplicate entries for key {dotted((element,))}")
            seen.add(element)
            _walk(item, t.get("e"), (*path, element), out, decoded, go_typed)
    # a deduced value ("~") is whatever it is


def typing_error(config: dict[str, Any], node: Any, *, decoded: bool = False, go_typed: bool = False) -> str | None:
    """Why structured-merge-diff cannot type an applied configuration (`decoded` above), or None: its
    ValidationErrors.Error. `decoded`: a written or stored object instead, which the decoder pruned of what
    its type does not declare and which may repeat a keyed list's item (AllowDuplicates); `go_typed`: a built-in
    one, whose values its Go type decoded, so that only a keyed list's item can fail (_names_items)."""
    out: list[str] = []
    _walk(config, node, (), out, decoded or go_typed, go_typed)
    if not out:
        return None
    return out[0] if len(out) == 1 else "errors:\n" + "\n".join(f"  {e}" for e in out)


def conversion_error(obj: dict[str, Any], kind: str, api_version: str) -> str | None:
    """What the unstructured converter says of a built-in object it cannot decode into its Go type, or None
    (a custom resource stays unstructured)."""
    try:
        encoded(obj, kind, api_version)
    except Undecodable as exc:
        return exc.unstructured or str(exc)
    return None
