"""Record through watchproxy from the real kube-apiserver (tests/peers/realkube), with every authentication
it offers and with real clients; then replay exactly: each client sees in replay what it saw recording.

The real server's randomized close happens inside these tests: its `--min-request-timeout` is a few seconds
(tests/conftest.py), so an unbounded watch is closed after [min, 2·min).
"""

from __future__ import annotations

import asyncio
import json
import shutil
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp
import pytest
from watchproxy.engines.store import load
from watchproxy.server.sessions import RecordSession, ReplaySession

from tests.conftest import REALKUBE_MIN_REQUEST_TIMEOUT
from tests.procs import KUBECTL, ClientProcess, node_client, python_client, until_logged
from tests.realkube import RealKube, kubeconfig_with_user
from tests.test_record_replay import credentials_absent
from tests.workload import CRD_PLURAL, Workload

R9 = "nginx-deploy-679dc9c764-r9ds5"
D5 = "nginx-deploy-679dc9c764-54d5d"
ROLLOUT = [f"ADDED : {R9}", f"ADDED : {D5}", f"MODIFIED : {R9}", f"MODIFIED : {D5}",
           f"MODIFIED : {R9}", f"MODIFIED : {D5}"]
needs_kubectl = pytest.mark.skipif(not KUBECTL.exists(), reason="kubectl is installed by `make clients`")


@pytest.fixture
def clean_default(realkube: RealKube) -> Workload:
    """The `default` namespace emptied of what earlier tests left (the seed's script watches it)."""
    w = Workload(realkube.admin_kubeconfig)
    w.reset()
    return w


def open_watches(session: RecordSession, path: str) -> int:
    """Watches the apiserver has answered (so registered: what it does from then on is sent as events, not
    folded into an RV-less watch's initial ADDED burst, which comes in name order) and that are still open."""
    return sum(1 for e in session.log.entries
               if e.verb == "watch" and e.status == 200 and not e.end and e.path.startswith(path))


async def run_client(start: Callable[[], ClientProcess], done: Callable[[list[str]], bool] | None) -> list[str]:
    """Run a client until `done(lines)` (then stop it) or, with None, until its own clean exit."""
    client = start()
    try:
        if done is None:
            assert await asyncio.to_thread(client.wait_exit, 60) == 0, client.stderr
        else:
            await asyncio.to_thread(client.wait_for, done, 60)
    finally:
        client.kill()
    return client.lines


async def record_client(kube: RealKube, tmp: Path, name: str, start: Callable[[str], ClientProcess],
                        workload: Callable[[], Awaitable[None]], watch_path: str,
                        done: Callable[[list[str]], bool] | None) -> tuple[Path, list[str]]:
    """Record `start(kubeconfig)` while the workload runs once its watch is open; returns its lines."""
    out = tmp / f"{name}.msgpack"
    async with RecordSession(out, kubeconfig=str(kube.admin_kubeconfig), write_kubeconfig=tmp / f"{name}.kc") as s:
        assert s.kubeconfig is not None
        kc = s.kubeconfig
        task = asyncio.ensure_future(run_client(lambda: start(kc), done))
        await until_logged(s, lambda: open_watches(s, watch_path) > 0)
        await workload()
        lines = await task
    return out, lines


async def replay_exact(recording: Path, start: Callable[[str], ClientProcess],
                       done: Callable[[list[str]], bool] | None) -> list[str]:
    kc = recording.with_suffix(".exact.kc")
    async with ReplaySession(recording, mode="exact", speed=4.0, write_kubeconfig=kc):
        return await run_client(lambda: start(str(kc)), done)


# --- authentication ---------------------------------------------------------------------------------------

def _exec_plugin(tmp: Path, token: str) -> dict[str, object]:
    script = tmp / "exec-credential.py"
    script.write_text("import json\nprint(json.dumps({'apiVersion': 'client.authentication.k8s.io/v1', "
                      f"'kind': 'ExecCredential', 'status': {{'token': {token!r}}}}}))\n")
    return {"exec": {"apiVersion": "client.authentication.k8s.io/v1", "command": sys.executable,
                     "args": [str(script)], "interactiveMode": "Never"}}


@pytest.mark.parametrize("auth", ["client-certificate", "bearer-token", "token-file", "exec-plugin"])
async def test_records_with_every_authentication(realkube: RealKube, tmp_path: Path, auth: str) -> None:
    token = realkube.token_file.read_text().strip()
    kubeconfig = {
        "client-certificate": lambda: realkube.admin_kubeconfig,
        "bearer-token": lambda: realkube.token_kubeconfig,
        "token-file": lambda: kubeconfig_with_user(realkube, tmp_path / "tf.kc",
                                                   {"tokenFile": str(realkube.token_file)}),
        "exec-plugin": lambda: kubeconfig_with_user(realkube, tmp_path / "ex.kc", _exec_plugin(tmp_path, token)),
    }[auth]()
    ns = f"auth-{auth}"
    w = Workload(realkube.admin_kubeconfig, namespace=ns)
    w.ensure_namespace()
    out = tmp_path / "auth.msgpack"
    async with RecordSession(out, kubeconfig=str(kubeconfig)) as s, aiohttp.ClientSession() as http:
        async with http.get(f"{s.url}/api/v1/namespaces/{ns}/configmaps") as resp:
            assert resp.status == 200, await resp.text()
            rv = (await resp.json())["metadata"]["resourceVersion"]
        watch = http.get(f"{s.url}/api/v1/namespaces/{ns}/configmaps",
                         params={"watch": "1", "resourceVersion": rv, "timeoutSeconds": "3"})
        async with watch as resp:
            assert resp.status == 200
            await asyncio.to_thread(w.configmap, "hello", {"k": "v"})
            event = json.loads(await resp.content.readline())
            assert (event["type"], event["object"]["metadata"]["name"]) == ("ADDED", "hello")
            assert await resp.read() == b""  # then the server's clean end at timeoutSeconds
    loaded = load(out)
    frames = [f for ex in loaded.exchanges.values() if ex.info.verb == "watch" for f in ex.frames]
    assert len(frames) == 1
    admin_key = realkube.admin_kubeconfig.read_text().split("client-key-data: ")[1].split()[0]
    credentials_absent(out, [token.encode(), admin_key[:64].encode(), b"Bearer"])


# --- real clients ------------------------------------------------------------------------------------------

def _seed_script(kc: str) -> ClientProcess:
    home = Path(kc).parent / f"home-{Path(kc).stem}"
    (home / ".kube").mkdir(parents=True, exist_ok=True)
    shutil.copy(kc, home / ".kube" / "config")
    return node_client("seed-watch.js", kc, home=str(home))


async def test_seed_script_records_the_real_randomized_close(realkube: RealKube, clean_default: Workload,
                                                             tmp_path: Path) -> None:
    """The heart of the project, against the real server: the seed's client-node watch prints the rollout
    and then `done` when the apiserver closes the watch after min-request-timeout × (1 + rand)."""
    rec, recorded = await record_client(realkube, tmp_path, "seed", _seed_script,
                                        lambda: asyncio.to_thread(clean_default.rollout),
                                        "/api/v1/namespaces/default/pods", None)
    assert recorded[:-1] == ROLLOUT and recorded[-1] == "done"
    watch = next(e for e in load(rec).exchanges.values() if e.info.verb == "watch")
    assert watch.end is not None and watch.end.how == "server-closed"
    lasted = watch.end.t - watch.request.t
    assert REALKUBE_MIN_REQUEST_TIMEOUT <= lasted < 2 * REALKUBE_MIN_REQUEST_TIMEOUT + 0.5
    assert await replay_exact(rec, _seed_script, None) == recorded


async def test_python_watch_and_informer_transcripts_replay_exactly(realkube: RealKube, clean_default: Workload,
                                                                    tmp_path: Path) -> None:
    def watch(kc: str) -> ClientProcess:
        return python_client("py_watch.py", kc, "--timeout-seconds", "5")

    rec, recorded = await record_client(realkube, tmp_path, "pywatch", watch,
                                        lambda: asyncio.to_thread(clean_default.rollout),
                                        "/api/v1/namespaces/default/pods", None)
    assert recorded == [*ROLLOUT, "done"]
    assert await replay_exact(rec, watch, None) == recorded

    await asyncio.to_thread(clean_default.reset)

    def informer(kc: str) -> ClientProcess:
        return python_client("py_informer.py", kc)

    def saw_rollout(lines: list[str]) -> bool:
        return sorted(line for line in lines if " : " in line) == sorted(ROLLOUT)

    rec, recorded = await record_client(realkube, tmp_path, "pyinf", informer,
                                        lambda: asyncio.to_thread(clean_default.rollout),
                                        "/api/v1/namespaces/default/pods", saw_rollout)
    assert await replay_exact(rec, informer, saw_rollout) == recorded


@needs_kubectl
@pytest.mark.parametrize("resource", ["pods", "deployments", CRD_PLURAL])
async def test_kubectl_get_watch_replays_exactly(realkube: RealKube, clean_default: Workload, tmp_path: Path,
                                                 resource: str) -> None:
    """kubectl's Table watch: every row equal in replay but the AGE column, which kubectl computes from its
    own clock."""
    await asyncio.to_thread(clean_default.ensure_crd)

    def kubectl(kc: str) -> ClientProcess:
        cache = Path(kc).parent / f"cache-{Path(kc).stem}"
        return ClientProcess([str(KUBECTL), "--kubeconfig", kc, "--cache-dir", str(cache), "get", resource, "-w"])

    async def workload() -> None:
        if resource == CRD_PLURAL:
            await asyncio.to_thread(clean_default.widget, "w1", 1)
            await asyncio.to_thread(clean_default.widget, "w1", 2)
        else:
            await asyncio.to_thread(clean_default.rollout)

    collection = "/apis/example.watchproxy.dev/v1/namespaces/default/widgets" if resource == CRD_PLURAL else \
        f"/api{'s/apps' if resource == 'deployments' else ''}/v1/namespaces/default/{resource}"
    rec, recorded = await record_client(realkube, tmp_path, f"kubectl-{resource}", kubectl, workload, collection,
                                        None)

    def rows(lines: list[str]) -> list[list[str]]:
        return [line.split()[:-1] for line in lines]

    assert recorded[0].split()[0] == "NAME" and len(recorded) >= 2
    assert rows(await replay_exact(rec, kubectl, None)) == rows(recorded)
