"""The apiserver's validation of admission webhook configurations, validating and mutating: every operator
with a webhook writes one (and patches its CA bundle), and a replay must refuse the one a cluster refuses (a
webhook with side effects, served over http, without review versions). Ported from k8s.io/kubernetes
pkg/apis/admissionregistration/validation and k8s.io/apiserver pkg/util/webhook, as a create checks them (an
update is refused only for what it breaks: specvalidation.spec_causes), in their order.
"""

from __future__ import annotations

import re
import urllib.parse
from typing import Any

from ..wire import names
from ..wire.gostrings import quote
from . import celcheck, validation
from .fielderrors import Cause, duplicate, invalid, invalid_each, not_supported, required, too_many
from .podvalidation import as_dict, dicts

Obj = dict[str, Any]

_OPERATIONS = ("*", "CONNECT", "CREATE", "DELETE", "UPDATE")
# what admission webhooks never see (kubeapiserver/admission/exclusion: the reviews, which are not stored)
_EXCLUDED = (*(("authentication.k8s.io", r) for r in ("selfsubjectreviews", "tokenreviews")),
             *(("authorization.k8s.io", r) for r in ("localsubjectaccessreviews", "selfsubjectaccessreviews",
                                                     "selfsubjectrulesreviews", "subjectaccessreviews")))
_URL_FORM = "; desired format: https://host[/path]"


def _fully_qualified(path: str, name: str) -> list[Cause]:
    """IsFullyQualifiedName: a DNS subdomain of at least three labels (a webhook's name)."""
    if not name:
        return [required(path)]
    if errs := names.subdomain(name):
        return [invalid(path, name, ",".join(errs))]
    if len(name.split(".")) < 3:
        return [invalid(path, name, "should be a domain with at least three segments separated by dots")]
    return []


def _wildcard_mixed(values: list[Any]) -> bool:
    return len(values) > 1 and "*" in values


def _resources(resources: list[str], path: str) -> list[Cause]:
    """validateResources: each named, and wildcards not beside what they already cover."""
    causes = [] if resources else [required(path)]
    whole_subs: set[str] = set()  # x/*
    any_resource: set[str] = set()  # */x
    plain = False
    for i, item in enumerate(resources):
        if item == "":
            causes.append(required(f"{path}[{i}]"))
            continue
        res, slash, sub = item.partition("/")
        if not slash:
            plain = item != "*"
            continue
        if res in whole_subs:
            causes.append(invalid(f"{path}[{i}]", item, f"if '{res}/*' is present, must not specify {item}"))
        if sub in any_resource:
            causes.append(invalid(f"{path}[{i}]", item, f"if '*/{sub}' is present, must not specify {item}"))
        if sub == "*":
            whole_subs.add(res)
        if res == "*":
            any_resource.add(sub)
    if len(resources) > 1 and "*/*" in resources:
        causes.append(invalid(path, resources, "if '*/*' is present, must not specify other resources"))
    if "*" in resources and plain:
        causes.append(invalid(path, resources, "if '*' is present, must not specify other resources without "
                                               "subresources"))
    return causes


def rule_with_operations(rule: Obj, at: str) -> list[Cause]:
    """validateRuleWithOperations: operations, then the rule's groups, versions, resources and scope."""
    operations = list(rule.get("operations") or [])
    causes = [] if operations else [required(f"{at}.operations")]
    if _wildcard_mixed(operations):
        causes.append(invalid(f"{at}.operations", operations, "if '*' is present, must not specify other operations"))
    causes += [not_supported(f"{at}.operations[{i}]", op, _OPERATIONS) for i, op in enumerate(operations)
               if op not in _OPERATIONS]
    for f, what in (("apiGroups", "API groups"), ("apiVersions", "API versions")):
        values = list(rule.get(f) or [])
        causes += [] if values else [required(f"{at}.{f}")]
        if _wildcard_mixed(values):
            causes.append(invalid(f"{at}.{f}", values, f"if '*' is present, must not specify other {what}"))
    causes += [required(f"{at}.apiVersions[{i}]") for i, v in enumerate(rule.get("apiVersions") or []) if v == ""]
    causes += _resources([str(r) for r in rule.get("resources") or []], f"{at}.resources")
    if (scope := rule.get("scope")) is not None and scope not in ("*", "Cluster", "Namespaced"):
        causes.append(not_supported(f"{at}.scope", scope, ("*", "Cluster", "Namespaced")))
    return causes


_HEX = frozenset("0123456789abcdefABCDEF")
_HOST_MARKS = frozenset("!$&'()*+,;=:[]<>\"-_.~")  # (what a host name may hold besides letters and digits)


def _escapes(text: str, host: bool = False) -> str | None:
    """net/url's unescape: a `%` not before two hex digits (in a host, one of a byte below 0x80 but `%25`), or in a
    host a character it may not hold."""
    for i, c in enumerate(text):
        if c == "%":
            code = text[i:i + 3]
            if len(code) < 3 or not set(code[1:]) <= _HEX or (host and int(code[1], 16) < 8 and code != "%25"):
                return f"invalid URL escape {quote(code)}"
        elif host and c < "\x80" and not c.isalnum() and c not in _HOST_MARKS:
            return f"invalid character {quote(c)} in host name"
    return None


def _url_error(url: str) -> str | None:
    """url.Parse's refusal, as its *url.Error prints it (`parse "…": …`): a control character, a scheme-less first
    segment holding a colon, a bad port or escape; None where it reads the URL."""
    rest, _, fragment = url.partition("#")
    error: str | None = None
    if any(c < " " or c == "\x7f" for c in rest):
        error = "net/url: invalid control character in URL"
    elif rest.startswith(":"):
        error = "missing protocol scheme"
    else:
        scheme = re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", rest)
        rest = rest[scheme.end():] if scheme else rest
        rest = rest.partition("?")[0]
        if not scheme and ":" in rest.partition("/")[0]:
            error = "first path segment in URL cannot contain colon"
        elif not scheme or rest.startswith("/"):
            authority, slash, after = rest[2:].partition("/") if rest.startswith("//") else ("", "", rest)
            host = authority.rpartition("@")[2]
            closed = host.rfind("]") if host.startswith("[") else -1
            port = host[closed + 1:] if host.startswith("[") else host[host.rfind(":"):] if ":" in host else ""
            if host.startswith("[") and closed < 0:
                error = "missing ']' in host"
            elif port and not re.fullmatch(r":[0-9]*", port):
                error = f"invalid port {quote(port)} after host"
            else:
                error = _escapes(host, host=True) or _escapes(slash + after if rest.startswith("//") else rest)
    if error is None and fragment:
        return f"parse {quote(url)}: {e}" if (e := _escapes(fragment)) else None
    return None if error is None else f"parse {quote(url.partition('#')[0])}: {error}"


def webhook_url(url: str, path: str) -> list[Cause]:
    """ValidateWebhookURL: https, a host, no user, fragment or query."""
    if (error := _url_error(url)) is not None:
        return [required(path, f"url must be a valid URL: {error}{_URL_FORM}")]
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError as e:
        return [required(path, f"url must be a valid URL: {e}{_URL_FORM}")]
    causes = [] if parts.scheme == "https" else [invalid(path, parts.scheme, f"'https' is the only allowed URL "
                                                                              f"scheme{_URL_FORM}")]
    if not parts.netloc.rpartition("@")[2]:
        causes.append(invalid(path, "", f"host must be specified{_URL_FORM}"))
    if "@" in parts.netloc:
        causes.append(invalid(path, parts.netloc.rpartition("@")[0], "user information is not permitted in the URL"))
    if parts.fragment:
        causes.append(invalid(path, parts.fragment, "fragments are not permitted in the URL"))
    if parts.query:
        causes.append(invalid(path, parts.query, "query parameters are not permitted in the URL"))
    return causes


def webhook_service(service: Obj, path: str) -> list[Cause]:
    """ValidateWebhookService: name, namespace, port, and a path of DNS-subdomain segments. Its callers pass the
    name as the namespace and the namespace as the name, so a missing namespace is refused as `name` and a missing
    name as `namespace`, as there."""
    causes = [required(f"{path}.{shown}") for shown, given in (("name", "namespace"), ("namespace", "name"))
              if not service.get(given)]
    port = service.get("port")
    if isinstance(port, int) and not 1 <= port <= 65535:
        causes.append(invalid(f"{path}.port", port, "port is not valid: must be between 1 and 65535, inclusive"))
    url_path = service.get("path")
    if url_path is None or url_path in ("", "/"):
        return causes
    if url_path == "//":
        return [*causes, invalid(f"{path}.path", url_path, "segment[0] may not be empty")]
    if not url_path.startswith("/"):
        causes.append(invalid(f"{path}.path", url_path, "must start with a '/'"))
    for i, step in enumerate(url_path[1:].removesuffix("/").split("/")):
        if not step:
            causes.append(invalid(f"{path}.path", url_path, f"segment[{i}] may not be empty"))
            continue
        causes += [invalid(f"{path}.path", url_path, f"segment[{i}]: {e}") for e in names.subdomain(step)]
    return causes


def _webhook(hook: Obj, at: str, mutating: bool) -> list[Cause]:
    """validateValidatingWebhook / validateMutatingWebhook as a create checks them (its match conditions'
    CEL as far as compiled checks it)."""
    causes = _fully_qualified(f"{at}.name", str(hook.get("name") or ""))
    causes += [c for i, rule in enumerate(dicts(hook.get("rules")))
               for c in rule_with_operations(rule, f"{at}.rules[{i}]")]
    for f, allowed in (("failurePolicy", ("Fail", "Ignore")), ("matchPolicy", ("Equivalent", "Exact"))):
        if (value := hook.get(f)) is not None and value not in allowed:
            causes.append(not_supported(f"{at}.{f}", value, allowed))
    side_effects = hook.get("sideEffects")
    if side_effects is None:
        causes.append(required(f"{at}.sideEffects", "must specify one of None, NoneOnDryRun"))
    elif side_effects not in ("None", "NoneOnDryRun"):
        causes.append(not_supported(f"{at}.sideEffects", side_effects, ("None", "NoneOnDryRun")))
    timeout = hook.get("timeoutSeconds")
    if isinstance(timeout, int) and not 1 <= timeout <= 30:
        causes.append(invalid(f"{at}.timeoutSeconds", timeout, "the timeout value must be between 1 and 30 seconds"))
    for f in ("namespaceSelector", "objectSelector"):
        if isinstance(selector := hook.get(f), dict):
            causes += validation.label_selector(selector, f"{at}.{f}")
    if mutating and (policy := hook.get("reinvocationPolicy")) is not None and policy not in ("IfNeeded", "Never"):
        causes.append(not_supported(f"{at}.reinvocationPolicy", policy, ("IfNeeded", "Never")))
    client = as_dict(hook.get("clientConfig"))
    url, service = client.get("url"), client.get("service")
    if (url is None) == (service is None):
        causes.append(required(f"{at}.clientConfig", "exactly one of url or service is required"))
    elif url is not None:
        causes += webhook_url(str(url), f"{at}.clientConfig.url")
    else:
        causes += webhook_service(as_dict(service), f"{at}.clientConfig.service")
    return causes + match_conditions(hook.get("matchConditions"), f"{at}.matchConditions")


# the variables an admission webhook's match conditions and an admission policy's expressions are compiled with
# (their types not followed: celcheck.UNKNOWN); a policy's may have `params` and `variables` too
ADMISSION_VARIABLES: dict[str, Any] = dict.fromkeys(("object", "oldObject", "request", "authorizer",
                                                     "namespaceObject"), celcheck.UNKNOWN)


def compiled(path: str, expression: str, shown: str | None = None, env: dict[str, Any] | None = None
             ) -> list[Cause]:
    """What compiling a CEL expression of a webhook's or an admission policy's says of its syntax
    (celcheck.syntax_error), then of what it names with the variables of `env` (celcheck.reference_error), the
    field's value `shown` as given (where it is not what was compiled, trimmed). Not modelled: the type checking
    of the expression against the types of its variables."""
    error = celcheck.syntax_error(expression) if env is None else celcheck.compile_error(expression, env)
    return [] if error is None else [invalid(path, expression if shown is None else shown, error)]


def expression_causes(path: str, given: Any, *, trimmed: bool = False, missing: str = "",
                      env: dict[str, Any] | None = None) -> list[Cause]:
    """An expression field's: required (`missing`: the detail its validation gives), else compiled (`trimmed`,
    or as given) with the variables of `env`."""
    text = str(given or "")
    if not text.strip():
        return [required(path, missing)]
    return compiled(path, text.strip() if trimmed else text, env=env)


def match_conditions(given: Any, path: str, env: dict[str, Any] = ADMISSION_VARIABLES) -> list[Cause]:
    """validateMatchConditions (a webhook's, a policy's): at most 64, each with an expression (trimmed, its
    syntax checked: compiled with the variables of `env`) and a qualified name of its own."""
    conditions = dicts(given)
    causes: list[Cause] = []
    if len(conditions) > 64:
        causes.append(too_many(path, len(conditions), 64))
    seen: set[str] = set()
    for i, cond in enumerate(conditions):
        where, name = f"{path}[{i}]", str(cond.get("name") or "")
        causes += expression_causes(f"{where}.expression", cond.get("expression"), trimmed=True, env=env)
        causes += invalid_each(f"{where}.name", name, names.qualified_name(name)) if name else \
            [required(f"{where}.name")]
        if name in seen:
            causes.append(duplicate(f"{where}.name", name))
        seen.add(name)
    return causes


def webhook_configuration(obj: Obj) -> list[Cause]:
    """validateValidatingWebhookConfiguration (and its mutating twin): each webhook, its review versions (one
    this apiserver accepts, none twice), and webhook names unique."""
    causes: list[Cause] = []
    hook_names: set[str] = set()
    mutating = obj.get("kind") == "MutatingWebhookConfiguration"
    for i, hook in enumerate(dicts(obj.get("webhooks"))):
        at = f"webhooks[{i}]"
        causes += _webhook(hook, at, mutating)
        causes += review_versions(hook.get("admissionReviewVersions"),
                                   f"{at}.admissionReviewVersions")
        if name := str(hook.get("name") or ""):
            if name in hook_names:
                causes.append(duplicate(f"{at}.name", name))
            hook_names.add(name)
    return causes


def excluded_rule_warnings(obj: Obj) -> list[str]:
    """warningsForExcludedRules (ExcludeAdmissionWebhookVirtualResources, on in 1.37): a rule that names a
    resource webhooks never see, by group and resource (a wildcard names none), once per resource."""
    out = []
    for i, hook in enumerate(dicts(obj.get("webhooks"))):
        for j, rule in enumerate(dicts(hook.get("rules"))):
            groups, resources = list(rule.get("apiGroups") or []), list(rule.get("resources") or [])
            if "*" in groups or "*" in resources:
                continue
            named = dict.fromkeys((g, r) for g in groups for r in resources if (g, r) in _EXCLUDED)
            out += [f"webhooks[{i}].rules[{j}]: {r}.{g} is excluded from admission webhooks; this rule will have no "
                    "effect" for g, r in named]
    return out


def review_versions(given: Any, path: str, missing: str = "must specify one of v1, v1beta1") -> list[Cause]:
    """The versions of a review (AdmissionReview, a conversion webhook's ConversionReview) a webhook reads: none
    twice, each a DNS label, one the apiserver sends. (An update of a definition requires a known one only
    where the old one had one: not modelled.)"""
    versions = [str(v) for v in given or []]
    if not versions:
        return [required(path, missing)]
    causes: list[Cause] = []
    for i, v in enumerate(versions):
        if v in versions[:i]:
            causes.append(invalid(f"{path}[{i}]", v, "duplicate version"))
            continue
        causes += invalid_each(f"{path}[{i}]", v, names.dns1035_label(v))
    if not {"v1", "v1beta1"} & set(versions):
        causes.append(invalid(path, versions, "must include at least one of v1, v1beta1"))
    return causes
