"""One client session against the real kube-apiserver and then against an emulated replay, for the tests that hold
what a real client read or left on the server against the reference: the writing peers and operators."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from pathlib import Path

import yaml
from watchproxy.server.sessions import RecordSession
from watchproxy.testing import Replay

from tests import rawhttp
from tests.procs import run_kubectl
from tests.realkube import RealKube

UID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")  # in ownerReferences' keys


def kubectl(kubeconfig: str, *args: str, stdin: str = "") -> str:
    """What kubectl printed, the user's side of a session (it must succeed)."""
    return run_kubectl(kubeconfig, *args, stdin=stdin, timeout=60).stdout


def served(kubeconfig: str, resource: str) -> None:
    """Until an established definition's resource is in discovery (which follows, on a real apiserver)."""
    for _ in range(200):
        if run_kubectl(kubeconfig, "get", resource, ok=False, timeout=60).returncode == 0:
            return
    raise AssertionError(f"{resource} never served")


def deployment(name: str, image: str, managed: bool = True) -> str:
    """A Deployment the operators under test reconcile when `managed` (their label)."""
    labels = {"app": name, **({"watchproxy.test/managed": "true"} if managed else {})}
    return json.dumps({
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "labels": labels},
        "spec": {"replicas": 2, "selector": {"matchLabels": {"app": name}},
                 "template": {"metadata": {"labels": {"app": name}},
                              "spec": {"containers": [{"name": "web", "image": image}]}}}})


def in_namespace(kubeconfig: str | Path, ns: str, out: Path) -> str:
    """A copy of a kubeconfig whose contexts name `ns`, for a client that works in its kubeconfig's namespace."""
    doc = yaml.safe_load(Path(kubeconfig).read_text())
    for ctx in doc.get("contexts") or []:
        ctx["context"]["namespace"] = ns
    out.write_text(yaml.safe_dump(doc))
    return str(out)


async def real_then_emulated(realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path, ns: str,
                             session: Callable[[str], list[str]], *, record: bool = True,
                             check: Callable[[list[str]], None] = lambda _: None) -> tuple[list[str], list[str]]:
    """What `session(kubeconfig)` returned against the real apiserver (through `watchproxy record`, which also
    records the writes, unless `record` is False: a client without TLS needs it) and against a replay of an empty
    recording, each in a new namespace `ns`. `check` judges the real run before the replay's is run."""
    _, replay = rawhttp.reference_and_replay(realkube, watchproxy, tmp_path, ns)
    if record:
        async with RecordSession(tmp_path / "real.msgpack", kubeconfig=str(realkube.admin_kubeconfig),
                                 write_kubeconfig=tmp_path / "record.kc") as s:
            assert s.kubeconfig is not None
            real = await asyncio.to_thread(session, in_namespace(s.kubeconfig, ns, tmp_path / "real.kc"))
    else:
        real = await asyncio.to_thread(session, in_namespace(realkube.admin_kubeconfig, ns, tmp_path / "real.kc"))
    check(real)
    return real, await asyncio.to_thread(session, in_namespace(replay.kubeconfig, ns, tmp_path / "replay.kc"))
