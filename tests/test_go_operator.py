"""A controller-runtime operator's first run (tests/peers/goclients `operator`): it installs its
CustomResourceDefinition, waits for it to be established, creates its custom resources (one the schema
refuses) and sets their status through the status subresource, then two controllers apply their conditions to
it (server-side apply, merged by the definition's list-map keys), all as unstructured objects. Against a
replay of an empty cluster it prints what it prints against the real kube-apiserver, and the event it records
through events.k8s.io/v1 is listed through core/v1 as `kubectl describe` lists it."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from watchproxy.testing import Replay

from tests import rawhttp
from tests.memory import RecordingBuilder
from tests.procs import ClientProcess
from tests.realkube import RealKube
from tests.workload import until

STATUS = "STATUS : w1 ready replicas=2 size=3 unknown=false"  # defaulted size, pruned field
CONDITIONS = ("CONDITIONS : w1 Reconciled=True,Healthy=True owners=health-checker/Apply/status,"
              "watchproxy-goclients/Update/,watchproxy-goclients/Update/status,widget-operator/Apply/status")


def _described(server: rawhttp.Server) -> list[dict[str, Any]]:
    """w1's events as `kubectl describe widget w1` lists them: through core/v1, by the involved object."""
    path = "/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dw1%2CinvolvedObject.kind%3DWidget"
    code, doc, _ = rawhttp.call(*server, "GET", path)
    assert code == 200, doc
    return [{**{k: e.get(k) for k in ("type", "reason", "message", "action", "reportingComponent")},
             "involved": {k: e["involvedObject"].get(k) for k in ("kind", "name", "namespace")},
             "source": e.get("source"), "count": e.get("count"), "series": e.get("series")} for e in doc["items"]]


def _run(goclients: Path, kubeconfig: str, group: str, server: rawhttp.Server) -> tuple[list[str], list[Any]]:
    """The operator's lines until it has set the status, its cache has seen it and the event it recorded of
    it (through events.k8s.io/v1) is listed through core/v1; then it is stopped."""
    op = ClientProcess([str(goclients), "operator", "--kubeconfig", kubeconfig, "--group", group])
    events: list[Any] = []

    def listed() -> bool:
        events[:] = _described(server)
        return bool(events)
    try:
        op.wait_for(lambda lines: STATUS in lines and any(ln.startswith("CONDITIONS : w1") for ln in lines)
                    and lines.count("MODIFIED : w1") == 3, what="the status written, conditions applied, all seen")
        until(listed, 30, "w1's event through core/v1")
    finally:
        assert op.terminate() == 0, op.stderr[-20:]
    return [ln if not ln.startswith("FINAL : ") else ln.rsplit(" ", 1)[0] for ln in op.lines], events


def test_operator_first_run_as_against_the_real_apiserver(realkube: RealKube, goclients: Path,
                                                          watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    group = f"op{uuid.uuid4().hex[:8]}.example.com"
    real, real_events = _run(goclients, str(realkube.admin_kubeconfig), group,
                             (realkube.url, realkube.token_file.read_text().strip()))
    b = RecordingBuilder(tmp_path / "empty.msgpack")
    b.list(0.0, 100, [], path="/api/v1/namespaces/default/configmaps", kind="ConfigMapList")
    replay = watchproxy(b.write())
    emulated, emulated_events = _run(goclients, replay.kubeconfig, group, (replay.url, ""))

    assert real[:3] == [f"CRD : widgets.{group} established", "CREATED : w1", "ERROR : create w2: 422 Invalid"]
    # two controllers' conditions applied to the status, merged by type (the definition's list-map), each its owner's
    assert CONDITIONS in real
    assert real[-2:] == ["FINAL : w1", "done"]
    assert sorted(emulated) == sorted(real)  # the cache's events and the reconciler's may interleave either way
    writes = [(r.method, r.path.rsplit("/", 1)[-1]) for r in replay.requests() if r.method in ("POST", "PUT")]
    assert writes == [("POST", "customresourcedefinitions"), ("POST", "widgets"), ("POST", "widgets"),
                      ("PUT", "status"), ("POST", "events")]
    assert real_events == [{"type": "Normal", "reason": "Ready", "message": "replicas=2", "action": "SetStatus",
                            "reportingComponent": "widget-operator",
                            "involved": {"kind": "Widget", "name": "w1", "namespace": "default"},
                            "source": {}, "count": None, "series": None}]
    assert emulated_events == real_events
