"""An operator built on the Java Operator SDK, run against a replay instead of a cluster: `JosdkPeer`
(tests/peers/josdk) reconciles Deployments with two dependent resources as JOSDK users declare them, a ConfigMap
(created, then updated when JOSDK's generic matcher finds it changed) and a Service (server-side applied, and
applied again only when JOSDK's SSA matcher, which reads the object's managedFields, finds it changed), patches
a condition onto the Deployment's status by server-side apply, and holds JOSDK's finalizer as a Cleaner; beside
it, a reconciler of a custom resource (Gadgets) applies each one's status through JOSDK's `patchStatus`; the
operator leads through a Lease (fabric8's LeaderElector) first.
kubectl plays the user, as for the kube-rs controller (tests/test_kube_rs_controller.py). What the operator
leaves on the server (the objects, their finalizers, owners, conditions and managedFields) must be the same on
an emulated replay as on the real kube-apiserver, through `watchproxy record`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from watchproxy.testing import Replay

from tests.procs import JOSDK, peer_client
from tests.realkube import RealKube
from tests.twosides import UID, deployment, kubectl, real_then_emulated, served

NS = "josdk-operator"


def _configured(kubeconfig: str, name: str, generation: int) -> None:
    """Until the operator's status patch for that generation is on the server."""
    kubectl(kubeconfig, "wait", "--timeout=60s", f"deployment/{name}",
            '--for=jsonpath={.status.conditions[?(@.type=="Configured")].message}='
            f"{name}-settings for generation {generation}")


def _settings(kubeconfig: str, name: str, image: str) -> None:
    """Until the operator's ConfigMap of that Deployment says that image."""
    kubectl(kubeconfig, "wait", "--timeout=60s", f"configmap/{name}-settings",
            f"--for=jsonpath={{.data.image}}={image}")


GADGETS = "gadgets.josdk.watchproxy.test"
GADGET_DEFINITION = {
    "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition", "metadata": {"name": GADGETS},
    "spec": {"group": "josdk.watchproxy.test", "scope": "Namespaced",
             "names": {"plural": "gadgets", "singular": "gadget", "kind": "Gadget", "listKind": "GadgetList"},
             "versions": [{"name": "v1", "served": True, "storage": True, "subresources": {"status": {}},
                           "schema": {"openAPIV3Schema": {"type": "object", "properties": {
                               "spec": {"type": "object", "properties": {"size": {"type": "string"}}},
                               "status": {"type": "object", "properties": {
                                   "observedGeneration": {"type": "integer"}, "phase": {"type": "string"}}}}}}}]}}


def gadget(name: str, size: str) -> str:
    return json.dumps({"apiVersion": "josdk.watchproxy.test/v1", "kind": "Gadget", "metadata": {"name": name},
                       "spec": {"size": size}})


def _gadget_ready(kubeconfig: str, name: str, generation: int) -> None:
    kubectl(kubeconfig, "wait", "--timeout=60s", f"{GADGETS}/{name}",
            f"--for=jsonpath={{.status.observedGeneration}}={generation}")


def drive(kubeconfig: str) -> list[str]:
    """The user's side; what the operator left on the server, printed when it stops."""
    kubectl(kubeconfig, "apply", "-f", "-", stdin=json.dumps(GADGET_DEFINITION))
    kubectl(kubeconfig, "wait", "--for=condition=established", f"crd/{GADGETS}", "--timeout=60s")
    served(kubeconfig, GADGETS)
    peer = peer_client("josdk", kubeconfig)
    try:
        kubectl(kubeconfig, "apply", "-f", "-", stdin=gadget("g1", "small"))
        _gadget_ready(kubeconfig, "g1", 1)
        kubectl(kubeconfig, "patch", GADGETS, "g1", "--type=merge", "-p", '{"spec":{"size":"large"}}')
        _gadget_ready(kubeconfig, "g1", 2)
        kubectl(kubeconfig, "apply", "-f", "-", stdin=deployment("web", "nginx:1.25"))
        _configured(kubeconfig, "web", 1)
        kubectl(kubeconfig, "create", "-f", "-", stdin=deployment("api", "httpd:2.4"))
        _configured(kubeconfig, "api", 1)
        kubectl(kubeconfig, "set", "image", "deployment/web", "web=nginx:1.27")
        _configured(kubeconfig, "web", 2)
        _settings(kubeconfig, "web", "nginx:1.27")
        # someone else changes what the operator owns: its matcher sees it and the update takes it back
        kubectl(kubeconfig, "patch", "configmap", "web-settings", "--type=merge", "-p", '{"data":{"image":"x"}}')
        _settings(kubeconfig, "web", "nginx:1.27")
        kubectl(kubeconfig, "delete", "deployment", "api", "--wait=false")
        peer.wait_line("CLEANUP : api")
        kubectl(kubeconfig, "wait", "--for=delete", "deployment/api", "--timeout=60s")
        assert peer.terminate() == 0, peer.stderr[-20:]
        assert peer.lines[-1] == "done", peer.lines[-5:]
        return [UID.sub("UID", line) for line in peer.lines if line.startswith("FINAL")]
    finally:
        peer.kill()


def _check(real: list[str]) -> None:
    assert 'FINAL : gadget g1 generation 2 status {"observedGeneration":2,"phase":"Ready"} finalizers []' in real, real
    # JOSDK applies the whole gadget to /status: a custom resource's status strategy resets its metadata, so the
    # operator owns the status alone (a Deployment's status strategy leaves it the metadata it sent)
    assert 'FINAL :   managed gadgets Apply status {"f:status":{"f:observedGeneration":{},"f:phase":{}}}' in real, real
    assert "FINAL : lease josdk-peer holder josdk-peer-0 duration 15 transitions 0 acquired true renewed true" in real


async def test_josdk_operator_leaves_what_it_leaves_on_the_real_apiserver(
        realkube: RealKube, tmp_path: Path, watchproxy: Callable[..., Replay]) -> None:
    if not JOSDK.exists():
        pytest.fail(f"{JOSDK} is missing: `make peers` builds it")
    real, emulated = await real_then_emulated(realkube, watchproxy, tmp_path, NS, drive, check=_check)
    assert emulated == real
