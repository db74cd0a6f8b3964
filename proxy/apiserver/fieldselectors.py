"""The downward API's references as pkg/apis/core/validation judges them: a field of the pod
(validateObjectFieldSelector, the path converted first as ConvertDownwardAPIFieldLabel converts it) and a
container's resource (validateContainerResourceFieldSelector and its divisor), for environment variables and
downward API volume files, which allow different fields."""

from __future__ import annotations

from typing import Any

from ..wire import names
from .fielderrors import Cause, invalid, invalid_each, not_supported, required
from .quantity import Amount

Obj = dict[str, Any]

# the labels ConvertDownwardAPIFieldLabel knows (spec.host is converted to spec.nodeName)
_CONVERTIBLE = frozenset({
    "metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace", "metadata.uid",
    "spec.nodeName", "spec.restartPolicy", "spec.serviceAccountName", "spec.schedulerName", "status.phase",
    "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"})
ENV_FIELDS = ("metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName",
              "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs")
VOLUME_FIELDS = ("metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace", "metadata.uid")
_RESOURCES = ("limits.cpu", "limits.ephemeral-storage", "limits.memory", "requests.cpu",
              "requests.ephemeral-storage", "requests.memory")
_HUGE_PAGES = ("limits.hugepages-", "requests.hugepages-")
_BYTE_DIVISORS = ("1", "1k", "1M", "1G", "1T", "1P", "1E", "1Ki", "1Mi", "1Gi", "1Ti", "1Pi", "1Ei")
_BYTES_LISTED = f"only divisor's values {', '.join(_BYTE_DIVISORS)} are supported"


def _subscripted(field_path: str) -> tuple[str, str] | None:
    """fieldpath.SplitMaybeSubscriptedPath: `metadata.labels['key']` as its path and key."""
    if not field_path.endswith("']"):
        return None
    path, found, subscript = field_path[:-2].partition("['")
    return (path, subscript) if found and path else None


def object_field(selector: Obj, allowed: tuple[str, ...], path: str) -> list[Cause]:
    """A pod field a reference may name: a version (v1) and a path the conversion knows, a label's or an
    annotation's key a qualified name, else one of `allowed`."""
    version, field_path = str(selector.get("apiVersion") or ""), str(selector.get("fieldPath") or "")
    if not version:
        return [required(f"{path}.apiVersion")]
    if not field_path:
        return [required(f"{path}.fieldPath")]
    split = _subscripted(field_path)
    if version != "v1":
        error = f"unsupported pod version: {version}"
    elif split is not None and split[0] not in ("metadata.annotations", "metadata.labels"):
        error = f"field label does not support subscript: {field_path}"
    elif split is None and field_path not in _CONVERTIBLE and field_path != "spec.host":
        error = f"field label not supported: {field_path}"
    else:
        error = ""
    if error:
        return [invalid(f"{path}.fieldPath", field_path, f"error converting fieldPath: {error}")]
    if split is not None:
        key = split[1].lower() if split[0] == "metadata.annotations" else split[1]
        return invalid_each(path, key, names.qualified_name(key))
    converted = "spec.nodeName" if field_path == "spec.host" else field_path
    return [] if converted in allowed else [not_supported(f"{path}.fieldPath", converted, allowed, plain=True)]


def resource_field(selector: Obj, volume: bool, path: str) -> list[Cause]:
    """A container's resource a reference may name (a volume file's names its container): one of the known
    requests and limits or huge pages, with a divisor that resource supports."""
    resource = str(selector.get("resource") or "")
    causes: list[Cause] = []
    if volume and not selector.get("containerName"):
        causes.append(required(f"{path}.containerName"))
    elif not resource:
        causes.append(required(f"{path}.resource"))
    elif resource not in _RESOURCES and not resource.startswith(_HUGE_PAGES):
        causes.append(not_supported(f"{path}.resource", resource, _RESOURCES, plain=True))
    divisor = Amount.of(selector.get("divisor")) if selector.get("divisor") is not None else None
    if divisor is None or divisor.value == 0:
        return causes
    shown = str(divisor)
    if resource in ("limits.cpu", "requests.cpu") and shown not in ("1m", "1"):
        causes.append(invalid(f"{path}.divisor", resource,
                              "only divisor's values 1m and 1 are supported with the cpu resource"))
    for kinds, what in ((("limits.memory", "requests.memory"), "memory"),
                        (("limits.ephemeral-storage", "requests.ephemeral-storage"), "local ephemeral storage")):
        if resource in kinds and shown not in _BYTE_DIVISORS:
            causes.append(invalid(f"{path}.divisor", resource, f"{_BYTES_LISTED} with the {what} resource"))
    if resource.startswith(_HUGE_PAGES) and shown not in _BYTE_DIVISORS:
        causes.append(invalid(f"{path}.divisor", resource, f"{_BYTES_LISTED} with the hugepages resource"))
    return causes
