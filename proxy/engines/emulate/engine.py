"""The emulator: lists and watches from the rebuilt watch cache; everything else from recorded exchanges."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import functools
import json
from collections.abc import Callable, Sequence
from typing import Any

from ...apiserver import (
    autoscalingv1,
    bootstrap,
    componentstatuses,
    defaults,
    eventapi,
    goorder,
    lists,
    podlogs,
    proxying,
    rawjson,
    routes,
)
from ...apiserver import encode as events
from ...apiserver.changes import Change, Key
from ...apiserver.crds import CustomType
from ...apiserver.fielderrors import HandlerPanic
from ...apiserver.history import ResourceTimeline, WatchCache, mirrored
from ...apiserver.watchstream import TOO_LARGE_WAIT, WatchSpec, WatchStream, watch_list_by_default
from ...apiserver.writes import Commit, scale_of, seeded_uid, serves_subresource, unscalable, unsupported_patch
from ...clock import Clock
from ...recording.records import Headers
from ...wire import discovery as discovery_docs
from ...wire import health, names, negotiation, openapi
from ...wire.jsonenc import go_json
from ...wire.kinds import builtin_by_path, internal_package, is_custom_group
from ...wire.listopts import list_request
from ...wire.match import match_key, wants_table
from ...wire.params import InvalidParams, ListOptions, first_values, query_pairs
from ...wire.request import RequestInfo, classify
from ...wire.status import status
from ...wire.table import learned_columns, printer_columns, scale_table, table
from ..base import Incoming, Responder, SendAll, send_each
from ..exact import ExactPlayer, Misses
from ..playback import JSON_HEADERS, play, send_status
from ..requestlog import LogEntry
from ..store import Exchange, Loaded
from . import access, bootstrapped, customresources, discovery, namespaces, writes
from .answers import PRETTY, UNNEGOTIATED, YAML, EncodedAnswers, GzippedAnswers
from .timeline import rebuild
from .timeout import TimeoutDraw
from .watch import OpenWatch, WatchServer

DEFAULT_MIN_REQUEST_TIMEOUT = 1800.0
_LENGTH_HEADERS = frozenset({"content-length", "transfer-encoding"})
# collections that are views of the same stored objects: the other view, and how an object looks there
_OTHER_VIEW = {**eventapi.OTHER_VIEW, **autoscalingv1.OTHER_VIEW}
_TEMPLATE_SKIP = frozenset({"audit-id", "date", "content-length", "transfer-encoding", "connection",
                            "content-type", "cache-control", "keep-alive", "content-encoding"})


def _consistent_lists(loaded: Loaded) -> list[tuple[str, float, int]]:
    """(collection, time, resourceVersion) of the recorded lists that asked for no resourceVersion: each
    synced its resource's watch cache to the cluster's RV then, which that resource's bookmarks carry."""
    out: list[tuple[str, float, int]] = []
    for ex in loaded.exchanges.values():
        info, resp = ex.info, ex.response
        if info.verb != "list" or not info.is_resource or resp is None or resp.status != 200 \
                or first_values(query_pairs(ex.request.query)).get("resourceVersion"):
            continue
        try:
            rv = int(json.loads(ex.body)["metadata"]["resourceVersion"])
        except (ValueError, KeyError, TypeError):
            continue
        out.append((info.collection_path, resp.t, rv))
    return out


def _recorded_table_columns(loaded: Loaded) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """Column definitions of the Tables the recording holds (lists, gets and a watch's first event), by
    (group, resource): how the real server printed a type emulate has no printer of its own for (a custom
    resource's printer columns)."""
    out: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for ex in loaded.exchanges.values():
        info = ex.info
        if not info.is_resource or info.subresource or info.verb not in ("list", "get", "watch") \
                or ex.response is None or ex.response.status != 200 or not wants_table(ex.request.header("Accept")):
            continue
        try:
            if info.verb == "watch":
                first = json.loads(ex.frames.data(0)) if len(ex.frames) else None
                columns = learned_columns(first.get("object") if isinstance(first, dict) else None)
            else:
                columns = learned_columns(json.loads(ex.body))
        except ValueError:
            continue
        if columns:
            out[(info.group, info.resource)] = columns
    return out





class Warned:
    """A Responder whose answer carries one more Warning header, before any other (the handler's own)."""

    def __init__(self, inner: Responder, warning: str) -> None:
        self.inner = inner
        self.warning = warning

    @property
    def started(self) -> bool:
        return self.inner.started

    async def start(self, status: int, reason: str, headers: Headers, *, content_length: int | None = None) -> None:
        listed = list(headers)
        at = next((i + 1 for i, (k, _) in enumerate(listed) if k.lower() == "content-type"), len(listed))
        await self.inner.start(status, reason, (*listed[:at], ("Warning", self.warning), *listed[at:]),
                               content_length=content_length)

    async def send(self, data: bytes | memoryview) -> None:
        await self.inner.send(data)

    async def send_frames(self, frames: Sequence[bytes]) -> None:
        await self.inner.send_frames(frames)

    def prepare_send(self, data: bytes) -> Callable[[], None] | None:
        return self.inner.prepare_send(data)

    async def finish(self) -> None:
        await self.inner.finish()

    async def abort(self, reset: bool = True) -> None:
        await self.inner.abort(reset)

    async def wait_closed(self) -> None:
        await self.inner.wait_closed()


@dataclasses.dataclass(frozen=True, slots=True)
class Wanted:
    """The answer an Accept header negotiated: its media type and the conversion it asked for."""

    media: str  # "" when nothing could be negotiated
    table: bool
    metadata: tuple[str, str] | None  # (PartialObjectMetadata or …List, its meta.k8s.io version)

    @staticmethod
    def of(got: tuple[str, negotiation.Convert | None] | None) -> Wanted:
        if got is None:
            return Wanted("", False, None)
        media, convert = got
        as_ = convert[2] if convert else ""
        return Wanted(media, as_ == "Table",
                      (as_, convert[1]) if convert and as_.startswith("PartialObjectMetadata") else None)


def _gzipped(req: Incoming) -> bool:
    """Whether a long answer to `req` is gzipped: an object's, a list's or an error's (SerializeObject) for a
    resource request whose Accept-Encoding names gzip; never a watch, a log or a connection's."""
    info = req.info
    return info.is_resource and info.verb != "watch" and info.subresource != "log" and not routes.connect(info) \
        and negotiation.gzip_accepted(req.header("Accept-Encoding"))


def _endpoint(req: Incoming) -> negotiation.Endpoint:
    """Whose negotiation rules a request's answer follows: a built-in resource's, a custom resource's (or a
    kind only the recording knows), or the default (discovery, errors)."""
    info = req.info
    builtin = info.is_resource and builtin_by_path(info.group, info.version, info.resource) is not None
    return "builtin" if builtin else "custom" if info.is_resource else "default"


def _metadata_view(metadata: tuple[str, str], doc: dict[str, Any], group: str, kind: str, subresource: str = ""
                   ) -> tuple[int, dict[str, Any]]:
    """An answer as the handlers transform it for a metadata client (`metadata`: Wanted.metadata): the 406 of a
    list asked of one object or one of a list, else its PartialObjectMetadata(List)."""
    listed = isinstance(doc.get("items"), list)
    if metadata[0].endswith("List") and not listed:
        code, message, reason = _list_of_one(group, kind, subresource)
        return code, status(code, message, reason)
    if listed and not metadata[0].endswith("List"):
        return 406, status(406, _unconvertible(group, kind, False, subresource))
    return 200, events.metadata_list(doc["items"], doc.get("metadata") or {}, metadata[1]) if listed \
        else events.as_metadata(doc, metadata[1])


def _list_of_one(group: str, kind: str, subresource: str) -> tuple[int, str, str | None]:
    """The code, message and reason of a PartialObjectMetadataList asked of one object: a custom resource's
    unstructured object passes for a list (ListInterface) until its items are walked (EachListItem), a 500;
    the others are a 406."""
    if is_custom_group(group) and subresource != "scale":
        return 500, "content is not a list", ""
    return 406, _unconvertible(group, kind, True, subresource), None


def _unconvertible(group: str, kind: str, list_asked: bool, subresource: str = "") -> str:
    """The 406 message of a PartialObjectMetadataList asked of one object, or a PartialObjectMetadata of a
    list (the handlers' transform of their answer: a scale subresource's is an autoscaling Scale, internal for a
    built-in resource, v1 for a custom one; a custom resource unstructured)."""
    custom = is_custom_group(group)
    kind = ("*v1.Scale" if custom else "*autoscaling.Scale") if subresource == "scale" else \
        "*unstructured.Unstructured" if custom else f"*{internal_package(group)}.{kind}"
    if list_asked:
        return f"you requested PartialObjectMetadataList, but the requested object is not a list ({kind})"
    return f"you requested PartialObjectMetadata, but the requested object is a list ({kind}List)"


class Emulator:
    def __init__(self, loaded: Loaded, clock: Clock, *, seed: int = 0, misses: Misses | None = None,
                 min_request_timeout: float | None = None, history: float | None = None,
                 announce: Callable[[int, int], None] | None = None, read_only: bool = False,
                 send_all: SendAll | None = None) -> None:
        """`announce(done, frames)`: how far a rebuild of the history from the recording's frames is, from
        (0, frames) to (frames, frames); not called when the history was prepared or saved.
        `read_only`: refuse clients' writes (405) instead of applying them. `send_all`: how a change due
        in many watches is written to them (the server's way; by default one write after another)."""
        self.loaded = loaded
        self.clock = clock
        self.misses = misses or Misses()
        self.exact = ExactPlayer(loaded, clock, self.misses)
        meta_mrt = loaded.header.meta.get("min_request_timeout") if loaded.header.meta else None
        mrt = min_request_timeout or (float(meta_mrt) if isinstance(meta_mrt, int | float) else None)
        self.min_request_timeout = mrt or DEFAULT_MIN_REQUEST_TIMEOUT
        self.seed = seed
        self.watch_list_defaults = watch_list_by_default(loaded.header.upstream_version)
        self.draw = TimeoutDraw(seed, self.min_request_timeout)
        rebuilt = rebuild(loaded, announce)
        self.timelines = rebuilt.timelines
        self.read_only = read_only
        self._written: asyncio.Future[None] | None = None  # a client's next write: reads waiting for an RV
        self._short: dict[tuple[str, Key], int] = {}  # versions stored short of their read form (Commit.short)
        self._raw: dict[tuple[str, Key], rawjson.Raw] = {}  # the bytes clients' writes left in raw fields
        self._dropped: dict[tuple[str, Key], tuple[int, dict[str, Any]]] = {}  # what storage holds, reads drop
        self._recorded_paths = frozenset(self.timelines)
        # Collections the recording saw only in forms it cannot rebuild objects from (kubectl's Tables,
        # protobuf): their recorded answers are served as they are, never an empty stand-in.
        self._recorded_only = {e.info.collection_path for e in loaded.exchanges.values()
                               if e.info.is_resource and e.info.verb in ("list", "watch")} - set(self.timelines)
        self.table_columns = _recorded_table_columns(loaded)
        try:
            self._wall0 = dt.datetime.fromisoformat(loaded.header.started_at.replace("Z", "+00:00"))
        except ValueError:
            self._wall0 = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
        seeded = bootstrapped.missing(self.timelines, self._recorded_only)
        below = namespaces.lowest_rv(self.timelines.values(), (rv for _, rv in rebuilt.marks))
        if namespaces.PATH not in self.timelines and namespaces.PATH not in self._recorded_only:
            asked = {info.namespace for ex in loaded.exchanges.values() if ex.response is not None
                     and 200 <= ex.response.status < 300
                     and (info := classify(ex.request.method, ex.request.path, ex.request.query)).namespace}
            self.timelines[namespaces.PATH] = namespaces.bootstrapped(self.timelines, below, self.wall(0), seed, asked)
            below = self.timelines[namespaces.PATH].rvs[0]
        self.timelines.update(bootstrapped.timelines(seeded, below, self.wall(0), seed))
        self.cache = WatchCache(self.timelines, rebuilt.marks, history)
        for path, t, rv in _consistent_lists(loaded):
            self.cache.synced(path, t, rv)
        self.definitions = customresources.Definitions(self.cache)
        self.watches = WatchServer(self.cache, clock, send_all or send_each)
        self.open: set[OpenWatch] = set()
        self._templates = self._header_templates()

    def wall(self, virtual: float) -> dt.datetime:
        """The cluster's wall clock at a virtual time: the recording's start plus virtual seconds."""
        return self._wall0 + dt.timedelta(seconds=virtual)

    def _header_templates(self) -> dict[str, tuple[tuple[str, str], ...]]:
        """Headers the recorded apiserver sent besides the framing ones (e.g. its flow-control ids)."""
        out: dict[str, tuple[tuple[str, str], ...]] = {}
        for ex in self.loaded.exchanges.values():
            if ex.response is None or ex.response.status != 200 or ex.info.verb not in ("list", "watch"):
                continue
            out.setdefault(ex.info.verb, tuple((k, v) for k, v in ex.response.headers
                                               if k.lower() not in _TEMPLATE_SKIP))
        return out

    def restart(self) -> None:
        """An apiserver restart: history before now is compacted, so older resourceVersions expire."""
        self.cache.compact(self.clock.now())

    def current_rv(self) -> int:
        return self.cache.current_rv(self.clock.now())

    def objects(self, collection_path: str) -> dict[str, str]:
        """The collection's live objects now, "namespace/name" -> resourceVersion."""
        if collection_path not in self.timelines:
            return {}
        state = self.cache.state(collection_path, self.clock.now())
        return {f"{ns}/{name}": str(ch.rv) for (ns, name), ch in state.items()}

    def namespace_phase(self, namespace: str) -> str:
        """The phase of a namespace to create objects in ("Active", "Terminating"), "" if there is none:
        the emulated namespaces say so when the recording saw them. A recording that saw none is served
        the namespaces it implies (namespaces.py), and a write into any other is let through all the same:
        the recorded cluster may well have had it, but for a name no namespace can have (no DNS label)."""
        if not namespace or namespace in namespaces.SYSTEM:
            return "Active"
        if names.dns_label(namespace):
            return ""
        tl = self.timelines.get(namespaces.PATH)
        ch = self.cache.state(namespaces.PATH, self.clock.now()).get(("", namespace)) if tl else None
        if ch is None:
            return "" if namespaces.PATH in self._recorded_paths else "Active"
        obj = ch.obj
        return "Terminating" if (obj.get("metadata") or {}).get("deletionTimestamp") else "Active"

    def commit(self, path: str, change: Commit, now: float) -> int:
        """Store a client's change; every watch of the resource sees it at once, through each version a
        definition serves it in (no conversion: only the apiVersion differs), an Event through both of its
        APIs (eventapi.py) and an autoscaler through both versions (autoscalingv1.py)."""
        siblings = self.definitions.siblings(path, now)
        dropped = defaults.dropped_on_read(change.written) if change.written is not None else \
            self._dropped.get((path, change.key), (0, {}))[1]  # (a write past the field manager keeps it)
        obj = defaults.as_read(change.event if change.event is not None else change.obj, dropped)
        mirrors = tuple((p, customresources.as_version(obj, ct)) for p, ct in siblings
                        if self.timeline_of(p) is not None)
        if (other := _OTHER_VIEW.get(path)) is not None and self.timeline_of(other[0]) is not None:
            if path == autoscalingv1.V1_PATH:  # (v1 loses what v2 holds: what the write left stays as stored)
                before = self.cache.state(other[0], now).get(change.key)
                mirrors += ((other[0], autoscalingv1.as_v2_over(obj, before.obj if before else None,
                                                                change.stored, change.kept)),)
            else:
                mirrors += ((other[0], other[1](obj)),)
        dispatched = goorder.normalize(defaults.as_stored(obj, dropped), str(obj.get("kind", "")),
                                       str(obj.get("apiVersion", ""))) if dropped else None
        rv = self.cache.commit(path, change.key, change.type, obj, now, mirrors, dispatched)
        if change.raw is not None:
            self._raw[(path, change.key)] = change.raw
        if dropped or (path, change.key) in self._dropped:
            self._dropped[(path, change.key)] = (rv, dropped)
        if change.short:  # (through every view: they share the version)
            self._short.update(((p, change.key), rv) for p in (path, *(p for p, _ in mirrors)))
        for p in (path, *(p for p, _ in mirrors)):
            self.watches.changed(p)
        if self._written is not None and not self._written.done():
            self._written.set_result(None)
        return rv

    def stored_short(self, path: str, key: Key, obj: dict[str, Any] | None) -> bool:
        """Whether `obj`, the current version of `key`, is one a client wrote that storage holds short of
        what reads show (Commit.short): any later version, however made, is stored whole."""
        if _version(obj) is not None and self._short.get((path, key)) == _version(obj):
            return True
        v2 = self.stored_as(path, key)
        return v2 is not None and defaults.changed_through_v1(v2)  # (a v1 write stores its view, whole)

    def stored_as(self, path: str, key: Key) -> dict[str, Any] | None:
        """The object storage holds where `path` serves a lossy view of it (a v1 autoscaler's v2, which a write's
        generation is counted against), else None."""
        if path != autoscalingv1.V1_PATH or self.timeline_of(autoscalingv1.V2_PATH) is None:
            return None
        held = self.cache.state(autoscalingv1.V2_PATH, self.clock.now()).get(key)
        return held.obj if held is not None else None

    def stored_form(self, path: str, key: Key, obj: dict[str, Any] | None) -> dict[str, Any] | None:
        """`obj`, the current version of `key` as reads show it, as storage holds it (defaults.dropped_on_read):
        what a write to it is applied to and compared with."""
        held = self._dropped.get((path, key))
        return defaults.as_stored(obj, held[1]) if obj is not None and held and held[0] == _version(obj) else obj

    def stored_raw(self, path: str, key: Key, obj: dict[str, Any] | None) -> rawjson.Raw:
        """The bytes the RawExtension fields of `obj`, the current version of `key`, hold: as a client's write
        left them in this replay (Commit.raw; later versions that kept the value keep them), else as a read
        shows them."""
        return rawjson.held(obj, self._raw.get((path, key), {})) if obj is not None else {}

    def delivered_rv(self, request_id: int) -> int | None:
        """The last resourceVersion an open watch has sent its client (for faults that cut it)."""
        return next((w.last_rv or None for w in self.open if w.entry.id == request_id), None)

    def status(self) -> dict[str, Any]:
        return {
            "min_request_timeout": self.min_request_timeout,
            "resources": {p: {"objects": len(self.cache.state(p, self.clock.now())),
                              "changes": len(tl.changes), "baseline_rv": tl.baseline_rv}
                          for p, tl in self.timelines.items()},
            "current_resource_version": self.cache.current_rv(self.clock.now()),
            "open_watches": [{"request": w.entry.id, "path": w.spec.path, "deadline": w.spec.deadline,
                              "last_rv": w.last_rv} for w in self.open],
        }

    def _headers(self, verb: str, identity: str) -> tuple[tuple[str, str], ...]:
        return (("Audit-Id", seeded_uid(self.seed, identity)), ("Cache-Control", "no-cache, private"),
                ("Content-Type", "application/json"), *self._templates.get(verb, ()))

    def _timeline(self, info: RequestInfo) -> ResourceTimeline | None:
        return self.timeline_of(info.collection_path) if info.is_resource else None

    def timeline_of(self, collection_path: str) -> ResourceTimeline | None:
        """The resource's history; a well-known type the recording never saw is simply empty (but the Events of
        the other Event API, which are its own), and so is a custom resource a definition serves. One whose
        definition is gone is not found."""
        tl = self.timelines.get(collection_path)
        custom = self.custom_type(collection_path)
        if tl is not None:
            return None if custom is None and collection_path in self.definitions.defined else tl
        if collection_path in self._recorded_only:
            return None
        known = discovery.well_known(collection_path)
        if known is not None:
            tl = ResourceTimeline(known.group, known.version, known.plural, known.kind, known.namespaced)
            other = _OTHER_VIEW.get(collection_path)
            if other is not None and (source := self.timelines.get(other[0])) is not None:
                tl = mirrored(tl, source, _OTHER_VIEW[other[0]][1])  # the recorded changes, this view's
        elif custom is not None:
            tl = ResourceTimeline(custom.group, custom.version, custom.plural, custom.kind, custom.namespaced)
        return self.cache.add(collection_path, tl) if tl is not None else None

    def custom_type(self, collection_path: str) -> CustomType | None:
        """The served custom resource type of a collection, from the definitions held now."""
        return self.definitions.served(self.clock.now()).get(collection_path)

    def _columns(self, tl: ResourceTimeline) -> list[dict[str, Any]] | None:
        """How a type without a printer of its own is printed: by its definition's columns, else as a
        recorded Table printed it."""
        custom = self.custom_type(f"/apis/{tl.group}/{tl.version}/{tl.resource}") if tl.group else None
        if custom is not None:
            return printer_columns(custom.columns)
        return self.table_columns.get((tl.group, tl.resource))

    async def _other(self, req: Incoming, out: Responder, entry: LogEntry) -> None:
        """Recorded exchanges first (a recorded `/apis` with the custom resources definitions made since
        added); discovery the recording lacks is made up from what it holds, and health checks are answered
        healthy."""
        key = match_key(req.method, req.path, req.query, req.header("Accept"))
        ex, why = self.exact.take(key)
        if ex is not None:
            entry.answered_by = f"exchange {ex.id}"
            merged = self._with_definitions(req, ex)
            if merged is None or ex.response is None:
                await play(ex, out, entry, self.clock)
                return
            headers = tuple((k, v) for k, v in ex.response.headers if k.lower() not in _LENGTH_HEADERS)
            await self._send(out, entry, 200, headers, merged)
            return
        now = self.clock.now()
        types = discovery.served_types(self.timelines, self.definitions.resource_types(now))
        if req.method == "HEAD" and discovery.restful(req.path) and not routes.connect(req.info) \
                and (refused := discovery.not_served(req.method, req.path, types)) is not None:
            # go-restful routes take GET alone (a HEAD is their 405), and a path none matches is its 404
            await send_status(out, *refused, entry, details={}, accept=req.header("Accept"))
            entry.ended("refused", refused[1])
            return
        # other handlers answer a HEAD as a GET (without its body)
        get = req.method in ("GET", "HEAD")
        if get and req.path.startswith("/openapi/") and (doc := openapi.answer(
                req.path, first_values(query_pairs(req.query)), req.header("Accept"), self.wall(now),
                types, self.definitions.schemas(now), req.header("Accept-Encoding"))) is not None:
            entry.answered_by = "emulated OpenAPI"
            await self._send(out, entry, *doc)
            return
        api_services = self._api_services(now)
        if discovery.unavailable(req.path, types, api_services):
            entry.answered_by = "emulated aggregator: no extension apiserver"
            await self._send(out, entry, *discovery.UNAVAILABLE)
            return
        got = discovery.answer(req.path, req.header("Accept"), req.header("If-None-Match"), types,
                               self.loaded.header.upstream_version, api_services) \
            if get or discovery.any_method(req.path) else None
        answered_by = "emulated discovery"
        if got is None and get and (checked := health.answer(req.path, req.query)) is not None:
            code, body = checked
            got, answered_by = (code, (("Cache-Control", "no-cache, private"),
                                       ("Content-Type", health.CONTENT_TYPE)), body), "emulated health check"
        if got is None and (await self._kubelets(req, out, entry, now) or await self._proxied(req, out, entry, now)):
            return
        if got is None and (refused := discovery.not_served(req.method, req.path, types)) is not None:
            entry.answered_by = "emulated: nothing served there"
            await send_status(out, *refused, entry, details={}, accept=req.header("Accept"))
            entry.ended("refused", refused[1])
            return
        if got is None:
            await self.exact.miss(req, key, why, out, entry)
            return
        entry.answered_by = answered_by
        await self._send(out, entry, *got)

    def _api_services(self, now: float) -> list[dict[str, Any]]:
        """The APIServices the cluster holds now (a replay seeds the local ones where the recording has none)."""
        if bootstrap.API_SERVICES not in self.timelines:
            return list(bootstrap.objects()[bootstrap.API_SERVICES])
        return [ch.obj for ch in self.cache.state(bootstrap.API_SERVICES, now).values()]

    async def _kubelets(self, req: Incoming, out: Responder, entry: LogEntry, now: float) -> bool:
        """Answer a pod's log, exec, attach or port-forward nothing recorded answers, as far as the apiserver
        goes without a kubelet (podlogs.py): True if answered."""
        info = req.info
        if (info.group, info.resource) != ("", "pods") or not info.name or not info.namespace or not (
                (info.subresource == "log" and req.method == "GET")
                or (info.subresource in podlogs.STREAMS and req.method in ("GET", "POST"))):
            return False
        pod = access.stored(self, "/api/v1/pods", info.namespace, info.name, now)

        def node(name: str) -> dict[str, Any] | None:
            return access.stored(self, "/api/v1/nodes", "", name, now)
        got = podlogs.answer(pod, info.name, req.query, node) if info.subresource == "log" else \
            podlogs.stream(info.subresource, pod, info.name, req.query, node)
        entry.answered_by = f"emulated pod {info.subresource}"
        if got.code == 204:  # (a pod not scheduled yet: no logs, and no body)
            await self._send(out, entry, 204, (("Cache-Control", "no-cache, private"),), b"")
        else:
            await send_status(out, got.code, got.body["message"], entry, details=got.body.get("details"),
                              reason=got.body.get("reason", ""))
            entry.ended("refused", got.body["message"][:200])
        return True

    async def _proxied(self, req: Incoming, out: Responder, entry: LogEntry, now: float) -> bool:
        """Answer a service's, pod's or node's proxy nothing recorded answers, as far as the apiserver goes
        without a network (proxying.py): True if answered."""
        info = req.info
        if info.group or info.resource not in proxying.RESOURCES or not info.name \
                or info.subresource.split("/")[0] != "proxy":
            return False

        def get(resource: str, name: str) -> dict[str, Any] | None:
            return access.stored(self, f"/api/v1/{resource}", "" if resource == "nodes" else info.namespace, name,
                                 now)

        def slices(service: str) -> list[dict[str, Any]]:
            if self.timeline_of(proxying.ENDPOINT_SLICES) is None:
                return []
            return [ch.obj for (ns, _), ch in sorted(self.cache.state(proxying.ENDPOINT_SLICES, now).items())
                    if ns == info.namespace and ((ch.obj.get("metadata") or {}).get("labels") or {}).get(
                        proxying.SERVICE_NAME_LABEL) == service]
        got = proxying.answer(info.resource, info.name, req.query, get, slices)
        entry.answered_by = f"emulated {info.resource[:-1]} proxy"
        await send_status(out, got.code, got.body["message"], entry, details=got.body.get("details"),
                          reason=got.body.get("reason", ""), accept=req.header("Accept"))
        entry.ended("refused", got.body["message"][:200])
        return True

    @staticmethod
    async def _send(out: Responder, entry: LogEntry, code: int, headers: tuple[tuple[str, str], ...],
                    body: bytes) -> None:
        entry.answered(code)
        await out.start(code, "OK" if code == 200 else "", headers, content_length=len(body))
        await out.send(body)
        await out.finish()
        entry.ended("complete")

    def _with_definitions(self, req: Incoming, ex: Exchange) -> bytes | None:
        """A recorded `/apis` with the group versions of the custom resources served now that it lacks."""
        if req.method != "GET" or req.path.rstrip("/") != "/apis" or ex.response is None \
                or ex.response.status != 200:
            return None
        defined = self.definitions.resource_types(self.clock.now())
        return discovery_docs.with_types(ex.body, defined) if defined else None

    async def _fresh(self, rv: int | None) -> float:
        """Now, once the cluster has reached `rv` (by the recording's changes or a client's write), or after
        the watch cache's 3 s of waiting for it (then the read is a 504)."""
        now = self.clock.now()
        deadline = now + TOO_LARGE_WAIT
        while rv is not None and rv > self.cache.current_rv(now) and now < deadline:
            if self._written is None or self._written.done():
                self._written = asyncio.get_running_loop().create_future()
            sleep = asyncio.ensure_future(self.clock.sleep_until(min(deadline, self.cache.reaching(rv))))
            try:
                await asyncio.wait((sleep, self._written), return_when=asyncio.FIRST_COMPLETED)
            finally:
                sleep.cancel()
            now = self.clock.now()
        return now

    async def _get(self, req: Incoming, info: RequestInfo, tl: ResourceTimeline, wanted: Wanted, out: Responder,
                   entry: LogEntry) -> None:
        rv = first_values(query_pairs(req.query)).get("resourceVersion", "")
        now = await self._fresh(lists.awaited_rv(tl, resource_version=rv))
        metadata = wanted.metadata
        # (a subresource's target: what it serves, a custom resource's scale paths)
        t = writes.target(info, tl, self.custom_type(info.collection_path)) if info.subresource else None
        render: Callable[[Change], bytes | lists.Answer] | None = None
        if info.subresource == "scale" and t is not None:
            scaled = t

            def render(ch: Change) -> bytes | lists.Answer:
                if unread := unscalable(scaled, ch.obj):  # (ScaleREST.Get's NewInternalError)
                    return lists.refused(500, f"Internal error occurred: {unread}", "refused",
                                         {"causes": [{"message": unread}]})
                scale = scale_of(scaled, ch.obj)
                if metadata is not None:  # (of the Scale: its handler transforms what it answers)
                    return events.dumps(events.as_metadata(scale, metadata[1]))
                if wanted.table:
                    custom = scaled.custom is not None
                    return events.dumps(scale_table(scale, self.wall(now), str(ch.rv), custom=custom))
                return events.dumps(scale)
        elif metadata is not None:
            def render(ch: Change) -> bytes:
                return events.dumps(events.as_metadata(ch.obj, metadata[1]))
        elif wanted.table:
            def render(ch: Change) -> bytes:
                return self._table(tl, [ch], ch.rv, "", now)
        if t is not None and not serves_subresource(t):
            got = lists.not_found_answer(tl, info.name)
        else:
            got = lists.get_answer(self.cache, tl, info.collection_path, info.namespace, info.name, now, render, rv)
        if got.code == 200 and metadata is not None and metadata[0] == "PartialObjectMetadataList":  # (once found)
            code, message, reason = _list_of_one(tl.group, tl.kind, info.subresource)
            await send_status(out, code, message, entry, reason=reason, accept=req.header("Accept"))
            entry.ended("refused", "not acceptable")
            return
        entry.answered_by = f"emulated {tl.resource}"
        entry.answered(got.code)
        headers = self._headers("list", self.draw.identity(req.method, req.path, req.query)) if got.code == 200 \
            else (*JSON_HEADERS, *got.headers)
        await out.start(got.code, "OK" if got.code == 200 else "", headers, content_length=len(got.body))
        await out.send(got.body)
        await out.finish()
        entry.ended(got.end, got.detail)

    async def _component_statuses(self, req: Incoming, info: RequestInfo, out: Responder, entry: LogEntry) -> None:
        """The component statuses, computed rather than stored (apiserver/componentstatuses.py)."""
        entry.answered_by = "emulated componentstatuses"
        try:
            opts, match = list_request(req.query, info.resource) if not info.name else (ListOptions(), lambda s: True)
        except InvalidParams as exc:
            await send_status(out, exc.code, str(exc), entry, details=exc.details, reason=exc.reason,
                              accept=req.header("Accept"))
            entry.ended("refused", str(exc))
            return
        if (refused := componentstatuses.refusal(info.name, opts.watch)) is not None:
            await send_status(out, refused[0], refused[1], entry, details=refused[2], accept=req.header("Accept"))
            entry.ended("refused", refused[1])
            return
        items = [s for s in componentstatuses.statuses() if match(s) and info.name in ("", s["metadata"]["name"])]
        wanted = self.wanted(req)
        doc: dict[str, Any] = {"kind": "ComponentStatus", "apiVersion": "v1", **items[0]} if info.name else \
            {"kind": "ComponentStatusList", "apiVersion": "v1", "metadata": {}, "items": items}
        if wanted.metadata is not None:
            code, doc = _metadata_view(wanted.metadata, doc, "", "ComponentStatus")
            if code == 406:
                await send_status(out, 406, doc["message"], entry, accept=req.header("Accept"))
                entry.ended("refused", "not acceptable")
                return
        elif wanted.table:
            doc = table(info.resource, items, self.wall(self.clock.now()), as_list=not info.name)
        await self._send(out, entry, 200, JSON_HEADERS, go_json(doc) + b"\n")

    def wanted(self, req: Incoming) -> Wanted:
        """What the client's Accept gets here, negotiated as the apiserver does for the endpoint the path is:
        a built-in resource's, a custom resource's (or a kind only the recording knows), or the default
        (discovery, errors)."""
        return Wanted.of(negotiation.negotiate(req.header("Accept"), _endpoint(req)))

    def converted(self, req: Incoming, tl: ResourceTimeline, code: int, doc: dict[str, Any]
                  ) -> tuple[int, dict[str, Any]]:
        """A write's answer, and its code, as the client's Accept asks for it, as the apiserver's handlers
        transform theirs: a Table or PartialObjectMetadata of the object written (or of a collection delete's
        list), the 406 of a list asked of one object or one of a list (written all the same); a Status as it
        is."""
        wanted = self.wanted(req)
        if doc.get("kind") == "Status" or not (wanted.table or wanted.metadata):
            return code, doc
        if wanted.metadata is not None:
            viewed, doc = _metadata_view(wanted.metadata, doc, tl.group, tl.kind, req.info.subresource)
            return viewed if viewed == 406 else code, doc
        listed = isinstance(doc.get("items"), list)
        objects = doc["items"] if listed else [doc]
        rv = str((doc.get("metadata") or {}).get("resourceVersion") or "")
        return code, table(tl.resource, [events.printed(o) for o in objects], self.wall(self.clock.now()),
                           resource_version=rv, learned=self._columns(tl), as_list=listed)

    def answers(self, req: Incoming, out: Responder) -> Responder:
        """Where the answer to `req` is written: through EncodedAnswers when the client negotiated protobuf
        or YAML for it, or for an error's Status (the default restrictions: a custom resource's errors too),
        or for aggregated discovery."""
        accept = req.header("Accept")
        media = self.wanted(req).media
        if req.path in discovery_docs.AGGREGATED_PATHS and (aggregated := negotiation.negotiate(
                accept, "discovery")) is not None and aggregated[1] == negotiation.AGGREGATED_DISCOVERY:
            media = aggregated[0]
        errors = (negotiation.negotiate(accept, "default") or (UNNEGOTIATED, None))[0]
        pretty = functools.partial(negotiation.pretty, accept, pretty_query=first_values(query_pairs(
            req.query)).get("pretty") if "pretty" in req.query else None, user_agent=req.header("User-Agent"))
        if media in ("", "application/json") and pretty(_endpoint(req)):
            media = PRETTY
        if errors == "application/json" and pretty("default"):
            errors = PRETTY
        if _gzipped(req):
            out = GzippedAnswers(out)
        if {media, errors} <= {"", "application/json"}:
            return out
        return EncodedAnswers(out, watch=req.info.verb == "watch", media=media, errors=errors)

    async def _unroutable(self, req: Incoming, out: Responder, entry: LogEntry) -> bool:
        """Answer a request the apiserver has no handler for, or one deleting a namespace it keeps: True
        if answered."""
        info = req.info
        # a built-in type's routes; a custom resource's handler takes every path under its type itself (a POST
        # to an object is a create there)
        rt = builtin_by_path(info.group, info.version, info.resource) if info.is_resource else None
        refused = routes.refusal(req.method, info, rt) if rt is not None else None
        if refused is not None:
            await send_status(out, refused[0], refused[1], entry, details={})
            entry.ended("refused", refused[1])
            return True
        custom = self.custom_type(info.collection_path) if info.is_resource and rt is None else None
        if custom is not None and customresources.unrouted(info, custom):
            entry.answered_by = "emulated: nothing served there"
            await self._send(out, entry, *customresources.PAGE_NOT_FOUND)
            return True
        if custom is not None and (refused_custom := customresources.refusal(info, custom)) is not None:
            await send_status(out, refused_custom[0], refused_custom[1], entry, details=refused_custom[2],
                              accept=req.header("Accept"))
            entry.ended("refused", refused_custom[1])
            return True
        accept = req.header("Accept")
        routed = rt is not None or custom is not None
        if routed and req.method == "PATCH" and not routes.connect(info) and not info.legacy_watch_path \
                and (unsupported := unsupported_patch(req.header("Content-Type"), rt is not None)) is not None:
            await send_status(out, unsupported.code, unsupported.body["message"], entry,
                              details=unsupported.body.get("details"), reason=unsupported.body.get("reason"),
                              accept=accept)
            entry.ended("refused", "unsupported media type")
            return True
        if custom is not None and req.method in ("PUT", "PATCH") and not info.name and not info.legacy_watch_path:
            # (the handlers' Namer)
            await send_status(out, 400, "name must be provided", entry, reason="BadRequest", accept=accept)
            entry.ended("refused", "name must be provided")
            return True
        if routed and (unacceptable := routes.not_acceptable(req.method, info, rt is not None, accept)) is not None:
            await send_status(out, 406, unacceptable[0], entry, details=unacceptable[1], accept=accept)
            entry.ended("refused", "not acceptable")
            return True
        if (kept := routes.undeletable(info)) is not None:
            await send_status(out, 403, kept, entry, details={"name": info.name, "kind": "namespaces"})
            entry.ended("refused", kept)
            return True
        return False

    async def serve(self, req: Incoming, out: Responder, entry: LogEntry) -> None:
        info = req.info
        user = await access.authorized(self, req, out, entry)
        if user is None or await self._unroutable(req, out, entry):
            return
        known = builtin_by_path(info.group, info.version, info.resource) if info.is_resource else None
        if known is not None and known.deprecated:  # (the route's handler warns, whatever it answers)
            out = Warned(out, f'299 - "{known.deprecated}"')
        if info.is_resource and (tl := self.timelines.get(info.collection_path)) is not None and tl.metadata_only \
                and (info.verb not in ("get", "list", "watch") or info.subresource or not self.wanted(req).metadata):
            await self._other(req, out, entry)  # only a metadata client's reads can be answered from metadata
            return
        if info.is_resource and (info.group, info.resource) == ("", "componentstatuses") and req.method == "GET":
            await self._component_statuses(req, info, out, entry)
            return
        if info.verb == "create" and (info.group, info.resource) == ("", "bindings") and info.namespace:
            info = dataclasses.replace(info, resource="pods", subresource="binding")  # the pod the Binding names
        if info.verb in writes.WRITE_VERBS and (tl := self._timeline(info)) is not None \
                and info.subresource in writes.SUBRESOURCES:
            try:
                await writes.serve(self, req, tl, out, entry, info, user)
            except HandlerPanic as exc:  # (raised before anything is committed or answered)
                entry.ended("server-closed", f"the apiserver's handler panics: {exc}")
                await out.abort(reset=False)
            return
        wanted = self.wanted(req)
        # (a HEAD that comes this far is a custom resource's, whose handler answers it as a GET: go-restful's
        # routes of a built-in type take GET alone)
        if info.verb == "get" and info.subresource in ("status", "scale", "resize", "ephemeralcontainers") \
                and req.method in ("GET", "HEAD") \
                and (tl := self._timeline(info)) is not None:
            await self._get(req, info, tl, wanted, out, entry)
            return
        if info.verb == "get" and not info.subresource and req.method in ("GET", "HEAD") \
                and (tl := self._timeline(info)) is not None and wanted.media:
            await self._get(req, info, tl, wanted, out, entry)
            return
        tl = self._timeline(info) if info.verb in ("list", "watch") and (not info.name or
                                                                         info.legacy_watch_path) else None
        # (a custom resource's legacy /watch/ path is a watch whatever the method: its handler goes by the verb)
        if tl is None or info.subresource or (req.method not in ("GET", "HEAD") and not (
                info.legacy_watch_path and self.custom_type(info.collection_path) is not None)):
            await self._other(req, out, entry)
            return
        accept = req.header("Accept")
        if not wanted.media:  # (a kind only the recording knows: its routes were not checked)
            await send_status(out, 406, negotiation.NOT_ACCEPTABLE, entry, accept=accept)
            entry.ended("refused", "not acceptable")
            return
        try:
            # (the legacy /watch/.../NAME path watches one object, as a field selector does)
            opts, match = list_request(req.query, info.resource, info.group, info.name,
                                       watch_path=info.legacy_watch_path, watch_list=self.watch_list_defaults)
        except InvalidParams as exc:
            await send_status(out, exc.code, str(exc), entry, details=exc.details, reason=exc.reason, accept=accept)
            entry.ended("refused", str(exc))
            return
        entry.answered_by = f"emulated {tl.resource}"
        metadata = wanted.metadata
        if metadata is not None and metadata[0] == "PartialObjectMetadata" and not opts.watch:
            await send_status(out, 406, _unconvertible(tl.group, tl.kind, False), entry, accept=accept)
            entry.ended("refused", "not acceptable")
            return
        if opts.watch and wanted.media == YAML:  # the watch handler's: no YAML stream
            await send_status(out, 406, negotiation.NOT_ACCEPTABLE_STREAM, entry, accept=accept)
            entry.ended("refused", "not acceptable")
            return
        if opts.watch:
            await self._watch(req, info, tl, opts, match, wanted, out, entry)
        else:
            await self._list(req, info, tl, opts, match, wanted, out, entry)

    async def _list(self, req: Incoming, info: RequestInfo, tl: ResourceTimeline, opts: ListOptions,
                    match: Any, wanted: Wanted, out: Responder, entry: LogEntry) -> None:
        now = await self._fresh(lists.awaited_rv(tl, opts, namespace=info.namespace))
        table = None
        if wanted.table:
            def table(items: list[Change], rv: int, cont: str, remaining: int | None) -> bytes:
                return self._table(tl, items, rv, cont, now, remaining)
        metadata = wanted.metadata
        got = lists.answer(self.cache, tl, info.collection_path, info.namespace, opts, match, now, table,
                           metadata[1] if metadata else "")
        entry.answered(got.code)
        headers = self._headers("list", self.draw.identity(req.method, req.path, req.query)) \
            if got.code == 200 else JSON_HEADERS
        await out.start(got.code, "", headers + got.headers, content_length=len(got.body))
        await out.send(got.body)
        await out.finish()
        entry.ended(got.end, got.detail)

    def _table(self, tl: ResourceTimeline, items: list[Change], rv: int, cont: str, now: float,
               remaining: int | None = None) -> bytes:
        from ...wire.table import table

        return events.dumps(table(tl.resource, [events.printed(c.obj) for c in items], self.wall(now),
                                  resource_version=str(rv), continue_token=cont, remaining=remaining,
                                  learned=self._columns(tl)))

    async def _watch(self, req: Incoming, info: RequestInfo, tl: ResourceTimeline, opts: ListOptions,
                     match: Any, wanted: Wanted, out: Responder, entry: LogEntry) -> None:
        now = self.clock.now()
        path = info.collection_path
        identity = self.draw.identity(req.method, req.path, req.query)
        deadline = now + (opts.timeout_seconds or self.draw.timeout(identity))
        entry.deadline = deadline
        spec = WatchSpec(path, tl, opts, info.namespace, match,
                         bool(opts.label_selector or opts.field_selector), wanted.table,
                         deadline, self.wall, columns=self._columns(tl),
                         metadata=(wanted.metadata or ("", ""))[1])
        stream = WatchStream(self.cache, spec, now, watch_list=self.watch_list_defaults)
        w = OpenWatch(entry, stream)
        self.open.add(w)
        entry.answered(200)
        try:
            await out.start(200, "OK", self._headers("watch", identity))
            await self.watches.serve(w, out)
        finally:
            self.open.discard(w)


def _version(obj: dict[str, Any] | None) -> int | None:
    """An object's resourceVersion as the number the watch cache gave it, None where it has none."""
    rv = str(((obj or {}).get("metadata") or {}).get("resourceVersion", ""))
    return int(rv) if rv.isdigit() else None
