"""CustomResourceDefinitions in emulate against the reference: the same operator's first steps
(tests/crds_differential.py) on the real kube-apiserver and on a replay get the same answers, and a
definition's own events (created, accepted, established, terminating, gone) come in the same order."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kubernetes import client, config
from watchproxy.testing import Replay

from tests import crds_differential as cd
from tests import random_writes, rawhttp
from tests.memory import RecordingBuilder
from tests.realkube import RealKube
from tests.workload import until
from tests.writes_differential import watched


def _crd_events(kubeconfig: str, name: str, rv: str, advance: Callable[[], None] | None = None) -> list[str]:
    return watched(lambda: cd.crd_events(kubeconfig, name, rv, 1), advance)


def test_operator_steps_get_the_real_apiservers_answers(realkube: RealKube, watchproxy: Callable[..., Replay],
                                                       tmp_path: Path) -> None:
    tag = uuid.uuid4().hex[:8]
    group, ns = f"t{tag}.example.com", f"crds-{tag}"
    api = config.new_client_from_config(config_file=str(realkube.admin_kubeconfig))
    client.CoreV1Api(api).create_namespace({"metadata": {"name": ns}})
    rv0 = client.ApiextensionsV1Api(api).list_custom_resource_definition().metadata.resource_version
    real = cd.run(str(realkube.admin_kubeconfig), group, ns)
    real_events = _crd_events(str(realkube.admin_kubeconfig), f"widgets.{group}", rv0)

    b = RecordingBuilder(tmp_path / "empty.msgpack")
    b.list(0.0, 100, [], path=f"/api/v1/namespaces/{ns}/configmaps", kind="ConfigMapList")
    replay = watchproxy(b.write())
    emulated = cd.run(replay.kubeconfig, group, ns)

    def wait_then_advance() -> None:
        replay.wait_for(lambda r: any(w.end == "open" for w in r.watches()), what="the watch")
        replay.advance(2)

    emulated_events = _crd_events(replay.kubeconfig, f"widgets.{group}", "100", wait_then_advance)

    assert len(real.answers) == len(cd.steps(group, ns)) >= 110
    differences = {r["step"]: (r, e) for r, e in zip(real.answers, emulated.answers, strict=True) if r != e}
    assert not differences, differences
    # each kind of answer did happen on the reference (a step both sides refuse alike proves less)
    codes = [a["code"] for a in real.answers]
    assert {200, 201, 404, 415, 422} <= set(codes)
    assert real_events[:3] == ["ADDED", "MODIFIED", "MODIFIED"] and real_events[-1] == "DELETED"
    assert emulated_events == real_events


_APISERVICES = "/apis/apiregistration.k8s.io/v1/apiservices"
_NATURE = re.compile(r'"(uid|resourceVersion|creationTimestamp|time|lastTransitionTime)": "[^"]*"')


def test_a_definitions_served_versions_are_registered_as_apiservices(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """The CRD registration controller: an APIService `VERSION.GROUP` for each version a definition serves
    (automanaged, Local, available), added when a version is served and gone with the definition. The real
    controller works a moment after the write (awaited); a replay's at once."""
    group = f"r{uuid.uuid4().hex[:8]}.example.com"
    definition = {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
                  "metadata": {"name": f"widgets.{group}"},
                  "spec": {"group": group, "scope": "Namespaced",
                           "names": {"plural": "widgets", "singular": "widget", "kind": "Widget"},
                           "versions": [{"name": v, "served": v == "v1", "storage": v == "v1", "schema": {
                               "openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}}}
                               for v in ("v1", "v1beta1")]}}
    crds = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions"
    served = json.dumps({"spec": {"versions": [{**v, "served": True} for v in definition["spec"]["versions"]]}})

    def registered(server: rawhttp.Server) -> list[Any]:
        code, doc, _ = rawhttp.call(*server, "GET", f"{_APISERVICES}?labelSelector=kube-aggregator.kubernetes.io"
                                                    "%2Fautomanaged%3Dtrue")
        assert code == 200, doc
        items = [i for i in doc["items"] if i["spec"].get("group") == group]
        return json.loads(_NATURE.sub(r'"\1": "X"', json.dumps(items).replace("realkube", "kube-apiserver")))

    def steps(server: rawhttp.Server) -> list[list[Any]]:
        out = []
        for method, path, body, count in (("POST", crds, json.dumps(definition), 1),
                                          ("PATCH", f"{crds}/widgets.{group}", served, 2),
                                          ("DELETE", f"{crds}/widgets.{group}", None, 0)):
            code, doc, _ = rawhttp.call(*server, method, path, body.encode() if body else None,
                                        "application/merge-patch+json" if method == "PATCH" else "application/json")
            assert code < 300, doc
            until(lambda count=count: len(registered(server)) == count, 30, f"{count} APIServices of {group}")
            out.append(registered(server))
        return out
    real_server = (realkube.url, realkube.token_file.read_text().strip())
    b = RecordingBuilder(tmp_path / "empty.msgpack")
    b.list(0.0, 100, [], path="/api/v1/namespaces/default/configmaps", kind="ConfigMapList")
    replay = watchproxy(b.write())
    real, emulated = steps(real_server), steps((replay.url, ""))
    assert emulated == real
    assert [[i["metadata"]["name"] for i in step] for step in real] == [
        [f"v1.{group}"], [f"v1.{group}", f"v1beta1.{group}"], []]


def test_the_controllers_status_writes_are_managed_as_the_real_apiservers(
        realkube: RealKube, watchproxy: Callable[..., Replay], tmp_path: Path) -> None:
    """Who manages a new definition's fields: the client its spec (the spec a struct there from the start:
    no `.` of its own), kube-apiserver's naming and establishing controllers its status, through the status
    subresource."""
    group = f"f{uuid.uuid4().hex[:8]}.example.com"
    definition = cd.schemaless(group, "gears", "Gear")
    crds = f"/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gears.{group}"
    b = RecordingBuilder(tmp_path / "empty.msgpack")
    b.list(0.0, 100, [], path="/api/v1/namespaces/default/configmaps", kind="ConfigMapList")
    managed = []
    for server in ((realkube.url, realkube.token_file.read_text().strip()), (watchproxy(b.write()).url, "")):
        code, doc, _ = rawhttp.call(*server, "POST", crds.rsplit("/", 1)[0], json.dumps(definition).encode())
        assert code == 201, doc
        until(lambda server=server: len(rawhttp.call(*server, "GET", crds)[1]["metadata"]["managedFields"]) == 2, 30,
              "the status written")
        managed.append(random_writes.managed_fields(rawhttp.call(*server, "GET", crds)[1])[0])
        rawhttp.call(*server, "DELETE", crds)
    real, emulated = managed
    assert [(e["manager"], e.get("subresource")) for e in real] == [("kube-apiserver", "status"), ("unknown", None)]
    assert emulated == real
