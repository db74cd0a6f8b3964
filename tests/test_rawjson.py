"""The bytes a RawExtension holds after each kind of write (proxy/apiserver/rawjson.py); what the real
apiserver answers for them is compared in tests/writes_differential.py (`_raw_bytes`)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from watchproxy.apiserver import rawjson

REV = {"apiVersion": "apps/v1", "kind": "ControllerRevision", "revision": 1}


@pytest.mark.parametrize(("body", "held"), [
    (b'{"data": {"b": 1, "a": [1, 2]}, "revision": 1}', b'{"b": 1, "a": [1, 2]}'),
    (b'  {"revision":1,"data":{"x":"<\\"}"}}', b'{"x":"<\\"}"}'),  # a brace inside a string
    (b'{"data": 1, "data": {"last": true}}', b'{"last": true}'),  # Go keeps the last
    (b'{"revision": 1}', None),
    (b'[1]', None),
    (b'{"data": ', None),
])
def test_a_fields_bytes_are_found_as_sent(body: bytes, held: bytes | None) -> None:
    assert rawjson.sent(body, "data") == held


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
    made = rawjson.write(verb, media_type, body, patch, {"data": SPACED}).made(obj)
    assert made == {"data": held}
    assert rawjson.changed(obj, {"data": SPACED}, made) == ([] if held == SPACED else [("data", rawjson.compact(held))])


def test_bytes_a_write_left_are_held_while_the_value_stays() -> None:
    obj = {**REV, "data": json.loads(SPACED)}
    assert rawjson.held(obj, {"data": SPACED}) == {"data": SPACED}
    assert rawjson.held({**obj, "data": {"other": 1}}, {"data": SPACED}) == {"data": b'{"other":1}'}  # changed since
    assert rawjson.held({"kind": "ConfigMap", "apiVersion": "v1", "data": {}}, {}) == {}  # no such field


def test_a_read_shows_the_keys_in_the_order_the_bytes_hold_them() -> None:
    """A YAML create's or an apply's data is held sorted, and a read shows it so (a JSON create's as sent)."""
    written = rawjson.write("create", "application/yaml", b"", None, {})
    made = written.made({**REV, "data": {"b": 1, "a": {"y": 2, "x": 1}}})
    shown = rawjson.as_held(made)["data"]
    assert list(shown) == ["a", "b"] and list(shown["a"]) == ["x", "y"]
