"""Client writes in emulate, with no sockets: every write becomes the next resourceVersion, open watches
see it in order with the recorded changes still to come, and gets, lists and `objects()` reflect it."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from watchproxy.clock import ManualClock
from watchproxy.engines.base import Incoming
from watchproxy.engines.emulate.engine import Emulator
from watchproxy.engines.requestlog import RequestLog
from watchproxy.engines.store import load

from tests.memory import MemoryResponder, RecordingBuilder, pod, two_pods

PODS = "/api/v1/namespaces/default/pods"


@pytest.fixture
def recording(tmp_path: Path) -> Path:
    return two_pods(tmp_path / "r.msgpack")


class Harness:
    def __init__(self, path: Path, **kw: Any) -> None:
        self.clock = ManualClock()
        self.emu = Emulator(load(path), self.clock, **kw)
        self.log = RequestLog(self.clock.now)

    def start(self, method: str, path: str, query: str = "", body: Any = None,
              content_type: str = "application/json", accept: str = "application/json"
              ) -> tuple[MemoryResponder, asyncio.Task[None]]:
        out = MemoryResponder(self.clock)
        data = b"" if body is None else body if isinstance(body, bytes) else json.dumps(body).encode()
        req = Incoming(method, path, query, (("Accept", accept), ("Content-Type", content_type)), data)
        self.entry = self.log.open(method, path, query, req.info.verb, req.info.resource, req.info.namespace)
        return out, asyncio.ensure_future(self.emu.serve(req, out, self.entry))

    async def call(self, method: str, path: str, query: str = "", body: Any = None,
                   content_type: str = "application/json", accept: str = "application/json"
                   ) -> tuple[int, dict[str, Any]]:
        out, task = self.start(method, path, query, body, content_type, accept)
        await task
        assert out.status is not None
        return out.status, json.loads(out.body)


def new_pod(name: str, **spec: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": {"app": "x"}},
            "spec": {"containers": [{"name": "c", "image": "nginx"}], **spec}}


def seen(out: MemoryResponder) -> list[tuple[str, str, str]]:
    return [(e["type"], e["object"]["metadata"].get("name", ""), e["object"]["metadata"]["resourceVersion"])
            for e in out.events()]


async def test_create_gets_the_next_resource_version_and_watches_see_it_before_later_recorded_changes(
        recording: Path) -> None:
    h = Harness(recording)
    watch, task = h.start("GET", PODS, "watch=1&resourceVersion=100")
    await h.clock.advance(15)  # the recorded MODIFIED a@101 is due
    code, created = await h.call("POST", PODS, body=new_pod("c"))
    assert code == 201
    meta = created["metadata"]
    assert (meta["name"], meta["namespace"], meta["resourceVersion"], meta["generation"]) == ("c", "default",
                                                                                              "105", 1)
    assert meta["uid"] and meta["creationTimestamp"].endswith("Z")
    await h.clock.advance(200)
    # b's recorded ADDED (102 in the file) comes after the write, renumbered beyond it
    assert seen(watch) == [("MODIFIED", "a", "101"), ("ADDED", "c", "105"), ("ADDED", "b", "106"),
                           ("DELETED", "a", "107"), ("MODIFIED", "b", "108")]
    assert h.emu.objects(PODS.replace("/namespaces/default", "")) == {"default/b": "108", "default/c": "105"}
    task.cancel()


async def test_create_conflicts_and_generate_name(recording: Path) -> None:
    h = Harness(recording)
    code, body = await h.call("POST", PODS, body=new_pod("a"))
    assert (code, body["reason"]) == (409, "AlreadyExists")
    code, body = await h.call("POST", PODS, body={"metadata": {"generateName": "web-"}, "spec": new_pod("")["spec"]})
    assert code == 201 and body["metadata"]["name"].startswith("web-") and len(body["metadata"]["name"]) == 9
    code, body = await h.call("POST", PODS, body={"metadata": {"generateName": "web-"}, "spec": {}})
    assert (code, body["message"]) == (422, f'Pod "{body["details"]["name"]}" is invalid: spec.containers: '
                                             "Required value")
    code, body = await h.call("POST", PODS, body={"metadata": {}, "spec": {}})
    assert (code, body["reason"]) == (422, "Invalid")
    code, body = await h.call("POST", PODS, body={"metadata": {"name": "x", "namespace": "other"}})
    assert code == 400


async def test_update_conflict_generation_and_status_subresource(recording: Path) -> None:
    h = Harness(recording)
    _, created = await h.call("POST", PODS, body=new_pod("c"))
    stale = json.loads(json.dumps(created))
    created["metadata"]["labels"]["tier"] = "web"
    created["status"] = {"phase": "Running"}  # ignored on the main resource
    code, updated = await h.call("PUT", f"{PODS}/c", body=created)
    assert code == 200
    assert updated["metadata"]["generation"] == 1  # a metadata change is not a spec change
    # the status the pod was created with (the pod strategy's), not the body's
    assert updated["status"] == {"phase": "Pending", "qosClass": "BestEffort"}
    stale["spec"]["containers"][0]["image"] = "nginx:2"
    code, body = await h.call("PUT", f"{PODS}/c", body=stale)
    assert (code, body["reason"]) == (409, "Conflict")
    stale["metadata"]["resourceVersion"] = updated["metadata"]["resourceVersion"]
    code, body = await h.call("PUT", f"{PODS}/c", body=stale)
    assert code == 200 and body["metadata"]["generation"] == 2
    body["spec"]["containers"][0]["image"] = "ignored"
    body["status"] = {"phase": "Running"}
    code, st = await h.call("PUT", f"{PODS}/c/status", body=body)
    assert code == 200 and st["status"] == {"phase": "Running", "qosClass": "BestEffort"}  # (qosClass backfilled)
    assert st["spec"]["containers"][0]["image"] == "nginx:2" and st["metadata"]["generation"] == 2


@pytest.mark.parametrize(("content_type", "patch", "want"), [
    ("application/merge-patch+json", {"metadata": {"labels": {"app": None, "b": "2"}}}, {"b": "2"}),
    ("application/json-patch+json", [{"op": "add", "path": "/metadata/labels/b", "value": "2"}],
     {"app": "x", "b": "2"}),
    ("application/strategic-merge-patch+json", {"metadata": {"labels": {"b": "2"}}}, {"app": "x", "b": "2"}),
    ("application/apply-patch+yaml", b"apiVersion: v1\nkind: Pod\nmetadata:\n  labels:\n    b: '2'\n",
     {"app": "x", "b": "2"}),
])
async def test_patch_types(recording: Path, content_type: str, patch: Any, want: dict[str, str]) -> None:
    h = Harness(recording)
    await h.call("POST", PODS, body=new_pod("c"))
    code, body = await h.call("PATCH", f"{PODS}/c", "fieldManager=test", patch, content_type)
    assert code == 200, body
    assert body["metadata"]["labels"] == want


async def test_strategic_merge_merges_containers_by_name(recording: Path) -> None:
    h = Harness(recording)
    deploys = "/apis/apps/v1/namespaces/default/deployments"
    pod = new_pod("c", initContainers=[{"name": "i", "image": "busybox"}])
    await h.call("POST", deploys, body={"metadata": {"name": "c"}, "spec": {
        "selector": {"matchLabels": {"app": "x"}}, "template": {"metadata": pod["metadata"], "spec": pod["spec"]}}})
    smp = "application/strategic-merge-patch+json"
    patch = {"spec": {"template": {"spec": {"containers": [{"name": "c", "image": "nginx:2"},
                                                           {"name": "side", "image": "envoy"}]}}}}
    code, body = await h.call("PATCH", f"{deploys}/c", "", patch, smp)
    assert code == 200
    containers = body["spec"]["template"]["spec"]["containers"]
    named = [{k: c[k] for k in ("name", "image", "imagePullPolicy")} for c in containers]
    # the merged list, each container defaulted (the first kept its pull policy from when it was nginx:latest)
    assert named == [{"name": "c", "image": "nginx:2", "imagePullPolicy": "Always"},
                     {"name": "side", "image": "envoy", "imagePullPolicy": "Always"}]
    delete_side = {"spec": {"template": {"spec": {"containers": [{"name": "side", "$patch": "delete"}]}}}}
    code, body = await h.call("PATCH", f"{deploys}/c", "", delete_side, smp)
    assert [c["name"] for c in body["spec"]["template"]["spec"]["containers"]] == ["c"]
    code, body = await h.call("PATCH", f"{deploys}/c", "", [{"op": "test", "path": "/metadata/name", "value": "no"}],
                              "application/json-patch+json")
    assert code == 422
    # the same merge on a pod: its containers are fixed once it is made
    await h.call("POST", PODS, body=pod)
    code, body = await h.call("PATCH", f"{PODS}/c", "", patch["spec"]["template"], smp)
    assert (code, body["details"]["causes"][0]["field"]) == (422, "spec.containers")


async def test_apply_creates_a_missing_object_and_needs_a_field_manager(recording: Path) -> None:
    h = Harness(recording)
    doc = json.dumps(new_pod("d")).encode()
    code, body = await h.call("PATCH", f"{PODS}/d", "", doc, "application/apply-patch+yaml")
    assert (code, body["reason"]) == (422, "Invalid")
    code, body = await h.call("PATCH", f"{PODS}/d", "fieldManager=me", doc, "application/apply-patch+yaml")
    assert code == 201 and body["metadata"]["name"] == "d"


async def test_delete_with_a_finalizer_waits_for_it_and_watches_see_each_step(recording: Path) -> None:
    h = Harness(recording)
    watch, task = h.start("GET", PODS, "watch=1&resourceVersion=100&fieldSelector=metadata.name%3Dc")
    obj = new_pod("c")
    obj["metadata"]["finalizers"] = ["example.com/keep"]
    await h.call("POST", PODS, body=obj)
    code, body = await h.call("DELETE", f"{PODS}/c")
    assert code == 200 and body["metadata"]["deletionTimestamp"]
    code, got = await h.call("GET", f"{PODS}/c")
    assert code == 200 and got["metadata"]["finalizers"] == ["example.com/keep"]
    code, body = await h.call("PATCH", f"{PODS}/c", "", {"metadata": {"finalizers": None}},
                              "application/merge-patch+json")
    assert code == 200
    code, _ = await h.call("GET", f"{PODS}/c")
    assert code == 404
    await h.clock.advance(1)
    assert [(t, n) for t, n, _ in seen(watch)] == [("ADDED", "c"), ("MODIFIED", "c"), ("DELETED", "c")]
    rvs = [int(rv) for _, _, rv in seen(watch)]
    assert rvs == sorted(rvs) and len(set(rvs)) == 3
    task.cancel()


async def test_dry_run_changes_nothing(recording: Path) -> None:
    h = Harness(recording)
    code, body = await h.call("POST", PODS, "dryRun=All", new_pod("c"))
    assert code == 201 and body["metadata"]["name"] == "c"
    assert "resourceVersion" not in body["metadata"]  # as the real apiserver answers: it was never stored
    code, _ = await h.call("GET", f"{PODS}/c")
    assert code == 404
    _, a = await h.call("GET", f"{PODS}/a")
    relabelled = {**a, "metadata": {**a["metadata"], "labels": {"x": "1"}}}
    code, body = await h.call("PUT", f"{PODS}/a", "dryRun=All", relabelled)
    assert (code, body["metadata"]["labels"]) == (200, {"x": "1"})
    assert body["metadata"]["resourceVersion"] == a["metadata"]["resourceVersion"]  # the stored one, as the real one
    _, again = await h.call("GET", f"{PODS}/a")
    assert again == a
    code, _ = await h.call("DELETE", f"{PODS}/a", "dryRun=All")
    assert code == 200
    code, _ = await h.call("GET", f"{PODS}/a")
    assert code == 200


async def test_delete_collection_by_label(recording: Path) -> None:
    h = Harness(recording)
    await h.call("POST", PODS, body=new_pod("c"))
    await h.call("POST", PODS, body=new_pod("d"))
    code, body = await h.call("DELETE", PODS, "labelSelector=app%3Dx")
    assert code == 200 and sorted(i["metadata"]["name"] for i in body["items"]) == ["c", "d"]
    assert h.emu.objects("/api/v1/pods") == {"default/a": "90"}


async def test_a_recorded_change_of_an_object_the_client_deleted_recreates_it(recording: Path) -> None:
    """Defined behaviour: recorded changes keep coming, last writer wins, types fit what the client did."""
    h = Harness(recording)
    watch, task = h.start("GET", PODS, "watch=1&resourceVersion=100")
    await h.clock.advance(21)  # b exists (recorded ADDED at 20 s)
    code, _ = await h.call("DELETE", f"{PODS}/b")
    assert code == 200
    await h.clock.advance(100)  # the recorded MODIFIED of b at 100 s
    types = [(t, n) for t, n, _ in seen(watch)]
    assert types[-2:] == [("DELETED", "a"), ("ADDED", "b")]
    assert ("DELETED", "b") in types
    rvs = [int(rv) for _, _, rv in seen(watch)]
    assert rvs == sorted(rvs)
    task.cancel()


async def test_a_recorded_delete_of_an_object_the_client_deleted_is_not_sent_again(recording: Path) -> None:
    h = Harness(recording)
    watch, task = h.start("GET", PODS, "watch=1&resourceVersion=100")
    await h.clock.advance(15)
    await h.call("DELETE", f"{PODS}/a")
    await h.clock.advance(100)
    # (the client's delete: a pod no node runs is marked for deletion, then deleted at once, as there)
    assert [(t, n) for t, n, _ in seen(watch)] == [("MODIFIED", "a"), ("MODIFIED", "a"), ("DELETED", "a"),
                                                  ("ADDED", "b"), ("MODIFIED", "b")]
    task.cancel()


async def test_read_only_refuses_writes_with_a_405_naming_the_flag(recording: Path) -> None:
    h = Harness(recording, read_only=True)
    code, body = await h.call("POST", PODS, body=new_pod("c"))
    assert code == 405 and "--read-only" in body["message"]
    binding = {"apiVersion": "v1", "kind": "Binding", "metadata": {"name": "c"}, "target": {"name": "n1"}}
    code, body = await h.call("POST", f"{PODS}/c/binding", body=binding)
    assert code == 405 and "--read-only" in body["message"]  # it writes the pod
    # asked and answered, nothing written: a token request (here of an account there is not), who one is
    code, body = await h.call("POST", "/api/v1/namespaces/default/serviceaccounts/nobody/token", body={})
    assert (code, body["message"]) == (404, 'serviceaccounts "nobody" not found')
    code, body = await h.call("POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", body={})
    assert code == 201 and body["status"]["userInfo"]["groups"] == ["system:masters", "system:authenticated"]


async def test_the_request_log_shows_the_write_and_its_outcome(recording: Path) -> None:
    h = Harness(recording)
    await h.call("POST", PODS, body=new_pod("c"))
    assert h.entry.status == 201 and "ADDED default/c" in h.entry.end_detail
    await h.call("POST", PODS, body=new_pod("c"))
    assert "409 AlreadyExists" in h.entry.end_detail


async def test_scale_subresource(tmp_path: Path) -> None:
    b = RecordingBuilder(tmp_path / "d.msgpack")
    path = "/apis/apps/v1/namespaces/default/deployments"
    dep = {"kind": "Deployment", "apiVersion": "apps/v1",
           "metadata": {"name": "web", "namespace": "default", "resourceVersion": "50", "generation": 1},
           "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}}, "template": {
               "metadata": {"labels": {"app": "web"}}, "spec": new_pod("")["spec"]}}, "status": {"replicas": 1}}
    b.list(0.0, 50, [dep], path=path, kind="DeploymentList")
    h = Harness(b.write())
    code, scale = await h.call("PATCH", f"{path}/web/scale", "", {"spec": {"replicas": 3}},
                               "application/merge-patch+json")
    assert code == 200 and scale["kind"] == "Scale" and scale["spec"] == {"replicas": 3}
    assert scale["metadata"]["resourceVersion"] == "51"
    code, got = await h.call("GET", f"{path}/web")
    assert got["spec"]["replicas"] == 3 and got["metadata"]["generation"] == 2


async def test_a_write_leaves_no_feed_sleeping_for_watches_that_left(recording: Path) -> None:
    """A write wakes every parked watch of its resource; one whose client left meanwhile ends without
    parking again, and the feed's sleeper must not outlive it (a replay that stops checks for leaks)."""
    h = Harness(recording)
    watch, task = h.start("GET", PODS, "watch=1&resourceVersion=100")
    await h.clock.advance(1)  # parked until the recorded change at 10 s
    assert any("Feed._run" in repr(t.get_coro()) for t in asyncio.all_tasks())
    watch.leave()
    await h.call("POST", PODS, body=new_pod("c"))
    await task
    await asyncio.sleep(0)
    assert not any("Feed._run" in repr(t.get_coro()) for t in asyncio.all_tasks())


async def test_a_recording_without_namespaces_is_served_those_it_implies(tmp_path: Path) -> None:
    """As a real apiserver has them: the ones it makes when it starts and every one a recorded object is in,
    there before anything the recording saw; a watch from a recorded resourceVersion gets none of them."""
    b = RecordingBuilder(tmp_path / "r.msgpack")
    b.list(0.0, 100, [pod("a", 90), pod("b", 95, ns="team-a")], path="/api/v1/pods")
    h = Harness(b.write())
    code, listed = await h.call("GET", "/api/v1/namespaces")
    assert code == 200 and listed["kind"] == "NamespaceList"
    names = [(i["metadata"]["name"], i["metadata"]["resourceVersion"]) for i in listed["items"]]
    assert names == [("default", "85"), ("kube-node-lease", "86"), ("kube-public", "87"), ("kube-system", "88"),
                     ("team-a", "89")]
    code, default = await h.call("GET", "/api/v1/namespaces/default")
    assert code == 200
    assert default["metadata"]["labels"] == {"kubernetes.io/metadata.name": "default"}
    assert (default["spec"], default["status"]) == ({"finalizers": ["kubernetes"]}, {"phase": "Active"})
    code, picked = await h.call("GET", "/api/v1/namespaces", "labelSelector=kubernetes.io%2Fmetadata.name%3Dteam-a")
    assert [i["metadata"]["name"] for i in picked["items"]] == ["team-a"]
    _, table = await h.call("GET", "/api/v1/namespaces", accept="application/json;as=Table;v=v1;g=meta.k8s.io")
    assert [c["name"] for c in table["columnDefinitions"]] == ["Name", "Status", "Age"]  # as the real one prints
    assert [r["cells"][:2] for r in table["rows"]][-1] == ["team-a", "Active"]
    code, missing = await h.call("GET", "/api/v1/namespaces/team-b")
    assert (code, missing["reason"]) == (404, "NotFound")
    watch, task = h.start("GET", "/api/v1/namespaces", "watch=1&resourceVersion=100")
    code, made = await h.call("POST", "/api/v1/namespaces", body={"metadata": {"name": "team-b"}})
    assert code == 201 and made["metadata"]["labels"] == {"kubernetes.io/metadata.name": "team-b"}
    await h.clock.advance(1)
    assert seen(watch) == [("ADDED", "team-b", made["metadata"]["resourceVersion"])]
    task.cancel()


async def test_a_recording_with_namespaces_is_served_those_it_saw(tmp_path: Path) -> None:
    b = RecordingBuilder(tmp_path / "r.msgpack")
    ns = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "only", "resourceVersion": "7"},
          "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}}
    b.list(0.0, 100, [ns], path="/api/v1/namespaces", kind="NamespaceList")
    h = Harness(b.write())
    _, listed = await h.call("GET", "/api/v1/namespaces")
    assert [i["metadata"]["name"] for i in listed["items"]] == ["only"]


async def test_written_objects_come_in_the_apiservers_key_order(recording: Path) -> None:
    """As Go encodes them (checked against the real apiserver's answer to the same create): ObjectMeta's
    fields in struct order with resourceVersion after uid, and maps (labels, a ConfigMap's data) sorted."""
    h = Harness(recording)
    body = {"metadata": {"labels": {"z": "1", "a": "2"}, "name": "ord"}, "data": {"y": "1", "b": "2"}}
    out, task = h.start("POST", "/api/v1/namespaces/default/configmaps", body=body)
    await task
    created = json.loads(out.body)
    assert list(created) == ["kind", "apiVersion", "metadata", "data"]
    assert list(created["metadata"]) == ["name", "namespace", "uid", "resourceVersion", "creationTimestamp", "labels",
                                         "managedFields"]
    assert (list(created["metadata"]["labels"]), list(created["data"])) == (["a", "z"], ["b", "y"])
    _, got = await h.call("GET", "/api/v1/namespaces/default/configmaps/ord")
    assert json.dumps(got) == json.dumps(created)


async def test_health_checks_are_answered_healthy_in_plain_text(recording: Path) -> None:
    h = Harness(recording)
    out, task = h.start("GET", "/readyz")
    await task
    assert (out.status, out.body, dict(out.headers)["Content-Type"]) == (200, b"ok", "text/plain; charset=utf-8")
    assert h.entry.answered_by == "emulated health check"


async def test_a_protobuf_body_of_a_kind_the_scheme_does_not_register_is_refused_in_the_serializers_words(
        recording: Path) -> None:
    h = Harness(recording)
    widget = b"k8s\x00\x0a\x18\x0a\x0eexample.com/v1\x12\x06Widget"  # a custom kind: never protobuf really
    code, body = await h.call("POST", PODS, body=widget, content_type="application/vnd.kubernetes.protobuf")
    assert (code, body["message"]) == (400, 'Widget in version "v1" cannot be handled as a Pod: no kind "Widget" is '
                                             'registered for version "example.com/v1" in scheme '
                                             '"pkg/runtime/scheme.go:111"')
    assert h.emu.objects("/api/v1/pods") == {"default/a": "90"}


async def test_a_patch_applies_to_the_object_as_read_defaults_included(recording: Path) -> None:
    """A recorded pod written without defaults (a synthesized recording) is patched as the apiserver would
    patch it: decoded, so defaulted, first; a JSON patch may test a defaulted field."""
    h = Harness(recording)
    ops = [{"op": "test", "path": "/spec/restartPolicy", "value": "Always"},
           {"op": "add", "path": "/metadata/labels/checked", "value": "yes"}]
    code, body = await h.call("PATCH", f"{PODS}/a", "", ops, "application/json-patch+json")
    assert (code, body["metadata"]["labels"]["checked"], body["spec"]["dnsPolicy"]) == (200, "yes", "ClusterFirst")
