"""A definition as the apiserver decodes and stores it (its Go types), as a table; compared with the real
apiserver by tests/test_crds_realkube.py (`_written_as_go`)."""

from __future__ import annotations

from typing import Any

import pytest
from watchproxy.apiserver import crdtypes


def _definition(schema: dict[str, Any], **version: Any) -> dict[str, Any]:
    return {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition", "metadata": {"name": "a"},
            "spec": {"group": "g", "versions": [{"name": "v1", "schema": {"openAPIV3Schema": schema}, **version}]}}


@pytest.mark.parametrize(("schema", "stored", "unknown"), [
    ({"type": "string", "nullable": False, "description": "", "enum": [], "default": None, "uniqueItems": False},
     {"type": "string"}, []),
    ({"type": "integer", "maxLength": 0, "minimum": 1.0, "maximum": 1e21, "enum": [1, 2.0, None, "a"]},
     {"type": "integer", "maximum": 1e21, "minimum": 1, "maxLength": 0, "enum": [1, 2, None, "a"]}, []),
    ({"type": "object", "default": {"b": 1.0, "a": [2.0]}, "x-kubernetes-preserve-unknown-fields": False},
     {"type": "object", "default": {"a": [2], "b": 1}, "x-kubernetes-preserve-unknown-fields": False}, []),
    ({"properties": {"b": {"type": "string", "typo": 1}, "a": {}}, "additionalProperties": False, "type": "object"},
     {"type": "object", "properties": {"a": {}, "b": {"type": "string"}}, "additionalProperties": False},
     ["spec.versions[0].schema.openAPIV3Schema.properties.b.typo"]),
    ({"type": "string", "x-kubernetes-validations": [{"rule": "true", "message": "", "bogus": 1}]},
     {"type": "string", "x-kubernetes-validations": [{"rule": "true"}]},
     ["spec.versions[0].schema.openAPIV3Schema.x-kubernetes-validations[0].bogus"]),
])
def test_a_schema_as_stored(schema: dict[str, Any], stored: dict[str, Any], unknown: list[str]) -> None:
    decoded, found = crdtypes.decoded(_definition(schema, served=True, storage=True))
    assert decoded["spec"]["versions"][0]["schema"]["openAPIV3Schema"] == stored
    assert list(decoded["spec"]["versions"][0]["schema"]["openAPIV3Schema"]) == list(stored)  # Go's field order
    assert found == unknown


def test_fields_a_client_leaves_out_are_written_and_unknown_ones_reported_as_met() -> None:
    body = _definition({"type": "object"}, bogus=1)
    body["spec"] = {"extra": 2, **body["spec"]}
    body["metadata"]["nope"] = 3
    decoded, found = crdtypes.decoded(body)
    assert decoded["spec"]["versions"][0] == {"name": "v1", "served": False, "storage": False,
                                              "schema": {"openAPIV3Schema": {"type": "object"}}}
    assert found == ["metadata.nope", "spec.extra", "spec.versions[0].bogus"]


def test_a_null_item_or_value_is_its_structs_zero_value() -> None:
    """Go decodes null into a slice's struct or a map's struct as its zero value: a property given as null is
    an empty schema (its missing type the structural rules' to refuse), never a hole in the object."""
    body = _definition({"type": "object", "properties": {"a": None}})
    body["spec"]["versions"].append(None)
    decoded, _ = crdtypes.decoded(body)
    assert decoded["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"] == {"a": {}}
    assert decoded["spec"]["versions"][1] == {"served": False, "storage": False}
