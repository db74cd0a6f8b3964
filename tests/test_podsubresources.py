"""The pod subresources that write part of its spec (apiserver/podsubresources.py) as tables: what a resize
and an ephemeralcontainers write keep and take, and what they refuse. The random sequences of
tests/test_writes_random_realkube.py ("resize", "ephemeralcontainers") compare the same with the real
kube-apiserver."""

from __future__ import annotations

from typing import Any

import pytest
from watchproxy.apiserver import podsubresources

BURSTABLE = {"requests": {"cpu": "100m"}}


def _pod(resources: dict[str, Any] | None = None, **spec: Any) -> dict[str, Any]:
    container = {"name": "c", "image": "nginx", "resources": resources if resources is not None else BURSTABLE,
                 "terminationMessagePolicy": "File", "imagePullPolicy": "Always"}
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "p", "namespace": "d", "resourceVersion": "5", "labels": {"app": "web"}},
            "spec": {"containers": [container], "restartPolicy": "Always", "dnsPolicy": "ClusterFirst", **spec},
            "status": {"phase": "Running", "qosClass": "Burstable"}}


def test_a_resize_takes_the_resources_and_keeps_the_rest_as_stored() -> None:
    sent = _pod({"requests": {"cpu": "200m"}})
    sent["metadata"] = {"name": "p", "resourceVersion": "5", "labels": {"other": "x"}}
    sent["spec"]["containers"][0]["image"] = "nginx:2"
    sent["status"] = {}
    out = podsubresources.resized(sent, _pod())
    assert out["spec"]["containers"][0]["resources"] == {"requests": {"cpu": "200m"}}
    assert out["spec"]["containers"][0]["image"] == "nginx"  # not a resize's to change
    assert out["metadata"]["labels"] == {"app": "web"} and out["status"] == _pod()["status"]
    assert podsubresources.resize_causes(out, _pod()) == []


@pytest.mark.parametrize(("resources", "message"), [
    ({}, 'Invalid value: "Burstable": Pod QOS Class may not change as a result of resizing'),
    ({"requests": {"cpu": "100m", "ephemeral-storage": "1Gi"}}, "Forbidden: only cpu and memory resources are mutable"),
    ({"limits": {"cpu": "1"}}, "Forbidden: resource requests cannot be removed"),
])
def test_a_resize_is_refused_as_the_apiserver_refuses_it(resources: dict[str, Any], message: str) -> None:
    new = podsubresources.resized(_pod(resources), _pod())
    assert message in [m for _, _, m in podsubresources.resize_causes(new, _pod())]


def test_a_resize_of_a_pod_on_a_node_without_resize_is_refused() -> None:
    old = _pod()
    old["status"]["containerStatuses"] = [{"name": "c", "state": {"running": {}}}]  # no resources reported
    new = podsubresources.resized(_pod({"requests": {"cpu": "300m"}}), old)
    assert ("spec", "FieldValueForbidden", "Forbidden: Pod running on node without support for resize") in \
        podsubresources.resize_causes(new, old)


def test_an_ephemeral_container_is_added_validated_and_then_fixed() -> None:
    debugger = {"name": "debugger", "image": "busybox", "terminationMessagePolicy": "File",
                "imagePullPolicy": "Always", "targetContainerName": "c"}
    sent = _pod(ephemeralContainers=[debugger])
    sent["spec"]["containers"][0]["image"] = "ignored"
    added = podsubresources.with_ephemeral_containers(sent, _pod())
    assert added["spec"]["ephemeralContainers"] == [debugger]
    assert added["spec"]["containers"] == _pod()["spec"]["containers"]
    assert podsubresources.ephemeral_causes(added, _pod()) == []
    port = {"containerPort": 80, "protocol": "TCP"}
    with_ports = podsubresources.with_ephemeral_containers(
        _pod(ephemeralContainers=[{**debugger, "name": "c", "ports": [port]}]), _pod())
    assert [(f, m) for f, _, m in podsubresources.ephemeral_causes(with_ports, _pod())] == [
        ("spec.ephemeralContainers[0].name", 'Duplicate value: "c"'),
        ("spec.ephemeralContainers[0].ports", "Forbidden: cannot be set for an Ephemeral Container")]
    removed = podsubresources.with_ephemeral_containers(_pod(), added)
    assert [m for _, _, m in podsubresources.ephemeral_causes(removed, added)] == [
        'Forbidden: existing ephemeral containers "debugger" may not be removed\n']
