"""The pod log model (proxy/apiserver/podlogs.py) where the real apiserver beside the tests cannot be compared:
a node with an address (whose kubelet a replay does not have), and logs a recording holds, served first."""

from __future__ import annotations

import http.client
from pathlib import Path

from watchproxy.apiserver import podlogs
from watchproxy.testing import Replay

from tests import rawhttp
from tests.memory import RecordingBuilder, pod

PLACED = {"metadata": {"name": "web"}, "spec": {"nodeName": "n1", "containers": [{"name": "c"}]}}


def test_a_pod_on_a_node_with_an_address_is_the_kubelets_which_a_replay_has_not() -> None:
    def node(addresses: list[dict[str, str]]) -> dict[str, object]:
        return {"metadata": {"name": "n1"}, "status": {"addresses": addresses}}
    out = podlogs.answer(PLACED, "web", "", lambda _: node([{"type": "InternalIP", "address": "10.0.0.1"}]))
    assert (out.code, "reason" in out.body) == (500, False)
    assert out.body["message"].startswith("watchproxy replay: no kubelet to read the logs of container c of pod web")
    out = podlogs.answer(PLACED, "web", "", lambda _: node([{"type": "Other", "address": "x"}]))
    assert out.body["message"] == "no preferred addresses found; known addresses: [{Other x}]"


def test_logs_a_recording_holds_are_served_first(tmp_path: Path) -> None:
    b = RecordingBuilder(tmp_path / "logs.msgpack")
    placed = pod("web", 10)
    placed["spec"]["nodeName"] = "n1"
    b.list(0.0, 10, [placed, pod("other", 11)])
    path = "/api/v1/namespaces/default/pods/web/log"
    b.exchange(0.5, path, b"started\nserving\n")
    with Replay(b.write(), mode="emulate") as r:
        conn = http.client.HTTPConnection(r.url.removeprefix("http://"))
        conn.request("GET", path)
        got = conn.getresponse()
        assert (got.status, got.read()) == (200, b"started\nserving\n")
        code, doc, _ = rawhttp.call(r.url, "", "GET", "/api/v1/namespaces/default/pods/other/log")
        assert (code, doc) == (204, {"text": ""})  # (not scheduled: no logs yet)
