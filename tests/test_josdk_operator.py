"""An operator built on the Java Operator SDK, run against a replay instead of a cluster: `JosdkPeer`
(tests/peers/josdk) reconciles Deployments with two dependent resources as JOSDK users declare them, a ConfigMap
(created, then updated when JOSDK's generic matcher finds it changed) and a Service (server-side applied, and
applied again only when JOSDK's SSA matcher, which reads the object's managedFields, finds it changed), patches
a condition onto the Deployment's status by server-side apply, and holds JOSDK's finalizer as a Cleaner.
kubectl plays the user, as for the kube-rs controller (tests/test_kube_rs_controller.py). What the operator
leaves on the server (the objects, their finalizers, owners, conditions and managedFields) must be the same on
an emulated replay as on the real kube-apiserver, through `watchproxy record`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from watchproxy.testing import Replay

from tests.procs import JOSDK, peer_client
from tests.realkube import RealKube
from tests.test_kube_rs_controller import UID, deployment, kubectl
from tests.twosides import real_then_emulated

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


def drive(kubeconfig: str) -> list[str]:
    """The user's side; what the operator left on the server, printed when it stops."""
    peer = peer_client("josdk", kubeconfig)
    try:
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


async def test_josdk_operator_leaves_what_it_leaves_on_the_real_apiserver(
        realkube: RealKube, tmp_path: Path, watchproxy: Callable[..., Replay]) -> None:
    if not JOSDK.exists():
        pytest.fail(f"{JOSDK} is missing: `make peers` builds it")
    real, emulated = await real_then_emulated(realkube, watchproxy, tmp_path, NS, drive)
    assert emulated == real
