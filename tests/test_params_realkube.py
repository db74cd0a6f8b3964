"""Lists and watches the apiserver refuses for their query (selectors, versions, continue tokens, limits,
timeouts) get the same answer from a replay as from the real kube-apiserver: code, message, and whether
the Status has a reason (a watch's bad resourceVersion is a 500 without one)."""

from __future__ import annotations

import base64
import json
import random
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from watchproxy.testing import Replay

from tests import rawhttp
from tests.memory import RecordingBuilder
from tests.realkube import RealKube


def _raw64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


_LABELS = ["a" * 70 + "=b", "example.com/" + "a" * 64 + "=b", "-a=b", "a=" + "b" * 64, "a=-b", "a in (x,-y)",
           "Ab_c.d/e=f", "a/b/c=d", "/a=b", "a/=b", "a<x", "a>-5", "-x<x", "a<99999999999999999999", "a in (",
           "a,,b", "app=web=x", "a<x,b", "a>-5,=", "a<x,="]
_FIELDS = ["metadata.name = x", " metadata.name=x", "metadata.name===x", "metadata.name=a\\x", "metadata.name=a\\",
           "zzz=1,metadata.name=x", "metadata.name=x,zzz=1", "aaa=1,bbb=2", "metadata.name", "=x",
           "metadata.name=a=b", "metadata.name!==x", "metadata.name=x\\,y,zzz=1", "spec.x=1"]
_QUERIES = [
    *(f"labelSelector={quote(s)}" for s in _LABELS),
    *(f"fieldSelector={quote(s)}" for s in _FIELDS),
    *(f"watch=1&timeoutSeconds=1&fieldSelector={quote(s)}" for s in _FIELDS[:4]),
    "continue=garbage", "limit=1&continue=abc", "limit=1&continue=abcde", f"limit=1&continue={_raw64(b'[1]')}",
    f"limit=1&continue={_raw64(b'{}')}", "resourceVersion=abc", "resourceVersion=99999999999999999999999",
    "resourceVersion=%2B5", "watch=1&resourceVersion=abc&timeoutSeconds=1", "limit=abc", "limit=1.5",
    "timeoutSeconds=abc", "watch=1&timeoutSeconds=-5x", "resourceVersionMatch=Bogus&resourceVersion=1",
    "resourceVersionMatch=NotOlderThan", "sendInitialEvents=true", "limit=1&continue=abc&resourceVersion=5",
    "limit=1&resourceVersion=5&continue=" + _raw64(b'{"v":"meta.k8s.io/v1","rv":5,"start":"params/a"}'),
    "limit=1&continue=" + _raw64(b'{"v":"meta.k8s.io/v1","rv":5e0,"start":"params/a"}'),  # (quoted as written)
    # given empty, a number is no number; several faults: the one the apiserver reads first (wire/listopts.py)
    "timeoutSeconds=", "limit=", "limit=x&timeoutSeconds=y", "limit=x&labelSelector=a%20in%20(",
    "labelSelector=a%20in%20(&fieldSelector=x", "fieldSelector=x&resourceVersionMatch=Bogus",
    "resourceVersionMatch=Bogus&fieldSelector=spec.x%3D1", "fieldSelector=spec.x%3D1&resourceVersion=abc",
    "resourceVersion=abc&continue=abc", "watch=1&continue=abc", "watch=1&resourceVersion=0&continue=abc",
    "watch=1&resourceVersionMatch=Bogus", "watch=yes&resourceVersion=abc&resourceVersionMatch=NotOlderThan",
    # a value strconv quotes (a control character), of a named type encoding/json writes (`\u003c`)
    "resourceVersion=a%3Cb%01", "resourceVersionMatch=a%3Cb%01", "limit=%C3%A9%01", "timeoutSeconds=1%01",
]


def _answers(base: str, token: str, ns: str) -> list[tuple[str, int, str, bool]]:
    out = []
    for q in _QUERIES:
        code, doc, _ = rawhttp.call(base, token, "GET", f"/api/v1/namespaces/{ns}/configmaps?{q}")
        assert doc.get("kind") == "Status", (q, code, doc)  # every query here is refused
        out.append((q, code, doc.get("message", ""), "reason" in doc))
    return out


def test_refused_queries_get_the_real_apiservers_answers(realkube: RealKube, watchproxy: Callable[..., Replay],
                                                         tmp_path: Path) -> None:
    real_server, replay = rawhttp.real_and_replay(realkube, watchproxy, tmp_path, "params")
    real, emulated = _answers(*real_server, "params"), _answers(*replay, "params")
    assert [r for r, e in zip(real, emulated, strict=True) if r != e] == []
    assert {code for _, code, _, _ in real} == {400, 422, 500}


def _listed_in_order(base: str, token: str, ns: str) -> list[str]:
    """The configmaps labelled `order` across namespaces ns, ns-a and ns-b, listed whole and in pages."""
    for namespace in (ns, f"{ns}-a", f"{ns}-b"):
        rawhttp.call(base, token, "POST", "/api/v1/namespaces", json.dumps({"metadata": {"name": namespace}}).encode())
        for name in ("x", "x-1"):
            cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "labels": {"order": ns}}}
            assert rawhttp.call(base, token, "POST", f"/api/v1/namespaces/{namespace}/configmaps",
                                json.dumps(cm).encode())[0] == 201
    names = []
    for query in (f"labelSelector=order%3D{ns}", f"labelSelector=order%3D{ns}&limit=2"):
        cont = ""
        while True:
            _, doc, _ = rawhttp.call(base, token, "GET", f"/api/v1/configmaps?{query}{cont}")
            names += [f"{i['metadata']['namespace']}/{i['metadata']['name']}" for i in doc["items"]]
            if not doc["metadata"].get("continue"):
                break
            cont = f"&continue={doc['metadata']['continue']}"
    return names


def test_a_cluster_wide_list_is_in_storage_key_order(realkube: RealKube, watchproxy: Callable[..., Replay],
                                                     tmp_path: Path) -> None:
    """By storage key: a namespace another extends sorts after it ("-" comes before "/")."""
    ns = f"order{uuid.uuid4().hex[:6]}"
    real = _listed_in_order(realkube.url, realkube.token_file.read_text().strip(), ns)
    b = RecordingBuilder(tmp_path / "cluster.msgpack")  # a session that listed configmaps and namespaces
    b.list(0.0, 100, [], path="/api/v1/configmaps", kind="ConfigMapList")
    b.list(0.0, 100, [], path="/api/v1/namespaces", kind="NamespaceList")
    assert real[:6] == [f"{ns}-a/x", f"{ns}-a/x-1", f"{ns}-b/x", f"{ns}-b/x-1", f"{ns}/x", f"{ns}/x-1"]
    assert _listed_in_order(watchproxy(b.write()).url, "", ns) == real == real[:6] * 2


_SELECTED = [  # (path under the API, query): lists by the fields each kind selects on, and refused fields
    ("/apis/certificates.k8s.io/v1/certificatesigningrequests", "fieldSelector=spec.signerName%3Dexample.com/{ns}"),
    ("/apis/certificates.k8s.io/v1/certificatesigningrequests",
     "fieldSelector=spec.signerName!%3Dexample.com/{ns},metadata.name%3D{ns}-b"),
    ("/apis/certificates.k8s.io/v1/certificatesigningrequests", "fieldSelector=metadata.namespace%3Dx"),
    ("/apis/certificates.k8s.io/v1/certificatesigningrequests", "fieldSelector=spec.usages%3Dx"),
    ("/apis/certificates.k8s.io/v1/clustertrustbundles", "fieldSelector=spec.signerName%3Dexample.com/{ns}"),
    ("/apis/certificates.k8s.io/v1/namespaces/{ns}/podcertificaterequests", "fieldSelector=spec.podName%3Dp"),
    ("/apis/batch/v1/namespaces/{ns}/jobs", "fieldSelector=status.successful%3D0"),
    ("/apis/batch/v1/namespaces/{ns}/jobs", "fieldSelector=status.successful%3D1"),
    ("/apis/batch/v1/namespaces/{ns}/jobs", "fieldSelector=status.succeeded%3D1"),
    ("/apis/resource.k8s.io/v1/resourceslices", "fieldSelector=spec.pool.name%3D{ns},spec.nodeName%3D"),
    ("/apis/resource.k8s.io/v1/resourceslices", "fieldSelector=spec.x%3Dn"),
    # fields Go leaves out of the JSON when false or 0, and a label the conversion takes that no field holds
    ("/api/v1/namespaces/{ns}/pods", "fieldSelector=spec.hostNetwork%3Dfalse"),
    ("/api/v1/namespaces/{ns}/pods", "fieldSelector=status.podIPs%3D"),
    ("/api/v1/nodes", "fieldSelector=spec.unschedulable%3Dfalse,metadata.name%3D{ns}-node"),
]


def test_the_fields_each_kind_selects_on_get_the_real_apiservers_answers(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """The field labels of certificate signing requests, trust bundles, pod certificate requests, Jobs,
    resource slices, Pods and Nodes (each kind's own conversion: the selectable fields, and its words for
    another)."""
    ns = "selected"
    request = base64.b64encode((Path(__file__).parent / "data" / "csr" / "request-ec.pem").read_bytes()).decode()
    anchor = (Path(__file__).parent / "data" / "csr" / "certificate.pem").read_text()
    made = [("/apis/certificates.k8s.io/v1/certificatesigningrequests",
             {"kind": "CertificateSigningRequest", "metadata": {"name": f"{ns}-{n}"},
              "spec": {"request": request, "signerName": signer, "usages": ["client auth"]}})
            for n, signer in (("a", f"example.com/{ns}"), ("b", "example.com/other"))]
    made.append(("/apis/certificates.k8s.io/v1/clustertrustbundles",
                 {"kind": "ClusterTrustBundle", "metadata": {"name": f"example.com:{ns}:x"},
                  "spec": {"signerName": f"example.com/{ns}", "trustBundle": anchor}}))
    made.append((f"/apis/batch/v1/namespaces/{ns}/jobs", {"kind": "Job", "metadata": {"name": "j"}, "spec": {
        "template": {"spec": {"restartPolicy": "Never", "containers": [{"name": "c", "image": "i"}]}}}}))
    made.append((f"/api/v1/namespaces/{ns}/pods", {"kind": "Pod", "metadata": {"name": "p"},
                                                   "spec": {"containers": [{"name": "c", "image": "i"}]}}))
    made.append(("/api/v1/nodes", {"kind": "Node", "metadata": {"name": f"{ns}-node"}}))

    def answers(server: rawhttp.Server) -> list[tuple[int, Any]]:
        for path, obj in made:
            version = {"Job": "batch/v1", "Pod": "v1", "Node": "v1"}.get(obj["kind"], "certificates.k8s.io/v1")
            code, doc, _ = rawhttp.call(*server, "POST", path, json.dumps({"apiVersion": version, **obj}).encode())
            assert code == 201, doc
        out = []
        for path, query in _SELECTED:
            code, doc, _ = rawhttp.call(*server, "GET", f"{path}?{query}".format(ns=ns))
            names = sorted(i["metadata"]["name"] for i in doc["items"]) if code < 400 else None
            out.append((code, doc.get("message") if code >= 400 else names))
        return out
    real_server, replay = rawhttp.real_and_replay(realkube, watchproxy, tmp_path, ns)
    real, emulated = answers(real_server), answers(replay)
    assert [(q, r, e) for q, r, e in zip(_SELECTED, real, emulated, strict=True) if r != e] == []
    assert [code for code, _ in real] == [200, 200, 400, 400, 200, 200, 200, 200, 400, 200, 400, 200, 200, 200]
    assert real[0][1] == [f"{ns}-a"] and real[6][1] == ["j"]
    assert real[-3][1] == real[-2][1] == ["p"] and real[-1][1] == [f"{ns}-node"]


_NAMED = ["", "metadata.name%3Da", "metadata.name%3D%3Da", "metadata.name%3Db", "metadata.name!%3Da",
          "metadata.namespace%3D{ns}", "metadata.namespace%3D{ns},metadata.name%3Da", "spec.x%3D1", "%2C"]


def test_a_watch_of_one_object_by_its_path_takes_only_its_own_name_as_field_selector(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """The legacy /watch/.../NAME path (listOpts): a field selector that does not require that name is refused
    (after an unknown field is), and the object's events are what it watches."""
    ns = "named-watch"
    real_server, replay = rawhttp.reference_and_replay(realkube, watchproxy, tmp_path, ns)

    def answers(server: rawhttp.Server, on: Replay | None = None) -> list[tuple[int, Any]]:
        for name in ("a", "b"):
            cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}}
            assert rawhttp.call(*server, "POST", f"/api/v1/namespaces/{ns}/configmaps", json.dumps(cm).encode())[0] \
                == 201
        out = []
        for query in _NAMED:
            path = f"/api/v1/watch/namespaces/{ns}/configmaps/a?resourceVersion=0&timeoutSeconds=1&fieldSelector=" \
                   + query.format(ns=ns)
            code, doc, _ = rawhttp.ending_watch(on, lambda path=path: rawhttp.call(*server, "GET", path)) \
                if on is not None else rawhttp.call(*server, "GET", path)
            lines = doc["text"].splitlines() if "text" in doc else [json.dumps(doc)]  # (one line parses whole)
            out.append((code, [(e["type"], e["object"]["metadata"]["name"]) for e in map(json.loads, lines)]
                        if code == 200 else doc.get("message")))
        return out

    real, emulated = answers(real_server), answers((replay.url, ""), replay)
    assert [(q, r, e) for q, r, e in zip(_NAMED, real, emulated, strict=True) if r != e] == []
    assert [code for code, _ in real] == [200, 200, 200, 400, 400, 400, 200, 400, 200]
    assert real[0][1] == [("ADDED", "a")]


_VALUES = {  # what a random query may give each parameter ("mark": the namespace's resourceVersion, "token": a
    # continue token of its first page); a name ending in 2 is the same parameter given a second time
    "watch": ["1", "true", "false", "0", "yes", "t", ""], "watch2": ["1", "false"],
    "resourceVersion": ["", "0", "mark", "abc", "-1", " 5", "18446744073709551616"], "resourceVersion2": ["mark"],
    "resourceVersionMatch": ["", "Exact", "NotOlderThan", "bogus"], "resourceVersionMatch2": ["NotOlderThan"],
    "limit": ["0", "-1", "1", "2", "abc", "500", "1e3", ""], "continue": ["", "token", "abc"],
    "allowWatchBookmarks": ["true", "false", "abc", ""],
    "sendInitialEvents": ["true", "false", "abc", ""], "sendInitialEvents2": ["true", "false"],
    "labelSelector": ["", "x=1", "x", "!x", "x in (1)", "a in (", "x=1,,", "-a=b"],
    "fieldSelector": ["", "metadata.name=a", "metadata.name!=a", "metadata.namespace={ns}", "spec.x=1",
                      "metadata.name", "metadata.name=a\\x"],
    "timeoutSeconds": ["1", "0", "-1", "abc", "1.5", ""], "pretty": ["true", "abc"], "foo": ["bar"],
    "dryRun": ["All", "x"], "fieldValidation": ["Strict", "x"],
}


def _random_queries(seed: int, n: int) -> list[list[tuple[str, str]]]:
    r = random.Random(seed)
    return [[(k.rstrip("2"), r.choice(_VALUES[k])) for k in r.sample(sorted(_VALUES), r.randint(1, 5))]
            for _ in range(n)]


def _random_answer(server: rawhttp.Server, ns: str, query: list[tuple[str, str]], marks: dict[str, str]
                   ) -> tuple[Any, ...]:
    """A refusal's code, message and reason; a list's names, whether it has more and says how many; a
    watch's code alone (as soon as it is open: what it sends the random reads compare)."""
    path = f"/api/v1/namespaces/{ns}/configmaps?" + "&".join(
        f"{k}={quote(marks.get(v, v).format(ns=ns))}" for k, v in query)
    watch = dict(reversed(query)).get("watch", "0").lower() not in ("0", "false")  # (its first value)
    conn, resp = rawhttp.opened(*server, "GET", path, None, {"Accept": "application/json"})
    try:
        if watch and resp.status == 200:
            return (200, "watch")
        doc = json.loads(resp.read())
    finally:
        conn.close()
    if resp.status != 200:
        return resp.status, doc.get("message"), doc.get("reason")
    return (200, tuple(i["metadata"]["name"] for i in doc["items"]), bool(doc["metadata"].get("continue")),
            "remainingItemCount" in doc["metadata"])


def _random_queries_answers(server: rawhttp.Server, ns: str, queries: list[list[tuple[str, str]]]
                            ) -> list[tuple[Any, ...]]:
    for name, labels in (("a", {"x": "1"}), ("b", {}), ("c", {"x": "2"})):
        cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "labels": labels}}
        assert rawhttp.call(*server, "POST", f"/api/v1/namespaces/{ns}/configmaps", json.dumps(cm).encode())[0] \
            == 201
    _, doc, _ = rawhttp.call(*server, "GET", f"/api/v1/namespaces/{ns}/configmaps?limit=1")
    marks = {"mark": doc["metadata"]["resourceVersion"], "token": doc["metadata"]["continue"]}
    return [_random_answer(server, ns, q, marks) for q in queries]


@pytest.mark.parametrize("seed", [1, 2])
def test_random_queries_get_the_real_apiservers_answers(realkube: RealKube, watchproxy: Callable[..., Replay],
                                                        tmp_path: Path, seed: int) -> None:
    """Random combinations of a list's and a watch's parameters, faulty or not, given once or twice: the
    refusal of the fault the apiserver reads first, or the same list, or a watch."""
    ns = f"random-query-{seed}"
    queries = _random_queries(seed, 60)
    real_server, replay = rawhttp.real_and_replay(realkube, watchproxy, tmp_path, ns)
    real, emulated = _random_queries_answers(real_server, ns, queries), _random_queries_answers(replay, ns, queries)
    assert [(q, r, e) for q, r, e in zip(queries, real, emulated, strict=True) if r != e] == []
    assert {a[0] for a in real} == {200, 400, 422, 500}
    assert len({a for a in real if a[0] == 200}) >= 3  # lists of several shapes, and watches
