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
from typing import Any

from .fielderrors import Cause, invalid_each, required

_LABEL_FMT = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"  # dns1123LabelFmt
SUBDOMAIN_FMT = _LABEL_FMT + r"(\." + _LABEL_FMT + ")*"  # dns1123SubdomainFmt, which a wildcard's also uses
_SUBDOMAIN = re.compile(SUBDOMAIN_FMT)
_SUBDOMAIN_MSG = ("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
                  "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for "
                  f"validation is '{SUBDOMAIN_FMT}')")
_KEY_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
_KEY = re.compile(_KEY_FMT)
_KEY_MSG = ("must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric "
            f"character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '{_KEY_FMT}')")
_VALUE = re.compile(f"({_KEY_FMT})?")
_VALUE_MSG = ("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and "
              "must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', "
              f"regex used for validation is '({_KEY_FMT})?')")
# the kinds whose names are DNS-1123 subdomains (NameIsDNSSubdomain in their validation)
SUBDOMAIN_NAMED = frozenset({
    "Pod", "ConfigMap", "Secret", "Endpoints", "PersistentVolumeClaim", "PersistentVolume", "Node", "ServiceAccount",
    "LimitRange", "ResourceQuota", "Deployment", "ReplicaSet", "DaemonSet", "ControllerRevision", "Job", "CronJob",
    "HorizontalPodAutoscaler", "Lease", "EndpointSlice", "Ingress", "IngressClass", "PodDisruptionBudget",
    "NetworkPolicy", "PriorityClass", "CustomResourceDefinition"})
# the kinds whose names are DNS-1123 labels (NameIsDNSLabel; a Service's since RelaxedServiceNameValidation)
LABEL_NAMED = frozenset({"Service", "StatefulSet", "Namespace"})
PATH_NAMED = frozenset({"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"})  # ValidateRBACName
_LABEL = re.compile(_LABEL_FMT)
_LABEL_MSG = ("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start "
              "and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
              f"'{_LABEL_FMT}')")
_DNS1035_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?"
_DNS1035 = re.compile(_DNS1035_FMT)
_DNS1035_MSG = ("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic "
                "character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for "
                f"validation is '{_DNS1035_FMT}')")


def subdomain(value: str, chars: str = "characters") -> list[str]:
    errs = [f"must be no more than 253 {chars}"] if len(value) > 253 else []
    if not _SUBDOMAIN.fullmatch(value):
        errs.append(_SUBDOMAIN_MSG)
    return errs


def dns1035_label(value: str) -> list[str]:
    """IsDNS1035Label: a CustomResourceDefinition's plural, singular and version names."""
    errs = ["must be no more than 63 characters"] if len(value) > 63 else []
    if not _DNS1035.fullmatch(value):
        errs.append(_DNS1035_MSG)
    return errs


def dns_label(value: str) -> list[str]:
    """IsDNS1123Label: a container's, a volume's or a port's name."""
    errs = ["must be no more than 63 characters"] if len(value) > 63 else []
    if not _LABEL.fullmatch(value):
        errs.append("must not contain dots" if _SUBDOMAIN.fullmatch(value) else _LABEL_MSG)
    return errs


def qualified_name(value: str) -> list[str]:
    """content.IsLabelKey: an optional DNS subdomain prefix and '/', then a name part."""
    parts = value.split("/")
    errs: list[str] = []
    if len(parts) > 2:
        return [f"a valid label key {_KEY_MSG} with an optional DNS subdomain prefix and '/' "
                "(e.g. 'example.com/MyName')"]
    if len(parts) == 2:
        if not parts[0]:
            errs.append("prefix part must be non-empty")
        else:
            errs.extend("prefix part " + m for m in subdomain(parts[0], "bytes"))
    name = parts[-1]
    if not name:
        errs.append("name part must be non-empty")
    elif len(name.encode()) > 63:
        errs.append("name part must be no more than 63 bytes")
    if not _KEY.fullmatch(name):
        errs.append("name part " + _KEY_MSG)
    return errs


def label_value(value: str) -> list[str]:
    errs = ["must be no more than 63 bytes"] if len(value.encode()) > 63 else []
    if not _VALUE.fullmatch(value):
        errs.append(_VALUE_MSG)
    return errs


def path_segment(name: str) -> list[str]:
    """IsPathSegmentName: a name that can stand in a URL path (an RBAC object's, an HPA's target's)."""
    if name in (".", ".."):
        return [f"may not be '{name}'"]
    return [f"may not contain '{bad}'" for bad in ("/", "%") if bad in name]


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


def object_meta(kind: str, meta: dict[str, Any], *, custom: bool = False) -> list[Cause]:
    """What ValidateObjectMeta finds wrong, in its order (labels and annotations in key order: Go's map order
    is random, so the apiserver's own order of several label errors is not fixed). `custom`: a custom
    resource, whose name is a DNS subdomain whatever its kind."""
    causes: list[Cause] = []
    rule = subdomain if custom or kind in SUBDOMAIN_NAMED else dns_label if kind in LABEL_NAMED else \
        path_segment if kind in PATH_NAMED else None
    generate = meta.get("generateName")
    if rule is not None and isinstance(generate, str) and generate:
        masked = generate[:-1] + "a" if generate.endswith("-") else generate  # a prefix may end in '-'
        causes += invalid_each("metadata.generateName", generate, rule(masked))
    name = meta.get("name")
    if rule is not None and isinstance(name, str) and name:
        causes += invalid_each("metadata.name", name, rule(name))
    causes += labels("metadata.labels", meta.get("labels"))
    annotations = meta.get("annotations")
    for key in sorted(annotations) if isinstance(annotations, dict) else []:
        causes += invalid_each("metadata.annotations", key, qualified_name(key.lower()))
    return causes
