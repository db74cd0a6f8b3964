"""The objects kube-apiserver makes when it starts, served where the recording holds none of their kind
(proxy/engines/emulate/bootstrapped.py): tests/test_kubectl_realkube.py lists them beside the real ones."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from watchproxy.apiserver import bootstrap
from watchproxy.engines.emulate.bootstrapped import resource_versions

from tests.memory import RecordingBuilder, pod
from tests.test_emulate_writes import Harness, seen

RBAC = "/apis/rbac.authorization.k8s.io/v1"


def _recording(tmp_path: Path, rv: int = 1000) -> Path:
    b = RecordingBuilder(tmp_path / "r.msgpack")
    b.list(0.0, rv, [pod("a", rv - 10)], path="/api/v1/pods")
    return b.write()


async def test_a_replay_holds_what_a_new_cluster_starts_with(tmp_path: Path) -> None:
    h = Harness(_recording(tmp_path))
    _, roles = await h.call("GET", f"{RBAC}/clusterroles")
    names = [i["metadata"]["name"] for i in roles["items"]]
    assert len(names) == len(bootstrap.rbac("clusterroles")) > 60
    assert {"cluster-admin", "admin", "edit", "view", "system:discovery"} <= set(names)
    code, admin = await h.call("GET", f"{RBAC}/clusterroles/admin")  # as the apiserver holds it: rules aggregated
    assert code == 200 and "aggregationRule" in admin and admin["rules"] is None  # by the controller manager
    _, system = await h.call("GET", f"{RBAC}/namespaces/kube-system/roles")
    assert "extension-apiserver-authentication-reader" in [i["metadata"]["name"] for i in system["items"]]
    code, critical = await h.call("GET", "/apis/scheduling.k8s.io/v1/priorityclasses/system-node-critical")
    assert code == 200 and critical["value"] == 2000001000
    _, schemas = await h.call("GET", "/apis/flowcontrol.apiserver.k8s.io/v1/flowschemas")
    _, levels = await h.call("GET", "/apis/flowcontrol.apiserver.k8s.io/v1/prioritylevelconfigurations")
    assert {"exempt", "catch-all"} <= {i["metadata"]["name"] for i in schemas["items"]}
    assert len(levels["items"]) == len(bootstrap.objects()[
        "/apis/flowcontrol.apiserver.k8s.io/v1/prioritylevelconfigurations"])


async def test_they_were_made_before_anything_the_recording_saw(tmp_path: Path) -> None:
    recording = _recording(tmp_path)
    h = Harness(recording)
    _, namespaces = await h.call("GET", "/api/v1/namespaces")
    below = min(int(i["metadata"]["resourceVersion"]) for i in namespaces["items"])
    made = []
    for path in bootstrap.COLLECTIONS:
        _, listed = await h.call("GET", path)
        made += [i["metadata"] for i in listed["items"]]
    rvs = [int(m["resourceVersion"]) for m in made]
    assert len(set(rvs)) == len(rvs) and max(rvs) < below < 990  # each its own, below the namespaces'
    assert len({m["uid"] for m in made}) == len(made) and all(uuid.UUID(m["uid"]) for m in made)
    _, first = await h.call("GET", "/api/v1/namespaces/default")
    start = first["metadata"]["creationTimestamp"]
    assert {m["creationTimestamp"] for m in made} == {start}  # the recording's start, its times too
    assert {e["time"] for m in made for e in m.get("managedFields", [])} == {start}
    managers = {e["manager"] for m in made for e in m.get("managedFields", [])}
    assert "kube-apiserver" in managers and "realkube" not in managers  # (a cluster's, not the test peer's name)
    watch, _ = h.start("GET", f"{RBAC}/clusterroles", "watch=1&resourceVersion=1000")
    code, _ = await h.call("DELETE", f"{RBAC}/clusterroles/view")  # and they are a cluster's: written as any
    assert code == 200
    await h.clock.advance(1)
    assert [(t, n) for t, n, _ in seen(watch)] == [("DELETED", "view")]
    assert (await h.call("GET", f"{RBAC}/clusterroles/view"))[0] == 404
    again = Harness(recording)
    assert (await again.call("GET", f"{RBAC}/clusterroles/edit"))[1]["metadata"]["uid"] == \
        (await h.call("GET", f"{RBAC}/clusterroles/edit"))[1]["metadata"]["uid"]  # drawn from the seed


async def test_a_kind_the_recording_holds_is_served_as_recorded(tmp_path: Path) -> None:
    b = RecordingBuilder(tmp_path / "r.msgpack")
    role = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
            "metadata": {"name": "mine", "resourceVersion": "50"}, "rules": []}
    b.list(0.0, 60, [role], path=f"{RBAC}/clusterroles", kind="ClusterRoleList")
    h = Harness(b.write())
    _, roles = await h.call("GET", f"{RBAC}/clusterroles")
    assert [i["metadata"]["name"] for i in roles["items"]] == ["mine"]
    _, classes = await h.call("GET", "/apis/scheduling.k8s.io/v1/priorityclasses")  # (another kind: seeded)
    assert len(classes["items"]) == 2


@pytest.mark.parametrize(("n", "below", "rvs"), [
    (3, 10, [7, 8, 9]), (3, 4, [1, 2, 3]),
    (5, 4, [1, 1, 2, 2, 3]),  # no room for each its own: several share one
    (2, 1, [1, 1]), (2, 0, [1, 1]),
])
def test_resource_versions_below_the_recording_s(n: int, below: int, rvs: list[int]) -> None:
    assert resource_versions(n, below) == rvs
