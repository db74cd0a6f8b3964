"""Run every benchmark and print the table (figure, watchproxy, baseline, ratio, target, met?).

    python -m bench [--only record,shapes,realkube,replay,fidelity,idle,large] [--window SECONDS] [--json FILE]
                    [--shapes event,2048,32ev,8k,captured] [--sizes 300,1000,8000] [--streams 1,200] [--rounds N]
    python -m bench --only fanout   # only the emulate row with each change due in every watch at once

`shapes` is record throughput in every chunk shape, event size and stream count (bench/shaped.py): direct,
watchproxy record and kubectl proxy back to back in each; `--shapes`, `--sizes` and `--streams` pick a
subset of its cells, `--rounds` measures each that many times and reports medians, `--compare-with DIR`
adds watchproxy from another source tree (before and after a change in the same run). `realkube` is record
in front of the real kube-apiserver on a busy watch (bench/realburst.py; `make bench` builds that first,
`python -m bench` skips the row until `make realkube` has).

Each measurement runs the proxy as its own process (`python -m proxy record|replay --listen 127.0.0.1:0`),
the bench upstream (bench/upstream.py) as another, and the client here, so no two share an event loop.
Everything is on loopback and every loop is bounded in count and time. Takes a few minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench import idle, large, machine, procs, realburst, record, replay, shaped, shapes, table
from bench.table import Row

GROUPS = ("record", "shapes", "realkube", "replay", "fidelity", "idle", "large")
EXTRA = ("fanout",)  # part of a group above, selectable alone (not in the default run)


def _steps(window: float, a: argparse.Namespace) -> dict[str, Callable[[Path], list[Row]]]:
    return {
        "record": lambda tmp: record.run(tmp, window),
        "shapes": lambda tmp: shaped.run(tmp, a.shape_window, shape_names=a.shapes, sizes=a.sizes,
                                         stream_counts=a.streams, rounds=a.rounds,
                                         compare_with=a.compare_with),
        "realkube": realburst.run,
        "replay": replay.full_speed,
        "fidelity": lambda tmp: [replay.fidelity_exact(tmp), replay.fidelity_emulate(tmp, at_once=False),
                                 replay.fidelity_emulate(tmp, at_once=True)],
        "idle": idle.run,
        "large": large.run,
        "fanout": lambda tmp: [replay.fidelity_emulate(tmp, at_once=True)],
    }


def _ints(text: str) -> list[int]:
    try:
        return [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of numbers: {text!r}") from None


def _names(choices: tuple[str, ...]) -> Callable[[str], list[str]]:
    def parse(text: str) -> list[str]:
        got = [x.strip() for x in text.split(",") if x.strip()]
        bad = [x for x in got if x not in choices]
        if bad:
            raise argparse.ArgumentTypeError(f"unknown {', '.join(bad)}; choose from {', '.join(choices)}")
        return got
    return parse


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--only", default=",".join(GROUPS),
                   help=f"comma-separated subset of {', '.join(GROUPS + EXTRA)}")
    p.add_argument("--window", type=float, default=3.0, help="seconds each throughput is counted over")
    p.add_argument("--json", metavar="FILE", help="also write the rows and the machine as JSON")
    p.add_argument("--tmp", metavar="DIR", help="where recordings go (about 2.2 GB at the peak)")
    p.add_argument("--shapes", default=",".join(shapes.SHAPES), type=_names(tuple(shapes.SHAPES)),
                   help="chunk shapes of the shapes group (default: all)")
    p.add_argument("--sizes", default=",".join(map(str, shapes.SIZES)), type=_ints,
                   help="event sizes in bytes of the shapes group (default: 300,1000,8000)")
    p.add_argument("--streams", default=",".join(map(str, shaped.STREAMS)), type=_ints,
                   help="stream counts of the shapes group (default: 1,200)")
    p.add_argument("--rounds", type=int, default=3,
                   help="rounds per cell of the shapes group, paths taking turns (the medians are reported)")
    p.add_argument("--compare-with", metavar="DIR", default="",
                   help="shapes group: also measure watchproxy from this source tree (its proxy/ folder), e.g. "
                   "`git archive COMMIT proxy | tar -x -C DIR`, for before and after in one run")
    p.add_argument("--shape-window", type=float, default=1.5,
                   help="seconds each throughput of the shapes group is counted over")
    a = p.parse_args(argv)
    if not 1 <= a.rounds <= 20 or any(not 300 <= z <= 1 << 20 for z in a.sizes) \
            or any(not 1 <= n <= 2000 for n in a.streams):
        p.error("--rounds is 1-20, --sizes 300-1048576 bytes, --streams 1-2000")
    chosen = [g.strip() for g in a.only.split(",") if g.strip()]
    unknown = [g for g in chosen if g not in GROUPS + EXTRA]
    if unknown:
        p.error(f"unknown group(s) {', '.join(unknown)}; choose from {', '.join(GROUPS + EXTRA)}")
    # Each watchproxy process measured reads bytecode, as an installed watchproxy does: an editable install
    # compiles nothing ahead, and with PYTHONDONTWRITEBYTECODE set every process would compile every module
    # again (0.3-0.4 s of each replay's start here).
    for tree in [procs.ROOT, *([Path(a.compare_with)] if a.compare_with else [])]:
        compileall.compile_dir(tree / "proxy", quiet=1)
    soft, hard = procs.raise_nofile()
    info = machine.describe()
    print("watchproxy benchmarks — " + "; ".join(f"{k} {v}" for k, v in info.items()), flush=True)
    print(f"open-file limit {soft} (hard {hard})", flush=True)
    rows: list[Row] = []
    steps = _steps(a.window, a)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="watchproxy-bench-", dir=a.tmp) as d:
        for name in chosen:
            # What the previous group wrote (gigabytes of recordings) goes to disk now, not as the kernel's
            # writeback in the middle of this group's timed part.
            os.sync()
            t0 = time.monotonic()
            print(f"bench: {name} ...", file=sys.stderr, flush=True)
            try:
                got = steps[name](Path(d))
            except Exception as exc:  # one broken measurement must not lose the others
                got = [Row(f"{name}: failed", f"{type(exc).__name__}: {exc}"[:200], met=False)]
            rows.extend(got)
            print(f"bench: {name} done in {time.monotonic() - t0:.1f} s", file=sys.stderr, flush=True)
    print()
    print(table.render(rows))
    met = [r for r in rows if r.met is not None]
    print(f"\n{sum(1 for r in met if r.met)} of {len(met)} targets met; whole run {time.monotonic() - started:.0f} s")
    if a.json:
        Path(a.json).write_text(json.dumps({"machine": info, "rows": [r.to_json() for r in rows]}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
