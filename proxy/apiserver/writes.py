"""Create, update, patch and delete as a kube-apiserver applies them, on decoded objects.

Pure: each function takes the object as stored now (or None), the request's decoded body and a `Stamp`
(the wall-clock time and the uid to give a new object), and returns an `Outcome`: the HTTP status, the
changes to commit and the body to answer. The store gives each commit its resourceVersion, writing it
into the very dicts the body holds, so an answer carries the version the watches see.

What is modelled (docs in README, "Writes in emulate"): metadata the apiserver owns (uid,
creationTimestamp, generation on spec changes, resourceVersion), `generateName`, 409 AlreadyExists and
Conflict, the `status` and `scale` subresources, finalizers and `deletionTimestamp`, graceful deletion of
pods bound to a node, `dryRun=All`; every written object is decoded, defaulted (defaults.py) and encoded
as the apiserver's Go types do (goorder.encoded); metadata is validated (validation.py), and so are pod
specs and templates, the workloads' and Jobs' selectors, CronJob schedules, Services, PVCs, Ingresses,
ConfigMap and Secret keys and immutable fields, a pod's spec among them (specvalidation.py and
podvalidation.py, a subset of each rule); a custom resource is pruned, defaulted and validated by its
definition's schema (crds.py, schema.py); server-side apply by the types (apply.py; the
managedFields written into the committed objects are managedfields.py's, from `Commit.written`). Not
modelled: validation of other fields and kinds, most admission, owner-reference garbage collection.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from ..wire import gotypes, negotiation
from ..wire.conversion import TEMPLATE_GENERATION
from ..wire.gostrings import quote, sprint_v
from ..wire.kinds import is_custom_group
from ..wire.names import path_segment
from ..wire.status import status
from . import (
    apiservices,
    autoscalingv1,
    crds,
    crdtypes,
    csr,
    decoding,
    defaults,
    dravalidation,
    embedded,
    eventapi,
    fieldvalidation,
    gojson,
    jsonpatch,
    lastapplied,
    mergekeys,
    podannotations,
    podcertificates,
    podresources,
    podstatus,
    podsubresources,
    rawjson,
    schema,
    signers,
    specvalidation,
    trustbundles,
    typedpatch,
    validation,
)
from .apply import Conflict, apply, display
from .crds import CustomType
from .encode import not_found
from .fielderrors import Cause, error_text, forbidden, go_json, invalid
from .fieldsets import dotted, root, untyped_in_whole_lists
from .goorder import (
    Undecodable,
    amounts,
    decoded_meta,
    encoded,
    ordered_meta,
    other_type_error,
    sorted_keys,
    version_mismatch,
)
from .gotime import TIMESTAMP
from .govalues import MISSING, with_held
from .managedfields import Ownership, identifier, reset_fields, scale_entries, who_is
from .patch import PatchError, as_left, merge_patch, strategic_merge
from .podconditions import with_condition
from .podvalidation import as_dict
from .rbac import User

Key = tuple[str, str]
# mutating admission that reads other objects, on a new object (and the name the request gave it): its refusal
Admit = Callable[[dict[str, Any], str], "Outcome | None"]
# the storage's BeginCreate/BeginUpdate (a Service's allocators), given the new and the stored object: a refusal, or
# None once it has filled in what it allocates; after admission, before validation and the name's uniqueness
Begin = Callable[[dict[str, Any], dict[str, Any] | None], "Outcome | None"]
# the storage's own check of who writes (RBAC's escalation check): (new object, stored one) -> a refusal, if any
Guard = Callable[[dict[str, Any], dict[str, Any] | None], "Outcome | None"]
# The kinds whose status strategy keeps the stored metadata whole (ResetObjectMetaForStatus, or all of ObjectMeta);
# on the other built-in kinds a /status write changes labels, annotations, finalizers and owners as well, but for
# what their strategy keeps (a custom resource's status strategy keeps everything but its status)
_STATUS_KEEPS_METADATA = frozenset({
    "VolumeAttachment", "CSINode", "ServiceCIDR", "ResourceClaim", "DeviceTaintRule", "ValidatingAdmissionPolicy",
    "PodCertificateRequest", "StorageVersionMigration", "FlowSchema", "PriorityLevelConfiguration"})
_STATUS_KEEPS = {"Deployment": ("labels",), "Pod": ("ownerReferences",)}
# the subresources that write a part of the status, the rest kept as stored: a CSR's /approval its conditions
_STATUS_PARTS = ("status", "approval")
# the pod subresources that write a part of its spec: their strategy (the pod they leave) and their validation
_POD_SPEC_PARTS = {"resize": (podsubresources.resized, podsubresources.resize_causes),
                   "ephemeralcontainers": (podsubresources.with_ephemeral_containers,
                                           podsubresources.ephemeral_causes)}
_SCHEDULING_GATED = {"type": "PodScheduled", "status": "False", "reason": "SchedulingGated",
                     "message": "Scheduling is blocked due to non-empty scheduling gates"}

MERGE_PATCH = "application/merge-patch+json"
JSON_PATCH = "application/json-patch+json"
STRATEGIC_PATCH = "application/strategic-merge-patch+json"
APPLY_PATCH = "application/apply-patch+yaml"
APPLY_PATCH_CBOR = "application/apply-patch+cbor"
PATCH_TYPES = (JSON_PATCH, MERGE_PATCH, STRATEGIC_PATCH, APPLY_PATCH)

# Kinds whose registry strategy keeps metadata.generation (bumped on spec changes). Custom resources
# always do. Others (ConfigMap, Secret, Service, Namespace, Node, …) never have one.
_GENERATION_KINDS = frozenset({
    "Pod", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicationController",
    "PodDisruptionBudget", "NetworkPolicy", "Ingress", "HorizontalPodAutoscaler", "CustomResourceDefinition",
    "PriorityLevelConfiguration", "FlowSchema", "ValidatingAdmissionPolicy", "MutatingAdmissionPolicy",
    "EndpointSlice", "PodTemplate", "IngressClass", "PriorityClass", "ValidatingWebhookConfiguration",
    "MutatingWebhookConfiguration", "ValidatingAdmissionPolicyBinding", "MutatingAdmissionPolicyBinding",
    "DeviceClass", "DeviceTaintRule", "ResourceSlice",
})
# ...of which these set it to 1 on create and never count a change (an empty PrepareForUpdate)
_GENERATION_ONCE = frozenset({"PriorityClass"})
# Kinds whose strategy counts a spec change but sets no generation on create: the first change makes it 1
_GENERATION_FROM_ZERO = frozenset({"CSIDriver"})
# ...and these count a change of their webhooks only, compared by reflect.DeepEqual: a list sent empty is not
# the list that was stored empty (omitted, so decoded as none)
_WEBHOOK_KINDS = frozenset({"ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"})
# the kinds whose strategy counts a new generation before it drops the fields of features that are off: a gated
# field sent is a new generation, though it is not kept
_GENERATION_BEFORE_DROP = frozenset({"ResourceSlice", "EndpointSlice", "PodDisruptionBudget"})
# the kinds whose strategy counts a new generation with reflect.DeepEqual, to which an empty list is not none:
# the part it compares
_REFLECT_COUNTED = {**{kind: "webhooks" for kind in _WEBHOOK_KINDS}, "NetworkPolicy": "spec"}
# Kinds whose strategy refuses an update without a resourceVersion (AllowUnconditionalUpdate false), as the
# real apiserver answered a PUT without one, and so does every custom resource's; a patch is never refused
# so, it applies to the stored version.
_CONDITIONAL_UPDATE_KINDS = frozenset({
    "Lease", "LeaseCandidate", "PodDisruptionBudget", "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration",
    "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "MutatingAdmissionPolicy",
    "MutatingAdmissionPolicyBinding", "ClusterTrustBundle", "PodCertificateRequest", "RuntimeClass", "CSIDriver",
    "CSINode", "CSIStorageCapacity", "VolumeAttachment", "StorageVersionMigration", "APIService", "DeviceTaintRule"})
# Kinds whose store answers a delete with the deleted object rather than a Status (ReturnDeletedObject)
RETURNS_DELETED = frozenset({"Service", "Pod", "Namespace", "PersistentVolumeClaim", "PersistentVolume",
                             "ServiceAccount", "ResourceQuota", "PodTemplate", "StorageClass", "CSIDriver", "CSINode",
                             "VolumeAttachment", "VolumeAttributesClass", "DeviceClass", "ResourceClaim",
                             "ResourceClaimTemplate", "ResourceSlice"})
# Kinds whose strategy starts a created object with an empty status, whatever the client sent (PrepareForCreate;
# a pod's and a namespace's first phase are set apart, a PVC's comes from defaulting)
STATUS_RESET_ON_CREATE = frozenset({"Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob",
                                    "Service", "PodDisruptionBudget", "HorizontalPodAutoscaler", "Ingress",
                                    "ReplicationController", "ResourceQuota", "PersistentVolumeClaim",
                                    "PodCertificateRequest", "APIService"})
# Kinds whose strategy allows a PUT to create (AllowCreateOnUpdate)
CREATED_BY_UPDATE = frozenset({"Service", "Endpoints", "Event", "LimitRange", "Lease", "LeaseCandidate", "Role",
                               "RoleBinding", "ClusterRole", "ClusterRoleBinding", "RuntimeClass"})
# Kinds that own a scale subresource (autoscaling/v1 Scale)
SCALABLE = frozenset({"Deployment", "ReplicaSet", "StatefulSet", "ReplicationController"})
# Fields that are neither spec nor status: a change to them is not a spec change
_NOT_SPEC = frozenset({"metadata", "status", "kind", "apiVersion"})
_GENERATED_BASE_MAX = 63 - 5  # maxGeneratedNameLength: a label's length less the random suffix's
# generateName's suffix alphabet (k8s.io/apimachinery/pkg/util/rand: no vowels, no confusable digits)
NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"
NAME_LABEL = "kubernetes.io/metadata.name"  # on every namespace, its name (the namespace strategy's Canonicalize)


@dataclass(frozen=True, slots=True)
class Target:
    """The resource a write names: its type (from the path and discovery) and the object, if any."""

    group: str
    version: str
    resource: str
    kind: str
    namespaced: bool
    namespace: str = ""
    name: str = ""
    subresource: str = ""
    custom: CustomType | None = None  # the served version of a custom resource, from its definition

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def kind_group(self) -> str:
        """The group of the kind a 422 names, the internal type's: its own, but events.k8s.io's Events are
        core Events (one object, two APIs: eventapi.py)."""
        return "" if (self.group, self.resource) == ("events.k8s.io", "events") else self.group

    @property
    def qualified(self) -> str:
        """`pods`, `deployments.apps`: how the apiserver names a resource in its messages."""
        return f"{self.resource}.{self.group}" if self.group else self.resource

    @property
    def builtin(self) -> bool:
        """A kind compiled into the apiserver (strategic merge patch works only for these)."""
        return self.custom is None and not is_custom_group(self.group)

    def key(self, name: str | None = None) -> Key:
        return (self.namespace if self.namespaced else "", self.name if name is None else name)




def seeded_uid(seed: int, identity: str) -> str:
    """A uid drawn from a replay's seed and what it is for (`identity`): the same seed gives the same uids."""
    return str(uuid.UUID(bytes=hashlib.sha256(f"{seed}|{identity}".encode()).digest()[:16], version=4))


@dataclass(frozen=True, slots=True)
class Stamp:
    """What the store decides for a write: the cluster's wall time, a uid and a generateName suffix."""

    wall: dt.datetime
    uid: str
    suffix: str

    @property
    def timestamp(self) -> str:
        """RFC 3339 in whole seconds, as metadata.creationTimestamp carries it."""
        return self.after(0)

    def after(self, seconds: int) -> str:
        return (self.wall + dt.timedelta(seconds=seconds)).strftime(TIMESTAMP)


@dataclass(slots=True)
class Commit:
    type: str  # ADDED | MODIFIED | DELETED
    key: Key
    obj: dict[str, Any]  # the store sets metadata.resourceVersion in this dict
    # the object as the field manager compared it: decoded and defaulted, before the strategy restores what an
    # update may not change (a namespace's finalizers, a Service's allocations...), and before storage
    written: dict[str, Any] | None = None
    # the object as the storage version holds it, where the version written is a lossy view of it (a v1
    # autoscaler): what the other version's view is made from, but for the part the strategy kept as stored
    stored: dict[str, Any] | None = None
    kept: str = ""  # "status" (an update of the object) or "spec" (of its status)
    # what the store keeps and watches see, where it is not the answer: an update that empties an object's
    # last finalizer deletes the version stored before it (the answer is the update, at that version)
    event: dict[str, Any] | None = None
    # stored without what every read defaults (defaults.stored_short; an autoscaler written through v1 without
    # what v2's defaults add): a write of it as read is a new version
    short: bool = False
    raw: rawjson.Raw | None = None  # the bytes its RawExtension fields hold (rawjson.py)


@dataclass(slots=True)
class Outcome:
    code: int
    body: dict[str, Any]
    commits: list[Commit] = field(default_factory=list)
    view: Callable[[dict[str, Any]], dict[str, Any]] | None = None  # the answer made from `body` once committed
    applied: bool = False  # an apply's (the field manager writes an Apply entry)
    # an apply's merge, before the decoder's defaults: what the field manager compared the object before with
    merged: dict[str, Any] | None = None
    warnings: list[str] = field(default_factory=list)  # Warning headers of the answer
    # the strategy's own, answered before the others: a create's PrepareForCreate's, a scale write's of the object
    prepared: list[str] = field(default_factory=list)
    # an update that changes nothing stored: the object as the field manager saw it (its managedFields may change)
    unchanged: dict[str, Any] | None = None
    would: Commit | None = None  # a dry run's commit, not made (its answer still gets managedFields)
    why: str = ""  # for the request log, what the answer does not say

    def validated(self) -> dict[str, Any]:
        """The object as validation saw it, for validating admission: a commit's as written (the empty lists and
        maps sent still there), else the answer."""
        made = self.would or next(iter(self.commits), None)
        return made.written if made is not None and made.written is not None else self.body

    def answer(self) -> dict[str, Any]:
        """The body to send, after the store has committed (a scale write answers with the Scale of the
        object as stored, resourceVersion included)."""
        return self.view(self.body) if self.view is not None else self.body

    @property
    def summary(self) -> str:
        """One line for the request log: what the write did."""
        if self.code >= 400:
            why = f" ({self.why})" if self.why else ""
            return f"{self.code} {self.body.get('reason', '')}: {self.body.get('message', '')}{why}"
        if not self.commits:
            return f"{self.code} no change"
        return f"{self.code} " + ", ".join(f"{c.type} {'/'.join(filter(None, c.key))}" for c in self.commits)


@dataclass(frozen=True, slots=True)
class Options:
    """The parts of a write's query and DeleteOptions that change what it does."""

    dry_run: bool = False
    field_manager: str = ""
    force: bool = False
    grace_period: int | None = None
    propagation: str = ""
    precondition_uid: str = ""
    precondition_rv: str = ""
    field_validation: str = ""  # Ignore, Warn (also when empty) or Strict
    # the keys the body's JSON objects repeat (gojson.Decoded.duplicates), which fieldValidation reports
    duplicates: fieldvalidation.Duplicates = field(default_factory=dict)
    members: fieldvalidation.Members = field(default_factory=dict)  # (of those objects, gojson.Decoded.members)
    yaml_repeated: tuple[str, ...] = ()  # the keys a YAML body repeated, as go-yaml words each
    requestor: User | None = None  # who asks, authenticated (a CertificateSigningRequest records it)


def fail(code: int, message: str, reason: str | None = None, details: dict[str, Any] | None = None) -> Outcome:
    return Outcome(code, status(code, message, reason, details))


def _not_found(t: Target, name: str) -> Outcome:
    return Outcome(404, not_found(t.group, t.resource, name))


def _conflict(t: Target, name: str) -> Outcome:
    return fail(409, f'Operation cannot be fulfilled on {t.qualified} {quote(name)}: the object has been modified; '
                     "please apply your changes to the latest version and try again",
                "Conflict", {"name": name, "group": t.group, "kind": t.resource})


_UINT64_MAX = (1 << 64) - 1


def _sent_version(value: Any) -> int | Outcome | None:
    """A resourceVersion a client sent, as the storage reads it (strconv.ParseUint, base 10): None for none, its
    number, or the storage's 500 for one that is no unsigned decimal, which a write that goes through the
    storage's update (every update and patch, an apply or a PUT that creates) answers."""
    if not isinstance(value, str) or not value:
        return None
    if not value.isascii() or not value.isdigit():
        return Outcome(500, status(500, f"strconv.ParseUint: parsing {quote(value)}: invalid syntax", ""))
    if int(value) > _UINT64_MAX:
        return Outcome(500, status(500, f"strconv.ParseUint: parsing {quote(value)}: value out of range", ""))
    return int(value)


# where etcd keeps a built-in resource when not under its own name (the registries' storage prefixes)
_STORAGE_PREFIX = {"services": "services/specs", "endpoints": "services/endpoints", "nodes": "minions",
                   "replicationcontrollers": "controllers", "ingresses": "ingress"}


def _storage_key(t: Target, name: str, dry_run: bool = False) -> str:
    """The object's key in etcd; a dry run's storage checks its preconditions itself, without etcd's prefix."""
    prefix = _STORAGE_PREFIX.get(t.resource, t.resource) if t.builtin else f"{t.group}/{t.resource}"
    return "/".join(("" if dry_run else "/registry", prefix, *((t.namespace,) if t.namespaced else ()), name))


def precondition_failed(t: Target, name: str, what: str, want: str, have: str, dry_run: bool) -> Outcome:
    """The storage's precondition check (UID, then ResourceVersion) failed, as a Conflict: a PUT whose object
    names another uid than the stored one (DefaultUpdatedObjectInfo.Preconditions), a Binding's."""
    return fail(409, f"Operation cannot be fulfilled on {t.qualified} {quote(name)}: StorageError: invalid object, "
                     f"Code: 4, Key: {_storage_key(t, name, dry_run)}, ResourceVersion: 0, AdditionalErrorMsg: "
                     f"Precondition failed: {what} in precondition: {want}, {what} in object meta: {have}",
                "Conflict", {"name": name, "group": t.group, "kind": t.resource})


def unmet_delete_precondition(t: Target, meta: dict[str, Any], opts: Options) -> Outcome | None:
    """The Conflict on the kind of a delete (an eviction's too) whose precondition, UID then ResourceVersion, the
    stored object does not meet; None when it meets them."""
    kind = f"{t.kind}.{t.group}" if t.group else t.kind
    for what, want, have in (("UID", opts.precondition_uid, meta.get("uid")),
                             ("ResourceVersion", opts.precondition_rv, meta.get("resourceVersion"))):
        if want and want != have and _is_namespace(t):  # (the namespace's REST Delete checks them itself)
            return fail(409, f"Operation cannot be fulfilled on namespaces {quote(t.name)}: Precondition failed: "
                             f"{what} in precondition: {want}, {what} in object meta: {have or ''}", "Conflict",
                        {"name": t.name, "kind": "namespaces"})
        if want and want != have:
            hint = "deleted and then recreated" if what == "UID" else "modified"
            return fail(409, f'Operation cannot be fulfilled on {kind} {quote(t.name)}: the {what} in the precondition '
                             f"({want}) does not match the {what} in record ({have or ''}). The object might have "
                             f"been {hint}", "Conflict", {"name": t.name, "group": t.group, "kind": t.kind})
    return None


def _invalid(t: Target, name: str, field_path: str, message: str) -> Outcome:
    reason = "FieldValueRequired" if message.startswith("Required value") else "FieldValueInvalid"
    return _refused(t, name, [(field_path, reason, message)])


def _refused(t: Target, name: str, causes: list[Cause]) -> Outcome:
    return invalid_object(t.kind_group, t.kind, name, causes)


def invalid_object(group: str, kind: str, name: str, causes: list[Cause]) -> Outcome:
    """The 422 of an object that fails validation: each different cause once (a template's labels are
    checked twice for a StatefulSet and reported once), as the apiserver aggregates them."""
    causes = list(dict.fromkeys(causes))
    qualified = f"{kind}.{group}" if group else kind
    return fail(422, f'{qualified} {quote(name)} is invalid: {error_text(causes)}', "Invalid",
                {"name": name, "group": group, "kind": kind,
                 "causes": [{"reason": r, "message": m, "field": f} for f, r, m in causes]})


def _phase_transition(new: dict[str, Any], old: dict[str, Any], now: str) -> None:
    """A PersistentVolume's status strategy: a phase that stays keeps its transition time unless one is sent;
    a phase that changes gets the write's time unless the client sent another than the stored one (times
    compared in UTC to the second, as decoding left them: Go compares a sent fraction too)."""
    status, was = new.setdefault("status", {}), as_dict(old.get("status"))
    if not isinstance(status, dict):
        return
    sent, before = status.get("lastPhaseTransitionTime"), was.get("lastPhaseTransitionTime")
    if status.get("phase") == was.get("phase"):
        if sent is None and before is not None:
            status["lastPhaseTransitionTime"] = before
    elif sent is None or sent == before:
        status["lastPhaseTransitionTime"] = now


# what a status strategy's PrepareForUpdate keeps of the stored status or sets, by kind (new, stored, now)
_STATUS_KEPT: dict[str, Callable[[dict[str, Any], dict[str, Any], str], None]] = {
    "Pod": lambda new, old, _now: podstatus.kept(new, old),
    "ResourceClaim": lambda new, old, _now: dravalidation.drop_deallocated(new, old),  # (the devices deallocated)
    "PersistentVolume": _phase_transition,
    "Node": lambda new, old, _now: defaults.drop_gated(new, old, "v1", "Node"),  # (its removed config)
    "PersistentVolumeClaim": lambda new, old, _now: defaults.drop_gated(new, old, "v1", "PersistentVolumeClaim"),
    "Job": lambda new, _old, _now: defaults.job_labels(new),  # (sent without labels: a read gives it the template's)
}


def _meta(obj: dict[str, Any]) -> dict[str, Any]:
    meta = obj.get("metadata")
    if not isinstance(meta, dict):
        meta = obj["metadata"] = {}
    return meta


def _typed(t: Target, obj: dict[str, Any]) -> dict[str, Any]:
    """kind and apiVersion first, as the apiserver's encoder writes them."""
    rest = {k: v for k, v in obj.items() if k not in ("kind", "apiVersion")}
    return {"kind": t.kind, "apiVersion": t.api_version, **rest}


def foreign_namespace(t: Target, meta: dict[str, Any]) -> Outcome | None:
    """The handler's EnsureObjectNamespaceMatchesRequestNamespace: an object naming another namespace than the
    request's path (a subresource's body too: a Binding, a TokenRequest)."""
    ns = meta.get("namespace") or ""
    if t.namespaced and ns and ns != t.namespace:
        return fail(400, "the namespace of the provided object does not match the namespace sent on the request")
    return None


# The custom resource handler's typer knows no autoscaling/v1 Scale, which handlers.transformDecodeError asks it to
# name: whatever keeps a custom resource's /scale body from being decoded, this is its refusal.
CUSTOM_SCALE_UNDECODABLE = 'no kind is registered for the type v1.Scale in scheme "pkg/runtime/scheme.go:111"'


def scale_undecodable(t: Target, error: str) -> Outcome:
    """A Scale written through /scale that cannot be decoded."""
    return fail(400, CUSTOM_SCALE_UNDECODABLE if t.custom is not None else
                f'Scale in version "v1" cannot be handled as a Scale: {error}', "BadRequest")


# the type of the body a subresource takes where it is not the resource's own: (apiVersion, kind)
_BODY_TYPES = {"scale": ("autoscaling/v1", "Scale"), "token": ("authentication.k8s.io/v1", "TokenRequest"),
               "binding": ("v1", "Binding"), "eviction": ("policy/v1", "Eviction")}
CREATED_FROM = ("token", "binding", "eviction")  # the subresources of those a create gives a body to (created_fields)


def body_type(t: Target) -> tuple[str, str]:
    """(apiVersion, kind) a write to `t` sends: a subresource's own type, else the resource's."""
    return _BODY_TYPES.get(t.subresource, (t.api_version, t.kind))


def _body_type(t: Target, obj: Any) -> tuple[str, str] | None:
    """(apiVersion, kind) of the body a subresource takes; an eviction's in the version it names."""
    if t.subresource == "eviction" and isinstance(obj, dict) and obj.get("apiVersion") == "policy/v1beta1":
        return "policy/v1beta1", "Eviction"
    return _BODY_TYPES.get(t.subresource)


def decoded_type(t: Target, obj: Any) -> tuple[str, str] | None:
    """(apiVersion, kind) of the Go type a create's or update's body is decoded into; None: unstructured."""
    return _body_type(t, obj) or ((t.api_version, t.kind) if t.builtin else None)


def other_type(t: Target, obj: Any, *, patched: bool = False) -> str | None:
    """goorder.other_type_error of a body to a built-in endpoint, or to a subresource that takes a type of its own
    (an autoscaling/v1 Scale, a custom resource's too; a binding)."""
    if not isinstance(obj, dict):
        return None
    if (body := _body_type(t, obj)) is not None:
        error = other_type_error(obj, *body, patched=patched)
        return CUSTOM_SCALE_UNDECODABLE if error is not None and t.custom is not None else error
    return other_type_error(obj, t.api_version, t.kind, patched=patched) if t.builtin else None


def created_fields(t: Target, opts: Options, body: Any) -> tuple[Outcome | None, list[str]]:
    """A body a subresource creates from (a token, a binding, an eviction) under its fieldValidation, as the
    decoder judges it before anything is looked up: the refusal (of another type, or Strict), else the Warning
    headers of its unknown fields."""
    if (other := other_type(t, body)) is not None:
        return fail(400, other, "BadRequest"), []
    return _field_check("create", t, opts, body)


def review_fields(t: Target, opts: Options, body: Any) -> tuple[Outcome | None, list[str]]:
    """What the handler refuses of a review's body before the review is asked: decoded as the type it names,
    then as its own (encoding/json), under its fieldValidation; else the Warning headers of its unknown
    fields."""
    if (other := other_type(t, body)) is not None:
        return fail(400, other, "BadRequest"), []
    if isinstance(body, dict) and (error := _json_error(t, body)) is not None:
        return _undecodable(t, error), []
    return _field_check("create", t, opts, body)


def _nameless(name_from_path: str) -> Outcome:
    """The handler's refusal of a decoded object without a name where the path gives one."""
    return fail(400, f"the name of the object ({name_from_path} based on URL) was undeterminable: name must be "
                     "provided")


def _check_body(t: Target, obj: Any, name_from_path: str, *, patched: bool = False,
                stored: bool = True) -> Outcome | None:
    """What the handlers refuse of a body (a create's or update's; `patched`: the object a patch made) before
    the object is validated (and a custom resource's kind, which its validation checks, once the store found
    the object: an update of one not `stored` is first the store's 404)."""
    if not isinstance(obj, dict):
        return fail(400, "the body of the request was not a JSON object")
    if patched and t.custom is not None and t.subresource != "status":  # decoded again as unstructured
        if not obj.get("kind"):
            unstructured = sorted_keys(obj)
            return _unpatchable(unstructured, f"Object 'Kind' is missing in '{go_json(unstructured)}'")
        if not obj.get("apiVersion"):  # (NewInternalError)
            missing = "Object 'apiVersion' is missing in 'object has no apiVersion field'"
            return fail(500, f"Internal error occurred: {missing}", "InternalError", {"causes": [{"message": missing}]})
    kind = obj.get("kind")
    meta = obj.get("metadata") or {}  # (not an object: the decoding's refusal below)
    if not patched and (error := other_type(t, obj)) is not None:
        return fail(400, error, "BadRequest")
    if t.subresource == "scale":  # an autoscaling/v1 Scale
        if (error := decoding.type_error(obj, "Scale", typed=True, api_version="autoscaling/v1")) is not None:
            return scale_undecodable(t, error)
    elif not patched and (error := _json_error(t, obj)) is not None:  # (a patched one's: _decoding_error)
        return _undecodable(t, error, obj)
    elif not patched and t.custom is not None and (error := embedded.decoding_error(obj, t.custom.schema)) is not None:
        return _undecodable(t, error, obj)  # (a patched object's: _decoding_error)
    elif t.custom is not None:  # decoded as unstructured, whatever its version and kind
        version = obj.get("apiVersion") or ""
        if not patched and version != t.api_version:  # (the create and update handlers' AcceptsGroupVersion)
            return fail(400, version_mismatch(version, t.api_version), "BadRequest")
        claims = (("apiVersion", version, t.api_version), ("kind", kind, t.kind))
        wrong = [invalid(k, v, f"must be {want}") for k, v, want in claims if v not in (None, "", want)]
        if wrong and t.subresource != "status" and stored:  # validation's (/status keeps the stored one's): names
            claimed = dataclasses.replace(t, kind=str(kind))  # the kind the object claims, in the 422
            if t.custom.schema:  # (the strategy goes on past its validator: embedded objects, list types, rules)
                wrong += schema.validate(obj, t.custom.schema, before=wrong, keywords_too=False,
                                         others=embedded.causes(obj, t.custom.schema))
            return _refused(claimed, str(meta.get("name") or name_from_path), wrong)
    if not isinstance(meta, dict):  # (what no decoding above refused)
        return fail(400, "metadata must be an object")
    if (refused := foreign_namespace(t, meta)) is not None:
        return refused
    name = meta.get("name") or ""
    if name_from_path and not name:
        return _nameless(name_from_path)
    if name_from_path and name and name != name_from_path:
        return fail(400, "the name of the object "
                         f"({name}) does not match the name on the URL ({name_from_path})")
    return None


def create(t: Target, body: Any, stamp: Stamp, opts: Options, *, exists: Callable[[str], dict[str, Any] | None],
           namespace_phase: str = "Active", admit: Admit | None = None, guard: Guard | None = None,
           begin: Begin | None = None, raw: rawjson.Write | None = None) -> Outcome:
    """POST to a collection. `exists(name)` is the object of that name stored, if any; `admit` the mutating
    admission that looks at the cluster beyond the object (PodTopologyLabels); `guard` the storage's check of
    the writer; `begin` the storage's allocators; `raw` the bytes its RawExtension fields hold."""
    refused, warnings = _field_check("create", t, opts, body)
    if refused is not None:
        return refused
    return _warned(_create(t, body, stamp, opts, exists=exists, namespace_phase=namespace_phase, admit=admit,
                           guard=guard, begin=begin, raw=raw), warnings)


def _create(t: Target, body: Any, stamp: Stamp, opts: Options, *, exists: Callable[[str], dict[str, Any] | None],
            namespace_phase: str, applied: bool = False, admit: Admit | None = None,
            guard: Guard | None = None, begin: Begin | None = None, by_update: bool = False,
            raw: rawjson.Write | None = None, allocating: bool = True) -> Outcome:
    """`allocating`: the storage's allocators run (a Service's cluster IPs, families and node ports, defaults.py).
    `by_update`: a create through the storage's update (an apply, or a PUT of a kind created so), which reads
    a resourceVersion sent and then ignores it, where a create refuses a number."""
    bad = _check_body(t, body, "")
    if bad is not None:
        return bad
    obj = _typed(t, copy.deepcopy(body))
    meta = _meta(obj)
    name = given = meta.get("name") or ""
    if t.custom is not None and t.custom.terminating:
        return fail(403, f'{t.qualified} {quote(name)} is forbidden: create not allowed while custom resource '
                         "definition is terminating", "Forbidden", {"name": name, "group": t.group, "kind": t.resource})
    if not name and t.builtin and t.kind == "LimitRange":  # (its strategy's PrepareForCreate names it)
        name = str(uuid.uuid5(uuid.NAMESPACE_URL, stamp.uid))
    if not name and (prefix := meta.get("generateName") or ""):  # (without either: refused by validation)
        name = prefix[:_GENERATED_BASE_MAX] + stamp.suffix  # (SimpleNameGenerator cuts a long prefix)
    if t.namespaced and not namespace_phase:
        return fail(404, f"namespaces {quote(t.namespace)} not found",
                    details={"name": t.namespace, "kind": "namespaces"})
    if t.namespaced and namespace_phase == "Terminating":  # (NamespaceLifecycle: admission, before any name is made)
        why = f"unable to create new content in namespace {t.namespace} because it is being terminated"
        named = given or str(meta.get("generateName") or "") or "Unknown"
        return fail(403, f"{t.qualified} {quote(named)} is forbidden: {why}", "Forbidden",
                    {"name": named, "group": t.group, "kind": t.resource,
                     "causes": [{"reason": "NamespaceTerminating",
                                 "message": f"namespace {t.namespace} is being terminated",
                                 "field": "metadata.namespace"}]})
    if guard is not None and (refused := guard({**obj, "metadata": {**meta, "name": given}}, None)) is not None:
        return refused  # (the storage's, before it names, prepares and validates the object)
    meta["name"] = name
    if t.namespaced:
        meta["namespace"] = t.namespace
    else:
        meta.pop("namespace", None)
    sent_rv = meta.get("resourceVersion")
    sent = _sent_version(sent_rv)
    if by_update and isinstance(sent, Outcome):
        return sent
    for owned in ("resourceVersion", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink"):
        meta.pop(owned, None)
    meta["uid"] = stamp.uid
    meta["creationTimestamp"] = stamp.timestamp
    if _has_generation(t):
        meta["generation"] = 1
    elif not isinstance(meta.get("generation"), int) or isinstance(meta.get("generation"), bool):
        meta.pop("generation", None)  # (a kind whose strategy leaves it keeps the client's)
    if _is_namespace(t):
        _name_label(meta)
    obj["metadata"] = ordered_meta(meta)
    if _is_namespace(t):  # the namespace strategy: the controller's finalizer, and active from the start
        spec = obj["spec"] = obj["spec"] if isinstance(obj.get("spec"), dict) else {}  # (a null one decodes empty)
        if "kubernetes" not in (finalizers := spec.get("finalizers") or []):
            spec["finalizers"] = [*finalizers, "kubernetes"]
        obj["status"] = {**(obj.get("status") or {}), "phase": "Active"}
    if t.custom is not None and t.custom.status:  # the custom resource strategy's PrepareForCreate
        obj.pop("status", None)
    elif t.builtin and t.kind in STATUS_RESET_ON_CREATE:  # the strategies' PrepareForCreate: a new status
        obj["status"] = {}
        autoscalingv1.take(obj, "status", None)
    elif t.builtin and t.kind == "PersistentVolume":  # a new status too, pending since now
        obj["status"] = {"phase": "Pending", "lastPhaseTransitionTime": stamp.timestamp}
    elif t.builtin and t.kind == csr.KIND:  # its requestor, as authenticated
        csr.requested(obj, opts.requestor)
    if t.builtin and t.kind == "APIService":  # a local one available at once (its strategy's)
        apiservices.created(obj, stamp.timestamp)
    short = t.builtin and defaults.stored_short(obj)
    try:
        obj = _defaulted(obj, creating=allocating, uid=stamp.uid, custom=t.custom, applied=applied,
                         now=stamp.timestamp, held=True)
    except Undecodable as exc:
        return _undecodable(t, exc)
    # (admission knows a new object by the name it was given, else by its generateName)
    if admit is not None and (refused := admit(obj, given or str(meta.get("generateName") or ""))) is not None:
        return refused
    if begin is not None and (refused := begin(obj, None)) is not None:
        return refused
    if t.builtin and t.kind == "Pod" and isinstance(spec := obj.get("spec"), dict) and spec.get("schedulingGates"):
        # the pod strategy's PrepareForCreate: a gated pod says why it waits
        obj["status"] = with_condition(obj.get("status") or {}, _SCHEDULING_GATED, stamp.timestamp)
    # the pod strategy's PrepareForCreate, after admission: AppArmor annotations read into the fields
    prepared = podannotations.app_armor_skew(obj) if t.builtin and t.kind == "Pod" else []
    # validated after admission (the namespace's phase) and before storage (the name's uniqueness), with the
    # labels defaulting gave it (a Job's and a ReplicationController's, their template's)
    meta = {**meta, "labels": _meta(obj)["labels"]} if "labels" in _meta(obj) else meta
    if t.builtin and (t.group, t.version, t.kind) in _METALESS_STRATEGIES:  # (rest.BeforeCreate's own check
        # of the metadata, only once the strategy found nothing, with the path segment rule of a name)
        causes = specvalidation.spec_causes(obj) or validation.object_meta(t.kind, meta, rule=path_segment)
    else:
        meta_causes = validation.object_meta(t.kind, meta, custom=not t.builtin, rule=_name_rule(t, obj),
                                             core=validation.core_meta(t.kind, t.builtin))
        if t.builtin and (t.api_version, t.kind) == (eventapi.EVENTS_API, "Event"):
            # (ValidateEventCreate: the checks both Event APIs share first, then the metadata, then the new API's)
            causes = eventapi.validated(obj) + meta_causes + eventapi.created(obj)
        else:
            causes = meta_causes + specvalidation.spec_causes(obj)
    if causes := causes + _schema_causes(t, obj, None, causes):
        return replace(_refused(t, name, causes), prepared=prepared)
    if not by_update and not opts.dry_run and isinstance(sent, int) and sent:
        # (the storage's error, as is: a 500 without a reason)
        return Outcome(500, status(500, "resourceVersion should not be set on objects to be created", ""),
                       prepared=prepared)
    if (there := exists(name)) is not None:
        being = "object is being deleted: " if _meta(there).get("deletionTimestamp") else ""
        out = fail(409, f'{being}{t.qualified} {quote(name)} already exists', "AlreadyExists",
                   {"name": name, "group": t.group, "kind": t.resource})
        out.warnings = specvalidation.write_warnings(obj)  # the strategy warned once the object was valid
        out.prepared = prepared
        return out
    held = raw.made(obj) or None if raw else None
    rawjson.show_held(obj, held or {})  # (reads show the bytes held, compacted: keys in their order)
    out = _commit(201, Commit("ADDED", t.key(name), obj, short=short, raw=held), opts)
    out.prepared = prepared
    if opts.dry_run and isinstance(sent_rv, str) and sent_rv:  # a dry run stores nothing: the object as sent
        out.body["metadata"] = ordered_meta({**_meta(out.body), "resourceVersion": sent_rv})
    return out


# the kinds whose create strategy validates no metadata (ValidatePodDisruptionBudget, the legacy Event's)
_METALESS_STRATEGIES = frozenset({("policy", "v1", "PodDisruptionBudget"), ("", "v1", "Event")})


def _name_rule(t: Target, obj: dict[str, Any]) -> Callable[[str], list[str]] | None:
    """The rule of a name that depends on the object: a signer's trust bundle's, an APIService's, a
    definition's."""
    if t.builtin and t.kind == trustbundles.KIND:
        return signers.bundle_name_rule(trustbundles.signer_of(obj))
    if t.builtin and t.kind == crdtypes.KIND:
        return crds.name_rule(obj)
    return apiservices.name_rule(obj) if t.builtin and t.kind == "APIService" else None


def _undecodable(t: Target, exc: Exception | str, body: dict[str, Any] | None = None) -> Outcome:
    """A body the apiserver cannot decode into the kind's Go type (a quantity, base64 bytes, a time). A custom
    resource's `body` names the kind and version (the unstructured decoder's, not defaulted: "" where it names
    no version)."""
    if t.custom is None or body is None:
        claimed, version = t.kind, t.version
    else:
        claimed, version = str(body.get("kind") or t.kind), str(body.get("apiVersion") or "").rpartition("/")[2]
    return fail(400, f'{claimed} in version "{version}" cannot be handled as a {t.kind}: {exc}', "BadRequest")


def _defaulted(obj: dict[str, Any], *, creating: bool, uid: str = "", custom: CustomType | None = None,
               applied: bool = False, now: str = "", held: bool = False) -> dict[str, Any]:
    """As the apiserver holds a written object: decoded (unknown fields and nulls gone), defaulted, and then,
    in _commit, encoded again. `held`: with the empty lists and maps the body sent, which Go's validation and
    defaulting tell from none (a nil check, reflect.DeepEqual, a quoted value). An update's validation sees
    them too: its comparisons with the stored object, which has none, are Semantic.DeepEqual's
    (internal.semantic_internal); it is encoded after it. A custom resource is pruned and defaulted by
    its definition's schema (an `applied` one keeps its nulls: no decoder saw it)."""
    kind, api_version = obj.get("kind", ""), obj.get("apiVersion", "")
    if custom is not None and isinstance(obj.get("metadata"), dict):  # ObjectMeta, whatever else it holds
        obj["metadata"] = decoded_meta(obj["metadata"])
    if custom is not None and custom.schema:
        return schema.default(schema.prune(obj, custom.schema, nulls=not applied), custom.schema)
    return defaults.apply(encoded(obj, kind, api_version, held=held), kind, api_version, creating=creating, uid=uid,
                          now=now)


def _schema_causes(t: Target, obj: dict[str, Any], old: dict[str, Any] | None, before: list[Cause]) -> list[Cause]:
    """A custom resource's schema validation, after the causes `before` it (its metadata's); on update only
    what the stored object did not break already (the apiserver ratchets unchanged values)."""
    if t.custom is None:
        return []
    status = t.subresource == "status"
    scale = crds.scale_causes(t.custom, obj, status=status)  # (not ratcheted)
    if not t.custom.schema:
        return scale
    others = scale + (embedded.causes(obj, t.custom.schema) if not status else [])
    return schema.validate(obj, t.custom.schema, old, before=before, others=others, status=status)


def _unknown_fields(t: Target, obj: dict[str, Any]) -> list[str]:
    """The fields of a written object its type does not have (fieldvalidation.py): a built-in kind's by its
    Go type, a custom resource's by its schema; none where neither is known."""
    if t.custom is not None:
        if not t.custom.schema:
            return []
        unknown = fieldvalidation.meta_unknown_fields(obj.get("metadata"))
        group, _, version = str(obj.get("apiVersion") or "").rpartition("/")
        if (group, obj.get("kind")) == (t.custom.group, t.custom.kind):  # (another type's: no schema prunes it)
            if (by := t.custom.schemas.get(version)) is not None:
                unknown += schema.unknown_fields(obj, by)
            else:  # a version not served: nothing of the object is known but its type and metadata
                unknown += [k for k in obj if k not in ("apiVersion", "kind", "metadata")]
        return sorted(unknown)
    if (t.api_version, t.kind) == (crdtypes.API_VERSION, crdtypes.KIND):
        return crdtypes.decoded(obj)[1]
    if t.builtin and t.kind == "APIService":  # (the aggregator's type: not among client-go's)
        return fieldvalidation.meta_unknown_fields(obj.get("metadata")) + decoding.api_service_unknown_fields(obj)
    return fieldvalidation.unknown_fields(obj, t.kind, t.api_version) or []


def _field_check(verb: str, t: Target, opts: Options, obj: Any, patch_doc: Any = None, quoted: Any = None,
                 bare: bool = False) -> tuple[Outcome | None, list[str]]:
    """A write under its fieldValidation (options.py has refused a directive it does not know): the refusal
    (Strict, and fields its type does not have or its body repeats), else the Warning headers its answer
    gets (Warn, the default). A patch's repeated keys are its document's (`patch_doc`), its unknown fields
    the patched object's; a strategic merge patch's refusal quotes the patch as the merge left it (`quoted`),
    as for one it cannot decode. A `bare` object is decoded as a TypeMeta: every field but its type is unknown."""
    problems: list[str] = []
    body = _body_type(t, obj)  # (an autoscaling/v1 Scale whatever the resource's kind, a TokenRequest...)
    if verb != "patch" and (other_type(t, obj) is not None or (isinstance(obj, dict) and (
            decoding.type_error(obj, body[1], typed=True, api_version=body[0]) if body
            else _json_error(t, obj)) is not None)):
        return None, []  # (it fails to decode, as the type it names or its own, before its fields are judged)
    if isinstance(obj, dict) and opts.field_validation != "Ignore":
        dups = opts.duplicates
        typed = fieldvalidation.strict_errors(obj, body[1], body[0], dups, opts.members) if body and verb != "patch" \
            else None if verb == "patch" or t.custom is not None else \
            fieldvalidation.strict_errors(obj, t.kind, t.api_version, dups, opts.members)
        if typed is None:  # untyped, or a patch: the document's repeated keys, then the object's unknown fields
            repeated = fieldvalidation.duplicates(patch_doc if verb == "patch" else obj, dups)
            unknown = sorted(k for k in obj if k not in ("apiVersion", "kind")) if bare else \
                fieldvalidation.unknown_fields(obj, body[1], body[0]) or [] if body else _unknown_fields(t, obj)
            typed = repeated + fieldvalidation.unknown(unknown)
        problems = typed
    if opts.yaml_repeated and opts.field_validation != "Ignore":  # go-yaml's, before the JSON decoder's
        if opts.field_validation == "Strict":
            problems.insert(0, "yaml: unmarshal errors:\n" + "\n".join(f"  {r}" for r in opts.yaml_repeated))
        else:
            problems[:0] = opts.yaml_repeated
    if problems and opts.field_validation == "Strict":
        if verb == "patch":
            return _unpatchable(obj, fieldvalidation.refusal(problems), quoted), []
        if t.subresource == "scale":
            return scale_undecodable(t, fieldvalidation.refusal(problems)), []
        if body:  # (the type it takes, in the version it names)
            taken = dataclasses.replace(t, kind=body[1], version=body[0].rpartition("/")[2])
            return _undecodable(taken, fieldvalidation.refusal(problems)), []
        if t.custom is not None and isinstance(obj, dict):  # (decoded in the version the body names)
            t = dataclasses.replace(t, version=str(obj.get("apiVersion") or "").rpartition("/")[2] or t.version)
        return _undecodable(t, fieldvalidation.refusal(problems)), []
    return None, fieldvalidation.warnings(problems)


# a type nothing is known of but that it is an object: its metadata is an ObjectMeta, the rest any value
_UNKNOWN_TYPE = {"k": "map", "f": {"metadata": "apis.meta.v1.ObjectMeta"}, "e": "~"}


def _untyped_patch(t: Target, doc: dict[str, Any], problem: str, api_version: str, kind: str) -> Outcome:
    """An applied configuration structured-merge-diff cannot type (typedpatch.py): the apiserver's 500 without
    a reason, naming the configuration and the type it was typed as (a Scale's, through /scale)."""
    return Outcome(500, status(500, f"failed to create typed patch object ({_named(t, doc)}; "
                                    f"{_gvk(api_version, kind)}): {problem}", ""))


def _unconvertible(t: Target, doc: dict[str, Any], new: dict[str, Any], api_version: str = "",
                   kind: str = "") -> Outcome | None:
    """An applied object the unstructured converter cannot decode into its Go type (typedpatch.py): the 500
    without a reason, or None. A custom resource stays unstructured."""
    if not t.builtin:
        return None
    api_version, kind = api_version or t.api_version, kind or t.kind
    if (why := typedpatch.conversion_error(new, kind, api_version)) is None:
        return None
    gvk = _gvk(api_version, kind)
    return Outcome(500, status(500, f"failed to convert new object ({_named(t, doc)}; {gvk}) to proper version: "
                                    f"unable to convert unstructured object to {gvk}: {why}", ""))


_SCALE = "autoscaling/v1.Scale"


def _from_unstructured(t: Target, obj: dict[str, Any]) -> dict[str, Any]:
    """A built-in object a strategic merge patch or an apply made, as the unstructured converter fills its Go
    type (decoding.unstructured_numbers: a number too large for its field wraps); a custom resource stays
    unstructured."""
    message = gotypes.message_of_kind(t.api_version, t.kind) if t.builtin else None
    return decoding.unstructured_numbers(obj, message) if message is not None else obj


def _named(t: Target, doc: dict[str, Any]) -> str:
    """objectGVKNN's namespace/name: the configuration's own (a name not given is empty)."""
    meta = doc.get("metadata")
    meta = meta if isinstance(meta, dict) else {}
    return f"{meta.get('namespace') or ''}/{meta.get('name') or ''}"


def _gvk(api_version: str, kind: str) -> str:
    """schema.GroupVersionKind's String: `apps/v1, Kind=Deployment`, `/v1, Kind=Pod` for the core group."""
    return f"{api_version if '/' in api_version else '/' + api_version}, Kind={kind}"


def _unapplicable(content_type: str, exc: PatchError) -> Outcome:
    """A patch that does not apply: the 422 of its words, but a JSON patch's, which the apiserver answers
    with a generic 422 that drops the library's reason (the request log keeps it)."""
    if exc.internal:
        return fail(500, str(exc), "")
    if exc.bad_request:
        return fail(400, str(exc), "BadRequest")
    if content_type != JSON_PATCH:
        return fail(422, str(exc))
    out = fail(422, "the server rejected our request due to an error in our request", "Invalid", {})
    out.why = str(exc)
    return out


def _decoding_error(t: Target, obj: dict[str, Any], strategic: bool = False) -> str | None:
    """Why the apiserver's decoder refuses a patched object: a field of the wrong JSON type, or a value its
    Go type cannot read (a quantity, base64 bytes, a time); a kind or version it names that is not the
    object's type. A `strategic` merge patch's result is converted from unstructured, in that converter's
    words (decoding.unstructured_error)."""
    if (error := other_type(t, obj, patched=True)) is not None:
        return error
    message = gotypes.message_of_kind(t.api_version, t.kind) if t.builtin and strategic else None
    if t.builtin and strategic and t.kind == "APIService" and (error := decoding.api_service_unstructured_error(obj)):
        return error
    if message is None:
        error = _json_error(t, obj)
        return error if error is not None or t.custom is None else embedded.decoding_error(obj, t.custom.schema)
    if (error := decoding.unstructured_error(obj, message)) is not None:
        return error
    try:
        encoded(obj, t.kind, t.api_version)
    except Undecodable as exc:
        return exc.unstructured
    return None


def _json_error(t: Target, obj: dict[str, Any]) -> str | None:
    """encoding/json's refusal of an object (decoding.type_error: the error of a type that decodes itself ends
    the decoding, a value of the wrong JSON type is reported at its end), or the refusal of a value only its
    Go type reads (base64 bytes)."""
    if (error := decoding.type_error(obj, t.kind, typed=t.builtin, api_version=t.api_version)) is not None:
        return error
    try:
        if t.builtin:
            encoded(obj, t.kind, t.api_version)
    except Undecodable as exc:
        return str(exc)
    return None


def _unpatchable(new: dict[str, Any], problem: str, patch: Any = None) -> Outcome:
    """A patch whose result cannot be decoded (or is refused by strict field validation): the apiserver's
    422 quotes the patched object, as Go encodes its struct (here as JSON); a strategic merge patch's quotes
    the `patch` itself, as %+v prints the map it decoded it into."""
    shown = quote(gojson.written(go_json, new) if patch is None else sprint_v(patch))
    why = f"Invalid value: {shown}: {problem}"
    return fail(422, f' "" is invalid: patch: {why}', "Invalid",
                {"causes": [{"reason": "FieldValueInvalid", "message": why, "field": "patch"}]})


def _warned(out: Outcome, warnings: list[str], strategy: bool = True, old: dict[str, Any] | None = None) -> Outcome:
    """The answer with its Warning headers (a refused write gets the decoder's too), the strategies' after
    (of the object written over `old`, or those a write refused by storage already had), but for a delete and
    a subresource's write (`strategy` False: their strategies warn of nothing)."""
    strategies = (specvalidation.write_warnings(out.body, old) if strategy else []) if out.code < 300 \
        else out.warnings
    out.warnings = warnings + fieldvalidation.warnings(out.prepared + strategies)
    return out


def _name_label(meta: dict[str, Any]) -> None:
    """A namespace carries its name as a label, set on create and on every update whatever the client sent
    (so a label selector can pick namespaces by name)."""
    labels = meta.get("labels")
    meta["labels"] = {**(labels if isinstance(labels, dict) else {}), NAME_LABEL: meta["name"]}


def bootstrap_namespace(name: str, rv: int, stamp: Stamp) -> dict[str, Any]:
    """A namespace the apiserver makes when it starts (default, kube-system...), as it lists it."""
    t = Target("", "v1", "namespaces", "Namespace", False, "", "", "")
    obj = create(t, {"metadata": {"name": name}}, stamp, Options(), exists=lambda _: None).body
    obj["metadata"] = ordered_meta({**obj["metadata"], "resourceVersion": str(rv)})
    return obj


def serves_subresource(t: Target) -> bool:
    """Whether the subresource a write names is served: a custom resource has /status and /scale only where
    its definition declares them."""
    if t.custom is None or not t.subresource:
        return True
    return t.custom.status if t.subresource == "status" else t.subresource == "scale" and t.custom.scale is not None


def _has_generation(t: Target) -> bool:
    return t.kind in _GENERATION_KINDS or not t.builtin


def _commit(code: int, c: Commit, opts: Options) -> Outcome:
    """The answer and the change of a create or an update, the object as the apiserver's Go types store it
    (goorder.encoded; the store then only puts the resourceVersion in its place)."""
    c.written = c.written or c.obj
    if (stored := defaults.stored_form(c.obj)) is not None:
        c.stored = encoded(stored, stored.get("kind", ""), stored.get("apiVersion", ""), stored=True)
        # (converted, not defaulted as the storage version: what a read defaults there, storage holds short of)
        converted = autoscalingv1.as_v2(c.obj)
        c.short = c.short or encoded(converted, converted.get("kind", ""), converted.get("apiVersion", ""),
                                     stored=True) != c.stored
    obj = autoscalingv1.as_v1(stored) if stored is not None else c.obj
    c.obj = encoded(obj, obj.get("kind", ""), obj.get("apiVersion", ""), stored=True)
    return Outcome(code, c.obj, [] if opts.dry_run else [c], would=c if opts.dry_run else None)


# The metadata a kind's strategy counts for its generation besides the spec (PrepareForUpdate): a Deployment's
# annotations, which its controller copies to its ReplicaSets; an EndpointSlice's labels.
_GENERATION_META = {"Deployment": "annotations", "EndpointSlice": "labels"}


def _spec_changed(old: dict[str, Any], new: dict[str, Any], with_status: bool = False, builtin: bool = False
                  ) -> bool:
    """Whether the fields a new generation counts changed: all but metadata and status, and status too for
    a custom resource without a status subresource. A built-in kind's strategy compares them with
    Semantic.DeepEqual, to which an empty list or map is none (as storage reads it back: `stored`), but for a
    NetworkPolicy's (reflect.DeepEqual)."""
    # (v1 carries spec in annotations; `old` may be the v2 storage holds, against which the v1 write counts as
    # converted, before storage's decoder defaults it again: a behavior direction it leaves out is a change)
    old, new = (autoscalingv1.as_v2(o) if autoscalingv1.through_v1(o) else o for o in (old, new))
    fields: dict[str, tuple[Any, str]] = {}
    if builtin and new.get("kind") != "NetworkPolicy":
        kind, api_version = str(new.get("kind") or ""), str(new.get("apiVersion") or "")
        old, new = (encoded(o, kind, api_version, stored=True) for o in (old, new))
        message = gotypes.message_of_kind(api_version, kind)
        fields = gotypes.json_field_map(message) if message else {}
    keys = (set(old) | set(new)) - (_NOT_SPEC - {"status"} if with_status else _NOT_SPEC)
    # (a quantity by its amount: Semantic.DeepEqual compares them with Cmp)
    return any(old.get(k) != new.get(k) and (k not in fields or amounts(old.get(k), *fields[k]) !=
                                              amounts(new.get(k), *fields[k])) for k in keys)


def _emptied(sent: Any, stored: Any) -> bool:
    """Whether a value as sent holds an empty list or map where the stored one (which omits them, so decodes
    as none) has nothing: reflect.DeepEqual tells those apart (a null sent is none on both sides)."""
    if isinstance(sent, dict):
        kept = stored if isinstance(stored, dict) else {}
        return any((v in ([], {}) and kept.get(k) is None) or _emptied(v, kept.get(k)) for k, v in sent.items())
    if isinstance(sent, list) and isinstance(stored, list) and len(sent) == len(stored):
        return any(_emptied(v, w) for v, w in zip(sent, stored, strict=True))
    return False


def _keep_status(t: Target, new: dict[str, Any], current: dict[str, Any]) -> None:
    """A write other than through /status keeps the stored status where status is written apart."""
    if _status_apart(t) and ("status" in current or "status" in new):
        if "status" in current:
            new["status"] = copy.deepcopy(current["status"])
        else:
            new.pop("status", None)
        autoscalingv1.take(new, "status", current)


def _status_apart(t: Target) -> bool:
    """Whether status is written only through /status (for a custom resource, where its definition says)."""
    return t.custom.status if t.custom is not None else True


def _go_type(t: Target) -> str | None:
    """The message of a built-in kind's Go type (gotypes), None for a custom resource's."""
    return gotypes.message_of_kind(t.api_version, t.kind) if t.builtin else None


def _holds_empty(value: Any) -> bool:
    """Whether a body holds an empty list or map anywhere (most do not: their decoding need not be held)."""
    if isinstance(value, dict):
        return not value or any(_holds_empty(v) for v in value.values())
    if isinstance(value, list):
        return not value or any(_holds_empty(v) for v in value)
    return False


def _held_status(t: Target, sent: dict[str, Any], shown: dict[str, Any], raw: Any) -> Any:
    """A /status write's status as Go held it (govalues.with_held of the status alone: `sent` as decoded,
    `shown` as encoded, `raw` the body) where that holds more than its JSON shows, else None."""
    status = shown.get("status")
    message = _go_type(t)
    kind = gotypes.json_field_map(message).get("status", (None, ""))[0] if message else None
    held = with_held(sent.get("status"), status, raw.get("status", MISSING) if isinstance(raw, dict) else MISSING,
                     kind[1:] if isinstance(kind, str) and kind.startswith(".") else None)
    return None if held is status else held


def _with_template_generation(obj: dict[str, Any], sent_meta: dict[str, Any]) -> dict[str, Any]:
    """A DaemonSet as the field manager of a /status write saw it: its template generation annotation as the
    body had it (the conversion writes none as 0), before the strategy put back the stored spec's."""
    out = copy.deepcopy(obj)
    annotations = {k: v for k, v in (_meta(out).get("annotations") or {}).items() if k != TEMPLATE_GENERATION}
    if (given := (sent_meta.get("annotations") or {}).get(TEMPLATE_GENERATION)) is not None:
        annotations[TEMPLATE_GENERATION] = given
    _meta(out)["annotations"] = annotations
    return out


def _status_meta(t: Target, sent: dict[str, Any], stored: dict[str, Any]) -> dict[str, Any]:
    """The metadata a /status write leaves, which is what its update validates: the stored one where the status
    strategy keeps it whole (a custom resource's keeps all but the status), else the sent one but for what the
    strategy keeps."""
    if not t.builtin or t.kind in _STATUS_KEEPS_METADATA:
        return copy.deepcopy(stored)
    kept = _STATUS_KEEPS.get(t.kind, ())
    meta = {**{k: v for k, v in sent.items() if k not in kept}, **{k: stored[k] for k in kept if k in stored}}
    return defaults.spec_annotations(t.kind, meta, stored)


def _store_update(t: Target, current: dict[str, Any], new: dict[str, Any], opts: Options,
                  applied: bool = False, guard: Guard | None = None, now: str = "", short: bool = False,
                  begin: Begin | None = None, raw: rawjson.Write | None = None,
                  stored_as: dict[str, Any] | None = None, admit: Admit | None = None) -> Outcome:
    """An update's result, given the stored object as read (defaulted) and the whole new object: the
    apiserver's rules for what a client may change. `short`: storage holds less than `current` shows
    (Commit.short), so no write of it leaves it unchanged. `raw`: the bytes of its RawExtension fields,
    stored and written (else taken as a read shows them). `stored_as`: the object as storage holds it where
    `current` is a lossy view of it (a v1 autoscaler's v2), which the generation is counted against. `admit`:
    the mutating admission of a pod's resize, after the field manager saw what was sent."""
    name = t.name
    raw_sent = new  # (as decoded, before its type: the quantities as written, govalues.SentQuantity)
    # (before decoding drops []: where reflect.DeepEqual counts a generation, an empty list sent is a change)
    reflected = _REFLECT_COUNTED.get(t.kind, "") if t.builtin else ""
    sent = {reflected: new.get(reflected)} if reflected else {}
    empties = t.custom is None and _holds_empty(new)
    try:
        new = _defaulted(_typed(t, new), creating=False, custom=t.custom, applied=applied, now=now, held=empties)
    except Undecodable as exc:
        return _undecodable(t, exc)
    if guard is not None and (refused := guard(new, current)) is not None:
        return refused  # (the storage's, on the updated object, before its resourceVersion is compared)
    as_sent = None
    if t.subresource in ("", "finalize"):  # the field manager compares what was sent: the storage puts back
        as_sent = copy.deepcopy(new)       # what may not change (a deletionTimestamp) after it (BeforeUpdate)
        if _is_namespace(t):  # (its name label is a default: SetDefaults_Namespace)
            _name_label(_meta(as_sent))
    undropped = copy.deepcopy(new) if t.builtin and t.kind in _GENERATION_BEFORE_DROP else None
    if not t.subresource:
        defaults.kept_on_update(new, current)
    if t.subresource in _POD_SPEC_PARTS:  # a part of a pod's spec as sent, the rest as stored (the field manager
        as_sent = copy.deepcopy(new)      # saw all that was sent, before admission)
        if admit is not None and (refused := admit(new, name)) is not None:
            return refused
        new = _POD_SPEC_PARTS[t.subresource][0](new, current)
    signing = t.builtin and t.kind == csr.KIND
    if signing:
        sent_status = new.get("status")
        new = csr.prepared(t.subresource, new, current, now)
    meta, old_meta = _meta(new), current.get("metadata", {})
    if t.namespaced and t.namespace:  # the request's (EnsureObjectNamespaceMatchesRequestNamespace), validated so
        meta["namespace"] = t.namespace
    version = _sent_version(meta.get("resourceVersion"))
    if isinstance(version, Outcome):
        return version
    if version and str(version) != str(old_meta.get("resourceVersion", "")):  # (0 is none: unconditional)
        return _conflict(t, name)
    if begin is not None and not t.subresource and (refused := begin(new, current)) is not None:
        return refused
    held = None
    if t.builtin and not t.subresource and rawjson.fields(new):  # (ValidateImmutableField: the bytes compared)
        raw = raw or rawjson.Write(rawjson.read(current), rawjson.read)
        # an apply that changes nothing is answered with the live object (structuredmerge's no-op), bytes and all
        held = raw.before if applied and _unmanaged(new) == _unmanaged(current) else raw.made(new)
        rawjson.show_held(new, held)  # (what validation prints, and reads, in the order of the bytes)
    if not t.subresource:  # kept on the main resource (PrepareForUpdate, before validation: a definition's
        _keep_status(t, new, current)  # stored versions)
        if t.builtin and t.kind == "Pod":
            podresources.keep(new, current)
    seen_meta = meta  # (the metadata the field manager saw: a DaemonSet's template generation as sent)
    if t.subresource in _STATUS_PARTS:  # the status strategy's PrepareForUpdate, before validation
        meta = new["metadata"] = _status_meta(t, meta, old_meta)
    # (the generation is the stored one by then: BeforeUpdate)
    causes = validation.object_meta(t.kind, {**meta, "name": name, "generateName": "",
                                             "generation": old_meta.get("generation")}, custom=not t.builtin,
                                    rule=_name_rule(t, new), core=validation.core_meta(t.kind, t.builtin),
                                    old=old_meta)
    if signing:
        causes += csr.causes(new, current, t.subresource)
    elif t.subresource == "finalize":  # a namespace's (ValidateNamespaceFinalizeUpdate)
        causes += specvalidation.namespace_finalizers(new, indexed=True)
    elif t.subresource in _POD_SPEC_PARTS:
        causes += _POD_SPEC_PARTS[t.subresource][1](new, current)
    elif t.subresource not in _STATUS_PARTS:
        causes += specvalidation.spec_causes(new, current)
    causes += _schema_causes(t, new, current, causes)
    if raw is not None and held is not None:
        causes += [c for c in rawjson.refused(new, raw.before, held) if c[0] not in {f for f, _, _ in causes}]
    if causes:
        return _refused(t, name, causes)
    status_part = t.subresource in _STATUS_PARTS
    held_status = None  # (a /status write's status as Go held it, which its field manager compares)
    if empties:  # validated as held; the field manager, the strategy and the storage see it encoded
        cleared = as_sent is not None and _meta(as_sent).get("managedFields") == []
        decoded, new = new, encoded(new, t.kind, t.api_version)
        sent_held = as_sent  # (the empty lists and maps it held: Go values the field manager compares, Held)
        as_sent, undropped = (encoded(o, t.kind, t.api_version) if o is not None else None
                              for o in (as_sent, undropped))
        as_sent = with_held(sent_held, as_sent, raw_sent, _go_type(t))
        if status_part:
            held_status = _held_status(t, decoded, new, raw_sent)
        if as_sent is not None and cleared:  # (but an empty managedFields sent, which clears them)
            _meta(as_sent)["managedFields"] = []
        meta = _meta(new)
        if signing and sent_status is not None:
            sent_status = encoded({"status": sent_status}, t.kind, t.api_version).get("status")
    elif not applied and t.builtin and untyped_in_whole_lists(t.api_version, t.kind):
        # (a quantity sent where the field manager reads its Go value: an update's; an apply's managers are its
        # own, managedfields.after_apply)
        if as_sent is not None:
            as_sent = with_held(as_sent, as_sent, raw_sent, _go_type(t))
        elif status_part:
            held_status = _held_status(t, new, new, raw_sent)
    if status_part:  # on /status the status changes, and the metadata the strategy lets by
        body_status = new.get("status")
        kept_meta = meta
        new = copy.deepcopy(current)
        if body_status is None:
            new.pop("status", None)
        else:
            new["status"] = body_status
        new["metadata"] = kept_meta
        if held_status is not None:  # (the strategy's keeping below changes `new`, not what was sent)
            as_sent = copy.deepcopy({**new, "status": None})
            as_sent["status"] = held_status
        if t.builtin and (keep := _STATUS_KEPT.get(t.kind)) is not None:  # (after the field manager, which saw
            as_sent = as_sent or copy.deepcopy(new)                           # the status sent)
            keep(new, current, now)
        if t.builtin and t.kind == "DaemonSet":
            as_sent = _with_template_generation(new, seen_meta)
        autoscalingv1.take(new, "spec", current)
        status_causes = podcertificates.status_causes(new, current, now) if t.builtin and \
            t.kind == podcertificates.KIND else specvalidation.status_causes(new, current)
        if status_causes:
            return _refused(t, name, status_causes)
        meta = _meta(new)
    elif t.subresource:  # (a subresource's strategy validates what the client sent, a resize's when it cannot
        _keep_status(t, new, current)  # take the stored status: it changes the containers)
    for owned in ("uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
                  "generation", "name", "namespace"):
        if owned in old_meta:
            meta[owned] = old_meta[owned]
        else:
            meta.pop(owned, None)
    added = [f for f in meta.get("finalizers") or [] if f not in (old_meta.get("finalizers") or [])]
    if old_meta.get("deletionTimestamp") and added:  # (ValidateNoNewFinalizers)
        found = "[]string{" + ", ".join(quote(str(f)) for f in added) + "}"
        why = f"no new finalizers can be added if the object is being deleted, found new finalizers {found}"
        return _refused(t, name, [forbidden("metadata.finalizers", why)])
    if t.subresource not in _STATUS_PARTS:
        changed = new.get("webhooks") != current.get("webhooks") \
            if t.kind in _WEBHOOK_KINDS else _spec_changed(stored_as or current, undropped or new, not _status_apart(t),
                                                           t.builtin)
        changed = changed or _emptied(sent, current)
        counted = _GENERATION_META.get(t.kind, "") if t.builtin else ""  # (nil and empty alike: Semantic.DeepEqual)
        changed = changed or (bool(counted) and (meta.get(counted) or {}) != (old_meta.get(counted) or {}))
        if (_has_generation(t) or t.kind in _GENERATION_FROM_ZERO) and t.kind not in _GENERATION_ONCE and changed:
            meta["generation"] = int(old_meta.get("generation") or 0) + 1
    meta.pop("resourceVersion", None)
    meta.pop("selfLink", None)  # (the storage clears it on every write: PrepareObjectForStorage)
    if _is_namespace(t):
        _name_label(meta)
    new["metadata"] = ordered_meta(meta)
    # the last finalizer went from an object being deleted at once (ShouldDeleteDuringUpdate): one still in
    # its grace period (a pod waiting for its kubelet) stays, and a namespace keeps its spec's finalizers
    gone = old_meta.get("deletionTimestamp") and not meta.get("finalizers") \
        and not old_meta.get("deletionGracePeriodSeconds") \
        and not (_is_namespace(t) and (new.get("spec") or {}).get("finalizers"))
    # (compared as storage holds them, as `current` is: a write that changes nothing there is no new version)
    stored = encoded(defaults.read_back(new), t.kind, t.api_version, stored=True)
    if signing and status_part:
        as_sent = csr.as_compared(new, sent_status)
    # managedFields aside: the field manager makes them afterwards (Outcome.unchanged), from the live ones
    # when the body has none (a PUT of an object as written, not as read)
    unchanged = not gone and not short and \
        _unmanaged(defaults.as_stored(stored, defaults.dropped_on_read(as_sent))) == _unmanaged(current)
    kept_part = "spec" if status_part else "status" if _status_apart(t) and not t.subresource else ""
    if unchanged or opts.dry_run or gone:  # no new resourceVersion is given out: the answer has the stored one
        new["metadata"] = ordered_meta({**new["metadata"], "resourceVersion": old_meta.get("resourceVersion", "")})
    if gone:  # (deleteWithoutFinalizers: the store deletes what it holds, never writing the update)
        return _commit(200, Commit("DELETED", t.key(), new, as_sent, kept=kept_part, event=copy.deepcopy(current)),
                       opts)
    if unchanged:  # nothing changed: no event, and the answer is the stored object (its managedFields too)
        meta = new["metadata"] if "managedFields" in new["metadata"] or "managedFields" not in old_meta else \
            ordered_meta({**new["metadata"], "managedFields": old_meta["managedFields"]})
        # (a subresource's object as the field manager saw it is the one written: Commit.written's default)
        return Outcome(200, {**stored, "metadata": meta}, unchanged=as_sent if as_sent is not None else new)
    return _commit(200, Commit("MODIFIED", t.key(), new, as_sent, kept=kept_part, raw=held), opts)


def update(t: Target, current: dict[str, Any] | None, body: Any, opts: Options, stamp: Stamp | None = None,
           namespace_phase: str = "Active", guard: Guard | None = None, short: bool = False,
           begin: Begin | None = None, raw: rawjson.Write | None = None,
           stored_as: dict[str, Any] | None = None, admit: Admit | None = None) -> Outcome:
    """PUT of an object or its status; of a missing object of a kind that may be created so (`stamp`: what a
    create needs), a create."""
    refused, warnings = _field_check("update", t, opts, body)
    if refused is not None:
        return refused
    return _warned(_update(t, current, body, opts, stamp, namespace_phase, guard, short, begin, raw, stored_as,
                           admit), warnings, not t.subresource, current)


def _update(t: Target, current: dict[str, Any] | None, body: Any, opts: Options, stamp: Stamp | None,
            namespace_phase: str, guard: Guard | None, short: bool, begin: Begin | None,
            raw: rawjson.Write | None = None, stored_as: dict[str, Any] | None = None,
            admit: Admit | None = None) -> Outcome:
    bad = _check_body(t, body, t.name, stored=current is not None)
    if bad is not None:
        return bad
    if current is None and stamp is not None and t.subresource in ("", "status") and t.builtin \
            and t.kind in CREATED_BY_UPDATE:
        # the strategy's AllowCreateOnUpdate (a status strategy's too): created as by a POST
        # (a Service's status store has no allocators: one a PUT to /status creates gets no IPs, families or ports)
        return _create(dataclasses.replace(t, subresource=""), body, stamp, opts, exists=lambda _: None,
                       namespace_phase=namespace_phase, guard=guard, begin=begin, by_update=True, raw=raw,
                       allocating=not (t.subresource and t.kind == "Service"))
    if current is None or not serves_subresource(t):
        return _not_found(t, t.name)
    current = _defaulted(current, creating=False, custom=t.custom)  # as read from storage: decoding defaults
    if t.subresource == "scale":
        return _scale_write(t, current, body, opts)
    uid, stored_uid = _meta(body).get("uid"), str(current.get("metadata", {}).get("uid") or "")
    if isinstance(uid, str) and uid and uid != stored_uid:
        return precondition_failed(t, t.name, "UID", uid, stored_uid, opts.dry_run)
    conditional = not t.builtin or t.kind in _CONDITIONAL_UPDATE_KINDS
    if conditional and _sent_version(_meta(body).get("resourceVersion")) in (None, 0):  # (0 is none)
        try:  # the handler decoded the body before the store looks for a precondition
            _defaulted(_typed(t, copy.deepcopy(body)), creating=False, custom=t.custom)
        except Undecodable as exc:
            return _undecodable(t, exc)
        why = "Invalid value: 0: must be specified for an update"
        return fail(422, f'{t.qualified} {quote(t.name)} is invalid: metadata.resourceVersion: {why}', "Invalid",
                    {"name": t.name, "group": t.group, "kind": t.resource,
                     "causes": [{"reason": "FieldValueInvalid", "message": why, "field": "metadata.resourceVersion"}]})
    return _store_update(t, current, copy.deepcopy(body), opts, guard=guard,
                         now=stamp.timestamp if stamp is not None else "", short=short, begin=begin, raw=raw,
                         stored_as=stored_as, admit=admit)


def patched(current: dict[str, Any], content_type: str, patch: Any, api_version: str, kind: str) -> dict[str, Any]:
    """The object (of `kind` in `api_version`, whose Go type's tags a strategic merge patch reads) after a JSON,
    merge or strategic merge patch (raises PatchError); an apply is apply.py's."""
    if content_type == JSON_PATCH:
        if not isinstance(patch, list) or not all(isinstance(op, dict) for op in patch):
            raise PatchError("a JSON patch is a list of operations")
        out = jsonpatch.apply(current, patch)
    elif content_type == MERGE_PATCH:
        out = merge_patch(current, patch)
    else:
        if not isinstance(patch, dict):
            raise PatchError("a strategic merge patch is a JSON object")
        out = strategic_merge(current, patch, mergekeys.root(api_version, kind))
    if not isinstance(out, dict):
        raise PatchError("the patched object is not a JSON object")
    return out


def _conflict_error(conflicts: list[Conflict]) -> Outcome:
    """The apiserver's words for an apply conflict (structured-merge-diff's Conflicts.Error)."""
    if len(conflicts) == 1:
        manager, f = conflicts[0]
        text = f"conflict with {display(manager)}: {dotted(f)}"
    else:
        lines: list[str] = []
        for manager in sorted({m for m, _ in conflicts}, key=identifier):  # grouped as the message sorts them
            lines.append(f"conflicts with {display(manager)}:")
            lines += [f"- {dotted(f)}" for m, f in conflicts if m == manager]
        text = "\n".join(lines)
    n = len(conflicts)
    return fail(409, f"Apply failed with {n} conflict{'s' if n != 1 else ''}: {text}", "Conflict",
                {"causes": [{"reason": "FieldManagerConflict", "message": f"conflict with {display(m)}",
                             "field": dotted(f)} for m, f in conflicts]})


def unsupported_patch(content_type: str, builtin: bool) -> Outcome | None:
    """The 415 of a PATCH whose Content-Type no patch handler takes, which comes before anything else is looked
    at, the Accept included: a built-in type's go-restful route consumes the four patch types (none given is
    application/octet-stream) and refuses in its own words; then the handler takes the header cut at its `;`
    (negotiation.patch_type) if it is one it takes — a custom resource's all but a strategic merge patch — and
    else lists them."""
    if builtin and not negotiation.restful_consumes(content_type, PATCH_TYPES):
        return fail(415, "415: Unsupported Media Type", "UnsupportedMediaType", {})
    taken = PATCH_TYPES if builtin else (JSON_PATCH, MERGE_PATCH, APPLY_PATCH)
    if negotiation.patch_type(content_type) in taken:
        return None
    return fail(415, "the body of the request was in an unknown format - accepted media types include: "
                     + ", ".join(taken))


def patch(t: Target, current: dict[str, Any] | None, content_type: str, doc: Any, stamp: Stamp,
          opts: Options, *, namespace_phase: str = "Active",
          ownership: Ownership | None = None, admit: Admit | None = None, guard: Guard | None = None,
          short: bool = False, begin: Begin | None = None, raw: rawjson.Write | None = None,
          stored_as: dict[str, Any] | None = None) -> Outcome:
    """PATCH in any of the four types (`short`, `raw`: as update's). Apply creates a missing object; the others
    need one.

    Apply merges by the object's type with field ownership (`ownership`, apply.py): setting a field another
    manager set to another value is a 409 conflict unless `force` (which takes the field over), and a field
    the same manager applied before and no longer names is removed unless another manager still owns it."""
    if content_type == APPLY_PATCH:  # (its media type and options were checked first: unsupported_patch, options)
        if current is None and t.subresource:  # (a subresource's storage gets the object before the patch is read)
            return _not_found(t, t.name)
        doc = {} if doc is None else doc  # (null, or nothing: decoded into the empty object it started as)
        if not isinstance(doc, dict):
            return fail(400, "error decoding patch: error unmarshaling JSON: while decoding JSON: json: cannot "
                             f"unmarshal {decoding.json_word(doc)} into Go value of type map[string]interface {{}}",
                        "BadRequest")
        doc = typedpatch.decoded(doc)
        gv, kind = (v if isinstance(v, str) else "" for v in (doc.get("apiVersion"), doc.get("kind")))
        if (gv, kind) != (("autoscaling/v1", "Scale") if t.subresource == "scale" else (t.api_version, t.kind)):
            # an applied configuration names the type written (versionCheckManager)
            return fail(400, f"invalid object type: {_gvk(gv, kind)}", "BadRequest")
        if isinstance(doc.get("metadata"), dict) and isinstance(doc["metadata"].get("managedFields"), list):
            # (structuredMergeManager)
            return fail(400, "metadata.managedFields must be nil", "BadRequest")
        node = (ownership.node if ownership is not None else None) or root(gv, kind) or _UNKNOWN_TYPE
        # an object its type does not fit (an item without its list's key, as stored): skipNonApplied, before the
        # patch is typed, makes before-first-apply's manager of one nobody manages; else the live object is typed
        # after the patch
        unfit = None if current is None else typedpatch.typing_error(current, node, decoded=True, go_typed=t.builtin)
        named = f"({_named(t, current or {})}; {_gvk(gv, kind)})"
        if unfit is not None and not _meta(current or {}).get("managedFields"):
            return Outcome(500, status(500, "failed to create manager for existing fields: failed to convert new "
                                            f"object {named} to smd typed: {unfit}", ""))
        if (untyped := typedpatch.typing_error(doc, node)) is not None:
            return _untyped_patch(t, doc, untyped, gv, kind)
        if unfit is not None:
            return Outcome(500, status(500, f"failed to create typed live object {named}: {unfit}", ""))
        if current is None:
            if (bad := _unconvertible(t, doc, doc)) is not None:
                return bad
            body = _from_unstructured(t, {**doc, "metadata": dict(doc.get("metadata") or {})})
            bad = _check_body(t, body, t.name)
            if bad is not None:
                return bad
            out = _warned(_create(t, body, stamp, opts, exists=lambda _n: None, namespace_phase=namespace_phase,
                                  applied=True, admit=admit, guard=guard, begin=begin, by_update=True,
                                  raw=raw), [])
            out.applied = out.code < 400
            return out
    if current is None or not serves_subresource(t):
        return _not_found(t, t.name)
    current = _defaulted(current, creating=False, custom=t.custom)  # the patch applies to it as read
    if t.subresource == "scale":
        base = scale_of(t, current)
        if absent := bool(unscalable(t, current)):  # (a custom resource without replicas: a sentinel the write
            base["spec"] = {**base["spec"], "replicas": _NO_REPLICAS}  # must replace, scaleUpdatedObjectInfo)
        if content_type == APPLY_PATCH:  # the ScaleHandler: the managers of the replicas, as a Scale's
            assert isinstance(doc, dict)
            replicas = tuple(f"f:{k}" for k in replicas_keys(t))
            # (ToSubresource: each as the Scale's own manager, of autoscaling/v1, which a conflict names)
            owners = {who_is(w[0], w[1], "autoscaling/v1", w[3]): frozenset({("f:spec", "f:replicas")})
                      for w, owned in (ownership.managers if ownership else {}).items() if replicas in owned}
            if t.custom is not None and not owners:  # (skipNonApplied would convert the Scale as the resource)
                return fail(500, _UNMANAGED_CUSTOM_SCALE, "")
            done = apply(base, doc, root("autoscaling/v1", "Scale"), owners,
                         who_is(opts.field_manager, "Apply", "", "scale"), frozenset())
            if done.conflicts and not opts.force:
                return _conflict_error(done.conflicts)
            if (bad := _unconvertible(t, doc, done.obj, "autoscaling/v1", "Scale")) is not None:
                return bad
            new_scale = done.obj
        else:  # (with the managers of its replicas: ScaleHandler.ToSubresource)
            if (entries := scale_entries(current, replicas_keys(t))) is not None:
                base["metadata"]["managedFields"] = entries
            try:
                new_scale = patched(base, content_type, doc, "autoscaling/v1", "Scale")
            except PatchError as exc:
                return _unapplicable(content_type, exc)
        if content_type == STRATEGIC_PATCH:  # (converted from unstructured, as a built-in kind's patch is, and
            if (error := decoding.unstructured_error(new_scale, _SCALE)) is not None:  # quoted as the merge left it)
                return _unpatchable(new_scale, error, as_left(doc, base))
            new_scale = decoding.unstructured_numbers(new_scale, _SCALE)
        elif (error := decoding.type_error(new_scale, "Scale", typed=True, api_version="autoscaling/v1")) is not None:
            return _unpatchable(new_scale, error)
        refused, warnings = _field_check("patch", t, opts, new_scale, doc, as_left(doc, base) if content_type ==
                                         STRATEGIC_PATCH else None) if content_type != APPLY_PATCH else (None, [])
        if refused is not None:
            return refused
        if absent and as_dict(new_scale.get("spec")).get("replicas") == _NO_REPLICAS:  # (with the decoder's warnings)
            return _warned(fail(400, f'the spec replicas field "{replicas_path(t)}" cannot be empty'), warnings,
                           strategy=False)
        out = _warned(_scale_write(t, current, new_scale, opts), warnings, strategy=False)
        out.applied = content_type == APPLY_PATCH
        return out
    merged: dict[str, Any] | None = None
    if content_type == APPLY_PATCH:
        assert isinstance(doc, dict)
        own = ownership or Ownership(None, False, {})
        live = {**current, "metadata": {k: v for k, v in _meta(current).items() if k != "managedFields"}}
        done = apply(live, doc, node, own.managers, who_is(opts.field_manager, "Apply", "", t.subresource),
                     reset_fields(t.kind, t.subresource, own.has_status, t.custom is not None),
                     nulls=t.custom is not None,
                     versions=own.versions)
        conflicts = done.conflicts if not opts.force else []
        if conflicts and opts.field_manager == lastapplied.MANAGER:  # an upgrade from client-side apply
            allowed = lastapplied.allowed_conflicts(current, node)
            conflicts = [c for c in conflicts if c[1] not in allowed]
        if conflicts:
            return _conflict_error(conflicts)
        if (bad := _unconvertible(t, doc, done.obj)) is not None:
            return bad
        new, warnings = _from_unstructured(t, done.obj), list[str]()
        merged = copy.deepcopy(done.merged)  # (what the field manager compares: before the decoder's defaults)
        if opts.field_manager == lastapplied.MANAGER:
            new = lastapplied.synced(new, doc)
        if "managedFields" in _meta(current):  # (as they were: the field manager writes the new ones)
            _meta(new)["managedFields"] = _meta(current)["managedFields"]
    else:
        try:
            new = patched(current, content_type, doc, t.api_version, t.kind)
        except PatchError as exc:
            return _unapplicable(content_type, exc)
        quoted = as_left(doc, current) if content_type == STRATEGIC_PATCH else None  # (what a refusal quotes)
        if content_type == STRATEGIC_PATCH and t.builtin and t.subresource != "scale" \
                and all(isinstance(new.get(k), str | None) for k in ("apiVersion", "kind")):
            # (converted from unstructured into the stored object's type: a type the patch names is no matter,
            # but a type meta that is not a string, which the patched JSON's decoding refuses)
            new = {**new, "apiVersion": t.api_version, "kind": t.kind}
        if (error := _decoding_error(t, new, content_type == STRATEGIC_PATCH)) is not None:  # (a custom resource
            # is quoted as a map: keys sorted)
            return _unpatchable(new if t.custom is None else sorted_keys(new), error, quoted)
        if content_type == STRATEGIC_PATCH:
            new = _from_unstructured(t, new)
        # (JSON that names no version decodes as a bare TypeMeta: its other fields unknown, its name lost; the JSON
        # and merge patchers' decode, where a strategic merge patch's result is converted from unstructured)
        bare = t.builtin and content_type != STRATEGIC_PATCH and t.subresource != "scale" and not new.get("apiVersion")
        refused, warnings = _field_check("patch", t, opts, new, doc, quoted, bare=bare)
        if refused is not None:
            return refused
        if bare:
            return _warned(_nameless(t.name), warnings)
    bad = _check_body(t, new, t.name, patched=True)
    if bad is not None:
        return _warned(bad, warnings)
    meta = _meta(new)
    if not isinstance(doc, dict) or "resourceVersion" not in (doc.get("metadata") or {}):
        # a patch (an apply too) is unconditional unless it names a resourceVersion itself
        meta["resourceVersion"] = current.get("metadata", {}).get("resourceVersion", "")
    out = _warned(_store_update(t, current, new, opts, content_type == APPLY_PATCH, guard, stamp.timestamp, short,
                                begin, raw, stored_as, admit), warnings, not t.subresource, current)
    if out.code >= 400:
        return out
    out.merged = merged
    # (an apply that changes only who manages the object is still a new version of it: the emulate write path
    # compares the managedFields it makes for `Outcome.unchanged`)
    out.applied = content_type == APPLY_PATCH
    return out


def _custom_scale(t: Target, obj: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(spec, status) of a custom resource as its scale subresource's paths find them."""
    paths = (t.custom.scale if t.custom is not None else None) or {}
    replicas = crds.value_at(obj, paths.get("specReplicasPath", ""))
    status: dict[str, Any] = {"replicas": crds.value_at(obj, paths.get("statusReplicasPath", "")) or 0}
    selector = crds.value_at(obj, paths["labelSelectorPath"]) if paths.get("labelSelectorPath") else None
    if isinstance(selector, str) and selector:
        status["selector"] = selector
    return {"replicas": replicas} if replicas else {}, status


_NO_REPLICAS = -2147483648  # (the smallest int32: a custom resource's Scale whose spec holds none)
# an apply to a custom resource's Scale whose replicas nobody manages: skipNonApplied makes the Scale's
# before-first-apply manager by converting it, with the resource's converter, which refuses autoscaling/v1
_UNMANAGED_CUSTOM_SCALE = ("failed to create manager for existing fields: failed to convert live object (/; "
                           "autoscaling/v1, Kind=Scale) to proper version: request to convert CR to an invalid "
                           "group/version: autoscaling/v1")


def unscalable(t: Target, obj: dict[str, Any]) -> str:
    """Why a custom resource's Scale cannot be read (ScaleREST.Get: its spec holds no replicas), or ""."""
    path = t.custom.scale.get("specReplicasPath", "") if t.custom is not None and t.custom.scale else ""
    return f'the spec replicas field "{path}" does not exist' if path and crds.value_at(obj, path) is None else ""


def scale_of(t: Target, obj: dict[str, Any]) -> dict[str, Any]:
    """The autoscaling/v1 Scale of a Deployment, ReplicaSet, StatefulSet or custom resource."""
    meta = obj.get("metadata", {})
    out_meta = {k: meta[k] for k in ("name", "namespace", "uid", "resourceVersion", "creationTimestamp")
                if k in meta}
    if t.custom is not None:
        custom_spec, custom_status = _custom_scale(t, obj)
        return {"kind": "Scale", "apiVersion": "autoscaling/v1", "metadata": out_meta, "spec": custom_spec,
                "status": custom_status}
    spec, st = obj.get("spec") or {}, obj.get("status") or {}
    selector = st.get("selector") if isinstance(st.get("selector"), str) else _selector_string(spec)
    status_part: dict[str, Any] = {"replicas": st.get("replicas", 0)}
    if selector:
        status_part["selector"] = selector
    return {"kind": "Scale", "apiVersion": "autoscaling/v1", "metadata": out_meta,
            "spec": {"replicas": spec.get("replicas", 0)} if spec.get("replicas") else {}, "status": status_part}


def _selector_string(spec: dict[str, Any]) -> str:
    sel = spec.get("selector")
    labels = sel.get("matchLabels") if isinstance(sel, dict) else None
    return ",".join(f"{k}={v}" for k, v in sorted(labels.items())) if isinstance(labels, dict) else ""


def replicas_path(t: Target) -> str:
    """Where a /scale write puts its replicas in the object (a custom resource's definition says)."""
    return t.custom.scale.get("specReplicasPath", "") if t.custom is not None and t.custom.scale else ".spec.replicas"


def replicas_keys(t: Target) -> tuple[str, ...]:
    """replicas_path as the keys on the way."""
    return tuple(replicas_path(t).strip(".").split("."))


def _scale_write(t: Target, current: dict[str, Any], scale: Any, opts: Options) -> Outcome:
    if t.kind not in SCALABLE and (t.custom is None or t.custom.scale is None):
        return _not_found(t, t.name)
    if not isinstance(scale, dict):
        return fail(400, "the body of the request was not a JSON object")
    replicas = (scale.get("spec") or {}).get("replicas")
    replicas = 0 if replicas is None else replicas  # (a null is the int32's zero: a scale to nothing)
    if not isinstance(replicas, int) or isinstance(replicas, bool) or (replicas < 0 and t.builtin):
        # (a custom resource's negative count is its own validation's: the scale path's and its schema's)
        cause = invalid("spec.replicas", replicas, "must be greater than or equal to 0")
        # (a built-in kind's scale storage validates the Scale itself: ValidateScaleUpdate)
        return invalid_object("autoscaling", "Scale", t.name, [cause]) if t.builtin else _refused(t, t.name, [cause])
    rv = str((scale.get("metadata") or {}).get("resourceVersion") or "")
    new = copy.deepcopy(current)
    if error := crds.set_at(new, replicas_path(t), replicas):
        return fail(500, error, "")  # (a plain error: a 500 without a reason)
    _meta(new)["resourceVersion"] = rv or current.get("metadata", {}).get("resourceVersion", "")
    main = dataclasses.replace(t, subresource="")
    out = _store_update(main, current, new, opts)
    if out.code >= 400:
        return out
    return Outcome(out.code, out.body, out.commits, view=lambda obj: scale_of(t, obj), unchanged=out.unchanged,
                   would=out.would, prepared=specvalidation.write_warnings(out.body, current))  # (the object's
    # strategy updates it: a workload whose generation moved warns of its template)


# The strategies' DefaultGarbageCollectionPolicy where it is not to delete dependents: a delete that names no
# propagation policy orphans a Job's pods through batch/v1 and a ReplicationController's through core v1, kept
# for compatibility (the Job's storage warns of it); an Event's collection is Unsupported.
_ORPHANING = frozenset({("batch", "v1", "Job"), ("", "v1", "ReplicationController")})
_GC_UNSUPPORTED = frozenset({("", "Event"), ("events.k8s.io", "Event")})
_ORPHANING_WARNING = ("child pods are preserved by default when jobs are deleted; set propagationPolicy=Background "
                      "to remove them or set propagationPolicy=Orphan to suppress this warning")


def _gc_default(t: Target) -> str:
    """The kind's default garbage collection policy: Orphan, Unsupported, or "" (delete the dependents)."""
    if not t.builtin:
        return ""
    return "Orphan" if (t.group, t.version, t.kind) in _ORPHANING else \
        "Unsupported" if (t.group, t.kind) in _GC_UNSUPPORTED else ""


def _propagation_warnings(t: Target, opts: Options) -> list[str]:
    if t.kind == "Job" and _gc_default(t) == "Orphan" and not opts.propagation:
        return fieldvalidation.warnings([_ORPHANING_WARNING])
    return []


def gc_finalizers(finalizers: list[str], propagation: str, default: str) -> list[str]:
    """The finalizers a delete leaves for the garbage collector (deletionFinalizersForGarbageCollection):
    its own two replaced by what the request's policy asks, else by what the object already asked, else by
    the kind's `default` (_gc_default; none at all where it is Unsupported); the list as it was when that
    changes nothing."""
    asked = [f for f in finalizers if f in ("orphan", "foregroundDeletion")]
    collected = default != "Unsupported"
    orphan = collected and (propagation == "Orphan" if propagation else asked[0] == "orphan" if asked
                            else default == "Orphan")
    foreground = collected and (propagation == "Foreground" if propagation
                                else bool(asked) and asked[0] == "foregroundDeletion")
    out = [f for f in finalizers if f not in ("orphan", "foregroundDeletion")]
    out += ["orphan"] * orphan + ["foregroundDeletion"] * foreground
    return finalizers if set(out) == set(finalizers) else out


def delete(t: Target, current: dict[str, Any] | None, stamp: Stamp, opts: Options) -> Outcome:
    """DELETE of one object: gone at once, or marked with deletionTimestamp while finalizers (or a
    kubelet, for a pod bound to a node) still have work to do."""
    return _warned(_delete(t, current, stamp, opts), _propagation_warnings(t, opts), False)  # (before the lookup)


def _delete(t: Target, current: dict[str, Any] | None, stamp: Stamp, opts: Options) -> Outcome:
    if current is None:
        return _not_found(t, t.name)
    meta = current.get("metadata", {})
    if (unmet := unmet_delete_precondition(t, meta, opts)) is not None:
        return unmet
    obj = copy.deepcopy(current)
    new_meta = _meta(obj)
    if not opts.dry_run:  # the commit gives the new one; a dry run answers with the stored one
        new_meta.pop("resourceVersion", None)
    before = list(meta.get("finalizers") or [])
    finalizers = gc_finalizers(before, opts.propagation, _gc_default(t))
    if finalizers:
        new_meta["finalizers"] = finalizers
    unchanged = Outcome(200, {**obj, "metadata": ordered_meta({**new_meta,
                                                               "resourceVersion": meta.get("resourceVersion", "")})})
    if _is_namespace(t) and not meta.get("deletionTimestamp"):
        # the namespace's REST Delete: the first marks it Terminating, whatever its finalizers, for the namespace
        # controller to empty and finalize (none runs here, as on an apiserver without a controller-manager)
        new_meta["deletionTimestamp"] = stamp.timestamp
        obj["metadata"] = ordered_meta(new_meta)
        obj["status"] = {**(obj.get("status") or {}), "phase": "Terminating"}
        return Outcome(200, obj, [] if opts.dry_run else [Commit("MODIFIED", t.key(), obj)])
    if _is_namespace(t) and (obj.get("spec") or {}).get("finalizers"):
        return Outcome(200, copy.deepcopy(current))  # a later one: as stored until its spec's finalizers are gone
    # (a namespace being deleted whose spec has no finalizers left is deleted by the store, as any object)
    if t.kind == crdtypes.KIND and t.group == crdtypes.GROUP:
        # the definition's strategy: its finalizer removes the custom resources first (the emulator does that
        # and then deletes the definition: proxy/engines/emulate/customresources.py)
        if meta.get("deletionTimestamp"):
            return unchanged
        new_meta["deletionTimestamp"] = stamp.timestamp
        new_meta["finalizers"] = [*finalizers, crds.CLEANUP_FINALIZER]
        obj = crds.terminating({**obj, "metadata": ordered_meta(new_meta)}, stamp.timestamp, in_progress=False)
        return Outcome(200, obj, [] if opts.dry_run else [Commit("MODIFIED", t.key(), obj)])
    pending = int(meta.get("deletionGracePeriodSeconds") or 0) if meta.get("deletionTimestamp") else None
    if _graceful(t) and pending != 0:
        # rest.BeforeDelete: the first deletion stamps the pod strategy's grace period on the object, then
        # it waits for its kubelet, or goes at once; a later one may only shorten it, and only by asking
        # for a shorter gracePeriodSeconds (the strategy is not asked again)
        if pending is None:
            grace = _pod_grace(current, opts)
            if new_meta.get("generation"):
                new_meta["generation"] = int(new_meta["generation"]) + 1
            new_meta["deletionTimestamp"] = stamp.after(grace)
        else:
            if opts.grace_period is None:
                return unchanged
            grace = 1 if opts.grace_period < 0 else opts.grace_period
            if grace >= pending:
                return unchanged
            now = stamp.wall if stamp.wall.tzinfo else stamp.wall.replace(tzinfo=dt.UTC)
            due = _parsed_time(meta["deletionTimestamp"]) + dt.timedelta(seconds=grace - pending)
            if due < now.replace(microsecond=0):  # never in the past: now, and at most 1 s of grace
                due, grace = now, min(grace, 1)
            new_meta["deletionTimestamp"] = due.strftime(TIMESTAMP)
        new_meta["deletionGracePeriodSeconds"] = grace
        obj["metadata"] = ordered_meta(new_meta)
        # the store writes the deletion's metadata first, then, with no grace left and no finalizer, deletes:
        # a watch sees the pod MODIFIED, then DELETED (one object: the answer holds the deletion's version)
        gone = grace == 0 and not finalizers
        commits = [Commit("MODIFIED", t.key(), obj), *([Commit("DELETED", t.key(), obj)] if gone else [])]
        return Outcome(200, obj, [] if opts.dry_run else commits)
    if finalizers:
        if meta.get("deletionTimestamp"):  # already being deleted: only the policy's finalizers may change
            if finalizers == before:
                return unchanged
            obj["metadata"] = ordered_meta(new_meta)
            return Outcome(200, obj, [] if opts.dry_run else [Commit("MODIFIED", t.key(), obj)])
        new_meta["deletionTimestamp"] = stamp.timestamp
        new_meta["deletionGracePeriodSeconds"] = 0
        if new_meta.get("generation"):  # marking an object for deletion is a new generation of it
            new_meta["generation"] = int(new_meta["generation"]) + 1
        obj["metadata"] = ordered_meta(new_meta)
        # 200 even so: the apiserver answers 202 only to a DeleteOptions with orphanDependents: false
        return Outcome(200, obj, [] if opts.dry_run else [Commit("MODIFIED", t.key(), obj)])
    if opts.dry_run and before and t.custom is None:
        # the finalizers it had are gone with the policy, so the store's update said "delete now" before filling
        # in its answer, and a dry run returns that answer as it is: the kind's empty object (Store.Delete)
        return Outcome(200, encoded({"apiVersion": t.api_version, "kind": t.kind}, t.kind, t.api_version))
    if t.builtin and t.kind in RETURNS_DELETED:  # the store's ReturnDeletedObject: the object, not a Status
        obj["metadata"] = ordered_meta(new_meta)
        return Outcome(200, obj, [] if opts.dry_run else [Commit("DELETED", t.key(), obj)])
    details = {"name": t.name, "group": t.group, "kind": t.resource, "uid": meta.get("uid", "")}
    body: dict[str, Any] = {
        "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success",
        "details": {k: v for k, v in details.items() if v}}  # omitempty: a core kind has no group
    return Outcome(200, body, [] if opts.dry_run else [Commit("DELETED", t.key(), obj)])


def _unmanaged(obj: dict[str, Any]) -> dict[str, Any]:
    """An object without what a write's answer and the store set after comparing: its managedFields and
    resourceVersion."""
    return {**obj, "metadata": {k: v for k, v in _meta(obj).items() if k not in ("managedFields", "resourceVersion")}}


def _is_namespace(t: Target) -> bool:
    return t.kind == "Namespace" and not t.group


def _parsed_time(value: str) -> dt.datetime:
    try:
        return dt.datetime.strptime(value, TIMESTAMP).replace(tzinfo=dt.UTC)
    except ValueError:
        return dt.datetime.fromtimestamp(0, dt.UTC)


def _graceful(t: Target) -> bool:
    """Kinds whose strategy deletes gracefully (RESTGracefulDeleteStrategy): pods."""
    return t.kind == "Pod" and not t.group


def _pod_grace(current: dict[str, Any], opts: Options) -> int:
    """The pod strategy's grace period (CheckGracefulDelete): the request's, else the pod's own (30 s as
    defaulting sets it), and none for a pod no node runs or one that has finished."""
    spec, st = current.get("spec") or {}, current.get("status") or {}
    if opts.grace_period is not None:
        grace = opts.grace_period
    else:
        default = spec.get("terminationGracePeriodSeconds")
        grace = int(default) if isinstance(default, int) else 30
    if not spec.get("nodeName") or st.get("phase") in ("Succeeded", "Failed"):
        grace = 0
    return 1 if grace < 0 else grace


def delete_collection(t: Target, items: list[tuple[dict[str, Any], dict[str, Any] | None]], stamp: Stamp,
                      opts: Options, listed: dict[str, Any]) -> Outcome:
    """DELETE of a collection: `items` are what its list found, each as listed and as it is now (None: gone
    since, passed by as the NotFound the apiserver ignores), deleted one by one in list order up to the first
    refusal (a precondition not met), which is the answer: the apiserver's one DeleteCollection worker
    stops there, the objects before it deleted, the rest left (registry Store.DeleteCollection). Otherwise
    the answer is the list as listed (`listed`: its metadata, a page's continue token included)."""
    warnings = _propagation_warnings(t, opts)
    commits: list[Commit] = []
    out_items: list[dict[str, Any]] = []
    for was, obj in items:
        if obj is not None:
            name = str(obj.get("metadata", {}).get("name", ""))
            one = _delete(Target(t.group, t.version, t.resource, t.kind, t.namespaced,
                                 str(obj.get("metadata", {}).get("namespace") or t.namespace), name),
                          obj, stamp, opts)
            if one.code >= 400:
                return Outcome(one.code, one.body, commits, warnings=warnings)
            commits.extend(one.commits)
        # a built-in kind's list items have no kind and apiVersion; a custom resource's (unstructured) do
        out_items.append(was if t.custom is not None else {k: v for k, v in was.items()
                                                            if k not in ("kind", "apiVersion")})
    return Outcome(200, {"kind": f"{t.kind}List", "apiVersion": t.api_version, "metadata": listed,
                         "items": out_items}, commits, warnings=warnings)


def generated_suffix(n: int) -> str:
    """Five characters of NAME_ALPHABET from a number (the store's count of generated names)."""
    out = []
    for _ in range(5):
        n, r = divmod(n, len(NAME_ALPHABET))
        out.append(NAME_ALPHABET[r])
    return "".join(out)

