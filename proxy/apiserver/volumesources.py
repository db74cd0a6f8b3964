"""A volume's source as pkg/apis/core/validation judges it (validateVolumeSource, and the per-source validators a
persistent volume shares): one source, and each source's own fields — what it requires, a partition or LUN
in range, an absolute NFS path, a host path without backsteps, file modes, a secret's or config map's items,
a CSI driver's name, a Quobyte registry's host:port pairs, an ephemeral volume's claim template, a projected
volume's sources. A pod's volumes and a PersistentVolume's spec use the same checks.

Not modelled: a flex volume's reserved options, file owners."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from typing import Any

from ..wire import names
from . import claimspec, fieldselectors, quantity, signers, validation
from .fielderrors import Cause, forbidden, invalid, invalid_each, not_supported, required, too_long
from .internal import as_internal
from .objects import as_dict, dicts

Obj = dict[str, Any]

_FILE_MODE = "must be a number between 0 and 0777 (octal), both inclusive"
_PARTITION = "must be between 1 and 255, inclusive"
HOST_PATH_TYPES = ("", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate",
                   "Socket")

# The fields each source requires, in its validator's order: (field, detail); a field of a list or an object
# is missing when empty.
_REQUIRED: dict[str, tuple[tuple[str, str], ...]] = {
    "gitRepo": (("repository", ""),), "gcePersistentDisk": (("pdName", ""),),
    "awsElasticBlockStore": (("volumeID", ""),), "secret": (("secretName", ""),),
    "iscsi": (("targetPortal", ""), ("iqn", "")), "glusterfs": (("endpoints", ""), ("path", "")),
    "persistentVolumeClaim": (("claimName", ""),), "rbd": (("monitors", ""), ("image", "")),
    "cinder": (("volumeID", ""),), "cephfs": (("monitors", ""),), "flexVolume": (("driver", ""),),
    "configMap": (("name", ""),), "azureFile": (("secretName", ""), ("shareName", "")),
    "vsphereVolume": (("volumePath", ""),), "photonPersistentDisk": (("pdID", ""),),
    "portworxVolume": (("volumeID", ""),), "azureDisk": (("diskName", ""), ("diskURI", "")),
    "scaleIO": (("gateway", ""), ("system", ""), ("volumeName", "")),
    "image": (("reference", ""),),
}

# A pod volume's sources in validateVolumeSource's order: (field, the name a second source is refused under,
# the path its own checks name)
POD_SOURCES = (
    ("emptyDir", "emptyDir", "emptyDir"), ("hostPath", "hostPath", "hostPath"), ("gitRepo", "gitRepo", "gitRepo"),
    ("gcePersistentDisk", "gcePersistentDisk", "persistentDisk"),
    ("awsElasticBlockStore", "awsElasticBlockStore", "awsElasticBlockStore"), ("secret", "secret", "secret"),
    ("nfs", "nfs", "nfs"), ("iscsi", "iscsi", "iscsi"), ("glusterfs", "glusterfs", "glusterfs"),
    ("flocker", "flocker", "flocker"), ("persistentVolumeClaim", "persistentVolumeClaim", "persistentVolumeClaim"),
    ("rbd", "rbd", "rbd"), ("cinder", "cinder", "cinder"), ("cephfs", "cephFS", "cephfs"),
    ("quobyte", "quobyte", "quobyte"), ("downwardAPI", "downwarAPI", "downwardAPI"), ("fc", "fc", "fc"),
    ("flexVolume", "flexVolume", "flexVolume"), ("configMap", "configMap", "configMap"),
    ("azureFile", "azureFile", "azureFile"), ("vsphereVolume", "vsphereVolume", "vsphereVolume"),
    ("photonPersistentDisk", "photonPersistentDisk", "photonPersistentDisk"),
    ("portworxVolume", "portworxVolume", "portworxVolume"), ("azureDisk", "azureDisk", "azureDisk"),
    ("storageos", "storageos", "storageos"), ("projected", "projected", "projected"),
    ("scaleIO", "scaleIO", "scaleIO"), ("csi", "csi", "csi"), ("ephemeral", "ephemeral", "ephemeral"),
    ("image", "image", "image"))


def pod_volume(volume: Obj, path: str) -> list[Cause]:
    """validateVolumeSource: one source, checked; none is 'must specify a volume type'."""
    causes: list[Cause] = []
    found = 0
    for key, named, checked in POD_SOURCES:
        if not isinstance(source := volume.get(key), dict):
            continue
        if found:
            causes.append(forbidden(f"{path}.{named}", "may not specify more than 1 volume type"))
            continue
        found += 1
        causes += source_causes(key, source, f"{path}.{checked}")
        if key == "iscsi" and source.get("initiatorName") is not None and \
                len(f"{volume.get('name') or ''}:{source.get('targetPortal') or ''}") > 64:
            causes.append(invalid(f"{path}.name", volume.get("name") or "", "Total length of <volume name>:<iscsi."
                                  "targetPortal> must be under 64 characters if iscsi.initiatorName is specified."))
    return causes if found else [*causes, required(path, "must specify a volume type")]


def source_causes(key: str, source: Obj, path: str) -> list[Cause]:
    """One source's own checks (a pod's or a persistent volume's)."""
    causes: list[Cause] = []
    for field, detail in _REQUIRED.get(key, ()):
        if source.get(field) in (None, "", [], {}):
            causes.append(required(f"{path}.{field}", detail))
    if (check := _OWN.get(key)) is not None:
        causes += check(source, path)
    return causes


def _partition(source: Obj, path: str) -> list[Cause]:
    part = source.get("partition")
    return [invalid(f"{path}.partition", part, _PARTITION)] if isinstance(part, int) and not 0 <= part <= 255 else []


def _host_path(source: Obj, path: str) -> list[Cause]:
    where = str(source.get("path") or "")
    if not where:
        return [required(f"{path}.path")]
    causes = backsteps(where, f"{path}.path")
    if (kind := source.get("type")) is not None and kind not in HOST_PATH_TYPES:
        causes.append(not_supported(f"{path}.type", kind, HOST_PATH_TYPES))
    return causes


def _nfs(source: Obj, path: str) -> list[Cause]:
    causes = [required(f"{path}.{f}") for f in ("server", "path") if not source.get(f)]
    where = str(source.get("path") or "")
    return causes + ([] if posixpath.isabs(where) else [invalid(f"{path}.path", where, "must be an absolute path")])


def _empty_dir(source: Obj, path: str) -> list[Cause]:
    limit = source.get("sizeLimit")
    amount = quantity.parsed(str(limit)) if limit is not None else None
    return [forbidden(f"{path}.sizeLimit", "SizeLimit field must be a valid resource quantity")] \
        if amount is not None and amount < 0 else []


def _items(source: Obj, path: str) -> list[Cause]:
    """A secret's or config map's default mode and items (validateKeyToPath)."""
    causes = _mode(source, path)
    for i, item in enumerate(dicts(source.get("items"))):
        causes += _key_to_path(item, f"{path}.items[{i}]")
    return causes


def _key_to_path(item: Obj, path: str) -> list[Cause]:
    """validateKeyToPath: a key, a path that stays inside, a mode."""
    target = str(item.get("path") or "")
    causes = [required(f"{path}.{f}") for f in ("key", "path") if not item.get(f)]
    causes += non_reserved(target, f"{path}.path")
    return causes + _file_mode(item, "mode", path)


def _flocker(source: Obj, path: str) -> list[Cause]:
    name, uuid = str(source.get("datasetName") or ""), str(source.get("datasetUUID") or "")
    causes = [required(path, "one of datasetName and datasetUUID is required")] if not name and not uuid else []
    if name and uuid:
        causes.append(invalid(path, "resource", "datasetName and datasetUUID can not be specified simultaneously"))
    return causes + ([invalid(f"{path}.datasetName", name, "must not contain '/'")] if "/" in name else [])


def _fc(source: Obj, path: str) -> list[Cause]:
    wwns, wwids, lun = source.get("targetWWNs") or [], source.get("wwids") or [], source.get("lun")
    causes = [required(f"{path}.targetWWNs", "must specify either targetWWNs or wwids, but not both")] \
        if not wwns and not wwids else []
    if wwns and wwids:
        causes.append(invalid(f"{path}.targetWWNs", wwns, "targetWWNs and wwids can not be specified simultaneously"))
    if wwns and lun is None:
        causes.append(required(f"{path}.lun", "lun is required if targetWWNs is specified"))
    elif wwns and isinstance(lun, int) and not 0 <= lun <= 255:
        causes.append(invalid(f"{path}.lun", lun, "must be between 0 and 255, inclusive"))
    return causes


_REGISTRY = "must be a host:port pair or multiple pairs separated by commas"


def _quobyte(source: Obj, path: str) -> list[Cause]:
    """A registry of host:port pairs (each as Go's net.SplitHostPort reads it), a tenant of at most 64 characters
    (checked instead of the pairs), a volume."""
    registry = str(source.get("registry") or "")
    if not registry:
        causes = [required(f"{path}.registry", _REGISTRY)]
    elif len(str(source.get("tenant") or "").encode()) >= 65:
        causes = [required(f"{path}.tenant", "must be a UUID and may not exceed a length of 64 characters")]
    else:
        causes = [invalid(f"{path}.registry", registry, _REGISTRY) for pair in registry.split(",")
                  if not _host_port(pair)]
    return causes + ([] if source.get("volume") else [required(f"{path}.volume")])


def _host_port(pair: str) -> bool:
    """Whether net.SplitHostPort splits it: a last colon before the port, a host without one unless bracketed,
    no stray brackets."""
    colon = pair.rfind(":")
    if colon < 0:
        return False
    if pair.startswith("["):
        end = pair.find("]")
        if end < 0 or end + 1 != colon:
            return False
        return "[" not in pair[1:] and "]" not in pair[end + 1:]
    return ":" not in pair[:colon] and "[" not in pair and "]" not in pair


def storageos_names(source: Obj, path: str) -> list[Cause]:
    """A StorageOS volume's name (required) and namespace, DNS labels: a pod's source's and a persistent
    volume's."""
    causes: list[Cause] = []
    for field in ("volumeName", "volumeNamespace"):
        if value := str(source.get(field) or ""):
            causes += invalid_each(f"{path}.{field}", value, names.dns_label(value))
        elif field == "volumeName":
            causes.append(required(f"{path}.volumeName"))
    return causes


def _storageos(source: Obj, path: str) -> list[Cause]:
    """Its names, a secret named where one is referred to."""
    return storageos_names(source, path) + _secret_ref(source, path)


def _secret_ref(source: Obj, path: str) -> list[Cause]:
    ref = source.get("secretRef")
    return [required(f"{path}.secretRef.name")] if isinstance(ref, dict) and not ref.get("name") else []


def _csi(source: Obj, path: str) -> list[Cause]:
    causes = csi_driver_name(f"{path}.driver", str(source.get("driver") or ""))
    if isinstance(ref := source.get("nodePublishSecretRef"), dict):
        name = str(ref.get("name") or "")
        causes += invalid_each(f"{path}.name", name, names.subdomain(name)) if name else [
            required(f"{path}.nodePublishSecretRef.name")]
    return causes


def _azure_disk(source: Obj, path: str) -> list[Cause]:
    causes: list[Cause] = []
    mode, kind, uri = source.get("cachingMode"), source.get("kind"), str(source.get("diskURI") or "")
    if mode is not None and mode not in ("None", "ReadOnly", "ReadWrite"):
        causes.append(not_supported(f"{path}.cachingMode", mode, ("None", "ReadOnly", "ReadWrite")))
    if kind is not None and kind not in ("Dedicated", "Managed", "Shared"):
        causes.append(not_supported(f"{path}.kind", kind, ("Dedicated", "Managed", "Shared")))
    if kind == "Managed" and not uri.startswith("/subscriptions/"):
        causes.append(not_supported(f"{path}.diskURI", uri, (
            "/subscriptions/{sub-id}/resourcegroups/{group-name}/providers/microsoft.compute/disks/{disk-id}",),
            plain=True))
    if kind is not None and kind != "Managed" and not uri.startswith("https://"):
        causes.append(not_supported(f"{path}.diskURI", uri, (
            "https://{account-name}.blob.core.windows.net/{container-name}/{disk-name}.vhd",), plain=True))
    return causes


def _mode(source: Obj, path: str) -> list[Cause]:
    return _file_mode(source, "defaultMode", path)


def _file_mode(holder: Obj, field: str, path: str) -> list[Cause]:
    """A file mode a volume writes with: an octal 0000-0777 (an item's, or a source's default)."""
    mode = holder.get(field)
    return [invalid(f"{path}.{field}", mode, _FILE_MODE)] if isinstance(mode, int) and not 0 <= mode <= 0o777 \
        else []


def _downward_api(source: Obj, path: str) -> list[Cause]:
    """validateDownwardAPIVolumeSource: a mode; each item (named without its index, as Go names them)."""
    causes = _mode(source, path)
    for item in dicts(source.get("items")):
        causes += _downward_item(item, path)
    return causes


def _downward_item(item: Obj, path: str) -> list[Cause]:
    """validateDownwardAPIVolumeFile: a path that stays inside, one reference, a mode."""
    target = str(item.get("path") or "")
    causes = [] if target else [required(f"{path}.path")]
    causes += non_reserved(target, f"{path}.path")
    field, resource = (item.get(f) for f in ("fieldRef", "resourceFieldRef"))
    if isinstance(field, dict):
        causes += fieldselectors.object_field(field, fieldselectors.VOLUME_FIELDS, f"{path}.fieldRef")
        if isinstance(resource, dict):
            causes.append(invalid(path, "resource", "fieldRef and resourceFieldRef can not be specified "
                                                    "simultaneously"))
    elif isinstance(resource, dict):
        causes += fieldselectors.resource_field(resource, True, f"{path}.resourceFieldRef")
    else:
        causes.append(required(path, "one of fieldRef and resourceFieldRef is required"))
    return causes + _file_mode(item, "mode", path)


def _projected(source: Obj, path: str) -> list[Cause]:
    """validateProjectedVolumeSource: a mode; each source one kind, checked; no file path twice among them (a
    service account token's path is not counted)."""
    causes = _mode(source, path)
    paths: set[str] = set()

    def once(target: str, shown: Any) -> list[Cause]:
        if target in paths:
            return [invalid(path, shown, "conflicting duplicate paths")]
        paths.add(target)
        return []
    for i, projection in enumerate(source.get("sources") or []):
        at = f"{path}.sources[{i}]"
        given = [k for k in PROJECTIONS if isinstance(as_dict(projection).get(k), dict)]
        for kind in given:
            one, here = projection[kind], f"{at}.{kind}"
            if kind in ("secret", "configMap"):
                causes += [] if one.get("name") else [required(f"{here}.name")]
                for j, item in enumerate(dicts(one.get("items"))):
                    causes += _key_to_path(item, f"{here}.items[{j}]")
                    target = str(item.get("path") or "")
                    causes += once(target, str(one.get("name") or "")) if target else []
            elif kind == "downwardAPI":
                for item in dicts(one.get("items")):
                    causes += _downward_item(item, here)
                    target = str(item.get("path") or "")
                    causes += once(target, target) if target else []
            elif kind == "serviceAccountToken":
                causes += _token(one, here, path)
            elif kind == "clusterTrustBundle":
                causes += _trust_bundle(one, here)
                target = str(one.get("path") or "")
                causes += once(target, target)
            else:
                causes += _pod_certificate(one, here, once)
        if len(given) > 1:
            causes.append(forbidden(at, "may not specify more than 1 volume type per source"))
    return causes


# a projected volume's kinds of source, in validateProjectionSources' order
PROJECTIONS = ("secret", "configMap", "downwardAPI", "serviceAccountToken", "clusterTrustBundle", "podCertificate")
_KEY_TYPES = ("RSA3072", "RSA4096", "ECDSAP256", "ECDSAP384", "ECDSAP521", "ED25519")


def _token(token: Obj, path: str, volume: str) -> list[Cause]:
    """A token's lifetime (10 minutes to 2^32 seconds) and its path (named at the volume, as Go names it)."""
    causes: list[Cause] = []
    if (seconds := token.get("expirationSeconds")) is None:
        causes.append(required(f"{path}.expirationSeconds"))
    elif isinstance(seconds, int):
        if seconds < 600:
            causes.append(invalid(f"{path}.expirationSeconds", seconds, "may not specify a duration less than 10 "
                                                                        "minutes"))
        if seconds > 1 << 32:
            causes.append(invalid(f"{path}.expirationSeconds", seconds, "may not specify a duration larger than "
                                                                        "2^32 seconds"))
    target = str(token.get("path") or "")
    return causes + (non_reserved(target, f"{volume}.path") if target else [required(f"{volume}.path")])


def _trust_bundle(bundle: Obj, path: str) -> list[Cause]:
    """A bundle named, or a signer's bundles selected, not both; a path."""
    name, signer = bundle.get("name"), bundle.get("signerName")
    causes: list[Cause] = []
    if name is not None and signer is not None:
        causes.append(invalid(path, as_internal("ClusterTrustBundleProjection", bundle),
                              "only one of name and signerName may be used"))
    elif name is not None:
        causes += [] if name else [required(f"{path}.name", "must be a valid object name")]
        signer_part, colon, _ = str(name).rpartition(":")
        rule = signers.bundle_name_rule(signer_part.replace(":", "/") if colon else "")
        causes += [invalid(f"{path}.name", name, f"not a valid clustertrustbundlename: {e}") for e in rule(str(name))]
        if bundle.get("labelSelector") is not None:
            causes.append(invalid(f"{path}.labelSelector", bundle["labelSelector"],
                                  "labelSelector must be unset if name is specified"))
    elif signer is not None:
        causes += [] if signer else [required(f"{path}.signerName", "must be a valid signer name")]
        causes += signers.signer_name(str(signer), f"{path}.signerName")
        if isinstance(bundle.get("labelSelector"), dict):
            causes += validation.label_selector(bundle["labelSelector"], f"{path}.labelSelector")
    else:
        causes.append(required(path, "either name or signerName must be specified"))
    target = str(bundle.get("path") or "")
    return causes + ([] if target else [required(f"{path}.path")]) + non_reserved(target, f"{path}.path")


def _pod_certificate(certificate: Obj, path: str, once: Callable[[str, Any], list[Cause]]) -> list[Cause]:
    """A signer, user annotations, a key type, a lifetime within the signer's, at least one of its paths."""
    signer = str(certificate.get("signerName") or "")
    causes = signers.signer_name(signer, f"{path}.signerName")
    if certificate.get("userAnnotations") is not None:
        causes += signers.user_annotations(certificate["userAnnotations"], f"{path}.userAnnotations")
    if (kind := certificate.get("keyType") or "") not in _KEY_TYPES:
        causes.append(not_supported(f"{path}.keyType", kind, _KEY_TYPES, plain=True))
    if isinstance(seconds := certificate.get("maxExpirationSeconds"), int):
        if seconds < signers.MIN_EXPIRATION:
            causes.append(invalid(f"{path}.maxExpirationSeconds", seconds,
                                  f"if provided, maxExpirationSeconds must be >= {signers.MIN_EXPIRATION}"))
        if seconds > (most := signers.max_expiration(signer)):
            causes.append(invalid(f"{path}.maxExpirationSeconds", seconds,
                                  f"if provided, maxExpirationSeconds must be <= {most}"))
    given = 0
    for field in ("credentialBundlePath", "keyPath", "certificateChainPath"):
        if target := str(certificate.get(field) or ""):
            given += 1
            causes += non_reserved(target, f"{path}.{field}") + once(target, target)
    return causes + ([] if given else [
        required(path, "specify at least one of credentialBundlePath, keyPath, and certificateChainPath")])


_ISCSI_NAMES = {"iqn": re.compile(r"iqn\.\d{4}-\d{2}\.([A-Za-z0-9\-.]+)(:[^,;*&$|\s]+)$"),
                "eui": re.compile(r"^eui.[A-Za-z0-9]{16}$"), "naa": re.compile(r"^naa.[A-Za-z0-9]{32}$")}


def iscsi_name_causes(name: str, path: str, pv: bool = False) -> list[Cause]:
    """An iSCSI qualified name: iqn, eui or naa, each in its format (a persistent volume's refusal of another
    prefix says less)."""
    kind = next((k for k in _ISCSI_NAMES if name.startswith(k)), None)
    if kind is None:
        return [invalid(path, name, "must be valid format" if pv else
                        "must be valid format starting with iqn, eui, or naa")]
    return [] if _ISCSI_NAMES[kind].search(name) else [invalid(path, name, "must be valid format")]


def iscsi_source_causes(source: Obj, path: str) -> list[Cause]:
    """What a pod's and a persistent volume's iSCSI share: a LUN in range, a secret where CHAP needs one."""
    causes: list[Cause] = []
    if isinstance(lun := source.get("lun"), int) and not 0 <= lun <= 255:
        causes.append(invalid(f"{path}.lun", lun, "must be between 0 and 255, inclusive"))
    if (source.get("chapAuthDiscovery") or source.get("chapAuthSession")) and source.get("secretRef") is None:
        causes.append(required(f"{path}.secretRef"))
    return causes


def _iscsi(source: Obj, path: str) -> list[Cause]:
    causes = iscsi_name_causes(str(source["iqn"]), f"{path}.iqn") if source.get("iqn") else []
    causes += iscsi_source_causes(source, path)
    if (initiator := source.get("initiatorName")) is not None:
        causes += iscsi_name_causes(str(initiator), f"{path}.initiatorname")
    return causes


def _image(source: Obj, path: str) -> list[Cause]:
    policy = source.get("pullPolicy")
    pulls = ("Always", "IfNotPresent", "Never")
    return [not_supported(f"{path}.pullPolicy", policy, pulls)] if policy is not None and policy not in pulls else []


def _ephemeral(source: Obj, path: str) -> list[Cause]:
    """A claim template, sent (an empty one is judged as a claim's)."""
    template = source.get("volumeClaimTemplate")
    if not isinstance(template, dict):
        return [required(f"{path}.volumeClaimTemplate")]
    return claimspec.claim_template(template, f"{path}.volumeClaimTemplate")


_OWN: dict[str, Callable[[Obj, str], list[Cause]]] = {
    "ephemeral": _ephemeral,
    "azureDisk": _azure_disk, "downwardAPI": _downward_api, "projected": _projected, "iscsi": _iscsi, "image": _image,
    "emptyDir": _empty_dir, "hostPath": _host_path, "gcePersistentDisk": _partition,
    "awsElasticBlockStore": _partition, "secret": _items, "configMap": _items, "nfs": _nfs, "flocker": _flocker,
    "fc": _fc, "cinder": _secret_ref, "storageos": _storageos, "csi": _csi, "quobyte": _quobyte,
}


def csi_driver_name(path: str, driver: str) -> list[Cause]:
    """ValidateCSIDriverName: given, at most 63 characters, a DNS subdomain once lowered."""
    if not driver:
        return [required(path)]
    causes = [too_long(path, 63)] if len(driver) > 63 else []
    return causes + invalid_each(path, driver, names.subdomain(driver.lower()))


def backsteps(target: str, path: str) -> list[Cause]:
    """validatePathNoBacksteps: no '..' element."""
    return [invalid(path, target, "must not contain '..'")] if ".." in target.replace("\\", "/").split("/") else []


def descending(target: str, path: str) -> list[Cause]:
    """validateLocalDescendingPath: relative, without a '..' element."""
    causes = [invalid(path, target, "must be a relative path")] if posixpath.isabs(target) else []
    return causes + backsteps(target, path)


def non_reserved(target: str, path: str) -> list[Cause]:
    """ValidateLocalNonReservedPath: descending, and not starting with '..'."""
    causes = descending(target, path)
    if target.startswith("..") and not target.startswith("../"):
        causes.append(invalid(path, target, "must not start with '..'"))
    return causes

