"""The apiserver's validation of ObjectMeta, which every kind shares: the 422 a controller gets for a name,
a label or an annotation the apiserver refuses, worded as the apiserver words it.

From k8s.io/apimachinery (pkg/api/validation/objectmeta.go, pkg/util/validation, pkg/api/validate/content)
and the name rules of k8s.io/kubernetes pkg/apis/*/validation. Names are checked for the kinds whose rule
is a DNS-1123 subdomain (most of them); a Service's, a Namespace's, a StatefulSet's or an RBAC object's
name is not checked here, and nor is any field outside metadata. tests/writes_differential.py compares
the answers with the real kube-apiserver's.
"""

from __future__ import annotations

import re
from typing import Any

_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
_SUBDOMAIN_MSG = ("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
                  "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for "
                  r"validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")
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
    "NetworkPolicy", "PriorityClass"})
Cause = tuple[str, str, str]  # field, reason, message


def _quoted(value: str) -> str:
    """Go's %q of a string, for the ASCII that names and labels are made of."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _subdomain(value: str, chars: str = "characters") -> list[str]:
    errs = [f"must be no more than 253 {chars}"] if len(value) > 253 else []
    if not _SUBDOMAIN.fullmatch(value):
        errs.append(_SUBDOMAIN_MSG)
    return errs


def _qualified_name(value: str) -> list[str]:
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
            errs.extend("prefix part " + m for m in _subdomain(parts[0], "bytes"))
    name = parts[-1]
    if not name:
        errs.append("name part must be non-empty")
    elif len(name.encode()) > 63:
        errs.append("name part must be no more than 63 bytes")
    if not _KEY.fullmatch(name):
        errs.append("name part " + _KEY_MSG)
    return errs


def _label_value(value: str) -> list[str]:
    errs = ["must be no more than 63 bytes"] if len(value.encode()) > 63 else []
    if not _VALUE.fullmatch(value):
        errs.append(_VALUE_MSG)
    return errs


def _invalid(field: str, value: str, messages: list[str]) -> list[Cause]:
    return [(field, "FieldValueInvalid", f"Invalid value: {_quoted(value)}: {m}") for m in messages]


def object_meta(kind: str, meta: dict[str, Any], *, custom: bool = False) -> list[Cause]:
    """What ValidateObjectMeta finds wrong, in its order (labels and annotations in key order: Go's map order
    is random, so the apiserver's own order of several label errors is not fixed). `custom`: a custom
    resource, whose name is a DNS subdomain whatever its kind."""
    causes: list[Cause] = []
    check_name = custom or kind in SUBDOMAIN_NAMED
    generate = meta.get("generateName")
    if check_name and isinstance(generate, str) and generate:
        masked = generate[:-1] + "a" if generate.endswith("-") else generate  # a prefix may end in '-'
        causes += _invalid("metadata.generateName", generate, _subdomain(masked))
    name = meta.get("name")
    if check_name and isinstance(name, str) and name:
        causes += _invalid("metadata.name", name, _subdomain(name))
    labels = meta.get("labels")
    for key, value in sorted(labels.items()) if isinstance(labels, dict) else []:
        causes += _invalid("metadata.labels", key, _qualified_name(key))
        if isinstance(value, str):
            causes += _invalid("metadata.labels", value, _label_value(value))
    annotations = meta.get("annotations")
    for key in sorted(annotations) if isinstance(annotations, dict) else []:
        causes += _invalid("metadata.annotations", key, _qualified_name(key.lower()))
    return causes
