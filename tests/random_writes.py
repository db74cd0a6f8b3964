"""Seeded random write sequences on ConfigMaps: creates (named, generated, with finalizers, immutable),
updates with the last, a stale or no resourceVersion, the four patch types, server-side apply by two
managers (forced or not), deletes with DeleteOptions and preconditions, collection deletes by selector,
dry runs, and reads between them; and on Deployments: the same kinds of writes on a spec with defaults and
a keyed list (containers), through /scale and /status too; on Pods: graceful deletion, evictions and the
few fields a pod's update may change; on Services: allocations, type changes and ports under apply; on
StatefulSets, Jobs, DaemonSets, CronJobs, PVCs and Ingresses: the fields an update may not change, deletes
and the status rules; and so on for the kinds below, cluster-scoped ones (ClusterRoles, ClusterRoleBindings,
Namespaces) among them. The same sequence goes to the real kube-apiserver and to a replay; the answers are
compared once reduced to what does not differ by nature (uids, times, allocated IPs and ports, managedFields,
the numbers of resourceVersions and generated names)."""

from __future__ import annotations

import base64
import copy
import dataclasses
import http.client
import json
import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from tests import rawhttp, rbac_settle
from tests.workload import until

MERGE, SMP = "application/merge-patch+json", "application/strategic-merge-patch+json"
JSONP, APPLY = "application/json-patch+json", "application/apply-patch+yaml"
_NAMES = ("a", "b", "c")
_LABELS: tuple[dict[str, str], ...] = ({}, {"x": "1"}, {"x": "2"}, {"x": "1", "y": "z"})
_DATA: tuple[dict[str, str] | None, ...] = (None, {"k": "0"}, {"k": "1", "j": "2"}, {})


@dataclass(frozen=True)
class Op:
    method: str
    path: str  # under the namespace: /configmaps or /configmaps/NAME[/status]
    query: str = ""
    body: Any = None  # JSON, or the YAML text of an apply
    content_type: str = "application/json"
    rv: str = ""  # a PUT's or a patch's resourceVersion: "last" (as this server last answered), "stale", ""
    as_user: str = ""  # the user the request impersonates (Impersonate-User), "" for none
    as_group: str = ""  # and a group (Impersonate-Group)

    @property
    def name(self) -> str:
        parts = self.path.split("/")
        return parts[2] if len(parts) > 2 else ""

    @property
    def collection(self) -> str:
        return self.path.split("/")[1]

    def __str__(self) -> str:
        who = f" as {self.as_user}" if self.as_user else ""
        return f"{self.method} {self.path}?{self.query}{who} {self.content_type} {json.dumps(self.body)[:100]}"

# values of every JSON type, each wrong somewhere: what a write's body is bent with (mutate)
JUNK: list[Any] = [None, 1, "x", [], {}, [1, "a"], {"a": None}, True, 1.5, -1, "", {"b": [1]}, [{}], "1Gi", 2**40]


def mutate(doc: Any, rnd: random.Random) -> None:
    if isinstance(doc, dict) and doc and rnd.random() < 0.8:
        key = rnd.choice(list(doc))
        r = rnd.random()
        if r < 0.3:
            doc[key] = copy.deepcopy(rnd.choice(JUNK))
        elif r < 0.4:
            del doc[key]
        else:
            mutate(doc[key], rnd)
    elif isinstance(doc, list) and doc:
        i = rnd.randrange(len(doc))
        if rnd.random() < 0.3:
            doc[i] = copy.deepcopy(rnd.choice(JUNK))
        else:
            mutate(doc[i], rnd)


def bent(sequence: list[Op], seed: int) -> list[Op]:
    """The sequence with about half of its writes' bodies bent (one to three values replaced by one of another
    JSON type, dropped, or changed deep inside): the answers of bodies nobody tested (scan_writes --bent)."""
    r = random.Random(seed * 7919)
    out = []
    for op in sequence:
        if op.method in ("POST", "PUT", "PATCH") and isinstance(op.body, dict) and r.random() < 0.5:
            body = copy.deepcopy(op.body)
            for _ in range(r.randint(1, 3)):
                mutate(body, r)
            if op.rv and not isinstance(body.get("metadata", {}), dict):  # (run() writes its resourceVersion)
                body["metadata"] = copy.deepcopy(op.body.get("metadata", {}))
            op = dataclasses.replace(op, body=body)
        out.append(op)
    return out


def ops(seed: int, n: int) -> list[Op]:
    r = random.Random(seed)
    out = []
    for _ in range(n):
        name = r.choice(_NAMES)
        kind = r.choice(("create", "create", "update", "update", "merge", "smp", "jsonpatch", "apply", "delete",
                         "get", "list", "deletecollection", "status"))
        query = ["dryRun=All"] if r.random() < 0.15 else []
        if kind in ("create", "update", "merge", "smp", "jsonpatch") and r.random() < 0.2:
            query.append("fieldManager=" + r.choice(("m1", "m2")))
        data, labels = r.choice(_DATA), r.choice(_LABELS)
        rv = r.choice(("last", "last", "", "stale"))
        path = f"/configmaps/{name}"
        if kind == "create":
            meta: dict[str, Any] = {"name": name, "labels": labels} if r.random() < 0.85 else {"generateName": "g-"}
            if r.random() < 0.2:
                meta["finalizers"] = ["example.com/f"]
            body: dict[str, Any] = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta}
            if data is not None:
                body["data"] = data
            if r.random() < 0.1:
                body["immutable"] = True
            out.append(Op("POST", "/configmaps", "&".join(query), body))
        elif kind == "update":
            body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "labels": labels}}
            if data is not None:
                body["data"] = data
            if r.random() < 0.1:
                body["metadata"]["finalizers"] = []
            out.append(Op("PUT", path, "&".join(query), body, rv=rv))
        elif kind == "merge":
            body = {"metadata": {"labels": r.choice(({"x": None}, {"x": "3"}, {"y": "w"}))},
                    "data": r.choice(({"k": None}, {"n": "v"}, None))}
            if r.random() < 0.2:
                body["metadata"]["finalizers"] = None
            out.append(Op("PATCH", path, "&".join(query), body, MERGE, r.choice(("", "", "last", "stale"))))
        elif kind == "smp":
            body = {"metadata": {"labels": {"x": r.choice(("1", "4", None))}}, "data": {"s": "1"}}
            out.append(Op("PATCH", path, "&".join(query), body, SMP))
        elif kind == "jsonpatch":
            patch = r.choice(([{"op": "add", "path": "/data/z", "value": "1"}], [{"op": "remove", "path": "/data/k"}],
                              [{"op": "replace", "path": "/metadata/labels", "value": {"p": "q"}}],
                              [{"op": "test", "path": "/data/k", "value": "1"},
                               {"op": "add", "path": "/data/t", "value": "y"}]))
            out.append(Op("PATCH", path, "&".join(query), patch, JSONP))
        elif kind == "apply":
            query = [*(q for q in query if not q.startswith("fieldManager")),
                     "fieldManager=" + r.choice(("ap1", "ap2"))]
            if r.random() < 0.3:
                query.append("force=true")
            applied = r.choice(({"k": "a"}, {"k": "b"}, {"o": "1"}))
            text = f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n" + \
                "".join(f'  {k}: "{v}"\n' for k, v in applied.items())
            out.append(Op("PATCH", path, "&".join(query), text, APPLY))
        elif kind == "delete":
            options: dict[str, Any] | None = None
            if r.random() < 0.4:
                options = {"kind": "DeleteOptions", "apiVersion": "v1"}
                if r.random() < 0.5:
                    options["preconditions"] = {"resourceVersion": "last"}
                if r.random() < 0.3:
                    options["propagationPolicy"] = r.choice(("Foreground", "Background", "Orphan"))
                if r.random() < 0.2:
                    options["gracePeriodSeconds"] = 0
            out.append(Op("DELETE", path, "&".join(query), options, rv=rv))
        elif kind == "get":
            out.append(Op("GET", path))
        elif kind == "list":
            out.append(Op("GET", "/configmaps", r.choice(("", "labelSelector=x%3D1", "labelSelector=y",
                                                          "fieldSelector=metadata.name%3Da"))))
        elif kind == "deletecollection":
            selector = r.choice(("labelSelector=x%3D2", "labelSelector=y", "fieldSelector=metadata.name%3Db"))
            out.append(Op("DELETE", "/configmaps", "&".join([*query, selector])))
        else:
            out.append(Op("GET", f"{path}/status"))
    return [*out, Op("GET", "/configmaps")]


# uids, times, what allocators draw (a Service's cluster IPs and node ports) and a service account's tokens
_IGNORED = frozenset({"uid", "creationTimestamp", "deletionTimestamp", "managedFields", "time", "lastTransitionTime",
                      "lastUpdateTime", "clusterIP", "clusterIPs", "nodePort", "healthCheckNodePort",
                      "lastPhaseTransitionTime", "token", "expirationTimestamp"})


_STAMPED = frozenset({"timeAdded"})  # a time the server sets: whether there is one must agree, not when


_UID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")  # in a Job's selector


_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z")  # each server's clock, quoted in a message


def reduce(doc: Any) -> Any:
    """What must agree: uids, times (also where a message quotes an object), allocated addresses and ports and
    managedFields left out, numbers of 3 digits and more (resourceVersions) and generated names' suffixes made
    alike, a list's items in a canonical order (generated names sort apart)."""
    if isinstance(doc, dict):
        if isinstance(doc.get("items"), list):
            doc = {**doc, "items": sorted(doc["items"], key=lambda i: json.dumps(reduce(i), sort_keys=True))}
        return {k: "TIME" if k in _STAMPED else reduce(_TIME.sub("TIME", v) if k == "message" and isinstance(v, str)
                                                       else v)
                for k, v in doc.items() if k not in _IGNORED}
    if isinstance(doc, list):
        return [reduce(v) for v in doc]
    if isinstance(doc, str):
        return re.sub(r"\b\d{3,}\b", "N", re.sub(r"\bg-[a-z0-9]{5}\b", "g-XXXXX", _UID.sub("UID", _rbac_reason(doc))))
    return doc


def _rbac_reason(text: str) -> str:
    """An access review's reason or a 403's message without what the apiserver's cache order decides: which of
    the bindings that allow it names, the order of the missing roles it lists."""
    if text.startswith("RBAC: allowed by "):
        return "RBAC: allowed by a binding"
    for opening, closing in (("rbac: RBAC: [", "]"), ("; resolution errors: [[", "]]")):
        head, found, missing = text.partition(opening)
        if found and missing.endswith(closing):
            return head + found + ", ".join(sorted(missing[:-len(closing)].split(", "))) + closing
    return text


def managed_fields(doc: Any) -> Any:
    """The managedFields of an answer's object (or of each listed one), times made alike (they follow each
    server's clock: whether an entry has one must agree) and entries in an order that does not depend on them."""
    if not isinstance(doc, dict):
        return None
    out = []
    listed = sorted(doc["items"], key=lambda i: json.dumps(reduce(i), sort_keys=True)) \
        if isinstance(doc.get("items"), list) else [doc]  # (in reduce's order: generated names sort apart)
    for obj in listed:
        entries = (obj.get("metadata") or {}).get("managedFields") or []
        # (the reference apiserver's own controllers write as its binary, the test peer `realkube`)
        entries = [{**e, "manager": "kube-apiserver"} if e.get("manager") == "realkube" else e for e in entries]
        out.append(sorted(({k: "TIME" if k == "time" else v for k, v in e.items()} for e in entries),
                          key=lambda e: (e["operation"], e["manager"], e["apiVersion"], e.get("subresource", ""))))
    return out


def workload(kind: str, name: str, image: str, replicas: int | None = None, **spec: Any) -> dict[str, Any]:
    """An apps/v1 workload whose selector selects its one-container template."""
    template = {"metadata": {"labels": {"app": name}}, "spec": {"containers": [{"name": "c", "image": image}]}}
    body: dict[str, Any] = {"selector": {"matchLabels": {"app": name}}, "template": template, **spec}
    if replicas is not None:
        body["replicas"] = replicas
    return {"apiVersion": "apps/v1", "kind": kind, "metadata": {"name": name}, "spec": body}


def _deployment(name: str, replicas: int | None = None, image: str = "nginx:1.27", **spec: Any) -> dict[str, Any]:
    return workload("Deployment", name, image, replicas, **spec)


def _steps(seed: int, n: int, collection: str, names: tuple[str, ...], kinds: tuple[str, ...]
           ) -> Iterator[tuple[random.Random, str, str, str, str]]:
    """Each step's random source, object name and path, query (a dry run one time in ten) and kind of write."""
    r = random.Random(seed)
    for _ in range(n):
        name = r.choice(names)
        path = f"/{collection}/{name}"
        query = "dryRun=All" if r.random() < 0.1 else ""
        yield r, name, path, query, r.choice(kinds)


def _applied(r: random.Random, path: str, query: str, doc: dict[str, Any], *, force: bool = False,
             manager: str = "") -> Op:
    """A server-side apply of `doc` by one of two managers (drawn here unless given), forced three times in ten
    when `force`."""
    manager = manager or r.choice(("ap1", "ap2"))
    options = [query, f"fieldManager={manager}", "force=true" if force and r.random() < 0.3 else ""]
    return Op("PATCH", path, "&".join(filter(None, options)), json.dumps(doc), APPLY)


def _replicated_apply(r: random.Random, name: str, path: str, query: str,
                      make: Callable[..., dict[str, Any]]) -> Op:
    """An apply of a Deployment's or StatefulSet's replicas alone, or of a whole spec, by one of two managers."""
    spec = r.choice(({"replicas": r.randint(1, 4)}, make(name, None, r.choice(("a", "b")))["spec"],
                     make(name, 2)["spec"]))
    return _applied(r, path, query, {**make(name), "spec": spec}, force=True)


def _scale_writes(r: random.Random, name: str, path: str, query: str) -> tuple[Op, Op]:
    """A PUT of a Scale and a merge patch of one."""
    scale = {"apiVersion": "autoscaling/v1", "kind": "Scale", "metadata": {"name": name},
             "spec": {"replicas": r.randint(0, 6)}}
    return (Op("PUT", f"{path}/scale", query, scale, rv=r.choice(("last", ""))),
            Op("PATCH", f"{path}/scale", query, {"spec": {"replicas": r.randint(0, 6)}}, MERGE))


def _enriched(doc: dict[str, Any], r: random.Random, *path: str) -> dict[str, Any]:
    """`doc` with the pod template at `path` given, one time in three, the newer fields of a _rich_pod (its
    restart policy and labels kept): a template is validated and warned of, never defaulted, as a pod is."""
    if r.random() < 2 / 3:
        return doc
    template = doc
    for part in path:
        template = template[part]
    pod = _rich_pod(str(doc["metadata"]["name"]), r)
    template["spec"] = {**template.get("spec", {}), **pod["spec"]}
    template.setdefault("metadata", {})["annotations"] = pod["metadata"]["annotations"]
    return doc


def deployment_ops(seed: int, n: int) -> list[Op]:
    out = []
    kinds = ("create", "rich", "update", "merge", "smp", "jsonpatch", "apply", "apply", "scale", "get", "delete")
    for r, name, path, query, kind in _steps(seed, n, "deployments", ("d1", "d2"), kinds):
        if kind == "rich":  # a template with a pod's newer fields (no pod strategy fills them in a template)
            pod, doc = _rich_pod(name, r), _deployment(name, r.choice((None, 1)))
            doc["spec"]["template"]["spec"] = pod["spec"]
            doc["spec"]["template"]["metadata"]["annotations"] = pod["metadata"]["annotations"]
            out.append(Op("POST", "/deployments", query, doc))
        elif kind == "create":
            extra = r.choice(({}, {"strategy": {"type": "Recreate"}}, {"minReadySeconds": 5}))
            out.append(Op("POST", "/deployments", query,
                          _deployment(name, r.choice((None, 1, 3)), r.choice(("nginx:1.27", "nginx:1.28")), **extra)))
        elif kind == "update":
            out.append(Op("PUT", path, query, _deployment(name, r.choice((None, 2, 4)), r.choice(("a", "b"))),
                          rv=r.choice(("last", ""))))
        elif kind == "merge":
            out.append(Op("PATCH", path, query, r.choice((
                {"spec": {"replicas": r.randint(0, 5)}}, {"metadata": {"labels": {"m": "1"}}},
                {"spec": {"template": {"spec": {"containers": [{"name": "c", "image": "busybox"}]}}}})), MERGE))
        elif kind == "smp":
            out.append(Op("PATCH", path, query, r.choice((
                {"spec": {"template": {"spec": {"containers": [{"name": "side", "image": "x"}]}}}},
                {"spec": {"template": {"spec": {"containers": [{"name": "c", "image": "y"}]}}}},
                {"spec": {"paused": True}})), SMP))
        elif kind == "jsonpatch":
            out.append(Op("PATCH", path, query, [{"op": "replace", "path": "/spec/replicas", "value": r.randint(0, 3)}],
                          JSONP))
        elif kind == "apply":
            out.append(_replicated_apply(r, name, path, query, _deployment))
        elif kind == "scale":
            scale = _scale_writes(r, name, path, query)
            status = Op("PATCH", f"{path}/status", query, {"status": {"replicas": r.randint(0, 3)}}, MERGE)
            out.append(r.choice((*scale, status)))
        elif kind == "get":
            out.append(Op("GET", path))
        else:
            out.append(Op("DELETE", path, query))
    return [*out, Op("GET", "/deployments")]


def _stateful_set(name: str, replicas: int | None = None, image: str = "nginx:1.27", **spec: Any) -> dict[str, Any]:
    return workload("StatefulSet", name, image, replicas, **{"serviceName": "svc", **spec})


_CLAIMS: list[dict[str, Any]] = [{"metadata": {"name": "data"}, "spec": {
    "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}]
_OTHER_CLAIMS: list[dict[str, Any]] = [{"metadata": {"name": "data", "labels": {"l": "v"}}, "spec": {
    "accessModes": ["ReadWriteOnce"], "storageClassName": "fast",
    "dataSource": {"kind": "PersistentVolumeClaim", "name": "src"}, "resources": {"requests": {"storage": "2Gi"}}}}]


def stateful_set_ops(seed: int, n: int) -> list[Op]:
    """StatefulSets: the fields an update may not change (claim templates among them, printed as Go's internal
    struct), an update strategy patched to OnDelete under a rolling update's parameters, status counts."""
    out: list[Op] = []
    kinds = ("create", "create", "update", "merge", "smp", "jsonpatch", "apply", "apply", "scale", "status", "get",
             "delete")
    for r, name, path, query, kind in _steps(seed, n, "statefulsets", ("s1", "s2"), kinds):
        if kind == "create":
            extra = r.choice(({}, {"podManagementPolicy": "Parallel"}, {"volumeClaimTemplates": _CLAIMS},
                              {"updateStrategy": {"type": "OnDelete"}}, {"minReadySeconds": 3}))
            out.append(Op("POST", "/statefulsets", query, _enriched(
                _stateful_set(name, r.choice((None, 1, 3)), r.choice(("nginx:1.27", "b")), **extra), r, "spec",
                "template")))
        elif kind == "update":
            extra = r.choice(({}, {"serviceName": "other"}, {"podManagementPolicy": "Parallel"},
                              {"minReadySeconds": 1}, {"volumeClaimTemplates": _OTHER_CLAIMS},
                              {"volumeClaimTemplates": _CLAIMS}))
            body = _stateful_set(name, r.choice((None, 2)), r.choice(("a", "b")), **extra)
            out.append(Op("PUT", path, query, body, rv=r.choice(("last", ""))))
        elif kind == "merge":
            out.append(Op("PATCH", path, query, r.choice((
                {"spec": {"replicas": r.randint(0, 5)}}, {"metadata": {"labels": {"m": "1"}}},
                {"spec": {"serviceName": "x"}}, {"spec": {"updateStrategy": {"type": "OnDelete"}}},
                {"spec": {"persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Delete"}}},
                {"spec": {"template": {"spec": {"containers": [{"name": "c", "image": "busybox"}]}}}})), MERGE))
        elif kind == "smp":
            out.append(Op("PATCH", path, query, r.choice((
                {"spec": {"template": {"spec": {"containers": [{"name": "side", "image": "x"}]}}}},
                {"spec": {"updateStrategy": {"rollingUpdate": {"partition": 1}}}},
                {"spec": {"ordinals": {"start": 2}}})), SMP))
        elif kind == "jsonpatch":
            out.append(Op("PATCH", path, query, [r.choice((
                {"op": "replace", "path": "/spec/replicas", "value": r.randint(0, 3)},
                {"op": "replace", "path": "/spec/selector/matchLabels/app", "value": "zz"}))], JSONP))
        elif kind == "apply":
            out.append(_replicated_apply(r, name, path, query, _stateful_set))
        elif kind == "scale":
            out.append(r.choice(_scale_writes(r, name, path, query)))
        elif kind == "status":
            out.append(Op("PATCH", f"{path}/status", query, r.choice((
                {"status": {"replicas": r.randint(0, 3), "readyReplicas": r.randint(0, 3)}},
                {"status": {"currentRevision": "s-1", "observedGeneration": 1}})), MERGE))
        elif kind == "get":
            out.append(Op("GET", path))
        else:
            out.append(Op("DELETE", path, query))
    return [*out, Op("GET", "/statefulsets")]


def _job(name: str, image: str = "busybox", restart: str = "Never", **spec: Any) -> dict[str, Any]:
    pod = {"restartPolicy": restart, "containers": [{"name": "c", "image": image}]}
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": name},
            "spec": {"template": {"spec": pod}, **spec}}


_DONE = "2026-01-01T00:05:00Z"
_STARTED = "2026-01-01T00:00:00Z"
_JOB_STATUSES: tuple[dict[str, Any], ...] = (
    {"active": 2}, {"active": 1, "ready": 2}, {"startTime": _STARTED}, {"startTime": "2026-01-01T00:01:00Z"},
    {"succeeded": 1, "conditions": [{"type": "Complete", "status": "True"}]},
    {"succeeded": 1, "startTime": _STARTED, "completionTime": _DONE, "conditions": [
        {"type": "SuccessCriteriaMet", "status": "True"}, {"type": "Complete", "status": "True"}]},
    {"startTime": _DONE, "completionTime": _STARTED, "conditions": [
        {"type": "SuccessCriteriaMet", "status": "True"}, {"type": "Complete", "status": "True"}]},
    {"failed": 1, "conditions": [{"type": "Failed", "status": "True"}]},
    {"failed": 1, "startTime": _STARTED, "conditions": [
        {"type": "FailureTarget", "status": "True"}, {"type": "Failed", "status": "True"}]},
    {"succeeded": 0, "failed": 0, "conditions": []}, {"completedIndexes": "0"},
)


_INDEXED_JOB = {"completionMode": "Indexed", "completions": 4, "backoffLimitPerIndex": 1, "maxFailedIndexes": 2,
                "successPolicy": {"rules": [{"succeededIndexes": "0-1,3", "succeededCount": 1}]}}
_FAILURE_POLICY = {"rules": [{"action": "FailJob", "onExitCodes": {"operator": "In", "values": [1, 2]}},
                             {"action": "Ignore", "onPodConditions": [{"type": "DisruptionTarget"}]}]}


def job_ops(seed: int, n: int) -> list[Op]:
    """Jobs: the pod template a Job keeps (but for a suspended Job that never ran: its scheduling directives and
    resources), completions, indexed Jobs' limits and success policy, a pod failure policy, deletes that orphan
    the pods by default (with the warning), the status rules of finished Jobs."""
    out: list[Op] = []
    kinds = ("create", "create", "update", "merge", "smp", "jsonpatch", "apply", "apply", "status", "status", "get",
             "delete", "delete")
    for r, name, path, query, kind in _steps(seed, n, "jobs", ("j1", "j2"), kinds):
        if kind == "create":
            extra = r.choice(({}, {"completions": 3, "parallelism": 2}, {"backoffLimit": 2}, {"suspend": True},
                              {"completionMode": "Indexed", "completions": 2}, {"ttlSecondsAfterFinished": 10},
                              {"activeDeadlineSeconds": 30}, _INDEXED_JOB, {"podFailurePolicy": _FAILURE_POLICY},
                              {"managedBy": r.choice(("example.com/mine", "mine"))},
                              {"podReplacementPolicy": r.choice(("Failed", "TerminatingOrFailed"))}))
            out.append(Op("POST", "/jobs", query, _enriched(_job(name, r.choice(("busybox", "alpine")),
                                                                 r.choice(("Never", "OnFailure", "Always")), **extra),
                                                            r, "spec", "template")))
        elif kind == "update":
            out.append(Op("PUT", path, query, _job(name, r.choice(("busybox", "alpine")),
                                                   **r.choice(({}, {"parallelism": 4}, {"suspend": False}))),
                          rv=r.choice(("last", ""))))
        elif kind == "merge":
            out.append(Op("PATCH", path, query, r.choice((
                {"spec": {"parallelism": r.randint(0, 5)}}, {"spec": {"suspend": r.choice((True, False))}},
                {"spec": {"completions": 5}}, {"metadata": {"labels": {"m": "1"}}},
                {"spec": {"maxFailedIndexes": r.randint(0, 5)}}, {"spec": {"successPolicy": {"rules": [
                    {"succeededCount": r.randint(0, 3)}]}}},
                {"spec": {"template": {"spec": {"containers": [{"name": "c", "image": "x"}]}}}})), MERGE))
        elif kind == "smp":
            out.append(Op("PATCH", path, query, r.choice((
                {"spec": {"activeDeadlineSeconds": r.randint(1, 60)}},
                {"spec": {"backoffLimit": r.randint(0, 9)}},
                {"spec": {"template": {"metadata": {"labels": {"extra": "1"}}}}},
                {"spec": {"template": {"spec": {"nodeSelector": {"disk": "ssd"}}}}},
                {"spec": {"template": {"spec": {"containers": [
                    {"name": "c", "resources": {"requests": {"cpu": "100m"}}}]}}}})), SMP))
        elif kind == "jsonpatch":
            out.append(Op("PATCH", path, query, [r.choice((
                {"op": "replace", "path": "/spec/parallelism", "value": r.randint(0, 3)},
                {"op": "remove", "path": "/spec/selector"},
                {"op": "add", "path": "/spec/manualSelector", "value": True}))], JSONP))
        elif kind == "apply":
            doc = _job(name, r.choice(("busybox", "alpine")), **r.choice(({}, {"parallelism": 3})))
            out.append(_applied(r, path, query, doc, force=True))
        elif kind == "status":
            out.append(Op("PATCH", f"{path}/status", query, {"status": r.choice(_JOB_STATUSES)}, MERGE))
        elif kind == "get":
            out.append(Op("GET", path))
        else:
            policy = r.choice(("", "propagationPolicy=Background", "propagationPolicy=Orphan"))
            out.append(Op("DELETE", path, "&".join(filter(None, (query, policy)))))
    return [*out, Op("GET", "/jobs")]


def _daemon_set(name: str, image: str = "nginx", **spec: Any) -> dict[str, Any]:
    return workload("DaemonSet", name, image, **spec)


def daemon_set_ops(seed: int, n: int) -> list[Op]:
    """DaemonSets: the template generation an update keeps (one more when the template changes), an update
    strategy's parameters, a selector an update may not change, status counts."""
    out: list[Op] = []
    kinds = ("create", "create", "update", "merge", "smp", "jsonpatch", "apply", "status", "get", "delete")
    for r, name, path, query, kind in _steps(seed, n, "daemonsets", ("d1", "d2"), kinds):
        if kind == "create":
            image = r.choice(("a", "b"))
            extra = r.choice(({}, {"minReadySeconds": 2}, {"updateStrategy": {"type": "OnDelete"}}))
            out.append(Op("POST", "/daemonsets", query, _enriched(_daemon_set(name, image, **extra), r, "spec",
                                                                  "template")))
        elif kind == "update":
            image = r.choice(("a", "c"))
            extra = r.choice(({}, {"selector": {"matchLabels": {"app": name, "x": "y"}}}, {"revisionHistoryLimit": 3}))
            out.append(Op("PUT", path, query, _daemon_set(name, image, **extra), rv=r.choice(("last", ""))))
        elif kind == "merge":
            out.append(Op("PATCH", path, query, r.choice((
                {"spec": {"updateStrategy": {"type": "OnDelete"}}},
                {"spec": {"updateStrategy": {"rollingUpdate": {"maxUnavailable": 0}}}},
                {"spec": {"updateStrategy": {"rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}}}},
                {"metadata": {"labels": {"m": "1"}}},
                {"spec": {"template": {"spec": {"containers": [{"name": "c", "image": "z"}]}}}})), MERGE))
        elif kind == "smp":
            out.append(Op("PATCH", path, query, r.choice((
                {"spec": {"minReadySeconds": -1}},
                {"spec": {"template": {"spec": {"tolerations": [{"operator": "Exists"}]}}}})), SMP))
        elif kind == "jsonpatch":
            out.append(Op("PATCH", path, query, [{"op": "replace", "path": "/spec/selector/matchLabels/app",
                                                  "value": "q"}], JSONP))
        elif kind == "apply":
            out.append(_applied(r, path, query, _daemon_set(name, r.choice(("a", "b")))))
        elif kind == "status":
            out.append(Op("PATCH", f"{path}/status", query, {"status": r.choice((
                {"numberReady": -1}, {"desiredNumberScheduled": 2, "numberReady": 1}, {"collisionCount": 2},
                {"collisionCount": 1}))}, MERGE))
        elif kind == "get":
            out.append(Op("GET", path))
        else:
            out.append(Op("DELETE", path, query))
    return [*out, Op("GET", "/daemonsets")]


def _cron_job(name: str, schedule: str = "*/5 * * * *", **spec: Any) -> dict[str, Any]:
    pod = {"restartPolicy": "OnFailure", "containers": [{"name": "c", "image": "busybox"}]}
    return {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": name},
            "spec": {"schedule": schedule, "jobTemplate": {"spec": {"template": {"spec": pod}}}, **spec}}


_ZONES = ({}, {"suspend": True}, {"concurrencyPolicy": "Forbid"}, {"timeZone": "Etc/UTC"}, {"timeZone": "Mars/Base"},
          {"timeZone": "local"}, {"timeZone": "Europe/../x"}, {"timeZone": ""})


def cron_job_ops(seed: int, n: int) -> list[Op]:
    """CronJobs: schedules robfig's parser refuses, time zones the zone database does not know, the job
    template and the concurrency policy."""
    out: list[Op] = []
    kinds = ("create", "create", "update", "merge", "smp", "jsonpatch", "apply", "status", "get", "delete")
    for r, name, path, query, kind in _steps(seed, n, "cronjobs", ("c1", "c2"), kinds):
        if kind == "create":
            schedule = r.choice(("*/5 * * * *", "@hourly", "bad", "0 0 * * *"))
            out.append(Op("POST", "/cronjobs", query, _enriched(_cron_job(name, schedule, **r.choice(_ZONES)), r,
                                                                "spec", "jobTemplate", "spec", "template")))
        elif kind == "update":
            schedule = r.choice(("@daily", "* * * * *"))
            extra = r.choice(({}, {"successfulJobsHistoryLimit": 1}, {"startingDeadlineSeconds": 5}))
            out.append(Op("PUT", path, query, _cron_job(name, schedule, **extra), rv=r.choice(("last", ""))))
        elif kind == "merge":
            out.append(Op("PATCH", path, query, r.choice((
                {"spec": {"suspend": True}}, {"spec": {"schedule": "61 * * * *"}},
                {"spec": {"jobTemplate": {"spec": {"completions": 2}}}}, {"spec": {"concurrencyPolicy": "Sometimes"}})),
                MERGE))
        elif kind == "smp":
            template = {"spec": {"containers": [{"name": "c", "image": "alpine"}]}}
            out.append(Op("PATCH", path, query, {"spec": {"jobTemplate": {"spec": {"template": template}}}}, SMP))
        elif kind == "jsonpatch":
            out.append(Op("PATCH", path, query, [{"op": "replace", "path": "/spec/schedule",
                                                  "value": r.choice(("@weekly", "x y"))}], JSONP))
        elif kind == "apply":
            out.append(_applied(r, path, query, _cron_job(name, r.choice(("@hourly", "*/2 * * * *")))))
        elif kind == "status":
            out.append(Op("PATCH", f"{path}/status", query, {"status": r.choice((
                {"lastScheduleTime": "2026-01-01T00:00:00Z"}, {"active": [{"name": "j", "kind": "Job"}]},
                {"lastSuccessfulTime": "2026-01-01T00:01:00Z"}))}, MERGE))
        elif kind == "get":
            out.append(Op("GET", path))
        else:
            out.append(Op("DELETE", path, query))
    return [*out, Op("GET", "/cronjobs")]


def _claim(name: str, size: str = "1Gi", **spec: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": name},
            "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": size}}, **spec}}


def claim_ops(seed: int, n: int) -> list[Op]:
    """PersistentVolumeClaims: a spec an update may not change (but its volume's name once, a storage class
    where there was none, a bound claim's requested storage), printed as Go's diff of the internal specs."""
    out: list[Op] = []
    kinds = ("create", "create", "update", "merge", "smp", "jsonpatch", "apply", "status", "get", "delete")
    for r, name, path, query, kind in _steps(seed, n, "persistentvolumeclaims", ("v1", "v2"), kinds):
        if kind == "create":
            size = r.choice(("1Gi", "500Mi", "0"))
            extra = r.choice(({}, {"storageClassName": "fast"}, {"volumeMode": "Block"},
                              {"accessModes": ["ReadWriteMany", "ReadOnlyMany"]}, {"volumeName": "pv1"}))
            out.append(Op("POST", "/persistentvolumeclaims", query, _claim(name, size, **extra)))
        elif kind == "update":
            size = r.choice(("1Gi", "2Gi", "100Mi"))
            extra = r.choice(({}, {"storageClassName": "slow"}, {"volumeMode": "Filesystem"}))
            out.append(Op("PUT", path, query, _claim(name, size, **extra), rv=r.choice(("last", ""))))
        elif kind == "merge":
            out.append(Op("PATCH", path, query, r.choice((
                {"spec": {"resources": {"requests": {"storage": "3Gi"}}}}, {"spec": {"accessModes": ["ReadWriteMany"]}},
                {"metadata": {"labels": {"m": "1"}}}, {"spec": {"volumeName": "pv2"}})), MERGE))
        elif kind == "smp":
            out.append(Op("PATCH", path, query, {"spec": {"resources": {"limits": {"storage": "5Gi"}}}}, SMP))
        elif kind == "jsonpatch":
            out.append(Op("PATCH", path, query, [{"op": "replace", "path": "/spec/storageClassName", "value": "x"}],
                          JSONP))
        elif kind == "apply":
            out.append(_applied(r, path, query, _claim(name, r.choice(("1Gi", "4Gi")))))
        elif kind == "status":
            out.append(Op("PATCH", f"{path}/status", query, {"status": r.choice((
                {"phase": "Bound", "capacity": {"storage": "1Gi"}}, {"phase": "Lost"},
                {"accessModes": ["ReadWriteOnce"]}))}, MERGE))
        elif kind == "get":
            out.append(Op("GET", path))
        else:
            out.append(Op("DELETE", path, query))
    return [*out, Op("GET", "/persistentvolumeclaims")]


def _ingress(name: str, host: str = "a.example.com", **spec: Any) -> dict[str, Any]:
    backend = {"service": {"name": "s", "port": {"number": 80}}}
    rule = {"host": host, "http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": backend}]}}
    return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": name},
            "spec": {"rules": [rule], **spec}}


_INGRESS_ADDRESSES: tuple[dict[str, str], ...] = (
    {"ip": "1.2.3.4"}, {"hostname": "lb.example.com"}, {"ip": "bad"}, {"ip": "010.1.2.3"}, {"ip": "::ffff:1.2.3.4"},
    {"hostname": "1.2.3.4"}, {"hostname": "Bad_Name"})


def ingress_ops(seed: int, n: int) -> list[Op]:
    """Ingresses: hosts, TLS, class and path types, and the addresses a load balancer status may hold."""
    out: list[Op] = []
    kinds = ("create", "create", "update", "merge", "smp", "jsonpatch", "apply", "status", "get", "delete")
    for r, name, path, query, kind in _steps(seed, n, "ingresses", ("i1", "i2"), kinds):
        if kind == "create":
            host = r.choice(("a.example.com", "*.example.com", "Bad_Host", "1.2.3.4"))
            extra = r.choice(({}, {"ingressClassName": "nginx"},
                              {"tls": [{"hosts": ["a.example.com"], "secretName": "t"}]},
                              {"defaultBackend": {"service": {"name": "d", "port": {"name": "http"}}}}))
            out.append(Op("POST", "/ingresses", query, _ingress(name, host, **extra)))
        elif kind == "update":
            host = r.choice(("b.example.com", "a.example.com"))
            out.append(Op("PUT", path, query, _ingress(name, host, **r.choice(({}, {"ingressClassName": "other"}))),
                          rv=r.choice(("last", ""))))
        elif kind == "merge":
            out.append(Op("PATCH", path, query, r.choice((
                {"spec": {"ingressClassName": "x"}}, {"metadata": {"annotations": {"a": "b"}}},
                {"spec": {"tls": [{"secretName": "s2"}]}})), MERGE))
        elif kind == "smp":
            out.append(Op("PATCH", path, query, {"spec": {"rules": [{"host": "c.example.com"}]}}, SMP))
        elif kind == "jsonpatch":
            out.append(Op("PATCH", path, query, [{"op": "replace", "path": "/spec/rules/0/http/paths/0/pathType",
                                                  "value": r.choice(("Exact", "Bogus", "ImplementationSpecific"))}],
                          JSONP))
        elif kind == "apply":
            out.append(_applied(r, path, query, _ingress(name, r.choice(("a.example.com", "d.example.com")))))
        elif kind == "status":
            address = r.choice(_INGRESS_ADDRESSES)
            out.append(Op("PATCH", f"{path}/status", query, {"status": {"loadBalancer": {"ingress": [address]}}},
                          MERGE))
        elif kind == "get":
            out.append(Op("GET", path))
        else:
            out.append(Op("DELETE", path, query))
    return [*out, Op("GET", "/ingresses")]


def _pod(name: str, image: str = "nginx:1.27", node: str = "", env: str = "", labels: dict[str, str] | None = None,
         finalizer: bool = False) -> dict[str, Any]:
    container: dict[str, Any] = {"name": "c", "image": image, **({"env": [{"name": "A", "value": env}]} if env else {})}
    meta: dict[str, Any] = {"name": name, **({"labels": labels} if labels else {}),
                            **({"finalizers": ["x.io/f"]} if finalizer else {})}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta,
            "spec": {"containers": [container], **({"nodeName": node} if node else {})}}


_APPARMOR = "container.apparmor.security.beta.kubernetes.io/c"


def _rich_pod(name: str, r: random.Random) -> dict[str, Any]:
    """A pod with some of the newer fields: pod-level resources, the downward API in its environment and a
    volume, a projected token, a generic ephemeral volume, an AppArmor annotation, a deletion cost, its own user
    namespace."""
    pod = _pod(name, r.choice(("nginx:1.27", "busybox")))
    spec, ctr = pod["spec"], pod["spec"]["containers"][0]
    ctr["resources"] = r.choice(({}, {"requests": {"cpu": "100m"}, "limits": {"cpu": "200m"}},
                                 {"limits": {"memory": "64Mi"}}))
    if r.random() < 0.5:
        spec["resources"] = r.choice(({"limits": {"cpu": "1"}}, {"requests": {"memory": "32Mi"}},
                                      {"requests": {"cpu": "50m"}}, {"limits": {"cpu": "100m"}}))
    if r.random() < 0.5:
        ctr["env"] = [r.choice(({"name": "IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}},
                                {"name": "CPU", "valueFrom": {"resourceFieldRef": {"resource": "limits.cpu",
                                                                                   "divisor": "1m"}}},
                                {"name": "L", "valueFrom": {"fieldRef": {"fieldPath": "metadata.labels"}}}))]
    volume = r.choice((None, {"name": "info", "downwardAPI": {"items": [
        {"path": "labels", "fieldRef": {"fieldPath": "metadata.labels"}}]}},
        {"name": "token", "projected": {"sources": [
            {"serviceAccountToken": {"path": "token", "expirationSeconds": r.choice((3600, 60))}},
            {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}}]}},
        {"name": "scratch", "ephemeral": {"volumeClaimTemplate": {"spec": {
            "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": r.choice(("1Gi", "1.5"))}}}}}}))
    if volume is not None:
        spec["volumes"] = [volume]
        spec["serviceAccountName"] = r.choice(("default", "")) if "projected" in volume else ""
    pod["metadata"]["annotations"] = r.choice(({}, {_APPARMOR: r.choice(("runtime/default", "localhost/p", "x"))},
                                               {"controller.kubernetes.io/pod-deletion-cost": r.choice(("5", "+5"))}))
    if r.random() < 0.2:
        spec["hostUsers"] = False
    return pod


def pod_ops(seed: int, n: int) -> list[Op]:
    """Pods: bound to a node or not (graceful deletion waits for a kubelet that never comes), finalizers,
    the few spec fields an update may change, status and its conditions, evictions without a budget; some with
    the newer fields (_rich_pod), whose annotations and pod-level resources an update may not change."""
    out = []
    kinds = ("create", "create", "rich", "update", "merge", "smp", "jsonpatch", "apply", "apply", "status", "get",
             "delete", "evict", "finalizers")
    for r, name, path, query, kind in _steps(seed, n, "pods", ("p1", "p2"), kinds):
        if kind == "rich":
            out.append(Op("POST", "/pods", query, _rich_pod(name, r)))
        elif kind == "create":
            out.append(Op("POST", "/pods", query, _pod(name, r.choice(("nginx:1.27", "busybox")), r.choice(("", "n1")),
                                                      r.choice(("", "1")), r.choice((None, {"t": "a"})),
                                                      r.random() < 0.3)))
        elif kind == "update":
            out.append(Op("PUT", path, query, _pod(name, r.choice(("nginx:1.27", "nginx:1.29")), r.choice(("", "n1")),
                                                   labels=r.choice((None, {"t": "b"}))), rv=r.choice(("last", ""))))
        elif kind == "merge":
            out.append(Op("PATCH", path, query, r.choice((
                {"metadata": {"labels": {"m": "1"}}}, {"spec": {"activeDeadlineSeconds": r.randint(1, 100)}},
                {"spec": {"containers": [{"name": "c", "image": "busybox"}]}},
                {"metadata": {"annotations": {_APPARMOR: "unconfined"}}}, {"spec": {"resources": None}},
                {"spec": {"resources": {"limits": {"cpu": "2"}}}})), MERGE))
        elif kind == "smp":
            out.append(Op("PATCH", path, query, r.choice((
                {"spec": {"containers": [{"name": "c", "image": "y"}]}},
                {"spec": {"containers": [{"name": "c", "env": [{"name": "B", "value": "2"}]}]}},
                {"spec": {"tolerations": [{"key": "k", "operator": "Exists"}]}},
                {"metadata": {"annotations": {"a": "b"}}})), SMP))
        elif kind == "jsonpatch":
            out.append(Op("PATCH", path, query, [r.choice((
                {"op": "replace", "path": "/spec/containers/0/image", "value": "z"},
                {"op": "add", "path": "/metadata/labels", "value": {"j": "p"}},
                {"op": "remove", "path": "/metadata/finalizers"}))], JSONP))
        elif kind == "apply":
            manager = r.choice(("ap1", "ap2"))
            doc = _pod(name, r.choice(("a", "b")), env=r.choice(("", "1", "2")),
                       labels=r.choice((None, {"ap": manager})))
            out.append(_applied(r, path, query, doc, force=True, manager=manager))
        elif kind == "status":
            out.append(Op("PATCH", f"{path}/status", query, r.choice((
                {"status": {"phase": r.choice(("Running", "Succeeded", "Failed"))}},
                {"status": {"conditions": [{"type": "Ready", "status": r.choice(("True", "False"))}]}})),
                r.choice((MERGE, SMP))))
        elif kind == "get":
            out.append(Op("GET", path))
        elif kind == "delete":
            grace = r.choice(("", "gracePeriodSeconds=0", "gracePeriodSeconds=30"))
            out.append(Op("DELETE", path, "&".join(filter(None, (query, grace)))))
        elif kind == "evict":
            out.append(Op("POST", f"{path}/eviction", query,
                          {"apiVersion": "policy/v1", "kind": "Eviction", "metadata": {"name": name}}))
        else:
            out.append(Op("PATCH", path, query, {"metadata": {"finalizers": None}}, MERGE))
    return [*out, Op("GET", "/pods")]


def _service(name: str, ports: list[dict[str, Any]], **spec: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name}, "spec": {"ports": ports, **spec}}


_SERVICE_PORTS: tuple[list[dict[str, Any]], ...] = (
    [{"port": 80}], [{"port": 80, "targetPort": 8080, "name": "http"}],
    [{"port": 80, "name": "a"}, {"port": 443, "name": "b"}],
    [{"port": 53, "protocol": "UDP", "name": "dns"}, {"port": 53, "protocol": "TCP", "name": "dnst"}], [])


def service_ops(seed: int, n: int) -> list[Op]:
    """Services: allocated cluster IPs and node ports kept across updates and type changes, a PUT that
    creates, ports told apart by number and protocol under server-side apply, an atomic selector, the load
    balancer status."""
    out = []
    kinds = ("create", "create", "update", "merge", "smp", "jsonpatch", "apply", "apply", "status", "get", "delete")
    for r, name, path, query, kind in _steps(seed, n, "services", ("s1", "s2"), kinds):
        if kind == "create":
            extra = {k: v for k, v in (("type", r.choice((None, "NodePort", "ClusterIP"))),
                                       ("selector", r.choice((None, {"app": "x"})))) if v}
            out.append(Op("POST", "/services", query, _service(name, r.choice(_SERVICE_PORTS), **extra)))
        elif kind == "update":
            extra = {k: v for k, v in (("type", r.choice((None, "ClusterIP"))),
                                       ("selector", r.choice((None, {"app": "y"})))) if v}
            out.append(Op("PUT", path, query, _service(name, r.choice(_SERVICE_PORTS), **extra),
                          rv=r.choice(("last", ""))))
        elif kind == "merge":
            out.append(Op("PATCH", path, query, r.choice((
                {"metadata": {"labels": {"m": "1"}}}, {"spec": {"selector": {"app": "z"}}},
                {"spec": {"ports": [{"port": 8080}]}}, {"spec": {"type": "NodePort"}})), MERGE))
        elif kind == "smp":
            ports = r.choice(([{"port": 81, "name": "c"}], [{"port": 80, "targetPort": 9090}], None))
            spec = {"ports": ports} if ports else {"sessionAffinity": "ClientIP"}
            out.append(Op("PATCH", path, query, {"spec": spec}, SMP))
        elif kind == "jsonpatch":
            out.append(Op("PATCH", path, query, [r.choice((
                {"op": "replace", "path": "/spec/ports/0/port", "value": 90},
                {"op": "add", "path": "/metadata/labels", "value": {"j": "p"}},
                {"op": "remove", "path": "/spec/selector"}))], JSONP))
        elif kind == "apply":
            manager = r.choice(("ap1", "ap2"))
            extra = {"selector": {"app": manager}} if r.random() < 0.5 else {}
            doc = _service(name, r.choice(_SERVICE_PORTS[:4]), **extra)
            out.append(_applied(r, path, query, doc, force=True, manager=manager))
        elif kind == "status":
            balanced = {"status": {"loadBalancer": {"ingress": [{"ip": "1.2.3.4"}]}}}
            out.append(Op("PATCH", f"{path}/status", query, balanced, MERGE))
        elif kind == "get":
            out.append(Op("GET", path))
        else:
            out.append(Op("DELETE", path, query))
    return [*out, Op("GET", "/services")]


def cluster_ip_ops(seed: int, n: int) -> list[Op]:
    """Services' cluster IPs and families: headless, none asked for, invalid ones, two of a family, the
    `clusterIP` and `clusterIPs` disagreeing, families and policies, types that may not be headless, and type
    changes to and from ExternalName, which frees or allocates an IP (no IP in a range: the sequence is run on a
    real cluster that other seeds used before, where such an IP may be held)."""
    out = []
    ips = ({}, {"clusterIP": "None"}, {"clusterIP": "abc"}, {"clusterIP": "", "clusterIPs": ["None"]},
           {"clusterIPs": ["abc"]}, {"clusterIP": "None", "clusterIPs": ["None", "None"]},
           {"clusterIP": "010.1.2.3"}, {"ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack"},
           {"ipFamilies": ["IPv5"]}, {"ipFamilies": ["IPv4", "IPv4"]}, {"ipFamilyPolicy": "Sometimes"},
           {"clusterIP": "None", "ipFamilies": ["IPv4"]}, {"ipFamilies": ["IPv6"]}, {"clusterIP": "fd00::1"},
           {"ipFamilyPolicy": "RequireDualStack"}, {"ipFamilyPolicy": "PreferDualStack"},
           {"clusterIP": "None", "ipFamilyPolicy": "SingleStack", "ipFamilies": ["IPv4", "IPv6"]},
           {"clusterIP": "None", "ipFamilies": ["IPv6", "IPv4"], "ipFamilyPolicy": "RequireDualStack"})
    kinds = ("create", "create", "create", "type", "put", "get", "delete")
    for r, name, path, query, kind in _steps(seed, n, "services", ("s1", "s2"), kinds):
        typ = r.choice(({}, {"type": "NodePort"}, {"type": "LoadBalancer"},
                        {"type": "ExternalName", "externalName": "x.example.com"}))
        if kind == "create":
            out.append(Op("POST", "/services", query, _service(name, [{"port": 80}], **typ, **r.choice(ips))))
        elif kind == "type":
            change = r.choice(({"type": "ExternalName", "externalName": "x.example.com", "clusterIP": None,
                                "clusterIPs": None, "ipFamilies": None, "ipFamilyPolicy": None},
                               {"type": "ExternalName", "externalName": "x.example.com"},
                               {"type": "ClusterIP", "externalName": None}, {"type": "NodePort", "externalName": None}))
            out.append(Op("PATCH", path, query, {"spec": change}, MERGE))
        elif kind == "put":
            out.append(Op("PUT", path, query, _service(name, [{"port": 80}], **typ), rv="last"))
        elif kind == "get":
            out.append(Op("GET", path))
        else:
            out.append(Op("DELETE", path, query))
    return [*out, Op("GET", "/services")]


def node_port_ops(seed: int, n: int) -> list[Op]:
    """Services' node ports and traffic policies: ports of one number sharing a node port, ports asked for outside
    the range, load balancers without node ports, external traffic kept local (a health check node port, drawn or
    asked for), policies where no traffic comes from outside, type changes that need or free node ports (no port
    in the range is asked for: the sequence runs on a real cluster that other seeds used before)."""
    out = []
    ports = ([{"port": 80}], [{"name": "u", "port": 53, "protocol": "UDP"}, {"name": "t", "port": 53}],
             [{"port": 80, "nodePort": 80}], [{"name": "a", "port": 80}, {"name": "b", "port": 81, "nodePort": 32768}])
    extras = ({}, {"externalTrafficPolicy": "Local"}, {"externalTrafficPolicy": "Cluster"},
              {"externalTrafficPolicy": "Sometimes"}, {"allocateLoadBalancerNodePorts": False},
              {"externalTrafficPolicy": "Local", "healthCheckNodePort": 80}, {"healthCheckNodePort": 80},
              {"externalIPs": ["192.0.2.10"], "externalTrafficPolicy": "Local"})
    kinds = ("create", "create", "type", "type", "put", "get", "delete")
    for r, name, path, query, kind in _steps(seed, n, "services", ("s1", "s2"), kinds):
        typ = r.choice(({}, {"type": "NodePort"}, {"type": "LoadBalancer"}, {"type": "ClusterIP"}))
        if kind == "create":
            out.append(Op("POST", "/services", query, _service(name, r.choice(ports), **typ, **r.choice(extras))))
        elif kind == "type":
            out.append(Op("PATCH", path, query, {"spec": r.choice((
                {"type": "LoadBalancer", "externalTrafficPolicy": "Local"}, {"type": "ClusterIP"},
                {"type": "NodePort"}, {"externalTrafficPolicy": "Cluster"},
                {"type": "ClusterIP", "externalTrafficPolicy": None}))}, MERGE))
        elif kind == "put":
            out.append(Op("PUT", path, query, _service(name, r.choice(ports[:2]), **typ), rv="last"))
        elif kind == "get":
            out.append(Op("GET", path))
        else:
            out.append(Op("DELETE", path, query))
    return [*out, Op("GET", "/services")]


def service_field_ops(seed: int, n: int) -> list[Op]:
    """Services' other fields: a load balancer's source ranges (only there, CIDRs) and class (only there, a
    qualified name), the internal traffic policy, client-IP session affinity's timeout, external IPs (warned of)."""
    out = []
    extras = ({"loadBalancerSourceRanges": ["10.0.0.0/8", " 192.168.0.0/16 "]}, {"loadBalancerSourceRanges": ["bad"]},
              {"loadBalancerSourceRanges": ["10.0.0.1/8"]}, {"loadBalancerClass": "example.com/lb"},
              {"loadBalancerClass": "Bad Class!"}, {"internalTrafficPolicy": "Local"},
              {"internalTrafficPolicy": "Sometimes"}, {"externalIPs": ["192.0.2.10"]},
              {"sessionAffinity": "ClientIP", "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 0}}},
              {"sessionAffinity": "ClientIP", "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 86401}}},
              {"sessionAffinity": "ClientIP", "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 600}}}, {})
    kinds = ("create", "create", "create", "merge", "get", "delete")
    for r, name, path, query, kind in _steps(seed, n, "services", ("s1", "s2"), kinds):
        typ = r.choice(({}, {"type": "LoadBalancer"}, {"type": "NodePort"}))
        if kind == "create":
            out.append(Op("POST", "/services", query, _service(name, [{"port": 80}], **typ, **r.choice(extras))))
        elif kind == "merge":
            out.append(Op("PATCH", path, query, {"spec": r.choice(extras)}, MERGE))
        elif kind == "get":
            out.append(Op("GET", path))
        else:
            out.append(Op("DELETE", path, query))
    return [*out, Op("GET", "/services")]


_TIMES = ("2026-12-03T10:00:00.123456Z", "2026-12-03T10:00:01.000000Z", "2026-12-03T10:00:02Z",
          "2026-12-03T10:00:03.5Z", "bad")


def _lease(name: str, holder: str | None = "h1", duration: int | None = 15, **spec: Any) -> dict[str, Any]:
    fields = {"holderIdentity": holder, "leaseDurationSeconds": duration, **spec}
    return {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": {"name": name},
            "spec": {k: v for k, v in fields.items() if v is not None}}


def lease_ops(seed: int, n: int) -> list[Op]:
    """Leases as leader election writes them: taken, renewed with and without a resourceVersion, handed over,
    with times of every precision (a MicroTime), and the durations and counts validation refuses."""
    out: list[Op] = []
    kinds = ("create", "create", "update", "update", "merge", "smp", "jsonpatch", "apply", "get", "delete")
    for r, name, path, query, kind in _steps(seed, n, "leases", ("l1", "l2"), kinds):
        if kind == "create":
            out.append(Op("POST", "/leases", query, _lease(name, r.choice(("h1", None)), r.choice((15, 0, None)),
                                                          acquireTime=r.choice((None, *_TIMES)),
                                                          leaseTransitions=r.choice((None, 0, 2, -1)))))
        elif kind == "update":
            out.append(Op("PUT", path, query, _lease(name, r.choice(("h1", "h2")), r.choice((15, 30, -5)),
                                                     renewTime=r.choice(_TIMES),
                                                     leaseTransitions=r.choice((None, 1, 3))),
                          rv=r.choice(("last", "last", "", "stale"))))
        elif kind == "merge":
            out.append(Op("PATCH", path, query, r.choice((
                {"spec": {"holderIdentity": "h3", "leaseTransitions": 4}}, {"spec": {"renewTime": r.choice(_TIMES)}},
                {"spec": {"leaseDurationSeconds": None}}, {"spec": {"strategy": "OldestEmulationVersion"}},
                {"spec": {"preferredHolder": "h9"}})), MERGE, rv=r.choice(("", "last", "stale"))))
        elif kind == "smp":
            out.append(Op("PATCH", path, query, {"spec": {"renewTime": r.choice(_TIMES)}}, SMP))
        elif kind == "jsonpatch":
            out.append(Op("PATCH", path, query, [{"op": "replace", "path": "/spec/holderIdentity",
                                                  "value": r.choice(("h4", ""))}], JSONP))
        elif kind == "apply":
            out.append(_applied(r, path, query, _lease(name, r.choice(("ap", "h1")), 20,
                                                       renewTime=r.choice(_TIMES[:2])), force=True))
        elif kind == "get":
            out.append(Op("GET", path))
        else:
            out.append(Op("DELETE", path, query))
    return [*out, Op("GET", "/leases")]


def event(name: str, involved_ns: str | None = None, **fields: Any) -> dict[str, Any]:
    involved = {"kind": "Pod", "name": "p", "apiVersion": "v1", **({"namespace": involved_ns} if involved_ns else {})}
    body = {"involvedObject": involved, "reason": "Started", "message": "started", "type": "Normal",
            "source": {"component": "ctl"}, "count": 1, "firstTimestamp": "2026-12-03T10:00:00Z",
            "lastTimestamp": "2026-12-03T10:00:00Z", **fields}
    return {"apiVersion": "v1", "kind": "Event", "metadata": {"name": name},
            **{k: v for k, v in body.items() if v is not None}}


def event_ops(seed: int, n: int) -> list[Op]:
    """Core v1 Events as client-go's recorder writes them: created, their count and last time patched, and the
    fields validation looks at (the involved object's namespace, the type, reporting controller and time)."""
    out: list[Op] = []
    kinds = ("create", "create", "create", "update", "merge", "smp", "smp", "apply", "get", "delete")
    for r, name, path, query, kind in _steps(seed, n, "events", ("p.1", "p.2"), kinds):
        if kind == "create":
            extra = r.choice(({}, {"type": "Weird"}, {"type": None}, {"reason": None}, {"eventTime": _TIMES[0]},
                              {"eventTime": _TIMES[0], "reportingComponent": "ctl", "reportingInstance": "i1",
                               "action": "Start"}, {"involvedObject": {"kind": "Node", "name": "n1"}},
                              {"firstTimestamp": None, "lastTimestamp": None}))
            ns = r.choice((None, "{ns}", "other"))
            out.append(Op("POST", "/events", query, event(name, ns, **extra)))
        elif kind == "update":
            out.append(Op("PUT", path, query, event(name, None, count=r.randint(1, 4), message=r.choice(("a", "b"))),
                          rv=r.choice(("last", ""))))
        elif kind == "merge":
            out.append(Op("PATCH", path, query, r.choice(({"message": "m"}, {"involvedObject": {"name": "q"}},
                                                          {"reportingComponent": "x"})), MERGE))
        elif kind == "smp":
            out.append(Op("PATCH", path, query, {"count": r.randint(2, 9), "lastTimestamp": "2026-12-03T10:05:00Z",
                                                 "message": r.choice(("again", "started"))}, SMP))
        elif kind == "apply":
            out.append(_applied(r, path, query, event(name, None, message=r.choice(("x", "y")))))
        elif kind == "get":
            out.append(Op("GET", path))
        else:
            out.append(Op("DELETE", path, query))
    return [*out, Op("GET", "/events")]


def new_event(name: str, **fields: Any) -> dict[str, Any]:
    body = {"eventTime": _TIMES[0], "reportingController": "example.com/ctl", "reportingInstance": "ctl-1",
            "action": "Sync", "reason": "Synced", "type": "Normal", "note": "synced",
            "regarding": {"kind": "Pod", "name": "p", "namespace": "{ns}", "apiVersion": "v1"}, **fields}
    return {"apiVersion": "events.k8s.io/v1", "kind": "Event", "metadata": {"name": name},
            **{k: v for k, v in body.items() if v is not None}}


def new_event_ops(seed: int, n: int) -> list[Op]:
    """events.k8s.io/v1 Events as client-go's new recorder writes them: created with an eventTime, then a series
    patched in; and what validation refuses (no eventTime, no action, a bad type, a series without its time)."""
    out: list[Op] = []
    kinds = ("create", "create", "create", "update", "merge", "smp", "apply", "get", "delete")
    for r, name, path, query, kind in _steps(seed, n, "newevents", ("e.1", "e.2"), kinds):
        if kind == "create":
            extra = r.choice(({}, {"eventTime": None}, {"action": None}, {"type": "Odd"}, {"reportingController": None},
                              {"reportingInstance": None}, {"note": "x" * 1100}, {"eventTime": "bad"},
                              {"series": {"count": 2, "lastObservedTime": _TIMES[1]}}, {"series": {"count": 1}},
                              {"regarding": {"kind": "Node", "name": "n1"}}, {"deprecatedCount": 3}))
            out.append(Op("POST", "/newevents", query, new_event(name, **extra)))
        elif kind == "update":
            body = new_event(name, note=r.choice(("a", "b")), action=r.choice(("Sync", "X")))
            out.append(Op("PUT", path, query, body, rv=r.choice(("last", ""))))
        elif kind == "merge":
            out.append(Op("PATCH", path, query, r.choice((
                {"series": {"count": r.randint(1, 4), "lastObservedTime": _TIMES[r.randint(0, 4)]}},
                {"note": "n"}, {"eventTime": _TIMES[1]}, {"reason": None})), MERGE))
        elif kind == "smp":
            out.append(Op("PATCH", path, query, {"series": {"count": 3, "lastObservedTime": _TIMES[0]}}, SMP))
        elif kind == "apply":
            out.append(_applied(r, path, query, new_event(name, note=r.choice(("x", "y")))))
        elif kind == "get":
            out.append(Op("GET", path))
        else:
            out.append(Op("DELETE", path, query))
    return [*out, Op("GET", "/newevents")]


def _secret(name: str, type_: str | None = None, **fields: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name},
            **({"type": type_} if type_ else {}), **fields}


_SECRET_BODIES: tuple[tuple[str | None, dict[str, Any]], ...] = (
    (None, {"data": {"k": "dmFsdWU="}}), (None, {"stringData": {"k": "v", "j": "w"}, "data": {"k": "eA=="}}),
    ("kubernetes.io/tls", {"data": {"tls.crt": "eA==", "tls.key": "eA=="}}), ("kubernetes.io/tls", {"data": {}}),
    ("kubernetes.io/basic-auth", {"stringData": {"username": "u"}}), ("kubernetes.io/ssh-auth", {"data": {}}),
    ("kubernetes.io/dockerconfigjson", {"stringData": {".dockerconfigjson": "{}"}}),
    ("kubernetes.io/dockerconfigjson", {"stringData": {".dockerconfigjson": "nope"}}),
    ("kubernetes.io/service-account-token", {}), ("example.com/x", {"data": {"bad key": "eA=="}}),
    (None, {"data": {"k": "not base64"}}), (None, {"immutable": True, "data": {"k": "eA=="}}))


def secret_ops(seed: int, n: int) -> list[Op]:
    """Secrets: the keys each type needs, stringData stored as data, immutable ones, a type that cannot change."""
    out: list[Op] = []
    kinds = ("create", "create", "update", "merge", "smp", "jsonpatch", "apply", "get", "delete")
    for r, name, path, query, kind in _steps(seed, n, "secrets", ("s1", "s2"), kinds):
        if kind == "create":
            type_, fields = r.choice(_SECRET_BODIES)
            out.append(Op("POST", "/secrets", query, _secret(name, type_, **fields)))
        elif kind == "update":
            type_, fields = r.choice(_SECRET_BODIES[:3])
            out.append(Op("PUT", path, query, _secret(name, type_, **fields), rv=r.choice(("last", ""))))
        elif kind == "merge":
            out.append(Op("PATCH", path, query, r.choice((
                {"data": {"k": "eQ=="}}, {"stringData": {"n": "v"}}, {"type": "Opaque"}, {"immutable": False},
                {"metadata": {"labels": {"m": "1"}}})), MERGE))
        elif kind == "smp":
            out.append(Op("PATCH", path, query, {"data": {"z": "eg=="}}, SMP))
        elif kind == "jsonpatch":
            out.append(Op("PATCH", path, query, [{"op": "remove", "path": "/data"}], JSONP))
        elif kind == "apply":
            out.append(_applied(r, path, query, _secret(name, None, data={"a": r.choice(("eA==", "eQ=="))})))
        elif kind == "get":
            out.append(Op("GET", path))
        else:
            out.append(Op("DELETE", path, query))
    return [*out, Op("GET", "/secrets")]


_RULES: tuple[list[dict[str, Any]], ...] = (
    [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list", "watch"]}],
    [{"apiGroups": ["apps"], "resources": ["deployments", "deployments/scale"], "verbs": ["*"]}],
    [{"resources": ["pods"], "verbs": ["get"]}], [{"apiGroups": [""], "resources": ["pods"]}],
    [{"nonResourceURLs": ["/healthz"], "verbs": ["get"]}], [{"apiGroups": [""], "verbs": ["get"]}],
    [{"apiGroups": [""], "resources": ["configmaps"], "resourceNames": ["x"], "verbs": ["update"]}], [])


def role_ops(seed: int, n: int) -> list[Op]:
    """Roles: the rules validation refuses (no verbs, no API groups, non-resource URLs in a namespace)."""
    out: list[Op] = []
    kinds = ("create", "create", "update", "merge", "smp", "jsonpatch", "apply", "get", "delete")
    for r, name, path, query, kind in _steps(seed, n, "roles", ("r1", "r2"), kinds):
        role = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": {"name": name},
                "rules": r.choice(_RULES)}
        if kind == "create":
            out.append(Op("POST", "/roles", query, role))
        elif kind == "update":
            out.append(Op("PUT", path, query, role, rv=r.choice(("last", ""))))
        elif kind == "merge":
            out.append(Op("PATCH", path, query, {"rules": r.choice(_RULES)}, MERGE))
        elif kind == "smp":
            out.append(Op("PATCH", path, query, {"rules": r.choice(_RULES[:2])}, SMP))
        elif kind == "jsonpatch":
            out.append(Op("PATCH", path, query, [{"op": "add", "path": "/rules/0/verbs/-", "value": "delete"}], JSONP))
        elif kind == "apply":
            out.append(_applied(r, path, query, {**role, "rules": r.choice(_RULES[:2])}))
        elif kind == "get":
            out.append(Op("GET", path))
        else:
            out.append(Op("DELETE", path, query))
    return [*out, Op("GET", "/roles")]


_HPA_METRICS: tuple[dict[str, Any], ...] = (
    {"type": "Resource", "resource": {"name": "memory", "target": {"type": "AverageValue", "averageValue": "100Mi"}}},
    {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 60}}},
    {"type": "Pods", "pods": {"metric": {"name": "qps"}, "target": {"type": "AverageValue", "averageValue": "1k"}}},
    {"type": "Object", "object": {"describedObject": {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
                                                      "name": "main"}, "metric": {"name": "hits"},
                                  "target": {"type": "Value", "value": "10k"}}},
    {"type": "External", "external": {"metric": {"name": "queue", "selector": {"matchLabels": {"q": "jobs"}}},
                                      "target": {"type": "AverageValue", "averageValue": "30"}}},
    {"type": "ContainerResource", "containerResource": {"name": "cpu", "container": "app", "target": {
        "type": "Utilization", "averageUtilization": 70}}})
_HPA_NOTE = "autoscaling.alpha.kubernetes.io/"
# what autoscaling/v1 carries in annotations: other metrics, a behavior (Go's field names, or in any case), and
# what Go's decoder refuses (then ignored)
_HPA_NOTES: tuple[dict[str, str], ...] = (
    {_HPA_NOTE + "metrics": '[{"type":"Resource","resource":{"name":"memory","targetAverageValue":"200Mi"}},'
                            '{"type":"Pods","pods":{"metricName":"qps","targetAverageValue":"2000m"}}]'},
    {_HPA_NOTE + "metrics": '[{"type":"External","external":{"metricName":"q","targetValue":"5"}},'
                            '{"type":"Object","object":{"target":{"kind":"Service","name":"s"},"metricName":"m",'
                            '"targetValue":"1","averageValue":"2"}}]'},
    {_HPA_NOTE + "behavior": '{"ScaleUp":{"StabilizationWindowSeconds":30,"SelectPolicy":"Min","Policies":'
                             '[{"Type":"Pods","Value":2,"PeriodSeconds":60}]},"ScaleDown":null}'},
    {_HPA_NOTE + "behavior": '{"scaleDown":{"stabilizationWindowSeconds":120}}', "team": "a"},
    {_HPA_NOTE + "metrics": "not json", _HPA_NOTE + "behavior": '{"ScaleUp":{"Policies":"x"}}'},
    {_HPA_NOTE + "conditions": '[{"type":"AbleToScale","status":"True","reason":"R"}]',
     _HPA_NOTE + "current-metrics": '[{"type":"Resource","resource":{"name":"cpu","currentAverageUtilization":40,'
                                    '"currentAverageValue":"120m"}}]'})


def hpa_versions_ops(seed: int, n: int) -> list[Op]:
    """One autoscaler through autoscaling/v2 and autoscaling/v1 (collection "hpav1"): v1's one CPU target, the
    annotations that carry the rest both ways, v1's default target, writes, applies and status through either."""
    def make_v2(name: str, r: random.Random) -> dict[str, Any]:
        spec: dict[str, Any] = {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "d"},
                                "maxReplicas": r.choice((5, 0)), "metrics": r.sample(_HPA_METRICS, r.randint(0, 3))}
        if r.random() < 0.4:
            spec["behavior"] = {"scaleDown": {"stabilizationWindowSeconds": 60}}
        return {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": name},
                "spec": spec}

    def make_v1(name: str, r: random.Random) -> dict[str, Any]:
        spec = {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "d"},
                "maxReplicas": r.choice((5, 0)), "minReplicas": r.choice((2, None)),
                "targetCPUUtilizationPercentage": r.choice((50, None, 0))}
        meta: dict[str, Any] = {"name": name}
        if r.random() < 0.6:
            meta["annotations"] = r.choice(_HPA_NOTES)
        return {"apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler", "metadata": meta,
                "spec": {k: v for k, v in spec.items() if v is not None}}

    patches = {"horizontalpodautoscalers": ({"spec": {"maxReplicas": 10}}, {"spec": {"metrics": [_HPA_METRICS[0]]}},
                                            {"metadata": {"annotations": _HPA_NOTES[0]}}),
               "hpav1": ({"spec": {"targetCPUUtilizationPercentage": 70}},
                         {"spec": {"targetCPUUtilizationPercentage": None}},
                         {"metadata": {"annotations": {_HPA_NOTE + "metrics": None}}},
                         {"metadata": {"annotations": _HPA_NOTES[2]}})}
    status = {"horizontalpodautoscalers": {"currentReplicas": 2, "desiredReplicas": 3, "currentMetrics": [
                  {"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": 40}}}],
                  "conditions": [{"type": "AbleToScale", "status": "True"}]},
              "hpav1": {"currentReplicas": 1, "desiredReplicas": 1, "currentCPUUtilizationPercentage": 30}}
    kinds = ("create", "create", "update", "merge", "smp", "apply", "get", "get", "status", "delete")
    r = random.Random(seed)
    out = []
    for _ in range(n):
        name, query, kind = r.choice(("h1", "h2")), "dryRun=All" if r.random() < 0.1 else "", r.choice(kinds)
        collection = r.choice(("horizontalpodautoscalers", "hpav1"))
        out.append(_simple_op(r, kind, collection, name, query, make_v1 if collection == "hpav1" else make_v2,
                              patches[collection], (status[collection],)))
    return [*out, Op("GET", "/horizontalpodautoscalers"), Op("GET", "/hpav1")]


def _simple_op(r: random.Random, kind: str, collection: str, name: str, query: str,
               make: Callable[[str, random.Random], Any], patches: tuple[Any, ...], status: tuple[Any, ...]) -> Op:
    """One step of a simple kind's sequence: a create, an update, a merge or strategic patch, an apply, a /status
    patch, a read or a delete of `name`."""
    path = f"/{collection}/{name}"
    if kind == "create":
        return Op("POST", f"/{collection}", query, make(name, r))
    if kind == "update":
        return Op("PUT", path, query, make(name, r), rv=r.choice(("last", "")))
    if kind in ("merge", "smp"):
        return Op("PATCH", path, query, r.choice(patches), MERGE if kind == "merge" else SMP)
    if kind == "apply":
        return _applied(r, path, query, make(name, r))
    if kind == "status":
        return Op("PATCH", f"{path}/status", query, {"status": r.choice(status)}, MERGE)
    return Op("GET", path) if kind == "get" else Op("DELETE", path, query)


def _simple_ops(seed: int, n: int, collection: str, names: tuple[str, ...], make: Callable[[str, random.Random], Any],
                patches: tuple[Any, ...], status: tuple[Any, ...] = (),
                extra: Callable[[random.Random, str, str], Op] | None = None) -> list[Op]:
    """Creates, updates, the three patch types, applies, reads and deletes of one kind whose bodies `make` draws
    (named, from the step's random source), its merge and strategic patches drawn from `patches`, `status` (if
    any) merge-patched into /status, `extra` (if any) another write of the kind (from the source, name and path);
    then a list, of the first name alone for a cluster-scoped kind (a real
    cluster holds others of it)."""
    kinds = ("create", "create", "update", "merge", "smp", "apply", "get", "delete") + (("status",) if status else ()) \
        + (("extra",) if extra is not None else ())
    out = [extra(r, name, path) if kind == "extra" and extra is not None else
           _simple_op(r, kind, collection, name, query, make, patches, status)
           for r, name, path, query, kind in _steps(seed, n, collection, names, kinds)]
    listed = f"fieldSelector=metadata.name%3D{names[0]}" if "{ns}" in names[0] else ""
    return [*out, Op("GET", f"/{collection}", listed)]


def pdb_ops(seed: int, n: int) -> list[Op]:
    """PodDisruptionBudgets: one of two bounds, counts and percentages, the selector, the eviction policy."""
    def make(name: str, r: random.Random) -> dict[str, Any]:
        spec = r.choice(({"minAvailable": 1}, {"maxUnavailable": "50%"}, {"minAvailable": "150%"},
                         {"minAvailable": 1, "maxUnavailable": 1}, {"maxUnavailable": -1}, {},
                         {"minAvailable": 2, "unhealthyPodEvictionPolicy": r.choice(("AlwaysAllow", "Sometimes"))}))
        selector = r.choice(({"matchLabels": {"app": "a"}}, {}, None, {"matchLabels": {"bad key!": "x"}}))
        return {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": name},
                "spec": {**spec, **({"selector": selector} if selector is not None else {})}}
    return _simple_ops(seed, n, "poddisruptionbudgets", ("b1", "b2"), make,
                       ({"spec": {"minAvailable": 3}}, {"spec": {"maxUnavailable": "10%", "minAvailable": None}},
                        {"spec": {"selector": {"matchLabels": {"app": "b"}}}}, {"metadata": {"labels": {"m": "1"}}}),
                       ({"currentHealthy": 1, "desiredHealthy": 2, "expectedPods": 3, "disruptionsAllowed": 0},
                        {"disruptionsAllowed": -1}, {"observedGeneration": 1}))


def hpa_ops(seed: int, n: int) -> list[Op]:
    """HorizontalPodAutoscalers (autoscaling/v2): replica bounds, the target, metrics."""
    def make(name: str, r: random.Random) -> dict[str, Any]:
        target = r.choice(({"apiVersion": "apps/v1", "kind": "Deployment", "name": "d"},
                           {"apiVersion": "v1", "kind": "Deployment", "name": "d"}, {"kind": "Deployment", "name": ""}))
        spec: dict[str, Any] = {"scaleTargetRef": target, "maxReplicas": r.choice((5, 0, -1)),
                                "minReplicas": r.choice((1, 2, 0, None, 9))}
        if r.random() < 0.5:
            spec["metrics"] = [{"type": "Resource", "resource": {"name": "cpu", "target": {
                "type": "Utilization", "averageUtilization": r.choice((50, 0, -5))}}}]
        return {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": name},
                "spec": {k: v for k, v in spec.items() if v is not None}}
    return _simple_ops(seed, n, "horizontalpodautoscalers", ("h1", "h2"), make,
                       ({"spec": {"maxReplicas": 10}}, {"spec": {"minReplicas": 7, "maxReplicas": 3}},
                        {"spec": {"behavior": {"scaleDown": {"stabilizationWindowSeconds": 60}}}}),
                       ({"currentReplicas": 2, "desiredReplicas": 3}, {"currentReplicas": -1},
                        {"conditions": [{"type": "AbleToScale", "status": "True"}]},
                        {"desiredReplicas": -2, "conditions": [{"type": "AbleToScale", "status": "True",
                                                                "observedGeneration": -1}]}))


def role_binding_ops(seed: int, n: int) -> list[Op]:
    """RoleBindings: the role reference (immutable) and each kind of subject."""
    def make(name: str, r: random.Random) -> dict[str, Any]:
        ref = r.choice(({"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "r"},
                        {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"},
                        {"kind": "Role", "name": "r"}, {"apiGroup": "rbac.authorization.k8s.io", "kind": "Pod",
                                                        "name": "x"}))
        subjects = r.choice(([{"kind": "User", "name": "alice"}], [{"kind": "ServiceAccount", "name": "sa"}],
                             [{"kind": "Group", "name": "g", "apiGroup": "rbac.authorization.k8s.io"}],
                             [{"kind": "ServiceAccount", "name": "Bad_SA"}], [{"kind": "Robot", "name": "r"}], None))
        return {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": {"name": name},
                "roleRef": ref, **({"subjects": subjects} if subjects is not None else {})}
    return _simple_ops(seed, n, "rolebindings", ("rb1", "rb2"), make,
                       ({"subjects": [{"kind": "User", "name": "bob"}]}, {"roleRef": {"name": "other"}},
                        {"subjects": None}, {"metadata": {"annotations": {"a": "b"}}}))


def service_account_ops(seed: int, n: int) -> list[Op]:
    """ServiceAccounts: secrets and image pull secrets by name, automounting."""
    def make(name: str, r: random.Random) -> dict[str, Any]:
        fields = r.choice(({}, {"automountServiceAccountToken": False}, {"secrets": [{"name": "s"}]},
                           {"imagePullSecrets": [{"name": "p"}, {"name": ""}]}, {"secrets": []}))
        return {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": name}, **fields}
    return _simple_ops(seed, n, "serviceaccounts", ("sa1", "sa2"), make,
                       ({"automountServiceAccountToken": True}, {"imagePullSecrets": [{"name": "q"}]},
                        {"secrets": None}, {"metadata": {"labels": {"m": "1"}}}))


def network_policy_ops(seed: int, n: int) -> list[Op]:
    """NetworkPolicies: selectors, ports (numbers, names, ranges), peers, policy types."""
    def make(name: str, r: random.Random) -> dict[str, Any]:
        port = r.choice(({"port": 80}, {"port": "http"}, {"port": 80, "endPort": 90}, {"port": 90, "endPort": 80},
                         {"protocol": "ICMP", "port": 1}, {"port": "bad name!"}, {"endPort": 5}))
        peer = r.choice(({"podSelector": {"matchLabels": {"a": "b"}}}, {"ipBlock": {"cidr": "10.0.0.0/8"}},
                         {"ipBlock": {"cidr": "10.0.0.1/8"}},
                         {"ipBlock": {"cidr": "10.0.0.0/8", "except": ["11.0.0.0/16"]}}, {}))
        spec: dict[str, Any] = {"podSelector": r.choice(({}, {"matchLabels": {"app": "a"}})),
                                "ingress": [{"ports": [port], "from": [peer]}]}
        if r.random() < 0.4:
            spec["policyTypes"] = r.choice((["Ingress"], ["Egress"], ["Ingress", "Sideways"]))
        return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": name},
                "spec": spec}
    return _simple_ops(seed, n, "networkpolicies", ("np1", "np2"), make,
                       ({"spec": {"policyTypes": ["Egress"]}},
                        {"spec": {"egress": [{"to": [{"ipBlock": {"cidr": "x"}}]}]}},
                        {"spec": {"podSelector": {"matchExpressions": [{"key": "k", "operator": "Maybe"}]}}}))


# Cluster-scoped kinds: every name holds the namespace a scan gives each seed ("{ns}", filled in by `run`), so
# that seeds do not meet on one real apiserver.
def _cluster_names(*stems: str) -> tuple[str, ...]:
    return tuple(f"{s}-{{ns}}" for s in stems)


_CSR_DATA = Path(__file__).parent / "data" / "csr"


def csr_b64(name: str) -> str:
    return base64.b64encode((_CSR_DATA / f"{name}.pem").read_bytes()).decode()


def csr_ops(seed: int, n: int) -> list[Op]:
    """CertificateSigningRequests as a requestor, an approver and a signer write them: requests of each key
    type and damaged ones, usages, signers, durations; merge patches of conditions into /approval, of
    conditions and certificates into /status. Each by one impersonated administrator (a request records who
    asked)."""
    damaged = base64.b64encode(b"-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n")
    spoilt = {"request": ("", damaged.decode(), csr_b64("certificate"), csr_b64("request-md5")),
              "signerName": ("kubernetes.io/legacy-unknown", "no-domain", ""),
              "usages": ([], ["bogus"], ["client auth", "client auth"]), "expirationSeconds": (60,)}
    approved, denied = {"type": "Approved", "status": "True", "reason": "A"}, {"type": "Denied", "status": "True"}

    def make(name: str, r: random.Random) -> dict[str, Any]:
        spec: dict[str, Any] = {
            "request": csr_b64(r.choice(("request-rsa", "request-ec", "request-ed", "request-pss"))),
            "signerName": r.choice(("example.com/signer", "kubernetes.io/kube-apiserver-client")),
            "usages": r.choice((["client auth"], ["digital signature", "key encipherment"]))}
        if r.random() < 0.3:
            spec["expirationSeconds"] = r.choice((600, 3600))
        if r.random() < 0.4:  # one field the apiserver refuses
            field = r.choice(sorted(spoilt))
            spec[field] = r.choice(spoilt[field])
        body = {"apiVersion": "certificates.k8s.io/v1", "kind": "CertificateSigningRequest",
                "metadata": {"name": name}, "spec": spec}
        if r.random() < 0.2:
            body["status"] = {"conditions": [approved]}
        return body

    def approval(r: random.Random, name: str, path: str) -> Op:
        conditions = r.choice(([approved], [denied], [approved, denied], [{**approved, "status": "False"}],
                               [approved, {"type": "Extra", "status": "Unknown"}], []))
        return Op("PATCH", f"{path}/approval", body={"status": {"conditions": conditions}}, content_type=MERGE)
    certificate = csr_b64("certificate")
    ops = _simple_ops(seed, n, "certificatesigningrequests", _cluster_names("csr1", "csr2"), make,
                      ({"spec": {"usages": ["server auth"]}}, {"metadata": {"labels": {"m": "1"}}},
                       {"status": {"conditions": [approved]}}),
                      ({"certificate": certificate}, {"certificate": base64.b64encode(b"junk").decode()},
                       {"conditions": [{"type": "Failed", "status": "True", "reason": "F"}]},
                       {"conditions": [approved]}, {"certificate": None}),
                      approval)
    return [dataclasses.replace(op, as_user="alice", as_group="system:masters") for op in ops]


def api_service_ops(seed: int, n: int) -> list[Op]:
    """APIServices an extension apiserver would serve and local ones: the name against the spec, priorities,
    Service references and TLS settings (some refused), their conditions written to /status."""
    def make(name: str, r: random.Random) -> dict[str, Any]:
        version, _, group = name.partition(".")
        spec: dict[str, Any] = {"group": group, "version": version, "groupPriorityMinimum": r.choice((100, 1000)),
                                "versionPriority": r.choice((15, 100))}
        if r.random() < 0.6:
            spec["service"] = {"namespace": "{ns}", "name": "backend",
                               **({"port": r.choice((443, 8443))} if r.random() < 0.6 else {})}
            spec["insecureSkipTLSVerify" if r.random() < 0.5 else "caBundle"] = True if r.random() < 0.5 else "Zm9v"
        if r.random() < 0.3:  # one thing the apiserver refuses
            spoilt = r.choice((("groupPriorityMinimum", 0), ("groupPriorityMinimum", 20001), ("versionPriority", 1001),
                               ("version", "v9"), ("service", {"namespace": "{ns}", "port": 0})))
            spec[spoilt[0]] = spoilt[1]
        return {"apiVersion": "apiregistration.k8s.io/v1", "kind": "APIService", "metadata": {"name": name},
                "spec": spec}
    available = {"type": "Available", "status": "True", "reason": "Passed", "message": "all checks passed"}
    return _simple_ops(seed, n, "apiservices", ("v1.a-{ns}.example.com", "v1beta1.b-{ns}.example.com"), make,
                       ({"spec": {"versionPriority": 20}}, {"spec": {"groupPriorityMinimum": 0}},
                        {"spec": {"service": {"port": 9443}}}, {"metadata": {"labels": {"m": "1"}}}),
                       ({"conditions": [available]}, {"conditions": [{**available, "status": "Maybe"}]}))


def cluster_role_ops(seed: int, n: int) -> list[Op]:
    """ClusterRoles: rules (non-resource URLs allowed here), aggregation rules, labels."""
    def make(name: str, r: random.Random) -> dict[str, Any]:
        role: dict[str, Any] = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
                                "metadata": {"name": name}, "rules": r.choice(_RULES)}
        if r.random() < 0.3:
            role["aggregationRule"] = r.choice((
                {"clusterRoleSelectors": [{"matchLabels": {"agg": "x"}}]}, {"clusterRoleSelectors": []},
                {"clusterRoleSelectors": [{"matchExpressions": [{"key": "k", "operator": "Bad"}]}]}))
        return role
    return _simple_ops(seed, n, "clusterroles", _cluster_names("cr1", "cr2"), make,
                       ({"rules": _RULES[0]}, {"rules": None}, {"metadata": {"labels": {"agg": "x"}}},
                        {"aggregationRule": {"clusterRoleSelectors": [{"matchLabels": {"a": "b"}}]}}))


def cluster_role_binding_ops(seed: int, n: int) -> list[Op]:
    """ClusterRoleBindings: the role reference (a ClusterRole only) and subjects (a namespace needed for a
    ServiceAccount)."""
    def make(name: str, r: random.Random) -> dict[str, Any]:
        ref = r.choice(({"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"},
                        {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "r"}, {"name": "view"}))
        subjects = r.choice(([{"kind": "User", "name": "alice", "apiGroup": "rbac.authorization.k8s.io"}],
                             [{"kind": "ServiceAccount", "name": "sa", "namespace": "default"}],
                             [{"kind": "ServiceAccount", "name": "sa"}], [{"kind": "Group", "name": ""}], None))
        return {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
                "metadata": {"name": name}, "roleRef": ref, **({"subjects": subjects} if subjects is not None else {})}
    return _simple_ops(seed, n, "clusterrolebindings", _cluster_names("crb1", "crb2"), make,
                       ({"subjects": [{"kind": "User", "name": "bob"}]}, {"roleRef": {"name": "edit"}},
                        {"subjects": None}, {"metadata": {"annotations": {"a": "b"}}}))


_RBAC_GROUP = "rbac.authorization.k8s.io"
_VERBS = ("get", "list", "watch", "create", "update", "patch", "delete", "deletecollection")
_RESOURCES = (("", "pods"), ("", "pods/log"), ("", "configmaps"), ("", "secrets"), ("apps", "deployments"),
              ("apps", "deployments/scale"), ("apps", "*/scale"), ("", "*"), ("*", "*"), ("batch", "jobs"))


def _rule(r: random.Random) -> dict[str, Any]:
    """A valid rule: some verbs on some resources of some groups (names maybe), or on some paths."""
    verbs = r.choice((["*"], r.sample(_VERBS, r.randint(1, 3))))
    if r.random() < 0.15:  # (what lets a user write roles and bindings, and meet RBAC's escalation check)
        return {"verbs": ["create", "update", "get"], "apiGroups": [_RBAC_GROUP],
                "resources": ["rolebindings", "roles"]}
    if r.random() < 0.15:
        return {"verbs": verbs, "nonResourceURLs": r.choice((["/healthz"], ["/logs/*"], ["*"], ["/metrics"]))}
    picked = r.sample(_RESOURCES, r.randint(1, 2))
    rule: dict[str, Any] = {"verbs": verbs, "apiGroups": sorted({g for g, _ in picked}),
                            "resources": sorted({res for _, res in picked})}
    if r.random() < 0.2:
        rule["resourceNames"] = r.sample(["a", "b", "web"], r.randint(1, 2))
    return rule


def _subject(r: random.Random) -> dict[str, Any]:
    kind = r.choice(("User", "User", "Group", "ServiceAccount"))
    if kind == "ServiceAccount":
        return {"kind": kind, "name": r.choice(("ctl", "other")), **r.choice(({}, {"namespace": "{ns}"},
                                                                              {"namespace": "elsewhere-{ns}"}))}
    stem = r.choice(("u1", "u2") if kind == "User" else ("g1", "g2"))
    return {"kind": kind, "apiGroup": _RBAC_GROUP, "name": stem + "-{ns}"}


def _as_request(r: random.Random, user: str, attrs: dict[str, Any]) -> Op:
    """A request as `user` for roughly what `attrs` name: a read, a create, a delete, a scale (in the namespace)."""
    resource = attrs["resource"] if attrs["resource"] in ("pods", "configmaps", "secrets") else "configmaps"
    name = attrs.get("name") or r.choice(("a", "web"))
    ref = r.choice(({"kind": "Role", "name": r.choice(("r1", "r2"))}, {"kind": "ClusterRole", "name": "cr1-{ns}"}))
    method, path, body = r.choice((
        ("GET", f"/{resource}", None), ("GET", f"/{resource}/{name}", None),
        ("POST", "/configmaps", {"metadata": {"name": name}}), ("DELETE", f"/configmaps/{name}", None),
        ("DELETE", "/configmaps", None), ("GET", f"/deployments/{name}/scale", None),
        # roles and bindings, granting no more than the user holds, or more (RBAC's escalation check)
        ("POST", "/roles", {"metadata": {"name": f"by-{name}"}, "rules": [_rule(r)]}),
        ("PUT", f"/roles/{r.choice(('r1', 'r2'))}", {"metadata": {}, "rules": [_rule(r)]}),
        ("POST", "/rolebindings", {"metadata": {"name": f"by-{name}"}, "subjects": [_subject(r)],
                                   "roleRef": {"apiGroup": _RBAC_GROUP, **ref}})))
    if method == "PUT":
        body = {**body, "metadata": {"name": path.rsplit("/", 1)[1]}}
    return Op(method, path, body=body, as_user=user)


def access_ops(seed: int, n: int) -> list[Op]:
    """RBAC and who may do what: Roles and ClusterRoles with random rules, bindings of users, groups and service
    accounts to them (or to roles nobody made), some deleted again, and reviews of random attributes for random
    users and groups, across the cluster and in the namespace (SubjectAccessReview, LocalSubjectAccessReview)."""
    r = random.Random(seed)
    out: list[Op] = []
    roles, cluster_roles = ["r1", "r2"], ["cr1-{ns}", "cr2-{ns}"]
    written: dict[str, list[dict[str, Any]]] = {}  # each role's rules as last written
    bindings: list[tuple[list[dict[str, Any]], str, bool]] = []  # subjects, role, cluster-wide
    for i in range(n):
        writes = ("role", "clusterrole", "binding", "binding", "clusterbinding")  # (the first quarter: only these)
        step = r.choice(writes if i < n // 4 else (*writes, "delete", "sar", "sar", "sar", "lsar", "as", "as"))
        if step in ("role", "clusterrole"):
            name = r.choice(roles if step == "role" else cluster_roles)
            collection = "roles" if step == "role" else "clusterroles"
            written[name] = [_rule(r) for _ in range(r.randint(1, 3))]
            out.append(Op("PUT", f"/{collection}/{name}", body={
                "apiVersion": f"{_RBAC_GROUP}/v1", "kind": "Role" if step == "role" else "ClusterRole",
                "metadata": {"name": name}, "rules": written[name]}))
        elif step in ("binding", "clusterbinding"):
            ref_kind = "ClusterRole" if step == "clusterbinding" or r.random() < 0.5 else "Role"
            ref = r.choice([*(cluster_roles if ref_kind == "ClusterRole" else roles), "missing-{ns}"])
            collection = "clusterrolebindings" if step == "clusterbinding" else "rolebindings"
            name = f"b{r.randint(1, 4)}" + ("-{ns}" if step == "clusterbinding" else "")  # (made again: a 409)
            bound = [_subject(r) for _ in range(r.randint(1, 2))] if step != "clusterbinding" else \
                [s for s in (_subject(r) for _ in range(2)) if s.get("namespace") or s["kind"] != "ServiceAccount"] \
                or [{"kind": "Group", "apiGroup": _RBAC_GROUP, "name": "g1-{ns}"}]
            bindings.append((bound, ref, step == "clusterbinding"))
            out.append(Op("POST", f"/{collection}", body={
                "apiVersion": f"{_RBAC_GROUP}/v1", "kind": "ClusterRoleBinding" if step == "clusterbinding" else
                "RoleBinding", "metadata": {"name": name}, "roleRef": {"apiGroup": _RBAC_GROUP, "kind": ref_kind,
                                                                       "name": ref}, "subjects": bound}))
        elif step == "delete":
            made = [op.path.split("/")[1] + "/" + op.body["metadata"]["name"] for op in out
                    if op.method in ("PUT", "POST") and op.collection.endswith(("roles", "bindings"))]
            if made:
                out.append(Op("DELETE", "/" + r.choice(made)))
        else:  # a review, or a request as someone
            user = r.choice(("u1-{ns}", "u2-{ns}", "system:serviceaccount:{ns}:ctl", "system:serviceaccount:{ns}:other",
                             "nobody"))
            groups = r.sample(["g1-{ns}", "g2-{ns}", "system:authenticated", "system:serviceaccounts"], r.randint(0, 2))
            group, resource = r.choice((*_RESOURCES[:7], ("batch", "jobs"), ("", "nodes")))
            resource, _, sub = resource.partition("/")
            if resource == "*":
                resource, sub = "deployments", "scale"
            attrs: dict[str, Any] = {"verb": r.choice(_VERBS), "group": group, "resource": resource,
                                     "subresource": sub, "name": r.choice(("", "", "a", "web"))}
            subjects, role, cluster_wide = r.choice(bindings) if bindings else ([], "", False)
            rules = written.get(role, [])
            if rules and r.random() < 0.7:  # (about what a rule of a bound role names, for a subject bound to it)
                rule = r.choice(rules)
                if rule.get("resources"):
                    group = r.choice(rule["apiGroups"])
                    resource, _, sub = r.choice(rule["resources"]).partition("/")
                    attrs = {"verb": r.choice([v for v in rule["verbs"] if v != "*"] or list(_VERBS)),
                             "group": "apps" if group == "*" else group,
                             "resource": "pods" if resource == "*" else resource,
                             "subresource": sub.replace("*", "scale"),
                             "name": r.choice([*rule.get("resourceNames", []), ""])}
            if subjects and r.random() < 0.8:
                subject = r.choice(subjects)
                if subject["kind"] == "Group":
                    groups = [subject["name"], *groups]
                else:
                    user = subject["name"] if subject["kind"] == "User" else \
                        f"system:serviceaccount:{subject.get('namespace', '{ns}')}:{subject['name']}"
            namespace = "{ns}" if step == "lsar" or (subjects and not cluster_wide and r.random() < 0.8) else \
                r.choice(("{ns}", "{ns}", "", "elsewhere-{ns}"))
            spec: dict[str, Any] = {"user": user, "groups": groups}
            if step == "sar" and r.random() < 0.2:
                spec["nonResourceAttributes"] = {"verb": r.choice(("get", "post")),
                                                 "path": r.choice(("/healthz", "/logs/x", "/metrics", "/api"))}
            else:
                spec["resourceAttributes"] = {**{k: v for k, v in attrs.items() if v}, "namespace": namespace}
            if step == "as":  # the request itself, as the user (its groups those impersonation gives it)
                out.append(_as_request(r, user, attrs))
                continue
            collection = "localsubjectaccessreviews" if step == "lsar" else "subjectaccessreviews"
            out.append(Op("POST", f"/{collection}", body={"apiVersion": "authorization.k8s.io/v1",
                                                          "kind": "LocalSubjectAccessReview" if step == "lsar" else
                                                          "SubjectAccessReview", "spec": spec}))
    return out


def namespace_ops(seed: int, n: int) -> list[Op]:
    """Namespaces: labels (the name label the apiserver keeps), finalizers in the spec, deletion (Terminating:
    the real apiserver runs no namespace controller here, so a deleted namespace stays), /status and
    /finalize."""
    def make(name: str, r: random.Random) -> dict[str, Any]:
        meta: dict[str, Any] = {"name": name}
        labels = r.choice(({}, {"team": "a"}, {"kubernetes.io/metadata.name": "other"}, None))
        if labels is not None:
            meta["labels"] = labels
        body: dict[str, Any] = {"apiVersion": "v1", "kind": "Namespace", "metadata": meta}
        if r.random() < 0.3:
            body["spec"] = {"finalizers": r.choice((["kubernetes"], ["example.com/f"], [], ["bad finalizer!"]))}
        return body
    def finalize(r: random.Random, name: str, path: str) -> Op:
        finalizers = r.choice(([], ["kubernetes"], ["example.com/f"], ["bad finalizer!"]))
        return Op("PUT", f"{path}/finalize", "", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name},
                                                   "spec": {"finalizers": finalizers}})
    return _simple_ops(seed, n, "namespaces", _cluster_names("n1", "n2"), make,
                       ({"metadata": {"labels": {"team": "b"}}}, {"metadata": {"labels": None}},
                        {"spec": {"finalizers": None}}, {"metadata": {"annotations": {"a": "b"}}}),
                       ({"phase": "Terminating"}, {"phase": "Active"},
                        {"conditions": [{"type": "X", "status": "True"}]}), finalize)


# collections named apart from the ones they are: events.k8s.io's Events beside the core ones, v1's autoscalers
_ALIASES = {"newevents": "events", "hpav1": "horizontalpodautoscalers", "widgetsbeta": "widgets"}
_PREFIXES = {"configmaps": "/api/v1/namespaces/{ns}", "deployments": "/apis/apps/v1/namespaces/{ns}",
             "statefulsets": "/apis/apps/v1/namespaces/{ns}", "jobs": "/apis/batch/v1/namespaces/{ns}",
             "daemonsets": "/apis/apps/v1/namespaces/{ns}", "cronjobs": "/apis/batch/v1/namespaces/{ns}",
             "persistentvolumeclaims": "/api/v1/namespaces/{ns}",
             "ingresses": "/apis/networking.k8s.io/v1/namespaces/{ns}",
             "poddisruptionbudgets": "/apis/policy/v1/namespaces/{ns}",
             "rolebindings": "/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}",
             "pods": "/api/v1/namespaces/{ns}", "services": "/api/v1/namespaces/{ns}",
             "leases": "/apis/coordination.k8s.io/v1/namespaces/{ns}", "events": "/api/v1/namespaces/{ns}",
             "newevents": "/apis/events.k8s.io/v1/namespaces/{ns}", "secrets": "/api/v1/namespaces/{ns}",
             "roles": "/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}",
             "horizontalpodautoscalers": "/apis/autoscaling/v2/namespaces/{ns}",
             "hpav1": "/apis/autoscaling/v1/namespaces/{ns}",
             "serviceaccounts": "/api/v1/namespaces/{ns}",
             "networkpolicies": "/apis/networking.k8s.io/v1/namespaces/{ns}",
             "clusterroles": "/apis/rbac.authorization.k8s.io/v1",
             "clusterrolebindings": "/apis/rbac.authorization.k8s.io/v1", "namespaces": "/api/v1",
             "resourcequotas": "/api/v1/namespaces/{ns}", "limitranges": "/api/v1/namespaces/{ns}",
             "priorityclasses": "/apis/scheduling.k8s.io/v1", "storageclasses": "/apis/storage.k8s.io/v1",
             "validatingwebhookconfigurations": "/apis/admissionregistration.k8s.io/v1",
             "mutatingwebhookconfigurations": "/apis/admissionregistration.k8s.io/v1",
             "persistentvolumes": "/api/v1", "ingressclasses": "/apis/networking.k8s.io/v1",
             "csidrivers": "/apis/storage.k8s.io/v1", "runtimeclasses": "/apis/node.k8s.io/v1",
             "csistoragecapacities": "/apis/storage.k8s.io/v1/namespaces/{ns}",
             "volumeattachments": "/apis/storage.k8s.io/v1", "nodes": "/api/v1",
             "volumeattributesclasses": "/apis/storage.k8s.io/v1",
             "prioritylevelconfigurations": "/apis/flowcontrol.apiserver.k8s.io/v1",
             "flowschemas": "/apis/flowcontrol.apiserver.k8s.io/v1",
             "replicationcontrollers": "/api/v1/namespaces/{ns}", "podtemplates": "/api/v1/namespaces/{ns}",
             "endpoints": "/api/v1/namespaces/{ns}", "endpointslices": "/apis/discovery.k8s.io/v1/namespaces/{ns}",
             "servicecidrs": "/apis/networking.k8s.io/v1", "controllerrevisions": "/apis/apps/v1/namespaces/{ns}",
             "csinodes": "/apis/storage.k8s.io/v1", "ipaddresses": "/apis/networking.k8s.io/v1",
             "validatingadmissionpolicies": "/apis/admissionregistration.k8s.io/v1",
             "validatingadmissionpolicybindings": "/apis/admissionregistration.k8s.io/v1",
             "mutatingadmissionpolicies": "/apis/admissionregistration.k8s.io/v1",
             "mutatingadmissionpolicybindings": "/apis/admissionregistration.k8s.io/v1",
             "resourceclaims": "/apis/resource.k8s.io/v1/namespaces/{ns}",
             "resourceclaimtemplates": "/apis/resource.k8s.io/v1/namespaces/{ns}",
             "resourceslices": "/apis/resource.k8s.io/v1", "deviceclasses": "/apis/resource.k8s.io/v1",
             "devicetaintrules": "/apis/resource.k8s.io/v1",
             "storageversionmigrations": "/apis/storagemigration.k8s.io/v1",
             "certificatesigningrequests": "/apis/certificates.k8s.io/v1",
             "apiservices": "/apis/apiregistration.k8s.io/v1",
             "bindings": "/api/v1/namespaces/{ns}", "subjectaccessreviews": "/apis/authorization.k8s.io/v1",
             "localsubjectaccessreviews": "/apis/authorization.k8s.io/v1/namespaces/{ns}",
             "widgets": "/apis/random.example.com/v1/namespaces/{ns}",
             "widgetsbeta": "/apis/random.example.com/v1beta1/namespaces/{ns}"}


# the kinds whose answers are objects
_KINDS = frozenset({"ConfigMap", "Deployment", "Pod", "Service", "StatefulSet", "Job", "DaemonSet", "CronJob",
                    "PersistentVolumeClaim", "Ingress", "Lease", "Event", "Secret", "Role", "PodDisruptionBudget",
                    "HorizontalPodAutoscaler", "RoleBinding", "ServiceAccount", "NetworkPolicy", "ClusterRole",
                    "ClusterRoleBinding", "Namespace", "ResourceQuota", "LimitRange", "PriorityClass",
                    "StorageClass", "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration",
                    "PersistentVolume", "IngressClass", "CSIDriver", "RuntimeClass", "CSIStorageCapacity",
                    "VolumeAttachment", "Node", "CertificateSigningRequest", "VolumeAttributesClass",
                    "PriorityLevelConfiguration", "FlowSchema", "ValidatingAdmissionPolicy",
                    "ValidatingAdmissionPolicyBinding", "ReplicationController", "PodTemplate",
                    "Endpoints", "EndpointSlice", "ServiceCIDR", "ControllerRevision", "CSINode",
                    "IPAddress", "MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding", "ResourceClaim",
                    "ResourceClaimTemplate", "ResourceSlice", "DeviceClass", "DeviceTaintRule",
                    "StorageVersionMigration", "Widget"})


class Settler(Protocol):
    """What waits, after a write to a collection went through, until the real apiserver's own controllers have
    acted on it (a replay acts at once): rbac_settle.AuthorizerProbe, FlowSchemasSettled."""

    def settle(self, *collections: str) -> None: ...


class FlowSchemasSettled:
    """The config controller of API Priority and Fairness having applied its `Dangling` condition, naming the
    level each refers to now, to every FlowSchema flow_schema_ops writes."""

    def __init__(self, server: rawhttp.Server, ns: str) -> None:
        self.server, self.ns = server, ns

    def settle(self, *collections: str) -> None:
        if "flowschemas" in collections:
            until(self._applied, 30, "the APF controller's Dangling conditions")

    def _applied(self) -> bool:
        for name in _cluster_names("fs1", "fs2"):
            code, doc, _ = rawhttp.call(*self.server, "GET", _PREFIXES["flowschemas"] + "/flowschemas/" +
                                        name.replace("{ns}", self.ns))
            level = ((doc.get("spec") or {}).get("priorityLevelConfiguration") or {}).get("name")
            if code == 200 and not any(c.get("type") == "Dangling" and f'named "{level}"' in str(c.get("message"))
                                       for c in (doc.get("status") or {}).get("conditions") or []):
                return False
        return True


def prerequisite(generator: Callable[[int, int], list[Op]]) -> Callable[[rawhttp.Server, str], bool] | None:
    """What a sequence from `generator` needs on a server before it runs, as a condition to wait for (None:
    nothing)."""
    needs: dict[Callable[[int, int], list[Op]], Callable[[rawhttp.Server, str], bool]] = {
        binding_ops: binding_node_admitted, custom_resource_ops: widgets_served}
    return needs.get(generator)


def settler(generator: Callable[[int, int], list[Op]], server: rawhttp.Server, ns: str) -> Settler | None:
    """What a sequence from `generator` waits on after its writes to the real apiserver (None: nothing)."""
    if generator is access_ops:
        return rbac_settle.AuthorizerProbe(server, ns)
    return FlowSchemasSettled(server, ns) if generator is flow_schema_ops else None


def collection_path(collection: str, ns: str) -> str:
    """The URL path of an op's collection (its sequence's name for it: "newevents" are events.k8s.io's)."""
    return (_PREFIXES[collection] + "/" + _ALIASES.get(collection, collection)).replace("{ns}", ns)


def run(server: rawhttp.Server, ns: str, sequence: list[Op], *, raw: bool = False,
        probe: Settler | None = None) -> list[tuple[str, int, Any, list[str]]]:
    """Each op's (description, code, reduced answer, reduced warnings), in order (`raw`: answers as they came;
    `probe`: the next op waits until the server's controllers have acted on each write that went through)."""
    base, token = server
    last: dict[str, str] = {}  # the resourceVersion this server last answered for each name
    out = []
    for op in sequence:
        body = json.loads(json.dumps(op.body)) if isinstance(op.body, (dict, list)) else op.body
        known = last.get(op.name, "1")
        if isinstance(body, dict) and op.rv and op.method in ("PUT", "PATCH", "POST"):
            body.setdefault("metadata", {})["resourceVersion"] = known if op.rv == "last" else "1"
        if isinstance(body, dict) and "preconditions" in body:
            body["preconditions"] = {"resourceVersion": known if op.rv != "stale" else "1"}
        data = None if body is None else (body if isinstance(body, str) else json.dumps(body)).replace(
            "{ns}", ns).encode()
        path = (collection_path(op.collection, ns) + op.path.removeprefix(f"/{op.collection}")
                + (f"?{op.query}" if op.query else "")).replace("{ns}", ns)
        headers = {"Impersonate-User": op.as_user.replace("{ns}", ns)} if op.as_user else {}
        headers.update({"Impersonate-Group": op.as_group} if op.as_group else {})
        try:
            code, doc, warnings = rawhttp.call(base, token, op.method, path, data, op.content_type, headers)
        except http.client.RemoteDisconnected:  # (a validator's panic: jobvalidation.py)
            code, doc, warnings = 0, "closed without an answer", []
        if isinstance(doc, dict) and doc.get("kind") in _KINDS and op.name:
            last[op.name] = str(doc.get("metadata", {}).get("resourceVersion", known))
        out.append((str(op), code, doc if raw else reduce(doc), [reduce(w) for w in warnings]))
        if probe and op.method != "GET" and code < 300:
            probe.settle(op.collection)
    return out


def watch_events(server: rawhttp.Server, ns: str, resource_version: str,
                 collection: str = "/api/v1/namespaces/{ns}/configmaps") -> list[tuple[str, Any]]:
    """(type, reduced object) of every event of a collection (ConfigMaps) after `resource_version`: a one-second
    watch."""
    base, token = server
    path = f"{collection.format(ns=ns)}?watch=1&timeoutSeconds=1&resourceVersion={resource_version}"
    code, doc, _ = rawhttp.call(base, token, "GET", path)
    assert code == 200, doc
    text = doc["text"] if isinstance(doc, dict) and "text" in doc else json.dumps(doc)
    return [(e["type"], reduce(e["object"])) for e in map(json.loads, filter(None, text.splitlines()))]


def resource_quota_ops(seed: int, n: int) -> list[Op]:
    """ResourceQuotas: hard limits by resource name and quantity, scopes and scope selectors, status."""
    def make(name: str, r: random.Random) -> dict[str, Any]:
        hard = r.choice(({"pods": "10"}, {"requests.cpu": "1", "limits.memory": "2Gi"}, {"bad resource!": "1"},
                         {"pods": "-1"}, {"pods": "1.5"}, {"count/deployments.apps": "3"}, {}))
        spec: dict[str, Any] = {"hard": hard}
        if r.random() < 0.4:
            spec.update(r.choice(({"scopes": ["BestEffort"]}, {"scopes": ["Terminating", "NotTerminating"]},
                                  {"scopes": ["Sometimes"]}, {"scopeSelector": {"matchExpressions": [
                                      {"scopeName": "PriorityClass", "operator": "In", "values": ["high"]}]}},
                                  {"scopeSelector": {"matchExpressions": [
                                      {"scopeName": "BestEffort", "operator": "In", "values": ["x"]}]}})))
        return {"apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": name}, "spec": spec}
    return _simple_ops(seed, n, "resourcequotas", ("q1", "q2"), make,
                       ({"spec": {"hard": {"pods": "20"}}}, {"spec": {"hard": None}},
                        {"spec": {"scopes": ["BestEffort"]}}, {"metadata": {"labels": {"m": "1"}}}),
                       ({"hard": {"pods": "10"}, "used": {"pods": "1"}}, {"used": {"pods": "-1"}}, {"hard": None}))


def limit_range_ops(seed: int, n: int) -> list[Op]:
    """LimitRanges: each type of limit, defaults beside minimums and maximums, ratios."""
    def make(name: str, r: random.Random) -> dict[str, Any]:
        limit = r.choice(({"type": "Container", "default": {"cpu": "100m"}, "min": {"memory": "1Mi"}},
                          {"type": "Container", "max": {"cpu": "1"}, "min": {"cpu": "2"}},
                          {"type": "Container", "default": {"cpu": "3"}, "max": {"cpu": "1"}},
                          {"type": "Pod", "max": {"memory": "1Gi"}, "default": {"memory": "1Mi"}},
                          {"type": "PersistentVolumeClaim", "min": {"storage": "1Gi"}},
                          {"type": "Container", "maxLimitRequestRatio": {"cpu": "0.5"}},
                          {"type": "Container", "min": {"cpu": "100m"}, "max": {"cpu": "1"},
                           "maxLimitRequestRatio": {"cpu": "30"}},
                          {"type": "Container", "max": {"example.com/gpu": "2"},
                           "defaultRequest": {"example.com/gpu": "1"}},
                          {"type": "Sometimes", "max": {"cpu": "1"}}, {"max": {"cpu": "1"}}))
        twice = r.random() < 0.2  # a second limit of the same type
        return {"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": name},
                "spec": {"limits": [limit, limit] if twice else [limit]}}
    return _simple_ops(seed, n, "limitranges", ("lr1", "lr2"), make,
                       ({"spec": {"limits": [{"type": "Container", "max": {"cpu": "2"}}]}}, {"spec": {"limits": None}},
                        {"metadata": {"annotations": {"a": "b"}}}))


# a quantity in texts Go parses alike and not (0.5 and 500m, 204800Ki and 200Mi, 256Mi which it keeps no text
# of), and as numbers
_CPU_TEXTS: tuple[Any, ...] = ("500m", "0.5", "0.50", 0.5, "1", 1, "1000m", "1e0")
_MEMORY_TEXTS = ("200Mi", "204800Ki", "256Mi", "0.25Gi", "1Gi", "1024Mi", "1073741824")


def quantity_texts_ops(seed: int, n: int) -> list[Op]:
    """LimitRanges' limits and autoscalers' targets (lists the field manager compares whole, as Go values) written
    again and again in those texts, by several managers (updates, the three patches, applies); each autoscaler write
    after a list, which on the real apiserver waits for its watch cache (an update made before it holds the last
    version compares otherwise)."""
    def limits(r: random.Random) -> dict[str, Any]:
        return {"spec": {"limits": [{"type": "Container", "max": {"cpu": r.choice(_CPU_TEXTS),
                                                                 "memory": r.choice(_MEMORY_TEXTS)}}]}}

    def targets(r: random.Random) -> dict[str, Any]:
        return {"spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "d"},
                         "maxReplicas": 5, "metrics": [
                             {"type": "Resource", "resource": {"name": "memory", "target": {
                                 "type": "AverageValue", "averageValue": r.choice(_MEMORY_TEXTS)}}},
                             {"type": "Pods", "pods": {"metric": {"name": "qps"}, "target": {
                                 "type": "AverageValue", "averageValue": r.choice(_CPU_TEXTS)}}}]}}
    kinds = {"limitranges": ("v1", "LimitRange", limits), "horizontalpodautoscalers": (
        "autoscaling/v2", "HorizontalPodAutoscaler", targets)}
    r = random.Random(seed)
    out: list[Op] = []
    for _ in range(n):
        collection = r.choice(tuple(kinds))
        version, kind, make = kinds[collection]
        name, how, manager = r.choice(("q1", "q2")), r.choice(("create", "update", "merge", "smp", "json", "apply")), \
            r.choice(("", "fieldManager=m1", "fieldManager=m2"))
        path, body = f"/{collection}/{name}", make(r)
        whole = {"apiVersion": version, "kind": kind, "metadata": {"name": name}, **body}
        if collection == "horizontalpodautoscalers":
            out.append(Op("GET", f"/{collection}"))
        if how == "create":
            out.append(Op("POST", f"/{collection}", manager, whole))
        elif how == "update":
            out.append(Op("PUT", path, manager, whole))
        elif how in ("merge", "smp"):
            out.append(Op("PATCH", path, manager, body, MERGE if how == "merge" else SMP))
        elif how == "json":
            part = "limits" if collection == "limitranges" else "metrics"
            out.append(Op("PATCH", path, manager, [{"op": "replace", "path": f"/spec/{part}",
                                                    "value": body["spec"][part]}], JSONP))
        else:
            out.append(_applied(r, path, "", whole, force=True))
    return [*out, Op("GET", "/limitranges"), Op("GET", "/horizontalpodautoscalers")]


def status_texts_ops(seed: int, n: int) -> list[Op]:
    """Statuses holding quantities in lists the field manager compares whole, written again and again in texts Go
    parses alike and not, by several managers through /status (updates, merge patches, applies): pods' container
    statuses (allocated resources, sometimes an empty list of mounts), autoscalers' current metrics (behind a
    pointer), DRA slices' device capacities (in a map's struct value); each write after a list, for the watch
    cache."""
    def pod(r: random.Random) -> dict[str, Any]:
        status: dict[str, Any] = {"name": "c", "ready": False, "restartCount": 0, "image": "nginx", "imageID": "",
                                  "state": {"waiting": {"reason": "Starting"}}, "allocatedResources": {
                                      "cpu": r.choice(_CPU_TEXTS), "memory": r.choice(_MEMORY_TEXTS)}}
        if r.random() < 0.2:
            status["volumeMounts"] = []
        return {"spec": {"containers": [{"name": "c", "image": "nginx"}]},
                "status": {"phase": "Pending", "containerStatuses": [status]}}

    def autoscaler(r: random.Random) -> dict[str, Any]:
        return {"spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "d"},
                         "maxReplicas": 5},
                "status": {"currentReplicas": 1, "desiredReplicas": 1, "currentMetrics": [
                    {"type": "Resource", "resource": {"name": "memory", "current": {
                        "averageValue": r.choice(_MEMORY_TEXTS)}}},
                    {"type": "Pods", "pods": {"metric": {"name": "qps"}, "current": {
                        "averageValue": r.choice(_CPU_TEXTS)}}}]}}

    def published(r: random.Random) -> dict[str, Any]:
        return {"spec": {"driver": "gpu.example.com", "pool": {"name": "p", "generation": 1, "resourceSliceCount": 1},
                         "nodeName": "n", "devices": [{"name": "d", "capacity": {
                             "memory": {"value": r.choice(_MEMORY_TEXTS)}, "cores": {"value": r.choice(_CPU_TEXTS)}}}]}}
    kinds = {"pods": ("v1", "Pod", pod, ("q1", "q2")),
             "horizontalpodautoscalers": ("autoscaling/v2", "HorizontalPodAutoscaler", autoscaler, ("q1", "q2")),
             "resourceslices": ("resource.k8s.io/v1", "ResourceSlice", published, _cluster_names("q1", "q2"))}
    r = random.Random(seed)
    out: list[Op] = []
    for _ in range(n):
        collection = r.choice(tuple(kinds))
        version, kind, make, names = kinds[collection]
        name, manager = r.choice(names), r.choice(("", "fieldManager=m1", "fieldManager=m2"))
        how = r.choice(("create", "update", "merge", "apply"))
        body = make(r)
        whole = {"apiVersion": version, "kind": kind, "metadata": {"name": name}, **body}
        path = f"/{collection}/{name}" + ("" if collection == "resourceslices" else "/status")
        # (a list first: on the real one it waits for the watch cache to hold the last write; by name, as slices
        # are cluster-scoped)
        out.append(Op("GET", f"/{collection}", f"fieldSelector=metadata.name%3D{name}"))
        if how == "create":
            out.append(Op("POST", f"/{collection}", manager, whole))
        elif how == "update":
            out.append(Op("PUT", path, manager, whole))
        elif how == "merge":
            part = "spec" if collection == "resourceslices" else "status"
            out.append(Op("PATCH", path, manager, {part: body[part]}, MERGE))
        else:
            out.append(_applied(r, path, "", whole, force=True))
    return [*out, *(Op("GET", f"/{collection}/{name}") for collection, (*_, names) in kinds.items() for name in names)]


def priority_class_ops(seed: int, n: int) -> list[Op]:
    """PriorityClasses: the value (immutable, bounded for user classes), a global default, the preemption
    policy."""
    def make(name: str, r: random.Random) -> dict[str, Any]:
        body: dict[str, Any] = {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass",
                                "metadata": {"name": name}, "value": r.choice((1000, 2000, 2000000000, -5))}
        if r.random() < 0.3:
            body["globalDefault"] = False
        if r.random() < 0.4:
            body["preemptionPolicy"] = r.choice(("Never", "PreemptLowerPriority", "Sometimes"))
        if r.random() < 0.3:
            body["description"] = "for tests"
        return body
    return _simple_ops(seed, n, "priorityclasses", _cluster_names("pc1", "pc2"), make,
                       ({"value": 3000}, {"description": "changed"}, {"preemptionPolicy": "Never"},
                        {"metadata": {"labels": {"m": "1"}}}))


def storage_class_ops(seed: int, n: int) -> list[Op]:
    """StorageClasses: the provisioner and parameters (immutable), reclaim policy, binding mode, expansion,
    mount options, topologies."""
    def make(name: str, r: random.Random) -> dict[str, Any]:
        body: dict[str, Any] = {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": name},
                                "provisioner": r.choice(("example.com/p", "example.com/q", "bad provisioner!", ""))}
        for field, choices in (("parameters", ({"type": "ssd"}, {"type": "hdd"}, {})),
                               ("reclaimPolicy", ("Retain", "Delete", "Recycle", "Sometimes")),
                               ("volumeBindingMode", ("WaitForFirstConsumer", "Immediate", "Later")),
                               ("allowVolumeExpansion", (True, False)), ("mountOptions", (["ro"], [])),
                               ("allowedTopologies", ([{"matchLabelExpressions": [
                                   {"key": "zone", "values": ["a"]}]}], [{"matchLabelExpressions": [
                                       {"key": "zone", "values": []}]}]))):
            if r.random() < 0.35:
                body[field] = r.choice(choices)
        return body
    return _simple_ops(seed, n, "storageclasses", _cluster_names("sc1", "sc2"), make,
                       ({"allowVolumeExpansion": True}, {"parameters": {"type": "nvme"}}, {"reclaimPolicy": "Retain"},
                        {"metadata": {"annotations": {"storageclass.kubernetes.io/is-default-class": "false"}}},
                        {"mountOptions": ["rw"]}))


def _webhook(r: random.Random) -> dict[str, Any]:
    hook: dict[str, Any] = {"name": r.choice(("check.example.com", "check", "other.example.com")),
                            "clientConfig": r.choice(({"url": "https://hook.example.com/check"},
                                                      {"url": "http://hook.example.com/"},
                                                      {"service": {"namespace": "{ns}", "name": "hook", "port": 8443}},
                                                      {"service": {"namespace": "{ns}", "name": "hook"}}, {},
                                                      {"service": {"namespace": "{ns}", "name": "hook",
                                                                   "path": "a//b"}},
                                                      {"service": {"namespace": "{ns}", "name": "hook",
                                                                   "path": "/check/Bad_Seg/", "port": 0}},
                                                      {"url": "https://u@h.example.com/x?q=1#f"})),
                            "rules": [{"operations": ["CREATE"], "apiGroups": ["example.com"], "apiVersions": ["v1"],
                                       "resources": r.choice((["nothings"], ["nothings/*"], []))}]}
    for field, choices in (("sideEffects", ("None", "NoneOnDryRun", "Some", "Unknown")),
                           ("admissionReviewVersions", (["v1"], ["v1beta1", "v1"], [], ["v0"])),
                           ("failurePolicy", ("Ignore", "Fail", "Sometimes")), ("timeoutSeconds", (5, 0, 31)),
                           ("matchPolicy", ("Exact", "Equivalent", "Loose")),
                           ("namespaceSelector", ({"matchLabels": {"a": "b"}},)),
                           ("matchConditions", ([{"name": "c", "expression": "true"}],
                                                [{"name": "c", "expression": " "}, {"name": "c", "expression": "true"}],
                                                [{"name": "bad name!", "expression": "true"}]))):
        if r.random() < (0.85 if field in ("sideEffects", "admissionReviewVersions") else 0.3):
            hook[field] = r.choice(choices)
    return hook


def validating_webhook_ops(seed: int, n: int) -> list[Op]:
    """ValidatingWebhookConfigurations: each webhook's name, client (URL or service), rules, side effects, review
    versions, policies, timeout, match conditions; all of them match a resource nobody has, as the real
    apiserver is shared."""
    def make(name: str, r: random.Random) -> dict[str, Any]:
        return {"apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingWebhookConfiguration",
                "metadata": {"name": name}, "webhooks": [_webhook(r) for _ in range(r.choice((0, 1, 1, 2)))]}
    return _simple_ops(seed, n, "validatingwebhookconfigurations", _cluster_names("vw1", "vw2"), make,
                       ({"webhooks": None}, {"metadata": {"labels": {"m": "1"}}},
                        {"webhooks": [{"name": "x.example.com", "sideEffects": "None",
                                       "admissionReviewVersions": ["v1"],
                                       "clientConfig": {"url": "https://h.example.com"}}]}))


def mutating_webhook_ops(seed: int, n: int) -> list[Op]:
    """MutatingWebhookConfigurations: the validating ones' fields and the reinvocation policy."""
    def make(name: str, r: random.Random) -> dict[str, Any]:
        hooks = [_webhook(r) for _ in range(r.choice((0, 1, 1, 2)))]
        for hook in hooks:
            if r.random() < 0.4:
                hook["reinvocationPolicy"] = r.choice(("Never", "IfNeeded", "Always"))
        return {"apiVersion": "admissionregistration.k8s.io/v1", "kind": "MutatingWebhookConfiguration",
                "metadata": {"name": name}, "webhooks": hooks}
    return _simple_ops(seed, n, "mutatingwebhookconfigurations", _cluster_names("mw1", "mw2"), make,
                       ({"webhooks": None}, {"metadata": {"labels": {"m": "1"}}},
                        {"webhooks": [{"name": "x.example.com", "sideEffects": "None", "reinvocationPolicy": "IfNeeded",
                                       "admissionReviewVersions": ["v1"],
                                       "clientConfig": {"url": "https://h.example.com"}}]}))


def persistent_volume_ops(seed: int, n: int) -> list[Op]:
    """PersistentVolumes: capacity, access modes, one volume source (immutable), reclaim policy, class, claim
    reference, volume mode; status phases."""
    def make(name: str, r: random.Random) -> dict[str, Any]:
        spec: dict[str, Any] = {
            "capacity": r.choice(({"storage": "1Gi"}, {"storage": "2Gi"}, None, {"storage": "-1Gi"},
                                  {"storage": "1Gi", "cpu": "1"})),
            "accessModes": r.choice((["ReadWriteOnce"], ["ReadOnlyMany", "ReadWriteMany"], [], ["Sometimes"],
                                     ["ReadWriteOncePod", "ReadWriteOnce"])),
            **r.choice(({"hostPath": {"path": "/tmp/x"}}, {"nfs": {"server": "nfs.example.com", "path": "/x"}},
                        {"csi": {"driver": "csi.example.com", "volumeHandle": "h1"}}, {},
                        {"hostPath": {"path": "/tmp/x"}, "nfs": {"server": "s", "path": "/x"}},
                        {"hostPath": {"path": "/"}}, {"hostPath": {"path": "/a/../b", "type": "Weird"}},
                        {"nfs": {"server": "", "path": "x"}}, {"csi": {"driver": "Bad Driver"}},
                        {"local": {"path": "/mnt/disk"}}, {"cephfs": {"monitors": ["m"]}}))}
        for field, choices in (("persistentVolumeReclaimPolicy", ("Retain", "Delete", "Recycle", "Sometimes")),
                               ("storageClassName", ("fast", "", "Bad_Class")),
                               ("volumeMode", ("Block", "Filesystem", "Other")),
                               ("claimRef", ({"namespace": "{ns}", "name": "c1"},)), ("mountOptions", (["ro"],))):
            if r.random() < 0.3:
                spec[field] = r.choice(choices)
        if spec["capacity"] is None:  # (none at all: an empty map sent is worded otherwise there, not modelled)
            del spec["capacity"]
        meta: dict[str, Any] = {"name": name}
        if r.random() < 0.15:
            meta["annotations"] = {"volume.beta.kubernetes.io/mount-options": "ro"}
        return {"apiVersion": "v1", "kind": "PersistentVolume", "metadata": meta, "spec": spec}
    return _simple_ops(seed, n, "persistentvolumes", _cluster_names("pv1", "pv2"), make,
                       ({"spec": {"capacity": {"storage": "5Gi"}}}, {"spec": {"storageClassName": "slow"}},
                        {"spec": {"hostPath": {"path": "/tmp/y"}}}, {"spec": {"claimRef": None}},
                        {"metadata": {"labels": {"m": "1"}}}, {"spec": {"volumeMode": "Block"}},
                        {"spec": {"csi": {"driver": "csi.example.com", "volumeHandle": "h2"}}}),
                       ({"phase": "Available"}, {"phase": "Bound"}, {"phase": "Sometimes"}, {"message": "m"}))


def ingress_class_ops(seed: int, n: int) -> list[Op]:
    """IngressClasses: the controller (immutable) and the parameters' reference and scope."""
    def make(name: str, r: random.Random) -> dict[str, Any]:
        spec: dict[str, Any] = {"controller": r.choice(("example.com/ingress", "example.com/other", "bad!", ""))}
        if r.random() < 0.5:
            spec["parameters"] = r.choice(({"apiGroup": "example.com", "kind": "Params", "name": "p"},
                                           {"kind": "Params", "name": "p", "scope": "Namespace",
                                            "namespace": "{ns}"},
                                           {"kind": "Params", "name": "p", "scope": "Namespace"},
                                           {"kind": "Params", "name": "p", "scope": "Cluster",
                                            "namespace": "x"},
                                           {"kind": "", "name": "p"},
                                           {"kind": "Params", "name": "p", "scope": "Other"}))
        return {"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass", "metadata": {"name": name}, "spec": spec}
    return _simple_ops(seed, n, "ingressclasses", _cluster_names("ic1", "ic2"), make,
                       ({"spec": {"controller": "example.com/x"}}, {"spec": {"parameters": None}},
                        {"spec": {"parameters": {"kind": "K", "name": "n"}}}, {"metadata": {"labels": {"m": "1"}}}))


def csi_driver_ops(seed: int, n: int) -> list[Op]:
    """CSIDrivers: the driver's name, attach requirement (immutable), lifecycle modes, fsGroup policy, token
    requests, the node allocatable period."""
    def make(name: str, r: random.Random) -> dict[str, Any]:
        spec: dict[str, Any] = {}
        for field, choices in (("attachRequired", (True, False)), ("podInfoOnMount", (True, False)),
                               ("volumeLifecycleModes", (["Persistent"], ["Persistent", "Ephemeral"], ["Sometimes"])),
                               ("fsGroupPolicy", ("File", "None", "ReadWriteOnceWithFSType", "Always")),
                               ("tokenRequests", ([{"audience": "a"}], [{"audience": "a"}, {"audience": "a"}],
                                                  [{"audience": "b", "expirationSeconds": 60}],
                                                  [{"audience": "c", "expirationSeconds": 3600}])),
                               ("nodeAllocatableUpdatePeriodSeconds", (60, 5)),
                               ("serviceAccountTokenInSecrets", (True,))):
            if r.random() < 0.35:
                spec[field] = r.choice(choices)
        return {"apiVersion": "storage.k8s.io/v1", "kind": "CSIDriver", "metadata": {"name": name}, "spec": spec}
    return _simple_ops(seed, n, "csidrivers", _cluster_names("csi1.example.com", "csi2.example.com"), make,
                       ({"spec": {"attachRequired": False}}, {"spec": {"fsGroupPolicy": "File"}},
                        {"spec": {"volumeLifecycleModes": ["Ephemeral"]}}, {"metadata": {"labels": {"m": "1"}}}))


def runtime_class_ops(seed: int, n: int) -> list[Op]:
    """RuntimeClasses: the handler (a DNS label, immutable) and the pods' fixed overhead."""
    def make(name: str, r: random.Random) -> dict[str, Any]:
        body: dict[str, Any] = {"apiVersion": "node.k8s.io/v1", "kind": "RuntimeClass", "metadata": {"name": name},
                                "handler": r.choice(("runc", "kata", "Bad_Handler", ""))}
        if r.random() < 0.4:
            body["overhead"] = {"podFixed": r.choice(({"cpu": "250m", "memory": "64Mi"}, {"cpu": "-1"},
                                                      {"example.com/gpu": "1"}, {"bad name!": "1"}))}
        return body
    return _simple_ops(seed, n, "runtimeclasses", _cluster_names("rc1", "rc2"), make,
                       ({"handler": "other"}, {"overhead": {"podFixed": {"cpu": "1"}}}, {"overhead": None},
                        {"metadata": {"labels": {"m": "1"}}}))


def priority_level_ops(seed: int, n: int) -> list[Op]:
    """API Priority and Fairness's PriorityLevelConfigurations: the type and the member it names (one missing,
    the other there, both), shares and percentages, a limit response with or without queuing, queuing's
    shuffle sharding (queues, hand size, entropy), the name that alone may be Exempt."""
    def queuing(r: random.Random) -> dict[str, Any] | None:
        return r.choice((None, {}, {"queues": 16, "handSize": 4, "queueLengthLimit": 10}, {"queues": 10**7 + 1},
                         {"queues": 4, "handSize": 6}, {"queues": 512, "handSize": 7}, {"queueLengthLimit": -1},
                         {"handSize": -2}))

    def make(name: str, r: random.Random) -> dict[str, Any]:
        spec: dict[str, Any] = {"type": r.choice(("Limited", "Limited", "Limited", "Exempt", "", "Other"))}
        if r.random() < 0.8:
            response: dict[str, Any] = {"type": r.choice(("Queue", "Queue", "Reject", "", "Drop"))}
            if (q := queuing(r)) is not None:
                response["queuing"] = q
            spec["limited"] = {"limitResponse": response, **r.choice((
                {}, {"nominalConcurrencyShares": 5}, {"nominalConcurrencyShares": -1}, {"lendablePercent": 101},
                {"borrowingLimitPercent": -3}, {"lendablePercent": 50, "borrowingLimitPercent": 20}))}
        if r.random() < 0.25:
            spec["exempt"] = r.choice(({}, {"nominalConcurrencyShares": -2}, {"lendablePercent": 200}))
        return {"apiVersion": "flowcontrol.apiserver.k8s.io/v1", "kind": "PriorityLevelConfiguration",
                "metadata": {"name": name}, "spec": spec}
    return _simple_ops(seed, n, "prioritylevelconfigurations", _cluster_names("pl1", "pl2"), make,
                       ({"spec": {"limited": {"nominalConcurrencyShares": 7}}}, {"spec": {"type": "Exempt"}},
                        {"spec": {"limited": {"limitResponse": {"type": "Reject", "queuing": None}}}},
                        {"spec": {"limited": None}}, {"metadata": {"labels": {"m": "1"}}}))


def flow_schema_ops(seed: int, n: int) -> list[Op]:
    """API Priority and Fairness's FlowSchemas: precedence (1 only for `exempt`), distinguisher, the level
    referred to, rules of every kind of subject (members missing or of another kind), resource rules (verbs,
    groups, resources, namespaces, wildcards) and non-resource ones (URL paths), status conditions."""
    subjects = ({"kind": "Group", "group": {"name": "system:authenticated"}}, {"kind": "User", "user": {"name": ""}},
                {"kind": "ServiceAccount", "serviceAccount": {"name": "*", "namespace": "kube-system"}},
                {"kind": "ServiceAccount", "serviceAccount": {"name": "Bad_SA"}}, {"kind": "Group"},
                {"kind": "User", "user": {"name": "u"}, "group": {"name": "g"}}, {"kind": "Robot"})
    resources = ({"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"], "namespaces": ["*"]},
                 {"verbs": ["get", "list"], "apiGroups": [""], "resources": ["pods"], "clusterScope": True},
                 {"verbs": ["get", "fly"], "apiGroups": ["*", "apps"], "resources": [], "namespaces": ["Bad_NS"]},
                 {"verbs": ["*", "get"], "apiGroups": [], "resources": ["*", "pods"], "namespaces": ["*", "x"]})
    others = ({"verbs": ["get"], "nonResourceURLs": ["/healthz", "/api/*"]},
              {"verbs": [], "nonResourceURLs": ["healthz", "/a b", "/a//b", "/a*", ""]},
              {"verbs": ["*"], "nonResourceURLs": ["*", "/x"]})

    def make(name: str, r: random.Random) -> dict[str, Any]:
        spec: dict[str, Any] = {"priorityLevelConfiguration": {"name": r.choice(("global-default", "Bad_Level", ""))}}
        if r.random() < 0.7:
            spec["matchingPrecedence"] = r.choice((500, 1, -5, 10001, 9999))
        if r.random() < 0.4:
            spec["distinguisherMethod"] = {"type": r.choice(("ByUser", "ByNamespace", "ByNothing"))}
        spec["rules"] = [{"subjects": r.sample(subjects, r.randint(0, 2)),
                          **({"resourceRules": [r.choice(resources)]} if r.random() < 0.7 else {}),
                          **({"nonResourceRules": [r.choice(others)]} if r.random() < 0.4 else {})}
                         for _ in range(r.randint(0, 2))]
        return {"apiVersion": "flowcontrol.apiserver.k8s.io/v1", "kind": "FlowSchema", "metadata": {"name": name},
                "spec": spec}
    return _simple_ops(seed, n, "flowschemas", _cluster_names("fs1", "fs2"), make,
                       ({"spec": {"matchingPrecedence": 2000}}, {"spec": {"distinguisherMethod": {"type": "ByUser"}}},
                        {"spec": {"priorityLevelConfiguration": {"name": "workload-low"}}},
                        {"metadata": {"labels": {"m": "1"}}}),
                       status=({"conditions": [{"type": "Dangling", "status": "True"}]},
                               {"conditions": [{"type": "A"}, {"type": "A"}, {"status": "x"}]},
                               {"conditions": [{"type": "Other", "status": "True"}]}))


_POLICY_RULES = ({"apiGroups": [""], "apiVersions": ["v1"], "operations": ["CREATE", "UPDATE"], "resources": ["pods"]},
                 {"apiGroups": ["apps"], "apiVersions": ["v1"], "operations": ["*"], "resources": ["deployments"],
                  "resourceNames": ["a", "a", "b/c"]},
                 {"apiGroups": [], "apiVersions": ["v1"], "operations": ["CREATE", "JUMP"], "resources": ["*", "pods"]},
                 {"apiGroups": ["*"], "apiVersions": ["*"], "operations": ["*"], "resources": ["*"], "scope": "Galaxy"})


# rules a mutating policy may not have (DELETE) or may (CONNECT); the suffix only static manifests may use
_MUTATED_RULES = ({"apiGroups": [""], "apiVersions": ["v1"], "operations": ["DELETE", "CONNECT"],
                   "resources": ["pods"]},)
_STATIC = ".static.k8s.io"
_JSON_PATCH = '[JSONPatch{op: "add", path: "/metadata/labels/m", value: "1"}]'  # (its CEL type-checks)


def admission_policy_ops(seed: int, n: int) -> list[Op]:
    """ValidatingAdmissionPolicies, as policy engines write them: the failure policy, a parameter kind, the
    resources matched (selectors, rules, names), match conditions, variables, validations (messages, reasons)
    and audit annotations (keys, how many); the CEL in them always compiles (its errors are not modelled)."""
    def make(name: str, r: random.Random) -> dict[str, Any]:
        spec: dict[str, Any] = {}
        if r.random() < 0.5:  # (a policy as written, to change)
            return {"apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingAdmissionPolicy",
                    "metadata": {"name": name}, "spec": {"matchConstraints": {"resourceRules": [_POLICY_RULES[0]]},
                                                         "validations": [{"expression": "true"}]}}
        if r.random() < 0.3:
            spec["failurePolicy"] = r.choice(("Ignore", "Fail", "Sometimes"))
        if r.random() < 0.3:
            spec["paramKind"] = r.choice(({"apiVersion": "v1", "kind": "ConfigMap"}, {"apiVersion": "a/b/c"},
                                          {"apiVersion": "Bad_Group/v1", "kind": "Bad_Kind"}, {"kind": "X"},
                                          {"apiVersion": "example.com/", "kind": "Thing"}))
        if r.random() < 0.85:
            match: dict[str, Any] = {"resourceRules": r.sample(_POLICY_RULES, r.randint(0, 2))}
            if r.random() < 0.3:
                match["objectSelector"] = r.choice(({"matchLabels": {"a": "b"}},
                                                    {"matchExpressions": [{"key": "k", "operator": "In"}]}))
            if r.random() < 0.2:
                match["matchPolicy"] = r.choice(("Exact", "Loose"))
            spec["matchConstraints"] = match
        if r.random() < 0.3:
            spec["matchConditions"] = r.choice(([{"name": "c", "expression": "true"}],
                                                [{"name": "bad name!", "expression": " "}, {"name": "bad name!"}]))
        if r.random() < 0.3:
            spec["variables"] = r.choice(([{"name": "v", "expression": "object.metadata.name"}],
                                          [{"name": "in", "expression": "1"}, {"name": "", "expression": ""}]))
        if r.random() < 0.8:
            spec["validations"] = r.sample((
                {"expression": "object.metadata.name != ''"}, {"expression": " ", "message": "  "},
                {"expression": "true", "message": "two\nlines", "reason": "Teapot"},
                {"expression": "true", "messageExpression": "'x'", "reason": "Forbidden"}), r.randint(0, 2))
        if r.random() < 0.3:
            spec["auditAnnotations"] = r.choice(([{"key": "k", "valueExpression": "'v'"}],
                                                 [{"key": "k", "valueExpression": "'v'"}, {"key": "k"}],
                                                 [{"key": "bad key!", "valueExpression": "'v'"}],
                                                 [{"key": f"k{i}", "valueExpression": "'v'"} for i in range(21)]))
        return {"apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingAdmissionPolicy",
                "metadata": {"name": name}, "spec": spec}
    return _simple_ops(seed, n, "validatingadmissionpolicies", _cluster_names("vap1", "vap2"), make,
                       ({"spec": {"failurePolicy": "Ignore"}}, {"spec": {"validations": None}},
                        {"spec": {"matchConstraints": {"matchPolicy": "Exact"}}}, {"metadata": {"labels": {"m": "1"}}}))


def policy_binding_ops(seed: int, n: int) -> list[Op]:
    """ValidatingAdmissionPolicyBindings: the policy named, a parameter reference (a name or a selector, never
    both, what to do when none is found), the resources matched, the actions (none twice, not Deny and Warn)."""
    def make(name: str, r: random.Random) -> dict[str, Any]:
        spec: dict[str, Any] = {"policyName": r.choice(("policy", "policy", "", "Bad_Policy"))}
        if r.random() < 0.5:  # (a binding as written, to change)
            return {"apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingAdmissionPolicyBinding",
                    "metadata": {"name": name}, "spec": {"policyName": "policy", "validationActions": ["Deny"]}}
        if r.random() < 0.4:
            spec["paramRef"] = r.choice(({"name": "p", "parameterNotFoundAction": "Deny"},
                                         {"selector": {"matchLabels": {"a": "b"}}, "parameterNotFoundAction": "Allow"},
                                         {"name": "a/b", "selector": {}}, {"parameterNotFoundAction": "Panic"}))
        if r.random() < 0.4:
            spec["matchResources"] = {"resourceRules": r.sample(_POLICY_RULES, r.randint(0, 2)),
                                      **r.choice(({}, {"matchPolicy": "Loose"},
                                                  {"namespaceSelector": {"matchLabels": {"bad key!": "v"}}}))}
        if r.random() < 0.9:
            spec["validationActions"] = r.choice((["Deny"], ["Warn", "Audit"], ["Deny", "Warn"], ["Audit", "Audit"],
                                                  ["Shout"], []))
        return {"apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingAdmissionPolicyBinding",
                "metadata": {"name": name}, "spec": spec}
    return _simple_ops(seed, n, "validatingadmissionpolicybindings", _cluster_names("vapb1", "vapb2"), make,
                       ({"spec": {"validationActions": ["Audit"]}}, {"spec": {"policyName": "other"}},
                        {"spec": {"paramRef": None}}, {"metadata": {"labels": {"m": "1"}}}))


def mutating_policy_ops(seed: int, n: int) -> list[Op]:
    """MutatingAdmissionPolicies: what a validating one has (failure policy, parameter kind, matched resources,
    match conditions, variables), the operations a mutation can meet (not DELETE), the mutations (a patch type
    and its own expression, not the other's), the reinvocation policy; a name with the suffix reserved for
    static manifests."""
    def make(name: str, r: random.Random) -> dict[str, Any]:
        apply = {"patchType": "ApplyConfiguration", "applyConfiguration": {"expression": "Object{}"}}
        if r.random() < 0.5:  # (a policy as written, to change)
            return {"apiVersion": "admissionregistration.k8s.io/v1", "kind": "MutatingAdmissionPolicy",
                    "metadata": {"name": name}, "spec": {"matchConstraints": {"resourceRules": [_POLICY_RULES[0]]},
                                                         "mutations": [apply], "reinvocationPolicy": "Never"}}
        spec: dict[str, Any] = {}
        if r.random() < 0.3:
            spec["failurePolicy"] = r.choice(("Ignore", "Fail", "Sometimes"))
        if r.random() < 0.2:
            spec["paramKind"] = r.choice(({"apiVersion": "v1", "kind": "ConfigMap"}, {"apiVersion": "a/b/c"}))
        if r.random() < 0.85:
            spec["matchConstraints"] = {"resourceRules": r.sample(_POLICY_RULES + _MUTATED_RULES, r.randint(0, 2)),
                                        **r.choice(({}, {"matchPolicy": "Exact"},
                                                    {"objectSelector": {"matchLabels": {"bad key!": "v"}}}))}
        if r.random() < 0.2:
            spec["matchConditions"] = r.choice(([{"name": "c", "expression": "true"}], [{"name": "bad name!"}]))
        if r.random() < 0.2:
            spec["variables"] = r.choice(([{"name": "v", "expression": "object.metadata.name"}],
                                          [{"name": "in", "expression": "1"}]))
        if r.random() < 0.85:
            spec["mutations"] = r.sample((
                apply, {"patchType": "JSONPatch", "jsonPatch": {"expression": _JSON_PATCH}},
                {"patchType": "JSONPatch"}, {"patchType": "ApplyConfiguration"}, {"patchType": "Merge"}, {},
                {"patchType": "JSONPatch", "jsonPatch": {"expression": "  "},
                 "applyConfiguration": {"expression": "x"}},
                {"patchType": "ApplyConfiguration", "applyConfiguration": {"expression": "Object{}"},
                 "jsonPatch": {"expression": _JSON_PATCH}}), r.randint(0, 2))
        if r.random() < 0.85:
            spec["reinvocationPolicy"] = r.choice(("Never", "IfNeeded", "Always", ""))
        return {"apiVersion": "admissionregistration.k8s.io/v1", "kind": "MutatingAdmissionPolicy",
                "metadata": {"name": name}, "spec": spec}
    return _simple_ops(seed, n, "mutatingadmissionpolicies", (*_cluster_names("map1", "map2"), "map3-{ns}" + _STATIC),
                       make, ({"spec": {"failurePolicy": "Ignore"}}, {"spec": {"mutations": None}},
                              {"spec": {"reinvocationPolicy": "IfNeeded"}}, {"metadata": {"labels": {"m": "1"}}}))


def mutating_binding_ops(seed: int, n: int) -> list[Op]:
    """MutatingAdmissionPolicyBindings: the policy named (a DNS subdomain), a parameter reference, the resources
    matched and the operations a mutation can meet."""
    def make(name: str, r: random.Random) -> dict[str, Any]:
        if r.random() < 0.5:  # (a binding as written, to change)
            return {"apiVersion": "admissionregistration.k8s.io/v1", "kind": "MutatingAdmissionPolicyBinding",
                    "metadata": {"name": name}, "spec": {"policyName": "policy"}}
        spec: dict[str, Any] = {}
        if r.random() < 0.9:
            spec["policyName"] = r.choice(("policy", "", "Bad_Policy"))
        if r.random() < 0.4:
            spec["paramRef"] = r.choice(({"name": "p", "parameterNotFoundAction": "Deny"},
                                         {"name": "a/b", "selector": {}}, {"parameterNotFoundAction": "Panic"}))
        if r.random() < 0.5:
            spec["matchResources"] = {"resourceRules": r.sample(_POLICY_RULES + _MUTATED_RULES, r.randint(0, 2)),
                                      **r.choice(({}, {"matchPolicy": "Loose"}))}
        return {"apiVersion": "admissionregistration.k8s.io/v1", "kind": "MutatingAdmissionPolicyBinding",
                "metadata": {"name": name}, "spec": spec}
    return _simple_ops(seed, n, "mutatingadmissionpolicybindings",
                       (*_cluster_names("mapb1", "mapb2"), "mapb3-{ns}" + _STATIC), make,
                       ({"spec": {"policyName": "other"}}, {"spec": {"paramRef": None}},
                        {"spec": {"matchResources": {"matchPolicy": "Exact"}}}, {"metadata": {"labels": {"m": "1"}}}))


_BAD_DRIVERS = ("", "Bad Driver", "d" * 64)


def _claim_spec(r: random.Random) -> dict[str, Any]:
    """A DRA claim's devices as a driver's users write them: exact requests (a count, all devices, selectors,
    tolerations), requests with alternatives, constraints and opaque configuration (parameters sent with this
    client's spaces are kept as sent, so a later patch of the claim finds its spec changed)."""
    requests: list[dict[str, Any]] = []
    for name in r.sample(("gpu", "nic", "fpga"), r.randint(1, 2)):
        if r.random() < 0.3:
            subs = ("large", "small")[:r.randint(1, 2)]
            requests.append({"name": name, "firstAvailable": [
                {"name": sub, "deviceClassName": r.choice(("gpu.example.com", "small.example.com")),
                 **r.choice(({}, {"count": 2}, {"allocationMode": "All"}))} for sub in subs]})
            continue
        exactly: dict[str, Any] = {"deviceClassName": r.choice(("gpu.example.com", "nic.example.com"))}
        exactly.update(r.choice(({}, {"count": 3}, {"allocationMode": "All"}, {"allocationMode": "ExactCount"})))
        if r.random() < 0.3:
            exactly["selectors"] = [{"cel": {"expression": "device.driver == 'gpu.example.com'"}}]
        if r.random() < 0.3:
            exactly["tolerations"] = [r.choice(({"key": "k", "effect": "NoSchedule", "value": "v"},
                                                {"key": "k", "operator": "Exists"}))]
        requests.append({"name": name, "exactly": exactly})
    if r.random() < 0.3:  # one request wrong
        requests[0] = r.choice((
            {"name": "Bad_Name", "exactly": {"deviceClassName": "gpu.example.com"}}, {"name": "none"},
            {"name": "both", "exactly": {"deviceClassName": "gpu.example.com"},
             "firstAvailable": [{"name": "a", "deviceClassName": "gpu.example.com"}]},
            {"name": "cls", "exactly": {"deviceClassName": r.choice(("", "Bad_Class"))}},
            {"name": "count", "exactly": {"deviceClassName": "gpu.example.com", "count": -1}},
            {"name": "all", "exactly": {"deviceClassName": "gpu.example.com", "allocationMode": "All", "count": 2}},
            {"name": "sel", "exactly": {"deviceClassName": "gpu.example.com", "selectors": [{}]}},
            {"name": "tol", "exactly": {"deviceClassName": "gpu.example.com", "tolerations": [
                r.choice(({"key": "k", "operator": "Exists", "value": "v"}, {"key": "k", "value": "bad value!"}))]}},
            {"name": "sub", "firstAvailable": [{"name": "Bad_Sub", "deviceClassName": "gpu.example.com",
                                                "allocationMode": "All", "count": 1}]}))
    devices: dict[str, Any] = {"requests": requests}
    if r.random() < 0.3:
        attribute = {"matchAttribute": "gpu.example.com/model"}
        devices["constraints"] = [r.choice(({"requests": [requests[0]["name"]], **attribute},
                                            {"requests": ["zzz", "a/b/c"], **attribute},
                                            {"requests": [requests[0]["name"]]}))]
    if r.random() < 0.3:
        devices["config"] = [r.choice(({"opaque": {"driver": "gpu.example.com",
                                                   "parameters": {"size": "40Gi", "mode": {"shared": True}}}},
                                       {"requests": ["zzz"], "opaque": {"driver": "gpu.example.com", "parameters": {}}},
                                       {"requests": [requests[0]["name"]]},
                                       {"opaque": {"driver": "gpu.example.com", "parameters": [1]}},
                                       {"opaque": {"driver": r.choice(_BAD_DRIVERS), "parameters": {}}}))]
    return {"devices": devices}


def resource_claim_ops(seed: int, n: int) -> list[Op]:
    """ResourceClaims: the requests' defaults (an exact count of one, a toleration's operator), a spec that
    does not change (declarative validation's immutable), the status a scheduler and a driver write (the
    allocation, who the claim is reserved for)."""
    def make(name: str, r: random.Random) -> dict[str, Any]:
        return {"apiVersion": "resource.k8s.io/v1", "kind": "ResourceClaim", "metadata": {"name": name},
                "spec": _claim_spec(r)}
    def result(request: str, **more: str) -> dict[str, Any]:
        return {"request": request, "driver": "gpu.example.com", "pool": "node1", "device": "gpu-0", **more}
    pod = {"resource": "pods", "name": "p", "uid": "6ba7b810-9dad-11d1-80b4-00c04fd430c8"}
    allocations = [{"devices": {"results": results}} for results in (
        [result("gpu")], [result("nic")], [result("fpga/large")], [result("gpu/small"), result("nic", device="gpu-1")],
        [result("a/b/c", driver="", pool="", device="Bad_Device")],
        [result("gpu", device="gpu-1")], [result("gpu", driver="Bad Driver")], [result("gpu", driver="d" * 64)])]
    allocations.append({"devices": {"results": [result("nic")], "config": [
        {"source": "FromClaim", "requests": ["nic", "zzz"], "opaque": {"driver": "gpu.example.com", "parameters": {}}},
        {"source": "FromClass"}]}})
    statuses = (*({"allocation": a, "reservedFor": [pod]} for a in allocations),
                *({"allocation": a} for a in allocations),
                {"reservedFor": None}, {"allocation": None, "reservedFor": None}, {"reservedFor": [pod]},
                {"reservedFor": [{"resource": "pods"}]},
                *({"allocation": allocations[0], "devices": [device]} for device in (
                    {"driver": "gpu.example.com", "pool": "node1", "device": "gpu-0",
                     "conditions": [{"type": "Ready", "status": "True", "reason": "Up", "message": "",
                                     "lastTransitionTime": "2026-01-01T00:00:00Z"}],
                     "data": {"a": 1}, "networkData": {"interfaceName": "eth0", "ips": ["10.0.0.5/24"]}},
                    {"driver": "gpu.example.com", "pool": "node1", "device": "gpu-9"},
                    {"driver": "Bad Driver", "pool": "Bad_Pool", "device": "Bad_Device"},
                    {"driver": "gpu.example.com", "pool": "node1", "device": "gpu-0", "data": [1],
                     "networkData": {"ips": ["10.0.0.05/24", "bad", "2001:DB8::1/64"]},
                     "conditions": [{"type": "Ready"}]})))
    return _simple_ops(seed, n, "resourceclaims", ("c1", "c2"), make,
                       ({"metadata": {"labels": {"m": "1"}}}, {"spec": {"devices": {"constraints": None}}},
                        {"metadata": {"annotations": {"a": "b"}}}), statuses)


def resource_claim_template_ops(seed: int, n: int) -> list[Op]:
    """ResourceClaimTemplates: the claims' defaults, and a spec that does not change (printed as the internal
    type when it does)."""
    def make(name: str, r: random.Random) -> dict[str, Any]:
        return {"apiVersion": "resource.k8s.io/v1", "kind": "ResourceClaimTemplate", "metadata": {"name": name},
                "spec": {**r.choice(({}, {"metadata": {"labels": {"a": "b"}}})), "spec": _claim_spec(r)}}
    return _simple_ops(seed, n, "resourceclaimtemplates", ("t1", "t2"), make,
                       ({"metadata": {"labels": {"m": "1"}}}, {"spec": {"metadata": {"labels": {"a": "c"}}}},
                        {"metadata": {"annotations": {"a": "b"}}}))


def _device_taint(r: random.Random) -> dict[str, Any]:
    """A device's taint as an operator marks a broken device (the time it was added left to the apiserver)."""
    return r.choice(({"key": "example.com/unhealthy", "value": "true", "effect": "NoSchedule"},
                     {"key": "example.com/unhealthy", "effect": "NoExecute"}, {"key": "k", "effect": "None"},
                     {"key": "bad key!", "effect": "NoSchedule"}, {"key": "k", "value": "bad value!", "effect": "None"},
                     {"key": "k"}, {"key": "k", "effect": "Sometimes"}, {"effect": "NoSchedule"}))


def device_taint_rule_ops(seed: int, n: int) -> list[Op]:
    """DeviceTaintRules: the devices selected (a driver, a pool, a device) and the taint they get."""
    def make(name: str, r: random.Random) -> dict[str, Any]:
        selector = r.choice(({"driver": "gpu.example.com"}, {"driver": "gpu.example.com", "pool": "node-a"},
                             {"driver": "gpu.example.com", "pool": "node-a", "device": "gpu-0"},
                             {"driver": "Bad Driver"}, {"pool": "Bad_Pool"}, {"device": "Bad_Device"}, {}))
        return {"apiVersion": "resource.k8s.io/v1", "kind": "DeviceTaintRule", "metadata": {"name": name},
                "spec": {"deviceSelector": selector, "taint": _device_taint(r)}}
    return _simple_ops(seed, n, "devicetaintrules", _cluster_names("dtr1", "dtr2"), make,
                       ({"metadata": {"labels": {"m": "1"}}}, {"spec": {"taint": {"effect": "NoExecute"}}},
                        {"spec": {"taint": {"value": "x"}}}, {"spec": {"deviceSelector": {"pool": "node-b"}}}))


def storage_version_migration_ops(seed: int, n: int) -> list[Op]:
    """StorageVersionMigrations, as a migrator records its work: the resource migrated (fixed), the status it
    writes (the resourceVersion migrated to, fixed once set; Running, Succeeded and Failed conditions)."""
    def make(name: str, r: random.Random) -> dict[str, Any]:
        resource = r.choice(({"group": "apps", "resource": "deployments"}, {"resource": "configmaps"},
                             {"group": "example.com", "resource": "things"}, {"group": "Bad_Group", "resource": "x"},
                             {"group": "apps"}, {"resource": "Bad_Resource"}))
        return {"apiVersion": "storagemigration.k8s.io/v1", "kind": "StorageVersionMigration",
                "metadata": {"name": name}, "spec": {"resource": resource}}

    def condition(kind: str, state: str, **more: Any) -> dict[str, Any]:
        return {"type": kind, "status": state, "lastTransitionTime": "2026-01-01T00:00:00Z", "reason": "R",
                "message": "", **more}
    return _simple_ops(seed, n, "storageversionmigrations", _cluster_names("svm1", "svm2"), make,
                       ({"metadata": {"labels": {"m": "1"}}}, {"spec": {"resource": {"resource": "secrets"}}}),
                       ({"resourceVersion": "12"}, {"resourceVersion": "13"}, {"resourceVersion": "012"},
                        {"conditions": [condition("Running", "True")]},
                        {"conditions": [condition("Succeeded", "True")]},
                        {"conditions": [condition("Succeeded", "False")]},
                        {"conditions": [condition("Succeeded", "True"), condition("Failed", "True")]},
                        {"conditions": [condition("Failed", "True", reason="bad reason!")]},
                        {"conditions": [{"type": "Running"}]}))


def device_class_ops(seed: int, n: int) -> list[Op]:
    """DeviceClasses: selectors (their CEL always compiles), opaque configurations (driver, parameters), the
    extended resource a class stands for."""
    def make(name: str, r: random.Random) -> dict[str, Any]:
        spec: dict[str, Any] = {}
        if r.random() < 0.6:
            spec["selectors"] = r.choice(([{"cel": {"expression": "device.driver == 'gpu.example.com'"}}], [{}]))
        if r.random() < 0.5:
            spec["config"] = [r.choice(({"opaque": {"driver": "gpu.example.com", "parameters": {}}}, {},
                                        {"opaque": {"driver": r.choice(_BAD_DRIVERS), "parameters": {}}},
                                        {"opaque": {"driver": "gpu.example.com", "parameters": 1}}))]
        if r.random() < 0.4:
            spec["extendedResourceName"] = r.choice(("example.com/gpu", "gpu", "kubernetes.io/gpu", "requests.x/y",
                                                     "example.com/bad name", "example.com/gpu"))
        return {"apiVersion": "resource.k8s.io/v1", "kind": "DeviceClass", "metadata": {"name": name}, "spec": spec}
    return _simple_ops(seed, n, "deviceclasses", _cluster_names("dc1", "dc2"), make,
                       ({"metadata": {"labels": {"m": "1"}}}, {"spec": {"selectors": None}},
                        {"spec": {"extendedResourceName": "example.com/other"}}, {"spec": {"config": [{}]}}))


def resource_slice_ops(seed: int, n: int) -> list[Op]:
    """ResourceSlices, as a DRA driver publishes them: its driver and pool (fixed, as the node), where the
    devices are (a node, a node selector, all nodes, per device), the devices' names, attributes of each kind
    (at most one wrong one per device: the apiserver walks a map in Go's random order) and capacity."""
    def device(r: random.Random, i: int, per_device: bool) -> dict[str, Any]:
        out: dict[str, Any] = {"name": r.choice((f"gpu-{i}", f"gpu-{i}", "Bad_Device", "gpu-0"))}
        if r.random() < 0.7:
            attributes: dict[str, Any] = {"model": {"string": "A100"}, "gpu.example.com/index": {"int": i},
                                          "healthy": {"bool": True}, "driverVersion": {"version": "1.2.3"}}
            attributes.update(r.choice(({}, {"v": {"version": "1.2"}}, {"bad-name": {"int": 1}},
                                        {"x": {"int": 1, "bool": True}}, {"x": {}}, {"l": {"strings": []}},
                                        {"s": {"string": "x" * 65}}, {"/x": {"int": 1}},
                                        {"Bad_Domain.example.com/x": {"int": 1}}, {"ok": {"ints": [1, 2]}})))
            out["attributes"] = attributes
        if r.random() < 0.4:
            out["capacity"] = r.choice(({"memory": {"value": "40Gi"}}, {"memory": {"value": "1", "requestPolicy": {}}}))
        if r.random() < 0.3:
            out["taints"] = [_device_taint(r)]
        if per_device or r.random() < 0.1:
            out.update(r.choice(({"nodeName": "node-a"}, {"allNodes": True}, {"allNodes": False}, {"nodeName": ""},
                                 {"nodeName": "n", "allNodes": True}, {})))
        return out

    def make(name: str, r: random.Random) -> dict[str, Any]:
        spec: dict[str, Any] = {"driver": r.choice(("gpu.example.com", "gpu.example.com", "other.example.com",
                                                    "Bad Driver", "")),
                                "pool": {"name": r.choice(("node-a", "node-a", "pool/b", "Bad_Pool", "")),
                                         "generation": r.choice((1, 1, 2, -1)),
                                         "resourceSliceCount": r.choice((1, 1, 0))}}
        spec.update(r.choice(({"nodeName": "node-a"}, {"nodeName": "node-a"}, {"nodeName": "node-b"},
                              {"allNodes": True},
                              {"nodeSelector": {"nodeSelectorTerms": [{"matchExpressions": [
                                  {"key": "zone", "operator": "In", "values": ["a"]}]}]}},
                              {"nodeSelector": {"nodeSelectorTerms": []}}, {"perDeviceNodeSelection": True},
                              {"allNodes": False}, {"nodeName": ""}, {}, {"nodeName": "node-a", "allNodes": True})))
        per_device = spec.get("perDeviceNodeSelection") is True
        spec["devices"] = [device(r, i, per_device) for i in range(r.choice((0, 1, 2, 2, 3)))]
        if r.random() < 0.1:
            spec["sharedCounters"] = [{"name": "c", "counters": {"memory": {"value": "1Gi"}}}]
        return {"apiVersion": "resource.k8s.io/v1", "kind": "ResourceSlice", "metadata": {"name": name}, "spec": spec}
    return _simple_ops(seed, n, "resourceslices", _cluster_names("rs1", "rs2"), make,
                       ({"metadata": {"labels": {"m": "1"}}}, {"spec": {"pool": {"generation": 3}}},
                        {"spec": {"nodeName": "node-c"}}, {"spec": {"devices": []}},
                        {"spec": {"driver": "other.example.com"}}, {"spec": {"pool": {"name": "node-z"}}}))


def _pod_template_spec(r: random.Random) -> dict[str, Any]:
    """A pod template: labels that may not match, containers good and bad, restart policies and deadlines."""
    container = r.choice(({"name": "c", "image": "nginx"}, {"name": "Bad_C", "image": "nginx"}, {"name": "c"}))
    spec: dict[str, Any] = {"containers": [container]}
    if r.random() < 0.3:
        spec["restartPolicy"] = r.choice(("Never", "OnFailure", "Always"))
    if r.random() < 0.15:
        spec["activeDeadlineSeconds"] = 30
    labels = r.choice(({"app": "x"}, {"app": "y", "tier": "t"}, None))  # (none: no map; `{}` is not modelled)
    return {**({"metadata": {"labels": labels}} if labels else {}), "spec": spec}


def replication_controller_ops(seed: int, n: int) -> list[Op]:
    """ReplicationControllers: the selector (defaulted from the template's labels) and the labels it must
    match, replicas and minReadySeconds (declarative validation's), a template of pods that run for ever."""
    def make(name: str, r: random.Random) -> dict[str, Any]:
        spec: dict[str, Any] = {"template": _pod_template_spec(r)}
        if r.random() < 0.5:
            spec["selector"] = r.choice(({"app": "x"}, {"app": "z"}))
        if r.random() < 0.3:
            spec["replicas"] = r.choice((2, -1, 0))
        if r.random() < 0.2:
            spec["minReadySeconds"] = r.choice((5, -5))
        return {"apiVersion": "v1", "kind": "ReplicationController", "metadata": {"name": name}, "spec": spec}
    return _simple_ops(seed, n, "replicationcontrollers", ("rc1", "rc2"), make,
                       ({"spec": {"replicas": 3}}, {"spec": {"replicas": None}}, {"spec": {"minReadySeconds": -1}},
                        {"spec": {"selector": {"app": "q"}}}, {"metadata": {"labels": {"m": "1"}}}))


def pod_template_ops(seed: int, n: int) -> list[Op]:
    """PodTemplates: a template validated as a pod's, its restart policy free."""
    def make(name: str, r: random.Random) -> dict[str, Any]:
        return {"apiVersion": "v1", "kind": "PodTemplate", "metadata": {"name": name},
                "template": _pod_template_spec(r)}
    return _simple_ops(seed, n, "podtemplates", ("pt1", "pt2"), make,
                       ({"template": {"spec": {"containers": [{"name": "c", "image": "busybox"}]}}},
                        {"template": {"metadata": {"labels": {"bad key!": "v"}}}},
                        {"metadata": {"labels": {"m": "1"}}}))


_ENDPOINT_IPS = ("10.1.2.3", "10.1.2.4", "2001:db8::5", "not-an-ip", "127.0.0.1", "0.0.0.0", "169.254.1.1", "224.0.0.5",
                 "010.1.2.3", "::ffff:10.1.2.3", "fe80::1", "ff02::1", "::", "2001:DB8:0:0::6")


def endpoints_ops(seed: int, n: int) -> list[Op]:
    """Endpoints, as an endpoints controller writes them: subsets of ready and not-ready addresses (IPs an
    endpoint may or may not have, hostnames, node names), ports (named where several, protocols, app
    protocols)."""
    def address(r: random.Random) -> dict[str, Any]:
        out: dict[str, Any] = {"ip": r.choice(_ENDPOINT_IPS)}
        if r.random() < 0.2:
            out["hostname"] = r.choice(("web-0", "Bad_Host"))
        if r.random() < 0.2:
            out["nodeName"] = r.choice(("n1", "Bad Node"))
        return out

    def make(name: str, r: random.Random) -> dict[str, Any]:
        subsets = []
        for _ in range(r.randint(0, 2)):
            subset: dict[str, Any] = {}
            for f in ("addresses", "notReadyAddresses"):
                if r.random() < 0.6:
                    subset[f] = [address(r) for _ in range(r.randint(1, 2))]
            subset["ports"] = r.sample(({"port": 80}, {"name": "http", "port": 8080, "protocol": "TCP"},
                                        {"name": "Bad_Port", "port": 70000, "protocol": "ICMP"},
                                        {"name": "dns", "port": 53, "protocol": "UDP", "appProtocol": "bad proto!"}),
                                       r.randint(0, 2))
            subsets.append(subset)
        return {"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": name}, "subsets": subsets}
    return _simple_ops(seed, n, "endpoints", ("ep1", "ep2"), make,
                       ({"subsets": None}, {"subsets": [{"addresses": [{"ip": "10.9.9.9"}]}]},
                        {"metadata": {"labels": {"m": "1"}}}))


def endpoint_slice_ops(seed: int, n: int) -> list[Op]:
    """EndpointSlices, as the endpoint slice controller and service meshes write them: the address type
    (immutable) and addresses of it, ports named once with protocols, node names, hostnames, topology."""
    def make(name: str, r: random.Random) -> dict[str, Any]:
        kind = r.choice(("IPv4", "IPv4", "IPv6", "FQDN", "", "Bogus"))
        endpoints = []
        for _ in range(r.randint(0, 2)):
            endpoint: dict[str, Any] = {"addresses": r.sample((*_ENDPOINT_IPS, "web.example.com", "Bad.Name", "x"),
                                                              r.choice((1, 1, 2, 0)))}
            if r.random() < 0.2:
                endpoint["nodeName"] = r.choice(("n1", "Bad Node"))
            if r.random() < 0.2:
                endpoint["hostname"] = r.choice(("web-0", "Bad_Host"))
            if r.random() < 0.15:
                endpoint["deprecatedTopology"] = {"bad key!": "v"}
            endpoints.append(endpoint)
        ports = r.sample(({"name": "http", "port": 80}, {"name": "http", "port": 81}, {"name": "Bad_Port"},
                          {"port": 53, "protocol": "ICMP"}), r.randint(0, 2))
        return {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "metadata": {"name": name},
                "addressType": kind, "endpoints": endpoints, "ports": ports}
    return _simple_ops(seed, n, "endpointslices", ("es1", "es2"), make,
                       ({"addressType": "IPv6"}, {"endpoints": [{"addresses": ["10.9.9.9"]}]},
                        {"endpoints": None}, {"metadata": {"labels": {"m": "1"}}}))


def service_cidr_ops(seed: int, n: int) -> list[Op]:
    """ServiceCIDRs: one or two CIDRs (strictly valid, one per family), fixed once made but for a second one
    of the other family."""
    def make(name: str, r: random.Random) -> dict[str, Any]:
        cidrs = r.choice((["10.210.0.0/24"], ["10.210.1.0/24", "fd00:10:210::/112"], [], ["bad"],
                          ["10.210.2.1/24"], ["10.210.3.0/24", "10.210.4.0/24"], ["010.210.5.0/24"],
                          ["10.1.0.0/24", "fd00::/112", "10.2.0.0/24"]))
        return {"apiVersion": "networking.k8s.io/v1", "kind": "ServiceCIDR", "metadata": {"name": name},
                "spec": {"cidrs": cidrs}}
    return _simple_ops(seed, n, "servicecidrs", _cluster_names("sc1", "sc2"), make,
                       ({"spec": {"cidrs": ["10.210.9.0/24"]}}, {"spec": {"cidrs": ["10.210.0.0/24", "fd00:7::/112"]}},
                        {"metadata": {"labels": {"m": "1"}}}))


def controller_revision_ops(seed: int, n: int) -> list[Op]:
    """ControllerRevisions, as workload controllers write them: a revision number and data (an object,
    fixed once made)."""
    def make(name: str, r: random.Random) -> dict[str, Any]:
        body: dict[str, Any] = {"apiVersion": "apps/v1", "kind": "ControllerRevision", "metadata": {"name": name},
                                "revision": r.choice((1, 2, -1))}
        if r.random() < 0.85:
            body["data"] = r.choice(({"spec": {"template": {"metadata": {"labels": {"a": "b"}}}}}, "text", [1], None))
        return body
    return _simple_ops(seed, n, "controllerrevisions", ("cr1", "cr2"), make,
                       ({"revision": 5}, {"revision": -2}, {"data": {"other": 1}},
                        {"metadata": {"labels": {"m": "1"}}}))


def node_ops(seed: int, n: int) -> list[Op]:
    """Nodes, as fake-node tools and kubelets write them and controllers taint them: taints (keys, values,
    effects, one per key and effect), pod CIDRs (singular and plural, one per family, fixed once set), the
    provider ID (set once), capacity and addresses in the status."""
    def make(name: str, r: random.Random) -> dict[str, Any]:
        spec: dict[str, Any] = {}
        if r.random() < 0.5:
            spec["taints"] = r.sample(({"key": "dedicated", "value": "gpu", "effect": "NoSchedule"},
                                       {"key": "dedicated", "effect": "NoSchedule"}, {"key": "bad key!", "effect": ""},
                                       {"key": "k", "value": "bad value!", "effect": "Sometimes"},
                                       {"key": "k", "effect": "NoExecute"}), r.randint(1, 2))
        if r.random() < 0.4:
            spec[r.choice(("podCIDR", "podCIDRs"))] = r.choice(("10.244.1.0/24", ["10.244.2.0/24", "fd00:244::/64"],
                                                                ["10.244.3.0/24", "10.244.4.0/24"], "bad"))
            if isinstance(spec.get("podCIDR"), list):
                spec["podCIDR"] = spec["podCIDR"][0]
            if isinstance(spec.get("podCIDRs"), str):
                spec["podCIDRs"] = [spec["podCIDRs"]]
        if r.random() < 0.3:
            spec["providerID"] = r.choice(("kind://docker/n1", "aws:///us-east-1a/i-1"))
        body = {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name}, "spec": spec}
        if r.random() < 0.3:
            body["status"] = {"capacity": r.choice(({"cpu": "4", "pods": "110"}, {"pods": "1.5"}, {"cpu": "-1"}))}
        return body

    def extra(r: random.Random, name: str, path: str) -> Op:
        status = r.choice(({"addresses": [{"type": "InternalIP", "address": "10.0.0.1"}] * 2},
                           {"capacity": {"example.com/gpu": "0.5"}}, {"allocatable": {"memory": "1Gi"}}))
        return Op("PATCH", f"{path}/status", body={"status": status}, content_type=MERGE)
    return _simple_ops(seed, n, "nodes", _cluster_names("node1", "node2"), make,
                       ({"spec": {"podCIDRs": ["10.244.9.0/24"]}}, {"spec": {"providerID": ""}},
                        {"spec": {"providerID": "other://x"}}, {"spec": {"taints": None}},
                        {"metadata": {"labels": {"m": "1"}}}), extra=extra)


def csi_node_ops(seed: int, n: int) -> list[Op]:
    """CSINodes, as kubelets write them: drivers (names once, node IDs, volume counts, topology keys), each
    fixed once there but for its count."""
    drivers = ({"name": "csi.example.com", "nodeID": "n1", "topologyKeys": ["topology.example.com/zone"]},
               {"name": "csi.example.com", "nodeID": "n2"}, {"name": "Bad Driver", "nodeID": ""},
               {"name": "other.example.com", "nodeID": "x" * 300, "allocatable": {"count": -1}},
               {"name": "third.example.com", "nodeID": "n1", "topologyKeys": ["", "a", "a", "bad key!"]},
               {"name": "fourth.example.com", "nodeID": "n1", "allocatable": {"count": 8}})

    def make(name: str, r: random.Random) -> dict[str, Any]:
        return {"apiVersion": "storage.k8s.io/v1", "kind": "CSINode", "metadata": {"name": name},
                "spec": {"drivers": r.sample(drivers, r.randint(0, 2))}}
    return _simple_ops(seed, n, "csinodes", _cluster_names("cn1", "cn2"), make,
                       ({"spec": {"drivers": [drivers[0]]}}, {"spec": {"drivers": [drivers[1]]}},
                        {"spec": {"drivers": [{**drivers[5], "allocatable": {"count": 9}}]}},
                        {"metadata": {"labels": {"m": "1"}}}))


def ip_address_ops(seed: int, n: int) -> list[Op]:
    """IPAddresses, as IP allocators write them: the name an IP in canonical form, the parent referred to
    (its group, resource, name and namespace), fixed once made."""
    def make(name: str, r: random.Random) -> dict[str, Any]:
        ref = r.choice(({"group": "", "resource": "services", "name": "web", "namespace": "default"},
                        {"resource": "services", "name": "a/b"}, {"group": "Bad_Group", "resource": "", "name": ""},
                        None))
        return {"apiVersion": "networking.k8s.io/v1", "kind": "IPAddress", "metadata": {"name": name},
                "spec": {"parentRef": ref} if ref is not None else {}}
    k = seed % 250  # (names are IPs, cluster-wide: each seed its own, as the real apiserver keeps them)
    names = (f"10.230.{k}.5", f"2001:db8::{k:x}a7", f"2001:DB8::{k:X}A8", f"010.230.{k}.6", f"::ffff:10.230.{k}.7",
             "not-an-ip")
    ops = _simple_ops(seed, n, "ipaddresses", names, make,
                      ({"spec": {"parentRef": {"resource": "services", "name": "other"}}},
                       {"metadata": {"labels": {"m": "1"}}}))
    return [*ops[:-1], Op("GET", "/ipaddresses", f"fieldSelector=metadata.name%3D{names[0]}")]  # (not the cluster's)


def volume_attributes_class_ops(seed: int, n: int) -> list[Op]:
    """VolumeAttributesClasses: the driver (a qualified name, compared lowered) and the parameters (at least one, no
    empty key), both immutable; bad and upper-case names."""
    def make(name: str, r: random.Random) -> dict[str, Any]:
        body: dict[str, Any] = {"apiVersion": "storage.k8s.io/v1", "kind": "VolumeAttributesClass",
                                "metadata": {"name": r.choice((name, name, name, "Bad_Name"))}}
        if r.random() < 0.9:
            body["driverName"] = r.choice(("csi.example.com", "CSI.Example.com", "bad driver!", ""))
        if r.random() < 0.85:
            body["parameters"] = r.choice(({"iops": "3000"}, {}, {"": "x"}, {"iops": "1", "throughput": "125"}))
        return body
    return _simple_ops(seed, n, "volumeattributesclasses", _cluster_names("vac1", "vac2"), make,
                       ({"parameters": {"iops": "4000"}}, {"driverName": "other.example.com"},
                        {"metadata": {"labels": {"m": "1"}}}, {"parameters": {"": "1"}}))


def storage_capacity_ops(seed: int, n: int) -> list[Op]:
    """CSIStorageCapacities, which a CSI provisioner publishes: the class and topology (both immutable), the
    capacity and the largest volume."""
    def make(name: str, r: random.Random) -> dict[str, Any]:
        body: dict[str, Any] = {"apiVersion": "storage.k8s.io/v1", "kind": "CSIStorageCapacity",
                                "metadata": {"name": name}, "storageClassName": r.choice(("fast", "slow", "Bad_Class"))}
        if r.random() < 0.6:
            body["nodeTopology"] = r.choice(({"matchLabels": {"zone": "a"}}, {"matchLabels": {"zone": "b"}},
                                             {"matchExpressions": [{"key": "zone", "operator": "Maybe"}]},
                                             {"matchLabels": {"bad key!": "x"}}))
        for field, choices in (("capacity", ("10Gi", "-1Gi", "0")), ("maximumVolumeSize", ("1Gi", "-5"))):
            if r.random() < 0.5:
                body[field] = r.choice(choices)
        return body
    return _simple_ops(seed, n, "csistoragecapacities", ("cap1", "cap2"), make,
                       ({"capacity": "20Gi"}, {"storageClassName": "other"},
                        {"nodeTopology": {"matchLabels": {"z": "c"}}}, {"metadata": {"labels": {"m": "1"}}}))


def volume_attachment_ops(seed: int, n: int) -> list[Op]:
    """VolumeAttachments, which the attach/detach controller writes and a CSI attacher updates: the attacher,
    one source, the node (the spec immutable); the status's errors."""
    def make(name: str, r: random.Random) -> dict[str, Any]:
        spec: dict[str, Any] = {"attacher": r.choice(("csi.example.com", "Bad Attacher", "", "x" * 70)),
                                "nodeName": r.choice(("n1", "n2", "Bad_Node")),
                                "source": r.choice(({"persistentVolumeName": "pv1"}, {"persistentVolumeName": "pv2"},
                                                    {}, {"persistentVolumeName": ""},
                                                    {"persistentVolumeName": "Bad_PV"}))}
        return {"apiVersion": "storage.k8s.io/v1", "kind": "VolumeAttachment", "metadata": {"name": name},
                "spec": spec}
    return _simple_ops(seed, n, "volumeattachments", _cluster_names("va1", "va2"), make,
                       ({"spec": {"nodeName": "n3"}}, {"metadata": {"labels": {"m": "1"}}},
                        {"spec": {"attacher": "other.example.com"}}),
                       ({"attached": True}, {"attachError": {"message": "m", "errorCode": -1}},
                        {"detachError": {"message": "m", "errorCode": 5}}, {"attachmentMetadata": {"a": "b"}}))


_BINDING_NODE: dict[str, Any] = {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "{ns}-n1", "labels": {
    "topology.kubernetes.io/zone": "z1", "topology.kubernetes.io/region": "r1", "other": "x"}}}


def binding_node_admitted(server: rawhttp.Server, ns: str) -> bool:
    """Whether the node binding_ops binds to is there and the apiserver's admission sees it (PodTopologyLabels
    reads nodes from an informer, a moment behind: a pod created on the node at once may miss its labels). It
    creates the node (409 once there) and asks with a dry-run pod on it."""
    node = json.dumps(_BINDING_NODE).replace("{ns}", ns).encode()
    rawhttp.call(*server, "POST", "/api/v1/nodes", node)
    probe = {**_pod("probe", node=f"{ns}-n1"), "metadata": {"name": "probe"}}
    code, doc, _ = rawhttp.call(*server, "POST", f"/api/v1/namespaces/{ns}/pods?dryRun=All", json.dumps(probe).encode())
    return code == 201 and "topology.kubernetes.io/zone" in ((doc.get("metadata") or {}).get("labels") or {})


def binding_ops(seed: int, n: int) -> list[Op]:
    """Binding pods to nodes, as a scheduler does (pods/NAME/binding, and the legacy bindings collection): the
    target's kind and name, the Binding's name and namespace, its annotations and labels, uid and
    resourceVersion preconditions; pods bound already, gated, being deleted or missing; a node whose topology
    labels the binding copies, the nominated node the binding clears."""
    node = _BINDING_NODE["metadata"]["name"]
    out = [Op("POST", "/nodes", "", _BINDING_NODE)]
    kinds = ("create", "create", "bind", "bind", "bind", "bind", "legacy", "ungate", "nominate", "get", "delete",
             "finalizers")
    for r, name, path, query, kind in _steps(seed, n, "pods", ("p1", "p2"), kinds):
        if kind == "create":
            pod = _pod(name, node=r.choice(("", "", "", node)), labels=r.choice((None, {"t": "a"})),
                       finalizer=r.random() < 0.3)
            if r.random() < 0.3:
                pod["spec"]["schedulingGates"] = [{"name": "example.com/gate"}]
            out.append(Op("POST", "/pods", query, pod))
        elif kind in ("bind", "legacy"):
            meta: dict[str, Any] = {"name": name if r.random() < 0.9 else "other"}
            for key, choices in (("annotations", ({"a": "1"}, {"pod.beta.kubernetes.io/init-containers": "[]"})),
                                 ("labels", ({"l": "1"}, {"t": "b", "topology.kubernetes.io/zone": "z9"})),
                                 ("namespace", ("other", "{ns}")), ("uid", ("not-the-uid",))):
                if r.random() < 0.2:
                    meta[key] = r.choice(choices)
            target: dict[str, Any] = {"name": r.choice((node, node, "n2", "", "Bad_Node"))}
            if r.random() < 0.8:
                target["kind"] = r.choice(("Node", "Node", "", "Pod"))
            body = {"apiVersion": "v1", "kind": "Binding", "metadata": meta, "target": target}
            rv = r.choice(("", "", "", "last", "stale"))
            out.append(Op("POST", f"{path}/binding" if kind == "bind" else "/bindings", query, body,
                          rv="" if kind == "legacy" and rv == "last" else rv))  # (the runner knows names by path)
        elif kind == "ungate":
            out.append(Op("PATCH", path, query, {"spec": {"schedulingGates": None}}, MERGE))
        elif kind == "nominate":
            out.append(Op("PATCH", f"{path}/status", query, {"status": {"nominatedNodeName": "n3"}}, MERGE))
        elif kind == "get":
            out.append(Op("GET", path))
        elif kind == "delete":
            out.append(Op("DELETE", path, "&".join(filter(None, (query, r.choice(("", "gracePeriodSeconds=0")))))))
        else:
            out.append(Op("PATCH", path, query, {"metadata": {"finalizers": None}}, MERGE))
    return [*out, Op("GET", "/pods"), Op("DELETE", f"/nodes/{node}")]


def status_metadata_ops(seed: int, n: int) -> list[Op]:
    """Writes to /status that change metadata too (labels, annotations, finalizers, owners, some owners invalid),
    merge patches and PUTs, on kinds whose status strategies let different parts of it by: a Deployment keeps its
    labels, a pod its owners, a VolumeAttachment all of its metadata, the others none. What a strategy keeps is
    not validated as sent (it resets it first)."""
    owner = {"apiVersion": "v1", "kind": "ConfigMap", "name": "o", "uid": "11111111-1111-1111-1111-111111111111"}
    attachment = {"apiVersion": "storage.k8s.io/v1", "kind": "VolumeAttachment", "metadata": {"name": "{ns}-va"},
                  "spec": {"attacher": "csi.example.com", "nodeName": "n1", "source": {"persistentVolumeName": "pv"}}}
    objects = {"deployments": _deployment("d"), "pods": _pod("p"), "services": _service("s", [{"port": 80}]),
               "persistentvolumeclaims": _claim("c"), "volumeattachments": attachment,
               "statefulsets": _stateful_set("st"), "daemonsets": _daemon_set("ds"), "ingresses": _ingress("ing"),
               "poddisruptionbudgets": {"metadata": {"name": "pdb"},
                                        "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app": "pdb"}}}},
               "nodes": {"metadata": {"name": "{ns}-node"}}}
    out = [Op("POST", f"/{coll}", "", obj) for coll, obj in objects.items()]
    r = random.Random(seed)
    for _ in range(n):
        coll = r.choice(list(objects))
        obj = objects[coll]
        path = f"/{coll}/{obj['metadata']['name']}"
        meta: dict[str, Any] = {}
        for key, value in (("labels", {"l": r.choice(("1", "2"))}), ("annotations", {"a": r.choice(("1", None))}),
                           ("finalizers", r.choice((["x.io/f"], None))),
                           ("ownerReferences", r.choice(([owner], [owner], [{}])))):
            if r.random() < 0.4:
                meta[key] = value
        query = "dryRun=All" if r.random() < 0.1 else ""
        kind = r.choice(("merge", "merge", "put", "get", "main"))
        if kind == "merge":
            out.append(Op("PATCH", f"{path}/status", query, {"metadata": meta, "status": {}}, MERGE))
        elif kind == "put":  # the object as sent, its metadata replaced by the drawn one
            body = json.loads(json.dumps(obj))
            body["metadata"] = {"name": obj["metadata"]["name"], **{k: v for k, v in meta.items() if v is not None}}
            out.append(Op("PUT", f"{path}/status", query, body, rv="last"))
        elif kind == "main":
            out.append(Op("PATCH", path, query, {"metadata": {"finalizers": None}}, MERGE))
        else:
            out.append(Op("GET", path))
    return [*out, *(Op("PATCH", f"/{coll}/{obj['metadata']['name']}", "", {"metadata": {"finalizers": None}}, MERGE)
                    for coll, obj in objects.items())]


def resize_ops(seed: int, n: int) -> list[Op]:
    """Resizing pods in place (pods/NAME/resize), as a vertical autoscaler does: cpu and memory up and down,
    requests or limits removed, another resource or a resize policy changed, the QoS class changed, containers
    renamed or added, sidecar and plain init containers; fields outside the resources sent along (ignored), a
    running container whose status reports no resources (a node without resize)."""
    def resources(r: random.Random) -> dict[str, Any]:
        return r.choice(({}, {"requests": {"cpu": "100m"}}, {"requests": {"cpu": "200m", "memory": "64Mi"}},
                         {"requests": {"cpu": "100m", "memory": "64Mi"}, "limits": {"cpu": "100m", "memory": "64Mi"}},
                         {"requests": {"cpu": "1", "memory": "128Mi"}, "limits": {"cpu": "1", "memory": "128Mi"}},
                         {"requests": {"cpu": "100m", "ephemeral-storage": "1Gi"}}, {"limits": {"memory": "1Gi"}}))

    def pod(name: str, r: random.Random) -> dict[str, Any]:
        body = _pod(name)
        body["spec"]["containers"][0]["resources"] = resources(r)
        if r.random() < 0.3:
            body["spec"]["containers"][0]["resizePolicy"] = [{"resourceName": "memory",
                                                              "restartPolicy": "RestartContainer"}]
        if r.random() < 0.3:
            body["spec"]["initContainers"] = [{"name": "i", "image": "busybox", "resources": resources(r),
                                               **({"restartPolicy": "Always"} if r.random() < 0.5 else {})}]
        return body

    out = []
    kinds = ("create", "create", "create", "smp", "smp", "smp", "put", "init", "status", "get", "delete")
    for r, name, path, query, kind in _steps(seed, n, "pods", ("p1", "p2"), kinds):
        if kind == "create":
            out.append(Op("POST", "/pods", query, pod(name, r)))
        elif kind == "smp":
            container: dict[str, Any] = {"name": r.choice(("c", "c", "c", "other")), "resources": resources(r)}
            if r.random() < 0.2:
                container["resizePolicy"] = [{"resourceName": "cpu", "restartPolicy": "RestartContainer"}]
            out.append(Op("PATCH", f"{path}/resize", query, {"spec": {"containers": [container]}}, SMP))
        elif kind == "put":  # a whole pod to /resize: its resources taken, its image and labels not
            body = pod(name, r)
            body["spec"]["containers"][0]["image"] = "nginx:1.29"
            body["metadata"]["labels"] = {"resized": "yes"}
            if r.random() < 0.2:
                body["spec"]["containers"].append({"name": "extra", "image": "busybox"})
            out.append(Op("PUT", f"{path}/resize", query, body, rv=r.choice(("last", ""))))
        elif kind == "init":
            out.append(Op("PATCH", f"{path}/resize", query,
                          {"spec": {"initContainers": [{"name": "i", "resources": resources(r)}]}}, SMP))
        elif kind == "status":
            out.append(Op("PATCH", f"{path}/status", query, {"status": {"containerStatuses": [
                {"name": "c", "image": "nginx:1.27", "imageID": "", "ready": True, "restartCount": 0,
                 "state": {"running": {"startedAt": "2026-12-04T10:00:00Z"}},
                 **({"resources": {"requests": {"cpu": "100m"}}} if r.random() < 0.5 else {})}]}}, MERGE))
        elif kind == "get":
            out.append(Op("GET", f"{path}/resize"))
        else:
            out.append(Op("DELETE", path, "gracePeriodSeconds=0"))
    return [*out, Op("GET", "/pods")]


def pod_status_ops(seed: int, n: int) -> list[Op]:
    """A kubelet's and a DRA controller's writes of pods' status (pods/NAME/status): conditions of the system's
    types, others and names that are none, observed generations, containers terminated and running again under
    each restart policy and rule, init and ephemeral containers, pod and host IPs (one, two families, one family
    twice, one that is no IP, the single field apart), the QoS class, claim statuses, a container's user."""
    rules = [{"action": "Restart", "exitCodes": {"operator": "In", "values": [42]}}]

    def pod(name: str, r: random.Random) -> dict[str, Any]:
        body = _pod(name)
        spec = body["spec"]
        spec["restartPolicy"] = r.choice(("Always", "OnFailure", "Never"))
        if r.random() < 0.5:
            spec["containers"].append({"name": "r", "image": "busybox", "restartPolicy": r.choice(("Never", "Always")),
                                       **({"restartPolicyRules": rules} if r.random() < 0.7 else {})})
        if r.random() < 0.4:
            spec["initContainers"] = [{"name": "i", "image": "busybox",
                                       **({"restartPolicy": "Always"} if r.random() < 0.5 else {})}]
        if r.random() < 0.3:
            spec["resourceClaims"] = [{"name": "gpu", "resourceClaimTemplateName": "t"}]
        return body

    def container(r: random.Random, name: str) -> dict[str, Any]:
        state = r.choice(({"terminated": {"exitCode": r.choice((0, 1, 42)), "startedAt": None, "finishedAt": None}},
                          {"running": {"startedAt": "2026-12-04T10:00:00Z"}}, {"waiting": {"reason": "Pull"}}))
        out = {"name": name, "image": "nginx:1.27", "imageID": "", "ready": "running" in state,
               "restartCount": r.randint(0, 2), "state": state}
        if r.random() < 0.15:
            out["user"] = {"linux": {"uid": r.choice((0, 1000, -1, 4294967295)), "gid": r.choice((0, -1, 2**31)),
                                     "supplementalGroups": r.choice(([], [1, 2], [-5]))}}
        return out

    def status(r: random.Random) -> dict[str, Any]:
        out: dict[str, Any] = {}
        what = r.choice(("conditions", "containers", "containers", "init", "ephemeral", "ips", "ips", "host",
                         "qos", "generation", "claims"))
        if what == "conditions":
            out["conditions"] = [r.choice(({"type": "Ready", "status": "True"}, {"type": "example.com/ok", "status":
                                            "True"}, {"type": "bad type", "status": "False"}, None,
                                           {"type": "PodScheduled", "status": "True", "observedGeneration": -1},
                                           {"type": "Custom", "status": "Unknown", "observedGeneration": 1}))
                                 for _ in range(r.randint(1, 2))]
        elif what in ("containers", "init", "ephemeral"):
            field = {"containers": "containerStatuses", "init": "initContainerStatuses",
                     "ephemeral": "ephemeralContainerStatuses"}[what]
            names = {"containers": ("c", "r", "gone"), "init": ("i",), "ephemeral": ("debug",)}[what]
            out[field] = [container(r, name) for name in names[:r.randint(1, len(names))]]
        elif what == "ips":
            ips = r.choice(([], ["10.1.0.1"], ["10.1.0.1", "fd00::1"], ["10.1.0.1", "10.1.0.2"], ["10.1.0.x"],
                            ["fd00::1", "10.1.0.1", "fd00::2"], ["010.1.0.1"]))
            out["podIPs"] = [{"ip": ip} for ip in ips] if r.random() < 0.8 else None
            out["podIP"] = r.choice((ips[0] if ips else None, None, "10.9.9.9"))
        elif what == "host":
            ips = r.choice(([], ["10.2.0.1"], ["10.2.0.1", "fd00::2"], ["10.2.0.1", "10.2.0.3"], ["x"]))
            out["hostIPs"] = [{"ip": ip} for ip in ips]
            out["hostIP"] = r.choice((ips[0] if ips else "", "10.2.0.9"))
        elif what == "qos":
            out["qosClass"] = r.choice(("BestEffort", "Burstable", "Guaranteed"))
        elif what == "generation":
            out["observedGeneration"] = r.choice((1, 0, -1))
        else:
            out["resourceClaimStatuses"] = r.choice(([{"name": "gpu", "resourceClaimName": "p-gpu-1"}],
                                                     [{"name": "gpu"}, {"name": "gpu"}],
                                                     [{"name": "other", "resourceClaimName": "Bad"}]))
        return out

    out = []
    kinds = ("create", "create", "status", "status", "status", "status", "status", "put", "get", "delete")
    for r, name, path, query, kind in _steps(seed, n, "pods", ("p1", "p2"), kinds):
        if kind == "create":
            out.append(Op("POST", "/pods", query, pod(name, r)))
        elif kind == "status":
            out.append(Op("PATCH", f"{path}/status", query, {"status": status(r)},
                          r.choice((MERGE, MERGE, SMP))))
        elif kind == "put":  # the whole pod to /status: its spec ignored
            body = pod(name, r)
            body["status"] = status(r)
            out.append(Op("PUT", f"{path}/status", query, body, rv=r.choice(("last", ""))))
        elif kind == "get":
            out.append(Op("GET", path))
        else:
            out.append(Op("DELETE", path, "gracePeriodSeconds=0"))
    return [*out, Op("GET", "/pods")]


def ephemeral_ops(seed: int, n: int) -> list[Op]:
    """Debugging containers added to pods (pods/NAME/ephemeralcontainers), as `kubectl debug` adds them: a valid
    one, a name taken, a target that is not there, fields an ephemeral container may not set, sub-paths; one
    there already removed or changed; the pod's other fields sent along (ignored)."""
    def debugger(r: random.Random) -> dict[str, Any]:
        ctr: dict[str, Any] = {"name": r.choice(("debugger", "debugger", "dbg2", "c", "")), "image": "busybox",
                               "stdin": True, "tty": True}
        extra = r.choice(({}, {}, {"targetContainerName": r.choice(("c", "nope"))}, {"ports": [{"containerPort": 80}]},
                          {"resources": {"requests": {"cpu": "100m"}}}, {"image": " busybox"},
                          {"readinessProbe": {"exec": {"command": ["true"]}}}, {"restartPolicy": "Always"},
                          {"volumeMounts": [{"name": "v", "mountPath": "/v", "subPath": "x"}]}))
        return {**ctr, **extra}

    out = []
    kinds = ("create", "create", "add", "add", "add", "put", "remove", "get", "delete")
    for r, name, path, query, kind in _steps(seed, n, "pods", ("p1", "p2"), kinds):
        if kind == "create":
            body = _pod(name)
            body["spec"]["volumes"] = [{"name": "v", "emptyDir": {}}]
            out.append(Op("POST", "/pods", query, body))
        elif kind == "add":  # kubectl debug's strategic merge patch
            out.append(Op("PATCH", f"{path}/ephemeralcontainers", query,
                          {"spec": {"ephemeralContainers": [debugger(r)]}}, SMP))
        elif kind == "put":
            body = _pod(name, image="nginx:1.29", labels={"debugged": "yes"})
            body["spec"]["ephemeralContainers"] = [debugger(r) for _ in range(r.randint(0, 2))]
            out.append(Op("PUT", f"{path}/ephemeralcontainers", query, body, rv=r.choice(("last", ""))))
        elif kind == "remove":  # the first one removed, or its image changed
            out.append(Op("PATCH", f"{path}/ephemeralcontainers", query, [r.choice((
                {"op": "remove", "path": "/spec/ephemeralContainers/0"},
                {"op": "replace", "path": "/spec/ephemeralContainers/0/image", "value": "alpine"}))], JSONP))
        elif kind == "get":
            out.append(Op("GET", f"{path}/ephemeralcontainers"))
        else:
            out.append(Op("DELETE", path, "gracePeriodSeconds=0"))
    return [*out, Op("GET", "/pods")]


def token_ops(seed: int, n: int) -> list[Op]:
    """Tokens of service accounts (serviceaccounts/NAME/token), as `kubectl create token` and operators ask for
    them: audiences (always given: the apiserver's default differs by cluster), expirations in and out of range,
    the request's name, namespace and uid, tokens bound to a pod of the account or of another, a secret or a
    node, each there or not, with the right uid or not; accounts there or not. The tokens themselves and their
    expiration times differ by nature and are not compared."""
    node = "{ns}-tn"
    out = [Op("POST", "/serviceaccounts", "", {"metadata": {"name": "sa1"}}),
           Op("POST", "/nodes", "", {"metadata": {"name": node}}),
           Op("POST", "/secrets", "", {"metadata": {"name": "s1"}, "stringData": {"k": "v"}}),
           Op("POST", "/pods", "", {**_pod("p1"), "spec": {**_pod("p1")["spec"], "serviceAccountName": "sa1"}}),
           Op("POST", "/pods", "", {**_pod("p2"), "spec": {**_pod("p2")["spec"], "serviceAccountName": "default"}})]
    r = random.Random(seed)
    for _ in range(n):
        account = r.choice(("sa1", "sa1", "sa1", "sa2"))
        spec: dict[str, Any] = {"audiences": r.choice((["api"], ["a", "b"]))}
        if r.random() < 0.5:
            spec["expirationSeconds"] = r.choice((10, 600, 3600, 7200, 1 << 33))
        if r.random() < 0.4:
            kind, name = r.choice((("Pod", "p1"), ("Pod", "p2"), ("Pod", "nope"), ("Secret", "s1"), ("Secret", "nope"),
                                   ("Node", node), ("ConfigMap", "c")))
            spec["boundObjectRef"] = {"kind": kind, "apiVersion": r.choice(("v1", "v1", "apps/v1")), "name": name,
                                      **({"uid": "11111111-2222-3333-4444-555555555555"} if r.random() < 0.2 else {})}
        meta: dict[str, Any] = {}
        if r.random() < 0.15:
            meta[r.choice(("name", "namespace", "uid"))] = r.choice(("other", "sa1"))
        body = {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest", "spec": spec,
                **({"metadata": meta} if meta else {})}
        query = "dryRun=All" if r.random() < 0.1 else ""
        out.append(Op("POST", f"/serviceaccounts/{account}/token", query, body))
    return [*out, Op("DELETE", f"/nodes/{node}")]


# the definition custom_resource_ops writes to: kubebuilder's markers on an operator's API (list-maps with a
# defaulted key, a set, an atomic map, a free-form field, a nullable one, int-or-string, bounds, an enum with a
# default, CEL rules, one of them a transition rule), status and scale subresources and a printer column, served
# as v1 (stored) and v1beta1 (no conversion webhook: the same schema)
_WIDGET_SCHEMA: dict[str, Any] = {"type": "object", "properties": {
    "metadata": {"type": "object"},  # (as controller-gen writes every definition)
    "spec": {"type": "object", "x-kubernetes-validations": [
        {"rule": "!has(self.replicas) || self.replicas <= 8", "message": "at most eight"}],
        "properties": {
            "replicas": {"type": "integer", "format": "int32", "minimum": 0, "maximum": 10},
            "size": {"type": "string", "enum": ["small", "large"], "default": "small"},
            "mode": {"type": "string", "x-kubernetes-validations": [{"rule": "self == oldSelf",
                                                                      "message": "mode is immutable"}]},
            "ports": {"type": "array", "x-kubernetes-list-type": "map",
                      "x-kubernetes-list-map-keys": ["port", "protocol"],
                      "items": {"type": "object", "required": ["port"], "properties": {
                          "port": {"type": "integer"}, "protocol": {"type": "string", "default": "TCP"},
                          "name": {"type": "string"}}}},
            "tags": {"type": "array", "x-kubernetes-list-type": "set", "items": {"type": "string"}},
            "selector": {"type": "object", "x-kubernetes-map-type": "atomic",
                         "additionalProperties": {"type": "string"}},
            "params": {"type": "object", "additionalProperties": {"type": "string"}},
            "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
            "note": {"type": "string", "nullable": True},
            "budget": {"x-kubernetes-int-or-string": True}}},
    "status": {"type": "object", "properties": {
        "replicas": {"type": "integer"}, "selector": {"type": "string"}, "phase": {"type": "string"},
        "conditions": {"type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["type"],
                       "items": {"type": "object", "required": ["type"], "properties": {
                           "type": {"type": "string"}, "status": {"type": "string"},
                           "reason": {"type": "string"},
                           "lastTransitionTime": {"type": "string", "format": "date-time"}}}}}}}}
WIDGETS_CRD: dict[str, Any] = {
    "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
    "metadata": {"name": "widgets.random.example.com"},
    "spec": {"group": "random.example.com", "scope": "Namespaced",
             "names": {"plural": "widgets", "singular": "widget", "kind": "Widget", "shortNames": ["wd"]},
             "versions": [{"name": version, "served": True, "storage": version == "v1",
                           "subresources": {"status": {}, "scale": {"specReplicasPath": ".spec.replicas",
                                                                    "statusReplicasPath": ".status.replicas",
                                                                    "labelSelectorPath": ".status.selector"}},
                           "additionalPrinterColumns": [{"name": "Size", "type": "string", "jsonPath": ".spec.size"}],
                           "schema": {"openAPIV3Schema": _WIDGET_SCHEMA}} for version in ("v1", "v1beta1")]}}


def widgets_served(server: rawhttp.Server, ns: str) -> bool:
    """Whether custom_resource_ops's definition is installed (409 once there), established and served."""
    rawhttp.call(*server, "POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
                 json.dumps(WIDGETS_CRD).encode())
    return all(rawhttp.call(*server, "GET", f"{_PREFIXES[c].replace('{ns}', ns)}/widgets")[0] == 200
               for c in ("widgets", "widgetsbeta"))


def custom_resource_ops(seed: int, n: int) -> list[Op]:
    """Custom resources as an operator and its users write them: whole objects and two appliers' parts of one
    (ports by port and protocol, the protocol defaulted; a set of tags; an atomic selector; free-form fields,
    nulls among them), invalid values (bounds, the enum, formats, a missing key, a duplicate, the CEL rules, an
    immutable field), merge and JSON patches (a strategic one is refused), /status (a controller's apply of it too) and
    /scale, finalizers, generated names, writes through the other served version, dry runs."""
    def spec(r: random.Random) -> dict[str, Any]:
        fields: dict[str, Any] = {
            "replicas": r.choice((1, 3, 0, 9, 11, -1, 2.0, 1 << 31)), "size": r.choice(("small", "large", "huge")),
            "ports": r.choice(([{"port": 80}], [{"port": 80, "name": "http"}, {"port": 53, "protocol": "UDP"}],
                               [{"port": 80}, {"port": 80, "protocol": "TCP"}], [{"name": "noport"}], [])),
            "tags": r.choice((["a"], ["a", "b"], ["b", "a"], ["a", "a"], [])),
            "selector": r.choice(({"app": "x"}, {"app": "y", "tier": "z"}, {})),
            "params": r.choice(({"k": "v"}, {"k": "w", "j": "u"}, {"k": None}, {})),
            "free": r.choice(({"a": {"b": 1}}, {"a": None}, {"list": [1, {"x": None}]}, {})),
            "note": r.choice(("hi", None)), "budget": r.choice((3, "50%", "x")), "mode": r.choice(("a", "b")),
        }
        return {k: v for k, v in fields.items() if r.random() < 0.45}

    def make(name: str, r: random.Random) -> dict[str, Any]:
        meta: dict[str, Any] = {"name": name}
        if r.random() < 0.2:
            meta["finalizers"] = r.choice((["example.com/hold"], []))
        if r.random() < 0.2:
            meta["labels"] = {"app": r.choice(("x", "y"))}
        return {"apiVersion": "random.example.com/v1", "kind": "Widget", "metadata": meta, "spec": spec(r)}

    def extra(r: random.Random, name: str, path: str) -> Op:
        query = "dryRun=All" if r.random() < 0.1 else ""
        what = r.choice(("part", "part", "part", "scale", "scale", "json", "smp", "unhold", "status",
                         "status-apply", "beta", "beta", "generated"))
        if what in ("part", "beta"):
            # one applier's part of the spec, which its next apply may drop (prune), through v1 or v1beta1
            version, at = ("v1beta1", path.replace("/widgets", "/widgetsbeta")) if what == "beta" else ("v1", path)
            if what == "beta" and r.random() < 0.4:
                return r.choice((Op("GET", at), Op("PATCH", at, query, {"spec": spec(r)}, MERGE)))
            return _applied(r, at, query, {"apiVersion": f"random.example.com/{version}", "kind": "Widget",
                                           "metadata": {"name": name}, "spec": spec(r)}, force=True)
        if what == "status-apply":  # a controller's server-side apply of the status
            status = r.choice(({"replicas": 1, "conditions": [{"type": "Ready", "status": "True"}]},
                               {"conditions": [{"type": "Synced", "status": "False", "reason": "Err",
                                                "lastTransitionTime": r.choice(("2026-01-01T00:00:00Z",
                                                                                "yesterday"))}]},
                               {"phase": "Done"}))
            return _applied(r, f"{path}/status", query, {"apiVersion": "random.example.com/v1", "kind": "Widget",
                                                         "metadata": {"name": name}, "status": status},
                            force=True, manager="ctrl")
        if what == "generated":
            return Op("POST", "/widgets", query, {**make("", r), "metadata": {"generateName": "g-"}})
        if what == "scale":
            if r.random() < 0.3:
                return Op("GET", f"{path}/scale")
            return r.choice(_scale_writes(r, name, path, query))
        if what == "json":
            return Op("PATCH", path, query, r.choice((
                [{"op": "add", "path": "/spec/tags/-", "value": "c"}],
                [{"op": "replace", "path": "/spec/replicas", "value": 2}],
                [{"op": "remove", "path": "/spec/ports"}],
                [{"op": "add", "path": "/metadata/finalizers", "value": ["example.com/hold"]}],
                [{"op": "test", "path": "/spec/size", "value": "large"}, {"op": "replace", "path": "/spec/size",
                                                                          "value": "small"}])), JSONP)
        if what == "smp":
            return Op("PATCH", path, query, {"spec": {"replicas": 2}}, SMP)
        if what == "unhold":
            return Op("PATCH", path, query, {"metadata": {"finalizers": None}}, MERGE)
        return Op("PUT", f"{path}/status", query, {"apiVersion": "random.example.com/v1", "kind": "Widget",
                                                   "metadata": {"name": name},
                                                   "status": {"replicas": r.randint(0, 3), "selector": "app=x"}},
                  rv=r.choice(("last", "")))

    return _simple_ops(seed, n, "widgets", ("w1", "w2"), make,
                       ({"spec": {"replicas": 4}}, {"spec": {"size": None}}, {"spec": {"ports": [{"port": 81}]}},
                        {"spec": {"params": {"k": None, "n": "1"}}}, {"spec": {"free": {"a": {"c": 2}}}},
                        {"metadata": {"labels": {"m": "1"}}}, {"spec": {"replicas": 12}}),
                       ({"replicas": 2}, {"phase": "Ready", "conditions": [{"type": "Ready", "status": "True"}]},
                        {"conditions": [{"type": "Ready", "status": "False", "reason": "Down"}]}, {"phase": None},
                        {"replicas": "two"}), extra)
