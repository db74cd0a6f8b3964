"""The apiserver's validation of the kinds a cluster's administrators and platform operators write: resource
quotas and limit ranges (a namespace provisioner's), priority classes, ingress classes, storage classes, CSI
drivers, the capacities they publish and the volume attachments they serve, runtime classes; and where each
kind's checks are found, these, webhook configurations' (webhookvalidation.py), persistent volumes'
(volumevalidation.py) and the certificates API's (csr.py: a CSR's create, its updates by subresource in
writes.py; trustbundles.py, podcertificates.py), for specvalidation.spec_causes. Without them a replay
stores what a cluster refuses (a quota on a resource it cannot count, a default above the maximum, a priority
no user may have), and the controller's bug shows only against the cluster.

Ported from k8s.io/kubernetes pkg/apis/core/validation (ValidateResourceQuota and its update and status
update, ValidateLimitRange), pkg/apis/scheduling/validation (ValidatePriorityClass and its update),
pkg/apis/networking/validation (ValidateIngressClass), pkg/apis/storage/validation (ValidateStorageClass,
ValidateCSIDriver, ValidateCSIStorageCapacity, ValidateVolumeAttachment and their updates) and
pkg/apis/node/validation (ValidateRuntimeClass), in their order, on the object decoded and defaulted; where
declarative validation (beta in 1.37) has taken a check over, its error comes last and replaces the
imperative one it matches (FilterCoveredHandwrittenErrors). Several errors over a map come in key order,
where Go's is random. tests/random_writes.py's sequences of these kinds compare every answer with the real
kube-apiserver's.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from ..wire import names
from . import (
    apfvalidation,
    apiservices,
    claimspec,
    crds,
    csr,
    dravalidation,
    endpointvalidation,
    ipvalidation,
    nodevalidation,
    podcertificates,
    podspecfields,
    podwarnings,
    policyvalidation,
    quantity,
    serviceips,
    trustbundles,
    validation,
    volumevalidation,
    webhookvalidation,
)
from .fielderrors import Cause, duplicate, forbidden, invalid, invalid_each, not_supported, required, too_long, typed
from .internal import as_internal, semantic, semantic_internal
from .podvalidation import as_dict, dicts, nonnegative
from .resourcelists import (
    QUOTA_RESOURCES,
    amount_causes,
    container_resource_name,
    huge_pages,
    integer_resource,
    overcommit_allowed,
    quantity_value_causes,
    resource_name,
)

Obj = dict[str, Any]
_IMMUTABLE = "field is immutable"

# the scopes a quota may name (pkg/apis/core/helper)
_SCOPES = ("Terminating", "NotTerminating", "BestEffort", "NotBestEffort", "PriorityClass",
           "VolumeAttributesClass", "CrossNamespacePodAffinity")
_POD_COMPUTE = frozenset({"pods", "cpu", "memory", "limits.cpu", "limits.memory", "requests.cpu", "requests.memory"})
_EXISTS_ONLY = ("Terminating", "NotTerminating", "BestEffort", "NotBestEffort", "CrossNamespacePodAffinity")
_CONFLICTING = (("BestEffort", "NotBestEffort"), ("Terminating", "NotTerminating"))
_MAX_MILLI_VALUE = (2**63 - 1) // 1000  # resource.MaxMilliValue


def _quota_entries(resources: Any, path: str) -> list[Cause]:
    """ValidateResourceQuotaResourceName and ValidateResourceQuantityValue of each entry of a quota's map."""
    causes: list[Cause] = []
    for name, amount in sorted(as_dict(resources).items()):
        at = f"{path}[{name}]"
        causes += resource_name(name, at)
        if "/" not in name and name not in QUOTA_RESOURCES and not huge_pages(name):
            causes.append(invalid(at, typed(name), "must be a standard resource for quota"))
        causes += quantity_value_causes(amount, at, integer_resource(name))
    return causes


def _scope_fits(scope: str, resource: str) -> bool:
    """IsResourceQuotaScopeValidForResource."""
    if scope in ("Terminating", "NotTerminating", "NotBestEffort", "PriorityClass", "CrossNamespacePodAffinity"):
        return resource in _POD_COMPUTE
    if scope == "BestEffort":
        return resource == "pods"
    if scope == "VolumeAttributesClass":
        return resource in ("persistentvolumeclaims", "requests.storage")
    return True


def _standard_hard(spec: Obj) -> list[str]:
    return [k for k in sorted(as_dict(spec.get("hard"))) if k in QUOTA_RESOURCES or huge_pages(k)]


def _conflicts(scopes: list[str], path: str, value: Any) -> list[Cause]:
    return [invalid(path, value, "conflicting scopes") for pair in _CONFLICTING if set(pair) <= set(scopes)]


def _quota_spec(spec: Obj) -> list[Cause]:
    """ValidateResourceQuotaSpec: the hard limits, the scopes (each known and able to limit every hard
    resource; no two that contradict each other), the scope selector's expressions."""
    causes = _quota_entries(spec.get("hard"), "spec.hard")
    scopes = [str(s) for s in spec.get("scopes") or []]
    for scope in scopes:
        if scope not in _SCOPES:
            causes.append(invalid("spec.scopes", scopes, "unsupported scope"))
        causes += [invalid("spec.scopes", scopes, "unsupported scope applied to resource")
                   for k in _standard_hard(spec) if not _scope_fits(scope, k)]
    if scopes:
        causes += _conflicts(scopes, "spec.scopes", scopes)
    selector = spec.get("scopeSelector")
    if not isinstance(selector, dict):
        return causes
    at, seen = "spec.scopeSelector.matchExpressions", []
    for req in dicts(selector.get("matchExpressions")):
        scope, operator, values = str(req.get("scopeName") or ""), str(req.get("operator") or ""), req.get("values")
        if scope not in _SCOPES:
            causes.append(invalid(f"{at}.scopeName", typed(scope), "unsupported scope"))
        causes += [invalid(at, as_internal("ScopeSelector", selector), "unsupported scope applied to resource")
                   for k in _standard_hard(spec) if not _scope_fits(scope, k)]
        if scope in _EXISTS_ONLY and operator != "Exists":
            causes.append(invalid(f"{at}.operator", typed(operator), "must be 'Exists' when scope is any of "
                                  "ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating, "
                                  "ResourceQuotaScopeBestEffort, ResourceQuotaScopeNotBestEffort or "
                                  "ResourceQuotaScopeCrossNamespacePodAffinity"))
        if operator in ("In", "NotIn") and not values:
            causes.append(required(f"{at}.values", "must be at least one value when `operator` is 'In' or 'NotIn' "
                                                   "for scope selector"))
        elif operator in ("Exists", "DoesNotExist") and values:
            causes.append(invalid(f"{at}.values", values, "must be no value when `operator` is 'Exist' or "
                                                          "'DoesNotExist' for scope selector"))
        elif operator not in validation.SELECTOR_OPERATORS:
            causes.append(invalid(f"{at}.operator", typed(operator), "not a valid selector operator"))
        seen.append(scope)
    return causes + _conflicts(seen, at, spec.get("scopes"))


def _resource_quota(obj: Obj) -> list[Cause]:
    return _quota_spec(as_dict(obj.get("spec")))


def _resource_quota_update(new: Obj, old: Obj) -> list[Cause]:
    """ValidateResourceQuotaUpdate after the spec's checks: the scopes, as a set, may not change."""
    scopes = as_dict(new.get("spec")).get("scopes")
    if set(scopes or []) != set(as_dict(old.get("spec")).get("scopes") or []):
        return [invalid("spec.scopes", scopes, _IMMUTABLE)]
    return []


def quota_status(obj: Obj) -> list[Cause]:
    """ValidateResourceQuotaStatusUpdate: what a quota controller writes is checked as the spec's limits are."""
    status = as_dict(obj.get("status"))
    return _quota_entries(status.get("hard"), "status.hard") + _quota_entries(status.get("used"), "status.used")


def _go_float(x: float) -> str:
    """%f."""
    return "NaN" if math.isnan(x) else ("+Inf" if x > 0 else "-Inf") if math.isinf(x) else f"{x:f}"


def _limit_item(limit: Obj, at: str, seen: set[str]) -> list[Cause]:
    kind = str(limit.get("type") or "")
    causes = invalid_each(f"{at}.type", typed(kind), names.qualified_name(kind))
    if not causes and "/" not in kind and kind not in ("Pod", "Container", "PersistentVolumeClaim"):
        causes.append(invalid(f"{at}.type", typed(kind), "must be a standard limit type or fully qualified"))
    if kind in seen:
        causes.append(duplicate(f"{at}.type", typed(kind)))
    seen.add(kind)
    check: Callable[[str, str], list[Cause]] = \
        container_resource_name if kind in ("Pod", "Container") else resource_name
    maps: dict[str, dict[str, Any]] = {}
    fields = ("max", "min") + (() if kind == "Pod" else ("default", "defaultRequest"))
    for f in fields:
        maps[f] = as_dict(limit.get(f))
        causes += [c for k in sorted(maps[f]) for c in check(k, f"{at}.{f}[{k}]")]
    if kind == "Pod":
        causes += [forbidden(f"{at}.{f}", "may not be specified when `type` is 'Pod'")
                   for f in ("default", "defaultRequest") if as_dict(limit.get(f))]
    if kind == "PersistentVolumeClaim" and "storage" not in maps["min"] and "storage" not in maps["max"]:
        causes.append(required(f"{at}.limits", "either minimum or maximum storage value is required, but neither "
                                               "was provided"))
    maps["ratio"] = as_dict(limit.get("maxLimitRequestRatio"))
    causes += [c for k in sorted(maps["ratio"]) for c in check(k, f"{at}.maxLimitRequestRatio[{k}]")]
    for k in sorted({k for m in maps.values() for k in m}):
        causes += _limit_bounds(k, {f: m[k] for f, m in maps.items() if k in m}, at)
    return causes


def _limit_bounds(k: str, given: dict[str, Any], at: str) -> list[Cause]:
    """The order of one resource's bounds in a limit (each as Quantity.String prints it)."""
    v = {f: n for f, text in given.items() if (n := quantity.parsed(text)) is not None}
    s = {f: str(text) for f, text in given.items()}
    causes: list[Cause] = []
    for lo, hi, where, shown, words in (
            ("min", "max", "min", "min", "min value {min} is greater than max value {max}"),
            ("min", "defaultRequest", "defaultRequest", "defaultRequest",
             "min value {min} is greater than default request value {defaultRequest}"),
            ("defaultRequest", "max", "defaultRequest", "defaultRequest",
             "default request value {defaultRequest} is greater than max value {max}"),
            ("defaultRequest", "default", "defaultRequest", "defaultRequest",
             "default request value {defaultRequest} is greater than default limit value {default}"),
            ("min", "default", "default", "min", "min value {min} is greater than default value {default}"),
            ("default", "max", "default", "max", "default value {default} is greater than max value {max}")):
        if lo in v and hi in v and v[lo] > v[hi]:
            causes.append(invalid(f"{at}.{where}[{k}]", s[shown], words.format(**s)))
    if "ratio" in v and v["ratio"] < 1:
        causes.append(invalid(f"{at}.maxLimitRequestRatio[{k}]", s["ratio"], f"ratio {s['ratio']} is less than 1"))
    if "ratio" in v and "min" in v and "max" in v:
        ratio, low, high = (math.ceil(v[f]) for f in ("ratio", "min", "max"))  # Value()
        ratio_value = float(ratio)
        if max(ratio, low, high) < _MAX_MILLI_VALUE:
            ratio_value = math.ceil(v["ratio"] * 1000) / 1000
            low, high = math.ceil(v["min"] * 1000), math.ceil(v["max"] * 1000)
        limit = high / low if low else math.nan if high == 0 else math.copysign(math.inf, high)
        if ratio_value > limit:
            causes.append(invalid(f"{at}.maxLimitRequestRatio[{k}]", s["ratio"],
                                  f"ratio {s['ratio']} is greater than max/min = {_go_float(limit)}"))
    if not overcommit_allowed(k) and "default" in v and "defaultRequest" in v and v["default"] != v["defaultRequest"]:
        causes.append(invalid(f"{at}.defaultRequest[{k}]", s["defaultRequest"],
                              f"default value {s['default']} must equal to defaultRequest value "
                              f"{s['defaultRequest']} in {k}"))
    return causes


def _limit_range(obj: Obj) -> list[Cause]:
    """ValidateLimitRange: each limit's type (known, once), its resources' names, and the bounds of each
    resource in the order the apiserver compares them."""
    seen: set[str] = set()
    return [c for i, limit in enumerate(dicts(as_dict(obj.get("spec")).get("limits")))
            for c in _limit_item(limit, f"spec.limits[{i}]", seen)]


_HIGHEST_USER_PRIORITY = 1_000_000_000
_SYSTEM_CLASSES = {"system-node-critical": 2_000_001_000, "system-cluster-critical": 2_000_000_000}


def _priority_class(obj: Obj) -> list[Cause]:
    """ValidatePriorityClass (on create only: an update checks only what may not change): a user class's value
    at most a billion, the system- prefix kept for the system's own two, the preemption policy."""
    name, value = str(as_dict(obj.get("metadata")).get("name") or ""), obj.get("value")
    causes: list[Cause] = []
    if name.startswith("system-"):
        known = _SYSTEM_CLASSES.get(name)
        why = (f"{name} is not a known system priority class" if known is None else
               f"value of {name} PriorityClass must be {known}" if value != known else
               f"globalDefault of {name} PriorityClass must be false" if obj.get("globalDefault") else "")
        if why:
            causes.append(forbidden("metadata.name", "priority class names with 'system-' prefix are reserved for "
                                                     f"system use only. error: {why}"))
    elif isinstance(value, int) and value > _HIGHEST_USER_PRIORITY:
        causes.append(forbidden("value", "maximum allowed value of a user defined priority is "
                                         f"{_HIGHEST_USER_PRIORITY}"))
    policy = obj.get("preemptionPolicy")
    if policy == "":
        causes.append(required("preemptionPolicy"))
    elif policy is not None and policy not in ("Never", "PreemptLowerPriority"):
        causes.append(not_supported("preemptionPolicy", policy, ("PreemptLowerPriority", "Never")))
    return causes


def _priority_class_update(new: Obj, old: Obj) -> list[Cause]:
    causes = [] if new.get("value") == old.get("value") else [forbidden("value", "may not be changed in an update.")]
    if new.get("preemptionPolicy") != old.get("preemptionPolicy"):
        causes.append(invalid("preemptionPolicy", typed(new.get("preemptionPolicy")), _IMMUTABLE))
    return causes


def _ingress_class(obj: Obj) -> list[Cause]:
    """ValidateIngressClass: the controller's name and the parameters' reference (its scope: a namespace
    exactly when the scope is Namespace)."""
    spec = as_dict(obj.get("spec"))
    controller = str(spec.get("controller") or "")
    causes = [too_long("spec.controller", 250)] if len(controller) > 250 else []
    causes += validation.domain_prefixed_path("spec.controller", controller)
    params, at = spec.get("parameters"), "spec.parameters"
    if not isinstance(params, dict):
        return causes
    if (group := params.get("apiGroup")) is not None:
        causes += invalid_each(f"{at}.apiGroup", group, names.subdomain(str(group)))
    for f in ("kind", "name"):  # (missing: declared, _ingress_class_declared)
        value = str(params.get(f) or "")
        causes += invalid_each(f"{at}.{f}", value, names.path_segment(value)) if value else []
    scope = params.get("scope")
    if scope is None:
        return [*causes, required(f"{at}.scope")]
    namespace = params.get("namespace")
    if scope not in ("Cluster", "Namespace"):
        causes.append(not_supported(f"{at}.scope", scope, ("Cluster", "Namespace"), plain=True))
    elif scope == "Namespace" and namespace is None:
        causes.append(required(f"{at}.namespace", "`parameters.scope` is set to 'Namespace'"))
    elif scope == "Namespace":
        causes += invalid_each(f"{at}.namespace", namespace, names.dns_label(str(namespace)))
    elif namespace is not None:
        causes.append(forbidden(f"{at}.namespace", "`parameters.scope` is set to 'Cluster'"))
    return causes


def _ingress_class_declared(obj: Obj, _old: Obj | None) -> list[Cause]:
    """The parameters' kind and name, required by declarative validation (beta in 1.37): reported last."""
    params = as_dict(obj.get("spec")).get("parameters")
    return [required(f"spec.parameters.{f}") for f in ("kind", "name")
            if isinstance(params, dict) and not params.get(f)]


def _ingress_class_update(new: Obj, old: Obj) -> list[Cause]:
    controller = as_dict(new.get("spec")).get("controller") or ""
    if controller != (as_dict(old.get("spec")).get("controller") or ""):
        return [invalid("spec.controller", controller, _IMMUTABLE)]
    return []


def _storage_class(obj: Obj) -> list[Cause]:
    """ValidateStorageClass: the provisioner a qualified name, parameter keys not empty, the reclaim policy
    and binding mode known, the allowed topologies' expressions (values, no key twice)."""
    provisioner = str(obj.get("provisioner") or "")
    causes = _driver("provisioner", provisioner) if provisioner else []
    causes += _parameters(obj.get("parameters"), allow_empty=True)
    policy = obj.get("reclaimPolicy")
    if policy and policy not in ("Delete", "Retain"):
        causes.append(not_supported("reclaimPolicy", policy, ("Delete", "Retain")))
    mode = obj.get("volumeBindingMode")
    if mode is None:
        causes.append(required("volumeBindingMode"))
    elif mode not in ("Immediate", "WaitForFirstConsumer"):
        causes.append(not_supported("volumeBindingMode", mode, ("Immediate", "WaitForFirstConsumer")))
    topologies = dicts(obj.get("allowedTopologies"))
    # (validateAllowedTopologies starts its list with as many nil maps as there are terms, which an empty term
    # equals: it is a duplicate of each)
    terms: list[dict[str, list[str]]] = [{} for _ in topologies]
    for i, term in enumerate(topologies):
        at, keys = f"allowedTopologies[{i}]", {}
        for j, req in enumerate(dicts(term.get("matchLabelExpressions"))):
            where, values = f"{at}.matchLabelExpressions[{j}]", [str(v) for v in req.get("values") or []]
            causes += [] if values else [required(f"{where}.values")]
            causes += [duplicate(f"{where}.values[{n}]", v) for n, v in enumerate(values) if v in values[:n]]
            label = str(req.get("key") or "")
            causes += invalid_each(f"{where}.key", label, names.qualified_name(label))
            if label in keys:
                causes.append(duplicate(f"{where}.key", label))
            keys[label] = sorted(set(values))
        causes += [duplicate(f"{at}.matchLabelExpressions", "") for other in terms if other == keys]
        terms.append(keys)
    return causes


_MAX_PARAMETERS, _MAX_PARAMETERS_SIZE = 512, 256 * (1 << 10)


def _driver(path: str, name: str) -> list[Cause]:
    """validateProvisioner: a qualified name once lowered, the value its errors show."""
    return invalid_each(path, name.lower(), names.qualified_name(name.lower()))


def _parameters(params: Any, allow_empty: bool) -> list[Cause]:
    """validateParameters: a storage or volume attributes class's parameters, keys not empty, at most 512 of them
    and 256 KiB together."""
    params = as_dict(params)
    if len(params) > _MAX_PARAMETERS:
        return [too_long("parameters", _MAX_PARAMETERS)]
    causes = [invalid("parameters", "", "field can not be empty.") for k in params if not k]
    if sum(len(str(k).encode()) + len(str(v).encode()) for k, v in params.items()) > _MAX_PARAMETERS_SIZE:
        causes.append(too_long("parameters", _MAX_PARAMETERS_SIZE))
    if not allow_empty and not params:
        causes.append(required("parameters", "must contain at least one key/value pair"))
    return causes


def _volume_attributes_class(obj: Obj) -> list[Cause]:
    """ValidateVolumeAttributesClass: the driver a qualified name (required: declarative validation, which would
    take the check over, has none for this kind), and at least one parameter."""
    driver = str(obj.get("driverName") or "")
    causes = _driver("driverName", driver) if driver else [required("driverName")]
    return causes + _parameters(obj.get("parameters"), allow_empty=False)


def _volume_attributes_class_update(new: Obj, old: Obj) -> list[Cause]:
    causes = [] if new.get("driverName") == old.get("driverName") else \
        [forbidden("driverName", "updates to driverName are forbidden.")]
    if as_dict(new.get("parameters")) != as_dict(old.get("parameters")):
        causes.append(forbidden("parameters", "updates to parameters are forbidden."))
    return causes


def _service_cidr(obj: Obj, path: str = "spec.cidrs") -> list[Cause]:
    """validateServiceCIDRSpec (a create's; an update has rules of its own): one or two valid CIDRs, two of
    different families."""
    cidrs = [str(c) for c in as_dict(obj.get("spec")).get("cidrs") or []]
    if not cidrs:
        return [required(path, "at least one CIDR required")]
    if len(cidrs) > 2:  # (the internal spec, which has no JSON names)
        return [invalid(path, {"CIDRs": cidrs}, "may only hold up to 2 values")]
    causes = [c for i, cidr in enumerate(cidrs) for c in ipvalidation.legacy_cidr(f"{path}[{i}]", cidr)]
    families = [net.version if (net := ipvalidation.cidr(c)) is not None else 0 for c in cidrs]
    if len(cidrs) == 2 and families[0] == families[1] != 0:
        causes.append(invalid(path, cidrs, "may specify no more than one IP for each IP family, i.e 192.168.0.0/24 "
                                           "and 2001:db8::/64"))
    return causes


def _service_cidr_update(new: Obj, old: Obj) -> list[Cause]:
    """ValidateServiceCIDRUpdate: the CIDRs as they were, but a second one of the other family may be added."""
    cidrs, before = (as_dict(o.get("spec")).get("cidrs") or [] for o in (new, old))
    if len(cidrs) == len(before):
        return [invalid(f"spec.cidrs[{i}]", c, _IMMUTABLE) for i, (c, b) in enumerate(zip(cidrs, before, strict=True))
                if c != b]
    if len(before) == 1 and len(cidrs) == 2:
        return ([invalid("spec.cidrs[0]", cidrs[0], _IMMUTABLE)] if cidrs[0] != before[0] else []) + _service_cidr(new)
    return [invalid("spec.cidrs", as_dict(new.get("spec")).get("cidrs"), _IMMUTABLE)]  # (none: null)


def _ip_address(obj: Obj) -> list[Cause]:
    """validateIPAddressParentReference but for what declarative validation took over: the group a subdomain,
    the resource, name and namespace path segments."""
    ref, at = as_dict(as_dict(obj.get("spec")).get("parentRef")), "spec.parentRef"
    causes = invalid_each(f"{at}.group", ref["group"], names.subdomain(ref["group"])) if ref.get("group") else []
    for f in ("resource", "name", "namespace"):
        if value := str(ref.get(f) or ""):
            causes += invalid_each(f"{at}.{f}", value, names.path_segment(value))
    return causes


def _ip_address_declared(new: Obj, old: Obj | None) -> list[Cause]:
    """Declarative validation's share: the parent referred to (its resource and name), fixed once made (an
    update's is checked as a create's too, where it changed)."""
    ref = as_dict(new.get("spec")).get("parentRef")
    if old is not None and ref == as_dict(old.get("spec")).get("parentRef"):
        return []
    causes = [required(f"spec.parentRef.{f}") for f in ("resource", "name") if not ref.get(f)] \
        if isinstance(ref, dict) else [required("spec.parentRef")]
    return causes + ([invalid("spec.parentRef", None, _IMMUTABLE)] if old is not None else [])


def _controller_revision_create(obj: Obj) -> list[Cause]:
    """ValidateControllerRevisionCreate's data: a JSON object."""
    data = obj.get("data")
    if data is None:
        return [required("data", "data is mandatory")]
    return [] if isinstance(data, dict) else [required("data", "data must be a valid JSON object")]


def _migration(obj: Obj) -> list[Cause]:
    """ValidateStorageVersionMigration: the resource migrated named (a DNS-1035 label), its group a subdomain."""
    resource = as_dict(as_dict(obj.get("spec")).get("resource"))
    name, group = str(resource.get("resource") or ""), str(resource.get("group") or "")
    causes = [required("spec.resource.resource", "resource is required to be set")] if not name else \
        [invalid("spec.resource.resource", name, ",".join(errs))] if (errs := names.dns1035_label(name)) else []
    if group and (errs := names.subdomain(group)):
        causes.append(invalid("spec.resource.group", group, ",".join(errs)))
    return causes


def _migration_update(new: Obj, old: Obj) -> list[Cause]:
    """Its spec fixed, printed as the internal struct (a metav1.GroupResource, which has JSON tags)."""
    resource = as_dict(as_dict(new.get("spec")).get("resource"))
    shown = {"Resource": {"group": resource.get("group") or "", "resource": resource.get("resource") or ""}}
    return [] if semantic(new.get("spec")) == semantic(old.get("spec")) else [invalid("spec", shown, _IMMUTABLE)]


def migration_status(obj: Obj, old: Obj) -> list[Cause]:
    """ValidateStorageVersionMigrationStatusUpdate: the resourceVersion migrated to (a number, fixed once set),
    the conditions (metav1's rules; Succeeded and Failed not both, neither taken back)."""
    status, old_status = as_dict(obj.get("status")), as_dict(old.get("status"))
    rv, causes = str(status.get("resourceVersion") or ""), []
    if rv and not (rv.isdigit() and not rv.startswith("0")):  # (CompareResourceVersion of it with itself)
        causes.append(invalid("status.resourceVersion", rv, f"resource version is not well formed: {rv}"))
    conditions = dicts(status.get("conditions"))
    causes += validation.conditions(conditions, "status.conditions")
    if old_status.get("resourceVersion") and old_status.get("resourceVersion") != status.get("resourceVersion"):
        causes.append(invalid("status.resourceVersion", rv, _IMMUTABLE))

    def true(conds: list[Obj], kind: str) -> bool:
        return next((c.get("status") == "True" for c in conds if c.get("type") == kind), False)
    # (metav1.Condition has JSON tags; none sent is a nil slice, printed null)
    old_conditions = dicts(old_status.get("conditions"))
    shown = None if status.get("conditions") is None else conditions
    if true(conditions, "Succeeded") and true(conditions, "Failed"):
        causes.append(invalid("status.conditions", shown, "Both success and failed conditions cannot be true at the "
                                                          "same time"))
    for kind, word in (("Succeeded", "Success"), ("Failed", "Failed")):
        if true(old_conditions, kind) and not true(conditions, kind):
            causes.append(invalid("status.conditions", shown, f"{word} condition cannot be set to false once it is "
                                                              "true"))
    return causes


def _claim_template_update(new: Obj, old: Obj) -> list[Cause]:
    """A ResourceClaimTemplate's spec is fixed (checked after the template's own checks), printed as its
    internal type."""
    spec = new.get("spec")  # (Semantic.DeepEqual of the internal specs: an empty struct sent is a change)
    changed = semantic_internal("ResourceClaimTemplateSpec", spec) != \
        semantic_internal("ResourceClaimTemplateSpec", old.get("spec"))
    return [invalid("spec", as_internal("ResourceClaimTemplateSpec", spec), _IMMUTABLE)] if changed else []


def _storage_class_declared(new: Obj, old: Obj | None) -> list[Cause]:
    """Declarative validation's share (beta in 1.37, reported after the rest): the provisioner required, and
    on update the four fields that may not change, each worded without its value."""
    causes = [] if new.get("provisioner") else [required("provisioner")]
    if old is not None:
        causes += [invalid(f, None, _IMMUTABLE) for f in ("provisioner", "parameters", "reclaimPolicy",
                                                          "volumeBindingMode")
                   if (new.get(f) or None) != (old.get(f) or None)]
    return causes


def _csi_driver(obj: Obj) -> list[Cause]:
    """validateCSIDriverSpec (the fields it requires are defaulted): the fsGroup policy, token requests (one per
    audience, from 10 minutes to 2^32 seconds), lifecycle modes, the node allocatable period, tokens in secrets
    only with token requests."""
    spec = as_dict(obj.get("spec"))
    causes: list[Cause] = []
    policies = ("File", "None", "ReadWriteOnceWithFSType")
    if (policy := spec.get("fsGroupPolicy")) is not None and policy not in policies:
        causes.append(not_supported("spec.fsGroupPolicy", policy, policies))
    audiences: set[str] = set()
    for i, request in enumerate(dicts(spec.get("tokenRequests"))):
        at, audience = f"spec.tokenRequests[{i}]", str(request.get("audience") or "")
        if audience in audiences:
            causes.append(duplicate(f"{at}.audience", audience))
            continue
        audiences.add(audience)
        if isinstance(seconds := request.get("expirationSeconds"), int) and seconds < 600:
            causes.append(invalid(f"{at}.expirationSeconds", seconds,
                                  "may not specify a duration less than 10 minutes"))
        if isinstance(seconds, int) and seconds > 1 << 32:
            causes.append(invalid(f"{at}.expirationSeconds", seconds, "may not specify a duration larger than 2^32 "
                                                                       "seconds"))
    causes += [not_supported("spec.volumeLifecycleModes", mode, ("Persistent", "Ephemeral"))
               for mode in spec.get("volumeLifecycleModes") or [] if mode not in ("Persistent", "Ephemeral")]
    period = spec.get("nodeAllocatableUpdatePeriodSeconds")
    if isinstance(period, int) and period < 10:
        causes.append(invalid("spec.nodeAllocatableUpdatePeriodSeconds", period,
                              "must be greater than or equal to 10 seconds"))
    in_secrets = spec.get("serviceAccountTokenInSecrets")
    if in_secrets is not None and not spec.get("tokenRequests"):
        causes.append(invalid("spec.serviceAccountTokenInSecrets", in_secrets,
                              "serviceAccountTokenInSecrets is set but no tokenRequests are specified"))
    return causes


def _csi_driver_update(new: Obj, old: Obj) -> list[Cause]:
    """ValidateCSIDriverUpdate after the spec's checks: the attach requirement (named `attachedRequired`
    there) and the lifecycle modes may not change."""
    spec, before = as_dict(new.get("spec")), as_dict(old.get("spec"))
    causes = [] if spec.get("attachRequired") == before.get("attachRequired") else [
        invalid("spec.attachedRequired", spec.get("attachRequired"), _IMMUTABLE)]
    if spec.get("volumeLifecycleModes") != before.get("volumeLifecycleModes"):
        causes.append(invalid("spec.volumeLifecycleModes", spec.get("volumeLifecycleModes"), _IMMUTABLE))
    return causes


def csi_driver_warnings(obj: Obj, old: Obj | None) -> list[str]:
    """WarningsOnCreate/Update: token requests (new or changed) without serviceAccountTokenInSecrets set."""
    requests = as_dict(obj.get("spec")).get("tokenRequests")
    changed = old is None or semantic(requests) != semantic(as_dict(old.get("spec")).get("tokenRequests"))
    if changed and requests and as_dict(obj.get("spec")).get("serviceAccountTokenInSecrets") is None:
        return ["spec.serviceAccountTokenInSecrets is unset; if supported by this CSI driver, set to true to prevent "
                "possible logging of tokens in volume attributes"]
    return []


def _runtime_class(obj: Obj) -> list[Cause]:
    """ValidateRuntimeClass's imperative share: the pods' fixed overhead as a container's limits (names and
    amounts); its scheduling's node selector (labels) and tolerations (a pod's, and each key, operator, value
    and effect once)."""
    fixed = as_dict(as_dict(obj.get("overhead")).get("podFixed"))
    causes = [c for name in sorted(fixed) for c in (container_resource_name(name, f"overhead.limits[{name}]")
                                                     + amount_causes(name, fixed[name], f"overhead.limits[{name}]"))]
    if not isinstance(scheduling := obj.get("scheduling"), dict):
        return causes
    if scheduling.get("nodeSelector") is not None:
        causes += validation.labels("scheduling.nodeSelector", scheduling["nodeSelector"])
    given = dicts(scheduling.get("tolerations"))
    causes += podspecfields.tolerations(given, "scheduling.tolerations")
    seen: set[tuple[str, ...]] = set()
    for i, toleration in enumerate(given):
        listed = tuple(str(toleration.get(f) or "") for f in ("key", "operator", "value", "effect"))
        if listed in seen:
            causes.append(duplicate(f"scheduling.tolerations[{i}]", as_internal("Toleration", toleration)))
        seen.add(listed)
    return causes


def _runtime_class_handler(new: Obj, old: Obj) -> list[Cause]:
    """The imperative check of a changed handler's format, which declarative validation does not cover then
    (its immutability check stops it before the format), so it stays, first."""
    handler = str(new.get("handler") or "")
    return invalid_each("handler", handler, names.dns_label(handler)) \
        if handler and handler != str(old.get("handler") or "") else []


def _runtime_class_declared(new: Obj, old: Obj | None) -> list[Cause]:
    """Declarative validation's share (beta, reported last, replacing the imperative checks it matches): the
    handler immutable and required, both before a short circuit; else a DNS label."""
    handler = str(new.get("handler") or "")
    missing = [] if handler else [required("handler")]
    if old is not None and handler != str(old.get("handler") or ""):
        return [invalid("handler", None, _IMMUTABLE), *missing]
    return missing or invalid_each("handler", handler, names.dns_label(handler))


def _storage_capacity(obj: Obj) -> list[Cause]:
    """ValidateCSIStorageCapacity: the node topology a label selector, the class a DNS subdomain, the capacity
    not negative (the largest volume's size is not checked)."""
    causes = validation.label_selector(as_dict(obj.get("nodeTopology")), "nodeTopology")
    klass = str(obj.get("storageClassName") or "")
    causes += invalid_each("storageClassName", klass, names.subdomain(klass))
    if (amount := quantity.parsed(obj.get("capacity"))) is not None and "capacity" in obj and amount < 0:
        causes.append(invalid("capacity", str(obj["capacity"]), "must be greater than or equal to 0"))
    return causes


def _storage_capacity_update(new: Obj, old: Obj) -> list[Cause]:
    """ValidateCSIStorageCapacityUpdate: the inputs of the driver's GetCapacity may not change."""
    causes = [] if semantic(new.get("nodeTopology")) == semantic(old.get("nodeTopology")) else [
        invalid("nodeTopology", new.get("nodeTopology"), _IMMUTABLE)]
    if new.get("storageClassName") != old.get("storageClassName"):
        causes.append(invalid("storageClassName", new.get("storageClassName") or "", _IMMUTABLE))
    return causes


def _volume_attachment(obj: Obj) -> list[Cause]:
    """ValidateVolumeAttachment but the attacher (declarative validation's, below): exactly one source (an
    inline volume spec's own fields are not checked), the node's name, the volume's name."""
    spec = as_dict(obj.get("spec"))
    source = as_dict(spec.get("source"))
    inline, volume = source.get("inlineVolumeSpec"), source.get("persistentVolumeName")
    why = "must specify exactly one of inlineVolumeSpec and persistentVolumeName"
    causes = [required("spec.source", why)] if inline is None and volume is None else \
        [forbidden("spec.source", why)] if inline is not None and volume is not None else \
        [required("spec.source.persistentVolumeName", "must specify non empty persistentVolumeName")] \
        if volume == "" else []
    node = str(spec.get("nodeName") or "")
    causes += invalid_each("spec.nodeName", node, names.subdomain(node))
    if volume is not None:
        causes += invalid_each("spec.source.persistentVolumeName", volume, names.subdomain(str(volume)))
    return causes


def _attacher(spec: Obj, caseless: bool) -> list[Cause]:
    """A CSI attacher's name, as the imperative check (ValidateCSIDriverName) or the declarative one words it."""
    attacher = str(spec.get("attacher") or "")
    if not caseless or not attacher:
        return volumevalidation.csi_driver_name("spec.attacher", attacher)
    return volumevalidation.declared_driver_name("spec.attacher", attacher)


def _volume_attachment_changed(new: Obj, old: Obj) -> list[Cause]:
    """An update of the spec (immutable): declarative validation stops at that, so the imperative attacher
    checks stay, first."""
    return _attacher(as_dict(new.get("spec")), caseless=False) \
        if semantic(new.get("spec")) != semantic(old.get("spec")) else []


def _volume_attachment_declared(new: Obj, old: Obj | None) -> list[Cause]:
    """Declarative validation's share (beta, last): the spec immutable, else the attacher."""
    if old is not None and semantic(new.get("spec")) != semantic(old.get("spec")):
        return [invalid("spec", None, _IMMUTABLE)]
    return _attacher(as_dict(new.get("spec")), caseless=True)


def attachment_status(obj: Obj) -> list[Cause]:
    """validateVolumeAttachmentStatus, as a /status write is checked: the metadata's size, each error's message
    length and code."""
    status = as_dict(obj.get("status"))
    metadata = as_dict(status.get("attachmentMetadata"))
    causes = [too_long("status.attachmentMetadata", 256 * 1024)] \
        if sum(len(k) + len(str(v)) for k, v in metadata.items()) > 256 * 1024 else []
    for f in ("attachError", "detachError"):
        error = as_dict(status.get(f))
        if len(str(error.get("message") or "")) > 1024:
            causes.append(too_long(f"status.{f}.message", 1024))
        if isinstance(code := error.get("errorCode"), int) and code < 0:
            causes.append(invalid(f"status.{f}.errorCode", code, "must be between 0 and 2147483647, inclusive"))
    return causes


_ADMISSION_CONFIGS = ("ValidatingWebhookConfiguration", "MutatingWebhookConfiguration", "ValidatingAdmissionPolicy",
                      "ValidatingAdmissionPolicyBinding", "MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding")
# the checks of a create and of an update's new object; of an update only, before those and after them; of a
# create only; and declarative validation's, reported after all the others
ON_WRITE: dict[tuple[str, str], Callable[[Obj], list[Cause]]] = {
    ("v1", "ResourceQuota"): _resource_quota,
    ("v1", "LimitRange"): _limit_range,
    ("networking.k8s.io/v1", "IngressClass"): _ingress_class,
    ("storage.k8s.io/v1", "StorageClass"): _storage_class,
    ("storage.k8s.io/v1", "VolumeAttributesClass"): _volume_attributes_class,
    ("storage.k8s.io/v1", "CSINode"): volumevalidation.csi_node,
    ("networking.k8s.io/v1", "IPAddress"): _ip_address,
    ("flowcontrol.apiserver.k8s.io/v1", "PriorityLevelConfiguration"): apfvalidation.priority_level,
    ("flowcontrol.apiserver.k8s.io/v1", "FlowSchema"): apfvalidation.flow_schema,
    ("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicy"): policyvalidation.validating_policy,
    ("admissionregistration.k8s.io/v1", "MutatingAdmissionPolicy"): policyvalidation.mutating_policy,
    ("resource.k8s.io/v1", "ResourceClaimTemplate"): dravalidation.claim_template,
    ("resource.k8s.io/v1", "DeviceClass"): dravalidation.device_class,
    ("storagemigration.k8s.io/v1", "StorageVersionMigration"): _migration,
    ("admissionregistration.k8s.io/v1", "MutatingAdmissionPolicyBinding"): policyvalidation.mutating_binding,
    ("v1", "Endpoints"): endpointvalidation.endpoints,
    ("apps/v1", "ControllerRevision"): lambda obj: nonnegative("revision", obj.get("revision")),
    ("discovery.k8s.io/v1", "EndpointSlice"): endpointvalidation.endpoint_slice,
    ("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicyBinding"): policyvalidation.policy_binding,
    ("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration"): webhookvalidation.webhook_configuration,
    ("admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration"): webhookvalidation.webhook_configuration,
    ("v1", "PersistentVolume"): volumevalidation.persistent_volume,
    ("storage.k8s.io/v1", "CSIDriver"): _csi_driver,
    ("node.k8s.io/v1", "RuntimeClass"): _runtime_class,
    ("storage.k8s.io/v1", "CSIStorageCapacity"): _storage_capacity,
    ("storage.k8s.io/v1", "VolumeAttachment"): _volume_attachment,
    ("certificates.k8s.io/v1", "ClusterTrustBundle"): trustbundles.trust_bundle,
    ("apiregistration.k8s.io/v1", "APIService"): apiservices.spec_causes,
}
BEFORE_UPDATE: dict[tuple[str, str], Callable[[Obj, Obj], list[Cause]]] = {
    ("discovery.k8s.io/v1", "EndpointSlice"): endpointvalidation.endpoint_slice_type_update,
    ("networking.k8s.io/v1", "IngressClass"): _ingress_class_update,
    ("storage.k8s.io/v1", "VolumeAttributesClass"): _volume_attributes_class_update,
    ("node.k8s.io/v1", "RuntimeClass"): _runtime_class_handler,
    ("storage.k8s.io/v1", "VolumeAttachment"): _volume_attachment_changed,
}
AFTER_UPDATE: dict[tuple[str, str], Callable[[Obj, Obj], list[Cause]]] = {
    ("discovery.k8s.io/v1", "EndpointSlice"): endpointvalidation.endpoint_slice_endpoints_update,
    ("resource.k8s.io/v1", "ResourceClaimTemplate"): _claim_template_update,
    ("storagemigration.k8s.io/v1", "StorageVersionMigration"): _migration_update,
    ("resource.k8s.io/v1", "ResourceSlice"): dravalidation.resource_slice,
    ("resource.k8s.io/v1", "DeviceTaintRule"): dravalidation.device_taint_rule,
    ("networking.k8s.io/v1", "ServiceCIDR"): _service_cidr_update,
    ("v1", "Node"): nodevalidation.node_spec_update,
    ("storage.k8s.io/v1", "CSINode"): volumevalidation.csi_node_update,
    ("v1", "ResourceQuota"): _resource_quota_update,
    ("scheduling.k8s.io/v1", "PriorityClass"): _priority_class_update,
    ("v1", "PersistentVolume"): volumevalidation.persistent_volume_update,
    ("storage.k8s.io/v1", "CSIDriver"): _csi_driver_update,
    ("storage.k8s.io/v1", "CSIStorageCapacity"): _storage_capacity_update,
    ("certificates.k8s.io/v1", "ClusterTrustBundle"): trustbundles.signer_kept,
    ("certificates.k8s.io/v1", "PodCertificateRequest"): podcertificates.update_causes,
}
ON_CREATE: dict[tuple[str, str], Callable[[Obj], list[Cause]]] = {
    ("discovery.k8s.io/v1", "EndpointSlice"): endpointvalidation.endpoint_slice_endpoints,
    ("apps/v1", "ControllerRevision"): _controller_revision_create,
    ("networking.k8s.io/v1", "ServiceCIDR"): _service_cidr,
    ("v1", "Node"): nodevalidation.node_create,
    ("scheduling.k8s.io/v1", "PriorityClass"): _priority_class,
    ("certificates.k8s.io/v1", "PodCertificateRequest"): podcertificates.causes,
    ("certificates.k8s.io/v1", "CertificateSigningRequest"): csr.create_causes,
    **{("admissionregistration.k8s.io/v1", kind): policyvalidation.static_suffix for kind in _ADMISSION_CONFIGS},
    ("resource.k8s.io/v1", "ResourceSlice"): dravalidation.resource_slice,
    ("resource.k8s.io/v1", "DeviceTaintRule"): dravalidation.device_taint_rule,
    ("resource.k8s.io/v1", "ResourceClaim"): dravalidation.claim,
}
DECLARED: dict[tuple[str, str], Callable[[Obj, Obj | None], list[Cause]]] = {
    ("storage.k8s.io/v1", "StorageClass"): _storage_class_declared,
    ("resource.k8s.io/v1", "ResourceClaim"): dravalidation.claim_declared,
    ("resource.k8s.io/v1", "ResourceClaimTemplate"): dravalidation.claim_template_declared,
    ("resource.k8s.io/v1", "DeviceClass"): dravalidation.device_class_declared,
    ("node.k8s.io/v1", "RuntimeClass"): _runtime_class_declared,
    ("storage.k8s.io/v1", "VolumeAttachment"): _volume_attachment_declared,
    ("flowcontrol.apiserver.k8s.io/v1", "PriorityLevelConfiguration"): apfvalidation.priority_level_declared,
    ("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicyBinding"): policyvalidation.policy_binding_declared,
    ("discovery.k8s.io/v1", "EndpointSlice"): endpointvalidation.endpoint_slice_declared,
    ("v1", "Node"): nodevalidation.node_declared,
    ("networking.k8s.io/v1", "IPAddress"): _ip_address_declared,
    ("networking.k8s.io/v1", "IngressClass"): _ingress_class_declared,
}
# the checks of a /status write, and what a write is warned of (given the object an update replaces)
ON_STATUS: dict[tuple[str, str], Callable[[Obj], list[Cause]]] = {
    ("v1", "ResourceQuota"): quota_status,
    ("storage.k8s.io/v1", "VolumeAttachment"): attachment_status,
    ("flowcontrol.apiserver.k8s.io/v1", "FlowSchema"): apfvalidation.status_conditions,
    ("flowcontrol.apiserver.k8s.io/v1", "PriorityLevelConfiguration"): apfvalidation.status_conditions,
    ("resource.k8s.io/v1", "DeviceTaintRule"): dravalidation.device_taint_rule_status,
    ("apiregistration.k8s.io/v1", "APIService"): apiservices.status_causes,
    ("v1", "PersistentVolumeClaim"): claimspec.claim_status,
}
WARNINGS: dict[tuple[str, str], Callable[[Obj, Obj | None], list[str]]] = {
    ("discovery.k8s.io/v1", "EndpointSlice"): endpointvalidation.endpoint_slice_warnings,
    ("v1", "Endpoints"): endpointvalidation.endpoints_warnings,
    ("v1", "PersistentVolume"): volumevalidation.pv_warnings,
    ("v1", "PersistentVolumeClaim"): claimspec.claim_warnings,
    ("v1", "Service"): serviceips.service_warnings,
    ("storage.k8s.io/v1", "CSIDriver"): csi_driver_warnings,
    **podwarnings.WARNINGS,
    ("v1", "Node"): nodevalidation.node_warnings,
    ("apiextensions.k8s.io/v1", "CustomResourceDefinition"): crds.definition_warnings,
    **{("admissionregistration.k8s.io/v1", kind): policyvalidation.webhook_warnings if kind.endswith("Configuration")
       else policyvalidation.static_suffix_warnings for kind in _ADMISSION_CONFIGS},
}
