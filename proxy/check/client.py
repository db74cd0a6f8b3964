"""The client under test as a subprocess, and what its output says it saw.

The check knows nothing about the client but its command line, so it reads the two conventions the
project's drivers share (tests/clients/README.md): one `TYPE : name` line per event (`UPDATE`/`DELETE`
from client-node informers, `BOOKMARK : rv`, `ERROR : …`, `FINAL : name rv` for an informer's cache at
exit, `done` when a watch returned), and kubectl's table (a `NAME …` header, then one row per event, whose
type it does not print). Anything else is ignored, so a client that prints nothing can still be checked
on its requests alone.

Every line is timestamped on arrival and the owner is told at once, so the check waits on output the
same way it waits on requests: on a condition, never by sleeping.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import IO

_TYPES = {"ADDED": "ADDED", "MODIFIED": "MODIFIED", "DELETED": "DELETED", "UPDATE": "MODIFIED",
          "DELETE": "DELETED"}
# What a client prints for an object without a name: a Status handed to user code as if it were a pod.
_NO_NAME = frozenset({"", "undefined", "None", "null", "none"})


class StartError(Exception):
    """The command could not be started at all (not found, not executable)."""


class ClientProcess:
    """Run `argv` in its own process group, collecting stdout/stderr lines as they come."""

    def __init__(self, argv: Sequence[str], env: dict[str, str], on_output: Callable[[], None]) -> None:
        self.argv = list(argv)
        self._on_output = on_output
        self.lines: list[tuple[float, str]] = []  # (wall time, line) of stdout
        self.stderr: list[str] = []
        try:
            # A session of its own: the client may be a wrapper (sh, npx) whose children must end with it.
            self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                         stderr=subprocess.PIPE, text=True, errors="replace", env=env,
                                         start_new_session=True)
        except OSError as exc:
            raise StartError(f"cannot start {self.argv[0]!r}: {exc.strerror or exc}") from None
        assert self.proc.stdout is not None and self.proc.stderr is not None
        self._readers = [threading.Thread(target=self._read, args=(self.proc.stdout, True), daemon=True),
                         threading.Thread(target=self._read, args=(self.proc.stderr, False), daemon=True)]
        for r in self._readers:
            r.start()

    def _read(self, stream: IO[str], is_stdout: bool) -> None:
        for line in stream:
            if is_stdout:
                self.lines.append((time.time(), line.rstrip("\n")))
            else:
                self.stderr.append(line.rstrip("\n"))
            self._on_output()
        self._on_output()  # end of stream: the process is probably gone, let waiters look

    @property
    def exit_code(self) -> int | None:
        return self.proc.poll()

    @property
    def finished(self) -> bool:
        """Exited and every line it wrote has been read."""
        return self.proc.poll() is not None and not any(r.is_alive() for r in self._readers)

    def stdout(self) -> list[str]:
        return [ln for _, ln in list(self.lines)]

    def last_stderr(self) -> str:
        """The line of stderr that names the error: the last mentioning one (a Python traceback ends with
        it, a Node error object starts with it and ends with `}`), else the last line."""
        lines = [ln.strip() for ln in list(self.stderr) if ln.strip()]
        named = [ln for ln in lines if "rror" in ln or "xception" in ln]
        return (named or lines or [""])[-1]

    def stop(self, grace: float = 3.0) -> None:
        """SIGTERM the client's process group (informers print their cache then), SIGKILL after `grace`."""
        for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 10.0)):
            if self.proc.poll() is not None:
                break
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.proc.pid, sig)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(wait)
        for r in self._readers:
            r.join(5)


@dataclass
class Printed:
    """What the client's stdout says it saw, normalised."""

    events: list[tuple[str, str]] = field(default_factory=list)  # (type, name); type "?" for table rows
    errors: list[str] = field(default_factory=list)  # `ERROR : …` payloads that report an error
    status_objects: list[str] = field(default_factory=list)  # lines that show a Status taken for an object
    junk: list[str] = field(default_factory=list)  # events that are no events (a blank line yielded as None)
    final: dict[str, str] | None = None  # FINAL : name rv, an informer's cache at exit
    done: bool = False
    table: bool = False  # kubectl-style rows: names only

    @property
    def names_only(self) -> list[str]:
        return [n for _, n in self.events]


def parse_output(lines: Sequence[str], skip: int = 0) -> Printed:
    """Parse every line, keeping what the lines after the first `skip` say (a kubectl table's header
    comes long before the rows that follow a fault, so the state is built from the start)."""
    out, kept = Printed(), Printed()
    status_table = False
    for i, line in enumerate(lines):
        text = line.strip()
        if not text:
            continue
        dest = kept if i >= skip else out
        if out.table:
            words = text.split()
            if words[:3] == ["STATUS", "REASON", "MESSAGE"]:  # kubectl printing a Status it got as a row
                status_table = True
            elif words[0] == "NAME":
                status_table = False
            elif status_table:
                dest.status_objects.append(text)
            else:
                dest.events.append(("?", words[0]))
            continue
        if text == "done":
            dest.done = True
            continue
        head, sep, rest = text.partition(" : ")
        if not sep:
            head, sep, rest = text.partition(" :")
        if not sep:
            if text.split()[:1] == ["NAME"] and not out.events and not kept.events:  # kubectl get -w's header
                out.table = True
            continue
        head, rest = head.strip(), rest.strip()
        if head in _TYPES:
            if rest in _NO_NAME:
                dest.status_objects.append(text)
            else:
                dest.events.append((_TYPES[head], rest))
        elif head == "ERROR":
            (dest.status_objects if rest in _NO_NAME else dest.errors).append(rest or text)
        elif head == "FINAL":
            name, _, rv = rest.partition(" ")
            dest.final = {**(dest.final or {}), name: rv}
        elif head == "NONE":  # the Python client yields None for a blank line in the stream
            dest.junk.append(text)
    kept.table = out.table
    return kept
