"""What Go holds of a request's object that its JSON does not show, where the field manager compares Go values.

structured-merge-diff compares two lists of typed objects with reflect.DeepEqual of the Go values
(listReflect.EqualsUsing), not of their JSON: within a list the field manager compares whole (an atomic list, or
one inside an atomic struct), an empty list or map sent (non-nil in Go, left out by omitempty, nil as storage
decodes it) and a quantity's text (ParseQuantity keeps only a canonical one, and its int64 amount's digits and
scale as written) count, and an update whose JSON changes nothing there still changes that list. The object the
field manager compares (managedfields.as_compared) carries them: Held maps and SentQuantity strings, which
compare as their JSON everywhere else; fieldsets._same reads them. Nothing here does I/O.
"""

from __future__ import annotations

from typing import Any

from ..wire import gotypes
from . import quantity
from .gojson import literal

MISSING: Any = object()  # (a member the raw body does not have)


class Held(dict[str, Any]):
    """A Go struct or map decoded from a request, with what it holds that its JSON leaves out: `held`, the fields
    sent as an empty list or map (non-nil in Go, hidden by omitempty). The field manager compares a list by
    reflect.DeepEqual (listReflect.EqualsUsing), which tells them from the nil ones storage decodes: an update
    that sends an item of an atomic list with `"values": []` changes that list, where its JSON does not."""

    held: frozenset[str] = frozenset()


class SentQuantity(str):
    """A quantity as its JSON shows it (canonical), as Go holds it once decoded from the text sent: ParseQuantity's
    result (`parsed`), which reflect.DeepEqual tells from the one storage holds. Storage parses the canonical text
    again (`0.5` is 5e-1 and `500m` 500e-3 with its text kept; `2048Mi` keeps no text, `2Gi` does); and where the
    quantity is reached without a map (`addressable`: behind a pointer, as an autoscaler's target), encoding the
    stored object (protobuf's String() through the pointer) has kept its canonical text too, so there even `200Mi`
    sent again differs (ParseQuantity keeps no text of it)."""

    parsed: quantity.Parsed
    addressable: bool


def with_held(sent: Any, shown: Any, raw: Any = MISSING, message: str | None = None) -> Any:
    """`shown` (an object as its JSON shows it, once encoded) with the empty lists and maps `sent` (the same object
    as decoded, each kept) held beyond it, as Held maps, and, where `message` names its Go type, each quantity as
    `raw` (the body as decoded, before the type read it) sent it, as a SentQuantity; `shown` itself where there is
    nothing to hold (most writes)."""
    kind = f".{message}" if message else None
    return _held(sent, shown, raw, kind, False) if _holds(sent, shown, raw, kind, False) else shown


def _members(kind: Any) -> tuple[dict[str, tuple[Any, str]], tuple[Any, str], bool]:
    """The Go types (type, flags) of a JSON object's members: a struct's fields by name, and what any other key
    has (a map's value type); and whether it is a map."""
    if isinstance(kind, str) and kind.startswith("."):
        return gotypes.json_field_map(kind[1:]), _UNTYPED, False
    if isinstance(kind, list) and kind[0] == "map":
        return _NONE, (kind[2], ""), True
    return _NONE, _UNTYPED, False


_UNTYPED: tuple[Any, str] = (None, "")


def _item_kind(kind: Any, flags: str) -> Any:
    """The type of a list's items: a repeated field's, or a named slice's (["list", item])."""
    if "r" in flags:
        return kind
    return kind[1] if isinstance(kind, list) and kind[0] == "list" else None


def _holds(sent: Any, shown: Any, raw: Any, kind: Any, in_map: bool) -> bool:
    """Whether _held would hold anything (a walk that builds nothing)."""
    if type(shown) is dict:
        if type(sent) is not dict:
            return False
        if len(sent) > len(shown):
            for k, v in sent.items():
                if k not in shown and isinstance(v, list | dict) and not v:
                    return True
        raws = raw if isinstance(raw, dict) else _NONE
        members, other, is_map = _members(kind)
        for k, v in shown.items():
            sub, flags = members.get(k, other)
            if type(v) is str:
                if sub == "quantity" and _sent_quantity(v, raws.get(k, MISSING), not (in_map or is_map)) is not None:
                    return True
            elif isinstance(v, dict | list) and _holds(sent.get(k), v, raws.get(k, MISSING), sub if isinstance(
                    v, dict) else (sub, flags), in_map or is_map):
                return True
        return False
    if type(shown) is list and type(sent) is list and len(sent) == len(shown):
        same = isinstance(raw, list) and len(raw) == len(shown)
        item = _item_kind(*kind) if isinstance(kind, tuple) else None
        for i, v in enumerate(shown):
            if type(v) is str:
                if item == "quantity" and _sent_quantity(v, raw[i] if same else MISSING, not in_map) is not None:
                    return True
            elif _holds(sent[i], v, raw[i] if same else MISSING, item, in_map):
                return True
    return False


_NONE: dict[str, Any] = {}


def _held(sent: Any, shown: Any, raw: Any, kind: Any, in_map: bool) -> Any:
    if isinstance(sent, dict) and isinstance(shown, dict):
        raws = raw if isinstance(raw, dict) else _NONE
        members, other, is_map = _members(kind)
        out = {}
        for k, v in shown.items():
            sub, flags = members.get(k, other)
            if isinstance(v, str):
                found = _sent_quantity(v, raws.get(k, MISSING), not (in_map or is_map)) if sub == "quantity" else None
                out[k] = v if found is None else found
            else:
                out[k] = _held(sent.get(k), v, raws.get(k, MISSING), sub if isinstance(v, dict) else (sub, flags),
                               in_map or is_map)
        gone = frozenset(k for k, v in sent.items() if k not in shown and isinstance(v, list | dict) and not v)
        if not gone:
            return out
        held = Held(out)
        held.held = gone
        return held
    if isinstance(sent, list) and isinstance(shown, list) and len(sent) == len(shown):
        raws_list = raw if isinstance(raw, list) and len(raw) == len(shown) else [MISSING] * len(shown)
        item = _item_kind(*kind) if isinstance(kind, tuple) else None
        return [(_sent_quantity(b, c, not in_map) or b) if item == "quantity" and isinstance(b, str)
                else _held(a, b, c, item, in_map) for a, b, c in zip(sent, shown, raws_list, strict=True)]
    return shown


def _sent_quantity(shown: str, raw: Any, addressable: bool) -> SentQuantity | None:
    """`shown` as Go holds it where that is not as storage does: sent in another text, or (`addressable`) in one
    ParseQuantity keeps no text of."""
    if not isinstance(raw, str | int | float) or isinstance(raw, bool):
        return None
    text = raw if isinstance(raw, str) else literal(raw)
    if text == shown and not addressable:
        return None
    try:
        parsed = quantity.parse(text)
    except quantity.QuantityError:
        return None
    if (parsed[4] if text == shown else quantity.string_of(parsed) != shown):  # (kept as stored, or another amount)
        return None
    found = SentQuantity(shown)
    found.parsed, found.addressable = parsed, addressable
    return found


def go_quantity(text: str, other: str) -> Any:
    """A quantity's text as reflect.DeepEqual sees the Go value (beside `other`, the other side's)."""
    if isinstance(text, SentQuantity):
        return text.parsed
    try:
        parsed = quantity.parse(text)
    except quantity.QuantityError:
        return text
    if isinstance(other, SentQuantity) and other.addressable:  # (stored, its canonical text kept)
        return (*parsed[:4], str(text))
    return parsed


def copied(value: Any) -> Any:
    """A deep copy of a JSON value (its tuples lists, as JSON reads them back) that keeps what its Held maps hold."""
    if isinstance(value, dict):
        out = {k: copied(v) for k, v in value.items()}
        if isinstance(value, Held):
            out = Held(out)
            out.held = value.held
        return out
    return [copied(v) for v in value] if isinstance(value, list | tuple) else value
