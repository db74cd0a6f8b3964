"""Content negotiation's rules as tables (proxy/wire/negotiation.py, apiserver/routes.py): what each kind of
endpoint accepts, go-restful's route check, how a refusal is written; measured against the real
kube-apiserver in test_negotiation_realkube.py and test_discovery_realkube.py."""

from __future__ import annotations

import json

import pytest
from watchproxy.apiserver import routes
from watchproxy.wire import negotiation
from watchproxy.wire.request import classify

TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io"
META = "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io"
V2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"


@pytest.mark.parametrize(("accept", "default", "builtin", "custom"), [
    ("", "json", "json", "json"),  # an empty header: JSON as it is, whatever the endpoint
    ("application/json", "json", "json", "json"),
    ("application/vnd.kubernetes.protobuf", "vnd.kubernetes.protobuf", "vnd.kubernetes.protobuf", None),
    ("application/vnd.kubernetes.protobuf, application/json", "vnd.kubernetes.protobuf",
     "vnd.kubernetes.protobuf", "json"),
    ("application/yaml", "yaml", "yaml", "yaml"),
    (TABLE, None, "json+Table", "json+Table"),
    ("application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io", None, None, None),  # Tables: JSON, YAML
    (META, None, "json+PartialObjectMetadataList", "json+PartialObjectMetadataList"),
    ("application/json;as=Table;v=v1beta1;g=meta.k8s.io", None, "json+Table", "json+Table"),
    ("application/json;as=Table;v=v2;g=meta.k8s.io", None, None, None),
    ("application/json;as=Table", None, None, None),  # no group: not meta.k8s.io's
    ("application/json;as=Foo;v=v1;g=meta.k8s.io", None, None, None),
    (f"{TABLE},application/json", "json", "json+Table", "json+Table"),
    (f"text/html,{TABLE};q=0.9,*/*;q=0.8", "json", "json+Table", "json+Table"),
    ("application/json;sv=v1", None, "json", "json"), ("application/json;sv=v2", None, None, None),
    ("application/json;stream=watch", "json", "json", "json"), ("application/yaml;stream=watch", None, None, None),
    ("application/json;stream=chunks", None, None, None),
    ("text/plain", None, None, None), ("application/*", "json", "json", "json"), ("*/*", "json", "json", "json"),
    ("*/json", None, None, None),  # a wildcard type with a named subtype matches nothing
    (V2, None, None, None),
    ("application/json;q=0, text/plain", "json", "json", "json"),  # q=0 is not a refusal to goautoneg
    ("text/plain;q=1, application/yaml;q=0.5", "yaml", "yaml", "yaml"),
])
def test_what_each_endpoint_accepts(accept: str, default: str | None, builtin: str | None, custom: str | None
                                    ) -> None:
    def got(endpoint: negotiation.Endpoint) -> str | None:
        found = negotiation.negotiate(accept, endpoint)
        if found is None:
            return None
        media, convert = found
        return media.removeprefix("application/") + (f"+{convert[2]}" if convert else "")
    assert (got("default"), got("builtin"), got("custom")) == (default, builtin, custom)


def test_goautonegs_order_of_ranges() -> None:
    """By quality, then a named type before a wildcard, else as written (its insertion sort)."""
    assert [f"{k}/{s}" for k, s, _ in negotiation.clauses("*/*;q=0.8, text/html, application/*, a/b;q=0.9, c/d")] \
        == ["text/html", "c/d", "a/b", "application/*", "*/*"]  # (a/b: a named subtype, at q=0.9)
    assert negotiation.clauses("application/json; as = Table ;q=0.5;v=v1;x") == [
        ("application", "json", {"as": "Table", "v": "v1"})]
    # beyond 12 ranges Go sorts otherwise (pdqsort): by quality and wildcards still, and never quadratically
    many = ",".join([*(f"text/x{i};q=0.{i % 9 + 1}" for i in range(5000)), "*/*;q=0.05", "application/json"])
    ranked = negotiation.clauses(many)
    assert ranked[0][:2] == ("application", "json") and ranked[-1][:2] == ("*", "*")
    assert negotiation.negotiate(many, "builtin") == ("application/json", None)


@pytest.mark.parametrize(("method", "path", "accept", "refused"), [
    ("GET", "/api/v1/namespaces/ns/configmaps", "text/plain", "406: Not Acceptable\n\nAvailable representations: "
     "application/json, application/yaml, application/vnd.kubernetes.protobuf, application/json;stream=watch, "
     "application/vnd.kubernetes.protobuf;stream=watch"),
    ("GET", "/api/v1/namespaces/ns/configmaps/c", "text/plain", "406: Not Acceptable\n\nAvailable representations: "
     "application/json, application/yaml, application/vnd.kubernetes.protobuf"),
    ("GET", "/api/v1/namespaces/ns/pods/p/log", "application/xml", "406: Not Acceptable\n\nAvailable "
     "representations: text/plain, application/json, application/yaml, application/vnd.kubernetes.protobuf"),
    ("GET", "/api/v1/namespaces/ns/pods/p/log", "text/plain", negotiation.NOT_ACCEPTABLE),  # the handler's
    ("POST", "/api/v1/namespaces/ns/configmaps", "application/*", "406: Not Acceptable\n\nAvailable "
     "representations: application/json, application/yaml, application/vnd.kubernetes.protobuf"),
    ("GET", "/api/v1/namespaces/ns/configmaps", "application/json;as=Foo;v=v1;g=meta.k8s.io",
     negotiation.NOT_ACCEPTABLE),
    ("POST", "/api/v1/namespaces/ns/pods/p/exec", "text/plain", None),  # a connect route takes any
    ("GET", "/api/v1/namespaces/ns/configmaps", TABLE, None),
    ("DELETE", "/api/v1/namespaces/ns/configmaps/c", "", None),
])
def test_a_builtin_routes_refusals(method: str, path: str, accept: str, refused: str | None) -> None:
    got = routes.not_acceptable(method, classify(method, path, ""), True, accept)
    assert (got[0] if got else None) == refused
    if got is not None:  # go-restful's Status has details, the negotiator's none
        assert (got[1] == {}) == refused.startswith("406: Not Acceptable")


def test_a_custom_resources_handler_negotiates_alone() -> None:
    info = classify("GET", "/apis/example.com/v1/namespaces/ns/widgets", "")
    assert routes.not_acceptable("GET", info, False, "application/*") is None  # no go-restful route
    assert routes.not_acceptable("GET", info, False, "application/vnd.kubernetes.protobuf") == (
        negotiation.NOT_ACCEPTABLE, None)


def test_a_refusal_is_written_as_the_client_accepts_it() -> None:
    """Compact when the Status itself can be negotiated; indented, without a newline, when nothing can."""
    compact = negotiation.status_body("application/*", 406, "no", details={})
    indented = negotiation.status_body("text/plain", 406, "no", details={})
    assert compact.endswith(b"}\n") and b"\n  " not in compact
    assert indented.startswith(b'{\n  "kind": "Status",') and indented.endswith(b"}")
    assert json.loads(compact) == json.loads(indented) == {
        "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": "no",
        "reason": "NotAcceptable", "details": {}, "code": 406}


@pytest.mark.parametrize(("content_type", "read_as"), [
    ("", "application/json"),  # none: the first serializer's
    ("Application/JSON; charset=UTF-8", "application/json"),
    ("application/json;", "application/json"),  # a trailing `;` is no parameter
    ("application/json ; a=b", "application/json"),
    ('application/json; a="b\\"c"', "application/json"),  # a quoted string, an escaped quote in it
    ('application/json; a=""', "application/json"),
    ("application/json; a=b; A=b", "application/json"),  # a name twice, with one value
    ("application/json; a=b; A=c", None),
    ("application/json; foo", None),
    ('application/json; a="b', None),  # no closing quote
    ("application/json; a=", None),
    ("application/json;;", None),
    ("application/json; ;", None),
    ("application /json", None),
    ("application/json/x", None),
    ("application/json, application/yaml", None),
    ("text/plain", "text/plain"),  # parsed, and then no decoder for it (the handler's 415)
])
def test_a_bodys_media_type_is_parsed_as_go_parses_it(content_type: str, read_as: str | None) -> None:
    assert negotiation.body_media_type(content_type) == read_as


@pytest.mark.parametrize(("content_type", "patch_type", "restful"), [
    ("application/merge-patch+json; charset=utf-8", "application/merge-patch+json", True),
    ("application/merge-patch+json ; charset=utf-8", "application/merge-patch+json ", True),  # not trimmed
    ("Application/Merge-Patch+JSON", "Application/Merge-Patch+JSON", False),  # nor lower-cased
    (";application/merge-patch+json", ";application/merge-patch+json", False),  # a `;` first: not cut
    ("application/json, application/merge-patch+json", "application/json, application/merge-patch+json", True),
    ("", "", False),  # application/octet-stream to go-restful
])
def test_a_patchs_type_is_the_header_cut_at_its_semicolon(content_type: str, patch_type: str, restful: bool
                                                           ) -> None:
    assert negotiation.patch_type(content_type) == patch_type
    assert negotiation.restful_consumes(content_type, ("application/merge-patch+json",)) is restful


@pytest.mark.parametrize(("accept", "query", "agent", "indented"), [
    ("", None, "", False),
    ("", "true", "", True), ("", "1", "", True), ("", "T", "", True),
    ("", "yes", "curl/8", False),  # (a value strconv.ParseBool refuses is false, whoever asks)
    ("", "false", "curl/8", False),
    ("", "", "curl/8", True),  # (no value: the User-Agent decides)
    ("", None, "Wget/1.21", True), ("", None, "Mozilla/5.0 (X11)", True), ("", None, "kubectl/v1.37", False),
    ("application/json;pretty=1", None, "", True),
    ("application/json;pretty=true", None, "", False),  # (only `1`)
    ("application/yaml;pretty=1, application/json;pretty=0", None, "", True),  # (the range negotiated's)
])
def test_an_answer_is_indented_for_pretty_or_a_human_client(accept: str, query: str | None, agent: str,
                                                             indented: bool) -> None:
    assert negotiation.pretty(accept, "builtin", pretty_query=query, user_agent=agent) is indented


@pytest.mark.parametrize(("accept_encoding", "gzipped"), [
    ("gzip", True), ("deflate, gzip", True), (" gzip ,br", True), ("", False), ("gzip;q=1", False),
    ("x-gzip", False), ("GZIP", False), ("deflate", False)])
def test_a_long_answer_is_gzipped_for_an_accept_encoding_that_names_gzip(accept_encoding: str, gzipped: bool) -> None:
    assert negotiation.gzip_accepted(accept_encoding) is gzipped


@pytest.mark.parametrize(("accept_encoding", "gzipped"), [
    ("gzip", True), ("GZIP", True), ("deflate;q=1, gzip;q=0.5", True), ("gzip;q=0", False), ("", False),
    ("*", False), ("gzip;q=x", False), ("gzip;q=0;v=1", True)])  # (each `;` part resets the q-value)
def test_the_openapi_v2_document_is_gzipped_as_gziphandler_reads_accept_encoding(accept_encoding: str,
                                                                                  gzipped: bool) -> None:
    assert negotiation.gziphandler_accepts(accept_encoding) is gzipped
