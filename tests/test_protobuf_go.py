"""Protobuf write bodies against Go itself: the schemas are what the Go types say, every kind decodes as the
real apiserver's Go round trip writes its JSON, and a controller-runtime operator's creates, updates and
deletes (all protobuf) work in emulate."""

from __future__ import annotations

import base64
import json
import random
import subprocess
from pathlib import Path
from typing import Any

import pytest
from watchproxy.apiserver import goorder, quantity
from watchproxy.testing import Replay
from watchproxy.wire import gotypes, protobuf

from tests.procs import ROOT, ClientProcess
from tests.realkube import RealKube
from tests.workload import Workload

SCHEMAS = ROOT / "proxy" / "wire" / "protobuf_schemas.json"


def _run(binary: Path, *args: str) -> str:
    done = subprocess.run([str(binary), *args], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_the_committed_schemas_are_what_the_pinned_go_types_say(goclients: Path) -> None:
    """Regenerate with `.cache/peers/goclients protoschema > proxy/wire/protobuf_schemas.json` after moving
    tests/peers/goclients to a newer k8s.io/api."""
    assert _run(goclients, "protoschema") == SCHEMAS.read_text()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_kind_reads_and_writes_as_the_apiserver_does(goclients: Path, seed: int) -> None:
    """Random objects of all ~660 kinds client-go knows (options and lists included), encoded by Go's
    protobuf serializer, decoded by Go as the apiserver does, and marshalled as JSON: watchproxy's decode of
    the same bytes must be that JSON, byte for byte once serialized (key order included); and its encoding
    of that JSON must be the bytes Go's serializer writes for the object the JSON decodes to (what a
    replay answers a client that asked for protobuf)."""
    lines = _run(goclients, "protosamples", "--seed", str(seed), "--count", "3").splitlines()
    kinds = set()
    for line in lines:
        sample = json.loads(line)
        kinds.add((sample["apiVersion"], sample["kind"]))
        got = protobuf.decode(base64.b64decode(sample["protobuf"]))
        assert json.dumps(got) == json.dumps(sample["json"]), (sample["apiVersion"], sample["kind"])
        assert protobuf.encode(sample["json"]) == base64.b64decode(sample["reencoded"]), sample["kind"]
    assert {("apps/v1", "Deployment"), ("v1", "Pod"), ("v1", "DeleteOptions"), ("batch/v1", "Job")} <= kinds
    assert len(kinds) > 600


def test_quantities_read_back_as_the_apiserver_writes_them(goclients: Path) -> None:
    """apiserver/quantity.py against resource.ParseQuantity + String(), on the spellings people write and
    on random ones: signs, leading zeros, fractions finer than a nano-unit, every suffix, exponents."""
    rnd = random.Random(7)
    suffixes = ["", "m", "k", "M", "G", "T", "P", "E", "n", "u", "Ki", "Mi", "Gi", "Ti", "Ei", "e3", "e-2", "E6", "x"]
    cases = ["0", "01", "+1", "0.5", ".5", "1.", ".", "1000m", "1500m", "1024Mi", "1.5Gi", "0.5Gi", "1023",
             "0.0000000001", "123456789012345678901", "-9223372036854775808Ki", "1e21", "00k", "k", "1 ", "0x10"]
    for _ in range(3000):
        digits = "".join(rnd.choice("0123456789") for _ in range(rnd.choice([0, 1, 3, 8, 17, 19, 22])))
        fraction = "." + "".join(rnd.choice("0123456789") for _ in range(rnd.choice([0, 1, 3, 10])))
        cases.append(rnd.choice(["", "-", "+"]) + digits + (fraction if rnd.random() < 0.4 else "")
                     + rnd.choice(suffixes))
    done = subprocess.run([str(goclients), "quantities"], input="\n".join(cases) + "\n", capture_output=True,
                          text=True, timeout=60, check=True)
    go = done.stdout.splitlines()
    def ours(text: str) -> str:
        try:
            return quantity.canonical(text)
        except quantity.QuantityError:
            return "ERROR"
    assert [ours(c) for c in cases] == go
    assert go[:3] == ["0", "01", "+1"] and "500m" in go and "1Gi" in go


def _reversed(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _reversed(value[k]) for k in reversed(value)}
    return [_reversed(v) for v in value] if isinstance(value, list) else value


def test_objects_of_every_kind_come_out_in_the_key_order_go_writes(goclients: Path) -> None:
    """goorder.normalize puts any built-in object, its keys in any order, in Go's encoder's order: struct
    fields as declared (inline structs in their place), map keys sorted; goorder.encoded, which takes a
    written object through its Go type (zero values, omitempty), leaves Go's own JSON as it is."""
    tested = 0
    for line in _run(goclients, "protosamples", "--seed", "4", "--count", "2").splitlines():
        sample = json.loads(line)
        go = sample["json"]
        if _embeds_json(gotypes.message_of_kind(go["apiVersion"], go["kind"]) or ""):
            continue  # a RawExtension holds the client's JSON, in the client's order: reversing it is no test
        tested += 1
        assert json.dumps(goorder.normalize(_reversed(go), go["kind"], go["apiVersion"])) == json.dumps(go), \
            (sample["apiVersion"], sample["kind"])
        # and what the apiserver makes of its own JSON, through the Go types again, is that JSON
        assert json.dumps(goorder.encoded(_reversed(go), go["kind"], go["apiVersion"])) == json.dumps(go), \
            (sample["apiVersion"], sample["kind"])
    assert tested > 1000


def _embeds_json(message: str, seen: frozenset[str] = frozenset()) -> bool:
    """Whether an object of the message may hold a RawExtension (managedFields' FieldsV1 aside)."""
    for _, name, kind, _ in gotypes.fields(message):
        inner = kind[-1] if isinstance(kind, list) else kind
        if inner == "raw" and name != "fieldsV1":
            return True
        if isinstance(inner, str) and inner.startswith(".") and inner[1:] not in seen \
                and _embeds_json(inner[1:], seen | {message}):
            return True
    return False


def _operator(goclients: Path, kubeconfig: str | Path, namespace: str) -> ClientProcess:
    return ClientProcess([str(goclients), "controller", "--kubeconfig", str(kubeconfig), "--namespace", namespace,
                          "--children"])


def _children_done(lines: list[str]) -> bool:
    return sum(ln.startswith("CHILD : ") and ln.endswith(" deleted") for ln in lines) >= 2


def _assert_each_pod_got_its_child(lines: list[str]) -> None:
    children = [ln for ln in lines if ln.startswith("CHILD : ")]
    pods = {ln.split(" : ")[1] for ln in lines if ln.startswith("PATCHED : ")}
    assert len(pods) >= 2
    for pod in pods:
        assert [f"CHILD : {pod}-child {s}" for s in ("created", "updated", "deleted")] == \
            [ln for ln in children if ln.startswith(f"CHILD : {pod}-child ")]
    assert not [ln for ln in lines if ln.startswith("ERROR : ")]


def test_a_controller_runtime_operator_creates_updates_and_deletes_its_children_in_emulate(goclients: Path) -> None:
    """controller-runtime writes built-in kinds in protobuf: each reconciled pod gets a Deployment created
    (a pointer's zero replicas, an IntOrString, Quantities), updated and deleted with a protobuf
    DeleteOptions. Emulate answered each with a 415 before it read every kind."""
    with Replay(ROOT / "recordings" / "nginx-deploy.msgpack") as replay:
        client = _operator(goclients, replay.kubeconfig, "default")
        try:
            replay.advance(120.0)  # past the recorded rollout: both pods exist
            client.wait_for(_children_done, what="both children")
            writes = [(r.method, r.status) for r in replay.requests(path="/apis/apps/v1/namespaces/default/deployments")
                      if r.method != "GET"]
            assert sorted(set(writes)) == [("DELETE", 200), ("POST", 201), ("PUT", 200)]
            assert replay.objects("/apis/apps/v1/deployments") == {}
            assert client.terminate() == 0
        finally:
            client.kill()
    _assert_each_pod_got_its_child(client.lines)


def test_the_same_operator_against_the_real_apiserver_sees_the_same(realkube: RealKube, goclients: Path) -> None:
    """The reference for the test above: the real kube-apiserver takes the same protobuf bodies."""
    w = Workload(realkube.admin_kubeconfig, namespace="go-children")
    try:
        w.ensure_namespace()
        client = _operator(goclients, realkube.admin_kubeconfig, w.namespace)
        try:
            for name in ("web-0", "web-1"):
                w.create_pod(name)
            client.wait_for(_children_done, what="both children")
            assert client.terminate() == 0
        finally:
            client.kill()
        assert w.apps.list_namespaced_deployment(w.namespace).items == []
    finally:
        w.close()
    _assert_each_pod_got_its_child(client.lines)
