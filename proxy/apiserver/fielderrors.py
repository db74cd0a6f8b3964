"""field.Error of k8s.io/apimachinery (pkg/util/validation/field/errors.go): one home for how a 422's causes are
worded, so each validation rule below only says which error it finds and where.

A cause is (field, reason, message), the three keys of a Status cause. The message is `ErrorBody()`: the
error type's words, the bad value as Go prints it (numbers and bools with %v, strings with %q, anything else
as Go's encoding/json writes it: a named string type's or a *string's too, which is why a caller passing one
says so, `typed`) and the detail.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..wire import jsonenc
from ..wire.gostrings import aggregate, quote

Cause = tuple[str, str, str]  # field, reason, message


def go_json(value: Any) -> str:
    """encoding/json's Marshal of a value already in Go's key order (maps sorted, structs in field order, as
    goorder.encoded leaves a stored object)."""
    return jsonenc.go_json(value).decode()


class HandlerPanic(Exception):
    """Code of the apiserver's that panics on this request (a validator that dereferences a nil pointer, a
    strategic merge patch that compares maps with ==): net/http closes the connection without an answer."""


class Printed(str):
    """A BadValue already in ErrorBody's words (a RawExtension's bytes, which Go prints compacted as held)."""


class Typed(str):
    """A BadValue Go passes as another type than `string` (an enum's named type, v1.RestartPolicy; a *string):
    not a `string` to ErrorBody's type switch, so printed as encoding/json writes it (`"a\\u003cb"`, where %q
    writes `"a<b"`)."""


def typed(value: Any) -> Any:
    """A string as Go holds it in a named type or behind a pointer (Typed); anything else as it is."""
    return Typed(value) if isinstance(value, str) and not isinstance(value, Printed) else value


def go_value(value: Any) -> str:
    """A BadValue as ErrorBody prints it."""
    if isinstance(value, Printed):
        return str(value)
    if isinstance(value, Typed):
        return go_json(str(value))
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return quote(value)
    return go_json(value)


def _with(body: str, detail: str) -> str:
    return f"{body}: {detail}" if detail else body


def error_text(causes: list[Cause]) -> str:
    """A field.ErrorList as its aggregate prints it: `path: message`, several in brackets."""
    return aggregate([f"{path}: {message}" for path, _, message in causes])


def required(path: str, detail: str = "") -> Cause:
    return path, "FieldValueRequired", _with("Required value", detail)


def invalid(path: str, value: Any, detail: str) -> Cause:
    return path, "FieldValueInvalid", _with(f"Invalid value: {go_value(value)}", detail)


def invalid_omitted(path: str, detail: str) -> Cause:
    """An Invalid whose value is left out (field.OmitValueType): a rule about several fields at once."""
    return path, "FieldValueInvalid", _with("Invalid value", detail)


def invalid_each(path: str, value: Any, details: Iterable[str]) -> list[Cause]:
    """One Invalid per message of a check that returns a list of them (IsDNS1123Label and the like)."""
    return [invalid(path, value, d) for d in details]


def not_supported(path: str, value: Any, supported: Iterable[str], plain: bool = False) -> Cause:
    """An enum's refusal: its value is of the field's named type, as validation passes it (Typed), or `plain`
    where Go passes a `string` (a reference's kind, an optional string field dereferenced)."""
    allowed = ", ".join(quote(s) for s in supported)
    shown = go_value(value if plain else typed(value))
    return path, "FieldValueNotSupported", f"Unsupported value: {shown}: supported values: {allowed}"


def duplicate(path: str, value: Any) -> Cause:
    return path, "FieldValueDuplicate", f"Duplicate value: {go_value(value)}"


def not_found(path: str, value: Any, detail: str = "") -> Cause:
    return path, "FieldValueNotFound", _with(f"Not found: {go_value(value)}", detail)


def too_many(path: str, have: int, most: int) -> Cause:
    """field.TooMany of a list: `have` items where at most `most` may be."""
    return path, "FieldValueTooMany", f"Too many: {have}: must have at most {most} item{'s' if most != 1 else ''}"


def too_long(path: str, most: int) -> Cause:
    """field.TooLong of a string, in bytes."""
    return path, "FieldValueTooLong", f"Too long: may not be more than {most} byte{'s' if most != 1 else ''}"


def too_long_characters(path: str, most: int) -> Cause:
    """field.TooLongCharacters: declarative validation's maxLength, which counts runes."""
    return path, "FieldValueTooLong", f"Too long: may not be more than {most} character{'s' if most != 1 else ''}"


def internal(path: str, detail: str) -> Cause:
    """field.InternalError: what a validator could not check, in the words of the error it met."""
    return path, "InternalError", f"Internal error: {detail}"


def forbidden(path: str, detail: str) -> Cause:
    return path, "FieldValueForbidden", _with("Forbidden", detail)


def key(path: str, name: str) -> str:
    """field.Path.Key: `data[name]`."""
    return f"{path}[{name}]"
