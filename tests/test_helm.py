"""Helm 4, the real CLI (tests/peers/helm builds it from Go modules), against a replay instead of a cluster: a
release installed, upgraded, rolled back and uninstalled, with helm's own reads between (history, status, values,
list). Helm keeps each release in a Secret of the namespace, gzipped and base64-encoded, and reads it back to
upgrade or roll back: a replay must keep a client's Secret data as written (recordings redact Secret values; a
replay's own writes are not a recording). What helm printed and what the release left are the same from an
emulated replay as from the real kube-apiserver, through `watchproxy record`."""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from watchproxy.testing import Replay

from tests.procs import PEERS, ROOT
from tests.realkube import RealKube
from tests.twosides import kubectl, real_then_emulated

HELM = PEERS / "helm"
CHART = ROOT / "tests" / "peers" / "helm" / "chart"
NS = "helm-release"
# what changes from run to run: helm's dates (its tables' and `LAST DEPLOYED`) and durations
_MASKS = [(re.compile(r"\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}"), "DATE"),
          (re.compile(r"\b\d+\.\d+\.\d+\.\d+\b"), "IP"), (re.compile(r"\b\d+[smhd]\b"), "AGE"),
          (re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?( ?[+-]\d{4} \w+|Z)?"), "DATE"),
          (re.compile(r"[ \t]+"), " ")]


def _masked(text: str) -> str:
    for pattern, replacement in _MASKS:
        text = pattern.sub(replacement, text)
    return text.strip()


def _summary(item: dict[str, Any]) -> str:
    """What the chart sets in each kind it installs."""
    if item["kind"] == "ConfigMap":
        return json.dumps(item.get("data"), sort_keys=True)
    if item["kind"] == "Deployment":
        return str(item["spec"]["template"]["spec"]["containers"][0]["image"])
    return json.dumps(item["spec"]["ports"], sort_keys=True)


def _status(release: dict[str, Any]) -> str:
    info = release.get("info", {})
    resources = sorted(f"{group}: {obj.get('metadata', {}).get('name')}"
                       for group, objs in (info.get("resources") or {}).items() for obj in objs or [])
    return "\n".join([f"{release.get('name')} {release.get('namespace')} version {release.get('version')} "
                      f"{info.get('status')} {info.get('description')!r}", *resources])


def helm_session(home: Path) -> Callable[[str], list[str]]:
    def session(kubeconfig: str) -> list[str]:
        side = home / Path(kubeconfig).stem
        env = {**os.environ, "HOME": str(side), "XDG_CACHE_HOME": str(side / "cache"),
               "XDG_CONFIG_HOME": str(side / "config"), "XDG_DATA_HOME": str(side / "data"), "KUBECONFIG": kubeconfig}
        lines: list[str] = []

        def helm(*args: str) -> None:
            done = subprocess.run([str(HELM), *args], env=env, capture_output=True, text=True, timeout=120)
            lines.append(f"HELM {' '.join(args[:2])} : {done.returncode}")
            out = done.stdout
            if "json" in args and done.returncode == 0:  # the status's parts a user reads (its resources in Go's
                out = _status(json.loads(out))            # map order, with each server's versions: their names)
            lines.extend(f"  {line}" for line in _masked(out + done.stderr).splitlines() if line.strip())

        def state() -> None:
            secrets = json.loads(kubectl(kubeconfig, "get", "secrets", "-o", "json"))["items"]
            for s in secrets:
                labels = s["metadata"].get("labels", {})
                lines.append(f"SECRET : {s['metadata']['name']} {s['type']} status={labels.get('status')} "
                             f"version={labels.get('version')} keys={sorted(s.get('data', {}))}")
            for item in json.loads(kubectl(kubeconfig, "get", "configmaps,deployments,services",
                                                  "--show-managed-fields", "-o", "json"))["items"]:
                meta = item["metadata"]
                what = _summary(item)
                lines.append(f"{item['kind'].upper()} : {meta['name']} generation {meta.get('generation')} {what} "
                             f"annotations {sorted(meta.get('annotations', {}))} managers "
                             f"{sorted((m['manager'], m['operation']) for m in meta.get('managedFields', []))}")

        helm("install", "web", str(CHART))
        helm("upgrade", "web", str(CHART), "--set", "image=nginx:1.27")
        helm("history", "web")
        state()
        helm("rollback", "web", "1")
        helm("status", "web", "-o", "json")
        helm("get", "values", "web", "--all")
        helm("list")
        state()
        helm("uninstall", "web")
        helm("status", "web")
        lines.extend(f"LEFT : {line}" for line in kubectl(kubeconfig, "get", "all,secrets,configmaps", "-o", "name")
                     .splitlines())
        return lines
    return session


async def test_a_helm_release_lives_as_on_the_real_apiserver(
        realkube: RealKube, tmp_path: Path, watchproxy: Callable[..., Replay]) -> None:
    if not HELM.exists():
        pytest.fail(f"{HELM} is missing: `make peers` builds it")

    def check(real: list[str]) -> None:
        assert [ln for ln in real if ln.startswith("HELM ")] == [
            "HELM install web : 0", "HELM upgrade web : 0", "HELM history web : 0", "HELM rollback web : 0",
            "HELM status web : 0", "HELM get values : 0", "HELM list : 0", "HELM uninstall web : 0",
            "HELM status web : 1"], real

    real, emulated = await real_then_emulated(realkube, watchproxy, tmp_path, NS, helm_session(tmp_path),
                                              check=check)
    assert emulated == real
