"""Under a manual clock (the fixture's only clock) plain reads are answered at once, in both modes: the
recorded latency of discovery, /version, gets and lists is not waited for on a clock nobody moves.
The bundled recordings carry recorded discovery (a few ms of latency each), as a recorder writes it."""

from __future__ import annotations

import json
import subprocess
import urllib.error
import urllib.request

import pytest
from watchproxy.testing import Replay

from tests.tools import kubectl

READS = ("/version", "/api", "/apis", "/api/v1", "/apis/apps/v1", "/api/v1/namespaces/default/pods")


def get(url: str) -> tuple[int, dict[str, object]]:
    with urllib.request.urlopen(url, timeout=10) as resp:  # a hang fails here, after 10 s
        return resp.status, json.loads(resp.read())


@pytest.mark.parametrize("mode", ["emulate", "exact"])
def test_plain_reads_answer_at_once_and_again_without_moving_time(mode: str) -> None:
    with Replay("nginx-deploy", mode=mode) as replay:
        start = replay.now
        for _ in range(2):  # and each new request does not wait again
            for path in READS:
                status, body = get(replay.url + path)
                assert status == 200, (path, body)
        assert replay.now == start
        assert [r.end for r in replay.requests()] == ["complete"] * 2 * len(READS)


def test_a_watch_head_comes_at_once_and_its_events_when_time_moves() -> None:
    with Replay("nginx-deploy", mode="exact") as replay, \
            urllib.request.urlopen(replay.url + "/api/v1/namespaces/default/pods?watch=true", timeout=10) as resp:
        assert resp.status == 200
        replay.advance(11)
        first = json.loads(resp.readline())
        assert first["type"] == "ADDED"


@pytest.mark.clients("kubectl")
def test_kubectl_discovery_and_list_answer_under_a_manual_clock() -> None:
    # emulate: exact mode answers only the recorded client's own discovery requests (client-node's)
    with Replay("nginx-deploy") as replay:
        done = subprocess.run([kubectl(), "--kubeconfig", replay.kubeconfig, "get", "pods", "-n", "default",
                               "-o", "name"], capture_output=True, text=True, timeout=60, check=False)
        assert done.returncode == 0, done.stderr
        assert any(r.path == "/api/v1/namespaces/default/pods" and r.verb == "list" for r in replay.requests())


def test_an_exact_replay_answers_aggregated_discovery_with_the_recorded_legacy_documents() -> None:
    """A recording another client made holds the legacy documents; kubectl and client-go ask for the aggregated
    one first but take plain JSON too, as from an apiserver without it. An Accept of the aggregated form alone
    is still a miss."""
    aggregated = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
    with Replay("nginx-deploy", mode="exact") as replay:
        for path, kind in (("/api", "APIVersions"), ("/apis", "APIGroupList")):
            request = urllib.request.Request(replay.url + path, headers={"Accept": f"{aggregated},application/json"})
            with urllib.request.urlopen(request, timeout=10) as resp:
                assert json.loads(resp.read())["kind"] == kind
        request = urllib.request.Request(replay.url + "/api", headers={"Accept": aggregated})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code == 404
