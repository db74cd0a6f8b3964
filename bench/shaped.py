"""Record throughput in every chunk shape (bench/shapes.py), event size and stream count: direct, through
watchproxy record and through `kubectl proxy`, measured back to back in each cell.

One upstream and one kubectl proxy serve every cell; watchproxy is started afresh for each measurement
(its recording is deleted after it, so the temporary directory never holds more than one). With
`rounds` > 1 every path is measured that many times per cell, the order rotating, and the medians are
reported; the CPU notes are those of the round with the median rate of each path. Each note ends with the
path's CPU-bound ceiling (`ceiling`), which a shared machine does not move as much as the rates. In every
cell a bare asyncio relay (bench/copyloop.py) is measured too: the floor of a Python proxy that relays
each read as it comes (watchproxy, which writes what one upstream read brought at once, beats it where
the reads are small: one event per chunk); and the same relay writing each read to a recording before
forwarding it, once from its own thread and once from a second process: the simplest recorders, on one
core and spread over two; and once with no copy of its own in user space (each read spliced into the file
and sent to the client from the file's pages): the least a Python recorder can ask of the kernel on a
plain-HTTP upstream, though it never sees the bytes it records (it could not cut them into events or
redact a Secret without reading them) and could not read a TLS upstream (a real apiserver's) this way.

Each target of a cell is then met, out of reach, or within reach and missed (`verdict`). Out of reach: the
CPU a Python recorder spends per event at the least is more than the two cores leave beside the client and
the upstream at the target's rate; or more than one core has, and the relay that spreads its writes over a
second process was measured short of the target too. That least is the copy loop's CPU plus the kernel's
file write, or what watchproxy or a writing relay (the splicing one included) spent where that was less
(`_floors`).
"""

from __future__ import annotations

import math
import os
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench import client, procs, recordpath, shapes, table
from bench.table import Row

WATCH = "/api/v1/namespaces/bench/configmaps?watch=1"
STREAMS = (1, 200)
PATHS = ("direct", "watchproxy", "kubectl proxy")
COPY_LOOP = "python copy loop"  # bench/copyloop.py: a bare asyncio relay (what it is a floor of: above)
# The same relay writing each read to a file before forwarding it (bench/copyloop.py --write): from its
# own thread, and from a second process
ONE_THREAD = "python copy loop writing each read"
SECOND_PROCESS = "python copy loop writing each read in a second process"
# and a relay that copies nothing in user space: each read spliced into the file, sent from its pages
SPLICED = "python relay splicing each read into a file"
WRITING = {ONE_THREAD: "file", SECOND_PROCESS: "process", SPLICED: "splice"}
RELAYS = (COPY_LOOP, *WRITING)
# watchproxy from another source tree (`--compare-with DIR`, e.g. `git archive` of an older commit)
_FROM_SOURCE = ("import runpy, sys; d = sys.argv.pop(1); sys.path.insert(0, d); sys.argv[0] = 'watchproxy'; "
                "runpy.run_module('proxy', run_name='__main__', alter_sys=True)")
TARGET_DIRECT = 0.9
TARGET_KUBECTL = 1.0


@dataclass
class Cell:
    shape: str
    size: int
    streams: int
    rates: dict[str, list[client.Rate]]
    file_write: float = float("nan")  # µs of kernel CPU per event to write the events to a file (recordpath)

    def median(self, path: str) -> float:
        got = [r.events_per_s for r in self.rates.get(path, [])]
        return statistics.median(got) if got else float("nan")

    def typical(self, path: str) -> client.Rate | None:
        """The round with the median rate (the lower middle one for an even count)."""
        got = sorted(self.rates.get(path, []), key=lambda r: r.events_per_s)
        return got[(len(got) - 1) // 2] if got else None


def _measure(path: str, urls: list[str], up: procs.Server, kubectl: procs.KubectlProxy | None, tmp: Path,
             window: float, copy: procs.Server) -> client.Rate | None:
    pids = {"upstream": up.pid}
    if path == "direct":
        return client.measure(client.rate(urls, window=window, pids=pids))
    if path == COPY_LOOP:
        return client.measure(client.rate([u.replace(up.url, copy.url) for u in urls], window=window,
                                          pids={**pids, "copy loop": copy.pid}))
    if path in WRITING:
        out = tmp / "relay.msgpack"
        relay = procs.Server([procs.PY, "-m", "bench.copyloop", "--upstream", up.url, "--write", WRITING[path],
                              "--out", str(out)])
        writer = [int(line.split()[-1]) for line in relay.lines if line.startswith("writer pid ")]
        try:
            return client.measure(client.rate([u.replace(up.url, relay.url) for u in urls], window=window,
                                              pids={**pids, "copy loop": relay.pid,
                                                    **({"writer": writer[0]} if writer else {})}))
        finally:
            relay.kill()
            out.unlink(missing_ok=True)
    if path == "kubectl proxy":
        if kubectl is None:
            return None
        return client.measure(client.rate([u.replace(up.url, kubectl.url) for u in urls], window=window,
                                          pids={**pids, "kubectl proxy": kubectl.proc.pid}))
    out = tmp / "shaped.msgpack"
    source = path.partition(" from ")[2]
    argv = ([procs.PY, "-c", _FROM_SOURCE, source] if source else procs.proxy_argv()) + [
        "record", "--out", str(out), "--kubeconfig", str(tmp / "shaped.kubeconfig"), "--listen", "127.0.0.1:0"]
    px = procs.Server(argv)
    try:
        return client.measure(client.rate([u.replace(up.url, px.url) for u in urls], window=window,
                                          pids={**pids, "watchproxy": px.pid}))
    finally:
        px.kill()  # the recording is thrown away: no need to wait while it prepares its index
        out.unlink(missing_ok=True)


def measure(tmp: Path, window: float, *, shape_names: Sequence[str], sizes: Sequence[int],
            stream_counts: Sequence[int], rounds: int, compare_with: str = "") -> tuple[list[Cell], str]:
    """Every cell measured; returns the cells and a note on the kubectl proxy baseline (empty if it ran)."""
    cells: list[Cell] = []
    note = ""
    paths = PATHS + ((f"watchproxy from {compare_with}",) if compare_with else ())
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
        copy = procs.Server([procs.PY, "-m", "bench.copyloop", "--upstream", up.url])
        try:
            turn = 0
            file_write: dict[tuple[str, int], float] = {}  # the same for any number of streams
            for streams in stream_counts:
                for shape in shape_names:
                    for size in sizes[:1] if shape == "captured" else sizes:  # it has its own sizes
                        urls = [f"{up.url}{WATCH}&shape={shape}&size={size}&stream={i}" for i in range(streams)]
                        here = (*paths, *RELAYS)
                        cell = Cell(shape, size, streams, {p: [] for p in here})
                        for _ in range(rounds):
                            k = turn % len(here)
                            order = here[k:] + here[:k]
                            turn += 1
                            for path in order:
                                got = _measure(path, urls, up, kubectl, tmp, window, copy)
                                if got is not None:
                                    cell.rates[path].append(got)
                        if (shape, size) not in file_write:  # what writing them to a file costs the kernel
                            file_write[shape, size] = recordpath.measure(shape, size, rounds=rounds)[1]
                        cell.file_write = file_write[shape, size]
                        cells.append(cell)
        finally:
            copy.stop()
            if kubectl is not None:
                kubectl.stop()
    return cells, note


def ceiling(r: client.Rate, cpus: int | None = None) -> float:
    """The rate this path's processes could reach on this machine's cores if they had them to themselves,
    from the CPU each spent per event: no process can go faster than one core allows it, nor all of
    them together faster than all cores allow. Steadier than the rate on a shared machine."""
    cpus = cpus or os.cpu_count() or 1
    per = [r.cpu_per_event(who) * 1e-6 for who in r.cpu]
    per = [x for x in per if x > 0 and not math.isnan(x)]
    if not per:
        return float("nan")
    return min(1 / max(per), cpus / sum(per))


ANY_RECORDER = "out of reach for any Python recorder here"
ONE_CORE = "out of reach on one core"
WITHIN = "within reach"


def budget(target: float, through: client.Rate, floor: float, cpus: int | None = None) -> tuple[str, str]:
    """Whether a Python recorder's CPU allows `target` events/s on this machine, from the same run, and the
    figures that say so: at that rate a proxy may spend 1/target per event on one core, and what the cores
    leave beside the client and the upstream (their CPU per event through the proxy) in all; `floor` is the
    least a Python recorder spends (`_floors`)."""
    cpus = cpus or os.cpu_count() or 1
    one = 1e6 / target
    beside = cpus * 1e6 / target - through.cpu_per_event("client") - through.cpu_per_event("upstream")
    said = ANY_RECORDER if floor > beside else ONE_CORE if floor > one else WITHIN
    return said, (f"at {table.rate(target)} a proxy may spend {one:.2f} µs per event on one core, {beside:.2f} "
                  f"µs on all {cpus} beside the client and the upstream; floor {floor:.2f} µs: {said}")


def verdict(target: float, watchproxy: float, cpu: str, second_process: float) -> str:
    """Where a target stands in a cell: met; out of reach where the CPU it takes is more than the cores
    leave, or more than one core has and the relay that writes from a second process (the recorder that
    spreads its work over two cores at least cost) measured short of it; else within reach."""
    if watchproxy >= target:
        return "met"
    if cpu == ANY_RECORDER or (cpu == ONE_CORE and second_process < target):
        return "out of reach"
    return "within reach, missed"


def _targets(c: Cell) -> dict[str, float]:
    """Each target of the cell, in events/s."""
    out = {f"{TARGET_DIRECT}× direct": TARGET_DIRECT * c.median("direct")}
    if c.rates["kubectl proxy"]:
        out[f"{TARGET_KUBECTL}× kubectl proxy"] = TARGET_KUBECTL * c.median("kubectl proxy")
    return out


def _floors(c: Cell) -> dict[str, float]:
    """CPU per event of each Python recorder measured in the cell (µs): the copy loop plus the file write
    (what one costs at the least, estimated), watchproxy, and the relays that write each read (both of
    the second-process relay's processes). Where a measured one spends less than the estimate, the estimate
    is no floor there: the least of them is."""
    out: dict[str, float] = {}
    copy = c.typical(COPY_LOOP)
    if copy is not None and not math.isnan(c.file_write):
        out["copy loop + file write"] = copy.cpu_per_event("copy loop") + c.file_write
    if (wp := c.typical("watchproxy")) is not None:
        out["watchproxy"] = wp.cpu_per_event("watchproxy")
    for path in WRITING:
        if (r := c.typical(path)) is not None:
            out[path] = r.cpu_per_event("copy loop") + (r.cpu_per_event("writer") if "writer" in r.cpu else 0.0)
    return {k: v for k, v in out.items() if not math.isnan(v)}


def _budgets(c: Cell, floors: dict[str, float]) -> dict[str, tuple[str, str]]:
    """The CPU budget of each target, against the least of `floors` (`_floors`; none where nothing was
    measured)."""
    wp = c.typical("watchproxy")
    if wp is None or not floors:
        return {}
    return {name: budget(t, wp, min(floors.values())) for name, t in _targets(c).items()}


def verdicts(c: Cell, cpu: dict[str, tuple[str, str]] | None = None) -> dict[str, str]:
    """Each target's verdict; `cpu` is the cell's `_budgets` when the caller has them already."""
    cpu = _budgets(c, _floors(c)) if cpu is None else cpu
    second = c.median(SECOND_PROCESS)
    return {name: verdict(t, c.median("watchproxy"), cpu.get(name, ("", ""))[0], second)
            for name, t in _targets(c).items()}


def _reach_note(c: Cell) -> str:
    """Where both targets of a cell stand, and the figures that say why."""
    floors = _floors(c)
    cpu = _budgets(c, floors)
    said = verdicts(c, cpu)
    out = [f"{name}: {said[name]}" for name in said]
    if cpu:
        least = ", ".join(f"{k} {v:.2f}" for k, v in floors.items())
        budgets = "; ".join(f"{n}: {text}" for n, (_, text) in cpu.items())
        out.append(f"CPU budget (floor: the least CPU per event of a Python recorder here, µs: {least}; the "
                   f"file write alone {c.file_write:.2f}): {budgets}")
    return "targets: " + "; ".join(out)


def summary(cells: list[Cell]) -> list[Row]:
    """One row per stream count: how many targets are met, within reach and missed, and out of reach."""
    out = []
    for streams in sorted({c.streams for c in cells}):
        tally: dict[str, list[str]] = {}
        for c in (c for c in cells if c.streams == streams):
            for name, v in verdicts(c).items():
                events = "captured events" if c.shape == "captured" else f"{c.size:,} B"
                tally.setdefault(v, []).append(f"{shapes.DESCRIBE[c.shape]} of {events} vs {name}")
        total = sum(map(len, tally.values()))
        counts = ", ".join(f"{len(v)} {k}" for k, v in sorted(tally.items()))
        out.append(Row(f"record in every chunk shape, {streams} stream{'s' * (streams > 1)}: where each target "
                       "stands", f"{len(tally.get('met', []))} of {total} met", counts,
                       note="; ".join(f"{k}: {', '.join(v)}" for k, v in sorted(tally.items()) if k != "met")))
    return out


def rows(cells: list[Cell], kubectl_note: str) -> list[Row]:
    out = []
    for c in cells:
        wp, d, k = c.median("watchproxy"), c.median("direct"), c.median("kubectl proxy")
        have_k = bool(c.rates["kubectl proxy"])
        met = wp >= TARGET_DIRECT * d and (wp >= TARGET_KUBECTL * k if have_k else True)
        notes = []
        for path in [p for p in c.rates if p not in PATHS]:  # the relays, and watchproxy from another tree
            notes.append(f"{path}: {table.rate(c.median(path))} ({table.ratio(c.median(path), d)} direct, "
                         f"{table.ratio(c.median(path), k)} kubectl proxy)")
        for path in c.rates:
            r = c.typical(path)
            if r is not None:
                notes.append(f"{path}: {r.cpu_note()}, ceiling {table.rate(ceiling(r))}"
                             + (f"; errors: {r.errors[:2]}" if r.errors else ""))
        notes.append(_reach_note(c))
        rounds = len(c.rates["watchproxy"])
        events = shapes.captured_description() if c.shape == "captured" else f"{c.size:,} B events"
        out.append(Row(
            f"record: {shapes.DESCRIBE[c.shape]}, {events}, {c.streams} stream{'s' * (c.streams > 1)}",
            table.rate(wp),
            f"direct {table.rate(d)}; kubectl proxy {table.rate(k) if have_k else 'skipped'}",
            f"{table.ratio(wp, d)} / {table.ratio(wp, k) if have_k else 'n/a'}",
            f"≥ {TARGET_DIRECT}× direct, ≥ {TARGET_KUBECTL}× kubectl proxy", met,
            note=(f"median of {rounds} rounds; " if rounds > 1 else "") + "; ".join(notes)
            + (f"; {kubectl_note}" if kubectl_note and not have_k else "")))
    return out


def run(tmp: Path, window: float, *, shape_names: Sequence[str] = tuple(shapes.SHAPES),
        sizes: Sequence[int] = shapes.SIZES, stream_counts: Sequence[int] = STREAMS, rounds: int = 1,
        compare_with: str = "") -> list[Row]:
    cells, note = measure(tmp, window, shape_names=shape_names, sizes=sizes, stream_counts=stream_counts,
                          rounds=rounds, compare_with=compare_with)
    return rows(cells, note) + summary(cells)
