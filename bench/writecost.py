"""`python -m bench.writecost`: what emulate spends on one write, in isolation: the apiserver model's create,
update or server-side apply of a Deployment and a kubelet's update of a pod's status (proxy/apiserver/writes.py:
decode, default, validate, encode as stored; for the apply, apply.py's typed merge, pruning and conflicts,
forced) as the baseline, and the managedFields the emulate write path adds (proxy/apiserver/managedfields.py: the
field manager's Compare over the whole object and its FieldsV1), measured in the same run, best of 7. No sockets
and no event loop; the objects are ones a controller and a kubelet write (a one-container Deployment with ports
and env, a running pod's status)."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import sys
import timeit
from collections.abc import Callable
from typing import Any

from proxy.apiserver import managedfields, writes
from proxy.apiserver.goorder import encoded

_DEPLOYMENT: dict[str, Any] = {
    "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d", "labels": {"app": "d"}},
    "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "d"}}, "template": {
        "metadata": {"labels": {"app": "d"}}, "spec": {"containers": [{
            "name": "c", "image": "nginx:1.27", "ports": [{"containerPort": 80}], "env": [{"name": "A", "value": "1"}],
            "resources": {"requests": {"cpu": "100m"}}}]}}}}
_NOW = "2026-12-04T10:00:00Z"
# a pod and the status its kubelet reports (the most frequent write of a cluster)
_POD: dict[str, Any] = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "labels": {"app": "d"}},
                        "spec": {"nodeName": "n1", "containers": [{"name": "c", "image": "nginx:1.27",
                                                                   "resources": {"requests": {"cpu": "100m"}}}]}}
_POD_STATUS: dict[str, Any] = {
    "phase": "Running", "podIP": "10.0.0.9", "hostIP": "10.1.0.1", "startTime": _NOW, "qosClass": "Burstable",
    "conditions": [{"type": t, "status": "True", "lastTransitionTime": _NOW}
                   for t in ("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled")],
    "containerStatuses": [{"name": "c", "state": {"running": {"startedAt": _NOW}}, "lastState": {}, "ready": True,
                           "restartCount": 0, "image": "nginx:1.27", "imageID": "docker.io/library/nginx@sha256:0",
                           "containerID": "containerd://0", "started": True,
                           "allocatedResources": {"cpu": "100m"}, "resources": {"requests": {"cpu": "100m"}}}]}


def _best(fn: Callable[[], Any], number: int = 200) -> float:
    """Seconds per call, best of 7 rounds."""
    return min(timeit.repeat(fn, number=number, repeat=7)) / number


def main() -> int:
    t = writes.Target("apps", "v1", "deployments", "Deployment", True, "ns", "d", "")
    collection = dataclasses.replace(t, name="")
    stamp = writes.Stamp(dt.datetime(2026, 12, 4, 10, tzinfo=dt.UTC), "uid-1", "abcde")
    opts = writes.Options()
    created = writes.create(collection, copy.deepcopy(_DEPLOYMENT), stamp, opts,
                            exists=lambda _n: None)
    stored = {**created.body, "metadata": {**created.body["metadata"], "resourceVersion": "5"}}
    changed = copy.deepcopy(_DEPLOYMENT)
    changed["spec"]["replicas"] = 3
    empty = encoded({"kind": "Deployment", "apiVersion": "apps/v1"}, "Deployment", "apps/v1")
    updated = writes.update(t, stored, copy.deepcopy(changed), opts, stamp)
    written = updated.commits[0].written or updated.body
    with_fields = {**stored, "metadata": {**stored["metadata"], "managedFields": managedfields.after_update(
        None, created.commits[0].written or created.body, empty, "m", "", True, _NOW)}}
    own = managedfields.ownership(with_fields, empty, True)
    force = writes.Options(field_manager="ap", force=True)  # (the configuration takes replicas from "m")

    def apply() -> writes.Outcome:
        return writes.patch(t, with_fields, writes.APPLY_PATCH, copy.deepcopy(changed), stamp, force, ownership=own)
    applied = apply().body
    pod_t = writes.Target("", "v1", "pods", "Pod", True, "ns", "p", "")
    pod = writes.create(dataclasses.replace(pod_t, name=""), copy.deepcopy(_POD), stamp, opts,
                        exists=lambda _n: None).body
    pod = {**pod, "metadata": {**pod["metadata"], "resourceVersion": "6", "managedFields": managedfields.after_update(
        None, pod, encoded({"kind": "Pod", "apiVersion": "v1"}, "Pod", "v1"), "m", "", True, _NOW)}}
    status_t = dataclasses.replace(pod_t, subresource="status")
    pod_empty = encoded({"kind": "Pod", "apiVersion": "v1"}, "Pod", "v1")
    reported = {**copy.deepcopy(pod), "status": _POD_STATUS}
    status_written = writes.update(status_t, pod, copy.deepcopy(reported), opts, stamp)
    assert status_written.code == 200, status_written.body
    status_seen = status_written.commits[0].written or status_written.body
    rows = [
        ("create", _best(lambda: writes.create(collection, copy.deepcopy(_DEPLOYMENT), stamp,
                                               opts, exists=lambda _n: None)),
         _best(lambda: managedfields.after_update(None, created.commits[0].written or created.body, empty, "m", "",
                                                  True, _NOW))),
        ("update", _best(lambda: writes.update(t, stored, copy.deepcopy(changed), opts, stamp)),
         _best(lambda: managedfields.after_update(with_fields, written, empty, "x", "", True, _NOW))),
        ("apply", _best(apply),
         _best(lambda: managedfields.after_apply(with_fields, changed, applied, empty, "ap", True, _NOW))),
        ("status", _best(lambda: writes.update(status_t, pod, copy.deepcopy(reported), opts, stamp)),
         _best(lambda: managedfields.after_update(pod, status_seen, pod_empty, "kubelet", "status", True, _NOW))),
    ]
    print(f"{'write':8} {'apiserver model':>16} {'+ managedFields':>16} {'ratio':>7}")
    for name, base, extra in rows:
        print(f"{name:8} {base * 1e6:13.0f} µs {extra * 1e6:13.0f} µs {(base + extra) / base:6.2f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
