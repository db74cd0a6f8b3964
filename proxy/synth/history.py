"""The cluster's history a scenario describes: every object version, in resourceVersion order.

This decides what each object looks like and which resourceVersion each change gets; model.py files it
into the apiserver model's store, which answers every list and watch (as emulate's does), so a list's
resourceVersion, a watch's events and a re-watch from a resourceVersion always agree with each other.
Changes that make no sense (modify what does not exist, add twice) are refused here with the YAML path of
the change.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ..wire.kinds import ResourceType
from .encoding import go_json
from .objects import (
    Obj,
    PodModel,
    apply_patch,
    new_object,
    new_pod_model,
    normalize,
    render_pod_stage,
)
from .scenario import Change, ObjectSpec, Scenario, ScenarioError, describe_key
from .schema import POD_PHASES

Key = tuple[str, str, str]  # kind, namespace, name

# How long before t=0 the initial objects' containers got to each stage (a pod created at c was
# scheduled at once, its container created a second later and running two seconds after that).
_INITIAL_STAGE_OFFSET = {"Pending": 0, "Scheduled": 0, "ContainerCreating": 1, "Running": 3, "Succeeded": 13,
                         "Failed": 13}


@dataclass(frozen=True, slots=True)
class Version:
    """One state of one object, encoded once for watch events (`json`) and for list items (`item`)."""

    rv: int
    rt: ResourceType
    key: Key
    json: bytes
    item: bytes

    @property
    def namespace(self) -> str:
        return self.key[1]


@dataclass(frozen=True, slots=True)
class Event:
    at: float
    type: str  # ADDED | MODIFIED | DELETED
    version: Version

    @property
    def rv(self) -> int:
        return self.version.rv


def _version(obj: Obj, rv: int, rt: ResourceType, key: Key) -> Version:
    stamped = {**obj, "metadata": {**obj["metadata"], "resourceVersion": str(rv)}}
    stamped = normalize(stamped, rt)
    item = {k: v for k, v in stamped.items() if k not in ("kind", "apiVersion")}
    return Version(rv, rt, key, go_json(stamped), go_json(item))


class History:
    """The initial state at t=0 and every change after it, with the resourceVersion each one got."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.initial: dict[Key, Version] = {}
        self.events: list[Event] = []
        self._times: list[float] = []
        _Builder(scenario, self).run()
        self._times = [e.at for e in self.events]

    def churn(self, t: float) -> int:
        """resourceVersions taken by writes to other resources (leases, events) by time t."""
        return math.floor(t * self.scenario.rv_churn_per_minute / 60 + 1e-9)

    def rv_of_change(self, index: int, at: float) -> int:
        return self.scenario.start_resource_version + index + 1 + self.churn(at)

    def rv_at(self, t: float, *, after_changes_at_t: bool = False) -> int:
        """The cluster's resourceVersion at time t (what a list or a bookmark reports)."""
        n = (bisect.bisect_right if after_changes_at_t else bisect.bisect_left)(self._times, t)
        return self.scenario.start_resource_version + n + self.churn(t)


class _Builder:
    """Walks objects and changes in order, keeping the live objects and the compact pods' models."""

    def __init__(self, scenario: Scenario, history: History) -> None:
        self.s = scenario
        self.h = history
        self.live: dict[Key, Obj] = {}
        self.types: dict[Key, ResourceType] = {}
        self.pods: dict[Key, PodModel] = {}
        self.origin: dict[Key, str] = {}
        self.gone: dict[Key, str] = {}
        self.incarnation: dict[Key, int] = {}

    def run(self) -> None:
        n = len(self.s.objects)
        for i, spec in enumerate(self.s.objects):
            created = self.s.start_time - timedelta(seconds=60 + n - i)
            obj = self._create(spec, created, initial=True)
            rv = self.s.start_resource_version - n + 1 + i
            self.h.initial[spec.key] = _version(obj, rv, spec.type, spec.key)
        for index, change in enumerate(self.s.changes):
            self._apply(index, change)

    def _when(self, at: float) -> datetime:
        return self.s.start_time + timedelta(seconds=at)

    def _create(self, spec: ObjectSpec, created: datetime, *, initial: bool) -> Obj:
        inc = self.incarnation.get(spec.key, 0) + 1
        self.incarnation[spec.key] = inc
        pod = None
        if spec.type.kind == "Pod" and not spec.full:
            pod = new_pod_model(self.s.seed, spec, inc)
            self._stage(pod, str(spec.fields.get("phase", "Running")), created, initial)
            self.pods[spec.key] = pod
        else:
            self.pods.pop(spec.key, None)
        obj = new_object(self.s.seed, spec, created, inc, self.s.managed_fields, pod)
        self.live[spec.key] = obj
        self.types[spec.key] = spec.type
        self.origin[spec.key] = spec.where
        self.gone.pop(spec.key, None)
        return obj

    @staticmethod
    def _stage(pod: PodModel, phase: str, created: datetime, initial: bool) -> None:
        if not initial:
            pod.reach(phase, created)
            return
        for stage in POD_PHASES[: POD_PHASES.index(phase) + 1]:
            if stage == phase or stage not in ("Succeeded", "Failed"):
                pod.reach(stage, created + timedelta(seconds=_INITIAL_STAGE_OFFSET[stage]))

    def _apply(self, index: int, c: Change) -> None:
        rv = self.h.rv_of_change(index, c.at)
        if c.op == "add":
            assert c.add is not None
            if c.key in self.live:
                raise ScenarioError(f"{c.where}.add", f"{describe_key(c.key)} already exists "
                                                      f"(from {self.origin[c.key]})")
            obj = self._create(c.add, self._when(c.at), initial=False)
            self.h.events.append(Event(c.at, "ADDED", _version(obj, rv, c.type, c.key)))
            return
        if c.key not in self.live:
            why = f"deleted at {self.gone[c.key]}" if c.key in self.gone else "never created"
            raise ScenarioError(f"{c.where}.{c.op}",
                                f"{describe_key(c.key)} does not exist at {c.at:g}s ({why})")
        if c.op == "delete":
            obj = self.live.pop(c.key)
            self.gone[c.key] = c.where
            self.h.events.append(Event(c.at, "DELETED", _version(obj, rv, c.type, c.key)))
            return
        obj = self._modify(c, self.live[c.key])
        self.live[c.key] = obj
        self.h.events.append(Event(c.at, "MODIFIED", _version(obj, rv, c.type, c.key)))

    def _modify(self, c: Change, obj: Obj) -> Obj:
        where = f"{c.where}.modify"
        if c.phase is not None:
            pod = self.pods.get(c.key)
            if pod is None:
                raise ScenarioError(f"{where}.phase", "only pods created in compact form can change phase; "
                                                      "patch the status of a full object instead")
            pod.reach(c.phase, self._when(c.at))
            obj = normalize(render_pod_stage(obj, pod, c.phase, self.s.managed_fields), c.type)
        meta_patch: dict[str, Any] = {}
        if c.labels is not None:
            meta_patch["labels"] = c.labels
        if c.annotations is not None:
            meta_patch["annotations"] = c.annotations
        if meta_patch:
            obj = apply_patch(obj, {"metadata": meta_patch}, where, c.type)
        if c.patch is not None:
            obj = apply_patch(obj, c.patch, where, c.type)
        return obj
