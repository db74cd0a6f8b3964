"""The binding model (apiserver/binding.py) as tables: what a Binding does to a pod and when it is refused,
and the admission that goes with it. The random sequences of tests/test_writes_random_realkube.py
("bindings") and tests/test_go_scheduler.py compare the same against the real kube-apiserver."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from watchproxy.apiserver import binding, defaults, writes

SUBRESOURCE = writes.Target("", "v1", "pods", "Pod", True, "default", "web-0", "binding")
LEGACY = writes.Target("", "v1", "pods", "Pod", True, "default", "", "binding")
STAMP = writes.Stamp(dt.datetime(2026, 1, 1, tzinfo=dt.UTC), "uid-1", "bcdfg")
NODE = {"metadata": {"name": "n1", "labels": {"topology.kubernetes.io/zone": "z1", "kubernetes.io/os": "linux"}}}
GATED = {"type": "PodScheduled", "status": "False", "reason": "SchedulingGated", "message": "blocked",
         "lastProbeTime": None, "lastTransitionTime": "2025-12-31T00:00:00Z"}


def _pod(**spec: Any) -> dict[str, Any]:
    return {"kind": "Pod", "metadata": {"name": "web-0", "namespace": "default", "uid": "u", "resourceVersion": "7",
                                        "labels": {"app": "web"}, "annotations": {"kept": "1"},
                                        "managedFields": [{"manager": "kubectl"}]},
            "spec": {"containers": [{"name": "c"}], **spec},
            "status": {"phase": "Pending", "nominatedNodeName": "n9", "conditions": [GATED]}}


def _binding(target: dict[str, Any] | None = None, **meta: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Binding", "metadata": {"name": "web-0", **meta},
            "target": {"kind": "Node", "name": "n1"} if target is None else target}


def _bind(body: dict[str, Any], pod: dict[str, Any] | None = None, t: writes.Target = SUBRESOURCE,
          dry_run: bool = False) -> writes.Outcome:
    nodes = {"n1": NODE}
    return binding.bind(t, body, STAMP, writes.Options(dry_run=dry_run), lambda name: pod if name == "web-0" else None,
                        nodes.get)


def test_a_bound_pod_has_the_node_its_labels_and_the_scheduled_condition() -> None:
    body = _binding(annotations={"a": "1", "pod.beta.kubernetes.io/init-containers": "[]"},
                    labels={"app": "other", "topology.kubernetes.io/zone": "mine"})
    outcome = _bind(body, _pod())
    assert (outcome.code, outcome.body["status"]) == (201, "Success")
    [commit] = outcome.commits
    pod = commit.obj
    assert (commit.type, commit.key, pod["spec"]["nodeName"]) == ("MODIFIED", ("default", "web-0"), "n1")
    # the node's topology labels over the Binding's own (admission), the Binding's over the pod's
    assert pod["metadata"]["labels"] == {"app": "other", "topology.kubernetes.io/zone": "z1"}
    assert pod["metadata"]["annotations"] == {"kept": "1", "a": "1"}  # the legacy init-container one dropped
    assert pod["metadata"]["managedFields"] == [{"manager": "kubectl"}]  # past the field manager
    assert "resourceVersion" not in pod["metadata"]  # the commit gives the next one
    # the condition replaced whole (no reason left), a new transition time; no nominated node
    assert pod["status"] == {"phase": "Pending", "conditions": [
        {"type": "PodScheduled", "status": "True", "lastProbeTime": None, "lastTransitionTime": STAMP.timestamp}]}


@pytest.mark.parametrize(("target", "t", "labels"), [
    ({"name": "n1"}, SUBRESOURCE, {"app": "web"}),  # an empty kind is a node too, but admission copies only for "Node"
    ({"kind": "Node", "name": "n2"}, SUBRESOURCE, {"app": "web"}),  # a node that does not exist: nothing to copy
    ({"kind": "Node", "name": "n1"}, LEGACY, {"app": "web"}),  # the plugin admits pods/binding, not bindings
])
def test_topology_labels_are_copied_only_from_a_node_named_as_one(target: dict[str, Any], t: writes.Target,
                                                                  labels: dict[str, str]) -> None:
    [commit] = _bind(_binding(target), _pod(), t).commits
    assert commit.obj["metadata"]["labels"] == labels


@pytest.mark.parametrize(("body", "pod", "t", "code", "message"), [
    (_binding(namespace="other"), _pod(), SUBRESOURCE, 400,
     "the namespace of the provided object does not match the namespace sent on the request"),
    ({**_binding(), "metadata": {"name": "web-1"}}, _pod(), SUBRESOURCE, 400,
     "name in URL does not match name in Binding object"),
    (_binding({"kind": "Pod", "name": ""}), _pod(), SUBRESOURCE, 500,
     '[target.kind: Unsupported value: "Pod": supported values: "Node", "<empty>", target.name: Required value]'),
    ({**_binding(), "metadata": {}}, _pod(), LEGACY, 400, "Name parameter required."),
    (_binding(), None, SUBRESOURCE, 404, 'pods "web-0" not found'),
    (_binding(uid="x", resourceVersion="1"), _pod(), SUBRESOURCE, 409,
     'Operation cannot be fulfilled on pods "web-0": StorageError: invalid object, Code: 4, Key: '
     "/registry/pods/default/web-0, ResourceVersion: 0, AdditionalErrorMsg: Precondition failed: UID in "
     "precondition: x, UID in object meta: u"),
    (_binding(uid="x", resourceVersion="1"), _pod(), LEGACY, 409,  # the legacy handler wiped the uid
     'Operation cannot be fulfilled on pods "web-0": StorageError: invalid object, Code: 4, Key: '
     "/registry/pods/default/web-0, ResourceVersion: 0, AdditionalErrorMsg: Precondition failed: ResourceVersion "
     "in precondition: 1, ResourceVersion in object meta: 7"),
    (_binding(), _pod(nodeName="n0"), SUBRESOURCE, 409,
     'Operation cannot be fulfilled on pods/binding "web-0": pod web-0 is already assigned to node "n0"'),
    (_binding(), _pod(schedulingGates=[{"name": "g"}]), SUBRESOURCE, 409,
     'Operation cannot be fulfilled on pods/binding "web-0": pod web-0 has non-empty .spec.schedulingGates'),
])
def test_a_binding_is_refused_as_the_apiserver_refuses_it(body: dict[str, Any], pod: dict[str, Any] | None,
                                                         t: writes.Target, code: int, message: str) -> None:
    outcome = _bind(body, pod, t)
    assert (outcome.code, outcome.body["message"], outcome.commits) == (code, message, [])
    assert ("reason" in outcome.body) == (code != 500)  # the registry's aggregate is no Status


def test_a_dry_run_binds_nothing_and_checks_its_preconditions_without_etcds_prefix() -> None:
    assert _bind(_binding(), _pod(), dry_run=True).commits == []
    refused = _bind(_binding(resourceVersion="1"), _pod(), dry_run=True)
    assert "Key: /pods/default/web-0," in refused.body["message"]


def test_a_pod_created_on_a_node_gets_its_topology_labels_and_a_new_node_its_taint() -> None:
    pod = {"metadata": {"name": "p"}, "spec": {"nodeName": "n1"}}
    binding.admit_pod(pod, {"n1": NODE}.get)
    assert pod["metadata"]["labels"] == {"topology.kubernetes.io/zone": "z1"}
    node = defaults.apply({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n"},
                           "spec": {"taints": [{"key": "k", "effect": "NoExecute"}]}}, "Node", "v1", creating=True)
    assert node["spec"]["taints"] == [{"key": "k", "effect": "NoExecute"}, defaults.NOT_READY_TAINT]
    again = defaults.apply(node, "Node", "v1", creating=True)
    assert again["spec"]["taints"] == node["spec"]["taints"]  # one is enough
