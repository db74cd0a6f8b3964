"""The certificates API written to the real kube-apiserver and to a replay gets the same answers.
CertificateSigningRequests: creates of requests of every key type and of damaged or invalid ones, then the
writes an approver and a signer make (/approval, /status, the main resource, a merge patch, a server-side
apply), and kubectl's `certificate approve|deny`; each answer compared whole but for what differs by nature
(uids, resourceVersions, times), the client impersonating one user on both servers, so the requestor the
spec records is the same. ClusterTrustBundles: bundles of CA certificates, of others, of damaged PEM, named
after their signer or not, and their updates."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from watchproxy.testing import Replay

from tests import random_writes, rawhttp, rbac_settle, test_podcertificates
from tests.memory import RecordingBuilder
from tests.procs import KUBECTL
from tests.realkube import RealKube
from tests.test_csr import DATA, _armored, _der, _flipped, _pem

PATH = "/apis/certificates.k8s.io/v1/certificatesigningrequests"
BUNDLES = "/apis/certificates.k8s.io/v1/clustertrustbundles"
API_CLIENT = "kubernetes.io/kube-apiserver-client"
AS = {"Impersonate-User": "alice", "Impersonate-Group": "system:masters", "User-Agent": "approver/1.0"}


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _csr(name: str, request: bytes | None, signer: str = "kubernetes.io/kube-apiserver-client",
         usages: tuple[str, ...] = ("client auth",), **more: Any) -> bytes:
    spec = {"signerName": signer, "usages": list(usages), **more}
    if request is not None:
        spec["request"] = _b64(request)
    return json.dumps({"apiVersion": "certificates.k8s.io/v1", "kind": "CertificateSigningRequest",
                       "metadata": {"name": name}, "spec": spec}).encode()


def _creates() -> list[tuple[str, bytes]]:
    rsa = _der("request-rsa")
    return [
        *((n, _csr(n, _pem(f"request-{n}"))) for n in ("rsa", "ec", "ed", "ec384", "p521", "p224", "pss", "sha1")),
        ("weak", _csr("weak", _pem("request-rsa512"))), ("md5", _csr("md5", _pem("request-md5"))),
        ("k1", _csr("k1", _pem("request-k1"))), ("empty", _csr("empty", b"")), ("none", _csr("none", None)),
        ("certificate", _csr("certificate", (DATA / "certificate.pem").read_bytes())),
        ("garbage", _csr("garbage", _armored(b"\x00\x01\x02"))), ("short", _csr("short", _armored(rsa[:50]))),
        ("trailing", _csr("trailing", _armored(rsa + b"\x00"))),
        ("sigflip", _csr("sigflip", _armored(_flipped(rsa, len(rsa) - 5)))),
        ("subjectflip", _csr("subjectflip", _armored(_flipped(rsa, 30)))),
        ("usages", _csr("usages", _pem("request-rsa"), usages=("client auth", "bogus", "client auth"))),
        ("nousages", _csr("nousages", _pem("request-rsa"), usages=())),
        ("legacy", _csr("legacy", _pem("request-rsa"), signer="kubernetes.io/legacy-unknown")),
        ("signer1", _csr("signer1", _pem("request-rsa"), signer="Ex_ample/x/y")),
        ("signer2", _csr("signer2", _pem("request-rsa"), signer="ex_ample.com/Bad_Name")),
        ("expiry", _csr("expiry", _pem("request-rsa"), expirationSeconds=60)),
        ("expiry-ok", _csr("expiry-ok", _pem("request-ec"), expirationSeconds=3600)),
        ("Upper_Name", _csr("Upper_Name", _pem("request-rsa"))),
        ("claims", json.dumps({  # who it claims to be and an approval it gives itself: both dropped
            "apiVersion": "certificates.k8s.io/v1", "kind": "CertificateSigningRequest",
            "metadata": {"name": "claims", "labels": {"a": "b"}},
            "spec": {"request": _b64(_pem("request-rsa")), "signerName": "example.com/x",
                     "usages": ["digital signature"], "username": "mallory", "groups": ["g"], "extra": {"k": ["v"]}},
            "status": {"conditions": [{"type": "Approved", "status": "True"}],
                       "certificate": _b64((DATA / "certificate.pem").read_bytes())}}).encode()),
    ]


CERT = _b64((DATA / "certificate.pem").read_bytes())
APPROVED = {"type": "Approved", "status": "True", "reason": "R"}
# (subresource, the status sent, labels sent, spec changes sent), in order, to one request
_UPDATES: list[tuple[str, dict[str, Any] | None, dict[str, str] | None, dict[str, Any] | None]] = [
    ("", None, {"x": "y"}, {"usages": ["server auth"], "username": "eve"}),
    ("/status", {"certificate": CERT}, None, None),
    ("/approval", {"conditions": [APPROVED]}, {"x": "z"}, {"signerName": "a.b/c"}),
    ("/status", {"certificate": CERT, "conditions": [APPROVED]}, None, None),
    ("/status", {"certificate": _b64(b"junk")}, None, None),
    ("/status", {"certificate": _b64(_armored(b"\x00", b"CERTIFICATE"))}, None, None),
    ("/approval", {"conditions": [{"type": "Denied", "status": "True"}]}, None, None),
    ("/approval", {"conditions": [{"type": "Approved", "status": "False"}, {"type": "Denied", "status": "True"},
                                  {"type": "", "status": ""}, {"type": "X", "status": "Maybe"}]}, None, None),
    ("", {"conditions": []}, None, None),
    ("/status", {"conditions": [{"type": "Failed", "status": "True", "reason": "F"}]}, None, None),
    ("/approval", {"conditions": [{**APPROVED, "reason": "R2"}, {"type": "Extra", "status": "Unknown"}]}, None, None),
    ("/status", {"conditions": [{**APPROVED, "reason": "R3"}, {"type": "Extra", "status": "Unknown"},
                                {"type": "Extra2", "status": "False"}]}, None, None),
]


def _summary(answer: tuple[int, Any, list[str]]) -> Any:
    """An answer but for what differs by nature; the request itself left out (it is what was sent)."""
    code, doc, warnings = answer
    if not isinstance(doc, dict) or doc.get("kind") == "Status":
        return code, doc.get("message") if isinstance(doc, dict) else doc, doc.get("details") if isinstance(
            doc, dict) else None
    meta = doc.get("metadata", {})
    managers = random_writes.managed_fields(doc)[0]  # (in an order of their own: a second may fall between two)
    status = json.loads(re.sub(r'"last(Update|Transition)Time": "[^"]*"', r'"last\1Time": "T"',
                               json.dumps(doc.get("status"))))
    return code, {k: v for k, v in (doc.get("spec") or {}).items() if k != "request"}, status, managers, \
        meta.get("labels"), warnings


def _updated(server: rawhttp.Server, subresource: str, status: dict[str, Any] | None, labels: dict[str, str] | None,
             spec: dict[str, Any] | None) -> tuple[int, Any, list[str]]:
    """A PUT of the stored request with these changes, unconditional (as a controller's retry sends it)."""
    code, doc, _ = rawhttp.call(*server, "GET", f"{PATH}/signed", headers=AS)
    assert code == 200, doc
    if status is not None:
        doc["status"] = status
    doc["spec"].update(spec or {})
    doc["metadata"].update({"labels": labels} if labels else {})
    del doc["metadata"]["resourceVersion"]
    return rawhttp.call(*server, "PUT", f"{PATH}/signed{subresource}", json.dumps(doc).encode(), headers=AS)


def _answers(server: rawhttp.Server) -> list[Any]:
    out = [_summary(rawhttp.call(*server, "POST", PATH, body, headers=AS)) for _, body in _creates()]
    out.append(_summary(rawhttp.call(*server, "POST", PATH, _csr("signed", _pem("request-rsa")), headers=AS)))
    out += [_summary(_updated(server, *update)) for update in _UPDATES]
    patch = {"status": {"conditions": [{**APPROVED, "reason": "P"}]}}
    out.append(_summary(rawhttp.call(*server, "PATCH", f"{PATH}/signed/approval", json.dumps(patch).encode(),
                                     "application/merge-patch+json", headers=AS)))
    applied = {"apiVersion": "certificates.k8s.io/v1", "kind": "CertificateSigningRequest",
               "metadata": {"name": "signed"},
               "status": {"conditions": [{**APPROVED, "reason": "P"}, {"type": "Mine", "status": "True"}]}}
    out.append(_summary(rawhttp.call(*server, "PATCH", f"{PATH}/signed/status?fieldManager=applier",
                                     json.dumps(applied).encode(), "application/apply-patch+yaml", headers=AS)))
    out.append(_summary(rawhttp.call(*server, "PUT", "/api/v1/namespaces/default/configmaps/x/approval", b"{}",
                                     headers=AS)))
    return out


def test_certificate_signing_requests_get_the_real_apiservers_answers(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    real_server, replay = rawhttp.real_and_replay(realkube, watchproxy, tmp_path, "csr")
    real, emulated = _answers(real_server), _answers(replay)
    steps = [name for name, _ in _creates()] + ["create signed"] + [f"PUT {u[0]} {u[1]}" for u in _UPDATES] + [
        "merge patch /approval", "apply /status", "PUT a configmap's /approval"]
    assert [(s, r, e) for s, r, e in zip(steps, real, emulated, strict=True) if r != e] == []
    codes = [answer[0] for answer in real]
    assert codes[:8] == [201] * 8 and codes.count(422) >= 20 and codes[-1] == 404, codes


def test_a_condition_sent_again_without_its_times_passes_them_to_its_writer(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """The field manager compares the conditions as sent, before the strategy stamps them: times left out are
    null there (a zero metav1.Time), so each approver who sends a condition again takes its times over from the
    one before, who keeps the rest (measured: the managers differed from the third write on)."""
    servers = rawhttp.real_and_replay(realkube, watchproxy, tmp_path, "csr-managers")
    applied = {"apiVersion": "certificates.k8s.io/v1", "kind": "CertificateSigningRequest",
               "metadata": {"name": "managed", "labels": {"m": "1"}}}  # (an apply: managers tracked from then on)
    writes = [("POST", "", _csr("managed", _pem("request-ec")), "application/json", "creator"),
              ("PATCH", "?fieldManager=applier", json.dumps(applied).encode(), "application/apply-patch+yaml", "x")]
    for who, conditions in (("first", [APPROVED]), ("second", [APPROVED]),
                            ("third", [APPROVED, {"type": "Extra", "status": "True"}]),
                            ("fourth", [APPROVED, {"type": "Extra", "status": "True"}])):
        writes.append(("PATCH", "/approval", json.dumps({"status": {"conditions": conditions}}).encode(),
                       "application/merge-patch+json", who))
    answers = [[_summary(rawhttp.call(*server, method, f"{PATH}{'/managed' if method == 'PATCH' else ''}{where}",
                                      body, content_type, headers={**AS, "User-Agent": f"{who}/1.0"}))
                for method, where, body, content_type, who in writes] for server in servers]
    assert answers[0] == answers[1]
    managers = {m["manager"]: m["fieldsV1"] for m in answers[0][-1][3]}
    assert sorted(managers) == ["applier", "first", "fourth", "third"]
    assert managers["first"]["f:status"]["f:conditions"]['k:{"type":"Approved"}'] == {
        ".": {}, "f:reason": {}, "f:status": {}, "f:type": {}}


def test_the_certificate_admission_plugins_refuse_as_the_real_apiserver_does(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """CertificateSubjectRestriction (no request to the kube-apiserver's client signer in the name of
    system:masters), CertificateApproval, CertificateSigning and ClusterTrustBundleAttest: a service account
    that may write requests, their subresources and trust bundles but not `approve`, `sign` or `attest` for
    their signer is refused each, then allowed by a role on `signers` (the domain's wildcard for approve and
    attest, the signer's own name for sign)."""
    ns = "csr-admission"
    rbac = "/apis/rbac.authorization.k8s.io/v1"
    account = {**AS, "Impersonate-User": f"system:serviceaccount:{ns}:approver"}
    account.pop("Impersonate-Group")
    signer = f"example.com/{ns}"

    def binding(name: str) -> bytes:
        return json.dumps({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
                           "metadata": {"name": name}, "subjects": [
                               {"kind": "ServiceAccount", "name": "approver", "namespace": ns}],
                           "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole",
                                       "name": name}}).encode()

    def role(name: str, rules: list[dict[str, Any]]) -> bytes:
        return json.dumps({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
                           "metadata": {"name": name}, "rules": rules}).encode()
    writer = role(f"{ns}-writer", [{"apiGroups": ["certificates.k8s.io"], "verbs": ["get", "update", "patch"],
                                    "resources": ["certificatesigningrequests", "certificatesigningrequests/approval",
                                                  "certificatesigningrequests/status"]},
                                   {"apiGroups": ["certificates.k8s.io"], "verbs": ["create"],
                                    "resources": ["clustertrustbundles"]}])
    signing = role(f"{ns}-signing", [
        {"apiGroups": ["certificates.k8s.io"], "resources": ["signers"], "resourceNames": ["example.com/*"],
         "verbs": ["approve", "attest"]},
        {"apiGroups": ["certificates.k8s.io"], "resources": ["signers"], "resourceNames": [signer], "verbs": ["sign"]}])
    approve = json.dumps({"status": {"conditions": [APPROVED]}}).encode()
    sign = json.dumps({"status": {"certificate": CERT}}).encode()
    label = json.dumps({"metadata": {"labels": {"a": "b"}}}).encode()
    merge = "application/merge-patch+json"
    anchor = (DATA / "certificate.pem").read_text()

    def bundle(name: str, signer: str | None) -> bytes:
        return _bundle(name, anchor, signer)

    def answers(server: rawhttp.Server, probe: rbac_settle.AuthorizerProbe | None) -> list[Any]:
        def call(method: str, path: str, body: bytes, content_type: str = "application/json",
                 headers: dict[str, str] | None = None) -> Any:
            return _summary(rawhttp.call(*server, method, path, body, content_type, headers=headers or AS))
        out = [call("POST", PATH, _csr(f"{ns}-m1", _pem("request-masters"), API_CLIENT)),
               call("POST", f"{PATH}?dryRun=All", _csr(f"{ns}-m2", _pem("request-masters"), API_CLIENT)),
               call("POST", PATH, _csr(f"{ns}-m3", _pem("request-masters"), signer)),
               call("POST", PATH, _csr(f"{ns}-r", _pem("request-rsa"), signer)),
               call("POST", f"{rbac}/clusterroles", writer), call("POST", f"{rbac}/clusterrolebindings",
                                                                  binding(f"{ns}-writer"))]
        if probe is not None:
            probe.settle("clusterroles", "clusterrolebindings")
        out += [call("PATCH", f"{PATH}/{ns}-r/approval", approve, merge, account),
                call("PATCH", f"{PATH}/{ns}-r/status", sign, merge, account),
                call("PATCH", f"{PATH}/{ns}-r/status", label, merge, account),
                call("POST", BUNDLES, bundle(f"example.com:{ns}:a", signer), headers=account),
                call("POST", BUNDLES, bundle(f"{ns}-plain", None), headers=account),
                call("POST", f"{rbac}/clusterroles", signing),
                call("POST", f"{rbac}/clusterrolebindings", binding(f"{ns}-signing"))]
        if probe is not None:
            probe.settle("clusterroles", "clusterrolebindings")
        return [*out, call("PATCH", f"{PATH}/{ns}-r/approval", approve, merge, account),
                call("PATCH", f"{PATH}/{ns}-r/status", sign, merge, account),
                call("POST", BUNDLES, bundle(f"example.com:{ns}:a", signer), headers=account)]
    real_server, replay = rawhttp.real_and_replay(realkube, watchproxy, tmp_path, ns)
    real = answers(real_server, rbac_settle.AuthorizerProbe(real_server, ns))
    emulated = answers(replay, None)
    assert [(i, r, e) for i, (r, e) in enumerate(zip(real, emulated, strict=True)) if r != e] == []
    assert [answer[0] for answer in real] == [403, 403, 201, 201, 201, 201, 403, 403, 200, 403, 201, 201, 201, 200,
                                              200, 201]


@pytest.mark.skipif(not KUBECTL.exists(), reason="kubectl is installed by `make clients`")
def test_kubectl_certificate_approve_and_deny_get_the_real_apiservers_answers(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    empty = RecordingBuilder(tmp_path / "empty.msgpack")
    empty.list(0.0, 100, [], path="/api/v1/namespaces/default/configmaps", kind="ConfigMapList")
    replay = watchproxy(empty.write())
    manifest = "".join(f"---\n{json.dumps(json.loads(_csr(n, _pem(f'request-{n}'))))}\n" for n in ("ec384", "ed"))
    renamed = manifest.replace('"ec384"', '"k-approved"').replace('"ed"', '"k-denied"')
    script = [(["create", "-f", "-"], renamed), (["certificate", "approve", "k-approved"], ""),
              (["certificate", "deny", "k-denied"], ""), (["certificate", "approve", "k-denied"], ""),
              (["certificate", "approve", "k-approved"], ""), (["certificate", "deny", "nope"], ""),
              (["get", "csr", "k-approved", "k-denied"], ""), (["describe", "csr", "k-approved"], ""),
              (["get", "csr", "k-denied", "-o", "jsonpath={.spec.username} {.status.conditions[*].reason}"], "")]

    def run(kubeconfig: str) -> list[tuple[int, str, str]]:
        out = []
        for args, stdin in script:
            p = subprocess.run([str(KUBECTL), "--kubeconfig", kubeconfig, "--as", "alice", "--as-group",
                                "system:masters", *args], input=stdin, capture_output=True, text=True, timeout=60)
            masked = [re.sub(r"\b\d+s\b", "AGE", re.sub(r"CreationTimestamp:.*", "", t)) for t in (p.stdout, p.stderr)]
            out.append((p.returncode, *masked))
        return out
    real, emulated = run(str(realkube.admin_kubeconfig)), run(replay.kubeconfig)
    assert [code for code, _, _ in real] == [0, 0, 0, 1, 0, 1, 0, 0, 0], real
    assert "Approved" in real[6][1] and "Denied" in real[6][1]
    assert [(script[i][0], r, e) for i, (r, e) in enumerate(zip(real, emulated, strict=True)) if r != e] == []


def _bundle(name: str, bundle: str, signer: str | None = None, labels: dict[str, str] | None = None) -> bytes:
    spec = {"trustBundle": bundle, **({"signerName": signer} if signer is not None else {})}
    return json.dumps({"apiVersion": "certificates.k8s.io/v1", "kind": "ClusterTrustBundle",
                       "metadata": {"name": name, **({"labels": labels} if labels else {})}, "spec": spec}).encode()


def test_cluster_trust_bundles_get_the_real_apiservers_answers(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    ca, leaf, v1 = ((DATA / f"{n}.pem").read_text() for n in ("certificate", "certificate-leaf", "certificate-v1"))
    creates = [
        _bundle("tb-ca", ca), _bundle("tb-twice", ca + "\n" + ca), _bundle("tb-leaf", leaf), _bundle("tb-v1", v1),
        _bundle("tb-mixed", ca + leaf + v1 + ca), _bundle("tb-junk", "junk"), _bundle("tb-empty", ""),
        _bundle("tb-request", _pem("request-rsa").decode()),
        _bundle("tb-headers", ca.replace("-----\n", "-----\nA: b\n\n", 1)),
        _bundle("tb-der", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
        _bundle("example.com:tb:one", ca, "example.com/tb"), _bundle("tb-one", ca, "example.com/tb"),
        _bundle("x:y:z", ca, "x/y"), _bundle("tb:colon", ca), _bundle("Tb-Upper", ca),
        _bundle("example.com:tb:Bad_", ca, "example.com/tb"), _bundle("tb:label", ca, labels={"bad key!": "x"}),
        _bundle("tb-big", "x" * ((1 << 20) + 1))]
    updates = [lambda d: d["spec"].update(signerName="example.com/other"),
               lambda d: d["spec"].update(trustBundle="junk"), lambda d: d["metadata"].update(labels={"a": "b"}),
               lambda d: d["metadata"].pop("resourceVersion")]

    def answers(server: rawhttp.Server) -> list[Any]:
        out = [_summary(rawhttp.call(*server, "POST", BUNDLES, body)) for body in creates]
        for change in updates:
            code, doc, _ = rawhttp.call(*server, "GET", f"{BUNDLES}/example.com:tb:one")
            assert code == 200, doc
            change(doc)
            put = rawhttp.call(*server, "PUT", f"{BUNDLES}/example.com:tb:one", json.dumps(doc).encode())
            out.append(_summary(put))
        return out
    real_server, replay = rawhttp.real_and_replay(realkube, watchproxy, tmp_path, "bundles")
    real, emulated = answers(real_server), answers(replay)
    assert [(i, r, e) for i, (r, e) in enumerate(zip(real, emulated, strict=True)) if r != e] == []
    assert [answer[0] for answer in real] == [201] + [422] * 9 + [201] + [422] * 7 + [422, 422, 200, 422]


def test_pod_certificate_requests_get_the_real_apiservers_answers(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """Creates of every kind of stub request and field, an update of the spec, and a signer's /status writes:
    bad conditions, a denial, an issue with each fault of its chain and times, the issue, a change after it, and
    a service account that may write the status but not sign for the signer. The replay's clock is set to the
    test's start, as the real apiserver's is now: an issue is checked against it."""
    ns = "pcr"
    pcrs = f"/apis/certificates.k8s.io/v1/namespaces/{ns}/podcertificaterequests"
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    key = test_podcertificates.stub_key()

    def create(name: str, **spec: Any) -> tuple[str, str, bytes]:
        body = test_podcertificates.request(**spec)
        return "POST", pcrs, json.dumps({**body, "metadata": {"name": name}}).encode()

    def issue(name: str, start: dt.datetime = now, hours: int = 24, refresh: int = 12 * 60, **more: Any
              ) -> tuple[str, str, bytes]:
        status = {"conditions": [{**test_podcertificates.ISSUED, "lastTransitionTime": f"{now:%Y-%m-%dT%H:%M:%SZ}"}],
                  "certificateChain": test_podcertificates.leaf(key, start, start + dt.timedelta(hours=hours)),
                  "notBefore": f"{start:%Y-%m-%dT%H:%M:%SZ}",
                  "notAfter": f"{start + dt.timedelta(hours=hours):%Y-%m-%dT%H:%M:%SZ}",
                  "beginRefreshAt": f"{start + dt.timedelta(minutes=refresh):%Y-%m-%dT%H:%M:%SZ}", **more}
        return "PATCH", f"{pcrs}/{name}/status", json.dumps({"status": status}).encode()

    der = base64.b64encode(_der("request-ec")).decode()
    writes: list[tuple[str, str, bytes]] = [
        create("ed"), create("ec", stubPKCS10Request=der), create("pem", stubPKCS10Request=_b64(_pem("request-ec"))),
        create("rsa", stubPKCS10Request=base64.b64encode(_der("request-rsa")).decode()),
        create("k1", stubPKCS10Request=base64.b64encode(_der("request-k1")).decode()),
        create("none", stubPKCS10Request=None), create("nomax", maxExpirationSeconds=None),
        create("Bad_Name", signerName="x", podName="Bad_", podUID="", serviceAccountName="", nodeUID="u" * 129),
        create("kmax", signerName="kubernetes.io/x", maxExpirationSeconds=99999),
        create("notes", unverifiedUserAnnotations={"a": "b"}),
        ("PATCH", f"{pcrs}/ed", b'{"spec":{"podName":"q"}}'),
        ("PATCH", f"{pcrs}/ed", b'{"metadata":{"labels":{"a":"b"}}}'),
        ("PATCH", f"{pcrs}/ed/status", b'{"status":{"conditions":[{"type":"Other","status":"Maybe"}]}}'),
        ("PATCH", f"{pcrs}/ec/status", json.dumps({"status": {"certificateChain": "x", "conditions": [
            {**test_podcertificates.ISSUED, "type": "Denied"}]}}).encode()),
        issue("ed", start=now - dt.timedelta(minutes=6)), issue("ed", hours=25), issue("ed", refresh=5),
        issue("ed", notAfter=None), issue("ed", certificateChain="junk"), issue("ed"),
        ("PATCH", f"{pcrs}/ed/status", b'{"status":{"conditions":[{"type":"Issued","status":"True","reason":"Again",'
                                       b'"lastTransitionTime":"2026-12-05T00:00:00Z"}]}}'),
        ("PATCH", f"{pcrs}/ec/status", json.dumps({"status": {"conditions": [
            {**test_podcertificates.ISSUED, "type": "Denied"}]}}).encode()),
    ]
    account = {"Impersonate-User": f"system:serviceaccount:{ns}:signer"}
    role = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": f"{ns}-status"},
            "rules": [{"apiGroups": ["certificates.k8s.io"], "verbs": ["patch"],
                       "resources": ["podcertificaterequests/status"]}]}
    binding = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
               "metadata": {"name": f"{ns}-status"}, "subjects": [
                   {"kind": "ServiceAccount", "name": "signer", "namespace": ns}],
               "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": f"{ns}-status"}}

    def answers(server: rawhttp.Server, probe: rbac_settle.AuthorizerProbe | None) -> list[Any]:
        out = []
        for method, path, body in writes:
            content_type = "application/json" if method == "POST" else "application/merge-patch+json"
            code, doc, _ = rawhttp.call(*server, method, path, body, content_type)
            out.append((code, doc.get("message") if code >= 400 else doc.get("status")))
        for path, body in (("clusterroles", role), ("clusterrolebindings", binding)):
            rawhttp.call(*server, "POST", f"/apis/rbac.authorization.k8s.io/v1/{path}", json.dumps(body).encode())
        if probe is not None:
            probe.settle("clusterroles", "clusterrolebindings")
        rawhttp.call(*server, *create("signed"))
        code, doc, _ = rawhttp.call(*server, "PATCH", f"{pcrs}/signed/status", json.dumps({"status": {"conditions": [
            {**test_podcertificates.ISSUED, "type": "Failed"}]}}).encode(), "application/merge-patch+json",
            headers=account)
        return [*out, (code, doc.get("message"))]
    real_server = (realkube.url, realkube.token_file.read_text().strip())
    code, doc, _ = rawhttp.call(*real_server, "POST", "/api/v1/namespaces",
                                json.dumps({"metadata": {"name": ns}}).encode())
    assert code == 201, doc
    recording = RecordingBuilder(tmp_path / "now.msgpack", started_at=f"{now:%Y-%m-%dT%H:%M:%SZ}")
    recording.list(0.0, 100, [], path=f"/api/v1/namespaces/{ns}/configmaps", kind="ConfigMapList")
    replay = watchproxy(recording.write())
    real = answers(real_server, rbac_settle.AuthorizerProbe(real_server, ns))
    emulated = answers((replay.url, ""), None)
    assert [(i, r, e) for i, (r, e) in enumerate(zip(real, emulated, strict=True)) if r != e] == []
    assert [code for code, _ in real] == [201, 201, 422, 422, 422, 422, 201, 422, 422, 422,  # creates
                                          422, 200, 422, 422,  # the spec, a label, bad conditions, a denial with more
                                          422, 422, 422, 422, 422, 200, 422,  # faulty issues, the issue, a change after
                                          200, 422]  # a denial; a service account that may not sign
