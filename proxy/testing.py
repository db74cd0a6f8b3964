"""Drive a replay from a test: a manual clock, the request log, faults; sync and asyncio clients alike.

The replay runs on its own event loop in a background thread, so a test's client, whether it blocks
(the `kubernetes` package, in a thread) or is asyncio (in the test's own loop), talks to it over a real
socket while the test moves time. Waiting is on conditions the request log signals, never on sleeps.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from .clock import ManualClock
from .engines.emulate.engine import Emulator
from .engines.requestlog import LogEntry
from .server.kubeconfig import write_kubeconfig
from .server.sessions import ReplaySession

T = TypeVar("T")
Manifest = str | os.PathLike[str] | dict[str, Any]


class ApplyError(Exception):
    """A document `Replay.apply` could not write: the apiserver's answer, or what is wrong with it."""


@dataclass(frozen=True)
class Request:
    """One request the client made, as the proxy served it."""

    id: int
    method: str
    path: str
    params: dict[str, str]
    verb: str
    at: float  # virtual time it arrived
    wall: float  # wall-clock time it arrived (time.time()), for backoff measured in real seconds
    ended_at: float | None
    end: str
    events: int
    deadline: float | None  # emulate mode: when the server will close this watch
    status: int
    answered_by: str
    notes: tuple[str, ...]

    @property
    def resource_version(self) -> str | None:
        return self.params.get("resourceVersion")

    @classmethod
    def of(cls, e: LogEntry) -> Request:
        return cls(e.id, e.method, e.path, e.params, e.verb, e.virtual, e.wall, e.end_virtual, e.end or "open",
                   e.events, e.deadline, e.status, e.answered_by, tuple(e.notes))


class Replay:
    """A running replay with a manual clock. Use as a context manager, or the `watchproxy` fixture."""

    def __init__(self, recording: str | os.PathLike[str], *, mode: str = "emulate", seed: int = 0,
                 min_request_timeout: float | None = None, history: float | None = None,
                 faults: tuple[str, ...] = (), read_only: bool = False) -> None:
        """`read_only`: emulate refuses clients' writes (405) instead of applying them."""
        self._tmp = tempfile.TemporaryDirectory(prefix="watchproxy-test-")
        self.kubeconfig = str(Path(self._tmp.name) / "kubeconfig")
        self._kubeconfigs_as = itertools.count(1)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="watchproxy-replay", daemon=True)
        self._changed = threading.Condition()
        self._version = 0
        self._session = ReplaySession(recording, mode=mode, clock="manual", seed=seed,
                                      min_request_timeout=min_request_timeout, history=history,
                                      write_kubeconfig=self.kubeconfig, faults=faults, read_only=read_only)
        assert isinstance(self._session.clock, ManualClock)
        self.clock: ManualClock = self._session.clock
        self.url = ""

    def _call(self, coro: Coroutine[Any, Any, T], timeout: float = 30.0) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    def kubeconfig_as(self, user: str, *groups: str) -> str:
        """The path of a kubeconfig for this replay whose clients impersonate `user` (and `groups`), as kubectl's
        --as does: emulate authorizes them by RBAC, so a controller run with it meets its service account's
        permissions (`system:serviceaccount:NS:NAME`)."""
        path = Path(self._tmp.name) / f"kubeconfig-as-{next(self._kubeconfigs_as)}"
        write_kubeconfig(path, self.url, "default", user, groups)
        return str(path)

    def start(self) -> Replay:
        self._thread.start()
        self._call(self._session.__aenter__())
        self._session.log.listeners.append(self._notify)
        self.url = self._session.url
        return self

    def _notify(self) -> None:
        with self._changed:
            self._version += 1
            self._changed.notify_all()

    def stop(self) -> None:
        """End every open watch cleanly, stop serving and end the loop; fails if a task of the replay
        outlives it."""
        if not self._thread.is_alive():
            return
        try:
            self.end_watches()
            self._call(self._session.__aexit__(None, None, None))
            leftover = self._call(self._pending())
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
            self._loop.close()
            self._tmp.cleanup()
        if leftover:
            raise AssertionError(f"watchproxy replay leaked tasks: {leftover}")

    async def _pending(self) -> list[str]:
        me = asyncio.current_task()
        tasks = [t for t in asyncio.all_tasks() if t is not me and not t.done()]
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        return [repr(t.get_coro()) for t in tasks]

    def __enter__(self) -> Replay:
        return self.start()

    def __exit__(self, t: type[BaseException] | None, e: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    # --- time --------------------------------------------------------------------------------------
    @property
    def now(self) -> float:
        return self.clock.now()

    def advance(self, seconds: float) -> float:
        """Move virtual time forward; every event, bookmark and timeout on the way fires in order."""
        return self._call(self.clock.advance(seconds))

    def advance_to(self, t: float) -> float:
        """Move virtual time to `t` (e.g. a watch's deadline, so its reconnect arrives right then)."""
        return self.advance(max(0.0, t - self.now))

    async def aadvance(self, seconds: float) -> float:
        """`advance` for asyncio tests: runs on the replay's loop without blocking the test's."""
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(self.clock.advance(seconds),
                                                                          self._loop))

    # --- clients -----------------------------------------------------------------------------------
    def end_watches(self) -> int:
        """End every open watch now with its terminating chunk, as an apiserver does when it stops (the
        client sees a normal close, not a fault). Returns how many were open."""
        async def end() -> int:
            return self._session.end_watches()
        return self._call(end())

    def stop_client(self, stop: Callable[[], object], timeout: float = 30.0) -> None:
        """Call a client's blocking stop (e.g. `informer.stop`) while ending the watches it waits in, so
        its threads have finished before the test does (a thread still running at interpreter exit can
        abort the process). Fails if `stop` has not returned within `timeout` seconds."""
        done = threading.Event()

        def run() -> None:
            try:
                stop()
            finally:
                done.set()
                self._notify()

        thread = threading.Thread(target=run, name="watchproxy-stop-client", daemon=True)
        thread.start()
        give_up = time.monotonic() + timeout

        def open_watches(r: Replay) -> int:
            return len([w for w in r.watches() if w.end == "open"])

        while not done.is_set():  # a client may reconnect before it sees the stop: end that watch too
            self.end_watches()
            before = open_watches(self)
            self.wait_for(lambda r: done.is_set() or open_watches(r) > before,  # noqa: B023 (used at once)
                          max(0.0, give_up - time.monotonic()), "the client to stop")
        thread.join()

    # --- faults ------------------------------------------------------------------------------------
    def fault(self, action: str, **spec: Any) -> int:
        """Arm a fault (close, reset, stall, expire, http-status, slow, no-initial-events-end, restart).

        close, reset, expire and restart act at once on the open streams they match (`when="now"`);
        the others arm for coming requests (`when="next"`). Pass `when` to choose. Returns how many open
        streams a "now" fault hit."""
        async def arm() -> int:
            return self._session.arm({"action": action, **spec})
        return self._call(arm())

    # --- what the client did -----------------------------------------------------------------------
    def requests(self, verb: str | None = None, path: str | None = None) -> list[Request]:
        async def snapshot() -> list[Request]:
            return [Request.of(e) for e in self._session.log.entries
                    if (verb is None or e.verb == verb) and (path is None or e.path.startswith(path))]
        return self._call(snapshot())

    def watches(self, path: str | None = None) -> list[Request]:
        return self.requests("watch", path)

    def objects(self, collection_path: str) -> dict[str, str]:
        """What the emulated apiserver holds now for a collection (e.g. /api/v1/pods): "ns/name" -> RV.

        For asserting that a client's cache ended up equal to the server's state."""
        async def snapshot() -> dict[str, str]:
            engine = self._session.engine
            if not isinstance(engine, Emulator):
                raise TypeError("objects() needs emulate mode")
            return engine.objects(collection_path)
        return self._call(snapshot())

    def apply(self, *manifests: Manifest) -> list[dict[str, Any]]:
        """Write objects into an emulated replay as a client would, before (or while) the client under test
        runs: each document of each manifest (a YAML or JSON file, several documents to a file, or a dict)
        is created, or replaces the object of that name. A CustomResourceDefinition is established at once,
        so a manifest may hold definitions and their custom resources. Fields a type does not have are
        refused, as kubectl refuses them. Returns the objects as stored; raises ApplyError with the
        apiserver's message for a document it refuses. The writes are in the request log like any client's."""
        return [self._apply_one(doc) for doc in _documents(manifests)]

    def _apply_one(self, doc: dict[str, Any]) -> dict[str, Any]:
        api_version, kind = str(doc.get("apiVersion") or ""), str(doc.get("kind") or "")
        given = doc.get("metadata")
        meta: dict[str, Any] = given if isinstance(given, dict) else {}
        name = str(meta.get("name") or "")
        if not api_version or not kind or not name:
            raise ApplyError(f"a document needs apiVersion, kind and metadata.name: {json.dumps(doc)[:200]}")
        base = f"/apis/{api_version}" if "/" in api_version else f"/api/{api_version}"
        _, listing = self._http("GET", base)
        entry = next((r for r in (listing or {}).get("resources", []) if r.get("kind") == kind
                      and "/" not in str(r.get("name"))), None)
        if entry is None:
            raise ApplyError(f"the replay serves no {kind} in {api_version}")
        namespace = str(meta.get("namespace") or "default") if entry.get("namespaced") else ""
        collection = f"{base}/namespaces/{namespace}/{entry['name']}" if namespace else f"{base}/{entry['name']}"
        code, stored = self._http("POST", collection, doc)
        if code == 409:
            _, current = self._http("GET", f"{collection}/{name}")
            rv = ((current or {}).get("metadata") or {}).get("resourceVersion", "")
            code, stored = self._http("PUT", f"{collection}/{name}",
                                      {**doc, "metadata": {**meta, "resourceVersion": rv}})
        if code >= 300 or not isinstance(stored, dict):
            message = stored.get("message", "") if isinstance(stored, dict) else ""
            raise ApplyError(f"{kind} {name}: {code} {message}")
        return stored

    def _http(self, method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
        """One request to the replay as a client makes it (kubectl's Strict field validation on writes)."""
        query = "?fieldValidation=Strict" if body is not None else ""
        req = urllib.request.Request(self.url + path + query, method=method,
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Content-Type": "application/json", "Accept": "application/json",
                                              "User-Agent": "watchproxy-testing/apply"})
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return resp.status, json.loads(resp.read() or b"null")
        except urllib.error.HTTPError as exc:
            try:
                return exc.code, json.loads(exc.read() or b"null")
            except ValueError:
                return exc.code, None

    def reconnect_gaps(self, path: str | None = None) -> list[float]:
        """Virtual seconds between each watch's end and the next watch: how fast the client came back."""
        ws = self.watches(path)
        return [b.at - a.ended_at for a, b in itertools.pairwise(ws) if a.ended_at is not None]

    def wait_for(self, predicate: Callable[[Replay], bool], timeout: float = 30.0,
                 what: str = "condition") -> None:
        """Block until `predicate(self)` holds, re-checking whenever a request starts or ends, and every
        50 ms for predicates about the client's own state (what it printed, its cache).

        The predicate runs without the lock held (it asks the replay's loop), so the loop is never
        blocked by a waiting test."""
        give_up = time.monotonic() + timeout
        while True:
            with self._changed:
                seen = self._version
            if predicate(self):
                return
            left = give_up - time.monotonic()
            if left <= 0:
                so_far = [(r.verb, r.path, r.params, r.end) for r in self.requests()]
                raise TimeoutError(f"watchproxy: {what} not reached within {timeout:g}s; requests so far: {so_far}")
            with self._changed:
                if self._version == seen:
                    self._changed.wait(min(left, 0.05))

    def wait_for_watches(self, n: int, *, open_: bool | None = None, timeout: float = 30.0) -> list[Request]:
        """Until the client has made `n` watch requests (with `open_=True`: and the n-th is still open and
        answered, so an emulated one has its deadline: a request is logged as it arrives, before the engine
        takes it)."""
        def ok(r: Replay) -> bool:
            ws = r.watches()
            if len(ws) < n or open_ is None:
                return len(ws) >= n
            return (ws[n - 1].end == "open" and ws[n - 1].status != 0) if open_ else ws[n - 1].end != "open"
        self.wait_for(ok, timeout, f"{n} watch requests")
        return self.watches()


def _documents(manifests: tuple[Manifest, ...]) -> Iterator[dict[str, Any]]:
    """The objects of manifests: dicts as they are, files read as YAML (JSON is YAML too), empty documents
    skipped; a `List` is its items."""
    import yaml

    for m in manifests:
        docs = [m] if isinstance(m, dict) else list(yaml.safe_load_all(Path(m).read_text()))
        for doc in docs:
            if isinstance(doc, dict) and doc.get("kind") == "List" and isinstance(doc.get("items"), list):
                yield from (d for d in doc["items"] if isinstance(d, dict))
            elif isinstance(doc, dict):
                yield doc
            elif doc is not None:
                raise ApplyError(f"{m}: a document is not an object")

