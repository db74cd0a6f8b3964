"""ClusterTrustBundles, the CA certificates a signer publishes for the cluster to trust (a cluster's own
signers, cert-manager's trust-manager), validated as k8s.io/kubernetes pkg/apis/certificates/validation's
ValidateClusterTrustBundle does: a bundle of a signer is named after it, and holds PEM CA certificates only,
each once. A replay that stored any string would let a publisher's bug through that the cluster refuses.
"""

from __future__ import annotations

from typing import Any

from . import signers, x509
from .fielderrors import Cause, invalid, too_long
from .podvalidation import as_dict

KIND = "ClusterTrustBundle"
_MAX = 1 << 20  # MaxTrustBundleSize
_OMITTED = "<value omitted>"


def signer_of(obj: dict[str, Any]) -> str:
    return str(as_dict(obj.get("spec")).get("signerName") or "")


def _bundle_causes(bundle: str) -> list[Cause]:
    """validateTrustBundle: each PEM block a CA certificate, none twice, at least one."""
    path = "spec.trustBundle"
    if len(bundle.encode()) > _MAX:
        return [too_long(path, _MAX)]
    found: list[Cause] = []
    seen: dict[bytes, list[int]] = {}
    rest, i = bundle.encode(), -1
    while True:
        block, rest = x509.pem_decode(rest)
        if block is None:
            break
        i += 1
        why = f"entry {i} has bad block type: {block.type}" if block.type != "CERTIFICATE" else \
            f"entry {i} has PEM block headers" if block.headers else ""
        if not why:
            try:
                anchor = x509.trust_anchor(block.data)
                why = f"entry {i} does not have the CA bit set" if not anchor.is_ca else \
                    f"entry {i} has invalid basic constraints" if not anchor.basic_constraints else ""
            except ValueError:
                why = f"entry {i} does not parse as X.509"
        if why:
            found.append(invalid(path, _OMITTED, why))
        else:
            seen.setdefault(block.data, []).append(i)
    if found:
        return found
    if not seen:
        return [invalid(path, _OMITTED, "at least one trust anchor must be provided")]
    return [invalid(path, _OMITTED, f"duplicate trust anchor (indices [{' '.join(map(str, at))}])")
            for at in seen.values() if len(at) > 1]  # (in the order first seen; Go's map order is random)


def trust_bundle(obj: dict[str, Any]) -> list[Cause]:
    """ValidateClusterTrustBundle past its metadata (its name: signers.bundle_name_rule): the signer's name where
    there is one, the bundle."""
    signer = signer_of(obj)
    return (signers.signer_name(signer, "spec.signerName") if signer else []) + _bundle_causes(
        str(as_dict(obj.get("spec")).get("trustBundle") or ""))


def signer_kept(new: dict[str, Any], old: dict[str, Any]) -> list[Cause]:
    """ValidateClusterTrustBundleUpdate: the signer's name is immutable."""
    signer = signer_of(new)
    return [] if signer == signer_of(old) else [invalid("spec.signerName", signer, "field is immutable")]
