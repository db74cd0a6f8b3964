"""One write sequence, run against any apiserver (the real one, or emulate over a replay), with answers and
watch events reduced to what must agree: no uids, times or resourceVersion values, but their order."""

from __future__ import annotations

import base64
import copy
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import yaml
from kubernetes import client, config

from tests import random_writes
from tests.workload import until

T = TypeVar("T")
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
    accept: str = "application/json"


_ATTACHMENTS = "/apis/storage.k8s.io/v1/volumeattachments"


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


def _deploy(name: str, **spec: Any) -> dict[str, Any]:
    return {**_DEPLOYMENT, "metadata": {"name": name}, "spec": {**_DEPLOYMENT["spec"], **spec}}


def _invalid_specs(ns: str) -> tuple[Step, ...]:
    """Specs the apiserver refuses, the mistakes a controller under development makes, and the 422 of each;
    and the rules of immutable fields on update."""
    core, deploys = f"/api/v1/namespaces/{ns}", f"/apis/apps/v1/namespaces/{ns}/deployments"
    jobs, daemons = f"/apis/batch/v1/namespaces/{ns}/jobs", f"/apis/apps/v1/namespaces/{ns}/daemonsets"
    ingresses = f"/apis/networking.k8s.io/v1/namespaces/{ns}/ingresses"
    cronjobs = f"/apis/batch/v1/namespaces/{ns}/cronjobs"
    hpas = f"/apis/autoscaling/v2/namespaces/{ns}/horizontalpodautoscalers"
    roles = f"/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/roles"
    bindings = f"/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/rolebindings"
    tpl = _DEPLOYMENT["spec"]["template"]
    c = {"name": "c", "image": "nginx"}
    job_tpl = {"spec": {"containers": [c]}}
    steps = [
        ("a deployment without a selector", deploys, _deploy("s1", selector=None)),
        ("a deployment whose selector does not select its template", deploys,
         _deploy("s2", selector={"matchLabels": {"app": "other"}})),
        ("a deployment with an empty selector", deploys, _deploy("s3", selector={})),
        ("a deployment with an invalid selector expression", deploys, _deploy("s4", selector={
            "matchExpressions": [{"key": "app", "operator": "In"}, {"key": "x", "operator": "Near"}]})),
        ("a deployment whose pods do not restart", deploys, _deploy("s5", template={
            **tpl, "spec": {**tpl["spec"], "restartPolicy": "Never"}})),
        ("a deployment with an unknown strategy", deploys, _deploy("s6", strategy={"type": "Canary"})),
        ("a rolling update that can make no progress", deploys, _deploy("s7", strategy={
            "type": "RollingUpdate", "rollingUpdate": {"maxSurge": 0, "maxUnavailable": "0%"}})),
        ("negative replicas, a percent over 100 and a deadline below minReadySeconds", deploys,
         _deploy("s8", replicas=-1, minReadySeconds=30, progressDeadlineSeconds=10,
                 strategy={"rollingUpdate": {"maxUnavailable": "150%"}})),
        ("a deployment without containers", deploys, _deploy("s9", template={**tpl, "spec": {"containers": []}})),
        ("a daemon set without a selector, its pods with a deadline", daemons, {
            "metadata": {"name": "d1"}, "spec": {"template": {**tpl, "spec": {
                **tpl["spec"], "restartPolicy": "OnFailure", "activeDeadlineSeconds": 5}}}}),
        ("a daemon set with an empty selector, surge and unavailability both set", daemons, {
            "metadata": {"name": "d2"}, "spec": {"selector": {}, "template": tpl, "updateStrategy": {
                "rollingUpdate": {"maxSurge": 1, "maxUnavailable": "200%"}}}}),
        ("a daemon set with an unknown update strategy", daemons, {"metadata": {"name": "d3"}, "spec": {
            "selector": _DEPLOYMENT["spec"]["selector"], "template": tpl, "updateStrategy": {"type": "Never"}}}),
        ("a pod without containers", f"{core}/pods", {**_POD, "metadata": {"name": "p1"}, "spec": {}}),
        ("containers without image, with bad and duplicate names", f"{core}/pods",
         {**_POD, "metadata": {"name": "p2"}, "spec": {"containers": [
             {"name": "C_1"}, {"name": "ok", "image": "x"}, {"name": "ok", "image": "y"}, {"image": "z"}]}}),
        ("ports out of range, with bad names and protocols", f"{core}/pods",
         {**_POD, "metadata": {"name": "p3"}, "spec": {"containers": [{**c, "ports": [
             {"containerPort": 70000, "name": "http"}, {"containerPort": 80, "name": "http"},
             {"containerPort": 81, "name": "Web--1"}, {"containerPort": 82, "protocol": "XTCP"},
             {"name": "123"}, {"containerPort": 83, "hostPort": -1}]}]}}),
        ("mounts of a volume that is not there, volumes without names", f"{core}/pods",
         {**_POD, "metadata": {"name": "p4"}, "spec": {
             "containers": [{**c, "volumeMounts": [{"name": "data", "mountPath": "/d"}, {"name": "v1"},
                                                   {"name": "v1", "mountPath": "/d"}]}],
             "volumes": [{"name": "v1", "emptyDir": {}}, {"name": "v1", "emptyDir": {}}, {"emptyDir": {}},
                         {"name": "Bad.Name", "emptyDir": {}}]}}),
        ("init containers: one without an image, one named as a container, one with a probe", f"{core}/pods",
         {**_POD, "metadata": {"name": "p6"}, "spec": {"containers": [c], "initContainers": [
             {"name": "i1"}, {"name": "c", "image": "busybox"},
             {"name": "i3", "image": "busybox", "readinessProbe": {"exec": {"command": ["true"]}}},
             {"name": "side", "image": "envoy", "restartPolicy": "Always",
              "readinessProbe": {"exec": {"command": ["true"]}}}]}}),
        ("probes without a handler, with two, with bad counts", f"{core}/pods", {
            **_POD, "metadata": {"name": "p7"}, "spec": {"containers": [{
                **c, "livenessProbe": {"successThreshold": 2, "periodSeconds": -1},
                "readinessProbe": {"exec": {"command": []}, "tcpSocket": {"port": 0},
                                   "terminationGracePeriodSeconds": 5},
                "startupProbe": {"httpGet": {"port": "Web_Port", "scheme": "FTP"}, "timeoutSeconds": -3}}]}}),
        ("unknown policies, a bad node selector and names", f"{core}/pods",
         {**_POD, "metadata": {"name": "p5"}, "spec": {
             "containers": [{**c, "imagePullPolicy": "Sometimes", "terminationMessagePolicy": "Never",
                             "env": [{"name": ""}, {"name": "OK", "value": "1"}]}],
             "restartPolicy": "Sometimes", "dnsPolicy": "Google", "nodeSelector": {"bad key!": "v"},
             "serviceAccountName": "Not_A_Name", "hostname": "a.b", "terminationGracePeriodSeconds": -5}}),
        # one wrong amount per map: the apiserver walks limits and requests in Go's random order
        ("a request above its limit", f"{core}/pods", {**_POD, "metadata": {"name": "r1"}, "spec": {"containers": [
            {**c, "resources": {"limits": {"cpu": "1", "memory": "1Gi"}, "requests": {"cpu": "1500m",
                                                                                     "memory": "1Gi"}}}]}}),
        ("half a device", f"{core}/pods", {**_POD, "metadata": {"name": "r2"}, "spec": {"containers": [
            {**c, "resources": {"limits": {"example.com/dev": "0.5"}}}]}}),
        ("a device without a limit", f"{core}/pods", {**_POD, "metadata": {"name": "r2"}, "spec": {"containers": [
            {**c, "resources": {"requests": {"example.com/gpu": "1"}}}]}}),
        ("a negative amount", f"{core}/pods", {**_POD, "metadata": {"name": "r2"}, "spec": {"containers": [
            {**c, "resources": {"limits": {"cpu": "-1"}}}]}}),
        ("huge pages requested below their limit", f"{core}/pods", {**_POD, "metadata": {"name": "r3"}, "spec": {
            "containers": [{**c, "resources": {"limits": {"hugepages-2Mi": "4Mi", "memory": "1Gi"},
                                               "requests": {"hugepages-2Mi": "2Mi", "memory": "1Gi"}}}]}}),
        ("a claim without access modes or storage", f"{core}/persistentvolumeclaims", {"metadata": {"name": "c1"},
         "spec": {"storageClassName": "Fast_Disks", "volumeMode": "Tape"}}),
        ("a claim for no storage, with a mode that must be alone and one that is none",
         f"{core}/persistentvolumeclaims", {"metadata": {"name": "c2"}, "spec": {
             "accessModes": ["ReadWriteOncePod", "ReadWriteOnce", "WriteOnly"],
             "resources": {"requests": {"storage": "0"}}}}),
        ("an ingress with neither rules nor a default backend", ingresses, {"metadata": {"name": "i1"}, "spec": {}}),
        ("ingress rules with an IP, a bad wildcard, paths without a type or not absolute", ingresses, {
            "metadata": {"name": "i2"}, "spec": {"ingressClassName": "Nginx_Class", "rules": [
                {"host": "10.0.0.1", "http": {"paths": [{"path": "/", "backend": {"service": {"name": "web"}}}]}},
                {"host": "a.*.example.com", "http": {"paths": []}},
                {"host": "*.example.com", "http": {"paths": [
                    {"path": "api", "pathType": "Prefix", "backend": {"service": {
                        "name": "Web.v1", "port": {"number": 70000}}}},
                    {"path": "/a//b/.", "pathType": "Exact", "backend": {"service": {"name": "web", "port": {
                        "name": "http", "number": 80}}}},
                    {"path": "x", "pathType": "Regex", "backend": {}}]}}]}}),
        ("an ingress whose default backend names no port", ingresses, {"metadata": {"name": "i3"}, "spec": {
            "defaultBackend": {"service": {"name": "web"}}}}),
        ("resource backends: an empty one, one with a bad group and names that cannot be path segments", ingresses,
         {"metadata": {"name": "i4"}, "spec": {"defaultBackend": {"resource": {}}, "rules": [{"http": {"paths": [
             {"path": "/", "pathType": "Prefix", "backend": {"resource": {"apiGroup": "Bad_Group", "kind": "a/b",
                                                                          "name": ".."}}},
             {"path": "/b", "pathType": "Prefix", "backend": {"resource": {"apiGroup": "", "kind": "K%",
                                                                           "name": "n"}}}]}}]}}),
        ("a cron job with four fields and pods that restart for ever", cronjobs, {"metadata": {"name": "cj1"},
         "spec": {"schedule": "*/5 * * *", "jobTemplate": {"spec": {"template": job_tpl}}}}),
        ("a cron job out of range, an unknown concurrency policy, a selector it may not set", cronjobs, {
            "metadata": {"name": "cj2"}, "spec": {"schedule": "0 25 * * *", "concurrencyPolicy": "Sometimes",
                                                  "jobTemplate": {"spec": {
                                                      "selector": {"matchLabels": {"a": "b"}},
                                                      "template": {"spec": {**job_tpl["spec"],
                                                                            "restartPolicy": "Never"}}}}}}),
        ("a cron job with a time zone in its schedule and a long name", cronjobs, {"metadata": {"name": "c" * 53},
         "spec": {"schedule": "CRON_TZ=UTC 0 * * * *", "jobTemplate": {"spec": {"template": {"spec": {
             **job_tpl["spec"], "restartPolicy": "OnFailure"}}}}}}),
        *((f"a cron job scheduled {when!r}", cronjobs, {"metadata": {"name": "cj3"}, "spec": {
            "schedule": when, "jobTemplate": {"spec": {"template": {"spec": {
                **job_tpl["spec"], "restartPolicy": "Never"}}}}}})
          for when in ("@fortnightly", "@every 5", "@every 5x", "1-2-3 * * * *", "*/0 * * * *", "5-1 * * * *",
                       "x * * * *", "* * * * mon-fri/2/3", "0 0 * jan,Feb,13 *", "-1 * * * *", "TZ=UTC",
                       "0 0 0 * *")),
        ("an autoscaler with no room and no target", hpas, {"metadata": {"name": "h1"}, "spec": {
            "minReplicas": 0, "maxReplicas": -2, "scaleTargetRef": {"kind": "Deployment", "name": "a/b"}}}),
        ("an autoscaler whose most is below its least", hpas, {"metadata": {"name": "h2"}, "spec": {
            "minReplicas": 3, "maxReplicas": 2, "scaleTargetRef": {}}}),
        ("an autoscaler below zero with no most, its target's group wrong", hpas, {"metadata": {"name": "h3"},
         "spec": {"minReplicas": -1, "scaleTargetRef": {"apiVersion": "a/b/c", "kind": ".", "name": "x%"}}}),
        ("a budget with both bounds, one over 100%, and an unknown policy",
         f"/apis/policy/v1/namespaces/{ns}/poddisruptionbudgets", {"metadata": {"name": "b1"}, "spec": {
             "minAvailable": 1, "maxUnavailable": "150%", "selector": {"matchLabels": {"app": "web"}},
             "unhealthyPodEvictionPolicy": "Never"}}),
        ("a role's rules without verbs, groups or resources, and with URLs", roles, {"metadata": {"name": "r1"},
         "rules": [{"resources": ["pods"]}, {"verbs": ["get"], "nonResourceURLs": ["/healthz"], "apiGroups": [""]}]}),
        ("a binding to a role of another group, subjects of unknown kinds", bindings, {"metadata": {"name": "b1"},
         "roleRef": {"apiGroup": "example.com", "kind": "Policy", "name": "a/b"}, "subjects": [
             {"kind": "Robot", "name": "r2"}, {"kind": "User", "name": "alice"},
             {"kind": "ServiceAccount", "name": "Bad_SA", "apiGroup": "x"}]}),
        ("a role named with a slash", roles, {"metadata": {"name": "a/b"}, "rules": []}),
        ("a job whose pods restart for ever", jobs, {"metadata": {"name": "j1"}, "spec": {"template": job_tpl}}),
        ("a job with an unknown restart policy", jobs, {"metadata": {"name": "j2"}, "spec": {
            "template": {"spec": {**job_tpl["spec"], "restartPolicy": "Sometimes"}}, "backoffLimit": -1}}),
        ("a job with a pod failure policy and OnFailure", jobs, {"metadata": {"name": "j3"}, "spec": {
            "template": {"spec": {**job_tpl["spec"], "restartPolicy": "OnFailure"}}, "podFailurePolicy": {
                "rules": [{"action": "FailJob", "onExitCodes": {"operator": "In", "values": [1]}}]}}}),
        # one bad key per map: the apiserver walks a map in Go's random order
        ("config map keys the apiserver refuses", f"{core}/configmaps", {"metadata": {"name": "k1"},
         "data": {"a b": "1", "fine": "2"}, "binaryData": {"é": "AA=="}}),
        ("a key in both data and binaryData", f"{core}/configmaps", {"metadata": {"name": "k1"},
         "data": {"ok": "1"}, "binaryData": {"ok": "AA=="}}),
        ("a key of two dots", f"{core}/configmaps", {"metadata": {"name": "k1"}, "data": {"..x": "1"}}),
        ("a TLS secret without its keys, a bad key", f"{core}/secrets", {"metadata": {"name": "k2"},
         "type": "kubernetes.io/tls", "data": {"bad/key": "AA=="}}),
        ("a basic-auth secret without either key", f"{core}/secrets", {"metadata": {"name": "k3"},
         "type": "kubernetes.io/basic-auth"}),
        ("a service account token secret without its account", f"{core}/secrets", {"metadata": {"name": "k4"},
         "type": "kubernetes.io/service-account-token"}),
    ]
    svc, port = f"{core}/services", {"port": 80}
    steps += [
        ("a service without ports", svc, {"metadata": {"name": "v1"}, "spec": {"selector": {"app": "x"}}}),
        ("two ports without names, one out of range, a bad target port name", svc, {"metadata": {"name": "v2"},
         "spec": {"ports": [port, {"port": 70000, "targetPort": "Http_1"}]}}),
        ("an ExternalName service without its name", svc, {"metadata": {"name": "v3"},
         "spec": {"type": "ExternalName"}}),
        ("an unknown service type and session affinity", svc, {"metadata": {"name": "v4"},
         "spec": {"type": "Internal", "sessionAffinity": "Sticky", "ports": [port]}}),
        ("a node port on a ClusterIP service, duplicate port names", svc, {"metadata": {"name": "v5"}, "spec": {
            "ports": [{**port, "name": "a", "nodePort": 30001}, {"port": 81, "name": "a"}]}}),
    ]
    steps += [
        ("a service named with a dot", svc, {"metadata": {"name": "web.v1"}, "spec": {"ports": [port]}}),
        ("a stateful set named with a dot, without a selector, an unknown pod management policy",
         f"/apis/apps/v1/namespaces/{ns}/statefulsets", {"metadata": {"name": "db.v1"}, "spec": {
             "serviceName": "db_svc", "podManagementPolicy": "Random", "template": tpl}}),
        ("a stateful set whose claim templates are mounted, with a hostname and a bad strategy",
         f"/apis/apps/v1/namespaces/{ns}/statefulsets", {"metadata": {"name": "db"}, "spec": {
             "selector": _DEPLOYMENT["spec"]["selector"], "updateStrategy": {"type": "Recreate"},
             "volumeClaimTemplates": [{"metadata": {"name": "data"}, "spec": {
                 "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}],
             "template": {**tpl, "spec": {"hostname": "Not.A.Label", "containers": [{**c, "volumeMounts": [
                 {"name": "data", "mountPath": "/d"}, {"name": "gone", "mountPath": "/g"}]}]}}}}),
        ("a stateful set whose template has a bad label: checked twice, said once",
         f"/apis/apps/v1/namespaces/{ns}/statefulsets", {"metadata": {"name": "db2"}, "spec": {
             "selector": _DEPLOYMENT["spec"]["selector"],
             "template": {**tpl, "metadata": {"labels": {"app": "web", "tier": "v!"}}}}}),
        ("a stateful set whose claim template asks for nothing, with an unknown retention policy",
         f"/apis/apps/v1/namespaces/{ns}/statefulsets", {"metadata": {"name": "db3"}, "spec": {
             "selector": _DEPLOYMENT["spec"]["selector"], "template": tpl,
             "persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Archive"},
             "volumeClaimTemplates": [{"metadata": {"name": "data"}, "spec": {}}]}}),
        ("a namespace named with capitals", "/api/v1/namespaces", {"metadata": {"name": "Team-A"}}),
    ]
    pod = {**_POD, "metadata": {"name": "fixed-pod"}, "spec": {
        "containers": [c], "tolerations": [{"key": "k", "operator": "Exists", "effect": "NoExecute",
                                            "tolerationSeconds": 60}]}}
    pod_steps = (
        Step("a pod whose spec will not change", "POST", f"{core}/pods", pod, fields=("code",)),
        Step("its image may change, its toleration's seconds too", "PATCH", f"{core}/pods/fixed-pod", {"spec": {
            "containers": [{"name": "c", "image": "nginx:2"}], "tolerations": [
                {"key": "k", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 30}]}},
             content_type=SMP, fields=("code", "spec.containers", "spec.tolerations")),
        Step("no container may be added", "PATCH", f"{core}/pods/fixed-pod", {"spec": {"containers": [
            {"name": "c", "image": "nginx:2"}, {"name": "d", "image": "busybox"}]}}, content_type=MERGE,
             fields=INVALID),
        Step("a toleration may not change but for its seconds", "PATCH", f"{core}/pods/fixed-pod", {"spec": {
            "tolerations": [{"key": "k", "operator": "Exists", "effect": "NoSchedule"}]}}, content_type=MERGE,
             fields=INVALID),
        # the message ends with go-cmp's diff of the internal Go types, which is not reproduced: compared
        # without it
        Step("nor may anything else", "PATCH", f"{core}/pods/fixed-pod", {"spec": {"dnsPolicy": "Default"}},
             content_type=MERGE, fields=("code", "reason", "details.name", "details.kind")),
    )
    cm = {"metadata": {"name": "frozen"}, "data": {"a": "1"}, "immutable": True}
    secret = {"metadata": {"name": "words"}, "data": {"a": "YQ=="}, "stringData": {"a": "over", "b": "two"}}
    return (*(Step(what, "POST", path, body, fields=INVALID) for what, path, body in steps), *pod_steps,
            Step("an immutable config map", "POST", f"{core}/configmaps", cm, fields=("code", "immutable", "data")),
            Step("its data may not change", "PUT", f"{core}/configmaps/frozen", {**cm, "data": {"a": "2"}},
                 fields=INVALID),
            Step("nor may it become mutable", "PUT", f"{core}/configmaps/frozen", {**cm, "immutable": False},
                 fields=INVALID),
            Step("a secret written with stringData: stored as data", "POST", f"{core}/secrets", secret,
                 fields=("code", "data", "stringData", "type")),
            Step("a secret's type may not change", "PUT", f"{core}/secrets/words",
                 {"metadata": {"name": "words"}, "type": "kubernetes.io/basic-auth", "data": {"username": "dQ=="}},
                 fields=INVALID),
            Step("a role binding to change", "POST", bindings, {"metadata": {"name": "fixed"}, "roleRef": {
                "apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "reader"}}, fields=("code",)),
            Step("its role may not change", "PUT", f"{bindings}/fixed", {"metadata": {"name": "fixed"}, "roleRef": {
                "apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "writer"}}, fields=INVALID),
            Step("nor be left without kind and name, beside bad subjects: the name required in its place on update",
                 "PUT", f"{bindings}/fixed", {"metadata": {"name": "fixed"}, "roleRef": {
                     "apiGroup": "rbac.authorization.k8s.io", "kind": "", "name": ""}, "subjects": [
                     {"kind": "Robot", "name": "x"},
                     {"kind": "User", "name": "", "apiGroup": "rbac.authorization.k8s.io"}]},
                 fields=INVALID),
            Step("a deployment to change", "POST", deploys, _deploy("fixed"), fields=("code",)),
            Step("its selector may not change", "PUT", f"{deploys}/fixed", _deploy(
                "fixed", selector={"matchLabels": {"app": "web", "tier": "x"}},
                template={**tpl, "metadata": {"labels": {"app": "web", "tier": "x"}}}), fields=INVALID),
            Step("a patch that breaks its template", "PATCH", f"{deploys}/fixed",
                 {"spec": {"template": {"spec": {"containers": [{"name": "c", "image": ""}]}}}},
                 content_type=MERGE, fields=INVALID))


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
    return (*made_steps, Step(  # (the v1 conversion's annotation of its internal spec.templateGeneration)
        "a DaemonSet's status put without its template generation annotation: kept, as its spec is, but the "
        "field manager saw it as sent (0) and gives it to the status writer", "PUT",
        f"{apps}/daemonsets/ds/status", {"metadata": {"name": "ds"}, "spec": workload, "status": {}},
        fields=("code", "metadata.annotations", "metadata.managedFields")), *(
        Step(f"a quantity the apiserver cannot read: {q}", "POST", f"{core}/pods", {"metadata": {"name": "q"}, "spec": {
            "containers": [{"name": "c", "image": "nginx", "resources": {"requests": {"cpu": q}}}]}},
             fields=("code", "reason", "message")) for q in ("1.2.3", "1kk")))


def _pod(name: str, **spec: Any) -> dict[str, Any]:
    return {**_POD, "metadata": {"name": name, "labels": {"app": name}}, "spec": {**_POD["spec"], **spec}}


def _eviction(name: str) -> dict[str, Any]:
    return {"apiVersion": "policy/v1", "kind": "Eviction", "metadata": {"name": name}}


# Server-side apply by one manager: a field it stops naming goes
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
    core, pdbs = f"/api/v1/namespaces/{ns}", f"/apis/policy/v1/namespaces/{ns}/poddisruptionbudgets"
    return (
        Step("create", "POST", cms, _cm("one"), fields=(*META, "data")),
        Step("create an existing name", "POST", cms, _cm("one"), fields=("reason", "message", "code", "details")),
        Step("create without a name", "POST", cms, {"metadata": {}}, fields=INVALID),
        *_invalid_metadata(ns),
        *_invalid_specs(ns),
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
             [{"op": "test", "path": "/data/a", "value": "nope"}], JSONP, fields=("reason", "message", "code")),
        # JSON patch as evanphx/json-patch v4 reads it (proxy/apiserver/jsonpatch.py)
        Step("json patch: replace of a missing key adds it", "PATCH", f"{cms}/one",
             [{"op": "replace", "path": "/data/r", "value": "5"}], JSONP, fields=("code", "data")),
        Step("json patch: an add without a value adds null", "PATCH", f"{cms}/one",
             [{"op": "add", "path": "/data/n"}], JSONP, fields=("code", "data")),
        Step("json patch: a path's first segment is dropped", "PATCH", f"{cms}/one",
             [{"op": "add", "path": "x/data/d", "value": "6"}], JSONP, fields=("code", "data")),
        Step("json patch: indices as strconv.Atoi reads them, from the end too", "PATCH", f"{cms}/one",
             [{"op": "add", "path": "/metadata/finalizers", "value": ["a/f", "b/f", "c/f"]},
              {"op": "remove", "path": "/metadata/finalizers/01"}, {"op": "replace", "path": "/metadata/finalizers/-1",
                                                                     "value": "z/f"}], JSONP,
             fields=("code", "metadata.finalizers")),
        Step("json patch: removing the finalizers again", "PATCH", f"{cms}/one",
             [{"op": "remove", "path": "/metadata/finalizers"}], JSONP, fields=("code", "metadata.finalizers")),
        Step("json patch: a missing key tested for null, then added (kube-rs's finalizer helper)", "PATCH",
             f"{cms}/one", [{"op": "test", "path": "/metadata/finalizers", "value": None},
                            {"op": "add", "path": "/metadata/finalizers", "value": ["w/f"]}], JSONP,
             fields=("code", "metadata.finalizers")),
        Step("json patch: a present key tested for null fails", "PATCH", f"{cms}/one",
             [{"op": "test", "path": "/metadata/finalizers", "value": None}], JSONP,
             fields=("reason", "message", "code")),
        Step("json patch: a missing key tested without a value, the finalizers removed", "PATCH", f"{cms}/one",
             [{"op": "test", "path": "/data/absent"}, {"op": "remove", "path": "/metadata/finalizers"}], JSONP,
             fields=("code", "metadata.finalizers")),
        Step("json patch: a missing key removed is the generic 422", "PATCH", f"{cms}/one",
             [{"op": "remove", "path": "/data/missing"}], JSONP, fields=("reason", "message", "code")),
        Step("json patch: an unknown op", "PATCH", f"{cms}/one", [{"op": "bogus", "path": "/data/a"}], JSONP,
             fields=("reason", "message", "code")),
        Step("json patch: test of a whole value", "PATCH", f"{cms}/one",
             [{"op": "test", "path": "/metadata/name", "value": "one"}, {"op": "copy", "from": "/data/a",
                                                                        "path": "/data/copied"}], JSONP,
             fields=("code", "data")),
        # metadata that is not an object: encoding/json's refusal, after the kind's; a null one is no metadata
        *(Step(f"{method} a metadata of {json.dumps(meta)}", method, cms if method == "POST" else f"{cms}/one",
               {"apiVersion": "v1", "kind": kind, "metadata": meta, "data": {"a": "1"}},
               fields=("reason", "message", "code"))
          for method, kind, meta in (("POST", "ConfigMap", []), ("POST", "ConfigMap", ""), ("PUT", "ConfigMap", 1.5),
                                     ("PUT", "ConfigMap", True), ("PUT", "ConfigMap", None), ("POST", "x", [{}]))),
        Step("json patch: a missing key copied is a null", "PATCH", f"{cms}/one",
             [{"op": "copy", "from": "/data/absent", "path": "/data/nothing"}], JSONP, fields=("code", "data")),
        Step("strategic merge patch", "PATCH", f"{cms}/one", {"data": {"c": "4"}}, SMP, fields=(*META, "data")),
        Step("patch a missing object", "PATCH", f"{cms}/missing", {"data": {}}, MERGE,
             fields=("reason", "message", "code")),
        Step("apply creates", "PATCH", f"{cms}/applied", json.dumps(_cm("applied")), APPLY, "fieldManager=test",
             fields=(*META, "data")),
        # a resourceVersion sent, as the storage reads it (strconv.ParseUint) on each path; JOSDK applies its
        # dependents with the one its informer last saw, "1" for an object it has not seen yet
        Step("apply creating with a resourceVersion: read, then ignored", "PATCH", f"{cms}/rv-applied",
             json.dumps(_cm("rv-applied", resourceVersion="1")), APPLY, "fieldManager=test", fields=("code", "data")),
        Step("apply creating again with the stale one", "PATCH", f"{cms}/rv-applied",
             json.dumps(_cm("rv-applied", resourceVersion="1")), APPLY, "fieldManager=test",
             fields=("reason", "message", "code")),
        Step("apply creating with a resourceVersion that is no number", "PATCH", f"{cms}/rv-bad",
             json.dumps(_cm("rv-bad", resourceVersion="abc")), APPLY, "fieldManager=test", fields=("message", "code")),
        Step("dry-run apply creating: the resourceVersion sent comes back", "PATCH", f"{cms}/rv-dry",
             json.dumps(_cm("rv-dry", resourceVersion="5")), APPLY, "fieldManager=test&dryRun=All",
             fields=("code", "metadata.resourceVersion")),
        Step("dry-run create: the resourceVersion sent comes back", "POST", cms, _cm("rv-dry", resourceVersion="7"),
             query="dryRun=All", fields=("code", "metadata.resourceVersion")),
        Step("create with a resourceVersion that is no number: ignored", "POST", cms,
             _cm("rv-text", resourceVersion="x1"), fields=("code", "data")),
        Step("update with a resourceVersion that is no number", "PUT", f"{cms}/rv-text",
             _cm("rv-text", resourceVersion="x1"), fields=("message", "code")),
        Step("merge patch naming a resourceVersion out of range", "PATCH", f"{cms}/rv-text",
             {"metadata": {"resourceVersion": "18446744073709551616"}}, MERGE, fields=("message", "code")),
        Step("update with resourceVersion 0: unconditional", "PUT", f"{cms}/rv-text",
             {**_cm("rv-text", resourceVersion="0"), "data": {"b": "2"}}, fields=("code", "data")),
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
        # a body of another kind: one the delete handler's scheme decodes cannot be converted, another is unknown
        Step("delete with a Status as its body", "DELETE", f"{cms}/one", {"kind": "Status", "apiVersion": "v1"},
             fields=("reason", "message", "code")),
        Step("delete with a v1beta1 PartialObjectMetadataList", "DELETE", f"{cms}/one",
             {"kind": "PartialObjectMetadataList", "apiVersion": "meta.k8s.io/v1beta1"},
             fields=("reason", "message", "code")),
        Step("delete with ListOptions of the core version", "DELETE", f"{cms}/one",
             {"kind": "ListOptions", "apiVersion": "v1"}, fields=("reason", "message", "code")),
        Step("create a deployment", "POST", deploys, _DEPLOYMENT, fields=(*META, "spec.replicas")),
        Step("label it", "PATCH", f"{deploys}/web", {"metadata": {"labels": {"tier": "front"}}}, SMP,
             fields=(*META,)),
        Step("change its image", "PATCH", f"{deploys}/web",
             {"spec": {"template": {"spec": {"containers": [{"name": "c", "image": "nginx:2"}]}}}}, SMP,
             fields=(*META, "spec.template.spec.containers")),
        Step("add a sidecar", "PATCH", f"{deploys}/web",
             {"spec": {"template": {"spec": {"containers": [{"name": "side", "image": "envoy"}]}}}}, SMP,
             fields=("metadata.generation", "spec.template.spec.containers")),
        # a keyed list's items without their key, or not maps: errors the handler does not interpret (its 500s)
        *(Step(f"patch its containers with {json.dumps(containers)}", "PATCH", f"{deploys}/web",
               {"spec": {"template": {"spec": {"containers": containers}}}}, SMP,
               fields=("code", "reason", "message"))
          for containers in ([{"image": "x", "b": [1]}], [1], [{"name": "c"}, "x"], ["x", "y"])),
        Step("scale it", "PATCH", f"{deploys}/web/scale", {"spec": {"replicas": 3}}, MERGE,
             fields=("kind", "apiVersion", "spec", "status.replicas", "metadata.name")),
        Step("a scale below zero: the Scale is invalid, not the Deployment", "PATCH", f"{deploys}/web/scale",
             {"spec": {"replicas": -1}}, MERGE, fields=INVALID),
        Step("the same as a PUT", "PUT", f"{deploys}/web/scale",
             {"apiVersion": "autoscaling/v1", "kind": "Scale", "metadata": {"name": "web"}, "spec": {"replicas": -2}},
             fields=INVALID),
        Step("a strategic merge patch's replicas past an int32: converted from unstructured, wrapped to 3", "PATCH",
             f"{deploys}/web", {"spec": {"replicas": 2**32 + 3}}, SMP, query="dryRun=All",
             fields=("code", "spec.replicas")),
        Step("a strategic merge patch of its scale past an int32", "PATCH", f"{deploys}/web/scale",
             {"spec": {"replicas": 2**32 + 2}}, SMP, query="dryRun=All", fields=("code", "spec.replicas")),
        Step("a scale PUT past an int32: decoded from JSON", "PUT", f"{deploys}/web/scale",
             {"apiVersion": "autoscaling/v1", "kind": "Scale", "metadata": {"name": "web"},
              "spec": {"replicas": 2**33}}, query="dryRun=All", fields=("code", "reason")),
        Step("a scale merge patch past an int32", "PATCH", f"{deploys}/web/scale", {"spec": {"replicas": 2**33}},
             MERGE, query="dryRun=All", fields=("code", "reason")),
        Step("a strategic merge patch of its scale with a fraction", "PATCH", f"{deploys}/web/scale",
             {"spec": {"replicas": 1.5}}, SMP, query="dryRun=All", fields=("code", "reason", "message")),
        Step("an applied configuration's: converted from unstructured too", "PATCH", f"{deploys}/web",
             {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
              "spec": {"replicas": 2**32 + 4}}, APPLY, query="dryRun=All&fieldManager=big&force=true",
             fields=("code", "spec.replicas")),
        Step("a merge patch's: decoded from JSON, refused (the object quoted holds times)", "PATCH", f"{deploys}/web",
             {"spec": {"replicas": 2**32 + 3}}, MERGE, query="dryRun=All", fields=("code", "reason")),
        Step("a scale whose metadata is a number", "PUT", f"{deploys}/web/scale",
             {"apiVersion": "autoscaling/v1", "kind": "Scale", "metadata": -1, "spec": {"replicas": 2}},
             fields=("reason", "message", "code")),
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
        # what a status strategy keeps of the metadata is the stored one by validation (PrepareForUpdate first)
        Step("a deployment's status patched with labels it keeps", "PATCH", f"{deploys}/web/status",
             {"metadata": {"labels": {"bad key!": "x"}}}, MERGE, fields=("code", "metadata.labels")),
        Step("a pod's status patched with owners it keeps", "PATCH", f"{pods}/guarded/status",
             {"metadata": {"ownerReferences": [{}]}}, MERGE, fields=("code", "metadata.ownerReferences")),
        Step("create a volume attachment", "POST", _ATTACHMENTS, {"metadata": {"name": f"{ns}-va"}, "spec": {
            "attacher": "csi.example.com", "source": {"persistentVolumeName": "pv"}, "nodeName": "n1"}},
             fields=("code",)),
        Step("its status patched with metadata it keeps whole", "PATCH", f"{_ATTACHMENTS}/{ns}-va/status",
             {"metadata": {"labels": {"bad key!": "x"}, "ownerReferences": [{}]}}, MERGE,
             fields=("code", "metadata.labels", "metadata.ownerReferences")),
        Step("delete it", "DELETE", f"{_ATTACHMENTS}/{ns}-va", fields=("code",)),
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
        # a value of a type that decodes itself (a time, base64 bytes) ends the decoding where a value of the wrong
        # JSON type is only noted: its refusal wins wherever it is, and comes before the name's checks
        Step("a lease named by a number with a time that is none", "POST", leases,
             {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": {"name": 1.5},
              "spec": {"leaseDurationSeconds": "x", "acquireTime": "bad"}}, fields=("code", "reason", "message")),
        Step("a lease put under another name with a time that is none", "PUT", f"{leases}/leader",
             {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": {"name": "other"},
              "spec": {"renewTime": 5}}, fields=("code", "reason", "message")),
        Step("a lease patched with labels that are none and a time that is none", "PATCH", f"{leases}/leader",
             {"metadata": {"labels": 5}, "spec": {"acquireTime": "bad"}}, MERGE, fields=("code", "reason")),
        *(Step(f"a pod with a type error before {what}", "POST", pods, {**_POD, "metadata": {"name": 5}, "spec": {
            "containers": [{"name": "c", "image": "i", **container}]}}, fields=("code", "reason", "message"))
          for what, container in (("a port that is a bool", {"livenessProbe": {"httpGet": {"port": True}}}),
                                  ("a port of a fraction", {"readinessProbe": {"tcpSocket": {"port": 1.5}}}),
                                  ("a quantity that is none", {"resources": {"limits": {"cpu": "lots"}}}),
                                  ("a quantity that is a list", {"resources": {"requests": {"memory": []}}}))),
        # a create without a name is validated whole: the name's cause is one among the others
        *(Step(f"create {what}", "POST", path, body, fields=("code", "reason", "message", "details"))
          for what, path, body in (
              ("a config map without a name", cms,
               {"metadata": {"labels": {"bad key!": "v"}}, "data": {"a b": "1"}}),
              ("a pod without a name", pods,
               {"metadata": {}, "spec": {"containers": [], "restartPolicy": "Sometimes"}}),
              ("a deployment without a name", deploys, {"metadata": {"generateName": ""}, "spec": {"replicas": -1}}),
              ("a lease without a name", leases, {"metadata": {}, "spec": {"leaseDurationSeconds": -5}}),
              # (a schedule's requirement is declarative validation's: reported after the others)
              ("a cron job without a name", f"/apis/batch/v1/namespaces/{ns}/cronjobs",
               {"metadata": {}, "spec": {"b": [1]}}),
              # (strategies that validate no metadata: it is checked alone once they find nothing, a name as a
              # path segment; a limit range is named by its strategy)
              ("a budget without a name", pdbs, {"metadata": {}, "spec": {"minAvailable": 1, "maxUnavailable": 1}}),
              ("a budget without a name, its labels wrong", pdbs,
               {"metadata": {"labels": {"bad key!": "v"}}, "spec": {"minAvailable": 1}}),
              ("a budget named Bad_Name", pdbs, {"metadata": {"name": "Bad_Name"}, "spec": {"minAvailable": 1}}),
              ("an event without a name", f"{core}/events",
               {"metadata": {}, "involvedObject": {"kind": "Pod", "name": "p"}}),
              ("a limit range without a name", f"{core}/limitranges", {"metadata": {}, "spec": {"limits": []}}))),
        Step("an autoscaler whose spec is a list: its Go type named by its package", "POST",
             f"/apis/autoscaling/v2/namespaces/{ns}/horizontalpodautoscalers", {
                 "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "h"},
                 "spec": []}, fields=("code", "message")),
        # a strategic merge patch's map taken whole loses its nulls, as the refusal's quote of the patch shows
        *(Step(f"a strategic merge patch of {json.dumps(patch)}", "PATCH", f"{cms}/applied", patch, SMP,
               fields=("code", "reason", "message"))
          for patch in ({"binaryData": {"z": {"a": None}}}, {"data": {"k": {"a": None, "b": 1}}},
                        {"binaryData": {"y": 5}, "metadata": {"labels": {"x": {"y": None}}}},
                        {"binaryData": {"w": [1, "a"]}})),
        Step("a strategic merge patch of bytes as a list of numbers: converted", "PATCH", f"{cms}/applied",
             {"binaryData": {"w": [1, 2, 255]}}, SMP, fields=("code", "binaryData")),
        Step("a config map put under another name with bytes that are none", "PUT", f"{cms}/applied",
             {**_cm("other"), "binaryData": {"b": "!!"}}, fields=("code", "reason", "message")),
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
        Step("an empty phase written to its status is Active (defaulted)", "PATCH",
             f"/api/v1/namespaces/{ns}-child/status", {"status": {"phase": ""}}, MERGE, fields=("code", "status")),
        Step("delete it", "DELETE", f"/api/v1/namespaces/{ns}-child",
             fields=("code", "kind", "metadata.deletionGracePeriodSeconds", "spec", "status")),
        Step("get it after", "GET", f"/api/v1/namespaces/{ns}-child", fields=("code", "spec", "status")),
        Step("create in the terminating namespace", "POST", f"/api/v1/namespaces/{ns}-child/configmaps",
             _cm("late"), fields=("code", "reason", "message", "details")),
        Step("create one to delete by label", "POST", cms, _cm("bylabel1", labels={"y": "2"}), fields=("code",)),
        Step("and one held by a finalizer", "POST", cms,
             _cm("bylabel2", labels={"y": "2"}, finalizers=["example.com/f"]), fields=("code",)),
        # the answer is the list as it was before the deletes (items without kind and apiVersion)
        Step("delete the configmaps by label", "DELETE", cms, query="labelSelector=y%3D2",
             fields=("kind", "items")),
        *_applied_nulls(ns), *_raw_bytes(ns), *_external_name_status(ns), *_finalizer_names(ns), *_null_items(ns),
        *_device_selectors(ns), *_role_refs(ns), *_semantic_generation(ns), *_data_size(ns), *_new_event_order(ns),
        *_job_specs(ns), *_field_rules(ns), *_pod_fields(ns), *_volume_sources(ns), *_workload_details(ns),
        *_admission_and_dra_fields(ns), *_empty_values(ns), *_hook_handlers(ns), *_claim_requests(ns),
        *_held_updates(ns), *_gated_validation(ns),
        *_container_fields(ns), *_autoscaler_views(ns), *_pod_status_rules(ns), *_volume_statuses(ns),
        *_job_indexes(ns), *_made_by_status(ns), *_time_forms(ns), *_number_literals(ns), *_base64_forms(ns),
        *_element_order(ns), *_patch_strategies(ns), *_patch_directives(ns), *_repeated_keys(ns), *_cel_syntax(ns),
        *_cel_references(ns), *_go_read_texts(ns), *_nil_conditions(ns), *_empty_lists_in_lists(ns),
        *_quantity_texts(ns), *_limit_ranges(ns),
        Step("list", "GET", cms, fields=("kind",)),
    )


def _applied_nulls(ns: str) -> tuple[Step, ...]:
    """A null in an applied configuration, as structured-merge-diff merges it: a scalar's replaces the live
    value (a conflict with its owner), a map's or list's leaves the live one, a map entry's is the element's
    zero value."""
    cms, deploys = f"/api/v1/namespaces/{ns}/configmaps", f"/apis/apps/v1/namespaces/{ns}/deployments"
    fields = ("code", "message", "data", "spec.replicas", "spec.paused")

    def applied(path: str, doc: dict[str, Any], query: str, what: str) -> Step:
        return Step(what, "PATCH", path, json.dumps(doc), APPLY, query, fields=fields)
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "nulls"}}
    deploy = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "nulls"}}
    return (
        Step("a configmap another manager owns", "POST", cms, _cm("nulls"), fields=("code",)),
        applied(f"{cms}/nulls", {**cm, "data": None}, "fieldManager=ap", "apply a null map: the live one stays"),
        applied(f"{cms}/nulls", {**cm, "data": {"a": None}}, "fieldManager=ap",
                "apply a null entry another manager owns: a conflict"),
        applied(f"{cms}/nulls", {**cm, "data": {"a": None}}, "fieldManager=ap&force=true",
                "forced: the entry's zero value"),
        applied(f"{cms}/nulls", {**cm, "data": {"b": None}}, "fieldManager=ap2", "a new null entry"),
        Step("a deployment another manager owns", "POST", deploys,
             {**_DEPLOYMENT, "metadata": {"name": "nulls"}, "spec": {**_DEPLOYMENT["spec"], "paused": True}},
             fields=("code",)),
        applied(f"{deploys}/nulls", {**deploy, "spec": {"replicas": None}}, "fieldManager=ap",
                "apply a null field another manager owns: a conflict"),
        applied(f"{deploys}/nulls", {**deploy, "spec": {"paused": None, "replicas": None}},
                "fieldManager=ap&force=true", "forced: the fields go, replicas defaulted again"),
    )


def _raw_bytes(ns: str) -> tuple[Step, ...]:
    """A ControllerRevision's data is the bytes a client sent (this client's json.dumps puts spaces in),
    compared as bytes where it is immutable: a patch re-marshals it (a strategic one and an apply with keys
    sorted), a PUT of the same bytes and an apply that changes nothing keep them."""
    revs = f"/apis/apps/v1/namespaces/{ns}/controllerrevisions"
    data = {"b": 1, "a": {"y": 2, "x": 1}}
    rev = {"apiVersion": "apps/v1", "kind": "ControllerRevision", "metadata": {"name": "spaced"}, "revision": 1,
           "data": data}
    as_yaml = "apiVersion: apps/v1\nkind: ControllerRevision\nmetadata: {name: sorted}\nrevision: 1\n" \
              "data: {b: 1, a: {q: 2, p: 1}}\n"
    fields = ("code", "message", "data", "revision")
    return (
        Step("a revision sent with spaces", "POST", revs, rev, fields=fields),
        Step("a merge patch of its revision: its data re-marshalled", "PATCH", f"{revs}/spaced", {"revision": 2},
             MERGE, fields=fields),
        Step("a JSON patch of its revision", "PATCH", f"{revs}/spaced",
             [{"op": "replace", "path": "/revision", "value": 2}], JSONP, fields=fields),
        Step("a strategic merge patch: keys sorted", "PATCH", f"{revs}/spaced", {"revision": 2}, SMP,
             fields=fields),
        Step("an apply that changes nothing", "PATCH", f"{revs}/spaced", json.dumps(rev), APPLY, "fieldManager=ap",
             fields=fields),
        Step("an apply of its revision", "PATCH", f"{revs}/spaced", json.dumps({**rev, "revision": 2}), APPLY,
             "fieldManager=ap&force=true", fields=fields),
        Step("a PUT of the same bytes", "PUT", f"{revs}/spaced", {**rev, "revision": 2}, fields=fields),
        Step("a revision sent as YAML: its data sorted and compact", "POST", revs, as_yaml, "application/yaml",
             fields=fields),
        Step("a strategic merge patch keeps those bytes", "PATCH", f"{revs}/sorted", {"revision": 2}, SMP,
             fields=fields),
        Step("a merge patch keeps what it does not touch", "PATCH", f"{revs}/sorted", {"revision": 3}, MERGE,
             fields=fields),
        Step("a merge patch of its data", "PATCH", f"{revs}/sorted", {"data": {"c": 3}}, MERGE, fields=fields),
        *_claim_parameters(ns),
    )


def _claim_parameters(ns: str) -> tuple[Step, ...]:
    """A claim's opaque device parameters are RawExtensions too, under a spec compared as bytes: one created with
    spaces is refused every patch, a template's refusal prints its internal type, one created as YAML (keys sorted)
    takes them."""
    claims = f"/apis/resource.k8s.io/v1/namespaces/{ns}/resourceclaims"
    templates = f"/apis/resource.k8s.io/v1/namespaces/{ns}/resourceclaimtemplates"
    spec = {"devices": {"requests": [{"name": "r", "exactly": {"deviceClassName": "dc"}}], "config": [
        {"requests": ["r"], "opaque": {"driver": "a.example.com", "parameters": {"b": 1, "a": {"y": 2, "x": 1}}}},
        {"opaque": {"driver": "b.example.com", "parameters": {"k": [1, {"d": 1, "c": 2}]}}}]}}
    claim = {"apiVersion": "resource.k8s.io/v1", "kind": "ResourceClaim", "metadata": {"name": "spaced"}, "spec": spec}
    labelled = {"metadata": {"labels": {"a": "b"}}}
    fields = ("code", "message", "spec.devices.config", "spec.spec.devices.config")
    return (
        Step("a claim sent with spaces", "POST", claims, claim, fields=fields),
        Step("a merge patch of its labels: its parameters re-read", "PATCH", f"{claims}/spaced", labelled, MERGE,
             fields=fields),
        Step("a JSON patch of its labels", "PATCH", f"{claims}/spaced",
             [{"op": "add", "path": "/metadata/labels", "value": {"a": "b"}}], JSONP, fields=fields),
        Step("an apply of its labels", "PATCH", f"{claims}/spaced",
             json.dumps({**claim, "metadata": {"name": "spaced", "labels": {"a": "b"}}, "spec": None}), APPLY,
             "fieldManager=ap", fields=fields),
        Step("a template sent with spaces", "POST", templates, {**claim, "kind": "ResourceClaimTemplate",
                                                                 "spec": {"spec": spec}}, fields=fields),
        Step("a merge patch of its labels: its spec printed", "PATCH", f"{templates}/spaced", labelled, MERGE,
             fields=fields),
        Step("a claim sent as YAML: its parameters sorted", "POST", claims, yaml.safe_dump(
            {**claim, "metadata": {"name": "sorted"}}, sort_keys=False), "application/yaml", fields=fields),
        Step("takes a merge patch", "PATCH", f"{claims}/sorted", labelled, MERGE, fields=fields),
        Step("and a strategic merge patch", "PATCH", f"{claims}/sorted", {"metadata": {"labels": {"a": "c"}}}, SMP,
             fields=fields),
    )


def _finalizer_names(ns: str) -> tuple[Step, ...]:
    """Finalizers are qualified names, not both orphan and foregroundDeletion, and, where the kind's validation
    takes ObjectMeta's from the core group, one without a "/" is a standard one; a Lease's and (on update) a
    legacy Event's do not."""
    cms, leases = f"/api/v1/namespaces/{ns}/configmaps", f"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases"
    many = ["hold", "example.com/ok", "bad name/x", "kubernetes", "orphan", "foregroundDeletion"]
    event = {"metadata": {"name": "fe"}, "involvedObject": {"kind": "Pod", "name": "p", "namespace": ns},
             "reason": "r"}
    return (
        Step("a configmap's finalizers, every rule broken", "POST", cms, _cm("fin", finalizers=many), fields=INVALID),
        Step("a configmap with a label and a finalizer refused", "POST", cms,
             _cm("fin", finalizers=["hold"], labels={"-x": "y"}), fields=INVALID),
        Step("a configmap to hold finalizers", "POST", cms, _cm("fin"), fields=("code",)),
        Step("finalizers added by a patch", "PATCH", f"{cms}/fin", {"metadata": {"finalizers": ["hold", "a/b", ""]}},
             MERGE, fields=INVALID),
        Step("a qualified one", "PATCH", f"{cms}/fin", {"metadata": {"finalizers": ["example.com/x"]}}, MERGE,
             fields=("code", "metadata.finalizers")),
        Step("removed", "PATCH", f"{cms}/fin", {"metadata": {"finalizers": None}}, MERGE, fields=("code",)),
        Step("a uid, a deletion and a label the update may not set, in the apiserver's order", "PATCH",
             f"{cms}/fin", {"metadata": {"uid": "other", "deletionTimestamp": "2030-01-01T00:00:00Z",
                                         "deletionGracePeriodSeconds": 3, "labels": {"-a": "b"}}}, MERGE,
             fields=INVALID),
        Step("a negative generation", "POST", cms, {"metadata": {"name": "fin2", "generation": -1}}, fields=INVALID),
        Step("a lease's finalizers: only qualified names", "POST", leases,
             {"metadata": {"name": "fin", "finalizers": ["hold", "orphan", "foregroundDeletion"]}}, fields=INVALID),
        Step("an event", "POST", f"/api/v1/namespaces/{ns}/events", event, fields=("code",)),
        Step("an event's finalizers on update", "PATCH", f"/api/v1/namespaces/{ns}/events/fe",
             {"metadata": {"finalizers": ["hold", "-x/y"]}}, MERGE, fields=INVALID),
    )


def _data_size(ns: str) -> tuple[Step, ...]:
    """A ConfigMap's and a Secret's values hold at most 1 MiB together (MaxSecretSize): a ConfigMap's refusal names
    the whole object (`[]`), a Secret's its data."""
    big = "v" * (1024 * 1024 + 1)
    return (
        Step("a configmap over 1 MiB", "POST", f"/api/v1/namespaces/{ns}/configmaps",
             _cm("big") | {"data": {"a": big[:600000], "bad key": big[600000:]}}, fields=INVALID),
        Step("a secret over 1 MiB", "POST", f"/api/v1/namespaces/{ns}/secrets",
             {"metadata": {"name": "big"}, "type": "kubernetes.io/tls", "stringData": {"k": big}}, fields=INVALID),
    )


def _job(name: str, **spec: Any) -> dict[str, Any]:
    template = {"spec": {"restartPolicy": "Never", "containers": [{"name": "c", "image": "i"}]}}
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": name}, "spec": {"template": template, **spec}}


def _labelled_job(name: str, labels: dict[str, str], **spec: Any) -> dict[str, Any]:
    job = _job(name, **spec)
    job["spec"]["template"]["metadata"] = {"labels": labels}
    return job


def _job_specs(ns: str) -> tuple[Step, ...]:
    """A Job's own fields as validateJobSpec judges them, before its template: indexed completion and its limits,
    the failure and success policies (a condition's status defaulted to True), the replacement policy, who manages
    it, and (on create) a name its last indexed pod's hostname can carry; a selector the client gives is added to,
    not replaced, and must still select the generated labels."""
    jobs, crons = f"/apis/batch/v1/namespaces/{ns}/jobs", f"/apis/batch/v1/namespaces/{ns}/cronjobs"
    failure = {"rules": [{}, {"action": "FailIndex", "onExitCodes": {"values": [0, 2, 1, 2], "operator": "In",
                                                                     "containerName": "zz"}},
                         {"action": "X", "onPodConditions": [{"type": "a b"}, {"type": "Ready", "status": "Maybe"}],
                          "onExitCodes": {"operator": "Is", "values": []}}]}
    success = {"rules": [{}, {"succeededIndexes": "1-3,2", "succeededCount": 6}, {"succeededIndexes": "x"},
                         {"succeededIndexes": "4-3"}, {"succeededIndexes": "1-2-3"}, {"succeededIndexes": "9"},
                         {"succeededIndexes": "0,2-3", "succeededCount": 4}, {"succeededCount": -1}]}
    cron = {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "cj"},
            "spec": {"schedule": "* * * * *", "jobTemplate": {"spec": _job("", completionMode="x", managedBy="a", **{
                "podFailurePolicy": {"rules": [{"action": "Ignore", "onPodConditions": [{"type": "X"}]}]}})["spec"]}}}
    return (
        Step("a job of an unknown completion mode", "POST", jobs, _job("j1", completionMode="1Gi"), fields=INVALID),
        Step("an indexed job over its limits", "POST", jobs, _job("j2", completionMode="Indexed", completions=3,
                                                                  parallelism=100001, maxFailedIndexes=100001,
                                                                  backoffLimitPerIndex=1), fields=INVALID),
        Step("an indexed job whose last pod's hostname is too long", "POST", jobs,
             _job("a" * 62, completionMode="Indexed", completions=11), fields=INVALID),
        Step("a nameless indexed job", "POST", jobs, _job("", completionMode="Indexed", completions=3),
             query="dryRun=All", fields=INVALID),
        Step("per-index limits of a job not indexed", "POST", jobs,
             _job("j3", maxFailedIndexes=-1, ttlSecondsAfterFinished=-2, backoffLimitPerIndex=-3), fields=INVALID),
        Step("a job managed by a bad name", "POST", jobs, _job("j4", managedBy="Exa_mple.com/a b"), fields=INVALID),
        Step("a success policy of a job not indexed", "POST", jobs, _job("j5", successPolicy={"rules": []}),
             fields=INVALID),
        Step("an indexed job's success rules", "POST", jobs,
             _job("j6", completionMode="Indexed", completions=5, successPolicy=success), fields=INVALID),
        Step("a pod failure policy's rules", "POST", jobs, _job("j7", podFailurePolicy=failure), fields=INVALID),
        Step("a replacement policy a failure policy forbids", "POST", jobs,
             _job("j8", podReplacementPolicy="TerminatingOrFailed", podFailurePolicy={"rules": []}), fields=INVALID),
        Step("a job whose failure condition's status is defaulted", "POST", jobs, _job("j9", podFailurePolicy={
            "rules": [{"action": "Ignore", "onPodConditions": [{"type": "X", "status": ""}]}]}),
             fields=("code", "spec.podFailurePolicy", "spec.podReplacementPolicy")),
        Step("a cron job's job template", "POST", crons, cron, fields=INVALID),
        Step("a cron job whose template's failure condition's status is defaulted", "POST", crons, {**cron, "spec": {
            **cron["spec"], "jobTemplate": {"spec": _job("", podFailurePolicy=cron["spec"]["jobTemplate"]["spec"][
                "podFailurePolicy"])["spec"]}}}, fields=("code", "spec.jobTemplate")),
        Step("a job whose selector names its own labels, not generated", "POST", jobs, _job(
            "s1", selector={"matchLabels": {"app": "x"}}) | {"metadata": {"name": "s1", "labels": {"app": "x"}}},
             fields=INVALID),
        Step("a job whose template names another job", "POST", jobs, _labelled_job("s2", {"job-name": "other"}),
             fields=INVALID),
        Step("a job whose selector adds to the generated one", "POST", jobs, _labelled_job(
            "s3", {"app": "x"}, selector={"matchExpressions": [{"key": "job-name", "operator": "Exists"}]}),
             fields=("code", "spec.selector", "spec.template.metadata.labels")),
        Step("an indexed job to update", "POST", jobs, _job("u", completionMode="Indexed", completions=2,
                                                            parallelism=2), fields=("code",)),
        Step("its failed indexes over its completions, its per-index limit set", "PATCH", f"{jobs}/u",
             {"spec": {"maxFailedIndexes": 5, "backoffLimitPerIndex": 1}}, "application/merge-patch+json",
             fields=INVALID),
    )


def _field_rules(ns: str) -> tuple[Step, ...]:
    """Fields of a Service, an Ingress, a NetworkPolicy, an autoscaler and a ServiceAccount as their validation and
    strategies judge them (found by setting each field of a valid object to a bad value): a port's app protocol,
    external IPs, an empty family policy or traffic distribution; TLS hosts and secrets, an empty class name; an IP
    block's CIDR required last (declarative); the first metric source checked in validateMetricSpec's order; a
    claim's data source and its reference, made the same; a service account's secrets referred to by name
    alone."""
    svc = {"metadata": {"name": "fields"}, "spec": {"ports": [{"port": 80}]}}
    ingress = {"metadata": {"name": "fields"}, "spec": {"defaultBackend": {"service": {"name": "x", "port": {
        "number": 80}}}}}
    hpa = {"metadata": {"name": "fields"}, "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment",
                                                                        "name": "d"}, "maxReplicas": 3}}
    return (
        Step("a service's app protocols, external IPs and traffic distribution", "POST",
             f"/api/v1/namespaces/{ns}/services", svc | {"spec": {
                 "ports": [{"port": 80, "appProtocol": "Bad_Value!"}, {"port": 81, "name": "b", "appProtocol": ""}],
                 "externalIPs": ["Bad", "127.0.0.1", "1.2.3.4", "0.0.0.0"], "trafficDistribution": ""}},
             query="dryRun=All", fields=INVALID),
        Step("a service's empty family policy", "POST", f"/api/v1/namespaces/{ns}/services",
             svc | {"spec": {"ports": [{"port": 80}], "ipFamilyPolicy": ""}}, query="dryRun=All", fields=INVALID),
        Step("an ingress's TLS and empty class", "POST", f"/apis/networking.k8s.io/v1/namespaces/{ns}/ingresses",
             ingress | {"spec": {**ingress["spec"], "ingressClassName": "", "tls": [
                 {"hosts": ["*.example.com", "a.*.com", "Bad_Host"], "secretName": "Bad_Value!"}]}},
             query="dryRun=All", fields=INVALID),
        Step("a network policy's IP blocks without a CIDR", "POST",
             f"/apis/networking.k8s.io/v1/namespaces/{ns}/networkpolicies", {"metadata": {"name": "fields"}, "spec": {
                 "podSelector": {}, "ingress": [{"from": [{"ipBlock": {}, "podSelector": {}}]}],
                 "egress": [{"to": [{"ipBlock": {"except": ["1.2.3.0/24"]}}]}]}}, query="dryRun=All", fields=INVALID),
        Step("an autoscaler's metric of two sources", "POST",
             f"/apis/autoscaling/v2/namespaces/{ns}/horizontalpodautoscalers", hpa | {"spec": {
                 **hpa["spec"], "metrics": [{"type": "Resource", "external": {}, "resource": {
                     "name": "cpu", "target": {"type": "Utilization", "averageUtilization": 50}}}]}},
             query="dryRun=All", fields=INVALID),
        *(Step(f"a claim's data source: {what}", "POST", f"/api/v1/namespaces/{ns}/persistentvolumeclaims", {
            "metadata": {"name": "fields"}, "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {
                "storage": "1Gi"}}, **sources}}, query="dryRun=All", fields=("code", "message", "spec"))
          for what, sources in (
              ("a snapshot", {"dataSource": {"kind": "VolumeSnapshot", "apiGroup": "snapshot.storage.k8s.io",
                                             "name": "snap"}}),
              ("another kind, dropped", {"dataSource": {"kind": "Other", "apiGroup": "x.io", "name": "o"}}),
              ("a reference, copied", {"dataSourceRef": {"kind": "Other", "apiGroup": "x.io", "name": "o"}}),
              ("a reference to another namespace, dropped", {"dataSourceRef": {
                  "kind": "Other", "apiGroup": "x.io", "name": "o", "namespace": "elsewhere"}}),
              ("not its reference", {"dataSource": {"kind": "PersistentVolumeClaim", "name": "src"},
                                     "dataSourceRef": {"kind": "PersistentVolumeClaim", "name": "other"}}),
              ("an empty reference", {"dataSourceRef": {}}),
              ("a bad group", {"dataSourceRef": {"kind": "Widget", "name": "w", "apiGroup": "Bad_Group"}}))),
        Step("a storage class's empty allowed topologies (each a duplicate of the validator's own nil maps)", "POST",
             "/apis/storage.k8s.io/v1/storageclasses", {"metadata": {"name": f"{ns}-fields"},
                                                        "provisioner": "example.com/p", "allowedTopologies": [{}, {}]},
             query="dryRun=All", fields=INVALID),
        Step("an endpoint slice's empty protocol and hints", "POST",
             f"/apis/discovery.k8s.io/v1/namespaces/{ns}/endpointslices", {
                 "metadata": {"name": "fields"}, "addressType": "IPv4", "ports": [{"protocol": "", "port": 80}],
                 "endpoints": [{"addresses": ["10.1.1.1"], "hints": {"forZones": [{"name": "Bad Zone"}, {
                     "name": "Bad Zone"}], "forNodes": [{"name": ""}]}}]}, query="dryRun=All", fields=INVALID),
        Step("an ingress class's parameters (kind and name required last)", "POST",
             "/apis/networking.k8s.io/v1/ingressclasses", {"metadata": {"name": f"{ns}-fields"}, "spec": {
                 "controller": "example.com/c", "parameters": {"scope": "Bad", "namespace": "x"}}},
             query="dryRun=All", fields=INVALID),
        Step("a node's removed and gated fields, dropped, and its unused external ID, warned of", "POST",
             "/api/v1/nodes", {"metadata": {"name": f"{ns}-fields"}, "spec": {
                 "externalID": "x", "configSource": {"configMap": {"name": "c", "namespace": "kube-system",
                                                                   "kubeletConfigKey": "k"}},
                 "podPreemptionPolicy": {"disableResizePreemption": ["a"]}}}, query="dryRun=All",
             fields=("code", "spec")),
        Step("a resource slice's gated fields, dropped", "POST", "/apis/resource.k8s.io/v1/resourceslices", {
            "metadata": {"name": f"{ns}-fields"}, "spec": {
                "driver": "gpu.example.com", "pool": {"name": "p", "generation": 1, "resourceSliceCount": 1},
                "nodeName": "n", "partitionTypeAttribute": "x", "skipNodeOperations": ["y"]}},
             query="dryRun=All", fields=("code", "spec")),
        Step("a pod template's annotations and ephemeral containers", "POST", f"/api/v1/namespaces/{ns}/podtemplates",
             {"metadata": {"name": "fields"}, "template": {"metadata": {"annotations": {"Bad Key!": "x"}}, "spec": {
                 "containers": [{"name": "c", "image": "i"}], "ephemeralContainers": [{"name": "e", "image": "i"}]}}},
             query="dryRun=All", fields=INVALID),
        Step("a deployment to scale", "POST", f"/apis/apps/v1/namespaces/{ns}/deployments",
             _DEPLOYMENT | {"metadata": {"name": "scaled", "labels": {"app": "web"}}}, fields=("code",)),
        Step("its scale's null replicas: scaled to none", "PUT",
             f"/apis/apps/v1/namespaces/{ns}/deployments/scaled/scale", {
                 "apiVersion": "autoscaling/v1", "kind": "Scale", "metadata": {"name": "scaled"},
                 "spec": {"replicas": None}}, fields=("code", "spec", "status")),
        Step("a service account's secret references", "POST", f"/api/v1/namespaces/{ns}/serviceaccounts",
             {"metadata": {"name": "fields"}, "secrets": [{"name": "x", "kind": "Secret", "namespace": "y"}, {}]},
             fields=("code", "secrets")),
    )


def _pod_fields(ns: str) -> tuple[Step, ...]:
    """A pod's own fields as ValidatePodSpec judges them (podspecfields.py), in a pod (whose admission comes first
    for its priority and runtime class) and in a Deployment's template."""
    pods, deploys = f"/api/v1/namespaces/{ns}/pods", f"/apis/apps/v1/namespaces/{ns}/deployments"

    def pod(**spec: Any) -> dict[str, Any]:
        return {"metadata": {"name": "fields"}, "spec": {"containers": [{"name": "c", "image": "i"}], **spec}}
    template = {"metadata": {"labels": {"app": "f"}}, "spec": {
        "containers": [{"name": "c", "image": "i"}], "priorityClassName": "Bad_Value!", "runtimeClassName": "",
        "preemptionPolicy": "", "overhead": {"Bad Key!": "1"}, "os": {"name": "plan9"},  # (one: Go map order)
        "hostnameOverride": "Bad_Host", "setHostnameAsFQDN": True}}
    return (
        Step("a pod's tolerations", "POST", pods, pod(tolerations=[
            {}, {"key": "Bad Key!", "operator": "Exists", "value": "v"}, {"key": "k", "operator": "Sometimes"},
            {"key": "k", "value": "Bad Value!", "effect": "Never", "tolerationSeconds": 5},
            {"key": "k", "operator": "Lt", "value": "5"}]), query="dryRun=All", fields=INVALID),
        Step("a pod's security context", "POST", pods, pod(securityContext={
            "runAsUser": -1, "fsGroup": 2**31, "supplementalGroups": [1, -2], "sysctls": [
                {"name": ""}, {"name": "net.Bad"}, {"name": "kernel.msgmax"}, {"name": "kernel.msgmax"}],
            "fsGroupChangePolicy": "", "seccompProfile": {"type": "Localhost", "localhostProfile": "/abs/../x"},
            "appArmorProfile": {"type": "RuntimeDefault", "localhostProfile": "p"}, "supplementalGroupsPolicy": "Loose",
            "seLinuxChangePolicy": "Sometimes"}), query="dryRun=All", fields=INVALID),
        Step("namespaced sysctls of a pod sharing the host's network and IPC", "POST", pods, pod(
            hostNetwork=True, hostIPC=True, securityContext={"sysctls": [{"name": n, "value": "1"} for n in (
                "net.ipv4.ip_forward", "net/ipv4/conf/eno2.100/rp_filter", "kernel.shmmax", "fs.mqueue.msg_max",
                "kernel.domainname")]}), query="dryRun=All", fields=INVALID),
        Step("a pod in a user namespace of its own: Unmasked /proc, none of the host's namespaces", "POST", pods, pod(
            hostUsers=False, hostNetwork=True, hostPID=True, volumes=[{"name": "v", "persistentVolumeClaim": {
                "claimName": "c"}}],
            containers=[{"name": "c", "image": "i", "securityContext": {"procMount": "Unmasked"}}],
            initContainers=[{"name": "i", "image": "i", "volumeDevices": [{"name": "v", "devicePath": "/dev/x"}]}]),
             query="dryRun=All", fields=INVALID),
        Step("a pod's DNS and gates", "POST", pods, pod(
            dnsPolicy="None", dnsConfig={"nameservers": ["1.1.1.1", "x", "2.2.2.2", "3.3.3.3"],
                                         "searches": ["Bad.example.", "_srv.example.com", "."], "options": [{}]},
            readinessGates=[{"conditionType": "a b"}], schedulingGates=[{"name": "g"}, {"name": "g"}],
            hostAliases=[{"ip": "", "hostnames": ["Bad_Host"]}], shareProcessNamespace=True, hostPID=True),
             query="dryRun=All", fields=INVALID),
        Step("a pod's spread constraints' label keys", "POST", pods, pod(topologySpreadConstraints=[
            {"maxSkew": 1, "topologyKey": "z", "whenUnsatisfiable": "DoNotSchedule", "matchLabelKeys": ["app"]},
            {"maxSkew": 1, "topologyKey": "y", "whenUnsatisfiable": "DoNotSchedule", "labelSelector": {},
             "matchLabelKeys": ["Bad Key!"]}]), query="dryRun=All", fields=INVALID),
        Step("a pod without a DNS configuration its policy needs", "POST", pods, pod(dnsPolicy="None"),
             query="dryRun=All", fields=INVALID),
        Step("a pod's topology spread and claims", "POST", pods, pod(topologySpreadConstraints=[
            {"maxSkew": 0, "whenUnsatisfiable": "Sometimes", "minDomains": 0, "nodeAffinityPolicy": "Always"},
            {"maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule",
             "labelSelector": {"matchLabels": {"Bad Key!": "x"}}},
            {"maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule"}],
            resourceClaims=[{}, {"name": "a", "resourceClaimName": "x", "resourceClaimTemplateName": "Bad_Name"},
                            {"name": "a", "resourceClaimName": "y"}]), query="dryRun=All", fields=INVALID),
        Step("a pod's label keys merged into its affinity and spread selectors", "POST", pods, {
            **pod(affinity={"podAntiAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": [{
                    "labelSelector": {"matchLabels": {"app": "x"}}, "topologyKey": "zone", "matchLabelKeys": ["tier"],
                    "mismatchLabelKeys": ["app"]}],
                "preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 5, "podAffinityTerm": {
                    "labelSelector": {}, "topologyKey": "host", "matchLabelKeys": ["app", "missing"]}}]}},
                topologySpreadConstraints=[{
                    "maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule",
                    "labelSelector": {"matchLabels": {"app": "x"}}, "matchLabelKeys": ["tier"]}]),
            "metadata": {"name": "fields", "labels": {"app": "x", "tier": "y"}}},
             query="dryRun=All", fields=("code", "spec.affinity", "spec.topologySpreadConstraints")),
        Step("a match label key its selector names too, after the pod's label is merged in", "POST", pods, {
            **pod(affinity={"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [{
                "labelSelector": {"matchLabels": {"app": "x"}}, "topologyKey": "zone",
                "matchLabelKeys": ["tier", "app"]}]}}, topologySpreadConstraints=[{
                    "maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule",
                    "labelSelector": {"matchLabels": {"app": "x"}}, "matchLabelKeys": ["app"]}]),
            "metadata": {"name": "fields", "labels": {"app": "x"}}}, query="dryRun=All", fields=INVALID),
        Step("a pod's affinity", "POST", pods, pod(affinity={
            "nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{
                "matchExpressions": [{"key": "Bad Key!", "operator": "Gt", "values": ["1", "2"]},
                                     {"key": "k", "operator": "Near"}],
                "matchFields": [{"key": "metadata.uid", "operator": "Exists"},
                                {"key": "metadata.name", "operator": "In", "values": ["Bad_Node"]}]}]},
                "preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 0, "preference": {}}]},
            "podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
                {"topologyKey": "", "namespaces": ["Bad_NS"], "matchLabelKeys": ["app"]},
                {"labelSelector": {}, "topologyKey": "z", "matchLabelKeys": ["a"], "mismatchLabelKeys": ["a"]}]}}),
             query="dryRun=All", fields=INVALID),
        Step("a pod's fields of features that are off, dropped", "POST", pods, pod(
            schedulingGroup={"podGroupName": "g"}, evictionResponders=[{"name": "x", "priority": 1}]),
             query="dryRun=All", fields=("code", "spec")),
        Step("a job's scheduling and its template's group, dropped", "POST", f"/apis/batch/v1/namespaces/{ns}/jobs", {
            "metadata": {"name": "gated"}, "spec": {"scheduling": {"schedulingPolicy": {"basic": {}}}, "template": {
                "spec": {"restartPolicy": "Never", "schedulingGroup": {"podGroupName": "g"},
                         "containers": [{"name": "c", "image": "i"}]}}}},
             query="dryRun=All", fields=("code", "spec.scheduling", "spec.template.spec")),
        Step("a pod's and a container's Windows options", "POST", pods, pod(
            securityContext={"windowsOptions": {"gmsaCredentialSpecName": "Bad_Value!", "gmsaCredentialSpec": "",
                                                "runAsUserName": "bad/dom\\..."}},
            containers=[{"name": "c", "image": "i", "securityContext": {"windowsOptions": {
                "runAsUserName": "a\\b\\c"}}}, {"name": "d", "image": "i", "securityContext": {"windowsOptions": {
                    "runAsUserName": "x\\" + "u" * 105}}}]), query="dryRun=All", fields=INVALID),
        Step("a Linux pod's Windows options", "POST", pods, pod(
            os={"name": "linux"}, securityContext={"windowsOptions": {}},
            initContainers=[{"name": "i", "image": "i",
                             "securityContext": {"windowsOptions": {"runAsUserName": "u"}}}]),
             query="dryRun=All", fields=INVALID),
        Step("a Windows pod's Linux settings", "POST", pods, pod(
            os={"name": "windows"}, hostUsers=True, hostPID=True, shareProcessNamespace=False, securityContext={
                "seLinuxOptions": {}, "fsGroup": 1, "sysctls": [{"name": "a.b", "value": "1"}],
                "supplementalGroups": [1], "seLinuxChangePolicy": "Recursive"},
            containers=[{"name": "c", "image": "i", "securityContext": {
                "capabilities": {}, "readOnlyRootFilesystem": False, "allowPrivilegeEscalation": True,
                "runAsGroup": 1}}]),
             query="dryRun=All", fields=INVALID),
        Step("a container without privilege escalation adding CAP_SYS_ADMIN", "POST", pods, pod(containers=[{
            "name": "c", "image": "i", "securityContext": {"allowPrivilegeEscalation": False, "capabilities": {
                "add": ["NET_ADMIN", "CAP_SYS_ADMIN"]}}}]), query="dryRun=All", fields=INVALID),
        *_pod_level_resources(pods), *_pod_annotations(pods),
        Step("a template's priority, runtime class, overhead and OS", "POST", deploys, {
            "metadata": {"name": "fields"}, "spec": {"selector": {"matchLabels": {"app": "f"}}, "template": template}},
             query="dryRun=All", fields=INVALID),
    )


def _workload_details(ns: str) -> tuple[Step, ...]:
    """What scan_fields found of the workloads: a claim template's type set by the conversion, a rolling update's
    amount read as IntValue reads it (a string that is a number counts), a Job's labels taken from its template
    before its metadata is validated."""
    template = {"metadata": {"labels": {"a": "b"}}, "spec": {"containers": [{"name": "c", "image": "i"}]}}
    claim = {"metadata": {"name": "d"}, "spec": {"accessModes": ["ReadWriteOnce"],
                                                 "resources": {"requests": {"storage": "1Gi"}}}}
    apps = f"/apis/apps/v1/namespaces/{ns}"
    return (
        Step("a StatefulSet's claim templates of another type", "POST", f"{apps}/statefulsets", {
            "metadata": {"name": "typed"}, "spec": {
                "selector": {"matchLabels": {"a": "b"}}, "template": template,
                "volumeClaimTemplates": [{**claim, "kind": "Bad", "apiVersion": "x"},
                                         {**claim, "metadata": {"name": "e"}}]}},
             query="dryRun=All", fields=("code", "spec.volumeClaimTemplates")),
        Step("rolling updates' amounts that are numbers in strings", "POST", f"{apps}/daemonsets", {
            "metadata": {"name": "amounts"}, "spec": {"selector": {"matchLabels": {"a": "b"}}, "template": template,
                                                      "updateStrategy": {"rollingUpdate": {"maxSurge": "-1"}}}},
             query="dryRun=All", fields=INVALID),
        Step("a StatefulSet to update", "POST", f"{apps}/statefulsets", {
            "metadata": {"name": "updated"}, "spec": {"selector": {"matchLabels": {"a": "b"}}, "template": template,
                                                     "serviceName": "svc", "volumeClaimTemplates": [claim]}},
             fields=("code",)),
        Step("an update's immutable service name and claim templates: only fixed, not checked again", "PUT",
             f"{apps}/statefulsets/updated", {
                 "metadata": {"name": "updated"}, "spec": {
                     "selector": {"matchLabels": {"a": "b"}}, "template": template, "serviceName": "Bad_Value!",
                     "volumeClaimTemplates": [{"metadata": {"name": "d"}, "spec": {}}]}}, fields=INVALID),
        Step("a Service to update", "POST", f"/api/v1/namespaces/{ns}/services", {
            "metadata": {"name": "families"}, "spec": {"ports": [{"port": 80}]}}, fields=("code",)),
        Step("an update sending an empty IP family policy", "PUT", f"/api/v1/namespaces/{ns}/services/families", {
            "metadata": {"name": "families"}, "spec": {"ports": [{"port": 80}], "ipFamilyPolicy": ""}},
             fields=INVALID),
        Step("a Job's labels from its template, validated", "POST", f"/apis/batch/v1/namespaces/{ns}/jobs", {
            "metadata": {"name": "labelled"}, "spec": {"template": {"metadata": {"labels": {"Bad Key!": "x"}}, "spec": {
                "restartPolicy": "Never", "containers": [{"name": "c", "image": "i"}]}}}},
             query="dryRun=All", fields=INVALID),
    )


def _admission_and_dra_fields(ns: str) -> tuple[Step, ...]:
    """What scan_fields found of the admission and DRA kinds: a webhook service's name and namespace, each refused
    under the other's name (the apiserver's callers swap them); a DRA constraint's attributes; a claim template's
    metadata."""
    claims = f"/apis/resource.k8s.io/v1/namespaces/{ns}"
    requests = [{"name": "gpu", "exactly": {"deviceClassName": "x.example.com"}}]
    return (
        Step("a webhook's service without a name or a namespace", "POST",
             "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations", {
                 "metadata": {"name": f"{ns}-service"}, "webhooks": [
                     {"name": "a.example.com", "sideEffects": "None", "admissionReviewVersions": ["v1"],
                      "clientConfig": {"service": {"name": "s"}}},
                     {"name": "b.example.com", "sideEffects": "None", "admissionReviewVersions": ["v1"],
                      "clientConfig": {"service": {"namespace": "n"}}}]}, query="dryRun=All", fields=INVALID),
        Step("a claim's constraints' attributes", "POST", f"{claims}/resourceclaims", {
            "metadata": {"name": "constrained"}, "spec": {"devices": {"requests": requests, "constraints": [
                {"requests": ["gpu"], "matchAttribute": "Bad_Value!"},
                {"requests": ["gpu"], "matchAttribute": "example.com/model", "distinctAttribute": "bad"}]}}},
             query="dryRun=All", fields=INVALID),
        *(Step(f"a resource slice's {what}", "POST", "/apis/resource.k8s.io/v1/resourceslices", {
            "metadata": {"name": f"{ns}-slice"}, "spec": {
                "driver": "gpu.example.com", "pool": {"name": "p", "resourceSliceCount": 1}, **spec}},
               query="dryRun=All", fields=INVALID) for what, spec in (
            ("shared counters and node selector", {"nodeSelector": {"nodeSelectorTerms": [{"matchFields": [{}]}]},
                                                   "sharedCounters": [{}, {"name": "Bad_Value!", "counters": {
                                                       "Bad Key!": {"value": "1"}}}]}),
            ("devices' counters and binding conditions", {"nodeName": "node-a", "devices": [
                {"name": "d", "consumesCounters": [{"counterSet": "Bad_Value!", "counters": {"x y": {"value": "1"}}}],
                 "bindingConditions": ["Bad_Value!", "ok", "ok"], "bindingFailureConditions": ["ok", "b", "b"]},
                {"name": "e", "bindingFailureConditions": ["x"]}]}))),
        Step("a claim template's metadata", "POST", f"{claims}/resourceclaimtemplates", {
            "metadata": {"name": "templated"}, "spec": {
                "metadata": {"name": "x", "labels": {"Bad Key!": "v"}, "finalizers": ["a/b"], "generation": 2},
                "spec": {"devices": {"requests": requests}}}}, query="dryRun=All", fields=INVALID),
    )


def _pod_annotations(pods: str) -> tuple[Step, ...]:
    """The annotations a pod's validation reads (podannotations.py): AppArmor and seccomp profiles named the old
    way (read into the fields on create, matched against them, fixed once made), the deletion cost, a mirror pod's
    node, the legacy tolerations."""
    apparmor, seccomp = "container.apparmor.security.beta.kubernetes.io/", "seccomp.security.alpha.kubernetes.io/pod"

    def pod(name: str, annotations: dict[str, str], **spec: Any) -> dict[str, Any]:
        return {"metadata": {"name": name, "annotations": annotations},
                "spec": {"containers": [{"name": "c", "image": "i"}], **spec}}
    return (
        Step("an AppArmor annotation read into its container's field", "POST", pods,
             pod("annotated", {f"{apparmor}c": "localhost/profile"}), fields=("code", "spec.containers")),
        Step("an AppArmor annotation changed", "PATCH", f"{pods}/annotated",
             {"metadata": {"annotations": {f"{apparmor}c": "runtime/default"}}}, MERGE, fields=INVALID),
        Step("an AppArmor annotation added", "PATCH", f"{pods}/annotated",
             {"metadata": {"annotations": {f"{apparmor}d": "runtime/default"}}}, MERGE, fields=INVALID),
        Step("annotations that disagree with the fields or say nothing valid", "POST", pods, pod(
            "disagreeing", {f"{apparmor}c": "runtime/default", f"{apparmor}x": "bogus", seccomp: "runtime/default",
                            "controller.kubernetes.io/pod-deletion-cost": "+5", "kubernetes.io/config.mirror": "m",
                            "scheduler.alpha.kubernetes.io/tolerations": '[{"key": "Bad Key!", "operator": "Exists"}]'},
            securityContext={"seccompProfile": {"type": "Unconfined"}, "appArmorProfile": {"type": "Unconfined"}}),
             query="dryRun=All", fields=INVALID),
        # the legacy tolerations as encoding/json decodes them: its first type error, names of any case, null items
        *(Step(f"a tolerations annotation {value}", "POST", pods,
               pod("tolerations", {"scheduler.alpha.kubernetes.io/tolerations": value}), query="dryRun=All",
               fields=INVALID)
          for value in ('[1]', '[null]', '[{"KEY": "Bad Key!", "Operator": "Exists"}]', '[{"operator": true}]',
                        '[{"key": "k", "tolerationSeconds": 1.5}, {"key": 1}]', '[{"tolerationSeconds": 1e3}]',
                        '[{"effect": {}}, {"tolerationSeconds": "5"}]')),
    )


def _pod_level_resources(pods: str) -> tuple[Step, ...]:
    """Pod-level resources (podresources.py): a created pod's defaults from its containers (sidecars summed, other
    init containers at their peak) and its QoS class from them; the bounds its containers set."""
    def pod(resources: dict[str, Any] | None, *containers: dict[str, Any], **spec: Any) -> dict[str, Any]:
        return {"metadata": {"name": "pod-level"}, "spec": {"resources": resources, "containers": list(containers),
                                                           **spec}}

    def ctr(name: str, requests: dict[str, str] | None = None, limits: dict[str, str] | None = None,
            **fields: Any) -> dict[str, Any]:
        return {"name": name, "image": "i", "resources": {"requests": requests or {}, "limits": limits or {}},
                **fields}
    defaulted = ("code", "spec.resources", "status.qosClass")
    return (
        Step("pod-level limits: requests and limits defaulted from the containers'", "POST", pods, pod(
            {"limits": {"cpu": "1"}}, ctr("a", {"cpu": "200m"}, {"cpu": "300m"}), ctr("b", {"cpu": "100m"},
                                                                                     {"cpu": "400m"})),
             query="dryRun=All", fields=defaulted),
        Step("pod-level requests: limits where every container has one", "POST", pods, pod(
            {"requests": {"memory": "1Gi"}}, ctr("a", None, {"memory": "512Mi"}), ctr("b", None, {"memory": "256Mi"})),
             query="dryRun=All", fields=defaulted),
        Step("pod-level requests with a sidecar and an init container", "POST", pods, pod(
            {"requests": {"cpu": "1"}}, ctr("a", {"memory": "100Mi"}), initContainers=[
                ctr("i", {"cpu": "300m", "memory": "1Gi"}), ctr("s", {"cpu": "200m", "memory": "50Mi"},
                                                                restartPolicy="Always")]),
             query="dryRun=All", fields=defaulted),
        Step("pod-level requests and limits of equal amounts: Guaranteed", "POST", pods, pod(
            {"requests": {"cpu": "1", "memory": "100Mi"}}, ctr("a", {"cpu": "0.5"}, {"cpu": "1", "memory": "100Mi"}),
            ctr("b", None, {"cpu": "250m", "memory": "1Mi"})), query="dryRun=All", fields=defaulted),
        Step("pod-level requests below the containers'", "POST", pods, pod(
            {"requests": {"cpu": "100m"}}, ctr("a", {"cpu": "1"}, {"cpu": "1"}),
            initContainers=[ctr("i", {"cpu": "3"})]),
             query="dryRun=All", fields=INVALID),
        Step("a container's limit above the pod's", "POST", pods, pod(
            {"limits": {"cpu": "1", "memory": "1Gi"}}, ctr("a", {"cpu": "1500m"})), query="dryRun=All", fields=INVALID),
        Step("pod-level resources' names, amounts and claims", "POST", pods, pod(
            {"requests": {"cpu": "-1"}, "limits": {"cpu": "1", "memory": "1Gi"}, "claims": [{}]}, ctr("a")),
             query="dryRun=All", fields=INVALID),
        Step("pod-level huge pages below the containers'", "POST", pods, pod(
            {"limits": {"hugepages-2Mi": "4Mi", "memory": "1Gi"}}, ctr("a", None, {"hugepages-2Mi": "6Mi",
                                                                                  "memory": "100Mi"})),
             query="dryRun=All", fields=INVALID),
        Step("pod-level resources on Windows", "POST", pods, pod({"requests": {"cpu": "1"}}, ctr("a"),
                                                                 os={"name": "windows"}),
             query="dryRun=All", fields=INVALID),
        Step("a pod to tolerate", "POST", pods, {"metadata": {"name": "tolerant"}, "spec": {
            "containers": [{"name": "c", "image": "i"}]}}, fields=("code", "spec.tolerations")),
        Step("an update with a toleration of no key: the default ones not added back, so changed", "PUT",
             f"{pods}/tolerant", {"metadata": {"name": "tolerant"}, "spec": {
                 "containers": [{"name": "c", "image": "i"}], "tolerations": [{}]}}, fields=INVALID),
        Step("a pod with pod-level limits", "POST", pods, pod({"limits": {"cpu": "1", "memory": "1Gi"}},
                                                              ctr("a", {"cpu": "100m"}, {"cpu": "200m"})),
             fields=defaulted),
        Step("an update without pod-level resources keeps them", "PUT", f"{pods}/pod-level", pod(
            None, ctr("a", {"cpu": "100m"}, {"cpu": "200m"}, image="j")), fields=("code", "spec.resources")),
        Step("a resize of pod-level limits, requests completed", "PATCH", f"{pods}/pod-level/resize",
             {"spec": {"resources": {"limits": {"cpu": "2"}, "requests": None}}}, SMP,
             fields=("code", "spec.resources")),
    )


def _volume_sources(ns: str) -> tuple[Step, ...]:
    """A volume's source as validateVolumeSource judges it (volumesources.py): one source (the second refused by
    its own name), each with what it requires; a persistent volume's the same, its CSI secrets named fully."""
    def pod(*volumes: dict[str, Any]) -> dict[str, Any]:
        return {"metadata": {"name": "volumes"}, "spec": {"containers": [{"name": "c", "image": "i"}],
                                                          "volumes": list(volumes)}}
    pv = {"metadata": {"name": f"{ns}-sources"}, "spec": {"capacity": {"storage": "1Gi"}, "accessModes": [
        "ReadWriteOnce"], "csi": {"driver": "d.example.com", "volumeHandle": "h", "nodePublishSecretRef": {},
                                  "controllerExpandSecretRef": {"name": "Bad_Name", "namespace": "ns"}},
        "gcePersistentDisk": {}}}
    return (
        Step("a pod's volume sources", "POST", f"/api/v1/namespaces/{ns}/pods", pod(
            {"name": "a", "hostPath": {"path": "/x/../y", "type": "Sometimes"}, "secret": {}},
            {"name": "b", "nfs": {"server": "s", "path": "rel"}}, {"name": "c", "secret": {
                "defaultMode": 1000, "items": [{"key": "", "path": "..x"}, {"key": "k", "path": "/abs", "mode": -1}]}},
            {"name": "d", "configMap": {}}, {"name": "e", "persistentVolumeClaim": {}},
            {"name": "f", "gcePersistentDisk": {"partition": 300}}, {"name": "g", "csi": {
                "driver": "", "nodePublishSecretRef": {}}}, {"name": "h", "ephemeral": {}},
            {"name": "i", "flocker": {"datasetName": "a/b", "datasetUUID": "u"}},
            {"name": "j", "fc": {"targetWWNs": ["w"]}}, {"name": "k", "azureDisk": {"diskName": "d", "diskURI": "x"}},
            {"name": "l", "emptyDir": {"sizeLimit": "-1"}}, {"name": "m", "image": {}}),
             query="dryRun=All", fields=INVALID),
        Step("a persistent volume's sources", "POST", "/api/v1/persistentvolumes", pv, query="dryRun=All",
             fields=INVALID),
        *(Step(f"a persistent volume's {what}", "POST", "/api/v1/persistentvolumes", {
            "metadata": {"name": f"{ns}-persistent"}, "spec": {
                "capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"], **spec}},
               query="dryRun=All", fields=INVALID) for what, spec in (
            ("node affinity, attributes class and iSCSI", {
                "nodeAffinity": {}, "volumeAttributesClassName": "Bad_Class",
                "iscsi": {"targetPortal": "p" * 70, "iqn": "Bad", "secretRef": {}, "initiatorName": "Bad"}}),
            ("Cinder", {"nodeAffinity": {"required": {}}, "cinder": {"volumeID": "v", "secretRef": {"name": "s"}}}),
            ("StorageOS", {"storageos": {"volumeName": "Bad_Name", "secretRef": {"kind": "Secret"}}}),
            ("Azure File", {"azureFile": {"secretName": "s", "shareName": "s", "secretNamespace": ""}}))),
        Step("a pod's iSCSI, downward API, projected and image volumes", "POST", f"/api/v1/namespaces/{ns}/pods", pod(
            {"name": "a", "iscsi": {"targetPortal": "t", "iqn": "Bad", "lun": 300, "chapAuthSession": True,
                                    "initiatorName": "naa.x"}},
            {"name": "b", "downwardAPI": {"defaultMode": -1, "items": [{}, {
                "path": "..x", "fieldRef": {"fieldPath": "metadata.name"},
                "resourceFieldRef": {"resource": "limits.cpu"}, "mode": 1000}]}},
            {"name": "c", "projected": {"defaultMode": 5000, "sources": []}},
            {"name": "d", "image": {"reference": "r", "pullPolicy": "Sometimes"}}), query="dryRun=All", fields=INVALID),
        Step("a pod's Quobyte, StorageOS and ephemeral volumes", "POST", f"/api/v1/namespaces/{ns}/pods", pod(
            {"name": "a", "quobyte": {"registry": "a:1,b,[::1]:80,[x]y:1,c:d:e,:5", "volume": "v"}},
            {"name": "b", "quobyte": {"registry": "bad", "tenant": "t" * 70}},
            {"name": "c", "storageos": {"volumeName": "Bad_Name", "volumeNamespace": "a.b", "secretRef": {}}},
            {"name": "d", "ephemeral": {"volumeClaimTemplate": {}}}, {"name": "e", "ephemeral": {}},
            {"name": "f", "ephemeral": {"volumeClaimTemplate": {
                "metadata": {"name": "x", "labels": {"Bad Key!": "v"}, "finalizers": ["a/b"], "uid": "u"},
                "spec": {"accessModes": ["Sometimes"], "resources": {"requests": {"storage": "0"}}}}}}),
             query="dryRun=All", fields=INVALID),
        Step("a pod's projected volumes", "POST", f"/api/v1/namespaces/{ns}/pods", pod(
            {"name": "a", "projected": {"sources": [
                {"serviceAccountToken": {"path": "../t", "expirationSeconds": 60}},
                {"secret": {"items": [{"key": "", "path": "/abs", "mode": 1000}]}},
                {"configMap": {"name": "c", "items": [{"key": "k", "path": "x"}, {"key": "k2", "path": "x"}]}},
                {"secret": {"name": "s"}, "configMap": {"name": "c"}},
                {"downwardAPI": {"items": [{"path": "x", "resourceFieldRef": {"resource": "limits.cpu"}}]}},
                {"clusterTrustBundle": {"name": "example.com:s:Bad_", "labelSelector": {}, "path": ""}},
                {"clusterTrustBundle": {"signerName": "bad", "path": "b"}}, {"clusterTrustBundle": {"path": "c"}},
                {"podCertificate": {"signerName": "kubernetes.io/x", "keyType": "DSA", "maxExpirationSeconds": 90000,
                                    "userAnnotations": {"nodomain": "v"}}},
                {"podCertificate": {"signerName": "example.com/x", "keyType": "RSA3072", "keyPath": "b"}}]}}),
             query="dryRun=All", fields=INVALID),
        Step("a persistent volume to update", "POST", "/api/v1/persistentvolumes", {
            "metadata": {"name": f"{ns}-fixed"}, "spec": {"capacity": {"storage": "1Gi"}, "accessModes": [
                "ReadWriteOnce"], "csi": {"driver": "d.example.com", "volumeHandle": "h"}}}, fields=("code",)),
        Step("an update adding an empty secret reference to its source: a change (an empty struct is one)", "PUT",
             f"/api/v1/persistentvolumes/{ns}-fixed", {
                 "metadata": {"name": f"{ns}-fixed"}, "spec": {"capacity": {"storage": "1Gi"}, "accessModes": [
                     "ReadWriteOnce"], "csi": {"driver": "d.example.com", "volumeHandle": "h",
                                               "nodePublishSecretRef": {}}}}, fields=INVALID),
        Step("volume fields of features that are off, dropped", "POST", f"/api/v1/namespaces/{ns}/pods", {
            "metadata": {"name": "gated"}, "spec": {"serviceAccountName": "default", "containers": [
                {"name": "c", "image": "i",
                 "volumeMounts": [{"name": "a", "mountPath": "/a", "bindMountOptions": ["x"]}]}],
                "volumes": [{"name": "a", "emptyDir": {"mode": 448}},
                            {"name": "b", "secret": {"secretName": "s", "defaultUser": 5, "items": [
                                {"key": "k", "path": "p", "user": 3}]}},
                            {"name": "c", "projected": {"defaultUser": 4, "sources": [
                                {"serviceAccountToken": {"path": "t", "user": 2}}]}}]}},
             query="dryRun=All", fields=("code", "spec.volumes", "spec.containers")),
        Step("volume sources' own defaults", "POST", f"/api/v1/namespaces/{ns}/pods", pod(
            {"name": "a", "hostPath": {"path": "/x"}}, {"name": "b", "rbd": {"monitors": ["m"], "image": "i"}},
            {"name": "c", "iscsi": {"targetPortal": "1.2.3.4:3260", "iqn": "iqn.2001-04.com.example:storage"}},
            {"name": "d", "scaleIO": {"gateway": "g", "system": "s", "volumeName": "v", "secretRef": {"name": "x"}}},
            {"name": "e", "image": {"reference": "busybox"}}, {"name": "f", "image": {"reference": "busybox:1.36"}}),
             query="dryRun=All", fields=("code", "spec.volumes")),
        Step("an ephemeral volume's claim template, defaulted", "POST", f"/api/v1/namespaces/{ns}/pods", pod(
            {"name": "a", "ephemeral": {"volumeClaimTemplate": {"spec": {
                "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}}}),
             query="dryRun=All", fields=("code", "spec.volumes")),
        Step("a pod's stop signals (a feature that is off), dropped with the lifecycle they leave empty", "POST",
             f"/api/v1/namespaces/{ns}/pods", {"metadata": {"name": "volumes"}, "spec": {
                 "containers": [{"name": "c", "image": "i", "lifecycle": {"stopSignal": "SIGTERM"}}],
                 "initContainers": [{"name": "i", "image": "i", "lifecycle": {"stopSignal": "SIGTERM"}}]}},
             query="dryRun=All", fields=("code", "spec.containers", "spec.initContainers")),
    )


def _container_fields(ns: str) -> tuple[Step, ...]:
    """A container's fields as validateContainerCommon and validateContainers judge them (containerfields.py):
    its environment's sources, volume devices, resources' names and claims, resize and restart policies, security
    context and lifecycle hooks."""
    container = {"name": "c", "image": "i",
                 "env": [{"name": "A", "valueFrom": {}}, {"name": "B", "value": "v", "valueFrom": {
                     "configMapKeyRef": {"name": "cm", "key": "bad key"}}}],
                 "envFrom": [{}, {"configMapRef": {}, "secretRef": {"name": "s"}}],
                 "volumeDevices": [{"name": "v", "devicePath": "/dev/../x"}, {"name": "nope", "devicePath": ""}],
                 "volumeMounts": [{"name": "v", "mountPath": "/m"}],
                 "resources": {"limits": {"Bad Key!": "1"}, "claims": [{}, {"name": "missing"}]},  # (one: a Go map)
                 "resizePolicy": [{"resourceName": "gpu", "restartPolicy": "Sometimes"}, {"resourceName": "cpu"}],
                 # (not privileged: the reference runs without --allow-privileged, as few clusters do)
                 "securityContext": {"runAsUser": -5, "procMount": "Unmasked", "seccompProfile": {}},
                 "lifecycle": {"postStart": {}}, "restartPolicy": "Sometimes",
                 "restartPolicyRules": [{"action": "Retry"}, {"action": "Restart", "exitCodes": {"operator": "Is"}}]}
    pod = {"metadata": {"name": "containers"}, "spec": {"restartPolicy": "Never", "containers": [container],
                                                       "volumes": [{"name": "v", "emptyDir": {}}]}}
    pods = f"/api/v1/namespaces/{ns}/pods"
    plain = {"metadata": {"name": "debugged"}, "spec": {"containers": [{"name": "c", "image": "i"}]}}
    debug = {"name": "d", "image": "i", "lifecycle": {}, "restartPolicy": "", "livenessProbe": {}}
    claimed = {"metadata": {"name": "claims"}, "spec": {
        "resourceClaims": [{"name": "a", "resourceClaimName": "x"}],
        "initContainers": [{"name": "i", "image": "i", "restartPolicyRules": [{"action": "Bad"}]},
                           {"name": "j", "image": "i", "restartPolicy": "Never", "restartPolicyRules": [{}]}],
        "containers": [{"name": "c", "image": "i", "resources": {"claims": [
            {"name": "a", "request": "r1"}, {"name": "a", "request": "Bad_R"}, {"name": "a", "request": "r1"},
            {"name": "a"}, {"name": "a"}]}},
            {"name": "d", "image": "i", "resources": {"limits": {"hugepages-2Mi": "3Mi", "memory": "1Gi"}}},
            {"name": "e", "image": "i", "resources": {"limits": {"hugepages-2Mi": "4Mi"}}}]}}
    def field(path: str, version: str = "v1") -> dict[str, Any]:
        return {"name": "F", "valueFrom": {"fieldRef": {"apiVersion": version, "fieldPath": path}}}

    def resource(name: str, divisor: str = "0", **ref: Any) -> dict[str, Any]:
        return {"name": "R", "valueFrom": {"resourceFieldRef": {"resource": name, "divisor": divisor, **ref}}}
    downward = {"metadata": {"name": "downward"}, "spec": {
        "containers": [{"name": "c", "image": "i", "env": [
            field("status.podIP"), field("spec.host"), field("metadata.labels['app']"), field("metadata.labels"),
            field("metadata.annotations['Bad Key!']"), field("spec.nodename"), field("spec.containers['x']"),
            field("status.phase"), field("metadata.name", "v2"), resource("limits.cpu", "2"),
            resource("requests.memory", "1Mi"), resource("limits.memory", "3"), resource("limits.gpu"),
            resource("limits.hugepages-1Gi", "7"), {"name": "a=b", "value": "1"}, {"name": "ok name.x", "value": "1"},
            {"name": "F", "valueFrom": {"fileKeyRef": {"key": "a=b", "volumeName": "Bad_Vol", "path": "../x"}}},
            {"name": "G", "valueFrom": {"fileKeyRef": {"key": "K", "volumeName": "v", "path": "p"}}}],
            "envFrom": [{"prefix": "A=", "configMapRef": {"name": "cm"}}]}],
        "volumes": [{"name": "v", "downwardAPI": {"items": [
            {"path": "a", "fieldRef": {"fieldPath": "status.podIP"}},
            {"path": "b", "fieldRef": {"fieldPath": "metadata.annotations['x']"}},
            {"path": "c", "resourceFieldRef": {"resource": "limits.cpu"}},
            {"path": "d", "resourceFieldRef": {"containerName": "c", "resource": "limits.cpu", "divisor": "5m"}}]}}]}}
    files = {"metadata": {"name": "files"}, "spec": {
        "containers": [{"name": "c", "image": "i", "env": [
            {"name": "F", "valueFrom": {"fileKeyRef": {"key": "K", "volumeName": "v", "path": "p"}}}]}],
        "volumes": [{"name": "v", "emptyDir": {}}]}}
    return (Step("a container's fields", "POST", pods, pod, query="dryRun=All", fields=INVALID),
            Step("the downward API's references, variables' names and files", "POST", pods, downward,
                 query="dryRun=All", fields=INVALID),
            Step("a variable read from a file, defaulted", "POST", pods, files, query="dryRun=All",
                 fields=("code", "spec.containers")),
            Step("init containers' restart rules, claim requests and huge pages", "POST", pods, claimed,
                 query="dryRun=All", fields=INVALID),
            Step("a pod to debug", "POST", pods, plain, fields=("code",)),
            Step("an ephemeral container's empty hooks, probe and restart policy: set, so forbidden", "PUT",
                 f"{pods}/debugged/ephemeralcontainers",
                 {**plain, "spec": {**plain["spec"], "ephemeralContainers": [debug]}}, fields=INVALID))


def _new_event_order(ns: str) -> tuple[Step, ...]:
    """An events.k8s.io Event is validated as ValidateEventCreate does: the checks both Event APIs share, then its
    metadata, then the new API's own."""
    event = {"eventTime": "2026-01-01T00:00:00.000000Z", "reportingController": "", "reportingInstance": "i",
             "action": "a", "reason": "r", "type": "Bogus", "regarding": {"kind": "Pod", "name": "p", "namespace": ns},
             "metadata": {"labels": {"-x": "y"}}}
    events = f"/apis/events.k8s.io/v1/namespaces/{ns}/events"
    valid = {**event, "metadata": {"name": "e"}, "reportingController": "example.com/c", "type": "Normal"}
    return (Step("a new-API event wrong in every part", "POST", events, event, fields=INVALID),
            Step("a valid one", "POST", events, valid, fields=("code",)),
            Step("its series' count past an int32 in a strategic merge patch: wrapped to 0, then refused", "PATCH",
                 f"{events}/e", {"series": {"count": 2**40, "lastObservedTime": "2026-01-01T00:00:01.000000Z"}}, SMP,
                 query="dryRun=All", fields=INVALID))


def _semantic_generation(ns: str) -> tuple[Step, ...]:
    """A built-in kind's generation moves when Semantic.DeepEqual tells the spec changed, to which an empty list
    is none: the empty lists storage read back as none, sent again, change nothing. But a NetworkPolicy's
    strategy compares with reflect.DeepEqual, to both a pointer to an empty struct is not a nil one, and a
    ResourceSlice's strategy counts before it drops what is gated."""
    slices = f"/apis/discovery.k8s.io/v1/namespaces/{ns}/endpointslices"
    body = {"metadata": {"name": "gen"}, "addressType": "IPv4", "endpoints": [], "ports": []}
    policies = f"/apis/networking.k8s.io/v1/namespaces/{ns}/networkpolicies"
    policy = {"metadata": {"name": "gen"}, "spec": {"podSelector": {}, "ingress": [{"ports": [{"port": 80}]}]}}
    slices_dra = "/apis/resource.k8s.io/v1/resourceslices"
    resource_slice = {"metadata": {"name": f"{ns}-gen"}, "spec": {
        "driver": "gpu.example.com", "pool": {"name": "p", "resourceSliceCount": 1}, "nodeName": "n"}}
    claims = f"/api/v1/namespaces/{ns}/persistentvolumeclaims"
    claim = {"metadata": {"name": "gen"}, "spec": {"accessModes": ["ReadWriteOnce"],
                                                  "resources": {"requests": {"storage": "1Gi"}}}}
    return (
        Step("an endpoint slice with empty lists", "POST", slices, body, fields=("code", "metadata.generation")),
        Step("the same again, its lists empty where storage holds none", "PUT", f"{slices}/gen", body,
             fields=("code", "metadata.generation", "endpoints", "ports")),
        Step("a port added", "PUT", f"{slices}/gen", {**body, "ports": [{"port": 80}]},
             fields=("code", "metadata.generation")),
        Step("a network policy", "POST", policies, policy, fields=("code", "metadata.generation")),
        Step("its egress sent empty: a new generation (reflect.DeepEqual)", "PATCH", f"{policies}/gen",
             {"spec": {"egress": []}}, MERGE, fields=("code", "metadata.generation", "spec")),
        Step("a resource slice", "POST", slices_dra, resource_slice, fields=("code", "metadata.generation")),
        Step("a field of a feature that is off sent: dropped, but counted first (a new generation)", "PUT",
             f"{slices_dra}/{ns}-gen", {**resource_slice, "spec": {**resource_slice["spec"],
                                                                   "partitionTypeAttribute": "a"}},
             fields=("code", "metadata.generation", "spec")),
        Step("a claim", "POST", claims, claim, fields=("code",)),
        Step("its selector sent empty: a pointer to an empty struct is not none, so its spec changed", "PATCH",
             f"{claims}/gen", {"spec": {"selector": {}}}, MERGE, fields=INVALID),
    )


def _role_refs(ns: str) -> tuple[Step, ...]:
    """A binding's role reference is immutable, reported with the role's name and the subjects' names after the
    handwritten checks (its kind): on create the subjects' names first (declarative validation's field order),
    on update the role's name and its immutability."""
    bindings = f"/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/rolebindings"
    user = {"kind": "User", "apiGroup": "rbac.authorization.k8s.io"}
    return (
        Step("a role binding", "POST", bindings, {"metadata": {"name": "ref"}, "roleRef": {
            "apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "r"}, "subjects": [{**user, "name": "u"}]},
             fields=("code",)),
        Step("its role reference removed, a subject without a name", "PATCH", f"{bindings}/ref",
             {"roleRef": None, "subjects": [user]}, MERGE, fields=INVALID),
        Step("its role reference's name emptied", "PATCH", f"{bindings}/ref", {"roleRef": {"name": ""}}, MERGE,
             fields=INVALID),
        Step("a binding created without names: the subjects' before the role's", "POST", bindings,
             {"metadata": {"name": "ref2"}, "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role"},
              "subjects": [user, {**user, "name": ""}]}, fields=INVALID),
    )


def _device_selectors(ns: str) -> tuple[Step, ...]:
    """A device selector's CEL expression must compile: one that ends where an operand is due is refused with
    cel-go's syntax error (an empty one at column 0, without a line to show)."""
    classes = "/apis/resource.k8s.io/v1/deviceclasses"
    claim = {"metadata": {"name": "sel"}, "spec": {"devices": {"requests": [{"name": "r", "exactly": {
        "deviceClassName": "c", "selectors": [{"cel": {"expression": "device.driver == "}}]}}]}}}
    return (
        Step("a device class whose selectors do not compile", "POST", classes,
             {"metadata": {"name": f"{ns}-sel"}, "spec": {"selectors": [{"cel": {"expression": ""}},
                                                                        {"cel": {"expression": "1 +"}}]}},
             fields=INVALID),
        Step("a claim whose selector does not compile", "POST",
             f"/apis/resource.k8s.io/v1/namespaces/{ns}/resourceclaims", claim, fields=INVALID),
    )


def _null_items(ns: str) -> tuple[Step, ...]:
    """A null item of a list decodes to its type's zero value, which validation then judges (a Container
    without a name or image); a named map type is named in a type error (v1.ResourceList)."""
    pods, cms = f"/api/v1/namespaces/{ns}/pods", f"/api/v1/namespaces/{ns}/configmaps"
    pod = {"metadata": {"name": "nulls"}, "spec": {"containers": [None]}}
    return (
        Step("a pod whose container is null", "POST", pods, pod, fields=INVALID),
        Step("a pod whose port and toleration are null", "POST", pods,
             {**pod, "spec": {"containers": [{"name": "c", "image": "i", "ports": [None]}], "volumes": [None]}},
             fields=INVALID),
        Step("a certificate request whose spec is null: an empty one, refused field by field", "POST",
             "/apis/certificates.k8s.io/v1/certificatesigningrequests",
             {"metadata": {"name": f"{ns}-nullspec"}, "spec": None}, fields=INVALID),
        Step("a namespace whose spec is null still gets its finalizer", "POST", "/api/v1/namespaces",
             {"metadata": {"name": f"{ns}-nullspec"}, "spec": None}, fields=("code", "spec", "status")),
        Step("a strategic merge patch's list the object lacks is taken as sent, repeats and all", "PATCH",
             f"{cms}/fin", {"metadata": {"finalizers": ["example.com/a", "example.com/a"]}}, SMP,
             fields=("code", "metadata.finalizers")),
        Step("so a list of lists reaches the converter", "PATCH", f"{cms}/fin",
             {"metadata": {"ownerReferences": [[{}]]}}, SMP, fields=INVALID),
        Step("its finalizers removed again", "PATCH", f"{cms}/fin", {"metadata": {"finalizers": None}}, MERGE,
             fields=("code",)),
        Step("a secret whose value is null: empty bytes, as storage reads them back", "POST",
             f"/api/v1/namespaces/{ns}/secrets", {"metadata": {"name": "nulls"}, "data": {"a": None}},
             fields=("code", "data")),
        Step("a secret whose values are arrays of bytes, as encoding/json reads a []byte", "POST",
             f"/api/v1/namespaces/{ns}/secrets", {"metadata": {"name": "arrays"}, "data": {"a": [104, 105], "b": [],
                                                                                        "c": [None, 0]}},
             fields=("code", "data")),
        *(Step(f"a config map whose binary value holds {bad}", "POST", f"/api/v1/namespaces/{ns}/configmaps",
               {"metadata": {"name": "arrays"}, "binaryData": {"a": [1, bad]}}, fields=INVALID)
          for bad in (1.5, 256, -1, "x", [1], {}, True)),
        Step("a quota whose hard limits are a list", "POST", f"/api/v1/namespaces/{ns}/resourcequotas",
             {"metadata": {"name": "nulls"}, "spec": {"hard": []}}, fields=INVALID),
        Step("a review whose extra is a string", "POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews",
             {"spec": {"user": "u", "resourceAttributes": {"verb": "get"}, "extra": {"a": "x"}}}, fields=INVALID),
        *_review_selectors(ns),
    )


def _review_selectors(ns: str) -> tuple[Step, ...]:
    """An access review's field and label selectors (validateFieldSelectorAttributes and its label twin): a raw
    selector or requirements, not both, each requirement's operator and values, a label's key and values,
    an operator this apiserver does not know allowed; also in a review's metadata, which must be empty."""
    reviews = "/apis/authorization.k8s.io/v1"

    def review(local: bool = False, **attributes: Any) -> dict[str, Any]:
        asked = {"verb": "list", "resource": "pods", **({"namespace": ns} if local else {}), **attributes}
        return {"spec": {"user": "u", "resourceAttributes": asked}}
    bad = [{"key": "", "operator": "In"}, {"key": "a", "operator": "Exists", "values": ["x"]},
           {"key": "Bad Key!", "operator": "Later", "values": ["Bad Value!"]}]
    return (
        Step("a review's empty field and label selectors", "POST", f"{reviews}/subjectaccessreviews",
             review(fieldSelector={}, labelSelector={"requirements": []}), fields=INVALID),
        Step("both a raw selector and requirements", "POST", f"{reviews}/subjectaccessreviews",
             review(fieldSelector={"rawSelector": "a=b", "requirements": [{"key": "a", "operator": "In",
                                                                               "values": ["b"]}]},
                    labelSelector={"rawSelector": "a", "requirements": [{"key": "a", "operator": "Exists"}]}),
             fields=INVALID),
        Step("bad requirements of each", "POST", f"{reviews}/subjectaccessreviews",
             review(fieldSelector={"requirements": bad}, labelSelector={"requirements": bad}), fields=INVALID),
        Step("an operator the apiserver does not know: allowed", "POST", f"{reviews}/selfsubjectaccessreviews",
             {"spec": {"resourceAttributes": {"verb": "list", "resource": "pods", "labelSelector": {
                 "requirements": [{"key": "a", "operator": "Later"}]}}}}, fields=("code", "spec", "status")),
        Step("a raw selector that does not parse, requirements the authorizer cannot all take", "POST",
             f"{reviews}/selfsubjectaccessreviews", {"spec": {"resourceAttributes": {
                 "verb": "list", "resource": "pods", "labelSelector": {"rawSelector": "a in (x"},
                 "fieldSelector": {"requirements": [{"key": "a", "operator": "In", "values": ["x"]},
                                                    {"key": "b", "operator": "NotIn", "values": ["x", "y"]},
                                                    {"key": "c", "operator": "Exists"}]}}}},
             fields=("code", "status")),
        Step("a local review's bad selector, its metadata named", "POST",
             f"{reviews}/namespaces/{ns}/localsubjectaccessreviews",
             {**review(True, labelSelector={"rawSelector": ""}), "metadata": {"namespace": ns, "name": "n"}},
             fields=INVALID),
        Step("a review with a name", "POST", f"{reviews}/subjectaccessreviews",
             {**review(), "metadata": {"name": "n", "labels": {"a": "b"}}}, fields=INVALID),
    )


def _empty_values(ns: str) -> tuple[Step, ...]:
    """An empty list or map a body sends is not none to Go before it is encoded: validation that checks for nil
    or compares with reflect.DeepEqual, defaulting that fills only a nil one, and the value a refusal quotes
    see it; storage then leaves it out (omitempty), and so does the field manager."""
    pods, deploys = f"/api/v1/namespaces/{ns}/pods", f"/apis/apps/v1/namespaces/{ns}/deployments"
    ctr = {"name": "c", "image": "i"}

    def pod(name: str, **spec: Any) -> dict[str, Any]:
        return {"metadata": {"name": name}, "spec": {"containers": [ctr], **spec}}
    slice_spec = {"driver": "gpu.example.com", "pool": {"name": "p", "resourceSliceCount": 1}, "nodeName": "n",
                  "devices": []}
    return (
        Step("an empty overhead without a runtime class", "POST", pods, pod("ovh", overhead={}), fields=INVALID),
        Step("empty pod-level claims", "POST", pods, pod("claims", resources={"claims": []}), fields=INVALID),
        Step("a Windows pod's empty supplemental groups", "POST", pods,
             pod("win", os={"name": "windows"}, securityContext={"supplementalGroups": []}), fields=INVALID),
        Step("an ephemeral container's empty ports, limits and resize policy", "POST", pods,
             pod("eph", ephemeralContainers=[{"name": "e", "image": "i", "ports": [], "resources": {"limits": {}},
                                              "resizePolicy": []}]), fields=INVALID),
        Step("an ephemeral volume's claim template with empty finalizers and owners", "POST", pods,
             pod("tmpl", volumes=[{"name": "v", "ephemeral": {"volumeClaimTemplate": {
                 "metadata": {"finalizers": [], "ownerReferences": []},
                 "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}}}]),
             fields=INVALID),
        Step("a template's empty labels are quoted as sent", "POST", deploys,
             {**_DEPLOYMENT, "metadata": {"name": "nolabels"},
              "spec": {**_DEPLOYMENT["spec"], "template": {"metadata": {"labels": {}},
                                                          "spec": _DEPLOYMENT["spec"]["template"]["spec"]}}},
             fields=INVALID),
        Step("a persistent volume's empty capacity is quoted as sent", "POST", "/api/v1/persistentvolumes",
             {"metadata": {"name": f"{ns}-nocap"}, "spec": {"capacity": {}, "accessModes": ["ReadWriteOnce"],
                                                            "hostPath": {"path": "/x"}}}, fields=INVALID),
        Step("an autoscaler with a behavior", "POST", f"/apis/autoscaling/v2/namespaces/{ns}/horizontalpodautoscalers",
             {"metadata": {"name": "withpolicies"}, "spec": {
                 "scaleTargetRef": {"kind": "Deployment", "name": "d", "apiVersion": "apps/v1"}, "maxReplicas": 3,
                 "behavior": {"scaleUp": {"stabilizationWindowSeconds": 5}}}}, fields=("code",)),
        Step("an autoscaler's empty policies are not defaulted", "POST",
             f"/apis/autoscaling/v2/namespaces/{ns}/horizontalpodautoscalers",
             {"metadata": {"name": "nopolicies"}, "spec": {
                 "scaleTargetRef": {"kind": "Deployment", "name": "d", "apiVersion": "apps/v1"}, "maxReplicas": 3,
                 "behavior": {"scaleUp": {"policies": []}}}}, fields=INVALID),
        Step("so are an update's",
             "PATCH", f"/apis/autoscaling/v2/namespaces/{ns}/horizontalpodautoscalers/withpolicies",
             {"spec": {"behavior": {"scaleDown": {"policies": []}}}}, MERGE, fields=INVALID),
        Step("a resource slice's empty devices beside shared counters", "POST",
             "/apis/resource.k8s.io/v1/resourceslices",
             {"metadata": {"name": f"{ns}-both"}, "spec": {**slice_spec, "sharedCounters": [
                 {"name": "c", "counters": {"mem": {"value": "1"}}}]}}, fields=INVALID),
        Step("a chart's deployment with its optional lists and maps rendered empty: the whole answer", "POST",
             deploys, {"metadata": {"name": "chart", "labels": {"app": "chart"}, "annotations": {}}, "spec": {
                 "replicas": 1, "selector": {"matchLabels": {"app": "chart"}, "matchExpressions": []},
                 "template": {"metadata": {"labels": {"app": "chart"}, "annotations": {}}, "spec": {
                     "nodeSelector": {}, "tolerations": [], "affinity": {}, "imagePullSecrets": [], "volumes": [],
                     "initContainers": [], "securityContext": {}, "topologySpreadConstraints": [],
                     "containers": [{"name": "c", "image": "nginx:1.27", "args": [], "command": [], "env": [],
                                     "envFrom": [], "ports": [], "volumeMounts": [], "resources": {},
                                     "securityContext": {}}]}}}},
             fields=WHOLE),
        Step("a service account whose secret has no name: its type does not fit (a keyed list's item without its "
             "key), so the field manager leaves it no managed fields", "POST",
             f"/api/v1/namespaces/{ns}/serviceaccounts", {"metadata": {"name": "unkeyed"}, "secrets": [{}]},
             fields=("code", "secrets", "metadata.managedFields")),
        Step("nor after an update of it", "PATCH", f"/api/v1/namespaces/{ns}/serviceaccounts/unkeyed",
             {"automountServiceAccountToken": False}, MERGE, fields=("code", "metadata.managedFields")),
        Step("an APIService's empty labels: its metadata is an ObjectMeta, which leaves them out", "POST",
             "/apis/apiregistration.k8s.io/v1/apiservices", {"metadata": {"name": f"v1.e-{ns}.example.com",
                                                                         "labels": {}, "annotations": {}},
                                                            "spec": {"group": f"e-{ns}.example.com", "version": "v1",
                                                                     "groupPriorityMinimum": 100,
                                                                     "versionPriority": 100}},
             fields=("code", "metadata.labels", "metadata.annotations")),
        Step("its status patched away, as a dry run: still written, an empty struct", "PATCH",
             f"/apis/apiregistration.k8s.io/v1/apiservices/v1.e-{ns}.example.com/status", {"status": None}, MERGE,
             query="dryRun=All", fields=("code", "status")),
        Step("a service account made with empty secrets: none in its managed fields", "POST",
             f"/api/v1/namespaces/{ns}/serviceaccounts", {"metadata": {"name": "nosecrets"}, "secrets": []},
             fields=("code", "secrets", "metadata.managedFields")),
    )


def _claim_requests(ns: str) -> tuple[Step, ...]:
    """A DRA claim's requests as declarative validation judges them after the rest: an allocation mode outside
    the enum, a subrequest's class name (checked by nothing else), also where the request is refused for
    having both forms; and the derived attributes of a feature off in 1.37, dropped."""
    claims = f"/apis/resource.k8s.io/v1/namespaces/{ns}/resourceclaims"
    templates = f"/apis/resource.k8s.io/v1/namespaces/{ns}/resourceclaimtemplates"
    exact = {"deviceClassName": "gpu.example.com", "allocationMode": "Some"}
    subs = [{"name": "a", "deviceClassName": "Bad_Class"}, {"name": "b", "allocationMode": "Most"}]

    def claim(name: str, *requests: dict[str, Any]) -> dict[str, Any]:
        return {"metadata": {"name": name}, "spec": {"devices": {"requests": list(requests)}}}
    return (
        Step("an exact request's unknown allocation mode", "POST", claims,
             claim("mode", {"name": "r", "exactly": exact}), query="dryRun=All", fields=INVALID),
        Step("subrequests' class names and modes", "POST", claims, claim("subs", {"name": "r", "firstAvailable": subs}),
             query="dryRun=All", fields=INVALID),
        Step("both forms at once: the subrequests still judged", "POST", claims,
             claim("both", {"name": "r", "exactly": exact, "firstAvailable": subs}), query="dryRun=All",
             fields=INVALID),
        Step("a claim", "POST", claims, claim("fixed", {"name": "r", "exactly": {"deviceClassName": "c"}}),
             fields=("code",)),
        Step("its capacity sent as {}: a pointer to an empty struct is a change of its fixed spec", "PATCH",
             f"{claims}/fixed", {"spec": {"devices": {"requests": [
                 {"name": "r", "exactly": {"deviceClassName": "c", "capacity": {}}}]}}}, MERGE, fields=INVALID),
        Step("a claim template", "POST", templates, {"metadata": {"name": "fixed"}, "spec": {"spec": {"devices": {
            "requests": [{"name": "r", "exactly": {"deviceClassName": "c"}}]}}}}, fields=("code",)),
        Step("a constraint added to it: fixed first, then the attribute as declarative validation words it",
             "PATCH", f"{templates}/fixed", {"spec": {"spec": {"devices": {"constraints": [
                 {"matchAttribute": "Bad_Value!"}]}}}}, MERGE, fields=INVALID),
        Step("derived attributes dropped", "POST", claims, claim("derived", {"name": "r", "exactly": {
            "deviceClassName": "gpu.example.com", "derivedAttributes": [{"name": "a", "expression": "1"}]}}),
             query="dryRun=All", fields=("code", "spec")),
    )


def _held_updates(ns: str) -> tuple[Step, ...]:
    """An update's empty lists and maps reach its validation as Go holds them: a nil check sees them, and so
    does reflect.DeepEqual (an immutable ConfigMap's data, a StorageClass's parameters), but Semantic.DeepEqual,
    which an update's other comparisons with the stored object use, does not (a pod, a selector, a template);
    a refusal quotes them as json.Marshal writes them (omitempty) or as Go's diff shows them."""
    pods, apps = f"/api/v1/namespaces/{ns}/pods", f"/apis/apps/v1/namespaces/{ns}"
    jobs = f"/apis/batch/v1/namespaces/{ns}/jobs"
    slices = "/apis/resource.k8s.io/v1/resourceslices"
    claim = {"metadata": {"name": "data"}, "spec": {"accessModes": ["ReadWriteOnce"],
                                                    "resources": {"requests": {"storage": "1Gi"}}}}
    return (
        Step("a pod", "POST", pods, _pod("held"), fields=("code",)),
        Step("its spec sent again with empty lists and maps: no change", "PATCH", f"{pods}/held", {"spec": {
            "containers": [{"name": "c", "image": "nginx", "args": [], "env": []}], "volumes": [], "nodeSelector": {},
            "readinessGates": []}}, MERGE, fields=("code", "spec")),
        Step("and with a change: Go's diff shows them, but empty init containers (munged into a nil slice)",
             "PATCH", f"{pods}/held", {"spec": {"restartPolicy": "Never", "volumes": [], "hostAliases": [],
                                                "initContainers": []}}, MERGE, fields=INVALID),
        Step("its managed fields sent empty with a new label: cleared (isResetManagedFields)", "PATCH",
             f"{pods}/held", {"metadata": {"managedFields": [], "labels": {"new": "1"}}}, MERGE,
             fields=("code", "metadata.labels", "metadata.managedFields")),
        Step("a deployment", "POST", f"{apps}/deployments", _deploy("held"), fields=("code",)),
        Step("its selector with empty expressions: the same", "PATCH", f"{apps}/deployments/held",
             {"spec": {"selector": {"matchExpressions": []}}}, MERGE, fields=("code", "spec.selector")),
        Step("a new selector with empty expressions: quoted without them", "PATCH", f"{apps}/deployments/held",
             {"spec": {"selector": {"matchLabels": {"app": "y"}, "matchExpressions": []}}}, MERGE, fields=INVALID),
        Step("a daemon set", "POST", f"{apps}/daemonsets",
             {"metadata": {"name": "held"}, "spec": {"selector": _SEL, "template": _TPL}}, fields=("code",)),
        Step("its template with empty volumes: the same template generation", "PATCH", f"{apps}/daemonsets/held",
             {"spec": {"template": {"spec": {"volumes": [], "tolerations": []}}}}, MERGE,
             fields=("code", "metadata.annotations", "metadata.generation")),
        Step("a stateful set", "POST", f"{apps}/statefulsets", {"metadata": {"name": "held"}, "spec": {
            "selector": _SEL, "template": _TPL, "serviceName": "s", "volumeClaimTemplates": [claim]}},
             fields=("code",)),
        Step("its claim template with empty labels: the same", "PATCH", f"{apps}/statefulsets/held", {"spec": {
            "volumeClaimTemplates": [{**claim, "metadata": {"name": "data", "labels": {}}}]}}, MERGE,
             fields=("code", "spec.volumeClaimTemplates")),
        Step("a job", "POST", jobs, _job("held"), fields=("code",)),
        Step("its template changed with empty finalizers: quoted without them", "PATCH", f"{jobs}/held", {"spec": {
            "template": {"metadata": {"finalizers": [], "annotations": {}}, "spec": {"restartPolicy": "OnFailure"}}}},
             MERGE, fields=INVALID),
        Step("an immutable config map without data", "POST", f"/api/v1/namespaces/{ns}/configmaps",
             {"metadata": {"name": "held"}, "immutable": True}, fields=("code",)),
        Step("its data sent empty: reflect.DeepEqual tells binaryData from none (data is defaulted to {})", "PATCH",
             f"/api/v1/namespaces/{ns}/configmaps/held", {"data": {}, "binaryData": {}}, MERGE, fields=INVALID),
        Step("its metadata sent with empty lists and maps", "PUT", f"/api/v1/namespaces/{ns}/configmaps/held",
             {"metadata": {"name": "held", "labels": {}, "annotations": {}, "finalizers": [], "ownerReferences": [],
                           "managedFields": []}, "immutable": True},
             fields=("code", "metadata.labels", "metadata.finalizers", "metadata.managedFields")),
        Step("an immutable secret without data", "POST", f"/api/v1/namespaces/{ns}/secrets",
             {"metadata": {"name": "held"}, "immutable": True}, fields=("code",)),
        Step("its data sent empty", "PATCH", f"/api/v1/namespaces/{ns}/secrets/held", {"data": {}}, MERGE,
             fields=INVALID),
        Step("a storage class without parameters", "POST", "/apis/storage.k8s.io/v1/storageclasses",
             {"metadata": {"name": f"{ns}-held"}, "provisioner": "example.com/p"}, fields=("code",)),
        Step("its parameters sent empty", "PATCH", f"/apis/storage.k8s.io/v1/storageclasses/{ns}-held",
             {"parameters": {}}, MERGE, fields=INVALID),
        Step("a service CIDR", "POST", "/apis/networking.k8s.io/v1/servicecidrs",
             {"metadata": {"name": f"{ns}-held"}, "spec": {"cidrs": ["10.202.0.0/24"]}}, fields=("code",)),
        *(Step(f"its CIDRs {what}: quoted so", "PATCH", f"/apis/networking.k8s.io/v1/servicecidrs/{ns}-held", patch,
               MERGE, fields=INVALID)
          for what, patch in (("gone", {"spec": None}), ("empty", {"spec": {"cidrs": []}}))),
        Step("a resource slice of shared counters", "POST", slices, {"metadata": {"name": f"{ns}-held"}, "spec": {
            "driver": "gpu.example.com", "pool": {"name": "p", "resourceSliceCount": 1}, "nodeName": "n",
            "sharedCounters": [{"name": "c", "counters": {"mem": {"value": "1"}}}]}}, fields=("code",)),
        Step("its devices sent empty: a nil check", "PATCH", f"{slices}/{ns}-held", {"spec": {"devices": []}}, MERGE,
             fields=INVALID),
    )


def _autoscaler_views(ns: str) -> tuple[Step, ...]:
    """A write through autoscaling/v1, a lossy view of the v2 storage holds, counts its generation against that:
    v1 puts the annotation's metrics before its CPU target, and a behavior it sends without a direction leaves
    that direction out until storage's decoder defaults it again; an apply through one version pruned in the
    version its manager last applied in."""
    v1, v2 = (f"/apis/autoscaling/{v}/namespaces/{ns}/horizontalpodautoscalers" for v in ("v1", "v2"))
    target = {"apiVersion": "apps/v1", "kind": "Deployment", "name": "d"}
    behavior = '{"ScaleUp":{"StabilizationWindowSeconds":30,"SelectPolicy":"Min","Policies":[{"Type":"Pods",' \
        '"Value":2,"PeriodSeconds":60}]},"ScaleDown":null}'
    return (
        Step("an autoscaler with a CPU target first", "POST", v2, {"metadata": {"name": "views"}, "spec": {
            "scaleTargetRef": target, "maxReplicas": 5, "metrics": [
                {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization",
                                                                            "averageUtilization": 60}}},
                {"type": "Resource", "resource": {"name": "memory", "target": {"type": "AverageValue",
                                                                               "averageValue": "100Mi"}}}]}},
             fields=("code", "metadata.generation")),
        Step("patched with nothing through v1: its metrics reordered, a new generation", "PATCH", f"{v1}/views", {},
             MERGE, fields=("code", "metadata.generation")),
        Step("and again: the same order, the same generation", "PATCH", f"{v1}/views", {}, MERGE,
             fields=("code", "metadata.generation")),
        Step("a behavior through v1 without scaling down: a new generation", "PATCH", f"{v1}/views",
             {"metadata": {"annotations": {"autoscaling.alpha.kubernetes.io/behavior": behavior}}}, MERGE,
             fields=("code", "metadata.generation")),
        Step("read through v2: scaling down defaulted again", "GET", f"{v2}/views",
             fields=("metadata.generation", "spec.behavior", "spec.metrics")),
        # prune works in the version the applier last applied in: through v2 it owned a field of the behavior,
        # so the struct is the applier's there and goes, though v1 shows it as an annotation nobody owns
        Step("applied through v2 with a behavior", "PATCH", f"{v2}/applied", json.dumps({
            "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "applied"},
            "spec": {"scaleTargetRef": target, "maxReplicas": 5,
                     "behavior": {"scaleDown": {"stabilizationWindowSeconds": 60}}}}), APPLY, "fieldManager=ap",
             fields=("code", "spec.behavior")),
        Step("applied again through v1 without one: the behavior goes", "PATCH", f"{v1}/applied", json.dumps({
            "apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "applied"},
            "spec": {"scaleTargetRef": target, "maxReplicas": 5, "minReplicas": 2}}), APPLY, "fieldManager=ap",
             fields=("code", "metadata.annotations", "spec")),
        Step("read through v2: no behavior", "GET", f"{v2}/applied", fields=("spec",)),
    )


def _pod_status_rules(ns: str) -> tuple[Step, ...]:
    """ValidatePodStatusUpdate: conditions, generations, the QoS class, a terminated container running again
    (by the pod's and the container's restart policy and rules), the pod's and host's IPs, a container's user."""
    pods = f"/api/v1/namespaces/{ns}/pods"

    def status(what: str, name: str, body: dict[str, Any], fields: tuple[str, ...] = INVALID) -> Step:
        return Step(what, "PATCH", f"{pods}/{name}/status", {"status": body}, MERGE, fields=fields)

    def ended(name: str, code: int) -> dict[str, Any]:
        return {"name": name, "ready": False, "restartCount": 0, "image": "nginx", "imageID": "",
                "state": {"terminated": {"exitCode": code, "startedAt": None, "finishedAt": None}}}

    def running(name: str) -> dict[str, Any]:
        return {"name": name, "ready": True, "restartCount": 1, "image": "nginx", "imageID": "",
                "state": {"running": {"startedAt": None}}}
    rules = [{"action": "Restart", "exitCodes": {"operator": "In", "values": [42]}}]
    return (
        Step("a pod that never restarts", "POST", pods, _pod("status-rules", restartPolicy="Never", containers=[
            {"name": "c", "image": "nginx"},
            {"name": "r", "image": "nginx", "restartPolicy": "Never", "restartPolicyRules": rules}]),
             fields=("code",)),
        status("a null condition", "status-rules", {"conditions": [None]}),
        status("a condition type that is no qualified name, and a negative generation", "status-rules",
               {"conditions": [{"type": "Ready", "status": "True", "observedGeneration": -1},
                               {"type": "bad type!", "status": "True"}], "observedGeneration": -2}),
        status("a new QoS class", "status-rules", {"qosClass": "Guaranteed"}),
        status("both containers terminated", "status-rules",
               {"containerStatuses": [ended("c", 0), ended("r", 42)]}, ("code", "status.containerStatuses")),
        status("running again: the one whose rule restarts on 42 may", "status-rules",
               {"containerStatuses": [running("c"), running("r")]}),
        status("only the one whose rule restarts it", "status-rules",
               {"containerStatuses": [ended("c", 0), running("r")]}, ("code",)),
        status("a pod IP without pod IPs: the list defaulted from it", "status-rules", {"podIP": "10.1.0.1"},
               ("code", "status.podIP", "status.podIPs")),
        status("two IPv4 pod IPs", "status-rules",
               {"podIP": "10.1.0.1", "podIPs": [{"ip": "10.1.0.1"}, {"ip": "10.1.0.2"}]}),
        status("pod IPs whose first is not the pod IP: the pod IP wins", "status-rules",
               {"podIP": "10.1.0.1", "podIPs": [{"ip": "10.1.0.x"}, {"ip": "fd00::1"}]},
               ("code", "status.podIP", "status.podIPs")),
        status("pod IPs alone, the first no IP", "status-rules",
               {"podIP": None, "podIPs": [{"ip": "10.1.0.x"}, {"ip": "fd00::1"}]}),
        status("a host IP that is not the first host IP", "status-rules",
               {"hostIP": "10.2.0.1", "hostIPs": [{"ip": "10.2.0.2"}]}),
        status("a container's user out of range", "status-rules", {"containerStatuses": [
            {**ended("c", 0), "user": {"linux": {"uid": -1, "gid": 2147483648, "supplementalGroups": [1, -3]}}}]}),
        Step("its status written with annotations: the writer manages them", "PATCH", f"{pods}/status-rules/status",
             {"metadata": {"annotations": {"kubelet.example.com/seen": "yes"}}, "status": {"observedGeneration": 1}},
             MERGE, fields=("code", "metadata.annotations", "metadata.managedFields", "status.observedGeneration")),
        Step("a mirror pod's annotation added through its status", "PATCH", f"{pods}/status-rules/status",
             {"metadata": {"annotations": {"kubernetes.io/config.mirror": "x",
                                           "pod.beta.kubernetes.io/init-containers": "[]"}}}, MERGE, fields=INVALID),
        status("its observed generation cleared: kept", "status-rules", {"observedGeneration": None},
               ("code", "metadata.managedFields", "status.observedGeneration")),
        status("claim statuses: one the pod does not have, twice, and a claim name that is none", "status-rules",
               {"resourceClaimStatuses": [{"name": "gpu", "resourceClaimName": "Bad_Name"}, {"name": "gpu"}]}),
        status("an extended resource's claim status: a mapping to no container, another to no request, a claim "
               "name that is none", "status-rules", {"extendedResourceClaimStatus": {"requestMappings": [
                   {"containerName": "x", "resourceName": "example.com/gpu", "requestName": "r"},
                   {"containerName": "c", "resourceName": "example.com/gpu", "requestName": "Bad_Request"}],
                   "resourceClaimName": "Bad_Name"}}),
        status("a volume's health and node-allocatable claims, of features that are off: dropped", "status-rules",
               {"volumeHealth": [{"name": "v"}], "nodeAllocatableResourceClaimStatuses": [{"resourceClaimName": "x"}]},
               ("code", "status.volumeHealth", "status.nodeAllocatableResourceClaimStatuses")),
        status("the health of a container's allocated resources: a resource it does not request, a claim it does "
               "not have, a health of no kind, an empty message, a device twice", "status-rules",
               {"containerStatuses": [{**ended("c", 0), "allocatedResourcesStatus": [
                   {"name": "example.com/gpu", "resources": [{"resourceID": "a", "health": "Fine"}]},
                   {"name": "claim:gpu/r", "resources": [{"resourceID": "b", "health": "Healthy", "message": ""},
                                                         {"resourceID": "b", "health": "Unknown"}]}]}]}),
        status("a mount's volume status, of a feature that is off: dropped", "status-rules",
               {"containerStatuses": [{**ended("c", 0), "volumeMounts": [
                   {"name": "v", "mountPath": "/v", "volumeStatus": {"image": {"imageRef": "x"}}}]}]},
               ("code", "status.containerStatuses")),
        status("a dual-stack pod and its host", "status-rules",
               {"podIP": "10.1.0.1", "podIPs": [{"ip": "10.1.0.1"}, {"ip": "fd00::1"}], "hostIP": "10.2.0.1",
                "hostIPs": [{"ip": "10.2.0.1"}], "conditions": [{"type": "example.com/ready", "status": "True"}]},
               ("code", "status.podIPs", "status.conditions")),
    )


def _volume_statuses(ns: str) -> tuple[Step, ...]:
    """What a volume controller writes: a claim's status validated (amounts, resize statuses, allocated
    resources), a volume's phase transition time kept while its phase stays; and the status of a replication
    controller (counts), a priority level and a device taint rule (conditions), a node (declared features, a
    removed config) and a DRA claim's allocation."""
    claims, pv = f"/api/v1/namespaces/{ns}/persistentvolumeclaims", f"/api/v1/persistentvolumes/{ns}-phased"
    rcs = f"/api/v1/namespaces/{ns}/replicationcontrollers"
    levels = "/apis/flowcontrol.apiserver.k8s.io/v1/prioritylevelconfigurations"
    rules = "/apis/resource.k8s.io/v1/devicetaintrules"
    dra = f"/apis/resource.k8s.io/v1/namespaces/{ns}/resourceclaims"
    volume = {"metadata": {"name": f"{ns}-phased"}, "spec": {"capacity": {"storage": "1Gi"}, "accessModes": [
        "ReadWriteOnce"], "csi": {"driver": "d.example.com", "volumeHandle": "h"}}}
    then = "2020-01-01T00:00:00Z"
    return (
        Step("a claim to bind", "POST", claims, {"metadata": {"name": "bound"}, "spec": {
            "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}, fields=("code",)),
        # (one key a map: Go reports a map's faults in its random order)
        Step("its status: a negative capacity, resize statuses and allocations of what a claim cannot hold", "PATCH",
             f"{claims}/bound/status", {"status": {"phase": "Bound", "capacity": {"storage": "-1Gi"},
                                                   "allocatedResourceStatuses": {"cpu": "x"},
                                                   "allocatedResources": {"memory": "1Gi"}}}, MERGE, fields=INVALID),
        Step("a resize status of no such state, a negative allocation", "PATCH", f"{claims}/bound/status",
             {"status": {"allocatedResourceStatuses": {"example.com/a b": "Resizing"},
                         "allocatedResources": {"storage": "-2"}}}, MERGE, fields=INVALID),
        Step("and a valid one", "PATCH", f"{claims}/bound/status", {"status": {
            "phase": "Bound", "capacity": {"storage": "1Gi"},
            "allocatedResourceStatuses": {"storage": "ControllerResizeInProgress"},
            "allocatedResources": {"storage": "2Gi"}}}, MERGE, fields=("code", "status")),
        Step("its health, of a feature that is off: dropped", "PATCH", f"{claims}/bound/status", {"status": {
            "healthStatus": {"healthConditions": [{"type": "Abnormal", "status": "True"}]}}}, MERGE,
             fields=("code", "status.healthStatus")),
        Step("a volume", "POST", "/api/v1/persistentvolumes", volume, fields=("code", "status.phase")),
        Step("available since a time it says", "PATCH", f"{pv}/status",
             {"status": {"phase": "Available", "lastPhaseTransitionTime": then}}, MERGE, fields=("code", "status")),
        Step("its whole status again without the time: the phase stays, so does its time", "PUT", f"{pv}/status",
             {**volume, "status": {"phase": "Available", "message": "ok"}}, fields=("code", "status")),
        Step("released, sending the stored time: the write's time instead", "PATCH", f"{pv}/status",
             {"status": {"phase": "Released"}}, MERGE, fields=("code", "status.phase")),
        Step("the volume gone", "DELETE", pv, fields=("code",)),
        Step("a replication controller", "POST", rcs, {"metadata": {"name": "rc"}, "spec": {
            "replicas": 0, "selector": {"app": "rc"}, "template": {"metadata": {"labels": {"app": "rc"}}, "spec": {
                "containers": [{"name": "c", "image": "nginx"}]}}}}, fields=("code",)),
        Step("its status: counts negative and above its replicas", "PATCH", f"{rcs}/rc/status", {"status": {
            "replicas": 2, "fullyLabeledReplicas": 3, "readyReplicas": 1, "availableReplicas": 2,
            "observedGeneration": -1}}, MERGE, fields=INVALID),
        Step("a priority level", "POST", levels, {"metadata": {"name": f"{ns}-level"}, "spec": {
            "type": "Limited", "limited": {"limitResponse": {"type": "Reject"}}}}, fields=("code",)),
        Step("its status: a condition without a type, one twice", "PATCH", f"{levels}/{ns}-level/status",
             {"status": {"conditions": [{"status": "True"}, {"type": "A"}, {"type": "A"}]}}, MERGE, fields=INVALID),
        Step("the priority level gone", "DELETE", f"{levels}/{ns}-level", fields=("code",)),
        Step("a device taint rule", "POST", rules, {"metadata": {"name": f"{ns}-rule"}, "spec": {
            "deviceSelector": {"driver": "gpu.example.com"}, "taint": {"key": "k", "effect": "NoSchedule"}}},
             fields=("code",)),
        Step("its status: nine conditions, one of them without a reason", "PATCH", f"{rules}/{ns}-rule/status",
             {"status": {"conditions": [{"type": f"T{i}", "status": "True", "reason": "R" if i else "",
                                         "lastTransitionTime": "2026-01-01T00:00:00Z"} for i in range(9)]}},
             MERGE, fields=INVALID),
        Step("the device taint rule gone", "DELETE", f"{rules}/{ns}-rule", fields=("code",)),
        Step("a node", "POST", "/api/v1/nodes", {"metadata": {"name": f"{ns}-status"}}, fields=("code",)),
        Step("its status: declared features unsorted, twice, misnamed; a removed config", "PATCH",
             f"/api/v1/nodes/{ns}-status/status", {"status": {
                 "declaredFeatures": ["B", "A", "A", "bad-name"], "config": {"error": "x"}}}, MERGE, fields=INVALID),
        Step("and sorted: kept, the config dropped", "PATCH", f"/api/v1/nodes/{ns}-status/status", {"status": {
            "declaredFeatures": ["A", "B/sub"], "config": {"error": "x"}}}, MERGE,
             fields=("code", "status.declaredFeatures", "status.config")),
        Step("the node gone", "DELETE", f"/api/v1/nodes/{ns}-status", fields=("code",)),
        Step("a claim to allocate", "POST", dra, {"metadata": {"name": "allocated"}, "spec": {"devices": {
            "requests": [{"name": "gpu", "exactly": {"deviceClassName": "gpu.example.com"}}]}}}, fields=("code",)),
        Step("its allocation: a node selector without terms, a share ID that is no UUID, a configuration without "
             "its source", "PATCH", f"{dra}/allocated/status", {"status": {"allocation": {
                 "nodeSelector": {}, "devices": {
                     "results": [{"request": "gpu", "driver": "gpu.example.com", "pool": "p", "device": "d",
                                  "shareID": "ABC"}],
                     "config": [{"requests": ["gpu"], "opaque": {"driver": "gpu.example.com", "parameters": {}}}]}}}},
             MERGE, fields=INVALID),
    )


def _job_indexes(ns: str) -> tuple[Step, ...]:
    """An Indexed Job's completed and failed indexes as its controller writes them: intervals, in order, below
    the completions, not both completed and failed."""
    jobs = f"/apis/batch/v1/namespaces/{ns}/jobs"

    def status(what: str, body: dict[str, Any]) -> Step:
        return Step(what, "PATCH", f"{jobs}/indexed/status", {"status": body}, MERGE, fields=INVALID)
    return (
        Step("an indexed job", "POST", jobs, {"metadata": {"name": "indexed"}, "spec": {
            "completions": 5, "parallelism": 1, "completionMode": "Indexed", "backoffLimitPerIndex": 1,
            "template": {"spec": {"restartPolicy": "Never", "containers": [{"name": "c", "image": "busybox"}]}}}},
             fields=("code",)),
        status("completed indexes not in order", {"completedIndexes": "2,0-1"}),
        status("completed indexes past the completions", {"completedIndexes": "1-7"}),
        status("completed indexes that are no numbers, and failed ones of three parts",
               {"completedIndexes": "a", "failedIndexes": "1-2-3"}),
        status("failed indexes that are completed too", {"completedIndexes": "0-2,4", "failedIndexes": "3-4"}),
        status("and apart", {"completedIndexes": "0-2", "failedIndexes": "3,4"}),
        Step("its whole status written without its labels: they are its template's again", "PUT",
             f"{jobs}/indexed/status", {"metadata": {"name": "indexed"}, "spec": {
                 "completions": 5, "completionMode": "Indexed", "backoffLimitPerIndex": 1, "template": {"spec": {
                     "restartPolicy": "Never", "containers": [{"name": "c", "image": "busybox"}]}}},
                 "status": {"active": 1}}, fields=("code", "metadata.labels", "status")),
    )


def _made_by_status(ns: str) -> tuple[Step, ...]:
    """A Service a PUT to its status made (the status store has no allocators) has no cluster IP, and an update
    of it allocates none: only a Service that needed none before (an ExternalName) gets one."""
    services = f"/api/v1/namespaces/{ns}/services"
    service = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "by-status"},
               "spec": {"ports": [{"port": 80}]}}
    shown = ("code", "spec.clusterIP", "spec.ipFamilies", "spec.ipFamilyPolicy")
    return (
        Step("a service made through its status", "PUT", f"{services}/by-status/status", service, fields=shown),
        Step("patched: its families set, still no cluster IP", "PATCH", f"{services}/by-status",
             {"metadata": {"labels": {"a": "b"}}}, MERGE, fields=shown),
        Step("the service gone", "DELETE", f"{services}/by-status", fields=("code",)),
    )


def _time_forms(ns: str) -> tuple[Step, ...]:
    """A time is read as Go reads it and written back in UTC, to the second (a MicroTime to the microsecond):
    the Python client's `isoformat()` (`+00:00` and microseconds), an offset, a comma, a one-digit hour, an offset
    of 24 hours; Go's zero time is written as null."""
    events, pods = f"/api/v1/namespaces/{ns}/events", f"/api/v1/namespaces/{ns}/pods"
    jobs = f"/apis/batch/v1/namespaces/{ns}/jobs"
    times = ("code", "firstTimestamp", "lastTimestamp", "eventTime")
    applied = json.dumps({"apiVersion": "v1", "kind": "Event", "metadata": {"name": "iso"},
                          "involvedObject": {"namespace": ns}, "reason": "R",
                          "firstTimestamp": "2026-12-07T04:00:00-05:00"})

    def event(name: str, **fields: str) -> dict[str, Any]:
        return {"metadata": {"name": name}, "involvedObject": {"namespace": ns}, "reason": "R", **fields}
    return (
        Step("an isoformat() time and an offset", "POST", events, event(
            "iso", firstTimestamp="2026-12-07T09:00:00.123456+00:00", lastTimestamp="2026-12-07T10:00:00+01:00"),
             fields=times),
        Step("a comma, a one-digit hour", "POST", events, event(
            "comma", firstTimestamp="2026-12-07T09:00:00,5Z", lastTimestamp="2026-12-07T9:00:00Z"),
             query="dryRun=All", fields=times),
        Step("an offset of 24 hours, the zero time in an offset", "POST", events, event(
            "far", firstTimestamp="2026-12-07T09:00:00+24:00", lastTimestamp="0001-01-01T01:00:00+01:00"),
             query="dryRun=All", fields=times),
        Step("a MicroTime with an offset", "POST", events, event(
            "micro", eventTime="2026-12-07T10:00:00.123456+01:00", reportingComponent="a", reportingInstance="b",
            action="x"), query="dryRun=All", fields=times),
        Step("a merge patch's time", "PATCH", f"{events}/iso", {"lastTimestamp": "2026-12-07T10:00:00.5+01:00"},
             MERGE, fields=times),
        Step("the same instant applied in another form: a conflict (the field manager compares the text)", "PATCH",
             f"{events}/iso", applied, APPLY, query="fieldManager=t", fields=("code", "message")),
        Step("forced", "PATCH", f"{events}/iso", applied, APPLY, query="fieldManager=t&force=true", fields=times),
        Step("the zero time sent: no time.Time{} to a new-API event's validation, which wants none", "POST",
             f"/apis/events.k8s.io/v1/namespaces/{ns}/events", {
                 "metadata": {"name": "zero"}, "eventTime": "2026-01-01T00:00:00.000000Z", "action": "a",
                 "reportingController": "example.com/c", "reportingInstance": "i", "reason": "r", "type": "Normal",
                 "regarding": {"kind": "Pod", "name": "p", "namespace": ns},
                 "deprecatedFirstTimestamp": "0001-01-01T00:00:00Z"}, query="dryRun=All", fields=INVALID),
        Step("a job", "POST", jobs, _job("timed"), fields=("code",)),
        Step("its completion time the zero time: set to the status strategy, printed as JSON (null)", "PATCH",
             f"{jobs}/timed/status", {"status": {"completionTime": "0001-01-01T00:00:00Z"}}, MERGE, fields=INVALID),
        Step("its start time the zero time: written null", "PATCH", f"{jobs}/timed/status",
             {"status": {"startTime": "0001-01-01T00:00:00Z"}}, MERGE, query="dryRun=All",
             fields=("code", "status")),
        Step("the job gone", "DELETE", f"{jobs}/timed", query="propagationPolicy=Background", fields=("code",)),
        Step("a pod", "POST", pods, _pod("timed"), fields=("code",)),
        Step("its status's times, as a Python controller sends them", "PATCH", f"{pods}/timed/status",
             {"status": {"startTime": "2026-12-07T10:00:00+01:00", "conditions": [
                 {"type": "Ready", "status": "True", "lastProbeTime": "2026-12-07T09:00:00.123456+00:00"}]}}, SMP,
             fields=("code", "status.startTime", "status.conditions")),
        Step("the pod gone", "DELETE", f"{pods}/timed", query="gracePeriodSeconds=0", fields=("code",)),
    )


def _number_literals(ns: str) -> tuple[Step, ...]:
    """A number written with a fraction or an exponent (Python's json.dumps of a float: `2.0`) is refused for an
    integer field however whole, quoted as written; a merge or JSON patch keeps it as written, a strategic
    merge patch makes it whole; a quantity reads the text (`1e9` stays `1e9`)."""
    deploys, pods = f"/apis/apps/v1/namespaces/{ns}/deployments", f"/api/v1/namespaces/{ns}/pods"
    deploy = json.dumps(_deploy("lit")).replace('"replicas": 1', '"replicas": 2.0')
    assert "2.0" in deploy
    return (
        Step("replicas 2.0", "POST", deploys, deploy, query="dryRun=All", fields=INVALID),
        Step("a deadline of 1e3", "POST", deploys, deploy.replace("2.0", "1, \"progressDeadlineSeconds\": 1e3"),
             query="dryRun=All", fields=INVALID),
        Step("a target port of 8080.0 (an int-or-string)", "POST", f"/api/v1/namespaces/{ns}/services",
             '{"metadata": {"name": "lit"}, "spec": {"ports": [{"port": 80, "targetPort": 8080.0}]}}',
             query="dryRun=All", fields=INVALID),
        Step("quantities of 1.0 and 1e9", "POST", pods, '{"metadata": {"name": "lit"}, "spec": {"containers": ['
             '{"name": "c", "image": "i", "resources": {"limits": {"cpu": 1.0, "memory": 1e9}}}]}}',
             query="dryRun=All", fields=("code", "spec.containers")),
        Step("YAML's 2.0 and 6e2: through float64, whole, taken", "POST", deploys,
             yaml.safe_dump(_deploy("lit")).replace("replicas: 1", "replicas: 2.0\n  progressDeadlineSeconds: 6e2"),
             "application/yaml", query="dryRun=All", fields=("code", "spec.replicas", "spec.progressDeadlineSeconds")),
        Step("a group ID past an int32 in a list of int64s", "POST", pods, {"metadata": {"name": "lit"}, "spec": {
            "securityContext": {"supplementalGroups": [2**40]}, "containers": [{"name": "c", "image": "i"}]}},
             query="dryRun=All", fields=("code", "spec.securityContext")),
        Step("one of 2.0 there: refused as an int64's", "POST", pods, '{"metadata": {"name": "lit"}, "spec": {'
             '"securityContext": {"supplementalGroups": [2.0]}, "containers": [{"name": "c", "image": "i"}]}}',
             query="dryRun=All", fields=INVALID),
        Step("a deployment", "POST", deploys, _deploy("lit"), fields=("code",)),
        Step("a merge patch of 3e0: the patched object quoted with it", "PATCH", f"{deploys}/lit",
             '{"spec": {"replicas": 3e0}}', MERGE, fields=INVALID),
        Step("a JSON patch of 4.0", "PATCH", f"{deploys}/lit",
             '[{"op": "replace", "path": "/spec/replicas", "value": 4.0}]', JSONP, fields=INVALID),
        Step("a strategic merge patch of 2.0: whole", "PATCH", f"{deploys}/lit", '{"spec": {"replicas": 2.0}}', SMP,
             fields=("code", "spec.replicas")),
        Step("a JSON patch's test of 1e0 against 1.0: their text differs", "PATCH", f"{deploys}/lit",
             '[{"op": "add", "path": "/metadata/x", "value": 1e0}, '
             '{"op": "test", "path": "/metadata/x", "value": 1.0}]', JSONP, fields=("code", "reason", "message")),
        Step("the deployment gone", "DELETE", f"{deploys}/lit", fields=("code",)),
    )


def _base64_forms(ns: str) -> tuple[Step, ...]:
    """Bytes are decoded and written again: Python's `base64.encodebytes` breaks lines (and ends with one), a last
    character's unused bits may be set; the apiserver answers the canonical form, the field manager compares the
    text sent."""
    secrets = f"/api/v1/namespaces/{ns}/secrets"
    lines = base64.encodebytes(b"x" * 100).decode()
    assert lines.count("\n") == 2
    applied = json.dumps({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "b64"},
                          "data": {"a": "aGVsbG8=\n"}})
    return (
        Step("a secret's data with line breaks and unused bits set", "POST", secrets, {
            "metadata": {"name": "b64"}, "data": {"a": lines, "b": "aGVsbG9=", "c": "aGVs\r\nbG8="}},
             fields=("code", "data")),
        Step("bad base64 before a type error: noted first, reported", "POST", secrets,
             '{"metadata": {"name": "b64"}, "data": {"a": "!", "b": 5}, "type": 5}', query="dryRun=All",
             fields=("code", "message")),
        Step("a configmap's binary data so", "POST", f"/api/v1/namespaces/{ns}/configmaps", {
            "metadata": {"name": "b64"}, "binaryData": {"a": lines, "b": "aGVsbG9="}}, query="dryRun=All",
             fields=("code", "binaryData")),
        Step("a merge patch so", "PATCH", f"{secrets}/b64", {"data": {"d": "aGV\nsbG9="}}, MERGE,
             fields=("code", "data")),
        Step("the same bytes applied in another form: a conflict", "PATCH", f"{secrets}/b64", applied, APPLY,
             query="fieldManager=t", fields=("code", "message")),
        Step("forced", "PATCH", f"{secrets}/b64", applied, APPLY, query="fieldManager=t&force=true",
             fields=("code", "data")),
        Step("a request quoted canonical in its refusal", "POST",
             "/apis/certificates.k8s.io/v1/certificatesigningrequests", {"metadata": {"name": f"{ns}-b64"}, "spec": {
                 "request": "aGVsbG9=\n", "signerName": "example.com/x", "usages": ["digital signature"]}},
             query="dryRun=All", fields=INVALID),
        Step("the secret gone", "DELETE", f"{secrets}/b64", fields=("code",)),
    )


def _element_order(ns: str) -> tuple[Step, ...]:
    """A strategic merge patch's `$setElementOrder/<field>` (kubectl's client-side apply sends one for each merged
    list it changes): the elements it names in its order, the server's others in theirs, interleaved by their
    place on the server; lists of maps by their merge key, a list of strings by value, nested lists too."""
    deploys = f"/apis/apps/v1/namespaces/{ns}/deployments"
    made = {**copy.deepcopy(_deploy("ordered")), "metadata": {"name": "ordered", "finalizers": ["x.io/a", "x.io/b"]}}
    made["spec"]["template"]["spec"] = {"containers": [
        {"name": "a", "image": "i", "env": [{"name": "X", "value": "1"}, {"name": "Y", "value": "2"}],
         "ports": [{"containerPort": 80}, {"containerPort": 81}]}, {"name": "b", "image": "i"}]}
    shown = ("code", "metadata.finalizers", "spec.template.spec.containers")

    def pod_spec(**fields: Any) -> dict[str, Any]:
        return {"spec": {"template": {"spec": fields}}}
    return (
        Step("a deployment of two containers", "POST", deploys, made, fields=shown),
        Step("its containers reordered, one changed", "PATCH", f"{deploys}/ordered", pod_spec(**{
            "$setElementOrder/containers": [{"name": "b"}, {"name": "a"}],
            "containers": [{"name": "a", "image": "n"}]}), SMP, fields=shown),
        Step("an env var added first, the others reversed", "PATCH", f"{deploys}/ordered", pod_spec(containers=[
            {"name": "a", "$setElementOrder/env": [{"name": "Z"}, {"name": "Y"}, {"name": "X"}],
             "env": [{"name": "Z", "value": "3"}]}]), SMP, fields=shown),
        Step("a container added first", "PATCH", f"{deploys}/ordered", pod_spec(**{
            "$setElementOrder/containers": [{"name": "c"}, {"name": "a"}, {"name": "b"}],
            "containers": [{"name": "c", "image": "i"}]}), SMP, fields=shown),
        Step("finalizers (strings) in a new order", "PATCH", f"{deploys}/ordered", {"metadata": {
            "$setElementOrder/finalizers": ["x.io/c", "x.io/b", "x.io/a"], "finalizers": ["x.io/c"]}}, SMP,
             fields=shown),
        Step("ports reordered, by a number", "PATCH", f"{deploys}/ordered", pod_spec(containers=[
            {"name": "a", "$setElementOrder/ports": [{"containerPort": 81}, {"containerPort": 80}]}]), SMP,
             fields=shown),
        Step("a container deleted, one the order does not name kept after", "PATCH", f"{deploys}/ordered", pod_spec(**{
            "$setElementOrder/containers": [{"name": "b"}], "containers": [{"name": "c", "$patch": "delete"}]}),
             SMP, fields=shown),
        Step("an order for a list the patch sets to null: the patcher's type error, a 500", "PATCH",
             f"{deploys}/ordered", {"metadata": {"$setElementOrder/finalizers": ["x.io/a"], "finalizers": None}},
             SMP, fields=("code", "reason", "message")),
        Step("an order that is no list", "PATCH", f"{deploys}/ordered", {"metadata": {
            "$setElementOrder/finalizers": "x.io/a", "finalizers": ["x.io/d"]}}, SMP,
             fields=("code", "reason", "message")),
        Step("its finalizers gone", "PATCH", f"{deploys}/ordered", {"metadata": {"finalizers": None}}, MERGE,
             fields=("code",)),
        Step("the deployment gone", "DELETE", f"{deploys}/ordered", fields=("code",)),
    )


def _patch_directives(ns: str) -> tuple[Step, ...]:
    """A strategic merge patch's directives as mergeMap reads them: a `$patch` neither replace nor delete (a
    list's item's not merge either) is the handler's 500 in ErrBadPatchType's words (its %s, the map's %v), a
    `$retainKeys` not a list its 400; a map holding `$patch` where the object has no value, or one of another
    type, is no value."""
    deploys = f"/apis/apps/v1/namespaces/{ns}/deployments"
    made = {**_DEPLOYMENT, "metadata": {"name": "directives"}}
    containers = {"$patch": "replace"}
    patches = [("an unknown directive", {"$patch": "a<b"}), ("a number", {"metadata": {"$patch": 2.5}}),
               ("a map", {"metadata": {"labels": {"$patch": {"a": 1}}}}),
               ("an item's unknown directive", {"spec": {"template": {"spec": {"containers": [
                   {"name": "c", "$patch": "bogus"}]}}}}),
               ("an item's merge", {"spec": {"template": {"spec": {"containers": [
                   {"name": "c", "$patch": "merge"}]}}}}),
               ("retained keys not a list", {"spec": {"strategy": {"$retainKeys": "type"}}}),
               ("a replaced map the object has not", {"metadata": {"annotations": {"$patch": "replace", "z": "1"}}}),
               ("a replaced map where the object has a list", {"spec": {"template": {"spec": {
                   "containers": containers}}}})]
    return (Step("a deployment", "POST", deploys, made, fields=("code",)),
            *[Step(f"a strategic merge patch with {what}", "PATCH", f"{deploys}/directives", patch, SMP,
                   query="dryRun=All", fields=("code", "reason", "message", "metadata.annotations"))
              for what, patch in patches])


def _patch_strategies(ns: str) -> tuple[Step, ...]:
    """A strategic merge patch merges the lists whose Go field has a patch strategy, of the type the request
    names: a list of the same name elsewhere is replaced whole (a CertificateSigningRequest's conditions, an
    EndpointSlice's ports), and lists of other names merge (a Node's podCIDRs, a set of strings)."""
    csrs, slices = "/apis/certificates.k8s.io/v1/certificatesigningrequests", \
        f"/apis/discovery.k8s.io/v1/namespaces/{ns}/endpointslices"
    csr = {"metadata": {"name": f"{ns}-strategies"}, "spec": {
        "request": random_writes.csr_b64("request-ec"), "signerName": "example.com/signer", "usages": ["client auth"]}}
    return (
        Step("a request", "POST", csrs, csr, fields=("code",)),
        Step("its conditions patched", "PATCH", f"{csrs}/{ns}-strategies/status", {"status": {"conditions": [
            {"type": "Failed", "status": "True", "lastUpdateTime": "2026-01-01T00:00:00Z"}]}}, SMP,
             fields=("code", "status")),
        Step("again, a condition without its key: replaced whole, not merged on it", "PATCH",
             f"{csrs}/{ns}-strategies/status",
             {"status": {"conditions": [{"status": "True", "reason": "R"}]}}, SMP, fields=INVALID),
        Step("the request gone", "DELETE", f"{csrs}/{ns}-strategies", fields=("code",)),
        Step("a slice with ports", "POST", slices, {"metadata": {"name": "strategies"}, "addressType": "IPv4",
                                                     "endpoints": [], "ports": [{"name": "a", "port": 80}]},
             fields=("code", "ports")),
        Step("its ports patched: replaced whole", "PATCH", f"{slices}/strategies", {"ports": [{"port": 81}]}, SMP,
             fields=("code", "ports")),
        Step("a node with two pod CIDRs", "POST", "/api/v1/nodes", {"metadata": {"name": f"{ns}-strategies"},
                                                                 "spec": {"podCIDRs": ["10.1.0.0/24", "fd00::/64"]}},
             fields=("code", "spec")),
        Step("one patched: merged, so unchanged (replaced, a change the node's validation forbids)", "PATCH",
             f"/api/v1/nodes/{ns}-strategies", {"spec": {"podCIDRs": ["10.1.0.0/24"]}}, SMP, query="dryRun=All",
             fields=("code", "message", "spec")),
        Step("the node gone", "DELETE", f"/api/v1/nodes/{ns}-strategies", fields=("code",)),
    )


def _repeated_keys(ns: str) -> tuple[Step, ...]:
    """A key a JSON body repeats is decoded into the field as the earlier value left it (gorepeats.py): a struct
    (or a pointer to one already set) and a map take the later one's fields and entries over their own, a list or
    a scalar is replaced, a later null empties a pointer, a map or a list and leaves a struct or a scalar; under
    fieldValidation=Strict each repeat is refused where the decoder meets it, after what the first value held."""
    pods, cms = f"/api/v1/namespaces/{ns}/pods", f"/api/v1/namespaces/{ns}/configmaps"
    pod = ('{"metadata": {"name": "repeated"}, "metadata": {"labels": {"a": "1"}}, "spec": {"containers": ['
           '{"name": "c", "image": "i", "resources": {"limits": {"cpu": "1"}}, "resources": {"limits": '
           '{"memory": "1Gi"}, "requests": {"cpu": "1"}}, "ports": [{"containerPort": 80}], "ports": []}], '
           '"securityContext": {"runAsUser": 5}, "terminationGracePeriodSeconds": 5, "nodeSelector": {"x": "1"}}, '
           '"spec": {"securityContext": {"runAsGroup": 6}, "terminationGracePeriodSeconds": null, '
           '"nodeSelector": {"y": "2"}, "hostname": "h", "hostname": null}}')
    fields = ("code", "metadata.name", "metadata.labels", "spec")
    return (
        Step("a pod whose keys repeat at each depth", "POST", pods, pod, query="dryRun=All", fields=fields),
        Step("a pointer emptied by a later null", "POST", pods, pod.replace('"runAsGroup": 6}', '"runAsGroup": 6}, '
             '"securityContext": null'), query="dryRun=All", fields=fields),
        Step("under fieldValidation=Strict: each repeat where the decoder meets it", "POST", pods, pod.replace(
            '"labels": {"a": "1"}', '"labels": {"a": "1"}, "bogus": 1, "name": "again"').replace(
            '"name": "repeated"}', '"name": "repeated", "bogus": 2}'), query="dryRun=All&fieldValidation=Strict",
             fields=INVALID),
        Step("a config map", "POST", cms, _cm("repeated"), fields=("code",)),
        Step("put with its data repeated: the maps' entries merged, a later null a nil map", "PUT",
             f"{cms}/repeated", '{"metadata": {"name": "repeated"}, "data": {"a": "1"}, "data": {"b": "2"}, '
             '"binaryData": {"c": "YQ=="}, "binaryData": null}', fields=("code", "data", "binaryData")),
        Step("the config map gone", "DELETE", f"{cms}/repeated", fields=("code",)),
    )


def _cel_syntax(ns: str) -> tuple[Step, ...]:
    """An admission policy's and a webhook's CEL is compiled: what its syntax refuses is said in cel-go's words
    (ANTLR's): Python's `and`, a quantity's suffix, a `;` or a lone `=`, an expression cut short; each field
    compiles its own text, trimmed or as given; an expression that parses is taken whatever this subset reads."""
    rules = {"resourceRules": [{"operations": ["CREATE"], "apiGroups": [""], "apiVersions": ["v1"],
                                "resources": ["pods"]}]}
    policy = {"metadata": {"name": f"{ns}-cel"}, "spec": {
        "matchConstraints": rules,
        "matchConditions": [{"name": "a", "expression": " has(object.spec) and true "}],
        "variables": [{"name": "v", "expression": "1Gi"}],
        "validations": [{"expression": "x = 1", "messageExpression": " 'a' 'b'"},
                        {"expression": "object.spec.replicas >", "reason": "Invalid"},
                        {"expression": "quantity('1Gi').isGreaterThan(quantity('1')) // a comment"}],
        "auditAnnotations": [{"key": "k", "valueExpression": "  size(object.metadata.name) < 10 ;"}]}}
    hooks = {"metadata": {"name": f"{ns}-cel"}, "webhooks": [{
        "name": "a.example.com", "clientConfig": {"url": "https://x.example.com"}, "sideEffects": "None",
        "admissionReviewVersions": ["v1"], "matchConditions": [{"name": "m", "expression": "true true # c"}]}]}
    mutating = {"metadata": {"name": f"{ns}-cel"}, "spec": {
        "matchConstraints": rules, "reinvocationPolicy": "Never", "mutations": [
            {"patchType": "JSONPatch", "jsonPatch": {"expression": " 1 2 3 "}}]}}
    admission = "/apis/admissionregistration.k8s.io/v1"
    return (
        Step("a validating policy's expressions, each field's", "POST", f"{admission}/validatingadmissionpolicies",
             policy, query="dryRun=All", fields=INVALID),
        Step("a webhook's match condition", "POST", f"{admission}/validatingwebhookconfigurations", hooks,
             query="dryRun=All", fields=INVALID),
        Step("a mutating policy's patch", "POST", f"{admission}/mutatingadmissionpolicies", mutating,
             query="dryRun=All", fields=INVALID),
    )


def _cel_references(ns: str) -> tuple[Step, ...]:
    """What an admission policy's, a webhook's and a device selector's CEL names is compiled against its
    variables: one not declared (a typo, `params` without a parameter kind, `variables` where none are declared
    or in a match condition, `self`) is refused where it stands, a variable read before it is declared is an
    undefined field of `variables`; the request's variables and a comprehension's are taken, and the libraries
    the environment has (strings, a device selector's cel.bind; not math, base64 or regex), and bytes literals."""
    rules = {"resourceRules": [{"operations": ["CREATE"], "apiGroups": [""], "apiVersions": ["v1"],
                                "resources": ["pods"]}]}
    admission = "/apis/admissionregistration.k8s.io/v1"
    good = {"metadata": {"name": f"{ns}-refs-ok"}, "spec": {
        "paramKind": {"apiVersion": "v1", "kind": "ConfigMap"}, "matchConstraints": rules,
        "matchConditions": [{"name": "m", "expression": "params != null && namespaceObject != null"}],
        "variables": [{"name": "a", "expression": "object.metadata.name"},
                      {"name": "b", "expression": "variables.a.size() + 1"}],
        "validations": [{"expression": "variables.b > 0 && [1, 2].all(i, i > 0) && [3].exists_one(k, k == 3) && "
                                       "b'a' == b'a' && strings.quote(variables.a) != ''",
                         "messageExpression": "'x: ' + variables.a"}],
        "auditAnnotations": [{"key": "k", "valueExpression": "string(authorizer != null)"}]}}
    bad = {"metadata": {"name": f"{ns}-refs"}, "spec": {
        "matchConstraints": rules,
        "matchConditions": [{"name": "m", "expression": "objct.startsWith('a') || params != null"}],
        "variables": [{"name": "a", "expression": "variables.b"}, {"name": "b", "expression": "1"}],
        "validations": [{"expression": "self.x == 1 && size(q) > 0", "messageExpression": "foo"},
                        {"expression": "[1, 2].all(i, i > j)"},
                        {"expression": "math.abs(-1) > 0 && cel.bind(n, 1, n > 0) && base64.encode(b'a') != ''"},
                        {"expression": "regex.replace('a', 'b', 'c') == '' && 'abc'.find('b') == 'b'"}],
        "auditAnnotations": [{"key": "k", "valueExpression": "has(objct.spec)"}]}}
    hooks = {"metadata": {"name": f"{ns}-refs"}, "webhooks": [{
        "name": "a.example.com", "clientConfig": {"url": "https://x.example.com"}, "sideEffects": "None",
        "admissionReviewVersions": ["v1"], "matchConditions": [
            {"name": "m", "expression": "params != null || variables != null"},
            {"name": "n", "expression": "namespaceObject != null && request != null"}]}]}
    selectors = [{"cel": {"expression": e}} for e in ("devce.driver == 'x'", "device.driver == 'x'", "b || a",
                                                      "cel.bind(d, device.driver, d == 'x')", "math.abs(-1) > 0")]
    return (
        Step("a policy naming what it declares", "POST", f"{admission}/validatingadmissionpolicies", good,
             query="dryRun=All", fields=INVALID),
        Step("a policy naming what it does not", "POST", f"{admission}/validatingadmissionpolicies", bad,
             query="dryRun=All", fields=INVALID),
        Step("a webhook's match conditions naming a policy's variables", "POST",
             f"{admission}/validatingwebhookconfigurations", hooks, query="dryRun=All", fields=INVALID),
        Step("device selectors naming another variable", "POST", "/apis/resource.k8s.io/v1/deviceclasses",
             {"metadata": {"name": f"{ns}-refs"}, "spec": {"selectors": selectors}}, query="dryRun=All",
             fields=INVALID),
    )


def _go_read_texts(ns: str) -> tuple[Step, ...]:
    """Texts Go's own readers refuse, in their words: cel-go's lexer (a control character, a letter beyond ASCII,
    a space it does not skip: `token recognition error`s; a comment ends at a line feed only), net/url's Parse
    (a control character, a bad port, escape or host character: the webhook URL's Required), a CronJob's time
    zone, a *string its errors print as encoding/json does, and its schedule (robfig/cron's words around
    strconv's quote and the time package's own), and a time (time.Parse's, around the time package's quote)."""
    expressions = ["a<b\x01", "\x01", "'abc' + \u00e9", "1 \x0b+ 2", "x\u00a0y", "true // c\rfalse", "\u0661"]
    urls = ["https://h/\x01", "://x", "1a:b/c", "https://h:x/", "https://a b/", "https://h/%zz", "https://h%41/",
            "https://[::1/", "https://[::1]:x/", "https://h/p#%zz", "https://h|x/", "https://h:/"]
    hooks = {"metadata": {"name": f"{ns}-urls"}, "webhooks": [
        {"name": f"u{i}.example.com", "clientConfig": {"url": url}, "sideEffects": "None",
         "admissionReviewVersions": ["v1"]} for i, url in enumerate(urls)]}
    job = {"spec": {"template": {"spec": {"restartPolicy": "Never", "containers": [{"name": "c", "image": "i"}]}}}}
    return (
        Step("a device class's selectors the CEL lexer cannot read", "POST", "/apis/resource.k8s.io/v1/deviceclasses",
             {"metadata": {"name": f"{ns}-lexed"}, "spec": {"selectors": [{"cel": {"expression": e}}
                                                                         for e in expressions]}},
             query="dryRun=All", fields=INVALID),
        Step("webhook URLs url.Parse refuses", "POST",
             "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations", hooks, query="dryRun=All",
             fields=INVALID),
        Step("a cron job's odd time zone", "POST", f"/apis/batch/v1/namespaces/{ns}/cronjobs",
             {"metadata": {"name": "tz"}, "spec": {"schedule": "* * * * *", "timeZone": "a<b\x01",
                                                   "jobTemplate": job}}, query="dryRun=All", fields=INVALID),
        *[Step(f"a cron job's schedule {schedule!r}, as strconv and time quote it", "POST",
               f"/apis/batch/v1/namespaces/{ns}/cronjobs", {"metadata": {"name": "odd"}, "spec": {
                   "schedule": schedule, "jobTemplate": job}}, query="dryRun=All", fields=INVALID)
          for schedule in ("* * * * *\x01", "@every 5x\x01", "@every .m", "@every 1\u00e9")],
        *[Step(f"a lease renewed at {when!r}, as the time package quotes it", "POST",
               f"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases", {"metadata": {"name": "odd"}, "spec": {
                   "renewTime": when}}, query="dryRun=All", fields=INVALID)
          for when in ("\u00e92026", "\x01", "2026-01-01T00:00:00.000000Z\u00e9")],
    )


def _empty_lists_in_lists(ns: str) -> tuple[Step, ...]:
    """An empty list or map sent inside an item of a list the field manager compares whole (reflect.DeepEqual
    of Go values) is not the nil one storage holds: an update that changes nothing its JSON shows still changes
    that list (and the atomic struct around it) for the field manager, a new version; one in an item of a keyed
    list (a container's `command`) is no change."""
    deploys = f"/apis/apps/v1/namespaces/{ns}/deployments"
    fields = ("code", "metadata.managedFields")

    def deploy(values: bool = False, terms: bool = False, command: bool = False) -> dict[str, Any]:
        expression = {"key": "k", "operator": "Exists", **({"values": []} if values else {})}
        selector = {"matchLabels": {"q": "r"}, **({"matchExpressions": []} if terms else {})}
        container = {"name": "c", "image": "nginx", **({"command": []} if command else {})}
        affinity = {"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
            {"topologyKey": "t", "labelSelector": selector}]}}
        return {**_deploy("empties"), "spec": {**_DEPLOYMENT["spec"], "selector": {
            "matchLabels": {"app": "web"}, "matchExpressions": [expression]}, "template": {
            "metadata": {"labels": {"app": "web", "k": "v"}}, "spec": {"containers": [container],
                                                                      "affinity": affinity}}}}
    at = f"{deploys}/empties"
    expression = {"spec": {"selector": {"matchExpressions": [{"key": "k", "operator": "Exists", "values": []}]}}}
    return (
        Step("a deployment of a selector expression and an affinity term", "POST", deploys, deploy(),
             query="fieldManager=a", fields=fields),
        Step("the same with its expression's values []", "PUT", at, deploy(values=True), query="fieldManager=b",
             fields=fields),
        Step("the same with a container's command [] (a keyed list's item: no change)", "PUT", at,
             deploy(command=True), query="fieldManager=c", fields=fields),
        Step("a merge patch of values []", "PATCH", at, expression, MERGE, query="fieldManager=d", fields=fields),
        Step("a strategic merge patch of values []", "PATCH", at, expression, SMP, query="fieldManager=e",
             fields=fields),
        Step("a JSON patch adding values []", "PATCH", at, [
            {"op": "add", "path": "/spec/selector/matchExpressions/0/values", "value": []}], JSONP,
             query="fieldManager=f", fields=fields),
        Step("an affinity term's selector with matchExpressions []", "PUT", at, deploy(terms=True),
             query="fieldManager=g", fields=fields),
        Step("the deployment gone", "DELETE", at, fields=("code",)),
    )


def _quantity_texts(ns: str) -> tuple[Step, ...]:
    """A quantity inside a list the field manager compares whole (a LimitRange's limits) is compared as Go holds
    it, ParseQuantity's result of the text sent, against the one storage parses from the canonical text: `0.5`,
    `0.50`, `1000m` and `2048Mi` (which keep no text, or other digits) change the limits though the JSON shows
    `500m`, `1` and `2Gi` again; `500m`, a number 1 and `204800Ki` (the same int64 amount as `200Mi`, neither
    text kept) do not."""
    ranges = f"/api/v1/namespaces/{ns}/limitranges"
    fields = ("code", "spec", "metadata.managedFields")

    def limits(cpu: Any, memory: str) -> dict[str, Any]:
        return {"spec": {"limits": [{"type": "Container", "max": {"cpu": cpu, "memory": memory}}]}}
    named = {"metadata": {"name": "texts"}}
    steps = [Step("a limit range", "POST", ranges, {**named, **limits("500m", "200Mi")}, query="fieldManager=a",
                  fields=fields)]
    for i, (cpu, memory, how) in enumerate((  # (each the stored amounts again, but for the fifth)
            ("500m", "200Mi", MERGE), ("0.5", "200Mi", "PUT"), ("500m", "204800Ki", MERGE), ("0.50", "200Mi", "PUT"),
            ("0.5", "200Mi", SMP), ("0.5", "200Mi", JSONP), ("1", "2Gi", MERGE), ("1000m", "2Gi", "PUT"),
            (1, "2048Mi", MERGE), (1, "2Gi", MERGE))):
        manager = f"fieldManager=m{i}"
        if how == "PUT":
            steps.append(Step(f"the same sent again, cpu {cpu} and memory {memory}", "PUT", f"{ranges}/texts",
                              {**named, **limits(cpu, memory)}, query=manager, fields=fields))
        elif how == JSONP:
            replaced = {"op": "replace", "path": "/spec/limits", "value": limits(cpu, memory)["spec"]["limits"]}
            steps.append(Step(f"a JSON patch of cpu {cpu} and memory {memory}", "PATCH", f"{ranges}/texts",
                              [replaced], JSONP, query=manager, fields=fields))
        else:
            steps.append(Step(f"a patch of cpu {cpu} and memory {memory} ({how})", "PATCH", f"{ranges}/texts",
                              limits(cpu, memory), how, query=manager, fields=fields))
    hpas = f"/apis/autoscaling/v2/namespaces/{ns}/horizontalpodautoscalers"

    def autoscaler(value: Any) -> dict[str, Any]:
        return {"metadata": {"name": "texts"}, "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "d"}, "maxReplicas": 5,
            "metrics": [{"type": "Resource", "resource": {"name": "memory", "target": {
                "type": "AverageValue", "averageValue": value}}}]}}
    # (a target is behind a pointer: the stored one, as the watch cache holds it, keeps its canonical text once
    # encoded, so even `256Mi`, which the parser keeps no text of, differs; `1Gi`, which it keeps, does not. A
    # list first waits for the watch cache to hold the last write: an update the cache has not seen yet is made
    # over the object as etcd holds it, whose text was never kept)
    synced = Step("the autoscalers (the watch cache holds the last write)", "GET", hpas, fields=("code",))
    # (`1073741824`, kept as written, is `1Gi` to the strategy's Semantic.DeepEqual: no new generation)
    targets = [Step(f"an autoscaler's target sent again as {value}", "PUT", f"{hpas}/texts", autoscaler(value),
                    query=f"fieldManager=h{i}", fields=("code", "metadata.managedFields", "metadata.generation"))
               for i, value in enumerate(("256Mi", "256Mi", "0.25Gi", "1Gi", "1Gi", "1024Mi", "1073741824"))]
    return (*steps, Step("the limit range gone", "DELETE", f"{ranges}/texts", fields=("code",)),
            Step("an autoscaler", "POST", hpas, autoscaler("256Mi"), query="fieldManager=a",
                 fields=("code", "metadata.managedFields")), synced, targets[0], synced, *targets[1:3],
            Step("its target 1Gi", "PATCH", f"{hpas}/texts", {"spec": {"metrics": autoscaler("1Gi")["spec"][
                "metrics"]}}, MERGE, query="fieldManager=a", fields=("code", "metadata.managedFields")), *targets[3:],
            Step("the autoscaler gone", "DELETE", f"{hpas}/texts", fields=("code",)), *_pod_quantity_texts(ns),
            *_status_go_values(ns), *_quantities_in_map_values(ns))


def _quantities_in_map_values(ns: str) -> tuple[Step, ...]:
    """A quantity in a struct that is a map's value (a ResourceSlice device's capacity, in an atomic list) is
    not addressable: encoding the stored object caches its text in a copy, so `200Mi` sent again (a text
    ParseQuantity keeps none of) is no change there, unlike an autoscaler's target; `1024Mi` for `1Gi` is."""
    slices = "/apis/resource.k8s.io/v1/resourceslices"

    def published(value: str) -> dict[str, Any]:
        return {"metadata": {"name": f"{ns}-go-values"}, "spec": {
            "driver": "gpu.example.com", "pool": {"name": "p", "generation": 1, "resourceSliceCount": 1},
            "nodeName": "n", "devices": [{"name": "d", "capacity": {"memory": {"value": value}}}]}}
    synced = Step("the slices (the watch cache holds the last write)", "GET", slices, fields=("code",))
    sent = [Step(f"its devices sent by {manager} ({value})", "PUT", f"{slices}/{ns}-go-values", published(value),
                 query=f"fieldManager={manager}", fields=("code", "metadata.managedFields", "spec.devices"))
            for manager, value in (("b", "200Mi"), ("c", "1Gi"), ("d", "1024Mi"))]
    return (Step("a resource slice", "POST", slices, published("200Mi"), query="fieldManager=a", fields=("code",)),
            *(s for step in sent for s in (synced, step)),
            Step("the slice gone", "DELETE", f"{slices}/{ns}-go-values", fields=("code",)))


def _status_go_values(ns: str) -> tuple[Step, ...]:
    """A /status write's field manager compares the status sent as Go holds it too: a container status's
    `allocatedResources` sent as `0.5` (stored `500m`) or with `volumeMounts: []` (the list atomic), an
    autoscaler's current `averageValue` (behind a pointer) as `256Mi` again or `1024Mi`, each takes the list from
    its manager; `500m` and `1Gi` again do not. Each after a list, which waits for the watch cache (an update made
    before it holds the last version compares otherwise, on a busy machine)."""
    pods, hpas = f"/api/v1/namespaces/{ns}/pods", f"/apis/autoscaling/v2/namespaces/{ns}/horizontalpodautoscalers"
    fields = ("code", "metadata.managedFields", "status")

    def pod(cpu: str, **more: Any) -> dict[str, Any]:
        return {"metadata": {"name": "go-values"}, "spec": {"containers": [{"name": "c", "image": "nginx"}]},
                "status": {"phase": "Pending", "containerStatuses": [
                    {"name": "c", "ready": False, "restartCount": 0, "image": "nginx", "imageID": "",
                     "state": {"waiting": {"reason": "Starting"}}, "allocatedResources": {"cpu": cpu}, **more}]}}

    def autoscaler(value: str) -> dict[str, Any]:
        return {"metadata": {"name": "go-values"}, "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "d"}, "maxReplicas": 5},
            "status": {"currentReplicas": 1, "desiredReplicas": 1, "currentMetrics": [{"type": "Resource", "resource": {
                "name": "memory", "current": {"averageValue": value}}}]}}
    statuses = [Step(f"its status sent by {manager} ({why})", "PUT", f"{pods}/go-values/status", body,
                     query=f"fieldManager={manager}", fields=fields)
                for manager, why, body in (("a", "500m", pod("500m")), ("b", "0.5", pod("0.5")),
                                           ("c", "500m", pod("500m")), ("d", "volumeMounts: []",
                                                                        pod("500m", volumeMounts=[])))]
    synced = Step("the autoscalers (the watch cache holds the last write)", "GET", hpas, fields=("code",))
    current = [Step(f"its status sent by {manager} ({value})", "PUT", f"{hpas}/go-values/status", autoscaler(value),
                    query=f"fieldManager={manager}", fields=fields)
               for manager, value in (("a", "256Mi"), ("b", "256Mi"), ("c", "1Gi"), ("d", "1Gi"), ("e", "1024Mi"))]
    listed = Step("the pods (the watch cache holds the last write)", "GET", pods, fields=("code",))
    return (Step("a pod", "POST", pods, pod("500m"), fields=("code",)),
            *(s for step in statuses for s in (listed, step)),
            Step("the pod gone", "DELETE", f"{pods}/go-values", query="gracePeriodSeconds=0", fields=("code",)),
            Step("an autoscaler", "POST", hpas, autoscaler("256Mi"), fields=("code",)),
            *(s for step in current for s in (synced, step)),
            Step("the autoscaler gone", "DELETE", f"{hpas}/go-values", fields=("code",)))


def _pod_quantity_texts(ns: str) -> tuple[Step, ...]:
    """A pod's update compares its spec with Semantic.DeepEqual, a quantity by its amount: resources sent again
    as `1e0` and `1073741824` for `1` and `1Gi` are no change to refuse (and are stored as sent); `2` is."""
    pods = f"/api/v1/namespaces/{ns}/pods"

    def pod(cpu: str, memory: str) -> dict[str, Any]:
        amounts = {"cpu": cpu, "memory": memory}
        return {"metadata": {"name": "texts"}, "spec": {"containers": [
            {"name": "c", "image": "nginx", "resources": {"requests": amounts, "limits": amounts}}]}}
    fields = ("code", "spec.containers")
    return (Step("a pod", "POST", pods, pod("1", "1Gi"), fields=fields),
            Step("sent again with 1e0 and 1073741824", "PUT", f"{pods}/texts", pod("1e0", "1073741824"),
                 fields=fields),
            Step("a request patched to 1000m", "PATCH", f"{pods}/texts", {"spec": {"containers": [
                {"name": "c", "resources": {"requests": {"cpu": "1000m"}}}]}}, SMP, fields=fields),
            Step("sent with 2: refused", "PUT", f"{pods}/texts", pod("2", "1Gi"), fields=INVALID),
            Step("the pod gone", "DELETE", f"{pods}/texts", query="gracePeriodSeconds=0", fields=("code",)))


def _nil_conditions(ns: str) -> tuple[Step, ...]:
    """A refusal quotes a list the patch took away as Go prints a nil slice: `null`, not `[]`."""
    migrations = "/apis/storagemigration.k8s.io/v1/storageversionmigrations"
    succeeded = {"type": "Succeeded", "status": "True", "lastTransitionTime": "2026-01-01T00:00:00Z", "reason": "R",
                 "message": ""}
    return (
        Step("a migration", "POST", migrations, {"metadata": {"name": f"{ns}-done"}, "spec": {
            "resource": {"resource": "configmaps"}}}, fields=("code",)),
        Step("succeeded", "PATCH", f"{migrations}/{ns}-done/status", {"status": {"conditions": [succeeded]}}, MERGE,
             fields=("code",)),
        Step("its conditions taken away", "PATCH", f"{migrations}/{ns}-done/status",
             {"status": {"conditions": None}}, MERGE, fields=INVALID),
        Step("the migration gone", "DELETE", f"{migrations}/{ns}-done", fields=("code",)),
    )


def _limit_ranges(ns: str) -> tuple[Step, ...]:
    """The LimitRanger admission plugin (last in the sequence: it judges every pod and claim of the namespace
    while its LimitRange is there): containers' defaults and the annotation that says so, then the QoS class;
    a container's, a pod's and a claim's bounds (a claim's on update too), each a 403."""
    pods, claims = f"/api/v1/namespaces/{ns}/pods", f"/api/v1/namespaces/{ns}/persistentvolumeclaims"
    limits = [{"type": "Container", "default": {"cpu": "200m", "memory": "64Mi"}, "defaultRequest": {"cpu": "100m"},
               "min": {"cpu": "50m"}, "max": {"cpu": "1"}, "maxLimitRequestRatio": {"cpu": "4"}},
              {"type": "Pod", "max": {"memory": "1Gi"}},
              {"type": "PersistentVolumeClaim", "min": {"storage": "1Gi"}, "max": {"storage": "10Gi"}}]

    def claim(name: str, storage: str) -> dict[str, Any]:
        return {"metadata": {"name": name}, "spec": {"accessModes": ["ReadWriteOnce"],
                                                      "resources": {"requests": {"storage": storage}}}}

    def pod(name: str, **resources: Any) -> dict[str, Any]:
        return {"metadata": {"name": name}, "spec": {
            "initContainers": [{"name": "init", "image": "i"}],
            "containers": [{"name": "c", "image": "i", "resources": resources}, {"name": "d", "image": "i"}]}}
    shown = ("code", "metadata.annotations", "spec.initContainers", "spec.containers", "status.qosClass")
    return (
        Step("a claim below the minimum to come", "POST", claims, claim("small", "500Mi"), fields=("code",)),
        Step("a limit range", "POST", f"/api/v1/namespaces/{ns}/limitranges",
             {"metadata": {"name": "bounds"}, "spec": {"limits": limits}}, fields=("code", "spec")),
        Step("a pod without resources: the defaults, and the annotation that says so", "POST", pods, pod("bare"),
             fields=shown),
        Step("a pod with a cpu limit: its request from it, memory from the range", "POST", pods,
             pod("partial", limits={"cpu": "500m"}), fields=shown),
        Step("a container below the minimum, above the maximum and the ratio", "POST", pods,
             pod("out", requests={"cpu": "10m"}, limits={"cpu": "2"}), fields=INVALID),
        Step("a pod above the pod's maximum, as a dry run", "POST", pods,
             pod("big", requests={"memory": "2Gi"}, limits={"memory": "2Gi"}), query="dryRun=All", fields=INVALID),
        Step("a pod's container resized above the maximum", "PATCH", f"{pods}/partial/resize",
             {"spec": {"containers": [{"name": "c", "resources": {"limits": {"cpu": "2"}}}]}}, SMP,
             fields=INVALID),
        Step("a resize that drops a container's cpu limit: the range's default put back, below its request",
             "PATCH", f"{pods}/partial/resize",
             {"spec": {"containers": [{"name": "c", "resources": {"limits": {"cpu": None}}}]}}, SMP,
             fields=INVALID),
        Step("one that drops its memory limit: the default put back, the annotation as it was", "PATCH",
             f"{pods}/partial/resize",
             {"spec": {"containers": [{"name": "c", "resources": {"limits": {"memory": None}}}]}}, SMP,
             fields=("code", "metadata.annotations", "spec.containers")),
        Step("and within it", "PATCH", f"{pods}/partial/resize",
             {"spec": {"containers": [{"name": "c", "resources": {"limits": {"cpu": "800m"}}}]}}, SMP,
             fields=("code", "spec.containers")),
        Step("a claim below the minimum", "POST", claims, claim("tiny", "500Mi"), fields=INVALID),
        Step("a claim above the maximum", "POST", claims, claim("huge", "20Gi"), fields=INVALID),
        Step("a claim within", "POST", claims, claim("fits", "2Gi"), fields=("code",)),
        Step("the claim made before, labelled: judged on update too", "PATCH", f"{claims}/small",
             {"metadata": {"labels": {"a": "b"}}}, MERGE, fields=INVALID),
        Step("the limit range gone", "DELETE", f"/api/v1/namespaces/{ns}/limitranges/bounds", fields=("code",)),
    )


def _gated_validation(ns: str) -> tuple[Step, ...]:
    """What validation allows only with a feature on (off in 1.37), unless the stored object uses it: a
    toleration's comparison operators, a user-namespaced pod on the host's network, a StatefulSet's Recreate
    strategy."""
    pods = f"/api/v1/namespaces/{ns}/pods"

    def pod(name: str, **spec: Any) -> dict[str, Any]:
        return {"metadata": {"name": name}, "spec": {"containers": [{"name": "c", "image": "i"}], **spec}}
    return (
        Step("a toleration's Gt operator", "POST", pods, pod("gt", tolerations=[
            {"key": "k", "operator": "Gt", "value": "3", "effect": "NoSchedule"}]), query="dryRun=All",
             fields=INVALID),
        Step("a user-namespaced pod on the host's network", "POST", pods,
             pod("userns", hostUsers=False, hostNetwork=True), query="dryRun=All", fields=INVALID),
        Step("a StatefulSet's Recreate strategy", "POST", f"/apis/apps/v1/namespaces/{ns}/statefulsets",
             {"metadata": {"name": "recreate"}, "spec": {"selector": {"matchLabels": {"a": "b"}}, "serviceName": "s",
                                                         "updateStrategy": {"type": "Recreate"}, "template": {
                 "metadata": {"labels": {"a": "b"}}, "spec": {"containers": [{"name": "c", "image": "i"}]}}}},
             query="dryRun=All", fields=INVALID),
    )


def _hook_handlers(ns: str) -> tuple[Step, ...]:
    """A lifecycle hook's handler validated as a probe's (validateHandler), its HTTP action defaulted as a
    probe's (a path of "/", HTTP): a command, a port, header names, one handler only, a sleep within the
    pod's grace period."""
    pods = f"/api/v1/namespaces/{ns}/pods"

    def pod(name: str, **lifecycle: Any) -> dict[str, Any]:
        return {"metadata": {"name": name}, "spec": {"terminationGracePeriodSeconds": 20, "containers": [
            {"name": "c", "image": "i", "lifecycle": lifecycle}]}}
    return (
        Step("hooks with an empty command and a port out of range", "POST", pods,
             pod("hooks", postStart={"exec": {"command": []}}, preStop={"tcpSocket": {"port": 70000}}),
             query="dryRun=All", fields=INVALID),
        Step("an HTTP hook: bad header names, a second handler", "POST", pods,
             pod("http", preStop={"httpGet": {"port": "Bad_Name", "scheme": "FTP", "httpHeaders": [
                 {"name": "X Bad", "value": "v"}, {"name": "", "value": "v"}]}, "sleep": {"seconds": 1}}),
             query="dryRun=All", fields=INVALID),
        Step("a sleep longer than the grace period", "POST", pods, pod("sleepy", preStop={"sleep": {"seconds": 21}}),
             query="dryRun=All", fields=INVALID),
        Step("an HTTP hook defaulted", "POST", pods, pod("defaulted", postStart={"httpGet": {"port": 80}}),
             query="dryRun=All", fields=("code", "spec.containers")),
        Step("probes' and hooks' fields of features off in 1.37 (an HTTP protocol, a gRPC mode): dropped", "POST",
             pods, {"metadata": {"name": "gated"}, "spec": {"containers": [
                 {"name": "c", "image": "i", "livenessProbe": {"grpc": {"port": 9000, "mode": "TLS"}},
                  "readinessProbe": {"httpGet": {"port": 80, "protocol": "HTTP2"}},
                  "lifecycle": {"preStop": {"httpGet": {"port": 80, "protocol": "HTTP2"}}}}]}},
             query="dryRun=All", fields=("code", "spec.containers")),
        Step("a CronJob's job selector quoted as json.Marshal writes it", "POST",
             f"/apis/batch/v1/namespaces/{ns}/cronjobs", {"metadata": {"name": "sel"}, "spec": {
                 "schedule": "* * * * *", "jobTemplate": {"spec": {"selector": {"matchLabels": {}}, "template": {
                     "spec": {"restartPolicy": "Never", "containers": [{"name": "c", "image": "i"}]}}}}}},
             query="dryRun=All", fields=INVALID),
        Step("a probe's bad header name", "POST", pods, {"metadata": {"name": "probe"}, "spec": {"containers": [
            {"name": "c", "image": "i", "readinessProbe": {"httpGet": {"port": 80, "httpHeaders": [
                {"name": "a:b", "value": "v"}]}}}]}}, query="dryRun=All", fields=INVALID),
    )


def _external_name_status(ns: str) -> tuple[Step, ...]:
    """A Service made ExternalName keeps in storage the internalTrafficPolicy reads drop; its status store has
    no read decorator, so a status write answers it, and leaves it stored for the next PUT to remove from its
    manager's fields."""
    svcs = f"/api/v1/namespaces/{ns}/services"
    svc = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "en"},
           "spec": {"type": "ExternalName", "externalName": "x.example.com", "ports": [{"port": 80}]},
           "status": {"loadBalancer": {}}}
    fields = ("code", "spec", "metadata.managedFields")
    return (
        Step("a ClusterIP service", "POST", svcs, {**svc, "spec": {"ports": [{"port": 80}]}}, fields=("code",)),
        Step("made ExternalName: reads drop its traffic policy", "PATCH", f"{svcs}/en",
             {"spec": {**svc["spec"], "clusterIP": None, "clusterIPs": None}}, MERGE, fields=fields),
        Step("a PUT of its status answers the policy storage holds", "PUT", f"{svcs}/en/status", svc, fields=fields),
        Step("a headless service with its families in reverse", "POST", svcs, {"metadata": {"name": "headless"},
             "spec": {"clusterIP": "None", "ports": [{"port": 80}], "ipFamilies": ["IPv6", "IPv4"],
                      "ipFamilyPolicy": "RequireDualStack"}}, fields=("code", "spec")),
        Step("a PUT without families: derived again, the cluster's first", "PUT", f"{svcs}/headless",
             {"metadata": {"name": "headless"}, "spec": {"clusterIP": "None", "ports": [{"port": 80}]}},
             fields=("code", "spec")),
        Step("a PUT to a missing one's status creates it, without the families the allocator gives", "PUT",
             f"{svcs}/bystatus/status", {**svc, "metadata": {"name": "bystatus"},
                                         "spec": {"type": "NodePort", "ports": [{"port": 80}]}},
             fields=("code", "spec")),

        Step("a read does not", "GET", f"{svcs}/en", fields=fields),
        Step("a patch of its status", "PATCH", f"{svcs}/en/status", {"metadata": {"labels": {"a": "b"}}}, MERGE,
             fields=fields),
        Step("a PUT without the policy takes it from its manager", "PUT", f"{svcs}/en", svc, fields=fields),
        Step("a node port service whose TCP and UDP ports of one number share a node port", "POST", svcs,
             {"metadata": {"name": "dns"}, "spec": {"type": "NodePort", "ports": [
                 {"name": "a", "port": 53, "protocol": "TCP"}, {"name": "b", "port": 53, "protocol": "UDP"}]}},
             fields=("code",)),
        Step("both made TCP: the node port allocator's plain error, before validation", "PATCH", f"{svcs}/dns",
             [{"op": "replace", "path": "/spec/ports/1/protocol", "value": "TCP"}], JSONP,
             fields=("code", "reason", "details")),
        Step("a patch of its status again", "PATCH", f"{svcs}/en/status", {"metadata": {"labels": {"a": "c"}}},
             MERGE, fields=fields),
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


# What may differ run to run (uids, times, resourceVersions, the IP and port a Service is given), and
# managedFields, which these steps leave to the tests that compare them without their times
# (tests/test_writes_random_realkube.py, tests/test_crds_realkube.py).
_IGNORED = frozenset({"uid", "creationTimestamp", "deletionTimestamp", "resourceVersion", "managedFields", "time",
                      "clusterIP", "clusterIPs", "nodePort", "lastTransitionTime"})
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_STAMP = re.compile(r'"time\\?":\\?"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ')  # (a quoted managedFields entry's)
_QUOTED = re.compile(r'"(resourceVersion|creationTimestamp)\\?":\\?"[^"\\]*')  # (a quoted object's)


def _reduce(doc: Any) -> Any:
    if isinstance(doc, dict):
        return {k: _reduce(v) for k, v in doc.items() if k not in _IGNORED}
    if isinstance(doc, list):
        return [_reduce(v) for v in doc]
    if not isinstance(doc, str):
        return doc
    # a Job's selector holds its uid; a patch's refusal quotes the object
    return _QUOTED.sub(r'"\1":<ignored>', _STAMP.sub('"time":<time>', _UUID.sub("<uid>", doc)))


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
        if step.path.endswith("/limitranges") and code == 201 and any(
                limit.get("default") for limit in doc.get("spec", {}).get("limits") or []):
            until(lambda: _limit_range_seen(api, ns), 30, "the apiserver's LimitRanger to see the new range")
        if "/deployments" in step.path and isinstance(doc, dict) and doc.get("kind") == "Deployment":
            last = doc
    return out


def _limit_range_seen(api: client.ApiClient, ns: str) -> bool:
    """Whether a pod made now gets a LimitRange's default limits: kube-apiserver's LimitRanger reads its
    informer's cache (and, while that holds none, a lookup it keeps for 30 s), so a range just made may not
    judge the next pod yet; emulate's judges it at once."""
    probe = Step("probe", "POST", f"/api/v1/namespaces/{ns}/pods", _pod("limit-range-probe"), query="dryRun=All")
    _, doc = _call(api, probe, probe.body)
    return isinstance(doc, dict) and "kubernetes.io/limit-ranger" in (doc.get("metadata", {}).get("annotations") or {})


def _call(api: client.ApiClient, step: Step, body: Any) -> tuple[int, Any]:
    code, doc, _ = call_warned(api, step, body)
    return code, doc


def call_warned(api: client.ApiClient, step: Step, body: Any) -> tuple[int, Any, list[str]]:
    """The answer's code, decoded body and Warning headers."""
    url = api.configuration.host + step.path + (f"?{step.query}" if step.query else "")
    headers = {"Content-Type": step.content_type, "Accept": step.accept}
    if isinstance(body, str):  # (JSON as written: the client would encode a string body as a JSON string)
        raw = api.rest_client.pool_manager.request(step.method, url, body=body.encode(), headers=headers)
        status, data, warnings = raw.status, raw.data, raw.headers.getlist("Warning")
    else:
        resp = api.rest_client.request(step.method, url, headers=headers, body=body)
        status, data, warnings = resp.status, resp.read(), resp.response.headers.getlist("Warning")
    try:
        return status, json.loads(data), warnings
    except ValueError:
        return status, None, warnings


def watch_events(kubeconfig: str, ns: str, resource_version: str, timeout: int) -> list[tuple[str, str, int]]:
    """(type, name, resourceVersion) of the configmap events after `resource_version`, for `timeout` s."""
    api = client.CoreV1Api(config.new_client_from_config(config_file=kubeconfig))
    resp = api.list_namespaced_config_map(ns, watch=True, resource_version=resource_version,
                                          timeout_seconds=timeout, _preload_content=False)
    return [(e["type"], e["object"]["metadata"]["name"], int(e["object"]["metadata"]["resourceVersion"]))
            for e in map(json.loads, resp.read().splitlines())]


def watched(read: Callable[[], T], advance: Callable[[], None] | None = None) -> T:
    """What a short watch `read()` returns, read in a thread; on a replay `advance` ends it by moving the
    clock once the watch is open."""
    got: list[T] = []
    reader = threading.Thread(target=lambda: got.append(read()))
    reader.start()
    if advance is not None:
        advance()
    reader.join(60)
    assert got, "the watch did not end"
    return got[0]

