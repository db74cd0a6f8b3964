"""Bodies the apiserver cannot decode into their Go types: a value of the wrong JSON type anywhere in a
built-in kind (its Go type from wire/gotypes.py), in a custom resource's metadata (ObjectMeta) or in a
CustomResourceDefinition's spec, and the 400 encoding/json's UnmarshalTypeError makes of it (`json: cannot
unmarshal number into Go struct field ObjectMeta.metadata.name of type string`). Without this a name that
is a number reached the store as one, and a spec that is a list crashed the defaulting.

A typed kind's error names the field's whole path (without list indices, as Go's does); a custom resource's
metadata is decoded on its own, so its path starts inside ObjectMeta. Go reports the first error in the
body's key order, as here.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from ..wire import gotypes
from ..wire.gostrings import quote
from . import apiservices, gobytes, gojson, gotime, quantity

# Go types of the ObjectMeta fields a client writes (ownerReferences, managedFields and times are not checked)
_META: dict[str, str] = {
    "name": "string", "generateName": "string", "namespace": "string", "selfLink": "string", "uid": "types.UID",
    "resourceVersion": "string", "generation": "int64", "labels": "map[string]string",
    "annotations": "map[string]string", "finalizers": "[]string",
}
# a CustomResourceDefinition's spec, which client-go's types (wire/gotypes.py) do not hold
_CRD_SPEC: dict[str, str] = {"group": "string", "scope": "string", "preserveUnknownFields": "bool",
                             "names": "v1.CustomResourceDefinitionNames",
                             "versions": "[]v1.CustomResourceDefinitionVersion"}
_CRD_NAMES: dict[str, str] = {"plural": "string", "singular": "string", "kind": "string", "listKind": "string",
                              "shortNames": "[]string", "categories": "[]string"}
_CRD_VERSION: dict[str, str] = {"name": "string", "served": "bool", "storage": "bool", "deprecated": "bool",
                                "deprecationWarning": "string"}


def json_kind(value: Any) -> str:
    """What a decoded JSON value is: null, bool, int, float, string, list or map. Go's packages name these
    each in their own words (encoding/json's below, kube-openapi's in schema.py, %T's in crds.py)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "string"
    return "list" if isinstance(value, list) else "map"


_GO_TYPES = {"null": "<nil>", "bool": "bool", "int": "int64", "float": "float64", "string": "string",
             "list": "[]interface {}", "map": "map[string]interface {}"}


def go_type(value: Any) -> str:
    """%T of a decoded JSON value as the apiserver holds it in an interface{} (unstructured: whole numbers are
    int64)."""
    return _GO_TYPES[json_kind(value)]


_JSON_WORDS = {"null": "null", "bool": "bool", "int": "number", "float": "number", "string": "string",
               "list": "array", "map": "object"}


def not_registered(kind: str, api_version: str) -> str:
    """runtime.NewNotRegisteredErrForKind: a body naming a kind the apiserver's scheme does not know."""
    return f'no kind {quote(kind)} is registered for version {quote(api_version)} in scheme "pkg/runtime/scheme.go:111"'


def json_word(value: Any) -> str:
    """encoding/json's word for a value in an UnmarshalTypeError."""
    return _JSON_WORDS[json_kind(value)]


def json_number(value: int | float) -> str:
    """A number as encoding/json writes a float64 (an int64 as itself): exponent form from 1e21, an integral
    one in its shortest digits (9.223372036854776e18 as 9223372036854776000, -0.0 as -0)."""
    if isinstance(value, int):
        return str(value)
    if value.is_integer() and abs(value) < 1e21:
        return format(Decimal(repr(value)).to_integral_value(), "f")
    return repr(value).replace("e+0", "e+").replace("e-0", "e-")


def stored_numbers(value: Any) -> Any:
    """A custom resource's value as storage gives it back (unstructured JSON, written and read again): a float64
    written without a fraction (an integral one below 1e21) reads back as an int64, or beyond one as a float64
    written with the same digits again: here the integer of those digits either way."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return int(json_number(value))
    if isinstance(value, dict):
        return {k: stored_numbers(v) for k, v in value.items()}
    return [stored_numbers(v) for v in value] if isinstance(value, list) else value


def _fits(value: Any, go: str) -> bool:
    if value is None:
        return True  # null leaves the Go field at its zero value
    if go in ("string", "types.UID"):
        return isinstance(value, str)
    if go == "bool":
        return isinstance(value, bool)
    if go == "int64":
        return isinstance(value, int) and not isinstance(value, bool)
    if go.startswith("[]"):
        return isinstance(value, list)
    return isinstance(value, dict)


def _fields(obj: dict[str, Any], types: dict[str, str], struct: str, path: str) -> Iterator[str]:
    """Each error of a struct's fields, in the body's key order."""
    for key, value in obj.items():
        go = types.get(key)
        if go is None:
            continue
        where = f"{struct}.{path}{key}"
        if not _fits(value, go):
            yield f"cannot unmarshal {json_word(value)} into Go struct field {where} of type {go}"
        elif go in ("map[string]string", "[]string") and value:
            items = value.values() if isinstance(value, dict) else value
            yield from (f"cannot unmarshal {json_word(v)} into Go struct field {where} of type string"
                        for v in items if not isinstance(v, str) and v is not None)


def _crd(obj: dict[str, Any]) -> Iterator[str]:
    status = obj.get("status")
    if status is not None and not isinstance(status, dict):
        yield (f"cannot unmarshal {json_word(status)} into Go struct field CustomResourceDefinition.status of type "
               "v1.CustomResourceDefinitionStatus")
    spec = obj.get("spec")
    if spec is None:
        return
    if not isinstance(spec, dict):
        yield (f"cannot unmarshal {json_word(spec)} into Go struct field CustomResourceDefinition.spec of type "
               "v1.CustomResourceDefinitionSpec")
        return
    yield from _fields(spec, _CRD_SPEC, "CustomResourceDefinitionSpec", "spec.")
    if isinstance(spec.get("names"), dict):
        yield from _fields(spec["names"], _CRD_NAMES, "CustomResourceDefinitionNames", "spec.names.")
    for version in spec.get("versions") or () if isinstance(spec.get("versions"), list) else ():
        if isinstance(version, dict):
            yield from _fields(version, _CRD_VERSION, "CustomResourceDefinitionVersion", "spec.versions.")
        elif version is not None:
            yield (f"cannot unmarshal {json_word(version)} into Go struct field CustomResourceDefinitionSpec."
                   "spec.versions of type v1.CustomResourceDefinitionVersion")


# the aggregator's types (apiservices.py holds them)
_API_SERVICE_SPEC = {name: kind for name, kind, _ in apiservices.SPEC}
_SERVICE_REFERENCE = dict(apiservices.SERVICE_REFERENCE)
_API_SERVICE_CONDITION = {name: (kind, named) for name, kind, named, _ in apiservices.CONDITION}


def _api_service(obj: dict[str, Any]) -> Iterator[str]:
    """The aggregator's APIService, whose Go type is not in the release's protobuf schemas: its spec and
    status."""
    yield from _api_service_spec(obj.get("spec"))
    status = obj.get("status")
    if status is not None and not isinstance(status, dict):
        yield f"cannot unmarshal {json_word(status)} into Go struct field APIService.status of type v1.APIServiceStatus"
    conditions = status.get("conditions") if isinstance(status, dict) else None
    where = "APIServiceStatus.status.conditions"
    if conditions is not None and not isinstance(conditions, list):
        yield f"cannot unmarshal {json_word(conditions)} into Go struct field {where} of type []v1.APIServiceCondition"
    for condition in conditions if isinstance(conditions, list) else ():
        if condition is not None and not isinstance(condition, dict):
            yield f"cannot unmarshal {json_word(condition)} into Go struct field {where} of type v1.APIServiceCondition"
        for name, value in condition.items() if isinstance(condition, dict) else ():
            if name in _API_SERVICE_CONDITION:
                kind, named = _API_SERVICE_CONDITION[name]
                yield from _typed(value, kind, "", "APIServiceCondition", f"status.conditions.{name}", named)


def api_service_unknown_fields(obj: dict[str, Any]) -> list[str]:
    """The paths of the fields an APIService's Go type does not have, in the body's order, but its metadata's
    (ObjectMeta's: fieldvalidation.meta_unknown_fields)."""
    def under(value: Any, known: Any, path: str) -> Iterator[str]:
        for key, inner in value.items() if isinstance(value, dict) else ():
            if key not in known:
                yield f"{path}{key}"
            elif key == "service":
                yield from under(inner, _SERVICE_REFERENCE, f"{path}service.")
            elif key == "conditions":
                for i, condition in enumerate(inner if isinstance(inner, list) else ()):
                    yield from under(condition, _API_SERVICE_CONDITION, f"{path}conditions[{i}].")
    out = [key for key in obj if key not in ("apiVersion", "kind", "metadata", "spec", "status")]
    return out + list(under(obj.get("spec"), _API_SERVICE_SPEC, "spec.")) + \
        list(under(obj.get("status"), {"conditions"}, "status."))


def _api_service_spec(spec: Any) -> Iterator[str]:
    if spec is not None and not isinstance(spec, dict):
        yield f"cannot unmarshal {json_word(spec)} into Go struct field APIService.spec of type v1.APIServiceSpec"
    for key, value in spec.items() if isinstance(spec, dict) else ():
        if (kind := _API_SERVICE_SPEC.get(key)) is None:
            continue
        if kind != ".ServiceReference":
            yield from _typed(value, kind, "", "APIServiceSpec", f"spec.{key}")
        elif value is not None and not isinstance(value, dict):
            yield (f"cannot unmarshal {json_word(value)} into Go struct field APIServiceSpec.spec.service of type "
                   "v1.ServiceReference")
        elif isinstance(value, dict):
            for name, v in value.items():
                if name in _SERVICE_REFERENCE:
                    yield from _typed(v, _SERVICE_REFERENCE[name], "", "ServiceReference", f"spec.service.{name}")


_SCALARS: dict[str, tuple[str, type | tuple[type, ...]]] = {
    "string": ("string", str), "bytes": ("[]uint8", str), "byte": ("uint8", int), "bool": ("bool", bool),
    "int": ("int32", int),
    "uint": ("uint32", int), "double": ("float64", (int, float)), "float": ("float32", (int, float)),
    "time": ("v1.Time", str), "microtime": ("v1.MicroTime", str), "duration": ("v1.Duration", str),
}
_OWN_TYPES = {"quantity": "resource.Quantity", "intorstr": "intstr.IntOrString", "raw": "runtime.RawExtension"}


def _go_name(kind: Any, flags: str = "", named: str = "") -> str:
    """The Go type of a field as an UnmarshalTypeError names it (`w`: a 64-bit integer; `named`: the Go name of
    the scalar it holds, `v1.ServiceType`)."""
    if "r" in flags:
        return "[]" + _go_name(kind, flags.replace("r", ""), named)
    if isinstance(kind, list):
        return f"map[string]{_go_name(kind[2], named=named)}" if kind[0] == "map" else \
            "[]" + _go_name(kind[1], named=named)
    if named and kind in _SCALARS:
        return named
    if kind in ("int", "uint") and "w" in flags:
        return f"{kind}64"
    name = str(kind)
    if name.startswith("."):
        package, _, struct = name[1:].rpartition(".")  # (Go names the type by its package: `v2.HPAStatus`)
        return f"{package.rpartition('/')[2]}.{struct}"
    return _SCALARS[name][0] if name in _SCALARS else _OWN_TYPES.get(name, name)


def _items_of(composite: str) -> str:
    """The Go name of the items of a map or slice type named `composite` (`map[v1.QualifiedName]v1.DeviceAttribute`:
    v1.DeviceAttribute); "" where the name does not say (a named type)."""
    if composite.startswith("map["):
        return composite[composite.index("]") + 1:]
    return composite.removeprefix("[]") if composite.startswith("[]") else ""


def _fits_kind(value: Any, kind: Any, flags: str) -> str | None:
    """What encoding/json says of `value` for a field of this kind, None when it decodes."""
    if value is None:
        return None
    if "r" in flags or (isinstance(kind, list) and kind[0] == "list"):
        ok = isinstance(value, list)
    elif isinstance(kind, list) or kind.startswith("."):
        ok = isinstance(value, dict)
    elif kind in _UNMARSHALERS or kind == "raw":
        return None  # their own decoders, with errors of their own (own_decoder_error)
    elif kind in ("int", "uint", "byte"):
        if isinstance(value, gojson.Number) or (isinstance(value, float) and not value.is_integer()):
            return f"number {gojson.literal(value)}"  # (a whole one refused too, as written: gojson.Number)
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        bits = 8 if kind == "byte" else 64 if "w" in flags else 32
        low, high = (-2 ** (bits - 1), 2 ** (bits - 1)) if kind == "int" else (0, 2 ** bits)
        if ok and not low <= value < high:  # (too large for the field: its number in the error)
            return f"number {json_number(value)}"
    else:
        want = _SCALARS.get(kind, ("", object))[1]
        ok = isinstance(value, want) and (want is bool or not isinstance(value, bool))
    return None if ok else json_word(value)


class _Ends(str):
    """An error of a type that decodes itself (UnmarshalJSON): it ends the decoding where it is, while a value of
    the wrong JSON type is only noted and reported at the end (decode.go's saveError). Its whole message."""


class _Noted(str):
    """An error noted as a type error is (saveError), in its own words: a []byte's bad base64."""


_UNMARSHALERS = frozenset({"time", "microtime", "duration", "intorstr", "quantity"})  # (Go types with UnmarshalJSON)


def own_decoder_error(value: Any, kind: str, where: str = "") -> _Ends | None:
    """What a time, a duration, an int-or-string or a quantity says of a value it cannot read: a value of the
    wrong JSON type for its inner json.Unmarshal (which the outer decoder gives the context of `where`, its
    struct field, when there is one), or its own parse error."""
    def wrong(got: str, go: str) -> _Ends:
        into = f"Go struct field {where}" if where else "Go value"
        return _Ends(f"json: cannot unmarshal {got} into {into} of type {go}")
    if kind in ("time", "microtime", "duration"):
        if not isinstance(value, str):
            return wrong(json_word(value), "string")
        problem = gotime.parse_error(value, gotime.RFC3339 if kind == "time" else gotime.RFC3339_MICRO) \
            if kind != "duration" else None
        return _Ends(problem) if problem else None
    if kind == "intorstr" and not isinstance(value, str):
        if isinstance(value, bool | dict | list):
            return wrong(json_word(value), "int32")
        whole = float(value).is_integer() and -2**31 <= value < 2**31 and not isinstance(value, gojson.Number)
        return None if whole else wrong(f"number {gojson.literal(value)}", "int32")
    if kind == "quantity":
        if isinstance(value, bool | dict | list):
            return _Ends(quantity.FORMAT_WRONG)
        try:
            quantity.canonical(value if isinstance(value, str) else gojson.literal(value))
        except quantity.QuantityError as exc:
            return _Ends(str(exc))
    return None


def _typed(value: Any, kind: Any, flags: str, struct: str, path: str, named: str = "", composite: str = ""
           ) -> Iterator[str]:
    """Each error of a field's value, depth first in the body's order (a type error, or an _Ends); `composite`:
    the Go name of its map or slice type where it is not derived from its items' (`v1.ResourceList`)."""
    if isinstance(kind, str) and kind in _UNMARSHALERS and "r" not in flags and value is not None:
        if (ends := own_decoder_error(value, kind, f"{struct}.{path}")) is not None:
            yield ends
        return
    if kind == "bytes" and "r" not in flags and isinstance(value, list):  # (encoding/json reads an array of bytes)
        for item in value:
            yield from _typed(item, "byte", "", struct, path)
        return
    if (got := _fits_kind(value, kind, flags)) is not None:
        yield (f"cannot unmarshal {got} into Go struct field {struct}.{path} of type "
               f"{composite or _go_name(kind, flags, named)}")
        return
    if kind == "bytes" and "r" not in flags and isinstance(value, str):
        if (error := gobytes.error(value)) is not None:
            yield _Noted(error)
        return
    if value is None:
        return
    items = _items_of(composite)
    if "r" in flags:
        for item in value:  # (an item of a []int64 is an int64)
            yield from _typed(item, kind, "w" if "w" in flags else "", struct, path, named, items)
    elif isinstance(kind, list):
        for item in value.values() if kind[0] == "map" else value:
            yield from _typed(item, kind[2] if kind[0] == "map" else kind[1], "", struct, path, named, items)
    elif isinstance(kind, str) and kind.startswith("."):
        yield from _struct(value, kind[1:], f"{path}.")


@functools.cache
def _promoted(message: str) -> dict[str, tuple[Any, str, str, str, str]]:
    """json_field_map with, for a field promoted from an embedded (inline) struct, the embedded structs' Go
    names, which the decoder's error path holds (`livenessProbe.ProbeHandler.httpGet`), and each field's named
    scalar type (gotypes.named) and named map or slice type (gotypes.composite)."""
    out: dict[str, tuple[Any, str, str, str, str]] = {}
    named, composite = gotypes.named(message), gotypes.composite(message)
    for _, name, kind, flags in gotypes.fields(message):
        if "i" in flags and isinstance(kind, str) and kind.startswith("."):
            embedded = kind.rsplit(".", 1)[1]
            for key, (k, f, via, n, c) in _promoted(kind[1:]).items():
                out.setdefault(key, (k, f, f"{embedded}.{via}", n, c))
        else:
            out.setdefault(name, (kind, flags, "", named.get(name, ""), composite.get(name, "")))
    return out


def _struct(obj: dict[str, Any], message: str, prefix: str) -> Iterator[str]:
    known = _promoted(message)
    name = message.rsplit(".", 1)[1]
    for key, value in obj.items():
        if key in known:
            kind, flags, via, named, composite = known[key]
            yield from _typed(value, kind, flags, name, prefix + via + key, named, composite)


def type_error(obj: dict[str, Any], kind: str, *, typed: bool, api_version: str = "") -> str | None:
    """The first `json: cannot unmarshal …` a body makes, or None. `typed`: a built-in kind (checked whole
    against its Go type where known; its metadata's path starts at the object), else a custom resource
    (its metadata only, from ObjectMeta)."""
    message = gotypes.message_of_kind(api_version, kind) if typed and api_version else None
    if message is not None:
        return _first(_struct(obj, message, ""))
    meta = obj.get("metadata")
    if meta is not None and not isinstance(meta, dict):  # (a custom resource's is decoded on its own)
        return f"json: cannot unmarshal {json_word(meta)} into " + (
            f"Go struct field {kind}.metadata of type v1.ObjectMeta" if typed else "Go value of type v1.ObjectMeta")
    errors = _fields(meta, _META, "ObjectMeta", "metadata." if typed else "") if isinstance(meta, dict) else iter(())
    first = next(errors, None)
    if first is None and kind == "CustomResourceDefinition" and typed:
        first = next(_crd(obj), None)
    if first is None and kind == "APIService" and typed:
        return _first(_api_service(obj))
    return f"json: {first}" if first is not None else None


def _first(errors: Iterator[str]) -> str | None:
    """The decoding's refusal: the first error that ends it (an _Ends), else the first type error it noted."""
    first = None
    for error in errors:
        if isinstance(error, _Ends):
            return str(error)
        first = first or (str(error) if isinstance(error, _Noted) else f"json: {error}")
    return first



# the unstructured converter's word for a JSON value's Go type (what json decoding into interface{} makes)
_UNSTRUCTURED_KINDS = {"null": "invalid", "bool": "bool", "int": "int64", "float": "float64", "string": "string",
                       "list": "slice", "map": "map"}
# the types that decode themselves, whatever the JSON (their UnmarshalJSON, bytes' base64: gobytes.py)
OWN_DECODERS = frozenset({"quantity", "intorstr", "time", "microtime", "duration", "raw", "bytes"})


def unstructured_error(obj: dict[str, Any], message: str) -> str | None:
    """What runtime.DefaultUnstructuredConverter says of an object it cannot convert into the Go type of
    `message` (a strategic merge patch's result is converted so, not decoded from JSON): the first error in the
    Go type's field order, in its words (`cannot convert int64 to string`, `unrecognized type: int32`, `cannot
    restore map from slice`); a type that decodes itself (a quantity, a time, bytes) in its own words, in its
    field's turn."""
    return next(_unstructured_struct(obj, message), None)


def _unstructured_struct(obj: dict[str, Any], message: str) -> Iterator[str]:
    named = gotypes.named(message)
    for _, name, kind, flags in gotypes.fields(message):
        if "i" in flags and isinstance(kind, str) and kind.startswith("."):
            yield from _unstructured_struct(obj, kind[1:])  # (an embedded struct reads the same map)
        elif name in obj:
            yield from _unstructured(obj[name], kind, flags, named.get(name, ""))


def _unstructured(value: Any, kind: Any, flags: str, named: str) -> Iterator[str]:
    if value is None:
        return
    got = _UNSTRUCTURED_KINDS[json_kind(value)]
    if "r" in flags or (isinstance(kind, list) and kind[0] == "list"):
        if not isinstance(value, list):
            yield f"cannot restore slice from {got}"
            return
        for item in value:
            yield from _unstructured(item, kind if "r" in flags else kind[1], "", named)
    elif isinstance(kind, list):  # a map
        if not isinstance(value, dict):
            yield f"cannot restore map from {got}"
            return
        for item in value.values():
            yield from _unstructured(item, kind[2], "", named)
    elif kind.startswith("."):
        if not isinstance(value, dict):
            yield f"cannot restore struct from: {got}"
            return
        yield from _unstructured_struct(value, kind[1:])
    elif kind == "bytes" and not isinstance(value, str):  # (sliceFromUnstructured: a string, or a slice of bytes)
        if not isinstance(value, list):
            yield f"cannot restore slice from {got}"
            return
        for item in value:
            if item is not None and (why := _unconvertible(item, _UNSTRUCTURED_KINDS[json_kind(item)], "uint8", "")):
                yield why
    elif kind == "bytes":  # (a string: base64, read by json.Unmarshal into a []byte)
        if (error := gobytes.error(value)) is not None:
            yield f"error decoding from json: {error}"
    elif kind in OWN_DECODERS:  # (its UnmarshalJSON, given the value marshalled again, in its field's turn)
        if (ends := own_decoder_error(value, kind)) is not None:
            yield str(ends)
    elif why := _unconvertible(value, got, _go_name(kind, flags), named):
        yield why


def unstructured_numbers(obj: dict[str, Any], message: str) -> dict[str, Any]:
    """`obj` (which unstructured_error found convertible) as the unstructured converter fills the Go type of
    `message`: each number converted to its field's type as reflect's Convert does, a whole float to an
    integer and an integer too large for its width wrapped (a count of 2^40 in an int32 is 0)."""
    return _numbers_struct(obj, message)


def _numbers_struct(obj: dict[str, Any], message: str) -> dict[str, Any]:
    out = dict(obj)
    for _, name, kind, flags in gotypes.fields(message):
        if "i" in flags and isinstance(kind, str) and kind.startswith("."):
            out = _numbers_struct(out, kind[1:])
        elif name in out:
            out[name] = _numbers(out[name], kind, flags)
    return out


def _numbers(value: Any, kind: Any, flags: str) -> Any:
    if "r" in flags and isinstance(value, list):
        return [_numbers(v, kind, "") for v in value]
    if isinstance(kind, list):
        if kind[0] == "map" and isinstance(value, dict):
            return {k: _numbers(v, kind[2], "") for k, v in value.items()}
        if kind[0] == "list" and isinstance(value, list):
            return [_numbers(v, kind[1], "") for v in value]
        return value
    if isinstance(kind, str) and kind.startswith(".") and isinstance(value, dict):
        return _numbers_struct(value, kind[1:])
    if kind in ("int", "uint") and isinstance(value, int | float) and not isinstance(value, bool):
        bits = 64 if "w" in flags else 32
        wrapped = int(value) % (1 << bits)
        return wrapped - (1 << bits) if kind == "int" and wrapped >= 1 << (bits - 1) else wrapped
    return value


def api_service_unstructured_error(obj: dict[str, Any]) -> str | None:
    """unstructured_error of an APIService, whose Go type the protobuf schemas do not hold (_API_SERVICE_SPEC):
    its metadata, spec and status in field order."""
    service = {"spec": {**_API_SERVICE_SPEC, "service": _SERVICE_REFERENCE},
               "status": {"conditions": [_API_SERVICE_CONDITION]}}
    meta = _unstructured(obj["metadata"], "." + gotypes.OBJECT_META, "", "") if "metadata" in obj else iter(())
    return next(itertools.chain(meta, _unstructured_fields(obj, service)), None)


def _unstructured_fields(value: Any, fields: dict[str, Any]) -> Iterator[str]:
    """_unstructured for a struct given as {field: kind, (kind, its Go name), a struct's fields, or [its items'
    fields]}."""
    if value is None:
        return
    if not isinstance(value, dict):
        yield f"cannot restore struct from: {_UNSTRUCTURED_KINDS[json_kind(value)]}"
        return
    for name, kind in fields.items():
        item = value.get(name)
        if isinstance(kind, dict):
            yield from _unstructured_fields(item, kind)
        elif isinstance(kind, list) and item is not None and not isinstance(item, list):
            yield f"cannot restore slice from {_UNSTRUCTURED_KINDS[json_kind(item)]}"
        elif isinstance(kind, list):
            for each in item or ():
                yield from _unstructured_fields(each, kind[0])
        elif name in value:
            go, named = kind if isinstance(kind, tuple) else (kind, "")
            yield from _unstructured(item, go, "", named)


def _unconvertible(value: Any, got: str, underlying: str, named: str) -> str | None:
    """fromUnstructured's check of a scalar: assignable, or convertible within the same group (strings, bools,
    numbers; a whole float to an integer), else `cannot convert` where Go converts at all (a number to a
    string), else `unrecognized type`."""
    numeric = underlying.startswith(("int", "uint", "float"))
    if got == underlying:
        return None
    if got == "int64" and numeric:
        return None
    if got == "float64" and numeric and (underlying.startswith("float") or float(value).is_integer()):
        return None
    if (got == "int64" and underlying == "string") or (got == "float64" and numeric):
        return f"cannot convert {got} to {named or underlying}"
    return f"unrecognized type: {underlying}"
