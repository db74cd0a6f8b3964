"""A kube-rs controller under development, run against a replay instead of a cluster: `kube-peer controller`
(tests/peers/rust/src/controller.rs) reconciles Deployments through kube-rs's finalizer helper (JSON patches with
`test` operations), server-side applies a ConfigMap each Deployment owns and a condition on its status
subresource, deletes the ConfigMap when its Deployment goes, and records an Event of each change with kube-rs's
Recorder (events.k8s.io/v1, a recurring one merge-patched with its series). kubectl plays the user: creates,
an image change, someone else editing the owned ConfigMap, a delete. The controller's transcript (what changed
on the server, then the objects with their finalizers, owners, conditions and managedFields, and the Events as
both Event APIs show them) must be the same from an emulated replay as from the real kube-apiserver, through
`watchproxy record`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from watchproxy.testing import Replay

from tests.procs import KUBE_RS, peer_client, run_kubectl
from tests.realkube import RealKube
from tests.twosides import UID, deployment, kubectl, real_then_emulated

NS = "kube-rs-controller"
def drive(kubeconfig: str) -> list[str]:
    """The user's side of the session, each step once the controller has made the change it causes."""
    peer = peer_client("kube-rs-controller", kubeconfig)
    try:
        kubectl(kubeconfig, "apply", "-f", "-", stdin=deployment("web", "nginx:1.25"))
        peer.wait_line("STATUS : web generation 1")
        kubectl(kubeconfig, "create", "-f", "-", stdin=deployment("api", "httpd:2.4"))
        peer.wait_line("STATUS : api generation 1")
        kubectl(kubeconfig, "apply", "-f", "-", stdin=deployment("unmanaged", "nginx:1.25", managed=False))
        kubectl(kubeconfig, "set", "image", "deployment/web", "web=nginx:1.27")
        peer.wait_line("STATUS : web generation 2")
        # someone else changes what the controller owns: its forced apply takes the field back
        kubectl(kubeconfig, "patch", "configmap", "web-settings", "--type=merge", "-p", '{"data":{"image":"x"}}')
        peer.wait_for(lambda lines: lines.count("CONFIG : web-settings changed") == 2, what="the image taken back")
        kubectl(kubeconfig, "delete", "deployment", "api", "--wait=false")
        peer.wait_line("CLEANUP : api-settings")
        kubectl(kubeconfig, "wait", "--for=delete", "deployment/api", "--timeout=30s")
        assert peer.terminate() == 0, peer.stderr[-20:]
        return [UID.sub("UID", line) for line in peer.lines]
    finally:
        peer.kill()


def _check(lines: list[str]) -> None:
    """What the real apiserver's run shows, so that a replay agreeing with a broken run cannot pass."""
    assert lines[-1] == "done" and not any(ln.startswith("ERROR") for ln in lines), lines
    assert lines[:6] == ["CONFIG : web-settings created", "STATUS : web generation 1",
                         "CONFIG : api-settings created", "STATUS : api generation 1",
                         "CONFIG : web-settings changed", "STATUS : web generation 2"], lines
    finals = [ln for ln in lines if ln.startswith("FINAL : ") and not ln.startswith("FINAL :   ")]
    assert [ln.split()[2:4] for ln in finals] == [
        ["deployment", "unmanaged"], ["deployment", "web"], ["configmap", "web-settings"],
        *[["core", "event"]] * 3, *[["event", 'Some("Normal")']] * 3], finals
    assert '["watchproxy.test/cleanup"]' in finals[1] and "nginx:1.27" in finals[2], finals
    # the Recorder's three SettingsApplied events of `web` are one Event, its series merge-patched twice
    assert 'regarding Some("Deployment/web") by Some("kube-peer")/Some("kube-peer-0") series Some(3)' in finals[7]


async def test_kube_rs_controller_writes_as_on_the_real_apiserver(
        realkube: RealKube, tmp_path: Path, watchproxy: Callable[..., Replay]) -> None:
    if not KUBE_RS.exists():
        pytest.fail(f"{KUBE_RS} is missing: `make peers` builds it")
    real, emulated = await real_then_emulated(realkube, watchproxy, tmp_path, NS, drive, check=_check)
    assert emulated == real


def _check_writes(real: list[str]) -> None:
    assert real[-1] == "done" and len(real) == 17, real
    assert {'patch metadata : PartialObjectMetadata Some({"x": "y"})', "evict pod : Some(Success) 201",
            "after the dry run : None", "delete collection : list of 1"} <= set(real), real


async def test_kube_rs_writes_read_back_as_from_the_real_apiserver(
        realkube: RealKube, tmp_path: Path, watchproxy: Callable[..., Replay]) -> None:
    """A kube-rs program's writes outside a controller (`kube-peer writes`: Api::entry, metadata-only reads and
    patches, replace_status and patch_status, a dry-run create, a pod's logs and eviction, delete_collection, a
    foreground delete) read back the same from an emulated replay as from the real apiserver."""
    if not KUBE_RS.exists():
        pytest.fail(f"{KUBE_RS} is missing: `make peers` builds it")
    real, emulated = await real_then_emulated(realkube, watchproxy, tmp_path, "kube-rs-writes",
                                              lambda kc: peer_client("kube-rs-writes", kc).printed(),
                                              check=_check_writes)
    assert emulated == real


SITE = "sites.rs.watchproxy.test"


def site(name: str, image: str, replicas: object = 2) -> str:
    return json.dumps({"apiVersion": "rs.watchproxy.test/v1", "kind": "Site", "metadata": {"name": name},
                       "spec": {"image": image, "replicas": replicas, "tags": ["a"]}})


def drive_crd(kubeconfig: str) -> list[str]:
    """kubectl's side for `kube-peer crd`; with what kubectl printed of the definition's doing."""
    peer = peer_client("kube-rs-crd", kubeconfig)
    try:
        peer.wait_line("CRD : established")
        kubectl(kubeconfig, "apply", "-f", "-", stdin=site("web", "nginx:1.25"))
        peer.wait_line("STATUS : web generation 1")
        kubectl(kubeconfig, "patch", SITE, "web", "--type=merge", "-p", '{"spec":{"image":"nginx:1.27"}}')
        peer.wait_line("STATUS : web generation 2")
        refused = run_kubectl(kubeconfig, "create", "-f", "-", stdin=site("bad", "nginx", replicas="two"), ok=False,
                              timeout=60)
        columns = [" ".join(line.split()[:2]) for line in kubectl(kubeconfig, "get", "st").splitlines()]
        assert peer.terminate() == 0, peer.stderr[-20:]
        return [*peer.lines, f"KUBECTL : create refused {refused.returncode} {refused.stderr.strip()}",
                *(f"KUBECTL : get {c}" for c in columns)]
    finally:
        peer.kill()


async def test_kube_rs_controller_of_its_own_custom_resource_as_on_the_real_apiserver(
        realkube: RealKube, tmp_path: Path, watchproxy: Callable[..., Replay]) -> None:
    """The definition kube-rs derives from Rust types (schemars' schema) applied by the controller itself, waited
    for, then its resources reconciled with status applies: the definition as stored, the resources, what
    kubectl's schema check and printer columns make of them, the same on an emulated replay as on the real
    apiserver."""
    if not KUBE_RS.exists():
        pytest.fail(f"{KUBE_RS} is missing: `make peers` builds it")

    def check(real: list[str]) -> None:
        assert real[:4] == ["CRD : applied", "CRD : established", "STATUS : web generation 1",
                            "STATUS : web generation 2"], real
        assert any(ln.startswith("KUBECTL : create refused 1 ") and "spec.replicas" in ln for ln in real), real
        assert "KUBECTL : get web nginx:1.27" in real, real

    real, emulated = await real_then_emulated(realkube, watchproxy, tmp_path, "kube-rs-crd", drive_crd, check=check)
    assert emulated == real
