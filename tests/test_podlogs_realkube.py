"""`kubectl logs`, `exec`, `attach` and `port-forward` against a replay: what the apiserver decides before it asks
a kubelet (the options, the pod, its container, its node) answered as the real kube-apiserver answers it, which
runs no kubelet either."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from pathlib import Path

from watchproxy.testing import Replay

from tests import random_writes, rawhttp
from tests.realkube import RealKube


def _pod(name: str, node: str = "", containers: tuple[str, ...] = ("c",), init: tuple[str, ...] = ()) -> bytes:
    spec = {"containers": [{"name": c, "image": "i"} for c in containers],
            **({"initContainers": [{"name": c, "image": "i"} for c in init]} if init else {}),
            **({"nodeName": node} if node else {})}
    return json.dumps({"metadata": {"name": name}, "spec": spec}).encode()


def test_pod_logs_get_the_real_apiservers_answers(realkube: RealKube, watchproxy: Callable[..., Replay],
                                                  tmp_path: Path) -> None:
    ns = f"logs-{uuid.uuid4().hex[:6]}"
    node = f"{ns}-node"
    logs = f"/api/v1/namespaces/{ns}/pods"
    asked = [f"{logs}/gone/log", f"{logs}/two/log", f"{logs}/two/log?container=d", f"{logs}/two/log?container=zz",
             f"{logs}/two/log?container=setup", f"{logs}/one/log", f"{logs}/one/log?follow=true&timestamps=1",
             f"{logs}/one/log?tailLines=-1", f"{logs}/one/log?tailLines=-1&limitBytes=0&sinceSeconds=0",
             f"{logs}/one/log?sinceSeconds=5&sinceTime=2020-01-01T00:00:00Z", f"{logs}/one/log?limitBytes=abc",
             f"{logs}/one/log?sinceTime=yesterday", f"{logs}/one/log?stream=Stdout", f"{logs}/placed/log",
             f"{logs}/lost/log", f"{logs}/gone/log?tailLines=-1"]
    streams = [("POST", f"{logs}/one/exec?command=ls&stdout=true"), ("GET", f"{logs}/one/exec?command=ls&stdout=true"),
               ("POST", f"{logs}/gone/exec?command=ls"), ("POST", f"{logs}/two/exec?command=ls"),
               ("POST", f"{logs}/one/exec?command=ls&container=zz"), ("POST", f"{logs}/one/attach?stdout=true"),
               ("POST", f"{logs}/two/portforward?ports=80"), ("POST", f"{logs}/placed/exec?command=ls"),
               ("POST", f"{logs}/lost/attach?stdout=true")]
    answers = []
    for server in rawhttp.real_and_replay(realkube, watchproxy, tmp_path, ns):
        assert rawhttp.call(*server, "POST", "/api/v1/nodes", json.dumps({"metadata": {"name": node}}).encode())[0] \
            == 201
        try:
            for body in (_pod("one"), _pod("two", containers=("c", "d"), init=("setup",)), _pod("placed", node),
                         _pod("lost", "no-such-node")):
                assert rawhttp.call(*server, "POST", logs, body)[0] == 201
            got = []
            for method, path in [("GET", p) for p in asked] + streams:
                code, doc, _ = rawhttp.call(*server, method, path)
                got.append((method, path.rsplit("/", 2)[-2:], code, random_writes.reduce(doc) if doc else doc))
            answers.append(got)
        finally:
            rawhttp.call(*server, "DELETE", f"/api/v1/nodes/{node}")
    real, emulated = answers
    assert [code for _, _, code, _ in real] == [404, 400, 204, 400, 204, 204, 204, 422, 422, 422, 400, 400, 422, 500,
                                                404, 422, 400, 400, 404, 400, 400, 400, 400, 500, 404]
    assert [(r, e) for r, e in zip(real, emulated, strict=True) if r != e] == []
