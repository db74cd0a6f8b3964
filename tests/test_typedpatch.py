"""An applied configuration typed by structured-merge-diff and converted into its Go type
(proxy/apiserver/typedpatch.py), as tables: each refusal in the words kube-apiserver answers it with (the
same values run against it in tests/test_writes_random_realkube.py and tests/crds_differential.py)."""

from __future__ import annotations

from typing import Any

import pytest
from watchproxy.apiserver import fieldsets, typedpatch


def _cm(**fields: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, **fields}


def _pod(**container: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
            "spec": {"containers": [{"name": "c", "image": "i", **container}]}}


CM, POD = fieldsets.root("v1", "ConfigMap"), fieldsets.root("v1", "Pod")
_PORTS = '.spec.containers[name="c"].ports'


@pytest.mark.parametrize(("config", "node", "error"), [
    (_cm(data={"a": "b"}), CM, None),
    (_cm(data={"a": 1000000}), CM, ".data.a: expected string, got &value.valueUnstructured{Value:1000000}"),
    (_cm(data={"a": {"b": [1.5, "x", None, True]}}), CM, '.data.a: expected string, got &value.valueUnstructured'
     '{Value:map[string]interface {}{"b":[]interface {}{1.5, "x", interface {}(nil), true}}}'),
    (_cm(data=["x"]), CM, ".data: expected map, got &{[x]}"),
    (_cm(immutable="yes"), CM, ".immutable: expected boolean, got &{yes}"),
    (_cm(metadata={"name": "c", "finalizers": "x"}), CM, ".metadata.finalizers: expected list, got &{x}"),
    (_cm(metadata={"name": "c", "finalizers": [None]}), CM,
     ".metadata.finalizers: element 0: associative list without keys has an element that's an explicit null"),
    (_cm(metadata={"name": "c", "finalizers": ["a", "a"]}), CM,
     '.metadata.finalizers: duplicate entries for key [="a"]'),
    (_cm(bogus=1), CM, ".bogus: field not declared in schema"),
    (_cm(bogus=1, data={"a": 1}), CM, ".bogus: field not declared in schema"),  # the walk of the map stops there
    (_cm(data={"a": 1}, zz=1), CM, "errors:\n  .data.a: expected string, got &value.valueUnstructured{Value:1}\n"
                                   "  .zz: field not declared in schema"),
    (_pod(ports=[{"containerPort": "x"}]), POD,
     f'{_PORTS}[containerPort="x",protocol="TCP"].containerPort: expected numeric (int or float), got string'),
    (_pod(ports=[None]), POD, f"{_PORTS}: element 0: associative list with keys may not have a null element"),
    (_pod(ports=[80]), POD, f"{_PORTS}: element 0: associative list with keys may not have non-map elements"),
    (_pod(ports=[{"containerPort": 80}, {"containerPort": 80}]), POD,
     f'{_PORTS}: duplicate entries for key [containerPort=80,protocol="TCP"]'),
    (_pod(resources={"limits": {"cpu": {"a": 1}}}), POD,
     '.spec.containers[name="c"].resources.limits.cpu: expected any scalar, got &{map[a:1]}'),
    (_pod(resources={"limits": {"cpu": True}}), POD, None),  # a quantity's scalar is untyped: its decoder refuses
    (_pod(livenessProbe={"httpGet": {"port": [1]}}), POD, None),  # an int-or-string has no type: any value
])
def test_structured_merge_diff_types_an_applied_configuration(config: dict[str, Any], node: Any,
                                                              error: str | None) -> None:
    assert typedpatch.typing_error(typedpatch.decoded(config), node) == error


@pytest.mark.parametrize(("obj", "error"), [
    (_pod(ports=[{"containerPort": 80.0}]), None),
    (_pod(ports=[{"containerPort": 1.5}]), "cannot convert float64 to int32"),
    ({**_pod(), "spec": {**_pod()["spec"], "activeDeadlineSeconds": 2.5}}, "cannot convert float64 to int64"),
    (_pod(livenessProbe={"httpGet": {"port": 1.5}}), "json: cannot unmarshal number 1.5 into Go value of type int32"),
    (_pod(livenessProbe={"httpGet": {"port": 3000000000}}),
     "json: cannot unmarshal number 3000000000 into Go value of type int32"),
    (_pod(livenessProbe={"httpGet": {"port": True}}), "json: cannot unmarshal bool into Go value of type int32"),
    (_pod(resources={"limits": {"cpu": True}}),
     "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"),
    (_cm(metadata={"name": "c", "creationTimestamp": 5}), "json: cannot unmarshal number into Go value of type string"),
    (_cm(metadata={"name": "c", "creationTimestamp": "x"}),
     'parsing time "x" as "2006-01-02T15:04:05Z07:00": cannot parse "x" as "2006"'),
    ({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "data": {"a": "!!!"}},
     "error decoding from json: illegal base64 data at input byte 0"),
])
def test_the_unstructured_converter_decodes_an_applied_object_into_its_go_type(obj: dict[str, Any],
                                                                              error: str | None) -> None:
    assert typedpatch.conversion_error(typedpatch.decoded(obj), obj["kind"], obj["apiVersion"]) == error


def test_an_apply_patchs_numbers_are_int64_where_whole_and_float64_beyond() -> None:
    assert typedpatch.decoded({"a": [80.0, 1.5, 2**63, True]}) == {"a": [80, 1.5, float(2**63), True]}
    assert isinstance(typedpatch.decoded(80.0), int)
