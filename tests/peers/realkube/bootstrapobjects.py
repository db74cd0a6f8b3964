"""Write proxy/apiserver/bootstrap_objects.json: the objects kube-apiserver writes when it starts, beside its
namespaces (made in emulate/namespaces.py) — the RBAC policy (roles and bindings), the two system
PriorityClasses, API Priority and Fairness's FlowSchemas and PriorityLevelConfigurations, the aggregator's
local APIServices, the `kubernetes` Service, its ServiceCIDR and IPAddress — taken from a new
real apiserver of the release. A replay serves them where its recording holds none of their kind (a client
seldom lists them, but the cluster it came from had them), and authorizes by the RBAC ones (rbac.py).

What is each server's own is left out: uid, resourceVersion, creationTimestamp (a replay gives its own) and the
times in managedFields and conditions (a replay's start); their manager is `kube-apiserver`, as in a cluster
(the user agent of its own clients is its binary's name, which here is the peer's); the Service's addresses are
a cluster's (bootstrap.SERVICE_CIDR, SERVICE_IP, SECURE_PORT), not the test apiserver's. Aggregated ClusterRoles
are as that apiserver holds them: without rules (the controller manager's aggregation controller fills them;
rbac.py aggregates itself).

And proxy/wire/health_checks.json: the checks its `/healthz`, `/livez` and `/readyz` run (its post-start
hooks among them), which a replay lists when asked `?verbose`.

    .venv/bin/python tests/peers/realkube/bootstrapobjects.py     # (make realkube first)
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from watchproxy.apiserver.bootstrap import COLLECTIONS, FILE, SECURE_PORT, SERVICE_CIDR, SERVICE_IP, TIME
from watchproxy.wire import health

from tests import rawhttp
from tests.realkube import realkube

ROOT = Path(__file__).resolve().parents[3]
OUT = ROOT / "proxy" / "apiserver" / FILE
CHECKS_OUT = ROOT / "proxy" / "wire" / health.CHECKS_FILE


def _timeless(value: Any, key: str = "") -> Any:
    """The object without the times a replay gives it (TIME marks where one was)."""
    if isinstance(value, dict):
        return {k: _timeless(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_timeless(v) for v in value]
    return TIME if key in ("time", "lastTransitionTime") and isinstance(value, str) else value


def _as_a_clusters(item: dict[str, Any], port: int) -> dict[str, Any]:
    """The test apiserver's service range (realkube/main.go) and secure port where they appear, as a
    cluster's."""
    text = json.dumps(item).replace('"10.0.0.0/24"', f'"{SERVICE_CIDR}"').replace('"10.0.0.1"', f'"{SERVICE_IP}"')
    out: dict[str, Any] = json.loads(text)
    for p in (out.get("spec") or {}).get("ports") or []:
        if p.get("targetPort") == port:
            p["targetPort"] = SECURE_PORT
    return out


def _kept(item: dict[str, Any]) -> dict[str, Any]:
    meta = {k: v for k, v in item["metadata"].items() if k not in ("uid", "resourceVersion", "creationTimestamp")}
    for entry in meta.get("managedFields") or []:  # (its clients' user agent is its binary's name, this peer's)
        if entry.get("manager") == "realkube":
            entry["manager"] = "kube-apiserver"
    return _timeless({**item, "metadata": meta})


def main() -> None:
    objects: dict[str, list[dict[str, Any]]] = {}
    with tempfile.TemporaryDirectory() as tmp, realkube(Path(tmp) / "kube", 60) as kube:
        server = (kube.url, kube.token_file.read_text().strip())
        for path in COLLECTIONS:
            code, doc, _ = rawhttp.call(*server, "GET", path)
            assert code == 200, doc
            kind = doc["kind"].removesuffix("List")
            # (the test apiserver's own namespace for its admin token holds nothing of these)
            port = int(kube.url.rsplit(":", 1)[1])
            objects[path] = [_as_a_clusters(_kept({"kind": kind, "apiVersion": doc["apiVersion"], **item}), port)
                             for item in doc["items"]]
        checks = {}
        for endpoint in health.ENDPOINTS:
            code, doc, _ = rawhttp.call(*server, "GET", f"/{endpoint}?verbose")
            assert code == 200, doc
            checks[endpoint] = [line[3:].removesuffix(" ok") for line in doc["text"].splitlines()
                                if line.startswith("[+]")]
    CHECKS_OUT.write_text(json.dumps(checks, indent=1) + "\n")
    print(f"{CHECKS_OUT}: " + ", ".join(f"{len(v)} {k}" for k, v in checks.items()))
    OUT.write_text(json.dumps(objects, separators=(",", ":")) + "\n")
    print(f"{OUT}: " + ", ".join(f"{len(v)} {k.rsplit('/', 1)[1]}" for k, v in objects.items()))


if __name__ == "__main__":
    main()
