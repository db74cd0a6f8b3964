"""Record and replay sessions as async context managers: what the CLI, the pytest plugin and tests run."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import socket
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from .. import __version__
from ..clock import Clock, ManualClock, ScaledClock
from ..engines import diagnose
from ..engines.base import EmulatedApiserver, Engine
from ..engines.exact import ExactPlayer, Misses
from ..engines.faults import FaultError, FaultInjector
from ..engines.recorder import Recorder
from ..engines.requestlog import RequestLog
from ..engines.store import Loaded, load
from ..engines.upstream import Upstream
from ..recording import bundled
from ..recording.errors import RecordingError
from ..recording.records import Header
from ..recording.writer import RecordingWriter
from ..report.words import plural
from . import control, sendround
from .app import LOOPBACK_NAMES, ProxyState, build_app
from .kubeconfig import write_kubeconfig
from .run import bind, parse_listen, running
from .sendround import send_round

REDACTION_POLICY = (
    "credential headers (Authorization, Proxy-Authorization, Cookie, Set-Cookie, any *token*, *secret*, "
    "*password*, *credential*, *api-key* header)",
)
SECRET_POLICY = ("Secret data, stringData and last-applied-configuration values, in answers and in bodies sent "
                 "to Secret paths; bodies that may hold a Secret but cannot be redacted (protobuf, compressed, "
                 "unparseable) are not recorded")


def accepted_hosts(listen_host: str, extra: tuple[str, ...]) -> frozenset[str]:
    return LOOPBACK_NAMES | {listen_host.lower()} | {h.lower() for h in extra}


class _Session:
    url: str
    state: ProxyState

    def __init__(self, listen: str, write_kubeconfig: str | os.PathLike[str] | None,
                 accept_hosts: tuple[str, ...], kubeconfig_as: tuple[str, tuple[str, ...]] = ("", ())) -> None:
        self._host, self._port = parse_listen(listen)
        self.kubeconfig = str(write_kubeconfig) if write_kubeconfig else None
        self._kubeconfig_as = kubeconfig_as
        self._accept = accept_hosts
        self._stack = contextlib.AsyncExitStack()

    # Seconds the requests still running when the proxy stops get before they are cut.
    shutdown_timeout = 2.0

    async def _serve(self, state: ProxyState, sock: socket.socket | None = None) -> None:
        self.state = state
        app = build_app(state)
        app.on_shutdown.append(self._stopping)
        self.url = await self._stack.enter_async_context(running(app, self._host, self._port, sock,
                                                                 self.shutdown_timeout))
        if self.kubeconfig:
            write_kubeconfig(self.kubeconfig, self.url, "default", *self._kubeconfig_as)

    async def _stopping(self, app: object) -> None:
        """The listener is closed; requests still running are about to get `shutdown_timeout` seconds."""

    @property
    def log(self) -> RequestLog:
        return self.state.log

    async def __aexit__(self, t: type[BaseException] | None, e: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self._stack.aclose()


class ReplaySession(_Session):
    """Serve a recording. `mode` is "emulate" (a watch cache rebuilt from it) or "exact"."""

    shutdown_timeout = 0.5  # open watches are ended cleanly first; what is left is stalled on purpose

    def __init__(self, recording: str | os.PathLike[str] | Loaded, *, mode: str = "emulate",
                 clock: Clock | str = "scaled", speed: float = 1.0, seed: int = 0,
                 min_request_timeout: float | None = None, history: float | None = None,
                 listen: str = "127.0.0.1:0", write_kubeconfig: str | os.PathLike[str] | None = None,
                 accept_hosts: tuple[str, ...] = (), faults: tuple[str, ...] = (),
                 announce: Callable[[int, int], None] | None = None, read_only: bool = False,
                 kubeconfig_as: tuple[str, tuple[str, ...]] = ("", ())) -> None:
        """`announce(done, frames)`: how far emulate's rebuild of its history from that many frames is (it
        was not prepared nor saved), which takes a while for millions of them. `read_only`: emulate refuses
        clients' writes. `kubeconfig_as`: the user and groups the written kubeconfig impersonates."""
        super().__init__(listen, write_kubeconfig, accept_hosts, kubeconfig_as)
        self._announce = announce
        self.loaded = recording if isinstance(recording, Loaded) else load(bundled.resolve(recording))
        if not isinstance(recording, Loaded):  # opened here, so closed here; a caller's stays open
            self._stack.callback(self.loaded.close)
        self.mode = mode
        self.clock: Clock = self._clock(clock, speed)
        self.seed = seed
        self.min_request_timeout = min_request_timeout
        self.history = history
        self.read_only = read_only
        self.misses = Misses()
        self.emulated: EmulatedApiserver | None = None
        self.engine: Engine = self._engine()
        self.faults = FaultInjector(self.clock, self.emulated)
        for spec in faults:  # armed before any request: each waits for the requests it matches
            f, _ = self.faults.arm(spec, default_when="next")
            if f.when == "now":
                raise FaultError(f"fault {spec}: when=now acts on open streams, and there are none before the "
                                 "first request; leave `when` out to arm it for the coming requests")

    def _clock(self, clock: Clock | str, speed: float) -> Clock:
        """Virtual time starts where the recording's first request arrived, so a client that connects
        at once sees the cluster as the first recorded client saw it."""
        start = self.loaded.first_request_t
        if clock == "manual":
            return ManualClock(start)
        if clock == "scaled":
            return ScaledClock(speed, start)
        if isinstance(clock, str):
            raise ValueError(f"unknown clock {clock!r} (manual or scaled)")
        return clock

    def _engine(self) -> Engine:
        if self.mode == "exact":
            return ExactPlayer(self.loaded, self.clock, self.misses)
        if self.mode == "emulate":
            from ..engines.emulate.engine import Emulator

            try:
                self.emulated = Emulator(self.loaded, self.clock, seed=self.seed, misses=self.misses,
                                         min_request_timeout=self.min_request_timeout, history=self.history,
                                         announce=self._announce, read_only=self.read_only,
                                         send_all=send_round)
                sendround.get_helper()  # its thread started now, not while a change is about to be due
                return self.emulated
            except (RecursionError, OverflowError, LookupError, TypeError, ValueError, AttributeError) as exc:
                if isinstance(exc, RecordingError):
                    raise
                raise diagnose.unusable(self.loaded.path, exc) from None
        raise ValueError(f"unknown replay mode {self.mode!r} (emulate or exact)")

    def _status(self) -> dict[str, Any]:
        return {"recording": self.loaded.path, "misses": {"count": self.misses.count,
                                                          "items": self.misses.items},
                "seed": self.seed, **(self.emulated.status() if self.emulated is not None else {})}

    async def __aenter__(self) -> ReplaySession:
        state = ProxyState(engine=self.engine, log=RequestLog(self.clock.now), mode=self.mode,
                           clock=self.clock, faults=self.faults,
                           allowed_hosts=accepted_hosts(self._host, self._accept),
                           control=control.router(), status_extra=self._status,
                           answers=self.emulated.answers if self.emulated is not None else None)
        await self._serve(state)
        return self

    def end_watches(self, why: str = "the replay is stopping") -> int:
        """End every open watch with its terminating chunk; returns how many."""
        return self.faults.end_watches(why)

    async def _stopping(self, app: object) -> None:
        """As an apiserver does when it stops: every open watch ends with its terminating chunk, so
        clients see a clean close rather than a cut connection."""
        self.end_watches()

    def cut_streams(self) -> int:
        """Stop now: abort every stream still open (a second Ctrl-C)."""
        return self.faults.cut_all()

    def arm(self, spec: dict[str, Any] | str) -> int:
        """Arm a fault (see proxy.engines.faults); returns how many open streams it hit at once."""
        return self.faults.arm(spec)[1]

    async def advance(self, seconds: float) -> float:
        if not isinstance(self.clock, ManualClock):
            raise TypeError("advance() needs a ManualClock")
        return await self.clock.advance(seconds)


class RecordSession(_Session):
    """Forward to the apiserver of a kubeconfig and record everything to `out`."""

    def __init__(self, out: str | os.PathLike[str], *, kubeconfig: str | None = None,
                 context: str | None = None, listen: str = "127.0.0.1:0",
                 write_kubeconfig: str | os.PathLike[str] | None = None, keep_secret_data: bool = False,
                 allow_exec: bool = False, accept_hosts: tuple[str, ...] = (), keep_protobuf: bool = False,
                 force: bool = False) -> None:
        """`force`: overwrite `out` if it exists (otherwise that is an error, and the file is untouched)."""
        super().__init__(listen, write_kubeconfig, accept_hosts)
        self.out = str(out)
        self._force = force
        if not force and os.path.lexists(self.out):  # refused before anything else can fail
            raise RecordingError("already exists; choose another file or overwrite it with --force",
                                 path=self.out)
        self._keep_protobuf = keep_protobuf
        self._kubeconfig = kubeconfig
        self._context = context
        self._keep = keep_secret_data
        self._allow_exec = allow_exec
        self.recorder: Recorder | None = None
        self.writer: RecordingWriter | None = None

    async def __aenter__(self) -> RecordSession:
        upstream = Upstream(self._kubeconfig, self._context)
        self._stack.push_async_callback(upstream.close)
        try:
            version = await upstream.version()
            sock = bind(self._host, self._port)  # the port is ours before the file is opened
        except BaseException:
            await self._stack.aclose()
            raise
        redactions = REDACTION_POLICY + (() if self._keep else (SECRET_POLICY,))
        header = Header(started_at=dt.datetime.now(dt.UTC).isoformat().replace("+00:00", "Z"),
                        upstream=upstream.server, upstream_version=version, redactions=redactions,
                        generator=f"watchproxy {__version__}")
        try:
            self.writer = RecordingWriter(self.out, header, overwrite=self._force)
        except BaseException:
            sock.close()
            await self._stack.aclose()
            raise
        self._stack.callback(self.writer.close)
        self.recorder = Recorder(upstream, self.writer, keep_secret_data=self._keep,
                                 allow_exec=self._allow_exec, keep_protobuf=self._keep_protobuf)
        state = ProxyState(engine=self.recorder, log=RequestLog(lambda: 0.0), mode="record",
                           allowed_hosts=accepted_hosts(self._host, self._accept),
                           control=control.router(), status_extra=self._status)
        self.recorder.stopping = lambda: state.stopping
        try:
            await self._serve(state, sock)
        except BaseException:
            sock.close()
            await self._stack.aclose()
            raise
        return self

    def _status(self) -> dict[str, Any]:
        assert self.recorder is not None
        s = self.recorder.stats
        return {"recording": self.out, "exchanges": s.exchanges, "watches": s.watches, "events": s.events,
                "bytes": s.bytes, "open_exchanges": s.open, "errors": s.errors,
                "headers_not_recorded": sorted(s.redacted_headers)}

    def progress(self) -> str:
        """One status line for a terminal: what is happening right now."""
        assert self.recorder is not None and self.writer is not None
        s = self.recorder.stats
        return (f"{s.open} open, {s.exchanges} exchanges, {s.watches} watches, {s.events} events, "
                f"{self.writer.bytes_written:,} bytes recorded" + (f", {s.errors} errors" if s.errors else ""))

    def summary(self) -> str:
        assert self.recorder is not None and self.writer is not None
        s = self.recorder.stats
        size = Path(self.out).stat().st_size if Path(self.out).exists() else 0
        return (f"recorded {plural(s.exchanges, 'exchange')} ({plural(s.watches, 'watch', 'watches')}, "
                f"{plural(s.events, 'event')}) to {self.out} ({size:,} bytes)"
                + (f"; {plural(s.errors, 'error')}" if s.errors else ""))
