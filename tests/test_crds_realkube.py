"""CustomResourceDefinitions in emulate against the reference: the same operator's first steps
(tests/crds_differential.py) on the real kube-apiserver and on a replay get the same answers, and a
definition's own events (created, accepted, established, terminating, gone) come in the same order."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

from kubernetes import client, config
from watchproxy.testing import Replay

from tests import crds_differential as cd
from tests.memory import RecordingBuilder
from tests.realkube import RealKube
from tests.writes_differential import watched


def _crd_events(kubeconfig: str, name: str, rv: str, advance: Callable[[], None] | None = None) -> list[str]:
    return watched(lambda: cd.crd_events(kubeconfig, name, rv, 1), advance)


def test_operator_steps_get_the_real_apiservers_answers(realkube: RealKube, watchproxy: Callable[..., Replay],
                                                       tmp_path: Path) -> None:
    tag = uuid.uuid4().hex[:8]
    group, ns = f"t{tag}.example.com", f"crds-{tag}"
    api = config.new_client_from_config(config_file=str(realkube.admin_kubeconfig))
    client.CoreV1Api(api).create_namespace({"metadata": {"name": ns}})
    rv0 = client.ApiextensionsV1Api(api).list_custom_resource_definition().metadata.resource_version
    real = cd.run(str(realkube.admin_kubeconfig), group, ns)
    real_events = _crd_events(str(realkube.admin_kubeconfig), f"widgets.{group}", rv0)

    b = RecordingBuilder(tmp_path / "empty.msgpack")
    b.list(0.0, 100, [], path=f"/api/v1/namespaces/{ns}/configmaps", kind="ConfigMapList")
    replay = watchproxy(b.write())
    emulated = cd.run(replay.kubeconfig, group, ns)

    def wait_then_advance() -> None:
        replay.wait_for(lambda r: any(w.end == "open" for w in r.watches()), what="the watch")
        replay.advance(2)

    emulated_events = _crd_events(replay.kubeconfig, f"widgets.{group}", "100", wait_then_advance)

    assert len(real.answers) == len(cd.steps(group, ns)) >= 110
    differences = {r["step"]: (r, e) for r, e in zip(real.answers, emulated.answers, strict=True) if r != e}
    assert not differences, differences
    # each kind of answer did happen on the reference (a step both sides refuse alike proves less)
    codes = [a["code"] for a in real.answers]
    assert {200, 201, 404, 415, 422} <= set(codes)
    assert real_events[:3] == ["ADDED", "MODIFIED", "MODIFIED"] and real_events[-1] == "DELETED"
    assert emulated_events == real_events
