"""Which recorded answers emulate rebuilds its watch cache from, by what the client asked for.

Record asks the apiserver for JSON whenever the client accepts it (client-go puts protobuf first), so a
protobuf-first request with a JSON answer holds whole objects; a Table or PartialObjectMetadata answer does
not, and must not become the objects emulate serves.
"""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path

import pytest
from watchproxy.clock import ManualClock
from watchproxy.engines.emulate.engine import Emulator
from watchproxy.engines.store import load
from watchproxy.recording import Request

from tests.memory import RecordingBuilder, pod

METADATA = ("application/vnd.kubernetes.protobuf;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,"
            "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json")


@pytest.mark.parametrize(("accept", "rebuilt"), [
    ("application/json", True),
    ("application/vnd.kubernetes.protobuf, */*", True),  # controller-runtime
    ("application/vnd.kubernetes.protobuf,application/json", True),  # client-go 0.37 typed clients
    (METADATA, False),  # the metadata client: record asked for PartialObjectMetadata in JSON
    ("application/json;as=Table;v=v1;g=meta.k8s.io,application/json", False),  # kubectl
    ("application/vnd.kubernetes.protobuf", False),  # only protobuf: recorded in protobuf
])
def test_emulate_rebuilds_from_answers_holding_whole_objects(tmp_path: Path, accept: str, rebuilt: bool) -> None:
    b = RecordingBuilder(tmp_path / "r.msgpack")
    b.list(0.0, 100, [pod("web-a", 90)])
    b.watch(0.0, [(1.0, "ADDED", pod("web-b", 101))], end=10.0, query="resourceVersion=100&watch=true")
    b._records = [dataclasses.replace(r, headers=(("Accept", accept),)) if isinstance(r, Request) else r
                  for r in b._records]
    clock = ManualClock()
    emu = Emulator(load(b.write()), clock)
    asyncio.run(clock.advance(5.0))
    expected = {"default/web-a": "90", "default/web-b": "101"} if rebuilt else {}
    assert emu.objects("/api/v1/pods") == expected
