"""The apiserver's validation of the fields outside metadata that a controller under development gets wrong
most often, kind by kind: the workloads' selectors and templates, Jobs and CronJob schedules, Services,
PVCs, Ingresses, HPAs, PDBs, RBAC, ConfigMap and Secret keys, and the fields an update may not change. Without
it a replay stores what a cluster refuses, and the controller's bug shows only against the cluster. Pod specs
and templates: podvalidation.py.

Ported from k8s.io/kubernetes pkg/apis/core/validation (validateService, ValidatePersistentVolumeClaimSpec,
ValidateConfigMap, ValidateSecret), pkg/apis/apps/validation (ValidateDeploymentSpec, ValidateReplicaSetSpec,
ValidateDaemonSetSpec, ValidateStatefulSetSpec and its update, ValidatePodTemplateSpecForReplicaSet, the
workloads' status checks), pkg/apis/batch/validation (ValidateJobSpec, ValidateJobSpecUpdate,
ValidateJobStatusUpdate, validateCronJobSpec), pkg/apis/networking/validation
(ValidateIngressSpec) and pkg/apis/{autoscaling,policy,rbac}/validation, in their order, on the object as the
apiserver validates it: decoded and defaulted. Each rule here is a subset of the apiserver's (what is checked
is listed in each function); an object these rules pass may still be one the apiserver refuses. Several
errors over a map come in key order, where Go's is random. tests/writes_differential.py compares the answers
with the real kube-apiserver's.
"""

from __future__ import annotations

import base64
import copy
import functools
import re
import zoneinfo
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from ..wire import names
from ..wire.kinds import is_custom_group
from ..wire.selectors import selector_matches
from . import (
    autoscalingv1,
    claimspec,
    clustervalidation,
    crds,
    crdtypes,
    cron,
    dravalidation,
    eventapi,
    gojson,
    gotime,
    ipvalidation,
    jobvalidation,
    nodeports,
    nodevalidation,
    podstatus,
    quantity,
    serviceips,
    validation,
)
from .claimspec import BETA_STORAGE_CLASS
from .fielderrors import (
    Cause,
    duplicate,
    forbidden,
    invalid,
    invalid_each,
    invalid_omitted,
    key,
    not_supported,
    required,
    too_long,
    typed,
)
from .goorder import marshalled_selector
from .internal import as_internal, go_diff, semantic, semantic_internal
from .podvalidation import (
    PROTOCOLS,
    as_dict,
    dicts,
    nonnegative,
    one_of,
    pod,
    pod_create,
    pod_template,
    pod_update,
    port_name,
    port_number,
    port_or_name,
)
from .quantity import QuantityError

Obj = dict[str, Any]
_ATOI = re.compile(r"[+-]?[0-9]+")
_PERCENT = re.compile(r"[0-9]+%")  # IsValidPercent
_IMMUTABLE = "field is immutable"
_IMMUTABLE_SET = "field is immutable when `immutable` is set"


def _empty(selector: Any) -> bool:
    return isinstance(selector, dict) and not selector.get("matchLabels") and not selector.get("matchExpressions")


def _unselected(labels: Any) -> Cause:
    return invalid("spec.template.metadata.labels", labels, "`selector` does not match template `labels`")


def _over_100(path: str, value: Any) -> list[Cause]:
    """IsNotMoreThan100Percent."""
    return [invalid(path, value, "must not be greater than 100%")] if isinstance(value, str) and _amount(value) > 100 \
        else []


def _template_labels(template: Any) -> Any:
    meta = template.get("metadata") if isinstance(template, dict) else None
    return meta.get("labels") if isinstance(meta, dict) else None


def _checked_selector(spec: Obj, empty_for: str = "", *, required_: bool = True) -> tuple[list[Cause], bool]:
    """A controller's spec.selector: required (but for a DaemonSet's), valid, and not empty for the kinds that
    say so; and whether LabelSelectorAsSelector reads it, which fails on what ValidateLabelSelector finds."""
    selector = spec.get("selector")
    if not isinstance(selector, dict):
        return [required("spec.selector")] if required_ else [], True
    causes = validation.label_selector(selector, "spec.selector")
    parses = not causes
    if empty_for and _empty(selector):
        causes.append(invalid("spec.selector", marshalled_selector(selector),
                              f"empty selector is invalid for {empty_for}"))
    return causes, parses


def _template_unselected(spec: Obj) -> list[Cause]:
    """The template's labels, which the selector must select (a missing selector selects nothing, an empty
    one everything)."""
    labels = _template_labels(spec.get("template"))
    return [] if selector_matches(spec.get("selector"), as_dict(labels)) else [_unselected(labels)]


def _replicated_template(spec: Obj, owner: str = "ReplicaSet") -> list[Cause]:
    """ValidatePodTemplateSpecForReplicaSet, after the selector: a valid template of pods that run for ever."""
    return pod_template(spec.get("template"), "spec.template") + _runs_for_ever(spec, owner)


def _runs_for_ever(spec: Obj, owner: str) -> list[Cause]:
    """A controller that keeps its pods running: they restart Always and have no deadline."""
    pod = as_dict(as_dict(spec.get("template")).get("spec"))
    causes = []
    if (policy := pod.get("restartPolicy")) != "Always":
        causes.append(not_supported("spec.template.spec.restartPolicy", policy or "", ("Always",)))
    if pod.get("activeDeadlineSeconds") is not None:
        causes.append(forbidden("spec.template.spec.activeDeadlineSeconds",
                                f"activeDeadlineSeconds in {owner} is not Supported"))
    return causes


def _selector_and_template(spec: Obj) -> list[Cause]:
    """ValidateReplicaSetSpec's and ValidateDeploymentSpec's selector and template."""
    causes, parses = _checked_selector(spec, "deployment")
    if not parses:  # the template is not looked at
        return [*causes, invalid("spec.selector", marshalled_selector(spec.get("selector")), "invalid label selector")]
    return causes + _template_unselected(spec) + _replicated_template(spec)


def _rolling_value(path: str, value: Any) -> list[Cause]:
    """ValidatePositiveIntOrPercent."""
    if isinstance(value, str):
        return [] if _PERCENT.fullmatch(value) else [
            invalid(path, value, "a valid percent string must be a numeric string followed by an ending '%' "
                                 "(e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')")]
    return nonnegative(path, value)


def _amount(value: Any) -> int:
    """getIntOrPercentValue: a percentage's number, else the value as IntValue reads it (strconv.Atoi: a string
    that is not a decimal integer is 0)."""
    if isinstance(value, str):
        return int(value[:-1]) if _PERCENT.fullmatch(value) else int(value) if _ATOI.fullmatch(value) else 0
    return value if isinstance(value, int) else 0


def _deployment_strategy(strategy: Any) -> list[Cause]:
    strategy = as_dict(strategy)
    kind, rolling = strategy.get("type"), strategy.get("rollingUpdate")
    path = "spec.strategy.rollingUpdate"
    if kind == "Recreate":
        return [forbidden(path, "may not be specified when strategy `type` is 'Recreate'")] if rolling else []
    if kind != "RollingUpdate":
        return [not_supported("spec.strategy", as_internal("DeploymentStrategy", strategy),
                              ("Recreate", "RollingUpdate"))]
    if not isinstance(rolling, dict):
        return [required(path, "this should be defaulted and never be nil")]
    unavailable, surge = rolling.get("maxUnavailable", 0), rolling.get("maxSurge", 0)
    causes = _rolling_value(f"{path}.maxUnavailable", unavailable) + _rolling_value(f"{path}.maxSurge", surge)
    if _amount(unavailable) == 0 and _amount(surge) == 0:
        causes.append(invalid(f"{path}.maxUnavailable", unavailable, "may not be 0 when `maxSurge` is 0"))
    return causes + _over_100(f"{path}.maxUnavailable", unavailable)


def _deployment(obj: Obj) -> list[Cause]:
    spec = as_dict(obj.get("spec"))
    causes = nonnegative("spec.replicas", spec.get("replicas")) + _selector_and_template(spec)
    causes += _deployment_strategy(spec.get("strategy"))
    causes += nonnegative("spec.minReadySeconds", spec.get("minReadySeconds"))
    causes += nonnegative("spec.revisionHistoryLimit", spec.get("revisionHistoryLimit"))
    deadline = spec.get("progressDeadlineSeconds")
    if isinstance(deadline, int):
        causes += nonnegative("spec.progressDeadlineSeconds", deadline)
        if deadline <= (spec.get("minReadySeconds") or 0):
            causes.append(invalid("spec.progressDeadlineSeconds", deadline, "must be greater than minReadySeconds"))
    return causes


def _replica_set(obj: Obj) -> list[Cause]:
    spec = as_dict(obj.get("spec"))
    causes = nonnegative("spec.replicas", spec.get("replicas"))
    causes += nonnegative("spec.minReadySeconds", spec.get("minReadySeconds"))
    return causes + _selector_and_template(spec)


def _replication_controller(obj: Obj) -> list[Cause]:
    """ValidateReplicationControllerSpec but for what declarative validation took over: a selector (a map:
    defaulted from the template's labels), which the template's labels match, and a template of pods that run
    for ever."""
    spec = as_dict(obj.get("spec"))
    selector = as_dict(spec.get("selector"))
    causes = [] if selector else [required("spec.selector")]
    template = spec.get("template")
    if not isinstance(template, dict):
        return [*causes, required("spec.template")]
    labels = _template_labels(template)
    if selector and any(as_dict(labels).get(k) != v for k, v in selector.items()):
        causes.append(_unselected(labels))
    return causes + pod_template(template, "spec.template") + _runs_for_ever(spec, "ReplicationController")


def _replication_controller_declared(obj: Obj, old: Obj | None) -> list[Cause]:
    """Declarative validation's share of it: replicas given and, with minReadySeconds, not negative (each
    checked again on an update only where it changed)."""
    spec, old_spec = as_dict(obj.get("spec")), as_dict((old or {}).get("spec"))
    causes = []
    for f in ("replicas", "minReadySeconds"):
        if old is not None and spec.get(f) == old_spec.get(f):
            continue
        causes += [required("spec.replicas")] if f == "replicas" and spec.get(f) is None else \
            nonnegative(f"spec.{f}", spec.get(f))
    return causes


def _pod_template_object(obj: Obj) -> list[Cause]:
    """ValidatePodTemplate past its name: the template, whose pods may restart as they like."""
    return pod_template(obj.get("template"), "template")


def _stateful_set(obj: Obj, updating: bool = False) -> list[Cause]:
    """ValidateStatefulSetSpec: policies, claim templates, counts, the service's name, the selector and the
    template, whose hostname and subdomain the controller sets and whose volumes include one per claim
    template. On an update neither the claim templates nor the service's name is checked (both are immutable:
    the strategy tolerates what was stored)."""
    spec = as_dict(obj.get("spec"))
    policy = spec.get("podManagementPolicy") or ""
    causes = [required("spec.podManagementPolicy")] if not policy else [] if policy in ("OrderedReady", "Parallel") \
        else [invalid("spec.podManagementPolicy", typed(policy), "must be 'OrderedReady' or 'Parallel'")]
    strategy = as_dict(spec.get("updateStrategy"))
    kind, rolling = strategy.get("type") or "", strategy.get("rollingUpdate")
    if not kind:
        causes.append(required("spec.updateStrategy"))
    elif kind == "OnDelete" and isinstance(rolling, dict):  # e.g. left behind by a patch of the type alone
        causes.append(invalid("spec.updateStrategy.rollingUpdate",
                              as_internal("RollingUpdateStatefulSetStrategy", rolling),
                              "only allowed for updateStrategy 'RollingUpdate'"))
    elif kind == "RollingUpdate" and isinstance(rolling, dict):
        path = "spec.updateStrategy.rollingUpdate"
        causes += nonnegative(f"{path}.partition", rolling.get("partition"))
        if (most := rolling.get("maxUnavailable")) is not None:
            causes += _rolling_value(f"{path}.maxUnavailable", most)
            causes += [invalid(f"{path}.maxUnavailable", most, "cannot be 0")] if _amount(most) == 0 else []
            causes += _over_100(f"{path}.maxUnavailable", most)
    elif kind not in ("RollingUpdate", "OnDelete"):
        causes.append(invalid("spec.updateStrategy", as_internal("StatefulSetUpdateStrategy", strategy),
                              "must be 'RollingUpdate' or 'OnDelete'"))
    retention = as_dict(spec.get("persistentVolumeClaimRetentionPolicy"))
    for when in ("whenDeleted", "whenScaled"):
        if when in retention and retention[when] not in ("Retain", "Delete"):
            at = f"spec.persistentVolumeClaimRetentionPolicy.{when}"
            causes.append(not_supported(at, retention[when], ("Retain", "Delete")))
    for i, claim in enumerate(dicts(spec.get("volumeClaimTemplates")) if not updating else []):
        causes += claimspec.pvc_spec(as_dict(claim.get("spec")), f"spec.volumeClaimTemplates[{i}].spec")
    causes += nonnegative("spec.replicas", spec.get("replicas"))
    causes += nonnegative("spec.minReadySeconds", spec.get("minReadySeconds"))
    if isinstance(spec.get("ordinals"), dict):
        causes += nonnegative("spec.ordinals.start", spec["ordinals"].get("start"))
    if (service := spec.get("serviceName")) and not updating:
        causes += invalid_each("spec.serviceName", service, validation.dns_label(service))
    selected, parses = _checked_selector(spec, "statefulset")
    causes += selected
    if parses:
        causes += _stateful_template(spec)
    else:
        causes.append(invalid("spec.selector", marshalled_selector(spec.get("selector")), ""))
    return causes + _runs_for_ever(spec, "StatefulSet")


def _stateful_template(spec: Obj) -> list[Cause]:
    """ValidatePodTemplateSpecForStatefulSet, on the template as the controller will fill it in."""
    template = dict(as_dict(spec.get("template")))
    pod = dict(as_dict(template.get("spec")))
    claims = [c.get("metadata", {}).get("name", "") for c in dicts(spec.get("volumeClaimTemplates"))]
    pod.pop("hostname", None)
    pod.pop("subdomain", None)
    if claims:
        made = [{"name": n, "persistentVolumeClaim": {"claimName": n}} for n in claims]
        pod["volumes"] = made + [v for v in dicts(pod.get("volumes")) if v.get("name") not in claims]
    template["spec"] = pod
    return _template_unselected(spec) + pod_template(template, "spec.template") + validation.labels(
        "spec.template.labels", _template_labels(template))


def _daemon_set(obj: Obj) -> list[Cause]:
    """ValidateDaemonSetSpec: a missing selector is not itself an error here, only that it selects nothing."""
    spec = as_dict(obj.get("spec"))
    causes, parses = _checked_selector(spec, required_=False)
    causes += _template_unselected(spec) if parses else []
    if _empty(spec.get("selector")):  # said after the template's labels, for a DaemonSet
        causes.append(invalid("spec.selector", marshalled_selector(spec.get("selector")),
                              "empty selector is invalid for daemonset"))
    causes += _replicated_template(spec, "DaemonSet")
    causes += nonnegative("spec.minReadySeconds", spec.get("minReadySeconds"))
    causes += nonnegative("spec.templateGeneration", spec.get("templateGeneration"))
    causes += _daemon_set_strategy(spec.get("updateStrategy"))
    return causes + nonnegative("spec.revisionHistoryLimit", spec.get("revisionHistoryLimit"))


def _daemon_set_strategy(strategy: Any) -> list[Cause]:
    strategy = as_dict(strategy)
    kind, rolling, path = strategy.get("type"), strategy.get("rollingUpdate"), "spec.updateStrategy.rollingUpdate"
    if kind == "OnDelete":
        return []
    if kind != "RollingUpdate":
        return [not_supported("spec.updateStrategy", as_internal("DaemonSetUpdateStrategy", strategy),
                              ("RollingUpdate", "OnDelete"))]
    if not isinstance(rolling, dict):
        return [required(path)]
    unavailable, surge = rolling.get("maxUnavailable", 0), rolling.get("maxSurge", 0)
    causes = _rolling_value(f"{path}.maxUnavailable", unavailable) + _rolling_value(f"{path}.maxSurge", surge)
    causes += _over_100(f"{path}.maxUnavailable", unavailable) + _over_100(f"{path}.maxSurge", surge)
    if _amount(unavailable) and _amount(surge):
        causes.append(invalid(f"{path}.maxSurge", surge, "may not be set when maxUnavailable is non-zero"))
    elif not _amount(unavailable) and not _amount(surge):
        causes.append(required(f"{path}.maxUnavailable", "cannot be 0 when maxSurge is 0"))
    return causes


def _job_spec(spec: Obj, path: str) -> list[Cause]:
    """validateJobSpec: the Job's own fields (jobvalidation), the template, a restart policy a Job can use (a
    CronJob's job template too)."""
    causes = jobvalidation.spec_causes(spec, path)
    causes += pod_template(spec.get("template"), f"{path}.template")
    pod = as_dict(as_dict(spec.get("template")).get("spec"))
    policy, at = pod.get("restartPolicy") or "", f"{path}.template.spec.restartPolicy"
    if policy in ("Always", ""):
        causes.append(required(at, 'valid values: "OnFailure", "Never"'))
    elif policy not in ("OnFailure", "Never"):
        causes.append(not_supported(at, policy, ("OnFailure", "Never")))
    elif spec.get("podFailurePolicy") is not None and policy != "Never":
        causes.append(invalid(at, typed(policy), 'only "Never" is supported when podFailurePolicy is specified'))
    return causes


def _job(obj: Obj) -> list[Cause]:
    """ValidateJobSpec: the job's own checks, then its selector, which must select the template."""
    spec = as_dict(obj.get("spec"))
    causes, parses = _checked_selector(spec)
    return _job_spec(spec, "spec") + causes + (_template_unselected(spec) if parses else [])


_TIME_ZONE_PART = re.compile(r"[A-Za-z.\-_0-9+]{1,14}")


@functools.cache
def _known_zone(name: str) -> bool:
    """Whether time.LoadLocation finds the zone, asked of this machine's time zone database (Go reads the
    same IANA files); a machine without one knows nothing, and then every zone is taken."""
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return not zoneinfo.available_timezones()
    return True


def _time_zone(text: str) -> list[Cause]:
    """validateTimeZone (of a *string: its bad value Typed)."""
    zone = typed(text)
    if not zone:
        return [invalid("spec.timeZone", zone, "timeZone must be nil or non-empty string")]
    if any(p in (".", "..") or p.startswith("-") or not _TIME_ZONE_PART.fullmatch(p) for p in zone.split("/")):
        return [invalid("spec.timeZone", zone, f"unknown time zone {zone}")]
    causes = [invalid("spec.timeZone", zone, "timeZone must be an explicit time zone as defined in "
                                             "https://www.iana.org/time-zones")] if zone.lower() == "local" else []
    if zone not in ("UTC", "Local") and not _known_zone(zone):
        causes.append(invalid("spec.timeZone", zone, f"unknown time zone {zone}"))
    return causes


def _cron_job(obj: Obj) -> list[Cause]:
    """validateCronJobSpec: the schedule (robfig's parser, cron.py), counts, the time zone, the concurrency
    policy and the job template, whose selector the controller makes."""
    spec = as_dict(obj.get("spec"))
    schedule = spec.get("schedule") or ""  # (required: declarative validation's, _declared)
    causes = []
    if schedule and (why := cron.error(schedule)) is not None:
        causes.append(invalid("spec.schedule", schedule, why))
    if "TZ" in schedule:
        causes.append(invalid("spec.schedule", schedule, "cannot use TZ or CRON_TZ in schedule, use timeZone field "
                                                          "instead"))
    causes += nonnegative("spec.startingDeadlineSeconds", spec.get("startingDeadlineSeconds"))
    if isinstance(zone := spec.get("timeZone"), str):
        causes += _time_zone(zone)
    causes += one_of("spec.concurrencyPolicy", spec.get("concurrencyPolicy"), ("Allow", "Forbid", "Replace"))
    job = as_dict(as_dict(spec.get("jobTemplate")).get("spec"))
    causes += _job_spec(job, "spec.jobTemplate.spec")
    if job.get("selector") is not None:
        causes.append(invalid("spec.jobTemplate.spec.selector", marshalled_selector(job["selector"]),
                              "`selector` will be auto-generated"))
    if job.get("manualSelector") is True:
        causes.append(not_supported("spec.jobTemplate.spec.manualSelector", True, ("nil", "false")))
    for field in ("successfulJobsHistoryLimit", "failedJobsHistoryLimit"):
        causes += nonnegative(f"spec.{field}", spec.get(field))
    return causes


_SERVICE_TYPES = ("ClusterIP", "ExternalName", "LoadBalancer", "NodePort")


_TRAFFIC_DISTRIBUTIONS = ("PreferClose", "PreferSameZone", "PreferSameNode")


def _service(obj: Obj) -> list[Cause]:
    """validateService: ports (required unless headless or ExternalName), the ExternalName's name, each port,
    the selector's labels, session affinity, cluster IPs and families, type, a load balancer's fields and the
    traffic policies."""
    spec = as_dict(obj.get("spec"))
    kind, ports = spec.get("type") or "", dicts(spec.get("ports"))
    if kind != "ExternalName" and (early := serviceips.related_causes(spec) or serviceips.family_causes(spec)):
        return early  # (the allocator's, before the Service is validated: it checks these first, and alone)
    causes: list[Cause] = []
    if not ports and spec.get("clusterIP") != "None" and kind != "ExternalName":
        causes.append(required("spec.ports"))
    ips = [str(ip) for ip in spec.get("clusterIPs") or []]
    if kind in ("LoadBalancer", "NodePort") and ips == ["None"]:
        causes.append(invalid("spec.clusterIPs[0]", "None", f"may not be set to 'None' for {kind} services"))
    if kind == "ExternalName":
        causes += [forbidden(f"spec.{f}", "may not be set for ExternalName services")
                   for f, there in (("clusterIPs", ips), ("ipFamilies", spec.get("ipFamilies")),
                                    ("ipFamilyPolicy", spec.get("ipFamilyPolicy") is not None)) if there]
        cname = str(spec.get("externalName") or "").removesuffix(".")
        causes += validation.required_name("spec.externalName", cname, validation.subdomain)
    port_names: set[str] = set()
    for i, port in enumerate(ports):
        at, name = f"spec.ports[{i}]", port.get("name") or ""
        if len(ports) > 1 and not name:
            causes.append(required(f"{at}.name"))
        elif name:
            causes += invalid_each(f"{at}.name", name, validation.dns_label(name))
            if name in port_names:
                causes.append(duplicate(f"{at}.name", name))
            port_names.add(name)
        causes += port_number(f"{at}.port", port.get("port") or 0)
        causes += one_of(f"{at}.protocol", port.get("protocol"), PROTOCOLS)
        causes += port_or_name(f"{at}.targetPort", port.get("targetPort", 0))
        if (app := port.get("appProtocol")) is not None:
            causes += invalid_each(f"{at}.appProtocol", app, names.qualified_name(str(app)))
    causes += validation.labels("spec.selector", spec.get("selector"))
    causes += one_of("spec.sessionAffinity", spec.get("sessionAffinity"), ("ClientIP", "None"))
    timeout = as_dict(as_dict(spec.get("sessionAffinityConfig")).get("clientIP")).get("timeoutSeconds")
    if spec.get("sessionAffinity") == "ClientIP" and isinstance(timeout, int) and not 0 < timeout <= 86400:
        causes.append(invalid("spec.sessionAffinityConfig.clientIP.timeoutSeconds", timeout,
                              "must be greater than 0 and less than 86400"))
    for i, ip in enumerate(str(ip) for ip in spec.get("externalIPs") or []):  # (one already held stays: spec_causes)
        at = f"spec.externalIPs[{i}]"
        causes += ipvalidation.legacy_ip(at, ip, []) or ipvalidation.endpoint_ip(at, ip)
    causes += one_of("spec.type", kind, _SERVICE_TYPES)
    if kind == "ClusterIP":
        causes += [forbidden(f"spec.ports[{i}].nodePort", "may not be used when `type` is 'ClusterIP'")
                   for i, port in enumerate(ports) if port.get("nodePort")]
    # (a node port asked for twice is the allocator's refusal, which comes first: nodeports.py; one port number
    # given twice for one protocol shares the node port the allocator gave it, a duplicate here)
    node_ports: set[tuple[Any, Any]] = set()
    for i, port in enumerate(ports):
        if node_port := port.get("nodePort"):
            if (port.get("protocol"), node_port) in node_ports:
                causes.append(duplicate(f"spec.ports[{i}].nodePort", node_port))
            node_ports.add((port.get("protocol"), node_port))
    seen: set[tuple[Any, Any]] = set()
    for i, port in enumerate(ports):  # by (protocol, port); the value printed is the internal ServicePort key
        if (port.get("protocol"), port.get("port") or 0) in seen:
            causes.append(duplicate(f"spec.ports[{i}]", {"Name": "", "Protocol": port.get("protocol") or "",
                                                         "AppProtocol": None, "Port": port.get("port") or 0,
                                                         "TargetPort": 0, "NodePort": 0}))
        seen.add((port.get("protocol"), port.get("port") or 0))
    only_lb = "may only be used when `type` is 'LoadBalancer'"
    if ranges := [str(r) for r in spec.get("loadBalancerSourceRanges") or []]:  # (the Go field's name, capitalized)
        causes += [forbidden("spec.LoadBalancerSourceRanges", only_lb)] if kind != "LoadBalancer" else []
        causes += [c for i, r in enumerate(ranges)
                   for c in ipvalidation.legacy_cidr(f"spec.LoadBalancerSourceRanges[{i}]", r.strip())]
    if kind != "LoadBalancer" and spec.get("allocateLoadBalancerNodePorts") is not None:
        causes.append(forbidden("spec.allocateLoadBalancerNodePorts", only_lb))
    if (lb_class := spec.get("loadBalancerClass")) is not None:
        causes += invalid_each("spec.loadBalancerClass", lb_class, names.qualified_name(str(lb_class))) \
            if kind == "LoadBalancer" else [forbidden("spec.loadBalancerClass", only_lb)]
    causes += _traffic_policy(spec)
    if (internal := spec.get("internalTrafficPolicy")) is not None and internal not in ("Cluster", "Local"):
        causes.append(not_supported("spec.internalTrafficPolicy", internal, ("Cluster", "Local")))
    if (spread := spec.get("trafficDistribution")) is not None and spread not in _TRAFFIC_DISTRIBUTIONS:
        causes.append(not_supported("spec.trafficDistribution", spread, _TRAFFIC_DISTRIBUTIONS, plain=True))
    return causes


def _service_update(spec: Obj, old: Obj) -> list[Cause]:
    """ValidateServiceUpdate's own checks: a local load balancer's health check node port and a load balancer's
    class are fixed while it stays one."""
    causes: list[Cause] = []
    if nodeports.needs_health_check(spec) and nodeports.needs_health_check(old) \
            and spec.get("healthCheckNodePort") != old.get("healthCheckNodePort"):
        causes.append(forbidden("spec.healthCheckNodePort", "field is immutable"))
    if spec.get("type") == old.get("type") == "LoadBalancer" \
            and spec.get("loadBalancerClass") != old.get("loadBalancerClass"):
        causes.append(invalid("spec.loadBalancerClass", spec.get("loadBalancerClass"), "may not change once set"))
    return causes


def _traffic_policy(spec: Obj) -> list[Cause]:
    """validateServiceExternalTrafficPolicy: a policy only where traffic comes from outside, a health check node
    port only for a LoadBalancer that keeps it local (and then one)."""
    policy, hc = spec.get("externalTrafficPolicy") or "", spec.get("healthCheckNodePort") or 0
    outside = nodeports.externally_accessible(spec)
    causes: list[Cause] = []
    if not outside and policy:
        causes.append(invalid("spec.externalTrafficPolicy", typed(policy),
                              "may only be set for externally-accessible services"))
    elif outside:
        causes += one_of("spec.externalTrafficPolicy", policy, ("Cluster", "Local"))
    if not nodeports.needs_health_check(spec):
        if hc:
            causes.append(invalid("spec.healthCheckNodePort", hc, "may only be set when `type` is 'LoadBalancer' "
                                                                  "and `externalTrafficPolicy` is 'Local'"))
    elif not hc:
        causes.append(required("spec.healthCheckNodePort"))
    else:
        causes += port_number("spec.healthCheckNodePort", hc)
    return causes


_WILDCARD_FMT = r"\*\." + names.SUBDOMAIN_FMT  # wildcardDNS1123SubdomainFmt
_WILDCARD = re.compile(_WILDCARD_FMT)
_WILDCARD_MSG = ("a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must "
                 "consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character "
                 f"(e.g. '*.example.com', regex used for validation is '{_WILDCARD_FMT}')")


def _policy_port(port: Obj, path: str) -> list[Cause]:
    """ValidateNetworkPolicyPort: a protocol, a port number or name, an end port only after a number."""
    causes: list[Cause] = []
    if (protocol := port.get("protocol")) is not None and protocol not in ("TCP", "UDP", "SCTP"):
        causes.append(not_supported(f"{path}.protocol", protocol, ("TCP", "UDP", "SCTP")))
    number, end = port.get("port"), port.get("endPort")
    if number is None:
        return causes + ([invalid(f"{path}.endPort", end, "may not be specified when `port` is not specified")]
                         if end is not None else [])
    if isinstance(number, str):
        causes += [invalid(f"{path}.endPort", end, "may not be specified when `port` is non-numeric")] \
            if end is not None else []
        return causes + invalid_each(f"{path}.port", number, port_name(number))
    causes += port_number(f"{path}.port", number)
    if isinstance(end, int):
        causes += [invalid(f"{path}.endPort", end, "must be greater than or equal to `port`")] if end < number else []
        causes += port_number(f"{path}.endPort", end)
    return causes


def _policy_peer(peer: Obj, path: str) -> list[Cause]:
    """ValidateNetworkPolicyPeer: one peer, its selectors, or an IP block with its exceptions inside it."""
    causes: list[Cause] = []
    for f in ("podSelector", "namespaceSelector"):
        if isinstance(peer.get(f), dict):
            causes += validation.label_selector(peer[f], f"{path}.{f}")
    block = peer.get("ipBlock")
    if isinstance(block, dict):
        cidr = str(block.get("cidr") or "")
        causes += ipvalidation.legacy_cidr(f"{path}.ipBlock.cidr", cidr) if cidr else []  # (missing: declared)
        if (net := ipvalidation.cidr(cidr)) is not None:  # the exceptions are looked at only inside a CIDR read
            for i, text in enumerate(block.get("except") or []):
                at = f"{path}.ipBlock.except[{i}]"
                causes += ipvalidation.legacy_cidr(at, str(text))
                inner = ipvalidation.cidr(str(text))
                if inner is not None and (inner.version != net.version or inner.network_address not in net
                                          or net.prefixlen >= inner.prefixlen):
                    causes.append(invalid(at, text, "must be a strict subset of `cidr`"))
    kinds = sum(isinstance(peer.get(f), dict) for f in ("podSelector", "namespaceSelector", "ipBlock"))
    if not kinds:
        causes.append(required(path, "must specify a peer"))
    elif kinds > 1 and isinstance(block, dict):
        causes.append(forbidden(path, "may not specify both ipBlock and another peer"))
    return causes


def _network_policy(obj: Obj) -> list[Cause]:
    """ValidateNetworkPolicySpec: the pod selector, each rule's ports and peers, the policy types."""
    spec = as_dict(obj.get("spec"))
    causes = validation.label_selector(as_dict(spec.get("podSelector")), "spec.podSelector")
    for direction, peers in (("ingress", "from"), ("egress", "to")):
        for i, rule in enumerate(dicts(spec.get(direction))):
            at = f"spec.{direction}[{i}]"
            for j, port in enumerate(dicts(rule.get("ports"))):
                causes += _policy_port(port, f"{at}.ports[{j}]")
            for j, peer in enumerate(dicts(rule.get(peers))):
                causes += _policy_peer(peer, f"{at}.{peers}[{j}]")
    types = spec.get("policyTypes") or []
    if len(types) > 2:
        return [*causes, invalid("spec.policyTypes", types, "may not specify more than two policyTypes")]
    return causes + [not_supported(f"spec.policyTypes[{i}]", t, ("Ingress", "Egress"))
                     for i, t in enumerate(types) if t not in ("Ingress", "Egress")]


def _network_policy_declared(obj: Obj, _old: Obj | None) -> list[Cause]:
    """An IP block's CIDR is required by declarative validation (beta in 1.37): reported last."""
    spec = as_dict(obj.get("spec"))
    return [required(f"spec.{direction}[{i}].{peers}[{j}].ipBlock.cidr")
            for direction, peers in (("ingress", "from"), ("egress", "to"))
            for i, rule in enumerate(dicts(spec.get(direction))) for j, peer in enumerate(dicts(rule.get(peers)))
            if isinstance(block := peer.get("ipBlock"), dict) and not block.get("cidr")]


def _balancer(o: Obj) -> list[Obj]:
    return dicts(as_dict(as_dict(o.get("status")).get("loadBalancer")).get("ingress"))


def _balancer_addresses(obj: Obj, old: Obj, ip_mode: bool) -> list[Cause]:
    """ValidateIngressLoadBalancerStatus and ValidateLoadBalancerStatus: each address an IP (as the legacy fields
    take them: an old one stays valid) or a DNS name; a Service's IP mode only with an IP, and a known one."""
    had = [str(i["ip"]) for i in _balancer(old) if i.get("ip")]
    causes: list[Cause] = []
    for n, address in enumerate(_balancer(obj)):
        at = f"status.loadBalancer.ingress[{n}]"
        ip, mode, host = address.get("ip"), address.get("ipMode"), address.get("hostname")
        if ip:
            causes += ipvalidation.legacy_ip(f"{at}.ip", str(ip), had)
        if ip_mode:
            if mode is None and ip:
                causes.append(required(f"{at}.ipMode", "must be specified when `ip` is set"))
            elif mode is not None and not ip:
                causes.append(forbidden(f"{at}.ipMode", "may not be specified when `ip` is not set"))
            elif mode is not None and mode not in ("Proxy", "VIP"):
                causes.append(not_supported(f"{at}.ipMode", mode, ("Proxy", "VIP")))
        if host:
            causes += invalid_each(f"{at}.hostname", host, validation.subdomain(str(host)))
            if ipvalidation.is_ip(str(host)):
                causes.append(invalid(f"{at}.hostname", host, "must be a DNS name, not an IP address"))
    return causes


def _backend(backend: Obj, path: str) -> list[Cause]:
    """validateIngressBackend: a Service (its name a DNS label, one port by name or number) or a resource."""
    service, resource = backend.get("service"), backend.get("resource")
    if service is not None and resource is not None:
        return [invalid(path, "", "cannot set both resource and service backends")]
    if resource is not None:  # validateIngressTypedLocalObjectReference
        resource = as_dict(resource)
        group, kind, name = resource.get("apiGroup"), resource.get("kind") or "", resource.get("name") or ""
        causes = [] if group is None else invalid_each(f"{path}.resource.apiGroup", group,
                                                       validation.subdomain(str(group)))
        for field, value in (("kind", kind), ("name", name)):
            causes += invalid_each(f"{path}.resource.{field}", value, validation.path_segment(value)) if value \
                else [required(f"{path}.resource.{field}")]
        return causes
    if not isinstance(service, dict):
        return [invalid(path, "", "resource or service backend is required")]
    name = service.get("name") or ""
    causes = validation.required_name(f"{path}.service.name", name, validation.dns_label)
    port = as_dict(service.get("port"))
    named, number = port.get("name") or "", port.get("number") or 0
    if named and number:
        return [*causes, invalid(path, "", "cannot set both port name & port number")]
    if named:
        return causes + invalid_each(f"{path}.service.port.name", named, port_name(named))
    if number:
        return causes + port_number(f"{path}.service.port.number", number)
    return [*causes, required(path, "port name or number is required")]


def _ingress_path(rule_path: Obj, path: str) -> list[Cause]:
    kind, text = rule_path.get("pathType"), rule_path.get("path") or ""
    if kind is None:
        return [required(f"{path}.pathType", "pathType must be specified")]
    causes: list[Cause] = []
    if kind in ("Exact", "Prefix"):
        causes += [] if text.startswith("/") else [invalid(f"{path}.path", text, "must be an absolute path")]
        causes += [invalid(f"{path}.path", text, f"must not contain '{bad}'")
                   for bad in ("//", "/./", "/../", "%2f", "%2F") if bad in text]
        causes += [invalid(f"{path}.path", text, f"cannot end with '{bad}'")
                   for bad in ("/..", "/.") if text.endswith(bad)]
    elif kind == "ImplementationSpecific" and text and not text.startswith("/"):
        causes.append(invalid(f"{path}.path", text, "must be an absolute path"))
    elif kind != "ImplementationSpecific":
        causes.append(not_supported(f"{path}.pathType", kind, ("Exact", "ImplementationSpecific", "Prefix")))
    return causes + _backend(as_dict(rule_path.get("backend")), f"{path}.backend")


def _ingress(obj: Obj) -> list[Cause]:
    """ValidateIngressSpec: rules or a default backend, hosts, paths and their types, backends, TLS hosts and
    secrets, and the class name."""
    spec = as_dict(obj.get("spec"))
    rules, default = dicts(spec.get("rules")), spec.get("defaultBackend")
    causes = [] if rules or default is not None else [
        invalid("spec", spec.get("rules"), "either `defaultBackend` or `rules` must be specified")]
    if isinstance(default, dict):
        causes += _backend(default, "spec.defaultBackend")
    for i, rule in enumerate(rules):
        at, host = f"spec.rules[{i}]", rule.get("host") or ""
        if host and ipvalidation.is_ip(host):
            causes.append(invalid(f"{at}.host", host, "must be a DNS name, not an IP address"))
        if "*" in host:
            causes += [invalid(f"{at}.host", host, _WILDCARD_MSG)] if not _WILDCARD.fullmatch(host) else []
        elif host:
            causes += invalid_each(f"{at}.host", host, validation.subdomain(host))
        if isinstance(http := rule.get("http"), dict):
            paths = dicts(http.get("paths"))
            causes += [] if paths else [required(f"{at}.http.paths")]
            for j, rule_path in enumerate(paths):
                causes += _ingress_path(rule_path, f"{at}.http.paths[{j}]")
    for i, tls in enumerate(dicts(spec.get("tls"))):  # validateIngressTLS
        for j, host in enumerate(str(h) for h in tls.get("hosts") or []):
            at = f"spec.tls[{i}].hosts[{j}]"
            if "*" in host:
                causes += [invalid(at, host, _WILDCARD_MSG)] if not _WILDCARD.fullmatch(host) else []
            else:
                causes += invalid_each(at, host, validation.subdomain(host))
        if secret := str(tls.get("secretName") or ""):
            causes += invalid_each(f"spec.tls[{i}].secretName", secret, validation.subdomain(secret))
    if (name := spec.get("ingressClassName")) is not None:
        causes += invalid_each("spec.ingressClassName", name, validation.subdomain(str(name)))
    return causes


def _object_reference(ref: Obj, path: str, empty_group: bool = False) -> list[Cause]:
    """ValidateCrossVersionObjectReference: a kind and a name, an apiVersion with its group (`empty_group`: or
    without, as a metric's described object and a ReplicationController may be)."""
    causes: list[Cause] = []
    for field in ("kind", "name"):
        causes += validation.required_name(f"{path}.{field}", ref.get(field) or "", validation.path_segment)
    version = str(ref.get("apiVersion") or "")
    if version.count("/") > 1:
        causes.append(invalid(f"{path}.apiVersion", version, f"unexpected GroupVersion string: {version}"))
    elif "/" not in version and not empty_group:
        causes.append(invalid(f"{path}.apiVersion", version, "apiVersion must specify API group"))
    return causes


_METRIC_SOURCES = {"Object": "object", "Pods": "pods", "Resource": "resource", "External": "external",
                   "ContainerResource": "containerResource"}


_SOURCES_CHECKED = ("object", "external", "pods", "resource", "containerResource")


def _positive(path: str, amount: Any) -> list[Cause]:
    try:
        if amount is None or quantity.value(str(amount)) > 0:
            return []
    except QuantityError:
        return []
    return [invalid(path, str(amount), "must be positive")]


def _metric_target(target: Obj, path: str) -> list[Cause]:
    """validateMetricTarget: its type, positive amounts, a utilization of at least 1."""
    kind = target.get("type") or ""
    causes = [required(f"{path}.type", "must specify a metric target type")] if not kind else []
    if kind not in ("Utilization", "Value", "AverageValue"):
        causes.append(invalid(f"{path}.type", typed(kind), "must be either Utilization, Value, or AverageValue"))
    causes += _positive(f"{path}.value", target.get("value")) + _positive(f"{path}.averageValue",
                                                                           target.get("averageValue"))
    utilization = target.get("averageUtilization")
    if isinstance(utilization, int) and utilization < 1:
        causes.append(invalid(f"{path}.averageUtilization", utilization, "must be greater than 0"))
    return causes


def _metric_name(metric: Obj, path: str) -> list[Cause]:
    name = str(metric.get("name") or "")
    return [required(f"{path}.name", "must specify a metric name")] if not name else \
        invalid_each(f"{path}.name", name, validation.path_segment(name))


def _metric_source(source: str, src: Obj, path: str) -> list[Cause]:
    """The checks of one metric source (validateObjectSource, validatePodsSource...)."""
    target = as_dict(src.get("target"))
    at = f"{path}.target"
    has = {k: target.get(k) is not None for k in ("value", "averageValue", "averageUtilization")}
    if source in ("resource", "containerResource"):
        causes = [] if src.get("name") else [required(f"{path}.name", "must specify a resource name")]
        if source == "containerResource":
            container = str(src.get("container") or "")
            causes += invalid_each(f"{path}.container", container, validation.dns_label(container)) if container \
                else [required(f"{path}.container", "must specify a container")]
        causes += _metric_target(target, at)
        if not has["averageUtilization"] and not has["averageValue"]:
            causes.append(required(f"{at}.averageUtilization", "must set either a target raw value or a target "
                                                               "utilization"))
        if has["averageUtilization"] and has["averageValue"]:
            causes.append(forbidden(f"{at}.averageValue", "may not set both a target raw value and a target "
                                                          "utilization"))
        return causes
    causes = _object_reference(as_dict(src.get("describedObject")), f"{path}.describedObject", empty_group=True) \
        if source == "object" else []
    causes += _metric_name(as_dict(src.get("metric")), f"{path}.metric") + _metric_target(target, at)
    if source == "pods" and not has["averageValue"]:
        causes.append(required(f"{at}.averageValue", "must specify a positive target averageValue"))
    elif source != "pods" and not has["value"] and not has["averageValue"]:
        why = "must set either a target value or averageValue" if source == "object" else \
            "must set either a target value for metric or a per-pod target"
        causes.append(required(f"{at}.averageValue", why))
    if source == "external" and has["value"] and has["averageValue"]:
        causes.append(forbidden(f"{at}.value", "may not set both a target value for metric and a per-pod target"))
    return causes


def _metric(metric: Obj, path: str) -> list[Cause]:
    """validateMetricSpec: a known type, its one source filled in, and that source's checks."""
    kind = str(metric.get("type") or "")
    supported = sorted(_METRIC_SOURCES)
    causes = [required(f"{path}.type", "must specify a metric source type")] if not kind else []
    causes += [not_supported(f"{path}.type", kind, supported)] if kind not in _METRIC_SOURCES else []
    present = [f for f in _SOURCES_CHECKED if isinstance(metric.get(f), dict)]
    if present:  # (only the first in validateMetricSpec's order is checked)
        causes += _metric_source(present[0], metric[present[0]], f"{path}.{present[0]}")
    expected = _METRIC_SOURCES.get(kind)
    if expected is None:
        causes.append(not_supported(f"{path}.type", kind, supported))
    elif expected not in present:
        causes.append(required(f"{path}.{expected}", "must populate information for the given metric source"))
    if len(present) != 1:
        causes += [forbidden(f"{path}.{f}", "must populate the given metric source only")
                   for f in sorted(present) if f != expected]
    return causes


def _scaling_rules(rules: Obj, path: str) -> list[Cause]:
    """validateScalingRules: a stabilization window of at most an hour, a known policy selection, at least one
    policy, each of a known type with a positive value and a period of at most half an hour; a tolerance not
    negative. (Behaviors written through autoscaling/v2 have their policies defaulted before this.)"""
    causes: list[Cause] = []
    window = rules.get("stabilizationWindowSeconds")
    if isinstance(window, int) and window < 0:
        causes.append(invalid(f"{path}.stabilizationWindowSeconds", window, "must be greater than or equal to zero"))
    if isinstance(window, int) and window > 3600:
        causes.append(invalid(f"{path}.stabilizationWindowSeconds", window, "must be less than or equal to 3600"))
    if (select := rules.get("selectPolicy")) is not None and select not in ("Disabled", "Max", "Min"):
        causes.append(not_supported(f"{path}.selectPolicy", select, ("Disabled", "Max", "Min")))
    policies = dicts(rules.get("policies"))
    if not policies:
        causes.append(required(f"{path}.policies", "must specify at least one Policy"))
    for i, policy in enumerate(policies):
        at, kind = f"{path}.policies[{i}]", policy.get("type") or ""
        causes += [not_supported(f"{at}.type", kind, ("Percent", "Pods"))] if kind not in ("Percent", "Pods") else []
        value, period = policy.get("value") or 0, policy.get("periodSeconds") or 0
        wrong = [("value", value, "must be greater than zero", value <= 0),
                 ("periodSeconds", period, "must be greater than zero", period <= 0),
                 ("periodSeconds", period, "must be less than or equal to 1800", period > 1800)]
        causes += [invalid(f"{at}.{f}", v, why) for f, v, why, bad in wrong if bad]
    if (tolerance := rules.get("tolerance")) is not None and (amount := quantity.parsed(tolerance)) is not None \
            and amount < 0:
        causes.append(invalid(f"{path}.tolerance", tolerance, "must be greater than or equal to 0"))
    return causes


def _hpa(obj: Obj) -> list[Cause]:
    """validateHorizontalPodAutoscalerSpec: replica bounds, the target (kind, name, an API group), the metrics,
    scaling to zero only on Object or External metrics, the behavior's rules. The bounds' own checks are
    declarative in 1.37, and the apiserver reports those after the rest."""
    spec = as_dict(obj.get("spec"))
    low, high = spec.get("minReplicas"), spec.get("maxReplicas") or 0
    causes = [invalid("spec.maxReplicas", high, "must be greater than or equal to `minReplicas`")] \
        if isinstance(low, int) and high < low else []
    target = as_dict(spec.get("scaleTargetRef"))
    causes += _object_reference(target, "spec.scaleTargetRef",
                                empty_group=target.get("kind") == "ReplicationController")
    for i, metric in enumerate(dicts(spec.get("metrics"))):
        causes += _metric(metric, f"spec.metrics[{i}]")
    kinds = {m.get("type") for m in dicts(spec.get("metrics"))}
    if low == 0 and not kinds & {"Object", "External"}:
        causes.append(forbidden("spec.metrics", "must specify at least one Object or External metric to support "
                                                "scaling to zero replicas"))
    behavior = as_dict(spec.get("behavior"))
    for direction in ("scaleUp", "scaleDown"):
        if isinstance(rules := behavior.get(direction), dict):
            causes += _scaling_rules(rules, f"spec.behavior.{direction}")
    if isinstance(low, int) and low < 0:  # HPAScaleToZero: 0 is a lower bound the apiserver takes
        causes.append(invalid("spec.minReplicas", low, "must be greater than or equal to 0"))
    if high <= 0:
        causes.append(required("spec.maxReplicas") if not high else
                      invalid("spec.maxReplicas", high, "must be greater than or equal to 1"))
    return causes


def _pdb(obj: Obj) -> list[Cause]:
    """ValidatePodDisruptionBudgetSpec: one of minAvailable and maxUnavailable, each a count or a percentage
    up to 100%, the selector and the unhealthy-pod policy."""
    spec = as_dict(obj.get("spec"))
    least, most = spec.get("minAvailable"), spec.get("maxUnavailable")
    causes: list[Cause] = []
    if least is not None and most is not None:
        causes.append(invalid("spec", as_internal("PodDisruptionBudgetSpec", spec),
                              "minAvailable and maxUnavailable cannot be both set"))
    for field, value in (("minAvailable", least), ("maxUnavailable", most)):
        if value is not None:
            causes += _rolling_value(f"spec.{field}", value) + _over_100(f"spec.{field}", value)
    if isinstance(spec.get("selector"), dict):
        causes += validation.label_selector(spec["selector"], "spec.selector")
    if (policy := spec.get("unhealthyPodEvictionPolicy")) is not None and policy not in ("AlwaysAllow",
                                                                                        "IfHealthyBudget"):
        causes.append(not_supported("spec.unhealthyPodEvictionPolicy", policy, ("AlwaysAllow", "IfHealthyBudget")))
    return causes


_RBAC = "rbac.authorization.k8s.io"


def _rules(obj: Obj) -> list[Cause]:
    """ValidateRole and ValidateClusterRole: ValidatePolicyRule for each rule, and a ClusterRole's aggregation
    rule (at least one selector, each valid and readable)."""
    namespaced = obj.get("kind") == "Role"
    causes: list[Cause] = []
    for i, rule in enumerate(dicts(obj.get("rules"))):
        at = f"rules[{i}]"
        urls = rule.get("nonResourceURLs")
        if urls:
            if namespaced:
                why = "namespaced rules cannot apply to non-resource URLs"
                causes.append(invalid(f"{at}.nonResourceURLs", urls, why))
            if rule.get("apiGroups") or rule.get("resources") or rule.get("resourceNames"):
                causes.append(invalid(f"{at}.nonResourceURLs", urls,
                                      "rules cannot apply to both regular resources and non-resource URLs"))
            continue
        if not rule.get("apiGroups"):
            causes.append(required(f"{at}.apiGroups", "resource rules must supply at least one api group"))
        if not rule.get("resources"):
            causes.append(required(f"{at}.resources", "resource rules must supply at least one resource"))
    aggregation = obj.get("aggregationRule")
    if not namespaced and isinstance(aggregation, dict):
        selectors = aggregation.get("clusterRoleSelectors")
        if not selectors:
            causes.append(required("aggregationRule.clusterRoleSelectors",
                                   "at least one clusterRoleSelector required if aggregationRule is non-nil"))
        for i, selector in enumerate(dicts(selectors)):
            at = f"aggregationRule.clusterRoleSelectors[{i}]"
            found = validation.label_selector(selector, at)
            # LabelSelectorAsSelector fails on what ValidateLabelSelector finds, and the nil selector is quoted
            causes += [*found, invalid(at, None, "invalid label selector.")] if found else []
    return causes


def _binding(obj: Obj, updating: bool = False) -> list[Cause]:
    """ValidateRoleBinding and ValidateClusterRoleBinding: the role it names, and each subject; on update
    the role's name required here (on create declarative validation's, after the rest: _declared)."""
    namespaced = obj.get("kind") == "RoleBinding"
    ref = as_dict(obj.get("roleRef"))
    causes = [] if ref.get("apiGroup") == _RBAC else [not_supported("roleRef.apiGroup", ref.get("apiGroup") or "",
                                                                      (_RBAC,), plain=True)]
    allowed = ("Role", "ClusterRole") if namespaced else ("ClusterRole",)
    if ref.get("kind") not in allowed:
        causes.append(not_supported("roleRef.kind", ref.get("kind") or "", allowed, plain=True))
    name = ref.get("name") or ""
    causes += invalid_each("roleRef.name", name, validation.path_segment(name)) if name else \
        [required("roleRef.name")] if updating else []
    for i, subject in enumerate(dicts(obj.get("subjects"))):
        at, who, kind = f"subjects[{i}]", subject.get("name") or "", subject.get("kind") or ""
        group = subject.get("apiGroup") or ""
        if kind == "ServiceAccount":
            causes += invalid_each(f"{at}.name", who, validation.subdomain(who)) if who else []
            causes += [not_supported(f"{at}.apiGroup", group, ("",), plain=True)] if group else []
            if not namespaced and not subject.get("namespace"):
                causes.append(required(f"{at}.namespace"))
        elif kind in ("User", "Group"):
            causes += [] if group == _RBAC else [not_supported(f"{at}.apiGroup", group, (_RBAC,), plain=True)]
        else:
            causes.append(not_supported(f"{at}.kind", kind, ("ServiceAccount", "User", "Group"), plain=True))
    return causes


def _pvc(obj: Obj) -> list[Cause]:
    return claimspec.pvc_spec(as_dict(obj.get("spec")), "spec")


def _config_keys(path: str, keys: Any) -> list[Cause]:
    return [c for name in sorted(as_dict(keys)) for c in invalid_each(key(path, name), name, names.config_key(name))]


def _config_map(obj: Obj) -> list[Cause]:
    data, binary = as_dict(obj.get("data")), as_dict(obj.get("binaryData"))
    causes = _config_keys("data", data)
    for name in sorted(data):
        if name in binary:
            causes.append(invalid(key("data", name), name, "duplicate of key present in binaryData"))
    causes += _config_keys("binaryData", binary)
    size = sum(len(str(v or "").encode()) for v in data.values()) + sum(_bytes(v) for v in binary.values())
    return causes + ([too_long("[]", _MAX_DATA)] if size > _MAX_DATA else [])  # (the whole object: Path "")


_MAX_DATA = 1024 * 1024  # MaxSecretSize, a ConfigMap's data and binary data, a Secret's data: their values' bytes


def _bytes(value: Any) -> int:
    """The length of base64 data once decoded."""
    try:
        return len(base64.b64decode(str(value or "")))
    except ValueError:
        return 0


_DOCKER_KEYS = {"kubernetes.io/dockerconfigjson": ".dockerconfigjson", "kubernetes.io/dockercfg": ".dockercfg"}
_SECRET_KEYS = {"kubernetes.io/tls": ("tls.crt", "tls.key"), **{t: (k,) for t, k in _DOCKER_KEYS.items()}}


def _json_object_error(data: bytes) -> str | None:
    """Why json.Unmarshal into a map[string]interface{} refuses `data`, in its words."""
    if (problem := gojson.syntax_error(data)) is not None:
        return problem
    value = gojson.loads(data).value
    if value is None or isinstance(value, dict):
        return None
    go = "bool" if isinstance(value, bool) else "string" if isinstance(value, str) else \
        "array" if isinstance(value, list) else "number"
    return f"json: cannot unmarshal {go} into Go value of type map[string]interface {{}}"


def _secret(obj: Obj) -> list[Cause]:
    """ValidateSecret: data keys, and the keys each built-in type needs (a docker config well-formed JSON)."""
    data = as_dict(obj.get("data"))
    causes = _config_keys("data", data)
    if sum(_bytes(v) for v in data.values()) > _MAX_DATA:
        causes.append(too_long("data", _MAX_DATA))
    kind = obj.get("type")
    docker = _DOCKER_KEYS.get(str(kind))
    if docker in data and (problem := _json_object_error(base64.b64decode(str(data[docker] or "")))):
        causes.append(invalid(key("data", docker), "<secret contents redacted>", problem))
    if kind == "kubernetes.io/service-account-token":
        meta = as_dict(obj.get("metadata"))
        if not (meta.get("annotations") or {}).get("kubernetes.io/service-account.name"):
            causes.append(required(key("metadata.annotations", "kubernetes.io/service-account.name")))
    elif kind == "kubernetes.io/basic-auth" and "username" not in data and "password" not in data:
        causes += [required(key("data", "username")), required(key("data", "password"))]
    elif kind == "kubernetes.io/ssh-auth" and not data.get("ssh-privatekey"):
        causes.append(required(key("data", "ssh-privatekey")))
    else:
        causes += [required(key("data", n)) for n in _SECRET_KEYS.get(str(kind), ()) if n not in data]
    return causes


def _immutable_data(new: Obj, old: Obj, fields: tuple[str, ...], defaulted: str = "") -> list[Cause]:
    """An immutable ConfigMap or Secret: it stays so, and its data does not change, as reflect.DeepEqual
    compares it (an empty map sent is a change), but for the field `defaulted`, an empty map on both sides
    when none is given (SetDefaults_ConfigMap's data)."""
    if old.get("immutable") is not True:
        return []
    causes = [forbidden("immutable", _IMMUTABLE_SET)] if new.get("immutable") is not True else []
    return causes + [forbidden(f, _IMMUTABLE_SET) for f in fields
                     if (new.get(f) != old.get(f) if f != defaulted else (new.get(f) or {}) != (old.get(f) or {}))]


def _selector_immutable(new: Obj, old: Obj) -> list[Cause]:
    """(a LabelSelector as json.Marshal writes it is one as Semantic.DeepEqual compares it)"""
    selector = marshalled_selector((new.get("spec") or {}).get("selector"))
    if selector != marshalled_selector((old.get("spec") or {}).get("selector")):
        return [invalid("spec.selector", selector, _IMMUTABLE)]
    return []


def _lease(obj: Obj) -> list[Cause]:
    """ValidateLeaseSpec: a positive duration and no negative transitions (not the coordinated strategy)."""
    spec = as_dict(obj.get("spec"))
    causes: list[Cause] = []
    duration, transitions = spec.get("leaseDurationSeconds"), spec.get("leaseTransitions")
    if isinstance(duration, int) and duration <= 0:
        causes.append(invalid("spec.leaseDurationSeconds", duration, "must be greater than 0"))
    if isinstance(transitions, int) and transitions < 0:
        causes.append(invalid("spec.leaseTransitions", transitions, "must be greater than or equal to 0"))
    return causes


def namespace_finalizers(obj: Obj, *, indexed: bool = False) -> list[Cause]:
    """A namespace's spec.finalizers (ValidateNamespace; ValidateNamespaceFinalizeUpdate names each by its
    index): qualified names, and one without a "/" must be a standard finalizer."""
    causes: list[Cause] = []
    for i, name in enumerate(as_dict(obj.get("spec")).get("finalizers") or []):
        at = f"spec.finalizers[{i}]" if indexed else "spec.finalizers"
        text = str(name)
        causes += invalid_each(at, text, validation.qualified_name(text))
        if not validation.fully_qualified(text):
            causes.append(invalid(at, text, validation.NOT_STANDARD))
    return causes


def _namespace_phase(obj: Obj) -> list[Cause]:
    """ValidateNamespaceStatusUpdate: the phase follows the deletion."""
    phase = as_dict(obj.get("status")).get("phase") or ""
    if not as_dict(obj.get("metadata")).get("deletionTimestamp"):
        return [] if phase == "Active" else [invalid("status.Phase", typed(phase),
                                                     "may only be 'Active' if `deletionTimestamp` is empty")]
    return [] if phase == "Terminating" else [invalid("status.Phase", typed(phase),
                                                      "may only be 'Terminating' if `deletionTimestamp` is not empty")]


_ON_WRITE: dict[tuple[str, str], Callable[[Obj], list[Cause]]] = {
    ("coordination.k8s.io/v1", "Lease"): _lease,
    ("v1", "Event"): eventapi.validated,
    (eventapi.EVENTS_API, "Event"): eventapi.validated,
    ("v1", "Pod"): pod,
    ("v1", "ConfigMap"): _config_map,
    ("v1", "Namespace"): namespace_finalizers,
    ("v1", "Secret"): _secret,
    ("v1", "Service"): _service,
    ("v1", "PersistentVolumeClaim"): _pvc,
    ("networking.k8s.io/v1", "Ingress"): _ingress,
    ("networking.k8s.io/v1", "NetworkPolicy"): _network_policy,
    ("autoscaling/v2", "HorizontalPodAutoscaler"): _hpa,
    ("policy/v1", "PodDisruptionBudget"): _pdb,
    ("rbac.authorization.k8s.io/v1", "Role"): _rules,
    ("rbac.authorization.k8s.io/v1", "ClusterRole"): _rules,
    ("rbac.authorization.k8s.io/v1", "RoleBinding"): _binding,
    ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"): _binding,
    ("apps/v1", "Deployment"): _deployment,
    ("apps/v1", "ReplicaSet"): _replica_set,
    ("v1", "ReplicationController"): _replication_controller,
    ("v1", "PodTemplate"): _pod_template_object,
    ("apps/v1", "DaemonSet"): _daemon_set,
    ("apps/v1", "StatefulSet"): _stateful_set,
    ("batch/v1", "Job"): _job,
    ("batch/v1", "CronJob"): _cron_job,
    (crdtypes.API_VERSION, crdtypes.KIND): crds.causes,
    **clustervalidation.ON_WRITE,
}


def _on_update(api_version: str, kind: str, new: Obj, old: Obj) -> list[Cause]:
    """The checks only an update has, which the apiserver makes before the object's own."""
    if kind == "ConfigMap" and api_version == "v1":
        return _immutable_data(new, old, ("data", "binaryData"), defaulted="data")
    if kind == "Secret" and api_version == "v1":
        kind_changed = new.get("type") != old.get("type")
        causes = [invalid("type", typed(new.get("type") or ""), _IMMUTABLE)] if kind_changed else []
        return causes + _immutable_data(new, old, ("data",))
    if kind == "DaemonSet" and api_version == "apps/v1":
        return _selector_immutable(new, old)
    if kind == "Service" and api_version == "v1":
        return _service_update(as_dict(new.get("spec")), as_dict(old.get("spec")))
    if (check := clustervalidation.BEFORE_UPDATE.get((api_version, kind))) is not None:
        return check(new, old)
    return []


def _before_create(api_version: str, kind: str, obj: Obj) -> list[Cause]:
    """The checks only a create has, which the apiserver makes before the object's own."""
    return jobvalidation.generated_selector(obj) if (api_version, kind) == ("batch/v1", "Job") else []


def _after_create(api_version: str, kind: str, obj: Obj) -> list[Cause]:
    """The checks only a create has, after the object's own."""
    name = str(as_dict(obj.get("metadata")).get("name") or "")
    if (api_version, kind) == (eventapi.EVENTS_API, "Event"):
        return eventapi.created(obj)
    if (api_version, kind) == ("batch/v1", "Job"):
        return jobvalidation.name_causes(obj)
    if (api_version, kind) == ("batch/v1", "CronJob") and len(name) > 52:  # its jobs' names add 11 characters
        return [invalid("metadata.name", name, "must be no more than 52 characters")]
    if (api_version, kind) == ("v1", "Pod"):
        return pod_create(obj)
    if (check := clustervalidation.ON_CREATE.get((api_version, kind))) is not None:
        return check(obj)
    if (api_version, kind) == (crdtypes.API_VERSION, crdtypes.KIND):
        return crds.approval_causes(obj, None)
    return []


def _after_update(api_version: str, kind: str, new: Obj, old: Obj) -> list[Cause]:
    """The checks only an update has, which the apiserver makes after the object's own."""
    if (check := clustervalidation.AFTER_UPDATE.get((api_version, kind))) is not None:
        return check(new, old)
    if (api_version, kind) == (crdtypes.API_VERSION, crdtypes.KIND):
        return crds.approval_causes(new, old)
    if api_version == "v1" and kind == "Pod":
        return pod_update(new, old)
    if api_version == eventapi.EVENTS_API and kind == "Event":
        return eventapi.updated(new, old)
    if api_version == "apps/v1" and kind in ("Deployment", "ReplicaSet"):
        return _selector_immutable(new, old)
    if api_version == "v1" and kind == "PersistentVolumeClaim":
        return _pvc_update(new, old)
    if api_version == "batch/v1" and kind == "Job":
        return _job_update(as_dict(new.get("spec")), as_dict(old.get("spec")), as_dict(old.get("status")))
    if api_version == "apps/v1" and kind == "StatefulSet":
        spec, before = new.get("spec") or {}, old.get("spec") or {}
        claims = spec.get("volumeClaimTemplates") or []
        causes = _selector_immutable(new, old)
        if [semantic_internal("PersistentVolumeClaim", c) for c in claims] != \
                [semantic_internal("PersistentVolumeClaim", c) for c in before.get("volumeClaimTemplates") or []]:
            causes.append(invalid("spec.volumeClaimTemplates", [as_internal("PersistentVolumeClaim", c) for c in claims]
                                  if "volumeClaimTemplates" in spec else None, _IMMUTABLE))
        fixed = {"serviceName": spec.get("serviceName") or "",  # (a string; the policy a named type)
                 "podManagementPolicy": typed(spec.get("podManagementPolicy") or "")}
        return causes + [invalid(f"spec.{f}", shown, _IMMUTABLE) for f, shown in fixed.items()
                         if spec.get(f) != before.get(f)]
    return []




def storage_at(obj: Obj, json_path: str) -> Fraction:
    """A storage quantity of a claim (`.spec.resources.requests.storage`, `.capacity.storage` of a status), as
    Quantity.Cmp compares them: 0 where it is missing or cannot be read."""
    amount = crds.value_at(obj, json_path)
    number = quantity.parsed(amount) if amount is not None else None
    return number if number is not None else Fraction(0)


def _pvc_update(new: Obj, old: Obj) -> list[Cause]:
    """ValidatePersistentVolumeClaimUpdate after the claim's own checks: a claim's spec is immutable but for
    its volume's name (set once), a storage class set where there was none, and a bound claim's requested
    storage; the refusal shows Go's diff of the internal specs. Storage asked for may shrink only to above
    what the status says was given (RecoverVolumeExpansionFailure). Not modelled: the beta storage class
    annotation's upgrade path, volume attributes classes. Growing a claim is then up to the
    PersistentVolumeClaimResize admission (admission.py), which reads StorageClasses."""
    spec, before = as_dict(new.get("spec")), as_dict(old.get("spec"))
    new_spec, old_spec = copy.deepcopy(spec), copy.deepcopy(before)
    if not old_spec.get("volumeName"):
        old_spec["volumeName"] = new_spec.get("volumeName")
    beta = as_dict(as_dict(old.get("metadata")).get("annotations")).get(BETA_STORAGE_CLASS)
    if new_spec.get("storageClassName") is not None and old_spec.get("storageClassName") is None and \
            (beta is None or new_spec["storageClassName"] == beta):
        new_spec["storageClassName"] = None
    bound = as_dict(old.get("status")).get("phase") == "Bound"  # (an update's status is the stored one)
    if bound and isinstance(requests := as_dict(new_spec.get("resources")).get("requests"), dict):
        requests["storage"] = crds.value_at(old_spec, ".resources.requests.storage")
    if bound:
        new_spec["volumeAttributesClassName"] = old_spec.get("volumeAttributesClassName")
    causes = []
    if semantic_internal("PersistentVolumeClaimSpec", new_spec) != \
            semantic_internal("PersistentVolumeClaimSpec", old_spec):  # (an empty selector is one, a map none)
        causes.append(forbidden("spec", "spec is immutable after creation except resources.requests and "
                                        "volumeAttributesClassName for bound claims\n" +
                                go_diff(as_internal("PersistentVolumeClaimSpec", old_spec),
                                        as_internal("PersistentVolumeClaimSpec", new_spec))))
    asked = storage_at(spec, ".resources.requests.storage")
    if asked < storage_at(before, ".resources.requests.storage") and \
            asked <= storage_at(as_dict(old.get("status")), ".capacity.storage"):
        causes.append(forbidden("spec.resources.requests.storage", "field can not be less than status.capacity"))
    if spec.get("volumeMode") != before.get("volumeMode"):
        causes.append(invalid("volumeMode", typed(spec.get("volumeMode")), _IMMUTABLE))
    return causes


def _job_update(spec: Obj, before: Obj, status: Obj) -> list[Cause]:
    """ValidateJobSpecUpdate after the spec's own checks: completions (but an Indexed Job's, in tandem with
    parallelism), the selector, the pod template (validatePodTemplateUpdate) and the other fields a Job
    keeps. Each value is printed as Go prints the internal field."""
    causes: list[Cause] = []
    completions = spec.get("completions")
    if completions != before.get("completions"):
        if spec.get("completionMode") != "Indexed":
            causes.append(invalid("spec.completions", completions, _IMMUTABLE))
        elif completions is not None and completions != spec.get("parallelism"):
            causes.append(invalid("spec.completions", completions,
                                  "can only be modified in tandem with spec.parallelism"))
    if marshalled_selector(spec.get("selector")) != marshalled_selector(before.get("selector")):
        causes.append(invalid("spec.selector", marshalled_selector(spec.get("selector")), _IMMUTABLE))
    causes += _job_template_update(spec, before, status)
    for f, internal_type in (("completionMode", ""), ("podFailurePolicy", "PodFailurePolicy"),
                             ("backoffLimitPerIndex", ""), ("managedBy", ""), ("successPolicy", "SuccessPolicy")):
        if semantic(spec.get(f)) != semantic(before.get(f)):
            value = spec.get(f)
            causes.append(invalid(f"spec.{f}", as_internal(internal_type, value) if internal_type and value
                                  else typed(value), _IMMUTABLE))  # (each behind a pointer)
    return causes


def _job_template_update(spec: Obj, before: Obj, status: Obj) -> list[Cause]:
    """validatePodTemplateUpdate, with the strategy's options of 1.37 (MutablePodResourcesForSuspendedJobs
    and MutableSchedulingDirectivesForSuspendedJobs on): a Job's template may not change, but a suspended
    Job that never started (or is suspended again) with no active pods may change its scheduling directives
    (node affinity, node selector, tolerations, labels, annotations, scheduling gates) and its containers'
    resources."""
    template, old = as_dict(spec.get("template")), copy.deepcopy(as_dict(before.get("template")))
    suspended = before.get("suspend") is True
    again = any(c.get("type") == "Suspended" and c.get("status") == "True" for c in dicts(status.get("conditions")))
    mutable = suspended and (status.get("startTime") is None or again) and not status.get("active")
    if mutable:
        pod, old_pod = as_dict(template.get("spec")), old.setdefault("spec", {})
        affinity, old_affinity = pod.get("affinity"), old_pod.get("affinity")
        if affinity is None and isinstance(old_affinity, dict):
            old_affinity.pop("nodeAffinity", None)
            if not old_affinity:
                old_pod.pop("affinity")
        elif isinstance(affinity, dict):
            old_pod["affinity"] = {**as_dict(old_affinity), "nodeAffinity": affinity.get("nodeAffinity")}
        for f in ("nodeSelector", "tolerations", "schedulingGates"):
            old_pod[f] = pod.get(f)
        for f in ("annotations", "labels"):
            old.setdefault("metadata", {})[f] = as_dict(template.get("metadata")).get(f)
    if not mutable:  # (the pod resources' rule needs the same options: without them, immutable whole)
        if semantic_internal("PodTemplateSpec", template) != semantic_internal("PodTemplateSpec", old):
            return [invalid("spec.template", as_internal("PodTemplateSpec", template), _IMMUTABLE)]
        return []
    pod, old_pod = as_dict(template.get("spec")), as_dict(old.get("spec"))
    for f in ("containers", "initContainers"):  # validatePodResourceUpdatesOnly
        new_list, old_list = dicts(pod.get(f)), dicts(old_pod.get(f))
        if len(new_list) == len(old_list):
            old_pod[f] = [{**o, "resources": n.get("resources")} if o.get("name") == n.get("name") else o
                          for n, o in zip(new_list, old_list, strict=True)]
    if semantic_internal("PodSpec", pod) != semantic_internal("PodSpec", old_pod):
        return [invalid("spec.template.spec", as_internal("PodSpec", pod), _IMMUTABLE)]
    return []


# The workloads' status checks (ValidateDeploymentStatus, ValidateReplicaSetStatus, ValidateStatefulSetStatus,
# validateDaemonSetStatus, ValidateReplicationControllerStatus): the counts that may not be negative, in order;
# those that may not exceed status.replicas; and how the check of availableReplicas against readyReplicas names
# the latter.
_WORKLOAD_STATUS: dict[tuple[str, str], tuple[tuple[str, ...], tuple[str, ...], str]] = {
    ("apps/v1", "Deployment"): (
        ("observedGeneration", "replicas", "updatedReplicas", "readyReplicas", "availableReplicas",
         "unavailableReplicas", "terminatingReplicas", "collisionCount"),
        ("updatedReplicas", "readyReplicas", "availableReplicas"), "readyReplicas"),
    ("apps/v1", "ReplicaSet"): (
        ("replicas", "fullyLabeledReplicas", "readyReplicas", "availableReplicas", "observedGeneration",
         "terminatingReplicas"), ("fullyLabeledReplicas", "readyReplicas", "availableReplicas"), "readyReplicas"),
    ("apps/v1", "StatefulSet"): (
        ("replicas", "readyReplicas", "currentReplicas", "updatedReplicas", "availableReplicas", "observedGeneration",
         "collisionCount"), ("readyReplicas", "currentReplicas", "updatedReplicas", "availableReplicas"),
        "status.readyReplicas"),
    ("apps/v1", "DaemonSet"): (
        ("currentNumberScheduled", "numberMisscheduled", "desiredNumberScheduled", "numberReady", "observedGeneration",
         "updatedNumberScheduled", "numberAvailable", "numberUnavailable", "collisionCount"), (), ""),
    ("v1", "ReplicationController"): (
        ("replicas", "fullyLabeledReplicas", "readyReplicas", "availableReplicas", "observedGeneration"),
        ("fullyLabeledReplicas", "readyReplicas", "availableReplicas"), "readyReplicas"),
}


def _count(of: Obj, f: str) -> int:
    """A status counter as Go reads it: 0 where it is not set."""
    v = of.get(f)
    return v if isinstance(v, int) else 0


def _workload_status(workload: tuple[str, str], status: Obj, old_status: Obj) -> list[Cause]:
    counts, bounded, ready = _WORKLOAD_STATUS[workload]
    causes = [c for f in counts for c in nonnegative(f"status.{f}", status.get(f))]

    def count(f: str) -> int:
        return _count(status, f)
    causes += [invalid(f"status.{f}", count(f), "cannot be greater than status.replicas") for f in bounded
               if count(f) > count("replicas")]
    if bounded and count("availableReplicas") > count("readyReplicas"):
        available = count("availableReplicas")
        causes.append(invalid("status.availableReplicas", available, f"cannot be greater than {ready}"))
    was = old_status.get("collisionCount")
    if isinstance(was, int) and (not isinstance(status.get("collisionCount"), int) or count("collisionCount") < was):
        causes.append(invalid("status.collisionCount", count("collisionCount"), "cannot be decremented"))
    return causes


def _true(job: Obj, kind: str, status: str = "True") -> bool:
    """IsConditionTrue (and IsConditionFalse) of a Job's condition."""
    return any(c.get("type") == kind and c.get("status") == status
               for c in dicts(as_dict(job.get("status")).get("conditions")))


def _job_status(job: Obj, old: Obj) -> list[Cause]:
    """ValidateJobStatusUpdate with the options the Job strategy of 1.37 gives (JobManagedBy on): most rules
    apply only when a field they read changed, so that a status written before them is not refused again.
    The indexes' format and overlap are checked where they changed (jobvalidation.indexes_error)."""
    status, before = as_dict(job.get("status")), as_dict(old.get("status"))
    spec = as_dict(job.get("spec"))

    def changed(f: str) -> bool:
        return status.get(f) != before.get(f)

    def count(f: str, of: Obj = status) -> int:
        return _count(of, f)
    complete, failed, target, met = (_true(job, k) for k in ("Complete", "Failed", "FailureTarget",
                                                            "SuccessCriteriaMet"))
    was_complete, was_failed = _true(old, "Complete"), _true(old, "Failed")
    finished, was_finished = complete or failed, was_complete or was_failed
    complete_changed, finished_changed = complete != was_complete, finished != was_finished
    causes = [c for f in ("active", "succeeded", "failed", "ready", "terminating")
              for c in nonnegative(f"status.{f}", status.get(f))]
    uncounted = as_dict(status.get("uncountedTerminatedPods"))
    seen: set[str] = set()
    for side in ("succeeded", "failed"):
        for i, uid in enumerate(uncounted.get(side) or []):
            at = f"status.uncountedTerminatedPods.{side}[{i}]"
            causes += [invalid(at, uid, "must not be empty")] if uid == "" else [duplicate(at, uid)] if uid in seen \
                else []
            seen.add(uid)
    conditions = "status.conditions"
    if (complete_changed or failed != was_failed) and complete and failed:
        causes.append(invalid_omitted(conditions, "cannot set Complete=True and Failed=true conditions"))
    if (complete_changed or target != _true(old, "FailureTarget")) and complete and target:
        causes.append(invalid_omitted(conditions, "cannot set Complete=True and FailureTarget=true conditions"))
    completion, start = status.get("completionTime"), status.get("startTime")
    if (complete_changed or changed("completionTime")) and completion is not None and not complete:
        causes.append(invalid("status.completionTime", gotime.marshalled(str(completion), micro=False),
                              "cannot set completionTime when there is no Complete=True condition"))  # (as JSON)
    if (complete_changed or changed("completionTime")) and completion is None and complete:
        causes.append(required("status.completionTime", "completionTime is required for Complete jobs"))
    if (changed("startTime") or changed("completionTime")) and isinstance(start, str) and \
            isinstance(completion, str) and completion < start:  # (RFC 3339 in UTC sorts as time does)
        causes.append(invalid("status.completionTime", completion, "must be equal to or after `startTime`"))
    if (failed != was_failed or changed("failedIndexes")) and failed and not target:
        causes.append(invalid_omitted(conditions, "cannot set Failed=True condition without the FailureTarget=true "
                                                  "condition"))
    if (complete_changed or met != _true(old, "SuccessCriteriaMet")) and complete and not met:
        causes.append(invalid_omitted(conditions, "cannot set Complete=True condition without the SuccessCriteriaMet="
                                                  "true condition"))
    if (finished_changed or changed("active")) and count("active") > 0 and finished:
        causes.append(invalid("status.active", count("active"), "active>0 is invalid for finished job"))
    zero_suspended = spec.get("suspend") is True and spec.get("completions") == 0
    if (finished_changed or changed("startTime")) and not zero_suspended and start is None and finished:
        causes.append(required("status.startTime", "startTime is required for finished job"))
    if (finished_changed or changed("uncountedTerminatedPods")) and finished and \
            (uncounted.get("succeeded") or uncounted.get("failed")):
        causes.append(invalid("status.uncountedTerminatedPods", as_internal("UncountedTerminatedPods", uncounted),
                              "must be empty for finished job"))
    completions = spec.get("completions") if isinstance(spec.get("completions"), int) else None
    completed, failed_indexes = str(status.get("completedIndexes") or ""), status.get("failedIndexes")
    if changed("completedIndexes") and completions is not None and \
            (why := jobvalidation.indexes_error(completed, completions)) is not None:
        causes.append(invalid("status.completedIndexes", completed, f"error parsing completedIndexes: {why}"))
    if changed("failedIndexes") and completions is not None and spec.get("backoffLimitPerIndex") is not None and \
            isinstance(failed_indexes, str) and \
            (why := jobvalidation.indexes_error(failed_indexes, completions)) is not None:
        causes.append(invalid("status.failedIndexes", failed_indexes, f"error parsing failedIndexes: {why}"))
    if changed("completedIndexes") and status.get("completedIndexes") and spec.get("completionMode") != "Indexed":
        causes.append(invalid("status.completedIndexes", status["completedIndexes"],
                              "cannot set non-empty completedIndexes when non-indexed completion mode"))
    if changed("failedIndexes") and spec.get("backoffLimitPerIndex") is None and \
            status.get("failedIndexes") is not None:
        causes.append(invalid("status.failedIndexes", status["failedIndexes"],
                              "cannot set non-null failedIndexes when backoffLimitPerIndex is null"))
    if (changed("failedIndexes") or changed("completedIndexes")) and completions is not None and \
            isinstance(failed_indexes, str) and \
            (both := jobvalidation.indexes_overlap(completed, failed_indexes, completions)) is not None:
        causes.append(invalid("status.failedIndexes", failed_indexes,
                              f"failedIndexes and completedIndexes overlap at index: {both}"))
    if (finished_changed or changed("terminating")) and count("terminating") > 0 and finished:
        causes.append(invalid("status.terminating", count("terminating"), "terminating>0 is invalid for finished job"))
    if (changed("ready") or changed("active")) and status.get("ready") is not None and \
            count("ready") > count("active"):
        causes.append(invalid("status.ready", count("ready"), "cannot set more ready pods than active"))
    if met and failed:
        causes.append(invalid_omitted(conditions, "cannot set SuccessCriteriaMet=True and Failed=true conditions"))
    if met and target:
        causes.append(invalid_omitted(conditions, "cannot set SuccessCriteriaMet=True and FailureTarget=true "
                                                  "conditions"))
    if spec.get("successPolicy") is not None and not met and complete:
        causes.append(invalid_omitted(conditions, "cannot set Complete=True for Job with SuccessPolicy unless "
                                                  "SuccessCriteriaMet=True"))
    # the transitions (ValidateJobStatusUpdate)
    for kind in ("Failed", "Complete", "FailureTarget"):
        if _true(old, kind) and not _true(job, kind):
            causes.append(invalid_omitted(conditions, f"cannot disable the terminal {kind}=True condition"))
    if count("failed") < count("failed", before):
        causes.append(invalid("status.failed", count("failed"), "cannot decrease the failed counter"))
    indexed_scalable = spec.get("completionMode") == "Indexed" and spec.get("completions") == spec.get("parallelism")
    if not indexed_scalable and count("succeeded") < count("succeeded", before):
        causes.append(invalid("status.succeeded", count("succeeded"), "cannot decrease the succeeded counter"))
    if completion is not None and before.get("completionTime") is not None and changed("completionTime"):
        causes.append(invalid("status.completionTime", completion, "field is immutable"))
    resuming = _true(old, "Suspended") and _true(job, "Suspended", "False")
    if changed("startTime") and before.get("startTime") is not None and not resuming and \
            spec.get("suspend") is not True:
        causes.append(invalid("status.startTime", start, "field is immutable for unsuspended job once set"))
    if _true(old, "SuccessCriteriaMet") and not met:
        causes.append(invalid_omitted(conditions, "cannot disable the SuccessCriteriaMet=True condition"))
    if was_complete and not _true(old, "SuccessCriteriaMet") and met:
        causes.append(invalid_omitted(conditions, "cannot set SuccessCriteriaMet=True for Job already has "
                                                  "Complete=true conditions"))
    return causes


def status_causes(obj: Obj, old: Obj) -> list[Cause]:
    """What the validation of a /status write finds wrong in the new status: the workloads', a disruption
    budget's and an autoscaler's counts, a namespace's phase, a Job's rules, the addresses of an Ingress's or a
    Service's load balancer, and a Service's load balancer status only for a LoadBalancer
    (ValidateServiceStatusUpdate; a fault the stored one had already is not reported again); a quota's and a
    volume attachment's: clustervalidation.ON_STATUS."""
    if autoscalingv1.through_v1(obj):
        return status_causes(autoscalingv1.as_v2(obj), autoscalingv1.as_v2(old))
    if (workload := (str(obj.get("apiVersion")), str(obj.get("kind")))) in _WORKLOAD_STATUS:
        return _workload_status(workload, as_dict(obj.get("status")), as_dict(old.get("status")))
    if (obj.get("apiVersion"), obj.get("kind")) == ("batch/v1", "Job"):
        return _job_status(obj, old)
    if (obj.get("apiVersion"), obj.get("kind")) == ("networking.k8s.io/v1", "Ingress"):
        return _balancer_addresses(obj, old, ip_mode=False)
    if (obj.get("apiVersion"), obj.get("kind")) == ("v1", "Namespace"):
        return _namespace_phase(obj)
    if (obj.get("apiVersion"), obj.get("kind")) == ("v1", "Pod"):
        return podstatus.causes(obj, old)
    if (obj.get("apiVersion"), obj.get("kind")) == ("resource.k8s.io/v1", "ResourceClaim"):
        return dravalidation.claim_status(obj, old)
    if (obj.get("apiVersion"), obj.get("kind")) == ("storagemigration.k8s.io/v1", "StorageVersionMigration"):
        return clustervalidation.migration_status(obj, old)
    if (obj.get("apiVersion"), obj.get("kind")) == ("v1", "Node"):  # (its status strategy validates the update)
        return nodevalidation.node_update(obj, old) + nodevalidation.node_declared(obj, old)
    if (check := clustervalidation.ON_STATUS.get((str(obj.get("apiVersion")), str(obj.get("kind"))))) is not None:
        return check(obj)
    if (obj.get("apiVersion"), obj.get("kind")) == ("autoscaling/v2", "HorizontalPodAutoscaler"):
        status = as_dict(obj.get("status"))
        conditions = enumerate(dicts(status.get("conditions")))
        generations = [(f"status.conditions[{i}].observedGeneration", c["observedGeneration"])
                       for i, c in conditions if c.get("observedGeneration") is not None]
        counts = [(f"status.{f}", _count(status, f)) for f in ("currentReplicas", "desiredReplicas")]
        return [c for path, value in generations + counts for c in nonnegative(path, value)]
    if (obj.get("apiVersion"), obj.get("kind")) == ("policy/v1", "PodDisruptionBudget"):
        status = as_dict(obj.get("status"))
        return [c for f in _BUDGET_COUNTS for c in nonnegative(f"status.{f}", _count(status, f))]
    if (obj.get("apiVersion"), obj.get("kind")) != ("v1", "Service"):
        return []
    if as_dict(obj.get("spec")).get("type") != "LoadBalancer":
        if _balancer(obj) and _balancer(obj) != _balancer(old):
            return [forbidden("status.loadBalancer.ingress", "may only be used when `spec.type` is 'LoadBalancer'")]
        return []
    return _balancer_addresses(obj, old, ip_mode=True)


_BUDGET_COUNTS = ("disruptionsAllowed", "currentHealthy", "desiredHealthy", "expectedPods")
_PEM = re.compile(rb"-----BEGIN [^\n]*-----")


def write_warnings(obj: Obj, old: Obj | None = None) -> list[str]:
    """What the strategies warn of in a write's answer (WarningsOnCreate/Update, `old` the object an update
    replaces): a TLS Secret whose pair tls.X509KeyPair cannot read (only the pair without any PEM data is
    modelled); a custom resource's of the finalizers it adds; the other kinds' warnings: clustervalidation.WARNINGS."""
    if (warn := clustervalidation.WARNINGS.get((str(obj.get("apiVersion")), str(obj.get("kind"))))) is not None:
        return warn(obj, old)
    if is_custom_group(str(obj.get("apiVersion") or "").rpartition("/")[0]):
        return validation.finalizer_warnings(as_dict(obj.get("metadata")).get("finalizers"),
                                             as_dict((old or {}).get("metadata")).get("finalizers"))
    if (obj.get("apiVersion"), obj.get("kind"), obj.get("type")) != ("v1", "Secret", "kubernetes.io/tls"):
        return []
    data = as_dict(obj.get("data"))

    def pem(key: str) -> bool:
        try:
            return _PEM.search(base64.b64decode(str(data.get(key) or ""))) is not None
        except ValueError:
            return False
    if not pem("tls.crt"):
        return ["tls: failed to find any PEM data in certificate input"]
    return [] if pem("tls.key") else ["tls: failed to find any PEM data in key input"]


def spec_causes(obj: Obj, old: Obj | None = None) -> list[Cause]:
    """What the apiserver's validation of `obj` (decoded and defaulted) finds wrong outside metadata; `old`:
    the stored object an update replaces.

    An update is refused only for what it breaks: a fault the stored object already had is not reported
    again. A real apiserver never stores such an object, so against a recording of one nothing changes;
    but a synthesized recording may hold a compact Service without ports or a Job without a template, and a
    controller must still be able to label it."""
    if autoscalingv1.through_v1(obj):  # validated as the internal type, whose field paths the messages name
        return spec_causes(autoscalingv1.as_v2(obj), autoscalingv1.as_v2(old) if old is not None else None)
    api_version, kind = str(obj.get("apiVersion", "")), str(obj.get("kind", ""))
    causes = _on_update(api_version, kind, obj, old) if old is not None else _before_create(api_version, kind, obj)
    if (check := _ON_WRITE.get((api_version, kind))) is not None:
        check = _ON_UPDATE.get((api_version, kind), check) if old is not None else check
        already = set(check(old)) if old is not None else set()
        causes += [c for c in check(obj) if c not in already]
    causes += _after_update(api_version, kind, obj, old) if old is not None else _after_create(api_version, kind, obj)
    already = set(_declared(kind, api_version, old, None)) if old is not None else set()
    return causes + [c for c in _declared(kind, api_version, obj, old) if c not in already]


# an update's variant of a kind's own checks, where its strategy's options relax them
_ON_UPDATE: dict[tuple[str, str], Callable[[Obj], list[Cause]]] = {
    ("apps/v1", "StatefulSet"): functools.partial(_stateful_set, updating=True),
    **{(f"{_RBAC}/v1", kind): functools.partial(_binding, updating=True) for kind in ("RoleBinding",
                                                                                       "ClusterRoleBinding")}}


def _cron_job_declared(obj: Obj, _old: Obj | None) -> list[Cause]:
    return [] if as_dict(obj.get("spec")).get("schedule") else [required("spec.schedule")]


_DECLARED = {("v1", "ReplicationController"): _replication_controller_declared,
             ("batch/v1", "CronJob"): _cron_job_declared,
             ("networking.k8s.io/v1", "NetworkPolicy"): _network_policy_declared}


def _declared(kind: str, api_version: str, obj: Obj, old: Obj | None) -> list[Cause]:
    """The checks declarative validation has taken over in 1.37 (MarkCoveredByDeclarative, not alpha): the
    apiserver reports them after all the others, in field order, without the imperative check's words."""
    if (check := _DECLARED.get((api_version, kind)) or clustervalidation.DECLARED.get((api_version, kind))) \
            is not None:
        return check(obj, old)
    if api_version != f"{_RBAC}/v1":
        return []
    if kind in ("Role", "ClusterRole"):
        rules = dicts(obj.get("rules"))
        return [required(f"rules[{i}].verbs") for i, rule in enumerate(rules) if not rule.get("verbs")]
    if kind not in ("RoleBinding", "ClusterRoleBinding"):
        return []
    # (measured: on create the declared checks in field order, the subjects' before the role's name; on update the
    # role's name among the handwritten checks (_binding), then its immutability, then the subjects')
    subjects = [required(f"subjects[{i}].name") for i, subject in enumerate(dicts(obj.get("subjects")))
                if not subject.get("name")]
    if old is None:
        return subjects + ([] if as_dict(obj.get("roleRef")).get("name") else [required("roleRef.name")])
    changed = obj.get("roleRef") != old.get("roleRef")
    return [invalid("roleRef", as_internal("RoleRef", obj.get("roleRef")), _IMMUTABLE)] * changed + subjects
