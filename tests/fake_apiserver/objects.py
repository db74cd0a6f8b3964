"""Resource types the stand-in serves and builders for realistic objects.

Tests of a watch proxy need objects that look like a real cluster's: clients such as the Python
``kubernetes`` 37.x package validate every field with pydantic (a container status without ``imageID``
is rejected), and byte-level recordings are only meaningful when field order follows the Go structs.
The builders here therefore write keys in Go struct order and fill the fields a kind cluster fills
for an ``nginx`` Deployment.
"""

from __future__ import annotations

import base64
import copy
import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from .encoding import JsonObject, now_utc, rfc3339

# Characters Kubernetes uses for generated name suffixes (apimachinery rand.String / SafeEncodeString).
NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"

INITIAL_EVENTS_END_ANNOTATION = "k8s.io/initial-events-end"


@dataclass(frozen=True)
class ResourceType:
    """Static description of one served resource, shared by routing, discovery and tables."""

    group: str
    version: str
    plural: str
    kind: str
    singular: str
    namespaced: bool
    verbs: tuple[str, ...]
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    storage_version_hash: str = ""
    subresources: tuple[tuple[str, str, tuple[str, ...]], ...] = field(default=())

    @property
    def api_version(self) -> str:
        """``v1`` for the core group, ``GROUP/VERSION`` otherwise, as objects carry it."""
        return self.version if not self.group else f"{self.group}/{self.version}"

    @property
    def list_kind(self) -> str:
        """Kind of the collection object a LIST answers with."""
        return f"{self.kind}List"

    @property
    def group_resource(self) -> str:
        """``pods`` or ``deployments.apps``: how error messages name the resource."""
        return self.plural if not self.group else f"{self.plural}.{self.group}"


_ALL_VERBS = ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")
_STATUS_VERBS = ("get", "patch", "update")

PODS = ResourceType(
    group="",
    version="v1",
    plural="pods",
    kind="Pod",
    singular="pod",
    namespaced=True,
    verbs=_ALL_VERBS,
    short_names=("po",),
    categories=("all",),
    storage_version_hash="xPOwRZ+Yhw8=",
    subresources=(
        ("attach", "PodAttachOptions", ("create", "get")),
        ("binding", "Binding", ("create",)),
        ("ephemeralcontainers", "Pod", _STATUS_VERBS),
        ("eviction", "Eviction", ("create",)),
        ("exec", "PodExecOptions", ("create", "get")),
        ("log", "Pod", ("get",)),
        ("portforward", "PodPortForwardOptions", ("create", "get")),
        ("proxy", "PodProxyOptions", ("create", "delete", "get", "patch", "update")),
        ("resize", "Pod", _STATUS_VERBS),
        ("status", "Pod", _STATUS_VERBS),
    ),
)
CONFIGMAPS = ResourceType(
    group="",
    version="v1",
    plural="configmaps",
    kind="ConfigMap",
    singular="configmap",
    namespaced=True,
    verbs=_ALL_VERBS,
    short_names=("cm",),
    storage_version_hash="qFsyl6wFWjQ=",
)
SECRETS = ResourceType(
    group="",
    version="v1",
    plural="secrets",
    kind="Secret",
    singular="secret",
    namespaced=True,
    verbs=_ALL_VERBS,
    storage_version_hash="S6u1pOWzb84=",
)
NAMESPACES = ResourceType(
    group="",
    version="v1",
    plural="namespaces",
    kind="Namespace",
    singular="namespace",
    namespaced=False,
    verbs=("create", "delete", "get", "list", "patch", "update", "watch"),
    short_names=("ns",),
    storage_version_hash="Q3oi5N2YM8M=",
    subresources=(("finalize", "Namespace", ("update",)), ("status", "Namespace", _STATUS_VERBS)),
)
DEPLOYMENTS = ResourceType(
    group="apps",
    version="v1",
    plural="deployments",
    kind="Deployment",
    singular="deployment",
    namespaced=True,
    verbs=_ALL_VERBS,
    short_names=("deploy",),
    categories=("all",),
    storage_version_hash="8aSe+NMegvE=",
    subresources=(("scale", "Scale", _STATUS_VERBS), ("status", "Deployment", _STATUS_VERBS)),
)

RESOURCES: tuple[ResourceType, ...] = (PODS, CONFIGMAPS, SECRETS, NAMESPACES, DEPLOYMENTS)


def resource_for(ref: str | ResourceType | JsonObject) -> ResourceType:
    """Find a resource type by plural, kind, short name, ``plural.group`` or an object's kind.

    Test code names resources in whatever way reads best; all of them resolve here.
    """
    if isinstance(ref, ResourceType):
        return ref
    if isinstance(ref, dict):
        kind = ref.get("kind")
        api_version = ref.get("apiVersion")
        for rt in RESOURCES:
            if rt.kind == kind and (api_version is None or rt.api_version == api_version):
                return rt
        raise KeyError(f"no served resource for kind {kind!r} apiVersion {api_version!r}")
    lowered = ref.lower()
    for rt in RESOURCES:
        if lowered in (rt.plural, rt.singular, rt.kind.lower(), rt.group_resource, *rt.short_names):
            return rt
    raise KeyError(f"no served resource named {ref!r}")


def resource_by_path(group: str, version: str, plural: str) -> ResourceType | None:
    """Routing lookup: the resource for a URL's group, version and plural, or None."""
    for rt in RESOURCES:
        if rt.group == group and rt.version == version and rt.plural == plural:
            return rt
    return None


# --- field order --------------------------------------------------------------------------------------

_META_ORDER = (
    "name",
    "generateName",
    "namespace",
    "selfLink",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "labels",
    "annotations",
    "ownerReferences",
    "finalizers",
    "managedFields",
)
_SORTED_MAPS_BY_KIND: dict[str, tuple[str, ...]] = {
    "ConfigMap": ("data", "binaryData"),
    "Secret": ("data", "stringData"),
}


def _ordered(mapping: JsonObject, order: tuple[str, ...]) -> JsonObject:
    out = {key: mapping[key] for key in order if key in mapping}
    out.update((key, value) for key, value in mapping.items() if key not in out)
    return out


def _sorted_map(mapping: Any) -> Any:
    if isinstance(mapping, dict):
        return {key: mapping[key] for key in sorted(mapping)}
    return mapping


def normalize(obj: JsonObject, rt: ResourceType) -> JsonObject:
    """Return a copy with kind/apiVersion set and keys in the order the Go encoder writes them.

    Go writes struct fields in declaration order and map keys sorted; objects that tests build by hand
    (or that the store stamps with a resourceVersion) would otherwise come out in insertion order.
    """
    src = copy.deepcopy(obj)
    meta = dict(src.get("metadata") or {})
    for key in ("labels", "annotations"):
        if key in meta:
            meta[key] = _sorted_map(meta[key])
    out: JsonObject = {"kind": rt.kind, "apiVersion": rt.api_version, "metadata": _ordered(meta, _META_ORDER)}
    for key, value in src.items():
        if key in ("kind", "apiVersion", "metadata"):
            continue
        out[key] = _sorted_map(value) if key in _SORTED_MAPS_BY_KIND.get(rt.kind, ()) else value
    if rt.kind == "Secret" and "type" in out:
        out["type"] = out.pop("type")
    return out


def bookmark_object(
    rt: ResourceType, resource_version: int, *, initial_events_end: bool = False
) -> JsonObject:
    """The empty object of the watched kind that a BOOKMARK event carries.

    It is what Go writes for a zero struct with only ``metadata.resourceVersion`` set (Kubernetes 1.34+
    omits the zero ``creationTimestamp``), including the ``null``/``{}`` of non-omitempty fields.
    """
    meta: JsonObject = {"resourceVersion": str(resource_version)}
    if initial_events_end:
        meta["annotations"] = {INITIAL_EVENTS_END_ANNOTATION: "true"}
    obj: JsonObject = {"kind": rt.kind, "apiVersion": rt.api_version, "metadata": meta}
    if rt.kind == "Pod":
        obj["spec"] = {"containers": None}
        obj["status"] = {}
    elif rt.kind == "Namespace":
        obj["spec"] = {}
        obj["status"] = {}
    elif rt.kind == "Deployment":
        obj["spec"] = {
            "selector": None,
            "template": {"metadata": {}, "spec": {"containers": None}},
            "strategy": {},
        }
        obj["status"] = {}
    return obj


# --- deterministic identifiers -------------------------------------------------------------------------


def random_uid(rng: random.Random) -> str:
    """A version-4 UUID drawn from ``rng`` so that seeded runs produce the same objects."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def random_suffix(rng: random.Random, length: int = 5) -> str:
    """A generated-name suffix like the ``r9ds5`` in ``nginx-deploy-679dc9c764-r9ds5``."""
    return "".join(rng.choice(NAME_ALPHABET) for _ in range(length))


def _hex(rng: random.Random, length: int = 64) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(length))


def _rng_for(rng: random.Random | None, *parts: str | None) -> random.Random:
    # Without an explicit generator, derive one from the object's identity so a named object is the same
    # every run; an unnamed one gets fresh randomness so that repeated calls give distinct names.
    if rng is not None:
        return rng
    if any(part is None for part in parts):
        return random.Random()
    return random.Random("/".join(p for p in parts if p is not None))


# --- builders ---------------------------------------------------------------------------------------------

_SA_MOUNT = "/var/run/secrets/kubernetes.io/serviceaccount"


def _condition(
    ctype: str, status: str, at: datetime, reason: str | None = None, message: str | None = None
) -> JsonObject:
    cond: JsonObject = {
        "type": ctype,
        "observedGeneration": 1,
        "status": status,
        "lastProbeTime": None,
        "lastTransitionTime": rfc3339(at),
    }
    if reason is not None:
        cond["reason"] = reason
    if message is not None:
        cond["message"] = message
    return cond


def make_pod(
    name: str | None = None,
    namespace: str = "default",
    phase: str = "Running",
    *,
    deployment: str = "nginx-deploy",
    template_hash: str = "679dc9c764",
    image: str = "nginx:1.27",
    container: str = "nginx",
    node: str = "kind-worker",
    pod_ip: str | None = None,
    ready: bool | None = None,
    restarts: int = 0,
    labels: dict[str, str] | None = None,
    created: datetime | None = None,
    rng: random.Random | None = None,
) -> JsonObject:
    """A pod as an ``nginx`` Deployment's ReplicaSet creates it and a kind kubelet reports it.

    ``phase`` is one of Pending (scheduled, ContainerCreating), Running, Succeeded, Failed, Unknown.
    ``resourceVersion`` and ``uid`` are left for the store to assign unless present; the object is
    complete enough for the pydantic models of ``kubernetes`` 37.x (every required field is present).
    """
    rs_name = f"{deployment}-{template_hash}"
    rng = _rng_for(rng, "pod", namespace, name)
    if name is None:
        name = f"{rs_name}-{random_suffix(rng)}"
    created = created or now_utc()
    started = created + timedelta(seconds=1)
    running_at = created + timedelta(seconds=3)
    if ready is None:
        ready = phase == "Running"
    if pod_ip is None:
        pod_ip = f"10.244.{rng.randint(1, 3)}.{rng.randint(2, 250)}"
    host_ip = "172.18.0.3"
    sa_volume = f"kube-api-access-{random_suffix(rng)}"
    image_ref = image if "/" in image else f"docker.io/library/{image}"
    image_id = f"{image_ref.rsplit(':', 1)[0]}@sha256:{_hex(rng)}"
    container_id = f"containerd://{_hex(rng)}"
    pod_labels = {
        "app": deployment.split("-")[0] if deployment else "nginx",
        "pod-template-hash": template_hash,
    }
    pod_labels.update(labels or {})
    rs_uid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"replicaset/{namespace}/{rs_name}"))

    metadata: JsonObject = {
        "name": name,
        "generateName": f"{rs_name}-",
        "namespace": namespace,
        "uid": random_uid(rng),
        "generation": 1,
        "creationTimestamp": rfc3339(created),
        "labels": pod_labels,
        "ownerReferences": [
            {
                "apiVersion": "apps/v1",
                "kind": "ReplicaSet",
                "name": rs_name,
                "uid": rs_uid,
                "controller": True,
                "blockOwnerDeletion": True,
            }
        ],
        "managedFields": [
            {
                "manager": "kube-controller-manager",
                "operation": "Update",
                "apiVersion": "v1",
                "time": rfc3339(created),
                "fieldsType": "FieldsV1",
                "fieldsV1": {
                    "f:metadata": {
                        "f:generateName": {},
                        "f:labels": {".": {}, **{f"f:{key}": {} for key in sorted(pod_labels)}},
                        "f:ownerReferences": {".": {}, f'k:{{"uid":"{rs_uid}"}}': {}},
                    },
                    "f:spec": {
                        "f:containers": {
                            f'k:{{"name":"{container}"}}': {
                                ".": {},
                                "f:image": {},
                                "f:imagePullPolicy": {},
                                "f:name": {},
                                "f:ports": {".": {}, 'k:{"containerPort":80,"protocol":"TCP"}': {}},
                                "f:resources": {},
                                "f:terminationMessagePath": {},
                                "f:terminationMessagePolicy": {},
                            }
                        },
                        "f:dnsPolicy": {},
                        "f:enableServiceLinks": {},
                        "f:restartPolicy": {},
                        "f:schedulerName": {},
                        "f:securityContext": {},
                        "f:terminationGracePeriodSeconds": {},
                    },
                },
            },
            {
                "manager": "kubelet",
                "operation": "Update",
                "apiVersion": "v1",
                "time": rfc3339(running_at),
                "fieldsType": "FieldsV1",
                "fieldsV1": {
                    "f:status": {
                        "f:conditions": {},
                        "f:containerStatuses": {},
                        "f:hostIP": {},
                        "f:hostIPs": {},
                        "f:observedGeneration": {},
                        "f:phase": {},
                        "f:podIP": {},
                        "f:podIPs": {},
                        "f:startTime": {},
                    }
                },
                "subresource": "status",
            },
        ],
    }

    spec: JsonObject = {
        "volumes": [
            {
                "name": sa_volume,
                "projected": {
                    "sources": [
                        {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                        {
                            "configMap": {
                                "name": "kube-root-ca.crt",
                                "items": [{"key": "ca.crt", "path": "ca.crt"}],
                            }
                        },
                        {
                            "downwardAPI": {
                                "items": [
                                    {
                                        "path": "namespace",
                                        "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"},
                                    }
                                ]
                            }
                        },
                    ],
                    "defaultMode": 420,
                },
            }
        ],
        "containers": [
            {
                "name": container,
                "image": image,
                "ports": [{"containerPort": 80, "protocol": "TCP"}],
                "resources": {},
                "volumeMounts": [{"name": sa_volume, "readOnly": True, "mountPath": _SA_MOUNT}],
                "terminationMessagePath": "/dev/termination-log",
                "terminationMessagePolicy": "File",
                "imagePullPolicy": "IfNotPresent",
            }
        ],
        "restartPolicy": "Always",
        "terminationGracePeriodSeconds": 30,
        "dnsPolicy": "ClusterFirst",
        "serviceAccountName": "default",
        "serviceAccount": "default",
        "nodeName": node,
        "securityContext": {},
        "schedulerName": "default-scheduler",
        "tolerations": [
            {
                "key": "node.kubernetes.io/not-ready",
                "operator": "Exists",
                "effect": "NoExecute",
                "tolerationSeconds": 300,
            },
            {
                "key": "node.kubernetes.io/unreachable",
                "operator": "Exists",
                "effect": "NoExecute",
                "tolerationSeconds": 300,
            },
        ],
        "priority": 0,
        "enableServiceLinks": True,
        "preemptionPolicy": "PreemptLowerPriority",
    }

    mount_status = [
        {"name": sa_volume, "mountPath": _SA_MOUNT, "readOnly": True, "recursiveReadOnly": "Disabled"}
    ]
    cstatus: JsonObject = {"name": container}
    unready_msg = f"containers with unready status: [{container}]"
    if phase == "Pending":
        cstatus["state"] = {"waiting": {"reason": "ContainerCreating"}}
        conditions = [
            _condition("PodReadyToStartContainers", "False", started),
            _condition("Initialized", "True", started),
            _condition("Ready", "False", started, "ContainersNotReady", unready_msg),
            _condition("ContainersReady", "False", started, "ContainersNotReady", unready_msg),
            _condition("PodScheduled", "True", created),
        ]
    elif phase in ("Succeeded", "Failed"):
        exit_code, reason = (0, "Completed") if phase == "Succeeded" else (1, "Error")
        cstatus["state"] = {
            "terminated": {
                "exitCode": exit_code,
                "reason": reason,
                "startedAt": rfc3339(running_at),
                "finishedAt": rfc3339(running_at + timedelta(seconds=10)),
                "containerID": container_id,
            }
        }
        pod_reason = "PodCompleted" if phase == "Succeeded" else "PodFailed"
        conditions = [
            _condition("PodReadyToStartContainers", "False", running_at),
            _condition("Initialized", "True", started, "PodCompleted" if phase == "Succeeded" else None),
            _condition("Ready", "False", running_at, pod_reason),
            _condition("ContainersReady", "False", running_at, pod_reason),
            _condition("PodScheduled", "True", created),
        ]
    else:
        cstatus["state"] = {"running": {"startedAt": rfc3339(running_at)}}
        ready_status = "True" if ready else "False"
        conditions = [
            _condition("PodReadyToStartContainers", "True", running_at),
            _condition("Initialized", "True", started),
            _condition(
                "Ready",
                ready_status,
                running_at,
                None if ready else "ContainersNotReady",
                None if ready else unready_msg,
            ),
            _condition(
                "ContainersReady",
                ready_status,
                running_at,
                None if ready else "ContainersNotReady",
                None if ready else unready_msg,
            ),
            _condition("PodScheduled", "True", created),
        ]
    if restarts:
        cstatus["lastState"] = {
            "terminated": {
                "exitCode": 1,
                "reason": "Error",
                "startedAt": rfc3339(started),
                "finishedAt": rfc3339(running_at - timedelta(seconds=1)),
                "containerID": f"containerd://{_hex(rng)}",
            }
        }
    else:
        cstatus["lastState"] = {}
    cstatus["ready"] = bool(ready) and phase not in ("Pending", "Succeeded", "Failed")
    cstatus["restartCount"] = restarts
    cstatus["image"] = image_ref if phase != "Pending" else image
    cstatus["imageID"] = image_id if phase != "Pending" else ""
    if phase != "Pending":
        cstatus["containerID"] = container_id
    cstatus["started"] = phase in ("Running", "Unknown")
    cstatus["volumeMounts"] = mount_status

    status: JsonObject = {"observedGeneration": 1, "phase": phase, "conditions": conditions}
    status["hostIP"] = host_ip
    status["hostIPs"] = [{"ip": host_ip}]
    if phase != "Pending":
        status["podIP"] = pod_ip
        status["podIPs"] = [{"ip": pod_ip}]
    status["startTime"] = rfc3339(started)
    status["containerStatuses"] = [cstatus]
    status["qosClass"] = "BestEffort"

    return normalize({"metadata": metadata, "spec": spec, "status": status}, PODS)


def make_deployment(
    name: str = "nginx-deploy",
    namespace: str = "default",
    *,
    replicas: int = 3,
    ready_replicas: int | None = None,
    image: str = "nginx:1.27",
    app: str = "nginx",
    created: datetime | None = None,
    rng: random.Random | None = None,
) -> JsonObject:
    """An apps/v1 Deployment like ``kubectl create deployment nginx-deploy --image=nginx --replicas=3``."""
    rng = _rng_for(rng, "deployment", namespace, name)
    created = created or now_utc()
    ready_replicas = replicas if ready_replicas is None else ready_replicas
    labels = {"app": app}
    status: JsonObject = {"observedGeneration": 1, "replicas": replicas, "updatedReplicas": replicas}
    if ready_replicas:
        status["readyReplicas"] = ready_replicas
        status["availableReplicas"] = ready_replicas
    if replicas - ready_replicas:
        status["unavailableReplicas"] = replicas - ready_replicas
    status["conditions"] = [
        {
            "type": "Available",
            "status": "True" if ready_replicas >= replicas else "False",
            "lastUpdateTime": rfc3339(created + timedelta(seconds=5)),
            "lastTransitionTime": rfc3339(created + timedelta(seconds=5)),
            "reason": "MinimumReplicasAvailable"
            if ready_replicas >= replicas
            else "MinimumReplicasUnavailable",
            "message": "Deployment has minimum availability."
            if ready_replicas >= replicas
            else "Deployment does not have minimum availability.",
        },
        {
            "type": "Progressing",
            "status": "True",
            "lastUpdateTime": rfc3339(created + timedelta(seconds=5)),
            "lastTransitionTime": rfc3339(created),
            "reason": "NewReplicaSetAvailable",
            "message": f'ReplicaSet "{name}-679dc9c764" has successfully progressed.',
        },
    ]
    obj: JsonObject = {
        "metadata": {
            "name": name,
            "namespace": namespace,
            "uid": random_uid(rng),
            "generation": 1,
            "creationTimestamp": rfc3339(created),
            "labels": labels,
            "annotations": {"deployment.kubernetes.io/revision": "1"},
            "managedFields": [
                {
                    "manager": "kubectl-create",
                    "operation": "Update",
                    "apiVersion": "apps/v1",
                    "time": rfc3339(created),
                    "fieldsType": "FieldsV1",
                    "fieldsV1": {
                        "f:metadata": {"f:labels": {".": {}, "f:app": {}}},
                        "f:spec": {"f:replicas": {}},
                    },
                },
                {
                    "manager": "kube-controller-manager",
                    "operation": "Update",
                    "apiVersion": "apps/v1",
                    "time": rfc3339(created + timedelta(seconds=5)),
                    "fieldsType": "FieldsV1",
                    "fieldsV1": {"f:status": {"f:availableReplicas": {}, "f:conditions": {}}},
                    "subresource": "status",
                },
            ],
        },
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {
                    "containers": [
                        {
                            "name": image.split("/")[-1].split(":")[0],
                            "image": image,
                            "resources": {},
                            "terminationMessagePath": "/dev/termination-log",
                            "terminationMessagePolicy": "File",
                            "imagePullPolicy": "IfNotPresent",
                        }
                    ],
                    "restartPolicy": "Always",
                    "terminationGracePeriodSeconds": 30,
                    "dnsPolicy": "ClusterFirst",
                    "securityContext": {},
                    "schedulerName": "default-scheduler",
                },
            },
            "strategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"},
            },
            "revisionHistoryLimit": 10,
            "progressDeadlineSeconds": 600,
        },
        "status": status,
    }
    return normalize(obj, DEPLOYMENTS)


def make_namespace(
    name: str, *, created: datetime | None = None, rng: random.Random | None = None
) -> JsonObject:
    """A Namespace with the automatic ``kubernetes.io/metadata.name`` label and the default finalizer."""
    rng = _rng_for(rng, "namespace", name)
    created = created or now_utc()
    obj: JsonObject = {
        "metadata": {
            "name": name,
            "uid": random_uid(rng),
            "creationTimestamp": rfc3339(created),
            "labels": {"kubernetes.io/metadata.name": name},
            "managedFields": [
                {
                    "manager": "kube-apiserver",
                    "operation": "Update",
                    "apiVersion": "v1",
                    "time": rfc3339(created),
                    "fieldsType": "FieldsV1",
                    "fieldsV1": {"f:metadata": {"f:labels": {".": {}, "f:kubernetes.io/metadata.name": {}}}},
                }
            ],
        },
        "spec": {"finalizers": ["kubernetes"]},
        "status": {"phase": "Active"},
    }
    return normalize(obj, NAMESPACES)


def make_configmap(
    name: str,
    namespace: str = "default",
    data: dict[str, str] | None = None,
    *,
    labels: dict[str, str] | None = None,
    created: datetime | None = None,
    rng: random.Random | None = None,
) -> JsonObject:
    """A ConfigMap; ``data`` keys come out sorted as Go writes maps."""
    rng = _rng_for(rng, "configmap", namespace, name)
    meta: JsonObject = {
        "name": name,
        "namespace": namespace,
        "uid": random_uid(rng),
        "creationTimestamp": rfc3339(created or now_utc()),
    }
    if labels:
        meta["labels"] = labels
    obj: JsonObject = {"metadata": meta}
    if data is not None:
        obj["data"] = dict(data)
    return normalize(obj, CONFIGMAPS)


def make_secret(
    name: str,
    namespace: str = "default",
    data: dict[str, str | bytes] | None = None,
    *,
    secret_type: str = "Opaque",
    labels: dict[str, str] | None = None,
    created: datetime | None = None,
    rng: random.Random | None = None,
) -> JsonObject:
    """A Secret whose ``data`` values are base64 as on the wire, so redaction can be tested.

    Plain-text values are encoded here; the caller passes the secret material it wants to look for.
    """
    rng = _rng_for(rng, "secret", namespace, name)
    meta: JsonObject = {
        "name": name,
        "namespace": namespace,
        "uid": random_uid(rng),
        "creationTimestamp": rfc3339(created or now_utc()),
    }
    if labels:
        meta["labels"] = labels
    obj: JsonObject = {"metadata": meta}
    if data is not None:
        obj["data"] = {
            key: base64.b64encode(value if isinstance(value, bytes) else value.encode()).decode()
            for key, value in data.items()
        }
    obj["type"] = secret_type
    return normalize(obj, SECRETS)


DEFAULT_NAMESPACES = ("default", "kube-node-lease", "kube-public", "kube-system")
