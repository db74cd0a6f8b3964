"""The mutating admission plugins of kube-apiserver's default chain that read other objects to admit a new pod,
in the chain's order: Priority (plugin/pkg/admission/priority: the pod's priority and preemption policy come from
its PriorityClass, or from the cluster's global default class, and a pod may not set them otherwise),
RuntimeClass (plugin/pkg/admission/runtimeclass: the class must exist; its overhead and scheduling are copied
into the pod) and PodTopologyLabels (binding.py: a node's zone and region). They run before the pod is
validated, and refuse with a 403; RuntimeClass's validating half, after validation, refuses an overhead no
class defines (`overhead_refusal`).

A replay that holds no PriorityClasses or RuntimeClasses at all (`None` for the lookups) skips what needs them
(a pod without a class still gets the priority 0 of a cluster without a default one)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..wire.gostrings import quote
from . import quantity
from .internal import semantic
from .podvalidation import as_dict, dicts
from .writes import Outcome, Target, fail

Obj = dict[str, Any]
Lookup = Callable[[str], Obj | None]
PRIORITY_CLASSES = "/apis/scheduling.k8s.io/v1/priorityclasses"
RUNTIME_CLASSES = "/apis/node.k8s.io/v1/runtimeclasses"


def forbidden(t: Target, name: str, why: str) -> Outcome:
    """admission.NewForbidden: the plugin's refusal of the object, a 403 naming it (`Unknown` where the request
    named none and the object has no name yet, nor a generateName: extractResourceName)."""
    name = name or "Unknown"
    return fail(403, f'{t.qualified} {quote(name)} is forbidden: {why}', "Forbidden",
                {"name": name, "group": t.group, "kind": t.resource})


def priority(t: Target, pod: Obj, name: str, classes: list[Obj] | None) -> Outcome | None:
    """The Priority plugin on a new pod (`name`: as the request named it): its class's value and preemption
    policy, where the pod names a class; else the lowest global default's, else 0 and PreemptLowerPriority."""
    spec = pod.setdefault("spec", {})
    wanted = str(spec.get("priorityClassName") or "")
    if wanted:
        if classes is None:  # (nothing to look it up in)
            return None
        found = next((c for c in classes if as_dict(c.get("metadata")).get("name") == wanted), None)
        if found is None:
            return forbidden(t, name, f"no PriorityClass with name {wanted} was found")
        value, policy = found.get("value", 0), found.get("preemptionPolicy")
    else:
        defaults = [c for c in classes or [] if c.get("globalDefault") is True]
        value, policy = 0, "PreemptLowerPriority"
        spec.pop("priorityClassName", None)
        if defaults:
            chosen = min(defaults, key=lambda c: c.get("value", 0))
            value, policy = chosen.get("value", 0), chosen.get("preemptionPolicy")
            spec["priorityClassName"] = as_dict(chosen.get("metadata")).get("name", "")
    if (given := spec.get("priority")) is not None and given != value:
        return forbidden(t, name, f"the integer value of priority ({given}) must not be provided in pod spec; "
                                   f"priority admission controller computed {value} from the given PriorityClass name")
    spec["priority"] = value
    if policy is not None:
        if (asked := spec.get("preemptionPolicy")) is not None and asked != policy:
            return forbidden(t, name, f"the string value of PreemptionPolicy ({asked}) must not be provided in pod "
                                       f"spec; priority admission controller computed {policy} from the given "
                                       "PriorityClass name")
        spec["preemptionPolicy"] = policy
    return None


def runtime_class(t: Target, pod: Obj, name: str, lookup: Lookup | None) -> Outcome | None:
    """The RuntimeClass plugin's mutating half on a new pod: the class it names must exist (an empty name is the
    client's own error, a 500); the class's overhead becomes the pod's (one the pod set must be the same), its
    node selector is added to the pod's (a key of another value refused) and its tolerations merged in."""
    spec = pod.setdefault("spec", {})
    wanted = spec.get("runtimeClassName")
    if lookup is None or not isinstance(wanted, str):
        return None
    if not wanted:
        return fail(500, "resource name may not be empty", "")  # (a plain error: a Status without a reason)
    found = lookup(wanted)
    if found is None:
        return forbidden(t, name, f"pod rejected: RuntimeClass {quote(wanted)} not found")
    if isinstance(fixed := as_dict(found.get("overhead")).get("podFixed"), dict):
        if spec.get("overhead") and not _same_amounts(spec["overhead"], fixed):
            return forbidden(t, name, "pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead")
        spec["overhead"] = dict(fixed)
    scheduling = as_dict(found.get("scheduling"))
    selector = scheduling.get("nodeSelector")
    if isinstance(selector, dict) and selector:
        mine = spec.get("nodeSelector")
        if isinstance(mine, dict):
            for key, value in selector.items():
                if key in mine and mine[key] != value:
                    return forbidden(t, name, f"conflict: runtimeClass.scheduling.nodeSelector[{key}] = {value}; "
                                               f"pod.spec.nodeSelector[{key}] = {mine[key]}")
            spec["nodeSelector"] = {**mine, **selector}
        else:
            spec["nodeSelector"] = dict(selector)
    if added := dicts(scheduling.get("tolerations")):
        spec["tolerations"] = merge_tolerations(dicts(spec.get("tolerations")), added)
    return None


def overhead_refusal(t: Target, pod: Obj, name: str, lookup: Lookup | None) -> Outcome | None:
    """The RuntimeClass plugin's validating half on a new pod: an overhead only as its class defines it."""
    if lookup is None:
        return None
    spec = as_dict(pod.get("spec"))
    wanted = spec.get("runtimeClassName")
    found = lookup(wanted) if isinstance(wanted, str) and wanted else None
    fixed = as_dict(found.get("overhead")).get("podFixed") if found is not None else None
    if isinstance(fixed, dict):
        if not _same_amounts(spec.get("overhead") or {}, fixed):
            return forbidden(t, name, "pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead")
    elif spec.get("overhead") is not None:
        return forbidden(t, name, "pod rejected: Pod Overhead set without corresponding RuntimeClass defined Overhead")
    return None


def _same_amounts(a: Any, b: Any) -> bool:
    """Semantic.DeepEqual of two ResourceLists: the same names, each the same quantity."""
    if not isinstance(a, dict) or not isinstance(b, dict) or set(a) != set(b):
        return False
    return all(quantity.parsed(str(a[k])) == quantity.parsed(str(b[k])) for k in a)


def merge_tolerations(first: list[Obj], second: list[Obj]) -> list[Obj]:
    """tolerations.MergeTolerations: both lists, without a toleration another one tolerates a superset of (the
    first of equal ones kept)."""
    every, merged = first + second, list[Obj]()
    for i, t in enumerate(every):
        if any(_superset(kept, t) for kept in merged):
            continue
        if any(semantic(t) != semantic(later) and _superset(later, t) for later in every[i + 1:]):
            continue
        merged.append(t)
    return merged


def _superset(ss: Obj, t: Obj) -> bool:
    """isSuperset: whether `ss` tolerates whatever `t` does."""
    if semantic(ss) == semantic(t):
        return True
    key, ss_key, ss_op = t.get("key") or "", ss.get("key") or "", ss.get("operator") or ""
    if key != ss_key and (ss_key or ss_op != "Exists"):
        return False
    if (t.get("effect") or "") != (ss.get("effect") or "") and ss.get("effect"):
        return False
    limit, mine = ss.get("tolerationSeconds"), t.get("tolerationSeconds")
    if ss.get("effect") == "NoExecute" and limit is not None and (mine is None or mine > limit):
        return False
    if ss_op in ("Equal", ""):
        return t.get("operator") == "Equal" and (t.get("value") or "") == (ss.get("value") or "")
    return ss_op == "Exists"
