"""Requests no handler of the apiserver takes (proxy/apiserver/routes.py): a table of the route model, and a
matrix of wrong URLs and methods sent to the real kube-apiserver and to a replay, which must answer alike."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from watchproxy.apiserver import routes
from watchproxy.testing import Replay
from watchproxy.wire.kinds import builtin_by_path
from watchproxy.wire.request import classify

from tests import rawhttp
from tests import writes_differential as wd
from tests.memory import RecordingBuilder
from tests.realkube import RealKube


@pytest.mark.parametrize(("method", "path", "code"), [
    ("POST", "/api/v1/namespaces/default/configmaps/x", 405),  # create is installed on the collection only
    ("PUT", "/api/v1/namespaces/default/configmaps", 405),
    ("POST", "/api/v1/configmaps", 405),  # across namespaces: lists and watches only
    ("DELETE", "/api/v1/configmaps", 405),
    ("GET", "/api/v1/configmaps", None),
    ("DELETE", "/api/v1/namespaces", 405),  # namespaces have no deletecollection
    ("DELETE", "/api/v1/nodes", None),
    ("GET", "/api/v1/namespaces/default/nodes", 404),  # cluster-scoped
    ("GET", "/api/v1/namespaces/default/configmaps/x/status", 404),  # ConfigMaps have no status
    ("PATCH", "/apis/apps/v1/namespaces/default/deployments/x/status", None),
    ("GET", "/api/v1/namespaces/default/pods/x/eviction", 405),
    ("POST", "/api/v1/namespaces/default/pods/x/eviction", None),
    ("PUT", "/api/v1/namespaces/default/finalize", None),
    ("OPTIONS", "/api/v1/namespaces/default/configmaps", 405),
    ("POST", "/api/v1/watch/namespaces/default/configmaps", 405),
])
def test_the_route_model(method: str, path: str, code: int | None) -> None:
    info = classify(method, path, "")
    rt = builtin_by_path(info.group, info.version, info.resource)
    assert rt is not None
    got = routes.refusal(method, info, rt)
    assert (got[0] if got else None) == code


_CM = json.dumps({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "r1"}}).encode()
_REQUESTS: list[tuple[str, str, bytes | None]] = [
    ("POST", "/api/v1/namespaces/{ns}/configmaps/r1", _CM), ("PUT", "/api/v1/namespaces/{ns}/configmaps", _CM),
    ("PATCH", "/api/v1/namespaces/{ns}/configmaps", b"{}"), ("POST", "/api/v1/configmaps", _CM),
    ("DELETE", "/api/v1/configmaps", None), ("PUT", "/api/v1/nodes", b"{}"), ("POST", "/api/v1/nodes/n1", b"{}"),
    ("GET", "/api/v1/namespaces/{ns}/nodes", None), ("GET", "/api/v1/namespaces/{ns}/namespaces", None),
    ("GET", "/api/v1/namespaces/{ns}/configmaps/r1/status", None),
    ("PUT", "/api/v1/namespaces/{ns}/configmaps/r1/status", _CM),
    ("GET", "/api/v1/namespaces/{ns}/secrets/x/status", None),
    ("GET", "/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/clusterroles", None),
    ("GET", "/api/v1/namespaces/{ns}/pods/x/eviction", None), ("PUT", "/api/v1/namespaces/{ns}/pods/x/eviction", b"{}"),
    ("POST", "/api/v1/namespaces/{ns}/pods/x/log", b"{}"),
    ("POST", "/api/v1/namespaces/{ns}/configmaps/r1/bogus", b"{}"),
    ("OPTIONS", "/api/v1/namespaces/{ns}/configmaps", None), ("DELETE", "/api/v1/namespaces/default", None),
    ("DELETE", "/api/v1/namespaces/kube-system", None), ("DELETE", "/api/v1/namespaces", None),
    ("GET", "/api/v1/namespaces/{ns}/configmaps/r1?resourceVersion=-1", None),
    ("GET", "/api/v1/namespaces/{ns}/configmaps/r1?resourceVersion=99999999", None),
    ("GET", "/api/v1/watch/namespaces/{ns}/configmaps/r1/status", None),
    # the create-only resources and subresources: a binding, a token, a review; a pod's resize and debug parts
    ("GET", "/api/v1/namespaces/{ns}/bindings", None), ("POST", "/api/v1/bindings", b"{}"),
    ("GET", "/api/v1/namespaces/{ns}/pods/x/binding", None), ("PUT", "/api/v1/namespaces/{ns}/pods/x/binding", b"{}"),
    ("POST", "/api/v1/namespaces/{ns}/pods/x/binding", b"{}"),
    ("GET", "/api/v1/namespaces/{ns}/serviceaccounts/x/token", None),
    ("POST", "/api/v1/namespaces/{ns}/serviceaccounts/x/token", b"{}"),
    ("GET", "/apis/authentication.k8s.io/v1/selfsubjectreviews", None),
    ("POST", "/api/v1/namespaces/{ns}/pods/x/resize", b"{}"), ("GET", "/api/v1/namespaces/{ns}/pods/x/resize", None),
    ("PATCH", "/api/v1/namespaces/{ns}/pods/x/ephemeralcontainers", b"{}"),
    ("GET", "/api/v1/namespaces/{ns}/configmaps/r1/resize", None),
    # a path below a subresource: only a proxy's route takes one
    ("PUT", "/api/v1/namespaces/{ns}/pods/x/binding/x", b"{}"), ("GET", "/api/v1/namespaces/{ns}/pods/x/log/c", None),
    ("PUT", "/api/v1/namespaces/{ns}/configmaps/r1/status/x", _CM),
    ("GET", "/api/v1/namespaces/{ns}/services/x/proxy/a/b", None),
    # what no resource serves under the apiserver's roots: an unknown resource or version of a built-in group, a
    # method discovery's routes do not take, the aggregator's documents, which it answers whatever the method
    ("GET", "/api/v2", None), ("PUT", "/api/v1", b"{}"), ("DELETE", "/api", None), ("GET", "/api/v1/foos", None),
    ("POST", "/api/v1/namespaces/{ns}/foos", b"{}"), ("GET", "/apis/apps/v9/deployments", None),
    ("DELETE", "/apis/apps/v1/namespaces/{ns}/foos/x", None), ("PATCH", "/apis/batch/v1", b"{}"),
    ("GET", "/apis/apps/v1beta1", None), ("GET", "/version/x", None), ("POST", "/version", b"{}"),
    ("POST", "/apis", b"{}"), ("PUT", "/apis/apps", b"{}"),
]


def _answers(base: str, token: str, ns: str, waited: Callable[[], None] | None = None
             ) -> list[tuple[str, str, int, str, object]]:
    """Each request's code and Status (the message without the current resourceVersion, which differs).
    A read at a resourceVersion not reached waits 3 s for it: on a replay `waited` moves the clock on."""
    rawhttp.call(base, token, "POST", f"/api/v1/namespaces/{ns}/configmaps", _CM)
    out = []
    for method, path, data in _REQUESTS:
        def call(method: str = method, path: str = path, data: bytes | None = data) -> tuple[int, Any, list[str]]:
            return rawhttp.call(base, token, method, path.format(ns=ns), data)
        code, doc, _ = wd.watched(call, waited) if "resourceVersion=99999999" in path else call()
        if doc.get("kind") == "Status":
            message, rest = doc.get("message", ""), {k: v for k, v in doc.items() if k != "message"}
        else:
            message, rest = doc.get("kind", ""), None
        out.append((method, path, code, message.split(", current: ")[0], rest))
    return out


def test_wrong_urls_and_methods_get_the_real_apiservers_answers(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    real_server = (realkube.url, realkube.token_file.read_text().strip())
    rawhttp.call(*real_server, "POST", "/api/v1/namespaces", json.dumps({"metadata": {"name": "routes"}}).encode())
    b = RecordingBuilder(tmp_path / "routes.msgpack")
    b.list(0.0, 100, [], path="/api/v1/namespaces/routes/configmaps", kind="ConfigMapList")
    replay = watchproxy(b.write())

    def waited() -> None:
        replay.wait_for(lambda r: any(q.end == "open" for q in r.requests("get")), what="the read to wait")
        replay.advance(3)

    real, emulated = _answers(*real_server, "routes"), _answers(replay.url, "", "routes", waited)
    assert [(r, e) for r, e in zip(real, emulated, strict=True) if r != e] == []
    assert {code for _, _, code, _, _ in real} == {200, 400, 403, 404, 405, 415, 500, 503, 504}


def test_health_checks_get_the_real_apiservers_answers(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """Each check a new apiserver runs, listed when asked `?verbose` (its post-start hooks among them), one by
    its path, those excluded and those that cannot be."""
    b = RecordingBuilder(tmp_path / "health.msgpack")
    b.list(0.0, 100, [], path="/api/v1/namespaces/default/configmaps", kind="ConfigMapList")
    servers = [(realkube.url, realkube.token_file.read_text().strip()), (watchproxy(b.write()).url, "")]
    paths = ["/healthz", "/livez?verbose", "/healthz?verbose", "/readyz?verbose&exclude=etcd&exclude=nope",
             "/readyz/", "/livez/informer-sync", "/readyz/poststarthook/rbac/bootstrap-roles", "/healthz/etcd",
             "/livez/nope", "/readyz?exclude=nope"]
    real, emulated = ([rawhttp.call(*server, "GET", p)[:2] for p in paths] for server in servers)
    assert "poststarthook/rbac/bootstrap-roles ok" in real[1][1]["text"]
    assert [(p, r, e) for p, r, e in zip(paths, real, emulated, strict=True) if r != e] == []
