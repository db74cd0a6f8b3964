"""The Event kind through its two APIs, without sockets: core/v1 and events.k8s.io/v1 views of one object
(apiserver/eventapi.py), each API's field selectors, and the apiserver's validation of events through
either (specvalidation.py). tests/test_writes_random_realkube.py compares the same with the real apiserver."""

from __future__ import annotations

from typing import Any

import pytest
from watchproxy.apiserver import eventapi, specvalidation
from watchproxy.wire import selectors
from watchproxy.wire.params import InvalidParams

NEW = {"apiVersion": "events.k8s.io/v1", "kind": "Event", "metadata": {"name": "p.1", "namespace": "ns"},
       "eventTime": "2026-12-03T10:00:00.123456Z", "reportingController": "example.com/ctl",
       "reportingInstance": "ctl-1", "action": "Sync", "reason": "Synced", "type": "Normal", "note": "synced",
       "regarding": {"kind": "Pod", "namespace": "ns", "name": "p", "apiVersion": "v1"}}
OLD = {"apiVersion": "v1", "kind": "Event", "metadata": {"name": "p.2", "namespace": "ns"},
       "involvedObject": {"kind": "Pod", "namespace": "ns", "name": "p"}, "reason": "Started", "message": "started",
       "source": {"component": "kubelet"}, "firstTimestamp": "2026-12-03T10:00:00Z",
       "lastTimestamp": "2026-12-03T10:00:05Z", "count": 2, "type": "Normal"}


def test_a_new_api_event_through_the_core_api() -> None:
    core = eventapi.as_core(NEW)
    assert core == {"kind": "Event", "apiVersion": "v1", "metadata": NEW["metadata"],
                    "involvedObject": NEW["regarding"], "reason": "Synced", "message": "synced", "source": {},
                    "firstTimestamp": None, "lastTimestamp": None, "type": "Normal",
                    "eventTime": "2026-12-03T10:00:00.123456Z", "action": "Sync",
                    "reportingComponent": "example.com/ctl", "reportingInstance": "ctl-1"}
    assert eventapi.as_events(core) == {**NEW, "deprecatedSource": {}, "deprecatedFirstTimestamp": None,
                                          "deprecatedLastTimestamp": None}


def test_a_core_event_through_the_new_api() -> None:
    new = eventapi.as_events(OLD)
    assert (new["regarding"], new["note"], new["deprecatedSource"], new["deprecatedCount"]) == (
        OLD["involvedObject"], "started", {"component": "kubelet"}, 2)
    assert new["deprecatedFirstTimestamp"] == "2026-12-03T10:00:00Z" and new["eventTime"] is None  # not omitempty
    assert eventapi.OTHER_VIEW[eventapi.CORE_PATH][0] == eventapi.EVENTS_PATH


@pytest.mark.parametrize(("group", "selector", "matched"), [
    ("", "involvedObject.name=p,reason=Started", ["p.2"]),
    ("", "source=kubelet", ["p.2"]),
    ("", "source=example.com/ctl", ["p.1"]),  # no source component: the reporting controller
    ("", "reportingComponent=example.com/ctl", ["p.1"]),
    ("events.k8s.io", "regarding.name=p,type=Normal", ["p.1", "p.2"]),
    ("events.k8s.io", "reportingController=example.com/ctl", ["p.1"]),
])
def test_each_api_selects_events_by_its_own_fields(group: str, selector: str, matched: list[str]) -> None:
    view = eventapi.as_events if group else eventapi.as_core
    match = selectors.matcher("", selector, "events", group)
    assert [e["metadata"]["name"] for e in map(view, (NEW, OLD)) if match(e)] == matched


@pytest.mark.parametrize(("group", "selector"), [("events.k8s.io", "involvedObject.name=p"),
                                                 ("events.k8s.io", "source=x"), ("", "regarding.name=p")])
def test_a_field_of_the_other_api_is_not_supported(group: str, selector: str) -> None:
    with pytest.raises(InvalidParams, match=f"^field label not supported: {selector.split('=')[0]}$"):
        selectors.matcher("", selector, "events", group)


def _causes(obj: dict[str, Any], old: dict[str, Any] | None = None) -> list[tuple[str, str]]:
    return [(path, message) for path, _, message in specvalidation.spec_causes(obj, old)]


@pytest.mark.parametrize(("changes", "wrong"), [
    ({}, []),
    ({"regarding": {"kind": "Node", "name": "n1"}}, [("involvedObject.namespace", 'Invalid value: "": does not match '
                                                                                  "event.namespace")]),
    ({"reportingController": None}, [("reportingController", "Required value"),
                                     ("reportingController", 'Invalid value: "": name part must be non-empty')]),
    ({"action": None, "note": "x" * 1025}, [("action", "Required value"),
                                           ("message", 'Invalid value: "": can have at most 1024 characters')]),
    ({"eventTime": None, "type": "Odd"}, [("eventTime", "Required value"),
                                          ("type", 'Invalid value: "": has invalid value: Odd')]),
    ({"series": {"count": 1}, "deprecatedCount": 3}, [("series.count", 'Invalid value: "": should be at least 2'),
                                                      ("series.lastObservedTime", "Required value"),
                                                      ("count", 'Invalid value: "": needs to be unset')]),
])
def test_a_new_api_event_is_validated_by_the_internal_fields(changes: dict[str, Any],
                                                             wrong: list[tuple[str, str]]) -> None:
    obj = {k: v for k, v in {**NEW, **changes}.items() if v is not None}
    got = _causes(eventapi.as_events(eventapi.as_core(obj)))
    assert [c for c in got if not c[1].startswith("Invalid value: \"\": name part must consist")] == wrong


def test_an_old_api_event_is_checked_for_its_namespace_only_without_an_event_time() -> None:
    assert _causes(OLD) == []
    moved = {**OLD, "involvedObject": {**OLD["involvedObject"], "namespace": "other"}}
    assert _causes(moved) == [("involvedObject.namespace", 'Invalid value: "other": does not match event.namespace')]
    timed = {**OLD, "eventTime": "2026-12-03T10:00:00.000000Z"}
    assert [p for p, _ in _causes(timed)][:3] == ["reportingComponent", "reportingComponent", "reportingComponent"]


def test_a_new_api_event_may_change_its_series_only() -> None:
    stored = eventapi.as_events(eventapi.as_core(NEW))
    series = {**stored, "series": {"count": 2, "lastObservedTime": "2026-12-03T10:01:00.000000Z"}}
    assert _causes(series, stored) == []
    changed = {**stored, "note": "other", "regarding": {**stored["regarding"], "name": "q"}, "deprecatedCount": 4}
    assert _causes(changed, stored) == [
        ("involvedObject", 'Invalid value: {"Kind":"Pod","Namespace":"ns","Name":"q","UID":"","APIVersion":"v1",'
                           '"ResourceVersion":"","FieldPath":""}: field is immutable'),
        ("message", 'Invalid value: "other": field is immutable'), ("count", "Invalid value: 4: field is immutable")]
