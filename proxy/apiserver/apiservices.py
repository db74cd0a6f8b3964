"""APIServices: how one is stored and validated (kube-aggregator's apiregistration strategy and validation: a
local one available from its create), and the aggregator's availability controller for one served by an
extension apiserver (one that names a Service): what it concludes from the Service and its EndpointSlices
(remote_available_controller.go, its reasons and messages word for word).

A replay reaches no extension apiserver, so where the controller would next ask the backend for its discovery
document the check fails, as it does in a cluster whose backend does not answer. Measured against the real
kube-apiserver by tests/test_apiservices_realkube.py.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

from ..wire.gostrings import quote
from ..wire.names import dns1035_label, path_segment, subdomain
from . import gobytes, gotime
from .fielderrors import Cause, invalid, invalid_each, not_supported, required

Obj = dict[str, Any]
SERVICES = "/api/v1/services"
ENDPOINT_SLICES = "/apis/discovery.k8s.io/v1/endpointslices"
SERVICE_NAME_LABEL = "kubernetes.io/service-name"
DEFAULT_PORT = 443  # a Service reference's port where it names none (SetDefaults_ServiceReference)
_DISCOVERY_TIMEOUT = "context deadline exceeded (Client.Timeout exceeded while awaiting headers)"


def backend(api_service: Obj) -> tuple[str, str, int] | None:
    """The (namespace, name, port) of the Service an APIService names; None for a local one."""
    ref = (api_service.get("spec") or {}).get("service")
    if not isinstance(ref, dict):
        return None
    return str(ref.get("namespace", "")), str(ref.get("name", "")), int(ref.get("port") or DEFAULT_PORT)


LOCAL = ("True", "Local", "Local APIServices are always available")  # (the local availability controller's)


def availability(api_service: Obj, service: Obj | None, slices: list[Obj]) -> tuple[str, str, str]:
    """(status, reason, message) of the `Available` condition the controllers write for an APIService whose
    Service is `service` (None: there is none) and whose EndpointSlices are `slices`; a local one's `LOCAL`."""
    found = backend(api_service)
    if found is None:
        return LOCAL
    namespace, name, port = found
    where = f"service/{name} in \"{namespace}\""
    if service is None:
        return "False", "ServiceNotFound", f"{where} is not present"
    spec = service.get("spec") or {}
    if spec.get("type", "ClusterIP") == "ClusterIP":
        ports = [p for p in spec.get("ports") or [] if p.get("port") == port]
        if not ports:
            return "False", "ServicePortError", f"{where} is not listening on port {port}"
        port_name = str(ports[0].get("name", ""))
        if not slices:
            return "False", "EndpointsNotFound", f"cannot find endpointslices for {where}"
        if not any(_serves(s, port_name) for s in slices):
            return "False", "MissingEndpoints", \
                f"endpointslices for {where} have no addresses with port name \"{port_name}\""
    asked = f"https://{spec.get('clusterIP', '')}:{port}{_discovery_path(api_service)}"
    return "False", "FailedDiscoveryCheck", f"failing or missing response from {asked}: Get \"{asked}\": " \
                                            f"{_DISCOVERY_TIMEOUT}"


def _serves(endpoint_slice: Obj, port_name: str) -> bool:
    """hasAvailableEndpoint: a ready endpoint (no readiness said counts as ready) and the port by name."""
    ready = any((e.get("conditions") or {}).get("ready") is not False for e in endpoint_slice.get("endpoints") or [])
    return ready and any(p.get("name", "") == port_name and p.get("name") is not None and p.get("port") is not None
                         for p in endpoint_slice.get("ports") or [])


def _discovery_path(api_service: Obj) -> str:
    spec = api_service.get("spec") or {}
    if (api_service.get("metadata") or {}).get("name") == "v1.":
        return f"/api/{spec.get('version', '')}"
    return f"/apis/{spec.get('group', '')}/{spec.get('version', '')}"


def created(api_service: Obj, when: str) -> None:
    """The strategy's PrepareForCreate (after the new status): a local APIService is available from its
    create on (no controller writes it: nobody manages the condition)."""
    if backend(api_service) is None:
        api_service["status"] = {"conditions": [_available(LOCAL, when)]}


def _available(condition: tuple[str, str, str], when: str) -> Obj:
    status, reason, message = condition
    return {"type": "Available", "status": status, "lastTransitionTime": when, "reason": reason, "message": message}


def with_availability(api_service: Obj, condition: tuple[str, str, str], when: str) -> Obj | None:
    """The APIService with its `Available` condition set as SetAPIServiceCondition sets it (the transition
    time moves only with the status); None when its status would not change (no update is issued)."""
    status, reason, message = condition
    conditions = [dict(c) for c in (api_service.get("status") or {}).get("conditions") or []]
    found = next((c for c in conditions if c.get("type") == "Available"), None)
    if found is None:
        conditions.append(_available(condition, when))
    else:
        if found.get("status") != status:
            found.update(status=status, lastTransitionTime=when)
        found.update(reason=reason, message=message)
    new_status = {**(api_service.get("status") or {}), "conditions": conditions}
    if new_status == (api_service.get("status") or {}):
        return None
    return {**api_service, "status": new_status}


def name_rule(api_service: Obj) -> Callable[[str], list[str]]:
    """The name's rule: a path segment, and `VERSION.GROUP` of its spec."""
    spec = api_service.get("spec") or {}
    wanted = f"{spec.get('version') or ''}.{spec.get('group') or ''}"

    def rule(name: str) -> list[str]:
        return path_segment(name) or ([] if name == wanted else [f'must be `spec.version+"."+spec.group`: '
                                                                  f"{quote(wanted)}"])
    return rule


def spec_causes(api_service: Obj) -> list[Cause]:
    """ValidateAPIService's checks of the spec (a create's and an update's)."""
    spec = api_service.get("spec") or {}
    group, version = str(spec.get("group") or ""), str(spec.get("version") or "")
    causes = [required("spec.group", "only v1 may have an empty group and it better be legacy kube")] \
        if not group and version != "v1" else invalid_each("spec.group", group, subdomain(group)) if group else []
    causes += invalid_each("spec.version", version, dns1035_label(version))
    for field, most in (("groupPriorityMinimum", 20000), ("versionPriority", 1000)):
        value = spec.get(field) or 0
        if not 0 < value <= most:
            causes.append(invalid(f"spec.{field}", value, f"must be positive and less than {most}"))
    ca, insecure = _bytes(spec.get("caBundle")), spec.get("insecureSkipTLSVerify") is True
    service = spec.get("service")
    if not isinstance(service, dict):
        if ca:
            causes.append(invalid("spec.caBundle", f"{len(ca)} bytes", "local APIServices may not have a caBundle"))
        if insecure:
            causes.append(invalid("spec.insecureSkipTLSVerify", True,
                                  "local APIServices may not have insecureSkipTLSVerify"))
        return causes
    causes += [required(f"spec.service.{f}") for f in ("namespace", "name") if not service.get(f)]
    port = DEFAULT_PORT if service.get("port") is None else service["port"]
    if not 1 <= port <= 65535:
        causes.append(invalid("spec.service.port", port, "port is not valid: must be between 1 and 65535, inclusive"))
    if insecure and ca:
        causes.append(invalid("spec.insecureSkipTLSVerify", True, "may not be true if caBundle is present"))
    return causes


def _bytes(value: Any) -> bytes:
    return base64.b64decode(gobytes.written(value)) if isinstance(value, str | list) and value else b""


def status_causes(api_service: Obj) -> list[Cause]:
    """ValidateAPIServiceStatus: each condition's status True, False or Unknown."""
    conditions = (api_service.get("status") or {}).get("conditions") or []
    return [not_supported(f"status.conditions[{i}].status", c.get("status", ""), ("True", "False", "Unknown"))
            for i, c in enumerate(conditions) if isinstance(c, dict) and c.get("status") not in
            ("True", "False", "Unknown")]


# The aggregator's Go types, which client-go's (wire/gotypes.py) do not hold, their fields in Go's order:
# APIServiceSpec's (name, kind as decoding.py names it, omitempty); ServiceReference's (all omitempty);
# APIServiceCondition's (name, kind, the Go name of a named string type, omitempty)
SPEC = (("service", ".ServiceReference", True), ("group", "string", True), ("version", "string", True),
        ("insecureSkipTLSVerify", "bool", True), ("caBundle", "bytes", True), ("groupPriorityMinimum", "int", False),
        ("versionPriority", "int", False))
SERVICE_REFERENCE = (("namespace", "string"), ("name", "string"), ("port", "int"))
CONDITION = (("type", "string", "v1.APIServiceConditionType", False),
             ("status", "string", "v1.ConditionStatus", False), ("lastTransitionTime", "time", "", False),
             ("reason", "string", "", True), ("message", "string", "", True))


def _condition_value(value: Any, kind: str) -> Any:
    if value is None:
        return "" if kind == "string" else None
    return gotime.marshalled(value, micro=False) if kind == "time" and isinstance(value, str) else value


def defaulted(api_service: Obj, _creating: bool, _uid: str) -> None:
    """As the apiserver holds a written APIService (in place): decoded into the Go structs and encoded again
    (struct order, empty fields left out, a missing priority 0, a condition's missing time null), a Service
    reference's port defaulted to 443; a field its type does not have dropped."""
    for unknown in [k for k in api_service if k not in ("kind", "apiVersion", "metadata", "spec", "status")]:
        del api_service[unknown]
    status = api_service.get("status")
    if isinstance(status, dict):  # (APIServiceStatus has its conditions alone)
        for unknown in [k for k in status if k != "conditions"]:
            del status[unknown]
    if isinstance(status, dict) and status.get("conditions") in ([], None):  # (omitempty)
        status.pop("conditions", None)
    if isinstance(status, dict) and isinstance(status.get("conditions"), list):
        # (a missing string that is not omitempty written as "", a zero metav1.Time as null, a time in UTC)
        status["conditions"] = [{k: _condition_value(c.get(k), kind) for k, kind, _, omitempty in CONDITION
                                 if not omitempty or c.get(k) not in (None, "")}
                                if isinstance(c, dict) else c for c in status["conditions"]]
    spec = api_service.get("spec")
    if not isinstance(spec, dict):
        api_service["spec"] = {"groupPriorityMinimum": 0, "versionPriority": 0}
        return
    out: Obj = {}
    for key, _, omitempty in SPEC:
        value = spec.get(key)
        if key == "service" and isinstance(value, dict):
            value = {k: value[k] for k, _ in SERVICE_REFERENCE if value.get(k) not in (None, "")}
            value["port"] = value.get("port", DEFAULT_PORT)
        if key == "caBundle" and isinstance(value, str | list):  # (decoded, and written as Go writes []byte)
            value = gobytes.written(value)
        if omitempty and value in (None, "", False, {}):
            continue
        out[key] = 0 if value is None else value
    api_service["spec"] = out
