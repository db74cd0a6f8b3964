"""LimitRanger as a table: what it sets and says, and how it compares amounts (the reference's answers are in
tests/writes_differential.py, `_limit_ranges`)."""

from __future__ import annotations

from typing import Any

import pytest

from proxy.apiserver import limitranger


def _range(*limits: dict[str, Any]) -> dict[str, Any]:
    return {"metadata": {"name": "r"}, "spec": {"limits": list(limits)}}


def test_defaults_fill_what_each_container_leaves_out_and_the_last_range_that_set_anything_says_so() -> None:
    pod = {"spec": {"initContainers": [{"name": "i"}], "containers": [
        {"name": "a", "resources": {"limits": {"cpu": "1"}, "requests": {"cpu": "1"}}}, {"name": "b"}]}}
    first = _range({"type": "Container", "default": {"cpu": "200m", "memory": "64Mi"},
                    "defaultRequest": {"cpu": "100m", "memory": "64Mi"}})
    second = _range({"type": "Container", "default": {"ephemeral-storage": "1Gi"}})
    limitranger.mutate(pod, [first, second])
    a, b = pod["spec"]["containers"]
    assert a["resources"] == {"limits": {"cpu": "1", "memory": "64Mi", "ephemeral-storage": "1Gi"},
                              "requests": {"cpu": "1", "memory": "64Mi"}}
    assert b["resources"]["requests"] == {"cpu": "100m", "memory": "64Mi"}
    assert pod["metadata"]["annotations"][limitranger.ANNOTATION] == (
        "LimitRanger plugin set: ephemeral-storage limit for container a; ephemeral-storage limit for container b; "
        "ephemeral-storage limit for init container i")


@pytest.mark.parametrize(("limit", "resources", "said"), [
    ({"min": {"cpu": "100m"}}, {}, "minimum cpu usage per Container is 100m.  No request is specified"),
    ({"min": {"cpu": "100m"}}, {"requests": {"cpu": "100m"}, "limits": {"cpu": "50m"}},
     "minimum cpu usage per Container is 100m, but limit is 50m"),
    ({"max": {"memory": "1Gi"}}, {"requests": {"memory": "2Gi"}},
     "maximum memory usage per Container is 1Gi.  No limit is specified"),
    ({"max": {"cpu": "1"}}, {"requests": {"cpu": "1001m"}, "limits": {"cpu": "1"}},
     "maximum cpu usage per Container is 1, but request is 1001m"),
    ({"maxLimitRequestRatio": {"cpu": "2"}}, {"requests": {"cpu": "100m"}, "limits": {"cpu": "250m"}},
     "cpu max limit to request ratio per Container is 2, but provided ratio is 2.500000"),
    ({"maxLimitRequestRatio": {"cpu": "2"}}, {"limits": {"cpu": "250m"}},
     "cpu max limit to request ratio per Container is 2, but no request is specified or request is 0"),
    ({"max": {"cpu": "1"}}, {"requests": {"cpu": "1000100u"}, "limits": {"cpu": "1"}},  # (thousandths rounded up)
     "maximum cpu usage per Container is 1, but request is 1000100u"),
    ({"max": {"cpu": "1"}, "min": {"cpu": "1"}}, {"requests": {"cpu": "1"}, "limits": {"cpu": "1"}}, ""),
])
def test_a_containers_bounds(limit: dict[str, Any], resources: dict[str, Any], said: str) -> None:
    pod = {"spec": {"containers": [{"name": "c", "resources": resources}]}}
    assert limitranger.pod_refusal(pod, [_range({"type": "Container", **limit})]) == said


def test_a_pods_bounds_count_its_sidecars_and_its_first_refusing_range_speaks_with_all_it_finds() -> None:
    pod = {"spec": {"initContainers": [{"name": "s", "restartPolicy": "Always",
                                        "resources": {"limits": {"memory": "600Mi"}}}],
                    "containers": [{"name": "c", "resources": {"limits": {"memory": "600Mi"}}}]}}
    lenient = _range({"type": "Pod", "max": {"memory": "2Gi"}})
    strict = _range({"type": "Pod", "max": {"memory": "1Gi"}, "min": {"memory": "1Mi"}})
    assert limitranger.pod_refusal(pod, [lenient, strict]) == (
        "[minimum memory usage per Pod is 1Mi.  No request is specified, "
        "maximum memory usage per Pod is 1Gi, but limit is 1200Mi]")


def test_a_claims_storage_is_judged_on_its_request() -> None:
    claim = {"spec": {"resources": {"requests": {"storage": "20Gi"}}}}
    bounds = _range({"type": "PersistentVolumeClaim", "min": {"storage": "1Gi"}, "max": {"storage": "10Gi"}})
    assert limitranger.claim_refusal(claim, [bounds]) == \
        "maximum storage usage per PersistentVolumeClaim is 10Gi, but request is 20Gi"
    assert limitranger.claim_refusal({"spec": {}}, [bounds]) == (
        "[minimum storage usage per PersistentVolumeClaim is 1Gi.  No request is specified, "
        "maximum storage usage per PersistentVolumeClaim is 10Gi.  No request is specified]")
