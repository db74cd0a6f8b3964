"""The real kubectl's everyday commands, the same script against the real kube-apiserver and against a replay
in emulate mode: every command's exit code, output and error the same once what differs by nature is
masked (uids, times, ages, resourceVersions, allocated IPs, kubectl's temporary file names). Creates of each
kind kubectl has a generator for, labels and annotations, client-side apply with its three-way merge, a
move to server-side apply (kubectl migrates the managed fields; the apiserver keeps the last-applied
annotation in step and lets kubectl take over what it applied client-side without conflicts), conflicts
and forced applies, `kubectl diff`, scale with a precondition, rollout restart/pause/resume, the three patch
types, describe, jsonpath, deletes with each cascade, `auth can-i`, and the refusals among them."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from watchproxy.testing import Replay
from watchproxy.wire.kinds import is_custom_group

from tests import random_writes, rawhttp
from tests.memory import RecordingBuilder
from tests.procs import KUBECTL
from tests.realkube import RealKube

pytestmark = pytest.mark.skipif(not KUBECTL.exists(), reason="kubectl is installed by `make clients`")

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
        ports: [{containerPort: 80}]
"""
SETTINGS = """apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {a: "1", b: "2"}
"""
SETTINGS_2 = SETTINGS.replace('b: "2"', 'c: "3"')
SERVICE = """apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
"""
SLICE = json.dumps({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "metadata": {"name": "web-1"},
                    "addressType": "IPv4", "endpoints": [{"addresses": ["10.0.0.1"]}]})
MANAGED = ["get", "cm", "settings", "-o", "yaml", "--show-managed-fields"]
ENV_PATCH = '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","env":[{"name":"A","value":"1"}]}]}}}}'
SCRIPT: list[tuple[list[str], str]] = [
    (["create", "configmap", "c1", "--from-literal=a=b"], ""),
    (["create", "configmap", "c1", "--from-literal=a=b"], ""),
    (["get", "configmap", "c1", "-o", "yaml"], ""),
    (["label", "configmap", "c1", "x=y"], ""), (["label", "configmap", "c1", "x=z"], ""),
    (["label", "configmap", "c1", "x=z", "--overwrite"], ""), (["annotate", "configmap", "c1", "note=hi"], ""),
    (["label", "configmap", "c1", "x-"], ""),
    (["auth", "can-i", "create", "pods"], ""), (["auth", "can-i", "--list"], ""),
    # client-side apply, then a move to server-side apply and back
    (["apply", "-f", "-"], SETTINGS), (["apply", "-f", "-"], SETTINGS_2), (["get", "cm", "settings", "-o", "yaml"], ""),
    (["apply", "--server-side", "-f", "-"], SETTINGS), (MANAGED, ""), (["diff", "-f", "-"], SETTINGS_2),
    (["apply", "-f", "-"], SETTINGS_2), (MANAGED, ""),
    (["apply", "--server-side", "-f", "-"], SETTINGS.replace('"1"', '"7"')), (MANAGED, ""),
    (["patch", "cm", "settings", "--type=merge", "-p", '{"data":{"a":"x"}}'], ""),
    (["apply", "--server-side", "-f", "-"], SETTINGS.replace('"1"', '"8"')), (MANAGED, ""),
    (["apply", "--server-side", "--field-manager", "other", "-f", "-"], SETTINGS.replace('"1"', '"9"')),
    (["apply", "--server-side", "--field-manager", "other", "--force-conflicts", "-f", "-"],
     SETTINGS.replace('"1"', '"9"')),
    (MANAGED, ""),
    # a Deployment and a Service, and the commands that change them
    (["apply", "-f", "-"], DEPLOYMENT), (["apply", "-f", "-"], SERVICE), (["get", "deploy,svc,cm"], ""),
    (["apply", "--server-side", "-f", "-"], DEPLOYMENT.replace("replicas: 2", "replicas: 5")),
    (["get", "deploy", "web", "-o", "yaml", "--show-managed-fields"], ""),
    (["scale", "deployment", "web", "--replicas=3"], ""),
    (["scale", "deployment", "web", "--replicas=3", "--current-replicas=2"], ""),
    (["set", "image", "deployment/web", "nginx=nginx:1.26"], ""), (["rollout", "restart", "deployment/web"], ""),
    (["rollout", "pause", "deployment/web"], ""), (["rollout", "pause", "deployment/web"], ""),
    (["rollout", "resume", "deployment/web"], ""),
    (["patch", "deployment", "web", "--type=merge", "-p", '{"spec":{"replicas":1}}'], ""),
    (["patch", "deployment", "web", "--type=json", "-p", '[{"op":"replace","path":"/spec/replicas","value":4}]'],
     ""),
    (["patch", "deployment", "web", "-p", ENV_PATCH], ""), (["get", "deployment", "web", "-o", "yaml"], ""),
    (["describe", "deployment", "web"], ""), (["describe", "service", "web"], ""),
    (["describe", "configmap", "settings"], ""),
    (["annotate", "deployment", "web", "note=hi"], ""),  # (a Deployment's annotations count for its generation,
    (["create", "-f", "-"], SLICE), (["label", "endpointslice", "web-1", "x=y"], ""),  # an EndpointSlice's labels)
    (["get", "endpointslice", "web-1", "-o", "jsonpath={.metadata.generation}"], ""),
    (["get", "deployment", "web", "-o", "jsonpath={.spec.replicas} {.metadata.generation} "
      "{.spec.template.spec.containers[0].image}"], ""),
    # kubectl's generators, one per kind, and a refused name
    (["create", "secret", "generic", "s1", "--from-literal=pw=hunter2"], ""),
    (["get", "secret", "s1", "-o", "jsonpath={.data.pw}"], ""), (["create", "configmap", "Bad_Name"], ""),
    (["create", "deployment", "d2", "--image=nginx", "--replicas=2"], ""),
    (["create", "service", "clusterip", "s2", "--tcp=80:8080"], ""), (["create", "job", "j1", "--image=busybox"], ""),
    (["create", "cronjob", "cj1", "--image=busybox", "--schedule=*/5 * * * *"], ""),
    (["create", "role", "r1", "--verb=get", "--resource=pods"], ""),
    (["create", "rolebinding", "rb1", "--role=r1", "--user=alice"], ""), (["create", "serviceaccount", "sa1"], ""),
    # a pod no scheduler places (no kubelet beside either server): its logs
    (["run", "p1", "--image=nginx", "--restart=Never"], ""), (["logs", "p1"], ""), (["logs", "p1", "-c", "zz"], ""),
    (["logs", "nope"], ""), (["logs", "p1", "--tail=-5"], ""), (["exec", "p1", "--", "ls"], ""),
    (["exec", "nope", "--", "ls"], ""),
    # the same commands as someone else (impersonated): what RBAC lets them do
    (["auth", "can-i", "get", "pods", "--as=alice"], ""), (["auth", "can-i", "list", "pods", "--as=alice"], ""),
    (["get", "pods", "--as=alice"], ""), (["get", "pod", "p1", "--as=alice"], ""),
    (["auth", "can-i", "--list", "--as=alice"], ""), (["auth", "whoami", "--as=alice", "--as-group=devs"], ""),
    (["auth", "can-i", "create", "deployments", "--as=system:serviceaccount:default:sa1"], ""),
    (["create", "configmap", "c9", "--as=system:serviceaccount:default:sa1"], ""),
    (["create", "poddisruptionbudget", "pdb1", "--selector=app=web", "--min-available=1"], ""),
    (["create", "ingress", "ing1", "--rule=foo.com/bar=svc1:8080"], ""), (["get", "all"], ""),
    (["get", "jobs,cronjobs,roles,rolebindings,sa,pdb,ingress"], ""),
    (["autoscale", "deployment", "d2", "--min=1", "--max=3", "--cpu-percent=50"], ""), (["get", "hpa"], ""),
    # deletes: twice, by a selector matching nothing, each cascade (no garbage collector runs beside either)
    (["delete", "configmap", "c1"], ""), (["delete", "configmap", "c1"], ""),
    (["delete", "deployment", "d2", "--cascade=orphan", "--wait=false"], ""),
    (["delete", "configmaps", "-l", "nothing=here"], ""),
    (["delete", "deployment", "web", "--wait=false", "--cascade=foreground"], ""),
    (["get", "deployment", "web", "-o", "jsonpath={.metadata.finalizers} {.metadata.deletionTimestamp}"], ""),
]
_MASKS = [
    (re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), "UID"),
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z"), "TIME"),
    (re.compile(r"[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d [+-]\d{4}"), "DATE"),
    (re.compile(r"/tmp/(LIVE|MERGED)-\d+/(\S+)\t\S+ \S+ \S+"), r"\1/\2"),  # kubectl diff's temporary files
    (re.compile(r"/tmp/(LIVE|MERGED)-\d+/"), r"\1/"),
    (re.compile(r'resourceVersion: "\d+"'), 'resourceVersion: "N"'),
    (re.compile(r"\b\d+(s|m\d*s?|h)\b"), "AGE"),
    (re.compile(r"\b10\.\d+\.\d+\.\d+\b"), "IP"),
    (re.compile(r"  +"), " "),  # columns are as wide as their widest cell, an age or an IP among them
    # the real apiserver's own repair loops (which a replay does not run) report a Service whose address they
    # meet between its allocation and its store as a warning event, now and then
    (re.compile(r"Events:\n Type Reason Age From Message\n ---- ------ ---- ---- -------\n"
                r"(?: Warning \S+ \S+ (?:ip|port)allocator-repair-controller .*\n)+\Z"), "Events: <none>\n"),
]


def _masked(text: str) -> str:
    for pattern, replacement in _MASKS:
        text = pattern.sub(replacement, text)
    return text


def _run(kubeconfig: str, namespace: str, cache: Path, script: list[tuple[list[str], str]] = SCRIPT
         ) -> list[tuple[int, str, str]]:
    out = []
    for args, stdin in script:
        p = subprocess.run([str(KUBECTL), "--kubeconfig", kubeconfig, "--cache-dir", str(cache), "-n", namespace,
                            *args], input=stdin, capture_output=True, text=True, timeout=60)
        out.append((p.returncode, _masked(p.stdout), _masked(p.stderr)))
    return out


Answer = tuple[int, str, str]  # a kubectl command's exit code, output and errors


def _differing(script: list[tuple[list[str], str]], real: list[Answer], emulated: list[Answer]
               ) -> list[tuple[list[str], Answer, Answer]]:
    """Each command whose answer differs between the two servers, with both."""
    return [(script[i][0], r, e) for i, (r, e) in enumerate(zip(real, emulated, strict=True)) if r != e]


def _both(realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path, ns: str,
          script: list[tuple[list[str], str]]) -> tuple[list[tuple[int, str, str]], list[tuple[int, str, str]]]:
    """The script's results from the real apiserver (in a new namespace `ns`) and from a replay of a
    recording that holds nothing."""
    code, doc, _ = rawhttp.call(realkube.url, realkube.token_file.read_text().strip(), "POST", "/api/v1/namespaces",
                                json.dumps({"metadata": {"name": ns}}).encode())
    assert code == 201, doc
    b = RecordingBuilder(tmp_path / "empty.msgpack")
    b.list(0.0, 100, [], path=f"/api/v1/namespaces/{ns}/configmaps", kind="ConfigMapList")
    return (_run(str(realkube.admin_kubeconfig), ns, tmp_path / "real-cache", script),
            _run(watchproxy(b.write()).kubeconfig, ns, tmp_path / "replay-cache", script))


def test_kubectls_everyday_commands_get_the_real_apiservers_answers(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    real, emulated = _both(realkube, watchproxy, tmp_path, "kubectl-script", SCRIPT)
    refused = [" ".join(SCRIPT[i][0][:2]) for i, (code, _, _) in enumerate(real) if code]
    # a create of what exists, a label over another value, the diff it finds, kubectl's apply over a patch's
    # value and another manager's over kubectl's, a stale --current-replicas, pausing a paused rollout, an
    # invalid name, logs of a container or pod that is not there (or a bad --tail), exec in a pod with no node or
    # none at all, what an impersonated user may not do, a delete of what is gone
    assert refused == ["create configmap", "label configmap", "diff -f", "apply --server-side", "apply --server-side",
                       "scale deployment", "rollout pause", "create configmap", "logs p1", "logs nope", "logs p1",
                       "exec p1", "exec nope",
                       "auth can-i", "get pods", "auth can-i", "create configmap", "delete configmap"]
    assert _differing(SCRIPT, real, emulated) == []


# One of each kind a cluster stores beyond the everyday ones, valid as the real apiserver checks it; the admission
# objects match a resource nobody has, as the real apiserver is shared by the session's other tests
_MORE_KINDS: list[dict[str, Any]] = [
    {"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": "lr"},
     "spec": {"limits": [{"type": "Container", "default": {"cpu": "100m"}, "min": {"memory": "1Mi"}}]}},
    {"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "pv1"}, "spec": {
        "capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"], "hostPath": {"path": "/tmp/x"}}},
    {"apiVersion": "v1", "kind": "PodTemplate", "metadata": {"name": "pt"}, "template": {
        "metadata": {"labels": {"a": "b"}}, "spec": {"containers": [{"name": "c", "image": "i"}]}}},
    {"apiVersion": "v1", "kind": "ReplicationController", "metadata": {"name": "rc"}, "spec": {"template": {
        "metadata": {"labels": {"a": "b"}}, "spec": {"containers": [{"name": "c", "image": "i"}]}}}},
    {"apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": "q"}, "spec": {"hard": {"pods": "10"}}},
    {"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass", "metadata": {"name": "ic"},
     "spec": {"controller": "example.com/ingress"}},
    {"apiVersion": "storage.k8s.io/v1", "kind": "CSIDriver", "metadata": {"name": "csi.example.com"}, "spec": {}},
    {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "fast"},
     "provisioner": "example.com/p"},
    {"apiVersion": "storage.k8s.io/v1", "kind": "CSIStorageCapacity", "metadata": {"name": "cap"},
     "storageClassName": "fast"},
    {"apiVersion": "storage.k8s.io/v1", "kind": "VolumeAttachment", "metadata": {"name": "va"},
     "spec": {"attacher": "csi.example.com", "nodeName": "n1", "source": {"persistentVolumeName": "pv1"}}},
    {"apiVersion": "storage.k8s.io/v1", "kind": "VolumeAttributesClass", "metadata": {"name": "vac"},
     "driverName": "csi.example.com", "parameters": {"iops": "100"}},
    {"apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingWebhookConfiguration",
     "metadata": {"name": "vwc"}},
    {"apiVersion": "admissionregistration.k8s.io/v1", "kind": "MutatingWebhookConfiguration",
     "metadata": {"name": "mwc"}, "webhooks": [{
         "name": "check.example.com", "sideEffects": "None", "admissionReviewVersions": ["v1"],
         "clientConfig": {"service": {"namespace": "more-kinds", "name": "hook"}},
         "rules": [{"operations": ["CREATE"], "apiGroups": ["example.com"], "apiVersions": ["v1"],
                    "resources": ["nothings"]}]}]},
    {"apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingAdmissionPolicyBinding",
     "metadata": {"name": "vapb"}, "spec": {"policyName": "vap", "validationActions": ["Deny"]}},
    {"apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingAdmissionPolicy", "metadata": {"name": "vap"},
     "spec": {"matchConstraints": {"resourceRules": [{"apiGroups": ["example.com"], "apiVersions": ["v1"],
                                                      "operations": ["CREATE"], "resources": ["nothings"]}]},
              "validations": [{"expression": "object.spec.replicas <= 5"}]}},
    {"apiVersion": "storage.k8s.io/v1", "kind": "CSINode", "metadata": {"name": "n1"},
     "spec": {"drivers": [{"name": "csi.example.com", "nodeID": "n1"}]}},
    {"apiVersion": "networking.k8s.io/v1", "kind": "IPAddress", "metadata": {"name": "10.96.0.50"},
     "spec": {"parentRef": {"group": "", "resource": "services", "namespace": "more-kinds", "name": "web"}}},
    {"apiVersion": "flowcontrol.apiserver.k8s.io/v1", "kind": "PriorityLevelConfiguration", "metadata": {"name": "plc"},
     "spec": {"type": "Limited", "limited": {"nominalConcurrencyShares": 5, "limitResponse": {"type": "Reject"}}}},
    {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": "high"}, "value": 1000},
    {"apiVersion": "node.k8s.io/v1", "kind": "RuntimeClass", "metadata": {"name": "rt"}, "handler": "runc"},
    {"apiVersion": "resource.k8s.io/v1", "kind": "DeviceClass", "metadata": {"name": "dc"}, "spec": {}},
    {"apiVersion": "resource.k8s.io/v1", "kind": "ResourceClaimTemplate", "metadata": {"name": "rct"},
     "spec": {"spec": {}}},
    {"apiVersion": "resource.k8s.io/v1", "kind": "ResourceClaim", "metadata": {"name": "rcl"}, "spec": {}},
    {"apiVersion": "storagemigration.k8s.io/v1", "kind": "StorageVersionMigration", "metadata": {"name": "svm"},
     "spec": {"resource": {"group": "apps", "resource": "deployments"}}},
]


def test_every_kind_a_cluster_stores_is_discovered_created_with_its_defaults_and_printed(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    script: list[tuple[list[str], str]] = [(["api-resources", "-o", "wide", "--sort-by=name"], "")]
    for obj in _MORE_KINDS:
        kind, name = obj["kind"].lower(), obj["metadata"]["name"]
        script += [(["create", "-f", "-"], json.dumps(obj)), (["get", kind, name, "-o", "yaml"], ""),
                   (["get", kind, name], "")]
    # and deleted again, which leaves the shared apiserver without them (a PV and a VolumeAttributesClass stay
    # until their protection controllers, which do not run, lift the finalizers)
    script += [(["delete", obj["kind"].lower(), obj["metadata"]["name"], "--wait=false"], "") for obj in _MORE_KINDS]
    real, emulated = _both(realkube, watchproxy, tmp_path, "more-kinds", script)
    assert [code for code, _, _ in real] == [0] * len(script), real
    # (other tests' custom resources may be installed in the real apiserver meanwhile)
    builtin = "".join(line + "\n" for line in real[0][1].splitlines()
                      if not any(is_custom_group(word.rpartition("/")[0]) for word in line.split()))
    real[0] = (real[0][0], builtin, real[0][2])
    assert "storageclasses sc storage.k8s.io/v1 false StorageClass" in real[0][1]
    assert _differing(script, real, emulated) == []


def test_a_clients_own_access_reviews_get_the_real_apiservers_answers(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """Answered, never stored: allowed (a client that impersonates no one is a replay's administrator, in
    system:masters), the rules a cluster administrator has, a review that asks nothing refused, and no list of
    them; who the client is (`kubectl auth whoami`), a cluster administrator."""
    b = RecordingBuilder(tmp_path / "empty.msgpack")
    b.list(0.0, 100, [], path="/api/v1/namespaces/default/configmaps", kind="ConfigMapList")
    servers = [(realkube.url, realkube.token_file.read_text().strip()), (watchproxy(b.write()).url, "")]
    access = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"
    asked = {"kind": "SelfSubjectAccessReview", "apiVersion": "authorization.k8s.io/v1",
             "spec": {"resourceAttributes": {"namespace": "default", "verb": "create", "resource": "pods"}}}
    requests = [("POST", access, asked), ("POST", f"{access}?dryRun=All", {"spec": {}}), ("GET", access, None),
                ("POST", "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews", {"spec": {"namespace": "default"}}),
                ("POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews",
                 {"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"})]
    real, emulated = ([(code, random_writes.reduce(doc), random_writes.managed_fields(doc)) for code, doc, _ in (
        rawhttp.call(*server, method, path, json.dumps(doc).encode() if doc is not None else None)
        for method, path, doc in requests)] for server in servers)
    assert [code for code, _, _ in real] == [201, 422, 405, 201, 201] and real[0][1]["status"] == {"allowed": True}
    # who asked: the test's token user there, a replay's administrator here (it authenticates no one)
    assert real[4][1]["status"]["userInfo"].pop("username") == "token-admin"
    assert emulated[4][1]["status"]["userInfo"].pop("username") == "system:admin"
    for answers in (real, emulated):  # (the apiserver gathers the rules of several bindings in no fixed order)
        for rules in answers[3][1]["status"].values():
            if isinstance(rules, list):
                rules.sort(key=json.dumps)
    assert emulated == real


_OLD_HPA = {"apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "old"},
            "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
                     "maxReplicas": 4, "targetCPUUtilizationPercentage": 55}}
_NEW_HPA = {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "new"},
            "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
                     "maxReplicas": 4, "metrics": [
                         {"type": "Resource", "resource": {"name": "memory", "target": {
                             "type": "AverageValue", "averageValue": "100Mi"}}},
                         {"type": "Resource", "resource": {"name": "cpu", "target": {
                             "type": "Utilization", "averageUtilization": 60}}}]}}
_V1 = "/apis/autoscaling/v1/namespaces/autoscalers/horizontalpodautoscalers"
_RV = re.compile(r'(?<="resourceVersion":")\d+')


def test_autoscalers_through_both_versions_get_the_real_apiservers_answers(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """An old manifest's autoscaling/v1 autoscaler beside a v2 one: applied (kubectl's three-way merge in v1),
    listed, printed and described, read through v1 (which shows v2's other metrics in its annotations), changed
    through v1, and `kubectl autoscale`'s read through v1; the group's versions discovered. (kubectl reads
    `hpa.v1.autoscaling` through the preferred version: v1's own reads are raw.)"""
    script: list[tuple[list[str], str]] = [
        (["api-versions"], ""), (["get", "--raw", "/apis/autoscaling"], ""),
        (["apply", "-f", "-"], json.dumps(_OLD_HPA)), (["apply", "-f", "-"], json.dumps(_NEW_HPA)),
        (["get", "hpa"], ""), (["get", "hpa.v1.autoscaling"], ""),
        (["get", "--raw", f"{_V1}/new"], ""), (["get", "hpa", "old", "-o", "yaml"], ""),
        (["describe", "hpa", "old"], ""),
        (["apply", "-f", "-"], json.dumps(_OLD_HPA).replace("55", "65")),
        (["get", "--raw", f"{_V1}/old"], ""),
        (["create", "deployment", "web", "--image=nginx"], ""),
        (["autoscale", "deployment", "web", "--max=3", "--name=auto"], ""),
        (["get", "--raw", _V1], ""), (["delete", "hpa", "old"], ""), (["get", "hpa"], "")]
    real, emulated = _both(realkube, watchproxy, tmp_path, "autoscalers", script)
    assert [code for code, _, _ in real] == [0] * len(script), real
    assert '"autoscaling.alpha.kubernetes.io/metrics"' in real[6][1]  # (v2's memory target, through v1)
    # (custom resources other tests define on the shared apiserver come and go: not a replay's)
    versions = [v for v in real[0][1].splitlines() if not is_custom_group(v.rpartition("/")[0])]
    real[0] = (0, "".join(f"{v}\n" for v in versions), real[0][2])
    real, emulated = ([(code, _RV.sub("N", out), err) for code, out, err in got] for got in (real, emulated))
    assert _differing(script, real, emulated) == []


_LIST = json.dumps({"apiVersion": "v1", "kind": "List", "items": [
    {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "l1"}, "data": {"k": "a"}},
    {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "l2"}}]})


def test_kubectl_explain_gets_the_real_apiservers_answers(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """A built-in kind's schema, descriptions and enums included, from the OpenAPI v3 document of its
    group-version (a replay serves the real one); a field or kind that is not there refused alike. kubectl
    validates a `kind: List` on the client, with the v2 document: created and applied, a bad item refused."""
    script: list[tuple[list[str], str]] = [
        (["explain", "deployment.spec.strategy"], ""), (["explain", "pods.spec.containers", "--recursive"], ""),
        (["explain", "hpa", "--api-version=autoscaling/v1"], ""), (["explain", "hpa.spec.metrics"], ""),
        (["explain", "cronjob.spec.concurrencyPolicy"], ""), (["explain", "ingress.spec.rules.http.paths"], ""),
        (["explain", "tokenreviews"], ""), (["explain", "svc.spec.ports", "--output=plaintext"], ""),
        (["explain", "deployment.spec.nope"], ""), (["explain", "nope"], ""),
        (["get", "--raw", "/openapi/v3/apis/apps"], ""),
        # from the OpenAPI v2 document: explain's old output, and the validation of a List's items
        (["explain", "deployment.spec.paused", "--output=plaintext-openapiv2"], ""),
        (["create", "-f", "-"], _LIST), (["apply", "-f", "-"], _LIST.replace('"a"', '"b"')),
        (["create", "-f", "-"], _LIST.replace('"data"', '"dta"')), (["get", "cm", "-o", "name"], "")]
    real, emulated = _both(realkube, watchproxy, tmp_path, "explain", script)
    assert [code for code, _, _ in real] == [0] * 8 + [1, 1] + [0] * 4 + [1, 0], real
    assert "enum: Recreate, RollingUpdate" in real[0][1]
    assert _differing(script, real, emulated) == []


# API Priority and Fairness's configuration of a new kube-apiserver v1.37 (apis/flowcontrol/bootstrap)
_FLOW_SCHEMAS = ("exempt", "probes", "system-leader-election", "system-node-high", "system-nodes",
                 "kube-controller-manager", "kube-scheduler", "kube-system-service-accounts", "service-accounts",
                 "global-default", "catch-all")
_PRIORITY_LEVELS = ("exempt", "system", "node-high", "leader-election", "workload-high", "workload-low",
                    "global-default", "catch-all")


def test_what_a_new_cluster_holds_is_there_as_in_the_real_one(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """The objects the apiserver writes when it starts, which a replay serves where its recording holds none
    of their kind: the RBAC policy, the system PriorityClasses, API Priority and Fairness's configuration, the
    aggregator's local APIServices, the `kubernetes` Service with its ServiceCIDR and IPAddress (the shared
    apiserver's other tests write none of these; other ClusterRoles they may)."""
    # (by name: other tests' FlowSchemas and priority levels are cluster-wide and stay on the shared apiserver)
    script: list[tuple[list[str], str]] = [
        (["get", "flowschemas", *_FLOW_SCHEMAS], ""), (["get", "prioritylevelconfigurations", *_PRIORITY_LEVELS], ""),
        (["get", "flowschema", "exempt", "-o", "yaml"], ""),
        (["get", "priorityclass", "system-node-critical", "-o", "yaml"], ""),
        (["get", "clusterrole", "view", "-o", "yaml"], ""), (["get", "clusterrole", "admin", "-o", "yaml"], ""),
        (["get", "clusterrolebinding", "system:discovery", "-o", "yaml"], ""),
        (["get", "roles,rolebindings", "-n", "kube-system"], ""), (["get", "rolebindings", "-n", "kube-public"], ""),
        # (the shared apiserver registers an APIService for each group of another test's CRDs: automanaged=true)
        (["describe", "clusterrole", "system:basic-user"], ""),
        (["get", "apiservices", "-l", "kube-aggregator.kubernetes.io/automanaged=onstart"], ""),
        (["get", "apiservice", "v1.apps", "-o", "yaml"], ""), (["explain", "apiservices.spec"], ""),
        (["get", "service", "kubernetes", "-n", "default"], ""),
        (["get", "service", "kubernetes", "-n", "default", "-o", "yaml"], ""),
        # (one name: other tests' ServiceCIDRs are cluster-wide and stay on the shared apiserver)
        (["get", "servicecidr", "kubernetes"], ""), (["get", "servicecidr", "kubernetes", "-o", "yaml"], ""),
        (["get", "ipaddresses", "-o", 'jsonpath={range .items[?(@.spec.parentRef.name=="kubernetes")]}'
                                      '{.metadata.name} {.metadata.labels} {.spec}{end}'], ""),
        # the component statuses (the reference has no scheduler or controller manager to be healthy)
        (["get", "componentstatuses", "-o", "jsonpath={.items[*].metadata.name}"], ""),
        (["get", "cs", "etcd-0", "-o", "yaml"], ""), (["get", "cs", "etcd-0"], ""), (["get", "cs", "nope"], ""),
        (["delete", "cs", "etcd-0"], ""), (["get", "--raw", "/api/v1/componentstatuses?watch=1"], ""),
        # a deprecated API's warning, whatever the answer
        (["get", "endpoints"], ""), (["get", "endpoints", "nope"], "")]
    real, emulated = _both(realkube, watchproxy, tmp_path, "new-cluster", script)
    assert [code for code, _, _ in real] == [0] * (len(script) - 5) + [1] * 3 + [0, 1], real
    assert all("v1 Endpoints is deprecated" in err for _, _, err in real[-2:])
    assert "system-node-critical" in real[3][1] and "exempt" in real[0][1] and "v1.apps " in real[10][1]
    # the kubernetes Service's addresses are the cluster's (the test apiserver's range and port are its own)
    port = realkube.url.rsplit(":", 1)[1]
    real = [(code, out.replace(f"targetPort: {port}\n", "targetPort: 8443\n").replace("IP/24", "IP/12"), err)
            for code, out, err in real]
    assert "kubernetes ClusterIP IP <none> 443/TCP" in real[13][1] and real[17][1].startswith("IP {")
    real[18], emulated[18] = ((code, " ".join(sorted(out.split())), err)  # (the apiserver's map order)
                              for code, out, err in (real[18], emulated[18]))
    assert _differing(script, real, emulated) == []


EVOLVING = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
  finalizers: [x.io/a, x.io/b]
spec:
  selector: {matchLabels: {app: app}}
  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1}}
  template:
    metadata: {labels: {app: app}}
    spec:
      containers:
      - name: main
        image: nginx:1.25
        args: [a, b]
        env: [{name: EX, value: "1"}, {name: WY, value: "2"}]
        ports: [{containerPort: 80}, {containerPort: 81}]
      - name: side
        image: busybox
      volumes: [{name: v1, emptyDir: {}}, {name: v2, emptyDir: {}}]
"""
# each version reorders a merged list, adds and removes items (kubectl sends $setElementOrder for each, and
# $retainKeys where a union changes: the strategy's type, a volume's source)
EVOLVED = [EVOLVING.replace("env: [{name: EX, value: \"1\"}, {name: WY, value: \"2\"}]",
                            "env: [{name: ZED, value: \"3\"}, {name: WY, value: \"2\"}, {name: EX, value: \"1\"}]")
           .replace("finalizers: [x.io/a, x.io/b]", "finalizers: [x.io/b, x.io/c, x.io/a]"),
           EVOLVING.replace("      - name: side\n        image: busybox\n", "")
           .replace("      containers:\n", "      containers:\n      - name: init\n        image: busybox\n")
           .replace("ports: [{containerPort: 80}, {containerPort: 81}]", "ports: [{containerPort: 81}]")
           .replace("strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1}}", "strategy: {type: Recreate}")
           .replace("volumes: [{name: v1, emptyDir: {}}, {name: v2, emptyDir: {}}]",
                    "volumes: [{name: v2, configMap: {name: c}}, {name: v1, emptyDir: {}}]"),
           EVOLVING.replace("args: [a, b]", "args: [b, a, c]")]


def test_kubectls_client_side_apply_of_an_evolving_manifest_orders_lists_as_the_real_apiserver(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """kubectl's client-side apply of a manifest whose merged lists are reordered, grown and shrunk, a union
    switched (the strategy's type, a volume's source), as a strategic merge patch with its directives: the
    object after each apply is the real apiserver's, list orders included."""
    show = ["get", "deployment", "app", "-o", "jsonpath={.metadata.finalizers} {.spec.strategy} "
            "{.spec.template.spec.containers} {.spec.template.spec.volumes}"]
    script = [(["apply", "-f", "-"], EVOLVING), (show, "")]
    for manifest in EVOLVED:
        script += [(["apply", "-f", "-"], manifest), (show, "")]
    script += [(["patch", "deployment", "app", "--type=merge", "-p", '{"metadata":{"finalizers":null}}'], ""),
               (["delete", "deployment", "app"], "")]
    real, emulated = _both(realkube, watchproxy, tmp_path, "kubectl-evolving", script)
    assert [code for code, _, _ in real] == [0] * len(script), real
    assert '"name":"ZED"' in real[3][1] and real[3][1].index('"name":"ZED"') < real[3][1].index('"name":"EX"')
    assert _differing(script, real, emulated) == []
