"""The pods/eviction subresource: `kubectl drain` and node-draining operators evict rather than delete.

As pkg/registry/core/pod/storage/eviction.go decides it: a pod that is Pending, finished or already being
deleted goes at once; otherwise the one PodDisruptionBudget that selects it must allow a disruption (a
429 TooManyRequests, with the budget's reason as a cause, when it does not; when two select it, a 500
Status without a reason). An allowed eviction decrements the budget's `disruptionsAllowed` and notes the
pod in `disruptedPods`, marks the pod with the DisruptionTarget condition, then deletes it as a DELETE
with the eviction's deleteOptions would (a bound pod waits for its kubelet). The answer is a Status
Success, 201.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

from ..wire.gostrings import quote
from ..wire.selectors import selector_matches
from ..wire.status import created_success, status
from . import decoding
from .goorder import other_type_error
from .podconditions import with_condition
from .writes import Commit, Options, Outcome, Stamp, Target, delete, fail, unmet_delete_precondition

PDB_PATH = "/apis/policy/v1/poddisruptionbudgets"
_DISRUPTION_TARGET = {"type": "DisruptionTarget", "status": "True", "reason": "EvictionByEvictionAPI",
                      "message": "Eviction API: evicting"}
_VERSIONS = ("policy/v1", "policy/v1beta1")  # the versions of an Eviction the subresource takes
_BLOCKED = "Cannot evict pod as it would violate the pod's disruption budget."


def _too_many(message: str, retry_after: int) -> Outcome:
    details: dict[str, Any] = {"retryAfterSeconds": retry_after} if retry_after else {}
    details["causes"] = [{"reason": "DisruptionBudget", "message": message}]
    return Outcome(429, status(429, _BLOCKED, "TooManyRequests", details))


def _ready(pod: dict[str, Any]) -> bool:
    return any(c.get("type") == "Ready" and c.get("status") == "True"
               for c in (pod.get("status") or {}).get("conditions") or [])


def _check_budget(pdb: dict[str, Any]) -> Outcome | None:
    """checkAndDecrement's refusals, or None when the budget allows one more disruption."""
    name, st = pdb["metadata"]["name"], pdb.get("status") or {}
    if int(st.get("observedGeneration") or 0) < int(pdb["metadata"].get("generation") or 0):
        return _too_many(f"The disruption budget {name} is still being processed by the server.", 10)
    allowed = int(st.get("disruptionsAllowed") or 0)
    if allowed < 0:
        return fail(403, f'poddisruptionbudgets.policy {quote(name)} is forbidden: pdb disruptions allowed is negative',
                    "Forbidden", {"name": name, "group": "policy", "kind": "poddisruptionbudgets",
                                  "causes": [{"reason": "DisruptionBudget", "message": f"The disruption budget {name} "
                                              "does not allow evicting pods currently: pdb disruptions allowed is "
                                              "negative"}]})
    if allowed == 0:
        healthy, desired = int(st.get("currentHealthy") or 0), int(st.get("desiredHealthy") or 0)
        if healthy <= desired:
            return _too_many(f"The disruption budget {name} needs {desired} healthy pods and has {healthy} "
                             "currently", 0)
        return _too_many(f"The disruption budget {name} does not allow evicting pods currently", 0)
    return None


def _marked(pod: dict[str, Any], stamp: Stamp) -> dict[str, Any]:
    out = copy.deepcopy(pod)
    out["status"] = with_condition(out.get("status") or {}, _DISRUPTION_TARGET, stamp.timestamp)
    return out


def _decremented(pdb: dict[str, Any], pod_name: str, stamp: Stamp) -> dict[str, Any]:
    out = copy.deepcopy(pdb)
    st = out.setdefault("status", {})
    st["disruptionsAllowed"] = int(st.get("disruptionsAllowed") or 0) - 1
    st["disruptedPods"] = {**(st.get("disruptedPods") or {}), pod_name: stamp.timestamp}
    if st["disruptionsAllowed"] == 0:  # pdbhelper.UpdateDisruptionAllowedCondition
        conds = [c for c in st.get("conditions") or [] if c.get("type") != "DisruptionAllowed"]
        st["conditions"] = [*conds, {"type": "DisruptionAllowed", "status": "False", "reason": "InsufficientPods",
                                     "message": "", "observedGeneration": st.get("observedGeneration", 0),
                                     "lastTransitionTime": stamp.timestamp}]
    return out


def evict(t: Target, pod: dict[str, Any] | None, body: Any, stamp: Stamp, opts: Options,
          pdbs: Sequence[dict[str, Any]], commit_pdb: Callable[[Commit], object]) -> Outcome:
    """POST pods/NAME/eviction. `pdbs`: the namespace's budgets; `commit_pdb` stores a budget's change."""
    if not isinstance(body, dict):
        return fail(400, "the body of an eviction must be an Eviction (policy/v1)", "BadRequest")
    version = str(body["apiVersion"]) if body.get("apiVersion") in _VERSIONS else "policy/v1"  # (it takes both)
    if (error := other_type_error(body, version, "Eviction")) is not None:
        return fail(400, error, "BadRequest")
    if (error := decoding.type_error(body, "Eviction", typed=True, api_version=version)) is not None:
        return fail(400, f'Eviction in version "{version[7:]}" cannot be handled as a Eviction: {error}',
                    "BadRequest")
    if (body.get("metadata") or {}).get("name", "") != t.name:
        return fail(400, "name in URL does not match name in Eviction object", "BadRequest")
    if pod is None:
        return delete(t, None, stamp, opts)  # its 404
    st, meta = pod.get("status") or {}, pod.get("metadata") or {}
    # a pod without a phase (a hand-written recording) is the Pending the apiserver would have made it
    ignorable = st.get("phase", "Pending") in ("Pending", "Succeeded", "Failed") or bool(meta.get("deletionTimestamp"))
    budget: dict[str, Any] | None = None
    if not ignorable:
        labels = meta.get("labels") or {}
        matching = [p for p in pdbs if selector_matches((p.get("spec") or {}).get("selector"), labels)]
        if len(matching) > 1:  # returned as the create's result, not as an error, which the answer's code follows
            return Outcome(500, {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                                 "message": "This pod has more than one PodDisruptionBudget, which the eviction "
                                            "subresource does not support.", "code": 500})
        if matching:
            pdb = matching[0]
            spec_policy = (pdb.get("spec") or {}).get("unhealthyPodEvictionPolicy")
            pst = pdb.get("status") or {}
            unready_ok = not _ready(pod) and (
                spec_policy == "AlwaysAllow" or
                0 < int(pst.get("desiredHealthy") or 0) <= int(pst.get("currentHealthy") or 0))
            if not unready_ok:
                refused = _check_budget(pdb)
                if refused is not None:
                    return refused
                budget = pdb
    # (the eviction checks the deleteOptions' preconditions itself, before it marks the pod)
    if (refused := unmet_delete_precondition(t, meta, opts)) is not None:
        return refused
    if budget is not None and not opts.dry_run:
        commit_pdb(Commit("MODIFIED", (budget["metadata"].get("namespace", ""), budget["metadata"]["name"]),
                          _decremented(budget, t.name, stamp)))
    commits: list[Commit] = []
    current = pod
    if not opts.dry_run:
        marked = _marked(pod, stamp)
        if marked != pod:  # an unchanged pod is not written again
            marked["metadata"] = {k: v for k, v in marked["metadata"].items() if k != "resourceVersion"}
            commits.append(Commit("MODIFIED", t.key(), marked))
            current = marked
    deleted = delete(t, current, stamp, dataclasses.replace(opts, precondition_rv=""))  # checked above
    if deleted.code >= 400:
        return deleted
    return Outcome(201, created_success(), [*commits, *deleted.commits])
