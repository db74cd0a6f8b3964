"""Random request shapes — a method, a path (a collection, an object, a subresource, a connect, a name no
object may have, a resource or version nothing serves), an Accept, a query and a body in some media type —
sent to the real kube-apiserver and to a replay: the same code, media type and Status (message, reason,
details), or the same kind of answer. They found which refusal comes first where a request has several faults
(a PATCH's media type before its Accept, a patch that is not JSON before the object it patches, a connect's
dryRun before anything), a HEAD where no route is, the proxy subresources. A path with an empty or a `.`
segment is left out: watchproxy refuses those itself (wire/request.py)."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from watchproxy.testing import Replay

from tests import rawhttp
from tests.realkube import RealKube
from tests.workload import until

_PATHS = [
    "/api/v1/namespaces/{ns}/configmaps", "/api/v1/namespaces/{ns}/configmaps/", "/api/v1/namespaces/{ns}/configmaps/a",
    "/api/v1/namespaces/{ns}/configmaps/a/", "/api/v1/namespaces/{ns}/configmaps/a/status",
    "/api/v1/namespaces/{ns}/configmaps/a/scale", "/api/v1/namespaces/{ns}/configmaps/A",
    "/api/v1/namespaces/{ns}/configmaps/a%20b", "/api/v1/namespaces/{ns}/configmaps/" + "x" * 300,
    "/api/v1/watch/namespaces/{ns}/configmaps", "/api/v1/watch/namespaces/{ns}/configmaps/a", "/api/v1/configmaps",
    "/api/v1/namespaces/{ns}/widgets", "/api/v2/namespaces/{ns}/configmaps", "/api/v1/nodes/x",
    "/api/v1/namespaces/{ns}/nodes", "/api/v1/namespaces/{ns}", "/api/v1/namespaces/{ns}/status",
    "/apis/apps/v1/namespaces/{ns}/deployments/a/scale", "/apis/apps/v1/namespaces/{ns}/deployments",
    "/apis/apps/v1beta1/namespaces/{ns}/deployments", "/apis/apps/v1/deployments",
    "/api/v1/namespaces/{ns}/configmaps/a/b/c", "/api/v1/namespaces/{ns}/pods/a/log",
    "/api/v1/namespaces/{ns}/pods/a/exec", "/api/v1/namespaces/{ns}/services/a/proxy",
    "/api/v1/namespaces/{ns}/services/a:80/proxy/x", "/api/v1/namespaces/{ns}/serviceaccounts/a/token",
    "/api/v1/namespaces/{ns}/pods/a/eviction", "/api/v1/nodes/x/proxy"]
_ACCEPTS = ["", "application/json", "application/yaml", "application/vnd.kubernetes.protobuf", "*/*", "text/html",
            "application/json;as=Table;v=v1;g=meta.k8s.io",
            "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io",
            "application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io", "application/json;q=0",
            "application/json, */*;q=0.5", "garbage", "application/json;stream=watch",
            "application/vnd.kubernetes.protobuf;stream=watch"]
_QUERIES = ["", "", "watch=1", "limit=1", "resourceVersion=0", "dryRun=All", "fieldManager=x", "pretty=true",
            "timeoutSeconds=1", "propagationPolicy=Bogus", "gracePeriodSeconds=x", "fieldValidation=Strict"]
_METHODS = ["GET", "GET", "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
_CM = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}, "data": {"k": "v"}}
_BODIES = [json.dumps(_CM), json.dumps({**_CM, "kind": "Secret"}), "{", "[]", "",
           json.dumps({"metadata": {"labels": {"x": "1"}}}), json.dumps({**_CM, "metadata": {"name": "b"}}),
           "kind: ConfigMap\napiVersion: v1\nmetadata: {name: a}\n",
           "k8s\x00\n\x0c\n\x02v1\x12\tConfigMap\x12\x05\n\x03\n\x01a"]  # (a ConfigMap `a` in protobuf)
_CONTENT_TYPES = ["application/json", "application/merge-patch+json", "application/strategic-merge-patch+json",
                  "application/json-patch+json", "application/yaml", "text/plain", "application/apply-patch+yaml",
                  "application/vnd.kubernetes.protobuf"]

Shape = tuple[str, str, str, str, str | None, str]  # method, path, Accept, query, body, Content-Type


def _shapes(seed: int, n: int, paths: list[str] = _PATHS, bodies: list[str] = _BODIES) -> list[Shape]:
    r = random.Random(seed)
    out = []
    for _ in range(n):
        method = r.choice(_METHODS)
        out.append((method, r.choice(paths), r.choice(_ACCEPTS), r.choice(_QUERIES),
                    r.choice(bodies) if method in ("POST", "PUT", "PATCH") or r.random() < 0.1 else None,
                    r.choice(_CONTENT_TYPES)))
    return out


def _answer(server: rawhttp.Server, ns: str, shape: Shape) -> tuple[Any, ...]:
    """A Status's code, media type, message, reason and details; else the code, media type and kind (a
    watch's as soon as it is open)."""
    method, path, accept, query, body, content_type = shape
    watch = "watch=1" in query or "/watch/" in path
    target = path.replace("{ns}", ns) + "?" + "&".join(q for q in ("timeoutSeconds=1" if watch else "", query) if q)
    headers = {"Content-Type": content_type, **({"Accept": accept} if accept else {})}
    conn, resp = rawhttp.opened(*server, method, target, body.encode() if body is not None else None, headers)
    try:
        media = resp.getheader("Content-Type")
        if watch and resp.status == 200:
            return 200, media, "watch"
        data = resp.read()
    finally:
        conn.close()
    try:
        doc = json.loads(data)
    except ValueError:
        return resp.status, media, data[:80] if resp.status >= 400 else bool(data)
    if isinstance(doc, dict) and doc.get("kind") == "Status":  # (a deleted object's uid is its own)
        details = {k: v for k, v in (doc.get("details") or {}).items() if k != "uid"} if doc.get("details") else None
        return resp.status, media, doc.get("message"), doc.get("reason"), json.dumps(details)
    return resp.status, media, doc.get("kind") if isinstance(doc, dict) else type(doc).__name__


@pytest.mark.parametrize("seed", [1, 3, 11])
def test_random_request_shapes_get_the_real_apiservers_answers(realkube: RealKube,
                                                               watchproxy: Callable[..., Replay],
                                                               tmp_path: Path, seed: int) -> None:
    ns = f"shapes-{seed}"
    shapes = _shapes(seed, 60)
    real, replay = rawhttp.real_and_replay(realkube, watchproxy, tmp_path, ns)
    got = [(_answer(real, ns, s), _answer(replay, ns, s)) for s in shapes]
    assert [(s, r, e) for s, (r, e) in zip(shapes, got, strict=True) if r != e] == []
    assert len({r[0] for r, _ in got}) >= 5  # (refusals of several kinds, and answers)


def test_a_name_go_quotes_is_answered_in_the_real_apiservers_words(realkube: RealKube,
                                                                    watchproxy: Callable[..., Replay],
                                                                    tmp_path: Path) -> None:
    """A name the apiserver's messages quote with Go's %q (a quote, a backslash, HTML characters, non-ASCII, a
    byte that is no UTF-8), on a path or in a body: the same Status, its details' name as Go's JSON writes it."""
    ns = "quoted-names"
    real, replay = rawhttp.real_and_replay(realkube, watchproxy, tmp_path, ns)
    shapes: list[Shape] = []
    for escaped, name in (("a%22b", 'a"b'), ("a%5Cb", "a\\b"), ("a%3Cb%26", "a<b&"), ("a%C3%A9", "a\u00e9"),
                          ("a%FFb", None)):
        path = f"/api/v1/namespaces/{{ns}}/configmaps/{escaped}"
        shapes += [("GET", path, "", "", None, ""), ("DELETE", path, "", "", None, ""),
                   ("PATCH", path, "", "", "{}", "application/merge-patch+json"),
                   ("PUT", path, "", "", json.dumps(_CM), "application/json")]
        if name is not None:
            shapes.append(("POST", "/api/v1/namespaces/{ns}/configmaps", "", "",
                           json.dumps({**_CM, "metadata": {"name": name}}), "application/json"))
    got = [(_answer(real, ns, s), _answer(replay, ns, s)) for s in shapes]
    assert [(s, r, e) for s, (r, e) in zip(shapes, got, strict=True) if r != e] == []
    assert {r[0] for r, _ in got} == {400, 404, 422}


def test_an_apply_to_a_missing_objects_subresource_is_not_found_before_its_body_is_read(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """A subresource's storage gets the object before the patch is read: an apply to the scale or the status of
    an object that is not there is a 404 whatever it holds (another kind, not an object, managedFields); to the
    object itself, which an apply may create, the body is judged."""
    ns = "missing-subresources"
    real, replay = rawhttp.real_and_replay(realkube, watchproxy, tmp_path, ns)
    deployment = "/apis/apps/v1/namespaces/{ns}/deployments/a"
    scale = {"apiVersion": "autoscaling/v1", "kind": "Scale", "metadata": {"name": "a", "managedFields": []}}
    bodies = (json.dumps(_CM), "[]", json.dumps(scale),
              json.dumps({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "a"}}))
    shapes: list[Shape] = [("PATCH", path, "", "fieldManager=x", body, "application/apply-patch+yaml")
                           for path in (f"{deployment}/scale", f"{deployment}/status", deployment) for body in bodies]
    got = [(_answer(real, ns, s), _answer(replay, ns, s)) for s in shapes]
    assert [(s, r, e) for s, (r, e) in zip(shapes, got, strict=True) if r != e] == []
    assert {r[0] for r, _ in got} >= {400, 404}


_WIDGETS = "/apis/{group}/v1/namespaces/{ns}/widgets"
_CUSTOM_PATHS = [_WIDGETS, _WIDGETS + "/", _WIDGETS + "/a", _WIDGETS + "/a/status", _WIDGETS + "/a/scale",
                 _WIDGETS + "/b", _WIDGETS + "/a/x", _WIDGETS + "/a/proxy", "/apis/{group}/v2/namespaces/{ns}/widgets",
                 "/apis/{group}/v2/namespaces/{ns}/widgets/a", "/apis/{group}/v1/widgets", "/apis/{group}/v1",
                 "/apis/{group}/v1/watch/namespaces/{ns}/widgets"]
_CUSTOM_BODIES = ['{"apiVersion": "{group}/v1", "kind": "Widget", "metadata": {"name": "a"}, "spec": {"replicas": 2}}',
                  '{"apiVersion": "{group}/v2", "kind": "Widget", "metadata": {"name": "a"}}',
                  '{"apiVersion": "{group}/v1", "kind": "Gadget", "metadata": {"name": "a"}}',
                  '{"apiVersion": "autoscaling/v1", "kind": "Scale", "metadata": {"name": "a"},'
                  ' "spec": {"replicas": 3}}',
                  '{"status": {"replicas": 1}}', '{"spec": {"replicas": "x"}}', "{", "", "[]"]


def _widgets(group: str) -> dict[str, Any]:
    """A namespaced custom resource in two versions, with status and scale subresources."""
    spec = {"type": "object", "properties": {"replicas": {"type": "integer"}}}
    status = {"type": "object", "properties": {"replicas": {"type": "integer"}, "selector": {"type": "string"}}}
    scale = {"specReplicasPath": ".spec.replicas", "statusReplicasPath": ".status.replicas",
             "labelSelectorPath": ".status.selector"}
    return {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": {"name": f"widgets.{group}"},
            "spec": {"group": group, "scope": "Namespaced",
                     "names": {"plural": "widgets", "singular": "widget", "kind": "Widget"},
                     "versions": [{"name": v, "served": True, "storage": v == "v1",
                                   "schema": {"openAPIV3Schema": {"type": "object", "properties": {
                                       "spec": spec, "status": status}}},
                                   "subresources": {"status": {}, "scale": scale}} for v in ("v1", "v2")]}}


@pytest.mark.parametrize("seed", [1, 4])
def test_random_request_shapes_of_a_custom_resource_get_the_real_apiservers_answers(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path, seed: int) -> None:
    """The custom resource handler's: a subresource the type does not have (the object's 404), a method none
    of its handlers takes (405), a PUT or PATCH without a name, a namespaced type across namespaces (Go's
    `404 page not found`), a HEAD, its group version's document whatever the method, its legacy watch path
    whatever the method. (A resource its group does not have is left out: a replay cannot know the recorded
    cluster had none, and says what its recording lacks.)"""
    ns, group = f"custom-shapes-{seed}", f"shapes{seed}.example.com"
    shapes = [(m, p.replace("{group}", group), a, q, b.replace("{group}", group) if b is not None else None, c)
              for m, p, a, q, b, c in _shapes(seed, 60, _CUSTOM_PATHS, _CUSTOM_BODIES)
              if not (m == "HEAD" and "as=" in a)]  # (the reference's HEAD of a conversion it refuses: a 500)
    real, replay = rawhttp.real_and_replay(realkube, watchproxy, tmp_path, ns)
    for server in (real, replay):
        code, doc, _ = rawhttp.call(*server, "POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
                                    json.dumps(_widgets(group)).encode())
        assert code == 201, doc
        until(lambda server=server: rawhttp.call(*server, "GET", _WIDGETS.format(group=group, ns=ns))[0] == 200, 30,
              f"{group} served")
        widget = {"apiVersion": f"{group}/v1", "kind": "Widget", "metadata": {"name": "a"}, "spec": {"replicas": 1}}
        assert rawhttp.call(*server, "POST", _WIDGETS.format(group=group, ns=ns), json.dumps(widget).encode())[0] \
            == 201
    got = [(_answer(real, ns, s), _answer(replay, ns, s)) for s in shapes]
    assert [(s, r, e) for s, (r, e) in zip(shapes, got, strict=True) if r != e] == []


# Content-Types as clients write them, and as Go's parsers refuse them: a create's, update's or delete's body is
# read through mime.ParseMediaType (a bad parameter, a name given twice with two values, a trailing `;;`: a 415),
# a PATCH's type is the header cut at its `;`, neither trimmed nor lower-cased, after go-restful has checked its
# comma-separated parts
_SENT_TYPES = ["application/json; charset=utf-8", "Application/JSON;charset=UTF-8", "application/json;",
               "application/json; foo", "application/json; a=b; a=c", "application/json; a=b; A=b",
               'application/json; a="b', 'application/json; a="b\\"c"', "application/json;;", "application/json; a=",
               "application/json ; a=b", "application /json", "application/json/x", "application/yaml; charset=utf-8",
               "application/json, application/yaml", "", "text/plain; charset=utf-8"]
_PATCH_TYPES = ["application/merge-patch+json; charset=utf-8", "application/merge-patch+json ; charset=utf-8",
                "Application/Merge-Patch+JSON", "application/merge-patch+json; foo", ";application/merge-patch+json",
                "application/json, application/merge-patch+json", "application/merge-patch+json, text/plain", "",
                "application/apply-patch+yaml; charset=utf-8", "application/strategic-merge-patch+json;"]


def test_a_content_type_is_read_as_the_real_apiserver_reads_it(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    ns, group = "content-types", "types.example.com"
    cms, widgets = f"/api/v1/namespaces/{ns}/configmaps", _WIDGETS.format(group=group, ns=ns)
    widget = {"apiVersion": f"{group}/v1", "kind": "Widget", "metadata": {"name": "a"}, "spec": {"replicas": 1}}
    shapes: list[Shape] = []
    for sent in _SENT_TYPES:
        shapes += [("POST", cms, "", "dryRun=All", json.dumps({**_CM, "metadata": {"name": "b"}}), sent),
                   ("PUT", f"{cms}/a", "", "dryRun=All", json.dumps(_CM), sent),
                   ("DELETE", f"{cms}/a", "", "", '{"dryRun": ["All"]}', sent),  # (a body's options, not the query's)
                   ("POST", widgets, "", "dryRun=All", json.dumps({**widget, "metadata": {"name": "b"}}), sent)]
    for sent in _PATCH_TYPES:
        body = json.dumps(_CM) if "apply" in sent else '{"data": {"k": "w"}}'
        shapes += [("PATCH", f"{cms}/a", "", "dryRun=All&fieldManager=m", body, sent),
                   ("PATCH", f"{widgets}/a", "", "dryRun=All&fieldManager=m",
                    json.dumps(widget) if "apply" in sent else '{"spec": {"replicas": 2}}', sent)]
    real, replay = rawhttp.real_and_replay(realkube, watchproxy, tmp_path, ns)
    for server in (real, replay):
        assert rawhttp.call(*server, "POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
                            json.dumps(_widgets(group)).encode())[0] == 201
        until(lambda server=server: rawhttp.call(*server, "GET", widgets)[0] == 200, 30, f"{group} served")
        assert rawhttp.call(*server, "POST", widgets, json.dumps(widget).encode())[0] == 201
        assert rawhttp.call(*server, "POST", cms, json.dumps(_CM).encode())[0] == 201
    got = [(_answer(real, ns, s), _answer(replay, ns, s)) for s in shapes]
    assert [(s, r, e) for s, (r, e) in zip(shapes, got, strict=True) if r != e] == []
    assert sorted({r[0] for r, _ in got}) == [200, 201, 415]


_PROXIED = ["services/nope/proxy", "services/nope:80/proxy", "services/s/proxy", "services/s:81/proxy",
            "services/s:80/proxy/x/y", "services/s:web/proxy", "services/https:s:web/proxy", "services/ftp:s:80/proxy",
            "services/a:b:c:d/proxy", "services/:80/proxy", "pods/nope/proxy", "pods/p/proxy", "pods/p:99/proxy/z",
            "pods/ftp:p:1/proxy", "NODE/nope/proxy", "NODE/{ns}-n/proxy", "NODE/{ns}-n:10250/proxy/metrics"]


def test_a_proxy_subresource_gets_the_real_apiservers_answer_up_to_the_connection(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """A service's (a port by number, a port by name, no endpoints), a pod's (no address yet) and a node's (no
    kubelet address) proxy, as far as the apiserver goes before it connects; every method, a dryRun refused
    first."""
    ns = "proxied"

    def answers(server: rawhttp.Server) -> list[tuple[str, str, int, str, Any]]:
        made = [("/api/v1/namespaces/{ns}/services", {"kind": "Service", "metadata": {"name": "s"}, "spec": {
                    "ports": [{"port": 80, "name": "web"}], "selector": {"a": "b"}}}),
                ("/api/v1/namespaces/{ns}/pods", {"kind": "Pod", "metadata": {"name": "p"}, "spec": {
                    "containers": [{"name": "c", "image": "i", "ports": [{"containerPort": 8080}]}]}}),
                ("/api/v1/nodes", {"kind": "Node", "metadata": {"name": f"{ns}-n"}})]
        for path, obj in made:
            code, doc, _ = rawhttp.call(*server, "POST", path.format(ns=ns), json.dumps({"apiVersion": "v1", **obj})
                                        .encode())
            assert code == 201, doc
        out = []
        for proxied in _PROXIED:
            path = ("/api/v1/nodes/" + proxied[5:] if proxied.startswith("NODE/") else
                    f"/api/v1/namespaces/{ns}/{proxied}").format(ns=ns)
            for method, query in (("GET", ""), ("POST", "?dryRun=All"), ("PUT", ""), ("OPTIONS", "")):
                code, doc, _ = rawhttp.call(*server, method, path + query, None if method == "GET" else b"")
                out.append((method, proxied, code, doc.get("message", ""), doc.get("details")))
        return out
    real_server, replay = rawhttp.real_and_replay(realkube, watchproxy, tmp_path, ns)
    real, emulated = answers(real_server), answers(replay)
    assert [(r, e) for r, e in zip(real, emulated, strict=True) if r != e] == []
    assert {code for _, _, code, _, _ in real} == {400, 404, 500, 503}


def test_component_statuses_as_a_metadata_client_and_reviews_of_another_type(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """Component statuses (computed, not stored) transformed as the handler transforms what it answers (the 406
    of a list asked of one, or one of a list); a review whose body names another type, decoded as that type, or
    whose own does not decode."""
    metadata = "application/json;as=PartialObjectMetadata{};v=v1;g=meta.k8s.io"
    role = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "r"}}
    asked: list[Shape] = [
        ("GET", "/api/v1/componentstatuses/etcd-0", metadata.format(""), "", None, "application/json"),
        ("GET", "/api/v1/componentstatuses/etcd-0", metadata.format("List"), "", None, "application/json"),
        ("GET", "/api/v1/componentstatuses", metadata.format(""), "", None, "application/json"),
        ("GET", "/api/v1/componentstatuses", metadata.format("List"), "", None, "application/json"),
        ("POST", "/apis/authentication.k8s.io/v1/tokenreviews", "", "", json.dumps(role), "application/json"),
        ("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", "", "", json.dumps(role),
         "application/json"),
        # (and one of its own type that does not decode: encoding/json's refusal, before it is asked)
        ("POST", "/apis/authorization.k8s.io/v1/namespaces/statuses/localsubjectaccessreviews", "", "", json.dumps({
            "apiVersion": "authorization.k8s.io/v1", "kind": "LocalSubjectAccessReview",
            "spec": {"user": "u", "resourceAttributes": [1, "a"]}}), "application/json"),
        ("POST", "/apis/authentication.k8s.io/v1/tokenreviews", "", "", json.dumps({
            "apiVersion": "authentication.k8s.io/v1", "kind": "TokenReview", "spec": {"token": 5}}),
         "application/json")]
    real, replay = rawhttp.real_and_replay(realkube, watchproxy, tmp_path, "statuses")
    got = [(_answer(real, "statuses", s), _answer(replay, "statuses", s)) for s in asked]
    assert [(s, r, e) for s, (r, e) in zip(asked, got, strict=True) if r != e] == []
    assert [r[0] for r, _ in got] == [200, 406, 406, 200, 400, 400, 400, 400]
