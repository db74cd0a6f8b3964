"""The apiserver model as synchronous tables, no sockets and no clock: a history, a watch request, the
times it is stepped at, and the frames it must give (in the style of mitmproxy's layer tests)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

import pytest
from watchproxy.apiserver import encode, fieldsets, jsonpatch, lists, managedfields, mergekeys, writes
from watchproxy.apiserver.changes import Changes, Raws
from watchproxy.apiserver.goorder import encoded
from watchproxy.apiserver.history import ResourceTimeline, WatchCache
from watchproxy.apiserver.patch import PatchError, merge_patch, strategic_merge
from watchproxy.apiserver.watchstream import WatchSpec, WatchStream, watch_list_defaults
from watchproxy.wire.listopts import parse_list_options
from watchproxy.wire.selectors import matcher

PODS = "/api/v1/pods"


def pod(name: str, rv: int, app: str = "web", kind: str = "Pod") -> bytes:
    return json.dumps({"kind": kind, "apiVersion": "v1", "metadata": {
        "name": name, "namespace": "default", "resourceVersion": str(rv), "labels": {"app": app}}},
        separators=(",", ":")).encode()


def history(rows: list[tuple[float, int, str, str, str]], baseline: int = 100,
            resource: str = "pods") -> WatchCache:
    """rows: (time, rv, type, name, app label): a history of pods (or of another core resource)."""
    kind = {"pods": "Pod", "events": "Event"}[resource]
    raws = Raws(None)
    c = Changes(raws)
    latest: dict[str, int] = {}
    for i, (t, rv, typ, name, app) in enumerate(rows):
        data = pod(name, rv, app, kind)
        c.rvs.append(rv)
        c.times.append(t)
        c.types.append(("ADDED", "MODIFIED", "DELETED").index(typ))
        c.key_ids.append(c.key_id(("default", name)))
        c.prevs.append(latest.get(name, -1))
        c.refs.append(raws.keep(data))
        c.sizes.append(len(data))
        latest[name] = i
    tl = ResourceTimeline("", "v1", resource, kind, True, c, baseline)
    return WatchCache({f"/api/v1/{resource}": tl}, [])


ROWS = [(0.0, 100, "ADDED", "a", "web"), (10.0, 101, "MODIFIED", "a", "db"), (20.0, 102, "ADDED", "b", "web"),
        (30.0, 103, "DELETED", "b", "web")]


def stream(cache: WatchCache, query: str, now: float = 5.0, deadline: float = 200.0,
           watch_list: bool = True) -> WatchStream:
    opts = parse_list_options(query)
    spec = WatchSpec(PODS, cache.timelines[PODS], opts, "", matcher(opts.label_selector, "", "pods"),
                     bool(opts.label_selector), False, deadline, lambda t: dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    return WatchStream(cache, spec, now, watch_list=watch_list)


def step(s: WatchStream, times: list[float]) -> list[tuple[float, str, str, str]]:
    """Drive the stream as a driver does: at each time, take everything due."""
    out = []
    for t in times:
        while batch := s.due(t):
            for line in batch:
                ev = json.loads(line)
                meta = ev["object"].get("metadata", {})
                out.append((t, ev["type"], meta.get("name", ""), meta.get("resourceVersion", "")))
    return out


@pytest.mark.parametrize(("query", "times", "frames"), [
    # a specific RV: the history after it, at each change's time
    ("watch=1&resourceVersion=100", [5, 15, 35],
     [(15, "MODIFIED", "a", "101"), (35, "ADDED", "b", "102"), (35, "DELETED", "b", "103")]),
    # RV unset: the state as ADDED, then live events
    ("watch=1", [5, 15], [(5, "ADDED", "a", "100"), (15, "MODIFIED", "a", "101")]),
    # a bookmarked watch from "now" is a watch-list (1.34+): its initial events end with the bookmark
    ("watch=1&allowWatchBookmarks=true", [5], [(5, "ADDED", "a", "100"), (5, "BOOKMARK", "", "100")]),
    # selector transitions: a leaving the selection is a DELETED
    ("watch=1&resourceVersion=100&labelSelector=app%3Dweb", [15, 35],
     [(15, "DELETED", "a", "101"), (35, "ADDED", "b", "102"), (35, "DELETED", "b", "103")]),
    # too old: one ERROR 410, then the end
    ("watch=1&resourceVersion=50", [5, 15], [(5, "ERROR", "", "")]),
])
def test_watch_stream_frames(query: str, times: list[float], frames: list[tuple[float, str, str, str]]) -> None:
    assert step(stream(history(ROWS), query), times) == frames


def test_an_object_leaving_the_selection_is_deleted_with_its_previous_content_at_the_new_version() -> None:
    s = stream(history(ROWS), "watch=1&resourceVersion=100&labelSelector=app%3Dweb")
    (line,) = s.due(15.0)
    assert json.loads(line)["object"]["metadata"] | {"namespace": ""} == \
        {"name": "a", "namespace": "", "resourceVersion": "101", "labels": {"app": "web"}}


@pytest.mark.parametrize(("timeout", "bookmarks"), [(2.0, 0), (3.0, 1)])
def test_no_bookmark_before_a_deadline_two_seconds_away_or_less(timeout: float, bookmarks: int) -> None:
    s = stream(history(ROWS), "watch=1&resourceVersion=100&allowWatchBookmarks=true", now=9.5,
               deadline=9.5 + timeout)
    frames = step(s, [9.5, 10.0, 11.0, 9.5 + timeout])  # the change at 10 moves the cache past the start
    assert [f for f in frames if f[1] == "BOOKMARK"] == [(11.0, "BOOKMARK", "", "101")] * bookmarks


def test_watch_stream_ends_at_its_deadline_and_says_when_it_wakes() -> None:
    s = stream(history(ROWS), "watch=1&resourceVersion=100&allowWatchBookmarks=true", deadline=100.0)
    step(s, [5])
    assert s.next_wakeup() == 10.0  # the next change
    step(s, [10, 20, 30])
    wakeups = []
    while not s.ended:  # the bookmarks' times, then the deadline: stepping as a driver does
        t = s.next_wakeup()
        assert 30 < t <= 100.0
        wakeups.append(t)
        step(s, [t])
    assert wakeups[-1] == 100.0 and wakeups == sorted(wakeups) and len(wakeups) < 10
    assert s.ended == "timeout" and s.next_wakeup() == float("inf")


@pytest.mark.parametrize(("rv", "bookmark"), [("", "500"), ("0", "101"), ("100", "101"), ("300", "500")])
def test_a_watch_lists_initial_events_end_with_the_caches_resource_version_once_it_is_at_least_the_one_asked(
        rv: str, bookmark: str) -> None:
    """Another resource's writes moved the cluster to 500; this resource's cache is at 101 (at t=15): a watch
    from "0" or from 100 ends its initial events there, one with no RV or from 300 waits for the cache to
    sync to the cluster's."""
    cache = WatchCache(history(ROWS).timelines, [(0.0, 500)])
    query = "watch=1&allowWatchBookmarks=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan"
    frames = step(stream(cache, query + (f"&resourceVersion={rv}" if rv else ""), now=15.0), [15])
    assert frames[-1][1:] == ("BOOKMARK", "", bookmark)


def test_a_watch_list_from_a_resource_version_not_reached_is_one_error_after_the_caches_wait() -> None:
    s = stream(history(ROWS), "watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan"
                              "&allowWatchBookmarks=true&resourceVersion=999&timeoutSeconds=1", deadline=6.0)
    assert s.due(5.0) == [] and s.alarm() == 8.0  # 3 s after it began, past its own deadline
    (line,) = s.due(8.0)
    assert json.loads(line) == {"type": "ERROR", "object": {
        "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
        "message": "Timeout: Too large resource version: 999, current: 100", "reason": "Timeout",
        "details": {"causes": [{"reason": "ResourceVersionTooLarge", "message": "Too large resource version"}],
                    "retryAfterSeconds": 1}, "code": 504}}
    assert s.ended == "error" and s.due(9.0) == []


def test_a_sync_after_a_watch_list_began_makes_no_second_bookmark_a_change_does() -> None:
    query = "watch=1&allowWatchBookmarks=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan"
    cache = history(ROWS)
    s = stream(cache, query, now=5.0)
    assert [f[1] for f in step(s, [5.0])] == ["ADDED", "BOOKMARK"]
    cache.synced(PODS, 5.2, 500)  # another client's consistent list: the real cache's bookmark moves, once
    assert step(s, [5.6]) == []
    s = stream(history(ROWS), query, now=9.8)
    step(s, [9.8])
    assert step(s, [10.0, 10.4]) == [(10.0, "MODIFIED", "a", "101"), (10.4, "BOOKMARK", "", "101")]


def test_an_event_watch_is_etcds_no_bookmark_but_the_initial_events_end_one_and_its_own_410() -> None:
    cache = history(ROWS, resource="events")
    path = "/api/v1/events"
    opts = parse_list_options("watch=1&allowWatchBookmarks=true&sendInitialEvents=true"
                              "&resourceVersionMatch=NotOlderThan")
    spec = WatchSpec(path, cache.timelines[path], opts, "", matcher("", "", "events"), False, False, 100.0,
                     lambda t: dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    s = WatchStream(cache, spec, 5.0)
    assert [f[1] for f in step(s, [5, 15, 60, 99, 100])] == ["ADDED", "BOOKMARK", "MODIFIED", "ADDED", "DELETED"]
    assert s.alarm() == float("inf") and s.ended == "timeout"
    opts = parse_list_options("watch=1&resourceVersion=1")
    spec = dataclasses.replace(spec, opts=opts)
    assert json.loads(WatchStream(cache, spec, 5.0).due(5.0)[0])["object"]["message"] == \
        "The resourceVersion for the provided watch is too old."


def test_the_410_is_the_apiservers_bytes() -> None:
    s = stream(history(ROWS), "watch=1&resourceVersion=1")
    assert s.due(5.0) == [
        b'{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",'
        b'"message":"too old resource version: 1 (100)","reason":"Expired","code":410}}\n']
    assert s.ended == "expired" and s.due(6.0) == []


def test_watch_list_defaults_only_for_new_servers() -> None:
    opts = parse_list_options("watch=1&allowWatchBookmarks=true")
    assert watch_list_defaults(opts).send_initial_events is True
    assert watch_list_defaults(opts, enabled=False).send_initial_events is None
    assert watch_list_defaults(parse_list_options("watch=1&allowWatchBookmarks=true&resourceVersion=5")) \
        .send_initial_events is None
    s = stream(history(ROWS), "watch=1&allowWatchBookmarks=true", watch_list=False)
    assert [f[1] for f in step(s, [5])] == ["ADDED"]


THREE = [(0.0, 100, "ADDED", "a", "web"), (0.0, 101, "ADDED", "b", "web"), (0.0, 102, "ADDED", "c", "web"),
         (10.0, 103, "DELETED", "a", "web")]


@pytest.mark.parametrize(("resource", "query", "code", "names", "start"), [
    # the watch cache gives all of its state at resourceVersion "0", whatever the limit; etcd (events) pages
    ("pods", "resourceVersion=0&limit=1", 200, ["b", "c"], None),
    ("events", "resourceVersion=0&limit=1", 200, ["b"], "default/b\x00"),
    ("pods", "resourceVersion=0&resourceVersionMatch=NotOlderThan&limit=1", 200, ["b", "c"], None),
    ("pods", "limit=1", 200, ["b"], "/default/b\x00"),
    # a limit with a resourceVersion and no match is an exact read (a is still there at 102)
    ("pods", "resourceVersion=102&limit=5", 200, ["a", "b", "c"], None),
    ("events", "resourceVersion=102&limit=5", 200, ["a", "b", "c"], None),
    ("pods", "resourceVersion=102&resourceVersionMatch=NotOlderThan&limit=5", 200, ["b", "c"], None),
    # a resourceVersion not reached: the watch cache's 504 with a retry, etcd's without
    ("pods", "resourceVersion=999", 504, [], None),
    ("pods", "resourceVersion=999&resourceVersionMatch=Exact", 504, [], None),
    ("events", "resourceVersion=999&limit=1", 504, [], None),
    # a selector: the page ends at the limit-th match, with more if anything is left to look at
    ("pods", "labelSelector=app%3Dweb&limit=1", 200, ["b"], "/default/b\x00"),
    ("pods", "labelSelector=app%3Dweb&limit=2", 200, ["b", "c"], None),
    ("pods", "labelSelector=app%3Ddb&limit=1", 200, [], None),
    # one namespace by field selector: the list reads it alone, its keys relative to it; one name, one key
    ("pods", "fieldSelector=metadata.namespace%3Ddefault&limit=1", 200, ["b"], "/b\x00"),
    ("pods", "fieldSelector=metadata.namespace%3Ddefault,metadata.name%3Db&limit=1", 200, ["b"], None),
])
def test_list_answers(resource: str, query: str, code: int, names: list[str], start: str | None) -> None:
    cache = history(THREE, resource=resource)
    path = f"/api/v1/{resource}"
    opts = parse_list_options(query)
    match = matcher(opts.label_selector, opts.field_selector, resource)
    got = lists.answer(cache, cache.timelines[path], path, "", opts, match, 20.0)
    doc = json.loads(got.body)
    assert got.code == code, doc
    if code == 504:
        retry = {"pods": 1, "events": None}[resource]
        assert doc["details"].get("retryAfterSeconds") == retry
        assert (("Retry-After", "1") in got.headers) == (retry is not None)
        return
    assert [i["metadata"]["name"] for i in doc["items"]] == names
    token = doc["metadata"].get("continue")
    assert (encode.parse_continue(token)[1] if token else None) == start
    # a page's remaining count only when nothing is filtered (a selector's pages cannot know it)
    assert ("remainingItemCount" in doc["metadata"]) == bool(token and "Selector" not in query)


def test_a_get_at_a_resource_version_not_reached() -> None:
    for resource, retry in (("pods", 1), ("events", None)):
        cache = history(THREE, resource=resource)
        path = f"/api/v1/{resource}"
        got = lists.get_answer(cache, cache.timelines[path], path, "default", "b", 20.0, resource_version="999")
        assert got.code == 504 and json.loads(got.body)["details"].get("retryAfterSeconds") == retry


@pytest.mark.parametrize(("kind", "api_version", "expected"), [
    ("Pod", "v1", {"spec": {"containers": None}, "status": {}}),
    ("Deployment", "apps/v1", {"spec": {"replicas": 0, "selector": None, "template": {
        "metadata": {}, "spec": {"containers": None}}, "strategy": {}}, "status": {}}),
    ("ConfigMap", "v1", {}),
])
def test_bookmark_object(kind: str, api_version: str, expected: dict[str, Any]) -> None:
    obj = encode.bookmark(kind, api_version, 7, initial_events_end=True)
    assert obj == {"kind": kind, "apiVersion": api_version,
                   "metadata": {"resourceVersion": "7", "annotations": {"k8s.io/initial-events-end": "true"}},
                   **expected}


# --- writes into the history ----------------------------------------------------------------------------


def test_a_write_gets_the_next_rv_and_recorded_changes_still_due_are_renumbered_after_it() -> None:
    cache = history(ROWS)
    obj: dict[str, Any] = {"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "c", "namespace": "default"}}
    assert cache.commit(PODS, ("default", "c"), "ADDED", obj, 15.0) == 104
    assert obj["metadata"]["resourceVersion"] == "104"
    changes = cache.timelines[PODS].changes
    assert [(ch.rv, ch.type, ch.key[1]) for ch in changes] == [
        (100, "ADDED", "a"), (101, "MODIFIED", "a"), (104, "ADDED", "c"), (105, "ADDED", "b"), (106, "DELETED", "b")]
    assert json.loads(changes[3].raw)["metadata"]["resourceVersion"] == "105"  # the bytes say so too
    assert cache.commit(PODS, ("default", "c"), "DELETED", obj, 25.0) == 106  # after b's ADDED (105)
    assert [ch.rv for ch in changes] == [100, 101, 104, 105, 106, 107]
    assert cache.current_rv(25.0) == 106


def test_a_recorded_change_after_a_clients_delete_fits_what_the_client_did() -> None:
    cache = history(ROWS)
    cache.state(PODS, 21.0)
    obj: dict[str, Any] = {"metadata": {"name": "b", "namespace": "default"}}
    cache.commit(PODS, ("default", "b"), "DELETED", obj, 21.0)
    assert [ch.type for ch in cache.timelines[PODS].changes][-2:] == ["DELETED", "SKIPPED"]
    assert ("default", "b") not in cache.state(PODS, 40.0)


# --- patches --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("target", "patch", "expected"), [
    ({"a": 1, "b": {"c": 2}}, {"b": {"c": None, "d": 3}}, {"a": 1, "b": {"d": 3}}),
    ({"a": [1, 2]}, {"a": [3]}, {"a": [3]}),
    ({"a": 1}, {"a": {"x": 1}}, {"a": {"x": 1}}),
])
def test_merge_patch(target: Any, patch: Any, expected: Any) -> None:
    assert merge_patch(target, patch) == expected


@pytest.mark.parametrize(("ops", "expected"), [
    ([{"op": "add", "path": "/l/1", "value": 9}], {"m": {"k": "v"}, "l": [1, 9, 2]}),
    ([{"op": "add", "path": "/l/-", "value": 9}], {"m": {"k": "v"}, "l": [1, 2, 9]}),
    ([{"op": "remove", "path": "/m/k"}], {"m": {}, "l": [1, 2]}),
    ([{"op": "replace", "path": "/l/0", "value": 0}], {"m": {"k": "v"}, "l": [0, 2]}),
    ([{"op": "move", "from": "/m/k", "path": "/m/j"}], {"m": {"j": "v"}, "l": [1, 2]}),
    ([{"op": "copy", "from": "/l", "path": "/c"}], {"m": {"k": "v"}, "l": [1, 2], "c": [1, 2]}),
    ([{"op": "add", "path": "/m/a~1b", "value": 1}], {"m": {"k": "v", "a/b": 1}, "l": [1, 2]}),
    # evanphx/json-patch v4's readings, which the apiserver applies (each seen from kube-apiserver v1.37.2)
    ([{"op": "replace", "path": "/missing", "value": 1}], {"m": {"k": "v"}, "l": [1, 2], "missing": 1}),
    ([{"op": "add", "path": "/m/n"}], {"m": {"k": "v", "n": None}, "l": [1, 2]}),
    ([{"op": "add", "path": "m/n", "value": 1}], {"m": {"k": "v"}, "l": [1, 2], "n": 1}),
    ([{"op": "remove", "path": "/l/-1"}, {"op": "add", "path": "/l/+0", "value": 0}], {"m": {"k": "v"}, "l": [0, 1]}),
    ([{"op": "replace", "path": "/l/01", "value": 7}], {"m": {"k": "v"}, "l": [1, 7]}),
    ([{"op": "replace", "path": "", "value": {"x": 1}}], {"x": 1}),
    ([{"op": "test", "path": "/nothing"}], {"m": {"k": "v"}, "l": [1, 2]}),
    ([{"op": "copy", "from": "/m/absent", "path": "/c"}], {"m": {"k": "v"}, "l": [1, 2], "c": None}),
])
def test_json_patch(ops: list[dict[str, Any]], expected: Any) -> None:
    assert jsonpatch.apply({"m": {"k": "v"}, "l": [1, 2]}, ops) == expected


@pytest.mark.parametrize("ops", [
    [{"op": "remove", "path": "/missing"}], [{"op": "test", "path": "/m/k", "value": "w"}],
    [{"op": "add", "path": "/l/5", "value": 1}], [{"op": "jump", "path": "/m"}], [{"path": "/m"}],
    [{"op": "test", "path": "/l/0", "value": 1.0}], [{"op": "add", "path": "", "value": 1}],
    [{"op": "add", "path": "/m/k/deeper", "value": 1}], [{"op": "replace", "path": "/l/2", "value": 1}],
    [{"op": "remove", "path": "/l/-3"}], [{"op": "move", "from": "/m/missing", "path": "/m/x"}], [{"op": "add"}],
])
def test_json_patch_failures(ops: Any) -> None:
    with pytest.raises(PatchError):
        jsonpatch.apply({"m": {"k": "v"}, "l": [1, 2]}, ops)


_CM = {"kind": "ConfigMap", "apiVersion": "v1", "metadata": {"name": "c", "labels": {"z": "1", "a": "2"}},
       "data": {"z": "1", "a": "2"}}


def _order(doc: Any) -> Any:
    """The keys' order at every level."""
    if isinstance(doc, dict):
        return [(k, _order(v)) for k, v in doc.items()]
    return [_order(v) for v in doc] if isinstance(doc, list) else None


@pytest.mark.parametrize(("patch", "expected"), [
    ({"data": {"b": "5"}}, {"apiVersion": "v1", "data": {"a": "2", "b": "5", "z": "1"}, "kind": "ConfigMap",
                            "metadata": {"name": "c", "labels": {"z": "1", "a": "2"}}}),  # metadata untouched
    ({"metadata": {"labels": {"m": "1"}}, "x": {"b": [{"d": 1, "c": None}], "a": None}},
     {"apiVersion": "v1", "data": {"z": "1", "a": "2"}, "kind": "ConfigMap",
      "metadata": {"labels": {"a": "2", "m": "1", "z": "1"}, "name": "c"}, "x": {"b": [{"d": 1}]}}),
    ({"data": [{"z": 1, "a": None}]}, {"apiVersion": "v1", "data": [{"z": 1, "a": None}], "kind": "ConfigMap",
                                       "metadata": {"name": "c", "labels": {"z": "1", "a": "2"}}}),  # taken as sent
])
def test_a_merge_patch_orders_keys_as_the_apiservers_library_does(patch: Any, expected: Any) -> None:
    """evanphx/json-patch v4 sorts the top object, every object it merged into and every one it took from the
    patch (without its nulls), and keeps the rest as it read them: what a 422 quotes."""
    out = merge_patch(_CM, patch)
    assert out == expected and _order(out) == _order(expected)


def test_a_json_patch_sorts_the_objects_its_paths_go_through() -> None:
    out = jsonpatch.apply(_CM, [{"op": "add", "path": "/metadata/labels/q", "value": {"z": 1, "a": 2}}])
    expected = {"apiVersion": "v1", "data": {"z": "1", "a": "2"}, "kind": "ConfigMap",
                "metadata": {"labels": {"a": "2", "q": {"z": 1, "a": 2}, "z": "1"}, "name": "c"}}
    assert out == expected and _order(out) == _order(expected)


def test_strategic_merge_uses_merge_keys_and_directives() -> None:
    pod_obj = {"metadata": {"finalizers": ["a"]},
               "spec": {"containers": [{"name": "c", "image": "x", "ports": [{"containerPort": 80, "name": "h"}],
                                        "env": [{"name": "A", "value": "1"}]}],
                        "tolerations": [{"key": "t"}]}}
    patch = {"metadata": {"finalizers": ["b"]},
             "spec": {"containers": [{"name": "c", "ports": [{"containerPort": 81}],
                                      "env": [{"name": "A", "$patch": "delete"}, {"name": "B", "value": "2"}]}],
                      "tolerations": [{"key": "u"}]}}
    pod, service = mergekeys.root("v1", "Pod"), mergekeys.root("v1", "Service")  # (their Go types' tags)
    out = strategic_merge(pod_obj, patch, pod)
    c = out["spec"]["containers"][0]
    # as the apiserver orders them: an element new to the server before the server's elements it meets
    assert c["image"] == "x" and c["ports"] == [{"containerPort": 81}, {"containerPort": 80, "name": "h"}]
    assert c["env"] == [{"name": "B", "value": "2"}]
    assert out["spec"]["tolerations"] == [{"key": "u"}]  # no merge key: replaced
    assert out["metadata"]["finalizers"] == ["b", "a"]  # a set of strings: merged
    assert strategic_merge(out, {"metadata": {"$deleteFromPrimitiveList/finalizers": ["a"]}}, pod)["metadata"][
        "finalizers"] == ["b"]
    kept = {"spec": {"containers": [{"name": "a"}, {"name": "b"}, {"name": "c"}]}}
    patch = {"spec": {"containers": [{"name": "c", "image": "i"}, {"name": "a", "image": "j"}]}}
    patched = strategic_merge(kept, patch, pod)
    assert [c["name"] for c in patched["spec"]["containers"]] == ["b", "c", "a"]  # as a 1.37 apiserver answers
    svc = {"spec": {"ports": [{"port": 80, "name": "h"}]}}
    assert strategic_merge(svc, {"spec": {"ports": [{"port": 80, "targetPort": 8080}]}}, service)["spec"]["ports"] == [
        {"port": 80, "name": "h", "targetPort": 8080}]
    # a list of the same name in a type without a strategy: replaced (a CertificateSigningRequest's conditions)
    csr = {"status": {"conditions": [{"type": "Approved", "status": "True"}]}}
    assert strategic_merge(csr, {"status": {"conditions": [{"status": "False"}]}}, mergekeys.root(
        "certificates.k8s.io/v1", "CertificateSigningRequest"))["status"]["conditions"] == [{"status": "False"}]
    assert strategic_merge(pod_obj, {"spec": {"containers": [{"image": "y"}]}}) == {
        **pod_obj, "spec": {**pod_obj["spec"], "containers": [{"image": "y"}]}}  # a type not known: replaced


# --- write semantics ------------------------------------------------------------------------------------

T = writes.Target("apps", "v1", "deployments", "Deployment", True, "default", "web")
STAMP = writes.Stamp(dt.datetime(2026, 1, 1, tzinfo=dt.UTC), "uid-1", "bcdfg")
SPEC = {"replicas": 1, "selector": {"matchLabels": {"app": "web"}}, "template": {
    "metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}


@pytest.mark.parametrize(("body", "code", "reason"), [
    ({"metadata": {"name": "web"}, "spec": SPEC}, 201, None),
    ({"metadata": {"generateName": "web-"}, "spec": SPEC}, 201, None),
    ({"metadata": {"name": "web"}, "spec": {}}, 422, "Invalid"),  # no selector, no containers
    ({"metadata": {}}, 422, "Invalid"),
    ({"kind": "Pod", "metadata": {"name": "x"}}, 400, "BadRequest"),
    ({"metadata": {"name": "x", "namespace": "other"}}, 400, "BadRequest"),
    (["not", "an", "object"], 400, "BadRequest"),
])
def test_create(body: Any, code: int, reason: str | None) -> None:
    out = writes.create(T, body, STAMP, writes.Options(), exists=lambda _n: None)
    assert out.code == code
    if reason:
        assert out.body["reason"] == reason and not out.commits
    else:
        meta = out.body["metadata"]
        assert meta["uid"] == "uid-1" and meta["generation"] == 1 and meta["namespace"] == "default"
        assert list(out.body)[:2] == ["kind", "apiVersion"] and out.commits[0].type == "ADDED"


def test_update_and_delete_rules() -> None:
    current = {"kind": "Deployment", "apiVersion": "apps/v1",
               "metadata": {"name": "web", "namespace": "default", "uid": "u", "resourceVersion": "5",
                            "generation": 3, "finalizers": ["f"]},
               "spec": json.loads(json.dumps(SPEC)), "status": {"replicas": 1}}
    same_spec = json.loads(json.dumps(current))
    same_spec["metadata"]["labels"] = {"x": "y"}
    assert writes.update(T, current, same_spec, writes.Options()).body["metadata"]["generation"] == 3
    # a finalizer the apiserver would refuse is not judged again once stored (a synthesized recording's), a new one is
    same_spec["metadata"]["finalizers"] = ["f", "g"]
    assert "metadata.finalizers[1]" in writes.update(T, current, same_spec, writes.Options()).body["message"]
    more = json.loads(json.dumps(current))
    more["spec"]["replicas"] = 2
    assert writes.update(T, current, more, writes.Options()).body["metadata"]["generation"] == 4
    more["metadata"]["resourceVersion"] = "4"
    assert writes.update(T, current, more, writes.Options()).code == 409
    unchanged = writes.update(T, current, json.loads(json.dumps(current)), writes.Options())
    assert unchanged.code == 200 and not unchanged.commits  # nothing changed: no event
    out = writes.delete(T, current, STAMP, writes.Options())
    assert out.code == 200 and out.commits[0].type == "MODIFIED"  # not 202: the real apiserver says 200
    assert out.body["metadata"]["deletionTimestamp"] == STAMP.timestamp
    gone = json.loads(json.dumps(out.body))
    gone["metadata"]["finalizers"] = []
    gone["metadata"]["resourceVersion"] = "5"
    assert writes.update(T, out.body | {"metadata": {**out.body["metadata"], "resourceVersion": "5"}}, gone,
                         writes.Options()).commits[0].type == "DELETED"
    assert writes.delete(T, current, STAMP, writes.Options(dry_run=True)).commits == []
    assert writes.delete(T, None, STAMP, writes.Options()).code == 404


NOW = "2026-12-04T10:00:00Z"


def _empty(obj: dict[str, Any]) -> dict[str, Any]:
    kind, version = obj["kind"], obj["apiVersion"]
    return encoded({"kind": kind, "apiVersion": version}, kind, version)


def _written(manager: str, old: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, Any]:
    """`new` with the managedFields an update (a create where `old` is None) by `manager` gives it."""
    entries = managedfields.after_update(old, new, _empty(new), manager, "", False, NOW)
    return {**new, "metadata": {**new["metadata"], "managedFields": entries}}


def _applied(manager: str, old: dict[str, Any] | None, doc: dict[str, Any], out: writes.Outcome,
             rv: str = "5") -> dict[str, Any]:
    """The object an apply wrote, with the managedFields the field manager gives it (as emulate's engine
    does) and a new resourceVersion."""
    assert out.applied and out.code < 300, out.body
    entries = managedfields.after_apply(old, doc, out.body, _empty(out.body), manager, False, NOW)
    return {**out.body, "metadata": {**out.body["metadata"], "managedFields": entries, "resourceVersion": rv}}


def _owners(obj: dict[str, Any]) -> managedfields.Ownership:
    return managedfields.ownership(obj, _empty(obj), False)


def _fields(obj: dict[str, Any]) -> dict[str, Any]:
    """Manager name -> FieldsV1."""
    return {e["manager"]: e["fieldsV1"] for e in obj["metadata"].get("managedFields") or []}


def test_apply_removes_what_the_same_manager_stops_naming() -> None:
    cm = writes.Target("", "v1", "configmaps", "ConfigMap", True, "default", "c")
    typed = {"apiVersion": "v1", "kind": "ConfigMap"}  # an applied configuration names its type
    first = {**typed, "metadata": {"name": "c"}, "data": {"a": "1", "b": "2"}}
    made = writes.patch(cm, None, writes.APPLY_PATCH, first, STAMP, writes.Options(field_manager="m"))
    assert made.code == 201
    current = _applied("m", None, first, made)
    assert _fields(current) == {"m": {"f:data": {"f:a": {}, "f:b": {}}}}
    current["data"]["x"] = "someone else's"  # (written without a manager: nobody's)
    second = {**typed, "metadata": {"name": "c"}, "data": {"a": "1"}}
    again = writes.patch(cm, current, writes.APPLY_PATCH, second, STAMP, writes.Options(field_manager="m"),
                         ownership=_owners(current))
    assert again.body["data"] == {"a": "1", "x": "someone else's"}
    current = _applied("m", current, second, again, "6")
    doc = {**typed, "metadata": {"name": "c"}, "data": {"a": "2"}}
    clash = writes.patch(cm, current, writes.APPLY_PATCH, doc, STAMP, writes.Options(field_manager="n"),
                         ownership=_owners(current))
    assert (clash.code, clash.body["message"]) == (409, 'Apply failed with 1 conflict: conflict with "m": .data.a')
    forced = writes.patch(cm, current, writes.APPLY_PATCH, doc, STAMP,
                          writes.Options(field_manager="n", force=True), ownership=_owners(current))
    assert forced.code == 200 and forced.body["data"]["a"] == "2"
    assert _fields(_applied("n", current, doc, forced)) == {"n": {"f:data": {"f:a": {}}}}  # m lost its only field


def test_an_apply_conflicts_with_the_updater_that_set_a_field() -> None:
    cm = writes.Target("", "v1", "configmaps", "ConfigMap", True, "default", "c")
    made = _written("kubectl", None, {"kind": "ConfigMap", "apiVersion": "v1",
                                      "metadata": {"name": "c", "resourceVersion": "5"}, "data": {"a": "1", "b": "2"}})
    doc = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "9", "b": "2"}}
    clash = writes.patch(cm, made, writes.APPLY_PATCH, doc, STAMP, writes.Options(field_manager="ap"),
                         ownership=_owners(made))
    assert (clash.code, clash.body["message"]) == \
        (409, 'Apply failed with 1 conflict: conflict with "kubectl" using v1: .data.a')  # b: the same value
    # an update that removes a field frees it; one that changes a field takes it
    removed = _written("unknown", made, {**made, "data": {"b": "3"}})
    assert _fields(removed) == {"kubectl": {"f:data": {}}, "unknown": {"f:data": {"f:b": {}}}}
    ok = writes.patch(cm, removed, writes.APPLY_PATCH, {**doc, "data": {"a": "9"}}, STAMP,
                      writes.Options(field_manager="ap"), ownership=_owners(removed))
    assert ok.code == 200 and ok.body["data"] == {"a": "9", "b": "3"}


@pytest.mark.parametrize("stored", [None, {"apiVersion": "x.example.com/v1", "kind": "Thing",
                                            "metadata": {"name": "t", "resourceVersion": "5"}}])
def test_an_applied_custom_resource_whose_metadata_is_no_map_cannot_be_typed(stored: dict[str, Any] | None) -> None:
    t = writes.Target("x.example.com", "v1", "things", "Thing", True, "default", "t")
    doc = {"apiVersion": "x.example.com/v1", "kind": "Thing", "metadata": 1}
    out = writes.patch(t, stored, writes.APPLY_PATCH, doc, STAMP, writes.Options(field_manager="m"))
    assert (out.code, out.body["message"]) == (500, "failed to create typed patch object (/; x.example.com/v1, "
                                                    "Kind=Thing): .metadata: expected map, got &{1}")


def test_a_long_generate_name_is_cut_before_its_suffix() -> None:
    """SimpleNameGenerator keeps 58 characters of the prefix, so the name itself is a valid length; the prefix
    is still refused, alone."""
    cms = writes.Target("", "v1", "configmaps", "ConfigMap", True, "default", "")
    out = writes.create(cms, {"metadata": {"generateName": "x" * 300}}, STAMP, writes.Options(),
                        exists=lambda _n: None)
    assert out.body["details"]["name"] == "x" * 58 + STAMP.suffix
    assert [c["field"] for c in out.body["details"]["causes"]] == ["metadata.generateName"]


def test_an_apply_to_an_object_nobody_manages_meets_before_first_apply() -> None:
    """skipNonAppliedManager: what the object holds is first `before-first-apply`'s, so an apply that changes
    it conflicts, and one that forces takes it."""
    cm = writes.Target("", "v1", "configmaps", "ConfigMap", True, "default", "c")
    stored = {"kind": "ConfigMap", "apiVersion": "v1", "metadata": {"name": "c", "resourceVersion": "5"},
              "data": {"a": "1"}}
    doc = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "2", "b": "2"}}
    clash = writes.patch(cm, stored, writes.APPLY_PATCH, doc, STAMP, writes.Options(field_manager="ap"),
                         ownership=_owners(stored))
    assert clash.body["message"] == \
        'Apply failed with 1 conflict: conflict with "before-first-apply" using v1: .data.a'
    same = {**doc, "data": {"a": "1", "b": "2"}}
    ok = writes.patch(cm, stored, writes.APPLY_PATCH, same, STAMP, writes.Options(field_manager="ap"),
                      ownership=_owners(stored))
    assert _fields(_applied("ap", stored, same, ok)) == {
        "ap": {"f:data": {"f:a": {}, "f:b": {}}}, "before-first-apply": {"f:data": {".": {}, "f:a": {}}}}


@pytest.mark.parametrize(("field_manager", "user_agent", "name"), [
    ("m", "kubectl/v1.37.0 (linux/amd64)", "m"),
    ("", "kubectl/v1.37.0 (linux/amd64)", "kubectl"),
    ("", "", "unknown"),
    ("", "a\tb/1", "ab"),
])
def test_manager_name(field_manager: str, user_agent: str, name: str) -> None:
    assert managedfields.manager_name(field_manager, user_agent) == name


POD_T = writes.Target("", "v1", "pods", "Pod", True, "default", "p")


def _created(t: writes.Target, body: dict[str, Any]) -> writes.Outcome:
    """A create of `body` where no object of its name is."""
    return writes.create(t, body, STAMP, writes.Options(), exists=lambda _: None)


def _stored_pod(node: str = "n1", phase: str = "Running", deleting: int | None = None) -> dict[str, Any]:
    """A pod as the store holds it (defaulted), bound to `node`; `deleting`: its deletion's grace period."""
    meta: dict[str, Any] = {"name": "p", "namespace": "default", "uid": "u", "resourceVersion": "7",
                            "creationTimestamp": "2026-01-01T00:00:00Z", "generation": 1}
    if deleting is not None:
        meta |= {"deletionTimestamp": STAMP.after(deleting), "deletionGracePeriodSeconds": deleting, "generation": 2}
    body = {"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "p"},
            "spec": {"containers": [{"name": "c", "image": "x"}], "nodeName": node}}
    created = _created(POD_T, body).body
    return {**created, "metadata": meta, "status": {**created["status"], "phase": phase}}


@pytest.mark.parametrize(("pod", "query", "grace", "gone"), [
    (_stored_pod(), {}, 30, False),  # the first deletion: the pod's own 30 s, waiting for its kubelet
    (_stored_pod(node=""), {}, 0, True),  # no node runs it: at once
    (_stored_pod(phase="Failed"), {}, 0, True),  # finished: at once
    (_stored_pod(deleting=30), {}, 30, False),  # pending: nothing changes
    (_stored_pod(phase="Failed", deleting=30), {}, 30, False),  # the strategy is not asked again
    (_stored_pod(deleting=30), {"grace_period": 40}, 30, False),  # only shorter
    (_stored_pod(deleting=30), {"grace_period": 5}, 5, False),
    (_stored_pod(deleting=30), {"grace_period": 0}, 0, True),
])
def test_a_pods_deletion_and_its_grace_period(pod: dict[str, Any], query: dict[str, Any], grace: int,
                                              gone: bool) -> None:
    out = writes.delete(POD_T, pod, STAMP, writes.Options(**query))
    assert out.code == 200 and out.body["metadata"]["deletionGracePeriodSeconds"] == grace
    # marked for deletion, and deleted at once when no grace is left (the real one's watch: MODIFIED, DELETED)
    assert [c.type for c in out.commits] == (["MODIFIED", "DELETED"] if gone else ["MODIFIED"] if out.commits else [])
    dry = writes.delete(POD_T, pod, STAMP, writes.Options(dry_run=True, **query))
    assert dry.commits == [] and dry.body["metadata"]["resourceVersion"] == "7"  # a dry run keeps it


def test_an_update_neither_ends_a_pods_grace_period_nor_drops_its_priority() -> None:
    pod = _stored_pod(deleting=30)
    pod["spec"] |= {"priority": 0, "preemptionPolicy": "PreemptLowerPriority"}
    body = json.loads(json.dumps(pod))
    body["metadata"]["labels"] = {"a": "b"}
    del body["spec"]["priority"], body["spec"]["preemptionPolicy"]  # as a client that never read them
    out = writes.update(POD_T, pod, body, writes.Options())
    assert out.code == 200 and [c.type for c in out.commits] == ["MODIFIED"]  # still waiting for its kubelet
    assert (out.body["spec"]["priority"], out.body["spec"]["preemptionPolicy"]) == (0, "PreemptLowerPriority")


SVC_T = writes.Target("", "v1", "services", "Service", True, "default", "s")


def _service(**spec: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}, "spec": {"ports": [{"port": 80}], **spec}}


def _stored_service(**spec: Any) -> dict[str, Any]:
    made = _created(SVC_T, _service(**spec)).body
    return {**made, "metadata": {**made["metadata"], "resourceVersion": "7"}}


@pytest.mark.parametrize(("sent", "taken"), [
    ({"allocatedResources": {"cpu": "500m"}}, False),  # the stored text: the same Go value
    ({"allocatedResources": {"cpu": "0.5"}}, True),  # 5e-1, not 500e-3 as storage parses `500m` again
    ({"allocatedResources": {"cpu": "500m"}, "volumeMounts": []}, True),  # non-nil in Go, hidden by omitempty
])
def test_a_status_write_takes_a_list_whose_go_values_it_changes(sent: dict[str, Any], taken: bool) -> None:
    """The field manager of a /status write compares the status as Go decoded it, as an update's does: its
    containerStatuses are an atomic list, compared with reflect.DeepEqual, so a manager that sends its JSON
    again in other Go values takes it from the one that wrote it (the real one's answer, writes_differential)."""
    before = _written("creator", None, _stored_pod())
    pod = json.loads(json.dumps(before))
    pod["status"]["containerStatuses"] = [{"name": "c", "state": {}, "lastState": {}, "ready": False, "restartCount": 0,
                                           "image": "x", "imageID": "", "allocatedResources": {"cpu": "500m"}}]
    pod["metadata"]["managedFields"] = managedfields.after_update(before, pod, _empty(pod), "kubelet", "status",
                                                                  True, NOW)
    assert "f:containerStatuses" in _fields(pod)["kubelet"]["f:status"]
    body = json.loads(json.dumps(pod))
    body["status"]["containerStatuses"][0] |= sent
    out = writes.update(dataclasses.replace(POD_T, subresource="status"), pod, body, writes.Options())
    assert out.code == 200
    seen = out.unchanged if out.unchanged is not None else out.commits[0].written
    assert seen is not None
    after = _fields({**seen, "metadata": {**seen["metadata"], "managedFields": managedfields.after_update(
        pod, seen, _empty(pod), "other", "status", True, NOW)}})
    assert ("other" in after and "f:containerStatuses" in after["other"]["f:status"]) is taken


def test_a_put_creates_a_missing_service_but_not_a_missing_configmap() -> None:
    made = writes.update(SVC_T, None, {**_service(), "metadata": {"name": "s", "resourceVersion": "5"}},
                         writes.Options(), STAMP)
    assert made.code == 201 and [c.type for c in made.commits] == ["ADDED"] and made.body["spec"]["clusterIP"]
    status_t = dataclasses.replace(SVC_T, subresource="status")
    through_status = writes.update(status_t, None, {**_service(), "status": {"loadBalancer": {"ingress": [{}]}}},
                                   writes.Options(), STAMP)
    assert (through_status.code, through_status.body["status"]) == (201, {"loadBalancer": {}})  # a create's status
    cm = writes.Target("", "v1", "configmaps", "ConfigMap", True, "default", "c")
    body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}
    assert writes.update(cm, None, body, writes.Options(), STAMP).code == 404


def test_a_service_is_answered_whole_when_deleted() -> None:
    stored = _stored_service()
    gone = writes.delete(SVC_T, stored, STAMP, writes.Options())
    assert (gone.code, gone.body["kind"], [c.type for c in gone.commits]) == (200, "Service", ["DELETED"])
    dry = writes.delete(SVC_T, stored, STAMP, writes.Options(dry_run=True))
    assert (dry.body["kind"], dry.body["metadata"]["resourceVersion"], dry.commits) == ("Service", "7", [])


def test_a_services_update_keeps_what_its_allocators_gave_it() -> None:
    stored = _stored_service(type="NodePort")
    ip, node_port = stored["spec"]["clusterIP"], stored["spec"]["ports"][0]["nodePort"]
    out = writes.update(SVC_T, stored, _service(type="NodePort", selector={"app": "x"}), writes.Options())
    spec = out.body["spec"]
    assert (out.code, spec["clusterIP"], spec["ipFamilies"], spec["ports"][0]["nodePort"]) == \
        (200, ip, ["IPv4"], node_port)
    back = writes.update(SVC_T, stored, {**stored, "spec": {**stored["spec"], "type": "ClusterIP"}}, writes.Options())
    assert back.code == 200 and "nodePort" not in back.body["spec"]["ports"][0]  # unchanged, so dropped
    assert "externalTrafficPolicy" not in back.body["spec"]
    cluster_ip = _stored_service()
    to_node_port = writes.update(SVC_T, cluster_ip, {**cluster_ip, "spec": {**cluster_ip["spec"], "type": "NodePort"}},
                                 writes.Options())
    assert 30000 <= to_node_port.body["spec"]["ports"][0]["nodePort"] < 32768  # allocated


def test_only_a_load_balancer_has_a_load_balancer_status() -> None:
    status_t = dataclasses.replace(SVC_T, subresource="status")
    body = {**_stored_service(), "status": {"loadBalancer": {"ingress": [{"ip": "1.2.3.4"}]}}}
    out = writes.update(status_t, _stored_service(), body, writes.Options())
    assert (out.code, out.body["message"]) == (422, 'Service "s" is invalid: status.loadBalancer.ingress: Forbidden: '
                                                    "may only be used when `spec.type` is 'LoadBalancer'")
    assert writes.update(status_t, _stored_service(type="LoadBalancer"),
                         {**body, "spec": {"type": "LoadBalancer"}}, writes.Options()).code == 200


def test_atomic_maps_and_structs_are_one_field() -> None:
    svc = {"spec": {"selector": {"app": "a", "tier": "b"}}}
    assert fieldsets.to_field_set(svc, fieldsets.root("v1", "Service")) == {("f:spec", "f:selector")}
    deployment = {"spec": {"selector": {"matchLabels": {"a": "b"}}}}
    assert fieldsets.to_field_set(deployment, fieldsets.root("apps/v1", "Deployment")) == {("f:spec", "f:selector")}
    granular = {"type": "object", "properties": {"spec": {"type": "object", "properties": {"selector": {
        "type": "object", "additionalProperties": {"type": "string"}}}}}}
    custom = {"spec": {"selector": {"a": "b"}}}  # a custom resource's schema says
    assert fieldsets.to_field_set(custom, fieldsets.custom_root(granular)) == {("f:spec", "f:selector", "f:a")}
    granular["properties"]["spec"]["properties"]["selector"]["x-kubernetes-map-type"] = "atomic"
    assert fieldsets.to_field_set(custom, fieldsets.custom_root(granular)) == {("f:spec", "f:selector")}


def test_an_apply_replaces_an_atomic_map_whole() -> None:
    stored = _written("kubectl", None, _stored_service(selector={"app": "a", "tier": "x"}))
    doc = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}, "spec": {"selector": {"app": "b"}}}
    clash = writes.patch(SVC_T, stored, writes.APPLY_PATCH, doc, STAMP, writes.Options(field_manager="ap"),
                         ownership=_owners(stored))
    assert clash.body["message"] == 'Apply failed with 1 conflict: conflict with "kubectl" using v1: .spec.selector'
    forced = writes.patch(SVC_T, stored, writes.APPLY_PATCH, doc, STAMP,
                          writes.Options(field_manager="ap", force=True), ownership=_owners(stored))
    assert forced.code == 200 and forced.body["spec"]["selector"] == {"app": "b"}  # not merged with tier: x


def test_an_apply_merges_ports_on_number_and_protocol_and_removes_those_it_stops_naming() -> None:
    stored = _written("kubectl", None, _stored_service(ports=[{"port": 80, "name": "a"}, {"port": 443, "name": "b"}]))
    dns = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}, "spec": {"ports": [
        {"port": 53, "protocol": "UDP", "name": "dns"}, {"port": 53, "protocol": "TCP", "name": "dnst"}]}}
    first = writes.patch(SVC_T, stored, writes.APPLY_PATCH, dns, STAMP, writes.Options(field_manager="ap"),
                         ownership=_owners(stored))
    # two items on port 53, after the live ones (structured-merge-diff's order), not one merged by port
    assert [(p["port"], p["protocol"]) for p in first.body["spec"]["ports"]] == \
        [(80, "TCP"), (443, "TCP"), (53, "UDP"), (53, "TCP")]
    live = _applied("ap", stored, dns, first, "8")
    again = {**dns, "spec": {"ports": [{"port": 80}]}}  # TCP, as a missing protocol is
    second = writes.patch(SVC_T, live, writes.APPLY_PATCH, again, STAMP, writes.Options(field_manager="ap"),
                          ownership=_owners(live))
    assert second.code == 200 and [p["name"] for p in second.body["spec"]["ports"]] == ["a", "b"]


LEASE_T = writes.Target("coordination.k8s.io", "v1", "leases", "Lease", True, "default", "l")


def _lease(**spec: Any) -> dict[str, Any]:
    return {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": {"name": "l"}, "spec": spec}


def test_what_the_decoder_and_the_strategies_refuse_or_warn_of() -> None:
    assert _created(LEASE_T, _lease(leaseDurationSeconds=-1)).body["message"] == \
        'Lease.coordination.k8s.io "l" is invalid: spec.leaseDurationSeconds: Invalid value: -1: must be greater than 0'
    assert _created(LEASE_T, _lease(acquireTime="bad")).body["message"] == \
        'Lease in version "v1" cannot be handled as a Lease: parsing time "bad" as ' \
        '"2006-01-02T15:04:05.000000Z07:00": cannot parse "bad" as "2006"'
    for seconds, go in ((2**31, "int32"), (-2**31 - 1, "int32")):  # (measured against kube-apiserver v1.37.2)
        assert _created(LEASE_T, _lease(leaseDurationSeconds=seconds)).body["message"] == \
            f'Lease in version "v1" cannot be handled as a Lease: json: cannot unmarshal number {seconds} into Go ' \
            f'struct field LeaseSpec.spec.leaseDurationSeconds of type {go}'
    assert _created(LEASE_T, _lease(leaseDurationSeconds=2**31 - 1)).code == 201
    secret_t = writes.Target("", "v1", "secrets", "Secret", True, "default", "s")
    secret = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}}
    assert _created(secret_t, {**secret, "data": {"a": "not base64!"}}).body["message"] == \
        'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 3'
    tls = _created(secret_t, {**secret, "type": "kubernetes.io/tls", "data": {"tls.crt": "YQ==", "tls.key": "Yg=="}})
    assert (tls.code, tls.warnings) == (201, ['299 - "tls: failed to find any PEM data in certificate input"'])
    stored = {**_created(LEASE_T, _lease()).body, "metadata": {"name": "l", "resourceVersion": "3"}}
    patched = writes.patch(LEASE_T, stored, writes.MERGE_PATCH, {"spec": {"acquireTime": "bad"}}, STAMP,
                           writes.Options())
    assert patched.code == 422 and patched.body["message"].startswith(' "" is invalid: patch: Invalid value: "{')
    assert patched.body["message"].endswith(': parsing time "bad" as "2006-01-02T15:04:05.000000Z07:00": cannot '
                                            'parse "bad" as "2006"')


@pytest.mark.parametrize(("kind", "spec", "status"), [
    (("apps", "deployments", "Deployment"), {"selector": {"matchLabels": {"a": "b"}}, "template": {
        "metadata": {"labels": {"a": "b"}}, "spec": {"containers": [{"name": "c", "image": "x"}]}}}, {}),
    (("policy", "poddisruptionbudgets", "PodDisruptionBudget"), {"minAvailable": 1},
     {"disruptionsAllowed": 0, "currentHealthy": 0, "desiredHealthy": 0, "expectedPods": 0}),
    (("", "services", "Service"), {"ports": [{"port": 80}]}, {"loadBalancer": {}}),
    (("", "persistentvolumeclaims", "PersistentVolumeClaim"),
     {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}, {"phase": "Pending"}),
])
def test_a_created_object_starts_with_the_status_its_strategy_gives(kind: tuple[str, str, str], spec: dict[str, Any],
                                                                    status: dict[str, Any]) -> None:
    """As kube-apiserver v1.37 answered these creates, whatever status the client sent."""
    group, resource, name = kind
    t = writes.Target(group, "v1", resource, name, True, "default", "x")
    body = {"apiVersion": f"{group}/v1" if group else "v1", "kind": name, "metadata": {"name": "x"}, "spec": spec,
            "status": {"loadBalancer": {"ingress": [{"ip": "1.2.3.4"}]}, "replicas": 5, "phase": "Bound"}}
    made = _created(t, body)
    assert (made.code, made.body["status"]) == (201, status)


@pytest.mark.parametrize(("finalizers", "propagation", "default", "left"), [
    ([], "", "", []),
    ([], "", "Orphan", ["orphan"]),  # a batch/v1 Job, a v1 ReplicationController
    (["a"], "Foreground", "", ["a", "foregroundDeletion"]),
    (["orphan", "a"], "", "", ["orphan", "a"]),  # asked before: kept, in its place
    (["foregroundDeletion"], "", "Orphan", ["foregroundDeletion"]),  # what the object asked beats the default
    (["orphan", "a"], "Background", "Orphan", ["a"]),
    (["foregroundDeletion"], "Orphan", "", ["orphan"]),
    (["a"], "Foreground", "Unsupported", ["a"]),  # an Event: nothing for the collector, whatever is asked
    (["orphan", "a"], "", "Unsupported", ["a"]),
])
def test_a_delete_leaves_the_garbage_collectors_finalizers_its_policy_asks(
        finalizers: list[str], propagation: str, default: str, left: list[str]) -> None:
    assert writes.gc_finalizers(finalizers, propagation, default) == left


JOB_T = writes.Target("batch", "v1", "jobs", "Job", True, "default", "j")


def test_a_job_deleted_without_a_policy_orphans_its_pods_and_the_answer_warns() -> None:
    body = {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j"}, "spec": {"template": {"spec": {
        "restartPolicy": "Never", "containers": [{"name": "c", "image": "busybox"}]}}}}
    stored = {**_created(JOB_T, body).body}
    stored["metadata"] = {**stored["metadata"], "resourceVersion": "7"}
    warning = ['299 - "child pods are preserved by default when jobs are deleted; set propagationPolicy=Background to '
               'remove them or set propagationPolicy=Orphan to suppress this warning"']
    out = writes.delete(JOB_T, stored, STAMP, writes.Options())
    assert (out.code, out.body["metadata"]["finalizers"], out.warnings) == (200, ["orphan"], warning)
    assert writes.delete(JOB_T, None, STAMP, writes.Options()).warnings == warning  # warned before the lookup
    deleting = {**out.body, "metadata": {**out.body["metadata"], "resourceVersion": "8"}}
    assert writes.delete(JOB_T, deleting, STAMP, writes.Options()).commits == []  # nothing changes
    gone = writes.delete(JOB_T, deleting, STAMP, writes.Options(propagation="Background"))
    assert (gone.body["kind"], [c.type for c in gone.commits], gone.warnings) == ("Status", ["DELETED"], [])
    dry = writes.delete(JOB_T, deleting, STAMP, writes.Options(propagation="Background", dry_run=True))
    assert dry.body == {"kind": "Job", "apiVersion": "batch/v1", "metadata": {}, "spec": {  # the store's quirk
        "template": {"metadata": {}, "spec": {"containers": None}}}, "status": {}}


def test_a_daemon_set_keeps_its_template_generation_and_counts_a_new_template() -> None:
    ds_t = writes.Target("apps", "v1", "daemonsets", "DaemonSet", True, "default", "d")
    template = {"metadata": {"labels": {"app": "d"}}, "spec": {"containers": [{"name": "c", "image": "a"}]}}
    body = {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "d"},
            "spec": {"selector": {"matchLabels": {"app": "d"}}, "template": template}}
    stored = _created(ds_t, body).body
    stored["metadata"] |= {"resourceVersion": "3"}
    key = "deprecated.daemonset.template.generation"
    assert stored["metadata"]["annotations"] == {key: "1"}
    relabelled = writes.update(ds_t, stored, {**body, "metadata": {"name": "d", "labels": {"x": "y"}}},
                               writes.Options()).body
    assert relabelled["metadata"]["annotations"] == {key: "1"}  # kept, though the update left it out
    changed = json.loads(json.dumps(body))
    changed["spec"]["template"]["spec"]["containers"][0]["image"] = "b"
    changed["metadata"]["annotations"] = {key: "9"}  # a client cannot set it
    assert writes.update(ds_t, stored, changed, writes.Options()).body["metadata"]["annotations"] == {key: "2"}
