"""Writes in emulate against the reference: the same write sequence (tests/writes_differential.py) to the
real kube-apiserver and to a replay gets the same answers and the same watch events, modulo uids, times,
resourceVersion values, managedFields and the IP and port a Service is given. One create per kind compares whole
answers: defaulting, strategies and admission included."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from pathlib import Path

from kubernetes import client, config
from watchproxy.apiserver.writes import NAME_ALPHABET
from watchproxy.testing import Replay

from tests import rawhttp
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


def test_a_pods_deletion_is_watched_as_on_the_real_apiserver(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """The store marks a pod for deletion (MODIFIED) before it deletes it: at once when no node runs it or
    when the client asks for no grace (then DELETED, the answer holding that version), else only marked,
    waiting for its kubelet."""
    ns = f"podgone-{next(_runs)}"
    pods = f"/api/v1/namespaces/{ns}/pods"
    def pod(name: str, node: str = "") -> bytes:
        return json.dumps({"metadata": {"name": name}, "spec": {"containers": [{"name": "c", "image": "x"}],
                                                               **({"nodeName": node} if node else {})}}).encode()
    steps = [("POST", pods, pod("unbound")), ("POST", pods, pod("bound", "n1")), ("POST", pods, pod("now", "n1")),
             ("DELETE", f"{pods}/unbound", None), ("DELETE", f"{pods}/bound", None),
             ("DELETE", f"{pods}/now?gracePeriodSeconds=0", None)]
    real = (realkube.url, realkube.token_file.read_text().strip())
    assert rawhttp.call(*real, "POST", "/api/v1/namespaces", json.dumps({"metadata": {"name": ns}}).encode())[0] == 201
    b = RecordingBuilder(tmp_path / "empty.msgpack")
    b.list(0.0, 100, [], path=f"/api/v1/namespaces/{ns}/configmaps", kind="ConfigMapList")
    replay = watchproxy(b.write())
    seen = []
    for server, on in ((real, None), ((replay.url, ""), replay)):
        rv0 = rawhttp.call(*server, "GET", pods)[1]["metadata"]["resourceVersion"]
        answers = []
        for method, path, body in steps:
            code, doc, _ = rawhttp.call(*server, method, path, body)
            meta = doc.get("metadata", {})
            answers.append((code, meta.get("deletionGracePeriodSeconds"), meta.get("resourceVersion")))
        _, _, stream = rawhttp.send_ending_watches(server, on, "GET", f"{pods}?watch=1&resourceVersion={rv0}&"
                                                   "timeoutSeconds=1", None, {"Accept": "application/json"})
        events = [json.loads(line) for line in stream.splitlines()]
        last = {e["object"]["metadata"]["name"]: e["object"]["metadata"]["resourceVersion"] for e in events}
        assert [rv for _, _, rv in answers[3:] if rv] == [last["unbound"], last["bound"], last["now"]]
        seen.append(([a[:2] for a in answers], [(e["type"], e["object"]["metadata"]["name"],
                                                e["object"]["metadata"].get("deletionGracePeriodSeconds"))
                                               for e in events]))
    assert seen[1] == seen[0]
    assert ("MODIFIED", "unbound", 0) in seen[0][1] and ("DELETED", "unbound", 0) in seen[0][1]
