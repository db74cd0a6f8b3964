"""More for `watchproxy inspect`: per-resource and per-watch tables, an event listing, filters, a timeline.

`add_inspect_options` adds the options to the existing `inspect` parser; `run_inspect_extra` then produces
the whole inspect output from the summary the CLI computed: the summary's overview lines unchanged, then
the tables (text), or the summary's JSON document with `resources` (and `events`) added (--json), and the
timeline file when asked for.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from ..report.summary import Summary, summarize
from ..report.tables import (
    EventRow,
    Filter,
    ResourceStats,
    Scanner,
    overview_lines,
    render_resources,
    render_watches,
    scan,
)
from ..report.words import plural


def _seconds(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not (v >= 0 and v < float("inf")):
        raise argparse.ArgumentTypeError(f"{text!r} must be zero or more seconds")
    return v


def add_inspect_options(parser: argparse.ArgumentParser) -> None:
    """Options for the `inspect` sub-parser (which already has `recording` and `--json`)."""
    parser.add_argument("--timeline", metavar="FILE.svg|FILE.html",
                        help="also draw the timeline: SVG, or an HTML page with it for a .html name")
    parser.add_argument("--events", action="store_true",
                        help="list watch events: time, exchange, type, kind namespace/name, resourceVersion")
    parser.add_argument("--path", metavar="PREFIX", help="only exchanges whose path starts with PREFIX")
    parser.add_argument("--resource", metavar="NAME",
                        help="only this resource (pods, deployments.apps, 'apps/v1 deployments')")
    parser.add_argument("--since", type=_seconds, metavar="SECONDS",
                        help="only from this many seconds after the recording started")
    parser.add_argument("--until", type=_seconds, metavar="SECONDS",
                        help="only up to this many seconds after the recording started")


TIMELINE_SUFFIXES = (".svg", ".html", ".htm")


def check_timeline_path(path: str) -> None:
    """Refuse a --timeline file that cannot be written, or would hold something other than its name says,
    before anything is printed (not after the whole summary)."""
    if not path.lower().endswith(TIMELINE_SUFFIXES):
        raise ValueError(f"--timeline {path}: the timeline is drawn as SVG, or an HTML page holding it; "
                         "name the file .svg or .html")
    parent = os.path.dirname(path) or "."
    if os.path.isdir(path):
        raise ValueError(f"--timeline {path}: is a directory")
    if not os.path.isdir(parent):
        raise ValueError(f"--timeline {path}: no such directory {parent}")
    if not os.access(parent, os.W_OK) or (os.path.exists(path) and not os.access(path, os.W_OK)):
        raise ValueError(f"--timeline {path}: not writable")


def _timeline(args: Any, summary: Summary, flt: Filter, note: Any) -> None:
    from ..report.timeline import render_timeline

    try:
        st = render_timeline(args.recording, args.timeline, summary=summary, flt=flt)
    except OSError as exc:
        raise ValueError(f"--timeline {args.timeline}: cannot write: {exc.strerror or exc}") from None
    print(f"timeline: wrote {args.timeline} ({plural(st.lanes, 'lane')}, {plural(st.ticks, 'mark')} for "
          f"{plural(st.events, 'frame')}, {plural(st.requests, 'request')}, {st.bytes:,} bytes)", file=note)


def _json(args: Any, summary: Summary, flt: Filter, known: list[ResourceStats] | None) -> None:
    doc = summary.to_json()
    if flt.active:
        doc["filter"] = flt.describe()
        doc["exchanges"] = [e.to_json() for e in summary.exchanges.values()
                            if flt.exchange_ok(e, summary.duration)]
    streamed: list[dict[str, Any]] = []
    out = sys.stdout
    if args.events:
        # Events stream out as they are read (a long recording has millions), then the rest of the document.
        head = json.dumps(doc, indent=1)
        out.write(head[:-2] + ',\n "events": [')
        first = True
        for item in scan(args.recording, summary, flt, events=True):
            if isinstance(item, EventRow):
                out.write(("\n  " if first else ",\n  ") + json.dumps(item.to_json()))
                first = False
            else:
                streamed.append(item.to_json())
        out.write("\n ],\n \"resources\": " + json.dumps(streamed) + "\n}\n")
        return
    resources = known if known is not None else \
        [r for r in scan(args.recording, summary, flt) if isinstance(r, ResourceStats)]
    doc["resources"] = [r.to_json() for r in resources]
    print(json.dumps(doc, indent=1))


def inspect(args: Any) -> None:
    """`watchproxy inspect`: one pass over the file when nothing is filtered, two otherwise (a time filter
    needs the summary's duration before it can decide about open exchanges)."""
    if getattr(args, "timeline", None):
        check_timeline_path(args.timeline)  # before reading a long recording
    flt = Filter.from_args(args)
    if flt.active or getattr(args, "events", False):
        run_inspect_extra(args, summarize(args.recording))
        return
    scanner = Scanner(flt)
    summary = summarize(args.recording, observe=scanner.feed)
    run_inspect_extra(args, summary, scanner.finish())


def run_inspect_extra(args: Any, summary: Summary, resources: list[ResourceStats] | None = None) -> None:
    """Print everything `inspect` shows for these options, and write the timeline if asked."""
    flt = Filter.from_args(args)
    if flt.since is not None and flt.until is not None and flt.until < flt.since:
        raise ValueError("--until is before --since")
    if getattr(args, "timeline", None):
        check_timeline_path(args.timeline)
    try:
        _print(args, summary, flt, resources)
        sys.stdout.flush()
    except BrokenPipeError:  # `inspect --events | head` is a normal way to look at a long recording
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return
    if getattr(args, "timeline", None):
        _timeline(args, summary, flt, sys.stderr if getattr(args, "json", False) else sys.stdout)


def _print(args: Any, summary: Summary, flt: Filter, known: list[ResourceStats] | None) -> None:
    if getattr(args, "json", False):
        _json(args, summary, flt, known)
    else:
        lines = overview_lines(summary)
        if flt.active:
            lines.append(f"  showing: {flt.describe()}")
        resources = known if known is not None else \
            [r for r in scan(args.recording, summary, flt) if isinstance(r, ResourceStats)]
        lines += render_resources(resources, flt)
        lines += render_watches(summary, flt)
        print("\n".join(lines))
        if getattr(args, "events", False):
            print("events:")
            for item in scan(args.recording, summary, flt, events=True):
                if isinstance(item, EventRow):
                    print(item.text())
