"""The apiserver's validation of persistent volumes, which a storage operator writes: access modes, capacity,
one volume source and its fields, the class and mode, the source immutable; and what a write of one is warned
of. Ported from k8s.io/kubernetes pkg/apis/core/validation (ValidatePersistentVolume and its update),
pkg/volume/validation (the mount options annotation) and pkg/api/persistentvolume (the warnings), in their
order.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from typing import Any

from ..wire import names
from . import podspecfields, quantity, volumesources
from .claimspec import ACCESS_MODES, BETA_CLASS_DEPRECATED, BETA_STORAGE_CLASS, basic_amount
from .fielderrors import (
    Cause,
    duplicate,
    forbidden,
    invalid,
    invalid_each,
    not_supported,
    required,
    too_long_characters,
    typed,
)
from .internal import as_internal, go_diff, semantic
from .podvalidation import as_dict, dicts
from .volumesources import csi_driver_name as csi_driver_name

Obj = dict[str, Any]
_IMMUTABLE = "field is immutable"

# a persistent volume's sources, in the order ValidatePersistentVolumeSpec looks at them, each with the name its
# "more than 1 volume type" refusal gives it (cephfs is named cephFS there); a flex volume is never refused so
_PV_SOURCES = (("hostPath", "hostPath"), ("gcePersistentDisk", "gcePersistentDisk"),
               ("awsElasticBlockStore", "awsElasticBlockStore"), ("glusterfs", "glusterfs"), ("flocker", "flocker"),
               ("nfs", "nfs"), ("rbd", "rbd"), ("quobyte", "quobyte"), ("cephfs", "cephFS"), ("iscsi", "iscsi"),
               ("cinder", "cinder"), ("fc", "fc"), ("flexVolume", ""), ("azureFile", "azureFile"),
               ("vsphereVolume", "vsphereVolume"), ("photonPersistentDisk", "photonPersistentDisk"),
               ("portworxVolume", "portworxVolume"), ("azureDisk", "azureDisk"), ("scaleIO", "scaleIO"),
               ("local", "local"), ("storageos", "storageos"), ("csi", "csi"))
_MOUNT_OPTIONS = "volume.beta.kubernetes.io/mount-options"
_MOUNTS_WITH_OPTIONS = ("gcePersistentDisk", "awsElasticBlockStore", "glusterfs", "nfs", "rbd", "quobyte", "iscsi",
                        "cinder", "cephfs", "azureFile", "vsphereVolume", "azureDisk", "photonPersistentDisk")


def _pv_source(key: str, source: Obj, at: str, name: str) -> list[Cause]:
    """A source's checks: a host path's and a local volume's path, NFS, CSI (a persistent volume's own), the
    rest as a pod volume's (volumesources)."""
    if key in ("hostPath", "local"):
        where = str(source.get("path") or "")
        if not where:
            return [required(f"{at}.path")]
        causes = volumesources.backsteps(where, f"{at}.path")
        kind = source.get("type")
        if key == "hostPath" and kind is not None and kind not in volumesources.HOST_PATH_TYPES:
            causes.append(not_supported(f"{at}.type", kind, volumesources.HOST_PATH_TYPES))
        return causes
    if key == "nfs":
        causes = [required(f"{at}.{f}") for f in ("server", "path") if not source.get(f)]
        if not str(source.get("path") or "").startswith("/"):
            causes.append(invalid(f"{at}.path", source.get("path") or "", "must be an absolute path"))
        return causes
    if key == "glusterfs" and (namespace := source.get("endpointsNamespace")) is not None:
        causes = volumesources.source_causes(key, source, at)
        why = "if the endpointnamespace is set, it must be a valid namespace name"
        return causes + (invalid_each(f"{at}.endpointsNamespace", namespace, names.dns_label(str(namespace)))
                         if namespace else [invalid(f"{at}.endpointsNamespace", namespace, why)])
    if key == "iscsi":
        return _iscsi(source, at, name)
    if key in _PV_OWN:
        return _PV_OWN[key](source, at)
    if key != "csi":
        return volumesources.source_causes(key, source, at)
    causes = csi_driver_name(f"{at}.driver", str(source.get("driver") or ""))
    causes += [] if source.get("volumeHandle") else [required(f"{at}.volumeHandle")]
    for ref in ("controllerPublishSecretRef", "controllerExpandSecretRef", "nodePublishSecretRef",
                "nodeExpandSecretRef"):
        if isinstance(secret := source.get(ref), dict):
            causes += _secret_reference(secret, f"{at}.{ref}")
    return causes


def _secret_reference(secret: Obj, path: str) -> list[Cause]:
    """validatePVSecretReference: a name (a DNS subdomain) and a namespace (a DNS label)."""
    causes: list[Cause] = []
    for field, rule in (("name", names.subdomain), ("namespace", names.dns_label)):
        value = str(secret.get(field) or "")
        causes += invalid_each(f"{path}.{field}", value, rule(value)) if value else [required(f"{path}.{field}")]
    return causes


def _iscsi(source: Obj, at: str, name: str) -> list[Cause]:
    """validateISCSIPersistentVolumeSource: a pod's iSCSI checks, worded apart ("must be valid format" for any
    name, the volume's name and portal at most 64 characters where an initiator is named, at `targetportal`),
    and a secret named where one is referred to."""
    causes = [] if source.get("targetPortal") else [required(f"{at}.targetPortal")]
    portal = str(source.get("targetPortal") or "")
    if source.get("initiatorName") is not None and len(f"{name}:{portal}") > 64:
        causes.append(invalid(f"{at}.targetportal", portal, "Total length of <volume name>:<iscsi.targetPortal> must "
                                                            "be under 64 characters if iscsi.initiatorName is "
                                                            "specified."))
    causes += [] if source.get("iqn") else [required(f"{at}.iqn")]
    causes += volumesources.iscsi_name_causes(str(source.get("iqn") or ""), f"{at}.iqn", pv=True) \
        if source.get("iqn") else []
    causes += volumesources.iscsi_source_causes(source, at)
    if isinstance(source.get("secretRef"), dict) and not source["secretRef"].get("name"):
        causes.append(required(f"{at}.secretRef.name"))
    if (initiator := source.get("initiatorName")) is not None:
        causes += volumesources.iscsi_name_causes(str(initiator), f"{at}.initiatorname", pv=True)
    return causes


def _pv_secret_ref(source: Obj, at: str) -> list[Cause]:
    """A persistent Cinder's or StorageOS's secret reference: a name and a namespace, both required (not checked
    further)."""
    secret = source.get("secretRef")
    return [required(f"{at}.secretRef.{f}") for f in ("name", "namespace") if not secret.get(f)] \
        if isinstance(secret, dict) else []


def _cinder(source: Obj, at: str) -> list[Cause]:
    return ([] if source.get("volumeID") else [required(f"{at}.volumeID")]) + _pv_secret_ref(source, at)


def _storageos(source: Obj, at: str) -> list[Cause]:
    return volumesources.storageos_names(source, at) + _pv_secret_ref(source, at)


def _azure_file(source: Obj, at: str) -> list[Cause]:
    """validateAzureFilePV: a secret and a share, a secret namespace not empty where given."""
    causes = [required(f"{at}.{f}") for f in ("secretName", "shareName") if not source.get(f)]
    return causes + ([required(f"{at}.secretNamespace")] if source.get("secretNamespace") == "" else [])


_PV_OWN: dict[str, Callable[[Obj, str], list[Cause]]] = {
    "cinder": _cinder, "storageos": _storageos,
    "azureFile": _azure_file}


def declared_driver_name(path: str, driver: str) -> list[Cause]:
    """Declarative validation's driver name (a CSI attacher's, a DRA configuration's): a DNS subdomain of any
    case, at most 63 characters."""
    causes = invalid_each(path, driver, names.subdomain_caseless(driver))
    return causes + ([too_long_characters(path, 63)] if len(driver) > 63 else [])


def csi_node(obj: Obj) -> list[Cause]:
    """validateCSINodeDrivers: each driver's name (once), node ID (at most 256 characters), volume count and
    topology keys (qualified names, once, reported at the driver)."""
    causes: list[Cause] = []
    seen: set[str] = set()
    for i, driver in enumerate(dicts(as_dict(obj.get("spec")).get("drivers"))):
        at, name, node_id = f"spec.drivers[{i}]", str(driver.get("name") or ""), str(driver.get("nodeID") or "")
        causes += csi_driver_name(f"{at}.name", name)
        causes += [] if node_id else [required(f"{at}.nodeID")]
        if len(node_id) > 256:
            causes.append(invalid(f"{at}.nodeID", node_id, "must be 256 characters or less"))
        count = as_dict(driver.get("allocatable")).get("count")
        if isinstance(count, int) and count < 0:
            causes.append(invalid(f"{at}.allocatable.count", count, "must be greater than or equal to 0"))
        if name in seen:
            causes.append(duplicate(f"{at}.name", name))
        seen.add(name)
        keys: set[str] = set()
        for key in (str(k) for k in driver.get("topologyKeys") or []):
            causes += [] if key else [required(at)]
            if key in keys:
                causes.append(duplicate(at, key))
            keys.add(key)
            causes += invalid_each(at, key, names.qualified_name(key))
    return causes


def csi_node_update(new: Obj, old: Obj) -> list[Cause]:
    """ValidateCSINodeUpdate's own: a driver already there changed in nothing but its volume count."""
    def fixed(driver: Obj) -> Obj:  # (the internal struct, which has no JSON names)
        return {"Name": driver.get("name") or "", "NodeID": driver.get("nodeID") or "",
                "TopologyKeys": driver.get("topologyKeys"), "Allocatable": None}
    before = {str(d.get("name") or ""): fixed(d) for d in dicts(as_dict(old.get("spec")).get("drivers"))}
    return [invalid("spec.drivers", fixed(d), "field is immutable")
            for d in dicts(as_dict(new.get("spec")).get("drivers"))
            if (was := before.get(str(d.get("name") or ""))) is not None and was != fixed(d)]


def persistent_volume(obj: Obj) -> list[Cause]:
    """ValidatePersistentVolumeSpec (not inline): access modes, capacity (storage only, positive), reclaim
    policy, node affinity, one volume source (each checked as a pod's, or as its persistent variant is), the
    class, the volume mode, the volume attributes class."""
    spec = as_dict(obj.get("spec"))
    modes = [str(m) for m in spec.get("accessModes") or []]
    causes = [] if modes else [required("spec.accessModes")]
    causes += [not_supported("spec.accessModes", m, ACCESS_MODES) for m in modes if m not in ACCESS_MODES]
    if "ReadWriteOncePod" in modes and any(m != "ReadWriteOncePod" and m in ACCESS_MODES for m in modes):
        causes.append(forbidden("spec.accessModes", "may not use ReadWriteOncePod with other access modes"))
    capacity = as_dict(spec.get("capacity"))
    causes += [] if capacity else [required("spec.capacity")]
    if "storage" not in capacity or len(capacity) > 1:  # (a map never sent is Go's nil: null)
        shown = dict(sorted(capacity.items())) if "capacity" in spec else None
        causes.append(not_supported("spec.capacity", shown, ("storage",)))
    for name, amount in sorted(capacity.items()):
        if (number := quantity.parsed(amount)) is None:
            continue
        causes += basic_amount(f"spec.capacity[{name}]", amount)
        if number <= 0:
            causes.append(invalid(f"spec.capacity[{name}]", str(amount), "must be greater than zero"))
    policy = spec.get("persistentVolumeReclaimPolicy")
    if policy and policy not in ("Delete", "Recycle", "Retain"):
        causes.append(not_supported("spec.persistentVolumeReclaimPolicy", policy, ("Delete", "Recycle", "Retain")))
    if isinstance(affinity := spec.get("nodeAffinity"), dict):  # validateVolumeNodeAffinity
        causes += podspecfields.node_selector(affinity["required"], "spec.nodeAffinity.required") \
            if isinstance(affinity.get("required"), dict) else [
                required("spec.nodeAffinity.required", "must specify required node constraints")]
    found = 0
    for key, named in _PV_SOURCES:
        if not isinstance(source := spec.get(key), dict):
            continue
        if found and named:
            causes.append(forbidden(f"spec.{named}", "may not specify more than 1 volume type"))
            continue
        found += 1
        causes += _pv_source(key, source, f"spec.{'persistentDisk' if key == 'gcePersistentDisk' else key}",
                             str(as_dict(obj.get("metadata")).get("name") or ""))
        if key == "local" and not isinstance(spec.get("nodeAffinity"), dict):
            causes.append(required("spec.nodeAffinity", "Local volume requires node affinity"))
    if not found:
        causes.append(required("spec", "must specify a volume type"))
    host = as_dict(spec.get("hostPath")).get("path")
    if isinstance(host, str) and posixpath.normpath(host or ".") == "/" and policy == "Recycle":
        causes.append(forbidden("spec.persistentVolumeReclaimPolicy", "may not be 'recycle' for a hostPath mount of "
                                                                      "'/'"))
    if klass := str(spec.get("storageClassName") or ""):
        causes += invalid_each("spec.storageClassName", klass, names.subdomain(klass))
    mode = spec.get("volumeMode")
    if mode is not None and mode not in ("Block", "Filesystem"):
        causes.append(not_supported("spec.volumeMode", mode, ("Block", "Filesystem")))
    if (attributes := spec.get("volumeAttributesClassName")) is not None:
        causes += invalid_each("spec.volumeAttributesClassName", attributes, names.subdomain(str(attributes))) \
            if attributes else [required("spec.volumeAttributesClassName", "an empty string is disallowed")]
        causes += [] if isinstance(spec.get("csi"), dict) else [
            required("spec.csi", "has to be specified when using volumeAttributesClassName")]
    # pkg/volume/validation: the mount options annotation only where the volume type can mount with options
    annotations = as_dict(as_dict(obj.get("metadata")).get("annotations"))
    if _MOUNT_OPTIONS in annotations and not any(isinstance(spec.get(k), dict) for k in _MOUNTS_WITH_OPTIONS):
        causes.append(forbidden(f"metadata.annotations.{_MOUNT_OPTIONS}",
                                "may not specify mount options for this volume type"))
    return causes


def persistent_volume_update(new: Obj, old: Obj) -> list[Cause]:
    """ValidatePersistentVolumeUpdate after the volume's own checks: its source may not change (the refusal
    shows Go's diff of the internal sources), nor its volume mode."""
    spec, before = as_dict(new.get("spec")), as_dict(old.get("spec"))
    source = {k: spec[k] for k, _ in _PV_SOURCES if k in spec}
    old_source = {k: before[k] for k, _ in _PV_SOURCES if k in before}
    csi, old_csi = source.get("csi"), old_source.get("csi")
    if isinstance(csi, dict) and isinstance(old_csi, dict) and old_csi.get("controllerExpandSecretRef") is None:
        source["csi"] = {k: v for k, v in csi.items() if k != "controllerExpandSecretRef"}  # may be set once
    causes = []
    internal, old_internal = (as_internal("PersistentVolumeSource", s) for s in (source, old_source))
    if semantic(internal) != semantic(old_internal):  # (through the Go types: an empty struct is one, a map none)
        causes.append(forbidden("spec.persistentvolumesource", "spec.persistentvolumesource is immutable after "
                                "creation\n" + go_diff(old_internal, internal)))
    if spec.get("volumeMode") != before.get("volumeMode"):
        causes.append(invalid("volumeMode", typed(spec.get("volumeMode")), _IMMUTABLE))
    return causes


_DEPRECATED_PV_ANNOTATIONS = (
    (BETA_STORAGE_CLASS, BETA_CLASS_DEPRECATED),
    (_MOUNT_OPTIONS, 'deprecated since v1.31; use "mountOptions" attribute instead'))
_DEPRECATED_PV_SOURCES = (("cephfs", "cephfs", "v1.28", "v1.31"), ("photonPersistentDisk", "photonPersistentDisk",
                                                                   "v1.11", "v1.16"),
                          ("scaleIO", "scaleIO", "v1.16", "v1.22"), ("storageos", "storageOS", "v1.22", "v1.25"),
                          ("glusterfs", "glusterfs", "v1.25", "v1.26"), ("rbd", "rbd", "v1.28", "v1.31"))


def pv_warnings(obj: Obj, _old: Obj | None = None) -> list[str]:
    """GetWarningsForPersistentVolume, what a write of a volume is warned of: deprecated annotations, the
    Recycle policy, sources whose plugins are gone. Not modelled: deprecated node labels in its node
    affinity."""
    annotations = as_dict(as_dict(obj.get("metadata")).get("annotations"))
    spec = as_dict(obj.get("spec"))
    out = [f"metadata.annotations[{k}]: {why}" for k, why in _DEPRECATED_PV_ANNOTATIONS if k in annotations]
    if spec.get("persistentVolumeReclaimPolicy") == "Recycle":
        out.append("spec.persistentVolumeReclaimPolicy: The Recycle reclaim policy is deprecated. Instead, the "
                   "recommended approach is to use dynamic provisioning.")
    return out + [f"spec.{named}: deprecated in {since}, non-functional in {gone}+"
                  for key, named, since, gone in _DEPRECATED_PV_SOURCES if isinstance(spec.get(key), dict)]
