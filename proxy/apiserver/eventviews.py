"""One Event, two APIs: core/v1 and events.k8s.io/v1 are views of the same stored object, converted through
the apiserver's internal type. An event a controller records through the new API (controller-runtime's and
client-go's `events` recorders) is what `kubectl get events` and `kubectl describe` list through the old one,
and the other way round. From k8s.io/kubernetes pkg/apis/events/v1/conversion.go: five fields renamed, the
rest shared; `reportingController` is the core type's `reportingComponent` on the wire.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .goorder import encoded

CORE_PATH = "/api/v1/events"
EVENTS_PATH = "/apis/events.k8s.io/v1/events"
EVENTS_API = "events.k8s.io/v1"

# events.k8s.io/v1's name of a field -> core/v1's
_TO_CORE = {"regarding": "involvedObject", "note": "message", "deprecatedSource": "source",
            "deprecatedFirstTimestamp": "firstTimestamp", "deprecatedLastTimestamp": "lastTimestamp",
            "deprecatedCount": "count", "reportingController": "reportingComponent"}
_TO_EVENTS = {core: new for new, core in _TO_CORE.items()}


def _view(obj: dict[str, Any], names: dict[str, str], api_version: str) -> dict[str, Any]:
    renamed = {names.get(k, k): v for k, v in obj.items() if k not in ("kind", "apiVersion")}
    return encoded({"kind": "Event", "apiVersion": api_version, **renamed}, "Event", api_version)


def as_core(obj: dict[str, Any]) -> dict[str, Any]:
    """An events.k8s.io/v1 Event as core/v1 shows it."""
    return _view(obj, _TO_CORE, "v1")


def as_events(obj: dict[str, Any]) -> dict[str, Any]:
    """A core/v1 Event as events.k8s.io/v1 shows it."""
    return _view(obj, _TO_EVENTS, EVENTS_API)


# a collection of Events -> the other collection of the same objects, and how an object looks there
OTHER_VIEW: dict[str, tuple[str, Callable[[dict[str, Any]], dict[str, Any]]]] = {
    CORE_PATH: (EVENTS_PATH, as_events), EVENTS_PATH: (CORE_PATH, as_core)}
