"""Secret redaction of bodies and the decoded-path classification it relies on, as synchronous tables."""

from __future__ import annotations

import json

import pytest
import yaml
from watchproxy.wire import redact
from watchproxy.wire.request import classify, decoded_path, unclassifiable

V = "hunter2-plain"
B = "aHVudGVyMi1wbGFpbg=="  # base64 of V


def _redact(body: bytes, ctype: str, *, secret: bool = True, whole: bool = True, encoded: bool = False) -> bytes | None:
    return redact.redact_body(body, ctype, secret_context=secret, whole_secret=whole, encoded=encoded)


@pytest.mark.parametrize(("ctype", "body"), [
    ("application/merge-patch+json", {"stringData": {"password": V}}),
    ("application/strategic-merge-patch+json", {"data": {"password": B}}),
    ("application/json", {"data": {"password": B}, "metadata": {"name": "db"}}),
    ("application/json", {"metadata": {"annotations": {"kubectl.kubernetes.io/last-applied-configuration": V}}}),
    ("application/apply-patch+yaml", {"apiVersion": "v1", "kind": "Secret", "stringData": {"password": V}}),
])
def test_request_bodies_to_a_secret_path_are_redacted_whatever_their_shape(ctype: str, body: dict[str, object]) -> None:
    raw = yaml.safe_dump(body).encode() if "yaml" in ctype else json.dumps(body).encode()
    out = _redact(raw, ctype)
    assert out is not None and V.encode() not in out and B.encode() not in out
    doc = yaml.safe_load(out) if "yaml" in ctype else json.loads(out)
    assert doc.keys() == body.keys()  # still the same document, values replaced


def test_json_patch_values_are_redacted_except_plain_metadata() -> None:
    ops = [{"op": "replace", "path": "/data/password", "value": B},
           {"op": "add", "path": "/stringData", "value": {"password": V}},
           {"op": "add", "path": "/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration", "value": V},
           {"op": "replace", "path": "", "value": {"data": {"password": B}}},
           {"op": "add", "path": "/metadata/labels/app", "value": "db"},
           {"op": "remove", "path": "/data/old"}]
    out = _redact(json.dumps(ops).encode(), "application/json-patch+json")
    assert out is not None and V.encode() not in out and B.encode() not in out
    doc = json.loads(out)
    assert doc[0]["value"] == redact.REDACTED_B64 and doc[1]["value"] == {"password": redact.REDACTED}
    assert doc[4]["value"] == "db" and doc[5] == ops[5]


@pytest.mark.parametrize(("ctype", "encoded", "secret_bytes"), [
    ("application/vnd.kubernetes.protobuf", False, b"k8s\x00\n\x0c\n\x02v1\x12\x06Secret" + V.encode()),
    ("application/json", True, b"\x1f\x8b\x08\x00compressed"),
    ("application/json", False, b'{"data": {"password": "' + B.encode() + b'"'),  # torn
    ("application/octet-stream", False, V.encode()),
    ("application/cbor", False, b"\xd9\xd9\xf7\xa4dkindfSecret" + V.encode()),
    ("text/plain", False, V.encode()),
])
def test_a_secret_body_that_cannot_be_redacted_is_not_recorded(ctype: str, encoded: bool, secret_bytes: bytes) -> None:
    assert _redact(secret_bytes, ctype, encoded=encoded) is None


@pytest.mark.parametrize("ctype", ["application/vnd.kubernetes.protobuf", "application/cbor", "application/x-new"])
def test_binary_bodies_elsewhere_are_kept_unless_they_may_be_a_secret(ctype: str) -> None:
    pod = b"k8s\x00\n\x0b\n\x02v1\x12\x03Pod"
    assert _redact(pod, ctype, secret=False, whole=False) is pod
    assert _redact(pod + b"Secret", ctype, secret=False, whole=False) is None


def test_text_elsewhere_is_kept_as_it_is() -> None:
    log_line = b"2025-03-01 connected to Secret store\n"
    assert _redact(log_line, "text/plain; charset=utf-8", secret=False, whole=False) is log_line


def test_yaml_answers_are_redacted() -> None:
    body = yaml.safe_dump({"kind": "Secret", "apiVersion": "v1", "data": {"password": B}}).encode()
    out = redact.redact_body(body, "application/yaml", secret_context=True)
    assert out is not None and B.encode() not in out
    assert yaml.safe_load(out)["data"] == {"password": redact.REDACTED_B64}


def test_bodies_without_secrets_are_returned_as_they_are() -> None:
    body = b'{"kind":"Pod","metadata":{"name":"a"}}'
    assert redact.redact_body(body, "application/json", secret_context=False) is body


@pytest.mark.parametrize(("path", "resource", "sub"), [
    ("/api/v1/namespaces/default/%73ecrets", "secrets", ""),
    ("/api/v1/namespaces/default/secrets%2Fdb", "secrets", ""),
    ("/api/v1/namespaces/default/pods/x/%65xec", "pods", "exec"),
    ("/api/v1/nodes/n1/%70roxy/run/x", "nodes", "proxy/run/x"),
])
def test_classification_reads_the_decoded_path(path: str, resource: str, sub: str) -> None:
    info = classify("GET", path)
    assert (info.resource, info.subresource) == (resource, sub)


@pytest.mark.parametrize(("path", "reason"), [
    ("/api/v1/pods%zz", "malformed"), ("/api/v1/pods%4", "malformed"), ("/api/v1/namespaces//secrets", "empty"),
    ("/api/v1/%2e%2e/x", ".."), ("/api/v1/a%0ab", "control"), ("/api/v1/./pods", "'.'"),
    ("/api/v1/pods", None), ("/", None), ("/api/v1/pods/", None), ("/api/v1/namespaces/default/%73ecrets", None),
])
def test_paths_in_doubt_are_named(path: str, reason: str | None) -> None:
    why = unclassifiable(path)
    assert (why is None) if reason is None else (why is not None and reason in why)


def test_decoding_keeps_bytes_that_are_not_utf8() -> None:
    assert decoded_path("/a%ffb") == "/a\udcffb" and decoded_path("/a%2") is None
