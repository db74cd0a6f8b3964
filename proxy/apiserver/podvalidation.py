"""The apiserver's validation of pods: a pod spec as every pod and template has it (containers and init
containers, their ports, probes, resources and mounts, volumes, policies and names), a pod's own checks, and
what an update may change in a pod that exists. Shared by specvalidation.py, which validates the kinds that
hold pod templates, together with the small checks every kind's validation uses.

Ported from k8s.io/kubernetes pkg/apis/core/validation (ValidatePodSpec, validateContainers,
validateInitContainers, validateContainerCommon, validateResourceRequirements, validateProbe, ValidateVolumes,
ValidatePodUpdate), in their order, on the object as the apiserver validates it: decoded and defaulted. What
is not checked is listed in each function.
"""

from __future__ import annotations

import re
from typing import Any

from . import (
    containerfields,
    ipvalidation,
    podannotations,
    podresources,
    podspecfields,
    resourcelists,
    validation,
    volumesources,
)
from .fielderrors import (
    Cause,
    duplicate,
    forbidden,
    internal,
    invalid,
    invalid_each,
    not_found,
    not_supported,
    required,
    too_long,
)
from .internal import as_internal, go_diff, semantic_internal
from .objects import as_dict as as_dict
from .objects import dicts as dicts

Obj = dict[str, Any]
_RESTART_POLICIES = ("Always", "OnFailure", "Never")
_DNS_POLICIES = ("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None")
_PULL_POLICIES = ("Always", "IfNotPresent", "Never")
PROTOCOLS = ("SCTP", "TCP", "UDP")
_PORT_NAME_CHARS = re.compile(r"[-a-z0-9]+")
_PORT_NAME_LETTER = re.compile(r".*[a-z]")


def nonnegative(path: str, value: Any) -> list[Cause]:
    """ValidateNonnegativeField, where the field is set."""
    if isinstance(value, int) and not isinstance(value, bool) and value < 0:
        return [invalid(path, value, "must be greater than or equal to 0")]
    return []


def one_of(path: str, value: Any, allowed: tuple[str, ...]) -> list[Cause]:
    """The switch every enum field gets: empty is Required (defaulting fills the usual ones), unknown is
    Unsupported."""
    if not value:
        return [required(path)]
    return [] if value in allowed else [not_supported(path, value, allowed)]


def port_name(name: str) -> list[str]:
    """IsValidPortName (an IANA service name)."""
    errs = ["must be no more than 15 characters"] if len(name) > 15 else []
    if not _PORT_NAME_CHARS.fullmatch(name):
        errs.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not _PORT_NAME_LETTER.match(name):
        errs.append("must contain at least one letter (a-z)")
    if "--" in name:
        errs.append("must not contain consecutive hyphens")
    if name.startswith("-") or name.endswith("-"):
        errs.append("must not begin or end with a hyphen")
    return errs


def port_number(path: str, value: Any) -> list[Cause]:
    if isinstance(value, int) and not 1 <= value <= 65535:
        return [invalid(path, value, "must be between 1 and 65535, inclusive")]
    return []


def _container_ports(ports: Any, path: str) -> list[Cause]:
    causes: list[Cause] = []
    names: set[str] = set()
    for i, port in enumerate(dicts(ports)):
        at = f"{path}[{i}]"
        name = port.get("name") or ""
        if name:
            if errs := port_name(name):
                causes += invalid_each(f"{at}.name", name, errs)
            elif name in names:
                causes.append(duplicate(f"{at}.name", name))
            names.add(name)
        number = port.get("containerPort") or 0
        causes += [required(f"{at}.containerPort")] if not number else port_number(f"{at}.containerPort", number)
        causes += port_number(f"{at}.hostPort", port.get("hostPort") or 0) if port.get("hostPort") else []
        causes += one_of(f"{at}.protocol", port.get("protocol"), PROTOCOLS)
    return causes


def _container(ctr: Obj, volumes: dict[str, Obj], path: str, pod: Obj) -> list[Cause]:
    """validateContainerCommon: name, image, termination message policy, ports, env names, volume mounts,
    pull policy and resources (not lifecycle or security context; probes: _probes)."""
    name = ctr.get("name") or ""
    causes = validation.required_name(f"{path}.name", name, validation.dns_label)
    if not ctr.get("image"):
        causes.append(required(f"{path}.image"))
    causes += one_of(f"{path}.terminationMessagePolicy", ctr.get("terminationMessagePolicy"),
                      ("File", "FallbackToLogsOnError"))
    causes += _container_ports(ctr.get("ports"), f"{path}.ports")
    causes += containerfields.env(ctr, path)
    causes += containerfields.volume_mounts(ctr, volumes, f"{path}.volumeMounts")
    causes += containerfields.volume_devices(ctr, volumes, f"{path}.volumeDevices")
    causes += one_of(f"{path}.imagePullPolicy", ctr.get("imagePullPolicy"), _PULL_POLICIES)
    causes += resourcelists.requirements(ctr.get("resources"), f"{path}.resources", _claim_names(pod))
    causes += containerfields.resize_policy(ctr, str(pod.get("restartPolicy") or ""), f"{path}.resizePolicy")
    return causes + containerfields.security_context(ctr, f"{path}.securityContext",
                                                      pod.get("hostUsers") is not False)


def _claim_names(pod: Obj) -> set[str]:
    return {str(c.get("name")) for c in dicts(pod.get("resourceClaims")) if c.get("name")}


def _probe(probe: Any, path: str, kind: str, grace: Any) -> list[Cause]:
    """validateLivenessProbe, validateReadinessProbe, validateStartupProbe: its handler, counts, and what each
    kind of probe may have."""
    if not isinstance(probe, dict):
        return []
    causes = _handler(probe, path, _PROBE_HANDLERS, grace)
    for field in ("initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold"):
        causes += nonnegative(f"{path}.{field}", probe.get(field))
    own = probe.get("terminationGracePeriodSeconds")
    if isinstance(own, int) and own <= 0:
        causes.append(invalid(f"{path}.terminationGracePeriodSeconds", own, "must be greater than 0"))
    if kind != "readinessProbe" and probe.get("successThreshold", 1) != 1:
        causes.append(invalid(f"{path}.successThreshold", probe.get("successThreshold"), "must be 1"))
    if kind == "readinessProbe" and own is not None:
        causes.append(invalid(f"{path}.terminationGracePeriodSeconds", own, "must not be set for readinessProbes"))
    return causes


# the handlers a probe and a lifecycle hook may name, in the order validateHandler looks at them
_PROBE_HANDLERS = ("exec", "httpGet", "tcpSocket", "grpc")
_HOOK_HANDLERS = ("exec", "httpGet", "tcpSocket", "sleep")
_HTTP_HEADER_NAME = re.compile(r"[-A-Za-z0-9]+")


def _handler(hook: Obj, path: str, kinds: tuple[str, ...], grace: Any) -> list[Cause]:
    """validateHandler: the first handler set is validated, each further one refused, none at all required.
    `grace`: the pod's termination grace period, the most a sleep may last."""
    named = [kind for kind in kinds if hook.get(kind) is not None]
    if not named:
        return [required(path, "must specify a handler type")]
    first, action = named[0], as_dict(hook[named[0]])
    at = f"{path}.{first}"
    causes: list[Cause] = []
    if first == "exec":
        causes += [] if action.get("command") else [required(f"{at}.command")]
    elif first == "httpGet":
        causes += [] if action.get("path") else [required(f"{at}.path")]
        causes += port_or_name(f"{at}.port", action.get("port", 0))
        if action.get("scheme") not in ("HTTP", "HTTPS"):
            causes.append(not_supported(f"{at}.scheme", action.get("scheme") or "", ("HTTP", "HTTPS")))
        causes += [invalid(f"{at}.httpHeaders", name, "a valid HTTP header must consist of alphanumeric characters "
                           "or '-' (e.g. 'X-Header-Name', regex used for validation is '[-A-Za-z0-9]+')")
                   for header in dicts(action.get("httpHeaders"))
                   if not _HTTP_HEADER_NAME.fullmatch(name := str(header.get("name") or ""))]
    elif first == "sleep":
        seconds = action.get("seconds", 0)
        if isinstance(grace, int) and isinstance(seconds, int) and not 0 <= seconds <= grace:
            causes.append(invalid(at, seconds, "must be non-negative and less than terminationGracePeriodSeconds "
                                               f"({grace})"))
    else:  # a TCP socket's port, a gRPC one's (a number)
        causes += port_or_name(f"{at}.port", action.get("port", 0))
    return causes + [forbidden(f"{path}.{extra}", "may not specify more than 1 handler type") for extra in named[1:]]


def _lifecycle(ctr: Obj, path: str, grace: Any) -> list[Cause]:
    """validateLifecycle: each hook's handler."""
    hooks = as_dict(ctr.get("lifecycle"))
    return [c for hook in ("postStart", "preStop") if isinstance(handler := hooks.get(hook), dict)
            for c in _handler(handler, f"{path}.{hook}", _HOOK_HANDLERS, grace)]


def _probes(ctr: Obj, path: str, grace: Any) -> list[Cause]:
    return [c for kind in ("livenessProbe", "readinessProbe", "startupProbe")
            for c in _probe(ctr.get(kind), f"{path}.{kind}", kind, grace)]


def _volumes(spec: Obj, path: str) -> tuple[dict[str, Obj], list[Cause]]:
    """ValidateVolumes: each volume's source (volumesources), then its name. The valid ones by name, which mounts
    and devices may name."""
    names: dict[str, Obj] = {}
    causes: list[Cause] = []
    for i, vol in enumerate(dicts(spec.get("volumes"))):
        at, name = f"{path}[{i}]", vol.get("name") or ""
        found = volumesources.pod_volume(vol, at)
        found += validation.required_name(f"{at}.name", name, validation.dns_label)
        if name in names:
            found.append(duplicate(f"{at}.name", name))
        if found:
            causes += found
        else:
            names[name] = vol
    return names, causes


# EphemeralContainerCommon's fields in Go's order (their JSON names), and those an ephemeral container may set
# (allowedEphemeralContainerFields: ports, resources, probes, lifecycle, restart and resize policies may not be)
_EPHEMERAL_FIELDS = ("name", "image", "command", "args", "workingDir", "ports", "envFrom", "env", "resources",
                     "resizePolicy", "restartPolicy", "restartPolicyRules", "volumeMounts", "volumeDevices",
                     "livenessProbe", "readinessProbe", "startupProbe", "lifecycle", "terminationMessagePath",
                     "terminationMessagePolicy", "imagePullPolicy", "securityContext", "stdin", "stdinOnce", "tty")
_EPHEMERAL_ALLOWED = frozenset({"name", "image", "command", "args", "workingDir", "envFrom", "env", "volumeMounts",
                                "volumeDevices", "terminationMessagePath", "terminationMessagePolicy",
                                "imagePullPolicy", "securityContext", "stdin", "stdinOnce", "tty"})




def _set_in_go(field: str, value: Any) -> bool:
    """Whether reflect's IsZero finds a forbidden field of an ephemeral container set: any pointer, slice or map
    that was sent (an empty one too); the resources' struct where one of its fields was."""
    if field == "resources":
        return isinstance(value, dict) and any(v is not None for v in value.values())
    return value is not None


def _untrimmed_image(ctr: Obj, path: str) -> list[Cause]:
    """validateContainerOnlyForPod: a pod's container image without whitespace around it."""
    image = ctr.get("image") or ""
    return [invalid(f"{path}.image", image, "must not have leading or trailing whitespace")] \
        if image.strip() != image else []


def _ephemeral_containers(containers: list[Obj], names: set[str], volumes: dict[str, Obj], path: str, pod: Obj
                          ) -> list[Cause]:
    """validateEphemeralContainers: each as a container, its name unique among all, its target a container of
    the pod, only the allowed fields set, no sub-paths."""
    others = set(names)
    causes: list[Cause] = []
    for i, ctr in enumerate(containers):
        at = f"{path}[{i}]"
        causes += _container(ctr, volumes, at, pod)
        causes += _untrimmed_image(ctr, at)
        if (name := ctr.get("name") or "") in names:
            causes.append(duplicate(f"{at}.name", name))
        else:
            names.add(name)
        if (target := ctr.get("targetContainerName")) and target not in others:
            causes.append(not_found(f"{at}.targetContainerName", target))
        causes += [forbidden(f"{at}.{f}", "cannot be set for an Ephemeral Container") for f in _EPHEMERAL_FIELDS
                   if f not in _EPHEMERAL_ALLOWED and _set_in_go(f, ctr.get(f))]
        causes += [forbidden(f"{at}.volumeMounts[{j}].{f}", "cannot be set for an Ephemeral Container")
                   for j, mount in enumerate(dicts(ctr.get("volumeMounts"))) for f in ("subPath", "subPathExpr")
                   if mount.get(f)]
    return causes


def pod_spec(spec: Any, path: str) -> list[Cause]:
    """ValidatePodSpec: volumes, resource claims, containers and init containers (their names unique), restart
    and DNS policies, the node selector's labels, the pod's own fields (podspecfields) and the names it holds
    (service account, node, hostname, subdomain)."""
    spec = as_dict(spec)
    volumes, causes = _volumes(spec, f"{path}.volumes")
    grace = spec.get("terminationGracePeriodSeconds")
    causes += podspecfields.resource_claims(spec, f"{path}.resourceClaims")
    containers = dicts(spec.get("containers"))
    if not containers:
        causes.append(required(f"{path}.containers"))
    names: set[str] = set()
    for i, ctr in enumerate(containers):
        at = f"{path}.containers[{i}]"
        causes += _container(ctr, volumes, at, spec)
        if (name := ctr.get("name") or "") in names:
            causes.append(duplicate(f"{at}.name", name))
        names.add(name)
        causes += _lifecycle(ctr, f"{at}.lifecycle", grace)
        causes += _probes(ctr, at, grace)
        causes += containerfields.restart_policy(ctr, at)
    for i, ctr in enumerate(dicts(spec.get("initContainers"))):  # validateInitContainers
        at = f"{path}.initContainers[{i}]"
        causes += _container(ctr, volumes, at, spec)
        causes += containerfields.restart_policy(ctr, at, init=True)
        if (name := ctr.get("name") or "") in names:  # unique among init and regular containers
            causes.append(duplicate(f"{at}.name", name))
        elif name:
            names.add(name)
        if ctr.get("restartPolicy") == "Always":  # a sidecar: its hooks and probes are checked as a container's
            causes += _lifecycle(ctr, f"{at}.lifecycle", grace) + _probes(ctr, at, grace)
        else:
            causes += [forbidden(f"{at}.{hook}", "may not be set for init containers without restartPolicy=Always")
                       for hook in ("lifecycle", "livenessProbe", "readinessProbe", "startupProbe")
                       if ctr.get(hook) is not None]
    causes += _ephemeral_containers(dicts(spec.get("ephemeralContainers")), names, volumes,
                                    f"{path}.ephemeralContainers", spec)
    causes += podresources.validate(spec, _claim_names(spec), path)
    causes += one_of(f"{path}.restartPolicy", spec.get("restartPolicy"), _RESTART_POLICIES)
    causes += one_of(f"{path}.dnsPolicy", spec.get("dnsPolicy"), _DNS_POLICIES)
    causes += validation.labels(f"{path}.nodeSelector", spec.get("nodeSelector"))
    causes += podspecfields.middle(spec, path)
    for field in ("serviceAccountName", "nodeName"):
        if value := spec.get(field):
            causes += invalid_each(f"{path}.{field}", value, validation.subdomain(value))
    if (deadline := spec.get("activeDeadlineSeconds")) is not None and not 1 <= deadline <= 2**31 - 1:
        causes.append(invalid(f"{path}.activeDeadlineSeconds", deadline, "must be between 1 and 2147483647, inclusive"))
    for field in ("hostname", "subdomain"):
        if value := spec.get(field):
            causes += invalid_each(f"{path}.{field}", value, validation.dns_label(value))
    overhead = as_dict(spec.get("overhead"))  # (validateOverhead: a container's limits)
    return causes + podspecfields.tail(spec, path, [
        c for name in sorted(overhead) for at in (f"{path}.overhead.limits[{name}]",)
        for c in resourcelists.container_resource_name(name, at)
        + resourcelists.amount_causes(name, overhead[name], at)]) + containerfields.file_key_volumes(spec, path)


def pod_template(template: Any, path: str) -> list[Cause]:
    """ValidatePodTemplateSpec: the template's labels and annotations, its pod spec, no ephemeral containers."""
    template = as_dict(template)
    meta, spec = as_dict(template.get("metadata")), as_dict(template.get("spec"))
    causes = validation.labels(f"{path}.labels", meta.get("labels"))
    causes += validation.annotation_causes(f"{path}.annotations", meta.get("annotations"))
    causes += podannotations.causes(meta.get("annotations"), spec, f"{path}.annotations")
    causes += pod_spec(spec, f"{path}.spec") + podannotations.agree_on_create(meta, spec, f"{path}.spec")
    return causes + ([forbidden(f"{path}.spec.ephemeralContainers", "ephemeral containers not allowed in pod "
                                                                     "template")] if spec.get("ephemeralContainers")
                     else [])


def pod(obj: Obj) -> list[Cause]:
    """validatePodMetadataAndSpec past metadata: the spec; no projected service account token without an account
    (ServiceAccount admission names `default` in most clusters, not in the reference); a grace period that is not
    negative."""
    spec = as_dict(obj.get("spec"))
    causes = podannotations.causes(as_dict(obj.get("metadata")).get("annotations"), spec, "metadata.annotations")
    causes += pod_spec(spec, "spec")
    if not spec.get("serviceAccountName"):
        causes += [forbidden(f"spec.volumes[{i}].projected.sources[{j}].serviceAccountToken",
                             "must not be specified when serviceAccountName is not set")
                   for i, volume in enumerate(dicts(spec.get("volumes")))
                   for j, source in enumerate(as_dict(volume.get("projected")).get("sources") or [])
                   if as_dict(source).get("serviceAccountToken") is not None]
    return causes + nonnegative("spec.terminationGracePeriodSeconds", spec.get("terminationGracePeriodSeconds"))


def pod_create(obj: Obj) -> list[Cause]:
    """ValidatePodCreate past the pod's own checks: no ephemeral containers yet (their subresource adds them),
    and no node for a pod whose scheduling gates are not all cleared."""
    spec = as_dict(obj.get("spec"))
    causes = [forbidden("spec.ephemeralContainers", "cannot be set on create")] if spec.get("ephemeralContainers") \
        else []
    if spec.get("nodeName") and spec.get("schedulingGates"):
        causes.append(forbidden("spec.nodeName", "cannot be set until all schedulingGates have been cleared"))
    return causes + podannotations.agree_on_create(as_dict(obj.get("metadata")), spec, "spec")


def pod_status(obj: Obj, old: Obj) -> list[Cause]:
    """ValidatePodStatusUpdate, in its order: the pod's own annotations, the conditions, a nominated node (a
    node's name, and none for a pod bound already: ClearingNominatedNodeNameAfterBinding), the observed
    generation, the QoS class fixed, no terminated container running again unless it may restart, the claims'
    statuses and an extended resource's, the pod's and host's IPs, the users a container status reports, the
    health of its allocated resources."""
    status, was = as_dict(obj.get("status")), as_dict(old.get("status"))
    spec = as_dict(old.get("spec"))  # (the status strategy keeps the stored spec)
    causes = podannotations.update_causes(obj, old)  # (ValidatePodSpecificAnnotationUpdates, as pod_update's)
    causes += podannotations.causes(as_dict(obj.get("metadata")).get("annotations"), spec, "metadata.annotations",
                                    as_dict(old.get("metadata")).get("annotations"))
    causes += _pod_conditions(status.get("conditions"))
    nominated = status.get("nominatedNodeName")
    if isinstance(nominated, str) and nominated and nominated != was.get("nominatedNodeName"):
        causes += invalid_each("status.nominatedNodeName", nominated, validation.subdomain(nominated))
        if spec.get("nodeName"):
            causes.append(forbidden("status.nominatedNodeName",
                                    "may not be set on pods that are already bound to a node"))
    causes += _negative_generation("status.observedGeneration", status.get("observedGeneration"))
    if (qos := status.get("qosClass") or "") != (was.get("qosClass") or ""):  # (ValidateImmutableField)
        causes.append(invalid("status.qosClass", qos, "field is immutable"))
    restarts_all = any(r.get("action") == "RestartAllContainers" for c in dicts(spec.get("initContainers")) +
                       dicts(spec.get("containers")) for r in dicts(c.get("restartPolicyRules")))
    for field, declared in (("containerStatuses", "containers"), ("initContainerStatuses", "initContainers"),
                            ("ephemeralContainerStatuses", None)):
        if declared is None or not restarts_all:
            causes += _restarted(field, _items(status.get(field)), _items(was.get(field)),
                                 {c.get("name"): c for c in dicts(spec.get(declared))} if declared else None, spec)
    causes += _claim_statuses(_items(status.get("resourceClaimStatuses")), spec)
    if isinstance(extended := status.get("extendedResourceClaimStatus"), dict):
        causes += _extended_claim_status(extended, spec)
    for field, single in (("podIPs", "podIP"), ("hostIPs", "hostIP")):
        causes += _status_ips(field, single, status, was)
    for field in ("containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses"):
        causes += _status_users(field, _items(status.get(field)), as_dict(spec.get("os")).get("name") or "linux")
    for field, declared in (("containerStatuses", "containers"), ("initContainerStatuses", "initContainers")):
        causes += _allocated_health(field, _items(status.get(field)), dicts(spec.get(declared)), status)
    causes += [forbidden(f"status.ephemeralContainerStatuses[{i}].allocatedResourcesStatus",
                         "must not be specified in container status")
               for i, c in enumerate(_items(status.get("ephemeralContainerStatuses")))
               if c.get("allocatedResourcesStatus")]
    return causes


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
            causes += invalid_each(f"{path}.resourceClaimName", claim, validation.subdomain(claim))
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
            causes += _group_id(f"{path}.gid", linux.get("gid") or 0)
            for g, gid in enumerate(linux.get("supplementalGroups") or []):
                causes += _group_id(f"{path}.supplementalGroups[{g}]", gid)
    return causes


def _group_id(path: str, gid: int) -> list[Cause]:
    return [] if 0 <= gid <= 2**31 - 1 else [invalid(path, gid, "must be between 0 and 2147483647, inclusive")]


def port_or_name(path: str, value: Any) -> list[Cause]:
    """ValidatePortNumOrName (an IntOrString)."""
    if isinstance(value, str):
        return invalid_each(path, value, port_name(value))
    return port_number(path, value) if isinstance(value, int) else []


_UPDATABLE_POD_FIELDS = ",".join((
    "`spec.containers[*].image`", "`spec.initContainers[*].image`", "`spec.activeDeadlineSeconds`",
    "`spec.tolerations` (only additions to existing tolerations)",
    "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)"))


def pod_update(new: Obj, old: Obj) -> list[Cause]:
    """ValidatePodUpdate after the pod's own checks: a pod's spec is fixed once it is made, but for its
    images, a shorter deadline, added tolerations and removed scheduling gates. The refusal's message ends with
    the apiserver's diff of the two internal specs (internal.go_diff)."""
    spec, before = as_dict(new.get("spec")), as_dict(old.get("spec"))
    causes = podannotations.update_causes(new, old)  # (ValidatePodSpecificAnnotationUpdates, which checks them
    causes += podannotations.causes(as_dict(new.get("metadata")).get("annotations"), spec,  # again)
                                    "metadata.annotations", as_dict(old.get("metadata")).get("annotations"))
    for field in ("containers", "initContainers"):
        now, was = dicts(spec.get(field)), dicts(before.get(field))
        if len(now) != len(was):
            return [*causes, forbidden(f"spec.{field}", "pod updates may not add or remove containers")]
        for i, ctr in enumerate(now):
            causes += [required(f"spec.{field}[{i}].image")] if not ctr.get("image") else \
                _untrimmed_image(ctr, f"spec.{field}[{i}]")
    deadline, was_deadline = spec.get("activeDeadlineSeconds"), before.get("activeDeadlineSeconds")
    if deadline is not None:
        path = "spec.activeDeadlineSeconds"
        if not 0 <= deadline <= 2**31 - 1:
            return [*causes, invalid(path, deadline, "must be between 0 and 2147483647, inclusive")]
        if was_deadline is not None and was_deadline < deadline:
            return [*causes, invalid(path, deadline, "must be less than or equal to previous value")]
    elif was_deadline is not None:
        why = "must not update from a positive integer to nil value"
        causes.append(invalid("spec.activeDeadlineSeconds", None, why))

    def kept(t: Obj) -> Obj:
        return {k: v for k, v in t.items() if k != "tolerationSeconds"}
    tolerations = [kept(t) for t in dicts(spec.get("tolerations"))]
    if any(kept(t) not in tolerations for t in dicts(before.get("tolerations"))):
        why = "existing toleration can not be modified except its tolerationSeconds"
        causes.append(forbidden("spec.tolerations", why))
    gates = {g.get("name") for g in dicts(before.get("schedulingGates"))}
    causes += [forbidden(f"spec.schedulingGates[{i}].name", f"only deletion is allowed, but found new scheduling gate "
                                                           f"'{g.get('name', '')}'")
               for i, g in enumerate(dicts(spec.get("schedulingGates"))) if g.get("name") not in gates]
    munged = dict(spec)
    for field in ("containers", "initContainers"):  # (appended to a nil slice: none stays nil, not [])
        if field in spec:
            munged[field] = [{**{k: v for k, v in c.items() if k != "image"}, **{k: w[k] for k in ("image",) if k in w}}
                             for c, w in zip(dicts(spec[field]), dicts(before.get(field)), strict=False)] or None
    for field in ("activeDeadlineSeconds", "schedulingGates", "tolerations"):
        munged.pop(field, None)
        if field in before:
            munged[field] = before[field]
    grace = munged.get("terminationGracePeriodSeconds")
    if (before.get("terminationGracePeriodSeconds") or 0) < 0 and grace == 1:
        munged["terminationGracePeriodSeconds"] = before["terminationGracePeriodSeconds"]
    if semantic_internal("PodSpec", munged) != semantic_internal("PodSpec", before):
        diff = go_diff(as_internal("PodSpec", before), as_internal("PodSpec", munged))
        causes.append(forbidden("spec", f"pod updates may not change fields other than {_UPDATABLE_POD_FIELDS}\n"
                                        f"{diff}"))
    return causes
