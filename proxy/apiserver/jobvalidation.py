"""A Job's spec as kube-apiserver v1.37 validates it before its pod template (pkg/apis/batch/validation,
validateJobSpec): the counts, indexed completion and its limits, the pod failure and success policies, the pod
replacement policy and who manages the Job. A CronJob's job template gets the same checks; a Job's name must
leave room for its indexed pods' hostnames (validateNameAllowsCompletions, on create).

A success policy's rules read the completions through a pointer the validator does not check: an Indexed Job
without completions (parallelism given alone, so defaulting leaves them unset) whose success policy has a rule
makes the apiserver's handler panic, and the connection is closed without an answer (HandlerPanic).

Not modelled: `spec.scheduling` (the WorkloadWithJob feature, off by default)."""

from __future__ import annotations

import itertools
import re
from typing import Any

from ..wire.gostrings import quote, quote_list
from ..wire.names import dns_label, qualified_name
from ..wire.selectors import selector_matches
from . import validation
from .fielderrors import (
    Cause,
    HandlerPanic,
    duplicate,
    invalid,
    invalid_each,
    invalid_omitted,
    not_supported,
    required,
    too_long,
    too_many,
    typed,
)
from .goorder import marshalled_selector
from .internal import as_internal
from .podvalidation import as_dict, dicts, nonnegative

Obj = dict[str, Any]

_MODES = ("NonIndexed", "Indexed")
_MAX_INDEXED_PARALLELISM = 100_000
_MAX_FAILED_INDEXES = 100_000
_COMPLETIONS_SOFT_LIMIT = 100_000
_HIGH_COMPLETIONS_LIMIT = 10_000  # of parallelism and of failed indexes, above the soft limit
_MAX_MANAGED_BY = 63
_ACTIONS = ("Count", "FailIndex", "FailJob", "Ignore")
_OPERATORS = ("In", "NotIn")
_STATUSES = ("False", "True", "Unknown")
_MAX_FAILURE_RULES = 20
_MAX_EXIT_CODES = 255
_MAX_CONDITION_PATTERNS = 20
_MAX_SUCCESS_RULES = 20
_MAX_SUCCEEDED_INDEXES = 64 * 1024
_REPLACEMENTS = ("Failed", "TerminatingOrFailed")
_ATOI = re.compile(r"[+-]?[0-9]+")
_INT64 = 1 << 63


def spec_causes(spec: Obj, path: str) -> list[Cause]:
    """validateJobSpec up to the pod template, in its order."""
    causes: list[Cause] = []
    for field in ("parallelism", "completions", "activeDeadlineSeconds", "backoffLimit", "ttlSecondsAfterFinished",
                  "backoffLimitPerIndex"):
        causes += nonnegative(f"{path}.{field}", spec.get(field))
    per_index, most_failed = spec.get("backoffLimitPerIndex"), spec.get("maxFailedIndexes")
    if most_failed is not None:
        causes += nonnegative(f"{path}.maxFailedIndexes", most_failed)
        if per_index is None:
            causes.append(required(f"{path}.backoffLimitPerIndex", "when maxFailedIndexes is specified"))
    if (manager := spec.get("managedBy")) is not None:
        causes += validation.domain_prefixed_path(f"{path}.managedBy", manager)
        causes += [too_long(f"{path}.managedBy", _MAX_MANAGED_BY)] if len(manager) > _MAX_MANAGED_BY else []
    mode = spec.get("completionMode")
    if mode is not None and mode not in _MODES:
        causes.append(not_supported(f"{path}.completionMode", mode, _MODES))
    if mode == "Indexed":
        causes += _indexed(spec, path)
    if mode in (None, "NonIndexed"):
        causes += [invalid(f"{path}.{field}", spec[field], "requires indexed completion mode")
                   for field in ("backoffLimitPerIndex", "maxFailedIndexes") if spec.get(field) is not None]
    if (failure := spec.get("podFailurePolicy")) is not None:
        causes += _failure_policy(spec, as_dict(failure), f"{path}.podFailurePolicy")
    if (success := spec.get("successPolicy")) is not None:
        if mode != "Indexed":
            causes.append(invalid(f"{path}.successPolicy", as_internal("SuccessPolicy", success),
                                  "requires indexed completion mode"))
        else:
            causes += _success_policy(spec, as_dict(success), f"{path}.successPolicy")
    if (replacement := spec.get("podReplacementPolicy")) is not None:
        allowed = ("Failed",) if failure is not None else _REPLACEMENTS
        if replacement not in allowed:
            causes.append(not_supported(f"{path}.podReplacementPolicy", replacement, allowed))
    return causes


def generated_selector(obj: Obj) -> list[Cause]:
    """validateGeneratedSelector, on create: a Job whose selector the apiserver generated carries its uid and name
    in its template's labels (a label the client set otherwise is kept by the generator, and refused here), and
    its selector must select them."""
    spec, meta = as_dict(obj.get("spec")), as_dict(obj.get("metadata"))
    if spec.get("manualSelector") is True or spec.get("selector") is None:
        return []
    uid, name = str(meta.get("uid") or ""), str(meta.get("name") or "")
    causes = [] if uid else [required("metadata.uid")]
    labels = as_dict(as_dict(as_dict(spec.get("template")).get("metadata")).get("labels"))
    expected = {"controller-uid": uid, "job-name": name, "batch.kubernetes.io/controller-uid": uid,
                "batch.kubernetes.io/job-name": name}
    for key, value in expected.items():  # (ValidateHasLabel, in this order)
        if key not in labels:
            causes.append(required(f"spec.template.metadata.labels[{key}]", value))
        elif labels[key] != value:
            causes.append(invalid(f"spec.template.metadata.labels[{key}]", labels, f"must be '{value}'"))
    selector = spec["selector"]
    if not validation.label_selector(selector, "") and not selector_matches(selector, expected):
        causes.append(invalid("spec.selector", marshalled_selector(selector),
                              "`selector` not auto-generated"))
    return causes


def name_causes(obj: Obj) -> list[Cause]:
    """validateNameAllowsCompletions: an Indexed Job's last pod is named `<name>-<completions - 1>`, which must
    be a DNS label."""
    spec, name = as_dict(obj.get("spec")), str(as_dict(obj.get("metadata")).get("name") or "")
    completions = spec.get("completions")
    if spec.get("completionMode") != "Indexed" or not isinstance(completions, int) or completions <= 0:
        return []
    hostname = f"{name}-{completions - 1}"
    if not dns_label(hostname):
        return []
    return [invalid("metadata.name", name, f"will not able to create pod with invalid DNS label: {hostname}")]


def _indexed(spec: Obj, path: str) -> list[Cause]:
    causes: list[Cause] = []
    completions, parallelism = spec.get("completions"), spec.get("parallelism")
    per_index, most_failed = spec.get("backoffLimitPerIndex"), spec.get("maxFailedIndexes")
    if completions is None:
        causes.append(required(f"{path}.completions", "when completion mode is Indexed"))
    if parallelism is not None and parallelism > _MAX_INDEXED_PARALLELISM:
        causes.append(invalid(f"{path}.parallelism", parallelism, f"must be less than or equal to "
                                                                   f"{_MAX_INDEXED_PARALLELISM} when completion "
                                                                   "mode is Indexed"))
    if completions is not None and most_failed is not None and most_failed > completions:
        causes.append(invalid(f"{path}.maxFailedIndexes", most_failed, "must be less than or equal to completions"))
    if most_failed is not None and most_failed > _MAX_FAILED_INDEXES:
        causes.append(invalid(f"{path}.maxFailedIndexes", most_failed,
                              f"must be less than or equal to {_MAX_FAILED_INDEXES}"))
    if completions is not None and completions > _COMPLETIONS_SOFT_LIMIT and per_index is not None:
        high = f"when completions are above {_COMPLETIONS_SOFT_LIMIT} and used with backoff limit per index"
        if most_failed is None:
            causes.append(required(f"{path}.maxFailedIndexes",
                                   f"must be specified when completions is above {_COMPLETIONS_SOFT_LIMIT}"))
        if parallelism is not None and parallelism > _HIGH_COMPLETIONS_LIMIT:
            causes.append(invalid(f"{path}.parallelism", parallelism,
                                  f"must be less than or equal to {_HIGH_COMPLETIONS_LIMIT} {high}"))
        if most_failed is not None and most_failed > _HIGH_COMPLETIONS_LIMIT:
            causes.append(invalid(f"{path}.maxFailedIndexes", most_failed,
                                  f"must be less than or equal to {_HIGH_COMPLETIONS_LIMIT} {high}"))
    return causes


def _failure_policy(spec: Obj, policy: Obj, path: str) -> list[Cause]:
    """validatePodFailurePolicy: each rule's action and one kind of match, exit codes of the template's
    containers (ordered, unique, not 0 for In) or pod conditions."""
    rules, at = dicts(policy.get("rules")), f"{path}.rules"
    causes = [too_many(at, len(rules), _MAX_FAILURE_RULES)] if len(rules) > _MAX_FAILURE_RULES else []
    pod = as_dict(as_dict(spec.get("template")).get("spec"))
    containers = {c.get("name") for f in ("containers", "initContainers") for c in dicts(pod.get(f))}
    for i, rule in enumerate(rules):
        rule_at, action = f"{at}[{i}]", rule.get("action") or ""
        if not action:
            causes.append(required(f"{rule_at}.action", f"valid values: {quote_list(list(_ACTIONS))}"))
        elif action == "FailIndex":
            if spec.get("backoffLimitPerIndex") is None:
                causes.append(invalid(f"{rule_at}.action", typed(action),
                                      "requires the backoffLimitPerIndex to be set"))
        elif action not in _ACTIONS:
            causes.append(not_supported(f"{rule_at}.action", action, _ACTIONS))
        codes, conditions = rule.get("onExitCodes"), dicts(rule.get("onPodConditions"))
        if codes is not None:
            causes += _exit_codes(as_dict(codes), f"{rule_at}.onExitCodes", containers)
        if conditions:
            causes += _pod_conditions(conditions, f"{rule_at}.onPodConditions")
        if codes is not None and conditions:
            causes.append(invalid_omitted(rule_at, "specifying both OnExitCodes and OnPodConditions is not supported"))
        if codes is None and not conditions:
            causes.append(invalid_omitted(rule_at, "specifying one of OnExitCodes and OnPodConditions is required"))
    return causes


def _exit_codes(codes: Obj, path: str, containers: set[Any]) -> list[Cause]:
    causes: list[Cause] = []
    operator = codes.get("operator") or ""
    if not operator:
        causes.append(required(f"{path}.operator", f"valid values: {quote_list(list(_OPERATORS))}"))
    elif operator not in _OPERATORS:
        causes.append(not_supported(f"{path}.operator", operator, _OPERATORS))
    if (container := codes.get("containerName")) is not None and container not in containers:
        causes.append(invalid(f"{path}.containerName", container,
                              "must be one of the container or initContainer names in the pod template"))
    values = codes.get("values")
    listed = values if isinstance(values, list) else []
    if not listed:
        causes.append(invalid(f"{path}.values", values, "at least one value is required"))
    elif len(listed) > _MAX_EXIT_CODES:
        causes.append(too_many(f"{path}.values", len(listed), _MAX_EXIT_CODES))
    seen: set[Any] = set()
    for j, value in enumerate(listed):
        if operator == "In" and value == 0:
            causes.append(invalid(f"{path}.values[{j}]", value, "must not be 0 for the In operator"))
        if value in seen:
            causes.append(duplicate(f"{path}.values[{j}]", value))
        seen.add(value)
    if any(a > b for a, b in itertools.pairwise(listed)):
        causes.append(invalid(f"{path}.values", listed, "must be ordered"))
    return causes


def _pod_conditions(patterns: list[Obj], path: str) -> list[Cause]:
    causes = [too_many(path, len(patterns), _MAX_CONDITION_PATTERNS)] if len(patterns) > _MAX_CONDITION_PATTERNS \
        else []
    for j, pattern in enumerate(patterns):
        kind, status = str(pattern.get("type") or ""), pattern.get("status") or ""
        causes += invalid_each(f"{path}[{j}].type", kind, qualified_name(kind))
        if not status:
            causes.append(required(f"{path}[{j}].status", f"valid values: {quote_list(list(_STATUSES))}"))
        elif status not in _STATUSES:
            causes.append(not_supported(f"{path}[{j}].status", status, _STATUSES))
    return causes


def _success_policy(spec: Obj, policy: Obj, path: str) -> list[Cause]:
    """validateSuccessPolicy: each rule counts or lists succeeded indexes, within the completions."""
    rules, at = dicts(policy.get("rules")), f"{path}.rules"
    causes: list[Cause] = []
    if not rules:
        causes.append(required(at, "at least one rules must be specified when the successPolicy is specified"))
    if len(rules) > _MAX_SUCCESS_RULES:
        causes.append(too_many(at, len(rules), _MAX_SUCCESS_RULES))
    for i, rule in enumerate(rules):
        causes += _success_rule(spec.get("completions"), rule, f"{at}[{i}]")
    return causes


def _success_rule(completions: Any, rule: Obj, path: str) -> list[Cause]:
    count, indexes = rule.get("succeededCount"), rule.get("succeededIndexes")
    causes = [required(path, "at least one of succeededCount or succeededIndexes must be specified")] \
        if count is None and indexes is None else []
    if (indexes is not None or count is not None) and completions is None:
        raise HandlerPanic("invalid memory address or nil pointer dereference (a success policy's rule read "
                             "the completions of an Indexed Job that has none)")
    total = 0
    if indexes is not None:
        if len(indexes.encode()) > _MAX_SUCCEEDED_INDEXES:
            causes.append(too_long(f"{path}.succeededIndexes", _MAX_SUCCEEDED_INDEXES))
        total, why = _index_count(indexes, completions)
        if why:
            causes.append(invalid(f"{path}.succeededIndexes", indexes, f"error parsing succeededIndexes: {why}"))
    if count is not None:
        causes += nonnegative(f"{path}.succeededCount", count)
        if count > completions:
            causes.append(invalid(f"{path}.succeededCount", count, f"must be less than or equal to {completions} "
                                                                    "(the number of specified completions)"))
        if indexes is not None and count > total:
            causes.append(invalid(f"{path}.succeededCount", count, f"must be less than or equal to {total} (the "
                                                                    "number of indexes in the specified "
                                                                    "succeededIndexes field)"))
    return causes


def _index_count(text: str, completions: int) -> tuple[int, str]:
    """validateIndexesFormat: how many indexes "1,3-5" names, or why it does not parse (and 0): comma-separated
    intervals in increasing order (none is fine)."""
    total, last = 0, None
    for part in text.split(",") if text else ():
        if isinstance(interval := _interval(part, completions), str):
            return 0, interval
        first, end = interval
        if last is not None and last >= first:
            return 0, f"non-increasing order, previous: {last}, current: {first}"
        total, last = total + end - first + 1, end
    return total, ""


def _interval(text: str, completions: int) -> tuple[int, int] | str:
    """parseIndexInterval: `x` or `x-y` (x < y), each below the completions; else the error's words."""
    limits = text.split("-")
    if len(limits) > 2:
        return f"the fragment {quote(text)} violates the requirement that an index interval can have at most two " \
               "parts separated by '-'"
    bounds = []
    for limit in limits:  # (strconv.Atoi)
        if not _ATOI.fullmatch(limit) or not -_INT64 <= int(limit) < _INT64:
            return f"cannot convert string to integer for index: {quote(limit)}"
        if int(limit) >= completions:
            return f"too large index: {quote(limit)}"
        bounds.append(int(limit))
    if len(bounds) > 1 and bounds[0] >= bounds[1]:
        return f"non-increasing order, previous: {bounds[0]}, current: {bounds[1]}"
    return bounds[0], bounds[-1]


def indexes_error(text: str, completions: int) -> str | None:
    """validateIndexesFormat of a Job's completed or failed indexes: why they do not parse, if they do not."""
    return _index_count(text, completions)[1] or None


def indexes_overlap(completed: str, failed: str, completions: int) -> int | None:
    """validateFailedIndexesNotOverlapCompleted: the first index both lists hold, walking both in step (an
    interval that does not parse skipped: its format is reported apart)."""
    if not completed or not failed:
        return None
    done = [_interval(p, completions) for p in completed.split(",")]
    lost = [_interval(p, completions) for p in failed.split(",")]
    c = f = 0
    while c < len(done) and f < len(lost):
        one, other = done[c], lost[f]
        if isinstance(one, str):
            c += 1
        elif isinstance(other, str):
            f += 1
        elif one[0] <= other[1] and other[0] <= one[1]:
            return max(one[0], other[0])
        elif one[0] <= other[0]:
            c += 1
        else:
            f += 1
    return None
