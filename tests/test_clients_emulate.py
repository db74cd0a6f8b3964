"""Real clients against emulated replays on a manual clock: they reconnect, resume and relist as they
would against an apiserver, and the request log shows exactly what they asked for."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from watchproxy.testing import Replay

from tests.memory import RecordingBuilder, pod
from tests.procs import KUBECTL, ClientProcess, node_client, python_client

Start = Callable[..., Replay]


def _pod(name: str, rv: int, phase: str = "Running", restarts: int = 0) -> dict[str, Any]:
    p = pod(name, rv, phase)
    p["status"]["containerStatuses"] = [{
        "name": "c", "image": "nginx", "imageID": "docker.io/library/nginx@sha256:" + "0" * 64,
        "ready": phase == "Running", "restartCount": restarts, "started": phase == "Running",
        "state": {"running": {"startedAt": "2026-01-01T00:00:05Z"}} if phase == "Running"
        else {"waiting": {"reason": "ContainerCreating"}}}]
    return p


def history() -> list[tuple[float, str, dict[str, Any]]]:
    """Changes over ten minutes: adds, modifications and deletions, some minutes apart."""
    return [
        (20.0, "MODIFIED", _pod("web-a", 101)),
        (45.0, "ADDED", _pod("web-c", 102, "Pending")),
        (50.0, "MODIFIED", _pod("web-c", 103)),
        (130.0, "DELETED", _pod("web-b", 104)),
        (250.0, "MODIFIED", _pod("web-a", 105, restarts=1)),
        (400.0, "ADDED", _pod("web-d", 106, "Pending")),
        (410.0, "MODIFIED", _pod("web-d", 107)),
        (555.0, "DELETED", _pod("web-c", 108)),
    ]


@pytest.fixture
def recording(tmp_path: Path) -> Path:
    b = RecordingBuilder(tmp_path / "cluster.msgpack", meta={"min_request_timeout": 60})
    b.list(0.0, 100, [_pod("web-a", 90, "Pending"), _pod("web-b", 95)])
    b.watch(0.0, [(0.0, "ADDED", _pod("web-a", 90, "Pending")), (0.0, "ADDED", _pod("web-b", 95)),
                  *history()], end=3000.0)
    return b.write()


FINAL = {"web-a": "105", "web-d": "107"}


def test_informer_survives_timeout_closes_with_exact_final_state(watchproxy: Start, recording: Path) -> None:
    replay = watchproxy(recording, seed=11)
    client = python_client("py_informer.py", replay.kubeconfig)
    try:
        while replay.now < 700:  # from deadline to deadline, past every change and several closes
            replay.wait_for(lambda r: bool(r.watches()) and r.watches()[-1].end == "open", what="an open watch")
            deadline = replay.watches()[-1].deadline
            assert deadline is not None
            replay.advance_to(min(deadline, 700.0))
        assert client.terminate() == 0
    finally:
        client.kill()
    finals = {ln.split(" : ")[1].split()[0]: ln.split()[-1] for ln in client.lines if ln.startswith("FINAL")}
    assert finals == FINAL
    seen = [ln for ln in client.lines if ln.split(" : ")[0] in ("ADDED", "MODIFIED", "DELETED")]
    expected = ["ADDED : web-a", "ADDED : web-b"] + [f"{t} : {o['metadata']['name']}" for _, t, o in history()]
    assert seen == expected  # no duplicate and no missing event across the reconnects
    watches = replay.watches()
    closes = [w for w in watches if w.end == "timeout"]
    assert len(closes) >= 4
    assert watches[0].resource_version == "100"  # the list's resourceVersion
    rv_at = {t: o["metadata"]["resourceVersion"] for t, _, o in history()}
    for prev, nxt in itertools.pairwise(watches):
        assert prev.end == "timeout"
        last = max((rv for t, rv in rv_at.items() if t <= (prev.ended_at or 0)), default="100", key=int)
        assert nxt.resource_version == last, (prev, nxt)
    assert [r.verb for r in replay.requests()].count("list") == 1  # never needed to relist


def test_python_watch_resumes_from_last_rv_after_the_timeout_close(watchproxy: Start, recording: Path) -> None:
    replay = watchproxy(recording, seed=5)
    client = python_client("py_watch.py", replay.kubeconfig, "--resource-version", "100")
    try:
        first = replay.wait_for_watches(1, open_=True)[0]
        assert first.deadline is not None
        replay.advance_to(first.deadline)
        replay.wait_for_watches(2, open_=True)
    finally:
        client.kill()
    w1, w2 = replay.watches()[:2]
    assert w1.end == "timeout" and 60 <= (w1.ended_at or 0) < 120 and first.resource_version == "100"
    last_seen = [ln for ln in client.lines if " : " in ln][-1]
    assert w2.resource_version in ("103", "104") and last_seen.startswith(("MODIFIED", "DELETED"))
    assert w2.at == w1.ended_at  # reconnected at once, no backoff: the Python client's behaviour
    assert replay.reconnect_gaps()[0] == 0.0


@pytest.mark.clients("node")
def test_seed_script_prints_done_at_the_drawn_deadline(watchproxy: Start, recording: Path,
                                                       tmp_path: Path) -> None:
    replay = watchproxy(recording, seed=3, min_request_timeout=1800)
    home = tmp_path / "home"
    (home / ".kube").mkdir(parents=True)
    shutil.copy(replay.kubeconfig, home / ".kube" / "config")
    client = node_client("seed-watch.js", str(home / ".kube" / "config"), home=str(home))
    try:
        replay.wait_for_watches(1, open_=True)
        replay.advance(1799)
        client.wait_for(lambda ls: len(ls) == 10, what="ten events")
        assert "done" not in client.lines
        replay.advance(1801)
        client.wait_line("done")
    finally:
        client.kill()
    w = replay.watches()[0]
    assert w.end == "timeout" and 1800 <= (w.ended_at or 0) < 3600
    assert client.lines == ["ADDED : web-a", "ADDED : web-b"] + [
        f"{t} : {o['metadata']['name']}" for _, t, o in history()] + ["done"]


@pytest.mark.clients("node")
def test_client_node_listwatch_relists_after_410(watchproxy: Start, recording: Path) -> None:
    replay = watchproxy(recording, seed=2)
    client = node_client("listwatch.js", replay.kubeconfig)
    try:
        replay.wait_for_watches(1, open_=True)
        replay.advance(30)
        client.wait_for(lambda ls: "UPDATE : web-a" in ls, what="the first update")
        replay.fault("expire", verb="watch")
        replay.wait_for(lambda r: len(r.requests("list")) >= 2 and len(r.watches()) >= 2
                        and r.watches()[-1].end == "open", what="relist and re-watch")
    finally:
        client.kill()
    lists = replay.requests("list")
    assert len(lists) == 2
    assert replay.watches()[0].end == "fault-expire"
    assert replay.watches()[-1].resource_version == "101"  # the relist's resourceVersion at t=30


@pytest.mark.clients("kubectl")
def test_kubectl_get_pods_watch_prints_rows_and_updates(watchproxy: Start, recording: Path) -> None:
    replay = watchproxy(recording, seed=4)
    client = ClientProcess([str(KUBECTL), "--kubeconfig", replay.kubeconfig, "get", "pods", "-w",
                            "--cache-dir", str(Path(replay.kubeconfig).parent / "cache")])
    try:
        replay.wait_for_watches(1, open_=True)
        client.wait_for(lambda ls: any(ln.startswith("web-b") for ln in ls), what="the initial table")
        replay.advance(60)
        client.wait_for(lambda ls: sum(ln.startswith("web-c") for ln in ls) >= 2, what="web-c rows")
        replay.advance(3600)
        assert client.wait_exit() == 0
    finally:
        client.kill()
    assert client.lines[0].split() == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    rows = [ln.split()[:3] for ln in client.lines[1:]]
    assert rows[:2] == [["web-a", "0/1", "ContainerCreating"], ["web-b", "1/1", "Running"]]
    assert ["web-c", "1/1", "Running"] in rows
    accept = [r for r in replay.requests() if r.verb == "list"]
    assert accept and accept[0].params.get("limit") == "500"


def test_lightkube_resumes_from_last_rv(watchproxy: Start, recording: Path) -> None:
    replay = watchproxy(recording, seed=9)
    client = python_client("lightkube_watch.py", replay.kubeconfig)
    try:
        first = replay.wait_for_watches(1, open_=True)[0]
        assert first.deadline is not None
        replay.advance_to(first.deadline)
        replay.wait_for(lambda r: any(w.resource_version for w in r.watches()), what="a resumed watch")
    finally:
        client.kill()
    w1 = replay.watches()[0]
    resumed = [w for w in replay.watches() if w.resource_version]
    assert w1.resource_version is None and w1.end == "timeout"
    assert resumed[0].at == w1.ended_at
    last_before = max((int(o["metadata"]["resourceVersion"]) for t, _, o in history() if t <= (w1.ended_at or 0)))
    assert resumed[0].resource_version == str(last_before)


def test_kr8s_stops_at_the_end_of_the_stream(watchproxy: Start, recording: Path) -> None:
    replay = watchproxy(recording, seed=9)
    client = python_client("kr8s_watch.py", replay.kubeconfig)
    try:
        replay.wait_for_watches(1, open_=True)
        replay.advance(200)
        client.wait_line("done")
        assert client.wait_exit() == 0
    finally:
        client.kill()
    assert len(replay.watches()) == 1


def test_plugin_asyncio_client(watchproxy: Start, recording: Path) -> None:
    """An asyncio client (kubernetes.aio is not installed; aiohttp speaks the protocol directly)."""
    import asyncio

    import aiohttp

    replay = watchproxy(recording, seed=1)

    async def run() -> list[str]:
        async with aiohttp.ClientSession() as s, \
                s.get(f"{replay.url}/api/v1/namespaces/default/pods?watch=1&resourceVersion=100") as resp:
            await replay.aadvance(60)
            lines = []
            async for line in resp.content:
                lines.append(json.loads(line)["type"])
                if len(lines) == 3:
                    return lines
            return lines

    assert asyncio.run(run()) == ["MODIFIED", "ADDED", "MODIFIED"]
    assert os.path.exists(replay.kubeconfig)
    assert subprocess.run is not None
