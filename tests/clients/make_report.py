"""Regenerate docs/client-report.md: `watchproxy check` against every real client, one section each.

Usage (from the project's root, after `make clients`):

    .venv/bin/python tests/clients/make_report.py [--out docs/client-report.md] [--only NAME,...]

The report is written from scratch, client by client, in the order below (clients run one after the
other, so wall-clock measurements such as backoff and request rates are not skewed by each other). A
client whose check cannot run at all (kubectl or node_modules missing) makes the script fail at the end
with the reason, after the others have been written. Section names carry the client's version, read
from the installed packages, so a report says what it was measured against.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from watchproxy.commands import check  # noqa: E402  (after the path set-up, for a run without installing)

from tests.procs import GOCLIENTS, peer_argv  # noqa: E402

NOTES = """
## About these clients

- Regenerate this file with `.venv/bin/python tests/clients/make_report.py` (`make report`); it runs
  `watchproxy check` once per client, one after the other, each battery in about 50 s (the quiet-stream
  scenario alone waits 45 s).
- Every client runs through a small driver that prints one `TYPE : name` line per event (kubectl prints
  its table): `tests/clients/*.py` (see the README there) and `examples/node/*.js`. The drivers add no
  retry logic of their own, except `listwatch.js`, which restarts the informer 5 s after an error
  (`LISTWATCH_RESTART_MS`), as client-node's informer example does: the 5 s waits in its rows are that.
- `py_watch.py` calls `Watch.stream` without `timeout_seconds`, so it reconnects by itself; `lightkube`
  uses its default `on_error` (raise); `kr8s_watch.py` is `kr8s.watch("pods")`.
"""


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "?"


def _node_version() -> str:
    pkg = ROOT / "examples" / "node" / "node_modules" / "@kubernetes" / "client-node" / "package.json"
    try:
        return str(json.loads(pkg.read_text())["version"])
    except (OSError, ValueError, KeyError):
        return "?"


def _kubectl_version(kubectl: Path) -> str:
    try:
        out = subprocess.run([str(kubectl), "version", "--client"], capture_output=True, text=True, timeout=60,
                             check=False).stdout
    except OSError:
        return "?"
    return next((ln.split(":", 1)[1].strip() for ln in out.splitlines() if ln.startswith("Client Version:")), "?")


def _pinned(path: str, pattern: str) -> str:
    """A version pinned in a peer's build file (pom.xml, Cargo.lock, go.mod), for the section's name."""
    try:
        m = re.search(pattern, (ROOT / path).read_text())
    except OSError:
        return "?"
    return m.group(1) if m else "?"


def _relative(argv: list[str]) -> list[str]:
    return [os.path.relpath(a, ROOT) if a.startswith(str(ROOT)) else a for a in argv]


def peers() -> list[tuple[str, list[str]]]:
    """The client peers of other languages and frameworks (tests/peers, tests/procs.peer_argv); the Go ones
    only once their binary is built (`make peers-go`)."""
    f8 = _pinned("tests/peers/java/pom.xml", r"kubernetes-client-bom</artifactId>\s*<version>([^<]+)")
    kube = _pinned("tests/peers/rust/Cargo.lock", r'name = "kube"\nversion = "([^"]+)"')
    client_go = _pinned("tests/peers/goclients/go.mod", r"k8s.io/client-go (v\S+)")
    runtime = _pinned("tests/peers/goclients/go.mod", r"sigs.k8s.io/controller-runtime (v\S+)")
    go = [(f"client-go {client_go} SharedInformer (Go)", peer_argv("go-informer")),
          (f"client-go {client_go} SharedInformer, LIST+WATCH (Go)", [*peer_argv("go-informer"), "--watch-list=false"]),
          (f"controller-runtime {runtime} manager (Go)", peer_argv("go-controller"))]
    return [
        (f"fabric8 {f8} SharedIndexInformer (Java)", peer_argv("fabric8-inform")),
        (f"fabric8 {f8} watch() (Java)", peer_argv("fabric8-watch")),
        (f"kube-rs {kube} watcher (Rust)", peer_argv("kube-rs")),
        (f"kubernetes_asyncio {_version('kubernetes_asyncio')} Watch", peer_argv("aio-watch")),
        # Without its create handler: the check's ideal events know nothing of a client's own writes.
        (f"kopf {_version('kopf')} operator (on.event only)", [*peer_argv("kopf"), "--no-writes"]),
        *(go if GOCLIENTS.exists() else []),
    ]


def clients() -> list[tuple[str, list[str]]]:
    """(section name, command) for every real client, paths relative to the project's root."""
    py = os.path.relpath(sys.executable, ROOT)
    kubectl = Path(sys.executable).parent / "kubectl"
    k8s, node = _version("kubernetes"), _node_version()
    return [
        (f"Python kubernetes {k8s} Watch.stream", [py, "tests/clients/py_watch.py"]),
        (f"Python kubernetes {k8s} SharedInformer", [py, "tests/clients/py_informer.py"]),
        (f"lightkube {_version('lightkube')} Client.watch", [py, "tests/clients/lightkube_watch.py"]),
        (f"kr8s {_version('kr8s')} watch", [py, "tests/clients/kr8s_watch.py"]),
        (f"client-node {node} Watch (seed script)", ["node", "examples/node/seed-watch.js"]),
        (f"client-node {node} ListWatch", ["node", "examples/node/listwatch.js"]),
        (f"kubectl {_kubectl_version(kubectl)} get pods -w", [os.path.relpath(kubectl, ROOT), "get", "pods", "-w"]),
        *((name, _relative(argv)) for name, argv in peers()),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="docs/client-report.md", help="the report to write (from scratch)")
    parser.add_argument("--only", default="", help="passed to watchproxy check --only")
    parser.add_argument("--clients", default="", metavar="WORD,...",
                        help="check only the clients whose names contain one of these words, replacing their "
                             "sections in the report and keeping the others")
    args = parser.parse_args(argv)
    os.chdir(ROOT)  # commands and the report's paths are relative to the project's root
    out = Path(args.out)
    words = [w.strip().lower() for w in args.clients.split(",") if w.strip()]
    chosen = [(n, c) for n, c in clients() if not words or any(w in n.lower() for w in words)]
    if not chosen:
        print(f"make_report: no client's name contains {args.clients!r}", file=sys.stderr)
        return 2
    if words and out.exists():  # the notes go last again once the chosen sections are in
        out.write_text(out.read_text().split(NOTES.strip().splitlines()[0])[0].rstrip("\n") + "\n")
    else:
        out.unlink(missing_ok=True)
    failed = []
    for name, cmd in chosen:
        print(f"== {name}: {' '.join(cmd)}", file=sys.stderr, flush=True)
        extra = ["--only", args.only] if args.only else []
        code = check.main(["--markdown", str(out), "--name", name, "--fail-on", "none", *extra, "--", *cmd])
        if code != 0:
            failed.append(f"{name} (exit {code})")
    if out.exists():
        with out.open("a") as f:
            f.write(NOTES)
    if failed:
        print(f"make_report: the check could not run for: {', '.join(failed)}", file=sys.stderr)
        return 1
    print(f"make_report: wrote {out}", file=sys.stderr)
    return 0

if __name__ == "__main__":
    sys.exit(main())
