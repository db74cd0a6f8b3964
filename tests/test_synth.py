"""`watchproxy synth`: scenario errors a person can act on, and recordings that read back like real ones.

The bundled recordings are compared byte for byte with what synth makes from their scenarios, so a change
to synth (or to a scenario) that is not followed by regenerating the recording fails here.
"""

from __future__ import annotations

import itertools
import json
import textwrap
from pathlib import Path
from typing import Any

import pytest
from kubernetes.client import ApiClient
from watchproxy import cli
from watchproxy.recording.reader import read_records
from watchproxy.recording.records import End, EndHow, Frame, Header, Record, Request, Response
from watchproxy.synth import ScenarioError, build_records, load_scenario, parse_scenario_text, write_recording
from watchproxy.synth.scenario import Scenario

RECORDINGS = Path(__file__).resolve().parent.parent / "recordings"
BUNDLED = ("nginx-deploy", "bookmarks", "deletions", "many-objects")

SEED_OUTPUT = [
    ("ADDED", "nginx-deploy-679dc9c764-r9ds5"),
    ("MODIFIED", "nginx-deploy-679dc9c764-r9ds5"),
    ("ADDED", "nginx-deploy-679dc9c764-54d5d"),
    ("MODIFIED", "nginx-deploy-679dc9c764-r9ds5"),
    ("MODIFIED", "nginx-deploy-679dc9c764-54d5d"),
    ("MODIFIED", "nginx-deploy-679dc9c764-54d5d"),
    ("MODIFIED", "nginx-deploy-679dc9c764-r9ds5"),
    ("MODIFIED", "nginx-deploy-679dc9c764-54d5d"),
]

MINIMAL = """
seed: 1
min_request_timeout: 60
discovery: false
resources:
  - path: /api/v1/namespaces/default/pods
    list: true
objects:
  - {kind: Pod, name: a}
changes:
  - {at: 1, add: {kind: Pod, name: b, phase: Pending}}
  - {at: 2, modify: {kind: Pod, name: b, phase: Running}}
  - {at: 3, delete: {kind: Pod, name: a}}
"""


# --- helpers ------------------------------------------------------------------------------------------


def scenario(text: str, name: str = "test") -> Scenario:
    return parse_scenario_text(textwrap.dedent(text), name)


def build(text: str) -> tuple[Header, list[Record]]:
    head, records, _ = build_records(scenario(text))
    return head, records


def error_of(text: str) -> str:
    with pytest.raises(ScenarioError) as info:
        build(text)
    return str(info.value)


def exchanges(records: list[Record]) -> dict[int, list[Record]]:
    out: dict[int, list[Record]] = {}
    for rec in records:
        out.setdefault(rec.ex, []).append(rec)
    return out


def request_of(recs: list[Record]) -> Request:
    req = recs[0]
    assert isinstance(req, Request)
    return req


def end_of(recs: list[Record]) -> End:
    end = recs[-1]
    assert isinstance(end, End)
    return end


def events(recs: list[Record]) -> list[dict[str, Any]]:
    return [json.loads(r.data) for r in recs if isinstance(r, Frame)]


def watches(records: list[Record]) -> list[list[Record]]:
    return [recs for recs in exchanges(records).values() if "watch=" in request_of(recs).query]


def lists(records: list[Record]) -> list[list[Record]]:
    return [recs for recs in exchanges(records).values()
            if request_of(recs).path.endswith("pods") and "watch=" not in request_of(recs).query]


def rv(event: dict[str, Any]) -> int:
    return int(event["object"]["metadata"]["resourceVersion"])


# --- scenario errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("resources: [\n  - path: /api/v1/pods\n", "invalid YAML"),
    ("seed: 1\nseed: 2\nresources: []\n", "line 2 column 1: duplicate key 'seed'"),
    ("resourcez: []\n", "resourcez: unknown field; did you mean 'resources'?"),
    ("seed: 1\n", "resources: required"),
    ("resources: {path: /api/v1/pods}\n", "resources: expected a list, got a mapping"),
    ("resources:\n  - path: /api/v1/pods\n    watches:\n      - qeury: watch=true\n",
     "resources[0].watches[0].qeury: unknown field; did you mean 'query'?"),
    ("resources:\n  - path: /api/v1/pods/web-0\n", "resources[0].path: '/api/v1/pods/web-0' names one object"),
    ("resources:\n  - path: /apis/example.com/v1/widgets\n",
     "resources[0].kind: required: widgets in example.com/v1 is not a built-in resource"),
    ("resources:\n  - path: /api/v1/pods\n    watches: [{query: 'watch=true&labelSelector=app'}]\n",
     "resources[0].watches[0].query: parameter 'labelSelector' is not supported"),
    ("resources:\n  - path: /api/v1/pods\n    watches: [{query: 'resourceVersion=1'}]\n",
     "resources[0].watches[0].query: a watch needs watch=true"),
    ("resources:\n  - path: /api/v1/pods\n    watches: [{query: 'watch=true&resourceVersionMatch=NotOlderThan'}]\n",
     "resources[0].watches[0].query: the apiserver would refuse this query"),
    ("resources:\n  - path: /api/v1/pods\n    list: {query: watch=1}\n",
     "resources[0].list.query: a list must not have watch=true (put it under watches)"),
    ("resources:\n  - path: /api/v1/pods\n    watches: [{reconnect: true}]\n",
     "resources[0].watches[0].reconnect: needs a top-level duration"),
    ("min_request_timeout: -5\nresources: [{path: /api/v1/pods}]\n", "min_request_timeout: must be a positive"),
    ("resources: [{path: /api/v1/pods}]\nobjects: [{kind: Widget, name: w}]\n",
     "objects[0].kind: unknown kind 'Widget'"),
    ("resources: [{path: /api/v1/pods}]\nobjects: [{kind: Pod, name: p, phase: Sleeping}]\n",
     "objects[0].phase: 'Sleeping' is not one of Pending"),
    ("resources: [{path: /api/v1/pods}]\nobjects: [{kind: Pod, name: p, colour: red}]\n",
     "objects[0].colour: unknown field"),
    ("resources: [{path: /api/v1/pods}]\nobjects: [{kind: Namespace, name: x, namespace: y}]\n",
     "objects[0].namespace: Namespace is cluster-scoped"),
    ("resources: [{path: /api/v1/pods}]\nobjects: [{kind: ConfigMap, name: c, labels: {n: 1}}]\n",
     "objects[0].labels.n: expected a string (quote numbers and booleans), got an integer"),
])
def test_parser_errors_name_the_yaml_path(text: str, expected: str) -> None:
    assert expected in error_of(text)


def test_bad_patch_type_is_reported_at_its_path() -> None:
    msg = error_of("""
        resources: [{path: /api/v1/namespaces/default/pods}]
        objects: [{kind: Pod, name: a}]
        changes:
          - {at: 1, modify: {kind: Pod, name: a, patch: {metadata: {labels: {x: "1"}}}}}
          - {at: 2, modify: {kind: Pod, name: a, patch: [1, 2]}}
        """)
    assert msg == "changes[1].modify.patch: expected a mapping, got a list"


def test_times_going_backwards_are_refused() -> None:
    msg = error_of("""
        resources: [{path: /api/v1/namespaces/default/pods}]
        changes:
          - {at: 5, add: {kind: Pod, name: a}}
          - {at: 90s, add: {kind: Pod, name: b}}
          - {at: 1.5, add: {kind: Pod, name: c}}
        """)
    assert msg.startswith("changes[2].at: 1.5s is before the previous change (90s at changes[1])")


@pytest.mark.parametrize(("changes", "expected"), [
    ("[{at: 1, modify: {kind: Pod, name: ghost, phase: Running}}]",
     "changes[0].modify: Pod default/ghost does not exist at 1s (never created)"),
    ("[{at: 1, delete: {kind: Pod, name: a}}, {at: 2, delete: {kind: Pod, name: a}}]",
     "changes[1].delete: Pod default/a does not exist at 2s (deleted at changes[0])"),
    ("[{at: 1, add: {kind: Pod, name: a}}]", "changes[0].add: Pod default/a already exists (from objects[0])"),
    ("[{at: 1, modify: {kind: Pod, name: a, patch: {metadata: {name: b}}}}]",
     "changes[0].modify.patch: cannot change metadata.name"),
    ("[{at: 1, modify: {kind: Pod, name: a}}]", "changes[0].modify: says nothing to change"),
    ("[{at: 1, add: {kind: Pod, name: b}, delete: {kind: Pod, name: a}}]",
     "changes[0]: needs exactly one of add, modify, delete (has add, delete)"),
    ("[{at: 1h2x, delete: {kind: Pod, name: a}}]", "changes[0].at: '1h2x' is not a time"),
    ("[{at: 1, every: 2s, delete: {kind: Pod, name: a}}]", "changes[0].every: needs count"),
])
def test_impossible_changes_are_refused(changes: str, expected: str) -> None:
    text = f"""
resources: [{{path: /api/v1/namespaces/default/pods}}]
objects: [{{kind: Pod, name: a}}]
changes: {changes}
"""
    assert expected in error_of(text)


def test_requests_the_apiserver_would_refuse_are_refused() -> None:
    future = error_of("""
        resources:
          - path: /api/v1/pods
            watches: [{query: resourceVersion=5000&watch=true}]
        """)
    assert "resourceVersion 5000 is newer than the cluster's at 0s (1000)" in future
    paged = error_of("""
        resources: [{path: /api/v1/pods, list: {query: limit=2}}]
        objects: [{kind: Pod, name: a}, {kind: Pod, name: b}, {kind: Pod, name: c}]
        """)
    assert "resources[0].list.query: limit=2 is less than the 3 items" in paged


def test_file_errors_start_with_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("resources:\n  - path: /api/v1/pods\n    list: maybe\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert str(info.value) == (f"{path}: resources[0].list: expected true/false, a mapping or a list of "
                               "mappings, got a string")


def test_cli_prints_one_line_and_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("resources: [{path: /api/v1/pods}]\nchanges: [{at: 1, modify: {kind: Pod, name: x, "
                    "patch: 3}}]\n")
    out = tmp_path / "bad.msgpack"
    assert cli.main(["synth", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err == f"watchproxy: error: {path}: changes[0].modify.patch: expected a mapping, got an integer\n"
    assert not out.exists()


# --- what the recording says --------------------------------------------------------------------------


def test_nginx_events_in_the_seed_experiments_order() -> None:
    _, records = build_records(load_scenario(RECORDINGS / "nginx-deploy.yaml"))[:2]
    (watch,) = watches(records)
    evs = events(watch)
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in evs] == SEED_OUTPUT
    req = request_of(watch)
    assert (req.method, req.path, req.query) == ("GET", "/api/v1/namespaces/default/pods", "watch=true")
    phases = [(e["object"]["spec"].get("nodeName"), e["object"]["status"]["phase"]) for e in evs]
    assert phases[0] == (None, "Pending") and phases[-1] == ("minikube", "Running")
    end = end_of(watch)
    assert end.how is EndHow.SERVER_CLOSED
    assert 38 * 60 <= end.t - req.t <= 42 * 60


def test_resource_versions_increase_and_the_list_reports_the_current_one() -> None:
    _, records = build(MINIMAL)
    (listing,) = lists(records)
    body = json.loads(b"".join(r.data for r in listing if isinstance(r, Frame)))
    assert body["kind"] == "PodList" and body["apiVersion"] == "v1"
    assert body["metadata"] == {"resourceVersion": "1000"}
    assert [i["metadata"]["name"] for i in body["items"]] == ["a"]
    assert "kind" not in body["items"][0] and "apiVersion" not in body["items"][0]
    (watch,) = watches(records)
    evs = events(watch)
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in evs] == [
        ("ADDED", "a"), ("ADDED", "b"), ("MODIFIED", "b"), ("DELETED", "a")]
    rvs = [rv(e) for e in evs]
    assert rvs == [1000, 1001, 1002, 1003]
    assert all(a < b for a, b in itertools.pairwise(rvs))


def test_watch_ends_between_min_and_twice_min_request_timeout() -> None:
    for seed in range(40):
        _, records = build(f"seed: {seed}\nmin_request_timeout: 60\n" +
                           "resources: [{path: /api/v1/pods, watches: [{at: 5}, {at: 7}]}]\n")
        for watch in watches(records):
            elapsed = end_of(watch).t - request_of(watch).t
            assert 60 <= elapsed < 120


def test_timeout_seconds_ends_the_watch_exactly() -> None:
    _, records = build("resources: [{path: /api/v1/pods, watches: [{at: 2, query: "
                       "'timeoutSeconds=300&watch=true'}]}]\n")
    (watch,) = watches(records)
    assert end_of(watch).t == 302.0


def test_frames_are_apiserver_json_lines() -> None:
    _, records = build(MINIMAL)
    (watch,) = watches(records)
    response = watch[1]
    assert isinstance(response, Response)
    assert response.header("Content-Type") == "application/json"
    assert response.header("Transfer-Encoding") == "chunked"
    assert response.header("Cache-Control") == "no-cache, private"
    assert response.header("Audit-Id") and response.header("Date").endswith(" GMT")
    for frame in (r for r in watch if isinstance(r, Frame)):
        assert frame.data.startswith(b'{"type":"') and b'"object":{"kind":"Pod","apiVersion":"v1",' in frame.data
        assert frame.data.endswith(b"}\n") and frame.data.count(b"\n") == 1 and b": " not in frame.data


def test_records_are_in_time_order_with_ids_in_request_order() -> None:
    _, records = build_records(load_scenario(RECORDINGS / "deletions.yaml"))[:2]
    assert [r.t for r in records] == sorted(r.t for r in records)
    starts = [r.t for r in records if isinstance(r, Request)]
    ids = [r.ex for r in records if isinstance(r, Request)]
    assert ids == sorted(ids) == list(range(1, len(ids) + 1)) and starts == sorted(starts)


def test_header_says_synthesized_and_carries_the_replay_defaults() -> None:
    head, _ = build(MINIMAL)
    assert head.synthesized and head.started_at == "2026-01-01T00:00:00Z" and head.upstream_version == "v1.37.2"
    assert head.meta == {"min_request_timeout": 60, "seed": 1, "scenario": "test"}


def test_pods_satisfy_the_python_clients_models() -> None:
    api = ApiClient()
    for name in ("nginx-deploy", "deletions", "many-objects"):
        _, records = build_records(load_scenario(RECORDINGS / f"{name}.yaml"))[:2]
        for watch in watches(records):
            for event in (e for e in events(watch) if e["type"] != "BOOKMARK"):
                pod = api.deserialize(json.dumps(event["object"]), "V1Pod", "application/json")
                assert pod.metadata.name == event["object"]["metadata"]["name"]
        for listing in lists(records):
            body = b"".join(r.data for r in listing if isinstance(r, Frame)).decode()
            pods = api.deserialize(body, "V1PodList", "application/json")
            assert len(pods.items) == len(json.loads(body)["items"])


def test_a_too_old_resource_version_gets_one_expired_error_then_a_clean_end() -> None:
    _, records = build("resources: [{path: /api/v1/pods, watches: [{query: resourceVersion=10&watch=true}]}]\n")
    (watch,) = watches(records)
    (event,) = events(watch)
    assert event["type"] == "ERROR" and event["object"]["code"] == 410
    assert event["object"]["message"] == "too old resource version: 10 (1000)"
    assert end_of(watch).how is EndHow.SERVER_CLOSED and end_of(watch).t == watch[1].t


def test_send_initial_events_ends_with_the_annotated_bookmark() -> None:
    _, records = build("""
        resources:
          - path: /api/v1/pods
            watches:
              - query: allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan&sendInitialEvents=true&watch=true
        objects: [{kind: Pod, name: a}, {kind: Pod, name: b, namespace: other}]
        """)
    (watch,) = watches(records)
    evs = events(watch)
    assert [e["type"] for e in evs[:3]] == ["ADDED", "ADDED", "BOOKMARK"]
    assert evs[2]["object"]["metadata"] == {"resourceVersion": "1000",
                                             "annotations": {"k8s.io/initial-events-end": "true"}}


def test_a_bookmarked_watch_from_now_gets_the_watch_list_defaults() -> None:
    _, records = build("""
        resources: [{path: /api/v1/pods, watches: [{query: allowWatchBookmarks=true&watch=true}]}]
        objects: [{kind: Pod, name: a}]
        """)
    (watch,) = watches(records)
    evs = events(watch)
    assert [e["type"] for e in evs[:2]] == ["ADDED", "BOOKMARK"]
    assert evs[1]["object"]["metadata"]["annotations"] == {"k8s.io/initial-events-end": "true"}


def test_bookmarks_carry_advancing_resource_versions_across_reconnects() -> None:
    _, records = build_records(load_scenario(RECORDINGS / "bookmarks.yaml"))[:2]
    chain = watches(records)
    assert len(chain) >= 4
    last = 0
    for watch in chain:
        query = request_of(watch).query
        assert f"resourceVersion={last}" in query or last == 0
        evs = events(watch)
        assert sum(e["type"] == "BOOKMARK" for e in evs) >= 20
        for event in evs:  # a bookmark repeats its RV each minute until its cache's next sync moves it
            assert rv(event) > last or (event["type"] == "BOOKMARK" and rv(event) == last)
            last = rv(event)
        assert end_of(watch).how is EndHow.SERVER_CLOSED
    types = [e["type"] for w in chain for e in events(w) if e["type"] != "BOOKMARK"]
    assert types == ["MODIFIED", "ADDED", "MODIFIED"]


def test_deletions_right_after_the_list_reach_the_watch_from_the_lists_version() -> None:
    _, records = build_records(load_scenario(RECORDINGS / "deletions.yaml"))[:2]
    informer, late = watches(records)
    first = events(informer)[0]
    assert (first["type"], first["object"]["metadata"]["name"]) == ("DELETED", "debug-shell")
    assert rv(first) == 7701
    initial = [(e["type"], e["object"]["metadata"]["name"]) for e in events(late)[:3]]
    assert initial == [("ADDED", "db-0"), ("ADDED", "web-7c9d8b6f5d-8lz4n"), ("ADDED", "web-7c9d8b6f5d-v5rtm")]
    uids = {e["object"]["metadata"]["uid"] for e in events(informer) if e["object"]["metadata"]["name"] == "db-0"}
    assert len(uids) == 2  # deleted and created again: a new object


def test_count_expands_entries_with_their_index() -> None:
    s = scenario("""
        resources: [{path: /api/v1/pods}]
        objects:
          - {count: 6, kind: Pod, name: "web-{i//2}-{i%2}", namespace: "ns-{i%3}"}
        changes:
          - {at: 1, every: 0.5, count: 3, delete: {kind: Pod, name: "web-{i}-0", namespace: "ns-{i*2%3}"}}
        """)
    assert [(o.namespace, o.name) for o in s.objects][:3] == [("ns-0", "web-0-0"), ("ns-1", "web-0-1"),
                                                             ("ns-2", "web-1-0")]
    assert [(c.at, c.where) for c in s.changes] == [(1.0, "changes[0] (i=0)"), (1.5, "changes[0] (i=1)"),
                                                    (2.0, "changes[0] (i=2)")]


# --- determinism and the bundled files ----------------------------------------------------------------


def test_same_scenario_gives_byte_identical_files(tmp_path: Path) -> None:
    s = load_scenario(RECORDINGS / "deletions.yaml")
    write_recording(s, tmp_path / "one.msgpack")
    write_recording(load_scenario(RECORDINGS / "deletions.yaml"), tmp_path / "two.msgpack")
    assert (tmp_path / "one.msgpack").read_bytes() == (tmp_path / "two.msgpack").read_bytes()


def test_a_different_seed_moves_the_close_time() -> None:
    a = build_records(scenario(MINIMAL))[1]
    b = build_records(scenario(MINIMAL.replace("seed: 1", "seed: 2")))[1]
    (wa,), (wb,) = watches(a), watches(b)
    assert end_of(wa).t != end_of(wb).t


@pytest.mark.parametrize("name", BUNDLED)
def test_bundled_recording_matches_its_scenario(name: str, tmp_path: Path) -> None:
    out = tmp_path / f"{name}.msgpack"
    write_recording(load_scenario(RECORDINGS / f"{name}.yaml"), out)
    bundled = RECORDINGS / f"{name}.msgpack"
    assert out.read_bytes() == bundled.read_bytes(), (
        f"recordings/{name}.msgpack is stale: run watchproxy synth recordings/{name}.yaml "
        f"--out recordings/{name}.msgpack")
    assert bundled.stat().st_size < 2 * 1024 * 1024
    header, records, torn = read_records(bundled)
    assert header.synthesized and torn is None and records
