"""Client writes in emulate: decode the request, let the apiserver model decide, commit, answer.

The semantics are the model's (apiserver/writes.py); this is the I/O around it: reading the body in the
content type the client sent, the stamp (the cluster's wall time, a uid and a generateName suffix drawn
from the seed, so a replay is reproducible), committing into the watch cache so every matching watch
sees the change, and the answer. `--read-only` refuses writes with a 405 that names the flag.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import hashlib
import uuid
from collections.abc import Callable
from typing import Any, Protocol

import yaml

from ...apiserver import (
    admission,
    apiservices,
    binding,
    bodies,
    defaults,
    eviction,
    fieldsets,
    gojson,
    gorepeats,
    limitranger,
    lists,
    managedfields,
    options,
    podadmission,
    rawjson,
    rbac,
    reviews,
    tokens,
    typedpatch,
    writes,
)
from ...apiserver.changes import Key
from ...apiserver.crds import CustomType
from ...apiserver.fielderrors import HandlerPanic
from ...apiserver.goorder import encoded, ordered_meta
from ...apiserver.history import ResourceTimeline, WatchCache
from ...clock import Clock
from ...wire import negotiation, protobuf
from ...wire.jsonenc import go_json
from ...wire.kinds import builtin_by_path
from ...wire.listopts import list_request, resource_version_error
from ...wire.params import InvalidParams, first_values, parse_bool, query_pairs
from ...wire.request import RequestInfo
from ..base import Incoming, Responder
from ..playback import JSON_HEADERS, send_status
from ..requestlog import LogEntry
from . import access, aggregator, apf, customresources, serviceallocation


class Store(Protocol):
    """What a write needs of the emulator (engine.py): its state, its clock and a place to commit."""

    clock: Clock
    cache: WatchCache
    seed: int
    read_only: bool

    def wall(self, virtual: float) -> dt.datetime: ...
    def namespace_phase(self, namespace: str) -> str: ...
    def commit(self, path: str, change: writes.Commit, now: float) -> int: ...
    def stored_short(self, path: str, key: Key, obj: dict[str, Any] | None) -> bool: ...
    def stored_as(self, path: str, key: Key) -> dict[str, Any] | None: ...
    def stored_raw(self, path: str, key: Key, obj: dict[str, Any] | None) -> rawjson.Raw: ...
    def stored_form(self, path: str, key: Key, obj: dict[str, Any] | None) -> dict[str, Any] | None: ...
    def timeline_of(self, collection_path: str) -> ResourceTimeline | None: ...
    def custom_type(self, collection_path: str) -> CustomType | None: ...
    def converted(self, req: Incoming, tl: ResourceTimeline, code: int, doc: dict[str, Any]
                  ) -> tuple[int, dict[str, Any]]: ...

WRITE_VERBS = frozenset({"create", "update", "patch", "delete", "deletecollection"})
# what a write may name after the object (a custom resource's handler serves only its status and scale)
SUBRESOURCES = frozenset({"", "status", "scale", "eviction", "finalize", "binding", "resize", "ephemeralcontainers",
                          "token", "approval"})


def target(info: RequestInfo, tl: ResourceTimeline, custom: CustomType | None = None) -> writes.Target:
    """A write's target. A built-in kind's scope is its own: the recording's evidence of it (a namespace in
    a path or an item) is missing when a session only listed an empty collection across namespaces."""
    known = builtin_by_path(info.group, info.version, info.resource)
    kind = tl.kind or (known.kind if known is not None else "")
    namespaced = known.namespaced if known is not None else tl.namespaced
    return writes.Target(info.group, info.version, info.resource, kind, namespaced, info.namespace,
                         info.name, info.subresource, custom)


def _options(req: Incoming, decoded: gojson.Decoded, written: tuple[bool, str, str] | None,
             pairs: list[tuple[str, str]]) -> writes.Options:
    """What a write asks: a create's, update's or patch's query options (`written`: options.write_options),
    a delete's DeleteOptions (its body's, or else its query's), an eviction's (in the Eviction); with the
    keys the body repeated. OptionsError where the apiserver refuses a delete's."""
    body = decoded.value
    if written is None:  # delete, deletecollection
        d = options.delete_options(body if req.body else None, pairs)
        dry, manager, validation, force = d.dry_run, "", "", False
    else:
        dry, manager, validation = written
        force = parse_bool(first_values(pairs).get("force", "false"))
        evicting = req.info.subresource == "eviction" and isinstance(body, dict)
        deleting = body.get("deleteOptions") if evicting else None  # an Eviction's DeleteOptions
        d = options.delete_options(deleting if isinstance(deleting, dict) else {}, [])
        dry = dry or d.dry_run
    return writes.Options(dry_run=dry, field_manager=manager, field_validation=validation, force=force,
                          grace_period=d.grace_period, propagation=d.propagation,
                          precondition_uid=d.precondition_uid, precondition_rv=d.precondition_rv,
                          duplicates=decoded.duplicates, members=decoded.members,
                          yaml_repeated=tuple(decoded.yaml_repeated))


def _decode(req: Incoming, content_type: str, t: writes.Target, exists: bool) -> gojson.Decoded:
    """The body as a document; bodies.BadBody in the apiserver's words for a create's, update's or patch's
    JSON it would not decode, ValueError for other bodies that are not documents."""
    verb = req.info.verb
    if verb == "patch":  # (its media type is one the patch handler takes: writes.unsupported_patch)
        if content_type == writes.APPLY_PATCH:
            return bodies.read_apply(req.body)  # (JSON is YAML too)
        # the handler checks that the patch is JSON before anything else; it is applied once the object is held
        return bodies.read_patch(req.body, content_type) if exists else bodies.valid_patch(req.body)
    version, kind = writes.body_type(t)  # (the kind a body is decoded as, and the version it is defaulted to)
    if content_type == protobuf.MEDIA_TYPE and verb in ("create", "update"):
        if t.custom is None:
            return bodies.read_protobuf(req.body, kind, version)
        if t.subresource != "scale":  # (the custom resource handler's serializer has no type to decode into)
            raise HandlerPanic("a custom resource's body in protobuf")
        try:
            return gojson.Decoded(protobuf.decode(req.body, version, kind))
        except ValueError:  # (transformDecodeError: the scale's type is none the handler's scheme knows)
            raise bodies.BadBody(writes.CUSTOM_SCALE_UNDECODABLE) from None
    if verb in ("create", "update"):
        try:
            got = bodies.read_object(req.body, kind, t.version, custom=t.custom is not None and kind == t.kind,
                                     media_type=content_type)
        except bodies.BadBody as exc:
            if exc.code == 400 and t.subresource == "scale" and t.custom is not None:
                raise bodies.BadBody(writes.CUSTOM_SCALE_UNDECODABLE) from None
            raise
        if (typed := writes.decoded_type(t, got.value)) is not None:  # (a repeated key decoded into the first)
            gorepeats.merge(got, *typed)
        return got
    if verb in ("delete", "deletecollection") and req.body:
        return gojson.Decoded(bodies.read_delete_options(req.body, content_type))
    return gojson.loads(req.body) if req.body else gojson.Decoded(None)


def _record_managers(t: writes.Target, verb: str, old: dict[str, Any] | None, outcome: writes.Outcome, name: str,
                     sent: Any, now: str) -> None:
    """The managedFields of what a create, update, patch or apply commits (even an object it deletes); a
    delete (an eviction too) moves no field, nor does a binding (written past the field manager). They are the
    object's owners for the next apply's conflicts (managedfields.ownership)."""
    if t.subresource in ("eviction", "binding"):
        return
    for c in outcome.commits:
        if (c.key == t.key() or verb == "create") and verb in ("create", "update", "patch"):
            _managed_fields(t, old, c, name, sent, outcome.applied, now, outcome.merged)


def _typing(t: writes.Target, obj: dict[str, Any]) -> tuple[dict[str, Any], bool, Any]:
    """What the field manager knows of the object's kind: its empty object, whether a status subresource
    resets its status, and its type where it is not a built-in's (a custom resource's schema)."""
    kind, api_version = str(obj.get("kind", "")), str(obj.get("apiVersion", ""))
    empty = managedfields.empty_object(kind, api_version, t.builtin)
    known = builtin_by_path(t.group, t.version, t.resource)
    has_status = t.custom.status if t.custom is not None else known is not None and any(
        sub == "status" for sub, _, _ in known.subresources)
    return empty, has_status, fieldsets.custom_root(t.custom.schema) if t.custom is not None else None


def _managed_fields(t: writes.Target, old: dict[str, Any] | None, c: writes.Commit, name: str, sent: Any,
                    outcome_of_apply: bool, now: str, merged: dict[str, Any] | None = None) -> None:
    """The committed object's managedFields after the write (`sent`: the request's object, or an apply's
    configuration; `merged`: an apply's merge before defaults, Outcome.merged)."""
    written = c.written or c.obj
    if old is None:  # (a create's object holds the empty lists and maps it sent, which validation saw; the field
        # manager types it through the unstructured converter, under omitempty: without them. An update's has none)
        written = encoded(written, str(written.get("kind", "")), str(written.get("apiVersion", "")))
    empty, has_status, node = _typing(t, written)
    if t.subresource == "scale" and old is not None:
        entries = managedfields.after_scale(old, written, name, writes.replicas_keys(t),
                                            sent if outcome_of_apply else None)
    elif outcome_of_apply:
        entries = managedfields.after_apply(old, sent, written, empty, name, has_status, now, node, t.subresource,
                                            merged)
    elif (node is not None and any(typedpatch.typing_error(o, node, decoded=True)
                                   for o in (old, sent, written) if isinstance(o, dict))) or (
            t.builtin and (typed := fieldsets.root(str(written.get("apiVersion", "")), str(written.get("kind", ""))))
            is not None and any(typedpatch.typing_error(o, typed, go_typed=True)
                                for o in (old, written) if isinstance(o, dict))):
        # (UpdateNoErrors: an object its type does not fit — a custom resource as sent, a built-in one with an item
        # without its list's key — keeps the live object's managedFields; a created one has none)
        entries = (old or {}).get("metadata", {}).get("managedFields")
    else:
        written = managedfields.as_compared(str(written.get("kind", "")), written, sent, old is None)
        entries = managedfields.after_update(old, written, empty, name, t.subresource, has_status, now, node)
    meta = {k: v for k, v in c.obj.get("metadata", {}).items() if k != "managedFields"}
    c.obj["metadata"] = ordered_meta({**meta, **({"managedFields": entries} if entries else {})})


def _managed_only(t: writes.Target, old: dict[str, Any], outcome: writes.Outcome, name: str, sent: Any,
                  now: str, dry_run: bool) -> None:
    """A write that changes nothing stored but who manages it (an update's fields, an applier's set) is still
    a new version of the object (the timestamps alone do not count: IgnoreManagedFieldsTimestampsTransformer);
    a dry run answers with those managedFields and the stored version."""
    rv = outcome.body["metadata"].get("resourceVersion")
    body = {**outcome.body, "metadata": {k: v for k, v in outcome.body["metadata"].items() if k != "resourceVersion"}}
    c = writes.Commit("MODIFIED", t.key(), body, outcome.unchanged)
    _managed_fields(t, old, c, name, sent, outcome.applied, now, outcome.merged)

    def timeless(o: dict[str, Any]) -> Any:
        entries = o.get("metadata", {}).get("managedFields") or []
        return [{k: v for k, v in e.items() if k != "time"} for e in entries]
    if timeless(c.obj) == timeless(old):  # (and the times a body sent are reverted: the answer is what is stored)
        kept = old.get("metadata", {}).get("managedFields")
        meta = {k: v for k, v in outcome.body["metadata"].items() if k != "managedFields"}
        outcome.body = {**outcome.body, "metadata": ordered_meta({**meta, **({"managedFields": kept} if kept else {})})}
        return
    if dry_run:
        outcome.body = {**c.obj, "metadata": ordered_meta({**c.obj["metadata"], "resourceVersion": rv})}
    else:
        outcome.body, outcome.commits = c.obj, [c]


def _admission(emu: Store, t: writes.Target, now: float) -> writes.Admit | None:
    """The mutating admission of a new pod that reads the cluster, in the chain's order: the namespace's
    LimitRanges' defaults, its priority, its runtime class, its node's topology labels; of a pod's resize, the
    LimitRanges' defaults alone (put back where the resize dropped them)."""
    if (t.group, t.resource, t.subresource) == ("", "pods", "resize"):
        def resized(pod: dict[str, Any], _name: str) -> writes.Outcome | None:
            if ranges := _limit_ranges(emu, t.namespace, now):
                limitranger.mutate(pod, ranges)
            return None
        return resized
    if (t.group, t.resource, t.subresource) != ("", "pods", ""):
        return None

    def admit(pod: dict[str, Any], name: str) -> writes.Outcome | None:
        if ranges := _limit_ranges(emu, t.namespace, now):
            limitranger.mutate(pod, ranges)
            defaults.qos_again(pod)  # (the strategy's PrepareForCreate, after admission, computes it)
        classes = _cluster_objects(emu, podadmission.PRIORITY_CLASSES, now)
        refused = podadmission.priority(t, pod, name, classes) or \
            podadmission.runtime_class(t, pod, name, _runtime_classes(emu, now))
        binding.admit_pod(pod, lambda node: access.stored(emu, binding.NODES, "", node, now))
        return refused
    return admit


def _limit_ranges(emu: Store, namespace: str, now: float) -> list[dict[str, Any]]:
    """The LimitRanges of a namespace now, by name."""
    if emu.timeline_of(limitranger.LIMIT_RANGES) is None:
        return []
    return [ch.obj for (ns, _), ch in sorted(emu.cache.state(limitranger.LIMIT_RANGES, now).items()) if ns == namespace]


def _limit_refusal(emu: Store, t: writes.Target, verb: str, old: dict[str, Any] | None, outcome: writes.Outcome,
                   now: float) -> writes.Outcome | None:
    """LimitRanger's validating half: a new pod or a pod's resize, or a claim created or updated (not one being
    deleted)."""
    if t.group or (t.resource, t.subresource, verb) not in (
            ("pods", "", "create"), ("pods", "resize", "update"), ("persistentvolumeclaims", "", "create"),
            ("persistentvolumeclaims", "", "update")):
        return None
    if (old or {}).get("metadata", {}).get("deletionTimestamp") or not (ranges := _limit_ranges(emu, t.namespace,
                                                                                                 now)):
        return None
    obj = outcome.validated()
    why = (limitranger.pod_refusal if t.resource == "pods" else limitranger.claim_refusal)(obj, ranges)
    return podadmission.forbidden(t, str(obj.get("metadata", {}).get("name", "")), why) if why else None


def _cluster_objects(emu: Store, path: str, now: float) -> list[dict[str, Any]] | None:
    """The objects of a cluster-scoped collection now; None where the replay holds none of them."""
    if emu.timeline_of(path) is None:
        return None
    return [ch.obj for _, ch in sorted(emu.cache.state(path, now).items())]


def _runtime_classes(emu: Store, now: float) -> podadmission.Lookup | None:
    if emu.timeline_of(podadmission.RUNTIME_CLASSES) is None:
        return None
    return lambda name: access.stored(emu, podadmission.RUNTIME_CLASSES, "", name, now)


def _signer_access(emu: Store, user: rbac.User, now: float) -> Callable[[str, str], bool]:
    """Whether `user` may do a verb for a signer (certauthorization.IsAuthorizedForSignerName): on the
    `signers` resource named after it, or after its domain's `/*`."""
    def may(verb: str, signer: str) -> bool:
        policy = access.policy(emu, now) if user != rbac.ADMIN else None
        return policy is None or any(rbac.authorize(rbac.Attributes(user, verb, True, "certificates.k8s.io", "signers",
                                                                    name=name), policy)[0]
                                     for name in (signer, signer.split("/")[0] + "/*"))
    return may


def _rbac_guard(emu: Store, user: rbac.User, t: writes.Target, now: float) -> writes.Guard | None:
    """The RBAC storage's escalation check of a role or binding, for a writer who is not the administrator."""
    if t.group != rbac.RBAC_GROUP or t.subresource or user == rbac.ADMIN:
        return None

    def refusal(new: dict[str, Any], old: dict[str, Any] | None) -> writes.Outcome | None:
        refused = rbac.write_refusal(user, t.resource, t.namespace, t.name, new, old, access.policy(emu, now))
        if refused is None:
            return None
        code, message, details = refused
        return writes.fail(code, message, {403: "Forbidden", 404: "NotFound"}.get(code, ""), details or None)
    return refusal


def _budgets(emu: Store, namespace: str, now: float) -> list[dict[str, Any]]:
    """The PodDisruptionBudgets of a namespace, for an eviction."""
    if emu.timeline_of(eviction.PDB_PATH) is None:
        return []
    return [ch.obj for (ns, _), ch in sorted(emu.cache.state(eviction.PDB_PATH, now).items()) if ns == namespace]


async def serve(emu: Store, req: Incoming, tl: ResourceTimeline, out: Responder, entry: LogEntry,
                info: RequestInfo | None = None, user: rbac.User = rbac.ADMIN) -> None:
    """Answer a write (`info`: what it writes, where not what its path says: a legacy Binding's pod) by `user`
    (access.authorized's)."""
    info = info or req.info
    entry.answered_by = f"emulated {tl.resource} {info.verb}"
    if emu.read_only and tl.kind not in reviews.KINDS and info.subresource != "token":  # (nor do these write)
        await send_status(out, 405, f"{req.method} is not allowed: this replay was started with --read-only "
                                    "(restart it without that flag to apply writes)", entry)
        entry.ended("refused", "read-only replay")
        return
    sent_type = req.header("Content-Type")  # (a patch's type as its handler reads it; a body's as it is decoded)
    content_type = negotiation.patch_type(sent_type) if info.verb == "patch" else \
        negotiation.body_media_type(sent_type) or f"unreadable {sent_type}"
    now = emu.clock.now()
    path = info.collection_path
    t = target(info, tl, emu.custom_type(path))
    state = emu.cache.state(path, now)
    current = state.get(t.key())
    obj = current.obj if current is not None else None
    if info.verb in ("update", "patch"):  # (what it is applied to and compared with; a delete answers the
        obj = emu.stored_form(path, t.key(), obj)  # object as read)

    def stored(name: str) -> dict[str, Any] | None:  # (another object of the collection written to)
        there = state.get(t.key(name))
        return there.obj if there is not None else None
    pairs = query_pairs(req.query)
    try:
        # a collection delete's ListOptions are read before its DeleteOptions, as a list's (but the
        # resourceVersion: its list's); a create's, update's or patch's options before its body
        listed = list_request(req.query, info.resource, info.group, storage=False) \
            if info.verb == "deletecollection" else None
        written = options.write_options(info.verb, pairs, content_type == writes.APPLY_PATCH) \
            if info.verb in ("create", "update", "patch") else None
        decoded = _decode(req, content_type, t, obj is not None)
        opts = dataclasses.replace(_options(req, decoded, written, pairs), requestor=user)
    except InvalidParams as exc:
        await send_status(out, exc.code, str(exc), entry, details=exc.details, reason=exc.reason)
        entry.ended("refused", "invalid list options")
        return
    except options.OptionsError as exc:
        await send_status(out, exc.code, str(exc), entry, details=exc.details)
        entry.ended("refused", "invalid options")
        return
    except bodies.BadBody as exc:
        await send_status(out, exc.code, str(exc), entry)
        entry.ended("refused", "undecodable body")
        return
    except (ValueError, yaml.YAMLError) as exc:
        code = 415 if isinstance(exc, protobuf.Unsupported) else 400
        await send_status(out, code, f"the body of the request could not be decoded: {exc}", entry)
        entry.ended("refused", "undecodable body")
        return
    body = decoded.value
    manager = managedfields.manager_name(opts.field_manager, req.header("User-Agent"))
    n = emu.cache.writes
    digest = hashlib.sha256(f"{emu.seed}|write|{n}|{req.method} {req.path}".encode()).digest()
    stamp = writes.Stamp(emu.wall(now), str(uuid.UUID(bytes=digest[:16], version=4)),
                         writes.generated_suffix(int.from_bytes(digest[16:24], "big")))

    def held(path: str, ns: str, name: str) -> dict[str, Any] | None:  # (an object a write looks up)
        return access.stored(emu, path, ns, name, now)
    allocators = serviceallocation.begin(emu, now, body, opts.dry_run) if path == apiservices.SERVICES \
        and t.builtin and not t.subresource else None  # (the status store has none)
    raw = rawjson.write(info.verb, content_type, req.body, body, emu.stored_raw(path, t.key(), obj))
    reviewed = t.builtin and t.kind in reviews.KINDS

    def created_managed(obj: dict[str, Any], seen: dict[str, Any], key: tuple[str, str]) -> None:
        """The managedFields of a create that stores nothing (a review, a token), put in its answer `obj`:
        what the field manager saw was `seen`."""
        _managed_fields(t, None, writes.Commit("ADDED", key, obj, seen), manager, body, False, stamp.timestamp)
    creating = writes.created_fields(t, opts, body) if t.subresource in writes.CREATED_FROM else \
        writes.review_fields(t, opts, body) if reviewed else (None, [])
    if creating[0] is not None:  # (decoded as the type it takes before anything is looked up)
        outcome = creating[0]
    elif reviewed:  # asked and answered, nothing stored
        if t.kind == "TokenReview":  # (who a token is: a token this replay made)
            outcome = tokens.review(t, body, lambda resource, ns, name: held(f"/api/v1/{resource}", ns, name),
                                    emu.seed, emu.wall(now).timestamp())
        else:
            def managed(asked: dict[str, Any]) -> Any:
                answer = copy.deepcopy(asked)
                created_managed(answer, asked, t.key(""))
                return answer["metadata"].get("managedFields")
            outcome = reviews.answer(t, body, stamp.timestamp, user, lambda: access.policy(emu, now), managed)
        if outcome.code == 201 and t.kind.endswith(("AccessReview", "TokenReview")):  # (its answer says who asked)
            asked = {k: v for k, v in outcome.body.items() if k != "status"}  # (what the field manager saw)
            created_managed(outcome.body, asked, t.key(""))
    elif t.subresource == "token":  # a create, of a token for the service account: nothing stored
        outcome = tokens.request(t, obj, body, stamp, lambda resource, name: held(
            f"/api/v1/{resource}", "" if resource == "nodes" else info.namespace, name), emu.seed)
        if outcome.code == 201:
            created_managed(outcome.body, tokens.as_managed(outcome.body, body), t.key())
    elif t.subresource == "binding":  # a create, of the pod's binding
        outcome = binding.bind(t, body, stamp, opts, stored, lambda name: held(binding.NODES, "", name))
    elif info.subresource == "eviction":  # a create, of the pod's eviction
        outcome = eviction.evict(t, obj, body, stamp, opts, _budgets(emu, info.namespace, now),
                                 lambda c: emu.commit(eviction.PDB_PATH, c, now))
    elif info.verb == "create":
        outcome = writes.create(t, body, stamp, opts, exists=stored,
                                namespace_phase=emu.namespace_phase(info.namespace), admit=_admission(emu, t, now),
                                guard=_rbac_guard(emu, user, t, now), begin=allocators, raw=raw)
    elif info.verb == "update":
        outcome = writes.update(t, obj, body, opts, stamp, emu.namespace_phase(info.namespace),
                                _rbac_guard(emu, user, t, now), emu.stored_short(path, t.key(), obj), allocators,
                                raw, emu.stored_as(path, t.key()), _admission(emu, t, now))
    elif info.verb == "patch":
        outcome = writes.patch(t, obj, content_type, body, stamp, opts,
                               namespace_phase=emu.namespace_phase(info.namespace),
                               ownership=None if content_type != writes.APPLY_PATCH else managedfields.ownership(
                                   obj, *_typing(t, obj or {"kind": t.kind, "apiVersion": t.api_version}),
                                   t.subresource),  # (only an apply reads who manages what)
                               admit=_admission(emu, t, now), guard=_rbac_guard(emu, user, t, now),
                               short=emu.stored_short(path, t.key(), obj), begin=allocators, raw=raw,
                               stored_as=emu.stored_as(path, t.key()))
    elif info.verb == "delete":
        outcome = writes.delete(t, obj, stamp, opts)
    else:
        assert listed is not None
        if (unlisted := resource_version_error(listed[0])) is not None:  # (the collection's list reads it)
            await send_status(out, unlisted.code, str(unlisted), entry, reason=unlisted.reason)
            entry.ended("refused", str(unlisted))
            return
        # the objects its list finds (registry Store.DeleteCollection): its selectors, a limit's page, a
        # continue token's
        page = lists.page(emu.cache, tl, path, info.namespace, listed[0], listed[1], now)
        if isinstance(page, lists.Answer):
            await out.start(page.code, "", JSON_HEADERS + page.headers, content_length=len(page.body))
            await out.send(page.body)
            await out.finish()
            entry.ended(page.end, page.detail)
            return
        # (a continue token's page is listed as it was: what it holds is deleted as it is now, if it still is)
        found = [(ch.obj, state[ch.key].obj if ch.key in state else None) for ch in page.items]
        outcome = writes.delete_collection(t, found, stamp, opts, lists.list_meta(
            page.rv, page.cont, page.remaining, custom=t.custom is not None))
    outcome.warnings = creating[1] + outcome.warnings  # (the decoder's, whatever came after)
    if info.verb in ("update", "patch") and outcome.code < 300:  # validating admission, after validation
        classes = admission.STORAGE_CLASSES
        outcome = admission.claim_resize(t, obj, outcome.body, lambda name: held(classes, "", name)) or outcome
    if outcome.code < 300 and info.verb in ("create", "update", "patch"):  # (LimitRanger's validating half)
        created = info.verb == "create" or obj is None
        outcome = _limit_refusal(emu, t, "create" if created else "update", obj, outcome, now) or outcome
    if outcome.code < 300 and (info.verb == "create" or (info.verb == "patch" and obj is None)) and \
            (t.group, t.resource, t.subresource) == ("", "pods", ""):  # (RuntimeClass's validating half)
        outcome = podadmission.overhead_refusal(t, outcome.validated(),
                                                str(outcome.body.get("metadata", {}).get("name", "")),
                                                _runtime_classes(emu, now)) or outcome
    if info.verb in ("create", "update", "patch") and outcome.code < 300:
        outcome = admission.certificates_refusal(t, info.verb, obj, outcome.body, _signer_access(emu, user, now),
                                                 user.name) or outcome
    if outcome.unchanged is not None and obj is not None:
        _managed_only(t, obj, outcome, manager, body, stamp.timestamp, opts.dry_run)
    if outcome.would is not None and info.verb in ("create", "update", "patch"):  # a dry run's answer
        _managed_fields(t, obj, outcome.would, manager, body, outcome.applied, stamp.timestamp, outcome.merged)
    if not opts.dry_run:  # (a refused write commits nothing, but a collection delete the objects before)
        _record_managers(t, info.verb, obj, outcome, manager, body, stamp.timestamp)
    if path == apiservices.SERVICES:  # (with the IPAddresses the Services' cluster IPs make and free)
        serviceallocation.commit(emu, outcome.commits, now, stamp.timestamp)
    else:
        for c in outcome.commits:
            emu.commit(path, c, now)
    customresources.after_write(emu, path, outcome.commits, now, stamp)
    aggregator.after_write(emu, path, outcome.commits, now, stamp)
    apf.after_write(emu, path, outcome.commits, now, stamp)
    code, answer = emu.converted(req, tl, outcome.code, outcome.answer()) if outcome.code < 300 else \
        (outcome.code, outcome.answer())
    body_bytes = go_json(answer) + b"\n"  # (json.Encoder's Encode, as every answer the apiserver writes)
    entry.answered(code)
    entry.note(f"write: {outcome.summary}{' (dry run)' if opts.dry_run and outcome.code < 400 else ''}"
               f"{'; its answer not acceptable' if code != outcome.code else ''}")
    headers = JSON_HEADERS + tuple(("Warning", w) for w in outcome.warnings)
    await out.start(code, "", headers, content_length=len(body_bytes))
    await out.send(body_bytes)
    await out.finish()
    entry.ended("complete", outcome.summary)
