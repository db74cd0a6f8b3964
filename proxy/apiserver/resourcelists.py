"""The names and amounts of compute and quota resources (pkg/apis/core/helper and validation), and the
requirements a container or a whole pod states (validateResourceRequirements): one home for which names each
may use, how amounts are checked, and how requests meet their limits."""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from . import quantity, validation
from .fielderrors import Cause, duplicate, forbidden, invalid, invalid_each, key, not_found, required, typed
from .objects import as_dict, dicts
from .quantity import QuantityError

Obj = dict[str, Any]
QOS_RESOURCES = ("cpu", "memory")  # the resources a QoS class is decided by


# pkg/apis/core/helper: the resources the quota system knows
QUOTA_RESOURCES = frozenset({
    "cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory", "requests.storage",
    "requests.ephemeral-storage", "limits.cpu", "limits.memory", "limits.ephemeral-storage", "pods",
    "resourcequotas", "services", "replicationcontrollers", "secrets", "persistentvolumeclaims", "configmaps",
    "services.nodeports", "services.loadbalancers"})
STANDARD_RESOURCES = QUOTA_RESOURCES | {"storage"}


def huge_pages(name: str) -> bool:
    return name.startswith(("hugepages-", "requests.hugepages-"))  # IsQuotaHugePageResourceName


def resource_name(name: str, path: str) -> list[Cause]:
    """validateResourceName: a qualified name; unqualified, one the system knows. (A v1.ResourceName, printed
    as a named type is: fielderrors.Named.)"""
    if errs := validation.qualified_name(name):
        return invalid_each(path, typed(name), errs)
    if "/" not in name and name not in STANDARD_RESOURCES and not huge_pages(name):
        return [invalid(path, typed(name), "must be a standard resource type or fully qualified")]
    return []


def container_resource_name(name: str, path: str) -> list[Cause]:
    """ValidateContainerResourceName: also one a container may ask for, or an extended resource's."""
    causes = resource_name(name, path)
    if "/" not in name:
        if name not in ("cpu", "memory", "ephemeral-storage") and not name.startswith("hugepages-"):
            return [*causes, invalid(path, typed(name), "must be a standard resource for containers")]
    elif not native_resource(name) and not extended_resource(name):
        return [*causes, invalid(path, typed(name), "doesn't follow extended resource name standard")]
    return causes


def native_resource(resource: str) -> bool:
    """IsNativeResource: unqualified, or in kubernetes.io."""
    return "/" not in resource or "kubernetes.io/" in resource


def extended_resource(name: str) -> bool:
    """IsExtendedResourceName: outside kubernetes.io, and a qualified name once quota's `requests.` is put
    before it."""
    return not native_resource(name) and not name.startswith("requests.") \
        and not validation.qualified_name(f"requests.{name}")


_INTEGER_RESOURCES = frozenset({"pods", "resourcequotas", "services", "replicationcontrollers", "secrets",
                                "configmaps", "persistentvolumeclaims", "services.nodeports",
                                "services.loadbalancers"})


def integer_resource(name: str) -> bool:
    """IsIntegerResourceName: counted in whole numbers (objects, and extended resources)."""
    return name in _INTEGER_RESOURCES or extended_resource(name)


def overcommit_allowed(resource: str) -> bool:
    """IsOvercommitAllowed: a request may stay below its limit (not an extended resource, not huge pages)."""
    return native_resource(resource) and not resource.startswith("hugepages-")


def quantity_value_causes(amount: Any, path: str, whole: bool) -> list[Cause]:
    """ValidateResourceQuantityValue's checks: not negative, and an integer where the resource is counted in
    `whole` numbers."""
    number = quantity.parsed(amount)
    if number is None:
        return []  # the apiserver would not have decoded it: the 400 came before
    causes = [invalid(path, str(amount), "must be greater than or equal to 0")] if number < 0 else []
    if whole and math.ceil(number * 1000) % 1000:  # MilliValue, rounded up
        causes.append(invalid(path, str(amount), "must be an integer"))
    return causes


def amount_causes(resource: str, amount: Any, path: str) -> list[Cause]:
    """ValidateResourceQuantityValue of a container's resource: whole numbers of an extended resource (a GPU)."""
    return quantity_value_causes(amount, path, not native_resource(resource) and not resource.startswith("requests."))


def requirements(resources: Any, path: str, claim_names: set[str],
                 name_check: Callable[[str, str], list[Cause]] = container_resource_name) -> list[Cause]:
    """validateResourceRequirements, of a container or (`name_check` another) a pod: names and amounts, requests
    within their limits (equal to them for a resource that cannot be overcommitted: an extended one or huge
    pages), huge pages in whole pages and only beside cpu or memory, claims the pod names."""
    limits, requests = as_dict(as_dict(resources).get("limits")), as_dict(as_dict(resources).get("requests"))
    causes: list[Cause] = []
    for name in sorted(limits):
        at = key(f"{path}.limits", name)
        causes += name_check(name, at) + amount_causes(name, limits[name], at) + _whole_pages(name, limits[name], at)
    for name in sorted(requests):
        asked = requests[name]
        at = key(f"{path}.requests", name)
        causes += name_check(name, at) + amount_causes(name, asked, at)
        overcommit = overcommit_allowed(name)
        if name not in limits:
            if not overcommit:
                causes.append(required(f"{path}.limits", "Limit must be set for non overcommitable resources"))
        else:
            try:
                over = quantity.value(str(asked)) - quantity.value(str(limits[name]))
            except QuantityError:
                over = Fraction(0)
            if over and not overcommit:
                causes.append(invalid(f"{path}.requests", str(asked),
                                      f"must be equal to {name} limit of {limits[name]}"))
            elif over > 0:
                causes.append(invalid(f"{path}.requests", str(asked),
                                      f"must be less than or equal to {name} limit of {limits[name]}"))
        causes += _whole_pages(name, asked, at)
    named = set(limits) | set(requests)
    if any(n.startswith("hugepages-") for n in named) and not any(n in QOS_RESOURCES for n in named):
        causes.append(forbidden(path, "HugePages require cpu or memory"))
    return causes + _claims(dicts(as_dict(resources).get("claims")), f"{path}.claims", claim_names)


def _whole_pages(name: str, amount: Any, path: str) -> list[Cause]:
    """validateResourceQuantityHugePageValue on a create: huge pages in whole pages of the size their name says
    (an update keeps unchanged ones: specvalidation.spec_causes drops what the stored object had)."""
    if not name.startswith("hugepages-") or (amount_value := quantity.parsed(amount)) is None:
        return []
    page = quantity.parsed(name.removeprefix("hugepages-"))
    whole = page is not None and page > 0 and page.denominator == 1 and \
        math.ceil(amount_value) % page == 0  # (Value() rounds up)
    return [] if whole else [invalid(path, str(amount), f"{amount} is not positive integer multiple of {name}")]


def _claims(claims: list[Obj], path: str, claim_names: set[str]) -> list[Cause]:
    """validateResourceClaimNames: each claim, or each request of one, named once; a request a DNS label; a claim
    the pod names."""
    causes: list[Cause] = []
    seen: set[str] = set()
    for i, claim in enumerate(claims):
        at, name, request = f"{path}[{i}]", str(claim.get("name") or ""), str(claim.get("request") or "")
        if not name:
            causes.append(required(at))
            continue
        if name in seen:
            causes.append(duplicate(at, name))
        else:
            entry = f"{name}/{request}" if request else name
            causes += invalid_each(f"{at}.request", request, validation.dns_label(request)) if request else []
            if entry in seen:
                causes.append(duplicate(at, entry))
            elif not request:  # (once for each of its requests named before)
                causes += [duplicate(at, name) for other in seen if other.partition("/")[0] == name and "/" in other]
            seen.add(entry)
        if name not in claim_names:
            listed = ", ".join(sorted(claim_names))
            causes.append(not_found(at, name, "must be one of the names in pod.spec.resourceClaims"
                                              f"{': ' + listed if listed else ' which is empty'}"))
    return causes


def fractional_bytes(amounts: Obj, resource: str, path: str) -> list[str]:
    """The warning of a memory or storage amount of a fraction of a byte (MilliValue not a multiple of 1000)."""
    if (text := amounts.get(resource)) is None or (amount := quantity.parsed(str(text))) is None:
        return []
    if math.ceil(amount * 1000) % 1000 == 0:
        return []
    return [f'{path}[{resource}]: fractional byte value "{quantity.canonical(str(text))}" is invalid, must be an '
            "integer"]
