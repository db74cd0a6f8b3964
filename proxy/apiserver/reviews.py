"""What a user may do and who a client is, asked of the apiserver and answered without storing anything:
`kubectl auth can-i` (SelfSubjectAccessReview, SelfSubjectRulesReview), `kubectl auth whoami`
(SelfSubjectReview), and a webhook or an auth proxy asking about someone else (SubjectAccessReview,
LocalSubjectAccessReview), each as its REST handler in pkg/registry/authorization answers it.

The user is the client's (rbac.ADMIN, or whom it impersonates) or, for the two reviews about someone else,
the one the spec names, authorized as rbac.py decides.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..wire.params import InvalidParams
from ..wire.selectors import field_terms, parse_label_selector
from . import goorder, rbac
from .fielderrors import Cause, error_text, invalid, required
from .internal import semantic
from .validation import SELECTOR_OPERATORS, selector_requirement
from .writes import Outcome, Target, fail

# (and TokenReview, answered by tokens.py: who a token is)
KINDS = frozenset({"SelfSubjectAccessReview", "SelfSubjectRulesReview", "SelfSubjectReview", "SubjectAccessReview",
                   "LocalSubjectAccessReview", "TokenReview"})
_ABOUT_OTHERS = frozenset({"SubjectAccessReview", "LocalSubjectAccessReview"})
_ONE_OF = "exactly one of nonResourceAttributes or resourceAttributes must be specified"


def answer(t: Target, body: Any, timestamp: str, user: rbac.User, policy: Callable[[], rbac.Policy],
           managed: Callable[[dict[str, Any]], Any] = lambda _: None) -> Outcome:
    """The review with its status: 201, or the 422 of one that asks nothing, about nobody or with metadata
    (`managed`: the managedFields the field manager gave the review as asked, which that refusal quotes)."""
    doc = body if isinstance(body, dict) else {}
    spec: dict[str, Any] = doc["spec"] if isinstance(doc.get("spec"), dict) else {}
    meta: dict[str, Any] = doc["metadata"] if isinstance(doc.get("metadata"), dict) else {}
    head: dict[str, Any] = {"kind": t.kind, "apiVersion": t.api_version, "metadata": {}}
    if t.kind == "SelfSubjectReview":  # (the one review that says when it was made)
        return Outcome(201, {**head, "metadata": {"creationTimestamp": timestamp}, "status": {"userInfo": user.info()}})
    if t.kind == "SelfSubjectRulesReview":
        resource, non_resource, error = rbac.rules_for(user, str(spec.get("namespace") or ""), policy())
        rules = {"resourceRules": resource, "nonResourceRules": non_resource, "incomplete": False}
        return Outcome(201, {**head, "spec": {}, "status": rules | ({"evaluationError": error} if error else {})})
    if causes := _invalid(t, spec, meta, lambda: managed({"kind": t.kind, "apiVersion": t.api_version,
                                                           "metadata": meta, "spec": spec})):
        # (the apiserver's message names neither the kind nor the review)
        return fail(422, f'.{t.group} "" is invalid: {error_text(causes)}', "Invalid",
                    {"group": t.group, "causes": [{"reason": r, "message": m, "field": f} for f, r, m in causes]})
    if t.kind in _ABOUT_OTHERS:
        extra: dict[str, Any] = spec["extra"] if isinstance(spec.get("extra"), dict) else {}
        user = rbac.User(str(spec.get("user") or ""), tuple(spec.get("groups") or ()), str(spec.get("uid") or ""),
                         tuple((k, tuple(v or ())) for k, v in sorted(extra.items())))
    if t.kind == "LocalSubjectAccessReview":
        head["metadata"] = {"namespace": t.namespace}
    allowed, reason = rbac.authorize(_attributes(user, spec), policy())
    status: dict[str, Any] = {"allowed": allowed} | ({"reason": reason} if reason else {})
    if error := _evaluation_error(spec.get("resourceAttributes")):
        status["evaluationError"] = error
    return Outcome(201, goorder.encoded({**head, "spec": spec, "status": status}, t.kind, t.api_version))


def _invalid(t: Target, spec: dict[str, Any], meta: dict[str, Any], managed: Callable[[], Any]) -> list[Cause]:
    """ValidateSubjectAccessReview and its Self and Local variants: a review's metadata must be empty (but
    for its managedFields, and a local one's namespace), and is quoted whole, managedFields too."""
    resource, non_resource = spec.get("resourceAttributes"), spec.get("nonResourceAttributes")
    # (the value is the internal type's, which has no JSON names: {"Path":…,"Verb":…})
    internal = None if not isinstance(non_resource, dict) else \
        {"Path": str(non_resource.get("path") or ""), "Verb": str(non_resource.get("verb") or "")}
    causes = [invalid("spec", internal, _ONE_OF)] if (resource is None) == (non_resource is None) else []
    if t.kind in _ABOUT_OTHERS and not spec.get("user") and not spec.get("groups"):
        causes.append(invalid("spec.user", "", "at least one of user or group must be specified"))
    if isinstance(resource, dict):
        causes += _selector_attributes(resource.get("fieldSelector"), "spec.resourceAttributes.fieldSelector", False)
        causes += _selector_attributes(resource.get("labelSelector"), "spec.resourceAttributes.labelSelector", True)
    local = t.kind == "LocalSubjectAccessReview"
    if any(semantic(v) not in (None, "", 0, False) for k, v in meta.items()
           if k != "managedFields" and not (local and k == "namespace")):
        quoted = goorder.marshalled_meta({**meta, "managedFields": managed()})
        causes.append(invalid("metadata", quoted, "must be empty except for namespace" if local else "must be empty"))
    if local:
        if isinstance(resource, dict) and (resource.get("namespace") or "") != t.namespace:
            causes.append(invalid("spec.resourceAttributes.namespace", resource.get("namespace") or "",
                                  "must match metadata.namespace"))
        if non_resource is not None:
            causes.append(invalid("spec.nonResourceAttributes", internal, "disallowed on this kind of request"))
    return causes


def _selector_attributes(selector: Any, path: str, labelled: bool) -> list[Cause]:
    """validateFieldSelectorAttributes and validateLabelSelectorAttributes: a raw selector or requirements,
    not both; the requirements' operators may be ones this apiserver does not know (a newer client's)."""
    if not isinstance(selector, dict):
        return []
    raw, requirements = selector.get("rawSelector") or "", list(selector.get("requirements") or [])
    causes = []
    if raw and requirements:
        causes.append(invalid(f"{path}.rawSelector", raw, "may not specified at the same time as requirements"))
    if not raw and not requirements:
        causes.append(required(f"{path}.requirements", f"when {path} is specified, requirements or rawSelector is "
                                                        "required"))
    return causes + [c for i, r in enumerate(requirements) if isinstance(r, dict)
                     for c in selector_requirement(r, f"{path}.requirements[{i}]", labelled=labelled,
                                                   unknown_operators=True)]


def _evaluation_error(resource: Any) -> str:
    """BuildEvaluationError's share of the selectors (the authorizer's own errors are in its reason here):
    the requirements the authorizer could not take, each selector's ignored wholly or in part."""
    if not isinstance(resource, dict):
        return ""
    errors = []
    for name, parsed in (("fieldSelector", _field_requirements), ("labelSelector", _label_requirements)):
        if isinstance(selector := resource.get(name), dict) and (found := parsed(selector))[1]:
            errors.append(f"spec.resourceAttributes.{name} {'partially ' if found[0] else ''}ignored due to parse "
                          "error")
    return "; ".join(errors)


def _label_requirements(selector: dict[str, Any]) -> tuple[int, bool]:
    """(requirements taken, whether any was not) of labelSelectorAsSelector, or of labels.Parse of the raw
    selector (validation refused the rest of what labels.NewRequirement refuses)."""
    if requirements := [r for r in selector.get("requirements") or [] if isinstance(r, dict)]:
        taken = sum(r.get("operator") in SELECTOR_OPERATORS for r in requirements)
        return taken, taken < len(requirements)
    try:
        return len(parse_label_selector(str(selector.get("rawSelector") or ""))), False
    except InvalidParams:
        return 0, True


def _field_requirements(selector: dict[str, Any]) -> tuple[int, bool]:
    """The same of fieldSelectorAsSelector (one value, In or NotIn, taken as = or !=) or fields.ParseSelector."""
    if requirements := [r for r in selector.get("requirements") or [] if isinstance(r, dict)]:
        taken = sum(r.get("operator") in ("In", "NotIn") and len(r.get("values") or []) == 1 for r in requirements)
        return taken, taken < len(requirements)
    try:
        return len(field_terms(str(selector.get("rawSelector") or ""))), False
    except InvalidParams:
        return 0, True


def _attributes(user: rbac.User, spec: dict[str, Any]) -> rbac.Attributes:
    """authorizationutil.ResourceAttributesFrom and NonResourceAttributesFrom."""
    r = spec.get("resourceAttributes")
    if isinstance(r, dict):
        return rbac.Attributes(user, str(r.get("verb") or ""), True, str(r.get("group") or ""),
                               str(r.get("resource") or ""), str(r.get("subresource") or ""),
                               str(r.get("namespace") or ""), str(r.get("name") or ""))
    n = spec.get("nonResourceAttributes") or {}
    return rbac.Attributes(user, str(n.get("verb") or ""), False, path=str(n.get("path") or ""))
