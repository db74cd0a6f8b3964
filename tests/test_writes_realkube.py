"""Writes in emulate against the reference: the same write sequence (tests/writes_differential.py) to the
real kube-apiserver and to a replay gets the same answers and the same watch events, modulo uids, times,
resourceVersion values, managedFields and the IP and port a Service is given. One create per kind compares whole
answers: defaulting, strategies and admission included."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

from kubernetes import client, config
from watchproxy.apiserver.writes import NAME_ALPHABET
from watchproxy.testing import Replay

from tests import writes_differential as wd
from tests.memory import RecordingBuilder
from tests.realkube import RealKube

_runs = itertools.count()


def _events(kubeconfig: str, ns: str, rv: str, advance: Callable[[], None] | None = None
            ) -> list[tuple[str, str, int]]:
    """The configmap events after `rv`: a one-second watch, on the replay ended by moving its clock."""
    return wd.watched(lambda: wd.watch_events(kubeconfig, ns, rv, 1), advance)


def test_the_write_sequence_gets_the_real_apiservers_answers_and_events(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    ns = f"writes-{next(_runs)}-{tmp_path.name[-12:].lower().replace('_', '-')}"
    real_api = client.CoreV1Api(config.new_client_from_config(config_file=str(realkube.admin_kubeconfig)))
    real_api.create_namespace({"metadata": {"name": ns}})
    rv0 = real_api.list_namespaced_config_map(ns).metadata.resource_version
    real = wd.run(str(realkube.admin_kubeconfig), ns)
    real_events = _events(str(realkube.admin_kubeconfig), ns, rv0)

    b = RecordingBuilder(tmp_path / "empty.msgpack")
    b.list(0.0, 100, [], path=f"/api/v1/namespaces/{ns}/configmaps", kind="ConfigMapList")
    replay = watchproxy(b.write())
    emulated = wd.run(replay.kubeconfig, ns)

    def wait_then_advance() -> None:
        replay.wait_for(lambda r: any(w.end == "open" for w in r.watches()), what="the watch")
        replay.advance(2)

    emulated_events = _events(replay.kubeconfig, ns, "100", wait_then_advance)

    differences = {r["step"]: (r, e) for r, e in zip(real.answers, emulated.answers, strict=True) if r != e}
    assert set(differences) == wd.NOT_MODELLED, differences  # and each approximation does show
    def compared(events: list[tuple[str, str, int]]) -> list[tuple[str, str]]:
        return [(t, n) for t, n, _ in events if not n.startswith("gen-")]

    assert compared(emulated_events) == compared(real_events)
    generated = [n for _, n, _ in emulated_events if n.startswith("gen-")]
    assert len(generated) == 1 and len(generated[0]) == 9 and set(generated[0][4:]) <= set(NAME_ALPHABET)
    for events in (real_events, emulated_events):
        rvs = [rv for _, _, rv in events]
        assert rvs == sorted(rvs) and len(set(rvs)) == len(rvs)
