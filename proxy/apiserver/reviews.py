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

from . import goorder, rbac
from .fielderrors import Cause, error_text, invalid
from .writes import Outcome, Target, fail

# (and TokenReview, answered by tokens.py: who a token is)
KINDS = frozenset({"SelfSubjectAccessReview", "SelfSubjectRulesReview", "SelfSubjectReview", "SubjectAccessReview",
                   "LocalSubjectAccessReview", "TokenReview"})
_ABOUT_OTHERS = frozenset({"SubjectAccessReview", "LocalSubjectAccessReview"})
_ONE_OF = "exactly one of nonResourceAttributes or resourceAttributes must be specified"


def answer(t: Target, body: Any, timestamp: str, user: rbac.User, policy: Callable[[], rbac.Policy]) -> Outcome:
    """The review with its status: 201, or the 422 of one that asks nothing or about nobody."""
    doc = body if isinstance(body, dict) else {}
    spec: dict[str, Any] = doc["spec"] if isinstance(doc.get("spec"), dict) else {}
    head: dict[str, Any] = {"kind": t.kind, "apiVersion": t.api_version, "metadata": {}}
    if t.kind == "SelfSubjectReview":  # (the one review that says when it was made)
        return Outcome(201, {**head, "metadata": {"creationTimestamp": timestamp}, "status": {"userInfo": user.info()}})
    if t.kind == "SelfSubjectRulesReview":
        resource, non_resource, error = rbac.rules_for(user, str(spec.get("namespace") or ""), policy())
        rules = {"resourceRules": resource, "nonResourceRules": non_resource, "incomplete": False}
        return Outcome(201, {**head, "spec": {}, "status": rules | ({"evaluationError": error} if error else {})})
    if causes := _invalid(t, spec):  # (the apiserver's message names neither the kind nor the review)
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
    return Outcome(201, goorder.encoded({**head, "spec": spec, "status": status}, t.kind, t.api_version))


def _invalid(t: Target, spec: dict[str, Any]) -> list[Cause]:
    """ValidateSubjectAccessReview and its Self and Local variants (the selectors' requirements not checked)."""
    resource, non_resource = spec.get("resourceAttributes"), spec.get("nonResourceAttributes")
    # (the value is the internal type's, which has no JSON names: {"Path":…,"Verb":…})
    internal = None if not isinstance(non_resource, dict) else \
        {"Path": str(non_resource.get("path") or ""), "Verb": str(non_resource.get("verb") or "")}
    causes = [invalid("spec", internal, _ONE_OF)] if (resource is None) == (non_resource is None) else []
    if t.kind in _ABOUT_OTHERS and not spec.get("user") and not spec.get("groups"):
        causes.append(invalid("spec.user", "", "at least one of user or group must be specified"))
    if t.kind == "LocalSubjectAccessReview":
        if isinstance(resource, dict) and (resource.get("namespace") or "") != t.namespace:
            causes.append(invalid("spec.resourceAttributes.namespace", resource.get("namespace") or "",
                                  "must match metadata.namespace"))
        if non_resource is not None:
            causes.append(invalid("spec.nonResourceAttributes", internal, "disallowed on this kind of request"))
    return causes


def _attributes(user: rbac.User, spec: dict[str, Any]) -> rbac.Attributes:
    """authorizationutil.ResourceAttributesFrom and NonResourceAttributesFrom."""
    r = spec.get("resourceAttributes")
    if isinstance(r, dict):
        return rbac.Attributes(user, str(r.get("verb") or ""), True, str(r.get("group") or ""),
                               str(r.get("resource") or ""), str(r.get("subresource") or ""),
                               str(r.get("namespace") or ""), str(r.get("name") or ""))
    n = spec.get("nonResourceAttributes") or {}
    return rbac.Attributes(user, str(n.get("verb") or ""), False, path=str(n.get("path") or ""))
