"""The apiserver's validation of ObjectMeta, which every kind shares: the 422 a controller gets for a name,
a label or an annotation the apiserver refuses, worded as the apiserver words it.

From k8s.io/apimachinery (pkg/api/validation/objectmeta.go, pkg/util/validation, pkg/api/validate/content)
and the name rules of k8s.io/kubernetes pkg/apis/*/validation. Names are checked for the kinds whose rule
is a DNS-1123 subdomain (most of them), a label (Services, StatefulSets, Namespaces) or a path segment (RBAC
objects); an Event's name is not checked here. Fields outside metadata: specvalidation.py. tests/writes_differential.py
compares the answers with the real kube-apiserver's.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import Any

from ..wire.gostrings import quote
from ..wire.names import dns1035_label as dns1035_label
from ..wire.names import dns_label as dns_label
from ..wire.names import label_value as label_value
from ..wire.names import path_segment as path_segment
from ..wire.names import qualified_name as qualified_name
from ..wire.names import subdomain as subdomain
from .fielderrors import Cause, duplicate, forbidden, invalid, invalid_each, not_supported, required, too_long, typed
from .goorder import ordered_meta
from .ipvalidation import ip_errors

# Kinds whose names are not DNS-1123 subdomains, every other kind's are (NameIsDNSSubdomain, under whatever
# name each validation package gives it): DNS-1123 labels (NameIsDNSLabel; a Service's since
# RelaxedServiceNameValidation), RBAC's path segments (ValidateRBACName), and names checked by rules this model
# leaves out or does not need: a CSR's (any name), a StorageVersion's (<group>.<resource>), a LeaseCandidate's
# (not served); an IPAddress's is an IP (ipvalidation.ip_errors).
LABEL_NAMED = frozenset({"Service", "StatefulSet", "Namespace"})
UNCHECKED_NAMES = frozenset({"CertificateSigningRequest", "StorageVersion", "LeaseCandidate"})
# the kinds whose name declarative validation checks (validate.LongName, beta in 1.37): a subdomain, its length
# counted in bytes
DECLARED_NAMES = frozenset({"ReplicationController", "DeviceClass"})
PATH_NAMED = frozenset({"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"})  # ValidateRBACName
# the built-in kinds whose validation takes ObjectMeta's from k8s.io/apimachinery, not from the core group's
# (pkg/apis/core/validation.ValidateObjectMeta), so a finalizer is only a qualified name for them, as for a custom
# resource (its "standard finalizer" rule is core's); a PodDisruptionBudget's and a legacy Event's validate none
# (the registry's own check is apimachinery's)
GENERIC_META = frozenset({
    "PodDisruptionBudget", "Event", "Lease", "LeaseCandidate", "RuntimeClass", "ValidatingWebhookConfiguration",
    "MutatingWebhookConfiguration", "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding",
    "MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding", "CustomResourceDefinition", "APIService"})
_STANDARD_FINALIZERS = frozenset({"kubernetes", "orphan", "foregroundDeletion"})  # (helper.IsStandardFinalizerName)
NOT_STANDARD = "name is neither a standard finalizer name nor is it fully qualified"


def required_name(path: str, value: str, rule: Callable[[str], list[str]]) -> list[Cause]:
    """A name a field must have, as `rule` (subdomain, dns_label, path_segment...) wants it."""
    return invalid_each(path, value, rule(value)) if value else [required(path)]


def labels(path: str, mapping: Any) -> list[Cause]:
    """ValidateLabels at `path`, keys in order (Go's map order is random)."""
    causes: list[Cause] = []
    for key, value in sorted(mapping.items()) if isinstance(mapping, dict) else []:
        causes += invalid_each(path, key, qualified_name(key))
        if isinstance(value, str):
            causes += invalid_each(path, value, label_value(value))
    return causes


def object_meta(kind: str, meta: dict[str, Any], *, custom: bool = False,
                rule: Callable[[str], list[str]] | None = None, core: bool = False,
                old: dict[str, Any] | None = None) -> list[Cause]:
    """What ValidateObjectMeta finds wrong, in its order (labels and annotations in key order: Go's map order
    is random, so the apiserver's own order of several label errors is not fixed). `custom`: a custom
    resource, whose name is a DNS subdomain whatever its kind; `rule`: the name's, where the object decides it
    (a signer's trust bundle); `core`: the core group's ValidateObjectMeta (core_meta), which adds its own rule
    of finalizers; `old`: an update's stored metadata (ValidateObjectMetaAccessorUpdate's checks, after the
    others but before the core group's: a uid or deletion that is not the stored one; the stored finalizers are
    not judged again)."""
    causes: list[Cause] = []
    if rule is None and (custom or kind not in UNCHECKED_NAMES):
        rule = subdomain if custom else dns_label if kind in LABEL_NAMED else path_segment if kind in PATH_NAMED \
            else partial(subdomain, chars="bytes") if kind in DECLARED_NAMES else ip_errors if kind == "IPAddress" \
            else subdomain
    generate = meta.get("generateName")
    if rule is not None and isinstance(generate, str) and generate:
        masked = generate[:-1] + "a" if generate.endswith("-") else generate  # a prefix may end in '-'
        causes += invalid_each("metadata.generateName", generate, rule(masked))
    name = meta.get("name")
    if not name:  # (a create's generated name is given before it is validated)
        causes.append(required("metadata.name", "name or generateName is required"))
    elif rule is not None and isinstance(name, str):
        causes += invalid_each("metadata.name", name, rule(name))
    generation = meta.get("generation")  # (ValidateNonnegativeField)
    if isinstance(generation, int) and not isinstance(generation, bool) and generation < 0:
        causes.append(invalid("metadata.generation", generation, "must be greater than or equal to 0"))
    causes += labels("metadata.labels", meta.get("labels"))
    causes += annotation_causes("metadata.annotations", meta.get("annotations"))
    owners = meta.get("ownerReferences")
    causes += owner_references(owners) if isinstance(owners, list) else []
    kept = (old or {}).get("finalizers")
    causes += _finalizers(meta.get("finalizers"), kept)
    if old is not None:
        if meta.get("uid") and meta["uid"] != old.get("uid"):
            causes.append(invalid("metadata.uid", meta["uid"], "field is immutable"))
        for key in ("deletionTimestamp", "deletionGracePeriodSeconds"):  # (kept where stored, else set: BeforeUpdate)
            if meta.get(key) is not None and old.get(key) is None:
                causes.append(invalid(f"metadata.{key}", meta[key], "field is immutable"))
    return causes + (_core_finalizers(meta.get("finalizers"), kept) if core else [])


def core_meta(kind: str, builtin: bool) -> bool:
    """Whether a kind's validation takes ObjectMeta's from the core group (most built-in kinds)."""
    return builtin and kind not in GENERIC_META


def _finalizers(names: Any, kept: Any = None) -> list[Cause]:
    """ValidateFinalizers: each a qualified name, not both orphan and foregroundDeletion. A name the stored
    object already has (`kept`) is not judged again: a real apiserver never stored it, but a synthesized
    recording may hold one, and its controller must still be able to write the object."""
    names, old = _names(names), set(_names(kept))
    causes = [c for name in names if name not in old
              for c in invalid_each("metadata.finalizers", name, qualified_name(name))]
    if "orphan" in names and "foregroundDeletion" in names and not {"orphan", "foregroundDeletion"} <= old:
        causes.append(invalid("metadata.finalizers", names,
                              "finalizer orphan and foregroundDeletion cannot be both set"))
    return causes


def _core_finalizers(names: Any, kept: Any = None) -> list[Cause]:
    """The core group's rule, by index: a name without a "/" must be a standard finalizer
    (validateKubeFinalizerName); `kept` as for _finalizers."""
    old = set(_names(kept))
    return [invalid(f"metadata.finalizers[{i}]", name, NOT_STANDARD) for i, name in enumerate(_names(names))
            if not fully_qualified(name) and name not in old]


def fully_qualified(finalizer: str) -> bool:
    """The core group's rule of a finalizer: one with a "/" or a standard one (validateKubeFinalizerName)."""
    return "/" in finalizer or finalizer in _STANDARD_FINALIZERS


def _names(value: Any) -> list[str]:
    return [str(n) for n in value] if isinstance(value, list) else []


def finalizer_warnings(names: Any, before: Any = None) -> list[str]:
    """A custom resource's warnings of the finalizers a write adds (sorted): one without a "/" that is not
    standard should be domain-qualified (the custom resource strategy's validateKubeFinalizerName)."""
    added = {str(n) for n in names} if isinstance(names, list) else set()
    added -= {str(n) for n in before} if isinstance(before, list) else set()
    return [f"metadata.finalizers: {quote(name)}: prefer a domain-qualified finalizer name"
            f"{' including a path (/)' if '.' in name else ''} to avoid accidental conflicts with other finalizer "
            "writers" for name in sorted(added) if not fully_qualified(name)]


_ANNOTATIONS_MAX = 256 * (1 << 10)  # TotalAnnotationSizeLimitB


_HTTP_PATH_FMT = r"[A-Za-z0-9/\-._~%!$&'()*+,;=:]+"
_HTTP_PATH = re.compile(_HTTP_PATH_FMT)


def domain_prefixed_path(path: str, value: str) -> list[Cause]:
    """IsDomainPrefixedPath: a DNS subdomain, '/', and an HTTP path (an ingress controller's name, who
    manages a Job)."""
    if not value:
        return [required(path)]
    host, _, rest = value.partition("/")
    if not host or not rest:
        return [invalid(path, value, 'must be a domain-prefixed path (such as "acme.io/foo")')]
    causes = invalid_each(path, host, subdomain(host))
    if not _HTTP_PATH.fullmatch(rest):
        causes.append(invalid(path, rest, f"Invalid path (regex used for validation is '{_HTTP_PATH_FMT}')"))
    return causes


def annotation_causes(path: str, given: Any) -> list[Cause]:
    """ValidateAnnotations: each key a qualified name once lowered (in key order), and their size."""
    keys = sorted(given) if isinstance(given, dict) else []
    return [c for key in keys for c in invalid_each(path, key, qualified_name(key.lower()))] + \
        annotations_size(path, given)


def annotations_size(path: str, annotations: Any) -> list[Cause]:
    """ValidateAnnotationsSize: the keys and values together at most 256 KiB."""
    if isinstance(annotations, dict) and sum(len(str(k).encode()) + len(str(v).encode())
                                             for k, v in annotations.items()) > _ANNOTATIONS_MAX:
        return [too_long(path, _ANNOTATIONS_MAX)]
    return []


def owner_references(refs: list[Any]) -> list[Cause]:
    """ValidateOwnerReferences: each reference's four names, no core Event as an owner, one controller."""
    causes: list[Cause] = []
    controller = ""
    shown = ordered_meta({"ownerReferences": refs})["ownerReferences"]  # (a 422 quotes them as Go encodes them)
    for i, ref in enumerate(r if isinstance(r, dict) else {} for r in refs):
        at = f"metadata.ownerReferences[{i}]"
        api_version = str(ref.get("apiVersion") or "")
        group, _, version = api_version.rpartition("/")
        if not api_version:
            causes.append(required(f"{at}.apiVersion", "must not be empty"))
        elif not version or "/" in group:
            causes.append(invalid(f"{at}.apiVersion", api_version, "must be <group>/<version> or <version>"))
        causes += [required(f"{at}.{k}", "must not be empty") for k in ("kind", "name", "uid") if not ref.get(k)]
        if (group, version, ref.get("kind")) == ("", "v1", "Event"):
            causes.append(invalid(at, shown[i], "/v1, Kind=Event is disallowed from being an owner"))
        if ref.get("controller") is True:
            current = f"{ref.get('kind') or ''}/{ref.get('name') or ''}"
            if controller:
                causes.append(invalid("metadata.ownerReferences", shown,
                                      f'Only one reference can have Controller set to true. Found "true" in '
                                      f"references for {controller} and {current}"))
            else:
                controller = current
    return causes


def label_selector(selector: Any, path: str) -> list[Cause]:
    """ValidateLabelSelector, strictly (no invalid label values)."""
    causes = labels(f"{path}.matchLabels", selector.get("matchLabels"))
    for i, expr in enumerate(e for e in selector.get("matchExpressions") or [] if isinstance(e, dict)):
        causes += selector_requirement(expr, f"{path}.matchExpressions[{i}]")
    return causes


SELECTOR_OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist")  # (a label selector's, a quota scope's)


def selector_requirement(expr: dict[str, Any], at: str, *, labelled: bool = True,
                         unknown_operators: bool = False) -> list[Cause]:
    """ValidateLabelSelectorRequirement (`labelled`: its key a label's, its values label values) or
    ValidateFieldSelectorRequirement (a key required); an access review's allows unknown operators."""
    op, values, key = expr.get("operator") or "", expr.get("values") or [], expr.get("key") or ""
    causes = [] if labelled or key else [required(f"{at}.key", "must be specified")]
    if op in ("In", "NotIn") and not values:
        causes.append(required(f"{at}.values", "must be specified when `operator` is 'In' or 'NotIn'"))
    elif op in ("Exists", "DoesNotExist") and values:
        why = "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"
        causes.append(forbidden(f"{at}.values", why))
    elif op not in SELECTOR_OPERATORS and not unknown_operators:
        causes.append(invalid(f"{at}.operator", typed(op), "not a valid selector operator"))
    if labelled:
        causes += invalid_each(f"{at}.key", key, qualified_name(key))
        for j, value in enumerate(values):
            causes += invalid_each(f"{at}.values[{j}]", value, label_value(value))
    return causes


_REASON = re.compile(r"[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?")
_REASON_MSG = ("a condition reason must start with alphabetic character, optionally followed by a string of "
               "alphanumeric characters or '_,:', and must end with an alphanumeric character or '_' (e.g. "
               "'my_name',  or 'MY_NAME',  or 'MyName',  or 'ReasonA,ReasonB',  or 'ReasonA:ReasonB', regex used "
               "for validation is '[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?')")


def conditions(conditions: list[dict[str, Any]], path: str) -> list[Cause]:
    """metav1validation.ValidateConditions: each condition's type (a qualified name, once), status, observed
    generation, transition time, reason and message."""
    found: list[Cause] = []
    seen: set[str] = set()
    for i, c in enumerate(conditions):
        at, kind = f"{path}[{i}]", str(c.get("type") or "")
        if kind in seen:
            found.append(duplicate(at, kind))
        seen.add(kind)
        found += [required(f"{at}.type", "is required")] if not kind else \
            invalid_each(f"{at}.type", kind, qualified_name(kind))
        state = str(c.get("status") or "")
        if not state:
            found.append(required(f"{at}.status"))
        elif state not in ("False", "True", "Unknown"):
            found.append(not_supported(f"{at}.status", state, ("False", "True", "Unknown")))
        if isinstance(generation := c.get("observedGeneration"), int) and generation < 0:
            found.append(invalid(f"{at}.observedGeneration", generation, "must be greater than or equal to zero"))
        if not c.get("lastTransitionTime"):
            found.append(required(f"{at}.lastTransitionTime"))
        reason = str(c.get("reason") or "")
        if not reason:
            found.append(required(f"{at}.reason"))
        else:
            if not _REASON.fullmatch(reason):
                found.append(invalid(f"{at}.reason", reason, _REASON_MSG))
            if len(reason) > 1024:
                found.append(too_long(f"{at}.reason", 1024))
        if len(str(c.get("message") or "")) > 32 * 1024:
            found.append(too_long(f"{at}.message", 32 * 1024))
    return found
