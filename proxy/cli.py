"""Layer 6: the command line. Thin: parse options, call the library, turn errors into one readable line."""

from __future__ import annotations

import argparse
import asyncio
import gc
import importlib
import logging
import sys
from collections.abc import Callable, Sequence

from . import __version__
from .commands import prepare
from .commands.inspect_extra import add_inspect_options, inspect
from .commands.progress import Progress, reading, rebuilding
from .engines.upstream import UpstreamError
from .recording import bundled
from .recording.errors import RecordingError
from .report.words import plural
from .server.heap import keep_freed_reads
from .server.run import StopSignals, stop_signals

DEFAULT_LISTEN = "127.0.0.1:8001"
# proxy/commands/NAME.py: register(subparsers), run(args)
_MODULE_COMMANDS = ("synth", "export", "redact", "prepare", "check")


class CliError(Exception):
    """An error for the user: printed as one line, exit status 2."""


def _positive(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not (v > 0 and v < float("inf")):
        raise argparse.ArgumentTypeError(f"{text!r} must be a positive number")
    return v


def _listen_check(listen: str, allow_remote: bool, accept_hosts: Sequence[str] = (), command: str = "record") -> None:
    from .server.app import is_loopback
    from .server.run import parse_listen

    try:
        host, _ = parse_listen(listen)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    if not (is_loopback(host) or host == "localhost"):
        exposed = "use your cluster credentials" if command == "record" else \
            "read the recording and be served by the replay"
        if not allow_remote:
            raise CliError(f"--listen {listen}: refusing to listen beyond loopback without --allow-remote "
                           f"(anyone who reaches the port can {exposed})")
        where = "every IPv6 and IPv4 address" if host == "::" else "every IPv4 address" if host == "0.0.0.0" \
            else host
        print(f"watchproxy: WARNING: listening on {where}: other machines can reach this proxy and {exposed}",
              file=sys.stderr)
        if host in ("::", "0.0.0.0") and not accept_hosts:
            print("watchproxy: note: remote clients are still refused (403) unless the Host they connect to is "
                  "named with --accept-host NAME (this machine's name or address as they use it)", file=sys.stderr)


def _add_server_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help="log every request")
    p.add_argument("--listen", default=DEFAULT_LISTEN, metavar="HOST:PORT",
                   help=f"address to listen on (default {DEFAULT_LISTEN}; port 0 picks a free one)")
    p.add_argument("--write-kubeconfig", metavar="PATH", help="write a kubeconfig pointing at the proxy")
    p.add_argument("--allow-remote", action="store_true",
                   help="allow --listen on a non-loopback address (prints a warning)")
    p.add_argument("--accept-host", action="append", default=[], metavar="NAME",
                   help="also accept this Host header (default: loopback names only)")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="watchproxy", description="Record Kubernetes watch streams with their "
                                "timing, and replay them offline, deterministically.")
    p.add_argument("--version", action="version", version=f"watchproxy {__version__}")
    p.add_argument("-v", "--verbose", action="store_true", help="log every request")
    sub = p.add_subparsers(dest="command", required=True)

    r = sub.add_parser("record", help="forward to a cluster and record everything",
                       description="Serve a proxy that forwards every request to the cluster of a kubeconfig and "
                                   "records every exchange, with each watch event's arrival time, to --out. "
                                   "Ctrl-C finishes the file and prints a one-line summary.")
    r.add_argument("--out", required=True, metavar="FILE.msgpack",
                   help="the recording to write (an existing file is refused unless --force)")
    r.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    r.add_argument("--kubeconfig",
                   help="kubeconfig of the real cluster (default: $KUBECONFIG or ~/.kube/config)")
    r.add_argument("--context", help="context to use from that kubeconfig")
    r.add_argument("--keep-secret-data", action="store_true", help="do not redact Secret values")
    r.add_argument("--keep-protobuf", action="store_true",
                   help="pass protobuf Accept headers through as they are (by default a client that also "
                        "accepts JSON is answered in JSON, which emulate mode can rebuild a watch cache from)")
    r.add_argument("--allow-exec", action="store_true",
                   help="forward exec/attach/portforward/proxy requests as plain HTTP (recorded like the "
                        "rest; interactive SPDY/WebSocket upgrades are not tunnelled)")
    prepare.add_option(r, "when stopped")
    _add_server_options(r)

    rp = sub.add_parser("replay", help="serve a recording with no cluster",
                        description="Serve a recording (a file, or a bundled one by name) as an apiserver would, "
                                    "with no cluster: emulate mode rebuilds a watch cache from it, exact mode "
                                    "plays the recorded answers. Ctrl-C ends open watches cleanly and prints a "
                                    "summary.",
                        epilog="What replay derives from a recording is read from the recording itself when "
                               "it is prepared (watchproxy record and watchproxy prepare do it); otherwise it "
                               "is derived, and for recordings of 16 MiB or more saved in $WATCHPROXY_CACHE_DIR "
                               "(default ~/.cache/watchproxy; empty: off), so the next replay of the same file "
                               "starts at once.")
    rp.add_argument("recording", help="a recording file, or the name of a bundled one (watchproxy recordings)")
    rp.add_argument("--mode", choices=("emulate", "exact"), default="emulate",
                    help="emulate (default): an apiserver watch cache rebuilt from the recording; "
                         "exact: the recorded answers, in order")
    g = rp.add_mutually_exclusive_group()
    g.add_argument("--speed", type=_positive, default=1.0, metavar="FACTOR",
                   help="virtual time runs FACTOR times faster than real time (default 1)")
    g.add_argument("--clock", choices=("manual",),
                   help="time moves only through POST /_watchproxy/clock/advance")
    rp.add_argument("--seed", type=int, default=0, help="seed for the randomized watch timeout (default 0)")
    rp.add_argument("--min-request-timeout", type=_positive, metavar="SECONDS",
                    help="the apiserver's --min-request-timeout (default: the recording's, else 1800)")
    rp.add_argument("--read-only", action="store_true",
                    help="emulate: refuse clients' writes (405) instead of applying them to the replayed state")
    rp.add_argument("--as", dest="as_user", default="", metavar="USER",
                    help="emulate: the kubeconfig --write-kubeconfig writes impersonates USER (kubectl's --as), "
                         "whom the replay authorizes by RBAC, e.g. system:serviceaccount:NS:NAME")
    rp.add_argument("--as-group", action="append", default=[], metavar="GROUP",
                    help="emulate: and this group (repeatable; needs --as)")
    rp.add_argument("--history", type=_positive, metavar="SECONDS",
                    help="emulate: keep this much event history; older resourceVersions get 410")
    rp.add_argument("--fault", action="append", default=[], metavar="SPEC",
                    help="arm a fault from the start: ACTION[:key=value,...] or JSON (see README, Faults)")
    # A request nothing recorded can answer always gets a 404 Status naming the nearest recorded ones;
    # `--on-miss fail`, its only value, is still accepted from older scripts.
    rp.add_argument("--on-miss", choices=("fail",), default="fail", help=argparse.SUPPRESS)
    _add_server_options(rp)

    sub.add_parser("recordings", help="list the recordings bundled with watchproxy",
                   description="List the recordings installed with watchproxy. Replay, inspect, export and "
                               "the pytest fixture take these names in place of a path.")

    i = sub.add_parser("inspect", help="summarise a recording",
                       description="Summarise a recording (a file, or a bundled one by name): upstream, duration, "
                                   "exchanges, resources and watches; with options, its events, a filter, JSON, "
                                   "or a timeline drawing.")
    i.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                   help="log what is done (as before the sub-command)")
    i.add_argument("recording", help="a recording file, or the name of a bundled one")
    i.add_argument("--json", action="store_true", help="machine-readable output")
    add_inspect_options(i)
    for name in _MODULE_COMMANDS:
        importlib.import_module(f".commands.{name}", __package__).register(sub)
    return p


async def _progress(line: Callable[[], str], every: float = 0.5) -> None:
    """Live progress on a terminal, rewritten in place (record mode runs on real time)."""
    while True:
        print(f"\r\033[Kwatchproxy record: {line()}", end="", file=sys.stderr, flush=True)
        await asyncio.sleep(every)


async def _record(a: argparse.Namespace) -> int:
    keep_freed_reads()
    async with stop_signals() as signals:  # a second Ctrl-C, during the shutdown, is quiet
        return await _record_until_stopped(a, signals)


async def _record_until_stopped(a: argparse.Namespace, signals: StopSignals) -> int:
    from .server.sessions import RecordSession

    async with RecordSession(a.out, kubeconfig=a.kubeconfig, context=a.context, listen=a.listen,
                             write_kubeconfig=a.write_kubeconfig, keep_secret_data=a.keep_secret_data,
                             allow_exec=a.allow_exec, accept_hosts=tuple(a.accept_host),
                             keep_protobuf=a.keep_protobuf, force=a.force) as s:
        # What is loaded by now (the kubernetes package's thousands of classes and functions) lives as long
        # as the process: kept out of every later collection, which a busy watch's short-lived objects set
        # off every few reads (a third of the recorder's CPU with 200 streams of small events).
        gc.freeze()
        upstream = s.recorder.upstream.server if s.recorder else "?"
        print(f"watchproxy record: listening on {s.url}, forwarding to {upstream}, "
              f"recording to {a.out}" + (f"; kubeconfig: {a.write_kubeconfig}" if a.write_kubeconfig else ""),
              flush=True)
        ticker = asyncio.ensure_future(_progress(s.progress)) if sys.stderr.isatty() else None
        try:
            await signals.stop.wait()
        finally:
            if ticker is not None:
                ticker.cancel()
                print("\r\033[K", end="", file=sys.stderr, flush=True)
    print(f"watchproxy record: {s.summary()}", flush=True)
    return 0


def _load_progress(path: str) -> Progress:
    """A progress line while replay reads a recording nobody prepared (large ones only)."""
    return reading("watchproxy", path, intro=f"{path} is not prepared for replay: reading it whole once "
                   f"(`watchproxy prepare {path}` stores what replay needs in it)")


def _rebuild_note(path: str) -> Progress:
    return rebuilding("watchproxy", path, intro="emulate's watch cache is rebuilt from every event, once: it is "
                      "saved for the next replay on this machine")


async def _replay(a: argparse.Namespace) -> int:
    keep_freed_reads()
    async with stop_signals() as signals:  # a second Ctrl-C, during the shutdown, is quiet and means now
        return await _replay_until_stopped(a, signals)


async def _replay_until_stopped(a: argparse.Namespace, signals: StopSignals) -> int:
    from .engines.store import load
    from .server.sessions import ReplaySession

    loaded = load(a.recording, _load_progress(a.recording))
    gc.freeze()  # the recording lives as long as the process: keep it out of every later collection
    async with ReplaySession(loaded, mode=a.mode, clock=a.clock or "scaled", speed=a.speed, seed=a.seed,
                             min_request_timeout=a.min_request_timeout, history=a.history,
                             read_only=a.read_only, listen=a.listen, write_kubeconfig=a.write_kubeconfig,
                             kubeconfig_as=(a.as_user, tuple(a.as_group)),
                             accept_hosts=tuple(a.accept_host), faults=tuple(a.fault),
                             announce=_rebuild_note(a.recording)) as s:
        if s.loaded.torn_tail:
            print(f"watchproxy: warning: {s.loaded.torn_tail}", file=sys.stderr)
        timing = "manual clock" if a.clock == "manual" else f"speed {a.speed:g}"
        print(f"watchproxy replay: listening on {s.url}, serving {a.recording} ({a.mode} mode, {timing}, "
              f"seed {a.seed})" + (f"; kubeconfig: {a.write_kubeconfig}" if a.write_kubeconfig else ""),
              flush=True)
        signals.now = s.cut_streams
        await signals.stop.wait()
    served = len(s.log.entries) + s.log.dropped
    print(f"watchproxy replay: served {plural(served, 'request')}, {plural(s.misses.count, 'miss', 'misses')}",
          flush=True)
    return 0


def _inspect(a: argparse.Namespace) -> int:
    inspect(a)
    return 0


def _recordings() -> int:
    found = bundled.available()
    if not found:
        print("watchproxy: this installation has no bundled recordings", file=sys.stderr)
        return 1
    width = max(len(b.name) for b in found)
    for b in found:
        print(f"{b.name:<{width}}  {b.path.stat().st_size / 1e3:>7,.0f} kB  {b.about}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="watchproxy: %(levelname)s: %(message)s", stream=sys.stderr)
    try:
        if getattr(args, "recording", None) is not None:  # a path, or a bundled recording's name
            args.recording = bundled.resolve(args.recording)
        if args.command == "recordings":
            return _recordings()
        if args.command in ("record", "replay"):
            _listen_check(args.listen, args.allow_remote, args.accept_host, args.command)
            if args.command == "replay":
                if (args.as_user or args.as_group) and not args.write_kubeconfig:
                    raise CliError("--as and --as-group say whom the written kubeconfig impersonates: "
                                   "give --write-kubeconfig PATH too")
                if args.as_group and not args.as_user:
                    raise CliError("--as-group needs --as USER (the apiserver refuses groups without a user)")
                return asyncio.run(_replay(args))
            recorded = asyncio.run(_record(args))
            prepare.after_writing("watchproxy record", args.out, args.prepare)
            return recorded
        if args.command == "inspect":
            return _inspect(args)
        if args.command in _MODULE_COMMANDS:
            code: int = importlib.import_module(f".commands.{args.command}", __package__).run(args)
            return code
    except (CliError, RecordingError, UpstreamError, ValueError) as exc:
        print(f"watchproxy: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader of our output left (`| head`): not an error of ours
        return 0
    except OSError as exc:
        print(f"watchproxy: error: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 2
