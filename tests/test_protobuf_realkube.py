"""Protobuf answers against the reference: the same requests, with the Accept headers client-go and
controller-runtime send, to the real kube-apiserver and to emulate. Each answer's code and Content-Type must
be the real one's and its body the same object once decoded (what differs between two servers aside:
uids, times, resourceVersions); and watchproxy's encoder must write every protobuf body the real apiserver
sent byte for byte from its decoded JSON, so the bytes emulate writes are the ones the apiserver would."""

from __future__ import annotations

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
