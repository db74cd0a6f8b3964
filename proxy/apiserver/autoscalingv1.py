"""A HorizontalPodAutoscaler through autoscaling/v1: the object autoscaling/v2 serves, converted through the
apiserver's internal type (k8s.io/kubernetes pkg/apis/autoscaling/v1/conversion.go). Old manifests, Helm charts
and clients still use v1, and a real apiserver serves both from one stored object.

v1 has one target, CPU utilization; every other metric, the scaling behavior, the current metrics and the
conditions ride in annotations as JSON, so a client that reads through v1 and writes back what it read loses
nothing. The annotations are read back and dropped on the way in (through v2 too), and a v1 autoscaler without
any target gets the apiserver's default of 80% CPU. An annotation that does not decode is ignored, as there.
The internal type is v2's shape, so v2 stands for it here; the behavior annotation is the internal struct as Go
writes one without JSON tags (field names capitalised).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ..wire.conversion import HPA_BEHAVIOR as BEHAVIOR
from ..wire.conversion import HPA_CONDITIONS as CONDITIONS
from ..wire.conversion import HPA_CURRENT_METRICS as CURRENT_METRICS
from ..wire.conversion import HPA_METRICS as METRICS
from ..wire.conversion import HPA_ROUND_TRIP as _ROUND_TRIP
from ..wire.jsonenc import go_json
from . import quantity
from .goorder import encoded

Obj = dict[str, Any]
KIND = "HorizontalPodAutoscaler"
V1, V2 = "autoscaling/v1", "autoscaling/v2"
V1_PATH, V2_PATH = "/apis/autoscaling/v1/horizontalpodautoscalers", "/apis/autoscaling/v2/horizontalpodautoscalers"
DEFAULT_CPU_UTILIZATION = 80
_SPEC_NOTES, _STATUS_NOTES = (METRICS, BEHAVIOR), (CURRENT_METRICS, CONDITIONS)  # which part each carries


def through_v1(obj: Obj) -> bool:
    """Whether `obj` is an autoscaler as v1 shows it (the lossy view the rest of the apiserver converts)."""
    return (obj.get("apiVersion"), obj.get("kind")) == (V1, KIND)


def _d(value: Any) -> Obj:
    return value if isinstance(value, dict) else {}


def _some(**fields: Any) -> Obj:
    """The fields that are set: a Go pointer's omitempty."""
    return {k: v for k, v in fields.items() if v is not None}


def without_round_trip(meta: Obj) -> Obj:
    """ObjectMeta without the annotations conversion owns (an annotation map left empty goes)."""
    given = meta.get("annotations")
    if not isinstance(given, dict) or not any(k in given for k in _ROUND_TRIP):
        return meta
    kept = {k: v for k, v in given.items() if k not in _ROUND_TRIP}
    return {k: v for k, v in meta.items() if k != "annotations"} | ({"annotations": kept} if kept else {})


def _counts(status: Obj) -> Obj:
    """The status fields both versions share."""
    return {**_some(observedGeneration=status.get("observedGeneration"), lastScaleTime=status.get("lastScaleTime")),
            "currentReplicas": status.get("currentReplicas", 0), "desiredReplicas": status.get("desiredReplicas", 0)}


def _cpu_utilization(metric: Any) -> Any:
    """The target of a CPU utilization metric (what v1's one field holds), else None."""
    if not isinstance(metric, dict) or metric.get("type") != "Resource" or not isinstance(metric.get("resource"), dict):
        return None
    resource = metric["resource"]
    return _d(resource.get("target")).get("averageUtilization") if resource.get("name") == "cpu" else None


# --- v2 (internal) -> v1 -------------------------------------------------------------------------------------
def _ref_v1(ref: Any) -> Obj:
    r = _d(ref)
    return {"kind": r.get("kind", ""), "name": r.get("name", ""), **_some(apiVersion=r.get("apiVersion") or None)}


def _metric_v1(m: Obj) -> Obj:
    out: Obj = {"type": m.get("type", "")}
    if isinstance(o := m.get("object"), dict):
        t, ident = _d(o.get("target")), _d(o.get("metric"))
        out["object"] = {"target": _ref_v1(o.get("describedObject")), "metricName": ident.get("name", ""),
                         "targetValue": t.get("value") or "0",
                         **_some(selector=ident.get("selector"), averageValue=t.get("averageValue"))}
    if isinstance(p := m.get("pods"), dict):
        t, ident = _d(p.get("target")), _d(p.get("metric"))
        out["pods"] = {"metricName": ident.get("name", ""), "targetAverageValue": t.get("averageValue") or "0",
                       **_some(selector=ident.get("selector"))}
    for key in ("resource", "containerResource"):
        if isinstance(r := m.get(key), dict):
            t = _d(r.get("target"))
            out[key] = {"name": r.get("name", ""), **_some(targetAverageUtilization=t.get("averageUtilization"),
                                                           targetAverageValue=t.get("averageValue"))}
            if key == "containerResource":
                out[key]["container"] = r.get("container", "")
    if isinstance(e := m.get("external"), dict):
        t, ident = _d(e.get("target")), _d(e.get("metric"))
        out["external"] = {"metricName": ident.get("name", ""), **_some(
            metricSelector=ident.get("selector"), targetValue=t.get("value"), targetAverageValue=t.get("averageValue"))}
    return out


def _metric_status_v1(m: Obj) -> Obj:
    out: Obj = {"type": m.get("type", "")}
    if isinstance(o := m.get("object"), dict):
        c, ident = _d(o.get("current")), _d(o.get("metric"))
        out["object"] = {"target": _ref_v1(o.get("describedObject")), "metricName": ident.get("name", ""),
                         "currentValue": c.get("value") or "0",
                         **_some(selector=ident.get("selector"), averageValue=c.get("averageValue"))}
    if isinstance(p := m.get("pods"), dict):
        c, ident = _d(p.get("current")), _d(p.get("metric"))
        out["pods"] = {"metricName": ident.get("name", ""), "currentAverageValue": c.get("averageValue") or "0",
                       **_some(selector=ident.get("selector"))}
    for key in ("resource", "containerResource"):
        if isinstance(r := m.get(key), dict):
            c = _d(r.get("current"))
            out[key] = {"name": r.get("name", ""), **_some(currentAverageUtilization=c.get("averageUtilization")),
                        "currentAverageValue": c.get("averageValue") or "0"}
            if key == "containerResource":
                out[key]["container"] = r.get("container", "")
    if isinstance(e := m.get("external"), dict):
        c, ident = _d(e.get("current")), _d(e.get("metric"))
        out["external"] = {"metricName": ident.get("name", ""), **_some(metricSelector=ident.get("selector")),
                           "currentValue": c.get("value") or "0", **_some(currentAverageValue=c.get("averageValue"))}
    return out


def _condition(c: Obj) -> Obj:
    """A condition, the same fields in both versions (and in the annotation)."""
    return {"type": c.get("type", ""), "status": c.get("status", ""), "lastTransitionTime": c.get("lastTransitionTime"),
            **_some(reason=c.get("reason") or None, message=c.get("message") or None,
                    observedGeneration=c.get("observedGeneration"))}


def _rules_internal(rules: Any) -> Obj | None:
    if not isinstance(rules, dict):
        return None
    policies = rules.get("policies")
    return {"StabilizationWindowSeconds": rules.get("stabilizationWindowSeconds"),
            "SelectPolicy": rules.get("selectPolicy"),
            "Policies": [{"Type": _d(p).get("type", ""), "Value": _d(p).get("value", 0),
                          "PeriodSeconds": _d(p).get("periodSeconds", 0)} for p in policies]
            if isinstance(policies, list) else None,
            "Tolerance": rules.get("tolerance")}


def _annotation(value: Any) -> str:
    return go_json(value).decode()


def as_v1(obj: Obj) -> Obj:
    """An autoscaling/v2 HorizontalPodAutoscaler as autoscaling/v1 serves it."""
    spec, status = _d(obj.get("spec")), _d(obj.get("status"))
    meta = without_round_trip(_d(obj.get("metadata")))
    notes = dict(_d(meta.get("annotations")))
    metrics = [m for m in spec.get("metrics") or [] if isinstance(m, dict)]
    if others := [_metric_v1(m) for m in metrics if _cpu_utilization(m) is None]:
        notes[METRICS] = _annotation(others)
    current = [m for m in status.get("currentMetrics") or [] if isinstance(m, dict)]
    if current:
        notes[CURRENT_METRICS] = _annotation([_metric_status_v1(m) for m in current])
    if isinstance(behavior := spec.get("behavior"), dict):
        notes[BEHAVIOR] = _annotation({"ScaleUp": _rules_internal(behavior.get("scaleUp")),
                                       "ScaleDown": _rules_internal(behavior.get("scaleDown"))})
    if conditions := [c for c in status.get("conditions") or [] if isinstance(c, dict)]:
        notes[CONDITIONS] = _annotation([_condition(c) for c in conditions])
    if notes:
        meta = {**meta, "annotations": notes}
    cpu_now = None
    for m in current:
        if m.get("type") == "Resource" and _d(m.get("resource")).get("name") == "cpu":
            cpu_now = _d(_d(m["resource"]).get("current")).get("averageUtilization", cpu_now)
    target = next((u for m in metrics if (u := _cpu_utilization(m)) is not None), None)
    v1_spec = {"scaleTargetRef": _ref_v1(spec.get("scaleTargetRef")), **_some(minReplicas=spec.get("minReplicas")),
               "maxReplicas": spec.get("maxReplicas", 0), **_some(targetCPUUtilizationPercentage=target)}
    v1_status = {**_counts(status), **_some(currentCPUUtilizationPercentage=cpu_now)}
    return encoded({"metadata": meta, "spec": v1_spec, "status": v1_status}, KIND, V1)


# --- v1 -> v2 (internal) -------------------------------------------------------------------------------------
class _Unreadable(ValueError):
    """An annotation Go's decoder refuses (the conversion then ignores it)."""


def _field(d: Obj, name: str) -> Any:
    """A field as Go's decoder finds it: by its name, else by the name in any case."""
    if name in d:
        return d[name]
    return next((v for k, v in d.items() if k.lower() == name.lower()), None)


def _struct(value: Any) -> Obj | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _Unreadable
    return value


def _str(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _Unreadable
    return value


def _int(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value):
        raise _Unreadable
    return int(value)


def _qty(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise _Unreadable
    try:
        return quantity.canonical(value.strip() if isinstance(value, str) else json.dumps(value))
    except quantity.QuantityError:
        raise _Unreadable from None


def _is_zero(q: str) -> bool:
    return quantity.value(q) == 0


def _ref_v2(value: Any) -> Obj:
    r = _struct(value) or {}
    return {"kind": _str(_field(r, "kind")), "name": _str(_field(r, "name")),
            **_some(apiVersion=_str(_field(r, "apiVersion")) or None)}


def _identifier(d: Obj, selector: str = "selector") -> Obj:
    return {"name": _str(_field(d, "metricName")), **_some(selector=_struct(_field(d, selector)))}


def _resource_target(d: Obj) -> tuple[Obj, int | None]:
    utilization, average = _int(_field(d, "targetAverageUtilization")), _qty(_field(d, "targetAverageValue"))
    return _some(averageValue=average, averageUtilization=utilization), utilization


def _metric_v2(value: Any) -> Obj:
    m = _struct(value) or {}
    out: Obj = {"type": _str(_field(m, "type"))}
    if (o := _struct(_field(m, "object"))) is not None:
        target_value, average = _qty(_field(o, "targetValue")) or "0", _qty(_field(o, "averageValue"))
        target = {"type": "Value", "value": target_value} if average is None else \
            {"type": "AverageValue", **({} if _is_zero(target_value) else {"value": target_value}),
             "averageValue": average}
        out["object"] = {"describedObject": _ref_v2(_field(o, "target")), "target": target, "metric": _identifier(o)}
    if (p := _struct(_field(m, "pods"))) is not None:
        out["pods"] = {"metric": _identifier(p), "target": {
            "type": "AverageValue", "averageValue": _qty(_field(p, "targetAverageValue")) or "0"}}
    for key in ("resource", "containerResource"):
        if (r := _struct(_field(m, key))) is not None:
            given, utilization = _resource_target(r)
            out[key] = {"name": _str(_field(r, "name")),
                        "target": {"type": "AverageValue" if utilization is None else "Utilization", **given}}
            if key == "containerResource":
                out[key]["container"] = _str(_field(r, "container"))
    if (e := _struct(_field(m, "external"))) is not None:
        value_, average = _qty(_field(e, "targetValue")), _qty(_field(e, "targetAverageValue"))
        out["external"] = {"metric": _identifier(e, "metricSelector"), "target": {
            "type": "AverageValue" if value_ is None else "Value", **_some(value=value_, averageValue=average)}}
    return out


def _metric_status_v2(value: Any) -> Obj:
    m = _struct(value) or {}
    out: Obj = {"type": _str(_field(m, "type"))}
    if (o := _struct(_field(m, "object"))) is not None:
        out["object"] = {"metric": _identifier(o), "current": {
            "value": _qty(_field(o, "currentValue")) or "0", **_some(averageValue=_qty(_field(o, "averageValue")))},
            "describedObject": _ref_v2(_field(o, "target"))}
    if (p := _struct(_field(m, "pods"))) is not None:
        out["pods"] = {"metric": _identifier(p),
                       "current": {"averageValue": _qty(_field(p, "currentAverageValue")) or "0"}}
    for key in ("resource", "containerResource"):
        if (r := _struct(_field(m, key))) is not None:
            out[key] = {"name": _str(_field(r, "name")), "current": {
                "averageValue": _qty(_field(r, "currentAverageValue")) or "0",
                **_some(averageUtilization=_int(_field(r, "currentAverageUtilization")))}}
            if key == "containerResource":
                out[key]["container"] = _str(_field(r, "container"))
    if (e := _struct(_field(m, "external"))) is not None:
        out["external"] = {"metric": _identifier(e, "metricSelector"), "current": {
            "value": _qty(_field(e, "currentValue")) or "0",
            **_some(averageValue=_qty(_field(e, "currentAverageValue")))}}
    return out


def _condition_v2(value: Any) -> Obj:
    c = _struct(value) or {}
    when = _field(c, "lastTransitionTime")
    if when is not None and not isinstance(when, str):
        raise _Unreadable
    return _condition({"type": _str(_field(c, "type")), "status": _str(_field(c, "status")), "lastTransitionTime": when,
                       "reason": _str(_field(c, "reason")), "message": _str(_field(c, "message")),
                       "observedGeneration": _int(_field(c, "observedGeneration"))})


def _rules_v2(value: Any) -> Obj | None:
    r = _struct(value)
    if r is None:
        return None
    policies = _field(r, "Policies")
    if policies is not None and not isinstance(policies, list):
        raise _Unreadable
    listed = [{"type": _str(_field(p, "Type")), "value": _int(_field(p, "Value")) or 0,
               "periodSeconds": _int(_field(p, "PeriodSeconds")) or 0}
              for p in (_struct(p) or {} for p in policies or [])]
    return _some(stabilizationWindowSeconds=_int(_field(r, "StabilizationWindowSeconds")),
                 selectPolicy=_str(_field(r, "SelectPolicy")) if _field(r, "SelectPolicy") is not None else None,
                 policies=listed or None, tolerance=_qty(_field(r, "Tolerance")))


def _behavior_v2(value: Any) -> Obj | None:
    b = _struct(value) or {}
    rules = _some(scaleUp=_rules_v2(_field(b, "ScaleUp")), scaleDown=_rules_v2(_field(b, "ScaleDown")))
    return rules or None  # (an empty behavior is no behavior)


def _decoded(notes: Obj, key: str, convert: Callable[[Any], Any], listed: bool = True) -> Any:
    """An annotation decoded and converted; None where it is missing or Go's decoder would refuse it."""
    text = notes.get(key)
    if not isinstance(text, str):
        return None
    try:
        value = json.loads(text)
        if listed:
            if value is None:
                return []  # (null decodes to an empty list)
            if not isinstance(value, list):
                raise _Unreadable
            return [convert(v) for v in value]
        return convert(value)
    except (ValueError, RecursionError):
        return None


def _cpu_target(utilization: Any) -> Obj:
    return {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization",
                                                                       "averageUtilization": utilization}}}


def as_v2(obj: Obj) -> Obj:
    """An autoscaling/v1 HorizontalPodAutoscaler as autoscaling/v2 (and the apiserver's internal type) holds it."""
    spec, status, meta = _d(obj.get("spec")), _d(obj.get("status")), _d(obj.get("metadata"))
    notes = _d(meta.get("annotations"))
    target = spec.get("targetCPUUtilizationPercentage")
    metrics = [_cpu_target(target)] if target is not None else []
    if (others := _decoded(notes, METRICS, _metric_v2)) is not None:
        metrics = others + metrics
    behavior = _decoded(notes, BEHAVIOR, _behavior_v2, listed=False)
    now = status.get("currentCPUUtilizationPercentage")
    current = [{"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": now}}}] \
        if now is not None else None
    if (decoded := _decoded(notes, CURRENT_METRICS, _metric_status_v2)) is not None:
        current = decoded
    v2_spec = {"scaleTargetRef": _d(spec.get("scaleTargetRef")), **_some(minReplicas=spec.get("minReplicas")),
               "maxReplicas": spec.get("maxReplicas", 0),
               "metrics": metrics or [_cpu_target(DEFAULT_CPU_UTILIZATION)], **_some(behavior=behavior)}
    v2_status = {**_counts(status),
                 **_some(currentMetrics=current, conditions=_decoded(notes, CONDITIONS, _condition_v2))}
    return encoded({"metadata": without_round_trip(meta), "spec": v2_spec, "status": v2_status}, KIND, V2)


def take(obj: Obj, part: str, source: Obj | None) -> None:
    """Where a write keeps `part` ("spec" or "status") of the stored object (`source`; None: an empty one, as a
    create's status), a v1 autoscaler keeps the annotations that carry the rest of it too (in place; nothing
    for any other object)."""
    if not through_v1(obj):
        return
    keys = _SPEC_NOTES if part == "spec" else _STATUS_NOTES
    meta = obj.get("metadata")
    if not isinstance(meta, dict):
        meta = obj["metadata"] = {}
    kept = _d(_d((source or {}).get("metadata")).get("annotations"))
    notes = {k: v for k, v in _d(meta.get("annotations")).items() if k not in keys} | \
        {k: v for k, v in kept.items() if k in keys}
    if notes:
        meta["annotations"] = notes
    else:
        meta.pop("annotations", None)


def as_v2_over(obj: Obj, before: Obj | None, written: Obj | None, kept: str) -> Obj:
    """A v1 autoscaler a write stored, as v2 holds it: `written`, the internal form the write made (None for a
    write that changed neither spec nor status: a delete's), with the part the strategy kept (`kept`: the status
    under a spec write, the spec under a status write) as v2 held it `before` — read back from v1's view, it
    would change (v1 cannot tell a missing quantity from a zero one)."""
    view = as_v2(obj)
    new = {**(written if written is not None else view), "metadata": view["metadata"]}
    if before is not None:
        new.update((part, before.get(part)) for part in ((kept,) if written is not None else ("spec", "status"))
                   if part)
    return new


# a collection of autoscalers -> the other version's collection of the same objects, and how an object looks there
OTHER_VIEW: dict[str, tuple[str, Callable[[Obj], Obj]]] = {V2_PATH: (V1_PATH, as_v1), V1_PATH: (V2_PATH, as_v2)}


def printed(obj: Obj) -> Obj:
    """What the Table printer reads: the internal type, so v1 prints the same columns as v2, and its rows
    carry the internal object's metadata (without the annotations v1 adds)."""
    return as_v2(obj) if through_v1(obj) else obj
