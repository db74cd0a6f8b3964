"""ValidatePodSpec's checks of a pod's own fields, outside its containers and volumes (pkg/apis/core/validation),
for pods and every pod template: the resource claims it names, its security context, affinity, DNS
configuration, gates, topology spread constraints, HostProcess containers, user namespaces and hostname override
(`middle`, after the node selector), and its tolerations (RuntimeClasses' too), host aliases, priority and
runtime class names, preemption policy, overhead and OS (`tail`, after the names it holds). podresources.py
holds the pod-level resources."""

from __future__ import annotations

import re
from typing import Any

from ..wire import names
from . import ipvalidation, podos, validation, volumesources
from .fielderrors import Cause, duplicate, forbidden, invalid, invalid_each, not_supported, required, too_long, typed
from .internal import as_internal
from .objects import as_dict, containers, dicts

Obj = dict[str, Any]

_MAX_ID = 2**31 - 1
_SYSCTL_FMT = r"([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?"
_SYSCTL = re.compile(_SYSCTL_FMT)
_SECCOMP = ("Localhost", "RuntimeDefault", "Unconfined")
_MAX_NAMESERVERS, _MAX_SEARCHES, _MAX_SEARCH_CHARS = 3, 32, 2048
_UNSATISFIABLE = ("DoNotSchedule", "ScheduleAnyway")
_INCLUSION = ("Honor", "Ignore")
TAINT_EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")


def resource_claims(spec: Obj, path: str) -> list[Cause]:
    """validatePodResourceClaims: each a unique DNS label naming exactly one claim or claim template."""
    causes: list[Cause] = []
    seen: set[str] = set()
    for i, claim in enumerate(dicts(spec.get("resourceClaims"))):
        at, name = f"{path}[{i}]", str(claim.get("name") or "")
        if not name:
            causes.append(required(f"{at}.name"))
        elif name in seen:
            causes.append(duplicate(f"{at}.name", name))
        else:
            causes += invalid_each(f"{at}.name", name, names.dns_label(name))
            seen.add(name)
        claimed, templated = claim.get("resourceClaimName"), claim.get("resourceClaimTemplateName")
        if claimed is not None and templated is not None:
            causes.append(invalid(at, as_internal("PodResourceClaim", claim),
                                  "at most one of `resourceClaimName` or `resourceClaimTemplateName` may be specified"))
        if claimed is None and templated is None:
            causes.append(invalid(at, as_internal("PodResourceClaim", claim),
                                  "must specify one of: `resourceClaimName`, `resourceClaimTemplateName`"))
        for field, value in (("resourceClaimName", claimed), ("resourceClaimTemplateName", templated)):
            if value is not None:
                causes += invalid_each(f"{at}.{field}", value, names.subdomain(str(value)))
    return causes


def middle(spec: Obj, path: str) -> list[Cause]:
    """From the security context to the hostname override, in ValidatePodSpec's order."""
    causes = _security_context(spec, f"{path}.securityContext")
    if spec.get("shareProcessNamespace") is True and spec.get("hostPID") is True:
        causes.append(invalid(f"{path}.shareProcessNamespace", True, "ShareProcessNamespace and HostPID cannot both "
                                                                      "be enabled"))
    if isinstance(affinity := spec.get("affinity"), dict):
        causes += _affinity(affinity, f"{path}.affinity")
    causes += _dns_config(spec, f"{path}.dnsConfig")
    for i, gate in enumerate(dicts(spec.get("readinessGates"))):
        kind = str(gate.get("conditionType") or "")
        causes += invalid_each(f"{path}.readinessGates[{i}].conditionType", kind, names.qualified_name(kind))
    gates: set[str] = set()
    for i, gate in enumerate(dicts(spec.get("schedulingGates"))):
        name = str(gate.get("name") or "")
        causes += invalid_each(f"{path}.schedulingGates[{i}]", name, names.qualified_name(name))
        causes += [duplicate(f"{path}.schedulingGates[{i}]", name)] if name in gates else []
        gates.add(name)
    causes += _topology_spread(dicts(spec.get("topologySpreadConstraints")), f"{path}.topologySpreadConstraints")
    causes += podos.host_process(spec, path)
    if spec.get("hostUsers") is False:  # validateHostUsers: a user namespace of its own shares none of the host's
        causes += [forbidden(f"{path}.{shown}", "when `hostUsers` is false") for field, shown in (
            ("hostNetwork", "hostNetwork"), ("hostPID", "HostPID"), ("hostIPC", "HostIPC")) if spec.get(field) is True]
        causes += [forbidden(f"{at}.volumeDevices", "when `hostUsers` is false")
                   for ctr, at in containers(spec, path) if ctr.get("volumeDevices")]
    if (override := spec.get("hostnameOverride")) is not None:  # validatePodHostName
        at = f"{path}.hostnameOverride"
        if spec.get("setHostnameAsFQDN") is True:
            causes.append(forbidden(at, "may not be specified when setHostnameAsFQDN is true"))
        if spec.get("hostNetwork") is True:
            causes.append(forbidden(at, "may not be specified when hostNetwork is true"))
        causes += [too_long(at, 64)] if len(str(override)) > 64 else []
        causes += invalid_each(at, override, names.subdomain(str(override)))
    return causes


def _affinity(affinity: Obj, path: str) -> list[Cause]:
    """validateAffinity: node affinity's selector terms and weights; pod (anti-)affinity's terms."""
    causes: list[Cause] = []
    if isinstance(node := affinity.get("nodeAffinity"), dict):
        at = f"{path}.nodeAffinity"
        if isinstance(required_ := node.get("requiredDuringSchedulingIgnoredDuringExecution"), dict):
            causes += node_selector(required_, f"{at}.requiredDuringSchedulingIgnoredDuringExecution")
        for i, preferred in enumerate(dicts(node.get("preferredDuringSchedulingIgnoredDuringExecution"))):
            term_at = f"{at}.preferredDuringSchedulingIgnoredDuringExecution[{i}]"
            causes += _weight(preferred, term_at)
            causes += node_selector_term(as_dict(preferred.get("preference")), f"{term_at}.preference", False)
    for kind in ("podAffinity", "podAntiAffinity"):
        if not isinstance(pod := affinity.get(kind), dict):
            continue
        at = f"{path}.{kind}"
        for i, term in enumerate(dicts(pod.get("requiredDuringSchedulingIgnoredDuringExecution"))):
            causes += _pod_affinity_term(term, f"{at}.requiredDuringSchedulingIgnoredDuringExecution[{i}]")
        for i, weighted in enumerate(dicts(pod.get("preferredDuringSchedulingIgnoredDuringExecution"))):
            term_at = f"{at}.preferredDuringSchedulingIgnoredDuringExecution[{i}]"
            causes += _weight(weighted, term_at)
            causes += _pod_affinity_term(as_dict(weighted.get("podAffinityTerm")), f"{term_at}.podAffinityTerm")
    return causes


def node_selector(selector: Obj, path: str) -> list[Cause]:
    """ValidateNodeSelector (a pod's required node affinity, a persistent volume's): at least one term, each
    checked with its label values."""
    terms = dicts(selector.get("nodeSelectorTerms"))
    return [required(f"{path}.nodeSelectorTerms", "must have at least one node selector term")] if not terms else [
        c for i, term in enumerate(terms) for c in node_selector_term(term, f"{path}.nodeSelectorTerms[{i}]", True)]


def _weight(term: Obj, path: str) -> list[Cause]:
    weight = term.get("weight") or 0
    return [invalid(f"{path}.weight", weight, "must be in the range 1-100")] if not 0 < weight <= 100 else []


def node_selector_term(term: Obj, path: str, label_values: bool) -> list[Cause]:
    """ValidateNodeSelectorTerm: label expressions (their values label values where `label_values`: a required
    term's, not a preferred one's), and field expressions of the node's name."""
    causes: list[Cause] = []
    for j, expr in enumerate(dicts(term.get("matchExpressions"))):
        at, op, values = f"{path}.matchExpressions[{j}]", expr.get("operator") or "", expr.get("values") or []
        if op in ("In", "NotIn"):
            causes += [] if values else [required(f"{at}.values", "must be specified when `operator` is 'In' or "
                                                                  "'NotIn'")]
        elif op in ("Exists", "DoesNotExist"):
            causes += [forbidden(f"{at}.values", "may not be specified when `operator` is 'Exists' or "
                                                 "'DoesNotExist'")] if values else []
        elif op in ("Gt", "Lt"):
            causes += [] if len(values) == 1 else [required(f"{at}.values", "must be specified single value when "
                                                                            "`operator` is 'Lt' or 'Gt'")]
        else:
            causes.append(invalid(f"{at}.operator", typed(op), "not a valid selector operator"))
        key = str(expr.get("key") or "")
        causes += invalid_each(f"{at}.key", key, names.qualified_name(key))
        causes += [c for v, value in enumerate(str(x) for x in values)
                   for c in invalid_each(f"{at}.values[{v}]", value, names.label_value(value))] if label_values else []
    for j, expr in enumerate(dicts(term.get("matchFields"))):
        at, op, values = f"{path}.matchFields[{j}]", expr.get("operator") or "", expr.get("values") or []
        if op in ("In", "NotIn"):
            causes += [] if len(values) == 1 else [required(f"{at}.values", "must be only one value when `operator` "
                                                                            "is 'In' or 'NotIn' for node field "
                                                                            "selector")]
        else:
            causes.append(invalid(f"{at}.operator", typed(op), "not a valid selector operator"))
        if expr.get("key") != "metadata.name":
            causes.append(invalid(f"{at}.key", expr.get("key") or "", "not a valid field selector key"))
        else:
            causes += [c for v, value in enumerate(str(x) for x in values)
                       for c in invalid_each(f"{at}.values[{v}]", value, names.subdomain(value))]
    return causes


def _pod_affinity_term(term: Obj, path: str) -> list[Cause]:
    """validatePodAffinityTerm: its selectors, namespaces, match and mismatch label keys, a topology key."""
    causes: list[Cause] = []
    for field in ("labelSelector", "namespaceSelector"):
        if isinstance(selector := term.get(field), dict):
            causes += validation.label_selector(selector, f"{path}.{field}")
    for namespace in (str(n) for n in term.get("namespaces") or []):
        causes += invalid_each(f"{path}.namespace", namespace, names.dns_label(namespace))
    selector = term.get("labelSelector")
    for field in ("matchLabelKeys", "mismatchLabelKeys"):
        if keys := [str(k) for k in term.get(field) or []]:
            causes += [forbidden(f"{path}.{field}", "must not be specified when labelSelector is not set")] \
                if not isinstance(selector, dict) else [c for i, k in enumerate(keys)
                                                        for c in invalid_each(f"{path}.{field}[{i}]", k,
                                                                              names.qualified_name(k))]
    causes += _selected_twice([str(k) for k in term.get("matchLabelKeys") or []], selector, path)
    mismatched = {str(k) for k in term.get("mismatchLabelKeys") or []}
    causes += [invalid(f"{path}.matchLabelKeys[{i}]", k, "exists in both matchLabelKeys and mismatchLabelKeys")
               for i, k in enumerate(str(k) for k in term.get("matchLabelKeys") or []) if k in mismatched]
    key = str(term.get("topologyKey") or "")
    causes += [] if key else [required(f"{path}.topologyKey", "can not be empty")]
    return causes + invalid_each(f"{path}.topologyKey", key, names.qualified_name(key))


def _selected_twice(keys: list[str], selector: Any, path: str) -> list[Cause]:
    """ValidateMatchLabelKeysAndMismatchLabelKeys' second rule: a match label key the selector names twice (in
    its labels and an expression, or in two expressions: on a pod, the expression merged from the pod's own label
    beside the client's), named at the term's index, as Go names it."""
    if not isinstance(selector, dict):
        return []
    index = {key: i for i, key in enumerate(keys)}
    seen = set(as_dict(selector.get("matchLabels")))
    causes: list[Cause] = []
    for expression in dicts(selector.get("matchExpressions")):
        key = str(expression.get("key") or "")
        if key in index and key in seen:
            causes.append(invalid(f"{path}[{index[key]}]", key, "exists in both matchLabelKeys and labelSelector"))
        seen.add(key)
    return causes


def tail(spec: Obj, path: str, overhead: list[Cause]) -> list[Cause]:
    """From the tolerations to the OS, in ValidatePodSpec's order (`overhead`: what is wrong with it)."""
    causes = tolerations(dicts(spec.get("tolerations")), f"{path}.tolerations")
    for i, alias in enumerate(dicts(spec.get("hostAliases"))):
        at = f"{path}.hostAliases[{i}]"
        causes += ipvalidation.legacy_ip(f"{at}.ip", str(alias.get("ip") or ""), [])
        for j, host in enumerate(str(h) for h in alias.get("hostnames") or []):
            causes += invalid_each(f"{at}.hostnames[{j}]", host, names.subdomain(host))
    if priority_class := str(spec.get("priorityClassName") or ""):
        causes += invalid_each(f"{path}.priorityClassName", priority_class, names.subdomain(priority_class))
    if (runtime := spec.get("runtimeClassName")) is not None:
        causes += invalid_each(f"{path}.runtimeClassName", runtime, names.subdomain(str(runtime)))
    if (policy := spec.get("preemptionPolicy")) is not None:
        if not policy:
            causes.append(required(f"{path}.preemptionPolicy"))
        elif policy not in ("PreemptLowerPriority", "Never"):
            causes.append(not_supported(f"{path}.preemptionPolicy", policy, ("PreemptLowerPriority", "Never")))
    causes += overhead  # (podvalidation's: a container's limits)
    if isinstance(os := spec.get("os"), dict):
        if not os.get("name"):
            causes.append(required(f"{path}.os.name"))
        elif os["name"] not in ("linux", "windows"):
            causes.append(not_supported(f"{path}.os", os["name"], ("linux", "windows")))
        else:
            causes += podos.os_fields(spec, os["name"], path)
    return causes


def tolerations(given: list[Obj], path: str) -> list[Cause]:
    """ValidateTolerations: a label name for a key; an empty key only with Exists; a value a label value (none
    with Exists); toleration seconds only with NoExecute; a known operator and effect."""
    causes: list[Cause] = []
    for i, toleration in enumerate(given):
        at = f"{path}[{i}]"
        key, operator, value = (str(toleration.get(f) or "") for f in ("key", "operator", "value"))
        effect = str(toleration.get("effect") or "")
        causes += invalid_each(f"{at}.key", key, names.qualified_name(key)) if key else []
        if not key and operator != "Exists":
            causes.append(invalid(f"{at}.operator", typed(operator), 'operator must be Exists when `key` is empty, '
                                                                     'which means "match all values and all keys"'))
        if toleration.get("tolerationSeconds") is not None and effect != "NoExecute":
            causes.append(invalid(f"{at}.effect", typed(effect),
                                  "effect must be 'NoExecute' when `tolerationSeconds` is set"))
        if operator in ("Equal", ""):
            if errs := names.label_value(value):
                causes.append(invalid(f"{at}.operator", value, ";".join(errs)))
        elif operator == "Exists":
            if value:
                causes.append(invalid(f"{at}.operator", value, "value must be empty when `operator` is 'Exists'"))
        elif operator in ("Lt", "Gt"):  # (TaintTolerationComparisonOperators is off)
            causes.append(not_supported(f"{at}.operator", operator, ("Equal", "Exists", "Lt", "Gt")))
        else:
            causes.append(not_supported(f"{at}.operator", operator, ("Equal", "Exists")))
        if effect and effect not in TAINT_EFFECTS:
            causes.append(not_supported(f"{at}.effect", effect, TAINT_EFFECTS))
    return causes


def ids(context: Obj, path: str) -> list[Cause]:
    """IsValidUserID and IsValidGroupID of the IDs a pod or a container runs as."""
    given = [(f"{path}.{f}", context.get(f)) for f in ("fsGroup", "runAsUser", "runAsGroup")]
    given += [(f"{path}.supplementalGroups[{i}]", g) for i, g in enumerate(context.get("supplementalGroups") or [])]
    return [c for at, value in given for c in id_causes(at, value)]


def id_causes(path: str, value: Any) -> list[Cause]:
    """IsValidUserID or IsValidGroupID of one ID, where it is a number."""
    if isinstance(value, int) and not 0 <= value <= _MAX_ID:
        return [invalid(path, value, f"must be between 0 and {_MAX_ID}, inclusive")]
    return []


def _security_context(spec: Obj, path: str) -> list[Cause]:
    """validatePodSpecSecurityContext."""
    if not isinstance(context := spec.get("securityContext"), dict):
        return []
    causes = ids(context, path)
    seen: set[str] = set()
    for i, sysctl in enumerate(dicts(context.get("sysctls"))):
        at, name = f"{path}.sysctls[{i}].name", str(sysctl.get("name") or "")
        if not name:
            causes.append(required(at))
        elif len(name) > 253 or not _SYSCTL.fullmatch(name):
            causes.append(invalid(at, name, f"must have at most 253 characters and match regex ^{_SYSCTL_FMT}$"))
        elif name in seen:
            causes.append(duplicate(at, name))
        namespace = _sysctl_namespace(name)  # (ValidateHostSysctl; an update keeps an unchanged one)
        if namespace == "Net" and spec.get("hostNetwork") is True:
            causes.append(invalid(at, name, "may not be specified when 'hostNetwork' is true"))
        elif namespace == "IPC" and spec.get("hostIPC") is True:
            causes.append(invalid(at, name, "may not be specified when 'hostIPC' is true"))
        seen.add(name)
    if (policy := context.get("fsGroupChangePolicy")) is not None and policy not in ("Always", "OnRootMismatch"):
        causes.append(not_supported(f"{path}.fsGroupChangePolicy", policy, ("Always", "OnRootMismatch")))
    causes += seccomp_profile(context.get("seccompProfile"), f"{path}.seccompProfile")
    causes += podos.windows_options(context.get("windowsOptions"), f"{path}.windowsOptions")
    causes += app_armor_profile(context.get("appArmorProfile"), f"{path}.appArmorProfile")
    if (groups := context.get("supplementalGroupsPolicy")) is not None and groups not in ("Merge", "Strict"):
        causes.append(not_supported(f"{path}.supplementalGroupsPolicy", groups, ("Merge", "Strict")))
    if (selinux := context.get("seLinuxChangePolicy")) is not None and selinux not in ("MountOption", "Recursive"):
        causes.append(not_supported(f"{path}.seLinuxChangePolicy", selinux, ("MountOption", "Recursive")))
    return causes


_IPC_SYSCTLS = frozenset({"kernel.sem", "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
                          "kernel.shm", "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.msg"})


def _sysctl_namespace(name: str) -> str:
    """sysctl.GetNamespace's Net and IPC: the name with `/` separators read as dots, up to a `*`."""
    first = next((c for c in name if c in "./"), "")
    if first == "/":
        name = name.translate(str.maketrans("./", "/."))
    name = name.split("*")[0]
    if name in _IPC_SYSCTLS or name.startswith("fs.mqueue."):
        return "IPC"
    return "Net" if name.startswith("net.") else ""


def seccomp_profile(profile: Any, path: str) -> list[Cause]:
    """validateSeccompProfileField: a known type; a local profile's relative path only with Localhost."""
    if not isinstance(profile, dict):
        return []
    kind, local = profile.get("type") or "", profile.get("localhostProfile")
    causes = [required(f"{path}.type", "type is required when seccompProfile is set")] if not kind else \
        [] if kind in _SECCOMP else [not_supported(f"{path}.type", kind, _SECCOMP)]
    if kind == "Localhost":
        if local is None:
            causes.append(required(f"{path}.localhostProfile", "must be set when seccomp type is Localhost"))
        else:
            causes += volumesources.descending(str(local), f"{path}.localhostProfile")
    elif local is not None:
        causes.append(invalid(f"{path}.localhostProfile", as_internal("SeccompProfile", profile),
                              "can only be set when seccomp type is Localhost"))
    return causes


def app_armor_profile(profile: Any, path: str) -> list[Cause]:
    """ValidateAppArmorProfileField: a known type; a local profile only, and unpadded, with Localhost."""
    if not isinstance(profile, dict):
        return []
    kind, local = profile.get("type") or "", profile.get("localhostProfile")
    if kind == "Localhost":
        if local is None or (not str(local).strip() and str(local) == str(local).strip()):
            return [required(f"{path}.localhostProfile", "must be set when AppArmor type is Localhost")]
        causes = [invalid(f"{path}.localhostProfile", local, "must not be padded with whitespace")] \
            if str(local).strip() != local else []
        return causes + ([too_long(f"{path}.localhostProfile", 4095)] if len(str(local)) > 4095 else [])
    if kind in ("RuntimeDefault", "Unconfined"):
        return [invalid(f"{path}.localhostProfile", local, "can only be set when AppArmor type is Localhost")] \
            if local is not None else []
    if not kind:
        return [required(f"{path}.type", "type is required when appArmorProfile is set")]
    return [not_supported(f"{path}.type", kind, ("Localhost", "RuntimeDefault", "Unconfined"))]


def _dns_config(spec: Obj, path: str) -> list[Cause]:
    """validatePodDNSConfig: what the None policy needs, at most 3 name servers (IPs), 32 search domains of
    2048 characters, named options."""
    config = spec.get("dnsConfig")
    if spec.get("dnsPolicy") == "None":
        if not isinstance(config, dict):
            return [required(path, "must provide `dnsConfig` when `dnsPolicy` is None")]
        if not config.get("nameservers"):
            return [required(f"{path}.nameservers", "must provide at least one DNS nameserver when `dnsPolicy` is "
                                                    "None")]
    if not isinstance(config, dict):
        return []
    causes: list[Cause] = []
    servers = [str(s) for s in config.get("nameservers") or []]
    if len(servers) > _MAX_NAMESERVERS:
        causes.append(invalid(f"{path}.nameservers", servers, f"must not have more than {_MAX_NAMESERVERS} "
                                                              "nameservers"))
    for i, server in enumerate(servers):
        causes += ipvalidation.legacy_ip(f"{path}.nameservers[{i}]", server, [])
    searches = [str(s) for s in config.get("searches") or []]
    if len(searches) > _MAX_SEARCHES:
        causes.append(invalid(f"{path}.searches", searches, f"must not have more than {_MAX_SEARCHES} search paths"))
    if len(" ".join(searches)) > _MAX_SEARCH_CHARS:
        causes.append(invalid(f"{path}.searches", searches, f"must not have more than {_MAX_SEARCH_CHARS} characters "
                                                            "(including spaces) in the search list"))
    for i, search in enumerate(searches):
        if search != ".":
            trimmed = search.removesuffix(".")
            causes += invalid_each(f"{path}.searches[{i}]", trimmed, names.subdomain_with_underscore(trimmed))
    causes += [required(f"{path}.options[{i}]", "must not be empty")
               for i, option in enumerate(dicts(config.get("options"))) if not option.get("name")]
    return causes


def _topology_spread(constraints: list[Obj], path: str) -> list[Cause]:
    """validateTopologySpreadConstraints (of its match label keys, what validateLabelKeys checks)."""
    causes: list[Cause] = []
    for i, constraint in enumerate(constraints):
        at = f"{path}[{i}]"
        skew, key, action = constraint.get("maxSkew") or 0, constraint.get("topologyKey") or "", \
            constraint.get("whenUnsatisfiable") or ""
        causes += [invalid(f"{at}.maxSkew", skew, "must be greater than zero")] if skew <= 0 else []
        causes += [required(f"{at}.topologyKey", "can not be empty")] if not key else []
        causes += [not_supported(f"{at}.whenUnsatisfiable", action, _UNSATISFIABLE)] if action not in _UNSATISFIABLE \
            else []
        if any((c.get("topologyKey") or "", c.get("whenUnsatisfiable") or "") == (key, action)
               for c in constraints[i + 1:]):
            causes.append(duplicate(f"{at}.{{topologyKey, whenUnsatisfiable}}", f"{{{key}, {action}}}"))
        if (domains := constraint.get("minDomains")) is not None:
            causes += [invalid(f"{at}.minDomains", domains, "must be greater than zero")] if domains <= 0 else []
            if action != "DoNotSchedule":
                causes.append(invalid(f"{at}.minDomains", domains, f"can only use minDomains if whenUnsatisfiable="
                                                                   f"DoNotSchedule, not {action}"))
        for field in ("nodeAffinityPolicy", "nodeTaintsPolicy"):
            if (policy := constraint.get(field)) is not None and policy not in _INCLUSION:
                causes.append(not_supported(f"{at}.{field}", policy, _INCLUSION))
        selector = constraint.get("labelSelector")
        if keys := [str(k) for k in constraint.get("matchLabelKeys") or []]:  # (validateLabelKeys)
            causes += [forbidden(f"{at}.matchLabelKeys", "must not be specified when labelSelector is not set")] \
                if not isinstance(selector, dict) else [c for i, k in enumerate(keys) for c in invalid_each(
                    f"{at}.matchLabelKeys[{i}]", k, names.qualified_name(k))]
            causes += _selected_twice(keys, selector, at)
        if isinstance(selector, dict):
            causes += validation.label_selector(selector, f"{at}.labelSelector")
    return causes
