"""Reading a decoded body whose shape nothing has checked yet: a field that should hold an object, or a list of
objects, read as one whatever the client sent (the decoder's type errors are reported elsewhere)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

Obj = dict[str, Any]


def as_dict(value: Any) -> Obj:
    return value if isinstance(value, dict) else {}


def dicts(value: Any) -> list[Obj]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def containers(spec: Obj, path: str) -> Iterator[tuple[Obj, str]]:
    """A pod spec's containers and where each is, in podshelper.VisitContainersWithPath's order: init
    containers, containers, ephemeral containers."""
    for field in ("initContainers", "containers", "ephemeralContainers"):
        for i, ctr in enumerate(dicts(spec.get(field))):
            yield ctr, f"{path}.{field}[{i}]"
