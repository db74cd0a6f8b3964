"""A controller run as its service account (tests/peers/goclients `informer --as`: client-go's
rest.Config.Impersonate, what a kubeconfig's `as:` sets) meets its RBAC against a replay as against the real
kube-apiserver: its informer is refused the list (the reflector's error, word for word) until a Role and
RoleBinding let it, then it lists and watches the namespace's pods."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from pathlib import Path

from watchproxy.testing import Replay

from tests import rawhttp
from tests.memory import RecordingBuilder
from tests.procs import ClientProcess
from tests.realkube import RealKube

_RBAC = "/apis/rbac.authorization.k8s.io/v1"


def _post(server: rawhttp.Server, path: str, body: dict[str, object]) -> None:
    code, doc, _ = rawhttp.call(*server, "POST", path, json.dumps(body).encode())
    assert code == 201, (path, doc)


def _run_as_account(goclients: Path, kubeconfig: str, server: rawhttp.Server, ns: str) -> list[str]:
    """The informer as `ctl` before and after its RBAC is written; its lines until it has seen the pod."""
    _post(server, f"/api/v1/namespaces/{ns}/serviceaccounts", {"metadata": {"name": "ctl"}})
    informer = ClientProcess([str(goclients), "informer", "--kubeconfig", kubeconfig, "--namespace", ns,
                              "--as", f"system:serviceaccount:{ns}:ctl"])
    try:
        informer.wait_for(lambda lines: any(ln.startswith("ERROR : ") for ln in lines), what="the refused list")
        _post(server, f"{_RBAC}/namespaces/{ns}/roles", {"metadata": {"name": "pods"}, "rules": [
            {"verbs": ["get", "list", "watch"], "apiGroups": [""], "resources": ["pods"]}]})
        _post(server, f"{_RBAC}/namespaces/{ns}/rolebindings", {
            "metadata": {"name": "ctl-pods"}, "subjects": [{"kind": "ServiceAccount", "name": "ctl"}],
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "pods"}})
        _post(server, f"/api/v1/namespaces/{ns}/pods", {"metadata": {"name": "web"}, "spec": {
            "containers": [{"name": "c", "image": "nginx:1.27"}]}})
        informer.wait_for(lambda lines: "ADDED : web" in lines, what="the pod, once allowed", timeout=60)
    finally:
        assert informer.terminate() == 0, informer.stderr[-20:]
    return informer.lines


def test_a_controller_run_as_its_service_account_meets_its_rbac(realkube: RealKube, goclients: Path,
                                                                watchproxy: Callable[..., Replay],
                                                                tmp_path: Path) -> None:
    ns = f"gorbac-{uuid.uuid4().hex[:6]}"
    real_server = (realkube.url, realkube.token_file.read_text().strip())
    _post(real_server, "/api/v1/namespaces", {"metadata": {"name": ns}})
    real = _run_as_account(goclients, str(realkube.admin_kubeconfig), real_server, ns)
    b = RecordingBuilder(tmp_path / "empty.msgpack")
    b.list(0.0, 100, [], path=f"/api/v1/namespaces/{ns}/configmaps", kind="ConfigMapList")
    replay = watchproxy(b.write())
    emulated = _run_as_account(goclients, replay.kubeconfig, (replay.url, ""), ns)

    refused = (f'ERROR : failed to list *v1.Pod: pods is forbidden: User "system:serviceaccount:{ns}:ctl" cannot '
               f'list resource "pods" in API group "" in the namespace "{ns}"')
    for lines in (real, emulated):
        # (the reflector retries with a backoff: how often it is refused before the binding depends on timing)
        assert {ln for ln in lines if ln.startswith("ERROR")} == {refused}, lines
        assert [ln.rsplit(" ", 1)[0] if ln.startswith("FINAL") else ln for ln in lines if not ln.startswith("ERROR")] \
            == ["ADDED : web", "FINAL : web", "done"], lines
    assert any(r.status == 403 for r in replay.requests()), "the replay refused nothing"
