"""Writes in emulate against the reference: the same write sequence (tests/writes_differential.py) to the
real kube-apiserver and to a replay gets the same answers and the same watch events, modulo uids, times,
resourceVersion values, managedFields and the IP and port a Service is given. One create per kind compares whole
answers: defaulting, strategies and admission included."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kubernetes import client, config
from watchproxy.apiserver.writes import NAME_ALPHABET
from watchproxy.testing import Replay

from tests import rawhttp
from tests import writes_differential as wd
from tests.memory import RecordingBuilder
from tests.realkube import RealKube

_runs = itertools.count()


def _events(kubeconfig: str, ns: str, rv: str, advance: Callable[[], None] | None = None
            ) -> list[tuple[str, str, int]]:
    """The configmap events after `rv`: a one-second watch, on the replay ended by moving its clock."""
    return wd.watched(lambda: wd.watch_events(kubeconfig, ns, rv, 1), advance)


def test_the_write_sequence_gets_the_real_apiservers_answers_and_events(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    ns = f"writes-{next(_runs)}-{tmp_path.name[-12:].lower().replace('_', '-')}"
    real_api = client.CoreV1Api(config.new_client_from_config(config_file=str(realkube.admin_kubeconfig)))
    real_api.create_namespace({"metadata": {"name": ns}})
    rv0 = real_api.list_namespaced_config_map(ns).metadata.resource_version
    real = wd.run(str(realkube.admin_kubeconfig), ns)
    real_events = _events(str(realkube.admin_kubeconfig), ns, rv0)

    b = RecordingBuilder(tmp_path / "empty.msgpack")
    b.list(0.0, 100, [], path=f"/api/v1/namespaces/{ns}/configmaps", kind="ConfigMapList")
    replay = watchproxy(b.write())
    emulated = wd.run(replay.kubeconfig, ns)

    def wait_then_advance() -> None:
        replay.wait_for(lambda r: any(w.end == "open" for w in r.watches()), what="the watch")
        replay.advance(2)

    emulated_events = _events(replay.kubeconfig, ns, "100", wait_then_advance)

    differences = {r["step"]: (r, e) for r, e in zip(real.answers, emulated.answers, strict=True) if r != e}
    assert set(differences) == wd.NOT_MODELLED, differences  # and each approximation does show
    def compared(events: list[tuple[str, str, int]]) -> list[tuple[str, str]]:
        return [(t, n) for t, n, _ in events if not n.startswith("gen-")]

    assert compared(emulated_events) == compared(real_events)
    generated = [n for _, n, _ in emulated_events if n.startswith("gen-")]
    assert len(generated) == 1 and len(generated[0]) == 9 and set(generated[0][4:]) <= set(NAME_ALPHABET)
    for events in (real_events, emulated_events):
        rvs = [rv for _, _, rv in events]
        assert rvs == sorted(rvs) and len(set(rvs)) == len(rvs)


def test_deletions_are_watched_as_on_the_real_apiserver(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """Pods: the store marks one for deletion (MODIFIED) before it deletes it, at once when no node runs it
    or when the client asks for no grace (then DELETED, the answer holding that version), else only marks
    it, waiting for its kubelet. An update that empties the last finalizer of an object being deleted is
    answered with the update, at the version stored before it, which is what the DELETED event holds."""
    ns = f"gone-{next(_runs)}"
    pods, cms = f"/api/v1/namespaces/{ns}/pods", f"/api/v1/namespaces/{ns}/configmaps"
    def pod(name: str, node: str = "") -> bytes:
        return json.dumps({"metadata": {"name": name}, "spec": {"containers": [{"name": "c", "image": "x"}],
                                                               **({"nodeName": node} if node else {})}}).encode()
    cm = json.dumps({"metadata": {"name": "f", "finalizers": ["x.io/f"]}, "data": {"a": "1"}}).encode()
    unfinalized = json.dumps({"metadata": {"finalizers": None}, "data": {"a": "2"}}).encode()
    steps = [("POST", pods, pod("unbound"), ""), ("POST", pods, pod("bound", "n1"), ""),
             ("POST", pods, pod("now", "n1"), ""), ("DELETE", f"{pods}/unbound", None, ""),
             ("DELETE", f"{pods}/bound", None, ""), ("DELETE", f"{pods}/now?gracePeriodSeconds=0", None, ""),
             ("POST", cms, cm, ""), ("DELETE", f"{cms}/f", None, ""),
             ("PATCH", f"{cms}/f", unfinalized, "application/merge-patch+json")]
    real, replay = rawhttp.reference_and_replay(realkube, watchproxy, tmp_path, ns)
    seen = []
    for server, on in ((real, None), ((replay.url, ""), replay)):
        rv0 = {c: rawhttp.call(*server, "GET", c)[1]["metadata"]["resourceVersion"] for c in (pods, cms)}
        answers = []
        for method, path, body, ctype in steps:
            code, doc, _ = rawhttp.call(*server, method, path, body, ctype or "application/json")
            meta = doc.get("metadata", {})
            answers.append((code, meta.get("deletionGracePeriodSeconds"), meta.get("finalizers"), doc.get("data"),
                            meta.get("resourceVersion")))
        events = []
        for c in (pods, cms):
            _, _, stream = rawhttp.send_ending_watches(server, on, "GET", f"{c}?watch=1&resourceVersion={rv0[c]}&"
                                                       "timeoutSeconds=1", None, {"Accept": "application/json"})
            events += [json.loads(line) for line in stream.splitlines()]
        rvs = {(e["type"], e["object"]["metadata"]["name"]): e["object"]["metadata"]["resourceVersion"] for e in events}
        assert [a[-1] for a in answers[3:6]] == [rvs["DELETED", "unbound"], rvs["MODIFIED", "bound"],
                                                 rvs["DELETED", "now"]]
        assert int(answers[8][-1]) == int(rvs["MODIFIED", "f"]) < int(rvs["DELETED", "f"])
        seen.append(([a[:4] for a in answers], [
            (e["type"], e["object"]["metadata"]["name"], e["object"]["metadata"].get("deletionGracePeriodSeconds"),
             e["object"]["metadata"].get("finalizers"), e["object"].get("data")) for e in events]))
    assert seen[1] == seen[0]
    assert ("MODIFIED", "unbound", 0, None, None) in seen[0][1] and ("DELETED", "unbound", 0, None, None) in seen[0][1]
    assert seen[0][1][-1] == ("DELETED", "f", 0, ["x.io/f"], {"a": "1"})


def test_an_update_that_changes_nothing_is_no_new_version(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """A PUT of an object as written (no managedFields, as kubectl replace or a client building it sends
    it) that changes nothing is no new version and no event, whoever sends it, as on the real apiserver;
    a change is, and so is a reset of the managedFields alone. (A replay gave each PUT a new version.)"""
    ns = f"noop-{next(_runs)}"
    cms = f"/api/v1/namespaces/{ns}/configmaps"
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "labels": {"x": "1"}}, "data": {"a": "1"}}
    changed = {**cm, "data": {"a": "2"}}
    reset = {**changed, "metadata": {**cm["metadata"], "managedFields": [{}]}}
    steps = [("POST", cms, cm, ""), ("PUT", f"{cms}/c", cm, ""), ("PUT", f"{cms}/c", cm, "other/1"),
             ("PUT", f"{cms}/c", changed, "other/1"), ("PUT", f"{cms}/c", changed, ""), ("PUT", f"{cms}/c", reset, "")]
    real, replay = rawhttp.reference_and_replay(realkube, watchproxy, tmp_path, ns)
    seen = []
    for server, on in ((real, None), ((replay.url, ""), replay)):
        rv0 = rawhttp.call(*server, "GET", cms)[1]["metadata"]["resourceVersion"]
        answers, last = [], ""
        for method, path, body, agent in steps:
            code, doc, _ = rawhttp.call(*server, method, path, json.dumps(body).encode(),
                                        headers={"User-Agent": agent} if agent else {})
            meta = doc["metadata"]
            answers.append((code, meta["resourceVersion"] != last, [(m["manager"], m["fieldsV1"])
                                                                    for m in meta.get("managedFields", [])]))
            last = meta["resourceVersion"]
        _, _, stream = rawhttp.send_ending_watches(server, on, "GET", f"{cms}?watch=1&resourceVersion={rv0}&"
                                                   "timeoutSeconds=1", None, {"Accept": "application/json"})
        seen.append((answers, [json.loads(line)["type"] for line in stream.splitlines()]))
    assert seen[1] == seen[0]
    assert [new for _, new, _ in seen[0][0]] == [True, False, False, True, False, True]


def test_an_update_that_changes_only_managed_times_is_answered_with_the_stored_ones(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """A PUT of an object as read whose managedFields differ only in their times (a client that writes a time
    in its own form, or the zero time) is no new version, and its answer holds the stored times
    (IgnoreManagedFieldsTimestampsTransformer). (A replay answered with the times sent.)"""
    ns = f"times-{next(_runs)}"
    cms = f"/api/v1/namespaces/{ns}/configmaps"

    def answers(server: rawhttp.Server, _ns: str) -> list[tuple[int, bool, list[bool]]]:
        code, made, _ = rawhttp.call(*server, "POST", f"{cms}?fieldManager=a", json.dumps(
            {"metadata": {"name": "c"}, "data": {"a": "1"}}).encode())
        out = [(code, True, [True])]
        for when in ("2000-01-01T01:00:00+01:00", "0001-01-01T00:00:00Z"):
            sent = {**made, "metadata": {**made["metadata"], "managedFields": [
                {**e, "time": when} for e in made["metadata"]["managedFields"]]}}
            code, doc, _ = rawhttp.call(*server, "PUT", f"{cms}/c?fieldManager=b", json.dumps(sent).encode())
            out.append((code, doc["metadata"]["resourceVersion"] != made["metadata"]["resourceVersion"],
                        [e.get("time") == made["metadata"]["managedFields"][0]["time"]
                         for e in doc["metadata"]["managedFields"]]))
        return out
    assert rawhttp.agreed(realkube, watchproxy, tmp_path, ns, answers) == [
        (201, True, [True]), (200, False, [True]), (200, False, [True])]


def test_an_apply_through_status_of_what_is_there_makes_its_manager_an_owner(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """A controller's server-side apply of a status another writer already set changes no value, and still
    records the controller as an owner of those fields (a replay left it out: nothing was written)."""
    ns = f"same-status-{next(_runs)}"
    deploys = f"/apis/apps/v1/namespaces/{ns}/deployments"
    made = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}, "spec": {
        "replicas": 1, "selector": {"matchLabels": {"a": "b"}},
        "template": {"metadata": {"labels": {"a": "b"}}, "spec": {"containers": [{"name": "c", "image": "x"}]}}}}
    applied = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}, "status": {"replicas": 1}}
    steps = [("POST", deploys, made, "application/json"),
             ("PATCH", f"{deploys}/d/status", {"status": {"replicas": 1}}, "application/merge-patch+json"),
             ("PATCH", f"{deploys}/d/status?fieldManager=ctrl&force=true", applied, "application/apply-patch+yaml")]
    real, replay = rawhttp.reference_and_replay(realkube, watchproxy, tmp_path, ns)
    seen = []
    for server in (real, (replay.url, "")):
        answers = [rawhttp.call(*server, method, path, json.dumps(body).encode(), ctype) for method, path, body, ctype
                   in steps]
        seen.append([(code, [(m["manager"], m.get("subresource"), m["fieldsV1"])
                             for m in doc["metadata"]["managedFields"]]) for code, doc, _ in answers])
    assert seen[1] == seen[0]
    assert ("ctrl", "status", {"f:status": {"f:replicas": {}}}) in seen[0][2][1]


def test_a_writes_answer_is_in_the_form_its_accept_asks_for(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """A create, update, patch or delete asked for a Table or PartialObjectMetadata answers with one, of the
    object written (a collection delete: of its list), as the apiserver's handlers transform their answers; a
    Status stays a Status. A list asked of one object, or one of a list, is a 406, the write done all the same.
    (A replay answered the object.)"""
    table = "application/json;as=Table;v=v1;g=meta.k8s.io, application/json"
    metadata = "application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io, application/json"
    metadata_list = "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io"
    ns = f"asked-{next(_runs)}"
    cms, pods = f"/api/v1/namespaces/{ns}/configmaps", f"/api/v1/namespaces/{ns}/pods"
    steps = [("POST", cms, {"metadata": {"name": "t", "labels": {"x": "y"}}, "data": {"a": "1"}}, table, ""),
             ("PUT", f"{cms}/t", {"metadata": {"name": "t", "labels": {"x": "y"}}, "data": {"a": "2"}}, table, ""),
             ("PATCH", f"{cms}/t", {"data": {"a": "3"}}, table, "application/merge-patch+json"),
             ("POST", cms, {"metadata": {"name": "m"}, "data": {"a": "1"}}, metadata, ""),
             ("PATCH", f"{cms}/m", {"data": {"a": "3"}}, metadata, "application/merge-patch+json"),
             ("DELETE", f"{cms}/m", None, metadata, ""), ("DELETE", f"{cms}?labelSelector=x%3Dy", None, table, ""),
             ("POST", pods, {"metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "image": "x"}]}},
              table, ""),
             ("DELETE", f"{pods}/p", None, table, ""),
             ("POST", cms, {"metadata": {"name": "l", "labels": {"z": "1"}}, "data": {"a": "1"}}, metadata_list, ""),
             ("PATCH", f"{cms}/l", {"data": {"a": "2"}}, metadata_list, "application/merge-patch+json"),
             ("GET", f"{cms}/l", None, "application/json", ""),
             ("DELETE", f"{cms}?labelSelector=z%3D1", None, "application/json;as=PartialObjectMetadata;v=v1;"
                                                          "g=meta.k8s.io", ""),
             ("GET", f"{cms}/l", None, "application/json", "")]
    volatile = re.compile(r'"(uid|resourceVersion|creationTimestamp|deletionTimestamp|time)": "[^"]*"|"\d+s"')
    real, replay = rawhttp.reference_and_replay(realkube, watchproxy, tmp_path, ns)
    seen = []
    for server in (real, (replay.url, "")):
        answers = []
        for method, path, body, accept, ctype in steps:
            code, doc, _ = rawhttp.call(*server, method, path, None if body is None else json.dumps(body).encode(),
                                        ctype or "application/json", {"Accept": accept})
            answers.append((code, doc.get("kind"), volatile.sub("X", json.dumps(doc))))
        seen.append(answers)
    assert seen[1] == seen[0]
    assert [kind for _, kind, _ in seen[0]] == [
        "Table", "Table", "Table", "PartialObjectMetadata", "PartialObjectMetadata", "Status", "Table", "Table",
        "Table", "Status", "Status", "ConfigMap", "Status", "Status"]
    assert [code for code, _, _ in seen[0][-5:]] == [406, 406, 200, 406, 404]


def test_the_first_write_of_what_storage_holds_short_of_a_read_is_a_new_version(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """A Job whose pod template has no labels is stored without the labels a read copies to it from the
    template, a claim without the phase a read defaults, an autoscaler written through v1 with part of a
    behavior without the rest v2's defaults add: the first write of any of them as read (a PUT, an empty
    patch, its status, an apply of what was applied) is a new version and an event although no answer shows
    a change, and the next one is none; a dry run, or a Job whose template has labels, none at all. (A
    replay made none.)"""
    ns = f"short-{next(_runs)}"
    jobs, claims = f"/apis/batch/v1/namespaces/{ns}/jobs", f"/api/v1/namespaces/{ns}/persistentvolumeclaims"
    hpas, hpas_v1 = (f"/apis/autoscaling/{v}/namespaces/{ns}/horizontalpodautoscalers" for v in ("v2", "v1"))
    behavior = {"ScaleUp": {"StabilizationWindowSeconds": 30, "SelectPolicy": "Min",
                            "Policies": [{"Type": "Pods", "Value": 2, "PeriodSeconds": 60}]}, "ScaleDown": None}
    hpa = {"apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler",
           "metadata": {"name": "h", "annotations": {"autoscaling.alpha.kubernetes.io/behavior": json.dumps(behavior)}},
           "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "d", "apiVersion": "apps/v1"}, "maxReplicas": 5}}
    def job(name: str, labels: dict[str, str] | None = None) -> dict[str, Any]:
        template = {"spec": {"restartPolicy": "Never", "containers": [{"name": "c", "image": "busybox"}]},
                    **({"metadata": {"labels": labels}} if labels else {})}
        return {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": name}, "spec": {"template": template}}
    claim = {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "p"},
             "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}
    merge, apply = "application/merge-patch+json", "application/apply-patch+yaml"
    READ = None  # the body is the object as a GET answers it
    steps: list[tuple[str, str, dict[str, Any] | None, str]] = [
        ("POST", jobs, job("a"), ""), ("PUT", f"{jobs}/a", READ, ""), ("PUT", f"{jobs}/a", READ, ""),
        ("POST", jobs, job("b"), ""), ("PATCH", f"{jobs}/b", {}, merge), ("PATCH", f"{jobs}/b", {}, merge),
        ("PATCH", f"{jobs}/c?fieldManager=t", job("c"), apply), ("PATCH", f"{jobs}/c?fieldManager=t", job("c"), apply),
        ("PATCH", f"{jobs}/c?fieldManager=t", job("c"), apply),
        ("POST", jobs, job("d", {"app": "d"}), ""), ("PUT", f"{jobs}/d", READ, ""),
        ("POST", jobs, job("e"), ""), ("PUT", f"{jobs}/e?dryRun=All", READ, ""), ("PUT", f"{jobs}/e/status", READ, ""),
        ("PUT", f"{jobs}/e", READ, ""),
        ("POST", claims, claim, ""), ("PUT", f"{claims}/p", READ, ""), ("PUT", f"{claims}/p", READ, ""),
        ("POST", hpas_v1, hpa, ""), ("PATCH", f"{hpas}/h", {}, merge), ("PATCH", f"{hpas}/h", {}, merge),
        ("PATCH", f"{hpas_v1}/h", {"spec": {"maxReplicas": 6}}, merge), ("PUT", f"{hpas_v1}/h/status", READ, ""),
        ("PATCH", f"{hpas_v1}/h", {"metadata": hpa["metadata"]}, merge), ("PUT", f"{hpas_v1}/h/status", READ, "")]
    real, replay = rawhttp.reference_and_replay(realkube, watchproxy, tmp_path, ns)
    seen = []
    for server, on in ((real, None), ((replay.url, ""), replay)):
        rv0 = {c: rawhttp.call(*server, "GET", c)[1]["metadata"]["resourceVersion"] for c in (jobs, claims, hpas)}
        answers, last = [], {}
        for method, path, body, ctype in steps:
            if body is READ:
                body = rawhttp.call(*server, "GET", path.split("?")[0].removesuffix("/status"))[1]
            code, doc, _ = rawhttp.call(*server, method, path, json.dumps(body).encode(), ctype or "application/json")
            meta = doc["metadata"]
            answers.append((code, meta["resourceVersion"] != last.get(meta["name"]), meta.get("labels"),
                            doc.get("status"), [(m["manager"], m["operation"], m.get("subresource"), m["fieldsV1"])
                                                for m in meta.get("managedFields", [])]))
            last[meta["name"]] = meta["resourceVersion"]
        events = []
        for c in (jobs, claims, hpas):
            _, _, stream = rawhttp.send_ending_watches(server, on, "GET", f"{c}?watch=1&resourceVersion={rv0[c]}&"
                                                       "timeoutSeconds=1", None, {"Accept": "application/json"})
            events += [(e["type"], e["object"]["metadata"]["name"]) for e in map(json.loads, stream.splitlines())]
        seen.append((answers, events))
    volatile = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")  # the uids in labels
    assert json.loads(volatile.sub("X", json.dumps(seen[1]))) == json.loads(volatile.sub("X", json.dumps(seen[0])))
    assert [new for _, new, *_ in seen[0][0]] == [True, True, False, True, True, False, True, True, False,
                                                  True, False, True, False, True, False, True, True, False,
                                                  True, True, False, True, False, True, True]


def test_names_and_deletes_of_less_written_kinds_as_on_the_real_apiserver(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """Every kind's name is a DNS subdomain unless its validation says otherwise (a replay checked only the kinds
    it listed: a ReplicationController, a PodTemplate, a DeviceClass... took any name). A v1
    ReplicationController's delete orphans its pods by default (its strategy's policy, as a batch/v1 Job's),
    and an Event's leaves the garbage collector nothing, whatever policy is asked."""
    ns = f"names-{next(_runs)}"
    core, template = f"/api/v1/namespaces/{ns}", {"metadata": {"labels": {"app": "x"}},
                                                  "spec": {"containers": [{"name": "c", "image": "nginx"}]}}
    claim = {"devices": {"requests": [{"name": "r", "exactly": {"deviceClassName": "dc"}}]}}
    kinds = [
        (f"{core}/replicationcontrollers", {"spec": {"template": template}}),
        (f"{core}/podtemplates", {"template": template}),
        ("/apis/resource.k8s.io/v1/deviceclasses", {"spec": {}}),
        (f"/apis/resource.k8s.io/v1/namespaces/{ns}/resourceclaims", {"spec": claim}),
        (f"/apis/resource.k8s.io/v1/namespaces/{ns}/resourceclaimtemplates", {"spec": {"spec": claim}}),
        ("/apis/networking.k8s.io/v1/servicecidrs", {"spec": {"cidrs": ["10.201.0.0/24"]}}),
        ("/apis/storage.k8s.io/v1/csinodes", {"spec": {"drivers": []}}),
        ("/apis/flowcontrol.apiserver.k8s.io/v1/flowschemas", {"spec": {
            "priorityLevelConfiguration": {"name": "global-default"}}}),
        ("/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings", {"spec": {
            "policyName": "p", "validationActions": ["Deny"]}}),
    ]
    event = {"metadata": {"name": "e"}, "involvedObject": {"kind": "Pod", "name": "p", "namespace": ns},
             "reason": "R", "message": "m", "type": "Normal"}
    real, replay = rawhttp.reference_and_replay(realkube, watchproxy, tmp_path, ns)
    seen = []
    for server in (real, (replay.url, "")):
        answers = []
        for path, body in kinds:
            for name in ("Bad_Name", "a..b", "x" * 254):
                code, doc, _ = rawhttp.call(*server, "POST", path, json.dumps({"metadata": {"name": name},
                                                                                **body}).encode())
                answers.append((code, doc.get("message")))
        for path, body, query in ((f"{core}/replicationcontrollers", {"metadata": {"name": "rc"},
                                                                       "spec": {"template": template}}, ""),
                                  (f"{core}/events", event, "?propagationPolicy=Foreground")):
            name = body["metadata"]["name"]
            rawhttp.call(*server, "POST", path, json.dumps(body).encode())
            code, doc, _ = rawhttp.call(*server, "DELETE", f"{path}/{name}{query}")
            left, after, _ = rawhttp.call(*server, "GET", f"{path}/{name}")
            answers.append((code, doc["kind"], doc.get("metadata", {}).get("finalizers"), left,
                            after.get("metadata", {}).get("finalizers")))
        seen.append(answers)
    assert seen[1] == seen[0]
    assert {code for code, *_ in seen[0][:-2]} == {422}
    assert seen[0][-2:] == [(200, "ReplicationController", ["orphan"], 200, ["orphan"]),
                            (200, "Status", None, 404, None)]


def test_an_events_managers_through_the_other_api_are_dropped_as_on_the_real_apiserver(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """An Event is one stored object served by two groups (core v1 and events.k8s.io/v1), and the field manager
    cannot convert across groups: a write through one API drops the managers recorded through the other (no
    conflict with them, no prune through their version), so an apply that stops naming a field it alone now owns
    removes it (here a fixed `reason`: refused). (A replay compared them in their own version.)"""
    ns = f"event-managers-{next(_runs)}"
    core, new = f"/api/v1/namespaces/{ns}/events", f"/apis/events.k8s.io/v1/namespaces/{ns}/events"
    event = {"apiVersion": "v1", "kind": "Event", "metadata": {"name": "e1"},
             "involvedObject": {"kind": "Pod", "name": "p", "namespace": ns}, "reason": "Pulled", "message": "m",
             "type": "Normal", "source": {"component": "kubelet"}, "count": 1,
             "firstTimestamp": "2026-01-01T00:00:00Z", "lastTimestamp": "2026-01-01T00:00:00Z"}

    def through_new(labels: dict[str, str], **fields: Any) -> dict[str, Any]:
        return {"apiVersion": "events.k8s.io/v1", "kind": "Event", "metadata": {"name": "e1", "labels": labels},
                **fields}
    apply, merge = "application/apply-patch+yaml", "application/merge-patch+json"
    steps = [(f"{core}/e1?fieldManager=m1", event, apply),
             (f"{new}/e1?fieldManager=m2", through_new({"a": "b"}), apply),
             (f"{new}/e1?fieldManager=m2", through_new({"a": "b"}, note="m", reason="Pulled"), apply),
             (f"{new}/e1?fieldManager=m2", through_new({"a": "c"}, note="m"), apply),
             (f"{new}/e1?fieldManager=m3", {"metadata": {"annotations": {"x": "y"}}}, merge),
             (f"{core}/e1?fieldManager=m4", {"metadata": {"annotations": {"x": "z"}}}, merge),
             (f"{core}/e1?fieldManager=m1", {**event, "metadata": {"name": "e1", "labels": {"a": "d"}}}, apply)]
    real, replay = rawhttp.reference_and_replay(realkube, watchproxy, tmp_path, ns)
    seen = []
    for server in (real, (replay.url, "")):
        answers = []
        for path, body, ctype in steps:
            code, doc, _ = rawhttp.call(*server, "PATCH", path, json.dumps(body).encode(), ctype)
            meta = doc.get("metadata") or {}
            answers.append((code, doc.get("message"), meta.get("labels"),
                            [(m["manager"], m["apiVersion"], m["fieldsV1"]) for m in meta.get("managedFields", [])]))
        seen.append(answers)
    assert seen[1] == seen[0]
    assert [code for code, *_ in seen[0]] == [201, 200, 200, 422, 200, 200, 200]
    assert [m for m, _, _ in seen[0][-1][3]] == ["m1", "m4"]  # the events.k8s.io managers gone


def test_a_create_in_a_terminating_namespace_is_forbidden_in_the_real_apiservers_words(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """A namespace's delete checks its preconditions in its own words (`Precondition failed: UID in precondition`);
    deleted (Terminating while its content is there: no namespace controller runs beside the real one), a create
    in it is a 403 whose cause is NamespaceTerminating, its keys in Go's order (a StatusCause's: reason, message,
    field); an admission plugin names an object the request did not name by its generateName, else `Unknown`."""
    ns = f"doomed-{tmp_path.name[-12:].lower().replace('_', '-')}"
    real, replay = rawhttp.real_and_replay(realkube, watchproxy, tmp_path, f"{ns}-setup")
    answers = []
    for server in (real, replay):
        assert rawhttp.call(*server, "POST", "/api/v1/namespaces", json.dumps({"metadata": {"name": ns}}).encode())[0] \
            == 201
        cms = f"/api/v1/namespaces/{ns}/configmaps"
        rawhttp.call(*server, "POST", cms, json.dumps({"metadata": {"name": "a"}}).encode())
        for preconditions in ({"uid": "u"}, {"resourceVersion": "1"}):  # (the namespace's Delete checks them itself)
            unmet = rawhttp.call(*server, "DELETE", f"/api/v1/namespaces/{ns}",
                                 json.dumps({"preconditions": preconditions}).encode())[:2]
            answers.append(re.sub(r"meta: [0-9a-f-]+", "meta: X", json.dumps(unmet)))
        assert rawhttp.call(*server, "DELETE", f"/api/v1/namespaces/{ns}")[0] == 200
        # (admission names an object the request did not name by its generateName, else `Unknown`)
        for meta in ({"name": "b"}, {"generateName": "g-"}, {}):
            created = rawhttp.call(*server, "POST", cms, json.dumps({"metadata": meta}).encode())
            answers.append(json.dumps(created[:2]))
        pods = f"/api/v1/namespaces/{ns}-setup/pods"
        for spec in ({"priorityClassName": "nope"}, {"runtimeClassName": "nope"}):
            refused = rawhttp.call(*server, "POST", pods, json.dumps(
                {"spec": {**spec, "containers": [{"name": "c", "image": "i"}]}}).encode())
            answers.append(json.dumps(refused[:2]))
    assert answers[7:] == answers[:7]
    assert "NamespaceTerminating" in answers[2] and "Precondition failed" in answers[0] and "Unknown" in answers[6]
