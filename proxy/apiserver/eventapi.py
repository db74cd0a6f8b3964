"""One Event, two APIs: core/v1 and events.k8s.io/v1 are views of the same stored object, converted through
the apiserver's internal type. An event a controller records through the new API (controller-runtime's and
client-go's `events` recorders) is what `kubectl get events` and `kubectl describe` list through the old one,
and the other way round. From k8s.io/kubernetes pkg/apis/events/v1/conversion.go: five fields renamed, the
rest shared; `reportingController` is the core type's `reportingComponent` on the wire. And the apiserver's
validation of an Event (pkg/apis/core/validation/events.go), whose messages name the internal (core) fields
whichever API the event came through.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..wire import names
from .fielderrors import Cause, invalid, invalid_each, required
from .goorder import encoded
from .internal import as_internal
from .podvalidation import as_dict

Obj = dict[str, Any]
CORE_PATH = "/api/v1/events"
EVENTS_PATH = "/apis/events.k8s.io/v1/events"
EVENTS_API = "events.k8s.io/v1"

# events.k8s.io/v1's name of a field -> core/v1's
_TO_CORE = {"regarding": "involvedObject", "note": "message", "deprecatedSource": "source",
            "deprecatedFirstTimestamp": "firstTimestamp", "deprecatedLastTimestamp": "lastTimestamp",
            "deprecatedCount": "count", "reportingController": "reportingComponent"}
_TO_EVENTS = {core: new for new, core in _TO_CORE.items()}


def _view(obj: Obj, renames: dict[str, str], api_version: str, held: bool = False) -> Obj:
    renamed = {renames.get(k, k): v for k, v in obj.items() if k not in ("kind", "apiVersion")}
    return encoded({"kind": "Event", "apiVersion": api_version, **renamed}, "Event", api_version, held=held)


def as_core(obj: Obj) -> Obj:
    """An events.k8s.io/v1 Event as core/v1 shows it."""
    return _view(obj, _TO_CORE, "v1")


def as_events(obj: Obj) -> Obj:
    """A core/v1 Event as events.k8s.io/v1 shows it."""
    return _view(obj, _TO_EVENTS, EVENTS_API)


# a collection of Events -> the other collection of the same objects, and how an object looks there
OTHER_VIEW: dict[str, tuple[str, Callable[[Obj], Obj]]] = {
    CORE_PATH: (EVENTS_PATH, as_events), EVENTS_PATH: (CORE_PATH, as_core)}



def _core_event(obj: Obj) -> Obj:
    """An Event by the core type's field names, which the apiserver's messages use whichever API it came through
    (as held: a zero time sent is set to its validation)."""
    return _view(obj, _TO_CORE, "v1", held=True) if obj.get("apiVersion") == EVENTS_API else obj


def _at_most(path: str, value: str, limit: int) -> list[Cause]:
    return [invalid(path, "", f"can have at most {limit} characters")] if len(value.encode()) > limit else []


def validated(obj: Obj) -> list[Cause]:
    """legacyValidateEvent, which both APIs share: the involved object in the event's namespace (but a
    cluster-scoped one's events in default, or kube-system for the new API's); for an event with an eventTime
    (the new API's), who reported it, what it did and why."""
    ev = _core_event(obj)
    namespace = str(as_dict(obj.get("metadata")).get("namespace") or "")
    involved = str(as_dict(ev.get("involvedObject")).get("namespace") or "")
    mismatch = invalid("involvedObject.namespace", involved, "does not match event.namespace")
    if not ev.get("eventTime"):
        return [mismatch] if (involved or namespace not in ("", "default")) and involved != namespace else []
    causes = [mismatch] if not involved and namespace not in ("default", "kube-system") else []
    controller = str(ev.get("reportingComponent") or "")
    controller_path = "reportingComponent" if obj.get("apiVersion") == "v1" else "reportingController"
    causes += [required(controller_path)] if not controller else []
    causes += invalid_each(controller_path, controller, names.qualified_name(controller))
    for f in ("reportingInstance", "action", "reason"):
        value = str(ev.get(f) or "")
        causes += ([required(f)] if not value else []) + _at_most(f, value, 128)
    return causes + _at_most("message", str(ev.get("message") or ""), 1024)


def _event_series(ev: Obj) -> list[Cause]:
    series = ev.get("series")
    if not isinstance(series, dict):
        return []
    causes = [invalid("series.count", "", "should be at least 2")] if (series.get("count") or 0) < 2 else []
    return causes + ([required("series.lastObservedTime")] if not series.get("lastObservedTime") else [])


def created(obj: Obj) -> list[Cause]:
    """What ValidateEventCreate adds for the new API: a series that counts, an eventTime, a known type, and
    none of the old API's fields."""
    ev = _core_event(obj)
    causes = _event_series(ev) + ([required("eventTime")] if not ev.get("eventTime") else [])
    if (kind := str(ev.get("type") or "")) not in ("Normal", "Warning"):
        causes.append(invalid("type", "", f"has invalid value: {kind}"))
    causes += [invalid(f, "", "needs to be unset") for f in ("firstTimestamp", "lastTimestamp", "count") if ev.get(f)]
    source = as_dict(ev.get("source"))
    return causes + ([invalid("source", "", "needs to be unset")] if source.get("component") or source.get("host")
                     else [])


# what an update of a new-API Event may not change, in ValidateEventUpdate's order (reason twice), and the
# internal type a refusal prints a struct as
_EVENT_IMMUTABLE = ("involvedObject", "reason", "message", "source", "firstTimestamp", "lastTimestamp", "count",
                    "reason", "type", "eventTime", "action", "related", "reportingComponent", "reportingInstance")
_EVENT_STRUCTS = {"involvedObject": "ObjectReference", "related": "ObjectReference", "source": "EventSource"}


def _event_value(f: str, value: Any) -> Any:
    """An Event's field as ErrorBody prints it: a struct as its internal type, a missing number 0, a missing
    string "" (a missing time or reference is null)."""
    if f in _EVENT_STRUCTS:
        return as_internal(_EVENT_STRUCTS[f], value) if value is not None else None
    if f == "count":
        return value or 0
    return value if value is not None or f.endswith(("Timestamp", "Time")) else ""


def updated(new: Obj, old: Obj) -> list[Cause]:
    """What ValidateEventUpdate adds for the new API: a changed series validated, and the rest immutable."""
    ev, before = _core_event(new), _core_event(old)
    causes = _event_series(ev) if ev.get("series") != before.get("series") else []
    return causes + [invalid("reportingController" if f == "reportingComponent" else f, _event_value(f, ev.get(f)),
                             "field is immutable") for f in _EVENT_IMMUTABLE if ev.get(f) != before.get(f)]
