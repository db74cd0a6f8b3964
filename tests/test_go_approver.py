"""A CSR approver and signer under development against a replay (tests/peers/goclients `approver`: an
informer on one signer's CertificateSigningRequests through client-go, protobuf approvals and denials, a
certificate for each approved request). Against a replay of an empty cluster it decides and signs what it
decides and signs against the real kube-apiserver, its informer sees each write, and the requests end as the
real apiserver leaves them: conditions with their reason and times, a certificate the apiserver accepted."""

from __future__ import annotations

import base64
import json
import re
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from watchproxy.apiserver import x509
from watchproxy.testing import Replay

from tests import rawhttp
from tests.memory import RecordingBuilder
from tests.procs import ClientProcess
from tests.realkube import RealKube

CSRS = "/apis/certificates.k8s.io/v1/certificatesigningrequests"
REQUEST = base64.b64encode((Path(__file__).parent / "data" / "csr" / "request-ec.pem").read_bytes()).decode()


def _decide(goclients: Path, kubeconfig: str, server: rawhttp.Server, tag: str) -> tuple[list[str], list[Any]]:
    """Three requests for the peer's signer (two it approves), the peer run until it has decided all three and
    signed the two; its lines (resourceVersions masked) and the requests as they end."""
    signer, names = f"example.com/{tag}", [f"ok-{tag}-a", f"ok-{tag}-b", f"no-{tag}-c"]
    for name in names:
        body = {"apiVersion": "certificates.k8s.io/v1", "kind": "CertificateSigningRequest",
                "metadata": {"name": name}, "spec": {"request": REQUEST, "signerName": signer,
                                                     "usages": ["client auth"]}}
        code, doc, _ = rawhttp.call(*server, "POST", CSRS, json.dumps(body).encode())
        assert code == 201, doc
    approver = ClientProcess([str(goclients), "approver", "--kubeconfig", kubeconfig, "--signer", signer])
    try:
        done = {f"APPROVED : {names[0]}", f"APPROVED : {names[1]}", f"DENIED : {names[2]}", f"SIGNED : {names[0]}",
                f"SIGNED : {names[1]}"}
        approver.wait_for(lambda lines: done <= set(lines), what="three decided, two signed")
        # (and the informer has seen the last write: each request's certificate or denial came back to it)
        approver.wait_for(lambda lines: sum(ln.startswith("MODIFIED") for ln in lines) == 5, what="five writes seen")
    finally:
        assert approver.terminate() == 0, approver.stderr[-20:]
    ended = []
    for name in names:
        code, doc, _ = rawhttp.call(*server, "GET", f"{CSRS}/{name}")
        assert code == 200, doc
        status = doc.get("status", {})
        certificate = base64.b64decode(status.get("certificate", ""))
        ended.append({"name": name.replace(tag, "TAG"),
                      "conditions": [{k: c.get(k) for k in ("type", "status", "reason", "message")}
                                     | {"stamped": bool(c.get("lastUpdateTime") and c.get("lastTransitionTime"))}
                                     for c in status.get("conditions", [])],
                      "certificate": bool(certificate) and x509.certificate_refusal(certificate) is None})
    lines = [re.sub(r"^(FINAL : \S+) \S+$", r"\1", ln).replace(tag, "TAG") for ln in approver.lines]
    return lines, ended


def test_an_approver_decides_and_signs_as_against_the_real_apiserver(
        realkube: RealKube, goclients: Path, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    tag = uuid.uuid4().hex[:6]
    real_server = (realkube.url, realkube.token_file.read_text().strip())
    real_lines, real_csrs = _decide(goclients, str(realkube.admin_kubeconfig), real_server, tag)
    b = RecordingBuilder(tmp_path / "empty.msgpack")
    b.list(0.0, 100, [], path="/api/v1/namespaces/default/configmaps", kind="ConfigMapList")
    replay = watchproxy(b.write())
    lines, csrs = _decide(goclients, replay.kubeconfig, (replay.url, ""), tag)

    def verdict(kind: str) -> dict[str, Any]:
        return {"type": kind, "status": "True", "reason": "WatchproxyPeer", "message": "decided by name",
                "stamped": True}
    assert real_csrs == [{"name": "ok-TAG-a", "conditions": [verdict("Approved")], "certificate": True},
                         {"name": "ok-TAG-b", "conditions": [verdict("Approved")], "certificate": True},
                         {"name": "no-TAG-c", "conditions": [verdict("Denied")], "certificate": False}]
    assert csrs == real_csrs
    assert sorted(lines) == sorted(real_lines)  # (the informer's lines and the decisions may interleave)
    assert sorted(real_lines) == sorted(
        ["ADDED : ok-TAG-a", "ADDED : ok-TAG-b", "ADDED : no-TAG-c", "APPROVED : ok-TAG-a", "APPROVED : ok-TAG-b",
         "DENIED : no-TAG-c", "SIGNED : ok-TAG-a", "SIGNED : ok-TAG-b", *["MODIFIED : ok-TAG-a"] * 2,
         *["MODIFIED : ok-TAG-b"] * 2, "MODIFIED : no-TAG-c", "FINAL : no-TAG-c", "FINAL : ok-TAG-a",
         "FINAL : ok-TAG-b", "done"])
    approvals = [r for r in replay.requests("update") if r.path.endswith("/approval")]
    assert sorted(r.status for r in approvals) == [200, 200, 200]
