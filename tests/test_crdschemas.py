"""A definition's schema as the apiextensions-apiserver checks it, as a table: structural rules (sorted as Go
sorts them) before the OpenAPI schema's (the words are compared with the real apiserver by
tests/test_crds_realkube.py, `_unstructural`)."""

from __future__ import annotations

from typing import Any

import pytest
from watchproxy.apiserver import crdschemas


def _root(field: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": {"f": field}}


@pytest.mark.parametrize(("s", "causes"), [
    (_root({"type": "string", "anyOf": [{"pattern": "^a"}], "allOf": [{"maxLength": 3}], "not": {"enum": ["b"]}}),
     []),
    (_root({"x-kubernetes-int-or-string": True, "anyOf": [{"type": "integer"}, {"type": "string"}]}), []),
    (_root({"x-kubernetes-int-or-string": True,
            "allOf": [{"anyOf": [{"type": "integer"}, {"type": "string"}]}, {"maxLength": 2}]}), []),
    (_root({"type": "string", "oneOf": [{"type": "string", "nullable": True}]}),
     [("s.properties[f].oneOf[0].nullable", "FieldValueForbidden", "Forbidden: must be false to be structural"),
      ("s.properties[f].oneOf[0].type", "FieldValueForbidden", "Forbidden: must be empty to be structural")]),
    (_root({"type": "object", "properties": {"a": {"type": "string"}},
            "anyOf": [{"properties": {"b": {"minLength": 1}, "metadata": {}}}]}),  # (only the root is complete)
     [("s.properties[f].anyOf[0].properties[metadata]", "FieldValueForbidden",
       "Forbidden: must not be specified in a nested context")]),
    ({"type": "object", "anyOf": [{"properties": {"b": {"minLength": 1}}}]},
     [("s.properties[b]", "FieldValueRequired", "Required value: because it is defined in s.anyOf[0].properties[b]")]),
    (_root({"type": "string", "anyOf": [{"$ref": "#/x"}]}),  # (not structural at all: the OpenAPI rule says why)
     [("s.properties[f].anyOf[0].$ref", "FieldValueForbidden", "Forbidden: $ref is not supported")]),
    (_root({"type": "array"}), [("s.properties[f].items", "FieldValueRequired", "Required value: must be specified")]),
    ({"type": "object", "properties": {"metadata": {"type": "object", "properties": {"name": {"type": "string"}}}}},
     []),
    ({"type": "object", "properties": {"metadata": {"type": "object", "properties": {"labels": {"type": "object"}}}}},
     [("s.properties[metadata]", "FieldValueForbidden",
       "Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified")]),
    (_root({"type": "int", "x-kubernetes-validations": [{"rule": "a\nb"}, {"rule": "true", "reason": "X"}]}),
     [("s.properties[f].type", "FieldValueNotSupported", 'Unsupported value: "int": supported values: "array", '
       '"boolean", "integer", "number", "object", "string"'),
      ("s.properties[f].x-kubernetes-validations[0].message", "FieldValueRequired",
       "Required value: message must be specified if rule contains line breaks"),
      ("s.properties[f].x-kubernetes-validations[1].reason", "FieldValueNotSupported",
       'Unsupported value: "X": supported values: "FieldValueDuplicate", "FieldValueForbidden", '
       '"FieldValueInvalid", "FieldValueRequired"')]),
])
def test_definition_schema_causes(s: dict[str, Any], causes: list[tuple[str, str, str]]) -> None:
    assert crdschemas.causes(s, "s") == causes


_PATHS = {"type": "object", "properties": {
    "a": {"type": "object", "properties": {"b'c": {"type": "string"}}},
    "m": {"type": "object", "additionalProperties": {"type": "object", "properties": {"x": {"type": "string"}}}}}}


@pytest.mark.parametrize(("path", "valid"), [
    (".a", True), (".a['b\\'c']", True), (".m.any.x", True), (".m['k.z'].x", True), (".a.c", False),
    (".m.k.y", False), (".a['b\\q']", False), (".a[0]", False), ("a", False), (".a.", False), (".a['b", False),
])
def test_a_rules_field_path_is_a_path_to_a_field_from_its_place(path: str, valid: bool) -> None:
    rule = {"rule": "true", "fieldPath": path}
    causes = crdschemas.causes({**_PATHS, "x-kubernetes-validations": [rule]}, "s")
    assert causes == ([] if valid else [("s.x-kubernetes-validations[0].fieldPath", "FieldValueInvalid",
                                         f'Invalid value: "{path}": must be a valid path'.replace("\\", "\\\\"))])
