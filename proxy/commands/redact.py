"""`watchproxy redact IN OUT --name REGEX --namespace REGEX --annotation REGEX --label REGEX`."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..report.redact import redact_recording
from . import prepare


def register(subparsers: Any) -> None:
    """Add the `redact` sub-command to the CLI's sub-parsers."""
    p = subparsers.add_parser(
        "redact", help="write a copy of a recording with names, namespaces, annotations, labels redacted",
        description="Rewrite a recording before sharing it. Names and namespaces matching a pattern become "
        "stable pseudonyms (name-<hash>, ns-<hash>) everywhere they appear; annotations and labels whose key "
        "matches are removed. Each pattern is a Python regular expression that must match the whole name or "
        "key (use 'acme-.*' for a prefix). Options repeat.")
    p.add_argument("input", metavar="IN", help="recording to read")
    p.add_argument("output", metavar="OUT", help="redacted recording to write (mode 0600)")
    p.add_argument("--name", action="append", default=[], metavar="REGEX",
                   help="object names to pseudonymize")
    p.add_argument("--namespace", action="append", default=[], metavar="REGEX",
                   help="namespaces to pseudonymize")
    p.add_argument("--annotation", action="append", default=[], metavar="REGEX",
                   help="annotation keys to remove")
    p.add_argument("--label", action="append", default=[], metavar="REGEX",
                   help="label keys to remove (selectors on them will no longer match in replay)")
    prepare.add_option(p, "once written")


def run(args: argparse.Namespace) -> int:
    """Redact and say what was done; warn about bodies that could not be looked into."""
    st = redact_recording(args.input, args.output, names=args.name, namespaces=args.namespace,
                          annotations=args.annotation, labels=args.label)
    print(f"watchproxy redact: wrote {args.output}: {st.records} records ({st.rewritten} rewritten), "
          f"{st.names} names and {st.namespaces} namespaces pseudonymized, "
          f"{st.annotations_removed} annotations and {st.labels_removed} labels removed")
    if st.unparsed:
        print(f"watchproxy: warning: {st.unparsed} bodies or frames are not JSON (protobuf or compressed) "
              "and were copied unchanged: names in them are NOT redacted", file=sys.stderr)
    if st.torn_tail:
        print(f"watchproxy: warning: {st.torn_tail}", file=sys.stderr)
    prepare.after_writing("watchproxy redact", args.output, args.prepare)
    return 0
