"""`watchproxy export RECORDING --jsonl [--out FILE]`: a recording as JSON Lines, for grep, jq and diff."""

from __future__ import annotations

import argparse
import io
import os
import sys
from typing import Any, TextIO

from ..report.export import export_jsonl


def register(subparsers: Any) -> None:
    """Add the `export` sub-command to the CLI's sub-parsers."""
    p = subparsers.add_parser("export", help="write a recording as JSON Lines (one object per record)",
                              description="Write every record of a recording as one JSON object per line, "
                              "header first. JSON bodies and events appear parsed, text as text, anything "
                              "else as base64 (protobuf also as its JSON, under \"protobuf\").")
    p.add_argument("recording", help="a recording file, or the name of a bundled one")
    fmt = p.add_mutually_exclusive_group(required=True)
    fmt.add_argument("--jsonl", action="store_true", help="JSON Lines (the only format for now)")
    p.add_argument("--out", metavar="FILE", help="write here instead of standard output (created mode 0600)")


def _open_private(path: str) -> TextIO:
    # The export holds everything the recording holds, which is kept 0600: so is this.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    return open(fd, "w", encoding="utf-8", newline="\n")


def run(args: argparse.Namespace) -> int:
    """Export; a torn final record is reported on stderr (every whole record before it is exported)."""
    if args.out:
        with _open_private(args.out) as out:
            stats = export_jsonl(args.recording, out)
    else:
        out = sys.stdout
        if isinstance(out, io.TextIOWrapper) and (out.encoding or "").lower().replace("-", "") != "utf8":
            out.reconfigure(encoding="utf-8")  # names and messages may be any Unicode
        try:
            stats = export_jsonl(args.recording, out)
            out.flush()
        except BrokenPipeError:  # `watchproxy export … | head` is a normal way to use this
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            return 0
    if stats.torn_tail:
        print(f"watchproxy: warning: {stats.torn_tail}", file=sys.stderr)
    if args.out:
        print(f"watchproxy export: wrote {stats.records + 1} lines to {args.out}", file=sys.stderr)
    return 0
