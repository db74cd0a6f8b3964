"""`watchproxy check [options] -- CMD ARG...`: how a watch client copes with the failure catalogue.

Runs the client command against a battery of replays (see proxy/check) and prints one row per scenario:
what the server did, what the client did, ok / BUG / n/a. Exit status: 1 when a row has a verdict listed
in --fail-on (default: BUG), so that a CI job fails on a client bug; 2 (one line) when the check could not
run: the command does not start, never watches, or the options are wrong. With --markdown the client's
section of a shared report is written or replaced, so running it once per client builds one report.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from ..check.observe import BUG, NA, OK
from ..check.report import shown_command, table, update_markdown
from ..check.runner import DEFAULT_WALL_TIMEOUT, CheckError, Options, Row, run_battery
from ..check.scenarios import SCENARIOS

VERDICTS = (BUG, NA, OK)


def _seconds(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 < v < 3600:
        raise argparse.ArgumentTypeError(f"{text!r} must be between 0 and 3600 seconds")
    return v


def _add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--markdown", metavar="FILE", help="write or update this client's section of a markdown report")
    p.add_argument("--only", metavar="NAME,...", default="",
                   help="run only these scenarios: " + ", ".join(s.name for s in SCENARIOS))
    p.add_argument("--wall-timeout", type=_seconds, default=DEFAULT_WALL_TIMEOUT, metavar="SECONDS",
                   help="a client that makes no request for this long after a fault is hung "
                        f"(default {DEFAULT_WALL_TIMEOUT:g})")
    p.add_argument("--name", metavar="LABEL", help="the client's name in the report (default: the command)")
    p.add_argument("--fail-on", type=_verdicts, default=(BUG,), metavar="VERDICT,...",
                   help=f"exit 1 when a scenario's verdict is one of these ({', '.join(VERDICTS)}, or none; "
                        f"default {BUG})")
    # dest "client", not "command": the CLI dispatches on args.command (the sub-command's name)
    p.add_argument("client", nargs=argparse.REMAINDER, metavar="-- CMD ARG...",
                   help="the client: it reads KUBECONFIG (and $HOME/.kube/config) and watches pods in `default`, "
                        "ideally printing `TYPE : name` per event")


def _verdicts(text: str) -> tuple[str, ...]:
    chosen = tuple(v.strip() for v in text.split(",") if v.strip())
    if chosen == ("none",):
        return ()
    wrong = [v for v in chosen if v not in VERDICTS]
    if wrong or not chosen:
        raise argparse.ArgumentTypeError(f"{text!r}: choose from {', '.join(VERDICTS)}, or none")
    return chosen


def register(subparsers: Any) -> None:
    """Add the `check` sub-command to the CLI's subparsers (an argparse _SubParsersAction)."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "check", help="run a watch client through the failure catalogue and report what it did",
        description=__doc__.split("\n\n")[0] if __doc__ else None)
    _add_arguments(p)


def _progress(row: Row) -> None:
    print(f"watchproxy check: {row.scenario.name}: {row.outcome.verdict} ({row.seconds:.1f} s)", file=sys.stderr,
          flush=True)


def run(args: argparse.Namespace) -> int:
    argv = list(args.client)
    if argv[:1] == ["--"]:
        argv = argv[1:]
    only = [n.strip() for n in args.only.split(",") if n.strip()]
    try:
        rows = run_battery(Options(argv, only, args.wall_timeout, progress=_progress))
    except CheckError as exc:
        print(f"watchproxy check: error: {exc}", file=sys.stderr)
        return 2
    print(table(rows), end="", flush=True)
    failed = [r for r in rows if r.error]
    for r in failed:
        print(f"watchproxy check: internal error in {r.scenario.name}:\n{r.error}", file=sys.stderr)
    if args.markdown:
        update_markdown(args.markdown, args.name or shown_command(argv), argv, rows)
    failing = [r.scenario.name for r in rows if r.outcome.verdict in args.fail_on]
    if failing:
        print(f"watchproxy check: {len(failing)} of {len(rows)} scenarios ended {' or '.join(args.fail_on)}: "
              f"{', '.join(failing)}", file=sys.stderr)
    return 1 if failed or failing else 0


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m proxy.commands.check …`: the same command without the rest of the CLI."""
    p = argparse.ArgumentParser(prog="watchproxy check", description=__doc__)
    _add_arguments(p)
    return run(p.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
