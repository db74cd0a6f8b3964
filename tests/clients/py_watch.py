"""Watch pods in `default` with the real `kubernetes` client's `watch.Watch().stream`.

Tests run this against the proxy to see exactly what the official Python client sees: one
`TYPE : name` line per event (BOOKMARK prints its resourceVersion instead of a name), `done` when
`stream()` returns. The client's own retry logic is left untouched: without `--timeout-seconds` it
reconnects from the last resourceVersion by itself, with it the first end of stream returns.
An `ApiException` (e.g. a second ERROR 410) is printed as `ERROR : <status> <reason>` and exits 1.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from kubernetes import client, config, watch


def _name(event: dict[str, Any]) -> str:
    """Return the object's name, or the resourceVersion for a BOOKMARK (which has no name)."""
    raw = event.get("raw_object") or {}
    meta = (raw.get("metadata") or {}) if isinstance(raw, dict) else {}
    if event.get("type") == "BOOKMARK":
        return str(meta.get("resourceVersion", ""))
    return str(meta.get("name", ""))


def main(argv: list[str] | None = None) -> int:
    """Parse flags, stream events, print them; the exit code tells a clean end from an error."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--timeout-seconds", type=int, default=None, help="passed as timeout_seconds")
    parser.add_argument("--resource-version", default=None, help="passed as resource_version")
    parser.add_argument("--namespace", default="default")
    args = parser.parse_args(argv)

    config.load_kube_config()  # honours KUBECONFIG
    v1 = client.CoreV1Api()
    kw: dict[str, Any] = {}
    if args.timeout_seconds is not None:
        kw["timeout_seconds"] = args.timeout_seconds
    if args.resource_version is not None:
        kw["resource_version"] = args.resource_version
    try:
        for event in watch.Watch().stream(v1.list_namespaced_pod, args.namespace, **kw):
            if not isinstance(event, dict):  # a blank line in the stream is yielded as None
                print("NONE : ", flush=True)
                continue
            print(f"{event['type']} : {_name(event)}", flush=True)
    except client.ApiException as exc:
        print(f"ERROR : {exc.status} {exc.reason}", flush=True)
        return 1
    print("done", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
