"""validateContainerCommon's checks of a container's fields beyond its name, image and ports
(pkg/apis/core/validation), for pods and every template: its environment (each variable's name and source,
each envFrom's prefix and source, the files it reads), its volume devices, its resources' names and claims, its
resize policy and its security context, its volume mounts; and a container's restart policy (validateContainers;
its lifecycle hooks and probes: podvalidation).

Not modelled: a device path's conflicts with the mounts."""

from __future__ import annotations

from typing import Any

from ..wire import names
from . import fieldselectors, podos
from .fielderrors import (
    Cause,
    duplicate,
    forbidden,
    invalid,
    invalid_each,
    not_found,
    not_supported,
    required,
    too_many,
    typed,
)
from .internal import as_internal
from .objects import as_dict, containers, dicts
from .podspecfields import app_armor_profile, ids, seccomp_profile
from .volumesources import backsteps, descending

Obj = dict[str, Any]

_PROPAGATIONS = ("Bidirectional", "HostToContainer", "None")
_VALUE_SOURCES = ("fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef", "fileKeyRef")


def env(ctr: Obj, path: str) -> list[Cause]:
    """ValidateEnv (each variable's name, then where its value comes from) and ValidateEnvFrom."""
    causes: list[Cause] = []
    for i, var in enumerate(dicts(ctr.get("env"))):
        at, name = f"{path}.env[{i}]", str(var.get("name") or "")
        causes += invalid_each(f"{at}.name", name, env_name(name)) if name else [required(f"{at}.name")]
        if isinstance(source := var.get("valueFrom"), dict):
            causes += _value_from(source, bool(var.get("value")), f"{at}.valueFrom")
    for i, source in enumerate(dicts(ctr.get("envFrom"))):
        at, given = f"{path}.envFrom[{i}]", 0
        if prefix := str(source.get("prefix") or ""):
            causes += invalid_each(f"{at}.prefix", prefix, env_name(prefix))
        for ref in ("configMapRef", "secretRef"):
            if isinstance(named := source.get(ref), dict):
                given += 1
                name = str(named.get("name") or "")
                causes += invalid_each(f"{at}.{ref}.name", name, names.subdomain(_masked(name))) if name else [
                    required(f"{at}.{ref}.name")]
        if given != 1:
            why = "must specify one of: `configMapRef` or `secretRef`" if not given else \
                "may not have more than one field specified at a time"
            causes.append(invalid(f"{path}.envFrom", "", why))
    return causes


def env_name(name: str) -> list[str]:
    """IsRelaxedEnvVarName (the relaxed rules are the only ones in 1.37): printable ASCII but `=`."""
    return [] if all(" " <= c <= "~" and c != "=" for c in name) else [
        "a valid environment variable name must consist only of printable ASCII characters other than '='"]


def _masked(name: str) -> str:
    """A name used as a prefix may end with a dash (maskTrailingDash)."""
    return name[:-1] + "a" if len(name) > 1 and name.endswith("-") else name


def _value_from(source: Obj, valued: bool, path: str) -> list[Cause]:
    causes: list[Cause] = []
    given = [f for f in _VALUE_SOURCES if isinstance(source.get(f), dict)]
    if "fieldRef" in given:
        causes += fieldselectors.object_field(source["fieldRef"], fieldselectors.ENV_FIELDS, f"{path}.fieldRef")
    if "resourceFieldRef" in given:
        causes += fieldselectors.resource_field(source["resourceFieldRef"], False, f"{path}.resourceFieldRef")
    for ref in ("configMapKeyRef", "secretKeyRef"):
        if ref in given:
            selector = source[ref]
            name, key = str(selector.get("name") or ""), str(selector.get("key") or "")
            causes += invalid_each(f"{path}.{ref}.name", name, names.subdomain(name))
            causes += invalid_each(f"{path}.{ref}.key", key, names.config_key(key)) if key else [
                required(f"{path}.{ref}.key")]
    if "fileKeyRef" in given:
        causes += _file_key(source["fileKeyRef"], f"{path}.fileKeyRef")
    if not given:
        causes.append(invalid(path, "", "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef`, "
                                        "`secretKeyRef` or `fileKeyRef`"))
    elif valued:
        causes.append(invalid(path, "", "may not be specified when `value` is not empty"))
    elif len(given) > 1:
        causes.append(invalid(path, "", "may not have more than one field specified at a time"))
    return causes


def _file_key(selector: Obj, path: str) -> list[Cause]:
    """validateFileKeySelector: a key that is a variable's name, a volume's name, a path without backsteps."""
    key, volume, where = (str(selector.get(f) or "") for f in ("key", "volumeName", "path"))
    causes = invalid_each(f"{path}.key", key, env_name(key)) if key else [required(f"{path}.key")]
    causes += invalid_each(f"{path}.volumeName", volume, names.dns_label(volume)) if volume else [
        required(f"{path}.volumeName")]
    return causes + (backsteps(where, f"{path}.path") if where else [required(f"{path}.path")])


def file_key_volumes(spec: Obj, path: str) -> list[Cause]:
    """validateFileKeyRefVolumes: a variable read from a file names a volume of the pod, an emptyDir."""
    volumes = {str(v.get("name") or ""): v for v in dicts(spec.get("volumes"))}
    causes: list[Cause] = []
    for ctr, ctr_at in containers(spec, path):
        for j, var in enumerate(dicts(ctr.get("env"))):
            if not isinstance(ref := as_dict(var.get("valueFrom")).get("fileKeyRef"), dict):
                continue
            at, name = f"{ctr_at}.env[{j}].valueFrom.fileKeyRef.volumeName", str(ref.get("volumeName") or "")
            if name not in volumes:
                causes.append(not_found(at, name))
            elif not isinstance(volumes[name].get("emptyDir"), dict):
                causes.append(invalid(at, name, "referenced volume must be of type emptyDir"))
    return causes


def volume_mounts(ctr: Obj, volumes: dict[str, Obj], path: str) -> list[Cause]:
    """ValidateVolumeMounts: a volume's name, a unique mount path, neither a device's; sub-paths that descend;
    a known propagation (Bidirectional only privileged); a recursive read-only mount only read-only."""
    causes: list[Cause] = []
    seen: set[str] = set()
    devices = {str(d.get("name") or ""): str(d.get("devicePath") or "") for d in dicts(ctr.get("volumeDevices"))}
    privileged = as_dict(ctr.get("securityContext")).get("privileged") is True
    for i, mount in enumerate(dicts(ctr.get("volumeMounts"))):
        at, name, where = f"{path}[{i}]", str(mount.get("name") or ""), str(mount.get("mountPath") or "")
        causes += [] if name else [required(f"{at}.name")]
        causes += [] if name in volumes else [not_found(f"{at}.name", name)]
        causes += [] if where else [required(f"{at}.mountPath")]
        causes += [invalid(f"{at}.mountPath", where, "must be unique")] if where in seen else []
        seen.add(where)
        if name in devices:
            causes.append(invalid(f"{at}.name", name, "must not already exist in volumeDevices"))
        if where in devices.values():
            causes.append(invalid(f"{at}.mountPath", where, "must not already exist as a path in volumeDevices"))
        if sub := str(mount.get("subPath") or ""):  # (the paths of these three name no index)
            causes += descending(sub, f"{path}.subPath")
        if expr := str(mount.get("subPathExpr") or ""):
            if sub:
                causes.append(invalid(f"{at}.subPathExpr", expr, "subPathExpr and subPath are mutually exclusive"))
            causes += descending(expr, f"{path}.subPathExpr")
        propagation = mount.get("mountPropagation")
        if propagation is not None:
            if propagation not in _PROPAGATIONS:
                causes.append(not_supported(f"{path}.mountPropagation", propagation, _PROPAGATIONS))
            if propagation == "Bidirectional" and not privileged:
                causes.append(forbidden(f"{path}.mountPropagation", "Bidirectional mount propagation is available "
                                                                    "only to privileged containers"))
        if (recursive := mount.get("recursiveReadOnly")) is not None and recursive != "Disabled":
            at_rro = f"{path}.recursiveReadOnly"
            if recursive not in ("Enabled", "IfPossible"):
                causes.append(not_supported(at_rro, recursive, ("Disabled", "Enabled", "IfPossible")))
            else:
                causes += [] if mount.get("readOnly") is True else [
                    forbidden(at_rro, "may only be specified when readOnly is true")]
                if propagation not in (None, "None"):
                    causes.append(forbidden(at_rro, "may only be specified when mountPropagation is None or not "
                                                    "specified"))
    return causes


def volume_devices(ctr: Obj, volumes: dict[str, Obj], path: str) -> list[Cause]:
    """ValidateVolumeDevices: a claim's (or an ephemeral) volume, each name and path once, no backsteps, neither a
    mount's."""
    causes: list[Cause] = []
    seen_names: set[str] = set()
    seen_paths: set[str] = set()
    mounts = {str(m.get("name") or ""): str(m.get("mountPath") or "") for m in dicts(ctr.get("volumeMounts"))}
    for i, device in enumerate(dicts(ctr.get("volumeDevices"))):
        at, name, where = f"{path}[{i}]", str(device.get("name") or ""), str(device.get("devicePath") or "")
        causes += [] if name else [required(f"{at}.name")]
        causes += [invalid(f"{at}.name", name, "must be unique")] if name in seen_names else []
        if name in volumes and not any(k in volumes[name] for k in ("persistentVolumeClaim", "ephemeral")):
            causes.append(invalid(f"{at}.name", name, "can only use volume source type of PersistentVolumeClaim or "
                                                      "Ephemeral for block mode"))
        causes += [] if name in volumes else [not_found(f"{at}.name", name)]
        causes += [] if where else [required(f"{at}.devicePath")]
        causes += [invalid(f"{at}.devicePath", where, "must be unique")] if where in seen_paths else []
        if where and ".." in where.replace("\\", "/").split("/"):
            causes.append(invalid(f"{at}.devicePath", where, "can not contain backsteps ('..')"))
        else:
            seen_paths.add(where)
        if name in mounts:
            causes.append(invalid(f"{at}.name", name, "must not already exist in volumeMounts"))
        if where in mounts.values():
            causes.append(invalid(f"{at}.devicePath", where, "must not already exist as a path in volumeMounts"))
        if name:
            seen_names.add(name)
    return causes


def resize_policy(ctr: Obj, pod_restart: str, path: str) -> list[Cause]:
    """validateResizePolicy: cpu or memory once each, a known restart policy (NotRequired in a pod that never
    restarts)."""
    causes: list[Cause] = []
    seen: set[str] = set()
    for i, policy in enumerate(dicts(ctr.get("resizePolicy"))):
        resource, restart = str(policy.get("resourceName") or ""), str(policy.get("restartPolicy") or "")
        causes += [duplicate(f"{path}[{i}]", typed(resource))] if resource in seen else []
        seen.add(resource)
        if not resource:
            causes.append(required(path))
        elif resource not in ("cpu", "memory"):
            causes.append(not_supported(path, resource, ("cpu", "memory")))
        if not restart:
            causes.append(required(path))
        elif restart not in ("NotRequired", "RestartContainer"):
            causes.append(not_supported(path, restart, ("NotRequired", "RestartContainer")))
        if pod_restart == "Never" and restart != "NotRequired":
            causes.append(invalid(path, typed(restart), "must be 'NotRequired' when pod `restartPolicy` is 'Never'"))
    return causes


def security_context(ctr: Obj, path: str, host_users: bool) -> list[Cause]:
    """ValidateSecurityContext (privileged containers allowed, as a cluster started with --allow-privileged;
    `host_users`: the pod's `hostUsers` is not false)."""
    if not isinstance(context := ctr.get("securityContext"), dict):
        return []
    causes = ids({f: context.get(f) for f in ("runAsUser", "runAsGroup")}, path)
    if (mount := context.get("procMount")) is not None:
        if mount not in ("Default", "Unmasked"):
            causes.append(not_supported(f"{path}.procMount", mount, ("Default", "Unmasked")))
        elif mount == "Unmasked" and host_users:
            causes.append(invalid(f"{path}.procMount", mount, "`hostUsers` must be false to use `Unmasked`"))
    causes += seccomp_profile(context.get("seccompProfile"), f"{path}.seccompProfile")
    if context.get("allowPrivilegeEscalation") is False and context.get("privileged") is True:
        causes.append(invalid(path, as_internal("SecurityContext", context),
                              "cannot set `allowPrivilegeEscalation` to false and `privileged` to true"))
    added = as_dict(context.get("capabilities")).get("add") or []  # (an update keeps an unchanged one: spec_causes)
    if context.get("allowPrivilegeEscalation") is False and "CAP_SYS_ADMIN" in added:
        causes.append(invalid(path, as_internal("SecurityContext", context),
                              "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN"))
    causes += podos.windows_options(context.get("windowsOptions"), f"{path}.windowsOptions")
    return causes + app_armor_profile(context.get("appArmorProfile"), f"{path}.appArmorProfile")


def restart_policy(ctr: Obj, path: str, init: bool = False) -> list[Cause]:
    """validateContainerRestartPolicy (an init container's as well): a known policy, which rules need; each rule a
    known action on exit codes. An init container's rules without a policy are not looked at
    (validateInitContainerRestartPolicy returns first)."""
    policy, rules = ctr.get("restartPolicy"), dicts(ctr.get("restartPolicyRules"))
    causes: list[Cause] = []
    if policy is None:
        if not rules:
            return []
        causes.append(required(f"{path}.restartPolicy", "must specify restartPolicy when restart rules are used"))
        if init:
            return causes
    elif policy not in ("Always", "Never", "OnFailure"):
        causes.append(not_supported(f"{path}.restartPolicy", policy, ("Always", "Never", "OnFailure")))
    causes += [too_many(f"{path}.restartPolicyRules", len(rules), 20)] if len(rules) > 20 else []
    for i, rule in enumerate(rules):
        at, action = f"{path}.restartPolicyRules[{i}]", rule.get("action") or ""
        if action not in ("Restart", "RestartAllContainers"):
            causes.append(not_supported(f"{at}.action", action, ("Restart", "RestartAllContainers")))
        if not isinstance(codes := rule.get("exitCodes"), dict):
            causes.append(required(f"{at}.exitCodes", "must be specified"))
            continue
        if (operator := codes.get("operator") or "") not in ("In", "NotIn"):
            causes.append(not_supported(f"{at}.exitCodes.operator", operator, ("In", "NotIn")))
        values = codes.get("values") or []
        causes += [too_many(f"{at}.exitCodes.values", len(values), 255)] if len(values) > 255 else []
    return causes
