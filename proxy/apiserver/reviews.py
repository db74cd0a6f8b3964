"""What a client may do, asked of the apiserver (`kubectl auth can-i`, an operator checking its RBAC at start),
and who it is (`kubectl auth whoami`): the self-subject reviews it answers without storing anything.

A replay authorizes nothing, so every client is answered as a cluster administrator is: allowed, with the
rules system:masters has on a 1.37 apiserver (cluster-admin's, and those every authenticated user has).
"""

from __future__ import annotations

from typing import Any

from .fielderrors import invalid
from .writes import Outcome, Target, fail

KINDS = frozenset({"SelfSubjectAccessReview", "SelfSubjectRulesReview", "SelfSubjectReview"})
# who a client is (`kubectl auth whoami`): a replay has no authentication, so everyone is its administrator
_USER = {"username": "system:admin", "groups": ["system:masters", "system:authenticated"]}

_RULES = {
    "resourceRules": [
        {"verbs": ["create"], "apiGroups": ["authorization.k8s.io"],
         "resources": ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]},
        {"verbs": ["create"], "apiGroups": ["authentication.k8s.io"], "resources": ["selfsubjectreviews"]},
        {"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}],
    "nonResourceRules": [
        {"verbs": ["get"], "nonResourceURLs": ["/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi",
                                               "/openapi/*", "/readyz", "/version", "/version/"]},
        {"verbs": ["*"], "nonResourceURLs": ["*"]},
        {"verbs": ["get"], "nonResourceURLs": ["/healthz", "/livez", "/readyz", "/version", "/version/"]}],
    "incomplete": False,
}


def answer(t: Target, body: Any, timestamp: str) -> Outcome:
    """The review with its status: 201, or the 422 of a review that asks nothing."""
    doc = body if isinstance(body, dict) else {}
    given = doc.get("spec")
    spec: dict[str, Any] = given if isinstance(given, dict) else {}
    head = {"kind": t.kind, "apiVersion": t.api_version, "metadata": {}}
    if t.kind == "SelfSubjectRulesReview":
        return Outcome(201, {**head, "spec": {}, "status": _RULES})
    if t.kind == "SelfSubjectReview":  # (the one review that says when it was made)
        return Outcome(201, {**head, "metadata": {"creationTimestamp": timestamp}, "status": {"userInfo": _USER}})
    asked = [k for k in ("resourceAttributes", "nonResourceAttributes") if spec.get(k) is not None]
    if len(asked) != 1:  # (the apiserver's message names neither the kind nor the review)
        path, _, message = invalid("spec", None, "exactly one of nonResourceAttributes or resourceAttributes must be "
                                                 "specified")
        return fail(422, f'.{t.group} "" is invalid: {path}: {message}', "Invalid",
                    {"group": t.group, "causes": [{"reason": "FieldValueInvalid", "message": message, "field": path}]})
    return Outcome(201, {**head, "spec": spec, "status": {"allowed": True}})
