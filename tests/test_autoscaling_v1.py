"""One HorizontalPodAutoscaler through autoscaling/v2 and autoscaling/v1, without sockets (apiserver/
autoscalingv1.py): the annotations v1 carries the rest in, as the real kube-apiserver v1.37 wrote them for the
same objects (captured), the default CPU target, annotations Go's decoder refuses, and what the apiserver
validates a v1 write as. tests/test_writes_random_realkube.py sends sequences through both versions to the
real apiserver."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from watchproxy.apiserver import autoscalingv1, defaults, specvalidation
from watchproxy.testing import Replay

from tests import random_writes, rawhttp
from tests import writes_differential as wd
from tests.memory import RecordingBuilder

TARGET = {"kind": "Deployment", "name": "web", "apiVersion": "apps/v1"}
NOTE = "autoscaling.alpha.kubernetes.io/"


def v2(spec: dict[str, Any], status: dict[str, Any] | None = None, **meta: Any) -> dict[str, Any]:
    return {"kind": "HorizontalPodAutoscaler", "apiVersion": "autoscaling/v2",
            "metadata": {"name": "c", "namespace": "h", **meta}, "spec": {"scaleTargetRef": TARGET, **spec},
            "status": status or {"desiredReplicas": 0}}


def v1(spec: dict[str, Any], status: dict[str, Any] | None = None, **meta: Any) -> dict[str, Any]:
    return {"kind": "HorizontalPodAutoscaler", "apiVersion": "autoscaling/v1",
            "metadata": {"name": "c", "namespace": "h", **meta}, "spec": {"scaleTargetRef": TARGET, **spec},
            "status": status or {"currentReplicas": 0, "desiredReplicas": 0}}


MEMORY = {"type": "Resource", "resource": {"name": "memory", "target": {"type": "AverageValue",
                                                                          "averageValue": "100Mi"}}}
CPU_60 = {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 60}}}
QPS = {"type": "Pods", "pods": {"metric": {"name": "qps"}, "target": {"type": "AverageValue", "averageValue": "1k"}}}
BEHAVIOR = {"scaleUp": {"stabilizationWindowSeconds": 0, "selectPolicy": "Max", "policies": [
    {"type": "Pods", "value": 4, "periodSeconds": 15}, {"type": "Percent", "value": 100, "periodSeconds": 15}]},
    "scaleDown": {"stabilizationWindowSeconds": 60, "selectPolicy": "Max", "policies": [
        {"type": "Percent", "value": 100, "periodSeconds": 15}]}}


def test_a_v2_autoscaler_through_v1_carries_the_rest_in_annotations_as_the_real_apiserver_writes_them() -> None:
    got = autoscalingv1.as_v1(v2({"minReplicas": 1, "maxReplicas": 3, "metrics": [MEMORY, CPU_60, QPS],
                                  "behavior": BEHAVIOR}, {"desiredReplicas": 0, "currentMetrics": None}))
    # (the real kube-apiserver's answer to GET .../autoscaling/v1/.../horizontalpodautoscalers/c, byte for byte)
    assert got["metadata"]["annotations"] == {
        NOTE + "behavior": '{"ScaleUp":{"StabilizationWindowSeconds":0,"SelectPolicy":"Max","Policies":[{"Type":"Pods",'
                           '"Value":4,"PeriodSeconds":15},{"Type":"Percent","Value":100,"PeriodSeconds":15}],'
                           '"Tolerance":null},"ScaleDown":{"StabilizationWindowSeconds":60,"SelectPolicy":"Max",'
                           '"Policies":[{"Type":"Percent","Value":100,"PeriodSeconds":15}],"Tolerance":null}}',
        NOTE + "metrics": '[{"type":"Resource","resource":{"name":"memory","targetAverageValue":"100Mi"}},'
                          '{"type":"Pods","pods":{"metricName":"qps","targetAverageValue":"1k"}}]'}
    assert got["spec"] == {"scaleTargetRef": TARGET, "minReplicas": 1, "maxReplicas": 3,
                           "targetCPUUtilizationPercentage": 60}
    assert got["status"] == {"currentReplicas": 0, "desiredReplicas": 0}
    back = autoscalingv1.as_v2(got)  # and back: nothing lost (the CPU target last, as v1's conversion puts it)
    assert back["spec"]["metrics"] == [MEMORY, QPS, CPU_60] and back["spec"]["behavior"] == BEHAVIOR
    assert "annotations" not in back["metadata"]


def test_a_v1_autoscaler_without_a_target_gets_80_percent_cpu_as_the_real_apiserver_answers() -> None:
    created = defaults.read_back(defaults.apply(v1({"maxReplicas": 3}), "HorizontalPodAutoscaler", "autoscaling/v1",
                                                creating=True))  # (as the write's answer: stored and read back)
    assert created["spec"] == {"scaleTargetRef": TARGET, "minReplicas": 1, "maxReplicas": 3,
                               "targetCPUUtilizationPercentage": 80}
    assert autoscalingv1.as_v2(created) == {  # what GET through autoscaling/v2 answered
        "kind": "HorizontalPodAutoscaler", "apiVersion": "autoscaling/v2", "metadata": created["metadata"],
        "spec": {"scaleTargetRef": TARGET, "minReplicas": 1, "maxReplicas": 3, "metrics": [
            {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization",
                                                                         "averageUtilization": 80}}}]},
        "status": {"desiredReplicas": 0, "currentMetrics": None}}


@pytest.mark.parametrize(("notes", "metrics", "behavior"), [
    ({NOTE + "metrics": "not json"}, [CPU_60], None),  # refused by Go's decoder: ignored
    ({NOTE + "metrics": '[{"type":"Pods","pods":{"metricName":"qps","targetAverageValue":7}}]'},
     [{"type": "Pods", "pods": {"metric": {"name": "qps"}, "target": {"type": "AverageValue", "averageValue": "7"}}},
      CPU_60], None),  # a quantity as a number
    ({NOTE + "metrics": '[{"type":"Pods","pods":{"metricName":"qps","targetAverageValue":"x"}}]'}, [CPU_60], None),
    ({NOTE + "behavior": '{"scaleDown":{"stabilizationWindowSeconds":120}}'}, [CPU_60],
     {"scaleDown": {"stabilizationWindowSeconds": 120}}),  # Go matches field names in any case
    ({NOTE + "behavior": '{"ScaleUp":{"Policies":"x"}}'}, [CPU_60], None),
    ({NOTE + "behavior": '{"ScaleUp":null}'}, [CPU_60], None),  # an empty behavior is none
])
def test_annotations_are_read_as_gos_decoder_reads_them_and_dropped(
        notes: dict[str, str], metrics: list[Any], behavior: Any) -> None:
    got = autoscalingv1.as_v2(v1({"maxReplicas": 3, "targetCPUUtilizationPercentage": 60}, None,
                                 annotations={**notes, "team": "a"}))
    assert got["spec"]["metrics"] == metrics and got["spec"].get("behavior") == behavior
    assert got["metadata"]["annotations"] == {"team": "a"}


def test_a_v1_write_is_validated_as_the_internal_type_whose_field_paths_the_real_apiserver_names() -> None:
    sent = v1({"maxReplicas": 3, "targetCPUUtilizationPercentage": 0},
              annotations={NOTE + "behavior": '{"scaleDown":{"stabilizationWindowSeconds":120}}'})
    defaults.apply(sent, "HorizontalPodAutoscaler", "autoscaling/v1", creating=True)
    assert [(path, message) for path, _, message in specvalidation.spec_causes(sent)] == [
        ("spec.metrics[0].resource.target.averageUtilization", "Invalid value: 0: must be greater than 0"),
        # (validated before v2's defaults, which would give the behavior its policies)
        ("spec.behavior.scaleDown.policies", "Required value: must specify at least one Policy")]
    stored = defaults.read_back(sent)  # then read back as storage decodes it: v2's defaults in the annotation
    assert '"ScaleDown":{"StabilizationWindowSeconds":120,"SelectPolicy":"Max","Policies":[{"Type":"Percent"' \
        in stored["metadata"]["annotations"][NOTE + "behavior"]


def test_a_v2_write_drops_the_annotations_v1_owns() -> None:
    sent = v2({"maxReplicas": 3}, None, annotations={NOTE + "metrics": "[]", NOTE + "conditions": "[]"})
    defaults.apply(sent, "HorizontalPodAutoscaler", "autoscaling/v2", creating=True)
    assert "annotations" not in sent["metadata"]


def test_a_spec_write_through_v1_leaves_the_status_as_v2_held_it() -> None:
    """v1's annotation cannot tell a missing current average value from a zero one: the part of the object a
    write through v1 keeps (the status under a spec write) stays as v2 held it."""
    stored = v2({"minReplicas": 1, "maxReplicas": 3, "metrics": [CPU_60]}, {"desiredReplicas": 1, "currentMetrics": [
        {"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": 40}}}]})
    seen = autoscalingv1.as_v1(stored)
    assert '"currentAverageValue":"0"' in seen["metadata"]["annotations"][NOTE + "current-metrics"]
    written = {**seen, "spec": {**seen["spec"], "maxReplicas": 5}}
    assert autoscalingv1.as_v2(written)["status"] != stored["status"]  # (read back whole: a zero appears)
    kept = autoscalingv1.as_v2_over(written, stored, autoscalingv1.as_v2(written), "status")
    assert kept["status"] == stored["status"] and kept["spec"]["maxReplicas"] == 5
    deleting = {**seen, "metadata": {**seen["metadata"], "deletionTimestamp": "2026-12-05T00:00:00Z"}}
    marked = autoscalingv1.as_v2_over(deleting, stored, None, "")  # (a delete changes neither part)
    assert (marked["spec"], marked["status"]) == (stored["spec"], stored["status"])



def test_what_v1_carries_of_the_status_follows_the_status_through_writes(tmp_path: Path) -> None:
    """A create starts with an empty status, its status annotations too; a spec write keeps the stored status
    and the annotations that carry it (as the real apiserver does: tests/test_writes_random_realkube.py)."""
    b = RecordingBuilder(tmp_path / "empty.msgpack")
    b.list(0.0, 100, [], path="/api/v1/namespaces/h/configmaps", kind="ConfigMapList")
    conditions = '[{"type":"AbleToScale","status":"True","lastTransitionTime":null}]'
    with Replay(b.write()) as replay:
        server = (replay.url, "")
        v1_path = "/apis/autoscaling/v1/namespaces/h/horizontalpodautoscalers"
        created = rawhttp.call(*server, "POST", v1_path, json.dumps(
            v1({"maxReplicas": 3}, annotations={NOTE + "conditions": conditions})).encode())[1]
        assert "annotations" not in created["metadata"]
        rawhttp.call(*server, "PATCH", v1_path.replace("v1", "v2") + "/c/status", json.dumps(
            {"status": {"desiredReplicas": 2, "conditions": [{"type": "AbleToScale", "status": "True"}]}}).encode(),
            "application/merge-patch+json")
        sent = v1({"maxReplicas": 4})  # (without the annotations a read would have shown)
        updated = rawhttp.call(*server, "PUT", f"{v1_path}/c", json.dumps(sent).encode())[1]
        assert updated["metadata"]["annotations"] == {NOTE + "conditions": conditions}
        assert updated["status"]["desiredReplicas"] == 2 and updated["spec"]["maxReplicas"] == 4


def test_an_autoscaler_prints_the_same_row_through_either_version(tmp_path: Path) -> None:
    """The apiserver's printer reads the internal type: `kubectl get` (a Table) shows v2's targets whichever
    version it asks through."""
    b = RecordingBuilder(tmp_path / "empty.msgpack")
    b.list(0.0, 100, [], path="/api/v1/namespaces/h/configmaps", kind="ConfigMapList")
    table = {"Accept": "application/json;as=Table;v=v1;g=meta.k8s.io"}
    with Replay(b.write()) as replay:
        server = (replay.url, "")
        v2_path = "/apis/autoscaling/v2/namespaces/h/horizontalpodautoscalers"
        rawhttp.call(*server, "POST", v2_path, json.dumps(v2({"maxReplicas": 3, "metrics": [MEMORY, CPU_60]})).encode())
        rows = [rawhttp.call(*server, "GET", path, headers=table)[1]["rows"]
                for path in (v2_path, v2_path.replace("v2", "v1"))]
    assert rows[0][0]["cells"][2] == "memory: <unknown>/100Mi, cpu: <unknown>/60%"
    assert [r["cells"] for r in rows[0]] == [r["cells"] for r in rows[1]]


def test_a_recorded_v2_autoscaler_is_listed_and_watched_through_v1(tmp_path: Path) -> None:
    """A recording made through v2 (what every current client and controller uses) replays through v1 too."""
    recorded = {**v2({"minReplicas": 1, "maxReplicas": 3, "metrics": [MEMORY, CPU_60]}, resourceVersion="101"),
                "apiVersion": "autoscaling/v2"}
    changed = {**recorded, "metadata": {**recorded["metadata"], "resourceVersion": "102"},
               "spec": {**recorded["spec"], "maxReplicas": 6}}
    collection = "/apis/autoscaling/v2/namespaces/h/horizontalpodautoscalers"
    b = RecordingBuilder(tmp_path / "hpa.msgpack")
    b.list(0.0, 101, [recorded], path=collection, kind="HorizontalPodAutoscalerList")
    b.watch(0.0, [(5.0, "MODIFIED", changed)], 60.0, path=collection, query="resourceVersion=101&watch=true")
    with Replay(b.write()) as replay:
        v1_path = collection.replace("v2", "v1")
        listed = rawhttp.call(replay.url, "", "GET", v1_path)[1]
        assert listed["apiVersion"] == "autoscaling/v1" and listed["metadata"]["resourceVersion"] == "101"
        assert [(i["spec"]["targetCPUUtilizationPercentage"], i["metadata"]["annotations"][NOTE + "metrics"])
                for i in listed["items"]] == [
            (60, '[{"type":"Resource","resource":{"name":"memory","targetAverageValue":"100Mi"}}]')]

        def moved() -> None:
            replay.wait_for(lambda r: any(w.end == "open" for w in r.watches()), what="the watch")
            replay.advance(10)
            replay.end_watches()
        events = wd.watched(lambda: rawhttp.call(replay.url, "", "GET", f"{v1_path}?watch=1&resourceVersion=101")[1],
                            moved)
    event = json.loads(events["text"].splitlines()[0]) if "text" in events else events  # (one line: one document)
    assert (event["type"], event["object"]["apiVersion"], event["object"]["spec"]["maxReplicas"]) == (
        "MODIFIED", "autoscaling/v1", 6)


def test_bent_v1_autoscalers_and_annotations_never_make_an_internal_error(tmp_path: Path) -> None:
    """v1 bodies bent out of shape, the JSON in their annotations too (a value of another type, a field gone,
    deep inside): refused as the apiserver refuses them or applied, never a 500."""
    b = RecordingBuilder(tmp_path / "empty.msgpack")
    b.list(0.0, 100, [], path="/api/v1/namespaces/h/configmaps", kind="ConfigMapList")
    rnd = random.Random(13)
    notes = [json.loads(text) for text in (
        '[{"type":"Object","object":{"target":{"kind":"Service","name":"s"},"metricName":"m","targetValue":"1",'
        '"averageValue":"2","selector":{"matchLabels":{"a":"b"}}}},{"type":"External","external":{"metricName":'
        '"q","targetValue":"5"}},{"type":"ContainerResource","containerResource":{"name":"cpu","container":"c",'
        '"targetAverageUtilization":5}}]',
        '{"ScaleUp":{"StabilizationWindowSeconds":30,"SelectPolicy":"Min","Policies":[{"Type":"Pods","Value":2,'
        '"PeriodSeconds":60}],"Tolerance":"1m"}}',
        '[{"type":"Pods","pods":{"metricName":"qps","currentAverageValue":"2"}},{"type":"Resource","resource":'
        '{"name":"cpu","currentAverageUtilization":40,"currentAverageValue":"1"}}]',
        '[{"type":"AbleToScale","status":"True","lastTransitionTime":"2026-12-01T00:00:00Z","observedGeneration":1}]')]
    keys = [NOTE + k for k in ("metrics", "behavior", "current-metrics", "conditions")]
    codes = set()
    with Replay(b.write()) as replay:
        server = (replay.url, "")
        path = "/apis/autoscaling/v1/namespaces/h/horizontalpodautoscalers"
        for i in range(150):
            body = v1({"maxReplicas": 3, "minReplicas": 1, "targetCPUUtilizationPercentage": 50},
                      {"currentReplicas": 1, "desiredReplicas": 2, "currentCPUUtilizationPercentage": 30},
                      annotations={k: json.dumps(n) for k, n in zip(keys, notes, strict=True)})
            body["metadata"]["name"] = f"c{i % 5}"
            bent = json.loads(body["metadata"]["annotations"][keys[i % 4]])
            random_writes.mutate(bent, rnd)
            body["metadata"]["annotations"][keys[i % 4]] = json.dumps(bent)
            if i % 3:
                random_writes.mutate(body, rnd)
            named = f"{path}/c{i % 5}"
            method, target = rnd.choice((("POST", path), ("PUT", named), ("PUT", f"{named}/status")))
            code, doc, _ = rawhttp.call(*server, method, target, json.dumps(body).encode())
            assert code != 500 and code < 600, (method, body, doc)
            codes.add(code)
            got = rawhttp.call(*server, "GET", f"{path.replace('v1', 'v2')}/c{i % 5}")[0]
            assert got in (200, 404)
    assert {200, 201, 400, 422} <= codes  # (written and refused alike)
