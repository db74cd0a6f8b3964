"""Embedded resources in a custom resource (x-kubernetes-embedded-resource, as kubebuilder marks a template
field: an object with its own apiVersion, kind and metadata), as the apiextensions-apiserver's objectmeta
package coerces and validates them: the decoder refuses an apiVersion or kind that is not a string and
metadata that is not an ObjectMeta (its 400); validation wants an apiVersion and kind and checks the metadata
as an object's. (Their metadata is decoded as ObjectMeta where the schema prunes: schema.py.) Pure.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .decoding import json_kind, type_error
from .fielderrors import Cause, error_text, invalid, invalid_each, not_supported, required, too_long
from .goorder import Undecodable, decoded_meta, sorted_keys
from .schema import EMBEDDED, Schema, additional_of, items_of, properties_of
from .validation import dns1035_label, dns_label, object_meta, path_segment


def _resources(value: Any, s: Schema | None, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each embedded resource (x-kubernetes-embedded-resource) in a value, with its path as Go prints it."""
    if s is None:
        return
    if isinstance(value, dict):
        if s.get(EMBEDDED) and path:
            yield path, value
        props, extra = properties_of(s), additional_of(s)
        for k, v in value.items():
            if k in props:
                yield from _resources(v, props[k], f"{path}.{k}" if path else k)
            elif extra is not None:
                yield from _resources(v, extra, f"{path}[{k}]")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _resources(v, items_of(s), f"{path}[{i}]")


_GO_KINDS = {"string": "string", "int": "number", "float": "number", "bool": "bool", "list": "array"}


def decoding_error(obj: dict[str, Any], s: Schema) -> str | None:
    """What the decoder refuses of an embedded resource (objectmeta.Coerce): an apiVersion or kind that is not
    a string, metadata that is not an ObjectMeta; as the 400's message words it after "cannot be handled as"."""
    for path, resource in _resources(obj, s, ""):
        for k, v in resource.items():
            if k in ("apiVersion", "kind") and not isinstance(v, str):
                return error_text([invalid(f"{path}.{k}", v, "must be a string")])
            if k != "metadata" or v is None:
                continue
            if not isinstance(v, dict):
                why = f"json: cannot unmarshal {_GO_KINDS[json_kind(v)]} into Go value of type v1.ObjectMeta"
            else:
                why = type_error({"metadata": v}, "", typed=False) or ""
                try:
                    decoded_meta(v)
                except Undecodable as exc:
                    why = why or str(exc)
            if why:
                return error_text([invalid(f"{path}.metadata", sorted_keys(v), why)])
    return None


def causes(obj: dict[str, Any], s: Schema) -> list[Cause]:
    """validateEmbeddedResource: an apiVersion (a group version) and a kind, metadata as ObjectMeta (a name
    that is a path segment)."""
    out: list[Cause] = []
    for path, resource in _resources(obj, s, ""):
        out += [required(f"{path}.{k}") for k in ("apiVersion", "kind") if k not in resource]
        for k, v in resource.items():
            if k == "apiVersion" and isinstance(v, str):
                if not v:
                    out.append(invalid(f"{path}.apiVersion", v, "must not be empty"))
                elif v.count("/") > 1:
                    out.append(invalid(f"{path}.apiVersion", v, f"unexpected GroupVersion string: {v}"))
            elif k == "kind" and isinstance(v, str):
                if not v:
                    out.append(invalid(f"{path}.kind", v, "must not be empty"))
                elif errs := dns1035_label(v.lower()):
                    out.append(invalid(f"{path}.kind", v, "may have mixed case, but should otherwise match: "
                                       + ",".join(errs)))
            elif k == "metadata" and isinstance(v, dict):
                meta = {**v, "name": v.get("name") or "fakename"}
                found = object_meta("", meta, rule=path_segment)
                named = sum(f in ("metadata.generateName", "metadata.name") for f, _, _ in found)
                if isinstance(namespace := v.get("namespace"), str) and namespace:  # (then it must be one)
                    found[named:named] = invalid_each("metadata.namespace", namespace, dns_label(namespace))
                found += _managed_fields(v.get("managedFields"))
                out += [(f"{path}.{f}", reason, message) for f, reason, message in found]
    return out


def _managed_fields(entries: Any) -> list[Cause]:
    """ValidateManagedFields, which an object's metadata meets only here (an apiserver writes its own): each
    entry's operation, fields type, manager and subresource."""
    out: list[Cause] = []
    for i, entry in enumerate(entries if isinstance(entries, list) else ()):
        if not isinstance(entry, dict):
            continue
        at = f"metadata.managedFields[{i}]"
        operation = entry.get("operation") or ""
        if not operation:
            out.append(required(f"{at}.operation", "must not be empty"))
        elif operation not in ("Apply", "Update"):
            out.append(not_supported(f"{at}.operation", operation, ["Apply", "Update"]))
        if entry.get("fieldsType") and entry["fieldsType"] != "FieldsV1":
            out.append(invalid(f"{at}.fieldsType", entry["fieldsType"], "must be `FieldsV1`"))
        if len(str(entry.get("manager") or "")) > 128:
            out.append(too_long(f"{at}.manager", 128))
        if len(str(entry.get("subresource") or "")) > 256:
            out.append(too_long(f"{at}.subresource", 256))
    return out
