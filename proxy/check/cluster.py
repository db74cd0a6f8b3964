"""The small cluster every check scenario replays: one Deployment's pods changing over an hour.

The check has to know, for any virtual instant, which resourceVersion a correct client resumes from and
which events it should have printed. So the history is not recorded but made here, with every change at a
known time and resourceVersion, and written as the recording a recorder would have produced (a list, then
a watch carrying the changes; more lists where the cluster's resourceVersion moved on through other
resources). Pods are complete, the way a v1.36 cluster serves them: the Python `kubernetes` client
validates them with pydantic (a container status needs `imageID`) and lightkube with msgspec.

Shape of the hour (virtual seconds):
- t=0: three Running pods, list resourceVersion 100.
- t=5..25: a deletion first (the object "deleted between list and watch"), then an add, a start, a restart.
- t=40: the cluster's resourceVersion jumps (other resources changed); no pod event says so.
- t=60..120: a change every 10 s (what a client must see right after a reconnect).
- t=150..3600: idle for pods, the cluster's resourceVersion moving on (only bookmarks would tell), so the
  randomized close of a watch opened at the start (1800..3600 s) comes after a long quiet stretch.
- t=3600 onwards: a change every 10 s, for the watch that follows that close.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..recording import End, EndHow, Frame, Header, RecordingWriter, Request, Response

NAMESPACE = "default"
PODS_PATH = f"/api/v1/namespaces/{NAMESPACE}/pods"
MIN_REQUEST_TIMEOUT = 1800.0
LIST_RV = 100
SYNC_AT = 30.0  # by then a client has seen the early changes: faults are armed here
JUMP_AT = 40.0  # the cluster's RV moves past the last pod event
MID = (60.0, 120.0)  # changes a client must see after recovering from a fault armed at SYNC_AT
LATE = 3600.0  # changes after the first randomized close
START = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
REPLICASET = "web-6d4cf56db6"
_NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"
IMAGE = "docker.io/library/nginx:1.27"
IMAGE_ID = "docker-pullable://nginx@sha256:" + hashlib.sha256(b"nginx:1.27").hexdigest()
NODE, HOST_IP = "minikube", "192.168.49.2"

Obj = dict[str, Any]


def _ts(t: float) -> str:
    return (START + dt.timedelta(seconds=int(t))).strftime("%Y-%m-%dT%H:%M:%SZ")


def _hex(*parts: object) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()


def pod_name(i: int) -> str:
    """Deployment-style names (`web-6d4cf56db6-x2k4p`), deterministic from the pod's index."""
    h = int(_hex("pod", i)[:12], 16)
    suffix = ""
    for _ in range(5):
        h, r = divmod(h, len(_NAME_ALPHABET))
        suffix += _NAME_ALPHABET[r]
    return f"{REPLICASET}-{suffix}"


@dataclass
class _Pod:
    index: int
    created: float
    phase: str = "Pending"
    started: float = 0.0
    restarts: int = 0
    last_exit: float | None = None

    @property
    def name(self) -> str:
        return pod_name(self.index)

    def obj(self, rv: int, deleted_at: float | None = None) -> Obj:
        """The pod as the apiserver would serve it at resourceVersion `rv`."""
        name, running = self.name, self.phase == "Running"
        ip = f"10.244.0.{10 + self.index % 240}"
        token = f"kube-api-access-{_hex('vol', self.index)[:5]}"
        meta: Obj = {"name": name, "generateName": f"{REPLICASET}-", "namespace": NAMESPACE,
                     "uid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"pod/{name}")), "resourceVersion": str(rv),
                     "creationTimestamp": _ts(self.created)}
        if deleted_at is not None:
            meta["deletionTimestamp"] = _ts(deleted_at + 30)
            meta["deletionGracePeriodSeconds"] = 30
        meta["labels"] = {"app": "web", "pod-template-hash": REPLICASET.rsplit("-", 1)[1]}
        meta["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": REPLICASET,
                                    "uid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"rs/{REPLICASET}")),
                                    "controller": True, "blockOwnerDeletion": True}]
        spec: Obj = {
            "volumes": [{"name": token, "projected": {"sources": [
                {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
                {"downwardAPI": {"items": [{"path": "namespace", "fieldRef": {"apiVersion": "v1",
                                                                              "fieldPath": "metadata.namespace"}}]}},
            ], "defaultMode": 420}}],
            "containers": [{"name": "nginx", "image": IMAGE, "ports": [{"containerPort": 80, "protocol": "TCP"}],
                            "resources": {}, "volumeMounts": [{"name": token, "readOnly": True,
                                                               "mountPath": "/var/run/secrets/kubernetes.io/"
                                                                            "serviceaccount"}],
                            "terminationMessagePath": "/dev/termination-log",
                            "terminationMessagePolicy": "File", "imagePullPolicy": "IfNotPresent"}],
            "restartPolicy": "Always", "terminationGracePeriodSeconds": 30, "dnsPolicy": "ClusterFirst",
            "serviceAccountName": "default", "serviceAccount": "default", "nodeName": NODE,
            "securityContext": {}, "schedulerName": "default-scheduler",
            "tolerations": [{"key": f"node.kubernetes.io/{k}", "operator": "Exists", "effect": "NoExecute",
                             "tolerationSeconds": 300} for k in ("not-ready", "unreachable")],
            "priority": 0, "enableServiceLinks": True, "preemptionPolicy": "PreemptLowerPriority"}
        ready = "True" if running else "False"
        conditions = [
            {"type": "PodReadyToStartContainers", "status": ready, "lastProbeTime": None,
             "lastTransitionTime": _ts(self.started if running else self.created)},
            {"type": "Initialized", "status": "True", "lastProbeTime": None, "lastTransitionTime": _ts(self.created)},
            {"type": "Ready", "status": ready, "lastProbeTime": None,
             "lastTransitionTime": _ts(self.started if running else self.created)},
            {"type": "ContainersReady", "status": ready, "lastProbeTime": None,
             "lastTransitionTime": _ts(self.started if running else self.created)},
            {"type": "PodScheduled", "status": "True", "lastProbeTime": None, "lastTransitionTime": _ts(self.created)},
        ]
        if running:
            state: Obj = {"running": {"startedAt": _ts(self.started)}}
        else:
            state = {"waiting": {"reason": "ContainerCreating"}}
        last: Obj = {}
        if self.last_exit is not None:
            last = {"terminated": {"exitCode": 137, "reason": "Error", "startedAt": _ts(self.created + 5),
                                   "finishedAt": _ts(self.last_exit),
                                   "containerID": f"docker://{_hex('ctr', self.index, self.restarts - 1)}"}}
        cs: Obj = {"name": "nginx", "state": state, "lastState": last, "ready": running,
                   "restartCount": self.restarts, "image": IMAGE if running else "nginx:1.27",
                   "imageID": IMAGE_ID if running else "", "started": running}
        if running:
            cs["containerID"] = f"docker://{_hex('ctr', self.index, self.restarts)}"
        status: Obj = {"phase": self.phase, "conditions": conditions, "hostIP": HOST_IP,
                       "hostIPs": [{"ip": HOST_IP}]}
        if running:
            status.update({"podIP": ip, "podIPs": [{"ip": ip}]})
        status.update({"startTime": _ts(self.created), "containerStatuses": [cs], "qosClass": "BestEffort"})
        return {"kind": "Pod", "apiVersion": "v1", "metadata": meta, "spec": spec, "status": status}


@dataclass(frozen=True)
class Change:
    """One pod event of the history: what a watch from before `rv` delivers at virtual time `t`."""

    t: float
    rv: int
    type: str  # ADDED | MODIFIED | DELETED
    name: str
    obj: Obj


class Cluster:
    """The scripted history, and the answers a scenario needs about it at any virtual time."""

    def __init__(self, until: float = LATE + 900.0) -> None:
        self.until = until
        self.initial: dict[str, Obj] = {}
        self.changes: list[Change] = []
        self.marks: list[tuple[float, int]] = [(0.0, LIST_RV)]  # the cluster's RV moving without pod events
        self._pods: dict[str, _Pod] = {}
        self._next = 0
        self._rv = LIST_RV
        for rv in (90, 95, 98):
            p = self._new(0.0)
            p.phase, p.started = "Running", 0.0
            self.initial[p.name] = p.obj(rv)
        self._script()
        self._times = [c.t for c in self.changes]

    def _new(self, t: float) -> _Pod:
        p = _Pod(self._next, t)
        self._next += 1
        self._pods[p.name] = p
        return p

    def _emit(self, t: float, typ: str, p: _Pod) -> None:
        self._rv += 1
        obj = p.obj(self._rv, deleted_at=t if typ == "DELETED" else None)
        self.changes.append(Change(t, self._rv, typ, p.name, obj))
        if typ == "DELETED":
            del self._pods[p.name]

    def _churn(self, t: float, step: int) -> None:
        """A rollout-like cycle: a pod is created, starts, another restarts, the oldest goes away."""
        live = sorted(self._pods.values(), key=lambda p: p.index)
        action = step % 4
        if action == 0:
            self._emit(t, "ADDED", self._new(t))
        elif action == 1:
            p = live[-1]
            p.phase, p.started = "Running", t
            self._emit(t, "MODIFIED", p)
        elif action == 2:
            p = live[len(live) // 2]
            p.restarts, p.last_exit, p.started = p.restarts + 1, t - 1, t
            self._emit(t, "MODIFIED", p)
        else:
            self._emit(t, "DELETED", live[0])

    def _script(self) -> None:
        pods = list(self._pods.values())
        self._rv = LIST_RV
        self._emit(5.0, "DELETED", pods[1])
        fresh = self._new(12.0)
        self._emit(12.0, "ADDED", fresh)
        fresh.phase, fresh.started = "Running", 18.0
        self._emit(18.0, "MODIFIED", fresh)
        pods[0].restarts, pods[0].last_exit, pods[0].started = 1, 24.0, 25.0
        self._emit(25.0, "MODIFIED", pods[0])
        self._jump(JUMP_AT, 150)
        for step, sec in enumerate(range(int(MID[0]), int(MID[1]) + 1, 10)):
            self._churn(float(sec), step)
        for at, rv in ((150.0, 250), (600.0, 400), (1200.0, 600), (2400.0, 800)):
            self._jump(at, rv)
        for step, sec in enumerate(range(int(LATE), int(self.until), 10)):
            self._churn(float(sec), step)

    def _jump(self, t: float, rv: int) -> None:
        self._rv = max(self._rv, rv)
        self.marks.append((t, self._rv))

    # --- questions about the history ----------------------------------------------------------------
    def state_at(self, t: float) -> dict[str, Obj]:
        """Live pods at virtual time `t` (changes at exactly `t` included), by name."""
        state = dict(self.initial)
        for ch in self.changes[: bisect.bisect_right(self._times, t)]:
            if ch.type == "DELETED":
                state.pop(ch.name, None)
            else:
                state[ch.name] = ch.obj
        return state

    def rv_at(self, t: float) -> int:
        """The cluster's resourceVersion at `t`: what a list or a bookmark then carries."""
        rvs = [rv for mt, rv in self.marks if mt <= t] + [c.rv for c in self.changes_between(-1.0, t)]
        return max(rvs)

    def last_event_rv(self, t: float) -> int:
        """The resourceVersion of the newest pod event by `t`: where a watcher without bookmarks resumes."""
        done = self.changes_between(-1.0, t)
        return done[-1].rv if done else max(int(o["metadata"]["resourceVersion"]) for o in self.initial.values())

    def changes_between(self, t0: float, t1: float) -> list[Change]:
        """Changes with t0 < t <= t1."""
        return self.changes[bisect.bisect_right(self._times, t0): bisect.bisect_right(self._times, t1)]

    def ideal(self, t0: float, t1: float) -> list[tuple[str, str]]:
        """What a perfect client prints when it first syncs at `t0` and keeps watching until `t1`."""
        out = [("ADDED", name) for name in sorted(self.state_at(t0))]
        return out + [(c.type, c.name) for c in self.changes_between(t0, t1)]

    # --- the recording ------------------------------------------------------------------------------
    def write(self, path: Path) -> Path:
        """Write the history as a recorder would have: lists where the RV is known, one long watch."""
        writer = RecordingWriter(path, Header(started_at=_ts(0), upstream="https://192.168.49.2:8443",
                                              upstream_version="v1.34.2", synthesized=True,
                                              generator="watchproxy check",
                                              meta={"min_request_timeout": MIN_REQUEST_TIMEOUT}))
        try:
            writer.write(*sorted(self._records(), key=lambda r: r.t))  # stable: per-exchange order kept
        finally:
            writer.close()
        return path

    def _records(self) -> Iterator[Any]:
        accept = (("Accept", "application/json"),)
        ex = 0
        for t, rv in self.marks:
            ex += 1
            items = [{k: v for k, v in o.items() if k not in ("kind", "apiVersion")}
                     for _, o in sorted(self.state_at(t).items())]
            body = json.dumps({"kind": "PodList", "apiVersion": "v1", "metadata": {"resourceVersion": str(rv)},
                               "items": items}, separators=(",", ":")).encode()
            yield Request(ex, t, "GET", PODS_PATH, "", accept)
            yield Response(ex, t, 200, "OK", (("Content-Type", "application/json"),
                                              ("Content-Length", str(len(body)))))
            yield Frame(ex, t, body)
            yield End(ex, t, EndHow.COMPLETE)
        ex += 1
        yield Request(ex, 0.0, "GET", PODS_PATH, f"resourceVersion={LIST_RV}&watch=true", accept)
        yield Response(ex, 0.0, 200, "OK", (("Content-Type", "application/json"),
                                            ("Cache-Control", "no-cache, private"),
                                            ("Transfer-Encoding", "chunked")))
        for c in self.changes:
            line = json.dumps({"type": c.type, "object": c.obj}, separators=(",", ":")).encode() + b"\n"
            yield Frame(ex, c.t, line)
        yield End(ex, self.until, EndHow.SERVER_CLOSED)
