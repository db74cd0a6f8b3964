"""An operator's development loop against a replay, with the real kubectl: install the CRDs, wait for them,
apply a custom resource (refused for a field its schema lacks, as kubectl validates strictly by default;
pruned with --validate=false), read and print it, delete the definition. Once on a synthesized recording
(discovery made up by emulate) and once on a session kubectl recorded through watchproxy from the real
kube-apiserver, whose own discovery documents (aggregated, as kubectl asks) must then list the new type."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from watchproxy.server.sessions import RecordSession
from watchproxy.testing import Replay

from tests import crds_differential as cd
from tests.memory import RecordingBuilder
from tests.procs import KUBECTL
from tests.procs import run_kubectl as kubectl
from tests.realkube import RealKube

pytestmark = pytest.mark.skipif(not KUBECTL.exists(), reason="kubectl is installed by `make clients`")
GROUP = "loop.example.com"


def _loop(kubeconfig: str) -> None:
    crd = json.dumps(cd._crd(GROUP, "widgets", "Widget"))
    assert "created" in kubectl(kubeconfig, "apply", "-f", "-", stdin=crd).stdout
    kubectl(kubeconfig, "wait", "--for", "condition=established", f"crd/widgets.{GROUP}", "--timeout=30s")
    widget = {**cd._widget(GROUP, "w1", replicas=2, unknown="dropped"), "status": {"replicas": 9}}
    widget["metadata"]["namespace"] = "default"
    strict = kubectl(kubeconfig, "apply", "-f", "-", stdin=json.dumps(widget), ok=False)  # kubectl's default
    assert strict.returncode != 0 and 'strict decoding error: unknown field "spec.unknown"' in strict.stderr
    assert kubectl(kubeconfig, "apply", "--validate=false", "-f", "-", stdin=json.dumps(widget)).stdout.strip() == \
        f"widget.{GROUP}/w1 created"
    # (by its group: a recorded session's discovery may hold other tests' widgets, of other groups)
    got = json.loads(kubectl(kubeconfig, "get", f"widgets.{GROUP}", "w1", "-o", "json").stdout)
    assert got["spec"] == {"color": "red", "nested": {"mode": "auto"}, "replicas": 2, "size": 3}
    assert "status" not in got  # a status subresource: not written by a create
    explained = kubectl(kubeconfig, "explain", "widgets.spec", f"--api-version={GROUP}/v1").stdout  # (OpenAPI's)
    assert "color\t<string> -required-" in explained and "enum: red, blue" in explained
    printed = kubectl(kubeconfig, "get", "wid").stdout.splitlines()  # by its short name
    assert printed[0].split() == ["NAME", "COLOR", "REPLICAS", "AGE"] and printed[1].split()[:3] == ["w1", "red", "2"]
    assert kubectl(kubeconfig, "get", "crd", f"widgets.{GROUP}").stdout.split()[:7] == \
        ["NAME", "SCOPE", "VERSIONS", "CREATED", "AT", f"widgets.{GROUP}", "Namespaced"]
    bad = kubectl(kubeconfig, "apply", "-f", "-", stdin=json.dumps(cd._widget(GROUP, "w2", replicas=11)), ok=False)
    assert bad.returncode != 0 and "spec.replicas in body should be less than or equal to 10" in bad.stderr
    kubectl(kubeconfig, "delete", "crd", f"widgets.{GROUP}")
    gone = kubectl(kubeconfig, "get", "widgets.v1." + GROUP, ok=False)
    assert gone.returncode != 0


def test_the_loop_on_a_synthesized_recording(watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    b = RecordingBuilder(tmp_path / "empty.msgpack")
    b.list(0.0, 100, [], path="/api/v1/namespaces/default/configmaps", kind="ConfigMapList")
    _loop(watchproxy(b.write()).kubeconfig)


def test_the_loop_on_a_session_kubectl_recorded(realkube: RealKube, watchproxy: Callable[..., Replay],
                                                tmp_path: Path) -> None:
    out = tmp_path / "kubectl.msgpack"

    async def record() -> None:
        async with RecordSession(out, kubeconfig=str(realkube.admin_kubeconfig),
                                 write_kubeconfig=tmp_path / "rec.kc") as s:
            assert s.kubeconfig is not None
            await asyncio.to_thread(kubectl, s.kubeconfig, "get", "configmaps")

    asyncio.run(record())
    replay = watchproxy(out)
    _loop(replay.kubeconfig)
    # kubectl read its discovery from the recording, with the new group added
    assert any(r.path == "/apis" and r.answered_by.startswith("exchange") for r in replay.requests())
