"""API Priority and Fairness's configuration as kube-apiserver v1.37 validates it
(pkg/apis/flowcontrol/validation). PriorityLevelConfigurations: the type and the member it names, a limited
level's shares, percentages and limit response, a queuing configuration's shuffle sharding; which member a
type requires or forbids is declarative validation's (beta, it took those checks over), reported after the
rest, without words. FlowSchemas: the precedence, the distinguisher, the level referred to, each rule's
subjects and resource and non-resource rules, the status's conditions.

Left out: the mandatory objects' fixed specs (`exempt` and `catch-all` exist in every replay, so a create of
either is a 409 first) and a level's status conditions."""

from __future__ import annotations

import math
from typing import Any

from ..wire.names import dns_label, subdomain
from .fielderrors import Cause, duplicate, forbidden, invalid, not_supported, required, typed
from .podvalidation import as_dict, dicts

Obj = dict[str, Any]

_PRESERVE_ZERO_SHARES = "flowcontrol.k8s.io/v1beta3-preserve-zero-concurrency-shares"
_MAX_QUEUES, _MAX_HASH_BITS = 10**7, 60  # priorityLevelConfigurationQueuingMaxQueues, shufflesharding.MaxHashBits


def _percent(path: str, value: Any) -> list[Cause]:
    ok = value is None or 0 <= value <= 100
    return [] if ok else [invalid(path, value, "must be between 0 and 100, inclusive")]


def _shares(path: str, value: Any) -> list[Cause]:
    return [invalid(path, value, "must be a non-negative integer")] if isinstance(value, int) and value < 0 else []


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
    causes = _shares(f"{path}.nominalConcurrencyShares", limited.get("nominalConcurrencyShares"))
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
        causes.append(invalid("spec.type", typed(kind), "must be 'Exempt' if and only if `name` is 'exempt'"))
    if kind == "Exempt" and isinstance(exempt := spec.get("exempt"), dict):
        causes += _shares("spec.exempt.nominalConcurrencyShares", exempt.get("nominalConcurrencyShares"))
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


_MAX_PRECEDENCE = 10000  # FlowSchemaMaxMatchingPrecedence
_VERBS = ("create", "delete", "deletecollection", "get", "list", "patch", "proxy", "update", "watch")
_SUBJECTS = {"ServiceAccount": "serviceAccount", "User": "user", "Group": "group"}
_NS_INTRO = "each member of this list must be '*' or a DNS-1123 label; "


def _subject(subject: Obj, path: str) -> list[Cause]:
    kind = subject.get("kind") or ""
    if (member := _SUBJECTS.get(kind)) is None:
        return [not_supported(f"{path}.kind", kind, sorted(_SUBJECTS))]
    given = subject.get(member)
    if not isinstance(given, dict):
        causes = [required(f"{path}.{member}", f"{member} is required when subject kind is '{kind}'")]
    else:
        name = str(given.get("name") or "")
        causes = [] if name else [required(f"{path}.{member}.name")]
        if kind == "ServiceAccount":
            causes += [invalid(f"{path}.{member}.name", name, m) for m in subdomain(name)] if name and name != "*" \
                else []
            namespace = str(given.get("namespace") or "")
            causes += [invalid(f"{path}.{member}.namespace", namespace, m) for m in dns_label(namespace)] \
                if namespace else [required(f"{path}.{member}.namespace", "must specify namespace for service account")]
    for other, key in _SUBJECTS.items():
        if other != kind and subject.get(key) is not None:
            which = "not 'User'" if key == "user" else "not 'Group'" if key == "group" else "not 'ServiceAccount'"
            causes.append(forbidden(f"{path}.{key}", f"{key} is forbidden when subject kind is {which}"))
    return causes


def _verbs(rule: Obj, path: str) -> list[Cause]:
    verbs = [str(v) for v in rule.get("verbs") or []]
    if not verbs:
        return [required(f"{path}.verbs", "verbs must contain at least one value")]
    if "*" in verbs:
        return [invalid(f"{path}.verbs", verbs, "if '*' is present, must not specify other verbs")] if len(verbs) > 1 \
            else []
    return [] if set(verbs) <= set(_VERBS) else [not_supported(f"{path}.verbs", verbs, _VERBS)]


def _listed(rule: Obj, key: str, path: str, required_words: str, what: str) -> list[Cause]:
    values = [str(v) for v in rule.get(key) or []]
    if not values:
        return [required(f"{path}.{key}", required_words)]
    if len(values) > 1 and "*" in values:
        return [invalid(f"{path}.{key}", values, f"if '*' is present, must not specify other {what}")]
    return []


def _url_path(url: str) -> str:
    """ValidateNonResourceURLPath's complaint, if any."""
    if not url:
        return "must not be empty"
    if url == "/":
        return ""
    if not url.startswith("/"):
        return "must start with slash"
    if " " in url:
        return "must not contain white-space"
    if "//" in url:
        return "must not contain double slash"
    stars = url.count("*")
    return "wildcard can only do suffix matching" if stars > 1 or (stars == 1 and url[-2:] != "/*") else ""


def _rule(rule: Obj, path: str) -> list[Cause]:
    subjects = dicts(rule.get("subjects"))
    causes = [c for i, s in enumerate(subjects) for c in _subject(s, f"{path}.subjects[{i}]")] if subjects \
        else [required(f"{path}.subjects", "subjects must contain at least one value")]
    resource_rules, other_rules = dicts(rule.get("resourceRules")), dicts(rule.get("nonResourceRules"))
    if not resource_rules and not other_rules:
        causes.append(required(path, "at least one of resourceRules and nonResourceRules has to be non-empty"))
    for i, r in enumerate(resource_rules):
        at = f"{path}.resourceRules[{i}]"
        causes += _verbs(r, at)
        causes += _listed(r, "apiGroups", at, "resource rules must supply at least one api group", "api groups")
        causes += _listed(r, "resources", at, "resource rules must supply at least one resource", "resources")
        namespaces = [str(n) for n in r.get("namespaces") or []]
        if not namespaces and not r.get("clusterScope"):
            causes.append(required(f"{at}.namespaces",
                                   "resource rules that are not cluster scoped must supply at least one namespace"))
        elif "*" in namespaces:
            causes += _listed(r, "namespaces", at, "", "namespaces")
        else:
            causes += [invalid(f"{at}.namespaces[{j}]", n, _NS_INTRO + m) for j, n in enumerate(namespaces)
                       for m in dns_label(n)]
    for i, r in enumerate(other_rules):
        at = f"{path}.nonResourceRules[{i}]"
        causes += _verbs(r, at)
        urls = [str(u) for u in r.get("nonResourceURLs") or []]
        causes += _listed(r, "nonResourceURLs", at, "nonResourceURLs must contain at least one value",
                          "non-resource URLs")
        if "*" not in urls:
            causes += [invalid(f"{at}.nonResourceURLs[{j}]", u, why) for j, u in enumerate(urls)
                       if (why := _url_path(u))]
    return causes


def flow_schema(obj: Obj) -> list[Cause]:
    """ValidateFlowSchema past its name (an update is validated as a create)."""
    name = str(as_dict(obj.get("metadata")).get("name") or "")
    spec = as_dict(obj.get("spec"))
    precedence = spec.get("matchingPrecedence")
    causes: list[Cause] = []
    if isinstance(precedence, int):
        if precedence <= 0:
            causes.append(invalid("spec.matchingPrecedence", precedence, "must be a positive value"))
        if precedence > _MAX_PRECEDENCE:
            causes.append(invalid("spec.matchingPrecedence", precedence, f"must not be greater than {_MAX_PRECEDENCE}"))
        if precedence == 1 and name != "exempt":
            causes.append(invalid("spec.matchingPrecedence", precedence,
                                  "only the schema named 'exempt' may have matchingPrecedence 1"))
    method = spec.get("distinguisherMethod")
    if isinstance(method, dict) and method.get("type") not in ("ByNamespace", "ByUser"):
        # (the internal struct, which has no JSON names)
        causes.append(not_supported("spec.distinguisherMethod.type", {"Type": method.get("type") or ""},
                                    ("ByNamespace", "ByUser")))
    level = str(as_dict(spec.get("priorityLevelConfiguration")).get("name") or "")
    causes += [invalid("spec.priorityLevelConfiguration.name", level, m) for m in subdomain(level)] if level \
        else [required("spec.priorityLevelConfiguration.name", "must reference a priority level")]
    for i, rule in enumerate(dicts(spec.get("rules"))):
        causes += _rule(rule, f"spec.rules[{i}]")
    return causes + status_conditions(obj)


def status_conditions(obj: Obj) -> list[Cause]:
    """ValidateFlowSchemaStatus and ValidatePriorityLevelConfigurationStatus: each condition typed, no type
    twice."""
    causes, seen = [], set()
    for i, condition in enumerate(dicts(as_dict(obj.get("status")).get("conditions"))):
        kind = condition.get("type") or ""
        if kind in seen:
            causes.append(duplicate(f"status.conditions[{i}].type", typed(kind)))
        seen.add(kind)
        causes += [] if kind else [required(f"status.conditions[{i}].type")]
    return causes
