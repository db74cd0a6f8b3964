"""List and get answers, as the apiserver's watch cache gives them: which state (now, an exact
resourceVersion, a continue token's), which items (namespace, selectors, `limit`), the errors (410, 504,
400, 404), the body. Events are the exception: kube-apiserver keeps no watch cache for them
(DefaultWatchCacheSizes), so their reads are etcd's, which honours `limit` at resourceVersion "0", answers a
resourceVersion it has not reached at once and without a retry, and writes continue keys without the
leading slash.

Pure: the caller says when (`now`) and how to render a Table; the answer is a status and the bytes.
Emulate sends it; synth records it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..wire.kinds import is_custom_group
from ..wire.names import dns_label
from ..wire.params import InvalidParams, ListOptions, invalid_resource_version
from ..wire.selectors import parse_field_selector
from ..wire.status import status_bytes
from . import encode
from .changes import Change, Key, in_key_order
from .history import ResourceTimeline, WatchCache

# (items, resourceVersion, continue, remainingItemCount) -> Table JSON
TableRenderer = Callable[[list[Change], int, str, int | None], bytes]


@dataclass(frozen=True, slots=True)
class Answer:
    code: int
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()
    end: str = "complete"  # how the request log says it ended
    detail: str = ""
    items: int = 0
    more: bool = False  # a page: `continue` says where the rest starts


def refused(code: int, message: str, end: str, details: dict[str, Any] | None = None,
            headers: tuple[tuple[str, str], ...] = ()) -> Answer:
    return Answer(code, status_bytes(code, message, details=details), headers, end, message)


def _too_large(tl: ResourceTimeline, rv: int, current: int, etcd: bool = False) -> Answer:
    """The answer to a read at a resourceVersion not reached: the watch cache's after waiting 3 s, with a
    retry in a second; etcd's at once, without one (`etcd`: a read the cacher hands to it)."""
    cached = tl.watch_cached and not etcd
    doc = encode.too_large(rv, current, cached)
    return Answer(504, encode.dumps(doc) + b"\n", (("Retry-After", "1"),) if cached else (), "refused",
                  doc["message"])


def _exact(opts: ListOptions) -> bool:
    """An exact read: resourceVersionMatch=Exact, or a limit with a resourceVersion and no match (the legacy
    one: delegator.ShouldDelegateList)."""
    return opts.resource_version_match == "Exact" or (
        not opts.resource_version_match and bool(opts.limit) and opts.resource_version not in ("", "0"))


def _etcds(tl: ResourceTimeline, namespace: str, opts: ListOptions) -> bool:
    """Whether the cacher hands a list to etcd: an exact one of a single object by name, a read of its key
    (ShouldDelegateExactRV: not recursive)."""
    return _exact(opts) and _scope(tl, namespace, opts)[1] is not None


def awaited_rv(tl: ResourceTimeline, opts: ListOptions | None = None, resource_version: str = "",
               namespace: str = "") -> int | None:
    """The resourceVersion a list (`opts`, in `namespace`) or a get (`resource_version`) waits for: the watch
    cache blocks up to 3 s until it has reached the one asked for, a continue token's included, before answering
    (waitUntilFreshLocked). A consistent read, resourceVersion "0", etcd's reads (events, an exact read of one
    object) and one that does not parse wait for nothing."""
    if not tl.watch_cached:
        return None
    wanted = resource_version
    if opts is not None:
        if _etcds(tl, namespace, opts):
            return None
        wanted = opts.resource_version
        if opts.continue_token:
            try:
                return encode.parse_continue(opts.continue_token)[0]
            except ValueError:
                return None
    return int(wanted) if wanted.isdigit() and wanted.strip("0") else None


def start_key(key: Key, namespace: str, cached: bool = True) -> str:
    """An object's storage key relative to the listed collection, as continue tokens carry it: `/name` in
    a namespace's list, `/namespace/name` in a cluster-wide one (storage.EncodeContinue via the cacher);
    etcd's own lists (events) leave out the leading slash."""
    ns, name = key
    relative = name if namespace or not ns else f"{ns}/{name}"
    return "/" + relative if cached else relative


def list_meta(rv: int, cont: str, remaining: int | None, custom: bool = False) -> dict[str, Any]:
    """A list's metadata: a custom resource's (unstructured, keys sorted) holds `continue` even when empty;
    the count of the items after a page only when it is known (PrepareContinueToken)."""
    meta: dict[str, Any] = {"continue": cont, "resourceVersion": str(rv)} if custom else {"resourceVersion": str(rv)}
    if cont:
        meta["continue"] = cont
        if remaining is not None:
            meta["remainingItemCount"] = remaining
    return meta


def body(tl: ResourceTimeline, items: list[Change], rv: int, cont: str = "", remaining: int | None = 0) -> bytes:
    """A JSON list body, with the newline Go's encoder ends it with."""
    if is_custom_group(tl.group):
        return _custom_body(tl, items, rv, cont, remaining)
    meta = list_meta(rv, cont, remaining)
    head = encode.dumps({"kind": tl.list_kind, "apiVersion": tl.api_version, "metadata": meta})
    return head[:-1] + b',"items":[' + b",".join(encode.list_item(c) for c in items) + b"]}\n"


def metadata_body(items: list[Change], rv: int, cont: str, remaining: int | None, version: str) -> bytes:
    """A metadata client's list body (encode.metadata_list)."""
    return encode.dumps(encode.metadata_list([c.obj for c in items], list_meta(rv, cont, remaining), version)) + b"\n"


def _custom_body(tl: ResourceTimeline, items: list[Change], rv: int, cont: str, remaining: int | None) -> bytes:
    """A custom resource's list as the apiserver's unstructured encoder writes it: keys sorted, items whole
    (with their kind and apiVersion), and `continue` present even when empty."""
    meta = list_meta(rv, cont, remaining, custom=True)
    head = encode.dumps({"apiVersion": tl.api_version, "items": [], "kind": tl.list_kind, "metadata": meta})
    return head.replace(b'"items":[]', b'"items":[' + b",".join(c.raw for c in items) + b"]", 1) + b"\n"


@dataclass(frozen=True, slots=True)
class Page:
    """What a list finds: its items, the resourceVersion it read at, where the rest starts and how many are
    left (known only when nothing was filtered)."""
    items: list[Change]
    rv: int
    cont: str
    remaining: int | None


def answer(cache: WatchCache, tl: ResourceTimeline, path: str, namespace: str, opts: ListOptions,
           match: Callable[[dict[str, Any]], bool], now: float, table: TableRenderer | None = None,
           metadata: str = "") -> Answer:
    """The list `opts` asks for at `now`; `table` renders a Table when the client asked for one, and
    `metadata` (a meta.k8s.io version) makes it a PartialObjectMetadataList."""
    got = page(cache, tl, path, namespace, opts, match, now)
    if isinstance(got, Answer):
        return got
    items, rv, cont, remaining = got.items, got.rv, got.cont, got.remaining
    data = table(items, rv, cont, remaining) + b"\n" if table is not None else \
        metadata_body(items, rv, cont, remaining, metadata) if metadata else body(tl, items, rv, cont, remaining)
    return Answer(200, data, items=len(items), more=bool(cont))


def page(cache: WatchCache, tl: ResourceTimeline, path: str, namespace: str, opts: ListOptions,
         match: Callable[[dict[str, Any]], bool], now: float) -> Page | Answer:
    """The page `opts` asks for at `now`, or the refusal of the request."""
    current = cache.current_rv(now)
    begin = ""
    if opts.continue_token:
        try:
            rv, begin = encode.parse_continue(opts.continue_token)
        except ValueError as exc:
            return refused(400, f"invalid continue token: {exc}", "refused")
        if opts.resource_version not in ("", "0"):  # checked once the token is read, as the apiserver does
            return refused(400, "specifying resource version is not allowed when using continue", "refused")
        if rv < cache.oldest_rv(path, now):
            return refused(410, "The provided continue parameter is too old to display a consistent list "
                                "result. You can start a new list without the continue parameter.", "expired")
        state = cache.state_upto(path, cache.index_after_rv(path, rv))
    elif _exact(opts):
        try:
            rv = int(opts.resource_version)
        except ValueError as exc:
            return refused(400, str(exc), "refused")
        etcd = _etcds(tl, namespace, opts)
        if rv > current:
            return _too_large(tl, rv, current, etcd=etcd)
        if etcd and not opts.resource_version_match:
            # the legacy exact read is a recursive list's alone (storage.ValidateListOptions): etcd reads one
            # object's key at its current revision, the resourceVersion only a minimum
            rv, state = current, cache.state(path, now)
        elif rv < cache.oldest_rv(path, now):
            return refused(410, "The resourceVersion for the provided list is too old.", "expired")
        else:
            state = cache.state_upto(path, cache.index_after_rv(path, rv))
    else:
        rv = current
        if not opts.resource_version:  # a consistent read: the resource's cache is synced to `current` first
            cache.synced(path, now, current)
        if opts.rv_int is not None and opts.rv_int > current:
            return _too_large(tl, opts.rv_int, current)
        state = cache.state(path, now)
    cached = tl.watch_cached
    namespace, single = _scope(tl, namespace, opts)
    scanned = [(key, ch) for key, ch in in_key_order(state)
               if (not namespace or key[0] == namespace) and (single is None or key[1] == single)
               and start_key(key, namespace, cached) > begin]
    # the watch cache gives all of its state at resourceVersion "0", whatever the limit (computeListLimit)
    limit = 0 if cached and opts.resource_version == "0" else opts.limit
    cont = ""
    remaining: int | None = None
    if not (opts.label_selector or opts.field_selector):
        items = [ch for _, ch in scanned]
        more = bool(limit) and len(items) > limit
        remaining = len(items) - limit if more else None
    else:
        # filtered as they are scanned, up to the limit-th match: more if anything at all is left to scan,
        # and no count of it
        items, more = [], False
        for j, (_, ch) in enumerate(scanned):
            if match(ch.obj):
                items.append(ch)
            if limit and len(items) >= limit:
                more = j < len(scanned) - 1
                break
    if more:
        items = items[:limit]
        cont = encode.continue_token(rv, start_key(items[-1].key, namespace, cached) + "\x00")
    return Page(items, rv, cont, remaining)


def _scope(tl: ResourceTimeline, namespace: str, opts: ListOptions) -> tuple[str, str | None]:
    """The namespace a list reads and the one name it reads, if any (registry Store.ListPredicate): a field
    selector naming one namespace narrows a cluster-wide list to it, and one naming one object (where its
    key is known) reads that key alone; neither with a continue token."""
    if opts.continue_token or not opts.field_selector:
        return namespace, None
    try:
        terms = parse_field_selector(opts.field_selector, tl.resource, tl.group)
    except InvalidParams:
        return namespace, None
    exact = {r.field: r.value for r in reversed(terms) if r.equal}
    if not namespace and tl.namespaced and (selected := exact.get("metadata.namespace")) and not dns_label(selected):
        namespace = selected
    name = exact.get("metadata.name")
    return namespace, name if name is not None and (namespace or not tl.namespaced) else None


def not_found_answer(tl: ResourceTimeline, name: str) -> Answer:
    """The 404 of an object (or a subresource) that is not there."""
    return Answer(404, encode.dumps(encode.not_found(tl.group, tl.resource, name)) + b"\n", end="complete",
                  detail="not found")


def get_answer(cache: WatchCache, tl: ResourceTimeline, path: str, namespace: str, name: str, now: float,
               render: Callable[[Change], bytes | Answer] | None = None, resource_version: str = "") -> Answer:
    """One object as the cluster holds it at `now` (not as some recorded get once saw it), ended with the
    newline Go's encoder writes; `render` gives another view of it (a Table, its metadata, its scale), or
    the refusal of one it cannot give. A `resource_version` asks for a state not older than it: one the cache
    has not reached is the watch cache's 504, one that does not parse the storage's 500."""
    if invalid := invalid_resource_version(resource_version):
        return Answer(500, status_bytes(500, invalid, ""), end="refused", detail=invalid)
    current = cache.current_rv(now)
    if resource_version and int(resource_version) > current:
        return _too_large(tl, int(resource_version), current)
    ch = cache.state(path, now).get((namespace, name))
    if ch is None:
        return not_found_answer(tl, name)
    if render is None:
        return Answer(200, ch.raw + b"\n", items=1)
    shown = render(ch)
    return shown if isinstance(shown, Answer) else Answer(200, shown + b"\n", items=1)
