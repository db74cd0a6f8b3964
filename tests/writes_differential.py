"""One write sequence, run against any apiserver (the real one, or emulate over a replay), with answers and
watch events reduced to what must agree: no uids, times or resourceVersion values, but their order."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from kubernetes import client, config

MERGE = "application/merge-patch+json"
JSONP = "application/json-patch+json"
SMP = "application/strategic-merge-patch+json"
APPLY = "application/apply-patch+yaml"


@dataclass(frozen=True)
class Step:
    """One request and the fields of its answer to compare (dotted paths; `*` compares the code only)."""

    what: str
    method: str
    path: str
    body: Any = None
    content_type: str = "application/json"
    query: str = ""
    fields: tuple[str, ...] = ()


def _cm(name: str, **extra: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, **extra}, "data": {"a": "1"}}


_DEPLOYMENT = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "labels": {"app": "web"}},
               "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}},
                        "template": {"metadata": {"labels": {"app": "web"}},
                                     "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}}
_POD = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
        "spec": {"containers": [{"name": "c", "image": "nginx"}]}}
INVALID = ("code", "reason", "message", "details")


def _invalid_metadata(ns: str) -> tuple[Step, ...]:
    """Names, labels and annotations the apiserver refuses, and the 422 it words for each."""
    cms, deploys = f"/api/v1/namespaces/{ns}/configmaps", f"/apis/apps/v1/namespaces/{ns}/deployments"
    return (
        Step("a name with capitals and an underscore", "POST", cms, _cm("Foo_Bar"), fields=INVALID),
        Step("a name too long", "POST", cms, _cm("a" * 254), fields=INVALID),
        Step("a deployment's name: the kind is qualified by its group", "POST", deploys,
             {**_DEPLOYMENT, "metadata": {"name": "Web"}}, fields=INVALID),
        Step("a label key with a space", "POST", cms, _cm("l1", labels={"bad key!": "v"}), fields=INVALID),
        Step("a label value too long", "POST", cms, _cm("l2", labels={"k": "x" * 64}), fields=INVALID),
        Step("a label key with a bad prefix", "POST", cms, _cm("l3", labels={"Example.com/x": "v"}),
             fields=INVALID),
        Step("a bad label value and a bad annotation key", "POST", cms,
             _cm("l4", labels={"k": "-v"}, annotations={"Bad Key": "v"}), fields=INVALID),
        Step("a name that is fine, prefixed labels that are fine", "POST", cms,
             _cm("l5", labels={"example.com/ok": "", "a.b_c-d": "E.f_g-H"}), fields=("code", "metadata.labels")),
        Step("an update that adds a bad label", "PUT", f"{cms}/l5", _cm("l5", labels={"k": "v!"}), fields=INVALID),
    )


# Every field of the answer: what defaulting, the strategies and admission add to an object on create.
WHOLE = ("kind", "apiVersion", "metadata", "spec", "status", "data", "type", "subsets", "endpoints", "ports",
         "addressType", "rules")
_C = [{"name": "c", "image": "nginx"}]
_TPL = {"metadata": {"labels": {"app": "x"}}, "spec": {"containers": _C}}
_SEL = {"matchLabels": {"app": "x"}}


def _defaulted(ns: str) -> tuple[Step, ...]:
    """One create per kind, with as little as the kind needs, each answer compared whole."""
    core, apps = f"/api/v1/namespaces/{ns}", f"/apis/apps/v1/namespaces/{ns}"
    rich_pod = {"metadata": {"name": "rich"}, "spec": {
        "containers": [{"name": "c", "image": "nginx:1.2", "ports": [{"containerPort": 80}],
                        "resources": {"limits": {"cpu": "1"}, "requests": {"cpu": 0.5, "memory": "0.5Gi"}},
                        "livenessProbe": {"httpGet": {"port": 80}},
                        "readinessProbe": {"exec": {"command": ["true"]}},
                        "env": [{"name": "X", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}]}],
        "initContainers": [{"name": "i", "image": "busybox@sha256:" + "0" * 64}],
        "volumes": [{"name": "v"}, {"name": "s", "secret": {"secretName": "s"}},
                    {"name": "cm", "configMap": {"name": "c"}},
                    {"name": "d", "downwardAPI": {"items": [{"path": "n",
                                                             "fieldRef": {"fieldPath": "metadata.name"}}]}}],
        "tolerations": [{"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute"}]}}
    workload = {"selector": _SEL, "template": _TPL}
    made = [
        ("pods", f"{core}/pods", rich_pod),
        ("guaranteed pods", f"{core}/pods", {"metadata": {"name": "g"}, "spec": {"containers": [
            {"name": "c", "image": "nginx", "resources": {"limits": {"cpu": "1000m", "memory": "1024Mi"}}}]}}),
        ("deployments", f"{apps}/deployments", {"metadata": {"name": "d"}, "spec": workload}),
        ("replicasets", f"{apps}/replicasets", {"metadata": {"name": "r"}, "spec": workload}),
        ("statefulsets", f"{apps}/statefulsets", {"metadata": {"name": "s"}, "spec": {
            "selector": _SEL, "template": _TPL, "serviceName": "s", "volumeClaimTemplates": [
                {"metadata": {"name": "data"}, "spec": {"accessModes": ["ReadWriteOnce"],
                                                         "resources": {"requests": {"storage": "1Gi"}}}}]}}),
        ("daemonsets", f"{apps}/daemonsets", {"metadata": {"name": "ds"}, "spec": workload}),
        ("jobs", f"/apis/batch/v1/namespaces/{ns}/jobs", {"metadata": {"name": "j"}, "spec": {
            "template": {"spec": {"containers": _C, "restartPolicy": "Never"}}}}),
        ("cronjobs", f"/apis/batch/v1/namespaces/{ns}/cronjobs", {"metadata": {"name": "cj"}, "spec": {
            "schedule": "*/5 * * * *", "jobTemplate": {"spec": {"template": {"spec": {
                "containers": _C, "restartPolicy": "OnFailure"}}}}}}),
        ("services", f"{core}/services", {"metadata": {"name": "svc"}, "spec": {
            "selector": {"app": "x"}, "ports": [{"port": 80}]}}),
        ("node port services", f"{core}/services", {"metadata": {"name": "np"}, "spec": {
            "type": "NodePort", "selector": {"app": "x"}, "ports": [{"port": 80, "targetPort": "http"}]}}),
        ("persistentvolumeclaims", f"{core}/persistentvolumeclaims", {"metadata": {"name": "pvc"}, "spec": {
            "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}),
        ("secrets", f"{core}/secrets", {"metadata": {"name": "sec"}, "data": {"a": "Yg=="}}),
        ("serviceaccounts", f"{core}/serviceaccounts", {"metadata": {"name": "sa"}}),
        ("endpoints", f"{core}/endpoints", {"metadata": {"name": "ep"}, "subsets": [
            {"addresses": [{"ip": "10.1.1.1"}], "ports": [{"port": 80}]}]}),
        ("endpointslices", f"/apis/discovery.k8s.io/v1/namespaces/{ns}/endpointslices", {
            "metadata": {"name": "eps"}, "addressType": "IPv4", "endpoints": [{"addresses": ["10.1.1.1"]}],
            "ports": [{"port": 80}]}),
        ("ingresses", f"/apis/networking.k8s.io/v1/namespaces/{ns}/ingresses", {"metadata": {"name": "i"}, "spec": {
            "rules": [{"http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": {
                "service": {"name": "svc", "port": {"number": 80}}}}]}}]}}),
        ("networkpolicies", f"/apis/networking.k8s.io/v1/namespaces/{ns}/networkpolicies", {
            "metadata": {"name": "np"}, "spec": {"podSelector": {}, "ingress": [{"ports": [{"port": 80}]}]}}),
        ("horizontalpodautoscalers", f"/apis/autoscaling/v2/namespaces/{ns}/horizontalpodautoscalers", {
            "metadata": {"name": "h"}, "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment",
                                                                   "name": "d"}, "maxReplicas": 3}}),
        ("roles", f"/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/roles", {"metadata": {"name": "r"}, "rules": [
            {"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]}]}),
    ]
    made_steps = tuple(Step(f"create {what} with only what they need: the whole answer", "POST", path, body,
                            fields=WHOLE) for what, path, body in made)
    return (*made_steps, *(
        Step(f"a quantity the apiserver cannot read: {q}", "POST", f"{core}/pods", {"metadata": {"name": "q"}, "spec": {
            "containers": [{"name": "c", "image": "nginx", "resources": {"requests": {"cpu": q}}}]}},
             fields=("code", "reason", "message")) for q in ("1.2.3", "1kk")))


def _pod(name: str, **spec: Any) -> dict[str, Any]:
    return {**_POD, "metadata": {"name": name, "labels": {"app": name}}, "spec": {**_POD["spec"], **spec}}


def _eviction(name: str) -> dict[str, Any]:
    return {"apiVersion": "policy/v1", "kind": "Eviction", "metadata": {"name": name}}


# Server-side apply by one manager: a field it stops naming goes (ownership between managers is not modelled)
APPLY_DROPS = "apply drops a field its manager no longer names"
NOT_MODELLED: frozenset[str] = frozenset()  # steps whose answers differ, by design: none at present
META = ("metadata.name", "metadata.namespace", "metadata.labels", "metadata.annotations",
        "metadata.generation", "metadata.finalizers", "metadata.generateName", "kind", "apiVersion")


def steps(ns: str) -> tuple[Step, ...]:
    """The write sequence, in namespace `ns` (the real apiserver cannot delete a namespace without its
    controller-manager, so each run takes a new one)."""
    cms, deploys = f"/api/v1/namespaces/{ns}/configmaps", f"/apis/apps/v1/namespaces/{ns}/deployments"
    pods = f"/api/v1/namespaces/{ns}/pods"
    leases = f"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases"
    return (
        Step("create", "POST", cms, _cm("one"), fields=(*META, "data")),
        Step("create an existing name", "POST", cms, _cm("one"), fields=("reason", "message", "code", "details")),
        Step("create without a name", "POST", cms, {"metadata": {}}, fields=INVALID),
        *_invalid_metadata(ns),
        Step("create with generateName", "POST", cms, _cm("", generateName="gen-"),
             fields=("metadata.generateName",)),
        Step("create in another namespace than the path", "POST", cms,
             _cm("two", namespace="elsewhere"), fields=("reason", "code")),
        Step("dry-run create", "POST", cms, _cm("dry"), query="dryRun=All", fields=(*META, "data")),
        Step("get the dry-run object", "GET", f"{cms}/dry", fields=("reason", "code")),
        Step("update with a stale resourceVersion", "PUT", f"{cms}/one",
             _cm("one", resourceVersion="1"), fields=("reason", "message", "code")),
        Step("update without a resourceVersion", "PUT", f"{cms}/one",
             {**_cm("one", labels={"x": "1"}), "data": {"a": "2"}}, fields=(*META, "data")),
        Step("merge patch", "PATCH", f"{cms}/one", {"metadata": {"labels": {"x": None, "y": "2"}}}, MERGE,
             fields=(*META, "data")),
        Step("json patch", "PATCH", f"{cms}/one", [{"op": "add", "path": "/data/b", "value": "3"}], JSONP,
             fields=(*META, "data")),
        Step("json patch with a failing test", "PATCH", f"{cms}/one",
             [{"op": "test", "path": "/data/a", "value": "nope"}], JSONP, fields=("reason", "code")),
        Step("strategic merge patch", "PATCH", f"{cms}/one", {"data": {"c": "4"}}, SMP, fields=(*META, "data")),
        Step("patch a missing object", "PATCH", f"{cms}/missing", {"data": {}}, MERGE,
             fields=("reason", "message", "code")),
        Step("apply creates", "PATCH", f"{cms}/applied", json.dumps(_cm("applied")), APPLY, "fieldManager=test",
             fields=(*META, "data")),
        Step("apply again", "PATCH", f"{cms}/applied", json.dumps({**_cm("applied"), "data": {"a": "5"}}), APPLY,
             "fieldManager=test", fields=(*META, "data")),
        Step("apply two fields", "PATCH", f"{cms}/ssa", json.dumps({**_cm("ssa"), "data": {"a": "5", "b": "6"}}),
             APPLY, "fieldManager=test", fields=("data",)),
        Step(APPLY_DROPS, "PATCH", f"{cms}/ssa", json.dumps({**_cm("ssa"), "data": {"a": "5"}}), APPLY,
             "fieldManager=test", fields=("data",)),
        Step("another manager's apply leaves it", "PATCH", f"{cms}/ssa",
             json.dumps({**_cm("ssa"), "data": {"c": "7"}}), APPLY, "fieldManager=other", fields=("data",)),
        Step("another manager applies a field the first owns", "PATCH", f"{cms}/ssa",
             json.dumps({**_cm("ssa"), "data": {"a": "9", "b": "8"}}), APPLY, "fieldManager=other",
             fields=("code", "reason", "message", "details", "data")),
        Step("the same value is no conflict", "PATCH", f"{cms}/ssa",
             json.dumps({**_cm("ssa"), "data": {"a": "5", "c": "7"}}), APPLY, "fieldManager=other",
             fields=("code", "data")),
        Step("and with force it takes the field", "PATCH", f"{cms}/ssa",
             json.dumps({**_cm("ssa"), "data": {"a": "9", "c": "7"}}), APPLY, "fieldManager=other&force=true",
             fields=("code", "data")),
        Step("so the first manager's apply without it leaves it", "PATCH", f"{cms}/ssa",
             json.dumps({**_cm("ssa"), "data": {}}), APPLY, "fieldManager=test", fields=("code", "data")),
        Step("apply without a field manager", "PATCH", f"{cms}/applied", json.dumps(_cm("applied")), APPLY,
             fields=("code", "reason", "message")),
        Step("create with a finalizer", "POST", cms, _cm("held", finalizers=["example.com/hold"]), fields=META),
        Step("delete it", "DELETE", f"{cms}/held", fields=(*META, "code")),
        Step("get it while it is held", "GET", f"{cms}/held", fields=META),
        Step("add a finalizer while deleting", "PATCH", f"{cms}/held",
             {"metadata": {"finalizers": ["example.com/hold", "example.com/more"]}}, MERGE, fields=("reason", "code")),
        Step("remove the finalizer", "PATCH", f"{cms}/held", {"metadata": {"finalizers": None}}, MERGE,
             fields=("code",)),
        Step("get it after", "GET", f"{cms}/held", fields=("reason", "code")),
        Step("delete a plain object", "DELETE", f"{cms}/one",
             fields=("kind", "status", "details.name", "details.kind")),
        Step("delete it again", "DELETE", f"{cms}/one", fields=("reason", "message", "code")),
        Step("create a deployment", "POST", deploys, _DEPLOYMENT, fields=(*META, "spec.replicas")),
        Step("label it", "PATCH", f"{deploys}/web", {"metadata": {"labels": {"tier": "front"}}}, SMP,
             fields=(*META,)),
        Step("change its image", "PATCH", f"{deploys}/web",
             {"spec": {"template": {"spec": {"containers": [{"name": "c", "image": "nginx:2"}]}}}}, SMP,
             fields=(*META, "spec.template.spec.containers")),
        Step("add a sidecar", "PATCH", f"{deploys}/web",
             {"spec": {"template": {"spec": {"containers": [{"name": "side", "image": "envoy"}]}}}}, SMP,
             fields=("metadata.generation", "spec.template.spec.containers")),
        Step("scale it", "PATCH", f"{deploys}/web/scale", {"spec": {"replicas": 3}}, MERGE,
             fields=("kind", "apiVersion", "spec", "status.replicas", "metadata.name")),
        Step("write its status", "PUT", f"{deploys}/web/status", None, fields=("metadata.generation", "status",
                                                                                 "spec.replicas")),
        Step("status on the main resource is ignored", "PATCH", f"{deploys}/web", {"status": {"replicas": 9}}, MERGE,
             fields=("metadata.generation", "status")),
        *_defaulted(ns),
        Step("create an unscheduled pod", "POST", pods, _POD, fields=META),
        Step("delete it: gone at once", "DELETE", f"{pods}/p", fields=(*META, "metadata.deletionGracePeriodSeconds")),
        Step("create a pod bound to a node", "POST", pods, {**_POD, "spec": {**_POD["spec"], "nodeName": "n1"}},
             fields=META),
        Step("delete it: its kubelet has 30 s", "DELETE", f"{pods}/p",
             fields=(*META, "metadata.deletionGracePeriodSeconds")),
        Step("it is still there", "GET", f"{pods}/p", fields=(*META, "metadata.deletionGracePeriodSeconds")),
        Step("delete it with no grace", "DELETE", f"{pods}/p", {"gracePeriodSeconds": 0},
             fields=(*META, "metadata.deletionGracePeriodSeconds")),
        Step("now it is gone", "GET", f"{pods}/p", fields=("code", "reason")),
        Step("evict a pod that does not exist", "POST", f"{pods}/nope/eviction", _eviction("nope"),
             fields=("code", "reason", "message")),
        Step("an eviction that names another pod", "POST", f"{pods}/p/eviction", _eviction("q"),
             fields=("code", "reason", "message")),
        Step("create a pod to evict", "POST", pods, _pod("ev"), fields=META),
        Step("evict it: Pending, so no budget is asked", "POST", f"{pods}/ev/eviction", _eviction("ev"),
             fields=("kind", "status", "code")),
        Step("it is gone", "GET", f"{pods}/ev", fields=("code", "reason")),
        Step("create a running pod", "POST", pods, _pod("guarded", nodeName="n1"), fields=META),
        Step("it runs", "PATCH", f"{pods}/guarded/status", {"status": {"phase": "Running"}}, MERGE,
             fields=("status.phase",)),
        Step("a budget guards it", "POST", f"/apis/policy/v1/namespaces/{ns}/poddisruptionbudgets",
             {"metadata": {"name": "keep-one"},
              "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app": "guarded"}}}},
             fields=META),
        Step("evicting it waits for the disruption controller", "POST", f"{pods}/guarded/eviction",
             _eviction("guarded"), fields=("code", "reason", "message", "details")),
        Step("it is still there, untouched", "GET", f"{pods}/guarded", fields=(*META, "status.conditions")),
        Step("a second budget guards it", "POST", f"/apis/policy/v1/namespaces/{ns}/poddisruptionbudgets",
             {"metadata": {"name": "keep-two"},
              "spec": {"maxUnavailable": 0, "selector": {"matchLabels": {"app": "guarded"}}}}, fields=META),
        Step("two budgets: the apiserver cannot choose", "POST", f"{pods}/guarded/eviction", _eviction("guarded"),
             fields=("code", "status", "message", "reason")),
        Step("create a deployment with a finalizer", "POST", deploys,
             {**_DEPLOYMENT, "metadata": {"name": "held", "finalizers": ["example.com/hold"]}}, fields=META),
        Step("delete it", "DELETE", f"{deploys}/held", fields=(*META, "metadata.deletionGracePeriodSeconds")),
        Step("release it", "PATCH", f"{deploys}/held", {"metadata": {"finalizers": None}}, MERGE, fields=("code",)),
        Step("patch a deployment's status", "PATCH", f"{deploys}/web/status",
             {"status": {"replicas": 2}, "metadata": {"labels": {"ignored": "yes"}}}, MERGE,
             fields=("metadata.generation", "metadata.labels", "status", "spec.replicas")),
        Step("update a missing object", "PUT", f"{cms}/nope", _cm("nope"), fields=("code", "reason", "message")),
        Step("update with another name than the URL's", "PUT", f"{cms}/applied", _cm("other"),
             fields=("code", "reason")),
        Step("take the leader-election lease", "POST", leases,
             {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": {"name": "leader"},
              "spec": {"holderIdentity": "a", "leaseDurationSeconds": 15}}, fields=(*META, "spec", "status", "code")),
        Step("renew it without a resourceVersion", "PUT", f"{leases}/leader",
             {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": {"name": "leader"},
              "spec": {"holderIdentity": "b", "leaseDurationSeconds": 15, "leaseTransitions": 1}},
             fields=("code", "reason", "message", "details")),
        Step("take it over with a patch", "PATCH", f"{leases}/leader",
             {"spec": {"holderIdentity": "b", "leaseTransitions": 1}}, MERGE, fields=("code", "spec")),
        Step("get the lease", "GET", f"{leases}/leader", fields=("code", "kind", "spec")),
        Step("create an endpoint slice", "POST", f"/apis/discovery.k8s.io/v1/namespaces/{ns}/endpointslices",
             {"metadata": {"name": "web-1"}, "addressType": "IPv4", "endpoints": [{"addresses": ["10.0.0.1"]}]},
             fields=(*META, "addressType", "code")),  # not endpoints: defaulting adds their conditions
        Step("create a job", "POST", f"/apis/batch/v1/namespaces/{ns}/jobs",
             {"metadata": {"name": "once"}, "spec": {"template": {"spec": {
                 "restartPolicy": "Never", "containers": [{"name": "c", "image": "busybox"}]}}}},
             fields=("code", "kind", "apiVersion", "metadata.generation", "status")),
        Step("get the default namespace", "GET", "/api/v1/namespaces/default",
             fields=("code", "kind", "metadata.name", "metadata.labels", "spec", "status")),
        Step("find a system namespace by its name label", "GET", "/api/v1/namespaces",
             query="labelSelector=kubernetes.io%2Fmetadata.name%3Dkube-system", fields=("kind", "items")),
        Step("create a namespace", "POST", "/api/v1/namespaces", {"metadata": {"name": f"{ns}-child"}},
             fields=("metadata.name", "metadata.labels", "spec", "status", "code")),
        Step("take its name label off", "PATCH", f"/api/v1/namespaces/{ns}-child",
             {"metadata": {"labels": {"kubernetes.io/metadata.name": None, "team": "a"}}}, MERGE,
             fields=("code", "metadata.labels")),
        Step("delete it", "DELETE", f"/api/v1/namespaces/{ns}-child",
             fields=("code", "kind", "metadata.deletionGracePeriodSeconds", "spec", "status")),
        Step("get it after", "GET", f"/api/v1/namespaces/{ns}-child", fields=("code", "spec", "status")),
        Step("create in the terminating namespace", "POST", f"/api/v1/namespaces/{ns}-child/configmaps",
             _cm("late"), fields=("code", "reason", "message", "details")),
        Step("delete the configmaps by label", "DELETE", cms, query="labelSelector=y%3D2",
             fields=("kind", "items")),
        Step("list", "GET", cms, fields=("kind",)),
    )


@dataclass
class Result:
    answers: list[dict[str, Any]] = field(default_factory=list)
    events: list[tuple[str, str]] = field(default_factory=list)
    event_rvs: list[int] = field(default_factory=list)


def _pick(doc: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        if not isinstance(doc, dict):
            return None
        doc = doc.get(part)
    return doc


# What may differ run to run (uids, times, resourceVersions, the IP and port a Service is given), and what
# emulate does not model: managedFields (field ownership).
_IGNORED = frozenset({"uid", "creationTimestamp", "deletionTimestamp", "resourceVersion", "managedFields", "time",
                      "clusterIP", "clusterIPs", "nodePort", "lastTransitionTime"})
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def _reduce(doc: Any) -> Any:
    if isinstance(doc, dict):
        return {k: _reduce(v) for k, v in doc.items() if k not in _IGNORED}
    if isinstance(doc, list):
        return [_reduce(v) for v in doc]
    return "<uid>" if isinstance(doc, str) and _UUID.match(doc) else doc  # a Job's selector holds its uid


def run(kubeconfig: str, ns: str) -> Result:
    """Every step in order against the apiserver the kubeconfig names."""
    api = config.new_client_from_config(config_file=kubeconfig)
    out = Result()
    last: dict[str, Any] = {}
    for step in steps(ns):
        body = step.body
        if step.what == "write its status":  # the object as it is, with a status
            body = {**last, "status": {"replicas": 1, "observedGeneration": 1}}
            body["spec"] = {**body["spec"], "replicas": 7}  # ignored on /status
        code, doc = _call(api, step, body)
        out.answers.append({"step": step.what, "code": code,
                            **{f: _reduce(_pick(doc, f)) for f in step.fields if f != "code"}})
        if "/deployments" in step.path and isinstance(doc, dict) and doc.get("kind") == "Deployment":
            last = doc
    return out


def _call(api: client.ApiClient, step: Step, body: Any) -> tuple[int, Any]:
    url = api.configuration.host + step.path + (f"?{step.query}" if step.query else "")
    headers = {"Content-Type": step.content_type, "Accept": "application/json"}
    resp = api.rest_client.request(step.method, url, headers=headers, body=body)
    try:
        return resp.status, json.loads(resp.read())
    except ValueError:
        return resp.status, None


def watch_events(kubeconfig: str, ns: str, resource_version: str, timeout: int) -> list[tuple[str, str, int]]:
    """(type, name, resourceVersion) of the configmap events after `resource_version`, for `timeout` s."""
    api = client.CoreV1Api(config.new_client_from_config(config_file=kubeconfig))
    resp = api.list_namespaced_config_map(ns, watch=True, resource_version=resource_version,
                                          timeout_seconds=timeout, _preload_content=False)
    return [(e["type"], e["object"]["metadata"]["name"], int(e["object"]["metadata"]["resourceVersion"]))
            for e in map(json.loads, resp.read().splitlines())]
