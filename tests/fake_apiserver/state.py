"""The stand-in's storage: an etcd-like multi-version store with one global resourceVersion.

Watches from a given resourceVersion, lists at an exact resourceVersion, paginated lists whose continue
token pins a resourceVersion, and 410 for versions older than the retained history all depend on being
able to answer "what did the world look like at RV N" and "what changed after RV N". A revision log
with the previous state of each change answers both, and compaction is just dropping its head.
"""

from __future__ import annotations

import asyncio
import copy
import random
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from .encoding import JsonObject, now_utc, rfc3339
from .objects import ResourceType, normalize, random_uid, resource_for

Key = tuple[str, str]  # (namespace or "", name)


class AlreadyExists(KeyError):
    """Creating an object whose name is taken (the apiserver's 409 AlreadyExists)."""


class NotFound(KeyError):
    """Changing or reading an object that does not exist (the apiserver's 404 NotFound)."""


class Expired(Exception):
    """A resourceVersion older than the retained history (the apiserver's 410 Expired)."""

    def __init__(self, requested: int, compacted: int) -> None:
        super().__init__(f"too old resource version: {requested} ({compacted})")
        self.requested = requested
        self.compacted = compacted


@dataclass(frozen=True)
class Revision:
    """One change: the object after it (for DELETED, its last state stamped with the deletion RV)
    and the state before it, which watches need for selector transitions and lists for time travel."""

    rv: int
    type: str
    resource: ResourceType
    key: Key
    obj: JsonObject
    prev: JsonObject | None


def object_key(obj: JsonObject) -> Key:
    """The storage key of an object: its namespace ("" when cluster-scoped) and name."""
    meta = obj.get("metadata") or {}
    return (str(meta.get("namespace") or ""), str(meta.get("name") or ""))


def sort_key(key: Key) -> str:
    """etcd orders keys as strings ``namespace/name``; lists and continue tokens follow that order."""
    return f"{key[0]}/{key[1]}" if key[0] else key[1]


Subscriber = Callable[[Revision], None]


class Store:
    """In-memory objects per resource, a global RV counter and the retained revision log.

    All mutating methods are synchronous and must be called on the event loop's thread: fan-out to
    watches then happens before the caller continues, so a test that creates an object right after a
    watch was registered knows the watch will see it.
    """

    def __init__(
        self,
        *,
        initial_resource_version: int = 1000,
        history_limit: int | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.resource_version = initial_resource_version
        # Each resource's watch cache RV: its own newest change, or the cluster's at the last sync
        # (progress_notify); what that resource's bookmarks carry, as on a real apiserver.
        self._cache_rv: dict[ResourceType, int] = {}
        self._progress_rv = initial_resource_version
        # Watches may start from any RV >= compacted; events with rv <= compacted are gone.
        self.compacted = initial_resource_version
        self.history_limit = history_limit
        self.rng = rng or random.Random(0)
        self._objects: dict[ResourceType, dict[Key, JsonObject]] = {}
        self._log: deque[Revision] = deque()
        self._subscribers: list[Subscriber] = []
        self._rv_waiters: list[tuple[int, asyncio.Future[None]]] = []

    # --- reading ---------------------------------------------------------------------------------------

    def get(self, resource: str | ResourceType, namespace: str | None, name: str) -> JsonObject | None:
        """A deep copy of the current object, or None."""
        rt = resource_for(resource)
        obj = self._objects.get(rt, {}).get(((namespace or "default") if rt.namespaced else "", name))
        return copy.deepcopy(obj) if obj is not None else None

    def objects(self, resource: str | ResourceType, namespace: str | None = None) -> list[JsonObject]:
        """Current objects of a resource (optionally one namespace) in etcd key order, deep-copied."""
        items, _ = self.list_at(resource_for(resource), namespace)
        return items

    def list_at(
        self, rt: ResourceType, namespace: str | None = None, at: int | None = None
    ) -> tuple[list[JsonObject], int]:
        """Objects at RV ``at`` (default: now) in key order, and the RV the list represents.

        Raises :class:`Expired` when ``at`` predates the retained history.
        """
        rv = self.resource_version if at is None else at
        if at is not None and at < self.compacted:
            raise Expired(at, self.compacted)
        state = self._state_at(rt, rv)
        keys = sorted((k for k in state if namespace is None or k[0] == namespace), key=sort_key)
        return [copy.deepcopy(state[k]) for k in keys], rv

    def _state_at(self, rt: ResourceType, rv: int) -> dict[Key, JsonObject]:
        state = dict(self._objects.get(rt, {}))
        for revision in reversed(self._log):
            if revision.rv <= rv:
                break
            if revision.resource is not rt:
                continue
            if revision.prev is None:
                state.pop(revision.key, None)
            else:
                state[revision.key] = revision.prev
        return state

    def revisions_after(self, rt: ResourceType, rv: int) -> list[Revision]:
        """Changes to ``rt`` with resourceVersion > ``rv``; :class:`Expired` if ``rv`` is too old."""
        if rv < self.compacted:
            raise Expired(rv, self.compacted)
        return [r for r in self._log if r.rv > rv and r.resource is rt]

    # --- writing ---------------------------------------------------------------------------------------

    def _next_rv(self) -> int:
        self.resource_version += 1
        return self.resource_version

    def _stamp(self, obj: JsonObject, rt: ResourceType, rv: int) -> JsonObject:
        stamped = normalize(obj, rt)
        meta = stamped["metadata"]
        meta["resourceVersion"] = str(rv)
        if rt.namespaced:
            meta.setdefault("namespace", "default")
        else:
            meta.pop("namespace", None)
        if not meta.get("uid"):
            meta["uid"] = random_uid(self.rng)
        if not meta.get("creationTimestamp"):
            meta["creationTimestamp"] = rfc3339(now_utc())
        return normalize(stamped, rt)

    def create(self, obj: JsonObject) -> JsonObject:
        """Store a new object (ADDED); returns the stored copy with its resourceVersion."""
        rt = resource_for(obj)
        meta = obj.get("metadata") or {}
        if not meta.get("name") and meta.get("generateName"):
            obj = copy.deepcopy(obj)
            obj["metadata"]["name"] = meta["generateName"] + "".join(
                self.rng.choice("bcdfghjklmnpqrstvwxz2456789") for _ in range(5)
            )
        if not (obj.get("metadata") or {}).get("name"):
            raise ValueError("object has no metadata.name")
        probe = self._stamp(obj, rt, 0)
        key = object_key(probe)
        if key in self._objects.get(rt, {}):
            raise AlreadyExists(f'{rt.group_resource} "{key[1]}" already exists')
        stored = self._stamp(obj, rt, self._next_rv())
        self._objects.setdefault(rt, {})[key] = stored
        self._record(Revision(self.resource_version, "ADDED", rt, key, stored, None))
        return copy.deepcopy(stored)

    def update(self, obj: JsonObject) -> JsonObject:
        """Replace an existing object (MODIFIED); returns the stored copy with its new resourceVersion."""
        rt = resource_for(obj)
        key = object_key(self._stamp(obj, rt, 0))
        current = self._objects.get(rt, {}).get(key)
        if current is None:
            raise NotFound(f'{rt.group_resource} "{key[1]}" not found')
        new = copy.deepcopy(obj)
        new.setdefault("metadata", {})
        new["metadata"]["uid"] = current["metadata"]["uid"]
        new["metadata"]["creationTimestamp"] = current["metadata"]["creationTimestamp"]
        stored = self._stamp(new, rt, self._next_rv())
        self._objects[rt][key] = stored
        self._record(Revision(self.resource_version, "MODIFIED", rt, key, stored, current))
        return copy.deepcopy(stored)

    def delete(self, resource: str | ResourceType, namespace: str | None, name: str) -> JsonObject:
        """Remove an object (DELETED); returns its last state stamped with the deletion's RV."""
        rt = resource_for(resource)
        key = ((namespace or "default") if rt.namespaced else "", name)
        current = self._objects.get(rt, {}).pop(key, None)
        if current is None:
            raise NotFound(f'{rt.group_resource} "{name}" not found')
        last = copy.deepcopy(current)
        last["metadata"]["resourceVersion"] = str(self._next_rv())
        self._record(Revision(self.resource_version, "DELETED", rt, key, last, current))
        return copy.deepcopy(last)

    def advance(self, count: int = 1) -> int:
        """Move the global RV on without touching watched objects, as writes to other resources do (watch
        caches learn it at the next progress_notify)."""
        for _ in range(count):
            self._next_rv()
        self._wake_rv_waiters()
        return self.resource_version

    def compact(self, rv: int | None = None) -> int:
        """Forget history up to ``rv`` (default: now), so watches and exact lists from older RVs get 410."""
        target = self.resource_version if rv is None else min(rv, self.resource_version)
        self.compacted = max(self.compacted, target)
        while self._log and self._log[0].rv <= self.compacted:
            self._log.popleft()
        return self.compacted

    def cache_rv(self, rt: ResourceType) -> int:
        """The resourceVersion of `rt`'s watch cache: what its bookmarks carry."""
        return max(self._cache_rv.get(rt, 0), self._progress_rv)

    def progress_notify(self) -> int:
        """A sync of every watch cache to the cluster's resourceVersion (on a real 1.37 apiserver each resource's
        about once a minute: the object-count poll's consistent read), so bookmarks of quiet resources then
        have news."""
        self._progress_rv = self.resource_version
        return self._progress_rv

    def _record(self, revision: Revision) -> None:
        self._cache_rv[revision.resource] = revision.rv
        self._log.append(revision)
        if self.history_limit is not None:
            while len(self._log) > self.history_limit:
                dropped = self._log.popleft()
                self.compacted = max(self.compacted, dropped.rv)
        for subscriber in list(self._subscribers):
            subscriber(revision)
        self._wake_rv_waiters()

    # --- watching --------------------------------------------------------------------------------------

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        """Call ``subscriber`` with every future revision; returns the function that unsubscribes."""
        self._subscribers.append(subscriber)

        def unsubscribe() -> None:
            if subscriber in self._subscribers:
                self._subscribers.remove(subscriber)

        return unsubscribe

    def _wake_rv_waiters(self) -> None:
        still: list[tuple[int, asyncio.Future[None]]] = []
        for wanted, future in self._rv_waiters:
            if self.resource_version >= wanted:
                if not future.done():
                    future.set_result(None)
            else:
                still.append((wanted, future))
        self._rv_waiters = still

    async def wait_for_resource_version(self, rv: int, patience: float) -> bool:
        """Wait until the store has reached ``rv``; False after ``patience`` seconds.

        The watch cache does the same for a resourceVersion "from the future" before it gives up
        with 504 "Too large resource version".
        """
        if self.resource_version >= rv:
            return True
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._rv_waiters.append((rv, future))
        try:
            await asyncio.wait_for(future, patience)
        except TimeoutError:
            return False
        return True

    def __iter__(self) -> Iterator[JsonObject]:
        for per_resource in self._objects.values():
            for obj in per_resource.values():
                yield copy.deepcopy(obj)
