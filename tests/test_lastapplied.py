"""kubectl's last-applied annotation under server-side apply (proxy/apiserver/lastapplied.py), as tables; the
real kubectl against the real kube-apiserver in tests/test_kubectl_realkube.py."""

from __future__ import annotations

import json
from typing import Any

from watchproxy.apiserver import fieldsets, lastapplied

CM = fieldsets.root("v1", "ConfigMap")


def _cm(data: dict[str, str], last: dict[str, Any] | None = None, **annotations: str) -> dict[str, Any]:
    if last is not None:
        annotations[lastapplied.ANNOTATION] = json.dumps(last)
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "annotations": annotations},
            "data": data}


def test_kubectl_may_take_over_what_its_client_side_configuration_set_and_the_object_still_holds() -> None:
    live = _cm({"a": "1", "b": "changed"}, last={"apiVersion": "v1", "kind": "ConfigMap", "data": {"a": "1", "b": "2"}})
    assert lastapplied.allowed_conflicts(live, CM) == {("f:apiVersion",), ("f:kind",), ("f:data", "f:a")}
    assert lastapplied.allowed_conflicts(_cm({"a": "1"}), CM) == frozenset()  # no annotation
    other_version = _cm({"a": "1"}, last={"apiVersion": "v2", "data": {"a": "1"}})
    assert lastapplied.allowed_conflicts(other_version, CM) == frozenset()


def test_the_annotation_follows_kubectls_server_side_configuration_where_the_object_has_one() -> None:
    applied = {"kind": "ConfigMap", "apiVersion": "v1", "metadata": {"name": "c", "annotations": {"x": "<y>"}},
               "data": {"b": "2"}}
    new = lastapplied.synced(_cm({"b": "2"}, last={"old": True}), applied)
    assert new["metadata"]["annotations"][lastapplied.ANNOTATION] == \
        '{"apiVersion":"v1","data":{"b":"2"},"kind":"ConfigMap","metadata":{"annotations":{"x":"\\u003cy\\u003e"},' \
        '"name":"c"}}\n'
    assert lastapplied.synced(_cm({"b": "2"}), applied) == _cm({"b": "2"})  # none to keep in step
    # the field manager's sets are made before the sync: as merged, the annotation is the object's
    old = _cm({}, last={"old": True})
    assert lastapplied.as_merged(new, old, applied)["metadata"]["annotations"] == old["metadata"]["annotations"]
