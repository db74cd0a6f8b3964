"""An operator converging on a replay: kopf handles the recorded pods by writing (a label, a child
ConfigMap, its own bookkeeping annotation), sees its writes come back as watch events, handles a pod
the recording adds later, and handles again a pod whose recorded change undid its label (the recorded
change is another actor's write: last writer wins)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from kubernetes import client, config
from watchproxy.testing import Replay

from tests.memory import RecordingBuilder, pod
from tests.procs import python_client

Start = Callable[..., Replay]
PODS = "/api/v1/namespaces/default/pods"
HANDLED = "kopf.zalando.org/last-handled-configuration"


@pytest.fixture
def recording(tmp_path: Path) -> Path:
    b = RecordingBuilder(tmp_path / "pods.msgpack", meta={"min_request_timeout": 600})
    b.list(0.0, 100, [pod("a", 90), pod("b", 95)])
    b.watch(0.0, [(0.0, "ADDED", pod("a", 90)), (0.0, "ADDED", pod("b", 95)),
                  (20.0, "MODIFIED", pod("a", 101, "Running")),  # the recorded kubelet: no label, no annotation
                  (30.0, "ADDED", pod("c", 102))], end=1200.0)
    return b.write()


def _labels(api: client.CoreV1Api) -> dict[str, Any]:
    pods = api.list_namespaced_pod("default").items
    return {p.metadata.name: (p.metadata.labels or {}).get("reconciled") for p in pods}


def _handled(api: client.CoreV1Api) -> set[str]:
    """The pods kopf has finished with. Its first patch writes the label with a bookkeeping annotation that
    does not have the label yet; seeing that patch come back as a change, kopf patches the annotation again
    to hold it. Only then has it nothing more to write (a recorded change let in before that second patch
    would have the pod's label undone but the annotation put back: an update to kopf, not a creation)."""
    return {p.metadata.name for p in api.list_namespaced_pod("default").items
            if json.loads((p.metadata.annotations or {}).get(HANDLED, "{}"))
            .get("metadata", {}).get("labels", {}).get("reconciled") == "yes"}


def test_kopf_operator_converges_on_a_replay(watchproxy: Start, recording: Path) -> None:
    replay = watchproxy(recording)
    api = client.CoreV1Api(config.new_client_from_config(config_file=replay.kubeconfig))
    op = python_client("kopf_labeler.py", replay.kubeconfig)
    try:
        op.wait_for(lambda lines: {"RECONCILED : a", "RECONCILED : b"} <= set(lines), 120, "a and b handled")
        replay.wait_for(lambda r: _labels(api) == {"a": "yes", "b": "yes"} and _handled(api) == {"a", "b"},
                        what="the labels and kopf's bookkeeping")
        replay.advance(25)  # the recorded MODIFIED of a: another actor's write, without label or annotation
        op.wait_for(lambda lines: lines.count("RECONCILED : a") == 2, 120, "a handled again")
        replay.advance(10)  # the recorded ADDED of c
        op.wait_for(lambda lines: "RECONCILED : c" in lines, 120, "c handled")
        replay.wait_for(lambda r: _labels(api) == {"a": "yes", "b": "yes", "c": "yes"}
                        and _handled(api) == {"a", "b", "c"}, what="every label and kopf's bookkeeping")
        assert op.terminate() == 0
    finally:
        op.kill()
    assert set(replay.objects("/api/v1/configmaps")) == {"default/a-config", "default/b-config", "default/c-config"}
    rvs = [int(v) for v in replay.objects("/api/v1/pods").values()]
    assert min(rvs) > 102  # every pod was last written by the operator, after every recorded change
    writes = [r for r in replay.requests() if r.method in ("POST", "PATCH")]
    assert writes and all(r.status < 400 or r.status == 409 for r in writes), \
        json.dumps([(r.method, r.path, r.status) for r in writes])
