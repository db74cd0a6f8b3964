"""The order the apiserver's Go encoder writes an object's keys in: struct fields in declaration order, map
keys sorted. Objects written by hand, patched or decoded from YAML come in another order; put in this one,
their bytes read like an apiserver's (what people compare recordings by, and what byte-level clients see).
The struct order of every built-in kind is the Go types' own (wire/gotypes.py); a custom resource's keys
are all sorted, as Go writes a map."""

from __future__ import annotations

from typing import Any, Literal

from ..wire import gotypes
from ..wire.kinds import internal_package, is_custom_group
from . import crdtypes, decoding, gobytes, gojson, gotime, quantity

Obj = dict[str, Any]
Form = Literal["sent", "held", "stored"]  # the forms of a decoded value: _decoded

META_ORDER = tuple(name for name, _, _ in gotypes.json_fields(gotypes.OBJECT_META))


def ordered(mapping: Obj, order: tuple[str, ...]) -> Obj:
    """The keys named in `order` first, in that order, then the rest as they were."""
    out = {k: mapping[k] for k in order if k in mapping}
    out.update((k, v) for k, v in mapping.items() if k not in out)
    return out


def decoded_meta(meta: Obj) -> Obj:
    """ObjectMeta after json.Unmarshal into its Go type and json.Marshal back: what a custom resource's storage
    keeps of its metadata (the codec coerces it: unknown fields, and empty lists and maps, gone)."""
    return _stored(meta, gotypes.OBJECT_META, "sent")


def marshalled_selector(value: Any) -> Any:
    """A LabelSelector as json.Marshal writes it, and so as a refusal quotes it: the empty lists and maps an
    object held as sent left out under omitempty, its fields in order."""
    return _stored(value, "apis/meta/v1.LabelSelector", "sent") if isinstance(value, dict) else value


def marshalled_meta(value: Any) -> Any:
    """An ObjectMeta as json.Marshal writes it (marshalled_selector)."""
    return _stored(value, gotypes.OBJECT_META, "sent") if isinstance(value, dict) else value


def ordered_meta(meta: Obj) -> Obj:
    """ObjectMeta: its struct's fields in order, labels and annotations (maps) sorted."""
    return _message(meta, gotypes.OBJECT_META)


def _value(value: Any, kind: Any, flags: str = "") -> Any:
    """A JSON value of a Go field's type, its keys in Go's order."""
    if "r" in flags:
        return [_value(v, kind) for v in value] if isinstance(value, list) else value
    if isinstance(kind, list):
        if kind[0] == "map" and isinstance(value, dict):
            return {k: _value(value[k], kind[2]) for k in sorted(value)}
        if kind[0] == "list" and isinstance(value, list):
            return [_value(v, kind[1]) for v in value]
        return value
    if kind.startswith(".") and isinstance(value, dict):
        return _message(value, kind[1:])
    return value  # a scalar, or embedded JSON (RawExtension) whose order is its own


def _message(obj: Obj, message: str) -> Obj:
    out: Obj = {}
    for name, kind, flags in gotypes.json_fields(message):
        if name in obj and name not in out:
            out[name] = _value(obj[name], kind, flags)
    out.update((k, v) for k, v in obj.items() if k not in out)  # fields newer than the types known here
    return out


def amounts(value: Any, kind: Any, flags: str = "") -> Any:
    """A JSON value of a Go field's type with each quantity as its amount: what Semantic.DeepEqual compares of
    it (Quantity.Cmp), to which `1e0`, `1` and `1000m`, or `1073741824` and `1Gi`, are the same."""
    if "r" in flags:
        return [amounts(v, kind) for v in value] if isinstance(value, list) else value
    if isinstance(kind, list):
        if kind[0] == "map" and isinstance(value, dict):
            return {k: amounts(v, kind[2]) for k, v in value.items()}
        if kind[0] == "list" and isinstance(value, list):
            return [amounts(v, kind[1]) for v in value]
        return value
    if kind == "quantity" and isinstance(value, str):
        return quantity.semantic(value)
    if kind.startswith(".") and isinstance(value, dict):
        fields = gotypes.json_field_map(kind[1:])
        return {k: amounts(v, *fields[k]) if k in fields else v for k, v in value.items()}
    return value


def _custom(api_version: str) -> bool:
    return "/" in api_version and is_custom_group(api_version.split("/")[0])


def sorted_keys(value: Any) -> Any:
    """A value as Go writes a map[string]interface{}: every map's keys sorted, all the way down."""
    if isinstance(value, dict):
        return {k: sorted_keys(value[k]) for k in sorted(value)}
    return [sorted_keys(v) for v in value] if isinstance(value, list) else value


def meta_in_order(meta: Obj, api_version: str) -> Obj:
    """An object's metadata in the order the apiserver writes it: ObjectMeta's, or sorted for a custom
    resource (ordered_meta, sorted_keys)."""
    return {k: sorted_keys(meta[k]) for k in sorted(meta)} if _custom(api_version) else ordered_meta(meta)


def normalize(obj: Obj, kind: str, api_version: str) -> Obj:
    """kind and apiVersion first (those given), then the kind's struct fields in order, maps sorted. A custom
    resource is a map all the way down for the apiserver (unstructured), written with every key sorted."""
    out: Obj = {k: v for k, v in (("kind", kind), ("apiVersion", api_version)) if v}
    if _custom(api_version):
        whole = {**obj, **out}
        return {k: sorted_keys(whole[k]) for k in sorted(whole)}
    rest = {k: v for k, v in obj.items() if k not in ("kind", "apiVersion")}
    message = gotypes.message_of_kind(api_version, kind) if kind else None
    if message is not None:
        out.update(_message(rest, message))
        return out
    if isinstance(rest.get("metadata"), dict):
        rest["metadata"] = ordered_meta(rest["metadata"])
    out.update(ordered(rest, ("metadata",)))
    return out


def _decoded(value: Any, kind: Any, flags: str, form: Form) -> Any:
    """A field's JSON value after json.Unmarshal into its Go type and json.Marshal back. The form: "sent" (as
    the handler answers what it decoded); "held" (as the Go value is held before it is encoded: an empty list
    or map the body sent is there, not none, to validation and defaulting that check for nil); "stored" (read
    back from storage between the two: protobuf, where an empty list, map or byte string is no different from
    none: `rules: []` is read back as `rules: null`)."""
    if value is None or (form == "stored" and not value and value in ([], {}, "") and "p" not in flags
                         and ("r" in flags or isinstance(kind, list) or kind == "bytes")):
        return gotypes.zero(kind, flags)  # (null leaves a Go field at its zero value)
    if "r" in flags and isinstance(value, list):
        for v in value:
            _whole(v, kind, flags)
        return _emitted([_element(v, kind, form) for v in value], kind, flags, form)
    _whole(value, kind, flags)
    return _emitted(_item(value, kind, form, pointer="p" in flags), kind, flags, form)


def _emitted(value: Any, kind: Any, flags: str, form: Form) -> Any:
    if form == "held" and value in ([], {}) and ("r" in flags or isinstance(kind, list)):
        return value
    return gotypes.emitted(value, kind, flags)


class Undecodable(ValueError):
    """A value json.Unmarshal refuses for its Go type (its message is Go's): a quantity, base64 bytes, a time,
    an int-or-string. `unstructured`: the unstructured converter's words for it, where they differ (an
    applied object is converted from unstructured, not decoded from JSON: typedpatch.py)."""

    def __init__(self, message: str, unstructured: str = "") -> None:
        super().__init__(message)
        self.unstructured = unstructured or message


def _own_decoder(value: Any, kind: str) -> None:
    """The refusals of the types that decode themselves (UnmarshalJSON), without a field's context (an applied
    object is converted from unstructured, each such value decoded on its own)."""
    if (ends := decoding.own_decoder_error(value, kind)) is not None:
        raise Undecodable(str(ends))


def _whole(value: Any, kind: Any, flags: str) -> None:
    """An integer field given a fraction: encoding/json's UnmarshalTypeError finds it first (decoding.py),
    the unstructured converter refuses it as a float64 it cannot convert."""
    if kind in ("int", "uint") and isinstance(value, float) and not value.is_integer():
        go = f"{kind}{64 if 'w' in flags else 32}"
        raise Undecodable(f"json: cannot unmarshal number {decoding.json_number(value)} into Go value of type {go}",
                          f"cannot convert float64 to {go}")


def _item(value: Any, kind: Any, form: Form = "sent", pointer: bool = False) -> Any:
    if isinstance(kind, str) and value is not None:
        _own_decoder(value, kind)
    if isinstance(kind, list):
        if kind[0] == "map" and isinstance(value, dict):
            return {k: _item(value[k], kind[2], form) if value[k] is not None else _null_value(kind[2], form)
                    for k in sorted(value)}
        if kind[0] == "list" and isinstance(value, list):
            return [_element(v, kind[1], form) for v in value]
        return value
    if kind.startswith(".") and isinstance(value, dict):
        return _stored(value, kind[1:], form)
    if kind == "quantity" and isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return quantity.canonical(value if isinstance(value, str) else gojson.literal(value))  # (read: _own_decoder)
    if kind in ("time", "microtime") and isinstance(value, str):  # (read: _own_decoder)
        written = gotime.marshalled(value, kind == "microtime")
        # Go's zero time, read from a body, is no time.Time{} to `==` (its location is set), nor a nil pointer:
        # held, it stays as sent for validation and defaulting to see it set (a pointer's until it is stored,
        # for the status strategies too); else it is null, as IsZero() sees it (a condition's required time)
        keep = form == "held" or (pointer and form == "sent")
        return value if written is None and keep else written
    if kind == "bytes" and isinstance(value, list):  # (a strategic merge patch's, converted from unstructured)
        return gobytes.written(value)
    if kind == "bytes" and isinstance(value, str):
        if (error := gobytes.error(value)) is not None:
            raise Undecodable(error, f"error decoding from json: {error}")
        return gobytes.written(value)
    return value  # a scalar as sent (no coercion: validation is not modelled), or embedded JSON


def _null_value(kind: Any, form: Form) -> Any:
    """A map's null value: its type's zero; bytes read back from protobuf storage, where a map's nil bytes are
    empty ones (a Secret's `data: {a: null}` comes back `a: ""`)."""
    return "" if form == "stored" and kind == "bytes" else gotypes.zero(kind, "")


def _element(value: Any, kind: Any, form: Form) -> Any:
    """A list's item: a null one is the zero value of its type (`containers: [null]` holds one empty
    Container, which validation then refuses field by field)."""
    return _item(value, kind, form) if value is not None else gotypes.zero(kind, "")


def _stored(obj: Obj, message: str, form: Form) -> Obj:
    out: Obj = {}
    for name, kind, flags in gotypes.json_fields(message):
        if name in out:
            continue
        value = _decoded(obj[name], kind, flags, form) if name in obj else gotypes.zero(kind, flags)
        if value is not gotypes.MISSING:
            out[name] = value
    return out  # a field the Go type does not have is dropped, as the apiserver's decoder drops it


def encoded(obj: Obj, kind: str, api_version: str, *, stored: bool = False, held: bool = False) -> Obj:
    """A built-in object as the apiserver decodes and answers it: decoded into its Go type and encoded again
    (unknown fields dropped, empty ones left out or written as Go writes them, keys in struct order,
    quantities in their canonical form, times in UTC); `stored`: as it reads it back from storage; `held`: as
    its Go value is held before it is encoded (the empty lists and maps sent kept: _decoded). A custom resource
    is only normalized: its schema is not known here (stored, its integral floats read back as integers)."""
    message = gotypes.message_of_kind(api_version, kind) if kind else None
    if message is None:
        if (api_version, kind) == (crdtypes.API_VERSION, crdtypes.KIND):
            obj = crdtypes.decoded(obj)[0]
        elif not _custom(api_version) and isinstance(obj.get("metadata"), dict):  # (an APIService: its metadata
            obj = {**obj, "metadata": decoded_meta(obj["metadata"])}  # is an ObjectMeta, whatever the rest)
        if kind == "APIService" and not _custom(api_version) and obj.get("status") is None:
            obj = {**obj, "status": {}}  # (a struct: omitempty leaves it written)
        out = normalize(obj, kind, api_version)
        return decoding.stored_numbers(out) if stored and _custom(api_version) else out
    out = {k: v for k, v in (("kind", kind), ("apiVersion", api_version)) if v}
    form: Form = "stored" if stored else "held" if held else "sent"
    out.update(_stored({k: v for k, v in obj.items() if k not in ("kind", "apiVersion")}, message, form))
    return out


# the schemes of their own servers (apiextensions, the aggregator), which register other kinds
_OWN_SCHEMES = frozenset({"apiextensions.k8s.io", "apiregistration.k8s.io"})
_OWN_VERSIONS = ("v1", "v1beta1")  # (the versions their schemes register their kinds in)


def other_type_error(obj: dict[str, Any], api_version: str, kind: str, *, patched: bool = False) -> str | None:
    """Why the endpoint of built-in `kind` in `api_version` refuses a body that names another kind or version
    (what it leaves out is the endpoint's), None where it names the endpoint's own. The codec decodes the
    type the body names (`no kind … is registered` if the scheme has none, its own type errors if it does not
    decode), converts it to the endpoint's internal type (`unknown conversion` unless it is another version
    of it: an events.k8s.io Event is a core one inside), and the handler takes only its own version.
    `patched`: the object a patch made, whose decoding error the patcher quotes bare, and whose version the
    patcher does not check."""
    group = api_version.rpartition("/")[0]
    claimed_version = obj.get("apiVersion") or api_version
    claimed = obj.get("kind") or kind
    if (claimed_version, claimed) == (api_version, kind) or not isinstance(claimed_version, str) \
            or not isinstance(claimed, str):
        return None
    claimed_group, _, version = claimed_version.rpartition("/")
    head = "" if patched else f'{claimed} in version "{version}" cannot be handled as a {kind}: '
    own = group in _OWN_SCHEMES and claimed_group == group and claimed == kind and version in _OWN_VERSIONS
    if own:  # (its scheme's other version of the kind)
        return None if patched else version_mismatch(claimed_version, api_version)
    if group in _OWN_SCHEMES or gotypes.message_of_kind(claimed_version, claimed) is None:
        return head + decoding.not_registered(claimed, claimed_version)
    if (error := decoding.type_error(obj, claimed, typed=True, api_version=claimed_version)) is not None:
        return head + error
    try:
        encoded(obj, claimed, claimed_version)  # (the decoders of its own fields: bytes, quantities, times)
    except Undecodable as exc:
        return head + str(exc)
    package = internal_package(group)
    if claimed != kind or internal_package(claimed_group) != package:
        return head + f"converting ({version}.{claimed}) to ({package}.{kind}): unknown conversion"
    if patched:
        return None
    return version_mismatch(claimed_version, api_version)


def version_mismatch(claimed: str, expected: str) -> str:
    """The create and update handlers' refusal of a body in another version of the endpoint's kind."""
    return f"the API version in the data ({claimed}) does not match the expected API version ({expected})"
