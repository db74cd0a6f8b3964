"""Run the battery for one client command and collect one row per scenario.

Scenarios that mostly wait on the wall clock (a 45 s quiet stream, a stall that may never be noticed)
run in threads beside the others, so a whole battery stays well under a minute for a client that
starts in a second. A scenario that crashes becomes a row saying so; only a client that cannot be
started, or never watches at all, stops the check (`CheckError`): then there is nothing to report.
"""

from __future__ import annotations

import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .client import StartError
from .cluster import Cluster
from .harness import Probe
from .observe import NA, Outcome
from .scenarios import BY_NAME, SCENARIOS, Context, NoWatch, Scenario

DEFAULT_WALL_TIMEOUT = 8.0


class CheckError(ValueError):
    """The check could not run (the command does not start, never watches, an unknown scenario)."""


@dataclass
class Row:
    scenario: Scenario
    outcome: Outcome
    seconds: float
    error: str = ""  # the check itself failed in this scenario


@dataclass
class Options:
    argv: Sequence[str]
    only: Sequence[str] = ()
    wall_timeout: float = DEFAULT_WALL_TIMEOUT
    startup_timeout: float = 30.0
    seed: int = 1
    progress: Callable[[Row], None] | None = field(default=None, repr=False)


def select(only: Sequence[str]) -> list[Scenario]:
    if not only:
        return list(SCENARIOS)
    unknown = [n for n in only if n not in BY_NAME]
    if unknown:
        raise CheckError(f"unknown scenario {', '.join(unknown)}; known: {', '.join(BY_NAME)}")
    return [s for s in SCENARIOS if s.name in only]


def run_battery(opts: Options) -> list[Row]:
    """Every selected scenario against `opts.argv`, rows in battery order."""
    if not opts.argv:
        raise CheckError("no client command given (watchproxy check [options] -- CMD ARG...)")
    chosen = select(opts.only)
    with tempfile.TemporaryDirectory(prefix="watchproxy-check-") as tmp:
        cluster = Cluster()
        ctx = Context(tuple(opts.argv), cluster, cluster.write(Path(tmp) / "cluster.msgpack"), opts.wall_timeout,
                      Probe(), opts.startup_timeout, opts.seed)
        rows: dict[str, Row] = {}
        fatal: list[CheckError] = []

        def one(s: Scenario) -> None:
            row = _run_one(ctx, s, fatal)
            rows[s.name] = row
            if opts.progress is not None:
                opts.progress(row)

        background = [threading.Thread(target=one, args=(s,), name=f"check-{s.name}", daemon=True)
                      for s in chosen if s.background]
        for t in background:
            t.start()
        for s in chosen:
            if not s.background and not fatal:
                one(s)
        for t in background:
            t.join()
        if fatal:
            raise fatal[0]
        return [rows[s.name] for s in chosen]


def _run_one(ctx: Context, s: Scenario, fatal: list[CheckError]) -> Row:
    began = time.monotonic()
    try:
        outcome = s.fn(ctx)
    except StartError as exc:
        fatal.append(CheckError(str(exc)))
        outcome = Outcome("", str(exc), NA)
    except NoWatch as exc:
        if not ctx.probe.watched:
            fatal.append(CheckError(f"{exc}; is `{' '.join(ctx.argv)}` a client that watches pods in "
                                    "`default` using KUBECONFIG?"))
        outcome = Outcome("", str(exc), NA)
    except Exception as exc:  # a bug of the check: report it in its row, keep going
        detail = "".join(traceback.format_exception_only(exc)).strip()
        return Row(s, Outcome("", f"check failed: {detail}", NA), time.monotonic() - began,
                   error=traceback.format_exc())
    return Row(s, outcome, time.monotonic() - began)
