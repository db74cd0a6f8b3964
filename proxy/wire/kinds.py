"""The resource types a scenario can name without spelling them out, and what discovery says about them.

A scenario usually writes only a collection path such as `/api/v1/namespaces/default/pods`; the kind, the
apiVersion objects carry and the discovery entries are looked up here. The values are those of a v1.36
apiserver (`kubectl api-resources -o wide`), so clients that check discovery see familiar answers.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from . import gotypes
from .request import classify

_ALL = ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")
_NO_COLLECTION = ("create", "delete", "get", "list", "patch", "update", "watch")
_STATUS = ("get", "patch", "update")
_PROXY = ("create", "delete", "get", "patch", "update")


@dataclass(frozen=True, slots=True)
class ResourceType:
    """One served resource: enough to route a path, stamp objects, and answer discovery."""

    group: str
    version: str
    plural: str
    kind: str
    namespaced: bool = True
    singular: str = ""
    verbs: tuple[str, ...] = _ALL
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    storage_version_hash: str = ""
    subresources: tuple[tuple[str, str, tuple[str, ...]], ...] = ()
    deprecated: str = ""  # the Warning every request to it gets, where its API is deprecated

    @property
    def api_version(self) -> str:
        """`v1` for the core group, `GROUP/VERSION` otherwise, as objects carry it."""
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def list_kind(self) -> str:
        return f"{self.kind}List"


BUILTIN: tuple[ResourceType, ...] = (
    ResourceType("", "v1", "pods", "Pod", singular="pod", short_names=("po",), categories=("all",),
                 storage_version_hash="xPOwRZ+Yhw8=", subresources=(
                     ("attach", "PodAttachOptions", ("create", "get")),
                     ("binding", "Binding", ("create",)),
                     ("ephemeralcontainers", "Pod", _STATUS),
                     ("eviction", "Eviction", ("create",)),
                     ("exec", "PodExecOptions", ("create", "get")),
                     ("log", "Pod", ("get",)),
                     ("portforward", "PodPortForwardOptions", ("create", "get")),
                     ("proxy", "PodProxyOptions", _PROXY),
                     ("resize", "Pod", _STATUS),
                     ("status", "Pod", _STATUS))),
    ResourceType("", "v1", "bindings", "Binding", singular="binding", verbs=("create",)),
    ResourceType("", "v1", "componentstatuses", "ComponentStatus", namespaced=False, singular="componentstatus",
                 verbs=("get", "list"), short_names=("cs",), deprecated="v1 ComponentStatus is deprecated in v1.19+"),
    ResourceType("", "v1", "namespaces", "Namespace", namespaced=False, singular="namespace",
                 verbs=_NO_COLLECTION, short_names=("ns",), storage_version_hash="Q3oi5N2YM8M=",
                 subresources=(("finalize", "Namespace", ("update",)), ("status", "Namespace", _STATUS))),
    ResourceType("", "v1", "configmaps", "ConfigMap", singular="configmap", short_names=("cm",),
                 storage_version_hash="qFsyl6wFWjQ="),
    ResourceType("", "v1", "secrets", "Secret", singular="secret", storage_version_hash="S6u1pOWzb84="),
    ResourceType("", "v1", "events", "Event", singular="event", short_names=("ev",),
                 storage_version_hash="r2yiGXH7wu8="),
    ResourceType("", "v1", "services", "Service", singular="service", short_names=("svc",),
                 categories=("all",), storage_version_hash="0/CO1lhkEBI=",
                 subresources=(("proxy", "ServiceProxyOptions", _PROXY), ("status", "Service", _STATUS))),
    ResourceType("", "v1", "serviceaccounts", "ServiceAccount", singular="serviceaccount",
                 short_names=("sa",), storage_version_hash="pbx9ZvyFpBE=",
                 subresources=(("token", "TokenRequest", ("create",)),)),
    ResourceType("", "v1", "nodes", "Node", namespaced=False, singular="node", short_names=("no",),
                 storage_version_hash="XwShjMxG9Fs=",
                 subresources=(("proxy", "NodeProxyOptions", _PROXY), ("status", "Node", _STATUS))),
    ResourceType("apps", "v1", "deployments", "Deployment", singular="deployment", short_names=("deploy",),
                 categories=("all",), storage_version_hash="8aSe+NMegvE=",
                 subresources=(("scale", "Scale", _STATUS), ("status", "Deployment", _STATUS))),
    ResourceType("apps", "v1", "replicasets", "ReplicaSet", singular="replicaset", short_names=("rs",),
                 categories=("all",), storage_version_hash="P1RzHs8/mWQ=",
                 subresources=(("scale", "Scale", _STATUS), ("status", "ReplicaSet", _STATUS))),
    ResourceType("apps", "v1", "statefulsets", "StatefulSet", singular="statefulset", short_names=("sts",),
                 categories=("all",), storage_version_hash="H+vl74LkKdo=",
                 subresources=(("scale", "Scale", _STATUS), ("status", "StatefulSet", _STATUS))),
    ResourceType("apps", "v1", "daemonsets", "DaemonSet", singular="daemonset", short_names=("ds",),
                 categories=("all",), storage_version_hash="dd7pWHUlMKQ=",
                 subresources=(("status", "DaemonSet", _STATUS),)),
    ResourceType("apps", "v1", "controllerrevisions", "ControllerRevision", singular="controllerrevision",
                 storage_version_hash="85nkx63pcBU="),
    # What controllers write besides their own objects: the lease of leader election, events of the newer
    # API, and the objects of the workloads and services they manage.
    ResourceType("coordination.k8s.io", "v1", "leases", "Lease", singular="lease",
                 storage_version_hash="gqkMMb/YqFM="),
    ResourceType("events.k8s.io", "v1", "events", "Event", singular="event", short_names=("ev",),
                 storage_version_hash="r2yiGXH7wu8="),
    ResourceType("batch", "v1", "jobs", "Job", singular="job", categories=("all",), storage_version_hash="mudhfqk/qZY=",
                 subresources=(("status", "Job", _STATUS),)),
    ResourceType("batch", "v1", "cronjobs", "CronJob", singular="cronjob", short_names=("cj",), categories=("all",),
                 storage_version_hash="sd5LIXh4Fjs=", subresources=(("status", "CronJob", _STATUS),)),
    ResourceType("", "v1", "endpoints", "Endpoints", singular="endpoints", short_names=("ep",),
                 storage_version_hash="fWeeMqaN/OA=",
                 deprecated="v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice"),
    ResourceType("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", singular="endpointslice",
                 storage_version_hash="qgS0xkrxYAI="),
    ResourceType("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", singular="persistentvolumeclaim",
                 short_names=("pvc",), storage_version_hash="QWTyNDq0dC4=",
                 subresources=(("status", "PersistentVolumeClaim", _STATUS),)),
    ResourceType("networking.k8s.io", "v1", "ingresses", "Ingress", singular="ingress", short_names=("ing",),
                 storage_version_hash="39NQlfNR+bo=", subresources=(("status", "Ingress", _STATUS),)),
    ResourceType("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", singular="poddisruptionbudget",
                 short_names=("pdb",), storage_version_hash="EVWiDmWqyJw=",
                 subresources=(("status", "PodDisruptionBudget", _STATUS),)),
    ResourceType("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", singular="networkpolicy",
                 short_names=("netpol",), storage_version_hash="YpfwF18m1G8="),
    ResourceType("autoscaling", "v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler",
                 singular="horizontalpodautoscaler", short_names=("hpa",), categories=("all",),
                 storage_version_hash="qwQve8ut294=", subresources=(("status", "HorizontalPodAutoscaler", _STATUS),)),
    # the same objects through the older version (apiserver/autoscalingv1.py), after v2: the preferred one first
    ResourceType("autoscaling", "v1", "horizontalpodautoscalers", "HorizontalPodAutoscaler",
                 singular="horizontalpodautoscaler", short_names=("hpa",), categories=("all",),
                 storage_version_hash="qwQve8ut294=", subresources=(("status", "HorizontalPodAutoscaler", _STATUS),)),
    # what an operator's own RBAC consists of, which Helm charts and operators create beside it
    ResourceType("rbac.authorization.k8s.io", "v1", "roles", "Role", singular="role",
                 storage_version_hash="7FuwZcIIItM="),
    ResourceType("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", singular="rolebinding",
                 storage_version_hash="eGsCzGH6b1g="),
    ResourceType("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", namespaced=False,
                 singular="clusterrole", storage_version_hash="bYE5ZWDrJ44="),
    ResourceType("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", namespaced=False,
                 singular="clusterrolebinding", storage_version_hash="48tpQ8gZHFc="),
    # the rest of what a v1.37 apiserver stores, as its discovery lists them (not its bindings, component
    # statuses, aggregated API services or the reviews below it answers for a client about itself)
    ResourceType("", "v1", "limitranges", "LimitRange", singular="limitrange", short_names=("limits",),
                 storage_version_hash="EBKMFVe6cwo="),
    ResourceType("", "v1", "persistentvolumes", "PersistentVolume", namespaced=False, singular="persistentvolume",
                 short_names=("pv",), storage_version_hash="HN/zwEC+JgM=",
                 subresources=(("status", "PersistentVolume", _STATUS),)),
    ResourceType("", "v1", "podtemplates", "PodTemplate", singular="podtemplate", storage_version_hash="LIXB2x4IFpk="),
    ResourceType("", "v1", "replicationcontrollers", "ReplicationController", singular="replicationcontroller",
                 short_names=("rc",), categories=("all",), storage_version_hash="Jond2If31h0=",
                 subresources=(("scale", "Scale", _STATUS), ("status", "ReplicationController", _STATUS))),
    ResourceType("", "v1", "resourcequotas", "ResourceQuota", singular="resourcequota", short_names=("quota",),
                 storage_version_hash="8uhSgffRX6w=", subresources=(("status", "ResourceQuota", _STATUS),)),
    ResourceType("certificates.k8s.io", "v1", "certificatesigningrequests", "CertificateSigningRequest",
                 namespaced=False, singular="certificatesigningrequest", short_names=("csr",),
                 storage_version_hash="95fRKMXA+00=",
                 subresources=(("approval", "CertificateSigningRequest", _STATUS),
                               ("status", "CertificateSigningRequest", _STATUS))),
    ResourceType("certificates.k8s.io", "v1", "clustertrustbundles", "ClusterTrustBundle", namespaced=False,
                 singular="clustertrustbundle", storage_version_hash="v5yhuVertL4="),
    ResourceType("certificates.k8s.io", "v1", "podcertificaterequests", "PodCertificateRequest",
                 singular="podcertificaterequest", storage_version_hash="wYA9yXQH8fg=",
                 subresources=(("status", "PodCertificateRequest", _STATUS),)),
    ResourceType("networking.k8s.io", "v1", "ingressclasses", "IngressClass", namespaced=False, singular="ingressclass",
                 storage_version_hash="l/iqIbDgFyQ="),
    ResourceType("networking.k8s.io", "v1", "ipaddresses", "IPAddress", namespaced=False, singular="ipaddress",
                 short_names=("ip",), storage_version_hash="3f/plJFChNE="),
    ResourceType("networking.k8s.io", "v1", "servicecidrs", "ServiceCIDR", namespaced=False, singular="servicecidr",
                 storage_version_hash="gNLvruQhW2g=", subresources=(("status", "ServiceCIDR", _STATUS),)),
    ResourceType("storage.k8s.io", "v1", "csidrivers", "CSIDriver", namespaced=False, singular="csidriver",
                 storage_version_hash="hL6j/rwBV5w="),
    ResourceType("storage.k8s.io", "v1", "csinodes", "CSINode", namespaced=False, singular="csinode",
                 storage_version_hash="Pe62DkZtjuo=", subresources=(("status", "CSINode", _STATUS),)),
    ResourceType("storage.k8s.io", "v1", "csistoragecapacities", "CSIStorageCapacity", singular="csistoragecapacity",
                 storage_version_hash="xeVl+2Ly1kE="),
    ResourceType("storage.k8s.io", "v1", "storageclasses", "StorageClass", namespaced=False, singular="storageclass",
                 short_names=("sc",), storage_version_hash="K+m6uJwbjGY="),
    ResourceType("storage.k8s.io", "v1", "volumeattachments", "VolumeAttachment", namespaced=False,
                 singular="volumeattachment", storage_version_hash="tJx/ezt6UDU=",
                 subresources=(("status", "VolumeAttachment", _STATUS),)),
    ResourceType("storage.k8s.io", "v1", "volumeattributesclasses", "VolumeAttributesClass", namespaced=False,
                 singular="volumeattributesclass", short_names=("vac",), storage_version_hash="tIjydgKBC5w="),
    ResourceType("admissionregistration.k8s.io", "v1", "mutatingadmissionpolicies", "MutatingAdmissionPolicy",
                 namespaced=False, singular="mutatingadmissionpolicy", categories=("api-extensions",),
                 storage_version_hash="mHCkTKpUTrE="),
    ResourceType("admissionregistration.k8s.io", "v1", "mutatingadmissionpolicybindings",
                 "MutatingAdmissionPolicyBinding", namespaced=False, singular="mutatingadmissionpolicybinding",
                 categories=("api-extensions",), storage_version_hash="ZKgZT1uTmZ0="),
    ResourceType("admissionregistration.k8s.io", "v1", "mutatingwebhookconfigurations", "MutatingWebhookConfiguration",
                 namespaced=False, singular="mutatingwebhookconfiguration", categories=("api-extensions",),
                 storage_version_hash="Sqi0GUgDaX0="),
    ResourceType("admissionregistration.k8s.io", "v1", "validatingadmissionpolicies", "ValidatingAdmissionPolicy",
                 namespaced=False, singular="validatingadmissionpolicy", categories=("api-extensions",),
                 storage_version_hash="6OxvlMmQ6is=", subresources=(("status", "ValidatingAdmissionPolicy", _STATUS),)),
    ResourceType("admissionregistration.k8s.io", "v1", "validatingadmissionpolicybindings",
                 "ValidatingAdmissionPolicyBinding", namespaced=False, singular="validatingadmissionpolicybinding",
                 categories=("api-extensions",), storage_version_hash="v9715VZqakg="),
    ResourceType("admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations",
                 "ValidatingWebhookConfiguration", namespaced=False, singular="validatingwebhookconfiguration",
                 categories=("api-extensions",), storage_version_hash="B0wHjQmsGNk="),
    ResourceType("scheduling.k8s.io", "v1", "priorityclasses", "PriorityClass", namespaced=False,
                 singular="priorityclass", short_names=("pc",), storage_version_hash="1QwjyaZjj3Y="),
    ResourceType("node.k8s.io", "v1", "runtimeclasses", "RuntimeClass", namespaced=False, singular="runtimeclass",
                 storage_version_hash="WQTu1GL3T2Q="),
    ResourceType("resource.k8s.io", "v1", "deviceclasses", "DeviceClass", namespaced=False, singular="deviceclass",
                 storage_version_hash="Yk2PTc1Ybxk="),
    ResourceType("resource.k8s.io", "v1", "devicetaintrules", "DeviceTaintRule", namespaced=False,
                 singular="devicetaintrule", storage_version_hash="i+85+TcIKpA=",
                 subresources=(("status", "DeviceTaintRule", _STATUS),)),
    ResourceType("resource.k8s.io", "v1", "resourceclaims", "ResourceClaim", singular="resourceclaim",
                 storage_version_hash="wgAZaHcZxUg=", subresources=(("status", "ResourceClaim", _STATUS),)),
    ResourceType("resource.k8s.io", "v1", "resourceclaimtemplates", "ResourceClaimTemplate",
                 singular="resourceclaimtemplate", storage_version_hash="TuzjC49aUfM="),
    ResourceType("resource.k8s.io", "v1", "resourceslices", "ResourceSlice", namespaced=False, singular="resourceslice",
                 storage_version_hash="KsC072WgaEY="),
    ResourceType("flowcontrol.apiserver.k8s.io", "v1", "flowschemas", "FlowSchema", namespaced=False,
                 singular="flowschema", storage_version_hash="GJVAJZSZBIw=",
                 subresources=(("status", "FlowSchema", _STATUS),)),
    ResourceType("flowcontrol.apiserver.k8s.io", "v1", "prioritylevelconfigurations", "PriorityLevelConfiguration",
                 namespaced=False, singular="prioritylevelconfiguration", storage_version_hash="Kir5PVfvNeI=",
                 subresources=(("status", "PriorityLevelConfiguration", _STATUS),)),
    ResourceType("storagemigration.k8s.io", "v1", "storageversionmigrations", "StorageVersionMigration",
                 namespaced=False, singular="storageversionmigration", storage_version_hash="pCjmmKOkLy4=",
                 subresources=(("status", "StorageVersionMigration", _STATUS),)),
    # what a client may do, asked and answered without storing (apiserver/reviews.py)
    ResourceType("authorization.k8s.io", "v1", "selfsubjectaccessreviews", "SelfSubjectAccessReview",
                 namespaced=False, singular="selfsubjectaccessreview", verbs=("create",)),
    ResourceType("authorization.k8s.io", "v1", "selfsubjectrulesreviews", "SelfSubjectRulesReview",
                 namespaced=False, singular="selfsubjectrulesreview", verbs=("create",)),
    ResourceType("authorization.k8s.io", "v1", "subjectaccessreviews", "SubjectAccessReview",
                 namespaced=False, singular="subjectaccessreview", verbs=("create",)),
    ResourceType("authorization.k8s.io", "v1", "localsubjectaccessreviews", "LocalSubjectAccessReview",
                 namespaced=True, singular="localsubjectaccessreview", verbs=("create",)),
    ResourceType("authentication.k8s.io", "v1", "selfsubjectreviews", "SelfSubjectReview",
                 namespaced=False, singular="selfsubjectreview", verbs=("create",)),
    ResourceType("authentication.k8s.io", "v1", "tokenreviews", "TokenReview",
                 namespaced=False, singular="tokenreview", verbs=("create",)),
    # what an operator's developer installs first: its custom resources are served from each definition
    ResourceType("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition",
                 namespaced=False, singular="customresourcedefinition", short_names=("crd", "crds"),
                 categories=("api-extensions",), storage_version_hash="jfWCUB31mvA=",
                 subresources=(("status", "CustomResourceDefinition", _STATUS),)),
    # the API versions it serves, as the aggregator registers them (a metrics server's, an extension
    # apiserver's among them once installed)
    ResourceType("apiregistration.k8s.io", "v1", "apiservices", "APIService", namespaced=False, singular="apiservice",
                 categories=("api-extensions",), storage_version_hash="InPBPD7+PqM=",
                 subresources=(("status", "APIService", _STATUS),)),
)


@dataclass(frozen=True, slots=True)
class CollectionPath:
    """A collection path taken apart: which resource, and which namespace ("" for all or cluster-scoped)."""

    group: str
    version: str
    plural: str
    namespace: str


def parse_collection_path(path: str) -> CollectionPath:
    """Split a collection path the way the apiserver routes it; ValueError says what is wrong with it."""
    if not path.startswith("/") or "?" in path:
        raise ValueError(f"{path!r} is not an absolute path without a query")
    info = classify("GET", path, "")
    if not info.is_resource or not info.resource:
        raise ValueError(f"{path!r} is not a resource collection path (e.g. /api/v1/namespaces/default/pods)")
    if info.legacy_watch_path:
        raise ValueError(f"{path!r}: use the collection path and the query watch=true, not /watch/ paths")
    if info.name or info.subresource:
        raise ValueError(f"{path!r} names one object, not a collection")
    return CollectionPath(info.group, info.version, info.resource, info.namespace)


_INTERNAL_PACKAGES = {"": "core", "events.k8s.io": "core", "internal.apiserver.k8s.io": "apiserverinternal"}


def internal_package(group: str) -> str:
    """The Go package of the apiserver's internal types of a built-in group, as its messages name them
    (`*core.Pod`, `(apps.Deployment)`): the group's first label, but for the core group (whose Events
    events.k8s.io serves too) and the apiserver's internal group."""
    return _INTERNAL_PACKAGES.get(group, group.split(".")[0])


def is_custom_group(group: str) -> bool:
    """A group custom resources live in: one with a dot that none of the apiserver's own types (those served,
    and those of the Go types' table: options, meta, internal ones) is in (a definition may use a group under
    k8s.io with an API review's approval, as the Gateway API and volume snapshots do)."""
    return "." in group and group not in _builtin_groups()


@functools.cache
def _builtin_groups() -> frozenset[str]:
    typed = {kind.rsplit("/", 2)[0] for kind in gotypes.kinds() if kind.count("/") == 2}
    return frozenset({rt.group for rt in BUILTIN} | typed)


def builtin_by_path(group: str, version: str, plural: str) -> ResourceType | None:
    for rt in BUILTIN:
        if (rt.group, rt.version, rt.plural) == (group, version, plural):
            return rt
    return None


def builtin_by_kind(kind: str) -> ResourceType | None:
    for rt in BUILTIN:
        if rt.kind == kind:
            return rt
    return None
