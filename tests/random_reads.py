"""Seeded random reads after a random write sequence (tests/random_writes.py): watches and lists of the
sequence's collection from the resourceVersion before the writes, from their middle, from now, from 0 or
none, with label and field selectors, initial events and bookmarks, in pages, some again as a metadata client
and as Tables; watches of one object by the legacy /watch/ path; gets; and watches open while the writes
happen. The same reads go to the real kube-apiserver and to a replay, and their answers are compared once
reduced (random_writes.reduce; initial events of generated names, which their random suffixes order, in a
canonical order; times and allocated addresses aside)."""

from __future__ import annotations

import concurrent.futures
import dataclasses
import http.client
import json
import random
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from watchproxy.testing import Replay

from tests import random_writes, rawhttp

# the fields each kind's selectors may name (and some values the sequences give them)
_FIELDS = {
    "configmaps": ("metadata.name=b", "metadata.name!=a", "metadata.namespace={ns}"),
    "pods": ("status.phase=Pending", "status.phase!=Running", "spec.nodeName=", "spec.nodeName!=", "spec.nodeName=n1",
             "spec.restartPolicy=Always", "spec.schedulerName=default-scheduler", "spec.serviceAccountName=default",
             "spec.hostNetwork=false", "status.podIP=", "status.nominatedNodeName=", "metadata.name=p1"),
    "events": ("involvedObject.name=p", "involvedObject.kind=Pod", "reason=Started", "type=Normal", "type!=Warning",
               "source=kubelet", "reportingComponent=", "involvedObject.fieldPath="),
    "newevents": ("regarding.name=p", "regarding.kind=Pod", "reason=Started", "type=Normal",
                  "deprecatedSource=kubelet", "reportingController=", "regarding.fieldPath="),
    "secrets": ("type=Opaque", "type!=Opaque", "type=kubernetes.io/tls"),
    "services": ("spec.type=ClusterIP", "spec.type!=NodePort", "spec.clusterIP=None", "spec.clusterIP="),
    "jobs": ("status.successful=0", "status.successful=1"),
}
_META_FIELDS = ("metadata.name=a", "metadata.name!=b", "metadata.namespace={ns}")  # every kind's
_LABELS = ("", "", "x=1", "x!=1", "y", "!y", "x in (1,2)", "x notin (1)", "x=1,y", "app", "app=web")
_MARKS = ("start", "start", "mid", "mid", "now", "0", "")  # where a read starts: see `answer`


@dataclass(frozen=True)
class Read:
    query: dict[str, str]  # a resourceVersion as a mark: start, mid or now
    watch: bool
    name: str = ""  # a watch of this one object by the legacy /watch/.../NAME path
    view: str = ""  # "metadata": as a metadata client asks (PartialObjectMetadata[List]); "table": as kubectl get

    def __str__(self) -> str:
        return f"{'watch' if self.watch else 'list'} {self.name} {self.query} {self.view}"

    def headers(self) -> dict[str, str]:
        kind = {"table": "Table", "metadata": "PartialObjectMetadata" + ("" if self.watch else "List")}.get(self.view)
        return {"Accept": f"application/json;as={kind};g=meta.k8s.io;v=v1"} if kind else {}


def reads(collection: str, seed: int, n: int) -> list[Read]:
    r = random.Random(seed)
    out = []
    for _ in range(n):
        watch = r.random() < 0.6
        query: dict[str, str] = {}
        if mark := r.choice(_MARKS):
            query["resourceVersion"] = mark
        if label := r.choice(_LABELS):
            query["labelSelector"] = label
        if r.random() < 0.6:
            query["fieldSelector"] = ",".join(r.sample(_FIELDS.get(collection, _META_FIELDS), r.choice((1, 2))))
        if watch and r.random() < 0.3:
            query.update(allowWatchBookmarks="true")
        if watch and r.random() < 0.25:
            query.update(sendInitialEvents="true", allowWatchBookmarks="true", resourceVersionMatch="NotOlderThan")
        if not watch and mark and r.random() < 0.4:
            query["resourceVersionMatch"] = r.choice(("Exact", "NotOlderThan"))
        if not watch and r.random() < 0.6:
            query["limit"] = str(r.choice((1, 2, 3, 500)))
        out.append(Read(query, watch, r.choice(("a", "b")) if watch and r.random() < 0.15 else ""))
    return out


def answer(server: rawhttp.Server, ns: str, collection: str, read: Read, marks: dict[str, str], timeout: int = 1
           ) -> Any:
    """The code and the reduced events of a one-second watch, or the pages of a list (each page's metadata
    but its continue token and resourceVersion, whether it had a next, its items or a Table's rows in a
    canonical order)."""
    path, query = _target(ns, collection, read, marks)
    if read.watch:
        query = {"watch": "1", "timeoutSeconds": str(timeout), **query}
        code, doc, _ = rawhttp.call(*server, "GET", f"{path}?{_encoded(query)}", headers=read.headers())
        return (code, _events(doc)) if code == 200 else (code, _reduced(doc))
    pages: list[Any] = []
    generated: list[str] = []  # which page holds which generated name is their random suffixes' doing
    while len(pages) < 10:
        code, doc, _ = rawhttp.call(*server, "GET", f"{path}?{_encoded(query)}", headers=read.headers())
        if code != 200:
            return [*pages, (code, _reduced(doc)), sorted(generated)]
        cont = doc["metadata"].get("continue", "")
        metadata = {k: v for k, v in doc["metadata"].items() if k not in ("continue", "resourceVersion")}
        metadata["items"] = "null" if doc.get("items") is None else "list"  # (a metadata list's empty items)
        metadata["columns"] = [c.get("name") for c in doc.get("columnDefinitions") or []]
        items = [json.dumps(_reduced(i), sort_keys=True) for i in doc["items"] or []] if "rows" not in doc \
            else _rows(doc)
        generated += [i for i in items if '"g-XXXXX"' in i]
        pages.append((metadata, bool(cont), sorted("GENERATED" if '"g-XXXXX"' in i else i for i in items)))
        if not cont:
            break
        query = {k: v for k, v in query.items() if k not in ("resourceVersion", "resourceVersionMatch")}
        query["continue"] = cont
    return [*pages, sorted(generated)]


_BY_NATURE = ("Age", "Last Seen", "First Seen", "Duration", "TimeAdded", "Cluster-IP")  # times, allocated addresses


def _rows(table: dict[str, Any]) -> list[str]:
    """A Table's rows reduced: their cells (those of times and allocated addresses aside) and objects."""
    columns = table.get("columnDefinitions") or []
    aside = {i for i, c in enumerate(columns) if c.get("name") in _BY_NATURE or c.get("type") == "date"}
    return [json.dumps([[None if i in aside else random_writes.reduce(c) for i, c in enumerate(row.get("cells", []))],
                        _reduced(row.get("object"))], sort_keys=True) for row in table.get("rows") or []]


def _target(ns: str, collection: str, read: Read, marks: dict[str, str]) -> tuple[str, dict[str, str]]:
    """The path and query of a read, its mark replaced by the server's resourceVersion."""
    path = random_writes.collection_path(collection, ns)
    if read.name:  # /api/v1/watch/..., /apis/GROUP/VERSION/watch/...
        parts = path.split("/")
        at = 3 if parts[1] == "api" else 4
        path = "/".join([*parts[:at], "watch", *parts[at:], read.name])
    return path, {k: marks.get(v, v) if k == "resourceVersion" else v.replace("{ns}", ns)
                  for k, v in read.query.items()}


def _reduced(doc: Any) -> Any:
    """random_writes.reduce, every resourceVersion alike (a bootstrap object's has fewer digits than it evens
    out)."""
    out = random_writes.reduce(doc)
    if isinstance(out, dict) and isinstance(out.get("metadata"), dict) and "resourceVersion" in out["metadata"]:
        out["metadata"]["resourceVersion"] = "N"
    return out


def _encoded(query: dict[str, str]) -> str:
    return "&".join(f"{k}={quote(v)}" for k, v in query.items())


def _events(doc: Any) -> list[tuple[str, Any]]:
    """A watch's events reduced; bookmarks without the initial-events-end annotation (a DaemonSet's carry its
    template generation's) left out: whether one comes in a short watch is the clock's doing and the
    cluster's (the real apiserver sends a watch-list's first-tick bookmark once any write anywhere has moved
    its resourceVersion)."""
    lines = doc["text"].splitlines() if "text" in doc else [json.dumps(doc)]  # (one line parses whole)
    events = [(e["type"], e["object"]["metadata"].get("annotations") if e["type"] == "BOOKMARK"
               else _reduced(e["object"])) for e in map(json.loads, filter(None, lines))]
    events = [e for e in events if e[0] != "BOOKMARK" or "k8s.io/initial-events-end" in (e[1] or {})]
    out: list[tuple[str, Any]] = []
    generated: list[tuple[str, Any]] = []  # a run of ADDED events of generated names, in the suffixes' order
    for event in [*events, ("", None)]:
        if event[0] == "ADDED" and event[1]["metadata"].get("name") == "g-XXXXX":
            generated.append(event)
            continue
        out += sorted(generated, key=lambda e: json.dumps(e, sort_keys=True))
        generated = []
        out.append(event)
    return out[:-1]


def _mark(server: rawhttp.Server, ns: str, collection: str) -> str:
    """The collection's resourceVersion now, on `server`."""
    code, doc, _ = rawhttp.call(*server, "GET", random_writes.collection_path(collection, ns))
    assert code == 200, doc
    return str(doc["metadata"]["resourceVersion"])


def differences(real: rawhttp.Server, replay: Replay, ns: str, collection: str, sequence: list[random_writes.Op],
                seed: int, n: int, probe: random_writes.Settler | None = None) -> list[tuple[Read, Any, Any]]:
    """Runs `sequence` on both servers, marking the resourceVersion of the collection before, in the middle
    and after, then gets every object it names from each mark, then makes `n` reads from `seed`, the first
    four lists and two watches of them again as a metadata client, and the four lists as Tables; the reads
    whose answers differ (a get as a Read of its name that is no watch)."""
    servers = (real, (replay.url, ""))
    marks: list[dict[str, str]] = [{"start": _mark(s, ns, collection)} for s in servers]
    for part, at in ((sequence[:len(sequence) // 2], "mid"), (sequence[len(sequence) // 2:], "now")):
        random_writes.run(real, ns, part, probe=probe)
        random_writes.run(servers[1], ns, part)
        for server, marked in zip(servers, marks, strict=True):
            marked[at] = _mark(server, ns, collection)
    out = []
    for name in sorted({op.name for op in sequence if op.collection == collection and op.name}):
        for at in ("start", "mid", "now", "0", ""):  # a get of each object the sequence names, from each mark
            path = f"{random_writes.collection_path(collection, ns)}/{name.replace('{ns}', ns)}?resourceVersion="
            got, emulated = ((code, _reduced(doc)) for code, doc, _ in
                             (rawhttp.call(*s, "GET", path + m.get(at, at)) for s, m in zip(servers, marks,
                                                                                             strict=True)))
            if got != emulated:
                out.append((Read({"resourceVersion": at}, False, name), got, emulated))
    chosen = reads(collection, seed, n)
    lists = [read for read in chosen if not read.watch][:4]
    again = [*(dataclasses.replace(read, view="metadata") for read in lists + [r for r in chosen if r.watch][:2]),
             *(dataclasses.replace(read, view="table") for read in lists)]
    for read in [*chosen, *again]:
        got = answer(real, ns, collection, read, marks[0])
        def emulated_answer(read: Read = read) -> Any:
            return answer(servers[1], ns, collection, read, marks[1])
        emulated = rawhttp.ending_watch(replay, emulated_answer) if read.watch else emulated_answer()
        if got != emulated:
            out.append((read, got, emulated))
    return out


_LIVE_SECONDS = 10  # a live watch's timeout: longer than a sequence's writes take on the real apiserver


def live_differences(real: rawhttp.Server, replay: Replay, ns: str, collection: str,
                     sequence: list[random_writes.Op], seed: int, n: int,
                     probe: random_writes.Settler | None = None) -> list[tuple[Read, Any, Any]]:
    """The first `n` watches of the reads from `seed` that start from before `sequence`, 0 or none, opened on
    both servers before it runs and read as its writes happen: events as the watch cache (emulate's fan-out)
    delivers them live rather than as a backlog; those whose events differ (a replay's writes all happen at
    one instant of its clock, the real apiserver's over a second or two: see _events for its bookmarks)."""
    watches = [r for r in reads(collection, seed, 4 * n)
               if r.watch and r.query.get("resourceVersion", "") in ("start", "0", "")][:n]
    servers = (real, (replay.url, ""))
    opened = []
    for server in servers:
        marks = {"start": _mark(server, ns, collection)}
        opened.append([_opened(server, *_target(ns, collection, w, marks)) for w in watches])
    with concurrent.futures.ThreadPoolExecutor(2 * len(watches)) as pool:
        events = [[pool.submit(_live_events, *o) for o in row] for row in opened]
        random_writes.run(real, ns, sequence, probe=probe)
        random_writes.run(servers[1], ns, sequence)
        replay.advance(_LIVE_SECONDS + 2)
        got, emulated = ([f.result(timeout=60) for f in row] for row in events)
    return [(w, g, e) for w, g, e in zip(watches, got, emulated, strict=True) if g != e]


def _opened(server: rawhttp.Server, path: str, query: dict[str, str]
            ) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
    """A watch the server has registered (its answer has begun)."""
    query = {"watch": "1", "timeoutSeconds": str(_LIVE_SECONDS), **query}
    return rawhttp.opened(*server, "GET", f"{path}?{_encoded(query)}", None, {"Accept": "application/json"})


def _live_events(conn: http.client.HTTPConnection, resp: http.client.HTTPResponse) -> Any:
    try:
        doc = {"text": resp.read().decode()}
    finally:
        conn.close()
    if resp.status != 200:
        return resp.status, _reduced(json.loads(doc["text"]))
    return resp.status, _events(doc)
