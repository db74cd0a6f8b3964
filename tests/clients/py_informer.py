"""Run the real `kubernetes.informer.SharedInformer` on pods in `default` until SIGTERM.

The informer is the Python client's list + watch + reconnect loop (kubernetes >= 37). Tests run it
against the proxy to check that its cache ends up right after the proxy's closes and 410s. Each
handler call prints `ADDED|MODIFIED|DELETED : name` (also `BOOKMARK : rv` and `ERROR : exception`);
on SIGTERM (or SIGINT) the informer is stopped, the cache is printed as sorted `FINAL : name rv`
lines followed by `done`, and the exit code is 0.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from types import FrameType
from typing import Any

from kubernetes import client, config
from kubernetes.informer import ADDED, BOOKMARK, DELETED, ERROR, MODIFIED, SharedInformer

_print_lock = threading.Lock()
_stopping = threading.Event()


def _say(line: str, final: bool = False) -> None:
    """Print one whole line and flush, from any thread, so the test reading stdout sees it at once.

    Once shutdown began, handler output is dropped: stopping the informer breaks its socket, and the
    resulting ERROR is our own doing, not something the server sent.
    """
    with _print_lock:
        if final or not _stopping.is_set():
            print(line, flush=True)


def _meta(obj: Any) -> tuple[str, str]:
    """Return (name, resourceVersion) of a model object or a raw dict (bookmarks are raw dicts)."""
    if isinstance(obj, dict):
        meta = obj.get("metadata") or {}
        return str(meta.get("name") or ""), str(meta.get("resourceVersion") or "")
    meta = getattr(obj, "metadata", None)
    if meta is None:
        return "", ""
    return str(meta.name or ""), str(meta.resource_version or "")


def _describe(exc: BaseException) -> str:
    """One line for an exception the informer passes to ERROR handlers (ApiException is multi-line)."""
    if isinstance(exc, client.ApiException):
        return f"{exc.status} {exc.reason}"
    return f"{type(exc).__name__}: {exc}".splitlines()[0]


def _stop_informer(informer: SharedInformer, timeout: float = 5.0) -> None:
    """Stop the informer, but never hang the exit on a thread stuck in a blocking request."""
    with _print_lock:
        _stopping.set()
    logging.getLogger("kubernetes.informer.informer").disabled = True  # its traceback for the broken socket
    stopper = threading.Thread(target=informer.stop, daemon=True)
    stopper.start()
    stopper.join(timeout)


def main() -> int:
    """Start the informer, wait for a termination signal, print the final cache."""
    config.load_kube_config()  # honours KUBECONFIG
    v1 = client.CoreV1Api()
    informer = SharedInformer(v1.list_namespaced_pod, namespace="default")
    for kind in (ADDED, MODIFIED, DELETED):
        informer.add_event_handler(kind, lambda obj, kind=kind: _say(f"{kind} : {_meta(obj)[0]}"))
    informer.add_event_handler(BOOKMARK, lambda obj: _say(f"BOOKMARK : {_meta(obj)[1]}"))
    informer.add_event_handler(ERROR, lambda exc: _say(f"ERROR : {_describe(exc)}"))

    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    informer.start()
    while not stop.wait(0.5):
        pass
    _stop_informer(informer)
    for name, rv in sorted(_meta(obj) for obj in informer.cache.list()):
        _say(f"FINAL : {name} {rv}", final=True)
    _say("done", final=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
