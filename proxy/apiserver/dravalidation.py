"""Dynamic resource allocation's objects as kube-apiserver v1.37 validates the writes of them
(pkg/apis/resource/validation, and declarative validation's share, reported last): DRA drivers, schedulers
and operators under development write these, so a replay refuses what a cluster refuses.

- ResourceClaims and their templates: each request's name, kind (exact or alternatives), class, allocation
  mode and count, selectors, tolerations; constraints and configurations naming the claim's requests (a new
  claim's, and a template's on every write); a claim's status as a scheduler writes it — reserved only once
  allocated, an allocation set once, each result naming a request (or a request and its subrequest), a
  device, a driver and a pool; the status a driver reports of each allocated device (its conditions, data and
  network addresses), dropped for a device the allocation no longer holds.
- ResourceSlices, as a driver publishes them: its driver and pool (fixed, as its node), one place for its
  devices (a node, a node selector, all nodes, or per device), each device's name, attributes, capacity and
  taints; DeviceTaintRules (the devices selected, the taint); DeviceClasses (selectors, configurations, the
  extended resource they stand for).

Not modelled: the compilation of a selector's CEL, derived attributes, admin access (the namespace label it
needs), binding conditions, node selectors' terms, a device's counters and consumable capacity."""

from __future__ import annotations

import json
import re
from typing import Any

from ..wire import names
from . import celcheck, claimspec, podspecfields, validation
from .fielderrors import (
    Cause,
    duplicate,
    forbidden,
    invalid,
    invalid_each,
    not_supported,
    required,
    too_long,
    too_many,
)
from .internal import semantic, semantic_internal
from .ipvalidation import interface_address
from .podvalidation import as_dict, dicts, one_of
from .volumevalidation import csi_driver_name, declared_driver_name

Obj = dict[str, Any]

_FIXED = "field is immutable"
_REQUEST_REF = "must be the name of a request in the claim or the name of a request and a subrequest separated by '/'"
_DEVICE = celcheck.with_libraries({"device": celcheck.UNKNOWN}, "cel")  # (a device selector's variable; cel.bind)


def _request_names(claim: Obj) -> dict[str, set[str] | None]:
    """gatherRequestNames: each request's subrequests (None for a request without alternatives)."""
    out: dict[str, set[str] | None] = {}
    for request in dicts(as_dict(as_dict(claim.get("spec")).get("devices")).get("requests")):
        subs = dicts(request.get("firstAvailable"))
        out[str(request.get("name") or "")] = {str(s.get("name") or "") for s in subs} if subs else None
    return out


def _request_ref(name: str, path: str, known: dict[str, set[str] | None]) -> list[Cause]:
    """validateRequestNameRef: one or two DNS labels, naming a request of the claim (and its subrequest)."""
    segments = name.split("/")
    if len(segments) > 2:
        return [invalid(path, name, _REQUEST_REF)]
    causes = [c for s in segments for c in invalid_each(path, s, names.dns_label(s))]
    subs = known.get(segments[0], set())
    found = segments[0] in known and (len(segments) == 1 or (subs is not None and segments[1] in subs))
    return causes if found else [*causes, invalid(path, name, _REQUEST_REF)]


def _opaque(config: Obj, path: str) -> list[Cause]:
    """validateDeviceConfiguration: an opaque configuration whose parameters are a JSON object (its driver is
    declarative validation's)."""
    if not isinstance(opaque := config.get("opaque"), dict):
        return [required(f"{path}.opaque")]
    parameters = opaque.get("parameters")
    if parameters is None:
        return [required(f"{path}.opaque.parameters")]
    return [] if isinstance(parameters, dict) else \
        [invalid(f"{path}.opaque.parameters", "<value omitted>", "must be a valid JSON object")]


def _allocation(allocation: Obj, path: str, known: dict[str, set[str] | None]) -> list[Cause]:
    """validateAllocationResult of a new allocation: each result's request and device, each configuration's
    requests and parameters, the node selector where there is one."""
    devices, causes = as_dict(allocation.get("devices")), []
    for i, result in enumerate(dicts(devices.get("results"))):
        at = f"{path}.devices.results[{i}]"
        causes += _request_ref(str(result.get("request") or ""), f"{at}.request", known)
        device = str(result.get("device") or "")
        causes += invalid_each(f"{at}.device", device, names.dns_label(device))
    causes += _configs(devices.get("config"), f"{path}.devices.config", known)
    if isinstance(selector := allocation.get("nodeSelector"), dict):
        causes += podspecfields.node_selector(selector, f"{path}.nodeSelector")
    return causes


def _configs(configs: Any, path: str, known: dict[str, set[str] | None]) -> list[Cause]:
    """validateDeviceClaimConfiguration and validateDeviceAllocationConfiguration: each configuration's
    requests naming the claim's, and an opaque configuration."""
    causes: list[Cause] = []
    for i, config in enumerate(dicts(configs)):
        causes += [c for j, name in enumerate(config.get("requests") or [])
                   for c in _request_ref(str(name), f"{path}[{i}].requests[{j}]", known)]
        causes += _opaque(config, f"{path}[{i}]")
    return causes


def claim_status(obj: Obj, old: Obj) -> list[Cause]:
    """validateResourceClaimStatusUpdate, then what declarative validation checks of it (reported last)."""
    status, old_status = as_dict(obj.get("status")), as_dict(old.get("status"))
    reserved = dicts(status.get("reservedFor"))
    causes = [required(f"status.reservedFor[{i}].{f}") for i, ref in enumerate(reserved)
              for f in ("resource", "name", "uid") if not ref.get(f)]
    allocation, before = status.get("allocation"), old_status.get("allocation")
    allocated = {_device_id(r) for r in dicts(as_dict(as_dict(allocation).get("devices")).get("results"))}
    causes += [c for i, device in enumerate(dicts(status.get("devices")))
               for c in _device_status(device, f"status.devices[{i}]", allocated)]
    if reserved and not isinstance(allocation, dict):
        causes.append(forbidden("status.reservedFor", "may not be specified when `allocated` is not set"))
    elif reserved and as_dict(obj.get("metadata")).get("deletionTimestamp"):
        kept = [json.dumps(r, sort_keys=True) for r in dicts(old_status.get("reservedFor"))]
        if any(json.dumps(r, sort_keys=True) not in kept for r in reserved):
            causes.append(forbidden("status.reservedFor", "new entries may not be added while "
                                                          "`deallocationRequested` or `deletionTimestamp` are set"))
    if isinstance(allocation, dict) and not isinstance(before, dict):
        causes += _allocation(allocation, "status.allocation", _request_names(obj))
    return causes + _claim_status_declared(allocation, before, status.get("devices"), old_status.get("devices"))


def _device_id(device: Obj) -> str:
    """structured.SharedDeviceID's string: driver/pool/device[/shareID]."""
    parts = [str(device.get(k) or "") for k in ("driver", "pool", "device")]
    return "/".join(parts + ([str(device["shareID"])] if device.get("shareID") else []))


def drop_deallocated(new: Obj, old: Obj) -> None:
    """The status strategy's dropDeallocatedStatusDevices: a /status write keeps no status of a device the old
    allocation had and the new one does not (in place)."""
    def results(claim: Obj) -> set[str]:
        allocation = as_dict(as_dict(claim.get("status")).get("allocation"))
        return {_device_id(r) for r in dicts(as_dict(allocation.get("devices")).get("results"))}
    gone = results(old) - results(new)
    status = as_dict(new.get("status"))
    if gone and isinstance(devices := status.get("devices"), list):
        kept = [d for d in devices if not (isinstance(d, dict) and _device_id(d) in gone)]
        if kept:
            status["devices"] = kept
        else:
            status.pop("devices")


def _device_status(device: Obj, path: str, allocated: set[str]) -> list[Cause]:
    """validateDeviceStatus: a device a driver reports on — named as allocated, its conditions (metav1's, at
    most 8), its data a JSON object, its network data's addresses in canonical CIDR form."""
    driver, device_name = str(device.get("driver") or ""), str(device.get("device") or "")
    causes = csi_driver_name(f"{path}.driver", driver) + _pool_name(str(device.get("pool") or ""), f"{path}.pool")
    causes += invalid_each(f"{path}.device", device_name, names.dns_label(device_name))
    if _device_id(device) not in allocated:
        shown = {"Driver": driver, "Pool": device.get("pool") or "", "Device": device_name,
                 "ShareID": device.get("shareID") or ""}  # (the SharedDeviceID struct, its strings as JSON)
        causes.append(invalid(path, shown, "must be an allocated device in the claim"))
    conditions = dicts(device.get("conditions"))
    causes += [too_many(f"{path}.conditions", len(conditions), 8)] if len(conditions) > 8 else []
    causes += validation.conditions(conditions, f"{path}.conditions")
    if (data := device.get("data")) is not None and not isinstance(data, dict):
        causes.append(invalid(f"{path}.data", "<value omitted>", "must be a valid JSON object"))
    elif data is not None and len(json.dumps(data, separators=(",", ":"))) > 10 * 1024:
        causes.append(too_long(f"{path}.data", 10 * 1024))
    network = as_dict(device.get("networkData"))
    return causes + [c for i, ip in enumerate(network.get("ips") or [])
                     for c in interface_address(f"{path}.networkData.ips[{i}]", str(ip))]


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_CONFIG_SOURCES = ("FromClaim", "FromClass")


def _share_id(holder: Obj, path: str) -> list[Cause]:
    """The k8s-uuid format of a share ID, where one is given."""
    if (share := holder.get("shareID")) is None or _UUID.fullmatch(str(share)):
        return []
    return [invalid(f"{path}.shareID", share, "must be a lowercase UUID in 8-4-4-4-12 format")]


def _claim_status_declared(allocation: Any, before: Any, devices: list[Any] | None = None,
                           devices_before: list[Any] | None = None) -> list[Cause]:
    """Declarative validation's share, in the status's field order: an allocation is set once (it may be
    cleared), each new result names its driver and pool and a share ID in UUID form, each new configuration
    its source; a device status's share ID (one the status held already is not judged again)."""
    causes: list[Cause] = []
    if isinstance(allocation, dict) and isinstance(before, dict):
        causes += [] if allocation == before else \
            [invalid("status.allocation", None, "field cannot be modified once set")]
    else:
        results = as_dict(as_dict(allocation).get("devices"))
        for i, result in enumerate(dicts(results.get("results"))):
            at = f"status.allocation.devices.results[{i}]"
            driver = str(result.get("driver") or "")
            causes += declared_driver_name(f"{at}.driver", driver) if driver else [required(f"{at}.driver")]
            causes += [] if result.get("pool") else [required(f"{at}.pool")]
            causes += _share_id(result, at)
        for i, config in enumerate(dicts(results.get("config"))):
            at, source = f"status.allocation.devices.config[{i}].source", config.get("source") or ""
            causes += [required(at)] if not source else \
                [not_supported(at, source, _CONFIG_SOURCES)] if source not in _CONFIG_SOURCES else []
    for i, device in enumerate(devices or []):
        if isinstance(device, dict) and device not in (devices_before or []):
            causes += _share_id(device, f"status.devices[{i}]")
    return causes


_ONE_PLACE = "exactly one of `nodeName`, `nodeSelector`, `allNodes`, `perDeviceNodeSelection` is required"
_DEVICE_PLACE = "exactly one of `nodeName`, `nodeSelector`, or `allNodes` is required when `perDeviceNodeSelection` " \
                "is set to true in the ResourceSlice spec"
_SEMVER = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
                     r"(-(0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(\.(0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*)?"
                     r"(\+[0-9a-zA-Z-]+(\.[0-9a-zA-Z-]+)*)?")
_C_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_C_IDENTIFIER_MSG = ("a valid C identifier must start with alphabetic character or '_', followed by a string of "
                     "alphanumeric characters or '_' (e.g. 'my_name',  or 'MY_NAME',  or 'MyName', regex used for "
                     "validation is '[A-Za-z_][A-Za-z0-9_]*')")
_EFFECTS = ("NoExecute", "NoSchedule", "None")
_ATTRIBUTE_VALUES = ("int", "bool", "string", "version", "ints", "bools", "strings", "versions")


def _pool_name(name: str, path: str) -> list[Cause]:
    """validatePoolName: DNS subdomains separated by slashes, at most 253 characters in all."""
    if not name:
        return [required(path)]
    causes = [too_long(path, 253)] if len(name) > 253 else []
    return causes + [c for part in name.split("/") for c in invalid_each(path, part, names.subdomain(part))]


def _node_name(holder: Obj, path: str, empty: str, where: list[str]) -> list[Cause]:
    """A slice's or a device's `nodeName`: a node's name where given, `empty` the refusal of an empty one."""
    if (node := holder.get("nodeName")) is None:
        return []
    if not node:
        return [invalid(f"{path}.nodeName", node, empty)]
    where.append("`nodeName`")
    return invalid_each(f"{path}.nodeName", node, names.subdomain(str(node)))


def _one_place(where: list[str], path: str, none: str, several: str) -> list[Cause]:
    """Exactly one of the places collected in `where`: `none` and `several` the refusals otherwise."""
    if not where:
        return [required(path, none)]
    return [invalid(path, "{" + ", ".join(where) + "}", several)] if len(where) > 1 else []


def _true_or_unset(spec: Obj, key: str, path: str, where: list[str]) -> list[Cause]:
    value = spec.get(key)
    if value is None:
        return []
    if value is True:
        where.append(f"`{key}`")
        return []
    return [invalid(f"{path}.{key}", value, "must be either unset or set to true")]


def _c_identifier(value: str, path: str) -> list[Cause]:
    causes = [too_long(path, 32)] if len(value) > 32 else []
    return causes + ([] if _C_IDENTIFIER.fullmatch(value) else [invalid(path, value, _C_IDENTIFIER_MSG)])


def _qualified_name(name: str, path: str) -> list[Cause]:
    """validateQualifiedName: a C identifier, or a domain (a driver's name) and one separated by a slash."""
    parts = name.split("/")
    if len(parts) == 1:
        return _c_identifier(name, path)
    if len(parts) != 2:
        return []  # (the apiserver's TODO: more than one slash is accepted)
    causes = csi_driver_name(path, parts[0]) if parts[0] else [invalid(path, "", "the domain must not be empty")]
    return causes + (_c_identifier(parts[1], path) if parts[1] else [invalid(path, "", "the name must not be empty")])


def _attribute(value: Obj, path: str) -> list[Cause]:
    """validateDeviceAttribute, but for the one value it must have (declarative validation's union); its list
    values are gated off in 1.37 and dropped before (defaults.py)."""
    causes: list[Cause] = []
    for key in ("string", "version"):
        if isinstance(text := value.get(key), str):
            if key == "version" and not _SEMVER.fullmatch(text):
                causes.append(invalid(f"{path}.version", text,
                                      "must be a string compatible with semver.org spec 2.0.0"))
            causes += [too_long(f"{path}.{key}", 64)] if len(text) > 64 else []
    return causes


def _attribute_union(value: Obj, path: str) -> list[Cause]:
    """Declarative validation's union of an attribute's values: exactly one."""
    given = [k for k in _ATTRIBUTE_VALUES if value.get(k) is not None]
    every = ", ".join(f"`{k}`" for k in _ATTRIBUTE_VALUES)
    if not given:
        return [invalid(path, "", f"must specify one of: {every}")]
    if len(given) > 1:
        return [invalid(path, "{" + ", ".join(given) + "}", f"must specify exactly one of: {every}")]
    return []


def _taint(taint: Obj, path: str) -> list[Cause]:
    """validateDeviceTaint, but for its effect (declarative validation's, `_taint_effect`)."""
    key, value = str(taint.get("key") or ""), str(taint.get("value") or "")
    causes = invalid_each(f"{path}.key", key, names.qualified_name(key))
    return causes + (invalid_each(f"{path}.value", value, names.label_value(value)) if value else [])


def _taint_effect(taint: Obj, old: Obj | None, path: str) -> list[Cause]:
    """Declarative validation of a taint's effect (not again where an update keeps it)."""
    effect = taint.get("effect")
    return [] if old is not None and old.get("effect") == effect else one_of(f"{path}.effect", effect, _EFFECTS)


def _device(device: Obj, path: str, per_device: bool, old_device: Obj | None = None) -> list[Cause]:
    """validateDevice: its name, how many attributes and capacities, each attribute's and capacity's name and
    value, where it is when the slice says per device."""
    name = str(device.get("name") or "")
    causes = invalid_each(f"{path}.name", name, names.dns_label(name))
    attributes, capacity = as_dict(device.get("attributes")), as_dict(device.get("capacity"))
    if (n := len(attributes) + len(capacity)) > 32:
        causes.append(invalid(path, n, "the total number of attributes and capacities must not exceed 32"))
    if len(attributes) > 48:  # (one value each: list values are gated off)
        causes.append(invalid(path, len(attributes), "the total number of attribute values must not exceed 48"))
    for key, value in attributes.items():
        causes += _qualified_name(key, f"{path}.attributes")
        causes += _attribute(as_dict(value), f"{path}.attributes[{key}]")
    for key, value in capacity.items():
        causes += _qualified_name(key, f"{path}.capacity")
        if as_dict(value).get("requestPolicy") is not None and device.get("allowMultipleAllocations") is not True:
            causes.append(forbidden(f"{path}.capacity[{key}].requestPolicy", "allowMultipleAllocations must be true"))
    if old_device is None or semantic(old_device.get("taints")) != semantic(device.get("taints")):
        taints = dicts(device.get("taints"))
        causes += [too_many(f"{path}.taints", len(taints), 16)] if len(taints) > 16 else \
            [c for i, taint in enumerate(taints) for c in _taint(taint, f"{path}.taints[{i}]")]
    if per_device:
        where: list[str] = []
        causes += _node_name(device, path, "must not be empty", where)
        if device.get("nodeSelector") is not None:
            where.append("`nodeSelector`")
        causes += _true_or_unset(device, "allNodes", path, where)
        causes += _one_place(where, path, _DEVICE_PLACE, _DEVICE_PLACE)
    elif any(device.get(k) is not None for k in ("nodeName", "nodeSelector", "allNodes")):
        causes.append(invalid(path, None, "`nodeName`, `nodeSelector` and `allNodes` can only be set if "
                                          "`perDeviceNodeSelection` is set to true in the ResourceSlice spec"))
    return causes + _binding_conditions(device, path)


def _counters(holder: Obj, named: str, path: str) -> list[Cause]:
    """validateCounterSet and validateDeviceCounterConsumption: a name (a DNS label) and at most 32 counters,
    each named by a DNS label (refused at the map, as validateMap names a key's errors)."""
    name, counters = str(holder.get(named) or ""), as_dict(holder.get("counters"))
    causes = invalid_each(f"{path}.{named}", name, names.dns_label(name)) if name else [required(f"{path}.{named}")]
    if not counters:
        return [*causes, required(f"{path}.counters")]
    if len(counters) > 32:
        return [*causes, too_many(f"{path}.counters", len(counters), 32)]
    return causes + [c for key in counters for c in invalid_each(f"{path}.counters", key, names.dns_label(key))]


def _binding_conditions(device: Obj, path: str) -> list[Cause]:
    """validateDeviceBindingParameters: at most 4 label names in each list, none twice nor in both, and neither
    list without the other."""
    conditions, failures = ([str(c) for c in device.get(f) or []] for f in ("bindingConditions",
                                                                            "bindingFailureConditions"))
    causes: list[Cause] = []
    for field, given in (("bindingConditions", conditions), ("bindingFailureConditions", failures)):
        causes += [too_many(f"{path}.{field}", len(given), 4)] if len(given) > 4 else [
            c for i, name in enumerate(given) for c in invalid_each(f"{path}.{field}[{i}]", name,
                                                                      names.qualified_name(name))]
    causes += [duplicate(f"{path}.bindingConditions[{i}]", c) for i, c in enumerate(conditions) if c in conditions[:i]]
    for i, failure in enumerate(failures):
        causes += [duplicate(f"{path}.bindingFailureConditions[{i}]", failure)] if failure in failures[:i] else []
        if failure in conditions:
            causes.append(invalid(f"{path}.bindingFailureConditions[{i}]", failure,
                                  "bindingFailureConditions must not overlap with bindingConditions"))
    if failures and not conditions:
        causes.append(invalid(f"{path}.bindingConditions", device.get("bindingConditions"),
                              "bindingConditions are required to use bindingFailureConditions"))
    if conditions and not failures:
        causes.append(invalid(f"{path}.bindingFailureConditions", device.get("bindingFailureConditions"),
                              "bindingFailureConditions are required to use bindingConditions"))
    return causes


def resource_slice(obj: Obj, old: Obj | None = None) -> list[Cause]:
    """validateResourceSliceSpec, in its order (an update's fixed fields after the pool), then declarative
    validation's share."""
    spec, old_spec = as_dict(obj.get("spec")), as_dict((old or {}).get("spec"))
    pool = as_dict(spec.get("pool"))
    causes = csi_driver_name("spec.driver", str(spec.get("driver") or ""))
    causes += _pool_name(str(pool.get("name") or ""), "spec.pool.name")
    if not isinstance(count := pool.get("resourceSliceCount"), int) or count <= 0:
        causes.append(invalid("spec.pool.resourceSliceCount", count or 0, "must be greater than zero"))
    if isinstance(generation := pool.get("generation"), int) and generation < 0:
        causes.append(invalid("spec.pool.generation", generation, "must be greater than or equal to zero"))
    if old is not None:
        for path, new_value, old_value in (
                ("spec.pool.name", pool.get("name") or "", as_dict(old_spec.get("pool")).get("name") or ""),
                ("spec.driver", spec.get("driver") or "", old_spec.get("driver") or ""),
                ("spec.nodeName", spec.get("nodeName"), old_spec.get("nodeName"))):
            causes += [] if new_value == old_value else [invalid(path, new_value, "field is immutable")]
    where: list[str] = []
    causes += _node_name(spec, "spec", "must be either unset or set to a non-empty string", where)
    if isinstance(selector := spec.get("nodeSelector"), dict):
        where.append("`nodeSelector`")
        causes += podspecfields.node_selector(selector, "spec.nodeSelector")
        if len(selector.get("nodeSelectorTerms") or []) != 1:  # (None prints as null, as a nil slice)
            causes.append(invalid("spec.nodeSelector.nodeSelectorTerms", selector.get("nodeSelectorTerms"),
                                  "must have exactly one node selector term"))
    causes += _true_or_unset(spec, "allNodes", "spec", where)
    causes += _true_or_unset(spec, "perDeviceNodeSelection", "spec", where)
    causes += _one_place(where, "spec", _ONE_PLACE, f"{_ONE_PLACE}, but multiple fields are set")
    devices = spec.get("devices")
    if spec.get("sharedCounters") is not None and devices is not None:
        causes.append(invalid("spec", "", "only one of `sharedCounters` or `devices` is allowed"))
    devices = dicts(devices)
    olds = {str(d.get("name") or ""): d for d in dicts(old_spec.get("devices"))}
    if len(devices) > 128:
        causes.append(too_many("spec.devices", len(devices), 128))
    else:
        per_device, seen = spec.get("perDeviceNodeSelection") is True, set()
        for i, device in enumerate(devices):
            causes += _device(device, f"spec.devices[{i}]", per_device, olds.get(str(device.get("name") or "")))
        for i, device in enumerate(devices):
            if (name := str(device.get("name") or "")) in seen:
                causes.append(duplicate(f"spec.devices[{i}]", name))
            seen.add(name)
    for i, device in enumerate(devices[:128]):  # (declarative validation's, each device's in field order)
        causes += [c for key, value in as_dict(device.get("attributes")).items()
                   for c in _attribute_union(as_dict(value), f"spec.devices[{i}].attributes[{key}]")]
        consumed = dicts(device.get("consumesCounters"))
        causes += [too_many(f"spec.devices[{i}].consumesCounters", len(consumed), 2)] if len(consumed) > 2 else [
            c for j, counters in enumerate(consumed)
            for c in _counters(counters, "counterSet", f"spec.devices[{i}].consumesCounters[{j}]")]
        old_taints = dicts(as_dict(olds.get(str(device.get("name") or ""))).get("taints"))
        causes += [c for j, taint in enumerate(dicts(device.get("taints")))
                   for c in _taint_effect(taint, old_taints[j] if j < len(old_taints) else None,
                                          f"spec.devices[{i}].taints[{j}]")]
    counter_sets = dicts(spec.get("sharedCounters"))
    return causes + ([too_many("spec.sharedCounters", len(counter_sets), 8)] if len(counter_sets) > 8 else [
        c for i, counters in enumerate(counter_sets) for c in _counters(counters, "name", f"spec.sharedCounters[{i}]")])


def _allocation_mode(request: Obj, path: str) -> list[Cause]:
    """validateDeviceAllocationMode (defaulted: an exact count of one unless told otherwise); an unknown mode is
    declarative validation's."""
    mode, count = request.get("allocationMode"), request.get("count") or 0
    if mode == "All" and count:
        return [invalid(f"{path}.count", count, "must not be specified when allocationMode is 'All'")]
    if mode == "ExactCount" and count <= 0:
        return [invalid(f"{path}.count", count, "must be greater than zero")]
    return []


def _selectors(selectors: Any, path: str) -> list[Cause]:
    """validateSelector: a CEL expression, at most 10 Ki long, that compiles (its syntax, and what it names: its
    one variable is `device`)."""
    causes: list[Cause] = []
    for i, selector in enumerate(dicts(selectors)):
        expression = str(cel.get("expression") or "") if isinstance(cel := selector.get("cel"), dict) else ""
        if not isinstance(cel, dict):
            causes.append(required(f"{path}[{i}].cel"))
        elif len(expression) > 10 * 1024:
            causes.append(too_long(f"{path}[{i}].cel.expression", 10 * 1024))
        elif failed := celcheck.compile_error(expression, _DEVICE):
            causes.append(invalid(f"{path}[{i}].cel.expression", expression, failed))
    return causes


def _tolerations(tolerations: Any, path: str) -> list[Cause]:
    """validateDeviceToleration, but for what declarative validation checks (the key, operator and effect)."""
    causes: list[Cause] = []
    for i, toleration in enumerate(dicts(tolerations)):
        value = str(toleration.get("value") or "")
        if toleration.get("operator") == "Exists" and value:
            causes.append(invalid(f"{path}[{i}].value", value, "must be empty for operator `Exists`"))
        elif toleration.get("operator") == "Equal":
            causes += invalid_each(f"{path}[{i}].value", value, names.label_value(value))
    return causes


def _request(request: Obj, path: str, subrequest: bool) -> list[Cause]:
    """validateExactDeviceRequest and validateDeviceSubRequest (whose class name is declarative validation's)."""
    cls = str(request.get("deviceClassName") or "")
    causes = [] if subrequest else [required(f"{path}.deviceClassName")] if not cls else \
        invalid_each(f"{path}.deviceClassName", cls, names.subdomain(cls))
    causes += _selectors(request.get("selectors"), f"{path}.selectors")
    causes += _allocation_mode(request, path)
    return causes + _tolerations(request.get("tolerations"), f"{path}.tolerations")


def claim_spec(spec: Any, path: str) -> list[Cause]:
    """validateDeviceClaim of a new claim or template: each request (a name, exactly one of an exact request
    or alternatives), each constraint and configuration naming the claim's requests."""
    devices, causes = as_dict(as_dict(spec).get("devices")), []
    known = _request_names({"spec": spec})
    for i, request in enumerate(dicts(devices.get("requests"))):
        at, name = f"{path}.devices.requests[{i}]", str(request.get("name") or "")
        causes += invalid_each(f"{at}.name", name, names.dns_label(name))
        exactly, alternatives = request.get("exactly"), dicts(request.get("firstAvailable"))
        if exactly is None and not alternatives:
            causes.append(required(at, "exactly one of `exactly` or `firstAvailable` is required"))
        elif exactly is not None and alternatives:
            causes.append(invalid(at, None, "exactly one of `exactly` or `firstAvailable` is required, but multiple "
                                            "fields are set"))
        elif alternatives:
            for j, sub in enumerate(alternatives):
                sub_name = str(sub.get("name") or "")
                causes += invalid_each(f"{at}.firstAvailable[{j}].name", sub_name, names.dns_label(sub_name))
                causes += _request(sub, f"{at}.firstAvailable[{j}]", True)
        else:
            causes += _request(as_dict(exactly), f"{at}.exactly", False)
    for i, constraint in enumerate(dicts(devices.get("constraints"))):
        at = f"{path}.devices.constraints[{i}]"
        causes += [c for j, name in enumerate(constraint.get("requests") or [])
                   for c in _request_ref(str(name), f"{at}.requests[{j}]", known)]
        if not any(constraint.get(f) is not None for f in _CONSTRAINT_ATTRIBUTES):
            causes.append(required(at, 'exactly one of "matchAttribute" or "distinctAttribute" is required, but '
                                       "multiple fields are set"))
    return causes + _configs(devices.get("config"), f"{path}.devices.config", known)


_CONSTRAINT_ATTRIBUTES = ("matchAttribute", "distinctAttribute")


def _constraint_attributes(constraint: Obj, at: str) -> list[Cause]:
    """validateFullyQualifiedName of each attribute a constraint names: declarative validation's, after the
    hand-written checks (a template's update reports them after its spec's immutability)."""
    causes: list[Cause] = []
    for field in (f for f in _CONSTRAINT_ATTRIBUTES if constraint.get(f) is not None):
        attribute = str(constraint[field])
        causes += _qualified_name(attribute, f"{at}.{field}")
        if "/" not in attribute:
            causes.append(invalid(f"{at}.{field}", attribute, "a fully qualified name must be a domain and a name "
                                                              "separated by a slash"))
    return causes


def claim(obj: Obj) -> list[Cause]:
    return claim_spec(obj.get("spec"), "spec")


def claim_template(obj: Obj) -> list[Cause]:
    """validateResourceClaimTemplateSpec: the template's metadata, then its claim's spec."""
    spec = as_dict(obj.get("spec"))
    return claimspec.template_meta(spec.get("metadata"), "spec.metadata") + claim_spec(spec.get("spec"), "spec.spec")


def _drivers_declared(configs: Any, path: str) -> list[Cause]:
    """Declarative validation of each opaque configuration's driver: given, then as `declared_driver_name`."""
    causes: list[Cause] = []
    for i, config in enumerate(dicts(configs)):
        if not isinstance(opaque := config.get("opaque"), dict):
            continue
        at, driver = f"{path}[{i}].opaque.driver", str(opaque.get("driver") or "")
        if not driver:
            causes.append(required(at))
            continue
        causes += declared_driver_name(at, driver)
    return causes


def claim_declared(obj: Obj, old: Obj | None) -> list[Cause]:
    """Declarative validation of a claim: its spec fixed on update (nothing else checked then), its
    configurations' drivers on create."""
    if old is not None:  # (Semantic.DeepEqual of the internal specs: a capacity sent as {} is a change)
        changed = semantic_internal("ResourceClaimSpec", obj.get("spec")) != \
            semantic_internal("ResourceClaimSpec", old.get("spec"))
        return [invalid("spec", None, _FIXED)] if changed else []
    return _claim_spec_declared(as_dict(obj.get("spec")), "spec")


def claim_template_declared(obj: Obj, old: Obj | None) -> list[Cause]:
    return _claim_spec_declared(as_dict(as_dict(obj.get("spec")).get("spec")), "spec.spec")


def _claim_spec_declared(spec: Obj, path: str) -> list[Cause]:
    """A claim spec's requests, in field order: an exact request's allocation mode (an enum, defaulted when
    empty), each subrequest's class name (required, a DNS subdomain: only declarative validation checks it) and
    allocation mode; its constraints' attributes; then its configurations' drivers."""
    devices, causes = as_dict(spec.get("devices")), []
    for i, request in enumerate(dicts(devices.get("requests"))):
        at = f"{path}.devices.requests[{i}]"
        if isinstance(exactly := request.get("exactly"), dict):
            causes += _mode_declared(exactly, f"{at}.exactly")
        for j, sub in enumerate(dicts(request.get("firstAvailable"))):
            where, cls = f"{at}.firstAvailable[{j}]", str(sub.get("deviceClassName") or "")
            causes += invalid_each(f"{where}.deviceClassName", cls, names.subdomain(cls)) if cls else \
                [required(f"{where}.deviceClassName")]
            causes += _mode_declared(sub, where)
    causes += [c for i, constraint in enumerate(dicts(devices.get("constraints")))
               for c in _constraint_attributes(constraint, f"{path}.devices.constraints[{i}]")]
    return causes + _drivers_declared(devices.get("config"), f"{path}.devices.config")


_ALLOCATION_MODES = ("All", "ExactCount")


def _mode_declared(request: Obj, path: str) -> list[Cause]:
    mode = request.get("allocationMode")
    return [not_supported(f"{path}.allocationMode", mode, _ALLOCATION_MODES)] \
        if mode and mode not in _ALLOCATION_MODES else []


def device_class(obj: Obj) -> list[Cause]:
    """validateDeviceClassSpec: selectors given, configurations opaque with an object."""
    spec = as_dict(obj.get("spec"))
    causes = _selectors(spec.get("selectors"), "spec.selectors")
    configs = enumerate(dicts(spec.get("config")))
    return causes + [c for i, config in configs for c in _opaque(config, f"spec.config[{i}]")]


def device_class_declared(obj: Obj, old: Obj | None) -> list[Cause]:
    """Declarative validation of a class: its configurations' drivers, its extended resource's name."""
    spec = as_dict(obj.get("spec"))
    causes = _drivers_declared(spec.get("config"), "spec.config")
    if (name := spec.get("extendedResourceName")) is not None:
        name, path = str(name), "spec.extendedResourceName"
        if "/" not in name:
            causes.append(invalid(path, name, "a name must be a domain-prefixed path, such as 'example.com/my-prop'"))
        elif "kubernetes.io/" in name:
            causes.append(invalid(path, name, 'must not have "kubernetes.io/" domain'))
        if name.startswith("requests."):
            causes.append(invalid(path, name, 'must not have "requests." prefix'))
        causes += invalid_each(path, name, names.qualified_name(f"requests.{name}"))
    return causes


def device_taint_rule_status(obj: Obj) -> list[Cause]:
    """ValidateDeviceTaintRuleStatusUpdate: metav1's conditions, at most eight of them."""
    conditions = as_dict(obj.get("status")).get("conditions")
    listed = conditions if isinstance(conditions, list) else []
    causes = validation.conditions(dicts(listed), "status.conditions")
    return causes + ([too_many("status.conditions", len(listed), 8)] if len(listed) > 8 else [])


def device_taint_rule(obj: Obj, old: Obj | None = None) -> list[Cause]:
    """validateDeviceTaintRuleSpec: the devices selected (a driver, a pool, a device by name) and the taint,
    then declarative validation of its effect."""
    spec, old_spec = as_dict(obj.get("spec")), as_dict((old or {}).get("spec"))
    selector, causes = as_dict(spec.get("deviceSelector")), []
    if (driver := selector.get("driver")) is not None:
        causes += csi_driver_name("spec.deviceSelector.driver", str(driver))
    if (pool := selector.get("pool")) is not None:
        causes += _pool_name(str(pool), "spec.deviceSelector.pool")
    if (device := selector.get("device")) is not None:
        causes += invalid_each("spec.deviceSelector.device", device, names.dns_label(str(device)))
    taint = as_dict(spec.get("taint"))
    old_taint = as_dict(old_spec.get("taint")) if old is not None else None
    return causes + _taint(taint, "spec.taint") + _taint_effect(taint, old_taint, "spec.taint")
