"""Record in front of the real kube-apiserver (tests/peers/realkube) on a busy watch: direct, through
watchproxy record and through `kubectl proxy`.

A busy watch is one whose events queue up in the apiserver, which then writes exactly 2048-byte chunks
through events (docs/benchmarks.md, "Chunks from the real kube-apiserver"). The busiest it gets on demand
is the initial burst of a watch from `resourceVersion=0`: every object of the collection as ADDED, from the
watch cache, as fast as the apiserver encodes them. `OBJECTS` ConfigMaps of about 1.1 KB are created once;
each path then reads that burst `ROUNDS` times (the paths taking turns) and the median rate is reported,
with the CPU each process spent per event. The apiserver shares the machine's cores with everything else.

Needs the apiserver built (`make realkube`, cached in .cache/peers/realkube); without it the row says so.
"""

from __future__ import annotations

import asyncio
import os
import ssl
import statistics
import sys
import time
from pathlib import Path

from bench import client, procs, table
from bench.table import Row

OBJECTS = 10_000
ROUNDS = 3
WRITERS = 8
NS = "bench-burst"
WATCH = f"/api/v1/namespaces/{NS}/configmaps?watch=1&resourceVersion=0&allowWatchBookmarks=false"
BUILT = procs.ROOT / ".cache" / "peers" / "realkube"


async def _burst(url: str, ctx: ssl.SSLContext | None, token: str, expect: int,
                 time_limit: float = 120.0) -> float:
    """Seconds from the response head to the `expect`-th event of one watch."""
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"} if token else {}
    n = 0
    async with client.session() as s, asyncio.timeout(time_limit), \
            s.get(url, headers=headers, ssl=ctx if ctx is not None else True) as resp:
        if resp.status != 200:
            raise RuntimeError(f"HTTP {resp.status}: {(await resp.read())[:200]!r}")
        t0 = time.monotonic()
        async for data in resp.content.iter_any():
            n += data.count(b"\n")
            if n >= expect:
                return time.monotonic() - t0
    raise RuntimeError(f"the watch ended after {n} of {expect} events")


def _measure(url: str, ctx: ssl.SSLContext | None, token: str, pids: dict[str, int]) -> tuple[float, dict[str, float],
                                                                                               dict[str, float]]:
    """Events/s of one burst, and the CPU (all, kernel) each process in `pids` spent per event (µs)."""
    before = {k: procs.cpu_times(p) for k, p in pids.items()}
    secs = client.measure(_burst(url, ctx, token, OBJECTS))
    after = {k: procs.cpu_times(p) for k, p in pids.items()}
    cpu = {k: (sum(after[k]) - sum(before[k])) / OBJECTS * 1e6 for k in pids}
    kernel = {k: (after[k][1] - before[k][1]) / OBJECTS * 1e6 for k in pids}
    return OBJECTS / secs, cpu, kernel


def _create(kubeconfig: Path) -> float:
    sys.path.insert(0, str(procs.ROOT))
    from tests.workload import Workload  # the lead's driver of the real apiserver

    w = Workload(kubeconfig, namespace=NS)
    w.ensure_namespace()
    payload = {"k": "x" * 700}
    t0 = time.monotonic()
    try:
        w.configmaps([f"burst-{i:05d}" for i in range(OBJECTS)], payload, writers=WRITERS)
    finally:
        w.close()
    return time.monotonic() - t0


def run(tmp: Path) -> list[Row]:
    figure = f"record: the real kube-apiserver, initial burst of {OBJECTS:,} ConfigMaps (≈1.1 KB), 1 stream"
    if not BUILT.exists():
        return [Row(figure, "skipped", note="the real kube-apiserver is not built: `make realkube` builds it "
                    "(once, several minutes), then `python -m bench --only realkube`")]
    sys.path.insert(0, str(procs.ROOT))
    from tests.realkube import realkube

    with realkube(tmp / "kube", 1800) as kube:
        server = kube.url.rstrip("/")
        pid = _apiserver_pid(server)
        created = _create(kube.admin_kubeconfig)
        ctx = ssl.create_default_context(cafile=str(kube.ca_file))
        token = kube.token_file.read_text().strip()
        rates: dict[str, list[tuple[float, dict[str, float], dict[str, float]]]] = {}
        binary = procs.kubectl()
        kp = procs.KubectlProxy(binary, kube.admin_kubeconfig) if binary else None
        try:
            for r in range(ROUNDS):
                paths = ["direct", "watchproxy", "kubectl proxy"]
                for path in paths[r % 3:] + paths[:r % 3]:
                    base = {"apiserver": pid} if pid else {}
                    if path == "direct":
                        got = _measure(server + WATCH, ctx, token, base)
                    elif path == "kubectl proxy":
                        if kp is None:
                            continue
                        got = _measure(kp.url + WATCH, None, "", {**base, "kubectl proxy": kp.proc.pid})
                    else:
                        out = tmp / "burst.msgpack"
                        px = procs.Server(procs.proxy_argv("record", "--out", str(out), "--kubeconfig",
                                                           str(kube.admin_kubeconfig), "--listen", "127.0.0.1:0"))
                        try:
                            got = _measure(px.url + WATCH, None, "", {**base, "watchproxy": px.pid})
                        finally:
                            px.kill()
                            out.unlink(missing_ok=True)
                    rates.setdefault(path, []).append(got)
        finally:
            if kp is not None:
                kp.stop()

    def median(path: str) -> float:
        return statistics.median(x[0] for x in rates[path]) if path in rates else float("nan")

    def cpu(path: str) -> str:
        typical = sorted(rates[path], key=lambda x: x[0])[(len(rates[path]) - 1) // 2]
        return ", ".join(f"{k} {v:.1f} µs ({typical[2][k]:.1f} in the kernel)" for k, v in typical[1].items())

    wp, d, k = median("watchproxy"), median("direct"), median("kubectl proxy")
    have_k = "kubectl proxy" in rates
    return [Row(figure, table.rate(wp),
                f"direct {table.rate(d)}; kubectl proxy {table.rate(k) if have_k else 'skipped'}",
                f"{table.ratio(wp, d)} / {table.ratio(wp, k) if have_k else 'n/a'}",
                "≥ 0.9× direct, ≥ 1.0× kubectl proxy", wp >= 0.9 * d and (not have_k or wp >= k),
                note=f"median of {ROUNDS} bursts per path ({OBJECTS:,} objects created in {created:.1f} s by "
                f"{WRITERS} writers); CPU per event: "
                + "; ".join(f"{p}: {cpu(p)}" for p in ("direct", "watchproxy", "kubectl proxy") if p in rates))]


def _apiserver_pid(url: str) -> int:
    """The process listening on the apiserver's port (for its CPU per event), or 0 if it cannot be told."""
    port = url.rsplit(":", 1)[1]
    inode = ""
    for table_file in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table_file) as f:
                for line in f.readlines()[1:]:
                    fields = line.split()
                    if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == int(port):
                        inode = fields[9]
        except OSError:
            continue
    if not inode:
        return 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                if os.readlink(f"/proc/{pid}/fd/{fd}") == f"socket:[{inode}]":
                    return int(pid)
        except OSError:
            continue
    return 0
