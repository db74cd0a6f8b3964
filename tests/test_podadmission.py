"""The pod admission plugins that read other objects (apiserver/podadmission.py) where the differential against the
real apiserver (test_write_options_realkube.py) cannot go: a global default PriorityClass would change every other
test's pods on the shared cluster; the merge of tolerations in its corners."""

from __future__ import annotations

from typing import Any

import pytest
from watchproxy.apiserver import podadmission, writes

_T = writes.Target("", "v1", "pods", "Pod", True, "ns", "p")


def _class(name: str, value: int, default: bool = False, policy: str = "PreemptLowerPriority") -> dict[str, Any]:
    return {"metadata": {"name": name}, "value": value, "globalDefault": default, "preemptionPolicy": policy}


def test_a_pod_without_a_class_gets_the_lowest_global_default_classes_priority() -> None:
    pod: dict[str, Any] = {"spec": {}}
    classes = [_class("high", 100, True), _class("low", 5, True, "Never"), _class("other", 1)]
    assert podadmission.priority(_T, pod, "p", classes) is None
    assert pod["spec"] == {"priorityClassName": "low", "priority": 5, "preemptionPolicy": "Never"}
    plain: dict[str, Any] = {"spec": {}}
    assert podadmission.priority(_T, plain, "p", None) is None  # (a replay without classes: no default one)
    assert plain["spec"] == {"priority": 0, "preemptionPolicy": "PreemptLowerPriority"}


def test_a_class_a_replay_cannot_look_up_is_let_through() -> None:
    pod: dict[str, Any] = {"spec": {"priorityClassName": "somewhere"}}
    assert podadmission.priority(_T, pod, "p", None) is None and pod["spec"] == {"priorityClassName": "somewhere"}
    refused = podadmission.priority(_T, pod, "p", [])
    assert refused is not None and refused.code == 403


_EXISTS_ALL = {"operator": "Exists"}
_NOT_READY = {"key": "k", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}


@pytest.mark.parametrize(("first", "second", "merged"), [
    ([_NOT_READY], [_NOT_READY], [_NOT_READY]),
    ([_NOT_READY], [{**_NOT_READY, "tolerationSeconds": 60}], [_NOT_READY]),
    ([{**_NOT_READY, "tolerationSeconds": 60}], [_NOT_READY], [_NOT_READY]),
    ([{"key": "k", "value": "v", "operator": "Equal"}], [{"key": "k", "operator": "Exists"}],
     [{"key": "k", "operator": "Exists"}]),
    ([{"key": "a", "operator": "Exists"}], [_EXISTS_ALL], [_EXISTS_ALL]),
    ([{"key": "a", "operator": "Exists", "effect": "NoSchedule"}], [{"key": "b", "operator": "Exists"}],
     [{"key": "a", "operator": "Exists", "effect": "NoSchedule"}, {"key": "b", "operator": "Exists"}]),
])
def test_tolerations_are_merged_without_one_another_covers(first: list[dict[str, Any]], second: list[dict[str, Any]],
                                                           merged: list[dict[str, Any]]) -> None:
    assert podadmission.merge_tolerations(first, second) == merged
