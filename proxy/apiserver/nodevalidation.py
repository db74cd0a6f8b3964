"""Nodes as kube-apiserver v1.37 validates them (ValidateNode, ValidateNodeUpdate in
pkg/apis/core/validation): what kubelets, fake-node tools and controllers that taint or label nodes write.
Taints (under `metadata.taints`, as the apiserver names them), pod CIDRs (valid, one per family, fixed once
set), capacity and allocatable quantities, declared features, addresses, the provider ID (set once: declarative
validation's words, after the rest).

Not modelled: the deprecated config source and status, swap status and the taints and avoid-pods
annotations."""

from __future__ import annotations

import re
from typing import Any

from ..wire import names
from ..wire.gostrings import quote
from .fielderrors import Cause, duplicate, forbidden, internal, invalid, invalid_each
from .ipvalidation import cidr, legacy_cidr
from .podspecfields import TAINT_EFFECTS
from .podvalidation import as_dict, dicts, one_of
from .resourcelists import integer_resource, quantity_value_causes
from .validation import qualified_name

Obj = dict[str, Any]


def _taints(taints: list[Obj]) -> list[Cause]:
    """validateNodeTaints: a label name for a key, a label value, a known effect, no key twice per effect."""
    causes: list[Cause] = []
    seen: set[tuple[str, str]] = set()
    for i, taint in enumerate(taints):
        at = f"metadata.taints[{i}]"
        key, value, effect = (str(taint.get(k) or "") for k in ("key", "value", "effect"))
        causes += invalid_each(f"{at}.key", key, qualified_name(key))
        if errs := names.label_value(value):
            causes.append(invalid(f"{at}.value", value, ";".join(errs)))
        causes += one_of(f"{at}.effect", effect, TAINT_EFFECTS)
        if (key, effect) in seen:  # (the internal struct, which has no JSON names)
            shown = {"Key": key, "Value": value, "Effect": effect, "TimeAdded": taint.get("timeAdded")}
            path, reason, message = duplicate(at, shown)
            causes.append((path, reason, f"{message}: taints must be unique by key and effect pair"))
            continue
        seen.add((key, effect))
    return causes


def _resources(obj: Obj) -> list[Cause]:
    """ValidateNodeResources: capacity and allocatable quantities not negative, whole where counted."""
    status = as_dict(obj.get("status"))
    return [c for part in ("capacity", "allocatable") for name, amount in sorted(as_dict(status.get(part)).items())
            for c in quantity_value_causes(amount, f"status.{part}.{name}", integer_resource(name))]


_DECLARED_FEATURE = re.compile(r"[A-Z][a-zA-Z0-9]*(/[a-zA-Z][a-zA-Z0-9]*)*")


def _declared_features(obj: Obj) -> list[Cause]:
    """validateNodeDeclaredFeatures (NodeDeclaredFeatures is GA): each an UpperCamelCase name with sub-features
    after slashes, at most 253 characters, the list sorted with none twice."""
    features = as_dict(obj.get("status")).get("declaredFeatures")
    listed = [str(f) for f in features] if isinstance(features, list) else []
    causes, path = [], "status.declaredFeatures"
    for i, feature in enumerate(listed):
        if len(feature) > 253:
            causes.append(invalid(f"{path}[{i}]", feature, f"invalid feature name {quote(feature)}: must be no more "
                                                           "than 253 characters"))
        elif not _DECLARED_FEATURE.fullmatch(feature):
            causes.append(invalid(f"{path}[{i}]", feature, f"invalid feature name {quote(feature)}: must start with "
                                  "an UpperCamelCase segment, with subsequent segments separated by '/' (e.g., "
                                  "MyFeature or MyFeature/mySubFeature), and contain only alphanumeric characters "
                                  "and slashes"))
        if i + 1 < len(listed) and feature == listed[i + 1]:
            causes.append(duplicate(f"{path}[{i + 1}]", listed[i + 1]))
        elif i + 1 < len(listed) and feature > listed[i + 1]:
            causes.append(invalid(f"{path}[{i + 1}]", listed[i + 1], "list must be sorted alphabetically"))
    return causes


def node_create(obj: Obj) -> list[Cause]:
    """ValidateNode past its name."""
    spec = as_dict(obj.get("spec"))
    causes = _taints(dicts(spec.get("taints"))) + _resources(obj) + _declared_features(obj)
    pod_cidrs = [str(c) for c in spec.get("podCIDRs") or []]
    causes += [c for i, value in enumerate(pod_cidrs) for c in legacy_cidr(f"spec.podCIDRs[{i}]", value)]
    if len(pod_cidrs) > 1:
        nets = [cidr(c) for c in pod_cidrs]
        if (bad := next((i for i, net in enumerate(nets) if net is None), None)) is not None:
            # netutils.IsDualStackCIDRStrings parses them all first: the first it cannot is its error
            causes.append(internal("spec.podCIDRs", "invalid PodCIDRs. failed to check with dual stack with error:"
                                   f"invalid CIDR[{bad}]: <nil> (invalid CIDR address: {pod_cidrs[bad]})"))
        families = {net.version for net in nets if net is not None}
        if len(pod_cidrs) > 2 or len(families) != 2:
            causes.append(invalid("spec.podCIDRs", pod_cidrs, "may specify no more than one CIDR for each IP family"))
    return causes


def node_update(new: Obj, old: Obj) -> list[Cause]:
    """ValidateNodeUpdate (a spec's and a status's write alike), in its order but for the provider ID."""
    causes = _resources(new) + _declared_features(new)
    seen: list[Obj] = []
    for i, address in enumerate(dicts(as_dict(new.get("status")).get("addresses"))):
        if address in seen:
            shown = {"Type": address.get("type") or "", "Address": address.get("address") or ""}
            causes.append(duplicate(f"status.addresses[{i}]", shown))
        seen.append(address)
    spec, old_spec = as_dict(new.get("spec")), as_dict(old.get("spec"))
    before, now = old_spec.get("podCIDRs") or [], spec.get("podCIDRs") or []
    if before:
        changed = len(before) != len(now)
        why = 'node updates may not change podCIDR except from "" to valid'
        causes += [forbidden("spec.podCIDRs", why)] if changed else \
            [forbidden("spec.podCIDRs", why) for b, n in zip(before, now, strict=True) if b != n]
    causes += _taints(dicts(spec.get("taints")))
    if spec.get("externalID") != old_spec.get("externalID"):
        causes.append(forbidden("spec.externalID", "may not be updated"))
    return causes


def node_declared(new: Obj, old: Obj | None) -> list[Cause]:
    """Declarative validation's share: a provider ID, once set, neither changed nor cleared."""
    if old is None:
        return []
    before, now = (str(as_dict(o.get("spec")).get("providerID") or "") for o in (old, new))
    if before and now and before != now:
        return [invalid("spec.providerID", None, "field cannot be modified once set")]
    if before and not now:
        return [invalid("spec.providerID", None, "field cannot be cleared once set")]
    return []


def node_spec_update(new: Obj, old: Obj) -> list[Cause]:
    """A write to the node itself: its strategy keeps the stored status, then validates it as new
    (node_create) and as an update (node_update), a taint's fault reported by both."""
    kept = {**new, "status": old.get("status")}
    return node_create(kept) + node_update(kept, old)


def node_warnings(obj: Obj, _old: Obj | None = None) -> list[str]:
    """nodeWarnings: a config source (a removed feature), an external ID (unused)."""
    spec = as_dict(obj.get("spec"))
    warnings = ["spec.configSource: the feature is removed"] if spec.get("configSource") is not None else []
    return warnings + (["spec.externalID: this field is deprecated, and is unused by Kubernetes"]
                       if spec.get("externalID") else [])
