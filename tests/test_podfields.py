"""The pure rules behind a pod's newer fields, as tables: what the differential steps compare with the real
kube-apiserver (tests/writes_differential.py) rests on these, so each is pinned here too, without a server."""

from __future__ import annotations

from typing import Any

import pytest
from watchproxy.apiserver import fieldselectors, podannotations, podos, podresources, podspecfields, volumesources


def _ctr(name: str, requests: dict[str, str] | None = None, limits: dict[str, str] | None = None,
         **fields: Any) -> dict[str, Any]:
    return {"name": name, "resources": {"requests": requests or {}, "limits": limits or {}}, **fields}


@pytest.mark.parametrize(("spec", "which", "want"), [
    ({"containers": [_ctr("a", {"cpu": "100m"}), _ctr("b", {"cpu": "250m"})]}, "requests", {"cpu": "350m"}),
    # an init container needs its own and the sidecars started before it; the pod the most of any step
    ({"containers": [_ctr("a", {"cpu": "100m"})],
      "initContainers": [_ctr("i", {"cpu": "1"}), _ctr("s", {"cpu": "200m"}, restartPolicy="Always")]},
     "requests", {"cpu": "1"}),
    ({"containers": [_ctr("a", {"cpu": "100m"})],
      "initContainers": [_ctr("s", {"cpu": "200m"}, restartPolicy="Always"), _ctr("i", {"cpu": "1"})]},
     "requests", {"cpu": "1200m"}),
    # a sum keeps the format of what it started from: binary for memory given so
    ({"containers": [_ctr("a", None, {"memory": "512Mi"}), _ctr("b", None, {"memory": "512Mi"})]}, "limits",
     {"memory": "1Gi"}),
])
def test_the_containers_add_up_as_the_sidecar_kep_says(spec: dict[str, Any], which: str,
                                                       want: dict[str, str]) -> None:
    assert {k: str(v) for k, v in podresources.aggregate(spec, which).items()} == want


@pytest.mark.parametrize(("spec", "qos"), [
    ({"containers": [_ctr("a")]}, "BestEffort"),
    ({"containers": [_ctr("a", {"cpu": "1", "memory": "1Gi"}, {"cpu": "1", "memory": "1Gi"})]}, "Guaranteed"),
    ({"containers": [_ctr("a", {"cpu": "1"}, {"cpu": "1"})]}, "Burstable"),  # memory left best effort
    ({"containers": [_ctr("a", {"example.com/gpu": "1"}, {"example.com/gpu": "1"})]}, "BestEffort"),
    # pod-level resources decide once they name cpu, memory or huge pages
    ({"resources": {"requests": {"cpu": "1", "memory": "1Gi"}, "limits": {"cpu": "1", "memory": "1Gi"}},
      "containers": [_ctr("a", {"cpu": "100m"})]}, "Guaranteed"),
    ({"resources": {"requests": {"example.com/x": "1"}}, "containers": [_ctr("a", {"cpu": "100m"})]}, "Burstable"),
])
def test_the_qos_class(spec: dict[str, Any], qos: str) -> None:
    assert podresources.qos_class(spec) == qos


def test_a_created_pods_pod_level_resources_are_completed_from_its_containers() -> None:
    spec = {"resources": {"limits": {"cpu": "1"}},
            "containers": [_ctr("a", {"cpu": "200m"}, {"cpu": "300m"}), _ctr("b", {"cpu": "100m"}, {"cpu": "400m"})]}
    podresources.default(spec)
    assert spec["resources"] == {"limits": {"cpu": "1"}, "requests": {"cpu": "300m"}}
    spec = {"resources": {"requests": {"memory": "1Gi"}},
            "containers": [_ctr("a", None, {"memory": "512Mi"}), _ctr("b", None, {"memory": "256Mi"})]}
    podresources.default(spec)  # every container limits memory: the pod's limit is their sum, or its request
    assert spec["resources"] == {"requests": {"memory": "1Gi"}, "limits": {"memory": "1Gi"}}


@pytest.mark.parametrize(("pair", "splits"), [
    ("a:1", True), (":5", True), ("host:", True), ("[::1]:80", True), ("b", False), ("c:d:e", False),
    ("[x]y:1", False), ("[::1]", False), ("a]:1", False), ("", False),
])
def test_a_registry_pair_is_read_as_net_split_host_port_reads_it(pair: str, splits: bool) -> None:
    assert volumesources._host_port(pair) is splits


@pytest.mark.parametrize(("name", "namespace"), [
    ("net.ipv4.ip_forward", "Net"), ("net/ipv4/conf/eno2.100/rp_filter", "Net"), ("kernel.shmmax", "IPC"),
    ("kernel.msg*", "IPC"), ("fs.mqueue.msg_max", "IPC"), ("kernel.domainname", ""), ("vm.swappiness", ""),
])
def test_a_sysctls_namespace(name: str, namespace: str) -> None:
    assert podspecfields._sysctl_namespace(name) == namespace


@pytest.mark.parametrize(("user", "errors"), [
    ("", ["runAsUserName cannot be an empty string"]),
    ("a\\b\\c", ["runAsUserName cannot contain more than one backslash"]),
    ("NETBIOS\\user", []), ("example.com\\user", []),
    ("bad/dom\\...", ["runAsUserName's Domain doesn't match the NetBios nor the DNS format",
                      "runAsUserName's User cannot contain only periods or spaces"]),
    ("\\user", ["runAsUserName's Domain doesn't match the NetBios nor the DNS format"]),
    ("dom\\us*er", ['runAsUserName\'s User cannot contain the following characters: "/\\:;|=,+*?<>@[]']),
    ("a\tb", ["runAsUserName cannot contain control characters"]),
])
def test_a_windows_user_name(user: str, errors: list[str]) -> None:
    assert podos._user_name(user) == errors


@pytest.mark.parametrize(("path", "allowed", "fields"), [
    ("status.podIP", fieldselectors.ENV_FIELDS, []),
    ("spec.host", fieldselectors.ENV_FIELDS, []),  # converted to spec.nodeName
    ("metadata.labels", fieldselectors.ENV_FIELDS, ["f.fieldPath"]),  # known, but not for a variable
    ("metadata.labels", fieldselectors.VOLUME_FIELDS, []),
    ("metadata.labels['app']", fieldselectors.ENV_FIELDS, []),
    ("metadata.labels['Bad Key!']", fieldselectors.ENV_FIELDS, ["f"]),
    ("spec.containers['x']", fieldselectors.ENV_FIELDS, ["f.fieldPath"]),
    ("spec.nodename", fieldselectors.ENV_FIELDS, ["f.fieldPath"]),
])
def test_a_field_reference(path: str, allowed: tuple[str, ...], fields: list[str]) -> None:
    causes = fieldselectors.object_field({"apiVersion": "v1", "fieldPath": path}, allowed, "f")
    assert [field for field, _, _ in causes] == fields


@pytest.mark.parametrize(("annotation", "profile"), [
    ("unconfined", {"type": "Unconfined"}), ("runtime/default", {"type": "RuntimeDefault"}),
    ("localhost/p", {"type": "Localhost", "localhostProfile": "p"}), ("localhost/", None), ("bogus", None),
])
def test_an_apparmor_annotation_read_as_a_field(annotation: str, profile: dict[str, str] | None) -> None:
    assert podannotations.profile_of(annotation) == profile


def test_a_created_pods_apparmor_annotation_fills_its_containers_field_and_is_warned_of() -> None:
    key = podannotations.APPARMOR_CONTAINER
    pod = {"metadata": {"annotations": {f"{key}a": "localhost/p", f"{key}b": "bogus", f"{key}c": "unconfined"}},
           "spec": {"securityContext": {"appArmorProfile": {"type": "Unconfined"}},
                    "containers": [{"name": "a"}, {"name": "b"}, {"name": "c"}]}}
    warnings = podannotations.app_armor_skew(pod)
    containers = pod["spec"]["containers"]
    assert containers[0]["securityContext"] == {"appArmorProfile": {"type": "Localhost", "localhostProfile": "p"}}
    assert "securityContext" not in containers[1]  # nothing valid to read
    assert "securityContext" not in containers[2]  # the pod's profile already
    assert [w.split("]")[0] for w in warnings] == [f"metadata.annotations[{key}a", f"metadata.annotations[{key}b"]
