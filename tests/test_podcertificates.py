"""PodCertificateRequests as the apiserver validates them (apiserver/podcertificates.py), as synchronous tables:
a create's fields and stub request, the immutable spec, and a signer's /status writes (the conditions, a
denial, an issued chain for the requested key and its times against the apiserver's clock). The texts are the
real kube-apiserver's (tests/test_certificates_realkube.py compares the two on the wire).

The certificates a signer would issue are built here, DER by hand: the apiserver reads a chain's certificates
but never checks their signatures, so a leaf needs the request's key and the right times, not a CA."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

import pytest
from watchproxy.apiserver import podcertificates, x509

from tests.test_csr import _der, _flipped

UID = "6e5a1c52-0000-4000-8000-000000000001"
ED25519 = b"\x06\x03\x2b\x65\x70"  # the OID 1.3.101.112


def _tlv(tag: int, body: bytes) -> bytes:
    size = len(body)
    head = bytes([size]) if size < 0x80 else bytes([0x80 | (size.bit_length() + 7) // 8]) + size.to_bytes(
        (size.bit_length() + 7) // 8, "big")
    return bytes([tag]) + head + body


def _seq(*parts: bytes) -> bytes:
    return _tlv(0x30, b"".join(parts))


def _utc(when: dt.datetime) -> bytes:
    return _tlv(0x17, when.strftime("%y%m%d%H%M%SZ").encode())


def leaf(key: bytes, not_before: dt.datetime, not_after: dt.datetime, names: tuple[str, ...] = ()) -> str:
    """A PEM certificate for an Ed25519 key, with these times and DNS names, its signature zeros."""
    algorithm = _seq(ED25519)
    name = _seq(_tlv(0x31, _seq(b"\x06\x03\x55\x04\x03", _tlv(0x0C, b"pod"))))
    spki = _seq(algorithm, _tlv(0x03, b"\x00" + key))
    extensions = _tlv(0xA3, _seq(_seq(b"\x06\x03\x55\x1d\x11", _tlv(0x04, _seq(*(
        _tlv(0x82, n.encode()) for n in names)))))) if names else b""
    tbs = _seq(_tlv(0xA0, b"\x02\x01\x02"), b"\x02\x01\x01", algorithm, name, _seq(_utc(not_before), _utc(not_after)),
               name, spki, extensions)
    der = _seq(tbs, algorithm, _tlv(0x03, b"\x00" + bytes(64)))
    return "-----BEGIN CERTIFICATE-----\n" + base64.encodebytes(der).decode() + "-----END CERTIFICATE-----\n"


def stub_key(name: str = "request-ed") -> bytes:
    """The Ed25519 key of a request in tests/data/csr."""
    _, key = x509.parsed_request(_der(name))
    assert isinstance(key, bytes)
    return key


def request(**spec: Any) -> dict[str, Any]:
    base = {"signerName": "example.com/s", "podName": "p", "podUID": UID, "serviceAccountName": "default",
            "serviceAccountUID": "sa", "nodeName": "n1", "nodeUID": "nu", "maxExpirationSeconds": 86400,
            "stubPKCS10Request": base64.b64encode(_der("request-ed")).decode()}
    return {"apiVersion": "certificates.k8s.io/v1", "kind": "PodCertificateRequest", "metadata": {"name": "r"},
            "spec": {k: v for k, v in {**base, **spec}.items() if v is not None}}


def _stub(name: str) -> str:
    return base64.b64encode(_der(name)).decode()


@pytest.mark.parametrize(("spec", "causes"), [
    ({}, []),
    ({"stubPKCS10Request": _stub("request-ec")}, []),
    ({"stubPKCS10Request": base64.b64encode(b"junk").decode()},
     [("spec.stubPKCS10Request", "FieldValueInvalid", "Invalid value: must be a valid PKCS#10 CSR")]),
    ({"stubPKCS10Request": _stub("request-rsa")}, [("spec.stubPKCS10Request", "FieldValueInvalid",
                                                    'Invalid value: "2048-bit modulus": RSA keys must have modulus '
                                                    "size 3072 or 4096")]),
    ({"stubPKCS10Request": _stub("request-p224")}, [("spec.stubPKCS10Request", "FieldValueInvalid",
                                                     'Invalid value: "curve P-224": elliptic public keys must use '
                                                     "curve P256, P384, or P521")]),
    ({"stubPKCS10Request": base64.b64encode(_flipped(_der("request-ed"), len(_der("request-ed")) - 3)).decode()},
     [("spec.stubPKCS10Request", "FieldValueInvalid", "Invalid value: invalid signature")]),
    ({"stubPKCS10Request": None}, [("spec", "FieldValueInvalid", "Invalid value: exactly one of (stubPKCS10Request) "
                                                                 "or (pkixPublicKey, proofOfPossession) must be set")]),
    ({"maxExpirationSeconds": None},
     [("spec.maxExpirationSeconds", "FieldValueRequired", "Required value: must be set")]),
    ({"signerName": "kubernetes.io/x", "maxExpirationSeconds": 86401},
     [("spec.maxExpirationSeconds", "FieldValueInvalid", "Invalid value: 86401: must be in the range [3600, 86400]")]),
    ({"podUID": "", "nodeUID": "u" * 129},
     [("spec.podUID", "FieldValueInvalid", 'Invalid value: "": must not be empty'),
      ("spec.nodeUID", "FieldValueTooLong", "Too long: may not be more than 128 bytes")]),
    ({"unverifiedUserAnnotations": {"a": "b"}},
     [("spec.unverifiedUserAnnotations", "FieldValueInvalid",
       'Invalid value: "a": must be a domain-prefixed key (such as "acme.io/foo")')]),
])
def test_a_request_is_validated_on_create(spec: dict[str, Any], causes: list[tuple[str, str, str]]) -> None:
    assert podcertificates.causes(request(**spec)) == causes


def test_the_spec_is_immutable_printed_as_the_internal_struct() -> None:
    old = request()
    assert podcertificates.update_causes(request(), old) == []
    [(path, reason, message)] = podcertificates.update_causes(request(podName="q"), old)
    assert (path, reason) == ("spec", "FieldValueInvalid")
    assert message.startswith('Invalid value: {"SignerName":"example.com/s","PodName":"q","PodUID":"') and \
        '"PKIXPublicKey":null,"ProofOfPossession":null,' in message and message.endswith(': field is immutable')


NOW = dt.datetime(2026, 12, 5, 12, 0, tzinfo=dt.UTC)
ISSUED = {"type": "Issued", "status": "True", "reason": "Issued", "message": "ok",
          "lastTransitionTime": "2026-12-05T12:00:00Z"}


def _issued(chain: str | None = None, not_before: dt.datetime = NOW, hours: int = 24,
            refresh: dt.timedelta = dt.timedelta(hours=12), **more: Any) -> dict[str, Any]:
    chain = chain if chain is not None else leaf(stub_key(), not_before, not_before + dt.timedelta(hours=hours))
    status = {"conditions": [ISSUED], "certificateChain": chain, "notBefore": f"{not_before:%Y-%m-%dT%H:%M:%SZ}",
              "notAfter": f"{not_before + dt.timedelta(hours=hours):%Y-%m-%dT%H:%M:%SZ}",
              "beginRefreshAt": f"{not_before + refresh:%Y-%m-%dT%H:%M:%SZ}", **more}
    return {**request(), "status": {k: v for k, v in status.items() if v is not None}}


def _one(path: str, message: str) -> list[tuple[str, str, str]]:
    return [(path, "FieldValueInvalid", message)]


@pytest.mark.parametrize(("new", "causes"), [
    (_issued(), []),
    (_issued(not_before=NOW - dt.timedelta(minutes=6)), _one(
        "status.notBefore", 'Invalid value: "2026-12-05T11:54:00Z": must be set to within 5 minutes of '
                            "kube-apiserver's current time")),
    (_issued(hours=25), _one("status.certificateChain", "Invalid value: 90000000000000: leaf certificate lifetime "
                                                        "must be <= spec.maxExpirationSeconds (86400)")),
    (_issued(refresh=dt.timedelta(minutes=5)), _one(
        "status.beginRefreshAt", 'Invalid value: "2026-12-05T12:05:00Z": must be at least 10 minutes after '
                                 "status.notBefore")),
    (_issued(notAfter=None), [("status.notAfter", "FieldValueRequired",
                               "Required value: must be present and consistent with the issued certificate")]),
    (_issued(leaf(bytes(32), NOW, NOW + dt.timedelta(hours=24))), _one(
        "status.certificateChain", 'Invalid value: "' + leaf(bytes(32), NOW, NOW + dt.timedelta(hours=24)).replace(
            "\n", "\\n") + '": leaf certificate was not issued to the requested public key')),
    (_issued(leaf(stub_key(), NOW, NOW + dt.timedelta(hours=24), ("a..b",))), _one(
        "status.certificateChain", "Invalid value: \"a..b\": leaf certificate's DNSName should not contain '..'")),
    ({**request(), "status": {"conditions": [{**ISSUED, "type": "Denied"}], "certificateChain": "x"}},
     [("status", "FieldValueInvalid", "Invalid value: non-condition status fields must be empty when denying or "
                                      "failing the PodCertificateRequest")]),
    ({**request(), "status": {"conditions": [{"type": "Other", "status": "Maybe"}]}},
     [("status.conditions.[0].type", "FieldValueNotSupported",
       'Unsupported value: "Other": supported values: "Issued", "Denied", "Failed"'),
      ("status.conditions[0].status", "FieldValueNotSupported",
       'Unsupported value: "Maybe": supported values: "False", "True", "Unknown"'),
      ("status.conditions[0].lastTransitionTime", "FieldValueRequired", "Required value"),
      ("status.conditions[0].reason", "FieldValueRequired", "Required value")]),
    ({**request(), "status": {"certificateChain": "x"}},
     [("status", "FieldValueInvalid",
       'Invalid value: status is immutable unless transitioning to "Issued", "Denied", or "Failed"')]),
])
def test_a_signers_answer_is_validated(new: dict[str, Any], causes: list[tuple[str, str, str]]) -> None:
    assert podcertificates.status_causes(new, request(), "2026-12-05T12:00:00Z") == causes


def test_an_answered_request_keeps_its_status() -> None:
    issued = _issued()
    changed = {**issued, "status": {**issued["status"], "conditions": [{**ISSUED, "message": "again"}]}}
    assert podcertificates.status_causes(issued, issued, "2026-12-05T12:00:00Z") == []
    assert podcertificates.status_causes(changed, issued, "2026-12-05T12:00:00Z") == [
        ("status", "FieldValueInvalid",
         "Invalid value: immutable after PodCertificateRequest is issued, denied, or failed")]
