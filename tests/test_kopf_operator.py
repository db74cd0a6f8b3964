"""A kopf operator with handlers (tests/clients/kopf_widgets.py: create/update and delete handlers on a custom
resource, a ConfigMap each object owns, kopf's finalizer, its status, annotations and Events), driven by kubectl
as the kube-rs controller and the JOSDK operator are (tests/test_kube_rs_controller.py): what it leaves on the
server must be the same on an emulated replay as on the real kube-apiserver, through `watchproxy record`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from watchproxy.testing import Replay

from tests.procs import python_client
from tests.realkube import RealKube
from tests.twosides import UID, kubectl, real_then_emulated, served

NS = "kopf-operator"
GROUP = "kopf.watchproxy.test"
DEFINITION = {
    "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
    "metadata": {"name": f"widgets.{GROUP}"},
    "spec": {"group": GROUP, "scope": "Namespaced",
             "names": {"plural": "widgets", "singular": "widget", "kind": "Widget", "listKind": "WidgetList"},
             "versions": [{"name": "v1", "served": True, "storage": True, "schema": {"openAPIV3Schema": {
                 "type": "object", "properties": {
                     "spec": {"type": "object", "properties": {"image": {"type": "string"}}},
                     "status": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}}}}}]}}


def widget(name: str, image: str) -> str:
    return json.dumps({"apiVersion": f"{GROUP}/v1", "kind": "Widget", "metadata": {"name": name},
                       "spec": {"image": image}})


def _installed(kubeconfig: str) -> None:
    """The definition applied and served."""
    kubectl(kubeconfig, "apply", "-f", "-", stdin=json.dumps(DEFINITION))
    kubectl(kubeconfig, "wait", "--for=condition=established", f"crd/widgets.{GROUP}", "--timeout=60s")
    served(kubeconfig, f"widgets.{GROUP}")


def _handled(kubeconfig: str, name: str, image: str) -> None:
    """Until kopf has stored the handler's result for that image in the widget's status."""
    kubectl(kubeconfig, "wait", "--timeout=60s", f"widget.{GROUP}/{name}",
            f"--for=jsonpath={{.status.reconcile.image}}={image}")


def drive(kubeconfig: str) -> list[str]:
    _installed(kubeconfig)
    peer = python_client("kopf_widgets.py", kubeconfig)
    try:
        kubectl(kubeconfig, "apply", "-f", "-", stdin=widget("web", "nginx:1.25"))
        _handled(kubeconfig, "web", "nginx:1.25")
        kubectl(kubeconfig, "create", "-f", "-", stdin=widget("api", "httpd:2.4"))
        _handled(kubeconfig, "api", "httpd:2.4")
        kubectl(kubeconfig, "patch", f"widget.{GROUP}", "web", "--type=merge", "-p",
                '{"spec":{"image":"nginx:1.27"}}')
        _handled(kubeconfig, "web", "nginx:1.27")
        kubectl(kubeconfig, "delete", f"widget.{GROUP}", "api", "--wait=false")
        kubectl(kubeconfig, "wait", "--for=delete", f"widget.{GROUP}/api", "--timeout=60s")
        assert peer.terminate() == 0, peer.stderr[-20:]
        assert peer.lines[-1] == "done", peer.lines[-5:]
        return [UID.sub("UID", line) for line in peer.lines]
    finally:
        peer.kill()


def _check(real: list[str]) -> None:
    assert [ln for ln in real if not ln.startswith("FINAL :   ")][:5] == [
        "HANDLED : web nginx:1.25", "HANDLED : api httpd:2.4", "HANDLED : web nginx:1.27", "DELETED : api",
        "FINAL : widget web finalizers ['kopf.zalando.org/KopfFinalizerMarker'] annotations "
        '{"kopf.zalando.org/last-handled-configuration": "{\\"spec\\":{\\"image\\":\\"nginx:1.27\\"}}\\n"} '
        'status {"reconcile": {"image": "nginx:1.27"}}'], real


async def test_kopf_operator_leaves_what_it_leaves_on_the_real_apiserver(
        realkube: RealKube, tmp_path: Path, watchproxy: Callable[..., Replay]) -> None:
    real, emulated = await real_then_emulated(realkube, watchproxy, tmp_path, NS, drive, check=_check)
    assert emulated == real
