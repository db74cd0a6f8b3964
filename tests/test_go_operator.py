"""A controller-runtime operator's first run (tests/peers/goclients `operator`): it installs its
CustomResourceDefinition, waits for it to be established, creates its custom resources (one the schema
refuses) and sets their status through the status subresource, all as unstructured objects. Against a
replay of an empty cluster it prints what it prints against the real kube-apiserver."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

from watchproxy.testing import Replay

from tests.memory import RecordingBuilder
from tests.procs import ClientProcess
from tests.realkube import RealKube

STATUS = "STATUS : w1 ready replicas=2 size=3 unknown=false"  # defaulted size, pruned field


def _run(goclients: Path, kubeconfig: str, group: str) -> list[str]:
    """The operator's lines until it has set the status and its cache has seen it, then stopped."""
    op = ClientProcess([str(goclients), "operator", "--kubeconfig", kubeconfig, "--group", group])
    try:
        op.wait_for(lambda lines: STATUS in lines and "MODIFIED : w1" in lines, what="the status written and seen")
    finally:
        assert op.terminate() == 0, op.stderr[-20:]
    return [ln if not ln.startswith("FINAL : ") else ln.rsplit(" ", 1)[0] for ln in op.lines]


def test_operator_first_run_as_against_the_real_apiserver(realkube: RealKube, goclients: Path,
                                                          watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    group = f"op{uuid.uuid4().hex[:8]}.example.com"
    real = _run(goclients, str(realkube.admin_kubeconfig), group)
    b = RecordingBuilder(tmp_path / "empty.msgpack")
    b.list(0.0, 100, [], path="/api/v1/namespaces/default/configmaps", kind="ConfigMapList")
    replay = watchproxy(b.write())
    emulated = _run(goclients, replay.kubeconfig, group)

    assert real[:3] == [f"CRD : widgets.{group} established", "CREATED : w1", "ERROR : create w2: 422 Invalid"]
    assert real[-2:] == ["FINAL : w1", "done"]
    assert sorted(emulated) == sorted(real)  # the cache's events and the reconciler's may interleave either way
    writes = [(r.method, r.path.rsplit("/", 1)[-1]) for r in replay.requests() if r.method in ("POST", "PUT")]
    assert writes == [("POST", "customresourcedefinitions"), ("POST", "widgets"), ("POST", "widgets"),
                      ("PUT", "status")]
