"""CustomResourceDefinitions as the kube-apiserver's embedded apiextensions-apiserver handles them: the
definition's defaults and validation, the status its controllers write after a create (names accepted, then
established) and on delete (terminating), and the custom resource type each served version makes.

An operator's developer installs its CRDs before anything else (`kubectl apply -f config/crd`), then runs
the controller; against emulate the custom resources must then behave as the real server's do: pruned,
defaulted and validated by their schema (schema.py), with a status subresource only where declared.
Pure: objects in, objects out; the emulator (proxy/engines/emulate/customresources.py) commits them.

Compared with the real kube-apiserver by tests/test_crds_realkube.py. Left out: calling conversion webhooks
(every served version is served from the same object; a webhook's configuration is validated), name conflicts
between definitions, and validation beyond what each function's docstring names.
"""

from __future__ import annotations

import base64
import hashlib
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..wire.gostrings import sprint_v
from . import crdschemas, crdtypes, schema, strformats, validation, webhookvalidation
from .crdtypes import GROUP
from .decoding import go_type
from .fielderrors import Cause, forbidden, invalid, not_supported, required

PATH = f"/apis/{GROUP}/v1/customresourcedefinitions"
CLEANUP_FINALIZER = "customresourcecleanup.apiextensions.k8s.io"
_SCOPES = ("Cluster", "Namespaced")
_NAMES_ORDER = tuple(crdtypes.fields("Names"))
Obj = dict[str, Any]
# Go's JSON of the zero v1 CustomResourceDefinition, past its metadata (what its bookmarks carry)
ZERO: Obj = {"spec": {"group": "", "names": {"plural": "", "kind": ""}, "scope": "", "versions": None},
             "status": {"conditions": None, "acceptedNames": {"plural": "", "kind": ""}, "storedVersions": None}}


@dataclass(frozen=True)
class CustomType:
    """One served version of a custom resource: what routing, discovery, writes and Tables need of it."""

    group: str
    version: str
    plural: str
    singular: str
    kind: str
    list_kind: str
    namespaced: bool
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    schema: dict[str, Any] = field(default_factory=dict, hash=False)
    # every served version's schema (a body naming another version of the type is decoded by that one's)
    schemas: dict[str, dict[str, Any]] = field(default_factory=dict, hash=False)
    status: bool = False  # has a status subresource
    scale: dict[str, str] | None = field(default=None, hash=False)  # the scale subresource's JSON paths
    columns: tuple[dict[str, Any], ...] = ()  # additionalPrinterColumns
    terminating: bool = False  # its definition is being deleted: no new objects, the rest still served

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}"

    storage_version: str = ""

    @property
    def storage_version_hash(self) -> str:
        """discovery.StorageVersionHash: the first 8 bytes of sha256 of "group/version/kind", the storage
        version's."""
        digest = hashlib.sha256(f"{self.group}/{self.storage_version}/{self.kind}".encode()).digest()
        return base64.b64encode(digest[:8]).decode()


def _spec(crd: Obj) -> Obj:
    spec = crd.get("spec")
    return spec if isinstance(spec, dict) else {}


def _names(crd: Obj) -> Obj:
    names = _spec(crd).get("names")
    return names if isinstance(names, dict) else {}


def _versions(crd: Obj) -> list[Obj]:
    versions = _spec(crd).get("versions")
    return [v for v in versions if isinstance(v, dict)] if isinstance(versions, list) else []


def defaulted(crd: Obj, creating: bool, uid: str) -> None:
    """SetDefaults of apiextensions/v1 (in place): the singular and list kind from the kind, no conversion, a
    conversion webhook's service on port 443; on create the status the strategy starts it with."""
    spec = crd.get("spec")
    if not isinstance(spec, dict):
        return
    names = spec.get("names")
    if isinstance(names, dict):
        kind = names.get("kind")
        if isinstance(kind, str) and kind:
            names.setdefault("singular", kind.lower())
            names.setdefault("listKind", f"{kind}List")
        spec["names"] = {**{k: names[k] for k in _NAMES_ORDER if k in names}, **names}
    if not isinstance(spec.get("conversion"), dict):
        spec["conversion"] = {"strategy": "None"}
    service = ((spec["conversion"].get("webhook") or {}).get("clientConfig") or {}).get("service")
    if isinstance(service, dict):  # (SetDefaults_ServiceReference)
        service.setdefault("port", 443)
    if creating:
        storage = [v.get("name") for v in _versions(crd) if v.get("storage")]
        crd["status"] = {"conditions": None, "acceptedNames": {"plural": "", "kind": ""},
                         "storedVersions": storage[:1] or None}


def _internal_versions(versions: list[Obj]) -> list[Obj]:
    """The versions as the apiserver prints its internal Go struct in a message (a per-version schema,
    subresources and columns are moved to the spec when every version has the same)."""
    return [{"Name": v.get("name", ""), "Served": bool(v.get("served")), "Storage": bool(v.get("storage")),
             "Deprecated": bool(v.get("deprecated")), "DeprecationWarning": v.get("deprecationWarning"),
             "Schema": None, "Subresources": None, "AdditionalPrinterColumns": None, "SelectableFields": None}
            for v in versions]


def name_rule(crd: Obj) -> Callable[[str], list[str]]:
    """The name's rule (and a generateName's, which therefore never passes): a DNS subdomain, and
    `PLURAL.GROUP` of its spec."""
    wanted = f"{_names(crd).get('plural') or ''}.{_spec(crd).get('group') or ''}"

    def rule(name: str) -> list[str]:
        return validation.subdomain(name) + ([] if name == wanted else ['must be spec.names.plural+"."+spec.group'])
    return rule


def causes(crd: Obj) -> list[Cause]:
    """ValidateCustomResourceDefinition past its metadata (whose name `name_rule` checks), in part and in its
    order: the group, scope, that every version has a schema, version names, one storage version, the names,
    the schema, subresources, printer columns and conversion, and the stored versions."""
    spec, names, versions = _spec(crd), _names(crd), _versions(crd)
    group = spec.get("group") or ""
    out: list[Cause] = []
    if not group:
        out.append(required("spec.group"))
    elif errs := validation.subdomain(group):
        out.append(invalid("spec.group", group, ",".join(errs)))
    elif "." not in group:
        out.append(invalid("spec.group", group, "should be a domain with at least one dot"))
    if spec.get("scope") not in _SCOPES:
        out.append(not_supported("spec.scope", spec.get("scope") or "", _SCOPES, plain=True))
    schemas = [_schema_of(v) for v in versions]
    out += [required(f"spec.versions[{i}].schema.openAPIV3Schema") for i, s in enumerate(schemas) if s is None]
    for i, v in enumerate(versions):
        name = str(v.get("name") or "")  # (checked even when empty, unlike the optional names)
        if errs := validation.dns1035_label(name):
            out.append(invalid(f"spec.versions[{i}].name", name, ",".join(errs)))
    if len({v.get("name") for v in versions}) != len(versions):
        out.append(invalid("spec.versions", _internal_versions(versions), "must contain unique version names"))
    storage = [v.get("name") for v in versions if v.get("storage")]
    if len(storage) != 1:
        out.append(invalid("spec.versions", _internal_versions(versions),
                           "must have exactly one version marked as storage version"))
    if versions:  # spec.version, which the internal type still has: the first version's name
        out += _dns1035("spec.version", str(versions[0].get("name", "")))
    out += [required(f"spec.names.{key}") for key in ("plural", "singular", "kind", "listKind") if not names.get(key)]
    for key in ("plural", "singular"):
        out += _dns1035(f"spec.names.{key}", str(names.get(key) or ""))
    for key in ("kind", "listKind"):
        value = str(names.get(key) or "")
        if value and (errs := validation.dns1035_label(value.lower())):
            out.append(invalid(f"spec.names.{key}", value, "may have mixed case, but should otherwise match: "
                               + ",".join(errs)))
    for key in ("shortNames", "categories"):
        for i, value in enumerate(names.get(key) or ()):
            out += _dns1035(f"spec.names.{key}[{i}]", str(value))
    if names.get("kind") and names.get("kind") == names.get("listKind"):
        out.append(invalid("spec.names.listKind", names["listKind"], "kind and listKind may not be the same"))
    for part, path, check in (("schema", "validation", _schema_causes), ("subresources", "subresources", _scale_causes),
                              ("additionalPrinterColumns", "additionalPrinterColumns", _column_causes)):
        # (the internal type holds what every version has alike once, in the spec: its causes are named so)
        each = [v.get(part) for v in versions]
        if each and all(x == each[0] for x in each):
            out += check(each[0], f"spec.{path}")
        else:
            for i, x in enumerate(each):
                out += check(x, f"spec.versions[{i}].{part}")
    conversion: Obj = spec["conversion"] if isinstance(spec.get("conversion"), dict) else {}
    out += _conversion_causes(conversion, "spec.conversion")
    stored = (crd.get("status") or {}).get("storedVersions")
    if not stored:
        out.append(invalid("status.storedVersions", stored, "must have at least one stored version"))
    elif storage and storage[-1] not in stored:
        out.append(invalid("status.storedVersions", stored, f"must have the storage version {storage[-1]}"))
    return out


_APPROVAL = "api-approved.kubernetes.io"


def approval_causes(crd: Obj, old: Obj | None) -> list[Cause]:
    """validateAPIApproval: a definition in a group under k8s.io or kubernetes.io names the API review that
    approved it (a URL) or says why not ("unapproved…"); an update that keeps the annotation's state is let by."""
    group = str(_spec(crd).get("group") or "")
    if not (group in ("k8s.io", "kubernetes.io") or group.endswith((".k8s.io", ".kubernetes.io"))):
        return []
    state, why = _approval(crd)
    if old is not None and _approval(old)[0] == state:
        return []
    where = f"metadata.annotations[{_APPROVAL}]"
    if state == "missing":
        return [required(where, why)]
    return [invalid(where, _annotations(crd).get(_APPROVAL, ""), why)] if state == "invalid" else []


def _annotations(crd: Obj) -> dict[str, str]:
    given = (crd.get("metadata") or {}).get("annotations")
    return given if isinstance(given, dict) else {}


def _approval(crd: Obj) -> tuple[str, str]:
    """GetAPIApprovalState: the annotation's state and its reason."""
    note = str(_annotations(crd).get(_APPROVAL) or "")
    see = "see https://github.com/kubernetes/enhancements/pull/1111"
    if not note:
        return "missing", f'protected groups must have approval annotation "{_APPROVAL}", {see}'
    if note.startswith("unapproved"):
        return "bypassed", ""
    url = urllib.parse.urlsplit(note)
    if strformats.valid("uri", note) and url.scheme and url.netloc:
        return "approved", ""
    return "invalid", (f'protected groups must have approval annotation "{_APPROVAL}" with either a URL or a reason '
                       f'starting with "unapproved", {see}')


def _schema_causes(given: Any, path: str) -> list[Cause]:
    s = given.get("openAPIV3Schema") if isinstance(given, dict) else None
    return crdschemas.causes(s, f"{path}.openAPIV3Schema") if isinstance(s, dict) else []


def _scale_causes(subresources: Any, path: str) -> list[Cause]:
    """ValidateCustomResourceDefinitionSubresources: a scale's replicas paths, simple JSON paths under .spec and
    .status, its label selector's under either."""
    scale = subresources.get("scale") if isinstance(subresources, dict) else None
    if not isinstance(scale, dict):
        return []
    out: list[Cause] = []
    for key, under in (("specReplicasPath", (".spec.",)), ("statusReplicasPath", (".status.",)),
                       ("labelSelectorPath", (".spec.", ".status."))):
        value, where = scale.get(key) or "", f"{path}.scale.{key}"
        if not value:
            out += [required(where)] if key != "labelSelectorPath" else []
        elif errs := _simple_json_path(value, where):
            out += errs
        elif not value.startswith(under):
            out.append(invalid(where, value, "should be a json path under " + (
                f"{under[0][:-1]}" if len(under) == 1 else "either .spec or .status")))
    return out


_COLUMN_TYPES = ("boolean", "date", "integer", "number", "string")
_COLUMN_FORMATS = ("byte", "date", "date-time", "double", "float", "int32", "int64", "password")


def _column_causes(columns: Any, path: str) -> list[Cause]:
    """ValidateCustomResourceColumnDefinition for each printer column."""
    out: list[Cause] = []
    for i, col in enumerate(columns if isinstance(columns, list) else ()):
        if not isinstance(col, dict):
            continue
        where = f"{path}[{i}]"
        if not col.get("name"):
            out.append(required(f"{where}.name"))
        why = f"must be one of {','.join(_COLUMN_TYPES)}"
        if not col.get("type"):
            out.append(required(f"{where}.type", why))
        elif col["type"] not in _COLUMN_TYPES:
            out.append(invalid(f"{where}.type", col["type"], why))
        if col.get("format") and col["format"] not in _COLUMN_FORMATS:
            out.append(invalid(f"{where}.format", col["format"], f"must be one of {','.join(_COLUMN_FORMATS)}"))
        if not col.get("jsonPath"):
            out.append(required(f"{where}.JSONPath"))  # (the Go field's name)
        else:
            out += _simple_json_path(str(col["jsonPath"]), f"{where}.JSONPath")
    return out


def _simple_json_path(value: str, path: str) -> list[Cause]:
    return [invalid(path, value, "must be a simple json path starting with .")] if value[:1] != "." else []


def _conversion_causes(conversion: Obj, path: str) -> list[Cause]:
    """validateCustomResourceConversion: the strategy, a webhook's URL or service (as an admission webhook's) and
    the review versions it reads, what only a webhook's may have. Not modelled: its CA bundle, which only an
    update of an established definition checks."""
    strategy = conversion.get("strategy") or ""
    if not strategy:
        return [required(f"{path}.strategy")]
    if strategy not in ("None", "Webhook"):
        out = [not_supported(f"{path}.strategy", strategy, ["None", "Webhook"], plain=True)]
    else:
        out = []
    webhook: Obj = conversion["webhook"] if isinstance(conversion.get("webhook"), dict) else {}
    if strategy == "Webhook":
        client = webhook.get("clientConfig")
        at = f"{path}.webhookClientConfig"
        if not isinstance(client, dict):
            out.append(required(at, "required when strategy is set to Webhook"))
        elif (client.get("url") is None) == (client.get("service") is None):
            out.append(required(at, "exactly one of url or service is required"))
        elif client.get("url") is not None:
            out += webhookvalidation.webhook_url(str(client["url"]), f"{at}.url")
        else:
            out += webhookvalidation.webhook_service(client["service"], f"{at}.service")
        out += webhookvalidation.review_versions(webhook.get("conversionReviewVersions"),
                                                 f"{path}.conversionReviewVersions", missing="")
    else:
        for key, name in (("clientConfig", "webhookClientConfig"),
                          ("conversionReviewVersions", "conversionReviewVersions")):
            if webhook.get(key):
                out.append(forbidden(f"{path}.{name}", "should not be set when strategy is not set to Webhook"))
    return out


def _dns1035(path: str, value: str) -> list[Cause]:
    """A name that must be a DNS-1035 label, when given: one cause, its errors joined as Go joins them."""
    errs = validation.dns1035_label(value) if value else []
    return [invalid(path, value, ",".join(errs))] if errs else []


def _schema_of(version: Obj) -> Obj | None:
    schema = version.get("schema")
    found = schema.get("openAPIV3Schema") if isinstance(schema, dict) else None
    return found if isinstance(found, dict) else None


def _unrecognized_formats(crd: Obj) -> list[str]:
    """getUnrecognizedFormatsInCRD: the formats the apiserver drops from a schema before validating by it (a
    number's not of its type, a string's or an untyped one's not in the registry, any other type's)."""
    return [str(node["format"]) for v in _versions(crd) for node in crdschemas.nodes(_schema_of(v))
            if isinstance(node.get("format"), str) and node["format"] and not schema.kept_format(node)]


def _object_sets(crd: Obj) -> set[str]:
    """getNonScalarListTypeSetWarnings: a set of objects or of lists, which apply and CEL cannot hold."""
    return {f'x-kubernetes-list-type: set for items of type "{t}" is not supported by server-side apply or CEL '
            "validation rules" for v in _versions(crd) for node in crdschemas.nodes(_schema_of(v))
            if node.get("x-kubernetes-list-type") == "set" and isinstance(node.get("items"), dict)
            and (t := node["items"].get("type")) in ("object", "array")}


def definition_warnings(crd: Obj, old: Obj | None) -> list[str]:
    """The definition strategy's WarningsOnCreate/Update: formats it does not know (no value is checked against
    them) and sets of non-scalars, on an update only those the stored definition did not have."""
    before = set(_unrecognized_formats(old)) if old is not None else set()
    formats = [f'unrecognized format "{f}"' for f in dict.fromkeys(_unrecognized_formats(crd)) if f not in before]
    return formats + sorted(_object_sets(crd) - (_object_sets(old) if old is not None else set()))


def _condition(kind: str, status: str, reason: str, message: str, when: str) -> Obj:
    return {"type": kind, "status": status, "lastTransitionTime": when, "reason": reason, "message": message}


def _with_conditions(crd: Obj, conditions: list[Obj]) -> Obj:
    status = {**(crd.get("status") or {}), "conditions": conditions}
    return {**crd, "status": status}


def names_accepted(crd: Obj, when: str) -> Obj:
    """What the naming controller writes just after a create: the names accepted, being established."""
    names = _names(crd)
    out = _with_conditions(crd, [
        _condition("NamesAccepted", "True", "NoConflicts", "no conflicts found", when),
        _condition("Established", "False", "Installing", "the initial names have been accepted", when)])
    out["status"]["acceptedNames"] = {k: names[k] for k in _NAMES_ORDER if k in names}
    return out


def established(crd: Obj, when: str) -> Obj:
    """What the establishing controller writes next: the custom resources are served from now on."""
    conditions = [c for c in (crd.get("status") or {}).get("conditions") or [] if c.get("type") != "Established"]
    return _with_conditions(crd, [*conditions, _condition("Established", "True", "InitialNamesAccepted",
                                                          "the initial names have been accepted", when)])


def terminating(crd: Obj, when: str, in_progress: bool) -> Obj:
    """The condition a deleted definition carries while its custom resources are removed."""
    conditions = [c for c in (crd.get("status") or {}).get("conditions") or [] if c.get("type") != "Terminating"]
    reason, message = ("InstanceDeletionInProgress", "CustomResource deletion is in progress") if in_progress else (
        "InstanceDeletionPending",
        "CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon")
    return _with_conditions(crd, [*conditions, _condition("Terminating", "True", reason, message, when)])


def is_established(crd: Obj) -> bool:
    return any(c.get("type") == "Established" and c.get("status") == "True"
               for c in (crd.get("status") or {}).get("conditions") or [] if isinstance(c, dict))


def served(crd: Obj) -> list[CustomType]:
    """The custom resource types an established definition serves, one per served version (also while it
    is being deleted, until its last custom resource is gone)."""
    if not is_established(crd):
        return []
    spec, names = _spec(crd), _names(crd)
    storage = next((str(v.get("name", "")) for v in _versions(crd) if v.get("storage")), "")
    schemas = {str(v.get("name", "")): _schema_of(v) or {} for v in _versions(crd) if v.get("served")}
    out = []
    for v in _versions(crd):
        if not v.get("served"):
            continue
        given = v.get("subresources")
        subresources: Obj = given if isinstance(given, dict) else {}
        scale = subresources.get("scale")
        out.append(CustomType(
            group=str(spec.get("group", "")), version=str(v.get("name", "")), plural=str(names.get("plural", "")),
            singular=str(names.get("singular", "")), kind=str(names.get("kind", "")),
            list_kind=str(names.get("listKind", "")), namespaced=spec.get("scope") == "Namespaced",
            short_names=tuple(names.get("shortNames") or ()), categories=tuple(names.get("categories") or ()),
            schema=_schema_of(v) or {}, schemas=schemas,
            status=isinstance(subresources.get("status"), dict),
            scale=scale if isinstance(scale, dict) else None,
            columns=tuple(c for c in v.get("additionalPrinterColumns") or () if isinstance(c, dict)),
            storage_version=storage, terminating=bool((crd.get("metadata") or {}).get("deletionTimestamp"))))
    return out


def value_at(obj: Any, json_path: str) -> Any:
    """The value at a definition's simple JSON path (`.spec.replicas`), None where there is none."""
    for part in json_path.lstrip(".").split("."):
        obj = obj.get(part) if isinstance(obj, dict) else None
    return obj


def set_at(obj: Obj, json_path: str, value: Any) -> str:
    """Set the value at a simple JSON path, making the maps that are missing on the way, as
    unstructured.SetNestedField does; its error where one there is something else (a null too), else ""."""
    *parents, last = json_path.lstrip(".").split(".")
    node = obj
    for i, part in enumerate(parents):
        if part not in node:
            node[part] = {}
        elif not isinstance(node[part], dict):
            return f"value cannot be set because .{'.'.join(parents[:i + 1])} is not a map[string]interface{{}}"
        node = node[part]
    node[last] = value
    return ""


def _nested(obj: Obj, json_path: str, want: type, go: str) -> tuple[bool, Any, str | None]:
    """unstructured.NestedInt64 and NestedString: (found, the value, the accessor's error). A null on the way
    is not found; a container on the way that is no map, or a value of another type, is the error, which names
    the path up to where it failed."""
    node: Any = obj
    parts = json_path.lstrip(".").split(".")
    for i, part in enumerate(parts):
        if node is None:
            return False, None, None
        if not isinstance(node, dict):
            return False, None, (f".{'.'.join(parts[:i + 1])} accessor error: {sprint_v(node)} is of the type "
                                 f"{go_type(node)}, expected map[string]interface{{}}")
        if part not in node:
            return False, None, None
        node = node[part]
    if not isinstance(node, want) or isinstance(node, bool):
        return False, None, (f".{'.'.join(parts)} accessor error: {sprint_v(node)} is of the type {go_type(node)}, "
                             f"expected {go}")
    return True, node, None


def _replicas_cause(obj: Obj, json_path: str) -> list[Cause]:
    """ValidateScaleSpec/Status for one path: unstructured.NestedInt64's error, or a negative count."""
    found, count, error = _nested(obj, json_path, int, "int64")
    if error is not None:
        return [invalid(json_path, 0, error)]
    if found and count < 0:
        return [invalid(json_path, count, "should be a non-negative integer")]
    if found and count > 2**31 - 1:
        return [invalid(json_path, count, f"should be less than or equal to {2**31 - 1}")]
    return []


def scale_causes(ct: CustomType, obj: Obj, *, status: bool = False) -> list[Cause]:
    """What the scale subresource's paths add to a custom resource's validation: replica counts that are
    not integers, or negative (of the status alone for a write through /status), and a label selector that
    is not a string (ValidateScaleStatus)."""
    if ct.scale is None:
        return []
    keys = ("statusReplicasPath",) if status else ("specReplicasPath", "statusReplicasPath")
    causes = [c for key in keys if isinstance(ct.scale.get(key), str) for c in _replicas_cause(obj, ct.scale[key])]
    if isinstance(selector := ct.scale.get("labelSelectorPath"), str):
        error = _nested(obj, selector, str, "string")[2]
        causes += [invalid(selector, "", error)] if error is not None else []
    return causes
