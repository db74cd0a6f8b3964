"""CertificateSigningRequests as the apiserver reads, checks and keeps them: the request's PEM and signature
(apiserver/x509.py, signatures.py), the strategies of the main resource, /status and /approval and their
validation (apiserver/csr.py), as synchronous tables. The expected texts are the real kube-apiserver's
(tests/test_csr_realkube.py compares the two on the wire).

tests/data/csr holds requests made with `openssl req -new` (keys: RSA 2048 signed with SHA-256, with RSA-PSS,
with SHA-1 and with MD5; RSA 512; ECDSA P-224, P-256 (with DNS and IP alternative names; and one in the
organizations system:masters and dev), P-384 (SHA-384), P-521 (SHA-512) and secp256k1; Ed25519) and a
self-signed certificate (`openssl req -x509`); no private key.
"""

from __future__ import annotations

import base64
import dataclasses
from pathlib import Path
from typing import Any

import pytest
from watchproxy.apiserver import admission, csr, signatures, writes, x509
from watchproxy.apiserver.rbac import User

DATA = Path(__file__).parent / "data" / "csr"
INSECURE_RSA = "crypto/rsa: 512-bit keys are insecure (see https://go.dev/pkg/crypto/rsa#hdr-Minimum_key_size)"


def _pem(name: str) -> bytes:
    return (DATA / f"{name}.pem").read_bytes()


def _der(name: str) -> bytes:
    block, _ = x509.pem_decode(_pem(name))
    assert block is not None
    return block.data


def _armored(der: bytes, kind: bytes = b"CERTIFICATE REQUEST") -> bytes:
    return b"-----BEGIN " + kind + b"-----\n" + base64.encodebytes(der) + b"-----END " + kind + b"-----\n"


def _flipped(der: bytes, at: int) -> bytes:
    return der[:at] + bytes([der[at] ^ 1]) + der[at + 1:]


@pytest.mark.parametrize(("name", "refusal"), [
    ("request-rsa", None), ("request-pss", None), ("request-sha1", None), ("request-ec", None),
    ("request-ec384", None), ("request-p521", None), ("request-p224", None), ("request-ed", None),
    ("request-rsa512", INSECURE_RSA), ("request-md5", "x509: cannot verify signature: insecure algorithm MD5-RSA"),
    ("request-k1", "x509: unsupported elliptic curve"),
    ("certificate", x509.PEM_BLOCK_TYPE_ERROR),
])
def test_each_kind_of_request_is_checked_as_go_checks_it(name: str, refusal: str | None) -> None:
    assert x509.check_request(_pem(name)) == refusal


def test_every_curve_has_the_order_it_says() -> None:
    """A wrong constant would fail every signature on that curve; n·G is the identity only with the right ones."""
    for curve in signatures.CURVES.values():
        assert signatures.on_curve(curve, curve.gx, curve.gy)
        assert signatures._combined(curve, curve.n, 0, (curve.gx, curve.gy)) is None, curve.name


def _tampered() -> list[tuple[str, bytes, str | None]]:
    rsa, ec, ed = _der("request-rsa"), _der("request-ec"), _der("request-ed")
    tags = ("{optional:false explicit:false application:false private:false defaultValue:<nil> tag:<nil> "
            "stringType:0 timeType:0 set:false omitEmpty:false}")
    return [
        ("not DER", _armored(b"\x00\x01\x02"),
         f"asn1: structure error: tags don't match (16 vs {{class:0 tag:0 length:1 isCompound:false}}) {tags} "
         "certificateRequest @2"),
        ("cut short", _armored(rsa[:50]), "asn1: syntax error: data truncated"),
        ("trailing byte", _armored(rsa + b"\x00"), "asn1: syntax error: trailing data"),
        ("RSA signature changed", _armored(_flipped(rsa, len(rsa) - 5)), signatures.RSA_VERIFICATION),
        ("subject broken", _armored(_flipped(rsa, 30)), "asn1: syntax error: truncated sequence"),
        ("ECDSA signature changed", _armored(_flipped(ec, len(ec) - 3)), "x509: ECDSA verification failure"),
        ("Ed25519 signature changed", _armored(_flipped(ed, len(ed) - 3)), "x509: Ed25519 verification failure"),
        ("signed part changed", _armored(_flipped(ed, 20)), "x509: Ed25519 verification failure"),
        ("not PEM", b"hello", x509.PEM_BLOCK_TYPE_ERROR),
        ("empty", b"", x509.PEM_BLOCK_TYPE_ERROR),
        ("PEM headers", _armored(rsa).replace(b"-----\n", b"-----\nProc-Type: 4,ENCRYPTED\n\n", 1), None),
        ("junk before", b"hello\n" + _pem("request-rsa"), None),
        ("two requests", _pem("request-rsa") + _pem("request-ec"), None),
        ("bad base64", _armored(rsa).replace(b"M", b"!", 1), x509.PEM_BLOCK_TYPE_ERROR),
        ("end of another type", _armored(rsa).replace(b"END CERTIFICATE REQUEST", b"END CERTIFICATE"),
         x509.PEM_BLOCK_TYPE_ERROR),
    ]


@pytest.mark.parametrize(("case", "pem", "refusal"), _tampered(), ids=[c[0] for c in _tampered()])
def test_a_damaged_request_gets_gos_error(case: str, pem: bytes, refusal: str | None) -> None:
    assert x509.check_request(pem) == refusal


@pytest.mark.parametrize(("pem", "refusal"), [
    (b"", None),
    (b"junk", "must contain at least one CERTIFICATE PEM block"),
    (_armored(b"\x00", b"CERTIFICATE"), "x509: malformed certificate"),
    (_armored(b"", b"CERTIFICATE"), "found CERTIFICATE PEM block containing 0 certificates"),
    (_armored(b"\x30\x00", b"CERTIFICATE"), "x509: malformed tbs certificate"),
    (_armored(b"\x00", b"PRIVATE KEY"), 'only CERTIFICATE PEM blocks are allowed, found "PRIVATE KEY"'),
])
def test_a_signers_certificate_is_checked_for_its_framing(pem: bytes, refusal: str | None) -> None:
    assert x509.certificate_refusal(pem) == refusal
    good = (DATA / "certificate.pem").read_bytes()
    assert x509.certificate_refusal(good) is None and x509.certificate_refusal(good + good) is None


def _request(**spec: Any) -> dict[str, Any]:
    return {"apiVersion": "certificates.k8s.io/v1", "kind": "CertificateSigningRequest", "metadata": {"name": "r"},
            "spec": {"request": base64.b64encode(_pem("request-ec")).decode(),
                     "signerName": "example.com/signer", "usages": ["client auth"], **spec}}


SUPPORTED = ", ".join(f'"{u}"' for u in csr._USAGES)


@pytest.mark.parametrize(("spec", "causes"), [
    ({}, []),
    ({"usages": []}, [("spec.usages", "FieldValueRequired", "Required value")]),
    ({"usages": ["client auth", "bogus", "client auth"]},
     [("spec.usages[1]", "FieldValueNotSupported", f'Unsupported value: "bogus": supported values: {SUPPORTED}'),
      ("spec.usages[2]", "FieldValueDuplicate", 'Duplicate value: "client auth"')]),
    ({"signerName": ""}, [("spec.signerName", "FieldValueRequired", "Required value")]),
    ({"signerName": "kubernetes.io/legacy-unknown"},
     [("spec.signerName", "FieldValueInvalid",
       'Invalid value: "kubernetes.io/legacy-unknown": the legacy signerName is not allowed via this API version')]),
    ({"signerName": "example/x"},
     [("spec.signerName", "FieldValueInvalid",
       'Invalid value: "example": should be a domain with at least two segments separated by dots')]),
    ({"signerName": "a/b/c"},
     [("spec.signerName", "FieldValueInvalid", "Invalid value: \"a/b/c\": must be a fully qualified domain and path "
       "of the form 'example.com/signer-name'")]),
    ({"expirationSeconds": 599},
     [("spec.expirationSeconds", "FieldValueInvalid",
       "Invalid value: 599: may not specify a duration less than 600 seconds (10 minutes)")]),
    ({"request": None},
     [("spec.request", "FieldValueInvalid", "Invalid value: null: PEM block type must be CERTIFICATE REQUEST")]),
])
def test_a_requests_spec_is_validated_on_create(spec: dict[str, Any], causes: list[tuple[str, str, str]]) -> None:
    assert csr.causes(_request(**spec), None) == causes


def test_the_requestor_is_who_asked_and_a_new_request_has_no_status() -> None:
    obj = _request(username="mallory", groups=["g"], extra={"k": ["v"]}, uid="u")
    obj["status"] = {"conditions": [{"type": "Approved", "status": "True"}]}
    csr.requested(obj, User("alice", ("system:masters", "system:authenticated"), "a-1", (("scopes", ("x",)),)))
    assert {k: obj["spec"][k] for k in ("username", "uid", "groups", "extra")} == {
        "username": "alice", "uid": "a-1", "groups": ["system:masters", "system:authenticated"],
        "extra": {"scopes": ["x"]}}
    assert obj["status"] == {}


NOW, EARLIER = "2026-12-05T12:00:00Z", "2026-12-05T11:00:00Z"
APPROVED = {"type": "Approved", "status": "True", "reason": "R", "lastUpdateTime": EARLIER,
            "lastTransitionTime": EARLIER}


def _stored(conditions: list[dict[str, Any]], certificate: str = "") -> dict[str, Any]:
    obj = _request()
    obj["status"] = {"conditions": conditions, **({"certificate": certificate} if certificate else {})}
    return obj


def test_approval_takes_only_the_conditions_and_stamps_them() -> None:
    old = _stored([], "")
    sent = _stored([{"type": "Approved", "status": "True", "reason": "R"}], "Y2VydA==")
    sent["spec"]["usages"] = ["server auth"]
    new = csr.prepared("approval", sent, old, NOW)
    assert new["spec"] == old["spec"] and "certificate" not in new["status"]
    assert new["status"]["conditions"] == [{**APPROVED, "lastUpdateTime": NOW, "lastTransitionTime": NOW}]


def test_status_keeps_the_approval_as_it_was_and_a_transition_time_of_the_same_state() -> None:
    old = _stored([APPROVED, {"type": "Extra", "status": "True", "lastTransitionTime": EARLIER}])
    sent = _stored([{**APPROVED, "reason": "Changed"}, {"type": "Extra", "status": "True"},
                    {"type": "Extra2", "status": "False"}], "Y2VydA==")
    new = csr.prepared("status", sent, old, NOW)
    assert new["status"]["conditions"] == [
        APPROVED, {"type": "Extra", "status": "True", "lastUpdateTime": NOW, "lastTransitionTime": EARLIER},
        {"type": "Extra2", "status": "False", "lastUpdateTime": NOW, "lastTransitionTime": NOW}]
    assert new["status"]["certificate"] == "Y2VydA=="
    assert csr.prepared("", sent, old, NOW)["status"] == old["status"]


CERT = base64.b64encode((DATA / "certificate.pem").read_bytes()).decode()
UNION = ('Invalid value: "{conditions[{\\"type\\": \\"Approved\\"}], conditions[{\\"type\\": \\"Denied\\"}]}": '
         'must specify at most one of: `conditions[{"type": "Approved"}]`, `conditions[{"type": "Denied"}]`')


@pytest.mark.parametrize(("subresource", "old", "new", "causes"), [
    ("approval", [], [APPROVED], []),
    ("status", [], [APPROVED],
     [("status.conditions", "FieldValueForbidden", 'Forbidden: updates may not add a condition of type "Approved"')]),
    ("approval", [APPROVED], [{"type": "Denied", "status": "True"}],
     [("status.conditions", "FieldValueForbidden",
       'Forbidden: updates may not remove a condition of type "Approved"')]),
    ("approval", [], [{"type": "Approved", "status": "False"}, {"type": "Denied", "status": "True"},
                      {"type": "", "status": ""}, {"type": "X", "status": "Maybe"}],
     [("status.conditions[0].status", "FieldValueNotSupported", 'Unsupported value: "False": supported values: "True"'),
      ("status.conditions[2].type", "FieldValueRequired", "Required value"),
      ("status.conditions[2].status", "FieldValueRequired", "Required value"),
      ("status.conditions[3].status", "FieldValueNotSupported",
       'Unsupported value: "Maybe": supported values: "False", "True", "Unknown"'),
      ("status.conditions", "FieldValueInvalid", UNION)]),
    ("approval", [APPROVED, {"type": "Denied", "status": "True"}],  # stored so before: tolerated
     [APPROVED, {"type": "Denied", "status": "True"}, {"type": "Extra", "status": "True"}], []),
    ("approval", [], [APPROVED, APPROVED],
     [("status.conditions[1].type", "FieldValueDuplicate", 'Duplicate value: "Approved"')]),
])
def test_conditions_are_validated_by_subresource(subresource: str, old: list[dict[str, Any]],
                                                 new: list[dict[str, Any]], causes: list[tuple[str, str, str]]) -> None:
    assert csr.causes(_stored(new), _stored(old), subresource) == causes


@pytest.mark.parametrize(("subresource", "old", "new", "causes"), [
    ("status", "", CERT, []),
    ("", "", CERT,
     [("status.certificate", "FieldValueForbidden", "Forbidden: updates may not set certificate content")]),
    ("status", CERT, base64.b64encode(b"junk").decode(),
     [("status.certificate", "FieldValueInvalid",
       'Invalid value: "<certificate data>": must contain at least one CERTIFICATE PEM block'),
      ("status.certificate", "FieldValueForbidden",
       "Forbidden: updates may not modify existing certificate content")]),
    ("status", CERT, CERT, []),
])
def test_the_certificate_is_set_once_through_status(subresource: str, old: str, new: str,
                                                    causes: list[tuple[str, str, str]]) -> None:
    assert csr.causes(_stored([], new), _stored([], old), subresource) == causes


def test_a_requests_organizations_are_read_from_its_subject() -> None:
    assert x509.organizations(_pem("request-masters")) == ["system:masters", "dev"]
    assert x509.organizations(_pem("request-ed")) == []
    assert x509.organizations(_pem("certificate")) is None


API_CLIENT = "kubernetes.io/kube-apiserver-client"
TARGET = writes.Target("certificates.k8s.io", "v1", "certificatesigningrequests", "CertificateSigningRequest",
                       False, "", "r")


@pytest.mark.parametrize(("subresource", "verb", "old", "new", "granted", "refusal"), [
    ("", "create", None, _request(signerName=API_CLIENT, request=base64.b64encode(_pem("request-masters")).decode()),
     set(), "use of kubernetes.io/kube-apiserver-client signer with system:masters group is not allowed"),
    ("", "create", None, _request(request=base64.b64encode(_pem("request-masters")).decode()), set(), None),
    ("approval", "update", _stored([]), _stored([APPROVED]), set(),
     'user not permitted to approve requests with signerName "example.com/signer"'),
    ("approval", "update", _stored([]), _stored([APPROVED]), {("approve", "example.com/signer")}, None),
    ("status", "patch", _stored([]), _stored([], CERT), {("approve", "example.com/signer")},
     'user not permitted to sign requests with signerName "example.com/signer"'),
    ("status", "patch", _stored([]), _stored([]), set(), None),  # (nothing of the status changed)
    ("status", "patch", _stored([]), _stored([], CERT), {("sign", "example.com/signer")}, None),
])
def test_the_certificate_admission_plugins(subresource: str, verb: str, old: dict[str, Any] | None,
                                           new: dict[str, Any], granted: set[tuple[str, str]],
                                           refusal: str | None) -> None:
    t = dataclasses.replace(TARGET, subresource=subresource)
    out = admission.certificates_refusal(t, verb, old, new, lambda verb, signer: (verb, signer) in granted)
    assert (out.body["message"].split(" is forbidden: ")[1] if out is not None else None) == refusal
    assert out is None or (out.code, out.body["reason"]) == (403, "Forbidden")
