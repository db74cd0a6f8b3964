"""The defaulting model (apiserver/defaults.py) in the cases the differential against the real apiserver
(writes_differential.py) does not create: it compares one object per kind."""

from __future__ import annotations

from typing import Any

import pytest
from watchproxy.apiserver import defaults


@pytest.mark.parametrize(("image", "policy"), [
    ("nginx", "Always"), ("nginx:latest", "Always"), ("nginx:1.27", "IfNotPresent"),
    ("registry:5000/team/app", "Always"), ("registry:5000/team/app:v2", "IfNotPresent"),
    ("app@sha256:" + "a" * 64, "IfNotPresent"),
])
def test_a_containers_pull_policy_follows_its_tag(image: str, policy: str) -> None:
    spec: dict[str, Any] = {"containers": [{"name": "c", "image": image}]}
    defaults.pod_spec(spec)
    assert spec["containers"][0]["imagePullPolicy"] == policy


def _pod(*resources: dict[str, Any]) -> dict[str, Any]:
    return {"spec": {"containers": [{"name": f"c{i}", "image": "x", "resources": r}
                                    for i, r in enumerate(resources)]}}


@pytest.mark.parametrize(("pod", "qos"), [
    (_pod({}), "BestEffort"),
    (_pod({"limits": {"cpu": "1", "memory": "1Gi"}}), "Guaranteed"),
    (_pod({"limits": {"cpu": "1", "memory": "1Gi"}}, {"requests": {"cpu": "1"}}), "Burstable"),
    (_pod({"requests": {"cpu": "1", "memory": "1Gi"}, "limits": {"cpu": "2", "memory": "1Gi"}}), "Burstable"),
])
def test_a_new_pod_gets_its_qos_class(pod: dict[str, Any], qos: str) -> None:
    defaults.apply(pod, "Pod", "v1", creating=True)
    assert pod["status"] == {"phase": "Pending", "qosClass": qos}


def test_tolerations_already_there_are_not_added_twice_and_updates_get_them_but_no_status() -> None:
    everything = {"operator": "Exists"}
    pod = {"spec": {"containers": [], "tolerations": [everything]}}
    defaults.apply(pod, "Pod", "v1", creating=True)
    assert pod["spec"]["tolerations"] == [everything]
    updated: dict[str, Any] = {"spec": {"containers": []}}
    defaults.apply(updated, "Pod", "v1", creating=False)  # DefaultTolerationSeconds admits updates too
    assert [t["key"] for t in updated["spec"]["tolerations"]] == ["node.kubernetes.io/not-ready",
                                                                   "node.kubernetes.io/unreachable"]
    assert "status" not in updated and "priority" not in updated["spec"]


def test_what_the_client_set_is_kept() -> None:
    d = {"spec": {"replicas": 0, "strategy": {"type": "Recreate"}, "template": {"spec": {
        "containers": [{"name": "c", "image": "x", "imagePullPolicy": "Never"}], "restartPolicy": "Never"}}}}
    defaults.apply(d, "Deployment", "apps/v1", creating=True)
    assert d["spec"]["replicas"] == 0 and d["spec"]["strategy"] == {"type": "Recreate"}
    assert d["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"] == "Never"
    assert d["spec"]["template"]["spec"]["restartPolicy"] == "Never"


def test_a_services_ip_and_node_port_are_drawn_from_its_uid() -> None:
    def made(uid: str) -> dict[str, Any]:
        svc = {"spec": {"type": "NodePort", "ports": [{"port": 80}]}}
        return defaults.apply(svc, "Service", "v1", creating=True, uid=uid)
    assert made("a") == made("a") != made("b")
    spec = made("a")["spec"]
    assert 30000 <= spec["ports"][0]["nodePort"] < 32768 and spec["clusterIPs"] == [spec["clusterIP"]]
    headless = defaults.apply({"spec": {"clusterIP": "None"}}, "Service", "v1", creating=True, uid="a")
    assert headless["spec"]["clusterIPs"] == ["None"]


def _job(template_meta: dict[str, Any] | None, meta: dict[str, Any] | None = None, **spec: Any) -> dict[str, Any]:
    template = {"spec": {}} if template_meta is None else {"metadata": template_meta, "spec": {}}
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j", **(meta or {})},
            "spec": {"template": template, **spec}}


@pytest.mark.parametrize(("prepared", "short"), [
    (_job(None), True), (_job({}), True), (_job({"labels": None}), True),
    (_job({"labels": {}}), False),  # (a label map, if empty, is the Job's: the selector's labels go into it)
    (_job({"labels": {"app": "x"}}), False), (_job(None, {"labels": {"mine": "y"}}), False),
    (_job(None, {"labels": {}}), True), (_job(None, manualSelector=True), False),
    ({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "c"}}, True),
    ({"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "v"}}, False),
    ({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "c"}}, False),
])
def test_what_a_create_stores_short_of_its_read_form(prepared: dict[str, Any], short: bool) -> None:
    assert defaults.stored_short(prepared) is short
