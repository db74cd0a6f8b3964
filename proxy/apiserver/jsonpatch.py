"""JSON patch as the apiserver applies it: gopkg.in/evanphx/json-patch.v4's Apply, which reads RFC 6902 its own
way (measured against kube-apiserver v1.37.2; tests/writes_differential.py compares them):

- a path's first segment is dropped whatever it says (`data/k` means `/k`), and "" names no location but
  for `replace` and `test`, where it is the whole document;
- a missing `value` is null, and so is a copy of a key an object lacks; `replace` of a key it lacks adds it;
- array indices are strconv.Atoi's (`01` and `+1` are 1) and may count from the end (`-1`); `-` appends;
- `test` compares scalars as their compact JSON text (`1` is not `1.0`); a missing key, a null and a missing
  or null `value` are all one nil to it (kube-rs's finalizer helper tests `/metadata/finalizers` for null);
- the document comes out with the keys of the top object and of every object an operation's path went
  through sorted (the library decoded those into Go maps), the rest in the order it read them.

Each failure raises PatchError in the library's words, for watchproxy's request log: the apiserver answers
every one with the same 422 (writes.py).
"""

from __future__ import annotations

import copy
import json
from typing import Any

from . import gojson
from .patch import PatchError

_ABSENT = object()  # a key an object does not have, or an operation's missing `value`
Container = dict[str, Any] | list[Any]


def apply(target: Any, ops: list[dict[str, Any]]) -> Any:
    """The document after every operation, in order; PatchError at the first that fails."""
    doc = copy.deepcopy(target)
    touched: dict[int, Any] = {}  # the objects a path went through, by id (held, so that no id is reused)
    for op in ops:
        kind = op.get("op") if isinstance(op.get("op"), str) else "unknown"
        if kind == "add":
            container, key = _find(doc, touched, _path(op, "path", kind))
            if container is None:
                raise PatchError(f'add operation does not apply: doc is missing path: "{op["path"]}"')
            _add(container, key, _value(op))
        elif kind == "remove":
            container, key = _find(doc, touched, _path(op, "path", kind))
            if container is None:
                raise PatchError(f'remove operation does not apply: doc is missing path: "{op["path"]}"')
            _remove(container, key)
        elif kind == "replace":
            path = _path(op, "path", kind)
            if path == "":
                value = _value(op)
                if not isinstance(value, dict | list):
                    raise PatchError("replace operation value must be object or array")
                doc = value
                continue
            container, key = _find(doc, touched, path)
            if container is None:
                raise PatchError(f"replace operation does not apply: doc is missing path: {path}")
            _get(container, key)  # an index out of range fails; a missing key does not
            _set(container, key, _value(op))
        elif kind in ("move", "copy"):
            source = _path(op, "from", kind)
            container, key = _find(doc, touched, source)
            if container is None:
                raise PatchError(f"{kind} operation does not apply: doc is missing from path: {source}")
            value = _get(container, key)
            if kind == "move":
                _remove(container, key)
            elif value is not _ABSENT:  # (a copy of a key the object lacks is a null, added below)
                value = copy.deepcopy(value)
            container, key = _find(doc, touched, _path(op, "path", kind))
            if container is None:
                raise PatchError(f"{kind} operation does not apply: doc is missing destination path: {op['path']}")
            _add(container, key, None if value is _ABSENT else value)
        elif kind == "test":
            _test(doc, touched, _path(op, "path", kind), op.get("value", _ABSENT))
        else:
            raise PatchError(f"Unexpected kind: {kind}")
    return _ordered(doc, touched, top=True)


def _ordered(value: Any, touched: dict[int, Any], top: bool = False) -> Any:
    if isinstance(value, dict):
        items = [(k, _ordered(v, touched)) for k, v in value.items()]
        return dict(sorted(items) if top or id(value) in touched else items)
    if isinstance(value, list):
        return [_ordered(v, touched) for v in value]
    return value


def _path(op: dict[str, Any], name: str, kind: str) -> str:
    value = op.get(name)
    if not isinstance(value, str):
        raise PatchError(f"{kind} operation failed to decode {name}: missing value")
    return value


def _value(op: dict[str, Any]) -> Any:
    return copy.deepcopy(op.get("value"))  # absent: null


def _find(doc: Any, touched: dict[int, Any], path: str) -> tuple[Container | None, str]:
    """findObject: the container holding the path's last segment, and that segment decoded (the objects on
    the way are `touched`)."""
    parts = path.split("/")
    if len(parts) < 2:
        return None, ""
    node = doc
    for part in parts[1:-1]:
        if not isinstance(node, dict | list):
            return None, ""
        try:
            node = _get(node, _decoded(part))
        except PatchError:
            return None, ""
        if isinstance(node, dict):
            touched[id(node)] = node
    if not isinstance(node, dict | list):
        return None, ""
    return node, _decoded(parts[-1])


def _decoded(segment: str) -> str:
    return segment.replace("~1", "/").replace("~0", "~")


def _atoi(key: str) -> int:
    """strconv.Atoi: an optional sign and decimal digits."""
    digits = key[1:] if key[:1] in ("+", "-") else key
    if not digits.isascii() or not digits.isdigit():
        raise PatchError(f'strconv.Atoi: parsing "{key}": invalid syntax')
    return int(key)


def _index(items: list[Any], key: str, size: int) -> int:
    """An index into a list of `size` places, counting back from its end when negative."""
    i = _atoi(key)
    if i < 0:
        if i < -size:
            raise PatchError(f"Unable to access invalid index: {i}: invalid index referenced")
        i += size
    if i >= size:
        raise PatchError(f"Unable to access invalid index: {i}: invalid index referenced")
    return i


def _get(container: Container, key: str) -> Any:
    if isinstance(container, dict):
        return container.get(key, _ABSENT)
    return container[_index(container, key, len(container))]


def _set(container: Container, key: str, value: Any) -> None:
    if isinstance(container, dict):
        container[key] = value
    else:
        container[_index(container, key, len(container))] = value


def _add(container: Container, key: str, value: Any) -> None:
    if isinstance(container, dict):
        container[key] = value
    elif key == "-":
        container.append(value)
    else:
        container.insert(_index(container, key, len(container) + 1), value)


def _remove(container: Container, key: str) -> None:
    if isinstance(container, dict):
        if key not in container:
            raise PatchError(f"Unable to remove nonexistent key: {key}: missing value")
        del container[key]
    else:
        del container[_index(container, key, len(container))]


def _test(doc: Any, touched: dict[int, Any], path: str, want: Any) -> None:
    if path == "":
        have = doc
    else:
        container, key = _find(doc, touched, path)
        if container is None:
            raise PatchError(f"test operation does not apply: is missing path: {path}")
        have = _get(container, key)
        if have is _ABSENT or have is None:  # the library holds both as a nil node
            if want is _ABSENT or want is None:
                return
            raise PatchError(f"testing value {path} failed: test failed")
    if want is _ABSENT or _compact(have) != _compact(want):
        raise PatchError(f"testing value {path} failed: test failed")


def _compact(value: Any) -> str:
    """How the library compares two values: objects by their keys, everything else as compact JSON text (a
    number as the body wrote it: `1e0` is not `1.0`)."""
    return gojson.written(lambda v: json.dumps(v, separators=(",", ":"), sort_keys=True, ensure_ascii=False), value)
