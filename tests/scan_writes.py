"""Look for new differences between emulate's writes and the real kube-apiserver's: a random write sequence
(tests/random_writes.py) per seed, sent to both, every answer that differs printed (an object's
managedFields compared apart, times aside). What was found this way and fixed is pinned in
tests/test_writes_random_realkube.py (or in the differential steps of writes_differential.py).

    .venv/bin/python -m tests.scan_writes lease 1 20      # lease_ops, seeds 1 to 19 (make realkube first)
    .venv/bin/python -m tests.scan_writes lease 1 20 --bent   # the same with half the bodies bent (bent)
    .venv/bin/python -m tests.scan_writes '' 1 5           # the ConfigMap sequence (ops)
    .venv/bin/python -m tests.scan_writes lease 1 20 --events  # and the watch events of what it wrote
"""

from __future__ import annotations

import json
import sys
import tempfile
import uuid
from pathlib import Path

from watchproxy.testing import Replay

from tests import random_writes, rawhttp
from tests import writes_differential as wd
from tests.memory import RecordingBuilder
from tests.realkube import realkube
from tests.test_writes_random_realkube import _differences
from tests.workload import until


def _events(real: rawhttp.Server, replay: Replay, ns: str, start: tuple[str, str], sequence: list[random_writes.Op]
            ) -> list[tuple[int, tuple[str, int, object, list[str]], tuple[str, int, object, list[str]]]]:
    """The watch events of every collection the sequence wrote to, from before it, that differ (a cluster-scoped
    collection's of this namespace's names only; one the real apiserver cannot watch, as a review's, left out)."""
    found = []
    for collection in dict.fromkeys(op.collection for op in sequence):
        path = random_writes.collection_path(collection, "{ns}")
        try:
            real_events = random_writes.watch_events(real, ns, start[0], path)
        except AssertionError:
            continue

        def end_the_watch() -> None:
            replay.wait_for(lambda r: any(w.end == "open" for w in r.watches()), what="the watch")
            replay.advance(2)
        events = [real_events,
                  wd.watched(lambda p=path: random_writes.watch_events((replay.url, ""), ns, start[1], p),
                             end_the_watch)]
        if "{ns}" not in path:
            events = [[e for e in each if ns in json.dumps(e[1])] for each in events]
        # (what the settler makes on the real one alone, to see that its controllers acted: random_writes.settler)
        events = [[e for e in each if not str(e[1].get("metadata", {}).get("name", "")).startswith("probe-")]
                  for each in events]
        if events[0] != events[1]:
            found.append((0, (f"events of {collection}", 0, events[0], []), (f"events of {collection}", 0,
                                                                               events[1], [])))
    return found


def main(kind: str, first: int, stop: int, shown: int = 2, bent: bool = False, events: bool = False) -> int:
    generate = getattr(random_writes, f"{kind}_ops" if kind else "ops")
    with tempfile.TemporaryDirectory() as tmp, realkube(Path(tmp) / "kube", 60) as kube:
        real = (kube.url, kube.token_file.read_text().strip())
        differing = 0
        for seed in range(first, stop):
            ns = f"scan-{seed}-{uuid.uuid4().hex[:5]}"
            rawhttp.call(*real, "POST", "/api/v1/namespaces", json.dumps({"metadata": {"name": ns}}).encode())
            b = RecordingBuilder(Path(tmp) / f"{seed}.msgpack")
            b.list(0.0, 100, [], path=f"/api/v1/namespaces/{ns}/configmaps", kind="ConfigMapList")
            sequence = random_writes.bent(generate(seed, 40), seed) if bent else generate(seed, 40)
            with Replay(b.write(), mode="emulate") as replay:
                if (ready := random_writes.prerequisite(generate)) is not None:  # (as the pinned test does)
                    for server in (real, (replay.url, "")):
                        until(lambda server=server, ns=ns: ready(server, ns), 30, "what the sequence needs")
                start = tuple(rawhttp.call(*server, "GET", "/api/v1/namespaces")[1]["metadata"]["resourceVersion"]
                              for server in (real, (replay.url, "")))  # (after what the sequence needs, on each)
                probe = random_writes.settler(generate, real, ns)  # (as the test does)
                raw = [random_writes.run(real, ns, sequence, raw=True, probe=probe),
                       random_writes.run((replay.url, ""), ns, sequence, raw=True)]
                watched = _events(real, replay, ns, start, sequence) if events else []
            found = _differences(*([(w, c, random_writes.reduce(d), [random_writes.reduce(x) for x in ws])
                                    for w, c, d, ws in answers] for answers in raw))
            # and the managedFields of every object answer (times aside), which the reduced answers leave out
            found += [(i, (r[0], r[1], random_writes.managed_fields(r[2]), []),
                       (e[0], e[1], random_writes.managed_fields(e[2]), []))
                      for i, (r, e) in enumerate(zip(*raw, strict=True))
                      if r[1] < 300 and random_writes.managed_fields(r[2]) != random_writes.managed_fields(e[2])]
            found += watched
            differing += bool(found)
            print(f"seed {seed}: {len(found)} answers differ", flush=True)
            for i, r, e in found[:shown]:
                a, b = json.dumps(r[2]), json.dumps(e[2])  # (from a little before where they part)
                parted = next((j for j, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
                k = max(0, parted - 150)
                print(f"  {i} {r[0][:200]}\n    real: {r[1]} …{a[k:k + 1000]} {r[3]}\n"
                      f"    emulated: {e[1]} …{b[k:k + 1000]} {e[3]}", flush=True)
    return 1 if differing else 0


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    sys.exit(main(args[0], int(args[1]), int(args[2]), *map(int, args[3:4]), bent="--bent" in sys.argv,
                  events="--events" in sys.argv))
