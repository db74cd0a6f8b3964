"""Validating admission of the default plugins that needs more of the cluster than the object written:
PersistentVolumeClaimResize (plugin/pkg/admission/storage/persistentvolume/resize), which lets a claim grow
only once it is bound, and only when the StorageClass it was provisioned by allows volume expansion; and the
certificate plugins (plugin/pkg/admission/certificates): no request for the kube-apiserver's client signer in
the name of system:masters, an approval only by who may `approve` for the request's signer, a certificate or a
condition through /status only by who may `sign` for it, a signer's trust bundle only by who may `attest`.
They run after the object's validation, for dry runs too, and refuse with a 403.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..wire.gostrings import quote
from . import x509
from .claimspec import BETA_STORAGE_CLASS
from .fielderrors import forbidden
from .podvalidation import as_dict
from .rbac import only_gc_fields
from .specvalidation import storage_at
from .writes import Outcome, Target, fail, invalid_object

Obj = dict[str, Any]
STORAGE_CLASSES = "/apis/storage.k8s.io/v1/storageclasses"
_REQUESTED = ".spec.resources.requests.storage"


def _class(claim: Obj) -> str:
    """GetPersistentVolumeClaimClass: the beta annotation, else the spec's class."""
    annotations = as_dict(as_dict(claim.get("metadata")).get("annotations"))
    return str(annotations.get(BETA_STORAGE_CLASS) or as_dict(claim.get("spec")).get("storageClassName") or "")


def claim_resize(t: Target, old: Obj | None, new: Obj, storage_class: Callable[[str], Obj | None]
                 ) -> Outcome | None:
    """The 403 of a claim's update that grows its storage where the plugin does not allow it; None to go on."""
    if (t.group, t.resource, t.subresource) != ("", "persistentvolumeclaims", "") or old is None:
        return None
    if storage_at(new, _REQUESTED) <= storage_at(old, _REQUESTED):
        return None
    if as_dict(old.get("status")).get("phase") != "Bound":
        why = "Only bound persistent volume claims can be expanded"
    else:
        name = _class(new)
        found = storage_class(name) if name and name == _class(old) else None
        if found is not None and found.get("allowVolumeExpansion") is True:
            return None
        why = ("only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must "
               "support resize")
    return fail(403, f'{t.qualified} {quote(t.name)} is forbidden: {why}', "Forbidden",
                {"name": t.name, "group": t.group, "kind": t.resource})


API_SERVER_CLIENT = "kubernetes.io/kube-apiserver-client"


def certificates_refusal(t: Target, verb: str, old: Obj | None, new: Obj, may: Callable[[str, str], bool],
                         user: str = "") -> Outcome | None:
    """The 403 of the certificate plugins for a write of a CSR or a ClusterTrustBundle, and the 422 of a
    PodCertificateRequest's status written by `user` who may not sign for its signer (`may(verb, signer)`: the
    writer's RBAC on the `signers` resource, by the signer's name or its domain's `/*`); None to go on."""
    if t.group != "certificates.k8s.io" or t.resource not in ("certificatesigningrequests", "clustertrustbundles",
                                                              "podcertificaterequests"):
        return None
    signer = str(as_dict((old if t.resource == "certificatesigningrequests" and old else new).get("spec"))
                 .get("signerName") or "")
    why = ""
    if t.resource == "podcertificaterequests":  # (the status strategy's own check: a 422)
        if t.subresource != "status" or old is None or old.get("status") == new.get("status") or may("sign", signer):
            return None
        why = f'User {quote(user)} is not permitted to "sign" for signer {quote(signer)}'
        return invalid_object(t.kind_group, t.kind, t.name, [forbidden("spec.signerName", why)])
    if t.resource == "clustertrustbundles":  # ClusterTrustBundleAttest
        if signer and not (old is not None and only_gc_fields(new, old)) and not may("attest", signer):
            why = f"user not permitted to attest for signerName {quote(signer)}"
    elif verb == "create" and not t.subresource and signer == API_SERVER_CLIENT:  # CertificateSubjectRestriction
        request = x509.field_bytes(as_dict(new.get("spec")).get("request"))
        found = x509.organizations(request)
        if found is None:
            why = f"failed to parse CSR: {x509.check_request(request)}"
        elif "system:masters" in found:
            why = f"use of {API_SERVER_CLIENT} signer with system:masters group is not allowed"
    elif t.subresource == "approval" and old is not None and not may("approve", signer):  # CertificateApproval
        why = f"user not permitted to approve requests with signerName {quote(signer)}"
    elif t.subresource == "status" and old is not None and not may("sign", signer) and (  # CertificateSigning
            as_dict(old.get("status")).get("certificate") != as_dict(new.get("status")).get("certificate")
            or as_dict(old.get("status")).get("conditions") != as_dict(new.get("status")).get("conditions")):
        why = f"user not permitted to sign requests with signerName {quote(signer)}"
    if not why:
        return None
    name = str(as_dict(new.get("metadata")).get("name") or t.name)
    return fail(403, f'{t.qualified} {quote(name)} is forbidden: {why}', "Forbidden",
                {"name": name, "group": t.group, "kind": t.resource})
