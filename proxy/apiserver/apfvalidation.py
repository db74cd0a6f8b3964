"""API Priority and Fairness's PriorityLevelConfigurations as kube-apiserver v1.37 validates them
(pkg/apis/flowcontrol/validation): the type and the member it names, a limited level's shares, percentages
and limit response, a queuing configuration's shuffle sharding. Which member a type requires or forbids is
declarative validation's (beta, it took those checks over): reported after the rest, without words.

Left out: the mandatory levels' fixed specs (`exempt` and `catch-all` exist in every replay, so a create of
either is a 409 first) and the status's conditions."""

from __future__ import annotations

import math
from typing import Any

from .fielderrors import Cause, forbidden, invalid, not_supported, required
from .podvalidation import as_dict

Obj = dict[str, Any]

_PRESERVE_ZERO_SHARES = "flowcontrol.k8s.io/v1beta3-preserve-zero-concurrency-shares"
_MAX_QUEUES, _MAX_HASH_BITS = 10**7, 60  # priorityLevelConfigurationQueuingMaxQueues, shufflesharding.MaxHashBits


def _percent(path: str, value: Any) -> list[Cause]:
    ok = value is None or 0 <= value <= 100
    return [] if ok else [invalid(path, value, "must be between 0 and 100, inclusive")]


def _queuing(q: Obj, path: str) -> list[Cause]:
    """ValidatePriorityLevelQueuingConfiguration (zeros are defaulted before: only negatives get here)."""
    length, queues, hand = (int(q.get(k) or 0) for k in ("queueLengthLimit", "queues", "handSize"))
    causes = [] if length > 0 else [invalid(f"{path}.queueLengthLimit", length, "must be positive")]
    if queues <= 0:
        causes.append(invalid(f"{path}.queues", queues, "must be positive"))
    elif queues > _MAX_QUEUES:
        causes.append(invalid(f"{path}.queues", queues, f"must not be greater than {_MAX_QUEUES}"))
    if hand <= 0:
        causes.append(invalid(f"{path}.handSize", hand, "must be positive"))
    elif hand > queues:
        causes.append(invalid(f"{path}.handSize", hand, f"should not be greater than queues ({queues})"))
    elif math.ceil(math.log2(queues) * hand) > _MAX_HASH_BITS:
        causes.append(invalid(f"{path}.handSize", hand, f"required entropy bits of deckSize {queues} and handSize "
                                                         f"{hand} should not be greater than {_MAX_HASH_BITS}"))
    return causes


def _limited(limited: Obj) -> list[Cause]:
    path = "spec.limited"
    shares = limited.get("nominalConcurrencyShares")
    causes = [invalid(f"{path}.nominalConcurrencyShares", shares, "must be a non-negative integer")] \
        if isinstance(shares, int) and shares < 0 else []
    response = as_dict(limited.get("limitResponse"))
    kind, queuing = response.get("type") or "", response.get("queuing")
    if kind == "Queue" and isinstance(queuing, dict):
        causes += _queuing(queuing, f"{path}.limitResponse.queuing")
    elif kind not in ("", "Queue", "Reject"):
        causes.append(not_supported(f"{path}.limitResponse.type", kind, ("Queue", "Reject")))
    causes += _percent(f"{path}.lendablePercent", limited.get("lendablePercent"))
    borrowing = limited.get("borrowingLimitPercent")
    if isinstance(borrowing, int) and borrowing < 0:
        causes.append(invalid(f"{path}.borrowingLimitPercent", borrowing,
                              "if specified, must be a non-negative integer"))
    return causes


def priority_level(obj: Obj) -> list[Cause]:
    """ValidatePriorityLevelConfiguration past its name, but for what declarative validation took over."""
    name = str(as_dict(obj.get("metadata")).get("name") or "")
    causes = [forbidden("metadata.annotations", f"annotation '{_PRESERVE_ZERO_SHARES}' is forbidden")] \
        if _PRESERVE_ZERO_SHARES in as_dict(as_dict(obj.get("metadata")).get("annotations")) else []
    spec = as_dict(obj.get("spec"))
    kind = spec.get("type") or ""
    if (name == "exempt") != (kind == "Exempt"):
        causes.append(invalid("spec.type", kind, "must be 'Exempt' if and only if `name` is 'exempt'"))
    if kind == "Exempt" and isinstance(exempt := spec.get("exempt"), dict):
        shares = exempt.get("nominalConcurrencyShares")
        if isinstance(shares, int) and shares < 0:
            causes.append(invalid("spec.exempt.nominalConcurrencyShares", shares, "must be a non-negative integer"))
        causes += _percent("spec.exempt.lendablePercent", exempt.get("lendablePercent"))
    elif kind == "Limited" and isinstance(limited := spec.get("limited"), dict):
        causes += _limited(limited)
    elif kind not in ("", "Exempt", "Limited"):
        causes.append(not_supported("spec.type", kind, ("Exempt", "Limited")))
    return causes


def _member(path: str, value: Any, named: bool, optional: bool = False) -> list[Cause]:
    """A union member as its discriminator asks for it (validate.Discriminated): where the discriminator names
    it, required (or optional), elsewhere forbidden."""
    if named:
        return [] if value is not None or optional else [required(path)]
    return [] if value is None else [forbidden(path, "")]


def priority_level_declared(obj: Obj, old: Obj | None) -> list[Cause]:
    """Declarative validation's share, in its order: the members each type names or forbids and the types
    required, each skipped on an update that changed neither it nor its discriminator (ratcheting)."""
    spec = as_dict(obj.get("spec"))
    old_spec = as_dict(old.get("spec")) if old is not None else None
    response = as_dict(as_dict(spec.get("limited")).get("limitResponse"))
    old_response = as_dict(as_dict(old_spec.get("limited")).get("limitResponse")) if old_spec is not None else None

    def changed(holder: Obj, old_holder: Obj | None, *keys: str) -> bool:
        return old_holder is None or any(holder.get(k) != old_holder.get(k) for k in keys)
    kind = spec.get("type") or ""
    causes = _member("spec.exempt", spec.get("exempt"), kind == "Exempt", optional=True) \
        if changed(spec, old_spec, "type", "exempt") else []
    causes += _member("spec.limited", spec.get("limited"), kind == "Limited") \
        if changed(spec, old_spec, "type", "limited") else []
    causes += [required("spec.type")] if not kind and changed(spec, old_spec, "type") else []
    if spec.get("limited") is not None:
        queuing = response.get("queuing")
        causes += _member("spec.limited.limitResponse.queuing", queuing, response.get("type") == "Queue") \
            if changed(response, old_response, "type", "queuing") else []
        causes += [required("spec.limited.limitResponse.type")] \
            if not response.get("type") and changed(response, old_response, "type") else []
    return causes
