"""Real clients writing to an emulated replay: kubectl's write commands and the Python client's
create/replace/patch/delete are applied, watches see them, and `objects()` reflects them."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from kubernetes import client, config
from kubernetes.client.rest import ApiException
from watchproxy.testing import Replay

from tests.memory import RecordingBuilder, pod
from tests.procs import KUBECTL, run_kubectl

Start = Callable[..., Replay]
DEPLOYMENTS = "/apis/apps/v1/namespaces/default/deployments"


@pytest.fixture
def recording(tmp_path: Path) -> Path:
    b = RecordingBuilder(tmp_path / "cluster.msgpack", meta={"min_request_timeout": 60})
    b.list(0.0, 100, [pod("web-a", 90)])
    dep = {"kind": "Deployment", "apiVersion": "apps/v1",
           "metadata": {"name": "web", "namespace": "default", "resourceVersion": "95", "generation": 1},
           "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}},
                    "template": {"metadata": {"labels": {"app": "web"}},
                                 "spec": {"containers": [{"name": "c", "image": "nginx"}]}}},
           "status": {"replicas": 1}}
    b.list(0.0, 100, [dep], path=DEPLOYMENTS, kind="DeploymentList")
    return b.write()


def kubectl(replay: Replay, *args: str, stdin: str = "") -> str:
    return run_kubectl(replay.kubeconfig, *args, stdin=stdin).stdout.strip()


POD = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  labels: {app: x}\nspec:\n  containers:\n" \
      "  - name: c\n    image: nginx\n"


@pytest.mark.skipif(not KUBECTL.exists(), reason="kubectl is installed by `make clients`")
def test_kubectl_write_commands(watchproxy: Start, recording: Path) -> None:
    replay = watchproxy(recording)
    assert kubectl(replay, "create", "-f", "-", stdin=POD) == "pod/x created"
    assert kubectl(replay, "label", "pod", "x", "tier=web") == "pod/x labeled"
    assert kubectl(replay, "patch", "pod", "x", "-p", '{"metadata":{"annotations":{"a":"b"}}}') == "pod/x patched"
    assert kubectl(replay, "patch", "pod", "x", "--type=json",
                   "-p", '[{"op":"add","path":"/metadata/labels/j","value":"1"}]') == "pod/x patched"
    got = json.loads(kubectl(replay, "get", "pod", "x", "-o", "json"))
    assert got["metadata"]["labels"] == {"app": "x", "tier": "web", "j": "1"}
    assert got["metadata"]["annotations"] == {"a": "b"}

    cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  a: '1'\n"
    assert kubectl(replay, "apply", "-f", "-", stdin=cm) == "configmap/cfg created"
    assert kubectl(replay, "apply", "-f", "-", stdin=cm.replace("'1'", "'2'\n  b: '3'")) == \
        "configmap/cfg configured"
    assert json.loads(kubectl(replay, "get", "cm", "cfg", "-o", "json"))["data"] == {"a": "2", "b": "3"}
    ssa = cm.replace("name: cfg", "name: ssa")
    assert kubectl(replay, "apply", "--server-side", "-f", "-", stdin=ssa) == "configmap/ssa serverside-applied"
    assert kubectl(replay, "apply", "--server-side", "-f", "-", stdin=ssa.replace("'1'", "'5'")) == \
        "configmap/ssa serverside-applied"
    assert json.loads(kubectl(replay, "get", "cm", "ssa", "-o", "json"))["data"] == {"a": "5"}

    assert kubectl(replay, "scale", "deployment", "web", "--replicas=3") == "deployment.apps/web scaled"
    dep = json.loads(kubectl(replay, "get", "deployment", "web", "-o", "json"))
    assert (dep["spec"]["replicas"], dep["metadata"]["generation"]) == (3, 2)

    assert kubectl(replay, "delete", "pod", "x").startswith('pod "x" deleted')
    assert replay.objects("/api/v1/pods") == {"default/web-a": "90"}
    assert set(replay.objects("/api/v1/configmaps")) == {"default/cfg", "default/ssa"}
    writes = [r for r in replay.requests() if r.method in ("POST", "PUT", "PATCH", "DELETE")]
    assert all(r.status < 300 for r in writes), [(r.method, r.path, r.status) for r in writes]


def test_python_client_create_replace_patch_delete_and_a_watch_sees_them(watchproxy: Start,
                                                                          recording: Path) -> None:
    replay = watchproxy(recording)
    api = client.CoreV1Api(config.new_client_from_config(config_file=replay.kubeconfig))
    body: dict[str, Any] = {"metadata": {"name": "cfg", "labels": {"a": "1"}}, "data": {"k": "v"}}
    created = api.create_namespaced_config_map("default", body)
    rv0 = int(created.metadata.resource_version)
    assert rv0 > 100 and created.metadata.uid
    with pytest.raises(ApiException) as exc:
        api.create_namespaced_config_map("default", body)
    assert exc.value.status == 409
    created.data = {"k": "w"}
    replaced = api.replace_namespaced_config_map("cfg", "default", created)
    assert replaced.data == {"k": "w"}
    created.data = {"k": "stale"}
    with pytest.raises(ApiException) as exc:
        api.replace_namespaced_config_map("cfg", "default", created)
    assert exc.value.status == 409
    patched = api.patch_namespaced_config_map("cfg", "default", {"metadata": {"labels": {"b": "2"}}})
    assert patched.metadata.labels == {"a": "1", "b": "2"}
    w = api.list_namespaced_config_map("default", watch=True, resource_version=str(rv0 - 1),
                                       timeout_seconds=1, _preload_content=False)
    api.delete_namespaced_config_map("cfg", "default")
    replay.advance(2)  # past the watch's timeoutSeconds: the stream ends
    lines = [json.loads(line) for line in w.read().splitlines()]
    assert [e["type"] for e in lines] == ["ADDED", "MODIFIED", "MODIFIED", "DELETED"]
    rvs = [int(e["object"]["metadata"]["resourceVersion"]) for e in lines]
    assert rvs == sorted(rvs)
    assert replay.objects("/api/v1/configmaps") == {}


@pytest.mark.skipif(not KUBECTL.exists(), reason="kubectl is installed by `make clients`")
def test_kubectl_drain_cordons_the_node_and_evicts_its_pods(watchproxy: Start, recording: Path) -> None:
    """kubectl drain evicts only when discovery says pods/eviction is policy/v1's (it deletes otherwise)."""
    replay = watchproxy(recording)
    kubectl(replay, "create", "-f", "-", stdin='{"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1"}}')
    on_node = POD.replace("name: x", "name: on-n1") + "  nodeName: n1\n"
    kubectl(replay, "create", "-f", "-", stdin=on_node)
    out = kubectl(replay, "drain", "n1", "--ignore-daemonsets", "--force", "--grace-period=0", "--timeout=60s")
    assert "pod/on-n1 evicted" in out and "node/n1 drained" in out
    assert [(r.method, r.status) for r in replay.requests(path="/api/v1/namespaces/default/pods/on-n1")
            if r.method != "GET"] == [("POST", 201)]
    # cordoned; still not ready, as the apiserver's admission made it and no kubelet came to say otherwise
    assert json.loads(kubectl(replay, "get", "node", "n1", "-o", "json"))["spec"] == {
        "taints": [{"key": "node.kubernetes.io/not-ready", "effect": "NoSchedule"}], "unschedulable": True}
    assert "on-n1" not in kubectl(replay, "get", "pods", "-o", "name")


def test_python_client_evicts_a_pod_unless_a_budget_forbids_it(watchproxy: Start, recording: Path) -> None:
    """The eviction subresource through the official client, as drain tools call it: a running pod under a
    budget that allows no disruption gets the 429 (which such tools retry), and goes once the budget allows."""
    replay = watchproxy(recording)
    api_client = config.new_client_from_config(config_file=replay.kubeconfig)
    core, policy = client.CoreV1Api(api_client), client.PolicyV1Api(api_client)
    running = {"metadata": {"name": "run", "labels": {"app": "web"}},
               "spec": {"containers": [{"name": "c", "image": "nginx"}]}}
    core.create_namespaced_pod("default", running)
    core.patch_namespaced_pod_status("run", "default", {"status": {"phase": "Running", "conditions": [
        {"type": "Ready", "status": "True"}]}})
    pdb = policy.create_namespaced_pod_disruption_budget("default", {
        "metadata": {"name": "keep"}, "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app": "web"}}}})
    eviction = {"apiVersion": "policy/v1", "kind": "Eviction", "metadata": {"name": "run", "namespace": "default"}}
    with pytest.raises(ApiException) as exc:
        core.create_namespaced_pod_eviction("run", "default", eviction)
    assert exc.value.status == 429 and "still being processed" in exc.value.body
    pdb.status = {"observedGeneration": 1, "disruptionsAllowed": 1, "currentHealthy": 2, "desiredHealthy": 1,
                  "expectedPods": 2}
    policy.replace_namespaced_pod_disruption_budget_status("keep", "default", pdb)
    core.create_namespaced_pod_eviction("run", "default", eviction)
    with pytest.raises(ApiException) as exc:  # bound to no node: no kubelet to wait for, gone at once
        core.read_namespaced_pod("run", "default")
    assert exc.value.status == 404
    spent = policy.read_namespaced_pod_disruption_budget("keep", "default").status
    assert (spent.disruptions_allowed, list(spent.disrupted_pods)) == (0, ["run"])


def test_read_only_replay_refuses_writes(watchproxy: Start, recording: Path) -> None:
    replay = watchproxy(recording, read_only=True)
    api = client.CoreV1Api(config.new_client_from_config(config_file=replay.kubeconfig))
    with pytest.raises(ApiException) as exc:
        api.create_namespaced_config_map("default", {"metadata": {"name": "cfg"}})
    assert exc.value.status == 405 and "--read-only" in json.loads(exc.value.body)["message"]
