"""Seeded random reads (tests/random_reads.py) after random write sequences, to the real kube-apiserver and to a
replay: every watch's events and every list's pages the same, reduced to what does not differ by nature. The
reads found what the fixed tests did not: a list of one object by name with a limit and a resourceVersion,
which etcd reads now (the legacy exact read is a collection's alone); an empty metadata list's null items; a
DaemonSet's template generation annotation, which metadata views and Table rows of it do not carry."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from watchproxy.testing import Replay

from tests import random_reads, random_writes, rawhttp
from tests.realkube import RealKube

_SEQUENCES = {"configmaps": random_writes.ops, "pods": random_writes.pod_ops,
              "daemonsets": random_writes.daemon_set_ops}


@pytest.mark.parametrize(("collection", "seed"), [("configmaps", 22), ("pods", 20), ("daemonsets", 3)])
def test_random_reads_get_the_real_apiservers_answers(realkube: RealKube, watchproxy: Callable[..., Replay],
                                                      tmp_path: Path, collection: str, seed: int) -> None:
    ns = f"random-reads-{collection}-{seed}"
    real, replay = rawhttp.reference_and_replay(realkube, watchproxy, tmp_path, ns)
    generate = _SEQUENCES[collection]
    assert random_reads.differences(real, replay, ns, collection, generate(seed, 40), seed, 20) == []


def test_a_list_of_one_object_reads_it_now_unless_the_version_must_match_exactly(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """With a limit and a resourceVersion a collection's list is read at that version, but a list that names one
    object reads its key in etcd, where that version is only a minimum; resourceVersionMatch=Exact reads it
    then either way."""
    ns = "one-object-lists"
    real, replay = rawhttp.reference_and_replay(realkube, watchproxy, tmp_path, ns)
    cms = f"/api/v1/namespaces/{ns}/configmaps"

    def answers(server: rawhttp.Server) -> list[tuple[int, list[str]]]:
        cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b", "labels": {"v": "1"}}}
        assert rawhttp.call(*server, "POST", cms, json.dumps(cm).encode())[0] == 201
        then = rawhttp.call(*server, "GET", cms)[1]["metadata"]["resourceVersion"]
        assert rawhttp.call(*server, "PATCH", f"{cms}/b", b'{"metadata":{"labels":{"v":"2"}}}',
                            random_writes.MERGE)[0] == 200
        out = []
        for query in ("limit=5&fieldSelector=metadata.name%3Db", "limit=5",
                      "limit=5&resourceVersionMatch=Exact&fieldSelector=metadata.name%3Db",
                      "fieldSelector=metadata.name%3Db"):
            code, doc, _ = rawhttp.call(*server, "GET", f"{cms}?resourceVersion={then}&{query}")
            out.append((code, [i["metadata"]["labels"]["v"] for i in doc["items"]]))
        return out
    got = answers(real)
    assert answers((replay.url, "")) == got == [(200, ["2"]), (200, ["1"]), (200, ["1"]), (200, ["2"])]


@pytest.mark.parametrize(("collection", "seed"), [("configmaps", 4), ("pods", 4)])
def test_watches_open_while_a_random_sequence_writes_get_the_real_apiservers_events(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path, collection: str, seed: int) -> None:
    """Events delivered live (emulate's fan-out), with selectors that objects enter and leave, initial events
    first where asked."""
    ns = f"live-reads-{collection}-{seed}"
    real, replay = rawhttp.reference_and_replay(realkube, watchproxy, tmp_path, ns)
    generate = _SEQUENCES[collection]
    assert random_reads.live_differences(real, replay, ns, collection, generate(seed, 40), seed, 8) == []


def test_a_watch_open_during_a_write_is_sent_the_service_as_stored(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """A Service patched to ExternalName keeps the internalTrafficPolicy it had in storage, which reads drop
    (defaultOnRead): a watch open at the time is sent the new version undecorated (the cacher dispatches it
    wrapped for its encodings, which the decorator passes by), a later one from before it decorated."""
    ns = "live-reads-stored-service"
    real, replay = rawhttp.reference_and_replay(realkube, watchproxy, tmp_path, ns)
    Op = random_writes.Op
    service = {"apiVersion": "v1", "kind": "Service",
               "metadata": {"name": "s1", "labels": {"app": "web"}}, "spec": {"ports": [{"port": 80}]}}
    external = {"spec": {"type": "ExternalName", "externalName": "x.example.com"}}
    labelled = {"metadata": {"labels": {"x": "1"}}}
    sequence = [Op("POST", "/services", body=service),
                Op("PATCH", "/services/s1", body=external, content_type=random_writes.MERGE),
                Op("PATCH", "/services/s1", body=labelled, content_type=random_writes.MERGE),
                Op("DELETE", "/services/s1")]
    # (seed 5's watches: three without selectors, whose events every such watch shares, and five with)
    assert random_reads.live_differences(real, replay, ns, "services", sequence, 5, 8) == []
    # the same again, read afterwards: from the watch cache's history
    assert random_reads.differences(real, replay, ns, "services", sequence, 5, 12) == []
