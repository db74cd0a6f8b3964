"""`watchproxy synth SCENARIO.yaml --out recordings/NAME.msgpack`: write a recording from a scenario.

A thin front end: the scenario's errors are ValueErrors whose message already names the file and the
YAML path of the problem, so the CLI can print them as one line.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..recording import bundled
from ..synth import load_scenario, write_recording
from ..synth.build import BuildResult
from ..synth.scenario import ScenarioError
from . import prepare


def register(subparsers: Any) -> None:
    """Add the `synth` sub-command to the CLI's subparsers (an argparse _SubParsersAction)."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "synth", help="write a recording from a YAML scenario (no cluster needed)",
        description="Turn a scenario (objects, changes over time, the watches a client makes) into a "
                    "recording that replay serves like a recorded one. See recordings/README.md.")
    p.add_argument("scenario", metavar="SCENARIO.yaml",
                   help="the scenario file, or the name of a bundled recording (its scenario)")
    p.add_argument("--out", required=True, metavar="FILE.msgpack", help="the recording to write")
    prepare.add_option(p, "once written")


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


def unseen_warning(source: str, result: BuildResult) -> str | None:
    """One line naming the scenario's changes that no client of the recording sees (so it lacks them)."""
    if not result.unseen:
        return None
    shown = ", ".join(f"{c.where} at {_minutes(c.at)}" for c in result.unseen[:5])
    more = f" and {len(result.unseen) - 5} more" if len(result.unseen) > 5 else ""
    n = len(result.unseen)
    return (f"watchproxy synth: warning: {source}: {n} change{'s' if n != 1 else ''} ({shown}{more}) "
            f"{'come' if n != 1 else 'comes'} after every list and watch of {'their' if n != 1 else 'its'} "
            f"resource has ended: no client sees {'them' if n != 1 else 'it'}, so the recording does not hold "
            f"{'them' if n != 1 else 'it'}")


def run(args: argparse.Namespace) -> int:
    source = bundled.resolve(args.scenario, ".yaml")
    scenario = load_scenario(source)
    try:
        result = write_recording(scenario, args.out)
    except ScenarioError as exc:  # found while building: say which file, as the loader's errors do
        raise (exc if exc.source else exc.in_file(args.scenario)) from None
    print(summary(result), flush=True)
    warning = unseen_warning(args.scenario, result)
    if warning:
        print(warning, file=sys.stderr, flush=True)
    prepare.after_writing("watchproxy synth", args.out, args.prepare)
    return 0
