"""metadata.managedFields as a kube-apiserver's field manager writes them (k8s.io/apimachinery's
managedfields/internal over structured-merge-diff's Updater), for the objects emulate writes.

An entry is one manager: its name, the operation (`Update` for a create, an update or a patch; `Apply` for a
server-side apply), the API version it wrote (kept out of an applier's identity), the subresource it wrote
through, when it last changed something, and its fields (fieldsets.py). What the chain of managers does:
- the entries come from the request's object when it carries valid ones (a client may set them; one empty
  entry, or an empty list as sent, resets them), else from the stored object; a write to a subresource
  always takes the stored ones;
- an update of an existing object that has none is not tracked (skipNonApplied), and an apply to one first
  gives everything it holds to `before-first-apply`;
- the writer (under `current-operation`) gets what it added and changed; every other manager loses what it
  changed (an update forces) and what went away; the writer's entry is the union with its earlier one, and
  its time is now;
- an applier's fields are those its configuration sets (ToFieldSet);
- the strategy's reset fields (status through the main resource, spec through /status...) are nobody's, nor
  are apiVersion, kind and the identifying metadata (stripMeta);
- more than ten Update entries: the oldest merged into `ancient-changes`, one per API version;
- entries sorted by operation, time (seconds), manager, API version, subresource.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..wire.conversion import TEMPLATE_GENERATION
from . import autoscalingv1, encode, eventapi, lastapplied
from .defaults import NOT_READY_TAINT, TOPOLOGY_LABELS
from .fieldsets import FieldSet, compare, fields_v1, from_fields_v1, recursive_difference, root, to_field_set
from .goorder import encoded, ordered_meta
from .govalues import copied

Entry = dict[str, Any]
_STRIPPED: FieldSet = frozenset({("f:apiVersion",), ("f:kind",), ("f:metadata",), *(("f:metadata", f"f:{f}") for f in (
    "name", "namespace", "creationTimestamp", "selfLink", "uid", "clusterName", "generation", "managedFields",
    "resourceVersion"))})
_MAX_UPDATERS = 10  # DefaultMaxUpdateManagers
_CURRENT = "current-operation"


Who = tuple[str, str, str, str]  # (name, operation, apiVersion ("" for an applier), subresource)
Managers = dict[Who, FieldSet]


_MAX_MANAGER = 128  # validation.FieldManagerMaxLength


def manager_name(field_manager: str, user_agent: str) -> str:
    """An updater's name: its fieldManager, else its User-Agent up to the first "/" (printable characters,
    at most 128 bytes), else "unknown" (handlers/create.go prefixFromUserAgent, BuildManagerIdentifier)."""
    if field_manager:
        return field_manager
    out = ""
    for ch in user_agent.split("/")[0]:
        if not ch.isprintable():
            continue
        if len((out + ch).encode()) > _MAX_MANAGER:
            break
        out += ch
    return out or "unknown"


def who_is(name: str, operation: str, version: str, subresource: str = "") -> Who:
    """A manager's identity (BuildManagerIdentifier): an applier's leaves its API version out."""
    return (name, operation, version if operation == "Update" else "", subresource)


class _Managed:
    """Managers by identity -> fields, the API version each wrote, and when it last changed something."""

    def __init__(self) -> None:
        self.fields: dict[Who, FieldSet] = {}
        self.versions: dict[Who, str] = {}
        self.times: dict[Who, str] = {}

    def set(self, who: Who, fields: FieldSet, version: str) -> None:
        self.fields[who] = fields
        self.versions[who] = version


def _decoded(entries: Any) -> _Managed | None:
    """The entries as managers, None where any is not one the field manager reads."""
    out = _Managed()
    if not isinstance(entries, list):
        return out
    for e in entries:
        if not isinstance(e, dict) or e.get("operation") not in ("Apply", "Update") or not e.get("apiVersion") \
                or e.get("fieldsType") != "FieldsV1":
            return None
        who = who_is(str(e.get("manager") or ""), str(e["operation"]), str(e["apiVersion"]),
                   str(e.get("subresource") or ""))
        try:
            out.set(who, from_fields_v1(e.get("fieldsV1") or {}), str(e["apiVersion"]))
        except ValueError:
            return None
        if e.get("time"):
            out.times[who] = str(e["time"])
    return out


def _reset(entries: Any) -> bool:
    """One empty entry, or none in a list sent empty: a client's way of clearing managedFields
    (isResetManagedFields)."""
    return isinstance(entries, list) and (entries == [] or entries == [{}])


def reset_fields(kind: str, subresource: str, has_status: bool, custom: bool = False) -> FieldSet:
    """What the strategy resets, so that no manager owns it through this subresource (GetResetFields). A pod's
    resize (or ephemeralcontainers) resets everything but its resources (or ephemeral containers), yet its
    manager owns all it sent (what its filter includes); a custom resource's status resets its spec and all its
    metadata (apiextensions' statusStrategy), a built-in's its spec and what its strategy names."""
    if subresource in ("resize", "ephemeralcontainers"):
        return frozenset()
    if (custom or kind == "PodCertificateRequest") and subresource == "status":
        return frozenset({("f:metadata",), ("f:spec",)})
    if kind == "CertificateSigningRequest":  # the spec is the requestor's; the status parts the subresources'
        part = {"status": ("f:status", "f:conditions"), "approval": ("f:status", "f:certificate")}
        return frozenset({("f:spec",), part.get(subresource, ("f:status",))})
    if subresource == "status":
        extra = {"Deployment": (("f:metadata", "f:labels"),),
                 "Pod": (("f:metadata", "f:deletionTimestamp"), ("f:metadata", "f:ownerReferences"))}
        return frozenset({("f:spec",), *extra.get(kind, ())})
    if subresource == "finalize" or has_status:
        return frozenset({("f:status",)})
    return frozenset()


# What mutating admission, the strategy or the REST storage sets on a create after the field manager has
# compared, so that nobody owns it unless the request set it: the pod's Priority and DefaultTolerationSeconds
# plugins' and its strategy's (pod-level resources' cpu and memory; not a huge page size), a Service's
# allocated addresses and ports, a Job's generated selector and labels, a namespace's `kubernetes` finalizer;
# and items admission adds to a list (StorageObjectInUseProtection's finalizer).
_JOB_LABELS = ("batch.kubernetes.io/controller-uid", "batch.kubernetes.io/job-name", "controller-uid", "job-name")
_ADMITTED: dict[str, tuple[tuple[str, ...], ...]] = {
    "Pod": (("spec", "tolerations"), ("spec", "priority"), ("spec", "preemptionPolicy"),
            *(("metadata", "labels", k) for k in TOPOLOGY_LABELS),
            # the strategy's PrepareForCreate: pod-level resources completed, AppArmor annotations read into fields
            *(("spec", "resources", which, r) for which in ("requests", "limits") for r in ("cpu", "memory")),
            *(("spec", field, "*", "securityContext", "appArmorProfile") for field in ("initContainers",
                                                                                       "containers"))),
    "Service": (("spec", "clusterIP"), ("spec", "clusterIPs"), ("spec", "ipFamilies"), ("spec", "ipFamilyPolicy"),
                ("spec", "ports", "*", "nodePort"), ("spec", "healthCheckNodePort")),
    "Namespace": (("spec", "finalizers"),),
    "Job": (("spec", "selector"), *(("spec", "template", "metadata", "labels", k) for k in _JOB_LABELS),
            *(("metadata", "labels", k) for k in _JOB_LABELS)),
}


_ADMITTED_ITEMS: dict[str, tuple[tuple[tuple[str, ...], Any], ...]] = {
    "PersistentVolumeClaim": ((("metadata", "finalizers"), "kubernetes.io/pvc-protection"),),
    "PersistentVolume": ((("metadata", "finalizers"), "kubernetes.io/pv-protection"),),
    "VolumeAttributesClass": ((("metadata", "finalizers"), "kubernetes.io/vac-protection"),),
    "Node": ((("spec", "taints"), NOT_READY_TAINT),),
}


def as_compared(kind: str, written: dict[str, Any], sent: Any, creating: bool) -> dict[str, Any]:
    """The object as the field manager saw it: on a create, without what admission added that `sent` (the
    request's object) did not have; a DaemonSet through its internal type, whose template generation (the
    strategy's, later) is written back to its annotation as the request had it, else as 0; and a v1 autoscaler
    through its internal type (the CPU target its conversion defaults, the annotations it writes)."""
    if autoscalingv1.through_v1(written):
        internal = autoscalingv1.as_v2(written)
        if creating and isinstance(sent, dict):  # (with the status the request's annotations carried: a create's
            internal["status"] = autoscalingv1.as_v2(sent)["status"]  # is reset after the field manager)
        written = autoscalingv1.as_v1(internal)
    out: dict[str, Any] = copied(written)  # (keeping the empty lists and maps sent: govalues.Held)
    if kind == "DaemonSet" and str(out.get("apiVersion")) == "apps/v1":
        meta = out.setdefault("metadata", {})
        given = _at(sent if creating else written, ("metadata", "annotations", TEMPLATE_GENERATION))
        meta["annotations"] = {**(meta.get("annotations") or {}), TEMPLATE_GENERATION: given or "0"}
    for path, item in _ADMITTED_ITEMS.get(kind, ()) if creating else ():
        items, given = _at(out, path), _at(sent, path)
        if isinstance(items, list) and item in items and not (isinstance(given, list) and item in given):
            items.remove(item)
            parent = _at(out, path[:-1])
            if not items and given is None and isinstance(parent, dict):
                parent.pop(path[-1], None)
    decoded = _without_empty(sent)  # (an empty list or map the request sent: omitempty, gone when decoded)
    for path in _ADMITTED.get(kind, ()) if creating else ():
        for concrete in _expanded(out, path):
            # the field, and the maps that held only it where the request had none
            while len(concrete) > 1 and _at(decoded, concrete) is None and isinstance(_at(out, concrete[:-1]), dict):
                parent = _at(out, concrete[:-1])
                parent.pop(concrete[-1], None)
                if parent:
                    break
                concrete = concrete[:-1]
    return out


def _without_empty(value: Any) -> Any:
    if isinstance(value, dict):
        kept = {k: _without_empty(v) for k, v in value.items()}
        return {k: v for k, v in kept.items() if v not in ({}, [])}
    return value


def _expanded(obj: Any, path: tuple[str, ...]) -> list[tuple[str | int, ...]]:
    """The paths `path` names in `obj`, each "*" an index of the list there."""
    if "*" not in path:
        return [path]
    at = path.index("*")
    items = _at(obj, path[:at])
    return [(*path[:at], i, *path[at + 1:]) for i in range(len(items) if isinstance(items, list) else 0)]


def _at(obj: Any, path: tuple[str | int, ...]) -> Any:
    for k in path:
        if isinstance(k, int):
            obj = obj[k] if isinstance(obj, list) and k < len(obj) else None
        else:
            obj = obj.get(k) if isinstance(obj, dict) else None
    return obj


def _without_meta(obj: Any) -> Any:
    if not isinstance(obj, dict) or not isinstance(obj.get("metadata"), dict):
        return obj
    return {**obj, "metadata": {k: v for k, v in obj["metadata"].items() if k != "managedFields"}}


# a kind served in several versions of one stored object: how an object looks in each
_IN_VERSION: dict[tuple[str, str], Callable[[Entry], Entry]] = {
    (autoscalingv1.V1, autoscalingv1.KIND): autoscalingv1.as_v1,
    (autoscalingv1.V2, autoscalingv1.KIND): autoscalingv1.as_v2,
    ("v1", "Event"): eventapi.as_core, (eventapi.EVENTS_API, "Event"): eventapi.as_events}


def convertible(version: str, to: str) -> bool:
    """Whether the field manager can convert an object written in API `version` to `to`: within one group (an
    Event through core v1 and through events.k8s.io/v1 are one stored object the converter cannot carry across,
    so each API's writes drop the other's managers)."""
    return version.rpartition("/")[0] == to.rpartition("/")[0]


def in_version(obj: Entry, version: str) -> Entry:
    """`obj` as `version` of its kind shows it (itself where that is its own version, or no other is served)."""
    view = _IN_VERSION.get((version, str(obj.get("kind", "")))) if obj.get("apiVersion") != version else None
    return view(obj) if view is not None else obj


class Differences:
    """What a write added, modified and removed, less what the strategy resets, compared in each API version a
    manager wrote: the field manager converts the object before and after to a manager's own version to find
    what of that manager's it changed (Updater.update)."""

    def __init__(self, old: Entry, new: Entry, node: Any, reset: FieldSet, version: str = "") -> None:
        self.old, self.new, self.node, self.reset = old, new, node, reset
        self.version = version or str(new.get("apiVersion", ""))
        self._by: dict[str, tuple[FieldSet, FieldSet, FieldSet]] = {}

    def __call__(self, version: str = "") -> tuple[FieldSet, FieldSet, FieldSet]:
        v = version or self.version
        if v not in self._by:
            same = v == self.version
            old, new = (self.old, self.new) if same else (in_version(self.old, v), in_version(self.new, v))
            node = self.node if same else root(v, str(self.new.get("kind", ""))) or self.node
            found = compare(_without_meta(old), _without_meta(new), node)
            self._by[v] = (recursive_difference(found[0], self.reset), recursive_difference(found[1], self.reset),
                           recursive_difference(found[2], self.reset))
        return self._by[v]


def _update(m: _Managed, old: Any, new: Any, node: Any, me: Who, version: str, reset: FieldSet,
            mine: FieldSet | None = None) -> None:
    """Updater.update: the others lose what `me` changed and what went away (each in the version it wrote);
    `me` gets `mine` (an applier's set) or what it added and changed."""
    differences = Differences(old, new, node, reset, version)
    added, modified, removed = differences()
    for who in list(m.fields):
        if who != me:
            theirs = m.versions.get(who) or who[2] or version
            if not convertible(theirs, version):  # (the converter's missing version: Updater.update drops them)
                del m.fields[who]
                continue
            theirs_added, theirs_modified, theirs_removed = differences(theirs)
            m.fields[who] = m.fields[who] - (theirs_modified | theirs_added) - theirs_removed
    if mine is None:
        mine = recursive_difference((m.fields.get(me, frozenset()) - removed) | modified | added, reset)
    m.set(me, mine, version)
    for who in [w for w, f in m.fields.items() if not f]:
        del m.fields[who]


def _strip(m: _Managed, who: Who) -> None:
    if who in m.fields:
        m.fields[who] = m.fields[who] - _STRIPPED
        if not m.fields[who]:
            del m.fields[who]


def _cap(m: _Managed) -> None:
    """capManagersManager: the oldest Update entries beyond ten, merged per API version."""
    updaters = sorted((w for w in m.fields if w[1] == "Update"), key=lambda w: (m.times.get(w) or "", identifier(w)))
    first: dict[str, Who] = {}
    length = len(updaters)
    for who in updaters:
        if length <= _MAX_UPDATERS:
            break
        bucket = who_is("ancient-changes", "Update", who[2])
        if who[2] not in first:
            first[who[2]] = who
            continue
        if bucket not in m.fields:
            m.set(bucket, m.fields.pop(first[who[2]]), m.versions[first[who[2]]])
        m.set(bucket, m.fields[bucket] | m.fields.pop(who), m.versions[who])
        if who in m.times:
            m.times[bucket] = m.times[who]
        length -= 1


def identifier(who: Who) -> str:
    entry = {"manager": who[0], "operation": who[1], "apiVersion": who[2], "subresource": who[3]}
    return json.dumps({k: v for k, v in entry.items() if v}, separators=(",", ":"))


def _encoded(m: _Managed) -> list[Entry] | None:
    entries = []
    for who, fields in m.fields.items():
        e: Entry = {"manager": who[0], "operation": who[1], "apiVersion": m.versions.get(who, who[2])}
        if who in m.times:
            e["time"] = m.times[who]
        e |= {"fieldsType": "FieldsV1", "fieldsV1": fields_v1(fields)}
        if who[3]:
            e["subresource"] = who[3]
        entries.append(e)
    entries.sort(key=lambda e: (e["operation"], e.get("time") or "", e["manager"], e["apiVersion"],
                                e.get("subresource", "")))
    return entries or None


def _type(obj: dict[str, Any], node: Any) -> Any:
    return node or root(str(obj.get("apiVersion", "")), str(obj.get("kind", ""))) or "~"


def _entries(obj: Any) -> Any:
    meta = obj.get("metadata") if isinstance(obj, dict) else None
    return meta.get("managedFields") if isinstance(meta, dict) else None


def after_update(old: dict[str, Any] | None, sent: dict[str, Any], empty: dict[str, Any], manager: str,
                 subresource: str, has_status: bool, now: str, node: Any = None) -> list[Entry] | None:
    """The entries after a create (`old` None; `empty`: the type's empty object, which the field manager
    compares with), an update or a patch by `manager`, `sent` the object as the field manager saw it (`node`:
    its type, where it is not a built-in's)."""
    given = _entries(sent)
    m = _Managed() if _reset(given) and not subresource else _decoded(given) if not subresource and given else None
    if m is None or not (m.fields or _reset(given)):
        m = _decoded(_entries(old)) or _Managed()
    if old is not None and not m.fields:
        return None  # an object nobody tracks stays untracked
    version = str(sent.get("apiVersion", ""))
    me, current = who_is(manager or "unknown", "Update", version, subresource), who_is(_CURRENT, "Update", version)
    _update(m, old if old is not None else empty, sent, _type(sent, node), current, version,
            reset_fields(str(sent.get("kind", "")), subresource, has_status, node is not None))
    _strip(m, current)
    if current in m.fields:
        m.set(me, m.fields.pop(current) | m.fields.get(me, frozenset()), version)
        m.times[me] = now
    _cap(m)
    return _encoded(m)


def empty_object(kind: str, api_version: str, builtin: bool = True) -> dict[str, Any]:
    """The object the field manager compares a create with: the kind's zero object, as Go's types hold it
    (a definition's and an APIService's spec and status are there, not pointers); a custom resource's is
    empty."""
    base = {"kind": kind, "apiVersion": api_version}
    if not builtin:
        return base
    zero = encode.zero_elsewhere(kind, api_version)
    return {**base, "metadata": {}, **zero} if zero is not None else encoded(base, kind, api_version)


APISERVER = "kube-apiserver"  # the manager of what the apiserver's own controllers write: its binary's name


def controller_update(old: dict[str, Any], new: dict[str, Any], subresource: str, now: str) -> dict[str, Any]:
    """`new` with the managedFields an update by one of the apiserver's own controllers leaves (`subresource`:
    "status" for a status writer's), as a client's update would."""
    entries = after_update(old, new, empty_object(str(new.get("kind", "")), str(new.get("apiVersion", ""))),
                           APISERVER, subresource, True, now)
    return _with_entries(new, entries)


def controller_apply(old: dict[str, Any], applied: dict[str, Any], new: dict[str, Any], manager: str,
                     subresource: str, now: str) -> dict[str, Any]:
    """`new` with the managedFields a server-side apply of `applied` by one of the apiserver's own controllers
    (as `manager`) leaves."""
    entries = after_apply(old, applied, new, empty_object(str(new.get("kind", "")), str(new.get("apiVersion", ""))),
                          manager, True, now, subresource=subresource)
    return _with_entries(new, entries)


def _with_entries(obj: dict[str, Any], entries: list[Entry] | None) -> dict[str, Any]:
    """`obj` with `entries` for its managedFields (none: none), for the store to give its resourceVersion."""
    meta = {k: v for k, v in (obj.get("metadata") or {}).items() if k not in ("managedFields", "resourceVersion")}
    return {**obj, "metadata": ordered_meta({**meta, **({"managedFields": entries} if entries else {})})}


def _before_apply(old: dict[str, Any] | None, empty: dict[str, Any], node: Any, reset: FieldSet,
                  subresource: str, now: str = "") -> _Managed:
    """The managers an apply (through `subresource`, at `now`) meets: the object's, or, where nobody manages it
    yet, `before-first-apply` owning all it holds, as of that subresource, since now (skipNonAppliedManager.Apply,
    an update whose manager took fields)."""
    m = _decoded(_entries(old)) or _Managed()
    if old is not None and not m.fields:
        version = str(old.get("apiVersion", ""))
        first = who_is("before-first-apply", "Update", version, subresource)
        _update(m, empty, old, node, first, version, reset)
        _strip(m, first)
        if first in m.fields and now:
            m.times[first] = now
    return m


@dataclass(frozen=True)
class Ownership:
    """What an apply needs of the field manager: the object's type (None: a built-in's, from the release),
    whether a status subresource resets its status, and who manages which of its fields now."""

    node: Any
    has_status: bool
    managers: Managers
    versions: dict[Who, str] | None = None  # the API version each manager wrote


def ownership(old: dict[str, Any] | None, empty: dict[str, Any], has_status: bool, node: Any = None,
              subresource: str = "") -> Ownership:
    """The managers of `old` as an apply to it (through `subresource`) meets them (none: it creates it)."""
    if old is None:
        return Ownership(node, has_status, {})
    reset = reset_fields(str(old.get("kind", "")), subresource, has_status, node is not None)
    m = _before_apply(old, empty, _type(old, node), reset, subresource)
    return Ownership(node, has_status, dict(m.fields), dict(m.versions))


def after_apply(old: dict[str, Any] | None, applied: dict[str, Any], new: dict[str, Any], empty: dict[str, Any],
                manager: str, has_status: bool, now: str, node: Any = None,
                subresource: str = "", merged: dict[str, Any] | None = None) -> list[Entry] | None:
    """The entries after a server-side apply of `applied` by `manager` (through `subresource`) made `new` of
    `old` (None: it created the object); `merged`: the pruned merge as the field manager holds it, which the
    others' fields are compared with (Updater.Apply runs before the decoder and its defaults)."""
    if manager == lastapplied.MANAGER:
        new = lastapplied.as_merged(new, old, applied)
    version = str(new.get("apiVersion", ""))
    reset = reset_fields(str(new.get("kind", "")), subresource, has_status, node is not None)
    node = _type(new, node)
    m = _before_apply(old, empty, node, reset, subresource, now)
    me = who_is(manager, "Apply", version, subresource)
    _update(m, old if old is not None else empty, merged if merged is not None else new, node, me, version, reset,
            recursive_difference(to_field_set(applied, node), reset))
    _strip(m, me)
    if _without_meta(old) != _without_meta(new) or (merged is not None and old is not None and _changes(old, merged)):
        m.times[me] = now  # (the merge changed the object, before the decoder dropped what it added: an empty list)
    return _encoded(m)


def _changes(old: Any, merged: Any) -> bool:
    """Whether the merge adds to the object, changes it or prunes from it (an empty list or map it adds counts,
    and so does a field it prunes that defaulting puts back: Updater.Apply compares before the defaults)."""
    if isinstance(merged, dict):
        return not isinstance(old, dict) or any(k not in old or _changes(old[k], v) for k, v in merged.items()
                                                if k != "managedFields") \
            or any(k not in merged for k in old if k != "managedFields")
    return bool(merged != old)


def _as_scale(parent: _Managed, field: tuple[str, ...]) -> _Managed:
    """ScaleHandler.ToSubresource: the managers of the replicas (at `field`) as a Scale's managers of its
    spec.replicas, of autoscaling/v1, each with its time."""
    scale = _Managed()
    for who, fields in parent.fields.items():
        if field in fields:
            scaled = who_is(who[0], who[1], "autoscaling/v1", who[3])
            scale.set(scaled, frozenset({("f:spec", "f:replicas")}), "autoscaling/v1")
            if who in parent.times:
                scale.times[scaled] = parent.times[who]
    return scale


def scale_entries(obj: dict[str, Any], replicas: tuple[str, ...]) -> list[Entry] | None:
    """The managedFields of the Scale a patch through /scale applies to (the object's replicas at `replicas`)."""
    return _encoded(_as_scale(_decoded(_entries(obj)) or _Managed(), tuple(f"f:{k}" for k in replicas)))


def after_scale(old: dict[str, Any], new: dict[str, Any], manager: str, replicas: tuple[str, ...],
                applied: dict[str, Any] | None = None) -> list[Entry] | None:
    """The entries after a write through /scale (the ScaleHandler): only the managers of the replicas field
    (at `replicas`) take part, as a Scale's managers of its spec.replicas, where an updater's identity names
    autoscaling/v1; with none the write is not tracked. Back on the object, a manager of the replicas that is
    not there under its own identity loses them, and those the Scale has (the writer, under subresource
    `scale`, or an updater that kept them, under its Scale identity) hold them, with no time (FromSubresource keeps
    the object's times only). An apply through /scale (`applied`: its configuration) is tracked whoever held the
    replicas."""
    parent = _decoded(_entries(old)) or _Managed()
    field, scale_version = tuple(f"f:{k}" for k in replicas), "autoscaling/v1"
    scale = _as_scale(parent, field)

    def of(obj: dict[str, Any]) -> dict[str, Any]:
        value: Any = obj
        for k in replicas:
            value = value.get(k) if isinstance(value, dict) else None
        return {"spec": {"replicas": value}} if value else {"spec": {}}
    node = root(scale_version, "Scale")
    if applied is not None:  # an apply through /scale: its Scale configuration's fields
        me = who_is(manager, "Apply", scale_version, "scale")
        _update(scale, of(old), of(new), node, me, scale_version, frozenset(), to_field_set(applied, node))
        _strip(scale, me)
    elif scale.fields:
        me, current = who_is(manager or "unknown", "Update", scale_version, "scale"), who_is(_CURRENT, "Update", "")
        _update(scale, of(old), of(new), node, current, scale_version, frozenset())
        if current in scale.fields:
            scale.set(me, scale.fields.pop(current) | scale.fields.get(me, frozenset()), scale_version)
    out = _Managed()
    for who, fields in parent.fields.items():
        kept = fields if field not in fields or who in scale.fields else fields - {field}
        if kept:
            out.set(who, kept, parent.versions[who])
            if who in parent.times:
                out.times[who] = parent.times[who]
    version = str(old.get("apiVersion", ""))
    for who, fields in scale.fields.items():
        if who not in parent.fields and ("f:spec", "f:replicas") in fields:
            out.set(who, frozenset({field}), version)
    return _encoded(out)
