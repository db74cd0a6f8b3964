"""The Warning headers a pod's or a pod template's write gets (pkg/api/pod/warnings.go, warningsForPodSpecAndMeta,
and the workload strategies' WarningsOnCreate and WarningsOnUpdate): deprecated node labels, selectors that match
no pod, deprecated annotations and volume plugins, duplicate host aliases and pull secrets, fractional bytes,
environment variables hidden by a later definition, a negative grace period, IP addresses written oddly, files
of a volume at overlapping paths, ports defined twice or named alike, claim templates' fractional storage; and a
name that is not a DNS label where it becomes pods' names. A pod's update warns of nothing; a workload's only
when its generation moved (a DaemonSet's template generation; a StatefulSet's claim templates and history
limit on every write).

A pod's AppArmor annotations are warned of as its strategy reads them (podannotations.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..wire import names
from ..wire.conversion import TEMPLATE_GENERATION
from ..wire.gostrings import quote
from . import claimspec
from .ipvalidation import ip_warnings
from .objects import as_dict, containers, dicts
from .podannotations import APPARMOR_CONTAINER, SECCOMP_CONTAINER, SECCOMP_POD, profile_of
from .resourcelists import fractional_bytes
from .volumesources import PROJECTIONS

Obj = dict[str, Any]

_DEPRECATED_NODE_LABELS = {
    "beta.kubernetes.io/arch": 'deprecated since v1.14; use "kubernetes.io/arch" instead',
    "beta.kubernetes.io/os": 'deprecated since v1.14; use "kubernetes.io/os" instead',
    "failure-domain.beta.kubernetes.io/region": 'deprecated since v1.17; use "topology.kubernetes.io/region" instead',
    "failure-domain.beta.kubernetes.io/zone": 'deprecated since v1.17; use "topology.kubernetes.io/zone" instead',
    "beta.kubernetes.io/instance-type": 'deprecated since v1.17; use "node.kubernetes.io/instance-type" instead',
    "app.kubernetes.io/created-by": "deprecated since v1.9",
    "scheduler.alpha.kubernetes.io/preferAvoidPods": "deprecated since v1.22; use Taints and Tolerations instead",
    "node-role.kubernetes.io/master": 'use "node-role.kubernetes.io/control-plane" instead',
}
_DEPRECATED_ANNOTATIONS = (
    ("scheduler.alpha.kubernetes.io/critical-pod",
     'non-functional in v1.16+; use the "priorityClassName" field instead'),
    ("security.alpha.kubernetes.io/sysctls", 'non-functional in v1.11+; use the "sysctls" field instead'),
    ("security.alpha.kubernetes.io/unsafe-sysctls", 'non-functional in v1.11+; use the "sysctls" field instead'))
# deprecated and removed volume plugins, in the order they are looked at, each with the name its warning uses
_DEPRECATED_VOLUMES = (
    ("photonPersistentDisk", "photonPersistentDisk", "deprecated in v1.11, non-functional in v1.16+"),
    ("gitRepo", "gitRepo", "deprecated in v1.11, and disabled by default in v1.33+"),
    ("scaleIO", "scaleIO", "deprecated in v1.16, non-functional in v1.22+"),
    ("flocker", "flocker", "deprecated in v1.22, non-functional in v1.25+"),
    ("storageos", "storageOS", "deprecated in v1.22, non-functional in v1.25+"),
    ("quobyte", "quobyte", "deprecated in v1.22, non-functional in v1.25+"),
    ("glusterfs", "glusterfs", "deprecated in v1.25, non-functional in v1.26+"),
    ("cephfs", "cephfs", "deprecated in v1.28, non-functional in v1.31+"),
    ("rbd", "rbd", "deprecated in v1.28, non-functional in v1.31+"))
_NULL_SELECTOR = "a null labelSelector results in matching no pod"
_WORKLOAD_NAME = ("metadata.name: this is used in Pod names and hostnames, which can result in surprising behavior; "
                  "a DNS label is recommended: ")


def template(template: Any, at: str) -> list[str]:
    """warningsForPodSpecAndMeta of a template at `at` ("" for a pod itself)."""
    template = as_dict(template)
    spec, meta = as_dict(template.get("spec")), as_dict(template.get("metadata"))
    prefix = f"{at}." if at else ""
    warnings = [f"{prefix}spec.nodeSelector[{k}]: {_DEPRECATED_NODE_LABELS[k]}"
                for k in sorted(as_dict(spec.get("nodeSelector"))) if k in _DEPRECATED_NODE_LABELS]
    node = as_dict(as_dict(spec.get("affinity")).get("nodeAffinity"))
    terms_at = f"{prefix}spec.affinity.nodeAffinity"
    for i, term in enumerate(dicts(as_dict(node.get("requiredDuringSchedulingIgnoredDuringExecution")).get(
            "nodeSelectorTerms"))):
        warnings += _node_term(term, False, f"{terms_at}.requiredDuringSchedulingIgnoredDuringExecution."
                                            f"nodeSelectorTerms[{i}]")
    for i, preferred in enumerate(dicts(node.get("preferredDuringSchedulingIgnoredDuringExecution"))):
        warnings += _node_term(as_dict(preferred.get("preference")), True,
                               f"{terms_at}.preferredDuringSchedulingIgnoredDuringExecution[{i}].preference")
    for i, constraint in enumerate(dicts(spec.get("topologySpreadConstraints"))):
        at_c = f"{prefix}spec.topologySpreadConstraints[{i}]"
        if (key := constraint.get("topologyKey")) in _DEPRECATED_NODE_LABELS:
            warnings.append(f"{at_c}.topologyKey: {key} is {_DEPRECATED_NODE_LABELS[key]}")
        if constraint.get("labelSelector") is None:
            warnings.append(f"{at_c}.labelSelector: {_NULL_SELECTOR}")
    annotations = as_dict(meta.get("annotations"))
    warnings += [f"{prefix}metadata.annotations[{key}]: {why}" for key, why in _DEPRECATED_ANNOTATIONS
                 if key in annotations]
    for i, volume in enumerate(dicts(spec.get("volumes"))):
        warnings += [f"{prefix}spec.volumes[{i}].{named}: {why}" for key, named, why in _DEPRECATED_VOLUMES
                     if isinstance(volume.get(key), dict)]
        if isinstance(claim := as_dict(volume.get("ephemeral")).get("volumeClaimTemplate"), dict):
            warnings += claimspec.spec_warnings(as_dict(claim.get("spec")),
                                                f"{prefix}spec.volumes[{i}].ephemeral.volumeClaimTemplate.spec")
    warnings += _overlapping_paths(dicts(spec.get("volumes")))
    warnings += _duplicates([str(a.get("ip") or "") for a in dicts(spec.get("hostAliases"))],
                            f"{prefix}spec.hostAliases", "ip", "duplicate ip")
    secrets = [str(s.get("name") or "") for s in dicts(spec.get("imagePullSecrets"))]
    warnings += _duplicates(secrets, f"{prefix}spec.imagePullSecrets", "name", "duplicate name")
    warnings += [f'{prefix}spec.imagePullSecrets[{i}].name: invalid empty name ""' for i, name in enumerate(secrets)
                 if not name]
    overhead = as_dict(spec.get("overhead"))
    warnings += [w for r in ("memory", "ephemeral-storage")
                 for w in fractional_bytes(overhead, r, f"{prefix}spec.overhead")]
    security = as_dict(spec.get("securityContext"))
    if security.get("seccompProfile") is None and SECCOMP_POD in annotations:
        warnings.append(f'{prefix}metadata.annotations[{SECCOMP_POD}]: non-functional in v1.27+; use the '
                        '"seccompProfile" field instead')
    for ctr, at in containers(spec, f"{prefix}spec"):
        warnings += _container(ctr, annotations, at, prefix, security.get("appArmorProfile"))
    warnings += _ports(spec, prefix)
    if isinstance(grace := spec.get("terminationGracePeriodSeconds"), int) and grace < 0:
        warnings.append(f"{prefix}spec.terminationGracePeriodSeconds: must be >= 0; negative values are invalid and "
                        "will be treated as 1")
    affinity = as_dict(spec.get("affinity"))
    for kind in ("podAffinity", "podAntiAffinity"):
        pod_affinity = as_dict(affinity.get(kind))
        at_a = f"{prefix}spec.affinity.{kind}"
        required_ = dicts(pod_affinity.get("requiredDuringSchedulingIgnoredDuringExecution"))
        weighted = dicts(pod_affinity.get("preferredDuringSchedulingIgnoredDuringExecution"))
        warnings += [f"{at_a}.requiredDuringSchedulingIgnoredDuringExecution[{i}].labelSelector: {_NULL_SELECTOR}"
                     for i, t in enumerate(required_) if t.get("labelSelector") is None]
        warnings += [f"{at_a}.preferredDuringSchedulingIgnoredDuringExecution[{i}].podAffinityTerm.labelSelector: "
                     f"{_NULL_SELECTOR}" for i, t in enumerate(weighted)
                     if as_dict(t.get("podAffinityTerm")).get("labelSelector") is None]
    for i, server in enumerate(as_dict(spec.get("dnsConfig")).get("nameservers") or []):
        warnings += ip_warnings(f"{prefix}spec.dnsConfig.nameservers[{i}]", str(server))
    for i, alias in enumerate(dicts(spec.get("hostAliases"))):
        warnings += ip_warnings(f"{prefix}spec.hostAliases[{i}].ip", str(alias.get("ip") or ""))
    return warnings


def _ports(spec: Obj, prefix: str) -> list[str]:
    """The ports of all containers: a host IP without a host port, one port and protocol defined twice (the same,
    overlapping or ambiguous host side), one name twice."""
    warnings: list[str] = []
    defined: dict[tuple[Any, Any], list[tuple[str, Obj]]] = {}
    named: dict[str, str] = {}
    ports = [(f"{at}.ports[{j}]", port) for ctr, at in containers(spec, f"{prefix}spec")
             for j, port in enumerate(dicts(ctr.get("ports")))]
    for at, port in ports:
        host_ip, host_port = str(port.get("hostIP") or ""), port.get("hostPort") or 0
        if host_ip and not host_port:
            shown = " ".join(f"{k}:{v}" for k, v in (
                ("Name", port.get("name") or ""), ("HostPort", 0), ("ContainerPort", port.get("containerPort") or 0),
                ("Protocol", port.get("protocol") or ""), ("HostIP", host_ip)))
            warnings.append(f"{at}: hostIP set without hostPort: {{{shown}}}")
        others = defined.setdefault((port.get("containerPort") or 0, port.get("protocol") or ""), [])
        for other_at, other in others:
            other_ip, other_port = str(other.get("hostIP") or ""), other.get("hostPort") or 0
            if host_ip == other_ip and host_port == other_port:
                warnings.append(f"{at}: duplicate port definition with {other_at}")
            elif not host_port or not other_port:
                warnings.append(f"{at}: overlapping port definition with {other_at}")
            elif host_port == other_port and bool(host_ip) != bool(other_ip):
                warnings.append(f"{at}: dangerously ambiguous port definition with {other_at}")
        others.append((at, port))
    for at, port in ports:
        if name := str(port.get("name") or ""):
            if name in named:
                warnings.append(f"{at}: duplicate port name {quote(name)} with {named[name]}, services and probes "
                                f"that select ports by name will use {named[name]}")
            else:
                named[name] = at
    return warnings


Sourced = tuple[str, str]  # a file's path in a volume, and what puts it there ("" unnamed)


def _overlapping_paths(volumes: list[Obj]) -> list[str]:
    """warningsForOverlappingVirtualPaths: two files of a config map, secret, downward API or projected volume at
    one path, or one inside the other; a projection with no source."""
    warnings: list[str] = []
    for volume in volumes:
        name = quote(str(volume.get("name") or ""))
        for kind, named, shown in (("configMap", "name", "ConfigMap"), ("secret", "secretName", "Secret"),
                                   ("downwardAPI", "", "DownwardAPI")):
            source = as_dict(volume.get(kind))
            if isinstance(source.get("items"), list):
                warnings += [f"volume {name} ({_described(source, named, shown)}): overlapping paths: {o}"
                             for o in _overlaps([(str(i.get("path") or ""), "") for i in dicts(source["items"])])]
        if not isinstance(projected := volume.get("projected"), dict):
            continue
        seen: list[Sourced] = []
        for projection in (p if isinstance(p, dict) else {} for p in projected.get("sources") or []):
            if all(projection.get(k) is None for k in PROJECTIONS):
                warnings.append(f"volume {name} (Projected) has no sources provided")
                continue
            warnings += [f"volume {name} (Projected): overlapping paths: {o}"
                         for o in _overlaps(_projected_files(projection), seen)]
    return warnings


def _projected_files(projection: Obj) -> list[Sourced]:
    """The files one projection writes (of its first source, as Go's switch takes it)."""
    for kind, named, shown in (("configMap", "name", "ConfigMap"), ("secret", "name", "Secret"),
                               ("downwardAPI", "", "DownwardAPI")):
        if isinstance(source := projection.get(kind), dict) and isinstance(source.get("items"), list):
            return [(str(i.get("path") or ""), _described(source, named, shown)) for i in dicts(source["items"])]
    if isinstance(token := projection.get("serviceAccountToken"), dict):
        return [(str(token.get("path") or ""), "ServiceAccountToken")]
    if isinstance(bundle := projection.get("clusterTrustBundle"), dict):
        bundle_name = bundle.get("name") if bundle.get("name") is not None else bundle.get("signerName")
        return [(str(bundle.get("path") or ""), f"ClusterTrustBundle {quote(str(bundle_name or ''))}")]
    certificate = as_dict(projection.get("podCertificate"))
    return [(str(certificate[f]), f"PodCertificate {what}") for f, what in (
        ("certificateChainPath", "chain"), ("keyPath", "key"), ("credentialBundlePath", "credential bundle"))
            if certificate.get(f)]


def _described(source: Obj, named: str, shown: str) -> str:
    """A source as the overlap warnings name it: its kind, and the object it reads where it names one."""
    return f"{shown} {quote(str(source.get(named) or ''))}" if named else shown


def _overlaps(files: list[Sourced], seen: list[Sourced] | None = None) -> list[str]:
    """checkVolumeMappingForOverlap: each file against those before it (trailing slashes trimmed), which `seen`
    holds and is added to."""
    found: list[str] = []
    seen = [] if seen is None else seen
    for path, source in files:
        path = path.rstrip("/")
        if path:
            found += [f"{_shown(path, source)} with {_shown(p, s)}" for p, s in seen
                      if p and (f"{p}/".startswith(f"{path}/") or f"{path}/".startswith(f"{p}/"))]
        seen.append((path, source))
    return found


def _shown(path: str, source: str) -> str:
    return f"{quote(path)} ({source})" if source else quote(path)


def _node_term(term: Obj, check_values: bool, path: str) -> list[str]:
    """GetWarningsForNodeSelectorTerm: deprecated label keys; a preferred term's values that are no label values."""
    warnings: list[str] = []
    for i, expr in enumerate(dicts(term.get("matchExpressions"))):
        if (key := expr.get("key")) in _DEPRECATED_NODE_LABELS:
            warnings.append(f"{path}.matchExpressions[{i}].key: {key} is {_DEPRECATED_NODE_LABELS[key]}")
        if check_values:
            warnings += [f"{path}.matchExpressions[{i}].values[{j}]: {value} is invalid, {msg}"
                         for j, value in enumerate(str(v) for v in expr.get("values") or [])
                         for msg in names.label_value(value)]
    return warnings


def _duplicates(values: list[str], path: str, field: str, what: str) -> list[str]:
    seen: set[str] = set()
    warnings: list[str] = []
    for i, value in enumerate(values):
        if value in seen and len(values) > 1:
            warnings.append(f"{path}[{i}].{field}: {what} {quote(value)}")
        seen.add(value)
    return warnings


def _container(ctr: Obj, annotations: Obj, path: str, prefix: str, pod_profile: Any) -> list[str]:
    name = str(ctr.get("name") or "")
    key = SECCOMP_CONTAINER + name
    warnings = [f'{prefix}metadata.annotations[{key}]: non-functional in v1.27+; use the "seccompProfile" field '
                "instead"] if as_dict(ctr.get("securityContext")).get("seccompProfile") is None and \
        key in annotations else []
    key = APPARMOR_CONTAINER + name  # (a template's: a pod's are warned of as its strategy reads them)
    if prefix and as_dict(ctr.get("securityContext")).get("appArmorProfile") is None and key in annotations and \
            (pod_profile is None or pod_profile != profile_of(str(annotations[key]))):
        warnings.append(f'{prefix}metadata.annotations[{key}]: deprecated since v1.30; use the "appArmorProfile" '
                        "field instead")
    resources = as_dict(ctr.get("resources"))
    for resource in ("memory", "ephemeral-storage"):
        for part in ("limits", "requests"):
            warnings += fractional_bytes(as_dict(resources.get(part)), resource, f"{path}.resources.{part}")
    seen: set[str] = set()
    for i, var in enumerate(dicts(ctr.get("env"))):
        var_name, value = str(var.get("name") or ""), str(var.get("value") or "")
        if var_name in seen:
            ref = f"$({var_name})"
            if var.get("valueFrom") is not None or value == ref or ref not in value:
                warnings.append(f"{path}.env[{i}]: hides previous definition of {quote(var_name)}, which may be "
                                "dropped when using apply")
        seen.add(var_name)
    return warnings


def _name_warning(obj: Obj, message: str) -> list[str]:
    name = str(as_dict(obj.get("metadata")).get("name") or "")
    errs = names.dns_label(name)
    return [f"{message}[{' '.join(errs)}]"] if errs else []


def _moved(obj: Obj, old: Obj | None) -> bool:
    """Whether a workload's update moved its generation (its strategy's warnings depend on it)."""
    return old is None or as_dict(obj.get("metadata")).get("generation") != as_dict(old.get("metadata")).get(
        "generation")


def pod(obj: Obj, old: Obj | None) -> list[str]:
    if old is not None:  # (a pod's update warns of nothing)
        return []
    return _name_warning(obj, "metadata.name: this is used in the Pod's hostname, which can result in surprising "
                              "behavior; a DNS label is recommended: ") + template(obj, "")


def _template_moved(obj: Obj, old: Obj | None) -> bool:
    """Whether a DaemonSet's update moved its template generation (the internal spec's, an annotation in v1)."""
    return old is None or as_dict(as_dict(obj.get("metadata")).get("annotations")).get(TEMPLATE_GENERATION) != \
        as_dict(as_dict(old.get("metadata")).get("annotations")).get(TEMPLATE_GENERATION)


def _workload(path: tuple[str, ...], named: bool, of_old: bool = False,
              moved: Callable[[Obj, Obj | None], bool] = _moved) -> Callable[[Obj, Obj | None], list[str]]:
    """A workload's warnings: its name's on create, its template's when it `moved` (its generation, by
    default; `of_old`: the stored template's, as a ReplicationController's update passes them the wrong way
    round)."""
    def warnings(obj: Obj, old: Obj | None) -> list[str]:
        held: Any = old if of_old and old is not None else obj
        for part in path:
            held = as_dict(held).get(part)
        out = _name_warning(obj, _WORKLOAD_NAME) if named and old is None else []
        return out + (template(held, ".".join(path)) if moved(obj, old) else [])
    return warnings


def _stateful_set(obj: Obj, old: Obj | None) -> list[str]:
    """Its template's, then on every write its claim templates' (named `Spec` on an update, as Go names them) and a
    negative history limit."""
    out = _workload(("spec", "template"), False)(obj, old)
    spec = as_dict(obj.get("spec"))
    for i, claim in enumerate(dicts(spec.get("volumeClaimTemplates"))):
        out += claimspec.spec_warnings(as_dict(claim.get("spec")),
                                       f"spec.volumeClaimTemplates[{i}]" + (".Spec" if old is not None else ""))
    limit = spec.get("revisionHistoryLimit")
    if isinstance(limit, int) and limit < 0:
        out.append("spec.revisionHistoryLimit: a negative value retains all historical revisions; a value >= 0 is "
                   "recommended")
    return out


WARNINGS: dict[tuple[str, str], Callable[[Obj, Obj | None], list[str]]] = {
    ("v1", "Pod"): pod,
    ("v1", "PodTemplate"): _workload(("template",), False),
    ("v1", "ReplicationController"): _workload(("spec", "template"), True, of_old=True),
    ("apps/v1", "Deployment"): _workload(("spec", "template"), True),
    ("apps/v1", "ReplicaSet"): _workload(("spec", "template"), True),
    ("apps/v1", "DaemonSet"): _workload(("spec", "template"), False, moved=_template_moved),
    ("apps/v1", "StatefulSet"): _stateful_set,
    ("batch/v1", "Job"): _workload(("spec", "template"), True),
    ("batch/v1", "CronJob"): _workload(("spec", "jobTemplate", "spec", "template"), True),
}
