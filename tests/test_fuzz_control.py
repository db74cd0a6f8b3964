"""The control API against hostile fault specs, over a real socket: whatever the body, arming answers 201 or
a 400 `Status`, never a 500; and a fault it armed never breaks the request it hits (no internal error)."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from watchproxy.engines.faults import ACTIONS
from watchproxy.testing import Replay

NGINX = Path(__file__).resolve().parent.parent / "recordings" / "nginx-deploy.msgpack"
FUZZ = settings(max_examples=200, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
FIELDS = ("when", "path", "resource", "verb", "nth", "count", "after_events", "after_seconds", "mid_event",
          "status", "retry_after", "message", "delay", "bytes_per_second")
# Numbers as JSON text, so that what Python's json would never write (1e400, -0, 10**400) is sent too.
NUMBERS = ("0", "1", "-1", "2", "3", "503", "410", "0.5", "-0", "1e400", "-1e400", "1e308", "1e-400",
           "9223372036854775808", "1" + "0" * 400, "1" * 5000, "NaN", "Infinity", "-Infinity", "2.5e9")
MAX_SECONDS = 5.0
PLAUSIBLE = {"when": ('"now"', '"next"'), "verb": ('"list"', '"watch"', '"any"', '"get"'), "path": ('"/api"',),
             "resource": ('"pods"',), "nth": ("1", "2"), "count": ("1", '"always"'), "after_events": ("0", "1"),
             "after_seconds": ("0", "0.5"), "mid_event": ("true", "false"), "status": ("410", "503", "500"),
             "retry_after": ("1",), "message": ('"m"',), "delay": ("0", "0.01"), "bytes_per_second": ("1e6",)}


@pytest.fixture(scope="module")
def replay() -> Iterator[Replay]:
    with Replay(NGINX) as r:
        yield r


def _value() -> st.SearchStrategy[str]:
    """One JSON value as text."""
    scalar = st.one_of(st.sampled_from(NUMBERS), st.integers(-(2**70), 2**70).map(str),
                       st.floats(allow_nan=False, allow_infinity=False).map(json.dumps),
                       st.sampled_from(["null", "true", "false", '"always"', '"now"', '"next"', '"watch"',
                                        '"list"', '"5"', '"inf"', '""', '"/api/v1"', '"pods"']),
                       st.text(max_size=8).map(json.dumps))
    return st.recursive(scalar, lambda inner: st.one_of(
        st.lists(inner, max_size=3).map(lambda xs: "[" + ",".join(xs) + "]"),
        st.dictionaries(st.sampled_from(FIELDS), inner, max_size=3).map(
            lambda d: "{" + ",".join(f"{json.dumps(k)}:{v}" for k, v in d.items()) + "}")), max_leaves=6)


def _spec() -> st.SearchStrategy[bytes]:
    action = st.one_of(st.sampled_from(ACTIONS).map(json.dumps), _value())
    fields = st.dictionaries(st.one_of(st.sampled_from(FIELDS), st.text(max_size=6)), _value(), max_size=5)
    match = st.dictionaries(st.sampled_from(("path", "resource", "verb", "nth")), _value(), max_size=3)

    def build(a: str, f: dict[str, str], m: dict[str, str] | None) -> bytes:
        items = [f'"action":{a}', *(f"{json.dumps(k)}:{v}" for k, v in f.items())]
        if m is not None:
            items.append('"match":{' + ",".join(f"{json.dumps(k)}:{v}" for k, v in m.items()) + "}")
        return ("{" + ",".join(items) + "}").encode()

    structured = st.builds(build, action, fields, st.none() | match)
    # mostly valid specs with one or two odd values, so that many are armed and then hit a request
    field_value = st.sampled_from(FIELDS).flatmap(lambda k: st.tuples(st.just(k), st.one_of(
        st.sampled_from(PLAUSIBLE.get(k, ('"x"',))), st.sampled_from(NUMBERS))))
    plausible = st.builds(build, st.sampled_from(ACTIONS).map(json.dumps),
                          st.lists(field_value, max_size=3).map(dict), st.none())
    hostile = st.sampled_from([b"[" * 100_000, b'{"action":"close","match":' + b"[" * 5000 + b"]" * 5000 + b"}",
                               b'{"a":' * 3000 + b"1" + b"}" * 3000, b"", b"null", b"[]", b"\xff\xfe", b"{",
                               b'{"action":"reset","after_events":null}', b'{"action":"slow","delay":1e400}'])
    return st.one_of(plausible, plausible, structured, hostile)


def _call(url: str, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
    u = urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname or "127.0.0.1", u.port, timeout=MAX_SECONDS)
    try:
        conn.request(method, path, body=body, headers={"Content-Type": "application/json"})
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def _is_status(body: bytes) -> dict[str, Any]:
    doc = json.loads(body)
    assert doc["kind"] == "Status" and doc["code"] >= 400, doc
    return dict(doc)


@FUZZ
@given(spec=_spec())
def test_fault_specs_are_armed_or_refused_with_a_status(replay: Replay, spec: bytes) -> None:
    code, body = _call(replay.url, "POST", "/_watchproxy/faults", spec)
    try:
        assert code in (201, 400), (code, body[:300])
        if code == 400:
            _is_status(body)
            return
        fault = json.loads(body)["fault"]
        # the request it may hit: answered, or broken the way the fault says, never an internal error
        try:
            code, answer = _call(replay.url, "GET", "/api/v1/namespaces/default/pods")
            if code >= 400:
                _is_status(answer)
                assert code < 500 or (fault["action"] == "http-status" and code == fault["status"]), (code, fault)
        except (TimeoutError, ConnectionError, http.client.HTTPException):
            assert fault["action"] in ("stall", "slow", "reset", "close", "expire"), fault
    finally:
        _call(replay.url, "DELETE", "/_watchproxy/faults")
    errors = [r for r in replay.requests() if r.end == "error"]
    assert not errors, errors


@pytest.mark.parametrize("body", [b'{"seconds": 1e400}', b'{"seconds": ' + b"9" * 400 + b"}", b"[" * 50_000,
                                  b'{"seconds": null}', b'{"seconds": NaN}'])
def test_clock_advance_refuses_absurd_numbers(replay: Replay, body: bytes) -> None:
    code, answer = _call(replay.url, "POST", "/_watchproxy/clock/advance", body)
    assert code == 400 and "seconds" in _is_status(answer)["message"]
