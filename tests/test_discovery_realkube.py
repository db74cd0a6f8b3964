"""Discovery against the reference: every document in the forms a client asks for (legacy JSON, the
aggregated apidiscovery.k8s.io/v2 that kubectl and client-go ask for first), groups and versions in the
aggregator's order (custom resources' groups among them), the aggregated document's ETag and its 304, and
the 406 of an Accept a discovery endpoint does not serve."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from watchproxy.testing import Replay
from watchproxy.wire.kinds import is_custom_group

from tests import crds_differential as cd
from tests import rawhttp
from tests.memory import RecordingBuilder
from tests.realkube import RealKube
from tests.test_discovery import V2, etag_of
from tests.workload import until

_CRDS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions"
_ACCEPTS = ("", "application/json", V2, f"{V2},application/json", f"{V2};q=0.5,application/json",
            "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList", "text/plain",
            "application/*", "*/*;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList",
            "application/json;as=Table;v=v1;g=meta.k8s.io", "text/html,*/*;q=0.1")


def _definition(group: str, plural: str, kind: str, versions: tuple[str, ...], scale: bool = False
                ) -> dict[str, Any]:
    subresources: dict[str, Any] = {"status": {}}
    if scale:
        subresources["scale"] = {"specReplicasPath": ".spec.replicas", "statusReplicasPath": ".status.replicas"}
    return cd.schemaless(group, plural, kind, versions, subresources=subresources, shortNames=[plural[:3]],
                         categories=["all"])


def _ours(ours: set[str]) -> Callable[[str], bool]:
    return lambda group: not is_custom_group(group) or group in ours


def _comparable(code: int, headers: dict[str, str], body: bytes, keep: Callable[[str], bool]
                ) -> tuple[int, str, Any]:
    """What is compared of an answer: its code, content type and body, without the groups of other tests'
    custom resources (they come and go on the shared apiserver)."""
    content_type = headers.get("Content-Type", "")
    if code >= 400:  # (a refusal byte for byte: compact or indented)
        return code, content_type, body.decode()
    doc = json.loads(body)
    if doc.get("kind") == "APIGroupList":
        doc["groups"] = [g for g in doc["groups"] if keep(g["name"])]
    elif doc.get("kind") == "APIGroupDiscoveryList":
        doc["items"] = [i for i in doc["items"] if keep(i["metadata"].get("name", ""))]
    elif doc.get("kind") == "APIVersions":  # (where the apiserver listens)
        doc.pop("serverAddressByClientCIDRs")
    return code, content_type, doc


def test_discovery_in_every_form_gets_the_real_apiservers_answers(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """Two custom resources' groups at the same priority: the legacy list orders them by APIService name
    (`stable.z…` before `v2.a…`), the aggregated one by group name; a definition's versions in kube-aware
    order (v2alpha1 after v1beta1 and before v1alpha1, a version of another form last)."""
    tag = uuid.uuid4().hex[:8]
    first, second = f"a{tag}.example.com", f"z{tag}.example.com"
    definitions = [_definition(first, "gizmos", "Gizmo", ("v2",)),
                   _definition(second, "gadgets", "Gadget", ("v2alpha1", "stable", "v1beta1", "v1", "v1alpha1"),
                               scale=True)]
    real = (realkube.url, realkube.token_file.read_text().strip())
    replay = (watchproxy(_empty(tmp_path)).url, "")
    paths = ["/api", "/api/", "/apis", "/apis/", "/api/v1", f"/apis/{second}", f"/apis/{second}/v2alpha1",
             f"/apis/{first}/v2", "/apis/autoscaling", "/apis/apps/v1"]
    keep = _ours({first, second})
    answers, etags = [], []
    for server in (real, replay):
        for d in definitions:
            code, doc, _ = rawhttp.call(*server, "POST", _CRDS, json.dumps(d).encode())
            assert code == 201, doc
        # the real apiserver serves them a moment later, and lists them in the aggregated document later still
        until(lambda server=server: {first, second} <= {i["metadata"].get("name") for i in json.loads(
            rawhttp.get(*server, "/apis", {"Accept": V2})[2])["items"]}, 30, "both groups discovered")
        answers.append([_comparable(*rawhttp.get(*server, path, {"Accept": accept} if accept else {}), keep)
                        for path in paths for accept in _ACCEPTS])
        etags.append({})
        for path in ("/api", "/apis"):  # the ETag: the hash of the list before its kind is set; a 304 for it
            code, headers, body = rawhttp.get(*server, path, {"Accept": V2})
            assert headers["Etag"] == f'"{etag_of(body)}"'
            etags[-1][path] = headers["Etag"]
            assert (headers["Cache-Control"], headers["Vary"]) == ("public", "Accept")
            code, again, body = rawhttp.get(*server, path, {"Accept": V2, "If-None-Match": headers["Etag"]})
            assert (code, body, again["Etag"], "Content-Type" in again) == (304, b"", headers["Etag"], False)
    for d in definitions:
        rawhttp.call(*real, "DELETE", f"{_CRDS}/{d['metadata']['name']}")
    real_answers, emulated = answers
    assert etags[0]["/api"] == etags[1]["/api"]  # the core group's document, the same bytes
    asked = [(path, accept) for path in paths for accept in _ACCEPTS]
    assert {a[0] for a in real_answers} == {200, 406}
    differing = [(asked[i], r, e) for i, (r, e) in enumerate(zip(real_answers, emulated, strict=True)) if r != e]
    assert differing == []
    legacy = real_answers[asked.index(("/apis", "application/json"))][2]
    aggregated = real_answers[asked.index(("/apis", V2))][2]
    assert [g["name"] for g in legacy["groups"]][-2:] == [second, first]
    assert [i["metadata"]["name"] for i in aggregated["items"]][-2:] == [first, second]
    assert [v["version"] for v in legacy["groups"][-2]["versions"]] == ["v1", "v1beta1", "v2alpha1", "v1alpha1",
                                                                        "stable"]


def _empty(tmp_path: Path) -> Path:
    b = RecordingBuilder(tmp_path / "empty.msgpack")
    b.list(0.0, 100, [], path="/api/v1/namespaces/default/configmaps", kind="ConfigMapList")
    return b.write()
