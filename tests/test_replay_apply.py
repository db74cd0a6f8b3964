"""`Replay.apply`: a test installs what its controller needs (CRDs, custom resources, configuration) in an
emulated replay before it starts the controller, from the same manifests it would apply to a cluster."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from watchproxy.testing import ApplyError, Replay

from tests import crds_differential as cd
from tests.memory import RecordingBuilder

GROUP = "apply.example.com"
WIDGETS = f"/apis/{GROUP}/v1/widgets"


@pytest.fixture
def replay(watchproxy: Callable[..., Replay], tmp_path: Path) -> Replay:
    b = RecordingBuilder(tmp_path / "empty.msgpack")
    b.list(0.0, 100, [], path="/api/v1/namespaces/default/configmaps", kind="ConfigMapList")
    return watchproxy(b.write())


def test_a_manifest_with_a_definition_and_its_resources(replay: Replay, tmp_path: Path) -> None:
    manifest = tmp_path / "install.yaml"
    config = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings"}, "data": {"a": "1"}}
    manifest.write_text(yaml.safe_dump_all([cd._crd(GROUP, "widgets", "Widget"),
                                            cd._widget(GROUP, "w1", replicas=2), config]))
    crd, widget, stored = replay.apply(manifest)
    assert crd["metadata"]["name"] == f"widgets.{GROUP}"
    assert widget["spec"] == {"color": "red", "nested": {"mode": "auto"}, "replicas": 2, "size": 3}
    assert stored["metadata"]["namespace"] == "default"
    assert set(replay.objects(WIDGETS)) == {"default/w1"}
    # applied again, changed: replaced, a new version
    again = replay.apply({**config, "data": {"a": "2"}})[0]
    assert again["data"] == {"a": "2"}
    assert int(again["metadata"]["resourceVersion"]) > int(stored["metadata"]["resourceVersion"])
    # the writes are the client's own, in the request log
    assert [r.status for r in replay.requests("create", WIDGETS.rsplit("/", 1)[0])] == [201]


def test_refusals_say_why(replay: Replay, tmp_path: Path) -> None:
    replay.apply(cd._crd(GROUP, "widgets", "Widget"))
    with pytest.raises(ApplyError, match=re.escape('strict decoding error: unknown field "spec.colour"')):
        replay.apply({**cd._widget(GROUP, "w2"), "spec": {"colour": "red"}})
    with pytest.raises(ApplyError, match=re.escape("spec.replicas in body should be less than or equal to 10")):
        replay.apply(cd._widget(GROUP, "w3", replicas=11))
    with pytest.raises(ApplyError, match="serves no Gadget"):
        replay.apply({"apiVersion": f"{GROUP}/v1", "kind": "Gadget", "metadata": {"name": "g"}})
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"kind": "ConfigMap"}))
    with pytest.raises(ApplyError, match=re.escape("needs apiVersion, kind and metadata.name")):
        replay.apply(bad)
