"""A scheduler under development against a replay (tests/peers/goclients `scheduler`: kube-scheduler's API
calls through client-go: an informer on unassigned pods, a protobuf Binding of each to a node). Against a
replay of an empty cluster it binds what it binds against the real kube-apiserver, its informer sees each
bound pod leave its selector, a gated pod waits until its gate is lifted, and the pods end as the real
apiserver leaves them: on the node, with its topology labels and the PodScheduled condition."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from watchproxy.testing import Replay

from tests import rawhttp
from tests.memory import RecordingBuilder
from tests.procs import ClientProcess
from tests.realkube import RealKube

ZONE = {"topology.kubernetes.io/zone": "z1", "topology.kubernetes.io/region": "r1"}


def _pod(name: str, gated: bool = False) -> bytes:
    spec: dict[str, Any] = {"containers": [{"name": "c", "image": "nginx:1.27"}]}
    if gated:
        spec["schedulingGates"] = [{"name": "example.com/quota"}]
    return json.dumps({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": spec}).encode()


def _call(server: rawhttp.Server, method: str, path: str, body: bytes | None = None,
          content_type: str = "application/json") -> Any:
    code, doc, _ = rawhttp.call(*server, method, path, body, content_type)
    assert code < 300, (method, path, code, doc)
    return doc


def _schedule(goclients: Path, kubeconfig: str, server: rawhttp.Server, ns: str) -> tuple[list[str], list[Any]]:
    """A node and three pods (one gated), the scheduler run until it has bound the two it may and seen them
    leave, then the gate lifted and the third bound; its lines and the pods as they end."""
    node = f"{ns}-node"
    _call(server, "POST", "/api/v1/nodes", json.dumps({"metadata": {"name": node, "labels": ZONE}}).encode())
    try:
        for name, gated in (("a", False), ("b", False), ("gated", True)):
            _call(server, "POST", f"/api/v1/namespaces/{ns}/pods", _pod(name, gated))
        scheduler = ClientProcess([str(goclients), "scheduler", "--kubeconfig", kubeconfig, "--namespace", ns,
                                   "--node", node])
        try:
            # (its informer may see a pod leave before its binder has said so: both awaited)
            scheduler.wait_for(lambda lines: {"DELETED : a", "DELETED : b", f"BOUND : a {node}", f"BOUND : b {node}"}
                               <= set(lines), what="a and b bound")
            _call(server, "PATCH", f"/api/v1/namespaces/{ns}/pods/gated", b'{"spec":{"schedulingGates":null}}',
                  "application/merge-patch+json")
            scheduler.wait_for(lambda lines: {"DELETED : gated", f"BOUND : gated {node}"} <= set(lines),
                               what="the gated pod bound once lifted")
        finally:
            assert scheduler.terminate() == 0, scheduler.stderr[-20:]
        pods = [_call(server, "GET", f"/api/v1/namespaces/{ns}/pods/{name}") for name in ("a", "b", "gated")]
    finally:
        rawhttp.call(*server, "DELETE", f"/api/v1/nodes/{node}")
    seen = [ln.replace(node, "NODE") for ln in scheduler.lines]
    return seen, [{"name": p["metadata"]["name"], "node": p["spec"].get("nodeName", "").replace(node, "NODE"),
                   "labels": p["metadata"].get("labels"),
                   "conditions": [{k: c.get(k) for k in ("type", "status", "reason", "message")}
                                  for c in p["status"].get("conditions", [])]} for p in pods]


def test_a_scheduler_binds_pods_as_against_the_real_apiserver(realkube: RealKube, goclients: Path,
                                                              watchproxy: Callable[..., Replay],
                                                              tmp_path: Path) -> None:
    ns = f"sched-{uuid.uuid4().hex[:6]}"
    real_server = (realkube.url, realkube.token_file.read_text().strip())
    _call(real_server, "POST", "/api/v1/namespaces", json.dumps({"metadata": {"name": ns}}).encode())
    real_lines, real_pods = _schedule(goclients, str(realkube.admin_kubeconfig), real_server, ns)
    b = RecordingBuilder(tmp_path / "empty.msgpack")
    b.list(0.0, 100, [], path=f"/api/v1/namespaces/{ns}/configmaps", kind="ConfigMapList")
    replay = watchproxy(b.write())
    lines, pods = _schedule(goclients, replay.kubeconfig, (replay.url, ""), ns)

    bound = {"type": "PodScheduled", "status": "True", "reason": None, "message": None}
    assert real_pods == [{"name": name, "node": "NODE", "labels": ZONE, "conditions": [bound]}
                         for name in ("a", "b", "gated")]
    assert pods == real_pods
    assert sorted(real_lines) == sorted(["ADDED : a", "ADDED : b", "ADDED : gated", "BOUND : a NODE",
                                         "BOUND : b NODE", "BOUND : gated NODE", "DELETED : a", "DELETED : b",
                                         "MODIFIED : gated", "DELETED : gated", "done"])
    assert sorted(lines) == sorted(real_lines)  # (the informer's lines and the binder's may interleave)
    bindings = [r for r in replay.requests("create") if r.path.endswith("/binding")]
    # (the informer hands over the first two in either order)
    assert sorted((r.path.rsplit("/", 2)[-2], r.status) for r in bindings) == [("a", 201), ("b", 201), ("gated", 201)]
