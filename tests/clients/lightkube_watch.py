"""Watch pods in `default` with lightkube's sync `Client().watch`.

lightkube reconnects by itself from the last resourceVersion whenever the server ends the stream,
so against the proxy this runs until killed and shows the reconnect requests. Each event prints
`TYPE : name` (BOOKMARK prints its resourceVersion). lightkube's default `on_error` raises, so an
ERROR event or an HTTP error prints `ERROR : <code> <message>` and exits 1; `--on-error retry` uses
lightkube's `on_error_retry` instead (on a 410 ERROR event it drops the resourceVersion and re-watches).
`done` is printed if the iterator ever ends (only with `--on-error stop`).
"""

from __future__ import annotations

import argparse
import sys

from lightkube import Client
from lightkube.core.exceptions import ApiError
from lightkube.resources.core_v1 import Pod
from lightkube.types import OnErrorHandler, on_error_raise, on_error_retry, on_error_stop

_ON_ERROR: dict[str, OnErrorHandler] = {
    "raise": on_error_raise,
    "retry": on_error_retry,
    "stop": on_error_stop,
}


def main(argv: list[str] | None = None) -> int:
    """Watch, print events, report how the iterator ended through the exit code."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--on-error", choices=sorted(_ON_ERROR), default="raise")
    parser.add_argument("--resource-version", default=None)
    parser.add_argument("--namespace", default="default")
    args = parser.parse_args(argv)

    client = Client()  # KUBECONFIG, then ~/.kube/config
    try:
        for kind, pod in client.watch(
            Pod,
            namespace=args.namespace,
            resource_version=args.resource_version,
            on_error=_ON_ERROR[args.on_error],
        ):
            meta = pod.metadata
            shown = (meta.resourceVersion if kind == "BOOKMARK" else meta.name) if meta else None
            print(f"{kind} : {shown or ''}", flush=True)
    except ApiError as exc:  # an ERROR event in the stream, or a failed request with a Status body
        print(f"ERROR : {exc.status.code} {exc.status.message}", flush=True)
        return 1
    except Exception as exc:  # the watch request itself got a non-2xx answer (an httpx2.HTTPStatusError)
        response = getattr(exc, "response", None)
        if response is None:
            raise
        print(f"ERROR : {response.status_code} {response.reason_phrase}", flush=True)
        return 1
    print("done", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
