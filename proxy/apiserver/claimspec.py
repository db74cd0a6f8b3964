"""A PersistentVolumeClaim's spec as ValidatePersistentVolumeClaimSpec judges it: a claim's, a StatefulSet's
claim templates' and a pod's ephemeral volume's."""

from __future__ import annotations

import math
from typing import Any

from . import quantity, validation
from .fielderrors import Cause, forbidden, invalid, invalid_each, key, not_supported, required
from .objects import as_dict
from .quantity import QuantityError
from .resourcelists import amount_causes, fractional_bytes

Obj = dict[str, Any]
BETA_STORAGE_CLASS = "volume.beta.kubernetes.io/storage-class"  # read before a claim's spec.storageClassName
BETA_CLASS_DEPRECATED = 'deprecated since v1.8; use "storageClassName" attribute instead'

ACCESS_MODES = ("ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod")


def pvc_spec(spec: Obj, path: str) -> list[Cause]:
    """ValidatePersistentVolumeClaimSpec: access modes, the storage asked for, the selector, the class name, the
    volume mode, the data source and its reference (the same, but for a reference to another namespace), the
    volume attributes class."""
    modes = [m for m in spec.get("accessModes") or [] if isinstance(m, str)]
    causes = [] if modes else [required(f"{path}.accessModes", "at least 1 access mode is required")]
    if isinstance(spec.get("selector"), dict):
        causes += validation.label_selector(spec["selector"], f"{path}.selector")
    causes += [not_supported(f"{path}.accessModes", m, ACCESS_MODES) for m in modes if m not in ACCESS_MODES]
    if "ReadWriteOncePod" in modes and any(m != "ReadWriteOncePod" and m in ACCESS_MODES for m in modes):
        causes.append(forbidden(f"{path}.accessModes", "may not use ReadWriteOncePod with other access modes"))
    storage = as_dict(as_dict(spec.get("resources")).get("requests")).get("storage")
    at = key(f"{path}.resources", "storage")
    if storage is None:
        causes.append(required(at))
    else:
        try:
            positive = quantity.value(str(storage)) > 0
        except QuantityError:
            positive = True  # not decoded: the 400 came before
        causes += amount_causes("storage", storage, at) if positive else [
            invalid(at, str(storage), "must be greater than zero")]
    if name := spec.get("storageClassName"):
        causes += invalid_each(f"{path}.storageClassName", name, validation.subdomain(name))
    if (mode := spec.get("volumeMode")) is not None and mode not in ("Block", "Filesystem"):
        causes.append(not_supported(f"{path}.volumeMode", mode, ("Block", "Filesystem")))
    source, ref = spec.get("dataSource"), spec.get("dataSourceRef")
    for field, given in (("dataSource", source), ("dataSourceRef", ref)):
        if isinstance(given, dict):
            causes += _data_source(given, f"{path}.{field}")
    if isinstance(ref, dict) and ref.get("namespace"):
        if source is not None:
            causes.append(invalid(path, {}, "may not be specified when dataSourceRef.namespace is specified"))
    elif isinstance(source, dict) and isinstance(ref, dict) and any(
            source.get(k) != ref.get(k) for k in ("apiGroup", "kind", "name")):
        causes.append(invalid(path, {}, "must match dataSourceRef"))  # (the value a *field.Path: `{}` in JSON)
    if name := spec.get("volumeAttributesClassName"):
        causes += invalid_each(f"{path}.volumeAttributesClassName", name, validation.subdomain(str(name)))
    return causes


def _data_source(source: Obj, path: str) -> list[Cause]:
    """validateDataSource and validateDataSourceRef: a name and a kind; a claim's where no group is named, a
    group a DNS subdomain; a reference's namespace a namespace's name."""
    causes = [required(f"{path}.{f}") for f in ("name", "kind") if not source.get(f)]
    group, kind = str(source.get("apiGroup") or ""), source.get("kind") or ""
    if not group and kind != "PersistentVolumeClaim":
        causes.append(invalid(path, kind, "must be 'PersistentVolumeClaim' when referencing the default apiGroup"))
    causes += invalid_each(f"{path}.apiGroup", group, validation.subdomain(group)) if group else []
    if namespace := str(source.get("namespace") or ""):
        causes += invalid_each(f"{path}.namespace", namespace, validation.dns_label(namespace))
    return causes


# ObjectMeta's fields a template may not set, in Go's order, named as validateFieldAllowList names them (the Go
# name lowered at its first letter: `uID`)
_NOT_IN_TEMPLATES = (("name", "name"), ("generateName", "generateName"), ("namespace", "namespace"),
                     ("selfLink", "selfLink"), ("uid", "uID"), ("resourceVersion", "resourceVersion"),
                     ("generation", "generation"), ("creationTimestamp", "creationTimestamp"),
                     ("deletionTimestamp", "deletionTimestamp"),
                     ("deletionGracePeriodSeconds", "deletionGracePeriodSeconds"),
                     ("ownerReferences", "ownerReferences"), ("finalizers", "finalizers"),
                     ("managedFields", "managedFields"))


def template_meta(meta: Any, path: str) -> list[Cause]:
    """ValidateTemplateObjectMeta (a claim template's, a DRA claim template's): annotations and labels, and no
    other field set (an empty list is set, to Go)."""
    meta = as_dict(meta)
    causes = validation.annotation_causes(f"{path}.annotations", meta.get("annotations"))
    causes += validation.labels(f"{path}.labels", meta.get("labels"))
    return causes + [forbidden(f"{path}.{shown}", "cannot be set") for field, shown in _NOT_IN_TEMPLATES
                     if meta.get(field) not in (None, "", 0)]


def claim_template(template: Obj, path: str) -> list[Cause]:
    """ValidatePersistentVolumeClaimTemplate (a pod's ephemeral volume): its metadata a template's, its spec a
    claim's."""
    return template_meta(template.get("metadata"), f"{path}.metadata") + pvc_spec(as_dict(template.get("spec")),
                                                                               f"{path}.spec")


def spec_warnings(spec: Obj, path: str) -> list[str]:
    """GetWarningsForPersistentVolumeClaimSpec: storage asked for or limited in fractions of a byte."""
    resources = as_dict(spec.get("resources"))
    return [w for which in ("requests", "limits")
            for w in fractional_bytes(as_dict(resources.get(which)), "storage", f"{path}.resources.{which}")]


def claim_warnings(obj: Obj, _old: Obj | None = None) -> list[str]:
    """GetWarningsForPersistentVolumeClaim, on every create and update: the beta class annotation, the spec's."""
    annotations = as_dict(as_dict(obj.get("metadata")).get("annotations"))
    out = [f"metadata.annotations[{BETA_STORAGE_CLASS}]: {BETA_CLASS_DEPRECATED}"] \
        if BETA_STORAGE_CLASS in annotations else []
    return out + spec_warnings(as_dict(obj.get("spec")), "spec")


_RESIZE_STATUSES = ("ControllerResizeInProgress", "ControllerResizeInfeasible", "NodeResizeInProgress",
                    "NodeResizeInfeasible", "NodeResizePending")


def claim_status(obj: Obj) -> list[Cause]:
    """ValidatePersistentVolumeClaimStatusUpdate (RecoverVolumeExpansionFailure is GA): the capacity's amounts
    not negative; the resize statuses' resources (a qualified name, storage alone of the native ones) and
    values; the allocated resources' names and amounts (each map in key order, where Go's is random)."""
    status = as_dict(obj.get("status"))
    causes = [c for name, amount in sorted(as_dict(status.get("capacity")).items())
              for c in basic_amount(f"status.capacity[{name}]", amount)]
    for name, state in sorted(as_dict(status.get("allocatedResourceStatuses")).items()):
        causes += _resource_key("status.allocatedResourceStatuses", name)
        if state not in _RESIZE_STATUSES:  # (naming the key, as Go's does)
            causes.append(not_supported("status.allocatedResourceStatuses", name, _RESIZE_STATUSES))
    for name, amount in sorted(as_dict(status.get("allocatedResources")).items()):
        causes += _resource_key("status.allocatedResources", name) or \
            basic_amount(f"status.allocatedResources[{name}]", amount)
    return causes


def _resource_key(path: str, name: str) -> list[Cause]:
    """validatePersistentVolumeClaimResourceKey: a qualified name; of the native resources (no domain, or
    kubernetes.io's), storage alone."""
    if bad := invalid_each(path, name, validation.qualified_name(name)):
        return bad
    if ("/" not in name or "kubernetes.io/" in name) and name != "storage":
        return [not_supported(path, name, ("storage",), plain=True)]
    return []


def basic_amount(path: str, amount: Any) -> list[Cause]:
    """validateBasicResource: an amount's Value() (rounded up) not below zero."""
    number = quantity.parsed(amount)
    if number is not None and math.ceil(number) < 0:
        return [invalid(path, math.ceil(number), "must be a valid resource quantity")]
    return []
