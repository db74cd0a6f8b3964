"""ClusterTrustBundles as the apiserver validates them (apiserver/trustbundles.py), as synchronous tables; the
texts are the real kube-apiserver's (tests/test_certificates_realkube.py compares the two on the wire).
tests/data/csr: a CA certificate, a certificate whose basic constraints say it is not a CA, an X.509 v1
certificate (no extensions), from `openssl req -x509` and `openssl x509 -req`."""

from __future__ import annotations

from typing import Any

import pytest
from watchproxy.apiserver import admission, signers, trustbundles, writes, x509

from tests.test_csr import DATA

CA, LEAF, V1 = ((DATA / f"{n}.pem").read_text() for n in ("certificate", "certificate-leaf", "certificate-v1"))


def _bundle(bundle: str, signer: str = "") -> dict[str, Any]:
    return {"apiVersion": "certificates.k8s.io/v1", "kind": "ClusterTrustBundle", "metadata": {"name": "b"},
            "spec": {"trustBundle": bundle, **({"signerName": signer} if signer else {})}}


def _invalid(detail: str, path: str = "spec.trustBundle", value: str = '"<value omitted>"') -> tuple[str, str, str]:
    return path, "FieldValueInvalid", f"Invalid value: {value}: {detail}"


@pytest.mark.parametrize(("bundle", "causes"), [
    (CA, []),
    (CA + "\n" + CA, [_invalid("duplicate trust anchor (indices [0 1])")]),
    (LEAF, [_invalid("entry 0 does not have the CA bit set")]),
    (CA + LEAF + V1 + CA, [_invalid("entry 1 does not have the CA bit set"),
                           _invalid("entry 2 does not have the CA bit set")]),
    ("junk", [_invalid("at least one trust anchor must be provided")]),
    ((DATA / "request-rsa.pem").read_text(), [_invalid("entry 0 has bad block type: CERTIFICATE REQUEST")]),
    (CA.replace("-----\n", "-----\nA: b\n\n", 1), [_invalid("entry 0 has PEM block headers")]),
    ("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", [_invalid("entry 0 does not parse as X.509")]),
    ("x" * ((1 << 20) + 1),
     [("spec.trustBundle", "FieldValueTooLong", "Too long: may not be more than 1048576 bytes")]),
])
def test_a_bundle_holds_each_ca_certificate_once(bundle: str, causes: list[tuple[str, str, str]]) -> None:
    assert trustbundles.trust_bundle(_bundle(bundle)) == causes


def _der(pem: str) -> bytes:
    block, _ = x509.pem_decode(pem.encode())
    assert block is not None
    return block.data


def test_the_basic_constraints_are_read_from_the_extensions() -> None:
    read = {n: x509.trust_anchor(_der(pem)) for n, pem in (("ca", CA), ("leaf", LEAF), ("v1", V1))}
    assert {n: (c.is_ca, c.basic_constraints) for n, c in read.items()} == {
        "ca": (True, True), "leaf": (False, True), "v1": (False, False)}
    with pytest.raises(ValueError, match="x509: trailing data"):
        x509.trust_anchor(_der(CA) + b"\x00")


@pytest.mark.parametrize(("signer", "name", "errors"), [
    ("", "plain", []), ("", "a:b", ['ClusterTrustBundle without signer name must not have ":" in its name']),
    ("example.com/s", "example.com:s:one", []),
    ("example.com/s", "one",
     ["ClusterTrustBundle for signerName example.com/s must be named with prefix example.com:s:"]),
    ("example.com/s", "example.com:s:Bad_", ["a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
                                             "characters, '-' or '.', and must start and end with an alphanumeric "
                                             "character (e.g. 'example.com', regex used for validation is "
                                             "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"]),
])
def test_a_signers_bundle_is_named_after_it(signer: str, name: str, errors: list[str]) -> None:
    assert signers.bundle_name_rule(signer)(name) == errors


def test_the_signer_is_immutable() -> None:
    assert trustbundles.signer_kept(_bundle(CA, "example.com/a"), _bundle(CA, "example.com/a")) == []
    assert trustbundles.signer_kept(_bundle(CA, "example.com/b"), _bundle(CA, "example.com/a")) == [
        _invalid("field is immutable", "spec.signerName", '"example.com/b"')]


BUNDLES = writes.Target("certificates.k8s.io", "v1", "clustertrustbundles", "ClusterTrustBundle", False, "", "b")


@pytest.mark.parametrize(("old", "new", "granted", "refused"), [
    (None, _bundle(CA, "example.com/s"), set(), True),
    (None, _bundle(CA, "example.com/s"), {("attest", "example.com/s")}, False),
    (None, _bundle(CA), set(), False),  # (a bundle of no signer needs no attest)
    (_bundle(CA, "example.com/s"), {**_bundle(CA, "example.com/s"), "metadata": {"name": "b", "finalizers": ["x/y"]}},
     set(), False),  # (only the garbage collector's fields)
])
def test_a_signers_bundle_is_written_only_by_who_may_attest_for_it(
        old: dict[str, Any] | None, new: dict[str, Any], granted: set[tuple[str, str]], refused: bool) -> None:
    out = admission.certificates_refusal(BUNDLES, "create" if old is None else "update", old, new,
                                         lambda verb, signer: (verb, signer) in granted)
    assert (out is not None) is refused
    assert out is None or out.body["message"] == \
        'clustertrustbundles.certificates.k8s.io "b" is forbidden: user not permitted to attest for signerName ' \
        '"example.com/s"'
