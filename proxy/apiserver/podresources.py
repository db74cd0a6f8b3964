"""Pod-level resources (`spec.resources`, the PodLevelResources feature, on in 1.37): what a pod's containers
add up to (component-helpers' AggregateContainerRequests and AggregateContainerLimits: containers and sidecars
summed, each other init container at its peak), the defaults a created pod gets from them
(DefaultPodLevelResources), the checks of ValidatePodSpec (validatePodResources) and the QoS class
(ComputePodQOS), which pod-level resources decide once they name cpu, memory or huge pages.

Only pods are defaulted so: a template's pod-level resources are checked as they are written."""

from __future__ import annotations

import copy
from typing import Any

from . import resourcelists
from .fielderrors import Cause, forbidden, invalid, key, not_supported
from .objects import as_dict, dicts
from .quantity import Amount

Obj = dict[str, Any]
Amounts = dict[str, Amount]
_SUPPORTED = ("cpu", "hugepages-", "memory")  # (as SupportedPodLevelResources lists them)


def supported(name: str) -> bool:
    """IsSupportedPodLevelResource: cpu, memory, huge pages of any size."""
    return name in resourcelists.QOS_RESOURCES or name.startswith("hugepages-")


def _amounts(container: Obj, which: str) -> Amounts:
    listed = as_dict(as_dict(container.get("resources")).get(which))
    return {name: amount for name, text in listed.items() if (amount := Amount.of(text)) is not None}


def _add(total: Amounts, more: Amounts) -> None:
    for name, amount in more.items():
        total[name] = total[name] + amount if name in total else amount


def _at_least(total: Amounts, more: Amounts) -> None:
    for name, amount in more.items():
        if name not in total or amount.value > total[name].value:
            total[name] = amount


def aggregate(spec: Obj, which: str) -> Amounts:
    """The containers' `which` ("requests" or "limits") as the sidecar KEP adds them: every container and
    restartable init container summed; an init container needs its own plus the sidecars started before it,
    and the pod the most any of those needs."""
    result: Amounts = {}
    for container in dicts(spec.get("containers")):
        _add(result, _amounts(container, which))
    sidecars: Amounts = {}
    peak: Amounts = {}
    for container in dicts(spec.get("initContainers")):
        own = _amounts(container, which)
        if container.get("restartPolicy") == "Always":
            _add(result, own)
            _add(sidecars, own)
            needed = sidecars
        else:
            needed = dict(own)
            _add(needed, sidecars)
        _at_least(peak, needed)
    _at_least(result, peak)
    return result


def _is_set(resources: Any) -> bool:
    """IsPodLevelResourcesSet: a request or a limit of a supported resource."""
    return any(supported(name) for which in ("requests", "limits") for name in as_dict(as_dict(resources).get(which)))


def default(spec: Obj) -> None:
    """DefaultPodLevelResources, on a created pod whose pod-level resources name something: huge page limits
    from the containers' (unless requested), requests from the containers' (cpu and memory) or from the pod's
    limits, then limits where every container has one: the containers' total, or the request if higher."""
    resources = as_dict(spec.get("resources"))
    requests, limits = as_dict(resources.get("requests")), as_dict(resources.get("limits"))
    if not isinstance(spec.get("resources"), dict) or not (requests or limits):
        return
    container_limits = aggregate(spec, "limits")
    for name, amount in sorted(container_limits.items()):
        if name.startswith("hugepages-") and name not in requests and name not in limits:
            limits[name] = str(amount)
    for name, amount in sorted(aggregate(spec, "requests").items()):
        if name in resourcelists.QOS_RESOURCES and name not in requests:
            requests[name] = str(amount)
    for name, limit in limits.items():
        if supported(name) and name not in requests:
            requests[name] = limit
    everyone = [*dicts(spec.get("initContainers")), *dicts(spec.get("containers"))]
    for name in [n for n in requests if supported(n) and n not in limits]:
        if name in container_limits and all(name in as_dict(as_dict(c.get("resources")).get("limits"))
                                            for c in everyone):
            request = Amount.of(requests[name])
            total = container_limits[name]
            limits[name] = requests[name] if request is not None and request.value > total.value else str(total)
    for which, listed in (("requests", requests), ("limits", limits)):
        if listed:
            resources[which] = listed


def keep(new: Obj, old: Obj) -> None:
    """The pod strategy's PrepareForUpdate (PodLevelResourcesFixDefaulting): an update without pod-level
    resources keeps the stored ones, so clients that do not know the field cannot drop them."""
    spec, before = new.get("spec"), as_dict(old.get("spec"))
    if isinstance(spec, dict) and spec.get("resources") is None and before.get("resources") is not None:
        spec["resources"] = copy.deepcopy(before["resources"])


def _pod_resource_name(name: str, path: str) -> list[Cause]:
    """validatePodResourceName: a resource name, and one pod-level resources support."""
    causes = resourcelists.resource_name(name, path)
    return causes or ([] if supported(name) else [not_supported(path, name, _SUPPORTED)])


def validate(spec: Obj, claim_names: set[str], path: str) -> list[Cause]:
    """validatePodResources: not on Windows, no claims; the requirements' names, amounts and bounds; requests no
    less than the containers' together, huge page limits no less than theirs, each container's limits within
    the pod's."""
    if not isinstance(resources := spec.get("resources"), dict):
        return []
    path = f"{path}.resources"
    if as_dict(spec.get("os")).get("name") == "windows":
        return [forbidden(path, "may not be set for a windows pod")]
    causes = [forbidden(f"{path}.claims", "claims may not be set for Resources at pod-level")] \
        if resources.get("claims") is not None else []
    causes += resourcelists.requirements(resources, path, claim_names, _pod_resource_name)
    requests, limits = _amounts(spec, "requests"), _amounts(spec, "limits")
    for name, total in sorted(aggregate(spec, "requests").items()):
        if name in requests and total.value > requests[name].value:
            causes.append(invalid(key(f"{path}.requests", name), str(requests[name]),
                                  f"must be greater than or equal to aggregate container requests of {total}"))
    for name, total in sorted(aggregate(spec, "limits").items()):
        if name.startswith("hugepages-") and name in limits and total.value > limits[name].value:
            causes.append(invalid(key(f"{path}.limits", name), str(limits[name]),
                                  f"must be greater than or equal to aggregate container limits of {total}"))
    for i, container in enumerate(dicts(spec.get("containers"))):
        for name, limit in sorted(_amounts(container, "limits").items()):
            if name in limits and limit.value > limits[name].value:
                causes.append(invalid(f"{key(f'{path}.containers[{i}]', name)}.limits", str(limit),
                                      f"must be less than or equal to pod limits of {limits[name]}"))
    return causes


def qos_class(spec: Obj) -> str:
    """ComputePodQOS: the pod-level resources' class where they are set, else the containers' (init containers
    first): BestEffort where none asks for cpu or memory, Guaranteed where all ask as much as they limit, else
    Burstable."""
    if _is_set(spec.get("resources")):
        return _class(spec)
    found = ""
    for container in [*dicts(spec.get("initContainers")), *dicts(spec.get("containers"))]:
        own = _class(container)
        if own == "Burstable" or (found and own != found):
            return "Burstable"
        found = own
    return found or "BestEffort"


def _class(holder: Obj) -> str:
    """requirementsQOS of what `holder` (a container, or a pod's own) requests and limits."""
    requests, limits = _amounts(holder, "requests"), _amounts(holder, "limits")
    if not as_dict(as_dict(holder.get("resources")).get("requests")) and \
            not as_dict(as_dict(holder.get("resources")).get("limits")):
        return "BestEffort"
    classes = set()
    for name in resourcelists.QOS_RESOURCES:
        asked = requests[name].value if name in requests else 0
        most = limits[name].value if name in limits else 0
        classes.add("Burstable" if asked != most else "BestEffort" if not asked else "Guaranteed")
    return classes.pop() if len(classes) == 1 else "Burstable"
