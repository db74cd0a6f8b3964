"""A pod's status as a kubelet (and a DRA controller) writes it through pods/NAME/status, as kube-apiserver v1.37
takes it: what the status strategy keeps of the stored status or drops (`kept`: podStatusStrategy.PrepareForUpdate
and dropDisabledPodStatusFields) and what ValidatePodStatusUpdate refuses (`causes`), in its order and words."""

from __future__ import annotations

import copy
from typing import Any

from . import defaults, ipvalidation, podannotations, podspecfields, validation
from .fielderrors import (
    Cause,
    duplicate,
    forbidden,
    internal,
    invalid,
    invalid_each,
    not_supported,
    required,
    too_long,
    typed,
)
from .objects import as_dict, dicts

Obj = dict[str, Any]


_DRA_STATUSES = ("resourceClaimStatuses", "extendedResourceClaimStatus", "nodeAllocatableResourceClaimStatuses")


def kept(new: Obj, old: Obj) -> None:
    """podStatusStrategy.PrepareForUpdate on the status written (in place): the QoS class backfilled (an old
    kubelet drops it), the DRA statuses a client that does not know them left out kept (an empty list still
    clears one), and an observed generation cleared kept, the pod's and each condition's (a condition's from
    the stored conditions of its type, in order); the fields of features that are off dropped unless stored."""
    was, status = as_dict(old.get("status")), dict(as_dict(new.get("status")))
    if not status.get("qosClass") and was.get("qosClass"):
        status["qosClass"] = was["qosClass"]
    for field in _DRA_STATUSES:
        if status.get(field) is None and was.get(field) is not None:
            status[field] = copy.deepcopy(was[field])
    if not status.get("observedGeneration") and was.get("observedGeneration"):
        status["observedGeneration"] = was["observedGeneration"]
    generations: dict[Any, list[Any]] = {}
    for c in was["conditions"] if isinstance(was.get("conditions"), list) else []:
        generations.setdefault(as_dict(c).get("type") or "", []).append(as_dict(c).get("observedGeneration"))
    if isinstance(conditions := status.get("conditions"), list):
        status["conditions"] = [_generation_kept(c, generations) for c in conditions]
    if status or "status" in new:
        new["status"] = status
    defaults.drop_gated(new, old, "v1", "Pod")  # (the status fields of features that are off)
    _drop_volume_statuses(as_dict(new.get("status")), was)


_CONTAINER_STATUSES = ("containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses")


def _drop_volume_statuses(status: Obj, was: Obj) -> None:
    """dropImageVolumeWithDigest (ImageVolumeWithDigest is off): a mount's volume status in a container status
    goes, unless the stored status has one."""
    def mounts(of: Obj) -> list[Obj]:
        return [m for f in _CONTAINER_STATUSES for c in dicts(of.get(f)) for m in dicts(c.get("volumeMounts"))]
    if not any("volumeStatus" in m for m in mounts(was)):
        for m in mounts(status):
            m.pop("volumeStatus", None)


def _generation_kept(condition: Any, generations: dict[Any, list[Any]]) -> Any:
    stored = generations.get(as_dict(condition).get("type") or "") or [None]
    generation = stored.pop(0)
    if generation and not as_dict(condition).get("observedGeneration"):
        return {**as_dict(condition), "observedGeneration": generation}
    return condition


def causes(obj: Obj, old: Obj) -> list[Cause]:
    """ValidatePodStatusUpdate, in its order: the pod's own annotations, the conditions, a nominated node (a
    node's name, and none for a pod bound already: ClearingNominatedNodeNameAfterBinding), the observed
    generation, the QoS class fixed, no terminated container running again unless it may restart, the claims'
    statuses and an extended resource's, the pod's and host's IPs, the users a container status reports, the
    health of its allocated resources."""
    status, was = as_dict(obj.get("status")), as_dict(old.get("status"))
    spec = as_dict(old.get("spec"))  # (the status strategy keeps the stored spec)
    found = podannotations.update_causes(obj, old)  # (ValidatePodSpecificAnnotationUpdates, as pod_update's)
    found += podannotations.causes(as_dict(obj.get("metadata")).get("annotations"), spec, "metadata.annotations",
                                   as_dict(old.get("metadata")).get("annotations"))
    found += _pod_conditions(status.get("conditions"))
    nominated = status.get("nominatedNodeName")
    if isinstance(nominated, str) and nominated and nominated != was.get("nominatedNodeName"):
        found += invalid_each("status.nominatedNodeName", nominated, validation.subdomain(nominated))
        if spec.get("nodeName"):
            found.append(forbidden("status.nominatedNodeName",
                                   "may not be set on pods that are already bound to a node"))
    found += _negative_generation("status.observedGeneration", status.get("observedGeneration"))
    if (qos := status.get("qosClass") or "") != (was.get("qosClass") or ""):  # (ValidateImmutableField)
        found.append(invalid("status.qosClass", typed(qos), "field is immutable"))
    restarts_all = any(r.get("action") == "RestartAllContainers" for c in dicts(spec.get("initContainers")) +
                       dicts(spec.get("containers")) for r in dicts(c.get("restartPolicyRules")))
    for field, declared in (("containerStatuses", "containers"), ("initContainerStatuses", "initContainers"),
                            ("ephemeralContainerStatuses", None)):
        if declared is None or not restarts_all:
            found += _restarted(field, _items(status.get(field)), _items(was.get(field)),
                                {c.get("name"): c for c in dicts(spec.get(declared))} if declared else None, spec)
    found += _claim_statuses(_items(status.get("resourceClaimStatuses")), spec)
    if isinstance(extended := status.get("extendedResourceClaimStatus"), dict):
        found += _extended_claim_status(extended, spec)
    for field, single in (("podIPs", "podIP"), ("hostIPs", "hostIP")):
        found += _status_ips(field, single, status, was)
    for field in _CONTAINER_STATUSES:
        found += _status_users(field, _items(status.get(field)), as_dict(spec.get("os")).get("name") or "linux")
    for field, declared in (("containerStatuses", "containers"), ("initContainerStatuses", "initContainers")):
        found += _allocated_health(field, _items(status.get(field)), dicts(spec.get(declared)), status)
    found += [forbidden(f"status.ephemeralContainerStatuses[{i}].allocatedResourcesStatus",
                        "must not be specified in container status")
              for i, c in enumerate(_items(status.get("ephemeralContainerStatuses")))
              if c.get("allocatedResourcesStatus")]
    return found


_HEALTH = ("Healthy", "Unhealthy", "Unknown")


def _allocated_health(field: str, statuses: list[Obj], containers: list[Obj], status: Obj) -> list[Cause]:
    """validateContainerStatusAllocatedResourcesStatus: each resource a status reports the health of names one
    its container requests (or, as `claim:NAME[/REQUEST]`, one of its claims or an extended resource's), when
    the container is there; each device's health one of three, a message not empty nor over 1,024 characters,
    no device twice."""
    causes: list[Cause] = []
    by_name = {c.get("name"): c for c in containers}
    for i, s in enumerate(statuses):
        for j, allocated in enumerate(_items(s.get("allocatedResourcesStatus"))):
            at = f"status.{field}[{i}].allocatedResourcesStatus[{j}]"
            name = str(allocated.get("name") or "")
            if (container := by_name.get(s.get("name"))) is not None:  # (a missing container is ignored)
                resources = as_dict(container.get("resources"))
                if name.startswith("claim:"):
                    found = name in {"claim:" + str(c.get("name") or "") + (f"/{c['request']}" if c.get("request")
                                                                            else "")
                                     for c in dicts(resources.get("claims"))} or \
                        _extended_claim_named(name, container, as_dict(status.get("extendedResourceClaimStatus")))
                    why = "must match one of the container's resource claims as 'claim:<claimName>/<requestName>' " \
                          "when container.resources.claims[*].request is set or 'claim:<claimName>' when it is empty"
                else:
                    found, why = name in as_dict(resources.get("requests")), \
                        "must match one of the container's resource requests"
                causes += [] if found else [invalid(f"{at}.name", name, why)]
            seen = set()
            for k, device in enumerate(_items(allocated.get("resources"))):
                where = f"{at}.resources[{k}]"
                if (health := device.get("health") or "") not in _HEALTH:
                    causes.append(not_supported(f"{where}.health", health, _HEALTH))
                if isinstance(message := device.get("message"), str) and not message:
                    causes.append(required(f"{where}.message", "must be non-empty if specified"))
                elif isinstance(message, str) and len(message.encode()) > 1024:
                    causes.append(too_long(f"{where}.message", 1024))
                if (resource := device.get("resourceID") or "") in seen:
                    causes.append(duplicate(f"{where}.resourceID", resource))
                seen.add(resource)
    return causes


def _extended_claim_named(name: str, container: Obj, extended: Obj) -> bool:
    """matchesExtendedResourceClaimStatus: `claim:CLAIM/REQUEST` of the pod's extended resource claim, mapped to
    this container and a resource it requests (not zero)."""
    claim, _, request = name.removeprefix("claim:").partition("/")
    if not claim or not request or claim != extended.get("resourceClaimName"):
        return False
    requests = as_dict(as_dict(container.get("resources")).get("requests"))
    return any(m.get("containerName") == container.get("name") and m.get("requestName") == request
               and requests.get(str(m.get("resourceName") or "")) not in (None, "0")
               for m in _items(extended.get("requestMappings")))


def _claim_statuses(statuses: list[Obj], spec: Obj) -> list[Cause]:
    """validatePodResourceClaimStatuses: each names one of the pod's claims, once, and the claim made for it
    by a valid name."""
    causes, seen = [], set()
    declared = {c.get("name") or "" for c in _items(spec.get("resourceClaims"))}
    for i, s in enumerate(statuses):
        path, name = f"status.resourceClaimStatuses[{i}]", s.get("name") or ""
        if name not in declared:
            causes.append(invalid(f"{path}.name", name, "must match the name of an entry in `spec.resourceClaims`"))
        if name in seen:
            causes.append(duplicate(f"{path}.name", name))
        seen.add(name)
        if isinstance(claim := s.get("resourceClaimName"), str):
            causes += invalid_each(f"{path}.resourceClaimName", typed(claim), validation.subdomain(claim))
    return causes


def _extended_claim_status(status: Obj, spec: Obj) -> list[Cause]:
    """validatePodExtendedResourceClaimStatus (DRAExtendedResource is on): at least one request mapping, each
    naming a container (init or not) that requests that extended resource, its request a DNS label (the path
    Go gives it lacks the index), no mapping twice; the claim's name."""
    path, causes = "status.extendedResourceClaimStatus", []
    declared = {c.get("name"): c for c in dicts(spec.get("initContainers")) + dicts(spec.get("containers"))}
    mappings = _items(status.get("requestMappings"))
    if not mappings:
        causes.append(required(f"{path}.requestMappings", "at least one request mapping is required"))
    seen = set()
    for i, m in enumerate(mappings):
        at = f"{path}.requestMappings[{i}]"
        container, resource, request = (str(m.get(k) or "") for k in ("containerName", "resourceName", "requestName"))
        if container in declared:
            if resource not in as_dict(as_dict(declared[container].get("resources")).get("requests")):
                causes.append(invalid(f"{at}.resourceName", resource, "must match the extended resource name of an "
                                      "entry in spec.initContainers.resources.requests or "
                                      "spec.containers.resources.requests"))
        else:
            causes.append(invalid(f"{at}.containerName", container, "must match the name of an entry in "
                                  "spec.initContainers.name or spec.containers.name"))
        causes += invalid_each(f"{path}.requestName", request, validation.dns_label(request))
        if (container, resource, request) in seen:
            causes += [duplicate(f"{at}.containerName", container), duplicate(f"{at}.resourceName", resource),
                       duplicate(f"{at}.requestName", request)]
        seen.add((container, resource, request))
    claim = str(status.get("resourceClaimName") or "")
    causes += invalid_each(f"{path}.resourceClaimName", claim, validation.subdomain(claim)) if claim else \
        [required(f"{path}.resourceClaimName")]
    return causes


def _items(value: Any) -> list[Obj]:
    """A list of structs as Go decodes it: a null item is the zero struct."""
    return [as_dict(v) for v in value] if isinstance(value, list) else []


def _negative_generation(path: str, value: Any) -> list[Cause]:
    if isinstance(value, int) and not isinstance(value, bool) and value < 0:
        return [invalid(path, value, "must be a non-negative integer")]
    return []


_SYSTEM_CONDITIONS = ("PodScheduled", "Ready", "Initialized")


def _pod_conditions(conditions: Any) -> list[Cause]:
    """validatePodConditions: a condition's observed generation, and the type of any but the system's is a
    qualified name (its path says `Type`, as the Go field is named)."""
    causes = []
    for i, c in enumerate(_items(conditions)):
        causes += _negative_generation(f"status.conditions[{i}].observedGeneration", c.get("observedGeneration"))
        if (kind := c.get("type") or "") not in _SYSTEM_CONDITIONS:
            causes += invalid_each(f"status.conditions[{i}].Type", kind, validation.qualified_name(kind))
    return causes


def _restarted(field: str, now: list[Obj], before: list[Obj], declared: dict[Any, Obj] | None,
               spec: Obj) -> list[Cause]:
    """ValidateContainerStateTransition (and its init and ephemeral forms; ContainerRestartRules is on): a
    container that was terminated may run again only if it would be restarted (ContainerShouldRestart: its
    restart rules, its own policy, the pod's); an ephemeral one never."""
    causes = []
    for i, was in enumerate(before):
        if (terminated := as_dict(was.get("state")).get("terminated")) is None:
            continue
        if not any(s.get("name") == was.get("name") and as_dict(s.get("state")).get("terminated") is None
                   for s in now):
            continue
        code = as_dict(terminated).get("exitCode") or 0
        if declared is None or was.get("name") not in declared or \
                not _should_restart(declared[was.get("name")], spec, code):
            causes.append(forbidden(f"status.{field}[{i}].state", "may not be transitioned to non-terminated state"))
    return causes


def _should_restart(container: Obj, spec: Obj, code: int) -> bool:
    """podutil.ContainerShouldRestart: the first restart rule whose exit codes match decides, then the
    container's restart policy, then the pod's (Always when unset)."""
    policy = container.get("restartPolicy")
    if policy is not None:
        for rule in dicts(container.get("restartPolicyRules")):
            codes = rule.get("exitCodes")
            if not isinstance(codes, dict):
                continue
            matched = code in (codes.get("values") or [])
            if (codes.get("operator") == "In" and matched) or (codes.get("operator") == "NotIn" and not matched):
                if rule.get("action") in ("Restart", "RestartAllContainers"):
                    return True
                break
        if policy in ("Always", "OnFailure", "Never"):
            return policy == "Always" or (policy == "OnFailure" and code != 0)
    pod_policy = spec.get("restartPolicy")
    return pod_policy not in ("OnFailure", "Never") or (pod_policy == "OnFailure" and code != 0)


def _status_ips(field: str, single: str, status: Obj, was: Obj) -> list[Cause]:
    """validatePodIPs and validateHostIPs: each new IP valid (one held already may stay), at most one of each
    family, and the first the same as the single field (podIPs: both set or both unset; defaults.py keeps the
    pod's two in step before)."""
    path = f"status.{field}"
    ips = [str(e.get("ip") or "") for e in _items(status.get(field))]
    entries = [{"IP": ip} for ip in ips]  # (the internal type, without json tags, as the value is printed)
    if field == "hostIPs" and not ips:
        return []
    causes = []
    if field == "hostIPs" and (status.get(single) or "") != ips[0]:
        causes.append(invalid(f"{path}[0].ip", ips[0], f"must be equal to `{single}`"))
    existing = [str(e.get("ip") or "") for e in _items(was.get(field))]
    for i, ip in enumerate(ips):
        causes += ipvalidation.legacy_ip(f"{path}[{i}]", ip, existing)
    if len(ips) > 1:
        bad = next((i for i, ip in enumerate(ips) if not ipvalidation.is_ip(ip)), None)
        if bad is not None:
            causes.append(internal(path, f"failed to check for dual stack with error:invalid IP[{bad}]: {ips[bad]}"))
        if bad is not None or len(ips) > 2 or {ipvalidation.family(ip) for ip in ips} != {"IPv4", "IPv6"}:
            causes.append(invalid(path, entries, "may specify no more than one IP for each IP family"))
    if field == "podIPs":
        if bool(status.get(single)) != bool(ips):
            causes.append(invalid(path, entries, "podIP and podIPs must either both be set or both be unset"))
        elif ips and status.get(single) != ips[0]:
            causes.append(invalid(f"{path}[0].ip", ips[0], f"must be equal to `{single}`"))
    return causes


_MAX_UID = 2**32 - 1


def _status_users(field: str, statuses: list[Obj], os_name: str) -> list[Cause]:
    """validateContainerStatusUsers: a Windows pod's container reports no Linux user; a Linux one's UID is any
    uid_t, its groups valid group IDs."""
    causes = []
    for i, s in enumerate(statuses):
        if (linux := as_dict(s.get("user")).get("linux")) is None:
            continue
        path = f"status.{field}[{i}].user.linux"
        if os_name == "windows":
            causes.append(forbidden(path, "cannot be set for a windows pod"))
        elif os_name == "linux":
            linux = as_dict(linux)
            uid = linux.get("uid") or 0
            if not 0 <= uid <= _MAX_UID:
                causes.append(invalid(f"{path}.uid", uid, f"must be between 0 and {_MAX_UID}, inclusive"))
            causes += podspecfields.id_causes(f"{path}.gid", linux.get("gid") or 0)
            for g, gid in enumerate(linux.get("supplementalGroups") or []):
                causes += podspecfields.id_causes(f"{path}.supplementalGroups[{g}]", gid)
    return causes
