"""Admission policies and their bindings as kube-apiserver v1.37 validates them
(pkg/apis/admissionregistration/validation): a validating policy's failure policy, parameter kind, what it
matches (the webhooks' rules, named), match conditions, variables, validations and audit annotations; a
binding's policy, parameter reference, match resources and actions (the policy name and the actions required by
declarative validation, reported after the rest); a mutating policy's mutations, reinvocation policy and the
operations it may meet, and its binding's. Policy engines generate these, so a replay should refuse what a
cluster refuses. Also the name suffix only static manifests may use, refused on a create of these kinds and of
webhook configurations (ManifestBasedAdmissionControlConfig, on in 1.37), warned of on their updates.

Their CEL's syntax is checked, and what it names against each expression's variables and libraries
(webhookvalidation.compiled: `params` only with a parameter kind, `variables` where some are declared, not in
match conditions; no cel.bind or math); not modelled: its type checking against the variables' types (a replay
accepts an expression that parses and names what it may), the type a mutation must evaluate to, and the rule
that an update may keep an expression that no longer compiles."""

from __future__ import annotations

import re
from typing import Any

from ..wire import names
from . import celcheck, validation
from .celcheck import UNKNOWN
from .fielderrors import Cause, duplicate, forbidden, invalid, invalid_each, not_supported, required, typed
from .podvalidation import as_dict, dicts, one_of
from .webhookvalidation import (
    ADMISSION_VARIABLES,
    compiled,
    excluded_rule_warnings,
    expression_causes,
    match_conditions,
    rule_with_operations,
)

Obj = dict[str, Any]

_MAX_AUDIT_ANNOTATIONS, _MAX_VALUE_EXPRESSION = 20, 5 * 1024
_REASONS = ("Forbidden", "Invalid", "RequestEntityTooLarge")
_ACTIONS = ("Audit", "Deny", "Warn")
_MUTATED_OPERATIONS = ("*", "CONNECT", "CREATE", "UPDATE")  # (a mutation never meets a DELETE)
_PATCH_TYPES = ("ApplyConfiguration", "JSONPatch")
STATIC_SUFFIX = ".static.k8s.io"
_STATIC = f'names ending with "{STATIC_SUFFIX}" are reserved for static manifest-based configurations and cannot be ' \
          "managed via the API"
_CEL_IDENT = re.compile(r"[_a-zA-Z][_a-zA-Z0-9]*")
_CEL_RESERVED = frozenset({"true", "false", "null", "in", "as", "break", "const", "continue", "else", "for",
                           "function", "if", "import", "let", "loop", "package", "namespace", "return", "var",
                           "void", "while"})


def _pointer_one_of(path: str, value: Any, allowed: tuple[str, ...]) -> list[Cause]:
    """An enum behind a pointer: missing is Required, anything else unknown (an empty one too) Unsupported."""
    if value is None:
        return [required(path)]
    return [] if value in allowed else [not_supported(path, value, allowed)]


def _param_kind(kind: Obj, path: str) -> list[Cause]:
    """validateParamKind: an apiVersion as an APIService's group and version, a kind that is a DNS-1035 label
    once lowered."""
    causes: list[Cause] = []
    api_version = str(kind.get("apiVersion") or "")
    if not api_version:
        causes.append(required(f"{path}.apiVersion"))
    elif api_version.count("/") > 1:
        causes.append(invalid(f"{path}.apiVersion", api_version, f"unexpected GroupVersion string: {api_version}"))
    elif api_version != "/":
        group, _, version = api_version.rpartition("/")
        if group and (errs := names.subdomain(group)):
            causes.append(invalid(f"{path}.apiVersion", group, ",".join(errs)))
        if not version:
            causes.append(invalid(f"{path}.apiVersion", api_version, "version must be specified"))
        elif errs := names.dns1035_label(version):
            causes.append(invalid(f"{path}.apiVersion", version, ",".join(errs)))
    name = str(kind.get("kind") or "")
    if not name:
        causes.append(required(f"{path}.kind"))
    elif errs := names.dns1035_label(name.lower()):
        causes.append(invalid(f"{path}.kind", name,
                              "may have mixed case, but should otherwise match: " + ",".join(errs)))
    return causes


def _named_rule(rule: Obj, path: str) -> list[Cause]:
    """validateNamedRuleWithOperations: resource names path segments, none twice, then the rule itself."""
    causes: list[Cause] = []
    seen: set[str] = set()
    for i, name in enumerate(str(n) for n in rule.get("resourceNames") or []):
        causes += invalid_each(f"{path}.resourceNames[{i}]", name, names.path_segment(name))
        if name in seen:
            causes.append(duplicate(f"{path}.resourceNames[{i}]", name))
        seen.add(name)
    return causes + rule_with_operations(rule, path)


def _match_resources(match: Obj, path: str) -> list[Cause]:
    """validateMatchResources (its defaults filled: a missing policy or selector was sent as null)."""
    causes = _pointer_one_of(f"{path}.matchPolicy", match.get("matchPolicy"), ("Equivalent", "Exact"))
    for f in ("namespaceSelector", "objectSelector"):
        selector = match.get(f)
        causes += validation.label_selector(selector, f"{path}.{f}") if isinstance(selector, dict) \
            else [required(f"{path}.{f}")]
    for f in ("resourceRules", "excludeResourceRules"):
        causes += [c for i, rule in enumerate(dicts(match.get(f))) for c in _named_rule(rule, f"{path}.{f}[{i}]")]
    return causes


def _request_variables(spec: Obj) -> dict[str, Any]:
    """The variables a policy's match conditions are compiled with: the request's, and `params` where it has a
    parameter kind."""
    return {**ADMISSION_VARIABLES, **({"params": UNKNOWN} if isinstance(spec.get("paramKind"), dict) else {})}


def _variables(spec: Obj, mutating: bool, known: int | None = None) -> dict[str, Any]:
    """The variables its other expressions are compiled with: those, and `variables` (of the first `known` it
    declares, else all) where it declares any (a mutating policy's always)."""
    declared = [str(v.get("name") or "") for v in dicts(spec.get("variables"))]
    env = _request_variables(spec)
    return {**env, "variables": celcheck.variables(declared[:known])} if declared or mutating else env


def _variable(variable: Obj, path: str, env: dict[str, Any]) -> list[Cause]:
    name = str(variable.get("name") or "")
    if not name.strip():
        causes = [required(f"{path}.name", "name is not specified")]
    else:
        causes = [] if _CEL_IDENT.fullmatch(name) and name not in _CEL_RESERVED \
            else [invalid(f"{path}.name", name, "must be a valid CEL identifier")]
    return causes + expression_causes(f"{path}.expression", variable.get("expression"),
                                      missing="expression is not specified", env=env)


def _validation(rule: Obj, path: str, env: dict[str, Any]) -> list[Cause]:
    causes = expression_causes(f"{path}.expression", rule.get("expression"), missing="expression is not specified",
                               env=env)
    message_expression = str(rule.get("messageExpression") or "")
    if message_expression and not message_expression.strip():
        causes.append(invalid(f"{path}.messageExpression", message_expression, "must be non-empty if specified"))
    elif message_expression:
        causes += compiled(f"{path}.messageExpression", message_expression, env=env)
    message = str(rule.get("message") or "")
    if message and not message.strip():
        causes.append(invalid(f"{path}.message", message, "must be non-empty if specified"))
    elif re.search(r"[\n\r]", message.strip()):
        causes.append(invalid(f"{path}.message", message, "must not contain line breaks"))
    if (reason := rule.get("reason")) is not None and reason not in _REASONS:
        causes.append(not_supported(f"{path}.reason", reason, _REASONS))
    return causes


def _audit_annotation(annotation: Obj, policy: str, path: str, env: dict[str, Any]) -> list[Cause]:
    key = str(annotation.get("key") or "")
    causes = invalid_each(f"{path}.key", f"{policy}/{key}", names.qualified_name(f"{policy}/{key}")) if policy \
        else [invalid(f"{path}.key", key, "requires metadata.name be non-empty")]
    given = str(annotation.get("valueExpression") or "")
    if not (value := given.strip()):
        causes.append(required(f"{path}.valueExpression", "valueExpression is not specified"))
    elif len(value) > _MAX_VALUE_EXPRESSION:
        causes.append(required(f"{path}.valueExpression", f"must not exceed {_MAX_VALUE_EXPRESSION} bytes in length"))
    else:  # (compiled trimmed, shown as given)
        causes += compiled(f"{path}.valueExpression", value, given, env)
    return causes


def _mutated_operations(match: Obj, path: str) -> list[Cause]:
    """The operations a mutating policy or binding may match, reported at the rules' path without an index."""
    return [not_supported(f"{path}.resourceRules.operations", op, _MUTATED_OPERATIONS)
            for rule in dicts(match.get("resourceRules")) for op in rule.get("operations") or []
            if op not in _MUTATED_OPERATIONS]


def _policy_head(spec: Obj, path: str, mutating: bool) -> list[Cause]:
    """What both policies check first: the failure policy, parameter kind, match constraints (a mutating
    policy's operations), match conditions and variables."""
    causes = _pointer_one_of(f"{path}.failurePolicy", spec.get("failurePolicy"), ("Fail", "Ignore"))
    if isinstance(kind := spec.get("paramKind"), dict):
        causes += _param_kind(kind, f"{path}.paramKind")
    if not isinstance(match := spec.get("matchConstraints"), dict):
        causes.append(required(f"{path}.matchConstraints"))
    else:
        causes += _match_resources(match, f"{path}.matchConstraints")
        causes += [] if match.get("resourceRules") else [required(f"{path}.matchConstraints.resourceRules")]
        causes += _mutated_operations(match, f"{path}.matchConstraints") if mutating else []
    causes += match_conditions(spec.get("matchConditions"), f"{path}.matchConditions",
                               _request_variables(spec))
    return causes + [c for i, v in enumerate(dicts(spec.get("variables")))
                     for c in _variable(v, f"{path}.variables[{i}]", _variables(spec, mutating, i))]


def validating_policy(obj: Obj) -> list[Cause]:
    """validateValidatingAdmissionPolicySpec, in its order."""
    spec, path = as_dict(obj.get("spec")), "spec"
    causes = _policy_head(spec, path, False)
    rules, annotations = dicts(spec.get("validations")), spec.get("auditAnnotations")
    if not rules and not annotations:
        why = "validations or auditAnnotations must contain at least one item"
        return [*causes, required(f"{path}.validations", why), required(f"{path}.auditAnnotations", why)]
    env = _variables(spec, False)
    causes += [c for i, rule in enumerate(rules) for c in _validation(rule, f"{path}.validations[{i}]", env)]
    if isinstance(annotations, list):
        if len(annotations) > _MAX_AUDIT_ANNOTATIONS:
            shown = [{"Key": a.get("key") or "", "ValueExpression": a.get("valueExpression") or ""}
                     for a in dicts(annotations)]  # (the internal structs, which have no JSON names)
            causes.append(invalid(f"{path}.auditAnnotations", shown,
                                  f"must not have more than {_MAX_AUDIT_ANNOTATIONS} auditAnnotations"))
        policy, keys = str(as_dict(obj.get("metadata")).get("name") or ""), set()
        for i, annotation in enumerate(dicts(annotations)):
            at = f"{path}.auditAnnotations[{i}]"
            causes += _audit_annotation(annotation, policy, at, env)
            if (key := str(annotation.get("key") or "")) in keys:
                causes.append(duplicate(f"{at}.key", key))
            keys.add(key)
    return causes


def _mutation(mutation: Obj, path: str, env: dict[str, Any]) -> list[Cause]:
    """validateMutation: a patch type, its own expression (trimmed, required) and not the other type's."""
    kind = mutation.get("patchType")
    if kind not in _PATCH_TYPES:
        return one_of(f"{path}.patchType", kind, _PATCH_TYPES)
    own, other = ("jsonPatch", "applyConfiguration") if kind == "JSONPatch" else ("applyConfiguration", "jsonPatch")
    if not isinstance(body := mutation.get(own), dict):
        causes = [required(f"{path}.{own}", f"must be specified when patchType is {kind}")]
    else:
        causes = expression_causes(f"{path}.{own}.expression", body.get("expression"), trimmed=True, env=env)
    if isinstance(mutation.get(other), dict):
        causes.append(invalid(f"{path}.{other}", f"{{{other}}}", f"must not be specified when patchType is {kind}"))
    return causes


def mutating_policy(obj: Obj) -> list[Cause]:
    """validateMutatingAdmissionPolicySpec, in its order."""
    spec, path = as_dict(obj.get("spec")), "spec"
    causes = _policy_head(spec, path, True)
    if not (mutations := dicts(spec.get("mutations"))):
        causes.append(required(f"{path}.mutations", "mutations must contain at least one item"))
    env = _variables(spec, True)
    causes += [c for i, m in enumerate(mutations) for c in _mutation(m, f"{path}.mutations[{i}]", env)]
    return causes + one_of(f"{path}.reinvocationPolicy", spec.get("reinvocationPolicy"), ("IfNeeded", "Never"))


def _param_ref(ref: Obj, path: str) -> list[Cause]:
    name, selector = str(ref.get("name") or ""), ref.get("selector")
    causes: list[Cause] = []
    if name:
        causes += invalid_each(f"{path}.name", name, names.path_segment(name))
        if selector is not None:
            causes.append(forbidden(f"{path}.name", "name and selector are mutually exclusive"))
    if selector is not None:
        causes += validation.label_selector(as_dict(selector), f"{path}.selector")
        if name:
            causes.append(forbidden(f"{path}.selector", "name and selector are mutually exclusive"))
    if not name and selector is None:
        causes.append(required(path, "one of name or selector must be specified"))
    return causes + one_of(f"{path}.parameterNotFoundAction", ref.get("parameterNotFoundAction"), ("Deny", "Allow"))


def _binding_head(spec: Obj, path: str) -> list[Cause]:
    """What both bindings check of the policy named (if named: a validating binding's is required by declarative
    validation), the parameter reference and the resources matched."""
    policy = str(spec.get("policyName") or "")
    causes = invalid_each(f"{path}.policyName", policy, names.subdomain(policy)) if policy else []
    if isinstance(ref := spec.get("paramRef"), dict):
        causes += _param_ref(ref, f"{path}.paramRef")
    if isinstance(match := spec.get("matchResources"), dict):
        causes += _match_resources(match, f"{path}.matchResources")
    return causes


def mutating_binding(obj: Obj) -> list[Cause]:
    """validateMutatingAdmissionPolicyBindingSpec: the policy named, then as a validating binding, and the
    operations its resources may match."""
    spec, path = as_dict(obj.get("spec")), "spec"
    causes = [] if spec.get("policyName") else [required(f"{path}.policyName")]
    causes += _binding_head(spec, path)
    if isinstance(match := spec.get("matchResources"), dict):
        causes += _mutated_operations(match, f"{path}.matchResources")
    return causes


def static_suffix(obj: Obj) -> list[Cause]:
    """A create's refusal of the name suffix reserved for static manifests."""
    name = str(as_dict(obj.get("metadata")).get("name") or "")
    return [invalid("metadata.name", name, _STATIC)] if name.endswith(STATIC_SUFFIX) else []


def static_suffix_warnings(obj: Obj, old: Obj | None) -> list[str]:
    """An update's warning of the suffix (only an object the apiserver did not create through its API has it;
    a create's is refused)."""
    name = str(as_dict(obj.get("metadata")).get("name") or "")
    return [f"metadata.name: {_STATIC}"] if old is not None and name.endswith(STATIC_SUFFIX) else []


def webhook_warnings(obj: Obj, old: Obj | None) -> list[str]:
    """A webhook configuration's: the suffix's on an update, then its rules that name what webhooks never see."""
    return static_suffix_warnings(obj, old) + excluded_rule_warnings(obj)


def policy_binding(obj: Obj) -> list[Cause]:
    """validateValidatingAdmissionPolicyBindingSpec, but for what declarative validation took over."""
    spec, path = as_dict(obj.get("spec")), "spec"
    causes = _binding_head(spec, path)
    actions, seen = [str(a) for a in spec.get("validationActions") or []], set()
    for i, action in enumerate(actions):
        if action not in _ACTIONS:
            causes.append(not_supported(f"{path}.validationActions[{i}]", action, _ACTIONS))
        if action in seen:
            causes.append(duplicate(f"{path}.validationActions[{i}]", typed(action)))
        seen.add(action)
    if {"Deny", "Warn"} <= seen:
        causes.append(invalid(f"{path}.validationActions", actions, "must not contain both Deny and Warn (repeating "
                                                                    "the same validation failure information in the "
                                                                    "API response and headers serves no purpose)"))
    return causes


def policy_binding_declared(obj: Obj, old: Obj | None) -> list[Cause]:
    """Declarative validation's share: the policy named and at least one action (checked again on an update
    only where it changed)."""
    spec, old_spec = as_dict(obj.get("spec")), as_dict((old or {}).get("spec"))
    causes = [required("spec.policyName")] if not spec.get("policyName") and \
        (old is None or spec.get("policyName") != old_spec.get("policyName")) else []
    if not spec.get("validationActions") and (old is None or spec.get("validationActions") !=
                                              old_spec.get("validationActions")):
        causes.append(required("spec.validationActions"))
    return causes
