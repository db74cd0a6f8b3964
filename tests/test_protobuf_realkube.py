"""Protobuf answers against the reference: the same requests, with the Accept headers client-go and
controller-runtime send, to the real kube-apiserver and to emulate. Each answer's code and Content-Type must
be the real one's and its body the same object once decoded (what differs between two servers aside:
uids, times, resourceVersions); and watchproxy's encoder must write every protobuf body the real apiserver
sent byte for byte from its decoded JSON, so the bytes emulate writes are the ones the apiserver would."""

from __future__ import annotations

import http.client
import json
import re
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from watchproxy.testing import Replay
from watchproxy.wire import protobuf
from watchproxy.wire.framing import LengthPrefixed

from tests import crds_differential as cd
from tests import rawhttp
from tests.realkube import RealKube
from tests.workload import until

PB = "application/vnd.kubernetes.protobuf"
PB_STREAM = PB + ";stream=watch"
_VOLATILE = re.compile(r'"(uid|resourceVersion|creationTimestamp|deletionTimestamp|time)": "[^"]*"')


def _decoded(content_type: str, body: bytes) -> Any:
    """The answer as JSON, whatever it was written in; and, for protobuf, the check that watchproxy writes
    that JSON as the very bytes the server sent."""
    if content_type == PB_STREAM:
        frames = LengthPrefixed().feed(body)
        events = [protobuf.decode_watch_frame(f) for f in frames]
        assert [protobuf.watch_frame(e) for e in events] == frames
        return events
    if content_type.startswith(PB):
        obj = protobuf.decode(body)
        assert protobuf.encode(obj) == body, obj.get("kind")
        return obj
    return json.loads(body) if body else None


def _requests(ns: str, group: str) -> list[tuple[str, str, str, bytes | None]]:
    pods, cms = f"/api/v1/namespaces/{ns}/pods", f"/api/v1/namespaces/{ns}/configmaps"
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "labels": {"app": "web"},
                                                             "annotations": {"note": "<&>"}},
           "spec": {"containers": [{"name": "c", "image": "nginx", "ports": [{"containerPort": 80}],
                                    "resources": {"limits": {"cpu": "500m", "memory": "1Gi"}}}]}}
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"k": "v"},
          "binaryData": {"b": "AAE="}}
    out: list[tuple[str, str, str, bytes | None]] = []
    for accept in (PB, f"{PB}, */*", f"{PB},application/json"):  # only protobuf; controller-runtime; client-go
        out += [("POST", pods, accept, json.dumps(pod).encode()), ("POST", cms, accept, json.dumps(cm).encode()),
                ("GET", f"{pods}/p", accept, None), ("GET", pods, accept, None), ("GET", f"{cms}/c", accept, None),
                ("GET", f"{pods}?watch=1&timeoutSeconds=1", accept, None),
                ("GET", f"{pods}?watch=1&allowWatchBookmarks=true&sendInitialEvents=true&"
                        "resourceVersionMatch=NotOlderThan&timeoutSeconds=1", accept, None),
                ("GET", f"{pods}/nope", accept, None), ("GET", f"{pods}?limit=x", accept, None),
                ("GET", f"{pods}?labelSelector=a%20in", accept, None),
                ("GET", "/api/v1", accept, None), ("GET", "/apis/apps", accept, None),
                ("GET", "/apis/apps/v1", accept, None), ("GET", "/version", accept, None),
                ("DELETE", f"{pods}/p", accept, None), ("DELETE", f"{cms}/c", accept, None),
                ("GET", f"/apis/{group}/v1/namespaces/{ns}/widgets", accept, None)]
    metadata = ";as=PartialObjectMetadataList;g=meta.k8s.io;v=v1"
    out += [("GET", cms, f"{PB}{metadata},application/json{metadata},application/json", None),  # the metadata client
            ("GET", pods, f"{PB};as=Table;v=v1;g=meta.k8s.io, application/json", None),  # no Table in protobuf
            ("GET", "/apis", f"{PB};g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,{PB}", None)]
    return out


def test_protobuf_answers_are_the_real_apiservers(realkube: RealKube, watchproxy: Callable[..., Replay],
                                                   tmp_path: Path) -> None:
    tag = uuid.uuid4().hex[:8]
    ns, group = f"pb-{tag}", f"p{tag}.example.com"
    real, replay = rawhttp.reference_and_replay(realkube, watchproxy, tmp_path, ns)
    emulated = (replay.url, "")
    answers = []
    for server in (real, emulated):
        code, doc, _ = rawhttp.call(*server, "POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
                                    json.dumps(cd.schemaless(group, "widgets", "Widget")).encode())
        assert code == 201, doc
        until(lambda server=server: rawhttp.call(*server, "GET", f"/apis/{group}/v1/namespaces/{ns}/widgets")[0]
              == 200, 30, f"{group} served")
        got = []
        for method, path, accept, body in _requests(ns, group):
            code, headers, answer = rawhttp.send_ending_watches(
                server, replay if server is emulated else None, method, path, body,
                {"Accept": accept, "Content-Type": "application/json"})
            ctype = headers.get("Content-Type", "")
            got.append((method, path, accept, code, ctype, _VOLATILE.sub(r'"\1": "X"',
                                                                          json.dumps(_decoded(ctype, answer)))))
        answers.append(got)
    real_answers, emulated_answers = answers
    assert sum(ctype.startswith(PB) for *_, ctype, _ in real_answers) >= 40
    assert [a[:5] for a in emulated_answers] == [a[:5] for a in real_answers]
    for r, e in zip(real_answers, emulated_answers, strict=True):
        if r[1] in ("/apis", "/version") and r[3] == 200:  # a replay's groups and version are its own: the form
            continue                                         # is the point
        assert e == r


def _broken_bodies(good: bytes) -> list[bytes]:
    """What a client or a proxy may break a protobuf body into: every prefix of it, and it with each byte after
    the magic replaced by one that makes another wire type, tag or length; and bodies with no envelope to read,
    or an envelope that names what the scheme does not know."""
    cut = [good[:n] for n in range(len(good))]
    replaced = [good[:i] + bytes([b]) + good[i + 1:] for i in range(len(protobuf.MAGIC), len(good))
                for b in (0x00, 0xFF, 0x0B) if good[i] != b]
    envelopes = [b"abc", b"{}", b"k8s\x00\x0a\x06\x12\x04Pods", b"k8s\x00\x0a\x0b\x0a\x02v1\x12\x05Nopes",
                 b"k8s\x00\x0a\x0e\x0a\x04a/b/\x12\x06Secret", b"k8s\x00\x0a\x0c\x0a\x02v1\x12\x06Secret",
                 b"k8s\x00\x0a\x0f\x0a\x02v1\x12\x09ConfigMap\x12\x02\x08\x01", b"k8s\x00\x0b", b"k8s\x00\x0a\x80"]
    return cut + replaced + envelopes


def test_a_protobuf_body_the_serializer_cannot_read_is_refused_in_its_words(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """A broken protobuf body gets the real apiserver's answer: the same code, and a 400's very message —
    gogo-protobuf's (`unexpected EOF`, `proto: wrong wireType = 0 for field ObjectMeta`, `proto: Quantity:
    illegal tag 0 (wire type 0)`, of the first fault as it reads nested messages in order), the serializer's (no
    prefix, an empty body, a kind its scheme does not register) and the handler's words around them (the
    envelope unreadable, with the body's start in hex; the kind it named). A 422 (the body read, its values
    invalid) is compared by code: a string of bytes that are no UTF-8 is printed otherwise there."""
    ns = f"pb-broken-{uuid.uuid4().hex[:8]}"
    real, replay = rawhttp.reference_and_replay(realkube, watchproxy, tmp_path, ns)
    deployment = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d", "labels": {"a": "b"}},
                  "spec": {"replicas": 2, "selector": {"matchLabels": {"a": "b"}}, "template": {
                      "metadata": {"labels": {"a": "b"}}, "spec": {"containers": [
                          {"name": "c", "image": "nginx", "ports": [{"containerPort": 80}],
                           "resources": {"limits": {"cpu": "1"}}}]}}}}
    bodies = _broken_bodies(protobuf.encode(deployment))
    path = f"/apis/apps/v1/namespaces/{ns}/deployments?dryRun=All"
    answers = [[rawhttp.call(*server, "POST", path, body, PB)[:2] for body in bodies]
               for server in (real, (replay.url, ""))]
    compared = 0
    for body, (real_code, real_doc), (code, doc) in zip(bodies, *answers, strict=True):
        assert code == real_code, (body, real_doc, doc)
        if code == 400 and "quantities must match" not in real_doc["message"]:
            # (ParseQuantity judges a quantity as gogo reads it, before the fields after it; emulate judges it
            # once the body is read)
            assert doc["message"] == real_doc["message"], body
            compared += 1
    assert compared > 500


def test_a_deletes_protobuf_options_are_read_and_refused_as_the_real_apiserver_does(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """client-go sends a delete's options in protobuf: whole they are honoured (a grace period, a propagation
    policy, a dry run refused for its value); broken, or of another kind, the delete handler's words (its
    serializer's, with no summary of the body; a kind its scheme does not register)."""
    ns = f"pb-delete-{uuid.uuid4().hex[:8]}"
    real, replay = rawhttp.reference_and_replay(realkube, watchproxy, tmp_path, ns)
    options = protobuf.encode({"apiVersion": "v1", "kind": "DeleteOptions", "gracePeriodSeconds": 0,
                               "propagationPolicy": "Background"})
    bodies = [options[:n] for n in range(len(options) + 1)] + [
        b"abc", b"k8s\x00\x0a\x0c\x0a\x02v1\x12\x06Secret", b"k8s\x00\x0a\x0b\x0a\x02v1\x12\x05Nopes",
        protobuf.encode({"apiVersion": "meta.k8s.io/v1", "kind": "DeleteOptions", "dryRun": ["x"]})]
    cms, cm = f"/api/v1/namespaces/{ns}/configmaps", {"metadata": {"name": "c"}}
    answers = []
    for server in (real, (replay.url, "")):
        got = []
        for body in bodies:
            rawhttp.call(*server, "POST", cms, json.dumps(cm).encode())
            code, doc, _ = rawhttp.call(*server, "DELETE", f"{cms}/c", body, PB)
            got.append((code, doc.get("message") if doc.get("kind") == "Status" else doc.get("kind")))
        answers.append(got)
    assert answers[1] == answers[0]
    assert {code for code, _ in answers[0]} == {200, 400, 422}


def test_a_subresources_protobuf_body_is_read_as_its_own_kind(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """A scale, an eviction, a binding and a token request in protobuf, whole and broken: decoded as the
    subresource's kind (`must be of type Scale`, a kind defaulted to autoscaling/v1), as the real one does."""
    ns = f"pb-subresources-{uuid.uuid4().hex[:8]}"
    real, replay = rawhttp.reference_and_replay(realkube, watchproxy, tmp_path, ns)
    named = {"name": "d", "namespace": ns}
    scale = protobuf.encode({"apiVersion": "autoscaling/v1", "kind": "Scale", "metadata": named,
                             "spec": {"replicas": 3}})
    named = {"name": "p", "namespace": ns}
    eviction = protobuf.encode({"apiVersion": "policy/v1", "kind": "Eviction", "metadata": named,
                                "deleteOptions": {"dryRun": ["All"]}})
    binding = protobuf.encode({"apiVersion": "v1", "kind": "Binding", "metadata": named,
                               "target": {"kind": "Node", "name": "n1"}})
    token = protobuf.encode({"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest",
                             "spec": {"audiences": ["a"], "expirationSeconds": 600}})
    base, tokens = f"/api/v1/namespaces/{ns}", f"/api/v1/namespaces/{ns}/serviceaccounts/default/token"
    requests = [("PUT", f"/apis/apps/v1/namespaces/{ns}/deployments/d/scale", body)
                for body in (scale, scale[:-5], b"k8s\x00\x0a\x06\x12\x04Pods")] + [
        ("POST", f"{base}/pods/p/eviction", eviction[:-3]), ("POST", f"{base}/pods/p/eviction", eviction),
        ("POST", f"{base}/pods/p/binding", b"k8s\x00"), ("POST", f"{base}/pods/p/binding", binding),
        ("POST", tokens, token[:-2]), ("POST", tokens, b"{}"), ("POST", tokens, token)]
    answers = []
    for server in (real, (replay.url, "")):
        rawhttp.call(*server, "POST", f"/apis/apps/v1/namespaces/{ns}/deployments", json.dumps(
            {"metadata": {"name": "d"}, "spec": {"selector": {"matchLabels": {"a": "b"}}, "template": {
                "metadata": {"labels": {"a": "b"}}, "spec": {"containers": [{"name": "c", "image": "i"}]}}}}).encode())
        rawhttp.call(*server, "POST", f"{base}/pods", json.dumps(
            {"metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "image": "i"}]}}).encode())
        rawhttp.call(*server, "POST", f"{base}/serviceaccounts", json.dumps({"metadata": {"name": "default"}}).encode())
        answers.append([(code, doc.get("message") if doc.get("kind") == "Status" else doc.get("kind"))
                        for code, doc, _ in (rawhttp.call(*server, m, p, b, PB) for m, p, b in requests)])
    assert answers[1] == answers[0]
    assert {code for code, _ in answers[0]} == {200, 201, 400}


def test_a_custom_resources_protobuf_body_is_as_the_real_apiserver_takes_it(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """The custom resource handler's serializer has no type to decode a protobuf body into: a create or update of
    the object or its status so is a panic (the connection closed without an answer); its scale, a typed Scale,
    is read, and broken is refused as its decoder's typer words it. A YAML body naming no kind is quoted as
    sent."""
    tag = uuid.uuid4().hex[:8]
    ns, group = f"pb-custom-{tag}", f"p{tag}.example.com"
    real, replay = rawhttp.reference_and_replay(realkube, watchproxy, tmp_path, ns)
    widgets = f"/apis/{group}/v1/namespaces/{ns}/widgets"
    scale = protobuf.encode({"apiVersion": "autoscaling/v1", "kind": "Scale",
                             "metadata": {"name": "a", "namespace": ns}, "spec": {"replicas": 3}})
    requests = [("POST", widgets, b"", PB), ("PUT", f"{widgets}/a", b"{}", PB),
                ("PUT", f"{widgets}/a/status", b"[]", PB), ("PUT", f"{widgets}/a/scale", scale, PB),
                ("PUT", f"{widgets}/a/scale", scale[:-3], PB),
                ("POST", widgets, b"", "application/yaml"), ("POST", widgets, b"~", "application/yaml"),
                ("POST", widgets, b"# nothing\n", "application/yaml")]
    answers = []
    for server in (real, (replay.url, "")):
        definition = cd.schemaless(group, "widgets", "Widget", subresources={
            "status": {}, "scale": {"specReplicasPath": ".spec.replicas", "statusReplicasPath": ".status.replicas"}})
        assert rawhttp.call(*server, "POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
                            json.dumps(definition).encode())[0] == 201
        until(lambda server=server: rawhttp.call(*server, "GET", widgets)[0] == 200, 30, f"{group} served")
        widget = {"apiVersion": f"{group}/v1", "kind": "Widget", "metadata": {"name": "a"}, "spec": {"replicas": 1}}
        rawhttp.call(*server, "POST", widgets, json.dumps(widget).encode())
        got: list[Any] = []
        for method, path, body, content_type in requests:
            try:
                code, doc, _ = rawhttp.call(*server, method, path, body, content_type)
                got.append((code, doc.get("message") if doc.get("kind") == "Status" else doc.get("kind")))
            except http.client.RemoteDisconnected:
                got.append("closed without an answer")
        answers.append(got)
    assert answers[1] == answers[0]
    assert answers[0][:3] == ["closed without an answer"] * 3 and answers[0][3][0] == 200
