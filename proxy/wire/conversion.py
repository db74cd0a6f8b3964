"""What a served version's conversion adds to an object that the apiserver's own (internal) object does not
hold. The views the apiserver makes of its internal object (a metadata client's PartialObjectMetadata, a
Table row's object, their bookmarks) leave it out; the object as served carries it."""

from __future__ import annotations

from typing import Any

TEMPLATE_GENERATION = "deprecated.daemonset.template.generation"  # apps/v1: the internal spec.templateGeneration
# autoscaling/v1: what v2 holds that v1 has no fields for (DropRoundTripHorizontalPodAutoscalerAnnotations)
_HPA = "autoscaling.alpha.kubernetes.io/"
HPA_METRICS, HPA_CURRENT_METRICS, HPA_CONDITIONS, HPA_BEHAVIOR = (
    _HPA + s for s in ("metrics", "current-metrics", "conditions", "behavior"))
HPA_ROUND_TRIP = (HPA_METRICS, HPA_BEHAVIOR, _HPA + "scale-down-tolerance", _HPA + "scale-up-tolerance",
                  HPA_CURRENT_METRICS, HPA_CONDITIONS)
_ADDED = {("apps/v1", "DaemonSet"): frozenset({TEMPLATE_GENERATION}),
          ("autoscaling/v1", "HorizontalPodAutoscaler"): frozenset(HPA_ROUND_TRIP)}


def internal_metadata(obj: dict[str, Any]) -> dict[str, Any]:
    """The object's metadata as its internal object holds it."""
    meta: dict[str, Any] = obj.get("metadata") or {}
    added = _ADDED.get((str(obj.get("apiVersion")), str(obj.get("kind"))), frozenset())
    annotations = meta.get("annotations") or {}
    if not added & set(annotations):
        return meta
    kept = {k: v for k, v in annotations.items() if k not in added}
    return {**meta, "annotations": kept} if kept else {k: v for k, v in meta.items() if k != "annotations"}


def as_metadata(obj: dict[str, Any], version: str = "v1") -> dict[str, Any]:
    """The object as a metadata client and a Table row get it: PartialObjectMetadata, its metadata alone (a
    bookmark's too), as the internal object holds it."""
    return {"kind": "PartialObjectMetadata", "apiVersion": f"meta.k8s.io/{version}", "metadata": internal_metadata(obj)}
