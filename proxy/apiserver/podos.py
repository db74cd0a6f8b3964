"""What a pod's operating system decides (pkg/apis/core/validation): the Windows options a pod or a container
may carry (validateWindowsSecurityContextOptions), HostProcess containers (validateWindowsHostProcessPod), and
what a pod that names its OS may not set for the other one (validateLinux, validateWindows).

Lengths are counted in bytes, as Go's len does. HostProcess containers are allowed, as privileged ones are: the
cluster emulate stands for was started with --allow-privileged."""

from __future__ import annotations

import re
from typing import Any

from ..wire import names
from .fielderrors import Cause, forbidden, invalid, invalid_each, typed
from .objects import as_dict, containers

Obj = dict[str, Any]

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")  # RE2's [[:cntrl:]]
_NETBIOS = re.compile(r'[^\\/:*?"<>|.][^\\/:*?"<>|]{0,14}')
_DNS_LABEL = r"[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
_DNS_DOMAIN = re.compile(rf"{_DNS_LABEL}(?:\.{_DNS_LABEL})*")
_BAD_USER_CHARS = re.compile(r'["/\\:;|=,+*?<>@\[\]]')
_DOTS_SPACES = re.compile(r"[. ]+")
_MAX_CREDENTIAL_SPEC_KIB, _MAX_DOMAIN, _MAX_USER = 64, 256, 104
_NOT_FOR_WINDOWS_POD = ("appArmorProfile", "seLinuxOptions", "seccompProfile", "fsGroup", "fsGroupChangePolicy",
                        "sysctls", "runAsUser", "runAsGroup", "supplementalGroups", "supplementalGroupsPolicy",
                        "seLinuxChangePolicy")
_NOT_FOR_WINDOWS_CONTAINER = ("appArmorProfile", "seLinuxOptions", "seccompProfile", "capabilities",
                              "readOnlyRootFilesystem", "privileged", "allowPrivilegeEscalation", "procMount",
                              "runAsUser", "runAsGroup")


def windows_options(options: Any, path: str) -> list[Cause]:
    """A credential spec's name is a custom resource's (a DNS subdomain), the spec itself neither empty nor over
    64 KiB; a user name is `[DOMAIN\\]USER` within Windows' naming rules. (Each a *string: its bad value Typed.)"""
    if not isinstance(options, dict):
        return []
    causes: list[Cause] = []
    if (name := options.get("gmsaCredentialSpecName")) is not None:
        causes += invalid_each(f"{path}.gmsaCredentialSpecName", typed(name), names.subdomain(str(name)))
    if (spec := options.get("gmsaCredentialSpec")) is not None:
        size = len(str(spec).encode())
        if not size:
            causes.append(invalid(f"{path}.gmsaCredentialSpec", typed(spec),
                                  "gmsaCredentialSpec cannot be an empty string"))
        elif size > _MAX_CREDENTIAL_SPEC_KIB * 1024:
            causes.append(invalid(f"{path}.gmsaCredentialSpec", typed(spec),
                                  f"gmsaCredentialSpec size must be under {_MAX_CREDENTIAL_SPEC_KIB} KiB"))
    if (user := options.get("runAsUserName")) is not None:
        causes += invalid_each(f"{path}.runAsUserName", typed(user), _user_name(str(user)))
    return causes


def _user_name(name: str) -> list[str]:
    if not name:
        return ["runAsUserName cannot be an empty string"]
    if _CONTROL.search(name):
        return ["runAsUserName cannot contain control characters"]
    parts = name.split("\\")
    if len(parts) > 2:
        return ["runAsUserName cannot contain more than one backslash"]
    domain, user = (parts[0], parts[1]) if len(parts) == 2 else ("", parts[0])
    errs = [f"runAsUserName's Domain length must be under {_MAX_DOMAIN} characters"] \
        if len(domain.encode()) >= _MAX_DOMAIN else []
    if len(parts) == 2 and not (_NETBIOS.fullmatch(domain) or _DNS_DOMAIN.fullmatch(domain)):
        errs.append("runAsUserName's Domain doesn't match the NetBios nor the DNS format")
    if not user:
        errs.append("runAsUserName's User cannot be empty")
    elif len(user.encode()) > _MAX_USER:
        errs.append(f"runAsUserName's User length must not be longer than {_MAX_USER} characters")
    if _DOTS_SPACES.fullmatch(user):
        errs.append("runAsUserName's User cannot contain only periods or spaces")
    if _BAD_USER_CHARS.search(user):
        errs.append("runAsUserName's User cannot contain the following characters: \"/\\:;|=,+*?<>@[]")
    return errs


def _host_process(context: Any) -> Any:
    return as_dict(as_dict(context).get("windowsOptions")).get("hostProcess")


def host_process(spec: Obj, path: str) -> list[Cause]:
    """A container's HostProcess setting agrees with its pod's; one HostProcess container makes them all so, and
    the pod must use the host's network."""
    pod_setting = _host_process(spec.get("securityContext"))
    causes: list[Cause] = []
    count = host_count = 0
    for ctr, at in containers(spec, path):
        count += 1
        setting = _host_process(ctr.get("securityContext"))
        if isinstance(pod_setting, bool) and isinstance(setting, bool) and setting != pod_setting:
            causes.append(invalid(f"{at}.securityContext.windowsOptions.hostProcess", setting,
                                  f"pod hostProcess value must be identical if both are specified, was "
                                  f"{str(pod_setting).lower()}"))
        host_count += setting is True or (setting is None and pod_setting is True)
    if host_count:
        if host_count != count:
            causes.append(invalid(path, "", "If pod contains any hostProcess containers then all containers must be "
                                            "HostProcess containers"))
        if spec.get("hostNetwork") is not True:
            causes.append(invalid(f"{path}.hostNetwork", False,
                                  "hostNetwork must be true if pod contains any hostProcess containers"))
    return causes


def os_fields(spec: Obj, os_name: str, path: str) -> list[Cause]:
    """What a pod that names its OS may not set: a Linux pod no Windows options, a Windows pod none of the Linux
    security settings, host namespaces or user namespaces. A field counts as set when it is there, as Go's nil
    checks decide (an empty list a body sent is not there any more: a write is validated after its round trip
    through the Go types, which leaves it out, where Go validates before encoding)."""
    context = as_dict(spec.get("securityContext"))
    causes: list[Cause] = []
    if os_name == "linux":
        if context.get("windowsOptions") is not None:
            causes.append(forbidden(f"{path}.securityContext.windowsOptions", "windows options cannot be set for a "
                                                                              "linux pod"))
        for ctr, at in containers(spec, path):
            if as_dict(ctr.get("securityContext")).get("windowsOptions") is not None:
                causes.append(forbidden(f"{at}.securityContext.windowsOptions", "windows options cannot be set for "
                                                                                "a linux pod"))
        return causes
    if os_name != "windows":
        return causes
    not_windows = "cannot be set for a windows pod"
    causes += [forbidden(f"{path}.securityContext.{f}", not_windows) for f in _NOT_FOR_WINDOWS_POD
               if context.get(f) is not None and (f != "sysctls" or context[f])]
    causes += [forbidden(f"{path}.hostUsers", not_windows)] if spec.get("hostUsers") is not None else []
    causes += [forbidden(f"{path}.{f}", not_windows) for f in ("hostPID", "hostIPC") if spec.get(f) is True]
    if spec.get("shareProcessNamespace") is not None:
        causes.append(forbidden(f"{path}.shareProcessNamespace", not_windows))
    for ctr, at in containers(spec, path):
        ctr_context = as_dict(ctr.get("securityContext"))
        causes += [forbidden(f"{at}.securityContext.{f}", not_windows) for f in _NOT_FOR_WINDOWS_CONTAINER
                   if ctr_context.get(f) is not None]
    return causes
