"""Signers and what names them (pkg/apis/core/validation names.go): one home for a signer's name (certificate
signing requests, pod certificate requests, trust bundles, and the projected volumes that ask for either), a
trust bundle's name, the user annotations a pod certificate carries, and the longest lifetime a signer may
grant."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..wire import names
from ..wire.gostrings import quote
from . import validation
from .fielderrors import Cause, invalid, invalid_each, required, too_long

_SIGNER_MAX = 253 + 1 + (63 + 1 + 253)
MIN_EXPIRATION, _MAX_EXPIRATION, _KUBERNETES_MAX_EXPIRATION = 3600, 91 * 86400, 86400  # (certificates' types)


def max_expiration(signer: str) -> int:
    """The longest lifetime a pod certificate of this signer may ask for: a day for the cluster's own."""
    hostname = signer.split("/")[0]
    return _KUBERNETES_MAX_EXPIRATION if hostname == "kubernetes.io" or hostname.endswith(".kubernetes.io") \
        else _MAX_EXPIRATION


def signer_name(signer: str, path: str) -> list[Cause]:
    """ValidateSignerName: `example.com/name`, a domain of DNS labels and a path of subdomains."""
    if not signer:
        return [required(path)]
    segments = signer.split("/")
    if len(segments) != 2:
        return [invalid(path, signer, "must be a fully qualified domain and path of the form "
                                      "'example.com/signer-name'")]
    domain, name = segments
    causes: list[Cause] = []
    if len(domain) > 253:
        causes.append(too_long(path, 253))
    labels = domain.split(".")
    for label in labels:
        if errors := names.dns_label(label):
            causes += [invalid(path, domain, f"validating label {quote(label)}: {e}") for e in errors]
            break
    if len(labels) < 2:
        causes.append(invalid(path, domain, "should be a domain with at least two segments separated by dots"))
    for label in name.split("."):
        if errors := names.subdomain(label):
            causes += [invalid(path, name, f"validating label {quote(label)}: {e}") for e in errors]
            break
    if len(signer) > _SIGNER_MAX:
        causes.append(too_long(path, _SIGNER_MAX))
    return causes


def bundle_name_rule(signer: str) -> Callable[[str], list[str]]:
    """ValidateClusterTrustBundleName: a signer's bundle is named `example.com:signer:` and a DNS subdomain."""
    def rule(name: str) -> list[str]:
        if not signer:
            return ['ClusterTrustBundle without signer name must not have ":" in its name'] if ":" in name \
                else names.subdomain(name)
        prefix = signer.replace("/", ":") + ":"
        if not name.startswith(prefix):
            return [f"ClusterTrustBundle for signerName {signer} must be named with prefix {prefix}"]
        return names.subdomain(name[len(prefix):])
    return rule


def user_annotations(annotations: Any, path: str) -> list[Cause]:
    """ValidateUserAnnotations: domain-prefixed keys (in key order: Go's map order is random), 256 KiB."""
    found: list[Cause] = []
    mapping = annotations if isinstance(annotations, dict) else {}
    for key in sorted(mapping):
        lowered = key.lower()
        if not lowered:
            found.append(required(path))
            continue
        errors = names.qualified_name(lowered)
        found += invalid_each(path, lowered, errors)
        if not errors and len(lowered.split("/")) != 2:
            found.append(invalid(path, lowered, 'must be a domain-prefixed key (such as "acme.io/foo")'))
    return found + validation.annotations_size(path, mapping)
