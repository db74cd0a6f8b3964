"""The bytes a RawExtension holds after each kind of write (proxy/apiserver/rawjson.py); what the real
apiserver answers for them is compared in tests/writes_differential.py (`_raw_bytes`)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from watchproxy.apiserver import rawjson

REV = {"apiVersion": "apps/v1", "kind": "ControllerRevision", "revision": 1}


@pytest.mark.parametrize(("body", "path", "held"), [
    (b'{"data": {"b": 1, "a": [1, 2]}, "revision": 1}', ("data",), b'{"b": 1, "a": [1, 2]}'),
    (b'  {"revision":1,"data":{"x":"<\\"}"}}', ("data",), b'{"x":"<\\"}"}'),  # a brace inside a string
    (b'{"data": 1, "data": {"last": true}}', ("data",), b'{"last": true}'),  # Go keeps the last
    (b'{"revision": 1}', ("data",), None),
    (b'[1]', ("data",), None),
    (b'{"data": ', ("data",), None),
    (b'{"s": {"c": [{"p": 1}, {"p": {"b": 1, "a": 2}} ], "d": 0}}', ("s", "c", 1, "p"), b'{"b": 1, "a": 2}'),
    (b'{"s": {"c": [{"p": 1}]}}', ("s", "c", 1, "p"), None),  # no such item
    (b'{"s": {"c": {"1": 2}}}', ("s", "c", 1), None),  # an object where a list was looked for
    (b'{"s": {"c": [] }, "s": {"c": [ {"p" : [ ]} ]}}', ("s", "c", 0, "p"), b"[ ]"),
])
def test_a_fields_bytes_are_found_as_sent(body: bytes, path: tuple[str | int, ...], held: bytes | None) -> None:
    assert rawjson.sent(body, path) == held


@pytest.mark.parametrize(("raw", "compacted"), [
    (b'{ "b" : 1,\n "a": [1, 2] }', b'{"b":1,"a":[1,2]}'),
    (b'{"s": "a b <&>"}', b'{"s":"a b \\u003c\\u0026\\u003e"}'),
    (b'{"s": "\\" x"}', b'{"s":"\\" x"}'),
])
def test_compact_keeps_order_and_strings_and_escapes_html(raw: bytes, compacted: bytes) -> None:
    assert rawjson.compact(raw) == compacted


SPACED = b'{"b": 1, "a": {"y": 2, "x": 1}}'


@pytest.mark.parametrize(("verb", "media_type", "patch", "held"), [
    ("update", "application/json", None, SPACED),  # as sent
    ("create", "application/yaml", None, b'{"a":{"x":1,"y":2},"b":1}'),  # through a map: sorted
    ("update", "application/vnd.kubernetes.protobuf", None, b'{"b":1,"a":{"y":2,"x":1}}'),  # as a Go client wrote it
    ("patch", "application/merge-patch+json", {"revision": 2}, b'{"b":1,"a":{"y":2,"x":1}}'),  # untouched, as read
    ("patch", "application/merge-patch+json", {"data": {"c": 3}}, b'{"a":{"x":1,"y":2},"b":1}'),
    ("patch", "application/json-patch+json", [{"op": "replace", "path": "/revision", "value": 2}],
     b'{"b":1,"a":{"y":2,"x":1}}'),
    ("patch", "application/json-patch+json", [{"op": "add", "path": "/data/c", "value": 3}],
     b'{"a":{"x":1,"y":2},"b":1}'),
    ("patch", "application/strategic-merge-patch+json", {"revision": 2}, b'{"a":{"x":1,"y":2},"b":1}'),
    ("patch", "application/apply-patch+yaml", {}, b'{"a":{"x":1,"y":2},"b":1}'),
])
def test_each_write_holds_the_bytes_its_decoder_or_patcher_makes(
        verb: str, media_type: str, patch: Any, held: bytes) -> None:
    body = json.dumps({**REV, "data": json.loads(SPACED)}).encode() if verb != "patch" else b""
    obj = {**REV, "data": json.loads(SPACED)}
    made = rawjson.write(verb, media_type, body, patch, {("data",): SPACED}).made(obj)
    assert made == {("data",): held}
    assert rawjson.refused(obj, {("data",): SPACED}, made) == ([] if held == SPACED else [
        ("data", "FieldValueInvalid", f"Invalid value: {rawjson.compact(held).decode()}: field is immutable")])


def test_bytes_a_write_left_are_held_while_the_value_stays() -> None:
    obj = {**REV, "data": json.loads(SPACED)}
    assert rawjson.held(obj, {("data",): SPACED}) == {("data",): SPACED}
    assert rawjson.held({**obj, "data": {"other": 1}}, {("data",): SPACED}) == {("data",): b'{"other":1}'}  # changed
    assert rawjson.held({"kind": "ConfigMap", "apiVersion": "v1", "data": {}}, {}) == {}  # no such field


def test_a_read_shows_the_keys_in_the_order_the_bytes_hold_them() -> None:
    """A YAML create's or an apply's data is held sorted, and a read shows it so (a JSON create's as sent)."""
    written = rawjson.write("create", "application/yaml", b"", None, {})
    obj = {**REV, "data": {"b": 1, "a": {"y": 2, "x": 1}}}
    rawjson.show_held(obj, written.made(obj))
    assert list(obj["data"]) == ["a", "b"] and list(obj["data"]["a"]) == ["x", "y"]


CLAIM = {"apiVersion": "resource.k8s.io/v1", "kind": "ResourceClaim", "spec": {"devices": {"config": [
    {"opaque": {"driver": "a.example.com", "parameters": {"b": 1, "a": 2}}},
    {"requests": ["r"]},
    {"opaque": {"driver": "b.example.com", "parameters": [1, {"d": 1, "c": 2}]}}]}}}


@pytest.mark.parametrize(("media_type", "patch", "touched"), [
    ("application/merge-patch+json", {"metadata": {"labels": {"a": "b"}}}, ()),
    ("application/merge-patch+json", {"spec": {"devices": {"requests": []}}}, ()),
    ("application/merge-patch+json", {"spec": {"devices": {"config": []}}}, (0, 2)),  # a list put in its place
    ("application/json-patch+json", [{"op": "replace", "path": "/spec/devices/config/2/opaque/parameters/0",
                                      "value": 1}], (2,)),
    ("application/json-patch+json", [{"op": "add", "path": "/metadata/labels", "value": {}}], ()),
    ("application/json-patch+json", [{"op": "add", "path": "/spec/devices", "value": {}}], (0, 2)),  # what holds it
    ("application/strategic-merge-patch+json", {"metadata": {"labels": {"a": "b"}}}, (0, 2)),
])
def test_a_claims_device_parameters_are_held_where_they_are(media_type: str, patch: Any, touched: tuple[int, ...]
                                                            ) -> None:
    """Opaque parameters below lists: each is found where it is and re-marshalled only by what touches it;
    any that changed refuses the update, once, as declarative validation words the claim's fixed spec."""
    where = [("spec", "devices", "config", i, "opaque", "parameters") for i in (0, 2)]
    before = {where[0]: b'{"b": 1, "a": 2}', where[1]: b'[1, {"d": 1, "c": 2}]'}
    assert rawjson.read(CLAIM) == {where[0]: b'{"b":1,"a":2}', where[1]: b'[1,{"d":1,"c":2}]'}
    made = rawjson.write("patch", media_type, b"", patch, before).made(CLAIM)
    remarshalled = {where[0]: b'{"a":2,"b":1}', where[1]: b'[1,{"c":2,"d":1}]'}
    assert made == {p: remarshalled[p] if i in touched else rawjson.compact(before[p])
                    for i, p in zip((0, 2), where, strict=True)}
    assert rawjson.refused(CLAIM, before, made) == [("spec", "FieldValueInvalid", "Invalid value: null: field is "
                                                                                  "immutable")]
    assert rawjson.refused(CLAIM, before, before) == []
