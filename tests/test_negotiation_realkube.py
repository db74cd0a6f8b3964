"""What a resource's routes and handlers refuse to answer an Accept with, against the reference: go-restful's
406 (its list of the route's media types, with details), the handler's (`only the following media types are
accepted`), a custom resource's handler alone, each Status written compact or indented as the apiserver
writes it for that Accept; a refused write changes nothing."""

from __future__ import annotations

import gzip
import json
import re
import uuid
from collections.abc import Callable
from pathlib import Path

from watchproxy.testing import Replay

from tests import crds_differential as cd
from tests import rawhttp
from tests.realkube import RealKube
from tests.workload import until

_CM = json.dumps({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "asked"}}).encode()


def _requests(ns: str, group: str) -> list[tuple[str, str, str, bytes | None]]:
    cms, widgets = f"/api/v1/namespaces/{ns}/configmaps", f"/apis/{group}/v1/namespaces/{ns}/widgets"
    out: list[tuple[str, str, str, bytes | None]] = []
    for accept in ("text/plain", "application/*", "application/json;as=Foo;v=v1;g=meta.k8s.io",
                   "application/json;sv=v2", "application/xml, text/html;q=0.9"):
        out += [("GET", cms, accept, None), ("GET", f"{cms}/nope", accept, None),
                ("GET", f"{cms}?watch=1&timeoutSeconds=1", accept, None),
                ("GET", f"/api/v1/watch/namespaces/{ns}/configmaps?timeoutSeconds=1", accept, None),
                ("POST", cms, accept, _CM), ("DELETE", f"{cms}/nope", accept, None),
                ("GET", f"/api/v1/namespaces/{ns}/pods/nope/status", accept, None),
                ("GET", f"/api/v1/namespaces/{ns}/pods/nope/log", accept, None),
                ("GET", widgets, accept, None), ("GET", f"{widgets}/nope", accept, None)]
    out += [("GET", f"{cms}/asked", "application/json", None),  # the refused creates made nothing
            ("GET", widgets, "application/vnd.kubernetes.protobuf, application/json", None),
            ("GET", cms, "application/json;as=Table;v=v1;g=meta.k8s.io", None)]
    table = "application/json;as=Table;v=v1;g=meta.k8s.io"  # of a subresource whose storage makes no Table
    out += [("GET", f"/api/v1/namespaces/{ns}/pods/nope/log", table, None),
            ("POST", f"/api/v1/namespaces/{ns}/pods/nope/binding", table, _CM),
            ("POST", f"/api/v1/namespaces/{ns}/pods/nope/eviction", table, _CM),
            ("PUT", f"/api/v1/namespaces/{ns}/finalize", table, _CM)]
    return out


def test_an_accept_a_resource_does_not_serve_gets_the_real_apiservers_406(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    tag = uuid.uuid4().hex[:8]
    ns, group = f"accept-{tag}", f"n{tag}.example.com"
    definition = cd.schemaless(group, "widgets", "Widget")
    answers = []
    for server in rawhttp.real_and_replay(realkube, watchproxy, tmp_path, ns):
        code, doc, _ = rawhttp.call(*server, "POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
                                    json.dumps(definition).encode())
        assert code == 201, doc
        until(lambda server=server: rawhttp.call(*server, "GET", f"/apis/{group}/v1/namespaces/{ns}/widgets")[0]
              == 200, 30, f"{group} served")
        got = []
        for method, path, accept, body in _requests(ns, group):
            code, _, answer = rawhttp.send(*server, method, path, body, {"Accept": accept,
                                                                         "Content-Type": "application/json"})
            got.append((method, path, accept, code, answer if code == 406 else b""))
        answers.append(got)
    real, emulated = answers
    assert sum(code == 406 for *_, code, _ in real) >= 40
    assert [a for a in real if a[3] == 406 and a[4].startswith(b"{\n")]  # (some indented, some not)
    assert [a for a in real if a[3] == 406 and not a[4].startswith(b"{\n")]
    assert [(r, e) for r, e in zip(real, emulated, strict=True) if r != e] == []


def test_a_head_request_is_answered_as_the_apiserver_answers_it(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """go-restful's routes (resources, /api, /api/v1, a built-in group version, /version) take GET alone: a
    HEAD is their 405, its Status in what the Accept negotiates (its length says so); the other handlers
    (a group, health checks, OpenAPI) answer it as a GET without the body; a path no route has is their 404.
    (A replay answered 404, then 405 where no route is.)"""
    ns = f"head-{uuid.uuid4().hex[:8]}"
    paths = ["/api", "/api/v1", "/apis/apps", "/apis/apps/v1", "/version", "/healthz", "/livez", "/readyz",
             f"/api/v1/namespaces/{ns}/configmaps", f"/api/v1/namespaces/{ns}/configmaps/nope",
             f"/api/v1/namespaces/{ns}/widgets", "/api/v2", "/api/v2/namespaces/x/configmaps"]  # (OpenAPI's
    # length depends on the custom resources other tests defined on the same apiserver)
    answers = []
    for server in rawhttp.real_and_replay(realkube, watchproxy, tmp_path, ns):
        got = []
        for path in paths:
            for accept in ("application/json", "application/vnd.kubernetes.protobuf", "application/yaml"):
                code, headers, body = rawhttp.send(*server, "HEAD", path, None, {"Accept": accept})
                got.append((path, accept, code, headers.get("Content-Type"), headers.get("Content-Length"), body))
        answers.append(got)
    real, emulated = answers
    assert {code for _, _, code, *_ in real} == {200, 404, 405}
    assert emulated == real


# (what differs run to run, in JSON and in YAML)
_VOLATILE = re.compile(rb'("?(?:resourceVersion|uid|creationTimestamp|time|serverAddress|continue)"?: ?)'
                       rb'("[^"]*"|[^\s"]+)')


def test_an_answer_is_indented_as_the_apiserver_indents_it_for_curl_a_browser_or_pretty(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """JSON answers — objects, lists, Tables, discovery, an error's Status — are indented (json.MarshalIndent,
    no newline after) for a `pretty` query value strconv.ParseBool takes as true, for a range that says
    `pretty=1`, and, with no value, for curl, Wget and browsers (User-Agent); YAML and a watch's events never
    are. (A replay wrote compact JSON to curl.)"""
    ns = f"pretty-{uuid.uuid4().hex[:8]}"
    cms = f"/api/v1/namespaces/{ns}/configmaps"
    curl = {"User-Agent": "curl/8.5.0"}
    asked = [("", {}), ("pretty=true", {}), ("pretty=1", {}), ("pretty=yes", {}), ("pretty=", curl), ("", curl),
             ("pretty=false", curl), ("", {"User-Agent": "Mozilla/5.0 (X11)"}), ("", {"User-Agent": "Wget/1.21"}),
             ("", {"Accept": "application/json;pretty=1"}), ("", {"Accept": "application/yaml", **curl})]
    answers = []
    real_server, the_replay = rawhttp.reference_and_replay(realkube, watchproxy, tmp_path, ns)
    for server, replay in ((real_server, None), ((the_replay.url, ""), the_replay)):
        assert rawhttp.call(*server, "POST", cms, b'{"metadata": {"name": "a"}, "data": {"k": "<v>"}}')[0] == 201
        got = []
        for path in (cms, f"{cms}/a", f"{cms}/nope", "/api", "/apis/apps/v1"):
            for query, headers in asked:
                code, head, body = rawhttp.get(*server, f"{path}?{query}", headers)
                got.append((path, query, headers, code, head.get("Content-Type"), _VOLATILE.sub(rb'\1X', body)))
        table = {"Accept": "application/json;as=Table;v=v1;g=meta.k8s.io", "User-Agent": "curl/8"}
        code, head, body = rawhttp.get(*server, f"{cms}/a", table)
        got.append(("table", code, json.loads(body)["columnDefinitions"], body.count(b"\n  ")))
        watched = rawhttp.send_ending_watches(server, replay, "GET", f"{cms}?watch=1&timeoutSeconds=1&pretty=true",
                                              None, {"User-Agent": "curl/8"})
        got.append(("watch", watched[0], watched[2].count(b"\n")))
        answers.append(got)
    real, emulated = answers
    assert real[1][-1].startswith(b"{\n  ") and not real[1][-1].endswith(b"\n")  # (indented, as measured)
    assert [a for a in zip(real, emulated, strict=True) if a[0] != a[1]] == []


def test_a_long_answer_is_gzipped_as_the_apiserver_gzips_it(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """An object's or a list's answer longer than 128 KiB is gzipped for a client whose Accept-Encoding names
    gzip (a part that is exactly `gzip`: `gzip;q=1` is not), in whatever media type it is written; a shorter
    one, a watch's events and a client that asks for none go out as they are. (A replay gzipped nothing.)"""
    ns = f"gzip-{uuid.uuid4().hex[:8]}"
    cms = f"/api/v1/namespaces/{ns}/configmaps"
    asked = [("", {"Accept-Encoding": "gzip"}), ("", {"Accept-Encoding": "deflate, gzip"}),
             ("", {"Accept-Encoding": "gzip;q=1"}), ("", {}), ("?limit=2", {"Accept-Encoding": "gzip"}),
             ("", {"Accept-Encoding": "gzip", "Accept": "application/yaml"}),
             ("", {"Accept-Encoding": "gzip", "Accept": "application/vnd.kubernetes.protobuf"}),
             ("/c1", {"Accept-Encoding": "gzip"})]
    answers = []
    real_server, the_replay = rawhttp.reference_and_replay(realkube, watchproxy, tmp_path, ns)
    for server, replay in ((real_server, None), ((the_replay.url, ""), the_replay)):
        for i in range(4):  # (40 KB each: the list is past 128 KiB, an object or two are not)
            body = {"metadata": {"name": f"c{i}"}, "data": {"k": "x" * 40000}}
            assert rawhttp.call(*server, "POST", cms, json.dumps(body).encode())[0] == 201
        got = []
        for query, headers in asked:
            code, head, body = rawhttp.get(*server, f"{cms}{query}", headers)
            plain = gzip.decompress(body) if head.get("Content-Encoding") == "gzip" else body
            protobuf = "protobuf" in str(head.get("Content-Type"))  # (its times and versions are not masked)
            got.append((query, headers, code, head.get("Content-Encoding"), head.get("Content-Type"),
                        len(plain) > 4 * 40000 if protobuf else _VOLATILE.sub(rb"\1X", plain)))
        watched = rawhttp.send_ending_watches(server, replay, "GET", f"{cms}?watch=1&timeoutSeconds=1", None,
                                              {"Accept-Encoding": "gzip"})
        got.append(("watch", watched[0], watched[1].get("Content-Encoding"), len(watched[2]) > 4 * 40000))
        answers.append(got)
    real, emulated = answers
    assert [a[3] for a in real[:-1]] == ["gzip", "gzip", None, None, None, "gzip", "gzip", None]
    assert [a for a in zip(real, emulated, strict=True) if a[0] != a[1]] == []


def test_the_openapi_v2_document_is_gzipped_as_gziphandler_gzips_it(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """/openapi/v2 is behind NYTimes/gziphandler (gzip in any case, with a q-value above 0) and served by
    http.ServeContent (byte ranges offered), varying on Accept-Encoding and Accept, a 406 too: its headers
    as the reference sends them, and a document once inflated (the reference's holds the custom resources
    other tests defined). (A replay never gzipped it.)"""
    asked = [{"Accept-Encoding": "gzip"}, {"Accept-Encoding": "deflate;q=1, GZIP;q=0.5"},
             {"Accept-Encoding": "gzip;q=0"}, {}, {"Accept-Encoding": "*"},
             {"Accept": "text/html", "Accept-Encoding": "gzip"},
             {"Accept": "application/com.github.proto-openapi.spec.v2@v1.0+protobuf", "Accept-Encoding": "gzip"}]
    per_request = {"date", "audit-id", "x-kubernetes-pf-flowschema-uid", "x-kubernetes-pf-prioritylevel-uid", "etag",
                   "last-modified", "content-length", "transfer-encoding"}  # (the Etag: tests/test_openapi.py)
    answers = []
    for server in rawhttp.real_and_replay(realkube, watchproxy, tmp_path, f"openapi-{uuid.uuid4().hex[:8]}"):
        got = []
        for headers in asked:
            conn, resp = rawhttp.opened(*server, "GET", "/openapi/v2", None, headers)
            body = resp.read()
            conn.close()
            plain = gzip.decompress(body) if resp.getheader("Content-Encoding") == "gzip" else body
            got.append((headers, resp.status, sorted((k, v) for k, v in resp.getheaders()
                                                     if k.lower() not in per_request), plain[:16]))
        answers.append(got)
    real, emulated = answers
    assert [dict(a[2]).get("Content-Encoding") for a in real] == ["gzip", "gzip", None, None, None, None, "gzip"]
    assert [a for a in zip(real, emulated, strict=True) if a[0] != a[1]] == []


def test_every_answer_ends_as_gos_encoder_ends_it(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """json.Encoder's Encode ends what it writes with a newline: a write's answer, its refusal, a Table or a
    metadata view of a get, a list or a write end with one as a get's does (a client reading line by line, or
    comparing bytes, sees the same); the version document, written raw, has none."""
    table, metadata = "application/json;as=Table;v=v1;g=meta.k8s.io", \
        "application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io"

    def answers(server: rawhttp.Server, ns: str) -> list[tuple[str, int, bytes]]:
        cms = f"/api/v1/namespaces/{ns}/configmaps"
        cm = json.dumps({"metadata": {"name": "cm"}, "data": {"k": "v"}}).encode()
        asked = [("POST", cms, cm, "application/json", "application/json"),
                 ("POST", f"{cms}?dryRun=All", json.dumps({"metadata": {"name": "t"}}).encode(), "application/json",
                  table),
                 ("GET", f"{cms}/cm", None, "application/json", "application/json"),
                 ("GET", f"{cms}/cm", None, "application/json", table),
                 ("GET", f"{cms}/cm", None, "application/json", metadata),
                 ("GET", cms, None, "application/json", table),
                 ("PUT", f"{cms}/cm", cm, "application/json", "application/json"),
                 ("PATCH", f"{cms}/cm", b'{"data":{"k":"w"}}', "application/merge-patch+json", "application/json"),
                 ("POST", cms, cm, "application/json", "application/json"),  # (a 409)
                 ("POST", cms, b'{"metadata":{"name":"A_"}}', "application/json", "application/json"),  # (a 422)
                 ("DELETE", f"{cms}/cm", None, "application/json", "application/json"),
                 ("DELETE", cms, None, "application/json", "application/json"),
                 ("GET", "/version", None, "application/json", "application/json")]
        out = []
        for method, path, body, media, accept in asked:
            code, _, data = rawhttp.send(*server, method, path, body, {"Content-Type": media, "Accept": accept})
            out.append((f"{method} {path.removeprefix(cms)} {accept}", code, data[-1:]))
        return out
    real = rawhttp.agreed(realkube, watchproxy, tmp_path, "newlines", answers)
    assert [end for *_, end in real] == [b"\n"] * 12 + [b"}"]
