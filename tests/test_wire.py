"""The Kubernetes wire layer, sans I/O: query parameters, request classification, watch framing, match keys,
redaction, selectors, Status bodies and Table rows."""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import itertools
import json
import re
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from watchproxy.apiserver import encode
from watchproxy.wire import framing, health, match, protobuf, redact, selectors, status, table
from watchproxy.wire.listopts import parse_list_options
from watchproxy.wire.params import InvalidParams, ListOptions, parse_bool
from watchproxy.wire.request import classify

KUBECTL_TABLE_ACCEPT = ("application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;"
                        "g=meta.k8s.io,application/json")
DISCOVERY_ACCEPT = ("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
                    "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json")
PROTOBUF_ACCEPT = "application/vnd.kubernetes.protobuf,application/json"


# === params ====================================================================================================

@pytest.mark.parametrize("value", ["0", "false", "False", "FALSE", "fAlSe"])
def test_parse_bool_false_values(value: str) -> None:
    assert parse_bool(value) is False


@pytest.mark.parametrize("value", ["1", "true", "True", "TRUE", "", "yes", "no", "off", "2", "t"])
def test_parse_bool_everything_else_is_true(value: str) -> None:
    assert parse_bool(value) is True


@pytest.mark.parametrize(("query", "watch"), [
    ("watch=", True), ("watch=True", True), ("watch=1", True), ("watch=true", True),
    ("watch=0", False), ("watch=false", False), ("watch=FALSE", False), ("", False), ("limit=5", False),
    ("watch=false&watch=true", False),  # the first value wins, as with url.Values.Get
    ("watch=true&watch=false", True),
])
def test_watch_parameter(query: str, watch: bool) -> None:
    assert parse_list_options(query).watch is watch


def test_legacy_watch_path_is_a_watch_without_the_parameter() -> None:
    assert parse_list_options("", watch_path=True).watch is True


def test_list_options_fields() -> None:
    o = parse_list_options("resourceVersion=42&timeoutSeconds=300&allowWatchBookmarks=true&watch=1"
                           "&labelSelector=app%3Dweb&fieldSelector=metadata.name%3Dweb-0")
    assert o == ListOptions(watch=True, resource_version="42", timeout_seconds=300, allow_watch_bookmarks=True,
                            label_selector="app=web", field_selector="metadata.name=web-0")
    assert o.rv_int == 42
    assert parse_list_options("").rv_int is None
    assert parse_list_options("resourceVersion=0").rv_int == 0
    assert parse_list_options("limit=500&continue=abc").limit == 500
    assert parse_list_options("limit=-3").limit == 0
    assert parse_list_options("allowWatchBookmarks=0&watch=1").allow_watch_bookmarks is False


@pytest.mark.parametrize("rv", ["abc", "-1", "1.5", "1e3", "1_000", " 5", "+5", "٣", "18446744073709551616",
                                "9" * 5000])
def test_invalid_resource_version(rv: str) -> None:
    with pytest.raises(InvalidParams) as info:
        parse_list_options("resourceVersion=" + quote(rv))
    assert "resourceVersion" in str(info.value) and f'"{rv}"' in str(info.value)
    assert info.value.code == 400


@pytest.mark.parametrize(("name", "value", "why"), [
    ("timeoutSeconds", "abc", "invalid syntax"), ("timeoutSeconds", "1.5", "invalid syntax"),
    ("timeoutSeconds", "30s", "invalid syntax"), ("timeoutSeconds", "1_0", "invalid syntax"),
    ("timeoutSeconds", " 5", "invalid syntax"), ("timeoutSeconds", "9" * 30, "value out of range"),
    ("limit", "many", "invalid syntax"), ("limit", "5.0", "invalid syntax"), ("limit", "0x10", "invalid syntax"),
    ("limit", "9223372036854775808", "value out of range"),
    ("timeoutSeconds", "", "invalid syntax"), ("limit", "", "invalid syntax"),  # given empty: no default
])
def test_invalid_integers_are_bad_requests(name: str, value: str, why: str) -> None:
    with pytest.raises(InvalidParams) as info:
        parse_list_options(f"{name}={quote(value)}")
    assert str(info.value) == f'strconv.ParseInt: parsing "{value}": {why}'
    assert info.value.code == 400


def test_integers_as_go_parses_them() -> None:
    assert parse_list_options("watch=1&timeoutSeconds=0").timeout_seconds == 0
    assert parse_list_options("watch=1&timeoutSeconds=%2B7").timeout_seconds == 7  # ParseInt takes "+7"
    assert parse_list_options("watch=1&timeoutSeconds=0030").timeout_seconds == 30
    assert parse_list_options("limit=9223372036854775807").limit == 2**63 - 1
    assert parse_list_options("resourceVersion=18446744073709551615").rv_int == 2**64 - 1


@pytest.mark.parametrize("query", [
    "watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true",
    "watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan",  # the apiserver does not require bookmarks
    "watch=1&sendInitialEvents=false&resourceVersionMatch=NotOlderThan",
    "watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&resourceVersion=10&allowWatchBookmarks=1",
])
def test_send_initial_events_accepted(query: str) -> None:
    o = parse_list_options(query)
    assert o.send_initial_events is ("sendInitialEvents=true" in query)
    assert o.resource_version_match == "NotOlderThan"


@pytest.mark.parametrize(("query", "message"), [
    ("watch=1&sendInitialEvents=true&allowWatchBookmarks=true",
     "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan"),
    ("watch=1&sendInitialEvents=false", "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan"),
    ("watch=1&sendInitialEvents=true&resourceVersionMatch=Exact&allowWatchBookmarks=true",
     "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan"),
    ("watch=1&resourceVersionMatch=NotOlderThan",
     "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided"),
    ("sendInitialEvents=true&resourceVersionMatch=NotOlderThan&resourceVersion=1",
     "sendInitialEvents is forbidden for list"),
    ("sendInitialEvents=false", "sendInitialEvents is forbidden for list"),
])
def test_send_initial_events_refused(query: str, message: str) -> None:
    with pytest.raises(InvalidParams, match=message) as info:
        parse_list_options(query)
    assert info.value.code == 422


@pytest.mark.parametrize(("query", "message"), [
    ("resourceVersionMatch=Newest&resourceVersion=1", 'Unsupported value: "Newest"'),
    ("resourceVersionMatch=notolderthan&resourceVersion=1", "Unsupported value"),
    ("resourceVersionMatch=NotOlderThan", "forbidden unless resourceVersion is provided"),
    ("resourceVersionMatch=Exact&resourceVersion=0", 'resourceVersionMatch "exact" is forbidden for resourceVersion'),
    ("resourceVersionMatch=NotOlderThan&resourceVersion=5&continue=tok", "forbidden when continue is provided"),
])
def test_resource_version_match_refused(query: str, message: str) -> None:
    with pytest.raises(InvalidParams, match=message) as info:
        parse_list_options(query)
    assert info.value.code == 422


@pytest.mark.parametrize("query", [
    "resourceVersionMatch=Exact&resourceVersion=5",
    "resourceVersionMatch=NotOlderThan&resourceVersion=0",
    "resourceVersionMatch=NotOlderThan&resourceVersion=5&limit=10",
])
def test_resource_version_match_accepted_for_lists(query: str) -> None:
    assert parse_list_options(query).resource_version_match in ("Exact", "NotOlderThan")


@pytest.mark.parametrize(("query", "code", "message"), [
    # kube-apiserver v1.37.2: a list refuses the version with a 400, a watch lets the error through as a 500
    ("resourceVersion=abc", 400, 'invalid resource version: resourceVersion: Invalid value: "abc": '
                                 'strconv.ParseUint: parsing "abc": invalid syntax'),
    ("resourceVersion=99999999999999999999999", 400, 'invalid resource version: resourceVersion: Invalid value: '
     '"99999999999999999999999": strconv.ParseUint: parsing "99999999999999999999999": value out of range'),
    ("watch=1&resourceVersion=abc", 500, 'resourceVersion: Invalid value: "abc": strconv.ParseUint: parsing '
                                         '"abc": invalid syntax'),
])
def test_an_invalid_resource_version(query: str, code: int, message: str) -> None:
    with pytest.raises(InvalidParams) as info:
        parse_list_options(query)
    assert (info.value.code, str(info.value)) == (code, message)
    body = status.status(info.value.code, str(info.value), info.value.reason)
    assert ("reason" in body) is (code != 500)  # the apiserver's 500 here has none


def _raw64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


@pytest.mark.parametrize(("token", "message"), [
    # storage.DecodeContinue's words, the first two as kube-apiserver v1.37.2 answered them
    ("garbage", "invalid character '\\u0081' looking for beginning of value"),
    ("abc", "invalid character 'i' looking for beginning of value"),
    ("abcde", "illegal base64 data at input byte 4"),
    ("ab=c", "illegal base64 data at input byte 2"),
    (encode.continue_token(0, "default/x"), "incorrect encoded start resourceVersion (version meta.k8s.io/v1)"),
    (encode.continue_token(3, ""), "encoded start key empty (version meta.k8s.io/v1)"),
    (encode.continue_token(3, "a/../../b"), "a/../../b"),
    (_raw64(b'{"v":"x","rv":1,"start":"a"}'), "server does not recognize this encoded version x"),
    (_raw64(b'{"v":"meta.k8s.io/v1","rv":"1"}'), "json: cannot unmarshal string into Go struct field "
                                                 "continueToken.rv of type int64"),
    (_raw64(b"[1]"), "json: cannot unmarshal array into Go value of type storage.continueToken"),
    (_raw64(b"[1]") + "==", "illegal base64 data at input byte 4"),  # no padding in the raw encoding
])
def test_a_continue_token_is_refused_in_the_apiservers_words(token: str, message: str) -> None:
    with pytest.raises(ValueError) as info:
        encode.parse_continue(token)
    assert str(info.value) == f"continue key is not valid: {message}"
    assert encode.parse_continue(encode.continue_token(7, "default/x")) == (7, "default/x")


def test_continue() -> None:
    assert parse_list_options("watch=1&resourceVersion=5&continue=abc").continue_token == ""  # a watch ignores it
    with pytest.raises(InvalidParams, match="resourceVersionMatch is forbidden when continue is provided"):
        parse_list_options("watch=1&continue=abc")  # ... but from "now" it is a watch-list, which refuses it
    assert parse_list_options("watch=1&continue=abc", watch_list=False).continue_token == ""  # (before 1.34)
    assert parse_list_options("limit=5&continue=abc").continue_token == "abc"
    assert parse_list_options("limit=5&continue=abc&resourceVersion=0").continue_token == "abc"
    # with a resourceVersion too, the list refuses it once it has read the token (tests/test_params_realkube.py)
    assert parse_list_options("limit=5&continue=abc&resourceVersion=12").continue_token == "abc"


# === request classification ====================================================================================

@pytest.mark.parametrize(("method", "path", "query", "expected"), [
    ("GET", "/api/v1/pods", "", dict(verb="list", resource="pods", namespace="", version="v1", group="")),
    ("GET", "/api/v1/namespaces/default/pods", "limit=500",
     dict(verb="list", resource="pods", namespace="default")),
    ("GET", "/api/v1/namespaces/default/pods", "resourceVersion=1&watch=true",
     dict(verb="watch", resource="pods", namespace="default", legacy_watch_path=False)),
    ("GET", "/api/v1/pods", "watch=", dict(verb="watch")),
    ("GET", "/api/v1/pods", "watch=True", dict(verb="watch")),
    ("GET", "/api/v1/pods", "watch=0", dict(verb="list")),
    ("GET", "/api/v1/pods", "watch=false&watch=true", dict(verb="list")),
    ("HEAD", "/api/v1/pods", "watch=1", dict(verb="watch")),
    ("GET", "/apis/apps/v1/namespaces/prod/deployments", "watch=1",
     dict(verb="watch", group="apps", version="v1", resource="deployments", namespace="prod")),
    ("GET", "/apis/apps/v1/deployments", "", dict(verb="list", group="apps", namespace="")),
    ("GET", "/apis/networking.k8s.io/v1/namespaces/a/ingresses/web", "",
     dict(verb="get", group="networking.k8s.io", resource="ingresses", namespace="a", name="web")),
    ("GET", "/api/v1/watch/namespaces/kube-system/pods", "",
     dict(verb="watch", resource="pods", namespace="kube-system", name="", legacy_watch_path=True)),
    ("GET", "/api/v1/watch/namespaces/kube-system/pods/coredns-1", "",
     dict(verb="watch", resource="pods", namespace="kube-system", name="coredns-1", legacy_watch_path=True)),
    ("GET", "/api/v1/watch/pods", "", dict(verb="watch", resource="pods", namespace="", legacy_watch_path=True)),
    ("GET", "/apis/apps/v1/watch/namespaces/p/deployments", "",
     dict(verb="watch", group="apps", resource="deployments", namespace="p")),
    ("GET", "/api/v1/namespaces/default/pods/web-0", "watch=1", dict(verb="get", name="web-0")),
    ("GET", "/api/v1/namespaces/default/pods/web-0/log", "follow=true",
     dict(verb="get", name="web-0", subresource="log")),
    ("PUT", "/apis/apps/v1/namespaces/d/deployments/web/scale", "",
     dict(verb="update", resource="deployments", name="web", subresource="scale")),
    ("PATCH", "/api/v1/namespaces/d/pods/web-0/status", "", dict(verb="patch", subresource="status")),
    ("POST", "/api/v1/namespaces/d/pods/web-0/exec", "command=sh", dict(verb="create", subresource="exec")),
    ("POST", "/api/v1/namespaces/d/configmaps", "", dict(verb="create", resource="configmaps", name="")),
    ("DELETE", "/api/v1/namespaces/d/configmaps/x", "", dict(verb="delete", name="x")),
    ("DELETE", "/api/v1/namespaces/d/configmaps", "", dict(verb="deletecollection", name="")),
    ("OPTIONS", "/api/v1/namespaces/d/configmaps", "", dict(verb="other", is_resource=True)),
    ("GET", "/api/v1/namespaces", "", dict(verb="list", resource="namespaces", namespace="")),
    ("GET", "/api/v1/namespaces", "watch=1", dict(verb="watch", resource="namespaces")),
    ("GET", "/api/v1/namespaces/kube-system", "",
     dict(verb="get", resource="namespaces", name="kube-system", namespace="")),
    ("PUT", "/api/v1/namespaces/doomed/finalize", "",
     dict(verb="update", resource="namespaces", name="doomed", subresource="finalize", namespace="")),
    ("GET", "/api/v1/namespaces/x/status", "", dict(verb="get", resource="namespaces", name="x",
                                                     subresource="status")),
    ("GET", "/api/v1/nodes/n1", "", dict(verb="get", resource="nodes", name="n1", namespace="")),
])
def test_classify_resources(method: str, path: str, query: str, expected: dict[str, Any]) -> None:
    info = classify(method, path, query)
    assert info.is_resource is expected.pop("is_resource", True)
    for key, value in expected.items():
        assert getattr(info, key) == value, key


@pytest.mark.parametrize("path", [
    "/version", "/version/", "/api", "/api/", "/apis", "/apis/", "/openapi/v2", "/openapi/v3",
    "/openapi/v3/apis/apps/v1", "/healthz", "/livez", "/readyz", "/metrics", "/", "", "/apis/apps",
    "/apis/apps/v1", "/api/v1", "/.well-known/openid-configuration", "/_watchproxy/status",
])
def test_classify_non_resources(path: str) -> None:
    info = classify("GET", path, "watch=1")
    assert info.verb == "other" and info.is_resource is False
    assert info.resource == ""


def test_gvr_and_collection_path() -> None:
    pods = classify("GET", "/api/v1/namespaces/default/pods/web-0")
    assert pods.gvr == "pods"
    assert pods.collection_path == "/api/v1/pods"
    deps = classify("GET", "/apis/apps/v1/namespaces/default/deployments", "watch=1")
    assert deps.gvr == "apps/v1 deployments"
    assert deps.collection_path == "/apis/apps/v1/deployments"
    legacy = classify("GET", "/api/v1/watch/namespaces/default/pods")
    assert legacy.collection_path == "/api/v1/pods"


# === framing ===================================================================================================

EVENTS = [
    b'{"type":"ADDED","object":{"kind":"Pod","metadata":{"name":"web-0","resourceVersion":"1"}}}\n',
    b'{"type":"MODIFIED","object":{"kind":"Pod","metadata":{"name":"web-0","resourceVersion":"2"}}}\n',
    b'{"type":"BOOKMARK","object":{"kind":"Pod","metadata":{"resourceVersion":"3"}}}\n',
    b'{"type":"DELETED","object":{"kind":"Pod","metadata":{"name":"web-0","resourceVersion":"4"},'
    b'"spec":{"note":"unicode \xc3\xa9 and \\n escaped"}}}\n',
    b'{"type":"ERROR","object":{"kind":"Status","code":410}}\n',
]


def _chunks(body: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({0, len(body), *(c % (len(body) + 1) for c in cuts)})
    return [body[a:b] for a, b in itertools.pairwise(points)]


def _feed_all(splitter: framing.FrameSplitter, chunks: list[bytes]) -> list[bytes]:
    out: list[bytes] = []
    for c in chunks:
        out.extend(splitter.feed(c))
    return out


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(cuts=st.lists(st.integers(0, 10_000), max_size=40), tail=st.integers(0, 60))
def test_json_lines_any_chunking_gives_the_same_frames(cuts: list[int], tail: int) -> None:
    partial = EVENTS[0][: tail % len(EVENTS[0])]
    body = b"".join(EVENTS) + partial
    s = framing.JsonLines()
    assert _feed_all(s, _chunks(body, cuts)) == EVENTS
    assert s.pending() == partial


def _events_cut(cuts: list[int], tail: int) -> tuple[list[bytes], bytes, list[bytes]]:
    """Events (one with a raw '\\r' inside its line), the start of one more, and their bytes cut at `cuts`."""
    events = [*EVENTS, b'{"type":"ADDED","object":{"note":"a raw \r in a line"}}\n'] * 3
    partial = events[0][: tail % len(events[0])]
    return events, partial, _chunks(b"".join(events) + partial, cuts)


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(cuts=st.lists(st.integers(0, 10_000), max_size=60), reads=st.lists(st.integers(1, 30), max_size=12),
       tail=st.integers(0, 60))
def test_json_lines_pieces_of_reads_give_the_same_frames(cuts: list[int], reads: list[int], tail: int) -> None:
    """The recorder hands over each read's chunks at once: few (each looked at alone) or many (joined and
    cut at newlines); any grouping gives the events in order, a '\\r' inside a line staying in its frame."""
    events, partial, chunks = _events_cut(cuts, tail)
    s = framing.JsonLines()
    out: list[bytes] = []
    i = 0
    for n in [*reads, len(chunks)]:
        out += s.feed_pieces(chunks[i:i + n])
        i += n
    assert out == events
    assert s.pending() == partial


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(cuts=st.lists(st.integers(0, 10_000), max_size=60), reads=st.lists(st.integers(0, 30), max_size=12),
       tail=st.integers(0, 60))
def test_json_lines_whole_reads_give_the_same_frames(cuts: list[int], reads: list[int], tail: int) -> None:
    """The recorder's watch path: each read's whole events joined once, where they end and their sizes
    (what it writes as one `frames` record and forwards in one write); the pieces are memoryviews of the
    reads, as the recorder gets them; cut at the sizes, any grouping gives the events."""
    events, partial, chunks = _events_cut(cuts, tail)
    s = framing.JsonLines()
    out: list[bytes] = []
    i = 0
    for n in [*reads, len(chunks)]:
        data, end, sizes = s.feed_read([memoryview(c) for c in chunks[i:i + n]])
        assert sum(sizes) == end and all(n > 0 for n in sizes) and data[end - 1:end] in (b"\n", b"")
        out += [data[a:b] for a, b in itertools.pairwise(itertools.accumulate(sizes, initial=0))]
        i += n
    assert out == events
    assert s.pending() == partial


def test_json_lines_whole_reads_mixed_with_feeds() -> None:
    s = framing.JsonLines()
    assert s.feed(EVENTS[0] + EVENTS[1][:5]) == [EVENTS[0]]
    data, end, sizes = s.feed_read([EVENTS[1][5:9], EVENTS[1][9:] + EVENTS[2], EVENTS[3][:1]])
    assert data[:end] == EVENTS[1] + EVENTS[2] and sizes == [len(EVENTS[1]), len(EVENTS[2])]
    assert s.feed_read([EVENTS[3][1:4]]) == (b"", 0, []) and s.pending() == EVENTS[3][:4]
    assert s.feed_pieces([EVENTS[3][4:]]) == [EVENTS[3]]
    assert s.feed_read([EVENTS[4]]) == (EVENTS[4], len(EVENTS[4]), [len(EVENTS[4])]) and s.pending() == b""


def test_json_lines_a_long_event_is_gathered_once() -> None:
    """An event of several megabytes over many reads: kept as it comes (not joined again at each read),
    whole once its newline arrives, and the next event's start kept after it."""
    s = framing.JsonLines()
    event = b'{"type":"ADDED","object":{"data":"' + b"x" * (5 << 20) + b'"}}\n'
    reads = [event[i:i + 65536] for i in range(0, len(event), 65536)]
    got = [s.feed_read([memoryview(r[:100]), memoryview(r[100:])]) for r in reads[:-1]]
    assert all(sizes == [] for *_, sizes in got)
    data, end, sizes = s.feed_read([memoryview(reads[-1] + EVENTS[0][:3])])
    assert data[:end] == event and sizes == [len(event)] and s.pending() == EVENTS[0][:3]


def test_json_lines_whole_reads_without_newlines_are_passed_on_past_the_frame_limit() -> None:
    s = framing.JsonLines()
    big = b"x" * (1 << 20)
    got = [s.feed_read([big[:1000], big[1000:]]) for _ in range(65)]
    assert [sizes for *_, sizes in got] == [[]] * 64 + [[65 << 20]]
    assert got[-1][0] == big * 65 and s.pending() == b""


def test_json_lines_without_newlines_are_passed_on_past_the_frame_limit() -> None:
    s = framing.JsonLines()
    big = b"x" * (1 << 20)
    out = [f for _ in range(65) for f in s.feed_pieces([big[:1000], big[1000:]])]
    assert out and all(b"\n" not in f for f in out)
    assert sum(map(len, out)) + len(s.pending()) == 65 * len(big)


def test_json_lines_cases() -> None:
    s = framing.JsonLines()
    assert s.feed(EVENTS[0]) == [EVENTS[0]]  # one event per chunk
    assert s.feed(b"".join(EVENTS[1:4])) == EVENTS[1:4]  # several in one chunk
    assert s.feed(EVENTS[4][:10]) == []  # one event spanning chunks
    assert s.pending() == EVENTS[4][:10]
    assert s.feed(b"") == []
    assert s.feed(EVENTS[4][10:20]) == []
    assert s.feed(EVENTS[4][20:] + EVENTS[0][:5]) == [EVENTS[4]]
    assert s.pending() == EVENTS[0][:5]
    assert s.feed(EVENTS[0][5:]) == [EVENTS[0]]
    assert s.pending() == b""


def _pb(payload: bytes) -> bytes:
    return len(payload).to_bytes(4, "big") + payload


PB_FRAMES = [_pb(b"\x0a\x05ADDED\x12\x10k8s\x00" + bytes(range(12))), _pb(b""), _pb(b"\x00" * 300),
             _pb(b"\x0a\x08MODIFIED" + b"\xff" * 70_000)]


_CM_BODY = b"k8s\x00\x0a\x0f\x0a\x02v1\x12\x09ConfigMap\x12"  # (then the ConfigMap's length and bytes)


@pytest.mark.parametrize(("body", "error", "envelope"), [
    (b"", "empty data", None),
    (b"{}", "provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]", None),
    (b"k8s\x00", "empty body", None),
    (b"k8s\x00\x0a\x0c", "unexpected EOF", None),
    (b"k8s\x00\x0b", "proto: wrong wireType = 3 for field TypeMeta", None),
    (b"k8s\x00\x0a\x02\x0a\x80", "unexpected EOF", None),  # (TypeMeta's, read as it comes)
    (b"k8s\x00\x0c", "proto: Unknown: wiretype end group for non-group", None),
    (b"k8s\x00\x02", "proto: Unknown: illegal tag 0 (wire type 2)", None),
    (b"k8s\x00" + b"\xff" * 10, "proto: integer overflow", None),
    (_CM_BODY + b"\x02\x08\x01", "proto: wrong wireType = 0 for field ObjectMeta", ("v1", "ConfigMap")),
    (_CM_BODY + b"\x04\x0a\x02\x3a\x00", "proto: wrong wireType = 2 for field Generation", ("v1", "ConfigMap")),
    (_CM_BODY + b"\x03\x0a\x01\x0a", "unexpected EOF", ("v1", "ConfigMap")),
    (_CM_BODY + b"\x02\x7e\x00", "proto: illegal wireType 6", ("v1", "ConfigMap")),  # (an unknown field's)
    (_CM_BODY + b"\x08\x0a\x00\x12\x04\x0a\x01k\x7e", "proto: illegal wireType 6", ("v1", "ConfigMap")),  # (a map's)
])
def test_a_protobuf_body_is_refused_in_gogo_protobufs_words(body: bytes, error: str,
                                                           envelope: tuple[str, str] | None) -> None:
    """The first fault gogo's generated Unmarshal meets, in its words; `envelope`: what the envelope named, where
    the fault is in the object after it (the handler then names the kind)."""
    with pytest.raises(protobuf.DecodeError) as caught:
        protobuf.decode(body, "v1", "ConfigMap")
    assert (str(caught.value), caught.value.envelope) == (error, envelope)


def test_a_protobuf_map_entry_is_read_by_field_number_whatever_its_wire_type() -> None:
    """gogo's map code reads a key or value by its number alone: a key tagged as a group start is still a key."""
    entry = b"\x0b\x01k\x12\x01v"  # (key: field 1 with wire type 3)
    data = b"\x12" + bytes([len(entry)]) + entry
    assert protobuf.decode(_CM_BODY + bytes([len(data)]) + data)["data"] == {"k": "v"}


def test_protobuf_frames_split_at_every_offset() -> None:
    body = b"".join(PB_FRAMES[:3])
    for i in range(len(body) + 1):
        s = framing.LengthPrefixed()
        assert s.feed(body[:i]) + s.feed(body[i:]) == PB_FRAMES[:3], i
        assert s.pending() == b""


@settings(max_examples=100, deadline=None, derandomize=True, database=None)
@given(cuts=st.lists(st.integers(0, 100_000), max_size=30), tail=st.integers(0, 100))
def test_protobuf_any_chunking_gives_the_same_frames(cuts: list[int], tail: int) -> None:
    partial = PB_FRAMES[2][: tail % len(PB_FRAMES[2])]
    body = b"".join(PB_FRAMES) + partial
    s = framing.LengthPrefixed()
    assert _feed_all(s, _chunks(body, cuts)) == PB_FRAMES
    assert s.pending() == partial


def test_protobuf_pending_tail_and_byte_at_a_time() -> None:
    s = framing.LengthPrefixed()
    out = []
    body = PB_FRAMES[0] + PB_FRAMES[1]
    for b in body:
        out.extend(s.feed(bytes([b])))
    assert out == PB_FRAMES[:2]
    assert s.feed(b"\x00\x00") == []
    assert s.pending() == b"\x00\x00"


def test_protobuf_impossible_length_passes_bytes_through_instead_of_buffering() -> None:
    s = framing.LengthPrefixed()
    assert s.feed(PB_FRAMES[0]) == [PB_FRAMES[0]]
    junk = b"k8s\x00" + b"x" * 100  # a length of ~1.8 GB: not a watch frame
    assert s.feed(junk) == [junk]
    assert s.feed(b"more") == [b"more"]
    assert s.pending() == b""


def test_raw_and_splitter_selection() -> None:
    raw = framing.Raw()
    assert raw.feed(b"abc") == [b"abc"] and raw.feed(b"") == [] and raw.pending() == b""
    pick = framing.splitter_for
    assert isinstance(pick("application/json", streaming=True), framing.JsonLines)
    assert isinstance(pick("application/json; charset=utf-8", streaming=True), framing.JsonLines)
    assert isinstance(pick("application/vnd.kubernetes.protobuf;stream=watch", streaming=True),
                      framing.LengthPrefixed)
    assert isinstance(pick("application/vnd.kubernetes.protobuf; stream=watch", streaming=True),
                      framing.LengthPrefixed)
    assert isinstance(pick("application/json", streaming=False), framing.Raw)
    assert isinstance(pick("application/json", streaming=True, encoded=True), framing.Raw)
    assert isinstance(pick("application/cbor-seq", streaming=True), framing.Raw)
    assert isinstance(pick("", streaming=True), framing.Raw)
    assert framing.media_type("Application/JSON; charset=utf-8") == "application/json"
    assert framing.media_type("application/vnd.kubernetes.protobuf; stream=watch") == framing.PROTOBUF_WATCH
    assert framing.media_type("") == ""


# === match keys ================================================================================================

PODS = "/api/v1/namespaces/default/pods"


def test_volatile_parameters_are_ignored() -> None:
    a = match.match_key("GET", PODS, "resourceVersion=100&watch=true&timeoutSeconds=413", "application/json")
    b = match.match_key("GET", PODS, "watch=true&resourceVersion=9999&timeout=32s", "application/json")
    c = match.match_key("GET", PODS, "watch=true", "")
    assert a == b == c
    assert a.query == "watch=true"


@pytest.mark.parametrize("spelling", ["watch=1", "watch=true", "watch=True", "watch=", "watch=yes"])
def test_booleans_are_normalised(spelling: str) -> None:
    assert match.match_key("GET", PODS, spelling, "") == match.match_key("GET", PODS, "watch=true", "")
    assert match.match_key("GET", PODS, spelling.replace("watch", "allowWatchBookmarks") + "&watch=1", "") == \
        match.match_key("GET", PODS, "allowWatchBookmarks=true&watch=true", "")


def test_false_is_not_true() -> None:
    assert match.match_key("GET", PODS, "watch=0", "") == match.match_key("GET", PODS, "watch=false", "")
    assert match.match_key("GET", PODS, "watch=0", "") != match.match_key("GET", PODS, "watch=1", "")


def test_parameter_order_is_irrelevant_and_method_case_too() -> None:
    a = match.match_key("GET", PODS, "limit=500&labelSelector=app%3Dweb&watch=1", "")
    b = match.match_key("get", PODS, "watch=true&labelSelector=app=web&limit=500", "")
    assert a == b


def test_selectors_path_and_limit_matter() -> None:
    base = match.match_key("GET", PODS, "labelSelector=app%3Dweb&watch=1", "")
    assert base != match.match_key("GET", PODS, "labelSelector=app%3Ddb&watch=1", "")
    assert base != match.match_key("GET", PODS, "watch=1", "")
    assert base != match.match_key("GET", PODS, "labelSelector=app%3Dweb&watch=1&fieldSelector=x%3Dy", "")
    assert base != match.match_key("GET", "/api/v1/pods", "labelSelector=app%3Dweb&watch=1", "")
    assert match.match_key("GET", PODS, "limit=500", "") != match.match_key("GET", PODS, "limit=50", "")


@pytest.mark.parametrize(("accept", "rep"), [
    (KUBECTL_TABLE_ACCEPT, "table"),
    ("application/json;as=Table;g=meta.k8s.io;v=v1", "table"),
    (DISCOVERY_ACCEPT, "discovery"),
    (PROTOBUF_ACCEPT, "protobuf"),
    ("application/vnd.kubernetes.protobuf;stream=watch", "protobuf"),
    ("*/*", "json"),
    ("", "json"),
    ("application/json", "json"),
    ("application/json, */*", "json"),
    ("application/json;charset=utf-8", "json"),
    ("application/yaml", "application/yaml"),
])
def test_representation_from_accept(accept: str, rep: str) -> None:
    assert match.representation(accept) == rep


def test_representation_is_part_of_the_key() -> None:
    json_key = match.match_key("GET", PODS, "watch=1", "application/json")
    table_key = match.match_key("GET", PODS, "watch=1", KUBECTL_TABLE_ACCEPT)
    assert json_key != table_key
    assert json_key == match.match_key("GET", PODS, "watch=1", "*/*")
    assert str(table_key) == f"GET {PODS}?watch=true [table]"
    assert str(json_key) == f"GET {PODS}?watch=true"
    assert str(match.match_key("GET", "/version", "", "")) == "GET /version"
    assert match.differences(table_key, json_key) == ["representation 'json' != 'table'"]
    assert match.differences(json_key, json_key) == []


def test_an_aggregated_discovery_request_that_takes_plain_json_has_a_legacy_key() -> None:
    aggregated = match.match_key("GET", "/apis", "", DISCOVERY_ACCEPT)
    assert match.legacy_discovery(aggregated, DISCOVERY_ACCEPT) == match.match_key("GET", "/apis", "", "")
    alone = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
    assert match.legacy_discovery(match.match_key("GET", "/apis", "", alone), alone) is None
    table = match.match_key("GET", PODS, "", KUBECTL_TABLE_ACCEPT)  # (only discovery falls back)
    assert match.legacy_discovery(table, KUBECTL_TABLE_ACCEPT) is None


def test_nearest_candidates() -> None:
    want = match.match_key("GET", PODS, "labelSelector=app%3Dweb&watch=1", KUBECTL_TABLE_ACCEPT)
    same_path = match.match_key("GET", PODS, "watch=1", KUBECTL_TABLE_ACCEPT)
    same_path_json = match.match_key("GET", PODS, "labelSelector=app%3Dweb&watch=1", "")
    other_path = match.match_key("GET", "/api/v1/namespaces/default/services", "watch=1", KUBECTL_TABLE_ACCEPT)
    other_method = match.match_key("DELETE", "/api/v1/namespaces/default/configmaps/x", "", "")
    discovery = match.match_key("GET", "/apis", "", DISCOVERY_ACCEPT)
    cands = [discovery, other_method, other_path, same_path, same_path_json, same_path]
    got = match.nearest(want, cands)
    assert len(got) == 3
    assert set(got[:2]) == {same_path, same_path_json}
    assert got[2] == other_path
    assert match.nearest(want, cands, n=10)[-1] in (discovery, other_method)
    assert len(match.nearest(want, cands, n=10)) == 5  # duplicates collapse
    assert match.nearest(want, []) == []


# === redaction =================================================================================================

def test_credential_headers_are_stripped() -> None:
    headers = [
        ("Authorization", "Bearer abc"), ("Accept", "application/json"), ("Cookie", "session=1"),
        ("Proxy-Authorization", "Basic eDp5"), ("X-Auth-Token", "t0k"), ("User-Agent", "kubectl/v1.34"),
        ("x-csrf-token", "c"), ("X-Api-Key", "k"), ("Set-Cookie", "a=b"), ("Content-Type", "application/json"),
        ("Audit-Id", "0a3f"), ("X-Remote-Extra-Scopes", "s"), ("Impersonate-User", "bob"),
    ]
    kept, removed = redact.strip_credentials(headers)
    assert kept == (("Accept", "application/json"), ("User-Agent", "kubectl/v1.34"),
                    ("Content-Type", "application/json"), ("Audit-Id", "0a3f"), ("Impersonate-User", "bob"))
    assert removed == ["authorization", "cookie", "proxy-authorization", "x-auth-token", "x-csrf-token",
                       "x-api-key", "set-cookie", "x-remote-extra-scopes"]


LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


def _secret(name: str = "db", with_kind: bool = True) -> dict[str, Any]:
    s: dict[str, Any] = {
        "metadata": {"name": name, "namespace": "default", "resourceVersion": "7",
                     "annotations": {LAST_APPLIED: '{"data":{"password":"aHVudGVyMg=="}}', "team": "db"}},
        "data": {"password": "aHVudGVyMg==", "user": "YWRtaW4="},
        "stringData": {"token": "plain-text-token"},
        "type": "Opaque",
    }
    if with_kind:
        s = {"kind": "Secret", "apiVersion": "v1", **s}
    return s


def _compact(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()


def _assert_redacted(secret: dict[str, Any]) -> None:
    assert secret["data"] == {"password": redact.REDACTED_B64, "user": redact.REDACTED_B64}
    assert secret["stringData"] == {"token": redact.REDACTED}
    assert secret["metadata"]["annotations"] == {LAST_APPLIED: redact.REDACTED, "team": "db"}
    assert secret["metadata"]["name"] and secret["type"] == "Opaque"


def test_redacted_value_still_decodes() -> None:
    assert base64.b64decode(redact.REDACTED_B64) == redact.REDACTED.encode()


@pytest.mark.parametrize("secret_context", [False, True])
def test_secret_is_redacted(secret_context: bool) -> None:
    raw = _compact(_secret())
    out = redact.redact_json(raw, secret_context=secret_context)
    assert out is not None
    assert b"aHVudGVyMg==" not in out and b"plain-text-token" not in out and b"YWRtaW4=" not in out
    _assert_redacted(json.loads(out))
    assert not out.endswith(b"\n")


def test_secret_list_is_redacted() -> None:
    body = {"kind": "SecretList", "apiVersion": "v1", "metadata": {"resourceVersion": "9"},
            "items": [_secret("a", with_kind=False), _secret("b", with_kind=False)]}
    out = redact.redact_json(_compact(body), secret_context=False)
    assert out is not None
    doc = json.loads(out)
    for item in doc["items"]:
        _assert_redacted(item)
    assert doc["metadata"] == {"resourceVersion": "9"}


def test_secret_context_list_items_without_kind() -> None:
    body = {"metadata": {"resourceVersion": "9"}, "items": [_secret("a", with_kind=False)]}
    raw = _compact(body)
    assert redact.redact_json(raw, secret_context=False) is None  # nothing says these are Secrets
    out = redact.redact_json(raw, secret_context=True)
    assert out is not None
    _assert_redacted(json.loads(out)["items"][0])


@pytest.mark.parametrize("secret_context", [False, True])
def test_secret_watch_event_keeps_its_newline(secret_context: bool) -> None:
    line = _compact({"type": "MODIFIED", "object": _secret()}) + b"\n"
    out = redact.redact_json(line, secret_context=secret_context)
    assert out is not None
    assert out.endswith(b"}\n") and out.count(b"\n") == 1
    ev = json.loads(out)
    assert ev["type"] == "MODIFIED"
    _assert_redacted(ev["object"])


def test_secret_table_rows_with_objects() -> None:
    tbl = {"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": {"resourceVersion": "9"},
           "columnDefinitions": [{"name": "Name"}],
           "rows": [{"cells": ["db", "Opaque", 2, "5d"], "object": _secret()}]}
    for ctx in (False, True):
        out = redact.redact_json(_compact({"type": "ADDED", "object": tbl}) + b"\n", secret_context=ctx)
        assert out is not None and out.endswith(b"\n")
        row = json.loads(out)["object"]["rows"][0]
        _assert_redacted(row["object"])
        assert row["cells"] == ["db", "Opaque", 2, "5d"]


def test_secret_table_rows_with_partial_object_metadata() -> None:
    """kubectl get secrets: rows carry PartialObjectMetadata, whose last-applied annotation holds the data."""
    meta = _secret()["metadata"]
    tbl = {"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": {},
           "rows": [{"cells": ["db", "Opaque", 2, "5d"],
                     "object": {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": meta}}]}
    out = redact.redact_json(_compact(tbl), secret_context=True)
    assert out is not None and b"aHVudGVyMg==" not in out
    annotations = json.loads(out)["rows"][0]["object"]["metadata"]["annotations"]
    assert annotations == {LAST_APPLIED: redact.REDACTED, "team": "db"}


@pytest.mark.parametrize("body", [
    _compact({"kind": "ConfigMap", "apiVersion": "v1", "metadata": {"name": "c"}, "data": {"k": "v"}}),
    _compact({"type": "ADDED", "object": {"kind": "Pod", "metadata": {"name": "p"},
                                          "spec": {"volumes": [{"secret": {"secretName": "db"}}]}}}) + b"\n",
    _compact({"kind": "Event", "reason": "SecretSynced", "message": "\"Secret\" db synced"}),
    _compact({"kind": "Secret", "apiVersion": "v1", "metadata": {"resourceVersion": "3"}}),  # a bookmark
    b'{"kind": "ConfigMap",  "data": {"Secret": "not one"}}',
    b'{"kind":"Secret" truncated',
    b"\x00\x00\x00\x10k8s\x00\"Secret protobuf",
    b"",
])
def test_non_secrets_are_untouched(body: bytes) -> None:
    assert redact.redact_json(body, secret_context=False) is None


def test_secret_context_without_secret_values_is_untouched() -> None:
    status_body = status.status_bytes(404, 'secrets "x" not found')
    assert redact.redact_json(status_body, secret_context=True) is None
    empty = _compact({"kind": "SecretList", "apiVersion": "v1", "metadata": {}, "items": []})
    assert redact.redact_json(empty, secret_context=True) is None


# === selectors =================================================================================================

LABELS = {"app": "web", "tier": "frontend", "env": "prod"}


@pytest.mark.parametrize(("selector", "matches"), [
    ("app=web", True), ("app==web", True), ("app=db", False), ("app!=db", True), ("app!=web", False),
    ("missing!=x", True), ("env in (prod, staging)", True), ("env in (dev)", False),
    ("env notin (dev,qa)", True), ("env notin (prod)", False), ("missing notin (x)", True),
    ("missing in (x)", False), ("app", True), ("missing", False), ("!missing", True), ("!app", False),
    ("app=web,tier in (frontend),!legacy", True), ("app=web,tier=backend", False),
    (" app = web , env in ( prod ) ", True), ("", True),
    ("example.com/role=x", False), ("app=", False),
])
def test_label_selectors(selector: str, matches: bool) -> None:
    pred = selectors.matcher(selector, "", "pods")
    assert pred({"metadata": {"labels": LABELS}}) is matches


def test_label_selector_parse_shapes() -> None:
    R = selectors.Requirement
    assert selectors.parse_label_selector("a=b,c!=d,e in (y,x),f notin (z),g,!h") == (
        R("a", "=", ("b",)), R("c", "!=", ("d",)), R("e", "in", ("x", "y")), R("f", "notin", ("z",)),
        R("g", "exists"), R("h", "!exists"))
    assert selectors.parse_label_selector("  ") == ()


def test_objects_without_labels() -> None:
    assert selectors.matcher("!app", "", "pods")({"metadata": {}}) is True
    assert selectors.matcher("app", "", "pods")({}) is False


@pytest.mark.parametrize("selector", [
    "app=web=x", "app in prod", "a,,b", ",", "app=web,", "=x", "app in (a b)", "-bad=1", "app=" + "x" * 64,
    "k" * 64 + "=v", "app in (x", "app=(x)", "a b", "app=we b", "tier notin",
])
def test_invalid_label_selectors(selector: str) -> None:
    with pytest.raises(InvalidParams) as info:
        selectors.matcher(selector, "", "pods")
    assert info.value.code == 400


POD: dict[str, Any] = {"metadata": {"name": "web-0", "namespace": "default"},
       "spec": {"nodeName": "node-1", "hostNetwork": False}, "status": {"phase": "Running"}}


@pytest.mark.parametrize(("selector", "matches"), [
    ("metadata.name=web-0", True), ("metadata.name==web-0", True), ("metadata.name=web-1", False),
    ("metadata.name!=web-1", True), ("metadata.namespace=default", True),
    ("metadata.namespace!=kube-system,metadata.name=web-0", True), ("metadata.namespace=kube-system", False),
    ("spec.nodeName=node-1", True), ("status.phase=Pending", False), ("spec.hostNetwork=false", True),
    ("status.nominatedNodeName=", True), ("status.podIP!=", False), ("", True),
])
def test_field_selectors(selector: str, matches: bool) -> None:
    assert selectors.matcher("", selector, "pods")(POD) is matches


@pytest.mark.parametrize(("resource", "obj", "selector", "matches"), [
    # as stored: Go leaves false and 0 out of the JSON, but its selectable fields print them
    ("pods", {"spec": {}}, "spec.hostNetwork=false", True), ("pods", {"spec": {}}, "spec.hostNetwork!=false", False),
    ("nodes", {"spec": {}}, "spec.unschedulable=false", True),
    ("replicationcontrollers", {"status": {}}, "status.replicas=0", True),
    # status.podIP is the first of podIPs; status.podIPs is accepted but never among the fields: always ""
    ("pods", {"status": {"podIPs": [{"ip": "10.0.0.1"}, {"ip": "fd00::1"}]}}, "status.podIP=10.0.0.1", True),
    ("pods", {"status": {"podIPs": [{"ip": "10.0.0.1"}]}}, "status.podIPs=", True),
    ("pods", {"status": {"podIPs": [{"ip": "10.0.0.1"}]}}, "status.podIPs=10.0.0.1", False),
])
def test_field_selectors_read_what_the_selectable_fields_hold(resource: str, obj: dict[str, Any], selector: str,
                                                              matches: bool) -> None:
    assert selectors.matcher("", selector, resource)(obj) is matches


@pytest.mark.parametrize(("selector", "resource", "message"), [
    ("spec.foo=bar", "pods", "field label not supported: spec.foo"),
    ("metadata.labels.app=web", "pods", "field label not supported"),
    # the real 1.37 apiserver: a kind without a conversion of its own gets the default conversion's words
    ("status.phase=Running", "configmaps", '"status.phase" is not a known field selector: only "metadata.name"'),
    ("spec.x=y", "widgets", "field label not supported: spec.x"),
    ("metadata.name", "pods", "invalid selector"),
    ("metadata.name~web", "pods", "invalid selector"),
    # fields.ParseSelector, as kube-apiserver v1.37.2 answered each: nothing trimmed, terms in sorted order,
    # values unescaped
    ("metadata.name = x", "configmaps", '^"metadata.name " is not a known field selector'),
    ("metadata.name===x", "configmaps", "^invalid field selector: unescaped character in value: 61$"),
    ("metadata.name=a\\x", "configmaps", "^invalid field selector: invalid escape sequence: \\\\x$"),
    ("metadata.name=a\\", "configmaps", "^invalid field selector: invalid escape sequence: \\\\$"),
    ("zzz=1,aaa=2", "configmaps", '^"aaa" is not a known field selector'),
    ("metadata.name=x\\,y,zzz=1", "configmaps", '^"zzz" is not a known field selector'),
    ("=x", "configmaps", '^"" is not a known field selector'),
])
def test_invalid_field_selectors(selector: str, resource: str, message: str) -> None:
    with pytest.raises(InvalidParams, match=message) as info:
        selectors.matcher("", selector, resource)
    assert info.value.code == 400


@pytest.mark.parametrize(("group", "resource", "obj", "selector", "matches"), [
    ("certificates.k8s.io", "certificatesigningrequests", {"spec": {"signerName": "example.com/a"}},
     "spec.signerName=example.com/a", True),
    ("certificates.k8s.io", "clustertrustbundles", {"spec": {}}, "spec.signerName=", True),
    ("certificates.k8s.io", "podcertificaterequests", {"spec": {"podName": "p", "nodeName": "n"}},
     "spec.podName=p,spec.nodeName!=n", False),
    ("batch", "jobs", {"status": {}}, "status.successful=0", True),  # (the count of succeeded pods)
    ("batch", "jobs", {"status": {"succeeded": 2}}, "status.successful=2", True),
    ("resource.k8s.io", "resourceslices", {"spec": {"pool": {"name": "p"}, "driver": "d"}},
     "spec.pool.name=p,spec.driver=d,spec.nodeName=", True),
])
def test_the_fields_other_kinds_select_on(group: str, resource: str, obj: dict[str, Any], selector: str,
                                           matches: bool) -> None:
    assert selectors.matcher("", selector, resource, group)({"metadata": {"name": "x"}, **obj}) is matches


@pytest.mark.parametrize(("group", "resource", "selector", "message"), [
    ("certificates.k8s.io", "certificatesigningrequests", "metadata.namespace=x",
     "^field label not supported: metadata.namespace$"),
    ("batch", "jobs", "status.succeeded=1", '^field label "status.succeeded" not supported for Job$'),
    ("resource.k8s.io", "resourceslices", "spec.x=1",
     "^field label not supported for resource.k8s.io/v1, Kind=ResourceSlice: spec.x$"),
])
def test_other_kinds_refuse_a_field_in_their_words(group: str, resource: str, selector: str, message: str) -> None:
    with pytest.raises(InvalidParams, match=message):
        selectors.matcher("", selector, resource, group)


def test_field_selector_values_are_unescaped_and_empty_terms_skipped() -> None:
    assert selectors.parse_field_selector("metadata.name=a\\,b\\=c\\\\,", "configmaps") == (
        selectors.FieldRequirement("metadata.name", True, "a,b=c\\"),)
    assert selectors.parse_field_selector(",metadata.name!=x,", "pods") == (
        selectors.FieldRequirement("metadata.name", False, "x"),)


def test_label_and_field_selectors_combine() -> None:
    obj = {**POD, "metadata": {**POD["metadata"], "labels": {"app": "web"}}}
    assert selectors.matcher("app=web", "metadata.name=web-0", "pods")(obj) is True
    assert selectors.matcher("app=web", "metadata.name=web-1", "pods")(obj) is False
    assert selectors.matcher("app=db", "metadata.name=web-0", "pods")(obj) is False


# === status ====================================================================================================

def test_status_body() -> None:
    body = status.status(404, 'pods "web-9" not found', details={"name": "web-9", "kind": "pods"})
    assert body == {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                    "message": 'pods "web-9" not found', "reason": "NotFound",
                    "details": {"name": "web-9", "kind": "pods"}, "code": 404}
    assert list(body) == ["kind", "apiVersion", "metadata", "status", "message", "reason", "details", "code"]
    assert "details" not in status.status(500, "boom")
    assert status.status(503, "x", "ServiceUnavailable")["reason"] == "ServiceUnavailable"
    assert status.status(400, "x", "Custom")["reason"] == "Custom"


@pytest.mark.parametrize(("code", "reason"), [
    (400, "BadRequest"), (403, "Forbidden"), (404, "NotFound"), (410, "Expired"), (422, "Invalid"),
    (429, "TooManyRequests"), (500, "InternalError"), (503, "ServiceUnavailable"), (418, "Unknown"),
])
def test_reasons(code: int, reason: str) -> None:
    assert status.reason_for(code) == reason
    assert json.loads(status.status_bytes(code, "m"))["reason"] == reason


def test_status_bytes_are_compact_json() -> None:
    raw = status.status_bytes(429, "too many requests, please try again later")
    assert b" " not in raw.replace(b"too many requests, please try again later", b"")
    assert raw.endswith(b"}\n")  # as the real apiserver's encoder ends every JSON body (checked on 1.37)
    assert json.loads(raw)["code"] == 429


# === tables ====================================================================================================

NOW = dt.datetime(2025, 3, 1, 12, 0, 0, tzinfo=dt.UTC)


def _ago(seconds: float) -> str:
    return (NOW - dt.timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize(("seconds", "text"), [
    (0, "0s"), (5, "5s"), (5.9, "5s"), (59, "59s"), (119, "119s"), (120, "2m"), (150, "2m30s"), (180, "3m"),
    (599, "9m59s"), (600, "10m"), (10_799, "179m"), (3 * 3600, "3h"), (4 * 3600, "4h"),
    (4 * 3600 + 30 * 60, "4h30m"), (8 * 3600, "8h"), (47 * 3600, "47h"), (48 * 3600, "2d"), (3 * 86400, "3d"),
    (3 * 86400 + 5 * 3600, "3d5h"), (8 * 86400, "8d"), (729 * 86400, "729d"), (730 * 86400, "2y"),
    (800 * 86400, "2y70d"), (8 * 365 * 86400, "8y"), (-0.5, "0s"), (-1, "0s"), (-1.9, "0s"), (-2, "<invalid>"),
])
def test_human_age(seconds: float, text: str) -> None:
    assert table.human_age(seconds) == text


def _pod(name: str = "web-0", *, phase: str = "Running", ready: bool = True, age: float = 300,
         state: dict[str, Any] | None = None, containers: int = 1, **extra: Any) -> dict[str, Any]:
    statuses = [{"name": f"c{i}", "ready": ready, "restartCount": 0, "image": "nginx", "imageID": "",
                 "state": state if state is not None else {"running": {"startedAt": _ago(age)}}}
                for i in range(containers)]
    pod: dict[str, Any] = {
        "kind": "Pod", "apiVersion": "v1",
        "metadata": {"name": name, "namespace": "default", "creationTimestamp": _ago(age),
                     "resourceVersion": "5"},
        "spec": {"containers": [{"name": f"c{i}", "image": "nginx"} for i in range(containers)],
                 "nodeName": "node-1"},
        "status": {"phase": phase, "podIP": "10.244.1.5", "containerStatuses": statuses},
    }
    for key, value in extra.items():
        section, field = key.split("__")
        pod[section][field] = value
    return pod


def _cells(pod: dict[str, Any]) -> list[Any]:
    return list(table.row("pods", pod, NOW)["cells"])


def test_pod_row_running() -> None:
    assert _cells(_pod()) == ["web-0", "1/1", "Running", "0", "5m", "10.244.1.5", "node-1", "<none>", "<none>"]


def test_pod_row_container_creating() -> None:
    pod = _pod(phase="Pending", ready=False, age=5, state={"waiting": {"reason": "ContainerCreating"}})
    pod["status"].pop("podIP")
    pod["spec"].pop("nodeName")
    assert _cells(pod) == ["web-0", "0/1", "ContainerCreating", "0", "5s", "<none>", "<none>", "<none>",
                           "<none>"]


def test_pod_row_pending_without_statuses() -> None:
    pod = _pod(phase="Pending", age=3)
    pod["status"]["containerStatuses"] = []
    assert _cells(pod)[1:5] == ["0/1", "Pending", "0", "3s"]


def test_pod_row_terminating() -> None:
    pod = _pod(age=4 * 3600, metadata__deletionTimestamp=_ago(1))
    assert _cells(pod)[1:5] == ["1/1", "Terminating", "0", "4h"]
    lost = _pod(metadata__deletionTimestamp=_ago(1), status__reason="NodeLost")
    assert _cells(lost)[2] == "Unknown"


def test_pod_row_finished_pod_being_deleted_keeps_its_reason() -> None:
    done = _pod(phase="Succeeded", ready=False, age=3 * 86400, metadata__deletionTimestamp=_ago(1),
                state={"terminated": {"reason": "Completed", "exitCode": 0}})
    assert _cells(done)[1:5] == ["0/1", "Completed", "0", "3d"]


@pytest.mark.parametrize(("state", "reason"), [
    ({"waiting": {"reason": "CrashLoopBackOff"}}, "CrashLoopBackOff"),
    ({"waiting": {"reason": "ImagePullBackOff"}}, "ImagePullBackOff"),
    ({"terminated": {"reason": "OOMKilled", "exitCode": 137}}, "OOMKilled"),
    ({"terminated": {"exitCode": 3}}, "ExitCode:3"),
    ({"terminated": {"signal": 9, "exitCode": 137}}, "Signal:9"),
])
def test_pod_row_container_reasons(state: dict[str, Any], reason: str) -> None:
    assert _cells(_pod(ready=False, state=state))[2] == reason


def test_pod_row_ready_counts_and_restarts() -> None:
    pod = _pod(containers=2, age=150)
    pod["status"]["containerStatuses"][1]["ready"] = False
    pod["status"]["containerStatuses"][1]["restartCount"] = 3
    pod["status"]["containerStatuses"][1]["lastState"] = {"terminated": {"finishedAt": _ago(90), "exitCode": 1}}
    pod["status"]["containerStatuses"][0]["restartCount"] = 1
    assert _cells(pod)[1:5] == ["1/2", "Running", "4 (90s ago)", "2m30s"]


def test_pod_row_readiness_gates() -> None:
    pod = _pod(spec__readinessGates=[{"conditionType": "a"}, {"conditionType": "b"}],
               status__conditions=[{"type": "a", "status": "True"}, {"type": "b", "status": "False"}])
    assert _cells(pod)[8] == "1/2"


def test_pod_row_completed_with_a_running_container_is_running() -> None:
    pod = _pod(containers=2)
    pod["status"]["containerStatuses"][0]["state"] = {"terminated": {"reason": "Completed", "exitCode": 0}}
    pod["status"]["containerStatuses"][0]["ready"] = False
    assert _cells(pod)[2] == "Running"


def test_table_shape() -> None:
    pods = [_pod("a"), _pod("b")]
    t = table.table("pods", pods, NOW, resource_version="77")
    assert (t["kind"], t["apiVersion"]) == ("Table", "meta.k8s.io/v1")
    assert t["metadata"] == {"resourceVersion": "77"}
    assert [c["name"] for c in t["columnDefinitions"]] == [
        "Name", "Ready", "Status", "Restarts", "Age", "IP", "Node", "Nominated Node", "Readiness Gates"]
    assert [c["priority"] for c in t["columnDefinitions"]] == [0, 0, 0, 0, 0, 1, 1, 1, 1]
    assert [r["cells"][0] for r in t["rows"]] == ["a", "b"]
    assert t["rows"][0]["object"] == {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                                      "metadata": pods[0]["metadata"]}
    later = table.table("pods", pods[:1], NOW, with_columns=False)
    assert later["columnDefinitions"] is None and later["metadata"] == {}
    assert b'"columnDefinitions":null' in json.dumps(later, separators=(",", ":")).encode()
    assert "object" not in table.table("pods", pods, NOW, include_object="None")["rows"][0]
    assert table.table("pods", pods, NOW, include_object="Object")["rows"][0]["object"] is pods[0]
    assert table.table("pods", [], NOW, continue_token="c")["metadata"] == {"continue": "c"}


def test_default_and_deployment_rows() -> None:
    cm = {"metadata": {"name": "cfg", "creationTimestamp": _ago(3 * 86400)}, "data": {"a": "1"},
          "binaryData": {"b": "AA=="}}
    assert table.row("configmaps", cm, NOW)["cells"] == ["cfg", 2, "3d"]
    assert [c["name"] for c in table.columns_for("configmaps")] == ["Name", "Data", "Age"]
    assert table.row("widgets", {"metadata": {"name": "x"}}, NOW)["cells"] == ["x", "<unknown>"]  # (no printer)
    assert [c["name"] for c in table.columns_for("widgets")] == ["Name", "Age"]
    dep = {"metadata": {"name": "web", "creationTimestamp": _ago(600)},
           "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web", "tier": "fe"}},
                    "template": {"spec": {"containers": [{"name": "nginx", "image": "nginx:1.27"},
                                                         {"name": "side", "image": "busybox"}]}}},
           "status": {"readyReplicas": 2, "updatedReplicas": 3, "availableReplicas": 2}}
    assert table.row("deployments", dep, NOW)["cells"] == [
        "web", "2/3", 3, 2, "10m", "nginx,side", "nginx:1.27,busybox", "app=web,tier=fe"]


# Rows as the real 1.37 apiserver printed them for the fidelity workload's objects (docs/fidelity.md).
_REF = {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}


def _cpu(target: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Resource", "resource": {"name": "cpu", "target": target}}


@pytest.mark.parametrize(("resource", "obj", "cells"), [
    ("secrets", {"metadata": {"name": "db", "creationTimestamp": _ago(1)}, "type": "Opaque",
                 "data": {"password": "eA=="}}, ["db", "Opaque", 1, "1s"]),
    ("services", {"metadata": {"name": "web", "creationTimestamp": _ago(1)},
                  "spec": {"type": "ClusterIP", "clusterIP": "10.0.0.62", "selector": {"app": "nginx"},
                           "ports": [{"port": 80, "protocol": "TCP"}]}},
     ["web", "ClusterIP", "10.0.0.62", "<none>", "80/TCP", "1s", "app=nginx"]),
    ("services", {"metadata": {"name": "lb"}, "spec": {"type": "LoadBalancer", "clusterIP": "10.0.0.9",
                                                        "ports": [{"port": 443, "nodePort": 30443}]}},
     ["lb", "LoadBalancer", "10.0.0.9", "<pending>", "443:30443/TCP", "<unknown>", "<none>"]),
    ("events", {"metadata": {"name": "pulled"}, "type": "Normal", "reason": "Pulled", "message": "image pulled ",
                "involvedObject": {"kind": "Pod", "name": "web-0"}, "source": {"component": "kubelet", "host": "n1"},
                "firstTimestamp": _ago(5), "lastTimestamp": _ago(1), "count": 2},
     ["1s", "Normal", "Pulled", "pod/web-0", "", "kubelet, n1", "image pulled", "5s", 2, "pulled"]),
    ("events", {"metadata": {"name": "e"}, "type": "Warning", "reason": "R", "reportingComponent": "ctl",
                "involvedObject": {"kind": "Service"}, "eventTime": _ago(3)},
     ["3s", "Warning", "R", "service", "", "ctl", "", "3s", 1, "e"]),
    # the workload printers, rows as the real apiserver printed them for these objects (statuses patched in)
    ("replicasets", {"metadata": {"name": "rs", "creationTimestamp": _ago(1)}, "spec": {
        "replicas": 3, "selector": {"matchLabels": {"app": "x"}, "matchExpressions": [
            {"key": "tier", "operator": "In", "values": ["t", "s"]}, {"key": "gone", "operator": "DoesNotExist"}]},
        "template": {"spec": {"containers": [{"name": "a", "image": "nginx"}, {"name": "b", "image": "busybox:1"}]}}},
        "status": {"replicas": 2, "readyReplicas": 1}},
     ["rs", 3, 2, 1, "1s", "a,b", "nginx,busybox:1", "app=x,!gone,tier in (s,t)"]),
    ("statefulsets", {"metadata": {"name": "ss"}, "spec": {"replicas": 2, "template": {"spec": {"containers": [
        {"name": "a", "image": "nginx"}]}}}, "status": {"replicas": 2, "readyReplicas": 1}},
     ["ss", "1/2", "<unknown>", "a", "nginx"]),
    ("daemonsets", {"metadata": {"name": "ds"}, "spec": {"selector": {"matchLabels": {"app": "x"}}, "template": {
        "spec": {"nodeSelector": {"zone": "a", "disk": "ssd"}, "containers": [{"name": "a", "image": "nginx"}]}}},
        "status": {"desiredNumberScheduled": 3, "currentNumberScheduled": 2, "numberReady": 1,
                   "updatedNumberScheduled": 2, "numberAvailable": 1}},
     ["ds", 3, 2, 1, 2, 1, "disk=ssd,zone=a", "<unknown>", "a", "nginx", "app=x"]),
    ("jobs", {"metadata": {"name": "j1"}, "spec": {"completions": 1, "template": {"spec": {"containers": []}}},
              "status": {"startTime": _ago(200), "completionTime": _ago(10), "succeeded": 1, "conditions": [
                  {"type": "SuccessCriteriaMet", "status": "True"}, {"type": "Complete", "status": "True"}]}},
     ["j1", "Complete", "1/1", "3m10s", "<unknown>", "", "", "<none>"]),
    ("jobs", {"metadata": {"name": "j2"}, "spec": {"parallelism": 3}, "status": {"startTime": _ago(5)}},
     ["j2", "Running", "0/1 of 3", "5s", "<unknown>", "", "", "<none>"]),
    ("jobs", {"metadata": {"name": "j3"}, "spec": {"completions": 1}, "status": {"conditions": [
        {"type": "Suspended", "status": "True"}]}}, ["j3", "Suspended", "0/1", "", "<unknown>", "", "", "<none>"]),
    ("cronjobs", {"metadata": {"name": "cj"}, "spec": {
        "schedule": "0 * * * *", "timeZone": "Etc/UTC", "suspend": True,
        "jobTemplate": {"spec": {"selector": {"matchLabels": {"a": "b"}}}}},
                  "status": {"active": [{"name": "x"}], "lastScheduleTime": _ago(60)}},
     ["cj", "0 * * * *", "Etc/UTC", "True", 1, "60s", "<unknown>", "", "", "a=b"]),
    ("persistentvolumeclaims", {"metadata": {"name": "bound"}, "spec": {
        "volumeName": "pv1", "storageClassName": "fast", "volumeMode": "Filesystem"}, "status": {
        "phase": "Bound", "accessModes": ["ReadOnlyMany", "ReadWriteOnce"], "capacity": {"storage": "2Gi"}}},
     ["bound", "Bound", "pv1", "2Gi", "RWO,ROX", "fast", "<unset>", "<unknown>", "Filesystem"]),
    ("persistentvolumeclaims", {"metadata": {"name": "annot", "annotations": {
        "volume.beta.kubernetes.io/storage-class": "old"}}, "spec": {"volumeMode": "Block"},
        "status": {"phase": "Pending"}}, ["annot", "Pending", "", "", "", "old", "<unset>", "<unknown>", "Block"]),
    ("ingresses", {"metadata": {"name": "ing"}, "spec": {"ingressClassName": "nginx", "tls": [{}], "rules": [
        {"host": f"h{i}.example.com"} for i in range(6)]}, "status": {"loadBalancer": {"ingress": [
            {"ip": "10.0.0.12"}, {"hostname": "lb.example.com"}, {"ip": "10.0.0.2"}]}}},
     ["ing", "nginx", "h0.example.com,h1.example.com,h2.example.com + 3 more...", "10.0.0.12,10.0.0.2,lb.example.com",
      "80, 443", "<unknown>"]),
    ("poddisruptionbudgets", {"metadata": {"name": "pdb"}, "spec": {"maxUnavailable": "25%"},
                              "status": {"disruptionsAllowed": 0}}, ["pdb", "N/A", "25%", 0, "<unknown>"]),
    ("roles", {"metadata": {"name": "r", "creationTimestamp": "2026-12-03T02:21:06Z"}},
     ["r", "2026-12-03T02:21:06Z"]),
    ("rolebindings", {"metadata": {"name": "rb"}, "roleRef": {"kind": "Role", "name": "r"}, "subjects": [
        {"kind": "User", "name": "alice"}, {"kind": "User", "name": "bob"}, {"kind": "Group", "name": "devs"},
        {"kind": "ServiceAccount", "name": "sa", "namespace": "t5"}]},
     ["rb", "Role/r", "<unknown>", "alice, bob", "devs", "t5/sa"]),
    ("networkpolicies", {"metadata": {"name": "all"}, "spec": {"podSelector": {}}}, ["all", "<none>", "<unknown>"]),
    ("endpoints", {"metadata": {"name": "ep"}, "subsets": [{
        "addresses": [{"ip": f"10.1.1.{i}"} for i in range(1, 4)], "ports": [{"port": 80}, {"port": 443}]}]},
     ["ep", "10.1.1.1:80,10.1.1.2:80,10.1.1.3:80 + 3 more...", "<unknown>"]),
    ("endpoints", {"metadata": {"name": "headless"}, "subsets": [{
        "addresses": [{"ip": "10.2.0.1"}, {"ip": "10.2.0.2"}]}]},
     ["headless", "10.2.0.1,10.2.0.2", "<unknown>"]),
    ("endpointslices", {"metadata": {"name": "eps"}, "addressType": "IPv4", "ports": [
        {"port": 80}, {"name": "named"}, {}, {"port": 8080}], "endpoints": [
        {"addresses": ["10.1.1.1", "10.1.1.2"]}, {"addresses": ["10.1.1.3"]}, {"addresses": ["10.1.1.4"]}]},
     ["eps", "IPv4", "80,named,* + 1 more...", "10.1.1.1,10.1.1.2,10.1.1.3 + 1 more...", "<unknown>"]),
    ("endpointslices", {"metadata": {"name": "none"}, "addressType": "FQDN"},
     ["none", "FQDN", "<unset>", "<unset>", "<unknown>"]),
    ("endpointslices", {"metadata": {"name": "empty-name"}, "addressType": "IPv4", "ports": [{"name": ""}]},
     ["empty-name", "IPv4", "<unset>", "<unset>", "<unknown>"]),  # listWithMoreString: an empty join is unset
    # HPAs: the rows the real kube-apiserver printed for these objects (statuses patched in)
    ("horizontalpodautoscalers", {"metadata": {"name": "none"}, "spec": {
        "scaleTargetRef": _REF, "minReplicas": 1, "maxReplicas": 3, "metrics": [_cpu({"averageUtilization": 80})]}},
     ["none", "Deployment/web", "cpu: <unknown>/80%", "1", 3, 0, "<unknown>"]),
    ("horizontalpodautoscalers", {"metadata": {"name": "many"}, "spec": {"scaleTargetRef": _REF, "maxReplicas": 9,
        "metrics": [{"type": "Resource", "resource": {"name": "memory", "target": {"averageValue": "512Mi"}}},
                    {"type": "Pods", "pods": {"target": {"averageValue": "10"}}}, {"type": "External"}]},
        "status": {"currentReplicas": 4, "currentMetrics": [
            {"type": "Resource", "resource": {"name": "memory", "current": {"averageValue": "300Mi"}}},
            {"type": "Pods", "pods": {"current": {"averageValue": "7"}}}]}},
     ["many", "Deployment/web", "memory: 300Mi/512Mi, 7/10 + 1 more...", "<unset>", 9, 4, "<unknown>"]),
    ("horizontalpodautoscalers", {"metadata": {"name": "ext"}, "spec": {"scaleTargetRef": _REF, "maxReplicas": 2,
        "metrics": [{"type": "External", "external": {"target": {"value": "30"}}},
                    {"type": "Object", "object": {"target": {"averageValue": "3"}}}]},
        "status": {"currentMetrics": [{"type": "External", "external": {"current": {"value": "12"}}},
                                      {"type": "Object", "object": {"current": {"value": "1"}}}]}},
     ["ext", "Deployment/web", "12/30, <unknown>/3 (avg)", "<unset>", 2, 0, "<unknown>"]),
    ("horizontalpodautoscalers", {"metadata": {"name": "cr"}, "spec": {"scaleTargetRef": _REF, "maxReplicas": 2,
        "metrics": [{"type": "ContainerResource", "containerResource": {"name": "memory", "target": {
            "averageUtilization": 70}}}, {"type": "Pods", "pods": {"target": {"averageValue": "1k"}}}]},
        "status": {"currentMetrics": [{"type": "ContainerResource", "containerResource": {
            "name": "memory", "current": {"averageUtilization": 55}}}]}},
     ["cr", "Deployment/web", "memory: 55%/70%, <unknown>/1k", "<unset>", 2, 0, "<unknown>"]),
    ("nodes", {"metadata": {"name": "n1", "labels": {
        "node-role.kubernetes.io/control-plane": "", "kubernetes.io/role": "edge",
        "node-role.kubernetes.io/worker": "yes"}},
               "spec": {"unschedulable": True}, "status": {
                   "conditions": [{"type": "Ready", "status": "False"}], "addresses": [
                       {"type": "Hostname", "address": "n1"}, {"type": "InternalIP", "address": "192.168.1.5"}],
                   "nodeInfo": {"kubeletVersion": "v1.37.2", "osImage": "Debian", "kernelVersion": "6.1",
                                "containerRuntimeVersion": "containerd://2.0", "architecture": "amd64"}}},
     ["n1", "NotReady,SchedulingDisabled", "control-plane,edge,worker", "<unknown>", "v1.37.2", "192.168.1.5",
      "<none>", "Debian", "6.1 (amd64)", "containerd://2.0"]),
    ("nodes", {"metadata": {"name": "n2"}},
     ["n2", "Unknown", "<none>", "<unknown>", "", "<none>", "<none>", "<unknown>", "<unknown>", "<unknown>"]),
])
def test_rows_of_the_other_printers(resource: str, obj: dict[str, Any], cells: list[Any]) -> None:
    assert table.row(resource, obj, NOW)["cells"] == cells
    assert len(table.columns_for(resource)) == len(cells)


def test_a_custom_resource_is_printed_with_the_columns_a_recorded_table_had() -> None:
    recorded = {"kind": "Table", "columnDefinitions": [
        {"name": "Name", "type": "string", "format": "name", "description": "", "priority": 0},
        {"name": "Size", "type": "integer", "format": "",
         "description": "Custom resource definition column (in JSONPath format): .spec.size", "priority": 0},
        {"name": "First", "type": "string", "format": "",
         "description": "Custom resource definition column (in JSONPath format): .status.items[0].name",
         "priority": 1}]}
    columns = table.learned_columns(recorded)
    assert columns is not None
    widget = {"metadata": {"name": "w1"}, "spec": {"size": 2}, "status": {"items": [{"name": "x"}]}}
    assert table.row("widgets", widget, NOW, learned=columns)["cells"] == ["w1", 2, "x"]
    assert table.row("widgets", {"metadata": {"name": "w2"}}, NOW, learned=columns)["cells"] == ["w2", None, None]
    assert table.columns_for("widgets", columns) is columns
    assert table.learned_columns({"kind": "Table", "columnDefinitions": [
        {"name": "Status", "description": "printed by code, not a JSONPath"}]}) is None


def test_splitter_follows_the_base_media_type_whatever_its_parameters() -> None:
    from watchproxy.wire.framing import JsonLines, LengthPrefixed, Raw, splitter_for

    assert isinstance(splitter_for("application/json;stream=watch", streaming=True), JsonLines)
    assert isinstance(splitter_for("application/json; charset=utf-8", streaming=True), JsonLines)
    assert isinstance(splitter_for("application/vnd.kubernetes.protobuf;stream=watch", streaming=True),
                      LengthPrefixed)
    assert isinstance(splitter_for("application/json", streaming=False), Raw)
    assert isinstance(splitter_for("text/plain", streaming=True), Raw)


def test_prefer_json_drops_protobuf_only_when_json_is_acceptable() -> None:
    from watchproxy.wire.match import prefer_json

    assert prefer_json("application/vnd.kubernetes.protobuf, application/json") == "application/json"
    assert prefer_json("application/vnd.kubernetes.protobuf,*/*") == "*/*"
    assert prefer_json("application/vnd.kubernetes.protobuf;stream=watch") == \
        "application/vnd.kubernetes.protobuf;stream=watch"
    assert prefer_json("application/json;as=Table;v=v1;g=meta.k8s.io,application/json") == \
        "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"
    assert prefer_json("") == ""


@pytest.mark.parametrize(("method", "path", "query", "may"), [
    ("GET", "/api/v1/namespaces/default/pods", "watch=true", False),
    ("GET", "/apis/apps/v1/deployments", "", False),
    ("GET", "/api/v1/namespaces/default/configmaps/c", "", False),
    ("GET", "/api/v1/secrets", "watch=true", True),
    ("GET", "/api/v1/watch/namespaces/default/secrets", "", True),
    ("GET", "/api/v1/namespaces/default/pods/web/proxy/secrets.json", "", True),
    ("GET", "/apis/example.com/v1/namespaces/default/widgets", "watch=true", True),
    ("GET", "/version", "", True),
])
def test_only_bodies_that_can_hold_a_secret_are_searched_for_one(method: str, path: str, query: str,
                                                                 may: bool) -> None:
    assert redact.may_hold_secrets(classify(method, path, query)) is may


@settings(max_examples=300, deadline=None)
@given(st.lists(st.binary(max_size=40).map(lambda b: b.replace(b"\n", b"") + b"\n"), min_size=1, max_size=12),
       st.lists(st.integers(min_value=1, max_value=60), min_size=1, max_size=30),
       st.lists(st.integers(min_value=1, max_value=4), min_size=1, max_size=30))
def test_json_lines_fed_as_pieces_split_as_when_fed_whole(lines: list[bytes], cuts: list[int],
                                                          per_read: list[int]) -> None:
    """The recorder feeds the chunks of each read (JsonLines.feed_pieces); the frames must be the lines
    however the body was chunked and read."""
    data = b"".join(lines)
    pieces, pos = [], 0
    for n in itertools.cycle(cuts):
        if pos >= len(data):
            break
        pieces.append(data[pos:pos + n])
        pos += n
    splitter, frames, i = framing.JsonLines(), [], 0
    for k in itertools.cycle(per_read):
        if i >= len(pieces):
            break
        frames += splitter.feed_pieces(pieces[i:i + k])
        i += k
    assert frames == lines and splitter.pending() == b""


_LABEL_VALUE = ("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and "
                "must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex "
                "used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")
_LABEL_KEY = ("must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric "
              "character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
              "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')")


@pytest.mark.parametrize(("selector", "message"), [
    # the real 1.37 apiserver's words (apimachinery labels/selector.go), each seen from kube-apiserver v1.37.2
    ("app in (a", "unable to parse requirement: found '', expected: ',' or ')'"),
    ("a,,b", "found ',', expected: identifier after ','"),
    ("app=web=x", "found '=', expected: ',' or 'end of string'"),
    ("app in prod", "unable to parse requirement: found 'prod' expected: '('"),
    ("=x", "found '=', expected: !, identifier, or 'end of string'"),
    ("a b", "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"),
    ("a<x", "unable to parse requirement: values[0]: Invalid value: \"x\": for 'Gt', 'Lt' operators, the value must "
            "be an integer"),
    ("a<99999999999999999999", "unable to parse requirement: values[0]: Invalid value: \"99999999999999999999\": "
                               "for 'Gt', 'Lt' operators, the value must be an integer"),
    ("a>+5", "unable to parse requirement: values[0][a]: Invalid value: \"+5\": " + _LABEL_VALUE),
    ("a in (x,-y)", "unable to parse requirement: values[0][a]: Invalid value: \"-y\": " + _LABEL_VALUE),
    ("a=" + "b" * 64, f"unable to parse requirement: values[0][a]: Invalid value: \"{'b' * 64}\": must be no more "
                      "than 63 bytes"),
    ("a" * 70 + "=b", f"unable to parse requirement: <nil>: Invalid value: \"{'a' * 70}\": name part must be no "
                      "more than 63 bytes"),
    ("/a=b", 'unable to parse requirement: <nil>: Invalid value: "/a": prefix part must be non-empty'),
    # a key is checked as it is read, before its operator: one error, where the values would add another
    ("-x<x", "unable to parse requirement: <nil>: Invalid value: \"-x\": name part " + _LABEL_KEY),
    ("a<x,b", "unable to parse requirement: values[0]: Invalid value: \"x\": for 'Gt', 'Lt' operators, the value "
              "must be an integer"),
    ("a>-5,=", "unable to parse requirement: values[0][a]: Invalid value: \"-5\": " + _LABEL_VALUE),
])
def test_label_selector_syntax_errors_in_the_apiservers_words(selector: str, message: str) -> None:
    with pytest.raises(InvalidParams) as info:
        selectors.parse_label_selector(selector)
    assert str(info.value) == message


def test_label_selector_set_and_numeric_forms() -> None:
    R = selectors.Requirement
    assert selectors.parse_label_selector("x in (foo,,baz),y,z notin ()") == (
        R("x", "in", ("", "baz", "foo")), R("y", "exists"), R("z", "notin", ("",)))
    assert selectors.matcher("replicas>2,replicas<10", "", "pods")({"metadata": {"labels": {"replicas": "3"}}})
    assert not selectors.matcher("replicas>2", "", "pods")({"metadata": {"labels": {"replicas": "two"}}})


_READY = health.checks()["readyz"]


@pytest.mark.parametrize(("path", "query", "want"), [
    ("/healthz", "", (200, b"ok")),
    ("/livez", "", (200, b"ok")),
    ("/readyz/", "", (404, b"404 page not found\n")),
    ("/livez/ping", "", (200, b"ok")),
    ("/healthz/etcd", "", (200, b"ok")),
    ("/readyz/poststarthook/rbac/bootstrap-roles", "", (200, b"ok")),
    ("/livez/informer-sync", "", (404, b"404 page not found\n")),  # (a readiness check only)
    ("/livez/nope", "", (404, b"404 page not found\n")),
    ("/livez/ping/more", "", (404, b"404 page not found\n")),
    ("/readyz", "verbose", (200, "".join(f"[+]{c} ok\n" for c in _READY).encode() + b"readyz check passed\n")),
    ("/readyz", "verbose=false", (200, "".join(f"[+]{c} ok\n" for c in _READY).encode() + b"readyz check passed\n")),
    ("/readyz", "verbose&exclude=etcd&exclude=nope&exclude=a", (200, "".join(
        f"[+]{c} excluded: ok\n" if c == "etcd" else f"[+]{c} ok\n" for c in _READY).encode()
        + b'warn: some health checks cannot be excluded: no matches for "a","nope"\nreadyz check passed\n')),
    ("/livez", "exclude=etcd", (200, b"ok")),
    ("/healthzz", "", None),
    ("/api/v1", "", None),
])
def test_health_answers_as_the_real_apiserver(path: str, query: str, want: tuple[int, bytes] | None) -> None:
    """Word for word what a 1.37 apiserver answered to the same paths."""
    assert health.answer(path, query) == want


def test_the_checks_are_a_new_apiservers() -> None:
    assert {"ping", "log", "etcd", "poststarthook/rbac/bootstrap-roles"} <= set(health.checks()["livez"])
    assert {"etcd-readiness", "informer-sync", "shutdown"} <= set(_READY) - set(health.checks()["livez"])


def _pb(number: int, value: int | bytes) -> bytes:
    """One protobuf field: a varint, or length-delimited bytes."""
    def varint(n: int) -> bytes:
        out = b""
        while True:
            out += bytes([(n & 0x7F) | (0x80 if n > 0x7F else 0)])
            n >>= 7
            if not n:
                return out
    if isinstance(value, int):
        return varint(number << 3) + varint(value)
    return varint(number << 3 | 2) + varint(len(value)) + value


def _lease_body(api_version: bytes = b"coordination.k8s.io/v1", kind: bytes = b"Lease") -> bytes:
    """A Lease as client-go writes it: gogo-protobuf also writes the empty fields that are not pointers."""
    meta = (_pb(1, b"leader") + _pb(2, b"") + _pb(3, b"default") + _pb(6, b"41") + _pb(7, 0) + _pb(8, b"")
            + _pb(11, _pb(1, b"team") + _pb(2, b"a")) + _pb(14, b"x/y"))
    spec = (_pb(1, b"me") + _pb(2, 15) + _pb(4, _pb(1, 1_790_000_000) + _pb(2, 123_456_000)) + _pb(5, 0)
            + _pb(99, b"a field newer than the schema"))
    raw = _pb(1, meta) + _pb(2, spec)
    return protobuf.MAGIC + _pb(1, _pb(1, api_version) + _pb(2, kind)) + _pb(2, raw) + _pb(3, b"") + _pb(4, b"")


def test_protobuf_lease_reads_as_its_json() -> None:
    assert protobuf.decode(_lease_body()) == {
        "kind": "Lease", "apiVersion": "coordination.k8s.io/v1",
        "metadata": {"name": "leader", "namespace": "default", "resourceVersion": "41", "labels": {"team": "a"},
                     "finalizers": ["x/y"]},
        "spec": {"holderIdentity": "me", "leaseDurationSeconds": 15, "renewTime": "2026-09-21T14:13:20.123456Z",
                 "leaseTransitions": 0}}


@pytest.mark.parametrize(("body", "error"), [
    (_lease_body(b"example.com/v1", b"Widget"), "a Widget (example.com/v1) in protobuf, a kind watchproxy has no "
                                                 "protobuf schema for: send it as JSON"),
    (_lease_body()[:-9], "unexpected EOF"),
    (b'{"kind": "Lease"}', "provided data does not appear to be a protobuf message"),
])
def test_protobuf_that_cannot_be_read_says_why(body: bytes, error: str) -> None:
    with pytest.raises(ValueError, match=re.escape(error)):
        protobuf.decode(body)


def test_protobuf_configmap_and_secret_read_as_their_json() -> None:
    def body(kind: bytes, raw: bytes) -> bytes:
        return protobuf.MAGIC + _pb(1, _pb(1, b"v1") + _pb(2, kind)) + _pb(2, raw)
    meta = _pb(1, _pb(1, b"settings") + _pb(3, b"default"))
    cm = meta + _pb(2, _pb(1, b"a") + _pb(2, b"1")) + _pb(3, _pb(1, b"b") + _pb(2, b"\x00\xff"))
    assert protobuf.decode(body(b"ConfigMap", cm)) == {
        "kind": "ConfigMap", "apiVersion": "v1", "metadata": {"name": "settings", "namespace": "default"},
        "data": {"a": "1"}, "binaryData": {"b": "AP8="}}
    secret = meta + _pb(2, _pb(1, b"password") + _pb(2, b"hunter2")) + _pb(3, b"Opaque")
    assert protobuf.decode(body(b"Secret", secret))["data"] == {"password": "aHVudGVyMg=="}


@pytest.mark.parametrize(("ns", "text"), [
    (0, "0s"), (1, "1ns"), (1500, "1.5µs"), (1_500_000, "1.5ms"), (1_000_000_000, "1s"), (90_000_000_000, "1m30s"),
    (3_600_000_000_000, "1h0m0s"), (-2_500_000_000, "-2.5s"), (26 * 3_600_000_000_000 + 1, "26h0m0.000000001s"),
])
def test_protobuf_durations_read_as_go_writes_them(ns: int, text: str) -> None:
    assert protobuf._go_duration(ns) == text


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200), st.sampled_from([b"", b"coordination.k8s.io/v1", b"v1"]),
       st.sampled_from([b"Lease", b"ConfigMap", b"Secret"]))
def test_protobuf_garbage_is_a_value_error_never_a_crash(raw: bytes, api_version: bytes, kind: bytes) -> None:
    body = protobuf.MAGIC + _pb(1, _pb(1, api_version) + _pb(2, kind)) + _pb(2, raw)
    for data in (body, protobuf.MAGIC + raw):
        with contextlib.suppress(ValueError):
            protobuf.decode(data)


@pytest.mark.parametrize(("resource", "obj", "cells"), [
    ("leases", {"metadata": {"name": "op", "creationTimestamp": "2026-01-01T00:00:00Z"},
                "spec": {"holderIdentity": "op-7f9_1a2b"}}, ["op", "op-7f9_1a2b", "0s"]),
    ("leases", {"metadata": {"name": "nobody", "creationTimestamp": "2026-01-01T00:00:00Z"}}, ["nobody", "", "0s"]),
    ("namespaces", {"metadata": {"name": "team-a", "creationTimestamp": "2026-01-01T00:00:00Z"},
                    "status": {"phase": "Terminating"}}, ["team-a", "Terminating", "0s"]),
])
def test_lease_and_namespace_rows_as_the_real_apiserver_prints_them(resource: str, obj: dict[str, Any],
                                                                      cells: list[Any]) -> None:
    """Columns and cells as a 1.37 apiserver printed a Lease (with and without a holder) and a Namespace."""
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    assert table.row(resource, obj, now)["cells"] == cells
    names = {"leases": ["Name", "Holder", "Age"], "namespaces": ["Name", "Status", "Age"]}[resource]
    assert [c["name"] for c in table.columns_for(resource)] == names


@pytest.mark.parametrize(("resource", "obj", "column", "shown"), [
    # formatEventSource: the component, else the reporting controller; the host, else the reporting instance
    ("events", {"source": {"component": "ctl"}, "reportingInstance": "i1"}, "Source", "ctl, i1"),
    ("events", {"reportingComponent": "rc", "source": {"host": "h"}}, "Source", "rc, h"),
    # a bound claim's capacity is its status's, "0" when it has none; a nil pointer is <unset>, "" is shown
    ("persistentvolumeclaims", {"spec": {"volumeName": "pv1"}}, "Capacity", "0"),
    ("persistentvolumeclaims", {"spec": {"volumeMode": ""}}, "VolumeMode", ""),
    ("persistentvolumes", {"spec": {"volumeAttributesClassName": ""}}, "VolumeAttributesClass", ""),
    # printControllerRevision: its controller as kind.group/name
    ("controllerrevisions", {"metadata": {"name": "o", "ownerReferences": [
        {"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "web", "controller": True}]}, "revision": 3},
     "Controller", "statefulset.apps/web"),
    ("controllerrevisions", {"revision": 3}, "Controller", "<none>"),
])
def test_table_cells_as_the_printers_show_them(resource: str, obj: dict[str, Any], column: str, shown: Any) -> None:
    t = table.table(resource, [{"metadata": {"name": "o"}, **obj}], NOW)
    names = [c["name"] for c in t["columnDefinitions"]]
    assert t["rows"][0]["cells"][names.index(column)] == shown


def test_a_daemonsets_metadata_views_lack_the_annotation_its_version_adds() -> None:
    """apps/v1's conversion writes spec.templateGeneration as an annotation; the internal object, which
    metadata clients and Table rows are made of, holds none."""
    ds = {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "d", "annotations": {
        "deprecated.daemonset.template.generation": "2", "a": "b"}}}
    assert encode.as_metadata(ds, "v1")["metadata"]["annotations"] == {"a": "b"}
    assert table.table("daemonsets", [ds], NOW)["rows"][0]["object"]["metadata"]["annotations"] == {"a": "b"}
    bookmark = encode.bookmark("DaemonSet", "apps/v1", 5)  # (it carries the annotation, "0")
    assert encode.as_metadata(bookmark, "v1")["metadata"] == {"resourceVersion": "5"}


def test_an_events_api_event_prints_as_the_core_event_it_is() -> None:
    new = {"apiVersion": "events.k8s.io/v1", "kind": "Event", "metadata": {"name": "e.1"}, "type": "Normal",
           "reason": "Synced", "regarding": {"kind": "Pod", "name": "p"}, "note": "y",
           "reportingController": "example.com/ctl", "reportingInstance": "ctl-1"}
    t = table.table("events", [encode.printed(new)], NOW)
    cells = dict(zip([c["name"] for c in t["columnDefinitions"]], t["rows"][0]["cells"], strict=True))
    assert (cells["Object"], cells["Source"], cells["Message"]) == ("pod/p", "example.com/ctl, ctl-1", "y")
    assert t["rows"][0]["object"]["metadata"] == {"name": "e.1"}


def test_an_autoscaling_v1_autoscalers_metadata_views_lack_what_v1_adds() -> None:
    """autoscaling/v1 carries v2's metrics in annotations the internal object does not hold (as the real
    kube-apiserver v1.37.2 answered a metadata list and a Table of a v2-made autoscaler through v1)."""
    hpa = {"apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "a", "annotations": {
        "x": "y", "autoscaling.alpha.kubernetes.io/metrics": "[]"}},
        "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "d"}, "maxReplicas": 3}}
    assert encode.as_metadata(hpa, "v1")["metadata"]["annotations"] == {"x": "y"}
    row = table.table("horizontalpodautoscalers", [encode.printed(hpa)], NOW)["rows"][0]
    assert row["object"]["metadata"]["annotations"] == {"x": "y"}
