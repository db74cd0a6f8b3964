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

from . import containerfields, podannotations, podresources, podspecfields, resourcelists, validation, volumesources
from .fielderrors import (
    Cause,
    duplicate,
    forbidden,
    invalid,
    invalid_each,
    not_found,
    not_supported,
    required,
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


def _host_ports(containers: list[Obj], path: str) -> list[Cause]:
    """checkHostPortConflicts: a host port taken twice (with its protocol and host IP) among `containers`. Go
    checks each init container alone, passed as a list of one: its faults are named at index 0 of `path`."""
    causes: list[Cause] = []
    taken: set[str] = set()
    for i, ctr in enumerate(containers):
        for j, port in enumerate(dicts(ctr.get("ports"))):
            if host := port.get("hostPort"):
                key = f"{port.get('protocol') or ''}/{port.get('hostIP') or ''}/{host}"
                causes += [duplicate(f"{path}[{i}].ports[{j}].hostPort", key)] if key in taken else []
                taken.add(key)
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
    causes += _host_ports(containers, f"{path}.containers")
    for i, ctr in enumerate(dicts(spec.get("initContainers"))):  # validateInitContainers
        at = f"{path}.initContainers[{i}]"
        causes += _container(ctr, volumes, at, spec)
        causes += containerfields.restart_policy(ctr, at, init=True)
        if (name := ctr.get("name") or "") in names:  # unique among init and regular containers
            causes.append(duplicate(f"{at}.name", name))
        elif name:
            names.add(name)
        causes += _host_ports([ctr], f"{path}.initContainers")
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
