"""PodCertificateRequests, which a kubelet writes for a pod's projected certificate and a signer answers
through /status: the strategies and the create and update validation of k8s.io/kubernetes
pkg/registry/certificates/podcertificaterequest and pkg/apis/certificates/validation. A request names the pod,
its service account and node by name and uid and carries a stub PKCS #10 request (DER) whose key the
certificate is for: an Ed25519 key, ECDSA on P-256, P-384 or P-521, or RSA of 3072 or 4096 bits, signed by
itself. Its spec never changes; a new request starts without status (writes.STATUS_RESET_ON_CREATE), and an
update keeps the status as stored, as for every kind with a status subresource.

Through /status a signer answers once: issued (a certificate chain for the requested key, valid from the
apiserver's now, for an hour to the request's maximum, with its refresh time in between), denied or failed,
in a single true condition; after that nothing of the status changes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..wire import names
from . import signers, validation, x509
from .fielderrors import Cause, invalid, invalid_each, invalid_omitted, not_supported, required, too_long
from .gotime import TIMESTAMP
from .internal import as_internal
from .podvalidation import as_dict, dicts

Obj = dict[str, Any]
KIND = "PodCertificateRequest"
_MAX_STUB = 10 * 1024
_UID_MAX = 128
_STUB = "spec.stubPKCS10Request"
_CURVES = ("P-256", "P-384", "P-521")


def _stub_causes(stub: bytes) -> list[Cause]:
    """validateStubPKCS10Request: a request, by a key of a kind and size a kubelet makes, signed by itself."""
    if len(stub) > _MAX_STUB:
        return [too_long(_STUB, _MAX_STUB)]
    try:
        request, key = x509.parsed_request(stub)
    except ValueError:
        return [invalid_omitted(_STUB, "must be a valid PKCS#10 CSR")]
    if isinstance(key, x509.EcKey) and key.curve.name not in _CURVES:
        return [invalid(_STUB, f"curve {key.curve.name}", "elliptic public keys must use curve P256, P384, or P521")]
    if isinstance(key, x509.RsaKey) and (bits := (key.n.bit_length() + 7) // 8 * 8) not in (3072, 4096):
        return [invalid(_STUB, f"{bits}-bit modulus", "RSA keys must have modulus size 3072 or 4096")]
    if key is None:
        return [invalid_omitted(_STUB, "unknown public key type; supported types are Ed25519, ECDSA, and RSA")]
    if x509.signature_refusal(request, key) is not None:
        return [invalid_omitted(_STUB, "invalid signature")]
    return []


def causes(obj: Obj) -> list[Cause]:
    """ValidatePodCertificateRequestCreate past its metadata, in its order."""
    spec = as_dict(obj.get("spec"))
    signer = str(spec.get("signerName") or "")
    found = signers.signer_name(signer, "spec.signerName")
    if spec.get("unverifiedUserAnnotations") is not None:
        found += signers.user_annotations(spec.get("unverifiedUserAnnotations"), "spec.unverifiedUserAnnotations")
    for field, kind in (("podName", "pod"), ("podUID", ""), ("serviceAccountName", "account"),
                        ("serviceAccountUID", ""), ("nodeName", "node"), ("nodeUID", "")):
        value = str(spec.get(field) or "")
        if kind:  # (a pod's, an account's and a node's names are all DNS subdomains)
            found += invalid_each(f"spec.{field}", value, names.subdomain(value))
        elif not value:
            found.append(invalid(f"spec.{field}", value, "must not be empty"))
        elif len(value) > _UID_MAX:
            found.append(too_long(f"spec.{field}", _UID_MAX))
    seconds = spec.get("maxExpirationSeconds")
    if not isinstance(seconds, int):
        return [*found, required("spec.maxExpirationSeconds", "must be set")]
    most = signers.max_expiration(signer)
    if not signers.MIN_EXPIRATION <= seconds <= most:
        found.append(invalid("spec.maxExpirationSeconds", seconds,
                             f"must be in the range [{signers.MIN_EXPIRATION}, {most}]"))
    stub = x509.field_bytes(spec.get("stubPKCS10Request"))
    if not stub:  # (v1 has no other way to give the key: the deprecated pkixPublicKey and proofOfPossession)
        return [*found, invalid_omitted("spec", "exactly one of (stubPKCS10Request) or (pkixPublicKey, "
                                                "proofOfPossession) must be set")]
    return found + _stub_causes(stub)


def update_causes(new: Obj, old: Obj) -> list[Cause]:
    """ValidatePodCertificateRequestUpdate: the spec is immutable, printed as the internal struct."""
    if new.get("spec") == old.get("spec"):
        return []
    return [invalid("spec", as_internal("PodCertificateRequestSpec", as_dict(new.get("spec"))),
                    "field is immutable")]


_FINAL = ("Issued", "Denied", "Failed")
_CHAIN = "status.certificateChain"
_MAX_CHAIN = 100 * 1024
_FIVE_MINUTES = dt.timedelta(minutes=5)
_REFRESH = "status.beginRefreshAt"
def _state(obj: Obj) -> set[str]:
    return {str(c.get("type")) for c in dicts(as_dict(obj.get("status")).get("conditions"))
            if c.get("type") in _FINAL and c.get("status") == "True"}


def _time(value: Any) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(str(value), TIMESTAMP).replace(tzinfo=dt.UTC) if value else None
    except ValueError:
        return None


def _go_time(when: dt.datetime) -> str:
    return when.strftime(TIMESTAMP)


def status_causes(new: Obj, old: Obj, now: str) -> list[Cause]:
    """ValidatePodCertificateRequestStatusUpdate: the conditions (at most one final one, and true); nothing
    changes once issued, denied or failed; a denial or failure sets nothing else; an issue sets the chain (a
    leaf for the requested key, valid now and for an hour to the request's maximum, and intermediates) and its
    times; otherwise nothing changes."""
    status, old_status = as_dict(new.get("status")), as_dict(old.get("status"))
    conditions = dicts(status.get("conditions"))
    found: list[Cause] = []
    finals = 0
    for i, c in enumerate(conditions):
        at = f"status.conditions.[{i}]"  # (formatIndex as a child: the apiserver's own path)
        if c.get("type") in _FINAL:
            finals += 1
            if finals > 1:
                found.append(invalid(f"{at}.type", c.get("type"),
                                     'There may be at most one condition with type "Issued", "Denied", or "Failed"'))
            if c.get("status") != "True":
                found.append(not_supported(f"{at}.status", c.get("status") or "", ("True",)))
        else:
            found.append(not_supported(f"{at}.type", c.get("type") or "", _FINAL, plain=True))
    found += validation.conditions(conditions, "status.conditions")
    if found:
        return found
    if _state(old):
        return [] if status == old_status else \
            [invalid_omitted("status", "immutable after PodCertificateRequest is issued, denied, or failed")]
    if _state(new) & {"Denied", "Failed"}:
        return [] if set(status) <= {"conditions"} else [invalid_omitted(
            "status", "non-condition status fields must be empty when denying or failing the PodCertificateRequest")]
    if "Issued" in _state(new):
        return _issued_causes(new, old, _time(now) or dt.datetime.now(dt.UTC))
    return [] if status == old_status else \
        [invalid_omitted("status", 'status is immutable unless transitioning to "Issued", "Denied", or "Failed"')]


def _issued_causes(new: Obj, old: Obj, now: dt.datetime) -> list[Cause]:
    """The checks of an issued certificate chain and its times, each ending the validation."""
    status = as_dict(new.get("status"))
    chain = str(status.get("certificateChain") or "")
    if len(chain.encode()) > _MAX_CHAIN:
        return [too_long(_CHAIN, _MAX_CHAIN)]
    leaf_block, rest = x509.pem_decode(chain.encode())
    if leaf_block is None:
        return [invalid(_CHAIN, chain, "issued certificate chain must contain at least one certificate")]
    if leaf_block.type != "CERTIFICATE":
        return [invalid(_CHAIN, chain, "issued certificate chain must consist entirely of CERTIFICATE PEM blocks")]
    try:
        leaf = x509.trust_anchor(leaf_block.data)
    except ValueError:
        return [invalid(_CHAIN, chain, "leaf certificate does not parse as valid X.509")]
    found: list[Cause] = []
    for name in leaf.dns_names:
        if name == "":
            found.append(invalid(_CHAIN, name, "leaf certificate should not contain empty DNSName"))
        if ".." in name:
            found.append(invalid(_CHAIN, name, "leaf certificate's DNSName should not contain '..'"))
        if name.startswith(".") or name.endswith("."):
            found.append(invalid(_CHAIN, name, "leaf certificate's DNSName should not start or end with '.'"))
    try:
        _, wanted = x509.parsed_request(x509.field_bytes(as_dict(old.get("spec")).get("stubPKCS10Request")))
    except ValueError:
        return [*found, invalid_omitted(_STUB, "must be a valid PKCS#10 CSR")]
    if wanted is not None and wanted != leaf.key:
        return [*found, invalid(_CHAIN, chain, "leaf certificate was not issued to the requested public key")]
    times = {k: _time(status.get(k)) for k in ("notBefore", "notAfter", "beginRefreshAt")}
    for key, why in (("notBefore", "must be present and consistent with the issued certificate"),
                     ("notAfter", "must be present and consistent with the issued certificate"),
                     ("beginRefreshAt", "must be present and in the range [notbefore+10min, notafter-10min]")):
        if times[key] is None:
            found.append(required(f"status.{key}", why))
    not_before, not_after, refresh = times["notBefore"], times["notAfter"], times["beginRefreshAt"]
    if found or not_before is None or not_after is None or refresh is None:
        return found
    lifetime, most = leaf.not_after - leaf.not_before, int(as_dict(new.get("spec")).get("maxExpirationSeconds") or 0)
    if not_before != leaf.not_before:
        return [invalid("status.notBefore", _go_time(not_before),
                        "must be set to the NotBefore time encoded in the leaf certificate")]
    if not now - _FIVE_MINUTES < not_before < now + _FIVE_MINUTES:
        return [invalid("status.notBefore", _go_time(not_before),
                        "must be set to within 5 minutes of kube-apiserver's current time")]
    if not_after != leaf.not_after:
        return [invalid("status.notAfter", _go_time(not_after),
                        "must be set to the NotAfter time encoded in the leaf certificate")]
    if lifetime < dt.timedelta(hours=1):
        return [invalid(_CHAIN, _nanoseconds(lifetime), "leaf certificate lifetime must be >= 1 hour")]
    if lifetime > dt.timedelta(seconds=most):
        return [invalid(_CHAIN, _nanoseconds(lifetime),
                        f"leaf certificate lifetime must be <= spec.maxExpirationSeconds ({most})")]
    if refresh < not_before + 2 * _FIVE_MINUTES:
        return [invalid(_REFRESH, _go_time(refresh), "must be at least 10 minutes after status.notBefore")]
    if refresh > not_after - 2 * _FIVE_MINUTES:
        return [invalid(_REFRESH, _go_time(refresh), "must be at least 10 minutes before status.notAfter")]
    while True:
        block, rest = x509.pem_decode(rest)
        if block is None:
            return []
        if block.type != "CERTIFICATE":  # (sic: the apiserver's spelling)
            return [invalid(_CHAIN, chain, "issued certificate chain must consist entirely of CERTFICATE PEM blocks")]
        try:
            x509.trust_anchor(block.data)
        except ValueError:
            return [invalid(_CHAIN, chain, "intermediate certificate does not parse as valid X.509")]


def _nanoseconds(duration: dt.timedelta) -> int:
    """A time.Duration as encoding/json writes it: nanoseconds."""
    return (duration.days * 86400 + duration.seconds) * 10**9 + duration.microseconds * 1000
