"""A ResourceClaim's status as kube-apiserver v1.37 validates a write of it (pkg/apis/resource/validation,
validateResourceClaimStatusUpdate, and declarative validation's share of it): who the claim is reserved for,
and the allocation a scheduler writes once — each result naming a request of the claim (or a request and its
subrequest) and a device, the configuration it carries. DRA drivers and schedulers under development write
these, so a replay refuses what a cluster refuses.

Not modelled: the devices' status a driver reports (`status.devices`), binding conditions, the node
selector's terms, and a claim's spec on create (its requests, constraints and configuration are stored as sent;
only its immutability on update is checked, clustervalidation)."""

from __future__ import annotations

import json
from typing import Any

from ..wire import names
from .fielderrors import Cause, forbidden, invalid, invalid_each, required, too_long
from .podvalidation import as_dict, dicts

Obj = dict[str, Any]

_REQUEST_REF = "must be the name of a request in the claim or the name of a request and a subrequest separated by '/'"


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
    requests and parameters."""
    devices, causes = as_dict(allocation.get("devices")), []
    for i, result in enumerate(dicts(devices.get("results"))):
        at = f"{path}.devices.results[{i}]"
        causes += _request_ref(str(result.get("request") or ""), f"{at}.request", known)
        device = str(result.get("device") or "")
        causes += invalid_each(f"{at}.device", device, names.dns_label(device))
    for i, config in enumerate(dicts(devices.get("config"))):
        at = f"{path}.devices.config[{i}]"
        causes += [c for j, name in enumerate(config.get("requests") or [])
                   for c in _request_ref(str(name), f"{at}.requests[{j}]", known)]
        causes += _opaque(config, at)
    return causes


def claim_status(obj: Obj, old: Obj) -> list[Cause]:
    """validateResourceClaimStatusUpdate, then what declarative validation checks of it (reported last)."""
    status, old_status = as_dict(obj.get("status")), as_dict(old.get("status"))
    reserved = dicts(status.get("reservedFor"))
    causes = [required(f"status.reservedFor[{i}].{f}") for i, ref in enumerate(reserved)
              for f in ("resource", "name", "uid") if not ref.get(f)]
    allocation, before = status.get("allocation"), old_status.get("allocation")
    if reserved and not isinstance(allocation, dict):
        causes.append(forbidden("status.reservedFor", "may not be specified when `allocated` is not set"))
    elif reserved and as_dict(obj.get("metadata")).get("deletionTimestamp"):
        kept = [json.dumps(r, sort_keys=True) for r in dicts(old_status.get("reservedFor"))]
        if any(json.dumps(r, sort_keys=True) not in kept for r in reserved):
            causes.append(forbidden("status.reservedFor", "new entries may not be added while "
                                                          "`deallocationRequested` or `deletionTimestamp` are set"))
    if isinstance(allocation, dict) and not isinstance(before, dict):
        causes += _allocation(allocation, "status.allocation", _request_names(obj))
    return causes + _claim_status_declared(allocation, before)


def _claim_status_declared(allocation: Any, before: Any) -> list[Cause]:
    """Declarative validation's share: an allocation is set once (it may be cleared), and each new result
    names its driver and pool."""
    if isinstance(allocation, dict) and isinstance(before, dict):
        return [] if allocation == before else \
            [invalid("status.allocation", None, "field cannot be modified once set")]
    causes: list[Cause] = []
    for i, result in enumerate(dicts(as_dict(allocation).get("devices", {}).get("results")
                                     if isinstance(allocation, dict) else [])):
        at = f"status.allocation.devices.results[{i}]"
        driver = str(result.get("driver") or "")
        causes += [required(f"{at}.driver")] if not driver else \
            [too_long(f"{at}.driver", 63)] if len(driver) > 63 else []
        causes += [] if result.get("pool") else [required(f"{at}.pool")]
    return causes
