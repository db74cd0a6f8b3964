"""A recording whose first list was a kubectl Table (`Accept: …;as=Table`) still tells emulate where the
cluster's resourceVersion was: a later list is answered at that resourceVersion, not "0", so a replayed
kubectl watches from where the recorded one did."""

from __future__ import annotations

import json
from pathlib import Path

from watchproxy.clock import ManualClock
from watchproxy.engines.base import Incoming
from watchproxy.engines.emulate.engine import Emulator
from watchproxy.engines.requestlog import RequestLog
from watchproxy.engines.store import load
from watchproxy.recording.records import End, EndHow, Frame, Header, Request, Response
from watchproxy.recording.writer import RecordingWriter

from tests.memory import MemoryResponder, pod

PODS = "/api/v1/namespaces/default/pods"
TABLE = ("application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,"
         "application/json")  # what kubectl get sends


def _table(rv: int, names: list[str]) -> bytes:
    rows = [{"cells": [n, "1/1", "Running", 0, "1m"],
             "object": {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                        "metadata": {"name": n, "namespace": "default", "resourceVersion": "990"}}} for n in names]
    return json.dumps({"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": {"resourceVersion": str(rv)},
                       "columnDefinitions": [{"name": "Name", "type": "string"}], "rows": rows}).encode()


def _recording(path: Path) -> Path:
    body = _table(1000, ["web-0"])
    watch = json.dumps({"type": "MODIFIED", "object": pod("web-0", 1001, "Running")}).encode() + b"\n"
    w = RecordingWriter(path, Header(started_at="2026-01-01T00:00:00Z", upstream="https://test",
                                     upstream_version="v1.36.0"))
    w.write(Request(1, 0.0, "GET", PODS, "limit=500", (("Accept", TABLE),)),
            Response(1, 0.001, 200, "OK", (("Content-Type", "application/json"), ("Content-Length", str(len(body))))),
            Frame(1, 0.001, body), End(1, 0.001, EndHow.COMPLETE),
            Request(2, 0.01, "GET", PODS, "resourceVersion=1000&watch=true", (("Accept", "application/json"),)),
            Response(2, 0.011, 200, "OK", (("Content-Type", "application/json"), ("Transfer-Encoding", "chunked"))),
            Frame(2, 5.0, watch), End(2, 1800.0, EndHow.SERVER_CLOSED))
    w.close()
    return path


async def _list(emu: Emulator, clock: ManualClock, accept: str) -> dict[str, object]:
    log = RequestLog(clock.now)
    out = MemoryResponder(clock)
    req = Incoming("GET", PODS, "", (("Accept", accept),))
    await emu.serve(req, out, log.open("GET", PODS, "", "list", "pods", "default"))
    doc: dict[str, object] = json.loads(out.body)
    return doc


async def test_a_list_after_a_recorded_table_list_has_the_recorded_resource_version(tmp_path: Path) -> None:
    clock = ManualClock()
    emu = Emulator(load(_recording(tmp_path / "kubectl.msgpack")), clock)
    for accept in ("application/json", TABLE):
        doc = await _list(emu, clock, accept)
        assert doc["metadata"]["resourceVersion"] == "1000", (accept, doc["metadata"])  # type: ignore[index]


async def test_a_recording_of_tables_only_is_served_as_recorded(tmp_path: Path) -> None:
    """Nothing to rebuild a collection from: kubectl's own requests get the recorded answers."""
    body = _table(1000, ["web-0"])
    w = RecordingWriter(tmp_path / "only.msgpack", Header(started_at="2026-01-01T00:00:00Z", upstream="https://test",
                                                          upstream_version="v1.36.0"))
    w.write(Request(1, 0.0, "GET", PODS, "", (("Accept", TABLE),)),
            Response(1, 0.001, 200, "OK", (("Content-Type", "application/json"), ("Content-Length", str(len(body))))),
            Frame(1, 0.001, body), End(1, 0.001, EndHow.COMPLETE))
    w.close()
    clock = ManualClock()
    emu = Emulator(load(tmp_path / "only.msgpack"), clock)
    doc = await _list(emu, clock, TABLE)
    assert (doc["kind"], doc["metadata"]["resourceVersion"]) == ("Table", "1000")  # type: ignore[index]


def test_a_custom_resources_columns_are_learned_from_a_recorded_table_get_or_watch_too(tmp_path: Path) -> None:
    """A custom resource's printer columns (its definition was made before the recording) are known from
    any Table the recording holds of it: a list's, a get's or a watch's first event's."""
    from watchproxy.engines.emulate.engine import _recorded_table_columns

    columns = [{"name": "Name", "type": "string", "format": "name", "description": "Name", "priority": 0},
               {"name": "Size", "type": "integer", "format": "", "priority": 0,
                "description": "Custom resource definition column (in JSONPath format): .spec.size"}]
    table = {"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": {"resourceVersion": "5"},
             "columnDefinitions": columns, "rows": []}
    widgets = "/apis/example.com/v1/namespaces/default/widgets"
    for i, (path, query, body) in enumerate([
            (f"{widgets}/w1", "", json.dumps(table).encode()),
            (widgets, "watch=1", json.dumps({"type": "ADDED", "object": table}).encode() + b"\n")]):
        w = RecordingWriter(tmp_path / f"r{i}.msgpack", Header(started_at="2026-01-01T00:00:00Z",
                                                               upstream="https://test"))
        w.write(Request(1, 0.0, "GET", path, query, (("Accept", TABLE),)),
                Response(1, 0.001, 200, "OK", (("Content-Type", "application/json"),)),
                Frame(1, 0.001, body), End(1, 0.002, EndHow.COMPLETE if not query else EndHow.SERVER_CLOSED))
        w.close()
        assert _recorded_table_columns(load(tmp_path / f"r{i}.msgpack")) == {("example.com", "widgets"): columns}
