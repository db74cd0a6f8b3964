"""A custom resource's structural schema, as tables: what pruning keeps, what defaulting fills in, and the
causes validation finds (the words are compared with the real apiserver by tests/test_crds_realkube.py)."""

from __future__ import annotations

from typing import Any

import pytest
from watchproxy.apiserver import schema

SCHEMA: dict[str, Any] = {"type": "object", "properties": {"spec": {"type": "object", "properties": {
    "n": {"type": "integer", "default": 1},
    "s": {"type": "string", "nullable": True},
    "m": {"type": "object", "additionalProperties": {"type": "object", "properties": {"k": {"type": "string"}}}},
    "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
    "e": {"type": "object", "x-kubernetes-embedded-resource": True, "properties": {}},
    "d": {"type": "object", "default": {}, "properties": {"x": {"type": "string", "default": "y"}}},
}}}}


def test_the_roots_metadata_is_not_pruned_by_a_schema_that_names_it() -> None:
    """controller-gen writes `metadata: {type: object}` into every definition: the name stays."""
    s = {"type": "object", "properties": {"metadata": {"type": "object"}, "spec": {"type": "object"}}}
    obj = {"apiVersion": "a.example.com/v1", "kind": "A", "metadata": {"name": "a", "labels": {"x": "y"}}, "spec": {}}
    assert schema.prune(obj, s) == obj
    assert schema.unknown_fields(obj, s) == []


@pytest.mark.parametrize(("spec", "stored"), [
    ({}, {"n": 1, "d": {"x": "y"}}),
    ({"n": None, "s": None, "t": None}, {"n": 1, "s": None, "d": {"x": "y"}}),
    ({"unknown": 1, "free": {"a": {"b": 1}}}, {"free": {"a": {"b": 1}}, "n": 1, "d": {"x": "y"}}),
    ({"m": {"one": {"k": "v", "gone": 1}}}, {"m": {"one": {"k": "v"}}, "n": 1, "d": {"x": "y"}}),
    ({"e": {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {}}},
     {"e": {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}}, "n": 1, "d": {"x": "y"}}),
    ({"d": {"x": "z"}, "n": 5}, {"d": {"x": "z"}, "n": 5}),
])
def test_pruned_then_defaulted(spec: dict[str, Any], stored: dict[str, Any]) -> None:
    obj = {"apiVersion": "a.example.com/v1", "kind": "A", "metadata": {"name": "a"}, "spec": spec, "junk": 1}
    out = schema.default(schema.prune(obj, SCHEMA), SCHEMA)
    assert out == {"apiVersion": "a.example.com/v1", "kind": "A", "metadata": {"name": "a"}, "spec": stored}


@pytest.mark.parametrize(("props", "value", "causes"), [
    ({"type": "integer", "maximum": 3}, 4,
     [("x", "FieldValueInvalid", "Invalid value: 4: x in body should be less than or equal to 3")]),
    ({"type": "integer", "maximum": 3, "exclusiveMaximum": True}, 3,
     [("x", "FieldValueInvalid", "Invalid value: 3: x in body should be less than 3")]),
    ({"type": "string", "maxLength": 2, "pattern": "^a"}, "bcd",
     [("x", "FieldValueTooLong", "Too long: may not be more than 2 bytes")]),  # the first string check only
    ({"type": "string", "enum": ["a", "b"]}, "c",
     [("x", "FieldValueNotSupported", 'Unsupported value: "c": supported values: "a", "b"')]),
    ({"type": "array", "maxItems": 1}, [1, 2],
     [("x", "FieldValueTooMany", "Too many: 2: must have at most 1 item")]),
    ({"type": "integer", "multipleOf": 0.5}, 3,  # an integer is checked against the factor truncated: 0
     [("x", "FieldValueInvalid", "Invalid value: 3: factor MultipleOf declared for x must be positive: 0")]),
    ({"type": "number", "multipleOf": 0.5}, 1.5, []),
    ({"x-kubernetes-int-or-string": True}, "80%", []),
    ({"type": "boolean"}, "yes",
     [("x", "FieldValueTypeInvalid", 'Invalid value: "string": x in body must be of type boolean: "string"')]),
    ({"type": "object", "required": ["k"], "properties": {"k": {"type": "string"}}}, {},
     [("x.k", "FieldValueRequired", "Required value")]),
    # anyOf: the branch whose checks passed most is reported (a float passes an integer's number check, not a
    # string's: both count one); a tie goes to the first branch
    ({"x-kubernetes-int-or-string": True, "anyOf": [{"type": "string"}, {"type": "integer"}]}, True,
     [("x", "FieldValueTypeInvalid", 'Invalid value: "boolean": x in body must be of type integer,string: "boolean"'),
      ("<nil>", "FieldValueInvalid", 'Invalid value: "": "x" must validate at least one schema (anyOf)'),
      ("x", "FieldValueTypeInvalid", 'Invalid value: "boolean": x in body must be of type string: "boolean"')]),
    ({"type": "object", "properties": {"n": {"type": "integer"}},
      "anyOf": [{"required": ["z"]}, {"properties": {"n": {"minimum": 10}}}]}, {"n": 1},
     [("<nil>", "FieldValueInvalid", 'Invalid value: "": "x" must validate at least one schema (anyOf)'),
      ("x.n", "FieldValueInvalid", "Invalid value: 1: x.n in body should be greater than or equal to 10")]),
    ({"type": "string", "anyOf": [{"maxLength": 1}, {"pattern": "^a"}]}, "ab", []),
    # oneOf: exactly one branch; where several pass, no branch's causes
    ({"type": "integer", "oneOf": [{"minimum": 5}, {"maximum": 7}]}, 6,
     [("<nil>", "FieldValueInvalid",
       'Invalid value: "": "x" must validate one and only one schema (oneOf). Found 2 valid alternatives')]),
    ({"type": "object", "oneOf": [{"required": ["a"]}, {"required": ["b"]}]}, {},
     [("<nil>", "FieldValueInvalid",
       'Invalid value: "": "x" must validate one and only one schema (oneOf). Found none valid'),
      ("x.a", "FieldValueRequired", "Required value")]),
    # allOf: every branch's causes, then its own; not
    ({"type": "string", "allOf": [{"pattern": "^x"}, {"maxLength": 2}]}, "abc",
     [("x", "FieldValueInvalid", "Invalid value: \"abc\": x in body should match '^x'"),
      ("x", "FieldValueTooLong", "Too long: may not be more than 2 bytes"),
      ("<nil>", "FieldValueInvalid", 'Invalid value: "": "x" must validate all the schemas (allOf). None validated')]),
    ({"type": "integer", "allOf": [{"minimum": 5}, {"minimum": 5}]}, 3,  # (a cause is reported once)
     [("x", "FieldValueInvalid", "Invalid value: 3: x in body should be greater than or equal to 5"),
      ("<nil>", "FieldValueInvalid", 'Invalid value: "": "x" must validate all the schemas (allOf). None validated')]),
    ({"type": "string", "not": {"enum": ["a"]}}, "a",
     [("<nil>", "FieldValueInvalid", 'Invalid value: "": "x" must not validate the schema (not)')]),
    ({"type": "string", "maxLength": 1}, "ab", [("x", "FieldValueTooLong", "Too long: may not be more than 1 byte")]),
])
def test_validation_causes(props: dict[str, Any], value: Any, causes: list[tuple[str, str, str]]) -> None:
    s = {"type": "object", "properties": {"x": props}}
    assert schema.validate({"metadata": {"name": "a"}, "x": value}, s) == causes


_RULED: dict[str, Any] = {"type": "object", "properties": {
    "spec": {"type": "object", "x-kubernetes-validations": [{"rule": "self.n <= 5", "message": "at most five"}],
             "properties": {"n": {"type": "integer", "minimum": 0}, "size": {"type": "string", "enum": ["s"]},
                            "mode": {"type": "string", "x-kubernetes-validations": [
                                {"rule": "self == oldSelf", "message": "mode is immutable"}]}}},
    "status": {"type": "object", "properties": {"n": {"type": "integer"}}}}}
_SKIPPED = ("<nil>", "FieldValueInvalid", "Invalid value: null: some validation rules were not checked because the "
                                          "object was invalid; correct the existing errors to complete validation")


@pytest.mark.parametrize(("obj", "old", "status", "causes"), [
    # a cause of a kind that keeps the rules from running (hasBlockingErr) puts one saying so in their place
    ({"spec": {"n": 9, "size": "m"}}, None, False,
     [("spec.size", "FieldValueNotSupported", 'Unsupported value: "m": supported values: "s"'), _SKIPPED]),
    # another does not
    ({"spec": {"n": -1}}, None, False,
     [("spec.n", "FieldValueInvalid", "Invalid value: -1: spec.n in body should be greater than or equal to 0")]),
    ({"spec": {"n": 9}}, None, False, [("spec", "FieldValueInvalid", "Invalid value: at most five")]),
    # a rule on a scalar names its value (fieldErrorForReason), one on an object or array does not
    ({"spec": {"n": 1, "mode": "b"}}, {"spec": {"n": 1, "mode": "a"}}, False,
     [("spec.mode", "FieldValueInvalid", 'Invalid value: "b": mode is immutable')]),
    # through /status the status alone, by its own schema: the field under status, the message not
    ({"spec": {"n": 1}, "status": {"n": "two"}}, {"spec": {"n": 1}}, True,
     [("status.n", "FieldValueTypeInvalid", 'Invalid value: "string": n in body must be of type integer: "string"'),
      _SKIPPED]),
    # and what the stored object broke already is let by
    ({"spec": {"n": 9}, "status": {"n": 2}}, {"spec": {"n": 9}}, True, []),
    # a float that is a JSON integer is an integer to the keywords (swag.IsFloat64AJSONInteger), but a rule
    # cannot read it as one (UnstructuredToVal)
    ({"spec": {"n": 2.0}}, None, False,
     [("spec", "FieldValueInvalid",
       'Invalid value: "object": invalid data, expected int, got float64 evaluating rule: at most five')]),
    ({"spec": {"n": 1e300}}, None, False,
     [("spec.n", "FieldValueTypeInvalid", 'Invalid value: "number": spec.n in body must be of type integer: "number"'),
      ("<nil>", "FieldValueInvalid", 'Invalid value: "": Checked value must be of type integer (default format) in '
                                     "spec.n"), _SKIPPED]),
    ({"spec": {"n": 2.5}}, None, False,
     [("spec.n", "FieldValueTypeInvalid", 'Invalid value: "number": spec.n in body must be of type integer: "number"'),
      ("<nil>", "FieldValueInvalid", 'Invalid value: "": Checked value must be of type integer (default format) in '
                                     "spec.n"), _SKIPPED]),
])
def test_the_rules_run_after_the_keywords_and_only_where_nothing_keeps_them_from_it(
        obj: dict[str, Any], old: dict[str, Any] | None, status: bool, causes: list[tuple[str, str, str]]) -> None:
    meta = {"metadata": {"name": "a"}}
    assert schema.validate({**meta, **obj}, _RULED, {**meta, **old} if old else None, status=status) == causes
