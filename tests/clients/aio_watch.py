"""Watch pods in `default` with `kubernetes_asyncio`'s `watch.Watch().stream`, the asyncio twin of py_watch.py.

The client's own retry logic is left untouched: without `timeout_seconds` its Watch reconnects from the
last resourceVersion by itself and retries an ERROR 410 once with that same version; a second one, or
any other `ApiException`, ends the stream. One `TYPE : name` line per event (BOOKMARK prints its
resourceVersion); an `ApiException` prints `ERROR : <status> <reason>`, the cache and `done`, exit 1.
On SIGTERM/SIGINT the cache the events built is printed as sorted `FINAL : name rv` lines, `done`, exit 0.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from typing import Any

from kubernetes_asyncio import client, config, watch


def _meta(event: dict[str, Any]) -> dict[str, Any]:
    raw = event.get("raw_object") or {}
    return (raw.get("metadata") or {}) if isinstance(raw, dict) else {}


def _final(cache: dict[str, str]) -> None:
    for name, rv in sorted(cache.items()):
        print(f"FINAL : {name} {rv}", flush=True)
    print("done", flush=True)


async def _watch(cache: dict[str, str]) -> int:
    await config.load_kube_config()  # honours KUBECONFIG
    async with client.ApiClient() as api:
        v1 = client.CoreV1Api(api)
        try:
            async with watch.Watch() as w:
                async for event in w.stream(v1.list_namespaced_pod, "default"):
                    meta = _meta(event)
                    kind, name = event["type"], str(meta.get("name", ""))
                    if kind in ("ADDED", "MODIFIED"):
                        cache[name] = str(meta.get("resourceVersion", ""))
                    elif kind == "DELETED":
                        cache.pop(name, None)
                    print(f"{kind} : {meta.get('resourceVersion', '') if kind == 'BOOKMARK' else name}", flush=True)
        except client.ApiException as exc:
            print(f"ERROR : {exc.status} {exc.reason}", flush=True)
            return 1
    return 0  # the stream ended by itself (it does not without timeout_seconds)


async def main() -> int:
    cache: dict[str, str] = {}
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    watching = asyncio.ensure_future(_watch(cache))
    stopping = asyncio.ensure_future(stop.wait())
    await asyncio.wait({watching, stopping}, return_when=asyncio.FIRST_COMPLETED)
    code = watching.result() if watching.done() else 0
    for task in (watching, stopping):
        task.cancel()
    await asyncio.gather(watching, stopping, return_exceptions=True)
    _final(cache)
    return code


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
