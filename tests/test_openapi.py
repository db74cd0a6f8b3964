"""The OpenAPI v3 documents emulate serves (proxy/wire/openapi.py), as tables: the built-in ones are the real
kube-apiserver's, byte for byte (tests/test_kubectl_realkube.py runs `kubectl explain` against both)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from watchproxy.wire import openapi
from watchproxy.wire.kinds import BUILTIN, ResourceType

NOW = dt.datetime(2026, 3, 4, 5, 6, 7, 890000, tzinfo=dt.UTC)
WIDGET = ResourceType("example.watchproxy.dev", "v1", "widgets", "Widget")
WIDGET_SCHEMA = {"type": "object", "properties": {"spec": {"type": "object", "properties": {
    "color": {"type": "string", "enum": ["red", "blue"]}}}}}
# a kind the recording holds in a built-in group-version that the release's document does not describe
GADGET = ResourceType("apps", "v1", "gadgets", "Gadget", namespaced=False)
TYPES = (*BUILTIN, WIDGET, GADGET)


def _get(path: str, query: dict[str, str] | None = None, accept: str = "application/json"
         ) -> tuple[int, dict[str, str], bytes]:
    got = openapi.answer(path, query or {}, accept, NOW, TYPES, {("example.watchproxy.dev", "v1", "Widget"):
                                                                WIDGET_SCHEMA})
    assert got is not None
    code, headers, body = got
    return code, dict(headers), body


def _index() -> dict[str, str]:
    code, headers, body = _get("/openapi/v3")
    assert code == 200 and headers["Content-Type"] == "text/plain; charset=utf-8"
    return {p: v["serverRelativeURL"] for p, v in json.loads(body)["paths"].items()}


def test_every_document_is_listed_at_the_hash_of_its_body() -> None:
    index = _index()
    assert list(index) == sorted(index)
    expected = {"api", "apis", "version", "apis/example.watchproxy.dev/v1"} | {
        openapi.gv_path(rt.group, rt.version) for rt in BUILTIN} | {f"apis/{rt.group}" for rt in BUILTIN if rt.group}
    assert set(index) == expected
    for path, url in index.items():
        code, headers, body = _get(f"/openapi/v3/{path}")
        digest = hashlib.sha512(body).hexdigest().upper()
        assert code == 200 and url == f"/openapi/v3/{path}?hash={digest}" and headers["Etag"] == f'"{digest}"', path
        assert json.loads(body)["openapi"] == "3.0.0"


def test_a_built_in_kind_s_schema_is_the_release_s_with_its_descriptions() -> None:
    doc = json.loads(_get("/openapi/v3/apis/apps/v1")[2])
    deployment = doc["components"]["schemas"]["io.k8s.api.apps.v1.Deployment"]
    assert deployment["x-kubernetes-group-version-kind"] == [{"group": "apps", "kind": "Deployment", "version": "v1"}]
    strategy = doc["components"]["schemas"]["io.k8s.api.apps.v1.DeploymentStrategy"]["properties"]["type"]
    assert strategy["enum"] == ["Recreate", "RollingUpdate"] and "Default is RollingUpdate" in strategy["description"]
    # each document names its own group-version where the shared types list theirs (stored apart)
    options = doc["components"]["schemas"]["io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions"]
    assert {"group": "apps", "kind": "DeleteOptions", "version": "v1"} in options["x-kubernetes-group-version-kind"]
    # kubectl's question before a write: does the server validate fields itself?
    patch = doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"]
    assert "fieldValidation" in [p["name"] for p in patch["parameters"]]


def test_kinds_the_release_does_not_describe_get_what_kubectl_s_writes_need() -> None:
    apps = json.loads(_get("/openapi/v3/apis/apps/v1")[2])
    gadgets = apps["paths"]["/apis/apps/v1/gadgets/{name}"]["patch"]
    assert gadgets["x-kubernetes-group-version-kind"]["kind"] == "Gadget"
    assert "fieldValidation" in [p["name"] for p in gadgets["parameters"]]
    assert "io.k8s.api.apps.v1.Deployment" in apps["components"]["schemas"]  # the rest as it was
    assert list(apps["paths"]) == sorted(apps["paths"])
    widgets = json.loads(_get("/openapi/v3/apis/example.watchproxy.dev/v1")[2])
    widget = widgets["components"]["schemas"]["dev.watchproxy.example.v1.Widget"]
    assert widget["properties"]["spec"] == WIDGET_SCHEMA["properties"]["spec"]


@pytest.mark.parametrize(("path", "query", "accept", "code", "headers"), [
    ("/openapi/v3/apis/apps/v1", {}, "application/json", 200,
     {"Cache-Control": "no-cache, private", "Content-Type": "application/json", "Vary": "Accept"}),
    ("/openapi/v3/apis/apps/v1", {}, "", 200, {"Content-Type": "application/json"}),
    ("/openapi/v3/apis/apps/v1", {}, "*/*", 200, {"Content-Type": "application/json"}),
    # the URL the index gives: cacheable for a year (Go's RFC 1123, in UTC)
    ("/openapi/v3/apis/apps/v1", {"hash": "RIGHT"}, "application/json", 200,
     {"Cache-Control": "public, immutable", "Expires": "Thu, 04 Mar 2027 05:06:07 UTC"}),
    ("/openapi/v3/apis/apps/v1", {"hash": "ABC"}, "application/json", 301,
     {"Cache-Control": "no-cache, private", "Location": "/openapi/v3/apis/apps/v1?hash=RIGHT"}),
    ("/openapi/v3/apis/apps/v1", {}, "application/yaml", 406, {"Vary": "Accept"}),
    # its protobuf form is not made
    ("/openapi/v3/apis/apps/v1", {}, "application/com.github.proto-openapi.spec.v3@v1.0+protobuf", 406, {}),
    ("/openapi/v3/apis/nope/v1", {}, "application/json", 404, {"Cache-Control": "no-cache, private"}),
    ("/openapi/v3/", {}, "application/json", 404, {}),
    ("/openapi/v3/apis/apps/v1/", {}, "application/json", 404, {}),
])
def test_answers_as_kube_openapi_s_handler(path: str, query: dict[str, str], accept: str, code: int,
                                           headers: dict[str, str]) -> None:
    right = _index()["apis/apps/v1"].partition("?hash=")[2]
    query = {k: v.replace("RIGHT", right) for k, v in query.items()}
    got_code, got_headers, body = _get(path, query, accept)
    assert got_code == code
    assert {k: got_headers.get(k) for k in headers} == {k: v.replace("RIGHT", right) for k, v in headers.items()}
    assert bool(body) is (code == 200)


@pytest.mark.parametrize(("now", "expires"), [
    (NOW, "Thu, 04 Mar 2027 05:06:07 UTC"),
    (dt.datetime(2028, 2, 29, 23, 59, 59, tzinfo=dt.UTC), "Thu, 01 Mar 2029 23:59:59 UTC"),  # Go's AddDate
    # (in UTC: 1 January 2027)
    (dt.datetime(2026, 12, 31, 23, 0, tzinfo=dt.timezone(dt.timedelta(hours=-2))), "Sat, 01 Jan 2028 01:00:00 UTC"),
])
def test_a_hashed_document_expires_a_year_later(now: dt.datetime, expires: str) -> None:
    assert openapi._a_year_after(now) == expires


def test_other_paths_are_not_openapi_s() -> None:
    for path in ("/openapi/v3x", "/openapi/v2/", "/openapi", "/api/v1"):
        assert openapi.answer(path, {}, "", NOW, TYPES) is None


PB = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"


@pytest.mark.parametrize(("accept", "content_type"), [
    ("application/com.github.proto-openapi.spec.v2@v1.0+protobuf", PB),  # client-go's OpenAPISchema
    ("application/com.github.proto-openapi.spec.v2.v1.0+protobuf", PB),
    ("application/json", "application/json"), ("", "application/json"), ("*/*", "application/json"),
    ("application/*", "application/json"),
    (f"application/json;q=0.5, {PB}", PB), (f"{PB};q=0.2, application/json", "application/json"),
    (f"*/*, {PB}", PB),  # a named type before a wildcard of the same quality
    ("application/yaml", None), ("text/html", None),
])
def test_the_v2_document_as_kube_openapi_s_handler_negotiates_it(accept: str, content_type: str | None) -> None:
    got = openapi.answer("/openapi/v2", {}, accept, NOW, TYPES)
    assert got is not None
    code, headers, body = got[0], dict(got[1]), got[2]
    if content_type is None:
        assert (code, body) == (406, b"")
        return
    as_json = openapi.answer("/openapi/v2", {}, "application/json", NOW, TYPES)
    assert as_json is not None
    digest = hashlib.sha512(as_json[2]).hexdigest().upper()
    assert code == 200 and headers["Content-Type"] == content_type and headers["Etag"] == f'"{digest}"'
    if content_type == PB:
        assert body.startswith(b"\n\x032.0")  # gnostic's Document: swagger = "2.0"
    else:
        doc = json.loads(body)
        assert doc["swagger"] == "2.0" and "io.k8s.api.apps.v1.Deployment" in doc["definitions"]
