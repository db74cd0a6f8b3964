"""A custom resource's structural schema (the openAPIV3Schema of its CustomResourceDefinition's version), as
the apiextensions-apiserver applies it to every object written: nulls and unknown fields pruned, defaults
filled in, then the object validated.

Ported from k8s.io/apiextensions-apiserver/pkg/apiserver/schema (pruning/algorithm.go,
defaulting/algorithm.go) and the kube-openapi validators its validation uses, with their words; its CEL
rules (x-kubernetes-validations) through cel.py, the subset that file names. Pure: each function takes a
decoded object and a schema (a dict), and works on JSON values only.

Formats are checked as kube-openapi does (strformats.py, and the number formats' ranges), those the apiserver
keeps; allOf/anyOf/oneOf/not with kube-openapi's match count; embedded resources' apiVersion, kind and
metadata as objectmeta's coercion and validation do. Where Go walks a map (an object's properties) and
reports several errors, its order is random; here they come in the schema's property order.
"""

from __future__ import annotations

import contextlib
import copy
import json
import math
import re
import struct
import sys
from collections.abc import Iterator
from typing import Any

from ..wire.gostrings import quote
from . import cel, fieldvalidation, strformats
from .decoding import go_type, json_kind, json_number
from .fielderrors import (
    Cause,
    duplicate,
    go_value,
    invalid,
    not_supported,
    required,
    too_long,
    too_many,
)
from .goorder import Undecodable, decoded_meta

Schema = dict[str, Any]

# What a custom resource keeps at its root whatever its schema says: ObjectMeta is Go-typed.
_ROOT = ("apiVersion", "kind", "metadata")
_PRESERVE = "x-kubernetes-preserve-unknown-fields"
EMBEDDED = "x-kubernetes-embedded-resource"
_INT_OR_STRING = "x-kubernetes-int-or-string"


def properties_of(s: Schema) -> dict[str, Schema]:
    props = s.get("properties")
    return props if isinstance(props, dict) else {}


def additional_of(s: Schema) -> Schema | None:
    extra = s.get("additionalProperties")
    return extra if isinstance(extra, dict) else None


def items_of(s: Schema) -> Schema | None:
    items = s.get("items")
    return items if isinstance(items, dict) else None


def prune(obj: dict[str, Any], s: Schema, *, nulls: bool = True) -> dict[str, Any]:
    """The object with the fields its schema does not name dropped (pruning.Prune), and with nulls the schema
    does not allow dropped where no default will replace them (PruneNonNullableNullsWithoutDefaults), which
    the decoder of a request's body does: an apply's object is never decoded so (`nulls` False), and
    validation refuses such a null. The root's apiVersion, kind and metadata are kept."""
    out = _pruned(obj, s, "", None, root=True, nulls=nulls)
    assert isinstance(out, dict)
    return out


def unknown_fields(obj: dict[str, Any], s: Schema) -> list[str]:
    """The paths of the fields pruning drops because the schema does not name them (not nulls), as the
    apiserver reports them to a write's fieldValidation: sorted. The root's metadata is not looked at."""
    dropped: list[str] = []
    _pruned(obj, s, "", dropped, root=True)
    return sorted(dropped)


def _pruned(value: Any, s: Schema | None, path: str, dropped: list[str] | None, *, root: bool = False,
            nulls: bool = True) -> Any:
    """`value` pruned by `s`; the paths of the unknown fields it drops go to `dropped`, when given."""
    if s is None:
        return value
    if isinstance(value, list):
        items = items_of(s)
        return [_pruned(v, items, f"{path}[{i}]", dropped, nulls=nulls) for i, v in enumerate(value)] \
            if items is not None else value
    if not isinstance(value, dict):
        return value
    props, extra = properties_of(s), additional_of(s)
    keep = _ROOT if root or s.get(EMBEDDED) else ()
    out: dict[str, Any] = {}
    for k, v in value.items():
        child = props.get(k, extra)
        if nulls and v is None and child is not None and not child.get("nullable") and "default" not in child:
            continue
        if k == "metadata" and v is None and keep and not root:  # (an embedded resource's null ObjectMeta: empty)
            out[k] = {}
        elif k in keep and isinstance(v, dict if k == "metadata" else str):
            out[k] = v  # (whatever the schema says of them: ObjectMeta's codec prunes metadata)
            if isinstance(v, dict) and not root:  # an embedded resource's metadata, coerced as ObjectMeta
                if dropped is not None:
                    dropped += [f"{path}.{p}" for p in fieldvalidation.meta_unknown_fields(v)]
                with contextlib.suppress(Undecodable):  # (embedded.decoding_error refuses it)
                    out[k] = decoded_meta(v)
        elif child is not None:
            out[k] = _pruned(v, child, f"{path}.{k}" if path else k, dropped, nulls=nulls)
        elif s.get(_PRESERVE):
            out[k] = v
        elif dropped is not None:
            dropped.append(f"{path}.{k}" if path else k)
    return out


def default(obj: dict[str, Any], s: Schema) -> dict[str, Any]:
    """The object with its schema's defaults filled in where a field is missing, or null and not nullable
    (defaulting.Default): top down, so a default's own fields are defaulted too."""
    _default(obj, s)
    return obj


def _default(value: Any, s: Schema | None) -> None:
    if s is None:
        return
    if isinstance(value, list):
        items = items_of(s)
        for v in value:
            _default(v, items)
        return
    if not isinstance(value, dict):
        return
    for k, child in properties_of(s).items():
        if not isinstance(child, dict):
            continue
        if "default" in child and (k not in value or (value[k] is None and not child.get("nullable"))):
            value[k] = copy.deepcopy(child["default"])
        if k in value:
            _default(value[k], child)
    extra = additional_of(s)
    if extra is not None:
        for k, v in value.items():
            if k not in properties_of(s):
                _default(v, extra)


_OPENAPI_TYPES = {"null": "null", "bool": "boolean", "int": "integer", "float": "number", "string": "string",
                  "list": "array", "map": "object"}


def _type_name(value: Any) -> str:
    """The JSON type of a value as kube-openapi names it in its messages (a float that is a JSON integer is an
    integer to it)."""
    kind = json_kind(value)
    if kind == "float" and _json_integer(value):
        kind = "int"
    return _OPENAPI_TYPES[kind]


_JSON_INTEGERS = float((1 << 53) - 1)


def _json_integer(f: float) -> bool:
    """swag.IsFloat64AJSONInteger: a float within a float64's exact integers that is one, or within a relative
    1e-9 of one (the JSON decoder of a custom resource reads `2.0` as a float64)."""
    if math.isnan(f) or math.isinf(f) or not -_JSON_INTEGERS <= f <= _JSON_INTEGERS:
        return False
    g = float(math.trunc(f)) if f >= 0 else 0.0  # (float64(uint64(f)): a negative one converts to 0 on amd64)
    if f == g or f == float(math.trunc(f)):
        return True
    diff = abs(f - g)
    if f == 0 or g == 0 or diff < 5e-324:
        return diff < 1e-9 * 5e-324
    return diff / min(abs(f) + abs(g), sys.float_info.max) < 1e-9


def _wanted(s: Schema) -> str:
    return "integer,string" if s.get(_INT_OR_STRING) else str(s.get("type"))


def _type_ok(value: Any, s: Schema) -> bool:
    want = s.get("type")
    if s.get(_INT_OR_STRING):
        return isinstance(value, str) or _type_name(value) == "integer"
    if not want or (value is None and s.get("nullable")):
        return True
    got = _type_name(value)
    return got == want or (want == "number" and got == "integer")


# the causes that keep the CEL rules from running (hasBlockingErr): a value of the wrong type, one not in its enum,
# one missing, too long, too many
_BLOCKING = frozenset({"FieldValueNotSupported", "FieldValueRequired", "FieldValueTooLong", "FieldValueTooMany",
                       "FieldValueTypeInvalid"})
_RULES_SKIPPED = invalid("<nil>", None, "some validation rules were not checked because the object was invalid; "
                                        "correct the existing errors to complete validation")


def validate(obj: dict[str, Any], s: Schema, old: dict[str, Any] | None = None, *,
             before: list[Cause] | None = None, others: list[Cause] | None = None, status: bool = False,
             keywords_too: bool = True) -> list[Cause]:
    """The causes of a 422 for an object that breaks its schema (the root's metadata is checked elsewhere:
    `before`, its causes), in the strategy's order: the OpenAPI keywords, the strategy's `others` (the scale
    subresource's paths, embedded resources'), the list types, then the CEL rules (cel.py), or, where a cause
    before them is one
    that keeps them from running, one cause that says so. On an update (`old`, the stored object, which rules
    naming oldSelf read) what the stored object broke already of the keywords and rules is let by (ratcheting),
    and the list types are checked only where the stored object kept them. A write through /status
    (`status`) has its keywords checked on the status alone, by its own schema (the causes' fields under
    `status`, their messages not). Without `keywords_too` (an object of another kind, which the validator
    refuses before its keywords, the strategy going on), the rest alone."""
    root = {**s, "required": [r for r in s.get("required") or [] if r not in _ROOT]}
    body = {k: v for k, v in obj.items() if k not in _ROOT}
    stored = {k: v for k, v in old.items() if k not in _ROOT} if old is not None else None
    def keywords(value: dict[str, Any]) -> list[Cause]:
        if not status:
            return _validate(value, root, "")
        if "status" not in value:
            return []
        found = _validate(value["status"], properties_of(root).get("status") or {}, "")
        return [("status" + ("." + f if f and f[0] != "[" else f) if f != "<nil>" else "status", reason, message)
                for f, reason, message in found]
    found = keywords(body) if keywords_too else []
    if stored is not None and found:
        already = set(keywords(stored))
        found = [c for c in found if c not in already]
    found += others or []
    if stored is None or not _list_types(stored, root, ""):
        found += _list_types(body, root, "")
    if not _has_rules(root):
        return found
    if any(reason in _BLOCKING for _, reason, _ in (before or []) + found):
        return [*found, _RULES_SKIPPED]
    rules = list(_rules(body, root, "", stored, stored is not None))
    if stored is not None and rules:
        already = set(_rules(stored, root, "", stored, True))
        rules = [c for c in rules if c not in already]
    return found + rules


def _has_rules(s: Any) -> bool:
    """Whether a schema holds a CEL rule anywhere (the apiserver builds no CEL validator for one without)."""
    if isinstance(s, dict):
        return bool(s.get("x-kubernetes-validations")) or any(_has_rules(v) for v in s.values())
    return isinstance(s, list) and any(_has_rules(v) for v in s)


def _list_types(value: Any, s: Schema, path: str) -> list[Cause]:
    """ValidateListSetsAndMaps: an x-kubernetes-list-type set holds no value twice and a map no key twice (each
    value's second place reported: its key fields alone for a map's item)."""
    out: list[Cause] = []
    if isinstance(value, dict):
        props, extra = properties_of(s), additional_of(s)
        if isinstance(extra, dict):
            for k, v in value.items():
                out += _list_types(v, extra, f"{path}[{k}]")
        for k, v in value.items():
            if isinstance(props.get(k), dict):
                out += _list_types(v, props[k], f"{path}.{k}" if path else k)
    elif isinstance(value, list):
        kind = s.get("x-kubernetes-list-type")
        if kind == "set":
            out += [duplicate(f"{path}[{i}]", value[i]) for i in _repeated(value)]
        elif kind == "map":
            wrong = [(i, x) for i, x in enumerate(value) if x is not None and not isinstance(x, dict)]
            if wrong:
                out.append(invalid(f"{path}[{wrong[0][0]}]", wrong[0][1], "must be an object for an array of "
                                                                          "list-type map"))
            else:
                keys = [_map_key(s, v or {}) for v in value]
                out += [duplicate(f"{path}[{i}]", keys[i]) for i in _repeated(keys)]
        items = items_of(s)
        if items is not None:
            for i, v in enumerate(value):
                out += _list_types(v, items, f"{path}[{i}]")
    return out


def _repeated(values: list[Any]) -> list[int]:
    """validateListSet: where each value that repeats comes the second time (a scalar of another Go type is
    another value: 1 is not 1.0)."""
    seen: dict[Any, int] = {}
    out = []
    for i, x in enumerate(values):
        key = json.dumps(x, sort_keys=True) if isinstance(x, dict | list) else (type(x).__name__, x)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] == 2:
            out.append(i)
    return out


_REASONS = {"FieldValueInvalid": "Invalid value", "FieldValueForbidden": "Forbidden",
            "FieldValueRequired": "Required value", "FieldValueDuplicate": "Duplicate value"}


def _rules(value: Any, s: Schema | None, path: str, old: Any, has_old: bool) -> Iterator[Cause]:
    """The causes of the x-kubernetes-validations rules that fail, a node's before its children's."""
    if s is None or value is None:
        return
    for rule in s.get("x-kubernetes-validations") or ():
        if isinstance(rule, dict) and isinstance(rule.get("rule"), str):
            yield from _rule(rule, value, s, path, old, has_old)
    if isinstance(value, list):
        items = items_of(s)
        olds = _old_items(s, old if has_old else None)
        for i, v in enumerate(value):
            key = _keyed(s, v) if olds else None
            yield from _rules(v, items, f"{path}[{i}]", olds.get(key), key in olds)
    elif isinstance(value, dict):
        props, extra = properties_of(s), additional_of(s)
        for k, v in value.items():
            child = props.get(k, extra)
            key_path = f"{path}[{k}]" if k not in props else (f"{path}.{k}" if path else k)
            has = has_old and isinstance(old, dict) and k in old
            yield from _rules(v, child, key_path, old.get(k) if has else None, has)


def _map_key(s: Schema, item: dict[str, Any]) -> dict[str, Any]:
    """A list-map item's key: its fields the list names as map keys."""
    names = [k for k in s.get("x-kubernetes-list-map-keys") or [] if isinstance(k, str)]
    return {k: item[k] for k in names if k in item}


def _keyed(s: Schema, item: Any) -> str | None:
    """_map_key as something to look up by."""
    return json.dumps(_map_key(s, item), sort_keys=True) if isinstance(item, dict) else None


def _old_items(s: Schema, old: Any) -> dict[str | None, Any]:
    """The old items of a list-map by key, which its new items' transition rules see as oldSelf (the
    apiserver correlates no other list's items)."""
    if s.get("x-kubernetes-list-type") != "map" or not isinstance(old, list):
        return {}
    return {_keyed(s, item): item for item in old if isinstance(item, dict)}


def _rule(rule: dict[str, Any], value: Any, s: Schema, path: str, old: Any, has_old: bool) -> Iterator[Cause]:
    text = rule["rule"]
    try:
        tree = cel.parse(text)
        if "oldSelf" in set(cel.names(tree)) and not has_old:
            return  # a transition rule: only on an update, where the old value is there
        env = {"self": _as_read(value, s), **({"oldSelf": _as_read(old, s)} if has_old else {})}
        ok = cel.evaluate(tree, env)
    except cel.Unsupported:
        return  # not claimed: emulate does not refuse what it cannot read
    except cel.CelError as exc:
        why = rule.get("message") or text
        yield path, "FieldValueInvalid", f'Invalid value: "{_type_of(s, value)}": {exc} evaluating rule: {why}'
        return
    if ok is True:
        return
    message = rule.get("message") if isinstance(rule.get("message"), str) and rule.get("message") else \
        f"failed rule: {text}"
    if isinstance(rule.get("messageExpression"), str):
        try:
            said = cel.evaluate(cel.parse(rule["messageExpression"]), env)
            message = said if isinstance(said, str) and said.strip() else message
        except (cel.Unsupported, cel.CelError):
            pass
    reason = str(rule.get("reason")) if rule.get("reason") in _REASONS else "FieldValueInvalid"
    field_path = rule.get("fieldPath")
    where = path + field_path if isinstance(field_path, str) and field_path.startswith(".") and path else path
    # (fieldErrorForReason: an Invalid or Duplicate names the value, unless the schema's type is an object or an
    # array, and a Duplicate says nothing more)
    shown = "" if _type_of(s, value) in ("object", "array") else f": {go_value(value)}"
    if reason == "FieldValueDuplicate":
        yield where, reason, f"{_REASONS[reason]}{shown}"
    else:
        yield where, reason, f"{_REASONS[reason]}{shown if reason == 'FieldValueInvalid' else ''}: {message}"


def _as_read(value: Any, s: Schema | None) -> Any:
    """A value as a CEL rule reads it (UnstructuredToVal): one that is not of its schema's type cannot be read
    (an integer the JSON wrote as a float, which its keywords let by; a value of any other type where the keywords
    were not checked: an object of another kind)."""
    if s is None or value is None:
        return value
    if (unfit := _unreadable(value, s)) is not None:
        return cel.Unreadable(unfit)
    if isinstance(value, dict):
        props, extra = properties_of(s), additional_of(s)
        return {k: _as_read(v, props.get(k, extra)) for k, v in value.items()}
    if isinstance(value, list):
        items = items_of(s)
        return [_as_read(v, items) for v in value]
    return value


def _unreadable(value: Any, s: Schema) -> str | None:
    """UnstructuredToVal's error for a value its schema's type does not hold, or None."""
    kind, got = s.get("type"), json_kind(value)
    if s.get("x-kubernetes-int-or-string"):
        return None if got in ("string", "int") else \
            "invalid data, expected XIntOrString value to be either a string or integer"
    if kind == "object" and got != "map":
        return "invalid data, expected a map for the provided schema with type=object"
    if kind == "array" and got != "list":
        return "invalid data, expected an array for the provided schema with type=array"
    expected = {"string": ("string", ("string",)), "number": ("float", ("int", "float")),
                "integer": ("int", ("int",)), "boolean": ("bool", ("bool",))}.get(str(kind))
    if expected is not None and got not in expected[1]:
        return f"invalid data, expected {expected[0]}, got {go_type(value)}"
    return None


def _type_of(s: Schema, value: Any) -> str:
    return str(s.get("type") or _type_name(value))


def _number(value: Any, s: Schema, path: str) -> list[Cause]:
    """The number validator's checks, each reported (it does not stop at the first)."""
    out: list[Cause] = []
    where = f"{path} in body"
    if not _in_range(value, s):  # (IsValueValidAgainstRange, as Go words it)
        fmt = kept_format(s)
        kind = f"with format {fmt}" if fmt else "(default format)"
        out.append(("<nil>", "FieldValueInvalid", f'Invalid value: "": Checked value must be of type {s.get("type")} '
                                                  f"{kind} in {path}"))
    factor = s.get("multipleOf")
    if isinstance(factor, int | float) and not isinstance(factor, bool):
        if isinstance(value, int):  # MultipleOfInt, with the factor truncated to an integer
            factor = int(factor)
        if factor <= 0:
            out.append(invalid(path, value, f"factor MultipleOf declared for {path} must be positive: "
                                            f"{go_value(factor)}"))
        elif not _multiple(value, factor):
            out.append(invalid(path, value, f"{where} should be a multiple of {go_value(factor)}"))
    top = s.get("maximum")
    if isinstance(top, int | float) and (value >= top if s.get("exclusiveMaximum") else value > top):
        words = "less than" if s.get("exclusiveMaximum") else "less than or equal to"
        out.append(invalid(path, value, f"{where} should be {words} {go_value(top)}"))
    low = s.get("minimum")
    if isinstance(low, int | float) and (value <= low if s.get("exclusiveMinimum") else value < low):
        words = "greater than" if s.get("exclusiveMinimum") else "greater than or equal to"
        out.append(invalid(path, value, f"{where} should be {words} {go_value(low)}"))
    return out


def _in_range(value: float, s: Schema) -> bool:
    """IsValueValidAgainstRange: an integer's value, written as Go's FormatFloat 'f' writes it, parses as one of
    its format's size; a float format's as a float32."""
    if s.get("type") == "integer":
        if isinstance(value, float) and not (value.is_integer() and abs(value) < 1e21):  # ('e' beyond: no int64)
            return False
        digits = int(json_number(value)) if isinstance(value, float) else value
        bits = 32 if kept_format(s) == "int32" else 64
        return -(1 << (bits - 1)) <= digits < 1 << (bits - 1)
    if s.get("type") == "number" and kept_format(s) == "float":  # (rounded to a float32, an infinity is too large)
        try:
            return not math.isinf(struct.unpack("f", struct.pack("f", value))[0])
        except OverflowError:
            return False
    return True


# the formats a definition's schema keeps for a numeric type (StripUnsupportedFormatsPostProcess)
_NUMBER_FORMATS = {"integer": ("int32", "int64"), "number": ("float", "double")}


def kept_format(s: Schema) -> str:
    """The schema's format as the apiserver keeps it: a number's of its own type, a string's the registry
    knows (an int-or-string's too), none on other types."""
    fmt = s.get("format")
    if not isinstance(fmt, str) or not fmt:
        return ""
    typ = "" if s.get(_INT_OR_STRING) else s.get("type") or ""
    if typ in _NUMBER_FORMATS:
        return fmt if fmt in _NUMBER_FORMATS[typ] else ""
    return fmt if typ in ("", "string") and strformats.valid(fmt, "") is not None else ""


def _multiple(value: float, factor: float) -> bool:
    if isinstance(value, int) and isinstance(factor, int):
        return value % factor == 0
    q = (1 / factor * value) if factor < 1 else value / factor
    return float(q).is_integer()


def _string(value: str, s: Schema, path: str) -> list[Cause]:
    """The string validator: the first of its checks that fails (it stops there)."""
    longest, shortest, pattern = s.get("maxLength"), s.get("minLength"), s.get("pattern")
    if isinstance(longest, int) and len(value) > longest:
        return [too_long(path, longest)]
    if isinstance(shortest, int) and len(value) < shortest:
        return [invalid(path, value, f"{path} in body should be at least {shortest} chars long")]
    if isinstance(pattern, str):
        try:
            matched = re.search(pattern, value) is not None
        except re.error:
            matched = True  # a pattern Python cannot compile: Go's RE2 syntax differs, so nothing is claimed
        if not matched:
            return [invalid(path, value, f"{path} in body should match '{pattern}'")]
    return []


def _format(value: str, fmt: str, path: str) -> list[Cause]:
    if strformats.valid(fmt, value) is False:
        return [(path, "FieldValueTypeInvalid",
                 f"Invalid value: {quote(value)}: {path} in body must be of type {fmt}: {quote(value)}")]
    return []


def _array(value: list[Any], s: Schema, path: str) -> _Result:
    """The slice validator: its items', then its own (its match count: the items' and one)."""
    out: list[Cause] = []
    count = 1
    items = items_of(s)
    if items is not None:
        for i, v in enumerate(value):
            count += _merge(out, _checked(v, items, f"{path}[{i}]"))
    fewest, most = s.get("minItems"), s.get("maxItems")
    if isinstance(fewest, int) and len(value) < fewest:
        out.append(invalid(path, len(value), f"{path} in body should have at least {fewest} items"))
    if isinstance(most, int) and len(value) > most:
        out.append(too_many(path, len(value), most))
    return out, count


def _object(value: dict[str, Any], s: Schema, path: str) -> _Result:
    """The object validator (its match count: its properties')."""
    out: list[Cause] = []
    count = 0
    most, fewest = s.get("maxProperties"), s.get("minProperties")
    if isinstance(fewest, int) and len(value) < fewest:
        out.append(invalid(path, len(value), f"{path} in body should have at least {fewest} properties"))
    if isinstance(most, int) and len(value) > most:
        out.append(too_many(path, len(value), most))
    props, extra = properties_of(s), additional_of(s)
    for k, v in value.items():
        child = props.get(k, extra)
        if isinstance(child, dict):
            count += _merge(out, _checked(v, child, f"{path}.{k}" if path else k))
    _merge(out, ([required(f"{path}.{r}" if path else r) for r in s.get("required") or []
                  if isinstance(r, str) and r not in value], 0))
    return out, count


def _format_type_error(value: Any, s: Schema, path: str, fmt: str) -> Cause | tuple[()] | None:
    """The type validator where the schema keeps a format: a value neither a string nor an array, of a type
    the schema does not have, is refused in the format's name and the Go format of its own (`int64`,
    `float64`, or none); a string or an array where a non-numeric schema has a format passes whatever the
    type (`()`); None where the plain type check applies. `fmt`: the format the apiserver keeps."""
    if not fmt or value is None:
        return None
    types = ("integer", "string") if s.get(_INT_OR_STRING) else (s.get("type"),)
    if isinstance(value, str | list):
        return () if not {"integer", "number"} & set(types) else None
    own = {"int": "integer", "float": "number", "bool": "boolean", "map": "object"}[json_kind(value)]
    go_format = {"integer": "int64", "number": "float64"}.get(own, "")
    if own in types or go_format == fmt or (own == "number" and _json_integer(value) and "integer" in types) \
            or (own == "integer" and "number" in types):
        return ()
    return (path, "FieldValueTypeInvalid",
            f'Invalid value: "{go_format}": {path} in body must be of type {fmt}: "{go_format}"')


def _enum(value: Any, s: Schema, path: str) -> list[Cause]:
    enum = s.get("enum")
    if isinstance(enum, list) and value is not None and value not in enum:
        return [not_supported(path, value, [v if isinstance(v, str) else go_value(v) for v in enum], plain=True)]
    return []


def _validate(value: Any, s: Schema, path: str) -> list[Cause]:
    return _checked(value, s, path)[0]


# a validation's causes and its match count (kube-openapi's Result: how many of its checks ran and passed, by
# which an anyOf or a oneOf that no branch passes picks the branch whose causes it reports)
_Result = tuple[list[Cause], int]


def _merge(out: list[Cause], result: _Result) -> int:
    """Result.Merge: the causes not reported already (AddErrors keeps each message once), and the count."""
    causes, count = result
    out += [c for c in causes if c not in out] if out else causes
    return count


def _checked(value: Any, s: Schema, path: str) -> _Result:
    """SchemaValidator.Validate: every validator that applies to the value as it is, in Go's order (type,
    allOf/anyOf/oneOf/not, string, format, number, items, enum, properties), each counting one match: a wrong
    type is reported, and the checks of the value's own kind still run (a float where an integer belongs is
    also checked as a number); a null gets the type check alone."""
    out: list[Cause] = []
    type_causes: list[Cause] = []
    fmt = kept_format(s)
    if (mistyped := _format_type_error(value, s, path, fmt)) is not None:
        type_causes = [mistyped] if mistyped else []
    elif not _type_ok(value, s):
        got = _type_name(value)
        type_causes = [(path, "FieldValueTypeInvalid",
                        f'Invalid value: "{got}": {path} in body must be of type {_wanted(s)}: "{got}"')]
    if value is None:
        return type_causes, 0 if type_causes else 1
    count = 1  # (the final one)
    if s.get("type") or s.get(_INT_OR_STRING) or fmt:
        out += type_causes
        count += 1 if type_causes else 2
    count += _merge(out, _composites(value, s, path)) + 1
    if isinstance(value, str):
        out += _string(value, s, path)
        count += 1
        if fmt:
            _merge(out, (_format(value, fmt, path), 0))
            count += 1
    elif isinstance(value, int | float) and not isinstance(value, bool):
        out += _number(value, s, path)
        count += 2
    elif isinstance(value, list):
        count += _merge(out, _array(value, s, path)) + 1
    _merge(out, (_enum(value, s, path), 0))
    count += 1
    if isinstance(value, dict):
        count += _merge(out, _object(value, s, path)) + 1
    return out, count


def _composite(message: str) -> Cause:
    """A composite keyword's failure: not a *Validation error, so the apiserver reports it at no field."""
    return invalid("<nil>", "", message)


def _composites(value: Any, s: Schema, path: str) -> _Result:
    """schemaPropsValidator: anyOf (the first branch that passes, else the best failure's causes), oneOf
    (exactly one branch, else the best failure's causes where none passed), allOf (every branch's causes),
    not; its match count: the branches' it reported, and one."""
    out: list[Cause] = []
    count = 1
    branches = {k: [b for b in s.get(k) or () if isinstance(b, dict)] for k in ("anyOf", "oneOf", "allOf")}
    where = quote(path)
    if branches["anyOf"]:
        best: _Result | None = None
        passed: _Result | None = None
        for branch in branches["anyOf"]:
            result = _checked(value, branch, path)
            if not result[0]:
                best, passed = None, result
                break
            if best is None or result[1] > best[1]:
                best = result
        if passed is None:
            out.append(_composite(f"{where} must validate at least one schema (anyOf)"))
        count += _merge(out, best or passed or ([], 0))
    if branches["oneOf"]:
        best, first, valid = None, None, 0
        for branch in branches["oneOf"]:
            result = _checked(value, branch, path)
            if not result[0]:
                valid += 1
                best, first = None, first or result
            elif valid == 0 and (best is None or result[1] > best[1]):
                best = result
        if valid != 1:
            found = "Found none valid" if valid == 0 else f"Found {valid} valid alternatives"
            _merge(out, ([_composite(f"{where} must validate one and only one schema (oneOf). {found}")], 0))
            count += _merge(out, best or ([], 0))
        else:
            count += _merge(out, first or ([], 0))
    if branches["allOf"]:
        valid = 0
        for branch in branches["allOf"]:
            result = _checked(value, branch, path)
            valid += not result[0]
            count += _merge(out, result)
        if valid != len(branches["allOf"]):
            none = ". None validated" if valid == 0 else ""
            _merge(out, ([_composite(f"{where} must validate all the schemas (allOf){none}")], 0))
    if isinstance(s.get("not"), dict) and not _checked(value, s["not"], path)[0]:
        _merge(out, ([_composite(f"{where} must not validate the schema (not)")], 0))
    return out, count
