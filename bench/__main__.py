"""Run every benchmark and print the table (figure, watchproxy, baseline, ratio, target, met?).

    python -m bench [--only record,replay,fidelity,idle,large] [--window SECONDS] [--json FILE]

Each measurement runs the proxy as its own process (`python -m proxy record|replay --listen 127.0.0.1:0`),
the bench upstream (bench/upstream.py) as another, and the client here, so no two share an event loop.
Everything is on loopback and every loop is bounded in count and time. Takes a few minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench import idle, large, machine, procs, record, replay, table
from bench.table import Row

GROUPS = ("record", "replay", "fidelity", "idle", "large")


def _steps(window: float) -> dict[str, Callable[[Path], list[Row]]]:
    return {
        "record": lambda tmp: record.run(tmp, window),
        "replay": replay.full_speed,
        "fidelity": lambda tmp: [replay.fidelity_exact(tmp), replay.fidelity_emulate(tmp, at_once=False),
                                 replay.fidelity_emulate(tmp, at_once=True)],
        "idle": idle.run,
        "large": large.run,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--only", default=",".join(GROUPS), help=f"comma-separated subset of {', '.join(GROUPS)}")
    p.add_argument("--window", type=float, default=3.0, help="seconds each throughput is counted over")
    p.add_argument("--json", metavar="FILE", help="also write the rows and the machine as JSON")
    p.add_argument("--tmp", metavar="DIR", help="where recordings go (about 2.2 GB at the peak)")
    a = p.parse_args(argv)
    chosen = [g.strip() for g in a.only.split(",") if g.strip()]
    unknown = [g for g in chosen if g not in GROUPS]
    if unknown:
        p.error(f"unknown group(s) {', '.join(unknown)}; choose from {', '.join(GROUPS)}")
    soft, hard = procs.raise_nofile()
    info = machine.describe()
    print("watchproxy benchmarks — " + "; ".join(f"{k} {v}" for k, v in info.items()), flush=True)
    print(f"open-file limit {soft} (hard {hard})", flush=True)
    rows: list[Row] = []
    steps = _steps(a.window)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="watchproxy-bench-", dir=a.tmp) as d:
        for name in chosen:
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
