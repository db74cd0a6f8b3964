"""ObjectMeta validation (apiserver/validation.py) in cases the differential against the real apiserver
(writes_differential.py) does not send."""

from __future__ import annotations

import pytest
from watchproxy.apiserver import validation


@pytest.mark.parametrize(("labels", "wrong"), [
    ({"a/b/c": "v"}, ["a valid label key must consist of"]),
    ({"/x": "v"}, ["prefix part must be non-empty"]),
    ({"example.com/": "v"}, ["name part must be non-empty", "name part must consist of"]),
    ({"k": "é" * 32}, ["must be no more than 63 bytes", "a valid label must be an empty string"]),
    ({"k": ""}, []),
    ({"app.kubernetes.io/name": "web_1.2-x"}, []),
])
def test_label_keys_and_values(labels: dict[str, str], wrong: list[str]) -> None:
    causes = validation.object_meta("ConfigMap", {"name": "ok", "labels": labels})
    assert len(causes) == len(wrong)
    for (field, reason, message), start in zip(causes, wrong, strict=True):
        assert field == "metadata.labels" and reason == "FieldValueInvalid" and start in message


@pytest.mark.parametrize(("kind", "meta", "fields"), [
    ("ConfigMap", {"generateName": "web-"}, []),  # a prefix may end in '-'
    ("ConfigMap", {"generateName": "Web-"}, ["metadata.generateName"]),
    ("Service", {"name": "Not_A_Subdomain"}, []),  # its rule is another one, not checked here
    ("ConfigMap", {"name": "ok", "annotations": {"Example.com/Key": "v"}}, []),  # annotation keys: any case
])
def test_names_by_kind(kind: str, meta: dict[str, object], fields: list[str]) -> None:
    assert [c[0] for c in validation.object_meta(kind, meta)] == fields


def test_a_custom_resources_name_is_a_dns_subdomain() -> None:
    assert validation.object_meta("Service", {"name": "Big"}, custom=True)[0][0] == "metadata.name"
