"""Label and field selectors with the apiserver's grammar and error texts.

Clients narrow lists and watches with ``labelSelector`` and ``fieldSelector`` (a single-object watch is
``fieldSelector=metadata.name=NAME``); the stand-in must filter the same way, including the
ADDED/DELETED transitions a watch emits when an object starts or stops matching.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .encoding import JsonObject


class SelectorError(ValueError):
    """A selector the apiserver would reject with 400 BadRequest; the message is the Status message."""


@dataclass(frozen=True)
class _LabelRequirement:
    key: str
    op: str  # "=", "!=", "in", "notin", "exists", "!", ">", "<"
    values: tuple[str, ...]

    def matches(self, labels: dict[str, str]) -> bool:
        present = self.key in labels
        value = labels.get(self.key)
        if self.op == "exists":
            return present
        if self.op == "!":
            return not present
        if self.op in ("=", "in"):
            return present and value in self.values
        if self.op in ("!=", "notin"):
            return not present or value not in self.values
        if not present or value is None:
            return False
        try:
            number = int(value)
        except ValueError:
            return False
        bound = int(self.values[0])
        return number > bound if self.op == ">" else number < bound


_KEY = r"[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?"
_VALUE = r"([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?"
_SET_RE = re.compile(rf"^\s*({_KEY})\s+(in|notin)\s+\(([^)]*)\)\s*$")
_CMP_RE = re.compile(rf"^\s*({_KEY})\s*(==|=|!=|>|<)\s*(\S*)\s*$")
_EXISTS_RE = re.compile(rf"^\s*(!?)\s*({_KEY})\s*$")


def _split_top_level(text: str) -> list[str]:
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        if char == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _check_value(value: str) -> str:
    if len(value) > 63 or not re.fullmatch(_VALUE, value):
        raise SelectorError(
            f"unable to parse requirement: values[0][value]: Invalid value: {value!r}: a valid label must be "
            "an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end "
            "with an alphanumeric character"
        )
    return value


class LabelSelector:
    """Parsed ``labelSelector``: equality, set-based, existence and numeric comparisons."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.requirements: list[_LabelRequirement] = []
        if not text.strip():
            return
        for part in _split_top_level(text):
            self.requirements.append(self._parse(part))

    @staticmethod
    def _parse(part: str) -> _LabelRequirement:
        if match := _SET_RE.match(part):
            values = tuple(_check_value(v.strip()) for v in match.group(4).split(","))
            return _LabelRequirement(match.group(1), match.group(3), values)
        if match := _CMP_RE.match(part):
            key, op, value = match.group(1), match.group(3), match.group(4)
            if op in (">", "<"):
                if not value.isdigit():
                    raise SelectorError(
                        f"unable to parse requirement: for 'Gt', 'Lt' operators, the value must "
                        f"be an integer: {value!r}"
                    )
                return _LabelRequirement(key, op, (value,))
            return _LabelRequirement(key, "!=" if op == "!=" else "=", (_check_value(value),))
        if match := _EXISTS_RE.match(part):
            return _LabelRequirement(match.group(2), "!" if match.group(1) else "exists", ())
        raise SelectorError(f"unable to parse requirement: found '{part.strip()}', expected: identifier")

    def matches(self, obj: JsonObject) -> bool:
        """Whether ``obj``'s labels satisfy every requirement (an empty selector matches all)."""
        labels = (obj.get("metadata") or {}).get("labels") or {}
        return all(req.matches(labels) for req in self.requirements)


def _get_path(obj: JsonObject, path: str) -> Any:
    current: Any = obj
    for part in path.split("."):
        if not isinstance(current, dict):
            return None
        current = current.get(part)
    return current


# Field labels each resource accepts (pkg/registry/*/strategy.go ...FieldsSet); anything else is a 400.
_FIELD_LABELS: dict[str, tuple[str, ...]] = {
    "Pod": (
        "spec.nodeName",
        "spec.restartPolicy",
        "spec.schedulerName",
        "spec.serviceAccountName",
        "spec.hostNetwork",
        "status.phase",
        "status.podIP",
        "status.nominatedNodeName",
    ),
    "Secret": ("type",),
    "Namespace": ("status.phase",),
}


def _field_value(obj: JsonObject, label: str) -> str:
    if label == "spec.hostNetwork":
        return "true" if _get_path(obj, label) else "false"
    value = _get_path(obj, label)
    return "" if value is None else str(value)


_CONVERTED = {"Pod", "Node", "ReplicationController", "Event", "Namespace", "Secret", "Service"}


class FieldSelector:
    """Parsed ``fieldSelector`` (``=``, ``==``, ``!=`` joined by commas) for one kind."""

    def __init__(self, text: str, kind: str) -> None:
        self.text = text
        self.terms: list[tuple[str, bool, str]] = []
        allowed = ("metadata.name", "metadata.namespace", *_FIELD_LABELS.get(kind, ()))
        if not text.strip():
            return
        for part in text.split(","):
            if "!=" in part:
                label, value = part.split("!=", 1)
                positive = False
            elif "==" in part:
                label, value = part.split("==", 1)
                positive = True
            elif "=" in part:
                label, value = part.split("=", 1)
                positive = True
            else:
                raise SelectorError(f"invalid selector: '{text}'; can't understand '{part}'")
            label = label.strip()
            if label not in allowed:
                # Kinds with a field label conversion of their own say "not supported"; the others get
                # apimachinery's default conversion's words (as the real 1.37 apiserver answers).
                raise SelectorError(f"field label not supported: {label}" if kind in _CONVERTED else
                                    f'"{label}" is not a known field selector: only "metadata.name", '
                                    '"metadata.namespace"')
            self.terms.append((label, positive, value.strip()))

    @property
    def name(self) -> str | None:
        """The name an ``metadata.name=NAME`` term pins, used for single-object watches."""
        for label, positive, value in self.terms:
            if label == "metadata.name" and positive:
                return value
        return None

    def matches(self, obj: JsonObject) -> bool:
        """Whether ``obj`` satisfies every term."""
        return all((_field_value(obj, label) == value) == positive for label, positive, value in self.terms)


def combined(label: LabelSelector, fields: FieldSelector) -> Callable[[JsonObject], bool]:
    """One predicate for both selectors, as the watch cache's filter function is."""

    def predicate(obj: JsonObject) -> bool:
        return label.matches(obj) and fields.matches(obj)

    return predicate
