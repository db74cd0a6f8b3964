"""The LimitRanger admission plugin (plugin/pkg/admission/limitranger), on in kube-apiserver's default chain and
in the reference: a namespace's LimitRanges give a new pod's containers the requests and limits they leave out
(its mutating half, before validation; the pod's `kubernetes.io/limit-ranger` annotation says what it set), and
refuse, with a 403, a new pod or a PersistentVolumeClaim written that breaks a minimum, a maximum or a limit to
request ratio (its validating half, after validation). A pod's update is not its business (containers cannot
change), but its resize (the `resize` subresource) is: defaulted and judged alike.

The LimitRanges are read in name order (the apiserver's lister has none: with several that refuse, which one
speaks differs there), and a limit's resources in name order (Go's map order)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from fractions import Fraction
from typing import Any

from ..wire.gostrings import aggregate
from . import podresources
from .objects import as_dict, dicts
from .quantity import Amount

Obj = dict[str, Any]
LIMIT_RANGES = "/api/v1/limitranges"
ANNOTATION = "kubernetes.io/limit-ranger"
_MAX_MILLI = ((1 << 63) - 1) // 1000  # (resource.MaxMilliValue)


def mutate(pod: Obj, ranges: Iterable[Obj]) -> None:
    """PodMutateLimitFunc of each LimitRange: its Container limits' defaults for what each container (then each
    init container) leaves out, and the annotation of the last range that set anything."""
    spec = as_dict(pod.get("spec"))
    for limit_range in ranges:
        requests: dict[str, Any] = {}
        limits: dict[str, Any] = {}
        for limit in dicts(as_dict(limit_range.get("spec")).get("limits")):
            if limit.get("type") == "Container":
                requests.update(as_dict(limit.get("defaultRequest")))
                limits.update(as_dict(limit.get("default")))
        said: list[str] = []
        for field, what in (("containers", "container"), ("initContainers", "init container")):
            for container in dicts(spec.get(field)):
                resources = container.setdefault("resources", {})
                for which, defaults, kind in (("requests", requests, "request"), ("limits", limits, "limit")):
                    held = resources.setdefault(which, {})
                    added = sorted(name for name in defaults if name not in held)
                    held.update({name: defaults[name] for name in added})
                    if added:
                        said.append(f"{', '.join(added)} {kind} for {what} {container.get('name', '')}")
        if said:
            meta = pod.setdefault("metadata", {})
            meta["annotations"] = {**as_dict(meta.get("annotations")), ANNOTATION: "LimitRanger plugin set: " +
                                   "; ".join(said)}


def pod_refusal(pod: Obj, ranges: Iterable[Obj]) -> str:
    """PodValidateLimitFunc: why the first LimitRange the pod breaks refuses it (all it breaks of that one), ""."""
    spec = as_dict(pod.get("spec"))
    for limit_range in ranges:
        errors: list[str] = []
        for limit in dicts(as_dict(limit_range.get("spec")).get("limits")):
            kind = str(limit.get("type") or "")
            if kind == "Container":
                for container in [*dicts(spec.get("containers")), *dicts(spec.get("initContainers"))]:
                    resources = as_dict(container.get("resources"))
                    errors += _bounds(kind, limit, _amounts(resources.get("requests")),
                                      _amounts(resources.get("limits")))
            elif kind == "Pod":
                errors += _bounds(kind, limit, _pod_level(spec, "requests"), _pod_level(spec, "limits"))
        if errors:
            return aggregate(errors)
    return ""


def claim_refusal(claim: Obj, ranges: Iterable[Obj]) -> str:
    """PersistentVolumeClaimValidateLimitFunc: a claim's requested storage within its PersistentVolumeClaim
    limits' minimum and maximum."""
    requests = _amounts(as_dict(as_dict(claim.get("spec")).get("resources")).get("requests"))
    for limit_range in ranges:
        errors = []
        for limit in dicts(as_dict(limit_range.get("spec")).get("limits")):
            if limit.get("type") == "PersistentVolumeClaim":
                errors += [e for name, floor in _sorted(limit.get("min"))
                           if (e := _min(str(limit["type"]), name, floor, requests, {}))]
                errors += [e for name, ceiling in _sorted(limit.get("max"))
                           if (e := _max_request(str(limit["type"]), name, ceiling, requests))]
        if errors:
            return aggregate(errors)
    return ""


Amounts = dict[str, Amount]


def _sorted(listed: Any) -> list[tuple[str, Amount]]:
    return sorted(_amounts(listed).items())


def _amounts(listed: Any) -> Amounts:
    return {name: amount for name, text in as_dict(listed).items() if (amount := Amount.of(text)) is not None}


def _pod_level(spec: Obj, which: str) -> Amounts:
    """podRequests or podLimits: the containers' aggregate, the pod-level amount of cpu and memory instead
    where the pod sets one."""
    total = podresources.aggregate(spec, which)
    total.update({name: amount for name, amount in _amounts(as_dict(spec.get("resources")).get(which)).items()
                  if name in ("cpu", "memory")})
    return total


def _bounds(kind: str, limit: Obj, requests: Amounts, limits: Amounts) -> list[str]:
    found = [_min(kind, name, floor, requests, limits) for name, floor in _sorted(limit.get("min"))]
    found += [_max(kind, name, ceiling, requests, limits) for name, ceiling in _sorted(limit.get("max"))]
    found += [_ratio(kind, name, most, requests, limits) for name, most in _sorted(limit.get("maxLimitRequestRatio"))]
    return [e for e in found if e]


def _scaled(*amounts: Amount | None) -> list[int]:
    """requestLimitEnforcedValues: the amounts in thousandths where none overflows so, else whole (each rounded
    up, as Value and MilliValue round)."""
    values = [a.value if a is not None else Fraction(0) for a in amounts]
    if all(math.ceil(v) <= _MAX_MILLI for v in values):
        return [math.ceil(v * 1000) for v in values]
    return [math.ceil(v) for v in values]


def _min(kind: str, name: str, floor: Amount, requests: Amounts, limits: Amounts) -> str:
    request, limit = requests.get(name), limits.get(name)
    asked, capped, least = _scaled(request, limit, floor)
    if request is None:
        return f"minimum {name} usage per {kind} is {floor}.  No request is specified"
    if asked < least:
        return f"minimum {name} usage per {kind} is {floor}, but request is {request}"
    if limit is not None and capped < least:
        return f"minimum {name} usage per {kind} is {floor}, but limit is {limit}"
    return ""


def _max_request(kind: str, name: str, ceiling: Amount, requests: Amounts) -> str:
    request = requests.get(name)
    asked, _, most = _scaled(request, None, ceiling)
    if request is None:
        return f"maximum {name} usage per {kind} is {ceiling}.  No request is specified"
    return f"maximum {name} usage per {kind} is {ceiling}, but request is {request}" if asked > most else ""


def _max(kind: str, name: str, ceiling: Amount, requests: Amounts, limits: Amounts) -> str:
    request, limit = requests.get(name), limits.get(name)
    asked, capped, most = _scaled(request, limit, ceiling)
    if limit is None:
        return f"maximum {name} usage per {kind} is {ceiling}.  No limit is specified"
    if capped > most:
        return f"maximum {name} usage per {kind} is {ceiling}, but limit is {limit}"
    if request is not None and asked > most:
        return f"maximum {name} usage per {kind} is {ceiling}, but request is {request}"
    return ""


def _ratio(kind: str, name: str, most: Amount, requests: Amounts, limits: Amounts) -> str:
    request, limit = requests.get(name), limits.get(name)
    asked, capped, _ = _scaled(request, limit, most)
    head = f"{name} max limit to request ratio per {kind} is {most}"
    if request is None or asked == 0:
        return f"{head}, but no request is specified or request is 0"
    if limit is None or capped == 0:
        return f"{head}, but no limit is specified or limit is 0"
    shown = observed = capped / asked
    allowed = float(math.ceil(most.value))
    if math.ceil(most.value) <= _MAX_MILLI:
        observed, allowed = observed * 1000, float(math.ceil(most.value * 1000))
    return f"{head}, but provided ratio is {shown:f}" if observed > allowed else ""
