"""The annotations a pod's and a pod template's validation reads (pkg/apis/core/validation,
ValidatePodSpecificAnnotations): a mirror pod's node, the legacy tolerations annotation, the deletion cost
(ReplicaSets scale down the cheapest pods first, so a cost that is no 32-bit integer is refused), seccomp and
AppArmor profiles named the old way; on create, their agreement with the fields; on a pod's update, no AppArmor
or mirror annotation added, changed or removed. And the AppArmor version skew a created pod gets from its
strategy (applyAppArmorVersionSkew): an annotation copied into its container's field, with a warning."""

from __future__ import annotations

import json
import re
from typing import Any

from . import gojson, podspecfields
from .decoding import json_word
from .fielderrors import Cause, forbidden, invalid
from .objects import as_dict, containers
from .volumesources import descending

Obj = dict[str, Any]

MIRROR = "kubernetes.io/config.mirror"
_TOLERATIONS = "scheduler.alpha.kubernetes.io/tolerations"
_DELETION_COST = "controller.kubernetes.io/pod-deletion-cost"
SECCOMP_POD = "seccomp.security.alpha.kubernetes.io/pod"
SECCOMP_CONTAINER = "container.seccomp.security.alpha.kubernetes.io/"
APPARMOR_CONTAINER = "container.apparmor.security.beta.kubernetes.io/"
_LOCALHOST = "localhost/"
_COST = re.compile(r"-?[0-9]+")  # (then validFirstDigit: no plus sign, no leading zero)
# core.Toleration's fields by the names the pod's field has, each with its Go type as encoding/json names it
_TOLERATION_FIELDS = {"key": "string", "operator": "core.TolerationOperator", "value": "string",
                      "effect": "core.TaintEffect", "tolerationSeconds": "int64"}


def causes(annotations: Any, spec: Obj, path: str, old_annotations: Any = None) -> list[Cause]:
    """ValidatePodSpecificAnnotations, at `path` (the annotations'); `old_annotations`, a pod's update's: a deletion
    cost that was invalid there may stay invalid (AllowInvalidPodDeletionCost, set from the old pod's)."""
    annotations = as_dict(annotations)
    found: list[Cause] = []
    if MIRROR in annotations and not spec.get("nodeName"):
        found.append(invalid(f"{path}[{MIRROR}]", annotations[MIRROR],
                             "must set spec.nodeName if mirror pod annotation is set"))
    if text := str(annotations.get(_TOLERATIONS) or ""):
        found += _tolerations(text, path)
    if _DELETION_COST in annotations and not _cost_ok(str(annotations[_DELETION_COST])) \
            and _cost_ok(str(as_dict(old_annotations).get(_DELETION_COST, 0))):
        found.append(invalid(f"{path}[{_DELETION_COST}]", annotations[_DELETION_COST], "must be a 32bit integer"))
    if SECCOMP_POD in annotations:
        found += _seccomp_format(str(annotations[SECCOMP_POD]), f"{path}.{SECCOMP_POD}")
    for key in sorted(annotations):  # (then the containers', in Go's map order: one is the usual case)
        if key.startswith(SECCOMP_CONTAINER):
            found += _seccomp_format(str(annotations[key]), f"{path}.{key}")
    names = {str(ctr.get("name") or "") for ctr, _ in containers(spec, "")}
    for key in sorted(annotations):
        if key.startswith(APPARMOR_CONTAINER):
            if key.removeprefix(APPARMOR_CONTAINER) not in names:
                found.append(invalid(f"{path}[{key}]", key.removeprefix(APPARMOR_CONTAINER), "container not found"))
            value = str(annotations[key])
            if value not in ("", "runtime/default", "unconfined") and not value.startswith(_LOCALHOST):
                found.append(invalid(f"{path}[{key}]", value, f"invalid AppArmor profile name: {json.dumps(value)}"))
    return found


def _cost_ok(value: str) -> bool:
    return (value == "0" or (bool(value) and (value[0] == "-" or value[0] in "123456789"))) \
        and _COST.fullmatch(value) is not None and -2**31 <= int(value) < 2**31


def _tolerations(text: str, path: str) -> list[Cause]:
    """The legacy annotation's tolerations, decoded as encoding/json decodes them, then validated as the
    field's (at the annotation's key, as Go names it)."""
    if (error := gojson.syntax_error(text.encode())) is not None:
        return [invalid(path, _TOLERATIONS, error)]
    tolerations, error = _unmarshal_tolerations(text)
    if error:
        return [invalid(path, _TOLERATIONS, error)]
    return podspecfields.tolerations(tolerations, f"{path}.{_TOLERATIONS}")


class _Object(list[tuple[str, Any]]):
    """A JSON object's members in order, duplicates kept (encoding/json lets the last one win)."""


class _Number(str):
    """A JSON number as written: encoding/json quotes the literal when it does not fit an int64."""


def _json_word(value: Any) -> str:
    """decoding.json_word of a value as _unmarshal_tolerations reads it."""
    return "object" if isinstance(value, _Object) else "number" if isinstance(value, _Number) else json_word(value)


def _unmarshal_tolerations(text: str) -> tuple[list[Obj], str]:
    """json.Unmarshal of valid JSON into []core.Toleration: the tolerations and the first type error, or "".
    Go decodes on past a value of the wrong type and returns the first such error; the internal type has no
    json tags, so a member names a field whatever its letters' case and errors name the Go field (`Key`); null
    leaves a field, or an item, as it was (empty)."""
    doc = json.loads(text, object_pairs_hook=_Object, parse_int=_Number, parse_float=_Number)
    if doc is None:
        return [], ""
    if not isinstance(doc, list) or isinstance(doc, _Object):
        return [], f"json: cannot unmarshal {_json_word(doc)} into Go value of type []core.Toleration"
    errors: list[str] = []
    tolerations: list[Obj] = []
    for item in doc:
        toleration: Obj = {}
        tolerations.append(toleration)
        if item is not None and not isinstance(item, _Object):
            errors.append(f"json: cannot unmarshal {_json_word(item)} into Go value of type core.Toleration")
            continue
        for member, value in item or ():
            name = member if member in _TOLERATION_FIELDS else next(
                (f for f in _TOLERATION_FIELDS if f.casefold() == member.casefold()), None)
            if name is None or value is None:
                continue
            go = _TOLERATION_FIELDS[name]
            if go == "int64" and isinstance(value, _Number) and value.lstrip("-").isdigit() \
                    and -2**63 <= int(value) < 2**63:
                toleration[name] = int(value)
            elif go != "int64" and isinstance(value, str) and not isinstance(value, _Number):
                toleration[name] = value
            else:
                literal = f" {value}" if go == "int64" and isinstance(value, _Number) else ""
                errors.append(f"json: cannot unmarshal {_json_word(value)}{literal} into Go struct field "
                              f"Toleration.{name[0].upper()}{name[1:]} of type {go}")
    return tolerations, errors[0] if errors else ""


def _seccomp_format(profile: str, path: str) -> list[Cause]:
    """ValidateSeccompProfile of an annotation's value."""
    if profile in ("runtime/default", "docker/default", "unconfined"):
        return []
    if profile.startswith(_LOCALHOST):
        return descending(profile.removeprefix(_LOCALHOST), path)
    return [invalid(path, profile, "must be a valid seccomp profile")]


def agree_on_create(meta: Obj, spec: Obj, path: str) -> list[Cause]:
    """validateSeccompAnnotationsAndFields and validateAppArmorAnnotationsAndFieldsMatchOnCreate: where an
    annotation and the field both name a profile, they name the same (AppArmor: not on Windows, a container
    inheriting its pod's)."""
    annotations = as_dict(meta.get("annotations"))
    pod_context = as_dict(spec.get("securityContext"))
    found: list[Cause] = []
    if isinstance(profile := pod_context.get("seccompProfile"), dict) and SECCOMP_POD in annotations:
        found += _mismatch("seccomp", str(annotations[SECCOMP_POD]), profile, f"{path}.securityContext.seccompProfile")
    for ctr, at in containers(spec, path):
        profile = as_dict(ctr.get("securityContext")).get("seccompProfile")
        key = SECCOMP_CONTAINER + str(ctr.get("name") or "")
        if isinstance(profile, dict) and key in annotations:
            found += _mismatch("seccomp", str(annotations[key]), profile, f"{at}.securityContext.seccompProfile")
    if as_dict(spec.get("os")).get("name") == "windows":
        return found
    for ctr, at in containers(spec, path):
        profile = as_dict(ctr.get("securityContext")).get("appArmorProfile") or pod_context.get("appArmorProfile")
        key = APPARMOR_CONTAINER + str(ctr.get("name") or "")
        if isinstance(profile, dict) and key in annotations:
            found += _mismatch("apparmor", str(annotations[key]), profile, f"{at}.securityContext.appArmorProfile")
    return found


def _mismatch(what: str, annotation: str, profile: Obj, path: str) -> list[Cause]:
    kind = profile.get("type")
    defaults = ("runtime/default", "docker/default") if what == "seccomp" else ("runtime/default",)
    if {"Unconfined": annotation != "unconfined", "RuntimeDefault": annotation not in defaults,
            "Localhost": not annotation.startswith(_LOCALHOST)}.get(str(kind), False):
        return [forbidden(f"{path}.type", f"{what} type in annotation and field must match")]
    if kind == "Localhost" and annotation.removeprefix(_LOCALHOST) != profile.get("localhostProfile"):
        return [forbidden(f"{path}.localhostProfile", f"{what} profile in annotation and field must match")]
    return []


def update_causes(new: Obj, old: Obj) -> list[Cause]:
    """ValidatePodSpecificAnnotationUpdates' own: an AppArmor or mirror annotation neither removed, changed nor
    added (old keys first, then new ones, each in key order)."""
    before = as_dict(as_dict(old.get("metadata")).get("annotations"))
    after = as_dict(as_dict(new.get("metadata")).get("annotations"))
    found: list[Cause] = []
    for key in sorted(before):
        if key in after and after[key] == before[key]:
            continue
        if key.startswith(APPARMOR_CONTAINER):
            found.append(forbidden(f"metadata.annotations[{key}]", "may not remove or update AppArmor annotations"))
        if key == MIRROR:
            found.append(forbidden(f"metadata.annotations[{key}]", "may not remove or update mirror pod annotation"))
    for key in sorted(k for k in after if k not in before):
        if key.startswith(APPARMOR_CONTAINER):
            found.append(forbidden(f"metadata.annotations[{key}]", "may not add AppArmor annotations"))
        if key == MIRROR:
            found.append(forbidden(f"metadata.annotations[{key}]", "may not add mirror pod annotation"))
    return found


def app_armor_skew(pod: Obj) -> list[str]:
    """applyAppArmorVersionSkew on a created pod (not on Windows): a container without a profile of its own gets
    its annotation's, unless that is invalid or its pod's; the warnings of the annotations doing so, or that no
    valid profile can be read from."""
    spec, annotations = as_dict(pod.get("spec")), as_dict(as_dict(pod.get("metadata")).get("annotations"))
    if as_dict(spec.get("os")).get("name") == "windows":
        return []
    pod_profile = as_dict(spec.get("securityContext")).get("appArmorProfile")
    warnings: list[str] = []
    for ctr, _ in containers(spec, ""):
        key = APPARMOR_CONTAINER + str(ctr.get("name") or "")
        if key not in annotations or as_dict(ctr.get("securityContext")).get("appArmorProfile") is not None:
            continue
        profile = profile_of(str(annotations[key]), checked=True)
        if profile is not None and profile != pod_profile:
            context = ctr.get("securityContext")
            ctr["securityContext"] = {**(context if isinstance(context, dict) else {}), "appArmorProfile": profile}
            warnings.append(key)
        elif profile is None:
            warnings.append(key)
    return [f'metadata.annotations[{key}]: deprecated since v1.30; use the "appArmorProfile" field instead'
            for key in warnings]


def profile_of(annotation: str, checked: bool = False) -> Obj | None:
    """ApparmorFieldForAnnotation (`checked`: kept only where ValidateAppArmorProfileField finds it valid)."""
    if annotation == "unconfined":
        return {"type": "Unconfined"}
    if annotation == "runtime/default":
        return {"type": "RuntimeDefault"}
    local = annotation.removeprefix(_LOCALHOST)
    if annotation.startswith(_LOCALHOST) and local and (not checked or (local.strip() == local and len(local) <= 4095)):
        return {"type": "Localhost", "localhostProfile": local}
    return None
