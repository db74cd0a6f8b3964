"""`watchproxy synth SCENARIO.yaml --out recordings/NAME.msgpack`: write a recording from a scenario.

A thin front end: the scenario's errors are ValueErrors whose message already names the file and the
YAML path of the problem, so the CLI can print them as one line.
"""

from __future__ import annotations

import argparse
from typing import Any

from ..recording import bundled
from ..synth import load_scenario, write_recording
from ..synth.build import BuildResult


def register(subparsers: Any) -> None:
    """Add the `synth` sub-command to the CLI's subparsers (an argparse _SubParsersAction)."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "synth", help="write a recording from a YAML scenario (no cluster needed)",
        description="Turn a scenario (objects, changes over time, the watches a client makes) into a "
                    "recording that replay serves like a recorded one. See recordings/README.md.")
    p.add_argument("scenario", metavar="SCENARIO.yaml",
                   help="the scenario file, or the name of a bundled recording (its scenario)")
    p.add_argument("--out", required=True, metavar="FILE.msgpack", help="the recording to write")


def _minutes(t: float) -> str:
    m, s = divmod(t, 60)
    return f"{int(m)}m{s:04.1f}s" if m else f"{s:.1f}s"


def summary(result: BuildResult) -> str:
    """One line a person can check at a glance: what was written and when the watches close."""
    kinds = ", ".join(f"{n} {k}" for k, n in sorted(result.exchanges.items()))
    closes = ", ".join(_minutes(t) for t in result.watch_ends[:4])
    more = ", ..." if len(result.watch_ends) > 4 else ""
    tail = f"; watches close at {closes}{more}" if closes else ""
    return (f"watchproxy synth: wrote {result.path} ({result.records} records, {result.bytes} bytes; "
            f"{kinds}; {result.events} watch events{tail})")


def run(args: argparse.Namespace) -> int:
    scenario = load_scenario(bundled.resolve(args.scenario, ".yaml"))
    result = write_recording(scenario, args.out)
    print(summary(result), flush=True)
    return 0
