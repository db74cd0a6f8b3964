"""A small kopf operator on pods in `default`: what an operator author writes, printing what kopf hands it.

Two handlers, as a typical operator has them (both async: kopf runs sync handlers in threads, whose
prints could interleave):
- `@kopf.on.event` (raw events, no state kept by kopf): prints `TYPE : name`; kopf gives objects from its
  initial (re)list the type None, printed as ADDED;
- `@kopf.on.create` (left out with `--no-writes`, to observe kopf's watching alone): does nothing but
  succeed; kopf then records that the pod was handled by PATCHing its
  `kopf.zalando.org/last-handled-configuration` annotation, and posts a Kubernetes Event saying so.
  These writes are what an operator does to a cluster: emulate mode applies them, `replay --read-only`
  refuses them (docs/client-report.md says what kopf does then).
Standalone (no peering objects), namespaced to `default`, with `settings.scanning.disabled` (kopf's setting
for operators without the right to list namespaces): kopf then assumes `default` exists instead of
listing Namespaces, which a replay only knows if its recording listed them (the scripted cluster of
`watchproxy check` has none, and kopf would never start watching pods). On SIGTERM/SIGINT kopf stops; the
cache the events built is printed as sorted `FINAL : name rv` lines and `done`, exit 0.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from typing import Any

import kopf

CACHE: dict[str, str] = {}


@kopf.on.startup()
def configure(settings: kopf.OperatorSettings, **_: Any) -> None:
    settings.scanning.disabled = True


@kopf.on.event("v1", "pods")
async def on_event(event: dict[str, Any], name: str, **_: Any) -> None:
    kind = event.get("type") or "ADDED"  # None: from kopf's list, not a watch event
    meta = (event.get("object") or {}).get("metadata") or {}
    if kind in ("ADDED", "MODIFIED"):
        CACHE[name] = str(meta.get("resourceVersion", ""))
    elif kind == "DELETED":
        CACHE.pop(name, None)
    print(f"{kind} : {name}", flush=True)


async def on_create(**_: Any) -> None:
    """Succeeds at once; kopf's own bookkeeping is the write."""


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-writes", action="store_true", help="no create handler: kopf only watches")
    if not parser.parse_args().no_writes:
        kopf.on.create("v1", "pods")(on_create)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await kopf.operator(standalone=True, namespaces=["default"], clusterwide=False, stop_flag=stop)
    for name, rv in sorted(CACHE.items()):
        print(f"FINAL : {name} {rv}", flush=True)
    print("done", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
