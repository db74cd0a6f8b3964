"""Label and field selectors, parsed and evaluated as k8s.io/apimachinery/pkg/labels and /fields do."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .kinds import BUILTIN
from .params import InvalidParams

_KEY = re.compile(r"^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?/)?[a-zA-Z0-9]([-a-zA-Z0-9_.]*[a-zA-Z0-9])?$")
_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")


@dataclass(frozen=True, slots=True)
class Requirement:
    key: str
    op: str  # = != in notin exists !exists
    values: tuple[str, ...] = ()

    def matches(self, labels: dict[str, str]) -> bool:
        has = self.key in labels
        if self.op == "exists":
            return has
        if self.op == "!exists":
            return not has
        if self.op in ("=", "in"):
            return has and labels[self.key] in self.values
        return not has or labels[self.key] not in self.values  # != and notin


def _split_top(text: str) -> list[str]:
    """Split on commas outside parentheses."""
    parts: list[str] = []
    cur: list[str] = []
    depth = 0
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return parts


def _check(key: str, values: tuple[str, ...], text: str) -> None:
    if not _KEY.match(key) or len(key.split("/")[-1]) > 63:
        raise InvalidParams(f'unable to parse requirement: invalid label key "{key}"')
    for v in values:
        if len(v) > 63 or not _VALUE.match(v):
            raise InvalidParams(f'unable to parse requirement: invalid label value: "{v}" in "{text}"')


_SET = re.compile(r"^\s*(\S+)\s+(in|notin)\s*\(([^()]*)\)\s*$")
_EQ = re.compile(r"^\s*([^!=\s]+)\s*(==|=|!=)\s*(\S*)\s*$")


def parse_label_selector(text: str) -> tuple[Requirement, ...]:
    if not text.strip():
        return ()
    reqs = []
    for part in _split_top(text):
        if not part.strip():
            raise InvalidParams(f"unable to parse requirement: found '', expected: identifier in {text!r}")
        if m := _SET.match(part):
            values = tuple(sorted(v.strip() for v in m.group(3).split(",") if v.strip()))
            reqs.append(Requirement(m.group(1), m.group(2), values))
        elif m := _EQ.match(part):
            op = "!=" if m.group(2) == "!=" else "="
            reqs.append(Requirement(m.group(1), op, (m.group(3),)))
        elif re.match(r"^\s*!\s*\S+\s*$", part):
            reqs.append(Requirement(part.strip()[1:].strip(), "!exists"))
        elif re.match(r"^\s*\S+\s*$", part):
            reqs.append(Requirement(part.strip(), "exists"))
        else:
            raise InvalidParams(f"unable to parse requirement: {part.strip()!r}")
        _check(reqs[-1].key, reqs[-1].values, text)
    return tuple(reqs)


# Fields the apiserver accepts per resource, for the kinds that register a field label conversion
# (pkg/apis/core/v1/conversion.go, 1.37); an unknown field there is "field label not supported".
_FIELDS: dict[str, tuple[str, ...]] = {
    "pods": ("metadata.name", "metadata.namespace", "spec.nodeName", "spec.restartPolicy", "spec.schedulerName",
             "spec.serviceAccountName", "spec.hostNetwork", "status.phase", "status.podIP", "status.podIPs",
             "status.nominatedNodeName", "spec.host"),
    "nodes": ("metadata.name", "spec.unschedulable"),
    "replicationcontrollers": ("metadata.name", "metadata.namespace", "status.replicas"),
    "events": ("involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
               "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath",
               "reason", "reportingComponent", "source", "type", "metadata.namespace", "metadata.name"),
    "namespaces": ("status.phase", "metadata.name"),
    "secrets": ("type", "metadata.namespace", "metadata.name"),
    "services": ("metadata.namespace", "metadata.name", "spec.clusterIP", "spec.type"),
}
_META = ("metadata.name", "metadata.namespace")
# Renamed on the way in, as the apiserver's conversion does ("for old v1 clients").
_ALIASES = {("pods", "spec.host"): "spec.nodeName"}


def _unknown_field(resource: str, label: str) -> str:
    """The apiserver's words: a kind with its own conversion (and every custom resource) says "not supported";
    other built-in kinds get the default conversion's message (apimachinery runtime/conversion.go)."""
    if resource in _FIELDS or not any(r.plural == resource for r in BUILTIN):
        return f"field label not supported: {label}"
    return f'"{label}" is not a known field selector: only "metadata.name", "metadata.namespace"'


def _field_value(obj: dict[str, Any], path: str) -> str:
    node: Any = obj
    for p in path.split("."):
        node = node.get(p) if isinstance(node, dict) else None
    if isinstance(node, bool):
        return "true" if node else "false"
    return "" if node is None else str(node)


@dataclass(frozen=True, slots=True)
class FieldRequirement:
    field: str
    equal: bool
    value: str


def parse_field_selector(text: str, resource: str) -> tuple[FieldRequirement, ...]:
    if not text.strip():
        return ()
    allowed = _FIELDS.get(resource, _META)
    out = []
    for part in text.split(","):
        m = re.match(r"^\s*([^!=\s]+)\s*(==|=|!=)\s*(.*?)\s*$", part)
        if not m:
            raise InvalidParams(f'invalid selector: \'{text}\'; can\'t understand \'{part}\'')
        if m.group(1) not in allowed:
            raise InvalidParams(_unknown_field(resource, m.group(1)))
        name = _ALIASES.get((resource, m.group(1)), m.group(1))
        out.append(FieldRequirement(name, m.group(2) != "!=", m.group(3)))
    return tuple(out)


def matcher(label_selector: str, field_selector: str, resource: str) -> Callable[[dict[str, Any]], bool]:
    """A predicate over objects; raises InvalidParams (400) for selectors the apiserver would refuse."""
    labels = parse_label_selector(label_selector)
    fields = parse_field_selector(field_selector, resource)
    if not labels and not fields:
        return lambda obj: True

    def match(obj: dict[str, Any]) -> bool:
        meta = obj.get("metadata") or {}
        lab = meta.get("labels") or {}
        if not all(r.matches(lab) for r in labels):
            return False
        return all((_field_value(obj, f.field) == f.value) == f.equal for f in fields)

    return match
