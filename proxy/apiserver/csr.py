"""The CertificateSigningRequest's strategies and validation, from k8s.io/kubernetes
pkg/registry/certificates/certificates/strategy.go and pkg/apis/certificates/validation: a CSR approver or
signer under development (kubelet-serving approvers, cert-manager's, a controller issuing client certificates)
is tested against what the apiserver lets each of its writes do.

Who asked is written into the spec on create and nobody may change the spec after; the main resource
changes only metadata, `/approval` only the conditions and `/status` the rest of the status, keeping the
Approved and Denied conditions as they were. Conditions get their timestamps from the apiserver's clock. The
request must be a PEM certificate request signed by its own key (x509.py), a certificate a signer writes must
be PEM certificates. Approved and Denied exclude each other (declarative validation's check in 1.37: its error
comes last, worded as a union's).
"""

from __future__ import annotations

from typing import Any

from ..wire.gostrings import quote
from . import signers, x509
from .fielderrors import Cause, duplicate, forbidden, go_json, invalid, not_supported, required, typed
from .podvalidation import as_dict, dicts
from .rbac import User

Obj = dict[str, Any]
KIND = "CertificateSigningRequest"
LEGACY_SIGNER = "kubernetes.io/legacy-unknown"
_USAGES = sorted((
    "signing", "digital signature", "content commitment", "key encipherment", "key agreement",
    "data encipherment", "cert sign", "crl sign", "encipher only", "decipher only", "any", "server auth",
    "client auth", "code signing", "email protection", "s/mime", "ipsec end system", "ipsec tunnel", "ipsec user",
    "timestamping", "ocsp signing", "microsoft sgc", "netscape sgc"))
_TRUE_ONLY = ("Approved", "Denied", "Failed")  # (condition types whose status may only be True)
_STATUSES = ("False", "True", "Unknown")
_UNION = ('conditions[{"type": "Approved"}]', 'conditions[{"type": "Denied"}]')
# a domain (a DNS subdomain), '/', and a path room for a label, a '.' and a subdomain


def requested(obj: Obj, user: User | None) -> None:
    """PrepareForCreate: the requestor as authenticated, whatever the body said, and a new status."""
    spec = obj["spec"] = obj["spec"] if isinstance(obj.get("spec"), dict) else {}  # (a null one decodes as empty)
    for key in ("username", "uid", "groups", "extra"):
        spec.pop(key, None)
    if user is not None:
        spec.update(user.info())
    obj["status"] = {}


def _conditions(obj: Obj) -> list[Obj]:
    return dicts(as_dict(obj.get("status")).get("conditions"))


def _stamped(conditions: list[Obj], old: list[Obj], now: str) -> list[Obj]:
    """populateConditionTimestamps: an update time where none was sent; a transition time where none was sent,
    kept from an old condition of the same type and status."""
    out = []
    for c in conditions:
        c = dict(c)
        if not c.get("lastUpdateTime"):
            c["lastUpdateTime"] = now
        if not c.get("lastTransitionTime"):
            c["lastTransitionTime"] = next((o["lastTransitionTime"] for o in old if o.get("type") == c.get("type")
                                            and o.get("status") == c.get("status") and o.get("lastTransitionTime")),
                                           now)
        out.append(c)
    return out


def _with_conditions(status: Any, conditions: list[Obj]) -> Obj:
    out = {k: v for k, v in as_dict(status).items() if k != "conditions"}
    return {"conditions": conditions, **out} if conditions else out


def prepared(subresource: str, new: Obj, old: Obj, now: str) -> Obj:
    """PrepareForUpdate of the main resource, `/status` or `/approval`: what of the write is kept."""
    out = {**new, "spec": old.get("spec")}
    old_conditions = _conditions(old)
    if subresource == "approval":
        out["status"] = _with_conditions(old.get("status"), _stamped(_conditions(new), old_conditions, now))
    elif subresource == "status":
        conditions = _conditions(new)
        for kind in ("Approved", "Denied"):  # preserveConditionInstances: the same count, the old ones
            was = [c for c in old_conditions if c.get("type") == kind]
            at = [i for i, c in enumerate(conditions) if c.get("type") == kind]
            if len(was) == len(at):
                for i, c in zip(at, was, strict=True):
                    conditions[i] = c
        out["status"] = _with_conditions(new.get("status"), _stamped(conditions, old_conditions, now))
    else:
        out["status"] = old.get("status")
    if out["spec"] is None:
        out.pop("spec")
    if out["status"] is None:
        out.pop("status")
    return out


def as_compared(written: Obj, sent_status: Any) -> Obj:
    """What the field manager compares of a /status or /approval write: the object written, but for the
    conditions as sent, before the strategy stamped them; a time the body left out is there as null (a zero
    metav1.Time encodes so), so the writer takes the times over from the condition's earlier writer. None sent,
    or an empty list, is no field there (the unstructured converter's omitempty)."""
    status = {k: v for k, v in as_dict(written.get("status")).items() if k != "conditions"}
    if conditions := as_dict(sent_status).get("conditions"):
        status["conditions"] = conditions
    return {**written, "status": status}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _has_duplicates(values: list[Any]) -> bool:
    return len(values) != len(set(map(str, values)))


def causes(obj: Obj, old: Obj | None, subresource: str = "") -> list[Cause]:
    """ValidateCertificateSigningRequestCreate (`old` None), or the update of the main resource, `/status` or
    `/approval`; each tolerating in the stored object what it already had."""
    spec, status = as_dict(obj.get("spec")), as_dict(obj.get("status"))
    old_spec, old_status = as_dict((old or {}).get("spec")), as_dict((old or {}).get("status"))
    conditions, old_conditions = _conditions(obj), _conditions(old or {})
    found: list[Cause] = []
    request = spec.get("request")
    if (why := x509.check_request(x509.field_bytes(request))) is not None:
        found.append(invalid("spec.request", request if isinstance(request, str) else None, why))
    usages, old_usages = _list(spec.get("usages")), _list(old_spec.get("usages"))
    if not usages:
        found.append(required("spec.usages"))
    if not any(u not in _USAGES for u in old_usages) or old is None:
        found += [not_supported(f"spec.usages[{i}]", u, _USAGES) for i, u in enumerate(usages) if u not in _USAGES]
    if old is None or not _has_duplicates(old_usages):
        found += [duplicate(f"spec.usages[{i}]", typed(u)) for i, u in enumerate(usages) if u in usages[:i]]
    signer = str(spec.get("signerName") or "")
    if signer == LEGACY_SIGNER and old_spec.get("signerName") != LEGACY_SIGNER:
        found.append(invalid("spec.signerName", signer, "the legacy signerName is not allowed via this API version"))
    elif signer != LEGACY_SIGNER:
        found += signers.signer_name(signer, "spec.signerName")
    if isinstance(seconds := spec.get("expirationSeconds"), int) and seconds < 600:
        found.append(invalid("spec.expirationSeconds", seconds,
                             "may not specify a duration less than 600 seconds (10 minutes)"))
    found += _condition_causes(conditions, old_conditions if old is not None else None)
    certificate, old_certificate = (x509.field_bytes(s.get("certificate")) for s in (status, old_status))
    arbitrary = old is not None and (certificate == old_certificate or x509.certificate_refusal(old_certificate))
    if not arbitrary and (why := x509.certificate_refusal(certificate)) is not None:
        found.append(invalid("status.certificate", "<certificate data>", why))
    if old is not None:
        found += _update_causes(subresource, conditions, old_conditions, certificate, old_certificate)
    members = _union(conditions)  # (declarative validation's: last; on update only where the membership changed)
    if len(members) > 1 and (old is None or members != _union(old_conditions)):
        found.append(invalid("status.conditions", "{" + ", ".join(members) + "}",
                             "must specify at most one of: " + ", ".join(f"`{m}`" for m in _UNION)))
    return found


def create_causes(obj: Obj) -> list[Cause]:
    """ValidateCertificateSigningRequestCreate (an update's, by subresource: `causes`)."""
    return causes(obj, None)


def _union(conditions: list[Obj]) -> list[str]:
    types = {c.get("type") for c in conditions}
    return [m for m, kind in zip(_UNION, ("Approved", "Denied"), strict=True) if kind in types]


def _condition_causes(conditions: list[Obj], old: list[Obj] | None) -> list[Cause]:
    """validateConditions, but Approved with Denied (declarative validation's now)."""
    old = old or []
    empty_allowed = any(not c.get("type") for c in old)
    old_types = [c.get("type") for c in old]
    duplicates_allowed = _has_duplicates(old_types)
    found: list[Cause] = []
    seen: set[str] = set()
    for i, c in enumerate(conditions):
        path = f"status.conditions[{i}]"
        kind, state = str(c.get("type") or ""), str(c.get("status") or "")
        if not kind and not empty_allowed:
            found.append(required(f"{path}.type"))
        allowed = ("True",) if kind in _TRUE_ONLY else _STATUSES
        if not state:
            found.append(required(f"{path}.status"))
        elif state not in allowed:
            found.append(not_supported(f"{path}.status", state, allowed))
        if not duplicates_allowed:
            if kind in seen:
                found.append(duplicate(f"{path}.type", typed(kind)))
            seen.add(kind)
    return found


def _update_causes(subresource: str, conditions: list[Obj], old: list[Obj], certificate: bytes,
                   old_certificate: bytes) -> list[Cause]:
    """validateCertificateSigningRequestUpdate's own rules: no condition of a final type removed, Approved and
    Denied set only through /approval, the certificate only through /status, and once."""
    found: list[Cause] = []
    for kind in _TRUE_ONLY:
        if len([c for c in conditions if c.get("type") == kind]) < len([c for c in old if c.get("type") == kind]):
            found.append(forbidden("status.conditions", f"updates may not remove a condition of type {quote(kind)}"))
    if subresource != "approval":
        for kind in ("Approved", "Denied"):
            now = [c for c in conditions if c.get("type") == kind]
            was = [c for c in old if c.get("type") == kind]
            if len(now) > len(was):
                found.append(forbidden("status.conditions", f"updates may not add a condition of type {quote(kind)}"))
            elif len(now) == len(was) and now != was:
                found.append(forbidden("status.conditions", f"updates may not modify a condition of type "
                                                            f"{quote(kind)}\n{_diff(was, now)}"))
    if certificate != old_certificate:
        if subresource != "status":
            found.append(forbidden("status.certificate", "updates may not set certificate content"))
        elif old_certificate:
            found.append(forbidden("status.certificate", "updates may not modify existing certificate content"))
    return found


def _diff(was: list[Obj], now: list[Obj]) -> str:
    """The two lists of conditions, as a reader needs them (Go prints go-cmp's diff of its internal types)."""
    return f"- {go_json(was)}\n+ {go_json(now)}"
