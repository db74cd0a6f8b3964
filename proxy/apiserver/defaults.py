"""The defaults a kube-apiserver fills in on every object it decodes, and the strategy and admission steps
that add fields on create: what a controller reads back after it writes.

From k8s.io/kubernetes pkg/apis/{core,apps,batch,...}/v1/defaults.go and the declarative `+default`
markers (SetObjectDefaults_*), the pod, job and service strategies' PrepareForCreate, and the default
admission plugins of a 1.37 apiserver (Priority, DefaultTolerationSeconds, StorageObjectInUseProtection).
Checked against the real kube-apiserver by tests/writes_differential.py, which compares whole objects.

Not modelled: the ServiceAccount admission plugin (off in the test apiserver, on in real clusters: a pod
there also gets `serviceAccountName: default` and a projected token volume) and webhooks (LimitRanger is
limitranger.py's, run by the emulate engine, which reads the namespace's LimitRanges);
the IP and port a Service gets are drawn from the write's uid, not from an allocator that knows the
cluster's ranges. Quantities are canonicalized when the object is encoded (goorder.encoded).
"""

from __future__ import annotations

import base64
import copy
import hashlib
import re
from collections.abc import Callable, Iterator
from typing import Any

from ..wire import gotypes
from ..wire.conversion import TEMPLATE_GENERATION
from . import apiservices, autoscalingv1, crds, crdtypes, nodeports, podresources, serviceips
from .internal import semantic_internal

Obj = dict[str, Any]

_TOLERATIONS: list[Obj] = [{"key": f"node.kubernetes.io/{k}", "operator": "Exists", "effect": "NoExecute",
                            "tolerationSeconds": 300} for k in ("not-ready", "unreachable")]
# admission's TaintNodesByCondition: a new node is not ready until its kubelet says so
NOT_READY_TAINT: Obj = {"key": "node.kubernetes.io/not-ready", "effect": "NoSchedule"}
# admission's PodTopologyLabels: the node labels a pod bound to it gets (the plugin's default set)
TOPOLOGY_LABELS = ("topology.kubernetes.io/zone", "topology.kubernetes.io/region")
_PROBES = ("livenessProbe", "readinessProbe", "startupProbe")
_HOOKS = ("postStart", "preStop")  # a container's lifecycle hooks
_CONTAINER_LISTS = ("initContainers", "containers", "ephemeralContainers")
_MODE_420 = ("secret", "configMap", "downwardAPI", "projected")  # 0644, as the volume sources default


def _d(obj: Obj, key: str, value: Any) -> Any:
    """Set a field the client left empty (absent, null, "" or 0: Go cannot tell them apart for a value
    field; pointer fields are set only when absent or null, through _p)."""
    if obj.get(key) in (None, "", 0, [], {}) and obj.get(key) is not False:
        obj[key] = copy.deepcopy(value)
    return obj[key]


def _p(obj: Obj, key: str, value: Any) -> Any:
    if obj.get(key) is None:
        obj[key] = copy.deepcopy(value)
    return obj[key]


def _dicts(value: Any) -> list[Obj]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _sub(obj: Obj, key: str) -> Obj | None:
    value = obj.get(key)
    return value if isinstance(value, dict) else None


_PATH_PART = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_DOMAIN_PART = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DIGEST = r"@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}"
_IMAGE = re.compile(rf"(?:{_DOMAIN_PART}(?:\.{_DOMAIN_PART})*(?::[0-9]+)?/)?{_PATH_PART}(?:/{_PATH_PART})*"
                    rf"(?::\w[\w.-]{{0,127}})?(?:{_DIGEST})?", re.ASCII)


def pull_policy(image: Any) -> str:
    """IfNotPresent, or Always for an image tagged latest or not tagged (docker's reference parser). An image
    the parser refuses (none, or one with capitals) has no tag, so IfNotPresent: validation speaks of it."""
    if not isinstance(image, str) or not _IMAGE.fullmatch(image) or "@" in image:
        return "IfNotPresent"
    last = image.rsplit("/", 1)[-1]
    tag = last.split(":", 1)[1] if ":" in last else "latest"
    return "Always" if tag == "latest" else "IfNotPresent"


def _probe(probe: Obj) -> None:
    for key, value in (("timeoutSeconds", 1), ("periodSeconds", 10), ("successThreshold", 1),
                       ("failureThreshold", 3)):
        _d(probe, key, value)
    _http_get(probe)
    if (grpc := _sub(probe, "grpc")) is not None:
        _p(grpc, "service", "")


def _http_get(handler: Obj) -> None:
    """SetDefaults_HTTPGetAction: a probe's and a lifecycle hook's."""
    if (get := _sub(handler, "httpGet")) is not None:
        _d(get, "path", "/")
        _d(get, "scheme", "HTTP")


def _field_ref(holder: Obj | None) -> None:
    if holder is not None and (ref := _sub(holder, "fieldRef")) is not None:
        _d(ref, "apiVersion", "v1")


def _container(c: Obj) -> None:
    _d(c, "imagePullPolicy", pull_policy(c.get("image")))
    _d(c, "terminationMessagePath", "/dev/termination-log")
    _d(c, "terminationMessagePolicy", "File")
    for port in _dicts(c.get("ports")):
        _d(port, "protocol", "TCP")
    for key in _PROBES:
        if (probe := _sub(c, key)) is not None:
            _probe(probe)
    for hook in _HOOKS:
        if (handler := _sub(_sub(c, "lifecycle") or {}, hook)) is not None:
            _http_get(handler)
    for env in _dicts(c.get("env")):
        _field_ref(_sub(env, "valueFrom"))
        if (file_key := _sub(_sub(env, "valueFrom") or {}, "fileKeyRef")) is not None:
            _p(file_key, "optional", False)


def azure_disk(source: Obj | None) -> None:
    """SetDefaults_AzureDiskVolumeSource (a pod's volume, a persistent volume)."""
    if source is not None:
        _p(source, "cachingMode", "ReadWrite")
        _p(source, "fsType", "ext4")
        _p(source, "readOnly", False)
        _p(source, "kind", "Shared")


# the sources' own defaults (their +default markers; a host path's SetDefaults), a pod's volume's and a
# persistent volume's alike: (source, field, value)
_SOURCE_DEFAULTS = (("hostPath", "type", ""), ("iscsi", "iscsiInterface", "default"), ("rbd", "pool", "rbd"),
                    ("rbd", "user", "admin"), ("rbd", "keyring", "/etc/ceph/keyring"),
                    ("scaleIO", "storageMode", "ThinProvisioned"), ("scaleIO", "fsType", "xfs"))


def _source_defaults(holder: Obj) -> None:
    for key, field, value in _SOURCE_DEFAULTS:
        if (source := _sub(holder, key)) is not None:
            (_p if key == "hostPath" else _d)(source, field, value)


def _volume(v: Obj) -> None:
    if not any(isinstance(val, dict) for k, val in v.items() if k != "name"):
        v["emptyDir"] = {}
    _source_defaults(v)
    if (image := _sub(v, "image")) is not None and not image.get("pullPolicy"):  # (as a container's image)
        image["pullPolicy"] = pull_policy(image.get("reference"))
    for key in _MODE_420:
        if (source := _sub(v, key)) is not None:
            _p(source, "defaultMode", 420)
    azure_disk(_sub(v, "azureDisk"))
    if (template := _sub(_sub(v, "ephemeral") or {}, "volumeClaimTemplate")) is not None:
        _pvc_spec(_p(template, "spec", {}))
    if (downward := _sub(v, "downwardAPI")) is not None:
        for item in _dicts(downward.get("items")):
            _field_ref(item)
    for projection in _dicts((_sub(v, "projected") or {}).get("sources")):
        if (token := _sub(projection, "serviceAccountToken")) is not None:
            _p(token, "expirationSeconds", 3600)
        for item in _dicts((_sub(projection, "downwardAPI") or {}).get("items")):
            _field_ref(item)


def _merge_label_keys(spec: Obj, labels: Obj) -> None:
    """The pod strategy's mutatePodAffinity and mutateTopologySpreadConstraints, on create: each label key a
    term or constraint names is added to its selector with the pod's own value (In, NotIn for mismatch keys)."""
    affinity = _sub(spec, "affinity") or {}
    terms = [t for kind in ("podAffinity", "podAntiAffinity")
             for t in [*_dicts((_sub(affinity, kind) or {}).get("requiredDuringSchedulingIgnoredDuringExecution")),
                       *[_sub(w, "podAffinityTerm") or {} for w in
                         _dicts((_sub(affinity, kind) or {}).get("preferredDuringSchedulingIgnoredDuringExecution"))]]]
    keyed: list[tuple[Obj, tuple[tuple[str, str], ...]]] = [
        (t, (("matchLabelKeys", "In"), ("mismatchLabelKeys", "NotIn"))) for t in terms]
    keyed += [(c, (("matchLabelKeys", "In"),)) for c in _dicts(spec.get("topologySpreadConstraints"))]
    for holder, fields in keyed:
        if (selector := _sub(holder, "labelSelector")) is None:
            continue
        added = [{"key": k, "operator": op, "values": [labels[k]]} for field, op in fields
                 for k in holder.get(field) or [] if isinstance(k, str) and isinstance(labels.get(k), str)]
        if added:
            selector["matchExpressions"] = [*(selector.get("matchExpressions") or []), *added]


def pod_spec(spec: Obj) -> None:
    """SetDefaults_PodSpec and what it reaches: every PodSpec, in a Pod or a template."""
    if spec.get("serviceAccountName") or spec.get("serviceAccount"):
        spec["serviceAccountName"] = spec.get("serviceAccountName") or spec["serviceAccount"]
        spec["serviceAccount"] = spec["serviceAccountName"]
    _d(spec, "dnsPolicy", "ClusterFirst")
    _d(spec, "restartPolicy", "Always")
    _p(spec, "securityContext", {})
    _p(spec, "terminationGracePeriodSeconds", 30)
    _d(spec, "schedulerName", "default-scheduler")
    for key in _CONTAINER_LISTS:
        for c in _dicts(spec.get(key)):
            _container(c)
    for v in _dicts(spec.get("volumes")):
        _volume(v)


# the init containers' annotations of before 1.8, which the pod strategies drop (DropInitContainerAnnotations)
INIT_CONTAINER_ANNOTATIONS = frozenset(f"pod.{stage}.kubernetes.io/init-container{s}" for stage in ("alpha", "beta")
                                       for s in ("s", "-statuses"))


def drop_init_container_annotations(meta: Obj | None) -> None:
    annotations = _sub(meta, "annotations") if meta is not None else None
    if meta is None or annotations is None or INIT_CONTAINER_ANNOTATIONS.isdisjoint(annotations):
        return
    kept = {k: v for k, v in annotations.items() if k not in INIT_CONTAINER_ANNOTATIONS}
    if kept:
        meta["annotations"] = kept
    else:
        del meta["annotations"]  # (an empty map is left out)


def _template(holder: Obj | None) -> None:
    if holder is not None and (template := _sub(holder, "template")) is not None:
        drop_init_container_annotations(_sub(template, "metadata"))
        if (spec := _sub(template, "spec")) is not None:
            pod_spec(spec)


def _tolerates(t: Obj, key: str) -> bool:
    """Whether a toleration already covers the NoExecute taint of that key as DefaultTolerationSeconds reads it:
    that key or none (whatever its operator), that effect or none."""
    return t.get("key") in (key, None, "") and t.get("effect") in (None, "", "NoExecute")


def _pod(obj: Obj, creating: bool, _uid: str = "") -> None:
    drop_init_container_annotations(_sub(obj, "metadata"))
    if isinstance(status := obj.get("status"), dict):
        _pod_ips(status)
    spec = obj.setdefault("spec", {})
    if not isinstance(spec, dict):
        return
    if isinstance(spec.get("terminationGracePeriodSeconds"), int) and spec["terminationGracePeriodSeconds"] < 0:
        spec["terminationGracePeriodSeconds"] = 1
    for key in ("containers", "initContainers"):
        for c in _dicts(spec.get(key)):
            resources = _sub(c, "resources")
            if resources is not None and isinstance(resources.get("limits"), dict):
                requests = _p(resources, "requests", {})
                for name, value in resources["limits"].items():
                    requests.setdefault(name, value)
    pod_spec(spec)
    _p(spec, "enableServiceLinks", True)
    # admission: DefaultTolerationSeconds, on updates too (so an update that drops them gets them back)
    tolerations: list[Any] = list(spec["tolerations"]) if isinstance(spec.get("tolerations"), list) else []
    for wanted in _TOLERATIONS:
        if not any(_tolerates(t, wanted["key"]) for t in _dicts(tolerations)):
            tolerations.append(copy.deepcopy(wanted))
    spec["tolerations"] = tolerations
    if not creating:
        return
    _merge_label_keys(spec, (obj.get("metadata") or {}).get("labels") or {})
    podresources.default(spec)
    # the pod strategy's PrepareForCreate: a new pod is Pending, whatever status the client sent
    obj["status"] = {"phase": "Pending", "qosClass": podresources.qos_class(spec)}


def _pod_ips(status: Obj) -> None:
    """SetDefaults_PodStatus: podIP and podIPs kept in step, podIP winning where they differ (an older kubelet
    sets it alone)."""
    ip = status.get("podIP") or ""
    ips = status["podIPs"] if isinstance(status.get("podIPs"), list) else []
    first = (ips[0].get("ip") or "") if ips and isinstance(ips[0], dict) else ""
    if ip and (not ips or first != ip):
        status["podIPs"] = [{"ip": ip}]
    elif not ip and first:
        status["podIP"] = first


def qos_again(pod: Obj) -> None:
    """The QoS class of a new pod whose containers' resources admission changed (LimitRanger's defaults)."""
    if isinstance(status := pod.get("status"), dict) and isinstance(spec := pod.get("spec"), dict):
        status["qosClass"] = podresources.qos_class(spec)


def _node(obj: Obj, creating: bool, _uid: str = "") -> None:
    """The pod CIDRs as v1 and the internal type hold them both ways (podCIDR, when given, is the first: older
    clients set it alone); what is allocatable, where not said, all the capacity; a new node not ready, until its
    kubelet says so."""
    spec = obj.setdefault("spec", {})
    if not isinstance(spec, dict):
        return
    status = _sub(obj, "status")
    if status is not None and isinstance(status.get("capacity"), dict) and status.get("allocatable") is None:
        status["allocatable"] = dict(status["capacity"])  # SetDefaults_NodeStatus
    single, cidrs = spec.get("podCIDR"), spec.get("podCIDRs")
    if single and (not cidrs or cidrs[0] != single):
        spec["podCIDRs"] = [single]
    elif cidrs and isinstance(cidrs, list):
        spec["podCIDR"] = cidrs[0]
    if not creating:
        return
    taints = _dicts(spec.get("taints"))
    if not any(t.get("key") == NOT_READY_TAINT["key"] and t.get("effect") == NOT_READY_TAINT["effect"] for t in taints):
        spec["taints"] = [*(spec.get("taints") or []), dict(NOT_READY_TAINT)]


def _deployment(obj: Obj, _: bool, _uid: str = "") -> None:
    spec = obj.setdefault("spec", {})
    _p(spec, "replicas", 1)
    strategy = _p(spec, "strategy", {})
    _d(strategy, "type", "RollingUpdate")
    if strategy["type"] == "RollingUpdate":
        rolling = _p(strategy, "rollingUpdate", {})
        _p(rolling, "maxUnavailable", "25%")
        _p(rolling, "maxSurge", "25%")
    _p(spec, "revisionHistoryLimit", 10)
    _p(spec, "progressDeadlineSeconds", 600)
    _template(spec)


def _replica_set(obj: Obj, _: bool, _uid: str = "") -> None:
    spec = obj.setdefault("spec", {})
    _p(spec, "replicas", 1)
    _template(spec)


def _pvc_spec(spec: Obj) -> None:
    _p(spec, "volumeMode", "Filesystem")


def _stateful_set(obj: Obj, _: bool, _uid: str = "") -> None:
    spec = obj.setdefault("spec", {})
    _p(spec, "replicas", 1)
    _d(spec, "podManagementPolicy", "OrderedReady")
    strategy = _p(spec, "updateStrategy", {})
    if not strategy.get("type"):
        strategy["type"] = "RollingUpdate"
        _p(strategy, "rollingUpdate", {})
    if strategy["type"] == "RollingUpdate" and (rolling := _sub(strategy, "rollingUpdate")) is not None:
        _p(rolling, "partition", 0)
        _p(rolling, "maxUnavailable", 1)
    retention = _p(spec, "persistentVolumeClaimRetentionPolicy", {})
    _d(retention, "whenDeleted", "Retain")
    _d(retention, "whenScaled", "Retain")
    _p(spec, "revisionHistoryLimit", 10)
    _template(spec)
    for claim in _dicts(spec.get("volumeClaimTemplates")):
        # the template is a whole PersistentVolumeClaim, defaulted as one, its type set by the conversion
        claim["kind"], claim["apiVersion"] = "PersistentVolumeClaim", "v1"
        _pvc(claim, False)


def _daemon_set(obj: Obj, creating: bool, _uid: str = "") -> None:
    spec = obj.setdefault("spec", {})
    strategy = _p(spec, "updateStrategy", {})
    _d(strategy, "type", "RollingUpdate")
    if strategy["type"] == "RollingUpdate":
        rolling = _p(strategy, "rollingUpdate", {})
        _p(rolling, "maxUnavailable", 1)
        _p(rolling, "maxSurge", 0)
    if isinstance(strategy.get("rollingUpdate"), dict):  # the internal type's two are not pointers: 0 when unset
        for f in ("maxUnavailable", "maxSurge"):
            _p(strategy["rollingUpdate"], f, 0)
    _p(spec, "revisionHistoryLimit", 10)
    _template(spec)
    if creating:  # the strategy's template generation, kept in an annotation for old clients
        meta = obj.setdefault("metadata", {})
        meta["annotations"] = {**(meta.get("annotations") or {}), TEMPLATE_GENERATION: "1"}


def _job(obj: Obj, creating: bool, uid: str) -> None:
    spec = obj.setdefault("spec", {})
    if spec.get("completions") is None and spec.get("parallelism") is None:
        spec["completions"] = 1
    _p(spec, "parallelism", 1)
    _p(spec, "backoffLimit", 2147483647 if spec.get("backoffLimitPerIndex") is not None else 6)
    _p(spec, "completionMode", "NonIndexed")
    _p(spec, "suspend", False)
    _p(spec, "podReplacementPolicy", "Failed" if spec.get("podFailurePolicy") is not None else "TerminatingOrFailed")
    _p(spec, "manualSelector", False)
    _failure_patterns(spec)
    template = _p(spec, "template", {})
    if creating and uid and not spec["manualSelector"] and isinstance(template, dict):
        # the job strategy's generated selector (generateSelector): the job's uid, and its name, on every pod it
        # makes, where the template does not label them otherwise (validation then refuses that); the uid's label
        # added to a selector the client gave
        name = obj.get("metadata", {}).get("name", "")
        tmeta = _p(template, "metadata", {})
        labels = {"batch.kubernetes.io/controller-uid": uid, "batch.kubernetes.io/job-name": name,
                  "controller-uid": uid, "job-name": name, **(tmeta.get("labels") or {})}
        tmeta["labels"] = dict(sorted(labels.items()))  # (a Go map's order, as a refusal quotes it)
        selector = spec["selector"] if isinstance(spec.get("selector"), dict) else {}
        matched = {"batch.kubernetes.io/controller-uid": uid, **(selector.get("matchLabels") or {})}
        spec["selector"] = {"matchLabels": dict(sorted(matched.items())),  # (LabelSelector's field order)
                            **{k: v for k, v in selector.items() if k != "matchLabels"}}
    job_labels(obj)
    _template(spec)


def job_labels(job: Obj) -> None:
    """SetDefaults_Job's labels: a Job without its own has its template's (so does every read of one stored
    without them, as one a status write left without is)."""
    template = _sub(_sub(job, "spec") or {}, "template") or {}
    tlabels = (_sub(template, "metadata") or {}).get("labels")
    meta = job.setdefault("metadata", {})
    if tlabels and isinstance(meta, dict) and not meta.get("labels"):
        meta["labels"] = dict(tlabels)


def _cron_job(obj: Obj, _: bool, _uid: str = "") -> None:
    spec = obj.setdefault("spec", {})
    _d(spec, "concurrencyPolicy", "Allow")
    _p(spec, "suspend", False)
    _p(spec, "successfulJobsHistoryLimit", 3)
    _p(spec, "failedJobsHistoryLimit", 1)
    job = _sub(_sub(spec, "jobTemplate") or {}, "spec")
    _failure_patterns(job or {})
    _template(job)


def _failure_patterns(spec: Obj) -> None:
    """SetDefaults_PodFailurePolicyOnPodConditionsPattern: a pod failure rule's condition is True where empty."""
    for rule in _dicts((_sub(spec, "podFailurePolicy") or {}).get("rules")):
        for pattern in _dicts(rule.get("onPodConditions")):
            _d(pattern, "status", "True")


def _protected(obj: Obj, finalizer: str) -> None:
    """Admission's StorageObjectInUseProtection on create: a finalizer its controller lifts once the storage
    object is no longer in use."""
    meta = obj.setdefault("metadata", {})
    finalizers = list(meta.get("finalizers") or [])
    if finalizer not in finalizers:
        meta["finalizers"] = [*finalizers, finalizer]


def _pvc(obj: Obj, creating: bool, _uid: str = "") -> None:
    if (spec := _sub(obj, "spec")) is not None:
        _pvc_spec(spec)
        if creating:
            _data_sources(spec, None)
    status = _p(obj, "status", {})
    _d(status, "phase", "Pending")
    if creating:
        _protected(obj, "kubernetes.io/pvc-protection")


_SNAPSHOTS = ("VolumeSnapshot", "snapshot.storage.k8s.io")


def _data_sources(spec: Obj, old: Obj | None) -> None:
    """The claim strategy's DropDisabledFields, EnforceDataSourceBackwardsCompatibility and NormalizeDataSources:
    a reference to another namespace is dropped (the feature is off) unless the stored claim has a reference; a
    data source given alone that is neither a claim nor a volume snapshot is dropped (unless the stored claim
    has one); else the data source and its reference are made the same, from the one given."""
    ref = _sub(spec, "dataSourceRef")
    if ref is not None and ref.get("namespace") and (old is None or old.get("dataSourceRef") is None):
        spec.pop("dataSourceRef")  # (DropDisabledFields: CrossNamespaceVolumeDataSource is off)
    source, ref = _sub(spec, "dataSource"), _sub(spec, "dataSourceRef")
    in_use = old is not None and (old.get("dataSource") is not None or old.get("dataSourceRef") is not None)
    if not in_use and ref is None and source is not None and \
            (source.get("kind"), source.get("apiGroup") or "") not in (("PersistentVolumeClaim", ""), _SNAPSHOTS):
        spec.pop("dataSource")
        source = None
    if source is not None and ref is None:
        spec["dataSourceRef"] = {k: source[k] for k in ("apiGroup", "kind", "name") if source.get(k) is not None}
    elif ref is not None and source is None and not ref.get("namespace"):
        spec["dataSource"] = {k: ref[k] for k in ("apiGroup", "kind", "name") if ref.get(k) is not None}


def _pv(obj: Obj, creating: bool, _uid: str = "") -> None:
    if (spec := _sub(obj, "spec")) is not None:
        _d(spec, "persistentVolumeReclaimPolicy", "Retain")
        _p(spec, "volumeMode", "Filesystem")
        _source_defaults(spec)
        azure_disk(_sub(spec, "azureDisk"))
    _d(_p(obj, "status", {}), "phase", "Pending")
    if creating:
        _protected(obj, "kubernetes.io/pv-protection")


def _volume_attributes_class(obj: Obj, creating: bool, _uid: str = "") -> None:
    if creating:
        _protected(obj, "kubernetes.io/vac-protection")


def _storage_class(obj: Obj, _: bool, _uid: str = "") -> None:
    _p(obj, "reclaimPolicy", "Delete")
    _p(obj, "volumeBindingMode", "Immediate")


_CSI_DRIVER = {"attachRequired": True, "podInfoOnMount": False, "storageCapacity": False,
               "fsGroupPolicy": "ReadWriteOnceWithFSType", "requiresRepublish": False,
               "volumeLifecycleModes": ["Persistent"], "seLinuxMount": False, "preventPodSchedulingIfMissing": False}


def _csi_driver(obj: Obj, _: bool, _uid: str = "") -> None:
    spec = _p(obj, "spec", {})
    for key, value in _CSI_DRIVER.items():
        if key == "volumeLifecycleModes":
            _d(spec, key, value)
        else:
            _p(spec, key, value)


def _priority_class(obj: Obj, _: bool, _uid: str = "") -> None:
    _p(obj, "preemptionPolicy", "PreemptLowerPriority")


def _ingress_class(obj: Obj, _: bool, _uid: str = "") -> None:
    if (params := _sub(_sub(obj, "spec") or {}, "parameters")) is not None:
        _p(params, "scope", "Cluster")


def _flow_schema(obj: Obj, _: bool, _uid: str = "") -> None:
    if (spec := _sub(obj, "spec")) is not None:
        _d(spec, "matchingPrecedence", 1000)


def _priority_level(obj: Obj, _: bool, _uid: str = "") -> None:
    spec = _sub(obj, "spec") or {}
    for level, shares in ((_sub(spec, "limited"), 30), (_sub(spec, "exempt"), 0)):
        if level is not None:
            _p(level, "nominalConcurrencyShares", shares)
            _p(level, "lendablePercent", 0)
    queuing = _sub(_sub(_sub(spec, "limited") or {}, "limitResponse") or {}, "queuing")
    if queuing is not None:
        for key, value in (("handSize", 8), ("queues", 64), ("queueLengthLimit", 50)):
            _d(queuing, key, value)


def _webhooks(obj: Obj, _: bool, _uid: str = "") -> None:
    """Each webhook fails closed, matches equivalent versions, any namespace and object, waits 10 s, and a
    mutating one is not called again; its rules apply in any scope, its service listens on 443."""
    for hook in _dicts(obj.get("webhooks")):
        for key, value in (("failurePolicy", "Fail"), ("matchPolicy", "Equivalent"), ("namespaceSelector", {}),
                           ("objectSelector", {}), ("timeoutSeconds", 10)):
            _p(hook, key, value)
        if obj.get("kind") == "MutatingWebhookConfiguration":
            _p(hook, "reinvocationPolicy", "Never")
        for rule in _dicts(hook.get("rules")):
            _p(rule, "scope", "*")
        if (service := _sub(_sub(hook, "clientConfig") or {}, "service")) is not None:
            _p(service, "port", 443)


def _admission_policy(obj: Obj, _: bool, _uid: str = "") -> None:
    """A policy fails closed and matches equivalent versions, any namespace and object, in any scope."""
    spec = _sub(obj, "spec")
    if spec is None:
        return
    _p(spec, "failurePolicy", "Fail")
    _match_resources(_sub(spec, "matchConstraints"))


def _policy_binding(obj: Obj, _: bool, _uid: str = "") -> None:
    """A binding's resources are matched as a policy's are (SetDefaults_MatchResources)."""
    _match_resources(_sub(_sub(obj, "spec") or {}, "matchResources"))


def _match_resources(match: Obj | None) -> None:
    if match is not None:
        _p(match, "matchPolicy", "Equivalent")
        _p(match, "namespaceSelector", {})
        _p(match, "objectSelector", {})
        for rule in (*_dicts(match.get("resourceRules")), *_dicts(match.get("excludeResourceRules"))):
            _p(rule, "scope", "*")


def _limit_range(obj: Obj, _: bool, _uid: str = "") -> None:
    """A container's default limits from its maximums, its default requests from its default limits, then
    from its minimums."""
    for item in _dicts((_sub(obj, "spec") or {}).get("limits")):
        if item.get("type") != "Container":
            continue
        default, request = dict(item.get("default") or {}), dict(item.get("defaultRequest") or {})
        for source, target in ((item.get("max"), default), (default, request), (item.get("min"), request)):
            for k, v in (source or {}).items() if isinstance(source, dict) else ():
                target.setdefault(k, v)
        for key, value in (("default", default), ("defaultRequest", request)):
            if value:
                item[key] = value


def _replication_controller(obj: Obj, creating: bool, _uid: str = "") -> None:
    """A selector and labels from the template's labels where the controller has none."""
    spec = obj.setdefault("spec", {})
    template = _sub(spec, "template")
    labels = (_sub(template, "metadata") or {}).get("labels") if template is not None else None
    if isinstance(labels, dict) and labels:
        if not spec.get("selector"):
            spec["selector"] = dict(labels)
        meta = obj.setdefault("metadata", {})
        if not meta.get("labels"):
            meta["labels"] = dict(labels)
    _replica_set(obj, creating)


def _secret(obj: Obj, _: bool, _uid: str = "") -> None:
    _d(obj, "type", "Opaque")
    # Not a default but the v1 → internal conversion: stringData overwrites data's keys and is not stored.
    text = obj.pop("stringData", None)
    if isinstance(text, dict) and text:
        data = obj.get("data")
        encoded = {k: base64.b64encode(str(v).encode()).decode() for k, v in text.items()}
        obj["data"] = {**(data if isinstance(data, dict) else {}), **encoded}


def _endpoints(obj: Obj, _: bool, _uid: str = "") -> None:
    for subset in _dicts(obj.get("subsets")):
        for port in _dicts(subset.get("ports")):
            _d(port, "protocol", "TCP")


def _endpoint_slice(obj: Obj, _: bool, _uid: str = "") -> None:
    """Ports named "" and TCP; an endpoint's deprecated topology dropped, as the strategy drops it from every
    write through v1 (dropTopologyOnV1; what v1 holds never has one)."""
    for port in _dicts(obj.get("ports")):
        _p(port, "name", "")
        _p(port, "protocol", "TCP")
    for endpoint in _dicts(obj.get("endpoints")):
        endpoint.pop("deprecatedTopology", None)


def _network_policy(obj: Obj, _: bool, _uid: str = "") -> None:
    spec = obj.setdefault("spec", {})
    for rule in (*_dicts(spec.get("ingress")), *_dicts(spec.get("egress"))):
        for port in _dicts(rule.get("ports")):
            _p(port, "protocol", "TCP")
    if not spec.get("policyTypes"):
        spec["policyTypes"] = ["Ingress", *(["Egress"] if spec.get("egress") else [])]


# SetDefaults_HorizontalPodAutoscalerBehavior: each direction's rules, where a behavior is given at all
_SCALE_RULES: dict[str, Obj] = {
    "scaleUp": {"stabilizationWindowSeconds": 0, "selectPolicy": "Max", "policies": [
        {"type": "Pods", "value": 4, "periodSeconds": 15}, {"type": "Percent", "value": 100, "periodSeconds": 15}]},
    "scaleDown": {"selectPolicy": "Max", "policies": [{"type": "Percent", "value": 100, "periodSeconds": 15}]}}


_RULES_ORDER = tuple(name for name, _, _ in gotypes.json_fields("autoscaling/v2.HPAScalingRules"))


def _hpa(obj: Obj, _: bool, _uid: str = "") -> None:
    if isinstance(obj.get("metadata"), dict):  # (the conversion to the internal type drops v1's annotations)
        obj["metadata"] = autoscalingv1.without_round_trip(obj["metadata"])
    spec = obj.setdefault("spec", {})
    _p(spec, "minReplicas", 1)
    if not spec.get("metrics"):
        spec["metrics"] = [{"type": "Resource", "resource": {"name": "cpu", "target": {
            "type": "Utilization", "averageUtilization": 80}}}]
    behavior = spec.get("behavior")
    if isinstance(behavior, dict):
        for direction, rules in _SCALE_RULES.items():
            given = behavior.get(direction)
            kept = {k: v for k, v in given.items() if v is not None} if isinstance(given, dict) else {}
            merged = {**copy.deepcopy(rules), **kept}  # (in the struct's order, as Go writes it)
            behavior[direction] = {k: merged.pop(k) for k in _RULES_ORDER if k in merged} | merged


def _hpa_v1(obj: Obj, _: bool, _uid: str = "") -> None:
    """v1's one default, a minimum of one replica. The rest comes with the internal type the apiserver
    converts the object to (a CPU target of 80% where there is none, the annotations read): stored_form."""
    _p(obj.setdefault("spec", {}), "minReplicas", 1)


def stored_form(obj: Obj) -> Obj | None:
    """What storage holds of an object written through a version that is a lossy view of it (a v1
    autoscaler): the internal type, as storage's decoder reads it back (defaulted as v2); None for any other."""
    if not autoscalingv1.through_v1(obj):
        return None
    stored = autoscalingv1.as_v2(obj)
    _hpa(stored, False)
    return stored


def changed_through_v1(stored: Obj) -> bool:
    """Whether an autoscaler storage holds (as v2) is changed by a write of its v1 view: v1 cannot tell a missing
    quantity from a zero one (a current metric's average value), and puts the CPU target last."""
    back = stored_form(autoscalingv1.as_v1(stored)) or {}
    return any(back.get(part) != stored.get(part) for part in ("spec", "status"))


def read_back(obj: Obj) -> Obj:
    """An object as storage's decoder reads it back, which defaults it as the storage version: what a v1
    autoscaler was validated without (a behavior's policies from its annotation) it is answered and stored with."""
    stored = stored_form(obj)
    return autoscalingv1.as_v1(stored) if stored is not None else obj


def _service(obj: Obj, creating: bool, uid: str) -> None:
    balancer = _sub(_sub(obj, "status") or {}, "loadBalancer") or {}
    for address in _dicts(balancer.get("ingress")):
        if address.get("ip") and address.get("ipMode") is None:  # SetDefaults_LoadBalancerIngress
            address["ipMode"] = "VIP"
    spec = obj.setdefault("spec", {})
    _d(spec, "sessionAffinity", "None")
    if spec["sessionAffinity"] == "None":
        spec.pop("sessionAffinityConfig", None)
    elif spec["sessionAffinity"] == "ClientIP":
        client_ip = _p(_p(spec, "sessionAffinityConfig", {}), "clientIP", {})
        _p(client_ip, "timeoutSeconds", 10800)
    _d(spec, "type", "ClusterIP")
    typ = spec["type"]
    draw = _drawer(uid)
    for port in _dicts(spec.get("ports")):
        _d(port, "protocol", "TCP")
        if port.get("targetPort") in (None, 0, "") and isinstance(port.get("port"), int):
            port["targetPort"] = port["port"]
        if creating and _needs_node_ports(spec) and not port.get("nodePort"):
            port["nodePort"] = _node_port(draw)
    if nodeports.externally_accessible(spec):
        _d(spec, "externalTrafficPolicy", "Cluster")
    if typ in ("ClusterIP", "NodePort", "LoadBalancer"):
        _p(spec, "internalTrafficPolicy", "Cluster")
    if typ == "LoadBalancer":
        _p(spec, "allocateLoadBalancerNodePorts", True)
    if creating:  # the Service REST's beginCreate and its allocators
        serviceips.prepare(spec, None, bool(spec.get("selector")), lambda: _cluster_ip(draw))
        if nodeports.needs_health_check(spec) and not spec.get("healthCheckNodePort"):
            spec["healthCheckNodePort"] = _node_port(draw)


def _cluster_ip(draw: Callable[[], int]) -> str:
    """A cluster IP in the default range, drawn (never the `kubernetes` Service's 10.96.0.1, bootstrap.SERVICE_IP)."""
    n = draw()
    third = n >> 8 & 0xFF
    return f"10.96.{third}.{max(n & 0xFF, 1 if third else 2)}"


def _node_port(draw: Callable[[], int]) -> int:
    """A node port from the default range (30000–32767), drawn."""
    return 30000 + draw() % 2768


def _drawer(uid: str) -> Callable[[], int]:
    """Numbers drawn from the write's uid (itself drawn from the replay's seed): reproducible allocations."""
    count = [0]

    def draw() -> int:
        count[0] += 1
        return int.from_bytes(hashlib.sha256(f"{uid}|{count[0]}".encode()).digest()[:4], "big")
    return draw


def _pod_template(obj: Obj, _: bool, _uid: str = "") -> None:
    _template(obj)


def _role_binding(obj: Obj, _: bool, _uid: str = "") -> None:
    ref = obj.get("roleRef")
    if isinstance(ref, dict):
        _d(ref, "apiGroup", "rbac.authorization.k8s.io")
    for subject in _dicts(obj.get("subjects")):  # a user's or a group's is RBAC's; a service account's none
        if subject.get("kind") in ("User", "Group"):
            _d(subject, "apiGroup", "rbac.authorization.k8s.io")


# a Lease's fields of the CoordinatedLeaderElection feature, off by default in 1.37: the strategy drops them
_LEASE_GATED = ("strategy", "preferredHolder")


def _lease(obj: Obj, creating: bool, _uid: str = "") -> None:
    spec = obj.get("spec")
    if creating and isinstance(spec, dict):
        for f in _LEASE_GATED:
            spec.pop(f, None)


def _namespace(obj: Obj, _: bool, _uid: str = "") -> None:
    """SetDefaults_NamespaceStatus: a phase left empty is Active, in whatever body a namespace is decoded from
    (its status is a struct, always defaulted): a status write of an empty phase makes it Active."""
    status = obj.get("status")
    if status is None or isinstance(status, dict):
        obj["status"] = {**(status or {}), "phase": (status or {}).get("phase") or "Active"}


def _pod_certificate_request(obj: Obj, _: bool, _uid: str = "") -> None:
    spec = obj.get("spec")
    if isinstance(spec, dict) and spec.get("maxExpirationSeconds") is None:  # (+default=86400)
        spec["maxExpirationSeconds"] = 86400


def _device_request(request: Obj) -> None:
    """SetDefaults_ExactDeviceRequest and _DeviceSubRequest: an exact count of one unless told otherwise, and
    each toleration's operator Equal."""
    if not request.get("allocationMode"):
        request["allocationMode"] = "ExactCount"
    if request["allocationMode"] == "ExactCount" and not request.get("count"):
        request["count"] = 1
    _tolerations(request)


def _tolerations(holder: Obj) -> None:
    for toleration in holder.get("tolerations") or []:
        if isinstance(toleration, dict) and not toleration.get("operator"):
            toleration["operator"] = "Equal"


def _claim_spec(spec: Obj | None) -> None:
    for request in _device_requests(spec):
        _device_request(request)


def _resource_claim(obj: Obj, _: bool, _uid: str = "") -> None:
    """A claim's device requests, and the tolerations of what its status says was allocated."""
    _claim_spec(_sub(obj, "spec"))
    allocation = _sub(_sub(obj, "status") or {}, "allocation")
    for result in (_sub(allocation or {}, "devices") or {}).get("results") or []:
        if isinstance(result, dict):
            _tolerations(result)


def _resource_slice(obj: Obj, _: bool, _uid: str = "") -> None:
    """The strategy drops what gated features add: a device attribute's list values (DRAListTypeAttributes, off
    in 1.37), so one holding only those holds nothing."""
    for device in (_sub(obj, "spec") or {}).get("devices") or []:
        attributes = (_sub(device, "attributes") or {}) if isinstance(device, dict) else {}
        for attribute in (a for a in attributes.values() if isinstance(a, dict)):
            for key in ("bools", "ints", "strings", "versions"):
                attribute.pop(key, None)


def _resource_claim_template(obj: Obj, _: bool, _uid: str = "") -> None:
    _claim_spec(_sub(_sub(obj, "spec") or {}, "spec"))


def _service_account(obj: Obj, _: bool, _uid: str = "") -> None:
    """The strategy's cleanSecretReferences, on create and update: a secret is referred to by its name alone."""
    if isinstance(obj.get("secrets"), list):
        obj["secrets"] = [{"name": s["name"]} if isinstance(s, dict) and s.get("name") else {} for s in obj["secrets"]]


_BY_KIND: dict[tuple[str, str], Callable[[Obj, bool, str], None]] = {
    ("v1", "ServiceAccount"): _service_account,
    ("resource.k8s.io/v1", "ResourceClaim"): _resource_claim,
    ("resource.k8s.io/v1", "ResourceClaimTemplate"): _resource_claim_template,
    ("resource.k8s.io/v1", "ResourceSlice"): _resource_slice,
    ("coordination.k8s.io/v1", "Lease"): _lease,
    ("certificates.k8s.io/v1", "PodCertificateRequest"): _pod_certificate_request,
    ("v1", "Pod"): _pod,
    ("v1", "Namespace"): _namespace,
    ("v1", "Node"): _node,
    ("v1", "PodTemplate"): _pod_template,
    ("v1", "ReplicationController"): _replication_controller,
    ("v1", "PersistentVolumeClaim"): _pvc,
    ("v1", "PersistentVolume"): _pv,
    ("v1", "LimitRange"): _limit_range,
    ("storage.k8s.io/v1", "StorageClass"): _storage_class,
    ("storage.k8s.io/v1", "CSIDriver"): _csi_driver,
    ("storage.k8s.io/v1", "VolumeAttributesClass"): _volume_attributes_class,
    ("scheduling.k8s.io/v1", "PriorityClass"): _priority_class,
    ("networking.k8s.io/v1", "IngressClass"): _ingress_class,
    ("flowcontrol.apiserver.k8s.io/v1", "FlowSchema"): _flow_schema,
    ("flowcontrol.apiserver.k8s.io/v1", "PriorityLevelConfiguration"): _priority_level,
    ("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration"): _webhooks,
    ("admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration"): _webhooks,
    ("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicy"): _admission_policy,
    ("admissionregistration.k8s.io/v1", "MutatingAdmissionPolicy"): _admission_policy,
    ("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicyBinding"): _policy_binding,
    ("admissionregistration.k8s.io/v1", "MutatingAdmissionPolicyBinding"): _policy_binding,
    ("v1", "Secret"): _secret,
    ("v1", "Service"): _service,
    ("v1", "Endpoints"): _endpoints,
    ("apps/v1", "Deployment"): _deployment,
    ("apps/v1", "ReplicaSet"): _replica_set,
    ("apps/v1", "StatefulSet"): _stateful_set,
    ("apps/v1", "DaemonSet"): _daemon_set,
    ("batch/v1", "Job"): _job,
    ("batch/v1", "CronJob"): _cron_job,
    ("discovery.k8s.io/v1", "EndpointSlice"): _endpoint_slice,
    ("networking.k8s.io/v1", "NetworkPolicy"): _network_policy,
    ("autoscaling/v2", "HorizontalPodAutoscaler"): _hpa,
    (autoscalingv1.V1, autoscalingv1.KIND): _hpa_v1,
    ("rbac.authorization.k8s.io/v1", "RoleBinding"): _role_binding,
    ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"): _role_binding,
    (crdtypes.API_VERSION, crdtypes.KIND): crds.defaulted,
    ("apiregistration.k8s.io/v1", "APIService"): apiservices.defaulted,
}




def spec_annotations(kind: str, meta: Obj, stored_meta: Obj) -> Obj:
    """`meta` with the annotations that are the stored spec's, as a /status write keeps the spec: a DaemonSet's
    template generation (the v1 conversion writes its internal spec.templateGeneration as an annotation)."""
    kept = (stored_meta.get("annotations") or {}).get(TEMPLATE_GENERATION)
    if kind != "DaemonSet" or kept is None:
        return meta
    return {**meta, "annotations": {**(meta.get("annotations") or {}), TEMPLATE_GENERATION: kept}}


def kept_on_update(new: Obj, old: Obj) -> None:
    """What an update keeps of the stored object where the new one leaves it out: a pod's priority and
    preemption policy (admission's Priority: validation would refuse their removal otherwise), what a
    Service's allocators gave it, and a DaemonSet's template generation (whatever the client sends), one more
    when its template changes; and what it drops: a Lease's gated fields the stored one does not have (a pod
    spec's and a Job's too: drop_gated). A
    namespace's finalizers are not the update's to change (only /finalize changes them)."""
    if (new.get("apiVersion"), new.get("kind")) == ("v1", "Namespace"):
        kept, sent = old.get("spec"), new.get("spec")
        finalizers = kept.get("finalizers") if isinstance(kept, dict) else None
        rest = {k: v for k, v in sent.items() if k != "finalizers"} if isinstance(sent, dict) else {}
        new["spec"] = {**rest, **({"finalizers": finalizers} if finalizers is not None else {})}
        return
    drop_gated(new, old, str(new.get("apiVersion")), str(new.get("kind")))
    spec, old_spec = new.get("spec"), old.get("spec")
    if not isinstance(spec, dict) or not isinstance(old_spec, dict):
        return
    if (new.get("apiVersion"), new.get("kind")) == ("coordination.k8s.io/v1", "Lease"):
        for f in _LEASE_GATED:  # kept only where the stored Lease has them already
            if old_spec.get(f) is None:
                spec.pop(f, None)
        return
    if (new.get("apiVersion"), new.get("kind")) == ("apps/v1", "DaemonSet"):
        try:
            generation = int((old.get("metadata", {}).get("annotations") or {}).get(TEMPLATE_GENERATION, 0))
        except ValueError:
            generation = 0
        generation += semantic_internal("PodTemplateSpec", spec.get("template")) != \
            semantic_internal("PodTemplateSpec", old_spec.get("template"))
        meta = new.setdefault("metadata", {})
        meta["annotations"] = {**(meta.get("annotations") or {}), TEMPLATE_GENERATION: str(generation)}
        return
    if new.get("apiVersion") != "v1":
        return
    if new.get("kind") == "PersistentVolumeClaim":
        _data_sources(spec, old_spec)
    elif new.get("kind") == "Pod":
        for key in ("priority", "preemptionPolicy"):
            if spec.get(key) is None and old_spec.get(key) is not None:
                spec[key] = old_spec[key]
    elif new.get("kind") == "Service":
        meta = old.get("metadata") or {}
        _service_update(spec, old_spec, f"{meta.get('uid')}|{meta.get('resourceVersion')}")


def _needs_node_ports(spec: Obj) -> bool:
    return spec.get("type") == "NodePort" or (spec.get("type") == "LoadBalancer"
                                              and spec.get("allocateLoadBalancerNodePorts") is not False)


def _service_update(spec: Obj, old: Obj, seed: str) -> None:
    """The Service REST's update (pkg/registry/core/service/storage): the cluster IPs and IP families and the
    node ports the old Service had are patched into a new one that leaves them out (patchAllocatedValues);
    node ports and the external traffic policy a type change makes pointless go when unchanged
    (dropTypeDependentFields); a type that needs node ports gets them allocated; the cluster IPs as beginUpdate
    leaves them (serviceips.prepare)."""
    ports, old_ports = _dicts(spec.get("ports")), _dicts(old.get("ports"))
    needed, needs = _needs_node_ports(old), _needs_node_ports(spec)
    if spec.get("type") != "ExternalName" and old.get("type") != "ExternalName":
        if not spec.get("clusterIP") and old.get("clusterIP"):
            spec["clusterIP"] = old["clusterIP"]
        if not spec.get("clusterIPs") and old.get("clusterIPs"):  # (patchAllocatedValues: not the families, which
            spec["clusterIPs"] = old["clusterIPs"]  # initIPFamilyFields derives again from these and the policy)
        if spec.get("ipFamilyPolicy") is None and old.get("ipFamilyPolicy"):  # (an empty one sent is refused)
            spec["ipFamilyPolicy"] = old["ipFamilyPolicy"]
    if needed and needs:
        used = {p.get("nodePort") for p in old_ports} & {p.get("nodePort") for p in ports}
        by_name = {p.get("name", ""): p.get("nodePort") for p in old_ports}
        for p in ports:
            if not p.get("nodePort") and by_name.get(p.get("name", "")) not in used:
                p["nodePort"] = by_name.get(p.get("name", ""))
    if needed and not needs and [p.get("nodePort") for p in ports] == [p.get("nodePort") for p in old_ports]:
        for p in ports:
            p.pop("nodePort", None)
    if nodeports.externally_accessible(old) and not nodeports.externally_accessible(spec) \
            and spec.get("externalTrafficPolicy") == old.get("externalTrafficPolicy"):
        spec.pop("externalTrafficPolicy", None)
    draw = _drawer(seed)
    if needs:
        for p in ports:
            if not p.get("nodePort"):
                p["nodePort"] = _node_port(draw)
    serviceips.prepare(spec, old, bool(spec.get("selector")), lambda: _cluster_ip(draw))  # (beginUpdate)
    if nodeports.needs_health_check(old) and nodeports.needs_health_check(spec) and not spec.get("healthCheckNodePort"):
        spec["healthCheckNodePort"] = old.get("healthCheckNodePort")  # (patchAllocatedValues)
    elif nodeports.needs_health_check(spec) and not spec.get("healthCheckNodePort"):
        spec["healthCheckNodePort"] = _node_port(draw)  # (updateHealthCheckNodePort)
    elif nodeports.needs_health_check(old) and not nodeports.needs_health_check(spec) \
            and spec.get("healthCheckNodePort") == old.get("healthCheckNodePort"):
        spec.pop("healthCheckNodePort", None)  # (dropTypeDependentFields)
    if old.get("type") == "LoadBalancer" and spec.get("type") != "LoadBalancer" \
            and spec.get("allocateLoadBalancerNodePorts") == old.get("allocateLoadBalancerNodePorts"):
        spec.pop("allocateLoadBalancerNodePorts", None)
    if spec.get("type") == "ExternalName":  # (defaultOnReadInternalTrafficPolicy: a read drops what is stored)
        spec.pop("internalTrafficPolicy", None)


def dropped_on_read(written: Obj | None) -> Obj:
    """What storage holds of a Service and every read drops (defaultOnReadInternalTrafficPolicy): the
    `internalTrafficPolicy` of one written as ExternalName, which the next write is compared with (a `PUT`
    without it removes it from its manager's fields). `written`: the object as the field manager saw it."""
    spec = (written or {}).get("spec")
    if (written or {}).get("kind") != "Service" or not isinstance(spec, dict) or spec.get("type") != "ExternalName":
        return {}
    return {"internalTrafficPolicy": spec["internalTrafficPolicy"]} if "internalTrafficPolicy" in spec else {}


def as_stored(obj: Obj, dropped: Obj) -> Obj:
    """An object as read, with what storage holds and reads drop (dropped_on_read) put back."""
    return {**obj, "spec": {**obj["spec"], **dropped}} if dropped and isinstance(obj.get("spec"), dict) else obj


def as_read(obj: Obj, dropped: Obj) -> Obj:
    """An object as storage holds it, without what reads drop (dropped_on_read): what a write of its status
    (whose store has no read decorator, so its answer shows them) leaves for reads. Shares the metadata."""
    spec = obj.get("spec")
    if not isinstance(spec, dict) or not dropped.keys() & spec.keys():
        return obj
    return {**obj, "spec": {k: v for k, v in spec.items() if k not in dropped}}


def stored_short(prepared: Obj) -> bool:
    """Whether a create stores the object without something every read defaults, so that the first write
    of it as read is a new version (the stored bytes change) although no answer shows a change. `prepared`:
    the body as the strategy prepared it, before decoding's defaults.
    - A Job whose template had no label map: SetDefaults_Job gives the Job the template's map (the same
      map, so the selector's labels, generated into it afterwards, are the Job's too) only where there is
      one; with none the strategy makes a new one, and only a read copies it to the Job.
    - A claim: its strategy empties the status, and `Pending` is a read's default."""
    kind, api_version = prepared.get("kind"), prepared.get("apiVersion")
    if (api_version, kind) == ("v1", "PersistentVolumeClaim"):
        return True
    if (api_version, kind) != ("batch/v1", "Job"):
        return False
    spec = _sub(prepared, "spec") or {}
    template_meta = _sub(_sub(spec, "template") or {}, "metadata") or {}
    return template_meta.get("labels") is None and not (_sub(prepared, "metadata") or {}).get("labels") \
        and spec.get("manualSelector") is not True


# fields of features off by default in 1.37 that the strategies drop unless the stored object has them already
# (dropDisabledFields): a pod's scheduling group (GenericWorkload) and eviction responders (EvictionRequestAPI),
# a Job's scheduling (WorkloadWithJob), a claim's volume health, a node's pod preemption policy, and its removed
# dynamic config, a ResourceSlice's partition type attribute and skipped node operations
_GATED_POD_FIELDS = ("schedulingGroup", "evictionResponders")
_GATED_POD_STATUS = ("nodeAllocatableResourceClaimStatuses", "volumeHealth")  # (DRANodeAllocatableResources,
# CSIVolumeHealth: a pod's status strategy drops them, dropDisabledPodStatusFields)
_GATED_JOB_FIELDS = ("scheduling",)


def _gated_parts(kind: tuple[Any, Any]) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """Where a kind (apiVersion, kind) holds a pod spec or a Job spec, and the gated fields of each."""
    if kind == ("v1", "Pod"):
        return [(("spec",), _GATED_POD_FIELDS), (("status",), _GATED_POD_STATUS)]
    if kind == ("resource.k8s.io/v1", "ResourceSlice"):
        return [(("spec",), ("partitionTypeAttribute", "skipNodeOperations"))]
    if kind == ("v1", "Node"):  # (a config source: the feature is removed; a new node's always dropped)
        return [(("spec",), ("configSource", "podPreemptionPolicy")), (("status",), ("config",))]
    if kind == ("v1", "PodTemplate"):
        return [(("template", "spec"), _GATED_POD_FIELDS)]
    if kind == ("v1", "PersistentVolumeClaim"):  # (CSIVolumeHealth: DropDisabledFieldsFromStatus)
        return [(("status",), ("healthStatus",))]
    if kind == ("batch/v1", "CronJob"):
        job = ("spec", "jobTemplate", "spec")
        return [(job, _GATED_JOB_FIELDS), ((*job, "template", "spec"), _GATED_POD_FIELDS)]
    if kind == ("batch/v1", "Job"):
        return [(("spec",), _GATED_JOB_FIELDS), (("spec", "template", "spec"), _GATED_POD_FIELDS)]
    if kind in (("apps/v1", "Deployment"), ("apps/v1", "ReplicaSet"), ("apps/v1", "StatefulSet"),
                ("apps/v1", "DaemonSet"), ("v1", "ReplicationController")):
        return [(("spec", "template", "spec"), _GATED_POD_FIELDS)]
    return []


def _at(obj: Any, path: tuple[str, ...]) -> Any:
    for part in path:
        obj = obj.get(part) if isinstance(obj, dict) else None
    return obj


def drop_gated(new: Obj, old: Obj | None, api_version: str, kind: str) -> None:
    """The strategies' dropDisabledFields on a create (`old` None) or an update: a gated field is dropped unless
    the stored object uses it."""
    for path, fields in _gated_parts((api_version, kind)):
        if not isinstance(spec := _at(new, path), dict):
            continue
        before = _at(old, path) if old is not None else None
        for field in fields:
            if not (isinstance(before, dict) and before.get(field) not in (None, [])):
                spec.pop(field, None)
        if fields is _GATED_POD_FIELDS:
            _drop_stop_signals(spec, before if isinstance(before, dict) else None)
            _drop_volume_fields(spec, before if isinstance(before, dict) else None)
            _drop_probe_fields(spec, before if isinstance(before, dict) else None)
    if (claim := _CLAIM_SPECS.get((api_version, kind))) is not None:
        _drop_derived_attributes(_at(new, claim), _at(old, claim) if old is not None else None)


# where a DRA kind holds a claim spec (resourceclaimspec.DropDisabledFields)
_CLAIM_SPECS = {("resource.k8s.io/v1", "ResourceClaim"): ("spec",),
                ("resource.k8s.io/v1", "ResourceClaimTemplate"): ("spec", "spec")}


def _device_requests(spec: Any) -> Iterator[Obj]:
    """A claim spec's exact requests and subrequests."""
    devices = _sub(spec, "devices") if isinstance(spec, dict) else None
    for request in _dicts((devices or {}).get("requests")):
        if (exactly := _sub(request, "exactly")) is not None:
            yield exactly
        yield from _dicts(request.get("firstAvailable"))


def _drop_derived_attributes(spec: Any, old: Any) -> None:
    """DRADerivedAttributes is off in 1.37: a request's derived attributes are dropped unless the stored spec
    has some."""
    if not any(request.get("derivedAttributes") for request in _device_requests(old)):
        for request in _device_requests(spec):
            request.pop("derivedAttributes", None)


def _file_users(volume: Obj) -> Iterator[tuple[Obj, str]]:
    """Where AtomicWriteVolumeUserFields puts a user in a volume: its secret's, config map's, downward API's or
    projection's default and each item's (a projected token's, trust bundle's, pod certificate's own)."""
    for kind in ("secret", "configMap", "downwardAPI", "projected"):
        if (source := _sub(volume, kind)) is None:
            continue
        yield source, "defaultUser"
        if kind != "projected":
            yield from ((item, "user") for item in _dicts(source.get("items")))
            return
        for projection in _dicts(source.get("sources")):
            for sub in ("secret", "configMap", "downwardAPI"):
                yield from ((item, "user") for item in _dicts((_sub(projection, sub) or {}).get("items")))
            for sub in ("serviceAccountToken", "clusterTrustBundle", "podCertificate"):
                if (own := _sub(projection, sub)) is not None:
                    yield own, "user"
        return


def _drop_volume_fields(spec: Obj, old: Obj | None) -> None:
    """The volume fields of features off in 1.37, each dropped unless the stored pod spec uses it: an emptyDir's
    mode (EmptyDirVolumeMode), a mount's bind options (VolumeBindMountOptions), the users files are written as
    (AtomicWriteVolumeUserFields)."""
    def volumes(of: Obj | None) -> list[Obj]:
        return _dicts((of or {}).get("volumes"))

    def mounts(of: Obj | None) -> list[Obj]:
        return [m for key in _CONTAINER_LISTS for c in _dicts((of or {}).get(key))
                for m in _dicts(c.get("volumeMounts"))]
    if not any((_sub(v, "emptyDir") or {}).get("mode") is not None for v in volumes(old)):
        for volume in volumes(spec):
            (_sub(volume, "emptyDir") or {}).pop("mode", None)
    if not any(m.get("bindMountOptions") is not None for m in mounts(old)):
        for mount in mounts(spec):
            mount.pop("bindMountOptions", None)
    if not any(holder.get(key) is not None for v in volumes(old) for holder, key in _file_users(v)):
        for volume in volumes(spec):
            for holder, key in list(_file_users(volume)):
                holder.pop(key, None)


def _lifecycles(spec: Obj) -> list[Obj]:
    return [lc for key in _CONTAINER_LISTS for c in _dicts(spec.get(key)) if (lc := _sub(c, "lifecycle")) is not None]


def _probes_of(spec: Obj) -> Iterator[Obj]:
    for key in _CONTAINER_LISTS:
        for ctr in _dicts(spec.get(key)):
            yield from (probe for name in _PROBES if (probe := _sub(ctr, name)) is not None)


def _http_actions(spec: Obj) -> list[Obj]:
    """Every HTTP action of a pod spec: its containers' probes' and lifecycle hooks'."""
    hooks = [hook for lifecycle in _lifecycles(spec) for name in _HOOKS if (hook := _sub(lifecycle, name)) is not None]
    return [action for holder in [*_probes_of(spec), *hooks] if (action := _sub(holder, "httpGet")) is not None]


def _grpc_actions(spec: Obj) -> list[Obj]:
    return [action for probe in _probes_of(spec) if (action := _sub(probe, "grpc")) is not None]


def _drop_probe_fields(spec: Obj, old: Obj | None) -> None:
    """dropHTTPProbeProtocol and dropDisabledGRPCContainerProbeTLS (H2CContainerProbe and GRPCContainerProbeTLS
    are off in 1.37): an HTTP action's protocol and a gRPC probe's mode, each unless the stored pod spec has one."""
    for actions, field in ((_http_actions, "protocol"), (_grpc_actions, "mode")):
        if old is None or not any(action.get(field) is not None for action in actions(old)):
            for action in actions(spec):
                action.pop(field, None)


def _drop_stop_signals(spec: Obj, old: Obj | None) -> None:
    """dropContainerStopSignals (ContainerStopSignals is off): each container's stop signal, and a lifecycle left
    empty, unless the stored pod spec has one."""
    if old is not None and any(lc.get("stopSignal") is not None for lc in _lifecycles(old)):
        return
    for key in _CONTAINER_LISTS:
        for ctr in _dicts(spec.get(key)):
            if (lifecycle := _sub(ctr, "lifecycle")) is not None and lifecycle.pop("stopSignal", None) is not None \
                    and not lifecycle:
                del ctr["lifecycle"]


def apply(obj: Obj, kind: str, api_version: str, *, creating: bool, uid: str = "", now: str = "") -> Obj:
    """The object with the apiserver's defaults filled in (in place; returned for convenience). `creating`:
    a create, where strategies and admission add what they add once; `uid`: the new object's; `now`: the
    write's time (RFC 3339, whole seconds), for the defaults that are a time (none when the stored object is
    read back: it has them)."""
    if (fill := _BY_KIND.get((api_version, kind))) is not None:
        fill(obj, creating, uid)
    if creating:
        drop_gated(obj, None, api_version, kind)
    if now and (api_version, kind) in _DEVICE_TAINTS:
        for taint in _DEVICE_TAINTS[(api_version, kind)](obj):
            taint.setdefault("timeAdded", now)  # SetDefaults_DeviceTaint: the time it is first seen
    return obj


def _slice_taints(obj: Obj) -> list[Obj]:
    return [t for d in (_sub(obj, "spec") or {}).get("devices") or [] if isinstance(d, dict)
            for t in d.get("taints") or [] if isinstance(t, dict)]


def _rule_taint(obj: Obj) -> list[Obj]:
    taint = _sub(_sub(obj, "spec") or {}, "taint")
    return [taint] if taint is not None else []


_DEVICE_TAINTS: dict[tuple[str, str], Callable[[Obj], list[Obj]]] = {
    ("resource.k8s.io/v1", "ResourceSlice"): _slice_taints,
    ("resource.k8s.io/v1", "DeviceTaintRule"): _rule_taint,
}
