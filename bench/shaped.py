"""Record throughput in every chunk shape (bench/shapes.py), event size and stream count: direct, through
watchproxy record and through `kubectl proxy`, measured back to back in each cell.

One upstream and one kubectl proxy serve every cell; watchproxy is started afresh for each measurement
(its recording is deleted after it, so the temporary directory never holds more than one). With
`rounds` > 1 every path is measured that many times per cell, the order rotating, and the medians are
reported; the CPU notes are those of the round with the median watchproxy rate.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench import client, procs, shapes, table
from bench.table import Row

WATCH = "/api/v1/namespaces/bench/configmaps?watch=1"
STREAMS = (1, 200)
PATHS = ("direct", "watchproxy", "kubectl proxy")
TARGET_DIRECT = 0.9
TARGET_KUBECTL = 1.0


@dataclass
class Cell:
    shape: str
    size: int
    streams: int
    rates: dict[str, list[client.Rate]]

    def median(self, path: str) -> float:
        got = [r.events_per_s for r in self.rates.get(path, [])]
        return statistics.median(got) if got else float("nan")

    def typical(self, path: str) -> client.Rate | None:
        """The round with the median rate (the lower middle one for an even count)."""
        got = sorted(self.rates.get(path, []), key=lambda r: r.events_per_s)
        return got[(len(got) - 1) // 2] if got else None


def _measure(path: str, urls: list[str], up: procs.Server, kubectl: procs.KubectlProxy | None, tmp: Path,
             window: float) -> client.Rate | None:
    pids = {"upstream": up.pid}
    if path == "direct":
        return client.measure(client.rate(urls, window=window, pids=pids))
    if path == "kubectl proxy":
        if kubectl is None:
            return None
        return client.measure(client.rate([u.replace(up.url, kubectl.url) for u in urls], window=window,
                                          pids={**pids, "kubectl proxy": kubectl.proc.pid}))
    out = tmp / "shaped.msgpack"
    try:
        with procs.Server(procs.proxy_argv("record", "--out", str(out), "--kubeconfig", str(tmp / "shaped.kubeconfig"),
                                           "--listen", "127.0.0.1:0")) as px:
            return client.measure(client.rate([u.replace(up.url, px.url) for u in urls], window=window,
                                              pids={**pids, "watchproxy": px.pid}))
    finally:
        out.unlink(missing_ok=True)


def measure(tmp: Path, window: float, *, shape_names: Sequence[str], sizes: Sequence[int],
            stream_counts: Sequence[int], rounds: int) -> tuple[list[Cell], str]:
    """Every cell measured; returns the cells and a note on the kubectl proxy baseline (empty if it ran)."""
    cells: list[Cell] = []
    note = ""
    with procs.Server([procs.PY, "-m", "bench.upstream"]) as up:
        procs.write_kubeconfig(tmp / "shaped.kubeconfig", up.url)
        binary = procs.kubectl()
        kubectl: procs.KubectlProxy | None = None
        if binary is None:
            note = "kubectl not found (`make clients` installs it in .venv/bin): baseline skipped"
        else:
            try:
                kubectl = procs.KubectlProxy(binary, tmp / "shaped.kubeconfig")
            except (RuntimeError, OSError) as exc:
                note = f"kubectl proxy could not run ({exc}): baseline skipped"
        try:
            turn = 0
            for streams in stream_counts:
                for shape in shape_names:
                    for size in sizes:
                        urls = [f"{up.url}{WATCH}&shape={shape}&size={size}&stream={i}" for i in range(streams)]
                        cell = Cell(shape, size, streams, {p: [] for p in PATHS})
                        for _ in range(rounds):
                            order = PATHS[turn % 3:] + PATHS[:turn % 3]
                            turn += 1
                            for path in order:
                                got = _measure(path, urls, up, kubectl, tmp, window)
                                if got is not None:
                                    cell.rates[path].append(got)
                        cells.append(cell)
        finally:
            if kubectl is not None:
                kubectl.stop()
    return cells, note


def rows(cells: list[Cell], kubectl_note: str) -> list[Row]:
    out = []
    for c in cells:
        wp, d, k = c.median("watchproxy"), c.median("direct"), c.median("kubectl proxy")
        have_k = bool(c.rates["kubectl proxy"])
        met = wp >= TARGET_DIRECT * d and (wp >= TARGET_KUBECTL * k if have_k else True)
        notes = []
        for path in PATHS:
            r = c.typical(path)
            if r is not None:
                notes.append(f"{path}: {r.cpu_note()}" + (f"; errors: {r.errors[:2]}" if r.errors else ""))
        rounds = len(c.rates["watchproxy"])
        out.append(Row(
            f"record: {shapes.DESCRIBE[c.shape]}, {c.size:,} B events, {c.streams} stream{'s' * (c.streams > 1)}",
            table.rate(wp),
            f"direct {table.rate(d)}; kubectl proxy {table.rate(k) if have_k else 'skipped'}",
            f"{table.ratio(wp, d)} / {table.ratio(wp, k) if have_k else 'n/a'}",
            f"≥ {TARGET_DIRECT}× direct, ≥ {TARGET_KUBECTL}× kubectl proxy", met,
            note=(f"median of {rounds} rounds; " if rounds > 1 else "") + "; ".join(notes)
            + (f"; {kubectl_note}" if kubectl_note and not have_k else "")))
    return out


def run(tmp: Path, window: float, *, shape_names: Sequence[str] = tuple(shapes.SHAPES),
        sizes: Sequence[int] = shapes.SIZES, stream_counts: Sequence[int] = STREAMS, rounds: int = 1) -> list[Row]:
    cells, note = measure(tmp, window, shape_names=shape_names, sizes=sizes, stream_counts=stream_counts,
                          rounds=rounds)
    return rows(cells, note)
