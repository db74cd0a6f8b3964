"""The eviction model (apiserver/eviction.py) in the cases the real apiserver beside the tests cannot show:
it runs no disruption controller, so its budgets never allow a disruption (the differential in
writes_differential.py covers the rest against it)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from watchproxy.apiserver import eviction, writes
from watchproxy.wire.selectors import selector_matches

POD = writes.Target("", "v1", "pods", "Pod", True, "default", "web-0", "eviction")
STAMP = writes.Stamp(dt.datetime(2026, 1, 1, tzinfo=dt.UTC), "uid-1", "bcdfg")
NO_OPTIONS = writes.Options()
EVICTION = {"apiVersion": "policy/v1", "kind": "Eviction", "metadata": {"name": "web-0"}}


def _pod(phase: str = "Running", ready: bool = True, labels: dict[str, str] | None = None) -> dict[str, Any]:
    return {"kind": "Pod", "metadata": {"name": "web-0", "namespace": "default", "uid": "u", "resourceVersion": "7",
                                        "labels": labels if labels is not None else {"app": "web"}},
            "spec": {"nodeName": "n1", "containers": [{"name": "c"}]},
            "status": {"phase": phase, "conditions": [{"type": "Ready", "status": "True" if ready else "False"}]}}


def _pdb(name: str = "keep", allowed: int = 1, healthy: int = 2, desired: int = 1, selector: Any = None,
         **spec: Any) -> dict[str, Any]:
    return {"metadata": {"name": name, "namespace": "default", "generation": 1, "resourceVersion": "3"},
            "spec": {"selector": {"matchLabels": {"app": "web"}} if selector is None else selector, **spec},
            "status": {"observedGeneration": 1, "disruptionsAllowed": allowed, "currentHealthy": healthy,
                       "desiredHealthy": desired}}


def _evict(pod: dict[str, Any] | None, pdbs: list[dict[str, Any]], body: Any = EVICTION,
           opts: writes.Options = NO_OPTIONS) -> tuple[writes.Outcome, list[writes.Commit]]:
    budget_changes: list[writes.Commit] = []
    return eviction.evict(POD, pod, body, STAMP, opts, pdbs, budget_changes.append), budget_changes


@pytest.mark.parametrize(("pdbs", "code", "cause"), [
    ([], 201, None),
    ([_pdb(selector={"matchLabels": {"app": "other"}})], 201, None),
    ([_pdb(allowed=1)], 201, None),
    ([_pdb(allowed=0, healthy=1, desired=1)], 429,
     "The disruption budget keep needs 1 healthy pods and has 1 currently"),
    ([_pdb(allowed=0, healthy=3, desired=1)], 429, "The disruption budget keep does not allow evicting pods currently"),
    ([_pdb(allowed=-1)], 403, "The disruption budget keep does not allow evicting pods currently: pdb disruptions "
                              "allowed is negative"),
])
def test_a_running_pod_is_evicted_only_as_its_budget_allows(pdbs: list[dict[str, Any]], code: int,
                                                             cause: str | None) -> None:
    outcome, budget_changes = _evict(_pod(), pdbs)
    assert outcome.code == code
    if cause is not None:
        assert outcome.body["details"]["causes"] == [{"reason": "DisruptionBudget", "message": cause}]
    if code != 201:
        assert (outcome.commits, budget_changes) == ([], [])


def test_two_budgets_are_a_failure_status_without_a_reason() -> None:
    outcome, budget_changes = _evict(_pod(), [_pdb(), _pdb("second")])
    assert (outcome.code, outcome.body["status"], "reason" in outcome.body, outcome.commits, budget_changes) == \
        (500, "Failure", False, [], [])


def test_an_allowed_eviction_spends_the_budget_marks_the_pod_and_deletes_it_gracefully() -> None:
    outcome, budget_changes = _evict(_pod(), [_pdb(allowed=1)])
    assert outcome.body == {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201}
    [budget] = budget_changes
    assert budget.obj["status"]["disruptionsAllowed"] == 0
    assert budget.obj["status"]["disruptedPods"] == {"web-0": "2026-01-01T00:00:00Z"}
    assert budget.obj["status"]["conditions"][-1]["reason"] == "InsufficientPods"
    marked, deleting = outcome.commits
    assert marked.obj["status"]["conditions"][-1]["reason"] == "EvictionByEvictionAPI"
    assert (deleting.type, deleting.obj["metadata"]["deletionGracePeriodSeconds"]) == ("MODIFIED", 30)


@pytest.mark.parametrize(("pod", "pdb"), [
    (_pod(phase="Pending"), _pdb(allowed=0)),
    (_pod(phase="Succeeded"), _pdb(allowed=0)),
    (_pod(ready=False), _pdb(allowed=0, unhealthyPodEvictionPolicy="AlwaysAllow")),
    (_pod(ready=False), _pdb(allowed=0, healthy=2, desired=2)),
])
def test_pods_that_cannot_disrupt_more_go_whatever_the_budget(pod: dict[str, Any], pdb: dict[str, Any]) -> None:
    outcome, budget_changes = _evict(pod, [pdb])
    assert (outcome.code, budget_changes) == (201, [])


@pytest.mark.parametrize(("body", "code", "message"), [
    ({**EVICTION, "metadata": {"name": "web-1"}}, 400, "name in URL does not match name in Eviction object"),
    ({"kind": "Pod"}, 400, 'no kind "Pod" is registered for version "policy/v1"'),  # (its version is the endpoint's)
])
def test_an_eviction_that_is_not_one_is_a_bad_request(body: Any, code: int, message: str) -> None:
    outcome, _ = _evict(_pod(), [], body)
    assert outcome.code == code and message in outcome.body["message"]


def test_dry_run_and_a_stale_precondition_change_nothing() -> None:
    dry, budget_changes = _evict(_pod(), [_pdb()], opts=writes.Options(dry_run=True))
    assert (dry.code, dry.commits, budget_changes) == (201, [], [])
    stale, budget_changes = _evict(_pod(), [_pdb()], opts=writes.Options(precondition_rv="6"))
    assert (stale.code, stale.body["reason"], stale.commits, budget_changes) == (409, "Conflict", [], [])


def test_an_empty_selector_selects_every_pod_and_none_selects_nothing() -> None:
    assert selector_matches({}, {"app": "web"}) and not selector_matches(None, {"app": "web"})
    expr = {"matchExpressions": [{"key": "app", "operator": "In", "values": ["web", "api"]}]}
    assert selector_matches(expr, {"app": "api"}) and not selector_matches(expr, {"app": "db"})


def test_a_pod_evicted_again_is_not_marked_again() -> None:
    """podutil.UpdatePodCondition: the DisruptionTarget condition already there, with the same status, keeps
    its transition time, so the pod is not written again (no new resourceVersion, no event); its deletion is
    already pending."""
    first, _ = _evict(_pod(), [])
    marked, deleting = first.commits
    pod = {**deleting.obj, "metadata": {**deleting.obj["metadata"], "resourceVersion": "9"}}
    later = dataclasses.replace(STAMP, wall=STAMP.wall + dt.timedelta(seconds=5))
    again = eviction.evict(POD, pod, EVICTION, later, NO_OPTIONS, [], lambda _: None)
    assert (again.code, again.commits) == (201, [])
    assert marked.obj["status"]["conditions"][-1]["lastTransitionTime"] == "2026-01-01T00:00:00Z"
