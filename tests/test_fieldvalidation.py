"""fieldValidation as tables: which fields a built-in kind's Go type lacks, in the body's order, and the
words of a Strict refusal and of Warn's headers (compared with the real apiserver by
tests/test_crds_realkube.py)."""

from __future__ import annotations

from typing import Any

import pytest
from watchproxy.apiserver import fieldvalidation, gojson, options
from watchproxy.wire.params import query_pairs


@pytest.mark.parametrize(("kind", "api_version", "obj", "unknown"), [
    ("ConfigMap", "v1", {"metadata": {"name": "a", "zeta": 1}, "zdata": 1, "data": {"k": "v"}},
     ["metadata.zeta", "zdata"]),
    ("Deployment", "apps/v1", {"spec": {"template": {"spec": {"containers": [
        {"name": "c", "ports": [{"containerPort": 1}, {"protocl": "TCP"}]}], "bogus": 1}}}},
     ["spec.template.spec.containers[0].ports[1].protocl", "spec.template.spec.bogus"]),
    ("Pod", "v1", {"spec": {"nodeSelector": {"a": "b"}, "overhead": {"cpu": "1"}}}, []),
    ("Widget", "example.com/v1", {"anything": 1}, None),  # no Go type: not known here
])
def test_unknown_fields(kind: str, api_version: str, obj: dict[str, Any], unknown: list[str] | None) -> None:
    assert fieldvalidation.unknown_fields(obj, kind, api_version) == unknown


def test_repeated_keys_are_reported_among_the_unknown_fields_in_the_bodys_order() -> None:
    # as the real apiserver answered this body with fieldValidation=Strict
    got = gojson.loads(b'{"apiVersion":"v1","kind":"ConfigMap","zz":1,"metadata":{"name":"d","labels":{"a":"1",'
                       b'"a":"2"},"qq":2},"data":{"a":"1","a":"2"},"binaryData":{},"zz":3}')
    assert fieldvalidation.strict_errors(got.value, "ConfigMap", "v1", got.duplicates) == [
        'unknown field "zz"', 'duplicate field "metadata.labels.a"', 'unknown field "metadata.qq"',
        'duplicate field "data.a"']
    pod = gojson.loads(b'{"spec":{"containers":[{"name":"c","image":"x","image":"y"}]}}')
    assert fieldvalidation.strict_errors(pod.value, "Pod", "v1", pod.duplicates) == [
        'duplicate field "spec.containers[0].image"']
    assert fieldvalidation.duplicates(pod.value, pod.duplicates) == ['duplicate field "spec.containers[0].image"']
    assert fieldvalidation.duplicates(pod.value, {}) == []


def test_words() -> None:
    assert fieldvalidation.refusal(fieldvalidation.unknown(["a", "b.c"])) == \
        'strict decoding error: unknown field "a", unknown field "b.c"'
    assert fieldvalidation.warnings(fieldvalidation.unknown(['x"y'])) == ['299 - "unknown field \\"x\\\\\\"y\\""']



@pytest.mark.parametrize(("verb", "query", "message"), [
    # as kube-apiserver v1.37.2 answered each (tests/test_write_options_realkube.py compares them all)
    ("update", "fieldValidation=strict", 'UpdateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported '
                                         'value: "strict": supported values: "", "Ignore", "Strict", "Warn"'),
    ("create", "dryRun=All&dryRun=Bogus", 'CreateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: '
                                          '["All","Bogus"]: supported values: "All"'),
    ("patch", "fieldManager=a%0Ab", 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Invalid value: "a\\nb": '
                                    "invalid character U+000A (at position 1)"),
    ("create", "fieldManager=" + "m" * 129 + "&dryRun=x", 'CreateOptions.meta.k8s.io "" is invalid: [fieldManager: '
     'Too long: may not be more than 128 bytes, dryRun: Unsupported value: ["x"]: supported values: "All"]'),
])
def test_write_options_are_refused_in_the_apiservers_words(verb: str, query: str, message: str) -> None:
    with pytest.raises(options.OptionsError) as info:
        options.write_options(verb, query_pairs(query))
    assert (info.value.code, str(info.value)) == (422, message)
    assert options.write_options("create", query_pairs("dryRun=All&fieldManager=kubectl&fieldValidation=Strict")) \
        == (True, "kubectl", "Strict")
