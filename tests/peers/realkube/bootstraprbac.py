"""Write proxy/apiserver/bootstrap_rbac.json: the RBAC policy a new cluster of the release holds (the roles
and bindings kube-apiserver writes at start), which a replay authorizes an impersonated client by where its
recording holds no object of the name (rbac.py). Taken from the real kube-apiserver the tests run:

    .venv/bin/python tests/peers/realkube/bootstraprbac.py     # (make realkube first)
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from tests import rawhttp
from tests.realkube import realkube

OUT = Path(__file__).resolve().parents[3] / "proxy" / "apiserver" / "bootstrap_rbac.json"
_RBAC = "/apis/rbac.authorization.k8s.io/v1/"
_AGGREGATING = "rbac.authorization.k8s.io/aggregate-to-"  # (the one kind of label aggregation selects by)


def _kept(item: dict[str, Any]) -> dict[str, Any]:
    """What authorization reads of a role or binding: its name and namespace, the labels aggregation selects
    by, its rules or aggregation rule, its role and subjects."""
    meta = item["metadata"]
    labels = {k: v for k, v in (meta.get("labels") or {}).items() if k.startswith(_AGGREGATING)}
    head = {"metadata": {k: v for k, v in (("name", meta["name"]), ("namespace", meta.get("namespace")),
                                           ("labels", labels)) if v}}
    return head | {k: item[k] for k in ("rules", "aggregationRule", "roleRef", "subjects") if item.get(k)}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp, realkube(Path(tmp) / "kube", 60) as kube:
        server = (kube.url, kube.token_file.read_text().strip())
        policy = {}
        for resource in ("clusterroles", "clusterrolebindings", "roles", "rolebindings"):
            code, doc, _ = rawhttp.call(*server, "GET", _RBAC + resource)
            assert code == 200, doc
            policy[resource] = [_kept(i) for i in doc["items"]]
    OUT.write_text(json.dumps(policy, separators=(",", ":"), sort_keys=True) + "\n")
    print(f"{OUT}: " + ", ".join(f"{len(v)} {k}" for k, v in policy.items()))


if __name__ == "__main__":
    main()
