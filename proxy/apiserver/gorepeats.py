"""A key a JSON body repeats, decoded as encoding/json decodes it into a built-in kind's Go type: the later
value is decoded into the field as the earlier one left it, member by member. So a struct (or a pointer to one
already set) takes the later object's fields over its own, a map its entries (each entry's value replaced), a
list's elements are decoded into the elements at their index and the list cut to the later one's length, and
anything else — a scalar, a type that decodes itself (a time, a quantity, bytes), embedded JSON — is replaced;
a later `null` empties a pointer, a map or a list and leaves a struct or a scalar as it was. Not modelled: a
list cut by one repeat and lengthened by the next decodes into the elements the cut left in its backing array.

`{"metadata": {"name": "a"}, "metadata": {"labels": {…}}}` is an object named `a` with those labels to the
apiserver (with a warning, or a refusal under fieldValidation=Strict: fieldvalidation.py); the body's last
`metadata` alone had no name. A custom resource's body is decoded into `interface{}`, where the last wins.
Measured against Go's decoder by tests/test_gojson.py (the Go peer's `typeddecode`).
"""

from __future__ import annotations

from typing import Any

from ..wire import gotypes
from .decoding import OWN_DECODERS
from .gojson import Decoded


def merge(decoded: Decoded, api_version: str, kind: str) -> None:
    """`decoded`'s value, a body decoded as `kind` of `api_version`, with each repeated key's values decoded in
    turn, in place (where the kind's Go type is known)."""
    if decoded.members and isinstance(decoded.value, dict) and \
            (message := gotypes.message_of_kind(api_version, kind)) is not None:
        _struct(decoded.value, message, decoded)


def _struct(obj: dict[str, Any], message: str, d: Decoded) -> None:
    fields = gotypes.json_field_map(message)
    members = d.members.get(id(obj))
    for key in obj:
        kind, flags = fields.get(key, ("", ""))
        if members is None or key not in d.duplicates.get(id(obj), ()):
            _inside(obj[key], kind, flags, d)
            continue
        values = [v for k, v in members if k == key]
        for v in values:
            _inside(v, kind, flags, d)
        folded = values[0]
        for v in values[1:]:
            folded = _into(folded, v, kind, flags, d) if kind else v  # (a field Go does not have: not decoded)
        obj[key] = folded


def _inside(value: Any, kind: Any, flags: str, d: Decoded) -> None:
    """The repeated keys within a value of a field of Go type `kind`, merged."""
    if value is None or kind == "":
        return
    if "r" in flags and isinstance(value, list):
        for item in value:
            _inside(item, kind, "", d)
    elif isinstance(kind, list):
        inner = kind[2] if kind[0] == "map" else kind[1]
        for item in value.values() if kind[0] == "map" and isinstance(value, dict) else \
                value if isinstance(value, list) else ():
            _inside(item, inner, "", d)
    elif kind.startswith(".") and isinstance(value, dict):
        _struct(value, kind[1:], d)


def _into(held: Any, later: Any, kind: Any, flags: str, d: Decoded) -> Any:
    """What a field of Go type `kind` holds once `later` is decoded into it as it holds `held`: an object member
    by member, as it came (a null member empties what the members before it set)."""
    struct = isinstance(kind, str) and kind.startswith(".") and "r" not in flags
    if later is None:  # (literalStore: a null sets an interface, pointer, map or slice to nil, else is ignored)
        nils = "p" in flags or "r" in flags or isinstance(kind, list) or kind in OWN_DECODERS
        return None if nils else held
    if isinstance(held, list) and isinstance(later, list) and ("r" in flags or _is_list(kind)):
        # (array: each element decoded into the one at its index, if any, and the slice cut to the new length)
        item = kind if "r" in flags else kind[1]
        return [_into(held[i], v, item, "", d) if i < len(held) else v for i, v in enumerate(later)]
    if not (isinstance(held, dict) and isinstance(later, dict)) or not (struct or _is_map(kind, flags)):
        return later
    merged = dict(held)  # (fieldValidation walks the members as they came: gojson.Decoded.members)
    fields = gotypes.json_field_map(kind[1:]) if struct else {}
    for key, value in d.members.get(id(later)) or later.items():
        inner = fields.get(key)
        # (a map's entry is decoded into a zeroed element: replaced)
        merged[key] = _into(merged[key], value, *inner, d) if inner and key in merged else value
    return merged


def _is_map(kind: Any, flags: str) -> bool:
    return isinstance(kind, list) and kind[0] == "map" and "r" not in flags


def _is_list(kind: Any) -> bool:
    return isinstance(kind, list) and kind[0] == "list"
