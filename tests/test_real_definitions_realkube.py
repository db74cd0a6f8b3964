"""Real-world definitions (tests/real_definitions.py): the Gateway API's and the volume snapshots', as the
Kubernetes modules carry them, installed on the real kube-apiserver and on a replay, then custom resources
drawn from their schemas created on both: the same answers. They found what the hand-written definitions of
the other tests did not: the root's `metadata: {type: object}` that controller-gen writes pruned the name away,
and a group under k8s.io made their custom resources built-in kinds."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from watchproxy.testing import Replay

from tests import rawhttp, real_definitions
from tests.realkube import RealKube
from tests.workload import until


def test_custom_resources_of_real_definitions_get_the_real_apiservers_answers(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    crds = [c for c in real_definitions.definitions()
            if c["spec"]["group"] in ("gateway.networking.k8s.io", "snapshot.storage.k8s.io")]
    assert len(crds) >= 7
    servers = rawhttp.real_and_replay(realkube, watchproxy, tmp_path, "real-definitions")
    try:
        differing = list(real_definitions.compare(servers, crds, 1, 6, "real-definitions"))
    finally:  # (the real apiserver is shared: leave no groups for other tests' discovery)
        for crd in crds:
            path = f"{real_definitions.CRDS}/{crd['metadata']['name']}"
            rawhttp.call(*servers[0], "DELETE", path)
            until(lambda path=path: rawhttp.call(*servers[0], "GET", path)[0] == 404, 60, f"{path} gone")
    assert not differing, json.dumps(differing[:3], default=str)[:3000]
