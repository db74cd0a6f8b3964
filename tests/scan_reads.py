"""Look for new differences between emulate's reads and the real kube-apiserver's: per seed, a random write
sequence of a kind (tests/random_writes.py), then random watches and lists of the collection it writes most
(tests/random_reads.py), and watches open while it writes (in a namespace of their own), every read whose
answer differs printed. What was found this way and fixed is pinned in tests/test_reads_random_realkube.py
and beside the reads it concerns. A cluster-scoped collection gets a real apiserver of its own per seed and
pass, so that it holds what a replay does: its bootstrap objects.

    .venv/bin/python -m tests.scan_reads pods 1 20      # seeds 1 to 19, 20 reads each (make realkube first)
"""

from __future__ import annotations

import json
import sys
import tempfile
import uuid
from collections import Counter
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

from watchproxy.testing import Replay

from tests import random_reads, random_writes, rawhttp
from tests.memory import RecordingBuilder
from tests.realkube import RealKube, realkube
from tests.test_writes_random_realkube import SEQUENCES
from tests.workload import until


def main(kind: str, first: int, stop: int, n: int = 20) -> int:
    generate = {**SEQUENCES, "configmaps": random_writes.ops}[kind]
    differing = 0
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as shared:
        kube: RealKube | None = None
        for seed in range(first, stop):
            sequence = generate(seed, 40)
            collection = Counter(op.collection for op in sequence).most_common(1)[0][0]  # what it writes most
            found = []
            for live in (False, True):
                with ExitStack() as own:
                    if "/namespaces/" not in random_writes.collection_path(collection, "x"):
                        real_kube = own.enter_context(realkube(Path(tmp) / f"kube-{seed}-{live}", 60))
                    else:
                        kube = kube or shared.enter_context(realkube(Path(tmp) / "kube", 60))
                        real_kube = kube
                    found += _differences(real_kube, Path(tmp), generate, sequence, collection, seed,
                                          n // 2 if live else n, live)
            differing += bool(found)
            print(f"seed {seed}: {len(found)} of {n} reads and {n // 2} live watches differ", flush=True)
            for read, got, emulated in found[:2]:
                print(f"  {read}\n    real: {json.dumps(got)[:1000]}\n    emulated: {json.dumps(emulated)[:1000]}",
                      flush=True)
    return 1 if differing else 0


def _differences(kube: RealKube, tmp: Path, generate: Callable[[int, int], list[random_writes.Op]],
                 sequence: list[random_writes.Op],
                 collection: str, seed: int, n: int, live: bool) -> list[tuple[random_reads.Read, object, object]]:
    real = (kube.url, kube.token_file.read_text().strip())
    ns = f"scan-{seed}-{'live-' if live else ''}{uuid.uuid4().hex[:5]}"
    rawhttp.call(*real, "POST", "/api/v1/namespaces", json.dumps({"metadata": {"name": ns}}).encode())
    b = RecordingBuilder(tmp / f"{seed}.msgpack")
    b.list(0.0, 100, [], path=f"/api/v1/namespaces/{ns}/configmaps", kind="ConfigMapList")
    with Replay(b.write(), mode="emulate") as replay:
        if (ready := random_writes.prerequisite(generate)) is not None:  # (as scan_writes does)
            for server in (real, (replay.url, "")):
                until(lambda server=server: ready(server, ns), 30, "what the sequence needs")
        compare = random_reads.live_differences if live else random_reads.differences
        return compare(real, replay, ns, collection, sequence, seed, n, random_writes.settler(generate, real, ns))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), *map(int, sys.argv[4:5])))
