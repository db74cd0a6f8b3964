"""Complete, realistic objects from a scenario's compact descriptions, and their changes.

Clients validate what they receive (the Python `kubernetes` 37 client checks every required field with
pydantic; a container status without `imageID` is rejected), and people read recordings next to real
ones. So a compact `{kind: Pod, name: x, phase: Running}` becomes the pod a v1.36 cluster would show for
an nginx container on minikube, with keys in Go struct order, and a phase change rewrites status,
conditions and container states together, the way the kubelet does.
"""

from __future__ import annotations

import base64
import copy
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ..apiserver import goorder
from ..apiserver.defaults import pull_policy
from ..apiserver.patch import merge_patch
from ..wire.kinds import ResourceType
from .encoding import hex_for, rfc3339, rng_for, suffix_for, uid_for
from .scenario import ObjectSpec, ScenarioError
from .schema import POD_PHASES

Obj = dict[str, Any]
_SA_MOUNT = "/var/run/secrets/kubernetes.io/serviceaccount"
_IDENTITY = (("kind",), ("apiVersion",), ("metadata", "name"), ("metadata", "namespace"),
             ("metadata", "uid"), ("metadata", "resourceVersion"))


def normalize(obj: Obj, rt: ResourceType) -> Obj:
    """In the apiserver's key order (apiserver/goorder.py): hand-written and patched objects would otherwise
    come out in YAML order, and the bytes would not look like an apiserver's."""
    return goorder.normalize(obj, rt.kind, rt.api_version)


# --- pods ---------------------------------------------------------------------------------------------


def _image_ref(image: str) -> str:
    """What the runtime reports: docker.io/library/nginx:latest for nginx."""
    ref = image.split("@")[0]
    repo, tag = ref.rsplit(":", 1) if ":" in ref.split("/")[-1] else (ref, "latest")
    first = repo.split("/")[0]
    if "/" not in repo:
        repo = f"docker.io/library/{repo}"
    elif "." not in first and ":" not in first and first != "localhost":
        repo = f"docker.io/{repo}"
    return f"{repo}:{tag}"


@dataclass(slots=True)
class PodModel:
    """What a compact pod was created with, and when it reached each stage: enough to re-render status."""

    name: str
    namespace: str
    image: str
    container: str
    node: str
    host_ip: str
    ip: str
    port: int | None
    replicaset: str
    restarts: int
    sa_volume: str
    image_digest: str
    container_id: str
    times: dict[str, datetime] = field(default_factory=dict)

    def reach(self, phase: str, at: datetime) -> None:
        """Record `phase` (and any earlier stage never seen) as reached at `at`."""
        for stage in POD_PHASES[: POD_PHASES.index(phase) + 1]:
            if stage == phase or stage not in ("Succeeded", "Failed"):
                self.times.setdefault(stage, at)


def new_pod_model(seed: int, spec: ObjectSpec, incarnation: int) -> PodModel:
    f = spec.fields
    ident = (spec.namespace, spec.name, incarnation)
    image = str(f.get("image", "nginx"))
    ip_rng = rng_for(seed, "pod-ip", *ident)
    return PodModel(
        name=spec.name, namespace=spec.namespace, image=image,
        container=image.split("/")[-1].split(":")[0].split("@")[0] or "app",
        node=str(f.get("node", "minikube")), host_ip=str(f.get("host_ip", "192.168.49.2")),
        ip=str(f.get("ip", f"10.244.0.{ip_rng.randint(2, 254)}")),
        port=f.get("port"), replicaset=str(f.get("replicaset", "")), restarts=int(f.get("restarts", 0)),
        sa_volume=f"kube-api-access-{suffix_for(seed, 5, 'sa', *ident)}",
        image_digest=hex_for(seed, 64, "image", image), container_id=hex_for(seed, 64, "container", *ident),
    )


def _condition(ctype: str, status: str, at: datetime, reason: str | None = None,
               message: str | None = None) -> Obj:
    cond: Obj = {"type": ctype, "observedGeneration": 1, "status": status, "lastProbeTime": None,
                 "lastTransitionTime": rfc3339(at)}
    if reason is not None:
        cond["reason"] = reason
    if message is not None:
        cond["message"] = message
    return cond


def _pod_metadata(seed: int, pm: PodModel, spec: ObjectSpec, created: datetime, incarnation: int) -> Obj:
    labels = dict(spec.fields.get("labels") or {})
    meta: Obj = {"name": pm.name}
    if pm.replicaset:
        meta["generateName"] = f"{pm.replicaset}-"
        labels.setdefault("pod-template-hash", pm.replicaset.rsplit("-", 1)[-1])
    meta.update(namespace=pm.namespace, uid=uid_for(seed, "Pod", pm.namespace, pm.name, incarnation),
                generation=1, creationTimestamp=rfc3339(created))
    if labels:
        meta["labels"] = labels
    if spec.fields.get("annotations"):
        meta["annotations"] = dict(spec.fields["annotations"])
    if pm.replicaset:
        meta["ownerReferences"] = [{
            "apiVersion": "apps/v1", "kind": "ReplicaSet", "name": pm.replicaset,
            "uid": uid_for(seed, "ReplicaSet", pm.namespace, pm.replicaset), "controller": True,
            "blockOwnerDeletion": True}]
    return meta


def _pod_spec(pm: PodModel) -> Obj:
    container: Obj = {"name": pm.container, "image": pm.image}
    if pm.port is not None:
        container["ports"] = [{"containerPort": pm.port, "protocol": "TCP"}]
    container.update(
        resources={}, volumeMounts=[{"name": pm.sa_volume, "readOnly": True, "mountPath": _SA_MOUNT}],
        terminationMessagePath="/dev/termination-log", terminationMessagePolicy="File",
        imagePullPolicy=pull_policy(pm.image))
    projected = {"sources": [
        {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
        {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
        {"downwardAPI": {"items": [{"path": "namespace",
                                    "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}}]}},
    ], "defaultMode": 420}
    toleration = {"operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}
    return {
        "volumes": [{"name": pm.sa_volume, "projected": projected}],
        "containers": [container],
        "restartPolicy": "Always", "terminationGracePeriodSeconds": 30, "dnsPolicy": "ClusterFirst",
        "serviceAccountName": "default", "serviceAccount": "default", "securityContext": {},
        "schedulerName": "default-scheduler",
        "tolerations": [{"key": "node.kubernetes.io/not-ready", **toleration},
                        {"key": "node.kubernetes.io/unreachable", **toleration}],
        "priority": 0, "enableServiceLinks": True, "preemptionPolicy": "PreemptLowerPriority",
    }


def _container_state(pm: PodModel, phase: str) -> Obj:
    t = pm.times
    if phase in ("Pending", "Scheduled", "ContainerCreating"):
        return {"waiting": {"reason": "ContainerCreating"}}
    if phase == "Running":
        return {"running": {"startedAt": rfc3339(t["Running"])}}
    code, reason = (0, "Completed") if phase == "Succeeded" else (1, "Error")
    return {"terminated": {"exitCode": code, "reason": reason,
                           "startedAt": rfc3339(t.get("Running", t[phase])),
                           "finishedAt": rfc3339(t[phase]), "containerID": f"containerd://{pm.container_id}"}}


def _container_status(pm: PodModel, phase: str) -> Obj:
    created = phase != "ContainerCreating"  # the runtime has resolved the image and made the container
    cs: Obj = {"name": pm.container, "state": _container_state(pm, phase), "lastState": {}}
    if pm.restarts:
        first = pm.times.get("ContainerCreating", pm.times["Scheduled"])
        cs["lastState"] = {"terminated": {
            "exitCode": 1, "reason": "Error", "startedAt": rfc3339(first),
            "finishedAt": rfc3339(first + timedelta(seconds=1)),
            "containerID": f"containerd://{pm.container_id[::-1]}"}}
    cs.update(ready=phase == "Running", restartCount=pm.restarts,
              image=_image_ref(pm.image) if created else pm.image,
              imageID=f"{_image_ref(pm.image).rsplit(':', 1)[0]}@sha256:{pm.image_digest}" if created else "")
    if created:
        cs["containerID"] = f"containerd://{pm.container_id}"
    cs["started"] = phase == "Running"
    cs["volumeMounts"] = [{"name": pm.sa_volume, "mountPath": _SA_MOUNT, "readOnly": True,
                           "recursiveReadOnly": "Disabled"}]
    return cs


def _conditions(pm: PodModel, phase: str) -> list[Obj]:
    t = pm.times
    scheduled = _condition("PodScheduled", "True", t["Scheduled"])
    if phase == "Scheduled":
        return [scheduled]
    init = t["ContainerCreating"]
    if phase == "ContainerCreating":
        msg = f"containers with unready status: [{pm.container}]"
        return [_condition("PodReadyToStartContainers", "False", init),
                _condition("Initialized", "True", init),
                _condition("Ready", "False", init, "ContainersNotReady", msg),
                _condition("ContainersReady", "False", init, "ContainersNotReady", msg), scheduled]
    if phase == "Running":
        run = t["Running"]
        return [_condition("PodReadyToStartContainers", "True", run), _condition("Initialized", "True", init),
                _condition("Ready", "True", run), _condition("ContainersReady", "True", run), scheduled]
    end = t[phase]
    reason = "PodCompleted" if phase == "Succeeded" else "PodFailed"
    return [_condition("PodReadyToStartContainers", "False", end),
            _condition("Initialized", "True", init, "PodCompleted" if phase == "Succeeded" else None),
            _condition("Ready", "False", end, reason), _condition("ContainersReady", "False", end, reason),
            scheduled]


def pod_status(pm: PodModel, phase: str) -> Obj:
    """The status the kubelet (or, before it, the scheduler) reports at this stage."""
    real_phase = phase if phase in ("Running", "Succeeded", "Failed") else "Pending"
    if phase == "Pending":
        return {"phase": "Pending", "qosClass": "BestEffort"}
    if phase == "Scheduled":
        return {"phase": "Pending", "conditions": _conditions(pm, phase), "qosClass": "BestEffort"}
    status: Obj = {"observedGeneration": 1, "phase": real_phase, "conditions": _conditions(pm, phase),
                   "hostIP": pm.host_ip, "hostIPs": [{"ip": pm.host_ip}]}
    if phase != "ContainerCreating":
        status.update(podIP=pm.ip, podIPs=[{"ip": pm.ip}])
    status["startTime"] = rfc3339(pm.times["ContainerCreating"])
    status["containerStatuses"] = [_container_status(pm, phase)]
    status["qosClass"] = "BestEffort"
    return status


def _pod_managed_fields(pm: PodModel, phase: str, meta: Obj) -> list[Obj]:
    created = meta["creationTimestamp"]
    labels: Obj = {".": {}, **{f"f:{k}": {} for k in sorted(meta.get("labels") or {})}}
    f_meta: Obj = {}
    if pm.replicaset:
        f_meta["f:generateName"] = {}
    if meta.get("labels"):
        f_meta["f:labels"] = labels
    if pm.replicaset:
        f_meta["f:ownerReferences"] = {".": {}, f'k:{{"uid":"{meta["ownerReferences"][0]["uid"]}"}}': {}}
    container: Obj = {".": {}, "f:image": {}, "f:imagePullPolicy": {}, "f:name": {}}
    if pm.port is not None:
        container["f:ports"] = {".": {}, f'k:{{"containerPort":{pm.port},"protocol":"TCP"}}': {}}
    container.update({"f:resources": {}, "f:terminationMessagePath": {}, "f:terminationMessagePolicy": {}})
    f_spec = {"f:containers": {f'k:{{"name":"{pm.container}"}}': container}, "f:dnsPolicy": {},
              "f:enableServiceLinks": {}, "f:restartPolicy": {}, "f:schedulerName": {},
              "f:securityContext": {}, "f:terminationGracePeriodSeconds": {}}
    entries: list[Obj] = [{
        "manager": "kube-controller-manager" if pm.replicaset else "kubectl-run", "operation": "Update",
        "apiVersion": "v1", "time": created, "fieldsType": "FieldsV1",
        "fieldsV1": {"f:metadata": f_meta, "f:spec": f_spec}}]
    if phase in ("Pending", "Scheduled"):
        return entries
    f_status: Obj = {"f:conditions": {}, "f:containerStatuses": {}, "f:hostIP": {}, "f:hostIPs": {},
                     "f:observedGeneration": {}, "f:phase": {}}
    if phase != "ContainerCreating":
        ip_key = f'k:{{"ip":"{pm.ip}"}}'
        f_status.update({"f:podIP": {}, "f:podIPs": {".": {}, ip_key: {".": {}, "f:ip": {}}}})
    f_status["f:startTime"] = {}
    latest = max(pm.times.values())
    entries.append({"manager": "kubelet", "operation": "Update", "apiVersion": "v1", "time": rfc3339(latest),
                    "fieldsType": "FieldsV1", "fieldsV1": {"f:status": f_status}, "subresource": "status"})
    return entries


def render_pod_stage(obj: Obj, pm: PodModel, phase: str, managed_fields: bool) -> Obj:
    """The pod `obj` at `phase`: nodeName, status and the kubelet's managedFields follow the stage."""
    out = copy.deepcopy(obj)
    spec = out.setdefault("spec", {})
    if phase == "Pending":
        spec.pop("nodeName", None)
    else:
        spec["nodeName"] = pm.node
    out["status"] = pod_status(pm, phase)
    meta = out["metadata"]
    if managed_fields:
        meta["managedFields"] = _pod_managed_fields(pm, phase, meta)
    return out


def new_pod(seed: int, spec: ObjectSpec, pm: PodModel, created: datetime, incarnation: int,
            managed_fields: bool) -> Obj:
    phase = str(spec.fields.get("phase", "Running"))
    meta = _pod_metadata(seed, pm, spec, created, incarnation)
    return render_pod_stage({"metadata": meta, "spec": _pod_spec(pm)}, pm, phase, managed_fields)


# --- other kinds --------------------------------------------------------------------------------------


def _deployment(seed: int, spec: ObjectSpec, created: datetime, incarnation: int) -> Obj:
    f = spec.fields
    name = spec.name
    replicas = int(f.get("replicas", 1))
    ready = int(f.get("ready_replicas", replicas))
    image = str(f.get("image", "nginx"))
    labels = dict(f.get("labels") or {"app": name})
    rs_hash = suffix_for(seed, 10, "rs", spec.namespace, name)
    when = rfc3339(created)
    available = ready >= replicas
    status: Obj = {"observedGeneration": 1, "replicas": replicas, "updatedReplicas": replicas}
    if ready:
        status.update(readyReplicas=ready, availableReplicas=ready)
    if replicas > ready:
        status["unavailableReplicas"] = replicas - ready
    status["conditions"] = [
        {"type": "Available", "status": "True" if available else "False", "lastUpdateTime": when,
         "lastTransitionTime": when,
         "reason": "MinimumReplicasAvailable" if available else "MinimumReplicasUnavailable",
         "message": "Deployment has minimum availability." if available
         else "Deployment does not have minimum availability."},
        {"type": "Progressing", "status": "True", "lastUpdateTime": when, "lastTransitionTime": when,
         "reason": "NewReplicaSetAvailable",
         "message": f'ReplicaSet "{name}-{rs_hash}" has successfully progressed.'},
    ]
    meta: Obj = {"name": name, "namespace": spec.namespace,
                 "uid": uid_for(seed, "Deployment", spec.namespace, name, incarnation), "generation": 1,
                 "creationTimestamp": when, "labels": labels,
                 "annotations": {"deployment.kubernetes.io/revision": "1", **(f.get("annotations") or {})}}
    container = {"name": image.split("/")[-1].split(":")[0], "image": image, "resources": {},
                 "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
                 "imagePullPolicy": pull_policy(image)}
    return {"metadata": meta, "spec": {
        "replicas": replicas, "selector": {"matchLabels": labels},
        "template": {"metadata": {"labels": labels}, "spec": {
            "containers": [container], "restartPolicy": "Always", "terminationGracePeriodSeconds": 30,
            "dnsPolicy": "ClusterFirst", "securityContext": {}, "schedulerName": "default-scheduler"}},
        "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}},
        "revisionHistoryLimit": 10, "progressDeadlineSeconds": 600}, "status": status}


def _generic(seed: int, spec: ObjectSpec, created: datetime, incarnation: int) -> Obj:
    f = spec.fields
    meta: Obj = {"name": spec.name}
    if spec.namespace:
        meta["namespace"] = spec.namespace
    meta.update(uid=uid_for(seed, spec.type.kind, spec.namespace, spec.name, incarnation),
                creationTimestamp=rfc3339(created))
    labels = dict(f.get("labels") or {})
    if spec.type.kind == "Namespace":
        labels.setdefault("kubernetes.io/metadata.name", spec.name)
    if labels:
        meta["labels"] = labels
    if f.get("annotations"):
        meta["annotations"] = dict(f["annotations"])
    obj: Obj = {"metadata": meta}
    skip = {"kind", "api_version", "apiVersion", "name", "namespace", "labels", "annotations"}
    obj.update((k, copy.deepcopy(v)) for k, v in f.items() if k not in skip)
    if spec.type.kind == "Namespace":
        obj.setdefault("spec", {"finalizers": ["kubernetes"]})
        obj.setdefault("status", {"phase": "Active"})
    if spec.type.kind == "Secret":
        _encode_secret(obj, spec.where)
    return obj


def _encode_secret(obj: Obj, where: str) -> None:
    """Compact Secrets give `data` as plain text; the API carries it base64-encoded."""
    data = obj.get("data")
    if data is None:
        obj.setdefault("type", "Opaque")
        return
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise ScenarioError(f"{where}.data", "expected a mapping of strings (plain text; synth encodes it)")
    obj["data"] = {k: base64.b64encode(v.encode()).decode() for k, v in data.items()}
    obj.setdefault("type", "Opaque")


def _full(seed: int, spec: ObjectSpec, created: datetime, incarnation: int) -> Obj:
    """A full object from the scenario: filled in only where the apiserver would fill it in."""
    obj = copy.deepcopy(spec.fields)
    obj.pop("api_version", None)
    meta = obj.setdefault("metadata", {})
    meta.setdefault("uid", uid_for(seed, spec.type.kind, spec.namespace, spec.name, incarnation))
    meta.setdefault("creationTimestamp", rfc3339(created))
    if spec.namespace:
        meta["namespace"] = spec.namespace
    return obj


def new_object(seed: int, spec: ObjectSpec, created: datetime, incarnation: int, managed_fields: bool,
               pod: PodModel | None) -> Obj:
    """The object `spec` describes, created at `created` (resourceVersion is stamped by the caller)."""
    if spec.full:
        obj = _full(seed, spec, created, incarnation)
    elif pod is not None:
        obj = new_pod(seed, spec, pod, created, incarnation, managed_fields)
    elif spec.type.kind == "Deployment":
        obj = _deployment(seed, spec, created, incarnation)
    else:
        obj = _generic(seed, spec, created, incarnation)
    return normalize(obj, spec.type)


def apply_patch(obj: Obj, patch: dict[str, Any], where: str, rt: ResourceType) -> Obj:
    """Merge-patch `obj`, refusing to touch what identifies it; a spec change bumps generation."""
    out = merge_patch(obj, patch)
    for path in _IDENTITY:
        if _dig(out, path) != _dig(obj, path):
            raise ScenarioError(f"{where}.patch", f"cannot change {'.'.join(path)} (it identifies the object "
                                                  "or is managed by synth)")
    if "generation" in obj["metadata"] and out.get("spec") != obj.get("spec"):
        out["metadata"]["generation"] = obj["metadata"]["generation"] + 1
    return normalize(out, rt)


def _dig(obj: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj
