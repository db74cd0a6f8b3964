"""A write's options as the apiserver decodes and validates them before it touches the object
(k8s.io/apimachinery pkg/apis/meta/v1/validation): CreateOptions, UpdateOptions and PatchOptions from the
query (fieldManager, dryRun, fieldValidation), DeleteOptions from the body when there is one and else from
the query (the query is then not read at all).

Each refusal is the 422 `CreateOptions.meta.k8s.io "" is invalid: …`. Before this a `dryRun` value other
than `All` (`dryRun=true`, a typo) was a write applied for real, where the apiserver refuses it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..wire.params import InvalidParams, first_values, parse_bool, parse_int
from .fielderrors import Cause, error_text, forbidden, invalid, not_supported, typed

KINDS = {"create": "CreateOptions", "update": "UpdateOptions", "patch": "PatchOptions",
         "delete": "DeleteOptions", "deletecollection": "DeleteOptions"}
FIELD_VALIDATION = ("", "Ignore", "Strict", "Warn")  # fieldvalidation.py does what each asks
_PROPAGATION = ("Foreground", "Background", "Orphan")
_FIELD_MANAGER_MAX = 128


class OptionsError(ValueError):
    """The apiserver's refusal of a write's options: code, message (str) and Status details."""

    def __init__(self, code: int, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.details = details


@dataclass(frozen=True, slots=True)
class DeleteOptions:
    dry_run: bool = False
    grace_period: int | None = None
    propagation: str = ""  # "" when neither it nor orphanDependents is set; Orphan for orphanDependents
    precondition_uid: str = ""
    precondition_rv: str = ""


def _refusal(kind: str, causes: list[Cause]) -> OptionsError:
    return OptionsError(422, f'{kind}.meta.k8s.io "" is invalid: {error_text(causes)}',
                        {"group": "meta.k8s.io", "kind": kind,
                         "causes": [{"reason": r, "message": m, "field": f} for f, r, m in causes]})


def _dry_run(values: list[str]) -> list[Cause]:
    """ValidateDryRun: every value All (none at all is no dry run)."""
    return [] if all(v == "All" for v in values) else [not_supported("dryRun", values, ["All"])]


def _field_manager(name: str) -> list[Cause]:
    """ValidateFieldManager: at most 128 bytes, every character printable (positions in bytes, as Go's)."""
    causes: list[Cause] = []
    if len(name.encode()) > _FIELD_MANAGER_MAX:
        causes.append(("fieldManager", "FieldValueTooLong",
                       f"Too long: may not be more than {_FIELD_MANAGER_MAX} bytes"))
    at = 0
    for ch in name:
        if not ch.isprintable() and ch != " ":
            causes.append(invalid("fieldManager", name, f"invalid character U+{ord(ch):04X} (at position {at})"))
        at += len(ch.encode())
    return causes


def write_options(verb: str, pairs: list[tuple[str, str]], apply: bool = False) -> tuple[bool, str, str]:
    """A create's, update's or patch's (dry run, field manager, field validation); OptionsError if the
    apiserver refuses them. `apply`: the patch is an apply, which must name its field manager and alone may
    be forced (ValidatePatchOptions)."""
    dry = [v for k, v in pairs if k == "dryRun"]
    values = first_values(pairs)
    manager, validation = values.get("fieldManager", ""), values.get("fieldValidation", "")
    causes: list[Cause] = []
    if verb == "patch" and apply and not manager:
        causes.append(("fieldManager", "FieldValueRequired", "Required value: is required for apply patch"))
    elif verb == "patch" and not apply and "force" in values:
        causes.append(forbidden("force", "may not be specified for non-apply patch"))
    causes += _field_manager(manager) + _dry_run(dry)
    if validation not in FIELD_VALIDATION:
        causes.append(not_supported("fieldValidation", validation, FIELD_VALIDATION, plain=True))
    if causes:
        raise _refusal(KINDS[verb], causes)
    return bool(dry), manager, validation


def delete_options(body: dict[str, Any] | None, pairs: list[tuple[str, str]]) -> DeleteOptions:
    """A delete's options: from its body (DeleteOptions, already decoded and type-checked: bodies.py) if it
    sent one, else from the query; OptionsError (400 for a query value that does not parse, 422 for
    options ValidateDeleteOptions refuses)."""
    if body is not None:
        dry = body.get("dryRun") or []
        grace, policy, orphan = body.get("gracePeriodSeconds"), body.get("propagationPolicy"), \
            body.get("orphanDependents")
        pre = body.get("preconditions") or {}
    else:
        dry = [v for k, v in pairs if k == "dryRun"]
        values = first_values(pairs)
        try:
            grace = parse_int(values["gracePeriodSeconds"]) if "gracePeriodSeconds" in values else None
        except InvalidParams as exc:
            raise OptionsError(400, str(exc)) from None
        policy = values.get("propagationPolicy")
        orphan = parse_bool(values["orphanDependents"]) if "orphanDependents" in values else None
        pre = {k: values[k] for k in ("uid", "resourceVersion") if values.get(k)}  # (the query's preconditions)
    causes: list[Cause] = []
    if orphan is not None and policy is not None:
        causes.append(invalid("propagationPolicy", typed(policy),
                              "orphanDependents and deletionPropagation cannot be both set"))
    if policy is not None and policy not in _PROPAGATION:
        causes.append(not_supported("propagationPolicy", policy, [*_PROPAGATION, "nil"]))
    causes += _dry_run(dry)
    if causes:
        raise _refusal("DeleteOptions", causes)
    return DeleteOptions(dry_run=bool(dry), grace_period=grace, propagation=policy or ("Orphan" if orphan else ""),
                         precondition_uid=str(pre.get("uid") or ""),
                         precondition_rv=str(pre.get("resourceVersion") or ""))
